//! The semantic layer: the facts about a unit that several rules read, computed once per
//! unit and shared by every rule that asks, as ruff's checker and oxc's semantic model are.
//! A function of another file that a call reaches has its facts here too, computed once per
//! checked file however many calls reach it: they are its summary, what the rules read of a
//! store function, a delay helper or a dedup helper (what it reads by key, inserts, hands
//! back, does once) without looking at its file again.
//!
//! A unit's facts ([`UnitFacts`]) are computed the first time a rule asks for them, each
//! fact beyond the calls and queries only when a rule asks for it:
//! - its calls with their roles, and those with a once-only effect;
//! - its queries, and their SQL statements in order ([`Sequence`]), with the named-query
//!   markers of a SQL file between them ([`NamedQueries`]);
//! - its loops, and those around any point of it;
//! - every expression outside its closures, and where each variable is assigned
//!   ([`Assignments`]).
//!
//! One idea a file besides this one, each re-exported here:
//! - `sequence`: the SQL statements of a unit in order, with indexes built once.
//! - `named_queries`: the lines of a SQL file that name a query.
//! - `assignments`: where each variable of a unit is assigned.

mod assignments;
mod named_queries;
mod sequence;

use std::cell::OnceCell;

use elsa::FrozenMap;

use crate::flow::{self, LoopSite, QuerySite, Site};
use crate::knowledge::Knowledge;
use crate::model::{CallRole, Expr, Lang, Span, Unit};
pub use assignments::Assignments;
pub use named_queries::NamedQueries;
pub use sequence::{Sequence, ends_transaction, first_after};

/// What one unit holds, in source order.
pub struct UnitFacts<'a> {
    unit: &'a Unit,
    /// The text of the unit's file.
    source: &'a str,
    calls: Vec<Site<'a>>,
    sequence: Sequence<'a>,
    once_only_effects: Vec<Site<'a>>,
    named_queries: OnceCell<NamedQueries<'a>>,
    loops: OnceCell<Vec<LoopSite<'a>>>,
    exprs: OnceCell<Vec<&'a Expr>>,
    assignments: OnceCell<Assignments<'a>>,
}

impl<'a> UnitFacts<'a> {
    fn of(unit: &'a Unit, source: &'a str, knowledge: &Knowledge) -> UnitFacts<'a> {
        let calls = flow::calls(unit);
        let once_only_effects = calls
            .iter()
            .copied()
            .filter(|site| is_once_only_effect(site, knowledge))
            .collect();
        UnitFacts {
            unit,
            source,
            sequence: Sequence::new(flow::queries(unit)),
            calls,
            once_only_effects,
            named_queries: OnceCell::new(),
            loops: OnceCell::new(),
            exprs: OnceCell::new(),
            assignments: OnceCell::new(),
        }
    }

    /// Every call, with the statement it stands in (see [`flow::calls`]).
    pub fn calls(&self) -> &[Site<'a>] {
        &self.calls
    }

    /// Every query: calls that run SQL, and SQL statements of a script (see
    /// [`flow::queries`]).
    pub fn queries(&self) -> &[QuerySite<'a>] {
        self.sequence.queries()
    }

    /// The SQL statements of the queries, in the order they run.
    pub fn sequence(&self) -> &Sequence<'a> {
        &self.sequence
    }

    /// The lines of the unit's text that name a query (sqlc's `-- name: GetKey :one`): the
    /// statements on either side of one are run separately.
    pub fn named_queries(&self) -> &NamedQueries<'a> {
        self.named_queries
            .get_or_init(|| NamedQueries::new(self.source, &self.unit.span))
    }

    /// Every loop of the unit's own flow, in source order (see [`flow::loops`]).
    pub fn loops(&self) -> &[LoopSite<'a>] {
        self.loops.get_or_init(|| flow::loops(self.unit))
    }

    /// The loops that enclose `span`, innermost first.
    pub fn enclosing_loops(&self, span: &Span) -> Vec<LoopSite<'a>> {
        flow::enclosing_loops(self.loops(), span)
    }

    /// Every expression outside the unit's closures, sub-expressions included, in source order
    /// (see [`Unit::all_exprs`]).
    pub fn exprs(&self) -> &[&'a Expr] {
        self.exprs.get_or_init(|| self.unit.all_exprs())
    }

    /// Where each variable is assigned, `for` headers included, closures not.
    pub fn assignments(&self) -> &Assignments<'a> {
        self.assignments
            .get_or_init(|| Assignments::of(&self.unit.body))
    }

    /// The calls with an effect outside the program that must happen once (a charge, a
    /// message, an email), by the knowledge table's side-effect names: what a duplicate
    /// request would do twice.
    pub fn once_only_effects(&self) -> &[Site<'a>] {
        &self.once_only_effects
    }
}

