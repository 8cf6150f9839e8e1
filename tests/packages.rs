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
    rules_found_with(case, &[])
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

/// The findings of a JSON report, by the path of their primary location.
fn findings_by_path(report: &str) -> std::collections::BTreeMap<String, Vec<serde_json::Value>> {
    let report: serde_json::Value = serde_json::from_str(report).expect("JSON");
    let mut by_path = std::collections::BTreeMap::<String, Vec<serde_json::Value>>::new();
    for finding in report["findings"].as_array().expect("findings") {
        let path = finding["path"].as_str().expect("path").to_owned();
        by_path.entry(path).or_default().push(finding.clone());
    }
    by_path
}

/// A file named alone on the command line (as pre-commit and editors name the files they
/// check) or given on stdin with `--stdin-filename` gets the findings it gets when its
/// whole project is checked: what it calls into is read from around it, even though the
/// prefilter would pass over a handler with no SQL of its own.
#[test]
fn a_file_named_alone_or_on_stdin_gets_the_findings_of_its_project_check() {
    let mut files_tried = 0;
    let is_true_positive = |case: &&PathBuf| {
        (case.file_name()).is_some_and(|name| name.to_string_lossy().starts_with("tp_"))
    };
    for case in cases().iter().filter(is_true_positive) {
        for (path, expected) in findings_by_path(&run(case, "json")) {
            let named = cargo_bin_cmd!("idemlint")
                .current_dir(case)
                .args(["check", &path, "--format", "json"])
                .output()
                .expect("run idemlint");
            let named = String::from_utf8(named.stdout).expect("UTF-8 output");
            let found = findings_by_path(&named).remove(&path).unwrap_or_default();
            assert!(found == expected, "{}: {path} named alone", case.display());

            let source = std::fs::read(case.join(&path)).expect("read the file");
            let stdin = cargo_bin_cmd!("idemlint")
                .current_dir(case)
                .args(["check", "-", "--stdin-filename", &path, "--format", "json"])
                .write_stdin(source)
                .output()
                .expect("run idemlint");
            let stdin = String::from_utf8(stdin.stdout).expect("UTF-8 output");
            let found = findings_by_path(&stdin).remove(&path).unwrap_or_default();
            assert!(found == expected, "{}: {path} on stdin", case.display());
            files_tried += 1;
        }
    }
    assert!(files_tried > 20, "only {files_tried} files with findings");
}

/// A copy of the case folder `case` (under `fixtures/packages`) in a temporary folder,
/// without the files named in `leave_out`.
fn copy_of(case: &str, leave_out: &[&str]) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path, leave_out: &[&str]) {
        std::fs::create_dir_all(to).expect("create a folder");
        for entry in std::fs::read_dir(from).expect("read the case") {
            let entry = entry.expect("directory entry");
            let name = entry.file_name();
            if leave_out.iter().any(|left| name == *left) {
                continue;
            }
            let (from, to) = (entry.path(), to.join(&name));
            match from.is_dir() {
                true => copy(&from, &to, leave_out),
                false => drop(std::fs::copy(&from, &to).expect("copy a file")),
            }
        }
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    copy(&golden::packages_root().join(case), dir.path(), leave_out);
    dir
}

/// [`rules_found`], with `extra` arguments.
fn rules_found_with(case: &Path, extra: &[&str]) -> Vec<String> {
    let report: serde_json::Value =
        serde_json::from_str(&run_with(case, "json", extra)).expect("JSON");
    (report["findings"].as_array().expect("findings").iter())
        .map(|finding| finding["rule"].as_str().expect("rule").to_owned())
        .collect()
}

/// With no package.json, a TS class's methods in another folder are not followed; the
/// project root stands for the package.
#[test]
fn the_project_root_is_the_package_of_javascript_with_no_package_json() {
    let case = copy_of(
        "check-then-insert/ts/tp_repository_class_methods",
        &["package.json"],
    );
    assert_eq!(rules_found_with(case.path(), &[]), Vec::<String>::new());
    let found = rules_found_with(case.path(), &["--project-root", "."]);
    assert_eq!(found, ["check-then-insert"]);
}

/// A go.mod above the project root is not the module of the files below it: the store's
/// methods in a package beside the root are not followed.
#[test]
fn a_manifest_above_the_project_root_is_not_used() {
    let case = copy_of(
        "check-then-insert/go/tp_interface_implemented_once_in_module",
        &[],
    );
    assert_eq!(rules_found_with(case.path(), &[]), ["check-then-insert"]);
    let found = rules_found_with(case.path(), &["--project-root", "api"]);
    assert_eq!(found, Vec::<String>::new());
}
