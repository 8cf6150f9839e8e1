//! Rust's words.

use crate::lang::profile::{Lexical, Profile};

pub struct Rust;

impl Profile for Rust {
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
