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

use std::collections::BTreeSet;

use super::{Context, Rule, RuleMeta};
use crate::analysis::callee_name;
use crate::finding::{Finding, Label, Severity};
use crate::flow::{self, ValueFlow};
use crate::knowledge::{Knowledge, RetryRole};
use crate::model::{
    Arm, BinOp, Block, Call, CallRole, Expr, ExprKind, Guard, Lang, Loop, LoopKind, Span, Stmt,
    StmtKind, TargetKind, UnOp, Unit,
};
use crate::rules::Need;
use crate::rules::retry_marks::{self, MarkSite};

pub struct RetryAnyError;

static META: RuleMeta = RuleMeta {
    name: "retry-any-error",
    summary: "a retry that retries every failure, permanent ones included, or fires on 4xx \
              statuses",
    default_severity: Severity::Warning,
    langs: &[Lang::Go, Lang::Rust, Lang::TypeScript],
    doc: include_str!("../../rules/retry-any-error.md"),
};

/// Client errors that will fail the same way on every attempt.
const PERMANENT_STATUSES: &[(u16, &str)] = &[
    (400, "400 Bad Request"),
    (404, "404 Not Found"),
    (422, "422 Unprocessable Entity"),
];

/// Calls judged per loop: a body that tests more outcomes than this is not a simple retry.
const ATTEMPTS_JUDGED: usize = 8;

/// Statements visited, over all paths, before the walk of one iteration gives up (and stays
/// silent).
const STEP_BUDGET: usize = 20_000;

impl Rule for RetryAnyError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let mut findings = Vec::new();
        for stmt in flow::every_stmt(&unit.body) {
            if let StmtKind::Loop(l) = &stmt.kind {
                findings.extend(check_loop(unit, stmt, l, cx));
            }
        }
        findings.extend(library_entries(unit, cx));
        findings
    }

    /// A loop that sleeps or names its attempts (see [`retry_shaped`]), or a retry library's
    /// entry point.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        Need::any([
            Need::calls(knowledge.sleeps.iter().map(|api| &api.call)),
            Need::name_words(&knowledge.attempt_name_hints),
            Need::calls(knowledge.retries.iter().map(|api| &api.call)),
        ])
    }
}

/// A call whose outcome the loop tests: the attempt being retried, if the loop is a retry.
struct Attempt<'a> {
    stmt: &'a Stmt,
    call: &'a Expr,
    /// Go: the variable that receives the call's error.
    error: Option<String>,
    /// Rust: a variable that holds the call's `Result`.
    result: Option<String>,
    /// The variables that receive the call's value (the response).
    values: Vec<String>,
    /// `?` sends an error out of the loop.
    propagates: bool,
    /// A failure is thrown to the handler of a `try` inside the loop.
    caught: Option<Catch>,
}

/// Where a thrown failure lands.
#[derive(Clone)]
struct Catch {
    /// The start of the handler: its first statement (the declaration of what it binds).
    landing: Span,
    /// The variable the handler binds the failure to.
    binding: Option<String>,
}

/// What the attempt does in a scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// It fails with an error that will not go away.
    Fails,
    /// It succeeds with this HTTP status.
    Answers(u16),
}

impl Scenario {
    fn failed(self) -> bool {
        self == Scenario::Fails
    }

    fn status(self) -> Option<i64> {
        match self {
            Scenario::Fails => None,
            Scenario::Answers(s) => Some(i64::from(s)),
        }
    }
}

/// What one path through an iteration knows.
#[derive(Clone, Default, PartialEq, Eq)]
struct Path {
    /// Variables that hold the attempt's error (Go) or `Result` (Rust).
    outcome: BTreeSet<String>,
    /// Variables that hold the attempt's response, when it succeeded.
    responses: BTreeSet<String>,
    /// Variables that hold the response's status code.
    statuses: BTreeSet<String>,
    /// Variables computed from any of the above.
    derived: BTreeSet<String>,
    /// The path went through a condition whose answer depends on what the failure is.
    unsure: bool,
    /// The last condition that answered "did the attempt fail?", and whether its arm was
    /// taken.
    error_decision: Option<(Span, bool)>,
    /// The last condition that tested the status, and whether its arm was taken.
    status_decision: Option<(Span, bool)>,
}

impl Path {
    fn reads_outcome(&self, e: &Expr) -> bool {
        self.outcome
            .iter()
            .chain(&self.responses)
            .chain(&self.statuses)
            .chain(&self.derived)
            .any(|v| flow::reads(e, v))
    }

