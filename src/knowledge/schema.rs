//! The schema of the table: the types that say what a library call, type or name is
//! ([`CallPattern`], [`SleepApi`], [`QueryApi`], [`KvApi`], [`RetryApi`] and the
//! [`RetryFacts`] of a retry library, the [`Mark`]s and [`ArgTest`]s that change them, HTTP
//! status names and classes), and [`Knowledge`], the whole table. Only types here: the
//! queries are in `lookup`, the format of the data files that fill the table in `data`.
//! The types a data file writes as they are (a retry library's facts, its marks and tests)
//! derive their TOML form here, in kebab-case like every key of the files.

use serde::Deserialize;

use crate::model::{KvOp, Lang, Outcome};

/// A call pattern for one language (or all when `lang` is `None`).
#[derive(Clone, Debug)]
pub struct CallPattern {
    pub lang: Option<Lang>,
    pub pattern: String,
}

#[derive(Clone, Debug)]
pub struct SleepApi {
    pub call: CallPattern,
    pub duration_arg: usize,
    /// When not empty, a method sleeps only on a receiver whose name holds one of these
    /// words: `retryTimer.Reset(d)` re-arms a timer, `reader.Reset(r)` does not.
    pub receiver_words: Vec<String>,
}

/// A driver method whose return value tells how the query went.
#[derive(Clone, Debug)]
pub struct QueryApi {
    pub call: CallPattern,
    pub outcome: Outcome,
}

#[derive(Clone, Debug)]
pub struct KvApi {
    pub call: CallPattern,
    pub op: KvOp,
    pub key_arg: usize,
    /// The number of arguments the call takes, when it tells the client's method apart from
    /// a same-named one elsewhere (a request context's `Get(key)`, a cache's `Set(k, v, d)`).
    pub arity: Option<usize>,
    /// The call counts only when its result is awaited: a promise-returning client, told
    /// from a same-named synchronous map (`await redis.get(k)`, not `cache.get(k)`).
    pub awaited: bool,
}

/// A client call that runs a key-value command named by a string argument
/// (`rdb.Do(ctx, "SET", key, v, "NX")`, `redis::cmd("SET").arg(key)`).
#[derive(Clone, Debug)]
pub struct KvCommandApi {
    pub call: CallPattern,
    /// The argument that names the command; the key is the next argument, or, when the call
    /// has none, the first argument of the builder step chained on it ([`Knowledge::kv_arg_steps`]).
    pub command_arg: usize,
}

/// What a retry-library call or type is to the code that uses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryRole {
    /// Builds a backoff schedule (`backoff.NewExponentialBackOff()`,
    /// `ExponentialBuilder::default()`).
    #[default]
    Strategy,
    /// A struct literal type that is a backoff schedule (`wait.Backoff{…}`); matched against
    /// [`crate::model::ExprKind::Composite`] type names, never against calls.
    StrategyLiteral,
    /// Runs an operation and retries it (`backoff.Retry(op, b)`, `Retry::spawn(s, action)`).
    /// An entry with `exponential` set also carries its own schedule (avast's `retry.Do`).
    Entry,
}

/// A test on the argument of a [`Mark`], or on the value a [`Mark::Field`] is set to.
/// Written `"zero"`, `"non-zero"`…, or as a one-key table: `{ is = "BackOffDelay" }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArgTest {
    /// Anything, or no argument at all.
    #[default]
    Any,
    /// A numeric literal equal to 0.
    Zero,
    /// A numeric literal equal to 1 (a growth factor that keeps the delay constant).
    One,
    /// Anything but a literal 0 or `false`.
    NonZero,
    True,
    False,
    /// A name whose last segment is exactly this (`retry.BackOffDelay`), or a tuple or list
    /// holding one (`(Exception,)`).
    Is(String),
    /// Any name inside the argument contains this word (`.map(jitter)`, `Jitter::None`).
    Mentions(String),
    /// A call of this function (the last segment of its name) whose first argument passes
    /// `arg`: tenacity's `retry_if_exception_type(Exception)`. Written `{ calls = { name =
    /// "retry_if_exception_type", arg = { is = "Exception" } } }`.
    Calls {
        name: String,
        #[serde(default)]
        arg: Box<ArgTest>,
    },
    /// A function literal whose every return answers true for a response with this status:
    /// a literal `true`, or comparisons of a value with numbers that this status passes
    /// (`() => true`, `e => e.response.status >= 400` for 404).
    TrueForStatus(u16),
    /// A function literal that answers an error with "not done, no error", a retry: a
    /// branch on `err != nil` alone that returns `false, nil` (k8s's `ConditionFunc`).
    SwallowsErrors,
    /// A function literal that hands every rejection to the retry callback it is given as
    /// its first parameter: `(retry) => call().catch(retry)` (promise-retry).
    CatchesIntoFirstParam,
}

