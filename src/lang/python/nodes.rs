//! What tree-sitter-python's nodes mean to the lowering: the statements of a block with
//! syntax-error regions opened up, and an expression under its parentheses.

use tree_sitter::Node;

use crate::lang::treesitter::named_children;

/// The named children of `node` with syntax-error regions opened up, so that what
/// tree-sitter could read inside one is still lowered.
pub(super) fn statement_nodes(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack: Vec<Node> = children_and_errors(node).into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        if node.is_error() {
            stack.extend(children_and_errors(node).into_iter().rev());
        } else {
            out.push(node);
        }
    }
    out
}

/// The named children of `node`, comments left out but error regions kept: an error region
/// can be an "extra" node like a comment.
fn children_and_errors(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.is_error() || !child.is_extra())
        .collect()
}

/// `node` with parentheses taken off.
pub(super) fn unwrap_parens(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        match named_children(node).into_iter().next() {
            Some(inner) => node = inner,
            None => return node,
        }
    }
    node
}

/// Statements that only wire modules or declare names: nothing runs.
pub(super) fn declares_nothing(kind: &str) -> bool {
    matches!(
        kind,
        "import_statement"
            | "import_from_statement"
            | "future_import_statement"
            | "pass_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "type_alias_statement"
            | "comment"
    )
}
