#!/usr/bin/env bash
# The ecosystem check (see scripts/ecosystem.py): builds the release binary, then checks
# the pinned repositories of corpora/ecosystem/repos.tsv found in MIRROR_ROOT against the
# ledger. Not run by CI, which has no copy of the repositories: run it before every change
# to a rule and commit the updated ledger with the change.
#
# Usage: scripts/ecosystem.sh MIRROR_ROOT [--add-new] [--drop-vanished] [--only OWNER/NAME…]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 1 ]]; then
    echo "usage: scripts/ecosystem.sh MIRROR_ROOT [--add-new] [--drop-vanished] [--only OWNER/NAME...]" >&2
    exit 2
fi
cargo build --quiet --release
exec python3 scripts/ecosystem.py "$@" --idemlint "${CARGO_TARGET_DIR:-$PWD/target}/release/idemlint"
