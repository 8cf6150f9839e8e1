//! Routine bodies: `CREATE FUNCTION … AS $$ … $$` and `DO $$ … $$`. A PL/pgSQL body is
//! not SQL, so its SQL statements are found where procedural code can start one (after `;`,
//! `BEGIN`, `THEN`, `ELSE`, `LOOP`, `(`, …) and end where it ends one (`;`, `THEN`, `LOOP`,
//! or the `)` closing the parenthesis they started in); its `RETURN`s are found the same
//! way.

use std::ops::Range;

use sqlparser::dialect::Dialect;
use sqlparser::tokenizer::Token;

use super::lex::{self, Tok};
use super::part::{self, Part};
use super::procedure;
use super::read::Reader;
use super::{Comment, Routine, Statement};

/// Words that start a SQL statement inside procedural code.
const STATEMENT_STARTS: &[&str] = &["select", "insert", "update", "delete", "with", "perform"];

/// Words after which procedural code may start a SQL statement.
const BOUNDARIES: &[&str] = &[
    "begin",
    "then",
    "else",
    "loop",
    "query",
    "in",
    "declare",
    "exception",
];

/// What else a CREATE statement can create, naming a function on the way.
const OTHER_OBJECTS: &[&str] = &[
    "trigger",
    "event",
    "table",
    "view",
    "index",
    "rule",
    "policy",
    "type",
    "cast",
    "operator",
    "aggregate",
    "domain",
    "schema",
    "sequence",
    "statistics",
];

/// Languages whose bodies are read; a body in any other (`plpython3u`, `c`) is left alone.
const READ_LANGUAGES: &[&str] = &["plpgsql", "sql"];

/// The routine a CREATE FUNCTION/PROCEDURE or DO statement defines, and the comments of its
/// body (a dollar-quoted body is a string to the script's tokenizer); `Err` with the reason
/// for a routine in a language read here whose body could not be found.
pub(crate) fn routine(
    text: &str,
    toks: &[&Tok],
    lexed_with: &'static dyn Dialect,
) -> Option<Result<(Routine, Vec<Comment>), &'static str>> {
    if !toks.first().is_some_and(|t| t.is("create") || t.is("do")) {
        return None;
    }
    let depths = part::depths(toks);
    let statement = Part {
        toks,
        depths: &depths,
    };
    let (name, params) = signature(statement)?;
    let language = statement
        .find_top_word(0, &["language"])
        .and_then(|i| statement.toks.get(i + 1))
        .and_then(|t| match &t.token {
            Token::SingleQuotedString(s) => Some(s.as_str()),
            _ => t.ident(),
        });
    if language.is_some_and(|l| !READ_LANGUAGES.iter().any(|r| l.eq_ignore_ascii_case(r))) {
        return None;
    }
    // A SQL-language function's result is its last statement's, unless a `RETURN` says
    // otherwise (in a SQL-standard body, `BEGIN ATOMIC`, which is SQL); a PL/pgSQL one
    // says `RETURN`.
    let result_is_last_statement = name.is_some()
        && returns_value(statement)
        && language.is_none_or(|l| l.eq_ignore_ascii_case("sql"));
    let mut reader = Reader::new(text, lexed_with);
    reader.params = params.iter().map(|p| p.to_lowercase()).collect();
    let dollar_quoted = statement.find_top(0, |i| {
        matches!(statement.token(i), Some(Token::DollarQuotedString(_)))
    });
    let body = if let Some(body) = dollar_quoted {
        let Some(body) = inside_dollar_quotes(text, statement.toks[body].span.clone()) else {
            return Some(Err("its dollar-quoted body is cut short"));
        };
        let lexed = lex::lex(&text[body.clone()]);
        reader.dialect = lexed.dialect;
        let shifted: Vec<Tok> = lexed
            .toks
            .into_iter()
            .map(|t| Tok {
                token: t.token,
                span: t.span.start + body.start..t.span.end + body.start,
            })
            .collect();
        let significant: Vec<&Tok> = shifted.iter().filter(|t| !t.is_trivia()).collect();
        reader.params.extend(declared_variables(&significant));
        let (statements, returns) = inner_statements(&mut reader, &significant);
        let procedural = language.map_or_else(
            || {
                significant
                    .first()
                    .is_some_and(|t| t.is("declare") || t.is("begin"))
            },
            |l| l.eq_ignore_ascii_case("plpgsql"),
        );
        let steps = procedural.then(|| procedure::steps(&significant, &statements, reader.dialect));
        (statements, returns, steps, super::comments(&shifted))
    } else {
        let begin = statement.find_top(0, |i| {
            statement.is(i, "begin") && statement.is(i + 1, "atomic")
        });
        let Some(begin) = begin else {
            // A body after AS that is not dollar-quoted (a string literal, or one the
            // tokenizer did not see as a dollar quote) holds statements that go unread; a
            // SQL-standard `RETURN expression` holds none.
            let has_body = statement.is(0, "do") || statement.find_top_word(0, &["as"]).is_some();
            return has_body.then_some(Err("its body is not dollar-quoted or BEGIN ATOMIC"));
        };
        let end = statement.len() - usize::from(statement.is(statement.len() - 1, "end"));
        let body = &toks[(begin + 2).min(end)..end];
        let (statements, returns) = inner_statements(&mut reader, body);
        (statements, returns, None, Vec::new())
    };
    let (statements, mut returns, steps, comments) = body;
    if result_is_last_statement
        && returns.is_empty()
        && let Some(last) = statements.last()
    {
        returns.push(last.span.clone());
    }
    Some(Ok((
        Routine {
            name,
            params,
            statements,
            returns,
            steps,
        },
        comments,
    )))
}

