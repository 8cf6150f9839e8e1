//! Each rule over the classified models of every fixture, lowered once before timing:
//! `cargo bench --bench rules`. A regression in one rule (or in the flow helpers it uses)
//! shows here apart from the front-ends.

mod common;

use divan::Bencher;
use idemlint::knowledge::Knowledge;
use idemlint::model::{Lang, Module};
use idemlint::rules::{self, Context};
use idemlint::semantic::Semantic;

fn main() {
    divan::main();
}

/// Every fixture's text and classified model.
fn models(knowledge: &Knowledge) -> Vec<(Lang, String, Module)> {
    Lang::ALL
        .iter()
        .flat_map(|&lang| {
            common::fixtures(lang).into_iter().map(move |(_, text)| {
                let module = idemlint::classified_model(&text, lang, knowledge);
                (lang, text, module)
            })
        })
        .collect()
}

fn rule_names() -> Vec<&'static str> {
    rules::ALL.iter().map(|rule| rule.meta().name).collect()
}

#[divan::bench(args = rule_names())]
fn check(bencher: Bencher, name: &str) {
    let rule = rules::by_name(name).expect("a rule of the registry");
    let knowledge = Knowledge::builtin();
    let models = models(&knowledge);
    bencher.bench(|| {
        models
            .iter()
            .filter(|(lang, _, _)| rule.meta().langs.contains(lang))
            .map(|(lang, text, module)| {
                let semantic = Semantic::new(&module.units, text, &knowledge);
                let cx = Context {
                    lang: *lang,
                    knowledge: &knowledge,
                    source: text,
                    functions: &idemlint::flow::SameFile(&module.units),
                    semantic: &semantic,
                };
                module
                    .units
                    .iter()
                    .map(|unit| rule.check(unit, &cx).len())
                    .sum::<usize>()
            })
            .sum::<usize>()
    });
}

/// The whole of checking one file, every rule, front-end to suppressions.
#[divan::bench]
fn check_source(bencher: Bencher) {
    let knowledge = Knowledge::builtin();
    let sources: Vec<(Lang, String)> = Lang::ALL
        .iter()
        .flat_map(|&lang| {
            common::fixtures(lang)
                .into_iter()
                .map(move |(_, text)| (lang, text))
        })
        .collect();
    bencher.bench(|| {
        sources
            .iter()
            .map(|(lang, text)| {
                idemlint::check_source(text, *lang, rules::ALL, &knowledge)
                    .findings
                    .len()
            })
            .sum::<usize>()
    });
}
