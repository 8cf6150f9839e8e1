//! Getting a syn tree out of whatever was pasted: a whole file, bare statements, or a file
//! syn rejects, which is then read chunk by chunk.

use std::ops::Range;

use super::scan::Scan;
use crate::model::ParseNote;

/// How deep a chunk may nest (see [`super::scan::Chunk::nesting`]) before it is skipped
/// rather than handed to syn, whose recursive descent would run out of stack.
pub const MAX_NESTING: usize = 1000;

/// proc-macro2's message for text it cannot split into tokens, which says nothing of why.
const LEX_ERROR: &str = "cannot parse string into token stream";

/// One parsed piece of the file and where its text is.
pub struct Piece {
    pub range: Range<usize>,
    pub content: Content,
}

pub enum Content {
    /// A file of items.
    Items(Vec<syn::Item>),
    /// Statements with no function around them.
    Stmts(Vec<syn::Stmt>),
}

#[derive(Default)]
pub struct Parsed {
    pub pieces: Vec<Piece>,
    pub notes: Vec<ParseNote>,
}

/// Parses `source` as a file, else as statements, else chunk by chunk.
pub fn parse(source: &str, scanned: &Scan) -> Parsed {
    let body = body_start(source);
    let whole = if scanned.nesting() <= MAX_NESTING {
        Some(parse_piece(source, body..source.len()))
    } else {
        None
    };
    match whole {
        Some(Ok(piece)) => Parsed {
            pieces: vec![piece],
            notes: Vec::new(),
        },
        Some(Err(note)) if scanned.chunks.len() <= 1 => Parsed {
            pieces: Vec::new(),
            notes: vec![note],
        },
        _ => parse_chunks(source, scanned, body),
    }
}

fn parse_chunks(source: &str, scanned: &Scan, body: usize) -> Parsed {
    let mut parsed = Parsed::default();
    for chunk in &scanned.chunks {
        let range = chunk.range.start.max(body)..chunk.range.end;
        if source
            .get(range.clone())
            .is_none_or(|text| text.trim().is_empty())
        {
            continue;
        }
        if chunk.nesting > MAX_NESTING {
            parsed.notes.push(ParseNote::warning(
                range,
                "nesting too deep to read; this part was skipped",
            ));
            continue;
        }
        match parse_piece(source, range) {
            Ok(piece) => parsed.pieces.push(piece),
            Err(note) => parsed.notes.push(note),
        }
    }
    parsed
}

/// Where the code starts: after a byte-order mark and a `#!` interpreter line.
fn body_start(source: &str) -> usize {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &source[bom..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        bom + rest.find('\n').unwrap_or(rest.len())
    } else {
        bom
    }
}

fn parse_piece(source: &str, range: Range<usize>) -> Result<Piece, ParseNote> {
    let text = &source[range.clone()];
    let file_error = match syn::parse_str::<syn::File>(text) {
        Ok(file) => {
            return Ok(Piece {
                range,
                content: Content::Items(file.items),
            });
        }
        Err(error) => error,
    };
    let stmts_error = match syn::parse::Parser::parse_str(syn::Block::parse_within, text) {
        Ok(stmts) => {
            return Ok(Piece {
                range,
                content: Content::Stmts(stmts),
            });
        }
        Err(error) => error,
    };
    let file_note = note(source, &file_error, range.clone());
    let stmts_note = note(source, &stmts_error, range);
    // The reading that got further is the one whose complaint is about the real mistake.
    Err(if stmts_note.span.start > file_note.span.start {
        stmts_note
    } else {
        file_note
    })
}

fn note(source: &str, error: &syn::Error, range: Range<usize>) -> ParseNote {
    let mut message = error.to_string();
    if message == LEX_ERROR {
        message = "unbalanced delimiter or unterminated literal".to_owned();
    }
    let at = error.span().byte_range();
    let mut span = if message.contains("end of input") {
        range.end..range.end
    } else {
        (range.start + at.start).min(range.end)..(range.start + at.end).min(range.end)
    };
    if span.is_empty() {
        // Point at the character there, so that a report has something to underline.
        let next = source[span.start..range.end].chars().next();
        span.end += next.map_or(0, char::len_utf8);
    }
    ParseNote::warning(span, format!("cannot parse this Rust code: {message}"))
}
