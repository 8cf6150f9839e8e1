//! The format of knowledge data: the TOML files of `data/`, one per library family, that
//! fill the built-in table, and `[knowledge]` in idemlint.toml, which takes the
//! [`KnowledgeExtension`] part of the same format. [`Knowledge::add`] puts a file's entries
//! into the table.
//!
//! A table of calls is a list of groups: the calls of one language (`lang`; every language
//! when it is missing) with what they share (an `outcome`, an `op`, a `duration-arg`). Calls
//! are dotted or Rust `::` paths matched by their trailing segments (see [`CallPattern`]).
//! Groups keep their order, and so do the calls in a group: a lookup that takes the first
//! match (a sleep, a query, a retry entry) sees them in the order they are written, and the
//! entries of a file go after those of the files read before it.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::schema::pat;
use super::{
    CallPattern, CallShape, Knowledge, KvApi, KvCommandApi, Orm, QueryApi, RetryApi, RetryFacts,
    SleepApi, StatusClass, StatusName, StatusRaiser,
};
use crate::model::{KvOp, Lang, Outcome};

/// One data file. A key fills the [`Knowledge`] table of the same name, but for
/// `kv-calls` ([`Knowledge::kv`]), `retry-apis` ([`Knowledge::retries`]) and the keys of
/// [`KnowledgeExtension`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct KnowledgeData {
    /// The keys `[knowledge]` in idemlint.toml takes.
    #[serde(flatten)]
    pub project: KnowledgeExtension,
    pub sleep_wrappers: Vec<CallGroup>,
    pub random_name_hints: Vec<String>,
    pub queries: Vec<QueryGroup>,
    pub kv_calls: Vec<KvGroup>,
    pub kv_commands: Vec<KvCommandGroup>,
    pub kv_command_ops: Vec<KvCommandOpGroup>,
    pub kv_arg_steps: Vec<CallGroup>,
    pub kv_if_absent_flags: Vec<String>,
    pub retry_apis: Vec<RetryEntry>,
    pub passthrough_calls: Vec<CallGroup>,
    pub growth_calls: Vec<CallGroup>,
    pub attempt_name_hints: Vec<String>,
    pub failure_tests: Vec<String>,
    pub status_accessors: Vec<String>,
    pub status_names: Vec<StatusNameGroup>,
    pub status_classes: Vec<StatusClass>,
    pub status_raisers: Vec<StatusRaiserGroup>,
    pub not_found_errors: Vec<CallGroup>,
    pub not_found_predicate_hints: Vec<String>,
    pub error_is_calls: Vec<CallGroup>,
    pub absent_checks: Vec<CallGroup>,
    pub present_checks: Vec<CallGroup>,
    pub length_calls: Vec<CallGroup>,
    pub length_fields: Vec<CallGroup>,
    pub unique_violation_hints: Vec<String>,
    pub serializable_hints: Vec<String>,
    pub rollback_calls: Vec<String>,
    pub advisory_lock_hints: Vec<String>,
    pub dedup_words: Vec<String>,
    pub dependency_wait_words: Vec<String>,
    pub start_up_words: Vec<String>,
    pub server_pace_hints: Vec<String>,
    pub local_hosts: Vec<String>,
    pub side_effect_look_alikes: Vec<String>,
    pub side_effect_free_verbs: Vec<String>,
    pub database_call_words: Vec<String>,
    pub conflict_hints: Vec<String>,
    pub response_columns: Vec<String>,
    pub next_handler_calls: Vec<NextHandlerGroup>,
    /// Calls of every language: the names alone.
    pub response_calls: Vec<String>,
    pub orms: Vec<Orm>,
}

