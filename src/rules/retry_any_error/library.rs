//! Retry-library entry points (cenkalti/backoff, backon, p-retry, …) that retry every error
//! the operation returns: by the library's default, when nothing classifies the errors and
//! the operation marks none permanent, or because a condition says yes to every error
//! (axios-retry's `retryCondition: () => true`).

use super::META;
use super::shape::waits_for_dependency;
use crate::finding::{Finding, Label};
use crate::flow;
use crate::knowledge::{ArgTest, CallPattern, Mark, RetryRole};
use crate::model::{Call, CallRole, Expr, ExprKind, Scope, StmtKind, Unit};
use crate::rules::Context;
use crate::rules::retry_marks::{self, MarkSite};

/// Retry-library entry points that retry every error the operation returns.
pub(super) fn library_entries(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for &site in cx.facts(unit).calls() {
        let CallRole::Retry(retry) = &site.call.role else {
            continue;
        };
        let facts = cx.knowledge.facts_of(retry);
        // A client that retries by itself (go-retryablehttp's) is a strategy whose condition
        // may say yes to everything.
        let retries = facts.role == RetryRole::Entry || !facts.retries_all_when.is_empty();
        if !retries || cx.function(site.call, unit).is_some() {
            continue;
        }
        if let Some(library) = facts.needs_strategy_of.as_deref()
            && !uses_strategy_of(unit, site.call, library, cx)
        {
            continue;
        }
        if waits_for_dependency(unit, &operation_calls(site.call), cx) {
            continue;
        }
        let marks = MarkSite {
            unit,
            stmt: site.stmt,
            expr: site.expr,
            cx,
        };
        // A classifier decides whatever else says "every error" (backoff's `giveup=` beside
        // `Exception`), unless it is that very code (tenacity's
        // `retry=retry_if_exception_type(Exception)`).
        let opted_in = retry_marks::find_mark(&marks, &facts.retries_all_when);
        let classified = retry_marks::find(&marks, &facts.classifiers);
        if classified.is_some() && classified != opted_in.as_ref().map(|(span, _)| span.clone()) {
            continue;
        }
        // An HTTP client's error type (`RequestException`) holds a 4xx only where the
        // operation raises one for a status (`raise_for_status()`); else it is a refused
        // connection or a timeout, worth another attempt.
        if let Some(error) = opted_in.as_ref().and_then(|(_, mark)| tested_type(mark)) {
            let raisers: Vec<&CallPattern> =
                cx.knowledge.status_raisers_of(cx.lang, error).collect();
            if !raisers.is_empty() && !operation_calls_any(unit, site.call, &raisers, cx) {
                continue;
            }
        }
        if opted_in.is_none()
            && (!facts.retries_all_by_default
                || marks_permanent(unit, site.call, &facts.permanent, cx)
                || settles_failures(unit, site.call, cx))
        {
            continue;
        }
        let mut finding = Finding::new(
            META.name,
            format!(
                "`{}` retries every error here: a 400 or a validation error is retried until \
                 the attempts run out, multiplying load and latency",
                facts.library
            ),
            Label::new(
                retry_marks::callee_span(site.call, cx.source),
                "retries whatever error the operation returns",
            ),
        )
        .with_help(&facts.classify_fix)
        .with_severity(META.default_severity);
        if let Some((span, mark)) = opted_in {
            let why = match mark {
                Mark::CatchesAll => "this handler catches every error, a 4xx such as 404 as well",
                _ => "this condition says yes to a 4xx such as 404 as well",
            };
            finding = finding.with_secondary(Label::new(span, why));
        }
        findings.push(finding);
    }
    findings
}

/// Whether one of the call's arguments is a strategy of `library`, built in place or held
/// in a variable.
fn uses_strategy_of(unit: &Unit, call: &Call, library: &str, cx: &Context) -> bool {
    let is_strategy = |e: &Expr| {
        e.walk().iter().any(|x| match x.as_call().map(|c| &c.role) {
            Some(CallRole::Retry(r)) => {
                let facts = cx.knowledge.facts_of(r);
                facts.library == library && facts.role == RetryRole::Strategy
            }
            _ => false,
        })
    };
    call.args.iter().any(|arg| {
        is_strategy(arg)
            || flow::strip(arg).dotted().is_some_and(|var| {
                cx.facts(unit)
                    .assignments()
                    .to(&var)
                    .iter()
                    .any(|a| is_strategy(a.value))
            })
    })
}

