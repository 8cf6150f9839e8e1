//! The documents the client has open: their text as the editor holds it (saved or not),
//! its version, and where their check stands.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::checking::Analysis;
use super::text::{Encoding, TextIndex};
use super::uris::file_path;
use crate::model::{FileKind, FileKinds};

pub struct Document {
    /// The file it is, if its URI names one (`file:`); an unsaved buffer has none.
    pub path: Option<PathBuf>,
    pub language_id: String,
    pub text: Arc<str>,
    pub version: i32,
    /// When to check it next: a while after it last changed, so typing does not start a
    /// check per key.
    pub due: Option<Instant>,
    /// The version a check is running for: one at a time per document, so a slow file's
    /// checks do not pile up; the next starts when it ends.
    pub running: Option<i32>,
    /// The findings of the latest check of its current version.
    pub analysis: Option<Arc<Analysis>>,
}

impl Document {
    pub fn new(uri: &Uri, language_id: String, text: String, version: i32) -> Document {
        Document {
            path: file_path(uri),
            language_id,
            text: text.into(),
            version,
            due: Some(Instant::now()),
            running: None,
            analysis: None,
        }
    }

    /// Applies the client's changes in order: each replaces a range of the text as the
    /// previous one left it, or the whole text.
    pub fn change(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        let mut text = self.text.to_string();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let index = TextIndex::new(&text, encoding);
                    let start = index.offset(range.start);
                    let end = index.offset(range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
        }
        self.text = text.into();
        self.version = version;
        self.analysis = None;
    }

    /// What the document is to idemlint: by its file's extension, else by the language the
    /// editor says it is in; `None` for anything idemlint does not read.
    pub fn kind(&self, file_kinds: &FileKinds) -> Option<FileKind> {
        let by_path = self.path.as_deref().and_then(|path| file_kinds.of(path));
        by_path.or_else(|| {
            let id = self.language_id.as_str();
            FileKind::from_name(id.strip_suffix("react").unwrap_or(id))
        })
    }
}

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents {
    pub open: BTreeMap<Uri, Document>,
}

impl Documents {
    /// Schedules every open document's check now: something they all depend on changed
    /// (a configuration, a saved file their calls may reach).
    pub fn recheck_all(&mut self) {
        let now = Instant::now();
        for document in self.open.values_mut() {
            document.due = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn changes_apply_in_order_to_the_text_each_leaves() {
        let uri: Uri = "file:///tmp/a.sql".parse().unwrap();
        let mut document = Document::new(&uri, "sql".into(), "SELECT 1;\n".into(), 1);
        let edit = |line, from, to, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(line, from),
                Position::new(line, to),
            )),
            range_length: None,
            text: text.to_owned(),
        };
        document.change(
            vec![
                edit(0, 7, 8, "2"),
                edit(0, 0, 0, "-- é\n"),
                edit(1, 7, 8, "3"),
            ],
            2,
            Encoding::Utf16,
        );
        assert_eq!(&*document.text, "-- é\nSELECT 3;\n");
        assert_eq!(document.version, 2);
        assert_eq!(document.path, Some(PathBuf::from("/tmp/a.sql")));
    }

    #[test]
    fn kinds_go_by_extension_then_by_the_editors_language() {
        let kinds = FileKinds::default();
        let of = |uri: &str, language: &str| {
            Document::new(&uri.parse().unwrap(), language.into(), String::new(), 0).kind(&kinds)
        };
        use crate::model::Lang;
        assert_eq!(
            of("file:///a/b.go", "plaintext"),
            Some(FileKind::Code(Lang::Go))
        );
        assert_eq!(
            of("untitled:Untitled-1", "typescriptreact"),
            Some(FileKind::Code(Lang::TypeScript))
        );
        assert_eq!(
            of("untitled:Untitled-2", "markdown"),
            Some(FileKind::Markdown)
        );
        assert_eq!(of("file:///a/notes.txt", "plaintext"), None);
    }
}
