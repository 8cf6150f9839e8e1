//! The attempts of a loop: the calls of its body whose outcome it binds or tests, each
//! judged as the call the loop may retry, and where a failure thrown inside a `try` of the
//! body lands.

use crate::flow;
use crate::model::visit::{Visitor, walk_stmt};
use crate::model::{
    Block, CallRole, Expr, ExprKind, Guard, Lang, Loop, Span, Stmt, StmtKind, TargetKind,
};

/// A call whose outcome the loop tests: the attempt being retried, if the loop is a retry.
pub(super) struct Attempt<'a> {
    pub(super) stmt: &'a Stmt,
    pub(super) call: &'a Expr,
    /// Go: the variable that receives the call's error.
    pub(super) error: Option<String>,
    /// Rust: a variable that holds the call's `Result`.
    pub(super) result: Option<String>,
    /// The variables that receive the call's value (the response).
    pub(super) values: Vec<String>,
    /// `?` sends an error out of the loop.
    pub(super) propagates: bool,
    /// A failure is thrown to the handler of a `try` inside the loop.
    pub(super) caught: Option<Catch>,
}

impl<'a> Attempt<'a> {
    /// The call `call` of `stmt` as an attempt, with nothing yet known of what receives
    /// its outcome.
    fn of(stmt: &'a Stmt, call: &'a Expr, caught: Option<Catch>) -> Attempt<'a> {
        Attempt {
            stmt,
            call,
            error: None,
            result: None,
            values: Vec::new(),
            propagates: false,
            caught,
        }
    }
}

/// Where a thrown failure lands.
#[derive(Clone)]
pub(super) struct Catch {
    /// The start of the handler: its first statement (the declaration of what it binds).
    pub(super) landing: Span,
    /// The variable the handler binds the failure to.
    pub(super) binding: Option<String>,
}

/// The statements of a loop body that belong to its own iterations: nested loops are
/// loops of their own.
pub(super) fn own_stmts(block: &Block) -> Vec<&Stmt> {
    let mut own = OwnIterations::default();
    own.visit_block(block);
    own.found
}

/// Collects statements, and stops at a nested loop: the loop statement is listed, what it
/// repeats is not.
#[derive(Default)]
struct OwnIterations<'a> {
    found: Vec<&'a Stmt>,
}

impl<'a> Visitor<'a> for OwnIterations<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.found.push(stmt);
        if !matches!(stmt.kind, StmtKind::Loop(_)) {
            walk_stmt(self, stmt);
        }
    }

    /// Statements only: those of a closure run on its own schedule, not in the iteration.
    fn visit_expr(&mut self, _: &'a Expr) {}
}

/// The calls of a loop body whose outcome it binds or tests.
pub(super) fn tested_attempts<'a>(l: &'a Loop, lang: Lang) -> Vec<Attempt<'a>> {
    let caught = caught_stmts(l);
    let catch_of = |stmt: &Stmt| {
        caught
            .iter()
            .rev()
            .find(|(s, _)| std::ptr::eq(*s, stmt))
            .map(|(_, c)| c.clone())
    };
    let mut out = Vec::new();
    for stmt in own_stmts(&l.body) {
        match &stmt.kind {
            // In a `try`, the first call is the attempt; what follows uses its result.
            StmtKind::Return(Some(value)) | StmtKind::Expr(value) => {
                let (Some(catch), Some(call)) = (catch_of(stmt), outermost_call(value)) else {
                    continue;
                };
                let first_in_try = !out.iter().any(|a: &Attempt| {
                    a.caught
                        .as_ref()
                        .is_some_and(|c| c.landing == catch.landing)
                });
                if first_in_try && !is_wait(call) {
                    out.push(Attempt::of(stmt, call, Some(catch)));
                }
            }
            StmtKind::Assign { targets, value, .. } => {
                let Some(call) = outermost_call(value) else {
                    continue;
                };
                if is_wait(call) {
                    continue;
                }
                let names: Vec<Option<String>> = targets
                    .iter()
                    .map(|t| match &t.kind {
                        TargetKind::Name(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                let mut attempt = Attempt::of(stmt, call, catch_of(stmt));
                // A failure leaves the loop: by `?`, or by a throw no handler in it catches.
                attempt.propagates = flow::chain_above(stmt, call)
                    .iter()
                    .any(|e| matches!(e.kind, ExprKind::Try(_)))
                    || (lang.fails_by_throwing() && attempt.caught.is_none());
                match names.as_slice() {
                    [Some(only)] if flow::is_error_name(only) => attempt.error = Some(only.clone()),
                    // With `?`, or when a failure is thrown, the variable gets the success
                    // value, not a `Result`.
                    [Some(only)] if attempt.propagates || attempt.caught.is_some() => {
                        attempt.values = vec![only.clone()]
                    }
                    [Some(only)] => attempt.result = Some(only.clone()),
                    [values @ .., Some(last)] if flow::is_error_name(last) => {
                        attempt.error = Some(last.clone());
                        attempt.values = values.iter().flatten().cloned().collect();
                    }
                    _ => attempt.values = flow::assigned_vars(stmt),
                }
                out.push(attempt);
            }
            StmtKind::Branch { subject, arms } => {
                if let Some(call) = subject.as_ref().and_then(|s| outermost_call(s)) {
                    out.push(Attempt::of(stmt, call, None));
                }
                for arm in arms {
                    if let Guard::Cond(c) = &arm.guard {
                        out.extend(
                            (tested_calls(c).into_iter()).map(|call| Attempt::of(stmt, call, None)),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a call only waits or draws a number: never the attempt.
fn is_wait(call: &Expr) -> bool {
    matches!(
        call.as_call().map(|c| &c.role),
        Some(CallRole::Sleep { .. } | CallRole::Random)
    )
}

/// The statements of the loop body inside a `try` with a handler, each with where what it
/// throws lands; a statement in nested `try`s is listed once per `try`, innermost last.
pub(super) fn caught_stmts(l: &Loop) -> Vec<(&Stmt, Catch)> {
    let mut out = Vec::new();
    for stmt in own_stmts(&l.body) {
        let StmtKind::Try {
            body,
            handler: Some(handler),
            catch_binding,
            ..
        } = &stmt.kind
        else {
            continue;
        };
        let catch = Catch {
            landing: handler
                .stmts
                .first()
                .map_or_else(|| stmt.span.clone(), |s| s.span.clone()),
            binding: catch_binding.clone(),
        };
        out.extend(own_stmts(body).into_iter().map(|s| (s, catch.clone())));
    }
    out
}

/// Calls tested in place: `op().await.is_err()`.
fn tested_calls(cond: &Expr) -> Vec<&Expr> {
    cond.walk()
        .into_iter()
        .filter_map(|e| {
            let call = e.as_call()?;
            match &call.callee.kind {
                ExprKind::Field { base, name } if name == "is_err" || name == "is_ok" => {
                    let base = flow::strip(base);
                    base.as_call().is_some().then_some(base)
                }
                _ => None,
            }
        })
        .collect()
}

/// The call a value comes from, looking through `?`, `.await`, `&` and `*`.
pub(super) fn outermost_call(value: &Expr) -> Option<&Expr> {
    let e = flow::strip(value);
    e.as_call().is_some().then_some(e)
}
