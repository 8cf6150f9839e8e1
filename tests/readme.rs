//! The README's example is a real run: its SQL, checked as `inbox.sql`, gives exactly the
//! output the README shows under it.

use assert_cmd::cargo::cargo_bin_cmd;

/// The body of the first fenced block of `language` after `heading`.
fn block_after<'r>(readme: &'r str, heading: &str, language: &str) -> &'r str {
    let from = readme.find(heading).expect("the heading is in the README");
    let fence = format!("```{language}\n");
    let start = from + readme[from..].find(&fence).expect("a block follows") + fence.len();
    let end = start + readme[start..].find("```").expect("the block is closed");
    &readme[start..end]
}

#[test]
fn the_readme_example_is_what_idemlint_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let sql = block_after(&readme, "## Example", "sql");
    let shown = block_after(&readme, "## Example", "text");
    let (command, expected) = shown.split_once('\n').expect("a command line, then output");
    assert_eq!(command, "$ idemlint check inbox.sql");
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("inbox.sql"), sql).expect("inbox.sql written");
    let output = cargo_bin_cmd!("idemlint")
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .args(["check", "--color", "never", "inbox.sql"])
        .output()
        .expect("idemlint runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(printed, expected);
}
