//! The Go front-end: lowers Go source, a whole file or a snippet as pasted in a review, into
//! the language-blind model with tree-sitter-go.
//!
//! tree-sitter-go accepts statements at the top level of a file (to read documentation
//! snippets), so a snippet needs no wrapping: statements outside any function become one
//! [`UnitKind::Script`] unit named `<snippet>`, and every span is already a byte offset into
//! the text as given.
//!
//! String values are folded where the program's own text fixes them, so that SQL built from
//! pieces is still seen as SQL: literal concatenation, same-file constants, local string
//! variables passed to a call, and `fmt.Sprintf` templates. Each folded [`StrLit`] maps every
//! byte back to the file.
//!
//! The tree-sitter helpers marked `pub(super)` (comments and syntax errors, child lists,
//! [`StrBuilder`]) serve the TypeScript front-end too: both grammars share those shapes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use super::MAX_DEPTH;
use super::gaps::{self, Patch};
use super::treesitter::{
    StrBuilder, StringBinding, collect_comments_and_errors, field_children, named_children, opaque,
    text,
};
use crate::model::{
    Arm, BinOp, Block, Call, CallRole, Expr, ExprKind, Guard, Import, Loop, LoopKind, Module,
    ParseNote, Stmt, StmtKind, StrLit, Target, TargetKind, UnOp, Unit, UnitKind,
};

/// The name of the unit holding statements that stood outside any function.
pub const SNIPPET_UNIT: &str = "<snippet>";

/// Longest `"a" + "b" + …` chain folded into one string; longer chains stay binary operations.
const MAX_CONCAT_CHAIN: usize = 1024;

/// Package-level constants may be defined in terms of ones declared later in the file; each
/// pass resolves at least one more level of such references.
const CONSTANT_PASSES: usize = 4;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = RefCell::new(new_parser());
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
    Some(parser)
}

fn parse(source: &str) -> Option<Tree> {
    PARSER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut parser) => parser.as_mut()?.parse(source, None),
        Err(_) => new_parser()?.parse(source, None),
    })
}

/// Go 1.26 lets `new` take an expression (`new(time.Now())`, `new(0)`), where
/// tree-sitter-go 0.25 reads only a type. A `new` whose argument does not read as a type in
/// a file of its own is renamed, so that it reads as the call of a function it now is.
fn new_of_an_expression(tree: &Tree, text: &str) -> Vec<Patch> {
    let tokens = gaps::tokens(tree.root_node());
    let mut patches = Vec::new();
    for (at, word) in tokens.iter().enumerate() {
        let opens = tokens.get(at + 1).is_some_and(|next| next.kind() == "(");
        let after_dot = at > 0 && tokens[at - 1].kind() == ".";
        if word.utf8_text(text.as_bytes()) != Ok("new") || !opens || after_dot {
            continue;
        }
        let Some(close) = closing_paren(&tokens[at + 1..]) else {
            continue;
        };
        let argument = &text[tokens[at + 1].end_byte()..close.start_byte()];
        let alone = format!("package p\nvar _ = new({argument})\n");
        if parse(&alone).is_some_and(|tree| tree.root_node().has_error()) {
            patches.push(Patch::name(word.byte_range()));
        }
    }
    patches
}

/// The `)` that closes the `(` `tokens` starts with.
fn closing_paren<'t>(tokens: &[Node<'t>]) -> Option<Node<'t>> {
    let mut depth = 0usize;
    for token in tokens {
        match token.kind() {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    return Some(*token);
                }
            }
            _ => {}
        }
    }
    None
}

/// Lowers one Go file or snippet.
pub fn lower(source: &str) -> Module {
    let Some(tree) = gaps::parse_patched(source, parse, new_of_an_expression) else {
        return Module {
            diagnostics: vec![ParseNote::warning(
                0..source.len(),
                "the Go parser could not read this file",
            )],
            ..Module::default()
        };
    };
    let root = tree.root_node();
    let mut module = Module::default();
    collect_comments_and_errors(root, source, &mut module);
    module.imports = imports(source, root);
    module.units = Lowerer::new(source).file(root);
    module
}

/// The file's imports, each by the name its code uses: the alias, else the package name
/// the path suggests (`github.com/avast/retry-go/v4` → `retry`, `…/go-retryablehttp` →
/// `retryablehttp`). Blank and dot imports bind no name.
fn imports(source: &str, root: Node) -> Vec<Import> {
    let mut specs = Vec::new();
    for declaration in named_children(root)
        .into_iter()
        .filter(|n| n.kind() == "import_declaration")
    {
        for child in named_children(declaration) {
            match child.kind() {
                "import_spec" => specs.push(child),
                "import_spec_list" => specs.extend(named_children(child)),
                _ => {}
            }
        }
    }
    specs
        .into_iter()
        .filter_map(|spec| {
            let path = text(source, spec.child_by_field_name("path")?).trim_matches(['"', '`']);
            let local = match spec.child_by_field_name("name") {
                Some(name) if matches!(text(source, name), "_" | ".") => return None,
                Some(name) => text(source, name).to_owned(),
                None => package_name(path),
            };
            Some(Import {
                local,
                source: path.to_owned(),
            })
        })
        .collect()
}

