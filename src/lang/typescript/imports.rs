//! The names a TypeScript or JavaScript file imports: ES `import` statements and
//! `require("m")` bound to a name or destructured.

use tree_sitter::Node;

use crate::lang::treesitter::{named_children, text};
use crate::model::Import;

/// The imports among `statements`, the top-level statement nodes of a file.
pub fn imports(source: &str, statements: &[Node]) -> Vec<Import> {
    let mut out = Vec::new();
    for node in statements {
        match node.kind() {
            "import_statement" => es_import(source, *node, &mut out),
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(*node) {
                    required(source, declarator, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

fn es_import(source: &str, node: Node, out: &mut Vec<Import>) {
    let Some(from) = node
        .child_by_field_name("source")
        .map(|s| unquote(text(source, s)))
    else {
        return;
    };
    let mut bind = |local: Node| {
        out.push(Import {
            local: text(source, local).to_owned(),
            source: from.to_owned(),
        })
    };
    for clause in named_children(node)
        .into_iter()
        .filter(|c| c.kind() == "import_clause")
    {
        for part in named_children(clause) {
            match part.kind() {
                "identifier" => bind(part),
                "namespace_import" => named_children(part).into_iter().for_each(&mut bind),
                "named_imports" => {
                    for specifier in named_children(part) {
                        let local = specifier
                            .child_by_field_name("alias")
                            .or_else(|| specifier.child_by_field_name("name"));
                        local.into_iter().for_each(&mut bind);
                    }
                }
                _ => {}
            }
        }
    }
}

/// `const x = require("m")`, `const { a, b: c } = require("m")`.
fn required(source: &str, declarator: Node, out: &mut Vec<Import>) {
    let (Some(name), Some(value)) = (
        declarator.child_by_field_name("name"),
        declarator.child_by_field_name("value"),
    ) else {
        return;
    };
    let callee = value.child_by_field_name("function");
    if value.kind() != "call_expression" || callee.map(|c| text(source, c)) != Some("require") {
        return;
    }
    let Some(from) = value
        .child_by_field_name("arguments")
        .and_then(|args| named_children(args).into_iter().next())
        .filter(|arg| arg.kind() == "string")
        .map(|arg| unquote(text(source, arg)).to_owned())
    else {
        return;
    };
    let locals: Vec<Node> = match name.kind() {
        "identifier" => vec![name],
        "object_pattern" => named_children(name)
            .into_iter()
            .filter_map(|p| match p.kind() {
                "shorthand_property_identifier_pattern" => Some(p),
                "pair_pattern" => p.child_by_field_name("value"),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    out.extend(locals.into_iter().map(|local| Import {
        local: text(source, local).to_owned(),
        source: from.clone(),
    }));
}

fn unquote(quoted: &str) -> &str {
    quoted.trim_matches(|c| c == '"' || c == '\'' || c == '`')
}
