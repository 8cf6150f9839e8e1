//! The clauses of a statement read from sqlparser's AST: the parser knows operator precedence,
//! so only it can tell which equalities are ANDed at the top of a WHERE clause.

use std::ops::Range;

use sqlparser::ast::{
    Assignment, AssignmentTarget, BinaryOperator, ConflictTarget, Expr, Ident, InTarget, Insert,
    ObjectName, OnConflictAction, OnInsert, Query, Select, SelectItem, SetExpr, Spanned,
    SqliteOnConflict, Statement as Ast, UnaryOperator, Value as AstValue,
};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan};

use super::lex::Locator;
use super::part::{Part, is_param_name};
use super::read::{Clauses, is_self_assignment};
use super::{ColumnValue, ConflictAction, OnConflict, Value};

/// Nesting sqlparser may recurse through before giving up on a statement.
const RECURSION_LIMIT: usize = 50;
/// Statements with deeper parentheses are not given to sqlparser: its AST would be as deep,
/// and dropping or walking it could overflow the stack.
pub(crate) const MAX_PARSE_DEPTH: u32 = 64;
/// Nor are statements with more operators than this: a chain of `a AND b AND …` becomes a
/// left-nested tree as deep as the chain is long.
const MAX_PARSE_OPERATORS: usize = 1000;

/// PostgreSQL first, then MySQL (`INSERT IGNORE`, `?`), SQLite (`INSERT OR IGNORE`) and the
/// generic dialect (`:name`, `@name`).
fn parsing_dialects() -> [&'static dyn Dialect; 4] {
    [
        &PostgreSqlDialect {},
        &MySqlDialect {},
        &SQLiteDialect {},
        &GenericDialect {},
    ]
}

/// The clauses of the statement `main` (a run of significant tokens of `text`), or why
/// sqlparser could not read it.
pub(crate) fn clauses(
    text: &str,
    main: Part,
    lexed_with: &dyn Dialect,
    params: &[String],
    table: Option<&str>,
) -> Result<Clauses, String> {
    let span = main
        .span()
        .ok_or_else(|| "it has no statement after its WITH clause".to_owned())?;
    if main.depths.iter().any(|&d| d > MAX_PARSE_DEPTH) {
        return Err(format!(
            "it nests parentheses deeper than {MAX_PARSE_DEPTH}, too deep to parse"
        ));
    }
    if main.toks.iter().filter(|t| is_operator(&t.token)).count() > MAX_PARSE_OPERATORS {
        return Err(format!(
            "it has more than {MAX_PARSE_OPERATORS} operators, too many to parse"
        ));
    }
    let (statement, positions) = parse(text, main, lexed_with)?;
    let reader = AstReader {
        positions,
        whole: span,
        main,
        params,
        table,
    };
    Ok(reader.clauses(&statement))
}

fn is_operator(token: &Token) -> bool {
    match token {
        Token::Word(w) => ["and", "or", "not"]
            .iter()
            .any(|op| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(op)),
        Token::Eq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq
        | Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::Mod
        | Token::StringConcat
        | Token::DoubleColon
        | Token::Arrow
        | Token::LongArrow => true,
        _ => false,
    }
}

/// Where the locations of an AST point.
enum Positions {
    /// Columns of line 1 are byte offsets in the text plus one (the statement was parsed from
    /// the script's own tokens).
    Bytes,
    /// Lines and columns of the statement's text, which starts at `base` in the text.
    Lines { locator: Locator, base: usize },
}

impl Positions {
    fn range(&self, span: Span) -> Option<Range<usize>> {
        match self {
            Positions::Bytes => byte_range(span),
            Positions::Lines { locator, base } => {
                locator.range(span).map(|r| r.start + base..r.end + base)
            }
        }
    }
}

/// The bytes of a span of a node parsed from tokens located by [`byte_location`].
pub(crate) fn byte_range(span: Span) -> Option<Range<usize>> {
    let offset = |at: Location| {
        let column = usize::try_from(at.column).ok()?;
        (at.line == 1).then_some(column.checked_sub(1)?)
    };
    let (start, end) = (offset(span.start)?, offset(span.end)?);
    (start <= end).then_some(start..end)
}

/// The location sqlparser is given for byte `offset` of the text.
pub(crate) fn byte_location(offset: usize) -> Location {
    Location {
        line: 1,
        column: offset as u64 + 1,
    }
}