    fn forget(&mut self, var: &str) {
        self.outcome.remove(var);
        self.responses.remove(var);
        self.statuses.remove(var);
        self.derived.remove(var);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    /// Another iteration: the attempt is retried.
    Loop,
    /// The loop or the function is left by `break` or `return`.
    Exit,
    /// The program or the caller gives up: a throw nothing in the loop catches, a panic, a
    /// `t.Fatal`. Where success ends here, the loop expects the attempt to fail: a check,
    /// not a retry.
    Abort,
    /// Something was thrown: the handler of an enclosing `try` runs, or the loop is left.
    Throw,
}

/// The answer of a condition on a path.
#[derive(Clone, Default)]
struct Answer {
    value: Option<bool>,
    /// Unknown because it looks at the attempt's outcome in a way the walk cannot follow.
    unsure: bool,
    /// The definite "did it fail?" test of the attempt that decided, if one did.
    error: Option<Span>,
    /// The definite status test that decided, if one did.
    status: Option<Span>,
}

impl Answer {
    fn known(value: bool) -> Answer {
        Answer {
            value: Some(value),
            ..Answer::default()
        }
    }

    fn free() -> Answer {
        Answer::default()
    }

    fn unsure() -> Answer {
        Answer {
            unsure: true,
            ..Answer::default()
        }
    }

    fn not(self) -> Answer {
        Answer {
            value: self.value.map(|v| !v),
            ..self
        }
    }

    /// `a && b` (`and`) or `a || b`: a side that settles the answer settles it alone.
    fn combine(self, other: Answer, and: bool) -> Answer {
        let settles = |a: &Answer| a.value == Some(!and);
        let value = if settles(&self) || settles(&other) {
            Some(!and)
        } else if self.value.is_some() && other.value.is_some() {
            Some(and)
        } else {
            None
        };
        let involved = |a: &Answer| value.is_none() || a.value == value;
        let (self_in, other_in) = (involved(&self), involved(&other));
        Answer {
            value,
            unsure: value.is_none() && (self.unsure || other.unsure),
            error: (self.error.filter(|_| self_in)).or(other.error.filter(|_| other_in)),
            status: (self.status.filter(|_| self_in)).or(other.status.filter(|_| other_in)),
        }
    }
}

/// One iteration of `l`, walked for one attempt in one scenario.
struct Walk<'a> {
    cx: &'a Context<'a>,
    l: &'a Loop,
    attempt: &'a Attempt<'a>,
    others: &'a [&'a Attempt<'a>],
    scenario: Scenario,
    steps: std::cell::Cell<usize>,
}

/// The paths that ended in a statement (and how), and those that went past it.
type Outcomes = (Vec<(End, Path)>, Vec<Path>);

