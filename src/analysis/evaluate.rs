//! What reads model expressions against the knowledge table: which retry-library entry a
//! call is, by whether its arguments have the entry's [`CallShape`], and whether an argument
//! passes an [`ArgTest`]. These walk [`crate::model::Expr`] trees with the helpers of
//! [`crate::flow`] (numbers, closures and their returned values), which is why they live on
//! the analysis side: the table itself is data and knows no expression.

use crate::knowledge::{ArgTest, CallShape, Knowledge, RetryApi, RetryRole};
use crate::model::{Expr, ExprKind, Lang, Scope};

/// Every retry-library entry a call may be, by its callee and the shape of its arguments,
/// with where each stands in [`Knowledge::retries`], in the table's order: the first whose
/// library the file imports the name from is the one (`self.retry` is celery's, not
/// tenacity's).
pub fn retry_calls<'k>(
    knowledge: &'k Knowledge,
    lang: Lang,
    dotted: &str,
    args: &[Expr],
) -> impl Iterator<Item = (usize, &'k RetryApi)> {
    knowledge.retries.iter().enumerate().filter(move |(_, r)| {
        r.facts.role != RetryRole::StrategyLiteral
            && r.call.matches(lang, dotted)
            && admits(&r.shape, args)
    })
}

/// Whether a call with these arguments has this shape.
pub fn admits(shape: &CallShape, args: &[Expr]) -> bool {
    let is_function = |e: &Expr| {
        matches!(
            e.kind,
            ExprKind::Closure { .. } | ExprKind::Name(_) | ExprKind::Field { .. }
        )
    };
    shape.arity.is_none_or(|n| args.len() == n)
        && shape.operation_arg.is_none_or(|i| {
            args.get(i).is_some_and(|a| {
                is_function(a)
                    && (!shape.operation_literal || matches!(a.kind, ExprKind::Closure { .. }))
            })
        })
        && shape.options_from.is_none_or(|from| {
            args.iter()
                .skip(from)
                .all(|a| matches!(a.kind, ExprKind::Call(_)))
        })
        && shape
            .first_arg
            .as_ref()
            .is_none_or(|test| passes(test, args.first()))
}

/// Whether `arg` passes `test`.
pub fn passes(test: &ArgTest, arg: Option<&Expr>) -> bool {
    let number = arg.and_then(crate::flow::number_value);
    let boolean = arg.and_then(|a| match a.kind {
        ExprKind::Bool(b) => Some(b),
        _ => None,
    });
    match test {
        ArgTest::Any => true,
        ArgTest::Zero => number == Some(0.0),
        ArgTest::One => number == Some(1.0),
        ArgTest::NonZero => arg.is_some() && number != Some(0.0) && boolean != Some(false),
        ArgTest::True => boolean == Some(true),
        ArgTest::False => boolean == Some(false),
        // A tuple of exception types holds the one named (`autoretry_for=(Exception,)`).
        ArgTest::Is(name) => arg.is_some_and(|a| match &a.kind {
            ExprKind::List(items) => items.iter().any(|i| i.last_segment() == Some(name.as_str())),
            _ => a.last_segment() == Some(name.as_str()),
        }),
        ArgTest::Calls { name, arg: test } => {
            let call = arg.and_then(|a| crate::flow::strip(a).as_call());
            call.is_some_and(|c| {
                c.callee.last_segment() == Some(name.as_str()) && passes(test, c.args.first())
            })
        }
        ArgTest::Mentions(word) => arg.is_some_and(|a| {
            let word = word.to_ascii_lowercase();
            a.exprs_in(Scope::DEEP).iter().any(|e| {
                e.dotted()
                    .is_some_and(|d| d.to_ascii_lowercase().contains(&word))
            })
        }),
        ArgTest::CatchesIntoFirstParam => arg.is_some_and(|a| {
            let ExprKind::Closure { params, body } = &crate::flow::strip(a).kind else {
                return false;
            };
            let Some(retry) = params.first() else {
                return false;
            };
            body.exprs_in(Scope::DEEP).iter().any(|e| {
                e.as_call().is_some_and(|c| {
                    c.callee.last_segment() == Some("catch")
                        && matches!(c.callee.kind, ExprKind::Field { .. })
                        && matches!(c.args.as_slice(), [only] if only.dotted().as_deref() == Some(retry.as_str()))
                })
            })
        }),
        ArgTest::SwallowsErrors => arg.is_some_and(|a| {
            let ExprKind::Closure { body, .. } = &crate::flow::strip(a).kind else {
                return false;
            };
            body.all_stmts()
                .iter()
                .any(|stmt| retries_on_any_error(stmt))
        }),
        ArgTest::TrueForStatus(status) => arg.is_some_and(|a| {
            let ExprKind::Closure { body, .. } = &crate::flow::strip(a).kind else {
                return false;
            };
            let returns = crate::flow::returned_values(body);
            // Of several values returned (Go's `return resp.StatusCode >= 400, nil`), the
            // answer is the first.
            fn answer(r: &Expr) -> Option<&Expr> {
                match &r.kind {
                    ExprKind::List(items) => items.first(),
                    _ => Some(r),
                }
            }
            !returns.is_empty()
                && returns.iter().all(|r| {
                    answer(r).and_then(|a| answer_for_status(a, f64::from(*status))) == Some(true)
                })
        }),
    }
}

