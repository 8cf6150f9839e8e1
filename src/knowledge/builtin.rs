//! The built-in table: [`Knowledge::builtin`], with the sleep, randomness, SQL driver,
//! key-value, number, HTTP status and name-hint entries for Go, Rust and TypeScript, and
//! [`DIVERGING_CALLS`]. The retry and backoff libraries are in `retry_libraries`.

use super::retry_libraries::retry_table;
use super::schema::pat;
use super::{Knowledge, KvApi, KvCommandApi, QueryApi, SleepApi, StatusClass, StatusName};
use crate::model::{KvOp, Lang, Outcome};

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
