//! ORM and query-builder calls as the queries they run. A chain of calls that one of the
//! knowledge table's [`Orm`]s describes becomes a [`Query`] holding the statement it stands
//! for, so that the rules read `prisma.payment.findUnique({ where: { key } })` as they read
//! `SELECT * FROM payment WHERE key = $1`, in every language, with no rule knowing an ORM.
//!
//! Names are compared in snake_case (`idempotencyKey` is `idempotency_key`), as the
//! libraries name columns and tables in the database by default.

use crate::knowledge::{Knowledge, Orm, OrmOp, OrmOpKind, TableSource, words};
use crate::model::{Call, CallRole, Expr, ExprKind, Lang, Outcome, Query, SqlText, StrLit, UnOp};
use crate::sql::{self, ColumnValue, ConflictAction, OnConflict, Statement, StatementKind, Value};

/// The query an ORM chain ending at `call` runs, if one of `orms` (the file's) describes it.
pub(super) fn query(
    call: &Call,
    lang: Lang,
    knowledge: &Knowledge,
    orms: &[&Orm],
) -> Option<Query> {
    let own = call.callee.last_segment()?;
    if !knowledge.is_orm_step(lang, own) {
        return None;
    }
    let chain = Chain::of(call);
    (orms.iter()).find_map(|orm| orm.ops.iter().find_map(|op| chain.query(orm, op)))
}

/// Takes the query role from the calls inside `call`'s chain: the outer call now runs it.
pub(super) fn take_inner_roles(call: &mut Call) {
    let mut receiver = match &mut call.callee.kind {
        ExprKind::Field { base, .. } => &mut **base,
        _ => return,
    };
    loop {
        receiver = match &mut receiver.kind {
            ExprKind::Call(inner) => {
                if matches!(&inner.role, CallRole::Query(q) if q.sql.orm.is_some()) {
                    inner.role = CallRole::Unknown;
                }
                match &mut inner.callee.kind {
                    ExprKind::Field { base, .. } => &mut **base,
                    _ => return,
                }
            }
            ExprKind::Unary { operand, .. } | ExprKind::Try(operand) => &mut **operand,
            _ => return,
        };
    }
}

/// One method (or function) call of a chain.
struct Step<'e> {
    /// The method's name (for a function, the last segment of its path).
    name: &'e str,
    args: &'e [Expr],
    /// What the method is called on, or the path a function is named by without its last
    /// segment.
    receiver: Option<Receiver<'e>>,
    /// Where the name stands in the file.
    name_at: usize,
}

enum Receiver<'e> {
    Expr(&'e Expr),
    /// The leading segments of a function's path (`processed_event.Entity` of
    /// `processed_event::Entity::find`).
    Path(String),
}

/// A chain of calls, `db.select().from(t).where(…)`: its steps from the first to the last,
/// and what the first is made on.
struct Chain<'e> {
    steps: Vec<Step<'e>>,
    /// The value the chain starts on (a name, a struct literal), when its first step is a
    /// method; `None` when it is a function.
    root: Option<&'e Expr>,
}

impl<'e> Chain<'e> {
    fn of(call: &'e Call) -> Chain<'e> {
        let mut steps = Vec::new();
        let mut current = call;
        let root = loop {
            match &current.callee.kind {
                ExprKind::Field { base, name } => {
                    steps.push(Step {
                        name,
                        args: &current.args,
                        receiver: Some(Receiver::Expr(base)),
                        name_at: current.callee.span.end.saturating_sub(name.len()),
                    });
                    match inner_call(base) {
                        Some(inner) => current = inner,
                        None => break Some(&**base),
                    }
                }
                ExprKind::Name(path) => {
                    let (head, name) = match path.rsplit_once('.') {
                        Some((head, name)) => (Some(head.to_owned()), name),
                        None => (None, path.as_str()),
                    };
                    steps.push(Step {
                        name,
                        args: &current.args,
                        receiver: head.map(Receiver::Path),
                        name_at: current.callee.span.end.saturating_sub(name.len()),
                    });
                    break None;
                }
                _ => break None,
            }
        };
        steps.reverse();
        Chain { steps, root }
    }

    fn has(&self, name: &str) -> bool {
        self.steps.iter().any(|s| s.name == name)
    }

    /// The last step of this name.
    fn step(&self, name: &str) -> Option<&Step<'e>> {
        self.steps.iter().rev().find(|s| s.name == name)
    }

