//! Data flow over the model that several rules need: where the outcome of a call goes,
//! which variables carry it on, and whether a later condition looks at them.
//!
//! All of it is language-blind. It leans on two conventions that hold in the host
//! languages idemlint reads: a multi-value assignment puts the error last (Go), and an
//! error variable is named like one (`err`, `e`, `error`) when it stands alone.

use std::collections::BTreeSet;

use crate::knowledge::Knowledge;
use crate::model::{
    BinOp, Block, Call, CallRole, Expr, ExprKind, Guard, Lang, Outcome, Query, Span, SqlText, Stmt,
    StmtKind, TargetKind, UnOp, Unit,
};
use crate::sql;

/// A call found in a unit, with the statement it stands in.
#[derive(Clone, Copy)]
pub struct Site<'a> {
    pub stmt: &'a Stmt,
    pub expr: &'a Expr,
    pub call: &'a Call,
}

impl<'a> Site<'a> {
    pub fn query(&self) -> Option<&'a Query> {
        match &self.call.role {
            CallRole::Query(q) => Some(q),
            _ => None,
        }
    }
}

/// Every call of the unit outside closures, in source order, with its statement.
/// A statement's own expressions come before those of the blocks nested in it.
pub fn calls(unit: &Unit) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for stmt in unit.body.all_stmts() {
        for root in stmt.exprs() {
            for expr in root.walk() {
                if let ExprKind::Call(call) = &expr.kind {
                    out.push(Site { stmt, expr, call });
                }
            }
        }
    }
    out.sort_by_key(|s| (s.expr.span.start, std::cmp::Reverse(s.expr.span.end)));
    out
}

/// Where the value of a call goes, at the statement where it is made.
#[derive(Debug, Default, Clone)]
pub struct Binding {
    /// Variables that hold the call's value, or values read out of it (`Scan(&id)`).
    pub values: Vec<String>,
    /// The variable that holds the call's error, if it is kept apart (Go's `err`).
    pub error: Option<String>,
    /// `?` is applied: an error leaves the unit at once.
    pub propagated: bool,
    /// The value is tested where it is made: an `if`/`match` on the call itself, a
    /// `let … else` that diverges, or it is returned to the caller.
    pub tested_in_place: bool,
}

impl Binding {
    /// Nothing keeps or tests the call's value.
    pub fn discards_value(&self) -> bool {
        self.values.is_empty() && !self.tested_in_place
    }
}

/// How the value of `site`'s call is bound.
pub fn binding(site: &Site) -> Binding {
    let mut b = Binding {
        propagated: chain_above(site.stmt, site.expr)
            .iter()
            .any(|e| matches!(e.kind, ExprKind::Try(_))),
        values: scan_destinations(site.stmt, site.expr),
        ..Binding::default()
    };
    match &site.stmt.kind {
        StmtKind::Assign {
            targets,
            else_block,
            value,
            ..
        } if contains(value, site.expr) => {
            let names: Vec<Option<&str>> = targets
                .iter()
                .map(|t| match &t.kind {
                    TargetKind::Name(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect();
            b.tested_in_place = else_block.as_ref().is_some_and(Stmt::block_diverges);
            match names.as_slice() {
                [only] => match only {
                    Some(n) if is_error_name(n) => b.error = Some((*n).to_owned()),
                    Some(n) => b.values.push((*n).to_owned()),
                    None => {}
                },
                [values @ .., last] => {
                    b.error = last.map(str::to_owned);
                    b.values
                        .extend(values.iter().flatten().map(|n| (*n).to_owned()));
                }
                [] => {}
            }
            for t in targets {
                if let TargetKind::Place(p) = &t.kind {
                    b.values.extend(pattern_names(p));
                }
            }
        }
        StmtKind::Branch { .. } | StmtKind::Loop(_) | StmtKind::Return(_) => {
            b.tested_in_place = true;
        }
        _ => {}
    }
    b
}

/// Whether a name is what code calls an error variable.
pub fn is_error_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "e" || lower.starts_with("err") || lower.ends_with("err") || lower.ends_with("error")
}

/// The variables bound inside a destructuring pattern (`Some(row)`, `Ok((a, b))`).
fn pattern_names(pattern: &Expr) -> Vec<String> {
    pattern
        .walk()
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Name(n)
                if !n.contains('.') && n.chars().next().is_some_and(char::is_lowercase) =>
            {
                Some(n.clone())
            }
            _ => None,
        })
        .collect()
}

/// Whether `outer` is or contains `inner` (by identity).
fn contains(outer: &Expr, inner: &Expr) -> bool {
    outer.walk().iter().any(|e| std::ptr::eq(*e, inner))
}

/// The expressions of `stmt` that enclose `target`, innermost first (the call chain above it:
/// `.Scan(…)`, `?`, `.await`, `.rows_affected()`).
fn chain_above<'a>(stmt: &'a Stmt, target: &Expr) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    for root in stmt.exprs() {
        let mut path: Vec<&Expr> = Vec::new();
        if find_path(root, target, &mut path) {
            path.pop();
            out.extend(path.into_iter().rev());
            break;
        }
    }
    out
}

/// Fills `path` with the expressions from `from` down to `target`; iterative over siblings,
/// bounded in depth by the front-ends' nesting limit.
fn find_path<'a>(from: &'a Expr, target: &Expr, path: &mut Vec<&'a Expr>) -> bool {
    path.push(from);
    if std::ptr::eq(from, target) {
        return true;
    }
    if from.span.start <= target.span.start && target.span.end <= from.span.end {
        for child in from.children() {
            if find_path(child, target, path) {
                return true;
            }
        }
    }
    path.pop();
    false
}