impl Walk<'_> {
    /// The ends of every path through the loop body; `None` when there are too many to follow.
    fn run(&self) -> Option<Vec<(End, Path)>> {
        let (mut ended, through) = self.block(&self.l.body, vec![Path::default()])?;
        for (end, _) in &mut ended {
            if *end == End::Throw {
                *end = End::Abort;
            }
        }
        ended.extend(through.into_iter().map(|p| (End::Loop, p)));
        Some(ended)
    }

    fn block(&self, block: &Block, mut live: Vec<Path>) -> Option<Outcomes> {
        let mut ended = Vec::new();
        for stmt in &block.stmts {
            let mut next = Vec::new();
            for path in live {
                let (e, t) = self.stmt(stmt, path)?;
                ended.extend(e);
                next.extend(t);
            }
            // Paths that know the same things go on the same way: one is enough.
            live = Vec::with_capacity(next.len());
            for path in next {
                if !live.contains(&path) {
                    live.push(path);
                }
            }
            if live.is_empty() {
                break;
            }
        }
        Some((ended, live))
    }

    fn step(&self) -> Option<()> {
        let used = self.steps.get() + 1;
        self.steps.set(used);
        (used <= STEP_BUDGET).then_some(())
    }

    fn stmt(&self, stmt: &Stmt, mut path: Path) -> Option<Outcomes> {
        self.step()?;
        fill_out_params(stmt, &mut path);
        let end = |e| Some((vec![(e, path.clone())], Vec::new()));
        match &stmt.kind {
            StmtKind::Return(_) | StmtKind::Expr(_) if std::ptr::eq(stmt, self.attempt.stmt) => {
                self.thrown_attempt(stmt, path)
            }
            StmtKind::Return(_) | StmtKind::Break(_) => end(End::Exit),
            StmtKind::Throw(_) => end(End::Throw),
            StmtKind::Continue(label) => end(if label.is_none() || label == &self.l.label {
                End::Loop
            } else {
                End::Exit
            }),
            StmtKind::Expr(_) if flow::diverges(stmt) => end(End::Abort),
            StmtKind::Assign { .. } => self.assign(stmt, path),
            StmtKind::Branch { subject, arms } => self.branch(subject.as_ref(), arms, path),
            StmtKind::Block(b) => self.block(b, vec![path]),
            StmtKind::Try {
                body,
                handler,
                catch_binding,
                ..
            } => self.try_stmt(body, handler.as_ref(), catch_binding.as_deref(), path),
            _ => Some((Vec::new(), vec![path])),
        }
    }

    /// A `try`: what is thrown in its body runs its handler. A failure of the attempt binds
    /// the handler's variable as the attempt's outcome (see [`Walk::throw_failure`]); what
    /// else is thrown there is computed from it, as far as the walk knows.
    fn try_stmt(
        &self,
        body: &Block,
        handler: Option<&Block>,
        binding: Option<&str>,
        path: Path,
    ) -> Option<Outcomes> {
        let (ended, mut through) = self.block(body, vec![path])?;
        let Some(handler) = handler else {
            return Some((ended, through));
        };
        let mut out = Vec::new();
        for (end, mut path) in ended {
            if end != End::Throw {
                out.push((end, path));
                continue;
            }
            if let Some(b) = binding.filter(|b| !path.outcome.contains(*b)) {
                path.derived.insert(b.to_owned());
            }
            let (e, t) = self.block(handler, vec![path])?;
            out.extend(e);
            through.extend(t);
        }
        Some((out, through))
    }

    /// The attempt fails with a throw: its handler decides. Records that decision.
    fn throw_failure(&self, catch: &Catch, path: &mut Path) {
        path.error_decision = Some((catch.landing.clone(), self.scenario.failed()));
        if self.scenario.failed() {
            path.outcome.extend(catch.binding.iter().cloned());
        }
    }

    /// An attempt whose value is returned or dropped (`return await op()`), failing by a
    /// throw.
    fn thrown_attempt(&self, stmt: &Stmt, mut path: Path) -> Option<Outcomes> {
        let Some(catch) = &self.attempt.caught else {
            return Some((Vec::new(), vec![path]));
        };
        self.throw_failure(catch, &mut path);
        let end = if self.scenario.failed() {
            End::Throw
        } else if matches!(stmt.kind, StmtKind::Return(_)) {
            End::Exit
        } else {
            return Some((Vec::new(), vec![path]));
        };
        Some((vec![(end, path)], Vec::new()))
    }

    fn assign(&self, stmt: &Stmt, mut path: Path) -> Option<Outcomes> {
        let StmtKind::Assign {
            targets,
            value,
            else_block,
            ..
        } = &stmt.kind
        else {
            return Some((Vec::new(), vec![path]));
        };
        let vars = flow::assigned_vars(stmt);
        if std::ptr::eq(stmt, self.attempt.stmt) {
            for v in &vars {
                path.forget(v);
            }
            let failed = self.scenario.failed();
            if failed && self.attempt.propagates {
                return Some((vec![(End::Exit, path)], Vec::new()));
            }
            if let Some(catch) = &self.attempt.caught {
                self.throw_failure(catch, &mut path);
                if failed {
                    return Some((vec![(End::Throw, path)], Vec::new()));
                }
            }
            path.outcome.extend(self.attempt.error.iter().cloned());
            path.outcome.extend(self.attempt.result.iter().cloned());
            if failed {
                path.derived.extend(self.attempt.values.iter().cloned());
            } else {
                path.responses.extend(self.attempt.values.iter().cloned());
            }
            if let Some(else_block) = else_block {
                let patterns: Vec<&Expr> = targets
                    .iter()
                    .filter_map(|t| match &t.kind {
                        TargetKind::Place(p) => Some(p),
                        _ => None,
                    })
                    .collect();
                let answer = patterns
                    .iter()
                    .map(|p| self.pattern(p, Some(failed), &mut path))
                    .next()
                    .unwrap_or_else(Answer::unsure);
                let pattern = answer.error.unwrap_or_else(|| stmt.span.clone());
                return match answer.value {
                    Some(true) => {
                        path.error_decision = Some((pattern, false));
                        Some((Vec::new(), vec![path]))
                    }
                    Some(false) => {
                        path.error_decision = Some((pattern, true));
                        self.block(else_block, vec![path])
                    }
                    None => None,
                };
            }
            return Some((Vec::new(), vec![path]));
        }
        let from_other_attempt = self.others.iter().any(|a| std::ptr::eq(a.stmt, stmt));
        let status = self.is_status(value, &path);
        // Another tested call that takes this attempt's failure is its classifier
        // (`const retryable = classify(err)`), not an attempt of its own; one that reads
        // only its response (`io.ReadAll(resp.Body)`) is.
        let classifies = path
            .outcome
            .iter()
            .chain(&path.derived)
            .any(|v| flow::reads(value, v));
        let derived = if from_other_attempt {
            classifies
        } else {
            path.reads_outcome(value)
        };
        for v in &vars {
            path.forget(v);
            if status {
                path.statuses.insert(v.clone());
            } else if derived {
                path.derived.insert(v.clone());
            }
        }
        Some((Vec::new(), vec![path]))
    }

    fn branch(&self, subject: Option<&Expr>, arms: &[Arm], path: Path) -> Option<Outcomes> {
        let mut ended = Vec::new();
        let mut through = Vec::new();
        let mut undecided = vec![path];
        for arm in arms {
            let mut next = Vec::new();
            for mut path in undecided {
                let answer = self.guard(subject, &arm.guard, &mut path);
                let mut taken = path.clone();
                if let Some(span) = &answer.error {
                    taken.error_decision = Some((span.clone(), true));
                    path.error_decision = Some((span.clone(), false));
                }
                if let Some(span) = &answer.status {
                    taken.status_decision = Some((span.clone(), true));
                    path.status_decision = Some((span.clone(), false));
                }
                match answer.value {
                    Some(true) => {
                        let (e, t) = self.block(&arm.body, vec![taken])?;
                        ended.extend(e);
                        through.extend(t);
                    }
                    Some(false) => next.push(path),
                    None => {
                        taken.unsure |= answer.unsure;
                        path.unsure |= answer.unsure;
                        let (e, t) = self.block(&arm.body, vec![taken])?;
                        ended.extend(e);
                        through.extend(t);
                        next.push(path);
                    }
                }
            }
            undecided = next;
        }
        through.extend(undecided);
        Some((ended, through))
    }

    /// The answer of an arm's guard.
    fn guard(&self, subject: Option<&Expr>, guard: &Guard, path: &mut Path) -> Answer {
        match guard {
            Guard::Else => Answer::known(true),
            Guard::Cond(c) => self.cond(c, path),
            Guard::Pattern {
                alternatives,
                extra,
            } => {
                let Some(subject) = subject else {
                    // `select` arms: which channel fires has nothing to do with the attempt.
                    return Answer::free();
                };
                let mut answer = Answer::known(false);
                for alt in alternatives {
                    let a = self.alternative(subject, alt, path);
                    answer = answer.combine(a, false);
                }
                match extra {
                    Some(x) if answer.value != Some(false) => {
                        answer.combine(self.cond(x, path), true)
                    }
                    _ => answer,
                }
            }
        }
    }

    /// A pattern alternative matched against the branch subject.
    fn alternative(&self, subject: &Expr, alt: &Expr, path: &mut Path) -> Answer {
        let stripped = flow::strip(subject);
        let attempt_result = std::ptr::eq(stripped, self.attempt.call)
            || flow::contains(stripped, self.attempt.call)
                && !self.others.iter().any(|o| flow::contains(stripped, o.call))
            || self
                .attempt
                .result
                .as_deref()
                .is_some_and(|r| flow::is_var(stripped, r) && path.outcome.contains(r));
        if attempt_result {
            return self.pattern(alt, Some(self.scenario.failed()), path);
        }
        if self.is_status(subject, path) {
            return match (self.scenario.status(), self.number(alt, path)) {
                (Some(s), Some(n)) => Answer {
                    status: Some(alt.span.clone()),
                    ..Answer::known(s == n)
                },
                _ => Answer::unsure(),
            };
        }
        if path.reads_outcome(subject)
            || self.attempt.values.iter().any(|v| flow::reads(subject, v))
        {
            Answer::unsure()
        } else {
            Answer::free()
        }
    }

    /// `Ok(x)` / `Err(e)` against the attempt's result; binds what the pattern names.
    fn pattern(&self, pattern: &Expr, failed: Option<bool>, path: &mut Path) -> Answer {
        let Some(failed) = failed else {
            return Answer::unsure();
        };
        let Some(call) = pattern.as_call() else {
            return Answer::unsure();
        };
        let is_err = match call.callee.last_segment() {
            Some("Err") => true,
            Some("Ok") => false,
            _ => return Answer::unsure(),
        };
        let matches = is_err == failed;
        if !call.args.iter().all(is_binding) {
            // `Err(Error::Timeout)`: which error it is decides.
            return if matches {
                Answer::unsure()
            } else {
                Answer::known(false)
            };
        }
        if matches {
            for arg in &call.args {
                if let Some(name) = arg.dotted().filter(|n| n != "_") {
                    if is_err {
                        path.outcome.insert(name);
                    } else {
                        path.responses.insert(name);
                    }
                }
            }
        }
        Answer {
            error: Some(pattern.span.clone()),
            ..Answer::known(matches)
        }
    }

    fn cond(&self, e: &Expr, path: &Path) -> Answer {
        let failed = self.scenario.failed();
        match &e.kind {
            ExprKind::Binary {
                op: op @ (BinOp::And | BinOp::Or),
                lhs,
                rhs,
            } => self
                .cond(lhs, path)
                .combine(self.cond(rhs, path), *op == BinOp::And),
            ExprKind::Unary {
                op: UnOp::Not,
                operand,
            } => self.cond(operand, path).not(),
            ExprKind::Bool(b) => Answer::known(*b),
            ExprKind::Field { base, name } if self.is_response(base, path) => {
                match self.cx.knowledge.status_class(name) {
                    Some(codes) => self.status_in(codes, e),
                    None => self.opaque(e, path),
                }
            }
            ExprKind::Binary { op, lhs, rhs } if is_comparison(*op) => {
                if let Some(other) = nil_comparand(lhs, rhs) {
                    let is_nil = if other.dotted().is_some_and(|v| path.outcome.contains(&v)) {
                        !failed
                    } else if other.dotted().is_some_and(|v| path.responses.contains(&v)) {
                        // Once the error has been looked at, a nil test of the value asks
                        // what came back (a poll's "nothing yet"), not whether it failed.
                        if path.error_decision.is_some() {
                            return Answer::unsure();
                        }
                        false
                    } else if self.is_settled_elsewhere(other, path) {
                        return Answer::known(*op == BinOp::Eq);
                    } else if path.reads_outcome(other) {
                        return Answer::unsure();
                    } else {
                        return Answer::free();
                    };
                    let value = if *op == BinOp::Eq { is_nil } else { !is_nil };
                    return Answer {
                        error: Some(e.span.clone()),
                        ..Answer::known(value)
                    };
                }
                if self.is_status(lhs, path) || self.is_status(rhs, path) {
                    return match (self.number(lhs, path), self.number(rhs, path)) {
                        (Some(a), Some(b)) => Answer {
                            status: Some(e.span.clone()),
                            ..Answer::known(compare(*op, a, b))
                        },
                        _ => Answer::unsure(),
                    };
                }
                self.opaque(e, path)
            }
            ExprKind::Call(call) => {
                let method = match &call.callee.kind {
                    ExprKind::Field { base, name } => Some((&**base, name.as_str())),
                    _ => None,
                };
                if let Some((base, name @ ("is_err" | "is_ok"))) = method {
                    let base = flow::strip(base);
                    let ours = std::ptr::eq(base, self.attempt.call)
                        || base.dotted().is_some_and(|v| path.outcome.contains(&v));
                    if ours {
                        return Answer {
                            error: Some(e.span.clone()),
                            ..Answer::known((name == "is_err") == failed)
                        };
                    }
                }
                if let Some((base, name)) = method
                    && let Some(codes) = self.cx.knowledge.status_class(name)
                    && self.is_status(base, path)
                {
                    return self.status_in(codes, e);
                }
                self.opaque(e, path)
            }
            _ => self.opaque(e, path),
        }
    }

    /// A condition the walk does not evaluate: unsure when it looks at the attempt's outcome
    /// or asks a retry predicate, free (either way) otherwise. A call that is handed the
    /// response or its status classifies the status, whatever it is called
    /// (`isResponseStatusCodeEligibleForRetry(resp.StatusCode)`).
    fn opaque(&self, e: &Expr, path: &Path) -> Answer {
        let calls: Vec<&Call> = e.walk().into_iter().filter_map(Expr::as_call).collect();
        let asks_predicate = calls
            .iter()
            .any(|c| self.cx.knowledge.is_retry_predicate(&callee_name(c)));
        let classifies_status = calls.iter().any(|c| {
            c.args.iter().any(|arg| {
                path.statuses
                    .iter()
                    .chain(&path.responses)
                    .any(|v| flow::reads(arg, v))
            })
        });
        if asks_predicate || path.reads_outcome(e) {
            Answer {
                status: classifies_status.then(|| e.span.clone()),
                ..Answer::unsure()
            }
        } else {
            Answer::free()
        }
    }

    /// Whether `e` is the error or result variable of another attempt, which succeeded.
    fn is_settled_elsewhere(&self, e: &Expr, path: &Path) -> bool {
        let Some(v) = e.dotted() else {
            return false;
        };
        !path.outcome.contains(&v)
            && self
                .others
                .iter()
                .any(|o| o.error.as_deref() == Some(v.as_str()))
    }

    /// The answer of a test that the status is in `codes` (`status.is_success()`, `res.ok`).
    fn status_in(&self, codes: &std::ops::RangeInclusive<u16>, e: &Expr) -> Answer {
        match self.scenario.status() {
            Some(s) => Answer {
                status: Some(e.span.clone()),
                ..Answer::known(u16::try_from(s).is_ok_and(|s| codes.contains(&s)))
            },
            None => Answer::unsure(),
        }
    }

    /// Whether `e` reads the attempt's response.
    fn is_response(&self, e: &Expr, path: &Path) -> bool {
        path.responses.iter().any(|r| flow::reads(e, r))
    }

    /// Whether `e` is the status code of the attempt's response.
    fn is_status(&self, e: &Expr, path: &Path) -> bool {
        let k = self.cx.knowledge;
        let e = flow::strip(e);
        if e.dotted().is_some_and(|v| path.statuses.contains(&v)) {
            return true;
        }
        let of_response = |base: &Expr| self.is_response(base, path);
        match &e.kind {
            ExprKind::Field { base, name } => k.is_status_accessor(name) && of_response(base),
            ExprKind::Call(call) => match &call.callee.kind {
                ExprKind::Field { base, name } if call.args.is_empty() => {
                    (k.is_status_accessor(name) && of_response(base))
                        || (name == "as_u16" && self.is_status(base, path))
                }
                _ => {
                    call.args.len() == 1
                        && k.is_passthrough(self.cx.lang, &callee_name(call))
                        && self.is_status(&call.args[0], path)
                }
            },
            _ => false,
        }
    }

    /// The number `e` stands for in this scenario: the status, a literal, a status constant,
    /// or arithmetic on those (`resp.StatusCode / 100`).
    fn number(&self, e: &Expr, path: &Path) -> Option<i64> {
        if self.is_status(e, path) {
            return self.scenario.status();
        }
        if let Some(v) = flow::number_value(e) {
            return (v.fract() == 0.0).then_some(v as i64);
        }
        if let Some(name) = e.dotted() {
            return self
                .cx
                .knowledge
                .status_code(self.cx.lang, &name)
                .map(i64::from);
        }
        match &e.kind {
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.number(lhs, path)?, self.number(rhs, path)?);
                match op {
                    BinOp::Add => a.checked_add(b),
                    BinOp::Sub => a.checked_sub(b),
                    BinOp::Mul => a.checked_mul(b),
                    BinOp::Div => a.checked_div(b),
                    BinOp::Rem => a.checked_rem(b),
                    _ => None,
                }
            }
            ExprKind::Other(items) if items.len() == 1 => self.number(&items[0], path),
            _ => None,
        }
    }
}

