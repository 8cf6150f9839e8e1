//! The Go front-end: lowered shapes (insta snapshots of `dump::module`) and exact spans.

mod lowered;

use idemlint::dump;
use idemlint::lang::go;
use idemlint::model::{ExprKind, Lang, Module, Outcome, StmtKind, TargetKind, UnitKind};
use lowered::{imports, offset_of, query_roles, span_of, string_with, unit_exprs};

const CHARGE: &str = include_str!("../fixtures/seed/charge.go");

fn classified(source: &str) -> Module {
    lowered::classified(source, Lang::Go)
}

#[test]
fn charge_seed_lowers_to_query_then_branch() {
    insta::assert_snapshot!(dump::module(&classified(CHARGE)));
}

#[test]
fn charge_seed_query_roles_come_from_the_sql_literals() {
    let module = classified(CHARGE);
    let unit = &module.units[0];
    let roles: Vec<(String, Outcome)> = query_roles(unit_exprs(unit));
    assert_eq!(roles.len(), 2, "{roles:?}");
    assert!(roles.contains(&("db.QueryRowContext".to_owned(), Outcome::OneRow)));
    assert!(roles.contains(&("db.ExecContext".to_owned(), Outcome::Affected)));
}

#[test]
fn charge_seed_insert_keyword_maps_to_its_bytes_in_the_file() {
    let module = go::lower(CHARGE);
    let insert = string_with(&module, "INSERT INTO");
    assert_eq!(
        span_of(insert, "INSERT"),
        offset_of(CHARGE, "INSERT INTO").start..offset_of(CHARGE, "INSERT INTO").start + 6
    );
    assert_eq!(
        span_of(insert, "'in_progress'"),
        offset_of(CHARGE, "'in_progress'")
    );
}

#[test]
fn charge_seed_unit_signature_and_comments() {
    let module = go::lower(CHARGE);
    assert_eq!(module.units.len(), 1);
    let unit = &module.units[0];
    assert_eq!(unit.name, "handleCharge");
    assert_eq!(unit.kind, UnitKind::Function);
    assert_eq!(unit.params, ["ctx", "db", "key", "body"]);
    assert_eq!(
        unit.span,
        offset_of(CHARGE, "func handleCharge").start..CHARGE.trim_end().len()
    );
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    let texts: Vec<&str> = module.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts[3], " no row yet -> treat as new");
    assert_eq!(texts[4], " runs the charge");
    assert_eq!(
        module.comments[4].span,
        offset_of(CHARGE, "// runs the charge")
    );
}

#[test]
fn escapes_decode_and_map_to_the_escape_start() {
    let src = "func f() { db.Exec(\"a\\tb\\x41\\u00e9\\\"c\") }";
    let module = go::lower(src);
    let lit = string_with(&module, "a\tbA");
    assert_eq!(lit.value, "a\tbAé\"c");
    let open = src.find('"').unwrap();
    // a, \t, b, \x41, \u00e9 (two bytes), \", c, then the closing quote.
    let expected = [1, 2, 4, 5, 9, 9, 15, 17, 18].map(|d| open + d);
    assert_eq!(lit.origin, expected.to_vec());
    assert_eq!(span_of(lit, "é"), open + 9..open + 10);
}

#[test]
fn raw_strings_are_verbatim_without_carriage_returns() {
    let src = "func f() { q := `a\\n\r\nb` ; use(q) }";
    let module = go::lower(src);
    let lit = string_with(&module, "a\\n");
    assert_eq!(lit.value, "a\\n\nb");
    let open = src.find('`').unwrap() + 1;
    assert_eq!(
        lit.origin,
        vec![open, open + 1, open + 2, open + 4, open + 5, open + 6]
    );
}

#[test]
fn concatenated_literals_fold_into_one_string_mapping_both_pieces() {
    let src = "func f() {\n\tdb.Exec(\"INSERT INTO t (k) \" +\n\t\t`VALUES ($1) ` + \"ON CONFLICT DO NOTHING\", k)\n}\n";
    let module = classified(src);
    let lit = string_with(&module, "INSERT");
    assert_eq!(
        lit.value,
        "INSERT INTO t (k) VALUES ($1) ON CONFLICT DO NOTHING"
    );
    assert_eq!(span_of(lit, "INSERT"), offset_of(src, "INSERT"));
    assert_eq!(span_of(lit, "VALUES"), offset_of(src, "VALUES"));
    assert_eq!(span_of(lit, "CONFLICT"), offset_of(src, "CONFLICT"));
    assert_eq!(
        *lit.origin.last().unwrap(),
        offset_of(src, "NOTHING\"").end - 1
    );
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn f()
      (call [query:affected] db.Exec "INSERT INTO t (k) VALUES ($1) ON CONFLICT DO NOTHING" k)
    "#);
}

