//! How values flow inside one unit of a file (`ValueFlow`): which variables change steadily
//! from one iteration of a loop to the next (`Trend`), where a value grows with them
//! (`Growth`), and whether a value carries randomness, through local variables and
//! same-file helpers.

use std::collections::{BTreeMap, BTreeSet};

use super::sites::LoopSite;
use super::units::{Functions, param_for_arg};
use super::walk::{assigned_vars, assignments, is_var, returned_values};
use crate::knowledge::Knowledge;
use crate::model::{
    BinOp, Call, CallRole, Expr, ExprKind, Guard, Lang, Loop, LoopKind, Scope, Span, Stmt,
    StmtKind, TargetKind, UnOp, Unit,
};

/// Where a value grows from one iteration to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Growth {
    /// The variable that grows (`delay`, `attempt`).
    pub var: String,
    /// The growth itself: `delay *= 2`, `1 << attempt`, `attempt++`.
    pub span: Span,
    /// `span` is where the variable itself grows (`delay *= 2`), not an expression that
    /// grows with it (`1 << attempt`).
    pub at_variable: bool,
    /// Where a function the value goes through makes it bigger, when one does: in this
    /// file or in another (see [`crate::project`]).
    pub computed: Option<Span>,
    /// It grows by the same step every time (`(attempt + 1) * base`, `d += step`): a
    /// counter or a sum, never through an exponent (`1 << attempt`, `2 ** n`) nor a
    /// variable that multiplies itself (`d *= 2`).
    pub linear: bool,
}

/// How a variable appears in an expression, following only positions where the
/// expression moves the same way as the variable (sums, products, shifts, powers,
/// conversions, caps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Presence {
    Absent,
    /// Only through a subtraction or division: it shrinks.
    Shrinks,
    /// Passed on unchanged (`min(d, cap)`, `time.Duration(d)`).
    Flat,
    /// Made bigger (`d * 2`, `d + step`, `1 << d`, `d.saturating_mul(2)`).
    Grows,
}

/// A variable reached through monotone positions of an expression.
struct Leaf {
    name: String,
    /// The innermost operation on the way that makes the value bigger.
    amplifier: Option<Span>,
    /// Where a helper on the way makes it bigger.
    computed: Option<Span>,
    damped: bool,
    /// Reached through the right side of a subtraction or division: the expression grows as
    /// the variable shrinks (`max - retries_left`).
    inverted: bool,
    /// Reached through an exponent or a power (`1 << n`, `2 ** n`, `math.Pow(2, n)`).
    exponent: bool,
    /// Reached through a product (`d * 2`).
    multiplied: bool,
}

impl Leaf {
    /// What the expression does as the variable grows.
    fn presence(&self) -> Presence {
        if self.inverted || (self.damped && self.amplifier.is_none()) {
            Presence::Shrinks
        } else if self.amplifier.is_some() {
            Presence::Grows
        } else {
            Presence::Flat
        }
    }
}

/// Where in an expression the walk for leaves is.
#[derive(Clone, Default)]
struct Position {
    amplifier: Option<Span>,
    /// Where a helper the value went through makes it bigger (`delay_for(attempt)`'s
    /// `base << attempt`), possibly in another file.
    computed: Option<Span>,
    damped: bool,
    inverted: bool,
    exponent: bool,
    multiplied: bool,
}

impl Position {
    fn amplified_by(&self, span: &Span) -> Position {
        Position {
            amplifier: Some(span.clone()),
            ..self.clone()
        }
    }

    fn computed_at(&self, inside: Option<Span>) -> Position {
        Position {
            computed: inside.or_else(|| self.computed.clone()),
            ..self.clone()
        }
    }

    fn in_exponent(self) -> Position {
        Position {
            exponent: true,
            ..self
        }
    }

    fn in_product(self) -> Position {
        Position {
            multiplied: true,
            ..self
        }
    }

    fn damp(&self) -> Position {
        Position {
            damped: true,
            ..self.clone()
        }
    }

    fn invert(&self) -> Position {
        Position {
            inverted: !self.inverted,
            ..self.clone()
        }
    }
}

