//! Python's words.

use std::path::{Path, PathBuf};

use crate::lang::profile::{CalleeHome, HomeFiles, Lexical, Manifests, Profile};
use crate::model::{Expr, Import};

pub struct Python;

/// How many folders up an absolute import (`from app.store import save`) is looked for:
/// the project's import root is rarely deeper than this above the importing file.
const IMPORT_ROOT_DEPTH: usize = 8;

impl Profile for Python {
    /// A name imported from a module of the project (`from .store import save`, `from
    /// app.store import save`, `store.save` after `from . import store` or `import
    /// app.store as store`) is a function of that module's file (`store.py`, or
    /// `store/__init__.py`); an absolute module is looked for in each folder above the file.
    /// A method called on a value (`self.repo.save`) is the only method of that name in the
    /// file's folder, a Python package.
    fn callee_home(
        &self,
        file: &Path,
        callee: &Expr,
        imports: &[Import],
        _manifests: &dyn Manifests,
    ) -> Option<CalleeHome> {
        let callee = callee.dotted()?;
        let dir = file.parent()?;
        let (local, rest) = match callee.split_once('.') {
            Some((local, rest)) => (local, Some(rest)),
            None => (callee.as_str(), None),
        };
        let Some(import) = imports.iter().find(|import| import.local == local) else {
            let (_, method) = callee.rsplit_once('.')?;
            return Some(CalleeHome {
                files: HomeFiles::Method {
                    package: Some(dir.to_owned()),
                    module: None,
                    dependencies: Vec::new(),
                },
                function: method.to_owned(),
            });
        };
        let (module, function) = match (import.exported.as_deref(), rest) {
            // `save` of `from .store import save`.
            (Some(imported), None) => (import.source.clone(), imported),
            // `store.save` of `from . import store`: the name is a module.
            (Some(imported), Some(rest)) => {
                let (path, function) = rest.rsplit_once('.').unwrap_or(("", rest));
                (join(&join(&import.source, imported), path), function)
            }
            // `app.store.save` of `import app.store`, `store.save` of `import app.store as
            // store`.
            (None, Some(rest)) => {
                let (path, function) = rest.rsplit_once('.').unwrap_or(("", rest));
                let binds_first_part = import.source.split('.').next() == Some(local);
                let base = if binds_first_part {
                    local
                } else {
                    &import.source
                };
                (join(base, path), function)
            }
            (None, None) => return None,
        };
        Some(CalleeHome {
            files: HomeFiles::FirstOf(module_files(dir, &module)),
            function: function.to_owned(),
        })
    }

    fn shares_package(&self, file: &Path, other: &Path) -> bool {
        file.parent() == other.parent()
    }

