//! What a condition says about an idempotency record's status, for the walk that follows
//! the status read (see `flow::reach`).

use std::cell::{Cell, RefCell};

use crate::flow::{self, Atom, Read, ReadOutcomes, Test};
use crate::model::{BinOp, Expr, ExprKind, Span};
use crate::rules::Context;

/// The rule's classifier for `flow::reach`: what a condition says about the status (or
/// about the response stored with the record), else whether the read found anything; it
/// keeps the status checks it met, and whether one compared the status with a value that
/// names no known state.
pub(super) struct StatusClassifier<'c, 'a> {
    cx: &'c Context<'a>,
    unclear: Cell<bool>,
    checks: RefCell<Vec<Check>>,
}

/// A condition on the record's state met on the walk.
pub(super) struct Check {
    pub span: Span,
    /// Whether it asks for a stored response rather than a status: the code replays what
    /// finished, and takes a record without a response for one it has not seen.
    pub replays: bool,
}

impl<'c, 'a> StatusClassifier<'c, 'a> {
    pub fn new(cx: &'c Context<'a>) -> StatusClassifier<'c, 'a> {
        StatusClassifier {
            cx,
            unclear: Cell::new(false),
            checks: RefCell::new(Vec::new()),
        }
    }

    pub fn test(&self, atom: Atom, read: &Read) -> Test {
        let (test, replays) = match response_test(atom, read, self.cx) {
            Some(test) => (test, true),
            None => match status_test(atom, read, self.cx, &self.unclear) {
                Some(test) => (test, false),
                None => return flow::existence_test(atom, read, self.cx.lang, self.cx.knowledge),
            },
        };
        let (Atom::Cond(tested)
        | Atom::Pattern {
            pattern: tested, ..
        }) = atom;
        self.checks.borrow_mut().push(Check {
            span: tested.span.clone(),
            replays,
        });
        test
    }

    /// Whether a status was compared with a value the rule cannot read: then it cannot
    /// tell where `in_progress` goes, and stays silent.
    pub fn unclear(&self) -> bool {
        self.unclear.get()
    }

    /// The status checks met, in the order the walk met them.
    pub fn into_checks(self) -> Vec<Check> {
        self.checks.into_inner()
    }
}

/// What a condition says about the record's status: `status == "completed"` (may hold
/// for a finished record), `status != "in_progress"`, `rec.IsPending()`, a `case` or match
/// arm on the status. `None` when it is no status check. A status compared with a value
/// that names no known state makes the read unclear, and the rule silent.
fn status_test(atom: Atom, read: &Read, cx: &Context, unclear: &Cell<bool>) -> Option<Test> {
    match atom {
        Atom::Cond(cond) => match &cond.kind {
            ExprKind::Binary {
                op: op @ (BinOp::Eq | BinOp::Ne),
                lhs,
                rhs,
            } => {
                let test = compared_status(lhs, rhs, read, cx, unclear)
                    .or_else(|| compared_status(rhs, lhs, read, cx, unclear))?;
                Some(if *op == BinOp::Ne { !test } else { test })
            }
            ExprKind::Call(call) => match &call.callee.kind {
                ExprKind::Field { base, name } if read.refers(base) => status_name_test(name, cx),
                _ => None,
            },
            _ => None,
        },
        Atom::Pattern { subject, pattern } => {
            if !read.refers(subject) {
                return None;
            }
            match &pattern.kind {
                ExprKind::Str(_) => compared_status(subject, pattern, read, cx, unclear),
                ExprKind::Name(n) if n.contains('.') || n.starts_with(char::is_uppercase) => {
                    compared_status(subject, pattern, read, cx, unclear)
                }
                _ => None,
            }
        }
    }
}

/// What a test of the response stored with the record says: a stored response means the
/// record finished (`rec.response_body`, `rec.ResponseBody != nil`,
/// `saved.response.is_some()`); a record found without one is still being worked on.
fn response_test(atom: Atom, read: &Read, cx: &Context) -> Option<Test> {
    let is_response = |e: &Expr| match &e.kind {
        ExprKind::Field { base, name } => {
            read.refers(base) && cx.knowledge.names_stored_response(name)
        }
        _ => false,
    };
    let stored = Test::at_most(ReadOutcomes::SETTLED);
    let present = flow::presence(atom, &is_response, cx.lang, cx.knowledge)?;
    Some(if present { stored } else { !stored })
}

/// `state == value` where `state` is taken from the read and `value` names a state.
fn compared_status(
    state: &Expr,
    value: &Expr,
    read: &Read,
    cx: &Context,
    unclear: &Cell<bool>,
) -> Option<Test> {
    if !read.refers(state) || read.refers(value) {
        return None;
    }
    let k = cx.knowledge;
    let test = match &flow::strip(value).kind {
        ExprKind::Str(s) if k.is_in_progress_status(&s.value) => {
            Some(Test::exact(ReadOutcomes::IN_PROGRESS))
        }
        ExprKind::Str(s) if k.is_settled_status(&s.value) => {
            Some(Test::at_most(ReadOutcomes::SETTLED))
        }
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            value.dotted().and_then(|name| status_name_test(&name, cx))
        }
        _ => None,
    };
    if test.is_none() && holds_status(state, cx) {
        unclear.set(true);
    }
    test
}

/// What a constant, variant or method name says: `StatusInProgress`, `Status::Done`,
/// `is_pending`.
fn status_name_test(name: &str, cx: &Context) -> Option<Test> {
    let k = cx.knowledge;
    if k.names_in_progress(name) {
        Some(Test::exact(ReadOutcomes::IN_PROGRESS))
    } else if k.names_settled(name) {
        Some(Test::at_most(ReadOutcomes::SETTLED))
    } else {
        None
    }
}

/// Whether an expression reads a status column (`rec.Status`, `row.get("status")`).
fn holds_status(expr: &Expr, cx: &Context) -> bool {
    let k = cx.knowledge;
    expr.walk().into_iter().any(|e| match &e.kind {
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            e.last_segment().is_some_and(|n| k.is_status_column(n))
        }
        ExprKind::Str(s) => k.is_status_column(&s.value),
        _ => false,
    })
}
