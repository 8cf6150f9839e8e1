//! The usual classifier of conditions for `reach`: what a condition or a pattern says about
//! whether a read found anything (`err == sql.ErrNoRows`, `None =>`, `Ok(Some(_))`,
//! `len(rows) == 0`, `count > 0`, `if exists`), as a `Test` on the read's outcomes.

use super::outcomes::{Atom, ReadOutcomes, Test};
use super::reach::Read;
use super::walk::strip;
use crate::knowledge::Knowledge;
use crate::model::{BinOp, Expr, ExprKind, Lang};

/// The usual classifier: what a condition says about whether the read found anything
/// (`err == sql.ErrNoRows`, `errors.Is(err, …)`, `err == nil`, `None =>`, `Ok(Some(_))`,
/// `rows.is_empty()`, `!rows.Next()`, `len(rows) == 0`, `count > 0`, `if exists`).
pub fn existence_test(atom: Atom, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    match atom {
        Atom::Pattern { subject, pattern } => {
            if read.is_error(subject) {
                error_value_test(pattern, read, lang, k)
            } else if read.is_value(subject) {
                pattern_test(pattern, read, lang, k)
            } else {
                Test::UNRELATED
            }
        }
        Atom::Cond(cond) => cond_test(cond, read, lang, k),
    }
}

fn cond_test(cond: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    match &cond.kind {
        ExprKind::Binary { op, lhs, rhs } => match op {
            BinOp::Eq | BinOp::Ne => {
                let test = equality_test(lhs, rhs, read, lang, k)
                    .or_else(|| equality_test(rhs, lhs, read, lang, k))
                    .unwrap_or(Test::UNRELATED);
                if *op == BinOp::Ne { !test } else { test }
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                count_test(*op, lhs, rhs, read, lang, k).unwrap_or(Test::UNRELATED)
            }
            _ => Test::UNRELATED,
        },
        // The read call itself as the condition (`if Payment.objects.filter(…).exists():`).
        ExprKind::Call(_) if read.is_value(cond) => Test::exact(ReadOutcomes::FOUND),
        ExprKind::Call(call) => {
            let name = call.callee.dotted().unwrap_or_default();
            if k.is_error_is_call(lang, &name)
                && let [subject, target] = call.args.as_slice()
            {
                return existence_test(
                    Atom::Pattern {
                        subject,
                        pattern: target,
                    },
                    read,
                    lang,
                    k,
                );
            }
            if k.is_not_found_predicate(&name)
                && call
                    .args
                    .iter()
                    .any(|a| read.is_error(a) || read.carries(a))
            {
                return Test::exact(ReadOutcomes::ABSENT);
            }
            let ExprKind::Field { base, .. } = &call.callee.kind else {
                return Test::UNRELATED;
            };
            let method = format!(".{}", call.callee.last_segment().unwrap_or_default());
            if !read.is_value(base) {
                Test::UNRELATED
            } else if k.is_absent_check(lang, &method) {
                Test::exact(ReadOutcomes::ABSENT)
            } else if k.is_present_check(lang, &method) {
                Test::exact(ReadOutcomes::FOUND)
            } else {
                Test::UNRELATED
            }
        }
        // The value itself as the condition (`if found`, `if (await redis.exists(k))`).
        _ if read.is_value(cond) => Test::exact(ReadOutcomes::FOUND),
        _ => Test::UNRELATED,
    }
}

