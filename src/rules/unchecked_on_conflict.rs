//! `unchecked-on-conflict`: an `INSERT … ON CONFLICT DO NOTHING` used as a dedup or claim
//! whose outcome nothing checks, so the business write after it runs for duplicates too.

use std::collections::{HashMap, HashSet};

use super::{Context, Rule, RuleMeta};
use crate::finding::{Applicability, Finding, Fix, Label, Severity};
use crate::flow::{self, FileGate, QuerySite};
use crate::knowledge::Knowledge;
use crate::model::{CallRole, Lang, Outcome, Span, Unit, UnitKind};
use crate::rules::Need;
use crate::semantic::{self, Sequence};
use crate::sql::{self, Statement, StatementKind};

pub struct UncheckedOnConflict;

static META: RuleMeta = RuleMeta {
    name: "unchecked-on-conflict",
    summary: "an ON CONFLICT DO NOTHING dedup whose outcome is never checked before the business write",
    default_severity: Severity::Error,
    langs: Lang::ALL,
    doc: include_str!("../../rules/unchecked-on-conflict.md"),
};

impl Rule for UncheckedOnConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let facts = cx.facts(unit);
        let sequence = facts.sequence();
        // In a middleware, handing the request on (`next()`) runs the work a duplicate must
        // not reach. Asked only of a unit with an insert that skips duplicates.
        let skips = sequence
            .iter()
            .any(|(_, _, stmt)| stmt.is_insert_do_nothing());
        let side_effects: Vec<flow::Site> = if skips {
            (facts.calls().iter().copied())
                .filter(|site| {
                    semantic::is_once_only_effect(site, cx.knowledge)
                        || semantic::hands_on(site, cx.knowledge, cx.lang)
                })
                .collect()
        } else {
            Vec::new()
        };
        let later = Later {
            sequence,
            stops: first_stops(sequence),
            side_effects: &side_effects,
        };
        let mut earlier = Earlier::default();
        let mut findings = Vec::new();
        for (position, query, stmt) in sequence.iter() {
            if let Some(f) = ungated_cte(query, stmt, cx) {
                findings.push(f);
            }
            if stmt.is_insert_do_nothing() && is_dedup(stmt, cx) {
                let checked = match query.call {
                    Some(site) => outcome_checked(unit, query, &site, stmt),
                    // A routine's statement: its procedural code says.
                    None => stmt.outcome_tested,
                };
                let effect = match later.effect(position, query, stmt) {
                    Some(effect) => Some((effect, Order::After)),
                    None => earlier
                        .write_before(stmt)
                        .map(|write| (write, Order::Before)),
                };
                if let (false, Some((effect, order))) = (checked, effect) {
                    findings.extend(report(query, stmt, effect, order, cx));
                }
            }
            earlier.note(query, stmt);
        }
        findings.extend(silent_dedup_calls(unit, sequence, cx));
        findings
    }

    /// An INSERT that skips duplicates, into a table named like a dedup record or returning
    /// what it inserted; or an ORM's insert skipping duplicates into such a table.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        Need::any([
            Need::all([
                Need::sql(),
                Need::sql_keywords(sql::INSERT_WORDS),
                Need::sql_keywords(sql::SKIP_DUPLICATE_WORDS),
                Need::any([
                    Need::text(knowledge.dedup_record_words()),
                    Need::sql_keywords(["returning"]),
                ]),
            ]),
            Need::all([
                Need::orm_inserts_skipping_duplicates(knowledge),
                Need::text(knowledge.dedup_record_words()),
            ]),
        ])
    }

    /// A function that runs a dedup insert and drops its outcome: its callers are where the
    /// business write goes on for duplicates.
    fn feeds_callers(&self, unit: &Unit, cx: &Context) -> bool {
        !cx.facts(unit).queries().is_empty() && silent_dedup(unit, cx).is_some()
    }
}