/// `if err != nil { return false, nil }` (`nil` or another language's nothing): the error,
/// whatever it is, turned into "try again".
fn retries_on_any_error(stmt: &crate::model::Stmt) -> bool {
    use crate::model::{BinOp, Guard, StmtKind};
    let StmtKind::Branch { arms, .. } = &stmt.kind else {
        return false;
    };
    arms.iter().any(|arm| {
        let Guard::Cond(cond) = &arm.guard else {
            return false;
        };
        let is_nothing = |e: &Expr| e.dotted().is_some_and(|n| crate::flow::is_nothing(&n));
        let on_error = matches!(&cond.kind, ExprKind::Binary { op: BinOp::Ne, lhs, rhs }
            if lhs.dotted().is_some_and(|n| crate::flow::is_error_name(&n)) && is_nothing(rhs));
        let retries = arm.body.stmts.iter().any(|s| match &s.kind {
            StmtKind::Return(Some(value)) => matches!(&value.kind, ExprKind::List(items)
                if matches!(items.as_slice(), [first, second]
                    if matches!(first.kind, ExprKind::Bool(false)) && is_nothing(second))),
            _ => false,
        });
        on_error && retries
    })
}

/// What a condition answers when every number it compares something with is compared with
/// `status` instead; `None` when it depends on anything else.
fn answer_for_status(e: &Expr, status: f64) -> Option<bool> {
    use crate::model::{BinOp, UnOp};
    match &e.kind {
        ExprKind::Bool(b) => Some(*b),
        ExprKind::Unary {
            op: UnOp::Not,
            operand,
        } => answer_for_status(operand, status).map(|b| !b),
        ExprKind::Binary {
            op: op @ (BinOp::And | BinOp::Or),
            lhs,
            rhs,
        } => {
            let (a, b) = (
                answer_for_status(lhs, status),
                answer_for_status(rhs, status),
            );
            let decisive = *op == BinOp::Or;
            if a == Some(decisive) || b == Some(decisive) {
                Some(decisive)
            } else {
                a.and(b)
            }
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let (l, r) = (
                crate::flow::number_value(lhs),
                crate::flow::number_value(rhs),
            );
            use std::cmp::Ordering::{Equal, Greater, Less};
            let order = match (l, r) {
                (None, Some(n)) => status.partial_cmp(&n)?,
                (Some(n), None) => n.partial_cmp(&status)?,
                _ => return None,
            };
            match op {
                BinOp::Eq => Some(order == Equal),
                BinOp::Ne => Some(order != Equal),
                BinOp::Lt => Some(order == Less),
                BinOp::Le => Some(order != Greater),
                BinOp::Gt => Some(order == Greater),
                BinOp::Ge => Some(order != Less),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::retry_calls;
    use crate::knowledge::Knowledge;
    use crate::model::{Expr, ExprKind, Lang};

    #[test]
    fn shared_entry_names_are_told_apart_by_their_arguments() {
        let k = Knowledge::builtin();
        let name = |n: &str| Expr::new(0..0, ExprKind::Name(n.to_owned()));
        let call = |n: &str| {
            Expr::new(
                0..0,
                ExprKind::Call(crate::model::Call {
                    callee: Box::new(name(n)),
                    args: Vec::new(),
                    role: Default::default(),
                }),
            )
        };
        let sethvargo = [name("ctx"), name("b"), name("op")];
        let avast = [name("op"), call("retry.Attempts"), call("retry.Delay")];
        assert_eq!(
            retry_calls(&k, Lang::Go, "retry.Do", &sethvargo)
                .next()
                .map(|(_, r)| r.id.as_str()),
            Some("sethvargo.do")
        );
        assert_eq!(
            retry_calls(&k, Lang::Go, "retry.Do", &avast)
                .next()
                .map(|(_, r)| r.id.as_str()),
            Some("avast.do")
        );
        assert_eq!(
            k.retry_literal(Lang::Go, "wait.Backoff")
                .map(|r| r.id.as_str()),
            Some("k8s.wait-backoff")
        );
        assert!(
            retry_calls(&k, Lang::Go, "wait.Backoff", &[])
                .next()
                .is_none()
        );
        let retries_all = |args: &[Expr]| {
            retry_calls(&k, Lang::TypeScript, "retry", args)
                .next()
                .map(|(_, r)| (r.id.as_str(), r.facts.retries_all_by_default))
        };
        assert_eq!(
            retries_all(&[name("handleAll")]),
            Some(("cockatiel.retry", true))
        );
        assert_eq!(
            retries_all(&[call("handleType")]),
            Some(("cockatiel.retry", false))
        );
        assert_eq!(retries_all(&[name("fetchAll")]), None);
    }
}
