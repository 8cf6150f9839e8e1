//! `in-progress-reentry`: an idempotency record's status is read, and on a path where it can
//! be `in_progress` the request goes on to the side effect or completes the record anyway.
//!
//! This file is the rule: host code's walk from the read to the first claim or effect, a
//! script's next write of the record, and the findings. One idea a file besides:
//! - `status`: what a condition says about the record's status.
//! - `script`: what a SQL script's statements after a read ask, found once per unit.
//! - `callees`: the functions a unit calls: one that hands it a record it read, and what
//!   one called after the read does.

mod callees;
mod script;
mod status;

use std::cell::OnceCell;
use std::collections::HashSet;

use super::{Context, Rule, RuleMeta};
use crate::finding::{Applicability, Edit, Finding, Fix, Label, Severity};
use crate::flow::{self, QuerySite, Reach, Read, ReadOutcomes, Site};
use crate::knowledge::{Knowledge, OrmOpKind};
use crate::model::{Expr, ExprKind, Lang, Span, Stmt, StmtKind, Unit};
use crate::rules::Need;
use crate::semantic::{self, Sequence};
use crate::sql::{self, Statement, StatementKind, Value};
use callees::{Act, Called};
use script::Script;
use status::{Check, StatusClassifier};

pub struct InProgressReentry;

static META: RuleMeta = RuleMeta {
    name: "in-progress-reentry",
    summary: "a request that reads its idempotency record as in_progress goes on with the work",
    default_severity: Severity::Error,
    langs: Lang::ALL,
    doc: include_str!("../../../rules/in-progress-reentry.md"),
};

impl Rule for InProgressReentry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let facts = cx.facts(unit);
        let (sequence, queries) = (facts.sequence(), facts.queries());
        // A record can be handed back only by a function that queries: the calls are
        // followed only into files that can hold one.
        let reading = callees::follow(unit, facts.calls(), cx, Some(&callees::READS_RECORDS));
        let handed_back = callees::handed_back(&reading, cx);
        let script = OnceCell::new();
        // What the calls do is asked only after a read, which most units make none of.
        let called = OnceCell::new();
        let called = || {
            called.get_or_init(|| {
                callees::called(&callees::follow(unit, facts.calls(), cx, None), cx)
            })
        };
        let mut reported: HashSet<Span> = HashSet::new();
        let mut findings: Vec<Finding> = Vec::new();
        let mut report = |found: Option<Finding>| {
            if let Some(f) = found
                && reported.insert(f.primary.span.clone())
            {
                findings.push(f);
            }
        };
        for (position, read_q, select) in sequence.iter() {
            // A get-or-create (GORM's `FirstOrCreate`) claims the key in the same call, if
            // not atomically: its race is `check-then-insert`'s.
            let creates_too = (read_q.statements().iter())
                .any(|s| s.kind == StatementKind::Insert && s.table == select.table);
            if creates_too {
                continue;
            }
            let keys = select.lookup_keys();
            let status_read = reads_status(select, cx);
            if keys.is_empty() || !(status_read || reads_response(select, cx)) {
                continue;
            }
            let record = Record {
                read_q,
                select,
                keys: &keys,
                handed_back_by: None,
                response_only: !status_read,
                status_named: names_status(select, cx),
            };
            report(match read_q.call {
                Some(site) => record.host_reentry(unit, queries, called(), &site, cx),
                // A script can test no stored response: only its status reads count.
                None if record.response_only => None,
                None => {
                    let script = script.get_or_init(|| Script::new(unit, facts, cx));
                    record.script_reentry(sequence, position, read_q.span.end, script, cx)
                }
            });
        }
        // A record read by a function the unit calls arrives at the call.
        for handed in &handed_back {
            let keys = handed.select.lookup_keys();
            let record = Record {
                read_q: &handed.read,
                select: handed.select,
                keys: &keys,
                handed_back_by: Some(&handed.call),
                response_only: false,
                status_named: true,
            };
            let call = &handed.call;
            let found = record.host_reentry(unit, queries, called(), call, cx);
            // A SQL routine's own statements after the call run in order: its procedural
            // tests are not lowered, a quoted in-progress status between stands for one.
            let in_script = || {
                let script = script.get_or_init(|| Script::new(unit, facts, cx));
                let position = sequence.position_at(call.expr.span.start).checked_sub(1)?;
                record.script_reentry(sequence, position, call.expr.span.end, script, cx)
            };
            report(found.or_else(in_script));
        }
        findings
    }

    /// A SELECT from a table named like a dedup record.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        // The record's read: a SELECT (in host code, a string starting with it: Go's
        // `select` statement does not count) or an ORM's read, of a table named like a
        // dedup record.
        Need::all([
            Need::any([
                Need::all([
                    Need::statement(sql::SELECT_WORDS.iter().chain(&["with"])),
                    Need::sql_keywords(sql::SELECT_WORDS),
                ]),
                Need::orm_ops(knowledge, &[OrmOpKind::Select]),
            ]),
            Need::text(knowledge.dedup_record_words()),
        ])
    }

    /// A function that reads a record and hands it back, `in_progress` included: its
    /// callers are where the request goes on.
    fn feeds_callers(&self, unit: &Unit, cx: &Context) -> bool {
        !cx.facts(unit).queries().is_empty() && callees::status_read_handed_back(unit, cx).is_some()
    }
}

