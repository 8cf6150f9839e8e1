//! syn's tree lowered into units.
//!
//! Choices the model leaves open, made here:
//! - A value-producing `if`/`match`/block/`loop` is desugared into its control flow: in
//!   `let x = match e { A => a, B => return }` each arm assigns its tail to `x`
//!   (`Assign` in the arm body); the tail of a function body, and the tails of the arms of a
//!   tail `if`/`match`, become `Return`; `break v` out of a `loop` whose value is assigned
//!   or returned assigns or returns `v` before the `Break`.
//! - `while let P = e` is a `While` loop whose condition is `Other([P, e])`; a `let` in any
//!   other expression position is lowered the same way.
//! - `if let P = e` (with a `&&` chain after it) is a `Branch` on `e` with a `Pattern` arm
//!   whose `extra` is the rest of the chain; an `else if` chain of plain conditions is one
//!   `Branch` with a `Cond` arm each.
//! - A closure whose body is an `async` block has that block's body as its own.
//! - A struct literal's `..base` is the field named `..`.
//! - `format!` with a literal template is a `Str`; `concat!` of literals is a `Str`; a
//!   same-file `const`/`static` string is a `Str` wherever it is named; a local variable
//!   holding a string (from `let`, `=`, `+=`, `push_str`, in source order whatever the
//!   branches) is a `Str` where it is passed as a call argument.

use std::collections::{HashMap, HashSet};
use std::mem;

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;

use super::parse::{Content, Piece};
use super::spans;
use super::strings::{self, Hole, HoleAt};
use crate::lang::MAX_DEPTH;
use crate::model::{
    Arity, Arm, BinOp, Block, Call, CallRole, Expr, ExprKind, Guard, Import, Loop, LoopKind, Span,
    Stmt, StmtKind, StrLit, Target, TargetKind, UnOp, Unit, UnitKind,
};

/// Methods and conversions that hand a string through unchanged.
const STRING_PASS_THROUGH: &[&str] = &[
    "as_ref",
    "as_str",
    "borrow",
    "clone",
    "into",
    "to_owned",
    "to_string",
];

/// Macros whose first argument is a type, not a value (`query_as!(User, "…", id)`).
const TYPE_FIRST_MACROS: &[&str] = &[
    "query_as",
    "query_as_unchecked",
    "query_file_as",
    "query_file_as_unchecked",
];

/// What lowering one file gives.
pub struct Lowered {
    /// In source order.
    pub units: Vec<Unit>,
    /// The spans of `#[cfg(test)]` modules and `#[test]` functions.
    pub test_code: Vec<Span>,
    /// The names `use` items bind.
    pub imports: Vec<Import>,
}

/// The units of the parsed pieces of one file, in source order.
pub fn units(source: &str, pieces: &[Piece]) -> Lowered {
    let mut lowerer = Lowerer {
        source,
        lines: pieces
            .iter()
            .map(|p| spans::LineIndex::new(&source[p.range.clone()], p.range.start))
            .collect(),
        piece: 0,
        consts: HashMap::new(),
        const_values: HashMap::new(),
        resolving: HashSet::new(),
        locals: HashMap::new(),
        loops: Vec::new(),
        depth: 0,
        units: Vec::new(),
        test_code: Vec::new(),
        imports: Vec::new(),
    };
    for (index, piece) in pieces.iter().enumerate() {
        lowerer.collect_consts(index, &piece.content);
    }
    let mut script = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        lowerer.piece = index;
        match &piece.content {
            Content::Items(items) => items.iter().for_each(|item| lowerer.item(item, "")),
            Content::Stmts(stmts) => lowerer.script_stmts(stmts, &mut script),
        }
    }
    if let (Some(first), Some(last)) = (script.first(), script.last()) {
        let span = first.span.start..last.span.end;
        lowerer.units.push(Unit {
            name: "<snippet>".to_owned(),
            kind: UnitKind::Script,
            span,
            params: Vec::new(),
            arity: Arity::ANY,
            body: Block { stmts: script },
        });
    }
    let mut units = lowerer.units;
    units.sort_by_key(|unit| unit.span.start);
    Lowered {
        units,
        test_code: lowerer.test_code,
        imports: lowerer.imports,
    }
}

/// Where the value of a block's tail expression goes.
#[derive(Clone)]
enum Sink {
    /// Dropped: an expression statement.
    Discard,
    /// Returned from the unit (or closure).
    Return,
    /// Assigned, as the value of a `let` or an assignment.
    Assign {
        targets: Vec<Target>,
        op: Option<BinOp>,
    },
}

impl Sink {
    fn take(&self, value: Expr, span: Span) -> Stmt {
        let kind = match self {
            Sink::Discard => StmtKind::Expr(value),
            Sink::Return => StmtKind::Return(Some(value)),
            Sink::Assign { targets, op } => StmtKind::Assign {
                targets: targets.clone(),
                op: *op,
                value,
                else_block: None,
            },
        };
        Stmt { span, kind }
    }
}

/// An enclosing loop, for `break` with a value.
struct LoopScope {
    label: Option<String>,
    sink: Sink,
}

/// A same-file `const`/`static` and the piece it is in.
struct ConstDef<'a> {
    piece: usize,
    expr: &'a syn::Expr,
}

struct Lowerer<'a> {
    source: &'a str,
    /// Positions in each parsed piece.
    lines: Vec<spans::LineIndex<'a>>,
    /// The piece being lowered.
    piece: usize,
    consts: HashMap<String, ConstDef<'a>>,
    const_values: HashMap<String, Option<StrLit>>,
    resolving: HashSet<String>,
    /// Local variables known to hold a string, in the unit being lowered.
    locals: HashMap<String, StrLit>,
    loops: Vec<LoopScope>,
    /// Nesting of blocks and expressions in the unit; past `MAX_DEPTH` nothing is lowered.
    depth: usize,
    units: Vec<Unit>,
    /// See [`Lowered::test_code`].
    test_code: Vec<Span>,
    /// See [`Lowered::imports`].
    imports: Vec<Import>,
}

impl<'a> Lowerer<'a> {
    // ----- spans -----

    fn range(&self, span: proc_macro2::Span) -> Span {
        self.join(span, span)
    }

    /// From the start of `first` to the end of `last`.
    fn join(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        self.lines
            .get(self.piece)
            .map_or(0..0, |lines| lines.range(first, last))
    }

    fn span_of(&self, expr: &syn::Expr) -> Span {
        self.join(spans::start(expr), spans::end(expr))
    }

    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----- constants -----

    fn collect_consts(&mut self, piece: usize, content: &'a Content) {
        match content {
            Content::Items(items) => {
                for item in items {
                    self.collect_item_consts(item, piece);
                }
            }
            Content::Stmts(stmts) => self.collect_stmt_consts(stmts, piece),
        }
    }

