//! The one walk over the model, in a read form ([`Visitor`]) and a mutable form
//! ([`VisitorMut`]), in the manner of syn's `visit`/`visit_mut` and rustc's `intravisit`.
//! Each `visit_*` method is called on a node of its kind and by default walks into it with
//! the matching `walk_*` function; a visitor overrides the methods of the nodes it cares
//! about, and calls `walk_*` where it goes on below them or does not, to stop there.
//!
//! The order is the one the rules have always read a unit in. A statement's own expressions
//! come before the statements nested in it: an assignment's targets and value, a branch's
//! subject and the guards of all its arms, a loop's condition, then the let-else block, the
//! arms' bodies, the loop body, the try body, handler and `finally`. A C-style `for` header's
//! init statements come before the loop body and its post statements after it. Sub-expressions
//! come in source order, and a closure's body is reached through the closure expression.
//!
//! Two parts of a unit do not run as the statements around them do, and a visitor says
//! whether it goes there: a `for` header's init and post statements
//! ([`Visitor::visit_for_clause`]) and closure bodies ([`Visitor::visit_closure_body`]).
//! Both are entered by default; `Scope` names the walks that leave them out.
//!
//! Call roles are not walked: they are what [`crate::analysis`] concluded, not syntax.
//!
//! Both forms are written once, by `walker!` below, so that they cannot drift apart.

use super::module::Unit;
use super::span::{Span, StrLit};
use super::syntax::{Block, Expr, ExprKind, Guard, Stmt, StmtKind, Target, TargetKind};

