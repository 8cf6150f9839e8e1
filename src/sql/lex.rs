//! Tokens with byte spans, statement splitting and the map from sqlparser's line/column
//! locations back to byte offsets.

use std::ops::Range;

use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

/// A token and the bytes of the text it was read from.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub token: Token,
    pub span: Range<usize>,
}

impl Tok {
    /// Whitespace and comments.
    pub fn is_trivia(&self) -> bool {
        matches!(self.token, Token::Whitespace(_))
    }

    /// The unquoted word this token is, as written.
    pub fn word(&self) -> Option<&str> {
        match &self.token {
            Token::Word(w) if w.quote_style.is_none() => Some(&w.value),
            _ => None,
        }
    }

    /// Whether this token is the unquoted word `word` (ASCII case-insensitive).
    pub fn is(&self, word: &str) -> bool {
        self.word().is_some_and(|w| w.eq_ignore_ascii_case(word))
    }

    /// An identifier, quoted or not, with its quotes removed.
    pub fn ident(&self) -> Option<&str> {
        match &self.token {
            Token::Word(w) => Some(&w.value),
            _ => None,
        }
    }

    /// An identifier as the database names it: folded to lower case unless quoted, as
    /// PostgreSQL does.
    pub fn folded_ident(&self) -> Option<String> {
        match &self.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_lowercase()),
            Token::Word(w) => Some(w.value.clone()),
            _ => None,
        }
    }
}

/// A text's tokens, and what the tokenizer could not read.
pub(crate) struct Lexed {
    pub toks: Vec<Tok>,
    /// The dialect that read them.
    pub dialect: &'static dyn Dialect,
    /// From the first byte the tokenizer failed on (an unterminated string, quoted identifier,
    /// dollar quote or comment) to the end of the text.
    pub unread: Option<(Range<usize>, String)>,
}

/// Tokenizes `text` with the first dialect that reads all of it, or else with the one that
/// reads the most: PostgreSQL first, unless MySQL's backticks quote something in the code;
/// MySQL also reads backslash escapes in strings and `#` comments; the generic dialect is
/// the most permissive last resort.
pub(crate) fn lex(text: &str) -> Lexed {
    let postgres = lex_with(text, &PostgreSqlDialect {});
    // A backtick in a comment or a string says nothing about the dialect.
    let backtick_in_code = postgres.toks.iter().any(|t| t.token == Token::Char('`'));
    if postgres.unread.is_none() && !backtick_in_code {
        return postgres;
    }
    let mysql = lex_with(text, &MySqlDialect {});
    let first_two = if backtick_in_code {
        [mysql, postgres]
    } else {
        [postgres, mysql]
    };
    let generic = std::iter::once_with(|| lex_with(text, &GenericDialect {}));
    let read = |l: &Lexed| l.unread.as_ref().map_or(text.len(), |(r, _)| r.start);
    let mut best: Option<Lexed> = None;
    for lexed in first_two.into_iter().chain(generic) {
        if lexed.unread.is_none() {
            return lexed;
        }
        if best.as_ref().is_none_or(|b| read(&lexed) > read(b)) {
            best = Some(lexed);
        }
    }
    best.expect("three dialects were tried")
}

fn lex_with(text: &str, dialect: &'static dyn Dialect) -> Lexed {
    let mut raw: Vec<TokenWithSpan> = Vec::new();
    let result = Tokenizer::new(dialect, text).tokenize_with_location_into_buf(&mut raw);
    let mut cursor = Cursor::new(text);
    let toks: Vec<Tok> = raw
        .into_iter()
        .map(|t| {
            let start = cursor.seek(t.span.start);
            let end = cursor.seek(t.span.end);
            Tok {
                token: t.token,
                span: start..end,
            }
        })
        .collect();
    let unread = result.err().map(|e| {
        let from = toks.last().map_or(0, |t| t.span.end);
        (from..text.len(), e.message)
    });
    Lexed {
        toks,
        dialect,
        unread,
    }
}

/// Walks a text forward, turning increasing sqlparser locations (1-based lines and columns
/// counted in chars) into byte offsets in linear time overall.
struct Cursor<'a> {
    text: &'a str,
    byte: usize,
    line: u64,
    column: u64,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            text,
            byte: 0,
            line: 1,
            column: 1,
        }
    }

    /// The byte offset of `to`, or the current one if `to` lies behind (MySQL comment hints
    /// are re-tokenized from the comment's start).
    fn seek(&mut self, to: Location) -> usize {
        while (self.line, self.column) < (to.line, to.column) {
            let Some(ch) = self.text[self.byte..].chars().next() else {
                break;
            };
            self.byte += ch.len_utf8();
            if ch == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.byte
    }
}

/// Maps sqlparser locations within one text to byte offsets, in any order, in constant time.
pub(crate) struct Locator {
    /// The index of each line's first char.
    line_starts: Vec<usize>,
    /// The byte offset of every char and then of the text's end; empty when the text is
    /// ASCII, where chars are bytes.
    char_offsets: Vec<usize>,
    chars: usize,
}

