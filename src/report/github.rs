//! GitHub Actions workflow commands: one `::error` or `::warning` line per finding, which
//! the runner turns into an annotation on the pull request's diff.
//!
//! ```text
//! ::error file=db/inbox.sql,line=3,col=3,endLine=3,endColumn=36,title=idemlint (unchecked-on-conflict)::the UPDATE runs …
//! ```
//!
//! Positions are 1-based; `endColumn` is one past the last character, as in the other
//! formats. Paths are as shown (relative to the working directory), which GitHub resolves
//! against the workspace, so run from the repository root.

use std::io::{self, Write};

use super::position::LineIndex;
use super::{FileFindings, slash_path, trailer_lines};
use crate::finding::{Finding, Severity};

pub fn write(files: &[FileFindings], out: &mut dyn Write) -> io::Result<()> {
    for file in files {
        let index = LineIndex::new(&file.source);
        let path = slash_path(&file.path);
        for finding in &file.findings {
            writeln!(out, "{}", command(finding, &path, &index))?;
        }
    }
    Ok(())
}

fn command(finding: &Finding, path: &str, index: &LineIndex) -> String {
    let span = index.clamp(&finding.primary.span);
    let (start, end) = (index.position(span.start), index.position(span.end));
    let name = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let properties = [
        ("file", path.to_owned()),
        ("line", start.line.to_string()),
        ("col", start.column.to_string()),
        ("endLine", end.line.to_string()),
        ("endColumn", end.column.to_string()),
        ("title", format!("idemlint ({})", finding.rule)),
    ]
    .map(|(key, value)| format!("{key}={}", escape_property(&value)));
    format!(
        "::{name} {}::{}",
        properties.join(","),
        escape_data(&annotation_text(finding, index))
    )
}

/// The message, then every label with its position, then notes, help and fix: an
/// annotation shows only its text and the primary span.
fn annotation_text(finding: &Finding, index: &LineIndex) -> String {
    let mut lines = vec![finding.message.clone()];
    lines.extend(
        std::iter::once(&finding.primary)
            .chain(&finding.secondary)
            .map(|label| match label.file.as_deref() {
                None => format!("{}: {}", index.position(label.span.start), label.message),
                Some(file) => format!(
                    "{}:{}: {}",
                    slash_path(&file.path),
                    LineIndex::new(&file.source).position(label.span.start),
                    label.message
                ),
            }),
    );
    lines.extend(trailer_lines(finding));
    lines.extend(crate::rules::docs_line(finding.rule));
    lines.join("\n")
}

/// The escaping GitHub's runner undoes in a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping GitHub's runner undoes in a command's property values, where `:` would end
/// the properties and `,` would start the next one.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{sample_files, two_files};

    fn render(files: &[FileFindings]) -> String {
        let mut out = Vec::new();
        write(files, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_command_per_finding_by_severity() {
        assert_eq!(
            render(&two_files()),
            "::warning file=app/claim.sql,line=2,col=1,endLine=2,endColumn=23,\
             title=idemlint (unchecked-on-conflict)::\
             the UPDATE runs whether or not the INSERT claimed the message\
             %0A2:1: duplicates are skipped here%0A3:1: but not here\
             %0Afix (unsafe): gate the update on the insert with a CTE\
             %0Asee `idemlint explain unchecked-on-conflict` or https://github.com/idemlint/idemlint/blob/main/rules/unchecked-on-conflict.md\n\
             ::error file=app/claim.sql,line=3,col=44,endLine=3,endColumn=57,\
             title=idemlint (in-progress-reentry)::\
             this completion is not a compare-and-set%0A3:44: no status guard\
             %0Afix (unsafe): complete only a record that is still in progress\
             %0Asee `idemlint explain in-progress-reentry` or https://github.com/idemlint/idemlint/blob/main/rules/in-progress-reentry.md\n\
             ::error file=billing/charge.go,line=4,col=59,endLine=4,endColumn=81,\
             title=idemlint (unchecked-on-conflict)::\
             the outcome of this ON CONFLICT DO NOTHING is never checked\
             %0A4:59: a duplicate inserts nothing, and nothing notices\
             %0A5:9: so this charge runs for duplicates too\
             %0Anote: a retried request takes this path again\
             %0Ahelp: branch on RowsAffected() before the business write\
             %0Afix (safe): return the key and proceed only when a row comes back\
             %0Asee `idemlint explain unchecked-on-conflict` or https://github.com/idemlint/idemlint/blob/main/rules/unchecked-on-conflict.md\n"
        );
    }

    #[test]
    fn properties_and_data_are_escaped() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
        let mut files = sample_files();
        files[0].path = "odd: dir,1/%x.go".into();
        files[0].findings[0].message = "50% of keys:\nlost, twice".to_owned();
        let line = render(&files);
        assert!(
            line.starts_with(
                "::error file=odd%3A dir%2C1/%25x.go,line=4,col=59,endLine=4,endColumn=81,\
                 title=idemlint (unchecked-on-conflict)::50%25 of keys:%0Alost, twice%0A"
            ),
            "{line}"
        );
        assert_eq!(line.matches('\n').count(), 1);
    }
}
