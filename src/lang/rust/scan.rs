//! A light lexer over the raw text, for what syn does not keep (comments) and what must be
//! known before syn runs: how deep a parse of the text could recurse, and where top-level
//! items start, so that a file syn rejects can still be read item by item.

use std::ops::Range;

use crate::model::Comment;

/// What one pass over the text found.
pub struct Scan {
    pub comments: Vec<Comment>,
    /// The text cut where top-level items or statements plausibly start, in order,
    /// covering the whole text.
    pub chunks: Vec<Chunk>,
}

pub struct Chunk {
    pub range: Range<usize>,
    /// An upper bound on how deep a recursive-descent parse of this chunk recurses.
    pub nesting: usize,
}

impl Scan {
    /// The nesting bound of the whole text.
    pub fn nesting(&self) -> usize {
        self.chunks.iter().map(|c| c.nesting).max().unwrap_or(0)
    }
}

/// Keywords after which syn parses another expression, type or pattern by recursion
/// (`return return x`, `&mut &mut T`, `|a| move |b| …`, `else if … else if …`).
const RECURSING_KEYWORDS: &[&str] = &[
    "async", "box", "break", "const", "dyn", "else", "if", "impl", "let", "match", "move", "mut",
    "raw", "ref", "return", "static", "yield",
];

/// Keywords that start an item at the beginning of a line.
const ITEM_KEYWORDS: &[&[u8]] = &[
    b"async", b"const", b"enum", b"extern", b"fn", b"impl", b"mod", b"pub", b"static", b"struct",
    b"trait", b"type", b"unsafe", b"use",
];

/// The last significant token seen at bracket depth 0.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Previous {
    Nothing,
    /// `;` or a closing `}`: a statement or item just ended.
    End,
    Other,
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    comments: Vec<Comment>,
    chunks: Vec<Chunk>,
    chunk_start: usize,
    chunk_nesting: usize,
    /// One counter per open bracket: the recursing tokens since the last `,` or `;` at that
    /// level. The nesting bound is the number of open brackets plus the sum of the counters.
    levels: Vec<usize>,
    counted: usize,
    /// A `}` just closed at the current level: the next token starts a new expression unless
    /// it continues the one the block ended (`} else {`, `}.await`, `}?`).
    block_closed: bool,
    previous: Previous,
    /// The token before this one, at any depth, was a `]` (the end of an attribute).
    after_bracket: bool,
    at_line_start: bool,
}