/// Something in the code that changes what a retry call does: turns jitter on or off, or
/// makes the retry classify errors. Call names follow the [`CallPattern`] rules. Written as
/// a one-key table: `{ method = { name = "with_jitter" } }`, `{ wrapper = "retry.WithJitter" }`;
/// a missing `arg` or `value` is [`ArgTest::Any`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Mark {
    /// A method called on the value, in its builder chain or later on a variable holding it
    /// (`.with_jitter()`, `.map(jitter)`, `.when(…)`); its first argument must pass `arg`.
    Method {
        name: String,
        #[serde(default)]
        arg: ArgTest,
    },
    /// A call that takes the value as an argument (`retry.WithJitter(d, b)`).
    Wrapper(String),
    /// A call whose value is added to the value: tenacity's `wait_exponential() +
    /// wait_random(0, 1)`, a schedule that sums its parts.
    Added(String),
    /// A call among the call's own arguments (`retry.RetryIf(…)`,
    /// `backoff.WithRandomizationFactor(0)`); its first argument must pass `arg`.
    Option {
        call: String,
        #[serde(default)]
        arg: ArgTest,
    },
    /// The call's own argument at `index` (from 0), when it passes `value`: client-go's
    /// `retry.OnError(b, func(error) bool { return true }, fn)`.
    Arg {
        index: usize,
        #[serde(default)]
        value: ArgTest,
    },
    /// A field set in the struct literal, or assigned later on a variable holding the value
    /// (`Jitter: true`, `b.RandomizationFactor = 0`).
    Field {
        name: String,
        #[serde(default)]
        value: ArgTest,
    },
    /// The call stands in a handler that catches every failure and does not look at which
    /// one it caught (`except Exception as exc: raise self.retry(exc=exc)`): whatever failed
    /// is retried. Written as the string `"catches-all"`.
    CatchesAll,
}

/// The field of a struct literal strategy, or of a strategy call's options, that makes the
/// delay grow.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GrowthField {
    pub name: String,
    /// The library's default for a missing field grows the delay (jpillora's `Factor` 2).
    #[serde(default)]
    pub absent_grows: bool,
    /// The field scales a delay that doubles by itself, so any value but 0 (or `True`) makes
    /// it grow (urllib3's `backoff_factor`, celery's `retry_backoff`); otherwise it is the
    /// factor, which grows it above 1.
    #[serde(default)]
    pub scales: bool,
}

