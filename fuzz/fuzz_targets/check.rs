//! The whole check of one file, as `idemlint check` does it: the first byte picks the
//! language, the rest is the file. The prefilter decides whether to skip it, every rule
//! runs, and the findings are written in every report format.
#![no_main]

mod common;

use clap::ValueEnum;
use idemlint::model::{FileKind, Lang};
use idemlint::prefilter::Prefilter;
use idemlint::report::{self, FileFindings, Format, ReportOptions};
use idemlint::rules;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static PREFILTER: LazyLock<Prefilter> =
    LazyLock::new(|| Prefilter::new(rules::ALL, &common::KNOWLEDGE));

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kinds = [
        FileKind::Code(Lang::Go),
        FileKind::Code(Lang::Rust),
        FileKind::Code(Lang::Sql),
        FileKind::Code(Lang::TypeScript),
        FileKind::Markdown,
        FileKind::Code(Lang::Python),
    ];
    let kind = kinds[usize::from(selector) % kinds.len()];
    let source = common::text(rest).into_owned();
    let result = idemlint::check_file(&source, kind, rules::ALL, &common::KNOWLEDGE);
    // The prefilter may skip a file only if checking it finds nothing.
    if !PREFILTER.admits(source.as_bytes(), kind) {
        assert_eq!(
            result.findings,
            [],
            "the prefilter skipped a file with findings"
        );
    }
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
            files_failed: 0,
        };
        for format in Format::value_variants() {
            let mut out = Vec::new();
            report::write(*format, &files, &options, &mut out).expect("writing to memory");
        }
    }
});
