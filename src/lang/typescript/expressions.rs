//! TypeScript and JavaScript expressions lowered: names (a string constant's name is its
//! value), members, calls and `new`, operators, literals, functions, object literals.

use tree_sitter::Node;

use super::lower::Lowerer;
use super::nodes::{is_type_kind, unwrap_expression};
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{StringBinding, named_children, opaque, operator};
use crate::model::{BinOp, Call, CallRole, Expr, ExprKind, StrLit, UnOp};

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, node: Node) -> Expr {
        if self.depth >= MAX_DEPTH {
            return opaque(node.byte_range());
        }
        self.depth += 1;
        let expr = self.expr_inner(node);
        self.depth -= 1;
        expr
    }

    /// One arm per node kind, each in its own function: this frame is on the stack once per
    /// nesting level, so it must stay small.
    fn expr_inner(&mut self, node: Node) -> Expr {
        let kind = match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "spread_element" => {
                let inner = unwrap_expression(node);
                if inner.id() == node.id() {
                    return match named_children(node).into_iter().next() {
                        Some(child) => self.expr(child),
                        None => opaque(node.byte_range()),
                    };
                }
                return self.expr(inner);
            }
            "identifier" => self.identifier(node),
            "this"
            | "super"
            | "null"
            | "undefined"
            | "property_identifier"
            | "private_property_identifier"
            | "shorthand_property_identifier"
            | "statement_identifier"
            | "meta_property"
            | "import" => ExprKind::Name(self.text(node).to_owned()),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "number" => ExprKind::Number {
                text: self.text(node).to_owned(),
                value: number_value(self.text(node)),
            },
            "string" => ExprKind::Str(self.string_literal(node)),
            "template_string" => ExprKind::Str(self.template(node, 0)),
            // What is left of a string whose closing quote is missing.
            "string_fragment" => {
                ExprKind::Str(StrLit::verbatim(self.text(node), node.start_byte()))
            }
            "member_expression" => self.member(node),
            "subscript_expression" => self.subscript(node),
            "call_expression" => self.call(node),
            "new_expression" => self.new_call(node),
            "await_expression" => self.unary_of(node, UnOp::Await),
            "unary_expression" => return self.unary(node),
            "binary_expression" => self.binary(node),
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                let (params, body) = self.function_parts(node);
                ExprKind::Closure { params, body }
            }
            "object" => self.object(node),
            "method_definition" => {
                let (params, body) = self.function_parts(node);
                ExprKind::Closure { params, body }
            }
            "array" => ExprKind::List(self.children(node)),
            kind if is_type_kind(kind) => ExprKind::Name(self.dotted_text(node)),
            _ => ExprKind::Other(self.children(node)),
        };
        Expr::new(node.byte_range(), kind)
    }

    fn children(&mut self, node: Node) -> Vec<Expr> {
        named_children(node)
            .into_iter()
            .filter(|child| !is_type_kind(child.kind()))
            .map(|child| self.expr(child))
            .collect()
    }

    fn identifier(&self, node: Node) -> ExprKind {
        let name = self.text(node);
        match self.scopes.lookup(name) {
            Some(StringBinding::Const(lit)) => ExprKind::Str(lit.clone()),
            _ => ExprKind::Name(name.to_owned()),
        }
    }

    /// `a.b`, `a?.b`, `a.#b`.
    fn member(&mut self, node: Node) -> ExprKind {
        let Some(object) = node.child_by_field_name("object") else {
            return ExprKind::Other(self.children(node));
        };
        ExprKind::Field {
            base: Box::new(self.expr(object)),
            name: node
                .child_by_field_name("property")
                .map(|p| self.text(p).to_owned())
                .unwrap_or_default(),
        }
    }

    fn subscript(&mut self, node: Node) -> ExprKind {
        match (
            node.child_by_field_name("object"),
            node.child_by_field_name("index"),
        ) {
            (Some(base), Some(index)) => ExprKind::Index {
                base: Box::new(self.expr(base)),
                index: Box::new(self.expr(index)),
            },
            _ => ExprKind::Other(self.children(node)),
        }
    }

    /// `f(a)`, `o?.m(a)`, and a tagged template `` tag`…` ``, whose template is its argument.
    fn call(&mut self, node: Node) -> ExprKind {
        let Some(callee) = node.child_by_field_name("function") else {
            return ExprKind::Other(self.children(node));
        };
        let callee = self.expr(callee);
        let args = match node.child_by_field_name("arguments") {
            Some(template) if template.kind() == "template_string" => {
                vec![Expr::new(
                    template.byte_range(),
                    ExprKind::Str(self.template(template, 0)),
                )]
            }
            Some(args) => self.arguments(args),
            None => Vec::new(),
        };
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    /// `new X(a)`: a call of `X`.
    fn new_call(&mut self, node: Node) -> ExprKind {
        let callee = match node.child_by_field_name("constructor") {
            Some(constructor) => self.expr(constructor),
            None => opaque(node.start_byte()..node.start_byte()),
        };
        let args = node
            .child_by_field_name("arguments")
            .map(|args| self.arguments(args))
            .unwrap_or_default();
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    /// Call arguments: a local variable holding a known string is passed as that string.
    fn arguments(&mut self, list: Node) -> Vec<Expr> {
        named_children(list)
            .into_iter()
            .map(|arg| {
                if arg.kind() == "identifier"
                    && let Some(StringBinding::Var(lit)) = self.scopes.lookup(self.text(arg))
                {
                    return Expr::new(arg.byte_range(), ExprKind::Str(lit.clone()));
                }
                self.expr(arg)
            })
            .collect()
    }

    fn unary_of(&mut self, node: Node, op: UnOp) -> ExprKind {
        match named_children(node).into_iter().next() {
            Some(operand) => ExprKind::Unary {
                op,
                operand: Box::new(self.expr(operand)),
            },
            None => ExprKind::Other(Vec::new()),
        }
    }

    fn unary(&mut self, node: Node) -> Expr {
        let span = node.byte_range();
        let Some(operand) = node.child_by_field_name("argument") else {
            return opaque(span);
        };
        let operand = self.expr(operand);
        let op = match operator(node) {
            "!" => UnOp::Not,
            "-" => UnOp::Neg,
            "+" => return operand,
            _ => return Expr::new(span, ExprKind::Other(vec![operand])),
        };
        Expr::new(
            span,
            ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        )
    }

    fn binary(&mut self, node: Node) -> ExprKind {
        let op = operator(node);
        if op == "+"
            && let Some(lit) = self.fold(node, 0)
        {
            return ExprKind::Str(lit);
        }
        let lhs = match node.child_by_field_name("left") {
            Some(l) => self.expr(l),
            None => opaque(node.start_byte()..node.start_byte()),
        };
        let rhs = match node.child_by_field_name("right") {
            Some(r) => self.expr(r),
            None => opaque(node.end_byte()..node.end_byte()),
        };
        match binary_op(op) {
            Some(op) => ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            None => ExprKind::Other(vec![lhs, rhs]),
        }
    }

    /// An object literal as a composite with no type name: `{ retries: 3, ...defaults,
    /// shouldRetry(e) {…} }`. A spread is a field named `...`; a computed key has no name.
    fn object(&mut self, node: Node) -> ExprKind {
        let mut fields = Vec::new();
        for member in named_children(node) {
            let field = match member.kind() {
                "pair" => {
                    let key = member.child_by_field_name("key").and_then(|k| self.key(k));
                    let value = match member.child_by_field_name("value") {
                        Some(v) => self.expr(v),
                        None => opaque(member.end_byte()..member.end_byte()),
                    };
                    (key, value)
                }
                "shorthand_property_identifier" => (
                    Some(self.text(member).to_owned()),
                    Expr::new(member.byte_range(), self.identifier(member)),
                ),
                "method_definition" => {
                    let key = member.child_by_field_name("name").and_then(|k| self.key(k));
                    let (params, body) = self.function_parts(member);
                    (
                        key,
                        Expr::new(member.byte_range(), ExprKind::Closure { params, body }),
                    )
                }
                "spread_element" => (Some("...".to_owned()), self.expr(member)),
                _ => (None, self.expr(member)),
            };
            fields.push(field);
        }
        ExprKind::Composite {
            type_name: String::new(),
            fields,
        }
    }

    /// A property key as its name: `a`, `'a'` and `"a"` are all `a`; a computed key has none.
    pub(super) fn key(&self, key: Node) -> Option<String> {
        match key.kind() {
            "computed_property_name" => None,
            "string" => Some(self.string_literal(key).value),
            _ => Some(self.text(key).to_owned()),
        }
    }
}

pub(super) fn binary_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Rem,
        "**" => BinOp::Pow,
        "<<" => BinOp::Shl,
        ">>" | ">>>" => BinOp::Shr,
        "&" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "&&" => BinOp::And,
        // `a ?? b` is `a` unless it is missing: as a value and as a condition, an "or".
        "||" | "??" => BinOp::Or,
        "==" | "===" => BinOp::Eq,
        "!=" | "!==" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        _ => return None,
    })
}

/// The value of a JavaScript number literal (`30_000`, `0x1F`, `1e3`, `10n`), if it fits an
/// `f64`.
fn number_value(text: &str) -> Option<f64> {
    let digits: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let digits = digits.strip_suffix('n').unwrap_or(&digits);
    let radix = match digits.get(..2) {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => return digits.parse::<f64>().ok(),
    };
    u128::from_str_radix(&digits[2..], radix)
        .ok()
        .map(|v| v as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_separators_radixes_and_bigints() {
        assert_eq!(number_value("30_000"), Some(30000.0));
        assert_eq!(number_value("0x1F"), Some(31.0));
        assert_eq!(number_value("0b101"), Some(5.0));
        assert_eq!(number_value("0o17"), Some(15.0));
        assert_eq!(number_value("1e3"), Some(1000.0));
        assert_eq!(number_value(".5"), Some(0.5));
        assert_eq!(number_value("10n"), Some(10.0));
        assert_eq!(number_value("0xZZ"), None);
    }
}
