//! Inline suppressions: `idemlint-ignore: RULE[, RULE] -- REASON` in a comment covers the
//! findings of those rules on the comment's lines and the line after it (a finding's line
//! being where it, its statement or its string literal starts), and
//! `idemlint-ignore-file: RULE[, RULE]` covers the whole file. The reason is optional, as
//! in ruff's `noqa`. A suppression that covers nothing, names an unknown rule or names none
//! is reported as a finding of the meta-rule `unused-suppression` (rules/unused-suppression.md).

use std::borrow::Borrow;
use std::cmp::Reverse;
use std::collections::binary_heap::PeekMut;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use crate::finding::{Edit, Finding, Label, Severity};
use crate::model::{CallRole, Comment, Module, Span};
use crate::report::position::LineIndex;
use crate::rules::{self, Rule, UNUSED_SUPPRESSION};

const LINE_DIRECTIVE: &str = "idemlint-ignore";
const FILE_DIRECTIVE: &str = "idemlint-ignore-file";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// The comment's own lines, and the line after its last one.
    Lines {
        first: usize,
        last: usize,
    },
    File,
}

/// One suppression comment.
#[derive(Debug)]
struct Directive {
    scope: Scope,
    /// The rule names with their spans in the file.
    names: Vec<(String, Span)>,
    /// The whole comment, where a report about the comment as a whole points.
    span: Span,
    /// What follows the directive when no `:` does (`idemlint-ignore unchecked-on-conflict`):
    /// rules meant, but not read as such.
    without_colon: Option<String>,
}

/// Removes the findings that a suppression covers and adds one `unused-suppression`
/// finding per suppression (or rule name in one) that covers nothing. `rules` are the rules
/// that ran: a suppression of any other rule cannot be judged and is left alone.
pub fn apply(
    findings: Vec<Finding>,
    module: &Module,
    source: &str,
    rules: &[&dyn Rule],
) -> Vec<Finding> {
    let index = LineIndex::new(source);
    let directives: Vec<Directive> = module
        .comments
        .iter()
        .filter_map(|comment| directive(comment, source, &index))
        .collect();
    if directives.is_empty() {
        return findings;
    }
    let holders = Holders::of(module);
    // The (directive, name) pairs that cover a finding, whose anchor lines are `lines`.
    let covering = |finding: &Finding, lines: &[usize]| -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for (d, directive) in directives.iter().enumerate() {
            let in_scope = match directive.scope {
                Scope::File => true,
                Scope::Lines { first, last } => {
                    lines.iter().any(|&line| first <= line && line <= last + 1)
                }
            };
            if in_scope {
                pairs.extend(
                    (directive.names.iter().enumerate())
                        .filter(|(_, (name, _))| name == finding.rule)
                        .map(|(n, _)| (d, n)),
                );
            }
        }
        pairs
    };
    let mut used: BTreeSet<(usize, usize)> = BTreeSet::new();
    let lines = holders.anchor_lines(&findings, &index);
    let mut kept: Vec<Finding> = (findings.into_iter().zip(lines))
        .filter(|(finding, lines)| {
            let pairs = covering(finding, lines);
            used.extend(pairs.iter().copied());
            pairs.is_empty()
        })
        .map(|(finding, _)| finding)
        .collect();
    let ran = |name: &str| rules.iter().any(|rule| rule.meta().name == name);
    let stale: Vec<Finding> = directives
        .iter()
        .enumerate()
        .flat_map(|(d, directive)| {
            let unused = directive
                .names
                .iter()
                .enumerate()
                .filter_map(|(n, (name, span))| {
                    let problem = if rules::meta_by_name(name).is_none() {
                        Problem::UnknownRule(name)
                    } else if ran(name) && !used.contains(&(d, n)) {
                        Problem::NothingCovered(name)
                    } else {
                        return None;
                    };
                    Some(report(problem, directive.scope, span.clone()))
                });
            let problem = match &directive.without_colon {
                Some(words) => Problem::MissingColon(words),
                None => Problem::NoRule,
            };
            let nameless = directive
                .names
                .is_empty()
                .then(|| report(problem, directive.scope, directive.span.clone()));
            unused.chain(nameless).collect::<Vec<_>>()
        })
        .collect();
    let lines = holders.anchor_lines(&stale, &index);
    kept.extend(
        (stale.into_iter().zip(lines))
            .filter(|(finding, lines)| covering(finding, lines).is_empty())
            .map(|(finding, _)| finding),
    );
    kept.sort_by(|a, b| {
        (a.primary.span.start, a.primary.span.end, a.rule).cmp(&(
            b.primary.span.start,
            b.primary.span.end,
            b.rule,
        ))
    });
    kept
}