    fn collect_stmt_consts(&mut self, stmts: &'a [syn::Stmt], piece: usize) {
        for stmt in stmts {
            if let syn::Stmt::Item(item) = stmt {
                self.collect_item_consts(item, piece);
            }
        }
    }

    fn collect_item_consts(&mut self, item: &'a syn::Item, piece: usize) {
        let mut define = |name: &syn::Ident, expr: &'a syn::Expr| {
            self.consts
                .insert(ident_name(name), ConstDef { piece, expr });
        };
        let mut bodies: Vec<&'a [syn::Stmt]> = Vec::new();
        let mut items: Vec<&'a syn::Item> = Vec::new();
        match item {
            syn::Item::Const(c) => define(&c.ident, &c.expr),
            syn::Item::Static(s) => define(&s.ident, &s.expr),
            syn::Item::Impl(imp) => {
                for item in &imp.items {
                    match item {
                        syn::ImplItem::Const(c) => define(&c.ident, &c.expr),
                        syn::ImplItem::Fn(f) => bodies.push(&f.block.stmts),
                        _ => {}
                    }
                }
            }
            syn::Item::Trait(tr) => {
                for item in &tr.items {
                    if let syn::TraitItem::Const(syn::TraitItemConst {
                        ident,
                        default: Some((_, expr)),
                        ..
                    }) = item
                    {
                        define(ident, expr);
                    }
                }
            }
            syn::Item::Mod(m) => {
                items.extend(m.content.iter().flat_map(|(_, items)| items));
            }
            syn::Item::Fn(f) => bodies.push(&f.block.stmts),
            _ => {}
        }
        for stmts in bodies {
            self.collect_stmt_consts(stmts, piece);
        }
        for item in items {
            self.collect_item_consts(item, piece);
        }
    }

    /// The string value of the same-file constant `name`, if it is one.
    fn const_string(&mut self, name: &str) -> Option<StrLit> {
        if let Some(value) = self.const_values.get(name) {
            return value.clone();
        }
        let def = self.consts.get(name)?;
        let (piece, expr) = (def.piece, def.expr);
        if !self.resolving.insert(name.to_owned()) {
            return None;
        }
        let saved_piece = mem::replace(&mut self.piece, piece);
        let saved_locals = mem::take(&mut self.locals);
        let value = self.fold(expr);
        self.piece = saved_piece;
        self.locals = saved_locals;
        self.resolving.remove(name);
        self.const_values.insert(name.to_owned(), value.clone());
        value
    }

    // ----- items and units -----

    /// The name of an `impl`'s self type: `Repo` for `Repo<T>`, `&'a Repo`, `crate::db::Repo`;
    /// other types as written.
    fn type_name(&self, ty: &syn::Type) -> String {
        match ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map_or_else(String::new, |s| ident_name(&s.ident)),
            syn::Type::Reference(r) => self.type_name(&r.elem),
            syn::Type::Paren(p) => self.type_name(&p.elem),
            other => self
                .source
                .get(self.range(other.span()))
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn item(&mut self, item: &syn::Item, prefix: &str) {
        match item {
            syn::Item::Fn(f) => {
                let start = vis_start(&f.vis).unwrap_or_else(|| sig_start(&f.sig));
                let span = self.join(start, f.block.brace_token.span.close());
                if is_test_only(&f.attrs) {
                    self.test_code.push(span.clone());
                }
                self.function(format!("{prefix}{}", f.sig.ident), span, &f.sig, &f.block);
            }
            syn::Item::Impl(imp) => {
                let type_name = self.type_name(&imp.self_ty);
                for item in &imp.items {
                    if let syn::ImplItem::Fn(f) = item {
                        let start = vis_start(&f.vis).unwrap_or_else(|| sig_start(&f.sig));
                        let span = self.join(start, f.block.brace_token.span.close());
                        if is_test_only(&f.attrs) {
                            self.test_code.push(span.clone());
                        }
                        let name = format!("{prefix}{type_name}::{}", f.sig.ident);
                        self.function(name, span, &f.sig, &f.block);
                    }
                }
            }
            syn::Item::Trait(tr) => {
                for item in &tr.items {
                    if let syn::TraitItem::Fn(syn::TraitItemFn {
                        sig,
                        default: Some(block),
                        ..
                    }) = item
                    {
                        let span = self.join(sig_start(sig), block.brace_token.span.close());
                        let name = format!("{prefix}{}::{}", tr.ident, sig.ident);
                        self.function(name, span, sig, block);
                    }
                }
            }
            syn::Item::Use(u) => use_tree(&u.tree, String::new(), &mut self.imports),
            syn::Item::Mod(m) => {
                if let Some((brace, _)) = &m.content
                    && is_test_only(&m.attrs)
                {
                    let span = self.join(m.mod_token.span, brace.span.close());
                    self.test_code.push(span);
                }
                let prefix = format!("{prefix}{}::", m.ident);
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    self.item(item, &prefix);
                }
            }
            _ => {}
        }
    }

    fn function(&mut self, name: String, span: Span, sig: &syn::Signature, block: &syn::Block) {
        let saved_locals = mem::take(&mut self.locals);
        let saved_loops = mem::take(&mut self.loops);
        let saved_depth = mem::replace(&mut self.depth, 0);
        let params = sig
            .inputs
            .iter()
            .flat_map(|input| match input {
                syn::FnArg::Receiver(_) => vec!["self".to_owned()],
                syn::FnArg::Typed(typed) => pattern_names(&typed.pat),
            })
            .collect();
        // A method's receiver is no argument of a call on a value (`store.find(key)`).
        let typed = (sig.inputs.iter())
            .filter(|input| matches!(input, syn::FnArg::Typed(_)))
            .count();
        let arity = Arity::exactly(typed);
        let prefix = format!("{name}::");
        let body = self.block_with_items(&block.stmts, &Sink::Return, &prefix);
        self.locals = saved_locals;
        self.loops = saved_loops;
        self.depth = saved_depth;
        self.units.push(Unit {
            name,
            kind: UnitKind::Function,
            span,
            params,
            arity,
            body,
        });
    }

    /// Top-level statements of a snippet: items become units, the rest joins the script.
    fn script_stmts(&mut self, stmts: &[syn::Stmt], script: &mut Vec<Stmt>) {
        for stmt in stmts {
            match stmt {
                syn::Stmt::Item(item) => self.item(item, ""),
                other => self.stmt(other, &Sink::Discard, "", script),
            }
        }
    }

    // ----- statements -----

    fn block(&mut self, block: &syn::Block, sink: &Sink) -> Block {
        self.block_with_items(&block.stmts, sink, "")
    }

    /// Lowers `stmts`; the last one's value goes to `sink`. Items among them become units
    /// named with `item_prefix`.
    fn block_with_items(&mut self, stmts: &[syn::Stmt], sink: &Sink, item_prefix: &str) -> Block {
        let mut out = Vec::new();
        if self.enter() {
            for (i, stmt) in stmts.iter().enumerate() {
                let sink = if i + 1 == stmts.len() {
                    sink
                } else {
                    &Sink::Discard
                };
                self.stmt(stmt, sink, item_prefix, &mut out);
            }
            self.leave();
        }
        Block { stmts: out }
    }

    /// A block made of one expression (a match arm, a closure body), or the block it is.
    fn expr_block(&mut self, expr: &syn::Expr, sink: &Sink) -> Block {
        if let syn::Expr::Block(b) = expr
            && b.label.is_none()
        {
            return self.block(&b.block, sink);
        }
        let mut out = Vec::new();
        let span = self.span_of(expr);
        self.expr_stmt(expr, sink, span, &mut out);
        Block { stmts: out }
    }

    fn stmt(&mut self, stmt: &syn::Stmt, sink: &Sink, item_prefix: &str, out: &mut Vec<Stmt>) {
        match stmt {
            syn::Stmt::Local(local) => self.local(local, out),
            syn::Stmt::Item(item) => self.item(item, item_prefix),
            syn::Stmt::Expr(expr, semi) => {
                let mut span = self.span_of(expr);
                if let Some(semi) = semi {
                    span.end = self.range(semi.spans[0]).end.max(span.start);
                }
                let sink = if semi.is_some() { &Sink::Discard } else { sink };
                self.expr_stmt(expr, sink, span, out);
            }
            syn::Stmt::Macro(m) => {
                let end = match &m.semi_token {
                    Some(semi) => semi.spans[0],
                    None => m.mac.delimiter.span().close(),
                };
                let span = self.join(spans::path_start(&m.mac.path), end);
                let sink = if m.semi_token.is_some() {
                    &Sink::Discard
                } else {
                    sink
                };
                let value = self.macro_expr(&m.mac);
                out.push(sink.take(value, span));
            }
        }
    }

    fn local(&mut self, local: &syn::Local, out: &mut Vec<Stmt>) {
        let span = self.join(local.let_token.span, local.semi_token.spans[0]);
        let pat = strip_type(&local.pat);
        let Some(init) = &local.init else {
            out.push(Stmt {
                span,
                kind: StmtKind::Declare {
                    names: pattern_names(pat),
                },
            });
            return;
        };
        let targets = self.pattern_targets(pat);
        self.track_string(&targets, None, &init.expr);
        match &init.diverge {
            Some((_, diverge)) => {
                let value = self.expr(&init.expr);
                let else_block = self.expr_block(diverge, &Sink::Discard);
                out.push(Stmt {
                    span,
                    kind: StmtKind::Assign {
                        targets,
                        op: None,
                        value,
                        else_block: Some(else_block),
                    },
                });
            }
            None => self.expr_stmt(&init.expr, &Sink::Assign { targets, op: None }, span, out),
        }
    }

    /// Lowers `expr` in statement position, its value going to `sink`.
    fn expr_stmt(&mut self, expr: &syn::Expr, sink: &Sink, span: Span, out: &mut Vec<Stmt>) {
        if self.enter() {
            self.expr_stmt_within(expr, sink, span, out);
            self.leave();
        }
    }

    fn expr_stmt_within(&mut self, expr: &syn::Expr, sink: &Sink, span: Span, out: &mut Vec<Stmt>) {
        let kind = match expr {
            syn::Expr::If(e) => self.if_branch(e, sink),
            syn::Expr::Match(e) => self.match_branch(e, sink),
            syn::Expr::Block(e) => StmtKind::Block(self.block(&e.block, sink)),
            syn::Expr::Unsafe(e) => StmtKind::Block(self.block(&e.block, sink)),
            syn::Expr::Loop(e) => self.loop_stmt(
                LoopKind::Infinite,
                &e.label,
                None,
                Vec::new(),
                &e.body,
                sink,
            ),
            syn::Expr::While(e) => {
                let cond = self.expr(&e.cond);
                self.loop_stmt(
                    LoopKind::While,
                    &e.label,
                    Some(cond),
                    Vec::new(),
                    &e.body,
                    sink,
                )
            }
            syn::Expr::ForLoop(e) => {
                let iterated = self.expr(&e.expr);
                let bindings = pattern_names(&e.pat);
                self.loop_stmt(
                    LoopKind::Each,
                    &e.label,
                    Some(iterated),
                    bindings,
                    &e.body,
                    sink,
                )
            }
            syn::Expr::Return(e) => match &e.expr {
                Some(value) if is_control_flow(value) => {
                    return self.expr_stmt(value, &Sink::Return, span, out);
                }
                value => StmtKind::Return(value.as_ref().map(|v| self.expr(v))),
            },
            syn::Expr::Break(e) => {
                let label = e.label.as_ref().map(|l| ident_name(&l.ident));
                if let Some(value) = &e.expr {
                    let sink = self.break_sink(label.as_deref());
                    let value_span = self.span_of(value);
                    self.expr_stmt(value, &sink, value_span, out);
                }
                StmtKind::Break(label)
            }
            syn::Expr::Continue(e) => {
                StmtKind::Continue(e.label.as_ref().map(|l| ident_name(&l.ident)))
            }
            syn::Expr::Assign(e) => {
                let targets = self.place_targets(&e.left);
                self.track_string(&targets, None, &e.right);
                return self.expr_stmt(&e.right, &Sink::Assign { targets, op: None }, span, out);
            }
            syn::Expr::Binary(e) if is_compound(&e.op) => {
                let targets = self.place_targets(&e.left);
                let op = bin_op(&e.op);
                self.track_string(&targets, op, &e.right);
                return self.expr_stmt(&e.right, &Sink::Assign { targets, op }, span, out);
            }
            _ => {
                self.track_push(expr);
                let value = self.expr(expr);
                out.push(sink.take(value, span));
                return;
            }
        };
        out.push(Stmt { span, kind });
    }

    fn break_sink(&self, label: Option<&str>) -> Sink {
        let scope = match label {
            Some(label) => self
                .loops
                .iter()
                .rev()
                .find(|l| l.label.as_deref() == Some(label)),
            None => self.loops.last(),
        };
        scope.map_or(Sink::Discard, |l| l.sink.clone())
    }

    fn loop_stmt(
        &mut self,
        kind: LoopKind,
        label: &Option<syn::Label>,
        cond: Option<Expr>,
        bindings: Vec<String>,
        body: &syn::Block,
        sink: &Sink,
    ) -> StmtKind {
        let label = label.as_ref().map(|l| ident_name(&l.name.ident));
        // Only `loop` has a value, given by `break value`.
        let break_sink = match kind {
            LoopKind::Infinite => sink.clone(),
            _ => Sink::Discard,
        };
        self.loops.push(LoopScope {
            label: label.clone(),
            sink: break_sink,
        });
        let body = self.block(body, &Sink::Discard);
        self.loops.pop();
        StmtKind::Loop(Loop {
            kind,
            label,
            init: Vec::new(),
            cond,
            post: Vec::new(),
            bindings,
            body,
        })
    }

    fn if_branch(&mut self, first: &syn::ExprIf, sink: &Sink) -> StmtKind {
        if let Some((pat, value, chain)) = let_condition(&first.cond) {
            let subject = self.expr(value);
            let extra = self.conjunction(&chain);
            let guard = Guard::Pattern {
                alternatives: self.alternatives(pat),
                extra,
            };
            let mut arms = vec![Arm {
                span: self.join(
                    first.if_token.span,
                    first.then_branch.brace_token.span.close(),
                ),
                guard,
                body: self.block(&first.then_branch, sink),
            }];
            if let Some((_, other)) = &first.else_branch {
                arms.push(self.else_arm(other, sink));
            }
            return StmtKind::Branch {
                subject: Some(subject),
                arms,
            };
        }
        let mut arms = Vec::new();
        let mut current = first;
        loop {
            let cond = self.expr(&current.cond);
            arms.push(Arm {
                span: self.join(
                    current.if_token.span,
                    current.then_branch.brace_token.span.close(),
                ),
                guard: Guard::Cond(cond),
                body: self.block(&current.then_branch, sink),
            });
            match &current.else_branch {
                None => break,
                Some((_, next)) => match &**next {
                    syn::Expr::If(next) if let_condition(&next.cond).is_none() => current = next,
                    other => {
                        arms.push(self.else_arm(other, sink));
                        break;
                    }
                },
            }
        }
        StmtKind::Branch {
            subject: None,
            arms,
        }
    }

    fn else_arm(&mut self, expr: &syn::Expr, sink: &Sink) -> Arm {
        Arm {
            span: self.span_of(expr),
            guard: Guard::Else,
            body: self.expr_block(expr, sink),
        }
    }

    /// The conditions of a `&&` chain, as one expression.
    fn conjunction(&mut self, chain: &[&syn::Expr]) -> Option<Expr> {
        let mut out: Option<Expr> = None;
        for cond in chain {
            let rhs = self.expr(cond);
            out = Some(match out {
                None => rhs,
                Some(lhs) => Expr::new(
                    lhs.span.start..rhs.span.end,
                    ExprKind::Binary {
                        op: BinOp::And,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                ),
            });
        }
        out
    }

    fn match_branch(&mut self, m: &syn::ExprMatch, sink: &Sink) -> StmtKind {
        let subject = self.expr(&m.expr);
        let arms = m
            .arms
            .iter()
            .map(|arm| {
                let (pat, extra) = match &arm.pat {
                    syn::Pat::Guard(g) => (&*g.pat, Some(&*g.guard)),
                    pat => (pat, None),
                };
                let guard = if extra.is_none() && is_catch_all(pat) {
                    Guard::Else
                } else {
                    Guard::Pattern {
                        alternatives: self.alternatives(pat),
                        extra: extra.map(|g| self.expr(g)),
                    }
                };
                Arm {
                    span: self.join(arm.pat.span(), spans::end(&arm.body)),
                    guard,
                    body: self.expr_block(&arm.body, sink),
                }
            })
            .collect();
        StmtKind::Branch {
            subject: Some(subject),
            arms,
        }
    }

    // ----- assignment targets and local strings -----

    fn pattern_targets(&mut self, pat: &syn::Pat) -> Vec<Target> {
        let mut out = Vec::new();
        self.collect_targets(pat, &mut out);
        out
    }

    fn collect_targets(&mut self, pat: &syn::Pat, out: &mut Vec<Target>) {
        let span = self.range(pat.span());
        match pat {
            syn::Pat::Ident(p) => out.push(Target {
                span,
                kind: TargetKind::Name(ident_name(&p.ident)),
            }),
            syn::Pat::Wild(_) => out.push(Target {
                span,
                kind: TargetKind::Discard,
            }),
            syn::Pat::Rest(_) => {}
            syn::Pat::Type(p) => self.collect_targets(&p.pat, out),
            syn::Pat::Paren(p) => self.collect_targets(&p.pat, out),
            syn::Pat::Reference(p) => self.collect_targets(&p.pat, out),
            syn::Pat::Tuple(p) => p.elems.iter().for_each(|e| self.collect_targets(e, out)),
            syn::Pat::Slice(p) => p.elems.iter().for_each(|e| self.collect_targets(e, out)),
            other => {
                let place = self.pat_expr(other);
                out.push(Target {
                    span,
                    kind: TargetKind::Place(place),
                });
            }
        }
    }

    /// The targets of an assignment's left-hand side.
    fn place_targets(&mut self, place: &syn::Expr) -> Vec<Target> {
        let span = self.span_of(place);
        match place {
            syn::Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                vec![Target {
                    span,
                    kind: TargetKind::Name(dotted(&p.path)),
                }]
            }
            syn::Expr::Infer(_) => vec![Target {
                span,
                kind: TargetKind::Discard,
            }],
            syn::Expr::Tuple(t) => t.elems.iter().flat_map(|e| self.place_targets(e)).collect(),
            other => vec![Target {
                span,
                kind: TargetKind::Place(self.expr(other)),
            }],
        }
    }

    /// Keeps [`Self::locals`] up to date after `targets op= value`.
    fn track_string(&mut self, targets: &[Target], op: Option<BinOp>, value: &syn::Expr) {
        let [
            Target {
                kind: TargetKind::Name(name),
                ..
            },
        ] = targets
        else {
            for target in targets {
                if let TargetKind::Name(name) = &target.kind {
                    self.locals.remove(name);
                }
            }
            return;
        };
        let updated = match op {
            None => self.fold(value),
            Some(BinOp::Add) => self.locals.get(name).cloned().and_then(|mut current| {
                current.push(&self.fold(value)?);
                Some(current)
            }),
            Some(_) => None,
        };
        match updated {
            Some(value) => self.locals.insert(name.clone(), value),
            None => self.locals.remove(name),
        };
    }

    /// Keeps [`Self::locals`] up to date after `q.push_str(s)`.
    fn track_push(&mut self, expr: &syn::Expr) {
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        let syn::Expr::Path(receiver) = peel(&call.receiver) else {
            return;
        };
        let Some(name) = receiver.path.get_ident().map(ident_name) else {
            return;
        };
        if call.method != "push_str" || !self.locals.contains_key(&name) {
            return;
        }
        let pushed = match call.args.first() {
            Some(arg) if call.args.len() == 1 => self.fold(arg),
            _ => None,
        };
        match (pushed, self.locals.get_mut(&name)) {
            (Some(pushed), Some(current)) => current.push(&pushed),
            _ => {
                self.locals.remove(&name);
            }
        }
    }

    // ----- expressions -----

    fn expr(&mut self, expr: &syn::Expr) -> Expr {
        let expr = peel(expr);
        let span = self.span_of(expr);
        if !self.enter() {
            return Expr::new(span, ExprKind::Other(Vec::new()));
        }
        let kind = self.expr_kind(expr);
        self.leave();
        Expr::new(span, kind)
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e syn::Expr>) -> Vec<Expr> {
        exprs.into_iter().map(|e| self.expr(e)).collect()
    }

    fn expr_kind(&mut self, expr: &syn::Expr) -> ExprKind {
        match expr {
            syn::Expr::Path(p) => self.path_value(p),
            syn::Expr::Lit(l) => self.lit(&l.lit),
            syn::Expr::Field(f) => ExprKind::Field {
                base: Box::new(self.expr(&f.base)),
                name: member_name(&f.member),
            },
            syn::Expr::MethodCall(m) => {
                let base = self.expr(&m.receiver);
                let callee_span = self.join(spans::start(&m.receiver), m.method.span());
                let callee = Expr::new(
                    callee_span,
                    ExprKind::Field {
                        base: Box::new(base),
                        name: ident_name(&m.method),
                    },
                );
                self.call(callee, m.args.iter())
            }
            syn::Expr::Call(c) => {
                let callee = self.expr(&c.func);
                self.call(callee, c.args.iter())
            }
            syn::Expr::Macro(m) => self.macro_kind(&m.mac),
            syn::Expr::Try(t) => ExprKind::Try(Box::new(self.expr(&t.expr))),
            syn::Expr::Await(a) => self.unary(UnOp::Await, &a.base),
            syn::Expr::Unary(u) => match u.op {
                syn::UnOp::Deref(_) => self.unary(UnOp::Deref, &u.expr),
                syn::UnOp::Not(_) => self.unary(UnOp::Not, &u.expr),
                syn::UnOp::Neg(_) => self.unary(UnOp::Neg, &u.expr),
                _ => ExprKind::Other(vec![self.expr(&u.expr)]),
            },
            syn::Expr::Reference(r) => self.unary(UnOp::Ref, &r.expr),
            syn::Expr::RawAddr(r) => self.unary(UnOp::Ref, &r.expr),
            syn::Expr::Binary(b) => self.binary(expr, b),
            syn::Expr::Tuple(t) => ExprKind::List(self.exprs(&t.elems)),
            syn::Expr::Array(a) => ExprKind::List(self.exprs(&a.elems)),
            syn::Expr::Repeat(r) => ExprKind::Other(self.exprs([&*r.expr, &*r.len])),
            syn::Expr::Index(i) => ExprKind::Index {
                base: Box::new(self.expr(&i.expr)),
                index: Box::new(self.expr(&i.index)),
            },
            syn::Expr::Struct(s) => {
                let mut fields: Vec<(Option<String>, Expr)> = s
                    .fields
                    .iter()
                    .map(|f| (Some(member_name(&f.member)), self.expr(&f.expr)))
                    .collect();
                if let Some(rest) = &s.rest {
                    fields.push((Some("..".to_owned()), self.expr(rest)));
                }
                ExprKind::Composite {
                    type_name: path_text(&s.path),
                    fields,
                }
            }
            syn::Expr::Closure(c) => {
                let params = c.inputs.iter().flat_map(pattern_names).collect();
                let body = match &*c.body {
                    syn::Expr::Async(a) => {
                        self.detached(|this| this.block(&a.block, &Sink::Return))
                    }
                    body => self.detached(|this| this.expr_block(body, &Sink::Return)),
                };
                ExprKind::Closure { params, body }
            }
            syn::Expr::Async(a) => ExprKind::Closure {
                params: Vec::new(),
                body: self.detached(|this| this.block(&a.block, &Sink::Return)),
            },
            syn::Expr::Let(l) => {
                let pattern = self.pat_expr(&l.pat);
                ExprKind::Other(vec![pattern, self.expr(&l.expr)])
            }
            syn::Expr::Range(r) => {
                ExprKind::Other(self.exprs(r.start.iter().chain(r.end.iter()).map(|e| &**e)))
            }
            syn::Expr::Assign(a) => ExprKind::Other(self.exprs([&*a.left, &*a.right])),
            syn::Expr::Infer(_) => ExprKind::Name("_".to_owned()),
            syn::Expr::Yield(y) => ExprKind::Other(self.exprs(y.expr.iter().map(|e| &**e))),
            syn::Expr::Const(c) => {
                let block = self.block(&c.block, &Sink::Discard);
                ExprKind::Other(block_exprs(&block))
            }
            syn::Expr::TryBlock(t) => {
                let block = self.block(&t.block, &Sink::Discard);
                ExprKind::Other(block_exprs(&block))
            }
            e if is_control_flow(e)
                || matches!(
                    e,
                    syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_)
                ) =>
            {
                // Control flow inside an expression: keep what it evaluates.
                let mut stmts = Vec::new();
                let span = self.span_of(e);
                self.expr_stmt(e, &Sink::Discard, span, &mut stmts);
                ExprKind::Other(block_exprs(&Block { stmts }))
            }
            _ => ExprKind::Other(Vec::new()),
        }
    }

    /// Runs `f` outside the enclosing loops (a closure body: `break` cannot leave it).
    fn detached(&mut self, f: impl FnOnce(&mut Self) -> Block) -> Block {
        let saved = mem::take(&mut self.loops);
        let out = f(self);
        self.loops = saved;
        out
    }

    fn unary(&mut self, op: UnOp, operand: &syn::Expr) -> ExprKind {
        ExprKind::Unary {
            op,
            operand: Box::new(self.expr(operand)),
        }
    }

    fn binary(&mut self, whole: &syn::Expr, b: &syn::ExprBinary) -> ExprKind {
        let op = bin_op(&b.op);
        if op == Some(BinOp::Add)
            && !is_compound(&b.op)
            && let Some(folded) = self.fold(whole)
        {
            return ExprKind::Str(folded);
        }
        let lhs = self.expr(&b.left);
        let rhs = self.expr(&b.right);
        match op {
            Some(op) => ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            None => ExprKind::Other(vec![lhs, rhs]),
        }
    }

    fn call<'e>(
        &mut self,
        callee: Expr,
        args: impl IntoIterator<Item = &'e syn::Expr>,
    ) -> ExprKind {
        let args = args.into_iter().map(|arg| self.arg(arg)).collect();
        ExprKind::Call(Call {
            callee: Box::new(callee),
            args,
            role: CallRole::default(),
        })
    }

    /// A call argument: what folds to a string (a literal, a constant, a local holding a
    /// string, `&q`, `q.as_str()`, `format!(…)`) is passed as that string.
    fn arg(&mut self, arg: &syn::Expr) -> Expr {
        match self.fold(arg) {
            Some(folded) => Expr::new(self.span_of(arg), ExprKind::Str(folded)),
            None => self.expr(arg),
        }
    }

    fn path_value(&mut self, p: &syn::ExprPath) -> ExprKind {
        if p.qself.is_none()
            && let Some(last) = p.path.segments.last()
            && let Some(value) = self.const_string(&ident_name(&last.ident))
        {
            return ExprKind::Str(value);
        }
        ExprKind::Name(dotted(&p.path))
    }

    fn lit(&mut self, lit: &syn::Lit) -> ExprKind {
        match lit {
            syn::Lit::Str(s) => ExprKind::Str(self.decode_str(s)),
            syn::Lit::Int(i) => number(&i.token().to_string(), i.suffix(), i.base10_digits()),
            syn::Lit::Float(f) => number(&f.token().to_string(), f.suffix(), f.base10_digits()),
            syn::Lit::Bool(b) => ExprKind::Bool(b.value),
            _ => ExprKind::Other(Vec::new()),
        }
    }

    fn decode_str(&self, lit: &syn::LitStr) -> StrLit {
        let range = self.range(lit.span());
        self.source
            .get(range.clone())
            .and_then(|token| strings::decode(token, range.start))
            .unwrap_or_else(|| strings::placeholder(&lit.value(), range.start))
    }

    // ----- macros -----

    fn macro_expr(&mut self, mac: &syn::Macro) -> Expr {
        let span = self.join(spans::path_start(&mac.path), mac.delimiter.span().close());
        if !self.enter() {
            return Expr::new(span, ExprKind::Other(Vec::new()));
        }
        let kind = self.macro_kind(mac);
        self.leave();
        Expr::new(span, kind)
    }

    fn macro_kind(&mut self, mac: &syn::Macro) -> ExprKind {
        if let Some(folded) = self.macro_string(mac) {
            return ExprKind::Str(folded);
        }
        let callee = Expr::new(
            self.join(spans::path_start(&mac.path), mac.bang_token.spans[0]),
            ExprKind::Name(format!("{}!", dotted(&mac.path))),
        );
        let mut pieces = macro_args(&mac.tokens);
        let type_first = mac
            .path
            .segments
            .last()
            .is_some_and(|s| TYPE_FIRST_MACROS.contains(&ident_name(&s.ident).as_str()));
        let leading_string = matches!(
            pieces.first(),
            Some(Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            })))
        );
        if type_first && !pieces.is_empty() && !leading_string {
            pieces.remove(0);
        }
        self.call(callee, pieces.iter().flatten())
    }

    /// The string a `concat!` or a `format!` with a constant template builds.
    fn macro_string(&mut self, mac: &syn::Macro) -> Option<StrLit> {
        let name = ident_name(&mac.path.segments.last()?.ident);
        match name.as_str() {
            "concat" => {
                let mut out: Option<StrLit> = None;
                for piece in macro_args(&mac.tokens) {
                    let folded = self.fold_display(&piece?)?;
                    match &mut out {
                        None => out = Some(folded),
                        Some(lit) => lit.push(&folded),
                    }
                }
                out
            }
            "format" => {
                let mut args = macro_args(&mac.tokens).into_iter();
                let template = self.fold(&args.next()??)?;
                let mut positional = Vec::new();
                let mut named = HashMap::new();
                for arg in args.flatten() {
                    match arg {
                        syn::Expr::Assign(a) => {
                            if let syn::Expr::Path(p) = &*a.left
                                && let Some(ident) = p.path.get_ident()
                            {
                                named.insert(ident_name(ident), *a.right);
                            }
                        }
                        other => positional.push(other),
                    }
                }
                Some(strings::fill_template(&template, |hole| {
                    self.fill_hole(hole, &positional, &named)
                }))
            }
            _ => None,
        }
    }

    /// What a `format!` hole becomes: its argument's string, or a placeholder identifier.
    fn fill_hole(
        &mut self,
        hole: HoleAt,
        positional: &[syn::Expr],
        named: &HashMap<String, syn::Expr>,
    ) -> StrLit {
        let (arg, placeholder) = match hole.hole {
            Hole::Positional(n) => (positional.get(n), format!("arg{}", n + 1)),
            Hole::Named(name) => (named.get(name), format!("arg_{name}")),
        };
        match arg {
            Some(arg) => {
                if let Some(number) = self.number_text(arg) {
                    return number;
                }
                if !hole.debug
                    && let Some(folded) = self.fold(arg)
                {
                    return folded;
                }
                strings::placeholder(&placeholder, self.span_of(arg).start)
            }
            None => {
                if let Hole::Named(name) = hole.hole
                    && !hole.debug
                    && let Some(folded) = self.named_string(name)
                {
                    return folded;
                }
                strings::placeholder(&placeholder, hole.at)
            }
        }
    }

    // ----- string folding -----

    /// The string `expr` evaluates to, when it is known here.
    fn fold(&mut self, expr: &syn::Expr) -> Option<StrLit> {
        if !self.enter() {
            return None;
        }
        let out = self.fold_inner(expr);
        self.leave();
        out
    }

    fn fold_inner(&mut self, expr: &syn::Expr) -> Option<StrLit> {
        match expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(self.decode_str(s)),
            syn::Expr::Paren(p) => self.fold(&p.expr),
            syn::Expr::Group(g) => self.fold(&g.expr),
            syn::Expr::Reference(r) => self.fold(&r.expr),
            syn::Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                expr,
                ..
            }) => self.fold(expr),
            syn::Expr::Path(p) if p.qself.is_none() => match p.path.get_ident() {
                Some(ident) => self.named_string(&ident_name(ident)),
                None => self.const_string(&ident_name(&p.path.segments.last()?.ident)),
            },
            syn::Expr::Macro(m) => self.macro_string(&m.mac),
            syn::Expr::MethodCall(m)
                if m.args.is_empty()
                    && STRING_PASS_THROUGH.contains(&ident_name(&m.method).as_str()) =>
            {
                self.fold(&m.receiver)
            }
            syn::Expr::Call(c) => {
                let (owner, function) = callee_tail(&c.func)?;
                match (owner.as_str(), function.as_str(), c.args.first()) {
                    ("String", "from", Some(arg))
                    | ("str", "to_owned" | "to_string", Some(arg)) => self.fold(arg),
                    ("String", "new", None) => {
                        Some(strings::placeholder("", self.span_of(expr).start))
                    }
                    _ => None,
                }
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                let mut lhs = self.fold(&b.left)?;
                lhs.push(&self.fold(&b.right)?);
                Some(lhs)
            }
            _ => None,
        }
    }

    /// What `expr` shows as in `concat!`: a string, or a number or bool as written.
    fn fold_display(&mut self, expr: &syn::Expr) -> Option<StrLit> {
        self.number_text(expr).or_else(|| self.fold(expr))
    }

    /// A number or bool literal as written, without a type suffix.
    fn number_text(&self, expr: &syn::Expr) -> Option<StrLit> {
        let syn::Expr::Lit(lit) = expr else {
            return None;
        };
        let (span, suffix) = match &lit.lit {
            syn::Lit::Int(i) => (i.span(), i.suffix()),
            syn::Lit::Float(f) => (f.span(), f.suffix()),
            syn::Lit::Bool(b) => (b.span, ""),
            _ => return None,
        };
        let range = self.range(span);
        let text = self
            .source
            .get(range.start..range.end.saturating_sub(suffix.len()))?;
        Some(StrLit::verbatim(text, range.start))
    }

    /// The string held by the local variable or same-file constant `name`.
    fn named_string(&mut self, name: &str) -> Option<StrLit> {
        match self.locals.get(name) {
            Some(value) => Some(value.clone()),
            None => self.const_string(name),
        }
    }

    // ----- patterns -----

    /// The alternatives of a match pattern (`A | B`), each as an expression.
    fn alternatives(&mut self, pat: &syn::Pat) -> Vec<Expr> {
        match pat {
            syn::Pat::Or(or) => or.cases.iter().map(|p| self.pat_expr(p)).collect(),
            syn::Pat::Paren(p) => self.alternatives(&p.pat),
            other => vec![self.pat_expr(other)],
        }
    }

    /// A pattern written as the expression it looks like: `Ok(None)` is a call of `Ok`,
    /// `sqlx::Error::RowNotFound` a name, `Foo { a, .. }` a composite.
    fn pat_expr(&mut self, pat: &syn::Pat) -> Expr {
        let span = self.range(pat.span());
        if !self.enter() {
            return Expr::new(span, ExprKind::Other(Vec::new()));
        }
        let kind = match pat {
            syn::Pat::Ident(p) => match &p.subpat {
                Some((_, sub)) => self.pat_expr(sub).kind,
                None => ExprKind::Name(ident_name(&p.ident)),
            },
            syn::Pat::Wild(_) => ExprKind::Name("_".to_owned()),
            syn::Pat::Rest(_) => ExprKind::Name("..".to_owned()),
            syn::Pat::Path(p) => ExprKind::Name(dotted(&p.path)),
            syn::Pat::TupleStruct(p) => {
                let callee = Expr::new(
                    self.join(spans::path_start(&p.path), spans::path_end(&p.path)),
                    ExprKind::Name(dotted(&p.path)),
                );
                ExprKind::Call(Call {
                    callee: Box::new(callee),
                    args: p.elems.iter().map(|e| self.pat_expr(e)).collect(),
                    role: CallRole::default(),
                })
            }
            syn::Pat::Struct(p) => ExprKind::Composite {
                type_name: path_text(&p.path),
                fields: p
                    .fields
                    .iter()
                    .map(|f| (Some(member_name(&f.member)), self.pat_expr(&f.pat)))
                    .collect(),
            },
            syn::Pat::Tuple(p) => {
                ExprKind::List(p.elems.iter().map(|e| self.pat_expr(e)).collect())
            }
            syn::Pat::Slice(p) => {
                ExprKind::List(p.elems.iter().map(|e| self.pat_expr(e)).collect())
            }
            syn::Pat::Lit(p) => self.lit(&p.lit),
            syn::Pat::Range(r) => {
                ExprKind::Other(self.exprs(r.start.iter().chain(r.end.iter()).map(|e| &**e)))
            }
            syn::Pat::Reference(p) => self.pat_expr(&p.pat).kind,
            syn::Pat::Paren(p) => self.pat_expr(&p.pat).kind,
            syn::Pat::Type(p) => self.pat_expr(&p.pat).kind,
            syn::Pat::Guard(p) => self.pat_expr(&p.pat).kind,
            syn::Pat::Or(p) => ExprKind::Other(p.cases.iter().map(|c| self.pat_expr(c)).collect()),
            syn::Pat::Macro(m) => self.macro_kind(&m.mac),
            _ => ExprKind::Other(Vec::new()),
        };
        self.leave();
        Expr::new(span, kind)
    }
}

