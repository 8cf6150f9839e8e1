//! The binary end to end: everything the command line promises that needs no finding
//! (the formats themselves are tested on hand-built findings in src/report).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use tempfile::TempDir;

fn idemlint() -> assert_cmd::Command {
    cargo_bin_cmd!("idemlint")
}

/// A directory holding `files` (path, contents), for the command to run in.
fn tree(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

fn check_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = idemlint();
    cmd.current_dir(dir).arg("check");
    cmd
}

#[test]
fn rules_lists_every_rule_in_aligned_columns() {
    let output = idemlint()
        .arg("rules")
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let metas: Vec<_> = idemlint::rules::all_meta().collect();
    assert_eq!(lines.len(), idemlint::rules::ALL.len() + 1);
    assert_eq!(metas.last().unwrap().name, "unused-suppression");
    let width = metas.iter().map(|meta| meta.name.len()).max().unwrap();
    for (line, meta) in lines.iter().zip(metas) {
        let severity = format!("{:7}", meta.default_severity.name());
        assert_eq!(&line[..width + 2], format!("{:width$}  ", meta.name));
        assert_eq!(&line[width + 2..width + 9], severity);
        assert_eq!(&line[width + 9..], format!("  {}", meta.summary));
    }
}

#[test]
fn explain_prints_the_rule_page() {
    let page = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/unchecked-on-conflict.md"),
    )
    .unwrap();
    idemlint()
        .args(["explain", "unchecked-on-conflict"])
        .assert()
        .code(0)
        .stdout(page)
        .stderr("");
}

#[test]
fn explain_an_unknown_rule_is_a_usage_error() {
    idemlint()
        .args(["explain", "nope"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: unknown rule 'nope' (see 'idemlint rules')\n");
}

#[test]
fn an_unknown_rule_in_select_or_ignore_is_a_usage_error() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    for option in ["--select", "--ignore"] {
        check_in(dir.path())
            .args([option, "unchecked-on-conflict,nope"])
            .assert()
            .code(2)
            .stdout("")
            .stderr("error: unknown rule 'nope' (see 'idemlint rules')\n");
    }
}

#[test]
fn an_empty_rule_name_in_select_or_ignore_is_a_usage_error() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    for option in ["--select", "--ignore"] {
        for names in ["", ",", "unchecked-on-conflict,"] {
            check_in(dir.path())
                .args([option, names])
                .assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::contains(
                    "an empty rule name: give rule names separated by commas",
                ));
        }
    }
}

/// An unchecked dedup insert: one error of unchecked-on-conflict.
const UNCHECKED_DEDUP: &[u8] = b"BEGIN;
INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING;
UPDATE inventory SET reserved = reserved + 1 WHERE sku = $2;
COMMIT;
";

#[test]
fn fail_on_never_exits_zero_with_findings_as_the_action_says() {
    let dir = tree(&[("inbox.sql", UNCHECKED_DEDUP)]);
    check_in(dir.path()).assert().code(1);
    check_in(dir.path())
        .args(["--fail-on", "never"])
        .assert()
        .code(0)
        .stderr(predicate::str::ends_with(
            "found 1 problem (1 error) in 1 file\n",
        ));
}

#[test]
fn a_stdin_filename_alone_reads_stdin_and_with_other_paths_is_a_usage_error() {
    let dir = tree(&[("other.sql", UNCHECKED_DEDUP)]);
    check_in(dir.path())
        .args(["--stdin-filename", "db/inbox.sql"])
        .write_stdin(UNCHECKED_DEDUP)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("┌─ db/inbox.sql:2:"));
    check_in(dir.path())
        .args(["--stdin-filename", "db/inbox.sql", "other.sql"])
        .write_stdin(UNCHECKED_DEDUP)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: --stdin-filename 'db/inbox.sql' names stdin, but no '-' among the paths \
             reads it: add '-', or leave the paths out\n",
        );
}

