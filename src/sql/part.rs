//! A statement (or a clause of one) as its significant tokens with their parenthesis depth,
//! and the token-level readings shared by the facts and the fallback.

use std::ops::Range;

use sqlparser::tokenizer::Token;

use super::Value;
use super::lex::Tok;

/// Significant tokens, each with the number of parentheses open before it (relative to the
/// first token; a `(` or `)` has the depth outside it).
#[derive(Clone, Copy)]
pub(crate) struct Part<'a> {
    pub toks: &'a [&'a Tok],
    pub depths: &'a [u32],
}

/// The depth of each token of `toks`.
pub(crate) fn depths(toks: &[&Tok]) -> Vec<u32> {
    let mut depth: u32 = 0;
    toks.iter()
        .map(|t| match t.token {
            Token::LParen => {
                depth += 1;
                depth - 1
            }
            Token::RParen => {
                depth = depth.saturating_sub(1);
                depth
            }
            _ => depth,
        })
        .collect()
}

impl<'a> Part<'a> {
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// The tokens `range`, with depths relative to the part's own.
    pub fn slice(&self, range: Range<usize>) -> Part<'a> {
        Part {
            toks: &self.toks[range.clone()],
            depths: &self.depths[range],
        }
    }

    /// Whether token `i` is the unquoted word `word`.
    pub fn is(&self, i: usize, word: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is(word))
    }

    pub fn token(&self, i: usize) -> Option<&'a Token> {
        self.toks.get(i).map(|t| &t.token)
    }

    /// Whether token `i` is at the outermost level of this part.
    pub fn top(&self, i: usize) -> bool {
        let base = self.depths.first().copied().unwrap_or(0);
        self.depths.get(i).is_some_and(|&d| d == base)
    }

    /// The first outermost token at or after `from` that satisfies `pred`.
    pub fn find_top(&self, from: usize, pred: impl Fn(usize) -> bool) -> Option<usize> {
        (from..self.len()).find(|&i| self.top(i) && pred(i))
    }

    /// The first outermost token at or after `from` that is one of `words`.
    pub fn find_top_word(&self, from: usize, words: &[&str]) -> Option<usize> {
        self.find_top(from, |i| words.iter().any(|w| self.is(i, w)))
    }

    /// The byte range from the first to the last token.
    pub fn span(&self) -> Option<Range<usize>> {
        Some(self.toks.first()?.span.start..self.toks.last()?.span.end)
    }

    /// Splits at outermost commas.
    pub fn split_commas(&self) -> Vec<Part<'a>> {
        let mut items = Vec::new();
        let mut start = 0;
        for i in 0..=self.len() {
            if i == self.len() || (self.top(i) && self.toks[i].token == Token::Comma) {
                if i > start {
                    items.push(self.slice(start..i));
                }
                start = i + 1;
            }
        }
        items
    }

    /// A possibly qualified name starting at `i` (`t`, `public.t`, `"T"`): its last part,
    /// lower-cased, and the index after it.
    pub fn name_at(&self, i: usize) -> Option<(String, usize)> {
        let mut last = self.toks.get(i)?.ident()?;
        let mut next = i + 1;
        while self.token(next) == Some(&Token::Period) {
            match self.toks.get(next + 1).and_then(|t| t.ident()) {
                Some(part) => {
                    last = part;
                    next += 2;
                }
                None => break,
            }
        }
        Some((last.to_lowercase(), next))
    }

    /// The whole part as a qualified name (`status`, `k.status`), lower-cased last part.
    pub fn as_name(&self) -> Option<String> {
        self.name_at(0)
            .filter(|(_, next)| *next == self.len())
            .map(|(name, _)| name)
    }

    /// The source text of the part with runs of whitespace collapsed, lower-cased.
    pub fn text(&self, text: &str) -> String {
        let Some(span) = self.span() else {
            return String::new();
        };
        text.get(span)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }

    /// The inside of the parenthesis opened at `open`, and the index after its `)` (the end
    /// when it is never closed).
    pub fn group(&self, open: usize) -> (Range<usize>, usize) {
        let depth = self.depths.get(open).copied().unwrap_or(0);
        let close = (open + 1..self.len())
            .find(|&i| self.toks[i].token == Token::RParen && self.depths[i] == depth);
        match close {
            Some(close) => (open + 1..close, close + 1),
            None => ((open + 1).min(self.len())..self.len(), self.len()),
        }
    }
}

