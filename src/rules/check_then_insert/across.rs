//! Across functions: the read by key, the insert, or both made by functions the deciding
//! unit calls, of its own file or another of the project (see [`crate::project`]).
//!
//! A function that hands back what its read by key found makes that read at each call to
//! it: the call is followed through the caller as a query of its own would be
//! ([`flow::reach`]), and what the caller tests (`errors.Is(err, sql.ErrNoRows)`, a nil or
//! null row, a `found` flag, `None`) says whether the read found the key, whichever way the
//! function hands it back. A function that runs a plain insert makes it at each call to it.

use std::cell::OnceCell;
use std::collections::HashSet;

use super::protection::{Protection, handled_in};
use super::race::Race;
use super::{
    guards_once_only, last_once_only_effect, may_create_keys, on_absent_path, reach_of, writes_keys,
};
use crate::finding::Finding;
use crate::flow::{self, FileGate, QuerySite, Read, Site};
use crate::model::{Arm, Block, CallRole, ExprKind, Guard, Scope, Span, StmtKind, Unit};
use crate::rules::Context;
use crate::semantic::Sequence;
use crate::sql::{self, Statement};

/// A file that may hold a query reading or inserting rows: the only files whose functions
/// are read for the steps of a race.
static READS_OR_INSERTS: FileGate = FileGate {
    name: "reads or inserts rows",
    admits: |text, lang, knowledge| {
        sql::may_hold_keyed_reads_or_inserts(text)
            || lang.is_some_and(|lang| {
                knowledge.may_name_dedup_record(text) && knowledge.may_hold_orm_queries(text, lang)
            })
    },
};

/// Any file: where a method a handler calls may pass its repository's read or insert
/// through, with no query of its own. Asked only of the few calls that look like it (see
/// [`pass_through`]), since reading every file a unit calls into is what the gates avoid.
static ANY_FILE: FileGate = FileGate {
    name: "any file",
    admits: |_, _, _| true,
};

/// How many calls of one unit are looked at as a service's methods passing a repository's
/// read or insert through: a few, so the check stays linear in the unit.
const PASS_THROUGH_CANDIDATES: usize = 4;

/// A read by key or an insert the deciding unit makes: the statement, the query that runs
/// it, and the unit's call that makes it happen (the query's own driver call, or a call to
/// the function that runs the query).
struct Step<'a> {
    query: QuerySite<'a>,
    stmt: &'a Statement,
    call: Site<'a>,
    /// The function called, when the statement is not the unit's own.
    function: Option<&'a Unit>,
    /// Where the step stands among the unit's own statements: those before it run first.
    position: usize,
}

impl<'a> Step<'a> {
    /// The call to the function that makes the step, when the unit does not make it itself.
    fn through(&self) -> Option<Site<'a>> {
        self.function.map(|_| self.call)
    }
}

/// An insert that may race a read: the statement, the query that runs it, where the unit
/// makes it happen, and what the report says of it.
struct Insertion<'q, 'a> {
    query: &'q QuerySite<'a>,
    stmt: &'a Statement,
    /// Where the unit runs it: its own statement, or its call to the function that does.
    at: usize,
    /// What the finding points at: the statement, or the call.
    primary: Span,
    /// The "nothing found" test that leads to it, if one does.
    test: Option<Span>,
    /// The call to the function that inserts, when the unit does not insert itself.
    through: Option<Site<'a>>,
    /// Whether the function that inserts handles a unique violation itself.
    handled: bool,
}

