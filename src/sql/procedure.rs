//! The control flow of a PL/pgSQL body: blocks and their exception handlers, `IF` and `CASE`
//! arms, loops, `EXIT`/`CONTINUE`, `RETURN`, `RAISE` and assignments. Its SQL statements were
//! found by [`super::routine`]'s scan; each is placed here by its index, so that every one
//! of them stands in exactly one step. Conditions and values are parsed by sqlparser as
//! expressions, from the body's own tokens.

use std::ops::Range;

use sqlparser::dialect::Dialect;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan};

use super::ast::{self, MAX_PARSE_DEPTH};
use super::lex::Tok;
use super::part::{self, Part};
use super::{Arm, Expression, Handler, Loop, LoopKind, Statement, Step};

/// Words that end a list of steps: the next arm, handler or section, or the end of the
/// construct that holds them.
const STEP_LIST_ENDS: &[&str] = &["end", "elsif", "elseif", "else", "when", "exception"];

/// Words that start a SQL statement as a step (as [`super::routine`] finds them).
const SQL_STARTS: &[&str] = &["select", "insert", "update", "delete", "with", "perform"];

/// `RAISE` levels that only report: anything else (or none) raises an exception.
const REPORT_LEVELS: &[&str] = &["debug", "log", "info", "notice", "warning"];

/// The steps of a body made of the significant tokens `toks`, whose SQL statements are
/// `statements`.
pub(super) fn steps(
    toks: &[&Tok],
    statements: &[Statement],
    dialect: &'static dyn Dialect,
) -> Vec<Step> {
    let depths = part::depths(toks);
    let mut reader = StepReader {
        body: Part {
            toks,
            depths: &depths,
        },
        at: 0,
        statement_starts: statements.iter().map(|s| s.span.start).collect(),
        dialect,
    };
    let mut steps = Vec::new();
    while reader.at < reader.body.len() {
        steps.extend(reader.step_list());
        // A word that ends a list where none is open (a stray `END`) is passed over.
        if reader.at < reader.body.len() {
            steps.extend(reader.skip_to(reader.at + 1));
        }
    }
    steps
}

struct StepReader<'a> {
    body: Part<'a>,
    /// The next token to read.
    at: usize,
    /// Where each of the body's SQL statements starts, in order.
    statement_starts: Vec<usize>,
    dialect: &'static dyn Dialect,
}

