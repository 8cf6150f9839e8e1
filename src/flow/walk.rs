//! Questions about a unit's statements and expressions that several analyses ask, answered
//! with the model's walks (see [`crate::model::Scope`]): an expression without the wrappers
//! around it, whether one holds another and the chain of expressions above one, the
//! statements after a point, the variables a statement writes and whether an expression
//! reads one, the values a body returns. Language-blind, and blind to what the calls do.

use crate::model::{BinOp, Block, Expr, ExprKind, Scope, Stmt, StmtKind, TargetKind, UnOp};

/// `expr` without `&`, `*`, `.await` and `?` around it.
pub fn strip(expr: &Expr) -> &Expr {
    match &expr.kind {
        ExprKind::Unary {
            op: UnOp::Ref | UnOp::Deref | UnOp::Await,
            operand,
        }
        | ExprKind::Try(operand) => strip(operand),
        _ => expr,
    }
}

/// Whether `outer` is or contains `inner` (by identity).
pub fn contains(outer: &Expr, inner: &Expr) -> bool {
    outer.walk().iter().any(|e| std::ptr::eq(*e, inner))
}

/// The expressions of `stmt` that enclose `target`, innermost first (the call chain above it:
/// `.Scan(…)`, `?`, `.await`, `.rows_affected()`).
pub fn chain_above<'a>(stmt: &'a Stmt, target: &Expr) -> Vec<&'a Expr> {
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

/// The statements of `block` (and nested blocks) that start at or after `after`.
pub fn stmts_after(block: &Block, after: usize) -> impl Iterator<Item = &Stmt> {
    block
        .all_stmts()
        .into_iter()
        .filter(move |s| s.span.start >= after)
}

/// Whether `expr` is the variable `var`: a plain name, or a field path (`b.delay`).
pub fn is_var(expr: &Expr, var: &str) -> bool {
    expr.dotted().is_some_and(|d| d == var)
}

/// Whether `var` (a name or a field path) is read anywhere in `expr`.
pub fn reads(expr: &Expr, var: &str) -> bool {
    expr.walk().iter().any(|e| is_var(e, var)) || (!var.contains('.') && expr.mentions(var))
}

/// The variables (names and field paths) an assignment statement writes.
pub fn assigned_vars(stmt: &Stmt) -> Vec<String> {
    let StmtKind::Assign { targets, .. } = &stmt.kind else {
        return Vec::new();
    };
    targets
        .iter()
        .filter_map(|t| match &t.kind {
            TargetKind::Name(n) => Some(n.clone()),
            TargetKind::Place(p) => p.dotted(),
            TargetKind::Discard => None,
        })
        .collect()
}

/// The variables assigned the value of `expr` by `stmt` (`b := retry.NewExponential(…)`).
pub fn bound_names(stmt: &Stmt, expr: &Expr) -> Vec<String> {
    match &stmt.kind {
        StmtKind::Assign { value, .. } if contains(value, expr) => assigned_vars(stmt),
        _ => Vec::new(),
    }
}

/// An assignment somewhere in a unit: `var op= value`.
#[derive(Clone, Copy)]
pub struct Assignment<'a> {
    pub stmt: &'a Stmt,
    pub op: Option<BinOp>,
    pub value: &'a Expr,
}

impl<'a> Assignment<'a> {
    /// The assignment `stmt` is, if it is one.
    pub fn of(stmt: &'a Stmt) -> Option<Assignment<'a>> {
        match &stmt.kind {
            StmtKind::Assign { op, value, .. } => Some(Assignment {
                stmt,
                op: *op,
                value,
            }),
            _ => None,
        }
    }
}

/// Every assignment to `var` in `block` (loop headers included, closures not).
pub fn assignments<'a>(block: &'a Block, var: &str) -> Vec<Assignment<'a>> {
    block
        .stmts_in(Scope::FLOW)
        .into_iter()
        .filter_map(Assignment::of)
        .filter(|a| assigned_vars(a.stmt).iter().any(|v| v == var))
        .collect()
}

/// The values a function body returns, at any depth outside nested closures.
pub fn returned_values(body: &Block) -> Vec<&Expr> {
    body.stmts_in(Scope::FLOW)
        .into_iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Return(value) => value.as_ref(),
            _ => None,
        })
        .collect()
}
