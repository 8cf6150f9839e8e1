//! The session after `initialize`: the main loop and what it does with each message. It
//! never checks a file itself: checks run on a pool of workers, one at a time per document,
//! so a slow file holds up neither the loop nor the other documents.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notifications, Notification as _};
use lsp_types::request::{self as requests, Request as _};
use lsp_types::{
    CodeActionParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, InitializeParams, MessageType, NumberOrString,
    PublishDiagnosticsParams, Registration, RegistrationParams, ShowMessageParams, Uri,
    WorkspaceFolder,
};
use serde::de::DeserializeOwned;

use super::checking::{Analysis, Job};
use super::code_actions::{self, EditStyle};
use super::documents::{Document, Documents};
use super::text::Encoding;
use super::transport::Outgoing;
use super::uris::file_path;
use super::workspace::{Workspace, is_config_file};
use crate::config;
use crate::panic_boundary::guarded;
use crate::run::{CHECKER_STACK, DEFAULT_MAX_FILE_SIZE};

/// How long a document must go unchanged before it is checked: typing does not start a
/// check per key.
const SETTLE: Duration = Duration::from_millis(200);

/// At most this many documents are checked at once.
const MAX_WORKERS: usize = 4;

/// How the session ended.
pub enum End {
    /// `exit` after `shutdown`.
    Clean,
    /// `exit` without `shutdown`, or the client went away: the protocol's exit status 1.
    Abrupt(String),
}

/// A code action request waiting for the check of its document's current text (which
/// may be newer than the text it was asked about: the protocol would rather have an answer
/// of a newer state than an error for every change typed meanwhile).
struct Waiting {
    id: RequestId,
    uri: Uri,
    params: CodeActionParams,
}

pub struct Session {
    out: Sender<Outgoing>,
    encoding: Encoding,
    edit_style: EditStyle,
    documents: Documents,
    workspace: Workspace,
    waiting: Vec<Waiting>,
    shut_down: bool,
    /// The client can be asked to watch the configuration files.
    can_watch_files: bool,
    workers: rayon::ThreadPool,
    checked: (Sender<Analysis>, Receiver<Analysis>),
}

