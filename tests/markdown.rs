//! Markdown files: each fenced block in a language idemlint reads is checked as a snippet,
//! and every position points into the `.md` file itself.

use idemlint::check_file;
use idemlint::knowledge::Knowledge;
use idemlint::model::{FileKind, NoteWeight};
use idemlint::report::position::LineIndex;
use idemlint::rules;

/// `line:col rule` of each finding, then `line:col` of its labels and fix edits.
fn positions(source: &str) -> Vec<String> {
    let result = check_file(
        source,
        FileKind::Markdown,
        rules::ALL,
        &Knowledge::builtin(),
    );
    let index = LineIndex::new(source);
    let mut out = Vec::new();
    for f in &result.findings {
        out.push(format!(
            "{} {}",
            index.position(f.primary.span.start),
            f.rule
        ));
        for label in &f.secondary {
            out.push(format!("  label {}", index.position(label.span.start)));
        }
        for edit in f.fix.iter().flat_map(|fix| &fix.edits) {
            out.push(format!("  fix {}", index.position(edit.span.start)));
        }
    }
    for note in &result.notes {
        out.push(format!(
            "note {} {}",
            index.position(note.span.start),
            note.message
        ));
    }
    out
}

const RUNBOOK: &str = r#"# Replaying webhooks

Some prose with `inline code` and a block in no language:

```
INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING;
UPDATE inventory SET reserved = reserved + 1;
```

The handler, in Go:

```go bad
func handle(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING`, id)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE inventory SET reserved = reserved + 1`)
	return err
}
```

1. Then the same in TypeScript, inside a list:

   ```typescript
   await pool.query("INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING", [id]);
   await pool.query("UPDATE inventory SET reserved = reserved + 1");
   ```

> And in SQL, quoted:
>
> ~~~postgresql
> BEGIN;
> INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING;
> UPDATE inventory SET reserved = reserved + 1;
> COMMIT;
> ~~~

```python
db.execute("INSERT INTO processed_events (event_id) VALUES (%s) ON CONFLICT DO NOTHING")
```

2. A check before the insert, whose fix edits the insert:

   ```js
   async function handle(client, id) {
     const res = await client.query("SELECT 1 FROM processed_events WHERE event_id = $1", [id]);
     const row = res.rows[0];
     if (!row) {
       await client.query("INSERT INTO processed_events (event_id) VALUES ($1)", [id]);
       await applyEvent(id);
     }
   }
   ```
"#;

#[test]
fn findings_point_at_lines_and_columns_of_the_markdown_file() {
    assert_eq!(
        positions(RUNBOOK),
        [
            "14:85 unchecked-on-conflict",
            "  label 18:32",
            "26:74 unchecked-on-conflict",
            "  label 27:22",
            "34:55 unchecked-on-conflict",
            "  label 35:3",
            "50:28 check-then-insert",
            "  label 47:38",
            "  label 49:10",
            "  fix 50:79",
        ]
    );
}

#[test]
fn a_block_is_read_as_it_stands_in_the_file() {
    let source = "Intro\r\n\r\n```js\r\nconst q = 'SELECT 1';\r\nsleep(\r\n```\r\n";
    assert_eq!(
        positions(source),
        ["note 5:1 syntax error: unexpected `sleep(`"]
    );
}

#[test]
fn what_a_block_cannot_read_is_a_detail_not_a_warning() {
    let source = "```go\nfunc f() {\n\t...\n}\n```\n\n```sql\nSELECT * FROM :schema.jobs;\n```\n";
    let result = check_file(
        source,
        FileKind::Markdown,
        rules::ALL,
        &Knowledge::builtin(),
    );
    let weights: Vec<NoteWeight> = result.notes.iter().map(|note| note.weight).collect();
    assert_eq!(weights, [NoteWeight::Detail, NoteWeight::Detail]);
}

#[test]
fn an_unterminated_fence_runs_to_the_end_of_the_file() {
    let source = "```sql\nINSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING;\nUPDATE inventory SET reserved = 1;\n";
    assert_eq!(
        positions(source),
        ["2:53 unchecked-on-conflict", "  label 3:1"]
    );
}

#[test]
fn fences_in_other_languages_or_none_are_skipped() {
    let source = "```text\nINSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING;\nUPDATE inventory SET reserved = 1;\n```\n```md\n```sql\nUPDATE t SET x = 1;\n```\n";
    assert_eq!(positions(source), Vec::<String>::new());
}

#[test]
fn suppressions_inside_a_block_work_and_stale_ones_are_reported_in_the_file() {
    let source = "# Runbook\n\n```ts\nasync function f(pool, id) {\n  // idemlint-ignore: unchecked-on-conflict -- the UPDATE is idempotent\n  await pool.query(\"INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING\", [id]);\n  await pool.query(\"UPDATE inventory SET reserved = 1\");\n}\n```\n\n```sql\n-- idemlint-ignore: check-then-insert -- nothing to suppress here\nSELECT 1;\n```\n";
    assert_eq!(positions(source), ["12:21 unused-suppression"]);
}