/// The package name an import path conventionally has: its last element, without a major
/// version element (`/v4`) and without a `go-` prefix or `-go` suffix.
fn package_name(path: &str) -> String {
    let mut elements = path.rsplit('/');
    let mut last = elements.next().unwrap_or(path);
    let is_version = |e: &str| {
        e.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if is_version(last)
        && let Some(previous) = elements.next()
    {
        last = previous;
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    let last = last.strip_suffix("-go").unwrap_or(last);
    last.replace(['-', '.'], "_")
}

/// The statements among `nodes`, with statement lists and error regions opened up so that
/// what tree-sitter could read inside a syntax error is still lowered.
fn statement_nodes<'t>(nodes: Vec<Node<'t>>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack: Vec<Node<'t>> = nodes.into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        if node.kind() == "statement_list" || node.is_error() {
            stack.extend(named_children(node).into_iter().rev());
        } else if node.is_named() && !node.is_extra() {
            out.push(node);
        }
    }
    out
}

/// The items of an `expression_list` (or the node itself when it is a single expression).
fn list_items(node: Option<Node>) -> Vec<Node> {
    match node {
        Some(list) if list.kind() == "expression_list" => named_children(list),
        Some(single) => vec![single],
        None => Vec::new(),
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
        "<<" => BinOp::Shl,
        ">>" => BinOp::Shr,
        // `&^` (and not) clears bits like `&` does; the rules only care that it masks.
        "&" | "&^" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "&&" => BinOp::And,
        "||" => BinOp::Or,
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        _ => return None,
    })
}

fn is_type_kind(kind: &str) -> bool {
    kind.ends_with("_type") || kind == "type_identifier"
}

/// A type as written, with whitespace runs collapsed (`map[string] int` → `map[string] int`,
/// `chan  int` → `chan int`).
fn type_text(source: &str, node: Node) -> String {
    text(source, node)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

struct Lowerer<'s> {
    source: &'s str,
    /// Innermost last; `scopes[0]` holds the package-level constants.
    scopes: Vec<HashMap<String, StringBinding>>,
    /// How deep the lowering currently recurses (statements, blocks and expressions).
    depth: usize,
}

impl<'s> Lowerer<'s> {
    fn new(source: &'s str) -> Lowerer<'s> {
        Lowerer {
            source,
            scopes: vec![HashMap::new()],
            depth: 0,
        }
    }

    fn text(&self, node: Node) -> &'s str {
        text(self.source, node)
    }

    fn file(&mut self, root: Node) -> Vec<Unit> {
        let items = statement_nodes(named_children(root));
        self.package_constants(&items);
        let is_snippet = items.iter().any(|item| {
            !matches!(
                item.kind(),
                "package_clause"
                    | "import_declaration"
                    | "type_declaration"
                    | "function_declaration"
                    | "method_declaration"
                    | "const_declaration"
                    | "var_declaration"
            )
        });
        let mut units = Vec::new();
        let mut script_items = Vec::new();
        for item in items {
            match item.kind() {
                "function_declaration" | "method_declaration" => units.push(self.function(item)),
                "package_clause" | "import_declaration" | "type_declaration" => {}
                "const_declaration" | "var_declaration" if !is_snippet => {}
                _ => script_items.push(item),
            }
        }
        if let (Some(first), Some(last)) = (script_items.first(), script_items.last()) {
            let span = first.start_byte()..last.end_byte();
            units.push(Unit {
                name: SNIPPET_UNIT.to_owned(),
                kind: UnitKind::Script,
                span,
                params: Vec::new(),
                body: self.statements(script_items, Vec::new()),
            });
        }
        units.sort_by_key(|unit| unit.span.start);
        units
    }

