//! `backoff-without-jitter`: a retry delay that grows from one attempt to the next and reaches
//! the sleep with no randomness, in a hand-written loop or a library strategy: every client
//! that failed at the same moment retries at the same moment.

use std::collections::BTreeMap;

use super::{Context, Rule, RuleMeta};
use crate::finding::{Finding, Label, Severity};
use crate::flow::{self, Growth, Trend, ValueFlow, WithinFile};
use crate::knowledge::{Knowledge, RetryApi, RetryFacts, RetryRole};
use crate::model::{
    BinOp, Block, Call, CallRole, Expr, ExprKind, Lang, Scope, Span, Stmt, StmtKind, Unit,
};
use crate::rules::Need;
use crate::rules::retry_marks::{self, MarkSite};

pub struct BackoffWithoutJitter;

static META: RuleMeta = RuleMeta {
    name: "backoff-without-jitter",
    summary: "a retry delay that grows but has no randomness, so clients retry in lock-step",
    default_severity: Severity::Warning,
    langs: Lang::ALL,
    doc: include_str!("../../rules/backoff-without-jitter.md"),
};

const WAVES: &str = "clients that failed together retry together, in synchronized waves that \
                     hit the recovering service at once";

impl Rule for BackoffWithoutJitter {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let mut findings = hand_written(unit, cx);
        findings.extend(library_strategies(unit, cx));
        findings
    }

    /// A sleep, or a retry library's call or strategy literal.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        Need::any([
            Need::sleeps(knowledge),
            Need::calls(knowledge.retries.iter().map(|api| &api.call)),
        ])
    }
}

/// Sleeps whose duration grows with the attempt and carries no randomness.
fn hand_written(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let values = ValueFlow {
        unit,
        functions: cx.functions,
        lang: cx.lang,
        knowledge: cx.knowledge,
    };
    // Which variables change steadily is read from every assignment of the loops: the
    // functions of this file are followed there, those of other files only for the delay.
    let within_file = WithinFile(cx.functions);
    let steady = ValueFlow {
        functions: &within_file,
        ..values
    };
    let facts = cx.facts(unit);
    let mut findings = Vec::new();
    for &site in facts.calls() {
        let CallRole::Sleep { duration_arg } = site.call.role else {
            continue;
        };
        let Some(duration) = site.call.args.get(duration_arg) else {
            continue;
        };
        // A growing wait between polls of a state (a process gone, a cache drained) paces
        // one caller; a retry is a wait after a failure.
        let enclosing = facts.enclosing_loops(&site.expr.span);
        let body = enclosing
            .first()
            .map_or(&unit.body, |innermost| &innermost.the_loop.body);
        // Waiting for a server on this machine paces one local client (a dev tool's
        // database, a test's container): there is no crowd to fall into step.
        let local = body
            .all_stmts()
            .iter()
            .flat_map(|stmt| stmt.exprs())
            .any(|e| flow::mentions_local_host(e, unit, cx.knowledge, cx.functions));
        let retries = !local && flow::observes_failure(body, cx.knowledge);
        let trends = steady.trends_in(&enclosing);
        if !retries || trends.is_empty() {
            continue;
        }
        let Some(growth) = values.growth_in(duration, &trends) else {
            continue;
        };
        if values.carries_randomness(duration)
            || values.is_random_helper(site.call)
            || paced_by_server(unit, body, &growth.var, cx)
        {
            continue;
        }
        let finding = Finding::new(
            META.name,
            format!(
                "retry delay {} but has no jitter: {WAVES}",
                how_it_grows(&growth)
            ),
            Label::new(
                site.expr.span.clone(),
                "every client waits exactly this long before its next attempt",
            ),
        )
        .with_secondary(Label::new(
            growth.span,
            if growth.at_variable {
                format!(
                    "`{}` grows here on every attempt, the same way in every client",
                    growth.var
                )
            } else {
                format!(
                    "this grows on every attempt through `{}`, the same way in every client",
                    growth.var
                )
            },
        ))
        .with_help(full_jitter_help(
            cx,
            growing_part(duration, &values, &trends),
        ));
        let finding = match growth.computed {
            Some(inside) => finding.with_secondary(Label::new(
                inside,
                "the delay function makes it bigger here, with no random part",
            )),
            None => finding,
        };
        findings.push(finding.with_severity(META.default_severity));
    }
    findings
}

