//! The Rust front-end: what it lowers representative code to (insta snapshots of the model
//! dump, each reviewed by eye), exact spans into the file, and robustness on bad input.

mod lowered;

use idemlint::dump;
use idemlint::lang::rust::lower;
use idemlint::model::{
    CallRole, Expr, ExprKind, Lang, Module, Outcome, StmtKind, StrLit, UnitKind,
};

/// The dump of `source`, which must lower without notes.
fn lowered(source: &str) -> String {
    let module = lower(source);
    assert!(
        module.diagnostics.is_empty(),
        "unexpected notes: {:?}",
        module.diagnostics
    );
    dump::module(&module)
}

/// Every string literal of every unit, in source order.
fn strings(module: &Module) -> Vec<&StrLit> {
    module
        .units
        .iter()
        .flat_map(|u| u.all_exprs())
        .filter_map(Expr::as_str)
        .collect()
}

/// The file text a byte range of a lowered string maps back to.
fn file_text<'s>(source: &'s str, lit: &StrLit, needle: &str) -> &'s str {
    &source[lowered::span_of(lit, needle)]
}

#[test]
fn sqlx_function_with_builder_and_macro_chains() {
    insta::assert_snapshot!(lowered(
        r#"
use sqlx::PgPool;

pub async fn claim(pool: &PgPool, key: &str) -> Result<bool, sqlx::Error> {
    let existing = sqlx::query("SELECT 1 FROM idem WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    if existing.is_some() {
        return Ok(false);
    }
    sqlx::query("INSERT INTO idem (key) VALUES ($1)").bind(key).execute(pool).await?;
    let row = sqlx::query_as!(Charge, "SELECT * FROM charges WHERE key = $1", key)
        .fetch_one(pool)
        .await?;
    sqlx::query!("UPDATE charges SET seen = true WHERE key = $1", key)
        .execute(pool)
        .await?;
    Ok(true)
}
"#
    ));
}