impl Session {
    pub fn new(
        out: Sender<Outgoing>,
        params: &InitializeParams,
        encoding: Encoding,
    ) -> Result<Session, String> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let workers = rayon::ThreadPoolBuilder::new()
            .num_threads(cores.min(MAX_WORKERS))
            .stack_size(CHECKER_STACK)
            .thread_name(|n| format!("idemlint-check-{n}"))
            .build()
            .map_err(|error| format!("cannot start the checking threads: {error}"))?;
        let mut workspace = Workspace::default();
        workspace.set_folders(initial_folders(params));
        let can_watch_files = (params.capabilities.workspace.as_ref())
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watch| watch.dynamic_registration)
            .unwrap_or(false);
        let versioned = (params.capabilities.workspace.as_ref())
            .and_then(|workspace| workspace.workspace_edit.as_ref())
            .and_then(|edit| edit.document_changes)
            .unwrap_or(false);
        Ok(Session {
            out,
            encoding,
            edit_style: EditStyle {
                encoding,
                versioned,
            },
            documents: Documents::default(),
            workspace,
            waiting: Vec::new(),
            shut_down: false,
            can_watch_files,
            workers,
            checked: crossbeam_channel::unbounded(),
        })
    }

    pub fn run(mut self, incoming: &Receiver<Message>) -> End {
        let checked = self.checked.1.clone();
        loop {
            self.start_due_checks();
            let timer = match self.next_due() {
                Some(at) => crossbeam_channel::at(at),
                None => crossbeam_channel::never(),
            };
            select! {
                recv(incoming) -> message => {
                    let Ok(message) = message else {
                        return End::Abrupt("the client closed the connection".to_owned());
                    };
                    if let Some(end) = self.handle(message) {
                        return end;
                    }
                }
                recv(checked) -> analysis => {
                    if let Ok(analysis) = analysis {
                        self.on_checked(analysis);
                    }
                }
                recv(timer) -> _ => {}
            }
        }
    }

    /// Handles one message; a bug it trips is an internal error of that message alone.
    fn handle(&mut self, message: Message) -> Option<End> {
        let id = match &message {
            Message::Request(request) => Some(request.id.clone()),
            _ => None,
        };
        let method = match &message {
            Message::Request(Request { method, .. })
            | Message::Notification(Notification { method, .. }) => method.clone(),
            Message::Response(_) => String::new(),
        };
        match guarded(|| self.dispatch(message)) {
            Ok(end) => end,
            Err(panic) => {
                let why = format!("internal error while handling `{method}`: {panic}");
                match id {
                    Some(id) => self.reply_error(id, ErrorCode::InternalError, why),
                    None => self.log(MessageType::ERROR, why),
                }
                None
            }
        }
    }

    fn dispatch(&mut self, message: Message) -> Option<End> {
        match message {
            Message::Request(request) => self.on_request(request),
            Message::Notification(notification) => return self.on_notification(notification),
            // The client's answers to the server's requests (registering a watch) need no
            // action.
            Message::Response(_) => {}
        }
        None
    }

    fn on_request(&mut self, request: Request) {
        if self.shut_down {
            let why = "the server is shutting down: only `exit` is expected".to_owned();
            return self.reply_error(request.id, ErrorCode::InvalidRequest, why);
        }
        match request.method.as_str() {
            requests::Shutdown::METHOD => {
                self.shut_down = true;
                self.reply(Response::new_ok(request.id, ()));
            }
            requests::CodeActionRequest::METHOD => {
                if let Some(params) = self.params::<CodeActionParams>(&request) {
                    self.on_code_action(request.id, params);
                }
            }
            requests::Initialize::METHOD => {
                let why = "the server is already initialized".to_owned();
                self.reply_error(request.id, ErrorCode::InvalidRequest, why);
            }
            method => {
                let why = format!("unknown method `{method}`");
                self.reply_error(request.id, ErrorCode::MethodNotFound, why);
            }
        }
    }

    fn on_notification(&mut self, notification: Notification) -> Option<End> {
        let method = notification.method.as_str();
        match method {
            notifications::Exit::METHOD => {
                return Some(match self.shut_down {
                    true => End::Clean,
                    false => End::Abrupt("`exit` came before `shutdown`".to_owned()),
                });
            }
            notifications::Initialized::METHOD => self.watch_config_files(),
            notifications::DidOpenTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidOpenTextDocumentParams>(notification)
                {
                    let document = params.text_document;
                    let opened = Document::new(
                        &document.uri,
                        document.language_id,
                        document.text,
                        document.version,
                    );
                    self.documents.open.insert(document.uri, opened);
                }
            }
            notifications::DidChangeTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeTextDocumentParams>(notification)
                {
                    self.on_change(params);
                }
            }
            notifications::DidSaveTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidSaveTextDocumentParams>(notification)
                {
                    let path = file_path(&params.text_document.uri);
                    if path.as_deref().is_some_and(is_config_file) {
                        self.workspace.forget_settings();
                    }
                    // What the open documents' calls reach may have changed with it.
                    self.documents.recheck_all();
                }
            }
            notifications::DidCloseTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidCloseTextDocumentParams>(notification)
                {
                    self.on_close(params.text_document.uri);
                }
            }
            notifications::DidChangeWatchedFiles::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeWatchedFilesParams>(notification)
                {
                    let paths = params
                        .changes
                        .iter()
                        .filter_map(|change| file_path(&change.uri));
                    if paths.into_iter().any(|path| is_config_file(&path)) {
                        self.workspace.forget_settings();
                    }
                    self.documents.recheck_all();
                }
            }
            notifications::DidChangeWorkspaceFolders::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeWorkspaceFoldersParams>(notification)
                {
                    let removed: Vec<PathBuf> = folder_paths(&params.event.removed);
                    let mut folders: Vec<PathBuf> = (self.workspace.folders().iter())
                        .filter(|folder| !removed.contains(folder))
                        .cloned()
                        .collect();
                    folders.extend(folder_paths(&params.event.added));
                    self.workspace.set_folders(folders);
                    self.documents.recheck_all();
                }
            }
            notifications::Cancel::METHOD => {
                if let Some(params) =
                    self.notification_params::<lsp_types::CancelParams>(notification)
                {
                    let id = match params.id {
                        NumberOrString::Number(n) => RequestId::from(n),
                        NumberOrString::String(s) => RequestId::from(s),
                    };
                    self.cancel(&id);
                }
            }
            // Other notifications (`$/setTrace`, configuration the server does not read)
            // need no action, as the protocol allows.
            _ => {}
        }
        None
    }

    fn on_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.open.get_mut(&uri) else {
            let why = format!("a change to `{}`, which is not open", uri.as_str());
            return self.log(MessageType::WARNING, why);
        };
        document.change(
            params.content_changes,
            params.text_document.version,
            self.encoding,
        );
        document.due = Some(Instant::now() + SETTLE);
    }

    fn on_close(&mut self, uri: Uri) {
        self.documents.open.remove(&uri);
        self.publish(uri.clone(), Vec::new(), None);
        let (gone, kept) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|waiting| waiting.uri == uri);
        self.waiting = kept;
        for waiting in gone {
            self.reply(Response::new_ok(waiting.id, Vec::<()>::new()));
        }
    }

    fn on_code_action(&mut self, id: RequestId, params: CodeActionParams) {
        let uri = params.text_document.uri.clone();
        let Some(document) = self.documents.open.get(&uri) else {
            return self.reply(Response::new_ok(id, Vec::<()>::new()));
        };
        match &document.analysis {
            Some(analysis) if analysis.version == document.version => {
                let analysis = Arc::clone(analysis);
                self.answer_code_action(id, &analysis, &params);
            }
            _ => self.waiting.push(Waiting { id, uri, params }),
        }
    }

    fn answer_code_action(&self, id: RequestId, analysis: &Analysis, params: &CodeActionParams) {
        let only = params.context.only.as_deref();
        let actions = code_actions::for_range(analysis, params.range, only, self.edit_style);
        self.reply(Response::new_ok(id, actions));
    }

    fn cancel(&mut self, id: &RequestId) {
        if let Some(at) = self.waiting.iter().position(|waiting| &waiting.id == id) {
            let waiting = self.waiting.remove(at);
            let why = "cancelled".to_owned();
            self.reply_error(waiting.id, ErrorCode::RequestCanceled, why);
        }
    }

    /// Starts the check of every document that is due and not being checked.
    fn start_due_checks(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = (self.documents.open.iter())
            .filter(|(_, document)| document.running.is_none())
            .filter(|(_, document)| document.due.is_some_and(|due| due <= now))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.start_check(uri);
        }
    }

    fn start_check(&mut self, uri: Uri) {
        let Some(document) = self.documents.open.get(&uri) else {
            return;
        };
        let chosen = self.workspace.settings_for(document.path.as_deref());
        if let Some(error) = chosen.error {
            let message = format!("{error}; checking with the default configuration");
            self.show(MessageType::ERROR, message);
        }
        let settings = chosen.settings;
        let project_root = (document.path.as_deref())
            .and_then(|path| self.workspace.folder_of(path))
            .map(PathBuf::from);
        let Some(document) = self.documents.open.get_mut(&uri) else {
            return;
        };
        document.due = None;
        let kind = document.kind(&settings.config.file_kinds);
        let excluded = (document.path.as_deref()).is_some_and(|path| {
            let folder = path.parent().unwrap_or(path);
            settings.config.exclude.is_excluded(path, false, folder)
        });
        let too_large = document.text.len() as u64 > DEFAULT_MAX_FILE_SIZE;
        let Some(kind) = kind.filter(|_| !excluded && !too_large) else {
            // Nothing to report on a document idemlint does not check.
            let nothing = Analysis {
                uri: uri.clone(),
                version: document.version,
                text: Arc::clone(&document.text),
                findings: Vec::new(),
                diagnostics: Vec::new(),
            };
            return self.on_checked(nothing);
        };
        document.running = Some(document.version);
        let job = Job {
            uri: uri.clone(),
            version: document.version,
            path: document.path.clone(),
            text: Arc::clone(&document.text),
            kind,
            settings,
            project_root,
            encoding: self.encoding,
        };
        let done = self.checked.0.clone();
        self.workers.spawn(move || {
            let (uri, version, text) = (job.uri.clone(), job.version, Arc::clone(&job.text));
            let analysis = guarded(|| job.run()).unwrap_or_else(|panic| {
                Analysis::failed(uri, version, text, &format!("internal error: {panic}"))
            });
            let _ = done.send(analysis);
        });
    }

    /// The earliest time a document waiting for its check may start.
    fn next_due(&self) -> Option<Instant> {
        (self.documents.open.values())
            .filter(|document| document.running.is_none())
            .filter_map(|document| document.due)
            .min()
    }

    fn on_checked(&mut self, analysis: Analysis) {
        let Some(document) = self.documents.open.get_mut(&analysis.uri) else {
            return;
        };
        if document.running == Some(analysis.version) {
            document.running = None;
        }
        // A check of a text since changed (or of a document closed and opened again, whose
        // versions start over): the next one is on its way.
        if analysis.version != document.version || !Arc::ptr_eq(&analysis.text, &document.text) {
            return;
        }
        let analysis = Arc::new(analysis);
        document.analysis = Some(Arc::clone(&analysis));
        let diagnostics = analysis.diagnostics.clone();
        self.publish(analysis.uri.clone(), diagnostics, Some(analysis.version));
        let (ready, kept) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|waiting| waiting.uri == analysis.uri);
        self.waiting = kept;
        for waiting in ready {
            self.answer_code_action(waiting.id, &analysis, &waiting.params);
        }
    }

    /// Asks the client to tell when a configuration file changes, if it can.
    fn watch_config_files(&mut self) {
        if !self.can_watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{}", config::FILE_NAME)),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "idemlint-configuration".to_owned(),
                method: notifications::DidChangeWatchedFiles::METHOD.to_owned(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let request = Request::new(
            RequestId::from("idemlint-watch-configuration".to_owned()),
            requests::RegisterCapability::METHOD.to_owned(),
            params,
        );
        self.send(request.into());
    }

    /// The request's parameters, or `None` after answering that they are invalid.
    fn params<P: DeserializeOwned>(&self, request: &Request) -> Option<P> {
        match serde_json::from_value(request.params.clone()) {
            Ok(params) => Some(params),
            Err(error) => {
                let why = format!("invalid parameters for `{}`: {error}", request.method);
                self.reply_error(request.id.clone(), ErrorCode::InvalidParams, why);
                None
            }
        }
    }

    /// The notification's parameters, or `None` after logging that they are invalid (a
    /// notification has no answer to carry an error).
    fn notification_params<P: DeserializeOwned>(&self, notification: Notification) -> Option<P> {
        match serde_json::from_value(notification.params) {
            Ok(params) => Some(params),
            Err(error) => {
                let why = format!("invalid parameters for `{}`: {error}", notification.method);
                self.log(MessageType::ERROR, why);
                None
            }
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let method = notifications::PublishDiagnostics::METHOD.to_owned();
        self.send(Notification::new(method, params).into());
    }

    fn show(&self, typ: MessageType, message: String) {
        let method = notifications::ShowMessage::METHOD.to_owned();
        self.send(Notification::new(method, ShowMessageParams { typ, message }).into());
    }

    fn log(&self, typ: MessageType, message: String) {
        let method = notifications::LogMessage::METHOD.to_owned();
        let params = lsp_types::LogMessageParams { typ, message };
        self.send(Notification::new(method, params).into());
    }

    fn reply(&self, response: Response) {
        self.send(response.into());
    }

    fn reply_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.reply(Response::new_err(id, code as i32, message));
    }

    fn send(&self, message: Message) {
        // The writer goes only when the session ends.
        let _ = self.out.send(Outgoing::Message(message));
    }
}

/// The workspace folders `initialize` names (or its root, from a client older than
/// folders).
fn initial_folders(params: &InitializeParams) -> Vec<PathBuf> {
    match &params.workspace_folders {
        Some(folders) => folder_paths(folders),
        #[allow(deprecated)]
        None => params.root_uri.iter().filter_map(file_path).collect(),
    }
}

fn folder_paths(folders: &[WorkspaceFolder]) -> Vec<PathBuf> {
    folders
        .iter()
        .filter_map(|folder| file_path(&folder.uri))
        .collect()
}