/// Whether a call has an effect outside the program that must happen once, by the knowledge
/// table's side-effect names (see [`UnitFacts::once_only_effects`]); asked directly of the
/// calls of a function of another file, which has no facts here.
pub fn is_once_only_effect(site: &Site, knowledge: &Knowledge) -> bool {
    matches!(site.call.role, CallRole::Unknown)
        && (site.call.callee.dotted()).is_some_and(|name| knowledge.is_side_effect(&name))
}

/// Whether a call hands the request on to the next handler (`next()`,
/// `next.ServeHTTP(w, r)`, `next.run(req)`): in a middleware, the work itself.
pub fn hands_on(site: &Site, knowledge: &Knowledge, lang: Lang) -> bool {
    matches!(site.call.role, CallRole::Unknown)
        && (site.call.callee.dotted())
            .is_some_and(|name| knowledge.is_next_handler(lang, &name, site.call.args.len()))
}

/// The facts of every unit of one file, and of the functions of other files its calls
/// reach, each computed the first time a rule asks: what a rule reads of a store function,
/// a delay helper or a dedup helper called from this file is that function's summary,
/// computed once however many calls reach it.
pub struct Semantic<'a> {
    units: &'a [Unit],
    source: &'a str,
    knowledge: &'a Knowledge,
    facts: Vec<OnceCell<UnitFacts<'a>>>,
    /// The facts of functions of other files, by the address of their unit.
    reached: FrozenMap<usize, Box<UnitFacts<'a>>>,
}

impl<'a> Semantic<'a> {
    /// The facts of `units`, the units of the file whose text is `source`.
    pub fn new(units: &'a [Unit], source: &'a str, knowledge: &'a Knowledge) -> Semantic<'a> {
        Semantic {
            units,
            source,
            knowledge,
            facts: units.iter().map(|_| OnceCell::new()).collect(),
            reached: FrozenMap::new(),
        }
    }

    /// The file's units.
    pub fn units(&self) -> &'a [Unit] {
        self.units
    }

    /// The facts of `unit`, one of the file's units.
    pub fn of(&self, unit: &Unit) -> &UnitFacts<'a> {
        let index = self.index_of(unit);
        index
            .map(|index| self.facts_at(index))
            .unwrap_or_else(|| panic!("the semantic layer was asked about a unit of another file"))
    }

    /// The facts of `unit`, one of the file's units, or else a function of another file
    /// whose text is `reached` gives (see [`crate::flow::Functions::reached_unit`]).
    pub fn of_any(
        &self,
        unit: &Unit,
        reached: impl FnOnce(&Unit) -> Option<(&'a Unit, &'a str)>,
    ) -> &UnitFacts<'a> {
        if let Some(index) = self.index_of(unit) {
            return self.facts_at(index);
        }
        let address = unit as *const Unit as usize;
        if let Some(facts) = self.reached.get(&address) {
            return facts;
        }
        let (unit, source) = reached(unit)
            .unwrap_or_else(|| panic!("the semantic layer was asked about a unit never reached"));
        let facts = UnitFacts::of(unit, source, self.knowledge);
        self.reached.insert(address, Box::new(facts))
    }

    fn facts_at(&self, index: usize) -> &UnitFacts<'a> {
        self.facts[index]
            .get_or_init(|| UnitFacts::of(&self.units[index], self.source, self.knowledge))
    }

    /// Where `unit` stands among the file's units, if it is one: by address, since rules are
    /// handed the units themselves.
    fn index_of(&self, unit: &Unit) -> Option<usize> {
        let start = self.units.as_ptr() as usize;
        let at = unit as *const Unit as usize;
        let index = at.wrapping_sub(start) / std::mem::size_of::<Unit>().max(1);
        (index < self.units.len() && std::ptr::eq(&self.units[index], unit)).then_some(index)
    }
}
