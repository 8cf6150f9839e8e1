//! Rust's words.

use std::path::{Path, PathBuf};

use crate::lang::profile::{CalleeHome, HomeFiles, Lexical, Manifests, Profile};
use crate::model::{Expr, ExprKind, Import};

pub struct Rust;

impl Profile for Rust {
    /// A path into the crate: `crate::`, `super::`, a child module (`db::get`), or a name a
    /// `use` of one of these brought in; a method call (`self.repo.find_payment()`), the
    /// crate's only method of that name. A path into a crate the crate depends on by path
    /// (a workspace's `payments_store::find(…)`) goes into that crate's modules, and a
    /// method no type of the crate defines may be one of those crates'. A path into any
    /// other crate is not the project's.
    fn callee_home(
        &self,
        file: &Path,
        callee: &Expr,
        imports: &[Import],
        manifests: &dyn Manifests,
    ) -> Option<CalleeHome> {
        let root = manifests.crate_source_root(file)?;
        let name = match &callee.kind {
            ExprKind::Name(name) => name,
            ExprKind::Field { name: method, .. } => {
                let dependencies = manifests.path_dependencies(file);
                return Some(CalleeHome {
                    files: HomeFiles::Method {
                        package: None,
                        module: Some(root),
                        dependencies: dependencies.into_iter().map(|(_, src)| src).collect(),
                    },
                    function: method.clone(),
                });
            }
            _ => return None,
        };
        let path: Vec<&str> = name.split('.').collect();
        let imported = |local: &str| {
            let import = imports.iter().find(|import| import.local == local)?;
            Some(import.source.split("::").collect::<Vec<&str>>())
        };
        // A name, or a path's first segment, that a `use` brought in stands for the path the
        // `use` wrote.
        let (function, written): (&str, Vec<&str>) = match path.as_slice() {
            [only] => {
                let full = imported(only)?;
                let (function, module) = full.split_last()?;
                (*function, module.to_vec())
            }
            [first, rest @ .., function] => {
                let mut module = imported(first).unwrap_or_else(|| vec![*first]);
                module.extend(rest);
                (*function, module)
            }
            [] => return None,
        };
        let dependency = (written.first())
            .and_then(|first| {
                let dependencies = manifests.path_dependencies(file);
                dependencies.into_iter().find(|(name, _)| name == first)
            })
            .map(|(_, src)| src);
        let (source_root, module) = match dependency {
            Some(src) => (src, written[1..].iter().map(|s| s.to_string()).collect()),
            None => (
                root.clone(),
                crate_module(&module_path(&root, file)?, &written)?,
            ),
        };
        Some(CalleeHome {
            files: HomeFiles::FirstOf(module_files(&source_root, &module)),
            function: function.to_owned(),
        })
    }

