#!/usr/bin/env bash
# Times idemlint against ripgrep (reading the bytes), ast-grep (parsing them) and semgrep
# (rules for the same hazards, bench/semgrep/) on three real corpora nobody here wrote: the Go
# standard library (Debian's golang-src), the Rust sources of this project's dependencies
# (~/.cargo/registry/src after `cargo fetch`) and the Python standard library (Debian's
# libpython3-stdlib: every .py file under /usr/lib/python3.X, the modules Debian ships in
# other packages, such as python3-distutils, included when installed; the test suite is in
# libpython3.X-testsuite, not installed). Then the Go corpus copied 1x, 2x, 4x, 8x, for
# how time and memory grow with the number of files, and generated SQL scripts of 0.5 to
# 4 MiB, for how they grow with the size of one file. Prints a Markdown report (also written
# to $BENCH_DIR/results.md).
#
#   bench/run.sh
#   SQL_SCALING_ONLY=1 bench/run.sh    # only the generated SQL scripts: no downloads
#
# Knobs (environment): RUNS (3) timed runs per tool, alternating the tools, reported as
# medians; SEMGREP_RUNS (1) for semgrep, which takes minutes per run; FULL_PARSE_RUNS (1) for
# idemlint with its prefilter off; SCALES ("1 2 4 8") and SCALING_RUNS (5); SQL_SIZES
# ("0.5 1 2 4", MiB) and SQL_RUNS (5); BENCH_DIR (~/.cache/idemlint-bench), where the tools,
# the corpora and the results go.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
SEMGREP_RUNS=${SEMGREP_RUNS:-1}
FULL_PARSE_RUNS=${FULL_PARSE_RUNS:-1}
SCALES=${SCALES:-1 2 4 8}
SCALING_RUNS=${SCALING_RUNS:-5}
SQL_SIZES=${SQL_SIZES:-0.5 1 2 4}
SQL_RUNS=${SQL_RUNS:-5}
BENCH_DIR=${BENCH_DIR:-$HOME/.cache/idemlint-bench}
mkdir -p "$BENCH_DIR"
log() { echo "bench: $*" >&2; }

# --- idemlint ----------------------------------------------------------------------------
[ -x /usr/bin/time ] || { log "installing time"; apt-get update -qq && apt-get install -y -qq time >/dev/null; }
log "building idemlint (release)"
(cd "$repo" && cargo build --release --quiet)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
idemlint=$target_dir/release/idemlint

# --- one big SQL file --------------------------------------------------------------------
# A script of one block repeated up to SIZE MiB (never over, so that the default
# --max-file-size of 4 MiB admits the largest): `claims` repeats a transaction whose
# unchecked ON CONFLICT DO NOTHING claim the UPDATE after it does not look at (one finding
# per block); `returning` is the same with RETURNING on every insert (still one finding per
# block: nothing in a script reads the returned row); `gated` gates the UPDATE on the
# claim's RETURNING row in one statement (no finding).
sql_script() { # SHAPE SIZE
    awk -v shape="$1" -v limit="$(awk -v m="$2" 'BEGIN {print int(m * 1048576)}')" 'BEGIN {
        for (i = 0; ; i++) {
            if (shape == "claims" || shape == "returning")
                block = sprintf("BEGIN;\nINSERT INTO processed_events (event_id) VALUES (%d) ON CONFLICT (event_id) DO NOTHING%s;\nUPDATE accounts SET balance = balance + 1 WHERE id = %d;\nCOMMIT;\n", i, (shape == "returning") ? " RETURNING event_id" : "", i)
            else
                block = sprintf("WITH fresh AS (INSERT INTO processed_events (event_id) VALUES (%d) ON CONFLICT (event_id) DO NOTHING RETURNING event_id)\nUPDATE accounts SET balance = balance + 1 WHERE id = %d AND EXISTS (SELECT 1 FROM fresh);\n", i, i)
            if (written + length(block) > limit) break
            printf "%s", block
            written += length(block)
        }
    }'
}

