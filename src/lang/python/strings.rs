//! Python string values with their map back to the file: literals decoded (prefixes, raw
//! strings, escapes, triple quotes), f-strings with their holes, adjacent literals joined,
//! and values folded where the file's own text fixes them (`+`, string names).

use tree_sitter::Node;

use super::lower::Lowerer;
use super::nodes::unwrap_parens;
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{StrBuilder, StringBinding, named_children, operator};
use crate::model::StrLit;

/// Longest `"a" + "b" + …` chain folded into one string; longer chains stay binary operations.
const MAX_CONCAT_CHAIN: usize = 1024;

impl Lowerer<'_> {
    /// The value of a `string` or `concatenated_string` (adjacent literals, one value).
    pub(super) fn string_value(&self, node: Node, depth: usize) -> StrLit {
        let mut out = StrBuilder::default();
        let pieces = match node.kind() {
            "concatenated_string" => named_children(node),
            _ => vec![node],
        };
        let mut holes = 0;
        for piece in pieces.iter().filter(|p| p.kind() == "string") {
            self.literal(*piece, depth, &mut holes, &mut out);
        }
        out.finish(pieces.last().map_or(node.end_byte(), |p| {
            p.end_byte() - self.closing_quote_len(*p)
        }))
    }

    /// The length of a literal's closing quotes (none when they are missing).
    fn closing_quote_len(&self, node: Node) -> usize {
        named_children(node)
            .into_iter()
            .find(|c| c.kind() == "string_end")
            .map_or(0, |end| end.byte_range().len())
    }

    /// One literal's text between its quotes: escapes decoded unless the literal is raw,
    /// `{{` and `}}` of an f-string as one brace, and each `{…}` of an f-string the string it
    /// folds to or a placeholder `argN` mapped to the hole's expression.
    fn literal(&self, node: Node, depth: usize, holes: &mut usize, out: &mut StrBuilder) {
        let children = named_children(node);
        let prefix = children
            .iter()
            .find(|c| c.kind() == "string_start")
            .map_or("", |start| self.text(*start));
        let raw = prefix.contains(['r', 'R']);
        for child in children {
            match child.kind() {
                "string_content" => self.content(child, raw, out),
                "interpolation" => {
                    *holes += 1;
                    let inner = child.child_by_field_name("expression");
                    match inner.and_then(|e| self.fold(e, depth + 1)) {
                        Some(lit) => out.push_lit(&lit),
                        None => out.push_at(
                            &format!("arg{holes}"),
                            inner.map_or(child.start_byte(), |e| e.start_byte()),
                        ),
                    }
                }
                _ => {}
            }
        }
    }

    /// A run of a literal's characters, with the escapes tree-sitter marks in it.
    fn content(&self, node: Node, raw: bool, out: &mut StrBuilder) {
        let mut copy_from = node.start_byte();
        for child in named_children(node) {
            let range = child.byte_range();
            let decoded = match child.kind() {
                "escape_interpolation" => self.text(child).get(..1).unwrap_or("").to_owned(),
                "escape_sequence" if !raw => decode_escape(self.text(child)),
                _ => continue,
            };
            if let Some(piece) = self.source.get(copy_from..range.start) {
                out.push_file(piece, copy_from);
            }
            out.push_at(&decoded, range.start);
            copy_from = range.end;
        }
        if let Some(piece) = self.source.get(copy_from..node.end_byte()) {
            out.push_file(piece, copy_from);
        }
    }

    /// The string value of `node` when the file's own text fixes it.
    pub(super) fn fold(&self, node: Node, depth: usize) -> Option<StrLit> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let node = unwrap_parens(node);
        match node.kind() {
            "string" | "concatenated_string" => Some(self.string_value(node, depth)),
            "identifier" => match self.scopes.lookup(self.text(node))? {
                StringBinding::Const(lit) | StringBinding::Var(lit) => Some(lit.clone()),
                StringBinding::Opaque => None,
            },
            "binary_operator" if operator(node) == "+" => self.fold_concat(node, depth),
            _ => None,
        }
    }

    /// `a + b + c` (parsed as `(a + b) + c`): walks the left spine without recursing.
    fn fold_concat(&self, node: Node, depth: usize) -> Option<StrLit> {
        let mut rights = Vec::new();
        let mut leftmost = node;
        while leftmost.kind() == "binary_operator" && operator(leftmost) == "+" {
            if rights.len() == MAX_CONCAT_CHAIN {
                return None;
            }
            rights.push(leftmost.child_by_field_name("right")?);
            leftmost = unwrap_parens(leftmost.child_by_field_name("left")?);
        }
        let mut folded = self.fold(leftmost, depth + 1)?;
        for right in rights.iter().rev() {
            folded.push(&self.fold(*right, depth + 1)?);
        }
        Some(folded)
    }
}

/// What a Python escape sequence (`escape` starts with `\`) stands for. A line continuation
/// stands for nothing; an escape Python does not know keeps its backslash, as Python does.
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
        Some(b'a') => Some('\x07'),
        Some(b'\\') => Some('\\'),
        Some(b'\'') => Some('\''),
        Some(b'"') => Some('"'),
        Some(b'0'..=b'7') => u32::from_str_radix(rest, 8).ok().and_then(char::from_u32),
        Some(b'x') => rest.get(1..3).and_then(hex),
        Some(b'u') => rest.get(1..5).and_then(hex),
        Some(b'U') => rest.get(1..9).and_then(hex),
        Some(b'\r' | b'\n') => return String::new(),
        _ => None,
    };
    match decoded {
        Some(c) => c.to_string(),
        None => escape.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_as_python_reads_them() {
        assert_eq!(decode_escape("\\n"), "\n");
        assert_eq!(decode_escape("\\'"), "'");
        assert_eq!(decode_escape("\\x41"), "A");
        assert_eq!(decode_escape("\\u0041"), "A");
        assert_eq!(decode_escape("\\U0001F600"), "😀");
        assert_eq!(decode_escape("\\101"), "A");
        assert_eq!(decode_escape("\\\n"), "");
        assert_eq!(decode_escape("\\d"), "\\d");
    }
}
