//! What a rule reports: a rustc-style diagnostic with a fix.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::model::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with what it says about the code there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The file the span is in, when it is not the finding's own: a callee defined in
    /// another file of the project (see [`crate::project`]).
    #[serde(skip)]
    pub file: Option<Arc<OtherFile>>,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
            file: None,
        }
    }
}

/// Another file of the project a label points into, with its text for the formats that
/// show or locate the span.
#[derive(Debug, PartialEq, Eq)]
pub struct OtherFile {
    /// As shown to the user: relative to the finding's file as it was given.
    pub path: PathBuf,
    pub source: Arc<str>,
}

/// A text replacement in the file the finding is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// Whether a fix may be applied without review, as ruff's and clippy's fixes say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change what correct code does: it only closes the hazard.
    Safe,
    /// Changes behaviour the author must review: what a statement returns or when it
    /// matches, which the code around it may need to branch on.
    Unsafe,
}

impl Applicability {
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// How to close the hazard: always described, with the edits where a text edit makes the
/// change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// One hazard found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The one-line summary of what is wrong.
    pub message: String,
    /// Where it is wrong, and what is wrong there.
    pub primary: Label,
    /// Why: the places that make it wrong (the read that opened the race, the growth).
    pub secondary: Vec<Label>,
    /// Extra facts (`note: FOR UPDATE locks no row that does not exist yet`).
    pub notes: Vec<String>,
    pub help: String,
    pub fix: Option<Fix>,
    /// The comment line that suppresses it (`// idemlint-ignore: RULE -- `), inserted where
    /// a suppression covers it: an editor's quick action. The engine fills it in after the
    /// rules have run; `None` for a finding about a suppression itself.
    pub suppression: Option<Edit>,
}

impl Finding {
    pub fn new(rule: &'static str, message: impl Into<String>, primary: Label) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: String::new(),
            fix: None,
            suppression: None,
        }
    }

    pub fn with_secondary(mut self, label: Label) -> Finding {
        self.secondary.push(label);
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Finding {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = help.into();
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    /// The same finding with every span (labels and fix edits) moved `by` bytes further
    /// into the file: for a snippet checked apart from the file that holds it.
    pub fn shifted(mut self, by: usize) -> Finding {
        let moved = |span: &Span| span.start + by..span.end + by;
        self.primary.span = moved(&self.primary.span);
        for label in self.secondary.iter_mut().filter(|l| l.file.is_none()) {
            label.span = moved(&label.span);
        }
        let edits = self.fix.iter_mut().flat_map(|fix| fix.edits.iter_mut());
        for edit in edits.chain(self.suppression.as_mut()) {
            edit.span = moved(&edit.span);
        }
        self
    }
}