    fn module_manifest(&self) -> Option<&'static str> {
        Some("Cargo.toml")
    }

    /// The names of the `fn`s whose first parameter is `self` (`&self`, `&mut self`,
    /// `self: Arc<Self>`): methods of some type.
    fn method_names(&self, text: &[u8]) -> Vec<String> {
        let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        let mut names = Vec::new();
        for at in memchr::memmem::find_iter(text, b"fn ") {
            if at > 0 && is_name(&text[at - 1]) {
                continue;
            }
            let rest = text[at + 3..].trim_ascii_start();
            let Some(end) = rest.iter().position(|b| !is_name(b)) else {
                continue;
            };
            let Some(open) = rest[end..].iter().position(|&b| b == b'(') else {
                continue;
            };
            // Generics between the name and the parameters, nothing else.
            if !matches!(rest[end], b'(' | b'<') || rest[end..end + open].contains(&b'{') {
                continue;
            }
            let first = rest[end + open + 1..].trim_ascii_start();
            let first = first.strip_prefix(b"&").unwrap_or(first).trim_ascii_start();
            let first = match first.strip_prefix(b"'") {
                Some(lifetime) => lifetime
                    .iter()
                    .position(|b| !is_name(b))
                    .map_or(first, |i| lifetime[i..].trim_ascii_start()),
                None => first,
            };
            let first = first
                .strip_prefix(b"mut ")
                .unwrap_or(first)
                .trim_ascii_start();
            if end > 0 && first.starts_with(b"self") && !first.get(4).is_some_and(is_name) {
                names.push(String::from_utf8_lossy(&rest[..end]).into_owned());
            }
        }
        names
    }

    fn lexical(&self) -> Option<Lexical> {
        Some(Lexical {
            nested_block_comments: true,
            hashed_raw_strings: true,
            ..Lexical::default()
        })
    }

    fn upper_camel_names_are_types(&self) -> bool {
        true
    }

    fn colon_declares_types(&self) -> bool {
        true
    }

    fn line_comment(&self) -> &'static str {
        "//"
    }

    fn full_jitter_help(&self, delay: &str) -> String {
        format!(
            "use full jitter: sleep a random fraction of the delay, \
             `sleep(({delay}).mul_f64(rand::random::<f64>()))`"
        )
    }

    fn atomic_insert_help(&self, insert: &str, _by_row_count: bool) -> String {
        format!(
            "create the row atomically with {insert} and `fetch_optional`; on `None` (or \
             `rows_affected() == 0`) another request holds the key: replay its result or answer \
             409 instead of going on"
        )
    }

    fn atomic_set_help(&self) -> &'static str {
        "set the key atomically with `set_nx(key, value)` (or `SET key value NX`), and go on \
         only when it reports the key was set"
    }

    fn in_progress_help(&self, cas: &str) -> String {
        format!(
            "return a 409 Conflict error when the status is `in_progress` (`if rec.status == \
             \"in_progress\" {{ return Err(Error::Conflict) }}`) before doing the work, and {cas}"
        )
    }

    fn transient_errors_help(&self) -> &'static str {
        "retry only transient failures and return the rest at once: `Err(e) if \
         !is_transient(&e) => return Err(e)`, where `is_transient` checks e.g. \
         `e.is_timeout() || e.is_connect()`, a 5xx or 429 status, or your error's variants"
    }

    fn transient_statuses_help(&self) -> &'static str {
        "retry only `status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS` \
         (and transport errors); return any other status at once"
    }

    fn gate_on_returned_row_help(&self, _key: &str) -> String {
        "a duplicate returns no row: use `fetch_optional` (or `query_opt`) and return on \
         `None` before the write"
            .to_owned()
    }

    fn gate_on_affected_rows_help(&self) -> String {
        "gate the write on the insert: return early when `.rows_affected()` is 0".to_owned()
    }

    fn gate_on_conflict_help(&self, key: &str) -> String {
        format!(
            "gate the write on the insert: return early when `.rows_affected()` is 0, or add \
             `RETURNING {key}`, use `fetch_optional` and return on `None`"
        )
    }
}

/// The module path of a file of the crate whose sources are in `root`: `[]` for `lib.rs` and
/// `main.rs`, `[db]` for `db.rs` or `db/mod.rs`, `[db, pool]` for `db/pool.rs`.
fn module_path(root: &Path, file: &Path) -> Option<Vec<String>> {
    let relative = match root == Path::new(".") {
        true => file,
        false => file.strip_prefix(root).ok()?,
    }
    .with_extension("");
    let mut path: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(path.as_slice(), [only] if only == "lib" || only == "main")
        || path.last().is_some_and(|last| last == "mod")
    {
        path.pop();
    }
    Some(path)
}

/// The crate module a path written in module `here` names (a `use` already followed): from
/// the crate root (`crate::`), a parent (`super::`), this module (`self::`), or a child
/// module. A path into another crate names a child module whose file does not exist, and
/// so reaches nothing.
fn crate_module(here: &[String], path: &[&str]) -> Option<Vec<String>> {
    let (first, rest) = path.split_first()?;
    let mut module: Vec<String> = match *first {
        "crate" => Vec::new(),
        "self" => here.to_vec(),
        "super" => here.split_last()?.1.to_vec(),
        name => [here, &[name.to_owned()]].concat(),
    };
    for segment in rest {
        match *segment {
            "super" => {
                module.pop()?;
            }
            segment => module.push(segment.to_owned()),
        }
    }
    Some(module)
}

/// The files a module of the crate may be in: `db.rs`, or `db/mod.rs`.
fn module_files(root: &Path, module: &[String]) -> Vec<PathBuf> {
    let Some((last, parents)) = module.split_last() else {
        return ["lib.rs", "main.rs"].iter().map(|f| root.join(f)).collect();
    };
    let folder: PathBuf = parents.iter().fold(root.to_owned(), |dir, p| dir.join(p));
    vec![
        folder.join(format!("{last}.rs")),
        folder.join(last).join("mod.rs"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_fns_taking_self() {
        let text = b"impl Store {\n    pub async fn find_payment(&self, key: &str) {}\n\
                     fn save<T: Row>(&mut self, row: T) {}\n    fn into_parts(self) {}\n\
                     fn scoped<'a>(&'a self) {}\n    fn new(pool: PgPool) -> Self {}\n}\n\
                     fn helper(selfish: u8) {}\n";
        assert_eq!(
            Rust.method_names(text),
            ["find_payment", "save", "into_parts", "scoped"]
        );
    }
}
