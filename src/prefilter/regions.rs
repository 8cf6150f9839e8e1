//! Where the comments and string literals of a file lie (as its language's
//! [`Lexical`] syntax says), found lazily: only as
//! far into the file as a hit that must stand in code asks. A call's name or a variable's
//! in a comment (`// Get the row`) or a string does not make the file worth parsing.
//!
//! When in doubt the text counts as code: an opening quote or comment with no end, or a
//! `'` that does not close a short character literal (a Rust lifetime), starts no region.
//! So a misread can only make the prefilter parse a file it could have skipped, except for
//! SQL's words, which count in host code only outside code: there a misread, which valid Go
//! or Rust does not cause, could hide one, and a file with a quote that never closes
//! ([`Regions::misread`]) is parsed whatever its SQL's words stand in.

use std::ops::Range;

use crate::lang::profile::Lexical;

/// Longest character literal: `'\u{10FFFF}'`.
const MAX_CHAR_LITERAL: usize = 12;

pub struct Regions<'t> {
    text: &'t [u8],
    syntax: Option<Lexical>,
    /// Comments and strings found so far, in order.
    found: Vec<Region>,
    /// Everything before this has been read.
    read_to: usize,
    /// A string or block comment opened and never closed was read: the file does not
    /// lex, and a parser's recovery may see strings where this scan sees code.
    unclosed: bool,
}

/// A comment or string literal.
struct Region {
    span: Range<usize>,
    /// Whether its text is code too: a formatted string's (`f"{x}"`), whose braces hold
    /// code, and which is read to its line's end, so that a misread of its quotes can only
    /// count more as code.
    holds_code: bool,
}