/// A SELECT of an idempotency (or dedup) record that returns its status.
fn reads_status(select: &Statement, cx: &Context) -> bool {
    reads_record_column(select, cx, |c| c == "*" || cx.knowledge.is_status_column(c))
}

/// Whether a SELECT names a status column among those it returns.
fn names_status(select: &Statement, cx: &Context) -> bool {
    (select.select_columns.iter()).any(|c| cx.knowledge.is_status_column(c))
}

/// A SELECT of an idempotency (or dedup) record that returns the response stored with it.
fn reads_response(select: &Statement, cx: &Context) -> bool {
    reads_record_column(select, cx, |c| cx.knowledge.names_stored_response(c))
}

fn reads_record_column(select: &Statement, cx: &Context, wanted: impl Fn(&str) -> bool) -> bool {
    let k = cx.knowledge;
    select.table.as_deref().is_some_and(|t| k.is_dedup_name(t))
        && select.select_columns.iter().any(|c| wanted(c))
}

/// Where the request goes on although the record may be `in_progress`.
struct Reentry {
    going: Going,
    /// The status checks on the way, none of which turns `in_progress` away.
    checks: Vec<Check>,
}

/// An effect that runs after the read: here, or in the function called here.
struct Going {
    span: Span,
    /// A side-effect call (`` `charge(…)` ``) or a completion UPDATE.
    what: Effect,
    /// The effect in the function called at `span`, when it is there.
    inside: Option<Label>,
}

enum Effect {
    Call(String),
    /// The request handed on to the next handler (`next()`): in a middleware, the work.
    HandsOn(String),
    Completion {
        /// The status column it sets.
        column: String,
        fix: Option<Fix>,
    },
}

/// What follows the read and decides the finding: an atomic claim (`effect` is `None`: the
/// database decides who goes on from there), or an effect.
struct Step<'a> {
    at: usize,
    stmt: &'a Stmt,
    effect: Option<Going>,
}

/// The status read, and the columns it looks the record up by.
struct Record<'q, 'a> {
    read_q: &'q QuerySite<'a>,
    select: &'q Statement,
    keys: &'q [&'q str],
    /// The call that handed the record back, when the read is in the function it reaches.
    handed_back_by: Option<&'q Site<'a>>,
    /// Whether the read returns the stored response but no status: the record's state is
    /// then told only by a test of the response, which the walk must meet.
    response_only: bool,
    /// Whether the read names a status column; a whole row (`SELECT *`, an ORM's read) may
    /// have none, and says it has one only by a test of it the walk meets.
    status_named: bool,
}

