//! The state of lowering one Python file, and the units it makes: functions, methods,
//! functions inside functions, and the script of the module's own statements. The module's
//! string names and the variables of each function are tracked in scopes, for the string
//! folding.

use std::collections::HashMap;

use tree_sitter::Node;

use super::nodes::unwrap_parens;
use crate::lang::MAX_DEPTH;
use crate::lang::treesitter::statement_nodes;
use crate::lang::treesitter::{Scopes, StringBinding, named_children, text};
use crate::model::{Arity, Block, Call, CallRole, Expr, ExprKind, Stmt, StmtKind, Unit, UnitKind};

/// The name of the unit holding the statements of the module itself.
pub const TOP_LEVEL_UNIT: &str = "<top-level>";

/// Module-level string names may be defined in terms of ones assigned later in the file;
/// each pass resolves at least one more level of such references.
const CONSTANT_PASSES: usize = 4;

pub(super) struct Lowerer<'s> {
    pub(super) source: &'s str,
    /// The names bound to strings; the outermost scope holds the module's string names.
    pub(super) scopes: Scopes,
    /// The names of the classes and functions being lowered, outermost first: a function
    /// defined inside one is named after it.
    pub(super) path: Vec<String>,
    /// How many of `path` are functions (the rest are classes).
    functions: usize,
    /// Units finished so far.
    pub(super) units: Vec<Unit>,
    /// What each enclosing `except` clause binds the exception to, innermost last: a bare
    /// `raise` raises it again.
    pub(super) caught: Vec<Option<String>>,
    /// How deep the lowering currently recurses (statements, blocks and expressions).
    pub(super) depth: usize,
}

impl<'s> Lowerer<'s> {
    pub(super) fn new(source: &'s str) -> Lowerer<'s> {
        Lowerer {
            source,
            scopes: Scopes::new(Some("_")),
            path: Vec::new(),
            functions: 0,
            units: Vec::new(),
            caught: Vec::new(),
            depth: 0,
        }
    }

    pub(super) fn text(&self, node: Node) -> &'s str {
        text(self.source, node)
    }

    pub(super) fn file(mut self, root: Node) -> Vec<Unit> {
        let items = statement_nodes(root);
        self.module_constants(&items);
        let mut script = Vec::new();
        self.scopes.enter();
        for item in items {
            self.stmt(item, &mut script);
        }
        self.scopes.leave();
        if let (Some(first), Some(last)) = (script.first(), script.last()) {
            let span = first.span.start..last.span.end;
            self.units.push(Unit {
                name: TOP_LEVEL_UNIT.to_owned(),
                kind: UnitKind::Script,
                span,
                params: Vec::new(),
                arity: Arity::ANY,
                body: Block { stmts: script },
            });
        }
        self.units.sort_by_key(|unit| unit.span.start);
        self.units
    }