/// The business write last run before each statement of a unit, in its transaction, and
/// the tables read by key so far, noted in one pass in source order.
#[derive(Default)]
struct Earlier {
    write: Option<(LaterEffect, Option<String>)>,
    read_by_key: HashSet<String>,
}

impl Earlier {
    fn note(&mut self, query: &QuerySite, stmt: &Statement) {
        if semantic::ends_transaction(stmt) {
            self.write = None;
        } else if stmt.is_write() && !stmt.is_insert_do_nothing() {
            let effect = LaterEffect {
                span: query.file_span(&stmt.keyword_span),
                what: format!("the {}", keyword(stmt)),
            };
            self.write = Some((effect, stmt.table.clone()));
        } else if stmt.kind == StatementKind::Select
            && !stmt.lookup_keys().is_empty()
            && let Some(table) = &stmt.table
        {
            self.read_by_key.insert(table.clone());
        }
    }

    /// The business write that ran before a dedup insert, in its transaction: for a
    /// duplicate it has run again by the time the insert skips it. Not when the unit read
    /// the dedup table by key first: a check stopped the duplicate there, and the insert
    /// only settles a race (which `check-then-insert` is about).
    fn write_before(&self, insert: &Statement) -> Option<LaterEffect> {
        let table = insert.table.as_ref()?;
        let (write, written) = self.write.as_ref()?;
        (written.as_ref() != Some(table) && !self.read_by_key.contains(table)).then(|| {
            LaterEffect {
                span: write.span.clone(),
                what: write.what.clone(),
            }
        })
    }
}

/// Where the ungated effect stands from the dedup insert.
#[derive(Clone, Copy)]
enum Order {
    After,
    Before,
}

/// Something that runs after the dedup insert whatever the insert did.
struct LaterEffect {
    span: Span,
    /// `the UPDATE`, `` `process(…)` ``.
    what: String,
}

/// Whether the insert records handled requests or events (rather than, say, making sure a
/// tag exists before linking to it).
fn is_dedup(insert: &Statement, cx: &Context) -> bool {
    let k = cx.knowledge;
    insert.table.as_deref().is_some_and(|t| k.is_dedup_name(t))
        || insert.insert_columns.iter().any(|c| k.is_dedup_name(c))
        || insert
            .on_conflict
            .as_ref()
            .is_some_and(|c| c.columns.iter().any(|col| k.is_dedup_name(col)))
}

/// Whether the host code looks at what the insert did before going on.
fn outcome_checked(unit: &Unit, query: &QuerySite, site: &flow::Site, insert: &Statement) -> bool {
    let binding = flow::binding(site);
    if binding.tested_in_place {
        return true;
    }
    let after = site.stmt.span.end;
    // With RETURNING, a duplicate comes back as "no row": an error for one-row calls.
    let no_row_is_visible = insert.returning.is_some() && query.outcome != Outcome::Affected;
    if no_row_is_visible && query.outcome == Outcome::OneRow {
        let error_leaves = binding.propagated
            || binding
                .error
                .as_deref()
                .is_some_and(|e| flow::error_exits(unit, e, after));
        if error_leaves {
            return true;
        }
    }
    let mut seeds = binding.values.clone();
    if no_row_is_visible {
        seeds.extend(binding.error.clone());
    }
    let vars = flow::derived(unit, &seeds, after);
    flow::first_test(unit, &vars, after).is_some()
}

/// What runs after a statement, found once for the whole unit.
struct Later<'s, 'a> {
    sequence: &'s Sequence<'a>,
    /// See [`first_stops`].
    stops: Vec<Option<usize>>,
    /// The once-only side-effect calls of the unit, in source order.
    side_effects: &'s [flow::Site<'a>],
}