impl Record<'_, '_> {
    /// Host code: follows the status from the call that reads it (`site`) through the
    /// branches to the first claim, side effect or completion after it (among the unit's
    /// `queries` and `called`), and reports that one if it runs with the record possibly
    /// `in_progress`.
    fn host_reentry(
        &self,
        unit: &Unit,
        queries: &[QuerySite],
        called: &[Called],
        site: &Site,
        cx: &Context,
    ) -> Option<Finding> {
        let classifier = StatusClassifier::new(cx);
        let reach = flow::reach(unit, Read::of(site), &|atom, read| {
            classifier.test(atom, read)
        });
        if classifier.unclear() {
            return None;
        }
        let after = site.expr.span.end;
        let mut steps: Vec<Step> = Vec::new();
        let later = queries.partition_point(|q| q.span.start < after);
        for q in &queries[later..] {
            let Some(write) = q.call else { continue };
            for stmt in q.statements() {
                let effect = if self.claims(q, stmt, cx) {
                    None
                } else if let Some(effect) = self.completion(q, stmt, cx) {
                    Some(Going {
                        span: q.file_span(&stmt.keyword_span),
                        what: effect,
                        inside: None,
                    })
                } else {
                    continue;
                };
                steps.push(Step {
                    at: q.span.start,
                    stmt: write.stmt,
                    effect,
                });
            }
        }
        let from = called.partition_point(|call| call.site.expr.span.start < after);
        for call in &called[from..] {
            let Some(act) = call.acts.iter().find(|act| self.minds(act)) else {
                continue;
            };
            let Some(effect) = self.step_at_call(&call.site, act, cx) else {
                continue;
            };
            steps.push(Step {
                at: call.site.expr.span.start,
                stmt: call.site.stmt,
                effect,
            });
        }
        steps.sort_by_key(|step| step.at);
        // The first claim or effect on a path where the record can be `in_progress` decides.
        let step = steps.into_iter().find(|step| {
            reach
                .at(step.stmt)
                .is_some_and(|r| r.outcomes.overlaps(ReadOutcomes::IN_PROGRESS))
        })?;
        let going = step.effect?;
        if answers_conflict_before(unit, &reach, after, going.span.start, cx) {
            return None;
        }
        let checks = classifier.into_checks();
        if self.response_only && !checks.iter().any(|check| check.replays) {
            return None;
        }
        // A middleware that looks at neither the status nor a stored response replays what
        // it finds: its record is written after the handler, and has no in-progress state.
        // A whole row never tested for a state may have none either.
        let hands_on = matches!(&going.what, Effect::HandsOn(_));
        if (hands_on || !self.status_named) && checks.is_empty() {
            return None;
        }
        let found = Reentry { going, checks };
        Some(self.report(found, cx))
    }

    /// Whether an act of a call bears on this record: a claim or completion of another
    /// record does not.
    fn minds(&self, act: &Act) -> bool {
        match act {
            Act::TakesKey | Act::Effect(_) => true,
            Act::Writes(_, stmt) => self.same_record(stmt),
        }
    }

    /// The step a call makes by `act`: a claim (`None`: whoever holds the key goes on), or
    /// the effect it runs, itself or in the function it calls.
    fn step_at_call(&self, call: &Site, act: &Act, cx: &Context) -> Option<Option<Going>> {
        let span = call.expr.span.clone();
        let name = call.call.callee.dotted().unwrap_or_default();
        let going = match act {
            Act::TakesKey => None,
            Act::Effect(effect) if std::ptr::eq(effect.expr, call.expr) => Some(Going {
                span,
                what: if semantic::hands_on(call, cx.knowledge, cx.lang) {
                    Effect::HandsOn(name)
                } else {
                    Effect::Call(name)
                },
                inside: None,
            }),
            Act::Effect(effect) => {
                let inner = effect.call.callee.dotted().unwrap_or_default();
                Some(Going {
                    span,
                    what: Effect::Call(name),
                    inside: Some(Label::new(
                        effect.expr.span.clone(),
                        format!("`{inner}(…)` in it does the work again"),
                    )),
                })
            }
            Act::Writes(q, stmt) if self.claims(q, stmt, cx) => None,
            Act::Writes(q, stmt) => {
                let Effect::Completion { column, .. } = self.completion(q, stmt, cx)? else {
                    return None;
                };
                // The fix would edit the other file: the help says what to change there.
                Some(Going {
                    span,
                    inside: Some(Label::new(
                        q.file_span(&stmt.keyword_span),
                        completes_unguarded(&column),
                    )),
                    what: Effect::Completion { column, fix: None },
                })
            }
        };
        Some(going)
    }

