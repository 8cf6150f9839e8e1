//! Named queries in a SQL file: sqlc's `-- name: GetKey :one`, yesql's `-- name: get-key`,
//! HugSQL's `-- :name get-key`. The statements on either side of such a comment are run
//! separately, not one after the other.

use crate::model::Span;

/// The lines of one unit's text that name a query, found once, so that asking whether one
/// stands between two statements does not read the text between them again.
pub struct NamedQueries<'s> {
    source: &'s str,
    /// Where each such line starts and where its `name:` ends, in order.
    markers: Vec<(usize, usize)>,
}

impl<'s> NamedQueries<'s> {
    /// The named-query lines of `source` that start within `span`.
    pub fn new(source: &'s str, span: &Span) -> NamedQueries<'s> {
        let text = source.get(span.clone()).unwrap_or_default();
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        crate::work::step(line_starts.len());
        let markers = line_starts
            .into_iter()
            .filter_map(|start| {
                let len = marker_len(&text[start..])?;
                Some((span.start + start, span.start + start + len))
            })
            .collect();
        NamedQueries { source, markers }
    }

    /// Whether a line of the text between two offsets (the first one from `from`, the last
    /// one up to `to`) names another query.
    pub fn between(&self, from: usize, to: usize) -> bool {
        crate::work::step(1);
        let Some(text) = self.source.get(from..to) else {
            return false;
        };
        if marker_len(text).is_some() {
            return true;
        }
        let next = self.markers.partition_point(|&(start, _)| start <= from);
        self.markers.get(next).is_some_and(|&(_, end)| end <= to)
    }
}

/// The length of `-- name:` (or `-- :name`) at the start of the first line of `text`, after
/// any blanks: the bytes a line needs to name a query.
fn marker_len(text: &str) -> Option<usize> {
    let blank = |c: char| c.is_whitespace() && c != '\n';
    let comment = text.trim_start_matches(blank).strip_prefix("--")?;
    let rest = comment.trim_start_matches(blank);
    let word = rest.get(..5)?;
    (word.eq_ignore_ascii_case("name:") || word.eq_ignore_ascii_case(":name"))
        .then(|| text.len() - rest.len() + 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_comment_counts_between_two_offsets_only_where_it_starts_a_line() {
        let text = "SELECT 1; -- name: not a line of its own\n  -- NAME: GetKey :one\nSELECT 2;\n-- :name put-key\nSELECT 3;";
        let named = NamedQueries::new(text, &(0..text.len()));
        let at = |needle: &str| text.find(needle).unwrap();
        assert!(!named.between(at("SELECT 1") + 8, at("  -- NAME")));
        assert!(named.between(at("SELECT 1") + 8, at("SELECT 2")));
        // Cut short of its `name:`, the line names nothing yet.
        assert!(!named.between(at("SELECT 1") + 8, at("NAME:") + 3));
        // From inside a line, what follows on that line is its first line.
        assert!(named.between(at("-- :name") - 1, at("SELECT 3")));
        assert!(named.between(at("-- :name"), at("SELECT 3")));
        assert!(!named.between(at("SELECT 2"), at("-- :name")));
    }
}
