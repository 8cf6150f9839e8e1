//! `check-then-insert`: a read by key whose "nothing found" path creates that key with a
//! plain INSERT (or a plain SET): two concurrent requests both find nothing and both create it.

use super::{Context, Rule, RuleMeta};
use crate::finding::{Edit, Finding, Fix, Label, Severity};
use crate::flow::{self, Outcomes, QuerySite, Reach, Read, Site};
use crate::knowledge::Knowledge;
use crate::model::{CallRole, Expr, ExprKind, KvOp, Lang, Span, Unit};
use crate::prefilter::Need;
use crate::sql::{self, Statement, StatementKind, Value};

pub struct CheckThenInsert;

static META: RuleMeta = RuleMeta {
    name: "check-then-insert",
    summary: "a read by key whose \"not found\" path inserts the key non-atomically",
    default_severity: Severity::Error,
    langs: &[Lang::Go, Lang::Rust, Lang::Sql, Lang::TypeScript],
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
    let absent_only =
        reached.outcomes.overlaps(Outcomes::ABSENT) && !reached.outcomes.overlaps(Outcomes::FOUND);
    absent_only.then(|| reached.test.clone())
}

/// The columns a SELECT looks its row up by: equalities with a bind parameter (or a
/// routine's argument or variable, which the SQL facts count as parameters).
pub(super) fn lookup_keys(select: &Statement) -> Vec<&str> {
    if select.kind != StatementKind::Select || select.table.is_none() {
        return Vec::new();
    }
    select
        .where_equals
        .iter()
        .filter(|c| matches!(c.value, Value::Param(_)))
        .map(|c| c.column.as_str())
        .collect()
}

/// Whether a read's table or a key column is named like an idempotency or dedup record
/// (`idempotency_keys`, `processed_events`, `event_id`). With [`once_only_effect_after`],
/// this is the evidence that a read guards something that must happen once: a read of a rate
/// limiter's bucket, a settings row or a migration's source guards nothing of the kind, and
/// the rule stays silent on it.
fn names_dedup(select: &Statement, keys: &[&str], cx: &Context) -> bool {
    let k = cx.knowledge;
    select
        .table
        .as_deref()
        .is_some_and(|t| k.names_once_only(t))
        || keys.iter().any(|key| k.names_once_only(key))
}

/// Whether the unit calls something with a once-only effect (a charge, a message, an email)
/// after `from`: what a duplicate would do twice.
fn once_only_effect_after(unit: &Unit, from: usize, cx: &Context) -> bool {
    flow::calls(unit).iter().any(|site| {
        site.expr.span.start >= from
            && matches!(site.call.role, CallRole::Unknown)
            && site
                .call
                .callee
                .dotted()
                .is_some_and(|name| cx.knowledge.is_side_effect(&name))
    })
}

/// An INSERT into the read's table that writes its key and fails (or duplicates) when the
/// key exists.
fn creates_key(insert: &Statement, select: &Statement, keys: &[&str]) -> bool {
    insert.kind == StatementKind::Insert
        && insert.table == select.table
        && insert.on_conflict.is_none()
        && !insert.insert_columns.is_empty()
        && keys
            .iter()
            .all(|k| insert.insert_columns.iter().any(|c| c == k))
}

fn sql_races(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let queries = flow::queries(unit);
    let mut findings: Vec<Finding> = Vec::new();
    for (qi, read_q) in queries.iter().enumerate() {
        for (si, select) in read_q.statements().iter().enumerate() {
            let keys = lookup_keys(select);
            let guards_dedup =
                names_dedup(select, &keys, cx) || once_only_effect_after(unit, read_q.span.end, cx);
            if keys.is_empty() || !guards_dedup {
                continue;
            }
            let reach = read_q.call.map(|site| reach_of(unit, &site, cx));
            for (write_q, insert) in flow::statements_after(&queries, qi, si) {
                if !creates_key(insert, select, &keys) {
                    continue;
                }
                let test = match (&reach, write_q.call) {
                    (Some(reach), Some(site)) => match on_absent_path(reach, &site) {
                        Some(test) => test,
                        None => continue,
                    },
                    (None, None)
                        if !flow::named_query_between(
                            cx.source,
                            read_q.span.end,
                            write_q.span.start,
                        ) =>
                    {
                        None
                    }
                    _ => continue,
                };
                let span = write_q.file_span(&insert.keyword_span);
                if findings.iter().any(|f| f.primary.span == span)
                    || protected(unit, &queries, read_q, select, write_q, cx)
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
                };
                findings.push(race.report(unit, cx));
                break;
            }
        }
    }
    findings
}

