//! The Language Server Protocol's base protocol over stdin and stdout: one thread reads
//! messages, one writes them. Unlike `lsp_server::Connection::stdio`, whose reader stops
//! at the first malformed message, a message whose content cannot be read is answered with
//! a parse error and the next one is read: a client's bug does not end the session. A
//! malformed header does: the rest of the stream can no longer be told apart into
//! messages, so the session ends and the editor starts a new one.

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
    /// Nothing more: the writer ends once it has written what was sent before.
    Close,
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

    /// Waits until everything sent has been written: the session's last step. (The reader
    /// may still be waiting for input, with a sender of its own.)
    pub fn finish(self) -> io::Result<()> {
        let _ = self.sender.send(Outgoing::Close);
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
            // Its content was read whole, as its header said: the next message can be.
            Err(error) if is_malformed_content(&error) => {
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

/// Whether `lsp_server` could not read a message's JSON, having read all of it (it has no
/// error kind of its own for that: its message says).
fn is_malformed_content(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::InvalidData
        && error.to_string().starts_with("malformed LSP payload")
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
            Outgoing::Close => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_error(frame: &str) -> io::Error {
        Message::read(&mut frame.as_bytes()).unwrap_err()
    }

    #[test]
    fn only_a_message_read_whole_counts_as_malformed_content() {
        assert!(is_malformed_content(&read_error(
            "Content-Length: 3\r\n\r\n{x}"
        )));
        assert!(!is_malformed_content(&read_error(
            "Content-Length: 3x\r\n\r\n{x}"
        )));
        assert!(!is_malformed_content(&read_error(
            "Content-Type: text\r\n\r\n{x}"
        )));
    }
}
