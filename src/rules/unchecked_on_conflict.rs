//! `unchecked-on-conflict`: an `INSERT … ON CONFLICT DO NOTHING` used as a dedup whose
//! outcome nothing checks, so the business write after it runs for duplicates too.

use super::{Context, Rule, RuleMeta};
use crate::finding::{Finding, Severity};
use crate::model::Unit;

pub struct UncheckedOnConflict;

static META: RuleMeta = RuleMeta {
    name: "unchecked-on-conflict",
    summary: "an ON CONFLICT DO NOTHING dedup whose outcome is never checked before the business write",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/unchecked-on-conflict.md"),
};

impl Rule for UncheckedOnConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding> {
        let _ = (unit, cx);
        Vec::new()
    }
}