/// How a variable changes from one iteration to the next, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trend {
    pub span: Span,
    /// It grows (`attempt++`, `d *= 2`); otherwise it shrinks (`retries--`).
    pub rising: bool,
    /// It multiplies itself (`d *= 2`, `d = min(d << 1, max)`) rather than adding a step.
    pub geometric: bool,
}

/// How values flow inside one unit of a file: which variables grow each iteration of a loop,
/// and whether a value carries randomness. Follows local variables and same-file helpers.
pub struct ValueFlow<'a> {
    pub unit: &'a Unit,
    pub functions: &'a dyn Functions,
    pub lang: Lang,
    pub knowledge: &'a Knowledge,
}

/// How far definitions and helpers are followed.
const FOLLOW_DEPTH: usize = 6;

impl<'a> ValueFlow<'a> {
    fn for_unit(&self, unit: &'a Unit) -> ValueFlow<'a> {
        ValueFlow { unit, ..*self }
    }

    /// The variables that change steadily from one iteration to the next of `enclosing`, the
    /// loops around a point of this unit, innermost first (see [`enclosing_loops`]), or from
    /// one recursive call to the next, with how and where.
    ///
    /// [`enclosing_loops`]: super::enclosing_loops
    pub fn trends_in(&self, enclosing: &[LoopSite]) -> BTreeMap<String, Trend> {
        let mut out = BTreeMap::new();
        for site in enclosing {
            for (var, trend) in self.trends_in_loop(site.stmt, site.the_loop) {
                out.entry(var).or_insert(trend);
            }
        }
        for (var, span) in self.growing_by_recursion() {
            out.entry(var).or_insert(Trend {
                span,
                rising: true,
                geometric: false,
            });
        }
        out
    }

    /// Variables assigned inside the loop only in ways that make them bigger (or only
    /// smaller), and the bindings of a loop over a numeric range.
    pub fn trends_in_loop(&self, loop_stmt: &Stmt, l: &Loop) -> Vec<(String, Trend)> {
        let mut out = Vec::new();
        if l.kind == LoopKind::Each
            && let Some(binding) = l.bindings.first()
            && (l.cond.as_ref().is_some_and(is_numeric_range)
                || self.knowledge.is_attempt_name(binding))
        {
            let header = l
                .cond
                .as_ref()
                .map_or(loop_stmt.span.clone(), |c| c.span.clone());
            out.push((
                binding.clone(),
                Trend {
                    span: header,
                    rising: true,
                    geometric: false,
                },
            ));
        }
        // What runs on every iteration: the body, then the post statements of a C-style `for`.
        let inside: Vec<&Stmt> = l
            .body
            .stmts_in(Scope::FLOW)
            .into_iter()
            .chain(l.post.iter().flat_map(|s| s.stmts_in(Scope::FLOW)))
            .collect();
        let mut vars: Vec<String> = inside.iter().flat_map(|s| assigned_vars(s)).collect();
        vars.sort();
        vars.dedup();
        for var in vars {
            let caps = caps_of(&inside, &var);
            let mut growth = None;
            let mut shrink = None;
            let mut reset = false;
            let mut geometric = false;
            for stmt in &inside {
                let StmtKind::Assign { op, value, .. } = &stmt.kind else {
                    continue;
                };
                if !assigned_vars(stmt).contains(&var) || caps.contains(&stmt.span) {
                    continue;
                }
                match self.step(&var, *op, value) {
                    Presence::Grows => {
                        growth.get_or_insert(stmt.span.clone());
                        geometric |= self.multiplies_itself(&var, *op, value);
                    }
                    Presence::Shrinks => {
                        shrink.get_or_insert(stmt.span.clone());
                    }
                    Presence::Flat => {}
                    Presence::Absent => reset = true,
                }
            }
            let trend = match (growth, shrink, reset) {
                (Some(span), None, false) => Trend {
                    span,
                    rising: true,
                    geometric,
                },
                (None, Some(span), false) => Trend {
                    span,
                    rising: false,
                    geometric: false,
                },
                _ => continue,
            };
            out.push((var, trend));
        }
        out
    }

    /// What `var op= value` does to `var`.
    fn step(&self, var: &str, op: Option<BinOp>, value: &Expr) -> Presence {
        let number = number_value(value);
        match op {
            None => self.presence(value, var),
            Some(BinOp::Add) => match number {
                Some(n) if n <= 0.0 => Presence::Shrinks,
                _ => Presence::Grows,
            },
            Some(BinOp::Mul | BinOp::Pow) => match number {
                Some(n) if n < 1.0 => Presence::Shrinks,
                Some(1.0) => Presence::Flat,
                _ => Presence::Grows,
            },
            Some(BinOp::Shl) => match number {
                Some(0.0) => Presence::Flat,
                _ => Presence::Grows,
            },
            Some(BinOp::Sub | BinOp::Div | BinOp::Shr) => Presence::Shrinks,
            Some(_) => Presence::Absent,
        }
    }

    /// Whether a growing step `var op= value` multiplies the variable (`d *= 2`, `d = d <<
    /// 1`, `d += d`, `d = min(d * 2, max)`) rather than adding a step to it.
    fn multiplies_itself(&self, var: &str, op: Option<BinOp>, value: &Expr) -> bool {
        let leaves = self.leaves(value, 0);
        let mut own = leaves.iter().filter(|leaf| leaf.name == var);
        match op {
            Some(BinOp::Mul | BinOp::Pow | BinOp::Shl) => true,
            Some(BinOp::Add) => own.next().is_some(),
            None => {
                let own: Vec<&Leaf> = own.collect();
                own.len() > 1 || own.iter().any(|leaf| leaf.multiplied || leaf.exponent)
            }
            _ => false,
        }
    }

    /// How `var` appears in `expr`.
    fn presence(&self, expr: &Expr, var: &str) -> Presence {
        self.leaves(expr, 0)
            .iter()
            .filter(|leaf| leaf.name == var)
            .map(Leaf::presence)
            .max()
            .unwrap_or(Presence::Absent)
    }

    /// A unit that calls itself with a bigger argument: that parameter grows per call.
    fn growing_by_recursion(&self) -> Vec<(String, Span)> {
        let own = self.unit.name.rsplit(['.', ':']).next().unwrap_or_default();
        let mut out = Vec::new();
        for e in self.unit.all_exprs() {
            let ExprKind::Call(call) = &e.kind else {
                continue;
            };
            if own.is_empty() || call.callee.last_segment() != Some(own) {
                continue;
            }
            for (i, arg) in call.args.iter().enumerate() {
                if let Some(param) = param_for_arg(self.unit, call.args.len(), i)
                    && self.presence(arg, param) == Presence::Grows
                {
                    out.push((param.to_owned(), arg.span.clone()));
                }
            }
        }
        out
    }

    /// Where `expr` grows with one of the `trends` (a rising variable in a position that
    /// follows it, a falling one in a position that goes against it), directly or through
    /// the local variables and same-file helpers it is computed from.
    pub fn growth_in(&self, expr: &Expr, trends: &BTreeMap<String, Trend>) -> Option<Growth> {
        let mut seen = BTreeSet::new();
        self.growth_from(expr, false, false, trends, &mut seen, 0)
    }

    /// `inverted`: `expr` is reached through the right side of a subtraction or division;
    /// `exponent`: through an exponent or a power.
    fn growth_from(
        &self,
        expr: &Expr,
        inverted: bool,
        exponent: bool,
        trends: &BTreeMap<String, Trend>,
        seen: &mut BTreeSet<String>,
        depth: usize,
    ) -> Option<Growth> {
        if depth > FOLLOW_DEPTH {
            return None;
        }
        let leaves = self.leaves(expr, 0);
        for leaf in &leaves {
            let inverted = inverted != leaf.inverted;
            // A variable times itself (`attempt * attempt`) grows faster than by steps.
            let squared = (leaves.iter())
                .filter(|other| other.name == leaf.name && other.multiplied)
                .count()
                > 1;
            let exponent = exponent || leaf.exponent || squared;
            if let Some(trend) = trends.get(&leaf.name) {
                if trend.rising == inverted {
                    continue;
                }
                // A helper's growth is not read for its kind: it is not called linear.
                let linear = !exponent && !trend.geometric && leaf.computed.is_none();
                return Some(Growth {
                    var: leaf.name.clone(),
                    at_variable: leaf.amplifier.is_none(),
                    span: (leaf.amplifier.clone()).unwrap_or_else(|| trend.span.clone()),
                    computed: leaf.computed.clone(),
                    linear,
                });
            }
            if !seen.insert(leaf.name.clone()) {
                continue;
            }
            for def in assignments(&self.unit.body, &leaf.name) {
                if def.op.is_none()
                    && let Some(g) =
                        self.growth_from(def.value, inverted, exponent, trends, seen, depth + 1)
                {
                    return Some(g);
                }
            }
        }
        None
    }

    /// The variables reached through monotone positions of `expr`.
    fn leaves(&self, expr: &Expr, depth: usize) -> Vec<Leaf> {
        let mut out = Vec::new();
        self.collect_leaves(expr, Position::default(), depth, &mut out);
        out
    }

    fn collect_leaves(&self, expr: &Expr, at: Position, depth: usize, out: &mut Vec<Leaf>) {
        if depth > crate::lang::MAX_DEPTH {
            return;
        }
        let mut go = |e: &Expr, at: Position| self.collect_leaves(e, at, depth + 1, out);
        if let Some(name) = expr.dotted() {
            out.push(Leaf {
                name,
                amplifier: at.amplifier,
                computed: at.computed,
                damped: at.damped,
                inverted: at.inverted,
                exponent: at.exponent,
                multiplied: at.multiplied,
            });
            return;
        }
        let amplified = at.amplified_by(&expr.span);
        match &expr.kind {
            ExprKind::Binary { op, lhs, rhs } => match op {
                // A sum grows with either side, but points at an enclosing product or shift
                // when there is one: `(i + 1) * 1000` grows by the product.
                BinOp::Add => {
                    for (side, other) in [(lhs, rhs), (rhs, lhs)] {
                        let grows = at.amplifier.is_none() && grows_unless(other, 0.0);
                        go(side, if grows { amplified.clone() } else { at.clone() });
                    }
                }
                BinOp::Mul => {
                    for (side, other) in [(lhs, rhs), (rhs, lhs)] {
                        match number_value(other) {
                            Some(n) if n < 1.0 => go(side, at.damp()),
                            Some(1.0) => go(side, at.clone()),
                            _ => go(side, amplified.clone().in_product()),
                        }
                    }
                }
                BinOp::Shl | BinOp::Pow => {
                    go(lhs, amplified.clone().in_exponent());
                    go(rhs, amplified.in_exponent());
                }
                BinOp::Sub | BinOp::Div | BinOp::Shr => {
                    go(lhs, at.damp());
                    go(rhs, at.invert());
                }
                _ => {}
            },
            ExprKind::Unary {
                op: UnOp::Ref | UnOp::Deref | UnOp::Await,
                operand,
            }
            | ExprKind::Try(operand) => go(operand, at),
            ExprKind::Other(items) => {
                for item in items {
                    go(item, at.clone());
                }
            }
            ExprKind::Call(call) => {
                let name = call.lookup_name();
                let receiver = match &call.callee.kind {
                    ExprKind::Field { base, .. } => Some(&**base),
                    _ => None,
                };
                let inputs = receiver.into_iter().chain(call.args.iter());
                if self.knowledge.is_growth_call(self.lang, &name) {
                    inputs.for_each(|e| go(e, amplified.clone().in_exponent()));
                } else if self.knowledge.is_passthrough(self.lang, &name) {
                    inputs.for_each(|e| go(e, at.clone()));
                } else if let Some(helper) = self.helper(call)
                    && depth < FOLLOW_DEPTH
                {
                    let helper_flow = self.for_unit(helper);
                    for (i, arg) in call.args.iter().enumerate() {
                        let Some(param) = param_for_arg(helper, call.args.len(), i) else {
                            continue;
                        };
                        match helper_flow.returns_presence(param) {
                            (Presence::Grows, inside) => go(arg, amplified.computed_at(inside)),
                            (Presence::Flat, _) => go(arg, at.clone()),
                            (Presence::Shrinks, _) => go(arg, at.damp()),
                            (Presence::Absent, _) => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A function of the file, or of the project around it, other than this unit.
    fn helper(&self, call: &Call) -> Option<&'a Unit> {
        (self.functions.function(call, self.unit)).filter(|u| !std::ptr::eq(*u, self.unit))
    }

    /// How `param` appears in what this unit returns, through its local variables, and
    /// where it is made bigger when it grows.
    fn returns_presence(&self, param: &str) -> (Presence, Option<Span>) {
        let returned = returned_values(&self.unit.body);
        let mut best = (Presence::Absent, None);
        let mut seen = BTreeSet::new();
        let mut work: Vec<(&Expr, Option<Span>)> =
            returned.into_iter().map(|e| (e, None)).collect();
        while let Some((e, amplified)) = work.pop() {
            for leaf in self.leaves(e, FOLLOW_DEPTH) {
                let grows_at = leaf.amplifier.clone().or_else(|| amplified.clone());
                if leaf.name == param {
                    let presence = match leaf.presence() {
                        Presence::Flat if grows_at.is_some() => Presence::Grows,
                        presence => presence,
                    };
                    if presence > best.0 {
                        best = (presence, grows_at.filter(|_| presence == Presence::Grows));
                    }
                } else if seen.insert(leaf.name.clone()) && seen.len() < 32 {
                    for def in assignments(&self.unit.body, &leaf.name) {
                        if def.op.is_none() {
                            work.push((def.value, grows_at.clone()));
                        }
                    }
                }
            }
        }
        best
    }

    /// Whether the value of `expr` is drawn at random, in part: a random call, a variable
    /// named like a jitter, or a local variable or same-file helper that draws one.
    pub fn carries_randomness(&self, expr: &Expr) -> bool {
        let mut seen = BTreeSet::new();
        self.random_from(expr, &mut seen, &mut Vec::new(), 0)
    }

    fn random_from(
        &self,
        expr: &Expr,
        seen: &mut BTreeSet<String>,
        helpers: &mut Vec<(&'a Unit, usize)>,
        depth: usize,
    ) -> bool {
        if depth > FOLLOW_DEPTH {
            return false;
        }
        expr.walk().into_iter().any(|e| match &e.kind {
            ExprKind::Call(call) => {
                matches!(call.role, CallRole::Random)
                    || self
                        .helper(call)
                        .is_some_and(|h| self.for_unit(h).draws_randomness(helpers, depth + 1))
            }
            _ => e.dotted().is_some_and(|name| {
                self.knowledge.is_random_name(&name)
                    || (seen.insert(name.clone())
                        && assignments(&self.unit.body, &name)
                            .iter()
                            .any(|def| self.random_from(def.value, seen, helpers, depth + 1)))
            }),
        })
    }

    /// Whether `call` calls a same-file function that draws randomness (a local `sleep`
    /// helper that adds its own jitter).
    pub fn is_random_helper(&self, call: &Call) -> bool {
        self.helper(call)
            .is_some_and(|h| self.for_unit(h).draws_randomness(&mut Vec::new(), 0))
    }

    /// Whether this unit draws randomness anywhere, or calls a same-file helper that does.
    /// `helpers` holds the units already looked into, each with the least depth it was
    /// reached at: a unit is looked into again only when reached at a lesser depth (which
    /// lets it follow its helpers further), so helpers that call each other cost a number of
    /// looks bounded by their count times `FOLLOW_DEPTH`, not exponential in it.
    fn draws_randomness(&self, helpers: &mut Vec<(&'a Unit, usize)>, depth: usize) -> bool {
        if depth > FOLLOW_DEPTH {
            return false;
        }
        match helpers
            .iter_mut()
            .find(|(u, _)| std::ptr::eq(*u, self.unit))
        {
            Some((_, reached)) if *reached <= depth => return false,
            Some((_, reached)) => *reached = depth,
            None => helpers.push((self.unit, depth)),
        }
        self.unit
            .body
            .exprs_in(Scope::DEEP)
            .into_iter()
            .any(|e| match &e.kind {
                ExprKind::Call(call) => {
                    matches!(call.role, CallRole::Random)
                        || self
                            .helper(call)
                            .is_some_and(|h| self.for_unit(h).draws_randomness(helpers, depth + 1))
                }
                _ => false,
            })
    }
}

/// The assignments among `stmts` that cap `var` at a bound, `if d > max { d = max }`: they
/// bound its growth without undoing it, as `min(d*2, max)` does, so they are no reset.
fn caps_of(stmts: &[&Stmt], var: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for stmt in stmts {
        let StmtKind::Branch { arms, .. } = &stmt.kind else {
            continue;
        };
        for arm in arms {
            let Guard::Cond(cond) = &arm.guard else {
                continue;
            };
            let Some(bound) = upper_bound(cond, var) else {
                continue;
            };
            for capped in &arm.body.stmts {
                if let StmtKind::Assign {
                    targets,
                    op: None,
                    value,
                    ..
                } = &capped.kind
                    && let [target] = targets.as_slice()
                    && matches!(&target.kind, TargetKind::Name(n) if n == var)
                    && same_value(value, bound)
                {
                    out.push(capped.span.clone());
                }
            }
        }
    }
    out
}

/// The bound `cond` says `var` went over: `max` of `var > max`, `max < var`.
fn upper_bound<'e>(cond: &'e Expr, var: &str) -> Option<&'e Expr> {
    let ExprKind::Binary { op, lhs, rhs } = &cond.kind else {
        return None;
    };
    match op {
        BinOp::Gt | BinOp::Ge if is_var(lhs, var) => Some(rhs),
        BinOp::Lt | BinOp::Le if is_var(rhs, var) => Some(lhs),
        _ => None,
    }
}

/// Whether two expressions are the same value as written: the same name or path, the same
/// number, or the same function of the same arguments (`Duration::from_secs(10)`).
fn same_value(a: &Expr, b: &Expr) -> bool {
    match (&a.kind, &b.kind) {
        (ExprKind::Call(x), ExprKind::Call(y)) => {
            x.callee
                .dotted()
                .is_some_and(|callee| y.callee.dotted() == Some(callee))
                && x.args.len() == y.args.len()
                && x.args.iter().zip(&y.args).all(|(x, y)| same_value(x, y))
        }
        (
            ExprKind::Binary { op, lhs, rhs },
            ExprKind::Binary {
                op: op2,
                lhs: lhs2,
                rhs: rhs2,
            },
        ) => op == op2 && same_value(lhs, lhs2) && same_value(rhs, rhs2),
        _ => match (number_value(a), number_value(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a.dotted().is_some_and(|d| b.dotted() == Some(d)),
        },
    }
}

/// The value of a numeric literal (through `-`).
pub fn number_value(expr: &Expr) -> Option<f64> {
    match &expr.kind {
        ExprKind::Number { value, .. } => *value,
        ExprKind::Unary {
            op: UnOp::Neg,
            operand,
        } => number_value(operand).map(|v| -v),
        _ => None,
    }
}

/// Whether adding `other` makes a value bigger: anything but a literal at or below `floor`.
fn grows_unless(other: &Expr, floor: f64) -> bool {
    number_value(other).is_none_or(|n| n > floor)
}

/// Whether a loop header iterates over numbers (`0..n`, Go's `range 5`) rather than a
/// collection.
pub fn is_numeric_range(iterated: &Expr) -> bool {
    match &iterated.kind {
        ExprKind::Number { .. } => true,
        ExprKind::Other(items) => {
            !items.is_empty()
                && items.iter().all(|i| {
                    matches!(
                        i.kind,
                        ExprKind::Number { .. } | ExprKind::Name(_) | ExprKind::Field { .. }
                    )
                })
                && items
                    .iter()
                    .any(|i| matches!(i.kind, ExprKind::Number { .. }))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{SameFile, calls, enclosing_loops, loops, module};

    /// The variable a sleep's duration grows with, in the unit named `unit`.
    fn sleep_growth(lang: Lang, source: &str, unit: &str) -> Option<String> {
        let m = module(lang, source);
        let k = Knowledge::builtin();
        let u = m.units.iter().find(|u| u.name == unit)?;
        let values = ValueFlow {
            unit: u,
            functions: &SameFile(&m.units),
            lang,
            knowledge: &k,
        };
        let loops = loops(u);
        calls(u).into_iter().find_map(|site| {
            let CallRole::Sleep { duration_arg } = site.call.role else {
                return None;
            };
            let trends = values.trends_in(&enclosing_loops(&loops, &site.expr.span));
            values
                .growth_in(&site.call.args[duration_arg], &trends)
                .map(|g| g.var)
        })
    }

    #[test]
    fn a_doubled_delay_grows_and_a_reset_one_does_not() {
        let doubled = "func f() {\n\td := time.Second\n\tfor {\n\t\top()\n\t\ttime.Sleep(d)\n\t\td *= 2\n\t}\n}\n";
        assert_eq!(sleep_growth(Lang::Go, doubled, "f").as_deref(), Some("d"));
        let reset = "func f() {\n\td := time.Second\n\tfor {\n\t\tif op() {\n\t\t\td = time.Second\n\t\t}\n\t\ttime.Sleep(d)\n\t\td *= 2\n\t}\n}\n";
        assert_eq!(sleep_growth(Lang::Go, reset, "f"), None);
        let halved = "func f() {\n\td := time.Minute\n\tfor {\n\t\top()\n\t\ttime.Sleep(d)\n\t\td = d / 2\n\t}\n}\n";
        assert_eq!(sleep_growth(Lang::Go, halved, "f"), None);
    }

    #[test]
    fn growth_is_followed_through_locals_and_helpers() {
        let local = "fn f() {\n    for n in 0..5 {\n        let ms = 100 * 2u64.pow(n);\n        std::thread::sleep(Duration::from_millis(ms));\n    }\n}\n";
        assert_eq!(sleep_growth(Lang::Rust, local, "f").as_deref(), Some("n"));
        let helper = "func backoff(n int) time.Duration {\n\treturn time.Second << n\n}\n\nfunc f() {\n\tfor i := 0; i < 3; i++ {\n\t\top()\n\t\ttime.Sleep(backoff(i))\n\t}\n}\n";
        assert_eq!(sleep_growth(Lang::Go, helper, "f").as_deref(), Some("i"));
        let countdown = "func f() {\n\tfor left := 3; left > 0; left-- {\n\t\top()\n\t\ttime.Sleep(time.Duration(math.Pow(2, float64(3-left))) * time.Second)\n\t}\n}\n";
        assert_eq!(
            sleep_growth(Lang::Go, countdown, "f").as_deref(),
            Some("left")
        );
        let shrinking = "func f() {\n\tfor left := 3; left > 0; left-- {\n\t\top()\n\t\ttime.Sleep(time.Duration(left) * time.Second)\n\t}\n}\n";
        assert_eq!(sleep_growth(Lang::Go, shrinking, "f"), None);
        let remainder = "func f() {\n\tfor i := 0; i < 9; i++ {\n\t\top()\n\t\ttime.Sleep(time.Duration(i%3) * time.Second)\n\t}\n}\n";
        assert_eq!(sleep_growth(Lang::Go, remainder, "f"), None);
    }

    #[test]
    fn randomness_is_followed_through_locals_and_helpers() {
        let k = Knowledge::builtin();
        let source = "func spread(d time.Duration) time.Duration {\n\treturn time.Duration(rand.Int63n(int64(d)))\n}\n\nfunc f(d time.Duration) {\n\tj := spread(d)\n\ttime.Sleep(j)\n\ttime.Sleep(d)\n}\n";
        let m = module(Lang::Go, source);
        let u = m.units.iter().find(|u| u.name == "f").expect("f");
        let values = ValueFlow {
            unit: u,
            functions: &SameFile(&m.units),
            lang: Lang::Go,
            knowledge: &k,
        };
        let durations: Vec<bool> = calls(u)
            .into_iter()
            .filter(|s| matches!(s.call.role, CallRole::Sleep { .. }))
            .map(|s| values.carries_randomness(&s.call.args[0]))
            .collect();
        assert_eq!(durations, vec![true, false]);
    }
}
