//! Where the value and the error of a call go: the variables that hold them at the call's
//! statement, the variables that carry them on, whether a later condition tests them or
//! sends an error out of the unit, and whether the error is thrown away.
//!
//! It leans on the two conventions of flow's module doc: a multi-value assignment puts the
//! error last (Go), and an error variable is named like one when it stands alone.

use std::collections::BTreeSet;

use super::divergence::block_diverges;
use super::sites::Site;
use super::walk::{chain_above, contains, stmts_after, strip};
use crate::knowledge::Knowledge;
use crate::model::{
    Block, Call, Expr, ExprKind, Guard, Lang, Scope, Span, Stmt, StmtKind, TargetKind, UnOp, Unit,
};

/// Where the value of a call goes, at the statement where it is made.
#[derive(Debug, Default, Clone)]
pub struct Binding {
    /// Variables that hold the call's value, or values read out of it (`Scan(&id)`).
    pub values: Vec<String>,
    /// The variable that holds the call's error, if it is kept apart (Go's `err`).
    pub error: Option<String>,
    /// `?` is applied: an error leaves the unit at once.
    pub propagated: bool,
    /// The value is tested where it is made: an `if`/`match` on the call itself, a
    /// `let … else` that diverges, or it is returned to the caller.
    pub tested_in_place: bool,
}

impl Binding {
    /// Nothing keeps or tests the call's value.
    pub fn discards_value(&self) -> bool {
        self.values.is_empty() && !self.tested_in_place
    }
}

