//! `idemlint server`, driven over stdio by a scripted client as an editor would drive it:
//! initialize, open the seed files, read their diagnostics, ask for code actions and apply
//! their edits, change documents and see diagnostics go, shut down. And what a client gets
//! wrong: malformed messages, unknown methods, requests before `initialize`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Far above what a debug build on a slow machine needs for one check.
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another.
    unread: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn spawn() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idemlint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(body) = read_frame(&mut stdout) {
                if sender.send(serde_json::from_str(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            unread: VecDeque::new(),
            next_id: 1,
        }
    }

    /// Started and initialized with `root` as the one workspace folder.
    fn start(root: &Path) -> Client {
        let mut client = Client::spawn();
        let response = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{ "uri": uri(root), "name": "root" }],
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                },
            }),
        );
        let capabilities = &response["result"]["capabilities"];
        assert_eq!(capabilities["positionEncoding"], "utf-16");
        assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental");
        client.notify("initialized", json!({}));
        client
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        self.send_raw(&message.to_string());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its id, without waiting for the answer.
    fn ask(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.ask(method, params);
        self.response(id)
    }

    /// The response to request `id`.
    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("the response to {id}"), |message| {
            message["id"] == id && message.get("method").is_none()
        })
    }

    /// The first message, read or to come, that `wanted` accepts.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.unread.iter().position(&wanted) {
            return self.unread.remove(at).unwrap();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = (self.incoming.recv_timeout(left))
                .unwrap_or_else(|_| panic!("no {what}; read meanwhile: {:#?}", self.unread));
            if wanted(&message) {
                return message;
            }
            self.unread.push_back(message);
        }
    }

    /// The diagnostics published next for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let published = self.wait_for(&format!("diagnostics of {uri} v{version}"), |message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == version
        });
        published["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .clone()
    }

    fn open(&mut self, path: &Path, language: &str) -> String {
        let uri = uri(path);
        let text = std::fs::read_to_string(path).unwrap();
        let document = json!({ "uri": uri, "languageId": language, "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document }));
        uri
    }

    fn code_actions(&mut self, uri: &str, range: &Value) -> Vec<Value> {
        let response = self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": range,
                "context": { "diagnostics": [] },
            }),
        );
        response["result"].as_array().unwrap().clone()
    }

    /// Sends the edits of a workspace edit to `uri` as a change to `version`, each as an
    /// incremental change (in reverse order, so each range is of the text as the ones sent
    /// before it left it), and returns the text they make of `text`.
    fn apply(&mut self, uri: &str, version: i64, text: &str, edit: &Value) -> String {
        let mut edits = edit["changes"][uri].as_array().unwrap().clone();
        edits.sort_by_key(|edit| position_key(&edit["range"]["start"]));
        edits.reverse();
        let mut changed = text.to_owned();
        for edit in &edits {
            let start = offset(&changed, &edit["range"]["start"]);
            let end = offset(&changed, &edit["range"]["end"]);
            changed.replace_range(start..end, edit["newText"].as_str().unwrap());
        }
        let changes: Vec<Value> = (edits.iter())
            .map(|edit| json!({ "range": edit["range"], "text": edit["newText"] }))
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": changes,
            }),
        );
        changed
    }

    fn shut_down(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.exit_status()
    }

    fn exit_status(mut self) -> ExitStatus {
        drop(self.stdin);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn read_frame(input: &mut impl BufRead) -> Option<String> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    String::from_utf8(body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn position_key(position: &Value) -> (u64, u64) {
    (
        position["line"].as_u64().unwrap(),
        position["character"].as_u64().unwrap(),
    )
}

/// The byte offset of a protocol position (UTF-16 columns) in `text`.
fn offset(text: &str, position: &Value) -> usize {
    let (line, character) = position_key(position);
    let start: usize = (text.split_inclusive('\n').take(line as usize))
        .map(str::len)
        .sum();
    let mut units = 0;
    for (at, c) in text[start..].char_indices() {
        if units >= character as usize || c == '\n' {
            return start + at;
        }
        units += c.len_utf16() as u64 as usize;
    }
    text.len()
}

/// A diagnostic as one line (range, severity, code, the message's first line) and one
/// line per related location.
fn render(diagnostics: &[Value]) -> String {
    let range = |range: &Value| {
        let (from, to) = (position_key(&range["start"]), position_key(&range["end"]));
        format!("{}:{}-{}:{}", from.0, from.1, to.0, to.1)
    };
    let severity = |value: &Value| match value.as_u64() {
        Some(1) => "error",
        Some(2) => "warning",
        Some(3) => "information",
        Some(4) => "hint",
        _ => "?",
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let message = diagnostic["message"].as_str().unwrap();
        out += &format!(
            "{} {} {}: {}\n",
            range(&diagnostic["range"]),
            severity(&diagnostic["severity"]),
            diagnostic["code"].as_str().unwrap_or("-"),
            message.lines().next().unwrap(),
        );
        for related in diagnostic["relatedInformation"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let file = related["location"]["uri"].as_str().unwrap();
            let file = file.rsplit('/').next().unwrap();
            out += &format!(
                "  {file} {}: {}\n",
                range(&related["location"]["range"]),
                related["message"].as_str().unwrap()
            );
        }
    }
    out
}

/// A copy of the seed snippets in a folder of their own (the repository's configuration
/// excludes the fixtures).
fn seed_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for name in ["charge.go", "inbox.sql", "retry.ts", "transition.sql"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/seed")
            .join(name);
        std::fs::copy(from, root.join(name)).unwrap();
    }
    (dir, root)
}

#[test]
fn the_seed_files_get_their_diagnostics() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    let mut rendered = String::new();
    for (name, language) in [
        ("charge.go", "go"),
        ("inbox.sql", "sql"),
        ("retry.ts", "typescript"),
        ("transition.sql", "sql"),
    ] {
        let uri = client.open(&root.join(name), language);
        let diagnostics = client.diagnostics(&uri, 1);
        rendered += &format!("{name}\n{}", render(&diagnostics));
        for diagnostic in &diagnostics {
            let code = diagnostic["code"].as_str().unwrap();
            assert_eq!(diagnostic["source"], "idemlint");
            assert_eq!(
                diagnostic["codeDescription"]["href"],
                format!("https://github.com/idemlint/idemlint/blob/main/rules/{code}.md")
            );
            assert!(diagnostic["message"].as_str().unwrap().contains("\nhelp: "));
        }
    }
    insta::assert_snapshot!("seed_diagnostics", rendered);
    assert!(client.shut_down().success());
}

