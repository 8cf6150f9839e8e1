//! The Language Server Protocol's base protocol over stdin and stdout: one thread reads
//! messages, one writes them. Unlike `lsp_server::Connection::stdio`, whose reader stops
//! at the first malformed message, a message that cannot be read is answered with a parse
//! error and the next one is read: a client's bug does not end the session.

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{ErrorCode, Message};

/// What the writer sends.
pub enum Outgoing {
    Message(Message),
    /// The answer to a message that could not be read: JSON-RPC's parse error, with the
    /// `null` id it prescribes (which `lsp_server::Response` cannot hold), and why.
    ParseError(String),
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Outgoing {
        Outgoing::Message(message)
    }
}

/// The two ends of the session's messages, and the threads that move them.
pub struct Transport {
    pub sender: Sender<Outgoing>,
    pub receiver: Receiver<Message>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Transport {
    /// Over this process's stdin and stdout.
    pub fn stdio() -> io::Result<Transport> {
        Transport::new(io::BufReader::new(io::stdin()), io::stdout())
    }

    pub fn new(
        input: impl BufRead + Send + 'static,
        output: impl Write + Send + 'static,
    ) -> io::Result<Transport> {
        let (sender, to_write) = unbounded::<Outgoing>();
        let (read, receiver) = unbounded::<Message>();
        let writer = thread::Builder::new()
            .name("idemlint-lsp-writer".to_owned())
            .spawn(move || write_all(to_write, output))?;
        let errors = sender.clone();
        thread::Builder::new()
            .name("idemlint-lsp-reader".to_owned())
            .spawn(move || read_all(input, &read, &errors))?;
        Ok(Transport {
            sender,
            receiver,
            writer,
        })
    }

    /// Waits until everything sent has been written: the session's last step.
    pub fn finish(self) -> io::Result<()> {
        drop(self.sender);
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// Reads messages until the input ends, the `exit` notification has been read or nobody
/// listens any more.
fn read_all(mut input: impl BufRead, read: &Sender<Message>, errors: &Sender<Outgoing>) {
    loop {
        match Message::read(&mut input) {
            Ok(Some(message)) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if read.send(message).is_err() || exit {
                    return;
                }
            }
            Ok(None) => return,
            // The frame was read whole (or its header line was): the next one can be.
            Err(error) if error.kind() == io::ErrorKind::InvalidData => {
                if errors
                    .send(Outgoing::ParseError(error.to_string()))
                    .is_err()
                {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

fn write_all(to_write: Receiver<Outgoing>, mut output: impl Write) -> io::Result<()> {
    for outgoing in to_write {
        match outgoing {
            Outgoing::Message(message) => message.write(&mut output)?,
            Outgoing::ParseError(why) => {
                let body = serde_json::json!({
                    "jsonrpc": "2.0",
                    "id": null,
                    "error": { "code": ErrorCode::ParseError as i32, "message": why },
                })
                .to_string();
                write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
                output.flush()?;
            }
        }
    }
    Ok(())
}