/// Variables whose address is passed to a call chained on `target` (`QueryRow(…).Scan(&id)`).
fn scan_destinations(stmt: &Stmt, target: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    for e in chain_above(stmt, target) {
        if let ExprKind::Call(c) = &e.kind {
            if !is_method_on(c, target) {
                continue;
            }
            for arg in &c.args {
                if let ExprKind::Unary {
                    op: UnOp::Ref,
                    operand,
                } = &arg.kind
                    && let Some(name) = operand.dotted()
                {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// Whether `call` is a method called on the value of `receiver` (directly or further down
/// its chain).
fn is_method_on(call: &Call, receiver: &Expr) -> bool {
    matches!(&call.callee.kind, ExprKind::Field { base, .. } if contains(base, receiver))
}

/// The variables that carry `seeds` on: the seeds, and every variable later assigned from an
/// expression that reads one of them (`n, _ := res.RowsAffected()`).
pub fn derived(unit: &Unit, seeds: &[String], after: usize) -> BTreeSet<String> {
    let mut vars: BTreeSet<String> = seeds.iter().cloned().collect();
    for stmt in unit.body.all_stmts() {
        if stmt.span.start < after {
            continue;
        }
        if let StmtKind::Assign { targets, value, .. } = &stmt.kind
            && vars.iter().any(|v| value.mentions(v))
        {
            for t in targets {
                if let TargetKind::Name(n) = &t.kind {
                    vars.insert(n.clone());
                }
            }
        }
    }
    vars
}

/// The first place at or after `after` where a condition, a switched-on subject, a loop
/// condition or a `let … else` reads one of `vars`.
pub fn first_test(unit: &Unit, vars: &BTreeSet<String>, after: usize) -> Option<Span> {
    let reads = |e: &Expr| vars.iter().any(|v| e.mentions(v));
    for stmt in unit.body.all_stmts() {
        if stmt.span.start < after {
            continue;
        }
        let tested = match &stmt.kind {
            StmtKind::Branch { subject, arms } => {
                subject.as_ref().is_some_and(reads)
                    || arms.iter().any(|arm| match &arm.guard {
                        Guard::Cond(c) => reads(c),
                        Guard::Pattern { extra, .. } => extra.as_ref().is_some_and(reads),
                        Guard::Else => false,
                    })
            }
            StmtKind::Loop(l) => l.cond.as_ref().is_some_and(reads),
            StmtKind::Assign {
                value,
                else_block: Some(_),
                ..
            } => reads(value),
            _ => false,
        };
        if tested {
            return Some(stmt.span.clone());
        }
    }
    None
}

/// Whether a condition on `error` sends control out of the unit (or the loop) when the
/// error is set: `if err != nil { return … }`, `if errors.Is(err, X) { return }`.
pub fn error_exits(unit: &Unit, error: &str, after: usize) -> bool {
    unit.body.all_stmts().into_iter().any(|stmt| {
        stmt.span.start >= after
            && match &stmt.kind {
                StmtKind::Branch { subject, arms } => arms.iter().any(|arm| {
                    let reads = match &arm.guard {
                        Guard::Cond(c) => c.mentions(error),
                        Guard::Pattern { .. } => {
                            subject.as_ref().is_some_and(|s| s.mentions(error))
                        }
                        Guard::Else => false,
                    };
                    reads && Stmt::block_diverges(&arm.body)
                }),
                _ => false,
            }
    })
}

/// The statements of `block` (and nested blocks) that start at or after `after`.
pub fn stmts_after(block: &Block, after: usize) -> impl Iterator<Item = &Stmt> {
    block
        .all_stmts()
        .into_iter()
        .filter(move |s| s.span.start >= after)
}

/// A place where SQL runs: a driver call, or a statement of a SQL script.
#[derive(Clone, Copy)]
pub struct QuerySite<'a> {
    pub sql: &'a SqlText,
    pub outcome: Outcome,
    /// The driver call, for host code; `None` for a script statement.
    pub call: Option<Site<'a>>,
    /// Where the query stands in the file (the call, or the script statement).
    pub span: &'a Span,
}

impl<'a> QuerySite<'a> {
    /// The file span of a span of this query's SQL text.
    pub fn file_span(&self, sql_span: &std::ops::Range<usize>) -> Span {
        self.sql.text.file_span(sql_span.clone())
    }

    /// The SQL statements this query runs, in order.
    pub fn statements(&self) -> &'a [sql::Statement] {
        &self.sql.statements
    }
}

/// The SQL statements that run after statement `si` of query `qi`: the rest of that query,
/// then every later query's, each with its query.
pub fn statements_after<'q, 'a>(
    queries: &'q [QuerySite<'a>],
    qi: usize,
    si: usize,
) -> impl Iterator<Item = (&'q QuerySite<'a>, &'a sql::Statement)> {
    queries[qi..].iter().enumerate().flat_map(move |(i, q)| {
        let skip = if i == 0 { si + 1 } else { 0 };
        q.statements().iter().skip(skip).map(move |s| (q, s))
    })
}

/// Every query of the unit, in source order.
pub fn queries(unit: &Unit) -> Vec<QuerySite<'_>> {
    let mut out: Vec<QuerySite> = calls(unit)
        .into_iter()
        .filter_map(|site| {
            let q = site.query()?;
            Some(QuerySite {
                sql: &q.sql,
                outcome: q.outcome,
                span: &site.expr.span,
                call: Some(site),
            })
        })
        .collect();
    for expr in unit.all_exprs() {
        if let ExprKind::Sql(sql) = &expr.kind {
            out.push(QuerySite {
                sql,
                outcome: Outcome::Unknown,
                call: None,
                span: &expr.span,
            });
        }
    }
    out.sort_by_key(|q| q.span.start);
    out
}

/// Whether a SQL file, between two offsets, starts another named query (sqlc's
/// `-- name: GetKey :one`, yesql's `-- name: get-key`, HugSQL's `-- :name get-key`): the
/// statements on either side are run separately, not one after the other.
pub fn named_query_between(source: &str, from: usize, to: usize) -> bool {
    source.get(from..to).is_some_and(|text| {
        text.lines().any(|line| {
            line.trim_start().strip_prefix("--").is_some_and(|comment| {
                let comment = comment.trim_start().to_ascii_lowercase();
                comment.starts_with("name:") || comment.starts_with(":name")
            })
        })
    })
}

/// A set of things a read can have found, as bits: used to follow which outcomes of a read
/// reach a statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes(u8);

impl Outcomes {
    pub const NONE: Outcomes = Outcomes(0);
    /// Nothing was found: no row, no key.
    pub const ABSENT: Outcomes = Outcomes(1);
    /// The read itself failed.
    pub const FAILED: Outcomes = Outcomes(2);
    /// A record was found whose status says a request is still working on it.
    pub const IN_PROGRESS: Outcomes = Outcomes(4);
    /// A record was found in any other state.
    pub const SETTLED: Outcomes = Outcomes(8);
    /// A record was found, whatever its state.
    pub const FOUND: Outcomes = Outcomes(4 | 8);
    pub const ALL: Outcomes = Outcomes(15);

    pub fn union(self, other: Outcomes) -> Outcomes {
        Outcomes(self.0 | other.0)
    }

    pub fn intersect(self, other: Outcomes) -> Outcomes {
        Outcomes(self.0 & other.0)
    }

    pub fn without(self, other: Outcomes) -> Outcomes {
        Outcomes(self.0 & !other.0)
    }

    pub fn complement(self) -> Outcomes {
        Outcomes::ALL.without(self)
    }

    /// Whether some outcome of `other` is in this set.
    pub fn overlaps(self, other: Outcomes) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// What a condition says about a read: it can hold only under the outcomes in `may`, and
/// surely holds under those in `must` (`must` ⊆ `may`). `status == "completed"` may hold
/// for a settled record, but need not (the record may have failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Test {
    pub may: Outcomes,
    pub must: Outcomes,
}

impl Test {
    /// A condition that says nothing about the read.
    pub const UNRELATED: Test = Test {
        may: Outcomes::ALL,
        must: Outcomes::NONE,
    };

    /// Holds exactly under `outcomes`.
    pub fn exact(outcomes: Outcomes) -> Test {
        Test {
            may: outcomes,
            must: outcomes,
        }
    }

    /// Holds at most under `outcomes`, and not surely under any.
    pub fn at_most(outcomes: Outcomes) -> Test {
        Test {
            may: outcomes,
            must: Outcomes::NONE,
        }
    }

    pub fn and(self, other: Test) -> Test {
        Test {
            may: self.may.intersect(other.may),
            must: self.must.intersect(other.must),
        }
    }

    pub fn or(self, other: Test) -> Test {
        Test {
            may: self.may.union(other.may),
            must: self.must.union(other.must),
        }
    }

    pub fn is_unrelated(self) -> bool {
        self == Test::UNRELATED
    }
}

impl std::ops::Not for Test {
    type Output = Test;

    fn not(self) -> Test {
        Test {
            may: self.must.complement(),
            must: self.may.complement(),
        }
    }
}

/// One condition with no `&&`, `||` or `!` at its top, for a rule's classifier.
#[derive(Clone, Copy)]
pub enum Atom<'a> {
    Cond(&'a Expr),
    /// `pattern` matched against `subject` (a `match` arm, `if let`, `let … else`, a `case`).
    Pattern {
        subject: &'a Expr,
        pattern: &'a Expr,
    },
}

/// A read followed through the unit: the call, and the variables that carry what it found.
pub struct Read<'a> {
    pub call: &'a Expr,
    pub stmt: &'a Stmt,
    /// Variables holding what was read; values taken from them join as the walk goes on,
    /// and a variable assigned something else leaves.
    pub values: BTreeSet<String>,
    pub error: Option<String>,
    /// Whether "nothing found" comes back as an error (`ErrNoRows`, `RowNotFound`) rather
    /// than as an empty value; `None` when the call does not say.
    pub absent_is_error: Option<bool>,
}

