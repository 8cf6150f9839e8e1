//! The state of lowering one TypeScript or JavaScript file, and the units it makes:
//! functions, class methods, functions bound to a top-level name, and the script of the
//! top-level statements. A file's string constants and variables are tracked in scopes, for
//! the string folding.

use tree_sitter::Node;

use super::nodes::{
    declares_nothing, field_less_children, is_const_declaration, is_function_kind,
    unwrap_expression,
};
use crate::lang::treesitter::{Scopes, StringBinding, named_children, statement_nodes, text};
use crate::model::{Arity, Block, Stmt, StmtKind, Unit, UnitKind};

/// The name of the unit holding statements that stood outside any function.
pub const TOP_LEVEL_UNIT: &str = "<top-level>";

/// Top-level constants may be defined in terms of ones declared later in the file; each pass
/// resolves at least one more level of such references.
const CONSTANT_PASSES: usize = 4;

pub(super) struct Lowerer<'s> {
    pub(super) source: &'s str,
    /// The names bound to strings; the outermost scope holds the top-level constants.
    pub(super) scopes: Scopes,
    /// The names of the units being lowered, outermost first: a function declared inside
    /// one is named after it.
    pub(super) path: Vec<String>,
    /// Units found inside other units, in the order they were finished.
    pub(super) nested: Vec<Unit>,
    /// How deep the lowering currently recurses (statements, blocks and expressions).
    pub(super) depth: usize,
}

impl<'s> Lowerer<'s> {
    pub(super) fn new(source: &'s str) -> Lowerer<'s> {
        Lowerer {
            source,
            scopes: Scopes::new(None),
            path: Vec::new(),
            nested: Vec::new(),
            depth: 0,
        }
    }

    pub(super) fn text(&self, node: Node) -> &'s str {
        text(self.source, node)
    }

    pub(super) fn file(&mut self, root: Node) -> Vec<Unit> {
        let items = statement_nodes(root);
        self.top_level_constants(&items);
        let mut units = Vec::new();
        let mut script = Vec::new();
        self.scopes.enter();
        for item in items {
            self.item(item, &mut units, &mut script);
        }
        self.scopes.leave();
        if let (Some(first), Some(last)) = (script.first(), script.last()) {
            let span = first.span.start..last.span.end;
            units.push(Unit {
                name: TOP_LEVEL_UNIT.to_owned(),
                kind: UnitKind::Script,
                span,
                params: Vec::new(),
                arity: Arity::ANY,
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
                        self.scopes.define_constant(name, lit);
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
                        (Some(name), None) if self.scopes.is_constant(self.text(name)) => {}
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
    pub(super) fn declared_name(&self, node: Node) -> String {
        node.child_by_field_name("name")
            .map(|n| self.text(n).to_owned())
            .unwrap_or_else(|| "default".to_owned())
    }

    /// `a.b.c` as written, whitespace removed.
    pub(super) fn dotted_text(&self, node: Node) -> String {
        self.text(node).split_whitespace().collect()
    }

    /// A top-level function: lowered in the scope of the top-level constants only, since the
    /// top-level statements around it may or may not have run when it is called.
    fn top_level_unit(&mut self, name: &str, node: Node) -> Unit {
        let inner = self.scopes.take_inner();
        let unit = self.function(name, node);
        self.scopes.put_back(inner);
        unit
    }

    /// The methods of a class, and fields holding functions, as units named `Class.member`.
    pub(super) fn class_units(&mut self, class: Node) -> Vec<Unit> {
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

    pub(super) fn function(&mut self, name: &str, node: Node) -> Unit {
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
        let arity = match node.child_by_field_name("parameters") {
            Some(list) => arity(list),
            None if node.child_by_field_name("parameter").is_some() => Arity::exactly(1),
            None => Arity::exactly(0),
        };
        Unit {
            name: full_name,
            kind: UnitKind::Function,
            span: node.byte_range(),
            params,
            arity,
            body,
        }
    }

    /// The parameters and body of a function, method or arrow, in a scope of its own.
    pub(super) fn function_parts(&mut self, node: Node) -> (Vec<String>, Block) {
        self.scopes.enter();
        let params = match (
            node.child_by_field_name("parameters"),
            node.child_by_field_name("parameter"),
        ) {
            (Some(list), _) => self.parameters(list),
            (None, Some(single)) => {
                let name = self.text(single);
                self.scopes.declare(name, StringBinding::Opaque);
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
        self.scopes.leave();
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
                self.scopes.declare(&name, StringBinding::Opaque);
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
}

/// How many arguments a call passes: one per parameter, fewer for an optional one
/// (`key?: string`, `retries = 3`), any number more for a rest parameter (`...args`); a
/// `this` parameter is none.
fn arity(list: Node) -> Arity {
    let mut arity = Arity::exactly(0);
    for param in named_children(list) {
        let pattern = match param.kind() {
            "required_parameter" | "optional_parameter" => param
                .child_by_field_name("pattern")
                .or_else(|| param.child_by_field_name("name")),
            "comment" => None,
            _ => Some(param),
        };
        let Some(pattern) = pattern.filter(|p| p.kind() != "this") else {
            continue;
        };
        if pattern.kind() == "rest_pattern" {
            arity.max = None;
            continue;
        }
        let optional = param.kind() == "optional_parameter"
            || param.child_by_field_name("value").is_some()
            || pattern.kind() == "assignment_pattern";
        arity.min += usize::from(!optional);
        arity.max = arity.max.map(|max| max + 1);
    }
    arity
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