/// Whether the attempt calls a closure of this unit or a function of this file that turns
/// some failures into success itself: an arm guarded by an error test (`errors.Is`, a retry
/// predicate) that returns nothing, `nil` or `Ok`. What it still fails with was classified
/// there (`if errors.Is(err, context.Canceled) { return nil }`).
fn settles_some_failures(unit: &Unit, attempt: &Expr, cx: &Context) -> bool {
    let Some(call) = flow::strip(attempt).as_call() else {
        return false;
    };
    let local = call
        .callee
        .dotted()
        .filter(|n| !n.contains('.'))
        .and_then(|name| {
            flow::assignments(&unit.body, &name)
                .into_iter()
                .find_map(|a| match &a.value.kind {
                    ExprKind::Closure { body, .. } => Some(body),
                    _ => None,
                })
        });
    let Some(body) =
        local.or_else(|| flow::same_file_unit(cx.units, &call.callee).map(|u| &u.body))
    else {
        return false;
    };
    let k = cx.knowledge;
    let tests_error = |e: &Expr| {
        e.walk().iter().filter_map(|x| x.as_call()).any(|c| {
            let name = callee_name(c);
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
    let nested = flow::every_stmt(body)
        .into_iter()
        .flat_map(|stmt| stmt.exprs())
        .flat_map(Expr::walk)
        .filter_map(|e| match &e.kind {
            ExprKind::Closure { body, .. } => Some(flow::every_stmt(body)),
            _ => None,
        })
        .flatten();
    let stmts = flow::every_stmt(body).into_iter().chain(nested);
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

/// A call handed the attempt's outcome or response that also takes `&x` fills `x` from it
/// (`json.NewDecoder(resp.Body).Decode(&apiErr)`): `x` is derived from the outcome.
fn fill_out_params(stmt: &Stmt, path: &mut Path) {
    let filled: Vec<String> = stmt
        .exprs()
        .into_iter()
        .flat_map(Expr::walk)
        .filter_map(Expr::as_call)
        .filter(|call| {
            let receiver = match &call.callee.kind {
                ExprKind::Field { base, .. } => Some(&**base),
                _ => None,
            };
            receiver
                .into_iter()
                .chain(&call.args)
                .any(|e| path.reads_outcome(e))
        })
        .flat_map(|call| &call.args)
        .filter_map(|arg| match &arg.kind {
            ExprKind::Unary {
                op: UnOp::Ref,
                operand,
            } => operand.dotted(),
            _ => None,
        })
        .collect();
    path.derived.extend(filled);
}

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

fn compare(op: BinOp, a: i64, b: i64) -> bool {
    match op {
        BinOp::Eq => a == b,
        BinOp::Ne => a != b,
        BinOp::Lt => a < b,
        BinOp::Le => a <= b,
        BinOp::Gt => a > b,
        _ => a >= b,
    }
}

/// In `x == nil` / `nil != x`, the `x`.
fn nil_comparand<'e>(lhs: &'e Expr, rhs: &'e Expr) -> Option<&'e Expr> {
    let is_nil = |e: &Expr| matches!(&e.kind, ExprKind::Name(n) if n == "nil");
    if is_nil(rhs) {
        Some(lhs)
    } else if is_nil(lhs) {
        Some(rhs)
    } else {
        None
    }
}

/// A pattern part that binds or ignores, without testing: `e`, `_`, `..`, `()`, `(a, b)`.
fn is_binding(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(n) => {
            n == "_" || (!n.contains('.') && n.chars().next().is_some_and(char::is_lowercase))
        }
        ExprKind::Other(items) => items.is_empty(),
        ExprKind::List(items) => items.iter().all(is_binding),
        _ => false,
    }
}

/// The statements of a loop body that belong to its own iterations: nested loops are
/// loops of their own.
fn own_stmts(block: &Block) -> Vec<&Stmt> {
    let mut out = Vec::new();
    let mut stack: Vec<&Stmt> = block.stmts.iter().rev().collect();
    while let Some(stmt) = stack.pop() {
        out.push(stmt);
        if !matches!(stmt.kind, StmtKind::Loop(_)) {
            for b in stmt.child_blocks().into_iter().rev() {
                stack.extend(b.stmts.iter().rev());
            }
        }
    }
    out
}

/// The calls of a loop body whose outcome it binds or tests.
fn tested_attempts<'a>(l: &'a Loop, lang: Lang) -> Vec<Attempt<'a>> {
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
                    out.push(Attempt {
                        stmt,
                        call,
                        error: None,
                        result: None,
                        values: Vec::new(),
                        propagates: false,
                        caught: Some(catch),
                    });
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
                let mut attempt = Attempt {
                    stmt,
                    call,
                    error: None,
                    result: None,
                    values: Vec::new(),
                    caught: catch_of(stmt),
                    propagates: false,
                };
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
                    out.push(Attempt {
                        stmt,
                        call,
                        error: None,
                        result: None,
                        values: Vec::new(),
                        propagates: false,
                        caught: None,
                    });
                }
                for arm in arms {
                    if let Guard::Cond(c) = &arm.guard {
                        out.extend(tested_calls(c).into_iter().map(|call| Attempt {
                            stmt,
                            call,
                            error: None,
                            result: None,
                            values: Vec::new(),
                            propagates: false,
                            caught: None,
                        }));
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
fn caught_stmts(l: &Loop) -> Vec<(&Stmt, Catch)> {
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
fn outermost_call(value: &Expr) -> Option<&Expr> {
    let e = flow::strip(value);
    e.as_call().is_some().then_some(e)
}

/// Whether the loop has the shape of a retry: not a walk over a collection or a cursor, and
/// it waits between attempts or counts them.
fn retry_shaped(unit: &Unit, loop_stmt: &Stmt, l: &Loop, cx: &Context) -> bool {
    let values = ValueFlow {
        unit,
        units: cx.units,
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
fn inputs_vary(l: &Loop, attempt: &Attempt, cx: &Context) -> bool {
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
    let body = flow::every_stmt(&l.body);
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
        if inputs_vary(l, attempt, cx)
            || waits_for_dependency(unit, &retried, cx)
            || settles_some_failures(unit, attempt.call, cx)
        {
            continue;
        }
        let others: Vec<&Attempt> = attempts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, a)| a)
            .collect();
        let walk = |scenario| {
            Walk {
                cx,
                l,
                attempt,
                others: &others,
                scenario,
                steps: std::cell::Cell::new(0),
            }
            .run()
        };
        let Some(success) = walk(Scenario::Answers(200)) else {
            continue;
        };
        // A retry leaves once the attempt succeeds. A loop whose only way out has nothing to
        // do with the attempt (a `ctx.Done()` arm, a worker's shutdown), or that goes on
        // after a success (a poller, a consumer), is not one; a success that goes on or not
        // by what came back (`if resp != nil { return }`) is a poll for that answer.
        let decided = |p: &Path| p.error_decision.is_some() || p.status_decision.is_some();
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
        if let Some(f) = found
            && !findings.iter().any(|g| g.primary.span == f.primary.span)
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
    if let Some(converter) = flow::deep_walk(attempt.call).into_iter().find(|e| {
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

/// Whether the retried calls wait for a dependency of the service rather than ask another
/// service for something: connecting, receiving, subscribing, starting, loading, polling
/// for readiness (see [`Knowledge::dependency_wait_words`]), every one of them by its name,
/// or all of them by the name of the function retrying them (`connectWithRetry`,
/// `waitForEndpoint`); or one of them calls a server on this machine (`localhost`).
fn waits_for_dependency(unit: &Unit, retried: &[&Expr], cx: &Context) -> bool {
    let k = cx.knowledge;
    k.names_dependency_wait(&unit.name)
        || retried.iter().any(|e| flow::mentions_local_host(e, k))
        || !retried.is_empty()
            && retried.iter().all(|e| {
                e.as_call()
                    .and_then(|call| call.callee.last_segment())
                    .is_some_and(|name| k.names_dependency_wait(name))
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

/// Retry-library entry points that retry every error the operation returns.
fn library_entries(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for site in flow::calls(unit) {
        let CallRole::Retry(retry) = &site.call.role else {
            continue;
        };
        let facts = cx.knowledge.facts_of(retry);
        if facts.role != RetryRole::Entry
            || flow::same_file_unit(cx.units, &site.call.callee).is_some()
        {
            continue;
        }
        if let Some(library) = facts.needs_strategy_of
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
            lang: cx.lang,
            source: cx.source,
        };
        let opted_in = retry_marks::find(&marks, facts.retries_all_when);
        if opted_in.is_none()
            && (!facts.retries_all_by_default
                || retry_marks::find(&marks, facts.classifiers).is_some()
                || marks_permanent(unit, site.call, facts.permanent, cx))
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
        .with_help(facts.classify_fix)
        .with_severity(META.default_severity);
        if let Some(condition) = opted_in {
            finding = finding.with_secondary(Label::new(
                condition,
                "this condition says yes to a 4xx such as 404 as well",
            ));
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
                flow::assignments(&unit.body, &var)
                    .iter()
                    .any(|a| is_strategy(a.value))
            })
    })
}

/// Whether the retried operation can mark an error permanent: a permanent marker anywhere in
/// a closure argument, in the receiver (backon's `op.retry(…)`), or in a same-file function
/// passed by name.
fn marks_permanent(unit: &Unit, call: &Call, permanent: &[&str], cx: &Context) -> bool {
    if permanent.is_empty() {
        return false;
    }
    let marked = |exprs: Vec<&Expr>| {
        exprs.iter().any(|e| {
            e.dotted().is_some_and(|d| {
                permanent.iter().any(|p| {
                    crate::knowledge::CallPattern {
                        lang: None,
                        pattern: (*p).to_owned(),
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
            flow::same_file_unit(cx.units, &c.callee)
                .is_some_and(|u| marked(flow::deep_block_exprs(&u.body)))
        })
    };
    receiver.into_iter().chain(call.args.iter()).any(|arg| {
        let arg = flow::strip(arg);
        let Some(name) = arg.dotted() else {
            let inside = flow::deep_walk(arg);
            return marked(inside.clone()) || marked_in_callee(inside);
        };
        flow::assignments(&unit.body, &name)
            .iter()
            .any(|a| marked(flow::deep_walk(a.value)))
            || flow::same_file_unit(cx.units, arg)
                .is_some_and(|u| marked(flow::deep_block_exprs(&u.body)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_or_settle_on_one_side() {
        let free = Answer::free();
        let yes = Answer {
            error: Some(1..2),
            ..Answer::known(true)
        };
        let no = Answer {
            error: Some(3..4),
            ..Answer::known(false)
        };
        let and = yes.clone().combine(free.clone(), true);
        assert_eq!((and.value, and.error), (None, Some(1..2)));
        let and = no.clone().combine(free.clone(), true);
        assert_eq!((and.value, and.error), (Some(false), Some(3..4)));
        let or = no.combine(Answer::unsure(), false);
        assert_eq!((or.value, or.unsure, or.error), (None, true, Some(3..4)));
        let or = yes.combine(free, false);
        assert_eq!((or.value, or.error), (Some(true), Some(1..2)));
    }

    #[test]
    fn bindings_are_lowercase_names_or_wildcards() {
        let name = |n: &str| Expr::new(0..0, ExprKind::Name(n.to_owned()));
        assert!(is_binding(&name("e")));
        assert!(is_binding(&name("_")));
        assert!(!is_binding(&name("Error.Timeout")));
        assert!(!is_binding(&name("TIMEOUT")));
        let unit = Expr::new(0..0, ExprKind::List(Vec::new()));
        assert!(is_binding(&unit));
        let pair = Expr::new(0..0, ExprKind::List(vec![name("a"), name("_")]));
        assert!(is_binding(&pair));
    }

    #[test]
    fn comparisons_follow_their_operator() {
        assert!(compare(BinOp::Ge, 500, 500));
        assert!(!compare(BinOp::Gt, 400, 500));
        assert!(compare(BinOp::Ne, 400, 200));
    }
}
