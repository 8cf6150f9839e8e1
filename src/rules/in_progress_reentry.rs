//! `in-progress-reentry`: an idempotency record's status is read, and on a path where it can
//! be `in_progress` the request goes on to the side effect or completes the record anyway.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{HashMap, HashSet};

use super::{Context, Rule, RuleMeta};
use crate::finding::{Applicability, Edit, Finding, Fix, Label, Severity};
use crate::flow::{self, Atom, QuerySite, Reach, Read, ReadOutcomes, Site, Test};
use crate::knowledge::Knowledge;
use crate::model::{BinOp, Expr, ExprKind, Lang, Span, Stmt, StmtKind, Unit};
use crate::rules::Need;
use crate::semantic::{self, NamedQueries, Sequence, UnitFacts};
use crate::sql::{self, Statement, StatementKind, Value};

pub struct InProgressReentry;

static META: RuleMeta = RuleMeta {
    name: "in-progress-reentry",
    summary: "a request that reads its idempotency record as in_progress goes on with the work",
    default_severity: Severity::Error,
    langs: Lang::ALL,
    doc: include_str!("../../rules/in-progress-reentry.md"),
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

/// What a script's status reads ask about the statements and the text after them, found
/// once per unit.
struct Script<'s> {
    /// The positions of the claims and completions, by table and by each column they could
    /// key the record by (a WHERE equality, an inserted column), in order.
    record_writes: HashMap<(&'s str, &'s str), Vec<usize>>,
    named_queries: &'s NamedQueries<'s>,
    status_literals: StatusLiterals,
}

impl<'s> Script<'s> {
    fn new(unit: &Unit, facts: &'s UnitFacts<'_>, cx: &Context) -> Script<'s> {
        let mut record_writes: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (position, q, stmt) in facts.sequence().iter() {
            let Some(table) = stmt.table.as_deref() else {
                continue;
            };
            if !is_claim(q, stmt, cx) && completion(q, stmt, cx).is_none() {
                continue;
            }
            let columns = (stmt.where_equals.iter().map(|c| c.column.as_str()))
                .chain(stmt.insert_columns.iter().map(String::as_str));
            for column in columns {
                let positions = record_writes.entry((table, column)).or_default();
                if positions.last() != Some(&position) {
                    positions.push(position);
                }
            }
        }
        Script {
            record_writes,
            named_queries: facts.named_queries(),
            status_literals: StatusLiterals::new(cx.source, &unit.span, cx.knowledge),
        }
    }

    /// The first claim or completion after `position` of a record of `table` keyed by one
    /// of `keys`.
    fn next_record_write(&self, table: &str, keys: &[&str], position: usize) -> Option<usize> {
        keys.iter()
            .filter_map(|key| {
                let positions = self.record_writes.get(&(table, *key))?;
                semantic::first_after(positions, position)
            })
            .min()
    }
}

/// The in-progress statuses quoted in a script's text (a PL/pgSQL `IF v_status =
/// 'in_progress' THEN RAISE …`, which the model does not carry), found once, so that asking
/// whether the code between two statements compares one does not read that code again.
struct StatusLiterals {
    /// Each one, in order.
    found: Vec<StatusLiteral>,
    /// The indices in `found` of those with no `--` before them on their line.
    in_code: Vec<usize>,
}

struct StatusLiteral {
    span: Span,
    /// The last `--` before it on its line.
    comment_before: Option<usize>,
}

impl StatusLiterals {
    fn new(source: &str, span: &Span, k: &Knowledge) -> StatusLiterals {
        let text = source
            .get(span.clone())
            .unwrap_or_default()
            .to_ascii_lowercase();
        crate::work::step(text.len() / 64);
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for status in &k.in_progress_statuses {
            let quoted = format!("'{status}'");
            let mut from = 0;
            // Overlapping ones too: `'a'a'` quotes `a` twice.
            while let Some(at) = text[from..].find(&quoted) {
                starts.push((from + at, quoted.len()));
                from += at + 1;
            }
        }
        starts.sort_unstable();
        // The last `--` of the line so far, read once up to each literal.
        let bytes = text.as_bytes();
        let mut comment_before = None;
        let mut scanned = 0;
        let mut found = Vec::with_capacity(starts.len());
        for (start, len) in starts {
            while scanned < start {
                if bytes[scanned] == b'\n' {
                    comment_before = None;
                } else if bytes[scanned..].starts_with(b"--") {
                    comment_before = Some(span.start + scanned);
                }
                scanned += 1;
            }
            found.push(StatusLiteral {
                span: span.start + start..span.start + start + len,
                comment_before,
            });
        }
        let in_code = (found.iter().enumerate())
            .filter(|(_, literal)| literal.comment_before.is_none())
            .map(|(i, _)| i)
            .collect();
        StatusLiterals { found, in_code }
    }

