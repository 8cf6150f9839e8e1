//! One lowered file: its units (functions and scripts), and what the front-end kept beside
//! them (comments, parse notes, imports, test code).

use super::span::Span;
use super::syntax::Block;

/// One lowered file: its units plus what the front-end could not read.
#[derive(Debug, Default)]
pub struct Module {
    pub units: Vec<Unit>,
    /// Comments with their spans, for inline suppressions.
    pub comments: Vec<Comment>,
    /// Parse problems worth telling the user (the file was still lowered as far as possible).
    pub diagnostics: Vec<ParseNote>,
    /// What the file imports, by the name it is known by in the file.
    pub imports: Vec<Import>,
    /// The functions the file exports under another name than their own (`export default
    /// saveDelivery`, `export { find as findDelivery }`).
    pub exports: Vec<Export>,
    /// The names the file exports from other modules (`export { find } from "./find"`,
    /// `export * from "./store"`), each as an import of the name the file exports it by;
    /// `export *` is one whose `local` is `*`. A barrel file (`index.ts`) is only these.
    pub re_exports: Vec<Import>,
    /// Code that only tests run, wherever the file is (a Rust `#[cfg(test)]` module or
    /// `#[test]` function): findings there are reported at the test-code levels.
    pub test_code: Vec<Span>,
}

/// A name the file binds to another module: `import pRetry from "p-retry"` binds `pRetry`
/// to `p-retry`; Go's `import "github.com/avast/retry-go/v4"` binds `retry`; Rust's
/// `use backon::Retryable;` binds `Retryable` to `backon::Retryable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The name as the file's code uses it.
    pub local: String,
    /// Where it comes from: an npm module, a Go import path, a Rust path.
    pub source: String,
    /// The name the module exports it by, where the file imports one name of it under
    /// another (`findDelivery` of `import { findDelivery as lookup }`, `default` of `import
    /// lookup from "./find"`); `None` when the source says it all.
    pub exported: Option<String>,
}

/// A name a file exports a function of its own by: `default` for `export default
/// saveDelivery`, `findDelivery` for `export { find as findDelivery }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub exported: String,
    /// The function's own name in the file.
    pub local: String,
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub span: Span,
    /// The comment text without its delimiters (`//`, `--`, `/* */`, `#`).
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct ParseNote {
    pub span: Span,
    pub message: String,
    pub weight: NoteWeight,
}

impl ParseNote {
    /// Part of a file the user owns could not be read: what stands there may go unchecked.
    pub fn warning(span: Span, message: impl Into<String>) -> ParseNote {
        ParseNote {
            span,
            message: message.into(),
            weight: NoteWeight::Warning,
        }
    }

    /// Something read another way than planned, with nothing the rules need lost.
    pub fn detail(span: Span, message: impl Into<String>) -> ParseNote {
        ParseNote {
            span,
            message: message.into(),
            weight: NoteWeight::Detail,
        }
    }
}

/// Whether a [`ParseNote`] is worth a warning on every run, or only when asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteWeight {
    /// A syntax error in a source file: shown as a warning.
    Warning,
    /// Shown only with `check --verbose`: a fallback that lost nothing, or an error in a
    /// Markdown code block, which is an illustration and often elided on purpose (`...`).
    Detail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    /// A function, method or closure body with its own name.
    Function,
    /// A SQL script, or host statements that stood outside any function.
    Script,
}

/// One function or script.
#[derive(Debug, Clone)]
pub struct Unit {
    pub name: String,
    pub kind: UnitKind,
    pub span: Span,
    pub params: Vec<String>,
    /// How many arguments a call of it passes, as its declaration says.
    pub arity: Arity,
    pub body: Block,
}

/// How many arguments a call passes to a function (a method's receiver not counted), as
/// its declaration says: a call with a count out of range is a call of another function of
/// the same name. With no types known, that is what tells two methods apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arity {
    pub min: usize,
    /// `None`: no most (a variadic or rest parameter), or not known.
    pub max: Option<usize>,
}

impl Arity {
    /// Any count: a script, or a function whose parameters are not read.
    pub const ANY: Arity = Arity { min: 0, max: None };

    pub fn exactly(count: usize) -> Arity {
        Arity {
            min: count,
            max: Some(count),
        }
    }

    /// Whether a call passing `args` arguments can be a call of the function.
    pub fn accepts(&self, args: usize) -> bool {
        args >= self.min && self.max.is_none_or(|max| args <= max)
    }
}
