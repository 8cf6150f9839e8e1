//! Python statements lowered: assignments (tracking the strings they bind), `if` chains,
//! `match`, loops, `try`/`except`, `with`, `raise`, and the definitions that make units.

use tree_sitter::Node;

use super::expressions::binary_op;
use super::lower::Lowerer;
use super::nodes::{declares_nothing, unwrap_parens};
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::statement_nodes;
use crate::lang::treesitter::{StringBinding, field_children, named_children, opaque, operator};
use crate::model::{
    Arm, Block, Call, CallRole, Expr, ExprKind, Guard, Loop, LoopKind, Stmt, StmtKind, Target,
    TargetKind,
};

/// The exception types an `except` clause catches everything with.
const CATCH_ALL: &[&str] = &["Exception", "BaseException", "builtins.Exception"];

impl Lowerer<'_> {
    pub(super) fn block(&mut self, node: Node) -> Block {
        let items = statement_nodes(node);
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
        for item in items {
            self.stmt(item, &mut stmts);
        }
        self.depth -= 1;
        Block { stmts }
    }

    fn body_of(&mut self, node: Node, field: &str) -> Block {
        node.child_by_field_name(field)
            .map(|b| self.block(b))
            .unwrap_or_default()
    }

    /// The block of a clause whose block has no field name (`finally:`, `except …:`).
    fn clause_block(&mut self, clause: Node) -> Block {
        named_children(clause)
            .into_iter()
            .rfind(|c| c.kind() == "block")
            .map(|b| self.block(b))
            .unwrap_or_default()
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
            "expression_statement" => self.expression_statement(node),
            "if_statement" => Some(self.if_statement(node)),
            "match_statement" => Some(self.match_statement(node)),
            "for_statement" => {
                let lowered = self.for_statement(node);
                out.push(Stmt {
                    span: span.clone(),
                    kind: lowered,
                });
                self.loop_else(node, out);
                None
            }
            "while_statement" => {
                let lowered = self.while_statement(node);
                out.push(Stmt {
                    span: span.clone(),
                    kind: lowered,
                });
                self.loop_else(node, out);
                None
            }
            "try_statement" => Some(self.try_statement(node)),
            "with_statement" => Some(self.with_statement(node)),
            "return_statement" => Some(StmtKind::Return(
                named_children(node).first().map(|v| self.expr(*v)),
            )),
            "raise_statement" => Some(StmtKind::Throw(self.raised(node))),
            "break_statement" => Some(StmtKind::Break(None)),
            "continue_statement" => Some(StmtKind::Continue(None)),
            "function_definition" => {
                let unit = self.function(node, false);
                self.units.push(unit);
                None
            }
            "decorated_definition" => {
                self.decorated(node, false, out);
                None
            }
            "class_definition" => {
                self.class(node, out);
                None
            }
            "block" => Some(StmtKind::Block(self.block(node))),
            kind if declares_nothing(kind) => None,
            _ => Some(StmtKind::Expr(self.expr(node))),
        };
        self.depth -= 1;
        if let Some(kind) = kind {
            out.push(Stmt { span, kind });
        }
    }

    fn expression_statement(&mut self, node: Node) -> Option<StmtKind> {
        let children = named_children(node);
        match children.as_slice() {
            [one] if one.kind() == "assignment" => Some(self.assignment(*one)),
            [one] if one.kind() == "augmented_assignment" => Some(self.augmented(*one)),
            [one] => Some(StmtKind::Expr(self.expr(*one))),
            [] => None,
            // `a, b` evaluated for its effect.
            _ => Some(StmtKind::Expr(Expr::new(
                node.byte_range(),
                ExprKind::Other(children.iter().map(|c| self.expr(*c)).collect()),
            ))),
        }
    }

    /// `x = v`, `a, b = v`, `x: T = v`, `x = y = v` (every target gets the value); `x: T`
    /// alone declares `x`.
    fn assignment(&mut self, node: Node) -> StmtKind {
        let mut targets_nodes = Vec::new();
        let mut current = node;
        let value = loop {
            if let Some(left) = current.child_by_field_name("left") {
                targets_nodes.push(left);
            }
            match current.child_by_field_name("right") {
                Some(right) if right.kind() == "assignment" => current = right,
                other => break other,
            }
        };
        let Some(value_node) = value else {
            let names = targets_nodes
                .iter()
                .flat_map(|t| self.bound_names(*t))
                .collect();
            return StmtKind::Declare { names };
        };
        let value = self.expr(value_node);
        let folded = self.fold(value_node, 0);
        let mut targets = Vec::new();
        for left in targets_nodes {
            if left.kind() == "identifier" {
                let binding = folded
                    .clone()
                    .map_or(StringBinding::Opaque, StringBinding::Var);
                self.scopes.reassign(self.text(left), binding);
            } else {
                for name in self.bound_names(left) {
                    self.scopes.reassign(&name, StringBinding::Opaque);
                }
            }
            targets.extend(self.targets(left));
        }
        StmtKind::Assign {
            targets,
            op: None,
            value,
            else_block: None,
        }
    }

    /// `x += v`; a string variable grows by a string.
    fn augmented(&mut self, node: Node) -> StmtKind {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return StmtKind::Expr(self.expr(node));
        };
        let op = binary_op(operator(node).trim_end_matches('='));
        if left.kind() == "identifier" {
            let name = self.text(left);
            let grown = match (op, self.scopes.lookup(name), self.fold(right, 0)) {
                (
                    Some(crate::model::BinOp::Add),
                    Some(StringBinding::Var(current) | StringBinding::Const(current)),
                    Some(tail),
                ) => {
                    let mut joined = current.clone();
                    joined.push(&tail);
                    StringBinding::Var(joined)
                }
                _ => StringBinding::Opaque,
            };
            self.scopes.reassign(name, grown);
        }
        StmtKind::Assign {
            targets: self.targets(left),
            op,
            value: self.expr(right),
            else_block: None,
        }
    }

    /// The targets of an assignment: one per name of a tuple unpacking (`row, created =
    /// …`), else the one place.
    fn targets(&mut self, left: Node) -> Vec<Target> {
        let target = |lowerer: &mut Self, node: Node| {
            let kind = match node.kind() {
                "identifier" if lowerer.text(node) == "_" => TargetKind::Discard,
                "identifier" => TargetKind::Name(lowerer.text(node).to_owned()),
                _ => TargetKind::Place(lowerer.expr(node)),
            };
            Target {
                span: node.byte_range(),
                kind,
            }
        };
        let left = unwrap_parens(left);
        match left.kind() {
            "pattern_list" | "tuple_pattern" | "list_pattern" => named_children(left)
                .into_iter()
                .map(|item| target(self, item))
                .collect(),
            _ => vec![target(self, left)],
        }
    }

    /// The names a target or pattern binds, in order (iteratively: a pattern may nest
    /// arbitrarily deep).
    pub(super) fn bound_names(&self, node: Node) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" => names.push(self.text(node).to_owned()),
                "pattern_list"
                | "tuple_pattern"
                | "list_pattern"
                | "parenthesized_expression"
                | "list_splat_pattern"
                | "tuple"
                | "list" => stack.extend(named_children(node).into_iter().rev()),
                _ => {}
            }
        }
        names
    }

    /// `if a: … elif b: … else: …`: one branch whose arms follow the chain.
    fn if_statement(&mut self, node: Node) -> StmtKind {
        let mut arms = Vec::new();
        let guard = match node.child_by_field_name("condition") {
            Some(cond) => self.expr(cond),
            None => opaque(node.byte_range()),
        };
        let consequence = node.child_by_field_name("consequence");
        arms.push(Arm {
            span: node.start_byte()..consequence.map_or(node.end_byte(), |c| c.end_byte()),
            guard: Guard::Cond(guard),
            body: consequence.map(|b| self.block(b)).unwrap_or_default(),
        });
        for clause in field_children(node, "alternative") {
            let arm = match clause.kind() {
                "elif_clause" => Arm {
                    span: clause.byte_range(),
                    guard: Guard::Cond(match clause.child_by_field_name("condition") {
                        Some(cond) => self.expr(cond),
                        None => opaque(clause.byte_range()),
                    }),
                    body: self.body_of(clause, "consequence"),
                },
                _ => Arm {
                    span: clause.byte_range(),
                    guard: Guard::Else,
                    body: self.body_of(clause, "body"),
                },
            };
            arms.push(arm);
        }
        StmtKind::Branch {
            subject: None,
            arms,
        }
    }

    /// `match v:` with its `case` clauses; `case _:` is the default.
    fn match_statement(&mut self, node: Node) -> StmtKind {
        let subject = node.child_by_field_name("subject").map(|s| self.expr(s));
        let clauses = node
            .child_by_field_name("body")
            .map(named_children)
            .unwrap_or_default();
        let mut arms = Vec::new();
        for clause in clauses.into_iter().filter(|c| c.kind() == "case_clause") {
            let patterns: Vec<Node> = named_children(clause)
                .into_iter()
                .filter(|c| c.kind() == "case_pattern")
                .collect();
            let guard = clause
                .child_by_field_name("guard")
                .and_then(|g| named_children(g).into_iter().next())
                .map(|g| self.expr(g));
            let wildcard = patterns.len() == 1 && self.text(patterns[0]).trim() == "_";
            let guard = if wildcard && guard.is_none() {
                Guard::Else
            } else {
                Guard::Pattern {
                    alternatives: patterns.iter().map(|p| self.expr(*p)).collect(),
                    extra: guard,
                }
            };
            arms.push(Arm {
                span: clause.byte_range(),
                guard,
                body: self.body_of(clause, "consequence"),
            });
        }
        StmtKind::Branch { subject, arms }
    }

    fn new_loop(kind: LoopKind) -> Loop {
        Loop {
            kind,
            label: None,
            init: Vec::new(),
            cond: None,
            post: Vec::new(),
            bindings: Vec::new(),
            body: Block::default(),
        }
    }

    /// `for x in xs:`.
    fn for_statement(&mut self, node: Node) -> StmtKind {
        let mut lowered = Self::new_loop(LoopKind::Each);
        lowered.cond = node.child_by_field_name("right").map(|r| self.expr(r));
        if let Some(left) = node.child_by_field_name("left") {
            for name in self.bound_names(left) {
                self.scopes.reassign(&name, StringBinding::Opaque);
                lowered.bindings.push(name);
            }
        }
        lowered.body = self.body_of(node, "body");
        StmtKind::Loop(lowered)
    }

    /// `while c:`; `while True:` (or `while 1:`) ends only from inside.
    fn while_statement(&mut self, node: Node) -> StmtKind {
        let mut lowered = Self::new_loop(LoopKind::Infinite);
        if let Some(cond) = node.child_by_field_name("condition") {
            let bare = unwrap_parens(cond);
            let forever =
                bare.kind() == "true" || (bare.kind() == "integer" && self.text(bare) != "0");
            if !forever {
                lowered.kind = LoopKind::While;
                lowered.cond = Some(self.expr(cond));
            }
        }
        lowered.body = self.body_of(node, "body");
        StmtKind::Loop(lowered)
    }

    /// A loop's `else:`, which runs when the loop ends without `break`: after it.
    fn loop_else(&mut self, node: Node, out: &mut Vec<Stmt>) {
        if let Some(clause) = node.child_by_field_name("alternative") {
            let body = self.body_of(clause, "body");
            out.push(Stmt {
                span: clause.byte_range(),
                kind: StmtKind::Block(body),
            });
        }
    }

    /// `try:` with its `except` clauses as one handler (see the module's notes), `else:` at
    /// the end of the body, and `finally:`.
    fn try_statement(&mut self, node: Node) -> StmtKind {
        let mut body = self.body_of(node, "body");
        let children = named_children(node);
        let clauses: Vec<Node> = children
            .iter()
            .copied()
            .filter(|c| matches!(c.kind(), "except_clause" | "except_group_clause"))
            .collect();
        if let Some(clause) = children.iter().find(|c| c.kind() == "else_clause") {
            body.stmts.extend(self.body_of(*clause, "body").stmts);
        }
        let finally = children
            .iter()
            .find(|c| c.kind() == "finally_clause")
            .map(|c| self.clause_block(*c));
        let (catch_binding, handler) = if clauses.is_empty() {
            (None, None)
        } else {
            let (binding, handler) = self.handler(&clauses);
            (binding, Some(handler))
        };
        StmtKind::Try {
            body,
            catch_binding,
            handler,
            finally,
        }
    }

    /// The `except` clauses of a `try` as one handler, and the name the exception is bound
    /// to (the first clause's `as` name, else `exc`): a declaration of it, spanning the first
    /// clause's header; then the one clause's body when it catches everything, else a branch
    /// on the exception's type, whose last arm raises it again unless a clause catches all.
    fn handler(&mut self, clauses: &[Node]) -> (Option<String>, Block) {
        let parts: Vec<(Node, Option<Node>, Option<Node>)> = clauses
            .iter()
            .map(|clause| {
                let (types, alias) = match clause.child_by_field_name("value") {
                    Some(value) if value.kind() == "as_pattern" => (
                        named_children(value).into_iter().next(),
                        value
                            .child_by_field_name("alias")
                            .and_then(|a| named_children(a).into_iter().next()),
                    ),
                    value => (value, clause.child_by_field_name("alias")),
                };
                (*clause, types, alias)
            })
            .collect();
        // The exception has a name in the model even where the code gives it none, so that
        // the test of its type reads the failure.
        let name = parts
            .iter()
            .find_map(|(_, _, alias)| alias.map(|a| self.text(a).to_owned()))
            .unwrap_or_else(|| "exc".to_owned());
        let first = clauses[0];
        let header_end = named_children(first)
            .into_iter()
            .find(|c| c.kind() == "block")
            .map_or(first.end_byte(), |b| b.start_byte());
        let mut stmts = vec![Stmt {
            span: first.start_byte()..self.header_end(first.start_byte(), header_end),
            kind: StmtKind::Declare {
                names: vec![name.clone()],
            },
        }];
        self.caught.push(Some(name.clone()));
        let catches_all = |lowerer: &Self, types: Option<Node>| {
            types.is_none_or(|t| CATCH_ALL.contains(&lowerer.text(unwrap_parens(t)).trim()))
        };
        if let [(clause, types, alias)] = parts.as_slice()
            && catches_all(self, *types)
        {
            stmts.extend(self.alias_of(*alias, &name));
            stmts.extend(self.clause_block(*clause).stmts);
        } else {
            let mut arms = Vec::new();
            let mut caught_all = false;
            for (clause, types, alias) in &parts {
                let mut body = Block {
                    stmts: self.alias_of(*alias, &name).into_iter().collect(),
                };
                body.stmts.extend(self.clause_block(*clause).stmts);
                let guard = match types {
                    Some(types) if !catches_all(self, Some(*types)) => {
                        Guard::Cond(self.isinstance(&name, *types))
                    }
                    _ => {
                        caught_all = true;
                        Guard::Else
                    }
                };
                arms.push(Arm {
                    span: clause.byte_range(),
                    guard,
                    body,
                });
                if caught_all {
                    break;
                }
            }
            if !caught_all {
                let at = clauses[clauses.len() - 1].end_byte();
                arms.push(Arm {
                    span: at..at,
                    guard: Guard::Else,
                    body: Block {
                        stmts: vec![Stmt {
                            span: at..at,
                            kind: StmtKind::Throw(Expr::new(at..at, ExprKind::Name(name.clone()))),
                        }],
                    },
                });
            }
            let span = clauses[0].start_byte()..clauses[clauses.len() - 1].end_byte();
            stmts.push(Stmt {
                span,
                kind: StmtKind::Branch {
                    subject: None,
                    arms,
                },
            });
        }
        self.caught.pop();
        (Some(name), Block { stmts })
    }

    /// Where an `except …:` header ends: at its colon, before the block.
    fn header_end(&self, start: usize, block_start: usize) -> usize {
        self.source
            .get(start..block_start)
            .and_then(|header| header.rfind(':'))
            .map_or(block_start, |colon| start + colon + 1)
    }

    /// A clause binding another name than the handler's (`except A as a: … except B as
    /// b:`) reads the same exception: `b = a` first thing in its body.
    fn alias_of(&mut self, alias: Option<Node>, name: &str) -> Option<Stmt> {
        let alias = alias.filter(|a| self.text(*a) != name)?;
        self.scopes
            .reassign(self.text(alias), StringBinding::Opaque);
        let span = alias.byte_range();
        Some(Stmt {
            span: span.clone(),
            kind: StmtKind::Assign {
                targets: self.targets(alias),
                op: None,
                value: Expr::new(span, ExprKind::Name(name.to_owned())),
                else_block: None,
            },
        })
    }

    /// `isinstance(exc, T)`, the test an `except T:` clause makes.
    fn isinstance(&mut self, name: &str, types: Node) -> Expr {
        let span = types.byte_range();
        let call = Call {
            callee: Box::new(Expr::new(
                span.clone(),
                ExprKind::Name("isinstance".to_owned()),
            )),
            args: vec![
                Expr::new(span.clone(), ExprKind::Name(name.to_owned())),
                self.expr(types),
            ],
            role: CallRole::Unknown,
        };
        Expr::new(span, ExprKind::Call(call))
    }

    /// What a `raise` raises: its value, or with none the exception being handled.
    fn raised(&mut self, node: Node) -> Expr {
        match named_children(node).first() {
            Some(value) if node.child_by_field_name("cause") != Some(*value) => self.expr(*value),
            _ => match self.caught.last() {
                Some(Some(name)) => Expr::new(node.byte_range(), ExprKind::Name(name.clone())),
                _ => opaque(node.byte_range()),
            },
        }
    }

    /// `with a as x, b:` assigns each `as` name its value, evaluates the others, then runs
    /// the body, all as one block.
    fn with_statement(&mut self, node: Node) -> StmtKind {
        let mut stmts = Vec::new();
        let items = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "with_clause")
            .flat_map(named_children);
        for item in items {
            let Some(value) = item.child_by_field_name("value") else {
                continue;
            };
            let span = item.byte_range();
            if value.kind() == "as_pattern" {
                let (Some(expression), Some(alias)) = (
                    named_children(value).into_iter().next(),
                    value
                        .child_by_field_name("alias")
                        .and_then(|a| named_children(a).into_iter().next()),
                ) else {
                    continue;
                };
                for name in self.bound_names(alias) {
                    self.scopes.reassign(&name, StringBinding::Opaque);
                }
                let value = self.expr(expression);
                stmts.push(Stmt {
                    span,
                    kind: StmtKind::Assign {
                        targets: self.targets(alias),
                        op: None,
                        value,
                        else_block: None,
                    },
                });
            } else {
                stmts.push(Stmt {
                    span,
                    kind: StmtKind::Expr(self.expr(value)),
                });
            }
        }
        stmts.extend(self.body_of(node, "body").stmts);
        StmtKind::Block(Block { stmts })
    }
}