/// Gives each finding the comment line that would suppress it (see
/// [`Finding::suppression`]): `comment` (the language's line comment) and the directive,
/// indented as the line it goes above, the first of the lines a suppression of it may stand
/// above (the statement or the string literal holding it), and ended as that line is. A
/// line that starts inside a string literal or a comment (a statement that starts after
/// one ends, on its last line) has no place for one: the finding gets none.
pub fn place(findings: &mut [Finding], module: &Module, source: &str, comment: &str) {
    let suppressible = |finding: &&mut Finding| finding.rule != UNUSED_SUPPRESSION.name;
    if !findings.iter_mut().any(|finding| suppressible(&finding)) {
        return;
    }
    let index = LineIndex::new(source);
    let holders = Holders::of(module);
    let comments = module.comments.iter().map(|comment| &comment.span);
    let inside = Overlaps::of(holders.literals.iter().chain(comments));
    let mut findings: Vec<&mut Finding> = findings.iter_mut().filter(suppressible).collect();
    let lines = holders.anchor_lines(&findings, &index);
    for (finding, lines) in findings.iter_mut().zip(lines) {
        let Some(line) = lines.into_iter().min() else {
            continue;
        };
        let start = index.line_start(line);
        if inside.strictly_hold(start) {
            continue;
        }
        let text = &source[start..];
        let indent: String = text
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let line_end = match text
            .split('\n')
            .next()
            .is_some_and(|line| line.ends_with('\r'))
        {
            true => "\r\n",
            false => "\n",
        };
        finding.suppression = Some(Edit {
            span: start..start,
            replacement: format!(
                "{indent}{comment} {LINE_DIRECTIVE}: {} -- {line_end}",
                finding.rule
            ),
        });
    }
}

/// What may hold a finding and span several lines: where a suppression above them counts.
#[derive(Default)]
struct Holders {
    statements: Vec<Span>,
    /// Where each string literal lies in the file, from its first byte to its last (a
    /// constant's literal, followed to where it is used, included).
    literals: Vec<Span>,
}

impl Holders {
    fn of(module: &Module) -> Holders {
        let mut holders = Holders::default();
        for unit in &module.units {
            holders
                .statements
                .extend(unit.body.all_stmts().iter().map(|stmt| stmt.span.clone()));
            for expr in unit.all_exprs() {
                let sql = expr.as_call().and_then(|call| match &call.role {
                    CallRole::Query(query) => Some(&query.sql.text),
                    _ => None,
                });
                for literal in expr.as_str().into_iter().chain(sql) {
                    let start = literal.origin.iter().min();
                    let end = literal.origin.iter().max();
                    if let (Some(&start), Some(&end)) = (start, end) {
                        holders.literals.push(start..end);
                    }
                }
            }
        }
        holders
    }

    /// For each finding, the lines a suppression may stand on (or above) to cover it: the
    /// line it starts on, the first line of the innermost statement holding it, and the
    /// first line of the string literal holding it, so that a finding in SQL inside a
    /// multi-line string can be suppressed above the host statement or constant.
    fn anchor_lines<F: Borrow<Finding>>(
        &self,
        findings: &[F],
        index: &LineIndex,
    ) -> Vec<Vec<usize>> {
        let starts: Vec<usize> = (findings.iter())
            .map(|f| f.borrow().primary.span.start)
            .collect();
        let statements = innermost_starts(&self.statements, &starts);
        let literals = innermost_starts(&self.literals, &starts);
        (starts.iter().zip(statements).zip(literals))
            .map(|((&start, statement), literal)| {
                [Some(start), statement, literal]
                    .into_iter()
                    .flatten()
                    .map(|offset| index.position(offset).line)
                    .collect()
            })
            .collect()
    }
}