#[test]
fn constants_are_substituted_with_their_literal_origin() {
    let src = r#"package store

const table = "idempotency_keys"

const (
	claimKey = "INSERT INTO " + table + " (key) VALUES ($1) ON CONFLICT DO NOTHING"
	limit    = 3
)

var readKey = `SELECT status FROM idempotency_keys WHERE key = $1`

func Claim(ctx context.Context, db *sql.DB, key string) error {
	const local = "DELETE FROM idempotency_keys WHERE key = $1"
	_, err := db.ExecContext(ctx, claimKey, key)
	db.QueryRowContext(ctx, readKey, key)
	db.ExecContext(ctx, local, key)
	return err
}

func Shadowed(claimKey string) {
	db.Exec(claimKey)
}
"#;
    let module = classified(src);
    insta::assert_snapshot!(dump::module(&module));
    let claim = string_with(&module, "INSERT INTO idempotency_keys");
    assert_eq!(span_of(claim, "INSERT"), offset_of(src, "INSERT"));
    assert_eq!(
        span_of(claim, "idempotency_keys"),
        offset_of(src, "idempotency_keys")
    );
    assert_eq!(span_of(claim, "ON CONFLICT"), offset_of(src, "ON CONFLICT"));
    let read = string_with(&module, "SELECT status");
    assert_eq!(span_of(read, "SELECT"), offset_of(src, "SELECT"));
    let delete = string_with(&module, "DELETE");
    assert_eq!(span_of(delete, "DELETE"), offset_of(src, "DELETE"));
}

#[test]
fn local_string_variables_fold_into_call_arguments() {
    let src = r#"func f(ctx context.Context, db *sql.DB, key string) {
	q := "INSERT INTO idempotency_keys (key) VALUES ($1)"
	if strict {
		q += " ON CONFLICT DO NOTHING"
	}
	if q == "" {
		return
	}
	db.ExecContext(ctx, q, key)
	q = compute()
	db.ExecContext(ctx, q, key)
	var s string
	s += "SELECT 1"
	s += " FROM t"
	db.QueryContext(ctx, s)
}
"#;
    let module = classified(src);
    insta::assert_snapshot!(dump::module(&module));
    let lit = string_with(&module, "ON CONFLICT");
    assert_eq!(span_of(lit, "INSERT"), offset_of(src, "INSERT"));
    assert_eq!(span_of(lit, "ON CONFLICT"), offset_of(src, "ON CONFLICT"));
    let select = string_with(&module, "SELECT 1 FROM t");
    assert_eq!(
        span_of(select, "FROM"),
        offset_of(src, "FROM t").start..offset_of(src, "FROM t").start + 4
    );
}

#[test]
fn sprintf_templates_splice_strings_and_name_other_arguments() {
    let src = r#"const table = "jobs"

func f(db *sql.DB, id int, status string) {
	db.Exec(fmt.Sprintf("UPDATE %s SET status = '%s' WHERE id = %d AND pct = 100%%", table, status, id))
}
"#;
    let module = classified(src);
    let lit = string_with(&module, "UPDATE");
    assert_eq!(
        lit.value,
        "UPDATE jobs SET status = 'arg2' WHERE id = arg3 AND pct = 100%"
    );
    assert_eq!(span_of(lit, "UPDATE"), offset_of(src, "UPDATE"));
    assert_eq!(span_of(lit, "jobs"), offset_of(src, "jobs"));
    let status_arg = offset_of(src, "status, id").start;
    assert_eq!(span_of(lit, "arg2"), status_arg..status_arg + 1);
    let id_arg = offset_of(src, "id))").start;
    assert_eq!(span_of(lit, "arg3"), id_arg..id_arg + 1);
    assert_eq!(
        span_of(lit, "%"),
        offset_of(src, "%%\"").start..offset_of(src, "%%\"").start + 1
    );
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn f(db, id, status)
      (call [query:affected] db.Exec "UPDATE jobs SET status = 'arg2' WHERE id = arg3 AND pct = 100%")
    "#);
}

