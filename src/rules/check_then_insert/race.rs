//! A read by key and the insert on its "not found" path, reported: the labels, the help in
//! the dialect's and the language's words, and the fix that makes the insert atomic.

use super::META;
use crate::finding::{Applicability, Edit, Finding, Fix, Label};
use crate::flow::{self, QuerySite, Site};
use crate::model::{Span, Unit, UnitKind};
use crate::rules::Context;
use crate::sql::{Statement, Value};

/// A read by key and the insert on its "not found" path.
pub(super) struct Race<'q, 'a> {
    pub(super) read_q: &'q QuerySite<'a>,
    pub(super) select: &'q Statement,
    pub(super) write_q: &'q QuerySite<'a>,
    pub(super) insert: &'q Statement,
    pub(super) keys: &'q [&'q str],
    /// The "nothing found" test that leads to the insert.
    pub(super) test: Option<Span>,
    /// The deciding unit's call to the function that makes the read, when it does not make
    /// the read itself (see `across`).
    pub(super) read_through: Option<Site<'a>>,
    /// The deciding unit's call to the function that makes the insert, likewise.
    pub(super) write_through: Option<Site<'a>>,
}

impl Race<'_, '_> {
    pub(super) fn report(&self, unit: &Unit, cx: &Context) -> Finding {
        let key = self.keys.join(", ");
        let table = self.select.table.as_deref().unwrap_or("the table");
        let ignored = (self.write_through.or(self.write_q.call))
            .is_some_and(|site| flow::error_ignored(unit, &site, cx.lang, cx.knowledge));
        let message = if ignored {
            format!(
                "two concurrent requests with the same `{key}` can both find no row and both \
                 insert it; the insert's error is ignored, so both go on as if they had created it"
            )
        } else {
            format!(
                "two concurrent requests with the same `{key}` can both find no row and both \
                 insert it"
            )
        };
        let insert_at = self.write_q.file_span(&self.insert.keyword_span);
        let read_at = self.read_q.file_span(&self.select.keyword_span);
        // One call that reads and then inserts (GORM's `FirstOrCreate`): one label says both.
        let one_call = insert_at == read_at;
        let primary = match &self.write_through {
            None if one_call => Label::new(
                insert_at.clone(),
                format!(
                    "not atomic: reads `{table}` by `{key}`, then inserts when it found nothing; \
                     a concurrent request with the same key can insert in between"
                ),
            ),
            None => Label::new(
                insert_at.clone(),
                "not atomic: a concurrent request with the same key can insert between the read \
                 and this write",
            ),
            Some(call) => Label::new(
                call.expr.span.clone(),
                "not atomic: a concurrent request with the same key can insert between the read \
                 and this call",
            ),
        };
        let mut finding = Finding::new(META.name, message, primary);
        finding = match &self.read_through {
            None if one_call => finding,
            None => finding.with_secondary(Label::new(
                read_at,
                format!("reads `{table}` by `{key}`: both requests can find no row here"),
            )),
            Some(call) => finding
                .with_secondary(Label::new(
                    call.expr.span.clone(),
                    "both requests can find no row through this call",
                ))
                .with_secondary(Label::new(
                    read_at,
                    format!(
                        "reads `{table}` by `{key}`, and `{}` hands back what it found",
                        callee(call)
                    ),
                )),
        };
        if let Some(call) = &self.write_through {
            finding = finding.with_secondary(Label::new(
                insert_at,
                format!(
                    "`{}` inserts the key here, whether or not a concurrent request just did",
                    callee(call)
                ),
            ));
        }
        if let Some(test) = &self.test {
            finding = with_test_label(finding, test.clone());
        }
        if self.select.locking_read {
            finding = finding.with_note(
                "`FOR UPDATE` locks only rows that exist: when no row is found it locks nothing, \
                 so it does not close the race",
            );
        }
        let mysql = self.uses_question_marks();
        // In a PL/pgSQL body an INSERT … RETURNING needs an INTO; there the insert's outcome
        // is FOUND (or the row count), as in MySQL and SQLite.
        let routine = cx.lang.code_is_sql() && unit.kind == UnitKind::Function;
        // An ORM's insert is made atomic in the library's terms, and has no SQL to edit.
        let orm_atomic = (self.write_q.sql.orm.as_deref())
            .and_then(|library| cx.knowledge.orm_atomic_insert(library));
        finding = finding.with_help(match orm_atomic {
            Some(atomic) => format!(
                "make the insert atomic: {atomic}. A request that creates nothing has lost \
                 the race: replay the winner's result or answer 409 instead of going on"
            ),
            None => sql_help(cx, &key, self.keys[0], mysql, routine),
        });
        match &self.write_through {
            // The edit would change the function for all its callers, and they cannot branch
            // on its outcome until it hands it back.
            Some(call) => finding.with_note(format!(
                "the insert is in `{}`: make it atomic there, and have it tell its callers \
                 whether it created the row",
                callee(call)
            )),
            None if orm_atomic.is_some() => finding,
            None => match self.fix(mysql, routine) {
                Some(fix) => finding.with_fix(fix),
                None => finding,
            },
        }
    }