    /// The query this chain runs, if it is `op` of `orm`.
    fn query(&self, orm: &Orm, op: &OrmOp) -> Option<Query> {
        if !op.steps.iter().all(|s| self.has(s)) {
            return None;
        }
        let anchor = self.step(op.steps.first()?)?;
        if let Some(field) = &op.needs_field {
            let has_field = anchor.args.first().is_some_and(|arg| {
                composite_fields(arg).is_some_and(|fields| field_named(fields, field).is_some())
            });
            if !has_field {
                return None;
            }
        }
        let table = self.table(&op.table, anchor, orm)?;
        let len = anchor.name.len();
        let select = || {
            let mut select = Statement::new(StatementKind::Select, 0..len);
            select.where_equals = self.keys(orm, anchor);
            select.select_columns = vec!["*".to_owned()];
            select.locking_read = orm.locking.iter().any(|s| self.has(s));
            (!select.where_equals.is_empty()).then_some(select)
        };
        let mut statements = match op.kind {
            OrmOpKind::Select => vec![select()?],
            OrmOpKind::Insert | OrmOpKind::Upsert => {
                let mut insert = Statement::new(StatementKind::Insert, 0..len);
                let (columns, whole_row) = self.columns(orm, op, anchor);
                if columns.is_empty() && !whole_row {
                    return None;
                }
                insert.insert_columns = columns;
                insert.whole_row = whole_row;
                insert.on_conflict = self.conflict(orm, op, len);
                insert.returning =
                    (orm.returning.iter().any(|s| self.has(s))).then(|| vec!["*".to_owned()]);
                vec![insert]
            }
            // The row it creates is the model, its key test's values set.
            OrmOpKind::GetOrCreate => {
                let select = select()?;
                let mut insert = Statement::new(StatementKind::Insert, 0..len);
                insert.insert_columns = (select.where_equals.iter())
                    .map(|c| c.column.clone())
                    .collect();
                insert.whole_row = true;
                vec![select, insert]
            }
        };
        for statement in &mut statements {
            statement.keyword_span = 0..len;
            statement.table = Some(table.clone());
        }
        let outcome = match op.outcome {
            Some(Outcome::OneRow) if orm.optional.iter().any(|s| self.has(s)) => {
                Outcome::OptionalRow
            }
            Some(outcome) => outcome,
            None => Outcome::Unknown,
        };
        Some(Query {
            sql: SqlText {
                text: StrLit::verbatim(anchor.name, anchor.name_at),
                statements,
                orm: Some(orm.library.clone()),
            },
            outcome,
        })
    }

    /// The table the chain reads or writes, in snake_case.
    fn table(&self, source: &TableSource, anchor: &Step, orm: &Orm) -> Option<String> {
        let name = match source {
            TableSource::Receiver => {
                let receiver = match anchor.receiver.as_ref()? {
                    Receiver::Expr(expr) => expr.dotted()?,
                    Receiver::Path(path) => path.clone(),
                };
                let last = receiver.rsplit('.').next()?.to_owned();
                orm.receiver_suffixes
                    .iter()
                    .find_map(|suffix| last.strip_suffix(suffix.as_str()))
                    .filter(|rest| !rest.is_empty())
                    .map_or(last.clone(), str::to_owned)
            }
            TableSource::Root => {
                let path = match (self.root, &self.steps.first()?.receiver) {
                    (Some(root), _) => match &strip(root).kind {
                        ExprKind::Composite { type_name, .. } => type_name.clone(),
                        _ => strip(root).dotted()?,
                    },
                    (None, Some(Receiver::Path(path))) => path.clone(),
                    (None, _) => return None,
                };
                first_segment(&path)?.to_owned()
            }
            TableSource::RootArg => {
                let first = self.steps.first()?;
                first.args.first()?.as_str()?.value.clone()
            }
            TableSource::ModelArg => {
                let ExprKind::Unary {
                    op: UnOp::Ref,
                    operand,
                } = &anchor.args.first()?.kind
                else {
                    return None;
                };
                match &operand.kind {
                    ExprKind::Composite { type_name, .. } => last_segment(type_name)?.to_owned(),
                    ExprKind::Name(name) if !name.contains('.') => name.clone(),
                    _ => return None,
                }
            }
            TableSource::ArgOf(step) => {
                let arg = strip(self.step(step)?.args.first()?);
                match &arg.kind {
                    ExprKind::Str(lit) => lit.value.clone(),
                    _ => {
                        let dotted = arg.dotted()?;
                        let mut segments = dotted.rsplit('.');
                        let last = segments.next()?;
                        // diesel's `payments::table`.
                        match last {
                            "table" => segments.next()?.to_owned(),
                            last => last.to_owned(),
                        }
                    }
                }
            }
        };
        let table = snake_case(name.rsplit('.').next()?);
        (!table.is_empty()).then_some(table)
    }

