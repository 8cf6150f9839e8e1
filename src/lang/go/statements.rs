//! Go statements lowered: assignments and declarations (tracking the strings they bind),
//! `if` chains, switches and `select`, `for` loops, labels and jumps.

use std::ops::Range;

use tree_sitter::Node;

use super::expressions::binary_op;
use super::lower::Lowerer;
use super::nodes::{list_items, specs, statement_nodes};
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::{StringBinding, field_children, named_children, opaque, operator};
use crate::model::{
    Arm, BinOp, Block, Expr, ExprKind, Guard, Loop, LoopKind, Stmt, StmtKind, StrLit, Target,
    TargetKind,
};

impl Lowerer<'_> {
    pub(super) fn block(&mut self, node: Node) -> Block {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        self.statements(statement_nodes(children), Vec::new())
    }

    /// The body of a `case`/`default` clause, after `prelude` (names the clause binds).
    fn case_body(&mut self, case: Node, prelude: Vec<Stmt>) -> Block {
        let lists = named_children(case)
            .into_iter()
            .filter(|c| c.kind() == "statement_list")
            .collect();
        self.statements(statement_nodes(lists), prelude)
    }

    /// Lowers `items` in a scope of their own.
    pub(super) fn statements(&mut self, items: Vec<Node>, mut stmts: Vec<Stmt>) -> Block {
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

    fn stmt(&mut self, node: Node, out: &mut Vec<Stmt>) {
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
            "expression_statement" => Some(StmtKind::Expr(self.first_child_expr(node))),
            "short_var_declaration" | "assignment_statement" => Some(self.assignment(node)),
            "inc_statement" | "dec_statement" => Some(self.increment(node)),
            "var_declaration" | "const_declaration" => {
                self.declaration(node, out);
                None
            }
            "type_declaration" | "empty_statement" => None,
            "if_statement" => {
                self.if_statement(node, out);
                None
            }
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                self.switch(node, out);
                None
            }
            "for_statement" => Some(self.for_statement(node, None)),
            "labeled_statement" => {
                self.labeled(node, out);
                None
            }
            "return_statement" => {
                let values = list_items(named_children(node).into_iter().next());
                Some(StmtKind::Return(self.values(&values)))
            }
            "break_statement" => Some(StmtKind::Break(self.label_of(node))),
            "continue_statement" => Some(StmtKind::Continue(self.label_of(node))),
            "defer_statement" => Some(StmtKind::Defer(self.first_child_expr(node))),
            // The goroutine's call is evaluated here; when it runs is not this unit's flow.
            "go_statement" => Some(StmtKind::Expr(self.first_child_expr(node))),
            "block" => Some(StmtKind::Block(self.block(node))),
            _ => Some(StmtKind::Expr(self.expr(node))),
        };
        self.depth -= 1;
        if let Some(kind) = kind {
            out.push(Stmt { span, kind });
        }
    }

    fn label_of(&self, node: Node) -> Option<String> {
        named_children(node)
            .into_iter()
            .find(|c| c.kind() == "label_name")
            .map(|l| self.text(l).to_owned())
    }

    /// One value, or a [`ExprKind::List`] of several (`return a, b`, `x, y = 1, 2`).
    fn values(&mut self, nodes: &[Node]) -> Option<Expr> {
        match nodes {
            [] => None,
            [single] => Some(self.expr(*single)),
            [first, .., last] => {
                let items = nodes.iter().map(|n| self.expr(*n)).collect();
                Some(Expr::new(
                    first.start_byte()..last.end_byte(),
                    ExprKind::List(items),
                ))
            }
        }
    }

    fn target(&mut self, node: Node) -> Target {
        let kind = match node.kind() {
            "identifier" if self.text(node) == "_" => TargetKind::Discard,
            "identifier" => TargetKind::Name(self.text(node).to_owned()),
            _ => TargetKind::Place(self.expr(node)),
        };
        Target {
            span: node.byte_range(),
            kind,
        }
    }

    fn assignment(&mut self, node: Node) -> StmtKind {
        let left = list_items(node.child_by_field_name("left"));
        let right = list_items(node.child_by_field_name("right"));
        let op = operator(node).strip_suffix('=').and_then(binary_op);
        let value = self
            .values(&right)
            .unwrap_or_else(|| opaque(node.end_byte()..node.end_byte()));
        let targets: Vec<Target> = left.iter().map(|n| self.target(*n)).collect();
        let declares = node.kind() == "short_var_declaration";
        for (i, name_node) in left.iter().enumerate() {
            if name_node.kind() != "identifier" {
                continue;
            }
            let name = self.text(*name_node);
            let assigned = (left.len() == right.len())
                .then(|| self.fold(right[i], 0))
                .flatten();
            let folded = match op {
                None => assigned,
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
                Some(_) => None,
            };
            let binding = folded.map_or(StringBinding::Opaque, StringBinding::Var);
            if declares {
                self.scopes.declare(name, binding);
            } else {
                self.scopes.reassign(name, binding);
            }
        }
        StmtKind::Assign {
            targets,
            op,
            value,
            else_block: None,
        }
    }

    /// `i++` as `i += 1`.
    fn increment(&mut self, node: Node) -> StmtKind {
        let Some(operand) = named_children(node).into_iter().next() else {
            return StmtKind::Expr(opaque(node.byte_range()));
        };
        let op = if node.kind() == "inc_statement" {
            BinOp::Add
        } else {
            BinOp::Sub
        };
        if operand.kind() == "identifier" {
            self.scopes
                .reassign(self.text(operand), StringBinding::Opaque);
        }
        StmtKind::Assign {
            targets: vec![self.target(operand)],
            op: Some(op),
            value: Expr::new(
                operand.end_byte()..node.end_byte(),
                ExprKind::Number {
                    text: "1".to_owned(),
                    value: Some(1.0),
                },
            ),
            else_block: None,
        }
    }

    /// `var`/`const` inside a unit: one statement per spec.
    fn declaration(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let is_const = node.kind() == "const_declaration";
        for spec in specs(node) {
            let names = field_children(spec, "name");
            let values = list_items(spec.child_by_field_name("value"));
            let kind = match self.values(&values) {
                Some(value) => {
                    let targets = names.iter().map(|n| self.target(*n)).collect();
                    StmtKind::Assign {
                        targets,
                        op: None,
                        value,
                        else_block: None,
                    }
                }
                None => StmtKind::Declare {
                    names: names.iter().map(|n| self.text(*n).to_owned()).collect(),
                },
            };
            let declared_string = spec
                .child_by_field_name("type")
                .is_some_and(|t| self.text(t) == "string");
            for (i, name) in names.iter().enumerate() {
                let folded = if values.is_empty() && declared_string {
                    // `var q string`: the empty string, ready for `q += "…"`.
                    Some(StrLit::verbatim("", spec.end_byte()))
                } else if values.len() == names.len() {
                    self.fold(values[i], 0)
                } else {
                    None
                };
                let binding = match folded {
                    Some(lit) if is_const => StringBinding::Const(lit),
                    Some(lit) => StringBinding::Var(lit),
                    None => StringBinding::Opaque,
                };
                self.scopes.declare(self.text(*name), binding);
            }
            out.push(Stmt {
                span: spec.byte_range(),
                kind,
            });
        }
    }

    /// `if init; a {} else if b {} else {}`: the initializer, then one branch whose arms
    /// follow the `else if` chain. An `else if` with its own initializer stays nested in
    /// the `else` arm, since its initializer only runs when the earlier conditions fail.
    fn if_statement(&mut self, node: Node, out: &mut Vec<Stmt>) {
        self.scopes.enter();
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, out);
        }
        let mut arms = Vec::new();
        let mut current = node;
        loop {
            let guard = match current.child_by_field_name("condition") {
                Some(cond) => self.expr(cond),
                None => opaque(current.byte_range()),
            };
            let consequence = current.child_by_field_name("consequence");
            let body = consequence.map(|b| self.block(b)).unwrap_or_default();
            let end = consequence.map_or(current.end_byte(), |b| b.end_byte());
            arms.push(Arm {
                span: current.start_byte()..end,
                guard: Guard::Cond(guard),
                body,
            });
            match current.child_by_field_name("alternative") {
                Some(alt)
                    if alt.kind() == "if_statement"
                        && alt.child_by_field_name("initializer").is_none() =>
                {
                    current = alt;
                }
                Some(alt) => {
                    let body = if alt.kind() == "block" {
                        self.block(alt)
                    } else {
                        self.statements(vec![alt], Vec::new())
                    };
                    arms.push(Arm {
                        span: alt.byte_range(),
                        guard: Guard::Else,
                        body,
                    });
                    break;
                }
                None => break,
            }
        }
        self.scopes.leave();
        out.push(Stmt {
            span: node.byte_range(),
            kind: StmtKind::Branch {
                subject: None,
                arms,
            },
        });
    }

    /// Expression switches, type switches and `select`.
    fn switch(&mut self, node: Node, out: &mut Vec<Stmt>) {
        self.scopes.enter();
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, out);
        }
        let aliases: Vec<String> = list_items(node.child_by_field_name("alias"))
            .into_iter()
            .map(|a| self.text(a).to_owned())
            .collect();
        if let Some(alias) = node.child_by_field_name("alias") {
            for name in &aliases {
                self.scopes.declare(name, StringBinding::Opaque);
            }
            out.push(Stmt {
                span: alias.byte_range(),
                kind: StmtKind::Declare { names: aliases },
            });
        }
        let subject = node.child_by_field_name("value").map(|v| self.expr(v));
        let mut arms = Vec::new();
        for case in named_children(node) {
            let (guard, prelude) = match case.kind() {
                "default_case" => (Guard::Else, Vec::new()),
                "type_case" => {
                    let alternatives = field_children(case, "type")
                        .into_iter()
                        .map(|t| self.type_name(t))
                        .collect();
                    (
                        Guard::Pattern {
                            alternatives,
                            extra: None,
                        },
                        Vec::new(),
                    )
                }
                "expression_case" => {
                    let values = list_items(case.child_by_field_name("value"));
                    let values: Vec<Expr> = values.iter().map(|v| self.expr(*v)).collect();
                    let guard = if subject.is_some() {
                        Guard::Pattern {
                            alternatives: values,
                            extra: None,
                        }
                    } else {
                        Guard::Cond(any_of(values, case.byte_range()))
                    };
                    (guard, Vec::new())
                }
                "communication_case" => self.communication(case),
                _ => continue,
            };
            let body = self.case_body(case, prelude);
            arms.push(Arm {
                span: case.byte_range(),
                guard,
                body,
            });
        }
        self.scopes.leave();
        out.push(Stmt {
            span: node.byte_range(),
            kind: StmtKind::Branch { subject, arms },
        });
    }

    /// A `select` case: its guard is the channel operation; names a receive binds are
    /// declared at the top of its body.
    fn communication(&mut self, case: Node) -> (Guard, Vec<Stmt>) {
        let Some(comm) = case.child_by_field_name("communication") else {
            return (Guard::Cond(opaque(case.byte_range())), Vec::new());
        };
        match comm.kind() {
            "receive_statement" => {
                let guard = match comm.child_by_field_name("right") {
                    Some(right) => self.expr(right),
                    None => opaque(comm.byte_range()),
                };
                let mut prelude = Vec::new();
                if let Some(left) = comm.child_by_field_name("left") {
                    let names: Vec<String> = list_items(Some(left))
                        .into_iter()
                        .map(|n| self.text(n).to_owned())
                        .collect();
                    prelude.push(Stmt {
                        span: left.byte_range(),
                        kind: StmtKind::Declare { names },
                    });
                }
                (Guard::Cond(guard), prelude)
            }
            _ => (Guard::Cond(self.expr(comm)), Vec::new()),
        }
    }

    fn labeled(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let label = node
            .child_by_field_name("label")
            .map(|l| self.text(l).to_owned());
        let inner = named_children(node)
            .into_iter()
            .find(|c| c.kind() != "label_name");
        match inner {
            Some(inner) if inner.kind() == "for_statement" => {
                let kind = self.for_statement(inner, label);
                out.push(Stmt {
                    span: node.byte_range(),
                    kind,
                });
            }
            Some(inner) => self.stmt(inner, out),
            None => {}
        }
    }

    fn for_statement(&mut self, node: Node, label: Option<String>) -> StmtKind {
        self.scopes.enter();
        let body_node = node.child_by_field_name("body");
        let header = named_children(node)
            .into_iter()
            .find(|c| Some(c.id()) != body_node.map(|b| b.id()));
        let mut lowered = Loop {
            kind: LoopKind::Infinite,
            label,
            init: Vec::new(),
            cond: None,
            post: Vec::new(),
            bindings: Vec::new(),
            body: Block::default(),
        };
        match header {
            Some(clause) if clause.kind() == "for_clause" => {
                if let Some(init) = clause.child_by_field_name("initializer") {
                    self.stmt(init, &mut lowered.init);
                }
                lowered.cond = clause
                    .child_by_field_name("condition")
                    .map(|c| self.expr(c));
                if lowered.cond.is_some() {
                    lowered.kind = LoopKind::While;
                }
                if let Some(update) = clause.child_by_field_name("update") {
                    self.stmt(update, &mut lowered.post);
                }
            }
            Some(clause) if clause.kind() == "range_clause" => {
                lowered.kind = LoopKind::Each;
                lowered.cond = clause.child_by_field_name("right").map(|r| self.expr(r));
                for binding in list_items(clause.child_by_field_name("left")) {
                    let name = self.text(binding);
                    self.scopes.declare(name, StringBinding::Opaque);
                    lowered.bindings.push(name.to_owned());
                }
            }
            Some(cond) => {
                lowered.kind = LoopKind::While;
                lowered.cond = Some(self.expr(cond));
            }
            None => {}
        }
        if let Some(body) = body_node {
            lowered.body = self.block(body);
        }
        self.scopes.leave();
        StmtKind::Loop(lowered)
    }
}

/// `case a, b:` of a switch with no subject: true when any of them is.
fn any_of(values: Vec<Expr>, case_span: Range<usize>) -> Expr {
    let mut values = values.into_iter();
    let Some(first) = values.next() else {
        return opaque(case_span);
    };
    values.fold(first, |acc, next| {
        Expr::new(
            acc.span.start..next.span.end,
            ExprKind::Binary {
                op: BinOp::Or,
                lhs: Box::new(acc),
                rhs: Box::new(next),
            },
        )
    })
}