    /// Records the string constants and string variables declared at package level.
    fn package_constants(&mut self, items: &[Node]) {
        let mut pending: Vec<(String, Node)> = Vec::new();
        for item in items {
            if matches!(item.kind(), "const_declaration" | "var_declaration") {
                for spec in specs(*item) {
                    let names = field_children(spec, "name");
                    let values = list_items(spec.child_by_field_name("value"));
                    if names.len() == values.len() {
                        pending.extend(names.iter().map(|n| self.text(*n).to_owned()).zip(values));
                    }
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

    fn lookup(&self, name: &str) -> Option<&StringBinding> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    /// Binds `name` in the innermost scope (`:=`, `var`, `const`, parameters).
    fn declare(&mut self, name: &str, binding: StringBinding) {
        if name == "_" {
            return;
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_owned(), binding);
        }
    }

    /// Rebinds `name` where it was declared (`=`, `+=`); a package-level name is shadowed
    /// for the rest of the unit rather than changed for every later function.
    fn reassign(&mut self, name: &str, binding: StringBinding) {
        if name == "_" {
            return;
        }
        let unit_scope = 1.min(self.scopes.len() - 1);
        let index = (unit_scope..self.scopes.len())
            .rev()
            .find(|&i| self.scopes[i].contains_key(name))
            .unwrap_or(unit_scope);
        self.scopes[index].insert(name.to_owned(), binding);
    }

    fn function(&mut self, node: Node) -> Unit {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("<unnamed>");
        let name = match node.child_by_field_name("receiver").and_then(receiver_type) {
            Some(receiver) => format!("{}.{name}", self.text(receiver)),
            None => name.to_owned(),
        };
        self.scopes.push(HashMap::new());
        let params = self.parameters(node.child_by_field_name("parameters"));
        // Named results are variables of the function too.
        self.parameters(node.child_by_field_name("result"));
        let body = match node.child_by_field_name("body") {
            Some(body) => self.block(body),
            None => Block::default(),
        };
        self.scopes.pop();
        Unit {
            name,
            kind: UnitKind::Function,
            span: node.byte_range(),
            params,
            body,
        }
    }

    /// The names of a parameter list, declared as opaque in the current scope.
    fn parameters(&mut self, list: Option<Node>) -> Vec<String> {
        let Some(list) = list.filter(|l| l.kind() == "parameter_list") else {
            return Vec::new();
        };
        let mut names = Vec::new();
        for param in named_children(list) {
            for name in field_children(param, "name") {
                let name = self.text(name);
                self.declare(name, StringBinding::Opaque);
                names.push(name.to_owned());
            }
        }
        names
    }

    // ---- statements ----

    fn block(&mut self, node: Node) -> Block {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        self.statements(statement_nodes(children), Vec::new())
    }

    /// The body of a `case`/`default` clause, after `prelude` (names the clause binds).
    fn case_body(&mut self, case: Node, prelude: Vec<Stmt>) -> Block {
        let lists = named_children(case)
            .into_iter()
            .filter(|c| c.kind() == "statement_list")
            .collect();
        self.statements(statement_nodes(lists), prelude)
    }

    /// Lowers `items` in a scope of their own.
    fn statements(&mut self, items: Vec<Node>, mut stmts: Vec<Stmt>) -> Block {
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
            "expression_statement" => Some(StmtKind::Expr(self.first_child_expr(node))),
            "short_var_declaration" | "assignment_statement" => Some(self.assignment(node)),
            "inc_statement" | "dec_statement" => Some(self.increment(node)),
            "var_declaration" | "const_declaration" => {
                self.declaration(node, out);
                None
            }
            "type_declaration" | "empty_statement" => None,
            "if_statement" => {
                self.if_statement(node, out);
                None
            }
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                self.switch(node, out);
                None
            }
            "for_statement" => Some(self.for_statement(node, None)),
            "labeled_statement" => {
                self.labeled(node, out);
                None
            }
            "return_statement" => {
                let values = list_items(named_children(node).into_iter().next());
                Some(StmtKind::Return(self.values(&values)))
            }
            "break_statement" => Some(StmtKind::Break(self.label_of(node))),
            "continue_statement" => Some(StmtKind::Continue(self.label_of(node))),
            "defer_statement" => Some(StmtKind::Defer(self.first_child_expr(node))),
            // The goroutine's call is evaluated here; when it runs is not this unit's flow.
            "go_statement" => Some(StmtKind::Expr(self.first_child_expr(node))),
            "block" => Some(StmtKind::Block(self.block(node))),
            _ => Some(StmtKind::Expr(self.expr(node))),
        };
        self.depth -= 1;
        if let Some(kind) = kind {
            out.push(Stmt { span, kind });
        }
    }

    fn first_child_expr(&mut self, node: Node) -> Expr {
        match named_children(node).into_iter().next() {
            Some(child) => self.expr(child),
            None => opaque(node.byte_range()),
        }
    }

    fn label_of(&self, node: Node) -> Option<String> {
        named_children(node)
            .into_iter()
            .find(|c| c.kind() == "label_name")
            .map(|l| self.text(l).to_owned())
    }

    /// One value, or a [`ExprKind::List`] of several (`return a, b`, `x, y = 1, 2`).
    fn values(&mut self, nodes: &[Node]) -> Option<Expr> {
        match nodes {
            [] => None,
            [single] => Some(self.expr(*single)),
            [first, .., last] => {
                let items = nodes.iter().map(|n| self.expr(*n)).collect();
                Some(Expr::new(
                    first.start_byte()..last.end_byte(),
                    ExprKind::List(items),
                ))
            }
        }
    }

    fn target(&mut self, node: Node) -> Target {
        let kind = match node.kind() {
            "identifier" if self.text(node) == "_" => TargetKind::Discard,
            "identifier" => TargetKind::Name(self.text(node).to_owned()),
            _ => TargetKind::Place(self.expr(node)),
        };
        Target {
            span: node.byte_range(),
            kind,
        }
    }

    fn assignment(&mut self, node: Node) -> StmtKind {
        let left = list_items(node.child_by_field_name("left"));
        let right = list_items(node.child_by_field_name("right"));
        let op = operator(node).strip_suffix('=').and_then(binary_op);
        let value = self
            .values(&right)
            .unwrap_or_else(|| opaque(node.end_byte()..node.end_byte()));
        let targets: Vec<Target> = left.iter().map(|n| self.target(*n)).collect();
        let declares = node.kind() == "short_var_declaration";
        for (i, name_node) in left.iter().enumerate() {
            if name_node.kind() != "identifier" {
                continue;
            }
            let name = self.text(*name_node);
            let assigned = (left.len() == right.len())
                .then(|| self.fold(right[i], 0))
                .flatten();
            let folded = match op {
                None => assigned,
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
                Some(_) => None,
            };
            let binding = folded.map_or(StringBinding::Opaque, StringBinding::Var);
            if declares {
                self.declare(name, binding);
            } else {
                self.reassign(name, binding);
            }
        }
        StmtKind::Assign {
            targets,
            op,
            value,
            else_block: None,
        }
    }

    /// `i++` as `i += 1`.
    fn increment(&mut self, node: Node) -> StmtKind {
        let Some(operand) = named_children(node).into_iter().next() else {
            return StmtKind::Expr(opaque(node.byte_range()));
        };
        let op = if node.kind() == "inc_statement" {
            BinOp::Add
        } else {
            BinOp::Sub
        };
        if operand.kind() == "identifier" {
            self.reassign(self.text(operand), StringBinding::Opaque);
        }
        StmtKind::Assign {
            targets: vec![self.target(operand)],
            op: Some(op),
            value: Expr::new(
                operand.end_byte()..node.end_byte(),
                ExprKind::Number {
                    text: "1".to_owned(),
                    value: Some(1.0),
                },
            ),
            else_block: None,
        }
    }

    /// `var`/`const` inside a unit: one statement per spec.
    fn declaration(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let is_const = node.kind() == "const_declaration";
        for spec in specs(node) {
            let names = field_children(spec, "name");
            let values = list_items(spec.child_by_field_name("value"));
            let kind = match self.values(&values) {
                Some(value) => {
                    let targets = names.iter().map(|n| self.target(*n)).collect();
                    StmtKind::Assign {
                        targets,
                        op: None,
                        value,
                        else_block: None,
                    }
                }
                None => StmtKind::Declare {
                    names: names.iter().map(|n| self.text(*n).to_owned()).collect(),
                },
            };
            let declared_string = spec
                .child_by_field_name("type")
                .is_some_and(|t| self.text(t) == "string");
            for (i, name) in names.iter().enumerate() {
                let folded = if values.is_empty() && declared_string {
                    // `var q string`: the empty string, ready for `q += "…"`.
                    Some(StrLit::verbatim("", spec.end_byte()))
                } else if values.len() == names.len() {
                    self.fold(values[i], 0)
                } else {
                    None
                };
                let binding = match folded {
                    Some(lit) if is_const => StringBinding::Const(lit),
                    Some(lit) => StringBinding::Var(lit),
                    None => StringBinding::Opaque,
                };
                self.declare(self.text(*name), binding);
            }
            out.push(Stmt {
                span: spec.byte_range(),
                kind,
            });
        }
    }

    /// `if init; a {} else if b {} else {}`: the initializer, then one branch whose arms
    /// follow the `else if` chain. An `else if` with its own initializer stays nested in
    /// the `else` arm, since its initializer only runs when the earlier conditions fail.
    fn if_statement(&mut self, node: Node, out: &mut Vec<Stmt>) {
        self.scopes.push(HashMap::new());
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, out);
        }
        let mut arms = Vec::new();
        let mut current = node;
        loop {
            let guard = match current.child_by_field_name("condition") {
                Some(cond) => self.expr(cond),
                None => opaque(current.byte_range()),
            };
            let consequence = current.child_by_field_name("consequence");
            let body = consequence.map(|b| self.block(b)).unwrap_or_default();
            let end = consequence.map_or(current.end_byte(), |b| b.end_byte());
            arms.push(Arm {
                span: current.start_byte()..end,
                guard: Guard::Cond(guard),
                body,
            });
            match current.child_by_field_name("alternative") {
                Some(alt)
                    if alt.kind() == "if_statement"
                        && alt.child_by_field_name("initializer").is_none() =>
                {
                    current = alt;
                }
                Some(alt) => {
                    let body = if alt.kind() == "block" {
                        self.block(alt)
                    } else {
                        self.statements(vec![alt], Vec::new())
                    };
                    arms.push(Arm {
                        span: alt.byte_range(),
                        guard: Guard::Else,
                        body,
                    });
                    break;
                }
                None => break,
            }
        }
        self.scopes.pop();
        out.push(Stmt {
            span: node.byte_range(),
            kind: StmtKind::Branch {
                subject: None,
                arms,
            },
        });
    }

    /// Expression switches, type switches and `select`.
    fn switch(&mut self, node: Node, out: &mut Vec<Stmt>) {
        self.scopes.push(HashMap::new());
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, out);
        }
        let aliases: Vec<String> = list_items(node.child_by_field_name("alias"))
            .into_iter()
            .map(|a| self.text(a).to_owned())
            .collect();
        if let Some(alias) = node.child_by_field_name("alias") {
            for name in &aliases {
                self.declare(name, StringBinding::Opaque);
            }
            out.push(Stmt {
                span: alias.byte_range(),
                kind: StmtKind::Declare { names: aliases },
            });
        }
        let subject = node.child_by_field_name("value").map(|v| self.expr(v));
        let mut arms = Vec::new();
        for case in named_children(node) {
            let (guard, prelude) = match case.kind() {
                "default_case" => (Guard::Else, Vec::new()),
                "type_case" => {
                    let alternatives = field_children(case, "type")
                        .into_iter()
                        .map(|t| self.type_name(t))
                        .collect();
                    (
                        Guard::Pattern {
                            alternatives,
                            extra: None,
                        },
                        Vec::new(),
                    )
                }
                "expression_case" => {
                    let values = list_items(case.child_by_field_name("value"));
                    let values: Vec<Expr> = values.iter().map(|v| self.expr(*v)).collect();
                    let guard = if subject.is_some() {
                        Guard::Pattern {
                            alternatives: values,
                            extra: None,
                        }
                    } else {
                        Guard::Cond(any_of(values, case.byte_range()))
                    };
                    (guard, Vec::new())
                }
                "communication_case" => self.communication(case),
                _ => continue,
            };
            let body = self.case_body(case, prelude);
            arms.push(Arm {
                span: case.byte_range(),
                guard,
                body,
            });
        }
        self.scopes.pop();
        out.push(Stmt {
            span: node.byte_range(),
            kind: StmtKind::Branch { subject, arms },
        });
    }

    /// A `select` case: its guard is the channel operation; names a receive binds are
    /// declared at the top of its body.
    fn communication(&mut self, case: Node) -> (Guard, Vec<Stmt>) {
        let Some(comm) = case.child_by_field_name("communication") else {
            return (Guard::Cond(opaque(case.byte_range())), Vec::new());
        };
        match comm.kind() {
            "receive_statement" => {
                let guard = match comm.child_by_field_name("right") {
                    Some(right) => self.expr(right),
                    None => opaque(comm.byte_range()),
                };
                let mut prelude = Vec::new();
                if let Some(left) = comm.child_by_field_name("left") {
                    let names: Vec<String> = list_items(Some(left))
                        .into_iter()
                        .map(|n| self.text(n).to_owned())
                        .collect();
                    prelude.push(Stmt {
                        span: left.byte_range(),
                        kind: StmtKind::Declare { names },
                    });
                }
                (Guard::Cond(guard), prelude)
            }
            _ => (Guard::Cond(self.expr(comm)), Vec::new()),
        }
    }

    fn labeled(&mut self, node: Node, out: &mut Vec<Stmt>) {
        let label = node
            .child_by_field_name("label")
            .map(|l| self.text(l).to_owned());
        let inner = named_children(node)
            .into_iter()
            .find(|c| c.kind() != "label_name");
        match inner {
            Some(inner) if inner.kind() == "for_statement" => {
                let kind = self.for_statement(inner, label);
                out.push(Stmt {
                    span: node.byte_range(),
                    kind,
                });
            }
            Some(inner) => self.stmt(inner, out),
            None => {}
        }
    }

    fn for_statement(&mut self, node: Node, label: Option<String>) -> StmtKind {
        self.scopes.push(HashMap::new());
        let body_node = node.child_by_field_name("body");
        let header = named_children(node)
            .into_iter()
            .find(|c| Some(c.id()) != body_node.map(|b| b.id()));
        let mut lowered = Loop {
            kind: LoopKind::Infinite,
            label,
            init: Vec::new(),
            cond: None,
            post: Vec::new(),
            bindings: Vec::new(),
            body: Block::default(),
        };
        match header {
            Some(clause) if clause.kind() == "for_clause" => {
                if let Some(init) = clause.child_by_field_name("initializer") {
                    self.stmt(init, &mut lowered.init);
                }
                lowered.cond = clause
                    .child_by_field_name("condition")
                    .map(|c| self.expr(c));
                if lowered.cond.is_some() {
                    lowered.kind = LoopKind::While;
                }
                if let Some(update) = clause.child_by_field_name("update") {
                    self.stmt(update, &mut lowered.post);
                }
            }
            Some(clause) if clause.kind() == "range_clause" => {
                lowered.kind = LoopKind::Each;
                lowered.cond = clause.child_by_field_name("right").map(|r| self.expr(r));
                for binding in list_items(clause.child_by_field_name("left")) {
                    let name = self.text(binding);
                    self.declare(name, StringBinding::Opaque);
                    lowered.bindings.push(name.to_owned());
                }
            }
            Some(cond) => {
                lowered.kind = LoopKind::While;
                lowered.cond = Some(self.expr(cond));
            }
            None => {}
        }
        if let Some(body) = body_node {
            lowered.body = self.block(body);
        }
        self.scopes.pop();
        StmtKind::Loop(lowered)
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
            "parenthesized_expression" | "variadic_argument" => {
                return self.first_child_expr(node);
            }
            "unary_expression" => return self.unary(node),
            "identifier" => self.identifier(node),
            "field_identifier" | "package_identifier" | "label_name" | "nil" | "iota" => {
                ExprKind::Name(self.text(node).to_owned())
            }
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "int_literal" | "float_literal" | "imaginary_literal" => {
                number(self.text(node), number_value)
            }
            "rune_literal" => number(self.text(node), rune_value),
            "interpreted_string_literal" | "raw_string_literal" => {
                ExprKind::Str(self.string_literal(node))
            }
            "selector_expression" => self.selector(node),
            "call_expression" => self.call(node),
            "type_conversion_expression" => self.conversion(node),
            "binary_expression" => self.binary(node),
            "composite_literal" => self.composite(node),
            "literal_value" => self.composite(node),
            "func_literal" => self.closure(node),
            "index_expression" => self.index(node),
            "type_assertion_expression" => self.type_assertion(node),
            "expression_list" => self.list(node),
            kind if is_type_kind(kind) => ExprKind::Name(type_text(self.source, node)),
            _ => self.other(node),
        };
        Expr::new(node.byte_range(), kind)
    }

    fn identifier(&self, node: Node) -> ExprKind {
        let name = self.text(node);
        match self.lookup(name) {
            Some(StringBinding::Const(lit)) => ExprKind::Str(lit.clone()),
            _ => ExprKind::Name(name.to_owned()),
        }
    }

    fn type_name(&self, node: Node) -> Expr {
        Expr::new(
            node.byte_range(),
            ExprKind::Name(type_text(self.source, node)),
        )
    }

    fn selector(&mut self, node: Node) -> ExprKind {
        let Some(operand) = node.child_by_field_name("operand") else {
            return self.other(node);
        };
        ExprKind::Field {
            base: Box::new(self.expr(operand)),
            name: node
                .child_by_field_name("field")
                .map(|f| self.text(f).to_owned())
                .unwrap_or_default(),
        }
    }

    /// `[]byte(s)`, `(*T)(p)`: a conversion reads like a call of the type.
    fn conversion(&mut self, node: Node) -> ExprKind {
        let callee = match node.child_by_field_name("type") {
            Some(t) => self.type_name(t),
            None => opaque(node.start_byte()..node.start_byte()),
        };
        let args = node
            .child_by_field_name("operand")
            .map(|o| self.expr(o))
            .into_iter()
            .collect();
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    fn closure(&mut self, node: Node) -> ExprKind {
        self.scopes.push(HashMap::new());
        let params = self.parameters(node.child_by_field_name("parameters"));
        self.parameters(node.child_by_field_name("result"));
        let body = node
            .child_by_field_name("body")
            .map(|b| self.block(b))
            .unwrap_or_default();
        self.scopes.pop();
        ExprKind::Closure { params, body }
    }

    fn index(&mut self, node: Node) -> ExprKind {
        match (
            node.child_by_field_name("operand"),
            node.child_by_field_name("index"),
        ) {
            (Some(base), Some(index)) => ExprKind::Index {
                base: Box::new(self.expr(base)),
                index: Box::new(self.expr(index)),
            },
            _ => self.other(node),
        }
    }

    /// `err.(*pgconn.PgError)`: the value and the type it is asserted to have.
    fn type_assertion(&mut self, node: Node) -> ExprKind {
        let mut parts = Vec::new();
        if let Some(operand) = node.child_by_field_name("operand") {
            parts.push(self.expr(operand));
        }
        if let Some(t) = node.child_by_field_name("type") {
            parts.push(self.type_name(t));
        }
        ExprKind::Other(parts)
    }

    fn list(&mut self, node: Node) -> ExprKind {
        ExprKind::List(
            named_children(node)
                .into_iter()
                .map(|n| self.expr(n))
                .collect(),
        )
    }

    fn other(&mut self, node: Node) -> ExprKind {
        ExprKind::Other(
            named_children(node)
                .into_iter()
                .map(|child| self.expr(child))
                .collect(),
        )
    }

    fn call(&mut self, node: Node) -> ExprKind {
        let args: Vec<Node> = node
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        let Some(callee) = node.child_by_field_name("function") else {
            return self.other(node);
        };
        if is_sprintf(self.source, callee)
            && let Some(lit) = self.sprintf(&args, 0)
        {
            return ExprKind::Str(lit);
        }
        let callee = self.expr(callee);
        let args = args.into_iter().map(|a| self.argument(a)).collect();
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::Unknown,
        })
    }

    /// A call argument: a local variable holding a known string is passed as that string.
    fn argument(&mut self, node: Node) -> Expr {
        if node.kind() == "identifier"
            && let Some(StringBinding::Var(lit)) = self.lookup(self.text(node))
        {
            return Expr::new(node.byte_range(), ExprKind::Str(lit.clone()));
        }
        self.expr(node)
    }

    fn binary(&mut self, node: Node) -> ExprKind {
        let op = operator(node);
        let right_may_be_string = node.child_by_field_name("right").is_some_and(|r| {
            matches!(
                r.kind(),
                "interpreted_string_literal"
                    | "raw_string_literal"
                    | "identifier"
                    | "parenthesized_expression"
                    | "call_expression"
            )
        });
        if op == "+"
            && right_may_be_string
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

    fn unary(&mut self, node: Node) -> Expr {
        let span = node.byte_range();
        let Some(operand) = node.child_by_field_name("operand") else {
            return opaque(span);
        };
        let operand = self.expr(operand);
        let op = match operator(node) {
            "!" => UnOp::Not,
            "-" => UnOp::Neg,
            "&" => UnOp::Ref,
            "*" => UnOp::Deref,
            "<-" => UnOp::Recv,
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

    /// A composite literal, or a `{…}` whose type is elided inside an outer literal.
    fn composite(&mut self, node: Node) -> ExprKind {
        let (type_node, body) = if node.kind() == "literal_value" {
            (None, Some(node))
        } else {
            (
                node.child_by_field_name("type"),
                node.child_by_field_name("body"),
            )
        };
        let fields = match body {
            Some(body) => self.literal_fields(body),
            None => Vec::new(),
        };
        match type_node {
            Some(t)
                if matches!(
                    t.kind(),
                    "slice_type" | "array_type" | "implicit_length_array_type"
                ) =>
            {
                ExprKind::List(fields.into_iter().map(|(_, value)| value).collect())
            }
            Some(t) => ExprKind::Composite {
                type_name: type_text(self.source, t),
                fields,
            },
            None => ExprKind::Composite {
                type_name: String::new(),
                fields,
            },
        }
    }

    /// The elements of a `{…}` literal value: keyed (`Name: v`, `"k": v`) or not.
    fn literal_fields(&mut self, body: Node) -> Vec<(Option<String>, Expr)> {
        let mut fields = Vec::new();
        for element in named_children(body) {
            match element.kind() {
                "keyed_element" => {
                    let key = element
                        .child_by_field_name("key")
                        .map(|k| self.text(k).to_owned());
                    let value = match element.child_by_field_name("value") {
                        Some(v) => self.first_child_expr(v),
                        None => opaque(element.end_byte()..element.end_byte()),
                    };
                    fields.push((key, value));
                }
                "literal_element" => fields.push((None, self.first_child_expr(element))),
                _ => fields.push((None, self.expr(element))),
            }
        }
        fields
    }

    // ---- string folding ----

    /// A string literal's value. An unterminated literal (a syntax error) runs to its end.
    fn string_literal(&self, node: Node) -> StrLit {
        let raw = self.text(node);
        let quote = if node.kind() == "raw_string_literal" {
            '`'
        } else {
            '"'
        };
        let body = raw.strip_prefix(quote).unwrap_or(raw);
        let body_start = node.start_byte() + (raw.len() - body.len());
        let closed = node
            .child(node.child_count().saturating_sub(1))
            .is_some_and(|last| {
                last.kind().starts_with(quote)
                    && !last.is_missing()
                    && last.start_byte() >= body_start
            });
        let body = if closed {
            body.strip_suffix(quote).unwrap_or(body)
        } else {
            body
        };
        if quote == '`' {
            decode_raw(body, body_start)
        } else {
            decode_interpreted(body, body_start)
        }
    }

    /// The string value of `node` when the file's own text fixes it.
    fn fold(&self, node: Node, depth: usize) -> Option<StrLit> {
        if depth >= MAX_DEPTH {
            return None;
        }
        match node.kind() {
            "interpreted_string_literal" | "raw_string_literal" => Some(self.string_literal(node)),
            "parenthesized_expression" => self.fold(*named_children(node).first()?, depth + 1),
            "identifier" => match self.lookup(self.text(node))? {
                StringBinding::Const(lit) | StringBinding::Var(lit) => Some(lit.clone()),
                StringBinding::Opaque => None,
            },
            "binary_expression" if operator(node) == "+" => self.fold_concat(node, depth),
            "call_expression" => {
                let callee = node.child_by_field_name("function")?;
                if !is_sprintf(self.source, callee) {
                    return None;
                }
                let args = named_children(node.child_by_field_name("arguments")?);
                self.sprintf(&args, depth + 1)
            }
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
            leftmost = leftmost.child_by_field_name("left")?;
        }
        let mut folded = self.fold(leftmost, depth + 1)?;
        for right in rights.iter().rev() {
            folded.push(&self.fold(*right, depth + 1)?);
        }
        Some(folded)
    }

    /// `fmt.Sprintf(template, args…)` with the template folded: each verb is replaced by its
    /// argument's string value when that folds, else by a placeholder name (`arg1`) mapped to
    /// the argument.
    fn sprintf(&self, args: &[Node], depth: usize) -> Option<StrLit> {
        let (template, rest) = args.split_first()?;
        let template = self.fold(*template, depth + 1)?;
        let value = template.value.as_str();
        let bytes = value.as_bytes();
        let mut out = StrBuilder::default();
        let mut chunk_start = 0;
        let mut next_arg = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'%' {
                i += 1;
                continue;
            }
            out.push_lit_range(&template, chunk_start..i);
            let verb_start = i;
            i += 1;
            if bytes.get(i) == Some(&b'%') {
                out.push_lit_range(&template, verb_start..verb_start + 1);
                i += 1;
                chunk_start = i;
                continue;
            }
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'*' => next_arg += 1,
                    b'[' => {
                        let digits: String = value[i + 1..]
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        if let Ok(n) = digits.parse::<usize>() {
                            next_arg = n.saturating_sub(1);
                        }
                        i += digits.len();
                    }
                    b'+' | b'-' | b'#' | b' ' | b'0'..=b'9' | b'.' | b']' => {}
                    _ => break,
                }
                i += 1;
            }
            let Some(verb) = value.get(i..).and_then(|v| v.chars().next()) else {
                chunk_start = verb_start;
                break;
            };
            i += verb.len_utf8();
            chunk_start = i;
            let origin_of_verb = template.origin.get(verb_start).copied().unwrap_or(0);
            match rest.get(next_arg) {
                Some(arg) => match self.fold(*arg, depth + 1) {
                    Some(lit) if verb == 'q' => {
                        out.push_at("\"", arg.start_byte());
                        out.push_lit(&lit);
                        out.push_at("\"", arg.end_byte().saturating_sub(1));
                    }
                    Some(lit) => out.push_lit(&lit),
                    None => out.push_at(&format!("arg{}", next_arg + 1), arg.start_byte()),
                },
                None => out.push_at(&format!("arg{}", next_arg + 1), origin_of_verb),
            }
            next_arg += 1;
        }
        out.push_lit_range(&template, chunk_start..bytes.len());
        Some(out.finish(template.origin.last().copied().unwrap_or(0)))
    }
}

