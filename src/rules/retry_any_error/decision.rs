//! A project's own retry helper that lets its operation decide: the helper's loop matches
//! what the operation returns against variants of a decision type of the project
//! (`Err(Attempt::Transient(_))` sleeps and tries again, `Err(Attempt::Permanent(e))`
//! returns). A call whose operation marks every failure with a retried variant and never
//! with one that stops retries every error, however carefully the helper decides.

use super::META;
use crate::finding::{Finding, Label};
use crate::flow;
use crate::model::{Block, Expr, ExprKind, Guard, Loop, Span, StmtKind, Unit};
use crate::rules::Context;

/// How a helper's loop decides on what its operation returns.
pub(super) struct Decision {
    /// The operation's parameter, by index.
    param: usize,
    /// The variants whose arm goes on to the next attempt.
    retried: Vec<String>,
    /// The variants whose arm leaves the loop whatever the attempt (no guard of its own),
    /// each with where the arm names it.
    stopping: Vec<(String, Span)>,
}

impl Decision {
    fn stops_on(&self, key: &str) -> bool {
        self.stopping.iter().any(|(stop, _)| stop == key)
    }
}

/// The decision `helper`'s loops make on what its operation parameter returns, when they
/// retry some variants of a decision type and stop on others.
pub(super) fn decision_of(helper: &Unit, cx: &Context) -> Option<Decision> {
    cx.facts(helper)
        .loops()
        .iter()
        .find_map(|site| loop_decision(helper, site.the_loop))
}

/// The decision a loop's body makes on the operation's result, in a `match` of its own
/// (not one nested deeper: looking no further keeps the cost of a call to the helper small).
fn loop_decision(helper: &Unit, the_loop: &Loop) -> Option<Decision> {
    the_loop.body.stmts.iter().find_map(|stmt| {
        let StmtKind::Branch {
            subject: Some(subject),
            arms,
        } = &stmt.kind
        else {
            return None;
        };
        let called = flow::strip(subject).as_call()?.callee.dotted()?;
        let param = helper.params.iter().position(|p| *p == called)?;
        let mut retried = Vec::new();
        let mut stopping: Vec<(String, Span)> = Vec::new();
        for arm in arms {
            let Guard::Pattern {
                alternatives,
                extra,
            } = &arm.guard
            else {
                continue;
            };
            let named = alternatives.iter().flat_map(variants_in);
            if flow::block_diverges(&arm.body) {
                // A guarded arm that leaves (`if attempt == last`) is the end of the
                // attempts, not a decision about the failure.
                if extra.is_none() {
                    stopping.extend(named);
                }
            } else {
                retried.extend(named.map(|(key, _)| key));
            }
        }
        retried.retain(|v| !stopping.iter().any(|(stop, _)| stop == v));
        (!retried.is_empty() && !stopping.is_empty()).then_some(Decision {
            param,
            retried,
            stopping,
        })
    })
}

/// The variants of a decision type a pattern names (see [`variant_key`]), each with where
/// it is named.
fn variants_in(pattern: &Expr) -> Vec<(String, Span)> {
    pattern
        .walk()
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Name(name) => Some((variant_key(name)?, e.span.clone())),
            _ => None,
        })
        .collect()
}

/// A variant of a type, by the last two segments of its path: both named like types
/// (`Attempt.Transient`, `Decision.Retry`), not a package's function (`strings.Compare`) or
/// a field of a value (`res.status`).
fn variant_key(path: &str) -> Option<String> {
    let mut segments = path.rsplit('.');
    let (variant, owner) = (segments.next()?, segments.next()?);
    let type_like = |segment: &str| segment.starts_with(|c: char| c.is_ascii_uppercase());
    (type_like(variant) && type_like(owner)).then(|| format!("{owner}.{variant}"))
}

/// Calls of helpers that decide by variant whose operation names only retried variants.
pub(super) fn undecided_operations(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for site in cx.facts(unit).calls() {
        // What an operation written in place names, read once; a helper is looked at only
        // for a call handing it one that names a path.
        let operations: Vec<(usize, Vec<&Expr>)> = (site.call.args.iter().enumerate())
            .filter_map(|(i, arg)| match &flow::strip(arg).kind {
                ExprKind::Closure { body, .. } => Some((i, paths_named(body))),
                _ => None,
            })
            .filter(|(_, paths)| !paths.is_empty())
            .collect();
        if operations.is_empty() {
            continue;
        }
        let Some(helper) = cx.function(site.call, unit) else {
            continue;
        };
        if std::ptr::eq(helper, unit) {
            continue;
        }
        let Some(decision) = decision_of(helper, cx) else {
            continue;
        };
        let Some((_, paths)) = operations.iter().find(|(i, _)| *i == decision.param) else {
            continue;
        };
        let named: Vec<&Expr> = (paths.iter().copied())
            .filter(|e| {
                e.dotted()
                    .and_then(|name| variant_key(&name))
                    .is_some_and(|key| decision.retried.contains(&key) || decision.stops_on(&key))
            })
            .collect();
        let key = |e: &Expr| e.dotted().and_then(|name| variant_key(&name));
        let Some(first) = named.first() else {
            continue;
        };
        if named
            .iter()
            .any(|e| key(e).is_some_and(|k| decision.stops_on(&k)))
        {
            continue;
        }
        let variant = cx.text(&first.span);
        let mut stops: Vec<String> = Vec::new();
        for (_, span) in &decision.stopping {
            let stop = format!("`{}`", cx.text(span));
            if !stops.contains(&stop) {
                stops.push(stop);
            }
        }
        let stop_span = decision.stopping[0].1.clone();
        let finding = Finding::new(
            META.name,
            format!(
                "`{}` retries every error here: the operation marks each failure `{variant}`, \
                 so a 400 or a validation error is retried until the attempts run out",
                helper.name
            ),
            Label::new(
                first.span.clone(),
                "every failure is marked to be retried here",
            ),
        )
        .with_secondary(Label::new(
            stop_span,
            format!("only {} stops the retry", stops.join(" or ")),
        ))
        .with_help(format!(
            "mark the failures that will not go away with {} in the operation, and `{variant}` \
             only for transient ones (timeouts, refused connections, 5xx, 429)",
            stops.join(" or ")
        ))
        .with_severity(META.default_severity);
        findings.push(finding);
    }
    findings
}

/// The names of variants (`Attempt.Transient`) anywhere in a closure's body.
fn paths_named(body: &Block) -> Vec<&Expr> {
    (body.all_stmts().into_iter())
        .flat_map(|stmt| stmt.exprs())
        .flat_map(|e| e.walk())
        .filter(|e| matches!(&e.kind, ExprKind::Name(name) if variant_key(name).is_some()))
        .collect()
}
