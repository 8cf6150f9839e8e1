//! Where a syn expression starts and ends, from its own tokens. syn's `Spanned` prints the
//! whole subtree to find its first and last token, which costs a walk per node; these follow
//! one spine of the tree in a loop instead.

use std::ops::Range;

use proc_macro2::{LineColumn, Span};
use syn::spanned::Spanned;
use syn::{Expr, Label, Path, RangeLimits};

/// Turns the positions of spans parsed from one piece of the file into file offsets.
/// proc-macro2's `byte_range` counts characters from the nearest offset it has computed
/// before, which on a large file costs more than all the lowering; here a position on an
/// ASCII line costs one lookup.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Where `text` starts in the file.
    offset: usize,
    /// Each line's start in `text`, and whether the line is all ASCII.
    lines: Vec<(usize, bool)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, offset: usize) -> LineIndex<'a> {
        let mut lines = Vec::new();
        let mut start = 0;
        let mut ascii = true;
        for (i, b) in text.bytes().enumerate() {
            ascii &= b.is_ascii();
            if b == b'\n' {
                lines.push((start, ascii));
                start = i + 1;
                ascii = true;
            }
        }
        lines.push((start, ascii));
        LineIndex {
            text,
            offset,
            lines,
        }
    }

    /// The file range from the start of `first` to the end of `last`.
    pub fn range(&self, first: Span, last: Span) -> Range<usize> {
        let start = self.offset_of(first.start());
        start..self.offset_of(last.end()).max(start)
    }

    fn offset_of(&self, at: LineColumn) -> usize {
        let Some(&(line_start, ascii)) = self.lines.get(at.line.saturating_sub(1)) else {
            return self.offset + self.text.len();
        };
        let local = if ascii {
            line_start + at.column
        } else {
            self.text[line_start..]
                .char_indices()
                .nth(at.column)
                .map_or(self.text.len(), |(i, _)| line_start + i)
        };
        self.offset + local.min(self.text.len())
    }
}

/// The span of the first token of `expr`.
pub fn start(mut expr: &Expr) -> Span {
    loop {
        expr = match expr {
            Expr::Assign(e) => &e.left,
            Expr::Await(e) => &e.base,
            Expr::Binary(e) => &e.left,
            Expr::Call(e) => &e.func,
            Expr::Cast(e) => &e.expr,
            Expr::Field(e) => &e.base,
            Expr::Index(e) => &e.expr,
            Expr::MethodCall(e) => &e.receiver,
            Expr::Range(syn::ExprRange {
                start: Some(start), ..
            }) => start,
            Expr::Try(e) => &e.expr,
            other => return own_start(other),
        };
    }
}

/// The span of the last token of `expr`.
pub fn end(mut expr: &Expr) -> Span {
    loop {
        expr = match expr {
            Expr::Assign(e) => &e.right,
            Expr::Binary(e) => &e.right,
            Expr::Closure(e) => &e.body,
            Expr::Group(e) => &e.expr,
            Expr::If(e) => match &e.else_branch {
                Some((_, other)) => other,
                None => return e.then_branch.brace_token.span.close(),
            },
            Expr::Let(e) => &e.expr,
            Expr::Range(syn::ExprRange { end: Some(end), .. }) => end,
            Expr::RawAddr(e) => &e.expr,
            Expr::Reference(e) => &e.expr,
            Expr::Unary(e) => &e.expr,
            Expr::Break(syn::ExprBreak {
                expr: Some(value), ..
            })
            | Expr::Return(syn::ExprReturn {
                expr: Some(value), ..
            })
            | Expr::Yield(syn::ExprYield {
                expr: Some(value), ..
            }) => value,
            other => return own_end(other),
        };
    }
}

fn label_start(label: &Option<Label>, keyword: Span) -> Span {
    label.as_ref().map_or(keyword, |l| l.name.apostrophe)
}

pub fn path_start(path: &Path) -> Span {
    match (&path.leading_colon, path.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(first)) => first.ident.span(),
        (None, None) => path.span(),
    }
}

pub fn path_end(path: &Path) -> Span {
    match path.segments.last() {
        Some(last) if matches!(last.arguments, syn::PathArguments::None) => last.ident.span(),
        _ => path.span(),
    }
}

