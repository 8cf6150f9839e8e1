//! The configuration file, `idemlint.toml`: per-rule levels, path excludes, test code, more
//! file extensions and knowledge extensions.
//!
//! ```toml
//! exclude = ["fixtures/**", "*.gen.go"]
//!
//! [rules]
//! backoff-without-jitter = "warning"
//! retry-any-error = "off"
//!
//! [test-code]
//! extend-paths = ["qa/**"]
//! rules = { retry-any-error = "warning" }
//!
//! [extensions]
//! tmpl = "sql"
//!
//! [knowledge]
//! sleep-functions = ["clock.Sleep"]
//! random-functions = ["backoffutil.Jitter"]
//! retry-predicates = ["isTransient"]
//! in-progress-statuses = ["running"]
//! settled-statuses = ["archived"]
//! status-columns = ["phase"]
//! dedup-tables = ["webhook_deliveries"]
//! side-effect-functions = ["ledger.Post"]
//! ```
//!
//! Every mistake in the file (bad TOML, an unknown key or rule, a value of the wrong type,
//! a bad glob) is an error that names the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;
use crate::knowledge::{Knowledge, KnowledgeExtension};
use crate::model::{FileKind, FileKinds};
use crate::paths::normalize;
use crate::report::position::LineIndex;
use crate::rules;

/// The file name looked for in the working directory and its ancestors.
pub const FILE_NAME: &str = "idemlint.toml";

/// What a rule is set to in `[rules]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum RuleLevel {
    Error,
    Warning,
    Off,
}

impl TryFrom<String> for RuleLevel {
    type Error = String;

    fn try_from(name: String) -> Result<RuleLevel, String> {
        match name.as_str() {
            "error" => Ok(RuleLevel::Error),
            "warning" => Ok(RuleLevel::Warning),
            "off" => Ok(RuleLevel::Off),
            other => Err(format!(
                "unknown level `{other}`, expected `error`, `warning` or `off`"
            )),
        }
    }
}

/// A loaded configuration. [`Config::default`] is the configuration of a project without
/// a file: every rule at its default level, nothing excluded, the built-in knowledge.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from, if from a file.
    pub path: Option<PathBuf>,
    /// The level of each rule the file names; the others keep their default.
    pub levels: BTreeMap<&'static str, RuleLevel>,
    pub exclude: Exclude,
    pub test_code: TestCode,
    pub knowledge: KnowledgeExtension,
    /// What files are by extension, the file's `[extensions]` included.
    pub file_kinds: FileKinds,
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RuleLevel>,
    #[serde(default, rename = "test-code")]
    test_code: RawTestCode,
    /// More extensions, each with the language its files are in.
    #[serde(default)]
    extensions: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    knowledge: KnowledgeExtension,
}

/// `[test-code]` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTestCode {
    /// Replaces the built-in list of test paths.
    paths: Option<Vec<Spanned<String>>>,
    /// Adds to the list of test paths.
    #[serde(default)]
    extend_paths: Vec<Spanned<String>>,
    /// Levels in test code, over the defaults of [`TEST_CODE_LEVELS`].
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RuleLevel>,
}

/// The `exclude` globs, in `.gitignore` syntax, relative to the configuration file's
/// directory.
#[derive(Debug, Clone)]
pub struct Exclude {
    globs: Gitignore,
}

impl Default for Exclude {
    fn default() -> Exclude {
        Exclude {
            globs: Gitignore::empty(),
        }
    }
}

impl Exclude {
    /// Whether `path` (absolute, or relative to `cwd`) or a directory above it is excluded.
    pub fn is_excluded(&self, path: &Path, is_dir: bool, cwd: &Path) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        let absolute = normalize(&cwd.join(path));
        absolute.starts_with(self.globs.path())
            && self
                .globs
                .matched_path_or_any_parents(&absolute, is_dir)
                .is_ignore()
    }
}