#[test]
fn force_exclude_skips_stdin_named_like_an_excluded_file() {
    let dir = tree(&[("idemlint.toml", b"exclude = [\"generated/**\"]\n")]);
    check_in(dir.path())
        .args([
            "--force-exclude",
            "--stdin-filename",
            "generated/inbox.sql",
            "-",
        ])
        .write_stdin(UNCHECKED_DEDUP)
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 0 files\n");
    check_in(dir.path())
        .args(["--stdin-filename", "generated/inbox.sql", "-"])
        .write_stdin(UNCHECKED_DEDUP)
        .assert()
        .code(1);
}

#[test]
fn a_project_root_that_is_no_folder_is_a_usage_error() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    for root in ["missing", "a.sql"] {
        check_in(dir.path())
            .args(["--project-root", root])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!("error: --project-root '{root}' is not a folder\n"));
    }
}

#[test]
fn known_rules_in_select_and_ignore_are_accepted() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    check_in(dir.path())
        .args([
            "--select",
            "unchecked-on-conflict",
            "--ignore",
            "unchecked-on-conflict",
        ])
        .assert()
        .code(0)
        .stderr("no problems found in 1 file\n");
}

#[test]
fn a_missing_path_is_reported_and_the_other_paths_are_still_checked() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    check_in(dir.path())
        .args(["missing.sql", "a.sql"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: path 'missing.sql' does not exist\nno problems found in 1 file; 1 file could not be checked\n");
}

#[test]
fn stdin_needs_a_language() {
    idemlint()
        .args(["check", "-"])
        .write_stdin("SELECT 1;")
        .assert()
        .code(2)
        .stderr(
            "error: reading stdin needs --lang go|rust|sql|ts|js|markdown, or --stdin-filename \
             with a name whose extension tells\n",
        );
}

#[test]
fn stdin_takes_its_language_from_lang_or_the_stdin_filename() {
    idemlint()
        .args(["check", "-", "--lang", "sql"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 1 file\n");
    idemlint()
        .args(["check", "-", "--stdin-filename", "db/claim.sql"])
        .write_stdin("SELECT 1;")
        .assert()
        .code(0)
        .stderr("no problems found in 1 file\n");
}

const TS_DEDUP: &str = "async function f(pool, id) {
  await pool.query(\"INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING\", [id]);
  await pool.query(\"UPDATE inventory SET reserved = 1\");
}
";

#[test]
fn stdin_reads_typescript_javascript_and_markdown() {
    for lang in ["ts", "js", "typescript", "javascript"] {
        idemlint()
            .args(["check", "-", "--lang", lang, "--color", "never"])
            .write_stdin(TS_DEDUP)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("┌─ <stdin>:2:73\n"));
    }
    let markdown = format!("# Notes\n\n```ts\n{TS_DEDUP}```\n");
    for args in [
        ["--lang", "markdown"],
        ["--stdin-filename", "docs/runbook.md"],
    ] {
        idemlint()
            .args(["check", "-", "--color", "never"])
            .args(args)
            .write_stdin(markdown.clone())
            .assert()
            .code(1)
            .stdout(predicate::str::contains(":5:73\n"));
    }
}

#[test]
fn directories_yield_typescript_javascript_and_markdown_files() {
    let markdown = format!("```js\n{TS_DEDUP}```\n");
    let dir = tree(&[
        ("src/a.ts", TS_DEDUP.as_bytes()),
        ("src/b.mjs", TS_DEDUP.as_bytes()),
        ("src/c.tsx", b"export const C = () => <div />;\n"),
        ("docs/runbook.md", markdown.as_bytes()),
        ("docs/notes.txt", TS_DEDUP.as_bytes()),
    ]);
    check_in(dir.path())
        .args(["--color", "never"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("┌─ docs/runbook.md:3:73\n")
                .and(predicate::str::contains("┌─ src/a.ts:2:73\n"))
                .and(predicate::str::contains("┌─ src/b.mjs:2:73\n"))
                .and(predicate::str::contains("notes.txt").not()),
        )
        .stderr("found 3 problems (3 errors) in 3 of 4 files\n");
}

#[test]
fn extensions_are_matched_in_any_case_and_psql_files_are_sql() {
    let dir = tree(&[
        ("db/INBOX.SQL", UNCHECKED_DEDUP),
        ("db/claim.psql", UNCHECKED_DEDUP),
        ("db/move.pgsql", UNCHECKED_DEDUP),
        ("db/notes.txt", UNCHECKED_DEDUP),
    ]);
    check_in(dir.path())
        .args(["--color", "never"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("┌─ db/INBOX.SQL:2:")
                .and(predicate::str::contains("┌─ db/claim.psql:2:"))
                .and(predicate::str::contains("┌─ db/move.pgsql:2:")),
        )
        .stderr("found 3 problems (3 errors) in 3 files\n");
}

#[test]
fn the_configuration_maps_more_extensions_to_languages() {
    let dir = tree(&[
        (
            "idemlint.toml",
            b"[extensions]\ntmpl = \"sql\"\n\".Migration\" = \"sql\"\n",
        ),
        ("db/inbox.sql.tmpl", UNCHECKED_DEDUP),
        ("db/0001.migration", UNCHECKED_DEDUP),
    ]);
    check_in(dir.path())
        .args(["--color", "never"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("┌─ db/inbox.sql.tmpl:2:")
                .and(predicate::str::contains("┌─ db/0001.migration:2:")),
        )
        .stderr("found 2 problems (2 errors) in 2 files\n");
    check_in(dir.path())
        .args(["--stdin-filename", "db/other.tmpl"])
        .write_stdin(UNCHECKED_DEDUP)
        .assert()
        .code(1);
    let bad = tree(&[("idemlint.toml", b"[extensions]\ntmpl = \"jinja\"\n")]);
    check_in(bad.path()).assert().code(2).stderr(
        "error: idemlint.toml:2:8: unknown language `jinja` for `.tmpl` files, expected one \
             of `go`, `rust`, `sql`, `typescript`, `python`, `markdown`\n",
    );
}

#[test]
fn statistics_count_findings_by_rule_and_level_instead_of_listing_them() {
    let dir = tree(&[
        ("db/inbox.sql", UNCHECKED_DEDUP),
        ("db/refunds.sql", UNCHECKED_DEDUP),
        (
            "db/keys.sql",
            b"SELECT 1 FROM idempotency_keys WHERE key = $1;\nINSERT INTO idempotency_keys (key) VALUES ($1);\n",
        ),
    ]);
    check_in(dir.path())
        .args(["--statistics"])
        .assert()
        .code(1)
        .stdout("2  error    unchecked-on-conflict\n1  error    check-then-insert\n")
        .stderr("found 3 problems (3 errors) in 3 files\n");
}

#[test]
fn show_files_lists_what_would_be_checked_and_as_what() {
    let dir = tree(&[
        (
            "idemlint.toml",
            b"exclude = [\"gen/**\"]\n[extensions]\ntmpl = \"sql\"\n",
        ),
        ("db/inbox.sql", UNCHECKED_DEDUP),
        ("db/claim.tmpl", UNCHECKED_DEDUP),
        ("docs/runbook.md", b"# runbook\n"),
        ("web/send.mjs", b"export {};\n"),
        ("gen/skip.sql", UNCHECKED_DEDUP),
        ("notes.txt", b"x\n"),
    ]);
    check_in(dir.path())
        .args(["--show-files"])
        .assert()
        .code(0)
        .stdout(
            "db/claim.tmpl\tsql\ndb/inbox.sql\tsql\ndocs/runbook.md\tmarkdown\n\
             web/send.mjs\ttypescript\n",
        )
        .stderr("");
}

#[test]
fn output_file_and_sarif_file_take_the_report_and_quiet_says_only_what_failed() {
    let dir = tree(&[
        ("db/inbox.sql", UNCHECKED_DEDUP),
        ("db/blob.sql", b"\0binary"),
    ]);
    check_in(dir.path())
        .args([
            "--quiet",
            "--output-file",
            "report.txt",
            "--sarif-file",
            "report.sarif",
        ])
        .args(["--color", "always", "db", "missing.sql"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: path 'missing.sql' does not exist\n");
    let report = fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(
        report.starts_with("error[unchecked-on-conflict]"),
        "{report}"
    );
    assert!(!report.contains('\u{1b}'), "no colour in a file: {report}");
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    check_in(dir.path())
        .args(["--output-file", "no/such/folder/report.txt", "db"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot write to 'no/such/folder/report.txt': ",
        ));
}

#[test]
fn stdin_cannot_be_mixed_with_paths() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    check_in(dir.path())
        .args(["-", "a.sql", "--lang", "sql"])
        .assert()
        .code(2)
        .stderr("error: '-' (stdin) cannot be combined with other paths\n");
}

#[test]
fn an_unknown_language_name_is_a_usage_error() {
    idemlint()
        .args(["check", "-", "--lang", "cobol"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'cobol' for '--lang <LANG>'",
        ));
}

#[test]
fn exit_zero_does_not_hide_errors() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    check_in(dir.path()).arg("--exit-zero").assert().code(0);
    check_in(dir.path())
        .args(["--exit-zero", "missing"])
        .assert()
        .code(2);
}

#[test]
fn text_format_on_a_clean_tree_prints_only_the_summary() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n"), ("src/b.go", b"package b\n")]);
    check_in(dir.path())
        .args(["--format", "text", "--color", "always"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 2 files\n");
}

#[test]
fn json_format_on_a_clean_file_is_an_empty_version_1_document() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    let output = check_in(dir.path())
        .args(["--format", "json"])
        .assert()
        .code(0)
        .stderr("")
        .get_output()
        .clone();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        document,
        serde_json::json!({ "version": 1, "tool": "idemlint", "findings": [] })
    );
}

#[test]
fn sarif_format_on_a_clean_file_is_a_sarif_log_with_every_rule() {
    let dir = tree(&[("a.sql", b"SELECT 1;\n")]);
    let output = check_in(dir.path())
        .args(["--format", "sarif"])
        .assert()
        .code(0)
        .stderr("")
        .get_output()
        .clone();
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "idemlint");
    assert_eq!(run["results"], serde_json::json!([]));
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let registry: Vec<&str> = idemlint::rules::all_meta().map(|meta| meta.name).collect();
    assert_eq!(rule_ids, registry);
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let cwd = dir.path().canonicalize().unwrap();
    assert_eq!(root, format!("file://{}/", cwd.display()));
}

#[test]
fn binary_and_non_utf8_files_are_reported_and_the_others_still_checked() {
    let dir = tree(&[
        ("bin.sql", b"SELECT\0\x01\x02"),
        ("latin1.sql", b"-- caf\xe9\nSELECT 1;\n"),
        ("ok.sql", b"SELECT 1;\n"),
    ]);
    check_in(dir.path()).assert().code(0).stdout("").stderr(
        "warning: skipping 'bin.sql': binary file (contains a NUL byte)\n\
             warning: 'latin1.sql' is not valid UTF-8 (byte 6); checking it with the invalid \
             bytes replaced by U+FFFD\n\
             no problems found in 2 files\n",
    );
}

#[test]
fn gitignore_is_honoured_outside_a_git_repository() {
    let dir = tree(&[
        (".gitignore", b"generated/\n*.gen.go\n"),
        ("generated/schema.sql", b"SELECT 1;\n"),
        ("api/handler.gen.go", b"package api\n"),
        ("api/handler.go", b"package api\n"),
        ("notes.txt", b"not code\n"),
    ]);
    check_in(dir.path())
        .assert()
        .code(0)
        .stderr("no problems found in 1 file\n");
}

#[test]
fn an_ignored_file_named_explicitly_is_still_checked() {
    let dir = tree(&[
        (".gitignore", b"generated/\n"),
        ("generated/schema.sql", b"SELECT 1;\n"),
    ]);
    check_in(dir.path())
        .arg("generated/schema.sql")
        .assert()
        .code(0)
        .stderr("no problems found in 1 file\n");
}

#[test]
fn a_file_named_explicitly_needs_a_known_language() {
    let dir = tree(&[("query.txt", b"SELECT 1;\n"), ("a.sql", b"SELECT 1;\n")]);
    check_in(dir.path())
        .args(["query.txt", "a.sql"])
        .assert()
        .code(2)
        .stderr(
            "error: cannot tell the language of 'query.txt' (name it with --lang go|rust|sql|ts|markdown)\n\
             no problems found in 1 file; 1 file could not be checked\n",
        );
    check_in(dir.path())
        .args(["--lang", "sql", "query.txt"])
        .assert()
        .code(0)
        .stderr("no problems found in 1 file\n");
}

#[test]
fn overlapping_paths_check_each_file_once() {
    let dir = tree(&[("db/a.sql", b"SELECT 1;\n"), ("db/b.sql", b"SELECT 2;\n")]);
    check_in(dir.path())
        .args([".", "db", "./db/a.sql"])
        .assert()
        .code(0)
        .stderr("no problems found in 2 files\n");
}

/// `idemlint check … | head -1`: the reader is gone before the report is written. The run
/// must end as it would have (status 0 here), with nothing on stderr and no panic.
#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_idemlint"))
        .args(["check", "-", "--lang", "sql", "--format", "sarif"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end first; the report is written only after stdin ends.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"SELECT 1;\n").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
}

/// A Go retry loop that retries every error, and backs off without jitter.
const GO_RETRY: &[u8] = b"package p

func send(ctx context.Context, c *Client, msg *Message) error {
	delay := time.Second
	for attempt := 0; attempt < 5; attempt++ {
		if err := c.Send(ctx, msg); err == nil {
			return nil
		}
		time.Sleep(delay)
		delay *= 2
	}
	return errors.New(\"gave up\")
}
";

/// The same retry in TypeScript.
const TS_RETRY: &[u8] = b"export async function send(client: Client, msg: Message): Promise<void> {
  let delay = 1000;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await client.send(msg);
    } catch (err) {
      await sleep(delay);
      delay *= 2;
    }
  }
}
";

/// The same retry in a Rust test module.
const RUST_TEST_MODULE: &[u8] = b"#[cfg(test)]
mod tests {
    async fn deliver(client: &Client, msg: &Message) -> Result<(), Error> {
        let mut delay = 100;
        for _ in 0..5 {
            if client.send(msg).await.is_ok() {
                return Ok(());
            }
            sleep(Duration::from_millis(delay)).await;
            delay *= 2;
        }
        Err(Error::Timeout)
    }
}
";

/// Checks `dir` for its JSON report, asserts the exit status, and gives each finding as
/// `path: rule (severity)`, sorted.
fn json_findings(dir: &Path, code: i32) -> Vec<String> {
    let output = check_in(dir)
        .args(["--format", "json"])
        .assert()
        .code(code)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    let mut findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}: {} ({})",
                text(&f["path"]),
                text(&f["rule"]),
                text(&f["severity"])
            )
        })
        .collect();
    findings.sort();
    findings.dedup();
    findings
}

