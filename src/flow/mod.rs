//! Data flow over the model that several rules need: where the outcome of a call goes,
//! which variables carry it on, and whether a later condition looks at them.
//!
//! All of it is language-blind. It leans on two conventions that hold in the host
//! languages idemlint reads: a multi-value assignment puts the error last (Go), and an
//! error variable is named like one (`err`, `e`, `error`) when it stands alone.
//!
//! One idea a file, each re-exported here:
//! - `walk`: questions the model's walks answer: the chain above an expression, the
//!   variables a statement writes and an expression reads, the values a body returns.
//! - `sites`: the calls, queries and loops of a unit.
//! - `units`: closures as units, the same-file function a callee names.
//! - `binding`: where a call's value and error go, and whether they are tested.
//! - `divergence`: whether control falls through a statement.
//! - `retry`: whether repeated work retries something remote.
//! - `outcomes`: what a read can have found, and what a condition says about it.
//! - `reach`: which outcomes of a read reach each later statement.
//! - `existence`: the usual classifier, whether a condition says the read found anything.
//! - `value_flow`: trends of loop variables, growth with them, randomness.

mod binding;
mod divergence;
mod existence;
mod outcomes;
mod reach;
mod retry;
mod sites;
mod units;
mod value_flow;
mod walk;

pub use binding::{
    Binding, binding, derived, error_exits, error_ignored, first_test, is_error_name,
};
pub use divergence::{block_diverges, block_throws, diverges};
pub use existence::{existence_test, is_nothing, presence};
pub use outcomes::{Atom, ReadOutcomes, Test};
pub use reach::{Reach, Reached, Read, reach};
pub use retry::{mentions_local_host, observes_failure};
pub use sites::{LoopSite, QuerySite, Site, calls, enclosing_loops, loops, queries};
pub use units::{
    FileFunctions, FileGate, Functions, SameFile, WithinFile, closure_unit, closure_units,
    param_for_arg, same_file_unit, units_calling,
};
pub use value_flow::{Growth, Trend, ValueFlow, is_numeric_range, number_value};
pub use walk::{
    Assignment, assigned_vars, assignments, bound_names, chain_above, contains, is_var, reads,
    returned_values, stmts_after, strip,
};

/// A module lowered and classified, for the tests of flow's parts.
#[cfg(test)]
fn module(lang: crate::model::Lang, source: &str) -> crate::model::Module {
    let mut m = crate::lang::lower(lang, source);
    crate::analysis::classify(
        &mut m,
        source,
        lang,
        &crate::knowledge::Knowledge::builtin(),
    );
    m
}
