//! The package fixtures: each folder under `fixtures/packages/<rule>/<lang>/` is a small
//! project (a Go package or module, a crate, a tree of modules) whose hazard, or near miss,
//! is split across functions and files. The binary checks the folder as a user would
//! (`idemlint check .` inside it); its text report is compared with the `.expected` file
//! beside the folder, and a `tp_*` folder must get a finding of `<rule>`, a `tn_*` folder
//! none; the report is the same with the prefilter off. `IDEMLINT_BLESS=1 cargo test --test
//! packages` rewrites the expectations.

#[allow(
    dead_code,
    reason = "each test binary uses its own part of the shared helpers"
)]
mod golden;

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

/// Every case folder, in path order.
fn cases() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for rule in sorted_dirs(&golden::packages_root()) {
        for lang in sorted_dirs(&rule) {
            out.extend(sorted_dirs(&lang));
        }
    }
    out
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn run(case: &Path, format: &str) -> String {
    run_with(case, format, &[])
}

fn run_with(case: &Path, format: &str, extra: &[&str]) -> String {
    let output = cargo_bin_cmd!("idemlint")
        .current_dir(case)
        .args(["check", ".", "--color", "never", "--format", format])
        .args(extra)
        .output()
        .expect("run idemlint");
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "{}: {}",
        case.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The rule of each finding, from the JSON report.
fn rules_found(case: &Path) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(&run(case, "json")).expect("JSON");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| finding["rule"].as_str().expect("rule").to_owned())
        .collect()
}

#[test]
fn package_fixtures_match_their_expectations() {
    let cases = cases();
    assert!(
        cases.len() >= 14,
        "package fixtures went missing: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let rel = golden::relative(case);
        let rule = case
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .and_then(|name| name.to_str())
            .expect("under <rule>/<lang>/");
        let name = case.file_name().and_then(|n| n.to_str()).expect("name");
        let hits = rules_found(case).iter().filter(|r| *r == rule).count();
        if name.starts_with("tp_") && hits == 0 {
            failures.push(format!("{rel}: expected a `{rule}` finding, got none"));
        }
        if name.starts_with("tn_") && hits > 0 {
            failures.push(format!("{rel}: expected no `{rule}` finding, got {hits}"));
        }
        let report = run(case, "text");
        // The prefilter's second look at the files that call a helper a rule follows from
        // its callers keeps the findings what they are with every file parsed.
        if run_with(case, "text", &["--no-prefilter"]) != report {
            failures.push(format!("{rel}: the prefilter changes the report"));
        }
        let expected = golden::golden_path(case, "expected");
        failures.extend(golden::compare(&expected, &report, "reports"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A label in another file names that file, in the JSON report as in the text one.
#[test]
fn a_label_in_a_callee_of_another_file_names_that_file() {
    let case = golden::packages_root().join("backoff-without-jitter/go/tp_delay_in_module_package");
    let report: serde_json::Value = serde_json::from_str(&run(&case, "json")).expect("JSON");
    let labels: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["rule"] == "backoff-without-jitter")
        .flat_map(|finding| finding["labels"].as_array().expect("labels").iter())
        .map(|label| {
            (
                label["path"].as_str().unwrap_or("(own file)").to_owned(),
                label["start"]["line"].as_u64().expect("line"),
                label["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            (
                "(own file)".to_owned(),
                12,
                "every client waits exactly this long before its next attempt".to_owned()
            ),
            (
                "(own file)".to_owned(),
                12,
                "this grows on every attempt through `attempt`, the same way in every client"
                    .to_owned()
            ),
            (
                "internal/backoff/backoff.go".to_owned(),
                4,
                "the delay function makes it bigger here, with no random part".to_owned()
            ),
        ]
    );
}

/// Every package fixture checked in one run, where threads race to reach the same files of
/// other packages first: the report is the same on any number of threads.
#[test]
fn the_package_fixtures_report_the_same_on_any_number_of_threads() {
    let root = golden::packages_root();
    let first = run_with(&root, "json", &["--threads", "1"]);
    assert!(
        first.contains("\"path\""),
        "a label in another file is reported"
    );
    for threads in ["4", "2", "8"] {
        let again = run_with(&root, "json", &["--threads", threads]);
        assert!(again == first, "the report on {threads} threads differs");
    }
}
