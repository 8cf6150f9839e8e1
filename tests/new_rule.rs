//! scripts/new-rule.sh, run with `--root` on a temporary copy of what it edits (the
//! registry src/rules/mod.rs, the pages under rules/ and an empty fixtures/): the files it
//! writes, the two lines it adds to the registry, and the names it refuses. The generated
//! rule is not compiled here; the template is a few lines, checked by hand with `cargo check`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory holding a copy of the registry and the rule pages, and an empty fixtures/.
fn copy_of_repo() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src/rules")).unwrap();
    fs::copy(
        repo().join("src/rules/mod.rs"),
        dir.path().join("src/rules/mod.rs"),
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("rules")).unwrap();
    for page in fs::read_dir(repo().join("rules")).unwrap() {
        let page = page.unwrap().path();
        fs::copy(
            &page,
            dir.path().join("rules").join(page.file_name().unwrap()),
        )
        .unwrap();
    }
    fs::create_dir_all(dir.path().join("fixtures")).unwrap();
    dir
}

fn new_rule(root: &Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo().join("scripts/new-rule.sh"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.push(rel.to_str().unwrap().to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The `mod` lines of the registry, in order.
fn mods(registry: &str) -> Vec<&str> {
    registry
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect()
}

/// The entries of `ALL`, in order.
fn all_entries(registry: &str) -> Vec<&str> {
    registry
        .lines()
        .skip_while(|l| !l.starts_with("pub static ALL:"))
        .skip(1)
        .take_while(|l| *l != "];")
        .map(str::trim)
        .collect()
}

/// The info strings of the page's fences that open a block.
fn fences(page: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            out.push(info);
            lines.by_ref().find(|l| l.starts_with("```"));
        }
    }
    out
}

#[test]
fn scaffolds_the_rule_file_registry_page_and_fixture_folders() {
    let dir = copy_of_repo();
    let root = dir.path();
    let before = read(root, "src/rules/mod.rs");
    let output = new_rule(root, &["--langs", "sql,rust", "double-charge"]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("IDEMLINT_BLESS=1 cargo test --test fixtures"),
        "{stdout}"
    );
    assert!(stdout.contains("rules/double-charge.md"), "{stdout}");

    // The rule: names derived from NAME, the languages in `Lang` order, no findings.
    let rule = read(root, "src/rules/double_charge.rs");
    for expected in [
        "pub struct DoubleCharge;",
        "impl Rule for DoubleCharge {",
        "name: \"double-charge\",",
        "langs: &[Lang::Rust, Lang::Sql],",
        "doc: include_str!(\"../../rules/double-charge.md\"),",
        "fn check(&self, _unit: &Unit, _cx: &Context) -> Vec<Finding> {",
        "Vec::new()",
        "fn needs(&self, _knowledge: &Knowledge) -> Need {",
        "// TODO: the hazard in one line",
    ] {
        assert!(rule.contains(expected), "no {expected:?} in\n{rule}");
    }
    assert!(!rule.contains('@'), "a placeholder left in\n{rule}");

    // The registry: the `mod` line in order, the entry last in ALL, nothing else changed.
    let after = read(root, "src/rules/mod.rs");
    let mods_after = mods(&after);
    let mut sorted = mods_after.clone();
    sorted.sort_unstable();
    assert_eq!(mods_after, sorted);
    assert!(mods_after.contains(&"double_charge"));
    assert_eq!(mods_after.len(), mods(&before).len() + 1);
    let entries = all_entries(&after);
    assert_eq!(entries.last(), Some(&"&double_charge::DoubleCharge,"));
    assert_eq!(entries[..entries.len() - 1], all_entries(&before)[..]);
    let unchanged: Vec<&str> = after
        .lines()
        .filter(|l| !l.contains("double_charge"))
        .collect();
    assert_eq!(unchanged, before.lines().collect::<Vec<_>>());

    // The page: named, SQL before Rust, a `good` block per language and the bad ones fenced
    // by the language alone, so tests/rule_pages.rs passes while the rule finds nothing.
    let page = read(root, "rules/double-charge.md");
    assert!(page.starts_with("# double-charge\n\n**Default level:** warning\n"));
    for section in [
        "## Why it matters",
        "## What it flags",
        "## Examples",
        "## How to fix",
    ] {
        assert!(
            page.contains(&format!("\n{section}\n")),
            "no {section} in\n{page}"
        );
    }
    let sql = page.find("\n### SQL\n").expect("a SQL section");
    let rust = page.find("\n### Rust\n").expect("a Rust section");
    assert!(sql < rust);
    assert!(!page.contains("### Go") && !page.contains("### TypeScript"));
    assert_eq!(fences(&page), ["sql", "sql good", "rust", "rust good"]);

    // The fixtures: a folder per language, no tp_ or tn_ file yet.
    assert_eq!(
        files(&root.join("fixtures")),
        [
            "double-charge/README",
            "double-charge/rust/.gitkeep",
            "double-charge/sql/.gitkeep",
        ]
    );
}

#[test]
fn reads_every_language_by_default() {
    let dir = copy_of_repo();
    let root = dir.path();
    let output = new_rule(root, &["retry-post"]);
    assert!(output.status.success(), "{output:?}");
    let rule = read(root, "src/rules/retry_post.rs");
    assert!(
        rule.contains("langs: &[Lang::Go, Lang::Rust, Lang::Sql, Lang::TypeScript, Lang::Python],")
    );
    let page = read(root, "rules/retry-post.md");
    let order: Vec<usize> = ["SQL", "Go", "Rust", "TypeScript", "Python"]
        .iter()
        .map(|h| page.find(&format!("\n### {h}\n")).expect(h))
        .collect();
    assert!(order.is_sorted(), "{page}");
    assert_eq!(
        fences(&page),
        [
            "sql",
            "sql good",
            "go",
            "go good",
            "rust",
            "rust good",
            "ts",
            "ts good",
            "py",
            "py good"
        ]
    );
    for lang in ["go", "rust", "sql", "ts", "py"] {
        assert!(root.join("fixtures/retry-post").join(lang).is_dir());
    }
    // A name sorting first and one sorting last among the `mod` lines.
    for name in ["aaa-first", "zzz-last"] {
        let output = new_rule(root, &["--langs", "go", name]);
        assert!(output.status.success(), "{output:?}");
    }
    let registry = read(root, "src/rules/mod.rs");
    let mods = mods(&registry);
    assert_eq!(mods.first(), Some(&"aaa_first"));
    assert_eq!(mods.last(), Some(&"zzz_last"));
    assert_eq!(
        all_entries(&registry)[all_entries(&registry).len() - 3..],
        [
            "&retry_post::RetryPost,",
            "&aaa_first::AaaFirst,",
            "&zzz_last::ZzzLast,"
        ]
    );
}

#[test]
fn refuses_bad_or_taken_names_and_writes_nothing() {
    let dir = copy_of_repo();
    let root = dir.path();
    let registry = read(root, "src/rules/mod.rs");
    let pages = files(&root.join("rules"));
    let cases: &[&[&str]] = &[
        &["check-then-insert"],
        // The meta-rule has a page; a helper module of the rules has a `mod` line.
        &["unused-suppression"],
        &["retry-marks"],
        &["Check-Then-Insert"],
        &["check_then_insert"],
        &["double--charge"],
        &["double-"],
        &["2-phase"],
        &["type"],
        &["--langs", "go,java", "double-charge"],
        &["--langs", "", "double-charge"],
        &[],
    ];
    for args in cases {
        let output = new_rule(root, args);
        assert!(!output.status.success(), "{args:?} succeeded: {output:?}");
        assert!(!output.stderr.is_empty(), "{args:?}: no message");
    }
    let output = new_rule(root, &["check-then-insert"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("'check-then-insert' is taken"), "{stderr}");
    assert_eq!(read(root, "src/rules/mod.rs"), registry);
    assert_eq!(files(&root.join("rules")), pages);
    assert_eq!(files(&root.join("src/rules")), ["mod.rs"]);
    assert!(files(&root.join("fixtures")).is_empty());
}