/// The one statement `main` is: parsed from the script's tokens in the dialect that made them
/// (no second tokenizing), then from its text in each other dialect; or the first error.
fn parse(text: &str, main: Part, lexed_with: &dyn Dialect) -> Result<(Ast, Positions), String> {
    let one = |parsed: Result<Vec<Ast>, ParserError>| match parsed {
        Ok(mut statements) if statements.len() == 1 => Ok(statements.pop()),
        Ok(_) => Ok(None),
        Err(error) => Err(error),
    };
    let tokens = main
        .toks
        .iter()
        .map(|t| TokenWithSpan {
            token: t.token.clone(),
            span: Span::new(byte_location(t.span.start), byte_location(t.span.end)),
        })
        .collect();
    let mut first_error = match one(parser(lexed_with)
        .with_tokens_with_locations(tokens)
        .parse_statements())
    {
        Ok(Some(statement)) => return Ok((statement, Positions::Bytes)),
        Ok(None) => None,
        Err(error) => Some(error),
    };
    let span = main.span().unwrap_or_default();
    let source = &text[span.clone()];
    for dialect in parsing_dialects() {
        if dialect.dialect() == lexed_with.dialect() {
            continue;
        }
        let parsed = parser(dialect)
            .try_with_sql(source)
            .and_then(|mut parser| parser.parse_statements());
        match one(parsed) {
            Ok(Some(statement)) => {
                let positions = Positions::Lines {
                    locator: Locator::new(source),
                    base: span.start,
                };
                return Ok((statement, positions));
            }
            Ok(None) => {}
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.map_or_else(|| "not one statement".to_owned(), describe))
}

pub(crate) fn parser(dialect: &dyn Dialect) -> Parser<'_> {
    Parser::new(dialect).with_recursion_limit(RECURSION_LIMIT)
}

