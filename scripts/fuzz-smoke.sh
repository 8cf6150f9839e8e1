#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for FUZZ_SECONDS (default 30) from corpora seeded by
# scripts/fuzz-seed.sh, so that a new crash or hang shows up in CI. Longer runs while
# developing: FUZZ_SECONDS=600 scripts/fuzz-smoke.sh go.
#
# Installs cargo-fuzz if it is missing. cargo-fuzz passes nightly-only flags to rustc;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain take them. An input that panics, or takes
# longer than FUZZ_TIMEOUT seconds (default 10), is left in fuzz/artifacts/<target>/: make it
# a regression input under tests/robustness/ and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
timeout=${FUZZ_TIMEOUT:-10}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi
scripts/fuzz-seed.sh >/dev/null

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
# More codegen units than cargo-fuzz's default of one: the build, most of a short run's
# time, takes about half as long, for slightly slower fuzzing.
build=(-O --codegen-units 16)
cargo fuzz build "${build[@]}"

failed=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/artifacts/$target"
    log="fuzz/artifacts/$target/last-run.log"
    options=(-max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=4096 -max_len=16384
        -artifact_prefix="fuzz/artifacts/$target/" -print_final_stats=1)
    # The words the target's language is read for (sql_facts reads SQL).
    dict="fuzz/dicts/${target%_facts}.dict"
    if [[ -f $dict ]]; then
        options+=(-dict="$dict")
    fi
    if cargo fuzz run "${build[@]}" "$target" "fuzz/corpus/$target" -- "${options[@]}" >"$log" 2>&1; then
        echo "fuzz-smoke: $target: $(grep -m1 'stat::number_of_executed_units' "$log" |
            awk '{print $2}') inputs in ${seconds}s, no crash"
    else
        # What went wrong (a panic's message, libFuzzer's error) and where the input is:
        # the end of the log is only cargo-fuzz's own backtrace.
        grep -m1 -A 12 -E "panicked at|ERROR: libFuzzer|ALARM: working" "$log" >&2 || tail -n 40 "$log" >&2
        grep -E "Test unit written to" "$log" >&2 || true
        echo "fuzz-smoke: $target: crashed or timed out; the input is in fuzz/artifacts/$target/" >&2
        failed+=("$target")
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz-smoke: failed: ${failed[*]}" >&2
    exit 1
fi
