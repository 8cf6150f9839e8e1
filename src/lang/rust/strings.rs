//! String values with their map back to the file: literal decoding (escapes, raw strings)
//! and `format!` templates.

use std::ops::Range;

use crate::model::StrLit;

/// Decodes the string literal written as `token` (prefix, quotes and all) at file offset
/// `start`. Byte strings give `None`: SQL does not live in them.
pub fn decode(token: &str, start: usize) -> Option<StrLit> {
    let quote = token.find('"')?;
    let prefix = &token[..quote];
    let kind = prefix.trim_end_matches('#');
    let body = quote + 1;
    match kind {
        "" | "c" => Some(decode_escaped(token, body, start)),
        "r" | "cr" => {
            let closing = format!("\"{}", "#".repeat(prefix.len() - kind.len()));
            let end = token.rfind(&closing).filter(|&e| e >= body)?;
            Some(StrLit::verbatim(&token[body..end], start + body))
        }
        _ => None,
    }
}

/// A `"…"` literal whose body starts at `body`, with escapes resolved. Each byte of an
/// escape's value maps to the escape's backslash.
fn decode_escaped(token: &str, body: usize, start: usize) -> StrLit {
    let bytes = token.as_bytes();
    let mut out = StrBuilder::default();
    let mut i = body;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                out.end = start + i;
                break;
            }
            b'\\' => i = escape(token, i, start, &mut out),
            _ => {
                let run = bytes[i..]
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\')
                    .map_or(bytes.len(), |n| i + n);
                out.push_verbatim(&token[i..run], start + i);
                i = run;
            }
        }
    }
    out.finish()
}

/// Resolves the escape at `at` into `out`; returns where decoding goes on.
fn escape(token: &str, at: usize, start: usize, out: &mut StrBuilder) -> usize {
    let bytes = token.as_bytes();
    let kind = bytes.get(at + 1).copied().unwrap_or(b'\\');
    let simple = match kind {
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'0' => Some('\0'),
        b'\\' | b'\'' | b'"' => Some(kind as char),
        _ => None,
    };
    if let Some(c) = simple {
        out.push_char(c, start + at);
        return at + 2;
    }
    match kind {
        b'x' => {
            let hex = token.get(at + 2..at + 4).unwrap_or("");
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                out.push_char(c, start + at);
            }
            at + 4
        }
        b'u' => {
            let close = token[at..].find('}').map_or(bytes.len(), |n| at + n);
            let digits = token.get(at + 3..close).unwrap_or("").replace('_', "");
            if let Some(c) = u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
            {
                out.push_char(c, start + at);
            }
            close + 1
        }
        b'\n' | b'\r' => {
            // A line continuation: the newline and the next line's indentation vanish.
            let mut i = at + 1;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            i
        }
        _ => at + 2,
    }
}

/// Builds a [`StrLit`] piece by piece.
#[derive(Default)]
pub struct StrBuilder {
    value: String,
    origin: Vec<usize>,
    /// One past the last mapped byte so far.
    end: usize,
}

impl StrBuilder {
    /// Appends `text`, every byte of which maps to file offset `at`.
    pub fn push_text(&mut self, text: &str, at: usize) {
        self.value.push_str(text);
        self.origin.extend(std::iter::repeat_n(at, text.len()));
        self.end = at;
    }

    /// Appends `text` as it stands in the file from offset `at`.
    fn push_verbatim(&mut self, text: &str, at: usize) {
        self.value.push_str(text);
        self.origin.extend(at..at + text.len());
        self.end = at + text.len();
    }

    fn push_char(&mut self, c: char, at: usize) {
        self.push_text(c.encode_utf8(&mut [0; 4]), at);
    }

    /// Appends bytes `range` of `lit`.
    pub fn push_range(&mut self, lit: &StrLit, range: Range<usize>) {
        let Some(text) = lit.value.get(range.clone()) else {
            return;
        };
        self.value.push_str(text);
        self.origin.extend_from_slice(&lit.origin[range.clone()]);
        self.end = lit.origin.get(range.end).copied().unwrap_or(self.end);
    }

    pub fn push_lit(&mut self, lit: &StrLit) {
        self.push_range(lit, 0..lit.value.len());
    }

    pub fn finish(mut self) -> StrLit {
        self.origin.push(self.end);
        StrLit {
            value: self.value,
            origin: self.origin,
        }
    }
}

