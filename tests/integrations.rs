//! The binary end to end on what users meet around the rules: idemlint.toml, inline
//! suppressions, `--diff-base`, the exit status by severity and the GitHub and Markdown
//! formats. The findings here come from the meta-rule `unused-suppression`, which needs no
//! rule to fire: a Go comment `// idemlint-ignore: no-such-rule` is one.

mod common;
use common::git;

use std::fs;
use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use tempfile::TempDir;

/// A directory holding `files` (path, contents).
fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        write(dir.path(), path, contents);
    }
    dir
}

fn write(dir: &Path, path: &str, contents: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

fn check_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("idemlint");
    cmd.current_dir(dir).arg("check");
    cmd
}

/// A Go file whose line 3 holds a suppression naming an unknown rule: one
/// `unused-suppression` finding at 3:21.
const STALE_GO: &str = "package x\n\n// idemlint-ignore: no-such-rule -- why\nfunc F() {}\n";

const STALE_GO_TEXT: &str = "\
warning[unused-suppression]: `no-such-rule` is not a rule, so this suppression suppresses nothing
  ┌─ a.go:3:21
  │
3 │ // idemlint-ignore: no-such-rule -- why
  │                     ^^^^^^^^^^^^ unknown rule
  │
  = help: correct the name: `idemlint rules` lists the rules
  = see `idemlint explain unused-suppression` or https://github.com/idemlint/idemlint/blob/main/rules/unused-suppression.md

";

#[test]
fn a_stale_suppression_is_a_warning_that_does_not_fail_the_run() {
    let dir = tree(&[("a.go", STALE_GO)]);
    check_in(dir.path())
        .assert()
        .code(0)
        .stdout(STALE_GO_TEXT)
        .stderr("found 1 problem (1 warning) in 1 file\n");
}

#[test]
fn fail_on_warning_fails_on_warnings_and_exit_zero_never_fails() {
    let dir = tree(&[("a.go", STALE_GO)]);
    check_in(dir.path())
        .args(["--fail-on", "warning"])
        .assert()
        .code(1);
    write(
        dir.path(),
        "idemlint.toml",
        "[rules]\nunused-suppression = \"error\"\n",
    );
    check_in(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("error[unused-suppression]"));
    check_in(dir.path()).arg("--exit-zero").assert().code(0);
}

#[test]
fn the_configuration_is_found_upward_and_select_overrides_it() {
    let dir = tree(&[
        ("idemlint.toml", "[rules]\nunused-suppression = \"off\"\n"),
        ("svc/a.go", STALE_GO),
    ]);
    let svc = dir.path().join("svc");
    check_in(&svc)
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 1 file\n");
    check_in(&svc)
        .args(["--select", "unused-suppression", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "\"rule\": \"unused-suppression\",\n      \"severity\": \"warning\"",
        ));
    check_in(&svc)
        .args(["--config", "/dev/null"])
        .assert()
        .stdout(predicate::str::contains("warning[unused-suppression]"));
}

