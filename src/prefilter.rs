//! The prefilter: one byte scan of a file before it is parsed. Every rule says which words a
//! file must hold for the rule to find anything in it ([`crate::rules::Rule::needs`]), and a
//! file that holds the words of no enabled rule is not parsed at all: most files of a large
//! tree cannot hold a finding, and parsing is nearly all of the cost of checking one.
//!
//! The words come from what the rules read: the SQL keywords that make a statement an
//! INSERT or a SELECT, the names of the calls the knowledge table classifies (including the
//! config file's extensions), the name hints of dedup tables and attempt counters. A rule's
//! need must hold for every file the rule can report on, so the prefilter never changes the
//! findings; `tests/prefilter.rs` runs the fixture suite with it and without it and compares.
//!
//! The scan is one Aho-Corasick pass, case-insensitive, over all the words of all the
//! enabled rules; each hit is then checked for the kind of word it must be (a whole keyword,
//! an identifier in its exact case, the start of a word of a name). The pass ends as soon as
//! one rule's need is met.

mod calls;
mod regions;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

pub use calls::CalledNames;
use regions::Regions;

use crate::knowledge::Knowledge;
use crate::lang::profile::Profile;
use crate::lang::profile_of;
use crate::model::FileKind;
use crate::rules::Rule;
use crate::rules::{Need, TextScan, Word, WordKind, is_identifier_byte};

/// The comment directive of inline suppressions: a file with one is always parsed, so that
/// a suppression that suppresses nothing is still reported.
const SUPPRESSION_WORD: &str = "idemlint-ignore";

/// The compiled needs of a set of rules.
pub struct Prefilter {
    need: Simplified,
    searcher: Option<AhoCorasick>,
    words: Vec<Word>,
    /// The checks of a file's text that words cannot say, numbered as the need's
    /// [`Node::Scan`]s: made only where the words around them hold.
    scans: Vec<TextScan>,
    /// For each pattern of the searcher, the words whose text it is.
    pattern_words: Vec<Vec<usize>>,
}

/// A need with its words numbered.
enum Node {
    Word(usize),
    Scan(usize),
    All(Vec<Node>),
    Any(Vec<Node>),
}

enum Simplified {
    Always,
    Never,
    Node(Node),
}

impl Prefilter {
    /// The prefilter for `rules`, with their words taken from `knowledge`.
    pub fn new(rules: &[&dyn Rule], knowledge: &Knowledge) -> Prefilter {
        let need = Need::any(
            rules
                .iter()
                .map(|rule| rule.needs(knowledge))
                .chain([Need::text([SUPPRESSION_WORD])]),
        );
        let mut words = Vec::new();
        let mut scans = Vec::new();
        let need = simplify(need, &mut words, &mut scans);
        let mut texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        texts.sort_unstable_by_key(|t| t.to_ascii_lowercase());
        texts.dedup_by_key(|t| t.to_ascii_lowercase());
        let pattern_words = texts
            .iter()
            .map(|text| {
                (0..words.len())
                    .filter(|&i| words[i].text.eq_ignore_ascii_case(text))
                    .collect()
            })
            .collect();
        let searcher = match need {
            Simplified::Node(_) => searcher(&texts),
            _ => None,
        };
        let need = match (need, &searcher) {
            // Words too many for the automaton: no file is skipped.
            (Simplified::Node(_), None) => Simplified::Always,
            (need, _) => need,
        };
        Prefilter {
            need,
            searcher,
            words,
            scans,
            pattern_words,
        }
    }

