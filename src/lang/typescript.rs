//! The TypeScript and JavaScript front-end: lowers `.ts`, `.tsx`, `.mts`, `.cts`, `.js`,
//! `.jsx`, `.mjs` and `.cjs` files (or snippets) into the language-blind model with
//! tree-sitter-typescript.
//!
//! One grammar pair serves both languages. Plain JavaScript is TypeScript without types, so
//! the TypeScript grammar reads it; JSX needs the TSX grammar, which in turn misreads the
//! `<T>(x: T) => …` generic arrows and `<T>value` casts that TypeScript files use. A file is
//! parsed with the TypeScript grammar first and again with TSX only when that fails; the
//! TSX tree is kept if less of it is in error (TypeScript fails a JSX file as a whole).
//! Either grammar's gaps are patched first (see `grammar_gaps`).
//!
//! Units: function declarations, class methods (`Class.method`), and functions bound to a
//! name at the top level (`const f = async () => {…}`, `exports.handler = function …`);
//! a function declared inside another is a unit of its own (`outer.inner`). Function
//! values anywhere else (callbacks, a local `const f = () => …`) stay
//! [`ExprKind::Closure`]s. Statements outside any function form one
//! [`UnitKind::Script`] unit named [`TOP_LEVEL_UNIT`].
//!
//! What the model has no word for is lowered to the nearest shape:
//! - `new X(a)` is a call of `X` (a constructor call reads like a factory call);
//! - a tagged template `` tag`…` `` is a call of `tag` with the template as its argument;
//! - a template literal is a string whose `${…}` holes hold the substituted string when the
//!   file fixes it, else a placeholder `argN` mapped to the hole's expression;
//! - `x ?? y` is `Or`; `instanceof`, `in`, `typeof`, the conditional operator and
//!   assignments inside expressions are [`ExprKind::Other`] with their operands;
//! - types, `as`, `satisfies` and `!` vanish;
//! - destructuring patterns are composite (`{a, b: [c]}`) and list literals of the names
//!   they bind;
//! - `while (true)`, `for (;;)` and `do … while (true)` are infinite loops;
//! - the `break` that ends a `switch` case is dropped (the model's arms do not fall through);
//!   consecutive empty cases are one arm with several alternatives;
//! - a `catch (e)` handler starts with a [`StmtKind::Declare`] of what it binds, spanning
//!   `catch (e)`: where a failure lands.
//!
//! String values are folded where the file fixes them, as the Go front-end does: literal
//! concatenation with `+`, template literals, `const` strings (substituted everywhere) and
//! local `let`/`var` strings (substituted where passed to a call).
//!
//! The folder splits by what each part reads: `parse` (the two grammars, one parser each a
//! thread), `lower` (the file's units and the scopes of the strings it folds),
//! `statements`, `patterns` (destructuring), `expressions`, `strings` (string literals,
//! templates and their folding), `imports`, `nodes` (what the grammar's node kinds mean to
//! the lowering) and `grammar_gaps` (the TypeScript and JSX the grammars do not read yet).
//!
//! [`ExprKind::Closure`]: crate::model::ExprKind::Closure
//! [`ExprKind::Other`]: crate::model::ExprKind::Other
//! [`StmtKind::Declare`]: crate::model::StmtKind::Declare
//! [`UnitKind::Script`]: crate::model::UnitKind::Script

mod expressions;
mod grammar_gaps;
mod imports;
mod lower;
mod nodes;
mod parse;
mod patterns;
pub(super) mod profile;
mod statements;
mod strings;

use super::treesitter::collect_comments_and_errors;
use super::treesitter::statement_nodes;
use crate::model::{Module, ParseNote};
use lower::Lowerer;

pub use lower::TOP_LEVEL_UNIT;

/// Lowers one TypeScript or JavaScript file or snippet.
pub fn lower(source: &str) -> Module {
    let Some(tree) = parse::parse(source) else {
        return Module {
            diagnostics: vec![ParseNote::warning(
                0..source.len(),
                "the TypeScript parser could not read this file",
            )],
            ..Module::default()
        };
    };
    let root = tree.root_node();
    let mut module = Module::default();
    collect_comments_and_errors(root, source, &mut module);
    let statements = statement_nodes(root);
    module.imports = imports::imports(source, &statements);
    module.exports = imports::exports(source, &statements);
    module.re_exports = imports::re_exports(source, &statements);
    module.units = Lowerer::new(source).file(root);
    module
}
