//! TypeScript's and JavaScript's words.

use std::path::{Path, PathBuf};

use crate::lang::profile::{CalleeHome, HomeFiles, Manifests, Profile};
use crate::model::{Expr, Import};

pub struct TypeScript;

/// What a relative import without an extension may name, in the order the TypeScript
/// compiler and bundlers try them.
const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

impl Profile for TypeScript {
    fn runs_alone_between_awaits(&self) -> bool {
        true
    }

    /// A name imported from a relative path (`import { save } from "./store"`, the default
    /// export of `import save from "./save"`, or `store.save` after `import * as store from
    /// "../store"`) is a function of that file, and one imported from a package of the
    /// project's own (`@acme/common`), of the package's source entry;
    /// a method called on a value (`this.repo.findPayment`), the package's only method of
    /// that name. Packages from `node_modules` are not the project's.
    fn callee_home(
        &self,
        file: &Path,
        callee: &Expr,
        imports: &[Import],
        manifests: &dyn Manifests,
    ) -> Option<CalleeHome> {
        let callee = callee.dotted()?;
        let dir = file.parent()?;
        let method = || {
            let (_, method) = callee.rsplit_once('.')?;
            Some(CalleeHome {
                files: HomeFiles::Method {
                    package: None,
                    module: manifests.node_package_root(dir),
                    dependencies: Vec::new(),
                },
                function: method.to_owned(),
            })
        };
        let (local, function) = match callee.split_once('.') {
            None => (callee.as_str(), None),
            Some((_, function)) if function.contains('.') => return method(),
            Some((local, function)) => (local, Some(function)),
        };
        let Some(import) = imports.iter().find(|import| import.local == local) else {
            return method();
        };
        let files = if import.source.starts_with("./") || import.source.starts_with("../") {
            module_files(&dir.join(&import.source))
        } else {
            // A package of the project's own, by its name; any other is a dependency's.
            let (package, subpath) = package_and_subpath(&import.source);
            package_files(&manifests.node_package_named(package, dir)?, subpath)
        };
        // A name imported under another (`import lookup from`, `{ find as lookup }`) is the
        // function the module exports by that other name.
        let function = function.or(import.exported.as_deref()).unwrap_or(local);
        Some(CalleeHome {
            files: HomeFiles::FirstOf(files),
            function: function.to_owned(),
        })
    }

    fn may_re_export(&self, text: &[u8]) -> bool {
        let holds = |word: &[u8]| memchr::memmem::find(text, word).is_some();
        holds(b"export *") || (holds(b"export {") && holds(b"} from"))
    }

    fn module_manifest(&self) -> Option<&'static str> {
        Some("package.json")
    }

    /// The names of the lines that open a method's body (`async findPayment(key: string) {`,
    /// `private save<T>(row: T): Promise<void> {`): a name, after modifiers, right before
    /// its parameters, on a line that ends with `{`. A call written the same way
    /// (`describe("x", () => {`) may be counted too, which can only make a name ambiguous.
    fn method_names(&self, text: &[u8]) -> Vec<String> {
        const MODIFIERS: &[&[u8]] = &[
            b"public ",
            b"private ",
            b"protected ",
            b"static ",
            b"async ",
            b"override ",
            b"readonly ",
            b"get ",
            b"set ",
        ];
        const KEYWORDS: &[&[u8]] = &[
            b"if",
            b"for",
            b"while",
            b"switch",
            b"catch",
            b"function",
            b"return",
            b"with",
            b"constructor",
        ];
        let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$';
        let mut names = Vec::new();
        for line in text.split(|&b| b == b'\n') {
            let line = line.trim_ascii();
            if !line.ends_with(b"{") {
                continue;
            }
            let mut rest = line;
            while let Some(after) = MODIFIERS.iter().find_map(|m| rest.strip_prefix(*m)) {
                rest = after.trim_ascii_start();
            }
            let rest = rest.strip_prefix(b"*").unwrap_or(rest).trim_ascii_start();
            let Some(end) = rest.iter().position(|b| !is_name(b)) else {
                continue;
            };
            if end > 0 && matches!(rest[end], b'(' | b'<') && !KEYWORDS.contains(&&rest[..end]) {
                names.push(String::from_utf8_lossy(&rest[..end]).into_owned());
            }
        }
        names
    }

    fn keywords(&self) -> &'static [&'static str] {
        // ECMAScript's reserved words, which no variable may be named.
        &[
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "debugger",
            "default",
            "delete",
            "do",
            "else",
            "enum",
            "export",
            "extends",
            "false",
            "finally",
            "for",
            "function",
            "if",
            "import",
            "in",
            "instanceof",
            "new",
            "null",
            "return",
            "super",
            "switch",
            "this",
            "throw",
            "true",
            "try",
            "typeof",
            "var",
            "void",
            "while",
            "with",
        ]
    }

    fn line_comment(&self) -> &'static str {
        "//"
    }

    fn full_jitter_help(&self, delay: &str) -> String {
        let simple = delay
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'));
        let factor = if simple {
            delay.to_owned()
        } else {
            format!("({delay})")
        };
        format!(
            "use full jitter: sleep a random duration between 0 and the delay, \
             `Math.random() * {factor}`"
        )
    }

    fn atomic_insert_help(&self, insert: &str, _by_row_count: bool) -> String {
        format!(
            "create the row atomically with {insert}; when it creates nothing (`rows.length === \
             0`, or `rowCount === 0`) another request holds the key: replay its result or \
             answer 409 instead of going on"
        )
    }

    fn atomic_set_help(&self) -> &'static str {
        "set the key atomically with `set(key, value, 'NX')` (node-redis: `{ NX: true }`), and \
         go on only when it answers `'OK'`"
    }

    fn in_progress_help(&self, cas: &str) -> String {
        format!(
            "answer 409 Conflict when the status is `in_progress` (`if (rec.status === \
             \"in_progress\") throw new ConflictError()`) before doing the work, and {cas}"
        )
    }

    fn transient_errors_help(&self) -> &'static str {
        "retry only transient failures and rethrow the rest at once: `if \
         (!isTransient(err)) throw err;` first thing in the catch, where `isTransient` \
         checks e.g. a network error code (`ECONNRESET`, `ETIMEDOUT`), a 5xx or 429 status"
    }

    fn transient_statuses_help(&self) -> &'static str {
        "retry only `res.status >= 500 || res.status === 429` (and network errors); return \
         or throw any other status at once"
    }

    fn gate_on_returned_row_help(&self, _key: &str) -> String {
        "a duplicate makes the RETURNING row come back empty: return before the write when \
         `rows.length === 0` (`rowCount === 0`)"
            .to_owned()
    }

    fn gate_on_affected_rows_help(&self) -> String {
        "gate the write on the insert: return early when `affectedRows` (mysql2) or \
         `rowCount` is 0"
            .to_owned()
    }

    fn gate_on_conflict_help(&self, key: &str) -> String {
        format!(
            "gate the write on the insert: return early when `rowCount` is 0 (the count \
             `$executeRaw` returns, in Prisma), or add `RETURNING {key}` and return when \
             `rows.length === 0`"
        )
    }
}

