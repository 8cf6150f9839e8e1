//! tree-sitter-python's parser, one a thread, made on first use.

use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = RefCell::new(new_parser());
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .ok()?;
    Some(parser)
}

/// The tree of `source`, errors and all.
pub(super) fn parse(source: &str) -> Option<Tree> {
    PARSER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut parser) => parser.as_mut()?.parse(source, None),
        Err(_) => new_parser()?.parse(source, None),
    })
}
