//! The other units a unit leads to: each closure in it as a unit of its own, the same-file
//! function a callee names, and which of that function's parameters receives an argument.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::knowledge::Knowledge;
use crate::model::visit::{Visitor, walk_expr, walk_target};
use crate::model::{Arity, Call, Expr, ExprKind, Lang, Scope, Span, Target, Unit, UnitKind};

/// Each function literal or closure in `unit`, at any depth, as a unit of its own: its loops
/// and values are not part of the enclosing unit's flow, but rules look at them too.
pub fn closure_units(unit: &Unit) -> Vec<Unit> {
    let mut closures = Closures::default();
    closures.visit_block(&unit.body);
    closures
        .found
        .into_iter()
        .filter_map(closure_unit)
        .collect()
}

/// Collects the closures of a block at any depth, `for` headers included.
#[derive(Default)]
struct Closures<'a> {
    found: Vec<&'a Expr>,
}

impl<'a> Visitor<'a> for Closures<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if matches!(expr.kind, ExprKind::Closure { .. }) {
            self.found.push(expr);
        }
        walk_expr(self, expr);
    }

    /// An assignment's target is walked twice, so a closure in one
    /// (`handlers[route(func() { … })] = h`) becomes two units, both checked. The
    /// hand-written walk this replaced went through a target both as one of the statement's
    /// expressions and on its own; kept so that moving to one walker changed no result.
    /// Walking it once is a change of its own to make.
    fn visit_target(&mut self, target: &'a Target) {
        walk_target(self, target);
        walk_target(self, target);
    }
}

/// A function literal or closure as a unit of its own.
pub fn closure_unit(e: &Expr) -> Option<Unit> {
    match &e.kind {
        ExprKind::Closure { params, body } => Some(Unit {
            name: String::new(),
            kind: UnitKind::Function,
            span: e.span.clone(),
            params: params.clone(),
            arity: Arity::ANY,
            body: body.clone(),
        }),
        _ => None,
    }
}

/// The same-file function a callee names: a bare name calls a free function (`backoff`),
/// a qualified one a method (`c.backoff`, `self.backoff`, `Self::backoff`). A path into
/// another module (`tokio::time::sleep`) names no function of this file.
pub fn same_file_unit<'a>(units: &'a [Unit], callee: &Expr) -> Option<&'a Unit> {
    let (qualified, name) = callee_name(callee)?;
    units.iter().find(|u| names(u, qualified, name))
}

/// A callee's own name (`backoff` of `c.backoff`), and whether it is qualified.
fn callee_name(callee: &Expr) -> Option<(bool, &str)> {
    match &callee.kind {
        ExprKind::Name(n) => Some(match n.rsplit_once('.') {
            Some((_, last)) => (true, last),
            None => (false, n.as_str()),
        }),
        ExprKind::Field { name, .. } => Some((true, name.as_str())),
        _ => None,
    }
}

/// A unit's own name, without its owner (`Store.save`, `Store::save`), and its owner.
fn own_name(unit: &Unit) -> (Option<&str>, &str) {
    match unit.name.rsplit_once(['.', ':']) {
        Some((owner, last)) => (Some(owner), last),
        None => (None, unit.name.as_str()),
    }
}

/// Whether `unit` is what a callee with this own name, qualified or not, calls.
fn names(unit: &Unit, qualified: bool, name: &str) -> bool {
    let (owner, own) = own_name(unit);
    own == name && owner.is_some() == qualified
}

/// The units of one file by their own name: [`same_file_unit`] for a file whose calls are
/// looked up by the hundred, without going through every unit for each.
#[derive(Default)]
pub struct FileFunctions {
    by_name: HashMap<String, Vec<usize>>,
    /// The functions of the file stored in each field by a struct literal of the file
    /// (`Retrier{backoff: exponentialDelay}`), made the first time a call through a field
    /// names no function of the file.
    in_fields: OnceLock<HashMap<String, Vec<usize>>>,
}

