//! Every rule page's examples are code: each ```` ```<lang> bad ```` block must be flagged by
//! its rule and each ```` ```<lang> good ```` block by no rule. A page has examples for
//! exactly the languages its rule reads (`RuleMeta::langs`).

use idemlint::knowledge::Knowledge;
use idemlint::model::Lang;
use idemlint::rules;

/// The fenced blocks of a page whose info string is `<lang> bad` or `<lang> good`.
fn examples(page: &str) -> Vec<(Lang, bool, String)> {
    let mut out = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let (Some(lang), Some(kind)) = (words.next(), words.next()) else {
            continue;
        };
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        let lang =
            Lang::from_name(lang).unwrap_or_else(|| panic!("unknown example language {lang}"));
        out.push((lang, kind == "bad", body.join("\n")));
    }
    out
}

#[test]
fn rule_page_examples_are_flagged_exactly_when_bad() {
    let knowledge = Knowledge::builtin();
    let mut failures = Vec::new();
    for rule in rules::ALL {
        let meta = rule.meta();
        let examples = examples(meta.doc);
        let langs: Vec<Lang> = examples.iter().map(|(l, _, _)| *l).collect();
        for &lang in meta.langs {
            if !langs.contains(&lang) {
                failures.push(format!("{}: no {} example", meta.name, lang.name()));
            }
        }
        for (lang, bad, code) in examples {
            if !meta.langs.contains(&lang) {
                failures.push(format!(
                    "{}: a {} example, but the rule does not read {}",
                    meta.name,
                    lang.name(),
                    lang.name()
                ));
                continue;
            }
            // A bad example is flagged by its rule; a good one by no rule at all, since a
            // reader copies it.
            let checked_with: &[&dyn rules::Rule] = if bad { &[*rule] } else { rules::ALL };
            let result = idemlint::check_source(&code, lang, checked_with, &knowledge);
            let flagged = !result.findings.is_empty();
            if flagged != bad {
                let kind = if bad { "bad" } else { "good" };
                failures.push(format!(
                    "{}: {} {kind} example {}:\n{code}",
                    meta.name,
                    lang.name(),
                    if bad { "is not flagged" } else { "is flagged" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_page_names_its_rule() {
    for rule in rules::ALL {
        let meta = rule.meta();
        assert!(
            meta.doc.starts_with(&format!("# {}\n", meta.name)),
            "rules/{}.md must start with its name",
            meta.name
        );
    }
}
