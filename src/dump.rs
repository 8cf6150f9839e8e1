//! A compact, stable text rendering of the model, for front-end tests and `--debug-model`.
//!
//! One statement per line, nested blocks indented; expressions in a Lisp-like prefix form
//! with call roles in brackets: `(call [query:affected] db.ExecContext ctx "INSERT…" key)`.

use std::fmt::Write;

use crate::model::{
    Block, CallRole, Expr, ExprKind, Guard, LoopKind, Module, Stmt, StmtKind, Target, TargetKind,
    Unit, UnitKind,
};

pub fn module(module: &Module) -> String {
    module.units.iter().map(unit).collect()
}

pub fn unit(unit: &Unit) -> String {
    let kind = match unit.kind {
        UnitKind::Function => "fn",
        UnitKind::Script => "script",
    };
    let mut out = format!("{kind} {}({})\n", unit.name, unit.params.join(", "));
    block(&mut out, &unit.body, 1);
    out
}

fn block(out: &mut String, b: &Block, depth: usize) {
    for s in &b.stmts {
        stmt(out, s, depth);
    }
}

fn line(out: &mut String, depth: usize, text: &str) {
    let _ = writeln!(out, "{}{text}", "  ".repeat(depth));
}

fn stmt(out: &mut String, s: &Stmt, depth: usize) {
    match &s.kind {
        StmtKind::Assign {
            targets,
            op,
            value,
            else_block,
        } => {
            let op = op.map(|o| format!("{o:?}")).unwrap_or_default();
            let targets: Vec<String> = targets.iter().map(target).collect();
            line(
                out,
                depth,
                &format!("{} {op}= {}", targets.join(", "), expr(value)),
            );
            if let Some(b) = else_block {
                line(out, depth, "else");
                block(out, b, depth + 1);
            }
        }
        StmtKind::Declare { names } => line(out, depth, &format!("declare {}", names.join(", "))),
        StmtKind::Expr(e) => line(out, depth, &expr(e)),
        StmtKind::Branch { subject, arms } => {
            let subject = subject.as_ref().map(|e| format!(" on {}", expr(e)));
            line(
                out,
                depth,
                &format!("branch{}", subject.unwrap_or_default()),
            );
            for arm in arms {
                let guard = match &arm.guard {
                    Guard::Cond(c) => format!("if {}", expr(c)),
                    Guard::Pattern {
                        alternatives,
                        extra,
                    } => {
                        let alts: Vec<String> = alternatives.iter().map(expr).collect();
                        let extra = extra.as_ref().map(|x| format!(" if {}", expr(x)));
                        format!("case {}{}", alts.join(" | "), extra.unwrap_or_default())
                    }
                    Guard::Else => "else".to_owned(),
                };
                line(out, depth + 1, &guard);
                block(out, &arm.body, depth + 2);
            }
        }
        StmtKind::Loop(l) => {
            let kind = match l.kind {
                LoopKind::While => "while",
                LoopKind::Infinite => "loop",
                LoopKind::Each => "each",
            };
            let mut head = kind.to_owned();
            if let Some(label) = &l.label {
                head = format!("'{label}: {head}");
            }
            if !l.bindings.is_empty() {
                let _ = write!(head, " {} in", l.bindings.join(", "));
            }
            if let Some(c) = &l.cond {
                let _ = write!(head, " {}", expr(c));
            }
            line(out, depth, &head);
            for s in &l.init {
                line(out, depth + 1, "init:");
                stmt(out, s, depth + 2);
            }
            block(out, &l.body, depth + 1);
            for s in &l.post {
                line(out, depth + 1, "post:");
                stmt(out, s, depth + 2);
            }
        }
        StmtKind::Return(e) => line(
            out,
            depth,
            &format!(
                "return{}",
                e.as_ref()
                    .map(|e| format!(" {}", expr(e)))
                    .unwrap_or_default()
            ),
        ),
        StmtKind::Throw(e) => line(out, depth, &format!("throw {}", expr(e))),
        StmtKind::Break(l) => line(out, depth, &format!("break{}", label(l))),
        StmtKind::Continue(l) => line(out, depth, &format!("continue{}", label(l))),
        StmtKind::Try {
            body,
            catch_binding,
            handler,
            finally,
        } => {
            line(out, depth, "try");
            block(out, body, depth + 1);
            if let Some(h) = handler {
                line(
                    out,
                    depth,
                    &format!("catch {}", catch_binding.as_deref().unwrap_or("_")),
                );
                block(out, h, depth + 1);
            }
            if let Some(f) = finally {
                line(out, depth, "finally");
                block(out, f, depth + 1);
            }
        }
        StmtKind::Defer(e) => line(out, depth, &format!("defer {}", expr(e))),
        StmtKind::Block(b) => {
            line(out, depth, "block");
            block(out, b, depth + 1);
        }
    }
}

fn label(l: &Option<String>) -> String {
    l.as_ref().map(|l| format!(" '{l}")).unwrap_or_default()
}

fn target(t: &Target) -> String {
    match &t.kind {
        TargetKind::Name(n) => n.clone(),
        TargetKind::Discard => "_".to_owned(),
        TargetKind::Place(e) => expr(e),
    }
}

/// Renders one expression.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Field { base, name } => format!("{}.{name}", expr(base)),
        ExprKind::Call(call) => {
            let role = match &call.role {
                CallRole::Unknown => String::new(),
                CallRole::Query(q) => format!(" [query:{:?}]", q.outcome).to_lowercase(),
                CallRole::Sleep { .. } => " [sleep]".to_owned(),
                CallRole::Random => " [random]".to_owned(),
                CallRole::Kv { op, .. } => format!(" [kv:{op:?}]").to_lowercase(),
                CallRole::Retry(r) => format!(" [retry:{}]", r.entry),
            };
            let mut s = format!("(call{role} {}", expr(&call.callee));
            for a in &call.args {
                let _ = write!(s, " {}", expr(a));
            }
            s.push(')');
            s
        }
        ExprKind::Str(lit) => format!("{:?}", lit.value),
        ExprKind::Number { text, .. } => text.clone(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Binary { op, lhs, rhs } => format!("({op:?} {} {})", expr(lhs), expr(rhs)),
        ExprKind::Unary { op, operand } => format!("({op:?} {})", expr(operand)),
        ExprKind::Try(inner) => format!("{}?", expr(inner)),
        ExprKind::Closure { params, body } => {
            let mut inner = String::new();
            block(&mut inner, body, 1);
            format!("(closure |{}| {{\n{inner}}})", params.join(", "))
        }
        ExprKind::Composite { type_name, fields } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| match k {
                    Some(k) => format!("{k}: {}", expr(v)),
                    None => expr(v),
                })
                .collect();
            format!("{type_name}{{{}}}", fields.join(", "))
        }
        ExprKind::Index { base, index } => format!("{}[{}]", expr(base), expr(index)),
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("[{}]", items.join(", "))
        }
        ExprKind::Sql(q) => format!("(sql {:?})", q.text.value),
        ExprKind::Other(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("(other {})", items.join(" "))
        }
    }
}
