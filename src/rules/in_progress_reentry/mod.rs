//! `in-progress-reentry`: an idempotency record's status is read, and on a path where it can
//! be `in_progress` the request goes on to the side effect or completes the record anyway.
//!
//! This file is the rule: host code's walk from the read to the first claim or effect, a
//! script's next write of the record, and the findings. One idea a file besides:
//! - `status`: what a condition says about the record's status.
//! - `script`: what a SQL script's statements after a read ask, found once per unit.

mod script;
mod status;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashSet;

use super::{Context, Rule, RuleMeta};
use crate::finding::{Applicability, Edit, Finding, Fix, Label, Severity};
use crate::flow::{self, Atom, QuerySite, Reach, Read, ReadOutcomes, Site};
use crate::knowledge::Knowledge;
use crate::model::{Expr, ExprKind, Lang, Span, Stmt, StmtKind, Unit};
use crate::rules::Need;
use crate::semantic::Sequence;
use crate::sql::{self, Statement, StatementKind, Value};
use script::Script;
use status::status_test;

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
        let script = OnceCell::new();
        let side_effects = OnceCell::new();
        let mut reported: HashSet<Span> = HashSet::new();
        let mut findings: Vec<Finding> = Vec::new();
        for (position, read_q, select) in sequence.iter() {
            let keys = select.lookup_keys();
            if keys.is_empty() || !reads_status(select, cx) {
                continue;
            }
            let record = Record {
                read_q,
                select,
                keys: &keys,
            };
            let found = match read_q.call {
                Some(site) => {
                    let qi = sequence.query_index(position);
                    let side_effects = side_effects.get_or_init(|| side_effect_calls(unit, cx));
                    record.host_reentry(unit, &queries[qi..], side_effects, &site, cx)
                }
                None => {
                    let script = script.get_or_init(|| Script::new(unit, facts, cx));
                    record.script_reentry(sequence, position, script, cx)
                }
            };
            if let Some(f) = found
                && reported.insert(f.primary.span.clone())
            {
                findings.push(f);
            }
        }
        findings
    }

    /// A SELECT from a table named like a dedup record.
    fn needs(&self, knowledge: &Knowledge) -> Need {
        Need::all([
            Need::sql(),
            Need::keywords(sql::SELECT_WORDS),
            Need::text(&knowledge.dedup_name_hints),
        ])
    }
}

/// A SELECT of an idempotency (or dedup) record that returns its status.
fn reads_status(select: &Statement, cx: &Context) -> bool {
    let k = cx.knowledge;
    select.table.as_deref().is_some_and(|t| k.is_dedup_name(t))
        && select
            .select_columns
            .iter()
            .any(|c| c == "*" || k.is_status_column(c))
}

/// Where the request goes on although the record may be `in_progress`.
struct Reentry {
    span: Span,
    /// A side-effect call (`` `charge(…)` ``) or a completion UPDATE.
    what: Effect,
    /// The status checks on the way, none of which turns `in_progress` away.
    checks: Vec<Span>,
}

enum Effect {
    Call(String),
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
    effect: Option<(Span, Effect)>,
}

/// The status read, and the columns it looks the record up by.
struct Record<'q, 'a> {
    read_q: &'q QuerySite<'a>,
    select: &'q Statement,
    keys: &'q [&'q str],
}

