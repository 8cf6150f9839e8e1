//! The TypeScript/JavaScript front-end: lowered shapes (insta snapshots of `dump::module`)
//! and exact spans.

mod lowered;

use idemlint::dump;
use idemlint::lang::typescript;
use idemlint::model::{CallRole, ExprKind, Lang, Module, StmtKind, UnitKind};
use lowered::{exprs, imports, offset_of, span_of, string_with};

const RETRY: &str = include_str!("../fixtures/seed/retry.ts");

fn classified(source: &str) -> Module {
    lowered::classified(source, Lang::TypeScript)
}

#[test]
fn retry_seed_lowers_to_a_try_catch_loop() {
    let module = classified(RETRY);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn withRetry(fn)
      delay = 200
      while (Le attempt 6)
        init:
          attempt = 1
        try
          return (Await (call fn))
        catch err
          declare err
          branch
            if (Eq attempt 6)
              throw err
          (Await (call [sleep] sleep delay))
          delay = (call Math.min (Mul delay 2) 30_000)
        post:
          attempt Add= 1
      throw (call Error "unreachable")
    "#);
    let unit = &module.units[0];
    assert_eq!(unit.name, "withRetry");
    assert_eq!(unit.kind, UnitKind::Function);
    assert_eq!(
        unit.span,
        offset_of(RETRY, "async function").start..RETRY.trim_end().len()
    );
    let cap = exprs(&module)
        .into_iter()
        .find(|e| matches!(&e.kind, ExprKind::Number { text, .. } if text == "30_000"))
        .expect("the cap");
    assert_eq!(cap.span, offset_of(RETRY, "30_000"));
    assert!(matches!(
        cap.kind,
        ExprKind::Number { value: Some(v), .. } if v == 30000.0
    ));
}

#[test]
fn statements_lower_to_their_model_shapes() {
    let src = r#"
function shapes(a, { b, c = 1 }, ...rest) {
  let x, y = 2;
  const [first, , third] = list;
  const { rows: [row], rowCount } = res;
  i++;
  --j;
  d *= 2;
  d **= 2;
  cache ??= {};
  o.k = v;
  if (a) f(); else if (b) { g(); } else h();
  switch (status) {
    case "done":
    case "failed":
      finish();
      break;
    case "pending": {
      wait();
      break;
    }
    default:
      other();
  }
  outer: for (let n = 0; n < 3; n++) {
    for (;;) { break outer; }
    while (true) { continue outer; }
  }
  for (const [k, v] of Object.entries(m)) use(k, v);
  for (key in obj) {}
  do { step(); } while (more());
  try { risky(); } catch { recover(); } finally { cleanup(); }
  try { risky(); } catch ({ message }) { log(message); }
  const t = x ? y : z;
  const u = a ?? b, w = !a && -b < +c || typeof d === "string";
  const p = err instanceof AbortError;
  const o2 = { retries: 3, 'NX': true, [dyn]: 1, ...defaults, shorthand, run() { go(); } };
  const l = [1, 0x10, 1e3, 10n];
  const s = obj?.deep?.[key]?.(arg);
  const v2 = (value as number)!;
  throw new HttpError(404, `missing ${a}`);
}
"#;
    let module = typescript::lower(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module));
}

