//! What the Go grammar's nodes mean to the lowering: which are statements (seen through
//! statement lists and error regions), the items of a list, the specs of a declaration,
//! which kinds are types.

use tree_sitter::Node;

use crate::lang::treesitter::named_children;

/// The statements among `nodes`, with statement lists and error regions opened up so that
/// what tree-sitter could read inside a syntax error is still lowered.
pub(super) fn statement_nodes<'t>(nodes: Vec<Node<'t>>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack: Vec<Node<'t>> = nodes.into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        if node.kind() == "statement_list" || node.is_error() {
            stack.extend(named_children(node).into_iter().rev());
        } else if node.is_named() && !node.is_extra() {
            out.push(node);
        }
    }
    out
}

/// The items of an `expression_list` (or the node itself when it is a single expression).
pub(super) fn list_items(node: Option<Node>) -> Vec<Node> {
    match node {
        Some(list) if list.kind() == "expression_list" => named_children(list),
        Some(single) => vec![single],
        None => Vec::new(),
    }
}

/// The `var_spec`s / `const_spec`s of a declaration, grouped or not.
pub(super) fn specs(declaration: Node) -> Vec<Node> {
    let mut out = Vec::new();
    for child in named_children(declaration) {
        match child.kind() {
            "var_spec_list" => out.extend(named_children(child)),
            "var_spec" | "const_spec" => out.push(child),
            _ => {}
        }
    }
    out
}

pub(super) fn is_type_kind(kind: &str) -> bool {
    kind.ends_with("_type") || kind == "type_identifier"
}