    /// Records the strings that module-level names assigned once fix (`INSERT_SQL =
    /// "INSERT …"`): Python has no constants, and a name the module assigns once is one.
    fn module_constants(&mut self, items: &[Node]) {
        let mut assigned: HashMap<&str, Vec<Node>> = HashMap::new();
        for item in items {
            let Some(assignment) = named_children(*item)
                .into_iter()
                .next()
                .filter(|a| item.kind() == "expression_statement" && a.kind() == "assignment")
            else {
                continue;
            };
            let (Some(name), value) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                continue;
            };
            if name.kind() == "identifier" {
                assigned.entry(self.text(name)).or_default().extend(value);
            }
        }
        let mut pending: Vec<(String, Node)> = assigned
            .into_iter()
            .filter_map(|(name, values)| match values.as_slice() {
                [value] => Some((name.to_owned(), *value)),
                _ => None,
            })
            .collect();
        pending.sort_by_key(|(_, value)| value.start_byte());
        for _ in 0..CONSTANT_PASSES {
            let before = pending.len();
            let mut unresolved = Vec::new();
            for (name, value) in pending {
                match self.fold(value, 0) {
                    Some(lit) => self.scopes.define_constant(name, lit),
                    None => unresolved.push((name, value)),
                }
            }
            pending = unresolved;
            if pending.len() == before {
                break;
            }
        }
    }

    /// A `def`, as a unit named after the classes and functions around it. A method's
    /// receiver (`self`, `cls`) is not an argument; a function of the module or a method
    /// sees only the module's string names, a function inside a function its scope too.
    pub(super) fn function(&mut self, node: Node, is_method: bool) -> Unit {
        let name = self.declared_name(node);
        let full_name = self
            .path
            .iter()
            .map(String::as_str)
            .chain([name.as_str()])
            .collect::<Vec<_>>()
            .join(".");
        let outer = (self.functions == 0).then(|| self.scopes.take_inner());
        let caught = std::mem::take(&mut self.caught);
        self.path.push(name);
        self.functions += 1;
        self.scopes.enter();
        let (params, arity) = match node.child_by_field_name("parameters") {
            Some(list) => self.parameters(list, is_method),
            None => (Vec::new(), Arity::exactly(0)),
        };
        let body = node
            .child_by_field_name("body")
            .map(|b| self.block(b))
            .unwrap_or_default();
        self.scopes.leave();
        self.functions -= 1;
        self.path.pop();
        self.caught = caught;
        if let Some(outer) = outer {
            self.scopes.put_back(outer);
        }
        Unit {
            name: full_name,
            kind: UnitKind::Function,
            span: node.byte_range(),
            params,
            arity,
            body,
        }
    }

    pub(super) fn declared_name(&self, node: Node) -> String {
        node.child_by_field_name("name")
            .map(|n| self.text(n).to_owned())
            .unwrap_or_default()
    }

    /// The parameters' names, and how many arguments a call passes. Keyword arguments are
    /// one options argument after the positional ones (see the module's notes), so a call
    /// passes at least one argument when some parameter has no default (it may name it),
    /// and at most one per positional parameter and one more, unless `*args` takes any.
    fn parameters(&mut self, list: Node, is_method: bool) -> (Vec<String>, Arity) {
        let mut names = Vec::new();
        let mut required = false;
        let mut positional = 0;
        let mut variadic = false;
        let mut keyword_only = false;
        let mut params = named_children(list);
        if is_method && !params.is_empty() {
            params.remove(0);
        }
        for param in params {
            let (name, has_default) = match param.kind() {
                "identifier" => (Some(param), false),
                "default_parameter" | "typed_default_parameter" => {
                    (param.child_by_field_name("name"), true)
                }
                "typed_parameter" => (named_children(param).into_iter().next(), false),
                "list_splat_pattern" | "dictionary_splat_pattern" => (Some(param), true),
                // A bare `*`: the parameters after it are passed by keyword only.
                "keyword_separator" => {
                    keyword_only = true;
                    continue;
                }
                _ => continue,
            };
            let Some(name) = name else { continue };
            let splat = match name.kind() {
                "list_splat_pattern" => Some(true),
                "dictionary_splat_pattern" => Some(false),
                _ => None,
            };
            match splat {
                Some(true) => {
                    variadic = true;
                    keyword_only = true;
                }
                Some(false) => {}
                None if keyword_only => required |= !has_default,
                None => {
                    positional += 1;
                    required |= !has_default;
                }
            }
            let bound = named_children(name)
                .into_iter()
                .next()
                .filter(|_| splat.is_some())
                .unwrap_or(name);
            let bound = self.text(bound).to_owned();
            self.scopes.declare(&bound, StringBinding::Opaque);
            names.push(bound);
        }
        let arity = Arity {
            min: usize::from(required),
            max: (!variadic).then_some(if names.is_empty() { 0 } else { positional + 1 }),
        };
        (names, arity)
    }

    /// A class's methods (and its classes'), as units named `Class.method`; the decorators
    /// of its methods run where the class is defined, in `out`. Other statements of its
    /// body define attributes, which no rule follows.
    pub(super) fn class(&mut self, node: Node, out: &mut Vec<Stmt>) {
        // Classes nested deeper than this are not lowered: no walk may overflow the stack.
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let name = self.declared_name(node);
        self.path.push(name);
        let body = node
            .child_by_field_name("body")
            .map(statement_nodes)
            .unwrap_or_default();
        for member in body {
            match member.kind() {
                "function_definition" => {
                    let unit = self.function(member, true);
                    self.units.push(unit);
                }
                "decorated_definition" => self.decorated(member, true, out),
                "class_definition" => self.class(member, out),
                _ => {}
            }
        }
        self.path.pop();
        self.depth -= 1;
    }

    /// A decorated `def` or `class`: the definition, then each decorator as a call with the
    /// function as its last argument, where the definition stands.
    pub(super) fn decorated(&mut self, node: Node, in_class: bool, out: &mut Vec<Stmt>) {
        let Some(definition) = node.child_by_field_name("definition") else {
            return;
        };
        let decorators: Vec<Node> = named_children(node)
            .into_iter()
            .filter(|d| d.kind() == "decorator")
            .collect();
        let name = definition.child_by_field_name("name");
        match definition.kind() {
            "function_definition" => {
                let is_static = decorators
                    .iter()
                    .any(|d| self.text(*d).trim_start_matches('@').trim() == "staticmethod");
                let unit = self.function(definition, in_class && !is_static);
                self.units.push(unit);
            }
            "class_definition" => self.class(definition, out),
            _ => return,
        }
        for decorator in decorators {
            let Some(expression) = named_children(decorator).into_iter().next() else {
                continue;
            };
            // A method is named as its class's attribute (`Plugin.run`), as the unit is.
            let wrapped = name.map(|n| {
                let qualified = (self.path.iter().map(String::as_str))
                    .chain([self.text(n)])
                    .collect::<Vec<_>>()
                    .join(".");
                Expr::new(n.byte_range(), ExprKind::Name(qualified))
            });
            let expression = unwrap_parens(expression);
            let call = match self.expr(expression).kind {
                ExprKind::Call(mut call) => {
                    call.args.extend(wrapped);
                    call
                }
                callee => Call {
                    callee: Box::new(Expr::new(expression.byte_range(), callee)),
                    args: wrapped.into_iter().collect(),
                    role: CallRole::Unknown,
                },
            };
            let span = decorator.byte_range();
            out.push(Stmt {
                span: span.clone(),
                kind: StmtKind::Expr(Expr::new(span, ExprKind::Call(call))),
            });
        }
    }
}
