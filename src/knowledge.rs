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
    /// Calls that run a callback and complete when it is done (`new Promise(executor)`): one
    /// whose callback only sleeps is a sleep itself.
    pub sleep_wrappers: Vec<CallPattern>,
    pub randoms: Vec<CallPattern>,
    /// Words that, in a function's name, say it returns a random or jittered value.
    pub random_name_hints: Vec<String>,
    pub queries: Vec<QueryApi>,
    pub kv: Vec<KvApi>,
    pub retries: Vec<RetryApi>,
    /// Status values that mean a request with that key is still being processed.
    pub in_progress_statuses: Vec<String>,
    /// Words that, in a function's name, say it classifies an error as retryable.
    pub retry_predicate_hints: Vec<String>,
    /// Words that, in a table or column name, say it records handled requests or events
    /// (an idempotency or dedup table, an inbox, a claim).
    pub dedup_name_hints: Vec<String>,
    /// Words that, in a function's name, say it has an effect outside the database that must
    /// happen once (a charge, a message, an email).
    pub side_effect_hints: Vec<String>,
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
            kv: Vec::new(),
            retries: Vec::new(),
            in_progress_statuses: ["in_progress", "pending", "processing", "started"]
                .map(String::from)
                .to_vec(),
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

    /// Whether a called function's name says it has an external, once-only effect.
    pub fn is_side_effect(&self, callee: &str) -> bool {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        contains_any(last, &self.side_effect_hints)
    }

    pub fn is_retry_predicate(&self, name: &str) -> bool {
        contains_any(name, &self.retry_predicate_hints)
    }
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
}
