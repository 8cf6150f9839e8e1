//! `--fix`, `--unsafe-fixes` and `--diff`: the fixes of a run's findings, written to the
//! files or shown as a unified diff.

use std::io::{self, Write};
use std::path::Path;

use idemlint::fix::{self, Allowed};
use idemlint::knowledge::Knowledge;
use idemlint::message::Message;
use idemlint::model::FileKind;
use idemlint::rules::Rule;
use idemlint::run::RunResult;

/// What fixing a run's files did.
#[derive(Default)]
pub(super) struct Fixing {
    /// How many findings' fixes were made (or, with `--diff`, would be).
    pub fixed: usize,
    pub files: usize,
    /// How many fixes were left because they are unsafe.
    pub unsafe_left: usize,
    /// Files that could not be written.
    pub messages: Vec<Message>,
}

/// How to fix: which fixes, how many passes, and whether to write or only show them.
pub(super) struct Plan<'a> {
    pub allowed: Allowed,
    pub passes: usize,
    pub write: bool,
    pub rules: &'a [&'static dyn Rule],
    pub knowledge: &'a Knowledge,
}

/// Fixes the files of `outcome`: each is written back (with `plan.write`), or its diff is
/// written to `out`. `kind_of` says what a file is.
pub(super) fn fix_files(
    outcome: &RunResult,
    kind_of: &dyn Fn(&Path) -> Option<FileKind>,
    plan: &Plan,
    out: &mut dyn Write,
) -> io::Result<Fixing> {
    let mut fixing = Fixing::default();
    for file in &outcome.files {
        let Some(kind) = kind_of(&file.path) else {
            continue;
        };
        let fixed = fix::fix_file(
            &file.source,
            kind,
            &file.findings,
            plan.allowed,
            plan.passes,
            (plan.rules, plan.knowledge),
        );
        fixing.unsafe_left += fixed.unsafe_left;
        if fixed.applied == 0 {
            continue;
        }
        if plan.write {
            if let Err(error) = std::fs::write(&file.path, &fixed.text) {
                let text = format!(
                    "cannot write the fixes to '{}': {error}",
                    file.path.display()
                );
                fixing
                    .messages
                    .push(Message::error(file.path.clone(), text));
                continue;
            }
        } else {
            let path = file.path.to_string_lossy();
            write!(
                out,
                "{}",
                fix::unified_diff(&path, &file.source, &fixed.text)
            )?;
        }
        fixing.fixed += fixed.applied;
        fixing.files += 1;
    }
    Ok(fixing)
}

/// The line that says what was fixed, before the summary; `None` when there is nothing
/// to say.
pub(super) fn report_line(fixing: &Fixing, write: bool) -> Option<String> {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = match (fixing.fixed, write) {
        (0, _) => String::new(),
        (n, true) => format!(
            "fixed {} in {}",
            count(n, "problem", "problems"),
            count(fixing.files, "file", "files")
        ),
        (n, false) => format!(
            "would fix {} in {}",
            count(n, "problem", "problems"),
            count(fixing.files, "file", "files")
        ),
    };
    if fixing.unsafe_left > 0 {
        if !line.is_empty() {
            line.push_str("; ");
        }
        line.push_str(&format!(
            "{} unsafe: --unsafe-fixes makes them too",
            count(fixing.unsafe_left, "more fix is", "more fixes are")
        ));
    }
    (!line.is_empty()).then_some(line)
}
