//! Hostile input end to end: whatever a tree holds, the binary checks what it can, says
//! clearly what it could not, and never panics, hangs or loses output. The inputs are
//! generated into temporary directories; the ones fuzzing found are in tests/robustness/.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use clap::ValueEnum;
use idemlint::config::{Exclude, Levels, TestCode};
use idemlint::knowledge::Knowledge;
use idemlint::model::{FileKind, FileKinds};
use idemlint::report::{self, Format, ReportOptions};
use idemlint::rules;
use idemlint::run::{self, CheckOptions, DEFAULT_MAX_FILE_SIZE};
use serde_json::Value;
use tempfile::TempDir;

/// One unchecked `ON CONFLICT DO NOTHING` claim per language: each file gets one finding.
const GO_CLAIM: &str = "func claim(ctx context.Context, hook Webhook) error {
\tpool.Exec(ctx, \"INSERT INTO handled (id) VALUES ($1) ON CONFLICT DO NOTHING\", hook.ID)
\treturn billing.Charge(ctx, hook.Amount)
}
";
const RUST_CLAIM: &str = "async fn claim(pool: &PgPool, id: i64) -> Result<(), Error> {
    sqlx::query(\"INSERT INTO handled (id) VALUES ($1) ON CONFLICT DO NOTHING\")
        .bind(id)
        .execute(pool)
        .await?;
    billing::charge(id).await
}
";
const TS_CLAIM: &str = "export async function claim(pool: Pool, id: string) {
  await pool.query(\"INSERT INTO handled (id) VALUES ($1) ON CONFLICT DO NOTHING\", [id]);
  await billing.charge(id);
}
";
const PY_CLAIM: &str = "def claim(conn, event_id):
    with conn.cursor() as cur:
        cur.execute(\"INSERT INTO handled (id) VALUES (%s) ON CONFLICT DO NOTHING\", (event_id,))
        cur.execute(\"UPDATE orders SET paid = true WHERE id = %s\", (event_id,))
";
const SQL_CLAIM: &str = "START TRANSACTION;
INSERT IGNORE INTO handled (id) VALUES (?);
UPDATE orders SET paid = paid + ? WHERE id = ?;
COMMIT;
";

const RULE: &str = "unchecked-on-conflict";
const DEEP: usize = 100_000;

fn idemlint() -> assert_cmd::Command {
    cargo_bin_cmd!("idemlint")
}

/// A directory holding `files` (path, contents).
fn tree(files: &[(&str, Vec<u8>)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

/// `idemlint check --select unchecked-on-conflict …` in `dir`: one rule, so that rules
/// added later do not change what these tests count.
fn check_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = idemlint();
    cmd.current_dir(dir).args(["check", "--select", RULE]);
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The (path, line) of every finding in a JSON report, in report order.
fn json_findings(stdout: &[u8]) -> Vec<(String, u64)> {
    let document: Value = serde_json::from_slice(stdout).unwrap();
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap().to_owned();
            (path, f["start"]["line"].as_u64().unwrap())
        })
        .collect()
}

fn go(body: &str) -> Vec<u8> {
    format!("package hostile\n\n{body}\n{GO_CLAIM}").into_bytes()
}

fn rust(body: &str) -> Vec<u8> {
    format!("{body}\n{RUST_CLAIM}").into_bytes()
}

fn sql(body: &str) -> Vec<u8> {
    format!("{body}\n{SQL_CLAIM}").into_bytes()
}

fn ts(body: &str) -> Vec<u8> {
    format!("{body}\n{TS_CLAIM}").into_bytes()
}

fn py(body: &str) -> Vec<u8> {
    format!("{body}\n{PY_CLAIM}").into_bytes()
}

/// `depth` classes, each inside the one before, indented one space a level.
fn nested_classes(depth: usize) -> String {
    (0..depth)
        .map(|level| format!("{}class C{level}:\n", " ".repeat(level)))
        .chain([format!("{}pass\n", " ".repeat(depth))])
        .collect()
}

/// What a check of `path` with every rule finds, run in this process.
fn check_in_process(path: &Path) -> run::RunResult {
    let knowledge = Knowledge::builtin();
    let options = CheckOptions {
        rules: rules::ALL,
        knowledge: &knowledge,
        kind: None,
        file_kinds: &FileKinds::default(),
        levels: &Levels::default(),
        test_code: &TestCode::default(),
        exclude: &Exclude::default(),
        exclude_named: false,
        changed: None,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
        threads: 0,
        // Every file is parsed, whatever words it holds.
        prefilter: None,
        verbose: false,
        project_root: None,
        progress: None,
    };
    run::check_paths(&[path.to_owned()], &options)
}

/// Every `--format`, by its name on the command line.
fn formats() -> Vec<String> {
    Format::value_variants()
        .iter()
        .map(|format| format.to_possible_value().unwrap().get_name().to_owned())
        .collect()
}

/// `open` and `close` around `inner`, `DEEP` times.
fn nested(open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(DEEP), close.repeat(DEEP))
}

#[test]
fn a_panic_in_one_file_is_reported_with_its_path_and_the_others_are_still_reported() {
    let dir = tree(&[
        ("a.go", go("")),
        ("b.sql", b"SELECT 1; -- BOOM\n".to_vec()),
        ("c.sql", sql("")),
    ]);
    let output = check_in(dir.path())
        .args(["--panic-on", "BOOM", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        json_findings(&output.stdout),
        [("a.go".to_owned(), 5), ("c.sql".to_owned(), 3)]
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: internal error while checking 'b.sql': --panic-on marker found (at src/cli/check.rs:"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // In text, the findings come first, then the summary, and still exit 2.
    let output = check_in(dir.path())
        .args(["--panic-on", "BOOM", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("┌─ a.go:5:"), "{stdout}");
    assert!(stdout.contains("┌─ c.sql:3:"), "{stdout}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.ends_with("found 2 problems (2 errors) in 2 files; 1 file could not be checked\n"),
        "{stderr}"
    );
}

#[test]
fn binary_and_non_utf8_files_in_every_language() {
    let mut latin1_go = b"package hostile\n\n// caf\xe9\n".to_vec();
    latin1_go.extend_from_slice(GO_CLAIM.as_bytes());
    let dir = tree(&[
        ("bin.go", b"package p\0\xff\xfe".to_vec()),
        ("bin.rs", b"\x7fELF\x02\x01\x01\0\0\0".to_vec()),
        ("bin.sql", b"SELECT\0".to_vec()),
        ("latin1.go", latin1_go),
        ("latin1.rs", b"// \xff\xfe\xfd\n".to_vec()),
        ("latin1.sql", b"SELECT '\xc3\x28' FROM t;\n".to_vec()),
    ]);
    let output = check_in(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json_findings(&output.stdout), [("latin1.go".to_owned(), 5)]);
    assert_eq!(
        text(&output.stderr),
        "warning: skipping 'bin.go': binary file (contains a NUL byte)\n\
         warning: skipping 'bin.rs': binary file (contains a NUL byte)\n\
         warning: skipping 'bin.sql': binary file (contains a NUL byte)\n\
         warning: 'latin1.go' is not valid UTF-8 (byte 23); checking it with the invalid bytes \
         replaced by U+FFFD\n\
         warning: 'latin1.rs' is not valid UTF-8 (byte 3); checking it with the invalid bytes \
         replaced by U+FFFD\n\
         warning: 'latin1.sql' is not valid UTF-8 (byte 8); checking it with the invalid bytes \
         replaced by U+FFFD\n"
    );
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_warning() {
    let big = format!("-- {}\n{SQL_CLAIM}", "x".repeat(5 << 20));
    let dir = tree(&[("big.sql", big.into_bytes()), ("small.sql", sql(""))]);
    check_in(dir.path()).assert().code(1).stderr(
        "warning: skipping 'big.sql': larger than 4 MiB (raise the limit with \
             --max-file-size)\n\
             found 1 problem (1 error) in 1 file\n",
    );
    check_in(dir.path())
        .args(["--max-file-size", "6M"])
        .assert()
        .code(1)
        .stderr("found 2 problems (2 errors) in 2 files\n");
    check_in(dir.path())
        .args(["--max-file-size", "100", "small.sql"])
        .assert()
        .code(0)
        .stderr(
            "warning: skipping 'small.sql': larger than 100 bytes (raise the limit with \
             --max-file-size)\n\
             no problems found in 0 files\n",
        );
    idemlint()
        .args(["check", "-", "--lang", "sql", "--max-file-size", "10"])
        .write_stdin("SELECT 1 FROM t;\n")
        .assert()
        .code(0)
        .stderr(
            "warning: skipping '<stdin>': larger than 10 bytes (raise the limit with \
             --max-file-size)\n\
             no problems found in 0 files\n",
        );
}

/// A device that never ends is read only up to the limit.
#[test]
fn an_endless_file_stops_at_the_size_limit() {
    idemlint()
        .args([
            "check",
            "--lang",
            "sql",
            "--max-file-size",
            "1K",
            "/dev/zero",
        ])
        .assert()
        .code(0)
        .stderr(
            "warning: skipping '/dev/zero': larger than 1 KiB (raise the limit with \
             --max-file-size)\n\
             no problems found in 0 files\n",
        );
}

/// 100 000 levels of parentheses, blocks and brackets in each language, closed and left
/// open, and in SQL inside host strings: each file is read as far as its nesting allows and
/// its claim further down is still found, in every report format.
#[test]
fn deep_nesting_in_every_language_goes_through_the_whole_pipeline() {
    let files = [
        (
            "parens.go",
            go(&format!("var x = {}", nested("(", "1", ")"))),
        ),
        (
            "blocks.go",
            go(&format!("func f() {}", nested("{", "", "}"))),
        ),
        (
            "brackets.go",
            go(&format!("var x = a{}", nested("[a", "0", "]"))),
        ),
        ("open.go", go(&format!("var x = {}\n", "(".repeat(DEEP)))),
        (
            "sql_in_string.go",
            go(&format!(
                "func f() {{ db.Exec(\"SELECT {}\") }}",
                nested("(", "1", ")")
            )),
        ),
        (
            "parens.rs",
            rust(&format!("fn f() {{ let x = {}; }}", nested("(", "1", ")"))),
        ),
        (
            "blocks.rs",
            rust(&format!("fn f() {}", nested("{", "", "}"))),
        ),
        (
            "brackets.rs",
            rust(&format!("fn f() {{ let x = {}; }}", nested("[", "1", "]"))),
        ),
        (
            "open.rs",
            rust(&format!("fn f() {{ let x = {}; }}", "(".repeat(DEEP))),
        ),
        (
            "sql_in_string.rs",
            rust(&format!(
                "fn f() {{ sqlx::query(\"SELECT {}\"); }}",
                nested("(", "1", ")")
            )),
        ),
        (
            "parens.sql",
            sql(&format!("SELECT {};", nested("(", "1", ")"))),
        ),
        (
            "subqueries.sql",
            sql(&format!("SELECT {};", nested("(SELECT ", "1", ")"))),
        ),
        (
            "brackets.sql",
            sql(&format!("SELECT {};", nested("ARRAY[", "1", "]"))),
        ),
        ("open.sql", sql(&format!("SELECT {};", "(".repeat(DEEP)))),
        (
            "parens.ts",
            ts(&format!("const x = {};", nested("(", "1", ")"))),
        ),
        (
            "blocks.ts",
            ts(&format!("function f() {}", nested("{", "", "}"))),
        ),
        (
            "brackets.ts",
            ts(&format!("const x = {};", nested("[", "1", "]"))),
        ),
        (
            "sql_in_string.ts",
            ts(&format!(
                "await db.query(`SELECT {}`);",
                nested("(", "1", ")")
            )),
        ),
        ("parens.py", py(&format!("x = {}", nested("(", "1", ")")))),
        ("brackets.py", py(&format!("x = {}", nested("[", "1", "]")))),
        (
            "unpacking.py",
            py(&format!("{} = 1, 2", nested("(", "a, b", ")"))),
        ),
        ("classes.py", py(&nested_classes(1_500))),
        (
            "sql_in_string.py",
            py(&format!(
                "cur.execute(\"SELECT {}\")",
                nested("(", "1", ")")
            )),
        ),
        (
            "fenced.md",
            format!(
                "```go\n{}```\n\n```rust\n{}```\n",
                text(&go(&format!("var x = {}", nested("(", "1", ")")))),
                text(&rust(&format!("fn f() {}", nested("{", "", "}")))),
            )
            .into_bytes(),
        ),
    ];
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    let dir = tree(&files);
    let output = check_in(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.lines().all(|line| line.starts_with("warning: ")),
        "{stderr}"
    );
    let mut found: Vec<String> = json_findings(&output.stdout)
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    found.sort();
    let mut expected: Vec<String> = names.iter().map(|name| name.to_string()).collect();
    expected.sort();
    // The Markdown file has two claims, one per block.
    expected.push("fenced.md".to_owned());
    expected.sort();
    assert_eq!(found, expected);
    // Every rule and every report format, from one more check, in this process.
    let outcome = check_in_process(dir.path());
    assert_eq!(outcome.files.len(), expected.len() - 1);
    let options = ReportOptions {
        color: true,
        root: Some(dir.path().to_owned()),
        files_checked: outcome.files_checked,
        files_failed: outcome.files_failed(),
    };
    for format in Format::value_variants() {
        let mut out = Vec::new();
        report::write(*format, &outcome.files, &options, &mut out).unwrap();
        assert!(!out.is_empty(), "{format:?}");
    }
}

/// A minified file: one line of 5 MB with a finding at its end. The diagnostic shows the
/// text around the finding, not the whole line.
#[test]
fn a_five_megabyte_line_is_checked_and_shown_around_the_finding() {
    let pad = "x".repeat(5_000_000);
    let line = format!(
        "package hostile; var pad = \"{pad}\"; {}",
        GO_CLAIM.replace('\n', " ")
    );
    let dir = tree(&[("min.go", line.clone().into_bytes())]);
    let output = check_in(dir.path())
        .args(["--max-file-size", "8M", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let column = line.find("ON CONFLICT").unwrap() + 1;
    assert!(
        stdout.contains(&format!("┌─ min.go:1:{column}\n")),
        "{stdout}"
    );
    assert!(stdout.len() < 4000, "{} bytes of output", stdout.len());
}

#[test]
fn empty_and_comment_only_files_are_checked_quietly() {
    let dir = tree(&[
        ("empty.go", b"".to_vec()),
        ("empty.rs", b"".to_vec()),
        ("empty.sql", b"".to_vec()),
        ("blank.sql", b"\n\n   \t\r\n".to_vec()),
        ("comments.go", b"// a\n/* b */\n".to_vec()),
        ("comments.rs", b"//! doc\n/* nested /* */ */\n".to_vec()),
        ("comments.sql", b"-- a\n/* b */ # c\n".to_vec()),
        (
            "bom.go",
            b"\xef\xbb\xbf// only a byte-order mark and this\n".to_vec(),
        ),
    ]);
    check_in(dir.path())
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 8 files\n");
}

/// Each file gets a warning where its comment or string runs to the end, and the run goes
/// on. (The Go parser recovers enough from the comment to find the claim after it.)
#[test]
fn unterminated_comments_and_strings_are_warnings() {
    let names = [
        "comment.go",
        "comment.rs",
        "comment.sql",
        "string.go",
        "string.rs",
        "string.sql",
    ];
    let dir = tree(&[
        (names[0], go("/* never closed")),
        (names[1], rust("/* never closed")),
        (names[2], sql("/* never closed")),
        (names[3], go("var s = `never closed")),
        (names[4], rust("const S: &str = r#\"never closed")),
        (names[5], sql("SELECT 'never closed")),
    ]);
    let output = check_in(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        json_findings(&output.stdout),
        [("comment.go".to_owned(), 5)]
    );
    let mut warned: Vec<&str> = stderr
        .lines()
        .map(|line| {
            let at = line.strip_prefix("warning: ").unwrap();
            &at[..at.find(':').unwrap()]
        })
        .collect();
    warned.dedup();
    assert_eq!(warned, names);
}

/// A file's name and code reach the terminal (in the text report and in warnings on
/// stderr) without their escape sequences.
#[test]
fn escape_sequences_in_names_and_code_do_not_reach_the_terminal() {
    let dir = tree(&[
        ("evil\x1b[2J.sql", sql("-- \x1b]0;pwned\x07")),
        ("unterminated\x1b[2J.sql", sql("SELECT '")),
    ]);
    let output = check_in(dir.path())
        .args(["--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    for stream in [&output.stdout, &output.stderr] {
        assert!(
            !stream.contains(&0x1b),
            "{}",
            String::from_utf8_lossy(stream)
        );
    }
    assert!(text(&output.stdout).contains("┌─ evil?[2J.sql:3:"));
    assert!(
        text(&output.stderr).starts_with("warning: unterminated?[2J.sql:1:8: "),
        "{}",
        text(&output.stderr)
    );
}

/// Symbolic links inside a walked tree are not followed: a broken one and loops neither stop
/// the walk nor make it report anything.
#[test]
fn symlinks_in_a_walked_tree_are_not_followed() {
    let dir = tree(&[("a.sql", sql(""))]);
    symlink("nowhere.sql", dir.path().join("broken.sql")).unwrap();
    symlink("self.sql", dir.path().join("self.sql")).unwrap();
    symlink(".", dir.path().join("loop")).unwrap();
    symlink("a.sql", dir.path().join("alias.sql")).unwrap();
    check_in(dir.path())
        .assert()
        .code(1)
        .stderr("found 1 problem (1 error) in 1 file\n");
}

#[test]
fn a_broken_symlink_or_a_loop_named_explicitly_is_an_error() {
    let dir = tree(&[("a.sql", sql(""))]);
    symlink("nowhere.sql", dir.path().join("broken.sql")).unwrap();
    symlink("self.sql", dir.path().join("self.sql")).unwrap();
    check_in(dir.path())
        .args(["self.sql", "broken.sql", "a.sql"])
        .assert()
        .code(2)
        .stderr(
            "error: 'broken.sql' is a broken symbolic link (to 'nowhere.sql')\n\
             error: cannot read 'self.sql': Too many levels of symbolic links (os error 40)\n\
             found 1 problem (1 error) in 1 file; 2 files could not be checked\n",
        );
}

/// As root, permissions do not stop a read; the check then runs as `nobody` through
/// `setpriv`. Without setpriv, a root run cannot deny itself a read, and the test only
/// says so.
#[test]
fn permission_denied_paths_are_errors_and_the_rest_is_still_checked() {
    let dir = tree(&[
        ("a.sql", sql("")),
        ("locked/b.sql", sql("")),
        ("unreadable.sql", sql("")),
    ]);
    let mode = |path: &str, mode| {
        fs::set_permissions(dir.path().join(path), fs::Permissions::from_mode(mode)).unwrap();
    };
    mode(".", 0o755);
    mode("a.sql", 0o644);
    mode("locked", 0o000);
    mode("unreadable.sql", 0o000);
    let as_root = fs::metadata(dir.path()).unwrap().uid() == 0;
    let binary = env!("CARGO_BIN_EXE_idemlint");
    let mut command = if as_root {
        let setpriv = Command::new("setpriv").arg("--version").output();
        if !setpriv.is_ok_and(|o| o.status.success()) {
            eprintln!("skipped: running as root without setpriv to drop privileges");
            return;
        }
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        command
    } else {
        Command::new(binary)
    };
    let output = command
        .current_dir(dir.path())
        .args(["check", "--select", RULE, "--format", "json"])
        .output()
        .unwrap();
    mode("locked", 0o755);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json_findings(&output.stdout), [("a.sql".to_owned(), 3)]);
    assert_eq!(
        text(&output.stderr),
        "error: cannot read 'locked': Permission denied (os error 13)\n\
         error: cannot read 'unreadable.sql': Permission denied (os error 13)\n"
    );
}

/// Opening a FIFO waits for a writer: one named on the command line is skipped with a
/// warning (one in a walked tree, like any file that is not regular, is passed over), and
/// the other files are still checked.
#[test]
fn a_fifo_named_on_the_command_line_is_skipped_with_a_warning() {
    let dir = tree(&[("a.sql", sql(""))]);
    let mkfifo = Command::new("mkfifo")
        .arg(dir.path().join("pipe.sql"))
        .status()
        .unwrap();
    assert!(mkfifo.success());
    let output = check_in(dir.path())
        .args(["--format", "json", "pipe.sql", "a.sql"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(json_findings(&output.stdout), [("a.sql".to_owned(), 3)]);
    assert_eq!(
        text(&output.stderr),
        "warning: skipping 'pipe.sql': a FIFO, not a regular file\n"
    );
    check_in(dir.path())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr("found 1 problem (1 error) in 1 file\n");
}

#[test]
fn empty_stdin_is_an_empty_file() {
    for lang in ["go", "rust", "sql"] {
        idemlint()
            .args(["check", "-", "--lang", lang])
            .write_stdin("")
            .assert()
            .code(0)
            .stdout("")
            .stderr("no problems found in 1 file\n");
    }
}

/// A closed stdin (`<&-`) reads as empty, and a closed stdout or stderr loses only what
/// would have gone there: the exit status still tells the findings.
#[test]
fn closed_standard_streams_do_not_stop_the_run() {
    let binary = env!("CARGO_BIN_EXE_idemlint");
    let run = |redirections: &str, input: &str| {
        let script = format!("exec \"$0\" check - --lang sql {redirections}");
        let mut child = Command::new("sh")
            .args(["-c", &script, binary])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // With stdin closed, the shell's end of this pipe is gone: the write may fail.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    };
    let closed_stdin = run("<&-", SQL_CLAIM);
    assert_eq!(closed_stdin.status.code(), Some(0));
    assert_eq!(text(&closed_stdin.stderr), "no problems found in 1 file\n");
    let closed_stdout = run(">&-", SQL_CLAIM);
    assert_eq!(closed_stdout.status.code(), Some(1));
    assert_eq!(
        text(&closed_stdout.stderr),
        "found 1 problem (1 error) in 1 file\n"
    );
    let closed_stderr = run("2>&-", SQL_CLAIM);
    assert_eq!(closed_stderr.status.code(), Some(1));
    assert!(text(&closed_stderr.stdout).contains("INSERT IGNORE"));
}

/// `idemlint check | head -1` with more findings than a pipe holds, in every format: the
/// run ends quietly with the status its findings give.
#[test]
fn output_into_a_closed_pipe_ends_the_run_quietly() {
    let files: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("claim{i:03}.sql"), sql("")))
        .collect();
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(p, c)| (p.as_str(), c.clone())).collect();
    let dir = tree(&files);
    for format in formats() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idemlint"))
            .current_dir(dir.path())
            .args(["check", "--select", RULE, "--format", &format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(text(&output.stderr), "", "{format}");
        assert_eq!(output.status.code(), Some(1), "{format}");
    }
}

/// The same tree, checked on one thread and on eight, run after run, gives the same bytes on
/// stdout and on stderr.
#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..40 {
        files.push((format!("go/claim{i}.go"), go("")));
        files.push((format!("rs/claim{i}.rs"), rust("")));
        files.push((format!("sql/claim{i}.sql"), sql("")));
        files.push((format!("broken/b{i}.go"), go("func (")));
        files.push((format!("broken/b{i}.sql"), sql("INSERT INTO (")));
        files.push((
            format!("odd/latin{i}.sql"),
            b"-- \xe9\nSELECT 1;\n".to_vec(),
        ));
        files.push((format!("odd/bin{i}.rs"), b"\0".to_vec()));
    }
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(p, c)| (p.as_str(), c.clone())).collect();
    let dir = tree(&files);
    for format in formats() {
        let run = |threads: &str| {
            let output = idemlint()
                .current_dir(dir.path())
                .args(["check", "--format", &format, "--threads", threads])
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1));
            (output.stdout, output.stderr)
        };
        let first = run("1");
        assert!(!first.0.is_empty());
        for threads in ["8", "1", "8", "3"] {
            let again = run(threads);
            assert!(again == first, "{format} on {threads} threads differs");
        }
    }
}

#[test]
fn timings_list_each_file_with_its_time() {
    let dir = tree(&[("a.sql", sql("")), ("b/c.go", go(""))]);
    let output = check_in(dir.path())
        .args(["--timings", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].starts_with("timings: 2 files, "), "{stderr}");
    let mut paths: Vec<&str> = lines[1..]
        .iter()
        .map(|line| {
            let (seconds, path) = line.trim_start().split_once("s  ").unwrap();
            assert!(seconds.parse::<f64>().is_ok(), "{line}");
            path
        })
        .collect();
    paths.sort();
    assert_eq!(paths, ["a.sql", "b/c.go"]);
}

/// Helpers that call each other are each looked into once per depth when following a delay
/// for randomness: twenty of them took 20 s, exponential in their number. A helper first
/// reached by a long path, then by a short one, is looked into again from the short one.
#[test]
fn helpers_are_followed_for_randomness_once_each() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/robustness");
    let mesh = fs::read(corpus.join("slow-helpers-calling-each-other.go")).unwrap();
    let retry = "func retry() error {
\tdelay := time.Second
\tfor i := 0; i < 5; i++ {
\t\tif err := op(); err == nil {
\t\t\treturn nil
\t\t}
\t\ttime.Sleep(delay + h0())
\t\tdelay *= 2
\t}
\treturn nil
}
";
    let chain = format!(
        "package p\n\n{}func h6() time.Duration {{ return time.Duration(rand.Int63n(10)) }}\n{retry}",
        [
            "h0() { h1(); h5() }",
            "h1() { h2() }",
            "h2() { h3() }",
            "h3() { h4() }",
            "h4() { h5() }",
            "h5() { h6() }",
        ]
        .map(|f| format!("func {f}\n"))
        .concat()
    );
    let dir = tree(&[("mesh.go", mesh), ("chain.go", chain.into_bytes())]);
    let output = idemlint()
        .current_dir(dir.path())
        .args([
            "check",
            "--select",
            "backoff-without-jitter",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(json_findings(&output.stdout), [("mesh.go".to_owned(), 32)]);
}

/// Every input with which fuzzing found a crash or a slow path: each is read and checked,
/// in every format, with no internal error.
#[test]
fn fuzzing_regressions_are_checked_without_internal_errors() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/robustness");
    let inputs = fs::read_dir(&corpus)
        .unwrap()
        .filter(|entry| FileKind::from_path(&entry.as_ref().unwrap().path()).is_some())
        .count();
    let outcome = check_in_process(&corpus);
    assert_eq!(outcome.files_checked, inputs);
    assert!(!outcome.has_errors(), "{:?}", outcome.messages);
    for format in formats() {
        let output = idemlint()
            .current_dir(&corpus)
            .args(["check", "--format", &format, "--color", "always"])
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{format}: {stderr}"
        );
    }
}

/// The prefilter passes over no fuzzing regression that has findings: a file that does not
/// lex (a stray backquote) once had its query read as code and was skipped.
#[test]
fn the_prefilter_skips_no_fuzzing_regression_with_findings() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/robustness");
    // A copy, away from this repository's configuration, which excludes `tests/`.
    let inputs: Vec<(String, Vec<u8>)> = fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| FileKind::from_path(path).is_some())
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    let files: Vec<(&str, Vec<u8>)> = (inputs.iter())
        .map(|(name, text)| (name.as_str(), text.clone()))
        .collect();
    let dir = tree(&files);
    let run = |extra: &[&str]| {
        let output = idemlint()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "--exit-zero"])
            .args(extra)
            .output()
            .unwrap();
        json_findings(&output.stdout)
    };
    let all = run(&["--no-prefilter"]);
    assert!(all.iter().any(|(path, _)| path.contains("stray-backquote")));
    assert_eq!(run(&[]), all);
}
