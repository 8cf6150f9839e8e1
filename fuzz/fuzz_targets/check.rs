//! The whole check of one file, as `idemlint check` does it: the first byte picks the
//! language, the rest is the file. Every rule runs, and the findings are written in every
//! report format.
#![no_main]

mod common;

use clap::ValueEnum;
use idemlint::model::Lang;
use idemlint::report::{self, FileFindings, Format, ReportOptions};
use idemlint::rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let langs = [
        Lang::Go,
        Lang::Rust,
        Lang::Sql,
        Lang::TypeScript,
        Lang::Markdown,
    ];
    let lang = langs[usize::from(selector) % langs.len()];
    let source = common::text(rest).into_owned();
    let result = idemlint::check_source(&source, lang, rules::ALL, &common::KNOWLEDGE);
    let files = [FileFindings {
        path: "fuzzed/input".into(),
        source,
        findings: result.findings,
    }];
    for color in [false, true] {
        let options = ReportOptions {
            color,
            root: Some("/fuzz".into()),
            files_checked: 1,
        };
        for format in Format::value_variants() {
            let mut out = Vec::new();
            report::write(*format, &files, &options, &mut out).expect("writing to memory");
        }
    }
});
