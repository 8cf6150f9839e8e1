//! The TypeScript and JSX that tree-sitter-typescript 0.23 (the newest published) does not
//! read, recognised by the errors it leaves in the tree; see [`crate::lang::gaps`] for
//! how a gap is patched and the tree kept.

use tree_sitter::{Node, Tree};

use crate::lang::gaps::{self, Patch};
use crate::lang::treesitter::named_children;

/// The patches for every gap `tree` (parsed from `text`) shows.
pub(super) fn find(tree: &Tree, text: &str) -> Vec<Patch> {
    gaps::errors(tree.root_node())
        .into_iter()
        .flat_map(|error| {
            [
                type_arguments_of_a_tagged_template(error),
                parameter_named_like_a_type(error, text),
                type_only_export_of_all(error, text),
            ]
            .into_iter()
            .flatten()
            .chain(ampersands_in_jsx(error, text))
            .chain(keywords_used_as_names(error, text))
        })
        .chain(import_types(tree.root_node(), text))
        .collect()
}

/// `` sql<Row>`SELECT …` ``, `` styled.div<Props>`…` ``: the grammar has no type arguments
/// on a tagged template, reads `sql<Row>` as an instantiation expression and invents a `!`
/// after it (after a whole conditional expression when the call is its last operand). The
/// type arguments are blanked, as the lowerer drops them anyway.
fn type_arguments_of_a_tagged_template(error: Node) -> Option<Patch> {
    if !error.is_missing() || error.kind() != "!" {
        return None;
    }
    let call = error
        .parent()
        .filter(|p| p.kind() == "non_null_expression")?
        .parent()
        .filter(|p| p.kind() == "call_expression")?;
    let tagged = call
        .child_by_field_name("arguments")
        .is_some_and(|arguments| arguments.kind() == "template_string");
    let type_arguments = previous_token(error)
        .filter(|token| token.kind() == ">")?
        .parent()
        .filter(|p| p.kind() == "type_arguments")?;
    let instantiated = type_arguments
        .parent()
        .is_some_and(|p| p.kind() == "instantiation_expression");
    (tagged && instantiated).then(|| Patch::blank(type_arguments.byte_range()))
}

/// `<p>Terms & Conditions</p>`, `<a href="/?a=1&b=2">`: JSX text and attribute strings may
/// hold a bare `&` (one that starts no character reference), which the grammar excludes
/// from both. It is blanked; the lowerer reads no JSX.
fn ampersands_in_jsx(error: Node, text: &str) -> Vec<Patch> {
    let ampersand_at = |at: usize| {
        text[at..]
            .starts_with('&')
            .then(|| Patch::blank(at..at + 1))
    };
    let in_jsx = error.parent().is_some_and(|p| match p.kind() {
        "jsx_element" | "jsx_fragment" => true,
        "string" => p.parent().is_some_and(|a| a.kind() == "jsx_attribute"),
        _ => false,
    });
    // Where the grammar lost its way at the `&`, the text before it is a child of the error.
    let after_text = named_children(error)
        .into_iter()
        .filter(|child| child.kind() == "jsx_text")
        .filter_map(|jsx_text| {
            let end = jsx_text.end_byte();
            let gap = text[end..].len() - text[end..].trim_start().len();
            ampersand_at(end + gap)
        });
    in_jsx
        .then(|| ampersand_at(error.start_byte()))
        .flatten()
        .into_iter()
        .chain(after_text)
        .collect()
}

/// `onChange: (boolean) => void`: a function type's parameter may bear the name of a
/// predefined type, which the grammar then reads as a parenthesized type and stops at the
/// `=>` (or invents a closing token before it). The name is turned into a plain one; the
/// lowerer drops types anyway.
fn parameter_named_like_a_type(error: Node, text: &str) -> Option<Patch> {
    let close = previous_token(error).filter(|token| token.kind() == ")")?;
    if !text[close.end_byte()..].trim_start().starts_with("=>") {
        return None;
    }
    let parenthesized = close
        .parent()
        .filter(|p| p.kind() == "parenthesized_type")?;
    let name = parenthesized.named_child(0).filter(|child| {
        child.kind() == "predefined_type" && parenthesized.named_child_count() == 1
    })?;
    Some(Patch::name(name.byte_range()))
}

/// Words the grammar takes for keywords where TypeScript reads a name: a member named `in`
/// (`in?: string[]`, after other members) and a variable named `unique` (`unique.length`,
/// where the grammar expects `unique symbol`). Each is turned into a plain name of the same
/// length, and the lowerer reads the original word.
fn keywords_used_as_names(error: Node, text: &str) -> Vec<Patch> {
    if !error.is_error() {
        return Vec::new();
    }
    gaps::tokens(error)
        .into_iter()
        .filter(|token| {
            let after = text[token.end_byte()..].trim_start();
            match &text[token.byte_range()] {
                "in" => after.starts_with(':') || after.starts_with("?:"),
                "unique" => !after.starts_with("symbol"),
                _ => false,
            }
        })
        .map(|token| Patch::name(token.byte_range()))
        .collect()
}

/// `export type * from "./types"` (TypeScript 5.0): the grammar knows `export type { … }`
/// only. The `type` is blanked: a re-export declares nothing the lowerer reads either way.
fn type_only_export_of_all(error: Node, text: &str) -> Option<Patch> {
    let in_export = error
        .parent()
        .is_some_and(|p| p.kind() == "export_statement");
    let after = text[error.end_byte()..].trim_start();
    (error.is_error() && in_export && &text[error.byte_range()] == "type" && after.starts_with('*'))
        .then(|| Patch::blank(error.byte_range()))
}

/// `import("pkg").Type[]`, `f<typeof import("pkg")>()`: the grammar reads an import type only
/// as a whole annotation, not followed by `[]` or inside type arguments. In a file with
/// errors, each `import("…")` that follows a `:`, `typeof` or `<` is turned into a plain
/// name of the same length; the lowerer drops types anyway.
fn import_types(root: Node, text: &str) -> Vec<Patch> {
    let tokens = gaps::tokens(root);
    tokens
        .windows(2)
        .filter(|pair| matches!(pair[0].kind(), ":" | "typeof" | "<") && pair[1].kind() == "import")
        .filter_map(|pair| {
            // The `import` keyword is the only child of a node of its own name.
            let call = std::iter::successors(pair[1].parent(), |node| node.parent())
                .take(2)
                .find(|node| node.kind() == "call_expression")?;
            let written = &text[call.byte_range()];
            let one_word = !written.contains(|c: char| c.is_whitespace());
            one_word.then(|| Patch::name(call.byte_range()))
        })
        .collect()
}

/// The token right before `node`.
fn previous_token(node: Node) -> Option<Node> {
    let mut at = node;
    let mut before = loop {
        match at.prev_sibling() {
            Some(sibling) => break sibling,
            None => at = at.parent()?,
        }
    };
    while before.child_count() > 0 {
        before = before.child(before.child_count() - 1)?;
    }
    Some(before)
}
