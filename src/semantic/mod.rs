//! The semantic layer: the facts about a unit that several rules read (its calls with their
//! roles, its queries with their SQL facts), computed once per unit and shared by every rule
//! that asks, as ruff's checker and oxc's semantic model are. Cross-function summaries are
//! to be built from it.

use std::cell::OnceCell;

use crate::flow::{self, QuerySite, Site};
use crate::knowledge::Knowledge;
use crate::model::{CallRole, Unit};

/// What one unit holds, in source order.
pub struct UnitFacts<'a> {
    calls: Vec<Site<'a>>,
    queries: Vec<QuerySite<'a>>,
    once_only_effects: Vec<Site<'a>>,
}

impl<'a> UnitFacts<'a> {
    fn of(unit: &'a Unit, knowledge: &Knowledge) -> UnitFacts<'a> {
        let calls = flow::calls(unit);
        let once_only_effects = calls
            .iter()
            .copied()
            .filter(|site| {
                matches!(site.call.role, CallRole::Unknown)
                    && site
                        .call
                        .callee
                        .dotted()
                        .is_some_and(|name| knowledge.is_side_effect(&name))
            })
            .collect();
        UnitFacts {
            queries: flow::queries(unit),
            calls,
            once_only_effects,
        }
    }

    /// Every call, with the statement it stands in (see [`flow::calls`]).
    pub fn calls(&self) -> &[Site<'a>] {
        &self.calls
    }

    /// Every query: calls that run SQL, and SQL statements of a script (see
    /// [`flow::queries`]).
    pub fn queries(&self) -> &[QuerySite<'a>] {
        &self.queries
    }

    /// The calls with an effect outside the program that must happen once (a charge, a
    /// message, an email), by the knowledge table's side-effect names: what a duplicate
    /// request would do twice.
    pub fn once_only_effects(&self) -> &[Site<'a>] {
        &self.once_only_effects
    }
}

/// Where rules get a unit's facts: [`Semantic`], behind a reference that does not tie the
/// rules' context to the lifetime of the facts' cache.
pub trait FactsOf {
    /// The facts of `unit`, one of the file's units.
    fn of(&self, unit: &Unit) -> &UnitFacts<'_>;
}

/// The facts of every unit of one file, each computed the first time a rule asks.
pub struct Semantic<'a> {
    units: &'a [Unit],
    knowledge: &'a Knowledge,
    facts: Vec<OnceCell<UnitFacts<'a>>>,
}

impl<'a> Semantic<'a> {
    pub fn new(units: &'a [Unit], knowledge: &'a Knowledge) -> Semantic<'a> {
        Semantic {
            units,
            knowledge,
            facts: units.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// Where `unit` stands among the file's units: by address, since rules are handed the
    /// units themselves.
    fn index_of(&self, unit: &Unit) -> usize {
        let start = self.units.as_ptr() as usize;
        let at = unit as *const Unit as usize;
        let index = at.wrapping_sub(start) / std::mem::size_of::<Unit>().max(1);
        assert!(
            index < self.units.len() && std::ptr::eq(&self.units[index], unit),
            "the semantic layer was asked about a unit of another file"
        );
        index
    }
}

impl FactsOf for Semantic<'_> {
    fn of(&self, unit: &Unit) -> &UnitFacts<'_> {
        let index = self.index_of(unit);
        self.facts[index].get_or_init(|| UnitFacts::of(&self.units[index], self.knowledge))
    }
}
