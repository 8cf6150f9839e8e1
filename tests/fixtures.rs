//! UI tests: every file under `fixtures/` is checked with every rule, and the findings are
//! compared with the `.expected` file beside it (`line:col rule: message`, then its labels).
//! `IDEMLINT_BLESS=1 cargo test --test fixtures` rewrites the expectations; review the diff.
//!
//! Under `fixtures/<rule>/<lang>/`, a `tp_*` file must get at least one finding of `<rule>`
//! and a `tn_*` file none, so a bad bless cannot turn a miss into an expectation.

mod golden;

use std::fmt::Write;
use std::path::Path;

use idemlint::finding::Finding;
use idemlint::knowledge::Knowledge;
use idemlint::model::Lang;
use idemlint::report::position::LineIndex;
use idemlint::rules;

fn render(source: &str, findings: &[Finding]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    for f in findings {
        let at = index.position(f.primary.span.start);
        let _ = writeln!(out, "{at} {}: {}", f.rule, f.message);
        let _ = writeln!(out, "    primary: {}", f.primary.message);
        for label in &f.secondary {
            let at = index.position(label.span.start);
            let _ = writeln!(out, "    {at} {}", label.message);
        }
        for note in &f.notes {
            let _ = writeln!(out, "    note: {note}");
        }
        let _ = writeln!(out, "    help: {}", f.help);
        if let Some(fix) = &f.fix {
            for edit in &fix.edits {
                let at = index.position(edit.span.start);
                let _ = writeln!(out, "    fix at {at}: {:?}", edit.replacement);
            }
        }
    }
    out
}

/// The rule a fixture is filed under, and whether it is a true positive (`tp_`) or a
/// near-miss negative (`tn_`).
fn filed_under(path: &Path) -> Option<(String, bool)> {
    let rule = path.parent()?.parent()?.file_name()?.to_str()?.to_owned();
    rules::by_name(&rule)?;
    let name = path.file_name()?.to_str()?;
    if name.starts_with("tp_") {
        Some((rule, true))
    } else if name.starts_with("tn_") {
        Some((rule, false))
    } else {
        None
    }
}

#[test]
fn fixtures_match_their_expectations() {
    let files = golden::fixture_files();
    assert!(files.len() > 30, "fixtures went missing: {}", files.len());
    let knowledge = Knowledge::builtin();
    let mut failures = Vec::new();
    for path in &files {
        let rel = golden::relative(path);
        let source = std::fs::read_to_string(path).expect("fixtures are UTF-8");
        let lang = Lang::from_path(path).expect("filtered by language");
        let result = idemlint::check_source(&source, lang, rules::ALL, &knowledge);
        if let Some((rule, positive)) = filed_under(path) {
            let hits = result.findings.iter().filter(|f| f.rule == rule).count();
            if positive && hits == 0 {
                failures.push(format!("{rel}: expected a `{rule}` finding, got none"));
            }
            if !positive && hits > 0 {
                failures.push(format!("{rel}: expected no `{rule}` finding, got {hits}"));
            }
        }
        let actual = render(&source, &result.findings);
        let expected_path = golden::golden_path(path, "expected");
        failures.extend(golden::compare(&expected_path, &actual, "findings"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
