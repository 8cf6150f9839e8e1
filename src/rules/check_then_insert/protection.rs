//! What closes a race between a read by key and the insert after it, outside the two
//! statements: an advisory lock taken before the read, SERIALIZABLE isolation around both, or
//! the insert's unique violation handled, in the deciding unit or in a function it calls.

use crate::model::{CallRole, Expr, ExprKind, UnOp, Unit};
use crate::rules::Context;
use crate::semantic::Sequence;
use crate::sql::Statement;

/// What can close a race outside the two statements, found once per unit: an advisory lock
/// taken before the read, SERIALIZABLE isolation around both, or the write's unique
/// violation handled.
pub(super) struct Protection {
    /// For each position (and the end), whether a statement before it takes an advisory
    /// lock; whether one asks for SERIALIZABLE.
    locked_before: Vec<bool>,
    serializable_before: Vec<bool>,
    /// Where host code first names an advisory lock, or calls a function that takes one;
    /// likewise for SERIALIZABLE isolation.
    first_lock: Option<usize>,
    first_serializable: Option<usize>,
    /// Where host code last looks for a unique violation (an error code, a named check, a
    /// message), or a script last names one.
    last_unique_check: Option<usize>,
    /// The strings of host code that may name a key constraint (see
    /// [`names_key_constraint`]), with where each starts.
    constraint_names: Vec<(usize, String)>,
    /// Where the unit awaits, when its language runs one event loop (see
    /// [`crate::lang::profile::Profile::runs_alone_between_awaits`]); `None` otherwise.
    awaits: Option<Vec<crate::model::Span>>,
    /// Whether the file's functions that call this one look for a unique violation after
    /// the call: the insert's duplicate is answered there.
    callers_handle_unique_violation: bool,
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
        let lock_names = |name: &str| k.names_advisory_lock(name);
        let serializable_names = |name: &str| k.names_serializable(name);
        let first_lock = (first_named(exprs, &lock_names).into_iter())
            .chain(first_call_that(unit, cx, |s| s.advisory_lock, &lock_names))
            .min();
        let first_serializable = (first_named(exprs, &serializable_names).into_iter())
            .chain(first_call_that(
                unit,
                cx,
                |s| s.serializable,
                &serializable_names,
            ))
            .min();
        let last_unique_check = (exprs.iter())
            .filter(|e| checks_unique_violation(e, cx))
            .map(|e| e.span.start)
            .max();
        let constraint_names = (exprs.iter())
            .filter_map(|e| match &e.kind {
                ExprKind::Str(s) if s.value.ends_with("_key") || s.value.ends_with("_pkey") => {
                    Some((e.span.start, s.value.clone()))
                }
                _ => None,
            })
            .collect();
        let awaits = cx.profile().runs_alone_between_awaits().then(|| {
            (exprs.iter())
                .filter(|e| {
                    matches!(
                        e.kind,
                        ExprKind::Unary {
                            op: UnOp::Await,
                            ..
                        }
                    )
                })
                .map(|e| e.span.clone())
                .collect()
        });
        Protection {
            locked_before,
            serializable_before,
            first_lock,
            first_serializable,
            last_unique_check,
            constraint_names,
            awaits,
            callers_handle_unique_violation: callers_handle_unique_violation(unit, cx),
        }
    }

    /// Whether the race is closed between a read that starts at offset `read_start`, after
    /// the statements before position `read_at` of the sequence, and a write into `table`
    /// that starts at offset `write_start` of the unit.
    pub(super) fn covers(
        &self,
        sequence: &Sequence,
        (read_at, read_start): (usize, usize),
        (write_start, table): (usize, &str),
    ) -> bool {
        let named_before = |first: Option<usize>| first.is_some_and(|at| at < read_start);
        let locked = self.locked_before[read_at] || named_before(self.first_lock);
        let serializable =
            self.serializable_before[read_at] || named_before(self.first_serializable);
        let constraint_checked = (self.constraint_names.iter())
            .any(|(at, name)| *at >= write_start && names_key_constraint(name, table));
        // On one event loop, a read and an insert with no `await` from the read on run
        // alone: only another process can come between them.
        let runs_alone = (self.awaits.as_ref()).is_some_and(|awaits| {
            !awaits
                .iter()
                .any(|span| span.end > read_start && span.start < write_start)
        });
        locked
            || serializable && !sequence.ends_transaction_between(read_start, write_start)
            || constraint_checked
            || runs_alone
            || self.callers_handle_unique_violation
            || self.unique_violation_handled(write_start)
    }

    /// Whether the unit looks for a unique violation at or after `from`.
    fn unique_violation_handled(&self, from: usize) -> bool {
        self.last_unique_check.is_some_and(|at| at >= from)
    }
}