impl<'a> Read<'a> {
    /// The read made by `site`'s call.
    pub fn of(site: &Site<'a>) -> Read<'a> {
        let binding = binding(site);
        let mut values: BTreeSet<String> = binding.values.into_iter().collect();
        values.extend(destination_args(site.call));
        let absent_is_error = match &site.call.role {
            CallRole::Query(q) => match q.outcome {
                Outcome::OneRow => Some(!q.sql.statements.iter().any(always_one_row)),
                Outcome::Unknown => None,
                _ => Some(false),
            },
            _ => None,
        };
        Read {
            call: site.expr,
            stmt: site.stmt,
            values,
            error: binding.error,
            absent_is_error,
        }
    }

    /// Whether `expr` is the value read: a variable holding it, or the read call itself
    /// (looking through `&`, `*`, `.await` and `?`).
    pub fn is_value(&self, expr: &Expr) -> bool {
        let expr = strip(expr);
        std::ptr::eq(expr, self.call) || expr.dotted().is_some_and(|d| self.values.contains(&d))
    }

    /// Whether `expr` contains the read call itself (`rdb.Get(ctx, k).Err()`).
    pub fn carries(&self, expr: &Expr) -> bool {
        expr.walk().into_iter().any(|e| std::ptr::eq(e, self.call))
    }

    /// Whether `expr` is the error variable of the read.
    /// Also an error-named method called on the read's value (`row.Err()`,
    /// `rdb.Get(ctx, k).Err()`).
    pub fn is_error(&self, expr: &Expr) -> bool {
        let expr = strip(expr);
        let name = expr.dotted();
        if name.is_some() && name == self.error {
            return true;
        }
        expr.as_call().is_some_and(|call| {
            call.args.is_empty()
                && matches!(&call.callee.kind, ExprKind::Field { base, name }
                    if is_error_name(name) && self.is_value(base))
        })
    }

    /// Whether `expr` reads what the read found (a value, a field of it, the read call).
    pub fn refers(&self, expr: &Expr) -> bool {
        expr.walk().into_iter().any(|e| {
            std::ptr::eq(e, self.call)
                || e.dotted().is_some_and(|d| {
                    self.values
                        .iter()
                        .chain(self.error.iter())
                        .any(|v| refers_to(&d, v) || refers_to(v, &d))
                })
        })
    }

    /// The condition "the read succeeded" (`err == nil`).
    fn succeeded(&self) -> Test {
        match self.absent_is_error {
            Some(true) => Test::exact(Outcomes::FOUND),
            Some(false) => Test::exact(Outcomes::FOUND.union(Outcomes::ABSENT)),
            None => Test {
                may: Outcomes::FOUND.union(Outcomes::ABSENT),
                must: Outcomes::FOUND,
            },
        }
    }

    /// Adds what `stmt` takes from the read, drops what it overwrites.
    fn track(&mut self, stmt: &Stmt) {
        if std::ptr::eq(stmt, self.stmt) {
            return;
        }
        // `row.Scan(&id)` on a row kept from the read fills `id`.
        for root in stmt.exprs() {
            for e in root.walk() {
                if let Some(call) = e.as_call()
                    && let ExprKind::Field { base, .. } = &call.callee.kind
                    && self.is_value(base)
                {
                    self.values
                        .extend(call.args.iter().filter_map(|a| match &a.kind {
                            ExprKind::Unary {
                                op: UnOp::Ref,
                                operand,
                            } => operand.dotted(),
                            _ => None,
                        }));
                }
            }
        }
        let StmtKind::Assign { targets, value, .. } = &stmt.kind else {
            return;
        };
        let from_read = self.refers(value);
        for target in targets {
            match &target.kind {
                TargetKind::Name(n) if from_read && is_error_name(n) => {
                    self.error = Some(n.clone());
                }
                TargetKind::Name(n) if from_read => {
                    self.values.insert(n.clone());
                }
                TargetKind::Name(n) => {
                    self.values.remove(n);
                    if self.error.as_deref() == Some(n.as_str()) {
                        self.error = None;
                    }
                }
                TargetKind::Place(p) if from_read => self.values.extend(pattern_names(p)),
                _ => {}
            }
        }
    }
}

/// A SELECT of aggregates only (`count(*)`, `EXISTS (…)`, `coalesce(max(v), 0)`): it
/// returns one row whether anything matched or not.
fn always_one_row(select: &sql::Statement) -> bool {
    const AGGREGATES: &[&str] = &[
        "count(",
        "sum(",
        "max(",
        "min(",
        "avg(",
        "coalesce(",
        "bool_or(",
        "bool_and(",
        "exists",
        "not exists",
    ];
    select.kind == sql::StatementKind::Select
        && !select.select_columns.is_empty()
        && select
            .select_columns
            .iter()
            .all(|c| AGGREGATES.iter().any(|a| c.starts_with(a)))
}

/// Whether the dotted name `name` is the variable `var` or a field of it. Used both ways:
/// `rec` holds the read when the read filled `rec.Status`.
fn refers_to(name: &str, var: &str) -> bool {
    name == var
        || name
            .strip_prefix(var)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// `expr` without `&`, `*`, `.await` and `?` around it.
pub fn strip(expr: &Expr) -> &Expr {
    match &expr.kind {
        ExprKind::Unary {
            op: UnOp::Ref | UnOp::Deref | UnOp::Await,
            operand,
        }
        | ExprKind::Try(operand) => strip(operand),
        _ => expr,
    }
}

/// Variables a query call fills through pointer arguments given before its SQL
/// (`db.GetContext(ctx, &rec, "SELECT …", key)`).
fn destination_args(call: &Call) -> Vec<String> {
    let CallRole::Query(_) = &call.role else {
        return Vec::new();
    };
    call.args
        .iter()
        .take_while(|a| a.as_str().is_none())
        .filter_map(|a| match &a.kind {
            ExprKind::Unary {
                op: UnOp::Ref,
                operand,
            } => operand.dotted(),
            _ => None,
        })
        .collect()
}

/// How the outcomes of a read reach a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    /// The outcomes of the read under which the statement runs.
    pub outcomes: Outcomes,
    /// The condition that last narrowed them on the way here, if any did.
    pub test: Option<Span>,
}

/// The statements that run after a read, each with the outcomes of the read it runs under.
pub struct Reach {
    at: std::collections::HashMap<usize, Reached>,
}

impl Reach {
    /// How the read reaches `stmt`; `None` when `stmt` does not run after it.
    pub fn at(&self, stmt: &Stmt) -> Option<&Reached> {
        self.at.get(&stmt_key(stmt))
    }
}

fn stmt_key(stmt: &Stmt) -> usize {
    std::ptr::from_ref(stmt) as usize
}

/// Follows `read` through `unit`: which of its outcomes reach each later statement, given
/// the branches on the way, classified by `classify` (see [`existence_test`] for the usual
/// one). A path that leaves a loop the read is in is not followed.
pub fn reach<'a>(unit: &'a Unit, read: Read<'a>, classify: &dyn Fn(Atom, &Read) -> Test) -> Reach {
    let mut walker = Walker {
        read,
        classify,
        at: std::collections::HashMap::new(),
    };
    walker.block(&unit.body, None);
    Reach { at: walker.at }
}