    /// The key test: the column equalities of the op's own arguments and of its filters.
    fn keys(&self, orm: &Orm, anchor: &Step) -> Vec<ColumnValue> {
        let mut keys = Vec::new();
        let filter_steps = self
            .steps
            .iter()
            .filter(|s| orm.filters.iter().any(|f| f == s.name));
        for step in std::iter::once(anchor).chain(filter_steps) {
            step_keys(step.args, orm, &mut keys);
        }
        keys.dedup_by(|a, b| a.column == b.column);
        keys
    }

    /// The columns the chain writes, and whether it writes a whole model value (every
    /// column of the table).
    fn columns(&self, orm: &Orm, op: &OrmOp, anchor: &Step) -> (Vec<String>, bool) {
        let mut columns = Vec::new();
        let mut whole_row = false;
        let value_steps = self
            .steps
            .iter()
            .filter(|s| orm.values.iter().any(|v| v == s.name));
        // The op's own call takes the values, unless it takes the table (`insert(t)`).
        let anchor_values = match &op.table {
            TableSource::ArgOf(step) => step != anchor.name,
            _ => true,
        };
        let value_steps = anchor_values
            .then_some(anchor)
            .into_iter()
            .chain(value_steps);
        for step in value_steps {
            if let Some(arg) = step.args.first() {
                whole_row |= written_columns(arg, orm, &mut columns);
            }
        }
        if let Some(prefix) = &orm.setter_prefix {
            for step in &self.steps {
                let column = step.name.strip_prefix(prefix.as_str());
                if let Some(column) = column.filter(|c| c.starts_with(char::is_uppercase)) {
                    columns.push(snake_case(column));
                }
            }
        }
        if let Some(root) = self.root
            && let ExprKind::Composite { fields, .. } = &strip(root).kind
        {
            columns.extend(field_columns(fields));
        }
        columns.sort();
        columns.dedup();
        (columns, whole_row)
    }

    /// What the insert does with a duplicate: a step or a flag set to `true` says.
    fn conflict(&self, orm: &Orm, op: &OrmOp, len: usize) -> Option<OnConflict> {
        let marked = |names: &[String]| {
            names.iter().any(|name| self.has(name))
                || self
                    .steps
                    .iter()
                    .flat_map(|s| s.args.iter().flat_map(Expr::walk))
                    .any(|e| flag_set(e, names))
        };
        let action = if op.kind == OrmOpKind::Upsert || marked(&orm.do_update) {
            ConflictAction::DoUpdate
        } else if marked(&orm.do_nothing) {
            ConflictAction::DoNothing
        } else {
            return None;
        };
        Some(OnConflict {
            span: 0..len,
            columns: Vec::new(),
            constraint: None,
            action,
        })
    }
}

/// The call a receiver is, looking through `await` and `?` (`(await q.where(…)).first()`).
fn inner_call(expr: &Expr) -> Option<&Call> {
    match &expr.kind {
        ExprKind::Call(call) => Some(call),
        ExprKind::Unary {
            op: UnOp::Await,
            operand,
        }
        | ExprKind::Try(operand) => inner_call(operand),
        _ => None,
    }
}

/// An argument without the `&`, `*` or `await` in front of it.
fn strip(expr: &Expr) -> &Expr {
    match &expr.kind {
        ExprKind::Unary {
            op: UnOp::Ref | UnOp::Deref | UnOp::Await,
            operand,
        } => strip(operand),
        _ => expr,
    }
}