/// `[knowledge]` in idemlint.toml: the project's own functions and names, added to the
/// built-in table; the data files write the built-in ones with the same keys. A function
/// is a name (`clock.Sleep` matches `clock.Sleep` and `internal.clock.Sleep`) or, for
/// `sleep-functions` and `random-functions`, a group with a language
/// (`{ lang = "go", calls = ["clock.After"] }`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KnowledgeExtension {
    /// Functions that sleep for the duration given as their first argument, or as the
    /// group's `duration-arg`.
    #[serde(default, deserialize_with = "names_or_groups")]
    pub sleep_functions: Vec<SleepGroup>,
    /// Functions that return a random or jittered value.
    #[serde(default, deserialize_with = "names_or_groups")]
    pub random_functions: Vec<CallGroup>,
    /// Functions that tell a retryable error from a permanent one.
    #[serde(default)]
    pub retry_predicates: Vec<String>,
    /// Status values that mean a request with that key is still being processed.
    #[serde(default)]
    pub in_progress_statuses: Vec<String>,
    /// Status values that mean a request with that key has finished, one way or another.
    #[serde(default)]
    pub settled_statuses: Vec<String>,
    /// Columns that hold an idempotency record's state.
    #[serde(default)]
    pub status_columns: Vec<String>,
    /// Tables (or key columns) that record handled requests or events.
    #[serde(default)]
    pub dedup_tables: Vec<String>,
    /// Functions with an effect outside the database that must happen once.
    #[serde(default)]
    pub side_effect_functions: Vec<String>,
}

/// Calls of one language, or of every language when `lang` is missing.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallGroup {
    #[serde(default, deserialize_with = "some_lang")]
    pub lang: Option<Lang>,
    pub calls: Vec<String>,
}

/// Calls that hand a request on, with the number of arguments they take when it tells
/// them from a same-named call (express's `next()` from `next(err)`, which reports an error).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextHandlerGroup {
    #[serde(default, deserialize_with = "some_lang")]
    pub lang: Option<Lang>,
    pub calls: Vec<String>,
    #[serde(default)]
    pub arity: Option<usize>,
}

/// Sleeps, with the argument that gives the duration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SleepGroup {
    #[serde(default, deserialize_with = "some_lang")]
    pub lang: Option<Lang>,
    pub calls: Vec<String>,
    #[serde(default)]
    pub duration_arg: usize,
    /// Words one of which the receiver's name must hold (`timer`: `t.retryTimer.Reset(d)`).
    #[serde(default)]
    pub receiver_words: Vec<String>,
}

/// Driver methods that run a query, with what they return: `affected`, `one-row`,
/// `optional-row` or `rows`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryGroup {
    #[serde(default, deserialize_with = "some_lang")]
    pub lang: Option<Lang>,
    #[serde(deserialize_with = "outcome")]
    pub outcome: Outcome,
    pub calls: Vec<String>,
}

/// Key-value client methods that do `op` (`get`, `set` or `set-if-absent`) on the key
/// their argument `key-arg` gives (see [`KvApi`] for `arity` and `awaited`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KvGroup {
    #[serde(default, deserialize_with = "some_lang")]
    pub lang: Option<Lang>,
    #[serde(deserialize_with = "kv_op")]
    pub op: KvOp,
    #[serde(default)]
    pub key_arg: usize,
    pub arity: Option<usize>,
    #[serde(default)]
    pub awaited: bool,
    pub calls: Vec<String>,
}

/// Client calls that run the key-value command their argument `command-arg` names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KvCommandGroup {
    #[serde(default, deserialize_with = "some_lang")]
    pub lang: Option<Lang>,
    pub command_arg: usize,
    pub calls: Vec<String>,
}

/// Key-value commands that do `op`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KvCommandOpGroup {
    #[serde(deserialize_with = "kv_op")]
    pub op: KvOp,
    pub commands: Vec<String>,
}

/// Names of the HTTP status `code`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusNameGroup {
    pub code: u16,
    #[serde(default, deserialize_with = "some_lang")]
    pub lang: Option<Lang>,
    pub calls: Vec<String>,
}

