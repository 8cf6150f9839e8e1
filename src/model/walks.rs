//! The walks the analyses ask for, each a [`Visitor`]: the statements or the expressions of
//! a block as far as a [`Scope`] reaches, and the expressions directly under a statement or
//! an expression. All list in the walk's order (see [`super::visit`]).

use super::module::Unit;
use super::syntax::{Block, Expr, Stmt};
use super::visit::{Visitor, walk_expr, walk_stmt};

/// How far a walk over a block goes beyond its statements, the blocks nested in them and
/// their expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The init and post statements of a C-style `for` header (`i := 0`, `i++`).
    pub for_clauses: bool,
    /// Closure bodies, which run on their own schedule rather than where they are written.
    pub closures: bool,
}

impl Scope {
    /// Blocks only: no `for` header statements, no closure bodies. What
    /// [`Block::all_stmts`], [`Unit::all_exprs`] and [`Expr::walk`] list, and so where a
    /// unit's calls and queries are found: a call in a `for` header's init or post statement
    /// is not one of them.
    pub const BLOCKS: Scope = Scope {
        for_clauses: false,
        closures: false,
    };

    /// The unit's own flow: `for` header statements too, closure bodies not. What the
    /// analyses of loops, assignments, returned values and failure tests walk.
    pub const FLOW: Scope = Scope {
        for_clauses: true,
        closures: false,
    };

    /// Everything, closure bodies included: what a function value does when it runs.
    pub const DEEP: Scope = Scope {
        for_clauses: true,
        closures: true,
    };
}

/// Collects every statement reached.
struct Statements<'m> {
    scope: Scope,
    found: Vec<&'m Stmt>,
}

impl<'m> Visitor<'m> for Statements<'m> {
    fn visit_stmt(&mut self, stmt: &'m Stmt) {
        self.found.push(stmt);
        walk_stmt(self, stmt);
    }

    fn visit_for_clause(&mut self, clause: &'m Stmt) {
        if self.scope.for_clauses {
            self.visit_stmt(clause);
        }
    }

    /// Statements stand inside expressions only in closure bodies: without them, the
    /// expressions need no walk.
    fn visit_expr(&mut self, expr: &'m Expr) {
        if self.scope.closures {
            walk_expr(self, expr);
        }
    }
}

/// Collects every expression reached, sub-expressions included.
struct Expressions<'m> {
    scope: Scope,
    found: Vec<&'m Expr>,
}

impl<'m> Visitor<'m> for Expressions<'m> {
    fn visit_expr(&mut self, expr: &'m Expr) {
        self.found.push(expr);
        walk_expr(self, expr);
    }

    fn visit_for_clause(&mut self, clause: &'m Stmt) {
        if self.scope.for_clauses {
            self.visit_stmt(clause);
        }
    }

    fn visit_closure_body(&mut self, body: &'m Block) {
        if self.scope.closures {
            self.visit_block(body);
        }
    }
}

/// Collects the expressions directly under a node, going no deeper: not into them, not into
/// nested blocks, `for` header statements or closure bodies.
#[derive(Default)]
struct Direct<'m> {
    found: Vec<&'m Expr>,
}

impl<'m> Visitor<'m> for Direct<'m> {
    fn visit_expr(&mut self, expr: &'m Expr) {
        self.found.push(expr);
    }

    fn visit_block(&mut self, _: &'m Block) {}

    fn visit_for_clause(&mut self, _: &'m Stmt) {}

    fn visit_closure_body(&mut self, _: &'m Block) {}
}

impl Block {
    /// Every statement of this block and of the blocks nested in it, as far as `scope`
    /// reaches, in source order (a statement before those nested in it).
    pub fn stmts_in(&self, scope: Scope) -> Vec<&Stmt> {
        let mut statements = Statements {
            scope,
            found: Vec::new(),
        };
        statements.visit_block(self);
        crate::work::step(statements.found.len());
        statements.found
    }

    /// Every expression of this block's statements and of the statements nested in them,
    /// sub-expressions included, as far as `scope` reaches: a statement's own expressions
    /// before those of the statements nested in it.
    pub fn exprs_in(&self, scope: Scope) -> Vec<&Expr> {
        let mut expressions = Expressions {
            scope,
            found: Vec::new(),
        };
        expressions.visit_block(self);
        crate::work::step(expressions.found.len());
        expressions.found
    }

    /// Every statement in this block and the blocks nested in it (branch arms, loop bodies,
    /// try/catch, nested blocks, let-else), in source order: [`Scope::BLOCKS`].
    pub fn all_stmts(&self) -> Vec<&Stmt> {
        self.stmts_in(Scope::BLOCKS)
    }
}

impl Stmt {
    /// This statement and the statements nested in it, as far as `scope` reaches, in source
    /// order.
    pub fn stmts_in(&self, scope: Scope) -> Vec<&Stmt> {
        let mut statements = Statements {
            scope,
            found: Vec::new(),
        };
        statements.visit_stmt(self);
        crate::work::step(statements.found.len());
        statements.found
    }

    /// The expressions this statement evaluates itself (not those of nested blocks, nor of a
    /// `for` header's statements).
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut direct = Direct::default();
        walk_stmt(&mut direct, self);
        direct.found
    }
}

impl Expr {
    /// The direct sub-expressions, in source order. Closure bodies are not included:
    /// they run on their own schedule, not as part of this expression.
    pub fn children(&self) -> Vec<&Expr> {
        let mut direct = Direct::default();
        walk_expr(&mut direct, self);
        direct.found
    }

    /// This expression and every expression under it, as far as `scope` reaches, in
    /// pre-order.
    pub fn exprs_in(&self, scope: Scope) -> Vec<&Expr> {
        let mut expressions = Expressions {
            scope,
            found: Vec::new(),
        };
        expressions.visit_expr(self);
        crate::work::step(expressions.found.len());
        expressions.found
    }

    /// Every sub-expression, this one included, in pre-order, closure bodies not entered:
    /// [`Scope::BLOCKS`].
    pub fn walk(&self) -> Vec<&Expr> {
        self.exprs_in(Scope::BLOCKS)
    }
}

impl Unit {
    /// Every expression in the unit (outside closures), in source order, sub-expressions
    /// included: [`Scope::BLOCKS`].
    pub fn all_exprs(&self) -> Vec<&Expr> {
        self.body.exprs_in(Scope::BLOCKS)
    }
}
