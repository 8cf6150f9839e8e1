//! `--diff-base REV`: the lines added or changed since a git revision, so that a pull
//! request on legacy code is held to account only for what it touches.
//!
//! The lines come from `git diff --unified=0 REV` (the new side of each hunk) run at the
//! repository's top level, so they cover committed, staged and unstaged changes alike.
//! A file git does not track yet is new in every line.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::paths::normalize;

/// Which lines of which files are new since the base revision.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ChangedLines {
    /// The repository's top level, which the paths below are relative to.
    root: PathBuf,
    /// The working directory, which the paths a run shows are relative to.
    cwd: PathBuf,
    /// 1-based line numbers, per file.
    lines: BTreeMap<PathBuf, BTreeSet<usize>>,
    /// Untracked files: every line is new.
    untracked: BTreeSet<PathBuf>,
}

impl ChangedLines {
    /// The lines changed between `base` and the working tree of the repository the checked
    /// paths are in (the first one's), wherever the run starts; the paths are relative to
    /// `cwd`.
    pub fn since(base: &str, checked: &[PathBuf], cwd: &Path) -> Result<ChangedLines, String> {
        let at = repository_anchor(checked, cwd);
        let at = at.as_path();
        let top = git(at, ["rev-parse", "--show-toplevel"]).map_err(|error| {
            format!(
                "--diff-base needs a git repository, and '{}' is not in one ({error})",
                at.display()
            )
        })?;
        let root = PathBuf::from(top.trim_end_matches('\n'));
        let commit = format!("{base}^{{commit}}");
        git(&root, ["rev-parse", "--verify", "--quiet", "--end-of-options", &commit]).map_err(
            |_| format!("--diff-base: unknown revision '{base}' (is it fetched? a shallow clone may lack it)"),
        )?;
        let patch = git(
            &root,
            [
                "-c",
                "core.quotePath=false",
                "diff",
                "--unified=0",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--find-renames",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                base,
                "--",
            ],
        )
        .map_err(|error| format!("--diff-base: git diff failed: {error}"))?;
        let untracked = git(&root, ["ls-files", "--others", "--exclude-standard", "-z"])
            .map_err(|error| format!("--diff-base: git ls-files failed: {error}"))?;
        Ok(ChangedLines {
            lines: parse_patch(&patch),
            untracked: untracked
                .split('\0')
                .filter(|path| !path.is_empty())
                .map(PathBuf::from)
                .collect(),
            root: canonical(&root),
            cwd: canonical(cwd),
        })
    }

    /// Whether line `line` of `path` (as a run shows it: relative to the working
    /// directory, or absolute) is new since the base. A file outside the repository has
    /// no new lines.
    pub fn contains(&self, path: &Path, line: usize) -> bool {
        let absolute = normalize(&self.cwd.join(path));
        let Ok(relative) = absolute.strip_prefix(&self.root) else {
            return false;
        };
        self.untracked.contains(relative)
            || self
                .lines
                .get(relative)
                .is_some_and(|lines| lines.contains(&line))
    }
}

/// The folder of the first of `checked` (itself if a folder), or of the nearest folder
/// above it that exists: a name stdin is shown as may be of a file not written yet.
fn repository_anchor(checked: &[PathBuf], cwd: &Path) -> PathBuf {
    let first = checked.first().map_or(Path::new("."), PathBuf::as_path);
    let mut folder = normalize(&cwd.join(first));
    while !folder.is_dir() {
        if !folder.pop() {
            return cwd.to_owned();
        }
    }
    folder
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// Runs git in `dir` and returns its stdout, or its stderr's first line as the error.
fn git<I, S>(dir: &Path, args: I) -> Result<String, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_owned())
    }
}

