//! Facts about SQL statements, for scripts and for SQL inside host-language strings.
//!
//! Spans here are byte ranges of the SQL text given to [`facts`]; the caller maps them
//! back into the host file (see [`crate::model::StrLit::file_span`]).
//!
//! The text is tokenized with sqlparser's tokenizer and split at `;` into statements. Each
//! statement's shape (kind, table, CTEs, what it reads, locks, where its clauses are) comes
//! from its tokens; its clauses (columns, WHERE equalities, SET list, RETURNING, conflict
//! action) from sqlparser's AST in the first dialect that parses it (PostgreSQL, MySQL,
//! SQLite, generic), or from the tokens when none does. Routine bodies (`CREATE FUNCTION …
//! AS $$ … $$`, `DO $$ … $$`) are read for the SQL statements inside them.

use std::ops::Range;

mod ast;
mod lex;
mod part;
mod procedure;
mod read;
mod routine;

/// What kind of statement it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementKind {
    Select,
    Insert,
    Update,
    Delete,
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`.
    Commit,
    Rollback,
    /// `SET TRANSACTION …`, `SET …`.
    Set,
    /// Anything else (DDL, `CALL`, PL/pgSQL fragments that did not parse).
    Other,
}

/// How an INSERT avoids failing on a duplicate key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictAction {
    /// `ON CONFLICT … DO NOTHING`, MySQL `INSERT IGNORE`, SQLite `INSERT OR IGNORE`,
    /// MySQL `ON DUPLICATE KEY UPDATE x = x`: a duplicate silently inserts nothing.
    DoNothing,
    /// `ON CONFLICT … DO UPDATE`, `ON DUPLICATE KEY UPDATE` that changes a column,
    /// `INSERT OR REPLACE`, `REPLACE INTO`: an upsert.
    DoUpdate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnConflict {
    /// The clause (`ON CONFLICT (k) DO NOTHING`, `ON DUPLICATE KEY UPDATE …`), or the
    /// `IGNORE`, `OR IGNORE`, `OR REPLACE`, `REPLACE` keyword(s).
    pub span: Range<usize>,
    /// The conflict target columns, lower-cased; empty when none is named.
    pub columns: Vec<String>,
    /// `ON CONFLICT ON CONSTRAINT name`: the constraint, lower-cased.
    pub constraint: Option<String>,
    pub action: ConflictAction,
}

/// A value a column is compared with or set to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A bind parameter: `$1`, `?`, `$name`, `:name`, `@name`, or a host interpolation.
    Param(String),
    /// A string literal, unquoted.
    Text(String),
    Number(String),
    /// Another column or expression (`reserved + $2`, `now()`).
    Expr,
}

/// `column = value` (or `column IN (…)` with a single value), from a WHERE clause or SET list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnValue {
    /// Lower-cased, without table qualifier.
    pub column: String,
    pub value: Value,
    pub span: Range<usize>,
}

/// A function a statement calls (`mark_processed($1)` in `SELECT mark_processed($1)`,
/// `PERFORM f(x)`, `CALL p()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionCall {
    /// The function's name without its schema, as the database names it (see
    /// [`Routine::name`]).
    pub name: String,
    /// From the name to the closing parenthesis.
    pub span: Range<usize>,
    /// Each argument.
    pub args: Vec<Range<usize>>,
}

