//! A SQL script's status reads: what the statements after one ask (the record's next claim
//! or completion, a named-query line between, a quoted in-progress status between), found
//! once per unit.

use std::collections::HashMap;

use super::{completion, is_claim};
use crate::knowledge::Knowledge;
use crate::model::{Span, Unit};
use crate::rules::Context;
use crate::semantic::{self, NamedQueries, UnitFacts};

/// What a script's status reads ask about the statements and the text after them, found
/// once per unit.
pub(super) struct Script<'s> {
    /// The positions of the claims and completions, by table and by each column they could
    /// key the record by (a WHERE equality, an inserted column), in order.
    record_writes: HashMap<(&'s str, &'s str), Vec<usize>>,
    pub(super) named_queries: &'s NamedQueries<'s>,
    pub(super) status_literals: StatusLiterals,
}

impl<'s> Script<'s> {
    pub(super) fn new(unit: &Unit, facts: &'s UnitFacts<'_>, cx: &Context) -> Script<'s> {
        let mut record_writes: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (position, q, stmt) in facts.sequence().iter() {
            let Some(table) = stmt.table.as_deref() else {
                continue;
            };
            if !is_claim(q, stmt, cx) && completion(q, stmt, cx).is_none() {
                continue;
            }
            let columns = (stmt.where_equals.iter().map(|c| c.column.as_str()))
                .chain(stmt.insert_columns.iter().map(String::as_str));
            for column in columns {
                let positions = record_writes.entry((table, column)).or_default();
                if positions.last() != Some(&position) {
                    positions.push(position);
                }
            }
        }
        Script {
            record_writes,
            named_queries: facts.named_queries(),
            status_literals: StatusLiterals::new(cx.source, &unit.span, cx.knowledge),
        }
    }

    /// The first claim or completion after `position` of a record of `table` keyed by one
    /// of `keys`.
    pub(super) fn next_record_write(
        &self,
        table: &str,
        keys: &[&str],
        position: usize,
    ) -> Option<usize> {
        keys.iter()
            .filter_map(|key| {
                let positions = self.record_writes.get(&(table, *key))?;
                semantic::first_after(positions, position)
            })
            .min()
    }
}

/// The in-progress statuses quoted in a script's text (a PL/pgSQL `IF v_status =
/// 'in_progress' THEN RAISE …`, which the model does not carry), found once, so that asking
/// whether the code between two statements compares one does not read that code again.
pub(super) struct StatusLiterals {
    /// Each one, in order.
    found: Vec<StatusLiteral>,
    /// The indices in `found` of those with no `--` before them on their line.
    in_code: Vec<usize>,
}

struct StatusLiteral {
    span: Span,
    /// The last `--` before it on its line.
    comment_before: Option<usize>,
}

impl StatusLiterals {
    fn new(source: &str, span: &Span, k: &Knowledge) -> StatusLiterals {
        let text = source
            .get(span.clone())
            .unwrap_or_default()
            .to_ascii_lowercase();
        crate::work::step(text.len() / 64);
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for status in &k.in_progress_statuses {
            let quoted = format!("'{status}'");
            let mut from = 0;
            // Overlapping ones too: `'a'a'` quotes `a` twice.
            while let Some(at) = text[from..].find(&quoted) {
                starts.push((from + at, quoted.len()));
                from += at + 1;
            }
        }
        starts.sort_unstable();
        // The last `--` of the line so far, read once up to each literal.
        let bytes = text.as_bytes();
        let mut comment_before = None;
        let mut scanned = 0;
        let mut found = Vec::with_capacity(starts.len());
        for (start, len) in starts {
            while scanned < start {
                if bytes[scanned] == b'\n' {
                    comment_before = None;
                } else if bytes[scanned..].starts_with(b"--") {
                    comment_before = Some(span.start + scanned);
                }
                scanned += 1;
            }
            found.push(StatusLiteral {
                span: span.start + start..span.start + start + len,
                comment_before,
            });
        }
        let in_code = (found.iter().enumerate())
            .filter(|(_, literal)| literal.comment_before.is_none())
            .map(|(i, _)| i)
            .collect();
        StatusLiterals { found, in_code }
    }

    /// Whether the code between two offsets, comments aside, holds one: on the first line
    /// from `from`, before any `--` after `from`; on the others, before any `--`.
    pub(super) fn between(&self, from: usize, to: usize) -> bool {
        crate::work::step(1);
        if from > to {
            return false;
        }
        let first = self.found.partition_point(|l| l.span.start < from);
        let in_code = |literal: &&StatusLiteral| literal.comment_before.is_none_or(|c| c < from);
        // Literals do not nest: the first one in code is the first to end.
        let literal = self.found.get(first).filter(in_code).or_else(|| {
            let next = self.in_code.partition_point(|&i| i < first);
            self.in_code.get(next).map(|&i| &self.found[i])
        });
        literal.is_some_and(|l| l.span.end <= to)
    }
}
