//! A whole `check` run: find the files, read and check them in parallel, and gather the
//! findings and messages in a deterministic order. The binary only parses arguments and
//! prints what this returns.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Exclude, Levels, TestCode};
use crate::diff::ChangedLines;
use crate::discover::{self, SourceFile};
use crate::finding::Finding;
use crate::knowledge::Knowledge;
use crate::message::{Level, Message};
use crate::model::{FileKind, FileKinds, NoteWeight, ParseNote};
use crate::panic_boundary::guarded;
use crate::prefilter::{CalledNames, Prefilter};
use crate::project::Project;
use crate::report::FileFindings;
use crate::report::position::LineIndex;
use crate::rules::Rule;

/// How many looks a run takes at the files the prefilter passed over: the first, by the
/// rules' needs, then one per layer of functions handing a read on to their callers
/// (repository, service, handler).
const LOOKS: usize = 3;

/// What a run checks with.
pub struct CheckOptions<'a> {
    pub rules: &'a [&'static dyn Rule],
    pub knowledge: &'a Knowledge,
    /// What stdin and the files named on the command line are, whatever their extension.
    /// Files found by walking a directory always go by their extension.
    pub kind: Option<FileKind>,
    /// What files are by their extension (the configuration's `[extensions]` included).
    pub file_kinds: &'a FileKinds,
    /// The severity of each enabled rule; findings of the others are dropped.
    pub levels: &'a Levels,
    /// Where test code is and the levels there.
    pub test_code: &'a TestCode,
    /// Paths not to check when found in a directory.
    pub exclude: &'a Exclude,
    /// Whether `exclude` applies to the paths named too.
    pub exclude_named: bool,
    /// With `--diff-base`: only findings on these lines are kept.
    pub changed: Option<&'a ChangedLines>,
    /// Larger files (generated code, minified bundles) are skipped with a warning.
    pub max_file_size: u64,
    /// How many threads walk and check; 0 picks the default (`RAYON_NUM_THREADS`, else one
    /// per core).
    pub threads: usize,
    /// Files it does not admit are counted as checked without being parsed: they cannot
    /// hold a finding of `rules`. `None` parses every file.
    pub prefilter: Option<&'a Prefilter>,
    /// Also report the parse notes that are details, not warnings (see
    /// [`NoteWeight::Detail`]).
    pub verbose: bool,
    /// The project's root folder (`--project-root`): see [`Project::new`].
    pub project_root: Option<&'a Path>,
    /// Told how many of the files found have been checked, and how many there are, after
    /// each one (a progress bar's).
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// The default of [`CheckOptions::max_file_size`]: far above any hand-written source file.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 << 20;

/// The stack of each checking thread. The front-ends bound the depth they recurse to (see
/// [`crate::lang::MAX_DEPTH`]); this leaves a wide margin over what that needs.
pub const CHECKER_STACK: usize = 16 << 20;

/// Everything a run found.
#[derive(Debug, Default)]
pub struct RunResult {
    /// The files with findings, sorted by path; their findings sorted by position.
    pub files: Vec<FileFindings>,
    /// Sorted by path; for one path, in the order they arose.
    pub messages: Vec<Message>,
    /// How many files were read and checked.
    pub files_checked: usize,
    /// How long each file that was read took to read and check, in path order.
    pub timings: Vec<(PathBuf, Duration)>,
}

impl RunResult {
    /// The paths of the files read and checked (those whose time was taken).
    pub fn checked_paths(&self) -> impl Iterator<Item = &Path> {
        self.timings.iter().map(|(path, _)| path.as_path())
    }

    /// How many files could not be checked: the paths of error messages.
    pub fn files_failed(&self) -> usize {
        let failed = self.messages.iter().filter(|m| m.level == Level::Error);
        let mut paths: Vec<&PathBuf> = failed.map(|m| &m.path).collect();
        paths.dedup();
        paths.len()
    }

    pub fn finding_count(&self) -> usize {
        self.files.iter().map(|file| file.findings.len()).sum()
    }

    /// Whether some path could not be checked.
    pub fn has_errors(&self) -> bool {
        self.messages
            .iter()
            .any(|message| message.level == Level::Error)
    }
}

/// The files under `paths` as the options pick them.
fn discover(paths: &[PathBuf], options: &CheckOptions) -> discover::Discovery {
    discover::discover(
        paths,
        options.kind,
        options.file_kinds,
        options.exclude,
        options.exclude_named,
        options.threads,
    )
}

