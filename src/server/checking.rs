//! A document's check, run on a worker thread: the engine's `check_document` with the
//! document's settings, and its findings turned into the protocol's diagnostics while the
//! text they index is at hand.

use std::path::PathBuf;
use std::sync::Arc;

use lsp_types::{Diagnostic, Uri};

use super::diagnostics::{self, Place};
use super::text::Encoding;
use super::workspace::Settings;
use crate::finding::Finding;
use crate::model::FileKind;
use crate::run::{self, CheckOptions};

/// One document's version, to check.
pub struct Job {
    pub uri: Uri,
    pub version: i32,
    /// The file it is; `None`, an unsaved buffer, checked as `name` without the files
    /// around it.
    pub path: Option<PathBuf>,
    pub text: Arc<str>,
    pub kind: FileKind,
    pub settings: Arc<Settings>,
    /// The workspace folder that holds the document: calls are followed within it.
    pub project_root: Option<PathBuf>,
    pub encoding: Encoding,
}

/// What the check of one version of a document found.
pub struct Analysis {
    pub uri: Uri,
    pub version: i32,
    /// The text checked, which the findings' spans index.
    pub text: Arc<str>,
    pub findings: Vec<Finding>,
    /// Those of the findings, in their order, then those of the parse notes and of a
    /// failure.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// A check that could not be made: one diagnostic at the top says why.
    pub fn failed(uri: Uri, version: i32, text: Arc<str>, why: &str) -> Analysis {
        let check = run::DocumentCheck {
            failure: Some(why.to_owned()),
            ..run::DocumentCheck::default()
        };
        let path = PathBuf::from(uri.path().as_str());
        let place = Place {
            uri: &uri,
            path: &path,
        };
        let diagnostics = diagnostics::of_check(&check, &text, &place, Encoding::Utf16);
        Analysis {
            uri,
            version,
            text,
            findings: Vec::new(),
            diagnostics,
        }
    }
}

impl Job {
    pub fn run(self) -> Analysis {
        let settings = &*self.settings;
        let options = CheckOptions {
            rules: &settings.rules,
            knowledge: &settings.knowledge,
            kind: Some(self.kind),
            file_kinds: &settings.config.file_kinds,
            levels: &settings.levels,
            test_code: &settings.config.test_code,
            exclude: &settings.config.exclude,
            exclude_named: true,
            changed: None,
            max_file_size: run::DEFAULT_MAX_FILE_SIZE,
            threads: 1,
            prefilter: None,
            verbose: false,
            project_root: self.project_root.as_deref(),
            progress: None,
        };
        let name = PathBuf::from(self.uri.path().as_str());
        let path = self.path.as_deref().unwrap_or(&name);
        let in_project = self.path.is_some();
        let check = run::check_document(path, in_project, &self.text, self.kind, &options);
        let place = Place {
            uri: &self.uri,
            path,
        };
        let diagnostics = diagnostics::of_check(&check, &self.text, &place, self.encoding);
        Analysis {
            uri: self.uri,
            version: self.version,
            text: self.text,
            findings: check.findings,
            diagnostics,
        }
    }
}
