//! TypeScript and JavaScript statements lowered: assignments and declarations (tracking
//! the strings they bind), `if` chains, switches, loops, labels and jumps, `try`.

use tree_sitter::Node;

use super::expressions::binary_op;
use super::lower::Lowerer;
use super::nodes::{
    declares_nothing, field_less_children, is_const_declaration, unwrap_expression,
};
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{
    StringBinding, field_children, named_children, opaque, operator, statement_nodes,
};
use crate::model::{Arm, BinOp, Block, Expr, ExprKind, Guard, Loop, LoopKind, Stmt, StmtKind};

impl Lowerer<'_> {
    pub(super) fn block(&mut self, node: Node) -> Block {
        self.statements(statement_nodes(node))
    }

    /// A statement that stands as a body (`if (c) x();`), as a block.
    fn body(&mut self, node: Node) -> Block {
        if node.kind() == "statement_block" {
            self.block(node)
        } else {
            self.statements(vec![node])
        }
    }

    /// Lowers `items` in a scope of their own.
    fn statements(&mut self, items: Vec<Node>) -> Block {
        let mut stmts = Vec::new();
        if self.depth >= MAX_DEPTH {
            if let (Some(first), Some(last)) = (items.first(), items.last()) {
                let span = first.start_byte()..last.end_byte();
                stmts.push(Stmt {
                    span: span.clone(),
                    kind: StmtKind::Expr(opaque(span)),
                });
            }
            return Block { stmts };
        }
        self.depth += 1;
        self.scopes.enter();
        for item in items {
            self.stmt(item, &mut stmts);
        }
        self.scopes.leave();
        self.depth -= 1;
        Block { stmts }
    }

    pub(super) fn stmt(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let span = node.byte_range();
        if self.depth >= MAX_DEPTH {
            out.push(Stmt {
                span: span.clone(),
                kind: StmtKind::Expr(opaque(span)),
            });
            return;
        }
        self.depth += 1;
        let kind = match node.kind() {
            "expression_statement" => named_children(node)
                .into_iter()
                .next()
                .map(|expression| self.expression_statement(expression)),
            "lexical_declaration" | "variable_declaration" => {
                for declarator in field_less_children(node, "variable_declarator") {
                    self.declarator(node, declarator, out);
                }
                None
            }
            "if_statement" => Some(self.if_statement(node)),
            "switch_statement" => Some(self.switch(node)),
            "for_statement" => Some(self.for_statement(node, None)),
            "for_in_statement" => Some(self.for_in(node, None)),
            "while_statement" | "do_statement" => Some(self.while_loop(node, None)),
            "labeled_statement" => {
                self.labeled(node, out);
                None
            }
            "try_statement" => Some(self.try_statement(node)),
            "return_statement" => Some(StmtKind::Return(
                named_children(node)
                    .into_iter()
                    .next()
                    .map(|v| self.expr(v)),
            )),
            "throw_statement" => Some(StmtKind::Throw(match named_children(node).first() {
                Some(value) => self.expr(*value),
                None => opaque(span.clone()),
            })),
            "break_statement" => Some(StmtKind::Break(self.label_of(node))),
            "continue_statement" => Some(StmtKind::Continue(self.label_of(node))),
            "statement_block" => Some(StmtKind::Block(self.block(node))),
            "with_statement" => node
                .child_by_field_name("body")
                .map(|body| StmtKind::Block(self.body(body))),
            "function_declaration" | "generator_function_declaration" => {
                let name = self.declared_name(node);
                let unit = self.function(&name, node);
                self.nested.push(unit);
                None
            }
            "class_declaration" | "abstract_class_declaration" => {
                let class = self.declared_name(node);
                self.path.push(class);
                let methods = self.class_units(node);
                self.path.pop();
                self.nested.extend(methods);
                None
            }
            "export_statement" => {
                if let Some(inner) = node
                    .child_by_field_name("declaration")
                    .or_else(|| node.child_by_field_name("value"))
                {
                    self.stmt(inner, out);
                }
                None
            }
            kind if declares_nothing(kind) => None,
            _ => Some(StmtKind::Expr(self.expr(node))),
        };
        self.depth -= 1;
        if let Some(kind) = kind {
            out.push(Stmt { span, kind });
        }
    }

    fn label_of(&self, node: Node) -> Option<String> {
        node.child_by_field_name("label")
            .map(|l| self.text(l).to_owned())
    }

    /// An expression standing as a statement: assignments and `x++` are
    /// [`StmtKind::Assign`]s, anything else is evaluated for its effect.
    fn expression_statement(&mut self, node: Node) -> StmtKind {
        match node.kind() {
            "assignment_expression" | "augmented_assignment_expression" => self.assignment(node),
            "update_expression" => self.increment(node),
            _ => StmtKind::Expr(self.expr(node)),
        }
    }

    fn assignment(&mut self, node: Node) -> StmtKind {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return StmtKind::Expr(self.expr(node));
        };
        let op = operator(node)
            .strip_suffix('=')
            .filter(|op| !op.is_empty())
            .and_then(binary_op);
        let value = self.expr(right);
        let target = self.target(left);
        if left.kind() == "identifier" {
            let name = self.text(left);
            let assigned = self.fold(right, 0);
            let folded = match op {
                None if node.kind() == "assignment_expression" => assigned,
                Some(BinOp::Add) => match (self.scopes.lookup(name), assigned) {
                    (
                        Some(StringBinding::Var(current) | StringBinding::Const(current)),
                        Some(tail),
                    ) => {
                        let mut joined = current.clone();
                        joined.push(&tail);
                        Some(joined)
                    }
                    _ => None,
                },
                _ => None,
            };
            self.scopes.reassign(
                name,
                folded.map_or(StringBinding::Opaque, StringBinding::Var),
            );
        } else {
            for name in self.bound_names(left) {
                self.scopes.reassign(&name, StringBinding::Opaque);
            }
        }
        StmtKind::Assign {
            targets: vec![target],
            op,
            value,
            else_block: None,
        }
    }

    /// `i++` as `i += 1`.
    fn increment(&mut self, node: Node) -> StmtKind {
        let Some(operand) = node.child_by_field_name("argument") else {
            return StmtKind::Expr(opaque(node.byte_range()));
        };
        let op = if operator(node) == "++" {
            BinOp::Add
        } else {
            BinOp::Sub
        };
        if operand.kind() == "identifier" {
            self.scopes
                .reassign(self.text(operand), StringBinding::Opaque);
        }
        let one_at = if operand.start_byte() == node.start_byte() {
            operand.end_byte()..node.end_byte()
        } else {
            node.start_byte()..operand.start_byte()
        };
        StmtKind::Assign {
            targets: vec![self.target(operand)],
            op: Some(op),
            value: Expr::new(
                one_at,
                ExprKind::Number {
                    text: "1".to_owned(),
                    value: Some(1.0),
                },
            ),
            else_block: None,
        }
    }

    /// One declarator of a `const`/`let`/`var` declaration, as one statement (spanning the
    /// whole declaration when it declares one name).
    pub(super) fn declarator(&mut self, declaration: Node, declarator: Node, out: &mut Vec<Stmt>) {
        let Some(name) = declarator.child_by_field_name("name") else {
            return;
        };
        let value = declarator.child_by_field_name("value");
        let span = if field_less_children(declaration, "variable_declarator").len() == 1 {
            declaration.byte_range()
        } else {
            declarator.byte_range()
        };
        let kind = match value {
            Some(value) => StmtKind::Assign {
                targets: vec![self.target(name)],
                op: None,
                value: self.expr(value),
                else_block: None,
            },
            None => StmtKind::Declare {
                names: self.bound_names(name),
            },
        };
        let folded = match value {
            Some(value) if name.kind() == "identifier" => self.fold(value, 0),
            _ => None,
        };
        let binding = match folded {
            Some(lit) if is_const_declaration(declaration) => StringBinding::Const(lit),
            Some(lit) => StringBinding::Var(lit),
            None => StringBinding::Opaque,
        };
        if name.kind() == "identifier" {
            self.scopes.declare(self.text(name), binding);
        } else {
            for bound in self.bound_names(name) {
                self.scopes.declare(&bound, StringBinding::Opaque);
            }
        }
        out.push(Stmt { span, kind });
    }

    /// `if (a) {} else if (b) {} else {}`: one branch whose arms follow the `else if` chain.
    fn if_statement(&mut self, node: Node) -> StmtKind {
        let mut arms = Vec::new();
        let mut current = node;
        loop {
            let guard = match current.child_by_field_name("condition") {
                Some(cond) => self.expr(cond),
                None => opaque(current.byte_range()),
            };
            let consequence = current.child_by_field_name("consequence");
            let body = consequence.map(|b| self.body(b)).unwrap_or_default();
            let end = consequence.map_or(current.end_byte(), |b| b.end_byte());
            arms.push(Arm {
                span: current.start_byte()..end,
                guard: Guard::Cond(guard),
                body,
            });
            let alternative = current
                .child_by_field_name("alternative")
                .and_then(|clause| named_children(clause).into_iter().next());
            match alternative {
                Some(alt) if alt.kind() == "if_statement" => current = alt,
                Some(alt) => {
                    arms.push(Arm {
                        span: alt.byte_range(),
                        guard: Guard::Else,
                        body: self.body(alt),
                    });
                    break;
                }
                None => break,
            }
        }
        StmtKind::Branch {
            subject: None,
            arms,
        }
    }

    /// `switch (v) { case a: case b: …; break; default: … }`: one arm per run of cases that
    /// share a body.
    fn switch(&mut self, node: Node) -> StmtKind {
        let subject = node.child_by_field_name("value").map(|v| self.expr(v));
        let cases = node
            .child_by_field_name("body")
            .map(named_children)
            .unwrap_or_default();
        let mut arms = Vec::new();
        let mut alternatives = Vec::new();
        let mut run_start = None;
        let mut is_default = false;
        for case in cases {
            if !matches!(case.kind(), "switch_case" | "switch_default") {
                continue;
            }
            run_start.get_or_insert(case.start_byte());
            match case.child_by_field_name("value") {
                Some(value) => alternatives.push(self.expr(value)),
                None => is_default = true,
            }
            let body = field_children(case, "body");
            if body.is_empty() {
                continue;
            }
            let mut body = self.statements(body);
            drop_closing_break(&mut body);
            let guard = if is_default {
                Guard::Else
            } else {
                Guard::Pattern {
                    alternatives: std::mem::take(&mut alternatives),
                    extra: None,
                }
            };
            arms.push(Arm {
                span: run_start.take().unwrap_or(case.start_byte())..case.end_byte(),
                guard,
                body,
            });
            alternatives.clear();
            is_default = false;
        }
        StmtKind::Branch { subject, arms }
    }

    fn labeled(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let label = self.label_of(node);
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let kind = match body.kind() {
            "for_statement" => self.for_statement(body, label),
            "for_in_statement" => self.for_in(body, label),
            "while_statement" | "do_statement" => self.while_loop(body, label),
            _ => {
                self.stmt(body, out);
                return;
            }
        };
        out.push(Stmt {
            span: node.byte_range(),
            kind,
        });
    }

    fn new_loop(kind: LoopKind, label: Option<String>) -> Loop {
        Loop {
            kind,
            label,
            init: Vec::new(),
            cond: None,
            post: Vec::new(),
            bindings: Vec::new(),
            body: Block::default(),
        }
    }

    /// `for (init; cond; update) body`.
    fn for_statement(&mut self, node: Node, label: Option<String>) -> StmtKind {
        self.scopes.enter();
        let mut lowered = Self::new_loop(LoopKind::Infinite, label);
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, &mut lowered.init);
        }
        let cond = field_children(node, "condition")
            .into_iter()
            .next()
            .map(|c| match c.kind() {
                "expression_statement" => named_children(c).into_iter().next().unwrap_or(c),
                _ => c,
            });
        if let Some(cond) = cond.filter(|c| c.kind() != "empty_statement" && !is_true(*c)) {
            lowered.kind = LoopKind::While;
            lowered.cond = Some(self.expr(cond));
        }
        if let Some(update) = node.child_by_field_name("increment") {
            let kind = self.expression_statement(update);
            lowered.post.push(Stmt {
                span: update.byte_range(),
                kind,
            });
        }
        if let Some(body) = node.child_by_field_name("body") {
            lowered.body = self.body(body);
        }
        self.scopes.leave();
        StmtKind::Loop(lowered)
    }

    /// `for (const x of xs)`, `for (k in obj)`, `for await (…)`.
    fn for_in(&mut self, node: Node, label: Option<String>) -> StmtKind {
        self.scopes.enter();
        let mut lowered = Self::new_loop(LoopKind::Each, label);
        lowered.cond = node.child_by_field_name("right").map(|r| self.expr(r));
        if let Some(left) = node.child_by_field_name("left") {
            for name in self.bound_names(unwrap_expression(left)) {
                self.scopes.declare(&name, StringBinding::Opaque);
                lowered.bindings.push(name);
            }
        }
        if let Some(body) = node.child_by_field_name("body") {
            lowered.body = self.body(body);
        }
        self.scopes.leave();
        StmtKind::Loop(lowered)
    }

    /// `while (c) body` and `do body while (c)`: the model does not tell them apart.
    fn while_loop(&mut self, node: Node, label: Option<String>) -> StmtKind {
        let mut lowered = Self::new_loop(LoopKind::Infinite, label);
        if let Some(cond) = node
            .child_by_field_name("condition")
            .filter(|c| !is_true(*c))
        {
            lowered.kind = LoopKind::While;
            lowered.cond = Some(self.expr(cond));
        }
        if let Some(body) = node.child_by_field_name("body") {
            lowered.body = self.body(body);
        }
        StmtKind::Loop(lowered)
    }

    fn try_statement(&mut self, node: Node) -> StmtKind {
        let body = node
            .child_by_field_name("body")
            .map(|b| self.block(b))
            .unwrap_or_default();
        let mut catch_binding = None;
        let handler = node.child_by_field_name("handler").map(|clause| {
            self.scopes.enter();
            let mut prelude = Vec::new();
            if let Some(param) = clause.child_by_field_name("parameter") {
                let names = self.bound_names(param);
                for name in &names {
                    self.scopes.declare(name, StringBinding::Opaque);
                }
                if param.kind() == "identifier" {
                    catch_binding = Some(self.text(param).to_owned());
                }
                prelude.push(Stmt {
                    span: clause.start_byte()..catch_header_end(clause, param),
                    kind: StmtKind::Declare { names },
                });
            }
            let mut handler = clause
                .child_by_field_name("body")
                .map(|b| self.block(b))
                .unwrap_or_default();
            self.scopes.leave();
            prelude.append(&mut handler.stmts);
            Block { stmts: prelude }
        });
        let finally = node
            .child_by_field_name("finalizer")
            .and_then(|clause| clause.child_by_field_name("body"))
            .map(|b| self.block(b));
        StmtKind::Try {
            body,
            catch_binding,
            handler,
            finally,
        }
    }
}

/// `true` as a loop condition: the loop only ends from inside.
fn is_true(node: Node) -> bool {
    unwrap_expression(node).kind() == "true"
}

/// Where `catch (e)` ends: after its closing parenthesis (or the binding, if that is missing).
fn catch_header_end(clause: Node, param: Node) -> usize {
    let mut cursor = clause.walk();
    let close = clause
        .children(&mut cursor)
        .find(|c| c.kind() == ")" && c.start_byte() >= param.end_byte() && !c.is_missing());
    close.map_or(param.end_byte(), |c| c.end_byte())
}

/// Takes off the unlabeled `break` that ends a `switch` case (inside a trailing block too):
/// it leaves the switch, which in the model is where an arm ends anyway.
fn drop_closing_break(block: &mut Block) {
    let mut block = block;
    loop {
        match block.stmts.last().map(|s| &s.kind) {
            Some(StmtKind::Break(None)) => {
                block.stmts.pop();
                return;
            }
            Some(StmtKind::Block(_)) => {
                let Some(StmtKind::Block(inner)) = block.stmts.last_mut().map(|s| &mut s.kind)
                else {
                    return;
                };
                block = inner;
            }
            _ => return,
        }
    }
}