/// The new-side lines of every hunk of a `--unified=0` patch, per new path.
fn parse_patch(patch: &str) -> BTreeMap<PathBuf, BTreeSet<usize>> {
    let mut lines: BTreeMap<PathBuf, BTreeSet<usize>> = BTreeMap::new();
    let mut current: Option<PathBuf> = None;
    // The removed and added lines still to come in the current hunk: their text may look
    // like a header (a removed SQL comment `-- x` shows as `--- x`).
    let mut hunk_lines_left = 0;
    for line in patch.lines() {
        if hunk_lines_left > 0 {
            // `\ No newline at end of file` follows a hunk line without being one.
            if !line.starts_with('\\') {
                hunk_lines_left -= 1;
            }
        } else if let Some(new_path) = line.strip_prefix("+++ ") {
            let new_path = unquote(new_path).unwrap_or_else(|| new_path.to_owned());
            current = new_path.strip_prefix("b/").map(PathBuf::from);
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            let Some((old, new)) = hunk_sides(hunk) else {
                continue;
            };
            hunk_lines_left = old.1 + new.1;
            if let Some(path) = &current {
                lines
                    .entry(path.clone())
                    .or_default()
                    .extend(new.0..new.0 + new.1);
            }
        }
    }
    lines
}

/// The text of a C-quoted git path (`"a\tb\303\251"`), or `None` if it is not quoted.
fn unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes();
    while let Some(byte) = chars.next() {
        if byte != b'\\' {
            bytes.push(byte);
            continue;
        }
        match chars.next()? {
            b'n' => bytes.push(b'\n'),
            b't' => bytes.push(b'\t'),
            b'r' => bytes.push(b'\r'),
            b'a' => bytes.push(7),
            b'b' => bytes.push(8),
            b'f' => bytes.push(12),
            b'v' => bytes.push(11),
            digit @ b'0'..=b'7' => {
                let mut value = u32::from(digit - b'0');
                for _ in 0..2 {
                    value = value * 8 + u32::from(chars.next()?.checked_sub(b'0')?);
                }
                bytes.push(u8::try_from(value).ok()?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

/// The old and new sides of a hunk header's rest (`-12,3 +14,2 @@ fn x`): for each, its
/// first line and line count (0 for the new side of a pure deletion).
fn hunk_sides(hunk: &str) -> Option<((usize, usize), (usize, usize))> {
    let mut parts = hunk.split_whitespace();
    let old = side(parts.next()?.strip_prefix('-')?)?;
    let new = side(parts.next()?.strip_prefix('+')?)?;
    Some((old, new))
}

/// `14,2` or `14` (a count of one).
fn side(range: &str) -> Option<(usize, usize)> {
    match range.split_once(',') {
        Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
        None => Some((range.parse().ok()?, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_the_new_side_lines() {
        let patch = "\
diff --git a/db/claim.sql b/db/claim.sql
index 1..2 100644
--- a/db/claim.sql
+++ b/db/claim.sql
@@ -3 +3 @@ BEGIN;
--- a removed SQL comment
+++ an added line that looks like a header
@@ -10,0 +11,2 @@
+a
+b
\\ No newline at end of file
@@ -20,2 +21,0 @@
-gone
-@@ -1 +1 @@
diff --git a/gone.go b/gone.go
deleted file mode 100644
--- a/gone.go
+++ /dev/null
@@ -1,2 +0,0 @@
-package x
diff --git \"a/t\\303\\251.go\" \"b/t\\303\\251.go\"
--- \"a/t\\303\\251.go\"
+++ \"b/t\\303\\251.go\"
@@ -0,0 +1 @@
+package t
";
        let lines = parse_patch(patch);
        assert_eq!(
            lines,
            BTreeMap::from([
                (PathBuf::from("db/claim.sql"), BTreeSet::from([3, 11, 12])),
                (PathBuf::from("té.go"), BTreeSet::from([1])),
            ])
        );
    }

    #[test]
    fn quoted_paths_are_unescaped() {
        assert_eq!(unquote("\"a\\tb\\\"c\\\\\"").as_deref(), Some("a\tb\"c\\"));
        assert_eq!(unquote("\"\\303\\251\"").as_deref(), Some("é"));
        assert_eq!(unquote("plain"), None);
    }
}