/// For each of `points`, the start of the shortest of `spans` holding it (a span of no
/// length holds its start; of two as short, the one starting first), in one sweep over
/// both sorted: a file of many findings and statements is not read once per finding.
fn innermost_starts(spans: &[Span], points: &[usize]) -> Vec<Option<usize>> {
    crate::work::step(spans.len() + points.len());
    let mut spans: Vec<(usize, usize)> = (spans.iter())
        .map(|span| (span.start, span.end.max(span.start + 1)))
        .collect();
    spans.sort_unstable();
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_unstable_by_key(|&i| points[i]);
    // The spans that started at or before the point and have not ended, shortest first
    // (with how many times each is listed), and when they end.
    let mut holding: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut ends: BinaryHeap<Reverse<(usize, usize, usize)>> = BinaryHeap::new();
    let mut next = 0;
    let mut innermost = vec![None; points.len()];
    for i in order {
        let point = points[i];
        while let Some(&(start, end)) = spans.get(next).filter(|(start, _)| *start <= point) {
            *holding.entry((end - start, start)).or_default() += 1;
            ends.push(Reverse((end, end - start, start)));
            next += 1;
        }
        while let Some(Reverse((_, len, start))) =
            ends.peek_mut().filter(|e| e.0.0 <= point).map(PeekMut::pop)
        {
            if let Some(count) = holding.get_mut(&(len, start)) {
                *count -= 1;
                if *count == 0 {
                    holding.remove(&(len, start));
                }
            }
        }
        innermost[i] = holding.first_key_value().map(|(&(_, start), _)| start);
    }
    innermost
}

/// Spans (literals, comments) merged where they overlap, to ask in a binary search whether
/// some span holds a point strictly inside: two that only touch stay apart, so a point
/// where one ends and the next starts is inside neither, as it is inside no span.
struct Overlaps(Vec<Span>);

impl Overlaps {
    fn of<'s>(spans: impl Iterator<Item = &'s Span>) -> Overlaps {
        let mut spans: Vec<Span> = spans.filter(|s| s.end > s.start + 1).cloned().collect();
        crate::work::step(spans.len());
        spans.sort_unstable_by_key(|s| s.start);
        let mut merged: Vec<Span> = Vec::new();
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start < last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        Overlaps(merged)
    }

    /// Whether a span holds `point` with bytes of it on both sides.
    fn strictly_hold(&self, point: usize) -> bool {
        let before = self.0.partition_point(|s| s.start < point);
        before > 0 && point < self.0[before - 1].end
    }
}

