//! Whether a statement lets control fall through it: a `return`, `throw`, `break` or
//! `continue`, a call that never returns (`panic`, `os.Exit`, `t.Fatal`: the knowledge
//! table's diverging calls), or a branch all of whose arms diverge.

use crate::knowledge::DIVERGING_CALLS;
use crate::model::{Block, Guard, Stmt, StmtKind};

/// Whether control never falls through the end of this statement list: it ends in
/// `return`, `throw`, `break`, `continue`, a `panic`-like call, or a branch whose every arm
/// (with an `else`) diverges.
pub fn block_diverges(block: &Block) -> bool {
    block.stmts.last().is_some_and(diverges)
}

/// Whether every way through this statement list ends in a `throw` (a handler that
/// raises again whatever it caught); a `return` or a fall-through settles the failure.
pub fn block_throws(block: &Block) -> bool {
    block.stmts.last().is_some_and(|stmt| match &stmt.kind {
        StmtKind::Throw(_) => true,
        StmtKind::Branch { arms, .. } => {
            arms.iter().any(|a| matches!(a.guard, Guard::Else))
                && arms.iter().all(|a| block_throws(&a.body))
        }
        StmtKind::Block(b) => block_throws(b),
        _ => false,
    })
}

/// Whether this statement never completes normally.
pub fn diverges(stmt: &Stmt) -> bool {
    match &stmt.kind {
        StmtKind::Return(_) | StmtKind::Throw(_) | StmtKind::Break(_) | StmtKind::Continue(_) => {
            true
        }
        StmtKind::Expr(e) => e.as_call().is_some_and(|c| {
            c.callee
                .last_segment()
                .is_some_and(|name| DIVERGING_CALLS.contains(&name.trim_end_matches('!')))
        }),
        StmtKind::Branch { arms, .. } => {
            arms.iter().any(|a| matches!(a.guard, Guard::Else))
                && arms.iter().all(|a| block_diverges(&a.body))
        }
        StmtKind::Block(b) => block_diverges(b),
        _ => false,
    }
}