#[test]
fn a_quick_fix_applied_and_the_changed_document_checked_again() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    let path = root.join("transition.sql");
    let uri = client.open(&path, "sql");
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1);
    let actions = client.code_actions(&uri, &diagnostics[0]["range"]);
    let titles: Vec<&str> = (actions.iter())
        .map(|action| action["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "in-progress-reentry: complete only the attempt that owns the record: add `AND status = 'in_progress'` (review: changes behaviour)",
            "in-progress-reentry: suppress here, with a reason",
        ]
    );
    assert!(actions.iter().all(|action| action["kind"] == "quickfix"));
    assert_eq!(actions[0]["isPreferred"], Value::Null, "an unsafe fix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "in-progress-reentry");
    let text = std::fs::read_to_string(&path).unwrap();
    let fixed = client.apply(&uri, 2, &text, &actions[0]["edit"]);
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed/transition.sql.fixed");
    assert_eq!(fixed, std::fs::read_to_string(expected).unwrap());
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());
    assert!(client.shut_down().success());
}

#[test]
fn a_fix_that_leaves_another_hazard_shows_it() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    let path = root.join("charge.go");
    let uri = client.open(&path, "go");
    let diagnostics = client.diagnostics(&uri, 1);
    let actions = client.code_actions(&uri, &diagnostics[0]["range"]);
    let text = std::fs::read_to_string(&path).unwrap();
    let fixed = client.apply(&uri, 2, &text, &actions[0]["edit"]);
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed/charge.go.fixed");
    assert_eq!(fixed, std::fs::read_to_string(expected).unwrap());
    // Atomic now, but nothing looks at what the insert returned.
    insta::assert_snapshot!(render(&client.diagnostics(&uri, 2)), @r"
    12:91-12:119 error unchecked-on-conflict: a re-delivered request inserts nothing, but `process(…)` below still runs
      charge.go 14:9-14:36: this runs for duplicates too: it is not gated on the insert
    ");
    assert!(client.shut_down().success());
}