/// The facts about one SQL statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    /// The whole statement, without the trailing `;`.
    pub span: Range<usize>,
    /// The keyword that names the statement (`INSERT`, `UPDATE`, …): after a `WITH` clause,
    /// the main statement's.
    pub keyword_span: Range<usize>,
    /// The table written (INSERT/UPDATE/DELETE) or first read (SELECT, the subquery's for
    /// `SELECT EXISTS (…)`), lower-cased, without schema.
    pub table: Option<String>,
    /// INSERT: the column list, lower-cased.
    pub insert_columns: Vec<String>,
    /// INSERT: the `ON CONFLICT` / `IGNORE` behaviour, if any.
    pub on_conflict: Option<OnConflict>,
    /// INSERT of a whole model value by an ORM (`db.Create(&payment)`): every column of
    /// the table, whichever `insert_columns` names.
    pub whole_row: bool,
    /// `RETURNING` columns (lower-cased; `*` kept as is), if the clause is present.
    pub returning: Option<Vec<String>>,
    /// SELECT: the selected columns (lower-cased names, `*`, or `count(*)`, `exists`…).
    /// A column read under an alias is named by the column; another expression by its alias.
    pub select_columns: Vec<String>,
    /// Equality predicates of the WHERE clause that are ANDed at its top level (for
    /// `SELECT EXISTS (…)`, the subquery's; for `INSERT … SELECT`, the source's).
    pub where_equals: Vec<ColumnValue>,
    /// SELECT: the equalities ORed at the top of the WHERE clause, when every one of its
    /// disjuncts is one (`WHERE event_id = $1 OR idempotency_key = $2`): a row found by any
    /// of its keys.
    pub where_any_of: Vec<ColumnValue>,
    /// UPDATE: the SET list.
    pub set_columns: Vec<ColumnValue>,
    /// SELECT … FOR UPDATE / FOR SHARE / FOR NO KEY UPDATE.
    pub locking_read: bool,
    /// Data-modifying or reading CTEs (`WITH fresh AS (INSERT …)`), in order, with their names.
    pub ctes: Vec<(String, Statement)>,
    /// Names referenced inside `EXISTS (…)` / `IN (SELECT …)` subqueries of the WHERE clause,
    /// and tables or CTEs joined/read in the FROM clause.
    pub reads_from: Vec<String>,
    /// `BEGIN ISOLATION LEVEL SERIALIZABLE` / `SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`.
    pub serializable: bool,
    /// Calls an advisory lock function (`pg_advisory_xact_lock`, `GET_LOCK`).
    pub advisory_lock: bool,
    /// Where `RETURNING <cols>` may be inserted (the end of the statement's last token), for
    /// fixes.
    pub end: usize,
    /// The functions a SELECT (`PERFORM`), an INSERT, UPDATE or DELETE, or a `CALL` calls,
    /// in order.
    pub calls: Vec<FunctionCall>,
    /// In a routine's body: its procedural code looks at what this statement did before
    /// the next statement runs (`FOUND`, the row count `GET DIAGNOSTICS` reads, or the row
    /// it returned `INTO` a variable).
    pub outcome_tested: bool,
}

/// A comment of a SQL text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Range<usize>,
    /// The text without its delimiters (`--`, `#`, `/* */`).
    pub text: String,
}

/// A part of a SQL text that could not be read exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub span: Range<usize>,
    pub reason: String,
    /// Whether the facts were still read, from the tokens: sqlparser's grammar lacks some
    /// dialects' syntax (psql variables, ClickHouse DDL, PL/pgSQL), the tokens do not.
    pub read_from_tokens: bool,
}

/// The body of a `CREATE FUNCTION`/`CREATE PROCEDURE` or `DO` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routine {
    /// The routine's name without its schema, as the database names it: folded to lower
    /// case unless quoted, as PostgreSQL does; `None` for a `DO` block, which runs where it
    /// stands.
    pub name: Option<String>,
    pub params: Vec<String>,
    /// The SQL statements of the body, in order, with spans in the whole text.
    pub statements: Vec<Statement>,
    /// Where the body hands a value back to its caller, in order: the expression of a
    /// PL/pgSQL `RETURN` (the query of a `RETURN QUERY`), or the last statement of a
    /// SQL-language function that returns something, whose result is the function's.
    pub returns: Vec<Range<usize>>,
    /// The control flow of a PL/pgSQL body (blocks, `IF`, loops, handlers, assignments),
    /// holding every one of `statements`; `None` for a SQL-language body, which is the
    /// statements in order.
    pub steps: Option<Vec<Step>>,
}

