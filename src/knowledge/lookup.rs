//! The queries rules and the analysis pass ask the table: whether a callee's dotted name
//! matches a [`CallPattern`], and what a call, type or name is ([`Knowledge::sleep`],
//! [`Knowledge::retry_literal`], [`Knowledge::facts_of`], [`Knowledge::names_once_only`]…).
//! Names are read with the helpers of `names`; argument shapes are checked on the analysis
//! side (`crate::analysis::evaluate`).

use super::names::{contains_any, ends_with_any, is_inflection, squashed_contains_any, words};
use super::{
    CallPattern, Knowledge, KvApi, KvCommandApi, Orm, OrmOp, OrmOpKind, QueryApi, RetryApi,
    RetryFacts, RetryRole, SleepApi, TableSource,
};
use memchr::memmem;

use crate::model::{KvOp, Lang, RetryCall};

impl CallPattern {
    /// Whether `dotted` (a callee's dotted name) in `lang` matches this pattern.
    pub fn matches(&self, lang: Lang, dotted: &str) -> bool {
        self.lang.is_none_or(|l| l == lang) && self.matches_name(dotted)
    }

    /// Whether `dotted` matches this pattern's name, whatever its language: for a pattern
    /// written for every language.
    pub fn matches_name(&self, dotted: &str) -> bool {
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

impl Orm {
    /// Whether a file's text holds one of the library's markers, if it has any.
    fn marked_in(&self, text: &[u8]) -> bool {
        self.markers.is_empty()
            || (self.markers.iter()).any(|marker| memmem::find(text, marker.as_bytes()).is_some())
    }

    /// Whether a file's text may hold a chain of this library doing one of `kinds`: it
    /// names every step of such an op as a call (`findUnique(`; `insert(` and `values(`;
    /// `First(&`, see [`OrmOp::telling_call`]), behind the library's markers.
    pub fn may_run(&self, text: &[u8], kinds: &[OrmOpKind]) -> bool {
        let mut ops = (self.ops.iter()).filter(|op| kinds.contains(&op.kind));
        self.marked_in(text)
            && ops.any(|op| {
                let Some((telling, opening)) = op.telling_call() else {
                    return false;
                };
                names_call(text, telling, opening.as_slice())
                    && (op.steps.iter()).all(|step| names_call(text, step, CALL_OPENINGS))
            })
    }

    /// Whether a file's text may hold an insert of this library that skips duplicates: an
    /// insert's call, and one of the steps or flags that skip them as a call or a field
    /// (`.onConflictDoNothing(`, `skipDuplicates:`).
    pub fn may_insert_skipping_duplicates(&self, text: &[u8]) -> bool {
        (self.do_nothing.iter()).any(|word| names_call(text, word, &["(", ":"]))
            && self.may_run(text, &[OrmOpKind::Insert])
    }
}

impl OrmOp {
    /// The step that tells the op best in a file's text, and the text that follows its
    /// name at once where the op calls it, if the op's call is told by that. An op given
    /// its model is called with the model's address (`First(&payment)`); any other is told
    /// by its longest step (the most telling of its names, `findUnique`, `filter`).
    pub fn telling_call(&self) -> Option<(&str, Option<&'static str>)> {
        if self.table == TableSource::ModelArg {
            return Some((self.steps.first()?, Some("(&")));
        }
        let steps = self.steps.iter().map(String::as_str);
        let longest = steps.reduce(|longest, step| {
            if step.len() > longest.len() {
                step
            } else {
                longest
            }
        });
        Some((longest?, None))
    }
}

/// What follows a function's name where it is called: its arguments, or a turbofish.
const CALL_OPENINGS: &[&str] = &["(", "::<"];

impl Knowledge {
    pub fn sleep(&self, lang: Lang, dotted: &str) -> Option<&SleepApi> {
        self.sleeps.iter().find(|s| s.call.matches(lang, dotted))
    }

    /// The sleep a call with `args` arguments is: the first entry for its name whose
    /// duration argument is there (`setTimeout(cb, d)` and, from `timers/promises`,
    /// `setTimeout(d)`).
    pub fn sleep_call(&self, lang: Lang, dotted: &str, args: usize) -> Option<&SleepApi> {
        let receiver = dotted.rsplit_once('.').map(|(head, _)| head);
        let receiver = receiver.and_then(|r| r.rsplit('.').next()).unwrap_or("");
        self.sleeps.iter().find(|s| {
            s.duration_arg < args
                && s.call.matches(lang, dotted)
                && (s.receiver_words.is_empty()
                    || words(receiver).iter().any(|w| s.receiver_words.contains(w)))
        })
    }

    pub fn is_sleep_wrapper(&self, lang: Lang, dotted: &str) -> bool {
        self.sleep_wrappers.iter().any(|p| p.matches(lang, dotted))
    }

    /// Whether a method or function of this name can be a step of an ORM's chain (see
    /// `crate::analysis::orm`): named like one, or like a setter of one of the language's.
    pub fn is_orm_step(&self, lang: Lang, name: &str) -> bool {
        self.orm_step_names.contains(name)
            || self.orms.iter().any(|orm| {
                orm.lang == lang
                    && orm.setter_prefix.as_deref().is_some_and(|prefix| {
                        name.strip_prefix(prefix)
                            .is_some_and(|rest| rest.starts_with(char::is_uppercase))
                    })
            })
    }

    /// The ORMs of `lang` whose chains a file with this text can run: those with a marker in
    /// it, or with none (see [`Orm::markers`]).
    pub fn orms_marked_in<'k>(&'k self, text: &[u8], lang: Lang) -> impl Iterator<Item = &'k Orm> {
        (self.orms.iter()).filter(move |orm| orm.lang == lang && orm.marked_in(text))
    }

