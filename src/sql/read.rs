//! Reading one statement: its shape from the tokens (kind, table, CTEs, what it reads,
//! locks, the conflict clause's span), its clauses from sqlparser's AST, or from the tokens
//! when sqlparser rejects it.

use std::ops::Range;

use sqlparser::dialect::Dialect;
use sqlparser::keywords::{Keyword, RESERVED_FOR_TABLE_ALIAS};
use sqlparser::tokenizer::Token;

use super::lex::Tok;
use super::part::{self, Part};
use super::{ColumnValue, ConflictAction, FunctionCall, OnConflict, Statement, StatementKind, ast};

/// CTE nesting and `SELECT EXISTS (…)` lifting deeper than this are not read.
const MAX_NESTING: usize = 16;

/// Where a WHERE clause ends.
const WHERE_END: &[&str] = &[
    "group",
    "order",
    "limit",
    "offset",
    "fetch",
    "for",
    "returning",
    "having",
    "window",
    "union",
    "except",
    "intersect",
    "lock",
];

/// Words after which a name right before `(` is no call: a table's column list (`INSERT
/// INTO t (a, b)`), a CTE's (`WITH t (a) AS`), a definition's parameters, a reference.
const NOT_CALLED_AFTER: &[&str] = &[
    "into",
    "table",
    "with",
    "function",
    "procedure",
    "references",
];

/// Where a select list ends.
const SELECT_LIST_END: &[&str] = &[
    "from",
    "into",
    "where",
    "group",
    "order",
    "limit",
    "union",
    "except",
    "intersect",
    "for",
    "having",
    "window",
    "offset",
    "fetch",
];

/// The clauses read from sqlparser's AST, or from the tokens when it rejects the statement.
#[derive(Default)]
pub(crate) struct Clauses {
    pub insert_columns: Vec<String>,
    /// The conflict behaviour; its span is found in the tokens afterwards.
    pub on_conflict: Option<OnConflict>,
    pub returning: Option<Vec<String>>,
    pub select_columns: Vec<String>,
    pub where_equals: Vec<ColumnValue>,
    pub where_any_of: Vec<ColumnValue>,
    pub set_columns: Vec<ColumnValue>,
}