impl FileFunctions {
    pub fn new(units: &[Unit]) -> FileFunctions {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, unit) in units.iter().enumerate() {
            by_name
                .entry(own_name(unit).1.to_owned())
                .or_default()
                .push(i);
        }
        FileFunctions {
            by_name,
            in_fields: OnceLock::new(),
        }
    }

    /// The function a call through a field runs (`r.backoff(i)`): the only function of the
    /// file that a struct literal of the file stores in a field of that name.
    fn stored_in_field<'a>(&self, units: &'a [Unit], callee: &Expr) -> Option<&'a Unit> {
        let ExprKind::Field { name: field, .. } = &callee.kind else {
            return None;
        };
        let in_fields = self
            .in_fields
            .get_or_init(|| self.functions_in_fields(units));
        match in_fields.get(field)?.as_slice() {
            [only] => Some(&units[*only]),
            _ => None,
        }
    }

    fn functions_in_fields(&self, units: &[Unit]) -> HashMap<String, Vec<usize>> {
        let mut in_fields: HashMap<String, Vec<usize>> = HashMap::new();
        let exprs = units
            .iter()
            .flat_map(|unit| unit.body.exprs_in(Scope::DEEP));
        for expr in exprs {
            let ExprKind::Composite { fields, .. } = &expr.kind else {
                continue;
            };
            for (field, value) in fields {
                let (Some(field), ExprKind::Name(name)) = (field, &value.kind) else {
                    continue;
                };
                let stored = (self.by_name.get(name.as_str()).into_iter().flatten())
                    .filter(|&&i| names(&units[i], false, name));
                for &i in stored {
                    let functions = in_fields.entry(field.clone()).or_default();
                    if !functions.contains(&i) {
                        functions.push(i);
                    }
                }
            }
        }
        in_fields
    }

    /// The only method named `name` among `units` (of whatever type), if exactly one type
    /// defines one: with no types known, a method called on a value is that one or unknown.
    pub fn only_method<'a>(&self, units: &'a [Unit], name: &str) -> Option<&'a Unit> {
        let mut methods = (self.by_name.get(name)?.iter())
            .map(|&i| &units[i])
            .filter(|unit| own_name(unit).0.is_some());
        let only = methods.next()?;
        methods.next().is_none().then_some(only)
    }

    /// [`same_file_unit`] among `units`, the units this index was made of; else, for a call
    /// through a field, the function stored in it (see [`FileFunctions::stored_in_field`]).
    pub fn get<'a>(&self, units: &'a [Unit], callee: &Expr) -> Option<&'a Unit> {
        let (qualified, name) = callee_name(callee)?;
        let named = (self.by_name.get(name).into_iter().flatten())
            .map(|&i| &units[i])
            .find(|u| names(u, qualified, name));
        named.or_else(|| self.stored_in_field(units, callee))
    }
}

/// Where the functions a unit calls are defined: the file's own, or, with a project around
/// the file, also those of the files its calls reach (`crate::project::Scope`).
pub trait Functions {
    /// The function `call` calls, as seen from `caller`: a unit of the file being checked,
    /// or of another file reached before.
    fn function(&self, call: &Call, caller: &Unit) -> Option<&Unit> {
        self.function_where(call, caller, None)
    }

    /// [`Functions::function`], reaching into another file only if its text passes `gate`.
    fn function_where(&self, call: &Call, caller: &Unit, gate: Option<&FileGate>) -> Option<&Unit> {
        (self.named_where(&call.callee, caller, gate)).filter(|function| fits(call, function))
    }

    /// The function `callee` names, whatever a call of it passes: see
    /// [`Functions::function_where`].
    fn named_where(&self, callee: &Expr, caller: &Unit, gate: Option<&FileGate>) -> Option<&Unit>;

    /// The function `callee` names in the file of `caller`, if it is defined there.
    fn function_in_own_file(&self, callee: &Expr, caller: &Unit) -> Option<&Unit>;

    /// `unit`, a function of another file reached before, as that file holds it, with the
    /// file's text: for its facts to be computed once (see [`crate::semantic`]).
    fn reached_unit(&self, unit: &Unit) -> Option<(&Unit, &str)>;

    /// The text at `span` of a function of another file reached before: the spans of such a
    /// file are moved past those of the checked one.
    fn text_at(&self, span: &Span) -> Option<&str>;

    /// The functions found calling `function` by its own name: in its file and, where the
    /// project around it is known, in the other files of its folder that may call it. A
    /// function only handed on as a value, or called from another folder, has no caller
    /// found: what its callers do is then unknown, not nothing.
    fn callers(&self, function: &Unit) -> Vec<&Unit>;
}

/// Whether `call` can call `function`: a method called on a value (`store.FindByKey(ctx,
/// key)`) passes as many arguments as its declaration takes. With no types known, a method
/// is found by its name alone, and the count is what tells it from another type's method of
/// that name; a plain function's call is the compiler's to check, or JavaScript's to let
/// pass.
fn fits(call: &Call, function: &Unit) -> bool {
    !matches!(call.callee.kind, ExprKind::Field { .. }) || function.arity.accepts(call.args.len())
}

