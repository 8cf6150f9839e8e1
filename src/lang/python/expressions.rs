//! Python expressions lowered: names (a string name's value where the file fixes it),
//! attributes, calls with their keyword arguments, operators, literals, lambdas,
//! collections.

use tree_sitter::Node;

use super::lower::Lowerer;
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{StringBinding, field_children, named_children, opaque, operator};
use crate::model::{BinOp, Block, Call, CallRole, Expr, ExprKind, Stmt, StmtKind, UnOp};

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
            "parenthesized_expression" => {
                return match named_children(node).into_iter().next() {
                    Some(inner) => self.expr(inner),
                    None => opaque(node.byte_range()),
                };
            }
            "identifier" => self.identifier(node),
            "none" => ExprKind::Name("None".to_owned()),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "integer" | "float" => ExprKind::Number {
                text: self.text(node).to_owned(),
                value: number_value(self.text(node)),
            },
            "string" | "concatenated_string" => match self.fold(node, 0) {
                Some(lit) => ExprKind::Str(lit),
                None => ExprKind::Str(self.string_value(node, 0)),
            },
            "attribute" => self.attribute(node),
            "subscript" => self.subscript(node),
            "call" => self.call(node),
            "await" => self.unary_of(node, UnOp::Await),
            "not_operator" => self.unary_of(node, UnOp::Not),
            "unary_operator" => return self.unary(node),
            "binary_operator" => self.binary(node),
            "boolean_operator" => self.boolean(node),
            "comparison_operator" => self.comparison(node),
            "lambda" => self.lambda(node),
            "tuple" | "list" | "set" | "expression_list" | "pattern_list" => {
                ExprKind::List(self.children(node))
            }
            "dictionary" => self.dictionary(node),
            "keyword_argument" => ExprKind::Other(
                node.child_by_field_name("value")
                    .map(|v| vec![self.expr(v)])
                    .unwrap_or_default(),
            ),
            _ => ExprKind::Other(self.children(node)),
        };
        Expr::new(node.byte_range(), kind)
    }

    fn children(&mut self, node: Node) -> Vec<Expr> {
        named_children(node)
            .into_iter()
            .filter(|child| !matches!(child.kind(), "type" | "comment"))
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

    fn attribute(&mut self, node: Node) -> ExprKind {
        let Some(object) = node.child_by_field_name("object") else {
            return ExprKind::Other(self.children(node));
        };
        ExprKind::Field {
            base: Box::new(self.expr(object)),
            name: node
                .child_by_field_name("attribute")
                .map(|a| self.text(a).to_owned())
                .unwrap_or_default(),
        }
    }

    fn subscript(&mut self, node: Node) -> ExprKind {
        let indexes = field_children(node, "subscript");
        match (node.child_by_field_name("value"), indexes.as_slice()) {
            (Some(base), [index]) => ExprKind::Index {
                base: Box::new(self.expr(base)),
                index: Box::new(self.expr(*index)),
            },
            _ => ExprKind::Other(self.children(node)),
        }
    }

    /// `f(a, *rest, key=v, **opts)`: the positional arguments, then the keyword ones as one
    /// options literal (`**opts` a field named `...`). A local variable holding a known
    /// string is passed as that string.
    fn call(&mut self, node: Node) -> ExprKind {
        let Some(function) = node.child_by_field_name("function") else {
            return ExprKind::Other(self.children(node));
        };
        let callee = self.expr(function);
        let mut args = Vec::new();
        let mut fields = Vec::new();
        let mut options_span: Option<std::ops::Range<usize>> = None;
        // `f(x for x in xs)`: a generator expression is the one argument.
        let arguments = node.child_by_field_name("arguments");
        if let Some(generator) = arguments.filter(|list| list.kind() != "argument_list") {
            args.push(self.expr(generator));
        }
        if let Some(list) = arguments.filter(|list| list.kind() == "argument_list") {
            for arg in named_children(list) {
                let field = match arg.kind() {
                    "keyword_argument" => Some((
                        arg.child_by_field_name("name")
                            .map(|n| self.text(n).to_owned()),
                        match arg.child_by_field_name("value") {
                            Some(value) => self.argument(value),
                            None => opaque(arg.byte_range()),
                        },
                    )),
                    "dictionary_splat" => Some((
                        Some("...".to_owned()),
                        Expr::new(arg.byte_range(), ExprKind::Other(self.children(arg))),
                    )),
                    _ => None,
                };
                match field {
                    Some(field) => {
                        let range = arg.byte_range();
                        options_span = Some(match options_span {
                            Some(span) => span.start..range.end,
                            None => range,
                        });
                        fields.push(field);
                    }
                    None => args.push(self.argument(arg)),
                }
            }
        }
        if let Some(span) = options_span {
            args.push(Expr::new(
                span,
                ExprKind::Composite {
                    type_name: String::new(),
                    fields,
                },
            ));
        }
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    fn argument(&mut self, arg: Node) -> Expr {
        if arg.kind() == "identifier"
            && let Some(StringBinding::Var(lit)) = self.scopes.lookup(self.text(arg))
        {
            return Expr::new(arg.byte_range(), ExprKind::Str(lit.clone()));
        }
        self.expr(arg)
    }

    fn unary_of(&mut self, node: Node, op: UnOp) -> ExprKind {
        let operand = node
            .child_by_field_name("argument")
            .or_else(|| named_children(node).into_iter().next());
        match operand {
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
        match operator(node) {
            "-" => Expr::new(
                span,
                ExprKind::Unary {
                    op: UnOp::Neg,
                    operand: Box::new(operand),
                },
            ),
            "+" => operand,
            _ => Expr::new(span, ExprKind::Other(vec![operand])),
        }
    }

    fn binary(&mut self, node: Node) -> ExprKind {
        let op = operator(node);
        if op == "+"
            && let Some(lit) = self.fold(node, 0)
        {
            return ExprKind::Str(lit);
        }
        let (lhs, rhs) = self.operands(node);
        match binary_op(op) {
            Some(op) => ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            None => ExprKind::Other(vec![lhs, rhs]),
        }
    }

    fn operands(&mut self, node: Node) -> (Expr, Expr) {
        let lhs = match node.child_by_field_name("left") {
            Some(l) => self.expr(l),
            None => opaque(node.start_byte()..node.start_byte()),
        };
        let rhs = match node.child_by_field_name("right") {
            Some(r) => self.expr(r),
            None => opaque(node.end_byte()..node.end_byte()),
        };
        (lhs, rhs)
    }

    fn boolean(&mut self, node: Node) -> ExprKind {
        let (lhs, rhs) = self.operands(node);
        let op = if operator(node) == "and" {
            BinOp::And
        } else {
            BinOp::Or
        };
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        }
    }

    /// `a == b`, `a is None` (`==`), `a is not None` (`!=`); `in`, `not in` and chains are
    /// opaque with their operands.
    fn comparison(&mut self, node: Node) -> ExprKind {
        let operands = named_children(node);
        let operators = {
            let mut cursor = node.walk();
            node.children_by_field_name("operators", &mut cursor)
                .map(|op| {
                    self.text(op)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
        };
        let op = match operators.as_slice() {
            [op] => match op.as_str() {
                "is" => Some(BinOp::Eq),
                "is not" => Some(BinOp::Ne),
                "<>" => Some(BinOp::Ne),
                op => binary_op(op).filter(|op| op.is_comparison()),
            },
            _ => None,
        };
        match (op, operands.as_slice()) {
            (Some(op), [lhs, rhs]) => ExprKind::Binary {
                op,
                lhs: Box::new(self.expr(*lhs)),
                rhs: Box::new(self.expr(*rhs)),
            },
            _ => ExprKind::Other(operands.iter().map(|o| self.expr(*o)).collect()),
        }
    }

    /// `lambda x: v`: a closure returning `v`.
    fn lambda(&mut self, node: Node) -> ExprKind {
        let params: Vec<String> = node
            .child_by_field_name("parameters")
            .map(|list| {
                named_children(list)
                    .into_iter()
                    .map(|p| {
                        let name = p.child_by_field_name("name").unwrap_or(p);
                        self.text(name).trim_start_matches('*').to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.scopes.enter();
        for param in params.iter() {
            self.scopes.declare(param, StringBinding::Opaque);
        }
        let body = node.child_by_field_name("body").map(|b| {
            let value = self.expr(b);
            Stmt {
                span: b.byte_range(),
                kind: StmtKind::Return(Some(value)),
            }
        });
        self.scopes.leave();
        ExprKind::Closure {
            params,
            body: Block {
                stmts: body.into_iter().collect(),
            },
        }
    }

    /// A dict literal as a composite with no type name: a string key is the field's name,
    /// `**d` a field named `...`, any other key none.
    fn dictionary(&mut self, node: Node) -> ExprKind {
        let mut fields = Vec::new();
        for item in named_children(node) {
            let field = match item.kind() {
                "pair" => {
                    let key = item
                        .child_by_field_name("key")
                        .and_then(|k| self.fold(k, 0))
                        .map(|lit| lit.value);
                    let value = match item.child_by_field_name("value") {
                        Some(v) => self.expr(v),
                        None => opaque(item.end_byte()..item.end_byte()),
                    };
                    (key, value)
                }
                "dictionary_splat" => (Some("...".to_owned()), self.expr(item)),
                _ => (None, self.expr(item)),
            };
            fields.push(field);
        }
        ExprKind::Composite {
            type_name: String::new(),
            fields,
        }
    }
}

pub(super) fn binary_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" | "//" => BinOp::Div,
        "%" => BinOp::Rem,
        "**" => BinOp::Pow,
        "<<" => BinOp::Shl,
        ">>" => BinOp::Shr,
        "&" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        _ => return None,
    })
}

/// The value of a Python number literal (`30_000`, `0x1F`, `1e3`, `0.5`), if it fits an
/// `f64`; an imaginary literal (`2j`) has none.
fn number_value(text: &str) -> Option<f64> {
    let digits: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    if digits.ends_with('j') {
        return None;
    }
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
    fn numbers_read_separators_and_radixes() {
        assert_eq!(number_value("30_000"), Some(30000.0));
        assert_eq!(number_value("0x1F"), Some(31.0));
        assert_eq!(number_value("0o17"), Some(15.0));
        assert_eq!(number_value("0b101"), Some(5.0));
        assert_eq!(number_value("1e3"), Some(1000.0));
        assert_eq!(number_value("2j"), None);
    }
}