/// The races in which the read, the insert or both are made by functions `unit` calls: the
/// pairs of its own statements are [`super::sql_races`]'s. `reported` holds the inserts (or
/// the calls to them) reported already.
pub(super) fn races_through_calls(
    unit: &Unit,
    cx: &Context,
    reported: &mut HashSet<Span>,
) -> Vec<Finding> {
    let Some((reads, writes)) = steps(unit, cx) else {
        return Vec::new();
    };
    let sequence = cx.facts(unit).sequence();
    let last_effect = last_once_only_effect(unit, cx);
    let protection = OnceCell::new();
    let mut findings = Vec::new();
    // Reports the race of `read` with `insert` unless the unit closes it (a lock, an
    // isolation level, a unique violation handled where it inserts) or it was reported.
    let mut settle = |read: &Step, keys: &[&str], table: &str, insert: Insertion| {
        let protection = protection.get_or_init(|| Protection::new(unit, sequence, cx));
        let closed = insert.handled
            || protection.covers(
                sequence,
                (read.position, read.call.expr.span.start),
                (insert.at, table),
            );
        if closed || !reported.insert(insert.primary) {
            return;
        }
        let race = Race {
            read_q: &read.query,
            select: read.stmt,
            write_q: insert.query,
            insert: insert.stmt,
            keys,
            test: insert.test,
            read_through: read.through(),
            write_through: insert.through,
        };
        findings.push(race.report(unit, cx));
    };
    for read in &reads {
        let keys = read.stmt.lookup_keys();
        let Some(table) = read.stmt.table.as_deref() else {
            continue;
        };
        let read_end = read.call.expr.span.end;
        let effect_after = last_effect.is_some_and(|at| at >= read_end);
        if !guards_once_only(&read.query, read.stmt, &keys, effect_after, cx) {
            continue;
        }
        if let Some((query, stmt)) = statement_inserting_after(read, table, &keys, sequence) {
            let insert = Insertion {
                query,
                stmt,
                at: query.span.start,
                primary: query.file_span(&stmt.keyword_span),
                test: None,
                through: None,
                handled: false,
            };
            settle(read, &keys, table, insert);
            continue;
        }
        let mut later = (writes.iter())
            .filter(|write| read.function.is_some() || write.function.is_some())
            .filter(|write| write.call.expr.span.start >= read_end)
            .filter(|write| {
                write.stmt.table.as_deref() == Some(table) && writes_keys(write.stmt, &keys)
            })
            .peekable();
        if later.peek().is_none() {
            continue;
        }
        let reach = reach_of(unit, &read.call, cx);
        // The first insert on the "not found" path is the one reported, or closed.
        let first = later.find_map(|write| Some((write, on_absent_path(&reach, &write.call)?)));
        if let Some((write, test)) = first {
            let insert = Insertion {
                query: &write.query,
                stmt: write.stmt,
                at: write.call.expr.span.start,
                primary: match write.function {
                    Some(_) => write.call.expr.span.clone(),
                    None => write.query.file_span(&write.stmt.keyword_span),
                },
                test,
                through: write.through(),
                handled: (write.function).is_some_and(|function| {
                    handled_in(function, write.query.span.start, table, cx)
                }),
            };
            settle(read, &keys, table, insert);
        }
    }
    findings
}

/// The first statement of the unit's own (a SQL routine's, run in order with no driver
/// call) after a read made through a call, that inserts the key read: the routine asked a
/// lookup function, then inserts. Its procedural tests (`IF v IS NULL`) are not lowered, so
/// order alone puts the insert after the read, as [`super::sql_races`] takes it for two
/// statements of the routine's own.
fn statement_inserting_after<'s, 'a>(
    read: &Step<'a>,
    table: &str,
    keys: &[&str],
    sequence: &'s Sequence<'a>,
) -> Option<(&'s QuerySite<'a>, &'s Statement)> {
    read.function?;
    let read_end = read.call.expr.span.end;
    (sequence.iter())
        .filter(|(_, query, _)| query.call.is_none() && query.span.start >= read_end)
        .map(|(_, query, stmt)| (query, stmt))
        .find(|(_, stmt)| {
            may_create_keys(stmt) && stmt.table.as_deref() == Some(table) && writes_keys(stmt, keys)
        })
}

/// The reads by key and the inserts `unit` makes, its own and those of the functions it
/// calls, the inserts in source order; `None` when no function it calls makes either.
fn steps<'a>(unit: &'a Unit, cx: &'a Context) -> Option<(Vec<Step<'a>>, Vec<Step<'a>>)> {
    let facts = cx.facts(unit);
    let sequence = facts.sequence();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut unresolved = Vec::new();
    for &call in facts.calls() {
        if !matches!(call.call.role, CallRole::Unknown) {
            continue;
        }
        let Some(function) = cx
            .function_where(call.call, unit, &READS_OR_INSERTS)
            .filter(|function| !std::ptr::eq(*function, unit))
        else {
            if unresolved.len() < PASS_THROUGH_CANDIDATES && may_pass_through(&call) {
                unresolved.push(call);
            }
            continue;
        };
        let position = sequence.position_at(call.expr.span.start);
        let step = |(query, stmt)| Step {
            query,
            stmt,
            call,
            function: Some(function),
            position,
        };
        match returned_read(function, cx) {
            Some(read) => reads.push(step(read)),
            None => writes.extend(plain_inserts(function, cx).into_iter().map(step)),
        }
    }
    pass_through(unit, &unresolved, &mut reads, &mut writes, cx);
    if reads.is_empty() && writes.is_empty() {
        return None;
    }
    for (position, query, stmt) in sequence.iter() {
        let Some(call) = query.call else {
            continue;
        };
        let step = Step {
            query: *query,
            stmt,
            call,
            function: None,
            position,
        };
        if is_lookup(stmt) {
            reads.push(step);
        } else if may_create_keys(stmt) {
            writes.push(step);
        }
    }
    writes.sort_by_key(|write| write.call.expr.span.start);
    Some((reads, writes))
}

