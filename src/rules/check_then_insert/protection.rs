//! What closes a race between a read by key and the insert after it, outside the two
//! statements: an advisory lock taken before the read, SERIALIZABLE isolation around both, or
//! the insert's unique violation handled.

use crate::flow::QuerySite;
use crate::model::{Expr, ExprKind, Unit};
use crate::rules::Context;
use crate::semantic::Sequence;

/// What can close a race outside the two statements, found once per unit: an advisory lock
/// taken before the read, SERIALIZABLE isolation around both, or the write's unique
/// violation handled.
pub(super) struct Protection {
    /// For each position (and the end), whether a statement before it takes an advisory
    /// lock; whether one asks for SERIALIZABLE.
    locked_before: Vec<bool>,
    serializable_before: Vec<bool>,
    /// Where host code first names an advisory lock, and SERIALIZABLE isolation.
    first_lock_name: Option<usize>,
    first_serializable_name: Option<usize>,
    /// Where host code last looks for a unique violation (an error code, a named check, a
    /// message), or a script last names one.
    last_unique_check: Option<usize>,
}

impl Protection {
    pub(super) fn new(unit: &Unit, sequence: &Sequence, cx: &Context) -> Protection {
        let k = cx.knowledge;
        let mut locked_before = vec![false];
        let mut serializable_before = vec![false];
        for (_, _, stmt) in sequence.iter() {
            locked_before.push(locked_before[locked_before.len() - 1] || stmt.advisory_lock);
            serializable_before
                .push(serializable_before[serializable_before.len() - 1] || stmt.serializable);
        }
        let exprs = cx.facts(unit).exprs();
        let first_named = |names: &dyn Fn(&str) -> bool| {
            (exprs.iter())
                .filter(|e| matches!(e.kind, ExprKind::Name(_) | ExprKind::Field { .. }))
                .filter(|e| e.dotted().is_some_and(|name| names(&name)))
                .map(|e| e.span.start)
                .min()
        };
        let first_lock_name = first_named(&|name| k.names_advisory_lock(name));
        let first_serializable_name = first_named(&|name| k.names_serializable(name));
        let last_unique_check = if cx.lang.code_is_sql() {
            script_words(unit, cx)
                .filter(|(_, word)| k.is_unique_violation(word))
                .map(|(at, _)| at)
                .last()
        } else {
            (exprs.iter())
                .filter(|e| checks_unique_violation(e, cx))
                .map(|e| e.span.start)
                .max()
        };
        Protection {
            locked_before,
            serializable_before,
            first_lock_name,
            first_serializable_name,
            last_unique_check,
        }
    }

    /// Whether the race between the read at `read_at` and the write `write_q` is closed.
    pub(super) fn covers(
        &self,
        sequence: &Sequence,
        read_at: usize,
        write_q: &QuerySite,
        unit: &Unit,
        cx: &Context,
    ) -> bool {
        let (read_q, _) = sequence.get(read_at);
        let read_start = read_q.span.start;
        let named_before = |first: Option<usize>| first.is_some_and(|at| at < read_start);
        let locked = self.locked_before[read_at] || named_before(self.first_lock_name);
        let serializable =
            self.serializable_before[read_at] || named_before(self.first_serializable_name);
        locked
            || serializable && !sequence.ends_transaction_between(read_start, write_q.span.start)
            || self.unique_violation_handled(write_q.span.start, unit, cx)
    }

    /// Whether the unit looks for a unique violation at or after `from`.
    fn unique_violation_handled(&self, from: usize, unit: &Unit, cx: &Context) -> bool {
        if self.last_unique_check.is_some_and(|at| at >= from) {
            return true;
        }
        // In a script, the word `from` falls in counts from there on.
        let end = unit.span.end.min(cx.source.len());
        cx.lang.code_is_sql()
            && cx.source.get(from.min(end)..end).is_some_and(|rest| {
                rest.split(|c: char| !is_word_char(c))
                    .next()
                    .is_some_and(|word| cx.knowledge.is_unique_violation(word))
            })
    }
}

/// Whether an expression of host code looks for a unique violation: an error code, a named
/// check (`is_unique_violation()`, `pgerrcode.UniqueViolation`), a message.
fn checks_unique_violation(e: &Expr, cx: &Context) -> bool {
    let k = cx.knowledge;
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            e.dotted().is_some_and(|n| k.is_unique_violation(&n))
                || e.last_segment().is_some_and(|n| k.is_unique_violation(n))
        }
        ExprKind::Str(s) => k.is_unique_violation(&s.value),
        ExprKind::Number { text, .. } => k.is_unique_violation(text),
        _ => false,
    }
}

/// The words of a script unit's text (a PL/pgSQL `EXCEPTION WHEN unique_violation` is one
/// the model does not carry), with where each starts.
fn script_words<'s>(unit: &Unit, cx: &Context<'s>) -> impl Iterator<Item = (usize, &'s str)> {
    let end = unit.span.end.min(cx.source.len());
    let start = unit.span.start.min(end);
    let text = cx.source.get(start..end).unwrap_or_default();
    crate::work::step(text.len() / 64);
    text.split(|c: char| !is_word_char(c))
        .filter(|word| !word.is_empty())
        .map(move |word| {
            (
                start + (word.as_ptr() as usize - text.as_ptr() as usize),
                word,
            )
        })
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