/// Looks through parentheses, invisible groups and casts, which change nothing the model
/// describes.
fn peel(mut expr: &syn::Expr) -> &syn::Expr {
    loop {
        expr = match expr {
            syn::Expr::Paren(e) => &e.expr,
            syn::Expr::Group(e) => &e.expr,
            syn::Expr::Cast(e) => &e.expr,
            other => return other,
        };
    }
}

/// Expressions lowered as statements (`if`, `match`, blocks, loops).
fn is_control_flow(expr: &syn::Expr) -> bool {
    matches!(
        expr,
        syn::Expr::If(_)
            | syn::Expr::Match(_)
            | syn::Expr::Block(_)
            | syn::Expr::Unsafe(_)
            | syn::Expr::Loop(_)
            | syn::Expr::While(_)
            | syn::Expr::ForLoop(_)
    )
}

/// Every expression evaluated in `block`, nested blocks included.
fn block_exprs(block: &Block) -> Vec<Expr> {
    block
        .all_stmts()
        .into_iter()
        .flat_map(|s| s.exprs().into_iter().cloned())
        .collect()
}

/// `let P = e` at the head of a condition, with the `&&` chain after it.
fn let_condition(cond: &syn::Expr) -> Option<(&syn::Pat, &syn::Expr, Vec<&syn::Expr>)> {
    let mut chain = Vec::new();
    let mut current = cond;
    loop {
        match current {
            syn::Expr::Let(l) => {
                chain.reverse();
                return Some((&l.pat, &l.expr, chain));
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                chain.push(&*b.right);
                current = &b.left;
            }
            _ => return None,
        }
    }
}

