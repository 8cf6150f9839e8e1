//! The Go that tree-sitter-go 0.25 (the newest published) does not read, recognised in the
//! tree it leaves; see [`crate::lang::gaps`] for how a gap is patched and the tree kept.

use tree_sitter::{Node, Tree};

use super::parse::parse;
use crate::lang::gaps::{self, Patch};

/// Go 1.26 lets `new` take an expression (`new(time.Now())`, `new(0)`), where
/// tree-sitter-go 0.25 reads only a type. A `new` whose argument does not read as a type in
/// a file of its own is renamed, so that it reads as the call of a function it now is.
pub(super) fn new_of_an_expression(tree: &Tree, text: &str) -> Vec<Patch> {
    let tokens = gaps::tokens(tree.root_node());
    let mut patches = Vec::new();
    for (at, word) in tokens.iter().enumerate() {
        let opens = tokens.get(at + 1).is_some_and(|next| next.kind() == "(");
        let after_dot = at > 0 && tokens[at - 1].kind() == ".";
        if word.utf8_text(text.as_bytes()) != Ok("new") || !opens || after_dot {
            continue;
        }
        let Some(close) = closing_paren(&tokens[at + 1..]) else {
            continue;
        };
        let argument = &text[tokens[at + 1].end_byte()..close.start_byte()];
        let alone = format!("package p\nvar _ = new({argument})\n");
        if parse(&alone).is_some_and(|tree| tree.root_node().has_error()) {
            patches.push(Patch::name(word.byte_range()));
        }
    }
    patches
}

/// The `)` that closes the `(` `tokens` starts with.
fn closing_paren<'t>(tokens: &[Node<'t>]) -> Option<Node<'t>> {
    let mut depth = 0usize;
    for token in tokens {
        match token.kind() {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    return Some(*token);
                }
            }
            _ => {}
        }
    }
    None
}
