//! The TypeScript and JavaScript front-end: lowers `.ts`, `.tsx`, `.mts`, `.cts`, `.js`,
//! `.jsx`, `.mjs` and `.cjs` files (or snippets) into the language-blind model with
//! tree-sitter-typescript.
//!
//! One grammar pair serves both languages. Plain JavaScript is TypeScript without types, so
//! the TypeScript grammar reads it; JSX needs the TSX grammar, which in turn misreads the
//! `<T>(x: T) => …` generic arrows and `<T>value` casts that TypeScript files use. A file is
//! parsed with the TypeScript grammar first and again with TSX only when that fails; the
//! TSX tree is kept if less of it is in error (TypeScript fails a JSX file as a whole).
//! Either grammar's gaps are patched first (see [`grammar_gaps`]).
//!
//! Units: function declarations, class methods (`Class.method`), and functions bound to a
//! name at the top level (`const f = async () => {…}`, `exports.handler = function …`);
//! a function declared inside another is a unit of its own (`outer.inner`). Function
//! values anywhere else (callbacks, a local `const f = () => …`) stay
//! [`ExprKind::Closure`]s. Statements outside any function form one [`UnitKind::Script`]
//! unit named [`TOP_LEVEL_UNIT`].
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

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

mod grammar_gaps;
mod imports;

use super::MAX_DEPTH;
use super::gaps;
use super::treesitter::{
    StrBuilder, StringBinding, collect_comments_and_errors, named_children, opaque, text,
};
use crate::model::{
    Arm, BinOp, Block, Call, CallRole, Expr, ExprKind, Guard, Loop, LoopKind, Module, ParseNote,
    Stmt, StmtKind, StrLit, Target, TargetKind, UnOp, Unit, UnitKind,
};

/// The name of the unit holding statements that stood outside any function.
pub const TOP_LEVEL_UNIT: &str = "<top-level>";

/// Longest `"a" + "b" + …` chain folded into one string; longer chains stay binary operations.
const MAX_CONCAT_CHAIN: usize = 1024;

/// Top-level constants may be defined in terms of ones declared later in the file; each pass
/// resolves at least one more level of such references.
const CONSTANT_PASSES: usize = 4;

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

/// The named children of `node` with syntax-error regions opened up, so that what
/// tree-sitter could read inside one is still lowered.
fn statement_nodes(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack: Vec<Node> = children_and_errors(node).into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        if node.is_error() {
            stack.extend(children_and_errors(node).into_iter().rev());
        } else {
            out.push(node);
        }
    }
    out
}

/// The named children of `node`, comments left out but error regions kept: an error region
/// can be an "extra" node like a comment.
fn children_and_errors(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.is_error() || !child.is_extra())
        .collect()
}

/// The named children of `node` under `field`, comments and punctuation left out.
fn field_nodes<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor)
        .filter(|child| child.is_named() && !child.is_extra())
        .collect()
}

fn is_function_kind(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

fn is_declaration_kind(kind: &str) -> bool {
    matches!(kind, "lexical_declaration" | "variable_declaration")
}

fn is_type_kind(kind: &str) -> bool {
    kind.ends_with("_type")
        || matches!(
            kind,
            "type_identifier" | "type_annotation" | "type_arguments" | "type_parameters"
        )
}

/// Statements that declare only types or wire modules: nothing runs.
fn declares_nothing(kind: &str) -> bool {
    matches!(
        kind,
        "import_statement"
            | "type_alias_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "ambient_declaration"
            | "function_signature"
            | "abstract_method_signature"
            | "empty_statement"
            | "debugger_statement"
            | "hash_bang_line"
            | "comment"
            | "html_comment"
    )
}

/// `node` with parentheses, type assertions and non-null assertions taken off.
fn unwrap_expression(mut node: Node) -> Node {
    loop {
        node = match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => {
                match named_children(node)
                    .into_iter()
                    .find(|c| !is_type_kind(c.kind()))
                {
                    Some(inner) => inner,
                    None => return node,
                }
            }
            _ => return node,
        };
    }
}

fn operator<'t>(node: Node<'t>) -> &'t str {
    node.child_by_field_name("operator")
        .map(|op| op.kind())
        .unwrap_or("")
}

fn binary_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Rem,
        "**" => BinOp::Pow,
        "<<" => BinOp::Shl,
        ">>" | ">>>" => BinOp::Shr,
        "&" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "&&" => BinOp::And,
        // `a ?? b` is `a` unless it is missing: as a value and as a condition, an "or".
        "||" | "??" => BinOp::Or,
        "==" | "===" => BinOp::Eq,
        "!=" | "!==" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        _ => return None,
    })
}

/// `true` as a loop condition: the loop only ends from inside.
fn is_true(node: Node) -> bool {
    unwrap_expression(node).kind() == "true"
}

struct Lowerer<'s> {
    source: &'s str,
    /// Innermost last; `scopes[0]` holds the top-level constants.
    scopes: Vec<HashMap<String, StringBinding>>,
    /// The names of the units being lowered, outermost first: a function declared inside
    /// one is named after it.
    path: Vec<String>,
    /// Units found inside other units, in the order they were finished.
    nested: Vec<Unit>,
    /// How deep the lowering currently recurses (statements, blocks and expressions).
    depth: usize,
}

impl<'s> Lowerer<'s> {
    fn new(source: &'s str) -> Lowerer<'s> {
        Lowerer {
            source,
            scopes: vec![HashMap::new()],
            path: Vec::new(),
            nested: Vec::new(),
            depth: 0,
        }
    }

    fn text(&self, node: Node) -> &'s str {
        text(self.source, node)
    }

    fn file(&mut self, root: Node) -> Vec<Unit> {
        let items = statement_nodes(root);
        self.top_level_constants(&items);
        let mut units = Vec::new();
        let mut script = Vec::new();
        self.scopes.push(HashMap::new());
        for item in items {
            self.item(item, &mut units, &mut script);
        }
        self.scopes.pop();
        if let (Some(first), Some(last)) = (script.first(), script.last()) {
            let span = first.span.start..last.span.end;
            units.push(Unit {
                name: TOP_LEVEL_UNIT.to_owned(),
                kind: UnitKind::Script,
                span,
                params: Vec::new(),
                body: Block { stmts: script },
            });
        }
        units.append(&mut self.nested);
        units.sort_by_key(|unit| unit.span.start);
        units
    }

