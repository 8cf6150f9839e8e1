//! `check-then-insert`: a read by key whose "nothing found" path creates that key with a
//! plain INSERT (or a plain SET): two concurrent requests both find nothing and both create it.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::{Context, Rule, RuleMeta};
use crate::finding::{Applicability, Edit, Finding, Fix, Label, Severity};
use crate::flow::{self, QuerySite, Reach, Read, ReadOutcomes, Site};
use crate::knowledge::Knowledge;
use crate::model::{CallRole, Expr, ExprKind, KvOp, Lang, Span, Unit, UnitKind};
use crate::rules::Need;
use crate::semantic::Sequence;
use crate::sql::{self, Statement, StatementKind, Value};

pub struct CheckThenInsert;

static META: RuleMeta = RuleMeta {
    name: "check-then-insert",
    summary: "a read by key whose \"not found\" path inserts the key non-atomically",
    default_severity: Severity::Error,
    langs: Lang::ALL,
    doc: include_str!("../../rules/check-then-insert.md"),
};

impl Rule for CheckThenInsert {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let mut findings = sql_races(unit, cx);
        findings.extend(kv_races(unit, cx));
        findings
    }

    /// A SELECT and an INSERT, or a key-value read and write.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        Need::any([
            Need::all([
                Need::sql(),
                Need::keywords(sql::SELECT_WORDS),
                Need::keywords(sql::INSERT_WORDS),
            ]),
            Need::all([kv_need(knowledge, KvOp::Get), kv_need(knowledge, KvOp::Set)]),
        ])
    }
}

/// A key-value call that can be `op`: a client method, or a generic command call with the
/// command's name as a string.
fn kv_need(knowledge: &Knowledge, op: KvOp) -> Need {
    let commands = knowledge
        .kv_command_ops
        .iter()
        .filter(|(_, command_op)| *command_op == op)
        .map(|(name, _)| name);
    Need::any([
        Need::any(
            (knowledge.kv.iter())
                .filter(|api| api.op == op)
                .map(|api| Need::call_taking(&api.call, api.arity)),
        ),
        Need::all([
            Need::calls(knowledge.kv_commands.iter().map(|api| &api.call)),
            Need::quoted(commands),
        ]),
    ])
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
        && !insert.insert_columns.is_empty()
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
                .filter(|&position| {
                    let (_, insert) = sequence.get(position);
                    keys.iter()
                        .all(|k| insert.insert_columns.iter().any(|c| c == k))
                })
                .collect()
        })
    }
}

fn sql_races(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let facts = cx.facts(unit);
    let sequence = facts.sequence();
    let mut creators = Creators::new(sequence);
    let protection = OnceCell::new();
    let mut reported: HashSet<Span> = HashSet::new();
    let mut findings: Vec<Finding> = Vec::new();
    let last_effect = last_once_only_effect(unit, cx);
    for (read_at, read_q, select) in sequence.iter() {
        let keys = select.lookup_keys();
        let Some(table) = select.table.as_deref().filter(|_| !keys.is_empty()) else {
            continue;
        };
        let effect_after = last_effect.is_some_and(|at| at >= read_q.span.end);
        if !names_dedup(select, &keys, cx) && !effect_after {
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
            if reported.contains(&span) || protection.covers(sequence, read_at, write_q, unit, cx) {
                break;
            }
            let race = Race {
                read_q,
                select,
                write_q,
                insert,
                keys: &keys,
                test,
            };
            reported.insert(span);
            findings.push(race.report(unit, cx));
            break;
        }
    }
    findings
}

/// What can close a race outside the two statements, found once per unit: an advisory lock
/// taken before the read, SERIALIZABLE isolation around both, or the write's unique
/// violation handled.
struct Protection {
    /// For each position (and the end), whether a statement before it takes an advisory
    /// lock; whether one asks for SERIALIZABLE.
    locked_before: Vec<bool>,
    serializable_before: Vec<bool>,
    /// Where host code first names an advisory lock, and SERIALIZABLE isolation.
    first_lock_name: Option<usize>,
    first_serializable_name: Option<usize>,
    /// Where host code last looks for a unique violation (an error code, a named check, a
    /// message), or a script last names one.
    last_unique_check: Option<usize>,
}

