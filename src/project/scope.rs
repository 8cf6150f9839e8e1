//! The functions a checked file's calls reach: its own first, then those the language's
//! rules of scope and import place in another file of the project.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use super::{FILE_RANGE, Project};
use crate::flow::{FileFunctions, FileGate, Functions, units_calling};
use crate::lang::profile::{HomeFiles, Profile};
use crate::model::{Expr, ExprKind, Import, Lang, Span, Unit};

/// One checked file, and the project around it when it has one (stdin and Markdown snippets
/// have none: only their own functions are reached).
pub struct Scope<'a> {
    units: &'a [Unit],
    functions: FileFunctions,
    imports: &'a [Import],
    lang: Lang,
    around: Option<(&'a Project<'a>, &'a Path)>,
    /// What each callee written the same way reached in another file, by the callee and
    /// the gate asked with: a file calls the same few functions many times, and finding
    /// their home asks the file system.
    elsewhere_found: RefCell<HashMap<CalleeAsked, Option<&'a Unit>>>,
}

/// A callee as written (`store.save`), and the name of the gate it was looked up with.
type CalleeAsked = (String, Option<&'static str>);

impl<'a> Scope<'a> {
    pub fn new(
        units: &'a [Unit],
        imports: &'a [Import],
        lang: Lang,
        around: Option<(&'a Project<'a>, &'a Path)>,
    ) -> Scope<'a> {
        Scope {
            units,
            functions: FileFunctions::new(units),
            imports,
            lang,
            around,
            elsewhere_found: RefCell::default(),
        }
    }

    /// The function `callee` names in a file other than `file` (whose imports are
    /// `imports`), if exactly one file the language points at defines it.
    fn elsewhere(
        &self,
        project: &'a Project<'a>,
        file: &Path,
        lang: Lang,
        imports: &[Import],
        callee: &Expr,
        gate: Option<&FileGate>,
    ) -> Option<&'a Unit> {
        let profile = crate::lang::profile_of(lang);
        let home = profile.callee_home(file, callee, imports, project)?;
        let defined_in = |path: &Path, method: bool| {
            defined_in(project, path, lang, &home.function, method, gate)
        };
        match home.files {
            HomeFiles::FirstOf(candidates) => {
                let path = candidates.iter().find(|path| path.is_file())?;
                exported_from(project, profile, path, lang, &home.function, gate, 0)
            }
            HomeFiles::LastIn(dir) => {
                let files = project.package_files(&dir, file, &home.function, lang);
                files.iter().rev().find_map(|path| defined_in(path, false))
            }
            HomeFiles::Package(dir) => {
                let files = project.package_files(&dir, file, &home.function, lang);
                let mut found = files.into_iter().filter_map(|path| defined_in(path, false));
                let first = found.next()?;
                // Defined in two files (one per build tag, say): which one runs is not ours
                // to say.
                found.next().is_none().then_some(first)
            }
            // A one-word method (`get`, `Send`, `insert`) is as likely a library type's (a
            // map's, a client's) as the project's only one: with no types known, only a name
            // of two words or more (`FindPaymentByKey`, `insert_payment`) is looked up.
            HomeFiles::Method { .. } if !super::looked_up(&home.function) => None,
            HomeFiles::Method {
                package,
                module,
                dependencies,
            } => {
                let mut definers = package
                    .map(|package| project.method_files(&package, file, &home.function, lang))
                    .unwrap_or_default();
                if definers.is_empty()
                    && let Some(module) = &module
                {
                    definers = project.module_method_files(module, file, &home.function, lang);
                }
                if definers.is_empty() {
                    definers = (dependencies.iter())
                        .flat_map(|dependency| {
                            project.module_method_files(dependency, file, &home.function, lang)
                        })
                        .collect();
                }
                // With no types known, a method that two types define (two stores, a store
                // and its cache, two implementations of one interface) is unknown.
                match definers.as_slice() {
                    [only] => defined_in(only, true),
                    [] => {
                        let module = module.as_deref();
                        self.named_query(project, file, profile, module, &home.function)
                    }
                    _ => None,
                }
            }
        }
    }
}

/// The function `function` of the file at `path`, in `lang` (a method of that name, if
/// `method`): the file is read only if it passes `gate`, when there is one.
fn defined_in<'a>(
    project: &'a Project<'a>,
    path: &Path,
    lang: Lang,
    function: &str,
    method: bool,
    gate: Option<&FileGate>,
) -> Option<&'a Unit> {
    if gate.is_some_and(|gate| !project.passes(path, gate)) {
        return None;
    }
    let reached = project.reach(path)?;
    let units = &reached.module.units;
    // A function the file exports by another name is found by its own.
    let own = (reached.module.exports.iter())
        .find(|export| export.exported == function)
        .map_or(function, |export| &export.local);
    let named = Expr::new(0..0, ExprKind::Name(own.to_owned()));
    (reached.lang == lang)
        .then(|| match method {
            true => reached.functions.only_method(units, function),
            false => reached.functions.get(units, &named),
        })
        .flatten()
}

/// How many modules re-exporting a function (barrel files, `index.ts`) are followed to the
/// one defining it.
const RE_EXPORT_DEPTH: usize = 3;

/// A file that may re-export what other modules define: read for its re-exports whatever
/// a rule's gate says, since a barrel holds no query of its own.
static RE_EXPORTS: FileGate = FileGate {
    name: "re-exports",
    admits: |text, lang, _| {
        lang.is_some_and(|lang| crate::lang::profile_of(lang).may_re_export(text))
    },
};

