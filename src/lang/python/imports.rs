//! What a Python file imports: `import a.b` binds `a` (to `a.b`), `import a.b as c` binds
//! `c`, `from a.b import c as d` binds `d` to `c` of `a.b` (a name imported `from` a
//! module always says which of its names it is); a relative module keeps its
//! dots (`from .store import save` is `save` of `.store`). Imports anywhere in the file
//! count, as a function-level `import` binds the name where the code runs.

use tree_sitter::Node;

use crate::lang::treesitter::{field_children, text};
use crate::model::Import;

pub(super) fn imports(source: &str, root: Node) -> Vec<Import> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let descend = match node.kind() {
            "import_statement" => {
                plain_import(source, node, &mut out);
                false
            }
            "import_from_statement" | "future_import_statement" => {
                from_import(source, node, &mut out);
                false
            }
            // Expressions hold no import statements.
            kind => !kind.ends_with("expression") && kind != "call" && kind != "string",
        };
        if descend && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// `import a.b`, `import a.b as c`.
fn plain_import(source: &str, node: Node, out: &mut Vec<Import>) {
    for name in field_children(node, "name") {
        let (module, alias) = match name.kind() {
            "aliased_import" => (
                name.child_by_field_name("name"),
                name.child_by_field_name("alias"),
            ),
            _ => (Some(name), None),
        };
        let Some(module) = module else { continue };
        let module = dotted(source, module);
        let local = match alias {
            Some(alias) => text(source, alias).to_owned(),
            None => module.split('.').next().unwrap_or_default().to_owned(),
        };
        out.push(Import {
            local,
            source: module,
            exported: None,
        });
    }
}

/// `from a.b import c, d as e`; `from a import *` binds nothing by name.
fn from_import(source: &str, node: Node, out: &mut Vec<Import>) {
    let module = node
        .child_by_field_name("module_name")
        .map_or_else(|| "__future__".to_owned(), |m| dotted(source, m));
    for name in field_children(node, "name") {
        let (imported, alias) = match name.kind() {
            "aliased_import" => (
                name.child_by_field_name("name"),
                name.child_by_field_name("alias"),
            ),
            _ => (Some(name), None),
        };
        let Some(imported) = imported else { continue };
        let imported = dotted(source, imported);
        let local = match alias {
            Some(alias) => text(source, alias).to_owned(),
            None => imported.clone(),
        };
        out.push(Import {
            local,
            source: module.clone(),
            exported: Some(imported),
        });
    }
}

/// A dotted or relative module name as written, whitespace removed.
fn dotted(source: &str, node: Node) -> String {
    text(source, node).split_whitespace().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports_of(source: &str) -> Vec<(String, String, Option<String>)> {
        let tree = super::super::parse::parse(source).unwrap();
        imports(source, tree.root_node())
            .into_iter()
            .map(|i| (i.local, i.source, i.exported))
            .collect()
    }

    #[test]
    fn every_import_form_binds_its_name() {
        let found = imports_of(
            "import time, urllib3.util.retry\nimport numpy as np\n\
             from tenacity import retry, wait_exponential as expo\nfrom .store import save\n\
             from .. import models\nfrom x import *\n\
             def f():\n    import backoff\n",
        );
        let expected = [
            ("time", "time", None),
            ("urllib3", "urllib3.util.retry", None),
            ("np", "numpy", None),
            ("retry", "tenacity", Some("retry")),
            ("expo", "tenacity", Some("wait_exponential")),
            ("save", ".store", Some("save")),
            ("models", "..", Some("models")),
            ("backoff", "backoff", None),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(l, s, e)| (l.to_string(), s.to_string(), e.map(str::to_owned)))
            .collect();
        assert_eq!(found, expected);
    }
}
