//! What idemlint knows about libraries: which calls run SQL, sleep, draw randomness,
//! touch a key-value store, or retry. Rules and the analysis pass read this table;
//! no rule names a library function itself. The config file extends it.
//!
//! Call patterns match a callee's dotted name (`tokio.time.sleep`, `db.ExecContext`)
//! by its trailing segments: `time.Sleep` matches `time.Sleep`; `.ExecContext` (a leading
//! dot) matches a method of that name on any receiver; `sleep` matches a bare `sleep` or
//! any path ending in `.sleep`.

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

/// What a retry library does when the code does not say otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetryFacts {
    /// The library's name as users know it (`tokio-retry`, `cenkalti/backoff`).
    pub library: &'static str,
    /// The delay grows exponentially.
    pub exponential: bool,
    /// Jitter is applied unless switched off.
    pub jitters_by_default: bool,
    /// Every error is retried unless the code opts out.
    pub retries_all_by_default: bool,
}

#[derive(Clone, Debug)]
pub struct RetryApi {
    pub id: &'static str,
    pub call: CallPattern,
    pub facts: RetryFacts,
}

/// The whole table.
#[derive(Clone, Debug)]
pub struct Knowledge {
    pub sleeps: Vec<SleepApi>,
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
    pub retries: Vec<RetryApi>,
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
    /// Names, codes and messages that identify a unique-key violation (`23505`,
    /// `is_unique_violation`, `pgerrcode.UniqueViolation`, MySQL `1062`), compared
    /// lower-case with everything but letters and digits removed.
    pub unique_violation_hints: Vec<String>,
    /// Words that, in a name, say a transaction runs at SERIALIZABLE isolation
    /// (`sql.LevelSerializable`, `IsolationLevel::Serializable`).
    pub serializable_hints: Vec<String>,
    /// Words that, in a called function's name, say it takes an advisory lock.
    pub advisory_lock_hints: Vec<String>,
    /// Words that, in a function's name, say it classifies an error as retryable.
    pub retry_predicate_hints: Vec<String>,
    /// Words that, in a table or column name, say it records handled requests or events
    /// (an idempotency or dedup table, an inbox, a claim).
    pub dedup_name_hints: Vec<String>,
    /// Words that, in a function's name, say it has an effect outside the database that must
    /// happen once (a charge, a message, an email).
    pub side_effect_hints: Vec<String>,
    /// Names, codes and messages of a "someone else is on it" answer (`http.StatusConflict`,
    /// `ErrConflict`, `409`, `425 Too Early`), compared like [`Knowledge::unique_violation_hints`].
    pub conflict_hints: Vec<String>,
}

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
        use Lang::{Go, Rust};
        let go = Some(Go);
        let rust = Some(Rust);
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
            ],
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
            retries: Vec::new(),
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
            conflict_hints: ["conflict", "409", "tooearly", "425"]
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

    pub fn is_random(&self, lang: Lang, dotted: &str) -> bool {
        self.randoms.iter().any(|p| p.matches(lang, dotted))
            || dotted.rsplit('.').next().is_some_and(|last| {
                let last = last.to_ascii_lowercase();
                self.random_name_hints
                    .iter()
                    .any(|h| last.contains(h.as_str()))
            })
    }

    pub fn query(&self, lang: Lang, dotted: &str) -> Option<&QueryApi> {
        self.queries.iter().find(|q| q.call.matches(lang, dotted))
    }

    pub fn kv(&self, lang: Lang, dotted: &str) -> Option<&KvApi> {
        self.kv.iter().find(|k| k.call.matches(lang, dotted))
    }

    /// The key-value operation a call with `arg_count` arguments is, honouring arities.
    pub fn kv_call(&self, lang: Lang, dotted: &str, arg_count: usize) -> Option<&KvApi> {
        self.kv.iter().find(|k| {
            k.call.matches(lang, dotted) && k.arity.is_none_or(|arity| arity == arg_count)
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

    pub fn is_in_progress_status(&self, value: &str) -> bool {
        self.in_progress_statuses
            .iter()
            .any(|s| s.eq_ignore_ascii_case(value))
    }

    /// Whether a table or column name says it records handled requests or events.
    pub fn is_dedup_name(&self, name: &str) -> bool {
        contains_any(name, &self.dedup_name_hints)
    }

    /// Whether a called function's name says it has an external, once-only effect: a hint
    /// starts one of the words of its last segment (`ChargeCustomer`, `send_email`), so
    /// `replay` is not taken for `pay`.
    pub fn is_side_effect(&self, callee: &str) -> bool {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        words(last).iter().any(|word| {
            self.side_effect_hints
                .iter()
                .any(|h| word.starts_with(h.as_str()))
        })
    }

    pub fn is_retry_predicate(&self, name: &str) -> bool {
        contains_any(name, &self.retry_predicate_hints)
    }
}

fn kv(lang: Option<Lang>, pattern: &str, op: KvOp, key_arg: usize, arity: usize) -> KvApi {
    KvApi {
        call: pat(lang, pattern),
        op,
        key_arg,
        arity: Some(arity),
    }
}

/// The lower-case words of an identifier: `ChargeCustomer` → `charge`, `customer`;
/// `send_email` → `send`, `email`; `HTTPPost` → `httppost`.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            prev_lower = false;
            out.push(String::new());
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower || out.is_empty() {
            out.push(String::new());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if let Some(word) = out.last_mut() {
            word.push(c.to_ascii_lowercase());
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// Whether `name`'s last segment, lower-cased with `_` removed, ends with one of `values`
/// (compared the same way): `StatusInProgress` and `Status.InProgress` end with `in_progress`.
fn ends_with_any(name: &str, values: &[String]) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let last = squash(name.rsplit('.').next().unwrap_or(name));
    values.iter().any(|v| {
        let v = squash(v);
        !v.is_empty() && last.ends_with(&v)
    })
}

/// Whether `text`, lower-cased with everything but letters and digits removed, contains one
/// of `hints`.
fn squashed_contains_any(text: &str, hints: &[String]) -> bool {
    let squashed: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !squashed.is_empty() && hints.iter().any(|h| squashed.contains(h.as_str()))
}

/// Whether `name`, lower-cased, contains one of `hints` (which are lower-case).
fn contains_any(name: &str, hints: &[String]) -> bool {
    let name = name.to_ascii_lowercase();
    hints.iter().any(|h| name.contains(h.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            k.kv_call(Lang::Go, "rdb.Get", 2).map(|a| a.op),
            Some(KvOp::Get)
        );
        assert!(k.kv_call(Lang::Go, "c.Get", 1).is_none());
        assert_eq!(
            k.kv_call(Lang::Rust, "con.set_nx", 2).map(|a| a.op),
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