#[test]
fn units_are_functions_methods_and_named_function_values() {
    let src = r#"
import { Pool } from "pg";
export interface Job { id: string }
type Id = string;
const pool = new Pool();
export async function handle(req, res) {
  function local(x) { return x; }
  const inner = async () => { await local(1); };
  app.get("/", (q) => q.send());
}
export const fetchWithRetry = async <T,>(url: string): Promise<T> => { return get(url); };
const plain = function named() {};
export default async function (event) { return event; }
exports.handler = async (event) => event.id;
class Store {
  private client = makeClient();
  save = async (k: string) => { await this.client.set(k, 1); };
  async get(k: string) { return this.client.get(k); }
  static create() { return new Store(); }
}
namespace Billing { export function charge() {} }
start();
"#;
    let module = typescript::lower(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    let names: Vec<&str> = module.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            typescript::TOP_LEVEL_UNIT,
            "handle",
            "handle.local",
            "fetchWithRetry",
            "plain",
            "default",
            "exports.handler",
            "Store.save",
            "Store.get",
            "Store.create",
            "Billing.charge",
        ]
    );
    let handle = &module.units[1];
    assert_eq!(handle.params, ["req", "res"]);
    assert_eq!(
        handle.span,
        offset_of(src, "async function handle").start..offset_of(src, "q.send());\n}").end
    );
    insta::assert_snapshot!(dump::unit(&module.units[0]), @r"
    script <top-level>()
      pool = (call Pool)
      (call start)
    ");
    insta::assert_snapshot!(dump::unit(handle), @r#"
    fn handle(req, res)
      inner = (closure || {
      (Await (call local 1))
    })
      (call app.get "/" (closure |q| {
      return (call q.send)
    }))
    "#);
}

#[test]
fn template_literals_fold_with_placeholders_mapped_to_their_holes() {
    let src = "const TABLE = \"idempotency_keys\";\nasync function f(key, status) {\n  await pool.query(`UPDATE ${TABLE} SET status = '${status}'\r\n WHERE key = ${key}`);\n}\n";
    let module = classified(src);
    let lit = string_with(&module, "UPDATE");
    assert_eq!(
        lit.value,
        "UPDATE idempotency_keys SET status = 'arg2'\n WHERE key = arg3"
    );
    assert_eq!(span_of(lit, "UPDATE"), offset_of(src, "UPDATE"));
    assert_eq!(
        span_of(lit, "idempotency_keys"),
        offset_of(src, "idempotency_keys")
    );
    let status = offset_of(src, "status}").start;
    assert_eq!(span_of(lit, "arg2"), status..status + 1);
    let key = offset_of(src, "key}`").start;
    assert_eq!(span_of(lit, "arg3"), key..key + 1);
    // CRLF reads as one LF.
    let lf = src.find("\r\n").unwrap() + 1;
    assert_eq!(span_of(lit, "\n"), lf..lf + 1);
    assert_eq!(span_of(lit, "WHERE"), offset_of(src, "WHERE"));
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn f(key, status)
      (Await (call [query:rows] pool.query "UPDATE idempotency_keys SET status = 'arg2'\n WHERE key = arg3"))
    "#);
}

#[test]
fn tagged_templates_are_calls_with_the_template_as_argument() {
    let src = "async function f(id) {\n  const n = await prisma.$executeRaw`INSERT INTO processed_events (event_id) VALUES (${id}) ON CONFLICT DO NOTHING`;\n}\n";
    let module = classified(src);
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn f(id)
      n = (Await (call [query:affected] prisma.$executeRaw "INSERT INTO processed_events (event_id) VALUES (arg1) ON CONFLICT DO NOTHING"))
    "#);
    let lit = string_with(&module, "INSERT");
    assert_eq!(span_of(lit, "INSERT"), offset_of(src, "INSERT"));
    assert_eq!(span_of(lit, "NOTHING"), offset_of(src, "NOTHING"));
}

#[test]
fn escapes_decode_and_map_to_the_escape_start() {
    let src = "f('a\\tb\\x41\\u00e9\\'c\\u{1F600}');";
    let module = typescript::lower(src);
    let lit = string_with(&module, "a\tbA");
    assert_eq!(lit.value, "a\tbAé'c😀");
    let open = src.find('\'').unwrap();
    // a, \t, b, \x41, \u00e9 (two bytes), \', c, \u{1F600} (four bytes), the closing quote.
    let expected = [1, 2, 4, 5, 9, 9, 15, 17, 18, 18, 18, 18, 27].map(|d| open + d);
    assert_eq!(lit.origin, expected.to_vec());
}

#[test]
fn constants_concatenation_and_local_strings_fold_into_queries() {
    let src = r#"const table = "idempotency_keys";
const CLAIM = "INSERT INTO " + table +
  " (key) VALUES ($1) ON CONFLICT (key) DO NOTHING";

export async function claim(db, key) {
  let sql = "SELECT status FROM " + table;
  sql += " WHERE key = $1";
  const found = await db.query(sql, [key]);
  await db.query(CLAIM, [key]);
}

function shadowed(CLAIM) {
  return db.query(CLAIM);
}
"#;
    let module = classified(src);
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn claim(db, key)
      sql = "SELECT status FROM idempotency_keys"
      sql Add= " WHERE key = $1"
      found = (Await (call [query:rows] db.query "SELECT status FROM idempotency_keys WHERE key = $1" [key]))
      (Await (call [query:rows] db.query "INSERT INTO idempotency_keys (key) VALUES ($1) ON CONFLICT (key) DO NOTHING" [key]))
    fn shadowed(CLAIM)
      return (call db.query CLAIM)
    "#);
    let claim = string_with(&module, "INSERT");
    assert_eq!(span_of(claim, "INSERT"), offset_of(src, "INSERT"));
    assert_eq!(span_of(claim, "ON CONFLICT"), offset_of(src, "ON CONFLICT"));
    let select = string_with(&module, "SELECT status FROM idempotency_keys WHERE");
    assert_eq!(span_of(select, "WHERE"), offset_of(src, "WHERE"));
}

#[test]
fn a_promise_that_only_sleeps_is_a_sleep() {
    let src = r#"async function pause(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms * 2));
  await new Promise<void>((r) => { setTimeout(r, ms); });
  await new Promise((r) => { log(); setTimeout(r, ms); });
  await setTimeout(ms);
  setTimeout(() => retry(), ms);
}
"#;
    let module = classified(src);
    insta::assert_snapshot!(dump::module(&module), @r"
    fn pause(ms)
      (Await (call [sleep] setTimeout resolve (Mul ms 2)))
      (Await (call [sleep] setTimeout r ms))
      (Await (call Promise (closure |r| {
      (call log)
      (call [sleep] setTimeout r ms)
    })))
      (Await (call [sleep] setTimeout ms))
      (call [sleep] setTimeout (closure || {
      return (call retry)
    }) ms)
    ");
    let first = module.units[0].body.stmts[0].span.clone();
    let StmtKind::Expr(awaited) = &module.units[0].body.stmts[0].kind else {
        panic!("an expression statement");
    };
    let sleep = awaited.as_call().expect("a call");
    assert!(matches!(sleep.role, CallRole::Sleep { duration_arg: 1 }));
    assert_eq!(
        first,
        offset_of(src, "await new Promise((resolve)").start..offset_of(src, "ms * 2));").end
    );
    let ExprKind::Unary { operand, .. } = &awaited.kind else {
        panic!("await");
    };
    assert_eq!(
        operand.span,
        offset_of(src, "new Promise((resolve)").start..offset_of(src, "ms * 2))").end
    );
}

#[test]
fn comments_are_kept_with_their_spans() {
    let src = "// idemlint-ignore: retry-any-error -- reviewed\r\nfunction f() {\n  /* block\n comment */ g(); // trailing\n}\n";
    let module = typescript::lower(src);
    let comments: Vec<(&str, std::ops::Range<usize>)> = module
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.span.clone()))
        .collect();
    assert_eq!(
        comments,
        [
            (
                " idemlint-ignore: retry-any-error -- reviewed",
                offset_of(src, "// idemlint-ignore: retry-any-error -- reviewed")
            ),
            (" block\n comment ", offset_of(src, "/* block\n comment */")),
            (" trailing", offset_of(src, "// trailing")),
        ]
    );
}