/// Scans `text`.
pub fn scan(text: &str) -> Scan {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        comments: Vec::new(),
        chunks: Vec::new(),
        chunk_start: 0,
        chunk_nesting: 0,
        levels: vec![0],
        counted: 0,
        block_closed: false,
        previous: Previous::Nothing,
        after_bracket: false,
        at_line_start: true,
    };
    scanner.run();
    scanner.chunks.push(Chunk {
        range: scanner.chunk_start..text.len(),
        nesting: scanner.chunk_nesting,
    });
    Scan {
        comments: scanner.comments,
        chunks: scanner.chunks,
    }
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            match b {
                b'\n' => {
                    self.at_line_start = true;
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'/' if self.peek(1) == b'/' => self.line_comment(),
                b'/' if self.peek(1) == b'*' => self.block_comment(),
                b'"' => {
                    self.token_start(self.pos, b"\"");
                    self.quoted(self.pos + 1);
                }
                b'\'' => {
                    self.token_start(self.pos, b"'");
                    self.quote_or_lifetime();
                }
                b'0'..=b'9' => {
                    self.token_start(self.pos, b"0");
                    self.number();
                }
                b if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => self.word(),
                _ => self.punct(b),
            }
        }
    }

    /// Bookkeeping before every token: chunk cuts and the end of a block's expression.
    fn token_start(&mut self, at: usize, token: &[u8]) {
        let depth = self.levels.len() - 1;
        let statement_start = depth == 0
            && self.at_line_start
            && self.previous == Previous::End
            && token != b"else"
            && (token == b"#" || token.first().is_some_and(|b| b.is_ascii_alphabetic()));
        // Inside brackets that never closed, an item keyword at the start of a line is still
        // most likely the next item (an attribute keeps its item).
        let item_after_unclosed = depth > 0
            && (at == 0 || self.bytes[at - 1] == b'\n')
            && !self.after_bracket
            && (token == b"#" || ITEM_KEYWORDS.contains(&token));
        if item_after_unclosed {
            // The new chunk is parsed on its own: the brackets left open before it are not
            // part of its nesting.
            self.levels = vec![0];
            self.counted = 0;
        }
        if statement_start || item_after_unclosed {
            self.cut(at);
        }
        self.after_bracket = token == b"]";
        if self.block_closed {
            self.block_closed = false;
            if !matches!(token, b"else" | b"." | b"?") {
                self.reset_level();
            }
        }
        self.at_line_start = false;
        if depth == 0 {
            self.previous = match token {
                b";" | b"}" => Previous::End,
                _ => Previous::Other,
            };
        }
    }

    fn cut(&mut self, at: usize) {
        if at > self.chunk_start {
            self.chunks.push(Chunk {
                range: self.chunk_start..at,
                nesting: self.chunk_nesting,
            });
            self.chunk_start = at;
            self.chunk_nesting = self.levels.len() - 1 + self.counted;
        }
    }

    fn note_nesting(&mut self) {
        let nesting = self.levels.len() - 1 + self.counted;
        self.chunk_nesting = self.chunk_nesting.max(nesting);
    }

    fn count(&mut self) {
        if let Some(level) = self.levels.last_mut() {
            *level += 1;
            self.counted += 1;
        }
        self.note_nesting();
    }

    fn reset_level(&mut self) {
        if let Some(level) = self.levels.last_mut() {
            self.counted -= *level;
            *level = 0;
        }
    }

    fn punct(&mut self, b: u8) {
        // Multi-byte punctuation counts once per byte, which only makes the bound more careful.
        self.token_start(self.pos, &[b]);
        match b {
            b'(' | b'[' | b'{' => {
                self.levels.push(0);
                self.note_nesting();
            }
            b')' | b']' | b'}' if self.levels.len() > 1 => {
                let level = self.levels.pop().unwrap_or(0);
                self.counted -= level;
                self.block_closed = b == b'}';
                if self.levels.len() == 1 {
                    self.previous = if b == b'}' {
                        Previous::End
                    } else {
                        Previous::Other
                    };
                }
            }
            b',' | b';' => self.reset_level(),
            // Stray closers (syn reports them), paths, attributes, macro variables.
            b')' | b']' | b'}' | b':' | b'#' | b'$' => {}
            _ if b.is_ascii_punctuation() => self.count(),
            // Control characters and other stray bytes: syn rejects them.
            _ => {}
        }
        self.pos += 1;
    }

    fn word(&mut self) {
        let start = self.pos;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        let word = &self.text[start..self.pos];
        let next = self.peek(0);
        let string_prefix = matches!(word, "b" | "c" | "r" | "br" | "cr");
        let raw = word.ends_with('r');
        if string_prefix && raw && (next == b'"' || (next == b'#' && self.raw_string_ahead())) {
            self.token_start(start, b"\"");
            self.raw_string(start + word.len());
            return;
        }
        if string_prefix && !raw && next == b'"' {
            self.token_start(start, b"\"");
            self.quoted(start + word.len() + 1);
            return;
        }
        if word == "b" && next == b'\'' {
            self.token_start(start, b"'");
            self.pos = start + 1;
            self.quote_or_lifetime();
            return;
        }
        if word == "r" && next == b'#' {
            // A raw identifier (`r#type`): one word.
            self.pos += 1;
            while self.pos < self.bytes.len()
                && (self.bytes[self.pos] == b'_' || self.bytes[self.pos].is_ascii_alphanumeric())
            {
                self.pos += 1;
            }
        }
        self.token_start(start, word.as_bytes());
        if RECURSING_KEYWORDS.contains(&word) {
            self.count();
        }
    }

    /// Whether `#…#"` follows (a raw string), as opposed to a raw identifier `r#name`.
    fn raw_string_ahead(&self) -> bool {
        let rest = &self.bytes[self.pos..];
        let hashes = rest.iter().take_while(|&&b| b == b'#').count();
        rest.get(hashes) == Some(&b'"')
    }

    fn number(&mut self) {
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            let fraction = b == b'.' && self.peek(1).is_ascii_digit();
            if b == b'_' || b.is_ascii_alphanumeric() || fraction {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// A string body from `from` (just after the opening quote) to its closing quote.
    fn quoted(&mut self, from: usize) {
        let mut i = from;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    self.pos = i + 1;
                    return;
                }
                _ => i += 1,
            }
        }
        self.pos = self.bytes.len();
    }

    /// A raw string whose hashes start at `from`.
    fn raw_string(&mut self, from: usize) {
        let hashes = self.bytes[from..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        let body = from + hashes + 1;
        let mut i = body;
        while i < self.bytes.len() {
            if self.bytes[i] == b'"'
                && self.bytes[i + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&b| b == b'#')
                    .count()
                    == hashes
            {
                self.pos = i + 1 + hashes;
                return;
            }
            i += 1;
        }
        self.pos = self.bytes.len();
    }

    /// `'x'`, `'\n'`, `'\u{1F600}'` or a lifetime / label `'a`.
    fn quote_or_lifetime(&mut self) {
        let after = self.pos + 1;
        if self.peek(1) == b'\\' {
            let mut i = after + 2;
            while i < self.bytes.len() && i < after + 12 && self.bytes[i] != b'\'' {
                i += 1;
            }
            self.pos = (i + 1).min(self.bytes.len());
            return;
        }
        let char_len = self.text[after.min(self.text.len())..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        if char_len > 0 && self.bytes.get(after + char_len) == Some(&b'\'') {
            self.pos = after + char_len + 1;
            return;
        }
        self.pos = after;
        while self.pos < self.bytes.len()
            && (self.bytes[self.pos] == b'_'
                || self.bytes[self.pos].is_ascii_alphanumeric()
                || self.bytes[self.pos] >= 0x80)
        {
            self.pos += 1;
        }
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let end = self.bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |n| start + n);
        let mut text = &self.text[start + 2..end];
        if let Some(rest) = text.strip_prefix(['/', '!']) {
            text = rest;
        }
        self.comments.push(Comment {
            span: start..end,
            text: text.trim_end_matches('\r').to_owned(),
        });
        self.pos = end;
    }

    /// A block comment; Rust's nest.
    fn block_comment(&mut self) {
        let start = self.pos;
        let end = block_comment_end(self.bytes, start).unwrap_or(self.bytes.len());
        let inner_end = if end >= start + 4 && self.text[..end].ends_with("*/") {
            end - 2
        } else {
            end
        };
        let mut text = &self.text[(start + 2).min(inner_end)..inner_end];
        if let Some(rest) = text.strip_prefix(['*', '!']) {
            text = rest;
        }
        self.comments.push(Comment {
            span: start..end,
            text: text.to_owned(),
        });
        self.pos = end;
    }
}