/// A match arm pattern that matches everything: `_` or a lowercase binding.
fn is_catch_all(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Wild(_) => true,
        syn::Pat::Ident(p) => {
            p.subpat.is_none()
                && p.ident
                    .to_string()
                    .starts_with(|c: char| c == '_' || c.is_lowercase())
        }
        _ => false,
    }
}

fn strip_type(pat: &syn::Pat) -> &syn::Pat {
    match pat {
        syn::Pat::Type(p) => &p.pat,
        other => other,
    }
}

/// The variables a pattern binds.
fn pattern_names(pat: &syn::Pat) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![pat];
    while let Some(pat) = stack.pop() {
        match pat {
            syn::Pat::Ident(p) => {
                out.push(ident_name(&p.ident));
                if let Some((_, sub)) = &p.subpat {
                    stack.push(sub);
                }
            }
            syn::Pat::Type(p) => stack.push(&p.pat),
            syn::Pat::Paren(p) => stack.push(&p.pat),
            syn::Pat::Reference(p) => stack.push(&p.pat),
            syn::Pat::Guard(p) => stack.push(&p.pat),
            syn::Pat::Tuple(p) => stack.extend(p.elems.iter().rev()),
            syn::Pat::Slice(p) => stack.extend(p.elems.iter().rev()),
            syn::Pat::TupleStruct(p) => stack.extend(p.elems.iter().rev()),
            syn::Pat::Or(p) => stack.extend(p.cases.first()),
            syn::Pat::Struct(p) => stack.extend(p.fields.iter().rev().map(|f| &*f.pat)),
            _ => {}
        }
    }
    out
}