#[test]
fn a_suppression_with_a_reason_is_inserted_in_the_languages_comment_syntax() {
    let (_dir, root) = seed_copy();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/backoff-without-jitter/rust/tp_again_exponential.rs");
    std::fs::copy(fixture, root.join("ledger.rs")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/unchecked-on-conflict/py/tp_psycopg_unchecked.py");
    std::fs::copy(fixture, root.join("deposits.py")).unwrap();
    let mut client = Client::start(&root);
    for (name, language, expected_line) in [
        (
            "ledger.rs",
            "rust",
            "    // idemlint-ignore: backoff-without-jitter -- \n",
        ),
        (
            "retry.ts",
            "typescript",
            "      // idemlint-ignore: backoff-without-jitter -- \n",
        ),
        (
            "inbox.sql",
            "sql",
            "-- idemlint-ignore: unchecked-on-conflict -- \n",
        ),
        // Above the statement that runs the SQL.
        (
            "deposits.py",
            "python",
            "        # idemlint-ignore: unchecked-on-conflict -- \n",
        ),
        // Above the statement, not inside the multi-line string that holds the SQL.
        ("charge.go", "go", "\t\tdb.ExecContext(ctx,\n"),
    ] {
        let path = root.join(name);
        let uri = client.open(&path, language);
        let diagnostics = client.diagnostics(&uri, 1);
        let last = diagnostics.last().unwrap().clone();
        let rule = last["code"].as_str().unwrap().to_owned();
        let actions = client.code_actions(&uri, &last["range"]);
        let suppress = (actions.iter())
            .find(|action| {
                action["title"]
                    .as_str()
                    .unwrap()
                    .ends_with("suppress here, with a reason")
            })
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let suppressed = client.apply(&uri, 2, &text, &suppress["edit"]);
        let inserted = suppress["edit"]["changes"][&uri][0]["newText"]
            .as_str()
            .unwrap();
        assert!(
            inserted.contains(&format!("idemlint-ignore: {rule} -- ")),
            "{inserted}"
        );
        if name == "charge.go" {
            let line = inserted.to_owned() + expected_line;
            assert!(suppressed.contains(&line), "{suppressed}");
        } else {
            assert_eq!(inserted, expected_line);
        }
        let remaining = client.diagnostics(&uri, 2);
        assert!(
            remaining
                .iter()
                .all(|diagnostic| diagnostic["code"] != rule.as_str()),
            "{name}: {remaining:#?}"
        );
        assert_eq!(
            remaining.len(),
            diagnostics.len() - 1,
            "{name}: {remaining:#?}"
        );
    }
    assert!(client.shut_down().success());
}

#[test]
fn malformed_messages_and_unknown_methods_get_errors_and_the_server_goes_on() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    client.send_raw("{ this is not json");
    let error = client.wait_for("a parse error", |message| message["id"].is_null());
    assert_eq!(error["error"]["code"], -32700, "{error}");
    client.send_raw(r#"{"jsonrpc": "2.0", "result": 1}"#);
    let error = client.wait_for("a parse error", |message| message["id"].is_null());
    assert_eq!(error["error"]["code"], -32700, "{error}");
    let unknown = client.request("textDocument/hover", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let invalid = client.request("textDocument/codeAction", json!({ "range": 3 }));
    assert_eq!(invalid["error"]["code"], -32602, "{invalid}");
    // A notification with bad parameters has nobody to answer: it is logged.
    client.notify("textDocument/didOpen", json!({ "textDocument": 1 }));
    let logged = client.wait_for("a log message", |message| {
        message["method"] == "window/logMessage"
    });
    assert!(
        logged["params"]["message"]
            .as_str()
            .unwrap()
            .contains("didOpen")
    );
    client.notify("$/unknownNotification", json!({}));
    // Still serving.
    let uri = client.open(&root.join("inbox.sql"), "sql");
    assert_eq!(client.diagnostics(&uri, 1).len(), 1);
    assert!(client.shut_down().success());
}

#[test]
fn requests_before_initialize_and_after_shutdown_are_refused() {
    let mut client = Client::spawn();
    let early = client.request("textDocument/codeAction", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    let root = std::env::temp_dir();
    let response = client.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(&root), "capabilities": {} }),
    );
    assert!(response["result"]["capabilities"].is_object());
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    let late = client.request("textDocument/codeAction", json!({}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    client.notify("exit", Value::Null);
    assert!(client.exit_status().success());
}

#[test]
fn a_malformed_header_ends_the_session_as_the_stream_cannot_be_read_further() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    write!(client.stdin, "Content-Length: 12x\r\n\r\n{{}}").unwrap();
    client.stdin.flush().unwrap();
    assert_eq!(client.exit_status().code(), Some(1));
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_status().code(), Some(1));
}