fn is_sprintf(source: &str, callee: Node) -> bool {
    callee.kind() == "selector_expression" && text(source, callee) == "fmt.Sprintf"
}

/// The `var_spec`s / `const_spec`s of a declaration, grouped or not.
fn specs(declaration: Node) -> Vec<Node> {
    let mut out = Vec::new();
    for child in named_children(declaration) {
        match child.kind() {
            "var_spec_list" => out.extend(named_children(child)),
            "var_spec" | "const_spec" => out.push(child),
            _ => {}
        }
    }
    out
}

/// The receiver's type name: `Svc` for `(s *Svc)`, `(s Svc[T])` or `(Svc)`.
fn receiver_type(receiver: Node) -> Option<Node> {
    let param = named_children(receiver).into_iter().next()?;
    let mut ty = param.child_by_field_name("type")?;
    loop {
        ty = match ty.kind() {
            "pointer_type" | "parenthesized_type" => named_children(ty).into_iter().next()?,
            "generic_type" => ty.child_by_field_name("type")?,
            _ => return Some(ty),
        };
    }
}

/// `case a, b:` of a switch with no subject: true when any of them is.
fn any_of(values: Vec<Expr>, case_span: Range<usize>) -> Expr {
    let mut values = values.into_iter();
    let Some(first) = values.next() else {
        return opaque(case_span);
    };
    values.fold(first, |acc, next| {
        Expr::new(
            acc.span.start..next.span.end,
            ExprKind::Binary {
                op: BinOp::Or,
                lhs: Box::new(acc),
                rhs: Box::new(next),
            },
        )
    })
}

