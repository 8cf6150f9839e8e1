//! SQL's words: a script or a PL/pgSQL body, where the fix is a statement rather than a
//! branch in host code. Of the retry rules, only backoff-without-jitter reads SQL (a
//! PL/pgSQL loop's `pg_sleep`); the others' phrasing here is the language-neutral one.

use std::path::Path;

use crate::lang::profile::{CalleeHome, HomeFiles, Manifests, Profile};
use crate::model::{Expr, ExprKind, Import, Lang};

pub struct Sql;

impl Profile for Sql {
    /// A function is called by its name (the front-end leaves a schema out): it may be
    /// defined in any `.sql` file of the folder, a folder of migrations run in path order,
    /// where the last definition is the one that stands.
    fn callee_home(
        &self,
        file: &Path,
        callee: &Expr,
        _imports: &[Import],
        _manifests: &dyn Manifests,
    ) -> Option<CalleeHome> {
        let ExprKind::Name(name) = &callee.kind else {
            return None;
        };
        Some(CalleeHome {
            files: HomeFiles::LastIn(file.parent()?.to_owned()),
            function: name.clone(),
        })
    }

    /// The named queries of a query file (`-- name: GetPaymentByKey :one`): each is run by
    /// the method generated for it.
    fn method_names(&self, text: &[u8]) -> Vec<String> {
        (text.split(|&b| b == b'\n'))
            .filter_map(|line| {
                let rest = line.trim_ascii().strip_prefix(b"--")?.trim_ascii_start();
                let rest = rest.strip_prefix(b"name:")?;
                let name = rest
                    .split(u8::is_ascii_whitespace)
                    .find(|w| !w.is_empty())?;
                Some(String::from_utf8_lossy(name).into_owned())
            })
            .collect()
    }

    /// A named query is run from any file of the module, in whatever language calls it.
    fn may_define_for(&self, _file: &Path, other: &Path) -> bool {
        Lang::from_path(other) == Some(Lang::Sql)
    }

    fn shares_package(&self, _file: &Path, other: &Path) -> bool {
        Lang::from_path(other) == Some(Lang::Sql)
    }

    fn names_ignore_case(&self) -> bool {
        true
    }

    fn line_comment(&self) -> &'static str {
        "--"
    }

    fn full_jitter_help(&self, delay: &str) -> String {
        let simple = delay
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let delay = if simple {
            delay.to_owned()
        } else {
            format!("({delay})")
        };
        format!(
            "use full jitter: sleep a random share of the delay, `pg_sleep({delay} * random())`, \
             not the delay itself"
        )
    }

    fn atomic_insert_help(&self, insert: &str, by_row_count: bool) -> String {
        if by_row_count {
            format!(
                "create the row atomically with {insert}, and go on only when it inserted a row"
            )
        } else {
            format!(
                "create the row atomically with {insert}, and go on only when it returned a row"
            )
        }
    }

    fn atomic_set_help(&self) -> &'static str {
        "set the key atomically (`SET key value NX`), and go on only when it reports the key was \
         set"
    }

    fn in_progress_help(&self, cas: &str) -> String {
        format!(
            "answer 409 on `in_progress` instead of doing the work (raise, or return nothing to \
             the caller), and {cas}"
        )
    }

    fn transient_errors_help(&self) -> &'static str {
        "retry only transient failures (timeouts, refused connections, a 5xx or 429 status) and \
         return the rest at once"
    }

    fn transient_statuses_help(&self) -> &'static str {
        "retry only 5xx and 429 statuses (and transport errors); return any other status at once"
    }

    fn gate_on_returned_row_help(&self, key: &str) -> String {
        self.gate_on_conflict_help(key)
    }

    fn gate_on_affected_rows_help(&self) -> String {
        "gate the write on the insert: run it only when the insert added a row (`ROW_COUNT()` in \
         MySQL, `changes()` in SQLite), or branch on the affected-row count in the application"
            .to_owned()
    }

    fn return_inserted_help(&self, function: &str) -> String {
        format!(
            "make `{function}` return whether it inserted the row (`RETURN FOUND` after the \
             insert, or the row count `GET DIAGNOSTICS` gives), and skip the write when it \
             returns false"
        )
    }

    fn gate_on_conflict_help(&self, key: &str) -> String {
        format!(
            "gate the write on the insert in one statement: `WITH fresh AS (INSERT … ON CONFLICT \
             ({key}) DO NOTHING RETURNING {key}) UPDATE … WHERE … AND EXISTS (SELECT 1 FROM fresh)`"
        )
    }
}