/// The files a check of `paths` would read, each with what it is read as, sorted by path;
/// and what could not be walked.
pub fn files_to_check(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> (Vec<(PathBuf, FileKind)>, Vec<Message>) {
    let discovery = discover(paths, options);
    let mut files: Vec<(PathBuf, FileKind)> = (discovery.targets.into_iter())
        .map(|target| (target.path, target.kind))
        .collect();
    files.sort();
    files.dedup();
    (files, discovery.messages)
}

/// Checks the files named by `paths` and the files under the directories among them.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> RunResult {
    let discovery = discover(paths, options);
    let project = Project::new(
        options.knowledge,
        options.max_file_size,
        options.project_root,
    );
    let total = discovery.targets.len();
    let done = AtomicUsize::new(0);
    let check_all = || -> Vec<FileOutcome> {
        let mut checked: Vec<FileOutcome> = (discovery.targets.par_iter())
            .map(|target| {
                let first_look = match target.named {
                    true => Admission::Whole,
                    false => Admission::Needs,
                };
                let outcome = check_file(target, &project, &first_look, options);
                if let Some(progress) = options.progress {
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                }
                outcome
            })
            .collect();
        // A file the prefilter passed over may call a function of the files checked whose
        // callers a rule reports on: it gets another look (see `CalledNames`). A file
        // admitted so may in turn feed its own callers (a service's method passing a
        // repository's read through to a handler): as many looks as layers, up to
        // `LOOKS`.
        let mut names: Vec<String> = (checked.iter())
            .flat_map(|file| file.feeds_callers.iter().cloned())
            .collect();
        for _ in 1..LOOKS {
            names.sort();
            names.dedup();
            let Some(called) = CalledNames::new(&names) else {
                break;
            };
            let another_look = Admission::Calls(&called);
            let passed_over: Vec<usize> = (0..checked.len())
                .filter(|&i| checked[i].passed_over)
                .collect();
            let again: Vec<(usize, FileOutcome)> = (passed_over.par_iter())
                .map(|&i| {
                    let target = &discovery.targets[i];
                    (i, check_file(target, &project, &another_look, options))
                })
                .collect();
            names.clear();
            for (i, file) in again {
                if !file.passed_over {
                    names.extend(file.feeds_callers.iter().cloned());
                    checked[i] = file;
                }
            }
        }
        checked
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .stack_size(CHECKER_STACK)
        .build();
    // Without a pool of its own (threads cannot be started), the global one still works.
    let checked = match pool {
        Ok(pool) => pool.install(check_all),
        Err(_) => check_all(),
    };
    let mut outcome = RunResult {
        messages: discovery.messages,
        ..RunResult::default()
    };
    for file in checked {
        outcome.add(file);
    }
    outcome.messages.sort_by(|a, b| a.path.cmp(&b.path));
    outcome
}

/// Checks what `input` (stdin) holds, shown as `path`. `in_project`: `path` is where the
/// text lives (an editor's unsaved buffer), so calls into the files around it are followed
/// as they would be from the file itself.
pub fn check_reader(
    path: &Path,
    input: impl Read,
    kind: FileKind,
    in_project: bool,
    options: &CheckOptions,
) -> RunResult {
    let project = in_project.then(|| {
        Project::new(
            options.knowledge,
            options.max_file_size,
            options.project_root,
        )
    });
    let mut outcome = RunResult::default();
    outcome.add(check_input(
        path,
        input,
        None,
        kind,
        project.as_ref(),
        &Admission::Whole,
        options,
    ));
    outcome
}

/// Checks text that came from elsewhere than a file, shown as `path`.
pub fn check_bytes(
    path: &Path,
    bytes: Vec<u8>,
    kind: FileKind,
    options: &CheckOptions,
) -> RunResult {
    check_reader(path, bytes.as_slice(), kind, false, options)
}

/// What checking one file gave.
#[derive(Default)]
struct FileOutcome {
    findings: Option<FileFindings>,
    messages: Vec<Message>,
    checked: bool,
    /// Not parsed: the prefilter found none of the rules' needs in it.
    passed_over: bool,
    /// See [`crate::FileResult::feeds_callers`].
    feeds_callers: Vec<String>,
    /// How long reading and checking took, if the file could be opened.
    elapsed: Option<(PathBuf, Duration)>,
}

impl RunResult {
    fn add(&mut self, file: FileOutcome) {
        self.files.extend(file.findings);
        self.messages.extend(file.messages);
        self.files_checked += usize::from(file.checked);
        self.timings.extend(file.elapsed);
    }
}

/// What decides whether a file is parsed.
enum Admission<'a> {
    /// Always parsed: a file named on the command line or stdin, whose callees (a store's
    /// SQL, say) are not among the files of the run to say whether it feeds on them.
    Whole,
    /// The prefilter of the options, if it is on: the rules' needs.
    Needs,
    /// A call to one of these names (a second look at a file the prefilter passed over).
    Calls(&'a CalledNames),
}

fn check_file(
    target: &SourceFile,
    project: &Project,
    admission: &Admission,
    options: &CheckOptions,
) -> FileOutcome {
    let opened = File::open(&target.path).and_then(|file| {
        let size = file.metadata()?.len();
        Ok((file, size))
    });
    match opened {
        Ok((file, size)) => check_input(
            &target.path,
            file,
            Some(size),
            target.kind,
            Some(project),
            admission,
            options,
        ),
        Err(error) => unreadable(&target.path, &error),
    }
}

fn unreadable(path: &Path, error: &io::Error) -> FileOutcome {
    FileOutcome {
        messages: vec![Message::error(
            path.to_owned(),
            format!("cannot read '{}': {error}", path.display()),
        )],
        ..FileOutcome::default()
    }
}

/// Reads and checks one input whose size, if known, is `size`: a file of `project`, or
/// stdin.
fn check_input(
    path: &Path,
    input: impl Read,
    size: Option<u64>,
    kind: FileKind,
    project: Option<&Project>,
    admission: &Admission,
    options: &CheckOptions,
) -> FileOutcome {
    let started = Instant::now();
    let mut outcome = match read_limited(input, size, options.max_file_size) {
        Ok(Some(bytes)) => check_contents(path, bytes, kind, project, admission, options),
        Ok(None) => FileOutcome {
            messages: vec![Message::warning(
                path.to_owned(),
                format!(
                    "skipping '{}': larger than {} (raise the limit with --max-file-size)",
                    path.display(),
                    byte_size(options.max_file_size)
                ),
            )],
            ..FileOutcome::default()
        },
        Err(error) => unreadable(path, &error),
    };
    outcome.elapsed = Some((path.to_owned(), started.elapsed()));
    outcome
}

/// The bytes of `input`, or `None` if there are more than `limit`. Reads at most one byte
/// past the limit, so that a file that grows, a device or an endless pipe cannot exhaust
/// memory.
fn read_limited(input: impl Read, size: Option<u64>, limit: u64) -> io::Result<Option<Vec<u8>>> {
    if size.is_some_and(|size| size > limit) {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    input
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// A byte count as people read it: `512 bytes`, `64 KiB`, `4 MiB`, `1.5 MiB`.
pub fn byte_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let shown = format!("{value:.1}");
    let shown = shown.strip_suffix(".0").unwrap_or(&shown);
    format!("{shown} {}", UNITS[unit])
}

fn check_contents(
    path: &Path,
    bytes: Vec<u8>,
    kind: FileKind,
    project: Option<&Project>,
    admission: &Admission,
    options: &CheckOptions,
) -> FileOutcome {
    let shown = path.display();
    let mut outcome = FileOutcome::default();
    if bytes.contains(&0) {
        outcome.messages.push(Message::warning(
            path.to_owned(),
            format!("skipping '{shown}': binary file (contains a NUL byte)"),
        ));
        return outcome;
    }
    let source = String::from_utf8(bytes).unwrap_or_else(|error| {
        outcome.messages.push(Message::warning(
            path.to_owned(),
            format!(
                "'{shown}' is not valid UTF-8 (byte {}); checking it with the invalid bytes \
                 replaced by U+FFFD",
                error.utf8_error().valid_up_to()
            ),
        ));
        String::from_utf8_lossy(error.as_bytes()).into_owned()
    });
    let checked = guarded(|| {
        let skipped = match admission {
            Admission::Whole => false,
            Admission::Needs => options
                .prefilter
                .is_some_and(|prefilter| !prefilter.admits(source.as_bytes(), kind)),
            Admission::Calls(names) => !names.called_in(source.as_bytes()),
        };
        (!skipped).then(|| check_text(path, &source, kind, project, options))
    });
    let result = match checked {
        Ok(Some(result)) => result,
        Ok(None) => {
            outcome.checked = true;
            outcome.passed_over = true;
            return outcome;
        }
        Err(panic_message) => {
            outcome.messages.push(Message::error(
                path.to_owned(),
                format!("internal error while checking '{shown}': {panic_message}"),
            ));
            return outcome;
        }
    };
    outcome.checked = true;
    outcome.feeds_callers = result.feeds_callers;
    let index = LineIndex::new(&source);
    let notes = result
        .notes
        .iter()
        .filter(|note| options.verbose || note.weight == NoteWeight::Warning);
    outcome.messages.extend(notes.map(|note| {
        let at = index.position(note.span.start);
        let text = format!("{shown}:{at}: {}", note.message);
        match note.weight {
            NoteWeight::Warning => Message::warning(path.to_owned(), text),
            NoteWeight::Detail => Message::note(path.to_owned(), text),
        }
    }));
    let findings = settled(result.findings, &result.test_code, path, &index, options);
    if !findings.is_empty() {
        outcome.findings = Some(FileFindings {
            path: path.to_owned(),
            source,
            findings,
        });
    }
    outcome
}

fn check_text(
    path: &Path,
    source: &str,
    kind: FileKind,
    project: Option<&Project>,
    options: &CheckOptions,
) -> crate::FileResult {
    match project {
        Some(project) => crate::check_file_in_project(
            source,
            kind,
            path,
            project,
            options.rules,
            options.knowledge,
        ),
        None => crate::check_file(source, kind, options.rules, options.knowledge),
    }
}

/// The findings a run reports of those the rules made in the file at `path`: each at the
/// severity its rule has there (in test code, in `test_code`, the test levels), those of
/// rules off there left out, and with `--diff-base` those off the changed lines.
fn settled(
    findings: Vec<Finding>,
    test_code: &[crate::model::Span],
    path: &Path,
    index: &LineIndex,
    options: &CheckOptions,
) -> Vec<Finding> {
    let test_file = std::env::current_dir().is_ok_and(|cwd| options.test_code.contains(path, &cwd));
    (findings.into_iter())
        .filter_map(|mut finding| {
            finding.severity = options.levels.severity(finding.rule)?;
            let start = finding.primary.span.start;
            if test_file || test_code.iter().any(|span| span.contains(&start)) {
                finding.severity = options.test_code.severity(finding.rule, finding.severity)?;
            }
            let changed = options
                .changed
                .is_none_or(|changed| touches_changed_lines(&finding, path, index, changed));
            changed.then_some(finding)
        })
        .collect()
}

/// What checking an editor's document found.
#[derive(Debug, Default)]
pub struct DocumentCheck {
    /// Sorted by position, settled as a run settles them (levels, test code).
    pub findings: Vec<Finding>,
    /// What the front-end could not read, at the weight of warnings (the details that
    /// `--verbose` adds left out).
    pub notes: Vec<ParseNote>,
    /// Why the document could not be checked at all: an internal error.
    pub failure: Option<String>,
}

/// Checks `source`, the text of the document at `path` (an editor's buffer, saved or not),
/// as a run would check the file: `in_project`, as a part of the project around it (the
/// file exists there; else it is an unsaved buffer without a file). Never panics: an
/// internal error is the check's [`DocumentCheck::failure`].
pub fn check_document(
    path: &Path,
    in_project: bool,
    source: &str,
    kind: FileKind,
    options: &CheckOptions,
) -> DocumentCheck {
    let project = in_project.then(|| {
        Project::new(
            options.knowledge,
            options.max_file_size,
            options.project_root,
        )
    });
    match guarded(|| check_text(path, source, kind, project.as_ref(), options)) {
        Ok(result) => DocumentCheck {
            findings: settled(
                result.findings,
                &result.test_code,
                path,
                &LineIndex::new(source),
                options,
            ),
            notes: (result.notes.into_iter())
                .filter(|note| options.verbose || note.weight == NoteWeight::Warning)
                .collect(),
            failure: None,
        },
        Err(panic_message) => DocumentCheck {
            failure: Some(format!("internal error while checking: {panic_message}")),
            ..DocumentCheck::default()
        },
    }
}

/// Whether the finding's primary label, or one of its secondary labels (in this file or
/// in a callee's), is on a line changed since the diff base.
fn touches_changed_lines(
    finding: &Finding,
    path: &Path,
    index: &LineIndex,
    changed: &ChangedLines,
) -> bool {
    std::iter::once(&finding.primary)
        .chain(&finding.secondary)
        .any(|label| match label.file.as_deref() {
            None => changed.contains(path, index.position(label.span.start).line),
            Some(file) => {
                let line = LineIndex::new(&file.source).position(label.span.start).line;
                changed.contains(&file.path, line)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;
    use crate::rules;

    static LEVELS: std::sync::LazyLock<Levels> = std::sync::LazyLock::new(Levels::default);
    static EXCLUDE: std::sync::LazyLock<Exclude> = std::sync::LazyLock::new(Exclude::default);
    static TEST_CODE: std::sync::LazyLock<TestCode> = std::sync::LazyLock::new(TestCode::default);
    static FILE_KINDS: std::sync::LazyLock<FileKinds> =
        std::sync::LazyLock::new(FileKinds::default);

    fn options(knowledge: &Knowledge) -> CheckOptions<'_> {
        CheckOptions {
            rules: rules::ALL,
            knowledge,
            kind: None,
            file_kinds: &FILE_KINDS,
            levels: &LEVELS,
            test_code: &TEST_CODE,
            exclude: &EXCLUDE,
            exclude_named: false,
            changed: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            prefilter: None,
            verbose: false,
            project_root: None,
            progress: None,
        }
    }

    #[test]
    fn byte_sizes_read_as_people_write_them() {
        assert_eq!(byte_size(0), "0 bytes");
        assert_eq!(byte_size(1023), "1023 bytes");
        assert_eq!(byte_size(1024), "1 KiB");
        assert_eq!(byte_size(1536), "1.5 KiB");
        assert_eq!(byte_size(4 << 20), "4 MiB");
        assert_eq!(byte_size(3 << 40), "3 TiB");
        assert_eq!(byte_size(5 << 50), "5120 TiB");
    }

    #[test]
    fn input_over_the_size_limit_is_skipped_with_a_warning() {
        let knowledge = Knowledge::builtin();
        let options = CheckOptions {
            max_file_size: 9,
            ..options(&knowledge)
        };
        let outcome = check_bytes(
            Path::new("x.sql"),
            b"SELECT 1;\n".to_vec(),
            FileKind::Code(Lang::Sql),
            &options,
        );
        assert_eq!(outcome.files_checked, 0);
        assert_eq!(
            outcome.messages,
            [Message::warning(
                "x.sql".into(),
                "skipping 'x.sql': larger than 9 bytes (raise the limit with --max-file-size)"
            )]
        );
        let at_the_limit = check_bytes(
            Path::new("x.sql"),
            b"SELECT 1;".to_vec(),
            FileKind::Code(Lang::Sql),
            &options,
        );
        assert_eq!(at_the_limit.files_checked, 1);
        assert_eq!(at_the_limit.messages, []);
    }

    #[test]
    fn binary_input_is_skipped_with_a_warning() {
        let knowledge = Knowledge::builtin();
        let outcome = check_bytes(
            Path::new("x.sql"),
            b"SELECT\0".to_vec(),
            FileKind::Code(Lang::Sql),
            &options(&knowledge),
        );
        assert_eq!(outcome.files_checked, 0);
        assert_eq!(
            outcome.messages,
            [Message::warning(
                "x.sql".into(),
                "skipping 'x.sql': binary file (contains a NUL byte)"
            )]
        );
        assert!(!outcome.has_errors());
    }

    #[test]
    fn invalid_utf8_is_read_lossily_with_a_warning() {
        let knowledge = Knowledge::builtin();
        let outcome = check_bytes(
            Path::new("x.sql"),
            b"SELECT 1; -- caf\xe9\n".to_vec(),
            FileKind::Code(Lang::Sql),
            &options(&knowledge),
        );
        assert_eq!(outcome.files_checked, 1);
        assert_eq!(
            outcome.messages,
            [Message::warning(
                "x.sql".into(),
                "'x.sql' is not valid UTF-8 (byte 16); checking it with the invalid bytes replaced by U+FFFD"
            )]
        );
    }

    #[test]
    fn missing_paths_are_errors_and_the_rest_is_still_checked() {
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("a.sql");
        std::fs::write(&present, "SELECT 1;\n").unwrap();
        let missing = dir.path().join("missing.sql");
        let knowledge = Knowledge::builtin();
        let outcome = check_paths(&[missing.clone(), present], &options(&knowledge));
        assert_eq!(outcome.files_checked, 1);
        assert_eq!(
            outcome.messages,
            [Message::error(
                missing.clone(),
                format!("path '{}' does not exist", missing.display())
            )]
        );
        assert!(outcome.has_errors());
    }
}