/// The function `function` of the file at `path`, or of the module the file re-exports it
/// from (`export * from "./store"`), a few re-exports deep.
fn exported_from<'a>(
    project: &'a Project<'a>,
    profile: &dyn Profile,
    path: &Path,
    lang: Lang,
    function: &str,
    gate: Option<&FileGate>,
    depth: usize,
) -> Option<&'a Unit> {
    if let Some(found) = defined_in(project, path, lang, function, false, gate) {
        return Some(found);
    }
    if depth == RE_EXPORT_DEPTH || !project.passes(path, &RE_EXPORTS) {
        return None;
    }
    let reached = project.reach(path)?;
    let callee = Expr::new(0..0, ExprKind::Name(function.to_owned()));
    let re_exports = reached.module.re_exports.iter();
    re_exports
        .filter(|re| re.local == function || re.local == "*")
        .find_map(|re| {
            let import = Import {
                local: function.to_owned(),
                source: re.source.clone(),
                exported: re.exported.clone(),
            };
            let home = profile.callee_home(path, &callee, &[import], project)?;
            let HomeFiles::FirstOf(candidates) = home.files else {
                return None;
            };
            let next = candidates.iter().find(|next| next.is_file())?;
            exported_from(
                project,
                profile,
                next,
                lang,
                &home.function,
                gate,
                depth + 1,
            )
        })
}

impl<'a> Scope<'a> {
    /// The named query of the module's query files that a method call runs, where the code
    /// generated for it is not in the checkout: the only one of the method's name.
    fn named_query(
        &self,
        project: &'a Project<'a>,
        file: &Path,
        profile: &dyn Profile,
        module: Option<&Path>,
        method: &str,
    ) -> Option<&'a Unit> {
        let queries_lang = profile.named_queries_lang()?;
        let files = project.module_method_files(module?, file, method, queries_lang);
        let [only] = files.as_slice() else {
            return None;
        };
        let reached = project.reach(only)?;
        let name = Expr::new(0..0, ExprKind::Name(method.to_owned()));
        (reached.lang == queries_lang)
            .then(|| reached.functions.get(&reached.module.units, &name))
            .flatten()
    }
}

impl Functions for Scope<'_> {
    fn named_where(&self, callee: &Expr, caller: &Unit, gate: Option<&FileGate>) -> Option<&Unit> {
        if caller.span.start < FILE_RANGE {
            if let Some(own) = self.functions.get(self.units, callee) {
                return Some(own);
            }
            let (project, path) = self.around?;
            let Some(written) = callee.dotted() else {
                return self.elsewhere(project, path, self.lang, self.imports, callee, gate);
            };
            let key = (written, gate.map(|gate| gate.name));
            if let Some(found) = self.elsewhere_found.borrow().get(&key) {
                return *found;
            }
            let found = self.elsewhere(project, path, self.lang, self.imports, callee, gate);
            self.elsewhere_found.borrow_mut().insert(key, found);
            return found;
        }
        // A function reached in another file is followed into its own file and, where the
        // rule names the only files worth reading (a gate), into one more: a service's
        // method calling its repository. The rules bound how deep they go; without a gate,
        // one step out of the checked file, so that following calls never reads the whole
        // project.
        if let Some(own) = self.function_in_own_file(callee, caller) {
            return Some(own);
        }
        let gate = gate?;
        let (project, _) = self.around?;
        let reached = project.reached_at(caller.span.start)?;
        let imports = &reached.module.imports;
        self.elsewhere(
            project,
            &reached.file.path,
            reached.lang,
            imports,
            callee,
            Some(gate),
        )
    }

    fn function_in_own_file(&self, callee: &Expr, caller: &Unit) -> Option<&Unit> {
        if caller.span.start < FILE_RANGE {
            return self.functions.get(self.units, callee);
        }
        let (project, _) = self.around?;
        let reached = project.reached_at(caller.span.start)?;
        reached.functions.get(&reached.module.units, callee)
    }

    fn callers(&self, function: &Unit) -> Vec<&Unit> {
        if function.span.start >= FILE_RANGE {
            let Some((project, _)) = self.around else {
                return Vec::new();
            };
            return project
                .reached_at(function.span.start)
                .map(|reached| units_calling(&reached.module.units, function).collect())
                .unwrap_or_default();
        }
        let mut found: Vec<&Unit> = units_calling(self.units, function).collect();
        if let Some((project, path)) = self.around {
            let dir = path.parent().unwrap_or(Path::new(""));
            for other in project.folder_files_calling(dir, path, &function.name, self.lang) {
                if let Some(reached) = project.reach(other) {
                    found.extend(units_calling(&reached.module.units, function));
                }
            }
        }
        found
    }

    fn text_at(&self, span: &Span) -> Option<&str> {
        let (project, _) = self.around?;
        let reached = project.reached_at(span.start)?;
        let start = span.start.checked_sub(reached.start)?;
        let end = span.end.checked_sub(reached.start)?;
        reached.file.source.get(start..end)
    }

    fn reached_unit(&self, unit: &Unit) -> Option<(&Unit, &str)> {
        let (project, _) = self.around?;
        let reached = project.reached_at(unit.span.start)?;
        let same = (reached.module.units.iter()).find(|other| std::ptr::eq(*other, unit))?;
        Some((same, &reached.file.source))
    }
}
