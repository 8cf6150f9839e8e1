#!/usr/bin/env bash
# The integration checks .ci/run makes after the Rust tests: each ecosystem's own
# validator on what idemlint ships for it.
#
#   - actionlint: the workflow, and action.yml through the workflow's `uses: ./`
#   - ShellCheck: the action's scripts and the CI scripts
#   - zizmor: the action and the workflow (offline)
#   - SARIF: the fixture suite's SARIF output against the SARIF 2.1.0 JSON schema
#   - pre-commit: `try-repo` on a repository holding a flagged file fails with the finding,
#     and passes once the file is fixed
#
# The tools come from PyPI (scripts/ci-requirements.txt) into a virtual environment kept
# in $IDEMLINT_CI_CACHE (default ~/.cache/idemlint-ci), rebuilt when the list changes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=${IDEMLINT_CI_CACHE:-$HOME/.cache/idemlint-ci}
requirements=scripts/ci-requirements.txt
venv="$cache/venv-$(sha256sum "$requirements" | cut -c 1-12)"
if [[ ! -x $venv/bin/zizmor ]]; then
    echo "ci-integrations: installing the tools into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
fi
export PATH="$venv/bin:$PATH"

passed=0
pass() {
    echo "ci-integrations: ok: $1"
    passed=$((passed + 1))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

actionlint -no-color .github/workflows/*.yml
pass "actionlint (workflow and action.yml)"

shellcheck scripts/*.sh bench/*.sh .ci/run
pass "shellcheck"

zizmor --offline --quiet --color never --config .github/zizmor.yml action.yml .github/workflows/
pass "zizmor"

cargo build --quiet
idemlint="${CARGO_TARGET_DIR:-$root/target}/debug/idemlint"
# Without the repository's configuration, which excludes the fixtures.
"$idemlint" check --config /dev/null --format sarif --exit-zero fixtures >"$work/fixtures.sarif"
check-jsonschema --schemafile tests/data/sarif-schema-2.1.0.json "$work/fixtures.sarif"
results=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' \
    "$work/fixtures.sarif")
if [[ $results -eq 0 ]]; then
    echo "ci-integrations: the fixture suite's SARIF has no result: the schema check proved little" >&2
    exit 1
fi
pass "SARIF of the fixture suite ($results results) matches the SARIF 2.1.0 schema"

# pre-commit builds the hook with `cargo install` (a release build): reuse one target
# directory, and skip the optimizations, which the hook's plumbing does not need.
export CARGO_TARGET_DIR="$cache/pre-commit-target" PRE_COMMIT_HOME="$cache/pre-commit"
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com
export GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
hooked="$work/hooked"
git init --quiet "$hooked"
cp fixtures/seed/inbox.sql "$hooked/inbox.sql"
git -C "$hooked" add inbox.sql
if (cd "$hooked" && pre-commit try-repo "$root" idemlint --all-files) >"$work/flagged.log" 2>&1; then
    cat "$work/flagged.log"
    echo "ci-integrations: the pre-commit hook passed a file with a finding" >&2
    exit 1
fi
if ! grep -q 'error\[unchecked-on-conflict\]' "$work/flagged.log"; then
    cat "$work/flagged.log"
    echo "ci-integrations: the pre-commit hook failed without showing the finding" >&2
    exit 1
fi
cp fixtures/seed/inbox_fixed.sql "$hooked/inbox.sql"
git -C "$hooked" add inbox.sql
if ! (cd "$hooked" && pre-commit try-repo "$root" idemlint --all-files) >"$work/fixed.log" 2>&1; then
    cat "$work/fixed.log"
    echo "ci-integrations: the pre-commit hook failed on the fixed file" >&2
    exit 1
fi
pass "pre-commit try-repo fails on a flagged file and passes once it is fixed"

echo "ci-integrations: $passed passed, 0 failed"
