//! Whether repeated work is a retry of something remote: the block looks at whether what it
//! does failed, and what it talks to is not the machine itself. A loop that only polls a
//! local state, or talks to a local setup, retries nothing.

use super::binding::binding;
use super::sites::Site;
use super::units::Functions;
use super::walk::{returned_values, strip};
use crate::knowledge::Knowledge;
use crate::model::{Block, CallRole, Expr, ExprKind, Scope, StmtKind, UnOp, Unit};

/// Whether a string literal in `expr` names an address of the machine itself: what it calls
/// is a local setup (a dev tool's database, a test's container), not a shared service. A
/// field of what a function of `unit`'s file returns counts by the value it returns there
/// (`createConnection(env().DB_URL)`, `env` returning `{ DB_URL: "mysql://…@localhost" }`).
pub fn mentions_local_host(
    expr: &Expr,
    unit: &Unit,
    knowledge: &Knowledge,
    functions: &dyn Functions,
) -> bool {
    expr.walk().iter().any(|e| match &e.kind {
        ExprKind::Field { base, name } => base
            .as_call()
            .filter(|call| call.args.is_empty())
            .and_then(|call| functions.function_in_own_file(&call.callee, unit))
            .is_some_and(|config| {
                returned_field(config, name)
                    .any(|value| value.walk().iter().any(|v| is_local_host(v, knowledge)))
            }),
        _ => is_local_host(e, knowledge),
    })
}

/// The values `function` returns for field `name`: those of its returned literals that set it.
fn returned_field<'a>(function: &'a Unit, name: &'a str) -> impl Iterator<Item = &'a Expr> {
    returned_values(&function.body)
        .into_iter()
        .filter_map(move |value| match &strip(value).kind {
            ExprKind::Composite { fields, .. } => fields
                .iter()
                .find(|(field, _)| field.as_deref() == Some(name))
                .map(|(_, value)| value),
            _ => None,
        })
}

/// Whether `expr` is a string literal naming an address of the machine itself.
fn is_local_host(expr: &Expr, knowledge: &Knowledge) -> bool {
    matches!(&expr.kind, ExprKind::Str(s) if knowledge.names_local_host(&s.value))
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
                ExprKind::Binary { op, lhs, rhs } if op.is_comparison() => {
                    tests_failure_status(lhs, rhs, knowledge)
                        || tests_failure_status(rhs, lhs, knowledge)
                }
                _ => false,
            })
    })
}

/// Whether a comparison tests a response's status against a failure's (`status < 500`,
/// `res.status <> 429`): what was called answered, and the code looks at whether it failed.
fn tests_failure_status(status: &Expr, code: &Expr, knowledge: &Knowledge) -> bool {
    let accessor = match &status.kind {
        ExprKind::Field { name, .. } => Some(name.as_str()),
        ExprKind::Name(name) => name.rsplit('.').next(),
        _ => None,
    };
    let failure_code =
        matches!(code.kind, ExprKind::Number { value: Some(v), .. } if (400.0..600.0).contains(&v));
    failure_code && accessor.is_some_and(|name| knowledge.is_status_accessor(name))
}
