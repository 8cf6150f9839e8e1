//! What each language says in its own words, for the rules to ask without naming it: the
//! phrasing of each fix in the language's idiom, and the facts about the language a rule's
//! reasoning needs. One implementation per language, in its folder (`go/profile.rs`, …):
//! [`crate::lang::profile_of`] picks it, exhaustively, so a new language does not compile
//! until it has its own.

use std::path::{Path, PathBuf};

use crate::model::{Expr, Import, Lang};

/// How a language writes comments and string literals, as far as the prefilter must tell
/// them from code (see `crate::prefilter`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lexical {
    /// `/* /* */ */` nests.
    pub nested_block_comments: bool,
    /// Raw strings with hashes (`r#"…"#`, `br"…"`).
    pub hashed_raw_strings: bool,
    /// Backquoted raw strings (`` `…` ``).
    pub backquoted_raw_strings: bool,
    /// A `"…"` string cannot span lines.
    pub strings_end_at_newline: bool,
    /// Comments start with `#` and run to the line's end, and `/` starts none (Python's `//`
    /// divides).
    pub hash_comments: bool,
    /// `'…'` is a string as `"…"` is, not a character.
    pub single_quoted_strings: bool,
    /// `"""…"""` and `'''…'''` are strings that may span lines.
    pub triple_quoted_strings: bool,
    /// A string prefixed with `f` (`f"{x}"`) holds code in its braces: its text is read as
    /// code and as a literal both.
    pub formatted_strings: bool,
}

/// Where a function that a file's call names may be defined in another file of the project,
/// by the language's rules of scope and import (see `crate::project`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalleeHome {
    pub files: HomeFiles,
    /// The function's name there.
    pub function: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HomeFiles {
    /// The first of these files that exists (a module's file, or its `index`/`mod.rs`).
    FirstOf(Vec<PathBuf>),
    /// Any file of this folder that shares a scope with the calling file (a Go package).
    Package(PathBuf),
    /// A method of some type (`h.store.CreatePayment`): with no types known, the only one of
    /// that name in the files of the `package` folder that share a scope with the calling
    /// file (a Go package), or, if none there defines one, in the files of the `module` (a Go
    /// module's packages, an interface's one implementation; a crate; a JavaScript
    /// package). Two that define it leave it unknown.
    Method {
        package: Option<PathBuf>,
        module: Option<PathBuf>,
        /// Where to look when neither defines one: other modules the calling one depends
        /// on (a Rust crate's path dependencies), as one place.
        dependencies: Vec<PathBuf>,
    },
    /// The last file, in path order, of this folder's files that share a scope with the
    /// calling file: they run in that order, and a later definition replaces an earlier
    /// one (a folder of SQL migrations, each `CREATE OR REPLACE FUNCTION` replacing).
    LastIn(PathBuf),
}

/// What the project's manifests say, for the languages whose imports name a module rather
/// than a file.
pub trait Manifests {
    /// The Go module a folder belongs to: the folder of its `go.mod`, and the module path.
    fn go_module(&self, dir: &Path) -> Option<(PathBuf, String)>;
    /// The `src` folder of the Rust crate a file belongs to (beside the nearest
    /// `Cargo.toml`).
    fn crate_source_root(&self, file: &Path) -> Option<PathBuf>;
    /// The folder of the nearest `package.json` at or above a folder: a JavaScript
    /// package's root.
    fn node_package_root(&self, dir: &Path) -> Option<PathBuf>;
    /// The folder of the project's own JavaScript package named `name` (by its
    /// `package.json`), as the code in a folder sees it: a workspace's other package, or
    /// one the repository publishes and its services install (`@acme/common`).
    fn node_package_named(&self, name: &str, dir: &Path) -> Option<PathBuf>;
    /// The crates the Rust crate of a file depends on by path (a workspace's other crates):
    /// each by the name its code writes (`payments_store`) and its `src` folder.
    fn path_dependencies(&self, file: &Path) -> Vec<(String, PathBuf)>;
}

/// A language's words and facts.
pub trait Profile: Sync {
    /// Where the function that a call of `callee` (`save`, `store.save`, `crate::db::get`) in
    /// `file` reaches may be defined outside the file, if the language says: `None` when it
    /// names something outside the project, a method, or nothing the language can tell.
    fn callee_home(
        &self,
        _file: &Path,
        _callee: &Expr,
        _imports: &[Import],
        _manifests: &dyn Manifests,
    ) -> Option<CalleeHome> {
        None
    }

    /// Whether a file's text may re-export what other modules define (`export * from
    /// "./store"`): where a call's home is such a file, the function is looked for further.
    fn may_re_export(&self, _text: &[u8]) -> bool {
        false
    }

    /// Whether `other`, a file in the folder of `file`, shares its scope (a Go package's
    /// files, but a test file only with test files).
    fn shares_package(&self, _file: &Path, _other: &Path) -> bool {
        false
    }

