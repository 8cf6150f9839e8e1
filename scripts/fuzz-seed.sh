#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the fixtures, the
# front-end test inputs and the regression inputs under tests/robustness/. The `check`
# target's inputs start with a byte that picks the language: 0 Go, 1 Rust, 2 SQL,
# 3 TypeScript/JavaScript, 4 Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."

add() { # target, file, [language byte as an octal escape]
    local dir="fuzz/corpus/$1" name
    mkdir -p "$dir"
    name=$( { printf "${3:-}"; cat "$2"; } | sha1sum | cut -c1-16)
    { printf "${3:-}"; cat "$2"; } > "$dir/$name"
}

while IFS= read -r -d '' file; do
    case "$file" in
        *.go) add go "$file"; add check "$file" '\000' ;;
        *.rs) add rust "$file"; add check "$file" '\001' ;;
        *.sql) add sql "$file"; add sql_facts "$file"; add check "$file" '\002' ;;
        *.ts | *.tsx | *.js | *.mjs) add typescript "$file"; add check "$file" '\003' ;;
        *.md) add check "$file" '\004' ;;
    esac
done < <(find fixtures rules tests -type f \( -name '*.go' -o -name '*.rs' -o -name '*.sql' \
    -o -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.mjs' -o -name '*.md' \) -print0)
for target in go rust typescript sql sql_facts check; do
    echo "fuzz/corpus/$target: $(find "fuzz/corpus/$target" -type f | wc -l) inputs"
done