/// Reads statements out of one text.
pub(crate) struct Reader<'a> {
    pub text: &'a str,
    /// The dialect that tokenized the text.
    pub dialect: &'static dyn Dialect,
    /// Identifiers that name parameters rather than columns (a routine's arguments and
    /// variables).
    pub params: Vec<String>,
    /// Statements sqlparser rejected, with its reason, when `note_rejections` is set.
    pub rejected: Vec<(Range<usize>, String)>,
    pub note_rejections: bool,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str, dialect: &'static dyn Dialect) -> Reader<'a> {
        Reader {
            text,
            dialect,
            params: Vec::new(),
            rejected: Vec::new(),
            note_rejections: false,
        }
    }

    /// The facts of the statement made of the significant tokens `toks`, covering `span`.
    pub fn statement(&mut self, toks: &[&Tok], span: Range<usize>, nesting: usize) -> Statement {
        let depths = part::depths(toks);
        let whole = Part {
            toks,
            depths: &depths,
        };
        let (ctes, main_at) = self.ctes(whole, nesting);
        let main = whole.slice(main_at..whole.len());
        let keyword_at = (0..main.len())
            .find(|&i| main.token(i) != Some(&Token::LParen))
            .unwrap_or(0);
        let head = main.slice(keyword_at..main.len());
        let kind = kind_of(head);
        let mut st = Statement::new(kind, span);
        if let Some(keyword) = head.toks.first() {
            st.keyword_span = keyword.span.clone();
        }
        st.end = toks.last().map_or(st.span.end, |t| t.span.end);
        st.ctes = ctes;
        st.advisory_lock = advisory_lock(whole);
        st.serializable = serializable(whole, kind);
        if st.is_write() || kind == StatementKind::Select || head.is(0, "call") {
            st.calls = function_calls(whole);
        }
        if !st.is_write() && kind != StatementKind::Select {
            return st;
        }
        st.reads_from = reads_from(head);
        st.locking_read = locking_read(head);
        let target = target(head, kind);
        st.table = match kind {
            StatementKind::Select => st.reads_from.first().cloned(),
            _ => target.as_ref().map(|(table, _)| table.clone()),
        };
        let exists = if kind == StatementKind::Select && nesting < MAX_NESTING {
            exists_select(head)
        } else {
            None
        };
        if let Some((inner, negated)) = exists {
            let lifted = self.statement(inner.toks, inner.span().unwrap_or_default(), nesting + 1);
            st.table = lifted.table;
            st.where_equals = lifted.where_equals;
            st.where_any_of = lifted.where_any_of;
            st.locking_read |= lifted.locking_read;
            st.select_columns = vec![if negated { "not exists" } else { "exists" }.to_owned()];
            return st;
        }
        let table = st.table.as_deref();
        let clauses = match ast::clauses(self.text, main, self.dialect, &self.params, table) {
            Ok(clauses) => clauses,
            Err(reason) => {
                if self.note_rejections && nesting == 0 {
                    self.rejected.push((st.span.clone(), reason));
                }
                self.fallback(head, kind, table, target.map(|(_, next)| next))
            }
        };
        st.insert_columns = clauses.insert_columns;
        st.on_conflict = clauses.on_conflict.map(|mut conflict| {
            conflict.span = conflict_span(head).unwrap_or_else(|| st.keyword_span.clone());
            conflict
        });
        st.returning = clauses.returning;
        st.select_columns = clauses.select_columns;
        st.where_equals = clauses.where_equals;
        st.where_any_of = clauses.where_any_of;
        st.set_columns = clauses.set_columns;
        st
    }

    /// `WITH name AS (body), …`: each CTE read as a statement, and where the main statement
    /// starts.
    fn ctes(&mut self, whole: Part, nesting: usize) -> (Vec<(String, Statement)>, usize) {
        let mut ctes = Vec::new();
        if !whole.is(0, "with") {
            return (ctes, 0);
        }
        let mut i = 1 + usize::from(whole.is(1, "recursive"));
        while let Some(name) = whole.toks.get(i).and_then(|t| t.ident()) {
            let name = name.to_lowercase();
            i += 1;
            if whole.token(i) == Some(&Token::LParen) {
                i = whole.group(i).1;
            }
            if !whole.is(i, "as") {
                break;
            }
            i += 1;
            i += usize::from(whole.is(i, "not"));
            i += usize::from(whole.is(i, "materialized"));
            if whole.token(i) != Some(&Token::LParen) {
                break;
            }
            let (body, after) = whole.group(i);
            let body = whole.slice(body);
            match body.span() {
                Some(span) if nesting < MAX_NESTING => {
                    ctes.push((name, self.statement(body.toks, span, nesting + 1)));
                }
                _ => {}
            }
            i = after;
            if whole.token(i) != Some(&Token::Comma) {
                break;
            }
            i += 1;
        }
        (ctes, i)
    }

    /// The clauses read from the tokens alone.
    fn fallback(
        &self,
        head: Part,
        kind: StatementKind,
        table: Option<&str>,
        after_target: Option<usize>,
    ) -> Clauses {
        Clauses {
            insert_columns: after_target
                .filter(|_| kind == StatementKind::Insert)
                .map(|next| insert_columns(head, next))
                .unwrap_or_default(),
            on_conflict: conflict(head, table),
            returning: returning(head, self.text),
            select_columns: if kind == StatementKind::Select {
                select_columns(head, self.text)
            } else {
                Vec::new()
            },
            where_equals: where_equals(head, &self.params),
            where_any_of: if kind == StatementKind::Select {
                where_any_of(head, &self.params)
            } else {
                Vec::new()
            },
            set_columns: if kind == StatementKind::Update {
                set_columns(head, &self.params)
            } else {
                Vec::new()
            },
        }
    }
}