fn composite_fields(expr: &Expr) -> Option<&[(Option<String>, Expr)]> {
    match &strip(expr).kind {
        ExprKind::Composite { fields, .. } => Some(fields),
        _ => None,
    }
}

fn field_named<'e>(fields: &'e [(Option<String>, Expr)], name: &str) -> Option<&'e Expr> {
    fields
        .iter()
        .find(|(field, _)| field.as_deref() == Some(name))
        .map(|(_, value)| value)
}

/// A literal's field named in `names` set to `true` (`{ skipDuplicates: true }`,
/// `clause.OnConflict{DoNothing: true}`).
fn flag_set(expr: &Expr, names: &[String]) -> bool {
    let ExprKind::Composite { fields, .. } = &expr.kind else {
        return false;
    };
    fields.iter().any(|(field, value)| {
        field
            .as_deref()
            .is_some_and(|f| names.iter().any(|n| n == f))
            && matches!(value.kind, ExprKind::Bool(true))
    })
}

/// The column equalities a filter's arguments state: a literal's fields (`{ key: k }`), a
/// comparison (`eq(t.key, k)`, `key.eq(k)`), a column predicate (`payment.Key(k)`), a column
/// named by a string and its value (`.where("key", k)`), or a SQL condition
/// (`.Where("key = ?", k)`).
fn step_keys(args: &[Expr], orm: &Orm, keys: &mut Vec<ColumnValue>) {
    match args {
        [column, value] if is_column_name(column) => {
            keys.push(equality(
                &column.as_str().map(|s| s.value.clone()).unwrap_or_default(),
                value,
            ));
            return;
        }
        [first, ..] if first.as_str().is_some_and(|s| sql_condition(&s.value)) => {
            let condition = &first.as_str().map(|s| s.value.clone()).unwrap_or_default();
            let select = format!("SELECT * FROM t WHERE {condition}");
            if let Some(statement) = sql::facts(&select).into_iter().next() {
                keys.extend(statement.where_equals.into_iter().map(|mut c| {
                    c.span = 0..0;
                    c
                }));
            }
            return;
        }
        _ => {}
    }
    for arg in args {
        expr_keys(strip(arg), orm, keys);
    }
}

