//! Messages about paths for stderr: a file that could not be read, parse warnings, a
//! skipped file.

use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// A detail of how something was read, shown only with `--verbose`.
    Note,
    /// Something was read only in part (a parse problem, a file skipped as binary).
    Warning,
    /// Something could not be checked at all: the run exits with status 2.
    Error,
}

/// A message for stderr about one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    /// The path it is about, as shown; messages are ordered by it.
    pub path: PathBuf,
    pub text: String,
}

impl Message {
    pub fn error(path: PathBuf, text: impl Into<String>) -> Message {
        Message {
            level: Level::Error,
            path,
            text: text.into(),
        }
    }

    pub fn warning(path: PathBuf, text: impl Into<String>) -> Message {
        Message {
            level: Level::Warning,
            path,
            text: text.into(),
        }
    }

    pub fn note(path: PathBuf, text: impl Into<String>) -> Message {
        Message {
            level: Level::Note,
            path,
            text: text.into(),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        write!(f, "{level}: {}", self.text)
    }
}
