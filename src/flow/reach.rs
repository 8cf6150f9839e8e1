//! Where the outcomes of a read go: the read followed through its unit (`Read`: the call and
//! the variables that carry what it found), and for each later statement the outcomes it
//! runs under, narrowed by the branches on the way (`reach`).

use std::collections::BTreeSet;

use super::binding::{binding, is_error_name, pattern_names};
use super::divergence::diverges;
use super::outcomes::{Atom, ReadOutcomes, Test};
use super::sites::Site;
use super::walk::strip;
use crate::model::{
    BinOp, Block, Call, CallRole, Expr, ExprKind, Guard, Outcome, Span, Stmt, StmtKind, TargetKind,
    UnOp, Unit,
};
use crate::sql;

/// A read followed through the unit: the call, and the variables that carry what it found.
pub struct Read<'a> {
    pub call: &'a Expr,
    pub stmt: &'a Stmt,
    /// Variables holding what was read; values taken from them join as the walk goes on,
    /// and a variable assigned something else leaves.
    pub values: BTreeSet<String>,
    pub error: Option<String>,
    /// Whether "nothing found" comes back as an error (`ErrNoRows`, `RowNotFound`) rather
    /// than as an empty value; `None` when the call does not say.
    pub absent_is_error: Option<bool>,
}

impl<'a> Read<'a> {
    /// The read made by `site`'s call.
    pub fn of(site: &Site<'a>) -> Read<'a> {
        let binding = binding(site);
        let mut values: BTreeSet<String> = binding.values.into_iter().collect();
        values.extend(destination_args(site.call));
        let absent_is_error = match &site.call.role {
            CallRole::Query(q) => match q.outcome {
                Outcome::OneRow => Some(!q.sql.statements.iter().any(always_one_row)),
                Outcome::Unknown => None,
                _ => Some(false),
            },
            _ => None,
        };
        Read {
            call: site.expr,
            stmt: site.stmt,
            values,
            error: binding.error,
            absent_is_error,
        }
    }

    /// Whether `expr` is the value read: a variable holding it, or the read call itself
    /// (looking through `&`, `*`, `.await` and `?`).
    pub fn is_value(&self, expr: &Expr) -> bool {
        let expr = strip(expr);
        std::ptr::eq(expr, self.call) || expr.dotted().is_some_and(|d| self.values.contains(&d))
    }

    /// Whether `expr` contains the read call itself (`rdb.Get(ctx, k).Err()`).
    pub fn carries(&self, expr: &Expr) -> bool {
        expr.walk().into_iter().any(|e| std::ptr::eq(e, self.call))
    }

    /// Whether `expr` is the error variable of the read.
    /// Also an error-named method called on the read's value (`row.Err()`,
    /// `rdb.Get(ctx, k).Err()`).
    pub fn is_error(&self, expr: &Expr) -> bool {
        let expr = strip(expr);
        let name = expr.dotted();
        if name.is_some() && name == self.error {
            return true;
        }
        expr.as_call().is_some_and(|call| {
            call.args.is_empty()
                && matches!(&call.callee.kind, ExprKind::Field { base, name }
                    if is_error_name(name) && self.is_value(base))
        })
    }

    /// Whether `expr` reads what the read found (a value, a field of it, the read call) or
    /// its error.
    pub fn refers(&self, expr: &Expr) -> bool {
        self.reads_any(expr, self.values.iter().chain(self.error.iter()))
    }

    /// Whether `expr` reads what the read found (a value, a field of it, the read call), its
    /// error aside.
    pub fn holds(&self, expr: &Expr) -> bool {
        self.reads_any(expr, self.values.iter())
    }

    fn reads_any<'v>(&self, expr: &Expr, vars: impl Iterator<Item = &'v String> + Clone) -> bool {
        expr.walk().into_iter().any(|e| {
            std::ptr::eq(e, self.call)
                || e.dotted()
                    .is_some_and(|d| vars.clone().any(|v| refers_to(&d, v) || refers_to(v, &d)))
        })
    }