/// The kind of statement from its first keyword.
fn kind_of(head: Part) -> StatementKind {
    let Some(first) = head.toks.first().and_then(|t| t.word()) else {
        return StatementKind::Other;
    };
    match first.to_ascii_lowercase().as_str() {
        word if super::SELECT_WORDS.contains(&word) => StatementKind::Select,
        word if super::INSERT_WORDS.contains(&word) => StatementKind::Insert,
        "update" => StatementKind::Update,
        "delete" => StatementKind::Delete,
        "begin" => StatementKind::Begin,
        "start" if head.is(1, "transaction") => StatementKind::Begin,
        "commit" | "end" if !head.is(1, "prepared") => StatementKind::Commit,
        "rollback" | "abort" if !(1..4).any(|i| head.is(i, "to") || head.is(i, "prepared")) => {
            StatementKind::Rollback
        }
        "set" => StatementKind::Set,
        _ => StatementKind::Other,
    }
}

/// The table an INSERT, UPDATE or DELETE writes, and the index after its name.
fn target(head: Part, kind: StatementKind) -> Option<(String, usize)> {
    let skip = |modifiers: &[&str], mut i: usize| {
        while modifiers.iter().any(|m| head.is(i, m)) {
            i += 1;
        }
        if head.is(i, "or") {
            i += 2;
        }
        i
    };
    let i = match kind {
        StatementKind::Insert => {
            let i = skip(
                &[
                    "ignore",
                    "low_priority",
                    "delayed",
                    "high_priority",
                    "overwrite",
                ],
                1,
            );
            let i = i + usize::from(head.is(i, "into"));
            i + usize::from(head.is(i, "table"))
        }
        StatementKind::Update => skip(&["only", "low_priority", "ignore"], 1),
        StatementKind::Delete => {
            let i = skip(&["low_priority", "quick", "ignore"], 1);
            let i = i + usize::from(head.is(i, "from"));
            i + usize::from(head.is(i, "only"))
        }
        _ => return None,
    };
    head.name_at(i)
}

/// Whether the FROM at `i` names the table a DELETE removes rows from.
fn is_delete_target(head: Part, i: usize) -> bool {
    head.is(0, "delete")
        && head.toks[1..i]
            .iter()
            .all(|t| ["low_priority", "quick", "ignore"].iter().any(|m| t.is(m)))
}

/// The tables and CTEs read after FROM, JOIN and USING, subqueries included, in order.
/// A FROM inside a function call (`extract(epoch FROM ts)`) or `IS DISTINCT FROM` reads nothing.
fn reads_from(head: Part) -> Vec<String> {
    let mut reads: Vec<String> = Vec::new();
    let mut query_parens: Vec<bool> = Vec::new();
    for i in 0..head.len() {
        match head.token(i) {
            Some(Token::LParen) => {
                let query = ["select", "with", "values"]
                    .iter()
                    .any(|w| head.is(i + 1, w))
                    || (i > 0 && (head.is(i - 1, "from") || head.is(i - 1, "join")));
                query_parens.push(query);
            }
            Some(Token::RParen) => {
                query_parens.pop();
            }
            _ if !query_parens.last().copied().unwrap_or(true) => {}
            _ => {
                let list = head.is(i, "from") || head.is(i, "using");
                if !(list || head.is(i, "join"))
                    || (i > 0 && head.is(i - 1, "distinct"))
                    || is_delete_target(head, i)
                {
                    continue;
                }
                table_refs(head, i + 1, list, &mut reads);
            }
        }
    }
    reads
}

