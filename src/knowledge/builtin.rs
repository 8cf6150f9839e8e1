//! The built-in table: [`Knowledge::builtin`], read from the data files of `data/` (one per
//! library family, embedded in the binary; their format is in `data`), and
//! [`DIVERGING_CALLS`].

use std::sync::LazyLock;

use super::Knowledge;
use super::data::KnowledgeData;

/// Calls that never return (used to tell whether a branch leaves the unit).
pub const DIVERGING_CALLS: &[&str] = &[
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "Fatal",
    "Fatalf",
    "Fatalln",
    "Panic",
    "Panicf",
    "Exit",
    "exit",
    "abort",
    "Error",
    "Errorf",
];

/// The data files by name, in the order their entries go into the table.
pub(super) const FILES: &[(&str, &str)] = &[
    ("sleep.toml", include_str!("data/sleep.toml")),
    ("randomness.toml", include_str!("data/randomness.toml")),
    ("sql-drivers.toml", include_str!("data/sql-drivers.toml")),
    ("read-results.toml", include_str!("data/read-results.toml")),
    ("orms.toml", include_str!("data/orms.toml")),
    ("key-value.toml", include_str!("data/key-value.toml")),
    ("numbers.toml", include_str!("data/numbers.toml")),
    ("http-status.toml", include_str!("data/http-status.toml")),
    (
        "idempotency-records.toml",
        include_str!("data/idempotency-records.toml"),
    ),
    ("retry-loops.toml", include_str!("data/retry-loops.toml")),
    ("side-effects.toml", include_str!("data/side-effects.toml")),
    ("retry-go.toml", include_str!("data/retry-go.toml")),
    ("retry-rust.toml", include_str!("data/retry-rust.toml")),
    (
        "retry-typescript.toml",
        include_str!("data/retry-typescript.toml"),
    ),
    ("retry-python.toml", include_str!("data/retry-python.toml")),
];

/// The table, read once.
static BUILTIN: LazyLock<Knowledge> = LazyLock::new(|| {
    let mut knowledge = Knowledge::default();
    for (name, text) in FILES {
        // The files are part of the source and a test reads each: an error is a bug here.
        let data = KnowledgeData::parse(text)
            .unwrap_or_else(|error| panic!("src/knowledge/data/{name}: {error}"));
        knowledge.add(data);
    }
    knowledge
});