struct Walker<'a, 'c> {
    read: Read<'a>,
    classify: &'c dyn Fn(Atom, &Read) -> Test,
    at: std::collections::HashMap<usize, Reached>,
}

/// Joins two paths that meet.
fn join(a: Option<Reached>, b: Option<Reached>) -> Option<Reached> {
    match (a, b) {
        (Some(a), Some(b)) => {
            // The test that let outcomes through says more than one that let none.
            let (first, second) = if a.outcomes.is_empty() {
                (b.test, a.test)
            } else {
                (a.test, b.test)
            };
            Some(Reached {
                outcomes: a.outcomes.union(b.outcomes),
                test: first.or(second),
            })
        }
        (a, b) => a.or(b),
    }
}

impl<'a> Walker<'a, '_> {
    fn block(&mut self, block: &'a Block, mut flow: Option<Reached>) -> Option<Reached> {
        for stmt in &block.stmts {
            flow = self.stmt(stmt, flow);
        }
        flow
    }

    fn stmt(&mut self, stmt: &'a Stmt, flow: Option<Reached>) -> Option<Reached> {
        let flow = if std::ptr::eq(stmt, self.read.stmt) {
            Some(Reached {
                outcomes: Outcomes::ALL,
                test: None,
            })
        } else {
            flow
        };
        if let Some(f) = &flow {
            self.at.insert(stmt_key(stmt), f.clone());
            self.read.track(stmt);
        }
        let out = match &stmt.kind {
            StmtKind::Branch { subject, arms } => self.branch(subject.as_ref(), arms, flow),
            StmtKind::Loop(l) => {
                self.block(&l.body, flow.clone());
                flow
            }
            StmtKind::Try {
                body,
                handler,
                finally,
                ..
            } => {
                let after_body = self.block(body, flow.clone());
                let caught = handler
                    .as_ref()
                    .map(|h| self.block(h, join(flow.clone(), after_body.clone())));
                let joined = join(after_body, caught.flatten());
                match finally {
                    Some(f) => self.block(f, joined),
                    None => joined,
                }
            }
            StmtKind::Block(b) => self.block(b, flow),
            StmtKind::Assign {
                targets,
                value,
                else_block: Some(else_block),
                ..
            } => self.let_else(targets, value, else_block, flow),
            _ => flow,
        };
        if stmt.diverges() {
            out.map(|f| Reached {
                outcomes: Outcomes::NONE,
                test: f.test,
            })
        } else {
            out
        }
    }

    fn branch(
        &mut self,
        subject: Option<&'a Expr>,
        arms: &'a [crate::model::Arm],
        flow: Option<Reached>,
    ) -> Option<Reached> {
        let Some(flow) = flow else {
            // The read may be inside an arm: follow it out of the branch.
            return arms
                .iter()
                .map(|arm| self.block(&arm.body, None))
                .fold(None, join);
        };
        if subject.is_some_and(|s| self.read.refers(s)) {
            // `Some(rec) =>`: the arm's bindings hold what was read.
            for arm in arms {
                if let Guard::Pattern { alternatives, .. } = &arm.guard {
                    self.read
                        .values
                        .extend(alternatives.iter().flat_map(pattern_names));
                }
            }
        }
        let mut excluded = Outcomes::NONE;
        let mut last_test: Option<Span> = None;
        let mut out: Option<Reached> = None;
        let mut has_else = false;
        for arm in arms {
            let (test, span) = match &arm.guard {
                Guard::Cond(c) => (self.cond(c), c.span.clone()),
                Guard::Pattern {
                    alternatives,
                    extra,
                } => {
                    let mut test = match subject {
                        Some(subject) => alternatives
                            .iter()
                            .map(|pattern| {
                                (self.classify)(Atom::Pattern { subject, pattern }, &self.read)
                            })
                            .reduce(Test::or)
                            .unwrap_or(Test::UNRELATED),
                        None => Test::UNRELATED,
                    };
                    if let Some(extra) = extra {
                        test = test.and(self.cond(extra));
                    }
                    let span = alternatives
                        .first()
                        .map_or(arm.span.clone(), |a| a.span.clone());
                    (test, span)
                }
                Guard::Else => {
                    has_else = true;
                    (Test::exact(Outcomes::ALL), arm.span.clone())
                }
            };
            let arm_test = if !test.is_unrelated() && !matches!(arm.guard, Guard::Else) {
                last_test = Some(span.clone());
                Some(span)
            } else if excluded.is_empty() {
                flow.test.clone()
            } else {
                last_test.clone()
            };
            let into = Reached {
                outcomes: flow.outcomes.intersect(test.may).without(excluded),
                test: arm_test,
            };
            out = join(out, self.block(&arm.body, Some(into)));
            excluded = excluded.union(test.must);
        }
        if !has_else {
            let fallthrough = Reached {
                outcomes: flow.outcomes.without(excluded),
                test: if excluded.is_empty() {
                    flow.test.clone()
                } else {
                    last_test
                },
            };
            out = join(out, Some(fallthrough));
        }
        out
    }

    fn let_else(
        &mut self,
        targets: &'a [crate::model::Target],
        value: &'a Expr,
        else_block: &'a Block,
        flow: Option<Reached>,
    ) -> Option<Reached> {
        let Some(flow) = flow else {
            self.block(else_block, None);
            return None;
        };
        let pattern = targets.iter().find_map(|t| match &t.kind {
            TargetKind::Place(pattern) => Some(pattern),
            _ => None,
        });
        let test = pattern.map_or(Test::UNRELATED, |pattern| {
            (self.classify)(
                Atom::Pattern {
                    subject: value,
                    pattern,
                },
                &self.read,
            )
        });
        let test_span =
            (!test.is_unrelated()).then(|| pattern.map_or(&value.span, |p| &p.span).clone());
        let otherwise = Reached {
            outcomes: flow.outcomes.without(test.must),
            test: test_span.clone().or(flow.test.clone()),
        };
        self.block(else_block, Some(otherwise));
        Some(Reached {
            outcomes: flow.outcomes.intersect(test.may),
            test: test_span.or(flow.test),
        })
    }

    /// Classifies a condition, taking `!`, `&&` and `||` apart.
    fn cond(&self, cond: &Expr) -> Test {
        match &cond.kind {
            ExprKind::Unary {
                op: UnOp::Not,
                operand,
            } => !self.cond(operand),
            ExprKind::Binary {
                op: BinOp::And,
                lhs,
                rhs,
            } => self.cond(lhs).and(self.cond(rhs)),
            ExprKind::Binary {
                op: BinOp::Or,
                lhs,
                rhs,
            } => self.cond(lhs).or(self.cond(rhs)),
            _ => (self.classify)(Atom::Cond(cond), &self.read),
        }
    }
}