/// Writes a visitor trait and its `walk_*` functions for one way of holding the nodes:
/// `&'m` (read) or `&mut` (mutable). `nodes` is the reference type of the nodes, `borrow`
/// what a walk borrows their parts with (`&` or `&mut`).
macro_rules! walker {
    (
        $(#[$trait_doc:meta])*
        trait $Visitor:ident $(<$lt:lifetime>)? {
            nodes: [$($node:tt)+],
            borrow: [$($mut:tt)?],
            unit: $visit_unit:ident / $walk_unit:ident,
            block: $visit_block:ident / $walk_block:ident,
            stmt: $visit_stmt:ident / $walk_stmt:ident,
            for_clause: $visit_for_clause:ident,
            target: $visit_target:ident / $walk_target:ident,
            expr: $visit_expr:ident / $walk_expr:ident,
            closure_body: $visit_closure_body:ident,
            str: $visit_str:ident,
            span: $visit_span:ident $(,)?
        }
    ) => {
        $(#[$trait_doc])*
        pub trait $Visitor $(<$lt>)? {
            /// A unit: its span, then its body.
            fn $visit_unit(&mut self, unit: $($node)+ Unit) {
                $walk_unit(self, unit)
            }

            /// A block: each of its statements, in order.
            fn $visit_block(&mut self, block: $($node)+ Block) {
                $walk_block(self, block)
            }

            /// A statement: its span, its own expressions, then the blocks nested in it.
            fn $visit_stmt(&mut self, stmt: $($node)+ Stmt) {
                $walk_stmt(self, stmt)
            }

            /// An init or post statement of a C-style `for` header (`i := 0`, `i++`): by
            /// default visited as any other statement.
            fn $visit_for_clause(&mut self, clause: $($node)+ Stmt) {
                self.$visit_stmt(clause)
            }

            /// Where an assignment puts a value: its span, and the place expression if it is
            /// one (`x.f`, `a[i]`, a destructuring pattern).
            fn $visit_target(&mut self, target: $($node)+ Target) {
                $walk_target(self, target)
            }

            /// An expression: its span, then its sub-expressions in source order.
            fn $visit_expr(&mut self, expr: $($node)+ Expr) {
                $walk_expr(self, expr)
            }

            /// The body of a closure or function literal, which runs on its own schedule
            /// rather than where it is written: by default visited as any other block.
            fn $visit_closure_body(&mut self, body: $($node)+ Block) {
                self.$visit_block(body)
            }

            /// A string value with its map back to the file: a string literal, or the text
            /// of a SQL statement of a script.
            fn $visit_str(&mut self, _lit: $($node)+ StrLit) {}

            /// The span of a statement, an assignment target, a branch arm, an expression or
            /// a unit.
            fn $visit_span(&mut self, _span: $($node)+ Span) {}
        }

        /// Visits the span of `unit`, then its body.
        pub fn $walk_unit<$($lt,)? V: $Visitor $(<$lt>)? + ?Sized>(
            visitor: &mut V,
            unit: $($node)+ Unit,
        ) {
            visitor.$visit_span(& $($mut)? unit.span);
            visitor.$visit_block(& $($mut)? unit.body);
        }

        /// Visits each statement of `block`, in order.
        pub fn $walk_block<$($lt,)? V: $Visitor $(<$lt>)? + ?Sized>(
            visitor: &mut V,
            block: $($node)+ Block,
        ) {
            for stmt in & $($mut)? block.stmts {
                visitor.$visit_stmt(stmt);
            }
        }

        /// Visits the span of `stmt`, its own expressions, then the blocks nested in it.
        pub fn $walk_stmt<$($lt,)? V: $Visitor $(<$lt>)? + ?Sized>(
            visitor: &mut V,
            stmt: $($node)+ Stmt,
        ) {
            visitor.$visit_span(& $($mut)? stmt.span);
            match & $($mut)? stmt.kind {
                StmtKind::Assign {
                    targets,
                    value,
                    else_block,
                    ..
                } => {
                    for target in targets {
                        visitor.$visit_target(target);
                    }
                    visitor.$visit_expr(value);
                    if let Some(block) = else_block {
                        visitor.$visit_block(block);
                    }
                }
                StmtKind::Expr(expr)
                | StmtKind::Defer(expr)
                | StmtKind::Throw(expr)
                | StmtKind::Return(Some(expr)) => visitor.$visit_expr(expr),
                StmtKind::Branch { subject, arms } => {
                    if let Some(subject) = subject {
                        visitor.$visit_expr(subject);
                    }
                    // The branch decides which arm runs: every guard is its own expression,
                    // before any arm's body.
                    for arm in & $($mut)? *arms {
                        visitor.$visit_span(& $($mut)? arm.span);
                        match & $($mut)? arm.guard {
                            Guard::Cond(cond) => visitor.$visit_expr(cond),
                            Guard::Pattern {
                                alternatives,
                                extra,
                            } => {
                                for alternative in alternatives {
                                    visitor.$visit_expr(alternative);
                                }
                                if let Some(extra) = extra {
                                    visitor.$visit_expr(extra);
                                }
                            }
                            Guard::Else => {}
                        }
                    }
                    for arm in arms {
                        visitor.$visit_block(& $($mut)? arm.body);
                    }
                }
                StmtKind::Loop(looped) => {
                    if let Some(cond) = & $($mut)? looped.cond {
                        visitor.$visit_expr(cond);
                    }
                    for clause in & $($mut)? looped.init {
                        visitor.$visit_for_clause(clause);
                    }
                    visitor.$visit_block(& $($mut)? looped.body);
                    for clause in & $($mut)? looped.post {
                        visitor.$visit_for_clause(clause);
                    }
                }
                StmtKind::Try {
                    body,
                    handler,
                    finally,
                    ..
                } => {
                    visitor.$visit_block(body);
                    if let Some(handler) = handler {
                        visitor.$visit_block(handler);
                    }
                    if let Some(finally) = finally {
                        visitor.$visit_block(finally);
                    }
                }
                StmtKind::Block(block) => visitor.$visit_block(block),
                StmtKind::Declare { .. }
                | StmtKind::Return(None)
                | StmtKind::Break(_)
                | StmtKind::Continue(_) => {}
            }
        }

        /// Visits the span of `target`, then its place expression if it has one.
        pub fn $walk_target<$($lt,)? V: $Visitor $(<$lt>)? + ?Sized>(
            visitor: &mut V,
            target: $($node)+ Target,
        ) {
            visitor.$visit_span(& $($mut)? target.span);
            if let TargetKind::Place(place) = & $($mut)? target.kind {
                visitor.$visit_expr(place);
            }
        }

        /// Visits the span of `expr`, then its string value or its sub-expressions in
        /// source order (a closure's through its body).
        pub fn $walk_expr<$($lt,)? V: $Visitor $(<$lt>)? + ?Sized>(
            visitor: &mut V,
            expr: $($node)+ Expr,
        ) {
            visitor.$visit_span(& $($mut)? expr.span);
            match & $($mut)? expr.kind {
                ExprKind::Name(_) | ExprKind::Number { .. } | ExprKind::Bool(_) => {}
                ExprKind::Str(lit) => visitor.$visit_str(lit),
                ExprKind::Sql(sql) => visitor.$visit_str(& $($mut)? sql.text),
                ExprKind::Field { base, .. } => visitor.$visit_expr(base),
                ExprKind::Call(call) => {
                    visitor.$visit_expr(& $($mut)? call.callee);
                    for arg in & $($mut)? call.args {
                        visitor.$visit_expr(arg);
                    }
                }
                ExprKind::Binary { lhs, rhs, .. } => {
                    visitor.$visit_expr(lhs);
                    visitor.$visit_expr(rhs);
                }
                ExprKind::Unary { operand, .. } | ExprKind::Try(operand) => {
                    visitor.$visit_expr(operand)
                }
                ExprKind::Closure { body, .. } => visitor.$visit_closure_body(body),
                ExprKind::Composite { fields, .. } => {
                    for (_, value) in fields {
                        visitor.$visit_expr(value);
                    }
                }
                ExprKind::Index { base, index } => {
                    visitor.$visit_expr(base);
                    visitor.$visit_expr(index);
                }
                ExprKind::List(items) | ExprKind::Other(items) => {
                    for item in items {
                        visitor.$visit_expr(item);
                    }
                }
            }
        }
    };
}

walker! {
    /// A walk that reads the model. The nodes it visits live as long as the model (`'m`),
    /// so that a visitor can keep them.
    trait Visitor<'m> {
        nodes: [&'m],
        borrow: [],
        unit: visit_unit / walk_unit,
        block: visit_block / walk_block,
        stmt: visit_stmt / walk_stmt,
        for_clause: visit_for_clause,
        target: visit_target / walk_target,
        expr: visit_expr / walk_expr,
        closure_body: visit_closure_body,
        str: visit_str,
        span: visit_span,
    }
}

walker! {
    /// A walk that changes the model in place: classifies its calls, moves its spans.
    trait VisitorMut {
        nodes: [&mut],
        borrow: [mut],
        unit: visit_unit_mut / walk_unit_mut,
        block: visit_block_mut / walk_block_mut,
        stmt: visit_stmt_mut / walk_stmt_mut,
        for_clause: visit_for_clause_mut,
        target: visit_target_mut / walk_target_mut,
        expr: visit_expr_mut / walk_expr_mut,
        closure_body: visit_closure_body_mut,
        str: visit_str_mut,
        span: visit_span_mut,
    }
}
