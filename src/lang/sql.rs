//! The SQL front-end: a `.sql` file is one script unit whose statements run in order, plus
//! one function unit per `CREATE FUNCTION`/`CREATE PROCEDURE` body. A `DO` block runs where
//! it stands, so its statements stay in the script. A query file of sqlc (`-- name: GetX
//! :one` before each query) is a unit per named query instead: each runs by its own call.
//!
//! A statement is the model's SQL expression, with the functions it calls beside it as
//! calls; a routine's body also returns what its `RETURN`s give back (a SQL-language
//! function, its last statement's result). A PL/pgSQL body's control flow (blocks and
//! their handlers, `IF`, `CASE`, loops, assignments, `RAISE`) is the unit's.

mod expr;
mod procedure;
pub(super) mod profile;

use expr::Queries;

use crate::model::{
    Arity, Block, Call, CallRole, Comment, Expr, ExprKind, Module, ParseNote, SqlText, Stmt,
    StmtKind, StrLit, Unit, UnitKind,
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
        statements.push(run_for_effect(query(source, item.statement)));
        let Some(routine) = item.routine else {
            continue;
        };
        let body = match &routine.steps {
            Some(steps) => {
                let queries = routine.statements.into_iter();
                let mut queries = Queries(queries.map(|s| Some(query(source, s))).collect());
                let mut stmts = procedure::lower(source, steps, &mut queries);
                // Every query stands in a step; one that did not would still be run.
                stmts.extend(queries.0.into_iter().flatten().map(run_for_effect));
                stmts
            }
            None => {
                let body = routine.statements.into_iter();
                let body = body.map(|s| run_for_effect(query(source, s))).collect();
                with_returns(source, body, &routine.returns)
            }
        };
        match routine.name {
            Some(name) => functions.push(Unit {
                name,
                kind: UnitKind::Function,
                span,
                params: routine.params,
                arity: Arity::ANY,
                body: Block { stmts: body },
            }),
            None => statements.extend(body),
        }
    }
    let named_queries: Vec<NamedQuery> = script
        .comments
        .iter()
        .filter_map(|c| named_query(c.span.start, &c.text))
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

/// A query of a file of named queries: where its annotation starts, its name, and whether
/// the code generated for it returns the rows it reads.
struct NamedQuery<'s> {
    start: usize,
    name: &'s str,
    hands_back_rows: bool,
}

/// The named query a sqlc annotation starts, `name: GetUser :one`: one whose command is
/// `:one` or `:many` hands back what it reads (`:exec` only an error, `:execrows` a count).
fn named_query(start: usize, comment: &str) -> Option<NamedQuery<'_>> {
    let mut words = comment.trim().strip_prefix("name:")?.split_whitespace();
    let name = words.next()?;
    let hands_back_rows = matches!(words.next(), Some(":one" | ":many"));
    Some(NamedQuery {
        start,
        name,
        hands_back_rows,
    })
}

/// The script's statements as one unit, or, in a file of named queries, a unit per query
/// (statements before the first name stay in the script unit), which returns its last
/// statement's rows when the code generated for it hands them back.
fn script_units(source: &str, statements: Vec<Stmt>, named: &[NamedQuery]) -> Vec<Unit> {
    let unit = |name: &str, span: std::ops::Range<usize>, stmts: Vec<Stmt>| Unit {
        name: name.to_owned(),
        kind: UnitKind::Script,
        span,
        params: Vec::new(),
        arity: Arity::ANY,
        body: Block { stmts },
    };
    if named.is_empty() {
        return vec![unit(SCRIPT_UNIT, 0..source.len(), statements)];
    }
    let mut groups: Vec<Vec<Stmt>> = vec![Vec::new(); named.len() + 1];
    for stmt in statements {
        let query = named.partition_point(|query| query.start <= stmt.span.start);
        groups[query].push(stmt);
    }
    let mut groups = groups.into_iter();
    let mut units = vec![unit(
        SCRIPT_UNIT,
        0..named[0].start,
        groups.next().unwrap_or_default(),
    )];
    for (i, (query, mut stmts)) in named.iter().zip(groups).enumerate() {
        let end = named.get(i + 1).map_or(source.len(), |next| next.start);
        if query.hands_back_rows
            && let Some(last) = stmts.last_mut()
        {
            return_result(last);
        }
        units.push(unit(query.name, query.start..end, stmts));
    }
    units
}

/// One statement: its own text, mapped to the file, with its facts relative to that text,
/// and the functions it calls.
fn query(source: &str, facts: sql::Statement) -> Expr {
    let span = facts.span.clone();
    let calls: Vec<Expr> = (facts.calls.iter())
        .map(|call| function_call(source, call))
        .collect();
    let text = StrLit::verbatim(source.get(span.clone()).unwrap_or_default(), span.start);
    let sql = Expr::new(
        span.clone(),
        ExprKind::Sql(SqlText {
            orm: None,
            text,
            statements: vec![facts.relative_to(span.start)],
        }),
    );
    if calls.is_empty() {
        sql
    } else {
        let parts = std::iter::once(sql).chain(calls).collect();
        Expr::new(span, ExprKind::Other(parts))
    }
}

/// A statement run for its effect: its value is discarded.
fn run_for_effect(query: Expr) -> Stmt {
    Stmt {
        span: query.span.clone(),
        kind: StmtKind::Expr(query),
    }
}

/// A function a statement calls, as a call of the model, its role left for the
/// classification.
fn function_call(source: &str, call: &sql::FunctionCall) -> Expr {
    let callee = Expr::new(call.span.clone(), ExprKind::Name(call.name.clone()));
    let args = (call.args.iter())
        .map(|arg| expr::argument(source, arg.clone()))
        .collect();
    Expr::new(
        call.span.clone(),
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        }),
    )
}

/// A routine's body with its `returns` (see [`sql::Routine::returns`]): a statement whose
/// result is returned becomes the return, a `RETURN`'s expression a return of its own where
/// it stands.
fn with_returns(
    source: &str,
    mut stmts: Vec<Stmt>,
    returns: &[std::ops::Range<usize>],
) -> Vec<Stmt> {
    for returned in returns {
        if let Some(stmt) = stmts.iter_mut().find(|stmt| stmt.span == *returned) {
            return_result(stmt);
            continue;
        }
        let at = stmts.partition_point(|stmt| stmt.span.start < returned.start);
        let stmt = Stmt {
            span: returned.clone(),
            kind: StmtKind::Return(Some(expr::argument(source, returned.clone()))),
        };
        stmts.insert(at, stmt);
    }
    stmts
}

/// A statement whose result is returned: the statement becomes the return of it.
fn return_result(stmt: &mut Stmt) {
    stmt.kind = match std::mem::replace(&mut stmt.kind, StmtKind::Return(None)) {
        StmtKind::Expr(expr) => StmtKind::Return(Some(expr)),
        other => other,
    };
}