sql_dir=$BENCH_DIR/sql-scaling
sql_times=$BENCH_DIR/sql-times.tsv
# Checks every generated script SQL_RUNS times, the files taking turns, and prints a table of
# medians: CPU time per MB must stay flat as the file grows.
sql_scaling() {
    local shape size file run stats
    rm -rf "$sql_dir" && mkdir -p "$sql_dir"
    : >"$sql_times"
    for shape in claims returning gated; do
        for size in $SQL_SIZES; do sql_script "$shape" "$size" >"$sql_dir/$shape-$size.sql"; done
    done
    for run in $(seq "$SQL_RUNS"); do
        for shape in claims returning gated; do
            for size in $SQL_SIZES; do
                file=$sql_dir/$shape-$size.sql
                log "$shape $size MiB: run $run"
                stats=$(mktemp)
                /usr/bin/time -f '%e %M %U %S' -o "$stats" \
                    "$idemlint" check --format json --exit-zero "$file" >/dev/null 2>&1 || true
                echo "$shape $size $(stat -c %s "$file") $(tail -1 "$stats" | awk '{print $1, $2, $3 + $4}')" >>"$sql_times"
                rm -f "$stats"
            done
        done
    done
    echo
    echo "One SQL script of n MiB (generated, see the script); medians of $SQL_RUNS runs."
    echo
    echo "| script | MiB | findings | wall (s) | CPU (s) | CPU s per MB | peak RSS (MB) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for shape in claims returning gated; do
        for size in $SQL_SIZES; do
            file=$sql_dir/$shape-$size.sql
            findings=$("$idemlint" check --format json --exit-zero "$file" 2>/dev/null |
                { grep -o '"rule":' || true; } | wc -l)
            awk -v s="$shape" -v z="$size" -v n="$findings" '
                $1 == s && $2 == z {b = $3; w[++k] = $4; m[k] = $5; c[k] = $6}
                function median(a, n,   i, j, t) {
                    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) {t = a[i]; a[i] = a[j]; a[j] = t}
                    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
                }
                END {
                    cpu = median(c, k)
                    printf "| %s | %s | %d | %.2f | %.2f | %.3f | %.0f |\n", s, z, n, median(w, k), cpu, cpu / (b / 1e6), median(m, k) / 1024
                }' "$sql_times"
        done
    done
}
if [ -n "${SQL_SCALING_ONLY:-}" ]; then
    sql_scaling | tee "$BENCH_DIR/sql-results.md"
    exit 0
fi

# --- tools -------------------------------------------------------------------------------
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s golang-src >/dev/null 2>&1 || missing+=(golang-src)
dpkg -s libpython3-stdlib >/dev/null 2>&1 || missing+=(libpython3-stdlib)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
venv=$BENCH_DIR/venv
if [ ! -x "$venv/bin/semgrep" ] || [ ! -x "$venv/bin/ast-grep" ]; then
    log "installing semgrep and ast-grep into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q semgrep ast-grep-cli
fi
semgrep=$venv/bin/semgrep
astgrep=$venv/bin/ast-grep
export SEMGREP_SEND_METRICS=off

# --- corpora -----------------------------------------------------------------------------
corpora=$BENCH_DIR/corpus
# golang-src depends on the versioned package (golang-1.19-src) that holds the files.
go_server=$( (find /usr/share/go-* /usr/lib/go-* -path '*/src/net/http/server.go' 2>/dev/null || true) |
    sort -V | tail -1)
[ -n "$go_server" ] || { log "cannot find the Go standard library of golang-src"; exit 1; }
go_src=$(dirname "$(dirname "$(dirname "$go_server")")")
# libpython3-stdlib depends on the versioned package (libpython3.11-stdlib) whose directory,
# /usr/lib/python3.11, holds the standard library.
py_version=$(dpkg-query -W -f '${Depends}' libpython3-stdlib | grep -o 'libpython3\.[0-9]*-stdlib' | head -1 |
    sed 's/^lib//; s/-stdlib$//')
py_src=/usr/lib/$py_version
if [ -z "$py_version" ] || [ ! -f "$py_src/asyncio/base_events.py" ]; then
    log "cannot find the Python standard library of libpython3-stdlib"
    exit 1
fi
# Copies only the files of one extension, keeping their paths; an empty .semgrepignore
# stops semgrep from skipping tests, vendor/ and testdata/, so that every tool reads the
# same files.
copy_sources() { # FROM EXT TO
    rm -rf "$3" && mkdir -p "$3"
    (cd "$1" && find . -name "*.$2" -type f -print0 | xargs -0 cp --parents -t "$3")
    : >"$3/.semgrepignore"
}
log "preparing corpora in $corpora"
copy_sources "$go_src" go "$corpora/go"
(cd "$repo" && cargo fetch --quiet)
copy_sources "$HOME/.cargo/registry/src" rs "$corpora/rust"
copy_sources "$py_src" py "$corpora/python"
for n in $SCALES; do
    dir=$corpora/go-x$n
    rm -rf "$dir" && mkdir -p "$dir"
    for i in $(seq "$n"); do cp -al "$corpora/go" "$dir/copy$i"; done
    : >"$dir/.semgrepignore"