impl Later<'_, '_> {
    /// The first write (to another table, not reading the dedup table) or once-only side
    /// effect after the insert at `position`, within its transaction.
    fn effect(
        &self,
        position: usize,
        query: &QuerySite,
        insert: &Statement,
    ) -> Option<LaterEffect> {
        insert.table.as_ref()?;
        let first_write = self.stops[position].and_then(|stop| {
            let (query, stmt) = self.sequence.get(stop);
            is_business_write(stmt, insert).then(|| LaterEffect {
                span: query.file_span(&stmt.keyword_span),
                what: format!("the {}", keyword(stmt)),
            })
        });
        let insert_end = query.span.end;
        let after = self
            .side_effects
            .partition_point(|site| site.expr.span.start < insert_end);
        let side_effect = self.side_effects.get(after).map(|site| LaterEffect {
            span: site.expr.span.clone(),
            what: format!("`{}(…)`", site.call.callee.dotted().unwrap_or_default()),
        });
        match (first_write, side_effect) {
            (Some(w), Some(s)) => Some(if s.span.start < w.span.start { s } else { w }),
            (w, s) => w.or(s),
        }
    }
}

/// For each statement that writes a table, the first later statement that either ends the
/// transaction or writes without touching that table (writing it or reading it): where a
/// duplicate's run through the transaction meets its first ungated write, if it does.
///
/// Computed backwards in one pass: `nearest` is the closest later statement that ends a
/// transaction or writes (inserts that skip duplicates aside), and for each table that `nearest` touches, `past_touching` holds
/// the first such statement after the run of writes touching that table.
fn first_stops(sequence: &Sequence) -> Vec<Option<usize>> {
    let mut stops = vec![None; sequence.positions().len()];
    let mut nearest: Option<usize> = None;
    let mut past_touching: HashMap<&str, Option<usize>> = HashMap::new();
    let stop_for = |nearest: Option<usize>, table: &str, past: &HashMap<&str, Option<usize>>| {
        let n = nearest?;
        let (_, stmt) = sequence.get(n);
        if stmt.is_write() && touches(stmt).any(|t| t == table) {
            past.get(table).copied().flatten()
        } else {
            Some(n)
        }
    };
    for position in sequence.positions().rev() {
        let (_, stmt) = sequence.get(position);
        if semantic::ends_transaction(stmt) {
            nearest = Some(position);
        } else if stmt.is_write() {
            if let Some(table) = stmt.table.as_deref() {
                stops[position] = stop_for(nearest, table, &past_touching);
            }
            // An insert that skips duplicates itself harms nothing when a duplicate runs
            // it (see [`is_business_write`]): earlier statements look past it.
            if stmt.is_insert_do_nothing() {
                continue;
            }
            let past: Vec<(&str, Option<usize>)> = touches(stmt)
                .map(|t| (t, stop_for(nearest, t, &past_touching)))
                .collect();
            past_touching.extend(past);
            nearest = Some(position);
        }
    }
    stops
}

/// The tables a statement writes or reads.
fn touches(stmt: &Statement) -> impl Iterator<Item = &str> {
    stmt.table
        .as_deref()
        .into_iter()
        .chain(stmt.reads_from.iter().map(String::as_str))
}

/// Whether `write`, run after `insert` for a duplicate too, does harm: not when it skips
/// duplicates itself (a projection kept in step, a link), nor when it deletes the rows the
/// insert copied (a move from a queue: a row copied before is still rightly removed).
fn is_business_write(write: &Statement, insert: &Statement) -> bool {
    let moves_copied_rows = write.kind == StatementKind::Delete
        && write.table.as_ref().is_some_and(|table| {
            insert.reads_from.contains(table)
                || write
                    .reads_from
                    .iter()
                    .any(|source| insert.reads_from.contains(source))
        });
    write.is_write() && !write.is_insert_do_nothing() && !moves_copied_rows
}

