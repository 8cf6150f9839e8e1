//! The language-blind model that every front-end lowers into and every rule reads.
//!
//! A [`Unit`] is one function (or one SQL script): its statements in source
//! order, under the control flow that matters to the rules (branches, loops,
//! try/catch, returns). Expressions keep only what the rules need to follow a
//! value: names, field access, calls, string literals (with a map back to the
//! file), numbers, operators, closures and struct literals. Anything else is
//! lowered to [`ExprKind::Other`] with its children, so a walk still sees the
//! calls inside it.
//!
//! Front-ends produce the syntactic model only. [`crate::analysis`] then
//! classifies calls (queries, sleeps, randomness, key-value operations, retry
//! libraries) from the knowledge table, so that no front-end knows a library
//! and no rule knows a parser.

use std::ops::Range;

use crate::sql;

/// A byte range in the original file.
pub type Span = Range<usize>;

/// The source languages idemlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Go,
    Rust,
    Sql,
    /// TypeScript and JavaScript (`.ts`, `.tsx`, `.mts`, `.cts`, `.js`, `.jsx`, `.mjs`, `.cjs`):
    /// one front-end reads both.
    TypeScript,
}

// `Lang::ALL` lists every variant: a new one does not compile here until it is listed
// there too.
const _: () = match Lang::Go {
    Lang::Go | Lang::Rust | Lang::Sql | Lang::TypeScript => (),
};

impl Lang {
    /// Every language, in the order of the variants. A rule that reads every language says
    /// so with this, and a new language reaches it without an edit.
    pub const ALL: &'static [Lang] = &[Lang::Go, Lang::Rust, Lang::Sql, Lang::TypeScript];

    /// The host languages, whose code runs around the database with SQL in its strings
    /// (every language whose code is not SQL itself): where retry loops, sleeps and backoff
    /// are written. A rule about those reads these.
    pub const HOSTS: &'static [Lang] = &Lang::hosts();

    pub fn name(self) -> &'static str {
        match self {
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::Sql => "sql",
            Lang::TypeScript => "typescript",
        }
    }

    /// Whether the file's code is SQL itself, rather than host code with SQL in strings.
    /// A `const fn`, for [`Lang::HOSTS`].
    pub const fn code_is_sql(self) -> bool {
        match self {
            Lang::Sql => true,
            Lang::Go | Lang::Rust | Lang::TypeScript => false,
        }
    }

    /// Whether a failing call throws (rather than returning an error value): a variable
    /// assigned from a call then holds its success value, and a failure leaves the
    /// function unless a `try` catches it.
    pub fn fails_by_throwing(self) -> bool {
        match self {
            Lang::TypeScript => true,
            Lang::Go | Lang::Rust | Lang::Sql => false,
        }
    }

    /// [`Lang::HOSTS`]: the languages of [`Lang::ALL`] whose code is not SQL, in order.
    const fn hosts() -> [Lang; Lang::host_count()] {
        // Every slot is overwritten: there are exactly as many hosts as slots.
        let mut hosts = [Lang::Go; Lang::host_count()];
        let (mut from, mut to) = (0, 0);
        while from < Lang::ALL.len() {
            if !Lang::ALL[from].code_is_sql() {
                hosts[to] = Lang::ALL[from];
                to += 1;
            }
            from += 1;
        }
        hosts
    }

    const fn host_count() -> usize {
        let (mut i, mut count) = (0, 0);
        while i < Lang::ALL.len() {
            if !Lang::ALL[i].code_is_sql() {
                count += 1;
            }
            i += 1;
        }
        count
    }

    /// The language of a file, from its extension.
    pub fn from_path(path: &std::path::Path) -> Option<Lang> {
        match path.extension()?.to_str()? {
            "go" => Some(Lang::Go),
            "rs" => Some(Lang::Rust),
            "sql" => Some(Lang::Sql),
            "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs" => Some(Lang::TypeScript),
            _ => None,
        }
    }

    /// The language a name means, on the command line (`--lang`) or in a Markdown code
    /// block's info string.
    pub fn from_name(name: &str) -> Option<Lang> {
        match name {
            "go" | "golang" => Some(Lang::Go),
            "rust" | "rs" => Some(Lang::Rust),
            "sql" | "postgresql" | "psql" => Some(Lang::Sql),
            "ts" | "typescript" | "tsx" | "js" | "javascript" | "jsx" => Some(Lang::TypeScript),
            _ => None,
        }
    }
}

