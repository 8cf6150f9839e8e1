//! Finding the [`Mark`]s of the knowledge table around a retry-library call or struct
//! literal: in its own arguments and fields, in the builder chain around it, and on the
//! variables that hold it later in the unit.

use crate::analysis::evaluate::passes;
use crate::flow;
use crate::knowledge::{ArgTest, CallPattern, Mark};
use crate::model::{
    BinOp, Block, Call, CallRole, Expr, ExprKind, Guard, Lang, Scope, Span, Stmt, StmtKind, UnOp,
    Unit,
};
use crate::rules::Context;

/// A retry-library value: the call or literal, the statement it stands in, its unit, and
/// what the rule sees of the unit's file.
pub struct MarkSite<'a, 'f> {
    pub unit: &'a Unit,
    pub stmt: &'a Stmt,
    pub expr: &'a Expr,
    pub cx: &'a Context<'f>,
}

/// Where the first of `marks` applies to the site's value.
pub fn find(site: &MarkSite, marks: &[Mark]) -> Option<Span> {
    find_mark(site, marks).map(|(span, _)| span)
}

/// The first of `marks` that applies to the site's value, and where.
pub fn find_mark<'m>(site: &MarkSite, marks: &'m [Mark]) -> Option<(Span, &'m Mark)> {
    if marks.is_empty() {
        return None;
    }
    let vars = holders(site);
    marks.iter().find_map(|mark| {
        let span = if *mark == Mark::CatchesAll {
            in_handler_catching_all(site)
        } else {
            in_own_parts(site, mark)
                .or_else(|| in_chain(site, mark))
                .or_else(|| vars.iter().find_map(|var| on_variable(site, var, mark)))
        };
        Some((span?, mark))
    })
}

/// Whether the value is handed to code whose marks the rule does not read: passed to a
/// function of the project (`tune(ExponentialBuilder::default())`, `b = withJitter(b)`),
/// which may add jitter, or by reference to a call that is no retry library's
/// (`settings.apply(&mut backoff)`), which may configure it.
pub fn handed_on(site: &MarkSite) -> bool {
    let vars = holders(site);
    let carries = |arg: &Expr| {
        flow::contains(arg, site.expr) || vars.iter().any(|var| flow::is_var(arg, var))
    };
    site.cx.facts(site.unit).exprs().iter().any(|e| {
        let Some(call) = e.as_call() else {
            return false;
        };
        call.args.iter().any(|arg| {
            let (value, by_reference) = match &arg.kind {
                ExprKind::Unary {
                    op: UnOp::Ref,
                    operand,
                } => (&**operand, true),
                _ => (arg, false),
            };
            carries(value)
                && (site.cx.function(call, site.unit).is_some()
                    || by_reference && !matches!(call.role, CallRole::Retry(_)))
        })
    })
}

/// The variables that hold the value, directly or through later assignments
/// (`b = retry.WithMaxRetries(3, b)`).
fn holders(site: &MarkSite) -> Vec<String> {
    let bound = flow::bound_names(site.stmt, site.expr);
    if bound.is_empty() {
        return Vec::new();
    }
    flow::derived(site.unit, &bound, site.stmt.span.start)
        .into_iter()
        .collect()
}

/// Options among the call's own arguments, fields of the literal.
fn in_own_parts(site: &MarkSite, mark: &Mark) -> Option<Span> {
    match (mark, &site.expr.kind) {
        (Mark::Option { call, arg }, ExprKind::Call(c)) => c
            .args
            .iter()
            .find(|a| is_call_to(a, call, site.cx.lang, arg))
            .map(|a| a.span.clone()),
        (Mark::Arg { index, value }, ExprKind::Call(c)) => (c.args.get(*index))
            .filter(|a| passes(value, Some(a)))
            .map(|a| a.span.clone()),
        (Mark::Field { name, value }, ExprKind::Composite { fields, .. }) => {
            field_passing(fields, name, value)
        }
        // An options literal among the call's arguments (`pRetry(op, { randomize: true })`).
        (Mark::Field { name, value }, ExprKind::Call(c)) => {
            c.args.iter().find_map(|arg| match &arg.kind {
                ExprKind::Composite { fields, .. } => field_passing(fields, name, value),
                _ => None,
            })
        }
        _ => None,
    }
}

