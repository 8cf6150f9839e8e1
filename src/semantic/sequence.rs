//! The SQL statements of a unit in the order they run, numbered, so that what a rule asks
//! about the statements after one of them is answered from indexes built once: a rule that
//! walked every later statement for each statement took time quadratic in a script's length.

use crate::flow::QuerySite;
use crate::sql::{Statement, StatementKind};

/// Every statement of a unit's queries, in order; a statement's place in it is its position.
pub struct Sequence<'a> {
    /// The queries, in source order.
    queries: Vec<QuerySite<'a>>,
    /// Each statement with the index of its query.
    statements: Vec<(usize, &'a Statement)>,
    /// The position of each query's first statement.
    query_starts: Vec<usize>,
    /// The positions of the COMMITs and ROLLBACKs.
    transaction_ends: Vec<usize>,
}

impl<'a> Sequence<'a> {
    pub fn new(queries: Vec<QuerySite<'a>>) -> Sequence<'a> {
        let mut statements = Vec::new();
        let mut query_starts = Vec::with_capacity(queries.len());
        for (qi, query) in queries.iter().enumerate() {
            query_starts.push(statements.len());
            statements.extend(query.statements().iter().map(|s| (qi, s)));
        }
        crate::work::step(statements.len());
        let transaction_ends = (statements.iter().enumerate())
            .filter(|(_, (_, s))| ends_transaction(s))
            .map(|(position, _)| position)
            .collect();
        Sequence {
            queries,
            statements,
            query_starts,
            transaction_ends,
        }
    }

    /// The queries whose statements these are, in source order.
    pub fn queries(&self) -> &[QuerySite<'a>] {
        &self.queries
    }

    /// Every position, in order.
    pub fn positions(&self) -> std::ops::Range<usize> {
        0..self.statements.len()
    }

    /// The query and the statement at `position`.
    pub fn get(&self, position: usize) -> (&QuerySite<'a>, &'a Statement) {
        let (qi, statement) = self.statements[position];
        crate::work::step(1);
        (&self.queries[qi], statement)
    }

    /// The position of the first statement of query `qi`.
    pub fn query_start(&self, qi: usize) -> usize {
        self.query_starts[qi]
    }

    /// Every position with its query and statement, in order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &QuerySite<'a>, &'a Statement)> + '_ {
        self.positions().map(|position| {
            let (query, statement) = self.get(position);
            (position, query, statement)
        })
    }

    /// The position of the first statement of the first query that starts at or after
    /// `offset` (the end, when none does): the statements before it run before that point
    /// of the unit (a call, say).
    pub fn position_at(&self, offset: usize) -> usize {
        let qi = self.queries.partition_point(|q| q.span.start < offset);
        (self.query_starts.get(qi).copied()).unwrap_or(self.statements.len())
    }

    /// Whether a query that starts strictly between two offsets ends a transaction.
    pub fn ends_transaction_between(&self, from: usize, to: usize) -> bool {
        let first = self.queries.partition_point(|q| q.span.start <= from);
        let last = self.queries.partition_point(|q| q.span.start < to);
        if first >= last {
            return false;
        }
        let end = self
            .query_starts
            .get(last)
            .copied()
            .unwrap_or(self.statements.len());
        let start = self.query_starts[first];
        let at = self.transaction_ends.partition_point(|&p| p < start);
        self.transaction_ends.get(at).is_some_and(|&p| p < end)
    }

    /// The first COMMIT or ROLLBACK after `position`.
    pub fn transaction_end_after(&self, position: usize) -> Option<usize> {
        first_after(&self.transaction_ends, position)
    }
}

/// `COMMIT` or `ROLLBACK`: what comes after is another transaction.
pub fn ends_transaction(statement: &Statement) -> bool {
    matches!(
        statement.kind,
        StatementKind::Commit | StatementKind::Rollback
    )
}

/// The first of the ascending `positions` after `position`.
pub fn first_after(positions: &[usize], position: usize) -> Option<usize> {
    crate::work::step(1);
    let at = positions.partition_point(|&p| p <= position);
    positions.get(at).copied()
}