/// What a file idemlint checks is: source code in one language, or Markdown, a container of
/// fenced code blocks each checked in the language its info string names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Code(Lang),
    Markdown,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Code(lang) => lang.name(),
            FileKind::Markdown => "markdown",
        }
    }

    /// The language of the file's code, unless it is a container of several.
    pub fn lang(self) -> Option<Lang> {
        match self {
            FileKind::Code(lang) => Some(lang),
            FileKind::Markdown => None,
        }
    }

    /// What a file is, from its extension.
    pub fn from_path(path: &std::path::Path) -> Option<FileKind> {
        match path.extension()?.to_str()? {
            "md" | "markdown" => Some(FileKind::Markdown),
            _ => Lang::from_path(path).map(FileKind::Code),
        }
    }

    /// What a name on the command line (`--lang`) means.
    pub fn from_name(name: &str) -> Option<FileKind> {
        match name {
            "markdown" | "md" => Some(FileKind::Markdown),
            _ => Lang::from_name(name).map(FileKind::Code),
        }
    }
}

/// One lowered file: its units plus what the front-end could not read.
#[derive(Debug, Default)]
pub struct Module {
    pub units: Vec<Unit>,
    /// Comments with their spans, for inline suppressions.
    pub comments: Vec<Comment>,
    /// Parse problems worth telling the user (the file was still lowered as far as possible).
    pub diagnostics: Vec<ParseNote>,
    /// What the file imports, by the name it is known by in the file.
    pub imports: Vec<Import>,
    /// Code that only tests run, wherever the file is (a Rust `#[cfg(test)]` module or
    /// `#[test]` function): findings there are reported at the test-code levels.
    pub test_code: Vec<Span>,
}

/// A name the file binds to another module: `import pRetry from "p-retry"` binds `pRetry`
/// to `p-retry`; Go's `import "github.com/avast/retry-go/v4"` binds `retry`; Rust's
/// `use backon::Retryable;` binds `Retryable` to `backon::Retryable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The name as the file's code uses it.
    pub local: String,
    /// Where it comes from: an npm module, a Go import path, a Rust path.
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub span: Span,
    /// The comment text without its delimiters (`//`, `--`, `/* */`, `#`).
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct ParseNote {
    pub span: Span,
    pub message: String,
    pub weight: NoteWeight,
}

impl ParseNote {
    /// Part of a file the user owns could not be read: what stands there may go unchecked.
    pub fn warning(span: Span, message: impl Into<String>) -> ParseNote {
        ParseNote {
            span,
            message: message.into(),
            weight: NoteWeight::Warning,
        }
    }

    /// Something read another way than planned, with nothing the rules need lost.
    pub fn detail(span: Span, message: impl Into<String>) -> ParseNote {
        ParseNote {
            span,
            message: message.into(),
            weight: NoteWeight::Detail,
        }
    }
}

/// Whether a [`ParseNote`] is worth a warning on every run, or only when asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteWeight {
    /// A syntax error in a source file: shown as a warning.
    Warning,
    /// Shown only with `check --verbose`: a fallback that lost nothing, or an error in a
    /// Markdown code block, which is an illustration and often elided on purpose (`...`).
    Detail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    /// A function, method or closure body with its own name.
    Function,
    /// A SQL script, or host statements that stood outside any function.
    Script,
}

/// One function or script.
#[derive(Debug, Clone)]
pub struct Unit {
    pub name: String,
    pub kind: UnitKind,
    pub span: Span,
    pub params: Vec<String>,
    pub body: Block,
}

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