/// A parser error without its location (relative to the statement, so of no use to a reader).
fn describe(error: ParserError) -> String {
    let message = match error {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
        ParserError::RecursionLimitExceeded => "nested too deep".to_owned(),
    };
    match message.find(" at Line: ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

struct AstReader<'a> {
    positions: Positions,
    /// The parsed statement's span, for nodes sqlparser has no span for.
    whole: Range<usize>,
    /// Its tokens.
    main: Part<'a>,
    params: &'a [String],
    table: Option<&'a str>,
}

impl AstReader<'_> {
    fn clauses(&self, statement: &Ast) -> Clauses {
        match statement {
            Ast::Insert(insert) => Clauses {
                insert_columns: insert.columns.iter().filter_map(last_name).collect(),
                on_conflict: self.conflict(insert),
                returning: insert.returning.as_deref().map(items),
                where_equals: insert
                    .source
                    .as_deref()
                    .and_then(select_of)
                    .map(|s| self.where_equals(s.selection.as_ref()))
                    .unwrap_or_default(),
                ..Clauses::default()
            },
            Ast::Update(update) => Clauses {
                set_columns: update
                    .assignments
                    .iter()
                    .filter_map(|a| self.assignment(a))
                    .collect(),
                where_equals: self.where_equals(update.selection.as_ref()),
                returning: update.returning.as_deref().map(items),
                ..Clauses::default()
            },
            Ast::Delete(delete) => Clauses {
                where_equals: self.where_equals(delete.selection.as_ref()),
                returning: delete.returning.as_deref().map(items),
                ..Clauses::default()
            },
            Ast::Query(query) => match select_of(query) {
                Some(select) => Clauses {
                    select_columns: items(&select.projection),
                    where_equals: self.where_equals(select.selection.as_ref()),
                    where_any_of: self.where_any_of(select.selection.as_ref()),
                    ..Clauses::default()
                },
                None => Clauses::default(),
            },
            _ => Clauses::default(),
        }
    }

    fn conflict(&self, insert: &Insert) -> Option<OnConflict> {
        let mut conflict = OnConflict {
            span: 0..0,
            columns: Vec::new(),
            constraint: None,
            action: ConflictAction::DoNothing,
        };
        match &insert.on {
            Some(OnInsert::OnConflict(on)) => {
                match &on.conflict_target {
                    Some(ConflictTarget::Columns { columns, .. }) => {
                        conflict.columns = columns.iter().map(lower).collect();
                    }
                    Some(ConflictTarget::OnConstraint(name)) => {
                        conflict.constraint = last_name(name)
                    }
                    None => {}
                }
                if let OnConflictAction::DoUpdate(_) = on.action {
                    conflict.action = ConflictAction::DoUpdate;
                }
                Some(conflict)
            }
            Some(OnInsert::DuplicateKeyUpdate(assignments)) => {
                if !assignments.iter().all(|a| self.is_no_op(a)) {
                    conflict.action = ConflictAction::DoUpdate;
                }
                Some(conflict)
            }
            _ if insert.ignore || insert.or == Some(SqliteOnConflict::Ignore) => Some(conflict),
            _ if insert.replace_into || insert.or == Some(SqliteOnConflict::Replace) => {
                conflict.action = ConflictAction::DoUpdate;
                Some(conflict)
            }
            _ => None,
        }
    }

    /// MySQL's `col = col`: an ON DUPLICATE KEY UPDATE that changes nothing.
    fn is_no_op(&self, assignment: &Assignment) -> bool {
        let AssignmentTarget::ColumnName(target) = &assignment.target else {
            return false;
        };
        let Some(column) = last_name(target) else {
            return false;
        };
        let words: Vec<&str> = match &assignment.value {
            Expr::Identifier(id) => vec![&id.value],
            Expr::CompoundIdentifier(ids) => ids.iter().map(|id| id.value.as_str()).collect(),
            _ => return false,
        };
        is_self_assignment(&column, &words, self.table)
    }

    /// The bytes of a node. sqlparser's spans may stop short of closing parentheses and
    /// casts (`IN ($1`, `$1` of `$1::uuid`), so the end is carried over them.
    fn span_of(&self, node: &impl Spanned) -> Range<usize> {
        let Some(range) = self.positions.range(node.span()) else {
            return self.whole.clone();
        };
        let (start, end) = (range.start, range.end);
        let toks = self.main.toks;
        let first = toks.partition_point(|t| t.span.start < start);
        let Some(mut last) = toks.partition_point(|t| t.span.start < end).checked_sub(1) else {
            return start..end;
        };
        let mut open: usize = 0;
        for tok in toks.get(first..=last).unwrap_or_default() {
            match tok.token {
                Token::LParen => open += 1,
                Token::RParen => open = open.saturating_sub(1),
                _ => {}
            }
        }
        while last + 1 < toks.len() {
            let next = &toks[last + 1].token;
            if open > 0 {
                match next {
                    Token::LParen => open += 1,
                    Token::RParen => open -= 1,
                    _ => {}
                }
                last += 1;
            } else if *next == Token::DoubleColon && last + 2 < toks.len() {
                last += 2;
                if toks.get(last + 1).is_some_and(|t| t.token == Token::LParen) {
                    open += 1;
                    last += 1;
                }
            } else {
                break;
            }
        }
        start..toks[last].span.end.max(end)
    }

    fn assignment(&self, assignment: &Assignment) -> Option<ColumnValue> {
        let AssignmentTarget::ColumnName(target) = &assignment.target else {
            return None;
        };
        Some(ColumnValue {
            column: last_name(target)?,
            value: self.value(&assignment.value),
            span: self.span_of(assignment),
        })
    }

    /// The `col = value` / `col IN (value)` conjuncts at the top of a WHERE clause; none when
    /// the clause's top is an OR or a NOT.
    fn where_equals(&self, selection: Option<&Expr>) -> Vec<ColumnValue> {
        (operands(selection, &BinaryOperator::And).into_iter())
            .filter_map(|conjunct| self.equality(conjunct))
            .collect()
    }

    /// The equalities ORed at the top of a WHERE clause, when every disjunct is one.
    fn where_any_of(&self, selection: Option<&Expr>) -> Vec<ColumnValue> {
        let disjuncts = operands(selection, &BinaryOperator::Or);
        if disjuncts.len() < 2 {
            return Vec::new();
        }
        (disjuncts.into_iter())
            .map(|disjunct| self.equality(disjunct))
            .collect::<Option<Vec<ColumnValue>>>()
            .unwrap_or_default()
    }

    fn equality(&self, expr: &Expr) -> Option<ColumnValue> {
        let (column, value) = match expr {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => match (self.column(left), self.column(right)) {
                (Some(column), _) => (column, &**right),
                (None, Some(column)) => (column, &**left),
                (None, None) => return None,
            },
            Expr::In {
                expr: column,
                target: InTarget::List(list),
                negated: false,
                ..
            } => match list.as_slice() {
                [single] => (self.column(column)?, single),
                _ => return None,
            },
            _ => return None,
        };
        Some(ColumnValue {
            column,
            value: self.value(value),
            span: self.span_of(expr),
        })
    }

    /// The column an expression names, unless the name is a parameter's.
    fn column(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Identifier(id) if is_param_name(&id.value, self.params) => None,
            _ => column_name(expr),
        }
    }

    fn value(&self, mut expr: &Expr) -> Value {
        loop {
            expr = match expr {
                Expr::Cast { expr, .. } | Expr::Nested(expr) => expr,
                Expr::Value(value) => return literal(&value.value),
                Expr::UnaryOp {
                    op: UnaryOperator::Minus,
                    expr,
                } => {
                    return match literal_of(expr) {
                        Some(Value::Number(n)) => Value::Number(format!("-{n}")),
                        _ => Value::Expr,
                    };
                }
                Expr::Identifier(id) if is_param_name(&id.value, self.params) => {
                    return Value::Param(id.value.clone());
                }
                // A field of a routine's variable: a loop's record (`r.event_id`).
                Expr::CompoundIdentifier(ids)
                    if ids.len() == 2 && is_param_name(&ids[0].value, self.params) =>
                {
                    return Value::Param(format!("{}.{}", ids[0].value, ids[1].value));
                }
                // PostgreSQL reads an `@name` placeholder as `@` (absolute value) of `name`.
                Expr::UnaryOp {
                    op: UnaryOperator::PGAbs,
                    expr,
                } => {
                    return match &**expr {
                        Expr::Identifier(id) => Value::Param(format!("@{}", id.value)),
                        _ => Value::Expr,
                    };
                }
                _ => return Value::Expr,
            };
        }
    }
}

