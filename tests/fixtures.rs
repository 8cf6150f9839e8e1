//! UI tests: every file under `fixtures/` is checked with every rule, and the findings are
//! compared with the `.expected` file beside it (`line:col rule: message`, then its labels).
//! `IDEMLINT_BLESS=1 cargo test --test fixtures` rewrites the expectations; review the diff.
//!
//! Under `fixtures/<rule>/<lang>/`, a `tp_*` file must get at least one finding of `<rule>`
//! and a `tn_*` file none, so a bad bless cannot turn a miss into an expectation.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use idemlint::finding::Finding;
use idemlint::knowledge::Knowledge;
use idemlint::model::Lang;
use idemlint::report::position::LineIndex;
use idemlint::rules;

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fixture_files(&path, out);
        } else if Lang::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    assert!(files.len() > 30, "fixtures went missing: {}", files.len());
    let bless = std::env::var_os("IDEMLINT_BLESS").is_some();
    let knowledge = Knowledge::builtin();
    let mut failures = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .expect("under fixtures/")
            .display()
            .to_string();
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
        let expected_path = PathBuf::from(format!("{}.expected", path.display()));
        if bless {
            std::fs::write(&expected_path, &actual).expect("write expectation");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{rel}: findings differ\n--- expected\n{expected}--- actual\n{actual}"
            )),
            Err(_) => failures.push(format!("{rel}: no .expected file (bless to create)")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
