//! The SQL front-end: lowered shapes (insta snapshots of `dump::module`) and spans mapped back
//! into the file.

use idemlint::dump;
use idemlint::lang::sql;
use idemlint::model::{ExprKind, Module, NoteWeight, SqlText, StmtKind, UnitKind};
use idemlint::sql::StatementKind;

const INBOX: &str = include_str!("../fixtures/seed/inbox.sql");
const TRANSITION: &str = include_str!("../fixtures/seed/transition.sql");

/// The SQL of each statement of unit `unit`.
fn sql_of(module: &Module, unit: usize) -> Vec<&SqlText> {
    let mut queries: Vec<&SqlText> = Vec::new();
    for stmt in module.units[unit].body.all_stmts() {
        for e in stmt.exprs().into_iter().flat_map(|e| e.walk()) {
            if let ExprKind::Sql(q) = &e.kind
                && !queries.iter().any(|seen| std::ptr::eq(*seen, q))
            {
                queries.push(q);
            }
        }
    }
    queries
}

#[test]
fn inbox_lowers_to_one_script_of_four_statements() {
    insta::assert_snapshot!(dump::module(&sql::lower(INBOX)));
}

#[test]
fn transition_lowers_to_one_script_of_four_statements() {
    insta::assert_snapshot!(dump::module(&sql::lower(TRANSITION)));
}

#[test]
fn statement_facts_map_back_into_the_file() {
    let module = sql::lower(INBOX);
    assert_eq!(module.units.len(), 1);
    let script = &module.units[0];
    assert_eq!(script.kind, UnitKind::Script);
    assert_eq!(script.name, "<script>");
    assert_eq!(script.span, 0..INBOX.len());
    let sql = sql_of(&module, 0);
    let kinds: Vec<StatementKind> = sql.iter().map(|q| q.statements[0].kind).collect();
    assert_eq!(
        kinds,
        [
            StatementKind::Begin,
            StatementKind::Insert,
            StatementKind::Update,
            StatementKind::Commit
        ]
    );
    for (stmt, q) in script.body.stmts.iter().zip(&sql) {
        assert_eq!(INBOX[stmt.span.clone()], q.text.value);
        assert_eq!(q.text.file_span(0..q.text.value.len()), stmt.span);
        assert_eq!(q.statements[0].span, 0..q.text.value.len());
    }
    let insert = &sql[1];
    let conflict = insert.statements[0].on_conflict.as_ref().expect("conflict");
    assert_eq!(
        &INBOX[insert.text.file_span(conflict.span.clone())],
        "ON CONFLICT (event_id) DO NOTHING"
    );
    assert_eq!(
        &INBOX[insert
            .text
            .file_span(insert.statements[0].keyword_span.clone())],
        "INSERT"
    );
    let end = insert.statements[0].end;
    assert_eq!(
        insert.text.file_span(end..end).start,
        INBOX.find(";\n-- always").unwrap()
    );
    let update = &sql[2];
    let guard = &update.statements[0].where_equals[0];
    assert_eq!(
        &INBOX[update.text.file_span(guard.span.clone())],
        "sku = $sku"
    );
}

#[test]
fn comments_are_kept_without_their_delimiters() {
    let module = sql::lower(TRANSITION);
    let comments: Vec<(&str, &str)> = module
        .comments
        .iter()
        .map(|c| (&TRANSITION[c.span.clone()], c.text.as_str()))
        .collect();
    assert_eq!(comments.len(), 7);
    assert_eq!(
        comments[4],
        ("-- reads 'in_progress'", " reads 'in_progress'")
    );
    let module = sql::lower("/* block\n comment */ SELECT 1; # hash\n");
    let texts: Vec<&str> = module.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, [" block\n comment "]);
}

