//! What idemlint knows about libraries: which calls run SQL, sleep, draw randomness,
//! touch a key-value store, or retry. Rules and the analysis pass read this table;
//! no rule names a library function itself. The config file extends it.
//!
//! Call patterns match a callee's dotted name (`tokio.time.sleep`, `db.ExecContext`)
//! by its trailing segments: `time.Sleep` matches `time.Sleep`; `.ExecContext` (a leading
//! dot) matches a method of that name on any receiver; `sleep` matches a bare `sleep` or
//! any path ending in `.sleep`.
//!
//! The module is split by idea: `schema` (the types), `lookup` (the queries on the table),
//! `names` (how names are split into words and compared with hints), `data` (the format of
//! the data files, which `[knowledge]` in idemlint.toml shares) and `builtin` (the built-in
//! table, read from the files of `data/`). What reads model expressions against the table
//! (argument shapes and tests) is on the analysis side, in `crate::analysis::evaluate`.

mod builtin;
mod data;
mod lookup;
mod names;
mod schema;

pub use builtin::DIVERGING_CALLS;
pub use data::KnowledgeExtension;
pub use names::{is_inflection, words};
pub use schema::{
    ArgTest, CallPattern, CallShape, GrowthField, Knowledge, KvApi, KvCommandApi, Mark, Orm, OrmOp,
    OrmOpKind, QueryApi, RetryApi, RetryFacts, RetryRole, SleepApi, StatusClass, StatusName,
    StatusRaiser, TableSource,
};