/// The table names of a FROM list (`a, b AS x`) or of one JOIN, starting at `i`.
fn table_refs(head: Part, mut i: usize, list: bool, reads: &mut Vec<String>) {
    loop {
        while head.is(i, "only") || head.is(i, "lateral") {
            i += 1;
        }
        let Some((name, next)) = head.name_at(i) else {
            return;
        };
        if head.token(next) == Some(&Token::LParen) {
            return;
        }
        if !reads.contains(&name) {
            reads.push(name);
        }
        if !list {
            return;
        }
        i = next + usize::from(head.is(next, "as"));
        if matches!(head.token(i), Some(Token::Word(alias)) if !RESERVED_FOR_TABLE_ALIAS.contains(&alias.keyword))
        {
            i += 1;
        }
        if head.token(i) == Some(&Token::LParen) {
            i = head.group(i).1;
        }
        if head.token(i) != Some(&Token::Comma) {
            return;
        }
        i += 1;
    }
}

/// `FOR UPDATE`, `FOR SHARE`, `FOR NO KEY UPDATE`, `FOR KEY SHARE`, MySQL `LOCK IN SHARE MODE`.
fn locking_read(head: Part) -> bool {
    head.find_top(0, |i| {
        (head.is(i, "for")
            && (head.is(i + 1, "update")
                || head.is(i + 1, "share")
                || (head.is(i + 1, "no") && head.is(i + 2, "key"))
                || (head.is(i + 1, "key") && head.is(i + 2, "share"))))
            || (head.is(i, "lock") && head.is(i + 1, "in") && head.is(i + 2, "share"))
    })
    .is_some()
}

fn starts_with_ignore_case(word: &str, prefix: &str) -> bool {
    word.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

fn ends_with_ignore_case(word: &str, suffix: &str) -> bool {
    word.len() >= suffix.len()
        && word
            .get(word.len() - suffix.len()..)
            .is_some_and(|s| s.eq_ignore_ascii_case(suffix))
}

/// A call of an advisory lock function anywhere in the statement: PostgreSQL's
/// `pg_[try_]advisory_[xact_]lock[_shared]`, MySQL's `GET_LOCK`, SQL Server's `sp_getapplock`.
fn advisory_lock(whole: Part) -> bool {
    (0..whole.len()).any(|i| {
        whole.token(i + 1) == Some(&Token::LParen)
            && whole.toks[i].word().is_some_and(|w| {
                ((starts_with_ignore_case(w, "pg_advisory")
                    || starts_with_ignore_case(w, "pg_try_advisory"))
                    && !w.to_ascii_lowercase().contains("unlock"))
                    || w.eq_ignore_ascii_case("get_lock")
                    || w.eq_ignore_ascii_case("sp_getapplock")
            })
    })
}

/// The functions a statement calls: a name that is no keyword (or a quoted one), possibly
/// qualified by a schema, right before `(`.
fn function_calls(whole: Part) -> Vec<FunctionCall> {
    let mut calls = Vec::new();
    for i in 0..whole.len() {
        let Some(Token::Word(word)) = whole.token(i) else {
            continue;
        };
        if whole.token(i + 1) != Some(&Token::LParen)
            || word.quote_style.is_none() && word.keyword != Keyword::NoKeyword
        {
            continue;
        }
        let mut first = i;
        while first >= 2
            && whole.token(first - 1) == Some(&Token::Period)
            && whole.toks[first - 2].ident().is_some()
        {
            first -= 2;
        }
        if first > 0 && NOT_CALLED_AFTER.iter().any(|w| whole.is(first - 1, w)) {
            continue;
        }
        let (inside, after) = whole.group(i + 1);
        let Some(name) = whole.toks[i].folded_ident() else {
            continue;
        };
        calls.push(FunctionCall {
            name,
            span: whole.toks[first].span.start..whole.toks[after - 1].span.end,
            args: (whole.slice(inside).split_commas().iter())
                .filter_map(Part::span)
                .collect(),
        });
    }
    calls
}

/// `… ISOLATION LEVEL SERIALIZABLE`, or `SET [default_]transaction_isolation = 'serializable'`.
fn serializable(whole: Part, kind: StatementKind) -> bool {
    let is_serializable = |i: usize| match whole.token(i) {
        Some(Token::SingleQuotedString(s)) => s.eq_ignore_ascii_case("serializable"),
        _ => whole.is(i, "serializable"),
    };
    (0..whole.len()).any(|i| {
        (whole.is(i, "isolation") && whole.is(i + 1, "level") && whole.is(i + 2, "serializable"))
            || (kind == StatementKind::Set
                && whole.toks[i].ident().is_some_and(|w| {
                    ends_with_ignore_case(w, "transaction_isolation")
                        || ends_with_ignore_case(w, "tx_isolation")
                })
                && is_serializable(i + 2))
    })
}

/// `SELECT [NOT] EXISTS (subquery) [[AS] alias]`: the subquery, and whether it is negated.
fn exists_select<'a>(head: Part<'a>) -> Option<(Part<'a>, bool)> {
    if !head.is(0, "select") {
        return None;
    }
    let negated = head.is(1, "not");
    let exists = 1 + usize::from(negated);
    if !head.is(exists, "exists") || head.token(exists + 1) != Some(&Token::LParen) {
        return None;
    }
    let (inner, after) = head.group(exists + 1);
    let rest = head.len() - after;
    let aliased = match rest {
        0 => true,
        1 => head.toks[after].ident().is_some(),
        2 => head.is(after, "as"),
        _ => false,
    };
    (aliased && !inner.is_empty()).then(|| (head.slice(inner), negated))
}

