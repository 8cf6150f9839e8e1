#!/usr/bin/env bash
# Scaffolds a new rule, like clippy's `cargo dev new_lint`:
#
#   scripts/new-rule.sh [--root DIR] [--langs go,rust,sql,ts,py] NAME
#
# NAME is the rule's public name in kebab-case (`retry-non-idempotent-post`). The script
# writes src/rules/<snake>.rs (a rule that compiles and finds nothing, with TODOs), adds its
# `mod` line (in order) and its entry at the end of `ALL` in src/rules/mod.rs, writes the
# page rules/NAME.md and the folders fixtures/NAME/<lang>/, then prints the next steps.
# --langs (default: all five) is what the rule reads; --root (default: this repository) is
# the tree to edit (tests/new_rule.rs edits a copy).
#
# Right after it, `cargo test` passes: the rule's `needs` admits no file, the page's bad
# examples are fenced as plain `<lang>` (tests/rule_pages.rs checks only `<lang> bad` and
# `<lang> good` blocks) and the fixture folders hold no `tp_` file (tests/fixtures.rs
# demands a finding for each). The author turns these red one at a time while writing the
# rule.
set -euo pipefail

usage() {
    echo "usage: scripts/new-rule.sh [--root DIR] [--langs go,rust,sql,ts,py] NAME" >&2
    exit 2
}

fail() {
    echo "new-rule: $1" >&2
    exit 1
}

root=$(cd "$(dirname "$0")/.." && pwd)
langs_arg=go,rust,sql,ts,py
name=
while (($# > 0)); do
    case "$1" in
        --root)
            (($# >= 2)) || usage
            root=$2
            shift 2
            ;;
        --langs)
            (($# >= 2)) || usage
            langs_arg=$2
            shift 2
            ;;
        -h | --help) usage ;;
        -*) fail "unknown option $1" ;;
        *)
            [[ -z $name ]] || usage
            name=$1
            shift
            ;;
    esac
done
[[ -n $name ]] || usage

# The name and what it derives.
[[ $name =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]] ||
    fail "'$name' is not kebab-case (lowercase words joined by '-', like check-then-insert)"
snake=${name//-/_}
camel=
IFS=- read -r -a words <<<"$name"
for word in "${words[@]}"; do
    camel+=${word^}
done
case "$snake" in
    as | async | await | break | const | continue | crate | dyn | else | enum | extern | false | \
        fn | for | gen | if | impl | in | let | loop | match | mod | move | mut | pub | ref | \
        return | self | static | struct | super | trait | true | try | type | unsafe | use | \
        where | while | abstract | become | box | do | final | macro | override | priv | \
        typeof | unsized | virtual | yield)
        fail "'$snake' is a Rust keyword, it cannot name a module"
        ;;
esac

# The languages, in the order of `Lang` (the rule's META) and of the pages (SQL first).
want_go='' want_rust='' want_sql='' want_ts='' want_py=''
IFS=, read -r -a langs <<<"$langs_arg"
((${#langs[@]} > 0)) || fail "--langs names no language"
for lang in "${langs[@]}"; do
    case "$lang" in
        go) want_go=1 ;;
        rust) want_rust=1 ;;
        sql) want_sql=1 ;;
        ts) want_ts=1 ;;
        py) want_py=1 ;;
        *) fail "unknown language '$lang' in --langs (go, rust, sql, ts, py)" ;;
    esac
