//! Whether repeated work is a retry of something remote: the block looks at whether what it
//! does failed, and what it talks to is not the machine itself. A loop that only polls a
//! local state, or talks to a local setup, retries nothing.

use super::binding::binding;
use super::sites::Site;
use super::walk::strip;
use crate::knowledge::Knowledge;
use crate::model::{Block, CallRole, Expr, ExprKind, Scope, StmtKind, UnOp};

/// Whether a string literal in `expr` names an address of the machine itself: what it calls
/// is a local setup (a dev tool's database, a test's container), not a shared service.
pub fn mentions_local_host(expr: &Expr, knowledge: &Knowledge) -> bool {
    expr.walk().iter().any(|e| match &e.kind {
        ExprKind::Str(s) => knowledge.names_local_host(&s.value),
        _ => false,
    })
}

/// Whether a block does something that can fail and looks at whether it did: an error it
/// binds (`n, err :=`), `?`, a `try` with a handler, an `Err`/`Ok` pattern or an `is_err()`
/// test, a `.catch`, or it awaits an operation. A loop that only waits for a local state to
/// change (a poller of a process or a counter) does not.
pub fn observes_failure(block: &Block, knowledge: &Knowledge) -> bool {
    let failure_word = |name: &str| knowledge.failure_tests.iter().any(|t| t == name);
    let is_sleep = |e: &Expr| matches!(e.as_call().map(|c| &c.role), Some(CallRole::Sleep { .. }));
    block.stmts_in(Scope::FLOW).into_iter().any(|stmt| {
        if let StmtKind::Try {
            handler: Some(_), ..
        } = &stmt.kind
        {
            return true;
        }
        stmt.exprs()
            .into_iter()
            .flat_map(Expr::walk)
            .any(|expr| match &expr.kind {
                ExprKind::Try(_) => true,
                ExprKind::Unary {
                    op: UnOp::Await,
                    operand,
                } => !is_sleep(strip(operand)),
                ExprKind::Call(call) => {
                    call.callee.last_segment().is_some_and(failure_word)
                        || binding(&Site { stmt, expr, call }).error.is_some()
                }
                _ => false,
            })
    })
}
