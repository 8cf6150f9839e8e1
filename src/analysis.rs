//! The pass between the front-ends and the rules: classifies every call from the
//! knowledge table and reads the SQL of every query.

pub(crate) mod evaluate;
mod orm;

use crate::knowledge::{Knowledge, Orm, RetryFacts};
use crate::model::visit::{VisitorMut, walk_expr_mut};
use crate::model::{
    Call, CallRole, Expr, ExprKind, Import, KvOp, Lang, Module, Outcome, Query, SqlText, StmtKind,
    StrLit, UnOp,
};
use crate::sql;

/// Classifies the calls of every unit of `module`, lowered from `source`.
pub fn classify(module: &mut Module, source: &str, lang: Lang, knowledge: &Knowledge) {
    let mut classifier = Classifier {
        lang,
        knowledge,
        imports: &module.imports,
        orms: knowledge.orms_marked_in(source.as_bytes(), lang).collect(),
    };
    for unit in &mut module.units {
        classifier.visit_unit_mut(unit);
    }
}

/// Classifies every call of a unit, closure bodies and `for` headers included, each after the
/// calls inside it: a wrapper is known by what it wraps, and the terminal call of a builder
/// chain takes over what its steps were found to be.
struct Classifier<'k> {
    lang: Lang,
    knowledge: &'k Knowledge,
    imports: &'k [Import],
    /// The ORMs whose chains the file can run: of its language, and marked in its text
    /// where the library has markers (as the prefilter asks).
    orms: Vec<&'k Orm>,
}

impl VisitorMut for Classifier<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        walk_expr_mut(self, expr);
        classify_expr(expr, self);
    }
}

/// A retry library is known by where the file imports its name from.
fn classify_expr(expr: &mut Expr, classifier: &Classifier) {
    let Classifier {
        lang,
        knowledge,
        imports,
        ref orms,
    } = *classifier;
    if let ExprKind::Unary {
        op: UnOp::Await,
        operand,
    } = &mut expr.kind
    {
        classify_awaited(operand, lang, knowledge);
        return;
    }
    let ExprKind::Call(call) = &mut expr.kind else {
        return;
    };
    let name = call.lookup_name();
    if let Some(sleep) = wrapped_sleep(call, lang, &name, knowledge) {
        expr.kind = ExprKind::Call(sleep);
        return;
    }
    // A driver method name with no SQL in reach is some other client's method
    // (go-redis `Get(ctx, key)` beside sqlx `Get(&dest, query)`).
    let query = knowledge
        .query(lang, &name)
        .and_then(|api| Some((api.outcome, take_sql(call)?)));
    call.role = if let Some((outcome, sql)) = query {
        CallRole::Query(Query { sql, outcome })
    } else if let Some(query) = orm::query(call, lang, knowledge, orms) {
        orm::take_inner_roles(call);
        CallRole::Query(query)
    } else if let Some(sql) = sql_arg(&call.args) {
        CallRole::Query(Query {
            sql,
            outcome: Outcome::Unknown,
        })
    } else if let Some(sleep) = knowledge.sleep_call(lang, &name, call.args.len()) {
        CallRole::Sleep {
            duration_arg: sleep.duration_arg,
        }
    } else if let Some(kv) = kv_role(call, &name, lang, knowledge, false) {
        kv
    } else if let Some((api, retry)) = evaluate::retry_calls(knowledge, lang, &name, &call.args)
        .find(|(_, retry)| imported_from_library(imports, &name, &retry.facts))
    {
        CallRole::Retry(Box::new(crate::model::RetryCall {
            entry: retry.id.clone(),
            api,
        }))
    } else if knowledge.is_random(lang, &name) {
        CallRole::Random
    } else {
        CallRole::Unknown
    };
}

/// Whether the root of a call's name is the library's: imported from one of its modules, or
/// not imported at all (a snippet, a global) unless the library says it must be. A name
/// imported from anywhere else is the project's own (`import { retry } from
/// "./retries.js"`, a local `retry` package).
fn imported_from_library(imports: &[Import], name: &str, facts: &RetryFacts) -> bool {
    let root = name.split('.').next().unwrap_or(name);
    let import = imports.iter().find(|import| import.local == root);
    facts.modules.is_empty()
        || match import {
            Some(import) => Knowledge::is_from(&import.source, &facts.modules),
            None => !facts.must_import,
        }
}

/// An awaited call nothing else claimed may be a promise-returning client's key-value
/// method (see [`crate::knowledge::KvApi::awaited`]).
fn classify_awaited(operand: &mut Expr, lang: Lang, knowledge: &Knowledge) {
    let ExprKind::Call(call) = &mut operand.kind else {
        return;
    };
    if !matches!(call.role, CallRole::Unknown) {
        return;
    }
    let name = call.lookup_name();
    if let Some(kv) = kv_role(call, &name, lang, knowledge, true) {
        call.role = kv;
    }
}

/// The sleep a call stands for when it only wraps one: a promise constructor whose executor
/// does nothing but sleep (`new Promise(r => setTimeout(r, d))`) is that sleep. Its body was
/// classified before it, children first.
fn wrapped_sleep(call: &Call, lang: Lang, name: &str, knowledge: &Knowledge) -> Option<Call> {
    if !knowledge.is_sleep_wrapper(lang, name) {
        return None;
    }
    let [executor] = call.args.as_slice() else {
        return None;
    };
    let ExprKind::Closure { body, .. } = &executor.kind else {
        return None;
    };
    let [only] = body.stmts.as_slice() else {
        return None;
    };
    let inner = match &only.kind {
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) => e.as_call()?,
        _ => return None,
    };
    matches!(inner.role, CallRole::Sleep { .. }).then(|| inner.clone())
}

