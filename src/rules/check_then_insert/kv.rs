//! Key-value stores: a GET whose "no such key" path SETs the same key without NX.

use super::race::with_test_label;
use super::{META, last_once_only_effect, on_absent_path, reach_of};
use crate::finding::{Finding, Label};
use crate::flow::{self, Site};
use crate::knowledge::Knowledge;
use crate::model::{CallRole, Expr, ExprKind, KvOp, Unit};
use crate::rules::{Context, Need};
use crate::sql::StatementKind;

/// A key-value call that can be `op`: a client method, or a generic command call with the
/// command's name as a string.
pub(super) fn kv_need(knowledge: &Knowledge, op: KvOp) -> Need {
    let commands = knowledge
        .kv_command_ops
        .iter()
        .filter(|(_, command_op)| *command_op == op)
        .map(|(name, _)| name);
    Need::any([
        Need::any(
            (knowledge.kv.iter())
                .filter(|api| api.op == op)
                .map(|api| Need::call_taking(&api.call, api.arity)),
        ),
        Need::all([
            Need::calls(knowledge.kv_commands.iter().map(|api| &api.call)),
            Need::quoted(commands),
        ]),
    ])
}

/// A key-value GET whose "no such key" path SETs the same key without NX.
pub(super) fn kv_races(unit: &Unit, cx: &Context) -> Vec<Finding> {
    let calls = cx.facts(unit).calls();
    let last_effect = last_once_only_effect(unit, cx);
    let mut findings = Vec::new();
    for (i, get) in calls.iter().enumerate() {
        let Some(key) = kv_key(get, KvOp::Get, cx) else {
            continue;
        };
        // A cache-aside read (on a miss, compute the value and SET it) guards nothing that
        // must happen once: only a key named like a dedup record, or a once-only effect after
        // the read, says the GET is a check.
        // A client named a cache (`cache.get(k)`, Django's cache framework) is one too.
        let receiver = match &get.call.callee.kind {
            ExprKind::Field { base, .. } => base.dotted().unwrap_or_default(),
            _ => String::new(),
        };
        let is_cache = key.to_ascii_lowercase().contains("cache")
            || receiver.to_ascii_lowercase().contains("cache");
        let guards_dedup = cx.knowledge.names_once_only(&key)
            || cx.knowledge.names_once_only(&unit.name)
            || last_effect.is_some_and(|at| at >= get.expr.span.end);
        if is_cache || !guards_dedup {
            continue;
        }
        let reach = reach_of(unit, get, cx);
        let set = calls[i + 1..].iter().find_map(|set| {
            if kv_key(set, KvOp::Set, cx).as_deref() != Some(key.as_str()) {
                return None;
            }
            Some((set, on_absent_path(&reach, set)?))
        });
        let Some((set, test)) = set else {
            continue;
        };
        // A SET of what the database was read for after the miss refills a cache of it (an
        // idempotency record's stored response copied back into Redis): the database holds
        // the claim.
        let refills = (cx.facts(unit).queries().iter()).any(|q| {
            q.span.start > get.expr.span.end
                && q.span.end < set.expr.span.start
                && q.statements()
                    .iter()
                    .any(|s| s.kind == StatementKind::Select)
        });
        if refills {
            continue;
        }
        let mut finding = Finding::new(
            META.name,
            format!(
                "two concurrent requests with the same key `{key}` can both find it missing and \
                 both set it"
            ),
            Label::new(
                set.expr.span.clone(),
                "not atomic: a concurrent request with the same key can set it between the read \
                 and this write",
            ),
        )
        .with_secondary(Label::new(
            get.expr.span.clone(),
            "both requests can find the key missing here",
        ));
        if let Some(test) = test {
            finding = with_test_label(finding, test);
        }
        findings.push(finding.with_help(cx.profile().atomic_set_help()));
    }
    findings
}

/// The key of a key-value call doing `op`, as written (without `&`).
fn kv_key(site: &Site, op: KvOp, cx: &Context) -> Option<String> {
    let CallRole::Kv {
        op: actual,
        key_arg,
    } = &site.call.role
    else {
        return None;
    };
    if *actual != op {
        return None;
    }
    let key: &Expr = flow::strip(site.call.args.get(*key_arg)?);
    let text: String = cx
        .source
        .get(key.span.clone())?
        .split_whitespace()
        .collect();
    (!text.is_empty()).then_some(text)
}
