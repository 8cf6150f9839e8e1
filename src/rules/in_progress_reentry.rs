//! `in-progress-reentry`: an idempotency record's status is read, and on a path where it can
//! be `in_progress` the request goes on to the side effect or completes the record anyway.

use std::cell::{Cell, RefCell};

use super::check_then_insert::lookup_keys;
use super::{Context, Rule, RuleMeta};
use crate::finding::{Edit, Finding, Fix, Label, Severity};
use crate::flow::{self, Atom, Outcomes, QuerySite, Reach, Read, Site, Test};
use crate::knowledge::Knowledge;
use crate::model::{BinOp, CallRole, Expr, ExprKind, Lang, Span, Stmt, StmtKind, Unit};
use crate::prefilter::Need;
use crate::sql::{self, Statement, StatementKind, Value};

pub struct InProgressReentry;

static META: RuleMeta = RuleMeta {
    name: "in-progress-reentry",
    summary: "a request that reads its idempotency record as in_progress goes on with the work",
    default_severity: Severity::Error,
    langs: &[Lang::Go, Lang::Rust, Lang::Sql, Lang::TypeScript],
    doc: include_str!("../../rules/in-progress-reentry.md"),
};

impl Rule for InProgressReentry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let queries = flow::queries(unit);
        let mut findings: Vec<Finding> = Vec::new();
        for (qi, read_q) in queries.iter().enumerate() {
            for (si, select) in read_q.statements().iter().enumerate() {
                let keys = lookup_keys(select);
                if keys.is_empty() || !reads_status(select, cx) {
                    continue;
                }
                let record = Record {
                    read_q,
                    select,
                    keys: &keys,
                };
                let found = match read_q.call {
                    Some(site) => record.host_reentry(unit, &queries[qi..], &site, cx),
                    None => record.script_reentry(&queries, qi, si, cx),
                };
                if let Some(f) = found
                    && !findings.iter().any(|g| g.primary.span == f.primary.span)
                {
                    findings.push(f);
                }
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
        for call in flow::calls(unit) {
            let name = call.call.callee.dotted().unwrap_or_default();
            if call.expr.span.start >= after
                && matches!(call.call.role, CallRole::Unknown)
                && cx.knowledge.is_side_effect(&name)
            {
                steps.push(Step {
                    at: call.expr.span.start,
                    stmt: call.stmt,
                    effect: Some((call.expr.span.clone(), Effect::Call(name))),
                });
            }
        }
        steps.sort_by_key(|step| step.at);
        // The first claim or effect on a path where the record can be `in_progress` decides.
        let step = steps.into_iter().find(|step| {
            reach
                .at(step.stmt)
                .is_some_and(|r| r.outcomes.overlaps(Outcomes::IN_PROGRESS))
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
        queries: &[QuerySite],
        qi: usize,
        si: usize,
        cx: &Context,
    ) -> Option<Finding> {
        for (q, stmt) in flow::statements_after(queries, qi, si) {
            if matches!(stmt.kind, StatementKind::Commit | StatementKind::Rollback)
                || self.claims(q, stmt, cx)
                || flow::named_query_between(cx.source, self.read_q.span.end, q.span.start)
            {
                return None;
            }
            let Some(effect) = self.completion(q, stmt, cx) else {
                continue;
            };
            if checks_in_progress_between(self.read_q.span.end, q.span.start, cx) {
                return None;
            }
            let found = Reentry {
                span: q.file_span(&stmt.keyword_span),
                what: effect,
                checks: Vec::new(),
            };
            return Some(self.report(found, cx));
        }
        None
    }

    /// Whether the statement writes the record's key in the read's table.
    fn same_record(&self, stmt: &Statement) -> bool {
        stmt.table == self.select.table
            && self.keys.iter().any(|k| {
                stmt.where_equals.iter().any(|c| c.column == *k)
                    || stmt.insert_columns.iter().any(|c| c == k)
            })
    }

    /// An atomic claim of the record: from here on, the database decides who goes on
    /// (`INSERT … ON CONFLICT`, an UPDATE guarded on the status).
    fn claims(&self, q: &QuerySite, stmt: &Statement, cx: &Context) -> bool {
        self.same_record(stmt)
            && (stmt.kind == StatementKind::Insert && stmt.on_conflict.is_some()
                || stmt.kind == StatementKind::Update && guards_status(q, stmt, cx))
    }

    /// An UPDATE that sets the record's status to a final value with no guard on its
    /// current one.
    fn completion(&self, q: &QuerySite, stmt: &Statement, cx: &Context) -> Option<Effect> {
        let k = cx.knowledge;
        if stmt.kind != StatementKind::Update
            || !self.same_record(stmt)
            || guards_status(q, stmt, cx)
        {
            return None;
        }
        let status = stmt.set_columns.iter().find(|c| {
            k.is_status_column(&c.column)
                && matches!(&c.value, Value::Text(v) if !k.is_in_progress_status(v))
        })?;
        let in_progress = k.in_progress_statuses.first()?;
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
            }
        });
        Some(Effect::Completion {
            column: status.column.clone(),
            fix,
        })
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
        finding = finding.with_help(help(cx.lang));
        if let Some(fix) = fix {
            finding = finding.with_fix(fix);
        }
        finding
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
                entered.is_some_and(|r| r.outcomes.overlaps(Outcomes::IN_PROGRESS))
                    && Stmt::block_diverges(&arm.body)
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

/// Whether the script between two offsets, comments aside, compares anything with an
/// in-progress status: a PL/pgSQL `IF v_status = 'in_progress' THEN RAISE …`, which the
/// model does not carry.
fn checks_in_progress_between(from: usize, to: usize, cx: &Context) -> bool {
    let Some(text) = cx.source.get(from..to) else {
        return false;
    };
    text.lines()
        .map(|line| {
            line.split("--")
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
        .any(|code| {
            cx.knowledge
                .in_progress_statuses
                .iter()
                .any(|status| code.contains(&format!("'{status}'")))
        })
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
            Some(Test::exact(Outcomes::IN_PROGRESS))
        }
        ExprKind::Str(s) if k.is_settled_status(&s.value) => Some(Test::at_most(Outcomes::SETTLED)),
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
        Some(Test::exact(Outcomes::IN_PROGRESS))
    } else if k.names_settled(name) {
        Some(Test::at_most(Outcomes::SETTLED))
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

fn help(lang: Lang) -> String {
    let cas = "make completion a compare-and-set: `UPDATE … SET status = 'completed' … WHERE key \
               = $1 AND status = 'in_progress'`";
    match lang {
        Lang::Go => format!(
            "answer 409 Conflict when the status is `in_progress` (`if rec.Status == \
             \"in_progress\" {{ return nil, ErrConflict }}`) before doing the work, and {cas}"
        ),
        Lang::Rust => format!(
            "return a 409 Conflict error when the status is `in_progress` (`if rec.status == \
             \"in_progress\" {{ return Err(Error::Conflict) }}`) before doing the work, and {cas}"
        ),
        Lang::TypeScript => format!(
            "answer 409 Conflict when the status is `in_progress` (`if (rec.status === \
             \"in_progress\") throw new ConflictError()`) before doing the work, and {cas}"
        ),
        // A Markdown code block is checked in the language it names, never as Markdown.
        Lang::Sql | Lang::Markdown => format!(
            "answer 409 on `in_progress` instead of doing the work (raise, or return nothing to \
             the caller), and {cas}"
        ),
    }
}
