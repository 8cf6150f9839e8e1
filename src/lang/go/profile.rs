//! Go's words.

use std::path::Path;

use crate::lang::profile::{CalleeHome, HomeFiles, Lexical, Manifests, Profile};
use crate::model::{Expr, Import, Lang};

pub struct Go;

impl Profile for Go {
    /// A bare name is a function of the package (any file of the folder); `pkg.F` one of an
    /// imported package of the same module (its import path under go.mod's module path); a
    /// method called on a value (`s.store.CreatePayment`), the only method of that name in
    /// the package, or else in the module (an interface's one implementation).
    fn callee_home(
        &self,
        file: &Path,
        callee: &Expr,
        imports: &[Import],
        manifests: &dyn Manifests,
    ) -> Option<CalleeHome> {
        let dir = file.parent()?;
        let callee = callee.dotted()?;
        let Some((package, function)) = callee.split_once('.') else {
            return Some(CalleeHome {
                files: HomeFiles::Package(dir.to_owned()),
                function: callee,
            });
        };
        let Some(import) = imports.iter().find(|import| import.local == package) else {
            let (_, method) = callee.rsplit_once('.')?;
            return Some(CalleeHome {
                files: HomeFiles::Method {
                    package: Some(dir.to_owned()),
                    module: manifests.go_module(dir).map(|(root, _)| root),
                    dependencies: Vec::new(),
                },
                function: method.to_owned(),
            });
        };
        if function.contains('.') {
            return None;
        }
        let (root, module) = manifests.go_module(dir)?;
        let folder = match import.source.strip_prefix(&module)? {
            "" => root,
            rest => root.join(rest.strip_prefix('/')?),
        };
        Some(CalleeHome {
            files: HomeFiles::Package(folder),
            function: function.to_owned(),
        })
    }

    /// A test file's definitions are for tests only.
    fn may_define_for(&self, file: &Path, other: &Path) -> bool {
        self.shares_package(file, other)
    }

    fn module_manifest(&self) -> Option<&'static str> {
        Some("go.mod")
    }

    /// The names of the lines `func (r *T) name(` and `func (r T[K]) name[`.
    fn named_queries_lang(&self) -> Option<Lang> {
        Some(Lang::Sql)
    }

    fn method_names(&self, text: &[u8]) -> Vec<String> {
        let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        (text.split(|&b| b == b'\n'))
            .filter_map(|line| {
                let rest = line.trim_ascii_start().strip_prefix(b"func")?;
                let rest = rest.trim_ascii_start().strip_prefix(b"(")?;
                let close = rest.iter().position(|&b| b == b')')?;
                let rest = rest[close + 1..].trim_ascii_start();
                let end = rest.iter().position(|b| !is_name(b))?;
                matches!(rest[end], b'(' | b'[')
                    .then(|| String::from_utf8_lossy(&rest[..end]).into_owned())
            })
            .filter(|name| !name.is_empty())
            .collect()
    }

    /// A test file calls into its package, but is no caller that runs in the service.
    fn may_call(&self, caller: &Path, file: &Path) -> bool {
        self.shares_package(file, caller)
    }

    fn shares_package(&self, file: &Path, other: &Path) -> bool {
        let is_test = |path: &Path| path.to_string_lossy().ends_with("_test.go");
        other.extension().is_some_and(|e| e == "go") && (!is_test(other) || is_test(file))
    }

    fn lexical(&self) -> Option<Lexical> {
        Some(Lexical {
            backquoted_raw_strings: true,
            strings_end_at_newline: true,
            ..Lexical::default()
        })
    }

    fn line_comment(&self) -> &'static str {
        "//"
    }

    fn full_jitter_help(&self, delay: &str) -> String {
        format!(
            "use full jitter: sleep a random duration between 0 and the delay, \
             `time.Sleep(rand.N({delay}))` (math/rand/v2)"
        )
    }

    fn atomic_insert_help(&self, insert: &str, _by_row_count: bool) -> String {
        format!(
            "create the row atomically with {insert}; when it creates nothing (`sql.ErrNoRows`, \
             or `RowsAffected() == 0`) another request holds the key: replay its result or \
             answer 409 instead of going on"
        )
    }

    fn atomic_set_help(&self) -> &'static str {
        "set the key atomically with `SetNX(ctx, key, value, ttl)` (or `SetArgs` with \
         `Mode: \"NX\"`), and go on only when it reports the key was set"
    }

    fn in_progress_help(&self, cas: &str) -> String {
        format!(
            "answer 409 Conflict when the status is `in_progress` (`if rec.Status == \
             \"in_progress\" {{ return nil, ErrConflict }}`) before doing the work, and {cas}"
        )
    }

    fn transient_errors_help(&self) -> &'static str {
        "retry only transient failures and return the rest at once: `if !isTransient(err) \
         { return err }`, where `isTransient` checks e.g. `errors.As(err, &netErr) && \
         netErr.Timeout()`, a 5xx or 429 status, or your own error type"
    }

    fn transient_statuses_help(&self) -> &'static str {
        "retry only `resp.StatusCode >= 500 || resp.StatusCode == \
         http.StatusTooManyRequests` (and transport errors); return any other status at once"
    }

    fn gate_on_returned_row_help(&self, _key: &str) -> String {
        "a duplicate makes the RETURNING row come back empty: treat `sql.ErrNoRows` from \
         `Scan` as \"already handled\" and return before the write"
            .to_owned()
    }

    fn gate_on_affected_rows_help(&self) -> String {
        "gate the write on the insert: return early when `res.RowsAffected()` is 0".to_owned()
    }

    fn gate_on_conflict_help(&self, key: &str) -> String {
        format!(
            "gate the write on the insert: return early when `res.RowsAffected()` is 0, or add \
             `RETURNING {key}` and treat `sql.ErrNoRows` as a duplicate"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_is_defined_by_a_func_with_a_receiver() {
        let text = b"package p\n\nfunc (s *Store) Find(ctx context.Context) error {\n}\n\
                     func (m Map[K, V]) Get[T any]() {}\nfunc Put() {}\n\
                     // func (s *Store) Finder(\nx := s.Take(ctx)\n";
        assert_eq!(Go.method_names(text), ["Find", "Get"]);
    }
}
