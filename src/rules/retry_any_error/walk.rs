//! The scenario walk: one iteration of a loop, interpreted path by path for one attempt in
//! one scenario (it fails for good, it answers a status). Each path knows which variables
//! hold the attempt's outcome, response and status, and which conditions decided on them; a
//! condition that looks at what the failure is makes the path unsure.

use std::collections::BTreeSet;

use super::attempt::{Attempt, Catch};
use crate::flow;
use crate::model::{
    Arm, BinOp, Block, Call, Expr, ExprKind, Guard, Loop, Span, Stmt, StmtKind, TargetKind, UnOp,
};
use crate::rules::Context;

/// Statements visited, over all paths, before the walk of one iteration gives up (and stays
/// silent).
const STEP_BUDGET: usize = 20_000;

/// What the attempt does in a scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scenario {
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
pub(super) struct PathState {
    /// Variables that hold the attempt's error (Go) or `Result` (Rust).
    outcome: BTreeSet<String>,
    /// Variables that hold the attempt's response, when it succeeded.
    responses: BTreeSet<String>,
    /// Variables that hold the response's status code.
    statuses: BTreeSet<String>,
    /// Variables computed from any of the above.
    derived: BTreeSet<String>,
    /// The path went through a condition whose answer depends on what the failure is.
    pub(super) unsure: bool,
    /// The last condition that answered "did the attempt fail?", and whether its arm was
    /// taken.
    pub(super) error_decision: Option<(Span, bool)>,
    /// The last condition that tested the status, and whether its arm was taken.
    pub(super) status_decision: Option<(Span, bool)>,
}

impl PathState {
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
pub(super) enum End {
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
struct Walk<'a, 'c> {
    cx: &'a Context<'c>,
    l: &'a Loop,
    attempt: &'a Attempt<'a>,
    others: &'a [&'a Attempt<'a>],
    scenario: Scenario,
    steps: std::cell::Cell<usize>,
}

/// The ends of every path through one iteration of `l`, walked for `attempt` (beside the
/// loop's `others`) in `scenario`; `None` when there are too many to follow.
pub(super) fn iteration_ends<'a>(
    cx: &'a Context,
    l: &'a Loop,
    attempt: &'a Attempt<'a>,
    others: &'a [&'a Attempt<'a>],
    scenario: Scenario,
) -> Option<Vec<(End, PathState)>> {
    Walk {
        cx,
        l,
        attempt,
        others,
        scenario,
        steps: std::cell::Cell::new(0),
    }
    .run()
}

/// The paths that ended in a statement (and how), and those that went past it.
type Ends = (Vec<(End, PathState)>, Vec<PathState>);

impl Walk<'_, '_> {
    /// The ends of every path through the loop body; `None` when there are too many to follow.
    fn run(&self) -> Option<Vec<(End, PathState)>> {
        let (mut ended, through) = self.block(&self.l.body, vec![PathState::default()])?;
        for (end, _) in &mut ended {
            if *end == End::Throw {
                *end = End::Abort;
            }
        }
        ended.extend(through.into_iter().map(|p| (End::Loop, p)));
        Some(ended)
    }

    fn block(&self, block: &Block, mut live: Vec<PathState>) -> Option<Ends> {
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

    fn stmt(&self, stmt: &Stmt, mut path: PathState) -> Option<Ends> {
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
        path: PathState,
    ) -> Option<Ends> {
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
    fn throw_failure(&self, catch: &Catch, path: &mut PathState) {
        path.error_decision = Some((catch.landing.clone(), self.scenario.failed()));
        if self.scenario.failed() {
            path.outcome.extend(catch.binding.iter().cloned());
        }
    }

    /// An attempt whose value is returned or dropped (`return await op()`), failing by a
    /// throw.
    fn thrown_attempt(&self, stmt: &Stmt, mut path: PathState) -> Option<Ends> {
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

    fn assign(&self, stmt: &Stmt, mut path: PathState) -> Option<Ends> {
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

    fn branch(&self, subject: Option<&Expr>, arms: &[Arm], path: PathState) -> Option<Ends> {
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
    fn guard(&self, subject: Option<&Expr>, guard: &Guard, path: &mut PathState) -> Answer {
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
    fn alternative(&self, subject: &Expr, alt: &Expr, path: &mut PathState) -> Answer {
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
    fn pattern(&self, pattern: &Expr, failed: Option<bool>, path: &mut PathState) -> Answer {
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

    fn cond(&self, e: &Expr, path: &PathState) -> Answer {
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
    fn opaque(&self, e: &Expr, path: &PathState) -> Answer {
        let calls: Vec<&Call> = e.walk().into_iter().filter_map(Expr::as_call).collect();
        let asks_predicate = calls
            .iter()
            .any(|c| self.cx.knowledge.is_retry_predicate(&c.lookup_name()));
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
    fn is_settled_elsewhere(&self, e: &Expr, path: &PathState) -> bool {
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
    fn is_response(&self, e: &Expr, path: &PathState) -> bool {
        path.responses.iter().any(|r| flow::reads(e, r))
    }

    /// Whether `e` is the status code of the attempt's response.
    fn is_status(&self, e: &Expr, path: &PathState) -> bool {
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
                        && k.is_passthrough(self.cx.lang, &call.lookup_name())
                        && self.is_status(&call.args[0], path)
                }
            },
            _ => false,
        }
    }

    /// The number `e` stands for in this scenario: the status, a literal, a status constant,
    /// or arithmetic on those (`resp.StatusCode / 100`).
    fn number(&self, e: &Expr, path: &PathState) -> Option<i64> {
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

/// A call handed the attempt's outcome or response that also takes `&x` fills `x` from it
/// (`json.NewDecoder(resp.Body).Decode(&apiErr)`): `x` is derived from the outcome.
fn fill_out_params(stmt: &Stmt, path: &mut PathState) {
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
