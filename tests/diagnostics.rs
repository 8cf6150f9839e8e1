//! Snapshots of the rendered text diagnostics, end to end through the binary, on fixtures
//! of every language; and the seed snippets' verdicts, spelled out.

use assert_cmd::Command;

fn check(args: &[&str]) -> (String, String, i32) {
    let output = Command::cargo_bin("idemlint")
        .expect("binary builds")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .args(["check", "--color", "never"])
        .args(args)
        .output()
        .expect("idemlint runs");
    (
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        output.status.code().expect("exit code"),
    )
}

#[test]
fn sql_script_diagnostic() {
    let (stdout, _, code) = check(&["fixtures/seed/inbox.sql"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn go_diagnostic_points_into_the_string_literal() {
    let (stdout, _, code) = check(&["fixtures/unchecked-on-conflict/go/tp_exec_then_update.go"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn typescript_diagnostic_points_into_the_tagged_template() {
    let (stdout, _, code) =
        check(&["fixtures/unchecked-on-conflict/ts/tp_prisma_execute_raw_discarded.ts"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn rust_diagnostic_with_a_side_effect() {
    let (stdout, _, code) =
        check(&["fixtures/unchecked-on-conflict/rust/tp_query_macro_let_underscore.rs"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

/// The rules each seed snippet of the review unit must get, and nothing else.
#[test]
fn seed_snippets_get_exactly_their_rules() {
    let cases: &[(&str, &[&str])] = &[
        ("fixtures/seed/charge.go", &["check-then-insert"]),
        ("fixtures/seed/transition.sql", &["in-progress-reentry"]),
        ("fixtures/seed/inbox.sql", &["unchecked-on-conflict"]),
        ("fixtures/seed/inbox_fixed.sql", &[]),
        ("fixtures/seed/charge_fixed.go", &[]),
        (
            "fixtures/seed/retry.ts",
            &["retry-any-error", "backoff-without-jitter"],
        ),
        ("fixtures/seed/retry_fixed.ts", &[]),
    ];
    for (path, expected) in cases {
        let (stdout, _, _) = check(&["--format", "json", path]);
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
        let mut rules: Vec<&str> = report["findings"]
            .as_array()
            .expect("findings array")
            .iter()
            .map(|f| f["rule"].as_str().expect("rule name"))
            .collect();
        rules.dedup();
        assert_eq!(&rules, expected, "{path}");
    }
}
