//! What a file must hold for a rule to find anything in it: each rule states its
//! [`Need`] as part of its contract, and the prefilter (`crate::prefilter`) skips the files
//! that hold the needs of no enabled rule.

use crate::knowledge::{CallPattern, Knowledge, Orm, OrmOpKind};
use crate::model::Lang;
use crate::sql;

/// How a hit of a word's text must stand in the file to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordKind {
    /// Anywhere, in any case: a part of a name (`idempot` in `IdempotencyKeys`).
    Text,
    /// A keyword in any case, not part of a longer word (`INSERT`, `"SET"`). Glued on the left
    /// to a letter that follows `\` or `%`, it still counts: an escape (`\nINSERT`) or a
    /// format verb (`%sINSERT`) ends there.
    Keyword,
    /// An identifier in its exact case, not part of a longer identifier, in code (not in a
    /// comment or a string): the last segment of a call pattern (`Sleep`).
    Ident,
    /// In code, in any case, at the start of a word of a variable's name, where the knowledge
    /// table's name hints split names: at `_`, at other non-alphanumerics, and where a
    /// lower-case letter or a digit is followed by an upper-case one (`Retries` in
    /// `maxRetries`, not in `HTTPRetries`). A name followed at once by `(`, `<`, `!` or `::`
    /// is a function, a type or a path (`try_from(`, `TryFrom<`): every variable stands
    /// somewhere without them, where it is declared or assigned. In Rust, an UpperCamelCase
    /// name is a type, a trait or a variant (`ExprTry`), as rustc's naming lints have it.
    NameWord,
    /// A whole string literal in any case (`"SET"`).
    Quoted,
    /// A keyword in any case, as [`WordKind::Keyword`], where SQL is: in host code, inside a
    /// string literal or a comment, not in code (Rust's `where` clauses, Go's `select`
    /// statement); in a file whose SQL is not in strings (`.sql`), anywhere.
    SqlKeyword,
    /// A keyword that starts a string literal, in any case, after spaces, escapes (`\n`) and
    /// format holes (`%s`, `{}`): where the analysis looks for SQL in host code. In a file
    /// whose SQL is not in strings (`.sql`), it is always there.
    StringStart,
}

impl WordKind {
    /// Whether a hit counts only in code, outside comments and strings: names of calls and
    /// variables.
    pub(crate) fn in_code(self) -> bool {
        matches!(self, WordKind::Ident | WordKind::NameWord)
    }

    /// Whether a hit in host code counts only outside code, in a string or a comment: SQL's
    /// words.
    pub(crate) fn in_literal(self) -> bool {
        matches!(self, WordKind::SqlKeyword)
    }
}

/// A word a file may hold.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Word {
    pub kind: WordKind,
    /// Lower-case, except for an [`WordKind::Ident`].
    pub text: String,
    /// For an identifier: the path segment that must stand before it, across `.` or `::`
    /// (`time` for `time.Sleep`). When something other than an identifier stands there
    /// (`)`, `>`), the hit counts.
    pub qualifier: Option<String>,
    /// For an identifier with no qualifier: whether it must stand behind `.` or `::`, as a
    /// method called on some receiver does (`.set` is `client.set(k, v)`, never the builtin
    /// `set(items)`).
    pub member: bool,
    /// The only language whose files (and Markdown code blocks) it counts in: a call
    /// pattern's.
    pub lang: Option<Lang>,
    /// For an identifier: the number of arguments it must be called with, when the
    /// argument list is plain enough for [`crate::prefilter`] to count.
    pub arity: Option<usize>,
}

/// What a file must hold for a rule to find anything in it.
#[derive(Clone, Debug)]
pub enum Need {
    /// Nothing: the rule cannot tell from words, so every file is parsed.
    Always,
    Word(Word),
    /// Every one of these.
    All(Vec<Need>),
    /// At least one of these (none: no file can hold a finding).
    Any(Vec<Need>),
    /// What words cannot say cheaply, checked on the text of a file whose words already
    /// meet the rest of the need (see [`crate::prefilter`]).
    Scan(TextScan),
}

/// A check of a file's text for what its words cannot say cheaply: an ORM's chain of
/// calls, whose steps are everyday words (`first`, `where`, `all`) an automaton would hit
/// in every file.
#[derive(Clone, Debug)]
pub enum TextScan {
    /// A chain of one of these libraries doing one of the kinds (see [`Orm::may_run`]).
    OrmOps(Vec<Orm>, Vec<OrmOpKind>),
    /// An insert of one of these libraries that skips duplicates.
    OrmInsertsSkippingDuplicates(Vec<Orm>),
}

impl TextScan {
    /// Whether a file's text, of `lang` (any, for Markdown's code blocks), meets the check.
    pub fn holds(&self, text: &[u8], lang: Option<Lang>) -> bool {
        let of_lang = |orm: &&Orm| lang.is_none_or(|lang| orm.lang == lang);
        match self {
            TextScan::OrmOps(orms, kinds) => {
                (orms.iter().filter(of_lang)).any(|orm| orm.may_run(text, kinds))
            }
            TextScan::OrmInsertsSkippingDuplicates(orms) => {
                (orms.iter().filter(of_lang)).any(|orm| orm.may_insert_skipping_duplicates(text))
            }
        }
    }
}