/// Whether a function gives its caller a value: it `RETURNS` a type, and not `void` or a
/// trigger's.
fn returns_value(statement: Part) -> bool {
    statement.find_top_word(0, &["returns"]).is_some_and(|at| {
        !["void", "trigger", "event_trigger"]
            .iter()
            .any(|t| statement.is(at + 1, t))
    })
}

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE name (params)`: the name as written (last part)
/// and the parameter names; `DO`: no name, no parameters.
fn signature(statement: Part) -> Option<(Option<String>, Vec<String>)> {
    if statement.is(0, "do") {
        return Some((None, Vec::new()));
    }
    if !statement.is(0, "create") {
        return None;
    }
    let keyword = statement.find_top_word(1, &["function", "procedure"])?;
    // `CREATE TRIGGER … EXECUTE FUNCTION f()` creates another kind of object that names a
    // function: the word must come before any other object's (`OR REPLACE`, `DEFINER = u`
    // and the like may stand between).
    if (1..keyword).any(|i| OTHER_OBJECTS.iter().any(|word| statement.is(i, word))) {
        return None;
    }
    let mut at = keyword + 1;
    let mut name = statement.toks.get(at)?.folded_ident()?;
    while statement.token(at + 1) == Some(&Token::Period) {
        at += 2;
        name = statement.toks.get(at)?.folded_ident()?;
    }
    let mut params = Vec::new();
    if statement.token(at + 1) == Some(&Token::LParen) {
        let (inside, _) = statement.group(at + 1);
        for param in statement.slice(inside).split_commas() {
            let mode = ["in", "out", "inout", "variadic"]
                .iter()
                .any(|m| param.is(0, m));
            let param = param.slice(usize::from(mode)..param.len());
            if param.len() >= 2 {
                params.extend(param.toks[0].ident().map(str::to_owned));
            }
        }
    }
    Some((Some(name), params))
}

/// The bytes between `$tag$` and `$tag$` of a dollar-quoted string token.
fn inside_dollar_quotes(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let quoted = text.get(span.clone())?;
    let delimiter = quoted.get(1..)?.find('$')? + 2;
    (quoted.len() >= 2 * delimiter).then(|| span.start + delimiter..span.end - delimiter)
}

/// The variables a PL/pgSQL `DECLARE` section names, lower-cased.
fn declared_variables(toks: &[&Tok]) -> Vec<String> {
    let Some(declare) = toks.iter().position(|t| t.is("declare")) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut expect_name = true;
    for tok in &toks[declare + 1..] {
        if tok.is("begin") {
            break;
        }
        if expect_name {
            names.extend(tok.ident().map(str::to_lowercase));
        }
        expect_name = tok.token == Token::SemiColon;
    }
    names
}

/// The SQL statements of a procedural body, in order, and the values its `RETURN`s give back
/// (see [`Routine::returns`]).
fn inner_statements(reader: &mut Reader, toks: &[&Tok]) -> (Vec<Statement>, Vec<Range<usize>>) {
    let depths = part::depths(toks);
    let body = Part {
        toks,
        depths: &depths,
    };
    let mut statements: Vec<Statement> = Vec::new();
    let mut returns = Vec::new();
    let mut boundary = true;
    // The variables holding the last statement's outcome: what it returned `INTO`, the row
    // count `GET DIAGNOSTICS` read of it.
    let mut outcome_vars: Vec<String> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if let Some(last) = statements.last_mut() {
            if let Some(var) = row_count_read(body, i) {
                outcome_vars.push(var);
                i += 4;
                continue;
            }
            let word = body.toks[i].ident().map(str::to_lowercase);
            if body.is(i, "found") || word.is_some_and(|w| outcome_vars.contains(&w)) {
                last.outcome_tested = true;
            }
        }
        if boundary && body.is(i, "return") {
            // `RETURN QUERY SELECT …` returns the query's rows: the query, a statement of its
            // own after the `QUERY` boundary, is the value.
            let value = i + 1 + usize::from(body.is(i + 1, "query") || body.is(i + 1, "next"));
            let end = statement_end(body, i);
            returns.extend(body.slice(value.min(end)..end).span());
        }
        if boundary && STATEMENT_STARTS.iter().any(|w| body.is(i, w)) {
            let end = statement_end(body, i);
            let statement = body.slice(i..end);
            if let Some(span) = statement.span() {
                statements.push(reader.statement(statement.toks, span, 0));
                outcome_vars = returned_into(statement.toks).into_iter().collect();
            }
            i = end;
            boundary = false;
            continue;
        }
        boundary = matches!(body.token(i), Some(Token::SemiColon | Token::LParen))
            || BOUNDARIES.iter().any(|w| body.is(i, w));
        i += 1;
    }
    (statements, returns)
}

/// The variable `GET DIAGNOSTICS v = ROW_COUNT` (or `:=`) at `i` assigns, lower-cased.
fn row_count_read(body: Part, i: usize) -> Option<String> {
    if !body.is(i, "diagnostics") || !body.is(i + 3, "row_count") {
        return None;
    }
    let var = body.toks.get(i + 1)?.ident()?;
    Some(var.to_lowercase())
}

/// The variable a statement's `RETURNING … INTO v` fills, lower-cased.
fn returned_into(toks: &[&Tok]) -> Option<String> {
    let returning = toks.iter().position(|t| t.is("returning"))?;
    let into = returning + toks[returning..].iter().position(|t| t.is("into"))?;
    Some(toks.get(into + 1)?.ident()?.to_lowercase())
}

/// Where the SQL statement starting at `start` ends: its `;`, a `THEN`/`LOOP` at its level
/// (outside its own `CASE … END`s), or the `)` closing the parenthesis it started in.
fn statement_end(body: Part, start: usize) -> usize {
    let level = body.depths[start];
    let mut open_cases: usize = 0;
    for j in start + 1..body.len() {
        if body.is(j, "case") {
            open_cases += 1;
        } else if body.is(j, "end") {
            open_cases = open_cases.saturating_sub(1);
        }
        let ends_here = body.token(j) == Some(&Token::SemiColon)
            || (open_cases == 0 && (body.is(j, "then") || body.is(j, "loop")));
        if body.depths[j] < level || (body.depths[j] == level && ends_here) {
            return j;
        }
    }
    body.len()
}