impl<'t> Regions<'t> {
    /// The regions of `text` written with `syntax`; with none (a language whose comments
    /// the prefilter does not read, or Markdown's code blocks in several languages) all of
    /// it counts as code.
    pub fn new(text: &'t [u8], syntax: Option<Lexical>) -> Regions<'t> {
        Regions {
            text,
            syntax,
            found: Vec::new(),
            read_to: 0,
            unclosed: false,
        }
    }

    /// Whether the file holds a string or block comment that never closes: read to its
    /// end to tell.
    pub fn misread(&mut self) -> bool {
        if let Some(syntax) = self.syntax {
            while self.read_to < self.text.len() {
                self.read_next(syntax);
            }
        }
        self.unclosed
    }

    /// Whether the byte at `at` is code: outside every comment and string literal.
    pub fn is_code(&mut self, at: usize) -> bool {
        let Some(syntax) = self.syntax else {
            return true;
        };
        while self.read_to <= at && self.read_to < self.text.len() {
            self.read_next(syntax);
        }
        self.region_at(at).is_none_or(|r| r.holds_code)
    }

    /// Whether the byte at `at` may be inside a comment or string literal: it is, or the
    /// language's syntax is not read (then anything may be).
    pub fn may_be_literal(&mut self, at: usize) -> bool {
        let Some(syntax) = self.syntax else {
            return true;
        };
        while self.read_to <= at && self.read_to < self.text.len() {
            self.read_next(syntax);
        }
        self.region_at(at).is_some()
    }

    /// The region found so far that holds the byte at `at`.
    fn region_at(&self, at: usize) -> Option<&Region> {
        let i = self.found.partition_point(|r| r.span.end <= at);
        self.found.get(i).filter(|r| r.span.start <= at)
    }

    /// Reads up to the end of the next comment or string, or to the end of the text.
    fn read_next(&mut self, syntax: Lexical) {
        let text = self.text;
        let comment = if syntax.hash_comments { b'#' } else { b'/' };
        let Some(offset) = text[self.read_to..]
            .iter()
            .position(|&b| b == comment || matches!(b, b'"' | b'\'' | b'`'))
        else {
            self.read_to = text.len();
            return;
        };
        let start = self.read_to + offset;
        let triple = syntax.triple_quoted_strings
            && matches!(text[start], b'"' | b'\'')
            && text[start..].starts_with(&[text[start]; 3]);
        let formatted = syntax.formatted_strings
            && matches!(text[start], b'"' | b'\'')
            && prefix_holds_f(text, start);
        let end = match text[start] {
            b'#' => Some(find_from(text, start, b"\n").unwrap_or(text.len())),
            b'/' => comment_end(text, start, syntax),
            _ if triple => find_from(text, start + 3, &[text[start]; 3]).map(|i| i + 3),
            // Read to the line's end at least: a quote inside its braces (`f"{d["k"]}"`)
            // does not end it.
            _ if formatted => {
                let line_end = find_from(text, start, b"\n").unwrap_or(text.len());
                Some(string_end(text, start, syntax).map_or(line_end, |end| end.max(line_end)))
            }
            b'"' => {
                let raw = syntax
                    .hashed_raw_strings
                    .then(|| raw_hashes(text, start))
                    .flatten();
                match raw {
                    Some(hashes) => raw_string_end(text, start, hashes),
                    None => string_end(text, start, syntax),
                }
            }
            b'`' if syntax.backquoted_raw_strings => {
                find_from(text, start + 1, b"`").map(|i| i + 1)
            }
            b'\'' if syntax.single_quoted_strings => string_end(text, start, syntax),
            b'\'' => char_literal_end(text, start),
            _ => None,
        };
        match end {
            Some(end) => {
                let opening = raw_string_opening(text, start, syntax);
                self.found.push(Region {
                    span: opening..end,
                    holds_code: formatted,
                });
                self.read_to = end;
            }
            None => {
                // A `/` that divides and a `'` of a Rust lifetime open nothing.
                let opens = matches!(text[start], b'"' | b'`')
                    || (text[start] == b'\'' && syntax.single_quoted_strings)
                    || text[start..].starts_with(b"/*");
                self.unclosed |= opens;
                // Past all of an unclosed triple quote: its last two are no empty string.
                self.read_to = start + if triple { 3 } else { 1 };
            }
        }
    }
}

/// Where a raw string's prefix (`r#`, `br`) begins, for a `"` at `quote`; the quote itself
/// otherwise.
fn raw_string_opening(text: &[u8], quote: usize, syntax: Lexical) -> usize {
    if !syntax.hashed_raw_strings || text[quote] != b'"' {
        return quote;
    }
    let mut i = quote;
    while i > 0 && text[i - 1] == b'#' {
        i -= 1;
    }
    if i > 0 && text[i - 1] == b'r' {
        i -= 1;
        if i > 0 && matches!(text[i - 1], b'b' | b'c') {
            i -= 1;
        }
        i
    } else {
        quote
    }
}

fn find_from(text: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    text.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// The end of a comment opening at `slash`, if it is one and it ends.
fn comment_end(text: &[u8], slash: usize, syntax: Lexical) -> Option<usize> {
    match text.get(slash + 1)? {
        b'/' => Some(find_from(text, slash, b"\n").unwrap_or(text.len())),
        b'*' if syntax.nested_block_comments => crate::lang::rust::block_comment_end(text, slash),
        b'*' => find_from(text, slash + 2, b"*/").map(|i| i + 2),
        _ => None,
    }
}

/// Whether the string whose quote is at `quote` has a prefix holding `f` (`f"`, `rf'`):
/// up to two letters of `rbuf`, in any case, with no name going on before them.
fn prefix_holds_f(text: &[u8], quote: usize) -> bool {
    let mut start = quote;
    while start > 0 && quote - start < 2 && b"rRbBuUfF".contains(&text[start - 1]) {
        start -= 1;
    }
    let free = start == 0 || !(text[start - 1].is_ascii_alphanumeric() || text[start - 1] == b'_');
    free && text[start..quote].iter().any(|&b| b == b'f' || b == b'F')
}

/// The end of a `"…"` string (or `'…'`, by the quote at `quote`) with backslash escapes (at
/// the line's end, for a language whose strings cannot span lines).
fn string_end(text: &[u8], quote: usize, syntax: Lexical) -> Option<usize> {
    let closing = text[quote];
    let mut i = quote + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b if b == closing => return Some(i + 1),
            b'\n' if syntax.strings_end_at_newline => return None,
            _ => i += 1,
        }
    }
    None
}

