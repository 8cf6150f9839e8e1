//! Go string values with their map back to the file: literals decoded, and values folded
//! where the file's own text fixes them (concatenation, constants and string variables,
//! `fmt.Sprintf` templates).

use tree_sitter::Node;

use super::lower::Lowerer;
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{StrBuilder, StringBinding, named_children, operator, text};
use crate::model::StrLit;

/// Longest `"a" + "b" + …` chain folded into one string; longer chains stay binary operations.
const MAX_CONCAT_CHAIN: usize = 1024;

impl Lowerer<'_> {
    /// A string literal's value. An unterminated literal (a syntax error) runs to its end.
    pub(super) fn string_literal(&self, node: Node) -> StrLit {
        let raw = self.text(node);
        let quote = if node.kind() == "raw_string_literal" {
            '`'
        } else {
            '"'
        };
        let body = raw.strip_prefix(quote).unwrap_or(raw);
        let body_start = node.start_byte() + (raw.len() - body.len());
        let closed = node
            .child(node.child_count().saturating_sub(1))
            .is_some_and(|last| {
                last.kind().starts_with(quote)
                    && !last.is_missing()
                    && last.start_byte() >= body_start
            });
        let body = if closed {
            body.strip_suffix(quote).unwrap_or(body)
        } else {
            body
        };
        if quote == '`' {
            decode_raw(body, body_start)
        } else {
            decode_interpreted(body, body_start)
        }
    }

    /// The string value of `node` when the file's own text fixes it.
    pub(super) fn fold(&self, node: Node, depth: usize) -> Option<StrLit> {
        if depth >= MAX_DEPTH {
            return None;
        }
        match node.kind() {
            "interpreted_string_literal" | "raw_string_literal" => Some(self.string_literal(node)),
            "parenthesized_expression" => self.fold(*named_children(node).first()?, depth + 1),
            "identifier" => match self.scopes.lookup(self.text(node))? {
                StringBinding::Const(lit) | StringBinding::Var(lit) => Some(lit.clone()),
                StringBinding::Opaque => None,
            },
            "binary_expression" if operator(node) == "+" => self.fold_concat(node, depth),
            "call_expression" => {
                let callee = node.child_by_field_name("function")?;
                if !is_sprintf(self.source, callee) {
                    return None;
                }
                let args = named_children(node.child_by_field_name("arguments")?);
                self.sprintf(&args, depth + 1)
            }
            _ => None,
        }
    }

    /// `a + b + c` (parsed as `(a + b) + c`): walks the left spine without recursing.
    fn fold_concat(&self, node: Node, depth: usize) -> Option<StrLit> {
        let mut rights = Vec::new();
        let mut leftmost = node;
        while leftmost.kind() == "binary_expression" && operator(leftmost) == "+" {
            if rights.len() == MAX_CONCAT_CHAIN {
                return None;
            }
            rights.push(leftmost.child_by_field_name("right")?);
            leftmost = leftmost.child_by_field_name("left")?;
        }
        let mut folded = self.fold(leftmost, depth + 1)?;
        for right in rights.iter().rev() {
            folded.push(&self.fold(*right, depth + 1)?);
        }
        Some(folded)
    }

    /// `fmt.Sprintf(template, args…)` with the template folded: each verb is replaced by its
    /// argument's string value when that folds, else by a placeholder name (`arg1`) mapped to
    /// the argument.
    pub(super) fn sprintf(&self, args: &[Node], depth: usize) -> Option<StrLit> {
        let (template, rest) = args.split_first()?;
        let template = self.fold(*template, depth + 1)?;
        let value = template.value.as_str();
        let bytes = value.as_bytes();
        let mut out = StrBuilder::default();
        let mut chunk_start = 0;
        let mut next_arg = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'%' {
                i += 1;
                continue;
            }
            out.push_lit_range(&template, chunk_start..i);
            let verb_start = i;
            i += 1;
            if bytes.get(i) == Some(&b'%') {
                out.push_lit_range(&template, verb_start..verb_start + 1);
                i += 1;
                chunk_start = i;
                continue;
            }
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'*' => next_arg += 1,
                    b'[' => {
                        let digits: String = value[i + 1..]
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        if let Ok(n) = digits.parse::<usize>() {
                            next_arg = n.saturating_sub(1);
                        }
                        i += digits.len();
                    }
                    b'+' | b'-' | b'#' | b' ' | b'0'..=b'9' | b'.' | b']' => {}
                    _ => break,
                }
                i += 1;
            }
            let Some(verb) = value.get(i..).and_then(|v| v.chars().next()) else {
                chunk_start = verb_start;
                break;
            };
            i += verb.len_utf8();
            chunk_start = i;
            let origin_of_verb = template.origin.get(verb_start).copied().unwrap_or(0);
            match rest.get(next_arg) {
                Some(arg) => match self.fold(*arg, depth + 1) {
                    Some(lit) if verb == 'q' => {
                        out.push_at("\"", arg.start_byte());
                        out.push_lit(&lit);
                        out.push_at("\"", arg.end_byte().saturating_sub(1));
                    }
                    Some(lit) => out.push_lit(&lit),
                    None => out.push_at(&format!("arg{}", next_arg + 1), arg.start_byte()),
                },
                None => out.push_at(&format!("arg{}", next_arg + 1), origin_of_verb),
            }
            next_arg += 1;
        }
        out.push_lit_range(&template, chunk_start..bytes.len());
        Some(out.finish(template.origin.last().copied().unwrap_or(0)))
    }
}

