//! `idemlint server`: the Language Server Protocol over stdin and stdout, for editors.
//!
//! Each open document is checked as `idemlint check` would check its file (its nearest
//! `idemlint.toml`, the project around it), from the text the editor holds: when it opens,
//! when it is saved, and a moment after it stops changing. Its findings are published as
//! diagnostics; each one's fix, and a suppression with a reason, are quick fixes.
//!
//! `transport` moves the messages, `session` is the main loop; `workspace` finds each
//! document's configuration, `documents` keeps their text; `checking` runs a check on a
//! worker thread, whose findings `diagnostics` and `code_actions` turn into the protocol's.

mod checking;
mod code_actions;
mod diagnostics;
mod documents;
mod session;
mod text;
mod transport;
mod uris;
mod workspace;

use lsp_server::{ErrorCode, Message, Request, Response};
use lsp_types::notification::{Exit, Notification as _};
use lsp_types::request::{Initialize, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, InitializeParams,
    InitializeResult, OneOf, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};

use session::{End, Session};
use text::Encoding;
use transport::{Outgoing, Transport};

/// Serves one client over stdin and stdout until it sends `exit`. `Err`: the session did
/// not end as the protocol says (no `shutdown` before `exit`, the client went away), and
/// why: the process then exits with status 1.
pub fn run() -> Result<(), String> {
    let transport = Transport::stdio().map_err(|error| format!("cannot start: {error}"))?;
    let ended = serve(&transport);
    let flushed = transport.finish();
    ended?;
    flushed.map_err(|error| format!("cannot write to the client: {error}"))
}

fn serve(transport: &Transport) -> Result<(), String> {
    let Some((id, params)) = wait_for_initialize(transport)? else {
        return Err("`exit` came before `initialize`".to_owned());
    };
    let offered = (params.capabilities.general.as_ref())
        .and_then(|general| general.position_encodings.as_deref());
    let encoding = Encoding::negotiate(offered);
    let session = Session::new(transport.sender.clone(), &params, encoding)?;
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "idemlint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    send(transport, Response::new_ok(id, result).into());
    match session.run(&transport.receiver) {
        End::Clean => Ok(()),
        End::Abrupt(why) => Err(why),
    }
}

/// Reads messages until `initialize`, answering any other request with the protocol's
/// error for a server not yet initialized; `None` if `exit` comes first.
fn wait_for_initialize(
    transport: &Transport,
) -> Result<Option<(lsp_server::RequestId, InitializeParams)>, String> {
    loop {
        let message = (transport.receiver.recv())
            .map_err(|_| "the client closed the connection before `initialize`".to_owned())?;
        match message {
            Message::Request(Request { id, method, params }) if method == Initialize::METHOD => {
                match serde_json::from_value(params) {
                    Ok(params) => return Ok(Some((id, params))),
                    Err(error) => {
                        let why = format!("invalid parameters for `initialize`: {error}");
                        let code = ErrorCode::InvalidParams as i32;
                        send(transport, Response::new_err(id, code, why).into());
                    }
                }
            }
            Message::Request(request) => {
                let why = format!("`{}` before `initialize`", request.method);
                let code = ErrorCode::ServerNotInitialized as i32;
                send(transport, Response::new_err(request.id, code, why).into());
            }
            Message::Notification(notification) if notification.method == Exit::METHOD => {
                return Ok(None);
            }
            // Notifications before `initialize` are dropped, as the protocol says.
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

fn send(transport: &Transport, message: Message) {
    let _ = transport.sender.send(Outgoing::Message(message));
}