/// Whether something outside the two statements closes the race: an advisory lock taken
/// before the read, SERIALIZABLE isolation around both, or the write's unique violation
/// handled.
fn protected(
    unit: &Unit,
    queries: &[QuerySite],
    read_q: &QuerySite,
    select: &Statement,
    write_q: &QuerySite,
    cx: &Context,
) -> bool {
    let read_at = read_q.span.start;
    let write_at = write_q.span.start;
    let k = cx.knowledge;
    let before_read = queries
        .iter()
        .filter(|q| q.span.start <= read_at)
        .flat_map(|q| q.statements().iter().map(move |s| (q, s)))
        .take_while(|(_, s)| !std::ptr::eq(*s, select));
    let mut locked = false;
    let mut serializable = false;
    for (_, stmt) in before_read {
        locked |= stmt.advisory_lock;
        serializable |= stmt.serializable;
    }
    let between_ends_transaction = queries
        .iter()
        .filter(|q| q.span.start > read_at && q.span.start < write_at)
        .flat_map(|q| q.statements())
        .any(|s| matches!(s.kind, StatementKind::Commit | StatementKind::Rollback));
    let host_names = unit.all_exprs().into_iter().filter_map(|e| match &e.kind {
        ExprKind::Name(_) | ExprKind::Field { .. } => Some((e.span.start, e.dotted()?)),
        _ => None,
    });
    for (at, name) in host_names {
        if at < read_at {
            locked |= k.names_advisory_lock(&name);
            serializable |= k.names_serializable(&name);
        }
    }
    locked
        || serializable && !between_ends_transaction
        || unique_violation_handled(unit, write_at, cx)
}

/// Whether the unit looks for a unique violation at or after `from`: an error code, a
/// named check (`is_unique_violation()`, `pgerrcode.UniqueViolation`), a message, or a
/// PL/pgSQL `EXCEPTION WHEN unique_violation`.
fn unique_violation_handled(unit: &Unit, from: usize, cx: &Context) -> bool {
    let k = cx.knowledge;
    if cx.lang == Lang::Sql {
        let end = unit.span.end.min(cx.source.len());
        return cx.source.get(from.min(end)..end).is_some_and(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| k.is_unique_violation(word))
        });
    }
    unit.all_exprs()
        .into_iter()
        .filter(|e| e.span.start >= from)
        .any(|e| match &e.kind {
            ExprKind::Name(_) | ExprKind::Field { .. } => {
                e.dotted().is_some_and(|n| k.is_unique_violation(&n))
                    || e.last_segment().is_some_and(|n| k.is_unique_violation(n))
            }
            ExprKind::Str(s) => k.is_unique_violation(&s.value),
            ExprKind::Number { text, .. } => k.is_unique_violation(text),
            _ => false,
        })
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
        finding = finding.with_help(sql_help(cx.lang, &key, self.keys[0], mysql));
        if let Some(fix) = self.fix(mysql) {
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
    fn fix(&self, mysql: bool) -> Option<Fix> {
        if mysql || self.insert.returning.is_some() {
            return None;
        }
        let key = self.keys.join(", ");
        let first = self.keys.first()?;
        let clause = format!(" ON CONFLICT ({key}) DO NOTHING RETURNING {first}");
        let at = self
            .write_q
            .file_span(&(self.insert.end..self.insert.end))
            .start;
        Some(Fix {
            description: format!(
                "make the insert atomic with `ON CONFLICT ({key}) DO NOTHING RETURNING {first}`, \
                 and go on only when it returned a row"
            ),
            edits: vec![Edit {
                span: at..at,
                replacement: clause,
            }],
        })
    }
}

fn sql_help(lang: Lang, key: &str, first: &str, mysql: bool) -> String {
    let insert = if mysql {
        "`INSERT IGNORE …` (SQLite: `INSERT … ON CONFLICT DO NOTHING`)".to_owned()
    } else {
        format!("`INSERT … ON CONFLICT ({key}) DO NOTHING RETURNING {first}`")
    };
    match lang {
        Lang::Go => format!(
            "create the row atomically with {insert}; when it creates nothing (`sql.ErrNoRows`, \
             or `RowsAffected() == 0`) another request holds the key: replay its result or \
             answer 409 instead of going on"
        ),
        Lang::Rust => format!(
            "create the row atomically with {insert} and `fetch_optional`; on `None` (or \
             `rows_affected() == 0`) another request holds the key: replay its result or answer \
             409 instead of going on"
        ),
        Lang::TypeScript => format!(
            "create the row atomically with {insert}; when it creates nothing (`rows.length === \
             0`, or `rowCount === 0`) another request holds the key: replay its result or \
             answer 409 instead of going on"
        ),
        Lang::Sql if mysql => format!(
            "create the row atomically with {insert}, and go on only when it inserted a row"
        ),
        // A Markdown code block is checked in the language it names, never as Markdown.
        Lang::Sql | Lang::Markdown => format!(
            "create the row atomically with {insert}, and go on only when it returned a row"
        ),
    }
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
    let calls = flow::calls(unit);
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
            || once_only_effect_after(unit, get.expr.span.end, cx);
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
        findings.push(finding.with_help(kv_help(cx.lang)));
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

fn kv_help(lang: Lang) -> String {
    match lang {
        Lang::Go => "set the key atomically with `SetNX(ctx, key, value, ttl)` (or `SetArgs` with \
                     `Mode: \"NX\"`), and go on only when it reports the key was set"
            .to_owned(),
        Lang::TypeScript => "set the key atomically with `set(key, value, 'NX')` (node-redis: \
                             `{ NX: true }`), and go on only when it answers `'OK'`"
            .to_owned(),
        _ => "set the key atomically with `set_nx(key, value)` (or `SET key value NX`), and go on \
              only when it reports the key was set"
            .to_owned(),
    }
}
