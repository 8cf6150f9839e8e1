//! What idemlint knows about libraries: which calls run SQL, sleep, draw randomness,
//! touch a key-value store, or retry. Rules and the analysis pass read this table;
//! no rule names a library function itself. The config file extends it.
//!
//! Call patterns match a callee's dotted name (`tokio.time.sleep`, `db.ExecContext`)
//! by its trailing segments: `time.Sleep` matches `time.Sleep`; `.ExecContext` (a leading
//! dot) matches a method of that name on any receiver; `sleep` matches a bare `sleep` or
//! any path ending in `.sleep`.

use crate::model::{Expr, KvOp, Lang, Outcome, RetryCall};

mod evaluate;
mod names;
mod schema;

pub use names::is_inflection;
use names::{contains_any, ends_with_any, squashed_contains_any, words};
pub use schema::{
    ArgTest, CallPattern, CallShape, GrowthField, Knowledge, KvApi, KvCommandApi, Mark, QueryApi,
    RetryApi, RetryFacts, RetryRole, SleepApi, StatusClass, StatusName,
};

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

fn pat(lang: Option<Lang>, pattern: &str) -> CallPattern {
    CallPattern {
        lang,
        pattern: pattern.to_owned(),
    }
}

impl CallPattern {
    /// Whether `dotted` (a callee's dotted name) in `lang` matches this pattern.
    pub fn matches(&self, lang: Lang, dotted: &str) -> bool {
        if self.lang.is_some_and(|l| l != lang) {
            return false;
        }
        if let Some(method) = self.pattern.strip_prefix('.') {
            return dotted
                .rsplit_once('.')
                .is_some_and(|(_, last)| last == method);
        }
        dotted == self.pattern
            || dotted
                .strip_suffix(self.pattern.as_str())
                .is_some_and(|head| head.ends_with('.'))
    }
}

