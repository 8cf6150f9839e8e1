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

mod lang;
mod module;
mod moves;
mod role;
mod span;
mod syntax;
pub mod visit;
mod walks;

pub use lang::{FileKind, FileKinds, Lang};
pub use module::{Arity, Comment, Export, Import, Module, NoteWeight, ParseNote, Unit, UnitKind};
pub use role::{CallRole, KvOp, Outcome, Query, RetryCall, SqlText};
pub use span::{Span, StrLit};
pub use syntax::{
    Arm, BinOp, Block, Call, Expr, ExprKind, Guard, Loop, LoopKind, Stmt, StmtKind, Target,
    TargetKind, UnOp,
};
pub use walks::Scope;