    /// Records the strings the file's top-level `const` declarations fix.
    fn top_level_constants(&mut self, items: &[Node]) {
        let mut pending: Vec<(String, Node)> = Vec::new();
        for item in items {
            let declaration = match item.kind() {
                "export_statement" => item.child_by_field_name("declaration"),
                _ => Some(*item),
            };
            let Some(declaration) = declaration.filter(|d| is_const_declaration(*d)) else {
                continue;
            };
            for declarator in field_less_children(declaration, "variable_declarator") {
                let (Some(name), Some(value)) = (
                    declarator.child_by_field_name("name"),
                    declarator.child_by_field_name("value"),
                ) else {
                    continue;
                };
                if name.kind() == "identifier" {
                    pending.push((self.text(name).to_owned(), value));
                }
            }
        }
        for _ in 0..CONSTANT_PASSES {
            let before = pending.len();
            let mut unresolved = Vec::new();
            for (name, value) in pending {
                match self.fold(value, 0) {
                    Some(lit) => {
                        self.scopes[0].insert(name, StringBinding::Const(lit));
                    }
                    None => unresolved.push((name, value)),
                }
            }
            pending = unresolved;
            if pending.len() == before {
                break;
            }
        }
    }

    /// One top-level item: units go to `units`, statements to `script`.
    fn item(&mut self, node: Node, units: &mut Vec<Unit>, script: &mut Vec<Stmt>) {
        match node.kind() {
            "function_declaration" | "generator_function_declaration" => {
                let name = self.declared_name(node);
                units.push(self.top_level_unit(&name, node));
            }
            "class_declaration" | "abstract_class_declaration" => {
                let class = self.declared_name(node);
                self.path.push(class);
                let methods = self.class_units(node);
                self.path.pop();
                units.extend(methods);
            }
            "export_statement" => {
                if let Some(declaration) = node.child_by_field_name("declaration") {
                    self.item(declaration, units, script);
                } else if let Some(value) = node.child_by_field_name("value") {
                    let value = unwrap_expression(value);
                    if is_function_kind(value.kind()) {
                        units.push(self.top_level_unit("default", value));
                    } else if value.kind() == "class" {
                        self.path.push("default".to_owned());
                        let methods = self.class_units(value);
                        self.path.pop();
                        units.extend(methods);
                    } else {
                        self.stmt(value, script);
                    }
                }
            }
            "internal_module" | "module" => {
                let name = node
                    .child_by_field_name("name")
                    .map(|n| self.text(n).to_owned())
                    .unwrap_or_default();
                self.path.push(name);
                if let Some(body) = node.child_by_field_name("body") {
                    for inner in statement_nodes(body) {
                        self.item(inner, units, script);
                    }
                }
                self.path.pop();
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in field_less_children(node, "variable_declarator") {
                    let function = declarator
                        .child_by_field_name("value")
                        .map(unwrap_expression)
                        .filter(|v| is_function_kind(v.kind()));
                    match (declarator.child_by_field_name("name"), function) {
                        (Some(name), Some(function)) if name.kind() == "identifier" => {
                            let name = self.text(name).to_owned();
                            units.push(self.top_level_unit(&name, function));
                        }
                        // A constant is substituted where it is used; it does nothing itself.
                        (Some(name), None)
                            if matches!(
                                self.scopes[0].get(self.text(name)),
                                Some(StringBinding::Const(_))
                            ) => {}
                        _ => self.declarator(node, declarator, script),
                    }
                }
            }
            "expression_statement" => match exported_function(node) {
                Some((target, function)) => {
                    let name = self.dotted_text(target);
                    units.push(self.top_level_unit(&name, function));
                }
                None => match named_children(node).into_iter().next() {
                    Some(namespace) if namespace.kind() == "internal_module" => {
                        self.item(namespace, units, script);
                    }
                    _ => self.stmt(node, script),
                },
            },
            kind if declares_nothing(kind) => {}
            _ => self.stmt(node, script),
        }
    }

    /// The name a declaration gives, or `default` for `export default function () {}`.
    fn declared_name(&self, node: Node) -> String {
        node.child_by_field_name("name")
            .map(|n| self.text(n).to_owned())
            .unwrap_or_else(|| "default".to_owned())
    }

    /// `a.b.c` as written, whitespace removed.
    fn dotted_text(&self, node: Node) -> String {
        self.text(node).split_whitespace().collect()
    }

    /// A top-level function: lowered in the scope of the top-level constants only, since the
    /// top-level statements around it may or may not have run when it is called.
    fn top_level_unit(&mut self, name: &str, node: Node) -> Unit {
        let outer = self.scopes.split_off(1);
        let unit = self.function(name, node);
        self.scopes.extend(outer);
        unit
    }

    /// The methods of a class, and fields holding functions, as units named `Class.member`.
    fn class_units(&mut self, class: Node) -> Vec<Unit> {
        let Some(body) = class.child_by_field_name("body") else {
            return Vec::new();
        };
        let mut units = Vec::new();
        for member in named_children(body) {
            let function = match member.kind() {
                "method_definition" => Some(member),
                "public_field_definition" => member
                    .child_by_field_name("value")
                    .map(unwrap_expression)
                    .filter(|v| is_function_kind(v.kind())),
                _ => None,
            };
            let (Some(function), Some(name)) = (function, member.child_by_field_name("name"))
            else {
                continue;
            };
            let name = self.text(name).to_owned();
            units.push(self.function(&name, function));
        }
        units
    }

    fn function(&mut self, name: &str, node: Node) -> Unit {
        let full_name = self
            .path
            .iter()
            .map(String::as_str)
            .chain([name])
            .collect::<Vec<_>>()
            .join(".");
        self.path.push(name.to_owned());
        let (params, body) = self.function_parts(node);
        self.path.pop();
        Unit {
            name: full_name,
            kind: UnitKind::Function,
            span: node.byte_range(),
            params,
            body,
        }
    }

