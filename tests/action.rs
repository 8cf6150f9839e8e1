//! The GitHub Action's scripts (action.yml runs scripts/action-install.sh and
//! scripts/action-run.sh), driven here as the runner drives them: inputs and GitHub's
//! variables in the environment, a pull request event payload, GITHUB_OUTPUT and
//! GITHUB_STEP_SUMMARY files, and a git repository with a base and a head commit.
//! Needs bash, git and python3, as the action does.

mod common;
use common::git;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const ACTION_PATH: &str = env!("CARGO_MANIFEST_DIR");

/// A Go file whose line 3 holds a suppression naming an unknown rule: one
/// `unused-suppression` warning.
const LEGACY_GO: &str = "package x\n\n// idemlint-ignore: no-such-rule\nfunc F() {}\n";

/// The same file after the pull request: the old line moved down, and a new stale
/// suppression on line 6.
const CHANGED_GO: &str = "package x\n\n\n// idemlint-ignore: no-such-rule\nfunc F() {}\n\
                          // idemlint-ignore: also-no-rule\nfunc G() {}\n";

/// A workspace: a repository whose base commit has LEGACY_GO and whose head (checked
/// out) has CHANGED_GO, plus a directory for the runner's files.
struct Workspace {
    repo: TempDir,
    runner: TempDir,
    base: String,
}

impl Workspace {
    fn new() -> Workspace {
        let repo = tempfile::tempdir().unwrap();
        fs::write(repo.path().join("svc.go"), LEGACY_GO).unwrap();
        git(repo.path(), &["init", "-q"]);
        git(repo.path(), &["add", "."]);
        git(repo.path(), &["commit", "-qm", "base"]);
        let base = git(repo.path(), &["rev-parse", "HEAD"]);
        fs::write(repo.path().join("svc.go"), CHANGED_GO).unwrap();
        git(repo.path(), &["commit", "-qam", "head"]);
        Workspace {
            repo,
            runner: tempfile::tempdir().unwrap(),
            base,
        }
    }

    fn runner_file(&self, name: &str) -> PathBuf {
        self.runner.path().join(name)
    }

    fn read_runner_file(&self, name: &str) -> String {
        fs::read_to_string(self.runner_file(name)).unwrap_or_default()
    }

    /// Runs scripts/action-run.sh for `event` with a pull request payload and the inputs
    /// `inputs` (`INPUT_…` values).
    fn run(&self, event: &str, inputs: &[(&str, &str)]) -> Output {
        let payload = format!(
            r#"{{"action": "synchronize", "pull_request": {{"number": 7, "base": {{"ref": "main", "sha": "{}"}}}}}}"#,
            self.base
        );
        self.run_with_payload(event, &payload, inputs)
    }