/// A `{…}` hole of a `format!` template: which argument fills it.
pub enum Hole<'t> {
    /// `{}` (counted left to right) or `{0}`.
    Positional(usize),
    /// `{name}`: a named argument, or a variable captured inline.
    Named(&'t str),
}

/// One hole with what the caller needs to fill it.
pub struct HoleAt<'t> {
    pub hole: Hole<'t>,
    /// The file offset of the hole's `{`.
    pub at: usize,
    /// The hole formats with `{:?}`: a string argument would come out quoted.
    pub debug: bool,
}

/// Expands a `format!` template: `{{`/`}}` become braces, each hole what `fill` gives.
pub fn fill_template(template: &StrLit, mut fill: impl FnMut(HoleAt) -> StrLit) -> StrLit {
    let value = template.value.as_str();
    let bytes = value.as_bytes();
    let mut out = StrBuilder::default();
    let mut next_positional = 0;
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let doubled = (b == b'{' || b == b'}') && bytes.get(i + 1) == Some(&b);
        if doubled {
            out.push_range(template, run_start..i + 1);
            i += 2;
            run_start = i;
            continue;
        }
        let close = (b == b'{')
            .then(|| value[i..].find('}').map(|n| i + n))
            .flatten();
        let Some(close) = close else {
            i += 1;
            continue;
        };
        out.push_range(template, run_start..i);
        let inner = &value[i + 1..close];
        let (argument, spec) = inner.split_once(':').unwrap_or((inner, ""));
        let argument = argument.trim();
        if spec.contains(".*") {
            // `{:.*}` takes its precision from the next positional argument first.
            next_positional += 1;
        }
        let hole = if argument.is_empty() {
            next_positional += 1;
            Hole::Positional(next_positional - 1)
        } else if let Ok(n) = argument.parse() {
            Hole::Positional(n)
        } else {
            Hole::Named(argument)
        };
        let at = template.origin.get(i).copied().unwrap_or(0);
        let piece = fill(HoleAt {
            hole,
            at,
            debug: spec.contains('?'),
        });
        out.push_lit(&piece);
        i = close + 1;
        run_start = i;
    }
    out.push_range(template, run_start..bytes.len());
    if out.value.is_empty() {
        out.end = template.origin.last().copied().unwrap_or(0);
    }
    out.finish()
}

/// A placeholder value for what cannot be folded to a string: an identifier, so that SQL
/// around it still parses.
pub fn placeholder(name: &str, at: usize) -> StrLit {
    let mut out = StrBuilder::default();
    out.push_text(name, at);
    out.end = at;
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(template: &str) -> String {
        let lit = StrLit::verbatim(template, 100);
        fill_template(&lit, |hole| {
            let name = match hole.hole {
                Hole::Positional(n) => format!("p{n}"),
                Hole::Named(name) => format!("n_{name}"),
            };
            placeholder(&name, hole.at)
        })
        .value
    }

    #[test]
    fn template_holes_count_positions_and_keep_names() {
        assert_eq!(fill("{} {} {0} {x} {:?} {y:>5}"), "p0 p1 p0 n_x p2 n_y");
        assert_eq!(fill("{{literal}} {}"), "{literal} p0");
        // `{:.*}` takes its precision from a positional argument first.
        assert_eq!(fill("{:.*} {}"), "p1 p2");
        assert_eq!(fill("unclosed { brace"), "unclosed { brace");
        assert_eq!(fill("stray } brace"), "stray } brace");
    }

    #[test]
    fn template_origins_follow_literal_and_holes() {
        let lit = StrLit::verbatim("a{}b", 10);
        let filled = fill_template(&lit, |hole| placeholder("XY", hole.at));
        assert_eq!(filled.value, "aXYb");
        assert_eq!(filled.origin, [10, 11, 11, 13, 14]);
    }

    #[test]
    fn byte_strings_are_not_decoded() {
        assert_eq!(decode(r#"b"bytes""#, 0), None);
        assert_eq!(decode(r##"br#"bytes"#"##, 0), None);
        assert_eq!(decode(r#""text""#, 5), Some(StrLit::verbatim("text", 6)));
        assert_eq!(
            decode(r##"r#"te"xt"#"##, 5),
            Some(StrLit::verbatim("te\"xt", 8))
        );
    }
}
