//! What tree-sitter-python's nodes mean to the lowering: which statements run nothing, and
//! what an expression is under its parentheses.

use tree_sitter::Node;

use crate::lang::treesitter::named_children;

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
