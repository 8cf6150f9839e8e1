//! `retry-any-error`: a retry that tries again whatever went wrong, permanent failures
//! included: a hand-written loop whose retry path is taken for every error or for the wrong
//! HTTP statuses, or a retry-library call that retries every error by default.
//!
//! A loop is judged by walking one iteration of it under three scenarios for each call whose
//! outcome it tests: the call fails with a permanent error, it answers a 4xx status, it
//! succeeds. A loop is a retry of that call when success leaves it; it retries any error when
//! the permanent failure reaches the next iteration through conditions that only ask "did it
//! fail?". Conditions that look at what the error is make the walk unsure, and an unsure path
//! is never reported.
//!
//! This file is the rule: the judgment of a loop from its walks (`check_loop`) and the
//! findings. One idea a file besides:
//! - `attempt`: the calls a loop body binds or tests, one of which is the attempt retried.
//! - `shape`: whether a loop is a retry, and which attempts are no retry of a remote call's
//!   failures (inputs that vary, a wait for a dependency, failures settled in the operation).
//! - `walk`: the scenario walk, one iteration interpreted path by path.
//! - `library`: retry-library entry points that retry every error.
//! - `decision`: a project's own retry helper whose operation decides, by a variant of a
//!   decision type, which failures are retried.

mod attempt;
mod decision;
mod library;
mod shape;
mod walk;

use super::{Context, Rule, RuleMeta};
use crate::finding::{Finding, Label, Severity};
use crate::flow;
use crate::knowledge::Knowledge;
use crate::model::{BinOp, Expr, ExprKind, Lang, Loop, Scope, Span, Stmt, Unit};
use crate::rules::Need;
use attempt::{Attempt, caught_stmts, outermost_call, tested_attempts};
use library::library_entries;
use shape::{
    answers_failures_as_values, called_only_to_wait, inputs_vary, retry_shaped,
    settles_some_failures, waits_for_dependency,
};
use walk::{End, PathState, Scenario, iteration_ends};

pub struct RetryAnyError;

static META: RuleMeta = RuleMeta {
    name: "retry-any-error",
    summary: "a retry that retries every failure, permanent ones included, or fires on 4xx \
              statuses",
    default_severity: Severity::Warning,
    langs: Lang::HOSTS,
    doc: include_str!("../../../rules/retry-any-error.md"),
};

/// Client errors that will fail the same way on every attempt.
const PERMANENT_STATUSES: &[(u16, &str)] = &[
    (400, "400 Bad Request"),
    (404, "404 Not Found"),
    (422, "422 Unprocessable Entity"),
];

/// Calls judged per loop: a body that tests more outcomes than this is not a simple retry.
const ATTEMPTS_JUDGED: usize = 8;

impl Rule for RetryAnyError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let mut findings = Vec::new();
        for site in cx.facts(unit).loops() {
            findings.extend(check_loop(unit, site.stmt, site.the_loop, cx));
        }
        findings.extend(library_entries(unit, cx));
        findings.extend(decision::undecided_operations(unit, cx));
        // Asked last, of a unit about to be reported: finding its callers reads the files of
        // its folder.
        if !findings.is_empty() && called_only_to_wait(unit, cx) {
            findings.clear();
        }
        findings
    }

    /// A helper that lets its operation decide which failures it retries: the calls of it
    /// in files with no sleep are judged too.
    fn feeds_callers(&self, unit: &Unit, cx: &Context) -> bool {
        decision::decision_of(unit, cx).is_some()
    }

    /// A loop that sleeps or names its attempts (see [`retry_shaped`]), or a retry library's
    /// entry point.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        Need::any([
            Need::sleeps(knowledge),
            Need::name_words(&knowledge.attempt_name_hints),
            Need::calls(knowledge.retries.iter().map(|api| &api.call)),
        ])
    }
}

