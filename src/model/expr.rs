//! Expressions: only what the rules need to follow a value, anything else kept as
//! [`ExprKind::Other`] with its children.

use super::{Block, Call, Span, SqlText, StrLit};

#[derive(Debug, Clone)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// An identifier or a path (`err`, `sql.ErrNoRows` in Rust as `sqlx::Error::RowNotFound`).
    /// Path segments are joined with `.` whatever the language's separator is.
    Name(String),
    /// `base.name`: a field, a method name (as the callee of a [`Call`]) or a Go package member.
    Field {
        base: Box<Expr>,
        name: String,
    },
    Call(Call),
    Str(StrLit),
    /// A numeric literal, as written (`2`, `1.5`, `100_000`, `0x10`) and its value if it fits.
    Number {
        text: String,
        value: Option<f64>,
    },
    Bool(bool),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    /// Rust `expr?`: on error the unit returns with it.
    Try(Box<Expr>),
    /// A function literal or closure. Its body is not part of the enclosing unit's flow.
    Closure {
        params: Vec<String>,
        body: Block,
    },
    /// A struct / composite literal: `wait.Backoff{Factor: 2}`, `Config { jitter: false, .. }`.
    Composite {
        type_name: String,
        fields: Vec<(Option<String>, Expr)>,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// Tuples, arrays, slices literals.
    List(Vec<Expr>),
    /// A SQL statement run directly: one statement of a SQL script.
    Sql(SqlText),
    /// A construct the model does not describe; its children are kept.
    Other(Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
    /// `*p`
    Deref,
    /// `&x`, `&mut x`
    Ref,
    /// Go's `<-ch`
    Recv,
    /// Rust `.await`, JS `await`
    Await,
}

impl Expr {
    pub fn new(span: Span, kind: ExprKind) -> Expr {
        Expr { span, kind }
    }

    /// The dotted name of a `Name` or a chain of `Field`s over a `Name`:
    /// `sql.ErrNoRows`, `res.RowsAffected`, `sqlx.Error.RowNotFound`.
    pub fn dotted(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Name(n) => Some(n.clone()),
            ExprKind::Field { base, name } => Some(format!("{}.{name}", base.dotted()?)),
            _ => None,
        }
    }

    /// The last segment of a name or field (`RowsAffected` for `res.RowsAffected`).
    pub fn last_segment(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Name(n) => n.rsplit('.').next(),
            ExprKind::Field { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The call this expression is, looking through `?`, `.await`, `&`, `*` and parentheses.
    pub fn as_call(&self) -> Option<&Call> {
        match &self.kind {
            ExprKind::Call(c) => Some(c),
            ExprKind::Try(inner) => inner.as_call(),
            ExprKind::Unary {
                op: UnOp::Await | UnOp::Ref | UnOp::Deref,
                operand,
            } => operand.as_call(),
            _ => None,
        }
    }

    /// Whether a variable named `name` is read anywhere in this expression.
    pub fn mentions(&self, name: &str) -> bool {
        self.walk().iter().any(|e| match &e.kind {
            ExprKind::Name(n) => n == name || n.split('.').next() == Some(name),
            _ => false,
        })
    }

    /// The string value of a literal (or a SQL text).
    pub fn as_str(&self) -> Option<&StrLit> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            ExprKind::Sql(q) => Some(&q.text),
            _ => None,
        }
    }
}