/// The end of the block comment that opens at `start` (`/*`), past its `*/`: Rust's block
/// comments nest. `None` when it is never closed.
pub(crate) fn block_comment_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str) -> Vec<&str> {
        scan(text)
            .chunks
            .iter()
            .map(|c| &text[c.range.clone()])
            .collect()
    }

    #[test]
    fn chunks_start_at_items_and_statements_after_an_end() {
        assert_eq!(
            chunks("use a;\n#[test]\nfn f() {\n}\nlet x = S {\n}\n.m();\nif a {\n}\nelse {\n}\n"),
            [
                "use a;\n",
                "#[test]\nfn f() {\n}\n",
                "let x = S {\n}\n.m();\n",
                "if a {\n}\nelse {\n}\n"
            ]
        );
    }

    #[test]
    fn an_unclosed_bracket_does_not_swallow_the_next_item() {
        assert_eq!(
            chunks("fn f( {\n}\n\n#[test]\nfn g() {}\n"),
            ["fn f( {\n}\n\n", "#[test]\nfn g() {}\n"]
        );
    }

    #[test]
    fn brackets_left_open_do_not_count_in_the_next_item() {
        let text = format!(
            "fn f() {{ let x = {};\nfn g() {{ (1) }}\n",
            "(".repeat(5000)
        );
        let scanned = scan(&text);
        let nesting: Vec<usize> = scanned.chunks.iter().map(|c| c.nesting).collect();
        assert_eq!(nesting, [5003, 2]);
    }

    #[test]
    fn nesting_counts_brackets_and_recursing_tokens() {
        assert_eq!(scan("f(((x)))").nesting(), 3);
        assert_eq!(scan("let x = !!!a;").nesting(), 5);
        // Commas and semicolons end an expression; a closed block ends one unless `else`
        // continues it.
        assert_eq!(scan("f(!a, !b); !c;").nesting(), 2);
        assert_eq!(scan("if a {} else if b {} else if c {}").nesting(), 6);
        assert_eq!(scan("fn a() {} fn b() {} fn c() {}").nesting(), 1);
    }
}
