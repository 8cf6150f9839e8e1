#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the fixtures, the
# front-end test inputs and the regression inputs under tests/robustness/. The `check`
# target's inputs start with a byte that picks the language: 0 Go, 1 Rust, 2 SQL,
# 3 TypeScript/JavaScript, 4 Markdown, 5 Python.
set -euo pipefail
cd "$(dirname "$0")/.."

add() { # target, file, [language byte as an escape: \0nnn]
    local dir="fuzz/corpus/$1" input name
    mkdir -p "$dir"
    input="$dir/.adding"
    { printf '%b' "${3:-}"; cat "$2"; } >"$input"
    name=$(sha1sum "$input" | cut -c1-16)
    mv "$input" "$dir/$name"
}

while IFS= read -r -d '' file; do
    case "$file" in
        *.go) add go "$file"; add check "$file" '\0000' ;;
        *.rs) add rust "$file"; add check "$file" '\0001' ;;
        *.sql) add sql "$file"; add sql_facts "$file"; add check "$file" '\0002' ;;
        *.ts | *.tsx | *.js | *.mjs) add typescript "$file"; add check "$file" '\0003' ;;
        *.md) add check "$file" '\0004' ;;
        *.py) add python "$file"; add check "$file" '\0005' ;;
    esac
done < <(find fixtures rules tests -type f \( -name '*.go' -o -name '*.rs' -o -name '*.sql' \
    -o -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.mjs' -o -name '*.md' \
    -o -name '*.py' \) -print0)
for target in go rust typescript python sql sql_facts check; do
    echo "fuzz/corpus/$target: $(find "fuzz/corpus/$target" -type f | wc -l) inputs"
done
