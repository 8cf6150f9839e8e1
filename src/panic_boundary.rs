//! The panic boundary: a bug that a file trips is turned into that file's message, and the
//! run goes on with the others.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    /// Set while this thread runs [`guarded`]: its panics are reported as messages.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Where the last guarded panic on this thread happened, if the hook saw it.
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Makes panics inside `guarded` silent: their message and location then show up once,
/// in the run's `internal error` message, instead of as a raw panic report in the middle
/// of the output. Panics anywhere else are reported as before. For binaries.
pub fn install_panic_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if GUARDED.get() {
            PANIC_LOCATION.set(info.location().map(ToString::to_string));
        } else {
            previous(info);
        }
    }));
}

/// Runs `f`, turning a panic into its message, so that one file that trips a bug does not
/// end the run.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    GUARDED.set(true);
    PANIC_LOCATION.set(None);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.set(false);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic with a non-text payload".to_owned());
        match PANIC_LOCATION.take() {
            Some(location) => format!("{message} (at {location})"),
            None => message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(guarded(|| 7), Ok(7));
        assert_eq!(
            guarded(|| -> () { panic!("boom {}", 1) }),
            Err("boom 1".to_owned())
        );
        assert_eq!(
            guarded(|| -> () { std::panic::panic_any(3) }),
            Err("panic with a non-text payload".to_owned())
        );
    }
}