/// A path with its segments joined by `.`, generic arguments dropped.
fn dotted(path: &syn::Path) -> String {
    join_segments(path, ".")
}

/// A type path as written (`backon::ExponentialBuilder`), generic arguments dropped.
fn path_text(path: &syn::Path) -> String {
    join_segments(path, "::")
}

/// The names a `use` tree binds, each with its whole path: `use backon::{Retryable,
/// ExponentialBuilder as Builder}` binds `Retryable` and `Builder`.
fn use_tree(tree: &syn::UseTree, prefix: String, out: &mut Vec<Import>) {
    let join = |name: &syn::Ident| match prefix.as_str() {
        "" => ident_name(name),
        _ => format!("{prefix}::{}", ident_name(name)),
    };
    match tree {
        syn::UseTree::Path(path) => use_tree(&path.tree, join(&path.ident), out),
        syn::UseTree::Name(name) if name.ident == "self" => {
            if let Some(last) = prefix.rsplit("::").next() {
                out.push(Import {
                    local: last.to_owned(),
                    source: prefix.clone(),
                    exported: None,
                });
            }
        }
        syn::UseTree::Name(name) => out.push(Import {
            local: ident_name(&name.ident),
            source: join(&name.ident),
            exported: None,
        }),
        syn::UseTree::Rename(rename) => out.push(Import {
            local: ident_name(&rename.rename),
            source: join(&rename.ident),
            exported: None,
        }),
        syn::UseTree::Group(group) => {
            for item in &group.items {
                use_tree(item, prefix.clone(), out);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

/// Whether these attributes make an item test-only: `#[cfg(test)]` (also inside `all(…)`),
/// `#[test]` and the test attributes of async runtimes and test crates (`#[tokio::test]`,
/// `#[sqlx::test]`, `#[test_case(…)]`).
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        let Some(last) = path.segments.last() else {
            return false;
        };
        let name = last.ident.to_string();
        if path.is_ident("cfg") {
            return matches!(&attr.meta, syn::Meta::List(list) if list.tokens.clone().into_iter().any(
                |token| matches!(&token, TokenTree::Ident(ident) if ident == "test")
                    || matches!(&token, TokenTree::Group(group) if group.stream().into_iter().any(
                        |inner| matches!(&inner, TokenTree::Ident(ident) if ident == "test"))),
            ));
        }
        name == "test" || name.starts_with("test_")
    })
}

fn join_segments(path: &syn::Path, separator: &str) -> String {
    let mut out = String::new();
    for (i, segment) in path.segments.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&ident_name(&segment.ident));
    }
    out
}

