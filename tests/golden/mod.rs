//! The fixture files, and the golden files beside them that a test compares its output
//! with: `IDEMLINT_BLESS=1` rewrites a golden file instead (review the diff).

use std::path::{Path, PathBuf};

use idemlint::model::Lang;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every file under `fixtures/` in a language idemlint checks, in path order, but those of
/// the package fixtures (`fixtures/packages/`, checked a folder at a time).
pub fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect(&root(), &mut files);
    files
}

/// The folder of the package fixtures: `<rule>/<lang>/<tp|tn>_<case>/`, each a small
/// project (a Go package or module, a crate, a tree of modules) checked as a whole.
pub fn packages_root() -> PathBuf {
    root().join("packages")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path == packages_root() {
            continue;
        }
        if path.is_dir() {
            collect(&path, out);
        } else if Lang::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

/// A path under `fixtures/`, as failures name it.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .expect("under fixtures/")
        .display()
        .to_string()
}

/// The golden file beside `fixture` with `suffix` (`expected`, `fixed`) appended to its name.
pub fn golden_path(fixture: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}.{suffix}", fixture.display()))
}

/// Compares `actual` with the golden file at `path`, or rewrites the file when blessing;
/// returns the failure to report, if any.
pub fn compare(path: &Path, actual: &str, what: &str) -> Option<String> {
    if std::env::var_os("IDEMLINT_BLESS").is_some() {
        std::fs::write(path, actual).expect("write golden file");
        return None;
    }
    let name = relative(path);
    match std::fs::read_to_string(path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!(
            "{name}: {what} differ\n--- expected\n{expected}--- actual\n{actual}"
        )),
        Err(_) => Some(format!("{name}: missing (bless to create)")),
    }
}
