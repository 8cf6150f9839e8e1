//! Statements: blocks of them in source order, under the control flow the rules follow
//! (assignments, branches, loops, try/catch, returns).

use super::{BinOp, Expr, Span};

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
