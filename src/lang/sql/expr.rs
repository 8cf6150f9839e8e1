//! A PL/pgSQL expression (a condition, an assigned value, a function's argument) from
//! sqlparser's AST into the model. What the model does not describe becomes an
//! [`ExprKind::Other`] holding the queries inside it.

use std::ops::Range;

use sqlparser::ast::{
    BinaryOperator, Expr as Ast, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator,
    Value,
};

use crate::model::{BinOp, Call, CallRole, Expr, ExprKind, StrLit, UnOp};
use crate::sql;

/// The body's queries as model expressions, each taken by the one place that holds it.
pub(super) struct Queries(pub Vec<Option<Expr>>);

impl Queries {
    /// The query at `index`, unless it was taken already.
    pub fn take(&mut self, index: usize) -> Option<Expr> {
        self.0.get_mut(index).and_then(Option::take)
    }

    /// The queries of `indexes` not taken yet that start within `span`.
    fn take_within(&mut self, indexes: &Range<usize>, span: &Range<usize>) -> Vec<Expr> {
        indexes
            .clone()
            .filter_map(|i| {
                let starts_within = (self.0.get(i)?.as_ref())
                    .is_some_and(|q| span.start <= q.span.start && q.span.start < span.end);
                if starts_within { self.take(i) } else { None }
            })
            .collect()
    }
}

/// An expression of the body, with the queries inside it.
pub(super) fn expression(source: &str, e: &sql::Expression, queries: &mut Queries) -> Expr {
    let indexes =
        e.statements.first().copied().unwrap_or(0)..e.statements.last().map_or(0, |last| last + 1);
    let mut lowering = Lowering {
        source,
        queries,
        indexes: indexes.clone(),
    };
    let lowered = e.ast.as_deref().map(|ast| lowering.node(ast, &e.span));
    let mut rest = queries.take_within(&indexes, &e.span);
    match lowered {
        // A query standing for the value (`RETURN QUERY SELECT …`, `FOR r IN SELECT …`).
        None if rest.len() == 1 => rest.remove(0),
        Some(lowered) if rest.is_empty() => lowered,
        Some(lowered) => Expr::new(
            e.span.clone(),
            ExprKind::Other(std::iter::once(lowered).chain(rest).collect()),
        ),
        None => Expr::new(e.span.clone(), ExprKind::Other(rest)),
    }
}

/// A function's argument, `span` of `source`: a variable or parameter as a name (as the
/// database names it), anything else as sqlparser reads it.
pub(super) fn argument(source: &str, span: Range<usize>) -> Expr {
    let text = source.get(span.clone()).unwrap_or_default().trim();
    let is_name = text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if is_name {
        return Expr::new(span, ExprKind::Name(text.to_ascii_lowercase()));
    }
    let Some(ast) = sql::expression_at(source, span.clone()) else {
        return Expr::new(span, ExprKind::Other(Vec::new()));
    };
    let mut no_queries = Queries(Vec::new());
    Lowering {
        source,
        queries: &mut no_queries,
        indexes: 0..0,
    }
    .node(&ast, &span)
}

struct Lowering<'l> {
    source: &'l str,
    queries: &'l mut Queries,
    /// The indexes of the queries inside the expression.
    indexes: Range<usize>,
}

