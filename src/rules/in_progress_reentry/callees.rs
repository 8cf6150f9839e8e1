//! The functions a unit calls, followed one call deep (of this file or another of the
//! project, see `Context::function`): one that reads an idempotency record and hands it
//! back, `in_progress` included, makes its call the caller's read; and what one called
//! after the read does that decides the finding (takes a key, claims or completes the
//! record, does once-only work) counts as done at its call.

use super::status::StatusClassifier;
use super::{completion, is_claim, reads_status, says_conflict};
use crate::flow::{self, FileGate, QuerySite, Read, ReadOutcomes, Site};
use crate::model::{CallRole, Expr, KvOp, Unit};
use crate::rules::Context;
use crate::semantic;
use crate::sql::{self, Statement};

/// A call of the unit, and the function it reaches, if the rule can follow it there.
pub(super) struct Followed<'c> {
    pub site: Site<'c>,
    pub function: Option<&'c Unit>,
}

/// A status read in a function the unit calls, which hands the record back while it is
/// `in_progress`: the call is where the unit reads it.
pub(super) struct HandedBack<'c> {
    pub call: Site<'c>,
    pub read: QuerySite<'c>,
    pub select: &'c Statement,
}

/// A call of the unit, with what it does that can decide a finding, in order (see [`Act`]).
pub(super) struct Called<'c> {
    pub site: Site<'c>,
    pub acts: Vec<Act<'c>>,
}

/// Something a call does, itself or in the function it reaches, that decides whether a
/// request that read its record `in_progress` went on.
pub(super) enum Act<'c> {
    /// Sets a key only if it is absent (`SETNX`): who goes on is decided there.
    TakesKey,
    /// Once-only work (a charge, a message): the call itself, or one in the function.
    Effect(Site<'c>),
    /// A claim or a completion of some record, in the function: the rule tells which
    /// record it writes, and which of the two it is, for each read.
    Writes(QuerySite<'c>, &'c Statement),
}

/// A file that may hold a function reading a record with SQL: the only files read for
/// the calls that may hand the unit its record.
pub(super) static READS_RECORDS: FileGate = FileGate {
    name: "reads or inserts rows",
    admits: |text, lang, knowledge| {
        sql::may_hold_keyed_reads_or_inserts(text)
            || lang.is_some_and(|lang| {
                knowledge.may_name_dedup_record(text) && knowledge.may_hold_orm_queries(text, lang)
            })
    },
};

/// Each call of `unit` (`calls`, its call sites in source order), with the function it
/// reaches: in another file only if its text passes `gate`, when there is one.
pub(super) fn follow<'c>(
    unit: &Unit,
    calls: &[Site<'c>],
    cx: &'c Context,
    gate: Option<&FileGate>,
) -> Vec<Followed<'c>> {
    (calls.iter())
        .map(|&site| Followed {
            site,
            function: matches!(site.call.role, CallRole::Unknown)
                .then(|| match gate {
                    Some(gate) => cx.function_where(site.call, unit, gate),
                    None => cx.function(site.call, unit),
                })
                .flatten()
                .filter(|function| !std::ptr::eq(*function, unit)),
        })
        .collect()
}

/// The calls among `followed` that hand the unit a record they read.
pub(super) fn handed_back<'c>(followed: &[Followed<'c>], cx: &'c Context) -> Vec<HandedBack<'c>> {
    (followed.iter())
        .filter_map(|call| {
            let (read, select) = status_read_handed_back(call.function?, cx)?;
            Some(HandedBack {
                call: call.site,
                read,
                select,
            })
        })
        .collect()
}

/// The calls among `followed` that do something that can decide a finding.
pub(super) fn called<'c>(followed: &[Followed<'c>], cx: &'c Context) -> Vec<Called<'c>> {
    (followed.iter())
        .filter_map(|call| {
            let acts = acts_of(call.site, call.function, cx);
            (!acts.is_empty()).then_some(Called {
                site: call.site,
                acts,
            })
        })
        .collect()
}

/// What a call does: what the function it reaches does, when the rule can follow it and
/// finds something there (a function named like once-only work may claim its key before
/// doing it), else what its role or its name says.
fn acts_of<'c>(site: Site<'c>, callee: Option<&'c Unit>, cx: &'c Context) -> Vec<Act<'c>> {
    let inside = callee
        .map(|callee| acts_inside(callee, cx))
        .unwrap_or_default();
    if inside.is_empty() {
        own_act(site, cx).into_iter().collect()
    } else {
        inside
    }
}

/// What a call's role or name says it does: takes a key, or does once-only work.
fn own_act<'c>(site: Site<'c>, cx: &Context) -> Option<Act<'c>> {
    match &site.call.role {
        CallRole::Kv {
            op: KvOp::SetIfAbsent,
            ..
        } => Some(Act::TakesKey),
        // A call given a conflict answer (`sendError(res, 409, …)`) turns the request away.
        _ if site
            .call
            .args
            .iter()
            .flat_map(Expr::walk)
            .any(|e| says_conflict(e, cx)) =>
        {
            None
        }
        _ if semantic::is_once_only_effect(&site, cx.knowledge)
            || semantic::hands_on(&site, cx.knowledge, cx.lang) =>
        {
            Some(Act::Effect(site))
        }
        _ => None,
    }
}

/// What `function` does, in source order: its key takes, its once-only calls, and its
/// claims and completions of records. Its own calls are not followed further.
fn acts_inside<'c>(function: &Unit, cx: &'c Context) -> Vec<Act<'c>> {
    let facts = cx.facts(function);
    let mut acts: Vec<(usize, Act)> = (facts.calls().iter())
        .filter_map(|&site| Some((site.expr.span.start, own_act(site, cx)?)))
        .collect();
    for &query in facts.queries() {
        for stmt in query.statements() {
            if is_claim(&query, stmt, cx) || completion(&query, stmt, cx).is_some() {
                acts.push((query.span.start, Act::Writes(query, stmt)));
            }
        }
    }
    acts.sort_by_key(|(at, _)| *at);
    acts.into_iter().map(|(_, act)| act).collect()
}

/// The status read of `function` whose record it returns to its caller while the record
/// is `in_progress`: a function that turns such a record away (an error instead, a 409)
/// leaves nothing for its callers to get wrong.
pub(super) fn status_read_handed_back<'c>(
    function: &Unit,
    cx: &'c Context,
) -> Option<(QuerySite<'c>, &'c Statement)> {
    let returned = flow::returned_values(&function.body);
    cx.facts(function).queries().iter().find_map(|&query| {
        let select = (query.statements().iter())
            .find(|select| !select.lookup_keys().is_empty() && reads_status(select, cx))?;
        let Some(site) = query.call else {
            // A SQL function's result, the statement it returns: whatever the status.
            let returns_it = returned.iter().any(|value| value.span == *query.span);
            return returns_it.then_some((query, select));
        };
        let classifier = StatusClassifier::new(cx);
        let reach = flow::reach(function, Read::of(&site), &|atom, read| {
            classifier.test(atom, read)
        });
        let handed_back =
            !classifier.unclear() && (reach.returned()).overlaps(ReadOutcomes::IN_PROGRESS);
        handed_back.then_some((query, select))
    })
}
