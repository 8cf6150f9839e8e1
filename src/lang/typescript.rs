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
//! Parsing is here. The lowering is split by what it reads: `lower` (the file's units and
//! the scopes of the strings it folds), `statements`, `patterns` (destructuring),
//! `expressions`, `strings` (string literals, templates and their folding), `imports`,
//! `nodes` (what the grammar's node kinds mean to the lowering) and `grammar_gaps` (the
//! TypeScript and JSX the grammars do not read yet).
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
mod patterns;
mod statements;
mod strings;

use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

use super::gaps;
use super::treesitter::collect_comments_and_errors;
use crate::model::{Module, ParseNote};
use lower::Lowerer;
use nodes::statement_nodes;

/// The name of the unit holding statements that stood outside any function.
pub const TOP_LEVEL_UNIT: &str = "<top-level>";

thread_local! {
    static PARSERS: RefCell<Option<Parsers>> = RefCell::new(Parsers::new());
}

#[derive(Clone, Copy)]
enum Grammar {
    TypeScript,
    Tsx,
}

struct Parsers {
    typescript: Parser,
    tsx: Parser,
}

impl Parsers {
    fn new() -> Option<Parsers> {
        let mut typescript = Parser::new();
        typescript
            .set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
            .ok()?;
        let mut tsx = Parser::new();
        tsx.set_language(&tree_sitter_typescript::LANGUAGE_TSX.into())
            .ok()?;
        Some(Parsers { typescript, tsx })
    }

    fn parse(&mut self, grammar: Grammar, source: &str) -> Option<Tree> {
        match grammar {
            Grammar::TypeScript => self.typescript.parse(source, None),
            Grammar::Tsx => self.tsx.parse(source, None),
        }
    }
}

fn parse_with(grammar: Grammar, source: &str) -> Option<Tree> {
    PARSERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut parsers) => parsers.as_mut()?.parse(grammar, source),
        Err(_) => Parsers::new()?.parse(grammar, source),
    })
}

fn parse_patched(grammar: Grammar, source: &str) -> Option<Tree> {
    gaps::parse_patched(source, |text| parse_with(grammar, text), grammar_gaps::find)
}

fn parse(source: &str) -> Option<Tree> {
    let typescript = parse_patched(Grammar::TypeScript, source)?;
    if !typescript.root_node().has_error() {
        return Some(typescript);
    }
    let in_error = gaps::error_weight(typescript.root_node());
    match parse_patched(Grammar::Tsx, source) {
        Some(tsx) if gaps::error_weight(tsx.root_node()) < in_error => Some(tsx),
        _ => Some(typescript),
    }
}

/// Lowers one TypeScript or JavaScript file or snippet.
pub fn lower(source: &str) -> Module {
    let Some(tree) = parse(source) else {
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
    module.imports = imports::imports(source, &statement_nodes(root));
    module.units = Lowerer::new(source).file(root);
    module
}
