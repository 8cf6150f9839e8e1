//! The built-in retry and backoff libraries, from `references/retry-libraries.md`: each
//! library's strategies, entry points and struct literal strategies, with the
//! [`RetryFacts`] of what it does by default and what changes that.

use super::schema::pat;
use super::{ArgTest, CallShape, GrowthField, Mark, RetryApi, RetryFacts, RetryRole};
use crate::model::Lang;

/// The retry and backoff libraries, from `references/retry-libraries.md`.
pub(super) fn retry_table() -> Vec<RetryApi> {
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