/// A step of a PL/pgSQL body's control flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The statement at this index of [`Routine::statements`], run for its effect.
    Statement(usize),
    /// `target := value` (or `=`, or a declaration's `DEFAULT`).
    Assign {
        span: Range<usize>,
        target: String,
        value: Expression,
    },
    /// `IF … ELSIF … ELSE … END IF`, or `CASE [subject] WHEN … ELSE … END CASE`.
    Branch {
        span: Range<usize>,
        subject: Option<Expression>,
        arms: Vec<Arm>,
    },
    Loop(Loop),
    /// `EXIT [label] [WHEN condition]`, or `CONTINUE …` when `continues`.
    Exit {
        span: Range<usize>,
        label: Option<String>,
        when: Option<Expression>,
        continues: bool,
    },
    /// `RETURN [value]`; of `RETURN QUERY …`, the query is the value.
    Return {
        span: Range<usize>,
        value: Option<Expression>,
    },
    /// `RAISE` of an exception (not a `RAISE NOTICE`), or a bare `RAISE` re-raising one.
    Raise {
        span: Range<usize>,
    },
    /// `[DECLARE …] BEGIN … [EXCEPTION WHEN … THEN …] END`.
    Block {
        span: Range<usize>,
        body: Vec<Step>,
        handlers: Vec<Handler>,
    },
}

/// An arm of a branch: the conditions of an `IF`/`ELSIF`, or the values a `CASE` arm
/// matches; none for the `ELSE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arm {
    pub span: Range<usize>,
    pub tests: Vec<Expression>,
    pub body: Vec<Step>,
}

/// What repeats a loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopKind {
    /// `LOOP … END LOOP`.
    Infinite,
    /// `WHILE condition LOOP`.
    While,
    /// `FOR v IN …`, `FOREACH v IN ARRAY …`.
    Each,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loop {
    pub span: Range<usize>,
    pub label: Option<String>,
    pub kind: LoopKind,
    /// The condition of a `WHILE`, what a `FOR` iterates over.
    pub head: Option<Expression>,
    /// The variables a `FOR` binds, lower-cased.
    pub bindings: Vec<String>,
    pub body: Vec<Step>,
}

/// `WHEN condition [OR condition] THEN …` of a block's `EXCEPTION` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    pub span: Range<usize>,
    /// The conditions it catches: a name (`unique_violation`, `others`), or the code of a
    /// `SQLSTATE '23505'`.
    pub conditions: Vec<Expression>,
    pub body: Vec<Step>,
}

/// A PL/pgSQL expression: a condition or a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expression {
    pub span: Range<usize>,
    /// As sqlparser parses it, its spans made byte offsets by [`byte_range`]; `None` when it
    /// does not (`1..10`, a dialect's syntax it lacks).
    pub ast: Option<Box<sqlparser::ast::Expr>>,
    /// The indexes in [`Routine::statements`] of the queries inside it (`EXISTS (SELECT …)`,
    /// a `FOR` loop's query).
    pub statements: Vec<usize>,
}

/// The expression at `span` of `text` (a function's argument, say) as sqlparser parses it,
/// its spans made byte offsets of `text` by [`byte_range`]; `None` when it does not.
pub fn expression_at(text: &str, span: Range<usize>) -> Option<Box<sqlparser::ast::Expr>> {
    let lexed = lex::lex(text.get(span.clone())?);
    if lexed.unread.is_some() {
        return None;
    }
    let shifted: Vec<lex::Tok> = (lexed.toks.into_iter())
        .filter(|t| !t.is_trivia())
        .map(|t| lex::Tok {
            token: t.token,
            span: t.span.start + span.start..t.span.end + span.start,
        })
        .collect();
    let toks: Vec<&lex::Tok> = shifted.iter().collect();
    procedure::parse_expression(&toks, lexed.dialect)
}

/// The bytes of the text a node of an [`Expression`]'s AST covers; `None` when sqlparser
/// does not know where it is.
pub fn byte_range(node: &impl sqlparser::ast::Spanned) -> Option<Range<usize>> {
    ast::byte_range(node.span())
}

/// One top-level statement of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub statement: Statement,
    /// The routine the statement defines or runs.
    pub routine: Option<Routine>,
}

