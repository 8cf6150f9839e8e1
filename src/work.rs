//! A count of the steps the analyses take (model nodes walked, SQL statements visited), so
//! that a test can bound how the work grows with a file without timing anything.

use std::cell::Cell;

thread_local! {
    static STEPS: Cell<u64> = const { Cell::new(0) };
}

/// Counts `n` steps on this thread.
pub(crate) fn step(n: usize) {
    STEPS.with(|steps| steps.set(steps.get().saturating_add(n as u64)));
}

/// Runs `f` and returns what it returns, with the steps it took on this thread.
#[doc(hidden)]
pub fn counted<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = STEPS.with(Cell::get);
    let result = f();
    (result, STEPS.with(Cell::get) - before)
}