#[test]
fn retry_rules_are_off_in_test_code_by_default() {
    let dir = tree(&[
        ("svc/send.go", GO_RETRY),
        ("svc/send_test.go", GO_RETRY),
        ("e2e/helpers.go", GO_RETRY),
        ("pkg/testutil/wait.go", GO_RETRY),
        ("internal/harness.go", GO_RETRY),
        ("src/lib.rs", RUST_TEST_MODULE),
        (
            "src/wait.rs",
            RUST_TEST_MODULE.strip_prefix(b"#[cfg(test)]\n").unwrap(),
        ),
        ("web/src/send.test.ts", TS_RETRY),
        ("web/src/__tests__/send.ts", TS_RETRY),
        ("web/src/send.ts", TS_RETRY),
    ]);
    assert_eq!(
        json_findings(dir.path(), 0),
        [
            "src/wait.rs: backoff-without-jitter (warning)",
            "src/wait.rs: retry-any-error (warning)",
            "svc/send.go: backoff-without-jitter (warning)",
            "svc/send.go: retry-any-error (warning)",
            "web/src/send.ts: backoff-without-jitter (warning)",
            "web/src/send.ts: retry-any-error (warning)",
        ]
    );
}

#[test]
fn a_test_file_checked_from_another_working_directory_is_test_code_by_its_name() {
    let dir = tree(&[
        ("elsewhere/svc/send.go", GO_RETRY),
        ("elsewhere/svc/send_test.go", GO_RETRY),
        ("work/README.md", b"# work\n"),
    ]);
    let output = check_in(&dir.path().join("work"))
        .args(["--format", "json", "../elsewhere"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = (report["findings"].as_array().unwrap().iter())
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(!paths.is_empty(), "the file that is no test is checked");
    assert!(
        paths.iter().all(|p| *p == "../elsewhere/svc/send.go"),
        "{paths:?}"
    );
}

#[test]
fn test_code_paths_and_levels_come_from_the_configuration() {
    let dir = tree(&[
        ("svc/send.go", GO_RETRY),
        ("svc/send_test.go", GO_RETRY),
        ("qa/smoke.go", GO_RETRY),
        (
            "idemlint.toml",
            b"[test-code]\nextend-paths = [\"qa/\"]\nrules = { retry-any-error = \"error\" }\n",
        ),
    ]);
    assert_eq!(
        json_findings(dir.path(), 1),
        [
            "qa/smoke.go: retry-any-error (error)",
            "svc/send.go: backoff-without-jitter (warning)",
            "svc/send.go: retry-any-error (warning)",
            "svc/send_test.go: retry-any-error (error)",
        ]
    );
    fs::write(
        dir.path().join("idemlint.toml"),
        "[test-code]\npaths = [\"qa/\"]\n",
    )
    .unwrap();
    assert_eq!(
        json_findings(dir.path(), 0),
        [
            "svc/send.go: backoff-without-jitter (warning)",
            "svc/send.go: retry-any-error (warning)",
            "svc/send_test.go: backoff-without-jitter (warning)",
            "svc/send_test.go: retry-any-error (warning)",
        ]
    );
}

#[test]
fn a_checkout_inside_a_folder_named_test_is_not_test_code() {
    let dir = tree(&[("test/project/svc/send.go", GO_RETRY)]);
    assert_eq!(
        json_findings(&dir.path().join("test/project"), 0),
        [
            "svc/send.go: backoff-without-jitter (warning)",
            "svc/send.go: retry-any-error (warning)",
        ]
    );
}

#[test]
fn details_of_reading_are_notes_shown_only_with_verbose() {
    let dir = tree(&[
        ("broken.go", b"package p\n\nfunc f() {\n"),
        ("guide.md", b"# Guide\n\n```go\nfunc f() {\n\t...\n}\n```\n"),
        ("psql.sql", b"SELECT * FROM :schema.jobs;\n"),
    ]);
    let syntax_error = "warning: broken.go:3:10: syntax error: unexpected `{`\n";
    // Files without a word the rules need are not parsed at all.
    check_in(dir.path())
        .arg("--no-prefilter")
        .assert()
        .code(0)
        .stderr(format!("{syntax_error}no problems found in 3 files\n"));
    check_in(dir.path())
        .args(["--no-prefilter", "--verbose"])
        .assert()
        .code(0)
        .stderr(format!(
            "{syntax_error}\
             note: guide.md:5:2: syntax error: unexpected `...`\n\
             note: psql.sql:1:1: sqlparser could not read this statement: Expected: identifier, \
             found: :; its facts were read from its tokens\n\
             no problems found in 3 files\n"
        ));
}

#[test]
fn dump_model_classifies_each_markdown_block_in_its_own_language() {
    let dir = tree(&[(
        "guide.md",
        b"# Guide\n\n```go\nfunc f() {\n\ttime.Sleep(d)\n}\n```\n",
    )]);
    idemlint()
        .current_dir(dir.path())
        .args(["dump-model", "guide.md"])
        .assert()
        .code(0)
        .stdout("fn f()\n  (call [sleep] time.Sleep d)\n");
}