    /// The condition "the read succeeded" (`err == nil`).
    pub(super) fn succeeded(&self) -> Test {
        match self.absent_is_error {
            Some(true) => Test::exact(ReadOutcomes::FOUND),
            Some(false) => Test::exact(ReadOutcomes::FOUND.union(ReadOutcomes::ABSENT)),
            None => Test {
                may: ReadOutcomes::FOUND.union(ReadOutcomes::ABSENT),
                must: ReadOutcomes::FOUND,
            },
        }
    }

    /// Adds what `stmt` takes from the read, drops what it overwrites.
    fn track(&mut self, stmt: &Stmt) {
        if std::ptr::eq(stmt, self.stmt) {
            return;
        }
        // `row.Scan(&id)` on a row kept from the read fills `id`.
        for root in stmt.exprs() {
            for e in root.walk() {
                if let Some(call) = e.as_call()
                    && let ExprKind::Field { base, .. } = &call.callee.kind
                    && self.is_value(base)
                {
                    self.values
                        .extend(call.args.iter().filter_map(|a| match &a.kind {
                            ExprKind::Unary {
                                op: UnOp::Ref,
                                operand,
                            } => operand.dotted(),
                            _ => None,
                        }));
                }
            }
        }
        let StmtKind::Assign { targets, value, .. } = &stmt.kind else {
            return;
        };
        let from_read = self.refers(value);
        for target in targets {
            match &target.kind {
                TargetKind::Name(n) if from_read && is_error_name(n) => {
                    self.error = Some(n.clone());
                }
                TargetKind::Name(n) if from_read => {
                    self.values.insert(n.clone());
                }
                TargetKind::Name(n) => {
                    self.values.remove(n);
                    if self.error.as_deref() == Some(n.as_str()) {
                        self.error = None;
                    }
                }
                TargetKind::Place(p) if from_read => self.values.extend(pattern_names(p)),
                _ => {}
            }
        }
    }
}

/// A SELECT of aggregates only (`count(*)`, `EXISTS (…)`, `coalesce(max(v), 0)`): it
/// returns one row whether anything matched or not.
fn always_one_row(select: &sql::Statement) -> bool {
    const AGGREGATES: &[&str] = &[
        "count(",
        "sum(",
        "max(",
        "min(",
        "avg(",
        "coalesce(",
        "bool_or(",
        "bool_and(",
        "exists",
        "not exists",
    ];
    select.kind == sql::StatementKind::Select
        && !select.select_columns.is_empty()
        && select
            .select_columns
            .iter()
            .all(|c| AGGREGATES.iter().any(|a| c.starts_with(a)))
}

/// Whether the dotted name `name` is the variable `var` or a field of it. Used both ways:
/// `rec` holds the read when the read filled `rec.Status`.
fn refers_to(name: &str, var: &str) -> bool {
    name == var
        || name
            .strip_prefix(var)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Variables a query call fills through pointer arguments given before its SQL
/// (`db.GetContext(ctx, &rec, "SELECT …", key)`).
fn destination_args(call: &Call) -> Vec<String> {
    let CallRole::Query(_) = &call.role else {
        return Vec::new();
    };
    call.args
        .iter()
        .take_while(|a| a.as_str().is_none())
        .filter_map(|a| match &a.kind {
            ExprKind::Unary {
                op: UnOp::Ref,
                operand,
            } => operand.dotted(),
            _ => None,
        })
        .collect()
}

/// How the outcomes of a read reach a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    /// The outcomes of the read under which the statement runs.
    pub outcomes: ReadOutcomes,
    /// The condition that last narrowed them on the way here, if any did.
    pub test: Option<Span>,
}

/// The statements that run after a read, each with the outcomes of the read it runs under.
pub struct Reach {
    at: std::collections::HashMap<usize, Reached>,
    returned: ReadOutcomes,
}

impl Reach {
    /// How the read reaches `stmt`; `None` when `stmt` does not run after it.
    pub fn at(&self, stmt: &Stmt) -> Option<&Reached> {
        self.at.get(&stmt_key(stmt))
    }