/// Where test, benchmark and test-utility code lives, unless `[test-code] paths` says
/// otherwise (`.gitignore` syntax, relative to the project's root: a pattern without a
/// slash matches at any depth below it).
pub const TEST_CODE_PATHS: &[&str] = &[
    "*_test.go",
    "*.{test,spec,e2e,bench}.{ts,tsx,mts,cts,js,jsx,mjs,cjs}",
    "*_{test,tests,bench}.rs",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "test/",
    "tests/",
    "testing/",
    "testdata/",
    "testutil/",
    "testutils/",
    "testinfra/",
    "testhelpers/",
    "test-utils/",
    "*_tests/",
    "*-tests/",
    "test_utils/",
    "__tests__/",
    "__e2e__/",
    "e2e/",
    "benches/",
    "loadtest/",
    "*harness*",
];

/// The levels rules report at in test code unless `[test-code] rules` says otherwise. A
/// test that polls for a server or a container with a growing sleep, and retries whatever
/// failed, waits for its own fixture: it is not a retry storm against a shared service.
pub const TEST_CODE_LEVELS: &[(&str, RuleLevel)] = &[
    ("backoff-without-jitter", RuleLevel::Off),
    ("retry-any-error", RuleLevel::Off),
];

/// `[test-code]`: which paths hold test code, and the rule levels there. Paths are matched
/// below the project's root (the configuration file's directory, else the working
/// directory), so that a checkout inside a folder named `test` is not all test code. Code
/// the front-end marks as test-only (a Rust `#[cfg(test)]` module or `#[test]` function)
/// counts too, wherever it is.
#[derive(Debug, Clone)]
pub struct TestCode {
    /// The built-in [`TEST_CODE_PATHS`].
    builtin: Gitignore,
    /// The built-in paths' file-name patterns (`*_test.go`), for a file outside the root:
    /// its folders above it are not the project's to judge.
    builtin_names: Gitignore,
    /// `paths`, which replace the built-in ones.
    project: Gitignore,
    /// `extend-paths`.
    extended: Gitignore,
    /// The level of each rule that differs in test code.
    pub levels: BTreeMap<&'static str, RuleLevel>,
}

impl Default for TestCode {
    /// The built-in paths below the working directory, at the built-in levels.
    fn default() -> TestCode {
        TestCode::new(&std::env::current_dir().unwrap_or_default())
    }
}

impl TestCode {
    /// The built-in paths below `root`, at the built-in levels.
    pub fn new(root: &Path) -> TestCode {
        let mut builtin = GitignoreBuilder::new(root);
        let mut builtin_names = GitignoreBuilder::new("/");
        for glob in TEST_CODE_PATHS {
            builtin.add_line(None, glob).expect("a valid built-in glob");
            if !glob.ends_with('/') {
                builtin_names
                    .add_line(None, glob)
                    .expect("a valid built-in glob");
            }
        }
        TestCode {
            builtin: builtin.build().expect("valid built-in globs"),
            builtin_names: builtin_names.build().expect("valid built-in globs"),
            project: Gitignore::empty(),
            extended: Gitignore::empty(),
            levels: TEST_CODE_LEVELS.iter().copied().collect(),
        }
    }

    /// Whether `path` (absolute, or relative to `cwd`) is test code. A file outside the
    /// built-in paths' root (checked from another working directory) is by its name.
    pub fn contains(&self, path: &Path, cwd: &Path) -> bool {
        let absolute = normalize(&cwd.join(path));
        let outside_root = !self.builtin.is_empty() && !absolute.starts_with(self.builtin.path());
        if outside_root
            && let Some(name) = absolute.file_name()
            && (self.builtin_names)
                .matched(Path::new("/").join(name), false)
                .is_ignore()
        {
            return true;
        }
        [&self.builtin, &self.project, &self.extended]
            .into_iter()
            .any(|globs| {
                !globs.is_empty()
                    && absolute.starts_with(globs.path())
                    && globs
                        .matched_path_or_any_parents(&absolute, false)
                        .is_ignore()
            })
    }

    /// The severity of `rule`'s findings in test code, given its severity elsewhere;
    /// `None` when it is off there.
    pub fn severity(&self, rule: &str, elsewhere: Severity) -> Option<Severity> {
        match self.levels.get(rule) {
            None => Some(elsewhere),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Error) => Some(Severity::Error),
        }
    }
}