/// The exception type a mark tests an argument or option for (`Exception` of
/// `autoretry_for=(Exception,)`).
fn tested_type(mark: &Mark) -> Option<&str> {
    match mark {
        Mark::Arg {
            value: ArgTest::Is(name),
            ..
        }
        | Mark::Field {
            value: ArgTest::Is(name),
            ..
        } => Some(name),
        _ => None,
    }
}

/// Whether the operation handed to a retry library (a closure, or a function of the file
/// passed by name), or a function of the file it calls, makes a call matching one of
/// `patterns`.
fn operation_calls_any(unit: &Unit, entry: &Call, patterns: &[&CallPattern], cx: &Context) -> bool {
    let matching = |exprs: &[&Expr]| {
        (exprs.iter().filter_map(|e| e.as_call())).any(|c| {
            patterns
                .iter()
                .any(|p| p.matches(cx.lang, &c.lookup_name()))
        })
    };
    let in_or_below = |exprs: Vec<&Expr>| {
        matching(&exprs)
            || (exprs.iter().filter_map(|e| e.as_call()))
                .filter_map(|c| cx.function(c, unit))
                .any(|callee| matching(&callee.body.exprs_in(Scope::DEEP)))
    };
    entry.args.iter().any(|arg| {
        let arg = flow::strip(arg);
        match &arg.kind {
            ExprKind::Closure { .. } => in_or_below(arg.exprs_in(Scope::DEEP)),
            _ => cx
                .function_named(arg, unit)
                .is_some_and(|operation| in_or_below(operation.body.exprs_in(Scope::DEEP))),
        }
    })
}

/// The calls an operation handed to a retry library makes: a function passed by name, or
/// the calls in a closure's body.
fn operation_calls(entry: &Call) -> Vec<&Expr> {
    entry
        .args
        .iter()
        .flat_map(|arg| match &arg.kind {
            ExprKind::Closure { body, .. } => body
                .all_stmts()
                .into_iter()
                .flat_map(|stmt| stmt.exprs())
                .flat_map(|e| e.walk())
                .filter(|e| e.as_call().is_some())
                .collect(),
            ExprKind::Name(_) | ExprKind::Field { .. } => vec![arg],
            _ => Vec::new(),
        })
        .collect()
}

/// Whether the retried operation, a function of the file passed by name (a decorated
/// function), catches failures and lets some of them end the attempt without raising
/// (`except HttpError as e: if e.status >= 500: raise`): what still fails was sorted there.
fn settles_failures(unit: &Unit, call: &Call, cx: &Context) -> bool {
    call.args.iter().any(|arg| {
        let Some(operation) = cx.function_named(flow::strip(arg), unit) else {
            return false;
        };
        operation
            .body
            .stmts_in(Scope::BLOCKS)
            .iter()
            .any(|stmt| match &stmt.kind {
                StmtKind::Try {
                    handler: Some(handler),
                    ..
                } => !flow::block_throws(handler),
                _ => false,
            })
    })
}

/// Whether the retried operation can mark an error permanent: a permanent marker anywhere in
/// a closure argument, in the receiver (backon's `op.retry(…)`), or in a same-file function
/// passed by name.
fn marks_permanent(unit: &Unit, call: &Call, permanent: &[String], cx: &Context) -> bool {
    if permanent.is_empty() {
        return false;
    }
    let marked = |exprs: Vec<&Expr>| {
        exprs.iter().any(|e| {
            e.dotted().is_some_and(|d| {
                permanent.iter().any(|p| {
                    crate::knowledge::CallPattern {
                        lang: None,
                        pattern: p.clone(),
                    }
                    .matches(cx.lang, &d)
                })
            })
        })
    };
    let receiver = match &call.callee.kind {
        ExprKind::Field { base, .. } => Some(&**base),
        _ => None,
    };
    // A function of this file that the operation calls may mark the error itself
    // (`() => getToken(code)`, where `getToken` throws `AbortError` on a 4xx).
    let marked_in_callee = |exprs: Vec<&Expr>| {
        exprs.iter().filter_map(|e| e.as_call()).any(|c| {
            cx.function(c, unit)
                .is_some_and(|u| marked(u.body.exprs_in(Scope::DEEP)))
        })
    };
    receiver.into_iter().chain(call.args.iter()).any(|arg| {
        let arg = flow::strip(arg);
        let Some(name) = arg.dotted() else {
            let inside = arg.exprs_in(Scope::DEEP);
            return marked(inside.clone()) || marked_in_callee(inside);
        };
        cx.facts(unit)
            .assignments()
            .to(&name)
            .iter()
            .any(|a| marked(a.value.exprs_in(Scope::DEEP)))
            || cx
                .function_named(arg, unit)
                .is_some_and(|u| marked(u.body.exprs_in(Scope::DEEP)))
    })
}
