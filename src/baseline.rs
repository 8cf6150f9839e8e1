//! A baseline: the findings a codebase already had when idemlint was adopted, recorded by
//! fingerprint (`--write-baseline FILE`), so that a run with `--baseline FILE` reports only
//! the new ones. A finding matches an entry by its path (relative to the baseline's
//! folder), rule and fingerprint (see [`crate::report::fingerprint`]), which survives edits
//! elsewhere in the file; an entry matches at most one finding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::paths::normalize;
use crate::report::FileFindings;
use crate::report::fingerprint::fingerprint;
use crate::report::position::LineIndex;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// Relative to the baseline's folder, with `/`.
    path: String,
    rule: String,
    /// 16 hex digits.
    fingerprint: String,
    /// Where it was, and what it said, for a reader of the file: not matched on.
    line: usize,
    message: String,
}

/// The findings of a baseline file, ready to match.
pub struct Baseline {
    /// The folder the paths are relative to.
    root: PathBuf,
    /// How many findings of each (path, rule, fingerprint) it holds.
    remaining: BTreeMap<(String, String, String), usize>,
}

impl Baseline {
    /// Reads the baseline `file` (relative to `cwd`).
    pub fn read(file: &Path, cwd: &Path) -> Result<Baseline, String> {
        let shown = file.display();
        let text = std::fs::read_to_string(cwd.join(file))
            .map_err(|error| format!("cannot read the baseline '{shown}': {error}"))?;
        let document: Document = serde_json::from_str(&text).map_err(|error| {
            format!("the baseline '{shown}' is not one idemlint wrote: {error}")
        })?;
        if document.version != VERSION {
            return Err(format!(
                "the baseline '{shown}' is of version {}, this idemlint reads version \
                 {VERSION}: write it again with --write-baseline",
                document.version
            ));
        }
        let mut remaining = BTreeMap::new();
        for entry in document.findings {
            *remaining
                .entry((entry.path, entry.rule, entry.fingerprint))
                .or_insert(0) += 1;
        }
        Ok(Baseline {
            root: folder_of(file, cwd),
            remaining,
        })
    }

    /// Removes from `files` the findings the baseline holds (the files left with none are
    /// dropped), and returns how many of its entries for the files `checked` matched no
    /// finding: fixed, or code that changed (the entries of files not checked in this run
    /// are not judged).
    pub fn filter<'p>(
        mut self,
        files: &mut Vec<FileFindings>,
        checked: impl Iterator<Item = &'p Path>,
        cwd: &Path,
    ) -> usize {
        for file in files.iter_mut() {
            let path = relative_path(&file.path, &self.root, cwd);
            let index = LineIndex::new(&file.source);
            file.findings.retain(|finding| {
                let key = (
                    path.clone(),
                    finding.rule.to_owned(),
                    hex(fingerprint(finding, Path::new(&path), &index)),
                );
                match self.remaining.get_mut(&key) {
                    Some(count) if *count > 0 => {
                        *count -= 1;
                        false
                    }
                    _ => true,
                }
            });
        }
        files.retain(|file| !file.findings.is_empty());
        let checked: std::collections::BTreeSet<String> = checked
            .map(|path| relative_path(path, &self.root, cwd))
            .collect();
        (self.remaining.iter())
            .filter(|((path, _, _), _)| checked.contains(path))
            .map(|(_, count)| count)
            .sum()
    }
}

/// Writes every finding of `files` to the baseline `file` (relative to `cwd`); returns
/// how many.
pub fn write(file: &Path, files: &[FileFindings], cwd: &Path) -> Result<usize, String> {
    let root = folder_of(file, cwd);
    let mut findings = Vec::new();
    for found in files {
        let path = relative_path(&found.path, &root, cwd);
        let index = LineIndex::new(&found.source);
        for finding in &found.findings {
            findings.push(Entry {
                path: path.clone(),
                rule: finding.rule.to_owned(),
                fingerprint: hex(fingerprint(finding, Path::new(&path), &index)),
                line: index.position(finding.primary.span.start).line,
                message: finding.message.clone(),
            });
        }
    }
    findings.sort();
    let count = findings.len();
    let document = Document {
        version: VERSION,
        findings,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("a baseline serializes");
    text.push('\n');
    std::fs::write(cwd.join(file), text)
        .map_err(|error| format!("cannot write the baseline '{}': {error}", file.display()))?;
    Ok(count)
}

fn hex(fingerprint: u64) -> String {
    format!("{fingerprint:016x}")
}

/// The folder of the baseline `file`, absolute.
fn folder_of(file: &Path, cwd: &Path) -> PathBuf {
    let absolute = normalize(&cwd.join(file));
    absolute.parent().map_or(absolute.clone(), Path::to_owned)
}

/// `path` (as a run shows it) relative to `root`, with `/`; absolute when outside it.
fn relative_path(path: &Path, root: &Path, cwd: &Path) -> String {
    let absolute = normalize(&cwd.join(path));
    let relative = absolute.strip_prefix(root).unwrap_or(&absolute);
    crate::report::slash_path(relative)
}