/// Whether the delay grows only where the server asks for a slower pace: every update of
/// the growing variable in the loop is in an arm whose condition or pattern names its
/// signal (an OAuth device flow's `slow_down`, a `Retry-After` header). The server sets
/// that schedule; the client only follows it.
fn paced_by_server(unit: &Unit, loop_body: &Block, var: &str, cx: &Context) -> bool {
    let updates = flow::assignments(loop_body, var);
    !updates.is_empty()
        && updates
            .iter()
            .all(|update| in_server_paced_arm(unit, &update.stmt.span, cx))
}

/// Whether `growth` lies in an arm whose condition or pattern names a server's pacing
/// signal.
fn in_server_paced_arm(unit: &Unit, growth: &Span, cx: &Context) -> bool {
    unit.body.stmts_in(Scope::FLOW).into_iter().any(|stmt| {
        let StmtKind::Branch { arms, .. } = &stmt.kind else {
            return false;
        };
        arms.iter().any(|arm| {
            let holds_growth = arm
                .body
                .stmts
                .iter()
                .any(|s| s.span.start <= growth.start && growth.end <= s.span.end);
            let head_end = arm
                .body
                .stmts
                .first()
                .map_or(arm.span.end, |s| s.span.start);
            holds_growth
                && cx
                    .source
                    .get(arm.span.start..head_end.max(arm.span.start))
                    .is_some_and(|head| cx.knowledge.names_server_pace(head))
        })
    })
}

/// The part of a sleep's duration that grows: of a deadline, `Instant::now() + delay`, the
/// delay; else the whole duration.
fn growing_part<'e>(
    duration: &'e Expr,
    values: &ValueFlow,
    trends: &BTreeMap<String, Trend>,
) -> &'e Expr {
    if let ExprKind::Binary {
        op: BinOp::Add,
        lhs,
        rhs,
    } = &duration.kind
    {
        match (values.growth_in(lhs, trends), values.growth_in(rhs, trends)) {
            (Some(_), None) => return lhs,
            (None, Some(_)) => return rhs,
            _ => {}
        }
    }
    duration
}

/// The fix for a hand-written sleep, spelled with the code's own delay expression.
fn full_jitter_help(cx: &Context, duration: &Expr) -> String {
    let text = cx
        .source
        .get(duration.span.clone())
        .filter(|t| t.len() <= 48 && !t.contains('\n'))
        .unwrap_or("delay");
    cx.profile().full_jitter_help(text)
}

/// Library strategies (builder calls and struct literals) whose schedule grows with no jitter.
fn library_strategies(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for stmt in unit.body.all_stmts() {
        for root in stmt.exprs() {
            for expr in root.walk() {
                let strategy = match &expr.kind {
                    // A same-file function that shares a library's name is not the library.
                    ExprKind::Call(call) => match &call.role {
                        CallRole::Retry(r)
                            if cx.knowledge.facts_of(r).role != RetryRole::StrategyLiteral
                                && cx.function(call, unit).is_none() =>
                        {
                            Some(cx.knowledge.facts_of(r).clone())
                        }
                        _ => None,
                    },
                    ExprKind::Composite { type_name, .. } => cx
                        .knowledge
                        .retry_literal(cx.lang, type_name)
                        .map(|api: &RetryApi| api.facts.clone()),
                    _ => None,
                };
                let Some(facts) = strategy else {
                    continue;
                };
                if let Some(f) = check_strategy(unit, stmt, expr, &facts, cx) {
                    findings.push(f);
                }
                findings.extend(check_delay_fn(expr, &facts, cx));
                findings.extend(check_delay_field(unit, expr, &facts, cx));
            }
        }
    }
    findings
}

