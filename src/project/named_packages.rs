//! The JavaScript packages of the checked tree by the names their `package.json` gives
//! them: a workspace's packages (`packages/common`), or a package a repository publishes
//! and its services install from the registry (`@acme/common` beside `services/`). An
//! import of such a name is the project's own code, not a dependency's.

use elsa::sync::FrozenMap;
use ignore::WalkBuilder;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How deep below a searched folder a `package.json` is looked for: from a workspace's
/// root, `packages/common/package.json` is three deep, a group of services' one more.
const MAX_DEPTH: usize = 4;

/// The packages below each folder searched so far, by folder.
#[derive(Default)]
pub(super) struct NamedPackages {
    below: FrozenMap<PathBuf, Box<Packages>>,
}

/// Each package's folder by its name; `None` for a name two packages give themselves.
struct Packages(HashMap<String, Option<PathBuf>>);

impl NamedPackages {
    /// The folder of the only package named `name` below `folder`, searched once per folder.
    pub(super) fn below(&self, folder: &Path, name: &str) -> Option<Option<PathBuf>> {
        let folder = super::normalize(folder);
        let by_name = match self.below.get(&folder) {
            Some(known) => known,
            None => self
                .below
                .insert(folder.clone(), Box::new(Packages(index(&folder)))),
        };
        by_name.0.get(name).cloned()
    }
}

fn index(root: &Path) -> HashMap<String, Option<PathBuf>> {
    let mut by_name: HashMap<String, Option<PathBuf>> = HashMap::new();
    {
        let walk = WalkBuilder::new(root)
            .max_depth(Some(MAX_DEPTH))
            .require_git(false)
            .filter_entry(|entry| entry.file_name() != "node_modules")
            .build();
        for entry in walk.flatten() {
            if entry.file_name() != "package.json" {
                continue;
            }
            let (Some(name), Some(folder)) = (package_name(entry.path()), entry.path().parent())
            else {
                continue;
            };
            let folder = super::normalize(folder);
            by_name
                .entry(name)
                .and_modify(|known| {
                    if known.as_deref() != Some(folder.as_path()) {
                        *known = None;
                    }
                })
                .or_insert(Some(folder));
        }
    }
    by_name
}

/// The `name` a `package.json` gives its package.
fn package_name(manifest: &Path) -> Option<String> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(json.get("name")?.as_str()?.to_owned())
}