#[test]
fn a_document_that_does_not_parse_gets_its_parse_notes_as_hints() {
    let (_dir, root) = seed_copy();
    let path = root.join("broken.go");
    std::fs::write(&path, "package p\n\nfunc f() {\n\tx := (\n}\n").unwrap();
    let mut client = Client::start(&root);
    let uri = client.open(&path, "go");
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(!diagnostics.is_empty());
    assert!(
        diagnostics
            .iter()
            .all(|diagnostic| diagnostic["severity"] == 4),
        "{diagnostics:#?}"
    );
    assert!(client.shut_down().success());
}

#[test]
fn a_waiting_code_action_request_can_be_cancelled_and_outlives_changes_typed_meanwhile() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    let path = root.join("inbox.sql");
    let uri = client.open(&path, "sql");
    client.diagnostics(&uri, 1);
    let everywhere =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } });
    let change = |version: i64| {
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "\n" }],
        })
    };
    let ask = |client: &mut Client| {
        let params = json!({ "textDocument": { "uri": uri }, "range": everywhere, "context": { "diagnostics": [] } });
        client.ask("textDocument/codeAction", params)
    };
    // A change starts a check a moment later: until then, actions wait for it. Each
    // group of messages is sent at once, well within that moment.
    client.notify("textDocument/didChange", change(2));
    let waiting = ask(&mut client);
    client.notify("$/cancelRequest", json!({ "id": waiting }));
    assert_eq!(client.response(waiting)["error"]["code"], -32800);
    // Asked of version 3, answered from the check of version 4, typed meanwhile: the
    // protocol would rather have that than an error per keystroke.
    client.notify("textDocument/didChange", change(3));
    let outdated = ask(&mut client);
    client.notify("textDocument/didChange", change(4));
    let actions = client.response(outdated)["result"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(actions.len(), 1, "the suppression: {actions:#?}");
    let suppression = &actions[0]["edit"]["changes"][&uri][0]["range"]["start"];
    assert_eq!(suppression["line"], 4 + 3, "in version 4, three lines down");
    assert_eq!(client.diagnostics(&uri, 4).len(), 1);
    assert!(client.shut_down().success());
}