#[test]
fn functions_become_units_and_do_blocks_stay_in_the_script() {
    let source = "BEGIN;
CREATE FUNCTION record_event(p_id text) RETURNS void AS $$
BEGIN
  -- idemlint-ignore: check-then-insert -- serialized by the caller
  IF NOT EXISTS (SELECT 1 FROM events WHERE id = p_id) THEN
    INSERT INTO events (id) VALUES (p_id);
  END IF;
END $$ LANGUAGE plpgsql;
DO $$ BEGIN UPDATE stats SET n = n + 1; END $$;
COMMIT;
";
    let module = sql::lower(source);
    insta::assert_snapshot!(dump::module(&module), @r#"
    script <script>()
      (sql "BEGIN")
      (sql "CREATE FUNCTION record_event(p_id text) RETURNS void AS $$\nBEGIN\n  -- idemlint-ignore: check-then-insert -- serialized by the caller\n  IF NOT EXISTS (SELECT 1 FROM events WHERE id = p_id) THEN\n    INSERT INTO events (id) VALUES (p_id);\n  END IF;\nEND $$ LANGUAGE plpgsql")
      (sql "DO $$ BEGIN UPDATE stats SET n = n + 1; END $$")
      (sql "UPDATE stats SET n = n + 1")
      (sql "COMMIT")
    fn record_event(p_id)
      branch
        if (Not (other (sql "SELECT 1 FROM events WHERE id = p_id")))
          (sql "INSERT INTO events (id) VALUES (p_id)")
    "#);
    let function = &module.units[1];
    assert_eq!(function.kind, UnitKind::Function);
    assert_eq!(
        function.span,
        source.find("CREATE").unwrap()..source.find(";\nDO").unwrap()
    );
    let select = sql_of(&module, 1)[0];
    assert_eq!(
        &source[select
            .text
            .file_span(select.statements[0].where_equals[0].span.clone())],
        "id = p_id"
    );
    let comment = &module.comments[0];
    assert_eq!(
        comment.text,
        " idemlint-ignore: check-then-insert -- serialized by the caller"
    );
    assert_eq!(
        &source[comment.span.clone()],
        "-- idemlint-ignore: check-then-insert -- serialized by the caller"
    );
}

#[test]
fn statements_call_functions_and_routines_return_values() {
    let source = "CREATE FUNCTION Mark_Processed(p_id text) RETURNS boolean AS $$
BEGIN
  INSERT INTO processed_events (event_id) VALUES (p_id) ON CONFLICT DO NOTHING;
  RETURN FOUND;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION record_it(p text) RETURNS SETOF text LANGUAGE sql AS $$
  INSERT INTO processed_events (event_id) VALUES (p) ON CONFLICT DO NOTHING RETURNING event_id;
$$;
CREATE FUNCTION forget(p text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM processed_events WHERE event_id = p;
$$;
CREATE FUNCTION pending(p text) RETURNS SETOF text AS $$
BEGIN
  RETURN QUERY SELECT id FROM jobs WHERE owner = p;
END $$ LANGUAGE plpgsql;
SELECT mark_processed('e1');
PERFORM billing.mark_processed(v_id, 'x' || y);
INSERT INTO inbox (id, at) VALUES (next_id(1), now());
";
    let module = sql::lower(source);
    insta::assert_snapshot!(dump::module(&module), @r#"
    script <script>()
      (sql "CREATE FUNCTION Mark_Processed(p_id text) RETURNS boolean AS $$\nBEGIN\n  INSERT INTO processed_events (event_id) VALUES (p_id) ON CONFLICT DO NOTHING;\n  RETURN FOUND;\nEND $$ LANGUAGE plpgsql")
      (sql "CREATE FUNCTION record_it(p text) RETURNS SETOF text LANGUAGE sql AS $$\n  INSERT INTO processed_events (event_id) VALUES (p) ON CONFLICT DO NOTHING RETURNING event_id;\n$$")
      (sql "CREATE FUNCTION forget(p text) RETURNS void LANGUAGE sql AS $$\n  DELETE FROM processed_events WHERE event_id = p;\n$$")
      (sql "CREATE FUNCTION pending(p text) RETURNS SETOF text AS $$\nBEGIN\n  RETURN QUERY SELECT id FROM jobs WHERE owner = p;\nEND $$ LANGUAGE plpgsql")
      (other (sql "SELECT mark_processed('e1')") (call mark_processed "e1"))
      (other (sql "PERFORM billing.mark_processed(v_id, 'x' || y)") (call mark_processed v_id (other "x" y)))
      (other (sql "INSERT INTO inbox (id, at) VALUES (next_id(1), now())") (call next_id 1) (call now))
    fn mark_processed(p_id)
      (sql "INSERT INTO processed_events (event_id) VALUES (p_id) ON CONFLICT DO NOTHING")
      return found
    fn record_it(p)
      return (sql "INSERT INTO processed_events (event_id) VALUES (p) ON CONFLICT DO NOTHING RETURNING event_id")
    fn forget(p)
      (sql "DELETE FROM processed_events WHERE event_id = p")
    fn pending(p)
      return (sql "SELECT id FROM jobs WHERE owner = p")
    "#);
    let StmtKind::Expr(perform) = &module.units[0].body.stmts[5].kind else {
        panic!("a statement");
    };
    let ExprKind::Other(parts) = &perform.kind else {
        panic!("a statement with its calls");
    };
    assert_eq!(
        &source[parts[1].span.clone()],
        "billing.mark_processed(v_id, 'x' || y)"
    );
}

#[test]
fn unreadable_statements_are_noted_and_the_rest_lowered() {
    let source =
        "UPDATE a SET x = WHERE id = $1;\nINSERT INTO b (k) VALUES ($1) ON CONFLICT DO NOTHING;\n";
    let module = sql::lower(source);
    let notes: Vec<(&str, &str)> = module
        .diagnostics
        .iter()
        .map(|n| (&source[n.span.clone()], n.message.as_str()))
        .collect();
    assert_eq!(
        notes,
        [(
            "UPDATE a SET x = WHERE id = $1",
            "sqlparser could not read this statement: Expected: end of statement, found: id; its facts were read from its tokens"
        )]
    );
    // Nothing the rules need was lost: a detail for --verbose, not a warning.
    assert_eq!(module.diagnostics[0].weight, NoteWeight::Detail);
    let sql = sql_of(&module, 0);
    assert_eq!(sql.len(), 2);
    assert_eq!(sql[0].statements[0].table.as_deref(), Some("a"));
    assert!(sql[1].statements[0].is_insert_do_nothing());
}

#[test]
fn empty_files_lower_to_an_empty_script() {
    let module = sql::lower("");
    assert_eq!(dump::module(&module), "script <script>()\n");
    assert!(module.diagnostics.is_empty());
}

#[test]
fn a_statement_the_tokenizer_cannot_read_is_a_warning() {
    let module = sql::lower("UPDATE a SET x = 1;\nSELECT * FROM b WHERE k = 'oops\n");
    let notes: Vec<(&str, NoteWeight)> = module
        .diagnostics
        .iter()
        .map(|n| (n.message.as_str(), n.weight))
        .collect();
    assert_eq!(
        notes,
        [(
            "the SQL tokenizer stopped here: Unterminated string literal",
            NoteWeight::Warning
        )]
    );
}

#[test]
fn other_dialects_ddl_is_read_without_warnings() {
    // ClickHouse and MySQL schema files sit beside Postgres ones in real repositories; none
    // of their statements matter to a rule, and none may cost the user a warning.
    for source in [
        "CREATE TABLE IF NOT EXISTS events_raw (event_id String, time DateTime64(3))\n\
         ENGINE = MergeTree()\nORDER BY (event_id, time)\nPARTITION BY toYYYYMM(time)\n\
         TTL toDateTime(time) + INTERVAL 90 DAY\nSETTINGS index_granularity = 8192;\n\
         ALTER TABLE events_raw ADD INDEX idx_event_id event_id TYPE bloom_filter GRANULARITY 4;\n",
        "CREATE TABLE `processed_events` (\n  `id` bigint unsigned NOT NULL AUTO_INCREMENT,\n  \
         `event_id` varchar(64) NOT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uniq_event` \
         (`event_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
    ] {
        let module = sql::lower(source);
        let warnings: Vec<&str> = (module.diagnostics.iter())
            .filter(|n| n.weight == NoteWeight::Warning)
            .map(|n| n.message.as_str())
            .collect();
        assert_eq!(warnings, Vec::<&str>::new(), "{source}");
    }
}

#[test]
fn psql_meta_commands_end_statements_and_are_none() {
    let source = "\\set ON_ERROR_STOP on\nBEGIN;\nSELECT count(*) AS seen FROM t WHERE k = :'key' \\gset\n\\if :seen\n  \\echo 'seen'\n\\else\n  INSERT INTO t (k) VALUES (:'key');\n\\endif\nCOMMIT;\n";
    let module = sql::lower(source);
    let statements: Vec<&str> = sql_of(&module, 0)
        .iter()
        .map(|q| q.text.value.as_str())
        .collect();
    assert_eq!(
        statements,
        [
            "BEGIN",
            "SELECT count(*) AS seen FROM t WHERE k = :'key'",
            "INSERT INTO t (k) VALUES (:'key')",
            "COMMIT"
        ]
    );
    let select = &sql_of(&module, 0)[1].statements[0];
    assert_eq!(select.lookup_keys(), ["k"]);
}

/// A PL/pgSQL body's control flow is the unit's: blocks with handlers are `try`s, `IF` and
/// `CASE` branches, `EXIT … WHEN` a branch that breaks, `RAISE EXCEPTION` a throw (`RAISE
/// NOTICE` nothing), a declaration's value an assignment.
#[test]
fn plpgsql_control_flow_is_lowered() {
    let source = "CREATE FUNCTION settle(p_id uuid, p_kind text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  delay numeric := 0.1;
  n int;
BEGIN
  <<attempts>>
  WHILE delay < 5 LOOP
    BEGIN
      UPDATE jobs SET state = 'done' WHERE id = p_id;
      GET DIAGNOSTICS n = ROW_COUNT;
      EXIT attempts WHEN n > 0;
    EXCEPTION
      WHEN serialization_failure OR deadlock_detected THEN
        RAISE NOTICE 'retrying %', p_id;
        PERFORM pg_sleep(delay);
        delay := delay * 2;
        CONTINUE;
    END;
  END LOOP;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'job % not found', p_id;
  ELSIF p_kind = 'refund' THEN
    INSERT INTO refunds (job_id) VALUES (p_id);
  ELSE
    NULL;
  END IF;
  CASE p_kind
    WHEN 'a', 'b' THEN RETURN 1;
    ELSE RETURN 0;
  END CASE;
  FOR r IN SELECT id FROM jobs WHERE parent = p_id LOOP
    DELETE FROM jobs WHERE id = r.id;
  END LOOP;
END $$;
";
    let module = sql::lower(source);
    insta::assert_snapshot!(dump::module(&module));
}

/// A body whose constructs are cut short (an `IF` never closed, a stray `END`) still holds
/// every statement, in order.
#[test]
fn a_broken_plpgsql_body_keeps_every_statement() {
    let source = "DO $$
BEGIN
  IF x THEN
    INSERT INTO a (id) VALUES (1);
  END;
  END LOOP;
  UPDATE b SET n = 1;
  WHILE LOOP SELECT 1;
$$;
";
    let module = sql::lower(source);
    insta::assert_snapshot!(dump::module(&module));
}
