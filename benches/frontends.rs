//! Each front-end lowering every fixture of its language, and the prefilter scanning the
//! same text: `cargo bench --bench frontends`. A regression in one front-end shows here on
//! its own, whatever the rules do.

mod common;

use divan::Bencher;
use divan::counter::BytesCount;
use idemlint::knowledge::Knowledge;
use idemlint::model::FileKind;
use idemlint::prefilter::Prefilter;
use idemlint::rules;

fn main() {
    divan::main();
}

fn total_bytes(sources: &[(std::path::PathBuf, String)]) -> BytesCount {
    BytesCount::new(sources.iter().map(|(_, text)| text.len()).sum::<usize>())
}

#[divan::bench(args = common::lang_names())]
fn lower(bencher: Bencher, name: &str) {
    let lang = common::lang(name);
    let sources = common::fixtures(lang);
    bencher.counter(total_bytes(&sources)).bench(|| {
        sources
            .iter()
            .map(|(_, text)| idemlint::lang::lower(lang, text).units.len())
            .sum::<usize>()
    });
}

#[divan::bench(args = common::lang_names())]
fn classify(bencher: Bencher, name: &str) {
    let lang = common::lang(name);
    let knowledge = Knowledge::builtin();
    let sources = common::fixtures(lang);
    bencher.counter(total_bytes(&sources)).bench(|| {
        sources
            .iter()
            .map(|(_, text)| {
                idemlint::classified_model(text, lang, &knowledge)
                    .units
                    .len()
            })
            .sum::<usize>()
    });
}

#[divan::bench(args = common::lang_names())]
fn prefilter(bencher: Bencher, name: &str) {
    let lang = common::lang(name);
    let knowledge = Knowledge::builtin();
    let prefilter = Prefilter::new(rules::ALL, &knowledge);
    let sources = common::fixtures(lang);
    bencher.counter(total_bytes(&sources)).bench(|| {
        sources
            .iter()
            .filter(|(_, text)| prefilter.admits(text.as_bytes(), FileKind::Code(lang)))
            .count()
    });
}