    fn run_with_payload(&self, event: &str, payload_json: &str, inputs: &[(&str, &str)]) -> Output {
        let payload = self.runner_file("event.json");
        fs::write(&payload, payload_json).unwrap();
        let mut command = Command::new("bash");
        command
            .arg(Path::new(ACTION_PATH).join("scripts/action-run.sh"))
            .current_dir(self.repo.path())
            .env("IDEMLINT", env!("CARGO_BIN_EXE_idemlint"))
            .env("GITHUB_ACTION_PATH", ACTION_PATH)
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_EVENT_PATH", &payload)
            .env("GITHUB_OUTPUT", self.runner_file("output"))
            .env("GITHUB_STEP_SUMMARY", self.runner_file("summary.md"))
            .env("RUNNER_TEMP", self.runner.path());
        for name in ["PATHS", "CONFIG", "ONLY_CHANGED", "FAIL_ON", "SARIF_FILE"] {
            command.env_remove(format!("INPUT_{name}"));
        }
        for (name, value) in inputs {
            command.env(format!("INPUT_{name}"), value);
        }
        command.output().unwrap()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

const NEW_ANNOTATION: &str = "::warning file=svc.go,line=6,col=21,endLine=6,endColumn=33,\
title=idemlint (unused-suppression)::`also-no-rule` is not a rule, so this suppression \
suppresses nothing%0A6:21: unknown rule%0Ahelp: correct the name: `idemlint rules` lists the \
rules%0Asee `idemlint explain unused-suppression` or https://github.com/idemlint/idemlint/blob/main/rules/unused-suppression.md\n";

#[test]
fn on_a_pull_request_only_changed_lines_are_annotated_and_the_sarif_has_everything() {
    let workspace = Workspace::new();
    let sarif = workspace.runner_file("idemlint.sarif");
    let output = workspace.run(
        "pull_request",
        &[
            ("PATHS", ". "),
            ("FAIL_ON", "warning"),
            ("SARIF_FILE", sarif.to_str().unwrap()),
        ],
    );
    assert_eq!(stdout(&output), NEW_ANNOTATION);
    assert_eq!(output.status.code(), Some(1), "fail-on warning");
    assert_eq!(
        workspace.read_runner_file("output"),
        format!("findings=1\nsarif-file={}\n", sarif.display())
    );
    assert_eq!(
        workspace.read_runner_file("summary.md"),
        "### idemlint\n\nfound 1 problem (1 warning) in 1 file\n\n\
         | severity | rule | location | message |\n| --- | --- | --- | --- |\n\
         | warning | [`unused-suppression`](https://github.com/idemlint/idemlint/blob/main/rules/unused-suppression.md) | svc.go:6:21 | `also-no-rule` is not a rule, so this \
         suppression suppresses nothing |\n"
    );
    let log: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    let lines: Vec<u64> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            result["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(
        lines,
        [4, 6],
        "the SARIF file is not limited to changed lines"
    );
}

#[test]
fn on_a_push_every_finding_is_annotated_and_warnings_pass_by_default() {
    let workspace = Workspace::new();
    let output = workspace.run("push", &[]);
    let annotations = stdout(&output);
    let places: Vec<&str> = annotations
        .lines()
        .map(|line| line.split(",endLine").next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "::warning file=svc.go,line=4,col=21",
            "::warning file=svc.go,line=6,col=21"
        ]
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        workspace.read_runner_file("output"),
        "findings=2\nsarif-file=\n"
    );
}

#[test]
fn only_changed_can_be_forced_either_way() {
    let workspace = Workspace::new();
    let output = workspace.run("pull_request", &[("ONLY_CHANGED", "false")]);
    assert_eq!(stdout(&output).lines().count(), 2);
    let output = workspace.run("workflow_dispatch", &[("ONLY_CHANGED", "true")]);
    assert_eq!(
        stdout(&output),
        NEW_ANNOTATION,
        "the payload still names a base"
    );
    let output =
        workspace.run_with_payload("push", r#"{"after": "abc"}"#, &[("ONLY_CHANGED", "true")]);
    assert_eq!(
        stdout(&output),
        "::error title=idemlint::only-changed needs a pull request event payload with \
         pull_request.base.sha\n"
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn fail_on_never_and_config_and_paths_inputs_reach_idemlint() {
    let workspace = Workspace::new();
    fs::write(
        workspace.repo.path().join("lint.toml"),
        "[rules]\nunused-suppression = \"error\"\n",
    )
    .unwrap();
    fs::create_dir(workspace.repo.path().join("empty")).unwrap();
    let failing = workspace.run("push", &[("CONFIG", "lint.toml")]);
    assert!(stdout(&failing).starts_with("::error file=svc.go,line=4,"));
    assert_eq!(failing.status.code(), Some(1));
    let never = workspace.run("push", &[("CONFIG", "lint.toml"), ("FAIL_ON", "never")]);
    assert_eq!(never.status.code(), Some(0));
    let elsewhere = workspace.run("push", &[("PATHS", "empty\n  empty")]);
    assert_eq!(stdout(&elsewhere), "");
    assert_eq!(
        workspace.read_runner_file("output").lines().last(),
        Some("sarif-file=")
    );
}

#[test]
fn bad_inputs_and_idemlint_errors_fail_with_an_error_annotation() {
    let workspace = Workspace::new();
    let bad_input = workspace.run("push", &[("FAIL_ON", "sometimes\n::warning::x")]);
    assert_eq!(
        stdout(&bad_input),
        "::error title=idemlint::fail-on must be error, warning or never, not \
         'sometimes%0A::warning::x'\n"
    );
    assert_eq!(bad_input.status.code(), Some(2));
    let bad_config = workspace.run("push", &[("CONFIG", "missing.toml")]);
    assert_eq!(
        stdout(&bad_config),
        "::error title=idemlint::idemlint could not check everything (exit status 2): see \
         the messages in the step's log\n"
    );
    assert!(
        String::from_utf8_lossy(&bad_config.stderr)
            .starts_with("error: cannot read the configuration 'missing.toml': ")
    );
    assert_eq!(bad_config.status.code(), Some(2));
    assert_eq!(
        workspace.read_runner_file("output"),
        "findings=0\nsarif-file=\n"
    );
}

#[test]
fn a_run_that_cannot_check_a_path_still_reports_the_rest_and_says_what_failed() {
    let workspace = Workspace::new();
    let sarif = workspace.runner_file("out.sarif");
    let output = workspace.run(
        "push",
        &[
            ("PATHS", "svc.go missing.go"),
            ("SARIF_FILE", sarif.to_str().unwrap()),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let annotations = stdout(&output);
    assert!(
        annotations.contains("::warning file=svc.go,line=6,"),
        "{annotations}"
    );
    assert!(
        annotations.ends_with(
            "::error title=idemlint::idemlint could not check everything (exit status 2): \
             see the messages in the step's log\n"
        ),
        "{annotations}"
    );
    let summary = workspace.read_runner_file("summary.md");
    assert!(
        summary.contains("| [`unused-suppression`](https://github.com/idemlint/idemlint/blob/main/rules/unused-suppression.md) | svc.go:6:21 |"),
        "{summary}"
    );
    assert!(
        summary.ends_with(
            "\n**idemlint could not check everything (exit status 2): see the messages in \
             the step's log**\n"
        ),
        "{summary}"
    );
    let sarif = fs::read_to_string(&sarif).unwrap();
    assert!(
        sarif.contains("\"ruleId\": \"unused-suppression\""),
        "{sarif}"
    );
    assert_eq!(
        workspace.read_runner_file("output"),
        format!(
            "findings=2\nsarif-file={}\n",
            workspace.runner_file("out.sarif").display()
        )
    );
}

#[test]
fn the_cache_key_names_the_platform_version_and_sources() {
    let runner = tempfile::tempdir().unwrap();
    let output_file = runner.path().join("output");
    let output = Command::new("bash")
        .arg(Path::new(ACTION_PATH).join("scripts/action-install.sh"))
        .arg("key")
        .env("GITHUB_ACTION_PATH", ACTION_PATH)
        .env("GITHUB_OUTPUT", &output_file)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("HOME", "/home/runner")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let written = fs::read_to_string(&output_file).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    let prefix = format!("key=idemlint-Linux-X64-{}-", env!("CARGO_PKG_VERSION"));
    let digest = lines[0].strip_prefix(&prefix).unwrap();
    assert_eq!(digest.len(), 16);
    assert!(digest.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        &lines[1..],
        [
            "restore-prefix=idemlint-Linux-X64-",
            "root=/home/runner/.cache/idemlint-action"
        ]
    );
}
