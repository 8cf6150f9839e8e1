//! TypeScript and JavaScript string values with their map back to the file: quoted strings
//! and templates decoded, and values folded where the file's own text fixes them
//! (concatenation, constants and string variables, template holes).

use std::ops::Range;

use tree_sitter::Node;

use super::lower::Lowerer;
use super::nodes::unwrap_expression;
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{StrBuilder, StringBinding, named_children, operator};
use crate::model::StrLit;

/// Longest `"a" + "b" + …` chain folded into one string; longer chains stay binary operations.
const MAX_CONCAT_CHAIN: usize = 1024;

impl Lowerer<'_> {
    /// A quoted string's value, escapes decoded. An unterminated literal (a syntax error)
    /// runs to its end.
    pub(super) fn string_literal(&self, node: Node) -> StrLit {
        let raw = self.text(node);
        let quote = raw.chars().next().filter(|q| matches!(q, '"' | '\''));
        let open = quote.map_or(0, char::len_utf8);
        let closed = quote.is_some_and(|q| raw.len() > open && raw.ends_with(q));
        let body = node.start_byte() + open..node.end_byte() - usize::from(closed);
        let mut out = StrBuilder::default();
        self.decode_body(node, body.clone(), &mut out, &mut |_, _, _| {});
        out.finish(body.end)
    }

    /// A template literal's value: its text with CRLF read as LF (as JavaScript does),
    /// escapes decoded, and each `${…}` replaced by the string it folds to or by a
    /// placeholder `argN` mapped to the hole's expression.
    pub(super) fn template(&self, node: Node, depth: usize) -> StrLit {
        let raw = self.text(node);
        let closed = raw.len() > 1 && raw.ends_with('`');
        let body = node.start_byte() + 1..node.end_byte() - usize::from(closed);
        let mut out = StrBuilder::default();
        let mut holes = 0;
        self.decode_body(node, body.clone(), &mut out, &mut |lowerer, hole, out| {
            holes += 1;
            let inner = named_children(hole).into_iter().next();
            match inner.and_then(|e| lowerer.fold(e, depth + 1)) {
                Some(lit) => out.push_lit(&lit),
                None => out.push_at(
                    &format!("arg{holes}"),
                    inner.map_or(hole.start_byte(), |e| e.start_byte()),
                ),
            }
        });
        out.finish(body.end)
    }

    /// Decodes the text of a string or template between its delimiters (`body`): the
    /// children that are escape sequences are decoded, template substitutions handed to
    /// `hole`, and every other byte copied as it stands.
    fn decode_body(
        &self,
        node: Node,
        body: Range<usize>,
        out: &mut StrBuilder,
        hole: &mut dyn FnMut(&Self, Node, &mut StrBuilder),
    ) {
        let is_template = node.kind() == "template_string";
        let mut copy_from = body.start;
        let copy_to = |out: &mut StrBuilder, from: usize, to: usize| {
            let Some(piece) = self.source.get(from..to) else {
                return;
            };
            if !is_template {
                out.push_file(piece, from);
                return;
            }
            let mut offset = from;
            for (i, part) in piece.split("\r\n").enumerate() {
                if i > 0 {
                    out.push_at("\n", offset - 1);
                }
                out.push_file(part, offset);
                offset += part.len() + 2;
            }
        };
        for child in named_children(node) {
            let range = child.byte_range();
            if range.start < copy_from || range.end > body.end {
                continue;
            }
            match child.kind() {
                "escape_sequence" => {
                    copy_to(out, copy_from, range.start);
                    out.push_at(&decode_escape(self.text(child)), range.start);
                }
                "template_substitution" => {
                    copy_to(out, copy_from, range.start);
                    hole(self, child, out);
                }
                _ => continue,
            }
            copy_from = range.end;
        }
        copy_to(out, copy_from, body.end);
    }

    /// The string value of `node` when the file's own text fixes it.
    pub(super) fn fold(&self, node: Node, depth: usize) -> Option<StrLit> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let node = unwrap_expression(node);
        match node.kind() {
            "string" => Some(self.string_literal(node)),
            "template_string" => Some(self.template(node, depth)),
            "identifier" => match self.scopes.lookup(self.text(node))? {
                StringBinding::Const(lit) | StringBinding::Var(lit) => Some(lit.clone()),
                StringBinding::Opaque => None,
            },
            "binary_expression" if operator(node) == "+" => self.fold_concat(node, depth),
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
            leftmost = unwrap_expression(leftmost.child_by_field_name("left")?);
        }
        let mut folded = self.fold(leftmost, depth + 1)?;
        for right in rights.iter().rev() {
            folded.push(&self.fold(*right, depth + 1)?);
        }
        Some(folded)
    }
}

/// What a JavaScript escape sequence (`escape` starts with `\`) stands for. A line
/// continuation stands for nothing; an escape JavaScript does not know stands for the
/// character after the backslash.
fn decode_escape(escape: &str) -> String {
    let rest = escape.get(1..).unwrap_or("");
    let hex = |digits: &str| {
        u32::from_str_radix(digits, 16)
            .ok()
            .and_then(char::from_u32)
    };
    let decoded = match rest.as_bytes().first() {
        Some(b'n') => Some('\n'),
        Some(b'r') => Some('\r'),
        Some(b't') => Some('\t'),
        Some(b'b') => Some('\x08'),
        Some(b'f') => Some('\x0c'),
        Some(b'v') => Some('\x0b'),
        Some(b'0') if rest.len() == 1 => Some('\0'),
        Some(b'x') => rest.get(1..3).and_then(hex),
        Some(b'u') => match rest.strip_prefix("u{") {
            Some(braced) => braced.strip_suffix('}').and_then(hex),
            None => rest.get(1..5).and_then(hex),
        },
        Some(b'\r' | b'\n') => return String::new(),
        _ => None,
    };
    match decoded {
        Some(c) => c.to_string(),
        None if rest.starts_with(['\u{2028}', '\u{2029}']) => String::new(),
        None => rest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_as_javascript_reads_them() {
        assert_eq!(decode_escape("\\n"), "\n");
        assert_eq!(decode_escape("\\'"), "'");
        assert_eq!(decode_escape("\\x41"), "A");
        assert_eq!(decode_escape("\\u0041"), "A");
        assert_eq!(decode_escape("\\u{1F600}"), "😀");
        assert_eq!(decode_escape("\\0"), "\0");
        assert_eq!(decode_escape("\\\n"), "");
        assert_eq!(decode_escape("\\\r\n"), "");
        assert_eq!(decode_escape("\\q"), "q");
        assert_eq!(decode_escape("\\u{110000}"), "u{110000}");
    }
}
