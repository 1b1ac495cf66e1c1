//! The playground's state and its reducer: pure, no browser APIs, unit-tested natively.

use mailroom_smtp::{profile, Config, Event, Session, State};
use std::rc::Rc;

/// One line of the transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// What the client sent (one line).
    Client(String),
    /// One reply (possibly multi-line) and why the server chose it.
    Server {
        lines: Vec<String>,
        code: u16,
        rule: &'static str,
        rfc: &'static str,
        explain_en: &'static str,
        explain_ja: &'static str,
    },
    /// A warning or transition note from the core.
    Note {
        rule: &'static str,
        rfc: &'static str,
        text: String,
    },
}

#[derive(Debug, Clone)]
pub struct Playground {
    pub session: Session,
    pub transcript: Vec<Entry>,
    /// Simulated clock in ms; advances one second per input so traces differ.
    pub now: u64,
    /// Bumped by every action: Yew compares it to decide whether to re-render.
    pub generation: u64,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
    }
}

pub enum Action {
    /// A line, or a pasted multi-line batch sent as one pipelined write.
    Send(String),
    /// A fresh session with this configuration.
    Restart(Box<Config>),
}

/// 2026-11-27 00:00 UTC: a fixed start so transcripts are reproducible.
const EPOCH_MS: u64 = 1_795_737_600_000;

impl Default for Playground {
    fn default() -> Self {
        Playground::new(profile::profile("foo-edu").unwrap_or_default())
    }
}

impl Playground {
    pub fn new(config: Config) -> Self {
        let mut p = Playground {
            session: Session::new(config, EPOCH_MS),
            transcript: Vec::new(),
            now: EPOCH_MS,
            generation: 0,
        };
        p.drain();
        p
    }

    pub fn state(&self) -> State {
        self.session.state()
    }

    /// Sends text as the client would: each line gets CRLF; several lines go in one write.
    pub fn send(&mut self, text: &str) {
        if self.session.is_closed() {
            self.transcript.push(Entry::Note {
                rule: "closed",
                rfc: "RFC 5321 3.8",
                text: "The connection is closed. Restart the session to continue.".into(),
            });
            return;
        }
        let normalized = text.replace("\r\n", "\n");
        let mut bytes = Vec::with_capacity(normalized.len() + 2);
        for line in normalized.split('\n') {
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        self.now += 1000;
        self.session.handle_input(self.now, &bytes);
        self.drain();
    }

    fn drain(&mut self) {
        let _ = self.session.poll_transmit();
        while let Some(e) = self.session.poll_event() {
            match e {
                Event::Command { line } => self.transcript.push(Entry::Client(line)),
                Event::Reply(r) => self.transcript.push(Entry::Server {
                    lines: r.wire_lines(),
                    code: r.code,
                    rule: r.rule,
                    rfc: r.rfc,
                    explain_en: r.explain_en,
                    explain_ja: r.explain_ja,
                }),
                Event::Warning(w) => self.transcript.push(Entry::Note {
                    rule: w.rule,
                    rfc: w.rfc,
                    text: w.detail,
                }),
                _ => {}
            }
        }
    }
}

impl yew_reducible::Reducible for Playground {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Send(text) => next.send(&text),
            Action::Restart(cfg) => next = Playground::new(*cfg),
        }
        next.generation = self.generation + 1;
        Rc::new(next)
    }
}

/// Yew's `Reducible` on the web; a stand-in trait natively so the reducer is testable
/// without compiling Yew for the host.
pub mod yew_reducible {
    #[cfg(target_arch = "wasm32")]
    pub use yew::functional::Reducible;

    #[cfg(not(target_arch = "wasm32"))]
    pub trait Reducible {
        type Action;
        fn reduce(self: std::rc::Rc<Self>, action: Self::Action) -> std::rc::Rc<Self>;
    }
}

#[cfg(test)]
mod tests {
    use super::yew_reducible::Reducible;
    use super::*;

    fn server_lines(p: &Playground) -> Vec<String> {
        p.transcript
            .iter()
            .filter_map(|e| match e {
                Entry::Server { lines, .. } => Some(lines.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[test]
    fn greets_then_answers_ehlo() {
        let p = Rc::new(Playground::default());
        assert_eq!(server_lines(&p), vec!["220 foo.edu SMTP server ready"]);
        let p = p.reduce(Action::Send("EHLO client.example".into()));
        assert_eq!(p.state(), State::Greeted);
        assert_eq!(
            server_lines(&p)[1..],
            ["250-foo.edu", "250-PIPELINING", "250 SIZE"]
        );
        assert!(matches!(&p.transcript[1], Entry::Client(l) if l == "EHLO client.example"));
    }

    #[test]
    fn a_pasted_batch_is_one_pipelined_write() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA".into(),
        ));
        assert_eq!(p.state(), State::Data);
        let p = p.reduce(Action::Send("Subject: hi\n\nbody\n.".into()));
        assert_eq!(p.state(), State::Greeted);
        assert_eq!(server_lines(&p).last().map(String::as_str), Some("250 OK"));
    }

    #[test]
    fn a_closed_session_says_so_instead_of_failing() {
        let p = Rc::new(Playground::default()).reduce(Action::Send("QUIT".into()));
        let p = p.reduce(Action::Send("NOOP".into()));
        assert!(matches!(
            p.transcript.last(),
            Some(Entry::Note { rule: "closed", .. })
        ));
    }
}