/// The outermost `ON CONFLICT`/`ON DUPLICATE KEY UPDATE` clause up to RETURNING, or the
/// `IGNORE`, `OR IGNORE`/`OR REPLACE`, `REPLACE` keyword(s).
fn conflict_span(head: Part) -> Option<Range<usize>> {
    if let Some(on) = conflict_clause(head) {
        let end = head.find_top_word(on, &["returning"]).unwrap_or(head.len());
        return Some(head.toks[on].span.start..head.toks[end - 1].span.end);
    }
    let into = head
        .find_top_word(0, &["into"])
        .unwrap_or(head.len().min(4));
    for i in 1..into {
        if head.is(i, "ignore") {
            return Some(head.toks[i].span.clone());
        }
        if head.is(i, "or") && i + 1 < head.len() {
            return Some(head.toks[i].span.start..head.toks[i + 1].span.end);
        }
    }
    head.is(0, "replace").then(|| head.toks[0].span.clone())
}

/// The index of the outermost `ON` of `ON CONFLICT` / `ON DUPLICATE KEY`.
fn conflict_clause(head: Part) -> Option<usize> {
    head.find_top(0, |i| {
        head.is(i, "on") && (head.is(i + 1, "conflict") || head.is(i + 1, "duplicate"))
    })
}

/// MySQL's `col = col` (or `t.col` for the target table `t`) in ON DUPLICATE KEY UPDATE: an
/// assignment that changes nothing.
pub(crate) fn is_self_assignment(column: &str, value: &[&str], table: Option<&str>) -> bool {
    match value {
        [same] => same.eq_ignore_ascii_case(column),
        [qualifier, same] => {
            same.eq_ignore_ascii_case(column)
                && table.is_some_and(|t| t.eq_ignore_ascii_case(qualifier))
        }
        _ => false,
    }
}