    /// Whether `text`, a file of `kind`, holds the words of at least one rule, so that it
    /// must be parsed.
    pub fn admits(&self, text: &[u8], kind: FileKind) -> bool {
        let (node, searcher) = match (&self.need, &self.searcher) {
            (Simplified::Node(node), Some(searcher)) => (node, searcher),
            (Simplified::Never, _) => return false,
            _ => return true,
        };
        let lang = kind.lang();
        let profile = lang.map(profile_of);
        // In host code SQL lives in strings; in a SQL file, or a Markdown file's SQL blocks,
        // it is the code itself.
        let sql_in_strings = lang.is_some_and(|l| !l.code_is_sql());
        // Markdown holds code blocks of every language.
        let counts_in = |word: &Word| lang.is_none() || word.lang.is_none_or(|l| Some(l) == lang);
        let mut found: Vec<bool> = (self.words.iter())
            .map(|w| w.kind == WordKind::StringStart && !sql_in_strings)
            .collect();
        let mut wanted: Vec<bool> = (self.words.iter().zip(&found))
            .map(|(w, found)| !found && counts_in(w))
            .collect();
        let no_scan = &mut |_: usize| false;
        if node.holds(&found, no_scan) {
            return true;
        }
        let mut regions = Regions::new(text, profile.and_then(|p| p.lexical()));
        // A SQL word passed over for standing in code: right only if the file lexes.
        let mut sql_in_code = false;
        for hit in searcher.find_overlapping_iter(text) {
            for &w in &self.pattern_words[hit.pattern().as_usize()] {
                let kind = self.words[w].kind;
                if !wanted[w]
                    || !self.words[w].stands_at(text, hit.start(), hit.end(), profile)
                    || (kind == WordKind::NameWord
                        && is_keyword(text, hit.start(), profile, &mut regions))
                {
                    continue;
                }
                let literal_ok =
                    !kind.in_literal() || !sql_in_strings || regions.may_be_literal(hit.start());
                sql_in_code |= !literal_ok;
                if (!kind.in_code() || regions.is_code(hit.start())) && literal_ok {
                    wanted[w] = false;
                    found[w] = true;
                    if node.holds(&found, no_scan) {
                        return true;
                    }
                }
            }
        }
        // A parser's recovery may read as strings what a file that does not lex holds in
        // code: its SQL words count.
        if sql_in_code && regions.misread() {
            return true;
        }
        // The words alone do not admit the file: the scans, made only where the words
        // beside them hold, each at most once.
        let mut scanned: Vec<Option<bool>> = vec![None; self.scans.len()];
        node.holds(&found, &mut |i| {
            *scanned[i].get_or_insert_with(|| self.scans[i].holds(text, lang))
        })
    }

    /// Every word the scan looks for, for tools that want to scan for the same ones.
    pub fn words(&self) -> &[Word] {
        &self.words
    }

    /// Whether some file can be skipped at all.
    pub fn skips_any(&self) -> bool {
        !matches!(self.need, Simplified::Always)
    }
}

/// Folds away what is always or never met, and numbers the words (the same word once) and
/// the scans.
fn simplify(need: Need, words: &mut Vec<Word>, scans: &mut Vec<TextScan>) -> Simplified {
    match need {
        Need::Always => Simplified::Always,
        Need::Scan(scan) => {
            scans.push(scan);
            Simplified::Node(Node::Scan(scans.len() - 1))
        }
        Need::Word(word) => {
            let index = words.iter().position(|w| *w == word).unwrap_or_else(|| {
                words.push(word);
                words.len() - 1
            });
            Simplified::Node(Node::Word(index))
        }
        Need::All(needs) => {
            let mut nodes = Vec::new();
            for need in needs {
                match simplify(need, words, scans) {
                    Simplified::Never => return Simplified::Never,
                    Simplified::Always => {}
                    Simplified::Node(node) => nodes.push(node),
                }
            }
            // Words first: a scan is made only where they hold.
            nodes.sort_by_key(Node::scans);
            match nodes.len() {
                0 => Simplified::Always,
                1 => Simplified::Node(nodes.remove(0)),
                _ => Simplified::Node(Node::All(nodes)),
            }
        }
        Need::Any(needs) => {
            let mut nodes = Vec::new();
            for need in needs {
                match simplify(need, words, scans) {
                    Simplified::Always => return Simplified::Always,
                    Simplified::Never => {}
                    Simplified::Node(node) => nodes.push(node),
                }
            }
            match nodes.len() {
                0 => Simplified::Never,
                1 => Simplified::Node(nodes.remove(0)),
                _ => Simplified::Node(Node::Any(nodes)),
            }
        }
    }
}