/// The units of `units`, other than `function` itself, that call a function by the own name
/// of `function` (`buildIndex` of `c.buildIndex(ctx)`, `util::retry_db(…)`), closures
/// included.
pub fn units_calling<'a>(units: &'a [Unit], function: &Unit) -> impl Iterator<Item = &'a Unit> {
    let (_, name) = own_name(function);
    let name = name.to_owned();
    let at = function.span.clone();
    units.iter().filter(move |unit| {
        unit.span != at
            && unit.body.exprs_in(Scope::DEEP).into_iter().any(|e| {
                e.as_call()
                    .and_then(|call| callee_name(&call.callee))
                    .is_some_and(|(_, called)| called == name)
            })
    })
}

/// The functions of the caller's own file only: for an analysis that looks at every call of
/// every loop (which variables change steadily), where following calls into other files
/// would read much of the project for little.
pub struct WithinFile<'a>(pub &'a dyn Functions);

impl Functions for WithinFile<'_> {
    fn named_where(&self, callee: &Expr, caller: &Unit, _: Option<&FileGate>) -> Option<&Unit> {
        self.0.function_in_own_file(callee, caller)
    }

    fn function_in_own_file(&self, callee: &Expr, caller: &Unit) -> Option<&Unit> {
        self.0.function_in_own_file(callee, caller)
    }

    /// Callers are few to ask for and found within the function's folder: asked through
    /// this view too.
    fn callers(&self, function: &Unit) -> Vec<&Unit> {
        self.0.callers(function)
    }

    fn reached_unit(&self, unit: &Unit) -> Option<(&Unit, &str)> {
        self.0.reached_unit(unit)
    }

    fn text_at(&self, span: &Span) -> Option<&str> {
        self.0.text_at(span)
    }
}

/// A cheap test of a file's text that a rule puts before following a call into another
/// file: a file that cannot hold what the rule looks for there (a SQL insert, say) is not
/// read into the model, which keeps most of a package unread.
pub struct FileGate {
    /// What the gate lets through, naming it among the project's gates.
    pub name: &'static str,
    /// Whether a file's text, of its language if it has one, may hold what the gate lets
    /// through.
    pub admits: fn(&[u8], Option<Lang>, &Knowledge) -> bool,
}

/// The functions of one file, with nothing around it: a snippet, stdin, a test.
pub struct SameFile<'a>(pub &'a [Unit]);

impl Functions for SameFile<'_> {
    fn named_where(&self, callee: &Expr, _: &Unit, _: Option<&FileGate>) -> Option<&Unit> {
        same_file_unit(self.0, callee)
    }

    fn function_in_own_file(&self, callee: &Expr, _: &Unit) -> Option<&Unit> {
        same_file_unit(self.0, callee)
    }

    fn callers(&self, function: &Unit) -> Vec<&Unit> {
        units_calling(self.0, function).collect()
    }

    fn reached_unit(&self, _: &Unit) -> Option<(&Unit, &str)> {
        None
    }

    fn text_at(&self, _: &Span) -> Option<&str> {
        None
    }
}

/// The parameter of `unit` that receives argument `arg` of a call to it (a method's
/// receiver parameter is not an argument).
pub fn param_for_arg(unit: &Unit, args: usize, arg: usize) -> Option<&str> {
    let skip = usize::from(
        unit.params.len() == args + 1
            && unit
                .params
                .first()
                .is_some_and(|p| p.trim_start_matches(['&', ' ']).ends_with("self")),
    );
    unit.params.get(arg + skip).map(String::as_str)
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::flow::module;
    use crate::model::Lang;

    #[test]
    fn only_bare_names_call_free_functions_of_the_file() {
        let m = module(
            Lang::Rust,
            "fn sleep(n: u64) {}\nstruct S;\nimpl S {\n    fn delay(&self, n: u32) {}\n}\n",
        );
        let name = |n: &str| Expr::new(0..0, ExprKind::Name(n.to_owned()));
        let found = |callee: &str| same_file_unit(&m.units, &name(callee)).map(|u| u.name.as_str());
        assert_eq!(found("sleep"), Some("sleep"));
        assert_eq!(found("tokio.time.sleep"), None);
        assert!(found("self.delay").is_some_and(|n| n.ends_with("delay")));
        assert_eq!(found("delay"), None);
    }
}
