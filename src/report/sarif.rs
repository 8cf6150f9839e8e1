//! SARIF 2.1.0, for code-scanning tools (GitHub code scanning, IDE viewers).
//!
//! Paths are URIs relative to `%SRCROOT%` (the working directory, given in
//! `originalUriBaseIds`); columns count Unicode code points, as `columnKind` says.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use super::fingerprint::fingerprint;
use super::position::LineIndex;
use super::{FileFindings, ReportOptions, slash_path, trailer_lines};
use crate::finding::{Finding, Fix, Severity};
use crate::model::Span;
use crate::rules::{self, RuleMeta};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key of idemlint's own fingerprint; its suffix changes if the hashed parts ever do.
const FINGERPRINT_KEY: &str = "idemlint/v1";

pub fn write(
    files: &[FileFindings],
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let registry: Vec<&RuleMeta> = rules::all_meta().collect();
    let document = document(files, &registry, options.root.as_deref());
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn document(files: &[FileFindings], registry: &[&RuleMeta], root: Option<&Path>) -> Value {
    let results: Vec<Value> = files
        .iter()
        .flat_map(|file| file_results(file, registry))
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "idemlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": registry.iter().map(|meta| rule_descriptor(meta)).collect::<Vec<_>>(),
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = root {
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": format!("{}/", file_uri(root)) } });
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.name,
        "name": pascal_case(meta.name),
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": first_paragraph(meta.doc).unwrap_or_else(|| meta.summary.to_owned()) },
        "help": { "text": meta.doc, "markdown": meta.doc },
        "helpUri": meta.url(),
        "defaultConfiguration": { "level": level(meta.default_severity) },
    })
}

/// `unchecked-on-conflict` as `UncheckedOnConflict`: SARIF wants a rule's `name` to differ
/// from its `id`.
fn pascal_case(name: &str) -> String {
    name.split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// The first paragraph of a rule page that is prose (not a heading, nor a
/// `**Default level:** error` line), joined into one line.
fn first_paragraph(doc: &str) -> Option<String> {
    let mut lines = doc.lines().map(str::trim).peekable();
    loop {
        while lines.next_if(|line| line.is_empty()).is_some() {}
        let first = *lines.peek()?;
        let paragraph: Vec<&str> = lines.by_ref().take_while(|line| !line.is_empty()).collect();
        if !first.starts_with('#') && !first.starts_with("**") {
            return Some(paragraph.join(" "));
        }
    }
}

fn file_results(file: &FileFindings, registry: &[&RuleMeta]) -> Vec<Value> {
    let index = LineIndex::new(&file.source);
    let artifact = artifact_location(&file.path);
    let mut occurrences: HashMap<u64, usize> = HashMap::new();
    file.findings
        .iter()
        .map(|finding| {
            let hash = fingerprint(finding, &file.path, &index);
            let occurrence = occurrences.entry(hash).or_default();
            *occurrence += 1;
            let mut result = json!({
                "ruleId": finding.rule,
                "level": level(finding.severity),
                "message": { "text": message_text(finding) },
                "locations": [{
                    "physicalLocation": physical_location(&artifact, &finding.primary.span, &index),
                    "message": { "text": finding.primary.message },
                }],
                "partialFingerprints": { FINGERPRINT_KEY: format!("{hash:016x}:{occurrence}") },
            });
            if let Some(rule_index) = registry.iter().position(|meta| meta.name == finding.rule) {
                result["ruleIndex"] = json!(rule_index);
            }
            if !finding.secondary.is_empty() {
                result["relatedLocations"] = finding
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": match label.file.as_deref() {
                                None => physical_location(&artifact, &label.span, &index),
                                Some(file) => physical_location(
                                    &artifact_location(&file.path),
                                    &label.span,
                                    &LineIndex::new(&file.source),
                                ),
                            },
                            "message": { "text": label.message },
                        })
                    })
                    .collect();
            }
            if let Some(fix) = finding.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
                result["fixes"] = json!([sarif_fix(fix, &artifact, &index)]);
            }
            result
        })
        .collect()
}

/// The finding's message, a link to each related location (`[label](id)`, which code
/// scanning shows as a link to that line), then its notes, help and fix, one per line, as a
/// code-scanning alert shows no other part of them. Square brackets that are not links are
/// escaped, as SARIF requires in a message with links.
fn message_text(finding: &Finding) -> String {
    let mut lines = vec![escape_brackets(&finding.message)];
    lines.extend(
        (finding.secondary.iter().enumerate())
            .map(|(i, label)| format!("[{}]({})", escape_brackets(&label.message), i + 1)),
    );
    lines.extend(
        trailer_lines(finding)
            .iter()
            .map(|line| escape_brackets(line)),
    );
    lines.join("\n")
}

fn escape_brackets(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// SARIF's fix object has no field for applicability: it goes in the fix's property bag
/// (SARIF 2.1.0 §3.8), under the name and with the values the JSON format uses.
fn sarif_fix(fix: &Fix, artifact: &Value, index: &LineIndex) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|edit| {
            json!({
                "deletedRegion": region(&edit.span, index),
                "insertedContent": { "text": edit.replacement },
            })
        })
        .collect();
    json!({
        "description": { "text": fix.description },
        "artifactChanges": [{ "artifactLocation": artifact, "replacements": replacements }],
        "properties": { "applicability": fix.applicability },
    })
}

fn physical_location(artifact: &Value, span: &Span, index: &LineIndex) -> Value {
    json!({ "artifactLocation": artifact, "region": region(span, index) })
}

