//! The sites of a unit: the calls it makes, each with the statement it stands in, the
//! places where SQL runs (driver calls and script statements), and its loops, in source
//! order.

use crate::model::{
    Call, CallRole, Expr, ExprKind, Loop, Outcome, Query, Scope, Span, SqlText, Stmt, StmtKind,
    Unit,
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

/// A loop of a unit, with the statement it is.
#[derive(Clone, Copy)]
pub struct LoopSite<'a> {
    pub stmt: &'a Stmt,
    pub the_loop: &'a Loop,
}

impl LoopSite<'_> {
    /// Whether `span` lies within the loop statement (its header or its body).
    fn encloses(&self, span: &Span) -> bool {
        self.stmt.span.start <= span.start && span.end <= self.stmt.span.end
    }
}

/// Every loop of the unit's own flow, in source order (an outer loop before those nested in
/// it). The loops of its closures are those of the closures' units.
pub fn loops(unit: &Unit) -> Vec<LoopSite<'_>> {
    unit.body
        .stmts_in(Scope::FLOW)
        .into_iter()
        .filter_map(|stmt| match &stmt.kind {
            StmtKind::Loop(the_loop) => Some(LoopSite { stmt, the_loop }),
            _ => None,
        })
        .collect()
}

/// The loops among `loops` (a unit's, see [`loops`]) that enclose `span`, innermost first.
pub fn enclosing_loops<'a>(loops: &[LoopSite<'a>], span: &Span) -> Vec<LoopSite<'a>> {
    let mut out: Vec<LoopSite> = loops.iter().filter(|l| l.encloses(span)).copied().collect();
    out.sort_by_key(|l| std::cmp::Reverse(l.stmt.span.start));
    out
}