/// Whether the file has functions that call `unit`, and each looks for a unique violation
/// after its call (`catch (e) { if (e.code === "23505") … }` around `runPhase1(…)`): the
/// insert's duplicate fails there and is answered, not done twice.
fn callers_handle_unique_violation(unit: &Unit, cx: &Context) -> bool {
    let calls = cx.calls_in_file_of(unit);
    let mut callers = Vec::new();
    for (caller, call) in calls {
        if callers.iter().any(|(seen, _)| std::ptr::eq(*seen, caller)) {
            continue;
        }
        let handled = (cx.facts(caller).exprs().iter())
            .any(|e| e.span.start >= call.expr.span.end && checks_unique_violation(e, cx));
        callers.push((caller, handled));
    }
    !callers.is_empty() && callers.iter().all(|(_, handled)| *handled)
}

/// Where the first of `exprs` that is a name (`sql.LevelSerializable`) `names` holds for
/// starts.
fn first_named(exprs: &[&Expr], names: &dyn Fn(&str) -> bool) -> Option<usize> {
    (exprs.iter())
        .filter(|e| matches!(e.kind, ExprKind::Name(_) | ExprKind::Field { .. }))
        .filter(|e| e.dotted().is_some_and(|name| names(&name)))
        .map(|e| e.span.start)
        .min()
}

/// Where `unit` first calls a function (of its file or another of the project) whose SQL
/// does what `in_sql` asks or whose code says it (`names`): a lock taken, or SERIALIZABLE
/// asked for, in a helper called before the read closes the race as well.
fn first_call_that(
    unit: &Unit,
    cx: &Context,
    in_sql: fn(&Statement) -> bool,
    names: &dyn Fn(&str) -> bool,
) -> Option<usize> {
    let does = |function: &Unit| {
        (cx.facts(function).queries().iter())
            .flat_map(|query| query.statements())
            .any(in_sql)
            || first_named(&function.all_exprs(), names).is_some()
    };
    (cx.facts(unit).calls().iter())
        .filter(|site| matches!(site.call.role, CallRole::Unknown))
        .find(|site| {
            cx.function(site.call, unit)
                .is_some_and(|function| !std::ptr::eq(function, unit) && does(function))
        })
        .map(|site| site.expr.span.start)
}

/// Whether a function the deciding unit calls looks for a unique violation at or after
/// offset `from` of its own: one that inserts into `table` and handles a twin's insert
/// itself.
pub(super) fn handled_in(function: &Unit, from: usize, table: &str, cx: &Context) -> bool {
    (function.all_exprs().iter()).any(|e| {
        e.span.start >= from
            && (checks_unique_violation(e, cx)
                || matches!(&e.kind, ExprKind::Str(s) if names_key_constraint(&s.value, table)))
    })
}

/// Whether `text` is the name PostgreSQL gives a key constraint of `table` by default
/// (`locking_pkey`, `payments_idempotency_key_key`): code that looks for it in an error
/// looks for a twin's insert.
fn names_key_constraint(text: &str, table: &str) -> bool {
    let table = table.rsplit('.').next().unwrap_or(table);
    (text.strip_prefix(table))
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|rest| rest == "pkey" || rest.ends_with("_key"))
}

/// Whether an expression looks for a unique violation: an error code, a named check
/// (`is_unique_violation()`, `pgerrcode.UniqueViolation`, PL/pgSQL's `WHEN
/// unique_violation`), a message.
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