    /// The parameters and body of a function, method or arrow, in a scope of its own.
    fn function_parts(&mut self, node: Node) -> (Vec<String>, Block) {
        self.scopes.push(HashMap::new());
        let params = match (
            node.child_by_field_name("parameters"),
            node.child_by_field_name("parameter"),
        ) {
            (Some(list), _) => self.parameters(list),
            (None, Some(single)) => {
                let name = self.text(single);
                self.declare(name, StringBinding::Opaque);
                vec![name.to_owned()]
            }
            (None, None) => Vec::new(),
        };
        let body = match node.child_by_field_name("body") {
            Some(body) if body.kind() == "statement_block" => self.block(body),
            // An arrow with an expression body returns it.
            Some(value) => Block {
                stmts: vec![Stmt {
                    span: value.byte_range(),
                    kind: StmtKind::Return(Some(self.expr(value))),
                }],
            },
            None => Block::default(),
        };
        self.scopes.pop();
        (params, body)
    }

    /// One name per parameter (a destructured one is named by its pattern as written); `this`
    /// parameters, which are not arguments, are left out.
    fn parameters(&mut self, list: Node) -> Vec<String> {
        let mut names = Vec::new();
        for param in named_children(list) {
            let pattern = match param.kind() {
                "required_parameter" | "optional_parameter" => param
                    .child_by_field_name("pattern")
                    .or_else(|| param.child_by_field_name("name")),
                _ => Some(param),
            };
            let Some(pattern) = pattern.filter(|p| p.kind() != "this") else {
                continue;
            };
            for name in self.bound_names(pattern) {
                self.declare(&name, StringBinding::Opaque);
            }
            let pattern = match pattern.kind() {
                "assignment_pattern" => pattern.child_by_field_name("left").unwrap_or(pattern),
                "rest_pattern" => named_children(pattern)
                    .into_iter()
                    .next()
                    .unwrap_or(pattern),
                _ => pattern,
            };
            names.push(self.dotted_text(pattern));
        }
        names
    }