fn check_strategy(
    unit: &Unit,
    stmt: &Stmt,
    expr: &Expr,
    facts: &RetryFacts,
    cx: &Context,
) -> Option<Finding> {
    if !facts.exponential || !grows(expr, facts) {
        return None;
    }
    let site = MarkSite {
        unit,
        stmt,
        expr,
        cx,
    };
    // An entry runs its retry where it is called: what its result is handed to changes
    // nothing; a schedule handed on may be changed there.
    let handed_on = facts.role != RetryRole::Entry && retry_marks::handed_on(&site);
    if handed_on || retry_marks::find(&site, &facts.constant_when).is_some() {
        return None;
    }
    let switched_off = retry_marks::find(&site, &facts.jitter_off);
    if switched_off.is_none()
        && (facts.jitters_by_default || retry_marks::find(&site, &facts.jitter_on).is_some())
    {
        return None;
    }
    let primary = match &switched_off {
        Some(_) => "this backoff grows with every attempt, and its jitter is switched off",
        None if facts.role == RetryRole::StrategyLiteral => {
            "this backoff grows with every attempt and sets no jitter"
        }
        None => "this backoff grows with every attempt and adds no jitter unless asked to",
    };
    let mut finding = Finding::new(
        META.name,
        format!(
            "retry delay from `{}` grows but has no jitter: {WAVES}",
            facts.library
        ),
        Label::new(strategy_span(expr, cx.source), primary),
    )
    .with_help(&facts.jitter_fix);
    if let Some(off) = switched_off {
        finding = finding.with_secondary(Label::new(off, "jitter is switched off here"));
    }
    Some(finding.with_severity(META.default_severity))
}

/// A delay function passed in the options (`retryDelay: (n) => 2 ** n * 100`) whose result
/// grows with the attempt number it is given and draws no randomness.
/// The delay a task that runs itself again is given (`self.retry(countdown=d)`), when it
/// grows with the attempt count the task is handed (a name holding an attempt word:
/// `self.request.retries`) and draws no randomness.
fn check_delay_field(
    unit: &Unit,
    expr: &Expr,
    facts: &RetryFacts,
    cx: &Context,
) -> Option<Finding> {
    let (Some(field), ExprKind::Call(call)) = (facts.delay_field.as_deref(), &expr.kind) else {
        return None;
    };
    let delay = option_value(call, field)?;
    let values = ValueFlow {
        unit,
        functions: cx.functions,
        lang: cx.lang,
        knowledge: cx.knowledge,
    };
    // The attempt counters the delay is computed from, here or where a variable holding it
    // was assigned (`countdown = backoff * 2 ** self.request.retries`).
    let mut sources = vec![delay];
    if let Some(var) = delay.dotted() {
        let assignments = cx.facts(unit).assignments();
        sources.extend(assignments.to(&var).iter().map(|a| a.value));
    }
    let trends: BTreeMap<String, Trend> = (sources.iter())
        .flat_map(|source| source.walk())
        .filter_map(|e| {
            let name = e.dotted()?;
            cx.knowledge.is_attempt_count(&name).then(|| {
                let trend = Trend {
                    span: e.span.clone(),
                    rising: true,
                    geometric: false,
                };
                (name, trend)
            })
        })
        .collect();
    if trends.is_empty() {
        return None;
    }
    let growth = values.growth_in(delay, &trends)?;
    if values.carries_randomness(delay) {
        return None;
    }
    Some(attempt_growth_finding(delay, growth, facts))
}

