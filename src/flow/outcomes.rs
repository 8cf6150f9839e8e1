//! What a read can have found (`ReadOutcomes`: absent, failed, in progress, settled), and what
//! a condition says about it (`Test`: the outcomes under which it may hold, and those under
//! which it must), with the conditions a classifier is asked about (`Atom`).

use crate::model::Expr;

/// A set of things a read can have found, as bits: used to follow which outcomes of a read
/// reach a statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOutcomes(u8);

impl ReadOutcomes {
    pub const NONE: ReadOutcomes = ReadOutcomes(0);
    /// Nothing was found: no row, no key.
    pub const ABSENT: ReadOutcomes = ReadOutcomes(1);
    /// The read itself failed.
    pub const FAILED: ReadOutcomes = ReadOutcomes(2);
    /// A record was found whose status says a request is still working on it.
    pub const IN_PROGRESS: ReadOutcomes = ReadOutcomes(4);
    /// A record was found in any other state.
    pub const SETTLED: ReadOutcomes = ReadOutcomes(8);
    /// A record was found, whatever its state.
    pub const FOUND: ReadOutcomes = ReadOutcomes(4 | 8);
    pub const ALL: ReadOutcomes = ReadOutcomes(15);

    pub fn union(self, other: ReadOutcomes) -> ReadOutcomes {
        ReadOutcomes(self.0 | other.0)
    }

    pub fn intersect(self, other: ReadOutcomes) -> ReadOutcomes {
        ReadOutcomes(self.0 & other.0)
    }

    pub fn without(self, other: ReadOutcomes) -> ReadOutcomes {
        ReadOutcomes(self.0 & !other.0)
    }

    pub fn complement(self) -> ReadOutcomes {
        ReadOutcomes::ALL.without(self)
    }

    /// Whether some outcome of `other` is in this set.
    pub fn overlaps(self, other: ReadOutcomes) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// What a condition says about a read: it can hold only under the outcomes in `may`, and
/// surely holds under those in `must` (`must` ⊆ `may`). `status == "completed"` may hold
/// for a settled record, but need not (the record may have failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Test {
    pub may: ReadOutcomes,
    pub must: ReadOutcomes,
}

impl Test {
    /// A condition that says nothing about the read.
    pub const UNRELATED: Test = Test {
        may: ReadOutcomes::ALL,
        must: ReadOutcomes::NONE,
    };

    /// Holds exactly under `outcomes`.
    pub fn exact(outcomes: ReadOutcomes) -> Test {
        Test {
            may: outcomes,
            must: outcomes,
        }
    }

    /// Holds at most under `outcomes`, and not surely under any.
    pub fn at_most(outcomes: ReadOutcomes) -> Test {
        Test {
            may: outcomes,
            must: ReadOutcomes::NONE,
        }
    }

    pub fn and(self, other: Test) -> Test {
        Test {
            may: self.may.intersect(other.may),
            must: self.must.intersect(other.must),
        }
    }

    pub fn or(self, other: Test) -> Test {
        Test {
            may: self.may.union(other.may),
            must: self.must.union(other.must),
        }
    }

    pub fn is_unrelated(self) -> bool {
        self == Test::UNRELATED
    }
}

impl std::ops::Not for Test {
    type Output = Test;

    fn not(self) -> Test {
        Test {
            may: self.must.complement(),
            must: self.may.complement(),
        }
    }
}

/// One condition with no `&&`, `||` or `!` at its top, for a rule's classifier.
#[derive(Clone, Copy)]
pub enum Atom<'a> {
    Cond(&'a Expr),
    /// `pattern` matched against `subject` (a `match` arm, `if let`, `let … else`, a `case`).
    Pattern {
        subject: &'a Expr,
        pattern: &'a Expr,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_swaps_what_may_and_must_hold() {
        let completed = Test::at_most(ReadOutcomes::SETTLED);
        assert_eq!(
            !completed,
            Test {
                may: ReadOutcomes::ALL,
                must: ReadOutcomes::ABSENT
                    .union(ReadOutcomes::FAILED)
                    .union(ReadOutcomes::IN_PROGRESS),
            }
        );
        let absent = Test::exact(ReadOutcomes::ABSENT);
        assert_eq!(!!absent, absent);
        assert_eq!(
            absent.and(Test::UNRELATED),
            Test::at_most(ReadOutcomes::ABSENT)
        );
        assert_eq!(
            absent.or(Test::UNRELATED),
            Test {
                may: ReadOutcomes::ALL,
                must: ReadOutcomes::ABSENT,
            }
        );
    }
}