fn expr_keys(expr: &Expr, orm: &Orm, keys: &mut Vec<ColumnValue>) {
    match &expr.kind {
        ExprKind::Composite { fields, .. } => {
            // `{ where: { … } }`: only the filter's fields are the key test.
            if let Some(filter) = orm.filters.iter().find_map(|f| field_named(fields, f)) {
                expr_keys(strip(filter), orm, keys);
                return;
            }
            for (name, value) in fields {
                let Some(name) = name.as_deref().filter(|n| *n != "...") else {
                    continue;
                };
                match &strip(value).kind {
                    // Prisma's compound unique key: `userId_key: { userId, key }`.
                    ExprKind::Composite { fields: inner, .. } if is_compound(name, inner) => {
                        expr_keys(strip(value), orm, keys);
                    }
                    // An operator (`{ in: [...] }`, `{ gt: 1 }`): no equality.
                    ExprKind::Composite { .. } => {}
                    _ => keys.push(equality(name, value)),
                }
            }
        }
        ExprKind::Call(call) => {
            let Some(name) = call.callee.last_segment() else {
                return;
            };
            let comparison = orm.comparisons.iter().any(|c| c == name);
            match (&call.callee.kind, call.args.as_slice()) {
                // `key.eq(k)`, `Column::Key.eq(k)`.
                (ExprKind::Field { base, .. }, [value]) if comparison => {
                    if let Some(column) = strip(base).last_segment() {
                        keys.push(equality(column, value));
                    }
                }
                // `eq(t.key, k)`.
                (ExprKind::Name(_), [column, value]) if comparison => {
                    if let Some(column) = strip(column).last_segment() {
                        keys.push(equality(column, value));
                    }
                }
                // ent's `payment.IdempotencyKey(k)`, `payment.IdempotencyKeyEQ(k)`.
                (_, [value])
                    if orm.column_predicates
                        && (call.callee.dotted()).is_some_and(|p| p.split('.').count() == 2)
                        && name.starts_with(char::is_uppercase) =>
                {
                    let column = name.strip_suffix("EQ").unwrap_or(name);
                    keys.push(equality(column, value));
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// Whether a field's name joins its literal's field names with `_` (Prisma's
/// `userId_key: { userId, key }`).
fn is_compound(name: &str, fields: &[(Option<String>, Expr)]) -> bool {
    let joined: Vec<&str> = fields.iter().filter_map(|(f, _)| f.as_deref()).collect();
    joined.len() > 1 && joined.join("_") == name
}

/// A string that names a column and nothing else (`"delivery_id"`).
fn is_column_name(expr: &Expr) -> bool {
    expr.as_str().is_some_and(|s| {
        !s.value.is_empty()
            && s.value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    })
}

/// A SQL condition with a comparison (`"idempotency_key = ?"`).
fn sql_condition(text: &str) -> bool {
    text.contains('=')
}

fn equality(column: &str, value: &Expr) -> ColumnValue {
    let column = column.rsplit('.').next().unwrap_or(column);
    let value = match &strip(value).kind {
        ExprKind::Str(lit) => Value::Text(lit.value.clone()),
        ExprKind::Number { text, .. } => Value::Number(text.clone()),
        ExprKind::Bool(_) => Value::Expr,
        other => Value::Param(match other {
            ExprKind::Name(name) => name.clone(),
            _ => "?".to_owned(),
        }),
    };
    ColumnValue {
        column: snake_case(column),
        value,
        span: 0..0,
    }
}

/// Adds the columns a written value names; true when it is a whole model value (a
/// variable, not a literal).
fn written_columns(arg: &Expr, orm: &Orm, columns: &mut Vec<String>) -> bool {
    match &strip(arg).kind {
        ExprKind::Composite { fields, .. } => {
            if let Some(values) = orm.values.iter().find_map(|v| field_named(fields, v)) {
                return written_columns(values, orm, columns);
            }
            columns.extend(field_columns(fields));
            false
        }
        // diesel's `(key.eq(k), amount.eq(a))`: a column each.
        ExprKind::List(items)
            if items
                .iter()
                .all(|item| comparison_column(item, orm).is_some()) =>
        {
            columns.extend(items.iter().filter_map(|item| comparison_column(item, orm)));
            false
        }
        // Rows: the first one's columns.
        ExprKind::List(items) => items
            .first()
            .is_some_and(|item| written_columns(item, orm, columns)),
        ExprKind::Call(_) => {
            columns.extend(comparison_column(arg, orm));
            false
        }
        ExprKind::Name(_) | ExprKind::Field { .. } => true,
        _ => false,
    }
}

/// The column a method comparison sets (diesel's `key.eq(k)` in `.values(…)`).
fn comparison_column(expr: &Expr, orm: &Orm) -> Option<String> {
    let ExprKind::Call(call) = &strip(expr).kind else {
        return None;
    };
    let ExprKind::Field { base, name } = &call.callee.kind else {
        return None;
    };
    orm.comparisons
        .iter()
        .any(|c| c == name)
        .then(|| strip(base).last_segment().map(snake_case))?
}

fn field_columns(fields: &[(Option<String>, Expr)]) -> impl Iterator<Item = String> + '_ {
    fields
        .iter()
        .filter_map(|(name, _)| name.as_deref())
        .filter(|name| *name != "...")
        .map(snake_case)
}

fn first_segment(path: &str) -> Option<&str> {
    path.split(['.', ':']).find(|s| !s.is_empty())
}

fn last_segment(path: &str) -> Option<&str> {
    let path = path.split('<').next()?;
    path.rsplit(['.', ':']).find(|s| !s.is_empty())
}

/// `idempotencyKey`, `IdempotencyKey` and `idempotency_key` are `idempotency_key`.
fn snake_case(name: &str) -> String {
    words(name).join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_compared_in_snake_case() {
        assert_eq!(snake_case("idempotencyKey"), "idempotency_key");
        assert_eq!(snake_case("IdempotencyKey"), "idempotency_key");
        assert_eq!(snake_case("processed_event"), "processed_event");
        assert_eq!(snake_case("processedEvents"), "processed_events");
    }

    #[test]
    fn a_compound_key_joins_its_fields() {
        let field = |name: &str| (Some(name.to_owned()), Expr::new(0..0, ExprKind::Bool(true)));
        assert!(is_compound("userId_key", &[field("userId"), field("key")]));
        assert!(!is_compound("in", &[field("a")]));
    }
}