/// The conflict behaviour read from the tokens.
fn conflict(head: Part, table: Option<&str>) -> Option<OnConflict> {
    let mut conflict = OnConflict {
        span: 0..0,
        columns: Vec::new(),
        constraint: None,
        action: ConflictAction::DoNothing,
    };
    if let Some(on) = conflict_clause(head) {
        if head.is(on + 1, "duplicate") {
            let start = on + 4;
            let end = head
                .find_top_word(start, &["returning"])
                .unwrap_or(head.len());
            let assignments = head.slice(start.min(end)..end).split_commas();
            let no_op = !assignments.is_empty()
                && assignments.iter().all(|a| {
                    let Some(eq) = a.find_top(1, |i| a.token(i) == Some(&Token::Eq)) else {
                        return false;
                    };
                    let words: Option<Vec<&str>> = a.toks[eq + 1..]
                        .iter()
                        .filter(|t| t.token != Token::Period)
                        .map(|t| t.ident())
                        .collect();
                    match (a.slice(0..eq).as_name(), words) {
                        (Some(column), Some(words)) => is_self_assignment(&column, &words, table),
                        _ => false,
                    }
                });
            if !no_op {
                conflict.action = ConflictAction::DoUpdate;
            }
            return Some(conflict);
        }
        let mut i = on + 2;
        if head.token(i) == Some(&Token::LParen) {
            let (inside, after) = head.group(i);
            conflict.columns = head
                .slice(inside)
                .split_commas()
                .iter()
                .filter_map(|c| c.as_name())
                .collect();
            i = after;
        }
        if head.is(i, "on") && head.is(i + 1, "constraint") {
            conflict.constraint = head.name_at(i + 2).map(|(name, _)| name);
        }
        let action = head.find_top_word(i, &["do"])?;
        conflict.action = if head.is(action + 1, "update") {
            ConflictAction::DoUpdate
        } else {
            ConflictAction::DoNothing
        };
        return Some(conflict);
    }
    let into = head
        .find_top_word(0, &["into"])
        .unwrap_or(head.len().min(4));
    for i in 1..into {
        if head.is(i, "ignore") || (head.is(i, "or") && head.is(i + 1, "ignore")) {
            return Some(conflict);
        }
        if head.is(i, "or") && head.is(i + 1, "replace") {
            conflict.action = ConflictAction::DoUpdate;
            return Some(conflict);
        }
    }
    conflict.action = ConflictAction::DoUpdate;
    head.is(0, "replace").then_some(conflict)
}

/// The column list after an INSERT's table name (`after_target`), skipping an alias.
fn insert_columns(head: Part, after_target: usize) -> Vec<String> {
    let i = if head.is(after_target, "as") {
        after_target + 2
    } else {
        after_target
    };
    let is_query = ["select", "with", "values"]
        .iter()
        .any(|w| head.is(i + 1, w));
    if head.token(i) != Some(&Token::LParen) || is_query {
        return Vec::new();
    }
    head.slice(head.group(i).0)
        .split_commas()
        .iter()
        .filter_map(|c| c.as_name())
        .collect()
}

/// The items of the outermost RETURNING clause (up to PL/pgSQL's `INTO`).
fn returning(head: Part, text: &str) -> Option<Vec<String>> {
    let at = head.find_top_word(0, &["returning"])?;
    let end = head.find_top_word(at + 1, &["into"]).unwrap_or(head.len());
    Some(
        head.slice(at + 1..end)
            .split_commas()
            .into_iter()
            .map(|item| part::item_name(item, text))
            .collect(),
    )
}

/// The select list of a SELECT.
fn select_columns(head: Part, text: &str) -> Vec<String> {
    if !head.is(0, "select") {
        return Vec::new();
    }
    let mut i = 1;
    if head.is(i, "distinct") {
        i += 1;
        if head.is(i, "on") && head.token(i + 1) == Some(&Token::LParen) {
            i = head.group(i + 1).1;
        }
    }
    i += usize::from(head.is(i, "all"));
    let end = head.find_top_word(i, SELECT_LIST_END).unwrap_or(head.len());
    head.slice(i.min(end)..end)
        .split_commas()
        .into_iter()
        .map(|item| part::item_name(item, text))
        .collect()
}

/// The WHERE clause (the one before any ON CONFLICT), if there is one.
fn where_clause(head: Part) -> Option<Part> {
    let stop = conflict_clause(head).unwrap_or(head.len());
    let at = head.find_top(0, |i| i < stop && head.is(i, "where"))?;
    let end = head
        .find_top_word(at + 1, WHERE_END)
        .unwrap_or(head.len())
        .min(stop);
    Some(head.slice(at + 1..end.max(at + 1)))
}