impl Locator {
    pub fn new(text: &str) -> Locator {
        let mut line_starts = vec![0];
        let mut chars = 0;
        for ch in text.chars() {
            chars += 1;
            if ch == '\n' {
                line_starts.push(chars);
            }
        }
        let char_offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Locator {
            line_starts,
            char_offsets,
            chars,
        }
    }

    /// The byte offset of `at`; `None` for sqlparser's empty location (line 0).
    pub fn offset(&self, at: Location) -> Option<usize> {
        let line = usize::try_from(at.line).ok()?.checked_sub(1)?;
        let column = usize::try_from(at.column).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(line)?;
        let line_end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.chars);
        let char_index = start.saturating_add(column).min(line_end);
        if self.char_offsets.is_empty() {
            Some(char_index)
        } else {
            self.char_offsets.get(char_index).copied()
        }
    }

    /// The byte range of a sqlparser span; `None` when sqlparser does not know it.
    pub fn range(&self, span: sqlparser::tokenizer::Span) -> Option<Range<usize>> {
        let start = self.offset(span.start)?;
        let end = self.offset(span.end)?;
        (start <= end).then_some(start..end)
    }
}

/// One statement of a script: a run of tokens between `;`s, at least one of them significant.
pub(crate) struct Chunk {
    /// Indices into the token list, trivia at either end excluded.
    pub toks: Range<usize>,
    /// The bytes of the statement, extended to the end of the text when the tokenizer stopped
    /// inside it.
    pub span: Range<usize>,
    /// psql's `\gset` ends it: its result is stored in variables a later `\if` can test.
    pub stores_result: bool,
}

/// Splits a token list into statements at every `;` (strings, quoted identifiers, dollar
/// quotes and comments are single tokens, so a `;` inside them never splits), except inside
/// a `BEGIN ATOMIC … END` routine body. A psql meta-command (`\gset`, `\if :seen`, `\set
/// x 1`) ends the statement before it, and is no statement: it runs to the end of its line.
pub(crate) fn split(lexed: &Lexed) -> Vec<Chunk> {
    let toks = &lexed.toks;
    let mut chunks = Vec::new();
    let mut start = 0;
    // The BEGIN/CASE … END blocks open in a `BEGIN ATOMIC` body.
    let mut open_blocks: u32 = 0;
    let mut previous: Option<&Tok> = None;
    let mut meta_command = false;
    for i in 0..=toks.len() {
        if meta_command {
            if toks
                .get(i)
                .is_some_and(|t| t.token == Token::Whitespace(Whitespace::Newline))
            {
                meta_command = false;
                start = i + 1;
            }
            continue;
        }
        let meta_starts = open_blocks == 0 && starts_meta_command(toks, i);
        if let Some(tok) = toks.get(i).filter(|t| !t.is_trivia() && !meta_starts) {
            if tok.is("atomic") && previous.is_some_and(|p| p.is("begin")) {
                open_blocks = 1;
            } else if open_blocks > 0 && tok.is("case") {
                open_blocks += 1;
            } else if open_blocks > 0 && tok.is("end") {
                open_blocks -= 1;
            }
            previous = Some(tok);
        }
        if i < toks.len() && !meta_starts && (toks[i].token != Token::SemiColon || open_blocks > 0)
        {
            continue;
        }
        meta_command = meta_starts;
        let first = (start..i).find(|&j| !toks[j].is_trivia());
        if let Some(first) = first {
            let last = (first..i)
                .rev()
                .find(|&j| !toks[j].is_trivia())
                .unwrap_or(first);
            chunks.push(Chunk {
                toks: first..last + 1,
                span: toks[first].span.start..toks[last].span.end,
                stores_result: meta_starts && toks[i + 1].is("gset"),
            });
        }
        start = i + 1;
    }
    if let Some((unread, _)) = &lexed.unread {
        let after_last_split = toks
            .iter()
            .rposition(|t| t.token == Token::SemiColon)
            .is_none_or(|semi| chunks.last().is_some_and(|c| c.toks.start > semi));
        match chunks.last_mut() {
            Some(last) if after_last_split => last.span.end = unread.end,
            _ => chunks.push(Chunk {
                toks: toks.len()..toks.len(),
                span: unread.clone(),
                stores_result: false,
            }),
        }
    }
    chunks
}

/// Whether a psql meta-command starts at token `i`: a backslash right before a word
/// (`\gset`, `\if`), at the start of a line or after a statement on it.
fn starts_meta_command(toks: &[Tok], i: usize) -> bool {
    let (Some(slash), Some(word)) = (toks.get(i), toks.get(i + 1)) else {
        return false;
    };
    slash.token == Token::Backslash && slash.span.end == word.span.start && word.word().is_some()
}

/// The text of a comment without its delimiters, if `tok` is one.
pub(crate) fn comment_text(tok: &Tok) -> Option<&str> {
    match &tok.token {
        Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
            Some(comment.trim_end_matches('\r'))
        }
        Token::Whitespace(Whitespace::MultiLineComment(comment)) => Some(comment),
        _ => None,
    }
}