impl Knowledge {
    /// The built-in table.
    pub fn builtin() -> Knowledge {
        use Lang::{Go, Rust, TypeScript};
        let go = Some(Go);
        let rust = Some(Rust);
        let ts = Some(TypeScript);
        let query = |lang, p: &str, outcome| QueryApi {
            call: pat(lang, p),
            outcome,
        };
        Knowledge {
            sleeps: vec![
                SleepApi {
                    call: pat(go, "time.Sleep"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(go, "time.After"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(go, "time.NewTimer"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(rust, "thread.sleep"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(rust, "time.sleep"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(rust, "task.sleep"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(rust, "sleep"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(rust, "Delay.new"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(ts, "sleep"),
                    duration_arg: 0,
                },
                SleepApi {
                    call: pat(ts, "delay"),
                    duration_arg: 0,
                },
                // The callback form first: `setTimeout(resolve, d)`; then `timers/promises`'
                // `await setTimeout(d)`, which takes the duration first.
                SleepApi {
                    call: pat(ts, "setTimeout"),
                    duration_arg: 1,
                },
                SleepApi {
                    call: pat(ts, "setTimeout"),
                    duration_arg: 0,
                },
            ],
            sleep_wrappers: vec![pat(ts, "Promise")],
            randoms: vec![
                pat(go, "rand.Int63n"),
                pat(go, "rand.Int63"),
                pat(go, "rand.Intn"),
                pat(go, "rand.Int"),
                pat(go, "rand.Int64N"),
                pat(go, "rand.IntN"),
                pat(go, "rand.N"),
                pat(go, "rand.Float64"),
                pat(go, "rand.Float32"),
                pat(go, "rand.Uint64"),
                pat(go, "rand.Read"),
                pat(go, "rand.Perm"),
                pat(go, "rand.Int31n"),
                pat(go, "rand.Int31"),
                pat(go, "rand.Int32N"),
                pat(go, "rand.Uint32"),
                pat(go, "rand.Uint64N"),
                pat(go, "rand.Uint32N"),
                pat(go, "rand.ExpFloat64"),
                pat(go, "rand.NormFloat64"),
                // Methods of a `*rand.Rand` from `rand.New(src)`.
                pat(go, ".Int63n"),
                pat(go, ".Int31n"),
                pat(go, ".Intn"),
                pat(go, ".Int64N"),
                pat(go, ".IntN"),
                pat(go, ".Float64"),
                pat(go, ".Float32"),
                pat(rust, "rand.random"),
                pat(rust, "rand.random_range"),
                pat(rust, "rand.rng"),
                pat(rust, "rand.thread_rng"),
                pat(rust, ".gen_range"),
                pat(rust, ".random_range"),
                pat(rust, ".gen"),
                pat(rust, "fastrand.u64"),
                pat(rust, "fastrand.u32"),
                pat(rust, "fastrand.f64"),
                pat(rust, "fastrand.usize"),
                pat(rust, "fastrand.f32"),
                pat(rust, "fastrand.i64"),
                pat(rust, "fastrand.u8"),
                pat(rust, "thread_rng"),
                pat(rust, ".random"),
                pat(rust, ".random_bool"),
                pat(rust, ".gen_bool"),
                pat(rust, ".sample"),
                pat(ts, "Math.random"),
                pat(ts, "crypto.randomInt"),
                pat(ts, "crypto.getRandomValues"),
                pat(ts, "crypto.randomBytes"),
                pat(ts, "_.random"),
            ],
            random_name_hints: ["jitter", "random", "rand"].map(String::from).to_vec(),
            queries: vec![
                query(go, ".Exec", Outcome::Affected),
                query(go, ".ExecContext", Outcome::Affected),
                query(go, ".QueryRow", Outcome::OneRow),
                query(go, ".QueryRowContext", Outcome::OneRow),
                query(go, ".Query", Outcome::Rows),
                query(go, ".QueryContext", Outcome::Rows),
                query(go, ".Get", Outcome::OneRow),
                query(go, ".GetContext", Outcome::OneRow),
                query(go, ".Select", Outcome::Rows),
                query(go, ".SelectContext", Outcome::Rows),
                query(go, ".NamedExec", Outcome::Affected),
                query(go, ".NamedExecContext", Outcome::Affected),
                query(rust, ".execute", Outcome::Affected),
                query(rust, ".fetch_one", Outcome::OneRow),
                query(rust, ".fetch_optional", Outcome::OptionalRow),
                query(rust, ".fetch_all", Outcome::Rows),
                query(rust, ".fetch", Outcome::Rows),
                query(rust, ".query_one", Outcome::OneRow),
                query(rust, ".query_opt", Outcome::OptionalRow),
                query(rust, ".query", Outcome::Rows),
                query(rust, ".get_result", Outcome::OneRow),
                query(rust, ".get_results", Outcome::Rows),
                // node-postgres and mysql2 (`[rows, fields]`), knex, Prisma, pg-promise.
                query(ts, ".query", Outcome::Rows),
                query(ts, ".execute", Outcome::Rows),
                query(ts, ".raw", Outcome::Rows),
                query(ts, ".$queryRaw", Outcome::Rows),
                query(ts, ".$queryRawUnsafe", Outcome::Rows),
                query(ts, ".$executeRaw", Outcome::Affected),
                query(ts, ".$executeRawUnsafe", Outcome::Affected),
                query(ts, ".one", Outcome::OneRow),
                query(ts, ".oneOrNone", Outcome::OptionalRow),
                query(ts, ".many", Outcome::Rows),
                query(ts, ".manyOrNone", Outcome::Rows),
                query(ts, ".any", Outcome::Rows),
                query(ts, ".none", Outcome::Affected),
                query(ts, ".result", Outcome::Affected),
            ],
            kv: vec![
                kv(go, ".Get", KvOp::Get, 1, 2),
                kv(go, ".Exists", KvOp::Get, 1, 2),
                kv(go, ".Set", KvOp::Set, 1, 4),
                kv(go, ".SetEx", KvOp::Set, 1, 4),
                kv(go, ".SetArgs", KvOp::Set, 1, 4),
                kv(go, ".SetNX", KvOp::SetIfAbsent, 1, 4),
                kv(rust, ".get", KvOp::Get, 0, 1),
                kv(rust, ".exists", KvOp::Get, 0, 1),
                kv(rust, ".set", KvOp::Set, 0, 2),
                kv(rust, ".set_ex", KvOp::Set, 0, 3),
                kv(rust, ".set_options", KvOp::Set, 0, 3),
                kv(rust, ".set_nx", KvOp::SetIfAbsent, 0, 2),
                // ioredis and node-redis: `set(k, v)`, `set(k, v, 'NX')`,
                // `set(k, v, { NX: true })`, `set(k, v, 'EX', ttl)`, `set(k, v, 'EX', ttl, 'NX')`.
                kv_awaited(".get", KvOp::Get, 1),
                kv_awaited(".exists", KvOp::Get, 1),
                kv_awaited(".set", KvOp::Set, 2),
                kv_awaited(".set", KvOp::Set, 3),
                kv_awaited(".set", KvOp::Set, 4),
                kv_awaited(".set", KvOp::Set, 5),
                kv_awaited(".setex", KvOp::Set, 3),
                kv_awaited(".setEx", KvOp::Set, 3),
                kv_awaited(".setnx", KvOp::SetIfAbsent, 2),
                kv_awaited(".setNX", KvOp::SetIfAbsent, 2),
            ],
            kv_commands: vec![
                KvCommandApi {
                    call: pat(go, ".Do"),
                    command_arg: 1,
                },
                KvCommandApi {
                    call: pat(rust, "redis.cmd"),
                    command_arg: 0,
                },
            ],
            kv_command_ops: [
                ("GET", KvOp::Get),
                ("EXISTS", KvOp::Get),
                ("SET", KvOp::Set),
                ("SETEX", KvOp::Set),
                ("PSETEX", KvOp::Set),
                ("SETNX", KvOp::SetIfAbsent),
            ]
            .map(|(name, op)| (name.to_owned(), op))
            .to_vec(),
            kv_arg_steps: vec![pat(rust, ".arg")],
            kv_if_absent_flags: vec!["NX".to_owned()],
            retries: retry_table(),
            passthrough_calls: [
                (go, "time.Duration"),
                (go, "float64"),
                (go, "float32"),
                (go, "int64"),
                (go, "int32"),
                (go, "int"),
                (go, "uint64"),
                (go, "uint32"),
                (go, "uint"),
                (go, "math.Min"),
                (go, "math.Max"),
                (go, "math.Floor"),
                (go, "math.Ceil"),
                (go, "math.Round"),
                (go, ".Seconds"),
                (go, ".Milliseconds"),
                (None, "min"),
                (None, "max"),
                (ts, "Math.floor"),
                (ts, "Math.ceil"),
                (ts, "Math.round"),
                (ts, "Math.trunc"),
                (ts, "Number"),
                (rust, "Duration.from_millis"),
                (rust, "Duration.from_secs"),
                (rust, "Duration.from_micros"),
                (rust, "Duration.from_nanos"),
                (rust, "Duration.from_secs_f64"),
                (rust, "Duration.from_secs_f32"),
                (rust, "from"),
                (rust, ".clamp"),
                (rust, ".unwrap"),
                (rust, ".unwrap_or"),
                (rust, ".unwrap_or_default"),
                (rust, ".expect"),
                (rust, ".into"),
                (rust, ".try_into"),
                (rust, ".as_millis"),
                (rust, ".as_secs"),
                (rust, ".as_secs_f64"),
                (rust, ".as_secs_f32"),
            ]
            .map(|(lang, p)| pat(lang, p))
            .to_vec(),
            growth_calls: [
                (go, "math.Pow"),
                (go, "math.Exp2"),
                (go, "math.Exp"),
                (ts, "Math.pow"),
                (rust, ".pow"),
                (rust, ".powi"),
                (rust, ".powf"),
                (rust, ".exp2"),
                (rust, ".checked_pow"),
                (rust, ".saturating_pow"),
                (rust, ".wrapping_pow"),
                (rust, ".checked_mul"),
                (rust, ".saturating_mul"),
                (rust, ".wrapping_mul"),
                (rust, ".checked_shl"),
                (rust, ".wrapping_shl"),
                (rust, ".mul_f64"),
                (rust, ".mul_f32"),
            ]
            .map(|(lang, p)| pat(lang, p))
            .to_vec(),
            attempt_name_hints: ["attempt", "retry", "retries", "tries", "try"]
                .map(String::from)
                .to_vec(),
            failure_tests: ["Err", "Ok", "is_err", "is_ok", "catch"]
                .map(String::from)
                .to_vec(),
            status_accessors: ["StatusCode", "status", "status_code", "statusCode"]
                .map(String::from)
                .to_vec(),
            status_names: status_names(),
            status_classes: [
                ("is_informational", 100..=199),
                // `fetch`'s `res.ok`.
                ("ok", 200..=299),
                ("is_success", 200..=299),
                ("is_redirection", 300..=399),
                ("is_client_error", 400..=499),
                ("is_server_error", 500..=599),
            ]
            .map(|(method, codes)| StatusClass {
                method: method.to_owned(),
                codes,
            })
            .to_vec(),
            in_progress_statuses: ["in_progress", "pending", "processing", "started"]
                .map(String::from)
                .to_vec(),
            settled_statuses: [
                "completed",
                "complete",
                "done",
                "succeeded",
                "success",
                "finished",
                "failed",
                "failure",
                "errored",
                "cancelled",
                "canceled",
                "expired",
            ]
            .map(String::from)
            .to_vec(),
            status_columns: ["status", "state"].map(String::from).to_vec(),
            not_found_errors: vec![
                pat(go, "sql.ErrNoRows"),
                pat(go, "pgx.ErrNoRows"),
                pat(go, "redis.Nil"),
                pat(go, "gorm.ErrRecordNotFound"),
                pat(rust, "RowNotFound"),
                pat(rust, "Error.NotFound"),
            ],
            not_found_predicate_hints: ["norows", "norow", "notfound", "norecord"]
                .map(String::from)
                .to_vec(),
            error_is_calls: vec![pat(go, "errors.Is"), pat(rust, "matches!")],
            absent_checks: vec![pat(rust, ".is_empty"), pat(rust, ".is_none")],
            present_checks: vec![pat(rust, ".is_some"), pat(go, ".Next")],
            length_calls: vec![pat(go, "len"), pat(rust, ".len")],
            length_fields: vec![pat(ts, ".length"), pat(ts, ".rowCount")],
            unique_violation_hints: [
                "23505",
                "uniqueviolation",
                "uniqueconstraint",
                "duplicatekey",
                "isduplicate",
                "duplicateentry",
                "1062",
                "2067",
            ]
            .map(String::from)
            .to_vec(),
            serializable_hints: vec!["serializable".to_owned()],
            advisory_lock_hints: vec!["advisory".to_owned()],
            retry_predicate_hints: [
                "retryable",
                "retriable",
                "transient",
                "temporary",
                "shouldretry",
                "should_retry",
                "isrecoverable",
                "is_recoverable",
                "eligibleforretry",
            ]
            .map(String::from)
            .to_vec(),
            dedup_name_hints: [
                "idempot",
                "dedup",
                "processed",
                "inbox",
                "handled",
                "consumed",
                "seen",
                "claim",
                "event_id",
                "message_id",
                "delivery_id",
                "request_id",
                "nonce",
                "receipt",
            ]
            .map(String::from)
            .to_vec(),
            dedup_words: [
                "once", "sent", "lock", "acquire", "claim", "transfer", "payment", "charge",
            ]
            .map(String::from)
            .to_vec(),
            dependency_wait_words: [
                "connect",
                "reconnect",
                "dial",
                "redial",
                "ping",
                "receive",
                "recv",
                "subscribe",
                "resubscribe",
                "listen",
                "accept",
                "start",
                "restart",
                "bootstrap",
                "init",
                "initialize",
                "load",
                "reload",
                "hydrate",
                "resync",
                "wait",
                "watch",
                "poll",
                "health",
                "healthy",
                "ready",
                "readiness",
                "liveness",
                "elect",
                "resign",
            ]
            .map(String::from)
            .to_vec(),
            server_pace_hints: ["slowdown", "retryafter"].map(String::from).to_vec(),
            local_hosts: ["localhost", "127.0.0.1", "[::1]"]
                .map(String::from)
                .to_vec(),
            conflict_hints: ["conflict", "409", "tooearly", "425"]
                .map(String::from)
                .to_vec(),
            database_call_words: ["batch", "query", "queries", "exec", "sql", "tx"]
                .map(String::from)
                .to_vec(),
            side_effect_hints: [
                "charge",
                "pay",
                "refund",
                "transfer",
                "capture",
                "send",
                "publish",
                "notify",
                "email",
                "enqueue",
                "emit",
                "dispatch",
                "deliver",
                "ship",
                "fulfil",
                "credit",
                "debit",
                "reserve",
                "provision",
                "process",
                "apply",
                "post",
                "call",
                "invoke",
                "webhook",
                "provider",
                "stripe",
            ]
            .map(String::from)
            .to_vec(),
        }
    }

    pub fn sleep(&self, lang: Lang, dotted: &str) -> Option<&SleepApi> {
        self.sleeps.iter().find(|s| s.call.matches(lang, dotted))
    }

    /// The sleep a call with `args` arguments is: the first entry for its name whose
    /// duration argument is there (`setTimeout(cb, d)` and, from `timers/promises`,
    /// `setTimeout(d)`).
    pub fn sleep_call(&self, lang: Lang, dotted: &str, args: usize) -> Option<&SleepApi> {
        self.sleeps
            .iter()
            .find(|s| s.duration_arg < args && s.call.matches(lang, dotted))
    }

    pub fn is_sleep_wrapper(&self, lang: Lang, dotted: &str) -> bool {
        self.sleep_wrappers.iter().any(|p| p.matches(lang, dotted))
    }

    pub fn is_random(&self, lang: Lang, dotted: &str) -> bool {
        self.randoms.iter().any(|p| p.matches(lang, dotted)) || self.is_random_name(dotted)
    }

    /// Whether a function's name says it returns a random or jittered value: one of its words
    /// starts with a hint (`withJitter`, `rand_delay`, `randomized`, but not `brand`).
    pub fn is_random_name(&self, dotted: &str) -> bool {
        let last = dotted.rsplit('.').next().unwrap_or(dotted);
        words(last).iter().any(|w| {
            self.random_name_hints
                .iter()
                .any(|h| w.starts_with(h.as_str()))
        })
    }

    /// Whether a variable's name says it counts attempts (`attempt`, `maxRetries`,
    /// `num_tries`), a word of it being a hint or an inflection of one (`attempts`,
    /// `trying`, `try2`); `MAP_TRYFIXED` is not.
    pub fn is_attempt_name(&self, name: &str) -> bool {
        let last = name.rsplit('.').next().unwrap_or(name);
        words(last).iter().any(|w| {
            self.attempt_name_hints
                .iter()
                .any(|h| w.strip_prefix(h.as_str()).is_some_and(is_inflection))
        })
    }

    pub fn is_passthrough(&self, lang: Lang, dotted: &str) -> bool {
        self.passthrough_calls
            .iter()
            .any(|p| p.matches(lang, dotted))
    }

    pub fn is_growth_call(&self, lang: Lang, dotted: &str) -> bool {
        self.growth_calls.iter().any(|p| p.matches(lang, dotted))
    }

    /// The code of an HTTP status constant (`http.StatusOK`, `StatusCode::NOT_FOUND`).
    pub fn status_code(&self, lang: Lang, dotted: &str) -> Option<u16> {
        self.status_names
            .iter()
            .find(|s| s.name.matches(lang, dotted))
            .map(|s| s.code)
    }

    /// The codes a status class method accepts (`is_success` → 200..=299).
    pub fn status_class(&self, method: &str) -> Option<&std::ops::RangeInclusive<u16>> {
        self.status_classes
            .iter()
            .find(|c| c.method == method)
            .map(|c| &c.codes)
    }

    pub fn is_status_accessor(&self, name: &str) -> bool {
        self.status_accessors.iter().any(|a| a == name)
    }

    pub fn query(&self, lang: Lang, dotted: &str) -> Option<&QueryApi> {
        self.queries.iter().find(|q| q.call.matches(lang, dotted))
    }

    pub fn kv(&self, lang: Lang, dotted: &str) -> Option<&KvApi> {
        self.kv.iter().find(|k| k.call.matches(lang, dotted))
    }

    /// The key-value operation a call with `arg_count` arguments is, honouring arities.
    /// The key-value client method a call with `arg_count` arguments is; `awaited` tells
    /// whether its result is awaited where it is made.
    pub fn kv_call(
        &self,
        lang: Lang,
        dotted: &str,
        arg_count: usize,
        awaited: bool,
    ) -> Option<&KvApi> {
        self.kv.iter().find(|k| {
            k.call.matches(lang, dotted)
                && k.arity.is_none_or(|arity| arity == arg_count)
                && (awaited || !k.awaited)
        })
    }

    pub fn kv_command(&self, lang: Lang, dotted: &str) -> Option<&KvCommandApi> {
        self.kv_commands
            .iter()
            .find(|k| k.call.matches(lang, dotted))
    }

    /// What the key-value command named `name` does.
    pub fn kv_command_op(&self, name: &str) -> Option<KvOp> {
        self.kv_command_ops
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, op)| *op)
    }

    pub fn is_kv_arg_step(&self, lang: Lang, dotted: &str) -> bool {
        self.kv_arg_steps.iter().any(|p| p.matches(lang, dotted))
    }

    pub fn is_kv_if_absent_flag(&self, word: &str) -> bool {
        self.kv_if_absent_flags
            .iter()
            .any(|f| f.eq_ignore_ascii_case(word))
    }

    /// Whether a name (a constant, an enum variant, a method) says "in progress":
    /// `StatusInProgress`, `Status::Pending`, `is_processing`.
    pub fn names_in_progress(&self, name: &str) -> bool {
        ends_with_any(name, &self.in_progress_statuses)
    }

    /// Whether a name says "finished": `StatusCompleted`, `State::Done`, `IsFailed`.
    pub fn names_settled(&self, name: &str) -> bool {
        ends_with_any(name, &self.settled_statuses)
    }

    pub fn is_settled_status(&self, value: &str) -> bool {
        self.settled_statuses
            .iter()
            .any(|s| s.eq_ignore_ascii_case(value))
    }

    /// Whether a column holds a record's state.
    pub fn is_status_column(&self, column: &str) -> bool {
        let column = column.to_ascii_lowercase();
        self.status_columns
            .iter()
            .any(|c| column == *c || column.ends_with(&format!("_{c}")))
    }

    pub fn is_not_found_error(&self, lang: Lang, dotted: &str) -> bool {
        self.not_found_errors
            .iter()
            .any(|p| p.matches(lang, dotted))
    }

    /// Whether a called function's name says it tests for "nothing found" (`IsNoRows`).
    pub fn is_not_found_predicate(&self, callee: &str) -> bool {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        squashed_contains_any(last, &self.not_found_predicate_hints)
    }

    pub fn is_error_is_call(&self, lang: Lang, dotted: &str) -> bool {
        self.error_is_calls.iter().any(|p| p.matches(lang, dotted))
    }

    pub fn is_absent_check(&self, lang: Lang, dotted: &str) -> bool {
        self.absent_checks.iter().any(|p| p.matches(lang, dotted))
    }

    pub fn is_present_check(&self, lang: Lang, dotted: &str) -> bool {
        self.present_checks.iter().any(|p| p.matches(lang, dotted))
    }

    pub fn is_length_call(&self, lang: Lang, dotted: &str) -> bool {
        self.length_calls.iter().any(|p| p.matches(lang, dotted))
    }

    /// Whether field `name` gives a result's row count.
    pub fn is_length_field(&self, lang: Lang, name: &str) -> bool {
        let dotted = format!(".{name}");
        self.length_fields.iter().any(|p| p.matches(lang, &dotted))
    }

    /// Whether a name, string or number identifies a unique-key violation.
    pub fn is_unique_violation(&self, text: &str) -> bool {
        squashed_contains_any(text, &self.unique_violation_hints)
    }

    /// Whether a name, string or number is a conflict answer (`http.StatusConflict`, `409`).
    pub fn is_conflict_answer(&self, text: &str) -> bool {
        squashed_contains_any(text, &self.conflict_hints)
    }

    pub fn names_serializable(&self, name: &str) -> bool {
        contains_any(name, &self.serializable_hints)
    }

    pub fn names_advisory_lock(&self, callee: &str) -> bool {
        contains_any(callee, &self.advisory_lock_hints)
    }

    pub fn retry(&self, lang: Lang, dotted: &str) -> Option<&RetryApi> {
        self.retries.iter().find(|r| r.call.matches(lang, dotted))
    }

    /// The retry-library entry a call is, by its callee and the shape of its arguments.
    pub fn retry_call(&self, lang: Lang, dotted: &str, args: &[Expr]) -> Option<&RetryApi> {
        self.retries.iter().find(|r| {
            r.facts.role != RetryRole::StrategyLiteral
                && r.call.matches(lang, dotted)
                && r.shape.admits(args)
        })
    }

    /// What the library a classified retry call belongs to does.
    pub fn facts_of(&self, call: &RetryCall) -> &RetryFacts {
        &self.retries[call.api].facts
    }

    /// The retry-library strategy a struct literal of type `type_name` is (`wait.Backoff`,
    /// `backoff::ExponentialBackoff`).
    pub fn retry_literal(&self, lang: Lang, type_name: &str) -> Option<&RetryApi> {
        let dotted = type_name.replace("::", ".");
        self.retries
            .iter()
            .find(|r| r.facts.role == RetryRole::StrategyLiteral && r.call.matches(lang, &dotted))
    }

    pub fn is_in_progress_status(&self, value: &str) -> bool {
        self.in_progress_statuses
            .iter()
            .any(|s| s.eq_ignore_ascii_case(value))
    }

    /// Whether a table or column name says it records handled requests or events.
    pub fn is_dedup_name(&self, name: &str) -> bool {
        contains_any(name, &self.dedup_name_hints)
    }

    /// Whether a string names an address of the machine itself (`mysql://…@localhost:3306`).
    pub fn names_local_host(&self, text: &str) -> bool {
        let text = text.to_ascii_lowercase();
        self.local_hosts
            .iter()
            .any(|host| text.contains(host.as_str()))
    }

    /// Whether code text names a server's pacing signal (`"slow_down"`, `SlowDown`,
    /// `"Retry-After"`); see [`Knowledge::server_pace_hints`].
    pub fn names_server_pace(&self, text: &str) -> bool {
        let joined: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        self.server_pace_hints
            .iter()
            .any(|hint| joined.contains(hint.as_str()))
    }

    /// Whether `source`, an import's origin, is one of `modules` or inside one of them
    /// (`github.com/avast/retry-go/v4`, `backon::Retryable`, `p-retry/index.js`).
    pub fn is_from(source: &str, modules: &[&str]) -> bool {
        modules.iter().any(|module| {
            source
                .strip_prefix(module)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', ':']))
        })
    }

    /// Whether a function's name says it waits for a dependency (see
    /// [`Knowledge::dependency_wait_words`]): `connectWithRetry`, `Receive`, `loadFromDatabase`.
    pub fn names_dependency_wait(&self, name: &str) -> bool {
        words(name).iter().any(|word| {
            self.dependency_wait_words
                .iter()
                .any(|wait| word.strip_prefix(wait.as_str()).is_some_and(is_inflection))
        })
    }

    /// Whether a name, written in any case style (`messageId`, `message_id`,
    /// `SentNotifications`), says it records or claims something that must happen once:
    /// a dedup hint inside it, or a dedup word (or its inflection) among its words.
    pub fn names_once_only(&self, name: &str) -> bool {
        let joined: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let hinted = self.dedup_name_hints.iter().any(|hint| {
            let hint: String = hint.chars().filter(|c| *c != '_').collect();
            joined.contains(&hint)
        });
        hinted
            || words(name).iter().any(|word| {
                self.dedup_words
                    .iter()
                    .any(|dedup| word.strip_prefix(dedup.as_str()).is_some_and(is_inflection))
            })
    }

    /// Whether a called function's name says it has an external, once-only effect: a hint
    /// starts one of the words of its last segment (`ChargeCustomer`, `send_email`), so
    /// `replay` is not taken for `pay`.
    pub fn is_side_effect(&self, callee: &str) -> bool {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        let words = words(last);
        let database = |word: &String| self.database_call_words.contains(word);
        !words.iter().any(database)
            && words.iter().any(|word| {
                self.side_effect_hints
                    .iter()
                    .any(|h| word.starts_with(h.as_str()))
            })
    }

    pub fn is_retry_predicate(&self, name: &str) -> bool {
        contains_any(name, &self.retry_predicate_hints)
    }
}

/// HTTP status constants of Go's `net/http` and Rust's `http::StatusCode`.
fn status_names() -> Vec<StatusName> {
    [
        (200, "StatusOK", "OK"),
        (201, "StatusCreated", "CREATED"),
        (202, "StatusAccepted", "ACCEPTED"),
        (204, "StatusNoContent", "NO_CONTENT"),
        (304, "StatusNotModified", "NOT_MODIFIED"),
        (400, "StatusBadRequest", "BAD_REQUEST"),
        (401, "StatusUnauthorized", "UNAUTHORIZED"),
        (403, "StatusForbidden", "FORBIDDEN"),
        (404, "StatusNotFound", "NOT_FOUND"),
        (405, "StatusMethodNotAllowed", "METHOD_NOT_ALLOWED"),
        (408, "StatusRequestTimeout", "REQUEST_TIMEOUT"),
        (409, "StatusConflict", "CONFLICT"),
        (410, "StatusGone", "GONE"),
        (412, "StatusPreconditionFailed", "PRECONDITION_FAILED"),
        (413, "StatusRequestEntityTooLarge", "PAYLOAD_TOO_LARGE"),
        (422, "StatusUnprocessableEntity", "UNPROCESSABLE_ENTITY"),
        (425, "StatusTooEarly", "TOO_EARLY"),
        (429, "StatusTooManyRequests", "TOO_MANY_REQUESTS"),
        (500, "StatusInternalServerError", "INTERNAL_SERVER_ERROR"),
        (501, "StatusNotImplemented", "NOT_IMPLEMENTED"),
        (502, "StatusBadGateway", "BAD_GATEWAY"),
        (503, "StatusServiceUnavailable", "SERVICE_UNAVAILABLE"),
        (504, "StatusGatewayTimeout", "GATEWAY_TIMEOUT"),
    ]
    .into_iter()
    .flat_map(|(code, go, rust)| {
        [
            StatusName {
                name: pat(Some(Lang::Go), &format!("http.{go}")),
                code,
            },
            StatusName {
                name: pat(Some(Lang::Rust), &format!("StatusCode.{rust}")),
                code,
            },
        ]
    })
    .collect()
}

/// The retry and backoff libraries, from `references/retry-libraries.md`.
fn retry_table() -> Vec<RetryApi> {
    use ArgTest::{Any, False, Is, Mentions, NonZero, One, True, TrueForStatus, Zero};
    use Lang::{Go, Rust, TypeScript};
    use RetryRole::{Entry, Strategy, StrategyLiteral};
    let any_shape = CallShape::default();
    let api = |id, lang, patterns: &[&str], shape, facts: RetryFacts| -> Vec<RetryApi> {
        patterns
            .iter()
            .map(|p| RetryApi {
                id,
                call: pat(Some(lang), p),
                shape,
                facts: facts.clone(),
            })
            .collect()
    };

    let cenkalti_exponential = RetryFacts {
        library: "cenkalti/backoff",
        modules: &["github.com/cenkalti/backoff"],
        role: Strategy,
        exponential: true,
        jitters_by_default: true,
        jitter_off: &[
            Mark::Option {
                call: "backoff.WithRandomizationFactor",
                arg: Zero,
            },
            Mark::Field {
                name: "RandomizationFactor",
                value: Zero,
            },
        ],
        jitter_fix: "keep `RandomizationFactor` above 0: the default 0.5 spreads each delay \
                     over [0.5d, 1.5d]",
        ..RetryFacts::default()
    };
    let cenkalti_literal = RetryFacts {
        library: "cenkalti/backoff",
        modules: &["github.com/cenkalti/backoff"],
        role: StrategyLiteral,
        exponential: true,
        growth_field: Some(GrowthField {
            name: "Multiplier",
            absent_grows: false,
        }),
        jitter_on: &[Mark::Field {
            name: "RandomizationFactor",
            value: NonZero,
        }],
        jitter_off: &[Mark::Field {
            name: "RandomizationFactor",
            value: Zero,
        }],
        jitter_fix: "set `RandomizationFactor: 0.5`, or start from \
                     `backoff.NewExponentialBackOff()`, which jitters by default",
        ..RetryFacts::default()
    };
    let cenkalti_retry = RetryFacts {
        library: "cenkalti/backoff",
        modules: &["github.com/cenkalti/backoff"],
        role: Entry,
        retries_all_by_default: true,
        permanent: &["backoff.Permanent"],
        classify_fix: "return `backoff.Permanent(err)` from the operation for errors that will \
                       not go away (4xx, validation, auth); only the rest is retried",
        ..RetryFacts::default()
    };
    let sethvargo_do = RetryFacts {
        library: "sethvargo/go-retry",
        modules: &["github.com/sethvargo/go-retry"],
        role: Entry,
        ..RetryFacts::default()
    };
    let sethvargo_exponential = RetryFacts {
        library: "sethvargo/go-retry",
        modules: &["github.com/sethvargo/go-retry"],
        role: Strategy,
        exponential: true,
        jitter_on: &[
            Mark::Wrapper("retry.WithJitter"),
            Mark::Wrapper("retry.WithJitterPercent"),
        ],
        jitter_fix: "wrap the backoff: `b = retry.WithJitterPercent(50, b)`",
        ..RetryFacts::default()
    };
    let sethvargo_sugar = RetryFacts {
        library: "sethvargo/go-retry",
        modules: &["github.com/sethvargo/go-retry"],
        role: Entry,
        exponential: true,
        jitter_fix: "use `retry.Do(ctx, retry.WithJitterPercent(50, retry.NewExponential(base)), \
                     f)`: the shorthand has no jitter option",
        ..RetryFacts::default()
    };
    let avast_do = RetryFacts {
        library: "avast/retry-go",
        modules: &["github.com/avast/retry-go"],
        role: Entry,
        exponential: true,
        jitters_by_default: true,
        retries_all_by_default: true,
        jitter_off: &[Mark::Option {
            call: "retry.DelayType",
            arg: Is("BackOffDelay"),
        }],
        classifiers: &[Mark::Option {
            call: "retry.RetryIf",
            arg: Any,
        }],
        permanent: &["retry.Unrecoverable"],
        jitter_fix: "use `retry.DelayType(retry.CombineDelay(retry.BackOffDelay, \
                     retry.RandomDelay))` (the default) or `retry.FullJitterBackoffDelay`",
        classify_fix: "pass `retry.RetryIf(func(err error) bool { return isTransient(err) })`, \
                       or wrap permanent errors in `retry.Unrecoverable(err)`",
        ..RetryFacts::default()
    };
    let retryablehttp_client = RetryFacts {
        library: "hashicorp/go-retryablehttp",
        modules: &["github.com/hashicorp/go-retryablehttp"],
        role: Strategy,
        exponential: true,
        jitter_on: &[Mark::Field {
            name: "Backoff",
            value: Any,
        }],
        jitter_off: &[Mark::Field {
            name: "Backoff",
            value: Is("DefaultBackoff"),
        }],
        jitter_fix: "set `client.Backoff` to a jittered backoff, e.g. \
                     `retryablehttp.LinearJitterBackoff`, or one that sleeps a random duration \
                     up to the exponential delay",
        ..RetryFacts::default()
    };
    let literal_with_jitter_field = |library, growth: &'static str, absent_grows, fix| RetryFacts {
        library,
        role: StrategyLiteral,
        exponential: true,
        growth_field: Some(GrowthField {
            name: growth,
            absent_grows,
        }),
        jitter_on: &[Mark::Field {
            name: "Jitter",
            value: NonZero,
        }],
        jitter_fix: fix,
        ..RetryFacts::default()
    };
    let grpc_middleware = RetryFacts {
        library: "go-grpc-middleware/retry",
        modules: &["github.com/grpc-ecosystem/go-grpc-middleware"],
        role: Strategy,
        exponential: true,
        jitter_fix: "use `BackoffExponentialWithJitter(scalar, 0.5)`",
        ..RetryFacts::default()
    };
    let failsafe = RetryFacts {
        library: "failsafe-go",
        modules: &["github.com/failsafe-go/failsafe-go"],
        role: Strategy,
        exponential: true,
        jitter_on: &[
            Mark::Method {
                name: "WithJitter",
                arg: Any,
            },
            Mark::Method {
                name: "WithJitterFactor",
                arg: NonZero,
            },
        ],
        jitter_fix: "chain `.WithJitterFactor(0.5)` on the retry policy builder",
        ..RetryFacts::default()
    };

    let tokio_retry_strategy = RetryFacts {
        library: "tokio-retry",
        modules: &["tokio_retry", "tokio-retry"],
        role: Strategy,
        exponential: true,
        jitter_on: &[Mark::Method {
            name: "map",
            arg: Mentions("jitter"),
        }],
        jitter_fix: "add `.map(jitter)` (`tokio_retry::strategy::jitter`) before `.take(n)`",
        ..RetryFacts::default()
    };
    let tokio_retry_spawn = RetryFacts {
        library: "tokio-retry",
        modules: &["tokio_retry", "tokio-retry"],
        role: Entry,
        retries_all_by_default: true,
        permanent: &[
            "RetryError.permanent",
            "RetryError.Permanent",
            ".to_permanent",
            ".map_permanent_err",
        ],
        classify_fix: "use `RetryIf::spawn(strategy, action, |e: &E| is_transient(e))`, so \
                       permanent errors return at once",
        ..RetryFacts::default()
    };
    let backon_builder = RetryFacts {
        library: "backon",
        modules: &["backon"],
        role: Strategy,
        exponential: true,
        jitter_on: &[Mark::Method {
            name: "with_jitter",
            arg: Any,
        }],
        jitter_fix: "chain `.with_jitter()` on the builder",
        ..RetryFacts::default()
    };
    let backon_retry = RetryFacts {
        library: "backon",
        modules: &["backon"],
        role: Entry,
        retries_all_by_default: true,
        needs_strategy_of: Some("backon"),
        classifiers: &[Mark::Method {
            name: "when",
            arg: Any,
        }],
        classify_fix: "chain `.when(|e| is_transient(e))`, so permanent errors return at once",
        ..RetryFacts::default()
    };
    let backoff_rs_strategy = |role, jitter_off| RetryFacts {
        library: "backoff",
        modules: &["backoff"],
        role,
        exponential: true,
        jitters_by_default: true,
        jitter_off,
        growth_field: (role == StrategyLiteral).then_some(GrowthField {
            name: "multiplier",
            absent_grows: true,
        }),
        jitter_fix: "keep `randomization_factor` above 0: the default 0.5 spreads each delay \
                     over [0.5d, 1.5d]",
        ..RetryFacts::default()
    };
    const RANDOMIZATION_FACTOR_ZERO: &[Mark] = &[
        Mark::Field {
            name: "randomization_factor",
            value: Zero,
        },
        Mark::Method {
            name: "with_randomization_factor",
            arg: Zero,
        },
    ];
    let backoff_rs_retry = RetryFacts {
        library: "backoff",
        modules: &["backoff"],
        role: Entry,
        retries_all_by_default: true,
        permanent: &["Error.permanent", "Error.Permanent"],
        classify_fix: "return `Err(backoff::Error::permanent(e))` for errors that will not go \
                       away; `?` and `Error::transient` retry everything",
        ..RetryFacts::default()
    };
    let retry_rs_strategy = RetryFacts {
        library: "retry",
        modules: &["retry"],
        role: Strategy,
        exponential: true,
        jitter_on: &[Mark::Method {
            name: "map",
            arg: Mentions("jitter"),
        }],
        jitter_fix: "add `.map(retry::delay::jitter)` to the delay iterator",
        ..RetryFacts::default()
    };
    let retry_rs_retry = RetryFacts {
        library: "retry",
        modules: &["retry"],
        role: Entry,
        retries_all_by_default: true,
        permanent: &["OperationResult.Err"],
        classify_fix: "return `OperationResult::Err(e)` for errors that will not go away and \
                       `OperationResult::Retry(e)` only for transient ones",
        ..RetryFacts::default()
    };
    let again_policy = RetryFacts {
        library: "again",
        modules: &["again"],
        role: Strategy,
        exponential: true,
        jitter_on: &[Mark::Method {
            name: "with_jitter",
            arg: True,
        }],
        jitter_off: &[Mark::Method {
            name: "with_jitter",
            arg: ArgTest::False,
        }],
        jitter_fix: "chain `.with_jitter(true)` on the policy",
        ..RetryFacts::default()
    };
    let again_retry = RetryFacts {
        library: "again",
        modules: &["again"],
        role: Entry,
        retries_all_by_default: true,
        classify_fix: "use `again::retry_if(task, |e: &E| is_transient(e))`",
        ..RetryFacts::default()
    };
    let p_retry = RetryFacts {
        library: "p-retry",
        modules: &["p-retry"],
        role: Entry,
        exponential: true,
        retries_all_by_default: true,
        jitter_on: &[Mark::Field {
            name: "randomize",
            value: True,
        }],
        constant_when: &[Mark::Field {
            name: "factor",
            value: One,
        }],
        classifiers: &[Mark::Field {
            name: "shouldRetry",
            value: Any,
        }],
        permanent: &["AbortError"],
        jitter_fix: "pass `randomize: true`: each delay is then spread over [d, 2d) at random",
        classify_fix: "throw `new AbortError(err)` from the operation for errors that will not \
                       go away (4xx, validation, auth), or pass `shouldRetry`",
        ..RetryFacts::default()
    };
    let async_retry = RetryFacts {
        library: "async-retry",
        modules: &["async-retry"],
        role: Entry,
        exponential: true,
        jitters_by_default: true,
        retries_all_by_default: true,
        jitter_off: &[Mark::Field {
            name: "randomize",
            value: False,
        }],
        constant_when: &[Mark::Field {
            name: "factor",
            value: One,
        }],
        permanent: &["bail"],
        jitter_fix: "leave `randomize` on (the default), which spreads each delay over [d, 2d)",
        classify_fix: "call `bail(err)` in the operation for errors that will not go away (4xx, \
                       validation, auth): only the rest is retried",
        ..RetryFacts::default()
    };
    let cockatiel_exponential = RetryFacts {
        library: "cockatiel",
        modules: &["cockatiel"],
        role: Strategy,
        exponential: true,
        jitters_by_default: true,
        jitter_off: &[Mark::Field {
            name: "generator",
            value: Is("noJitterGenerator"),
        }],
        jitter_fix: "drop `generator: noJitterGenerator` (the default decorrelated jitter), or \
                     use `fullJitterGenerator`",
        ..RetryFacts::default()
    };
    let cockatiel_retry = |retries_all_by_default| RetryFacts {
        library: "cockatiel",
        modules: &["cockatiel"],
        role: Entry,
        retries_all_by_default,
        classify_fix: "retry only transient errors: \
                       `handleType(HttpError, e => e.status >= 500 || e.status === 429)` or \
                       `handleWhen(isTransient)` in place of `handleAll`",
        ..RetryFacts::default()
    };
    let axios_retry = RetryFacts {
        library: "axios-retry",
        modules: &["axios-retry"],
        role: Entry,
        retries_all_when: &[Mark::Field {
            name: "retryCondition",
            value: TrueForStatus(404),
        }],
        delay_fn_field: Some("retryDelay"),
        jitter_fix: "use `retryDelay: axiosRetry.exponentialDelay`, which adds up to 20% at \
                     random, or multiply the delay by `Math.random()`",
        classify_fix: "drop `retryCondition` (the default retries network errors, and 429 and \
                       5xx on idempotent requests), or test `error.response?.status` for 429 \
                       and 5xx only",
        ..RetryFacts::default()
    };
    let exponential_backoff_rs = RetryFacts {
        library: "exponential-backoff",
        modules: &["exponential-backoff"],
        role: Strategy,
        exponential: true,
        jitters_by_default: true,
        jitter_off: &[Mark::Method {
            name: "set_jitter",
            arg: Zero,
        }],
        jitter_fix: "keep the jitter above 0 (`set_jitter(0.3)` is the default)",
        ..RetryFacts::default()
    };
    let retry_policies = RetryFacts {
        library: "retry-policies",
        modules: &["retry_policies", "retry-policies"],
        role: Strategy,
        exponential: true,
        jitters_by_default: true,
        jitter_off: &[Mark::Method {
            name: "jitter",
            arg: Mentions("None"),
        }],
        jitter_fix: "keep `Jitter::Full` (the default) or `Jitter::Bounded`",
        ..RetryFacts::default()
    };

    [
        api(
            "cenkalti.new-exponential",
            Go,
            &["backoff.NewExponentialBackOff"],
            any_shape,
            cenkalti_exponential,
        ),
        api(
            "cenkalti.literal",
            Go,
            &["backoff.ExponentialBackOff"],
            any_shape,
            cenkalti_literal,
        ),
        // v4 takes the operation first, v5 after a context; other `backoff` packages with a
        // `Retry` of another shape (attempt counts, durations) are not cenkalti's.
        api(
            "cenkalti.retry",
            Go,
            &["backoff.Retry", "backoff.RetryWithData"],
            CallShape {
                arity: Some(2),
                operation_arg: Some(0),
                options_from: None,
                ..any_shape
            },
            cenkalti_retry.clone(),
        ),
        api(
            "cenkalti.retry",
            Go,
            &["backoff.RetryNotify", "backoff.RetryNotifyWithData"],
            CallShape {
                arity: Some(3),
                operation_arg: Some(0),
                options_from: None,
                ..any_shape
            },
            cenkalti_retry.clone(),
        ),
        api(
            "cenkalti.retry",
            Go,
            &["backoff.Retry"],
            CallShape {
                arity: None,
                operation_arg: Some(1),
                options_from: Some(2),
                ..any_shape
            },
            cenkalti_retry,
        ),
        // sethvargo before avast: `retry.Do(ctx, b, f)` has three arguments, the last a function.
        api(
            "sethvargo.do",
            Go,
            &["retry.Do", "retry.DoValue"],
            CallShape {
                arity: Some(3),
                operation_arg: Some(2),
                ..any_shape
            },
            sethvargo_do,
        ),
        api(
            "sethvargo.exponential",
            Go,
            &["retry.NewExponential", "retry.NewFibonacci"],
            any_shape,
            sethvargo_exponential,
        ),
        api(
            "sethvargo.exponential-do",
            Go,
            &["retry.Exponential", "retry.Fibonacci"],
            CallShape {
                arity: Some(3),
                ..any_shape
            },
            sethvargo_sugar,
        ),
        api(
            "avast.do",
            Go,
            &["retry.Do", "retry.DoWithData"],
            CallShape {
                operation_arg: Some(0),
                options_from: Some(1),
                ..any_shape
            },
            avast_do,
        ),
        api(
            "retryablehttp.new-client",
            Go,
            &["retryablehttp.NewClient"],
            any_shape,
            retryablehttp_client,
        ),
        api(
            "k8s.wait-backoff",
            Go,
            &["wait.Backoff"],
            any_shape,
            literal_with_jitter_field(
                "k8s.io/apimachinery wait",
                "Factor",
                false,
                "set `Jitter` (e.g. `Jitter: 0.5`): each step then waits up to 50% longer, at \
                 random",
            ),
        ),
        api(
            "jpillora.backoff",
            Go,
            &["backoff.Backoff"],
            any_shape,
            RetryFacts {
                jitter_on: &[Mark::Field {
                    name: "Jitter",
                    value: True,
                }],
                ..literal_with_jitter_field(
                    "jpillora/backoff",
                    "Factor",
                    true,
                    "set `Jitter: true`",
                )
            },
        ),
        api(
            "grpc.backoff-config",
            Go,
            &["backoff.Config"],
            any_shape,
            literal_with_jitter_field(
                "grpc/backoff",
                "Multiplier",
                false,
                "set `Jitter` (`backoff.DefaultConfig` uses 0.2)",
            ),
        ),
        api(
            "grpc-middleware.backoff-exponential",
            Go,
            &[".BackoffExponential"],
            any_shape,
            grpc_middleware,
        ),
        api(
            "failsafe.with-backoff",
            Go,
            &[".WithBackoff"],
            CallShape {
                arity: Some(2),
                ..any_shape
            },
            failsafe,
        ),
        api(
            "tokio-retry.strategy",
            Rust,
            &[
                "ExponentialBackoff.from_millis",
                "ExponentialFactorBackoff.from_millis",
                "FibonacciBackoff.from_millis",
            ],
            any_shape,
            tokio_retry_strategy,
        ),
        api(
            "tokio-retry.spawn",
            Rust,
            &["Retry.spawn", "Retry.spawn_notify"],
            any_shape,
            tokio_retry_spawn,
        ),
        api(
            "backon.builder",
            Rust,
            &[
                "ExponentialBuilder.default",
                "ExponentialBuilder.new",
                "FibonacciBuilder.default",
                "FibonacciBuilder.new",
            ],
            any_shape,
            backon_builder,
        ),
        api(
            "backoff.builder",
            Rust,
            &["ExponentialBackoffBuilder.new"],
            any_shape,
            backoff_rs_strategy(Strategy, RANDOMIZATION_FACTOR_ZERO),
        ),
        api(
            "backoff.default",
            Rust,
            &["ExponentialBackoff.default"],
            any_shape,
            backoff_rs_strategy(Strategy, RANDOMIZATION_FACTOR_ZERO),
        ),
        api(
            "backoff.literal",
            Rust,
            &["ExponentialBackoff"],
            any_shape,
            backoff_rs_strategy(StrategyLiteral, RANDOMIZATION_FACTOR_ZERO),
        ),
        api(
            "backoff.retry",
            Rust,
            &[
                "backoff.retry",
                "backoff.retry_notify",
                "backoff.future.retry",
                "backoff.future.retry_notify",
            ],
            any_shape,
            backoff_rs_retry,
        ),
        api(
            "retry.delay",
            Rust,
            &[
                "Exponential.from_millis",
                "Exponential.from_millis_with_factor",
                "Fibonacci.from_millis",
            ],
            any_shape,
            retry_rs_strategy,
        ),
        api(
            "retry.retry",
            Rust,
            &["retry.retry", "retry.retry_with_index"],
            any_shape,
            retry_rs_retry,
        ),
        api(
            "again.exponential",
            Rust,
            &["RetryPolicy.exponential"],
            any_shape,
            again_policy,
        ),
        api(
            "again.retry",
            Rust,
            &["again.retry"],
            any_shape,
            again_retry,
        ),
        api(
            "exponential-backoff.new",
            Rust,
            &["Backoff.new"],
            CallShape {
                arity: Some(3),
                ..any_shape
            },
            exponential_backoff_rs,
        ),
        api(
            "retry-policies.builder",
            Rust,
            &["ExponentialBackoff.builder"],
            any_shape,
            retry_policies,
        ),
        api("p-retry", TypeScript, &["pRetry"], any_shape, p_retry),
        api(
            "async-retry",
            TypeScript,
            &["retry", "asyncRetry"],
            CallShape {
                operation_arg: Some(0),
                operation_literal: true,
                ..any_shape
            },
            async_retry,
        ),
        api(
            "cockatiel.exponential-backoff",
            TypeScript,
            &["ExponentialBackoff"],
            any_shape,
            cockatiel_exponential,
        ),
        // After async-retry, whose operation literal may mention a `handle…` name.
        api(
            "cockatiel.retry",
            TypeScript,
            &["retry"],
            CallShape {
                first_arg: Some(Is("handleAll")),
                ..any_shape
            },
            cockatiel_retry(true),
        ),
        api(
            "cockatiel.retry",
            TypeScript,
            &["retry"],
            CallShape {
                first_arg: Some(Mentions("handle")),
                ..any_shape
            },
            cockatiel_retry(false),
        ),
        api(
            "axios-retry",
            TypeScript,
            &["axiosRetry"],
            any_shape,
            axios_retry,
        ),
        // Last: a method named `retry` is backon's only when nothing more specific matched.
        api(
            "backon.retry",
            Rust,
            &[".retry"],
            CallShape {
                arity: Some(1),
                ..any_shape
            },
            backon_retry,
        ),
    ]
    .concat()
}

fn kv(lang: Option<Lang>, pattern: &str, op: KvOp, key_arg: usize, arity: usize) -> KvApi {
    KvApi {
        call: pat(lang, pattern),
        op,
        key_arg,
        arity: Some(arity),
        awaited: false,
    }
}

/// A promise-returning client's method: it counts only awaited (see [`KvApi::awaited`]).
fn kv_awaited(pattern: &str, op: KvOp, arity: usize) -> KvApi {
    KvApi {
        awaited: true,
        ..kv(Some(Lang::TypeScript), pattern, op, 0, arity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_names_hold_a_hint_as_a_word_of_their_own() {
        let k = Knowledge::builtin();
        for name in [
            "attempt",
            "attempts",
            "maxRetries",
            "num_tries",
            "trying",
            "try2",
            "self.retry",
        ] {
            assert!(k.is_attempt_name(name), "{name}");
        }
        for name in [
            "MAP_TRYFIXED",
            "retryable",
            "entries",
            "tryhard",
            "Meretricious",
        ] {
            assert!(!k.is_attempt_name(name), "{name}");
        }
    }

    #[test]
    fn patterns_match_trailing_segments_only() {
        let p = pat(Some(Lang::Rust), "time.sleep");
        assert!(p.matches(Lang::Rust, "tokio.time.sleep"));
        assert!(p.matches(Lang::Rust, "time.sleep"));
        assert!(!p.matches(Lang::Rust, "tokio.mytime.sleep"));
        assert!(!p.matches(Lang::Go, "time.sleep"));
        let m = pat(None, ".ExecContext");
        assert!(m.matches(Lang::Go, "tx.ExecContext"));
        assert!(!m.matches(Lang::Go, "ExecContext"));
    }

    #[test]
    fn random_name_hints_match_whole_words() {
        let k = Knowledge::builtin();
        assert!(k.is_random_name("withJitter"));
        assert!(k.is_random_name("b.rand_delay"));
        assert!(k.is_random_name("Randomized"));
        assert!(!k.is_random_name("brandName"));
        assert!(!k.is_random_name("operand"));
    }

    #[test]
    fn side_effect_hints_start_a_word() {
        let k = Knowledge::builtin();
        assert!(k.is_side_effect("h.billing.ChargeCustomer"));
        assert!(k.is_side_effect("charge_customer"));
        assert!(k.is_side_effect("processPayment"));
        assert!(!k.is_side_effect("replay"));
        assert!(!k.is_side_effect("replayOrConflict"));
    }

    #[test]
    fn status_names_are_read_from_constants_and_variants() {
        let k = Knowledge::builtin();
        assert!(k.names_in_progress("StatusInProgress"));
        assert!(k.names_in_progress("Status.Pending"));
        assert!(!k.names_in_progress("StatusCompleted"));
        assert!(k.names_settled("models.StatusCompleted"));
        assert!(k.is_status_column("status"));
        assert!(k.is_status_column("payment_status"));
        assert!(!k.is_status_column("statuses_seen"));
    }

    #[test]
    fn kv_arity_tells_clients_apart() {
        let k = Knowledge::builtin();
        assert_eq!(
            k.kv_call(Lang::Go, "rdb.Get", 2, false).map(|a| a.op),
            Some(KvOp::Get)
        );
        assert!(k.kv_call(Lang::Go, "c.Get", 1, false).is_none());
        assert_eq!(
            k.kv_call(Lang::Rust, "con.set_nx", 2, false).map(|a| a.op),
            Some(KvOp::SetIfAbsent)
        );
    }

    #[test]
    fn unique_violations_are_recognised_by_name_code_and_message() {
        let k = Knowledge::builtin();
        assert!(k.is_unique_violation("pgerrcode.UniqueViolation"));
        assert!(k.is_unique_violation("is_unique_violation"));
        assert!(k.is_unique_violation("23505"));
        assert!(k.is_unique_violation("duplicate key value violates unique constraint"));
        assert!(!k.is_unique_violation("23503"));
    }
}