/// What a retry library does when the code does not say otherwise, and what changes it.
/// A data file writes these keys beside the entry's `id`, `lang` and `calls`; a missing key
/// is `false`, empty or absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct RetryFacts {
    /// The library's name as users know it (`tokio-retry`, `cenkalti/backoff`).
    pub library: String,
    /// Where code imports it from: npm packages, Go module paths, Rust crates. A name the
    /// file imports from anywhere else is not this library, whatever it is called (a
    /// project's own `retry` package, a generated SDK's `./retries.js`).
    pub modules: Vec<String>,
    /// A call counts only when the file imports its first name from one of `modules`: a
    /// name as common as `retry` is any object's method otherwise (`client.retry(…)`,
    /// celery's `self.retry(…)`).
    pub must_import: bool,
    pub role: RetryRole,
    /// The delay grows (exponentially, or Fibonacci).
    pub exponential: bool,
    /// Jitter is applied unless switched off.
    pub jitters_by_default: bool,
    /// Every error is retried unless the code opts out.
    pub retries_all_by_default: bool,
    /// What turns jitter on.
    pub jitter_on: Vec<Mark>,
    /// What turns jitter off; it wins over `jitter_on`.
    pub jitter_off: Vec<Mark>,
    /// What makes an entry retry only some errors (`.when(…)`, `retry.RetryIf(…)`); it wins
    /// over `retries_all_when`.
    pub classifiers: Vec<Mark>,
    /// What makes an entry retry every error, whatever its default (axios-retry's
    /// `retryCondition: () => true`, backoff's `on_exception(expo, Exception)`).
    pub retries_all_when: Vec<Mark>,
    /// Names that, inside the operation, say it sorts its failures itself: one that marks
    /// an error permanent (`backoff.Permanent`), or asks for another attempt (tenacity's
    /// `TryAgain`, raised for the failures worth retrying).
    pub permanent: Vec<String>,
    /// For a struct literal strategy, or a strategy call with options: the field that makes
    /// the delay grow.
    pub growth_field: Option<GrowthField>,
    /// What keeps the delay from growing (p-retry's `factor: 1`): a poll at a fixed interval.
    pub constant_when: Vec<Mark>,
    /// An option field set to a function from the attempt number to the delay (axios-retry's
    /// `retryDelay: (n) => …`): a delay that grows with that number and draws no randomness
    /// has no jitter.
    pub delay_fn_field: Option<String>,
    /// An option set to the delay before a task runs again (celery's `self.retry(countdown=…)`):
    /// a delay that grows with an attempt-named value (`self.request.retries`) and draws no
    /// randomness has no jitter.
    pub delay_field: Option<String>,
    /// An entry point with a generic name (backon's `.retry(…)`) counts only when one of its
    /// arguments is a strategy of this library.
    pub needs_strategy_of: Option<String>,
    /// How to add jitter, in the library's terms.
    pub jitter_fix: String,
    /// How to retry only transient errors, in the library's terms.
    pub classify_fix: String,
}

/// The argument shape that tells apart libraries whose entry points share a name
/// (sethvargo's `retry.Do(ctx, b, f)` and avast's `retry.Do(f, opts…)`). A missing key
/// admits any argument.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct CallShape {
    /// The exact number of arguments.
    pub arity: Option<usize>,
    /// This argument is the retried operation: a function literal or a function's name.
    pub operation_arg: Option<usize>,
    /// The arguments from this one on are functional options: calls.
    pub options_from: Option<usize>,
    /// The operation is a function literal written in place: tells a library entry with a
    /// generic name (async-retry's `retry(async (bail) => …)`) from a same-named helper
    /// called with a function's name.
    pub operation_literal: bool,
    /// The first argument passes this test: tells cockatiel's `retry(handleAll, …)` from
    /// another library's `retry(…)`.
    pub first_arg: Option<ArgTest>,
}

#[derive(Clone, Debug)]
pub struct RetryApi {
    pub id: String,
    /// The callee, or for [`RetryRole::StrategyLiteral`] the struct type.
    pub call: CallPattern,
    pub shape: CallShape,
    pub facts: RetryFacts,
}