/// For a `"` that opens a Rust raw string (`r"`, `r#"`, `br##"`), its number of `#`.
fn raw_hashes(text: &[u8], quote: usize) -> Option<usize> {
    let hashed = Lexical {
        hashed_raw_strings: true,
        ..Lexical::default()
    };
    let opening = raw_string_opening(text, quote, hashed);
    if opening == quote {
        return None;
    }
    let free =
        opening == 0 || !(text[opening - 1].is_ascii_alphanumeric() || text[opening - 1] == b'_');
    free.then(|| text[opening..quote].iter().filter(|&&b| b == b'#').count())
}

fn raw_string_end(text: &[u8], quote: usize, hashes: usize) -> Option<usize> {
    let mut closing = vec![b'"'];
    closing.resize(hashes + 1, b'#');
    find_from(text, quote + 1, &closing).map(|i| i + closing.len())
}

/// The end of a short character literal opening at `quote` (`'x'`, `'\n'`, `'é'`); none for a
/// Rust lifetime or label (`'a`).
fn char_literal_end(text: &[u8], quote: usize) -> Option<usize> {
    let limit = (quote + MAX_CHAR_LITERAL).min(text.len());
    let body = text.get(quote + 1..limit)?;
    let close = if body.first() == Some(&b'\\') {
        body.iter().skip(2).position(|&b| b == b'\'').map(|i| i + 2)
    } else {
        let width = std::str::from_utf8(&body[..body.len().min(4)])
            .ok()
            .or_else(|| std::str::from_utf8(&body[..body.len().min(1)]).ok())
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        (body.get(width) == Some(&b'\'')).then_some(width)
    };
    close.map(|i| quote + 1 + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    /// The text with every byte that is not code replaced by `.`.
    fn code(text: &str, lang: Lang) -> String {
        let lexical = crate::lang::profile_of(lang).lexical();
        let mut regions = Regions::new(text.as_bytes(), lexical);
        text.char_indices()
            .map(|(i, c)| if regions.is_code(i) { c } else { '.' })
            .collect()
    }

    #[test]
    fn go_comments_and_strings_are_not_code() {
        assert_eq!(
            code(
                "a // Get\nb /* c */ d \"e\\\"f\" `g\nh` 'i' '\\n' x",
                Lang::Go
            ),
            "a ......\nb ....... d ...... ..... ... .... x"
        );
    }

    #[test]
    fn rust_raw_strings_nested_comments_and_lifetimes() {
        assert_eq!(
            code(
                "f::<'a>(r#\"x\"y\"#, /* a /* b */ c */ b'\"', br\"z\") 'l: loop",
                Lang::Rust
            ),
            "f::<'a>(........, ................. b..., .....) 'l: loop"
        );
    }

    #[test]
    fn python_comments_strings_and_formatted_strings() {
        assert_eq!(
            code(
                "a # b 'c'\nd = 'e\\'f' + \"g\" // h\ni = \"\"\"j\n'k'\"\"\" r'''l'''",
                Lang::Python
            ),
            "a .......\nd = ...... + ... // h\ni = ........... r......."
        );
        // A formatted string is code and literal both, to its line's end at least.
        let text = "x = f\"{d[\"k\"]} SELECT\" # c\ny = 1";
        let mut regions = Regions::new(
            text.as_bytes(),
            crate::lang::profile_of(Lang::Python).lexical(),
        );
        let select = text.find("SELECT").unwrap();
        assert!(regions.is_code(select) && regions.may_be_literal(select));
        assert!(regions.is_code(text.find("# c").unwrap()));
        assert!(regions.is_code(text.find("y = 1").unwrap()));
        assert!(!regions.may_be_literal(text.find("y = 1").unwrap()));
        assert_eq!(code("ef'x' + rb'y'", Lang::Python), "ef... + rb...");
    }

    #[test]
    fn what_never_ends_is_code() {
        assert_eq!(code("a /* b", Lang::Go), "a /* b");
        assert_eq!(code("a \"b\nc\"", Lang::Go), "a \"b\nc\"");
        assert_eq!(code("r#\"x", Lang::Rust), "r#\"x");
        assert_eq!(code("-- x 'y'", Lang::Sql), "-- x 'y'");
        assert_eq!(code("a = 'b\nc'", Lang::Python), "a = 'b\nc'");
        assert_eq!(code("a = '''b", Lang::Python), "a = '''b");
    }
}