#[test]
fn sprintf_with_an_unknown_template_stays_a_call() {
    let module = go::lower("func f() { x := fmt.Sprintf(tmpl, a) }");
    insta::assert_snapshot!(dump::module(&module), @r"
    fn f()
      x = (call fmt.Sprintf tmpl a)
    ");
}

#[test]
fn bare_statements_become_a_snippet_script_with_original_spans() {
    let src = "err := db.QueryRow(`SELECT 1 FROM t WHERE k = $1`, k).Scan(&n)\nif err == sql.ErrNoRows {\n\tdb.Exec(`INSERT INTO t (k) VALUES ($1)`, k)\n}\n";
    let module = classified(src);
    assert_eq!(module.units.len(), 1);
    let unit = &module.units[0];
    assert_eq!(unit.kind, UnitKind::Script);
    assert_eq!(unit.name, go::SNIPPET_UNIT);
    assert_eq!(unit.span, 0..src.len() - 1);
    assert_eq!(
        unit.body.stmts[1].span,
        offset_of(src, "if err").start..src.len() - 1
    );
    assert_eq!(
        span_of(string_with(&module, "INSERT"), "INSERT"),
        offset_of(src, "INSERT")
    );
    insta::assert_snapshot!(dump::module(&module), @r#"
    script <snippet>()
      err = (call (call [query:onerow] db.QueryRow "SELECT 1 FROM t WHERE k = $1" k).Scan (Ref n))
      branch
        if (Eq err sql.ErrNoRows)
          (call [query:affected] db.Exec "INSERT INTO t (k) VALUES ($1)" k)
    "#);
}

#[test]
fn snippet_statements_next_to_functions_form_one_script() {
    let src = "const q = `DELETE FROM t`\nfunc helper() { g() }\ndb.Exec(q)\nx++\n";
    let module = go::lower(src);
    insta::assert_snapshot!(dump::module(&module), @r#"
    script <snippet>()
      q = "DELETE FROM t"
      (call db.Exec "DELETE FROM t")
      x Add= 1
    fn helper()
      (call g)
    "#);
}

#[test]
fn statements_lower_to_their_model_shapes() {
    let src = r#"package p

func (s *Store[T]) Run(ctx context.Context, items ...string) (n int, err error) {
	var a, b = 1, 2
	var pending []Job
	i++
	d *= 2
	d <<= 1
	mask &^= 4
	_, err = s.do(ctx)
	*p = 3
	m[k] = v
	if x := f(); x > 1 {
		a = 1
	} else if y {
		a = 2
	} else if z := g(); z {
		a = 3
	} else {
		a = 4
	}
	switch status {
	case "done", "failed":
		return
	default:
		fallthrough
	}
	switch {
	case a > 1, b < 2:
		a = 0
	}
	switch e := err.(type) {
	case *pgconn.PgError, nil:
		use(e)
	}
	select {
	case <-time.After(d):
	case v, ok := <-ch:
		use(v, ok)
	case out <- 1:
	case <-ctx.Done():
		return
	default:
	}
outer:
	for attempt := 0; attempt < 5; attempt++ {
		for {
			break outer
		}
		continue outer
	}
	for _, it := range items {
		use(it)
	}
	for range ticker.C {
	}
	for n < 10 {
	}
	for ;; {
	}
	defer tx.Rollback()
	go func(x int) {
		work(x)
	}(1)
	{
		scoped()
	}
	cfg := &wait.Backoff{Duration: time.Second, Factor: 2.0, Steps: 1_000}
	list := []int{1, 0x10, 0o17}
	byKey := map[string]int{"a": 1}
	delay := time.Duration(float64(base) * math.Pow(2, float64(attempt)))
	raw := []byte(s)
	part := buf[1:n]
	ok := !done && -x < 0 || ^y == 0
	ch <- *ptr
	return len(list), nil
}
"#;
    let module = go::lower(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module));
}

#[test]
fn if_initializer_is_an_assignment_just_before_the_branch() {
    let src = "func f() {\n\tif err := do(); err != nil {\n\t\treturn\n\t}\n}";
    let module = go::lower(src);
    let stmts = &module.units[0].body.stmts;
    assert_eq!(stmts.len(), 2);
    let StmtKind::Assign { targets, value, .. } = &stmts[0].kind else {
        panic!("{:?}", stmts[0].kind);
    };
    assert!(matches!(&targets[0].kind, TargetKind::Name(n) if n == "err"));
    assert_eq!(stmts[0].span, offset_of(src, "err := do()"));
    assert_eq!(value.span, offset_of(src, "do()"));
    assert!(matches!(stmts[1].kind, StmtKind::Branch { .. }));
}

#[test]
fn discarded_targets_are_discards() {
    let module = go::lower("func f() { _, err := db.Exec(q) }");
    let StmtKind::Assign { targets, .. } = &module.units[0].body.stmts[0].kind else {
        panic!();
    };
    assert!(matches!(targets[0].kind, TargetKind::Discard));
    assert!(matches!(&targets[1].kind, TargetKind::Name(n) if n == "err"));
}

#[test]
fn numbers_carry_their_values() {
    let module = go::lower(
        "func f() { use(1_000, 0x10, 0o17, 017, 0b101, 1.5e3, .5, 2i, 'a', '\\n', 99999999999999999999999999999999999999999) }",
    );
    let values: Vec<(String, Option<f64>)> = unit_exprs(&module.units[0])
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Number { text, value } => Some((text.clone(), *value)),
            _ => None,
        })
        .collect();
    let expected = [
        ("1_000", Some(1000.0)),
        ("0x10", Some(16.0)),
        ("0o17", Some(15.0)),
        ("017", Some(15.0)),
        ("0b101", Some(5.0)),
        ("1.5e3", Some(1500.0)),
        (".5", Some(0.5)),
        ("2i", None),
        ("'a'", Some(97.0)),
        ("'\\n'", Some(10.0)),
        ("99999999999999999999999999999999999999999", Some(1e41)),
    ];
    let mut values = values;
    values.sort_by_key(|(text, _)| expected.iter().position(|(t, _)| t == text));
    assert_eq!(values, expected.map(|(t, v)| (t.to_owned(), v)).to_vec());
}