    /// Whether a file's text, of `lang`, may hold an ORM's read or insert (see
    /// [`Orm::may_run`]).
    pub fn may_hold_orm_queries(&self, text: &[u8], lang: Lang) -> bool {
        let orms = self.orms.iter().filter(|orm| orm.lang == lang);
        orms.into_iter()
            .any(|orm| orm.may_run(text, OrmOpKind::ALL))
    }

    /// The words a file must hold, in any case, to name a dedup record (see
    /// [`Knowledge::names_dedup_record`]): the dedup hints, with and without their `_`
    /// (`event_id` is `eventId` in a model).
    pub fn dedup_record_words(&self) -> Vec<String> {
        let mut out: Vec<String> = (self.dedup_name_hints.iter())
            .flat_map(|hint| [hint.clone(), hint.replace('_', "")])
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Whether a file's text, in any case, holds one of [`Knowledge::dedup_record_words`].
    pub fn may_name_dedup_record(&self, text: &[u8]) -> bool {
        let lower = text.to_ascii_lowercase();
        (self.dedup_record_words().iter())
            .any(|word| memmem::find(&lower, word.as_bytes()).is_some())
    }

    /// Whether a file's text, of `lang`, may hold an ORM's insert that skips duplicates (see
    /// [`Orm::may_insert_skipping_duplicates`]).
    pub fn may_hold_orm_inserts_skipping_duplicates(&self, text: &[u8], lang: Lang) -> bool {
        let orms = self.orms.iter().filter(|orm| orm.lang == lang);
        orms.into_iter()
            .any(|orm| orm.may_insert_skipping_duplicates(text))
    }

    /// How to make an insert of an ORM atomic, in its terms.
    pub fn orm_atomic_insert(&self, library: &str) -> Option<&str> {
        self.orms
            .iter()
            .find(|orm| orm.library == library)
            .map(|orm| orm.atomic_insert.as_str())
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

    /// Whether a name is a count of attempts itself (`self.request.retries`, `attemptCount`,
    /// `tries`), not something else of a retry (`retry_backoff`): its last word is an
    /// attempt word, or a count of one.
    pub fn is_attempt_count(&self, name: &str) -> bool {
        let last = name.rsplit('.').next().unwrap_or(name);
        let words = words(last);
        let is_attempt_word = |w: &String| {
            self.attempt_name_hints
                .iter()
                .any(|h| w.strip_prefix(h.as_str()).is_some_and(is_inflection))
        };
        match words.split_last() {
            Some((last, _)) if is_attempt_word(last) => true,
            Some((last, before)) => {
                ["count", "number", "num", "n"].contains(&last.as_str())
                    && before.iter().any(is_attempt_word)
            }
            None => false,
        }
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

    /// The calls that raise `error` (the last segment of an exception type's name) for a
    /// 4xx or 5xx response, if any do: such an error is a 4xx only where one is made.
    pub fn status_raisers_of<'k>(
        &'k self,
        lang: Lang,
        error: &str,
    ) -> impl Iterator<Item = &'k CallPattern> {
        (self.status_raisers.iter())
            .filter(move |r| {
                r.call.lang.is_none_or(|l| l == lang) && r.errors.iter().any(|e| e == error)
            })
            .map(|r| &r.call)
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

    /// Whether a column, field or variable name says it holds a stored response
    /// (`response_body`, `rec.RespCode`): one of its words is a response word.
    pub fn names_stored_response(&self, name: &str) -> bool {
        let last = name.rsplit(['.', ':']).next().unwrap_or(name);
        (words(last).iter()).any(|word| self.response_columns.contains(word))
    }

    /// Whether a call with `args` arguments hands the request on to the rest of the
    /// handler chain (`next()`, `next.ServeHTTP(w, r)`, `next.run(req)`). A pattern without
    /// a dot matches only the bare name: `next()` is the chain's, `it.next()` an iterator's.
    pub fn is_next_handler(&self, lang: Lang, dotted: &str, args: usize) -> bool {
        (self.next_handler_calls.iter()).any(|(p, arity)| {
            p.matches(lang, dotted)
                && (p.pattern.contains('.') || p.pattern == dotted)
                && arity.is_none_or(|arity| arity == args)
        })
    }

    /// Whether a name, string or number is a conflict answer (`http.StatusConflict`, `409`).
    pub fn is_conflict_answer(&self, text: &str) -> bool {
        squashed_contains_any(text, &self.conflict_hints)
    }

    /// Whether a call rolls a transaction back: its last segment is a rollback's name.
    pub fn is_rollback(&self, callee: &str) -> bool {
        let last = callee
            .rsplit('.')
            .next()
            .unwrap_or(callee)
            .to_ascii_lowercase();
        self.rollback_calls.contains(&last)
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
    pub fn is_from(source: &str, modules: &[String]) -> bool {
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

    /// Whether a function's name says it runs while the service starts (see
    /// [`Knowledge::start_up_words`]): `main`, `NewStrategy`, `constructor`.
    pub fn names_start_up(&self, name: &str) -> bool {
        let own = name.rsplit(['.', ':']).next().unwrap_or(name);
        words(own)
            .first()
            .is_some_and(|first| self.start_up_words.iter().any(|w| w == first))
    }

    /// Whether a name, written in any case style (`eventId`, `processed_events`,
    /// `deduplicationKey`), holds a dedup hint: it names a record of handled requests or
    /// events.
    pub fn names_dedup_record(&self, name: &str) -> bool {
        let squashed = |s: &str| -> String {
            (s.chars())
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let name = squashed(name);
        (self.dedup_name_hints.iter()).any(|hint| name.contains(&squashed(hint)))
    }

    /// Whether a name, written in any case style (`messageId`, `message_id`,
    /// `SentNotifications`), says it records or claims something that must happen once:
    /// a dedup hint inside it, or a dedup word (or its inflection) among its words.
    pub fn names_once_only(&self, name: &str) -> bool {
        self.names_dedup_record(name)
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
        let free_verb = words
            .first()
            .is_some_and(|first| self.side_effect_free_verbs.contains(first));
        !free_verb
            && !words.iter().any(database)
            && words.iter().any(|word| {
                let starts = |w: &String| word.starts_with(w.as_str());
                self.side_effect_hints.iter().any(starts)
                    && !self.side_effect_look_alikes.iter().any(starts)
            })
            && !(self.response_calls.iter()).any(|p| p.matches_name(callee))
    }

    pub fn is_retry_predicate(&self, name: &str) -> bool {
        contains_any(name, &self.retry_predicate_hints)
    }
}

/// Whether `text` names `function`, not inside a longer name, followed by one of
/// `openings` (none: by [`CALL_OPENINGS`]).
fn names_call(text: &[u8], function: &str, openings: &[&str]) -> bool {
    let openings = if openings.is_empty() {
        CALL_OPENINGS
    } else {
        openings
    };
    let name = function.as_bytes();
    memmem::find_iter(text, name).any(|at| {
        let before = at.checked_sub(1).map(|i| text[i]);
        let after = &text[at + name.len()..];
        !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            && openings
                .iter()
                .any(|open| after.starts_with(open.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::schema::pat;

    #[test]
    fn a_stored_response_is_named_by_a_response_word() {
        let k = Knowledge::builtin();
        for name in [
            "response_body",
            "rec.ResponseBody",
            "respCode",
            "saved::response",
        ] {
            assert!(k.names_stored_response(name), "{name}");
        }
        for name in ["body", "responsible", "status", "correspondent_id"] {
            assert!(!k.names_stored_response(name), "{name}");
        }
    }

    #[test]
    fn a_bare_next_handler_name_matches_only_itself() {
        let k = Knowledge::builtin();
        assert!(k.is_next_handler(Lang::TypeScript, "next", 0));
        assert!(k.is_next_handler(Lang::TypeScript, "next.handle", 0));
        assert!(k.is_next_handler(Lang::Go, "next.ServeHTTP", 2));
        assert!(k.is_next_handler(Lang::Go, "m.next.ServeHTTP", 2));
        assert!(k.is_next_handler(Lang::Go, "next", 1));
        assert!(k.is_next_handler(Lang::Rust, "next.run", 1));
        assert!(
            !k.is_next_handler(Lang::TypeScript, "next", 1),
            "express's next(err)"
        );
        assert!(!k.is_next_handler(Lang::TypeScript, "iterator.next", 0));
        assert!(!k.is_next_handler(Lang::Go, "rows.Next", 0));
        assert!(!k.is_next_handler(Lang::Rust, "next.handle", 0));
    }

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
    fn start_up_names_begin_with_a_start_up_word() {
        let k = Knowledge::builtin();
        for name in [
            "main",
            "NewConcurrencyStrategy",
            "new",
            "Registry.constructor",
            "setupDb",
        ] {
            assert!(k.names_start_up(name), "{name}");
        }
        for name in [
            "renewLease",
            "handleNew",
            "newsletterSend",
            "domain",
            "Charge",
        ] {
            assert!(!k.names_start_up(name), "{name}");
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
        assert!(!k.is_side_effect("r.PutPayloads"));
        assert!(!k.is_side_effect("NewPostgresStore"));
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

    #[test]
    fn orm_queries_are_told_by_their_calls_in_their_language() {
        let k = Knowledge::builtin();
        let gorm = b"err := r.db.Where(\"event_id = ?\", id).First(&event).Error";
        assert!(k.may_hold_orm_queries(gorm, Lang::Go));
        // GORM is given the model's address: `list.First(n)` is no read of it.
        assert!(!k.may_hold_orm_queries(b"head := list.First(n)", Lang::Go));
        // A TypeScript ORM's call in a Go file is no ORM's.
        assert!(!k.may_hold_orm_queries(b"x.findUnique({ where })", Lang::Go));
        assert!(k.may_hold_orm_queries(b"x.findUnique({ where })", Lang::TypeScript));
        // diesel's methods are called with its traits imported.
        let diesel = b"events.filter(key.eq(k)).first::<Event>(conn)";
        assert!(!k.may_hold_orm_queries(diesel, Lang::Rust));
        let imported = [b"use diesel::prelude::*;\n".as_slice(), diesel].concat();
        assert!(k.may_hold_orm_queries(&imported, Lang::Rust));
    }

    #[test]
    fn orm_inserts_skip_duplicates_by_a_call_or_a_field() {
        let k = Knowledge::builtin();
        let prisma = b"await prisma.event.createMany({ data, skipDuplicates: true })";
        assert!(k.may_hold_orm_inserts_skipping_duplicates(prisma, Lang::TypeScript));
        let comment = b"// skipDuplicates is not set\nawait prisma.event.createMany({ data })";
        assert!(!k.may_hold_orm_inserts_skipping_duplicates(comment, Lang::TypeScript));
    }

    #[test]
    fn dedup_records_are_named_in_any_case_style() {
        let k = Knowledge::builtin();
        assert!(k.names_dedup_record("eventId"));
        assert!(k.names_dedup_record("deduplicationKey"));
        assert!(k.names_dedup_record("processed_events"));
        // A payment is what a dedup record guards, not the record.
        assert!(!k.names_dedup_record("payment"));
        assert!(k.names_once_only("payment"));
        assert!(k.may_name_dedup_record(b"where: { EventId: id }"));
        assert!(!k.may_name_dedup_record(b"where: { orderId: id }"));
    }
}
