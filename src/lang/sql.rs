//! The SQL front-end: a `.sql` file is one script unit whose statements run in order, plus
//! one function unit per `CREATE FUNCTION`/`CREATE PROCEDURE` body. A `DO` block runs where
//! it stands, so its statements stay in the script.

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
    let mut units = vec![Unit {
        name: SCRIPT_UNIT.to_owned(),
        kind: UnitKind::Script,
        span: 0..source.len(),
        params: Vec::new(),
        body: Block { stmts: statements },
    }];
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
    }
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
