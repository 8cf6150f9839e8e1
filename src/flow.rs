//! Data flow over the model that several rules need: where the outcome of a call goes,
//! which variables carry it on, and whether a later condition looks at them.
//!
//! All of it is language-blind. It leans on two conventions that hold in the host
//! languages idemlint reads: a multi-value assignment puts the error last (Go), and an
//! error variable is named like one (`err`, `e`, `error`) when it stands alone.

use std::collections::BTreeSet;

use crate::model::{
    Block, Call, CallRole, Expr, ExprKind, Guard, Outcome, Query, Span, SqlText, Stmt, StmtKind,
    TargetKind, UnOp, Unit,
};
use crate::sql;

/// A call found in a unit, with the statement it stands in.
#[derive(Clone, Copy)]
pub struct Site<'a> {
    pub stmt: &'a Stmt,
    pub expr: &'a Expr,
    pub call: &'a Call,
}

impl<'a> Site<'a> {
    pub fn query(&self) -> Option<&'a Query> {
        match &self.call.role {
            CallRole::Query(q) => Some(q),
            _ => None,
        }
    }
}

/// Every call of the unit outside closures, in source order, with its statement.
/// A statement's own expressions come before those of the blocks nested in it.
pub fn calls(unit: &Unit) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for stmt in unit.body.all_stmts() {
        for root in stmt.exprs() {
            for expr in root.walk() {
                if let ExprKind::Call(call) = &expr.kind {
                    out.push(Site { stmt, expr, call });
                }
            }
        }
    }
    out.sort_by_key(|s| (s.expr.span.start, std::cmp::Reverse(s.expr.span.end)));
    out
}

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
            b.tested_in_place = else_block.as_ref().is_some_and(Stmt::block_diverges);
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
        _ => {}
    }
    b
}

/// Whether a name is what code calls an error variable.
pub fn is_error_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "e" || lower.starts_with("err") || lower.ends_with("err") || lower.ends_with("error")
}

/// The variables bound inside a destructuring pattern (`Some(row)`, `Ok((a, b))`).
fn pattern_names(pattern: &Expr) -> Vec<String> {
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

/// Whether `outer` is or contains `inner` (by identity).
fn contains(outer: &Expr, inner: &Expr) -> bool {
    outer.walk().iter().any(|e| std::ptr::eq(*e, inner))
}

/// The expressions of `stmt` that enclose `target`, innermost first (the call chain above it:
/// `.Scan(…)`, `?`, `.await`, `.rows_affected()`).
fn chain_above<'a>(stmt: &'a Stmt, target: &Expr) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    for root in stmt.exprs() {
        let mut path: Vec<&Expr> = Vec::new();
        if find_path(root, target, &mut path) {
            path.pop();
            out.extend(path.into_iter().rev());
            break;
        }
    }
    out
}

/// Fills `path` with the expressions from `from` down to `target`; iterative over siblings,
/// bounded in depth by the front-ends' nesting limit.
fn find_path<'a>(from: &'a Expr, target: &Expr, path: &mut Vec<&'a Expr>) -> bool {
    path.push(from);
    if std::ptr::eq(from, target) {
        return true;
    }
    if from.span.start <= target.span.start && target.span.end <= from.span.end {
        for child in from.children() {
            if find_path(child, target, path) {
                return true;
            }
        }
    }
    path.pop();
    false
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
                    reads && Stmt::block_diverges(&arm.body)
                }),
                _ => false,
            }
    })
}

/// The statements of `block` (and nested blocks) that start at or after `after`.
pub fn stmts_after(block: &Block, after: usize) -> impl Iterator<Item = &Stmt> {
    block
        .all_stmts()
        .into_iter()
        .filter(move |s| s.span.start >= after)
}

/// A place where SQL runs: a driver call, or a statement of a SQL script.
#[derive(Clone, Copy)]
pub struct QuerySite<'a> {
    pub sql: &'a SqlText,
    pub outcome: Outcome,
    /// The driver call, for host code; `None` for a script statement.
    pub call: Option<Site<'a>>,
    /// Where the query stands in the file (the call, or the script statement).
    pub span: &'a Span,
}

impl<'a> QuerySite<'a> {
    /// The file span of a span of this query's SQL text.
    pub fn file_span(&self, sql_span: &std::ops::Range<usize>) -> Span {
        self.sql.text.file_span(sql_span.clone())
    }

    /// The SQL statements this query runs, in order.
    pub fn statements(&self) -> &'a [sql::Statement] {
        &self.sql.statements
    }
}

/// Every query of the unit, in source order.
pub fn queries(unit: &Unit) -> Vec<QuerySite<'_>> {
    let mut out: Vec<QuerySite> = calls(unit)
        .into_iter()
        .filter_map(|site| {
            let q = site.query()?;
            Some(QuerySite {
                sql: &q.sql,
                outcome: q.outcome,
                span: &site.expr.span,
                call: Some(site),
            })
        })
        .collect();
    for expr in unit.all_exprs() {
        if let ExprKind::Sql(sql) = &expr.kind {
            out.push(QuerySite {
                sql,
                outcome: Outcome::Unknown,
                call: None,
                span: &expr.span,
            });
        }
    }
    out.sort_by_key(|q| q.span.start);
    out
}