    /// Whether the code between two offsets, comments aside, holds one: on the first line
    /// from `from`, before any `--` after `from`; on the others, before any `--`.
    fn between(&self, from: usize, to: usize) -> bool {
        crate::work::step(1);
        if from > to {
            return false;
        }
        let first = self.found.partition_point(|l| l.span.start < from);
        let in_code = |literal: &&StatusLiteral| literal.comment_before.is_none_or(|c| c < from);
        // Literals do not nest: the first one in code is the first to end.
        let literal = self.found.get(first).filter(in_code).or_else(|| {
            let next = self.in_code.partition_point(|&i| i < first);
            self.in_code.get(next).map(|&i| &self.found[i])
        });
        literal.is_some_and(|l| l.span.end <= to)
    }
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

/// What a condition says about the record's status: `status == "completed"` (may hold
/// for a finished record), `status != "in_progress"`, `rec.IsPending()`, a `case` or match
/// arm on the status. `None` when it is no status check. A status compared with a value
/// that names no known state makes the read unclear, and the rule silent.
fn status_test(atom: Atom, read: &Read, cx: &Context, unclear: &Cell<bool>) -> Option<Test> {
    match atom {
        Atom::Cond(cond) => match &cond.kind {
            ExprKind::Binary {
                op: op @ (BinOp::Eq | BinOp::Ne),
                lhs,
                rhs,
            } => {
                let test = compared_status(lhs, rhs, read, cx, unclear)
                    .or_else(|| compared_status(rhs, lhs, read, cx, unclear))?;
                Some(if *op == BinOp::Ne { !test } else { test })
            }
            ExprKind::Call(call) => match &call.callee.kind {
                ExprKind::Field { base, name } if read.refers(base) => status_name_test(name, cx),
                _ => None,
            },
            _ => None,
        },
        Atom::Pattern { subject, pattern } => {
            if !read.refers(subject) {
                return None;
            }
            match &pattern.kind {
                ExprKind::Str(_) => compared_status(subject, pattern, read, cx, unclear),
                ExprKind::Name(n) if n.contains('.') || n.starts_with(char::is_uppercase) => {
                    compared_status(subject, pattern, read, cx, unclear)
                }
                _ => None,
            }
        }
    }
}

/// `state == value` where `state` is taken from the read and `value` names a state.
fn compared_status(
    state: &Expr,
    value: &Expr,
    read: &Read,
    cx: &Context,
    unclear: &Cell<bool>,
) -> Option<Test> {
    if !read.refers(state) || read.refers(value) {
        return None;
    }
    let k = cx.knowledge;
    let test = match &flow::strip(value).kind {
        ExprKind::Str(s) if k.is_in_progress_status(&s.value) => {
            Some(Test::exact(ReadOutcomes::IN_PROGRESS))
        }
        ExprKind::Str(s) if k.is_settled_status(&s.value) => {
            Some(Test::at_most(ReadOutcomes::SETTLED))
        }
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            value.dotted().and_then(|name| status_name_test(&name, cx))
        }
        _ => None,
    };
    if test.is_none() && holds_status(state, cx) {
        unclear.set(true);
    }
    test
}

/// What a constant, variant or method name says: `StatusInProgress`, `Status::Done`,
/// `is_pending`.
fn status_name_test(name: &str, cx: &Context) -> Option<Test> {
    let k = cx.knowledge;
    if k.names_in_progress(name) {
        Some(Test::exact(ReadOutcomes::IN_PROGRESS))
    } else if k.names_settled(name) {
        Some(Test::at_most(ReadOutcomes::SETTLED))
    } else {
        None
    }
}

/// Whether an expression reads a status column (`rec.Status`, `row.get("status")`).
fn holds_status(expr: &Expr, cx: &Context) -> bool {
    let k = cx.knowledge;
    expr.walk().into_iter().any(|e| match &e.kind {
        ExprKind::Name(_) | ExprKind::Field { .. } => {
            e.last_segment().is_some_and(|n| k.is_status_column(n))
        }
        ExprKind::Str(s) => k.is_status_column(&s.value),
        _ => false,
    })
}

fn help(cx: &Context) -> String {
    let cas = "make completion a compare-and-set: `UPDATE … SET status = 'completed' … WHERE key \
               = $1 AND status = 'in_progress'`";
    cx.profile().in_progress_help(cas)
}