    fn lookup(&self, name: &str) -> Option<&StringBinding> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    fn declare(&mut self, name: &str, binding: StringBinding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_owned(), binding);
        }
    }

    /// Rebinds `name` where it was declared; a top-level name is shadowed for the rest of the
    /// unit rather than changed for every later function.
    fn reassign(&mut self, name: &str, binding: StringBinding) {
        let unit_scope = 1.min(self.scopes.len() - 1);
        let index = (unit_scope..self.scopes.len())
            .rev()
            .find(|&i| self.scopes[i].contains_key(name))
            .unwrap_or(unit_scope);
        self.scopes[index].insert(name.to_owned(), binding);
    }

    // ---- statements ----

    fn block(&mut self, node: Node) -> Block {
        self.statements(statement_nodes(node))
    }

    /// A statement that stands as a body (`if (c) x();`), as a block.
    fn body(&mut self, node: Node) -> Block {
        if node.kind() == "statement_block" {
            self.block(node)
        } else {
            self.statements(vec![node])
        }
    }

    /// Lowers `items` in a scope of their own.
    fn statements(&mut self, items: Vec<Node>) -> Block {
        let mut stmts = Vec::new();
        if self.depth >= MAX_DEPTH {
            if let (Some(first), Some(last)) = (items.first(), items.last()) {
                let span = first.start_byte()..last.end_byte();
                stmts.push(Stmt {
                    span: span.clone(),
                    kind: StmtKind::Expr(opaque(span)),
                });
            }
            return Block { stmts };
        }
        self.depth += 1;
        self.scopes.push(HashMap::new());
        for item in items {
            self.stmt(item, &mut stmts);
        }
        self.scopes.pop();
        self.depth -= 1;
        Block { stmts }
    }

    fn stmt(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let span = node.byte_range();
        if self.depth >= MAX_DEPTH {
            out.push(Stmt {
                span: span.clone(),
                kind: StmtKind::Expr(opaque(span)),
            });
            return;
        }
        self.depth += 1;
        let kind = match node.kind() {
            "expression_statement" => named_children(node)
                .into_iter()
                .next()
                .map(|expression| self.expression_statement(expression)),
            "lexical_declaration" | "variable_declaration" => {
                for declarator in field_less_children(node, "variable_declarator") {
                    self.declarator(node, declarator, out);
                }
                None
            }
            "if_statement" => Some(self.if_statement(node)),
            "switch_statement" => Some(self.switch(node)),
            "for_statement" => Some(self.for_statement(node, None)),
            "for_in_statement" => Some(self.for_in(node, None)),
            "while_statement" | "do_statement" => Some(self.while_loop(node, None)),
            "labeled_statement" => {
                self.labeled(node, out);
                None
            }
            "try_statement" => Some(self.try_statement(node)),
            "return_statement" => Some(StmtKind::Return(
                named_children(node)
                    .into_iter()
                    .next()
                    .map(|v| self.expr(v)),
            )),
            "throw_statement" => Some(StmtKind::Throw(match named_children(node).first() {
                Some(value) => self.expr(*value),
                None => opaque(span.clone()),
            })),
            "break_statement" => Some(StmtKind::Break(self.label_of(node))),
            "continue_statement" => Some(StmtKind::Continue(self.label_of(node))),
            "statement_block" => Some(StmtKind::Block(self.block(node))),
            "with_statement" => node
                .child_by_field_name("body")
                .map(|body| StmtKind::Block(self.body(body))),
            "function_declaration" | "generator_function_declaration" => {
                let name = self.declared_name(node);
                let unit = self.function(&name, node);
                self.nested.push(unit);
                None
            }
            "class_declaration" | "abstract_class_declaration" => {
                let class = self.declared_name(node);
                self.path.push(class);
                let methods = self.class_units(node);
                self.path.pop();
                self.nested.extend(methods);
                None
            }
            "export_statement" => {
                if let Some(inner) = node
                    .child_by_field_name("declaration")
                    .or_else(|| node.child_by_field_name("value"))
                {
                    self.stmt(inner, out);
                }
                None
            }
            kind if declares_nothing(kind) => None,
            _ => Some(StmtKind::Expr(self.expr(node))),
        };
        self.depth -= 1;
        if let Some(kind) = kind {
            out.push(Stmt { span, kind });
        }
    }

    fn label_of(&self, node: Node) -> Option<String> {
        node.child_by_field_name("label")
            .map(|l| self.text(l).to_owned())
    }

    /// An expression standing as a statement: assignments and `x++` are
    /// [`StmtKind::Assign`]s, anything else is evaluated for its effect.
    fn expression_statement(&mut self, node: Node) -> StmtKind {
        match node.kind() {
            "assignment_expression" | "augmented_assignment_expression" => self.assignment(node),
            "update_expression" => self.increment(node),
            _ => StmtKind::Expr(self.expr(node)),
        }
    }

    fn assignment(&mut self, node: Node) -> StmtKind {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return StmtKind::Expr(self.expr(node));
        };
        let op = operator(node)
            .strip_suffix('=')
            .filter(|op| !op.is_empty())
            .and_then(binary_op);
        let value = self.expr(right);
        let target = self.target(left);
        if left.kind() == "identifier" {
            let name = self.text(left);
            let assigned = self.fold(right, 0);
            let folded = match op {
                None if node.kind() == "assignment_expression" => assigned,
                Some(BinOp::Add) => match (self.lookup(name), assigned) {
                    (
                        Some(StringBinding::Var(current) | StringBinding::Const(current)),
                        Some(tail),
                    ) => {
                        let mut joined = current.clone();
                        joined.push(&tail);
                        Some(joined)
                    }
                    _ => None,
                },
                _ => None,
            };
            self.reassign(
                name,
                folded.map_or(StringBinding::Opaque, StringBinding::Var),
            );
        } else {
            for name in self.bound_names(left) {
                self.reassign(&name, StringBinding::Opaque);
            }
        }
        StmtKind::Assign {
            targets: vec![target],
            op,
            value,
            else_block: None,
        }
    }

    /// `i++` as `i += 1`.
    fn increment(&mut self, node: Node) -> StmtKind {
        let Some(operand) = node.child_by_field_name("argument") else {
            return StmtKind::Expr(opaque(node.byte_range()));
        };
        let op = if operator(node) == "++" {
            BinOp::Add
        } else {
            BinOp::Sub
        };
        if operand.kind() == "identifier" {
            self.reassign(self.text(operand), StringBinding::Opaque);
        }
        let one_at = if operand.start_byte() == node.start_byte() {
            operand.end_byte()..node.end_byte()
        } else {
            node.start_byte()..operand.start_byte()
        };
        StmtKind::Assign {
            targets: vec![self.target(operand)],
            op: Some(op),
            value: Expr::new(
                one_at,
                ExprKind::Number {
                    text: "1".to_owned(),
                    value: Some(1.0),
                },
            ),
            else_block: None,
        }
    }

    /// One declarator of a `const`/`let`/`var` declaration, as one statement (spanning the
    /// whole declaration when it declares one name).
    fn declarator(&mut self, declaration: Node, declarator: Node, out: &mut Vec<Stmt>) {
        let Some(name) = declarator.child_by_field_name("name") else {
            return;
        };
        let value = declarator.child_by_field_name("value");
        let span = if field_less_children(declaration, "variable_declarator").len() == 1 {
            declaration.byte_range()
        } else {
            declarator.byte_range()
        };
        let kind = match value {
            Some(value) => StmtKind::Assign {
                targets: vec![self.target(name)],
                op: None,
                value: self.expr(value),
                else_block: None,
            },
            None => StmtKind::Declare {
                names: self.bound_names(name),
            },
        };
        let folded = match value {
            Some(value) if name.kind() == "identifier" => self.fold(value, 0),
            _ => None,
        };
        let binding = match folded {
            Some(lit) if is_const_declaration(declaration) => StringBinding::Const(lit),
            Some(lit) => StringBinding::Var(lit),
            None => StringBinding::Opaque,
        };
        if name.kind() == "identifier" {
            self.declare(self.text(name), binding);
        } else {
            for bound in self.bound_names(name) {
                self.declare(&bound, StringBinding::Opaque);
            }
        }
        out.push(Stmt { span, kind });
    }

    fn target(&mut self, node: Node) -> Target {
        let node = unwrap_expression(node);
        let kind = match node.kind() {
            "identifier" => TargetKind::Name(self.text(node).to_owned()),
            "object_pattern" | "array_pattern" => TargetKind::Place(self.pattern(node)),
            _ => TargetKind::Place(self.expr(node)),
        };
        Target {
            span: node.byte_range(),
            kind,
        }
    }

    /// A destructuring pattern as the literal it mirrors: `{rows: [row]}` is a composite
    /// with field `rows` holding the list `[row]`; defaults are left out.
    fn pattern(&mut self, node: Node) -> Expr {
        if self.depth >= MAX_DEPTH {
            return opaque(node.byte_range());
        }
        self.depth += 1;
        let pattern = self.pattern_inner(node);
        self.depth -= 1;
        pattern
    }

    fn pattern_inner(&mut self, node: Node) -> Expr {
        let kind = match node.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                ExprKind::Name(self.text(node).to_owned())
            }
            "object_pattern" => ExprKind::Composite {
                type_name: String::new(),
                fields: named_children(node)
                    .into_iter()
                    .filter_map(|element| self.pattern_field(element))
                    .collect(),
            },
            "array_pattern" => ExprKind::List(
                named_children(node)
                    .into_iter()
                    .map(|element| self.pattern(element))
                    .collect(),
            ),
            "assignment_pattern" | "object_assignment_pattern" => {
                return match node.child_by_field_name("left") {
                    Some(left) => self.pattern(left),
                    None => opaque(node.byte_range()),
                };
            }
            "rest_pattern" => {
                return match named_children(node).into_iter().next() {
                    Some(inner) => self.pattern(inner),
                    None => opaque(node.byte_range()),
                };
            }
            _ => return self.expr(node),
        };
        Expr::new(node.byte_range(), kind)
    }

    /// One element of an object pattern, keyed by the property it reads (`...` for a rest).
    fn pattern_field(&mut self, element: Node) -> Option<(Option<String>, Expr)> {
        Some(match element.kind() {
            "pair_pattern" => {
                let key = element.child_by_field_name("key").and_then(|k| self.key(k));
                (key, self.pattern(element.child_by_field_name("value")?))
            }
            "object_assignment_pattern" => {
                let left = element.child_by_field_name("left")?;
                (Some(self.text(left).to_owned()), self.pattern(left))
            }
            "rest_pattern" => (Some("...".to_owned()), self.pattern(element)),
            _ => (Some(self.text(element).to_owned()), self.pattern(element)),
        })
    }

    /// The variables a pattern binds (`{a, b: [c], ...rest}` binds a, c and rest).
    fn bound_names(&self, pattern: Node) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![pattern];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    out.push(self.text(node).to_owned());
                }
                "pair_pattern" => stack.extend(node.child_by_field_name("value")),
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(node.child_by_field_name("left"));
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    stack.extend(named_children(node).into_iter().rev());
                }
                _ => {}
            }
        }
        out
    }

    /// `if (a) {} else if (b) {} else {}`: one branch whose arms follow the `else if` chain.
    fn if_statement(&mut self, node: Node) -> StmtKind {
        let mut arms = Vec::new();
        let mut current = node;
        loop {
            let guard = match current.child_by_field_name("condition") {
                Some(cond) => self.expr(cond),
                None => opaque(current.byte_range()),
            };
            let consequence = current.child_by_field_name("consequence");
            let body = consequence.map(|b| self.body(b)).unwrap_or_default();
            let end = consequence.map_or(current.end_byte(), |b| b.end_byte());
            arms.push(Arm {
                span: current.start_byte()..end,
                guard: Guard::Cond(guard),
                body,
            });
            let alternative = current
                .child_by_field_name("alternative")
                .and_then(|clause| named_children(clause).into_iter().next());
            match alternative {
                Some(alt) if alt.kind() == "if_statement" => current = alt,
                Some(alt) => {
                    arms.push(Arm {
                        span: alt.byte_range(),
                        guard: Guard::Else,
                        body: self.body(alt),
                    });
                    break;
                }
                None => break,
            }
        }
        StmtKind::Branch {
            subject: None,
            arms,
        }
    }

    /// `switch (v) { case a: case b: …; break; default: … }`: one arm per run of cases that
    /// share a body.
    fn switch(&mut self, node: Node) -> StmtKind {
        let subject = node.child_by_field_name("value").map(|v| self.expr(v));
        let cases = node
            .child_by_field_name("body")
            .map(named_children)
            .unwrap_or_default();
        let mut arms = Vec::new();
        let mut alternatives = Vec::new();
        let mut run_start = None;
        let mut is_default = false;
        for case in cases {
            if !matches!(case.kind(), "switch_case" | "switch_default") {
                continue;
            }
            run_start.get_or_insert(case.start_byte());
            match case.child_by_field_name("value") {
                Some(value) => alternatives.push(self.expr(value)),
                None => is_default = true,
            }
            let body = field_nodes(case, "body");
            if body.is_empty() {
                continue;
            }
            let mut body = self.statements(body);
            drop_closing_break(&mut body);
            let guard = if is_default {
                Guard::Else
            } else {
                Guard::Pattern {
                    alternatives: std::mem::take(&mut alternatives),
                    extra: None,
                }
            };
            arms.push(Arm {
                span: run_start.take().unwrap_or(case.start_byte())..case.end_byte(),
                guard,
                body,
            });
            alternatives.clear();
            is_default = false;
        }
        StmtKind::Branch { subject, arms }
    }

    fn labeled(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let label = self.label_of(node);
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let kind = match body.kind() {
            "for_statement" => self.for_statement(body, label),
            "for_in_statement" => self.for_in(body, label),
            "while_statement" | "do_statement" => self.while_loop(body, label),
            _ => {
                self.stmt(body, out);
                return;
            }
        };
        out.push(Stmt {
            span: node.byte_range(),
            kind,
        });
    }

    fn new_loop(kind: LoopKind, label: Option<String>) -> Loop {
        Loop {
            kind,
            label,
            init: Vec::new(),
            cond: None,
            post: Vec::new(),
            bindings: Vec::new(),
            body: Block::default(),
        }
    }

    /// `for (init; cond; update) body`.
    fn for_statement(&mut self, node: Node, label: Option<String>) -> StmtKind {
        self.scopes.push(HashMap::new());
        let mut lowered = Self::new_loop(LoopKind::Infinite, label);
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, &mut lowered.init);
        }
        let cond = field_nodes(node, "condition")
            .into_iter()
            .next()
            .map(|c| match c.kind() {
                "expression_statement" => named_children(c).into_iter().next().unwrap_or(c),
                _ => c,
            });
        if let Some(cond) = cond.filter(|c| c.kind() != "empty_statement" && !is_true(*c)) {
            lowered.kind = LoopKind::While;
            lowered.cond = Some(self.expr(cond));
        }
        if let Some(update) = node.child_by_field_name("increment") {
            let kind = self.expression_statement(update);
            lowered.post.push(Stmt {
                span: update.byte_range(),
                kind,
            });
        }
        if let Some(body) = node.child_by_field_name("body") {
            lowered.body = self.body(body);
        }
        self.scopes.pop();
        StmtKind::Loop(lowered)
    }

    /// `for (const x of xs)`, `for (k in obj)`, `for await (…)`.
    fn for_in(&mut self, node: Node, label: Option<String>) -> StmtKind {
        self.scopes.push(HashMap::new());
        let mut lowered = Self::new_loop(LoopKind::Each, label);
        lowered.cond = node.child_by_field_name("right").map(|r| self.expr(r));
        if let Some(left) = node.child_by_field_name("left") {
            for name in self.bound_names(unwrap_expression(left)) {
                self.declare(&name, StringBinding::Opaque);
                lowered.bindings.push(name);
            }
        }
        if let Some(body) = node.child_by_field_name("body") {
            lowered.body = self.body(body);
        }
        self.scopes.pop();
        StmtKind::Loop(lowered)
    }

    /// `while (c) body` and `do body while (c)`: the model does not tell them apart.
    fn while_loop(&mut self, node: Node, label: Option<String>) -> StmtKind {
        let mut lowered = Self::new_loop(LoopKind::Infinite, label);
        if let Some(cond) = node
            .child_by_field_name("condition")
            .filter(|c| !is_true(*c))
        {
            lowered.kind = LoopKind::While;
            lowered.cond = Some(self.expr(cond));
        }
        if let Some(body) = node.child_by_field_name("body") {
            lowered.body = self.body(body);
        }
        StmtKind::Loop(lowered)
    }

    fn try_statement(&mut self, node: Node) -> StmtKind {
        let body = node
            .child_by_field_name("body")
            .map(|b| self.block(b))
            .unwrap_or_default();
        let mut catch_binding = None;
        let handler = node.child_by_field_name("handler").map(|clause| {
            self.scopes.push(HashMap::new());
            let mut prelude = Vec::new();
            if let Some(param) = clause.child_by_field_name("parameter") {
                let names = self.bound_names(param);
                for name in &names {
                    self.declare(name, StringBinding::Opaque);
                }
                if param.kind() == "identifier" {
                    catch_binding = Some(self.text(param).to_owned());
                }
                prelude.push(Stmt {
                    span: clause.start_byte()..catch_header_end(clause, param),
                    kind: StmtKind::Declare { names },
                });
            }
            let mut handler = clause
                .child_by_field_name("body")
                .map(|b| self.block(b))
                .unwrap_or_default();
            self.scopes.pop();
            prelude.append(&mut handler.stmts);
            Block { stmts: prelude }
        });
        let finally = node
            .child_by_field_name("finalizer")
            .and_then(|clause| clause.child_by_field_name("body"))
            .map(|b| self.block(b));
        StmtKind::Try {
            body,
            catch_binding,
            handler,
            finally,
        }
    }

    // ---- expressions ----

    fn expr(&mut self, node: Node) -> Expr {
        if self.depth >= MAX_DEPTH {
            return opaque(node.byte_range());
        }
        self.depth += 1;
        let expr = self.expr_inner(node);
        self.depth -= 1;
        expr
    }

    /// One arm per node kind, each in its own function: this frame is on the stack once per
    /// nesting level, so it must stay small.
    fn expr_inner(&mut self, node: Node) -> Expr {
        let kind = match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "spread_element" => {
                let inner = unwrap_expression(node);
                if inner.id() == node.id() {
                    return match named_children(node).into_iter().next() {
                        Some(child) => self.expr(child),
                        None => opaque(node.byte_range()),
                    };
                }
                return self.expr(inner);
            }
            "identifier" => self.identifier(node),
            "this"
            | "super"
            | "null"
            | "undefined"
            | "property_identifier"
            | "private_property_identifier"
            | "shorthand_property_identifier"
            | "statement_identifier"
            | "meta_property"
            | "import" => ExprKind::Name(self.text(node).to_owned()),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "number" => ExprKind::Number {
                text: self.text(node).to_owned(),
                value: number_value(self.text(node)),
            },
            "string" => ExprKind::Str(self.string_literal(node)),
            "template_string" => ExprKind::Str(self.template(node, 0)),
            // What is left of a string whose closing quote is missing.
            "string_fragment" => {
                ExprKind::Str(StrLit::verbatim(self.text(node), node.start_byte()))
            }
            "member_expression" => self.member(node),
            "subscript_expression" => self.subscript(node),
            "call_expression" => self.call(node),
            "new_expression" => self.new_call(node),
            "await_expression" => self.unary_of(node, UnOp::Await),
            "unary_expression" => return self.unary(node),
            "binary_expression" => self.binary(node),
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                let (params, body) = self.function_parts(node);
                ExprKind::Closure { params, body }
            }
            "object" => self.object(node),
            "method_definition" => {
                let (params, body) = self.function_parts(node);
                ExprKind::Closure { params, body }
            }
            "array" => ExprKind::List(self.children(node)),
            kind if is_type_kind(kind) => ExprKind::Name(self.dotted_text(node)),
            _ => ExprKind::Other(self.children(node)),
        };
        Expr::new(node.byte_range(), kind)
    }

    fn children(&mut self, node: Node) -> Vec<Expr> {
        named_children(node)
            .into_iter()
            .filter(|child| !is_type_kind(child.kind()))
            .map(|child| self.expr(child))
            .collect()
    }

    fn identifier(&self, node: Node) -> ExprKind {
        let name = self.text(node);
        match self.lookup(name) {
            Some(StringBinding::Const(lit)) => ExprKind::Str(lit.clone()),
            _ => ExprKind::Name(name.to_owned()),
        }
    }

    /// `a.b`, `a?.b`, `a.#b`.
    fn member(&mut self, node: Node) -> ExprKind {
        let Some(object) = node.child_by_field_name("object") else {
            return ExprKind::Other(self.children(node));
        };
        ExprKind::Field {
            base: Box::new(self.expr(object)),
            name: node
                .child_by_field_name("property")
                .map(|p| self.text(p).to_owned())
                .unwrap_or_default(),
        }
    }

    fn subscript(&mut self, node: Node) -> ExprKind {
        match (
            node.child_by_field_name("object"),
            node.child_by_field_name("index"),
        ) {
            (Some(base), Some(index)) => ExprKind::Index {
                base: Box::new(self.expr(base)),
                index: Box::new(self.expr(index)),
            },
            _ => ExprKind::Other(self.children(node)),
        }
    }

    /// `f(a)`, `o?.m(a)`, and a tagged template `` tag`…` ``, whose template is its argument.
    fn call(&mut self, node: Node) -> ExprKind {
        let Some(callee) = node.child_by_field_name("function") else {
            return ExprKind::Other(self.children(node));
        };
        let callee = self.expr(callee);
        let args = match node.child_by_field_name("arguments") {
            Some(template) if template.kind() == "template_string" => {
                vec![Expr::new(
                    template.byte_range(),
                    ExprKind::Str(self.template(template, 0)),
                )]
            }
            Some(args) => self.arguments(args),
            None => Vec::new(),
        };
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    /// `new X(a)`: a call of `X`.
    fn new_call(&mut self, node: Node) -> ExprKind {
        let callee = match node.child_by_field_name("constructor") {
            Some(constructor) => self.expr(constructor),
            None => opaque(node.start_byte()..node.start_byte()),
        };
        let args = node
            .child_by_field_name("arguments")
            .map(|args| self.arguments(args))
            .unwrap_or_default();
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    /// Call arguments: a local variable holding a known string is passed as that string.
    fn arguments(&mut self, list: Node) -> Vec<Expr> {
        named_children(list)
            .into_iter()
            .map(|arg| {
                if arg.kind() == "identifier"
                    && let Some(StringBinding::Var(lit)) = self.lookup(self.text(arg))
                {
                    return Expr::new(arg.byte_range(), ExprKind::Str(lit.clone()));
                }
                self.expr(arg)
            })
            .collect()
    }

    fn unary_of(&mut self, node: Node, op: UnOp) -> ExprKind {
        match named_children(node).into_iter().next() {
            Some(operand) => ExprKind::Unary {
                op,
                operand: Box::new(self.expr(operand)),
            },
            None => ExprKind::Other(Vec::new()),
        }
    }

    fn unary(&mut self, node: Node) -> Expr {
        let span = node.byte_range();
        let Some(operand) = node.child_by_field_name("argument") else {
            return opaque(span);
        };
        let operand = self.expr(operand);
        let op = match operator(node) {
            "!" => UnOp::Not,
            "-" => UnOp::Neg,
            "+" => return operand,
            _ => return Expr::new(span, ExprKind::Other(vec![operand])),
        };
        Expr::new(
            span,
            ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        )
    }

    fn binary(&mut self, node: Node) -> ExprKind {
        let op = operator(node);
        if op == "+"
            && let Some(lit) = self.fold(node, 0)
        {
            return ExprKind::Str(lit);
        }
        let lhs = match node.child_by_field_name("left") {
            Some(l) => self.expr(l),
            None => opaque(node.start_byte()..node.start_byte()),
        };
        let rhs = match node.child_by_field_name("right") {
            Some(r) => self.expr(r),
            None => opaque(node.end_byte()..node.end_byte()),
        };
        match binary_op(op) {
            Some(op) => ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            None => ExprKind::Other(vec![lhs, rhs]),
        }
    }

    /// An object literal as a composite with no type name: `{ retries: 3, ...defaults,
    /// shouldRetry(e) {…} }`. A spread is a field named `...`; a computed key has no name.
    fn object(&mut self, node: Node) -> ExprKind {
        let mut fields = Vec::new();
        for member in named_children(node) {
            let field = match member.kind() {
                "pair" => {
                    let key = member.child_by_field_name("key").and_then(|k| self.key(k));
                    let value = match member.child_by_field_name("value") {
                        Some(v) => self.expr(v),
                        None => opaque(member.end_byte()..member.end_byte()),
                    };
                    (key, value)
                }
                "shorthand_property_identifier" => (
                    Some(self.text(member).to_owned()),
                    Expr::new(member.byte_range(), self.identifier(member)),
                ),
                "method_definition" => {
                    let key = member.child_by_field_name("name").and_then(|k| self.key(k));
                    let (params, body) = self.function_parts(member);
                    (
                        key,
                        Expr::new(member.byte_range(), ExprKind::Closure { params, body }),
                    )
                }
                "spread_element" => (Some("...".to_owned()), self.expr(member)),
                _ => (None, self.expr(member)),
            };
            fields.push(field);
        }
        ExprKind::Composite {
            type_name: String::new(),
            fields,
        }
    }

    /// A property key as its name: `a`, `'a'` and `"a"` are all `a`; a computed key has none.
    fn key(&self, key: Node) -> Option<String> {
        match key.kind() {
            "computed_property_name" => None,
            "string" => Some(self.string_literal(key).value),
            _ => Some(self.text(key).to_owned()),
        }
    }

    // ---- string folding ----

    /// A quoted string's value, escapes decoded. An unterminated literal (a syntax error)
    /// runs to its end.
    fn string_literal(&self, node: Node) -> StrLit {
        let raw = self.text(node);
        let quote = raw.chars().next().filter(|q| matches!(q, '"' | '\''));
        let open = quote.map_or(0, char::len_utf8);
        let closed = quote.is_some_and(|q| raw.len() > open && raw.ends_with(q));
        let body = node.start_byte() + open..node.end_byte() - usize::from(closed);
        let mut out = StrBuilder::default();
        self.decode_body(node, body.clone(), &mut out, &mut |_, _, _| {});
        out.finish(body.end)
    }

    /// A template literal's value: its text with CRLF read as LF (as JavaScript does),
    /// escapes decoded, and each `${…}` replaced by the string it folds to or by a
    /// placeholder `argN` mapped to the hole's expression.
    fn template(&self, node: Node, depth: usize) -> StrLit {
        let raw = self.text(node);
        let closed = raw.len() > 1 && raw.ends_with('`');
        let body = node.start_byte() + 1..node.end_byte() - usize::from(closed);
        let mut out = StrBuilder::default();
        let mut holes = 0;
        self.decode_body(node, body.clone(), &mut out, &mut |lowerer, hole, out| {
            holes += 1;
            let inner = named_children(hole).into_iter().next();
            match inner.and_then(|e| lowerer.fold(e, depth + 1)) {
                Some(lit) => out.push_lit(&lit),
                None => out.push_at(
                    &format!("arg{holes}"),
                    inner.map_or(hole.start_byte(), |e| e.start_byte()),
                ),
            }
        });
        out.finish(body.end)
    }

    /// Decodes the text of a string or template between its delimiters (`body`): the
    /// children that are escape sequences are decoded, template substitutions handed to
    /// `hole`, and every other byte copied as it stands.
    fn decode_body(
        &self,
        node: Node,
        body: Range<usize>,
        out: &mut StrBuilder,
        hole: &mut dyn FnMut(&Self, Node, &mut StrBuilder),
    ) {
        let is_template = node.kind() == "template_string";
        let mut copy_from = body.start;
        let copy_to = |out: &mut StrBuilder, from: usize, to: usize| {
            let Some(piece) = self.source.get(from..to) else {
                return;
            };
            if !is_template {
                out.push_file(piece, from);
                return;
            }
            let mut offset = from;
            for (i, part) in piece.split("\r\n").enumerate() {
                if i > 0 {
                    out.push_at("\n", offset - 1);
                }
                out.push_file(part, offset);
                offset += part.len() + 2;
            }
        };
        for child in named_children(node) {
            let range = child.byte_range();
            if range.start < copy_from || range.end > body.end {
                continue;
            }
            match child.kind() {
                "escape_sequence" => {
                    copy_to(out, copy_from, range.start);
                    out.push_at(&decode_escape(self.text(child)), range.start);
                }
                "template_substitution" => {
                    copy_to(out, copy_from, range.start);
                    hole(self, child, out);
                }
                _ => continue,
            }
            copy_from = range.end;
        }
        copy_to(out, copy_from, body.end);
    }

    /// The string value of `node` when the file's own text fixes it.
    fn fold(&self, node: Node, depth: usize) -> Option<StrLit> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let node = unwrap_expression(node);
        match node.kind() {
            "string" => Some(self.string_literal(node)),
            "template_string" => Some(self.template(node, depth)),
            "identifier" => match self.lookup(self.text(node))? {
                StringBinding::Const(lit) | StringBinding::Var(lit) => Some(lit.clone()),
                StringBinding::Opaque => None,
            },
            "binary_expression" if operator(node) == "+" => self.fold_concat(node, depth),
            _ => None,
        }
    }

    /// `a + b + c` (parsed as `(a + b) + c`): walks the left spine without recursing.
    fn fold_concat(&self, node: Node, depth: usize) -> Option<StrLit> {
        let mut rights = Vec::new();
        let mut leftmost = node;
        while leftmost.kind() == "binary_expression" && operator(leftmost) == "+" {
            if rights.len() == MAX_CONCAT_CHAIN {
                return None;
            }
            rights.push(leftmost.child_by_field_name("right")?);
            leftmost = unwrap_expression(leftmost.child_by_field_name("left")?);
        }
        let mut folded = self.fold(leftmost, depth + 1)?;
        for right in rights.iter().rev() {
            folded.push(&self.fold(*right, depth + 1)?);
        }
        Some(folded)
    }
}

