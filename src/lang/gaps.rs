//! Grammar gaps: valid code the newest published tree-sitter grammars do not read yet (Go
//! 1.26's `new(expr)`, TypeScript's `` tag<T>`…` ``, a bare `&` in JSX text, …).
//!
//! A front-end that meets a syntax error looks in the tree for the gaps it knows, patches
//! them in a copy of the source with text of the same length that the grammar does read,
//! and parses the copy. Every byte offset stays where it was, so the lowerer walks the new
//! tree over the original text: a blanked type is dropped as every type is, and a renamed
//! word still reads as written. The patched tree is kept only if it holds less in error.

use std::ops::Range;

use tree_sitter::{Node, Tree};

/// A gap's fix may uncover another behind it; no file needs more rounds than this.
const MAX_ROUNDS: usize = 4;

/// One overwrite of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Patch {
    pub range: Range<usize>,
    pub fill: Fill,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fill {
    /// Spaces: the text reads as if it were not there.
    Blank,
    /// Underscores: a plain identifier where the grammar saw a keyword.
    Name,
}

impl Patch {
    pub fn blank(range: Range<usize>) -> Patch {
        Patch {
            range,
            fill: Fill::Blank,
        }
    }

    pub fn name(range: Range<usize>) -> Patch {
        Patch {
            range,
            fill: Fill::Name,
        }
    }
}

/// Parses `source` with `parse`; while the tree has errors, patches the gaps `find` sees in
/// it (given the tree and the text it was parsed from) and parses again.
pub(super) fn parse_patched(
    source: &str,
    parse: impl Fn(&str) -> Option<Tree>,
    find: impl Fn(&Tree, &str) -> Vec<Patch>,
) -> Option<Tree> {
    let mut best = parse(source)?;
    let mut text = source.to_owned();
    for _ in 0..MAX_ROUNDS {
        if !best.root_node().has_error() {
            break;
        }
        let patches = find(&best, &text);
        if patches.is_empty() {
            break;
        }
        let patched = apply(&text, &patches);
        let Some(tree) = parse(&patched) else { break };
        if error_weight(tree.root_node()) >= error_weight(best.root_node()) {
            break;
        }
        best = tree;
        text = patched;
    }
    Some(best)
}

/// `text` with `patches` applied. A patch keeps line breaks, so that positions keep their
/// line and column, and covers whole characters only, so that the text stays UTF-8.
fn apply(text: &str, patches: &[Patch]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for patch in patches {
        let Some(slice) = bytes.get_mut(patch.range.clone()) else {
            continue;
        };
        if !text.is_char_boundary(patch.range.start) || !text.is_char_boundary(patch.range.end) {
            continue;
        }
        for byte in slice
            .iter_mut()
            .filter(|byte| !matches!(byte, b'\n' | b'\r'))
        {
            *byte = match patch.fill {
                Fill::Blank => b' ',
                Fill::Name => b'_',
            };
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

/// How much of a tree is in error: the bytes under its outermost error regions (at least
/// one each) plus one for each token the parser had to invent.
pub(super) fn error_weight(root: Node) -> usize {
    let mut weight = 0;
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() {
            weight += node.byte_range().len().max(1);
        } else if node.is_missing() {
            weight += 1;
        } else if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return weight;
            }
        }
    }
}

/// The error regions and invented tokens of `root`'s tree, in document order: where a
/// finder looks for gaps.
pub(super) fn errors(root: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            out.push(node);
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// The tokens under `node`, in order: its leaves, without those the parser invented.
pub(super) fn tokens(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    loop {
        let current = cursor.node();
        if cursor.goto_first_child() {
            continue;
        }
        if !current.is_missing() {
            out.push(current);
        }
        loop {
            if cursor.node() == node {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            cursor.goto_parent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_keep_length_and_line_breaks() {
        let text = "a<T,\nU>`x` é";
        let patched = apply(text, &[Patch::blank(1..7), Patch::name(11..13)]);
        assert_eq!(patched, "a   \n  `x` __");
        assert_eq!(patched.len(), text.len());
    }

    #[test]
    fn a_patch_that_would_split_a_character_is_left_out() {
        assert_eq!(apply("é", &[Patch::blank(0..1)]), "é");
    }
}
