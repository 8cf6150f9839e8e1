//! The functions a checked file's calls reach: its own first, then those the language's
//! rules of scope and import place in another file of the project.

use std::path::Path;

use super::{FILE_RANGE, Project};
use crate::flow::{Functions, same_file_unit};
use crate::lang::profile::HomeFiles;
use crate::model::{Expr, ExprKind, Import, Lang, Unit};

/// One checked file, and the project around it when it has one (stdin and Markdown snippets
/// have none: only their own functions are reached).
pub struct Scope<'a> {
    units: &'a [Unit],
    imports: &'a [Import],
    lang: Lang,
    around: Option<(&'a Project<'a>, &'a Path)>,
}

impl<'a> Scope<'a> {
    pub fn new(
        units: &'a [Unit],
        imports: &'a [Import],
        lang: Lang,
        around: Option<(&'a Project<'a>, &'a Path)>,
    ) -> Scope<'a> {
        Scope {
            units,
            imports,
            lang,
            around,
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
    ) -> Option<&'a Unit> {
        let profile = crate::lang::profile_of(lang);
        let home = profile.callee_home(file, callee, imports, project)?;
        let function = Expr::new(0..0, ExprKind::Name(home.function.clone()));
        let defined_in = |path: &Path| {
            let reached = project.reach(path)?;
            (reached.lang == lang)
                .then(|| same_file_unit(&reached.module.units, &function))
                .flatten()
        };
        match home.files {
            HomeFiles::FirstOf(candidates) => {
                let path = candidates.iter().find(|path| path.is_file())?;
                defined_in(path)
            }
            HomeFiles::LastIn(dir) => {
                let files = project.package_files(&dir, file, &home.function, lang);
                files.iter().rev().find_map(|path| defined_in(path))
            }
            HomeFiles::Package(dir) => {
                let files = project.package_files(&dir, file, &home.function, lang);
                let mut found = files.iter().filter_map(|path| defined_in(path));
                let first = found.next()?;
                // Defined in two files (one per build tag, say): which one runs is not ours
                // to say.
                found.next().is_none().then_some(first)
            }
        }
    }
}

impl Functions for Scope<'_> {
    fn function(&self, callee: &Expr, caller: &Unit) -> Option<&Unit> {
        if caller.span.start < FILE_RANGE {
            if let Some(own) = same_file_unit(self.units, callee) {
                return Some(own);
            }
            let (project, path) = self.around?;
            return self.elsewhere(project, path, self.lang, self.imports, callee);
        }
        // A function reached before calls on from its own file.
        let (project, _) = self.around?;
        let reached = project.reached_at(caller.span.start)?;
        same_file_unit(&reached.module.units, callee).or_else(|| {
            self.elsewhere(
                project,
                &reached.file.path,
                reached.lang,
                &reached.module.imports,
                callee,
            )
        })
    }
}
