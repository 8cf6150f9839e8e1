//! Which files a `check` reads.
//!
//! A file named on the command line is always read (ignore files do not apply to it),
//! unless opening it would wait forever or fail (a FIFO, a socket): that is skipped with a
//! warning. A directory is walked in parallel, honouring `.gitignore`, `.ignore` and git's
//! excludes even outside a git repository, and yields the regular files whose extension
//! names a language. Symbolic links met in a walk are not followed (as git and ripgrep do),
//! so a broken link or a link loop inside a tree cannot stop or stall the walk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::config::Exclude;
use crate::message::Message;
use crate::model::{FileKind, FileKinds};
use crate::paths::display_path;

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user sees it: see [`display_path`].
    pub path: PathBuf,
    pub kind: FileKind,
    /// Named on the command line, not found in a directory: what such a file calls into is
    /// not among the files of the run, so the prefilter cannot know it holds nothing a rule
    /// reports on (see `run::Admission`).
    pub named: bool,
}

/// The files to check, sorted by path without duplicates, and what went wrong finding them.
#[derive(Debug, Default)]
pub struct Discovery {
    pub targets: Vec<SourceFile>,
    pub messages: Vec<Message>,
}

/// Finds the files under `paths`. `kind` forces what the files named explicitly are.
/// `exclude` applies to what a directory holds, and with `exclude_named` to the paths named
/// too (for pre-commit and editors, which name every file they want checked). Directories
/// are walked on `threads` threads (0: as many as suit the machine).
pub fn discover(
    paths: &[PathBuf],
    kind: Option<FileKind>,
    file_kinds: &FileKinds,
    exclude: &Exclude,
    exclude_named: bool,
    threads: usize,
) -> Discovery {
    let cwd = std::env::current_dir().ok();
    let shown = |path: &Path| display_path(path, cwd.as_deref());
    let base = cwd.clone().unwrap_or_default();
    let mut discovery = Discovery::default();
    let mut directories = Vec::new();
    for path in paths {
        let shown_path = shown(path);
        let problem = match std::fs::metadata(path) {
            Ok(metadata)
                if exclude_named && exclude.is_excluded(path, metadata.is_dir(), &base) =>
            {
                continue;
            }
            Ok(metadata) if metadata.is_dir() => {
                directories.push(path.clone());
                continue;
            }
            Ok(metadata) if unopenable(&metadata.file_type()).is_some() => {
                let kind = unopenable(&metadata.file_type()).unwrap_or_default();
                let text = format!(
                    "skipping '{}': a {kind}, not a regular file",
                    shown_path.display()
                );
                discovery.messages.push(Message::warning(shown_path, text));
                continue;
            }
            Ok(_) => match kind.or_else(|| file_kinds.of(path)) {
                Some(kind) => {
                    discovery.targets.push(SourceFile {
                        path: shown_path,
                        kind,
                        named: true,
                    });
                    continue;
                }
                None => format!(
                    "cannot tell the language of '{}' (name it with --lang go|rust|sql|ts|markdown)",
                    shown_path.display()
                ),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::read_link(path) {
                    Ok(link) => format!(
                        "'{}' is a broken symbolic link (to '{}')",
                        shown_path.display(),
                        link.display()
                    ),
                    Err(_) => format!("path '{}' does not exist", shown_path.display()),
                }
            }
            Err(error) => format!("cannot read '{}': {error}", shown_path.display()),
        };
        discovery.messages.push(Message::error(shown_path, problem));
    }
    let walked = walk(&directories, file_kinds, exclude, base, threads);
    discovery
        .targets
        .extend(walked.files.into_iter().map(|target| SourceFile {
            path: shown(&target.path),
            ..target
        }));
    discovery.messages.extend(
        walked
            .errors
            .iter()
            .map(|error| walk_message(error, &shown)),
    );
    discovery.targets.sort_by(|a, b| a.path.cmp(&b.path));
    discovery.targets.dedup_by(|later, kept| {
        let same = later.path == kept.path;
        kept.named |= same && later.named;
        same
    });
    discovery
}

/// What a file is, if opening it to read could wait forever (a FIFO waits for a writer) or
/// cannot work (a socket). A device is read, up to the size limit.
#[cfg(unix)]
fn unopenable(file_type: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        Some("FIFO")
    } else if file_type.is_socket() {
        Some("socket")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn unopenable(_: &std::fs::FileType) -> Option<&'static str> {
    None
}

#[derive(Default)]
struct Walked {
    files: Vec<SourceFile>,
    errors: Vec<ignore::Error>,
}

fn walk(
    directories: &[PathBuf],
    file_kinds: &FileKinds,
    exclude: &Exclude,
    cwd: PathBuf,
    threads: usize,
) -> Walked {
    let Some((first, rest)) = directories.split_first() else {
        return Walked::default();
    };
    let mut builder = WalkBuilder::new(first);
    for directory in rest {
        builder.add(directory);
    }
    builder.require_git(false).threads(threads);
    let exclude = exclude.clone();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        !exclude.is_excluded(entry.path(), is_dir, &cwd)
    });
    let walked = Mutex::new(Walked::default());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let mut walked = walked
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if let Some(kind) = file_kinds.of(entry.path()).filter(|_| is_file) {
                        walked.files.push(SourceFile {
                            path: entry.into_path(),
                            kind,
                            named: false,
                        });
                    }
                }
                Err(error) => walked.errors.push(error),
            }
            WalkState::Continue
        })
    });
    walked
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An unreadable directory loses files, so it is an error; a bad pattern in an ignore file
/// only loses that pattern, so it is a warning.
fn walk_message(error: &ignore::Error, shown: &impl Fn(&Path) -> PathBuf) -> Message {
    let path = shown(error_path(error).unwrap_or(Path::new("")));
    match error.io_error() {
        Some(io_error) => {
            let text = format!("cannot read '{}': {io_error}", path.display());
            Message::error(path, text)
        }
        None => Message::warning(path, error.to_string()),
    }
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    #[test]
    fn directories_yield_known_languages_sorted_and_unignored() {
        let dir = tempfile::tempdir().unwrap();
        for (path, contents) in [
            ("b/z.go", "package b\n"),
            ("a.sql", "SELECT 1;\n"),
            ("b/a.rs", "fn main() {}\n"),
            ("c.txt", "text\n"),
            (".hidden/x.sql", "SELECT 1;\n"),
            ("vendor/x.go", "package x\n"),
            (".ignore", "vendor/\n"),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        let found = discover(
            &[dir.path().to_owned()],
            Some(FileKind::Code(Lang::Sql)),
            &FileKinds::default(),
            &Exclude::default(),
            false,
            0,
        );
        let target = |path: &str, kind| SourceFile {
            path: dir.path().join(path),
            kind,
            named: false,
        };
        assert_eq!(
            found.targets,
            [
                target("a.sql", FileKind::Code(Lang::Sql)),
                target("b/a.rs", FileKind::Code(Lang::Rust)),
                target("b/z.go", FileKind::Code(Lang::Go)),
            ]
        );
        assert_eq!(found.messages, []);
    }
}