#[test]
fn jsx_files_parse_with_the_tsx_grammar() {
    let src = "export function Button({ onClick }) {\n  const [busy, setBusy] = useState(false);\n  return <button disabled={busy} onClick={() => onClick(1)}>Pay</button>;\n}\n";
    let module = typescript::lower(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    assert_eq!(module.units.len(), 1);
    assert_eq!(module.units[0].name, "Button");
    assert_eq!(module.units[0].params, ["{onClick}"]);
}

#[test]
fn generic_arrows_parse_with_the_typescript_grammar() {
    let src = "const retry = async <T>(fn: () => Promise<T>): Promise<T> => { const v = <T>await fn(); return v; };\n";
    let module = typescript::lower(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module), @r"
    fn retry(fn)
      v = (Await (call fn))
      return v
    ");
}

#[test]
fn broken_syntax_is_noted_and_the_rest_still_lowered() {
    let src = "async function ok() { await db.query(\"SELECT 1\"); }\nfunction broken( { if (x { }\nfunction after() { sleep(10); }\n";
    let module = typescript::lower(src);
    assert!(!module.diagnostics.is_empty());
    assert!(
        module.diagnostics[0].message.starts_with("syntax error"),
        "{:?}",
        module.diagnostics
    );
    let names: Vec<&str> = module.units.iter().map(|u| u.name.as_str()).collect();
    assert!(names.contains(&"ok"), "{names:?}");
}

#[test]
fn unterminated_strings_run_to_their_end() {
    let src = "f(\"SELECT 1";
    let module = typescript::lower(src);
    let lit = string_with(&module, "SELECT");
    assert_eq!(lit.value, "SELECT 1");
    assert_eq!(span_of(lit, "SELECT 1"), 3..src.len());
}

#[test]
fn deep_nesting_is_bounded() {
    let depth = 50_000;
    let src = format!("f({}1{});", "(".repeat(depth), ")".repeat(depth));
    let _ = typescript::lower(&src);
    let arrays = format!("x = {}{};", "[".repeat(depth), "]".repeat(depth));
    let _ = typescript::lower(&arrays);
    let blocks = format!(
        "function f() {{ {}g();{} }}",
        "if (a) {".repeat(depth / 10),
        "}".repeat(depth / 10)
    );
    let module = typescript::lower(&blocks);
    assert_eq!(module.units.len(), 1);
    let concat = format!("q({});", vec!["\"a\""; 5000].join(" + "));
    let module = typescript::lower(&concat);
    assert!(!module.units.is_empty());
}

#[test]
fn odd_bytes_and_empty_input_do_not_panic() {
    for src in [
        "", "\u{feff}", "`${", "'\\", "/*", "\"\\u{", "a?.b?.(", "\0\u{1}",
    ] {
        let _ = classified(src);
    }
}

#[test]
fn a_syntax_error_in_a_jsx_file_is_noted_where_it_is() {
    // The TypeScript grammar fails a JSX file as a whole; the TSX tree, in error only at
    // the mistake, is the one kept.
    let src = "export function Badge({ label }) {\n  return <span className=\"badge\">{label}</span>;\n}\n\nexport async function save(db, id) {\n  await db.query(\"UPDATE t SET n = n + 1 WHERE id = $1\", [id]);\n  if (id {\n}\n";
    let module = typescript::lower(src);
    let notes: Vec<(std::ops::Range<usize>, &str)> = module
        .diagnostics
        .iter()
        .map(|n| (n.span.clone(), n.message.as_str()))
        .collect();
    let paren = offset_of(src, "if (id").end;
    let end = src.len() - 1;
    assert_eq!(
        notes,
        [
            (paren..paren, "syntax error: missing `)`"),
            (end..end, "syntax error: missing `}`")
        ]
    );
    let names: Vec<&str> = module.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Badge", "save"]);
}

#[test]
fn tagged_templates_with_type_arguments_are_calls() {
    let src = "async function load(db, id, fresh) {\n  const [row] = await db.$queryRaw<{ id: string }[]>`SELECT id FROM jobs WHERE id = ${id}`;\n  const rows = fresh\n    ? await db.$queryRaw<Job[]>`SELECT * FROM jobs`\n    : await db.$queryRaw<Job[]>`SELECT * FROM archived_jobs`;\n  return [row, rows];\n}\nconst Card = styled.div<{ wide: boolean }>`\n  width: 100%;\n`;\n";
    let module = classified(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn load(db, id, fresh)
      [row] = (Await (call [query:rows] db.$queryRaw "SELECT id FROM jobs WHERE id = arg1"))
      rows = (other fresh (Await (call [query:rows] db.$queryRaw "SELECT * FROM jobs")) (Await (call [query:rows] db.$queryRaw "SELECT * FROM archived_jobs")))
      return [row, rows]
    script <top-level>()
      Card = (call styled.div "\n  width: 100%;\n")
    "#);
}

#[test]
fn a_bare_ampersand_in_jsx_text_or_attributes_is_text() {
    let src = "export function Footer({ onSave }) {\n  return (\n    <footer>\n      <a href=\"/terms?tab=all&lang=en\">Terms & Conditions</a>\n      <span>drag & drop / paste (⌘V) a file</span>\n      <button onClick={() => onSave()}>Save</button>\n    </footer>\n  );\n}\n";
    let module = classified(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn Footer({onSave})
      return (other (other footer) (other (other a (other href "/terms?tab=all&lang=en")) (other ) (other a)) (other (other span) (other ) (other span)) (other (other button (other onClick (other (closure || {
      return (call onSave)
    })))) (other ) (other button)) (other footer))
    "#);
}

#[test]
fn names_and_types_the_grammar_takes_for_other_syntax_are_read() {
    let src = "export type * from \"./models\";\ninterface Filter {\n  eq?: string\n  in?: string[]\n  onChange: (boolean) => void;\n  ops: import(\"./ops\").Op[];\n}\nexport async function dedupe(ids, onSent: (string) => void, mod = await load<typeof import(\"./m\")>()) {\n  const unique = [...new Set(ids)];\n  for (let i = 0; i < unique.length; i++) {\n    await mod.send(unique[i]);\n    onSent(unique[i]);\n  }\n  return column(\"at\").$type<import(\"./time\").Stamp>();\n}\n";
    let module = classified(src);
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    insta::assert_snapshot!(dump::module(&module), @r#"
    fn dedupe(ids, onSent, mod)
      unique = [(call Set ids)]
      while (Lt i unique.length)
        init:
          i = 0
        (Await (call mod.send unique[i]))
        (call onSent unique[i])
        post:
          i Add= 1
      return (call (call column "at").$type)
    "#);
}

#[test]
fn imports_and_requires_are_bound_to_the_names_the_code_uses() {
    let module = typescript::lower(
        "import pRetry, { AbortError as Abort } from \"p-retry\";\nimport * as cockatiel from 'cockatiel';\nimport { retry } from \"./lib/retries.js\";\nconst asyncRetry = require(\"async-retry\");\nconst { backOff, other: renamed } = require('exponential-backoff');\nexport async function f() {}\n",
    );
    assert_eq!(
        imports(&module),
        [
            ("pRetry", "p-retry"),
            ("Abort", "p-retry"),
            ("cockatiel", "cockatiel"),
            ("retry", "./lib/retries.js"),
            ("asyncRetry", "async-retry"),
            ("backOff", "exponential-backoff"),
            ("renamed", "exponential-backoff"),
        ]
    );
}