/// Where `catch (e)` ends: after its closing parenthesis (or the binding, if that is missing).
fn catch_header_end(clause: Node, param: Node) -> usize {
    let mut cursor = clause.walk();
    let close = clause
        .children(&mut cursor)
        .find(|c| c.kind() == ")" && c.start_byte() >= param.end_byte() && !c.is_missing());
    close.map_or(param.end_byte(), |c| c.end_byte())
}

/// Takes off the unlabeled `break` that ends a `switch` case (inside a trailing block too):
/// it leaves the switch, which in the model is where an arm ends anyway.
fn drop_closing_break(block: &mut Block) {
    let mut block = block;
    loop {
        match block.stmts.last().map(|s| &s.kind) {
            Some(StmtKind::Break(None)) => {
                block.stmts.pop();
                return;
            }
            Some(StmtKind::Block(_)) => {
                let Some(StmtKind::Block(inner)) = block.stmts.last_mut().map(|s| &mut s.kind)
                else {
                    return;
                };
                block = inner;
            }
            _ => return,
        }
    }
}

/// The children of `node` of kind `kind` (declarators have no field name of their own).
fn field_less_children<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    named_children(node)
        .into_iter()
        .filter(|c| c.kind() == kind)
        .collect()
}

fn is_const_declaration(node: Node) -> bool {
    is_declaration_kind(node.kind())
        && node
            .child_by_field_name("kind")
            .is_some_and(|k| k.kind() == "const")
}

