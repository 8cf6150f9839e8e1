//! `check-then-insert`: a read by key whose "nothing found" path creates that key with a
//! plain INSERT (or a plain SET): two concurrent requests both find nothing and both create it.
//!
//! This file is the rule: the reads by key of a unit, the inserts that may create their key,
//! and whether one runs on the other's "not found" path. One idea a file besides:
//! - `across`: the read, the insert or both made by functions the unit calls.
//! - `protection`: what closes the race outside the two statements (a lock, SERIALIZABLE,
//!   the unique violation handled).
//! - `race`: a race found, reported with its help and fix.
//! - `kv`: the same race over a key-value store's GET and SET.

mod across;
mod kv;
mod protection;
mod race;

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::{Context, Rule, RuleMeta};
use crate::finding::{Finding, Severity};
use crate::flow::{self, QuerySite, Reach, Read, ReadOutcomes, Site};
use crate::knowledge::{Knowledge, OrmOpKind};
use crate::model::{KvOp, Lang, Span, Unit};
use crate::rules::Need;
use crate::semantic::Sequence;
use crate::sql::{self, Statement, StatementKind};
use kv::{kv_need, kv_races};
use protection::Protection;
use race::Race;

pub struct CheckThenInsert;

static META: RuleMeta = RuleMeta {
    name: "check-then-insert",
    summary: "a read by key whose \"not found\" path inserts the key non-atomically",
    default_severity: Severity::Error,
    langs: Lang::ALL,
    doc: include_str!("../../../rules/check-then-insert.md"),
};

impl Rule for CheckThenInsert {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let mut reported = HashSet::new();
        let mut findings = sql_races(unit, cx, &mut reported);
        findings.extend(across::races_through_calls(unit, cx, &mut reported));
        findings.extend(kv_races(unit, cx));
        findings
    }

    /// A SELECT by key (it has a WHERE), or a key-value read and write. The insert may be in
    /// another file: a function that hands back what it read feeds its callers (see
    /// [`feeds_callers`](Rule::feeds_callers)), and a file that reads by key itself is
    /// checked whatever function inserts.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        Need::any([
            // A read by key: a SELECT with a WHERE, in host code in a string starting with
            // it (Go's `select` statement and Rust's `where` clauses do not count).
            Need::all([
                Need::statement(sql::SELECT_WORDS.iter().chain(&["with"])),
                Need::sql_keywords(sql::SELECT_WORDS),
                Need::sql_keywords(["where"]),
            ]),
            Need::all([kv_need(knowledge, KvOp::Get), kv_need(knowledge, KvOp::Set)]),
            // An ORM's read counts only of a record named like a dedup record.
            Need::all([
                Need::orm_ops(knowledge, &[OrmOpKind::Select, OrmOpKind::GetOrCreate]),
                Need::text(knowledge.dedup_record_words()),
            ]),
        ])
    }

    /// A function that hands back what its read by key found, itself or passing a function's
    /// through (a service's method in front of its repository): its callers may insert the
    /// key on the "not found" path, with no SQL of their own.
    fn feeds_callers(&self, unit: &Unit, cx: &Context) -> bool {
        match cx.facts(unit).queries().is_empty() {
            false => across::returned_read(unit, cx).is_some(),
            true => across::passes_read_through(unit, cx),
        }
    }
}

/// Where the read's outcomes go, for a read made by host code.
fn reach_of(unit: &Unit, site: &Site, cx: &Context) -> Reach {
    flow::reach(unit, Read::of(site), &|atom, read| {
        flow::existence_test(atom, read, cx.lang, cx.knowledge)
    })
}

/// Whether a statement runs when the read found nothing, and never when it found something;
/// the test that sent it there, if one did.
fn on_absent_path(reach: &Reach, site: &Site) -> Option<Option<Span>> {
    let reached = reach.at(site.stmt)?;
    let absent_only = reached.outcomes.overlaps(ReadOutcomes::ABSENT)
        && !reached.outcomes.overlaps(ReadOutcomes::FOUND);
    absent_only.then(|| reached.test.clone())
}

/// Whether a read's table or a key column is named like an idempotency or dedup record
/// (`idempotency_keys`, `processed_events`, `event_id`). With a once-only effect after the
/// read (see [`last_once_only_effect`]), this is the evidence that a read guards something
/// that must happen once: a read of a rate limiter's bucket, a settings row or a migration's
/// source guards nothing of the kind, and the rule stays silent on it.
fn names_dedup(select: &Statement, keys: &[&str], cx: &Context) -> bool {
    let k = cx.knowledge;
    select
        .table
        .as_deref()
        .is_some_and(|t| k.names_once_only(t))
        || keys.iter().any(|key| k.names_once_only(key))
}

