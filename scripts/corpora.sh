#!/usr/bin/env bash
# Checks code nobody here wrote: the Go standard library and the Go compiler's test suite
# (Debian's golang-src), and the Rust crates of Cargo.lock as cargo unpacked them under
# ~/.cargo/registry/src.
#
# Fails on a crash, an internal error (a panic caught at a file's boundary) or a file that
# could not be read. Findings are fine: they are written, sorted, to corpora/findings-go.txt
# and corpora/findings-rust.txt (`path:line: rule`, paths relative to the corpus root, crate
# versions dropped), so that a change in them shows in review. Files that took more than a
# second are listed; they fail the run only with CORPORA_FAIL_SLOW=1, as timings on a shared
# machine are noisy. Each corpus is checked a second time with --no-prefilter: the findings
# must be the same, as the prefilter may only skip files that cannot hold one.
#
# IDEMLINT=path/to/idemlint skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

idemlint=${IDEMLINT:-}
if [[ -z $idemlint ]]; then
    cargo build --quiet --profile corpora
    idemlint="${CARGO_TARGET_DIR:-$repo/target}/corpora/idemlint"
fi

go_root=/usr/share/go
if [[ ! -d $go_root/src ]]; then
    apt-get update -qq
    apt-get install -y -qq golang-src >/dev/null
fi

registry=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
# Every registry package of the lock file, as `name-version`, the directory cargo unpacks.
mapfile -t crates < <(awk '
    /^\[\[package\]\]/ { name = ""; version = "" }
    /^name = / { name = $3 }
    /^version = / { version = $3 }
    /^source = "registry/ { gsub(/"/, "", name); gsub(/"/, "", version); print name "-" version }
' Cargo.lock)
if [[ -z $registry ]] || ! (cd "$registry" && ls -d "${crates[@]}" >/dev/null 2>&1); then
    cargo fetch --locked --quiet
    registry=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p corpora
failed=0

# check NAME ROOT PATH… : checks the paths under ROOT and writes corpora/findings-NAME.txt.
check() {
    local name=$1 root=$2
    shift 2
    local status=0
    (cd "$root" && "$idemlint" check --format json --exit-zero --timings --color never \
        --max-file-size 64M "$@") >"$work/$name.json" 2>"$work/$name.log" || status=$?
    local timings
    timings=$(sed -n '/^timings: /,$p' "$work/$name.log")
    echo "corpora: $name: $(head -n 1 <<<"$timings")"
    if [[ $status -ne 0 ]] || grep -q 'internal error\|panicked' "$work/$name.log"; then
        grep -v '^warning: ' "$work/$name.log" | head -n 50 >&2
        echo "corpora: $name: idemlint exited with status $status" >&2
        failed=1
        return
    fi
    echo "corpora: $name: $(grep -c '^warning: ' "$work/$name.log") warnings (parse problems and skipped files)"
    if grep -q ' SLOW$' <<<"$timings"; then
        echo "corpora: $name: files that took over a second:"
        grep ' SLOW$' <<<"$timings"
        if [[ ${CORPORA_FAIL_SLOW:-0} == 1 ]]; then
            failed=1
        fi
    fi
    (cd "$root" && "$idemlint" check --format json --exit-zero --no-prefilter --color never \
        --max-file-size 64M "$@") >"$work/$name-full.json" 2>/dev/null || true
    if ! cmp -s <(jq -c '.findings[]' "$work/$name.json") <(jq -c '.findings[]' "$work/$name-full.json"); then
        echo "corpora: $name: the prefilter changed the findings (with it < >without it):" >&2
        diff <(jq -r '.findings[] | "\(.path):\(.start.line): \(.rule)"' "$work/$name.json") \
            <(jq -r '.findings[] | "\(.path):\(.start.line): \(.rule)"' "$work/$name-full.json") >&2 || true
        failed=1
    fi
    # Crate directories lose their version: `syn-2.0.1/src/lib.rs` is `syn/src/lib.rs`.
    jq -r '.findings[] | "\(.path):\(.start.line): \(.rule)"' "$work/$name.json" |
        sed -E 's#^([A-Za-z0-9_-]+)-[0-9]+\.[0-9]+\.[0-9]+[^/]*/#\1/#' |
        LC_ALL=C sort >"corpora/findings-$name.txt"
    echo "corpora: $name: $(wc -l <"corpora/findings-$name.txt") findings in corpora/findings-$name.txt"
}

check go "$go_root" src test
check rust "$registry" "${crates[@]}"

if ! git diff --quiet -- corpora; then
    echo "corpora: the findings changed (review and commit them):"
    git diff --stat -- corpora
fi
exit "$failed"
