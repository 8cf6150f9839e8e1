//! The second look at the files the prefilter passed over: a file that calls a function some
//! rule follows from its callers (see [`crate::rules::Rule::feeds_callers`]) may hold a
//! finding at that call, whatever words it lacks itself, so it is parsed after all.

use aho_corasick::AhoCorasick;

use crate::rules::is_identifier_byte;

/// The names of the functions the checked files define that a caller's finding may rest on,
/// matched in any case: SQL's names ignore it, and in other languages a call that differs
/// only in case costs a parse, never a finding.
pub struct CalledNames {
    searcher: AhoCorasick,
    lengths: Vec<usize>,
}

impl CalledNames {
    /// `None` when there are no names: no file needs a second look.
    pub fn new(names: &[String]) -> Option<CalledNames> {
        if names.is_empty() {
            return None;
        }
        Some(CalledNames {
            searcher: super::searcher(names)?,
            lengths: names.iter().map(String::len).collect(),
        })
    }

    /// Whether `text` calls one of the names: the whole name, then `(` (or the `<`, `[` or
    /// `::<` of type arguments), or ends an import path with it (`from "./repo/find"`, for a
    /// function imported under a name of the importer's own).
    pub fn called_in(&self, text: &[u8]) -> bool {
        self.searcher.find_overlapping_iter(text).any(|hit| {
            let end = hit.start() + self.lengths[hit.pattern().as_usize()];
            let before = hit.start().checked_sub(1).map(|i| text[i]);
            let called = matches!(text.get(end), Some(b'(' | b'<' | b'[' | b':'));
            let imported =
                before == Some(b'/') && matches!(text.get(end), Some(b'"' | b'\'' | b'.'));
            (!before.is_some_and(is_identifier_byte) && called) || imported
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_the_whole_name_before_its_arguments() {
        let names =
            CalledNames::new(&["record".to_owned(), "markProcessed".to_owned()]).expect("names");
        assert!(names.called_in(b"inbox::record(tx, id).await?;"));
        assert!(names.called_in(b"if err := markProcessed(ctx, tx, id); err != nil {"));
        assert!(names.called_in(b"PERFORM MarkProcessed(p_id);"));
        assert!(!names.called_in(b"recorder(tx)"));
        assert!(!names.called_in(b"let record = 1;"));
        assert!(!names.called_in(b"rerecord(tx)"));
        assert!(names.called_in(b"import lookup from \"./repo/markProcessed\";"));
        assert!(names.called_in(b"import lookup from './markProcessed.js';"));
        assert!(!names.called_in(b"import { x } from \"./markProcessedLater\";"));
        assert!(CalledNames::new(&[]).is_none());
    }
}