/// Calls to a function (of this file or another of the project) that runs a dedup insert
/// skipping duplicates and tells its caller nothing of whether it inserted (it returns only
/// an error, or nothing), followed here by a business write or a once-only effect: the
/// caller cannot tell a duplicate, so that effect runs for it too.
fn silent_dedup_calls(unit: &Unit, sequence: &Sequence, cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    let effects = EffectsAfter::new(sequence, cx.facts(unit).once_only_effects());
    let unknown =
        (cx.facts(unit).calls().iter()).filter(|site| matches!(site.call.role, CallRole::Unknown));
    for site in unknown {
        // What comes after the call is cheap to find; the function it calls may be in a
        // file not read yet.
        let Some(later) = effects.after(site.expr.span.end) else {
            continue;
        };
        let Some(helper) = cx
            .function_where(site.call, unit, &INSERTS_SKIPPING_DUPLICATES)
            .filter(|helper| !std::ptr::eq(*helper, unit))
        else {
            continue;
        };
        let Some((query, insert)) = silent_dedup(helper, cx) else {
            continue;
        };
        let callee = site.call.callee.dotted().unwrap_or_default();
        let conflict = insert.on_conflict.as_ref().map_or_else(
            || query.span.clone(),
            |conflict| query.file_span(&conflict.span),
        );
        let finding = Finding::new(
            META.name,
            format!(
                "a re-delivered request inserts nothing in `{callee}(…)`, but {} below still \
                 runs",
                later.what
            ),
            Label::new(
                site.expr.span.clone(),
                "this call cannot tell a duplicate: it does not say whether it inserted a row",
            ),
        )
        .with_secondary(Label::new(
            conflict,
            "a duplicate inserts nothing here, and the function drops the outcome",
        ))
        .with_secondary(Label::new(
            later.span,
            "this runs for duplicates too: it is not gated on the insert",
        ))
        .with_help(cx.profile().return_inserted_help(&callee))
        .with_severity(META.default_severity);
        findings.push(finding);
    }
    findings
}

/// A file that may hold an insert skipping duplicates: an insert, and one of the words that
/// skip them (ON CONFLICT, IGNORE, DUPLICATE), in any case.
static INSERTS_SKIPPING_DUPLICATES: FileGate = FileGate {
    name: "inserts skipping duplicates",
    admits: |text, lang, knowledge| {
        let lower = text.to_ascii_lowercase();
        let sql = sql::may_hold_inserts(text)
            && (sql::SKIP_DUPLICATE_WORDS.iter())
                .any(|word| lower.windows(word.len()).any(|w| w == word.as_bytes()));
        sql || lang
            .is_some_and(|lang| knowledge.may_hold_orm_inserts_skipping_duplicates(text, lang))
    },
};

/// The dedup insert skipping duplicates whose outcome `helper` neither checks nor returns,
/// when it is the helper's last query and nothing once-only follows it there (else the
/// helper itself is where the hazard is reported, or there is none).
fn silent_dedup<'a>(helper: &Unit, cx: &'a Context) -> Option<(QuerySite<'a>, &'a Statement)> {
    let facts = cx.facts(helper);
    let queries = facts.queries();
    let query = queries.last()?;
    let insert = query.statements().last()?;
    if !insert.is_insert_do_nothing()
        || !is_dedup(insert, cx)
        || tells_outcome(helper, query, insert)
    {
        return None;
    }
    let effect_follows = facts.calls().iter().any(|call| {
        call.expr.span.start > query.span.end && semantic::is_once_only_effect(call, cx.knowledge)
    });
    (!effect_follows).then_some((*query, insert))
}

/// Whether `helper` looks at what its dedup insert did, or hands it to its caller.
fn tells_outcome(helper: &Unit, query: &QuerySite, insert: &Statement) -> bool {
    match query.call {
        Some(site) => {
            outcome_checked(helper, query, &site, insert) || returns_outcome(helper, &site)
        }
        // A routine's statement: its outcome (`FOUND`, a row count, a row `RETURNING …
        // INTO` a variable) reaches a caller only in what the routine returns, which is not
        // followed further: any value it returns may carry it. Only a routine is called.
        None => {
            insert.outcome_tested
                || helper.kind != UnitKind::Function
                || !flow::returned_values(&helper.body).is_empty()
        }
    }
}

