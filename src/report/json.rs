//! The JSON format, version 1. The schema is documented in docs/json-schema.md; a change
//! that removes or renames a field, or changes a field's meaning, bumps [`VERSION`].

use std::io::{self, Write};

use serde::Serialize;

use super::position::{LineIndex, Position};
use super::{FileFindings, slash_path};
use crate::finding::{Applicability, Finding, Severity};
use crate::model::Span;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: &'static str,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    path: String,
    #[serde(flatten)]
    location: Location,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

/// Where a span is: line/column positions for people, byte offsets for tools.
#[derive(Serialize)]
struct Location {
    start: Position,
    end: Position,
    span: ByteSpan,
}

#[derive(Serialize)]
struct ByteSpan {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    primary: bool,
    message: &'a str,
    /// Only for a label in another file than the finding's (a callee's).
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(flatten)]
    location: Location,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    location: Location,
    replacement: &'a str,
}

pub fn write(files: &[FileFindings], out: &mut dyn Write) -> io::Result<()> {
    let findings = files
        .iter()
        .flat_map(|file| {
            let index = LineIndex::new(&file.source);
            let path = slash_path(&file.path);
            file.findings
                .iter()
                .map(move |finding| json_finding(finding, path.clone(), &index))
                .collect::<Vec<_>>()
        })
        .collect();
    let document = Document {
        version: VERSION,
        tool: "idemlint",
        findings,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn json_finding<'a>(finding: &'a Finding, path: String, index: &LineIndex) -> JsonFinding<'a> {
    let primary = JsonLabel {
        primary: true,
        message: &finding.primary.message,
        path: None,
        location: location(&finding.primary.span, index),
    };
    let secondary = finding
        .secondary
        .iter()
        .map(|label| match label.file.as_deref() {
            None => JsonLabel {
                primary: false,
                message: &label.message,
                path: None,
                location: location(&label.span, index),
            },
            Some(file) => JsonLabel {
                primary: false,
                message: &label.message,
                path: Some(slash_path(&file.path)),
                location: location(&label.span, &LineIndex::new(&file.source)),
            },
        });
    JsonFinding {
        rule: finding.rule,
        severity: finding.severity,
        message: &finding.message,
        path,
        location: location(&finding.primary.span, index),
        labels: std::iter::once(primary).chain(secondary).collect(),
        notes: &finding.notes,
        help: Some(finding.help.as_str()).filter(|help| !help.is_empty()),
        fix: finding.fix.as_ref().map(|fix| JsonFix {
            description: &fix.description,
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|edit| JsonEdit {
                    location: location(&edit.span, index),
                    replacement: &edit.replacement,
                })
                .collect(),
        }),
    }
}

fn location(span: &Span, index: &LineIndex) -> Location {
    let span = index.clamp(span);
    Location {
        start: index.position(span.start),
        end: index.position(span.end),
        span: ByteSpan {
            start: span.start,
            end: span.end,
        },
    }
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
    fn renders_every_part_of_a_finding() {
        insta::assert_snapshot!(render(&sample_files()));
    }

    #[test]
    fn lists_findings_of_all_files_in_order() {
        let document: serde_json::Value = serde_json::from_str(&render(&two_files())).unwrap();
        let summary: Vec<(String, String, u64)> = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_owned(),
                    f["severity"].as_str().unwrap().to_owned(),
                    f["start"]["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("app/claim.sql".to_owned(), "warning".to_owned(), 2),
                ("app/claim.sql".to_owned(), "error".to_owned(), 3),
                ("billing/charge.go".to_owned(), "error".to_owned(), 4),
            ]
        );
        assert_eq!(document["findings"][1]["help"], serde_json::Value::Null);
        assert_eq!(document["findings"][1]["notes"], serde_json::json!([]));
    }

    #[test]
    fn an_empty_run_is_a_document_with_no_findings() {
        assert_eq!(
            render(&[]),
            "{\n  \"version\": 1,\n  \"tool\": \"idemlint\",\n  \"findings\": []\n}\n"
        );
    }
}