/// Calls that turn a response's 4xx or 5xx status into an error, and the error types they
/// raise: `{ lang = "python", calls = [".raise_for_status"], errors = ["HTTPError"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRaiserGroup {
    #[serde(deserialize_with = "lang")]
    pub lang: Lang,
    pub calls: Vec<String>,
    pub errors: Vec<String>,
}

/// A retry or backoff library's strategy, entry point or struct literal strategy, a
/// `[[retry-apis]]` table: its `id`, `lang` and `calls`, and beside them the keys of
/// [`RetryFacts`] (`library`, `modules`, `role`, `exponential`, `jitter-off`…).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryEntry {
    /// What tests and `idemlint dump` call it (`tokio-retry.spawn`); two entries share one
    /// when one entry point has other facts for other arguments (cockatiel's `retry`).
    pub id: String,
    #[serde(deserialize_with = "lang")]
    pub lang: Lang,
    /// The callees, or for a `strategy-literal` the struct types.
    #[serde(deserialize_with = "names_or_groups")]
    pub calls: Vec<ShapedCalls>,
    #[serde(flatten)]
    pub facts: RetryFacts,
}

/// Callees with the argument shape that tells them from another library's of the same name
/// (`{ names = ["retry.Do"], arity = 3, operation-arg = 2 }`); a bare name admits any.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapedCalls {
    pub names: Vec<String>,
    #[serde(flatten)]
    pub shape: CallShape,
}

impl KnowledgeData {
    /// Reads a data file's text.
    pub(super) fn parse(text: &str) -> Result<KnowledgeData, toml::de::Error> {
        toml::from_str(text)
    }
}

