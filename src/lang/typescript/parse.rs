//! The two grammars, tree-sitter-typescript's TypeScript and TSX, one parser each a thread,
//! made on first use; a file is read with the one that leaves less of it in error.

use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

use super::grammar_gaps;
use crate::lang::gaps;

thread_local! {
    static PARSERS: RefCell<Option<Parsers>> = RefCell::new(Parsers::new());
}

#[derive(Clone, Copy)]
enum Grammar {
    TypeScript,
    Tsx,
}

struct Parsers {
    typescript: Parser,
    tsx: Parser,
}

impl Parsers {
    fn new() -> Option<Parsers> {
        let mut typescript = Parser::new();
        typescript
            .set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
            .ok()?;
        let mut tsx = Parser::new();
        tsx.set_language(&tree_sitter_typescript::LANGUAGE_TSX.into())
            .ok()?;
        Some(Parsers { typescript, tsx })
    }

    fn parse(&mut self, grammar: Grammar, source: &str) -> Option<Tree> {
        match grammar {
            Grammar::TypeScript => self.typescript.parse(source, None),
            Grammar::Tsx => self.tsx.parse(source, None),
        }
    }
}

fn parse_with(grammar: Grammar, source: &str) -> Option<Tree> {
    PARSERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut parsers) => parsers.as_mut()?.parse(grammar, source),
        Err(_) => Parsers::new()?.parse(grammar, source),
    })
}

fn parse_patched(grammar: Grammar, source: &str) -> Option<Tree> {
    gaps::parse_patched(source, |text| parse_with(grammar, text), grammar_gaps::find)
}

/// The tree of `source`: TypeScript's, else TSX's when TypeScript leaves more of it in
/// error (as it does a whole JSX file), each with its grammar gaps patched.
pub(super) fn parse(source: &str) -> Option<Tree> {
    let typescript = parse_patched(Grammar::TypeScript, source)?;
    if !typescript.root_node().has_error() {
        return Some(typescript);
    }
    let in_error = gaps::error_weight(typescript.root_node());
    match parse_patched(Grammar::Tsx, source) {
        Some(tsx) if gaps::error_weight(tsx.root_node()) < in_error => Some(tsx),
        _ => Some(typescript),
    }
}
