//! What [`crate::analysis`] says a call does: runs SQL, sleeps, draws randomness, reads or
//! writes a key-value store, or calls a retry library.

use super::span::StrLit;
use crate::sql;

/// What a call does, as far as the rules care.
#[derive(Debug, Clone, Default)]
pub enum CallRole {
    /// Not classified yet, or nothing the knowledge table knows.
    #[default]
    Unknown,
    /// Runs SQL through a database driver.
    Query(Query),
    /// Blocks for the duration given by argument `duration_arg`.
    Sleep { duration_arg: usize },
    /// Draws randomness (`rand.Int63n`, `rand::random`, a jitter helper).
    Random,
    /// A key-value store operation (`Get`, `Set`, `SetNX`), with the key argument.
    Kv { op: KvOp, key_arg: usize },
    /// A retry or backoff library entry point or builder step; boxed because a library's
    /// facts are large and every call carries a role.
    Retry(Box<RetryCall>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvOp {
    Get,
    /// A plain write that overwrites whatever is there.
    Set,
    /// Set-if-absent (`SETNX`, `SET … NX`): atomic creation.
    SetIfAbsent,
}

/// A query call: the SQL it runs and what it gives back.
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: SqlText,
    pub outcome: Outcome,
}

/// What a driver call returns, which decides how "no row" and "nothing inserted" show up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A result with a rows-affected count (`Exec`, `execute`).
    Affected,
    /// One row; "no row" is an error value (`QueryRow` + `ErrNoRows`, `fetch_one`, `query_one`).
    OneRow,
    /// An optional row; "no row" is `None` (`fetch_optional`, `query_opt`).
    OptionalRow,
    /// Zero or more rows (`Query`, `fetch_all`, `query`).
    Rows,
    /// Not known (a query builder whose terminal call is elsewhere, or a SQL script statement).
    Unknown,
}

/// A call into a retry/backoff library, as the knowledge table describes it.
#[derive(Debug, Clone)]
pub struct RetryCall {
    /// The knowledge entry's id (e.g. `tokio-retry.spawn`).
    pub entry: String,
    /// Where the entry stands in the knowledge table's retry APIs: what the library does
    /// (`Knowledge::facts_of`).
    pub api: usize,
}

/// SQL text resolved from a string literal (or several, concatenated), with its facts; or
/// the statement an ORM's call chain stands for, whose text is the chain's own call.
#[derive(Debug, Clone)]
pub struct SqlText {
    pub text: StrLit,
    pub statements: Vec<sql::Statement>,
    /// The ORM whose call chain runs the statement (see `crate::analysis::orm`): there is
    /// no SQL to edit, and the fix is said in the library's terms.
    pub orm: Option<String>,
}