impl Protection {
    fn new(unit: &Unit, sequence: &Sequence, cx: &Context) -> Protection {
        let k = cx.knowledge;
        let mut locked_before = vec![false];
        let mut serializable_before = vec![false];
        for (_, _, stmt) in sequence.iter() {
            locked_before.push(locked_before[locked_before.len() - 1] || stmt.advisory_lock);
            serializable_before
                .push(serializable_before[serializable_before.len() - 1] || stmt.serializable);
        }
        let exprs = cx.facts(unit).exprs();
        let first_named = |names: &dyn Fn(&str) -> bool| {
            (exprs.iter())
                .filter(|e| matches!(e.kind, ExprKind::Name(_) | ExprKind::Field { .. }))
                .filter(|e| e.dotted().is_some_and(|name| names(&name)))
                .map(|e| e.span.start)
                .min()
        };
        let first_lock_name = first_named(&|name| k.names_advisory_lock(name));
        let first_serializable_name = first_named(&|name| k.names_serializable(name));
        let last_unique_check = if cx.lang.code_is_sql() {
            script_words(unit, cx)
                .filter(|(_, word)| k.is_unique_violation(word))
                .map(|(at, _)| at)
                .last()
        } else {
            (exprs.iter())
                .filter(|e| checks_unique_violation(e, cx))
                .map(|e| e.span.start)
                .max()
        };
        Protection {
            locked_before,
            serializable_before,
            first_lock_name,
            first_serializable_name,
            last_unique_check,
        }
    }

    /// Whether the race between the read at `read_at` and the write `write_q` is closed.
    fn covers(
        &self,
        sequence: &Sequence,
        read_at: usize,
        write_q: &QuerySite,
        unit: &Unit,
        cx: &Context,
    ) -> bool {
        let (read_q, _) = sequence.get(read_at);
        let read_start = read_q.span.start;
        let named_before = |first: Option<usize>| first.is_some_and(|at| at < read_start);
        let locked = self.locked_before[read_at] || named_before(self.first_lock_name);
        let serializable =
            self.serializable_before[read_at] || named_before(self.first_serializable_name);
        locked
            || serializable && !sequence.ends_transaction_between(read_start, write_q.span.start)
            || self.unique_violation_handled(write_q.span.start, unit, cx)
    }

    /// Whether the unit looks for a unique violation at or after `from`.
    fn unique_violation_handled(&self, from: usize, unit: &Unit, cx: &Context) -> bool {
        if self.last_unique_check.is_some_and(|at| at >= from) {
            return true;
        }
        // In a script, the word `from` falls in counts from there on.
        let end = unit.span.end.min(cx.source.len());
        cx.lang.code_is_sql()
            && cx.source.get(from.min(end)..end).is_some_and(|rest| {
                rest.split(|c: char| !is_word_char(c))
                    .next()
                    .is_some_and(|word| cx.knowledge.is_unique_violation(word))
            })
    }
}

/// Whether an expression of host code looks for a unique violation: an error code, a named
/// check (`is_unique_violation()`, `pgerrcode.UniqueViolation`), a message.
fn checks_unique_violation(e: &Expr, cx: &Context) -> bool {
    let k = cx.knowledge;
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            e.dotted().is_some_and(|n| k.is_unique_violation(&n))
                || e.last_segment().is_some_and(|n| k.is_unique_violation(n))
        }
        ExprKind::Str(s) => k.is_unique_violation(&s.value),
        ExprKind::Number { text, .. } => k.is_unique_violation(text),
        _ => false,
    }
}

