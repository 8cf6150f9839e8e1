//! Front-ends: each turns one file's text into a [`Module`] of language-blind units.
//! None of them knows a rule or a library.

use crate::model::{Lang, Module};

mod gaps;
pub mod go;
pub mod markdown;
pub mod profile;
pub mod rust;
pub mod sql;
mod treesitter;
pub mod typescript;

/// Deeper nesting than this is lowered as an opaque [`crate::model::ExprKind::Other`] with no
/// children, so no walk over the model can overflow the stack.
pub const MAX_DEPTH: usize = 200;

/// Lowers `source` written in `lang`.
pub fn lower(lang: Lang, source: &str) -> Module {
    match lang {
        Lang::Go => go::lower(source),
        Lang::Rust => rust::lower(source),
        Lang::Sql => sql::lower(source),
        Lang::TypeScript => typescript::lower(source),
    }
}
