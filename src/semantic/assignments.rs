//! Where each variable of a unit is assigned, found in one walk: rules follow a value back to
//! what it was set to (a strategy built into a variable, a closure stored in one, a field set
//! on the value after it was made).

use std::collections::HashMap;

use crate::flow::{Assignment, assigned_vars};
use crate::model::{Block, Scope};

/// Every assignment of a block, `for` headers included and closures not, by the variable it
/// writes.
pub struct Assignments<'a> {
    by_var: HashMap<String, Vec<Assignment<'a>>>,
}

impl<'a> Assignments<'a> {
    pub fn of(block: &'a Block) -> Assignments<'a> {
        let mut by_var: HashMap<String, Vec<Assignment<'a>>> = HashMap::new();
        for stmt in block.stmts_in(Scope::FLOW) {
            let Some(assignment) = Assignment::of(stmt) else {
                continue;
            };
            let mut vars = assigned_vars(stmt);
            vars.sort_unstable();
            vars.dedup();
            for var in vars {
                by_var.entry(var).or_default().push(assignment);
            }
        }
        Assignments { by_var }
    }

    /// Every assignment to `var` (a name or a field path: `b.delay`), in source order: what
    /// [`crate::flow::assignments`] finds in the block.
    pub fn to(&self, var: &str) -> &[Assignment<'a>] {
        self.by_var.get(var).map_or(&[], Vec::as_slice)
    }
}