fn own_start(expr: &Expr) -> Span {
    match expr {
        Expr::Array(e) => e.bracket_token.span.open(),
        Expr::Async(e) => e.async_token.span,
        Expr::Block(e) => label_start(&e.label, e.block.brace_token.span.open()),
        Expr::Break(e) => e.break_token.span,
        Expr::Closure(e) => e
            .lifetimes
            .as_ref()
            .map(|l| l.for_token.span)
            .or(e.constness.map(|t| t.span))
            .or(e.asyncness.map(|t| t.span))
            .or(e.capture.map(|t| t.span))
            .unwrap_or(e.inputs_begin.spans[0]),
        Expr::Const(e) => e.const_token.span,
        Expr::Continue(e) => e.continue_token.span,
        Expr::ForLoop(e) => label_start(&e.label, e.for_token.span),
        Expr::Group(e) => start(&e.expr),
        Expr::If(e) => e.if_token.span,
        Expr::Infer(e) => e.underscore_token.spans[0],
        Expr::Let(e) => e.let_token.span,
        Expr::Lit(e) => e.lit.span(),
        Expr::Loop(e) => label_start(&e.label, e.loop_token.span),
        Expr::Macro(e) => path_start(&e.mac.path),
        Expr::Match(e) => e.match_token.span,
        Expr::Paren(e) => e.paren_token.span.open(),
        Expr::Path(e) => match &e.qself {
            Some(qself) => qself.lt_token.spans[0],
            None => path_start(&e.path),
        },
        Expr::Range(e) => limits_span(&e.limits),
        Expr::RawAddr(e) => e.and_token.spans[0],
        Expr::Reference(e) => e.and_token.spans[0],
        Expr::Repeat(e) => e.bracket_token.span.open(),
        Expr::Return(e) => e.return_token.span,
        Expr::Struct(e) => match &e.qself {
            Some(qself) => qself.lt_token.spans[0],
            None => path_start(&e.path),
        },
        Expr::TryBlock(e) => e.try_token.span,
        Expr::Tuple(e) => e.paren_token.span.open(),
        Expr::Unsafe(e) => e.unsafe_token.span,
        Expr::While(e) => label_start(&e.label, e.while_token.span),
        Expr::Yield(e) => e.yield_token.span,
        other => other.span(),
    }
}

fn own_end(expr: &Expr) -> Span {
    match expr {
        Expr::Array(e) => e.bracket_token.span.close(),
        Expr::Async(e) => e.block.brace_token.span.close(),
        Expr::Await(e) => e.await_token.span,
        Expr::Block(e) => e.block.brace_token.span.close(),
        Expr::Break(e) => e.label.as_ref().map_or(e.break_token.span, |l| l.span()),
        Expr::Call(e) => e.paren_token.span.close(),
        Expr::Cast(e) => e.ty.span(),
        Expr::Const(e) => e.block.brace_token.span.close(),
        Expr::Continue(e) => e.label.as_ref().map_or(e.continue_token.span, |l| l.span()),
        Expr::Field(e) => match &e.member {
            syn::Member::Named(ident) => ident.span(),
            syn::Member::Unnamed(index) => index.span,
        },
        Expr::ForLoop(e) => e.body.brace_token.span.close(),
        Expr::Index(e) => e.bracket_token.span.close(),
        Expr::Infer(e) => e.underscore_token.spans[0],
        Expr::Lit(e) => e.lit.span(),
        Expr::Loop(e) => e.body.brace_token.span.close(),
        Expr::Macro(e) => e.mac.delimiter.span().close(),
        Expr::Match(e) => e.brace_token.span.close(),
        Expr::MethodCall(e) => e.paren_token.span.close(),
        Expr::Paren(e) => e.paren_token.span.close(),
        Expr::Path(e) => path_end(&e.path),
        Expr::Range(e) => limits_span(&e.limits),
        Expr::Repeat(e) => e.bracket_token.span.close(),
        Expr::Return(e) => e.return_token.span,
        Expr::Struct(e) => e.brace_token.span.close(),
        Expr::Try(e) => e.question_token.spans[0],
        Expr::TryBlock(e) => e.block.brace_token.span.close(),
        Expr::Tuple(e) => e.paren_token.span.close(),
        Expr::Unsafe(e) => e.block.brace_token.span.close(),
        Expr::While(e) => e.body.brace_token.span.close(),
        Expr::Yield(e) => e.yield_token.span,
        other => other.span(),
    }
}

fn limits_span(limits: &RangeLimits) -> Span {
    match limits {
        RangeLimits::HalfOpen(t) => t.spans[0],
        RangeLimits::Closed(t) => t.spans[0],
    }
}
