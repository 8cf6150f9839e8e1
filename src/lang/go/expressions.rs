//! Go expressions lowered: names (a string constant's name is its value), selectors, calls
//! and conversions, operators, literals, closures, composite literals.

use tree_sitter::Node;

use super::lower::Lowerer;
use super::nodes::is_type_kind;
use super::strings::{decode_interpreted, is_sprintf};
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{StringBinding, named_children, opaque, operator, text};
use crate::model::{BinOp, Call, CallRole, Expr, ExprKind, UnOp};

impl Lowerer<'_> {
    pub(super) fn first_child_expr(&mut self, node: Node) -> Expr {
        match named_children(node).into_iter().next() {
            Some(child) => self.expr(child),
            None => opaque(node.byte_range()),
        }
    }

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
            "parenthesized_expression" | "variadic_argument" => {
                return self.first_child_expr(node);
            }
            "unary_expression" => return self.unary(node),
            "identifier" => self.identifier(node),
            "field_identifier" | "package_identifier" | "label_name" | "nil" | "iota" => {
                ExprKind::Name(self.text(node).to_owned())
            }
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "int_literal" | "float_literal" | "imaginary_literal" => {
                number(self.text(node), number_value)
            }
            "rune_literal" => number(self.text(node), rune_value),
            "interpreted_string_literal" | "raw_string_literal" => {
                ExprKind::Str(self.string_literal(node))
            }
            "selector_expression" => self.selector(node),
            "call_expression" => self.call(node),
            "type_conversion_expression" => self.conversion(node),
            "binary_expression" => self.binary(node),
            "composite_literal" => self.composite(node),
            "literal_value" => self.composite(node),
            "func_literal" => self.closure(node),
            "index_expression" => self.index(node),
            "type_assertion_expression" => self.type_assertion(node),
            "expression_list" => self.list(node),
            kind if is_type_kind(kind) => ExprKind::Name(type_text(self.source, node)),
            _ => self.other(node),
        };
        Expr::new(node.byte_range(), kind)
    }

    fn identifier(&self, node: Node) -> ExprKind {
        let name = self.text(node);
        match self.scopes.lookup(name) {
            Some(StringBinding::Const(lit)) => ExprKind::Str(lit.clone()),
            _ => ExprKind::Name(name.to_owned()),
        }
    }

    pub(super) fn type_name(&self, node: Node) -> Expr {
        Expr::new(
            node.byte_range(),
            ExprKind::Name(type_text(self.source, node)),
        )
    }

    fn selector(&mut self, node: Node) -> ExprKind {
        let Some(operand) = node.child_by_field_name("operand") else {
            return self.other(node);
        };
        ExprKind::Field {
            base: Box::new(self.expr(operand)),
            name: node
                .child_by_field_name("field")
                .map(|f| self.text(f).to_owned())
                .unwrap_or_default(),
        }
    }

    /// `[]byte(s)`, `(*T)(p)`: a conversion reads like a call of the type.
    fn conversion(&mut self, node: Node) -> ExprKind {
        let callee = match node.child_by_field_name("type") {
            Some(t) => self.type_name(t),
            None => opaque(node.start_byte()..node.start_byte()),
        };
        let args = node
            .child_by_field_name("operand")
            .map(|o| self.expr(o))
            .into_iter()
            .collect();
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    fn closure(&mut self, node: Node) -> ExprKind {
        self.scopes.enter();
        let params = self.parameters(node.child_by_field_name("parameters"));
        self.parameters(node.child_by_field_name("result"));
        let body = node
            .child_by_field_name("body")
            .map(|b| self.block(b))
            .unwrap_or_default();
        self.scopes.leave();
        ExprKind::Closure { params, body }
    }

    fn index(&mut self, node: Node) -> ExprKind {
        match (
            node.child_by_field_name("operand"),
            node.child_by_field_name("index"),
        ) {
            (Some(base), Some(index)) => ExprKind::Index {
                base: Box::new(self.expr(base)),
                index: Box::new(self.expr(index)),
            },
            _ => self.other(node),
        }
    }

    /// `err.(*pgconn.PgError)`: the value and the type it is asserted to have.
    fn type_assertion(&mut self, node: Node) -> ExprKind {
        let mut parts = Vec::new();
        if let Some(operand) = node.child_by_field_name("operand") {
            parts.push(self.expr(operand));
        }
        if let Some(t) = node.child_by_field_name("type") {
            parts.push(self.type_name(t));
        }
        ExprKind::Other(parts)
    }

    fn list(&mut self, node: Node) -> ExprKind {
        ExprKind::List(
            named_children(node)
                .into_iter()
                .map(|n| self.expr(n))
                .collect(),
        )
    }

    fn other(&mut self, node: Node) -> ExprKind {
        ExprKind::Other(
            named_children(node)
                .into_iter()
                .map(|child| self.expr(child))
                .collect(),
        )
    }

    fn call(&mut self, node: Node) -> ExprKind {
        let args: Vec<Node> = node
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        let Some(callee) = node.child_by_field_name("function") else {
            return self.other(node);
        };
        if is_sprintf(self.source, callee)
            && let Some(lit) = self.sprintf(&args, 0)
        {
            return ExprKind::Str(lit);
        }
        let callee = self.expr(callee);
        let args = args.into_iter().map(|a| self.argument(a)).collect();
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    /// A call argument: a local variable holding a known string is passed as that string.
    fn argument(&mut self, node: Node) -> Expr {
        if node.kind() == "identifier"
            && let Some(StringBinding::Var(lit)) = self.scopes.lookup(self.text(node))
        {
            return Expr::new(node.byte_range(), ExprKind::Str(lit.clone()));
        }
        self.expr(node)
    }

    fn binary(&mut self, node: Node) -> ExprKind {
        let op = operator(node);
        let right_may_be_string = node.child_by_field_name("right").is_some_and(|r| {
            matches!(
                r.kind(),
                "interpreted_string_literal"
                    | "raw_string_literal"
                    | "identifier"
                    | "parenthesized_expression"
                    | "call_expression"
            )
        });
        if op == "+"
            && right_may_be_string
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

    fn unary(&mut self, node: Node) -> Expr {
        let span = node.byte_range();
        let Some(operand) = node.child_by_field_name("operand") else {
            return opaque(span);
        };
        let operand = self.expr(operand);
        let op = match operator(node) {
            "!" => UnOp::Not,
            "-" => UnOp::Neg,
            "&" => UnOp::Ref,
            "*" => UnOp::Deref,
            "<-" => UnOp::Recv,
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

    /// A composite literal, or a `{…}` whose type is elided inside an outer literal.
    fn composite(&mut self, node: Node) -> ExprKind {
        let (type_node, body) = if node.kind() == "literal_value" {
            (None, Some(node))
        } else {
            (
                node.child_by_field_name("type"),
                node.child_by_field_name("body"),
            )
        };
        let fields = match body {
            Some(body) => self.literal_fields(body),
            None => Vec::new(),
        };
        match type_node {
            Some(t)
                if matches!(
                    t.kind(),
                    "slice_type" | "array_type" | "implicit_length_array_type"
                ) =>
            {
                ExprKind::List(fields.into_iter().map(|(_, value)| value).collect())
            }
            Some(t) => ExprKind::Composite {
                type_name: type_text(self.source, t),
                fields,
            },
            None => ExprKind::Composite {
                type_name: String::new(),
                fields,
            },
        }
    }

    /// The elements of a `{…}` literal value: keyed (`Name: v`, `"k": v`) or not.
    fn literal_fields(&mut self, body: Node) -> Vec<(Option<String>, Expr)> {
        let mut fields = Vec::new();
        for element in named_children(body) {
            match element.kind() {
                "keyed_element" => {
                    let key = element
                        .child_by_field_name("key")
                        .map(|k| self.text(k).to_owned());
                    let value = match element.child_by_field_name("value") {
                        Some(v) => self.first_child_expr(v),
                        None => opaque(element.end_byte()..element.end_byte()),
                    };
                    fields.push((key, value));
                }
                "literal_element" => fields.push((None, self.first_child_expr(element))),
                _ => fields.push((None, self.expr(element))),
            }
        }
        fields
    }
}

pub(super) fn binary_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Rem,
        "<<" => BinOp::Shl,
        ">>" => BinOp::Shr,
        // `&^` (and not) clears bits like `&` does; the rules only care that it masks.
        "&" | "&^" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "&&" => BinOp::And,
        "||" => BinOp::Or,
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        _ => return None,
    })
}

/// A type as written, with whitespace runs collapsed (`map[string] int` → `map[string] int`,
/// `chan  int` → `chan int`).
fn type_text(source: &str, node: Node) -> String {
    text(source, node)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn number(text: &str, value: fn(&str) -> Option<f64>) -> ExprKind {
    ExprKind::Number {
        text: text.to_owned(),
        value: value(text),
    }
}

/// A rune literal's code point (`'a'` is 97).
fn rune_value(text: &str) -> Option<f64> {
    let body = text.get(1..text.len().saturating_sub(1))?;
    let first = decode_interpreted(body, 0).value.chars().next()?;
    Some(f64::from(u32::from(first)))
}

/// The value of a Go integer or float literal, if it fits an `f64`.
fn number_value(text: &str) -> Option<f64> {
    let digits: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    if digits.ends_with('i') {
        return None;
    }
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(bin) = digits.strip_prefix("0b") {
        (2, bin)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        (8, &digits[1..])
    } else {
        return digits.parse::<f64>().ok();
    };
    u128::from_str_radix(body, radix).ok().map(|v| v as f64)
}
