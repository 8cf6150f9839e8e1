//! The SQL front-end: a `.sql` file is one script unit whose statements run in order, plus
//! one function unit per `CREATE FUNCTION`/`CREATE PROCEDURE` body. A `DO` block runs where
//! it stands, so its statements stay in the script. A query file of sqlc (`-- name: GetX
//! :one` before each query) is a unit per named query instead: each runs by its own call.

pub(super) mod profile;

use crate::model::{
    Block, Comment, Expr, ExprKind, Module, ParseNote, SqlText, Stmt, StmtKind, StrLit, Unit,
    UnitKind,
};
use crate::sql;

/// The name of the unit holding a file's top-level statements.
pub const SCRIPT_UNIT: &str = "<script>";

pub fn lower(source: &str) -> Module {
    let script = sql::script(source);
    let mut statements = Vec::new();
    let mut functions = Vec::new();
    for item in script.items {
        let span = item.statement.span.clone();
        statements.push(statement(source, item.statement));
        let Some(routine) = item.routine else {
            continue;
        };
        let body = routine.statements.into_iter().map(|s| statement(source, s));
        match routine.name {
            Some(name) => functions.push(Unit {
                name,
                kind: UnitKind::Function,
                span,
                params: routine.params,
                body: Block {
                    stmts: body.collect(),
                },
            }),
            None => statements.extend(body),
        }
    }
    let named_queries: Vec<(usize, &str)> = script
        .comments
        .iter()
        .filter_map(|c| Some((c.span.start, query_name(&c.text)?)))
        .collect();
    let mut units = script_units(source, statements, &named_queries);
    units.extend(functions);
    Module {
        units,
        comments: script
            .comments
            .into_iter()
            .map(|c| Comment {
                span: c.span,
                text: c.text,
            })
            .collect(),
        diagnostics: script
            .rejected
            .into_iter()
            .map(|r| {
                if r.read_from_tokens {
                    ParseNote::detail(r.span, r.reason)
                } else {
                    ParseNote::warning(r.span, r.reason)
                }
            })
            .collect(),
        ..Module::default()
    }
}

/// The query name of a sqlc annotation, `name: GetUser :one` → `GetUser`.
fn query_name(comment: &str) -> Option<&str> {
    let name = comment
        .trim()
        .strip_prefix("name:")?
        .split_whitespace()
        .next()?;
    Some(name)
}

/// The script's statements as one unit, or, in a file of named queries, a unit per query
/// (statements before the first name stay in the script unit).
fn script_units(source: &str, statements: Vec<Stmt>, named: &[(usize, &str)]) -> Vec<Unit> {
    let unit = |name: &str, span: std::ops::Range<usize>, stmts: Vec<Stmt>| Unit {
        name: name.to_owned(),
        kind: UnitKind::Script,
        span,
        params: Vec::new(),
        body: Block { stmts },
    };
    if named.is_empty() {
        return vec![unit(SCRIPT_UNIT, 0..source.len(), statements)];
    }
    let mut groups: Vec<Vec<Stmt>> = vec![Vec::new(); named.len() + 1];
    for stmt in statements {
        let query = named.partition_point(|(start, _)| *start <= stmt.span.start);
        groups[query].push(stmt);
    }
    let mut groups = groups.into_iter();
    let mut units = vec![unit(
        SCRIPT_UNIT,
        0..named[0].0,
        groups.next().unwrap_or_default(),
    )];
    for (i, ((start, name), stmts)) in named.iter().zip(groups).enumerate() {
        let end = named.get(i + 1).map_or(source.len(), |(next, _)| *next);
        units.push(unit(name, *start..end, stmts));
    }
    units
}

/// One statement run for its effect: its own text, mapped to the file, with its facts
/// relative to that text.
fn statement(source: &str, facts: sql::Statement) -> Stmt {
    let span = facts.span.clone();
    let text = StrLit::verbatim(source.get(span.clone()).unwrap_or_default(), span.start);
    let sql = SqlText {
        text,
        statements: vec![facts.relative_to(span.start)],
    };
    Stmt {
        span: span.clone(),
        kind: StmtKind::Expr(Expr::new(span, ExprKind::Sql(sql))),
    }
}
