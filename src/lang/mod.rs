//! Front-ends: each language's folder lowers one file's text into a [`Module`] of
//! language-blind units, knowing no rule or library, and holds the language's
//! [`Profile`], its words for the rules. [`lower`] and [`profile_of`] pick them with no
//! fallback arm: a new language does not compile until it has both.

use crate::model::{Lang, Module};
use profile::Profile;

mod gaps;
pub mod go;
pub mod markdown;
pub mod profile;
pub mod python;
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
        Lang::Python => python::lower(source),
    }
}

/// What `lang` says in its own words: the profile in its folder.
pub fn profile_of(lang: Lang) -> &'static dyn Profile {
    match lang {
        Lang::Go => &go::profile::Go,
        Lang::Rust => &rust::profile::Rust,
        Lang::Sql => &sql::profile::Sql,
        Lang::TypeScript => &typescript::profile::TypeScript,
        Lang::Python => &python::profile::Python,
    }
}
