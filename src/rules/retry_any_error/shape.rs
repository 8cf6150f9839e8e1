//! The retry shape of a loop: whether it is a retry at all (not a walk over a collection or
//! a cursor, and it waits between attempts or counts them), and which of its attempts are no
//! retry of a remote call's failures: inputs that change every iteration, a wait for a
//! dependency of the service, an operation that settles some failures itself.

use std::collections::BTreeSet;

use super::attempt::{Attempt, own_stmts};
use crate::flow::{self, ValueFlow, WithinFile};
use crate::model::{
    Block, Call, CallRole, Expr, ExprKind, Guard, Loop, LoopKind, Scope, Stmt, StmtKind, Unit,
};
use crate::rules::Context;

/// Whether the loop has the shape of a retry: not a walk over a collection or a cursor, and
/// it waits between attempts or counts them.
pub(super) fn retry_shaped(unit: &Unit, loop_stmt: &Stmt, l: &Loop, cx: &Context) -> bool {
    let values = ValueFlow {
        unit,
        functions: &WithinFile(cx.functions),
        lang: cx.lang,
        knowledge: cx.knowledge,
    };
    let counters: Vec<String> = values
        .trends_in_loop(loop_stmt, l)
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    let counted = |c: &Expr| counters.iter().any(|v| flow::reads(c, v));
    let shaped = match l.kind {
        LoopKind::Infinite => true,
        LoopKind::While => l.cond.as_ref().is_none_or(|c| {
            counted(c) || !c.walk().iter().any(|e| matches!(e.kind, ExprKind::Call(_)))
        }),
        LoopKind::Each => {
            l.cond.as_ref().is_some_and(flow::is_numeric_range)
                || l.bindings.iter().any(|b| cx.knowledge.is_attempt_name(b))
        }
    };
    if !shaped {
        return false;
    }
    let sleeps = own_stmts(&l.body).iter().any(|s| {
        s.exprs().iter().any(|e| {
            e.walk()
                .iter()
                .any(|x| matches!(x.as_call().map(|c| &c.role), Some(CallRole::Sleep { .. })))
        })
    });
    let attempt_named = counters
        .iter()
        .chain(&l.bindings)
        .any(|v| cx.knowledge.is_attempt_name(v));
    // A counted loop that neither waits nor names attempts (`i < len(a)`, `budget >= 0`) is
    // as often a bounded walk as a retry: it counts only with a bound named like one
    // (`i < maxRetries`).
    let bounded_by_attempts = l.cond.as_ref().is_some_and(|c| {
        let values = c.walk();
        let callees: Vec<&Expr> = values
            .iter()
            .filter_map(|e| match &e.kind {
                ExprKind::Call(call) => Some(&*call.callee),
                _ => None,
            })
            .collect();
        counted(c)
            && values
                .iter()
                .filter(|e| !callees.iter().any(|callee| std::ptr::eq(*callee, **e)))
                .filter_map(|e| e.last_segment())
                .any(|name| cx.knowledge.is_attempt_name(name))
    });
    sleeps || attempt_named || bounded_by_attempts
}

/// Whether the attempt's inputs change from one iteration to the next (a page token, an
/// offset, the next item): then the loop walks over data rather than retrying.
pub(super) fn inputs_vary(l: &Loop, attempt: &Attempt, cx: &Context) -> bool {
    let after = attempt.stmt.span.start;
    let mut inputs: BTreeSet<String> = attempt
        .call
        .walk()
        .iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Name(n) => Some(n.split('.').next().unwrap_or(n).to_owned()),
            _ => None,
        })
        .collect();
    let body = l.body.stmts_in(Scope::FLOW);
    // Follow the inputs back through what the iteration computes before the attempt.
    for _ in 0..4 {
        let before: Vec<String> = body
            .iter()
            .filter(|s| s.span.start < after)
            .filter(|s| flow::assigned_vars(s).iter().any(|v| inputs.contains(v)))
            .flat_map(|s| s.exprs())
            .flat_map(|e| e.walk())
            .filter_map(|e| match &e.kind {
                ExprKind::Name(n) => Some(n.split('.').next().unwrap_or(n).to_owned()),
                _ => None,
            })
            .collect();
        inputs.extend(before);
    }
    let changed_later = body
        .iter()
        .filter(|s| s.span.start > after && !std::ptr::eq(**s, attempt.stmt))
        .copied()
        .chain(l.post.iter())
        .flat_map(flow::assigned_vars)
        .filter(|v| !cx.knowledge.is_attempt_name(v));
    // The element of a collection is new on every iteration whatever it is called
    // (`for _, try := range openers`); only a count (`for attempt in 0..5`) is not an input.
    let elements = l
        .bindings
        .iter()
        .filter(|v| {
            !cx.knowledge.is_attempt_name(v) || !l.cond.as_ref().is_some_and(flow::is_numeric_range)
        })
        .cloned();
    changed_later
        .chain(elements)
        .any(|v| inputs.contains(v.split('.').next().unwrap_or(&v)))
}