/// Whether what the query gave back leaves the function: the call itself returned, or a
/// value derived from its result.
fn returns_outcome(unit: &Unit, site: &flow::Site) -> bool {
    let binding = flow::binding(site);
    let derived = flow::derived(unit, &binding.values, site.stmt.span.end);
    flow::returned_values(&unit.body).into_iter().any(|value| {
        flow::contains(value, site.expr) || derived.iter().any(|var| flow::reads(value, var))
    })
}

/// For any offset of a unit, the first business write (before the transaction ends) or
/// once-only effect that starts after it: indexed once per unit, so that asking for each of
/// its calls stays linear.
struct EffectsAfter<'s, 'a, 'e> {
    sequence: &'s Sequence<'a>,
    /// Where each statement of the sequence starts, in order.
    starts: Vec<usize>,
    /// For each position of the sequence, the first position from it on that is a business
    /// write, if no statement ending the transaction comes first.
    next_write: Vec<Option<usize>>,
    side_effects: &'s [flow::Site<'e>],
}

impl<'s, 'a, 'e> EffectsAfter<'s, 'a, 'e> {
    fn new(sequence: &'s Sequence<'a>, side_effects: &'s [flow::Site<'e>]) -> Self {
        let starts = sequence
            .iter()
            .map(|(_, query, _)| query.span.start)
            .collect();
        let mut next_write = vec![None; sequence.positions().len()];
        let mut next = None;
        for position in sequence.positions().rev() {
            let (_, stmt) = sequence.get(position);
            if semantic::ends_transaction(stmt) {
                next = None;
            } else if stmt.is_write() && !stmt.is_insert_do_nothing() {
                next = Some(position);
            }
            next_write[position] = next;
        }
        EffectsAfter {
            sequence,
            starts,
            next_write,
            side_effects,
        }
    }

    /// The first effect that starts at or after `end`.
    fn after(&self, end: usize) -> Option<LaterEffect> {
        let from = self.starts.partition_point(|&start| start < end);
        let write = self
            .next_write
            .get(from)
            .copied()
            .flatten()
            .map(|position| {
                let (query, stmt) = self.sequence.get(position);
                LaterEffect {
                    span: query.file_span(&stmt.keyword_span),
                    what: format!("the {}", keyword(stmt)),
                }
            });
        let at = self
            .side_effects
            .partition_point(|site| site.expr.span.start < end);
        let side_effect = self.side_effects.get(at).map(|site| LaterEffect {
            span: site.expr.span.clone(),
            what: format!("`{}(…)`", site.call.callee.dotted().unwrap_or_default()),
        });
        match (write, side_effect) {
            (Some(w), Some(s)) => Some(if s.span.start < w.span.start { s } else { w }),
            (w, s) => w.or(s),
        }
    }
}

/// A data-modifying CTE that drops duplicates, in a statement that does not read it.
fn ungated_cte(query: &QuerySite, stmt: &Statement, cx: &Context) -> Option<Finding> {
    let (name, insert) = stmt.ctes.iter().find(|(_, cte)| {
        cte.is_insert_do_nothing() && (cte.returning.is_some() || is_dedup(cte, cx))
    })?;
    if !is_business_write(stmt, insert) {
        return None;
    }
    let reads_it = stmt
        .reads_from
        .iter()
        .any(|t| t == name || Some(t.as_str()) == insert.table.as_deref());
    if reads_it {
        return None;
    }
    let later = LaterEffect {
        span: query.file_span(&stmt.keyword_span),
        what: format!("the {}", keyword(stmt)),
    };
    report(query, insert, later, Order::After, cx)
}

fn keyword(stmt: &Statement) -> &'static str {
    match stmt.kind {
        StatementKind::Insert => "INSERT",
        StatementKind::Update => "UPDATE",
        StatementKind::Delete => "DELETE",
        _ => "write",
    }
}

