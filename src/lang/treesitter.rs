//! What the tree-sitter front-ends (Go, TypeScript/JavaScript, Python) share: reading
//! nodes' text and children (a block's statements with syntax-error regions opened up),
//! comments and syntax-error notes, opaque expressions, string literals
//! built piece by piece with their origins in the file, and the scopes of the names bound
//! to strings that folding follows.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::model::{Comment, Expr, ExprKind, Module, ParseNote, StrLit};

/// Walks the whole tree once (iteratively: the tree may be arbitrarily deep) for comments,
/// which may sit anywhere, and for syntax errors, one note per outermost error region.
pub(super) fn collect_comments_and_errors(root: Node, source: &str, module: &mut Module) {
    let mut cursor = root.walk();
    let mut last_region: Range<usize> = 0..0;
    loop {
        let node = cursor.node();
        let range = node.byte_range();
        if node.kind() == "comment" {
            // A line comment's node takes the `\r` of a CRLF line ending.
            let comment = text(source, node);
            let comment = comment.strip_suffix('\r').unwrap_or(comment);
            module.comments.push(Comment {
                span: range.start..range.start + comment.len(),
                text: comment_text(comment).to_owned(),
            });
        } else if (node.is_error() || node.is_missing())
            && !(last_region.start <= range.start && range.end <= last_region.end)
        {
            module.diagnostics.push(ParseNote::warning(
                range.clone(),
                syntax_error_message(node, source),
            ));
            last_region = range;
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

fn comment_text(comment: &str) -> &str {
    if let Some(line) = comment.strip_prefix("//") {
        return line;
    }
    let inner = comment.strip_prefix("/*").unwrap_or(comment);
    inner.strip_suffix("*/").unwrap_or(inner)
}

fn syntax_error_message(node: Node, source: &str) -> String {
    if node.is_missing() {
        return format!("syntax error: missing `{}`", node.kind());
    }
    let first_line = text(source, node).trim().lines().next().unwrap_or("");
    let mut shown: String = first_line.chars().take(30).collect();
    if shown.len() < first_line.len() {
        shown.push('…');
    }
    if shown.is_empty() {
        "syntax error".to_owned()
    } else {
        format!("syntax error: unexpected `{shown}`")
    }
}

pub(super) fn text<'s>(source: &'s str, node: Node) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The node's `operator` field as written (`+`, `&^`, `??`), or `""` when it has none.
pub(super) fn operator<'t>(node: Node<'t>) -> &'t str {
    node.child_by_field_name("operator")
        .map(|op| op.kind())
        .unwrap_or("")
}

/// The named children of `node` with syntax-error regions opened up, so that what
/// tree-sitter could read inside one is still lowered.
pub(super) fn statement_nodes(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack: Vec<Node> = children_and_errors(node).into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        if node.is_error() {
            stack.extend(children_and_errors(node).into_iter().rev());
        } else {
            out.push(node);
        }
    }
    out
}

/// The named children of `node`, comments left out but error regions kept: an error region
/// can be an "extra" node like a comment.
fn children_and_errors(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.is_error() || !child.is_extra())
        .collect()
}

/// The named children of `node`, comments left out.
pub(super) fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| !child.is_extra())
        .collect()
}

/// The named children of `node` under `field`, comments and punctuation left out.
pub(super) fn field_children<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor)
        .filter(|child| child.is_named() && !child.is_extra())
        .collect()
}

pub(super) fn opaque(span: Range<usize>) -> Expr {
    Expr::new(span, ExprKind::Other(Vec::new()))
}

/// Builds a [`StrLit`] piece by piece.
#[derive(Default)]
pub(super) struct StrBuilder {
    value: String,
    origin: Vec<usize>,
}

impl StrBuilder {
    /// `text` copied from the file at `start`, byte for byte.
    pub(super) fn push_file(&mut self, text: &str, start: usize) {
        self.value.push_str(text);
        self.origin.extend(start..start + text.len());
    }

