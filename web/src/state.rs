//! The playground's state and its reducer: pure, no browser APIs, unit-tested natively.
//!
//! Everything protocol-related comes from `mailroom-smtp` (replies, states, transitions,
//! envelopes, deliveries, explanations). The reducer only records what the core said, in
//! the order a reader of the transcript needs it.

use crate::scenario::Scenario;
use crate::settings::Settings;
#[cfg(feature = "validator")]
use mailroom_message::{BodyType, Built};
use mailroom_smtp::{profile, Config, Delivery, Event, Reply, Session, State, Warning};
use std::rc::Rc;

/// Whether a client line was read by the server as a command or as message content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Command,
    /// A line inside DATA (or BDAT chunk bytes): content, not a command.
    Data,
}

/// One entry of the transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// What the client sent (one line, control characters escaped as `\r`, `\n`, `\xHH`).
    Client { line: String, kind: LineKind },
    /// One reply (possibly multi-line) and why the server chose it.
    Server(Box<Reply>),
    /// A warning from the core.
    Note(Box<Warning>),
    /// The content of DATA / a BDAT chunk was received.
    Content { octets: u64, chunk: bool },
    /// RFC 2920: the server flushes the replies of a group here (shown only inside a
    /// pipelined batch, where it separates the groups).
    GroupEnd,
    /// A message was delivered (see the mailboxes panel).
    Delivered { id: String },
    /// The playground itself speaking (a restart, a closed connection).
    Info(Info),
    /// Client lines left out of the transcript: the middle of a long message, or lines
    /// sent after the server closed the connection (`unread`).
    Elided { lines: usize, unread: bool },
}

/// Messages of the playground itself (translated by the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Info {
    Closed,
    Restarted,
}

/// The last state transition, for the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
    pub cause: String,
    pub rule: &'static str,
    pub rfc: &'static str,
}

/// A guided scenario being stepped through.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRun {
    pub scenario: Rc<Scenario>,
    /// Steps already sent.
    pub done: usize,
    /// The mailboxes held this many messages when the scenario started (stepping back
    /// replays it: the messages it delivered are delivered again, not kept twice).
    pub deliveries_before: usize,
}

impl ScenarioRun {
    pub fn finished(&self) -> bool {
        self.done >= self.scenario.steps.len()
    }
}

#[derive(Debug, Clone)]
pub struct Playground {
    pub session: Session,
    pub transcript: Vec<Entry>,
    /// Entries dropped from the front of a long transcript: `dropped + index` is an
    /// entry's stable key, so an open explanation stays with its reply as lines arrive.
    pub dropped: usize,
    /// Simulated clock in ms; advances one second per input so traces differ.
    pub now: u64,
    /// Bumped by every action: Yew compares it to decide whether to re-render.
    pub generation: u64,
    pub last_transition: Option<Transition>,
    /// Every message delivered, newest last (kept across restarts: they are the mailboxes).
    pub deliveries: Vec<Rc<Delivery>>,
    /// Where this session's deliveries start in `deliveries` (earlier ones are kept from
    /// earlier sessions), and how many of this session's were emptied from the mailboxes:
    /// a restore replays the session's writes, then drops that many again.
    session_start: usize,
    pub cleared: usize,
    pub scenario: Option<ScenarioRun>,
    /// Counts sessions: forms that mirror the server configuration reset when it changes.
    pub sessions: u64,
    /// Slices of large writes not yet fed to the session (oldest first).
    pending: std::collections::VecDeque<Slice>,
    /// Every client write of this session, for links, autosave and "copy as fixture";
    /// `None` once they pass LOG_CAP (a 5 MB paste is not put into a link).
    log: Option<Vec<Rc<Vec<u8>>>>,
    /// Whether the write being drained starts / ends in this slice.
    slice: (bool, bool),
    /// What the validator should show (a delivered or composed message).
    #[cfg(feature = "validator")]
    pub inspect: Option<Rc<Inspect>>,
}

/// Part of a large client write.
#[derive(Debug, Clone)]
struct Slice {
    write: Rc<Vec<u8>>,
    range: std::ops::Range<usize>,
    first: bool,
    last: bool,
}

/// Octets fed to the session per slice: small enough to keep each step short in wasm.
const SLICE: usize = 128 * 1024;

/// The client writes a link or the autosave may hold, in all.
pub const LOG_CAP: usize = 256 * 1024;

/// A message handed to the validator, with the envelope it travelled with (if any).
#[cfg(feature = "validator")]
#[derive(Debug, Clone, PartialEq)]
pub struct Inspect {
    /// Distinguishes successive hand-overs of the same text.
    pub seq: u64,
    /// What the editor shows (lossy UTF-8).
    pub text: String,
    pub envelope: Option<mailroom_message::Envelope>,
    /// The message's own bytes, for a message handed over from a mailbox or the compose
    /// form: linted as they are (line endings and non-UTF-8 bytes included) until edited.
    /// `None` for text restored from a link or the autosave, which is editor text.
    pub bytes: Option<Vec<u8>>,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
    }
}

pub enum Action {
    /// A line, or a pasted multi-line batch sent as one pipelined write.
    Send(String),
    /// Message text from the DATA editor: dot-stuffed, then ended with ".".
    SendData(String),
    /// A fresh session with this configuration.
    Restart(Box<Config>),
    /// A fresh session configured by the settings form (already validated).
    Apply(Box<Settings>),
    /// Start a guided scenario (a fresh session with its server configuration).
    StartScenario(Rc<Scenario>),
    /// Send the next step of the running scenario.
    StepScenario,
    /// One step back: the scenario replayed from the start to the step before.
    ScenarioBack,
    /// Start the scenario with this id and send its first `n` steps at once.
    OpenScenario(String, usize),
    /// Feed the next slice of a large write to the session (the app dispatches it while
    /// [`Playground::busy`], one per macrotask, so the page stays responsive).
    Pump,
    /// Leave the scenario (the session stays as it is).
    StopScenario,
    /// Empty the mailboxes.
    ClearMailboxes,
    /// Open a saved state (a permalink or the autosave).
    Restore(Rc<crate::saved::Saved>),
    /// Open a delivered message (by index in `deliveries`) in the validator.
    #[cfg(feature = "validator")]
    InspectDelivery(usize),
    /// Open a composed message in the validator.
    #[cfg(feature = "validator")]
    InspectBuilt(Rc<Built>),
    /// Open a message file's bytes (opened or dropped) in the validator.
    #[cfg(feature = "validator")]
    InspectFile(Vec<u8>),
    /// Play a composed message's client side against the server, one step at a time.
    #[cfg(feature = "validator")]
    PlayBuilt(Rc<Built>),
}