/// Whether the retried calls wait for a dependency of the service rather than ask another
/// service for something: connecting, receiving, subscribing, starting, loading, polling
/// for readiness (see [`Knowledge::dependency_wait_words`]), every one of them by its name,
/// or all of them by the name of the function retrying them (`connectWithRetry`,
/// `waitForEndpoint`); or one of them calls a server on this machine (`localhost`). See also
/// [`called_only_to_wait`], asked last.
///
/// [`Knowledge::dependency_wait_words`]: crate::knowledge::Knowledge::dependency_wait_words
pub(super) fn waits_for_dependency(unit: &Unit, retried: &[&Expr], cx: &Context) -> bool {
    let k = cx.knowledge;
    k.names_dependency_wait(&unit.name)
        || (retried.iter()).any(|e| flow::mentions_local_host(e, unit, k, cx.functions))
        || !retried.is_empty()
            && retried.iter().all(|e| {
                e.as_call()
                    .and_then(|call| call.callee.last_segment())
                    .is_some_and(|name| k.names_dependency_wait(name))
            })
}

/// Whether every function found calling `unit` waits for a dependency or runs while the
/// service starts, by its name: a generic retry helper whose one caller is `create_db_pool`,
/// a loop a constructor starts (`go c.buildIndexLoop(ctx)` in `NewStrategy`). The names of
/// the helper and of what it retries (`retry_db(func)`) may say nothing; its callers say what
/// it waits for. With no caller found (a helper exported for others, as the rule page's
/// `withRetry(fn)`) nothing is known, and the retry is judged by itself.
pub(super) fn called_only_to_wait(unit: &Unit, cx: &Context) -> bool {
    let k = cx.knowledge;
    if unit.name.is_empty() {
        return false;
    }
    let callers = cx.functions.callers(unit);
    !callers.is_empty()
        && callers.iter().all(|caller| {
            // Its own name: the type a method belongs to says nothing of what it does.
            let own = caller
                .name
                .rsplit(['.', ':'])
                .next()
                .unwrap_or(&caller.name);
            k.names_dependency_wait(own) || k.names_start_up(own)
        })
}

/// Whether the attempt calls a closure of this unit or a function of this file that turns
/// some failures into success itself: an arm guarded by an error test (`errors.Is`, a retry
/// predicate) that returns nothing, `nil` or `Ok`. What it still fails with was classified
/// there (`if errors.Is(err, context.Canceled) { return nil }`).
pub(super) fn settles_some_failures(unit: &Unit, attempt: &Expr, cx: &Context) -> bool {
    let Some(call) = flow::strip(attempt).as_call() else {
        return false;
    };
    let local = call
        .callee
        .dotted()
        .filter(|n| !n.contains('.'))
        .and_then(|name| {
            (cx.facts(unit).assignments().to(&name).iter()).find_map(|a| match &a.value.kind {
                ExprKind::Closure { body, .. } => Some(body),
                _ => None,
            })
        });
    let Some(body) = local.or_else(|| cx.function(call, unit).map(|u| &u.body)) else {
        return false;
    };
    let k = cx.knowledge;
    let tests_error = |e: &Expr| {
        e.walk().iter().filter_map(|x| x.as_call()).any(|c| {
            let name = c.lookup_name();
            k.is_error_is_call(cx.lang, &name) || k.is_retry_predicate(&name)
        })
    };
    let succeeds = |b: &Block| {
        b.stmts.first().is_some_and(|s| match &s.kind {
            StmtKind::Return(None) => true,
            StmtKind::Return(Some(v)) => {
                matches!(&v.kind, ExprKind::Name(n) if n == "nil")
                    || v.as_call().and_then(|c| c.callee.last_segment()) == Some("Ok")
            }
            _ => false,
        })
    };
    // The closure may hand its work to a helper as a closure of its own
    // (`withTimeout(ctx, d, func(ctx) error { … })`): its statements count too.
    let nested = (body.exprs_in(Scope::FLOW).into_iter())
        .filter_map(|e| match &e.kind {
            ExprKind::Closure { body, .. } => Some(body.stmts_in(Scope::FLOW)),
            _ => None,
        })
        .flatten();
    let stmts = body.stmts_in(Scope::FLOW).into_iter().chain(nested);
    stmts.into_iter().any(|stmt| match &stmt.kind {
        StmtKind::Branch { arms, .. } => arms.iter().any(|arm| {
            let guard = match &arm.guard {
                Guard::Cond(e) => Some(e),
                Guard::Pattern { extra, .. } => extra.as_ref(),
                Guard::Else => None,
            };
            guard.is_some_and(tests_error) && succeeds(&arm.body)
        }),
        _ => false,
    })
}