/// Whether a read by key is a check that guards something that must happen once: its table
/// or a key is named like a dedup record, or, for SQL the code writes, a once-only effect
/// follows it. An ORM's get-or-create of a natural key (an email, a slug, a membership) is
/// the everyday idiom, mostly backed by a unique index, and a model named for a payment or
/// a lock is as often a plain entity: there only a dedup record's name (`processed_events`,
/// `deduplicationKey`) says that a duplicate would do something twice.
fn guards_once_only(
    read: &QuerySite,
    select: &Statement,
    keys: &[&str],
    effect_after: bool,
    cx: &Context,
) -> bool {
    if read.sql.orm.is_some() {
        let k = cx.knowledge;
        return (select.table.as_deref()).is_some_and(|t| k.names_dedup_record(t))
            || keys.iter().any(|key| k.names_dedup_record(key));
    }
    names_dedup(select, keys, cx) || effect_after
}

/// Where the unit's last call with a once-only effect (a charge, a message, an email)
/// starts: what a duplicate would do twice, if it comes after a read.
fn last_once_only_effect(unit: &Unit, cx: &Context) -> Option<usize> {
    cx.facts(unit)
        .once_only_effects()
        .iter()
        .map(|site| site.expr.span.start)
        .max()
}

/// An INSERT that writes listed columns and fails (or duplicates) when a key exists.
fn may_create_keys(insert: &Statement) -> bool {
    insert.kind == StatementKind::Insert
        && insert.on_conflict.is_none()
        && (!insert.insert_columns.is_empty() || insert.whole_row)
}

/// Whether an insert writes every one of `keys`.
fn writes_keys(insert: &Statement, keys: &[&str]) -> bool {
    insert.whole_row
        || keys
            .iter()
            .all(|k| insert.insert_columns.iter().any(|c| c == k))
}

/// The inserts that may create a key, found once per unit: by table, then by the key
/// columns a read looks up, each list in order.
struct Creators<'a> {
    by_table: HashMap<&'a str, Vec<usize>>,
    by_key: HashMap<(&'a str, Vec<&'a str>), Vec<usize>>,
}

impl<'a> Creators<'a> {
    fn new(sequence: &Sequence<'a>) -> Creators<'a> {
        let mut by_table: HashMap<&str, Vec<usize>> = HashMap::new();
        for (position, _, stmt) in sequence.iter() {
            if let Some(table) = stmt.table.as_deref().filter(|_| may_create_keys(stmt)) {
                by_table.entry(table).or_default().push(position);
            }
        }
        Creators {
            by_table,
            by_key: HashMap::new(),
        }
    }

    /// The positions of the inserts into `table` that write every one of `keys`, in order.
    fn of(&mut self, sequence: &Sequence<'a>, table: &'a str, keys: &[&'a str]) -> &[usize] {
        let mut key_set = keys.to_vec();
        key_set.sort_unstable();
        key_set.dedup();
        let by_table = &self.by_table;
        self.by_key.entry((table, key_set)).or_insert_with(|| {
            let inserts = by_table.get(table).map_or(&[][..], Vec::as_slice);
            inserts
                .iter()
                .copied()
                .filter(|&position| writes_keys(sequence.get(position).1, keys))
                .collect()
        })
    }
}

/// The races between the unit's own statements. `reported` gets the inserts reported.
fn sql_races(unit: &Unit, cx: &Context, reported: &mut HashSet<Span>) -> Vec<Finding> {
    let facts = cx.facts(unit);
    let sequence = facts.sequence();
    let mut creators = Creators::new(sequence);
    let protection = OnceCell::new();
    let mut findings: Vec<Finding> = Vec::new();
    let last_effect = last_once_only_effect(unit, cx);
    for (read_at, read_q, select) in sequence.iter() {
        let keys = select.lookup_keys();
        let Some(table) = select.table.as_deref().filter(|_| !keys.is_empty()) else {
            continue;
        };
        let effect_after = last_effect.is_some_and(|at| at >= read_q.span.end);
        if !guards_once_only(read_q, select, &keys, effect_after, cx) {
            continue;
        }
        let inserts = creators.of(sequence, table, &keys);
        let later = &inserts[inserts.partition_point(|&p| p <= read_at)..];
        if later.is_empty() {
            continue;
        }
        let reach = read_q.call.map(|site| reach_of(unit, &site, cx));
        for &write_at in later {
            let (write_q, insert) = sequence.get(write_at);
            let test = match (&reach, write_q.call) {
                // One call that reads, then inserts when it found nothing (GORM's
                // `FirstOrCreate`): the library takes the "not found" path itself.
                (Some(_), Some(_)) if write_q.span == read_q.span => None,
                (Some(reach), Some(site)) => match on_absent_path(reach, &site) {
                    Some(test) => test,
                    None => continue,
                },
                (None, None) => {
                    // Every later insert is in another named query too.
                    if facts
                        .named_queries()
                        .between(read_q.span.end, write_q.span.start)
                    {
                        break;
                    }
                    None
                }
                _ => continue,
            };
            let span = write_q.file_span(&insert.keyword_span);
            let protection = protection.get_or_init(|| Protection::new(unit, sequence, cx));
            if reported.contains(&span)
                || protection.covers(
                    sequence,
                    (read_at, read_q.span.start),
                    (write_q.span.start, table),
                )
            {
                break;
            }
            let race = Race {
                read_q,
                select,
                write_q,
                insert,
                keys: &keys,
                test,
                read_through: None,
                write_through: None,
            };
            reported.insert(span);
            findings.push(race.report(unit, cx));
            break;
        }
    }
    findings
}