fn number(text: &str, value: fn(&str) -> Option<f64>) -> ExprKind {
    ExprKind::Number {
        text: text.to_owned(),
        value: value(text),
    }
}

/// A rune literal's code point (`'a'` is 97).
fn rune_value(text: &str) -> Option<f64> {
    let body = text.get(1..text.len().saturating_sub(1))?;
    let first = decode_interpreted(body, 0).value.chars().next()?;
    Some(f64::from(u32::from(first)))
}

/// The value of a Go integer or float literal, if it fits an `f64`.
fn number_value(text: &str) -> Option<f64> {
    let digits: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    if digits.ends_with('i') {
        return None;
    }
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(bin) = digits.strip_prefix("0b") {
        (2, bin)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        (8, &digits[1..])
    } else {
        return digits.parse::<f64>().ok();
    };
    u128::from_str_radix(body, radix).ok().map(|v| v as f64)
}

/// A raw string's value: the text itself, carriage returns dropped (as Go does).
fn decode_raw(body: &str, start: usize) -> StrLit {
    let mut out = StrBuilder::default();
    let mut offset = 0;
    for piece in body.split('\r') {
        out.push_file(piece, start + offset);
        offset += piece.len() + 1;
    }
    out.finish(start + body.len())
}

/// An interpreted string's value, escapes decoded; `body` is the text between the quotes,
/// found in the file at `start`. Escaped bytes that are not valid UTF-8 on their own
/// (`\xff`) become U+FFFD.
fn decode_interpreted(body: &str, start: usize) -> StrLit {
    let bytes = body.as_bytes();
    let mut out = StrBuilder::default();
    let mut chunk_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_file(&body[chunk_start..i], start + chunk_start);
        let (decoded, len) = decode_escape(&body[i..]);
        let mut buf = [0u8; 4];
        out.push_at(decoded.encode_utf8(&mut buf), start + i);
        i += len;
        chunk_start = i;
    }
    out.push_file(&body[chunk_start..], start + chunk_start);
    out.finish(start + body.len())
}