/// Whether every function the attempt reaches answers HTTP failures as values: it tests
/// the response's status (`if (response.ok) … else return { success: false }`) and throws
/// only from the handler of a `try` around its request, a transport error going on. Its
/// caller's `catch` then sees transport errors alone, which are worth retrying. The
/// function is the one called, or, for a generic helper calling a function it was given
/// (`retryWithBackoff(fn, …)`), the one each caller in the file hands it.
pub(super) fn answers_failures_as_values(unit: &Unit, attempt: &Expr, cx: &Context) -> bool {
    let Some(call) = flow::strip(attempt).as_call() else {
        return false;
    };
    let reached = match cx.function(call, unit) {
        Some(function) => vec![function],
        None => handed_functions(unit, call, cx),
    };
    !reached.is_empty() && reached.iter().all(|f| values_for_statuses(&f.body, cx))
}

/// The functions the file's callers of `unit` hand it for the parameter `call` calls: a
/// closure's call or a function's name. Empty when one of them cannot be told.
fn handed_functions<'c>(unit: &Unit, call: &Call, cx: &'c Context) -> Vec<&'c Unit> {
    let Some(callee) = call.callee.dotted() else {
        return Vec::new();
    };
    let Some(index) = unit.params.iter().position(|param| *param == callee) else {
        return Vec::new();
    };
    let mut handed = Vec::new();
    for (caller, site) in cx.calls_in_file_of(unit) {
        let Some(arg) = site.call.args.get(index) else {
            return Vec::new();
        };
        let function = match &flow::strip(arg).kind {
            ExprKind::Closure { body, .. } => (body.exprs_in(Scope::FLOW).into_iter())
                .filter_map(Expr::as_call)
                .find_map(|inner| cx.function(inner, caller)),
            _ => cx.function_named(arg, caller),
        };
        match function {
            Some(function) => handed.push(function),
            None => return Vec::new(),
        }
    }
    handed
}

/// Whether a function's body tests a response's status and throws only from the handler
/// of one of its `try`s.
fn values_for_statuses(body: &Block, cx: &Context) -> bool {
    let k = cx.knowledge;
    let stmts = body.stmts_in(Scope::FLOW);
    let names_status = |e: &Expr| {
        e.walk().iter().any(|x| match &x.kind {
            ExprKind::Field { name, .. } => {
                k.is_status_accessor(name) || k.status_class(name).is_some()
            }
            _ => false,
        })
    };
    let tests_status = stmts.iter().any(|stmt| match &stmt.kind {
        StmtKind::Branch { arms, .. } => arms.iter().any(|arm| match &arm.guard {
            Guard::Cond(e) => names_status(e),
            _ => false,
        }),
        _ => false,
    });
    let handlers: Vec<&Block> = (stmts.iter())
        .filter_map(|stmt| match &stmt.kind {
            StmtKind::Try { handler, .. } => handler.as_ref(),
            _ => None,
        })
        .collect();
    let handled: Vec<&Stmt> = (handlers.iter())
        .flat_map(|handler| handler.stmts_in(Scope::FLOW))
        .collect();
    let throws_only_in_handlers = (stmts.iter())
        .filter(|stmt| matches!(stmt.kind, StmtKind::Throw(_)))
        .all(|stmt| handled.iter().any(|h| std::ptr::eq(*h, *stmt)));
    tests_status && !handlers.is_empty() && throws_only_in_handlers
}
