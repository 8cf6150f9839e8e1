//! The facts `sql::facts` reads from SQL text, written out in full: kind, keyword, table,
//! columns, conflict action and the exact text its span covers, WHERE equalities, SET list,
//! RETURNING, CTEs, reads, locks.

use std::fmt::Write;

use idemlint::sql::{self, ConflictAction, Statement, StatementKind, Value};

/// One statement's facts, one per line, with the text each span covers in backquotes.
fn render(text: &str, st: &Statement, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let at = |span: &std::ops::Range<usize>| &text[span.clone()];
    let _ = writeln!(
        out,
        "{pad}{:?} `{}` keyword `{}` table {}",
        st.kind,
        at(&st.span),
        at(&st.keyword_span),
        st.table.as_deref().unwrap_or("-")
    );
    if st.end != st.span.end {
        let _ = writeln!(out, "{pad}  end {}", st.end);
    }
    if !st.insert_columns.is_empty() {
        let _ = writeln!(out, "{pad}  insert {}", st.insert_columns.join(", "));
    }
    if let Some(c) = &st.on_conflict {
        let _ = writeln!(
            out,
            "{pad}  conflict {:?} ({}){} `{}`",
            c.action,
            c.columns.join(", "),
            c.constraint
                .as_ref()
                .map(|n| format!(" constraint {n}"))
                .unwrap_or_default(),
            at(&c.span)
        );
    }
    if let Some(r) = &st.returning {
        let _ = writeln!(out, "{pad}  returning {}", r.join(", "));
    }
    if !st.select_columns.is_empty() {
        let _ = writeln!(out, "{pad}  select {}", st.select_columns.join(", "));
    }
    for (label, list) in [
        ("where", &st.where_equals),
        ("where any of", &st.where_any_of),
        ("set", &st.set_columns),
    ] {
        for cv in list {
            let _ = writeln!(
                out,
                "{pad}  {label} {} = {:?} `{}`",
                cv.column,
                cv.value,
                at(&cv.span)
            );
        }
    }
    if !st.reads_from.is_empty() {
        let _ = writeln!(out, "{pad}  reads {}", st.reads_from.join(", "));
    }
    for (flag, on) in [
        ("locking_read", st.locking_read),
        ("serializable", st.serializable),
        ("advisory_lock", st.advisory_lock),
    ] {
        if on {
            let _ = writeln!(out, "{pad}  {flag}");
        }
    }
    for (name, cte) in &st.ctes {
        let _ = writeln!(out, "{pad}  cte {name}:");
        render(text, cte, depth + 2, out);
    }
}

fn facts(text: &str) -> String {
    let mut out = String::new();
    for st in sql::facts(text) {
        render(text, &st, 0, &mut out);
    }
    out
}

