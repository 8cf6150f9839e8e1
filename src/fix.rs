//! Applying fixes (`--fix`, `--unsafe-fixes`, `--diff`): the edits the findings carry,
//! made to the file's text. Fixes whose edits overlap are made in passes: the first of them
//! in one pass, and the others when a check of the fixed text finds them again. A fix after
//! which the file reads worse (the front-end reports more of it unreadable) is never made.

use crate::finding::{Applicability, Edit, Finding};
use crate::knowledge::Knowledge;
use crate::model::{FileKind, NoteWeight};
use crate::rules::Rule;

/// How many times a file is fixed and checked again, at most: a fix rarely uncovers
/// another, and overlapping fixes are rare.
pub const PASSES: usize = 4;

/// Which fixes may be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowed {
    /// Also the fixes that change behaviour the author must review.
    pub unsafe_fixes: bool,
}

impl Allowed {
    fn admits(self, finding: &Finding) -> bool {
        finding.fix.as_ref().is_some_and(|fix| {
            !fix.edits.is_empty() && (self.unsafe_fixes || fix.applicability == Applicability::Safe)
        })
    }
}

/// A file's text with its fixes made.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// How many findings' fixes were made.
    pub applied: usize,
    /// How many fixes are left because they are unsafe and only safe ones were allowed.
    pub unsafe_left: usize,
}

/// The text of a file of `kind` with the allowed fixes of `findings` made, checking it
/// again with `rules` after each pass; `passes` 1 makes only the fixes of `findings`.
pub fn fix_file(
    source: &str,
    kind: FileKind,
    findings: &[Finding],
    allowed: Allowed,
    passes: usize,
    (rules, knowledge): (&[&dyn Rule], &Knowledge),
) -> Fixed {
    let any_fix = Allowed { unsafe_fixes: true };
    if !findings.iter().any(|finding| any_fix.admits(finding)) {
        return Fixed {
            text: source.to_owned(),
            ..Fixed::default()
        };
    }
    let mut text = source.to_owned();
    let mut findings = findings.to_vec();
    let mut before = crate::check_file(&text, kind, rules, knowledge);
    let mut applied = 0;
    for pass in 0..passes {
        let candidates: Vec<&Finding> = (findings.iter())
            .filter(|finding| allowed.admits(finding))
            .collect();
        let mut made_any = false;
        // Each fix in turn, kept only when the text still reads as well: a whole pass at
        // once would lose every fix to one that breaks the text.
        let mut taken: Vec<&Edit> = Vec::new();
        for finding in candidates {
            let edits = &finding.fix.as_ref().expect("admitted fixes have one").edits;
            if edits.iter().any(|edit| overlaps(edit, &taken)) {
                continue;
            }
            let mut trial = taken.clone();
            trial.extend(edits);
            let Ok(candidate) = apply_edits(&text, &trial) else {
                continue;
            };
            let result = crate::check_file(&candidate, kind, rules, knowledge);
            if unreadable(&result) > unreadable(&before) {
                continue;
            }
            taken = trial;
            made_any = true;
            applied += 1;
        }
        if !made_any {
            break;
        }
        text = apply_edits(&text, &taken).expect("every edit was tried");
        before = crate::check_file(&text, kind, rules, knowledge);
        if pass + 1 < passes {
            findings = before.findings.clone();
        } else {
            findings.clear();
        }
    }
    let unsafe_left = if allowed.unsafe_fixes {
        0
    } else {
        (before.findings.iter())
            .filter(|f| any_fix.admits(f) && !allowed.admits(f))
            .count()
    };
    Fixed {
        text,
        applied,
        unsafe_left,
    }
}

/// How much of a file its front-end could not read.
fn unreadable(result: &crate::FileResult) -> usize {
    (result.notes.iter())
        .filter(|note| note.weight == NoteWeight::Warning)
        .count()
}

/// Whether `edit` overlaps one of `taken`, or inserts where one of them does (their order
/// would be a guess).
fn overlaps(edit: &Edit, taken: &[&Edit]) -> bool {
    taken.iter().any(|other| {
        edit.span.start < other.span.end && other.span.start < edit.span.end
            || edit.span.start == other.span.start
    })
}

/// `source` with `edits` made (in any order), or why they cannot all be made.
pub fn apply_edits(source: &str, edits: &[&Edit]) -> Result<String, String> {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let mut fixed = String::with_capacity(source.len());
    let mut copied = 0;
    for edit in edits {
        if edit.span.start < copied || source.get(copied..edit.span.start).is_none() {
            return Err(format!(
                "the edit at byte {} overlaps another or falls outside the text",
                edit.span.start
            ));
        }
        fixed.push_str(&source[copied..edit.span.start]);
        fixed.push_str(&edit.replacement);
        copied = edit.span.end;
    }
    fixed.push_str(
        source
            .get(copied..)
            .ok_or("an edit ends outside the text")?,
    );
    Ok(fixed)
}

/// The unified diff of a file's fix, for `--diff`.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    let mut diff = similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(false)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    // A last line without its newline, as `diff` marks it.
    if !diff.ends_with('\n') {
        diff.push_str("\n\\ No newline at end of file\n");
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Fix, Label};
    use crate::model::Lang;

    const SOURCE: &str = "SELECT 1;\nINSERT INTO t (k) VALUES (1);\n";

    /// A finding on the INSERT whose fix puts `replacement` at byte `at`.
    fn finding(at: usize, replacement: &str, applicability: Applicability) -> Finding {
        Finding::new("unchecked-on-conflict", "m", Label::new(at..at, "l")).with_fix(Fix {
            description: "d".to_owned(),
            edits: vec![Edit {
                span: at..at,
                replacement: replacement.to_owned(),
            }],
            applicability,
        })
    }

    fn fixed(findings: &[Finding], unsafe_fixes: bool) -> Fixed {
        fix_file(
            SOURCE,
            FileKind::Code(Lang::Sql),
            findings,
            Allowed { unsafe_fixes },
            1,
            (&[], &Knowledge::builtin()),
        )
    }

    #[test]
    fn a_fix_that_leaves_the_file_unreadable_is_not_made() {
        let end_of_insert = SOURCE.len() - 2;
        let breaks = finding(end_of_insert, " ON CONFLICT 'x", Applicability::Safe);
        let closes = finding(
            end_of_insert,
            " ON CONFLICT DO NOTHING",
            Applicability::Safe,
        );
        let alone = fixed(std::slice::from_ref(&breaks), false);
        assert_eq!((alone.applied, alone.text.as_str()), (0, SOURCE));
        let both = fixed(&[breaks, closes], false);
        assert_eq!(both.applied, 1);
        assert_eq!(
            both.text,
            "SELECT 1;\nINSERT INTO t (k) VALUES (1) ON CONFLICT DO NOTHING;\n"
        );
    }

    #[test]
    fn unsafe_fixes_wait_for_their_flag_and_overlapping_ones_for_the_next_pass() {
        let end_of_insert = SOURCE.len() - 2;
        let risky = finding(end_of_insert, " RETURNING k", Applicability::Unsafe);
        let without = fixed(std::slice::from_ref(&risky), false);
        assert_eq!((without.applied, without.text.as_str()), (0, SOURCE));
        let with = fixed(&[risky.clone(), risky], true);
        assert_eq!(
            with.applied, 1,
            "the second inserts at the same place: next pass"
        );
        assert_eq!(
            with.text,
            "SELECT 1;\nINSERT INTO t (k) VALUES (1) RETURNING k;\n"
        );
    }
}