impl Knowledge {
    /// Adds a data file's entries after those already in the table.
    pub(super) fn add(&mut self, data: KnowledgeData) {
        let KnowledgeData {
            project,
            sleep_wrappers,
            random_name_hints,
            queries,
            kv_calls,
            kv_commands,
            kv_command_ops,
            kv_arg_steps,
            kv_if_absent_flags,
            retry_apis,
            passthrough_calls,
            growth_calls,
            attempt_name_hints,
            failure_tests,
            status_accessors,
            status_names,
            status_classes,
            status_raisers,
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
            dedup_words,
            dependency_wait_words,
            start_up_words,
            server_pace_hints,
            local_hosts,
            side_effect_look_alikes,
            side_effect_free_verbs,
            database_call_words,
            conflict_hints,
            response_columns,
            next_handler_calls,
            response_calls,
            orms,
        } = data;
        project.extend(self);
        self.sleep_wrappers.extend(patterns(&sleep_wrappers));
        self.random_name_hints.extend(random_name_hints);
        self.queries.extend(queries.iter().flat_map(|group| {
            group.calls.iter().map(|call| QueryApi {
                call: pat(group.lang, call),
                outcome: group.outcome,
            })
        }));
        self.kv.extend(kv_calls.iter().flat_map(|group| {
            group.calls.iter().map(|call| KvApi {
                call: pat(group.lang, call),
                op: group.op,
                key_arg: group.key_arg,
                arity: group.arity,
                awaited: group.awaited,
            })
        }));
        self.kv_commands
            .extend(kv_commands.iter().flat_map(|group| {
                group.calls.iter().map(|call| KvCommandApi {
                    call: pat(group.lang, call),
                    command_arg: group.command_arg,
                })
            }));
        self.kv_command_ops
            .extend(kv_command_ops.iter().flat_map(|group| {
                group
                    .commands
                    .iter()
                    .map(|command| (command.clone(), group.op))
            }));
        self.kv_arg_steps.extend(patterns(&kv_arg_steps));
        self.kv_if_absent_flags.extend(kv_if_absent_flags);
        self.retries.extend(retry_apis.iter().flat_map(|entry| {
            entry.calls.iter().flat_map(move |shaped| {
                shaped.names.iter().map(move |name| RetryApi {
                    id: entry.id.clone(),
                    call: pat(Some(entry.lang), name),
                    shape: shaped.shape.clone(),
                    facts: entry.facts.clone(),
                })
            })
        }));
        self.passthrough_calls.extend(patterns(&passthrough_calls));
        self.growth_calls.extend(patterns(&growth_calls));
        self.attempt_name_hints.extend(attempt_name_hints);
        self.failure_tests.extend(failure_tests);
        self.status_accessors.extend(status_accessors);
        self.status_names
            .extend(status_names.iter().flat_map(|group| {
                group.calls.iter().map(|call| StatusName {
                    name: pat(group.lang, call),
                    code: group.code,
                })
            }));
        self.status_classes.extend(status_classes);
        self.status_raisers
            .extend(status_raisers.iter().flat_map(|group| {
                group.calls.iter().map(|call| StatusRaiser {
                    call: pat(Some(group.lang), call),
                    errors: group.errors.clone(),
                })
            }));
        self.not_found_errors.extend(patterns(&not_found_errors));
        self.not_found_predicate_hints
            .extend(not_found_predicate_hints);
        self.error_is_calls.extend(patterns(&error_is_calls));
        self.absent_checks.extend(patterns(&absent_checks));
        self.present_checks.extend(patterns(&present_checks));
        self.length_calls.extend(patterns(&length_calls));
        self.length_fields.extend(patterns(&length_fields));
        self.unique_violation_hints.extend(unique_violation_hints);
        self.serializable_hints.extend(serializable_hints);
        self.rollback_calls.extend(rollback_calls);
        self.advisory_lock_hints.extend(advisory_lock_hints);
        self.dedup_words.extend(dedup_words);
        self.dependency_wait_words.extend(dependency_wait_words);
        self.start_up_words.extend(start_up_words);
        self.server_pace_hints.extend(server_pace_hints);
        self.local_hosts.extend(local_hosts);
        self.side_effect_look_alikes.extend(side_effect_look_alikes);
        self.side_effect_free_verbs.extend(side_effect_free_verbs);
        self.database_call_words.extend(database_call_words);
        self.conflict_hints.extend(conflict_hints);
        self.response_columns.extend(response_columns);
        self.next_handler_calls
            .extend(next_handler_calls.iter().flat_map(|group| {
                (group.calls.iter()).map(|call| (pat(group.lang, call), group.arity))
            }));
        self.response_calls
            .extend(response_calls.iter().map(|call| pat(None, call)));
        for orm in &orms {
            let steps = (orm.ops.iter().flat_map(|op| &op.steps))
                .chain(&orm.filters)
                .chain(&orm.values)
                .chain(&orm.do_nothing)
                .chain(&orm.do_update)
                .chain(&orm.returning)
                .chain(&orm.optional)
                .chain(&orm.locking);
            self.orm_step_names.extend(steps.cloned());
        }
        self.orms.extend(orms);
    }
}

impl KnowledgeExtension {
    /// Adds the project's names to `knowledge`.
    pub fn extend(&self, knowledge: &mut Knowledge) {
        knowledge
            .sleeps
            .extend(self.sleep_functions.iter().flat_map(|group| {
                group.calls.iter().map(|call| SleepApi {
                    call: pat(group.lang, call),
                    duration_arg: group.duration_arg,
                    receiver_words: group.receiver_words.clone(),
                })
            }));
        knowledge.randoms.extend(patterns(&self.random_functions));
        // These tables hold lower-case words looked for inside names.
        let words = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .map(|name| last_segment(name).to_ascii_lowercase())
                .collect()
        };
        knowledge
            .retry_predicate_hints
            .extend(words(&self.retry_predicates));
        knowledge
            .side_effect_hints
            .extend(words(&self.side_effect_functions));
        knowledge.dedup_name_hints.extend(words(&self.dedup_tables));
        knowledge
            .in_progress_statuses
            .extend(self.in_progress_statuses.iter().cloned());
        knowledge
            .settled_statuses
            .extend(self.settled_statuses.iter().cloned());
        knowledge
            .status_columns
            .extend(self.status_columns.iter().map(|c| c.to_ascii_lowercase()));
    }
}

