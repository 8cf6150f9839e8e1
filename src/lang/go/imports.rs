//! The names a Go file imports, each by the name its code uses.

use tree_sitter::Node;

use crate::lang::treesitter::{named_children, text};
use crate::model::Import;

/// The file's imports, each by the name its code uses: the alias, else the package name
/// the path suggests (`github.com/avast/retry-go/v4` → `retry`, `…/go-retryablehttp` →
/// `retryablehttp`). Blank and dot imports bind no name.
pub(super) fn imports(source: &str, root: Node) -> Vec<Import> {
    let mut specs = Vec::new();
    for declaration in named_children(root)
        .into_iter()
        .filter(|n| n.kind() == "import_declaration")
    {
        for child in named_children(declaration) {
            match child.kind() {
                "import_spec" => specs.push(child),
                "import_spec_list" => specs.extend(named_children(child)),
                _ => {}
            }
        }
    }
    specs
        .into_iter()
        .filter_map(|spec| {
            let path = text(source, spec.child_by_field_name("path")?).trim_matches(['"', '`']);
            let local = match spec.child_by_field_name("name") {
                Some(name) if matches!(text(source, name), "_" | ".") => return None,
                Some(name) => text(source, name).to_owned(),
                None => package_name(path),
            };
            Some(Import {
                local,
                source: path.to_owned(),
                exported: None,
            })
        })
        .collect()
}

/// The package name an import path conventionally has: its last element, without a major
/// version element (`/v4`) and without a `go-` prefix or `-go` suffix.
fn package_name(path: &str) -> String {
    let mut elements = path.rsplit('/');
    let mut last = elements.next().unwrap_or(path);
    let is_version = |e: &str| {
        e.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if is_version(last)
        && let Some(previous) = elements.next()
    {
        last = previous;
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    let last = last.strip_suffix("-go").unwrap_or(last);
    last.replace(['-', '.'], "_")
}