impl StepReader<'_> {
    /// Steps up to a word of [`STEP_LIST_ENDS`] or the end.
    fn step_list(&mut self) -> Vec<Step> {
        let mut steps = Vec::new();
        while self.at < self.body.len() && !self.at_any(STEP_LIST_ENDS) {
            let from = self.at;
            steps.extend(self.step());
            if self.at == from {
                steps.extend(self.skip_to(from + 1));
            }
        }
        steps
    }

    /// The step at the cursor (none, or several statements of one skipped).
    fn step(&mut self) -> Vec<Step> {
        let label = self.label();
        let start = self.at;
        if self.is("declare") || self.is("begin") {
            return vec![self.block()];
        }
        if self.is("if") {
            return vec![self.if_branch()];
        }
        if self.is("case") {
            return vec![self.case_branch()];
        }
        if self.is("loop") || self.is("while") || self.is("for") || self.is("foreach") {
            return vec![Step::Loop(self.a_loop(label))];
        }
        if self.is("exit") || self.is("continue") {
            return vec![self.exit()];
        }
        if self.is("return") {
            return vec![self.a_return()];
        }
        if self.is("raise") {
            let end = self.statement_end(start);
            let level_at = self.body.toks.get(start + 1);
            let reports = level_at.is_some_and(|t| REPORT_LEVELS.iter().any(|l| t.is(l)));
            let span = self.span(start..end);
            let mut steps = self.skip_to(end + 1);
            if !reports {
                steps.push(Step::Raise { span });
            }
            return steps;
        }
        if self.is("get") {
            return self.diagnostics();
        }
        if SQL_STARTS.iter().any(|w| self.is(w)) {
            return self.skip_to(self.statement_end(start) + 1);
        }
        if let Some(assign) = self.assignment() {
            return vec![assign];
        }
        self.skip_to(self.statement_end(start) + 1)
    }

    /// `<<label>>` before a block or loop: its name, lower-cased.
    fn label(&mut self) -> Option<String> {
        if self.body.token(self.at) != Some(&Token::ShiftLeft)
            || self.body.token(self.at + 2) != Some(&Token::ShiftRight)
        {
            return None;
        }
        let name = self.body.toks[self.at + 1].folded_ident();
        self.at += 3;
        name
    }

    /// `[DECLARE …] BEGIN … [EXCEPTION WHEN c [OR c] THEN … …] END [label];`.
    fn block(&mut self) -> Step {
        let start = self.at;
        let mut body = Vec::new();
        if self.is("declare") {
            self.at += 1;
            body = self.declarations();
        }
        if self.is("begin") {
            self.at += 1;
        }
        body.extend(self.step_list());
        let mut handlers = Vec::new();
        if self.is("exception") {
            self.at += 1;
            while self.is("when") {
                let handler_start = self.at;
                self.at += 1;
                let then = self.find_word(self.at, "then");
                let mut conditions = Vec::new();
                let mut from = self.at;
                for i in self.at..=then {
                    if i == then || self.body.is(i, "or") {
                        let code_at = from + usize::from(self.body.is(from, "sqlstate"));
                        if code_at < i {
                            conditions.push(self.expression(code_at..i));
                        }
                        from = i + 1;
                    }
                }
                self.at = (then + 1).min(self.body.len());
                let body = self.step_list();
                handlers.push(Handler {
                    span: self.span(handler_start..self.at),
                    conditions,
                    body,
                });
            }
        }
        self.end_of_construct();
        Step::Block {
            span: self.span(start..self.at),
            body,
            handlers,
        }
    }

    /// The declarations of a `DECLARE` section up to its `BEGIN`: those with a value
    /// (`delay numeric := 0.1`, `DEFAULT 0`) assign it.
    fn declarations(&mut self) -> Vec<Step> {
        let mut steps = Vec::new();
        while self.at < self.body.len() && !self.is("begin") {
            let start = self.at;
            let end = self.statement_end(start);
            let name = self.body.toks[start].folded_ident();
            let value_at = (start + 1..end).find(|&i| {
                self.body.top(i)
                    && matches!(self.body.token(i), Some(Token::Assignment | Token::Eq))
                    || self.body.is(i, "default")
            });
            match (name, value_at) {
                (Some(target), Some(at)) if at + 1 < end => {
                    let value = self.expression(at + 1..end);
                    steps.push(Step::Assign {
                        span: self.span(start..end),
                        target,
                        value,
                    });
                    self.at = (end + 1).min(self.body.len());
                }
                _ => steps.extend(self.skip_to(end + 1)),
            }
        }
        steps
    }

    /// `IF c THEN … [ELSIF c THEN …]… [ELSE …] END IF;`.
    fn if_branch(&mut self) -> Step {
        let start = self.at;
        let mut arms = Vec::new();
        while self.is("if") || self.is("elsif") || self.is("elseif") {
            let arm_start = self.at;
            let then = self.find_word(self.at + 1, "then");
            let test = self.expression(self.at + 1..then);
            self.at = (then + 1).min(self.body.len());
            let body = self.step_list();
            arms.push(Arm {
                span: self.span(arm_start..self.at),
                tests: vec![test],
                body,
            });
        }
        self.else_arm(&mut arms);
        self.end_of_construct();
        Step::Branch {
            span: self.span(start..self.at),
            subject: None,
            arms,
        }
    }

    /// `CASE [subject] WHEN v [, v] THEN … [ELSE …] END CASE;`.
    fn case_branch(&mut self) -> Step {
        let start = self.at;
        let first_when = self.find_word(self.at + 1, "when");
        let subject = (first_when > self.at + 1).then(|| self.expression(self.at + 1..first_when));
        self.at = first_when;
        let mut arms = Vec::new();
        while self.is("when") {
            let arm_start = self.at;
            let then = self.find_word(self.at + 1, "then");
            let tests = if subject.is_some() {
                let values = self.body.slice(self.at + 1..then).split_commas();
                values
                    .iter()
                    .filter_map(|value| {
                        let first = value.toks.first()?;
                        let from = self.index_of(first);
                        Some(self.expression(from..from + value.len()))
                    })
                    .collect()
            } else {
                vec![self.expression(self.at + 1..then)]
            };
            self.at = (then + 1).min(self.body.len());
            let body = self.step_list();
            arms.push(Arm {
                span: self.span(arm_start..self.at),
                tests,
                body,
            });
        }
        self.else_arm(&mut arms);
        self.end_of_construct();
        Step::Branch {
            span: self.span(start..self.at),
            subject,
            arms,
        }
    }

    /// An `ELSE …` arm, if one is next.
    fn else_arm(&mut self, arms: &mut Vec<Arm>) {
        if self.is("else") {
            let arm_start = self.at;
            self.at += 1;
            let body = self.step_list();
            arms.push(Arm {
                span: self.span(arm_start..self.at),
                tests: Vec::new(),
                body,
            });
        }
    }

    /// `[WHILE c | FOR v IN … | FOREACH v IN ARRAY …] LOOP … END LOOP [label];`.
    fn a_loop(&mut self, label: Option<String>) -> Loop {
        let start = self.at;
        let loop_word = self.find_word(self.at, "loop");
        let (kind, head, bindings) = if self.is("while") {
            let head = self.expression(self.at + 1..loop_word);
            (LoopKind::While, Some(head), Vec::new())
        } else if self.is("for") || self.is("foreach") {
            let in_word = self.find_word(self.at + 1, "in").min(loop_word);
            let bindings = (self.at + 1..in_word)
                .filter_map(|i| self.body.toks[i].folded_ident())
                .collect();
            let from =
                (in_word + 1 + usize::from(self.body.is(in_word + 1, "array"))).min(loop_word);
            (
                LoopKind::Each,
                Some(self.expression(from..loop_word)),
                bindings,
            )
        } else {
            (LoopKind::Infinite, None, Vec::new())
        };
        self.at = (loop_word + 1).min(self.body.len());
        let body = self.step_list();
        self.end_of_construct();
        Loop {
            span: self.span(start..self.at),
            label,
            kind,
            head,
            bindings,
            body,
        }
    }

    /// `EXIT|CONTINUE [label] [WHEN c];`.
    fn exit(&mut self) -> Step {
        let start = self.at;
        let end = self.statement_end(start);
        let when = (start + 1..end).find(|&i| self.body.is(i, "when"));
        let label = (start + 1 < when.unwrap_or(end))
            .then(|| self.body.toks[start + 1].folded_ident())
            .flatten();
        let when = when.map(|at| self.expression(at + 1..end));
        let step = Step::Exit {
            span: self.span(start..end),
            label,
            when,
            continues: self.is("continue"),
        };
        self.at = (end + 1).min(self.body.len());
        step
    }

    /// `RETURN [NEXT | QUERY] [value];`.
    fn a_return(&mut self) -> Step {
        let start = self.at;
        let end = self.statement_end(start);
        let from = start
            + 1
            + usize::from(self.body.is(start + 1, "next") || self.body.is(start + 1, "query"));
        let value = (from < end).then(|| self.expression(from..end));
        self.at = (end + 1).min(self.body.len());
        Step::Return {
            span: self.span(start..end),
            value,
        }
    }

    /// `GET [CURRENT | STACKED] DIAGNOSTICS v = item [, …];`: the first variable is assigned
    /// the item (`row_count`).
    fn diagnostics(&mut self) -> Vec<Step> {
        let start = self.at;
        let end = self.statement_end(start);
        let op = (start + 1..end)
            .find(|&i| matches!(self.body.token(i), Some(Token::Assignment | Token::Eq)));
        let item_end = op.map(|op| {
            (op + 1..end)
                .find(|&i| self.body.token(i) == Some(&Token::Comma))
                .unwrap_or(end)
        });
        let target = op.and_then(|op| self.body.toks.get(op.checked_sub(1)?)?.folded_ident());
        match (op, item_end, target) {
            (Some(op), Some(item_end), Some(target)) => {
                let value = self.expression(op + 1..item_end);
                self.at = (end + 1).min(self.body.len());
                vec![Step::Assign {
                    span: self.span(start..end),
                    target,
                    value,
                }]
            }
            _ => self.skip_to(end + 1),
        }
    }

    /// `target := value;` (or `=`), the target a variable, a field or an element.
    fn assignment(&mut self) -> Option<Step> {
        let start = self.at;
        let end = self.statement_end(start);
        let op = (start + 1..end).find(|&i| {
            self.body.top(i) && matches!(self.body.token(i), Some(Token::Assignment | Token::Eq))
        })?;
        let target = self.body.toks[start].folded_ident()?;
        let value = self.expression(op + 1..end);
        self.at = (end + 1).min(self.body.len());
        Some(Step::Assign {
            span: self.span(start..end),
            target,
            value,
        })
    }

    /// Past `END [IF | LOOP | CASE] [label];`.
    fn end_of_construct(&mut self) {
        if self.is("end") {
            self.at = (self.statement_end(self.at) + 1).min(self.body.len());
        }
    }

    /// The statements of tokens `self.at..to`, which are passed over as no step of their
    /// own; the cursor moves to `to`.
    fn skip_to(&mut self, to: usize) -> Vec<Step> {
        let to = to.min(self.body.len());
        let range = self.span(self.at..to);
        self.at = to;
        self.statements_in(&range).map(Step::Statement).collect()
    }

    /// The expression of tokens `range`, with the statements inside it.
    fn expression(&self, range: Range<usize>) -> Expression {
        let range = range.start.min(range.end)..range.end;
        let span = self.span(range.clone());
        let ast = parse_expression(&self.body.toks[range], self.dialect);
        Expression {
            statements: self.statements_in(&span).collect(),
            span,
            ast,
        }
    }

    /// The indexes of the statements that start within `span`.
    fn statements_in(&self, span: &Range<usize>) -> Range<usize> {
        let first = self.statement_starts.partition_point(|&s| s < span.start);
        let last = self.statement_starts.partition_point(|&s| s < span.end);
        first..last
    }

    /// The `;` ending the step that starts at `from` (the end when none does).
    fn statement_end(&self, from: usize) -> usize {
        self.body
            .find_top(from, |i| self.body.token(i) == Some(&Token::SemiColon))
            .unwrap_or(self.body.len())
    }

    /// The first `word` at the outermost level from `from`, outside the `CASE … END`s of
    /// expressions, before the step's `;` (the `;`, or the end, when there is none).
    fn find_word(&self, from: usize, word: &str) -> usize {
        let mut open_cases: usize = 0;
        for i in from..self.body.len() {
            if !self.body.top(i) {
                continue;
            }
            if self.body.token(i) == Some(&Token::SemiColon) {
                return i;
            }
            if open_cases == 0 && self.body.is(i, word) {
                return i;
            }
            if self.body.is(i, "case") {
                open_cases += 1;
            } else if self.body.is(i, "end") {
                open_cases = open_cases.saturating_sub(1);
            }
        }
        self.body.len()
    }

    fn is(&self, word: &str) -> bool {
        self.body.is(self.at, word)
    }

    fn at_any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.is(w))
    }

    /// The index of a token of the body (by its position in memory).
    fn index_of(&self, tok: &Tok) -> usize {
        self.body
            .toks
            .partition_point(|t| t.span.start < tok.span.start)
    }

    /// The bytes of tokens `range` (empty, at the next token, for an empty range).
    fn span(&self, range: Range<usize>) -> Range<usize> {
        let toks = self.body.toks;
        let end_of_text = toks.last().map_or(0, |t| t.span.end);
        let at = |i: usize| toks.get(i).map_or(end_of_text, |t| t.span.start);
        if range.start >= range.end {
            return at(range.start)..at(range.start);
        }
        let last = (range.end - 1).min(toks.len().saturating_sub(1));
        at(range.start)..toks.get(last).map_or(end_of_text, |t| t.span.end)
    }
}

/// The expression made of the significant tokens `toks`, if sqlparser reads all of them
/// as one (and they nest no deeper than it is given to parse).
pub(super) fn parse_expression(
    toks: &[&Tok],
    dialect: &'static dyn Dialect,
) -> Option<Box<sqlparser::ast::Expr>> {
    if toks.is_empty() || part::depths(toks).iter().any(|&d| d > MAX_PARSE_DEPTH) {
        return None;
    }
    let tokens = toks
        .iter()
        .map(|t| TokenWithSpan {
            token: t.token.clone(),
            span: Span::new(
                ast::byte_location(t.span.start),
                ast::byte_location(t.span.end),
            ),
        })
        .collect();
    let mut parser = ast::parser(dialect).with_tokens_with_locations(tokens);
    let expr = parser.parse_expr().ok()?;
    (parser.peek_token().token == Token::EOF).then(|| Box::new(expr))
}