/// The character an escape sequence (`escape` starts with `\`) stands for, and its length.
fn decode_escape(escape: &str) -> (char, usize) {
    let simple = match escape.as_bytes().get(1) {
        Some(b'a') => Some('\x07'),
        Some(b'b') => Some('\x08'),
        Some(b'f') => Some('\x0c'),
        Some(b'n') => Some('\n'),
        Some(b'r') => Some('\r'),
        Some(b't') => Some('\t'),
        Some(b'v') => Some('\x0b'),
        Some(b'\\') => Some('\\'),
        Some(b'\'') => Some('\''),
        Some(b'"') => Some('"'),
        _ => None,
    };
    if let Some(c) = simple {
        return (c, 2);
    }
    let numeric = |digits: usize, radix: u32, skip: usize| -> Option<u32> {
        let number = escape.get(skip..skip + digits)?;
        if !number.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        u32::from_str_radix(number, radix).ok()
    };
    let (code, len, is_byte) = match escape.as_bytes().get(1) {
        Some(b'x') => (numeric(2, 16, 2), 4, true),
        Some(b'u') => (numeric(4, 16, 2), 6, false),
        Some(b'U') => (numeric(8, 16, 2), 10, false),
        Some(b'0'..=b'7') => (numeric(3, 8, 1), 4, true),
        _ => (None, 0, false),
    };
    match code {
        Some(byte) if is_byte && byte < 0x80 => (char::from(byte as u8), len),
        Some(code) if !is_byte => (char::from_u32(code).unwrap_or('\u{fffd}'), len),
        Some(_) => ('\u{fffd}', len),
        // Not an escape Go knows: keep the backslash, read what follows as text.
        None => ('\\', 1),
    }
}
