//! Byte offsets of a document's text and the protocol's positions: 0-based lines and
//! columns counted in the code units of the encoding the client and server agreed on
//! (UTF-16 unless the client offers UTF-8).

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::model::Span;

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

/// One text's lines as the protocol counts them (ended by `\n`, `\r\n` or a lone `\r`,
/// unlike the rest of idemlint, which counts `\n`), to turn offsets into positions and
/// back.
pub struct TextIndex<'a> {
    text: &'a str,
    /// Where each line starts, and where its content ends (before its line ending).
    lines: Vec<(usize, usize)>,
    encoding: Encoding,
}

impl<'a> TextIndex<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> TextIndex<'a> {
        let bytes = text.as_bytes();
        let mut lines = Vec::new();
        let mut start = 0;
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => {
                    lines.push((start, at));
                    start = at + 1;
                }
                b'\r' => {
                    lines.push((start, at));
                    at += usize::from(bytes.get(at + 1) == Some(&b'\n'));
                    start = at + 1;
                }
                _ => {}
            }
            at += 1;
        }
        lines.push((start, text.len()));
        TextIndex {
            text,
            lines,
            encoding,
        }
    }

    /// The position of byte `offset`: past the end, the end; inside a character (or a
    /// `\r\n`), its start.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.partition_point(|&(start, _)| start <= offset) - 1;
        let (start, end) = self.lines[line];
        let character: usize = (self.text[start..offset.min(end)].chars())
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, span: &Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of `position`, as the protocol reads one that does not exist: a line
    /// past the last is the end of the text, a character past its line's end (or inside a
    /// character) the end of the line (or that character's end).
    pub fn offset(&self, position: Position) -> usize {
        let Some(&(start, end)) = self.lines.get(position.line as usize) else {
            return self.text.len();
        };
        let mut units = 0;
        for (at, c) in self.text[start..end].char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += self.encoding.width(c);
        }
        end
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

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_the_protocol_says() {
        let text = "a\rb\r\nc\nd";
        let index = TextIndex::new(text, Encoding::Utf16);
        let at = |c| text.find(c).unwrap();
        assert_eq!(index.position(at('b')), Position::new(1, 0));
        assert_eq!(index.position(at('c')), Position::new(2, 0));
        assert_eq!(index.position(at('d')), Position::new(3, 0));
        assert_eq!(
            index.offset(Position::new(1, 5)),
            at('b') + 1,
            "before the \\r\\n"
        );
        assert_eq!(index.offset(Position::new(2, 0)), at('c'));
    }
}