/// The equalities ORed at the top of the WHERE clause, when every disjunct is one.
fn where_any_of(head: Part, params: &[String]) -> Vec<ColumnValue> {
    let Some(clause) = where_clause(head) else {
        return Vec::new();
    };
    let mut disjuncts = Vec::new();
    let mut start = 0;
    for i in 0..=clause.len() {
        if i == clause.len() || (clause.top(i) && clause.is(i, "or")) {
            disjuncts.push(clause.slice(start..i));
            start = i + 1;
        }
    }
    if disjuncts.len() < 2 {
        return Vec::new();
    }
    (disjuncts.into_iter())
        .map(|d| match d.find_top_word(0, &["and"]) {
            Some(_) => None,
            None => equality(d, params),
        })
        .collect::<Option<Vec<ColumnValue>>>()
        .unwrap_or_default()
}

/// The equalities ANDed at the top of the WHERE clause (the one before any ON CONFLICT).
fn where_equals(head: Part, params: &[String]) -> Vec<ColumnValue> {
    let Some(clause) = where_clause(head) else {
        return Vec::new();
    };
    if clause.find_top_word(0, &["or"]).is_some() {
        return Vec::new();
    }
    let mut conjuncts = Vec::new();
    let mut start = 0;
    let mut in_between = false;
    for i in 0..=clause.len() {
        if i < clause.len() && clause.top(i) {
            if clause.is(i, "between") {
                in_between = true;
            } else if clause.is(i, "and") && std::mem::take(&mut in_between) {
                continue;
            }
        }
        if i == clause.len() || (clause.top(i) && clause.is(i, "and")) {
            if i > start {
                conjuncts.push(clause.slice(start..i));
            }
            start = i + 1;
        }
    }
    conjuncts
        .into_iter()
        .filter_map(|c| equality(c, params))
        .collect()
}

/// `col = value`, `value = col` or `col IN (value)`.
fn equality(conjunct: Part, params: &[String]) -> Option<ColumnValue> {
    if conjunct.is(0, "not") {
        return None;
    }
    let column = |side: Part| {
        let last = side.toks.last()?.word();
        side.as_name()
            .filter(|_| !last.is_some_and(|w| part::is_param_name(w, params)))
    };
    let span = conjunct.span()?;
    if let Some(eq) = conjunct.find_top(1, |i| conjunct.token(i) == Some(&Token::Eq)) {
        let (lhs, rhs) = (
            conjunct.slice(0..eq),
            conjunct.slice(eq + 1..conjunct.len()),
        );
        let (column, value) = match (column(lhs), column(rhs)) {
            (Some(c), _) if rhs.len() > 0 => (c, rhs),
            (None, Some(c)) => (c, lhs),
            _ => return None,
        };
        return Some(ColumnValue {
            column,
            value: part::value(value, params),
            span,
        });
    }
    let within = conjunct.find_top(1, |i| conjunct.is(i, "in"))?;
    let column = column(conjunct.slice(0..within))?;
    if conjunct.token(within + 1) != Some(&Token::LParen) {
        return None;
    }
    let (inside, after) = conjunct.group(within + 1);
    let items = conjunct.slice(inside).split_commas();
    match items.as_slice() {
        [single] if after == conjunct.len() => Some(ColumnValue {
            column,
            value: part::value(*single, params),
            span,
        }),
        _ => None,
    }
}

/// The SET list of an UPDATE.
fn set_columns(head: Part, params: &[String]) -> Vec<ColumnValue> {
    let Some(at) = head.find_top_word(0, &["set"]) else {
        return Vec::new();
    };
    let end = head
        .find_top_word(at + 1, &["where", "from", "returning", "order", "limit"])
        .unwrap_or(head.len());
    head.slice(at + 1..end)
        .split_commas()
        .into_iter()
        .filter_map(|item| {
            let eq = item.find_top(1, |i| item.token(i) == Some(&Token::Eq))?;
            Some(ColumnValue {
                column: item.slice(0..eq).as_name()?,
                value: part::value(item.slice(eq + 1..item.len()), params),
                span: item.span()?,
            })
        })
        .collect()
}