fn report(
    query: &QuerySite,
    insert: &Statement,
    later: LaterEffect,
    order: Order,
    cx: &Context,
) -> Option<Finding> {
    let conflict = insert.on_conflict.as_ref()?;
    let key = conflict
        .columns
        .first()
        .or(insert.insert_columns.first())
        .cloned();
    let primary = Label::new(
        query.file_span(&conflict.span),
        "a duplicate inserts nothing here, and nothing checks whether a row was inserted",
    );
    let (message, why) = match order {
        Order::After => (
            format!(
                "a re-delivered request inserts nothing, but {} below still runs",
                later.what
            ),
            "this runs for duplicates too: it is not gated on the insert",
        ),
        Order::Before => (
            format!(
                "a re-delivered request runs {} above again, and the dedup insert after it \
                 skips the duplicate without a word",
                later.what
            ),
            "this has already run for the duplicate: record the request first, and write \
             only when the insert created its row",
        ),
    };
    let mut finding = Finding::new(META.name, message, primary)
        .with_secondary(Label::new(later.span, why))
        .with_help(help(
            cx,
            query,
            signal(query, insert),
            key.as_deref().unwrap_or("key"),
        ));
    // The fix gates what comes after the insert: with the write before it, moving the
    // write is the user's to do.
    if let (Order::After, Some(fix)) = (order, returning_fix(query, insert, key.as_deref(), cx)) {
        finding = finding.with_fix(fix);
    }
    Some(finding)
}

/// How the insert reports a duplicate, which decides what the fix branches on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signal {
    /// `RETURNING` is there: a duplicate comes back as "no row".
    Returning,
    /// MySQL `INSERT IGNORE` / SQLite `OR IGNORE`: only the affected-row count tells.
    IgnoreKeyword,
    /// `ON CONFLICT … DO NOTHING` without `RETURNING`.
    OnConflict,
}

fn signal(query: &QuerySite, insert: &Statement) -> Signal {
    if insert.returning.is_some() {
        return Signal::Returning;
    }
    let clause = insert
        .on_conflict
        .as_ref()
        .and_then(|c| query.sql.text.value.get(c.span.clone()))
        .unwrap_or("");
    if clause.trim_start().to_ascii_uppercase().starts_with("ON") {
        Signal::OnConflict
    } else {
        Signal::IgnoreKeyword
    }
}

fn help(cx: &Context, query: &QuerySite, signal: Signal, key: &str) -> String {
    // An ORM's insert is gated in the library's terms, and has no SQL to edit.
    if let Some(atomic) =
        (query.sql.orm.as_deref()).and_then(|library| cx.knowledge.orm_atomic_insert(library))
    {
        return format!("gate the write on the insert: {atomic}");
    }
    let profile = cx.profile();
    match signal {
        Signal::Returning => profile.gate_on_returned_row_help(key),
        Signal::IgnoreKeyword => profile.gate_on_affected_rows_help(),
        Signal::OnConflict => profile.gate_on_conflict_help(key),
    }
}

/// In host code, `RETURNING <key>` makes the driver say whether the insert happened, but
/// the duplicate is only handled once the code branches on it (reads the row instead of
/// discarding it, returns before the write): that is no edit of the query text, so the fix
/// is described, with no edits. MySQL's `INSERT IGNORE` has no RETURNING.
///
/// Unsafe: the branch it asks for skips the write for a duplicate, which is the point, but
/// changes what the code does.
fn returning_fix(
    query: &QuerySite,
    insert: &Statement,
    key: Option<&str>,
    cx: &Context,
) -> Option<Fix> {
    let key = key?;
    if cx.lang.code_is_sql() || signal(query, insert) != Signal::OnConflict {
        return None;
    }
    Some(Fix {
        description: format!(
            "add `RETURNING {key}` so the insert reports whether it created the row, then skip \
             the write when it did not"
        ),
        edits: Vec::new(),
        applicability: Applicability::Unsafe,
    })
}
