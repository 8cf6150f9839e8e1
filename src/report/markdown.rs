//! A Markdown report: a heading, the summary line and one table row per finding, for a
//! GitHub step summary (`$GITHUB_STEP_SUMMARY`) or a pull-request comment.

use std::io::{self, Write};

use super::position::LineIndex;
use super::{FileFindings, ReportOptions, slash_path};

pub fn write(
    files: &[FileFindings],
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "### idemlint\n")?;
    writeln!(
        out,
        "{}",
        super::text::summary(files, options.files_checked, options.files_failed)
    )?;
    if files.iter().all(|file| file.findings.is_empty()) {
        return Ok(());
    }
    writeln!(out, "\n| severity | rule | location | message |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    for file in files {
        let index = LineIndex::new(&file.source);
        let path = slash_path(&file.path);
        for finding in &file.findings {
            let at = index.position(finding.primary.span.start);
            let rule = match crate::rules::meta_by_name(finding.rule) {
                Some(meta) => format!("[`{}`]({})", finding.rule, meta.url()),
                None => format!("`{}`", finding.rule),
            };
            writeln!(
                out,
                "| {} | {rule} | {} | {} |",
                finding.severity.name(),
                cell(&format!("{path}:{at}")),
                cell(&finding.message)
            )?;
        }
    }
    Ok(())
}

/// `text` made safe inside a table cell: no row-ending newline, no column-ending `|`, and
/// no HTML (`Option<T>` must not become a tag).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push(' '),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::two_files;

    fn render(files: &[FileFindings], files_checked: usize) -> String {
        let options = ReportOptions {
            files_checked,
            ..ReportOptions::default()
        };
        let mut out = Vec::new();
        write(files, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_row_per_finding_under_the_summary() {
        assert_eq!(
            render(&two_files(), 4),
            "### idemlint

found 3 problems (2 errors, 1 warning) in 2 of 4 files

| severity | rule | location | message |
| --- | --- | --- | --- |
| warning | [`unchecked-on-conflict`](https://github.com/idemlint/idemlint/blob/main/rules/unchecked-on-conflict.md) | app/claim.sql:2:1 | the UPDATE runs whether or not the INSERT claimed the message |
| error | [`in-progress-reentry`](https://github.com/idemlint/idemlint/blob/main/rules/in-progress-reentry.md) | app/claim.sql:3:44 | this completion is not a compare-and-set |
| error | [`unchecked-on-conflict`](https://github.com/idemlint/idemlint/blob/main/rules/unchecked-on-conflict.md) | billing/charge.go:4:59 | the outcome of this ON CONFLICT DO NOTHING is never checked |
"
        );
    }

    #[test]
    fn no_findings_is_only_the_summary() {
        assert_eq!(
            render(&[], 2),
            "### idemlint\n\nno problems found in 2 files\n"
        );
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(
            cell("a|b\r\nOption<T> & co"),
            "a\\|b Option&lt;T&gt; &amp; co"
        );
    }
}