done
meta_langs=()
[[ -z $want_go ]] || meta_langs+=("Lang::Go")
[[ -z $want_rust ]] || meta_langs+=("Lang::Rust")
[[ -z $want_sql ]] || meta_langs+=("Lang::Sql")
[[ -z $want_ts ]] || meta_langs+=("Lang::TypeScript")
[[ -z $want_py ]] || meta_langs+=("Lang::Python")
meta_langs_list=$(
    IFS=,
    echo "${meta_langs[*]}"
)
meta_langs_list=${meta_langs_list//,/, }
# The fixture folder / fence name, page heading, file extension and comment of each.
page_langs=()
[[ -z $want_sql ]] || page_langs+=("sql SQL sql --")
[[ -z $want_go ]] || page_langs+=("go Go go //")
[[ -z $want_rust ]] || page_langs+=("rust Rust rs //")
[[ -z $want_ts ]] || page_langs+=("ts TypeScript ts //")
[[ -z $want_py ]] || page_langs+=("py Python py #")

# Not an existing rule, and a tree this script knows.
registry=$root/src/rules/mod.rs
rule_file=$root/src/rules/$snake.rs
page=$root/rules/$name.md
fixtures=$root/fixtures/$name
[[ -f $registry ]] || fail "no $registry (is --root the repository?)"
[[ -d $root/rules ]] || fail "no $root/rules/ (is --root the repository?)"
for path in "$rule_file" "$page" "$fixtures"; do
    [[ ! -e $path ]] || fail "$path exists: '$name' is taken"
done
! grep -q "^mod $snake;\$" "$registry" || fail "src/rules/mod.rs already has mod $snake"

# The registry, edited into a temporary file first so nothing is written unless both
# anchors are found: the `mod` line among the others in (byte) order, the entry last in
# `ALL` (the order `idemlint rules` lists them).
edited=$(mktemp "$registry.XXXXXX")
trap 'rm -f "$edited"' EXIT
LC_ALL=C awk -v snake="$snake" -v entry="    &$snake::$camel," '
    /^mod [a-z0-9_]+;$/ {
        in_mods = 1
        if (!modded && substr($0, 5, length($0) - 5) > snake) {
            print "mod " snake ";"
            modded = 1
        }
        print
        next
    }
    in_mods && !modded {
        print "mod " snake ";"
        modded = 1
    }
    { in_mods = 0 }
    /^pub static ALL: / { in_all = 1 }
    in_all && /^\];$/ {
        print entry
        in_all = 0
        listed = 1
    }
    { print }
    END { exit !(modded && listed) }
' "$registry" >"$edited" ||
    fail "src/rules/mod.rs: found no block of \`mod\` lines or no \`pub static ALL\` ending in \`];\`"