fn check_loop(unit: &Unit, loop_stmt: &Stmt, l: &Loop, cx: &Context) -> Vec<Finding> {
    if !retry_shaped(unit, loop_stmt, l, cx) {
        return Vec::new();
    }
    let attempts = tested_attempts(l, cx.lang);
    let caught = caught_stmts(l);
    let mut findings: Vec<Finding> = Vec::new();
    for (i, attempt) in attempts.iter().enumerate().take(ATTEMPTS_JUDGED) {
        // Every call whose failure this attempt's retry path takes: the attempt, and in a
        // `try` whatever else the `try` runs.
        let landing = attempt.caught.as_ref().map(|c| &c.landing);
        let same_try = caught
            .iter()
            .filter(|(_, c)| Some(&c.landing) == landing)
            .flat_map(|(stmt, _)| stmt.exprs())
            .filter_map(outermost_call);
        let retried: Vec<&Expr> = std::iter::once(attempt.call).chain(same_try).collect();
        if inputs_vary(l, attempt, cx) || waits_for_dependency(unit, &retried, cx) {
            continue;
        }
        let others: Vec<&Attempt> = attempts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, a)| a)
            .collect();
        let walk = |scenario| iteration_ends(cx, l, attempt, &others, scenario);
        let Some(success) = walk(Scenario::Answers(200)) else {
            continue;
        };
        // A retry leaves once the attempt succeeds. A loop whose only way out has nothing to
        // do with the attempt (a `ctx.Done()` arm, a worker's shutdown), or that goes on
        // after a success (a poller, a consumer), is not one; a success that goes on or not
        // by what came back (`if resp != nil { return }`) is a poll for that answer.
        let decided = |p: &PathState| p.error_decision.is_some() || p.status_decision.is_some();
        let leaves_on_success = success
            .iter()
            .any(|(end, p)| *end == End::Exit && decided(p))
            && !success
                .iter()
                .any(|(end, p)| *end == End::Loop && decided(p));
        if !leaves_on_success {
            continue;
        }
        let tests_status = success.iter().any(|(_, p)| p.status_decision.is_some());
        let mut found = None;
        for &(code, text) in PERMANENT_STATUSES {
            let Some(ends) = walk(Scenario::Answers(code)) else {
                break;
            };
            if let Some((span, taken)) = ends
                .iter()
                .filter(|(end, p)| *end == End::Loop && !p.unsure)
                .find_map(|(_, p)| p.status_decision.clone())
            {
                found = Some(status_finding(l, attempt, span, taken, text, cx));
                break;
            }
        }
        if found.is_none()
            && !tests_status
            && let Some(ends) = walk(Scenario::Fails)
            && let Some((span, taken)) = ends
                .iter()
                .filter(|(end, p)| *end == End::Loop && !p.unsure)
                .find_map(|(_, p)| p.error_decision.clone())
        {
            found = Some(error_finding(l, attempt, span, taken, cx));
        }
        // Last, as it may read the file of the function the loop calls: whether that
        // function settles some failures itself.
        if let Some(f) = found
            && !findings.iter().any(|g| g.primary.span == f.primary.span)
            && !settles_some_failures(unit, attempt.call, cx)
            && !answers_failures_as_values(unit, attempt.call, cx)
        {
            findings.push(f);
        }
    }
    findings
}

/// How many times the loop tries, when its header says (`attempt < 5`, `0..5`).
fn times(l: &Loop) -> String {
    let bound = l.cond.as_ref().and_then(|c| match &c.kind {
        ExprKind::Binary {
            op: BinOp::Lt | BinOp::Le,
            rhs,
            ..
        } => flow::number_value(rhs),
        ExprKind::Number { value, .. } => *value,
        ExprKind::Other(items) => items.last().and_then(flow::number_value),
        _ => None,
    });
    match bound {
        Some(n) if n >= 2.0 && n.fract() == 0.0 => format!("up to {n} times"),
        _ => "again on every iteration".to_owned(),
    }
}

fn error_finding(
    l: &Loop,
    attempt: &Attempt,
    decision: Span,
    taken: bool,
    cx: &Context,
) -> Finding {
    let primary = if taken {
        "every error takes the retry path here; nothing looks at what the error is"
    } else {
        "only success leaves the loop here: every error, whatever it is, is tried again"
    };
    let mut finding = Finding::new(
        META.name,
        format!(
            "this loop retries every error: a permanent failure (a 400, a validation or auth \
             error) is tried {}, multiplying load and latency",
            times(l)
        ),
        Label::new(decision, primary),
    )
    .with_secondary(Label::new(
        attempt.call.span.clone(),
        "whatever this call fails with is tried again",
    ));
    if let Some(converter) = attempt.call.exprs_in(Scope::DEEP).into_iter().find(|e| {
        e.as_call().is_some_and(|c| {
            matches!(&c.callee.kind, ExprKind::Field { name, .. } if name == "error_for_status")
        })
    }) {
        finding = finding.with_secondary(Label::new(
            converter.span.clone(),
            "`error_for_status()` turns every 4xx response into an `Err`, so 4xx are retried too",
        ));
    }
    let help = cx.profile().transient_errors_help();
    finding.with_help(help).with_severity(META.default_severity)
}

fn status_finding(
    l: &Loop,
    attempt: &Attempt,
    decision: Span,
    taken: bool,
    status: &str,
    cx: &Context,
) -> Finding {
    let primary = if taken {
        format!("this is true for a `{status}` too, and its arm tries again")
    } else {
        format!("a `{status}` fails this test and falls through to the next attempt")
    };
    let help = cx.profile().transient_statuses_help();
    Finding::new(
        META.name,
        format!(
            "this loop retries on status {status}: a 4xx fails the same way every time, so \
             trying it {} only multiplies load and latency",
            times(l)
        ),
        Label::new(decision, primary),
    )
    .with_secondary(Label::new(
        attempt.call.span.clone(),
        "the response of this call is retried on a client error",
    ))
    .with_help(help)
    .with_severity(META.default_severity)
}