impl Node {
    /// Whether the node asks for a scan.
    fn scans(&self) -> bool {
        match self {
            Node::Word(_) => false,
            Node::Scan(_) => true,
            Node::All(nodes) | Node::Any(nodes) => nodes.iter().any(Node::scans),
        }
    }

    /// Whether the need holds with the words `found`, asking `scan` of its scans (in order,
    /// and only where the rest of an `All` holds so far).
    fn holds(&self, found: &[bool], scan: &mut dyn FnMut(usize) -> bool) -> bool {
        match self {
            Node::Word(w) => found[*w],
            Node::Scan(i) => scan(*i),
            Node::All(nodes) => nodes.iter().all(|n| n.holds(found, scan)),
            Node::Any(nodes) => nodes.iter().any(|n| n.holds(found, scan)),
        }
    }
}

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// Whether the identifier around `at` is UpperCamelCase: upper-case first, with a lower-case
/// letter somewhere.
/// Where the identifier that `at` is in begins.
fn identifier_start(text: &[u8], mut at: usize) -> usize {
    while at > 0 && is_identifier_byte(text[at - 1]) {
        at -= 1;
    }
    at
}

/// Whether the identifier around `at` is being defined as a constant or a static
/// (`pub const ERROR_RETRY: u32 = 1237;`, Go's `const maxRetries = 5`): a rule reads a name
/// where a loop uses it, and a use is a hit of its own.
fn defines_constant(text: &[u8], at: usize) -> bool {
    let begin = identifier_start(text, at);
    let before = text[..begin].trim_ascii_end();
    let before = before
        .strip_suffix(b"mut")
        .map_or(before, <[u8]>::trim_ascii_end);
    [b"const".as_slice(), b"static"].iter().any(|keyword| {
        before.ends_with(keyword)
            && !before[..before.len() - keyword.len()]
                .last()
                .copied()
                .is_some_and(is_identifier_byte)
    })
}

fn is_type_name(text: &[u8], at: usize) -> bool {
    let begin = identifier_start(text, at);
    let mut end = at;
    while text.get(end).copied().is_some_and(is_identifier_byte) {
        end += 1;
    }
    let name = &text[begin..end];
    name.first().is_some_and(u8::is_ascii_uppercase) && name.iter().any(u8::is_ascii_lowercase)
}

/// The rest of the word of a name that goes on at `at`, lower-cased: up to a
/// non-alphanumeric or an upper-case letter after a lower-case one or a digit, as the
/// knowledge table splits names.
fn rest_of_word(text: &[u8], at: usize) -> String {
    let mut rest = String::new();
    let mut prev_lower =
        at > 0 && (text[at - 1].is_ascii_lowercase() || text[at - 1].is_ascii_digit());
    for &b in text.get(at..).unwrap_or_default() {
        if !b.is_ascii_alphanumeric() || (b.is_ascii_uppercase() && prev_lower) {
            break;
        }
        prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
        rest.push(b.to_ascii_lowercase() as char);
    }
    rest
}

/// Whether the identifier at `start` is one of the language's keywords (`try:` in Python),
/// not a property that JavaScript lets be named like one (`state.try`; a `.` that ends a
/// comment before it is no property's).
fn is_keyword(
    text: &[u8],
    start: usize,
    profile: Option<&dyn Profile>,
    regions: &mut Regions,
) -> bool {
    let Some(profile) = profile else {
        return false;
    };
    let continues_name = start > 0 && is_identifier_byte(text[start - 1]);
    let before = text[..start].trim_ascii_end();
    let property = before.last() == Some(&b'.') && regions.is_code(before.len() - 1);
    if continues_name || property {
        return false;
    }
    let len = text[start..]
        .iter()
        .take_while(|&&b| is_identifier_byte(b))
        .count();
    let word = &text[start..start + len];
    profile.keywords().iter().any(|k| k.as_bytes() == word)
}

