//! The text format: rustc-style diagnostics rendered by codespan-reporting.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{self, Files, Location, SimpleFile};
use codespan_reporting::term::{self, Config, termcolor::Ansi};

use super::position::LineIndex;
use super::{FileFindings, ReportOptions, fix_line};
use crate::finding::{Edit, Finding, Fix, OtherFile, Severity};

/// Lines longer than this (minified or generated code) are cut down, in a diagnostic, to the
/// text around the finding's labels: a line of megabytes would otherwise be printed whole,
/// once per label.
const LONGEST_LINE_SHOWN: usize = 400;
/// How many bytes a cut line keeps on either side of a label's start and end.
const KEPT_AROUND_LABEL: usize = 60;
/// What stands for the text cut out of a long line.
const ELISION: &str = "…";

pub fn write(
    files: &[FileFindings],
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let config = Config::default();
    for file in files {
        let index = LineIndex::new(&file.source);
        let name = printable(&file.path.to_string_lossy()).into_owned();
        let has_long_lines = file
            .source
            .split('\n')
            .any(|line| line.len() > LONGEST_LINE_SHOWN);
        let source = printable(&file.source);
        let whole = SimpleFile::new(name.clone(), source.as_ref());
        for finding in &file.findings {
            let others = OtherFiles::of(finding);
            let diagnostic = diagnostic(finding, &index, &others);
            if has_long_lines {
                let (excerpt, diagnostic) = Excerpt::cut(name.clone(), &source, &index, diagnostic);
                emit(
                    out,
                    options.color,
                    &config,
                    &others.with(&excerpt),
                    &diagnostic,
                )?;
            } else {
                emit(
                    out,
                    options.color,
                    &config,
                    &others.with(&whole),
                    &diagnostic,
                )?;
            }
        }
    }
    Ok(())
}

fn emit<'f>(
    out: &mut dyn Write,
    color: bool,
    config: &Config,
    files: &'f impl Files<'f, FileId = usize>,
    diagnostic: &Diagnostic<usize>,
) -> io::Result<()> {
    let emitted = if color {
        term::emit_to_write_style(&mut Ansi::new(&mut *out), config, files, diagnostic)
    } else {
        term::emit_to_io_write(out, config, files, diagnostic)
    };
    emitted.map_err(|error| match error {
        files::Error::Io(io_error) => io_error,
        other => io::Error::other(other.to_string()),
    })
}

/// The files other than its own that a finding's labels point into (a callee's), each
/// shown whole; file id 0 is the finding's own file, `i` is the `i`-th of these.
struct OtherFiles<'a> {
    files: Vec<(&'a OtherFile, SimpleFile<String, String>)>,
}

impl<'a> OtherFiles<'a> {
    fn of(finding: &'a Finding) -> OtherFiles<'a> {
        let mut files: Vec<(&'a OtherFile, SimpleFile<String, String>)> = Vec::new();
        for file in finding.secondary.iter().filter_map(|l| l.file.as_deref()) {
            if !files.iter().any(|(known, _)| *known == file) {
                let name = printable(&file.path.to_string_lossy()).into_owned();
                let source = printable(&file.source).into_owned();
                files.push((file, SimpleFile::new(name, source)));
            }
        }
        OtherFiles { files }
    }

    /// The file id of a label's file.
    fn id(&self, file: Option<&OtherFile>) -> usize {
        file.and_then(|file| self.files.iter().position(|(known, _)| *known == file))
            .map_or(0, |i| i + 1)
    }

    fn with<'f, F: Files<'f, FileId = ()>>(&'f self, own: &'f F) -> Sheet<'f, F> {
        Sheet { own, others: self }
    }
}

/// The finding's own file (whole or an excerpt) and the other files its labels point into.
struct Sheet<'f, F> {
    own: &'f F,
    others: &'f OtherFiles<'f>,
}