    /// The outcomes of the read under which the unit returns what it read (the value, or
    /// a part of it, not only the error): what a caller of the unit can be handed.
    pub fn returned(&self) -> ReadOutcomes {
        self.returned
    }
}

fn stmt_key(stmt: &Stmt) -> usize {
    std::ptr::from_ref(stmt) as usize
}

/// Follows `read` through `unit`: which of its outcomes reach each later statement, given
/// the branches on the way, classified by `classify` (see
/// [`existence_test`](super::existence_test) for the usual one). A path that leaves a loop
/// the read is in is not followed.
pub fn reach<'a>(unit: &'a Unit, read: Read<'a>, classify: &dyn Fn(Atom, &Read) -> Test) -> Reach {
    let mut walker = Walker {
        read,
        classify,
        at: std::collections::HashMap::new(),
        returned: ReadOutcomes::NONE,
    };
    walker.block(&unit.body, None);
    Reach {
        at: walker.at,
        returned: walker.returned,
    }
}

struct Walker<'a, 'c> {
    read: Read<'a>,
    classify: &'c dyn Fn(Atom, &Read) -> Test,
    at: std::collections::HashMap<usize, Reached>,
    returned: ReadOutcomes,
}

/// Joins two paths that meet.
fn join(a: Option<Reached>, b: Option<Reached>) -> Option<Reached> {
    match (a, b) {
        (Some(a), Some(b)) => {
            // The test that let outcomes through says more than one that let none.
            let (first, second) = if a.outcomes.is_empty() {
                (b.test, a.test)
            } else {
                (a.test, b.test)
            };
            Some(Reached {
                outcomes: a.outcomes.union(b.outcomes),
                test: first.or(second),
            })
        }
        (a, b) => a.or(b),
    }
}

