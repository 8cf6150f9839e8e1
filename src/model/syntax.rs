//! The tree of a unit's body: statements in source order, under the control flow the rules
//! follow (assignments, branches, loops, try/catch, returns), and the expressions they
//! evaluate, which keep only what the rules need to follow a value (anything else is kept as
//! [`ExprKind::Other`] with its children). One file, since each holds the other: a statement
//! its expressions, a closure expression its body's block.

use super::role::{CallRole, SqlText};
use super::span::{Span, StrLit};

#[derive(Debug, Clone, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
}

#[derive(Debug, Clone)]
pub struct Stmt {
    pub span: Span,
    pub kind: StmtKind,
}

#[derive(Debug, Clone)]
pub enum StmtKind {
    /// `targets = value`, `x := v`, `let pat = v`, `x += v` (then `op` is `Some(Add)`).
    /// A Rust `let` with `else` keeps its diverging block in `else_block`.
    Assign {
        targets: Vec<Target>,
        op: Option<BinOp>,
        value: Expr,
        else_block: Option<Block>,
    },
    /// A declaration with no value (`var x T`, `let x;`).
    Declare {
        names: Vec<String>,
    },
    /// An expression evaluated for its effect: its value is discarded.
    Expr(Expr),
    /// `if`/`else if`/`else`, `switch`, `match`, `select`: the arms in order.
    /// `subject` is the switched-on value, if any; each arm's guard is then a
    /// pattern compared against it.
    Branch {
        subject: Option<Expr>,
        arms: Vec<Arm>,
    },
    Loop(Loop),
    /// `return`, or the tail expression of a Rust function body.
    Return(Option<Expr>),
    /// `throw e`: leaves the unit, unless a [`StmtKind::Try`] of the unit encloses it, whose
    /// handler then runs.
    Throw(Expr),
    /// `break` / `continue`, with a label if one was given.
    Break(Option<String>),
    Continue(Option<String>),
    /// `try { body } catch (binding) { handler } finally { … }`.
    Try {
        body: Block,
        catch_binding: Option<String>,
        handler: Option<Block>,
        finally: Option<Block>,
    },
    /// Go's `defer f()`: runs when the unit returns.
    Defer(Expr),
    /// A nested block (`{ … }`, `unsafe { … }`, a transaction closure body run in place).
    Block(Block),
}

/// Where an assignment puts a value.
#[derive(Debug, Clone)]
pub struct Target {
    pub span: Span,
    pub kind: TargetKind,
}

#[derive(Debug, Clone)]
pub enum TargetKind {
    /// A plain variable (`err`, `n`, `res`).
    Name(String),
    /// `_`: the value is thrown away.
    Discard,
    /// Anything else (`x.f`, `a[i]`, `*p`, a destructuring pattern), as an expression.
    Place(Expr),
}

#[derive(Debug, Clone)]
pub struct Arm {
    pub span: Span,
    pub guard: Guard,
    pub body: Block,
}

#[derive(Debug, Clone)]
pub enum Guard {
    /// A boolean condition (`if cond`, `case cond:` of a bare switch, a match-arm `if` guard
    /// combined with its pattern as `Pattern` below).
    Cond(Expr),
    /// A pattern matched against the branch subject (`case "done":`, `Ok(None) =>`,
    /// `if let Some(x) = e` with `e` as the subject). Alternatives (`A | B`, `case a, b:`)
    /// are listed separately. `extra` is a match-arm `if` guard.
    Pattern {
        alternatives: Vec<Expr>,
        extra: Option<Expr>,
    },
    /// `else`, `default:`, `_ =>`.
    Else,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopKind {
    /// `for cond { }`, `while cond { }`, `for init; cond; post { }`.
    While,
    /// `for { }`, `loop { }`.
    Infinite,
    /// `for x := range xs`, `for x in xs`, `for (const x of xs)`.
    Each,
}

#[derive(Debug, Clone)]
pub struct Loop {
    pub kind: LoopKind,
    pub label: Option<String>,
    /// Init statements of a C-style `for` (`i := 0`).
    pub init: Vec<Stmt>,
    /// The loop condition, or for `Each` loops the iterated expression.
    pub cond: Option<Expr>,
    /// The post statement of a C-style `for` (`i++`), run after each iteration.
    pub post: Vec<Stmt>,
    /// Names bound by the loop header (`for i, x := range xs`, `for x in xs`).
    pub bindings: Vec<String>,
    pub body: Block,
}

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

#[derive(Debug, Clone)]
pub struct Call {
    /// The called expression: a `Name` for a function or macro (`time.Sleep`, `format!`),
    /// a `Field` whose base is the receiver for a method call (`db.Exec`).
    pub callee: Box<Expr>,
    pub args: Vec<Expr>,
    /// What the call is, filled in by [`crate::analysis`] from the knowledge table.
    pub role: CallRole,
}

impl Call {
    /// The name the call is looked up by: its dotted callee (`db.ExecContext`), or for a
    /// method called on a computed receiver, `.method`.
    pub fn lookup_name(&self) -> String {
        self.callee
            .dotted()
            .unwrap_or_else(|| match &self.callee.kind {
                ExprKind::Field { name, .. } => format!(".{name}"),
                _ => String::new(),
            })
    }
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

impl BinOp {
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
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