/// A SQL script read statement by statement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub items: Vec<Item>,
    /// Every comment, routine bodies' included, in order.
    pub comments: Vec<Comment>,
    /// What the tokenizer stopped at, and the data-changing or reading statements sqlparser
    /// rejected (read from their tokens instead).
    pub rejected: Vec<Rejected>,
}

impl Statement {
    /// An empty statement of `kind` covering `span`.
    pub fn new(kind: StatementKind, span: Range<usize>) -> Statement {
        Statement {
            kind,
            keyword_span: span.start..span.start,
            end: span.end,
            span,
            table: None,
            insert_columns: Vec::new(),
            whole_row: false,
            outcome_tested: false,
            on_conflict: None,
            returning: None,
            select_columns: Vec::new(),
            where_equals: Vec::new(),
            where_any_of: Vec::new(),
            set_columns: Vec::new(),
            locking_read: false,
            ctes: Vec::new(),
            reads_from: Vec::new(),
            serializable: false,
            advisory_lock: false,
            calls: Vec::new(),
        }
    }

    pub fn is_write(&self) -> bool {
        matches!(
            self.kind,
            StatementKind::Insert | StatementKind::Update | StatementKind::Delete
        )
    }

    /// The same facts with spans relative to a text that starts at `origin`.
    pub fn relative_to(mut self, origin: usize) -> Statement {
        let shift = |r: &mut Range<usize>| {
            *r = r.start.saturating_sub(origin)..r.end.saturating_sub(origin);
        };
        shift(&mut self.span);
        shift(&mut self.keyword_span);
        self.end = self.end.saturating_sub(origin);
        if let Some(conflict) = &mut self.on_conflict {
            shift(&mut conflict.span);
        }
        for column in (self.where_equals.iter_mut())
            .chain(&mut self.where_any_of)
            .chain(&mut self.set_columns)
        {
            shift(&mut column.span);
        }
        for call in &mut self.calls {
            shift(&mut call.span);
            call.args.iter_mut().for_each(shift);
        }
        self.ctes = std::mem::take(&mut self.ctes)
            .into_iter()
            .map(|(name, cte)| (name, cte.relative_to(origin)))
            .collect();
        self
    }

    /// The columns a SELECT looks its row up by: equalities with a bind parameter (or a
    /// routine's argument or variable, which the SQL facts count as parameters); failing
    /// those, the keys of a lookup by any of several (`WHERE a = $1 OR b = $2`).
    pub fn lookup_keys(&self) -> Vec<&str> {
        if self.kind != StatementKind::Select || self.table.is_none() {
            return Vec::new();
        }
        let is_param = |c: &&ColumnValue| matches!(c.value, Value::Param(_));
        let keys: Vec<&str> = (self.where_equals.iter().filter(is_param))
            .map(|c| c.column.as_str())
            .collect();
        if !keys.is_empty() || !self.where_any_of.iter().all(|c| is_param(&c)) {
            return keys;
        }
        self.where_any_of
            .iter()
            .map(|c| c.column.as_str())
            .collect()
    }

    /// An INSERT whose duplicates are silently dropped.
    pub fn is_insert_do_nothing(&self) -> bool {
        self.kind == StatementKind::Insert
            && self
                .on_conflict
                .as_ref()
                .is_some_and(|c| c.action == ConflictAction::DoNothing)
    }
}

/// The first words of a statement that reads rows ([`StatementKind::Select`]).
pub const SELECT_WORDS: &[&str] = &["select", "table", "perform"];

/// The first words of a statement that inserts rows ([`StatementKind::Insert`]).
pub const INSERT_WORDS: &[&str] = &["insert", "replace", "upsert"];

/// The words one of which an INSERT that skips duplicates holds: `ON CONFLICT`, MySQL's
/// `ON DUPLICATE KEY UPDATE` and `INSERT IGNORE`, SQLite's `INSERT OR IGNORE`.
pub const SKIP_DUPLICATE_WORDS: &[&str] = &["conflict", "duplicate", "ignore"];

/// The words a string must start with for [`looks_like_sql`].
pub const STATEMENT_WORDS: &[&str] = &[
    "select", "insert", "update", "delete", "with", "begin", "commit", "rollback", "replace",
    "upsert", "merge", "start", "end", "set",
];

