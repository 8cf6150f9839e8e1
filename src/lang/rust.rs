//! The Rust front-end: syn's syntax tree lowered into the model.
//!
//! A file is read as a file of items, else as bare statements (a snippet, lowered into one
//! `<snippet>` script unit), else chunk by chunk (see `parse`). Comments come from a scan
//! of the raw text, since syn drops them. Parsing runs on a thread of its own with a large
//! stack, and text nested deeper than syn can safely recurse is skipped with a note.

mod lower;
mod parse;
pub(super) mod profile;
mod scan;
mod spans;
mod strings;

pub(crate) use scan::block_comment_end;

use std::panic;

use crate::model::Module;

/// The parser thread's stack: syn recurses once or a few times per nesting level, and
/// [`parse::MAX_NESTING`] levels must fit in it. Only the pages used are ever committed.
const PARSER_STACK: usize = 256 << 20;

/// Lowers one Rust file (or snippet).
pub fn lower(source: &str) -> Module {
    let scanned = scan::scan(source);
    let work = || {
        let parsed = parse::parse(source, &scanned);
        let lowered = lower::units(source, &parsed.pieces);
        let notes = parsed.notes;
        drop(parsed.pieces);
        // proc-macro2 keeps every parsed text in a per-thread source map: forget them, so
        // that a thread lowering many files stays flat.
        proc_macro2::extra::invalidate_current_thread_spans();
        (lowered, notes)
    };
    let (lowered, diagnostics) = on_parser_stack(work);
    Module {
        units: lowered.units,
        comments: scanned.comments,
        diagnostics,
        imports: lowered.imports,
        exports: Vec::new(),
        re_exports: Vec::new(),
        test_code: lowered.test_code,
    }
}

/// Runs `work` on a thread with a [`PARSER_STACK`] stack (on this one if no thread can be
/// started). A panic there goes on unwinding here, with its message and location, so that
/// the caller's panic boundary reports it as it would a panic on its own thread.
fn on_parser_stack<T: Send>(work: impl FnOnce() -> T + Send + Copy) -> T {
    let joined = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("idemlint-rust".to_owned())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, move || crate::panic_boundary::guarded(work));
        spawned.map(|handle| handle.join())
    });
    match joined {
        Ok(Ok(Ok(done))) => done,
        Ok(Ok(Err(message))) => panic::resume_unwind(Box::new(message)),
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_the_parser_thread_reaches_the_caller_with_its_message() {
        assert_eq!(
            crate::panic_boundary::guarded(|| on_parser_stack(|| 7)),
            Ok(7)
        );
        assert_eq!(
            crate::panic_boundary::guarded(|| on_parser_stack(|| -> () { panic!("deep {}", 1) })),
            Err("deep 1".to_owned())
        );
    }
}
