//! A PL/pgSQL body's control flow into the model: a block with handlers is a `try`, `IF`
//! and `CASE` are branches, `LOOP`/`WHILE`/`FOR` loops, `EXIT … WHEN c` a branch that
//! breaks, `RAISE` a throw. An exception handler is a branch on the conditions it catches
//! (`WHEN unique_violation` is the pattern `unique_violation`).

use super::expr::{self, Queries};
use crate::model::{
    Arm, Block, Expr, ExprKind, Guard, Loop, LoopKind, Stmt, StmtKind, Target, TargetKind,
};
use crate::sql::{self, Step};

/// What an exception handler's branch tests: the condition caught, by the name PL/pgSQL
/// gives its code.
const CAUGHT_CONDITION: &str = "sqlstate";

/// The statements of a body whose steps are `steps`, its queries `queries`.
pub(super) fn lower(source: &str, steps: &[Step], queries: &mut Queries) -> Vec<Stmt> {
    let mut lowering = Lowering { source, queries };
    lowering.steps(steps)
}

struct Lowering<'l> {
    source: &'l str,
    queries: &'l mut Queries,
}

impl Lowering<'_> {
    fn steps(&mut self, steps: &[Step]) -> Vec<Stmt> {
        let mut stmts = Vec::new();
        for step in steps {
            match step {
                // A block that handles nothing only scopes its variables: its statements
                // run where it stands.
                Step::Block { body, handlers, .. } if handlers.is_empty() => {
                    stmts.extend(self.steps(body));
                }
                _ => stmts.extend(self.step(step)),
            }
        }
        stmts
    }

    fn block(&mut self, steps: &[Step]) -> Block {
        Block {
            stmts: self.steps(steps),
        }
    }

    fn expression(&mut self, e: &sql::Expression) -> Expr {
        expr::expression(self.source, e, self.queries)
    }

    fn step(&mut self, step: &Step) -> Option<Stmt> {
        let (span, kind) = match step {
            Step::Statement(index) => {
                let query = self.queries.take(*index)?;
                (query.span.clone(), StmtKind::Expr(query))
            }
            Step::Assign {
                span,
                target,
                value,
            } => (
                span.clone(),
                StmtKind::Assign {
                    targets: vec![Target {
                        span: span.start..span.start + target.len(),
                        kind: TargetKind::Name(target.clone()),
                    }],
                    op: None,
                    value: self.expression(value),
                    else_block: None,
                },
            ),
            Step::Branch {
                span,
                subject,
                arms,
            } => {
                let subject = subject.as_ref().map(|s| self.expression(s));
                let arms = (arms.iter())
                    .map(|arm| {
                        let mut tests: Vec<Expr> =
                            arm.tests.iter().map(|t| self.expression(t)).collect();
                        let guard = match (&subject, tests.len()) {
                            (_, 0) => Guard::Else,
                            (None, _) => Guard::Cond(tests.swap_remove(0)),
                            (Some(_), _) => Guard::Pattern {
                                alternatives: tests,
                                extra: None,
                            },
                        };
                        Arm {
                            span: arm.span.clone(),
                            guard,
                            body: self.block(&arm.body),
                        }
                    })
                    .collect();
                (span.clone(), StmtKind::Branch { subject, arms })
            }
            Step::Loop(the_loop) => {
                let cond = the_loop.head.as_ref().map(|h| self.expression(h));
                let kind = match the_loop.kind {
                    sql::LoopKind::Infinite => LoopKind::Infinite,
                    sql::LoopKind::While => LoopKind::While,
                    sql::LoopKind::Each => LoopKind::Each,
                };
                let lowered = Loop {
                    kind,
                    label: the_loop.label.clone(),
                    init: Vec::new(),
                    cond,
                    post: Vec::new(),
                    bindings: the_loop.bindings.clone(),
                    body: self.block(&the_loop.body),
                };
                (the_loop.span.clone(), StmtKind::Loop(lowered))
            }
            Step::Exit {
                span,
                label,
                when,
                continues,
            } => {
                let leave = if *continues {
                    StmtKind::Continue(label.clone())
                } else {
                    StmtKind::Break(label.clone())
                };
                let Some(when) = when else {
                    return Some(Stmt {
                        span: span.clone(),
                        kind: leave,
                    });
                };
                let arm = Arm {
                    span: span.clone(),
                    guard: Guard::Cond(self.expression(when)),
                    body: Block {
                        stmts: vec![Stmt {
                            span: span.clone(),
                            kind: leave,
                        }],
                    },
                };
                let branch = StmtKind::Branch {
                    subject: None,
                    arms: vec![arm],
                };
                (span.clone(), branch)
            }
            Step::Return { span, value } => {
                let value = value.as_ref().map(|v| self.expression(v));
                (span.clone(), StmtKind::Return(value))
            }
            Step::Raise { span } => (
                span.clone(),
                StmtKind::Throw(Expr::new(span.clone(), ExprKind::Other(Vec::new()))),
            ),
            Step::Block {
                span,
                body,
                handlers,
            } => {
                let body = self.block(body);
                {
                    let arms = (handlers.iter())
                        .map(|handler| Arm {
                            span: handler.span.clone(),
                            guard: Guard::Pattern {
                                alternatives: (handler.conditions.iter())
                                    .map(|c| self.expression(c))
                                    .collect(),
                                extra: None,
                            },
                            body: self.block(&handler.body),
                        })
                        .collect();
                    let handlers_span = handlers.first().map_or(span.start, |h| h.span.start)
                        ..handlers.last().map_or(span.end, |h| h.span.end);
                    let caught = Expr::new(
                        handlers_span.clone(),
                        ExprKind::Name(CAUGHT_CONDITION.to_owned()),
                    );
                    let handler = Block {
                        stmts: vec![Stmt {
                            span: handlers_span,
                            kind: StmtKind::Branch {
                                subject: Some(caught),
                                arms,
                            },
                        }],
                    };
                    let kind = StmtKind::Try {
                        body,
                        catch_binding: None,
                        handler: Some(handler),
                        finally: None,
                    };
                    (span.clone(), kind)
                }
            }
        };
        Some(Stmt { span, kind })
    }
}