/// The value of field `name` among `fields`, if it passes `test`.
fn field_passing(fields: &[(Option<String>, Expr)], name: &str, test: &ArgTest) -> Option<Span> {
    fields
        .iter()
        .find(|(field, v)| field.as_deref() == Some(name) && passes(test, Some(v)))
        .map(|(_, v)| v.span.clone())
}

/// Builder methods chained on the value (before or after it) and calls wrapping it.
fn in_chain(site: &MarkSite, mark: &Mark) -> Option<Span> {
    let above = flow::chain_above(site.stmt, site.expr);
    match mark {
        Mark::Method { name, arg } => above
            .iter()
            .copied()
            .filter(|e| receiver(e).is_some_and(|r| flow::contains(r, site.expr)))
            .chain(receivers_below(site.expr))
            .find(|e| is_method(e, name, arg))
            .map(|e| call_span(e, site.cx.source)),
        Mark::Wrapper(call) => above
            .iter()
            .find(|e| {
                e.as_call().is_some_and(|c| {
                    pattern(call, site.cx.lang, &c.lookup_name())
                        && c.args.iter().any(|a| flow::contains(a, site.expr))
                })
            })
            .map(|e| e.span.clone()),
        Mark::Added(call) => above.iter().find_map(|e| {
            added_to(
                e,
                |side| flow::contains(side, site.expr),
                call,
                site.cx.lang,
            )
        }),
        _ => None,
    }
}

/// Where `e` adds a call of `call` to the value: a sum one of whose sides `holds` the value
/// and the other calls `call`.
fn added_to(e: &Expr, holds: impl Fn(&Expr) -> bool, call: &str, lang: Lang) -> Option<Span> {
    let ExprKind::Binary {
        op: BinOp::Add,
        lhs,
        rhs,
    } = &e.kind
    else {
        return None;
    };
    let other = match (holds(lhs), holds(rhs)) {
        (true, _) => rhs,
        (_, true) => lhs,
        _ => return None,
    };
    let adds_call = other.walk().iter().any(|x| {
        x.as_call()
            .is_some_and(|c| pattern(call, lang, &c.lookup_name()))
    });
    adds_call.then(|| other.span.clone())
}

/// The handler the site's statement stands in, when it catches every failure and no
/// condition on the way to the statement looks at the one caught: where it starts (`except
/// Exception as exc:`).
fn in_handler_catching_all(site: &MarkSite) -> Option<Span> {
    let holds_site =
        |block: &Block| (block.stmts_in(Scope::BLOCKS).iter()).any(|s| std::ptr::eq(*s, site.stmt));
    site.unit
        .body
        .stmts_in(Scope::BLOCKS)
        .into_iter()
        .find_map(|stmt| {
            let StmtKind::Try {
                handler: Some(handler),
                catch_binding,
                ..
            } = &stmt.kind
            else {
                return None;
            };
            if !holds_site(handler) {
                return None;
            }
            let caught = catch_binding.as_deref();
            let tests_caught = |guard: &Guard| {
                let exprs: Vec<&Expr> = match guard {
                    Guard::Cond(e) => vec![e],
                    Guard::Pattern {
                        alternatives,
                        extra,
                    } => alternatives.iter().chain(extra).collect(),
                    Guard::Else => Vec::new(),
                };
                caught.is_none_or(|name| exprs.iter().any(|e| e.mentions(name)))
                    && !exprs.is_empty()
            };
            let sorted = handler
                .stmts_in(Scope::BLOCKS)
                .iter()
                .any(|s| match &s.kind {
                    StmtKind::Branch { arms, .. } => arms
                        .iter()
                        .any(|arm| holds_site(&arm.body) && tests_caught(&arm.guard)),
                    _ => false,
                });
            let start = handler
                .stmts
                .first()
                .map_or(stmt.span.clone(), |s| s.span.clone());
            (!sorted).then_some(start)
        })
}