#[test]
fn the_nearest_configuration_decides_levels_and_exclusions_and_is_reloaded() {
    let (_dir, root) = seed_copy();
    let service = root.join("service");
    std::fs::create_dir(&service).unwrap();
    std::fs::copy(root.join("retry.ts"), service.join("retry.ts")).unwrap();
    std::fs::copy(root.join("inbox.sql"), service.join("generated.sql")).unwrap();
    let config = service.join("idemlint.toml");
    std::fs::write(
        &config,
        "exclude = [\"generated.sql\"]\n[rules]\nretry-any-error = \"error\"\nbackoff-without-jitter = \"off\"\n",
    )
    .unwrap();
    let mut client = Client::start(&root);
    let registration = client.wait_for("a watch", |message| {
        message["method"] == "client/registerCapability"
    });
    let watcher = &registration["params"]["registrations"][0]["registerOptions"]["watchers"][0];
    assert_eq!(watcher["globPattern"], "**/idemlint.toml");
    let retry = client.open(&service.join("retry.ts"), "typescript");
    assert_eq!(
        render(&client.diagnostics(&retry, 1)),
        "9:6-9:17 error retry-any-error: this loop retries every error: a permanent failure (a 400, a validation or auth error) is tried up to 6 times, multiplying load and latency\n  retry.ts 8:19-8:23: whatever this call fails with is tried again\n"
    );
    let generated = client.open(&service.join("generated.sql"), "sql");
    assert_eq!(
        client.diagnostics(&generated, 1),
        Vec::<Value>::new(),
        "excluded"
    );
    // The configuration changes on disk, and the client says so.
    std::fs::write(&config, "[rules]\nretry-any-error = \"off\"\n").unwrap();
    let changes = json!({ "changes": [{ "uri": uri(&config), "type": 2 }] });
    client.notify("workspace/didChangeWatchedFiles", changes.clone());
    let diagnostics = client.diagnostics(&retry, 1);
    assert_eq!(
        render(&diagnostics).lines().next().unwrap(),
        "11:12-11:24 warning backoff-without-jitter: retry delay grows but has no jitter: clients that failed together retry together, in synchronized waves that hit the recovering service at once"
    );
    assert_eq!(
        client.diagnostics(&generated, 1).len(),
        1,
        "no longer excluded"
    );
    // A configuration that cannot be read is said, and the defaults are used.
    std::fs::write(&config, "[rules]\nno-such-rule = \"off\"\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", changes);
    let shown = client.wait_for("an error message", |message| {
        message["method"] == "window/showMessage"
    });
    let text = shown["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("unknown rule `no-such-rule`") && text.contains("default configuration"),
        "{text}"
    );
    assert_eq!(client.diagnostics(&retry, 1).len(), 2);
    assert!(client.shut_down().success());
}

#[test]
fn related_information_points_into_the_other_files_of_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let package = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/packages/check-then-insert/go/tp_both_helpers_in_module_package");
    for file in ["go.mod", "api/charge.go", "store/payments.go"] {
        std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        std::fs::copy(package.join(file), root.join(file)).unwrap();
    }
    let mut client = Client::start(&root);
    let charge = client.open(&root.join("api/charge.go"), "go");
    let diagnostics = client.diagnostics(&charge, 1);
    insta::assert_snapshot!(render(&diagnostics), @r#"
    13:11-13:60 error check-then-insert: two concurrent requests with the same `idempotency_key` can both find no row and both insert it
      charge.go 6:11-6:46: both requests can find no row through this call
      payments.go 6:3-6:9: reads `payments` by `idempotency_key`, and `store.FindPayment` hands back what it found
      payments.go 19:3-19:9: `store.CreatePayment` inserts the key here, whether or not a concurrent request just did
      charge.go 10:4-10:12: both requests take the "not found" path here
    "#);
    let related = diagnostics[0]["relatedInformation"].as_array().unwrap();
    assert_eq!(
        related[2]["location"]["uri"],
        uri(&root.join("store/payments.go"))
    );
    assert!(client.shut_down().success());
}

