//! Where things stand in the file: byte spans, and string values mapped back to the file
//! byte by byte.

use std::ops::Range;

/// A byte range in the original file.
pub type Span = Range<usize>;

/// A string value as the program would see it, with a map back to the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrLit {
    pub value: String,
    /// `origin[i]` is the file offset of byte `i` of `value`; `origin[value.len()]` is one past
    /// the end of the last mapped byte. Bytes that came from an interpolation (a `%s` of a
    /// Sprintf template) map to the interpolated expression's start.
    pub origin: Vec<usize>,
}

impl StrLit {
    /// A literal whose value is the file text at `start..start + value.len()`, byte for byte
    /// (raw strings, strings without escapes).
    pub fn verbatim(value: &str, start: usize) -> StrLit {
        StrLit {
            value: value.to_owned(),
            origin: (start..=start + value.len()).collect(),
        }
    }

    /// The file span of `range`, a byte range of `value`.
    pub fn file_span(&self, range: Range<usize>) -> Span {
        let last = self.origin.len().saturating_sub(1);
        let start = self.origin.get(range.start.min(last)).copied().unwrap_or(0);
        let end = if range.end > range.start {
            self.origin
                .get(range.end.min(last).saturating_sub(1))
                .map(|&o| o + 1)
                .unwrap_or(start)
        } else {
            start
        };
        start..end.max(start)
    }

    /// Appends another literal (string concatenation).
    pub fn push(&mut self, other: &StrLit) {
        self.origin.pop();
        self.value.push_str(&other.value);
        self.origin.extend_from_slice(&other.origin);
    }
}