/// Whether the identifier that goes on at `at` may be a variable: it is not followed at once
/// by what makes it a call, a macro, a generic type or a path. In Rust, a name followed by a
/// type (`retries: u32`, a field, a parameter, a typed `let`) is declared there: a rule
/// reads it where it is used, and a use is a hit of its own.
fn names_variable(text: &[u8], mut at: usize, profile: Option<&dyn Profile>) -> bool {
    while text.get(at).copied().is_some_and(is_identifier_byte) {
        at += 1;
    }
    let typed = profile.is_some_and(|p| p.colon_declares_types()) && {
        let after = text[at..].trim_ascii_start();
        after.first() == Some(&b':') && after.get(1) != Some(&b':')
    };
    match text.get(at) {
        Some(b'(' | b'<' | b'!') => false,
        Some(b':') => text.get(at + 1) != Some(&b':') && !typed,
        _ => !typed,
    }
}

/// Where the `<` is that the `>` at `close` closes, if it is near.
fn generics_start(text: &[u8], close: usize) -> Option<usize> {
    /// Longest generic argument list looked through.
    const MAX_GENERICS: usize = 128;
    let mut depth = 0usize;
    for i in (close.saturating_sub(MAX_GENERICS)..=close).rev() {
        match text[i] {
            b'>' => depth += 1,
            b'<' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Longest argument list counted.
const MAX_ARGUMENTS_TEXT: usize = 256;

/// The number of arguments of the call whose name ends at `at`, if the argument list is short
/// and plain: no strings, comments, closures or generics, whose commas and brackets may not
/// be what they seem.
fn argument_count(text: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    while text.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if text.get(i) != Some(&b'(') {
        return None;
    }
    let (mut depth, mut commas, mut empty) = (0usize, 0usize, true);
    for &b in text.get(i + 1..)?.iter().take(MAX_ARGUMENTS_TEXT) {
        match b {
            b'"' | b'\'' | b'`' | b'/' | b'|' | b'<' | b'>' => return None,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth > 0 => depth -= 1,
            b')' => return Some(if empty { commas } else { commas + 1 }),
            b',' if depth == 0 => {
                commas += 1;
                empty = true;
                continue;
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            empty = false;
        }
    }
    None
}

/// Going back from `at` over what may stand between a string's opening quote and its first
/// word (spaces, escapes, line continuations, format holes, `--` comment lines), where the
/// quote would be.
fn string_start(text: &[u8], mut at: usize) -> Option<usize> {
    /// Longest `{…}` format hole skipped.
    const MAX_HOLE: usize = 32;
    loop {
        let before = at.checked_sub(1)?;
        at = match text[before] {
            b'\n' => comment_line_before(text, before).unwrap_or(before),
            b'n' if before > 0 && text[before - 1] == b'\\' => {
                comment_line_before(text, before - 1).unwrap_or(before - 1)
            }
            b if b.is_ascii_whitespace() || b == b'\\' => before,
            b if b.is_ascii_alphabetic() && before > 0 => match text[before - 1] {
                b'\\' | b'%' => before - 1,
                _ => return Some(before),
            },
            b'}' => match text[before.saturating_sub(MAX_HOLE)..before]
                .iter()
                .rposition(|&b| b == b'{')
            {
                Some(open) => before.saturating_sub(MAX_HOLE) + open,
                None => return Some(before),
            },
            _ => return Some(before),
        };
    }
}

/// Where the SQL `--` comment starts whose line ends at the line break at `newline` (a
/// newline byte or a `\n` escape), if the line is one: what stands before it is then read
/// as if the comment were not there (sqlc's `-- name: GetUser :one` header).
fn comment_line_before(text: &[u8], newline: usize) -> Option<usize> {
    /// Longest comment line looked through.
    const MAX_LINE: usize = 256;
    let from = newline.saturating_sub(MAX_LINE);
    let line_start = (from..newline)
        .rev()
        .find(|&i| {
            matches!(text[i], b'\n' | b'"' | b'`' | b'\'')
                || (text[i] == b'n' && i > 0 && text[i - 1] == b'\\')
        })
        .map(|i| i + 1)?;
    let dashes = (line_start..newline).find(|&i| !matches!(text[i], b' ' | b'\t'))?;
    text[dashes..newline].starts_with(b"--").then_some(dashes)
}

impl Word {
    /// Whether the hit `start..end` of this word's text (in any case) counts.
    fn stands_at(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        profile: Option<&dyn Profile>,
    ) -> bool {
        let before = start.checked_sub(1).map(|i| text[i]);
        let after = text.get(end).copied();
        let free_after = !after.is_some_and(is_identifier_byte);
        match self.kind {
            WordKind::Text => true,
            WordKind::Keyword | WordKind::SqlKeyword => {
                let free_before = match before {
                    Some(b) if is_identifier_byte(b) => {
                        b.is_ascii_alphabetic()
                            && start >= 2
                            && matches!(text[start - 2], b'\\' | b'%')
                    }
                    _ => true,
                };
                free_before && free_after
            }
            WordKind::Ident => {
                &text[start..end] == self.text.as_bytes()
                    && !before.is_some_and(is_identifier_byte)
                    && free_after
                    && self.qualified(text, start)
                    && self
                        .arity
                        .is_none_or(|arity| argument_count(text, end).is_none_or(|n| n == arity))
            }
            WordKind::NameWord => {
                let word_start = match before {
                    Some(b) if b.is_ascii_alphanumeric() => {
                        text[start].is_ascii_uppercase()
                            && (b.is_ascii_lowercase() || b.is_ascii_digit())
                    }
                    _ => true,
                };
                word_start
                    && crate::knowledge::is_inflection(&rest_of_word(text, end))
                    && names_variable(text, end, profile)
                    && !defines_constant(text, start)
                    && !(profile.is_some_and(|p| p.upper_camel_names_are_types())
                        && is_type_name(text, start))
            }
            WordKind::Quoted => {
                before.is_some_and(is_quote) && text.get(end).copied().is_some_and(is_quote)
            }
            WordKind::StringStart => {
                free_after && string_start(text, start).is_some_and(|i| is_quote(text[i]))
            }
        }
    }

    /// Whether the identifier at `start` may stand behind this word's qualifier: `q.x`,
    /// `q::x`, with spaces between or not, or behind something that is not an identifier; a
    /// method's behind `.` or `::`.
    fn qualified(&self, text: &[u8], start: usize) -> bool {
        let skip_space = |mut i: usize| {
            while i > 0 && text[i - 1].is_ascii_whitespace() {
                i -= 1;
            }
            i
        };
        let i = skip_space(start);
        let behind = if text[..i].ends_with(b"::") {
            Some(i - 2)
        } else if text[..i].ends_with(b".") {
            Some(i - 1)
        } else {
            None
        };
        let Some(qualifier) = &self.qualifier else {
            return !self.member || behind.is_some();
        };
        let Some(i) = behind else {
            return false;
        };
        let mut end = skip_space(i);
        if end > 0 && text[end - 1] == b'>' {
            // A turbofish (`Backoff::<T>::new`): the segment stands before the generics.
            let Some(open) = generics_start(text, end - 1) else {
                return true;
            };
            let before = skip_space(open);
            if !text[..before].ends_with(b"::") {
                // `<T as Trait>::f`: what the path names is not in the text.
                return true;
            }
            end = skip_space(before - 2);
        }
        let mut begin = end;
        while begin > 0 && is_identifier_byte(text[begin - 1]) {
            begin -= 1;
        }
        begin == end || &text[begin..end] == qualifier.as_bytes()
    }
}

/// An automaton finding `words` in any case: a DFA, the fastest to scan with, whatever
/// their number (the crate's own choice drops it past 100 words, and every file's scan
/// then takes longer); its own choice only when a DFA cannot be built.
pub(crate) fn searcher<S: AsRef<[u8]>>(words: &[S]) -> Option<AhoCorasick> {
    let build = |kind| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(kind)
            .build(words)
            .ok()
    };
    build(Some(AhoCorasickKind::DFA)).or_else(|| build(None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::CallPattern;
    use crate::model::Lang;

    fn hit(need: Need, text: &str) -> bool {
        hit_in(need, text, Lang::Go)
    }

    fn hit_in(need: Need, text: &str, lang: Lang) -> bool {
        let mut words = Vec::new();
        let mut scans = Vec::new();
        let Simplified::Node(node) = simplify(need, &mut words, &mut scans) else {
            panic!("a word need simplifies to a node");
        };
        let prefilter = Prefilter {
            searcher: searcher(&words.iter().map(|w| w.text.clone()).collect::<Vec<_>>()),
            pattern_words: (0..words.len()).map(|i| vec![i]).collect(),
            need: Simplified::Node(node),
            words,
            scans,
        };
        prefilter.admits(text.as_bytes(), FileKind::Code(lang))
    }

    fn call(pattern: &str) -> Need {
        Need::call(&CallPattern {
            lang: Some(Lang::Go),
            pattern: pattern.to_owned(),
        })
    }

    #[test]
    fn sql_keywords_count_in_strings_and_comments_not_in_code() {
        let where_ = || Need::sql_keywords(["where"]);
        assert!(hit_in(
            where_(),
            r#"q := "SELECT id FROM t WHERE k = $1""#,
            Lang::Go
        ));
        assert!(hit_in(
            where_(),
            "let q = r#\"select 1 where x\"#;",
            Lang::Rust
        ));
        assert!(!hit_in(
            where_(),
            "impl<T> Store<T> where T: Db {}",
            Lang::Rust
        ));
        let select = || Need::sql_keywords(["select"]);
        assert!(!hit_in(select(), "select {\ncase <-done:\n}", Lang::Go));
        // TypeScript's strings are not read, so a word anywhere may be in one.
        assert!(hit_in(where_(), "const where = 1;", Lang::TypeScript));
        // In SQL, the code is the SQL.
        assert!(hit_in(where_(), "SELECT 1 WHERE true;", Lang::Sql));
    }

    #[test]
    fn keywords_stand_alone_in_any_case() {
        let insert = || Need::keywords(["insert"]);
        assert!(hit(insert(), r#"db.Exec("Insert INTO t")"#));
        assert!(hit(insert(), r#""SELECT 1;\nINSERT INTO t""#));
        assert!(hit(insert(), r#"fmt.Sprintf("%sINSERT INTO t", p)"#));
        assert!(hit(insert(), "insert"));
        assert!(!hit(insert(), "list.InsertAfter(x)"));
        assert!(!hit(insert(), "reinsert(x)"));
        assert!(!hit(insert(), "insert_row(x)"));
    }

    #[test]
    fn sql_in_host_code_starts_a_string() {
        assert!(hit(Need::sql(), r#"db.Exec("INSERT INTO t")"#));
        assert!(hit(Need::sql(), "q := `\n\tselect 1`"));
        assert!(hit(Need::sql(), r#"q := "\n\tSELECT 1""#));
        assert!(hit(Need::sql(), "let q = \"\\\n    UPDATE t\";"));
        assert!(hit(Need::sql(), r#"fmt.Sprintf("%s SELECT", x)"#));
        assert!(hit(Need::sql(), r#"format!("{prefix} SELECT")"#));
        assert!(!hit(Need::sql(), "// select the first row"));
        assert!(!hit(Need::sql(), r#"log("will insert")"#));
        assert!(!hit(Need::sql(), r#"s := "selection""#));
        // sqlc's header and other `--` comment lines before the statement.
        assert!(hit(Need::sql(), "q := `-- name: GetUser :one\nSELECT 1`"));
        assert!(hit(Need::sql(), r#"db.Exec("-- claim\n  INSERT INTO t")"#));
        assert!(!hit(
            Need::sql(),
            "q := `x -- not a comment line\nSELECT 1`"
        ));
        assert!(hit_in(Need::sql(), "-- nothing but a comment", Lang::Sql));
    }

    #[test]
    fn quoted_words_are_whole_strings() {
        let set = || Need::quoted(["set"]);
        assert!(hit(set(), r#"rdb.Do(ctx, "SET", k)"#));
        assert!(hit(set(), "cmd('set')"));
        assert!(!hit(set(), r#"h.Set("x", "y")"#));
        assert!(!hit(set(), r#""SET x""#));
    }

    #[test]
    fn calls_need_their_name_in_its_case_behind_their_qualifier() {
        assert!(hit(call("time.Sleep"), "time.Sleep(d)"));
        assert!(hit(call("time.Sleep"), "time.\n\tSleep(d)"));
        assert!(hit(call("time.Sleep"), "tokio::time::Sleep"));
        assert!(hit(call("time.Sleep"), "(clock()).Sleep(d)"));
        assert!(hit(call("time.Sleep"), "time::<Tokio>::Sleep(d)"));
        assert!(hit(call("time.Sleep"), "<T as Clock>::Sleep(d)"));
        assert!(!hit(call("time.Sleep"), "Vec::<u8>::Sleep(d)"));
        assert!(!hit(call("time.Sleep"), "clock.Sleep(d)"));
        assert!(!hit(call("time.Sleep"), "Sleep(d)"));
        assert!(!hit(call("time.Sleep"), "time.sleep(d)"));
        assert!(!hit(call("time.Sleep"), "time.SleepFor(d)"));
        assert!(hit(call(".Set"), "rdb.Set(ctx, k, v, 0)"));
        assert!(!hit(call(".Set"), "rdb.SetEx(ctx, k, v, 0)"));
        assert!(!hit(call(".Set"), "offset := 1"));
        // A method is called on a receiver: a function `set(…)` (Python's builtin) is no
        // `.set`.
        assert!(hit(call(".set"), "r.set(k, v)"));
        assert!(hit(call(".set"), "client\n    .set(k)"));
        assert!(hit(call(".set"), "Commands::set(&mut c, k)"));
        assert!(!hit(call(".set"), "seen := set(keys)"));
        assert!(hit(call("sleep"), "r#sleep(d)"));
        assert!(!hit_in(call("sleep"), "sleep(d)", Lang::Rust));
        assert!(!hit(
            call("time.Sleep"),
            "// time.Sleep(d)\nx := \"time.Sleep\""
        ));
    }

    #[test]
    fn calls_with_an_arity_need_that_many_arguments_when_they_can_be_counted() {
        let get = || {
            let pattern = CallPattern {
                lang: None,
                pattern: ".Get".to_owned(),
            };
            Need::call_taking(&pattern, Some(2))
        };
        assert!(hit(get(), "rdb.Get(ctx, key)"));
        assert!(hit(get(), "rdb.Get(ctx, f(a, b)[i],\n)"));
        assert!(hit(get(), "rdb.Get(ctx, \"a,b\")"));
        assert!(hit(get(), "rdb.Get[T](ctx)"));
        assert!(!hit(get(), "h.Get(name)"));
        assert!(!hit(get(), "h.Get()"));
        assert!(!hit(get(), "h.Get(a, b, c)"));
    }

    #[test]
    fn patterns_that_are_no_identifier_cannot_be_told() {
        assert!(matches!(call("matches!"), Need::Always));
        assert!(matches!(call(""), Need::Always));
        assert!(matches!(call("a.b."), Need::Always));
    }

    #[test]
    fn name_words_start_where_name_hints_split_names() {
        let retr = || Need::name_words(["retry", "retries"]);
        assert!(hit(retr(), "maxRetries := 3"));
        assert!(hit(retr(), "MAX_RETRIES"));
        assert!(hit(retr(), "retry2"));
        assert!(hit(retr(), "n2Retries"));
        assert!(!hit(retr(), "HTTPRetries"));
        assert!(!hit(
            retr(),
            "retryLater(x); RetryPolicy<T>; retries::MAX; retry!()"
        ));
        assert!(hit(retr(), "for retries < 3 {"));
        assert!(hit_in(retr(), "let retries = 0; RETRIES;", Lang::Rust));
        assert!(!hit_in(
            retr(),
            "Expr::Retry { .. } => RetryPolicy",
            Lang::Rust
        ));
        assert!(hit_in(retr(), "RetryPolicy", Lang::Go));
        assert!(!hit(retr(), "Meretricious"));
        // A word that only starts like a hint is another word, as the knowledge table reads it.
        let attempts = || Need::name_words(["attempt", "try"]);
        assert!(hit(attempts(), "attempts := 0"));
        assert!(hit(attempts(), "for trying := true; trying; {"));
        assert!(hit(attempts(), "try2 = 1"));
        assert!(!hit(attempts(), "MAP_TRYFIXED = 0x400"));
        assert!(!hit(attempts(), "attemptable = true; tryhard = 1"));
        // A keyword is no name, but a property named like one is.
        assert!(!hit_in(attempts(), "try:\n    pass", Lang::Python));
        assert!(!hit_in(attempts(), "# Turn them off.\ntry:", Lang::Python));
        assert!(!hit_in(attempts(), "try { f() }", Lang::TypeScript));
        assert!(hit_in(attempts(), "state.try += 1", Lang::TypeScript));
        assert!(hit_in(attempts(), "try_ = 0", Lang::Python));
        assert!(hit(attempts(), "try := 0"));
        // Where a constant is defined, not used.
        assert!(!hit_in(
            attempts(),
            "pub const ERROR_TRY_AGAIN: u32 = 1;",
            Lang::Rust
        ));
        assert!(!hit_in(
            attempts(),
            "static mut TRIES: u32 = 0;",
            Lang::Rust
        ));
        assert!(!hit(attempts(), "const maxAttempts = 5"));
        assert!(hit(attempts(), "for i := 0; i < maxAttempts; i++ {"));
        assert!(hit(attempts(), "constAttempts := 5"));
        // A Rust declaration with its type; the use counts.
        assert!(!hit_in(
            attempts(),
            "pub RetryCount: u8, retrying : u8",
            Lang::Rust
        ));
        assert!(hit_in(
            attempts(),
            "let mut attempt: u32 = 0; attempt += 1;",
            Lang::Rust
        ));
        assert!(hit_in(attempts(), "Config { attempts: 3 }", Lang::Go));
    }

    #[test]
    fn scans_count_where_the_words_beside_them_hold() {
        let knowledge = Knowledge::builtin();
        let need = || {
            Need::all([
                Need::orm_ops(&knowledge, &[crate::knowledge::OrmOpKind::Select]),
                Need::text(["processed"]),
            ])
        };
        let read = "await prisma.processedEvent.findUnique({ where: { id } })";
        assert!(hit_in(need(), read, Lang::TypeScript));
        // The chain's calls are everyday words: no chain, no admission.
        let words_only = "// processed events are found by id";
        assert!(!hit_in(need(), words_only, Lang::TypeScript));
        // A chain of another language's ORM does not count.
        assert!(!hit_in(need(), read, Lang::Go));
    }

    #[test]
    fn sql_words_in_code_count_in_a_file_that_does_not_lex() {
        let need = || Need::all([Need::statement(["select"]), Need::sql_keywords(["where"])]);
        // A stray backquote makes the scan read the query as code; the parser recovers
        // and reads it as the string it is.
        let broken = "x := sql.LevelSeri`lizable\nq(`SELECT id FROM t WHERE k = $1`, k)\n";
        assert!(hit(need(), broken));
        // In a file that lexes, `where` in code is Go's or Rust's, not SQL's.
        let code = "q := `SELECT id FROM t`\nwhere := 1\n";
        assert!(!hit(need(), code));
    }

    #[test]
    fn all_and_any_combine_words() {
        let need = || {
            Need::any([
                Need::all([Need::keywords(["select"]), Need::keywords(["insert"])]),
                Need::text(["idempot"]),
            ])
        };
        assert!(hit(need(), "SELECT 1; INSERT INTO t"));
        assert!(!hit(need(), "SELECT 1"));
        assert!(hit(need(), "IdempotencyKeys"));
    }

    #[test]
    fn always_and_never_fold_away() {
        let mut words = Vec::new();
        let folded = |need, words: &mut Vec<Word>| match simplify(need, words, &mut Vec::new()) {
            Simplified::Always => "always",
            Simplified::Never => "never",
            Simplified::Node(_) => "node",
        };
        assert_eq!(folded(Need::any([]), &mut words), "never");
        assert_eq!(folded(Need::all([]), &mut words), "always");
        let some_word = || Need::text(["x"]);
        assert_eq!(
            folded(Need::any([some_word(), Need::Always]), &mut words),
            "always"
        );
        assert_eq!(
            folded(Need::all([some_word(), Need::any([])]), &mut words),
            "never"
        );
        assert_eq!(
            folded(Need::all([some_word(), Need::Always]), &mut words),
            "node"
        );
    }
}
