#![allow(dead_code)] // Each front-end's tests use their own part of this.

//! What the front-end tests look at in a lowered file: its expressions (closures' bodies
//! included), the strings in them and where their bytes come from, its queries and its
//! imports.

use std::ops::Range;

use idemlint::analysis;
use idemlint::knowledge::Knowledge;
use idemlint::lang;
use idemlint::model::{CallRole, Expr, ExprKind, Lang, Module, Outcome, StrLit, Unit};

/// `source` lowered, its calls classified with the built-in knowledge.
pub fn classified(source: &str, lang: Lang) -> Module {
    let mut module = lang::lower(lang, source);
    analysis::classify(&mut module, source, lang, &Knowledge::builtin());
    module
}

/// Every expression of `unit`, closures' bodies included.
pub fn unit_exprs(unit: &Unit) -> Vec<&Expr> {
    walk_closures(unit.all_exprs())
}

/// Every expression of every unit, closures' bodies included.
pub fn exprs(module: &Module) -> Vec<&Expr> {
    walk_closures(module.units.iter().flat_map(|u| u.all_exprs()).collect())
}

/// `exprs` and every expression of the closures among them.
fn walk_closures(exprs: Vec<&Expr>) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut pending = exprs;
    while let Some(e) = pending.pop() {
        if let ExprKind::Closure { body, .. } = &e.kind {
            for stmt in body.all_stmts() {
                for inner in stmt.exprs() {
                    pending.extend(inner.walk());
                }
            }
        }
        out.push(e);
    }
    out
}

/// The string of the module that holds `needle`.
pub fn string_with<'m>(module: &'m Module, needle: &str) -> &'m StrLit {
    exprs(module)
        .into_iter()
        .filter_map(|e| e.as_str())
        .find(|s| s.value.contains(needle))
        .unwrap_or_else(|| panic!("no string containing {needle:?}"))
}

/// The file span of `needle` inside the folded string `lit`.
pub fn span_of(lit: &StrLit, needle: &str) -> Range<usize> {
    let start = lit.value.find(needle).expect("needle in value");
    lit.file_span(start..start + needle.len())
}

pub fn offset_of(source: &str, needle: &str) -> Range<usize> {
    let start = source.find(needle).expect("needle in source");
    start..start + needle.len()
}

/// The query calls among `exprs`: callee and outcome, in order.
pub fn query_roles<'m>(exprs: impl IntoIterator<Item = &'m Expr>) -> Vec<(String, Outcome)> {
    exprs
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Call(call) => match &call.role {
                CallRole::Query(q) => Some((call.lookup_name(), q.outcome)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The module's imports: the name the code uses, and where it comes from.
pub fn imports(module: &Module) -> Vec<(&str, &str)> {
    module
        .imports
        .iter()
        .map(|i| (i.local.as_str(), i.source.as_str()))
        .collect()
}