/// The operands of a chain of `op` (`a AND b AND c`), through parentheses, in order: the
/// expression itself when its top is another operator.
fn operands<'e>(expr: Option<&'e Expr>, op: &BinaryOperator) -> Vec<&'e Expr> {
    let mut out = Vec::new();
    let mut stack: Vec<&Expr> = expr.into_iter().collect();
    while let Some(expr) = stack.pop() {
        match expr {
            Expr::BinaryOp {
                left,
                op: found,
                right,
            } if found == op => {
                stack.push(right);
                stack.push(left);
            }
            Expr::Nested(inner) => stack.push(inner),
            _ => out.push(expr),
        }
    }
    out
}

fn literal_of(expr: &Expr) -> Option<Value> {
    match expr {
        Expr::Value(value) => Some(literal(&value.value)),
        _ => None,
    }
}

fn literal(value: &AstValue) -> Value {
    match value {
        AstValue::Placeholder(p) => Value::Param(p.clone()),
        AstValue::SingleQuotedString(s)
        | AstValue::EscapedStringLiteral(s)
        | AstValue::NationalStringLiteral(s)
        | AstValue::DoubleQuotedString(s) => Value::Text(s.clone()),
        AstValue::DollarQuotedString(s) => Value::Text(s.value.clone()),
        AstValue::Number(n, _) => Value::Number(n.to_string()),
        _ => Value::Expr,
    }
}

/// The SELECT a query reads through, looking inside parentheses; none for set operations.
fn select_of(query: &Query) -> Option<&Select> {
    let mut body = &*query.body;
    loop {
        body = match body {
            SetExpr::Select(select) => return Some(select),
            SetExpr::Query(inner) => &inner.body,
            _ => return None,
        };
    }
}

/// How select-list or RETURNING items are named: the column read, else the alias, else the
/// expression's text.
fn items(items: &[SelectItem]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            SelectItem::UnnamedExpr(expr) => {
                column_name(expr).unwrap_or_else(|| expr.to_string().to_lowercase())
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                column_name(expr).unwrap_or_else(|| lower(alias))
            }
            SelectItem::ExprWithAliases { expr, aliases } => column_name(expr)
                .or_else(|| aliases.first().map(lower))
                .unwrap_or_else(|| expr.to_string().to_lowercase()),
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => "*".to_owned(),
        })
        .collect()
}

fn column_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(id) => Some(lower(id)),
        Expr::CompoundIdentifier(ids) => ids.last().map(lower),
        _ => None,
    }
}

fn lower(id: &Ident) -> String {
    id.value.to_lowercase()
}

/// The last part of a possibly qualified name, lower-cased.
fn last_name(name: &ObjectName) -> Option<String> {
    name.0.last()?.as_ident().map(lower)
}