/// A mark applied later to a variable holding the value: `b.with_jitter()`,
/// `retry.WithJitter(d, b)`, `b.Jitter = 0.1`.
fn on_variable(site: &MarkSite, var: &str, mark: &Mark) -> Option<Span> {
    let facts = site.cx.facts(site.unit);
    match mark {
        Mark::Field { name, value } => (facts.assignments().to(&format!("{var}.{name}")).iter())
            .find(|a| a.op.is_none() && passes(value, Some(a.value)))
            .map(|a| a.stmt.span.clone()),
        Mark::Method { name, arg } => facts.exprs().iter().find_map(|e| {
            let root = receiver(e).map(chain_root)?;
            (flow::is_var(root, var) && is_method(e, name, arg)).then(|| e.span.clone())
        }),
        Mark::Wrapper(call) => facts.exprs().iter().find_map(|e| {
            let c = e.as_call()?;
            (pattern(call, site.cx.lang, &c.lookup_name())
                && c.args.iter().any(|a| flow::reads(a, var)))
            .then(|| e.span.clone())
        }),
        Mark::Added(call) => facts
            .exprs()
            .iter()
            .find_map(|e| added_to(e, |side| flow::reads(side, var), call, site.cx.lang)),
        Mark::Option { .. } | Mark::Arg { .. } | Mark::CatchesAll => None,
    }
}

fn pattern(pattern: &str, lang: Lang, dotted: &str) -> bool {
    CallPattern {
        lang: None,
        pattern: pattern.to_owned(),
    }
    .matches(lang, dotted)
}

/// Whether `e` is a call matching `call` whose first argument passes `arg`.
fn is_call_to(e: &Expr, call: &str, lang: Lang, arg: &ArgTest) -> bool {
    e.as_call()
        .is_some_and(|c| pattern(call, lang, &c.lookup_name()) && passes(arg, c.args.first()))
}

/// Whether `e` is a call of method `name` whose first argument passes `arg`.
fn is_method(e: &Expr, name: &str, arg: &ArgTest) -> bool {
    e.as_call().is_some_and(|c| {
        matches!(&c.callee.kind, ExprKind::Field { name: n, .. } if n == name)
            && passes(arg, c.args.first())
    })
}

/// The receiver of a method call.
fn receiver(e: &Expr) -> Option<&Expr> {
    match &e.as_call()?.callee.kind {
        ExprKind::Field { base, .. } => Some(base),
        _ => None,
    }
}

/// The method calls below `e` in its builder chain (`a().b().c()` → `a().b()`, `a()`).
fn receivers_below(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut current = receiver(e);
    while let Some(r) = current {
        let r = flow::strip(r);
        if r.as_call().is_none() {
            break;
        }
        out.push(r);
        current = receiver(r);
    }
    out
}

/// The value at the bottom of a builder chain (`b` in `b.with_max_times(3).with_jitter()`).
fn chain_root(e: &Expr) -> &Expr {
    let mut current = flow::strip(e);
    while let Some(r) = receiver(current) {
        current = flow::strip(r);
    }
    current
}

/// Where a call's callee is named: the method name of a method called on a computed value
/// (`.retry` in `(|| async { … }).retry(b)`), the whole callee otherwise (`Retry::spawn`,
/// `retry.Do`, `b.set_jitter`).
pub fn callee_span(call: &Call, source: &str) -> Span {
    let whole = call.callee.span.clone();
    let ExprKind::Field { base, name } = &call.callee.kind else {
        return whole;
    };
    if base.dotted().is_some() {
        return whole;
    }
    let from = base.span.end;
    source
        .get(from..whole.end)
        .and_then(|text| text.rfind(name.as_str()))
        .map_or(whole, |at| from + at..from + at + name.len())
}

/// A call from where its callee is named to its end: `.with_jitter(true)` in a chain.
fn call_span(e: &Expr, source: &str) -> Span {
    match e.as_call() {
        Some(c) => callee_span(c, source).start..e.span.end,
        None => e.span.clone(),
    }
}
