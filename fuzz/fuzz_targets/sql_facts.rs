//! SQL facts on arbitrary strings, as the analysis pass reads them out of host-language
//! literals; then the same text inside a Go and a Rust raw string, through the whole check,
//! so that spans are mapped back into a host file.
#![no_main]

mod common;

use idemlint::model::Lang;
use idemlint::{rules, sql};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let _ = sql::looks_like_sql(&text);
    for statement in sql::facts(&text) {
        let _ = statement.relative_to(1);
    }
    if !text.contains('`') {
        let go = format!("package p\n\nfunc f() {{\n\tdb.Exec(`{text}`)\n\tpublish()\n}}\n");
        idemlint::check_source(&go, Lang::Go, rules::ALL, &common::KNOWLEDGE);
    }
    if !text.contains("\"#") {
        let rust = format!(
            "fn f() {{\n    sqlx::query(r#\"{text}\"#).execute(&db);\n    publish();\n}}\n"
        );
        idemlint::check_source(&rust, Lang::Rust, rules::ALL, &common::KNOWLEDGE);
    }
});