/// The files a relative module specifier may name: itself with its extension, the
/// TypeScript source of an emitted `.js` name (`./login.js` is `./login.ts` before
/// compiling), then with each source extension, then its folder's `index`.
fn module_files(specifier: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let extension = specifier.extension().and_then(|e| e.to_str());
    if let Some(extension) = extension.filter(|e| SOURCE_EXTENSIONS.contains(e)) {
        out.push(specifier.to_owned());
        let typed = match extension {
            "js" => &["ts", "tsx"][..],
            "jsx" => &["tsx"],
            "mjs" => &["mts"],
            "cjs" => &["cts"],
            _ => &[],
        };
        out.extend(typed.iter().map(|t| specifier.with_extension(t)));
        return out;
    }
    let named = specifier.as_os_str().to_owned();
    for extension in SOURCE_EXTENSIONS {
        let mut file = named.clone();
        file.push(format!(".{extension}"));
        out.push(PathBuf::from(file));
    }
    out.extend(
        SOURCE_EXTENSIONS
            .iter()
            .map(|extension| specifier.join(format!("index.{extension}"))),
    );
    out
}

/// A bare module specifier's package name and the path inside it: `@acme/common/db` is
/// `@acme/common` and `db`, `lodash/get` is `lodash` and `get`.
fn package_and_subpath(specifier: &str) -> (&str, Option<&str>) {
    let segments = if specifier.starts_with('@') { 2 } else { 1 };
    let mut ends = specifier.match_indices('/').map(|(at, _)| at);
    match ends.nth(segments - 1) {
        Some(at) => (&specifier[..at], Some(&specifier[at + 1..])),
        None => (specifier, None),
    }
}

/// The files a package of the project's own may hold a module in: the source of its entry
/// (`src/index.ts`, as a package published from TypeScript keeps it beside the compiled
/// `dist/` its `main` names) or of the path imported from it.
fn package_files(package: &Path, subpath: Option<&str>) -> Vec<PathBuf> {
    let module = subpath.unwrap_or("index");
    [
        package.join("src").join(module),
        package.join(module),
        package.join("lib").join(module),
    ]
    .iter()
    .flat_map(|path| module_files(path))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_specifier_names_a_package_and_a_path_in_it() {
        assert_eq!(package_and_subpath("@acme/common"), ("@acme/common", None));
        assert_eq!(
            package_and_subpath("@acme/common/db"),
            ("@acme/common", Some("db"))
        );
        assert_eq!(package_and_subpath("lodash/get"), ("lodash", Some("get")));
        assert_eq!(package_and_subpath("pg"), ("pg", None));
    }

    #[test]
    fn barrels_are_told_by_their_re_exports() {
        assert!(TypeScript.may_re_export(b"export * from \"./store\";"));
        assert!(TypeScript.may_re_export(b"export { find as lookup } from \"./find\";"));
        assert!(!TypeScript.may_re_export(b"export function find() {}\nexport { find };"));
    }

    #[test]
    fn methods_are_names_opening_a_body() {
        let text = b"export class Repo {\n  constructor(private db: Pool) {}\n\
                     async findPayment(key: string) {\n  }\n\
                     private save<T>(row: T): Promise<void> {\n  }\n\
                     if (x) {\n  doThing(x);\n  static get size() {\n}\n";
        assert_eq!(
            TypeScript.method_names(text),
            ["findPayment", "save", "size"]
        );
    }
}