impl<'f, F: Files<'f, FileId = (), Name = String, Source = &'f str>> Files<'f> for Sheet<'f, F> {
    type FileId = usize;
    type Name = String;
    type Source = &'f str;

    fn name(&'f self, id: usize) -> Result<String, files::Error> {
        match id {
            0 => self.own.name(()),
            _ => Ok(self.other(id)?.name().clone()),
        }
    }

    fn source(&'f self, id: usize) -> Result<&'f str, files::Error> {
        match id {
            0 => self.own.source(()),
            _ => Ok(self.other(id)?.source().as_str()),
        }
    }

    fn line_index(&'f self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        match id {
            0 => self.own.line_index((), byte_index),
            _ => self.other(id)?.line_index((), byte_index),
        }
    }

    fn line_range(&'f self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        match id {
            0 => self.own.line_range((), line_index),
            _ => self.other(id)?.line_range((), line_index),
        }
    }

    fn location(&'f self, id: usize, byte_index: usize) -> Result<Location, files::Error> {
        match id {
            0 => self.own.location((), byte_index),
            _ => self.other(id)?.location((), byte_index),
        }
    }
}

impl<'f, F> Sheet<'f, F> {
    fn other(&self, id: usize) -> Result<&'f SimpleFile<String, String>, files::Error> {
        (self.others.files.get(id.wrapping_sub(1)))
            .map(|(_, file)| file)
            .ok_or(files::Error::FileMissing)
    }
}

/// A file's text with its long lines cut down to the parts around a diagnostic's labels.
/// It keeps every line break, so line numbers stay; positions are those in the whole file.
struct Excerpt<'a> {
    shown: SimpleFile<String, String>,
    /// Where each kept piece starts: in the excerpt, and in the file. In order.
    pieces: Vec<(usize, usize)>,
    index: &'a LineIndex<'a>,
}

impl<'a> Excerpt<'a> {
    /// The excerpt of `source` (indexed by `index`) for `diagnostic`, and the diagnostic with
    /// its labels moved into the excerpt.
    fn cut(
        name: String,
        source: &str,
        index: &'a LineIndex<'a>,
        mut diagnostic: Diagnostic<usize>,
    ) -> (Excerpt<'a>, Diagnostic<usize>) {
        let mut ends: Vec<usize> = diagnostic
            .labels
            .iter()
            .filter(|label| label.file_id == 0)
            .flat_map(|label| [label.range.start, label.range.end])
            .collect();
        ends.sort_unstable();
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut line_start = 0;
        for line in source.split_inclusive('\n') {
            let line_range = line_start..line_start + line.len();
            line_start = line_range.end;
            let kept = if line.len() > LONGEST_LINE_SHOWN {
                kept_ranges(source, line_range.clone(), &ends)
            } else {
                vec![line_range.clone()]
            };
            let content_end = line_range.start + line.trim_end_matches(['\n', '\r']).len();
            let mut at = line_range.start;
            for range in kept {
                if range.start > at {
                    text.push_str(ELISION);
                }
                pieces.push((text.len(), range.start));
                text.push_str(&source[range.clone()]);
                at = range.end;
            }
            if at < content_end {
                text.push_str(ELISION);
            }
            if content_end.max(at) < line_range.end {
                pieces.push((text.len(), content_end.max(at)));
                text.push_str(&source[content_end.max(at)..line_range.end]);
            }
        }
        let excerpt = Excerpt {
            shown: SimpleFile::new(name, text),
            pieces,
            index,
        };
        for label in diagnostic.labels.iter_mut().filter(|l| l.file_id == 0) {
            label.range =
                excerpt.to_excerpt(label.range.start)..excerpt.to_excerpt(label.range.end);
        }
        (excerpt, diagnostic)
    }

    fn to_excerpt(&self, offset: usize) -> usize {
        let piece = self
            .pieces
            .partition_point(|&(_, start)| start <= offset)
            .saturating_sub(1);
        let (excerpt_start, file_start) = self.pieces.get(piece).copied().unwrap_or((0, 0));
        (excerpt_start + offset.saturating_sub(file_start)).min(self.shown.source().len())
    }