/// Whether a call may be a service's method passing a repository through: a method called
/// on a value's field (`h.payments.FindPaymentByKey`, `this.deliveries.findDelivery`), with
/// a name of two words or more. A package's function (`strings.HasPrefix`) is not one.
fn may_pass_through(site: &Site) -> bool {
    let Some(path) = site.call.callee.dotted() else {
        return false;
    };
    let mut segments = path.rsplit('.');
    let method = segments.next().unwrap_or_default();
    segments.count() >= 2 && crate::knowledge::words(method).len() >= 2
}

/// The reads and inserts made through a middle layer (handler → service → repository):
/// among the calls no gate let through, one whose answer the unit tests for "not found" and
/// whose function hands back a read by key of a function it calls, then the calls after it
/// whose functions insert through theirs. Each is read whatever its file holds.
fn pass_through<'a>(
    unit: &'a Unit,
    candidates: &[Site<'a>],
    reads: &mut Vec<Step<'a>>,
    writes: &mut Vec<Step<'a>>,
    cx: &'a Context,
) {
    let facts = cx.facts(unit);
    let sequence = facts.sequence();
    let first_read = reads.iter().map(|read| read.call.expr.span.end).min();
    let mut read_end = first_read;
    for &site in candidates {
        let step = |function, (query, stmt)| Step {
            query,
            stmt,
            call: site,
            function: Some(function),
            position: sequence.position_at(site.expr.span.start),
        };
        let middle = || {
            cx.function_where(site.call, unit, &ANY_FILE)
                .filter(|function| !std::ptr::eq(*function, unit))
        };
        match read_end {
            Some(end) if site.expr.span.start >= end => {
                let middle =
                    middle().and_then(|function| Some((function, calls_of_middle(function, cx)?)));
                if let Some((function, calls)) = middle {
                    let inserts = inserts_through(function, calls, cx);
                    writes.extend(inserts.into_iter().map(|insert| step(function, insert)));
                }
            }
            Some(_) => {}
            None => {
                // Worth reading only if another such call runs when it found nothing (or an
                // insert of the unit's own does): the shape of a check, then a create.
                let own_inserts = writes.iter().filter(|write| write.function.is_none());
                let later: Vec<&Site> = (candidates.iter())
                    .chain(own_inserts.map(|write| &write.call))
                    .filter(|later| later.expr.span.start > site.expr.span.end)
                    .collect();
                if later.is_empty() {
                    continue;
                }
                let reach = reach_of(unit, &site, cx);
                let tested = (later.iter()).any(|later| on_absent_path(&reach, later).is_some());
                let Some(function) = tested.then(middle).flatten() else {
                    continue;
                };
                let Some(calls) = calls_of_middle(function, cx) else {
                    continue;
                };
                if let Some(read) = read_passed_through(function, calls, cx) {
                    reads.push(step(function, read));
                    read_end = Some(site.expr.span.end);
                }
            }
        }
    }
}

/// Whether `unit`, a function with a name a method call could look up and no query of its
/// own, hands back the read by key of a function it calls (see [`read_passed_through`]).
pub(super) fn passes_read_through(unit: &Unit, cx: &Context) -> bool {
    let own = unit.name.rsplit(['.', ':']).next().unwrap_or(&unit.name);
    crate::knowledge::words(own).len() >= 2
        && read_passed_through(unit, cx.facts(unit).calls(), cx).is_some()
}

/// The read by key that `function`, with no query of its own, hands back from a method it
/// calls: a service's method passing its repository's answer through
/// (`return s.repo.SelectPaymentByKey(ctx, key)`).
fn read_passed_through<'a>(
    function: &'a Unit,
    calls: &[Site<'a>],
    cx: &'a Context,
) -> Option<(QuerySite<'a>, &'a Statement)> {
    calls.iter().find_map(|site| {
        let passed_on = matches!(site.call.role, CallRole::Unknown)
            && may_pass_through(site)
            && hands_back(function, site);
        if !passed_on {
            return None;
        }
        let inner = cx
            .function_where(site.call, function, &READS_OR_INSERTS)
            .filter(|inner| !std::ptr::eq(*inner, function))?;
        returned_read(inner, cx)
    })
}