/// Whether a condition holds exactly when `subject` has a value (`Some(true)`: `x`,
/// `x != nil`, `x.is_some()`, `Some(_)` matched against `x`) or exactly when it has none
/// (`Some(false)`: `x == null`, `x.is_none()`, `None` matched against it); `None` when it
/// says neither, or is not about `subject`.
pub fn presence(
    atom: Atom,
    is_subject: &dyn Fn(&Expr) -> bool,
    lang: Lang,
    k: &Knowledge,
) -> Option<bool> {
    let is_nothing_expr = |e: &Expr| strip(e).dotted().is_some_and(|n| is_nothing(&n));
    match atom {
        Atom::Cond(cond) => match &cond.kind {
            _ if is_subject(strip(cond)) => Some(true),
            ExprKind::Binary {
                op: op @ (BinOp::Eq | BinOp::Ne),
                lhs,
                rhs,
            } => {
                let compared = is_subject(strip(lhs)) && is_nothing_expr(rhs)
                    || is_subject(strip(rhs)) && is_nothing_expr(lhs);
                compared.then_some(*op == BinOp::Ne)
            }
            ExprKind::Call(call) => {
                let ExprKind::Field { base, name } = &call.callee.kind else {
                    return None;
                };
                if !call.args.is_empty() || !is_subject(strip(base)) {
                    return None;
                }
                let method = format!(".{name}");
                if k.is_present_check(lang, &method) {
                    Some(true)
                } else if k.is_absent_check(lang, &method) {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        },
        Atom::Pattern { subject, pattern } if is_subject(strip(subject)) => match &pattern.kind {
            ExprKind::Name(n) if is_nothing(n.rsplit('.').next().unwrap_or(n)) => Some(false),
            ExprKind::Call(call) if call.callee.dotted().as_deref() == Some("Some") => Some(true),
            _ => None,
        },
        Atom::Pattern { .. } => None,
    }
}

/// `x == y` where `x` is the read's error or value.
fn equality_test(x: &Expr, y: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Option<Test> {
    if read.is_error(x) {
        return Some(error_value_test(y, read, lang, k));
    }
    let is_value = read.is_value(x) || is_length_of_value(x, read, lang, k);
    // A call chained on the read (`.Val()`, `.Scan(&v)`) gives its value or its error.
    let chained = !is_value && read.carries(x);
    match &strip(y).kind {
        ExprKind::Number { value: Some(v), .. } if *v == 0.0 && (is_value || chained) => {
            Some(Test::exact(ReadOutcomes::ABSENT))
        }
        ExprKind::Str(s) if s.value.is_empty() && (is_value || chained) => {
            Some(Test::at_most(ReadOutcomes::ABSENT))
        }
        ExprKind::Name(n) if is_nothing(n) && is_value => Some(Test::exact(ReadOutcomes::ABSENT)),
        _ if chained => Some(error_value_test(y, read, lang, k)),
        _ => None,
    }
}

/// What comparing the read's error with `value` says (`nil`, `sql.ErrNoRows`).
fn error_value_test(value: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    let Some(name) = strip(value).dotted() else {
        return Test::UNRELATED;
    };
    if is_nothing(&name) {
        read.succeeded()
    } else if k.is_not_found_error(lang, &name) {
        Test::exact(ReadOutcomes::ABSENT)
    } else {
        Test::UNRELATED
    }
}

/// `nil`, `None`, `null`: no value, in any language.
pub fn is_nothing(name: &str) -> bool {
    matches!(name, "nil" | "None" | "null" | "NULL")
}

/// `len(rows)`, `rows.len()`, `rows.length`, `res.rows.length`, `res.rowCount`.
fn is_length_of_value(expr: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> bool {
    if let ExprKind::Field { base, name } = &strip(expr).kind
        && k.is_length_field(lang, name)
    {
        let mut root = strip(base);
        while let ExprKind::Field { base, .. } = &root.kind {
            if read.is_value(root) {
                break;
            }
            root = strip(base);
        }
        return read.is_value(root);
    }
    let Some(call) = strip(expr).as_call() else {
        return false;
    };
    match &call.callee.kind {
        ExprKind::Field { base, name } => {
            k.is_length_call(lang, &format!(".{name}")) && read.is_value(base)
        }
        _ => {
            call.callee
                .dotted()
                .is_some_and(|n| k.is_length_call(lang, &n))
                && call.args.first().is_some_and(|a| read.is_value(a))
        }
    }
}

/// `count > 0`, `len(rows) < 1`, `0 < n`: a count compared with 0 or 1.
fn count_test(
    op: BinOp,
    lhs: &Expr,
    rhs: &Expr,
    read: &Read,
    lang: Lang,
    k: &Knowledge,
) -> Option<Test> {
    let is_count = |e: &Expr| read.is_value(e) || is_length_of_value(e, read, lang, k);
    let number = |e: &Expr| match &strip(e).kind {
        ExprKind::Number { value: Some(v), .. } => Some(*v),
        _ => None,
    };
    let (op, bound) = if is_count(lhs) {
        (op, number(rhs)?)
    } else if is_count(rhs) {
        let flipped = match op {
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            _ => BinOp::Le,
        };
        (flipped, number(lhs)?)
    } else {
        return None;
    };
    let holds = |n: f64| match op {
        BinOp::Lt => n < bound,
        BinOp::Le => n <= bound,
        BinOp::Gt => n > bound,
        _ => n >= bound,
    };
    let at_zero = holds(0.0);
    let some_positive = holds(1.0) || holds(1e18);
    let every_positive = holds(1.0) && holds(1e18);
    let pick = |zero: bool, positive: bool| {
        let mut o = ReadOutcomes::NONE;
        if zero {
            o = o.union(ReadOutcomes::ABSENT);
        }
        if positive {
            o = o.union(ReadOutcomes::FOUND);
        }
        o
    };
    Some(Test {
        may: pick(at_zero, some_positive),
        must: pick(at_zero, every_positive),
    })
}

/// A pattern matched against the read's value: `None`, `Some(_)`, `Ok(None)`,
/// `Err(sqlx::Error::RowNotFound)`, `Err(e)`, `_`.
fn pattern_test(pattern: &Expr, read: &Read, lang: Lang, k: &Knowledge) -> Test {
    let found_or_absent = ReadOutcomes::FOUND.union(ReadOutcomes::ABSENT);
    match &pattern.kind {
        ExprKind::Name(n) if is_nothing(n.rsplit('.').next().unwrap_or(n)) => {
            Test::exact(ReadOutcomes::ABSENT)
        }
        ExprKind::Name(n) if k.is_not_found_error(lang, n) => Test::exact(ReadOutcomes::ABSENT),
        ExprKind::Name(n) if is_catch_all(n) => Test::exact(ReadOutcomes::ALL),
        ExprKind::Call(call) => {
            let inner = call.args.first();
            match call.callee.dotted().as_deref() {
                Some("Some") => match inner.map(|p| &p.kind) {
                    Some(ExprKind::Name(n)) if is_catch_all(n) => Test::exact(ReadOutcomes::FOUND),
                    // `Some(Record { status: Done, .. })`: only some found records match.
                    _ => Test::at_most(ReadOutcomes::FOUND),
                },
                Some("Ok") => match inner.map(|p| &p.kind) {
                    Some(ExprKind::Name(n)) if is_catch_all(n) => match read.absent_is_error {
                        Some(true) => Test::exact(ReadOutcomes::FOUND),
                        Some(false) => Test::exact(found_or_absent),
                        None => Test {
                            may: found_or_absent,
                            must: ReadOutcomes::FOUND,
                        },
                    },
                    Some(_) => pattern_test(inner.unwrap_or(pattern), read, lang, k)
                        .and(Test::exact(found_or_absent)),
                    None => Test::UNRELATED,
                },
                Some("Err") => match inner {
                    Some(inner) => match &inner.kind {
                        ExprKind::Name(n) if k.is_not_found_error(lang, n) => {
                            Test::exact(ReadOutcomes::ABSENT)
                        }
                        ExprKind::Name(n) if is_catch_all(n) => {
                            let failed = ReadOutcomes::FAILED;
                            match read.absent_is_error {
                                Some(true) => Test::exact(failed.union(ReadOutcomes::ABSENT)),
                                Some(false) => Test::exact(failed),
                                None => Test {
                                    may: failed.union(ReadOutcomes::ABSENT),
                                    must: failed,
                                },
                            }
                        }
                        _ => Test::at_most(ReadOutcomes::FAILED),
                    },
                    None => Test::UNRELATED,
                },
                _ => Test::UNRELATED,
            }
        }
        _ => Test::UNRELATED,
    }
}

/// `_`, or a lower-case binding that matches anything.
fn is_catch_all(name: &str) -> bool {
    name == "_"
        || !name.contains('.')
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || c == '_')
}