/// What a call does, as far as the rules care.
#[derive(Debug, Clone, Default)]
pub enum CallRole {
    /// Not classified yet, or nothing the knowledge table knows.
    #[default]
    Unknown,
    /// Runs SQL through a database driver.
    Query(Query),
    /// Blocks for the duration given by argument `duration_arg`.
    Sleep { duration_arg: usize },
    /// Draws randomness (`rand.Int63n`, `rand::random`, a jitter helper).
    Random,
    /// A key-value store operation (`Get`, `Set`, `SetNX`), with the key argument.
    Kv { op: KvOp, key_arg: usize },
    /// A retry or backoff library entry point or builder step; boxed because a library's
    /// facts are large and every call carries a role.
    Retry(Box<RetryCall>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvOp {
    Get,
    /// A plain write that overwrites whatever is there.
    Set,
    /// Set-if-absent (`SETNX`, `SET … NX`): atomic creation.
    SetIfAbsent,
}

/// A query call: the SQL it runs and what it gives back.
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: SqlText,
    pub outcome: Outcome,
}

/// What a driver call returns, which decides how "no row" and "nothing inserted" show up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A result with a rows-affected count (`Exec`, `execute`).
    Affected,
    /// One row; "no row" is an error value (`QueryRow` + `ErrNoRows`, `fetch_one`, `query_one`).
    OneRow,
    /// An optional row; "no row" is `None` (`fetch_optional`, `query_opt`).
    OptionalRow,
    /// Zero or more rows (`Query`, `fetch_all`, `query`).
    Rows,
    /// Not known (a query builder whose terminal call is elsewhere, or a SQL script statement).
    Unknown,
}

/// A call into a retry/backoff library, as the knowledge table describes it.
#[derive(Debug, Clone)]
pub struct RetryCall {
    /// The knowledge entry's id (e.g. `tokio-retry.spawn`).
    pub entry: String,
    /// Where the entry stands in the knowledge table's retry APIs: what the library does
    /// (`Knowledge::facts_of`).
    pub api: usize,
}

/// SQL text resolved from a string literal (or several, concatenated), with its facts.
#[derive(Debug, Clone)]
pub struct SqlText {
    pub text: StrLit,
    pub statements: Vec<sql::Statement>,
}

/// A string value as the program would see it, with a map back to the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrLit {
    pub value: String,
    /// `origin[i]` is the file offset of byte `i` of `value`; `origin[value.len()]` is one past
    /// the end of the last mapped byte. Bytes that came from an interpolation (a `%s` of a
    /// Sprintf template) map to the interpolated expression's start.
    pub origin: Vec<usize>,
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

impl StrLit {
    /// A literal whose value is the file text at `start..start + value.len()`, byte for byte
    /// (raw strings, strings without escapes).
    pub fn verbatim(value: &str, start: usize) -> StrLit {
        StrLit {
            value: value.to_owned(),
            origin: (start..=start + value.len()).collect(),
        }
    }

    /// The file span of `range`, a byte range of `value`.
    pub fn file_span(&self, range: Range<usize>) -> Span {
        let last = self.origin.len().saturating_sub(1);
        let start = self.origin.get(range.start.min(last)).copied().unwrap_or(0);
        let end = if range.end > range.start {
            self.origin
                .get(range.end.min(last).saturating_sub(1))
                .map(|&o| o + 1)
                .unwrap_or(start)
        } else {
            start
        };
        start..end.max(start)
    }

    /// Appends another literal (string concatenation).
    pub fn push(&mut self, other: &StrLit) {
        self.origin.pop();
        self.value.push_str(&other.value);
        self.origin.extend_from_slice(&other.origin);
    }
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

    /// The direct sub-expressions, in source order. Closure bodies are not included:
    /// they run on their own schedule, not as part of this expression.
    pub fn children(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.push_children(&mut out);
        out
    }