/// Whether an identifier names a parameter rather than a column: a host interpolation's
/// `argN`, a `$name`/`@name`/`:name` placeholder a dialect read as one word, or one of
/// `params`.
pub(crate) fn is_param_name(name: &str, params: &[String]) -> bool {
    let numbered = name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("arg"))
        && name.len() > 3
        && name[3..].bytes().all(|b| b.is_ascii_digit());
    numbered
        || name.starts_with(['$', '@', ':'])
        || params.iter().any(|p| p.eq_ignore_ascii_case(name))
}

/// The value a run of tokens stands for, as the right-hand side of `col = …`.
pub(crate) fn value(part: Part, params: &[String]) -> Value {
    let cast = part.find_top(1, |i| part.token(i) == Some(&Token::DoubleColon));
    let toks = &part.toks[..cast.unwrap_or(part.len())];
    let adjacent = toks.len() == 2 && toks[0].span.end == toks[1].span.start;
    match toks {
        [single] => match &single.token {
            Token::Placeholder(p) => Value::Param(p.clone()),
            Token::Question => Value::Param("?".to_owned()),
            Token::SingleQuotedString(s)
            | Token::EscapedStringLiteral(s)
            | Token::NationalStringLiteral(s) => Value::Text(s.clone()),
            Token::DollarQuotedString(s) => Value::Text(s.value.clone()),
            Token::Number(n, _) => Value::Number(n.clone()),
            Token::Word(w) if w.quote_style.is_none() && is_param_name(&w.value, params) => {
                Value::Param(w.value.clone())
            }
            _ => Value::Expr,
        },
        [sigil, word] if adjacent => match (&sigil.token, word.word()) {
            (Token::Colon | Token::AtSign | Token::Mod, Some(name)) => {
                Value::Param(format!("{}{name}", sigil.token))
            }
            // A psql variable interpolated as a literal: `:'event_id'`.
            (Token::Colon, None) => match &word.token {
                Token::SingleQuotedString(name) => Value::Param(format!(":'{name}'")),
                _ => Value::Expr,
            },
            (Token::Minus, _) => match &word.token {
                Token::Number(n, _) => Value::Number(format!("-{n}")),
                _ => Value::Expr,
            },
            _ => Value::Expr,
        },
        // A field of a routine's variable: a loop's record (`r.event_id`), a row type.
        [
            record,
            Tok {
                token: Token::Period,
                ..
            },
            field,
        ] => match (&record.token, field.word()) {
            (Token::Word(w), Some(name))
                if w.quote_style.is_none() && is_param_name(&w.value, params) =>
            {
                Value::Param(format!("{}.{name}", w.value))
            }
            _ => Value::Expr,
        },
        _ => Value::Expr,
    }
}

/// How a select-list or RETURNING item is named: the column it reads, else its alias, else
/// its text (`count(*)`); `*` for wildcards.
pub(crate) fn item_name(item: Part, text: &str) -> String {
    let n = item.len();
    if matches!(item.toks.last().map(|t| &t.token), Some(Token::Mul))
        && (n == 1 || item.token(n - 2) == Some(&Token::Period))
    {
        return "*".to_owned();
    }
    let (expr, alias) = if n >= 3 && item.is(n - 2, "as") {
        (item.slice(0..n - 2), item.toks[n - 1].ident())
    } else if n >= 2
        && item.toks[n - 1].word().is_some()
        && matches!(
            item.token(n - 2),
            Some(Token::RParen | Token::Number(..) | Token::SingleQuotedString(_))
        )
    {
        (item.slice(0..n - 1), item.toks[n - 1].ident())
    } else {
        (item, None)
    };
    expr.as_name()
        .or_else(|| alias.map(str::to_lowercase))
        .unwrap_or_else(|| expr.text(text))
}