/// The call patterns of `groups`, in order.
fn patterns(groups: &[CallGroup]) -> impl Iterator<Item = CallPattern> + '_ {
    groups
        .iter()
        .flat_map(|group| group.calls.iter().map(|call| pat(group.lang, call)))
}

/// The last segment of a dotted or `::` path: `ledger.Post` → `Post`.
fn last_segment(name: &str) -> &str {
    name.rsplit(['.', ':']).next().unwrap_or(name)
}

/// A group written as a bare name stands for that one call, with the group's defaults.
impl From<String> for SleepGroup {
    fn from(name: String) -> SleepGroup {
        SleepGroup {
            lang: None,
            calls: vec![name],
            duration_arg: 0,
            receiver_words: Vec::new(),
        }
    }
}

impl From<String> for CallGroup {
    fn from(name: String) -> CallGroup {
        CallGroup {
            lang: None,
            calls: vec![name],
        }
    }
}

impl From<String> for ShapedCalls {
    fn from(name: String) -> ShapedCalls {
        ShapedCalls {
            names: vec![name],
            shape: CallShape::default(),
        }
    }
}

/// A list whose entries are bare names or tables: `["clock.Sleep", { lang = "go", … }]`.
fn names_or_groups<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + From<String>,
{
    /// One entry: a bare name is the group of that one name.
    struct NameOrGroup<T>(T);

    impl<'de, T: Deserialize<'de> + From<String>> Deserialize<'de> for NameOrGroup<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(NameOrGroupVisitor(PhantomData))
        }
    }

    struct NameOrGroupVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de> + From<String>> Visitor<'de> for NameOrGroupVisitor<T> {
        type Value = NameOrGroup<T>;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("a name or a table")
        }

        fn visit_str<E: de::Error>(self, name: &str) -> Result<NameOrGroup<T>, E> {
            Ok(NameOrGroup(T::from(name.to_owned())))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NameOrGroup<T>, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(NameOrGroup)
        }
    }

    let entries: Vec<NameOrGroup<T>> = Vec::deserialize(deserializer)?;
    Ok(entries
        .into_iter()
        .map(|NameOrGroup(group)| group)
        .collect())
}

/// A language whose functions the table knows (libraries', or a SQL database's own), by
/// its name.
pub(super) fn lang<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Lang, D::Error> {
    named(
        deserializer,
        "language",
        &Lang::ALL
            .iter()
            .map(|&lang| (lang.name(), lang))
            .collect::<Vec<_>>(),
    )
}

fn some_lang<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Lang>, D::Error> {
    lang(deserializer).map(Some)
}

fn outcome<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome, D::Error> {
    named(
        deserializer,
        "outcome",
        &[
            ("affected", Outcome::Affected),
            ("one-row", Outcome::OneRow),
            ("optional-row", Outcome::OptionalRow),
            ("rows", Outcome::Rows),
        ],
    )
}

pub(super) fn some_outcome<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Outcome>, D::Error> {
    outcome(deserializer).map(Some)
}

fn kv_op<'de, D: Deserializer<'de>>(deserializer: D) -> Result<KvOp, D::Error> {
    named(
        deserializer,
        "key-value operation",
        &[
            ("get", KvOp::Get),
            ("set", KvOp::Set),
            ("set-if-absent", KvOp::SetIfAbsent),
        ],
    )
}

/// A value of the model written by its name in `names`; another name is an error that
/// lists them.
fn named<'de, D: Deserializer<'de>, T: Copy>(
    deserializer: D,
    what: &str,
    names: &[(&str, T)],
) -> Result<T, D::Error> {
    let name = String::deserialize(deserializer)?;
    names
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            let known: Vec<String> = names
                .iter()
                .map(|(known, _)| format!("`{known}`"))
                .collect();
            de::Error::custom(format!(
                "unknown {what} `{name}`, expected one of {}",
                known.join(", ")
            ))
        })
}