/// How the value of `site`'s call is bound.
pub fn binding(site: &Site) -> Binding {
    let mut b = Binding {
        propagated: chain_above(site.stmt, site.expr)
            .iter()
            .any(|e| matches!(e.kind, ExprKind::Try(_))),
        values: scan_destinations(site.stmt, site.expr),
        ..Binding::default()
    };
    match &site.stmt.kind {
        StmtKind::Assign {
            targets,
            else_block,
            value,
            ..
        } if contains(value, site.expr) => {
            let names: Vec<Option<&str>> = targets
                .iter()
                .map(|t| match &t.kind {
                    TargetKind::Name(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect();
            b.tested_in_place = else_block.as_ref().is_some_and(block_diverges);
            match names.as_slice() {
                [only] => match only {
                    Some(n) if is_error_name(n) => b.error = Some((*n).to_owned()),
                    Some(n) => b.values.push((*n).to_owned()),
                    None => {}
                },
                [values @ .., last] => {
                    b.error = last.map(str::to_owned);
                    b.values
                        .extend(values.iter().flatten().map(|n| (*n).to_owned()));
                }
                [] => {}
            }
            for t in targets {
                if let TargetKind::Place(p) = &t.kind {
                    b.values.extend(pattern_names(p));
                }
            }
        }
        StmtKind::Branch { .. } | StmtKind::Loop(_) | StmtKind::Return(_) => {
            b.tested_in_place = true;
        }
        StmtKind::Expr(e) if std::ptr::eq(strip(e), site.expr) => {
            b.values.extend(answering_receiver(site.call));
        }
        _ => {}
    }
    b
}

/// The variable a query whose value is thrown away was run on: a DB-API cursor
/// (`cur.execute(…)`, then `cur.fetchone()` or `cur.rowcount`) holds what the query
/// answered.
fn answering_receiver(call: &Call) -> Option<String> {
    if !matches!(call.role, crate::model::CallRole::Query(_)) {
        return None;
    }
    match &call.callee.kind {
        ExprKind::Field { base, .. } => match &base.kind {
            ExprKind::Name(name) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a name is what code calls an error variable.
pub fn is_error_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "e" || lower.starts_with("err") || lower.ends_with("err") || lower.ends_with("error")
}

/// The variables bound inside a destructuring pattern (`Some(row)`, `Ok((a, b))`).
pub(super) fn pattern_names(pattern: &Expr) -> Vec<String> {
    pattern
        .walk()
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Name(n)
                if !n.contains('.') && n.chars().next().is_some_and(char::is_lowercase) =>
            {
                Some(n.clone())
            }
            _ => None,
        })
        .collect()
}

/// Variables whose address is passed to a call chained on `target` (`QueryRow(…).Scan(&id)`).
fn scan_destinations(stmt: &Stmt, target: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    for e in chain_above(stmt, target) {
        if let ExprKind::Call(c) = &e.kind {
            if !is_method_on(c, target) {
                continue;
            }
            for arg in &c.args {
                if let ExprKind::Unary {
                    op: UnOp::Ref,
                    operand,
                } = &arg.kind
                    && let Some(name) = operand.dotted()
                {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// Whether `call` is a method called on the value of `receiver` (directly or further down
/// its chain).
fn is_method_on(call: &Call, receiver: &Expr) -> bool {
    matches!(&call.callee.kind, ExprKind::Field { base, .. } if contains(base, receiver))
}

/// The variables that carry `seeds` on: the seeds, and every variable later assigned from an
/// expression that reads one of them (`n, _ := res.RowsAffected()`).
pub fn derived(unit: &Unit, seeds: &[String], after: usize) -> BTreeSet<String> {
    let mut vars: BTreeSet<String> = seeds.iter().cloned().collect();
    for stmt in unit.body.all_stmts() {
        if stmt.span.start < after {
            continue;
        }
        if let StmtKind::Assign { targets, value, .. } = &stmt.kind
            && vars.iter().any(|v| value.mentions(v))
        {
            for t in targets {
                if let TargetKind::Name(n) = &t.kind {
                    vars.insert(n.clone());
                }
            }
        }
    }
    vars
}

/// The first place at or after `after` where a condition, a switched-on subject, a loop
/// condition or a `let … else` reads one of `vars`.
pub fn first_test(unit: &Unit, vars: &BTreeSet<String>, after: usize) -> Option<Span> {
    let reads = |e: &Expr| vars.iter().any(|v| e.mentions(v));
    for stmt in unit.body.all_stmts() {
        if stmt.span.start < after {
            continue;
        }
        let tested = match &stmt.kind {
            StmtKind::Branch { subject, arms } => {
                subject.as_ref().is_some_and(reads)
                    || arms.iter().any(|arm| match &arm.guard {
                        Guard::Cond(c) => reads(c),
                        Guard::Pattern { extra, .. } => extra.as_ref().is_some_and(reads),
                        Guard::Else => false,
                    })
            }
            StmtKind::Loop(l) => l.cond.as_ref().is_some_and(reads),
            StmtKind::Assign {
                value,
                else_block: Some(_),
                ..
            } => reads(value),
            _ => false,
        };
        if tested {
            return Some(stmt.span.clone());
        }
    }
    None
}

/// Whether a condition on `error` sends control out of the unit (or the loop) when the
/// error is set: `if err != nil { return … }`, `if errors.Is(err, X) { return }`.
pub fn error_exits(unit: &Unit, error: &str, after: usize) -> bool {
    unit.body.all_stmts().into_iter().any(|stmt| {
        stmt.span.start >= after
            && match &stmt.kind {
                StmtKind::Branch { subject, arms } => arms.iter().any(|arm| {
                    let reads = match &arm.guard {
                        Guard::Cond(c) => c.mentions(error),
                        Guard::Pattern { .. } => {
                            subject.as_ref().is_some_and(|s| s.mentions(error))
                        }
                        Guard::Else => false,
                    };
                    reads && block_diverges(&arm.body)
                }),
                _ => false,
            }
    })
}

/// Whether the error of `site`'s call is thrown away: not propagated, not returned, not
/// tested and not kept (a bare call statement, `_ =`, `let _ =`, `.ok()`, or an error
/// variable nothing reads). Where failures throw, only a handler that goes on ignores it.
pub fn error_ignored(unit: &Unit, site: &Site, lang: Lang, knowledge: &Knowledge) -> bool {
    if lang.fails_by_throwing() {
        return swallowed(unit, site.stmt, knowledge);
    }
    let b = binding(site);
    if b.propagated || b.tested_in_place {
        return false;
    }
    match &site.stmt.kind {
        StmtKind::Expr(_) => true,
        StmtKind::Assign { .. } => {
            let kept: Vec<String> = b.values.into_iter().chain(b.error).collect();
            let after = site.stmt.span.end;
            let vars = derived(unit, &kept, after);
            kept.is_empty()
                || first_test(unit, &vars, after).is_none() && !returned(unit, &vars, after)
        }
        _ => false,
    }
}

/// Whether what `stmt` throws is caught by a handler that goes on (one that does not end
/// by returning or rethrowing) as if nothing happened: one that rolls the transaction
/// back reacts to it.
fn swallowed(unit: &Unit, stmt: &Stmt, knowledge: &Knowledge) -> bool {
    let rolls_back = |handler: &Block| {
        (handler.exprs_in(Scope::FLOW).into_iter()).any(|e| match &e.kind {
            ExprKind::Call(call) => knowledge.is_rollback(&call.lookup_name()),
            _ => false,
        })
    };
    unit.body.all_stmts().into_iter().any(|s| match &s.kind {
        StmtKind::Try {
            body,
            handler: Some(handler),
            ..
        } => {
            !block_diverges(handler)
                && !rolls_back(handler)
                && body
                    .all_stmts()
                    .into_iter()
                    .any(|inner| std::ptr::eq(inner, stmt))
        }
        _ => false,
    })
}

/// Whether a `return` at or after `after` gives back one of `vars`.
fn returned(unit: &Unit, vars: &BTreeSet<String>, after: usize) -> bool {
    stmts_after(&unit.body, after).any(|s| match &s.kind {
        StmtKind::Return(Some(e)) => vars.iter().any(|v| e.mentions(v)),
        _ => false,
    })
}