done

# --- timing ------------------------------------------------------------------------------
words=$BENCH_DIR/words.txt
"$idemlint" prefilter-words >"$words"
times=$BENCH_DIR/times.tsv
: >"$times"

# The command each tool runs in a corpus directory, reading every file of `lang` (ripgrep
# calls Python `py`).
tool_command() { # TOOL LANG
    case $1 in
    idemlint) echo "$idemlint check --format json --exit-zero ." ;;
    idemlint-full) echo "$idemlint check --format json --exit-zero --no-prefilter ." ;;
    rg) echo "rg --count-matches --ignore-case --fixed-strings --file $words --type ${2/#python/py} ." ;;
    ast-grep)
        case $2 in
        go) echo "$astgrep run --lang go --selector call_expression --pattern 'func _() { time.Sleep(\$D) }' ." ;;
        rust) echo "$astgrep run --lang rust --pattern 'sleep(\$D)' ." ;;
        python) echo "$astgrep run --lang python --pattern 'time.sleep(\$D)' ." ;;
        esac
        ;;
    semgrep) echo "$semgrep scan --metrics=off --disable-version-check --quiet --json --jobs $(nproc) --max-target-bytes 0 --config $repo/bench/semgrep/$2.yml ." ;;
    esac
}

# Runs TOOL once in CORPUS and appends `corpus tool seconds peak-KiB cpu-seconds` to $times
# (CPU time: user plus system, steadier than wall time on a shared machine).
measure() { # CORPUS LANG TOOL
    local stats
    stats=$(mktemp)
    (cd "$corpora/$1" && /usr/bin/time -f '%e %M %U %S' -o "$stats" \
        bash -c "$(tool_command "$3" "$2") >/dev/null 2>&1") || true
    echo "$1 $3 $(tail -1 "$stats" | awk '{print $1, $2, $3 + $4}')" >>"$times"
    rm -f "$stats"
}

runs_of() { # TOOL
    case $1 in
    semgrep) echo "$SEMGREP_RUNS" ;;
    idemlint-full) echo "$FULL_PARSE_RUNS" ;;
    *) echo "$RUNS" ;;
    esac
}

run_corpus() { # CORPUS LANG TOOLS...
    local corpus=$1 lang=$2 run tool
    shift 2
    # Warm the page cache and the tools' own caches; semgrep and the full parse take minutes
    # and read the files the others have already brought into the cache.
    for tool in "$@"; do
        [ "$(runs_of "$tool")" -eq "$RUNS" ] || continue
        (cd "$corpora/$corpus" && bash -c "$(tool_command "$tool" "$lang") >/dev/null 2>&1") || true
    done
    for run in $(seq "$RUNS"); do
        for tool in "$@"; do
            [ "$run" -le "$(runs_of "$tool")" ] || continue
            log "$corpus: $tool, run $run"
            measure "$corpus" "$lang" "$tool"
        done
    done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run_corpus go go idemlint rg ast-grep semgrep idemlint-full
run_corpus rust rust idemlint rg ast-grep semgrep idemlint-full
run_corpus python python idemlint rg ast-grep semgrep idemlint-full
# The scales take turns within each run, so that a slow moment of the machine falls on all.
for n in $SCALES; do
    (cd "$corpora/go-x$n" && bash -c "$(tool_command idemlint go) >/dev/null 2>&1") || true
done
for run in $(seq "$SCALING_RUNS"); do
    for n in $SCALES; do
        log "go-x$n: run $run"
        measure "go-x$n" go idemlint
        measure "go-x$n" go rg
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ------------------------------------------------------------------------------
corpus_size() { # CORPUS EXT: files and bytes
    find "$corpora/$1" -name "*.$2" -type f -printf '%s\n' | awk '{n++; b+=$1} END {print n, b}'
}
median() { # CORPUS TOOL FIELD (3: seconds, 4: KiB, 5: CPU seconds)
    awk -v c="$1" -v t="$2" -v f="$3" '$1 == c && $2 == t {print $f}' "$times" | sort -g |
        awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}
count() { awk -v c="$1" -v t="$2" '$1 == c && $2 == t' "$times" | wc -l; }

tool_table() { # CORPUS EXT
    local files bytes rg_s semgrep_s tool s kib cpu
    read -r files bytes < <(corpus_size "$1" "$2")
    rg_s=$(median "$1" rg 3)
    semgrep_s=$(median "$1" semgrep 3)
    echo
    echo "**$1**: $files files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}') MB"
    echo
    echo "| tool | runs | wall (median, s) | CPU (s) | × rg | semgrep ÷ tool | files/s | MB/s | peak RSS (MB) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for tool in idemlint rg ast-grep semgrep idemlint-full; do
        [ "$(count "$1" "$tool")" -gt 0 ] || continue
        s=$(median "$1" "$tool" 3)
        kib=$(median "$1" "$tool" 4)
        cpu=$(median "$1" "$tool" 5)
        awk -v t="$tool" -v n="$(count "$1" "$tool")" -v s="$s" -v rg="$rg_s" -v sg="$semgrep_s" \
            -v f="$files" -v b="$bytes" -v k="$kib" -v c="$cpu" 'BEGIN {
                name = (t == "idemlint-full") ? "idemlint --no-prefilter" : t
                printf "| %s | %d | %.2f | %.2f | %.1f | %s | %.0f | %.1f | %.0f |\n", name, n, s, c, s/rg,
                    (sg == "nan") ? "–" : sprintf("%.1f", sg/s), f/s, b/1e6/s, k/1024 }'
    done
}