/// 2026-11-27 00:00 UTC: a fixed start so transcripts are reproducible.
const EPOCH_MS: u64 = 1_795_737_600_000;

/// Transcript entries kept; older ones are dropped so a long session stays fast.
const MAX_ENTRIES: usize = 2_000;

/// Longest client line shown in full; longer lines are shortened in the transcript.
const MAX_SHOWN_LINE: usize = 2_000;

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
            dropped: 0,
            now: EPOCH_MS,
            generation: 0,
            last_transition: None,
            deliveries: Vec::new(),
            session_start: 0,
            cleared: 0,
            scenario: None,
            sessions: 0,
            pending: Default::default(),
            log: Some(Vec::new()),
            slice: (true, true),
            #[cfg(feature = "validator")]
            inspect: None,
        };
        p.drain(&[]);
        p
    }

    pub fn state(&self) -> State {
        self.session.state()
    }

    /// A transaction is open (MAIL accepted and not yet finished or reset).
    pub fn transaction_open(&self) -> bool {
        matches!(
            self.state(),
            State::MailFrom | State::RcptTo | State::Data | State::Bdat
        )
    }

    /// Sends text as the client would: each line gets CRLF; several lines go in one write.
    pub fn send(&mut self, text: &str) {
        let mut bytes = Vec::with_capacity(text.len() + text.len() / 32 + 2);
        for line in text.split('\n') {
            bytes.extend_from_slice(line.strip_suffix('\r').unwrap_or(line).as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        self.send_bytes(bytes);
    }

    /// Sends the DATA editor's text: lines starting with "." get another "." (RFC 5321
    /// 4.5.2, the client's half of transparency), then the end-of-data line ".".
    pub fn send_data(&mut self, text: &str) {
        self.send_bytes(data_bytes(text));
    }

    /// Raw client bytes in one write (a scenario's `C~` lines may hold bare LF / CR).
    /// A large write is fed to the session in slices (see [`Action::Pump`]) so the page
    /// never stops for long; the core gives the same result for any chunking.
    ///
    /// A write of one slice is fed at once; the first slice of a larger one waits for the
    /// next macrotask too, so the event that made it (a paste, a click) ends quickly.
    pub fn send_bytes(&mut self, bytes: Vec<u8>) {
        let slices = slice_points(&bytes, SLICE);
        let write = Rc::new(bytes);
        if let Some(log) = self.log.as_mut() {
            let total: usize = log.iter().map(|w| w.len()).sum::<usize>() + write.len();
            if total <= LOG_CAP {
                log.push(Rc::clone(&write));
            } else {
                self.log = None;
            }
        }
        let n = slices.len();
        for (i, range) in slices.into_iter().enumerate() {
            self.pending.push_back(Slice {
                write: Rc::clone(&write),
                range,
                first: i == 0,
                last: i + 1 == n,
            });
        }
        if self.pending.len() == n && n == 1 {
            // Nothing was waiting and it is small: now. Otherwise the app pumps while busy().
            self.pump();
        }
    }

    /// Slices of earlier writes are still waiting to be fed to the session.
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Octets waiting to be fed to the session.
    pub fn pending_octets(&self) -> usize {
        self.pending.iter().map(|s| s.range.len()).sum()
    }

    /// Feeds every waiting slice at once: for replays, where nothing is on screen yet.
    fn settle(&mut self) {
        while self.busy() {
            self.pump();
        }
    }

    /// Feeds the next waiting slice to the session.
    fn pump(&mut self) {
        let Some(slice) = self.pending.pop_front() else {
            return;
        };
        let bytes = slice.write.get(slice.range.clone()).unwrap_or_default();
        if self.session.is_closed() {
            if slice.first {
                self.push(Entry::Info(Info::Closed));
            } else if let Some(Entry::Elided {
                lines,
                unread: true,
            }) = self.transcript.last_mut()
            {
                *lines += bytes.windows(2).filter(|w| w == b"\r\n").count();
            }
            return;
        }
        if slice.first {
            self.now += 1000;
        }
        self.session.handle_input(self.now, bytes);
        self.slice = (slice.first, slice.last);
        self.drain(bytes);
        self.slice = (true, true);
    }

    /// Records the client's lines (command or content, as the core's `Command` events
    /// tell), then the server's side in event order. In a batch with several commands the
    /// RFC 2920 group ends separate the replies, as a pipelining client sees them.
    fn drain(&mut self, sent: &[u8]) {
        let _ = self.session.poll_transmit();
        let mut events = Vec::new();
        while let Some(e) = self.session.poll_event() {
            events.push(e);
        }
        let lines = split_lines(sent);
        let mut client: Vec<(String, LineKind)> = Vec::with_capacity(lines.len());
        let mut next = 0;
        let mut commands = 0;
        for e in &events {
            if let Event::Command { line } = e {
                commands += 1;
                match lines[next..].iter().position(|l| l == line) {
                    Some(k) => {
                        for l in &lines[next..next + k] {
                            client.push((l.clone(), LineKind::Data));
                        }
                        client.push((line.clone(), LineKind::Command));
                        next += k + 1;
                    }
                    // The core shows the line differently (too long, not UTF-8): use its form.
                    None => client.push((line.clone(), LineKind::Command)),
                }
            }
        }
        let rest = &lines[next..];
        if self.session.is_closed() && !rest.is_empty() {
            // Sent after the server closed: never read.
            self.push_client_lines(client);
            self.push(Entry::Elided {
                lines: rest.len(),
                unread: true,
            });
        } else {
            client.extend(rest.iter().map(|l| (l.clone(), LineKind::Data)));
            self.push_client_lines(client);
        }
        let pipelined = commands > 1;
        let n = events.len();
        for (i, e) in events.into_iter().enumerate() {
            match e {
                Event::Command { .. } | Event::StartTls | Event::Close => {}
                Event::Reply(r) => self.push(Entry::Server(Box::new(r))),
                Event::Warning(w) => self.push(Entry::Note(Box::new(w))),
                Event::Content { octets, chunk } => self.push(Entry::Content { octets, chunk }),
                Event::GroupEnd => {
                    if pipelined && i + 1 < n {
                        self.push(Entry::GroupEnd)
                    }
                }
                Event::Transition {
                    from,
                    to,
                    cause,
                    rule,
                    rfc,
                } => {
                    self.last_transition = Some(Transition {
                        from,
                        to,
                        cause,
                        rule,
                        rfc,
                    })
                }
                Event::Delivered(d) => {
                    self.push(Entry::Delivered { id: d.id.clone() });
                    self.deliveries.push(Rc::new(d));
                }
            }
        }
    }

    /// Client lines in order; a long run of content lines is shortened to its first and
    /// last lines (a 5 MB message would otherwise flood the transcript).
    fn push_client_lines(&mut self, lines: Vec<(String, LineKind)>) {
        let mut run: Vec<(String, LineKind)> = Vec::new();
        let mut at_start = true;
        for (line, kind) in lines {
            if kind == LineKind::Data {
                run.push((line, kind));
                continue;
            }
            self.flush_data_run(&mut run, at_start, false);
            at_start = false;
            self.push_client(&line, kind);
        }
        self.flush_data_run(&mut run, at_start, true);
    }

    /// Shows a run of content lines as its first and last lines around an elision. A run
    /// that goes on in the next slice of the same write shows no tail yet; one that
    /// continues from the previous slice adds to that slice's elision.
    fn flush_data_run(&mut self, run: &mut Vec<(String, LineKind)>, at_start: bool, at_end: bool) {
        const HEAD: usize = 30;
        const TAIL: usize = 10;
        let (first, last) = self.slice;
        let merge = at_start
            && !first
            && matches!(
                self.transcript.last(),
                Some(Entry::Elided { unread: false, .. })
            );
        let head = if merge { 0 } else { HEAD };
        let tail = if at_end && !last { 0 } else { TAIL };
        let n = run.len();
        if n <= head + tail + usize::from(!merge) {
            for (line, kind) in run.drain(..) {
                self.push_client(&line, kind);
            }
            return;
        }
        let hidden = n - head - tail;
        for (i, (line, kind)) in run.drain(..).enumerate() {
            if i == head {
                match self.transcript.last_mut() {
                    Some(Entry::Elided {
                        lines,
                        unread: false,
                    }) if merge => *lines += hidden,
                    _ => self.push(Entry::Elided {
                        lines: hidden,
                        unread: false,
                    }),
                }
            }
            if i < head || i >= n - tail {
                self.push_client(&line, kind);
            }
        }
    }

    fn push_client(&mut self, line: &str, kind: LineKind) {
        let (kept, cut) = crate::shorten::at_most(line, MAX_SHOWN_LINE);
        let mut shown = kept.to_owned();
        if cut {
            shown.push('…');
        }
        self.push(Entry::Client { line: shown, kind });
    }

    fn push(&mut self, e: Entry) {
        if self.transcript.len() >= MAX_ENTRIES {
            self.transcript.drain(..MAX_ENTRIES / 4);
            self.dropped += MAX_ENTRIES / 4;
        }
        self.transcript.push(e);
    }

    /// A fresh session; mailboxes (deliveries) are kept.
    /// The session so far as a link or the autosave holds it; `None` when its writes are
    /// too large (then only the settings are kept: see [`Playground::saved_settings`]).
    pub fn saved(&self) -> Option<crate::saved::Saved> {
        let log = self.log.as_ref()?;
        Some(crate::saved::Saved {
            writes: log.iter().map(|w| w.as_ref().clone()).collect(),
            ..self.saved_settings()
        })
    }

    /// The server settings and scenario, without the session's writes.
    pub fn saved_settings(&self) -> crate::saved::Saved {
        crate::saved::Saved {
            config: self.session.config().clone(),
            writes: Vec::new(),
            scenario: self
                .scenario
                .as_ref()
                .map(|r| (r.scenario.id.to_owned(), r.done)),
            validator: None,
            validator_envelope: self.validator_envelope(),
            mailboxes_cleared: self.cleared,
            lang: None,
        }
    }

    /// The envelope the validator compares with, as saved.
    #[cfg(feature = "validator")]
    fn validator_envelope(&self) -> Option<crate::saved::SavedEnvelope> {
        let e = self.inspect.as_ref()?.envelope.as_ref()?;
        Some(crate::saved::SavedEnvelope {
            mail_from: e.mail_from.clone(),
            rcpt_to: e.rcpt_to.clone(),
            body: e.body.as_str().into(),
            smtputf8: e.smtputf8,
        })
    }
    #[cfg(not(feature = "validator"))]
    fn validator_envelope(&self) -> Option<crate::saved::SavedEnvelope> {
        None
    }

    /// A playground in the state `saved` describes: the same server, the same writes
    /// replayed (the core is deterministic), the scenario at the same step.
    pub fn restore(saved: &crate::saved::Saved) -> Playground {
        let mut p = Playground::new(saved.config.clone());
        for w in &saved.writes {
            p.send_bytes(w.clone());
            p.settle();
        }
        // The messages that had been emptied from the mailboxes stay emptied.
        let n = saved.mailboxes_cleared.min(p.deliveries.len());
        p.deliveries.drain(..n);
        p.cleared = saved.mailboxes_cleared;
        if let Some((id, done)) = &saved.scenario {
            if let Some(scenario) = crate::scenario::by_id(id) {
                let done = (*done).min(scenario.steps.len());
                p.scenario = Some(ScenarioRun {
                    scenario,
                    done,
                    deliveries_before: 0,
                });
            }
        }
        p
    }

    /// The session so far as a dialogue fixture of the core's tests (it passes them).
    pub fn fixture(&self) -> Option<String> {
        let log = self.log.as_ref()?;
        let writes: Vec<Vec<u8>> = log.iter().map(|w| w.as_ref().clone()).collect();
        Some(mailroom_smtp::transcript::record(
            self.session.config(),
            &writes,
        ))
    }

    fn restarted(&self, config: Config) -> Playground {
        let mut p = Playground::new(config);
        p.deliveries = self.deliveries.clone();
        p.session_start = p.deliveries.len();
        p.sessions = self.sessions + 1;
        #[cfg(feature = "validator")]
        {
            p.inspect = self.inspect.clone();
        }
        p.transcript.insert(0, Entry::Info(Info::Restarted));
        p
    }

    /// A fresh session running `scenario` with its first `n` steps sent.
    fn at_step(&self, scenario: Rc<Scenario>, n: usize) -> Playground {
        let kept = self
            .scenario
            .as_ref()
            .map_or(self.deliveries.len(), |r| r.deliveries_before)
            .min(self.deliveries.len());
        let mut p = self.restarted(scenario.config.clone());
        p.deliveries.truncate(kept);
        p.session_start = p.deliveries.len();
        p.scenario = Some(ScenarioRun {
            scenario,
            done: 0,
            deliveries_before: kept,
        });
        for _ in 0..n {
            p.step_scenario();
            p.settle();
        }
        p
    }

    fn step_scenario(&mut self) {
        let Some(run) = self.scenario.as_ref() else {
            return;
        };
        let Some(step) = run.scenario.steps.get(run.done) else {
            return;
        };
        let bytes = step.bytes.clone();
        if let Some(run) = self.scenario.as_mut() {
            run.done += 1;
        }
        self.send_bytes(bytes);
    }
}

#[cfg(feature = "validator")]
impl Playground {
    fn inspect(
        &mut self,
        text: String,
        envelope: Option<mailroom_message::Envelope>,
        bytes: Option<Vec<u8>>,
    ) {
        let seq = self.inspect.as_ref().map_or(1, |i| i.seq + 1);
        self.inspect = Some(Rc::new(Inspect {
            seq,
            text,
            envelope,
            bytes,
        }));
    }

    /// Hands a message over to the validator as bytes.
    fn inspect_bytes(&mut self, bytes: Vec<u8>, envelope: Option<mailroom_message::Envelope>) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        self.inspect(text, envelope, Some(bytes));
    }
}