#[test]
fn match_on_query_result_with_error_paths() {
    insta::assert_snapshot!(lowered(
        r#"
async fn load(pool: &PgPool, key: &str) -> Result<Option<Row>> {
    match sqlx::query_as::<_, Row>("SELECT * FROM idem WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await
    {
        Ok(Some(row)) if row.status == "in_progress" => Err(Error::Conflict),
        Ok(Some(row)) => Ok(Some(row)),
        Ok(None) => {
            insert(pool, key).await?;
            Ok(None)
        }
        Err(sqlx::Error::RowNotFound) | Err(sqlx::Error::PoolTimedOut) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
"#
    ));
}

#[test]
fn let_else_and_destructuring() {
    insta::assert_snapshot!(lowered(
        r#"
async fn handle(State(pool): State<PgPool>, Json(req): Json<Req>) -> Response {
    let Some(key) = req.idempotency_key else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Ok(row) = client.query_one("SELECT status FROM idem WHERE key = $1", &[&key]).await else {
        panic!("no row");
    };
    let (status, _) = (row.get::<_, String>(0), 1);
    let done: bool;
    done = status == "done";
    self.calls += 1;
    todo!()
}
"#
    ));
}

#[test]
fn retry_loop_with_doubling_sleep() {
    insta::assert_snapshot!(lowered(
        r#"
async fn with_retry<T>(mut op: impl FnMut() -> Fut<T>) -> Result<T, Error> {
    let mut delay = Duration::from_millis(100);
    let mut attempt = 0u32;
    loop {
        match op().await {
            Ok(value) => return Ok(value),
            Err(err) if attempt < MAX_ATTEMPTS => {
                attempt += 1;
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            Err(err) => return Err(err),
        }
    }
}
"#
    ));
}

#[test]
fn tokio_postgres_execute_with_params() {
    insta::assert_snapshot!(lowered(
        r#"
async fn record(client: &Client, key: &str) -> Result<u64, Error> {
    let n = client
        .execute(
            "INSERT INTO idem (key) VALUES ($1) ON CONFLICT (key) DO NOTHING",
            &[&key],
        )
        .await?;
    if n == 0 {
        return Ok(0);
    }
    charge(key).await?;
    Ok(n)
}
"#
    ));
}

#[test]
fn sql_folded_from_constants_concat_and_format() {
    insta::assert_snapshot!(lowered(
        r##"
const TABLE: &str = "idem";
static CLAIM: &str = concat!(
    "INSERT INTO idem (key) ",
    r#"VALUES ($1) "#,
    "ON CONFLICT (key) DO NOTHING",
);

impl Store {
    const SELECT: &'static str = "SELECT status FROM idem WHERE key = $1";

    async fn run(&self, key: &str, limit: u32) {
        let by_key = format!("SELECT * FROM {TABLE} WHERE key = $1 LIMIT {}", limit);
        let escaped = format!("UPDATE {} SET v = '{{}}' WHERE k = {:?}", TABLE, key);
        let mut sql = "DELETE FROM ".to_owned() + TABLE;
        sql += " WHERE key = $1";
        self.db.execute(CLAIM, key).await;
        self.db.execute(&by_key, key).await;
        self.db.execute(sql.as_str(), key).await;
        self.db.fetch_one(Self::SELECT).await;
        self.db.execute(escaped).await;
    }
}
"##
    ));
}

#[test]
fn control_flow_shapes() {
    insta::assert_snapshot!(lowered(
        r#"
fn shapes(items: Vec<Item>) -> usize {
    let result = 'outer: loop {
        match next() {
            Some(v) if v > 3 => break 'outer v,
            Some(_) => continue,
            None => break 0,
        }
    };
    let delay = if attempt > 3 { cap } else { base * 2u64.pow(attempt) };
    if let Some(row) = existing && row.done {
        return 1;
    } else if ready {
        go();
    } else {
        wait();
    }
    while let Some(job) = queue.pop() {
        handle(job);
    }
    for (i, item) in items.iter().enumerate() {
        unsafe { touch(i, item) };
    }
    {
        let inner = 1 << attempt;
    }
    items.len() as usize
}
"#
    ));
}

#[test]
fn closures_async_blocks_and_item_names() {
    insta::assert_snapshot!(lowered(
        r#"
mod billing {
    pub struct Repo;

    impl<'a> Repo<'a> {
        pub async fn charge(&self, key: &str) -> Result<()> {
            Retry::spawn(ExponentialBackoff::from_millis(10), || async {
                self.client.post(URL).send().await?.error_for_status()
            })
            .await?;
            let handle = tokio::spawn(async move { work(key).await });
            let cfg = Config { jitter: false, ..Default::default() };
            fn helper(x: u8) -> u8 {
                x + 1
            }
            items.iter().map(|(k, v)| k.len() + v).sum()
        }
    }

    trait Store {
        fn put(&self, key: &str) {
            self.inner().put(key)
        }
        fn get(&self, key: &str) -> Option<String>;
    }
}
"#
    ));
}

#[test]
fn bare_statements_form_one_script_unit() {
    let source = r#"
let mut delay = base;
let q = "SELECT id FROM jobs WHERE key = $1";
let row = sqlx::query(q).bind(&key).fetch_one(&pool).await?;
tokio::time::sleep(delay).await;
fn helper() {}
delay <<= 1;
"#;
    let module = lower(source);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    let script = module.units.iter().find(|u| u.name == "<snippet>").unwrap();
    assert_eq!(script.kind, UnitKind::Script);
    assert_eq!(&source[script.span.clone()], source.trim());
    insta::assert_snapshot!(dump::module(&module));
}

#[test]
fn a_lone_function_needs_no_imports() {
    assert_eq!(lowered("fn f() { g(1) }"), "fn f()\n  return (call g 1)\n");
}

#[test]
fn paths_numbers_casts_and_turbofish() {
    assert_eq!(
        lowered(
            "fn f() { let e = sqlx::Error::RowNotFound; let d = 1_000u64 as f64 * 2.5e3f32; \
             let v = Vec::<u8>::with_capacity(0x10); let r#type = x.0; }"
        ),
        "fn f()\n  e = sqlx.Error.RowNotFound\n  d = (Mul 1_000 2.5e3)\n  \
         v = (call Vec.with_capacity 0x10)\n  type = x.0\n"
    );
    let module = lower("fn f() { g(1_000u64, 2.5e3f32, 0x10) }");
    let numbers: Vec<Option<f64>> = module.units[0]
        .all_exprs()
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Number { value, .. } => Some(*value),
            _ => None,
        })
        .collect();
    assert_eq!(numbers, vec![Some(1000.0), Some(2500.0), Some(16.0)]);
}

#[test]
fn sql_in_raw_and_escaped_strings_maps_to_the_exact_file_bytes() {
    let source = r###"fn f() {
    db.execute(r#"INSERT INTO t (k) VALUES ("$1") ON CONFLICT (k) DO NOTHING"#);
    db.execute("INSERT INTO t (k, n) VALUES ($1, '\t\u{e9}') \
                ON CONFLICT (k) DO NOTHING\n");
}
"###;
    let module = lower(source);
    let lits = strings(&module);
    assert_eq!(lits.len(), 2);
    let needle = "ON CONFLICT (k) DO NOTHING";
    let raw_at = source.find(needle).unwrap();
    let escaped_at = source.rfind(needle).unwrap();
    for (lit, at) in lits.iter().zip([raw_at, escaped_at]) {
        let i = lit.value.find(needle).unwrap();
        assert_eq!(lit.file_span(i..i + needle.len()), at..at + needle.len());
    }
    assert_eq!(
        lits[0].value,
        r#"INSERT INTO t (k) VALUES ("$1") ON CONFLICT (k) DO NOTHING"#
    );
    assert_eq!(
        lits[1].value,
        "INSERT INTO t (k, n) VALUES ($1, '\t\u{e9}') ON CONFLICT (k) DO NOTHING\n"
    );
    // Each byte an escape produces maps to the escape's backslash.
    let tab = lits[1].value.find('\t').unwrap();
    let tab_escape = source.find(r"\t").unwrap();
    assert_eq!(lits[1].file_span(tab..tab + 1), tab_escape..tab_escape + 1);
    let e_acute = lits[1].value.find('\u{e9}').unwrap();
    let e_escape = source.find(r"\u{e9}").unwrap();
    assert_eq!(lits[1].origin[e_acute..e_acute + 2], [e_escape, e_escape]);
    // The end of the value maps to the closing quote.
    let closing = source.find(r#"\n");"#).unwrap() + 2;
    assert_eq!(lits[1].origin.last(), Some(&closing));
}

#[test]
fn decoded_literals_agree_with_syn() {
    let literals = [
        r#""plain""#,
        r#""tab\tnewline\nquote\"backslash\\nul\0""#,
        r#""hex \x41\x7f unicode \u{1F600} \u{e9}""#,
        "\"continued \\\n     line\"",
        "\"crlf \\\r\n  continued\"",
        r###"r#"raw "quoted" \n"#"###,
        r#"r"raw""#,
        "\"multi\nline é\"",
    ];
    for literal in literals {
        let source = format!("fn f() {{ g({literal}) }}");
        let module = lower(&source);
        let lits = strings(&module);
        let expected = syn::parse_str::<syn::LitStr>(literal).unwrap().value();
        assert_eq!(lits.len(), 1, "{literal}");
        assert_eq!(lits[0].value, expected, "{literal}");
        assert_eq!(lits[0].origin.len(), expected.len() + 1, "{literal}");
    }
}

#[test]
fn folded_strings_map_pieces_to_their_sources() {
    let source = r#"const TABLE: &str = "idem";
const CLAIM: &str = concat!("INSERT INTO ", "idem (key) VALUES ($1)");
fn f(name: &str) {
    let by_name = format!("SELECT * FROM {TABLE} WHERE {column} = {}", name);
    run(by_name, CLAIM);
}
"#;
    let module = lower(source);
    let call = module.units[0]
        .all_exprs()
        .into_iter()
        .find_map(|e| match &e.kind {
            ExprKind::Call(c) if c.callee.dotted().as_deref() == Some("run") => Some(c),
            _ => None,
        })
        .unwrap();
    let [by_name, claim] = &call.args[..] else {
        panic!("two arguments");
    };
    let by_name = by_name.as_str().unwrap();
    assert_eq!(by_name.value, "SELECT * FROM idem WHERE arg_column = arg1");
    // A folded constant maps to the constant's literal.
    assert_eq!(file_text(source, by_name, "idem"), "idem");
    assert_eq!(
        by_name.file_span(14..18).start,
        source.find("idem").unwrap()
    );
    // A placeholder maps to its argument, or to the hole when captured inline.
    let arg1 = by_name.value.find("arg1").unwrap();
    assert_eq!(
        by_name.file_span(arg1..arg1 + 4).start,
        source.find("name);").unwrap()
    );
    let column = by_name.value.find("arg_column").unwrap();
    assert_eq!(by_name.origin[column], source.find("{column}").unwrap());
    let claim = claim.as_str().unwrap();
    assert_eq!(claim.value, "INSERT INTO idem (key) VALUES ($1)");
    assert_eq!(file_text(source, claim, "INSERT INTO "), "INSERT INTO ");
    assert_eq!(
        file_text(source, claim, "idem (key) VALUES ($1)"),
        "idem (key) VALUES ($1)"
    );
    assert_eq!(
        claim.file_span(0..claim.value.len()),
        source.find("INSERT").unwrap()..source.find("($1)\")").unwrap() + 4
    );
}

#[test]
fn unit_and_statement_spans_are_exact() {
    let source = "#[tokio::main]\npub async fn main() -> Result<()> {\n    let x = 1;\n    go(x).await?;\n    Ok(())\n}\n";
    let module = lower(source);
    let unit = &module.units[0];
    assert_eq!(
        &source[unit.span.clone()],
        "pub async fn main() -> Result<()> {\n    let x = 1;\n    go(x).await?;\n    Ok(())\n}"
    );
    let texts: Vec<&str> = unit
        .body
        .stmts
        .iter()
        .map(|s| &source[s.span.clone()])
        .collect();
    assert_eq!(texts, ["let x = 1;", "go(x).await?;", "Ok(())"]);
    let StmtKind::Expr(awaited) = &unit.body.stmts[1].kind else {
        panic!("an expression statement");
    };
    assert_eq!(&source[awaited.span.clone()], "go(x).await?");
}

#[test]
fn comments_are_found_outside_literals() {
    let source = r####"//! crate doc
fn f<'a>(x: &'a str) -> char { // idemlint-ignore: retry-any-error -- flaky API
    let s = "not // a comment /* either */";
    let r = r#"raw "// still" string"#; /* real /* nested */ comment */
    let c = '"'; let d = '\''; let u = '€'; // after chars
    'l: loop { break 'l; }
}
"####;
    let module = lower(source);
    let comments: Vec<(&str, &str)> = module
        .comments
        .iter()
        .map(|c| (&source[c.span.clone()], c.text.as_str()))
        .collect();
    assert_eq!(
        comments,
        [
            ("//! crate doc", " crate doc"),
            (
                "// idemlint-ignore: retry-any-error -- flaky API",
                " idemlint-ignore: retry-any-error -- flaky API"
            ),
            (
                "/* real /* nested */ comment */",
                " real /* nested */ comment "
            ),
            ("// after chars", " after chars"),
        ]
    );
}

