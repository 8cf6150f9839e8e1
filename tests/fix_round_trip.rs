//! Round trip of the fixes, as clippy's `.fixed` files: for every fixture with a finding
//! whose fix has edits, the edits of all its fixes are applied and the result is compared
//! with the `<fixture>.fixed` file beside it (`IDEMLINT_BLESS=1 cargo test --test
//! fix_round_trip` rewrites them; review the diff). The fixed text is checked again with
//! every rule: it must read as cleanly as the fixture did, and every finding that carried a
//! fix must be gone. Another rule may flag the fixed text: an `unsafe` fix leaves code for
//! the author to write (the branch on `ON CONFLICT … DO NOTHING`), which that rule asks for.
//!
//! All fixes of a fixture are applied together, as `.fixed` shows one text: the rules fix
//! one statement each, so the fixes of different findings do not overlap in the fixtures.
//! Where they do, the test fails rather than guess an order (the JSON document tells tools
//! to apply one fix at a time and check again).

mod golden;

use std::path::Path;

use idemlint::finding::{Edit, Finding};
use idemlint::knowledge::Knowledge;
use idemlint::model::Lang;
use idemlint::report::position::LineIndex;
use idemlint::rules;

/// Where byte `offset` of the fixture is in the fixed text: moved by every edit before it.
fn moved(offset: usize, edits: &[&Edit]) -> usize {
    edits
        .iter()
        .filter(|edit| edit.span.end <= offset)
        .fold(offset, |at, edit| {
            at + edit.replacement.len() - edit.span.len()
        })
}

/// The failures of one fixture's round trip.
fn round_trip(path: &Path, knowledge: &Knowledge, fixed_fixtures: &mut usize) -> Vec<String> {
    let rel = golden::relative(path);
    let source = std::fs::read_to_string(path).expect("fixtures are UTF-8");
    let lang = Lang::from_path(path).expect("filtered by language");
    let before = idemlint::check_source(&source, lang, rules::ALL, knowledge);
    let fixed_findings: Vec<&Finding> = (before.findings.iter())
        .filter(|f| f.fix.as_ref().is_some_and(|fix| !fix.edits.is_empty()))
        .collect();
    let fixed_path = golden::golden_path(path, "fixed");
    if fixed_findings.is_empty() {
        return (fixed_path
            .exists()
            .then(|| format!("{rel}: has no fix with edits, but a stale .fixed file")))
        .into_iter()
        .collect();
    }
    *fixed_fixtures += 1;
    let edits: Vec<&Edit> = (fixed_findings.iter())
        .flat_map(|f| &f.fix.as_ref().expect("filtered on the fix").edits)
        .collect();
    let fixed = match idemlint::fix::apply_edits(&source, &edits) {
        Ok(fixed) => fixed,
        Err(why) => return vec![format!("{rel}: {why}")],
    };
    let mut failures: Vec<String> = (golden::compare(&fixed_path, &fixed, "fixed texts"))
        .into_iter()
        .collect();
    let after = idemlint::check_source(&fixed, lang, rules::ALL, knowledge);
    let mut old_notes: Vec<&str> = before.notes.iter().map(|n| n.message.as_str()).collect();
    for note in &after.notes {
        match old_notes.iter().position(|old| *old == note.message) {
            Some(at) => {
                old_notes.swap_remove(at);
            }
            None => failures.push(format!(
                "{rel}: the fixed text has a new parse note: {}",
                note.message
            )),
        }
    }
    let index = LineIndex::new(&source);
    for finding in fixed_findings {
        let at = moved(finding.primary.span.start, &edits);
        if (after.findings.iter()).any(|f| f.rule == finding.rule && f.primary.span.start == at) {
            failures.push(format!(
                "{rel}: the `{}` finding at {} is still there after its fix",
                finding.rule,
                index.position(finding.primary.span.start)
            ));
        }
    }
    failures
}

#[test]
fn fixes_apply_cleanly_and_remove_their_findings() {
    let knowledge = Knowledge::builtin();
    let mut fixed_fixtures = 0;
    let failures: Vec<String> = (golden::fixture_files().iter())
        .flat_map(|path| round_trip(path, &knowledge, &mut fixed_fixtures))
        .collect();
    assert!(
        fixed_fixtures > 30,
        "fixtures with fixes went missing: {fixed_fixtures}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