    fn to_file(&self, offset: usize) -> usize {
        let piece = self
            .pieces
            .partition_point(|&(start, _)| start <= offset)
            .saturating_sub(1);
        let (excerpt_start, file_start) = self.pieces.get(piece).copied().unwrap_or((0, 0));
        file_start + offset.saturating_sub(excerpt_start)
    }
}

/// The parts of the long line `line` of `source` to keep: around each of the sorted offsets
/// `ends` that fall on it (before its line break), or its start if none does; merged, on
/// character boundaries, without the line break.
fn kept_ranges(source: &str, line: Range<usize>, ends: &[usize]) -> Vec<Range<usize>> {
    let content_end = line.start + source[line.clone()].trim_end_matches(['\n', '\r']).len();
    let on_line = ends
        .iter()
        .filter(|&&end| line.start <= end && end <= content_end);
    let mut windows: Vec<Range<usize>> = on_line
        .map(|&end| end.saturating_sub(KEPT_AROUND_LABEL)..end + KEPT_AROUND_LABEL)
        .collect();
    if windows.is_empty() {
        windows.push(line.start..line.start + 2 * KEPT_AROUND_LABEL);
    }
    let mut kept: Vec<Range<usize>> = Vec::new();
    for window in windows {
        let mut start = window.start.max(line.start);
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = window.end.min(content_end);
        while !source.is_char_boundary(end) {
            end += 1;
        }
        match kept.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => kept.push(start..end),
        }
    }
    kept
}

impl<'f> Files<'f> for Excerpt<'_> {
    type FileId = ();
    type Name = String;
    type Source = &'f str;

    fn name(&'f self, (): ()) -> Result<String, files::Error> {
        Files::name(&self.shown, ())
    }

    fn source(&'f self, (): ()) -> Result<&'f str, files::Error> {
        Files::source(&self.shown, ())
    }

    fn line_index(&'f self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        self.shown.line_index((), byte_index)
    }

    fn line_range(&'f self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        self.shown.line_range((), line_index)
    }

    fn location(&'f self, (): (), byte_index: usize) -> Result<Location, files::Error> {
        let at = self.index.position(self.to_file(byte_index));
        Ok(Location {
            line_number: at.line,
            column_number: at.column,
        })
    }
}

