#![allow(dead_code)] // Each target uses its own part of this.

//! What every target does with its input: the front-end, then the analysis pass and the
//! model walks every rule leans on.

use idemlint::analysis;
use idemlint::flow;
use idemlint::knowledge::Knowledge;
use idemlint::lang;
use idemlint::model::{Lang, Scope};
use std::sync::LazyLock;

pub static KNOWLEDGE: LazyLock<Knowledge> = LazyLock::new(Knowledge::builtin);

/// The input as the run would read it: invalid UTF-8 replaced, as for a file on disk.
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Lowers `source`, classifies its calls and walks every unit the way the rules do.
pub fn lower_and_walk(lang: Lang, source: &str) {
    let mut module = lang::lower(lang, source);
    analysis::classify(&mut module, source, lang, &KNOWLEDGE);
    for unit in &module.units {
        let _ = flow::calls(unit);
        let _ = flow::queries(unit);
        let _ = flow::loops(unit);
        let _ = unit.all_exprs();
        let _ = unit.body.exprs_in(Scope::DEEP);
    }
    let _ = idemlint::dump::module(&module);
}
