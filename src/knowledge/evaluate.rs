//! What reads model expressions against the table: whether a call's arguments have a
//! [`CallShape`], whether an argument passes an [`ArgTest`]. These walk
//! [`crate::model::Expr`] trees with the helpers of [`crate::flow`] (numbers, closures and
//! their returned values): the one place the table depends on what model expressions mean
//! rather than on names.

use super::{ArgTest, CallShape};
use crate::model::{Expr, ExprKind, Scope};

impl CallShape {
    /// Whether a call with these arguments has this shape.
    pub fn admits(&self, args: &[Expr]) -> bool {
        let is_function = |e: &Expr| {
            matches!(
                e.kind,
                ExprKind::Closure { .. } | ExprKind::Name(_) | ExprKind::Field { .. }
            )
        };
        self.arity.is_none_or(|n| args.len() == n)
            && self.operation_arg.is_none_or(|i| {
                args.get(i).is_some_and(|a| {
                    is_function(a)
                        && (!self.operation_literal || matches!(a.kind, ExprKind::Closure { .. }))
                })
            })
            && self.options_from.is_none_or(|from| {
                args.iter()
                    .skip(from)
                    .all(|a| matches!(a.kind, ExprKind::Call(_)))
            })
            && self.first_arg.is_none_or(|test| test.passes(args.first()))
    }
}

impl ArgTest {
    /// Whether `arg` passes this test.
    pub fn passes(self, arg: Option<&Expr>) -> bool {
        let number = arg.and_then(crate::flow::number_value);
        let boolean = arg.and_then(|a| match a.kind {
            ExprKind::Bool(b) => Some(b),
            _ => None,
        });
        match self {
            ArgTest::Any => true,
            ArgTest::Zero => number == Some(0.0),
            ArgTest::One => number == Some(1.0),
            ArgTest::NonZero => arg.is_some() && number != Some(0.0) && boolean != Some(false),
            ArgTest::True => boolean == Some(true),
            ArgTest::False => boolean == Some(false),
            ArgTest::Is(name) => arg.and_then(Expr::last_segment) == Some(name),
            ArgTest::Mentions(word) => arg.is_some_and(|a| {
                let word = word.to_ascii_lowercase();
                a.exprs_in(Scope::DEEP).iter().any(|e| {
                    e.dotted()
                        .is_some_and(|d| d.to_ascii_lowercase().contains(&word))
                })
            }),
            ArgTest::TrueForStatus(status) => arg.is_some_and(|a| {
                let ExprKind::Closure { body, .. } = &crate::flow::strip(a).kind else {
                    return false;
                };
                let returns = crate::flow::returned_values(body);
                !returns.is_empty()
                    && returns
                        .iter()
                        .all(|r| answer_for_status(r, f64::from(status)) == Some(true))
            }),
        }
    }
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
            k.retry_call(Lang::Go, "retry.Do", &sethvargo).map(|r| r.id),
            Some("sethvargo.do")
        );
        assert_eq!(
            k.retry_call(Lang::Go, "retry.Do", &avast).map(|r| r.id),
            Some("avast.do")
        );
        assert_eq!(
            k.retry_literal(Lang::Go, "wait.Backoff").map(|r| r.id),
            Some("k8s.wait-backoff")
        );
        assert!(k.retry_call(Lang::Go, "wait.Backoff", &[]).is_none());
        let retries_all = |args: &[Expr]| {
            k.retry_call(Lang::TypeScript, "retry", args)
                .map(|r| (r.id, r.facts.retries_all_by_default))
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
