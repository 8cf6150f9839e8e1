//! Destructuring patterns and assignment targets: a pattern is lowered as the literal it
//! mirrors, and the names it binds are declared.

use tree_sitter::Node;

use super::lower::Lowerer;
use super::nodes::unwrap_expression;
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{named_children, opaque};
use crate::model::{Expr, ExprKind, Target, TargetKind};

impl Lowerer<'_> {
    pub(super) fn target(&mut self, node: Node) -> Target {
        let node = unwrap_expression(node);
        let kind = match node.kind() {
            "identifier" => TargetKind::Name(self.text(node).to_owned()),
            "object_pattern" | "array_pattern" => TargetKind::Place(self.pattern(node)),
            _ => TargetKind::Place(self.expr(node)),
        };
        Target {
            span: node.byte_range(),
            kind,
        }
    }

    /// A destructuring pattern as the literal it mirrors: `{rows: [row]}` is a composite
    /// with field `rows` holding the list `[row]`; defaults are left out.
    fn pattern(&mut self, node: Node) -> Expr {
        if self.depth >= MAX_DEPTH {
            return opaque(node.byte_range());
        }
        self.depth += 1;
        let pattern = self.pattern_inner(node);
        self.depth -= 1;
        pattern
    }

    fn pattern_inner(&mut self, node: Node) -> Expr {
        let kind = match node.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                ExprKind::Name(self.text(node).to_owned())
            }
            "object_pattern" => ExprKind::Composite {
                type_name: String::new(),
                fields: named_children(node)
                    .into_iter()
                    .filter_map(|element| self.pattern_field(element))
                    .collect(),
            },
            "array_pattern" => ExprKind::List(
                named_children(node)
                    .into_iter()
                    .map(|element| self.pattern(element))
                    .collect(),
            ),
            "assignment_pattern" | "object_assignment_pattern" => {
                return match node.child_by_field_name("left") {
                    Some(left) => self.pattern(left),
                    None => opaque(node.byte_range()),
                };
            }
            "rest_pattern" => {
                return match named_children(node).into_iter().next() {
                    Some(inner) => self.pattern(inner),
                    None => opaque(node.byte_range()),
                };
            }
            _ => return self.expr(node),
        };
        Expr::new(node.byte_range(), kind)
    }

    /// One element of an object pattern, keyed by the property it reads (`...` for a rest).
    fn pattern_field(&mut self, element: Node) -> Option<(Option<String>, Expr)> {
        Some(match element.kind() {
            "pair_pattern" => {
                let key = element.child_by_field_name("key").and_then(|k| self.key(k));
                (key, self.pattern(element.child_by_field_name("value")?))
            }
            "object_assignment_pattern" => {
                let left = element.child_by_field_name("left")?;
                (Some(self.text(left).to_owned()), self.pattern(left))
            }
            "rest_pattern" => (Some("...".to_owned()), self.pattern(element)),
            _ => (Some(self.text(element).to_owned()), self.pattern(element)),
        })
    }

    /// The variables a pattern binds (`{a, b: [c], ...rest}` binds a, c and rest).
    pub(super) fn bound_names(&self, pattern: Node) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![pattern];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    out.push(self.text(node).to_owned());
                }
                "pair_pattern" => stack.extend(node.child_by_field_name("value")),
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(node.child_by_field_name("left"));
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    stack.extend(named_children(node).into_iter().rev());
                }
                _ => {}
            }
        }
        out
    }
}