impl Knowledge {
    /// The built-in table.
    pub fn builtin() -> Knowledge {
        BUILTIN.clone()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::fmt::Debug;

    use super::*;
    use crate::knowledge::{
        ArgTest, CallPattern, CallShape, Mark, Orm, RetryApi, RetryRole, TableSource,
    };

    #[test]
    fn every_data_file_is_read() {
        for (name, text) in FILES {
            if let Err(error) = KnowledgeData::parse(text) {
                panic!("src/knowledge/data/{name}: {error}");
            }
        }
    }

    #[test]
    fn the_built_in_table_is_well_formed() {
        let problems = problems(&Knowledge::builtin());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn mistakes_in_a_data_file_are_errors_that_say_what_is_wrong() {
        let error = |text: &str| KnowledgeData::parse(text).unwrap_err().message().to_owned();
        assert_eq!(
            error("[[sleep-functions]]\nlang = \"golang\"\ncalls = [\"clock.Sleep\"]\n"),
            "unknown language `golang`, expected one of `go`, `rust`, `sql`, `typescript`, `python`"
        );
        assert_eq!(error("sleep-funcs = []\n"), "unknown field `sleep-funcs`");
        assert_eq!(
            error("queries = [{ outcome = \"many\", calls = [\".q\"] }]\n"),
            "unknown outcome `many`, expected one of `affected`, `one-row`, `optional-row`, `rows`"
        );
        assert_eq!(
            error("random-functions = [1]\n"),
            "invalid type: integer `1`, expected a name or a table"
        );
        assert_eq!(
            error(
                "[[retry-apis]]\nid = \"x\"\nlang = \"go\"\ncalls = [\"x.Retry\"]\njitter = true\n"
            ),
            "unknown field `jitter`"
        );
    }

    #[test]
    fn broken_entries_are_found() {
        let mut knowledge = Knowledge::default();
        knowledge.add(
            KnowledgeData::parse(
                r#"
random-name-hints = ["Jitter"]
kv-calls = [{ op = "get", key-arg = 2, arity = 2, calls = [".get", ".get"] }]
queries = [{ outcome = "rows", calls = ["db..query"] }]
status-names = [{ code = 42, calls = ["http.StatusWeird"] }]

[[retry-apis]]
id = "x.retry"
lang = "go"
calls = [{ names = ["x.Retry"], arity = 1, operation-arg = 1 }]
library = "x"
role = "entry"
retries-all-by-default = true
"#,
            )
            .unwrap(),
        );
        assert_eq!(
            problems(&knowledge),
            [
                "queries: malformed call `db..query`",
                "kv: `.get` again, after an entry a lookup takes first",
                "kv: the key argument 2 of `.get` is past its 2 arguments",
                "kv: the key argument 2 of `.get` is past its 2 arguments",
                "status_names: `http.StatusWeird` names no HTTP status: 42",
                "retries: `x.retry` has argument indexes past its arity",
                "retries: `x.retry` retries every error but has no classify-fix",
                "random_name_hints: `Jitter` is not lower-case letters and digits",
            ]
        );
    }

    /// What is wrong with a table: patterns and hints no name can match, entries a lookup
    /// never reaches because an earlier one takes their place, argument indexes past a
    /// call's arguments, retry facts a rule could not report.
    fn problems(knowledge: &Knowledge) -> Vec<String> {
        // Every table by name, so that a new one is not left unchecked.
        let Knowledge {
            sleeps,
            sleep_wrappers,
            randoms,
            random_name_hints,
            queries,
            kv,
            kv_commands,
            kv_command_ops,
            kv_arg_steps,
            kv_if_absent_flags,
            retries,
            passthrough_calls,
            growth_calls,
            attempt_name_hints,
            failure_tests,
            status_accessors,
            status_names,
            status_classes,
            status_raisers,
            in_progress_statuses,
            settled_statuses,
            status_columns,
            not_found_errors,
            not_found_predicate_hints,
            error_is_calls,
            absent_checks,
            present_checks,
            length_calls,
            length_fields,
            unique_violation_hints,
            serializable_hints,
            rollback_calls,
            advisory_lock_hints,
            retry_predicate_hints,
            dedup_name_hints,
            dedup_words,
            dependency_wait_words,
            start_up_words,
            server_pace_hints,
            local_hosts,
            side_effect_hints,
            side_effect_look_alikes,
            side_effect_free_verbs,
            database_call_words,
            conflict_hints,
            response_columns,
            next_handler_calls,
            response_calls,
            orms,
            orm_step_names: _,
        } = knowledge;
        let mut p = Problems::default();
        for (table, patterns) in [
            ("sleep_wrappers", sleep_wrappers),
            ("randoms", randoms),
            ("kv_arg_steps", kv_arg_steps),
            ("passthrough_calls", passthrough_calls),
            ("growth_calls", growth_calls),
            ("not_found_errors", not_found_errors),
            ("error_is_calls", error_is_calls),
            ("absent_checks", absent_checks),
            ("present_checks", present_checks),
            ("length_calls", length_calls),
            ("length_fields", length_fields),
            ("response_calls", response_calls),
        ] {
            p.calls(table, patterns.iter().map(|call| (call, ())));
        }
        p.calls("sleeps", sleeps.iter().map(|s| (&s.call, s.duration_arg)));
        p.calls(
            "next_handler_calls",
            next_handler_calls
                .iter()
                .map(|(call, arity)| (call, *arity)),
        );
        for sleep in sleeps {
            p.words(
                "sleeps",
                &sleep.receiver_words,
                "lower-case letters and digits",
                |word| {
                    word.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                },
            );
        }
        p.calls("queries", queries.iter().map(|q| (&q.call, ())));
        p.calls("kv", kv.iter().map(|k| (&k.call, (k.arity, k.awaited))));
        for api in kv {
            p.check(api.arity.is_none_or(|arity| api.key_arg < arity), || {
                format!(
                    "kv: the key argument {} of `{}` is past its {} arguments",
                    api.key_arg,
                    api.call.pattern,
                    api.arity.unwrap_or_default()
                )
            });
        }
        p.calls("kv_commands", kv_commands.iter().map(|k| (&k.call, ())));
        p.calls("status_names", status_names.iter().map(|s| (&s.name, ())));
        p.calls(
            "status_raisers",
            status_raisers.iter().map(|r| (&r.call, ())),
        );
        for raiser in status_raisers {
            p.words("status_raisers", &raiser.errors, "a name", is_name);
        }
        for name in status_names {
            p.check(is_status(name.code), || {
                format!(
                    "status_names: `{}` names no HTTP status: {}",
                    name.name.pattern, name.code
                )
            });
        }
        for class in status_classes {
            let codes = &class.codes;
            p.check(
                is_status(*codes.start()) && is_status(*codes.end()) && !codes.is_empty(),
                || format!("status_classes: `{}` has no HTTP statuses", class.method),
            );
        }
        let methods: Vec<String> = status_classes.iter().map(|c| c.method.clone()).collect();
        p.words("status_classes", &methods, "a name", is_name);
        retry_problems(&mut p, retries);
        orm_problems(&mut p, orms);

        // Looked for in the lower-case words of a name, or in text squashed to its
        // lower-case letters and digits.
        for (table, words) in [
            ("random_name_hints", random_name_hints),
            ("attempt_name_hints", attempt_name_hints),
            ("not_found_predicate_hints", not_found_predicate_hints),
            ("unique_violation_hints", unique_violation_hints),
            ("server_pace_hints", server_pace_hints),
            ("dedup_words", dedup_words),
            ("dependency_wait_words", dependency_wait_words),
            ("start_up_words", start_up_words),
            ("side_effect_hints", side_effect_hints),
            ("side_effect_look_alikes", side_effect_look_alikes),
            ("side_effect_free_verbs", side_effect_free_verbs),
            ("database_call_words", database_call_words),
            ("conflict_hints", conflict_hints),
            ("response_columns", response_columns),
        ] {
            p.words(table, words, "lower-case letters and digits", |word| {
                word.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        }
        // Looked for in a lower-cased name or text.
        for (table, words) in [
            ("status_columns", status_columns),
            ("serializable_hints", serializable_hints),
            ("rollback_calls", rollback_calls),
            ("advisory_lock_hints", advisory_lock_hints),
            ("retry_predicate_hints", retry_predicate_hints),
            ("dedup_name_hints", dedup_name_hints),
            ("local_hosts", local_hosts),
        ] {
            p.words(table, words, "lower-case", |word| {
                is_name(word) && !word.bytes().any(|b| b.is_ascii_uppercase())
            });
        }
        // Compared with whole names and values, in any case.
        let commands: Vec<String> = kv_command_ops.iter().map(|(c, _)| c.clone()).collect();
        for (table, words) in [
            ("failure_tests", failure_tests),
            ("status_accessors", status_accessors),
            ("in_progress_statuses", in_progress_statuses),
            ("settled_statuses", settled_statuses),
            ("kv_if_absent_flags", kv_if_absent_flags),
            ("kv_command_ops", &commands),
        ] {
            p.words(table, words, "a name", is_name);
        }
        p.0
    }

    fn orm_problems(p: &mut Problems, orms: &[Orm]) {
        for orm in orms {
            let library = &orm.library;
            p.check(!library.is_empty() && !orm.atomic_insert.is_empty(), || {
                format!("orms: `{library}` has no name or no atomic-insert")
            });
            for op in &orm.ops {
                let steps = op.steps.join(", ");
                p.check(
                    !op.steps.is_empty() && op.steps.iter().all(|s| is_name(s)),
                    || {
                        format!(
                            "orms: `{library}` has an op with steps that name no call: [{steps}]"
                        )
                    },
                );
                if let TableSource::ArgOf(step) = &op.table {
                    p.check(op.steps.contains(step), || {
                        format!("orms: `{library}`'s op [{steps}] takes its table from `{step}`, not one of its steps")
                    });
                }
            }
        }
    }

    fn retry_problems(p: &mut Problems, retries: &[RetryApi]) {
        // Entries for the same callee and shape: the first takes every call.
        p.calls(
            "retries",
            retries.iter().map(|r| {
                let literal = r.facts.role == RetryRole::StrategyLiteral;
                (&r.call, (r.shape.clone(), literal))
            }),
        );
        let mut libraries: HashMap<&str, &str> = HashMap::new();
        for api in retries {
            let (id, facts) = (api.id.as_str(), &api.facts);
            p.check(!id.is_empty() && !facts.library.is_empty(), || {
                format!("retries: `{}` has no id or library", api.call.pattern)
            });
            let library = *libraries.entry(id).or_insert(&facts.library);
            p.check(library == facts.library, || {
                format!(
                    "retries: `{id}` is of two libraries, `{library}` and `{}`",
                    facts.library
                )
            });
            p.check(shape_fits(&api.shape), || {
                format!("retries: `{id}` has argument indexes past its arity")
            });
            p.check(
                !(facts.exponential
                    || facts.delay_fn_field.is_some()
                    || facts.delay_field.is_some())
                    || !facts.jitter_fix.is_empty(),
                || format!("retries: `{id}` may lack jitter but has no jitter-fix"),
            );
            let retries_all = facts.retries_all_by_default || !facts.retries_all_when.is_empty();
            p.check(
                facts.role != RetryRole::Entry || !retries_all || !facts.classify_fix.is_empty(),
                || format!("retries: `{id}` retries every error but has no classify-fix"),
            );
            if let Some(library) = &facts.needs_strategy_of {
                p.check(
                    retries.iter().any(|other| {
                        other.facts.library == *library && other.facts.role == RetryRole::Strategy
                    }),
                    || format!("retries: `{id}` needs a strategy of `{library}`, which has none"),
                );
            }
            let marks = [
                &facts.jitter_on,
                &facts.jitter_off,
                &facts.classifiers,
                &facts.retries_all_when,
                &facts.constant_when,
            ];
            for mark in marks.into_iter().flatten() {
                p.check(mark_is_well_formed(mark), || {
                    format!("retries: `{id}` has a malformed mark: {mark:?}")
                });
            }
            for name in facts.permanent.iter().chain(&facts.modules) {
                p.check(is_pattern(name), || {
                    format!("retries: `{id}` has a malformed name `{name}`")
                });
            }
        }
    }

    /// Whether the argument indexes of a shape fall within its arity.
    fn shape_fits(shape: &CallShape) -> bool {
        shape.arity.is_none_or(|arity| {
            shape.operation_arg.is_none_or(|i| i < arity)
                && shape.options_from.is_none_or(|i| i <= arity)
        }) && (!shape.operation_literal || shape.operation_arg.is_some())
    }

    fn mark_is_well_formed(mark: &Mark) -> bool {
        fn test_is_well_formed(test: &ArgTest) -> bool {
            match test {
                ArgTest::Is(name) | ArgTest::Mentions(name) => is_name(name),
                ArgTest::Calls { name, arg } => is_name(name) && test_is_well_formed(arg),
                _ => true,
            }
        }
        match mark {
            Mark::Method { name, arg } => is_name(name) && test_is_well_formed(arg),
            Mark::Wrapper(call) | Mark::Added(call) => is_pattern(call),
            Mark::Option { call, arg } => is_pattern(call) && test_is_well_formed(arg),
            Mark::Arg { value, .. } => test_is_well_formed(value),
            Mark::Field { name, value } => is_name(name) && test_is_well_formed(value),
            Mark::CatchesAll => true,
        }
    }

    /// Whether a call pattern or module path can match a name: no empty segment (but
    /// before a method's leading dot) and no blank.
    fn is_pattern(pattern: &str) -> bool {
        let path = pattern.strip_prefix('.').unwrap_or(pattern);
        path.split('.').all(is_name)
    }

    fn is_name(name: &str) -> bool {
        !name.is_empty() && !name.contains(char::is_whitespace)
    }

    fn is_status(code: u16) -> bool {
        (100..=599).contains(&code)
    }

    #[derive(Default)]
    struct Problems(Vec<String>);

    impl Problems {
        fn check(&mut self, ok: bool, problem: impl FnOnce() -> String) {
            if !ok {
                self.0.push(problem());
            }
        }

        /// Checks each call's pattern, and that no call comes again with the same `key`
        /// (what else its lookup compares), where the lookup would take the first.
        fn calls<'a, K: Debug>(
            &mut self,
            table: &str,
            calls: impl IntoIterator<Item = (&'a CallPattern, K)>,
        ) {
            let mut seen = HashSet::new();
            for (call, key) in calls {
                self.check(is_pattern(&call.pattern), || {
                    format!("{table}: malformed call `{}`", call.pattern)
                });
                let again = !seen.insert(format!("{:?}", (call, key)));
                self.check(!again, || {
                    format!(
                        "{table}: `{}` again, after an entry a lookup takes first",
                        call.pattern
                    )
                });
            }
        }

        /// Checks each word, and that no word comes twice.
        fn words(&mut self, table: &str, words: &[String], what: &str, ok: fn(&str) -> bool) {
            let mut seen = HashSet::new();
            for word in words {
                self.check(ok(word), || format!("{table}: `{word}` is not {what}"));
                self.check(seen.insert(word), || format!("{table}: `{word}` twice"));
            }
        }
    }
}