    /// A SQL script: a completion UPDATE of the record later in the same transaction, with
    /// no check of the status in between. The record was read at the statement at
    /// `position`, which ends at `read_end` (the read, or the call handing the record back).
    fn script_reentry(
        &self,
        sequence: &Sequence,
        position: usize,
        read_end: usize,
        script: &Script,
        cx: &Context,
    ) -> Option<Finding> {
        let next = script.next_record_write(self.select.table.as_deref()?, self.keys, position)?;
        if sequence
            .transaction_end_after(position)
            .is_some_and(|end| end < next)
        {
            return None;
        }
        let (q, stmt) = sequence.get(next);
        if self.claims(q, stmt, cx) || script.named_queries.between(read_end, q.span.start) {
            return None;
        }
        let effect = self.completion(q, stmt, cx)?;
        if script.status_literals.between(read_end, q.span.start) {
            return None;
        }
        let found = Reentry {
            going: Going {
                span: q.file_span(&stmt.keyword_span),
                what: effect,
                inside: None,
            },
            checks: Vec::new(),
        };
        Some(self.report(found, cx))
    }

    /// Whether the statement writes the record's key in the read's table.
    fn same_record(&self, stmt: &Statement) -> bool {
        stmt.table == self.select.table
            && self.keys.iter().any(|k| {
                stmt.where_equals.iter().any(|c| c.column == *k)
                    || stmt.insert_columns.iter().any(|c| c == k)
            })
    }

    /// An atomic claim of the record: from here on, the database decides who goes on.
    fn claims(&self, q: &QuerySite, stmt: &Statement, cx: &Context) -> bool {
        self.same_record(stmt) && is_claim(q, stmt, cx)
    }

    /// An UPDATE of the record that sets its status to a final value with no guard on its
    /// current one.
    fn completion(&self, q: &QuerySite, stmt: &Statement, cx: &Context) -> Option<Effect> {
        if !self.same_record(stmt) {
            return None;
        }
        completion(q, stmt, cx)
    }

    fn report(&self, found: Reentry, cx: &Context) -> Finding {
        let table = self.select.table.as_deref().unwrap_or("the record");
        let going = found.going;
        let runs = "runs even when the record is `in_progress`".to_owned();
        let (message, primary, fix) = match going.what {
            Effect::HandsOn(name) => (
                format!(
                    "a request that finds its key `in_progress` is still handed on to `{name}(…)`: \
                     a retry runs the handler again while the first attempt is still running"
                ),
                runs,
                None,
            ),
            Effect::Call(name) => (
                format!(
                    "a request that finds its key `in_progress` still goes on to `{name}(…)`: a \
                     retry repeats the work while the first attempt is still running"
                ),
                runs,
                None,
            ),
            Effect::Completion { column, fix } => (
                "a request that finds its key `in_progress` still completes the record: a retry \
                 finishes, and answers for, work that the first attempt is still doing"
                    .to_owned(),
                if going.inside.is_some() {
                    runs
                } else {
                    completes_unguarded(&column)
                },
                fix,
            ),
        };
        let mut finding = Finding::new(META.name, message, Label::new(going.span, primary))
            .with_secondary(Label::new(
                self.read_q.file_span(&self.select.keyword_span),
                if self.response_only {
                    format!(
                        "reads the stored response from `{table}`: there is none yet while \
                         another request holds the key"
                    )
                } else {
                    format!(
                        "reads the status from `{table}`: it is `in_progress` while another \
                         request holds the key"
                    )
                },
            ));
        if let Some(call) = self.handed_back_by {
            let name = call.call.callee.dotted().unwrap_or_default();
            finding = finding.with_secondary(Label::new(
                call.expr.span.clone(),
                format!("`{name}(…)` hands the record back, `in_progress` included"),
            ));
        }
        if let Some(inside) = going.inside {
            finding = finding.with_secondary(inside);
        }
        if let Some(check) = found.checks.first() {
            let why = if check.replays {
                "this replays stored responses only: a record without one is `in_progress`, and \
                 goes on"
            } else {
                "this checks other states only: `in_progress` goes on"
            };
            finding = finding.with_secondary(Label::new(check.span.clone(), why));
        }
        finding = finding.with_help(if self.response_only {
            REPLAY_HELP.to_owned()
        } else {
            help(cx)
        });
        if let Some(fix) = fix {
            finding = finding.with_fix(fix);
        }
        finding
    }
}

fn completes_unguarded(column: &str) -> String {
    format!(
        "completes the record whatever its {column} is now: no `AND {column} = 'in_progress'` guard"
    )
}

/// A claim of whatever record it writes: an INSERT (with `ON CONFLICT`, or without, when a
/// record already there makes it fail on the key), an UPDATE guarded on the status.
fn is_claim(q: &QuerySite, stmt: &Statement, cx: &Context) -> bool {
    stmt.kind == StatementKind::Insert
        || stmt.kind == StatementKind::Update && guards_status(q, stmt, cx)
}