/// The envelope of a delivery in the validator's terms.
#[cfg(feature = "validator")]
pub fn delivery_envelope(d: &Delivery) -> mailroom_message::Envelope {
    mailroom_message::Envelope {
        mail_from: d.reverse_path.clone(),
        rcpt_to: d.recipients.iter().map(|r| r.address.clone()).collect(),
        body: d.body.parse().unwrap_or_default(),
        smtputf8: d.smtputf8,
    }
}

/// The envelope a composed message will travel with.
#[cfg(feature = "validator")]
pub fn built_envelope(b: &Built) -> mailroom_message::Envelope {
    mailroom_message::Envelope {
        mail_from: b.mail_from.clone(),
        rcpt_to: b.envelope_recipients.clone(),
        body: if b.bytes.is_ascii() {
            BodyType::SevenBit
        } else {
            BodyType::EightBitMime
        },
        smtputf8: false,
    }
}

/// The leading Return-Path / Received fields of a stored message (with their folded
/// lines) and the rest: the trace fields the server added (RFC 5321 4.4).
pub fn split_trace(text: &str) -> (&str, &str) {
    let mut end = 0;
    let mut in_trace = false;
    for line in text.split_inclusive('\n') {
        let starts_trace = line.starts_with("Return-Path:") || line.starts_with("Received:");
        let folded = in_trace && line.starts_with([' ', '\t']);
        if starts_trace || folded {
            in_trace = true;
            end += line.len();
        } else {
            break;
        }
    }
    text.split_at(end)
}