    /// `?` placeholders: MySQL or SQLite, where the PostgreSQL clause may not apply.
    fn uses_question_marks(&self) -> bool {
        self.select
            .where_equals
            .iter()
            .any(|c| matches!(&c.value, Value::Param(p) if p.starts_with('?')))
    }

    /// Adds `ON CONFLICT (key) DO NOTHING RETURNING key` at the end of the insert, when it
    /// has no RETURNING of its own to keep the clause in front of.
    ///
    /// Unsafe: a duplicate no longer fails with a unique violation but inserts nothing and
    /// returns no row, so the code after it goes on as if it had created the row until the
    /// author makes it branch on the returned row, which no text edit here can write.
    fn fix(&self, mysql: bool, routine: bool) -> Option<Fix> {
        if mysql || self.insert.returning.is_some() {
            return None;
        }
        let key = self.keys.join(", ");
        let first = self.keys.first()?;
        let (clause, go_on) = if routine {
            (
                format!(" ON CONFLICT ({key}) DO NOTHING"),
                "go on only when `FOUND` says it inserted a row",
            )
        } else {
            (
                format!(" ON CONFLICT ({key}) DO NOTHING RETURNING {first}"),
                "go on only when it returned a row",
            )
        };
        let at = self
            .write_q
            .file_span(&(self.insert.end..self.insert.end))
            .start;
        Some(Fix {
            description: format!(
                "make the insert atomic with `{}`, and {go_on}",
                clause.trim()
            ),
            edits: vec![Edit {
                span: at..at,
                replacement: clause,
            }],
            applicability: Applicability::Unsafe,
        })
    }
}

/// The name a call gives its function (`store.CreatePayment`).
fn callee(call: &Site) -> String {
    call.call.callee.dotted().unwrap_or_default()
}

/// The help of a race over a table: the atomic insert, spelled for the dialect, in the
/// language's words.
fn sql_help(cx: &Context, key: &str, first: &str, mysql: bool, routine: bool) -> String {
    let insert = if mysql {
        "`INSERT IGNORE …` (SQLite: `INSERT … ON CONFLICT DO NOTHING`)".to_owned()
    } else if routine {
        format!("`INSERT … ON CONFLICT ({key}) DO NOTHING` (then `IF FOUND`)")
    } else {
        format!("`INSERT … ON CONFLICT ({key}) DO NOTHING RETURNING {first}`")
    };
    cx.profile().atomic_insert_help(&insert, mysql || routine)
}

/// Labels the "not found" test, unless it is the read itself tested in place
/// (`if rdb.Exists(ctx, k).Val() == 0`), which is labelled already.
pub(super) fn with_test_label(finding: Finding, test: Span) -> Finding {
    let overlaps = |l: &Label| l.span.start < test.end && test.start < l.span.end;
    if finding.secondary.iter().any(overlaps) {
        return finding;
    }
    finding.with_secondary(Label::new(
        test,
        "both requests take the \"not found\" path here",
    ))
}
