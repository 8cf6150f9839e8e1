//! The state of lowering one Go file, and the units it makes: functions, methods
//! (`Svc.Method`) and the script of a snippet's loose statements. A file's string
//! constants and variables are tracked in scopes, for the string folding.

use tree_sitter::Node;

use super::nodes::{list_items, specs, statement_nodes};
use crate::lang::treesitter::{Scopes, StringBinding, field_children, named_children, text};
use crate::model::{Arity, Block, Unit, UnitKind};

/// The name of the unit holding statements that stood outside any function.
pub const SNIPPET_UNIT: &str = "<snippet>";

/// Package-level constants may be defined in terms of ones declared later in the file; each
/// pass resolves at least one more level of such references.
const CONSTANT_PASSES: usize = 4;

pub(super) struct Lowerer<'s> {
    pub(super) source: &'s str,
    /// The names bound to strings; the outermost scope holds the package-level constants.
    pub(super) scopes: Scopes,
    /// How deep the lowering currently recurses (statements, blocks and expressions).
    pub(super) depth: usize,
}

impl<'s> Lowerer<'s> {
    pub(super) fn new(source: &'s str) -> Lowerer<'s> {
        Lowerer {
            source,
            scopes: Scopes::new(Some("_")),
            depth: 0,
        }
    }

    pub(super) fn text(&self, node: Node) -> &'s str {
        text(self.source, node)
    }

    pub(super) fn file(&mut self, root: Node) -> Vec<Unit> {
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
                arity: Arity::ANY,
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

    fn function(&mut self, node: Node) -> Unit {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("<unnamed>");
        let name = match node.child_by_field_name("receiver").and_then(receiver_type) {
            Some(receiver) => format!("{}.{name}", self.text(receiver)),
            None => name.to_owned(),
        };
        self.scopes.enter();
        let params = self.parameters(node.child_by_field_name("parameters"));
        let arity = arity(node.child_by_field_name("parameters"));
        // Named results are variables of the function too.
        self.parameters(node.child_by_field_name("result"));
        let body = match node.child_by_field_name("body") {
            Some(body) => self.block(body),
            None => Block::default(),
        };
        self.scopes.leave();
        Unit {
            name,
            kind: UnitKind::Function,
            span: node.byte_range(),
            params,
            arity,
            body,
        }
    }

    /// The names of a parameter list, declared as opaque in the current scope.
    pub(super) fn parameters(&mut self, list: Option<Node>) -> Vec<String> {
        let Some(list) = list.filter(|l| l.kind() == "parameter_list") else {
            return Vec::new();
        };
        let mut names = Vec::new();
        for param in named_children(list) {
            for name in field_children(param, "name") {
                let name = self.text(name);
                self.scopes.declare(name, StringBinding::Opaque);
                names.push(name.to_owned());
            }
        }
        names
    }
}

/// How many arguments a call passes: one per name (`a, b int` takes two), one for an
/// unnamed parameter, any number more for a trailing `...T`.
fn arity(list: Option<Node>) -> Arity {
    let Some(list) = list.filter(|l| l.kind() == "parameter_list") else {
        return Arity::exactly(0);
    };
    let mut arity = Arity::exactly(0);
    for param in named_children(list) {
        match param.kind() {
            "parameter_declaration" => {
                let count = field_children(param, "name").len().max(1);
                arity.min += count;
            }
            "variadic_parameter_declaration" => arity.max = None,
            _ => {}
        }
    }
    if arity.max.is_some() {
        arity.max = Some(arity.min);
    }
    arity
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