/// An ORM or query builder (Prisma, GORM, diesel…): the call chains that read rows by key
/// or insert them, and where in a chain the table, the key test and the written columns
/// stand. A data file writes one `[[orms]]` table per library; a missing list is empty.
/// "Steps" are the method calls of a chain (`db.insert(t).values(v)` has `insert` and
/// `values`), and a "field" a key of an object or struct literal among their arguments.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Orm {
    /// The library's name as users know it.
    pub library: String,
    #[serde(deserialize_with = "super::data::lang")]
    pub lang: Lang,
    /// What a chain does, by the steps it has; the first that fits is taken.
    pub ops: Vec<OrmOp>,
    /// Names one of which every file that runs the library's chains holds, when there are
    /// such: Rust calls a trait's methods only with the trait imported (`use
    /// diesel::prelude::*`). A chain counts only in a file holding one, so the prefilter
    /// and the gates of other files ask for them.
    #[serde(default)]
    pub markers: Vec<String>,
    /// Steps, or fields of an argument, that hold the key test (`.where(…)`,
    /// `{ where: { … } }`): their arguments name the key columns.
    #[serde(default)]
    pub filters: Vec<String>,
    /// Steps, or fields of an argument, that hold the written values (`.values(…)`,
    /// `{ data: { … } }`).
    #[serde(default)]
    pub values: Vec<String>,
    /// Setter steps that write one column each, named by this prefix and the column
    /// (ent's `SetIdempotencyKey(k)`).
    #[serde(default)]
    pub setter_prefix: Option<String>,
    /// Calls that compare a column with a value in a key test: a function of the column
    /// and the value (Drizzle's `eq(t.key, v)`) or a method of the column (diesel's
    /// `key.eq(v)`).
    #[serde(default)]
    pub comparisons: Vec<String>,
    /// Whether a generated package has one predicate function per column, called with the
    /// value (ent's `payment.IdempotencyKey(k)`, `payment.IdempotencyKeyEQ(k)`).
    #[serde(default)]
    pub column_predicates: bool,
    /// Steps, or fields set to `true`, that make an insert skip a duplicate
    /// (`.onConflictDoNothing()`, `{ skipDuplicates: true }`).
    #[serde(default)]
    pub do_nothing: Vec<String>,
    /// Steps, or fields set to `true`, that make an insert update a duplicate.
    #[serde(default)]
    pub do_update: Vec<String>,
    /// Steps that make an insert hand back the row it inserted (`.returning(…)`).
    #[serde(default)]
    pub returning: Vec<String>,
    /// Steps that turn "no row" from an error into none (diesel's `.optional()`).
    #[serde(default)]
    pub optional: Vec<String>,
    /// Steps that lock the rows read (`.forUpdate()`).
    #[serde(default)]
    pub locking: Vec<String>,
    /// Suffixes of a receiver's name that are not the table's (`paymentRepository`).
    #[serde(default)]
    pub receiver_suffixes: Vec<String>,
    /// How to make an insert atomic, in the library's terms, as an imperative ("add
    /// `.onConflictDoNothing()` and go on only when…").
    pub atomic_insert: String,
}

/// One thing an [`Orm`]'s chain does.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OrmOp {
    pub kind: OrmOpKind,
    /// The steps the chain must have, the first one the op's own call (`findUnique`,
    /// `Create`): where a finding points.
    pub steps: Vec<String>,
    /// What the chain's result says when no row is found; an insert's, whether it inserted.
    #[serde(default, deserialize_with = "super::data::some_outcome")]
    pub outcome: Option<Outcome>,
    pub table: TableSource,
    /// The first argument of the op's call must be an object with this field (Prisma's
    /// `{ where: … }`, `{ data: … }`): tells the ORM's call from another client's method of
    /// the same name.
    #[serde(default)]
    pub needs_field: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrmOpKind {
    /// Reads rows by the key test of its filters.
    Select,
    /// Inserts a row with its values.
    Insert,
    /// Inserts a row, or updates the one with its key.
    Upsert,
    /// Reads by the key test of its filters, then inserts the row when none was found, in
    /// two statements (GORM's `FirstOrCreate`): a read and an insert that can race.
    GetOrCreate,
}

impl OrmOpKind {
    pub const ALL: &[OrmOpKind] = &[
        OrmOpKind::Select,
        OrmOpKind::Insert,
        OrmOpKind::Upsert,
        OrmOpKind::GetOrCreate,
    ];
}

/// Where a chain names its table (or model, or entity).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableSource {
    /// The last name of what the op's call is made on (`prisma.payment.findUnique`,
    /// `client.Payment.Query()`).
    Receiver,
    /// The first name of the chain's start (`payments::table.filter(…)`,
    /// `payment::Entity::find()`, `payment::ActiveModel { … }.insert(db)`).
    Root,
    /// The first argument of the call the chain starts with (knex's `knex("payments")`).
    RootArg,
    /// The model the op's call is given: a struct literal's type, or a variable's name
    /// (GORM's `Create(&Payment{…})`, `First(&payment)`).
    ModelArg,
    /// The first argument of this step (Drizzle's `.from(payments)`, diesel's
    /// `insert_into(payments::table)`).
    ArgOf(String),
}

/// An HTTP status constant by name (`http.StatusOK`, `StatusCode::TOO_MANY_REQUESTS`).
#[derive(Clone, Debug)]
pub struct StatusName {
    pub name: CallPattern,
    pub code: u16,
}

/// A method of a status value that tests its class (`is_success()` is 200..=299), written
/// `{ method = "is_success", codes = { start = 200, end = 299 } }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusClass {
    pub method: String,
    pub codes: std::ops::RangeInclusive<u16>,
}

