//! The text format: rustc-style diagnostics rendered by codespan-reporting.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{self, SimpleFile};
use codespan_reporting::term::{self, Config, termcolor::Ansi};

use super::position::LineIndex;
use super::{FileFindings, ReportOptions};
use crate::finding::{Edit, Finding, Fix, Severity};

pub fn write(
    files: &[FileFindings],
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let config = Config::default();
    for file in files {
        let index = LineIndex::new(&file.source);
        let shown = SimpleFile::new(file.path.display().to_string(), file.source.as_str());
        for finding in &file.findings {
            let diagnostic = diagnostic(finding, &index);
            let emitted = if options.color {
                term::emit_to_write_style(&mut Ansi::new(&mut *out), &config, &shown, &diagnostic)
            } else {
                term::emit_to_io_write(out, &config, &shown, &diagnostic)
            };
            emitted.map_err(|error| match error {
                files::Error::Io(io_error) => io_error,
                other => io::Error::other(other.to_string()),
            })?;
        }
    }
    Ok(())
}

/// The closing line of a text report: `found 3 problems (2 errors, 1 warning) in 2 files`.
pub fn summary(files: &[FileFindings], files_checked: usize) -> String {
    let findings = files.iter().flat_map(|f| &f.findings);
    let errors = findings
        .clone()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.count() - errors;
    if errors + warnings == 0 {
        return format!(
            "no problems found ({})",
            counted(files_checked, "file checked", "files checked")
        );
    }
    let by_severity: Vec<String> = [
        (errors, "error", "errors"),
        (warnings, "warning", "warnings"),
    ]
    .into_iter()
    .filter(|&(n, _, _)| n > 0)
    .map(|(n, one, many)| counted(n, one, many))
    .collect();
    format!(
        "found {} ({}) in {}",
        counted(errors + warnings, "problem", "problems"),
        by_severity.join(", "),
        counted(files.len(), "file", "files"),
    )
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn diagnostic(finding: &Finding, index: &LineIndex) -> Diagnostic<()> {
    let head = match finding.severity {
        Severity::Error => Diagnostic::error(),
        Severity::Warning => Diagnostic::warning(),
    };
    let primary = Label::primary((), index.clamp(&finding.primary.span))
        .with_message(&finding.primary.message);
    let secondary = finding
        .secondary
        .iter()
        .map(|label| Label::secondary((), index.clamp(&label.span)).with_message(&label.message));
    let mut notes: Vec<String> = finding.notes.iter().map(|n| format!("note: {n}")).collect();
    if !finding.help.is_empty() {
        notes.push(format!("help: {}", finding.help));
    }
    if let Some(fix) = &finding.fix {
        notes.push(fix_note(fix, index));
    }
    head.with_code(finding.rule)
        .with_message(&finding.message)
        .with_labels(std::iter::once(primary).chain(secondary).collect())
        .with_notes(notes)
}

/// `fix: <description>`, then each edit as the text it puts where.
fn fix_note(fix: &Fix, index: &LineIndex) -> String {
    let mut note = format!("fix: {}", fix.description);
    for edit in &fix.edits {
        note.push('\n');
        note.push_str(&edit_line(edit, index));
    }
    note
}

fn edit_line(edit: &Edit, index: &LineIndex) -> String {
    let span = index.clamp(&edit.span);
    let (start, end) = (index.position(span.start), index.position(span.end));
    if edit.replacement.is_empty() {
        return format!("delete {start}-{end}");
    }
    let action = if span.is_empty() {
        format!("insert at {start}:")
    } else {
        format!("replace {start}-{end} with:")
    };
    let replacement: Vec<String> = edit
        .replacement
        .lines()
        .map(|line| format!("    {line}"))
        .collect();
    format!("{action}\n{}", replacement.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{sample_files, two_files};

    fn render(files: &[FileFindings], color: bool) -> String {
        let mut out = Vec::new();
        let options = ReportOptions {
            color,
            ..ReportOptions::default()
        };
        write(files, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn renders_labels_notes_help_and_fix() {
        insta::assert_snapshot!(render(&sample_files(), false));
    }

    #[test]
    fn renders_findings_in_several_files_in_order() {
        insta::assert_snapshot!(render(&two_files(), false));
    }

    #[test]
    fn colors_only_when_asked() {
        let plain = render(&sample_files(), false);
        let colored = render(&sample_files(), true);
        assert!(!plain.contains('\u{1b}'));
        assert!(colored.contains("\u{1b}["));
        assert_eq!(without_ansi_escapes(&colored), plain);
    }

    /// Drops `ESC [ … m` sequences.
    fn without_ansi_escapes(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn edits_say_what_they_delete_insert_or_replace() {
        let index = LineIndex::new("ab\ncd");
        let edit = |span, replacement: &str| Edit {
            span,
            replacement: replacement.to_owned(),
        };
        assert_eq!(edit_line(&edit(1..4, ""), &index), "delete 1:2-2:2");
        assert_eq!(
            edit_line(&edit(2..2, "x\ny"), &index),
            "insert at 1:3:\n    x\n    y"
        );
        assert_eq!(
            edit_line(&edit(3..5, "z"), &index),
            "replace 2:1-2:3 with:\n    z"
        );
    }

    #[test]
    fn summary_counts_problems_by_severity_and_files() {
        assert_eq!(
            summary(&sample_files(), 3),
            "found 1 problem (1 error) in 1 file"
        );
        assert_eq!(
            summary(&two_files(), 5),
            "found 3 problems (2 errors, 1 warning) in 2 files"
        );
        assert_eq!(summary(&[], 1), "no problems found (1 file checked)");
        assert_eq!(summary(&[], 0), "no problems found (0 files checked)");
    }
}
