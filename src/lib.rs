//! idemlint: a linter for idempotency and retry hazards.
//!
//! `files → front-end (src/lang) → model::Unit → analysis (knowledge) → rules → report`.
//!
//! The API: [`run`] checks paths (or one reader) with [`rules::ALL`] or a choice of them,
//! the [`knowledge`] and the levels a [`config`] gives; [`check_file`] checks one file's
//! text. What they find are [`finding`]s, which [`report`] renders. A rule of one's own
//! implements [`rules::Rule`] over the language-blind [`model`].

pub mod baseline;
pub mod config;
pub mod diff;
pub mod finding;
pub mod fix;
pub mod knowledge;
pub mod message;
pub mod model;
pub mod prefilter;
pub mod project;
pub mod report;
pub mod rules;
pub mod run;
pub mod server;

// Internals: public only so that the command line's debugging commands, the tests, the
// benchmarks and the fuzz targets can reach them; no API.
#[doc(hidden)]
pub mod analysis;
#[doc(hidden)]
pub mod dump;
#[doc(hidden)]
pub mod flow;
#[doc(hidden)]
pub mod lang;
#[doc(hidden)]
pub mod panic_boundary;
#[doc(hidden)]
pub mod semantic;
#[doc(hidden)]
pub mod sql;
#[doc(hidden)]
pub mod work;

mod discover;
mod paths;
mod suppress;

use finding::Finding;
use knowledge::Knowledge;
use model::{FileKind, Lang, ParseNote};
use rules::{Context, Rule};
use semantic::Semantic;

/// What checking one file found.
#[derive(Debug, Default)]
pub struct FileResult {
    /// Sorted by position.
    pub findings: Vec<Finding>,
    /// What the front-end could not read.
    pub notes: Vec<ParseNote>,
    /// Code only tests run (see [`model::Module::test_code`]).
    pub test_code: Vec<model::Span>,
    /// The names of the file's functions that a caller's finding may rest on (see
    /// [`rules::Rule::feeds_callers`]), sorted.
    pub feeds_callers: Vec<String>,
}

/// The model of one file as the rules see it: lowered, its calls classified, and its
/// closures added as units of their own. Public for the benchmarks.
#[doc(hidden)]
pub fn classified_model(source: &str, lang: Lang, knowledge: &Knowledge) -> model::Module {
    let mut module = lang::lower(lang, source);
    analysis::classify(&mut module, source, lang, knowledge);
    // A closure runs on its own schedule (a request handler, a transaction body, a retried
    // operation): every rule checks it as a unit of its own.
    let closures: Vec<model::Unit> = module.units.iter().flat_map(flow::closure_units).collect();
    module.units.extend(closures);
    module
}

/// Checks one file's text, of whatever kind, with the given rules.
pub fn check_file(
    source: &str,
    kind: FileKind,
    rules: &[&dyn Rule],
    knowledge: &Knowledge,
) -> FileResult {
    match kind {
        FileKind::Code(lang) => check_source(source, lang, rules, knowledge),
        FileKind::Markdown => check_markdown(source, rules, knowledge),
    }
}

/// Checks the file at `path` (its text is `source`) as a part of `project`: rules follow
/// its calls into the other files of the project that define them (see [`project`]).
pub fn check_file_in_project(
    source: &str,
    kind: FileKind,
    path: &std::path::Path,
    project: &project::Project,
    rules: &[&dyn Rule],
    knowledge: &Knowledge,
) -> FileResult {
    match kind {
        FileKind::Code(lang) => check_code(source, lang, rules, knowledge, Some((project, path))),
        FileKind::Markdown => check_markdown(source, rules, knowledge),
    }
}

/// Checks one file's text with the given rules. Findings covered by an inline
/// suppression are left out, and stale suppressions are reported (see `suppress`).
pub fn check_source(
    source: &str,
    lang: Lang,
    rules: &[&dyn Rule],
    knowledge: &Knowledge,
) -> FileResult {
    check_code(source, lang, rules, knowledge, None)
}