/// A call that turns a response's 4xx or 5xx status into an error (requests' and httpx's
/// `raise_for_status()`), and the error types it raises: one of those stands for every
/// error, a 4xx too, only where the code makes such a call.
#[derive(Clone, Debug)]
pub struct StatusRaiser {
    pub call: CallPattern,
    pub errors: Vec<String>,
}

/// The whole table.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    pub sleeps: Vec<SleepApi>,
    /// Calls that run a callback and complete when it is done (`new Promise(executor)`): one
    /// whose callback only sleeps is a sleep itself.
    pub sleep_wrappers: Vec<CallPattern>,
    pub randoms: Vec<CallPattern>,
    /// Words that, in a function's name, say it returns a random or jittered value.
    pub random_name_hints: Vec<String>,
    pub queries: Vec<QueryApi>,
    pub kv: Vec<KvApi>,
    pub kv_commands: Vec<KvCommandApi>,
    /// Key-value command names (upper case) and what they do.
    pub kv_command_ops: Vec<(String, KvOp)>,
    /// Builder steps that add one argument to a generic command (`.arg(x)`).
    pub kv_arg_steps: Vec<CallPattern>,
    /// Flags that turn a key-value write into set-if-absent wherever they are passed along
    /// the write (`"NX"`, `SetArgs{Mode: "NX"}`, `ExistenceCheck::NX`).
    pub kv_if_absent_flags: Vec<String>,
    /// Retry and backoff libraries: strategies, entry points, and what toggles their jitter
    /// and error classification.
    pub retries: Vec<RetryApi>,
    /// Calls that pass a number on without turning its growth around: conversions, unit
    /// constructors, caps (`time.Duration(x)`, `Duration::from_millis(x)`, `min(x, cap)`).
    pub passthrough_calls: Vec<CallPattern>,
    /// Calls that make a number grow with their arguments or receiver: powers, checked or
    /// saturating multiplication (`math.Pow(2, n)`, `2u64.pow(n)`, `d.saturating_mul(2)`).
    pub growth_calls: Vec<CallPattern>,
    /// Words that, in a variable's name, say it counts attempts.
    pub attempt_name_hints: Vec<String>,
    /// Names whose call or pattern looks at whether something failed: Rust's `Err`/`Ok`
    /// patterns and `is_err()`/`is_ok()`, a promise's `.catch`.
    pub failure_tests: Vec<String>,
    /// Fields and methods of an HTTP response that give its status code.
    pub status_accessors: Vec<String>,
    pub status_names: Vec<StatusName>,
    pub status_classes: Vec<StatusClass>,
    pub status_raisers: Vec<StatusRaiser>,
    /// Status values that mean a request with that key is still being processed.
    pub in_progress_statuses: Vec<String>,
    /// Status values that mean a request with that key has finished, one way or another.
    pub settled_statuses: Vec<String>,
    /// Column names that hold an idempotency record's state.
    pub status_columns: Vec<String>,
    /// Errors (and their patterns) a read returns when no row or key exists:
    /// `sql.ErrNoRows`, `sqlx::Error::RowNotFound`, `redis.Nil`.
    pub not_found_errors: Vec<CallPattern>,
    /// Words that, in a function's name, say it tests an error for "nothing found":
    /// `IsNoRows(err)`, `db.IsNotFound(err)`.
    pub not_found_predicate_hints: Vec<String>,
    /// Calls that test whether an error is (or wraps) a given one: `errors.Is(err, target)`.
    pub error_is_calls: Vec<CallPattern>,
    /// Methods that, called on a read's result, are true when nothing was found.
    pub absent_checks: Vec<CallPattern>,
    /// Methods that, called on a read's result, are true when something was found.
    pub present_checks: Vec<CallPattern>,
    /// Calls that give the length of a read's result (`len(rows)`, `rows.len()`).
    pub length_calls: Vec<CallPattern>,
    /// Fields that give how many rows a result holds (`rows.length`, node-postgres's
    /// `res.rowCount`), as `.name` patterns.
    pub length_fields: Vec<CallPattern>,
    /// Names, codes and messages that identify a unique-key violation (`23505`,
    /// `is_unique_violation`, `pgerrcode.UniqueViolation`, MySQL `1062`), compared
    /// lower-case with everything but letters and digits removed.
    pub unique_violation_hints: Vec<String>,
    /// Words that, in a name, say a transaction runs at SERIALIZABLE isolation
    /// (`sql.LevelSerializable`, `IsolationLevel::Serializable`).
    pub serializable_hints: Vec<String>,
    /// Names of methods that roll a transaction back, compared lower-case.
    pub rollback_calls: Vec<String>,
    /// Words that, in a called function's name, say it takes an advisory lock.
    pub advisory_lock_hints: Vec<String>,
    /// Words that, in a function's name, say it classifies an error as retryable.
    pub retry_predicate_hints: Vec<String>,
    /// Words that, in a table or column name, say it records handled requests or events
    /// (an idempotency or dedup table, an inbox, a claim).
    pub dedup_name_hints: Vec<String>,
    /// Whole words that, in a table, column, key or function name, say it records or claims
    /// something that must happen once (`sent_notifications`, `transfers`, `acquire_lock`,
    /// `once`); whole words, since `sent` is inside `consent`.
    pub dedup_words: Vec<String>,
    /// Words that, in the name of a retried call or of the function retrying it, say it waits
    /// for a dependency of the service (its database, broker, socket, or its own start-up)
    /// rather than asking another service for something a 4xx could refuse. Retrying every
    /// failure there is how a service waits for what it needs.
    pub dependency_wait_words: Vec<String>,
    /// Words that, first in a function's name, say it runs while the service starts (`main`,
    /// a constructor, a setup step): a retry called only from there waits for the service's
    /// own start-up.
    pub start_up_words: Vec<String>,
    /// What a server says when it sets the client's pace (RFC 8628's `slow_down`, the
    /// `Retry-After` header), lower-case letters and digits only: a wait that grows only
    /// when the server says so is the server's schedule, not a backoff.
    pub server_pace_hints: Vec<String>,
    /// Addresses of the machine itself: a retry that waits for a server there waits for a
    /// local setup (a dev tool's database, a test's container), not a shared service.
    pub local_hosts: Vec<String>,
    /// Words that, in a function's name, say it has an effect outside the database that must
    /// happen once (a charge, a message, an email).
    pub side_effect_hints: Vec<String>,
    /// Words that start like a side-effect hint but name something else (`payload` is
    /// not `pay`).
    pub side_effect_look_alikes: Vec<String>,
    /// Verbs that, first in a name, say the call only reads or computes
    /// (`parseShipmentMetadata`).
    pub side_effect_free_verbs: Vec<String>,
    /// Words that make a call the database's own, whatever else its name says (pgx's
    /// `SendBatch` runs queued queries; it sends no message).
    pub database_call_words: Vec<String>,
    /// Names, codes and messages of a "someone else is on it" answer (`http.StatusConflict`,
    /// `ErrConflict`, `409`, `425 Too Early`), compared like [`Knowledge::unique_violation_hints`].
    pub conflict_hints: Vec<String>,
    /// Words that, in a column, field or variable name, say it holds the response stored
    /// with an idempotency record (`response_body`, `respBody`): a record that has one
    /// finished; one found without it is still being worked on.
    pub response_columns: Vec<String>,
    /// Calls that hand a request to the rest of the handler chain (`next()`,
    /// `next.ServeHTTP(w, r)`, `next.run(req)`): in a middleware, the work itself.
    pub next_handler_calls: Vec<(CallPattern, Option<usize>)>,
    /// Calls that answer the request being handled (`res.send(body)`): never once-only
    /// work, whatever their name says.
    pub response_calls: Vec<CallPattern>,
    /// ORMs and query builders, whose calls run queries with no SQL text.
    pub orms: Vec<Orm>,
    /// The names of every ORM's steps, whatever its language: a call named otherwise is
    /// no ORM's.
    pub orm_step_names: std::collections::HashSet<String>,
}

/// A call pattern from a dotted or Rust `::` path, as the data files and `[knowledge]`
/// write them (`clock::Sleep` is `clock.Sleep`).
pub(super) fn pat(lang: Option<Lang>, pattern: &str) -> CallPattern {
    CallPattern {
        lang,
        pattern: pattern.replace("::", "."),
    }
}