    /// `text` produced by the construct at `at` (an escape, an interpolation).
    pub(super) fn push_at(&mut self, text: &str, at: usize) {
        self.value.push_str(text);
        self.origin.extend(std::iter::repeat_n(at, text.len()));
    }

    pub(super) fn push_lit(&mut self, lit: &StrLit) {
        self.push_lit_range(lit, 0..lit.value.len());
    }

    pub(super) fn push_lit_range(&mut self, lit: &StrLit, range: Range<usize>) {
        if let (Some(piece), Some(origin)) = (lit.value.get(range.clone()), lit.origin.get(range)) {
            self.value.push_str(piece);
            self.origin.extend_from_slice(origin);
        }
    }

    pub(super) fn finish(mut self, end: usize) -> StrLit {
        self.origin.push(end);
        StrLit {
            value: self.value,
            origin: self.origin,
        }
    }
}

/// What a name stands for, as far as string folding goes.
#[derive(Clone, Debug)]
pub(super) enum StringBinding {
    /// A constant (Go's `const` or package-level string variable, a TS `const`): its value
    /// replaces every use.
    Const(StrLit),
    /// A variable holding a known string (Go's local, a TS `let`/`var`): its value replaces
    /// it where it is passed to a call.
    Var(StrLit),
    /// Anything else: hides a constant of the same name.
    Opaque,
}

/// The names bound to strings where the lowering stands, in nested scopes.
pub(super) struct Scopes {
    /// Innermost last; the first holds the file's constants.
    stack: Vec<HashMap<String, StringBinding>>,
    /// A name that binds nothing (Go's `_`), if the language has one.
    blank: Option<&'static str>,
}

impl Scopes {
    /// The file's scope alone.
    pub(super) fn new(blank: Option<&'static str>) -> Scopes {
        Scopes {
            stack: vec![HashMap::new()],
            blank,
        }
    }

    /// Opens a scope (a unit, a block, a loop's header), closed by [`Scopes::leave`].
    pub(super) fn enter(&mut self) {
        self.stack.push(HashMap::new());
    }

    pub(super) fn leave(&mut self) {
        self.stack.pop();
    }

    /// What `name` stands for, from the innermost scope out.
    pub(super) fn lookup(&self, name: &str) -> Option<&StringBinding> {
        self.stack.iter().rev().find_map(|scope| scope.get(name))
    }

    /// Binds `name` in the innermost scope (a declaration, a parameter).
    pub(super) fn declare(&mut self, name: &str, binding: StringBinding) {
        if self.blank == Some(name) {
            return;
        }
        if let Some(scope) = self.stack.last_mut() {
            scope.insert(name.to_owned(), binding);
        }
    }

    /// Rebinds `name` where it was declared (`=`, `+=`); a name of the file's scope is
    /// shadowed for the rest of the unit rather than changed for every later function.
    pub(super) fn reassign(&mut self, name: &str, binding: StringBinding) {
        if self.blank == Some(name) {
            return;
        }
        let unit_scope = 1.min(self.stack.len() - 1);
        let index = (unit_scope..self.stack.len())
            .rev()
            .find(|&i| self.stack[i].contains_key(name))
            .unwrap_or(unit_scope);
        self.stack[index].insert(name.to_owned(), binding);
    }

    /// Binds one of the file's constants, seen from everywhere in the file.
    pub(super) fn define_constant(&mut self, name: String, value: StrLit) {
        self.stack[0].insert(name, StringBinding::Const(value));
    }

    /// Whether `name` is one of the file's constants.
    pub(super) fn is_constant(&self, name: &str) -> bool {
        matches!(self.stack[0].get(name), Some(StringBinding::Const(_)))
    }

    /// Takes away every scope but the file's, until [`Scopes::put_back`]: what is lowered
    /// meanwhile sees only the file's constants.
    pub(super) fn take_inner(&mut self) -> Scopes {
        Scopes {
            stack: self.stack.split_off(1),
            blank: self.blank,
        }
    }

    pub(super) fn put_back(&mut self, inner: Scopes) {
        self.stack.extend(inner.stack);
    }
}