impl Lowering<'_> {
    /// A node of the AST, within `outer` (the span of the node above, which stands for a
    /// node sqlparser gives no span).
    fn node(&mut self, ast: &Ast, outer: &Range<usize>) -> Expr {
        let span = sql::byte_range(ast)
            .map(|r| closing_parentheses(self.source, r, outer.end))
            .filter(|r| r.start < r.end && outer.start <= r.start && r.end <= outer.end)
            .unwrap_or_else(|| outer.clone());
        let kind = match ast {
            Ast::Identifier(ident) => ExprKind::Name(ident.value.to_lowercase()),
            Ast::CompoundIdentifier(idents) => ExprKind::Name(
                (idents.iter())
                    .map(|i| i.value.to_lowercase())
                    .collect::<Vec<_>>()
                    .join("."),
            ),
            Ast::Value(value) => self.value(&value.value, &span),
            Ast::Nested(inner) | Ast::Cast { expr: inner, .. } => return self.node(inner, &span),
            Ast::BinaryOp { left, op, right } => {
                let (lhs, rhs) = (self.node(left, &span), self.node(right, &span));
                match binary(op) {
                    Some(op) => ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    None => ExprKind::Other(vec![lhs, rhs]),
                }
            }
            Ast::UnaryOp { op, expr } => {
                let operand = self.node(expr, &span);
                match op {
                    UnaryOperator::Not => ExprKind::Unary {
                        op: UnOp::Not,
                        operand: Box::new(operand),
                    },
                    UnaryOperator::Minus => ExprKind::Unary {
                        op: UnOp::Neg,
                        operand: Box::new(operand),
                    },
                    _ => return operand,
                }
            }
            Ast::IsNull(operand) | Ast::IsNotNull(operand) => {
                let op = if matches!(ast, Ast::IsNull(_)) {
                    BinOp::Eq
                } else {
                    BinOp::Ne
                };
                ExprKind::Binary {
                    op,
                    lhs: Box::new(self.node(operand, &span)),
                    rhs: Box::new(Expr::new(span.clone(), ExprKind::Name("null".to_owned()))),
                }
            }
            Ast::Function(function) => {
                let name = (function.name.0.last())
                    .and_then(|part| part.as_ident())
                    .map_or_else(String::new, |ident| ident.value.to_lowercase());
                let callee = Expr::new(span.clone(), ExprKind::Name(name));
                let args = match &function.args {
                    FunctionArguments::List(list) => (list.args.iter())
                        .map(|arg| match arg {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                            | FunctionArg::Named {
                                arg: FunctionArgExpr::Expr(e),
                                ..
                            }
                            | FunctionArg::ExprNamed {
                                arg: FunctionArgExpr::Expr(e),
                                ..
                            } => self.node(e, &span),
                            _ => Expr::new(span.clone(), ExprKind::Other(Vec::new())),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                ExprKind::Call(Call {
                    callee: Box::new(callee),
                    args,
                    role: CallRole::Unknown,
                })
            }
            Ast::Exists { negated, .. } => {
                let queries = self.queries_within(&span);
                let exists = Expr::new(span.clone(), ExprKind::Other(queries));
                if !negated {
                    return exists;
                }
                ExprKind::Unary {
                    op: UnOp::Not,
                    operand: Box::new(exists),
                }
            }
            // A subquery is one of the body's queries; anything else the model does not
            // describe keeps the queries inside it.
            _ => ExprKind::Other(self.queries_within(&span)),
        };
        Expr::new(span, kind)
    }

    fn value(&self, value: &Value, span: &Range<usize>) -> ExprKind {
        match value {
            Value::Number(text, _) => ExprKind::Number {
                text: text.clone(),
                value: text.parse().ok(),
            },
            Value::Boolean(b) => ExprKind::Bool(*b),
            Value::Null => ExprKind::Name("null".to_owned()),
            Value::Placeholder(name) => ExprKind::Name(name.to_lowercase()),
            // The literal as written, when its quotes hold it byte for byte.
            Value::SingleQuotedString(text) => {
                let written = self.source.get(span.clone()).unwrap_or_default();
                if written.len() == text.len() + 2 && written.get(1..=text.len()) == Some(text) {
                    ExprKind::Str(StrLit::verbatim(text, span.start + 1))
                } else {
                    ExprKind::Other(Vec::new())
                }
            }
            _ => ExprKind::Other(Vec::new()),
        }
    }

    fn queries_within(&mut self, span: &Range<usize>) -> Vec<Expr> {
        self.queries.take_within(&self.indexes, span)
    }
}

/// `span` carried over the `)`s that close the parentheses it opens: sqlparser's span of a
/// call stops short of its own (`power(2, n`), and so does that of an expression ending in
/// one. Never past `limit`.
fn closing_parentheses(source: &str, span: Range<usize>, limit: usize) -> Range<usize> {
    let Some(text) = source.get(span.clone()) else {
        return span;
    };
    let opens = text.bytes().filter(|&b| b == b'(').count();
    let mut unclosed = opens.saturating_sub(text.bytes().filter(|&b| b == b')').count());
    let mut end = span.end;
    let rest = source.get(end..limit).unwrap_or_default();
    for (at, c) in rest.char_indices() {
        if unclosed == 0 {
            break;
        }
        match c {
            ')' => {
                unclosed -= 1;
                end = span.end + at + 1;
            }
            c if c.is_whitespace() => {}
            _ => break,
        }
    }
    span.start..end
}

fn binary(op: &BinaryOperator) -> Option<BinOp> {
    Some(match op {
        BinaryOperator::Plus => BinOp::Add,
        BinaryOperator::Minus => BinOp::Sub,
        BinaryOperator::Multiply => BinOp::Mul,
        BinaryOperator::Divide => BinOp::Div,
        BinaryOperator::Modulo => BinOp::Rem,
        BinaryOperator::PGExp => BinOp::Pow,
        BinaryOperator::PGBitwiseShiftLeft => BinOp::Shl,
        BinaryOperator::PGBitwiseShiftRight => BinOp::Shr,
        BinaryOperator::BitwiseAnd => BinOp::BitAnd,
        BinaryOperator::BitwiseOr => BinOp::BitOr,
        BinaryOperator::PGBitwiseXor => BinOp::BitXor,
        BinaryOperator::And => BinOp::And,
        BinaryOperator::Or => BinOp::Or,
        BinaryOperator::Eq => BinOp::Eq,
        BinaryOperator::NotEq => BinOp::Ne,
        BinaryOperator::Lt => BinOp::Lt,
        BinaryOperator::LtEq => BinOp::Le,
        BinaryOperator::Gt => BinOp::Gt,
        BinaryOperator::GtEq => BinOp::Ge,
        _ => return None,
    })
}
