//! How the work of checking one file grows with the file: doubling a file must at most
//! about double the steps the analyses take (counted by `idemlint::work`, never timed).
//! Each input repeats one block, as generated SQL, migrations and seed files do.

use idemlint::knowledge::Knowledge;
use idemlint::model::Lang;
use idemlint::rules;
use idemlint::work;

/// Blocks in the smaller of the two files compared.
const BLOCKS: usize = 200;

/// What doubling a file may cost, in steps, against the smaller file: linear work with a
/// constant part stays under 2.
const MAX_GROWTH: f64 = 2.2;

/// The steps and findings of checking `block` repeated `times` times with every rule.
fn check(lang: Lang, block: &str, times: usize) -> (u64, usize) {
    let source = block.repeat(times);
    let knowledge = Knowledge::builtin();
    let (result, steps) =
        work::counted(|| idemlint::check_source(&source, lang, rules::ALL, &knowledge));
    (steps, result.findings.len())
}

/// Checks `block` repeated [`BLOCKS`] and twice as many times: the work at most about
/// doubles, and so do the findings (each block finds the same, `findings_per_block`).
fn assert_linear(lang: Lang, block: &str, findings_per_block: usize) {
    let (steps, findings) = check(lang, block, BLOCKS);
    let (doubled_steps, doubled_findings) = check(lang, block, 2 * BLOCKS);
    assert_eq!(findings, findings_per_block * BLOCKS, "{block}");
    assert_eq!(doubled_findings, 2 * findings, "{block}");
    let growth = doubled_steps as f64 / steps as f64;
    assert!(
        growth <= MAX_GROWTH,
        "doubling the file multiplied the steps by {growth:.2} ({steps} → {doubled_steps}):\n{block}"
    );
}

#[test]
fn unchecked_on_conflict_in_transactions() {
    assert_linear(
        Lang::Sql,
        "BEGIN;
INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING;
UPDATE accounts SET balance = balance + 1 WHERE id = $2;
COMMIT;
",
        1,
    );
}

#[test]
fn gated_claims_with_returning_find_nothing() {
    assert_linear(
        Lang::Sql,
        "WITH fresh AS (
  INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id
)
UPDATE accounts SET balance = balance + 1 WHERE id = $2 AND EXISTS (SELECT 1 FROM fresh);
",
        0,
    );
}

/// Seed data: no transaction ends, and every insert writes the table of the ones before.
#[test]
fn claims_with_no_transaction_end() {
    assert_linear(
        Lang::Sql,
        "INSERT INTO processed_events (event_id) VALUES (1) ON CONFLICT (event_id) DO NOTHING;\n",
        0,
    );
}

#[test]
fn check_then_insert_pairs() {
    assert_linear(
        Lang::Sql,
        "SELECT id FROM processed_events WHERE event_id = $1;\nINSERT INTO processed_events (event_id) VALUES ($1);\n",
        1,
    );
}

/// Lookups that no insert follows, then inserts that create other keys.
#[test]
fn lookups_with_no_insert_of_their_key() {
    assert_linear(
        Lang::Sql,
        "SELECT id FROM processed_events WHERE event_id = $1;
INSERT INTO processed_events (source) VALUES ($2);
INSERT INTO audit (event_id) VALUES ($1);
",
        0,
    );
}

#[test]
fn status_reads_then_completions() {
    assert_linear(
        Lang::Sql,
        "BEGIN;
SELECT status FROM idempotency_keys WHERE key = $1;
UPDATE idempotency_keys SET status = 'completed' WHERE key = $1;
COMMIT;
",
        1,
    );
}

/// Status reads that nothing completes: every read looks as far as the file goes.
#[test]
fn status_reads_with_nothing_after_them() {
    assert_linear(
        Lang::Sql,
        "SELECT status FROM idempotency_keys WHERE key = $1;\n",
        0,
    );
}

#[test]
fn functions_in_a_migration() {
    assert_linear(
        Lang::Sql,
        "CREATE FUNCTION handle(p_id bigint) RETURNS void AS $$
BEGIN
  INSERT INTO processed_events (event_id) VALUES (p_id) ON CONFLICT DO NOTHING;
  UPDATE accounts SET balance = balance + 1 WHERE id = p_id;
END;
$$ LANGUAGE plpgsql;
",
        1,
    );
}