/// The words of a script unit's text (a PL/pgSQL `EXCEPTION WHEN unique_violation` is one
/// the model does not carry), with where each starts.
fn script_words<'s>(unit: &Unit, cx: &Context<'s>) -> impl Iterator<Item = (usize, &'s str)> {
    let end = unit.span.end.min(cx.source.len());
    let start = unit.span.start.min(end);
    let text = cx.source.get(start..end).unwrap_or_default();
    crate::work::step(text.len() / 64);
    text.split(|c: char| !is_word_char(c))
        .filter(|word| !word.is_empty())
        .map(move |word| {
            (
                start + (word.as_ptr() as usize - text.as_ptr() as usize),
                word,
            )
        })
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A read by key and the insert on its "not found" path.
struct Race<'q, 'a> {
    read_q: &'q QuerySite<'a>,
    select: &'q Statement,
    write_q: &'q QuerySite<'a>,
    insert: &'q Statement,
    keys: &'q [&'q str],
    /// The "nothing found" test that leads to the insert.
    test: Option<Span>,
}

impl Race<'_, '_> {
    fn report(&self, unit: &Unit, cx: &Context) -> Finding {
        let key = self.keys.join(", ");
        let table = self.select.table.as_deref().unwrap_or("the table");
        let ignored = self
            .write_q
            .call
            .is_some_and(|site| flow::error_ignored(unit, &site, cx.lang));
        let message = if ignored {
            format!(
                "two concurrent requests with the same `{key}` can both find no row and both \
                 insert it; the insert's error is ignored, so both go on as if they had created it"
            )
        } else {
            format!(
                "two concurrent requests with the same `{key}` can both find no row and both \
                 insert it"
            )
        };
        let mut finding = Finding::new(
            META.name,
            message,
            Label::new(
                self.write_q.file_span(&self.insert.keyword_span),
                "not atomic: a concurrent request with the same key can insert between the read \
                 and this write",
            ),
        )
        .with_secondary(Label::new(
            self.read_q.file_span(&self.select.keyword_span),
            format!("reads `{table}` by `{key}`: both requests can find no row here"),
        ));
        if let Some(test) = &self.test {
            finding = with_test_label(finding, test.clone());
        }
        if self.select.locking_read {
            finding = finding.with_note(
                "`FOR UPDATE` locks only rows that exist: when no row is found it locks nothing, \
                 so it does not close the race",
            );
        }
        let mysql = self.uses_question_marks();
        // In a PL/pgSQL body an INSERT … RETURNING needs an INTO; there the insert's outcome
        // is FOUND (or the row count), as in MySQL and SQLite.
        let routine = cx.lang.code_is_sql() && unit.kind == UnitKind::Function;
        finding = finding.with_help(sql_help(cx, &key, self.keys[0], mysql, routine));
        if let Some(fix) = self.fix(mysql, routine) {
            finding = finding.with_fix(fix);
        }
        finding
    }

    /// `?` placeholders: MySQL or SQLite, where the PostgreSQL clause may not apply.
    fn uses_question_marks(&self) -> bool {
        self.select
            .where_equals
            .iter()
            .any(|c| matches!(&c.value, Value::Param(p) if p.starts_with('?')))
    }

    /// Adds `ON CONFLICT (key) DO NOTHING RETURNING key` at the end of the insert, when it
    /// has no RETURNING of its own to keep the clause in front of.
    ///
    /// Unsafe: a duplicate no longer fails with a unique violation but inserts nothing and
    /// returns no row, so the code after it goes on as if it had created the row until the
    /// author makes it branch on the returned row, which no text edit here can write.
    fn fix(&self, mysql: bool, routine: bool) -> Option<Fix> {
        if mysql || self.insert.returning.is_some() {
            return None;
        }
        let key = self.keys.join(", ");
        let first = self.keys.first()?;
        let (clause, go_on) = if routine {
            (
                format!(" ON CONFLICT ({key}) DO NOTHING"),
                "go on only when `FOUND` says it inserted a row",
            )
        } else {
            (
                format!(" ON CONFLICT ({key}) DO NOTHING RETURNING {first}"),
                "go on only when it returned a row",
            )
        };
        let at = self
            .write_q
            .file_span(&(self.insert.end..self.insert.end))
            .start;
        Some(Fix {
            description: format!(
                "make the insert atomic with `{}`, and {go_on}",
                clause.trim()
            ),
            edits: vec![Edit {
                span: at..at,
                replacement: clause,
            }],
            applicability: Applicability::Unsafe,
        })
    }
}