    /// Pushes [`Expr::children`] onto `out`, so that walks need no vector per expression.
    fn push_children<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        match &self.kind {
            ExprKind::Name(_)
            | ExprKind::Str(_)
            | ExprKind::Number { .. }
            | ExprKind::Bool(_)
            | ExprKind::Sql(_)
            | ExprKind::Closure { .. } => {}
            ExprKind::Field { base, .. } => out.push(base),
            ExprKind::Call(call) => {
                out.push(&call.callee);
                out.extend(call.args.iter());
            }
            ExprKind::Binary { lhs, rhs, .. } => out.extend([&**lhs, &**rhs]),
            ExprKind::Unary { operand, .. } => out.push(operand),
            ExprKind::Try(inner) => out.push(inner),
            ExprKind::Composite { fields, .. } => out.extend(fields.iter().map(|(_, e)| e)),
            ExprKind::Index { base, index } => out.extend([&**base, &**index]),
            ExprKind::List(items) | ExprKind::Other(items) => out.extend(items.iter()),
        }
    }

    /// Every sub-expression, this one included, in pre-order. Iterative, so deep nesting
    /// cannot overflow the stack.
    pub fn walk(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            out.push(e);
            let first_child = stack.len();
            e.push_children(&mut stack);
            stack[first_child..].reverse();
        }
        crate::work::step(out.len());
        out
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

impl Block {
    /// Every statement in this block and the blocks nested in it (branch arms, loop bodies,
    /// try/catch, nested blocks, let-else), in source order. Closure bodies are not entered.
    pub fn all_stmts(&self) -> Vec<&Stmt> {
        let mut out = Vec::new();
        let mut stack: Vec<&Stmt> = self.stmts.iter().rev().collect();
        while let Some(stmt) = stack.pop() {
            out.push(stmt);
            let first_nested = stack.len();
            for block in stmt.child_blocks() {
                stack.extend(block.stmts.iter());
            }
            stack[first_nested..].reverse();
        }
        crate::work::step(out.len());
        out
    }
}

impl Stmt {
    /// The blocks directly nested in this statement, in source order.
    pub fn child_blocks(&self) -> Vec<&Block> {
        match &self.kind {
            StmtKind::Branch { arms, .. } => arms.iter().map(|a| &a.body).collect(),
            StmtKind::Loop(l) => vec![&l.body],
            StmtKind::Try {
                body,
                handler,
                finally,
                ..
            } => std::iter::once(body)
                .chain(handler.iter())
                .chain(finally.iter())
                .collect(),
            StmtKind::Block(b) => vec![b],
            StmtKind::Assign {
                else_block: Some(b),
                ..
            } => vec![b],
            _ => Vec::new(),
        }
    }

    /// The expressions this statement evaluates itself (not those of nested blocks).
    pub fn exprs(&self) -> Vec<&Expr> {
        match &self.kind {
            StmtKind::Assign { targets, value, .. } => {
                let mut out: Vec<&Expr> = targets
                    .iter()
                    .filter_map(|t| match &t.kind {
                        TargetKind::Place(e) => Some(e),
                        _ => None,
                    })
                    .collect();
                out.push(value);
                out
            }
            StmtKind::Expr(e) | StmtKind::Defer(e) | StmtKind::Throw(e) => vec![e],
            StmtKind::Return(e) => e.iter().collect(),
            StmtKind::Branch { subject, arms } => {
                let mut out: Vec<&Expr> = subject.iter().collect();
                for arm in arms {
                    match &arm.guard {
                        Guard::Cond(c) => out.push(c),
                        Guard::Pattern {
                            alternatives,
                            extra,
                        } => {
                            out.extend(alternatives.iter());
                            out.extend(extra.iter());
                        }
                        Guard::Else => {}
                    }
                }
                out
            }
            StmtKind::Loop(l) => l.cond.iter().collect(),
            _ => Vec::new(),
        }
    }
}

impl Unit {
    /// Every expression in the unit (outside closures), in source order, sub-expressions
    /// included.
    pub fn all_exprs(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        for stmt in self.body.all_stmts() {
            for e in stmt.exprs() {
                out.extend(e.walk());
            }
        }
        out
    }
}