#[test]
fn broken_syntax_gives_a_note_and_keeps_the_rest() {
    let source = "use std::time::Duration;\n\nfn good_one() {\n    a();\n}\n\nfn broken() {\n    let x = ;\n}\n\n#[test]\nfn good_two() {\n    b();\n}\n";
    let module = lower(source);
    let names: Vec<&str> = module.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["good_one", "good_two"]);
    assert_eq!(module.diagnostics.len(), 1);
    let note = &module.diagnostics[0];
    assert_eq!(&source[note.span.clone()], ";");
    assert_eq!(note.span.start, source.find("= ;").unwrap() + 2);
    assert!(note.message.starts_with("cannot parse this Rust code: "));
}

#[test]
fn unbalanced_delimiters_still_keep_the_items_after_them() {
    let source = "fn broken( {\n    x\n}\n\n#[test]\nfn good() {\n    b();\n}\n";
    let module = lower(source);
    assert_eq!(dump::module(&module), "fn good()\n  (call b)\n");
    assert_eq!(module.diagnostics.len(), 1);
    assert_eq!(
        module.diagnostics[0].message,
        "cannot parse this Rust code: unbalanced delimiter or unterminated literal"
    );
}

#[test]
fn broken_statements_give_a_note() {
    let module = lower("let x = foo(;\nbar().await?;\n");
    assert!(module.units.is_empty());
    assert_eq!(module.diagnostics.len(), 1);
    assert_eq!(module.diagnostics[0].span, 11..12);
}