#[test]
fn no_suppression_is_offered_where_its_line_would_start_inside_a_string() {
    let (_dir, root) = seed_copy();
    let path = root.join("notes.sql");
    std::fs::write(
        &path,
        "INSERT INTO notes (body) VALUES ('first\nsecond'); INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING;\nUPDATE inventory SET reserved = reserved + 1 WHERE sku = $2;\n",
    )
    .unwrap();
    let quoted = root.join("quoted.md");
    let inbox = std::fs::read_to_string(root.join("inbox.sql")).unwrap();
    let block: String = inbox.lines().map(|line| format!("> {line}\n")).collect();
    std::fs::write(&quoted, format!("> ```sql\n{block}> ```\n")).unwrap();
    let mut client = Client::start(&root);
    let uri = client.open(&path, "sql");
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics[0]["code"], "unchecked-on-conflict");
    assert_eq!(
        client.code_actions(&uri, &diagnostics[0]["range"]),
        Vec::<Value>::new()
    );
    // In a blockquote, the inserted line keeps the quote's marker.
    let uri = client.open(&quoted, "markdown");
    let diagnostics = client.diagnostics(&uri, 1);
    let actions = client.code_actions(&uri, &diagnostics[0]["range"]);
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(
        edit["newText"],
        "> -- idemlint-ignore: unchecked-on-conflict -- \n"
    );
    assert!(client.shut_down().success());
}

#[test]
fn markdown_code_blocks_are_checked_and_suppressed_in_their_own_language() {
    let (_dir, root) = seed_copy();
    let sql = std::fs::read_to_string(root.join("inbox.sql")).unwrap();
    let path = root.join("runbook.md");
    std::fs::write(
        &path,
        format!("# Inbox\n\nThe consumer:\n\n```sql\n{sql}```\n"),
    )
    .unwrap();
    let mut client = Client::start(&root);
    let uri = client.open(&path, "markdown");
    let diagnostics = client.diagnostics(&uri, 1);
    insta::assert_snapshot!(render(&diagnostics), @r"
    10:2-10:35 error unchecked-on-conflict: a re-delivered request inserts nothing, but the UPDATE below still runs
      runbook.md 12:0-12:6: this runs for duplicates too: it is not gated on the insert
    ");
    let actions = client.code_actions(&uri, &diagnostics[0]["range"]);
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(
        edit["newText"],
        "-- idemlint-ignore: unchecked-on-conflict -- \n"
    );
    assert_eq!(
        edit["range"]["start"]["line"], 9,
        "above the INSERT, in the block"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    client.apply(&uri, 2, &text, &actions[0]["edit"]);
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());
    assert!(client.shut_down().success());
}

#[test]
fn an_unsaved_buffer_is_checked_by_the_language_the_editor_says() {
    let (_dir, root) = seed_copy();
    let mut client = Client::start(&root);
    let text = std::fs::read_to_string(root.join("inbox.sql")).unwrap();
    let uri = "untitled:Untitled-1";
    let document = json!({ "uri": uri, "languageId": "sql", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": document }));
    let diagnostics = client.diagnostics(uri, 1);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0]["relatedInformation"][0]["location"]["uri"],
        uri
    );
    let notes = json!({ "uri": "untitled:Untitled-2", "languageId": "plaintext", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": notes }));
    assert_eq!(
        client.diagnostics("untitled:Untitled-2", 1),
        Vec::<Value>::new()
    );
    assert!(client.shut_down().success());
}

#[test]
fn a_client_that_takes_versioned_edits_gets_the_version_each_edit_is_of() {
    let (_dir, root) = seed_copy();
    let mut client = Client::spawn();
    let capabilities = json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } });
    let params = json!({ "processId": null, "rootUri": uri(&root), "capabilities": capabilities });
    client.request("initialize", params);
    client.notify("initialized", json!({}));
    let uri = client.open(&root.join("transition.sql"), "sql");
    let diagnostics = client.diagnostics(&uri, 1);
    let actions = client.code_actions(&uri, &diagnostics[0]["range"]);
    let edit = &actions[0]["edit"];
    assert_eq!(edit["changes"], Value::Null);
    let document = &edit["documentChanges"][0];
    assert_eq!(
        document["textDocument"],
        json!({ "uri": uri, "version": 1 })
    );
    assert_eq!(
        document["edits"][0]["newText"],
        " AND status = 'in_progress'"
    );
    assert!(client.shut_down().success());
}