    /// The names of the methods a file defines: an indented `def name(` or `async def
    /// name(`.
    fn method_names(&self, text: &[u8]) -> Vec<String> {
        let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        let mut names = Vec::new();
        for line in text.split(|&b| b == b'\n') {
            if !line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                continue;
            }
            let line = line.trim_ascii_start();
            let line = line.strip_prefix(b"async ").unwrap_or(line);
            let Some(rest) = line.strip_prefix(b"def ") else {
                continue;
            };
            let rest = rest.trim_ascii_start();
            let end = rest.iter().position(|b| !is_name(b)).unwrap_or(rest.len());
            if end > 0 && rest.get(end) == Some(&b'(') {
                names.push(String::from_utf8_lossy(&rest[..end]).into_owned());
            }
        }
        names
    }

    fn lexical(&self) -> Option<Lexical> {
        Some(Lexical {
            strings_end_at_newline: true,
            hash_comments: true,
            single_quoted_strings: true,
            triple_quoted_strings: true,
            formatted_strings: true,
            ..Lexical::default()
        })
    }

    fn keywords(&self) -> &'static [&'static str] {
        // Python's `keyword.kwlist`.
        &[
            "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
            "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
            "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
            "return", "try", "while", "with", "yield",
        ]
    }

    fn line_comment(&self) -> &'static str {
        "#"
    }

    fn full_jitter_help(&self, delay: &str) -> String {
        format!(
            "use full jitter: sleep a random duration between 0 and the delay, \
             `random.uniform(0, {delay})`"
        )
    }

    fn atomic_insert_help(&self, insert: &str, _by_row_count: bool) -> String {
        format!(
            "create the row atomically with {insert}; when it creates nothing (`cur.rowcount \
             == 0`, or no row back from `RETURNING`) another request holds the key: replay \
             its result or answer 409 instead of going on"
        )
    }

    fn atomic_set_help(&self) -> &'static str {
        "set the key atomically with `r.set(key, value, nx=True)`, and go on only when it \
         returns `True`"
    }

    fn in_progress_help(&self, cas: &str) -> String {
        format!(
            "answer 409 Conflict when the status is `in_progress` (`if record.status == \
             \"in_progress\": raise Conflict()`) before doing the work, and {cas}"
        )
    }

    fn transient_errors_help(&self) -> &'static str {
        "catch only transient failures and let the rest raise at once: `except \
         (ConnectionError, TimeoutError):`, or re-raise unless the status is a 5xx or 429"
    }

    fn transient_statuses_help(&self) -> &'static str {
        "retry only `resp.status_code >= 500 or resp.status_code == 429` (and connection \
         errors); return or raise on any other status at once"
    }

    fn gate_on_returned_row_help(&self, _key: &str) -> String {
        "a duplicate makes the RETURNING row come back empty: return before the write when \
         `cur.fetchone()` is `None` (asyncpg: `fetchrow` returns `None`)"
            .to_owned()
    }

    fn gate_on_affected_rows_help(&self) -> String {
        "gate the write on the insert: return early when `cur.rowcount == 0`".to_owned()
    }

    fn gate_on_conflict_help(&self, key: &str) -> String {
        format!(
            "gate the write on the insert: return early when `cur.rowcount == 0` (asyncpg's \
             `execute` returns `\"INSERT 0 0\"`), or add `RETURNING {key}` and return when \
             no row comes back"
        )
    }
}

/// `module.name`, minding a relative module that is only dots (`.` + `store` is `.store`).
fn join(module: &str, name: &str) -> String {
    match (module, name) {
        (_, "") => module.to_owned(),
        ("", _) => name.to_owned(),
        (m, n) if m.ends_with('.') => format!("{m}{n}"),
        (m, n) => format!("{m}.{n}"),
    }
}

/// The files a module may be: `a/b.py` or `a/b/__init__.py`, below the folder a relative
/// module's dots name (`.` the file's own, `..` its parent), or for an absolute one, below
/// each folder from the file's up.
fn module_files(dir: &Path, module: &str) -> Vec<PathBuf> {
    let dots = module.chars().take_while(|&c| c == '.').count();
    let parts: Vec<&str> = module[dots..]
        .split('.')
        .filter(|p| !p.is_empty())
        .collect();
    let bases: Vec<PathBuf> = if dots > 0 {
        dir.ancestors()
            .nth(dots - 1)
            .map(Path::to_owned)
            .into_iter()
            .collect()
    } else {
        dir.ancestors()
            .take(IMPORT_ROOT_DEPTH)
            .map(Path::to_owned)
            .collect()
    };
    let mut out = Vec::new();
    for base in bases {
        let folder: PathBuf = parts.iter().fold(base, |path, part| path.join(part));
        if parts.is_empty() {
            out.push(folder.join("__init__.py"));
            continue;
        }
        out.push(folder.with_extension("py"));
        out.push(folder.join("__init__.py"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_modules_name_their_files() {
        let dir = Path::new("/p/app/api");
        assert_eq!(
            module_files(dir, ".store"),
            [
                PathBuf::from("/p/app/api/store.py"),
                PathBuf::from("/p/app/api/store/__init__.py")
            ]
        );
        assert_eq!(
            module_files(dir, "..db"),
            [
                PathBuf::from("/p/app/db.py"),
                PathBuf::from("/p/app/db/__init__.py")
            ]
        );
        let absolute = module_files(dir, "app.db");
        assert!(absolute.contains(&PathBuf::from("/p/app/db.py")));
        assert_eq!(join(".", "store"), ".store");
        assert_eq!(join(".store", "save"), ".store.save");
    }

    #[test]
    fn methods_are_indented_defs() {
        let text = b"def top(x):\n    pass\nclass Repo:\n    def save(self, row):\n        \
                     pass\n    async def find(self, key):\n        pass\n";
        assert_eq!(Python.method_names(text), ["save", "find"]);
    }
}