#[test]
fn broken_syntax_still_yields_units_and_a_note() {
    let src = "package p\n\nfunc a() {\n\tx := = 3\n\tdb.Exec(\"INSERT INTO t (k) VALUES ($1)\", k)\n}\n\nfunc b() { g( }\n";
    let module = classified(src);
    let names: Vec<&str> = module.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    let notes: Vec<(std::ops::Range<usize>, &str)> = module
        .diagnostics
        .iter()
        .map(|n| (n.span.clone(), n.message.as_str()))
        .collect();
    let second_eq = offset_of(src, "= 3").start;
    let paren = offset_of(src, "( }").start;
    assert_eq!(
        notes,
        [
            (second_eq..second_eq + 1, "syntax error: unexpected `=`"),
            (paren..paren + 1, "syntax error: unexpected `(`"),
        ]
    );
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn a()
      x = 3
      (call [query:affected] db.Exec "INSERT INTO t (k) VALUES ($1)" k)
    fn b()
      g
    "#);
}

#[test]
fn unclosed_function_reports_the_missing_brace() {
    let src = "func a() {\n\tdb.Exec(`DELETE FROM t`)\n\tif x {\n\t\tg()\n}\n";
    let module = go::lower(src);
    assert_eq!(module.units.len(), 1);
    assert_eq!(module.diagnostics.len(), 1);
    assert_eq!(module.diagnostics[0].message, "syntax error: missing `}`");
    assert_eq!(module.diagnostics[0].span, src.len()..src.len());
}

#[test]
fn unterminated_string_does_not_panic() {
    for src in [
        "func f() { db.Exec(\"INSERT",
        "x := `abc",
        "\"\\",
        "\"\\x4",
        "'",
        "func",
        "\u{feff}é\"\\u12\"",
    ] {
        let module = go::lower(src);
        dump::module(&module);
    }
}

fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    format!(
        "func f() {{ x := {}{middle}{} }}",
        open.repeat(depth),
        close.repeat(depth)
    )
}

#[test]
fn deep_nesting_is_bounded() {
    let cases = [
        nested("(", "1", ")", 100_000),
        nested("!", "x", "", 100_000),
        nested("f(", "x", ")", 20_000),
        nested("T{", "1", "}", 50_000),
        nested("func() { ", "", " }", 20_000),
        nested("a[", "0", "]", 20_000),
        format!(
            "func f() {{ {} }}",
            "{".repeat(50_000) + &"}".repeat(50_000)
        ),
        format!("func f() {{ x := 1{} }}", " + 1".repeat(100_000)),
        format!("func f() {{ x := \"a\"{} }}", " + \"a\"".repeat(100_000)),
        format!("func f() {{ if a {{}}{} }}", " else if a {}".repeat(20_000)),
    ];
    for src in &cases {
        let mut module = classified(src);
        assert_eq!(module.units.len(), 1);
        dump::module(&module);
        module.units.clear();
    }
}

#[test]
fn long_else_if_chains_are_one_branch() {
    let src = format!(
        "func f() {{ if a {{}}{} else {{}} }}",
        " else if b {}".repeat(1000)
    );
    let module = go::lower(&src);
    let StmtKind::Branch { arms, .. } = &module.units[0].body.stmts[0].kind else {
        panic!();
    };
    assert_eq!(arms.len(), 1002);
}