impl Need {
    pub fn all(needs: impl IntoIterator<Item = Need>) -> Need {
        Need::All(needs.into_iter().collect())
    }

    pub fn any(needs: impl IntoIterator<Item = Need>) -> Need {
        Need::Any(needs.into_iter().collect())
    }

    fn word(kind: WordKind, text: &str) -> Need {
        let text = match kind {
            WordKind::Ident => text.to_owned(),
            _ => text.to_ascii_lowercase(),
        };
        if text.is_empty() {
            return Need::Always;
        }
        Need::Word(Word {
            kind,
            text,
            qualifier: None,
            member: false,
            lang: None,
            arity: None,
        })
    }

    /// Any of `words`, anywhere, in any case.
    pub fn text<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Need {
        Need::any(
            words
                .into_iter()
                .map(|w| Need::word(WordKind::Text, w.as_ref())),
        )
    }

    /// Any of `words` as a keyword, in any case.
    pub fn keywords<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Need {
        Need::any(
            words
                .into_iter()
                .map(|w| Need::word(WordKind::Keyword, w.as_ref())),
        )
    }

    /// Any of `words` as a SQL keyword (see [`WordKind::SqlKeyword`]).
    pub fn sql_keywords<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Need {
        Need::any(
            words
                .into_iter()
                .map(|w| Need::word(WordKind::SqlKeyword, w.as_ref())),
        )
    }

    /// Any of `words` as a whole string literal, in any case.
    pub fn quoted<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Need {
        Need::any(
            words
                .into_iter()
                .map(|w| Need::word(WordKind::Quoted, w.as_ref())),
        )
    }

    /// SQL the analysis reads: in host code, a string that starts with a statement keyword.
    pub fn sql() -> Need {
        Need::statement(sql::STATEMENT_WORDS)
    }

    /// A SQL statement starting with one of `words` (`select`, `with`): in host code, a
    /// string that starts with it; in SQL, any text (the statement's other words say more).
    pub fn statement<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Need {
        Need::any(
            words
                .into_iter()
                .map(|w| Need::word(WordKind::StringStart, w.as_ref())),
        )
    }

    /// Any of `hints` at the start of a word of a name, in any case.
    pub fn name_words<S: AsRef<str>>(hints: impl IntoIterator<Item = S>) -> Need {
        Need::any(
            hints
                .into_iter()
                .map(|w| Need::word(WordKind::NameWord, w.as_ref())),
        )
    }

    /// What a call matching `pattern` needs: its last segment as an identifier, behind its
    /// qualifier if the pattern has one (behind some receiver for a method's), in a file of
    /// the pattern's language. A pattern whose last segment is not a plain identifier cannot
    /// be told from words.
    pub fn call(pattern: &CallPattern) -> Need {
        Need::call_taking(pattern, None)
    }

    /// What a call matching `pattern` with `arity` arguments (any number when `None`) needs.
    pub fn call_taking(pattern: &CallPattern, arity: Option<usize>) -> Need {
        let dotted = pattern.pattern.replace("::", ".");
        let member = dotted.starts_with('.');
        let (qualifier, last) = match dotted.strip_prefix('.') {
            Some(method) => (None, method),
            None => match dotted.rsplit_once('.') {
                Some((head, last)) => (head.rsplit('.').next(), last),
                None => (None, dotted.as_str()),
            },
        };
        let is_identifier = |s: &str| !s.is_empty() && s.bytes().all(is_identifier_byte);
        if !is_identifier(last) {
            return Need::Always;
        }
        Need::Word(Word {
            kind: WordKind::Ident,
            text: last.to_owned(),
            qualifier: qualifier.filter(|q| is_identifier(q)).map(str::to_owned),
            member,
            lang: pattern.lang,
            arity,
        })
    }

    /// Any call matching one of `patterns`.
    pub fn calls<'a>(patterns: impl IntoIterator<Item = &'a CallPattern>) -> Need {
        Need::any(patterns.into_iter().map(Need::call))
    }

    /// Any of the knowledge table's sleeps: its call, and for a method that sleeps only on
    /// a receiver named like one (`timer.Reset(d)`), one of those names too.
    pub fn sleeps(knowledge: &Knowledge) -> Need {
        Need::any(knowledge.sleeps.iter().map(|api| {
            if api.receiver_words.is_empty() {
                Need::call(&api.call)
            } else {
                Need::all([Need::call(&api.call), Need::text(&api.receiver_words)])
            }
        }))
    }

    /// An ORM's chain doing one of `kinds` (see [`TextScan::OrmOps`]).
    pub fn orm_ops(knowledge: &Knowledge, kinds: &[OrmOpKind]) -> Need {
        Need::Scan(TextScan::OrmOps(knowledge.orms.clone(), kinds.to_vec()))
    }

    /// An ORM's insert that skips duplicates.
    pub fn orm_inserts_skipping_duplicates(knowledge: &Knowledge) -> Need {
        Need::Scan(TextScan::OrmInsertsSkippingDuplicates(
            knowledge.orms.clone(),
        ))
    }
}

/// A byte of an identifier in every language idemlint reads.
pub fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