/// Whether a string looks like SQL worth parsing: it starts with a statement keyword, after
/// any `--` comment lines (sqlc's `-- name: GetUser :one` header).
pub fn looks_like_sql(text: &str) -> bool {
    let mut rest = text.trim_start();
    while let Some(comment) = rest.strip_prefix("--") {
        rest = comment
            .split_once('\n')
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    let first = rest
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    STATEMENT_WORDS
        .iter()
        .any(|k| first.eq_ignore_ascii_case(k))
        && text.split_ascii_whitespace().nth(1).is_some()
}

/// Whether a file's text may hold a query that inserts rows (`INSERT … INTO`, `REPLACE …
/// INTO`, `UPSERT`), in any case, outside `//` comment lines: a cheap test that rules a
/// file out before its functions are read for the queries they run.
pub fn may_hold_inserts(text: &[u8]) -> bool {
    holds_inserts(&code_lines_lowercase(text))
}

/// Whether a file's text may hold a query that reads rows by a condition (`SELECT … FROM …
/// WHERE`) or inserts them (see [`may_hold_inserts`]). The `WHERE` keeps out Go files whose
/// `select` statement is followed by "from" in a comment, which are most of those with a
/// `select`.
pub fn may_hold_keyed_reads_or_inserts(text: &[u8]) -> bool {
    let text = code_lines_lowercase(text);
    holds_inserts(&text) || holds_keyed_reads(&text)
}

/// `text` in lowercase, its `//` comment lines (doc comments included) blanked: a SQL
/// parser's documentation is full of example queries it does not run.
fn code_lines_lowercase(text: &[u8]) -> Vec<u8> {
    let mut out = text.to_ascii_lowercase();
    let mut start = 0;
    for line in text.split(|&b| b == b'\n') {
        if line.trim_ascii_start().starts_with(b"//") {
            out[start..start + line.len()].fill(b' ');
        }
        start += line.len() + 1;
    }
    out
}

/// Whether the lowercase `text` has `SELECT`, then `FROM` within 400 bytes, then `WHERE`
/// within 400 bytes of that.
fn holds_keyed_reads(lowercase: &[u8]) -> bool {
    const WINDOW: usize = 400;
    word_positions(lowercase, b"select").any(|select| {
        let after = select + b"select".len();
        let window = &lowercase[after..(after + WINDOW).min(lowercase.len())];
        word_positions(window, b"from").any(|from| {
            let after = after + from + b"from".len();
            let window = &lowercase[after..(after + WINDOW).min(lowercase.len())];
            word_positions(window, b"where").next().is_some()
        })
    })
}

fn holds_inserts(lowercase: &[u8]) -> bool {
    word_then(lowercase, b"insert", b"into", 40)
        || word_then(lowercase, b"replace", b"into", 40)
        || word_positions(lowercase, b"upsert").next().is_some()
}

/// Whether the lowercase `text` has the word `first`, then the word `then` within `window`
/// bytes after it with only words between (`insert or ignore into`), as SQL writes them; a
/// call (`map.insert(k, v.into())`) does not count.
fn word_then(text: &[u8], first: &[u8], then: &[u8], window: usize) -> bool {
    word_positions(text, first).any(|at| {
        let after = at + first.len();
        let window = &text[after..(after + window).min(text.len())];
        word_positions(window, then).next().is_some_and(|found| {
            (window[..found].iter()).all(|b| b.is_ascii_alphabetic() || b.is_ascii_whitespace())
        })
    })
}

/// Where `word` stands in `text` as a whole word.
fn word_positions<'a>(text: &'a [u8], word: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let is_word = |b: u8| b == b'_' || b.is_ascii_alphanumeric();
    memchr::memmem::find_iter(text, word).filter(move |&at| {
        !at.checked_sub(1).is_some_and(|i| is_word(text[i]))
            && !text.get(at + word.len()).is_some_and(|&b| is_word(b))
    })
}