# Fills the @NAME@, @SNAKE@, @CAMEL@ and @LANGS@ of a template on stdin.
fill() {
    local text
    text=$(cat)
    text=${text//@NAME@/$name}
    text=${text//@SNAKE@/$snake}
    text=${text//@CAMEL@/$camel}
    text=${text//@LANGS@/$meta_langs_list}
    printf '%s\n' "$text"
}

fill >"$rule_file" <<'EOF'
//! `@NAME@`: TODO: the hazard in a sentence or two.
//! What the code does, and what goes wrong when it runs twice, concurrently or after a failure.

use super::{Context, Rule, RuleMeta};
use crate::finding::{Finding, Severity};
use crate::knowledge::Knowledge;
use crate::model::{Lang, Unit};
use crate::rules::Need;

pub struct @CAMEL@;

static META: RuleMeta = RuleMeta {
    name: "@NAME@",
    // TODO: the hazard in one line, for `idemlint rules`, SARIF and the README's table.
    summary: "TODO: the hazard, in one line",
    // TODO: Error when the code is wrong wherever the rule fires, Warning when it needs a
    // look; keep the page's **Default level:** line in step.
    default_severity: Severity::Warning,
    // TODO: the languages the rule reads (the pipeline runs it on no other); its page has a
    // bad and a good example for each, and fixtures/@NAME@/ a folder.
    langs: &[@LANGS@],
    doc: include_str!("../../rules/@NAME@.md"),
};

impl Rule for @CAMEL@ {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _unit: &Unit, _cx: &Context) -> Vec<Finding> {
        // TODO: find the hazard in the unit (a function or a file's top level; `cx` has its
        // language, the knowledge, the file's source and its other units) and return one
        // Finding each time, with labels, a help and, where it is safe, a fix. crate::flow
        // has the queries, calls and value flow the other rules use: see
        // unchecked_on_conflict.rs or backoff_without_jitter.rs.
        Vec::new()
    }

    fn needs(&self, _knowledge: &Knowledge) -> Need {
        // TODO: what a file must hold for the rule to find anything in it, e.g.
        // `Need::all([Need::sql(), Need::keywords(["insert"])])` or `Need::calls(…)` (see
        // src/rules/need.rs). It must hold for every finding; `Need::Always` if the rule
        // cannot tell (every file is then parsed). Until then, no file: no words at all.
        Need::any([])
    }
}
EOF

{
    fill <<'EOF'
# @NAME@

**Default level:** warning

TODO: the hazard in a paragraph: the code shape the rule finds, in words a reader
recognises in their own code.

## Why it matters

TODO: what goes wrong in production when the code runs twice, concurrently or after a
crash, step by step (a table of the two runs, like the other pages, shows it best).

## What it flags

TODO: exactly what the rule flags in each language, and the near misses it leaves alone.

## Examples

TODO: each language has a bad example (the fence names only the language until the rule
flags it; then make it `<lang> bad`, and tests/rule_pages.rs checks that the rule flags it)
and a `<lang> good` one, the same code fixed, which the rule must not flag.
EOF
    ticks="\`\`\`"
    for entry in "${page_langs[@]}"; do
        read -r fence heading _ comment <<<"$entry"
        printf '\n### %s\n\n' "$heading"
        printf '%s%s\n%s TODO: code the rule flags\n%s\n\n' "$ticks" "$fence" "$comment" "$ticks"
        printf '%s%s good\n%s TODO: the same code, fixed\n%s\n' "$ticks" "$fence" "$comment" "$ticks"
    done
    fill <<'EOF'

## How to fix

TODO: the fix in each language, as the finding's help says it.
EOF
} >"$page"

mkdir -p "$fixtures"
fill >"$fixtures/README" <<'EOF'
Fixtures of @NAME@ (see tests/fixtures.rs), one folder per language the rule reads:

- tp_<case>.<ext>: code the rule must flag (the test fails if it gets no @NAME@ finding);
- tn_<case>.<ext>: a near miss it must leave alone (the test fails on any @NAME@ finding).

Each has a .expected file beside it with every rule's findings:
`IDEMLINT_BLESS=1 cargo test --test fixtures` writes them; review the diff. Delete this
README and the .gitkeep files once the folders hold fixtures.
EOF
for entry in "${page_langs[@]}"; do
    read -r dir _ <<<"$entry"
    mkdir -p "$fixtures/$dir"
    : >"$fixtures/$dir/.gitkeep"
done

cat "$edited" >"$registry" # keeps the file's mode

rel_fixtures=fixtures/$name
folders=
for entry in "${page_langs[@]}"; do
    read -r dir _ ext _ <<<"$entry"
    folders+=" $rel_fixtures/$dir/{tp,tn}_*.$ext"
done
echo "new-rule: created $name ($camel)"
printf '  %-*s %s\n' 30 "src/rules/$snake.rs" "the rule: finds nothing yet" \
    30 "src/rules/mod.rs" "mod $snake; and &$snake::$camel last in ALL" \
    30 "rules/$name.md" "the page" \
    30 "$rel_fixtures/" "a README and a folder per language"
cat <<EOF
Next:
  1. Write fixtures:$folders
     (tp_ must be flagged, tn_ are near misses), then bless them:
     IDEMLINT_BLESS=1 cargo test --test fixtures   (the tp_ ones fail until step 2)
  2. Fill the TODOs of src/rules/$snake.rs: summary, level, langs, check and needs.
  3. Fill the TODOs of rules/$name.md; once the rule flags a bad example, change its
     fence to \`<lang> bad\`: cargo test --test rule_pages
  4. Add a row for $name to the Rules table in README.md; delete the README and
     .gitkeep files under $rel_fixtures/.
  5. cargo fmt && cargo clippy --all-targets -- -D warnings && cargo test; then run it
     on real code: scripts/ecosystem.sh MIRROR_ROOT (docs/ecosystem.md).
EOF
