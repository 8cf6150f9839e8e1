#!/usr/bin/env bash
# The install half of the GitHub Action (action.yml), in two modes:
#
#   action-install.sh key      writes the cache key and install root to $GITHUB_OUTPUT
#   action-install.sh install  builds idemlint from the action's checkout into that root
#
# The key is the runner's platform, the crate version and a digest of the sources, so a
# moving ref (`@v1`, `@main`, `uses: ./`) never runs a stale cached binary.
# Reads GITHUB_ACTION_PATH, GITHUB_OUTPUT, RUNNER_OS, RUNNER_ARCH and, for install,
# IDEMLINT_ROOT.
set -euo pipefail

digest() {
    if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}

case "${1:-}" in
key)
    cd "$GITHUB_ACTION_PATH"
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
    sources=$(find Cargo.toml Cargo.lock src rules -type f -print0 | LC_ALL=C sort -z |
        while IFS= read -r -d '' file; do printf '%s\0' "$file" && cat "$file"; done |
        digest | cut -c 1-16)
    prefix="idemlint-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-"
    {
        echo "key=${prefix}${version}-${sources}"
        echo "restore-prefix=${prefix}"
        echo "root=${HOME}/.cache/idemlint-action"
    } >>"$GITHUB_OUTPUT"
    ;;
install)
    cargo install --locked --force --path "$GITHUB_ACTION_PATH" --root "$IDEMLINT_ROOT"
    ;;
*)
    echo "usage: $0 key|install" >&2
    exit 2
    ;;
esac