/// The closing line of a text report: `found 3 problems (2 errors, 1 warning) in 2 files`.
/// `--statistics`: how many findings of each rule at each level, most first, in columns.
pub fn statistics(files: &[FileFindings]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for finding in files.iter().flat_map(|file| &file.findings) {
        *counts
            .entry((finding.rule, finding.severity.name()))
            .or_insert(0) += 1;
    }
    let mut rows: Vec<((&str, &str), usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    rows.iter()
        .map(|((rule, level), n)| format!("{n:>width$}  {level:7}  {rule}\n"))
        .collect()
}

/// The last line of a run: what was found in how many of the files checked, and how
/// many could not be (`found 3 problems (2 errors, 1 warning) in 2 of 60 files`, `no
/// problems found in 60 files; 1 file could not be checked`).
pub fn summary(files: &[FileFindings], files_checked: usize, files_failed: usize) -> String {
    let failed = if files_failed == 0 {
        String::new()
    } else {
        format!(
            "; {} could not be checked",
            counted(files_failed, "file", "files")
        )
    };
    let findings = files.iter().flat_map(|f| &f.findings);
    let errors = findings
        .clone()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.count() - errors;
    if errors + warnings == 0 {
        return format!(
            "no problems found in {}{failed}",
            counted(files_checked, "file", "files")
        );
    }
    let by_severity: Vec<String> = [
        (errors, "error", "errors"),
        (warnings, "warning", "warnings"),
    ]
    .into_iter()
    .filter(|&(n, _, _)| n > 0)
    .map(|(n, one, many)| counted(n, one, many))
    .collect();
    // `in 2 of 60 files`, or `in 2 files` when those are all the files checked.
    let of_checked = if files.len() == files_checked {
        String::new()
    } else {
        format!(" of {files_checked}")
    };
    format!(
        "found {} ({}) in {}{of_checked} {}{failed}",
        counted(errors + warnings, "problem", "problems"),
        by_severity.join(", "),
        files.len(),
        if files_checked.max(files.len()) == 1 {
            "file"
        } else {
            "files"
        },
    )
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn diagnostic(finding: &Finding, index: &LineIndex, others: &OtherFiles) -> Diagnostic<usize> {
    let head = match finding.severity {
        Severity::Error => Diagnostic::error(),
        Severity::Warning => Diagnostic::warning(),
    };
    let label = |label: Label<usize>, message: &str| label.with_message(printable(message));
    let primary = label(
        Label::primary(0, index.clamp(&finding.primary.span)),
        &finding.primary.message,
    );
    let secondary = finding.secondary.iter().map(|l| match l.file.as_deref() {
        None => label(Label::secondary(0, index.clamp(&l.span)), &l.message),
        Some(file) => label(
            Label::secondary(
                others.id(Some(file)),
                LineIndex::new(&file.source).clamp(&l.span),
            ),
            &l.message,
        ),
    });
    let mut notes: Vec<String> = finding.notes.iter().map(|n| format!("note: {n}")).collect();
    if !finding.help.is_empty() {
        notes.push(format!("help: {}", finding.help));
    }
    if let Some(fix) = &finding.fix {
        notes.push(fix_note(fix, index));
    }
    notes.extend(crate::rules::docs_line(finding.rule));
    head.with_code(finding.rule)
        .with_message(printable(&finding.message))
        .with_labels(std::iter::once(primary).chain(secondary).collect())
        .with_notes(notes.iter().map(|n| printable(n).into_owned()).collect())
}

/// `text` safe to print on a terminal: code from a file and messages quoting it may hold
/// escape sequences (which can clear the screen or retitle the window), a lone carriage
/// return (which overwrites the line shown), other control characters, or bidirectional
/// overrides (which show code in another order than it runs). Each becomes a character of
/// the same length in bytes, so that offsets, columns and underlines stay where they were.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |(at, c): (usize, char)| match c {
        '\t' | '\n' => false,
        '\r' => !text[at + 1..].starts_with('\n'),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    };
    if !text.char_indices().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    text.char_indices()
        .map(|(at, c)| match c.len_utf8() {
            _ if !unsafe_char((at, c)) => c,
            1 => '?',
            2 => '¿',
            _ => '\u{fffd}',
        })
        .collect()
}

/// The fix line, then each edit as the text it puts where.
fn fix_note(fix: &Fix, index: &LineIndex) -> String {
    let mut note = fix_line(fix);
    for edit in &fix.edits {
        note.push('\n');
        note.push_str(&edit_line(edit, index));
    }
    note
}

