//! `--fix`, `--unsafe-fixes` and `--diff` end to end: every fixture and seed snippet with a
//! `.fixed` file, copied to a folder and fixed by the binary, becomes its `.fixed` text,
//! still reads without a parse warning, and no longer has the findings that were fixed.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

/// Every file of `fixtures/` with a `.fixed` file beside it, in path order.
fn fixed_fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "fixed") {
                out.push(path.with_extension(""));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut out,
    );
    out.sort();
    out
}

/// The fixtures copied into a new folder, each under a name that keeps its language and
/// says where it came from.
fn copied(fixtures: &[PathBuf]) -> (tempfile::TempDir, Vec<(PathBuf, PathBuf)>) {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let copies = fixtures
        .iter()
        .map(|fixture| {
            let relative = fixture.strip_prefix(&root).unwrap();
            let name = relative.to_string_lossy().replace('/', "__");
            let copy = dir.path().join(name);
            fs::copy(fixture, &copy).unwrap();
            (fixture.clone(), copy)
        })
        .collect();
    (dir, copies)
}

#[test]
fn fix_with_unsafe_fixes_makes_every_fixture_its_fixed_text() {
    let fixtures = fixed_fixtures();
    assert!(fixtures.len() > 50, "the fixtures with fixes are found");
    let (dir, copies) = copied(&fixtures);
    let before = cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--exit-zero", "."])
        .output()
        .unwrap();
    let before: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    let fixable = |report: &serde_json::Value| -> usize {
        (report["findings"].as_array().unwrap().iter())
            .filter(|f| f["fix"].is_object())
            .count()
    };
    assert!(fixable(&before) >= fixtures.len());
    let fixed = cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "--color", "never", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&fixed.stderr);
    assert!(stderr.contains("fixed "), "{stderr}");
    assert!(
        !stderr.contains("warning:"),
        "the fixed files still parse: {stderr}"
    );
    let mut different = Vec::new();
    for (fixture, copy) in &copies {
        let expected = fs::read_to_string(fixture.with_extension(format!(
            "{}.fixed",
            fixture.extension().unwrap().to_string_lossy()
        )))
        .unwrap();
        if fs::read_to_string(copy).unwrap() != expected {
            different.push(fixture.display().to_string());
        }
    }
    assert!(
        different.is_empty(),
        "not their .fixed text: {different:#?}"
    );
    let after = cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--exit-zero", "."])
        .output()
        .unwrap();
    let after: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(fixable(&after), 0, "{after:#}");
}

/// The seed's transition script: its completion is fixed by an unsafe compare-and-set.
const TRANSITION: &str = "fixtures/seed/transition.sql";

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(TRANSITION)).unwrap();
    fs::write(dir.path().join("transition.sql"), &source).unwrap();
    let output = cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--diff", "--unsafe-fixes", "transition.sql"])
        .assert()
        .code(1)
        .stderr("would fix 1 problem in 1 file\n")
        .get_output()
        .clone();
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(
        diff.starts_with("--- a/transition.sql\n+++ b/transition.sql\n@@ "),
        "{diff}"
    );
    assert!(diff.lines().any(|l| l.starts_with('+')), "{diff}");
    assert_eq!(
        fs::read_to_string(dir.path().join("transition.sql")).unwrap(),
        source
    );
    // Without --unsafe-fixes, the unsafe fix is only mentioned.
    cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--diff", "transition.sql"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("1 more fix is unsafe: --unsafe-fixes makes them too\n");
}

#[test]
fn fix_options_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--unsafe-fixes"])
        .assert()
        .code(2)
        .stderr("error: --unsafe-fixes goes with --fix or --diff\n");
    cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--fix", "--lang", "sql", "-"])
        .write_stdin("SELECT 1;")
        .assert()
        .code(2)
        .stderr("error: --fix and --diff change files: they cannot fix stdin\n");
    cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .args(["check", "--fix", "--diff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}
