//! Findings as the protocol's diagnostics: the rule as the code and its page as the code's
//! description, the summary with what is wrong here, the notes and the help as the
//! message, the secondary labels (in other files too) as related information; a parse
//! note as a hint.

use std::path::Path;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Position, Range, Uri,
};

use super::text::{Encoding, TextIndex};
use super::uris::file_uri;
use crate::finding::{Finding, Label, Severity};
use crate::rules::{self, UNUSED_SUPPRESSION};
use crate::run::DocumentCheck;

pub const SOURCE: &str = "idemlint";

/// Where a document is: its URI, and the file it is (an unsaved buffer's is its name).
pub struct Place<'a> {
    pub uri: &'a Uri,
    pub path: &'a Path,
}

/// The diagnostics of a check of `text`, the document at `place`: the findings' in their
/// order, then the parse notes', then a failure's.
pub fn of_check(
    check: &DocumentCheck,
    text: &str,
    place: &Place,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    let index = TextIndex::new(text, encoding);
    let findings =
        (check.findings.iter()).map(|finding| of_finding(finding, &index, place, encoding));
    let notes = check.notes.iter().map(|note| Diagnostic {
        range: index.range(&note.span),
        severity: Some(DiagnosticSeverity::HINT),
        source: Some(SOURCE.to_owned()),
        message: note.message.clone(),
        ..Diagnostic::default()
    });
    let failure = check.failure.iter().map(|failure| Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::WARNING),
        source: Some(SOURCE.to_owned()),
        message: format!("idemlint could not check this file: {failure}"),
        ..Diagnostic::default()
    });
    findings.chain(notes).chain(failure).collect()
}

pub fn of_finding(
    finding: &Finding,
    index: &TextIndex,
    place: &Place,
    encoding: Encoding,
) -> Diagnostic {
    let mut message = finding.message.clone();
    let said = [finding.primary.message.as_str()].into_iter();
    let notes = finding.notes.iter().map(|note| format!("note: {note}"));
    let help = (!finding.help.is_empty()).then(|| format!("help: {}", finding.help));
    for line in (said.map(str::to_owned)).chain(notes).chain(help) {
        if !line.is_empty() {
            message.push('\n');
            message.push_str(&line);
        }
    }
    let related: Vec<DiagnosticRelatedInformation> = (finding.secondary.iter())
        .filter_map(|label| related(label, index, place, encoding))
        .collect();
    let href = rules::meta_by_name(finding.rule).and_then(|meta| meta.url().parse().ok());
    Diagnostic {
        range: index.range(&finding.primary.span),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(finding.rule.to_owned())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        // A suppression that suppresses nothing is code to remove: editors fade it.
        tags: (finding.rule == UNUSED_SUPPRESSION.name).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// A secondary label where it is: in the document, or in another file of the project.
fn related(
    label: &Label,
    index: &TextIndex,
    place: &Place,
    encoding: Encoding,
) -> Option<DiagnosticRelatedInformation> {
    let (uri, range) = match &label.file {
        None => (place.uri.clone(), index.range(&label.span)),
        Some(other) => {
            // Shown relative to the document's file when that was given so.
            let folder = place.path.parent().unwrap_or(Path::new("/"));
            let other_path = folder.join(&other.path);
            let other_index = TextIndex::new(&other.source, encoding);
            (file_uri(&other_path)?, other_index.range(&label.span))
        }
    };
    Some(DiagnosticRelatedInformation {
        location: Location::new(uri, range),
        message: label.message.clone(),
    })
}