fn edit_line(edit: &Edit, index: &LineIndex) -> String {
    let span = index.clamp(&edit.span);
    let (start, end) = (index.position(span.start), index.position(span.end));
    if edit.replacement.is_empty() {
        return format!("delete {start}-{end}");
    }
    let action = if span.is_empty() {
        format!("insert at {start}:")
    } else {
        format!("replace {start}-{end} with:")
    };
    let replacement: Vec<String> = edit
        .replacement
        .lines()
        .map(|line| format!("    {line}"))
        .collect();
    format!("{action}\n{}", replacement.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Label;
    use crate::report::tests::{sample_files, two_files};

    fn render(files: &[FileFindings], color: bool) -> String {
        let mut out = Vec::new();
        let options = ReportOptions {
            color,
            ..ReportOptions::default()
        };
        write(files, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn renders_labels_notes_help_and_fix() {
        insta::assert_snapshot!(render(&sample_files(), false));
    }

    #[test]
    fn renders_findings_in_several_files_in_order() {
        insta::assert_snapshot!(render(&two_files(), false));
    }

    #[test]
    fn colors_only_when_asked() {
        let plain = render(&sample_files(), false);
        let colored = render(&sample_files(), true);
        assert!(!plain.contains('\u{1b}'));
        assert!(colored.contains("\u{1b}["));
        assert_eq!(without_ansi_escapes(&colored), plain);
    }

    /// Drops `ESC [ … m` sequences.
    fn without_ansi_escapes(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                out.push(c);
            }
        }
        out
    }

    /// A minified line of 2 000 characters with a finding in its middle and a multi-byte
    /// character where a cut would fall, then a short line with a secondary label.
    #[test]
    fn long_lines_are_cut_to_the_text_around_the_labels() {
        let source = format!(
            "{}é{}db.Exec(claim){}\npublish(x)\n",
            "a".repeat(940),
            "b".repeat(59),
            "c".repeat(1000)
        );
        let claim = source.find("db.Exec").unwrap();
        let publish = source.find("publish").unwrap();
        let finding = Finding::new("r", "m", Label::new(claim..claim + 14, "claim"))
            .with_secondary(Label::new(publish..publish + 10, "publish"));
        let files = [FileFindings {
            path: "min.go".into(),
            source,
            findings: vec![finding],
        }];
        let kept_before = format!("é{}", "b".repeat(59));
        let kept_after = "c".repeat(60);
        assert_eq!(
            render(&files, false),
            format!(
                "error[r]: m\n  \
                 ┌─ min.go:1:1001\n  \
                 │\n\
                 1 │ …{kept_before}db.Exec(claim){kept_after}…\n  \
                 │ {pad}^^^^^^^^^^^^^^ claim\n\
                 2 │ publish(x)\n  \
                 │ ---------- publish\n\n",
                pad = " ".repeat(61),
            )
        );
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_not_printed() {
        let source = "a = 1 -- \x1b]0;title\x07\x1b[2J\u{9b}x\u{202e}y\rz\r\nclaim()\r\n";
        let claim = source.find("claim").unwrap();
        let finding = Finding::new("r", "m \x1b[31m", Label::new(claim..claim + 7, "l\u{202e}"))
            .with_help("h\x07")
            .with_secondary(Label::new(0..1, "a"));
        let files = [FileFindings {
            path: "esc.sql".into(),
            source: source.to_owned(),
            findings: vec![finding],
        }];
        assert_eq!(
            render(&files, false),
            "error[r]: m ?[31m\n  \
             ┌─ esc.sql:2:1\n  \
             │\n\
             1 │ a = 1 -- ?]0;title??[2J¿x\u{fffd}y?z\n  \
             │ - a\n\
             2 │ claim()\n  \
             │ ^^^^^^^ l\u{fffd}\n  \
             │\n  \
             = help: h?\n\n"
        );
    }

    #[test]
    fn edits_say_what_they_delete_insert_or_replace() {
        let index = LineIndex::new("ab\ncd");
        let edit = |span, replacement: &str| Edit {
            span,
            replacement: replacement.to_owned(),
        };
        assert_eq!(edit_line(&edit(1..4, ""), &index), "delete 1:2-2:2");
        assert_eq!(
            edit_line(&edit(2..2, "x\ny"), &index),
            "insert at 1:3:\n    x\n    y"
        );
        assert_eq!(
            edit_line(&edit(3..5, "z"), &index),
            "replace 2:1-2:3 with:\n    z"
        );
    }

    #[test]
    fn summary_counts_problems_by_severity_and_files() {
        assert_eq!(
            summary(&sample_files(), 3, 0),
            "found 1 problem (1 error) in 1 of 3 files"
        );
        assert_eq!(
            summary(&two_files(), 5, 0),
            "found 3 problems (2 errors, 1 warning) in 2 of 5 files"
        );
        assert_eq!(summary(&[], 1, 0), "no problems found in 1 file");
        assert_eq!(
            summary(&[], 0, 1),
            "no problems found in 0 files; 1 file could not be checked"
        );
        assert_eq!(
            summary(&two_files(), 60, 2),
            "found 3 problems (2 errors, 1 warning) in 2 of 60 files; 2 files could not be \
             checked"
        );
    }
}
