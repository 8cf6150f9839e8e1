//! What the TypeScript grammar's nodes mean to the lowering: which kinds are functions,
//! declarations and types, which run nothing, and what an expression is under the
//! parentheses and type assertions around it.

use tree_sitter::Node;

use crate::lang::treesitter::named_children;

pub(super) fn is_function_kind(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

fn is_declaration_kind(kind: &str) -> bool {
    matches!(kind, "lexical_declaration" | "variable_declaration")
}

pub(super) fn is_type_kind(kind: &str) -> bool {
    kind.ends_with("_type")
        || matches!(
            kind,
            "type_identifier" | "type_annotation" | "type_arguments" | "type_parameters"
        )
}

/// Statements that declare only types or wire modules: nothing runs.
pub(super) fn declares_nothing(kind: &str) -> bool {
    matches!(
        kind,
        "import_statement"
            | "type_alias_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "ambient_declaration"
            | "function_signature"
            | "abstract_method_signature"
            | "empty_statement"
            | "debugger_statement"
            | "hash_bang_line"
            | "comment"
            | "html_comment"
    )
}

/// `node` with parentheses, type assertions and non-null assertions taken off.
pub(super) fn unwrap_expression(mut node: Node) -> Node {
    loop {
        node = match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => {
                match named_children(node)
                    .into_iter()
                    .find(|c| !is_type_kind(c.kind()))
                {
                    Some(inner) => inner,
                    None => return node,
                }
            }
            _ => return node,
        };
    }
}

/// The children of `node` of kind `kind` (declarators have no field name of their own).
pub(super) fn field_less_children<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    named_children(node)
        .into_iter()
        .filter(|c| c.kind() == kind)
        .collect()
}

pub(super) fn is_const_declaration(node: Node) -> bool {
    is_declaration_kind(node.kind())
        && node
            .child_by_field_name("kind")
            .is_some_and(|k| k.kind() == "const")
}