/// The plain inserts of the methods `function`, with no query of its own, calls: a service's
/// method creating through its repository.
fn inserts_through<'a>(
    function: &'a Unit,
    calls: &[Site<'a>],
    cx: &'a Context,
) -> Vec<(QuerySite<'a>, &'a Statement)> {
    (calls.iter())
        .filter(|site| matches!(site.call.role, CallRole::Unknown) && may_pass_through(site))
        .filter_map(|site| {
            cx.function_where(site.call, function, &READS_OR_INSERTS)
                .filter(|inner| !std::ptr::eq(*inner, function))
        })
        .flat_map(|inner| plain_inserts(inner, cx))
        .collect()
}

/// The calls of a middle layer's method, where it runs no query of its own.
fn calls_of_middle<'a>(function: &Unit, cx: &'a Context) -> Option<&'a [Site<'a>]> {
    let facts = cx.facts(function);
    facts.queries().is_empty().then(|| facts.calls())
}

/// A SELECT that looks its row up by key.
fn is_lookup(stmt: &Statement) -> bool {
    !stmt.lookup_keys().is_empty()
}

/// The read by key whose outcome `function` hands back to its caller (the row or nothing,
/// the error, a flag derived from them): its last such read, unless it goes on to create
/// the key itself (a get-or-create is judged on its own, where both statements are).
pub(super) fn returned_read<'a>(
    function: &Unit,
    cx: &'a Context,
) -> Option<(QuerySite<'a>, &'a Statement)> {
    let queries = cx.facts(function).queries();
    let returned = flow::returned_values(&function.body);
    let (at, select) = (queries.iter().enumerate().rev()).find_map(|(at, query)| {
        let select = query.statements().iter().rev().find(|s| is_lookup(s))?;
        let handed_back = match query.call {
            Some(site) => hands_back(function, &site),
            // A SQL function's result: the statement it returns.
            None => returned.iter().any(|value| value.span == *query.span),
        };
        handed_back.then_some((at, select))
    })?;
    let creates_after = (queries[at..].iter())
        .flat_map(|query| query.statements())
        .any(|stmt| may_create_keys(stmt) && stmt.table == select.table);
    (!creates_after).then_some((queries[at], select))
}

/// Whether what `site`'s query found leaves `function` in what it returns: the call itself,
/// or a value or an error taken from it.
fn hands_back(function: &Unit, site: &Site) -> bool {
    let mut read = Read::of(site);
    let seeds: Vec<String> = (read.values.iter().cloned())
        .chain(read.error.clone())
        .collect();
    read.values
        .extend(flow::derived(function, &seeds, site.stmt.span.end));
    (flow::returned_values(&function.body).into_iter()).any(|value| read.refers(value))
        || answers_by_branch(function, &read)
}

/// Whether `function` answers what `read` found with literals from the arms of a test of
/// it: `if (rows.length > 0) { return true } else { return false }`.
fn answers_by_branch(function: &Unit, read: &Read) -> bool {
    let returns_literal = |body: &Block| {
        (body.stmts_in(Scope::FLOW).into_iter()).any(|stmt| {
            matches!(&stmt.kind, StmtKind::Return(Some(value)) if matches!(value.kind, ExprKind::Bool(_)))
        })
    };
    (function.body.stmts_in(Scope::FLOW).into_iter()).any(|stmt| {
        let StmtKind::Branch { arms, .. } = &stmt.kind else {
            return false;
        };
        let tests_read = |arm: &Arm| matches!(&arm.guard, Guard::Cond(cond) if read.refers(cond));
        arms.iter().any(tests_read) && arms.iter().any(|arm| returns_literal(&arm.body))
    })
}

/// The plain inserts `function` runs that may create a key, each into a table it does not
/// read by key before (a function that checks before it inserts is judged on its own).
fn plain_inserts<'a>(function: &Unit, cx: &'a Context) -> Vec<(QuerySite<'a>, &'a Statement)> {
    let mut read_tables = Vec::new();
    let mut inserts = Vec::new();
    // A SQL routine's or named query's own statements count as a driver call's do: they
    // run at each call of it.
    for &query in cx.facts(function).queries() {
        for stmt in query.statements() {
            if is_lookup(stmt) {
                read_tables.push(&stmt.table);
            } else if may_create_keys(stmt) && !read_tables.contains(&&stmt.table) {
                inserts.push((query, stmt));
            }
        }
    }
    inserts
}