impl<'a> Walker<'a, '_> {
    fn block(&mut self, block: &'a Block, mut flow: Option<Reached>) -> Option<Reached> {
        for stmt in &block.stmts {
            flow = self.stmt(stmt, flow);
        }
        flow
    }

    fn stmt(&mut self, stmt: &'a Stmt, flow: Option<Reached>) -> Option<Reached> {
        let flow = if std::ptr::eq(stmt, self.read.stmt) {
            Some(Reached {
                outcomes: ReadOutcomes::ALL,
                test: None,
            })
        } else {
            flow
        };
        if let Some(f) = &flow {
            self.at.insert(stmt_key(stmt), f.clone());
            self.read.track(stmt);
            if let StmtKind::Return(Some(value)) = &stmt.kind
                && self.read.holds(value)
            {
                self.returned = self.returned.union(f.outcomes);
            }
        }
        let out = match &stmt.kind {
            StmtKind::Branch { subject, arms } => self.branch(subject.as_ref(), arms, flow),
            StmtKind::Loop(l) => {
                self.block(&l.body, flow.clone());
                flow
            }
            StmtKind::Try {
                body,
                handler,
                finally,
                ..
            } => {
                let after_body = self.block(body, flow.clone());
                let caught = handler
                    .as_ref()
                    .map(|h| self.block(h, join(flow.clone(), after_body.clone())));
                let joined = join(after_body, caught.flatten());
                match finally {
                    Some(f) => self.block(f, joined),
                    None => joined,
                }
            }
            StmtKind::Block(b) => self.block(b, flow),
            StmtKind::Assign {
                targets,
                value,
                else_block: Some(else_block),
                ..
            } => self.let_else(targets, value, else_block, flow),
            _ => flow,
        };
        if diverges(stmt) {
            out.map(|f| Reached {
                outcomes: ReadOutcomes::NONE,
                test: f.test,
            })
        } else {
            out
        }
    }

    fn branch(
        &mut self,
        subject: Option<&'a Expr>,
        arms: &'a [crate::model::Arm],
        flow: Option<Reached>,
    ) -> Option<Reached> {
        let Some(flow) = flow else {
            // The read may be inside an arm: follow it out of the branch.
            return arms
                .iter()
                .map(|arm| self.block(&arm.body, None))
                .fold(None, join);
        };
        if subject.is_some_and(|s| self.read.refers(s)) {
            // `Some(rec) =>`: the arm's bindings hold what was read.
            for arm in arms {
                if let Guard::Pattern { alternatives, .. } = &arm.guard {
                    self.read
                        .values
                        .extend(alternatives.iter().flat_map(pattern_names));
                }
            }
        }
        let mut excluded = ReadOutcomes::NONE;
        let mut last_test: Option<Span> = None;
        let mut out: Option<Reached> = None;
        let mut has_else = false;
        for arm in arms {
            let (test, span) = match &arm.guard {
                Guard::Cond(c) => (self.cond(c), c.span.clone()),
                Guard::Pattern {
                    alternatives,
                    extra,
                } => {
                    let mut test = match subject {
                        Some(subject) => alternatives
                            .iter()
                            .map(|pattern| {
                                (self.classify)(Atom::Pattern { subject, pattern }, &self.read)
                            })
                            .reduce(Test::or)
                            .unwrap_or(Test::UNRELATED),
                        None => Test::UNRELATED,
                    };
                    if let Some(extra) = extra {
                        test = test.and(self.cond(extra));
                    }
                    let span = alternatives
                        .first()
                        .map_or(arm.span.clone(), |a| a.span.clone());
                    (test, span)
                }
                Guard::Else => {
                    has_else = true;
                    (Test::exact(ReadOutcomes::ALL), arm.span.clone())
                }
            };
            let arm_test = if !test.is_unrelated() && !matches!(arm.guard, Guard::Else) {
                last_test = Some(span.clone());
                Some(span)
            } else if excluded.is_empty() {
                flow.test.clone()
            } else {
                last_test.clone()
            };
            let into = Reached {
                outcomes: flow.outcomes.intersect(test.may).without(excluded),
                test: arm_test,
            };
            out = join(out, self.block(&arm.body, Some(into)));
            excluded = excluded.union(test.must);
        }
        if !has_else {
            let fallthrough = Reached {
                outcomes: flow.outcomes.without(excluded),
                test: if excluded.is_empty() {
                    flow.test.clone()
                } else {
                    last_test
                },
            };
            out = join(out, Some(fallthrough));
        }
        out
    }

    fn let_else(
        &mut self,
        targets: &'a [crate::model::Target],
        value: &'a Expr,
        else_block: &'a Block,
        flow: Option<Reached>,
    ) -> Option<Reached> {
        let Some(flow) = flow else {
            self.block(else_block, None);
            return None;
        };
        let pattern = targets.iter().find_map(|t| match &t.kind {
            TargetKind::Place(pattern) => Some(pattern),
            _ => None,
        });
        let test = pattern.map_or(Test::UNRELATED, |pattern| {
            (self.classify)(
                Atom::Pattern {
                    subject: value,
                    pattern,
                },
                &self.read,
            )
        });
        let test_span =
            (!test.is_unrelated()).then(|| pattern.map_or(&value.span, |p| &p.span).clone());
        let otherwise = Reached {
            outcomes: flow.outcomes.without(test.must),
            test: test_span.clone().or(flow.test.clone()),
        };
        self.block(else_block, Some(otherwise));
        Some(Reached {
            outcomes: flow.outcomes.intersect(test.may),
            test: test_span.or(flow.test),
        })
    }

    /// Classifies a condition, taking `!`, `&&` and `||` apart.
    fn cond(&self, cond: &Expr) -> Test {
        match &cond.kind {
            ExprKind::Unary {
                op: UnOp::Not,
                operand,
            } => !self.cond(operand),
            ExprKind::Binary {
                op: BinOp::And,
                lhs,
                rhs,
            } => self.cond(lhs).and(self.cond(rhs)),
            ExprKind::Binary {
                op: BinOp::Or,
                lhs,
                rhs,
            } => self.cond(lhs).or(self.cond(rhs)),
            _ => (self.classify)(Atom::Cond(cond), &self.read),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{calls, existence_test};
    use crate::knowledge::Knowledge;
    use crate::model::{Lang, Module};

    fn lower_go(source: &str) -> Module {
        let knowledge = Knowledge::builtin();
        let mut module = crate::lang::lower(Lang::Go, source);
        crate::analysis::classify(&mut module, source, Lang::Go, &knowledge);
        module
    }

    /// The outcomes of the unit's first key-value read that reach each call, by callee name.
    fn outcomes_at_calls(source: &str) -> Vec<(String, ReadOutcomes)> {
        let knowledge = Knowledge::builtin();
        let module = lower_go(source);
        let unit = &module.units[0];
        let sites = calls(unit);
        let read = sites
            .iter()
            .find(|s| matches!(s.call.role, CallRole::Kv { .. }))
            .expect("a key-value read");
        let reach = reach(unit, Read::of(read), &|atom, r| {
            existence_test(atom, r, Lang::Go, &knowledge)
        });
        sites
            .iter()
            .filter_map(|s| {
                let name = s.call.callee.dotted()?;
                Some((name, reach.at(s.stmt)?.outcomes))
            })
            .filter(|(name, _)| !name.contains('.'))
            .collect()
    }

    #[test]
    fn an_arm_on_the_not_found_error_sees_only_absence() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	v, err := rdb.Get(ctx, key).Result()
	if err == redis.Nil {
		create()
	}
	after(v)
	return nil
}"#,
        );
        assert_eq!(
            found,
            vec![
                ("create".to_owned(), ReadOutcomes::ABSENT),
                ("after".to_owned(), ReadOutcomes::ALL),
            ]
        );
    }

    #[test]
    fn early_returns_narrow_what_follows() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	v, err := rdb.Get(ctx, key).Result()
	if err == nil {
		return replay(v)
	}
	if !errors.Is(err, redis.Nil) {
		return err
	}
	create()
	return nil
}"#,
        );
        assert_eq!(
            found,
            vec![
                // A key-value client may report a missing key as a value or as an error.
                (
                    "replay".to_owned(),
                    ReadOutcomes::FOUND.union(ReadOutcomes::ABSENT)
                ),
                ("create".to_owned(), ReadOutcomes::ABSENT),
            ]
        );
    }

    #[test]
    fn a_switch_without_default_falls_through_with_what_no_case_took() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	n, err := rdb.Exists(ctx, key).Result()
	switch {
	case err != nil:
		return err
	case n > 0:
		seen()
	}
	create()
	return nil
}"#,
        );
        assert_eq!(
            found,
            vec![
                ("seen".to_owned(), ReadOutcomes::FOUND),
                (
                    "create".to_owned(),
                    ReadOutcomes::FOUND.union(ReadOutcomes::ABSENT)
                ),
            ]
        );
    }

    #[test]
    fn a_unit_returns_what_it_read_under_the_outcomes_that_reach_the_return() {
        let knowledge = Knowledge::builtin();
        let module = lower_go(
            r#"func f(ctx context.Context, key string) (string, error) {
	v, err := rdb.Get(ctx, key).Result()
	if err == redis.Nil {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return v, nil
}"#,
        );
        let unit = &module.units[0];
        let sites = calls(unit);
        let read = sites
            .iter()
            .find(|s| matches!(s.call.role, CallRole::Kv { .. }))
            .expect("a key-value read");
        let reach = reach(unit, Read::of(read), &|atom, r| {
            existence_test(atom, r, Lang::Go, &knowledge)
        });
        // Only the last return hands back the value; the others give back nothing or the
        // error alone.
        assert_eq!(reach.returned(), ReadOutcomes::FOUND);
    }

    #[test]
    fn a_reassigned_error_no_longer_speaks_for_the_read() {
        let found = outcomes_at_calls(
            r#"func f(ctx context.Context, key string) error {
	_, err := rdb.Get(ctx, key).Result()
	err = other()
	if err == redis.Nil {
		create()
	}
	return nil
}"#,
        );
        assert_eq!(
            found.last(),
            Some(&("create".to_owned(), ReadOutcomes::ALL))
        );
    }
}
