#!/usr/bin/env bash
# Times two builds of idemlint against each other on two of the real corpora of bench/run.sh
# (the Go standard library and the Rust sources of this project's dependencies): the check
# of a commit before a change and of the work tree after it, alternating run by run, wall
# time, CPU time and peak memory, and whether the two write the same findings. This is how a
# change that must not slow the check down (a redesign, a new analysis) shows that it does
# not; bench/run.sh gives the ratios against ripgrep and semgrep.
#
#   bench/compare.sh BASE_REV            # e.g. bench/compare.sh ea6fffa
#
# Knobs (environment): RUNS (5) timed runs per build; BENCH_DIR (~/.cache/idemlint-bench),
# where the base build is kept (one per commit) and the report is written (compare.md).
set -euo pipefail

base_rev=${1:?usage: bench/compare.sh BASE_REV}
repo=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
BENCH_DIR=${BENCH_DIR:-$HOME/.cache/idemlint-bench}
log() { echo "compare: $*" >&2; }

[ -x /usr/bin/time ] || { log "installing time"; apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -d /usr/share/go/src ] || { log "installing golang-src"; apt-get update -qq && apt-get install -y -qq golang-src >/dev/null; }
(cd "$repo" && cargo fetch --quiet)

base_sha=$(git -C "$repo" rev-parse --short=12 "$base_rev")
base_bin=$BENCH_DIR/bin/idemlint-$base_sha
if [ ! -x "$base_bin" ]; then
    log "building $base_sha (release)"
    tree=$(mktemp -d)
    git -C "$repo" worktree add -q --detach "$tree" "$base_sha"
    (cd "$tree" && CARGO_TARGET_DIR=$BENCH_DIR/target-base cargo build --release --quiet)
    mkdir -p "$BENCH_DIR/bin"
    cp "$BENCH_DIR/target-base/release/idemlint" "$base_bin"
    git -C "$repo" worktree remove --force "$tree"
fi
log "building the work tree (release)"
(cd "$repo" && cargo build --release --quiet)
head_bin=${CARGO_TARGET_DIR:-$repo/target}/release/idemlint
head_desc=$(git -C "$repo" describe --always --dirty)

corpora=("/usr/share/go/src" "$HOME/.cargo/registry/src")
names=("Go standard library (\`/usr/share/go/src\`)" "the registry's Rust sources (\`~/.cargo/registry/src\`)")
report=$BENCH_DIR/compare.md
{
    echo "Both builds timed alternately, $RUNS runs each, \`idemlint check . --format json"
    echo "--exit-zero --max-file-size 64M\` in each corpus; medians. Base \`$base_sha\`, after"
    echo "\`$head_desc\`; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before."
    echo
    echo "| corpus | base wall (s) | after wall (s) | after / base | base CPU (s) | after CPU (s) | base peak RSS (MB) | after peak RSS (MB) | same findings |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
} >"$report"

# One timed run: prints "wall cpu rss_kb", writes the findings to $2.
timed() {
    local bin=$1 out=$2
    /usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/time.txt" \
        "$bin" check . --format json --exit-zero --max-file-size 64M >"$out" 2>/dev/null
    awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }' "$BENCH_DIR/time.txt"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for i in "${!corpora[@]}"; do
    corpus=${corpora[$i]}
    [ -d "$corpus" ] || { log "missing $corpus"; exit 1; }
    log "timing in $corpus"
    : >"$BENCH_DIR/base.runs"
    : >"$BENCH_DIR/head.runs"
    (
        cd "$corpus"
        timed "$base_bin" "$BENCH_DIR/base.json" >/dev/null # warm-up: the page cache
        for _ in $(seq "$RUNS"); do
            timed "$base_bin" "$BENCH_DIR/base.json" >>"$BENCH_DIR/base.runs"
            timed "$head_bin" "$BENCH_DIR/head.json" >>"$BENCH_DIR/head.runs"
        done
    )
    col() { awk -v c="$2" '{ print $c }' "$1" | median; }
    bw=$(col "$BENCH_DIR/base.runs" 1) hw=$(col "$BENCH_DIR/head.runs" 1)
    bc=$(col "$BENCH_DIR/base.runs" 2) hc=$(col "$BENCH_DIR/head.runs" 2)
    br=$(col "$BENCH_DIR/base.runs" 3) hr=$(col "$BENCH_DIR/head.runs" 3)
    same=yes
    cmp -s "$BENCH_DIR/base.json" "$BENCH_DIR/head.json" || same=no
    awk -v n="${names[$i]}" -v bw="$bw" -v hw="$hw" -v bc="$bc" -v hc="$hc" -v br="$br" \
        -v hr="$hr" -v same="$same" 'BEGIN {
        printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %s |\n",
            n, bw, hw, hw / bw, bc, hc, br / 1024, hr / 1024, same }' >>"$report"
done
cat "$report"
