//! The Go front-end: lowers Go source, a whole file or a snippet as pasted in a review, into
//! the language-blind model with tree-sitter-go.
//!
//! tree-sitter-go accepts statements at the top level of a file (to read documentation
//! snippets), so a snippet needs no wrapping: statements outside any function become one
//! [`UnitKind::Script`] unit named [`SNIPPET_UNIT`], and every span is already a byte offset
//! into the text as given.
//!
//! String values are folded where the program's own text fixes them, so that SQL built from
//! pieces is still seen as SQL: literal concatenation, same-file constants, local string
//! variables passed to a call, and `fmt.Sprintf` templates. Each folded [`StrLit`] maps every
//! byte back to the file.
//!
//! The folder splits by what each part reads: `parse` (tree-sitter-go, one parser a
//! thread), `lower` (the file's units and the scopes of the strings it folds), `statements`,
//! `expressions`, `strings` (string literals and their folding), `imports`, `nodes` (what
//! the grammar's node kinds mean to the lowering) and `grammar_gaps` (the Go the grammar
//! does not read yet).
//!
//! [`StrLit`]: crate::model::StrLit
//! [`UnitKind::Script`]: crate::model::UnitKind::Script

mod expressions;
mod grammar_gaps;
mod imports;
mod lower;
mod nodes;
mod parse;
pub(super) mod profile;
mod statements;
mod strings;

use super::gaps;
use super::treesitter::collect_comments_and_errors;
use crate::model::{Module, ParseNote};
use lower::Lowerer;

pub use lower::SNIPPET_UNIT;

/// Lowers one Go file or snippet.
pub fn lower(source: &str) -> Module {
    let Some(tree) = gaps::parse_patched(source, parse::parse, grammar_gaps::new_of_an_expression)
    else {
        return Module {
            diagnostics: vec![ParseNote::warning(
                0..source.len(),
                "the Go parser could not read this file",
            )],
            ..Module::default()
        };
    };
    let root = tree.root_node();
    let mut module = Module::default();
    collect_comments_and_errors(root, source, &mut module);
    module.imports = imports::imports(source, root);
    module.units = Lowerer::new(source).file(root);
    module
}