impl Config {
    /// The configuration for a run in `cwd`: the file named by `--config`, else the first
    /// `idemlint.toml` in `cwd` or above it, else the defaults.
    pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Config, String> {
        let path = match explicit {
            Some(path) => Some(path.to_owned()),
            None => cwd
                .ancestors()
                .map(|dir| dir.join(FILE_NAME))
                .find(|candidate| candidate.is_file()),
        };
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|error| {
                    format!(
                        "cannot read the configuration '{}': {error}",
                        path.display()
                    )
                })?;
                let root = normalize(&cwd.join(&path));
                let root = root.parent().unwrap_or(Path::new("/"));
                let shown = crate::paths::display_path(&path, Some(cwd));
                Config::parse(&text, root, &shown)
            }
            None => Ok(Config {
                test_code: TestCode::new(cwd),
                ..Config::default()
            }),
        }
    }

    /// Reads the text of a configuration file. `root` is the directory excludes are
    /// relative to; `shown` is how errors name the file.
    pub fn parse(text: &str, root: &Path, shown: &Path) -> Result<Config, String> {
        let error_at = |span: Option<std::ops::Range<usize>>, message: &str| {
            let position = LineIndex::new(text).position(span.map_or(0, |span| span.start));
            format!("{}:{position}: {message}", shown.display())
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|error| error_at(error.span(), error.message()))?;
        let rule_named = |name: &Spanned<String>| {
            rules::meta_by_name(name.get_ref()).ok_or_else(|| {
                let known: Vec<&str> = rules::all_meta().map(|meta| meta.name).collect();
                error_at(
                    Some(name.span()),
                    &format!(
                        "unknown rule `{}`, expected one of {}",
                        name.get_ref(),
                        quoted_list(&known)
                    ),
                )
            })
        };
        let mut levels = BTreeMap::new();
        for (name, level) in &raw.rules {
            levels.insert(rule_named(name)?.name, *level);
        }
        let mut globs = GitignoreBuilder::new(root);
        for glob in &raw.exclude {
            globs
                .add_line(None, glob.get_ref())
                .map_err(|error| error_at(Some(glob.span()), &error.to_string()))?;
        }
        let globs = globs
            .build()
            .map_err(|error| error_at(None, &error.to_string()))?;
        let mut test_levels = BTreeMap::new();
        for (name, level) in &raw.test_code.rules {
            let meta = rule_named(name)?;
            test_levels.insert(meta.name, *level);
        }
        let test_globs = |lines: &[Spanned<String>]| -> Result<Gitignore, String> {
            let mut builder = GitignoreBuilder::new(root);
            for glob in lines {
                builder
                    .add_line(None, glob.get_ref())
                    .map_err(|error| error_at(Some(glob.span()), &error.to_string()))?;
            }
            builder
                .build()
                .map_err(|error| error_at(None, &error.to_string()))
        };
        let mut test_code = TestCode::new(root);
        if let Some(paths) = &raw.test_code.paths {
            test_code.builtin = Gitignore::empty();
            test_code.builtin_names = Gitignore::empty();
            test_code.project = test_globs(paths)?;
        }
        let extended = test_globs(&raw.test_code.extend_paths)?;
        if !extended.is_empty() {
            test_code.extended = extended;
        }
        test_code.levels.extend(test_levels);
        let mut file_kinds = FileKinds::default();
        for (extension, language) in &raw.extensions {
            let kind = FileKind::from_name(language.get_ref()).ok_or_else(|| {
                error_at(
                    Some(language.span()),
                    &format!(
                        "unknown language `{}` for `.{}` files, expected one of {}",
                        language.get_ref(),
                        extension.get_ref().trim_start_matches('.'),
                        FileKind::names()
                            .iter()
                            .map(|name| format!("`{name}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            file_kinds.add(extension.get_ref(), kind);
        }
        Ok(Config {
            path: Some(shown.to_owned()),
            levels,
            exclude: Exclude { globs },
            test_code,
            knowledge: raw.knowledge,
            file_kinds,
        })
    }

    /// The knowledge table with the file's extensions.
    pub fn knowledge(&self) -> Knowledge {
        let mut knowledge = Knowledge::builtin();
        self.knowledge.extend(&mut knowledge);
        knowledge
    }
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    quoted.join(", ")
}

/// The rules a run checks and the severity each reports at: the configuration's levels,
/// overridden by `--select` (only these, even those the file turns off) and `--ignore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    /// Every enabled rule, the meta-rule `unused-suppression` included, with its severity.
    enabled: BTreeMap<&'static str, Severity>,
}

impl Levels {
    /// `select` and `ignore` are rule names as given; an unknown one is an error, so a typo
    /// never silently turns a rule off.
    pub fn new(
        config: &BTreeMap<&'static str, RuleLevel>,
        select: &[String],
        ignore: &[String],
    ) -> Result<Levels, String> {
        let (select, ignore) = (known_names(select)?, known_names(ignore)?);
        let enabled = rules::all_meta()
            .filter_map(|meta| {
                let configured = config.get(meta.name).copied();
                let on = if select.is_empty() {
                    configured != Some(RuleLevel::Off)
                } else {
                    select.contains(&meta.name)
                };
                let severity = match configured {
                    Some(RuleLevel::Error) => Severity::Error,
                    Some(RuleLevel::Warning) => Severity::Warning,
                    Some(RuleLevel::Off) | None => meta.default_severity,
                };
                (on && !ignore.contains(&meta.name)).then_some((meta.name, severity))
            })
            .collect();
        Ok(Levels { enabled })
    }

    /// The severity `rule` reports at, or `None` when it is off.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        self.enabled.get(rule).copied()
    }

    /// The rules of the registry to run, in registry order.
    pub fn rules(&self) -> Vec<&'static dyn rules::Rule> {
        rules::ALL
            .iter()
            .copied()
            .filter(|rule| self.enabled.contains_key(rule.meta().name))
            .collect()
    }
}

impl Default for Levels {
    /// Every rule at its default severity.
    fn default() -> Levels {
        Levels::new(&BTreeMap::new(), &[], &[]).expect("no names to check")
    }
}

fn known_names(list: &[String]) -> Result<Vec<&'static str>, String> {
    list.iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .map(|name| {
            rules::meta_by_name(name)
                .map(|meta| meta.name)
                .ok_or_else(|| format!("unknown rule '{name}' (see 'idemlint rules')"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/repo"), Path::new("idemlint.toml"))
    }

    #[test]
    fn a_full_file_is_read() {
        let config = parse(
            r#"
exclude = ["fixtures/**", "*.gen.go"]

[rules]
unchecked-on-conflict = "warning"
unused-suppression = "off"

[knowledge]
sleep-functions = ["clock::Sleep"]
random-functions = ["backoffutil.Jitter"]
retry-predicates = ["errs.IsTransientFailure"]
in-progress-statuses = ["running"]
settled-statuses = ["Archived"]
status-columns = ["Phase"]
dedup-tables = ["Webhook_Deliveries"]
side-effect-functions = ["ledger.PostEntry"]
"#,
        )
        .unwrap();
        assert_eq!(
            config.levels,
            BTreeMap::from([
                ("unchecked-on-conflict", RuleLevel::Warning),
                ("unused-suppression", RuleLevel::Off),
            ])
        );
        let cwd = Path::new("/repo");
        let excluded =
            |path: &str, is_dir| config.exclude.is_excluded(Path::new(path), is_dir, cwd);
        assert!(excluded("fixtures/seed/inbox.sql", false));
        assert!(excluded("fixtures/seed", true));
        assert!(excluded("api/deep/handler.gen.go", false));
        assert!(excluded("/repo/fixtures/x.go", false));
        assert!(!excluded("src/fixtures.rs", false));
        assert!(!excluded("/elsewhere/fixtures/x.go", false));
        assert!(!excluded("../fixtures/x.go", false));

        let knowledge = config.knowledge();
        use crate::model::Lang;
        assert!(knowledge.sleep(Lang::Go, "internal.clock.Sleep").is_some());
        assert!(knowledge.is_random(Lang::Rust, "backoffutil.Jitter"));
        assert!(knowledge.is_retry_predicate("IsTransientFailure"));
        assert!(knowledge.is_in_progress_status("RUNNING"));
        assert!(knowledge.is_settled_status("archived"));
        assert!(knowledge.is_status_column("job_phase"));
        assert!(knowledge.is_dedup_name("webhook_deliveries"));
        assert!(knowledge.is_side_effect("l.PostEntry"));
        assert!(!Knowledge::builtin().is_in_progress_status("running"));
    }

    #[test]
    fn mistakes_name_the_line_and_column() {
        let error = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            error("[rules]\nunchecked-on-conflict = \"fatal\"\n"),
            "idemlint.toml:2:25: unknown level `fatal`, expected `error`, `warning` or `off`"
        );
        assert_eq!(
            error("[rules]\n\nno-such-rule = \"off\"\n"),
            format!(
                "idemlint.toml:3:1: unknown rule `no-such-rule`, expected one of {}",
                quoted_list(&rules::all_meta().map(|m| m.name).collect::<Vec<_>>())
            )
        );
        assert_eq!(
            error("exclude = \"fixtures\"\n"),
            "idemlint.toml:1:11: invalid type: string \"fixtures\", expected a sequence"
        );
        assert_eq!(
            error("[knowledge]\nsleep-funcs = []\n"),
            "idemlint.toml:2:1: unknown field `sleep-funcs`, expected one of `sleep-functions`, \
             `random-functions`, `retry-predicates`, `in-progress-statuses`, `settled-statuses`, \
             `status-columns`, `dedup-tables`, `side-effect-functions`"
        );
        assert_eq!(
            error("colour = true\n"),
            "idemlint.toml:1:1: unknown field `colour`, expected one of `exclude`, `rules`, \
             `test-code`, `extensions`, `knowledge`"
        );
        assert_eq!(
            error("[rules\n"),
            "idemlint.toml:1:7: unclosed table, expected `]`"
        );
        assert_eq!(
            error("exclude = [\"ok\", \"{a,b\"]\n"),
            "idemlint.toml:1:18: error parsing glob '{a,b': unclosed alternate group; missing '}' \
             (maybe escape '{' with '[{]'?)"
        );
    }

    #[test]
    fn test_code_is_found_below_the_root_by_the_built_in_paths_or_the_files() {
        let root = Path::new("/repo");
        let contains = |test_code: &TestCode, path: &str| test_code.contains(Path::new(path), root);
        let builtin = parse("").unwrap().test_code;
        for path in [
            "svc/send_test.go",
            "web/src/__tests__/send.ts",
            "web/src/send.test.tsx",
            "web/src/send.spec.js",
            "tests/it/main.rs",
            "pkg/testing/harness/engine.go",
            "e2e/helpers.go",
            "crates/x/benches/b.rs",
        ] {
            assert!(contains(&builtin, path), "{path}");
        }
        for path in [
            "svc/send.go",
            "src/contest.rs",
            "web/src/attestation.ts",
            "/elsewhere/tests/a.go",
        ] {
            assert!(!contains(&builtin, path), "{path}");
        }
        assert_eq!(builtin.severity("retry-any-error", Severity::Warning), None);
        assert_eq!(
            builtin.severity("check-then-insert", Severity::Error),
            Some(Severity::Error)
        );

        let replaced = parse("[test-code]\npaths = [\"qa/\"]\n").unwrap().test_code;
        assert!(contains(&replaced, "qa/smoke.go"));
        assert!(!contains(&replaced, "svc/send_test.go"));
        let extended = parse(
            "[test-code]\nextend-paths = [\"qa/\"]\nrules = { retry-any-error = \"warning\", check-then-insert = \"off\" }\n",
        )
        .unwrap()
        .test_code;
        assert!(contains(&extended, "qa/smoke.go"));
        assert!(contains(&extended, "svc/send_test.go"));
        assert_eq!(
            extended.severity("retry-any-error", Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(
            extended.severity("backoff-without-jitter", Severity::Warning),
            None
        );
        assert_eq!(
            extended.severity("check-then-insert", Severity::Error),
            None
        );
        assert_eq!(
            parse("[test-code]\nrules = { nope = \"off\" }\n").unwrap_err(),
            format!(
                "idemlint.toml:2:11: unknown rule `nope`, expected one of {}",
                quoted_list(&rules::all_meta().map(|m| m.name).collect::<Vec<_>>())
            )
        );
    }

    #[test]
    fn knowledge_takes_groups_of_calls_in_a_language() {
        let config = parse(
            r#"
[knowledge]
sleep-functions = ["clock.Sleep", { lang = "typescript", calls = ["pause"], duration-arg = 1 }]
random-functions = [{ lang = "go", calls = ["jitter.Duration"] }]
"#,
        )
        .unwrap();
        let knowledge = config.knowledge();
        use crate::model::Lang;
        let duration_arg = |lang, name| {
            knowledge
                .sleep_call(lang, name, 2)
                .map(|sleep| sleep.duration_arg)
        };
        assert_eq!(duration_arg(Lang::Rust, "clock.Sleep"), Some(0));
        assert_eq!(duration_arg(Lang::TypeScript, "timers.pause"), Some(1));
        assert_eq!(duration_arg(Lang::Go, "timers.pause"), None);
        assert!(knowledge.is_random(Lang::Go, "jitter.Duration"));
        assert!(!knowledge.is_random(Lang::Rust, "jitter.Duration"));
        assert_eq!(
            parse("[knowledge]\nrandom-functions = [{ lang = \"golang\", calls = [] }]\n")
                .unwrap_err(),
            "idemlint.toml:2:30: unknown language `golang`, expected one of `go`, `rust`, `sql`, `typescript`, `python`"
        );
    }

    #[test]
    fn an_empty_file_is_the_default() {
        let config = parse("").unwrap();
        assert!(config.levels.is_empty());
        assert_eq!(config.knowledge, KnowledgeExtension::default());
        assert!(
            !config
                .exclude
                .is_excluded(Path::new("a.go"), false, Path::new("/repo"))
        );
    }

    #[test]
    fn the_file_is_found_upward_from_the_working_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[rules]\nunused-suppression = \"error\"\n",
        )
        .unwrap();
        let config = Config::load(None, &nested).unwrap();
        assert_eq!(config.path, Some(dir.path().join(FILE_NAME)));
        assert_eq!(config.levels["unused-suppression"], RuleLevel::Error);
        let missing = Config::load(Some(Path::new("nope.toml")), &nested).unwrap_err();
        assert!(
            missing.starts_with("cannot read the configuration 'nope.toml': "),
            "{missing}"
        );
    }

    #[test]
    fn select_and_ignore_override_the_configured_levels() {
        let config = BTreeMap::from([
            ("unchecked-on-conflict", RuleLevel::Off),
            ("unused-suppression", RuleLevel::Error),
        ]);
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let levels = Levels::new(&config, &[], &[]).unwrap();
        assert_eq!(levels.severity("unchecked-on-conflict"), None);
        assert_eq!(levels.severity("unused-suppression"), Some(Severity::Error));
        let selected = Levels::new(&config, &names(&[" unchecked-on-conflict ", ""]), &[]).unwrap();
        assert_eq!(
            selected.severity("unchecked-on-conflict"),
            Some(Severity::Error)
        );
        assert_eq!(selected.severity("unused-suppression"), None);
        assert_eq!(
            selected
                .rules()
                .iter()
                .map(|r| r.meta().name)
                .collect::<Vec<_>>(),
            ["unchecked-on-conflict"]
        );
        let ignored = Levels::new(&config, &[], &names(&["unused-suppression"])).unwrap();
        assert_eq!(ignored.severity("unused-suppression"), None);
        assert_eq!(
            Levels::new(&config, &names(&["nope"]), &[]).unwrap_err(),
            "unknown rule 'nope' (see 'idemlint rules')"
        );
        let defaults = Levels::default();
        for meta in rules::all_meta() {
            assert_eq!(defaults.severity(meta.name), Some(meta.default_severity));
        }
    }
}