pub(super) fn is_sprintf(source: &str, callee: Node) -> bool {
    callee.kind() == "selector_expression" && text(source, callee) == "fmt.Sprintf"
}

/// A raw string's value: the text itself, carriage returns dropped (as Go does).
fn decode_raw(body: &str, start: usize) -> StrLit {
    let mut out = StrBuilder::default();
    let mut offset = 0;
    for piece in body.split('\r') {
        out.push_file(piece, start + offset);
        offset += piece.len() + 1;
    }
    out.finish(start + body.len())
}

/// An interpreted string's value, escapes decoded; `body` is the text between the quotes,
/// found in the file at `start`. Escaped bytes that are not valid UTF-8 on their own
/// (`\xff`) become U+FFFD.
pub(super) fn decode_interpreted(body: &str, start: usize) -> StrLit {
    let bytes = body.as_bytes();
    let mut out = StrBuilder::default();
    let mut chunk_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_file(&body[chunk_start..i], start + chunk_start);
        let (decoded, len) = decode_escape(&body[i..]);
        let mut buf = [0u8; 4];
        out.push_at(decoded.encode_utf8(&mut buf), start + i);
        i += len;
        chunk_start = i;
    }
    out.push_file(&body[chunk_start..], start + chunk_start);
    out.finish(start + body.len())
}

/// The character an escape sequence (`escape` starts with `\`) stands for, and its length.
fn decode_escape(escape: &str) -> (char, usize) {
    let simple = match escape.as_bytes().get(1) {
        Some(b'a') => Some('\x07'),
        Some(b'b') => Some('\x08'),
        Some(b'f') => Some('\x0c'),
        Some(b'n') => Some('\n'),
        Some(b'r') => Some('\r'),
        Some(b't') => Some('\t'),
        Some(b'v') => Some('\x0b'),
        Some(b'\\') => Some('\\'),
        Some(b'\'') => Some('\''),
        Some(b'"') => Some('"'),
        _ => None,
    };
    if let Some(c) = simple {
        return (c, 2);
    }
    let numeric = |digits: usize, radix: u32, skip: usize| -> Option<u32> {
        let number = escape.get(skip..skip + digits)?;
        if !number.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        u32::from_str_radix(number, radix).ok()
    };
    let (code, len, is_byte) = match escape.as_bytes().get(1) {
        Some(b'x') => (numeric(2, 16, 2), 4, true),
        Some(b'u') => (numeric(4, 16, 2), 6, false),
        Some(b'U') => (numeric(8, 16, 2), 10, false),
        Some(b'0'..=b'7') => (numeric(3, 8, 1), 4, true),
        _ => (None, 0, false),
    };
    match code {
        Some(byte) if is_byte && byte < 0x80 => (char::from(byte as u8), len),
        Some(code) if !is_byte => (char::from_u32(code).unwrap_or('\u{fffd}'), len),
        Some(_) => ('\u{fffd}', len),
        // Not an escape Go knows: keep the backslash, read what follows as text.
        None => ('\\', 1),
    }
}