/// An UPDATE that sets a status to a final value with no guard on its current one.
fn completion(q: &QuerySite, stmt: &Statement, cx: &Context) -> Option<Effect> {
    let k = cx.knowledge;
    if stmt.kind != StatementKind::Update || guards_status(q, stmt, cx) {
        return None;
    }
    let status = stmt.set_columns.iter().find(|c| {
        k.is_status_column(&c.column)
            && matches!(&c.value, Value::Text(v) if !k.is_in_progress_status(v))
    })?;
    let in_progress = k.in_progress_statuses.first()?;
    // Unsafe: the guard names the first in-progress status idemlint knows, which may not be
    // the one this code claims with, and a completion that no longer matches its row updates
    // nothing without an error: the author must check the status and the rows affected.
    let fix = (stmt.returning.is_none()).then(|| {
        let at = q.file_span(&(stmt.end..stmt.end)).start;
        Fix {
            description: format!(
                "complete only the attempt that owns the record: add `AND {} = '{in_progress}'`",
                status.column
            ),
            edits: vec![Edit {
                span: at..at,
                replacement: format!(" AND {} = '{in_progress}'", status.column),
            }],
            applicability: Applicability::Unsafe,
        }
    });
    Some(Effect::Completion {
        column: status.column.clone(),
        fix,
    })
}

/// Whether, between the read and the effect, on a path where the record can be
/// `in_progress`, some branch leaves with a conflict answer (409, `ErrConflict`): the code
/// turns requests away on a condition the rule could not read, so it cannot tell.
fn answers_conflict_before(
    unit: &Unit,
    reach: &Reach,
    from: usize,
    to: usize,
    cx: &Context,
) -> bool {
    flow::stmts_after(&unit.body, from).any(|stmt| {
        let StmtKind::Branch { arms, .. } = &stmt.kind else {
            return false;
        };
        stmt.span.end <= to
            && arms.iter().any(|arm| {
                let entered = arm.body.stmts.first().and_then(|first| reach.at(first));
                entered.is_some_and(|r| r.outcomes.overlaps(ReadOutcomes::IN_PROGRESS))
                    && flow::block_diverges(&arm.body)
                    && arm
                        .body
                        .all_stmts()
                        .iter()
                        .flat_map(|s| s.exprs())
                        .flat_map(Expr::walk)
                        .any(|e| says_conflict(e, cx))
            })
    })
}

/// Whether an expression is a "someone else is on it" answer: `409`, `StatusConflict`,
/// `ErrConflict`, `"conflict"`.
fn says_conflict(e: &Expr, cx: &Context) -> bool {
    let k = cx.knowledge;
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            e.dotted().is_some_and(|n| k.is_conflict_answer(&n))
        }
        ExprKind::Number { text, .. } => k.is_conflict_answer(text),
        ExprKind::Str(s) => k.is_conflict_answer(&s.value),
        _ => false,
    }
}

/// Whether an UPDATE's WHERE clause looks at the status (`AND status = 'in_progress'`,
/// `status <> 'completed'`).
fn guards_status(q: &QuerySite, stmt: &Statement, cx: &Context) -> bool {
    let k = cx.knowledge;
    if stmt
        .where_equals
        .iter()
        .any(|c| k.is_status_column(&c.column))
    {
        return true;
    }
    let text = q.sql.text.value.get(stmt.span.clone()).unwrap_or("");
    let lower = text.to_ascii_lowercase();
    let Some(at) = lower.find("where") else {
        return false;
    };
    lower[at..]
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| k.is_status_column(word))
}

/// The help when the code tells a finished record from a running one by its stored
/// response alone.
const REPLAY_HELP: &str = "a record found without a stored response belongs to a request that \
                           is still running: answer 409 Conflict (or 425 with `Retry-After`) \
                           for it instead of going on, and claim the key atomically (`INSERT … \
                           ON CONFLICT DO NOTHING RETURNING key`) before the work";

fn help(cx: &Context) -> String {
    let cas = "make completion a compare-and-set: `UPDATE … SET status = 'completed' … WHERE key \
               = $1 AND status = 'in_progress'`";
    cx.profile().in_progress_help(cas)
}