/// An identifier as the program means it: `type` for `r#type`.
fn ident_name(ident: &syn::Ident) -> String {
    syn::ext::IdentExt::unraw(ident).to_string()
}

fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => ident_name(ident),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}

fn vis_start(vis: &syn::Visibility) -> Option<proc_macro2::Span> {
    match vis {
        syn::Visibility::Public(t) => Some(t.span),
        syn::Visibility::Restricted(r) => Some(r.pub_token.span),
        _ => None,
    }
}

fn sig_start(sig: &syn::Signature) -> proc_macro2::Span {
    let safety = match &sig.safety {
        syn::Safety::Safe(t) => Some(t.span),
        syn::Safety::Unsafe(t) => Some(t.span),
        _ => None,
    };
    sig.constness
        .map(|t| t.span)
        .or(sig.asyncness.map(|t| t.span))
        .or(safety)
        .or(sig.abi.as_ref().map(|a| a.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

fn number(token: &str, suffix: &str, digits: &str) -> ExprKind {
    ExprKind::Number {
        text: token[..token.len() - suffix.len()].to_owned(),
        value: digits.parse().ok(),
    }
}

/// The last two segments of a called path: (`String`, `from`) for `String::from`.
fn callee_tail(func: &syn::Expr) -> Option<(String, String)> {
    let syn::Expr::Path(p) = func else {
        return None;
    };
    let mut names = p.path.segments.iter().rev().map(|s| ident_name(&s.ident));
    let function = names.next()?;
    Some((names.next().unwrap_or_default(), function))
}

fn is_compound(op: &syn::BinOp) -> bool {
    use syn::BinOp as B;
    matches!(
        op,
        B::AddAssign(_)
            | B::SubAssign(_)
            | B::MulAssign(_)
            | B::DivAssign(_)
            | B::RemAssign(_)
            | B::BitXorAssign(_)
            | B::BitAndAssign(_)
            | B::BitOrAssign(_)
            | B::ShlAssign(_)
            | B::ShrAssign(_)
    )
}

fn bin_op(op: &syn::BinOp) -> Option<BinOp> {
    use syn::BinOp as B;
    Some(match op {
        B::Add(_) | B::AddAssign(_) => BinOp::Add,
        B::Sub(_) | B::SubAssign(_) => BinOp::Sub,
        B::Mul(_) | B::MulAssign(_) => BinOp::Mul,
        B::Div(_) | B::DivAssign(_) => BinOp::Div,
        B::Rem(_) | B::RemAssign(_) => BinOp::Rem,
        B::And(_) => BinOp::And,
        B::Or(_) => BinOp::Or,
        B::BitXor(_) | B::BitXorAssign(_) => BinOp::BitXor,
        B::BitAnd(_) | B::BitAndAssign(_) => BinOp::BitAnd,
        B::BitOr(_) | B::BitOrAssign(_) => BinOp::BitOr,
        B::Shl(_) | B::ShlAssign(_) => BinOp::Shl,
        B::Shr(_) | B::ShrAssign(_) => BinOp::Shr,
        B::Eq(_) => BinOp::Eq,
        B::Lt(_) => BinOp::Lt,
        B::Le(_) => BinOp::Le,
        B::Ne(_) => BinOp::Ne,
        B::Ge(_) => BinOp::Ge,
        B::Gt(_) => BinOp::Gt,
        _ => return None,
    })
}

/// A macro's arguments, split at top-level commas and parsed one by one; what does not parse
/// as an expression is `None`.
fn macro_args(tokens: &TokenStream) -> Vec<Option<syn::Expr>> {
    let mut out = Vec::new();
    let mut piece = TokenStream::new();
    for tree in tokens.clone() {
        if let TokenTree::Punct(p) = &tree
            && p.as_char() == ','
        {
            out.push(syn::parse2(mem::take(&mut piece)).ok());
            continue;
        }
        piece.extend([tree]);
    }
    if !piece.is_empty() {
        out.push(syn::parse2(piece).ok());
    }
    out
}
