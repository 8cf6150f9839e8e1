//! Report formats: each turns the findings of a run into bytes on a writer.
//!
//! Every format reads the same [`FileFindings`] and computes positions with the shared
//! [`position::LineIndex`], so a finding sits on the same line and column in all of them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::finding::{Finding, Fix};

pub mod fingerprint;
pub mod github;
pub mod json;
pub mod markdown;
pub mod position;
pub mod sarif;
pub mod text;

/// The output formats of `idemlint check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source excerpts.
    Text,
    /// The versioned JSON document described in docs/json-schema.md.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
    /// A Markdown table, for a GitHub step summary or a pull-request comment.
    Markdown,
}

/// The findings in one file, with the text they point into.
#[derive(Debug, Clone)]
pub struct FileFindings {
    /// The path as shown to the user: as given, relative to the working directory.
    pub path: PathBuf,
    pub source: String,
    /// Sorted by position.
    pub findings: Vec<Finding>,
}

/// What a format needs to know besides the findings.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Whether the text format may write ANSI colour codes.
    pub color: bool,
    /// The absolute directory relative paths are resolved against (SARIF's `%SRCROOT%`).
    pub root: Option<PathBuf>,
    /// How many files were checked, for the formats that say so.
    pub files_checked: usize,
    /// How many files could not be checked (unreadable, or an error while checking them).
    pub files_failed: usize,
}

/// Writes `files` (sorted by path) in `format`.
pub fn write(
    format: Format,
    files: &[FileFindings],
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(files, options, out),
        Format::Json => json::write(files, out),
        Format::Sarif => sarif::write(files, options, out),
        Format::Github => github::write(files, out),
        Format::Markdown => markdown::write(files, options, out),
    }
}

/// The finding's notes, help and fix description, one per line, for the formats that show
/// a finding as one block of text (a code-scanning alert, an annotation).
pub(crate) fn trailer_lines(finding: &Finding) -> Vec<String> {
    let mut lines: Vec<String> = finding
        .notes
        .iter()
        .map(|note| format!("note: {note}"))
        .collect();
    if !finding.help.is_empty() {
        lines.push(format!("help: {}", finding.help));
    }
    if let Some(fix) = &finding.fix {
        lines.push(fix_line(fix));
    }
    lines
}

/// `fix (unsafe): <description>`: whether the fix needs review, before what it does.
pub(crate) fn fix_line(fix: &Fix) -> String {
    format!("fix ({}): {}", fix.applicability.name(), fix.description)
}

/// A path as text, with `/` between components whatever the platform uses.
pub(crate) fn slash_path(path: &Path) -> String {
    path.to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/")
}

/// Hand-built findings shared by the format tests: the front-ends and rules are tested on
/// their own, the formats only need findings with every part filled in.
#[cfg(test)]
pub(crate) mod tests {
    use super::FileFindings;
    use crate::finding::{Applicability, Edit, Finding, Fix, Label, Severity};
    use crate::model::Span;

    const CHARGE_GO: &str = "package billing

func Charge(ctx context.Context, db *sql.DB, key string) error {
\tdb.ExecContext(ctx, `INSERT INTO reçus (key) VALUES ($1) ON CONFLICT DO NOTHING`, key)
\treturn provider.Charge(ctx, key)
}
";

    // idemlint-ignore: unchecked-on-conflict -- sample text for the formats, never run
    const CLAIM_SQL: &str = "INSERT INTO inbox (message_id) VALUES ($1)
ON CONFLICT DO NOTHING;
UPDATE accounts SET balance = balance + $2 WHERE id = $3;
";

    /// The byte span of the first `needle` in `source`.
    pub(crate) fn span_of(source: &str, needle: &str) -> Span {
        let start = source.find(needle).expect("needle is in the source");
        start..start + needle.len()
    }

    fn charge_finding() -> Finding {
        let on_conflict = span_of(CHARGE_GO, "ON CONFLICT DO NOTHING");
        Finding::new(
            "unchecked-on-conflict",
            "the outcome of this ON CONFLICT DO NOTHING is never checked",
            Label::new(
                on_conflict.clone(),
                "a duplicate inserts nothing, and nothing notices",
            ),
        )
        .with_secondary(Label::new(
            span_of(CHARGE_GO, "provider.Charge(ctx, key)"),
            "so this charge runs for duplicates too",
        ))
        .with_note("a retried request takes this path again")
        .with_help("branch on RowsAffected() before the business write")
        .with_fix(Fix {
            description: "return the key and proceed only when a row comes back".to_owned(),
            edits: vec![Edit {
                span: on_conflict,
                replacement: "ON CONFLICT DO NOTHING RETURNING key".to_owned(),
            }],
            applicability: Applicability::Safe,
        })
    }

    /// One Go file with one finding that has every part: secondary label, note, help, fix.
    pub(crate) fn sample_files() -> Vec<FileFindings> {
        vec![FileFindings {
            path: "billing/charge.go".into(),
            source: CHARGE_GO.to_owned(),
            findings: vec![charge_finding()],
        }]
    }

    /// Two files, sorted by path: a SQL file with a warning (multi-line secondary label,
    /// multi-line replacement) and a bare error (an insertion, nothing else), then the Go file.
    pub(crate) fn two_files() -> Vec<FileFindings> {
        let mut unguarded = Finding::new(
            "unchecked-on-conflict",
            "the UPDATE runs whether or not the INSERT claimed the message",
            Label::new(
                span_of(CLAIM_SQL, "ON CONFLICT DO NOTHING"),
                "duplicates are skipped here",
            ),
        )
        .with_secondary(Label::new(
            span_of(
                CLAIM_SQL,
                "UPDATE accounts SET balance = balance + $2 WHERE id = $3",
            ),
            "but not here",
        ))
        .with_fix(Fix {
            description: "gate the update on the insert with a CTE".to_owned(),
            edits: vec![Edit {
                span: 0..CLAIM_SQL.len() - 1,
                replacement: "WITH fresh AS (
  INSERT INTO inbox (message_id) VALUES ($1)
  ON CONFLICT DO NOTHING RETURNING message_id
)
UPDATE accounts SET balance = balance + $2 WHERE id = $3
  AND EXISTS (SELECT 1 FROM fresh);"
                    .to_owned(),
            }],
            applicability: Applicability::Unsafe,
        });
        unguarded.severity = Severity::Warning;
        let where_id = span_of(CLAIM_SQL, "WHERE id = $3");
        let unguarded_completion = Finding::new(
            "in-progress-reentry",
            "this completion is not a compare-and-set",
            Label::new(where_id.clone(), "no status guard"),
        )
        .with_fix(Fix {
            description: "complete only a record that is still in progress".to_owned(),
            edits: vec![Edit {
                span: where_id.end..where_id.end,
                replacement: " AND status = 'in_progress'".to_owned(),
            }],
            applicability: Applicability::Unsafe,
        });
        let mut files = vec![FileFindings {
            path: "app/claim.sql".into(),
            source: CLAIM_SQL.to_owned(),
            findings: vec![unguarded, unguarded_completion],
        }];
        files.extend(sample_files());
        files
    }
}