/// The usual classifier: what a condition says about whether the read found anything
/// (`err == sql.ErrNoRows`, `errors.Is(err, …)`, `err == nil`, `None =>`, `Ok(Some(_))`,
/// `rows.is_empty()`, `!rows.Next()`, `len(rows) == 0`, `count > 0`, `if exists`).
pub fn existence_test(atom: Atom, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    match atom {
        Atom::Pattern { subject, pattern } => {
            if read.is_error(subject) {
                error_value_test(pattern, read, lang, k)
            } else if read.is_value(subject) {
                pattern_test(pattern, read, lang, k)
            } else {
                Test::UNRELATED
            }
        }
        Atom::Cond(cond) => cond_test(cond, read, lang, k),
    }
}

fn cond_test(cond: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    match &cond.kind {
        ExprKind::Binary { op, lhs, rhs } => match op {
            BinOp::Eq | BinOp::Ne => {
                let test = equality_test(lhs, rhs, read, lang, k)
                    .or_else(|| equality_test(rhs, lhs, read, lang, k))
                    .unwrap_or(Test::UNRELATED);
                if *op == BinOp::Ne { !test } else { test }
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                count_test(*op, lhs, rhs, read, lang, k).unwrap_or(Test::UNRELATED)
            }
            _ => Test::UNRELATED,
        },
        ExprKind::Call(call) => {
            let name = call.callee.dotted().unwrap_or_default();
            if k.is_error_is_call(lang, &name)
                && let [subject, target] = call.args.as_slice()
            {
                return existence_test(
                    Atom::Pattern {
                        subject,
                        pattern: target,
                    },
                    read,
                    lang,
                    k,
                );
            }
            if k.is_not_found_predicate(&name)
                && call
                    .args
                    .iter()
                    .any(|a| read.is_error(a) || read.carries(a))
            {
                return Test::exact(Outcomes::ABSENT);
            }
            let ExprKind::Field { base, .. } = &call.callee.kind else {
                return Test::UNRELATED;
            };
            let method = format!(".{}", call.callee.last_segment().unwrap_or_default());
            if !read.is_value(base) {
                Test::UNRELATED
            } else if k.is_absent_check(lang, &method) {
                Test::exact(Outcomes::ABSENT)
            } else if k.is_present_check(lang, &method) {
                Test::exact(Outcomes::FOUND)
            } else {
                Test::UNRELATED
            }
        }
        ExprKind::Name(_) | ExprKind::Field { .. } if read.is_value(cond) => {
            Test::exact(Outcomes::FOUND)
        }
        _ => Test::UNRELATED,
    }
}