/// The help of a race over a table: the atomic insert, spelled for the dialect, in the
/// language's words.
fn sql_help(cx: &Context, key: &str, first: &str, mysql: bool, routine: bool) -> String {
    let insert = if mysql {
        "`INSERT IGNORE …` (SQLite: `INSERT … ON CONFLICT DO NOTHING`)".to_owned()
    } else if routine {
        format!("`INSERT … ON CONFLICT ({key}) DO NOTHING` (then `IF FOUND`)")
    } else {
        format!("`INSERT … ON CONFLICT ({key}) DO NOTHING RETURNING {first}`")
    };
    cx.profile().atomic_insert_help(&insert, mysql || routine)
}

/// Labels the "not found" test, unless it is the read itself tested in place
/// (`if rdb.Exists(ctx, k).Val() == 0`), which is labelled already.
fn with_test_label(finding: Finding, test: Span) -> Finding {
    let overlaps = |l: &Label| l.span.start < test.end && test.start < l.span.end;
    if finding.secondary.iter().any(overlaps) {
        return finding;
    }
    finding.with_secondary(Label::new(
        test,
        "both requests take the \"not found\" path here",
    ))
}

/// A key-value GET whose "no such key" path SETs the same key without NX.
fn kv_races(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let calls = cx.facts(unit).calls();
    let last_effect = last_once_only_effect(unit, cx);
    let mut findings = Vec::new();
    for (i, get) in calls.iter().enumerate() {
        let Some(key) = kv_key(get, KvOp::Get, cx) else {
            continue;
        };
        // A cache-aside read (on a miss, compute the value and SET it) guards nothing that
        // must happen once: only a key named like a dedup record, or a once-only effect after
        // the read, says the GET is a check.
        let is_cache = key.to_ascii_lowercase().contains("cache");
        let guards_dedup = cx.knowledge.names_once_only(&key)
            || cx.knowledge.names_once_only(&unit.name)
            || last_effect.is_some_and(|at| at >= get.expr.span.end);
        if is_cache || !guards_dedup {
            continue;
        }
        let reach = reach_of(unit, get, cx);
        let set = calls[i + 1..].iter().find_map(|set| {
            if kv_key(set, KvOp::Set, cx).as_deref() != Some(key.as_str()) {
                return None;
            }
            Some((set, on_absent_path(&reach, set)?))
        });
        let Some((set, test)) = set else {
            continue;
        };
        let mut finding = Finding::new(
            META.name,
            format!(
                "two concurrent requests with the same key `{key}` can both find it missing and \
                 both set it"
            ),
            Label::new(
                set.expr.span.clone(),
                "not atomic: a concurrent request with the same key can set it between the read \
                 and this write",
            ),
        )
        .with_secondary(Label::new(
            get.expr.span.clone(),
            "both requests can find the key missing here",
        ));
        if let Some(test) = test {
            finding = with_test_label(finding, test);
        }
        findings.push(finding.with_help(cx.profile().atomic_set_help()));
    }
    findings
}

/// The key of a key-value call doing `op`, as written (without `&`).
fn kv_key(site: &Site, op: KvOp, cx: &Context) -> Option<String> {
    let CallRole::Kv {
        op: actual,
        key_arg,
    } = &site.call.role
    else {
        return None;
    };
    if *actual != op {
        return None;
    }
    let key: &Expr = flow::strip(site.call.args.get(*key_arg)?);
    let text: String = cx
        .source
        .get(key.span.clone())?
        .split_whitespace()
        .collect();
    (!text.is_empty()).then_some(text)
}