#[track_caller]
fn check(text: &str, expected: &str) {
    let actual = facts(text);
    let expected = expected
        .split('\n')
        .map(|l| l.strip_prefix("        ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(actual.trim_end(), expected.trim(), "facts of:\n{text}");
}

fn seed(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/fixtures/seed/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("seed fixture")
}

#[test]
fn seed_inbox() {
    check(
        &seed("inbox.sql"),
        "
        Begin `BEGIN` keyword `BEGIN` table -
        Insert `INSERT INTO processed_events (event_id) VALUES ($1)
          ON CONFLICT (event_id) DO NOTHING` keyword `INSERT` table processed_events
          insert event_id
          conflict DoNothing (event_id) `ON CONFLICT (event_id) DO NOTHING`
        Update `UPDATE inventory SET reserved = reserved + $qty WHERE sku = $sku` keyword `UPDATE` table inventory
          where sku = Param(\"$sku\") `sku = $sku`
          set reserved = Expr `reserved = reserved + $qty`
        Commit `COMMIT` keyword `COMMIT` table -
        ",
    );
}

#[test]
fn seed_inbox_fixed_gates_the_update_on_the_cte() {
    check(
        &seed("inbox_fixed.sql"),
        "
        Begin `BEGIN` keyword `BEGIN` table -
        Update `WITH fresh AS (
          INSERT INTO processed_events (event_id) VALUES ($1)
          ON CONFLICT (event_id) DO NOTHING
          RETURNING event_id
        )
        UPDATE inventory SET reserved = reserved + $2
        WHERE sku = $3 AND EXISTS (SELECT 1 FROM fresh)` keyword `UPDATE` table inventory
          where sku = Param(\"$3\") `sku = $3`
          set reserved = Expr `reserved = reserved + $2`
          reads fresh
          cte fresh:
            Insert `INSERT INTO processed_events (event_id) VALUES ($1)
          ON CONFLICT (event_id) DO NOTHING
          RETURNING event_id` keyword `INSERT` table processed_events
              insert event_id
              conflict DoNothing (event_id) `ON CONFLICT (event_id) DO NOTHING`
              returning event_id
        Commit `COMMIT` keyword `COMMIT` table -
        ",
    );
}

#[test]
fn seed_transition() {
    check(
        &seed("transition.sql"),
        "
        Begin `BEGIN` keyword `BEGIN` table -
        Select `SELECT status FROM idempotency_keys WHERE key = $1` keyword `SELECT` table idempotency_keys
          select status
          where key = Param(\"$1\") `key = $1`
          reads idempotency_keys
        Update `UPDATE idempotency_keys SET status = 'completed', response_body = $2 WHERE key = $1` keyword `UPDATE` table idempotency_keys
          where key = Param(\"$1\") `key = $1`
          set status = Text(\"completed\") `status = 'completed'`
          set response_body = Param(\"$2\") `response_body = $2`
        Commit `COMMIT` keyword `COMMIT` table -
        ",
    );
}

#[test]
fn seed_charge_queries() {
    check(
        "SELECT response_body, status FROM idempotency_keys WHERE key = $1",
        "
        Select `SELECT response_body, status FROM idempotency_keys WHERE key = $1` keyword `SELECT` table idempotency_keys
          select response_body, status
          where key = Param(\"$1\") `key = $1`
          reads idempotency_keys
        ",
    );
    check(
        "INSERT INTO idempotency_keys (key, fingerprint, status) VALUES ($1, $2, 'in_progress')",
        "
        Insert `INSERT INTO idempotency_keys (key, fingerprint, status) VALUES ($1, $2, 'in_progress')` keyword `INSERT` table idempotency_keys
          insert key, fingerprint, status
        ",
    );
    check(
        "INSERT INTO idempotency_keys (key, fingerprint, status)
\t\t VALUES ($1, $2, 'in_progress')
\t\t ON CONFLICT (key) DO NOTHING
\t\t RETURNING key",
        "
        Insert `INSERT INTO idempotency_keys (key, fingerprint, status)
        \t\t VALUES ($1, $2, 'in_progress')
        \t\t ON CONFLICT (key) DO NOTHING
        \t\t RETURNING key` keyword `INSERT` table idempotency_keys
          insert key, fingerprint, status
          conflict DoNothing (key) `ON CONFLICT (key) DO NOTHING`
          returning key
        ",
    );
}

#[test]
fn postgres_upserts() {
    check(
        "INSERT INTO jobs (id, payload) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        "
        Insert `INSERT INTO jobs (id, payload) VALUES ($1, $2) ON CONFLICT DO NOTHING` keyword `INSERT` table jobs
          insert id, payload
          conflict DoNothing () `ON CONFLICT DO NOTHING`
        ",
    );
    check(
        "insert into Billing.Charges (request_id) values ($1)\n  on conflict on constraint charges_request_id_key do nothing\n  returning id",
        "
        Insert `insert into Billing.Charges (request_id) values ($1)
          on conflict on constraint charges_request_id_key do nothing
          returning id` keyword `insert` table charges
          insert request_id
          conflict DoNothing () constraint charges_request_id_key `on conflict on constraint charges_request_id_key do nothing`
          returning id
        ",
    );
    check(
        "INSERT INTO counters AS c (key, n) VALUES ($1, 1) ON CONFLICT (key) WHERE active DO UPDATE SET n = c.n + 1 WHERE c.key <> '' RETURNING c.n, now() AS at",
        "
        Insert `INSERT INTO counters AS c (key, n) VALUES ($1, 1) ON CONFLICT (key) WHERE active DO UPDATE SET n = c.n + 1 WHERE c.key <> '' RETURNING c.n, now() AS at` keyword `INSERT` table counters
          insert key, n
          conflict DoUpdate (key) `ON CONFLICT (key) WHERE active DO UPDATE SET n = c.n + 1 WHERE c.key <> ''`
          returning n, at
        ",
    );
}

#[test]
fn mysql_duplicates_dropped_or_updated() {
    check(
        "INSERT IGNORE INTO deliveries (delivery_id) VALUES (?)",
        "
        Insert `INSERT IGNORE INTO deliveries (delivery_id) VALUES (?)` keyword `INSERT` table deliveries
          insert delivery_id
          conflict DoNothing () `IGNORE`
        ",
    );
    check(
        "INSERT INTO deliveries (delivery_id) VALUES (?) ON DUPLICATE KEY UPDATE delivery_id = delivery_id",
        "
        Insert `INSERT INTO deliveries (delivery_id) VALUES (?) ON DUPLICATE KEY UPDATE delivery_id = delivery_id` keyword `INSERT` table deliveries
          insert delivery_id
          conflict DoNothing () `ON DUPLICATE KEY UPDATE delivery_id = delivery_id`
        ",
    );
    check(
        "INSERT INTO deliveries (delivery_id, seen) VALUES (?, ?) ON DUPLICATE KEY UPDATE seen = VALUES(seen)",
        "
        Insert `INSERT INTO deliveries (delivery_id, seen) VALUES (?, ?) ON DUPLICATE KEY UPDATE seen = VALUES(seen)` keyword `INSERT` table deliveries
          insert delivery_id, seen
          conflict DoUpdate () `ON DUPLICATE KEY UPDATE seen = VALUES(seen)`
        ",
    );
    check(
        "REPLACE INTO sessions (id, data) VALUES (?, ?)",
        "
        Insert `REPLACE INTO sessions (id, data) VALUES (?, ?)` keyword `REPLACE` table sessions
          insert id, data
          conflict DoUpdate () `REPLACE`
        ",
    );
}

#[test]
fn sqlite_or_ignore_and_or_replace() {
    check(
        "INSERT OR IGNORE INTO inbox (message_id) VALUES (?1)",
        "
        Insert `INSERT OR IGNORE INTO inbox (message_id) VALUES (?1)` keyword `INSERT` table inbox
          insert message_id
          conflict DoNothing () `OR IGNORE`
        ",
    );
    check(
        "INSERT OR REPLACE INTO inbox (message_id, body) VALUES (:id, :body)",
        "
        Insert `INSERT OR REPLACE INTO inbox (message_id, body) VALUES (:id, :body)` keyword `INSERT` table inbox
          insert message_id, body
          conflict DoUpdate () `OR REPLACE`
        ",
    );
}

#[test]
fn locking_reads_and_joins() {
    check(
        "SELECT j.id, j.status AS s, count(*) FROM jobs j JOIN workers w ON w.id = j.worker_id \
         WHERE j.key = $1 AND j.status = 'pending' FOR UPDATE SKIP LOCKED",
        "
        Select `SELECT j.id, j.status AS s, count(*) FROM jobs j JOIN workers w ON w.id = j.worker_id WHERE j.key = $1 AND j.status = 'pending' FOR UPDATE SKIP LOCKED` keyword `SELECT` table jobs
          select id, status, count(*)
          where key = Param(\"$1\") `j.key = $1`
          where status = Text(\"pending\") `j.status = 'pending'`
          reads jobs, workers
          locking_read
        ",
    );
    check(
        "SELECT * FROM accounts WHERE id = ? LOCK IN SHARE MODE",
        "
        Select `SELECT * FROM accounts WHERE id = ? LOCK IN SHARE MODE` keyword `SELECT` table accounts
          select *
          where id = Param(\"?\") `id = ?`
          reads accounts
          locking_read
        ",
    );
}

#[test]
fn only_top_level_anded_equalities_are_guards() {
    check(
        "SELECT * FROM t WHERE a = $1 OR b = $2",
        "
        Select `SELECT * FROM t WHERE a = $1 OR b = $2` keyword `SELECT` table t
          select *
          where any of a = Param(\"$1\") `a = $1`
          where any of b = Param(\"$2\") `b = $2`
          reads t
        ",
    );
    check(
        "SELECT * FROM t WHERE NOT (a = $1)",
        "
        Select `SELECT * FROM t WHERE NOT (a = $1)` keyword `SELECT` table t
          select *
          reads t
        ",
    );
    check(
        "SELECT * FROM t WHERE (k = $1 AND (v = 2)) AND (x = 1 OR y = 2) AND NOT deleted \
         AND n BETWEEN 1 AND 5 AND id IN ($3) AND $4 = tenant AND z = $5::uuid AND w = -5",
        "
        Select `SELECT * FROM t WHERE (k = $1 AND (v = 2)) AND (x = 1 OR y = 2) AND NOT deleted AND n BETWEEN 1 AND 5 AND id IN ($3) AND $4 = tenant AND z = $5::uuid AND w = -5` keyword `SELECT` table t
          select *
          where k = Param(\"$1\") `k = $1`
          where v = Number(\"2\") `v = 2`
          where id = Param(\"$3\") `id IN ($3)`
          where tenant = Param(\"$4\") `$4 = tenant`
          where z = Param(\"$5\") `z = $5::uuid`
          where w = Number(\"-5\") `w = -5`
          reads t
        ",
    );
}

#[test]
fn placeholders_of_every_style_are_params() {
    check(
        "UPDATE stock SET qty = qty - $qty, note = :note WHERE sku = $sku AND shop = @shop \
         AND region = ? AND owner = arg2 AND kind = other_column",
        "
        Update `UPDATE stock SET qty = qty - $qty, note = :note WHERE sku = $sku AND shop = @shop AND region = ? AND owner = arg2 AND kind = other_column` keyword `UPDATE` table stock
          where sku = Param(\"$sku\") `sku = $sku`
          where shop = Param(\"@shop\") `shop = @shop`
          where region = Param(\"?\") `region = ?`
          where owner = Param(\"arg2\") `owner = arg2`
          where kind = Expr `kind = other_column`
          set qty = Expr `qty = qty - $qty`
          set note = Param(\":note\") `note = :note`
        ",
    );
}

#[test]
fn select_exists_reads_through_to_the_subquery() {
    check(
        "SELECT EXISTS (SELECT 1 FROM processed WHERE id = $1)",
        "
        Select `SELECT EXISTS (SELECT 1 FROM processed WHERE id = $1)` keyword `SELECT` table processed
          select exists
          where id = Param(\"$1\") `id = $1`
          reads processed
        ",
    );
    check(
        "SELECT NOT EXISTS(SELECT 1 FROM processed WHERE id = $1 FOR UPDATE) AS fresh",
        "
        Select `SELECT NOT EXISTS(SELECT 1 FROM processed WHERE id = $1 FOR UPDATE) AS fresh` keyword `SELECT` table processed
          select not exists
          where id = Param(\"$1\") `id = $1`
          reads processed
          locking_read
        ",
    );
}

#[test]
fn reads_come_from_from_join_using_and_subqueries_only() {
    check(
        "SELECT extract(epoch FROM created_at), substring(name FROM 2) FROM a, public.b AS bb, c \
         WHERE x IS DISTINCT FROM y AND z IN (SELECT z FROM d) AND EXISTS (SELECT 1 FROM e)",
        "
        Select `SELECT extract(epoch FROM created_at), substring(name FROM 2) FROM a, public.b AS bb, c WHERE x IS DISTINCT FROM y AND z IN (SELECT z FROM d) AND EXISTS (SELECT 1 FROM e)` keyword `SELECT` table a
          select extract(epoch from created_at), substring(name from 2)
          reads a, b, c, d, e
        ",
    );
    check(
        "DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND s.token = $1 RETURNING s.id",
        "
        Delete `DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND s.token = $1 RETURNING s.id` keyword `DELETE` table sessions
          returning id
          where user_id = Expr `s.user_id = u.id`
          where token = Param(\"$1\") `s.token = $1`
          reads users
        ",
    );
    check(
        "UPDATE orders o SET paid = true FROM payments p WHERE p.order_id = o.id",
        "
        Update `UPDATE orders o SET paid = true FROM payments p WHERE p.order_id = o.id` keyword `UPDATE` table orders
          where order_id = Expr `p.order_id = o.id`
          set paid = Expr `paid = true`
          reads payments
        ",
    );
}

#[test]
fn ctes_are_read_as_statements_of_their_own() {
    check(
        "WITH claimed AS MATERIALIZED (DELETE FROM queue WHERE id = $1 RETURNING id), \
         seen (k) AS (SELECT key FROM keys) \
         INSERT INTO done (id) SELECT id FROM claimed WHERE id = $1 ON CONFLICT DO NOTHING",
        "
        Insert `WITH claimed AS MATERIALIZED (DELETE FROM queue WHERE id = $1 RETURNING id), seen (k) AS (SELECT key FROM keys) INSERT INTO done (id) SELECT id FROM claimed WHERE id = $1 ON CONFLICT DO NOTHING` keyword `INSERT` table done
          insert id
          conflict DoNothing () `ON CONFLICT DO NOTHING`
          where id = Param(\"$1\") `id = $1`
          reads claimed
          cte claimed:
            Delete `DELETE FROM queue WHERE id = $1 RETURNING id` keyword `DELETE` table queue
              returning id
              where id = Param(\"$1\") `id = $1`
          cte seen:
            Select `SELECT key FROM keys` keyword `SELECT` table keys
              select key
              reads keys
        ",
    );
}

#[test]
fn transactions_isolation_and_advisory_locks() {
    check(
        "BEGIN ISOLATION LEVEL SERIALIZABLE",
        "
        Begin `BEGIN ISOLATION LEVEL SERIALIZABLE` keyword `BEGIN` table -
          serializable
        ",
    );
    check(
        "START TRANSACTION; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; \
         SET SESSION default_transaction_isolation = 'serializable'; SET search_path = app; \
         SELECT pg_advisory_xact_lock(hashtext($1)); SELECT GET_LOCK('k', 10); \
         SELECT pg_advisory_unlock(1); SAVEPOINT s; ROLLBACK TO SAVEPOINT s; ROLLBACK; END",
        "
        Begin `START TRANSACTION` keyword `START` table -
        Set `SET TRANSACTION ISOLATION LEVEL SERIALIZABLE` keyword `SET` table -
          serializable
        Set `SET SESSION default_transaction_isolation = 'serializable'` keyword `SET` table -
          serializable
        Set `SET search_path = app` keyword `SET` table -
        Select `SELECT pg_advisory_xact_lock(hashtext($1))` keyword `SELECT` table -
          select pg_advisory_xact_lock(hashtext($1))
          advisory_lock
        Select `SELECT GET_LOCK('k', 10)` keyword `SELECT` table -
          select get_lock('k', 10)
          advisory_lock
        Select `SELECT pg_advisory_unlock(1)` keyword `SELECT` table -
          select pg_advisory_unlock(1)
        Other `SAVEPOINT s` keyword `SAVEPOINT` table -
        Other `ROLLBACK TO SAVEPOINT s` keyword `ROLLBACK` table -
        Rollback `ROLLBACK` keyword `ROLLBACK` table -
        Commit `END` keyword `END` table -
        ",
    );
}

#[test]
fn rejected_statements_are_read_from_their_tokens() {
    let text = "INSERT INTO events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING RETURNING id INTO v_id;\n\
                UPDATE wallets SET balance = balance + WHERE owner = $2 AND currency = 'EUR';\n\
                SELECT status FROM keys WHERE key = $1 AND status IN;";
    check(
        text,
        "
        Insert `INSERT INTO events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING RETURNING id INTO v_id` keyword `INSERT` table events
          insert event_id
          conflict DoNothing (event_id) `ON CONFLICT (event_id) DO NOTHING`
          returning id
        Update `UPDATE wallets SET balance = balance + WHERE owner = $2 AND currency = 'EUR'` keyword `UPDATE` table wallets
          where owner = Param(\"$2\") `owner = $2`
          where currency = Text(\"EUR\") `currency = 'EUR'`
          set balance = Expr `balance = balance +`
        Select `SELECT status FROM keys WHERE key = $1 AND status IN` keyword `SELECT` table keys
          select status
          where key = Param(\"$1\") `key = $1`
          reads keys
        ",
    );
    let rejected: Vec<&str> = sql::script(text)
        .rejected
        .iter()
        .map(|r| &text[r.span.clone()])
        .collect();
    assert_eq!(
        rejected,
        [
            "INSERT INTO events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING RETURNING id INTO v_id",
            "UPDATE wallets SET balance = balance + WHERE owner = $2 AND currency = 'EUR'",
            "SELECT status FROM keys WHERE key = $1 AND status IN",
        ]
    );
}

#[test]
fn plpgsql_bodies_yield_their_statements() {
    let text = "CREATE OR REPLACE FUNCTION app.claim(p_key text, IN p_amount int) RETURNS void AS $body$
DECLARE
  v_status text; -- the current status
BEGIN
  IF NOT EXISTS (SELECT 1 FROM payments WHERE key = p_key) THEN
    INSERT INTO payments (key, amount) VALUES (p_key, p_amount);
  END IF;
  SELECT status INTO v_status FROM payments WHERE key = p_key FOR UPDATE;
  UPDATE payments SET status = CASE WHEN v_status = 'new' THEN 'claimed' ELSE status END WHERE key = p_key;
END;
$body$ LANGUAGE plpgsql;
DO $$ BEGIN PERFORM pg_advisory_xact_lock(42); END $$;
CREATE FUNCTION py() RETURNS int LANGUAGE plpython3u AS $$ return 1 $$;";
    check(
        text,
        "
        Other `CREATE OR REPLACE FUNCTION app.claim(p_key text, IN p_amount int) RETURNS void AS $body$
        DECLARE
          v_status text; -- the current status
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM payments WHERE key = p_key) THEN
            INSERT INTO payments (key, amount) VALUES (p_key, p_amount);
          END IF;
          SELECT status INTO v_status FROM payments WHERE key = p_key FOR UPDATE;
          UPDATE payments SET status = CASE WHEN v_status = 'new' THEN 'claimed' ELSE status END WHERE key = p_key;
        END;
        $body$ LANGUAGE plpgsql` keyword `CREATE` table -
        Select `SELECT 1 FROM payments WHERE key = p_key` keyword `SELECT` table payments
          select 1
          where key = Param(\"p_key\") `key = p_key`
          reads payments
        Insert `INSERT INTO payments (key, amount) VALUES (p_key, p_amount)` keyword `INSERT` table payments
          insert key, amount
        Select `SELECT status INTO v_status FROM payments WHERE key = p_key FOR UPDATE` keyword `SELECT` table payments
          select status
          where key = Param(\"p_key\") `key = p_key`
          reads payments
          locking_read
        Update `UPDATE payments SET status = CASE WHEN v_status = 'new' THEN 'claimed' ELSE status END WHERE key = p_key` keyword `UPDATE` table payments
          where key = Param(\"p_key\") `key = p_key`
          set status = Expr `status = CASE WHEN v_status = 'new' THEN 'claimed' ELSE status END`
        Other `DO $$ BEGIN PERFORM pg_advisory_xact_lock(42); END $$` keyword `DO` table -
        Select `PERFORM pg_advisory_xact_lock(42)` keyword `PERFORM` table -
          advisory_lock
        Other `CREATE FUNCTION py() RETURNS int LANGUAGE plpython3u AS $$ return 1 $$` keyword `CREATE` table -
        ",
    );
    let script = sql::script(text);
    let routine = script.items[0].routine.as_ref().expect("routine");
    assert_eq!(routine.name.as_deref(), Some("claim"));
    assert_eq!(routine.params, ["p_key", "p_amount"]);
    assert_eq!(
        script.items[1].routine.as_ref().map(|r| r.name.clone()),
        Some(None)
    );
    assert!(script.items[2].routine.is_none());
    let comments: Vec<(&str, &str)> = script
        .comments
        .iter()
        .map(|c| (&text[c.span.clone()], c.text.as_str()))
        .collect();
    assert_eq!(comments, [("-- the current status", " the current status")]);
}

/// MySQL's backticks choose its tokenizer, which has no dollar quotes: only when they quote
/// something in the code, not in a comment or a string.
#[test]
fn backticks_in_comments_and_strings_leave_dollar_quoted_bodies_readable() {
    let text = "-- see `processed_events`
SELECT '`not an identifier`' AS note;
CREATE FUNCTION claim(p_id bigint) RETURNS void AS $$
BEGIN
  INSERT INTO processed_events (event_id) VALUES (p_id) ON CONFLICT DO NOTHING;
END;
$$ LANGUAGE plpgsql;";
    let script = sql::script(text);
    assert!(script.rejected.is_empty(), "{:?}", script.rejected);
    let routine = script.items[1].routine.as_ref().expect("routine");
    let body: Vec<&str> = routine
        .statements
        .iter()
        .map(|s| &text[s.span.clone()])
        .collect();
    assert_eq!(
        body,
        ["INSERT INTO processed_events (event_id) VALUES (p_id) ON CONFLICT DO NOTHING"]
    );
    let mysql = sql::script("INSERT INTO `events` (`id`) VALUES (1);");
    assert_eq!(mysql.items[0].statement.table.as_deref(), Some("events"));
}

/// A routine whose body holds statements that cannot be found is noted, never passed over
/// in silence; a SQL-standard `RETURN expression` body holds none, and a trigger that
/// executes a function (`… AS new_table … EXECUTE FUNCTION f()`) defines no routine.
#[test]
fn a_routine_body_that_cannot_be_read_is_noted() {
    let text = "CREATE FUNCTION f() RETURNS void AS 'BEGIN DELETE FROM t; END;' LANGUAGE plpgsql;
CREATE FUNCTION g() RETURNS int LANGUAGE sql RETURN 1;
CREATE TRIGGER after_insert AFTER INSERT ON slots REFERENCING NEW TABLE AS new_table
FOR EACH STATEMENT EXECUTE FUNCTION after_insert_function();
CREATE TRIGGER t2 AFTER UPDATE ON posts FOR EACH ROW EXECUTE PROCEDURE post_updated();";
    let script = sql::script(text);
    let rejected: Vec<(&str, &str)> = script
        .rejected
        .iter()
        .map(|r| (&text[r.span.clone()], r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [(
            "CREATE FUNCTION f() RETURNS void AS 'BEGIN DELETE FROM t; END;' LANGUAGE plpgsql",
            "the body of this routine could not be read (its body is not dollar-quoted or \
             BEGIN ATOMIC): the statements in it are not checked"
        )]
    );
}

#[test]
fn begin_atomic_bodies_are_one_statement() {
    check(
        "CREATE FUNCTION f(k text) RETURNS void LANGUAGE sql BEGIN ATOMIC \
         INSERT INTO t (k) VALUES (k) ON CONFLICT DO NOTHING; SELECT CASE WHEN true THEN 1 END; END; \
         COMMIT",
        "
        Other `CREATE FUNCTION f(k text) RETURNS void LANGUAGE sql BEGIN ATOMIC INSERT INTO t (k) VALUES (k) ON CONFLICT DO NOTHING; SELECT CASE WHEN true THEN 1 END; END` keyword `CREATE` table -
        Insert `INSERT INTO t (k) VALUES (k) ON CONFLICT DO NOTHING` keyword `INSERT` table t
          insert k
          conflict DoNothing () `ON CONFLICT DO NOTHING`
        Select `SELECT CASE WHEN true THEN 1 END` keyword `SELECT` table -
          select case when true then 1 end
        Commit `COMMIT` keyword `COMMIT` table -
        ",
    );
}

#[test]
fn semicolons_in_strings_quotes_and_comments_do_not_split() {
    check(
        "SELECT 'a;b', \"c;d\", $$ e ; f $$, $q$ g ; h $q$ /* i ; j */ FROM t; -- k ; l\n\
         INSERT INTO notes (body) VALUES (E'it\\'s; fine')",
        "
        Select `SELECT 'a;b', \"c;d\", $$ e ; f $$, $q$ g ; h $q$ /* i ; j */ FROM t` keyword `SELECT` table t
          select 'a;b', c;d, $$ e ; f $$, $q$ g ; h $q$
          reads t
        Insert `INSERT INTO notes (body) VALUES (E'it\\'s; fine')` keyword `INSERT` table notes
          insert body
        ",
    );
    check(
        "INSERT INTO notes (body) VALUES ('it\\'s; fine') ON DUPLICATE KEY UPDATE body = body; # done",
        "
        Insert `INSERT INTO notes (body) VALUES ('it\\'s; fine') ON DUPLICATE KEY UPDATE body = body` keyword `INSERT` table notes
          insert body
          conflict DoNothing () `ON DUPLICATE KEY UPDATE body = body`
        ",
    );
}

#[test]
fn spans_are_bytes_with_multibyte_text_and_crlf() {
    check(
        "-- réservé\r\nSELECT 'é — ü' AS x, y FROM t\r\nWHERE a = $1 AND b = 'ö';\r\n",
        "
        Select `SELECT 'é — ü' AS x, y FROM t\r
        WHERE a = $1 AND b = 'ö'` keyword `SELECT` table t
          select x, y
          where a = Param(\"$1\") `a = $1`
          where b = Text(\"ö\") `b = 'ö'`
          reads t
        ",
    );
}

#[test]
fn empty_and_odd_inputs() {
    assert_eq!(sql::facts(""), []);
    assert_eq!(sql::facts("  ;; -- nothing\n/* at all */ ;"), []);
    check(
        "\0\u{1}SELECT \u{feff}1",
        "
        Other `\0\u{1}SELECT \u{feff}1` keyword `\0` table -
        ",
    );
}

#[test]
fn unterminated_input_is_noted_and_the_rest_still_read() {
    let text = "UPDATE a SET x = 1;\nSELECT * FROM b WHERE k = 'oops";
    check(
        text,
        "
        Update `UPDATE a SET x = 1` keyword `UPDATE` table a
          set x = Number(\"1\") `x = 1`
        Select `SELECT * FROM b WHERE k = 'oops` keyword `SELECT` table b
          end 45
          select *
          reads b
        ",
    );
    let script = sql::script(text);
    let rejected: Vec<(&str, &str)> = script
        .rejected
        .iter()
        .map(|r| (&text[r.span.clone()], r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [(
            "'oops",
            "the SQL tokenizer stopped here: Unterminated string literal"
        )]
    );
}

#[test]
fn deep_nesting_and_long_chains_do_not_crash() {
    let nested = format!(
        "SELECT {}1{} FROM t WHERE k = $1",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let facts = sql::facts(&nested);
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].kind, StatementKind::Select);
    assert_eq!(facts[0].table.as_deref(), Some("t"));
    assert_eq!(facts[0].where_equals.len(), 1);
    assert_eq!(
        facts[0].where_equals[0].value,
        Value::Param("$1".to_owned())
    );

    let unclosed = format!("INSERT INTO t (a) VALUES {}", "(".repeat(100_000));
    let facts = sql::facts(&unclosed);
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].insert_columns, ["a"]);

    let chain = format!(
        "DELETE FROM t WHERE {}",
        vec!["a = 1"; 50_000].join(" AND ")
    );
    let facts = sql::facts(&chain);
    assert_eq!(facts[0].kind, StatementKind::Delete);
    assert_eq!(facts[0].where_equals.len(), 50_000);
}

#[test]
fn the_conflict_helpers_see_the_action() {
    let facts = sql::facts(
        "INSERT INTO a (k) VALUES (1) ON CONFLICT DO NOTHING; \
         INSERT INTO a (k) VALUES (1) ON CONFLICT (k) DO UPDATE SET k = EXCLUDED.k",
    );
    assert!(facts[0].is_insert_do_nothing());
    assert!(facts[0].is_write());
    assert_eq!(
        facts[1].on_conflict.as_ref().map(|c| c.action),
        Some(ConflictAction::DoUpdate)
    );
    assert!(!facts[1].is_insert_do_nothing());
}

#[test]
fn lookups_by_any_of_several_keys() {
    check(
        "SELECT 1 FROM processed_events WHERE event_id = $1 OR idempotency_key = $2",
        "
        Select `SELECT 1 FROM processed_events WHERE event_id = $1 OR idempotency_key = $2` keyword `SELECT` table processed_events
          select 1
          where any of event_id = Param(\"$1\") `event_id = $1`
          where any of idempotency_key = Param(\"$2\") `idempotency_key = $2`
          reads processed_events
        ",
    );
    // A disjunct that is no equality makes it no lookup by keys.
    check(
        "SELECT 1 FROM processed_events WHERE event_id = $1 OR created_at < now()",
        "
        Select `SELECT 1 FROM processed_events WHERE event_id = $1 OR created_at < now()` keyword `SELECT` table processed_events
          select 1
          reads processed_events
        ",
    );
}