scaling_table() {
    local n base_wall base_cpu files bytes s cpu kib rg_s
    echo
    echo "| corpus | files | MB | idemlint wall (s) | wall s per 100 MB | vs 1× | CPU s per 100 MB | vs 1× | peak RSS (MB) | rg (s) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    base_wall=""
    base_cpu=""
    for n in $SCALES; do
        read -r files bytes < <(corpus_size "go-x$n" go)
        s=$(median "go-x$n" idemlint 3)
        cpu=$(median "go-x$n" idemlint 5)
        kib=$(median "go-x$n" idemlint 4)
        rg_s=$(median "go-x$n" rg 3)
        base_wall=${base_wall:-$(awk -v s="$s" -v b="$bytes" 'BEGIN {print s/(b/1e8)}')}
        base_cpu=${base_cpu:-$(awk -v s="$cpu" -v b="$bytes" 'BEGIN {print s/(b/1e8)}')}
        awk -v n="$n" -v f="$files" -v b="$bytes" -v s="$s" -v c="$cpu" -v w0="$base_wall" \
            -v c0="$base_cpu" -v k="$kib" -v rg="$rg_s" 'BEGIN {
                w = s/(b/1e8); p = c/(b/1e8)
                printf "| Go std lib %d× | %d | %.0f | %.2f | %.3f | %+.0f%% | %.3f | %+.0f%% | %.0f | %.2f |\n",
                    n, f, b/1e6, s, w, (w/w0-1)*100, p, (p/c0-1)*100, k/1024, rg }'
    done
}

# The Debian packages (and versions) that the Python corpus's files come from. The `${…}`
# are dpkg-query's format, not the shell's.
# shellcheck disable=SC2016
py_packages() {
    (cd "$corpora/python" && find . -name '*.py' -type f -printf "$py_src/%P\n") |
        { xargs -r dpkg -S 2>/dev/null || true; } | cut -d: -f1 | tr -d ',' | tr ' ' '\n' | sort -u |
        xargs -r dpkg-query -W -f '${Package} ${Version}\n' 2>/dev/null | paste -sd, | sed 's/,/, /g'
}

report=$BENCH_DIR/results.md
{
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'),"
    echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) memory;"
    echo "load average (1, 5, 15 min) $load_before before the runs, $load_after after."
    echo
    echo "Versions: $("$idemlint" --version), $(rg --version | sed -n 1p), $("$astgrep" --version),"
    echo "semgrep $("$semgrep" --version 2>/dev/null), Go std lib from $go_src"
    echo "(golang-src $(dpkg-query -W -f '${Version}' golang-src)), $(find "$HOME/.cargo/registry/src" -mindepth 2 -maxdepth 2 -type d | wc -l) crates from the registry,"
    echo "Python std lib from $py_src ($(py_packages))."
    echo
    echo "Medians of $RUNS runs, the tools alternating (semgrep: $SEMGREP_RUNS, idemlint --no-prefilter: $FULL_PARSE_RUNS), after one warm-up run of each of the others."
    tool_table go go
    tool_table rust rs
    tool_table python py
    echo
    echo "Scaling: the Go corpus copied n times (hard links, so the page cache holds it once);"
    echo "medians of $SCALING_RUNS runs, the scales taking turns."
    scaling_table
    sql_scaling
} | tee "$report"