fn check_code(
    source: &str,
    lang: Lang,
    rules: &[&dyn Rule],
    knowledge: &Knowledge,
    around: Option<(&project::Project, &std::path::Path)>,
) -> FileResult {
    let module = classified_model(source, lang, knowledge);
    let semantic = Semantic::new(&module.units, source, knowledge);
    let cx = Context {
        lang,
        knowledge,
        source,
        functions: &project::Scope::new(&module.units, &module.imports, lang, around),
        semantic: &semantic,
    };
    // A rule sees only the languages it is written for.
    let applicable: Vec<&dyn Rule> = rules
        .iter()
        .copied()
        .filter(|rule| rule.meta().langs.contains(&lang))
        .collect();
    // Generated code (sqlc's queries) hands its results to its callers: whatever it leaves
    // unchecked is theirs to check, and nobody can act on a finding in a file they must not
    // edit. It is still read for what it feeds its callers.
    let checked_units = match is_generated(&module) {
        true => &[][..],
        false => &module.units[..],
    };
    let mut findings: Vec<Finding> = checked_units
        .iter()
        .flat_map(|unit| applicable.iter().flat_map(|rule| rule.check(unit, &cx)))
        .filter_map(|mut finding| {
            let placed = around.is_none_or(|(project, _)| project.place(&mut finding));
            placed.then_some(finding)
        })
        .collect();
    findings.sort_by(|a, b| {
        (a.primary.span.start, a.primary.span.end, a.rule).cmp(&(
            b.primary.span.start,
            b.primary.span.end,
            b.rule,
        ))
    });
    findings.dedup();
    let feeding: Vec<&str> = (module.units.iter())
        .filter(|unit| !unit.name.is_empty())
        .filter(|unit| applicable.iter().any(|rule| rule.feeds_callers(unit, &cx)))
        .map(|unit| own_name(&unit.name))
        .collect();
    let mut feeds_callers: Vec<String> = feeding.iter().map(|name| name.to_string()).collect();
    // A function the file exports under another name (`export default`) is called by the
    // name its importer gives it: the importer is known by the path it imports, which ends
    // with the file's name (or its folder's, for an `index` file).
    let renamed = |name: &&str| module.exports.iter().any(|export| export.local == *name);
    if feeding.iter().any(renamed)
        && let Some((_, path)) = around
        && let Some(imported_as) = import_path_end(path)
    {
        feeds_callers.push(imported_as);
    }
    feeds_callers.sort();
    feeds_callers.dedup();
    let mut findings = suppress::apply(findings, &module, source, rules);
    suppress::place(
        &mut findings,
        &module,
        source,
        lang::profile_of(lang).line_comment(),
    );
    FileResult {
        findings,
        notes: module.diagnostics,
        test_code: module.test_code,
        feeds_callers,
    }
}

/// The last segment of the path an importer writes to import `path` (`findDelivery` of
/// `./repo/findDelivery`; the folder's name for an `index` file).
fn import_path_end(path: &std::path::Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let end = match stem {
        "index" => path.parent()?.file_name()?.to_str()?,
        stem => stem,
    };
    Some(end.to_owned())
}

/// A function's own name, without its type (`Store.save`, `Store::save`).
fn own_name(name: &str) -> &str {
    name.rsplit(['.', ':']).next().unwrap_or(name)
}

/// Whether the file says it is generated: Go's `// Code generated … DO NOT EDIT.` line, or
/// an `@generated` marker, in a comment before the code starts.
fn is_generated(module: &model::Module) -> bool {
    let code_starts = module
        .units
        .first()
        .map_or(usize::MAX, |unit| unit.span.start);
    module
        .comments
        .iter()
        .take_while(|comment| comment.span.start < code_starts)
        .any(|comment| {
            let text = comment.text.trim();
            (text.starts_with("Code generated ") && text.ends_with("DO NOT EDIT."))
                || text.starts_with("@generated")
        })
}

/// A Markdown file: each fenced code block in a language idemlint reads is checked as a
/// snippet of its own (its suppressions included), and what it gives is moved to where the
/// block stands in the file.
fn check_markdown(source: &str, rules: &[&dyn Rule], knowledge: &Knowledge) -> FileResult {
    let mut result = FileResult::default();
    for block in lang::markdown::code_blocks(source) {
        let inner = check_source(&block.text, block.lang, rules, knowledge);
        result
            .findings
            .extend(inner.findings.into_iter().map(|finding| {
                let mut finding = finding.shifted(block.start);
                if let Some(suppression) = &mut finding.suppression {
                    keep_line_prefix(suppression, source);
                }
                finding
            }));
        result.notes.extend(
            inner
                .notes
                .into_iter()
                .map(|note| lang::markdown::block_note(note, block.start)),
        );
    }
    result
}

/// Makes a line `edit` inserts into a code block start as the line it goes above does in
/// the file: a block's text has the markers of the blockquotes and lists it stands in
/// blanked, so the indentation a check of it copies is spaces where the file has `> `.
fn keep_line_prefix(edit: &mut finding::Edit, source: &str) {
    let blank = edit.replacement.len() - edit.replacement.trim_start_matches([' ', '\t']).len();
    let at = edit.span.start;
    if let Some(prefix) = source.get(at..at + blank)
        && !prefix.contains('\n')
    {
        edit.replacement.replace_range(..blank, prefix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use finding::{Label, Severity};
    use rules::RuleMeta;

    /// Reports every unit, in whatever language it is given.
    struct EveryUnit;

    static GO_ONLY: RuleMeta = RuleMeta {
        name: "every-unit",
        summary: "reports every unit",
        default_severity: Severity::Warning,
        langs: &[Lang::Go],
        doc: "",
    };

    impl Rule for EveryUnit {
        fn meta(&self) -> &'static RuleMeta {
            &GO_ONLY
        }

        fn check(&self, unit: &model::Unit, _: &Context) -> Vec<Finding> {
            vec![Finding::new(
                GO_ONLY.name,
                "a unit",
                Label::new(unit.span.clone(), "here"),
            )]
        }
    }

    #[test]
    fn rules_run_only_on_the_languages_they_are_written_for() {
        let knowledge = Knowledge::builtin();
        let go = check_source(
            "package p\n\nfunc f() {}\n",
            Lang::Go,
            &[&EveryUnit],
            &knowledge,
        );
        assert_eq!(go.findings.len(), 1);
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\nSELECT 1;\n";
        let sql = check_source(sql, Lang::Sql, &[&EveryUnit], &knowledge);
        assert!(sql.findings.is_empty());
    }
}