    /// Whether `caller`, a file of the same language in the folder of `file`, may call the
    /// functions of `file` (by import, module path or a shared package): by default any such
    /// file may; a language with stricter scopes says which.
    fn may_call(&self, _caller: &Path, _file: &Path) -> bool {
        true
    }

    /// Whether a definition in `other`, a file anywhere in the module of `file`, may be
    /// what `file` calls: by default any file of the language.
    fn may_define_for(&self, file: &Path, other: &Path) -> bool {
        crate::model::Lang::from_path(other) == crate::model::Lang::from_path(file)
    }

    /// The file that makes a folder the root of a module of its own (Go's `go.mod`): a
    /// module's files are those below its root, outside folders holding another.
    fn module_manifest(&self) -> Option<&'static str> {
        None
    }

    /// The language of the query files whose named queries a method call may run, where
    /// the code generated from them is not in the checkout (sqlc's `-- name: GetUser
    /// :one`, generated as `Queries.GetUser` when the project builds).
    fn named_queries_lang(&self) -> Option<Lang> {
        None
    }

    /// The names of the methods `text`, a file of the language, defines on some type: a
    /// cheap look at the text, so that a method two types define is known to be ambiguous
    /// without reading both files into the model.
    fn method_names(&self, _text: &[u8]) -> Vec<String> {
        Vec::new()
    }

    /// Whether names are the same whatever their case (SQL's unquoted identifiers): a
    /// function's definition is then looked for in other files whatever case they write it
    /// in.
    fn names_ignore_case(&self) -> bool {
        false
    }

    /// How comments and strings are written, if the prefilter reads them; `None` counts the
    /// whole text as code.
    fn lexical(&self) -> Option<Lexical> {
        None
    }

    /// The language's keywords that read like words of a name (`try`): never a variable, so
    /// never the attempt counter the prefilter looks for.
    fn keywords(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether an UpperCamelCase name is a type, a trait or a variant, never a variable (as
    /// Rust's naming lints have it).
    fn upper_camel_names_are_types(&self) -> bool {
        false
    }

    /// Whether `name: Type` declares a variable (a parameter, a field, a `let`).
    fn colon_declares_types(&self) -> bool {
        false
    }

    /// Whether the code of one process runs on one event loop: what it does between two
    /// `await`s no other request's code can interleave with (a synchronous driver's read
    /// and insert, better-sqlite3's, race only across processes).
    fn runs_alone_between_awaits(&self) -> bool {
        false
    }

    /// What starts a comment that runs to the end of the line (`//`, `--`): the syntax of
    /// an inline suppression an editor inserts.
    fn line_comment(&self) -> &'static str;

    /// `backoff-without-jitter`: sleep a random part of `delay` (the code's own expression).
    fn full_jitter_help(&self, delay: &str) -> String;

    /// `check-then-insert`: create the row with `insert` (the atomic statement, spelled for
    /// the dialect) and branch on whether it created one: by the affected-row count when
    /// `by_row_count` (MySQL and SQLite, a PL/pgSQL body's `FOUND`), else by the row it
    /// returns.
    fn atomic_insert_help(&self, insert: &str, by_row_count: bool) -> String;

    /// `check-then-insert`: set a key-value key atomically and branch on whether it was set.
    fn atomic_set_help(&self) -> &'static str;

    /// `in-progress-reentry`: answer 409 on `in_progress`, and `cas` (making completion a
    /// compare-and-set).
    fn in_progress_help(&self, cas: &str) -> String;

    /// `retry-any-error`: retry only transient failures.
    fn transient_errors_help(&self) -> &'static str;

    /// `retry-any-error`: retry only 5xx and 429 statuses.
    fn transient_statuses_help(&self) -> &'static str;

    /// `unchecked-on-conflict`, when the insert returns a row (`RETURNING key`): branch on it.
    fn gate_on_returned_row_help(&self, key: &str) -> String;

    /// `unchecked-on-conflict`, when the insert skips duplicates by a keyword (`INSERT
    /// IGNORE`, `OR IGNORE`): branch on the affected-row count.
    fn gate_on_affected_rows_help(&self) -> String;

    /// `unchecked-on-conflict`, for `ON CONFLICT (key) DO NOTHING`: branch on the count, or
    /// on the row `RETURNING key` gives back.
    fn gate_on_conflict_help(&self, key: &str) -> String;

    /// `unchecked-on-conflict`, for a function that drops its dedup insert's outcome: make
    /// `function` tell its callers whether it inserted. Host code says it the same way in
    /// every language, by the driver's count or row.
    fn return_inserted_help(&self, function: &str) -> String {
        format!(
            "make `{function}` return whether it inserted the row (the affected-row count, or \
             the row `RETURNING` gives back), and skip the write when it did not"
        )
    }
}
