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
//! Parsing is here. The lowering is split by what it reads: `lower` (the file's units and
//! the scopes of the strings it folds), `statements`, `expressions`, `strings` (string
//! literals and their folding), `imports`, `nodes` (what the grammar's node kinds mean to
//! the lowering) and `grammar_gaps` (the Go the grammar does not read yet).
//!
//! [`StrLit`]: crate::model::StrLit
//! [`UnitKind::Script`]: crate::model::UnitKind::Script

mod expressions;
mod grammar_gaps;
mod imports;
mod lower;
mod nodes;
mod statements;
mod strings;

use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

use super::gaps;
use super::treesitter::collect_comments_and_errors;
use crate::model::{Module, ParseNote};
use lower::Lowerer;

/// The name of the unit holding statements that stood outside any function.
pub const SNIPPET_UNIT: &str = "<snippet>";

thread_local! {
    static PARSER: RefCell<Option<Parser>> = RefCell::new(new_parser());
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
    Some(parser)
}

fn parse(source: &str) -> Option<Tree> {
    PARSER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut parser) => parser.as_mut()?.parse(source, None),
        Err(_) => new_parser()?.parse(source, None),
    })
}

/// Lowers one Go file or snippet.
pub fn lower(source: &str) -> Module {
    let Some(tree) = gaps::parse_patched(source, parse, grammar_gaps::new_of_an_expression) else {
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