#[test]
fn comments_lose_their_delimiters() {
    let src = "// line\r\nfunc f() {\r\n\t/* block\r\n spans */ g() // idemlint-ignore: retry-any-error -- ok\r\n}\r\n";
    let module = go::lower(src);
    let comments: Vec<(std::ops::Range<usize>, &str)> = module
        .comments
        .iter()
        .map(|c| (c.span.clone(), c.text.as_str()))
        .collect();
    assert_eq!(
        comments,
        [
            (offset_of(src, "// line"), " line"),
            (offset_of(src, "/* block\r\n spans */"), " block\r\n spans "),
            (
                offset_of(src, "// idemlint-ignore: retry-any-error -- ok"),
                " idemlint-ignore: retry-any-error -- ok"
            ),
        ]
    );
}

#[test]
fn retry_loop_snippet_keeps_loop_select_and_sleep() {
    let src = r#"delay := base
for attempt := 0; attempt < maxAttempts; attempt++ {
	err = call(ctx)
	if err == nil {
		break
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(delay):
	}
	delay *= 2
}
"#;
    let module = classified(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module), @r"
    script <snippet>()
      delay = base
      while (Lt attempt maxAttempts)
        init:
          attempt = 0
        err = (call call ctx)
        branch
          if (Eq err nil)
            break
        branch
          if (Recv (call ctx.Done))
            return (call ctx.Err)
          if (Recv (call [sleep] time.After delay))
        delay Mul= 2
        post:
          attempt Add= 1
    ");
}

#[test]
fn sprintf_quotes_a_folded_argument_for_percent_q() {
    let src = "func f() { db.Exec(fmt.Sprintf(\"SELECT %q\", \"a\"), 1) }";
    let module = go::lower(src);
    let lit = string_with(&module, "SELECT");
    assert_eq!(lit.value, "SELECT \"a\"");
    let arg = offset_of(src, "\"a\"");
    assert_eq!(span_of(lit, "\"a\""), arg.start..arg.end);
}

#[test]
fn every_prefix_of_a_file_lowers_without_panicking() {
    let src = r#"package p

const q = "INSERT INTO t (k) VALUES ($1) " + `ON CONFLICT DO NOTHING`

func (s *S) F(ctx context.Context) (err error) {
	defer func() { _ = recover() }()
	msg := fmt.Sprintf("%s é \x41 %[1]*d %", q, 3)
	switch v := x.(type) {
	case int:
		for i, r := range "héllo" { use(i, r, v, msg, '\u00e9') }
	}
	select { case <-time.After(time.Duration(1<<n) * time.Second): }
	return s.db.QueryRowContext(ctx, q, 1).Scan(&err)
}
"#;
    for end in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
        let mut module = classified(&src[..end]);
        dump::module(&module);
        module.units.clear();
    }
}

#[test]
fn new_of_an_expression_reads_as_a_call_and_new_of_a_type_as_before() {
    // Go 1.26: `new` takes an expression too; tree-sitter-go 0.25 reads only a type there.
    let src = "package p\n\nfunc save(ctx context.Context, db *sql.DB) error {\n\tseen := new(time.Now().UTC())\n\tlimit := new(25 * time.Second)\n\tcount := new(0)\n\tbuf := new([]byte)\n\tjob := &Job{At: new(clock.Next(ctx)), Name: new(\"nightly\")}\n\t_, err := db.ExecContext(ctx, `UPDATE jobs SET seen = $1`, seen)\n\treturn err\n}\n";
    let module = classified(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn save(ctx, db)
      seen = (call new (call (call time.Now).UTC))
      limit = (call new (Mul 25 time.Second))
      count = (call new 0)
      buf = (call new []byte)
      job = (Ref Job{At: (call new (call clock.Next ctx)), Name: (call new "nightly")})
      _, err = (call [query:affected] db.ExecContext ctx "UPDATE jobs SET seen = $1" seen)
      return err
    "#);
}

#[test]
fn imports_are_bound_to_the_names_the_code_uses() {
    let module = go::lower(
        "package p\n\nimport (\n\t\"context\"\n\tretry \"github.com/avast/retry-go/v4\"\n\t\"github.com/hashicorp/go-retryablehttp\"\n\t\"github.com/sethvargo/go-retry\"\n\t_ \"github.com/lib/pq\"\n\t. \"fmt\"\n)\n\nimport \"k8s.io/apimachinery/pkg/util/wait\"\n",
    );
    assert_eq!(
        imports(&module),
        [
            ("context", "context"),
            ("retry", "github.com/avast/retry-go/v4"),
            ("retryablehttp", "github.com/hashicorp/go-retryablehttp"),
            ("retry", "github.com/sethvargo/go-retry"),
            ("wait", "k8s.io/apimachinery/pkg/util/wait"),
        ]
    );
}