/// The DATA editor's text as it goes on the wire, in one pass: CRLF line ends, a "."
/// added to lines that start with "." (RFC 5321 4.5.2), then the end-of-data line.
pub fn data_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 32 + 8);
    let body = text.strip_suffix('\n').unwrap_or(text);
    let body = body.strip_suffix('\r').unwrap_or(body);
    if !body.is_empty() {
        for line in body.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.starts_with('.') {
                out.push(b'.');
            }
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// Where to cut a write into slices of at most `max` octets: after a CRLF when there is
/// one in the slice, so each slice holds whole lines.
fn slice_points(bytes: &[u8], max: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while bytes.len() - start > max {
        let window = &bytes[start..start + max];
        let cut = window
            .windows(2)
            .rposition(|w| w == b"\r\n")
            .map_or(max, |i| i + 2);
        out.push(start..start + cut);
        start += cut;
    }
    out.push(start..bytes.len());
    out
}

/// The client's half of RFC 5321 4.5.2 transparency: a line that starts with "." gets one
/// more. Line ends become "\n"; a final line end is dropped (the "." line follows).
pub fn dot_stuff(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n");
    let body = normalized.strip_suffix('\n').unwrap_or(&normalized);
    body.split('\n')
        .map(|l| {
            if l.starts_with('.') {
                format!(".{l}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines of a write as shown: split at CRLF; other control bytes escaped.
fn split_lines(bytes: &[u8]) -> Vec<String> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let body = bytes.strip_suffix(b"\r\n").unwrap_or(bytes);
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let cut = rest.windows(2).position(|w| w == b"\r\n");
        let (line, tail) = match cut {
            Some(i) => (&rest[..i], Some(&rest[i + 2..])),
            None => (rest, None),
        };
        out.push(show_line(line));
        match tail {
            Some(t) => rest = t,
            None => break,
        }
    }
    out
}

/// A line as text: valid UTF-8 without control characters as is, anything else escaped
/// the way dialogue fixtures write it.
fn show_line(line: &[u8]) -> String {
    match std::str::from_utf8(line) {
        Ok(s) if !s.chars().any(|c| c.is_control() && c != '\t') => s.to_owned(),
        _ => mailroom_smtp::transcript::escape(line),
    }
}

impl yew_reducible::Reducible for Playground {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Send(text) => next.send(&text),
            Action::SendData(text) => next.send_data(&text),
            Action::Restart(cfg) => next = self.restarted(*cfg),
            Action::Apply(settings) => match settings.to_config() {
                Ok(cfg) => next = self.restarted(cfg),
                Err(_) => return self,
            },
            Action::StartScenario(s) => {
                next = self.restarted(s.config.clone());
                next.scenario = Some(ScenarioRun {
                    scenario: s,
                    done: 0,
                    deliveries_before: self.deliveries.len(),
                });
            }
            Action::StepScenario => next.step_scenario(),
            Action::ScenarioBack => {
                // At the first step there is nothing to take back (and no new session).
                if let Some(run) = self.scenario.as_ref().filter(|r| r.done > 0) {
                    next = self.at_step(Rc::clone(&run.scenario), run.done - 1);
                }
            }
            Action::OpenScenario(id, n) => {
                if let Some(s) = crate::scenario::by_id(&id) {
                    next = self.at_step(s, n);
                }
            }
            Action::Pump => next.pump(),
            Action::StopScenario => next.scenario = None,
            Action::ClearMailboxes => {
                next.cleared += next.deliveries.len().saturating_sub(next.session_start);
                next.session_start = 0;
                next.deliveries.clear();
            }
            Action::Restore(saved) => {
                next = Playground::restore(&saved);
                next.sessions = self.sessions + 1;
                #[cfg(feature = "validator")]
                if let Some(text) = &saved.validator {
                    let envelope =
                        saved
                            .validator_envelope
                            .as_ref()
                            .map(|e| mailroom_message::Envelope {
                                mail_from: e.mail_from.clone(),
                                rcpt_to: e.rcpt_to.clone(),
                                body: e.body.parse().unwrap_or_default(),
                                smtputf8: e.smtputf8,
                            });
                    next.inspect(text.clone(), envelope, None);
                }
            }
            #[cfg(feature = "validator")]
            Action::InspectDelivery(i) => {
                if let Some(d) = self.deliveries.get(i) {
                    next.inspect_bytes(d.data.clone(), Some(delivery_envelope(d)));
                }
            }
            #[cfg(feature = "validator")]
            Action::InspectBuilt(b) => {
                let env = built_envelope(&b);
                next.inspect_bytes(b.bytes.clone(), Some(env));
            }
            #[cfg(feature = "validator")]
            Action::InspectFile(bytes) => next.inspect_bytes(bytes, None),
            #[cfg(feature = "validator")]
            Action::PlayBuilt(b) => {
                let s = crate::scenario::from_built(&b, self.session.config().clone());
                next = self.restarted(s.config.clone());
                next.scenario = Some(ScenarioRun {
                    scenario: Rc::new(s),
                    done: 0,
                    deliveries_before: self.deliveries.len(),
                });
                next.inspect_bytes(b.bytes.clone(), Some(built_envelope(&b)));
            }
        }
        next.generation = self.generation + 1;
        Rc::new(next)
    }
}

/// Command-line history for Up/Down, like a shell: Up walks back, Down walks forward and
/// finally restores what was being typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    lines: Vec<String>,
    /// Index into `lines` while browsing.
    pos: Option<usize>,
    /// What was in the input before browsing started.
    draft: String,
}

impl History {
    const MAX: usize = 200;

    pub fn push(&mut self, line: &str) {
        self.pos = None;
        if line.trim().is_empty() || self.lines.last().map(String::as_str) == Some(line) {
            return;
        }
        if self.lines.len() >= Self::MAX {
            self.lines.remove(0);
        }
        self.lines.push(line.to_owned());
    }

    /// The older line to show, or None when there is none.
    pub fn up(&mut self, current: &str) -> Option<String> {
        let pos = match self.pos {
            None if self.lines.is_empty() => return None,
            None => {
                self.draft = current.to_owned();
                self.lines.len() - 1
            }
            Some(0) => return None,
            Some(p) => p - 1,
        };
        self.pos = Some(pos);
        self.lines.get(pos).cloned()
    }

    /// The newer line to show (the draft after the newest), or None when not browsing.
    pub fn down(&mut self) -> Option<String> {
        let pos = self.pos?;
        if pos + 1 < self.lines.len() {
            self.pos = Some(pos + 1);
            self.lines.get(pos + 1).cloned()
        } else {
            self.pos = None;
            Some(std::mem::take(&mut self.draft))
        }
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

    #[test]
    fn a_scenario_opens_at_a_step_and_steps_back() {
        let p = Rc::new(Playground::default()).reduce(Action::OpenScenario("lmtp".into(), 3));
        assert_eq!(p.scenario.as_ref().map(|r| r.done), Some(3));
        let forward = Rc::clone(&p).reduce(Action::StepScenario);
        let back = forward.reduce(Action::ScenarioBack);
        assert_eq!(back.scenario.as_ref().map(|r| r.done), Some(3));
        assert_eq!(
            server_lines(&back),
            server_lines(&p),
            "the same dialogue as at step 3"
        );
        let none =
            Rc::new(Playground::default()).reduce(Action::OpenScenario("nonesuch".into(), 2));
        assert!(none.scenario.is_none());
        // Back and forth over a delivery keeps one copy of the message.
        let delivered =
            Rc::new(Playground::default()).reduce(Action::OpenScenario("basic".into(), 6));
        assert_eq!(delivered.deliveries.len(), 1);
        let again = delivered
            .reduce(Action::ScenarioBack)
            .reduce(Action::StepScenario);
        assert_eq!(again.deliveries.len(), 1, "not delivered twice");
        // Back at the first step does nothing (no new session line).
        let start = Rc::new(Playground::default()).reduce(Action::OpenScenario("basic".into(), 0));
        let back = Rc::clone(&start).reduce(Action::ScenarioBack);
        assert_eq!(back.transcript, start.transcript);
        assert_eq!(back.scenario.as_ref().map(|r| r.done), Some(0));
    }

    #[test]
    fn a_saved_session_restores_to_the_same_transcript_and_scenario_step() {
        let scenario = crate::scenario::all()
            .into_iter()
            .find(|s| s.id == "lmtp")
            .expect("lmtp scenario");
        let mut p = Rc::new(Playground::default()).reduce(Action::StartScenario(scenario));
        for _ in 0..3 {
            p = p.reduce(Action::StepScenario);
        }
        p = p.reduce(Action::Send("NOOP".into()));
        let saved = p.saved().expect("small");
        let text = saved.to_text();
        let back = crate::saved::Saved::from_text(&text).expect("reads back");
        let q = Rc::new(Playground::default()).reduce(Action::Restore(Rc::new(back)));
        assert_eq!(server_lines(&q), server_lines(&p));
        assert_eq!(q.session.state(), p.session.state());
        assert_eq!(q.scenario.as_ref().map(|r| r.done), Some(3));
        assert_eq!(q.session.config(), p.session.config());
    }

    #[test]
    #[cfg(feature = "validator")]
    fn the_validators_envelope_is_saved_and_restored() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "EHLO c\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\nSubject: x\n\nhi\n."
                .into(),
        ));
        let p = p.reduce(Action::InspectDelivery(0));
        let mut saved = p.saved().expect("small");
        saved.validator = Some("Subject: x\n\nhi\n".into());
        let text = saved.to_text();
        assert!(text.contains("\nvalidator-envelope: "), "{text}");
        let back = crate::saved::Saved::from_text(&text).expect("reads back");
        let q = Rc::new(Playground::default()).reduce(Action::Restore(Rc::new(back)));
        let env = |p: &Playground| p.inspect.as_ref().and_then(|i| i.envelope.clone());
        assert!(env(&p).is_some());
        assert_eq!(env(&q), env(&p));
    }

    #[test]
    fn emptied_mailboxes_stay_empty_after_a_restore() {
        let mail = |to: &str| {
            Action::Send(format!(
                "MAIL FROM:<a@b.example>\nRCPT TO:<{to}>\nDATA\nSubject: x\n\nhi\n."
            ))
        };
        let mut p = Rc::new(Playground::default()).reduce(Action::Send("EHLO c".into()));
        p = p
            .reduce(mail("one@d.example"))
            .reduce(mail("two@d.example"));
        assert_eq!(p.deliveries.len(), 2);
        p = p
            .reduce(Action::ClearMailboxes)
            .reduce(mail("three@d.example"));
        let restore = |p: &Playground| {
            let text = p.saved().expect("small").to_text();
            let back = crate::saved::Saved::from_text(&text).expect("reads back");
            Rc::new(Playground::default()).reduce(Action::Restore(Rc::new(back)))
        };
        let q = restore(&p);
        let to = |p: &Playground| -> Vec<String> {
            p.deliveries
                .iter()
                .map(|d| d.recipients[0].address.clone())
                .collect()
        };
        assert_eq!(to(&q), to(&p));
        assert_eq!(to(&q), ["three@d.example"]);
        // Cleared twice, and restored twice: still the same.
        let p = p
            .reduce(Action::ClearMailboxes)
            .reduce(mail("four@d.example"));
        assert_eq!(to(&restore(&restore(&p))), ["four@d.example"]);
    }

    #[test]
    fn a_session_over_the_log_cap_saves_its_settings_only() {
        let big = format!("{}\n", "y".repeat(99)).repeat(LOG_CAP / 100 + 10);
        let mut p = Rc::new(Playground::default()).reduce(Action::Send(big));
        while p.busy() {
            p = p.reduce(Action::Pump);
        }
        assert!(p.saved().is_none() && p.fixture().is_none());
        assert_eq!(p.saved_settings().config, *p.session.config());
    }

    fn server_lines(p: &Playground) -> Vec<String> {
        p.transcript
            .iter()
            .filter_map(|e| match e {
                Entry::Server(r) => Some(r.wire_lines()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn client(p: &Playground) -> Vec<(String, LineKind)> {
        p.transcript
            .iter()
            .filter_map(|e| match e {
                Entry::Client { line, kind } => Some((line.clone(), *kind)),
                _ => None,
            })
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
        assert!(
            matches!(&p.transcript[1], Entry::Client { line, kind: LineKind::Command } if line == "EHLO client.example")
        );
        let t = p.last_transition.as_ref().expect("a transition");
        assert_eq!((t.from, t.to), (State::Connected, State::Greeted));
    }

    #[test]
    fn a_pasted_batch_is_one_pipelined_write() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA".into(),
        ));
        assert_eq!(p.state(), State::Data);
        // All four client lines first, then the replies, split into RFC 2920 groups.
        let kinds: Vec<_> = p.transcript[1..]
            .iter()
            .map(|e| match e {
                Entry::Client { .. } => 'C',
                Entry::Server(_) => 'S',
                Entry::GroupEnd => '|',
                _ => '?',
            })
            .collect();
        assert_eq!(kinds.iter().collect::<String>(), "CCCCS|SSS");
        let p = p.reduce(Action::Send("Subject: hi\n\nbody\n.".into()));
        assert_eq!(p.state(), State::Greeted);
        assert_eq!(server_lines(&p).last().map(String::as_str), Some("250 OK"));
        assert_eq!(p.deliveries.len(), 1);
    }

    #[test]
    fn content_lines_are_marked_as_data() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "HELO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\nhello\n.\nQUIT"
                .into(),
        ));
        let c = client(&p);
        let kinds: Vec<_> = c.iter().map(|(_, k)| *k).collect();
        use LineKind::*;
        assert_eq!(
            kinds,
            [Command, Command, Command, Command, Data, Data, Command]
        );
        assert!(p.session.is_closed());
    }

    #[test]
    fn the_data_editor_stuffs_dots_and_ends_the_data() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA".into(),
        ));
        let p = p.reduce(Action::SendData("Subject: dots\n\n.one\n..two\n.\n".into()));
        assert_eq!(p.state(), State::Greeted);
        let c = client(&p);
        let data: Vec<_> = c
            .iter()
            .filter(|(_, k)| *k == LineKind::Data)
            .map(|(l, _)| l.as_str())
            .collect();
        assert_eq!(data, ["Subject: dots", "", "..one", "...two", "..", "."]);
        let stored = String::from_utf8_lossy(&p.deliveries[0].data).into_owned();
        assert!(stored.ends_with("\r\n.one\r\n..two\r\n.\r\n"), "{stored}");
        // The server's note on the removed dots, in both languages.
        let note = p.transcript.iter().find_map(|e| match e {
            Entry::Note(w) => Some((w.detail.clone(), w.detail_ja.clone())),
            _ => None,
        });
        assert_eq!(
            note,
            Some((
                "3 leading dot(s) removed".to_string(),
                "行頭のドットを 3 個取り除きました".to_string()
            ))
        );
    }

    #[test]
    fn dot_stuffing() {
        assert_eq!(dot_stuff("a\n.b\n"), "a\n..b");
        assert_eq!(dot_stuff(".\r\nx"), "..\nx");
        assert_eq!(dot_stuff(""), "");
    }

    #[test]
    fn raw_bytes_are_shown_escaped() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA".into(),
        ));
        let mut p = (*p).clone();
        p.send_bytes(b"x\n.\nMAIL FROM:<e@f.example>\r\n".to_vec());
        assert_eq!(p.state(), State::Data);
        assert!(client(&p)
            .iter()
            .any(|(l, k)| l == "x\\n.\\nMAIL FROM:<e@f.example>" && *k == LineKind::Data));
    }

    #[test]
    fn a_closed_session_says_so_instead_of_failing() {
        let p = Rc::new(Playground::default()).reduce(Action::Send("QUIT".into()));
        let p = p.reduce(Action::Send("NOOP".into()));
        assert_eq!(p.transcript.last(), Some(&Entry::Info(Info::Closed)));
    }

    #[test]
    fn restart_keeps_the_mailboxes() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "HELO c\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\nx\n.".into(),
        ));
        assert_eq!(p.deliveries.len(), 1);
        let lmtp = profile::profile("lmtp").expect("lmtp profile");
        let p = p.reduce(Action::Restart(Box::new(lmtp)));
        assert!(p.session.flags().lmtp);
        assert_eq!(p.deliveries.len(), 1);
        assert_eq!(p.transcript[0], Entry::Info(Info::Restarted));
        assert!(!p.transaction_open());
        let p = p.reduce(Action::ClearMailboxes);
        assert!(p.deliveries.is_empty());
    }

    #[test]
    #[cfg(feature = "validator")]
    fn a_delivery_opens_in_the_validator_with_its_envelope() {
        let p = Rc::new(Playground::default()).reduce(Action::Send(
            "EHLO c\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA\nSubject: x\n\nhi\n."
                .into(),
        ));
        let p = p.reduce(Action::InspectDelivery(0));
        let i = p.inspect.as_ref().expect("inspecting");
        assert!(i.text.starts_with("Return-Path: <a@b.example>"));
        let env = i.envelope.as_ref().expect("envelope");
        assert_eq!(env.rcpt_to, ["c@d.example"]);
        let (trace, rest) = split_trace(&i.text);
        assert!(trace.contains("Received: from c"));
        assert!(rest.starts_with("Subject: x"));
        let seq = i.seq;
        let p = p.reduce(Action::InspectDelivery(0));
        assert_eq!(p.inspect.as_ref().map(|i| i.seq), Some(seq + 1));
        let p = p.reduce(Action::InspectDelivery(7));
        assert_eq!(p.inspect.as_ref().map(|i| i.seq), Some(seq + 1));
        // The validator gets the delivery's own bytes (CRLF, and any non-UTF-8 byte), not
        // the lossy editor text; restored editor text has none.
        let i = p.inspect.as_ref().expect("inspecting");
        assert_eq!(i.bytes.as_deref(), Some(&p.deliveries[0].data[..]));
        assert!(i.text.contains("\r\n"));
    }

    #[test]
    #[cfg(feature = "validator")]
    fn a_file_opens_in_the_validator_as_its_bytes() {
        // Bare LF and a Shift_JIS byte pair: a paste would turn both into something else.
        let bytes = b"From: a@b.example\nSubject: \x93\xfa\n\nhi\n".to_vec();
        let p = Rc::new(Playground::default()).reduce(Action::InspectFile(bytes.clone()));
        let i = p.inspect.as_ref().expect("inspecting");
        assert_eq!(i.bytes.as_deref(), Some(&bytes[..]));
        assert_eq!(
            i.text,
            "From: a@b.example\nSubject: \u{fffd}\u{fffd}\n\nhi\n"
        );
        assert_eq!(i.envelope, None);
        let seq = i.seq;
        let p = p.reduce(Action::InspectFile(bytes));
        assert_eq!(p.inspect.as_ref().map(|i| i.seq), Some(seq + 1));
    }

    #[test]
    #[cfg(feature = "validator")]
    fn a_composed_message_plays_line_by_line() {
        let built = Rc::new(mailroom_message::build(&mailroom_message::Compose {
            from: "Chris <chris@foo.edu>".into(),
            to: vec!["pat@bar.com".into()],
            bcc: vec!["secret@bar.com".into()],
            subject: "日本語の件名".into(),
            body: ".dot\nこんにちは".into(),
            date_unix: 1_795_737_600,
            ..Default::default()
        }));
        let mut p = Rc::new(Playground::default()).reduce(Action::PlayBuilt(built));
        let steps = p.scenario.as_ref().map(|s| s.scenario.steps.len());
        assert_eq!(steps, Some(6), "EHLO, MAIL, 2 RCPT, DATA, content");
        while !p.scenario.as_ref().is_some_and(ScenarioRun::finished) {
            p = p.reduce(Action::StepScenario);
        }
        assert_eq!(p.deliveries.len(), 1);
        let d = &p.deliveries[0];
        assert_eq!(d.recipients.len(), 2);
        let stored = String::from_utf8_lossy(&d.data);
        assert!(
            !stored.contains("secret@bar.com"),
            "Bcc is not in the header"
        );
        assert!(p.inspect.is_some());
    }

    #[test]
    fn long_content_and_unread_lines_are_elided() {
        let mut p = Playground::default();
        p.send("HELO c\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA");
        let body: Vec<String> = (0..1000).map(|i| format!("line {i}")).collect();
        p.send_data(&body.join("\n"));
        assert!(p.transcript.len() < 100, "{}", p.transcript.len());
        assert!(p.transcript.contains(&Entry::Elided {
            lines: 961,
            unread: false
        }));
        assert!(client(&p).iter().any(|(l, _)| l == "line 999"));
        assert_eq!(p.deliveries.len(), 1);
        let mut p = Playground::default();
        p.send(&"junk\n".repeat(30));
        assert!(p.session.is_closed());
        assert!(p
            .transcript
            .iter()
            .any(|e| matches!(e, Entry::Elided { unread: true, .. })));
    }

    #[test]
    fn a_large_write_goes_in_slices_with_the_same_result() {
        let mut p = Playground::default();
        p.send("EHLO c\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nDATA");
        let line = format!(".{}\n", "x".repeat(76));
        let big = format!("Subject: big\n\n{}", line.repeat(20_000));
        p.send_data(&big);
        assert!(p.busy());
        p.send("NOOP");
        let mut pumps = 0;
        while p.busy() {
            p.pump();
            pumps += 1;
        }
        assert!(pumps > 5, "{pumps}");
        assert_eq!(p.deliveries.len(), 1);
        let stored = &p.deliveries[0].data;
        assert_eq!(
            stored
                .windows(78)
                .filter(|w| w.starts_with(b".x") && w.ends_with(b"x\r"))
                .count(),
            20_000,
            "every stuffed line unstuffed once"
        );
        // One elision for the whole message, then the end of data, then NOOP's reply.
        let elided: Vec<_> = p
            .transcript
            .iter()
            .filter_map(|e| match e {
                Entry::Elided { lines, .. } => Some(*lines),
                _ => None,
            })
            .collect();
        assert_eq!(elided, [20_002 + 1 - 30 - 10]);
        assert!(p.transcript.len() < 80);
        assert_eq!(server_lines(&p).last().map(String::as_str), Some("250 OK"));
        assert!(matches!(client(&p).last(), Some((l, LineKind::Command)) if l == "NOOP"));
    }

    #[test]
    fn data_bytes_and_slices() {
        assert_eq!(data_bytes("a\r\n.b\n"), b"a\r\n..b\r\n.\r\n");
        assert_eq!(data_bytes(""), b".\r\n");
        assert_eq!(slice_points(b"ab\r\ncd\r\nef", 6), [0..4, 4..10]);
        assert_eq!(slice_points(b"ab\r\ncd\r\nefg", 6), [0..4, 4..8, 8..11]);
        assert_eq!(slice_points(b"abcdefgh", 3), [0..3, 3..6, 6..8]);
        assert_eq!(slice_points(b"", 3), vec![0..0]);
    }

    #[test]
    fn history_walks_back_and_forth() {
        let mut h = History::default();
        assert_eq!(h.up("x"), None);
        h.push("EHLO a");
        h.push("MAIL FROM:<a@b>");
        h.push("MAIL FROM:<a@b>");
        assert_eq!(h.up("typing").as_deref(), Some("MAIL FROM:<a@b>"));
        assert_eq!(h.up("").as_deref(), Some("EHLO a"));
        assert_eq!(h.up(""), None);
        assert_eq!(h.down().as_deref(), Some("MAIL FROM:<a@b>"));
        assert_eq!(h.down().as_deref(), Some("typing"));
        assert_eq!(h.down(), None);
    }

    #[test]
    fn huge_and_odd_input_leaves_the_page_working() {
        let mut p = Playground::default();
        p.send(&"A".repeat(100_000));
        p.send("\u{0}\u{7f}\r\r\n<img src=x onerror=alert(1)>");
        p.send_bytes(vec![0xff, 0xfe, b'\r', b'\n']);
        assert!(!p.transcript.is_empty());
        for _ in 0..3000 {
            p.send("NOOP");
            if p.session.is_closed() {
                break;
            }
        }
        assert!(p.transcript.len() <= MAX_ENTRIES);
    }
}