/// The facts of every statement in `text`, routine bodies' statements right after the
/// statement that defines them. Never fails: what sqlparser rejects is read from its tokens.
pub fn facts(text: &str) -> Vec<Statement> {
    script(text)
        .items
        .into_iter()
        .flat_map(|item| {
            let body = item.routine.map(|r| r.statements).unwrap_or_default();
            std::iter::once(item.statement).chain(body)
        })
        .collect()
}

/// Reads a SQL script: its statements, the routines they define, its comments, and what
/// could not be read exactly.
pub fn script(text: &str) -> Script {
    let lexed = lex::lex(text);
    let mut script = Script {
        comments: comments(&lexed.toks),
        ..Script::default()
    };
    if let Some((span, message)) = &lexed.unread {
        script.rejected.push(Rejected {
            span: span.clone(),
            reason: format!("the SQL tokenizer stopped here: {message}"),
            read_from_tokens: false,
        });
    }
    let mut reader = read::Reader::new(text, lexed.dialect);
    reader.note_rejections = true;
    for chunk in lex::split(&lexed) {
        let toks: Vec<&lex::Tok> = lexed.toks[chunk.toks]
            .iter()
            .filter(|t| !t.is_trivia())
            .collect();
        let mut statement = reader.statement(&toks, chunk.span, 0);
        // `INSERT … RETURNING … \gset`: what it returned is in psql variables for an `\if`.
        statement.outcome_tested |= chunk.stores_result && statement.returning.is_some();
        let routine = match routine::routine(text, &toks, lexed.dialect) {
            Some(Ok((routine, comments))) => {
                script.comments.extend(comments);
                Some(routine)
            }
            Some(Err(reason)) => {
                script.rejected.push(Rejected {
                    span: statement.span.clone(),
                    reason: format!("the body of this routine could not be read ({reason}): the statements in it are not checked"),
                    read_from_tokens: false,
                });
                None
            }
            None => None,
        };
        script.items.push(Item { statement, routine });
    }
    script.comments.sort_by_key(|c| c.span.start);
    // A statement cut short by the tokenizer is already explained by the tokenizer's note.
    let unread_from = lexed.unread.map_or(text.len() + 1, |(span, _)| span.start);
    let parse_failures = reader
        .rejected
        .into_iter()
        .filter(|(span, _)| span.end < unread_from)
        .map(|(span, reason)| Rejected {
            span,
            reason: format!(
                "sqlparser could not read this statement: {reason}; its facts were read from its tokens"
            ),
            read_from_tokens: true,
        });
    script.rejected.extend(parse_failures);
    script.rejected.sort_by_key(|r| r.span.start);
    script
}

/// The comments among `toks`.
fn comments(toks: &[lex::Tok]) -> Vec<Comment> {
    toks.iter()
        .filter_map(|t| {
            Some(Comment {
                span: t.span.clone(),
                text: lex::comment_text(t)?.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_told_from_words_that_only_look_like_them() {
        assert!(may_hold_inserts(
            b"db.Exec(`INSERT INTO t (k) VALUES ($1)`)"
        ));
        assert!(may_hold_inserts(b"\"insert or ignore into t\""));
        assert!(!may_hold_inserts(b"list.insert(0, x); // keeps the order"));
        assert!(may_hold_keyed_reads_or_inserts(
            b"q := `SELECT id\n  FROM payments WHERE k = $1`"
        ));
        assert!(!may_hold_keyed_reads_or_inserts(
            b"select {\ncase <-done:\n}"
        ));
        assert!(!may_hold_keyed_reads_or_inserts(b"SELECT id FROM payments"));
        assert!(!may_hold_keyed_reads_or_inserts(
            b"    /// parser.try_with_sql(\"SELECT * FROM foo WHERE a\")?\nfn parse() {}"
        ));
        assert!(!may_hold_inserts(b"// INSERT INTO t VALUES (1)\n"));
        assert!(!may_hold_inserts(b"v.insert(start, e.into());"));
        assert!(may_hold_inserts(b"`INSERT\n\tINTO t (k) VALUES ($1)`"));
        assert!(!may_hold_keyed_reads_or_inserts(b"reinsert(x)"));
    }
}
