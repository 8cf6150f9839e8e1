//! The Python front-end: lowers `.py` and `.pyi` files (or snippets) into the language-blind
//! model with tree-sitter-python.
//!
//! Units: functions (`def`, `async def`), class methods (`Class.method`, their `self` or
//! `cls` not counted as an argument), and a function defined inside another (`outer.inner`).
//! Statements outside any function, class bodies included, form one
//! [`UnitKind::Script`] unit named [`TOP_LEVEL_UNIT`]: they run when the module is imported.
//!
//! What the model has no word for is lowered to the nearest shape:
//! - keyword arguments are one options literal after the positional arguments, as a
//!   JavaScript call passes them (`f(a, retry=r)` is `f(a, {retry: r})`; `**kw` is a field
//!   named `...`);
//! - a decorator is a call, where the definition stands, of the decorator with the function
//!   as its last argument (`@retry(wait=w)` over `def charge` is `retry({wait: w}, charge)`):
//!   what a decorator does to a function is what a call wrapping it does;
//! - `with a as x:` assigns `x = a` and runs its body as a block;
//! - `except` clauses are one handler, which binds the exception and, when a clause tests
//!   its type, branches on `isinstance(exc, T)`; a failure no clause names is raised again;
//!   `else:` runs at the end of the `try` body;
//! - `x is None` is `x == None`, `is not` is `!=`; `in`, `not in`, chained comparisons, the
//!   conditional expression and comprehensions are [`ExprKind::Other`] with their operands;
//! - `for … else` runs its `else` after the loop; `while True:` is an infinite loop;
//! - `match` is a branch on its subject, each `case` pattern an alternative;
//! - type annotations vanish.
//!
//! String values are folded where the file fixes them: adjacent literals, `+` of literals,
//! f-strings (each `{…}` a placeholder `argN` mapped to its expression unless it folds),
//! module-level string names assigned once (substituted everywhere), and local string
//! variables (substituted where passed to a call).
//!
//! [`ExprKind::Other`]: crate::model::ExprKind::Other
//! [`UnitKind::Script`]: crate::model::UnitKind::Script

mod expressions;
mod imports;
mod lower;
mod nodes;
mod parse;
pub(super) mod profile;
mod statements;
mod strings;

use super::treesitter::collect_comments_and_errors;
use crate::model::{Module, ParseNote};
use lower::Lowerer;

pub use lower::TOP_LEVEL_UNIT;

/// Lowers one Python file or snippet.
pub fn lower(source: &str) -> Module {
    let Some(tree) = parse::parse(source) else {
        return Module {
            diagnostics: vec![ParseNote::warning(
                0..source.len(),
                "the Python parser could not read this file",
            )],
            ..Module::default()
        };
    };
    let root = tree.root_node();
    let mut module = Module::default();
    collect_comments_and_errors(root, source, &mut module);
    // The shared collector knows `//` and `/* */`; a Python comment starts with `#`.
    for comment in &mut module.comments {
        if let Some(text) = comment.text.strip_prefix('#') {
            comment.text = text.to_owned();
        }
    }
    module.imports = imports::imports(source, root);
    module.units = Lowerer::new(source).file(root);
    module
}
