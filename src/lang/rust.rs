//! The Rust front-end: syn's syntax tree lowered into the model.
//!
//! A file is read as a file of items, else as bare statements (a snippet, lowered into one
//! `<snippet>` script unit), else chunk by chunk (see [`parse`]). Comments come from a scan
//! of the raw text, since syn drops them. Parsing runs on a thread of its own with a large
//! stack, and text nested deeper than syn can safely recurse is skipped with a note.

mod lower;
mod parse;
mod scan;
mod spans;
mod strings;

use crate::model::{Module, ParseNote, Unit};

/// The parser thread's stack: syn recurses once or a few times per nesting level, and
/// [`parse::MAX_NESTING`] levels must fit in it. Only the pages used are ever committed.
const PARSER_STACK: usize = 256 << 20;

/// Lowers one Rust file (or snippet).
pub fn lower(source: &str) -> Module {
    let scanned = scan::scan(source);
    let work = || {
        let parsed = parse::parse(source, &scanned);
        let units = lower::units(source, &parsed.pieces);
        let notes = parsed.notes;
        drop(parsed.pieces);
        // proc-macro2 keeps every parsed text in a per-thread source map: forget them, so
        // that a thread lowering many files stays flat.
        proc_macro2::extra::invalidate_current_thread_spans();
        (units, notes)
    };
    let (units, diagnostics) = on_parser_stack(work).unwrap_or_else(|| {
        let note = ParseNote {
            span: 0..0,
            message: "internal error in the Rust front-end; this file was not checked".to_owned(),
        };
        (Vec::new(), vec![note])
    });
    Module {
        units,
        comments: scanned.comments,
        diagnostics,
    }
}

/// Runs `work` on a thread with a [`PARSER_STACK`] stack (on this one if no thread can be
/// started); `None` if it panicked.
fn on_parser_stack(
    work: impl FnOnce() -> (Vec<Unit>, Vec<ParseNote>) + Send + Copy,
) -> Option<(Vec<Unit>, Vec<ParseNote>)> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("idemlint-rust".to_owned())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, work);
        match spawned {
            Ok(handle) => handle.join().ok(),
            Err(_) => Some(work()),
        }
    })
}