#[test]
fn a_bad_configuration_exits_2_with_its_position() {
    let dir = tree(&[
        (
            "idemlint.toml",
            "exclude = []\n[rules]\nunused-suppression = 1\n",
        ),
        ("a.go", STALE_GO),
    ]);
    check_in(dir.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: idemlint.toml:3:22: invalid type: integer `1`, expected a string\n");
    check_in(dir.path())
        .args(["--config", "missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot read the configuration 'missing.toml': ",
        ));
}

#[test]
fn excluded_paths_are_skipped_when_walked_and_when_named_with_force_exclude() {
    let dir = tree(&[
        ("idemlint.toml", "exclude = [\"vendor/**\", \"*.gen.go\"]\n"),
        ("vendor/lib/a.go", STALE_GO),
        ("api/z.gen.go", STALE_GO),
        ("api/a.go", "package api\n"),
    ]);
    check_in(dir.path())
        .assert()
        .code(0)
        .stderr("no problems found in 1 file\n");
    check_in(&dir.path().join("api"))
        .arg(".")
        .assert()
        .stderr("no problems found in 1 file\n");
    let named = ["vendor/lib/a.go", "vendor", "api/z.gen.go"];
    check_in(dir.path())
        .args(named)
        .assert()
        .stderr("found 2 problems (2 warnings) in 2 files\n");
    check_in(dir.path())
        .arg("--force-exclude")
        .args(named)
        .assert()
        .code(0)
        .stderr("no problems found in 0 files\n");
}

#[test]
fn a_used_suppression_is_silent_and_a_file_suppression_covers_the_file() {
    let dir = tree(&[(
        "a.go",
        "// idemlint-ignore-file: unused-suppression -- legacy comments, cleaned up in #12\n\
         package x\n\n// idemlint-ignore: no-such-rule\nfunc F() {}\n",
    )]);
    check_in(dir.path())
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 1 file\n");
}

#[test]
fn github_format_writes_one_workflow_command_per_finding() {
    let dir = tree(&[("a.go", STALE_GO), ("b,c.go", STALE_GO)]);
    check_in(dir.path())
        .args(["--format", "github"])
        .assert()
        .code(0)
        .stderr("")
        .stdout(
            "::warning file=a.go,line=3,col=21,endLine=3,endColumn=33,\
             title=idemlint (unused-suppression)::`no-such-rule` is not a rule, so this \
             suppression suppresses nothing%0A3:21: unknown rule%0Ahelp: correct the name: \
             `idemlint rules` lists the rules%0Asee `idemlint explain unused-suppression` or \
             https://github.com/idemlint/idemlint/blob/main/rules/unused-suppression.md\n\
             ::warning file=b%2Cc.go,line=3,col=21,endLine=3,endColumn=33,\
             title=idemlint (unused-suppression)::`no-such-rule` is not a rule, so this \
             suppression suppresses nothing%0A3:21: unknown rule%0Ahelp: correct the name: \
             `idemlint rules` lists the rules%0Asee `idemlint explain unused-suppression` or \
             https://github.com/idemlint/idemlint/blob/main/rules/unused-suppression.md\n",
        );
}

#[test]
fn markdown_format_is_a_summary_table() {
    let dir = tree(&[("a.go", STALE_GO), ("b.go", "package b\n")]);
    check_in(dir.path())
        .args(["--format", "markdown"])
        .assert()
        .code(0)
        .stderr("")
        .stdout(
            "### idemlint\n\nfound 1 problem (1 warning) in 1 of 2 files\n\n\
             | severity | rule | location | message |\n\
             | --- | --- | --- | --- |\n\
             | warning | [`unused-suppression`](\
             https://github.com/idemlint/idemlint/blob/main/rules/unused-suppression.md) | a.go:3:21 | `no-such-rule` is not a rule, so \
             this suppression suppresses nothing |\n",
        );
}

#[test]
fn sarif_results_of_the_meta_rule_point_into_the_registry() {
    let dir = tree(&[("a.go", STALE_GO)]);
    let output = check_in(dir.path())
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &log["runs"][0];
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "unused-suppression");
    assert_eq!(result["level"], "warning");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        run["tool"]["driver"]["rules"][index]["id"],
        "unused-suppression"
    );
}

/// A handler whose dedup helper, in another file of the package, drops the insert's outcome.
const HANDLER_GO: &str = "package billing

