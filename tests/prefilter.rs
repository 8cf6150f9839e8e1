//! The prefilter must never change what a run reports: the whole fixture suite is checked
//! with it and without it, and the JSON reports must be the same bytes.

use std::path::{Path, PathBuf};

use idemlint::config::{Config, Exclude, Levels, TestCode};
use idemlint::knowledge::Knowledge;
use idemlint::model::{FileKind, FileKinds, Lang};
use idemlint::prefilter::Prefilter;
use idemlint::report::{self, Format, ReportOptions};
use idemlint::rules::{self, Rule};
use idemlint::run::{self, CheckOptions, DEFAULT_MAX_FILE_SIZE};

/// The JSON report of checking `paths`.
fn report(paths: &[PathBuf], knowledge: &Knowledge, prefilter: Option<&Prefilter>) -> String {
    let levels = Levels::default();
    let exclude = Exclude::default();
    let options = CheckOptions {
        rules: rules::ALL,
        knowledge,
        kind: None,
        file_kinds: &FileKinds::default(),
        levels: &levels,
        test_code: &TestCode::default(),
        exclude: &exclude,
        exclude_named: false,
        changed: None,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
        threads: 0,
        prefilter,
        verbose: false,
        project_root: None,
        progress: None,
    };
    let outcome = run::check_paths(paths, &options);
    assert!(!outcome.has_errors(), "{:?}", outcome.messages);
    let mut out = Vec::new();
    let report_options = ReportOptions {
        color: false,
        root: None,
        files_checked: outcome.files_checked,
        files_failed: outcome.files_failed(),
    };
    report::write(Format::Json, &outcome.files, &report_options, &mut out).expect("in memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[test]
fn the_fixture_suite_reports_the_same_with_and_without_the_prefilter() {
    let knowledge = Knowledge::builtin();
    let prefilter = Prefilter::new(rules::ALL, &knowledge);
    let paths = [fixtures()];
    let with = report(&paths, &knowledge, Some(&prefilter));
    let without = report(&paths, &knowledge, None);
    assert!(with.contains("\"rule\""), "the fixtures have findings");
    assert_eq!(with, without);
}

#[test]
fn each_rule_alone_reports_the_same_with_and_without_the_prefilter() {
    let knowledge = Knowledge::builtin();
    for rule in rules::ALL {
        let only: [&dyn Rule; 1] = [*rule];
        let prefilter = Prefilter::new(&only, &knowledge);
        let check = |prefilter| {
            let levels = Levels::default();
            let exclude = Exclude::default();
            let options = CheckOptions {
                rules: &only,
                knowledge: &knowledge,
                kind: None,
                file_kinds: &FileKinds::default(),
                levels: &levels,
                test_code: &TestCode::default(),
                exclude: &exclude,
                exclude_named: false,
                changed: None,
                max_file_size: DEFAULT_MAX_FILE_SIZE,
                threads: 0,
                prefilter,
                verbose: false,
                project_root: None,
                progress: None,
            };
            let outcome = run::check_paths(&[fixtures()], &options);
            let findings: Vec<String> = (outcome.files.iter())
                .flat_map(|file| {
                    (file.findings.iter()).map(move |f| {
                        format!("{} {:?} {}", file.path.display(), f.primary.span, f.rule)
                    })
                })
                .collect();
            (findings, outcome.files_checked)
        };
        assert_eq!(check(Some(&prefilter)), check(None), "{}", rule.meta().name);
    }
}

#[test]
fn the_prefilter_skips_files_without_the_words_and_reads_config_extensions() {
    let source = "INSERT INTO ledger_marks (mark) VALUES ($1) ON CONFLICT (mark) DO NOTHING;\n\
                  UPDATE accounts SET balance = balance + 1;\n";
    let builtin = Knowledge::builtin();
    assert!(
        !Prefilter::new(rules::ALL, &builtin).admits(source.as_bytes(), FileKind::Code(Lang::Sql))
    );
    let config = Config::parse(
        "[knowledge]\ndedup-tables = [\"ledger_marks\"]\n",
        Path::new("."),
        Path::new("idemlint.toml"),
    )
    .expect("a valid configuration");
    let extended = config.knowledge();
    assert!(
        Prefilter::new(rules::ALL, &extended).admits(source.as_bytes(), FileKind::Code(Lang::Sql))
    );
    let findings = idemlint::check_source(source, Lang::Sql, rules::ALL, &extended).findings;
    assert_eq!(
        findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
        ["unchecked-on-conflict"]
    );
}

#[test]
fn a_suppression_comment_alone_makes_a_file_worth_parsing() {
    let knowledge = Knowledge::builtin();
    let prefilter = Prefilter::new(rules::ALL, &knowledge);
    let source = "package p\n\n// idemlint-ignore: check-then-insert -- stale\nfunc f() {}\n";
    assert!(prefilter.admits(source.as_bytes(), FileKind::Code(Lang::Go)));
    assert!(!prefilter.admits(b"package p\n\nfunc f() {}\n", FileKind::Code(Lang::Go)));
}

/// A Markdown file's SQL block is SQL itself, not SQL in a host language's string: the
/// prefilter admits it, and the finding it holds is found.
#[test]
fn sql_in_a_markdown_block_is_admitted_as_sql() {
    let source = "# Inbox\n\n```sql\nINSERT INTO processed_events (event_id) VALUES ($1)\n  \
                  ON CONFLICT (event_id) DO NOTHING;\nUPDATE inventory SET reserved = reserved + 1;\n```\n";
    let knowledge = Knowledge::builtin();
    let prefilter = Prefilter::new(rules::ALL, &knowledge);
    assert!(prefilter.admits(source.as_bytes(), FileKind::Markdown));
    let findings =
        idemlint::check_file(source, FileKind::Markdown, rules::ALL, &knowledge).findings;
    assert_eq!(
        findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
        ["unchecked-on-conflict"]
    );
}
