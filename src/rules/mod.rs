//! The rules: one file per rule (a folder for one too large for a file), each a value with
//! its metadata and a `check` over one [`Unit`]. [`ALL`] is the registry.

use crate::finding::{Finding, Severity};
use crate::flow::{FileGate, Functions, Site};
use crate::knowledge::Knowledge;
use crate::lang::profile::Profile;
use crate::model::{Call, Expr, Lang, Span, Unit};
use crate::semantic::{Semantic, UnitFacts};
pub use need::{Need, TextScan, Word, WordKind, is_identifier_byte};

mod backoff_without_jitter;
mod check_then_insert;
mod in_progress_reentry;
mod need;
mod retry_any_error;
mod retry_marks;
mod unchecked_on_conflict;

/// What a rule is, for `idemlint rules`, `explain`, SARIF and the docs.
pub struct RuleMeta {
    /// The public name (`check-then-insert`).
    pub name: &'static str,
    /// One line: the hazard.
    pub summary: &'static str,
    pub default_severity: Severity,
    /// The languages the rule reads (the pipeline runs it on no other); its page has a bad
    /// and a good example for each. [`Lang::ALL`], or [`Lang::HOSTS`] for a rule about host
    /// code, rather than a list: a new language then reaches the rule without an edit.
    pub langs: &'static [Lang],
    /// The rule page, `rules/<name>.md`.
    pub doc: &'static str,
}

impl RuleMeta {
    /// Where its page is read online.
    pub fn url(&self) -> String {
        format!(
            "{}/blob/main/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.name
        )
    }
}

/// Where to read more about the rule called `name`: `idemlint explain` and its page
/// online (nothing for a name that is no rule).
pub fn docs_line(name: &str) -> Option<String> {
    let meta = meta_by_name(name)?;
    Some(format!("see `idemlint explain {name}` or {}", meta.url()))
}

/// What a rule sees besides the unit.
pub struct Context<'a> {
    pub lang: Lang,
    pub knowledge: &'a Knowledge,
    /// The whole file, for rules that need to look at text around a span.
    pub source: &'a str,
    /// The functions a unit's calls reach: the file's own, and those of the project around
    /// it (see [`crate::project`]).
    pub functions: &'a dyn Functions,
    /// The facts of each unit, computed once and shared by every rule.
    pub semantic: &'a Semantic<'a>,
}

impl<'a> Context<'a> {
    /// The facts of `unit`, of this file or a function of another file reached through a
    /// call (see [`crate::semantic`]): computed once, however many calls reach it.
    pub fn facts(&self, unit: &Unit) -> &UnitFacts<'a> {
        let functions = self.functions;
        self.semantic
            .of_any(unit, |unit| functions.reached_unit(unit))
    }

    /// The text at `span`: of this file, or of the other file of the project a call
    /// reached (empty when neither holds it).
    pub fn text(&self, span: &Span) -> &str {
        (self.source.get(span.clone()))
            .or_else(|| self.functions.text_at(span))
            .unwrap_or_default()
    }

    /// The function `call` calls from `caller`: of this file or another of the project.
    pub fn function(&self, call: &Call, caller: &Unit) -> Option<&Unit> {
        self.functions.function(call, caller)
    }

    /// The function `name` names, handed on as a value rather than called
    /// (`retry.RetryIf(isRetryable)`): of this file or another of the project.
    pub fn function_named(&self, name: &Expr, caller: &Unit) -> Option<&Unit> {
        self.functions.named_where(name, caller, None)
    }

    /// [`Context::function`], reaching into another file only if its text passes `gate`:
    /// for a rule that looks there for something a cheap test of the text can rule out.
    pub fn function_where(&self, call: &Call, caller: &Unit, gate: &FileGate) -> Option<&Unit> {
        self.functions.function_where(call, caller, Some(gate))
    }

    /// The calls of `unit` by its own name (`runPhase1` of `svc.runPhase1`) in the units of
    /// its file, with the unit each is in, in the order of the units.
    pub fn calls_in_file_of(&self, unit: &Unit) -> Vec<(&'a Unit, &Site<'a>)> {
        let Some(own) = unit
            .name
            .rsplit(['.', ':'])
            .next()
            .filter(|n| !n.is_empty())
        else {
            return Vec::new();
        };
        let mut calls = Vec::new();
        for caller in self.semantic.units() {
            let sites = self.facts(caller).calls().iter();
            calls.extend(
                sites
                    .filter(|site| site.call.callee.last_segment() == Some(own))
                    .map(|site| (caller, site)),
            );
        }
        calls
    }

    /// What the file's language says in its own words (see [`crate::lang::profile`]).
    pub fn profile(&self) -> &'static dyn Profile {
        crate::lang::profile_of(self.lang)
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, unit: &Unit, cx: &Context) -> Vec<Finding>;

    /// What a file must hold for this rule to find anything in it: a file that holds the
    /// needs of no enabled rule is not parsed (see [`crate::prefilter`]). It must hold for
    /// every finding the rule can make; a rule that cannot tell keeps this default.
    fn needs(&self, _knowledge: &Knowledge) -> Need {
        Need::Always
    }

    /// Whether a call to `unit` can make a finding of this rule in the caller, even in a
    /// file without this rule's [`needs`](Rule::needs) (a helper that drops a dedup insert's
    /// outcome, called before a business write): the files that call it are then parsed
    /// too, so that the prefilter never changes the findings.
    fn feeds_callers(&self, _unit: &Unit, _cx: &Context) -> bool {
        false
    }
}

/// Every rule, in the order `idemlint rules` lists them.
pub static ALL: &[&dyn Rule] = &[
    &check_then_insert::CheckThenInsert,
    &backoff_without_jitter::BackoffWithoutJitter,
    &retry_any_error::RetryAnyError,
    &unchecked_on_conflict::UncheckedOnConflict,
    &in_progress_reentry::InProgressReentry,
];

/// The rule with this public name.
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}

/// The meta-rule that reports suppression comments which suppress nothing or name an
/// unknown rule (src/suppress.rs). It checks comments, not units, so it is not in [`ALL`],
/// but it has a level, a page and a place in every report like the others.
pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    name: "unused-suppression",
    summary: "(meta) an idemlint-ignore comment that suppresses nothing or names an unknown rule",
    default_severity: Severity::Warning,
    langs: Lang::ALL,
    doc: include_str!("../../rules/unused-suppression.md"),
};

/// The metadata of every rule in [`ALL`], then of the meta-rule.
pub fn all_meta() -> impl Iterator<Item = &'static RuleMeta> {
    ALL.iter()
        .map(|rule| rule.meta())
        .chain([&UNUSED_SUPPRESSION])
}

/// The metadata of the rule or meta-rule with this public name.
pub fn meta_by_name(name: &str) -> Option<&'static RuleMeta> {
    all_meta().find(|meta| meta.name == name)
}