/// The key-value operation a call is: a client method, a generic command
/// (`Do(ctx, "SET", key, …)`, `cmd("SET")`), or the builder step that gives a generic
/// command its key (`.arg(key)`, which then takes the role over from the command).
/// A set-if-absent flag anywhere along a write makes it a set-if-absent.
fn kv_role(
    call: &mut Call,
    name: &str,
    lang: Lang,
    knowledge: &Knowledge,
    awaited: bool,
) -> Option<CallRole> {
    let Some((op, key_arg)) = kv_op(call, name, lang, knowledge, awaited) else {
        if has_if_absent_flag(&call.args, knowledge) {
            mark_write_if_absent(call);
        }
        return None;
    };
    let op = if op == KvOp::Set && has_if_absent_flag(&call.args, knowledge) {
        KvOp::SetIfAbsent
    } else {
        op
    };
    Some(CallRole::Kv { op, key_arg })
}

/// The operation and key argument of a key-value call, before flags are looked at.
fn kv_op(
    call: &mut Call,
    name: &str,
    lang: Lang,
    knowledge: &Knowledge,
    awaited: bool,
) -> Option<(KvOp, usize)> {
    if let Some(api) = knowledge.kv_call(lang, name, call.args.len(), awaited) {
        return Some((api.op, api.key_arg));
    }
    if let Some(api) = knowledge.kv_command(lang, name) {
        let command = call.args.get(api.command_arg)?.as_str()?;
        return Some((
            knowledge.kv_command_op(&command.value)?,
            api.command_arg + 1,
        ));
    }
    if !knowledge.is_kv_arg_step(lang, name) {
        return None;
    }
    let command = receiver_call(call)?;
    match command.role {
        CallRole::Kv { op, key_arg } if key_arg >= command.args.len() => {
            command.role = CallRole::Unknown;
            Some((op, 0))
        }
        _ => None,
    }
}

/// The call a method is called on (`cmd("SET")` for `cmd("SET").arg(key)`).
fn receiver_call(call: &mut Call) -> Option<&mut Call> {
    match &mut call.callee.kind {
        ExprKind::Field { base, .. } => match &mut base.kind {
            ExprKind::Call(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Turns the key-value write down the builder chain of `call` into a set-if-absent
/// (`cmd("SET").arg(key).arg(v).arg("NX")`).
fn mark_write_if_absent(call: &mut Call) {
    let mut current = receiver_call(call);
    while let Some(inner) = current {
        if let CallRole::Kv { op, .. } = &mut inner.role {
            if *op == KvOp::Set {
                *op = KvOp::SetIfAbsent;
            }
            return;
        }
        current = receiver_call(inner);
    }
}

/// Whether an argument is, or holds, a set-if-absent flag (`"NX"`, `Mode: "NX"`, `ExistenceCheck::NX`).
fn has_if_absent_flag(args: &[Expr], knowledge: &Knowledge) -> bool {
    args.iter().flat_map(Expr::walk).any(|e| match &e.kind {
        ExprKind::Str(s) => knowledge.is_kv_if_absent_flag(&s.value),
        // node-redis's `{ NX: true }`.
        ExprKind::Composite { fields, .. } => fields.iter().any(|(name, value)| {
            name.as_deref()
                .is_some_and(|n| knowledge.is_kv_if_absent_flag(n))
                && !matches!(value.kind, ExprKind::Bool(false))
        }),
        ExprKind::Name(_) | ExprKind::Field { .. } => e
            .last_segment()
            .is_some_and(|last| knowledge.is_kv_if_absent_flag(last)),
        _ => false,
    })
}

/// The SQL a terminal driver call runs: in its own arguments (`db.Exec("…")`), or in the
/// builder chain it ends (`sqlx::query("…").bind(k).execute(&pool)`), whose inner query
/// call then stops counting as a query of its own.
fn take_sql(call: &mut Call) -> Option<SqlText> {
    if let Some(sql) = sql_arg(&call.args) {
        return Some(sql);
    }
    let mut receiver = match &mut call.callee.kind {
        ExprKind::Field { base, .. } => &mut **base,
        _ => return None,
    };
    loop {
        receiver = match &mut receiver.kind {
            ExprKind::Call(inner) => {
                if let CallRole::Query(q) = std::mem::take(&mut inner.role) {
                    return Some(q.sql);
                }
                match &mut inner.callee.kind {
                    ExprKind::Field { base, .. } => &mut **base,
                    _ => return None,
                }
            }
            ExprKind::Unary { operand, .. } | ExprKind::Try(operand) => &mut **operand,
            _ => return None,
        };
    }
}

/// The first argument that is a SQL string.
fn sql_arg(args: &[Expr]) -> Option<SqlText> {
    args.iter().find_map(|arg| match &arg.kind {
        ExprKind::Str(lit) if sql::looks_like_sql(&lit.value) => Some(sql_text(lit)),
        _ => None,
    })
}

/// Reads the SQL facts of a string literal.
pub fn sql_text(lit: &StrLit) -> SqlText {
    SqlText {
        statements: sql::facts(&lit.value),
        text: lit.clone(),
        orm: None,
    }
}