#[test]
fn deep_nesting_does_not_crash() {
    let deep = 100_000;
    let inputs = [
        format!(
            "fn f() {{ let x = {}1{}; }}",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
        format!("fn f() {{ let x = {}a; }}", "!".repeat(deep)),
        format!("fn f() {{ {}{} }}", "{".repeat(deep), "}".repeat(deep)),
        format!("fn f() {{ a{}; }}", ".b()".repeat(deep)),
        format!("fn f() {{ let f = {}a; }}", "|a| ".repeat(deep)),
        format!("fn f() {{ let x: {}u8 = a; }}", "&".repeat(deep)),
        format!("fn f() {{ if a {{}} {} }}", "else if a {} ".repeat(deep)),
        format!("fn f() {{ {} }}", "[".repeat(deep)),
    ];
    for input in &inputs {
        let module = lower(input);
        assert!(module.units.is_empty(), "{}", &input[..40]);
        assert_eq!(module.diagnostics.len(), 1, "{}", &input[..40]);
    }
    let tail = "\nfn after() {\n    ok();\n}\n";
    let module = lower(&(inputs[1].clone() + tail));
    assert_eq!(dump::module(&module), "fn after()\n  (call ok)\n");
    assert_eq!(
        module.diagnostics[0].message,
        "nesting too deep to read; this part was skipped"
    );
}

#[test]
fn nesting_within_the_parser_limit_is_cut_at_the_model_depth() {
    let source = format!("fn f() {{ let x = {}a; }}", "!".repeat(900));
    let module = lower(&source);
    assert!(module.diagnostics.is_empty());
    let StmtKind::Assign { value, .. } = &module.units[0].body.stmts[0].kind else {
        panic!("an assignment");
    };
    let walked = value.walk();
    assert!(walked.len() < idemlint::lang::MAX_DEPTH);
    assert!(
        matches!(&walked.last().unwrap().kind, ExprKind::Other(children) if children.is_empty())
    );
}

#[test]
fn odd_input_never_panics() {
    let inputs = [
        "",
        "\0",
        "}}}",
        "fn",
        "'",
        "r#\"",
        "/*",
        "\"",
        "b'",
        "'\\u{",
        "r##\"a\"#",
        "é€😀",
        "fn f() { \"\\u{ZZ}\" }",
        "fn f() { \"\\x\" }",
        "\u{feff}",
        "#!",
        "#![allow]",
        "fn f() { format!(\"{\", a) }",
        "fn f() { format!(\"}{\") }",
        "fn f() { concat!() }",
        "macro_rules! m { () => {} }",
        "fn f() { m!{ , , } }",
        "fn f() { query_as!() }",
        "fn f() -> impl Fn() { || () }",
        "let x = 1",
        "x",
        "1 + ",
        "else { }",
    ];
    for input in inputs {
        let module = lower(input);
        let _ = dump::module(&module);
    }
}

#[test]
fn a_classified_sqlx_chain_is_one_query_on_execute() {
    let source = r#"
async fn claim(pool: &PgPool, key: &str) -> Result<()> {
    sqlx::query("INSERT INTO idem (key) VALUES ($1) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .execute(pool)
        .await?;
    sqlx::query!("UPDATE idem SET done = true WHERE key = $1", key)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
"#;
    let module = lowered::classified(source, Lang::Rust);
    assert_eq!(
        lowered::query_roles(module.units.iter().flat_map(|u| u.all_exprs())),
        [
            (".execute".to_owned(), Outcome::Affected),
            (".execute".to_owned(), Outcome::Affected)
        ]
    );
    let sql: Vec<&str> = module.units[0]
        .all_exprs()
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Call(call) => match &call.role {
                CallRole::Query(q) => Some(q.sql.text.value.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        sql,
        [
            "INSERT INTO idem (key) VALUES ($1) ON CONFLICT (key) DO NOTHING",
            "UPDATE idem SET done = true WHERE key = $1"
        ]
    );
}

#[test]
fn sql_assembled_with_push_str_is_followed() {
    let source = r#"fn claim(dedupe: bool) {
    let mut sql = String::new();
    sql.push_str("INSERT INTO idem (key) VALUES ($1)");
    if dedupe {
        sql.push_str(" ON CONFLICT (key) DO NOTHING");
    }
    db.execute(&sql, key);
    sql.push_str(&suffix);
    db.execute(&sql, key);
}
"#;
    let module = lower(source);
    let lits = strings(&module);
    let values: Vec<&str> = lits.iter().map(|l| l.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "INSERT INTO idem (key) VALUES ($1)",
            " ON CONFLICT (key) DO NOTHING",
            "INSERT INTO idem (key) VALUES ($1) ON CONFLICT (key) DO NOTHING",
        ]
    );
    let joined = lits[2];
    let first_end = source.find("($1)").unwrap() + 4;
    let second_start = source.find(" ON CONFLICT").unwrap();
    let seam = joined.value.find(" ON").unwrap();
    assert_eq!(
        joined.origin[seam - 1..=seam],
        [first_end - 1, second_start]
    );
    assert_eq!(
        file_text(source, lits[2], "ON CONFLICT (key) DO NOTHING"),
        "ON CONFLICT (key) DO NOTHING"
    );
}

#[test]
fn spans_count_bytes_on_lines_with_wide_characters() {
    let source = "\u{feff}#!/usr/bin/env rust-script\n// ünïcödé 😀\nfn f() { let s = \"é😀\"; db.execute(\"SELECT 1 FROM t\", 'ß') }\n";
    let module = lower(source);
    let texts: Vec<&str> = module.units[0]
        .body
        .stmts
        .iter()
        .map(|s| &source[s.span.clone()])
        .collect();
    assert_eq!(
        texts,
        ["let s = \"é😀\";", "db.execute(\"SELECT 1 FROM t\", 'ß')"]
    );
    let lits = strings(&module);
    assert_eq!(lits[0].value, "é😀");
    assert_eq!(&source[lits[0].file_span(0..lits[0].value.len())], "é😀");
    assert_eq!(file_text(source, lits[1], "FROM t"), "FROM t");
    assert_eq!(&source[module.comments[0].span.clone()], "// ünïcödé 😀");
}

#[test]
fn use_items_are_bound_to_the_names_the_code_uses() {
    let module = lower(
        "use tokio_retry::{Retry, strategy::{ExponentialBackoff as Exp, jitter}};\nuse crate::util::retry::{self};\nuse backon::*;\n\nfn f() {}\n",
    );
    assert_eq!(
        lowered::imports(&module),
        [
            ("Retry", "tokio_retry::Retry"),
            ("Exp", "tokio_retry::strategy::ExponentialBackoff"),
            ("jitter", "tokio_retry::strategy::jitter"),
            ("retry", "crate::util::retry"),
        ]
    );
}