/// `exports.handler = async (event) => {…}`, `module.exports.run = function () {…}`: the
/// assigned name and the function.
fn exported_function(statement: Node) -> Option<(Node, Node)> {
    let assignment = named_children(statement).into_iter().next()?;
    if assignment.kind() != "assignment_expression" {
        return None;
    }
    let target = assignment.child_by_field_name("left")?;
    let value = unwrap_expression(assignment.child_by_field_name("right")?);
    (matches!(target.kind(), "identifier" | "member_expression") && is_function_kind(value.kind()))
        .then_some((target, value))
}

/// The value of a JavaScript number literal (`30_000`, `0x1F`, `1e3`, `10n`), if it fits an
/// `f64`.
fn number_value(text: &str) -> Option<f64> {
    let digits: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let digits = digits.strip_suffix('n').unwrap_or(&digits);
    let radix = match digits.get(..2) {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => return digits.parse::<f64>().ok(),
    };
    u128::from_str_radix(&digits[2..], radix)
        .ok()
        .map(|v| v as f64)
}

/// What a JavaScript escape sequence (`escape` starts with `\`) stands for. A line
/// continuation stands for nothing; an escape JavaScript does not know stands for the
/// character after the backslash.
fn decode_escape(escape: &str) -> String {
    let rest = escape.get(1..).unwrap_or("");
    let hex = |digits: &str| {
        u32::from_str_radix(digits, 16)
            .ok()
            .and_then(char::from_u32)
    };
    let decoded = match rest.as_bytes().first() {
        Some(b'n') => Some('\n'),
        Some(b'r') => Some('\r'),
        Some(b't') => Some('\t'),
        Some(b'b') => Some('\x08'),
        Some(b'f') => Some('\x0c'),
        Some(b'v') => Some('\x0b'),
        Some(b'0') if rest.len() == 1 => Some('\0'),
        Some(b'x') => rest.get(1..3).and_then(hex),
        Some(b'u') => match rest.strip_prefix("u{") {
            Some(braced) => braced.strip_suffix('}').and_then(hex),
            None => rest.get(1..5).and_then(hex),
        },
        Some(b'\r' | b'\n') => return String::new(),
        _ => None,
    };
    match decoded {
        Some(c) => c.to_string(),
        None if rest.starts_with(['\u{2028}', '\u{2029}']) => String::new(),
        None => rest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_separators_radixes_and_bigints() {
        assert_eq!(number_value("30_000"), Some(30000.0));
        assert_eq!(number_value("0x1F"), Some(31.0));
        assert_eq!(number_value("0b101"), Some(5.0));
        assert_eq!(number_value("0o17"), Some(15.0));
        assert_eq!(number_value("1e3"), Some(1000.0));
        assert_eq!(number_value(".5"), Some(0.5));
        assert_eq!(number_value("10n"), Some(10.0));
        assert_eq!(number_value("0xZZ"), None);
    }

    #[test]
    fn escapes_decode_as_javascript_reads_them() {
        assert_eq!(decode_escape("\\n"), "\n");
        assert_eq!(decode_escape("\\'"), "'");
        assert_eq!(decode_escape("\\x41"), "A");
        assert_eq!(decode_escape("\\u0041"), "A");
        assert_eq!(decode_escape("\\u{1F600}"), "😀");
        assert_eq!(decode_escape("\\0"), "\0");
        assert_eq!(decode_escape("\\\n"), "");
        assert_eq!(decode_escape("\\\r\n"), "");
        assert_eq!(decode_escape("\\q"), "q");
        assert_eq!(decode_escape("\\u{110000}"), "u{110000}");
    }
}