fn check_delay_fn(expr: &Expr, facts: &RetryFacts, cx: &Context) -> Option<Finding> {
    let (Some(field), ExprKind::Call(call)) = (facts.delay_fn_field.as_deref(), &expr.kind) else {
        return None;
    };
    let closure = option_value(call, field)?;
    let delay_fn = flow::closure_unit(closure)?;
    let attempt = delay_fn.params.first()?;
    let values = ValueFlow {
        unit: &delay_fn,
        functions: cx.functions,
        lang: cx.lang,
        knowledge: cx.knowledge,
    };
    let trends = BTreeMap::from([(
        attempt.clone(),
        Trend {
            span: closure.span.clone(),
            rising: true,
            geometric: false,
        },
    )]);
    let (delay, growth) = flow::returned_values(&delay_fn.body)
        .into_iter()
        .find_map(|delay| {
            let growth = values.growth_in(delay, &trends)?;
            (!values.carries_randomness(delay)).then_some((delay, growth))
        })?;
    Some(attempt_growth_finding(delay, growth, facts))
}

/// The value of option `field` in the options literal among a call's arguments
/// (`{ retryDelay: … }`, Python's `countdown=…`).
fn option_value<'e>(call: &'e Call, field: &str) -> Option<&'e Expr> {
    call.args.iter().find_map(|arg| match &arg.kind {
        ExprKind::Composite { fields, .. } => fields
            .iter()
            .find(|(name, _)| name.as_deref() == Some(field))
            .map(|(_, value)| flow::strip(value)),
        _ => None,
    })
}

/// A library's delay that grows with the attempt number and has no randomness.
fn attempt_growth_finding(delay: &Expr, growth: Growth, facts: &RetryFacts) -> Finding {
    Finding::new(
        META.name,
        format!(
            "retry delay from `{}` {} but has no jitter: {WAVES}",
            facts.library,
            how_it_grows(&growth)
        ),
        Label::new(
            delay.span.clone(),
            "every client waits exactly this long before its next attempt",
        ),
    )
    .with_secondary(Label::new(
        growth.span,
        format!(
            "this grows with `{}`, the attempt number, the same way in every client",
            growth.var
        ),
    ))
    .with_help(&facts.jitter_fix)
    .with_severity(META.default_severity)
}

/// Whether a strategy's schedule grows: always for builder calls, by its growth field for a
/// struct literal (a missing field takes the library's default; a computed one is not judged).
fn grows(expr: &Expr, facts: &RetryFacts) -> bool {
    let Some(growth) = &facts.growth_field else {
        return true;
    };
    // A literal's field, or an option among a call's arguments.
    let value = match &expr.kind {
        ExprKind::Composite { fields, .. } => fields
            .iter()
            .find(|(name, _)| name.as_deref() == Some(growth.name.as_str()))
            .map(|(_, value)| value),
        ExprKind::Call(call) => option_value(call, &growth.name),
        _ => return true,
    };
    match value {
        None => growth.absent_grows,
        // A value the file does not fix (a setting) may be anything: no telling.
        Some(value) => match (&value.kind, flow::number_value(value)) {
            (ExprKind::Bool(on), _) => growth.scales && *on,
            (_, Some(n)) if growth.scales => n > 0.0,
            (_, Some(n)) => n > 1.0,
            (_, None) => false,
        },
    }
}

/// Where to point at a strategy: the callee of a call (`ExponentialBuilder::default`), the
/// type name of a literal (`wait.Backoff`).
fn strategy_span(expr: &Expr, source: &str) -> Span {
    match &expr.kind {
        ExprKind::Call(call) => retry_marks::callee_span(call, source),
        ExprKind::Composite { type_name, .. } => {
            let start = expr.span.start;
            let type_span = start..start + type_name.len();
            match source.get(type_span.clone()) {
                Some(text) if text == type_name => type_span,
                _ => expr.span.clone(),
            }
        }
        _ => expr.span.clone(),
    }
}

/// How the delay grows, for the message: a delay that grows by the same step each time
/// (`(attempt + 1) * base`) is said to, since it spreads retries out more slowly than a
/// doubling one; its waves line up all the same.
fn how_it_grows(growth: &Growth) -> &'static str {
    if growth.linear {
        "grows linearly"
    } else {
        "grows"
    }
}
