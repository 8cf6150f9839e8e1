//! TypeScript's and JavaScript's words.

use crate::lang::profile::Profile;

pub struct TypeScript;

impl Profile for TypeScript {
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