/// `x == y` where `x` is the read's error or value.
fn equality_test(x: &Expr, y: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Option<Test> {
    if read.is_error(x) {
        return Some(error_value_test(y, read, lang, k));
    }
    let is_value = read.is_value(x) || is_length_of_value(x, read, lang, k);
    // A call chained on the read (`.Val()`, `.Scan(&v)`) gives its value or its error.
    let chained = !is_value && read.carries(x);
    match &strip(y).kind {
        ExprKind::Number { value: Some(v), .. } if *v == 0.0 && (is_value || chained) => {
            Some(Test::exact(Outcomes::ABSENT))
        }
        ExprKind::Str(s) if s.value.is_empty() && (is_value || chained) => {
            Some(Test::at_most(Outcomes::ABSENT))
        }
        ExprKind::Name(n) if is_nothing(n) && is_value => Some(Test::exact(Outcomes::ABSENT)),
        _ if chained => Some(error_value_test(y, read, lang, k)),
        _ => None,
    }
}

/// What comparing the read's error with `value` says (`nil`, `sql.ErrNoRows`).
fn error_value_test(value: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    let Some(name) = strip(value).dotted() else {
        return Test::UNRELATED;
    };
    if is_nothing(&name) {
        read.succeeded()
    } else if k.is_not_found_error(lang, &name) {
        Test::exact(Outcomes::ABSENT)
    } else {
        Test::UNRELATED
    }
}

/// `nil`, `None`, `null`: no value.
fn is_nothing(name: &str) -> bool {
    matches!(name, "nil" | "None" | "null" | "NULL")
}

/// `len(rows)`, `rows.len()`.
fn is_length_of_value(expr: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> bool {
    let Some(call) = strip(expr).as_call() else {
        return false;
    };
    match &call.callee.kind {
        ExprKind::Field { base, name } => {
            k.is_length_call(lang, &format!(".{name}")) && read.is_value(base)
        }
        _ => {
            call.callee
                .dotted()
                .is_some_and(|n| k.is_length_call(lang, &n))
                && call.args.first().is_some_and(|a| read.is_value(a))
        }
    }
}

/// `count > 0`, `len(rows) < 1`, `0 < n`: a count compared with 0 or 1.
fn count_test(
    op: BinOp,
    lhs: &Expr,
    rhs: &Expr,
    read: &Read,
    lang: Lang,
    k: &Knowledge,
) -> Option<Test> {
    let is_count = |e: &Expr| read.is_value(e) || is_length_of_value(e, read, lang, k);
    let number = |e: &Expr| match &strip(e).kind {
        ExprKind::Number { value: Some(v), .. } => Some(*v),
        _ => None,
    };
    let (op, bound) = if is_count(lhs) {
        (op, number(rhs)?)
    } else if is_count(rhs) {
        let flipped = match op {
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            _ => BinOp::Le,
        };
        (flipped, number(lhs)?)
    } else {
        return None;
    };
    let holds = |n: f64| match op {
        BinOp::Lt => n < bound,
        BinOp::Le => n <= bound,
        BinOp::Gt => n > bound,
        _ => n >= bound,
    };
    let at_zero = holds(0.0);
    let some_positive = holds(1.0) || holds(1e18);
    let every_positive = holds(1.0) && holds(1e18);
    let pick = |zero: bool, positive: bool| {
        let mut o = Outcomes::NONE;
        if zero {
            o = o.union(Outcomes::ABSENT);
        }
        if positive {
            o = o.union(Outcomes::FOUND);
        }
        o
    };
    Some(Test {
        may: pick(at_zero, some_positive),
        must: pick(at_zero, every_positive),
    })
}

/// A pattern matched against the read's value: `None`, `Some(_)`, `Ok(None)`,
/// `Err(sqlx::Error::RowNotFound)`, `Err(e)`, `_`.
fn pattern_test(pattern: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    let found_or_absent = Outcomes::FOUND.union(Outcomes::ABSENT);
    match &pattern.kind {
        ExprKind::Name(n) if is_nothing(n.rsplit('.').next().unwrap_or(n)) => {
            Test::exact(Outcomes::ABSENT)
        }
        ExprKind::Name(n) if k.is_not_found_error(lang, n) => Test::exact(Outcomes::ABSENT),
        ExprKind::Name(n) if is_catch_all(n) => Test::exact(Outcomes::ALL),
        ExprKind::Call(call) => {
            let inner = call.args.first();
            match call.callee.dotted().as_deref() {
                Some("Some") => match inner.map(|p| &p.kind) {
                    Some(ExprKind::Name(n)) if is_catch_all(n) => Test::exact(Outcomes::FOUND),
                    // `Some(Record { status: Done, .. })`: only some found records match.
                    _ => Test::at_most(Outcomes::FOUND),
                },
                Some("Ok") => match inner.map(|p| &p.kind) {
                    Some(ExprKind::Name(n)) if is_catch_all(n) => match read.absent_is_error {
                        Some(true) => Test::exact(Outcomes::FOUND),
                        Some(false) => Test::exact(found_or_absent),
                        None => Test {
                            may: found_or_absent,
                            must: Outcomes::FOUND,
                        },
                    },
                    Some(_) => pattern_test(inner.unwrap_or(pattern), read, lang, k)
                        .and(Test::exact(found_or_absent)),
                    None => Test::UNRELATED,
                },
                Some("Err") => match inner {
                    Some(inner) => match &inner.kind {
                        ExprKind::Name(n) if k.is_not_found_error(lang, n) => {
                            Test::exact(Outcomes::ABSENT)
                        }
                        ExprKind::Name(n) if is_catch_all(n) => {
                            let failed = Outcomes::FAILED;
                            match read.absent_is_error {
                                Some(true) => Test::exact(failed.union(Outcomes::ABSENT)),
                                Some(false) => Test::exact(failed),
                                None => Test {
                                    may: failed.union(Outcomes::ABSENT),
                                    must: failed,
                                },
                            }
                        }
                        _ => Test::at_most(Outcomes::FAILED),
                    },
                    None => Test::UNRELATED,
                },
                _ => Test::UNRELATED,
            }
        }
        _ => Test::UNRELATED,
    }
}

/// `_`, or a lower-case binding that matches anything.
fn is_catch_all(name: &str) -> bool {
    name == "_"
        || !name.contains('.')
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || c == '_')
}

/// Whether the error of `site`'s call is thrown away: not propagated, not returned, not
/// tested and not kept (a bare call statement, `_ =`, `let _ =`, `.ok()`, or an error
/// variable nothing reads).
pub fn error_ignored(unit: &Unit, site: &Site) -> bool {
    let b = binding(site);
    if b.propagated || b.tested_in_place {
        return false;
    }
    match &site.stmt.kind {
        StmtKind::Expr(_) => true,
        StmtKind::Assign { .. } => {
            let kept: Vec<String> = b.values.into_iter().chain(b.error).collect();
            let after = site.stmt.span.end;
            let vars = derived(unit, &kept, after);
            kept.is_empty()
                || first_test(unit, &vars, after).is_none() && !returned(unit, &vars, after)
        }
        _ => false,
    }
}

/// Whether a `return` at or after `after` gives back one of `vars`.
fn returned(unit: &Unit, vars: &BTreeSet<String>, after: usize) -> bool {
    stmts_after(&unit.body, after).any(|s| match &s.kind {
        StmtKind::Return(Some(e)) => vars.iter().any(|v| e.mentions(v)),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Module;

    fn lower_go(source: &str) -> Module {
        let knowledge = Knowledge::builtin();
        let mut module = crate::lang::lower(Lang::Go, source);
        crate::analysis::classify(&mut module, Lang::Go, &knowledge);
        module
    }

    /// The outcomes of the unit's first key-value read that reach each call, by callee name.
    fn outcomes_at_calls(source: &str) -> Vec<(String, Outcomes)> {
        let knowledge = Knowledge::builtin();
        let module = lower_go(source);
        let unit = &module.units[0];
        let sites = calls(unit);
        let read = sites
            .iter()
            .find(|s| matches!(s.call.role, CallRole::Kv { .. }))
            .expect("a key-value read");
        let reach = reach(unit, Read::of(read), &|atom, r| {
            existence_test(atom, r, Lang::Go, &knowledge)
        });
        sites
            .iter()
            .filter_map(|s| {
                let name = s.call.callee.dotted()?;
                Some((name, reach.at(s.stmt)?.outcomes))
            })
            .filter(|(name, _)| !name.contains('.'))
            .collect()
    }

    #[test]
    fn negation_swaps_what_may_and_must_hold() {
        let completed = Test::at_most(Outcomes::SETTLED);
        assert_eq!(
            !completed,
            Test {
                may: Outcomes::ALL,
                must: Outcomes::ABSENT
                    .union(Outcomes::FAILED)
                    .union(Outcomes::IN_PROGRESS),
            }
        );
        let absent = Test::exact(Outcomes::ABSENT);
        assert_eq!(!!absent, absent);
        assert_eq!(absent.and(Test::UNRELATED), Test::at_most(Outcomes::ABSENT));
        assert_eq!(
            absent.or(Test::UNRELATED),
            Test {
                may: Outcomes::ALL,
                must: Outcomes::ABSENT,
            }
        );
    }

    #[test]
    fn an_arm_on_the_not_found_error_sees_only_absence() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	v, err := rdb.Get(ctx, key).Result()
	if err == redis.Nil {
		create()
	}
	after(v)
	return nil
}"#,
        );
        assert_eq!(
            found,
            vec![
                ("create".to_owned(), Outcomes::ABSENT),
                ("after".to_owned(), Outcomes::ALL),
            ]
        );
    }

    #[test]
    fn early_returns_narrow_what_follows() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	v, err := rdb.Get(ctx, key).Result()
	if err == nil {
		return replay(v)
	}
	if !errors.Is(err, redis.Nil) {
		return err
	}
	create()
	return nil
}"#,
        );
        assert_eq!(
            found,
            vec![
                // A key-value client may report a missing key as a value or as an error.
                ("replay".to_owned(), Outcomes::FOUND.union(Outcomes::ABSENT)),
                ("create".to_owned(), Outcomes::ABSENT),
            ]
        );
    }

    #[test]
    fn a_switch_without_default_falls_through_with_what_no_case_took() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	n, err := rdb.Exists(ctx, key).Result()
	switch {
	case err != nil:
		return err
	case n > 0:
		seen()
	}
	create()
	return nil
}"#,
        );
        assert_eq!(
            found,
            vec![
                ("seen".to_owned(), Outcomes::FOUND),
                ("create".to_owned(), Outcomes::FOUND.union(Outcomes::ABSENT)),
            ]
        );
    }

    #[test]
    fn a_reassigned_error_no_longer_speaks_for_the_read() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	_, err := rdb.Get(ctx, key).Result()
	err = other()
	if err == redis.Nil {
		create()
	}
	return nil
}"#,
        );
        assert_eq!(found.last(), Some(&("create".to_owned(), Outcomes::ALL)));
    }
}