impl Record<'_, '_> {
    /// Host code: follows the status through the branches to the first side effect or
    /// completion that runs with the record possibly `in_progress`.
    fn host_reentry(
        &self,
        unit: &Unit,
        later: &[QuerySite],
        side_effects: &[(Site, String)],
        site: &Site,
        cx: &Context,
    ) -> Option<Finding> {
        let unclear = Cell::new(false);
        let checks: RefCell<Vec<Span>> = RefCell::new(Vec::new());
        let classify = |atom: Atom, read: &Read| match status_test(atom, read, cx, &unclear) {
            Some(test) => {
                let (Atom::Cond(tested)
                | Atom::Pattern {
                    pattern: tested, ..
                }) = atom;
                checks.borrow_mut().push(tested.span.clone());
                test
            }
            None => flow::existence_test(atom, read, cx.lang, cx.knowledge),
        };
        let reach = flow::reach(unit, Read::of(site), &classify);
        if unclear.get() {
            return None;
        }
        let after = self.read_q.span.end;
        let mut steps: Vec<Step> = Vec::new();
        for q in later.iter().skip(1) {
            let Some(write) = q.call else { continue };
            for stmt in q.statements() {
                let effect = if self.claims(q, stmt, cx) {
                    None
                } else if let Some(effect) = self.completion(q, stmt, cx) {
                    Some((q.file_span(&stmt.keyword_span), effect))
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
        let from = side_effects.partition_point(|(call, _)| call.expr.span.start < after);
        for (call, name) in &side_effects[from..] {
            steps.push(Step {
                at: call.expr.span.start,
                stmt: call.stmt,
                effect: Some((call.expr.span.clone(), Effect::Call(name.clone()))),
            });
        }
        steps.sort_by_key(|step| step.at);
        // The first claim or effect on a path where the record can be `in_progress` decides.
        let step = steps.into_iter().find(|step| {
            reach
                .at(step.stmt)
                .is_some_and(|r| r.outcomes.overlaps(ReadOutcomes::IN_PROGRESS))
        })?;
        let (span, what) = step.effect?;
        if answers_conflict_before(unit, &reach, after, span.start, cx) {
            return None;
        }
        let found = Reentry {
            span,
            what,
            checks: checks.take(),
        };
        Some(self.report(found, cx))
    }

    /// A SQL script: a completion UPDATE of the record later in the same transaction, with
    /// no check of the status in between.
    fn script_reentry(
        &self,
        sequence: &Sequence,
        position: usize,
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
        if self.claims(q, stmt, cx)
            || script
                .named_queries
                .between(self.read_q.span.end, q.span.start)
        {
            return None;
        }
        let effect = self.completion(q, stmt, cx)?;
        if script
            .status_literals
            .between(self.read_q.span.end, q.span.start)
        {
            return None;
        }
        let found = Reentry {
            span: q.file_span(&stmt.keyword_span),
            what: effect,
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
        let (message, primary, fix) = match found.what {
            Effect::Call(name) => (
                format!(
                    "a request that finds its key `in_progress` still goes on to `{name}(…)`: a \
                     retry repeats the work while the first attempt is still running"
                ),
                "runs even when the record is `in_progress`".to_owned(),
                None,
            ),
            Effect::Completion { column, fix } => (
                "a request that finds its key `in_progress` still completes the record: a retry \
                 finishes, and answers for, work that the first attempt is still doing"
                    .to_owned(),
                format!(
                    "completes the record whatever its {column} is now: no `AND {column} = \
                     'in_progress'` guard"
                ),
                fix,
            ),
        };
        let mut finding = Finding::new(META.name, message, Label::new(found.span, primary))
            .with_secondary(Label::new(
                self.read_q.file_span(&self.select.keyword_span),
                format!(
                    "reads the status from `{table}`: it is `in_progress` while another request \
                     holds the key"
                ),
            ));
        if let Some(check) = found.checks.first() {
            finding = finding.with_secondary(Label::new(
                check.clone(),
                "this checks other states only: `in_progress` goes on",
            ));
        }
        finding = finding.with_help(help(cx));
        if let Some(fix) = fix {
            finding = finding.with_fix(fix);
        }
        finding
    }
}

/// The calls of the unit that do something once-only (send, charge, publish), in source
/// order, with their names.
fn side_effect_calls<'a>(unit: &Unit, cx: &'a Context) -> Vec<(Site<'a>, String)> {
    cx.facts(unit)
        .once_only_effects()
        .iter()
        .map(|&site| (site, site.call.callee.dotted().unwrap_or_default()))
        .collect()
}

/// A claim of whatever record it writes (`INSERT … ON CONFLICT`, an UPDATE guarded on the
/// status).
fn is_claim(q: &QuerySite, stmt: &Statement, cx: &Context) -> bool {
    stmt.kind == StatementKind::Insert && stmt.on_conflict.is_some()
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
    let k = cx.knowledge;
    let says_conflict = |e: &&Expr| match &e.kind {
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            e.dotted().is_some_and(|n| k.is_conflict_answer(&n))
        }
        ExprKind::Number { text, .. } => k.is_conflict_answer(text),
        ExprKind::Str(s) => k.is_conflict_answer(&s.value),
        _ => false,
    };
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
                        .any(|e| says_conflict(&e))
            })
    })
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

fn help(cx: &Context) -> String {
    let cas = "make completion a compare-and-set: `UPDATE … SET status = 'completed' … WHERE key \
               = $1 AND status = 'in_progress'`";
    cx.profile().in_progress_help(cas)
}
