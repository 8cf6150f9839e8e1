//! Quick fixes for the findings under the cursor: each finding's fix (preferred when it is
//! safe), and a suppression with a reason to fill in, as a comment in the language's
//! syntax above the line it covers.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Range, TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use super::checking::Analysis;
use super::text::{Encoding, TextIndex};
use crate::finding::{Applicability, Edit};

/// How the client takes a workspace edit.
#[derive(Clone, Copy)]
pub struct EditStyle {
    pub encoding: Encoding,
    /// As `documentChanges`, each with the version of the text it edits, so the client
    /// refuses an edit of a text since changed (what rust-analyzer sends); else as
    /// `changes`.
    pub versioned: bool,
}

/// The code actions for the findings of `analysis` whose range meets `range`, of the
/// kinds in `only` (all, without it).
pub fn for_range(
    analysis: &Analysis,
    range: Range,
    only: Option<&[CodeActionKind]>,
    style: EditStyle,
) -> Vec<CodeActionOrCommand> {
    // A kind asked for covers its own subkinds (`quickfix` asks for `quickfix.x`).
    let quickfix = CodeActionKind::QUICKFIX;
    let quick_fixes_wanted = only.is_none_or(|kinds| {
        kinds.iter().any(|kind| {
            let wanted = kind.as_str();
            quickfix.as_str() == wanted || quickfix.as_str().starts_with(&format!("{wanted}."))
        })
    });
    if !quick_fixes_wanted {
        return Vec::new();
    }
    let index = TextIndex::new(&analysis.text, style.encoding);
    let mut actions = Vec::new();
    // The first diagnostics are the findings', in their order.
    for (finding, diagnostic) in analysis.findings.iter().zip(&analysis.diagnostics) {
        if !meets(diagnostic.range, range) {
            continue;
        }
        let action = |title: String, edits: &[&Edit], preferred: bool| {
            CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(workspace_edit(analysis, &index, edits, style.versioned)),
                is_preferred: preferred.then_some(true),
                ..CodeAction::default()
            })
        };
        if let Some(fix) = finding.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
            let safe = fix.applicability == Applicability::Safe;
            let review = if safe {
                ""
            } else {
                " (review: changes behaviour)"
            };
            let title = format!("{}: {}{review}", finding.rule, fix.description);
            let edits: Vec<&Edit> = fix.edits.iter().collect();
            actions.push(action(title, &edits, safe));
        }
        if let Some(suppression) = &finding.suppression {
            let title = format!("{}: suppress here, with a reason", finding.rule);
            actions.push(action(title, &[suppression], false));
        }
    }
    actions
}

/// Whether two ranges share a position (a cursor at either end of a finding meets it).
fn meets(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn workspace_edit(
    analysis: &Analysis,
    index: &TextIndex,
    edits: &[&Edit],
    versioned: bool,
) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = edits
        .iter()
        .map(|edit| TextEdit::new(index.range(&edit.span), edit.replacement.clone()))
        .collect();
    if versioned {
        let document = TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: analysis.uri.clone(),
                version: Some(analysis.version),
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        };
        return WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![document])),
            ..WorkspaceEdit::default()
        };
    }
    WorkspaceEdit {
        changes: Some(HashMap::from([(analysis.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}
