//! Byte offsets to line/column positions, shared by every report format and by the
//! warnings the front-ends leave.

use serde::Serialize;

use crate::model::Span;

/// A position for people and tools: 1-based line, 1-based column counted in characters
/// (Unicode scalar values), so a column means the same thing in every editor that counts
/// characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The start of every line of one file, for turning offsets into positions.
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> LineIndex<'a> {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            source,
            line_starts,
        }
    }

    /// The position of byte `offset`. An offset past the end is taken as the end, one inside
    /// a character as that character's start: a rule's slightly wrong span still gets a
    /// position instead of a crash.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.snap(offset);
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        Position {
            line,
            column: self.source[line_start..offset].chars().count() + 1,
        }
    }

    /// The offset of the first byte of `line` (1-based, as [`Position::line`]); the end of
    /// the file for a line past it.
    pub fn line_start(&self, line: usize) -> usize {
        (self.line_starts.get(line.saturating_sub(1)))
            .copied()
            .unwrap_or(self.source.len())
    }

    /// `span` moved inside the file and onto character boundaries, with `start <= end`.
    pub fn clamp(&self, span: &Span) -> Span {
        let start = self.snap(span.start);
        start..self.snap(span.end).max(start)
    }

    /// The file text under `span`, after [`LineIndex::clamp`].
    pub fn text(&self, span: &Span) -> &'a str {
        &self.source[self.clamp(span)]
    }

    fn snap(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.position(0), at(1, 1));
        assert_eq!(index.position(2), at(1, 3));
        assert_eq!(index.position(3), at(2, 1));
        assert_eq!(index.position(4), at(2, 2));
        assert_eq!(index.position(6), at(3, 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let index = LineIndex::new("-- é€😀x\n");
        assert_eq!(index.position(3), at(1, 4));
        assert_eq!(index.position(5), at(1, 5));
        assert_eq!(index.position(8), at(1, 6));
        assert_eq!(index.position(12), at(1, 7));
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_snapped() {
        let index = LineIndex::new("é\nx");
        assert_eq!(index.position(1), at(1, 1));
        assert_eq!(index.position(99), at(2, 2));
        assert_eq!(index.clamp(&(1..99)), 0..4);
        let reversed = Span { start: 3, end: 2 };
        assert_eq!(index.clamp(&reversed), 3..3);
        assert_eq!(index.text(&(0..3)), "é\n");
    }

    #[test]
    fn an_empty_file_has_one_line() {
        let index = LineIndex::new("");
        assert_eq!(index.position(0), at(1, 1));
        assert_eq!(index.clamp(&(0..5)), 0..0);
    }
}
