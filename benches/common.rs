#![allow(dead_code)] // Each benchmark uses its own part of this.

//! The fixed input of the micro-benchmarks: every fixture file, by language.

use std::path::{Path, PathBuf};

use idemlint::model::Lang;

/// The fixture files written in `lang`, in path order, with their text.
pub fn fixtures(lang: Lang) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut paths,
    );
    paths.sort();
    paths
        .into_iter()
        .filter(|path| Lang::from_path(path) == Some(lang))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("fixtures are UTF-8");
            (path, text)
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the fixtures directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every language, by its name (a benchmark's argument is shown by name).
pub fn lang_names() -> Vec<&'static str> {
    Lang::ALL.iter().map(|lang| lang.name()).collect()
}

pub fn lang(name: &str) -> Lang {
    Lang::from_name(name).expect("a language name")
}
