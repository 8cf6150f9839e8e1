#!/usr/bin/env bash
# The check half of the GitHub Action (action.yml): runs idemlint on the inputs, emits
# the findings as annotations, writes the step summary and the optional SARIF file, sets
# the outputs `findings` and `sarif-file`, and exits with idemlint's status.
#
# Inputs arrive only through the environment (never through `${{ }}` in a script):
#   INPUT_PATHS         files and directories to check, separated by whitespace (default .)
#   INPUT_CONFIG        the configuration file (default: idemlint.toml found upward)
#   INPUT_ONLY_CHANGED  auto | true | false: report only lines the pull request changed;
#                       auto means true on pull_request and pull_request_target events
#   INPUT_FAIL_ON       error | warning | never: the lowest severity that fails the step
#   INPUT_SARIF_FILE    where to write SARIF (every finding, not only changed lines)
#   IDEMLINT            the idemlint binary (default: idemlint on PATH)
# and GitHub's own GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY and RUNNER_TEMP.
set -euo pipefail

idemlint=${IDEMLINT:-idemlint}
only_changed=${INPUT_ONLY_CHANGED:-auto}
fail_on=${INPUT_FAIL_ON:-error}

# An error annotation (escaped as workflow commands require), then exit 2.
fail() {
    local message=${1//%/%25}
    message=${message//$'\r'/%0D}
    echo "::error title=idemlint::${message//$'\n'/%0A}"
    exit 2
}

# Word-split the paths without glob expansion.
set -f
# shellcheck disable=SC2206
paths=(${INPUT_PATHS:-.})
set +f
[[ ${#paths[@]} -gt 0 ]] || paths=(.)

# No array below is ever empty: bash before 4.4 calls an empty one unbound.
check=(check)
[[ -z ${INPUT_CONFIG:-} ]] || check+=(--config "$INPUT_CONFIG")
# Code scanning gets every finding: it filters a pull request's alerts to the diff itself,
# and an alert missing from the upload would count as fixed.
check_all=("${check[@]}")

case $only_changed in
auto)
    case ${GITHUB_EVENT_NAME:-} in
    pull_request | pull_request_target) only_changed=true ;;
    *) only_changed=false ;;
    esac
    ;;
true | false) ;;
*) fail "only-changed must be auto, true or false, not '$only_changed'" ;;
esac

if [[ $only_changed == true ]]; then
    base=$(python3 - "${GITHUB_EVENT_PATH:-}" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as payload:
        print(json.load(payload)["pull_request"]["base"]["sha"])
except (OSError, ValueError, KeyError, TypeError):
    pass
PY
    )
    [[ -n $base ]] || fail "only-changed needs a pull request event payload with pull_request.base.sha"
    # A shallow checkout of the merge commit lacks the base commit: fetch just that one.
    if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
        git fetch --no-tags --depth=1 origin "$base" ||
            fail "cannot fetch the pull request's base commit $base"
    fi
    check+=(--diff-base "$base")
fi

case $fail_on in
error | warning | never) severity=(--fail-on "$fail_on") ;;
*) fail "fail-on must be error, warning or never, not '$fail_on'" ;;
esac

annotations=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/idemlint-annotations.XXXXXX")
trap 'rm -f "$annotations"' EXIT

status=0
"$idemlint" "${check[@]}" "${severity[@]}" --format github -- "${paths[@]}" >"$annotations" ||
    status=$?
cat "$annotations"
findings=$(grep -c -E '^::(error|warning) ' "$annotations" || true)
failure="idemlint could not check everything (exit status $status): see the messages in the step's log"

# The reports below repeat the run; its messages were already shown above. When the run
# failed (exit status 2: a path or the configuration could not be read), they still say
# what was found in the rest, and the summary says what failed.
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    "$idemlint" "${check[@]}" --exit-zero --format markdown -- "${paths[@]}" \
        >>"$GITHUB_STEP_SUMMARY" 2>/dev/null || true
    if [[ $status -ge 2 ]]; then
        printf '\n**%s**\n' "$failure" >>"$GITHUB_STEP_SUMMARY"
    fi
fi
if [[ -n ${INPUT_SARIF_FILE:-} ]]; then
    "$idemlint" "${check_all[@]}" --exit-zero --format sarif -- "${paths[@]}" \
        >"$INPUT_SARIF_FILE" 2>/dev/null || true
fi

if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    {
        echo "findings=$findings"
        echo "sarif-file=${INPUT_SARIF_FILE:-}"
    } >>"$GITHUB_OUTPUT"
fi
if [[ $status -ge 2 ]]; then
    fail "$failure"
fi
exit "$status"