/// A text region; `endColumn` is one past the last character, as SARIF defines it.
fn region(span: &Span, index: &LineIndex) -> Value {
    let span = index.clamp(span);
    let (start, end) = (index.position(span.start), index.position(span.end));
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn artifact_location(path: &Path) -> Value {
    if path.is_absolute() {
        json!({ "uri": file_uri(path) })
    } else {
        json!({ "uri": percent_encode(&slash_path(path)), "uriBaseId": SRCROOT })
    }
}

fn file_uri(absolute: &Path) -> String {
    let path = slash_path(absolute);
    let rooted = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}", percent_encode(&rooted))
}

/// Escapes every byte of `path` that may not stand as-is in a URI path (RFC 3986
/// unreserved characters and `/` stay).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{sample_files, span_of, two_files};

    static TEST_RULES: &[&RuleMeta] = &[
        &RuleMeta {
            name: "unchecked-on-conflict",
            summary: "an ON CONFLICT DO NOTHING dedup whose outcome is never checked",
            default_severity: Severity::Error,
            langs: &[crate::model::Lang::Sql],
            doc: "# unchecked-on-conflict\n\nThe insert skips duplicates,\nthe write after it does not.\n\n## Fix\n\nBranch on it.\n",
        },
        &RuleMeta {
            name: "in-progress-reentry",
            summary: "a request proceeds on an in-progress idempotency record",
            default_severity: Severity::Warning,
            langs: &[crate::model::Lang::Sql],
            doc: "# in-progress-reentry\n",
        },
    ];

    fn render(files: &[FileFindings]) -> String {
        let document = document(files, TEST_RULES, Some(Path::new("/work/my project")));
        serde_json::to_string_pretty(&document).unwrap()
    }

    #[test]
    fn renders_rules_results_related_locations_and_fixes() {
        insta::assert_snapshot!(render(&two_files()));
    }

    #[test]
    fn the_registry_is_listed_with_the_crate_version() {
        let mut out = Vec::new();
        write(&[], &ReportOptions::default(), &mut out).unwrap();
        let document: Value = serde_json::from_slice(&out).unwrap();
        let driver = &document["runs"][0]["tool"]["driver"];
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| rule["id"].as_str().unwrap())
            .collect();
        let registry: Vec<&str> = rules::all_meta().map(|meta| meta.name).collect();
        assert_eq!(ids, registry);
        assert_eq!(ids.last(), Some(&"unused-suppression"));
        assert_eq!(document["runs"][0]["results"], json!([]));
        assert!(document["runs"][0].get("originalUriBaseIds").is_none());
    }

    #[test]
    fn fingerprints_ignore_line_moves_but_not_the_flagged_text() {
        let fingerprint_of = |source: &str, flagged: &str| {
            let file = FileFindings {
                path: "a.sql".into(),
                source: source.to_owned(),
                findings: vec![Finding::new(
                    "unchecked-on-conflict",
                    "unchecked",
                    crate::finding::Label::new(span_of(source, flagged), "here"),
                )],
            };
            let results = file_results(&file, TEST_RULES);
            results[0]["partialFingerprints"][FINGERPRINT_KEY].clone()
        };
        let original = fingerprint_of("INSERT ... DO NOTHING;", "DO NOTHING");
        let moved_and_reindented = fingerprint_of(
            "\n-- new\nINSERT ...\n    DO\n    NOTHING;",
            "DO\n    NOTHING",
        );
        let other_text = fingerprint_of("INSERT ... DO UPDATE SET n = 1;", "DO UPDATE SET n = 1");
        assert_eq!(original, moved_and_reindented);
        assert_ne!(original, other_text);
    }

    #[test]
    fn identical_findings_get_distinct_fingerprints() {
        let mut files = sample_files();
        let copy = files[0].findings[0].clone();
        files[0].findings.push(copy);
        let results = file_results(&files[0], TEST_RULES);
        let first = results[0]["partialFingerprints"][FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        let second = results[1]["partialFingerprints"][FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert_eq!(
            first.split_once(':').unwrap().0,
            second.split_once(':').unwrap().0
        );
        assert!(first.ends_with(":1") && second.ends_with(":2"));
    }

    #[test]
    fn messages_link_related_locations_and_escape_other_brackets() {
        let mut files = sample_files();
        files[0].findings[0].help = "sleep a random duration in [0, cap] (see a\\b)".to_owned();
        let results = file_results(&files[0], TEST_RULES);
        assert_eq!(
            results[0]["message"]["text"],
            "the outcome of this ON CONFLICT DO NOTHING is never checked\n\
             [so this charge runs for duplicates too](1)\n\
             note: a retried request takes this path again\n\
             help: sleep a random duration in \\[0, cap\\] (see a\\\\b)\n\
             fix (safe): return the key and proceed only when a row comes back"
        );
        assert_eq!(results[0]["relatedLocations"][0]["id"], 1);
    }

    #[test]
    fn uris_are_escaped_and_absolute_paths_are_file_uris() {
        assert_eq!(
            artifact_location(Path::new("src/my file#1.go")),
            json!({ "uri": "src/my%20file%231.go", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location(Path::new("/tmp/é.sql")),
            json!({ "uri": "file:///tmp/%C3%A9.sql" })
        );
    }

    #[test]
    fn full_description_is_the_first_paragraph_of_the_page() {
        assert_eq!(
            first_paragraph(TEST_RULES[0].doc).as_deref(),
            Some("The insert skips duplicates, the write after it does not.")
        );
        assert_eq!(first_paragraph(TEST_RULES[1].doc), None);
        assert_eq!(
            first_paragraph("# r\n**Default level:** error\n\n## Summary\n\n\nA\nhazard.\n\nMore.")
                .as_deref(),
            Some("A hazard.")
        );
    }
}
