//! The names a TypeScript or JavaScript file imports (ES `import` statements and
//! `require("m")` bound to a name or destructured) and the other names it exports its
//! functions by.

use tree_sitter::Node;

use crate::lang::treesitter::{named_children, text};
use crate::model::{Export, Import};

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
    let mut bind = |local: Node, exported: Option<&str>| {
        let local = text(source, local);
        out.push(Import {
            local: local.to_owned(),
            source: from.to_owned(),
            exported: exported.filter(|name| *name != local).map(str::to_owned),
        })
    };
    for clause in named_children(node)
        .into_iter()
        .filter(|c| c.kind() == "import_clause")
    {
        for part in named_children(clause) {
            match part.kind() {
                "identifier" => bind(part, Some("default")),
                "namespace_import" => {
                    for local in named_children(part) {
                        bind(local, None);
                    }
                }
                "named_imports" => {
                    for specifier in named_children(part) {
                        let name = specifier.child_by_field_name("name");
                        let local = specifier.child_by_field_name("alias").or(name);
                        if let Some(local) = local {
                            bind(local, name.map(|name| text(source, name)));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The functions the file exports under another name than their own: `export default f`,
/// `export default function f() {}`, `export { f as g }`.
pub fn exports(source: &str, statements: &[Node]) -> Vec<Export> {
    let mut out = Vec::new();
    // `export { f as g } from "./m"` exports what another module defines: a re-export.
    for node in statements
        .iter()
        .filter(|node| node.kind() == "export_statement")
        .filter(|node| node.child_by_field_name("source").is_none())
    {
        let is_default = (0..node.child_count())
            .filter_map(|i| node.child(i))
            .any(|child| child.kind() == "default");
        let named = |field| node.child_by_field_name(field);
        let default_local = match (named("declaration"), named("value")) {
            (Some(declaration), _) => declaration.child_by_field_name("name"),
            (None, Some(value)) => Some(value).filter(|value| value.kind() == "identifier"),
            (None, None) => None,
        };
        if is_default && let Some(local) = default_local {
            out.push(Export {
                exported: "default".to_owned(),
                local: text(source, local).to_owned(),
            });
        }
        let clauses = named_children(*node)
            .into_iter()
            .filter(|child| child.kind() == "export_clause");
        for specifier in clauses.flat_map(named_children) {
            let (Some(name), Some(alias)) = (
                specifier.child_by_field_name("name"),
                specifier.child_by_field_name("alias"),
            ) else {
                continue;
            };
            out.push(Export {
                exported: text(source, alias).to_owned(),
                local: text(source, name).to_owned(),
            });
        }
    }
    out
}

/// The names the file exports from other modules: `export * from "./m"` (as the name
/// `*`), `export { f } from "./m"`, `export { f as g } from "./m"`.
pub fn re_exports(source: &str, statements: &[Node]) -> Vec<Import> {
    let mut out = Vec::new();
    for node in statements
        .iter()
        .filter(|node| node.kind() == "export_statement")
    {
        let Some(from) = node.child_by_field_name("source") else {
            continue;
        };
        let from = unquote(text(source, from));
        let clauses: Vec<Node> = named_children(*node)
            .into_iter()
            .filter(|child| matches!(child.kind(), "export_clause" | "namespace_export"))
            .collect();
        if clauses.is_empty() {
            out.push(Import {
                local: "*".to_owned(),
                source: from.to_owned(),
                exported: None,
            });
        }
        let specifiers = clauses
            .into_iter()
            .filter(|clause| clause.kind() == "export_clause")
            .flat_map(named_children);
        for specifier in specifiers {
            let Some(name) = specifier.child_by_field_name("name") else {
                continue;
            };
            let name = text(source, name);
            let local = (specifier.child_by_field_name("alias")).map_or(name, |a| text(source, a));
            out.push(Import {
                local: local.to_owned(),
                source: from.to_owned(),
                exported: (name != local).then(|| name.to_owned()),
            });
        }
    }
    out
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
        exported: None,
    }));
}

fn unquote(quoted: &str) -> &str {
    quoted.trim_matches(|c| c == '"' || c == '\'' || c == '`')
}

#[cfg(test)]
mod tests {
    use crate::model::Import;

    fn re_exports(source: &str) -> Vec<Import> {
        crate::lang::typescript::lower(source).re_exports
    }

    fn import(local: &str, source: &str, exported: Option<&str>) -> Import {
        Import {
            local: local.to_owned(),
            source: source.to_owned(),
            exported: exported.map(str::to_owned),
        }
    }

    #[test]
    fn re_exports_are_imports_of_the_names_exported() {
        let source = "export * from './store';\n\
                      export { find, save as persist } from \"./repo\";\n\
                      export * as db from './db';\n\
                      export { local };\nfunction local() {}\n";
        assert_eq!(
            re_exports(source),
            vec![
                import("*", "./store", None),
                import("find", "./repo", None),
                import("persist", "./repo", Some("save")),
            ]
        );
        // `export { local }` is the file's own function, not a re-export.
        assert!(crate::lang::typescript::lower(source).exports.is_empty());
    }
}
