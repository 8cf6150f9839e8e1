//! `--write-baseline` and `--baseline` end to end: a codebase's findings recorded, then only
//! new ones reported, whatever moved around them, and the entries that no longer match
//! said.

use std::fs;
use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

/// An unchecked dedup insert, one finding of unchecked-on-conflict.
const INBOX: &str = "BEGIN;
INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING;
UPDATE inventory SET reserved = reserved + 1 WHERE sku = $2;
COMMIT;
";

/// The same hazard on another table.
const REFUNDS: &str = "BEGIN;
INSERT INTO processed_refunds (refund_id) VALUES ($1) ON CONFLICT (refund_id) DO NOTHING;
UPDATE accounts SET balance = balance + $2 WHERE id = $3;
COMMIT;
";

fn check_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("idemlint");
    cmd.current_dir(dir).args(["check", "--color", "never"]);
    cmd
}

#[test]
fn a_baseline_hides_the_recorded_findings_and_reports_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("db")).unwrap();
    fs::write(dir.path().join("db/inbox.sql"), INBOX).unwrap();
    fs::write(dir.path().join("db/refunds.sql"), REFUNDS).unwrap();
    check_in(dir.path())
        .args(["--write-baseline", "idemlint-baseline.json"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("wrote a baseline of 2 findings to 'idemlint-baseline.json'\n");
    let written = fs::read_to_string(dir.path().join("idemlint-baseline.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(document["version"], 1);
    assert_eq!(document["findings"][0]["path"], "db/inbox.sql");
    assert_eq!(document["findings"][1]["path"], "db/refunds.sql");
    check_in(dir.path())
        .args(["--baseline", "idemlint-baseline.json"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("no problems found in 2 files\n");
    // Lines added above the old finding move it; a new hazard below it is reported.
    fs::write(
        dir.path().join("db/inbox.sql"),
        format!(
            "-- the inbox consumer\n\n{INBOX}{}",
            REFUNDS.replace("refund", "payout")
        ),
    )
    .unwrap();
    check_in(dir.path())
        .args(["--baseline", "idemlint-baseline.json"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("┌─ db/inbox.sql:8:")
                .and(predicate::str::contains("┌─ db/inbox.sql:4:").not()),
        )
        .stderr("found 1 problem (1 error) in 1 of 2 files\n");
    // The refunds hazard fixed: its entry matches nothing any more. From another folder,
    // the baseline's paths still hold.
    fs::write(dir.path().join("db/refunds.sql"), "SELECT 1;\n").unwrap();
    check_in(&dir.path().join("db"))
        .args(["--baseline", "../idemlint-baseline.json", "refunds.sql"])
        .assert()
        .code(0)
        .stderr(
            "warning: 1 entry of the baseline '../idemlint-baseline.json' matches no finding \
             any more (fixed, or their code changed): --write-baseline rewrites it\n\
             no problems found in 1 file\n",
        );
}

#[test]
fn a_baseline_that_cannot_be_read_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.sql"), INBOX).unwrap();
    check_in(dir.path())
        .args(["--baseline", "missing.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot read the baseline 'missing.json': ",
        ));
    fs::write(dir.path().join("other.json"), "{\"findings\": []}").unwrap();
    check_in(dir.path())
        .args(["--baseline", "other.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: the baseline 'other.json' is not one idemlint wrote: missing field `version`",
        ));
    check_in(dir.path())
        .args(["--baseline", "a.json", "--write-baseline", "b.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}
