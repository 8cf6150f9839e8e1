//! Byte offsets of a document's text and the protocol's positions: 0-based lines and
//! columns counted in the code units of the encoding the client and server agreed on
//! (UTF-16 unless the client offers UTF-8).

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::model::Span;
use crate::report::position::LineIndex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The encoding to use of those the client offers (none offered: UTF-16, the
    /// protocol's default). UTF-8 is idemlint's own, so it needs no conversion.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// One text's lines, to turn offsets into positions and back.
pub struct TextIndex<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
    encoding: Encoding,
}

impl<'a> TextIndex<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> TextIndex<'a> {
        TextIndex {
            text,
            lines: LineIndex::new(text),
            encoding,
        }
    }

    /// The position of byte `offset`: past the end, the end; inside a character, its
    /// start.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.lines.clamp(&(offset..offset)).start;
        let line = self.lines.position(offset).line;
        let start = self.lines.line_start(line);
        let character: usize = (self.text[start..offset].chars())
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(to_u32(line - 1), to_u32(character))
    }

    pub fn range(&self, span: &Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of `position`, as the protocol reads one that does not exist: a line
    /// past the last is the end of the text, a character past its line's end (or inside a
    /// character) the end of the line (or that character's end).
    pub fn offset(&self, position: Position) -> usize {
        let start = self.lines.line_start(position.line as usize + 1);
        let line = self.text[start..].split('\n').next().unwrap_or_default();
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += self.encoding.width(c);
        }
        start + line.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_the_encodings_code_units() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 units.
        let text = "aé𝄞b\nx";
        let b = text.find('b').unwrap();
        assert_eq!(
            TextIndex::new(text, Encoding::Utf16).position(b),
            Position::new(0, 4)
        );
        assert_eq!(
            TextIndex::new(text, Encoding::Utf8).position(b),
            Position::new(0, 7)
        );
        assert_eq!(
            TextIndex::new(text, Encoding::Utf16).offset(Position::new(0, 4)),
            b
        );
        assert_eq!(
            TextIndex::new(text, Encoding::Utf8).offset(Position::new(0, 7)),
            b
        );
        assert_eq!(
            TextIndex::new(text, Encoding::Utf16).position(text.len()),
            Position::new(1, 1)
        );
    }

    #[test]
    fn positions_that_do_not_exist_are_read_as_the_protocol_says() {
        let text = "ab\r\ncd";
        let index = TextIndex::new(text, Encoding::Utf16);
        assert_eq!(index.offset(Position::new(0, 9)), 2, "past the line's end");
        assert_eq!(
            index.offset(Position::new(7, 0)),
            text.len(),
            "past the last line"
        );
        assert_eq!(index.offset(Position::new(1, 1)), 5);
        // Inside a character (half of a surrogate pair): its end.
        let index = TextIndex::new("𝄞x", Encoding::Utf16);
        assert_eq!(index.offset(Position::new(0, 1)), 4);
        assert_eq!(index.position(2), Position::new(0, 0), "inside a character");
    }
}