enum Problem<'a> {
    UnknownRule(&'a str),
    NothingCovered(&'a str),
    NoRule,
    /// The words after the directive, which no `:` makes a list of rules.
    MissingColon(&'a str),
}

fn report(problem: Problem, scope: Scope, span: Span) -> Finding {
    let (message, label, help) = match problem {
        Problem::UnknownRule(name) => (
            format!("`{name}` is not a rule, so this suppression suppresses nothing"),
            "unknown rule".to_owned(),
            "correct the name: `idemlint rules` lists the rules".to_owned(),
        ),
        Problem::NothingCovered(name) => {
            let place = match scope {
                Scope::File => "in this file",
                Scope::Lines { .. } => "on this line or the next",
            };
            (
                format!("this suppression of `{name}` suppresses nothing"),
                format!("no `{name}` finding {place}"),
                "remove the rule from the comment, or the comment if it names no other".to_owned(),
            )
        }
        Problem::MissingColon(words) => {
            let directive = match scope {
                Scope::File => FILE_DIRECTIVE,
                Scope::Lines { .. } => LINE_DIRECTIVE,
            };
            (
                "this suppression names no rule: a `:` must come before the rules".to_owned(),
                format!("no `:` after `{directive}`"),
                format!("write `{directive}: {words}`"),
            )
        }
        Problem::NoRule => (
            "this suppression names no rule".to_owned(),
            "no rule named after it".to_owned(),
            "name the rules it suppresses: `idemlint-ignore: RULE[, RULE] -- reason`".to_owned(),
        ),
    };
    let mut finding =
        Finding::new(UNUSED_SUPPRESSION.name, message, Label::new(span, label)).with_help(help);
    finding.severity = Severity::Warning;
    finding
}

/// The suppression in `comment`, if it is one: its text must begin with the directive
/// (after the markers of a doc comment), so prose that mentions a directive is not one.
fn directive(comment: &Comment, source: &str, index: &LineIndex) -> Option<Directive> {
    let text = comment.text.as_str();
    let body = text.trim_start_matches(|c: char| c.is_whitespace() || "/!*#".contains(c));
    let (scope, rest) = if let Some(rest) = body.strip_prefix(FILE_DIRECTIVE) {
        (Scope::File, rest)
    } else {
        let rest = body.strip_prefix(LINE_DIRECTIVE)?;
        let lines = Scope::Lines {
            first: index.position(comment.span.start).line,
            last: index.position(comment.span.end.saturating_sub(1)).line,
        };
        (lines, rest)
    };
    let list = rest.trim_start().strip_prefix(':');
    if list.is_none() && rest.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
        // `idemlint-ignored`, `idemlint-ignore-this`: another word, not a directive.
        return None;
    }
    // Where the comment's text starts in the file, for the spans of the names.
    let text_start = source
        .get(comment.span.clone())
        .and_then(|raw| raw.find(text))
        .map(|offset| comment.span.start + offset);
    let mut names = Vec::new();
    if let Some(list) = list {
        // The list is a suffix of `text`, up to the reason.
        let mut offset = text.len() - list.len();
        let list = list.split("--").next().unwrap_or_default();
        for part in list.split(',') {
            let name = part.trim();
            if !name.is_empty() {
                let at = offset + part.find(name).unwrap_or(0);
                let span = match text_start {
                    Some(start) => start + at..start + at + name.len(),
                    None => comment.span.clone(),
                };
                names.push((name.to_owned(), span));
            }
            offset += part.len() + 1;
        }
    }
    // `idemlint-ignore unchecked-on-conflict -- reason`: the rules, with no colon.
    let without_colon = list
        .is_none()
        .then(|| rest.split("--").next().unwrap_or_default().trim())
        .filter(|words| !words.is_empty())
        .map(str::to_owned);
    Some(Directive {
        scope,
        names,
        span: comment.span.clone(),
        without_colon,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Arity, Block, Expr, ExprKind, Stmt, StmtKind, StrLit, Unit, UnitKind};
    use crate::report::tests::span_of;

    static TEST_RULE: crate::rules::RuleMeta = crate::rules::RuleMeta {
        name: "unchecked-on-conflict",
        summary: "",
        default_severity: Severity::Error,
        langs: &[crate::model::Lang::Sql],
        doc: "",
    };

    struct StubRule;
    impl Rule for StubRule {
        fn meta(&self) -> &'static crate::rules::RuleMeta {
            &TEST_RULE
        }
        fn check(&self, _: &Unit, _: &crate::rules::Context) -> Vec<Finding> {
            Vec::new()
        }
    }

    /// The comments of `source`: `--` to the end of the line, as the SQL front-end gives them.
    fn module(source: &str, statements: &[Span]) -> Module {
        let mut comments = Vec::new();
        let mut offset = 0;
        for line in source.split_inclusive('\n') {
            if let Some(at) = line.find("--") {
                let text = line[at + 2..].trim_end_matches('\n');
                comments.push(Comment {
                    span: offset + at..offset + at + 2 + text.len(),
                    text: text.to_owned(),
                });
            }
            offset += line.len();
        }
        let stmts = statements
            .iter()
            .map(|span| Stmt {
                span: span.clone(),
                kind: StmtKind::Break(None),
            })
            .collect();
        Module {
            units: vec![Unit {
                name: "script".to_owned(),
                kind: UnitKind::Script,
                span: 0..source.len(),
                params: Vec::new(),
                arity: Arity::ANY,
                body: Block { stmts },
            }],
            comments,
            ..Module::default()
        }
    }

    fn finding_at(source: &str, needle: &str) -> Finding {
        Finding::new(
            "unchecked-on-conflict",
            "unchecked",
            Label::new(span_of(source, needle), "here"),
        )
    }

    /// What is left: `rule@line: message`.
    fn run(source: &str, statements: &[Span], findings: Vec<Finding>) -> Vec<String> {
        run_with(source, statements, findings, &[&StubRule])
    }

    fn run_with(
        source: &str,
        statements: &[Span],
        findings: Vec<Finding>,
        rules: &[&dyn Rule],
    ) -> Vec<String> {
        let index = LineIndex::new(source);
        apply(findings, &module(source, statements), source, rules)
            .iter()
            .map(|f| {
                let at = index.position(f.primary.span.start);
                format!(
                    "{}@{at} {}: {} [{}]",
                    f.rule,
                    f.severity.name(),
                    f.message,
                    index.text(&f.primary.span)
                )
            })
            .collect()
    }

    #[test]
    fn a_suppression_covers_its_line_and_the_next() {
        let source = "\
-- idemlint-ignore: unchecked-on-conflict -- replayed by the outbox, checked there
INSERT a; -- idemlint-ignore: unchecked-on-conflict
INSERT b;
INSERT c;
";
        let findings = ["INSERT a", "INSERT b", "INSERT c"]
            .map(|needle| finding_at(source, needle))
            .to_vec();
        assert_eq!(
            run(source, &[], findings),
            ["unchecked-on-conflict@4:1 error: unchecked [INSERT c]"]
        );
    }

    #[test]
    fn stale_unknown_and_empty_suppressions_are_reported() {
        let source = "\
SELECT 1; -- idemlint-ignore: unchecked-on-conflict, no-such-rule
-- idemlint-ignore:
-- idemlint-ignore -- forgot the colon
-- idemlint-ignored is a word in prose, and so is a mention of idemlint-ignore: x
-- idemlint-ignore unchecked-on-conflict -- no colon
";
        assert_eq!(
            run(source, &[], Vec::new()),
            [
                "unused-suppression@1:31 warning: this suppression of `unchecked-on-conflict` \
                 suppresses nothing [unchecked-on-conflict]",
                "unused-suppression@1:54 warning: `no-such-rule` is not a rule, so this \
                 suppression suppresses nothing [no-such-rule]",
                "unused-suppression@2:1 warning: this suppression names no rule \
                 [-- idemlint-ignore:]",
                "unused-suppression@3:1 warning: this suppression names no rule \
                 [-- idemlint-ignore -- forgot the colon]",
                "unused-suppression@5:1 warning: this suppression names no rule: a `:` must \
                 come before the rules [-- idemlint-ignore unchecked-on-conflict -- no colon]",
            ]
        );
    }

    #[test]
    fn a_file_suppression_covers_the_whole_file() {
        let source = "\
INSERT a;
-- idemlint-ignore-file: unchecked-on-conflict, unused-suppression
INSERT b; -- idemlint-ignore: unchecked-on-conflict
";
        let findings = vec![
            finding_at(source, "INSERT a"),
            finding_at(source, "INSERT b"),
        ];
        // The line suppression is stale (the file one got there first) but the file
        // suppression of `unused-suppression` covers that report too.
        assert_eq!(run(source, &[], findings), Vec::<String>::new());
        let unused = "-- idemlint-ignore-file: unchecked-on-conflict\nSELECT 1;\n";
        assert_eq!(
            run(unused, &[], Vec::new()),
            [
                "unused-suppression@1:26 warning: this suppression of `unchecked-on-conflict` \
              suppresses nothing [unchecked-on-conflict]"
            ]
        );
    }

    #[test]
    fn a_suppression_above_a_multi_line_statement_covers_findings_inside_it() {
        let source = "\
-- idemlint-ignore: unchecked-on-conflict -- the caller checks RowsAffected
db.Exec(`
  INSERT INTO inbox (id) VALUES ($1)
  ON CONFLICT DO NOTHING`)
db.Exec(`
  ON CONFLICT DO NOTHING`)
";
        let statement = span_of(source, "db.Exec(`\n  INSERT");
        let statement = statement.start..span_of(source, "DO NOTHING`)").end;
        let findings = vec![
            finding_at(source, "ON CONFLICT DO NOTHING`)\ndb"),
            Finding::new(
                "unchecked-on-conflict",
                "unchecked",
                Label::new(
                    source.rfind("ON CONFLICT").unwrap()..source.len() - 3,
                    "here",
                ),
            ),
        ];
        assert_eq!(
            run(source, &[statement], findings),
            ["unchecked-on-conflict@6:3 error: unchecked [ON CONFLICT DO NOTHING]"]
        );
    }

    #[test]
    fn a_suppression_above_a_string_constant_covers_findings_in_it_where_it_is_used() {
        let source = "\
-- idemlint-ignore: unchecked-on-conflict -- sample text, never run
CLAIM = 'INSERT INTO inbox (id) VALUES ($1)
ON CONFLICT DO NOTHING';
run(CLAIM);
";
        let literal = span_of(
            source,
            // idemlint-ignore: unchecked-on-conflict -- a needle to search for, never run
            "INSERT INTO inbox (id) VALUES ($1)\nON CONFLICT DO NOTHING",
        );
        let use_site = span_of(source, "run(CLAIM)");
        let mut module = module(source, &[]);
        module.units[0].body.stmts.push(Stmt {
            span: use_site.clone(),
            kind: StmtKind::Expr(Expr::new(
                use_site,
                ExprKind::Str(StrLit::verbatim(&source[literal.clone()], literal.start)),
            )),
        });
        let finding = finding_at(source, "ON CONFLICT DO NOTHING");
        let kept = apply(vec![finding], &module, source, &[&StubRule]);
        assert_eq!(kept, []);
    }

    #[test]
    fn suppressions_of_rules_that_did_not_run_are_left_alone() {
        let source = "SELECT 1; -- idemlint-ignore: unchecked-on-conflict\n";
        assert_eq!(run_with(source, &[], Vec::new(), &[]), Vec::<String>::new());
    }

    #[test]
    fn doc_comment_markers_before_the_directive_are_skipped() {
        let source = "x\n";
        let comment = Comment {
            span: 0..0,
            text: "/ idemlint-ignore-file: a, b -- why".to_owned(),
        };
        let found = directive(&comment, source, &LineIndex::new(source)).unwrap();
        assert_eq!(found.scope, Scope::File);
        let names: Vec<&str> = found.names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn innermost_holding_spans_in_one_sweep() {
        // A statement holding two, one of no length, and the same span listed twice.
        let spans = [0..100, 10..20, 10..20, 30..30, 15..18];
        let points = [16, 12, 30, 50, 100, 5, 19];
        assert_eq!(
            innermost_starts(&spans, &points),
            [
                Some(15),
                Some(10),
                Some(30),
                Some(0),
                None,
                Some(0),
                Some(10)
            ]
        );
    }

    #[test]
    fn strictly_inside_merged_spans() {
        let spans = [0..5, 5..10, 3..4, 20..30, 25..40];
        let overlaps = Overlaps::of(spans.iter());
        let inside: Vec<usize> = (0..45).filter(|&p| overlaps.strictly_hold(p)).collect();
        let expected: Vec<usize> = (1..5).chain(6..10).chain(21..40).collect();
        assert_eq!(inside, expected);
    }
}