func HandleDeposit(ctx context.Context, tx *sql.Tx, evt Event) error {
\tif err := markProcessed(ctx, tx, evt.ID); err != nil {
\t\treturn err
\t}
\t_, err := tx.ExecContext(ctx, \"UPDATE accounts SET balance = balance + $1 WHERE id = $2\", evt.Amount, evt.AccountID)
\treturn err
}
";

const INBOX_GO: &str = "package billing

func markProcessed(ctx context.Context, tx *sql.Tx, eventID string) error {
\t_, err := tx.ExecContext(ctx, \"INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING\", eventID)
\treturn err
}
";

#[test]
fn diff_base_keeps_a_finding_whose_label_in_another_file_is_on_a_changed_line() {
    let dir = tree(&[("handler.go", HANDLER_GO), ("inbox.go", INBOX_GO)]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "legacy handler"]);
    let github = || {
        let output = check_in(dir.path())
            .args(["--diff-base", "HEAD", "--format", "github", "."])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    // Nothing changed: the finding is the legacy code's.
    assert_eq!(github(), "");
    // The change edits the helper's insert: the handler's finding rests on that line.
    write(
        dir.path(),
        "inbox.go",
        &INBOX_GO.replace("processed_events", "processed_messages"),
    );
    let stdout = github();
    assert!(
        stdout.starts_with("::error file=handler.go,line=4,col=12,")
            && stdout.contains("inbox.go:4:"),
        "{stdout}"
    );
}

#[test]
fn diff_base_keeps_findings_on_changed_lines_and_in_untracked_files() {
    let dir = tree(&[("svc/a.go", STALE_GO), ("svc/b.go", STALE_GO)]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "legacy"]);
    // A new stale suppression on line 5 of a.go, and a.go's old one moved down a line.
    write(
        dir.path(),
        "svc/a.go",
        "package x\n\n\n// idemlint-ignore: no-such-rule -- why\n\
         // idemlint-ignore: also-no-rule\nfunc F() {}\n",
    );
    write(dir.path(), "svc/new.go", STALE_GO);
    let (places, status) = annotated_places(&dir.path().join("svc"), ".");
    assert_eq!(
        places,
        [
            "::warning file=a.go,line=5,col=21",
            "::warning file=new.go,line=3,col=21",
        ]
    );
    assert_eq!(status, Some(0));
}

/// Where `check --diff-base HEAD --format github PATH` in `dir` annotates (up to the
/// column), and its exit status.
fn annotated_places(dir: &Path, path: &str) -> (Vec<String>, Option<i32>) {
    let output = check_in(dir)
        .args(["--diff-base", "HEAD", "--format", "github", path])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let places = (stdout.lines())
        .map(|line| line.split(",endLine").next().unwrap().to_owned())
        .collect();
    (places, output.status.code())
}

#[test]
fn diff_base_asks_the_repository_of_the_checked_paths_not_of_the_working_directory() {
    let dir = tree(&[("repo/svc/a.go", STALE_GO)]);
    let repo = dir.path().join("repo");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "legacy"]);
    write(&repo, "svc/new.go", STALE_GO);
    let (places, _) = annotated_places(dir.path(), "repo/svc");
    assert_eq!(places, ["::warning file=repo/svc/new.go,line=3,col=21"]);
}

#[test]
fn diff_base_needs_a_repository_and_a_known_revision() {
    let dir = tree(&[("a.go", STALE_GO)]);
    check_in(dir.path())
        .args(["--diff-base", "HEAD"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(format!(
            "error: --diff-base needs a git repository, and '{}' is not in one (",
            dir.path().display()
        )));
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "one"]);
    check_in(dir.path())
        .args(["--diff-base", "no-such-branch"])
        .assert()
        .code(2)
        .stderr(
            "error: --diff-base: unknown revision 'no-such-branch' (is it fetched? a shallow \
             clone may lack it)\n",
        );
    check_in(dir.path())
        .args(["--diff-base", "HEAD"])
        .assert()
        .code(0)
        .stderr("no problems found in 1 file\n");
}

/// The seed inbox consumer: an unchecked `ON CONFLICT DO NOTHING` whose finding starts on
/// line 3, inside the INSERT statement that starts on line 2.
const INBOX_SQL: &str = "BEGIN;
INSERT INTO processed_events (event_id) VALUES ($1)
  ON CONFLICT (event_id) DO NOTHING;
UPDATE inventory SET reserved = reserved + $qty WHERE sku = $sku;
COMMIT;
";

#[test]
fn a_suppression_above_the_statement_silences_a_real_finding() {
    let dir = tree(&[("inbox.sql", INBOX_SQL)]);
    check_in(dir.path())
        .args(["--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "::error file=inbox.sql,line=3,col=3,endLine=3,endColumn=36,\
             title=idemlint (unchecked-on-conflict)::",
        ));
    let suppressed = INBOX_SQL.replace(
        "INSERT",
        "-- idemlint-ignore: unchecked-on-conflict -- replays are rejected upstream\nINSERT",
    );
    write(dir.path(), "inbox.sql", &suppressed);
    check_in(dir.path())
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 1 file\n");
    write(
        dir.path(),
        "idemlint.toml",
        "[rules]\nunchecked-on-conflict = \"warning\"\n",
    );
    write(dir.path(), "inbox.sql", INBOX_SQL);
    check_in(dir.path())
        .args(["--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "\"rule\": \"unchecked-on-conflict\",\n      \"severity\": \"warning\"",
        ));
}
