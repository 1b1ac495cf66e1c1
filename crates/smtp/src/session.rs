//! The session layer: the SMTP/LMTP state machine.
//!
//! Sans-IO in the style of quinn-proto: `handle_*` methods take input (bytes, time, TLS
//! completion), `poll_*` methods give output. Order of outputs: events come out in the
//! order they happened; `poll_transmit` returns every reply byte produced so far.
//! Time is always an argument (`now_ms`); the session never reads a clock.

use crate::config::{Config, Enforcement, Extension, Fault, MailboxState, Mode, SyntaxPolicy};
use crate::event::{Delivery, Event, RecipientResult, Warning};
use crate::framing::{take_chunk, DataReader, LineFrame, LineReader};
use crate::reply::{Enhanced, Reply};
use crate::rules::Rule;
use crate::state::{Body, Flags, State};
use crate::syntax::param::{is_by, is_notify, is_orcpt, is_xtext};
use crate::syntax::{
    parse_command, Command, CommandError, ForwardPath, Leniency, Mailbox, Param, PathError,
    ReversePath, Strictness, Verb,
};
use crate::trace::{with_protocol, Trace};
use base64::Engine as _;
use serde::Serialize;
use std::collections::VecDeque;

/// A parameter value's validator and the grammar quoted when it fails.
type ParamGrammar = (fn(&str) -> bool, &'static str);

/// RFC 4954 4: an AUTH line (command or response) may be up to 12288 octets.
const AUTH_LINE_MAX: usize = 12_288;

/// One recipient of the envelope, with the reply its RCPT got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvelopeRecipient {
    pub address: String,
    pub params: Vec<Param>,
    pub code: u16,
    pub accepted: bool,
    /// After DATA: the code of this recipient's result (LMTP) or of the single reply (SMTP).
    pub result: Option<u16>,
    #[serde(skip)]
    state: MailboxState,
}

/// The envelope of the current (or last) transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub reverse_path: Option<String>,
    pub mail_params: Vec<Param>,
    pub recipients: Vec<EnvelopeRecipient>,
    pub body: Body,
    pub smtputf8: bool,
    pub declared_size: Option<u64>,
    pub used_bdat: bool,
}

impl Envelope {
    fn accepted(&self) -> impl Iterator<Item = &EnvelopeRecipient> {
        self.recipients.iter().filter(|r| r.accepted)
    }
}

/// A command the client may send now, for the UI's quick buttons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hint {
    pub verb: &'static str,
    pub syntax: &'static str,
    /// A ready-to-send example line.
    pub example: String,
}

#[derive(Debug, Clone)]
enum AuthStep {
    PlainResponse,
    LoginUser,
    LoginPassword { user: String },
}

#[derive(Debug, Clone)]
struct BdatTransfer {
    remaining: u64,
    last: bool,
    /// Reply to send once the chunk is consumed, when the BDAT itself was refused.
    refused: Option<(u16, Rule, String)>,
}

/// The end of a transaction while the driver stores the message.
#[derive(Debug, Clone)]
struct PendingDelivery {
    envelope: Envelope,
    results: Vec<RecipientResult>,
    replies: Vec<Reply>,
    cause: String,
}

/// A simulated SMTP or LMTP server session.
#[derive(Debug, Clone)]
pub struct Session {
    config: Config,
    state: State,
    flags: Flags,
    input: Vec<u8>,
    lines: LineReader,
    /// Input before this offset was read as command lines; removed in one go (see
    /// [`Session::compact_input`]) so a long pipelined batch costs linear time.
    input_pos: usize,
    data: Option<DataReader>,
    bdat: Option<BdatTransfer>,
    /// BDAT content collected so far in this transaction.
    bdat_message: Vec<u8>,
    bdat_total: u64,
    auth: Option<AuthStep>,
    envelope: Envelope,
    last_envelope: Option<Envelope>,
    helo: Option<String>,
    errors: u32,
    commands: u32,
    deliveries: u64,
    events: VecDeque<Event>,
    transmit: Vec<u8>,
    now: u64,
    /// When the server began waiting: for a command, since the last command line was read
    /// (so a client dribbling one byte at a time still times out, RFC 5321 4.5.3.2.7); in
    /// message content, since the last bytes arrived (a data block, 4.5.3.2.5).
    last_activity: u64,
    /// While message content arrives: when the server gives up on it. Each block moves it
    /// forward by what the block earns at `min_data_rate`, never past `data_timeout_ms`.
    content_deadline: u64,
    /// A message handed to the driver (`policy.external_delivery`), awaiting
    /// `handle_delivery`; input is held until then.
    pending: Option<PendingDelivery>,
    /// `handle_shutdown` was called: finish the transaction in flight, then 421 and close.
    draining: bool,
    /// The longest line the framing accepts: the largest per-command limit (fixed by the
    /// config, so computed once).
    max_line: usize,
}

impl Session {
    /// Opens a session: the 220 greeting is the first output.
    pub fn new(mut config: Config, now_ms: u64) -> Session {
        if config.mode == Mode::Lmtp {
            // RFC 2033 5: LMTP servers support PIPELINING and ENHANCEDSTATUSCODES.
            for ext in [Extension::Pipelining, Extension::EnhancedStatusCodes] {
                if !config.has(ext.keyword()) {
                    config.extensions.push(ext);
                }
            }
        }
        let mut s = Session {
            flags: Flags {
                lmtp: config.mode == Mode::Lmtp,
                ..Flags::default()
            },
            config,
            state: State::Connected,
            input: Vec::new(),
            lines: LineReader::default(),
            input_pos: 0,
            data: None,
            bdat: None,
            bdat_message: Vec::new(),
            bdat_total: 0,
            auth: None,
            envelope: Envelope::default(),
            last_envelope: None,
            helo: None,
            errors: 0,
            commands: 0,
            deliveries: 0,
            events: VecDeque::new(),
            transmit: Vec::new(),
            now: now_ms,
            last_activity: now_ms,
            content_deadline: now_ms,
            pending: None,
            draining: false,
            max_line: 0,
        };
        s.max_line = [Verb::Mail, Verb::Rcpt, Verb::Auth]
            .into_iter()
            .map(|v| s.command_limit(v))
            .max()
            .unwrap_or(s.config.limits.command_line);
        let proto = if s.flags.lmtp { "LMTP" } else { "SMTP" };
        let text = format!("{} {proto} server ready", s.config.hostname);
        s.emit(Reply::new(220, Rule::Greeting, text));
        s
    }

    /// A connection the server will not serve (its connection limit is reached): 421
    /// instead of the greeting, then close. Plain code: no EHLO has advertised
    /// ENHANCEDSTATUSCODES yet (RFC 2034).
    pub fn new_busy(config: Config, now_ms: u64) -> Session {
        let mut s = Session::new(config, now_ms);
        s.transmit.clear();
        s.events.clear();
        let text = format!(
            "{} Too many connections, try again later",
            s.config.hostname
        );
        s.emit(Reply::new(421, Rule::TooManyConnections, text));
        s.close("connection limit");
        s
    }

    // ---- inputs ------------------------------------------------------------------------

    /// Bytes from the client, in any chunking.
    pub fn handle_input(&mut self, now_ms: u64, bytes: &[u8]) {
        self.now = now_ms;
        if self.receiving_content() {
            let limits = &self.config.limits;
            let cap = now_ms.saturating_add(limits.data_timeout_ms);
            self.content_deadline = match limits.min_data_rate {
                0 => cap,
                rate => {
                    let earned = (bytes.len() as u64).saturating_mul(1000) / rate;
                    self.content_deadline.saturating_add(earned).min(cap)
                }
            };
        }
        if self.state == State::Closed {
            return;
        }
        self.compact_input();
        self.input.extend_from_slice(bytes);
        self.process();
    }

    /// Call when the deadline of [`Session::poll_timeout`] has passed.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        self.now = now_ms;
        if let Some(deadline) = self.poll_timeout() {
            if now_ms >= deadline {
                let text = format!("{} Error: timeout exceeded", self.config.hostname);
                let r = self.make(421, Rule::Timeout, text);
                self.emit(r);
                self.close("timeout");
            }
        }
    }

    /// The real TLS handshake finished (only when `policy.simulate_tls` is off).
    pub fn handle_tls_established(&mut self, now_ms: u64) {
        self.now = now_ms;
        // The handshake was the server's wait, not the client's: the command clock restarts.
        self.last_activity = now_ms;
        if self.state == State::TlsNegotiation {
            self.tls_up();
            self.process();
        }
    }

    /// What the driver did with the last [`Event::Delivered`] (`policy.external_delivery`):
    /// `stored[i]` for `recipients[i]` of that delivery. A recipient that was not stored gets
    /// 452 4.3.1 (SMTP: the one reply becomes 452 if any was not stored), so nothing is
    /// acknowledged that is not on disk. Input that arrived meanwhile is processed now.
    pub fn handle_delivery(&mut self, now_ms: u64, stored: &[bool]) {
        self.now = now_ms;
        let Some(mut p) = self.pending.take() else {
            return;
        };
        // Storing was the server's work: the client's command clock starts now.
        self.last_activity = now_ms;
        let failed =
            |i: usize, r: &RecipientResult| r.delivered && !stored.get(i).copied().unwrap_or(false);
        if self.flags.lmtp {
            for (i, (r, reply)) in p.results.iter_mut().zip(p.replies.iter_mut()).enumerate() {
                if failed(i, r) {
                    let text = format!(
                        "<{}> Requested action not taken: insufficient system storage",
                        r.address
                    );
                    *reply = self.make(452, Rule::StorageFailed, text);
                    reply.recipient = Some(r.address.clone());
                    r.code = 452;
                    r.delivered = false;
                }
            }
        } else if p.results.iter().enumerate().any(|(i, r)| failed(i, r)) {
            let text = "Requested action not taken: insufficient system storage".to_owned();
            p.replies = vec![self.make(452, Rule::StorageFailed, text)];
            for r in p.results.iter_mut() {
                r.code = 452;
                r.delivered = false;
            }
        }
        self.complete_delivery(p.envelope, &p.results, p.replies, &p.cause);
        self.process();
    }

    /// The server is going down (SIGTERM): a transaction in flight finishes, then (or at
    /// once when none is open) 421 4.3.2 and close (RFC 5321 3.8).
    pub fn handle_shutdown(&mut self, now_ms: u64) {
        self.now = now_ms;
        self.draining = true;
        self.process();
    }

    fn receiving_content(&self) -> bool {
        self.state == State::Data || self.bdat.as_ref().is_some_and(|b| b.remaining > 0)
    }

    // ---- outputs -----------------------------------------------------------------------

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// All reply bytes produced since the last call.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if self.transmit.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.transmit))
        }
    }

    /// When the server gives up waiting for the client (RFC 5321 4.5.3.2).
    pub fn poll_timeout(&self) -> Option<u64> {
        let limits = &self.config.limits;
        if self.pending.is_some() {
            return None;
        }
        match self.state {
            State::Closed | State::TlsNegotiation => None,
            _ if self.receiving_content() => Some(self.content_deadline),
            _ => Some(self.last_activity.saturating_add(limits.command_timeout_ms)),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn flags(&self) -> Flags {
        self.flags
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The open transaction's envelope (empty when none is open).
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The envelope of the last finished transaction, with per-recipient results.
    pub fn last_envelope(&self) -> Option<&Envelope> {
        self.last_envelope.as_ref()
    }

    /// Octets the session holds for the client: unprocessed input plus message content.
    /// Bounded by the command line limit and the message size cap, whatever the client sends.
    pub fn buffered_bytes(&self) -> usize {
        self.input.len().saturating_sub(self.input_pos)
            + self.bdat_message.len()
            + self.data.as_ref().map_or(0, |d| d.message.len())
    }

    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    /// The extensions the next EHLO/LHLO reply lists (they change after STARTTLS).
    pub fn advertised(&self) -> Vec<&Extension> {
        self.config
            .extensions
            .iter()
            .filter(|e| self.is_advertised(e))
            .collect()
    }

    /// STARTTLS disappears inside TLS; REQUIRETLS and (by policy) AUTH appear only there.
    fn is_advertised(&self, e: &Extension) -> bool {
        let tls = self.flags.tls;
        match e {
            Extension::StartTls => !tls,
            Extension::RequireTls => tls,
            Extension::Auth(_) => tls || !self.config.policy.auth_requires_tls,
            _ => true,
        }
    }

    /// What the client may send now, with its syntax (for quick buttons).
    pub fn next_commands(&self) -> Vec<Hint> {
        let ehlo_verb = if self.flags.lmtp {
            Verb::Lhlo
        } else {
            Verb::Ehlo
        };
        let has = |k: &str| self.flags.esmtp && self.advertised().iter().any(|e| e.keyword() == k);
        let mut v: Vec<(Verb, String)> = Vec::new();
        match self.state {
            State::Closed | State::TlsNegotiation => return vec![],
            State::Data => {
                return vec![Hint {
                    verb: ".",
                    syntax: "message lines, then a line with only \".\" (CRLF.CRLF)",
                    example: ".".into(),
                }]
            }
            State::AuthExchange => {
                return vec![Hint {
                    verb: "base64",
                    syntax: "a base64 SASL response, or \"*\" to cancel",
                    example: "*".into(),
                }]
            }
            State::Connected => {
                v.push((ehlo_verb, format!("{} client.example", ehlo_verb.as_str())));
                if !self.flags.lmtp {
                    v.push((Verb::Helo, "HELO client.example".into()));
                }
            }
            State::Greeted => {
                v.push((Verb::Mail, "MAIL FROM:<sender@example.com>".into()));
                if has("STARTTLS") {
                    v.push((Verb::StartTls, "STARTTLS".into()));
                }
                if has("AUTH") && !self.flags.authenticated {
                    v.push((Verb::Auth, "AUTH PLAIN".into()));
                }
                v.push((ehlo_verb, format!("{} client.example", ehlo_verb.as_str())));
            }
            State::MailFrom => {
                v.push((Verb::Rcpt, "RCPT TO:<recipient@example.com>".into()));
            }
            State::RcptTo => {
                v.push((Verb::Rcpt, "RCPT TO:<recipient@example.com>".into()));
                if self.envelope.body != Body::BinaryMime {
                    v.push((Verb::Data, "DATA".into()));
                }
                if has("CHUNKING") {
                    v.push((Verb::Bdat, "BDAT 0 LAST".into()));
                }
            }
            State::Bdat => v.push((Verb::Bdat, "BDAT 0 LAST".into())),
        }
        v.push((Verb::Rset, "RSET".into()));
        v.push((Verb::Noop, "NOOP".into()));
        if !self.flags.esmtp || has("VRFY") {
            v.push((Verb::Vrfy, "VRFY postmaster".into()));
        }
        v.push((Verb::Help, "HELP".into()));
        v.push((Verb::Quit, "QUIT".into()));
        v.into_iter()
            .map(|(verb, example)| Hint {
                verb: verb.as_str(),
                syntax: verb.syntax(),
                example,
            })
            .collect()
    }

    // ---- the loop ----------------------------------------------------------------------

    fn process(&mut self) {
        loop {
            if self.pending.is_some() {
                return;
            }
            if self.draining
                && matches!(self.state, State::Connected | State::Greeted)
                && self.bdat.is_none()
            {
                let text = format!(
                    "{} Service shutting down, closing transmission channel",
                    self.config.hostname
                );
                let r = self.make(421, Rule::ShuttingDown, text);
                self.emit(r);
                self.close("shutdown");
            }
            match self.state {
                State::Closed => {
                    self.clear_input();
                    return;
                }
                State::TlsNegotiation => return,
                State::Data => {
                    self.compact_input();
                    let Some(reader) = self.data.as_mut() else {
                        self.state = State::Greeted;
                        continue;
                    };
                    if !reader.feed(&mut self.input) {
                        return;
                    }
                    self.finish_data();
                }
                _ if self.bdat.as_ref().is_some_and(|b| b.remaining > 0) => {
                    self.compact_input();
                    let cap = self.max_message_size();
                    let Some(t) = self.bdat.as_mut() else { return };
                    if !take_chunk(
                        &mut self.input,
                        &mut t.remaining,
                        &mut self.bdat_message,
                        &mut self.bdat_total,
                        cap,
                    ) {
                        return;
                    }
                    self.finish_chunk();
                }
                _ if self.bdat.is_some() => self.finish_chunk(),
                State::AuthExchange => match self.take_line(AUTH_LINE_MAX) {
                    None => return,
                    Some(LineFrame::TooLong) => {
                        self.auth = None;
                        self.move_to(State::Greeted, "AUTH", Rule::AuthTooLong);
                        self.answer(500, Rule::AuthTooLong, "Line too long".into());
                    }
                    Some(LineFrame::Line { bytes, .. }) => self.on_auth_line(&bytes),
                },
                _ => {
                    let max = self.max_line;
                    match self.take_line(max) {
                        None => return,
                        Some(LineFrame::TooLong) => {
                            self.push(Event::Command {
                                line: format!("(a line longer than {max} octets, discarded)"),
                            });
                            self.answer(500, Rule::LineTooLong, "Line too long".into());
                        }
                        Some(LineFrame::Line { bytes, bare_lf }) => self.on_line(bytes, bare_lf),
                    }
                }
            }
        }
    }

    /// The next command line; a whole line restarts the command timeout.
    fn take_line(&mut self, max: usize) -> Option<LineFrame> {
        let frame = self
            .lines
            .take_from(&mut self.input, &mut self.input_pos, max)?;
        self.last_activity = self.now;
        // The content that may follow (DATA, BDAT) starts with a full data timeout.
        self.content_deadline = self.now.saturating_add(self.config.limits.data_timeout_ms);
        Some(frame)
    }

    fn on_line(&mut self, bytes: Vec<u8>, bare_lf: bool) {
        let decoded = String::from_utf8(bytes);
        let line = match &decoded {
            Ok(text) => text.clone(),
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        self.push(Event::Command { line });
        if bare_lf {
            self.warn(
                Rule::BareLf,
                "the command line ended with a bare LF; accepted as CRLF",
                "コマンド行が単独の LF で終わっています。CRLF として受け付けました",
            );
        }
        self.commands += 1;
        if let Some(n) = self.config.faults.iter().find_map(|f| match f {
            Fault::CloseAfter(n) => Some(*n),
            _ => None,
        }) {
            if self.commands > n {
                let text = format!(
                    "{} Service not available, closing transmission channel",
                    self.config.hostname
                );
                let r = self.make(421, Rule::FaultClose, text);
                self.emit(r);
                self.close("fault rule");
                return;
            }
        }
        let text = match decoded {
            Ok(text) => text,
            Err(e) => {
                let bytes = e.as_bytes();
                let word =
                    String::from_utf8_lossy(bytes.split(|&b| b == b' ').next().unwrap_or(&[]));
                if Verb::from_word(&word).is_some() {
                    self.answer(
                        501,
                        Rule::SyntaxError,
                        "Syntax error: the line is not valid UTF-8".into(),
                    );
                } else {
                    self.answer(
                        500,
                        Rule::Unrecognized,
                        "Syntax error, command unrecognized".into(),
                    );
                }
                return;
            }
        };
        let strictness = match self.config.policy.syntax {
            SyntaxPolicy::Strict => Strictness::Strict,
            SyntaxPolicy::Lenient => Strictness::Lenient,
        };
        let verb_word = text.split(' ').next().unwrap_or_default();
        if let Some(verb) = Verb::from_word(verb_word) {
            let limit = self.command_limit(verb);
            if text.len() + 2 > limit {
                self.answer(500, Rule::LineTooLong, "Line too long".into());
                return;
            }
        }
        match parse_command(&text, strictness) {
            Ok((cmd, lenient)) => {
                for l in lenient {
                    let (d, ja) = match l {
                        Leniency::SpaceAroundColon => (
                            "space around the colon accepted",
                            "コロン前後の空白を受け付けました",
                        ),
                        Leniency::MissingBrackets => (
                            "path without angle brackets accepted",
                            "山括弧のないパスを受け付けました",
                        ),
                    };
                    self.warn(Rule::SyntaxLenient, d, ja);
                }
                let verb = cmd.verb();
                let group_end = verb.ends_group();
                self.on_command(cmd, &text);
                self.after_command(verb, group_end);
            }
            Err(e) => {
                self.on_parse_error(e);
                if !self.flags.esmtp || !self.advertises("PIPELINING") {
                    self.check_sync(None);
                }
            }
        }
    }

    /// RFC 2920 groups: mark the end; in strict mode refuse a client that did not wait.
    fn after_command(&mut self, verb: Verb, group_end: bool) {
        if self.state == State::Closed {
            return;
        }
        let pipelining = self.flags.esmtp && self.advertises("PIPELINING");
        if group_end {
            self.push(Event::GroupEnd);
        }
        if verb == Verb::Bdat {
            return; // the chunk follows the command line by design
        }
        if group_end || !pipelining {
            self.check_sync(Some(verb));
        }
    }

    fn check_sync(&mut self, verb: Option<Verb>) {
        if !self.config.policy.strict_pipelining
            || self.input.len() <= self.input_pos
            || self.state == State::Closed
        {
            return;
        }
        let after = verb.map(|v| v.as_str()).unwrap_or("a command");
        let text =
            format!("Error: SMTP protocol synchronization (improper pipelining after {after})");
        self.answer_no_count(554, Rule::PipeliningSync, text);
        self.close("pipelining synchronization error");
    }

    fn on_parse_error(&mut self, e: CommandError) {
        match e {
            CommandError::Unrecognized { word } => {
                let (rule, text) = match (word.to_ascii_uppercase().as_str(), self.flags.lmtp) {
                    ("HELO" | "EHLO", true) => (Rule::LmtpNoHelo, "Error: use LHLO in LMTP"),
                    ("LHLO", false) => (Rule::SmtpNoLhlo, "Error: command unrecognized"),
                    _ => (Rule::Unrecognized, "Syntax error, command unrecognized"),
                };
                self.answer(500, rule, text.into());
            }
            CommandError::Syntax {
                verb,
                expected,
                detail,
            } => {
                let text = format!("Syntax: {expected} ({detail})");
                if verb == Verb::Bdat {
                    // The chunk size is unknown: the state after this is indeterminate (RFC 3030).
                    self.reset_transaction("BDAT syntax error");
                }
                self.answer(501, Rule::SyntaxError, text);
            }
            CommandError::SpaceAroundColon { verb } => {
                let kw = if verb == Verb::Mail {
                    "MAIL FROM:<address>"
                } else {
                    "RCPT TO:<address>"
                };
                self.answer(
                    501,
                    Rule::StrictColon,
                    format!("Syntax: {kw} (no space around the colon)"),
                );
            }
            CommandError::MissingBrackets { verb } => {
                let kw = if verb == Verb::Mail {
                    "MAIL FROM:<address>"
                } else {
                    "RCPT TO:<address>"
                };
                self.answer(
                    501,
                    Rule::StrictBrackets,
                    format!("Syntax: {kw} (angle brackets required)"),
                );
            }
            CommandError::BadPath { verb, error } => {
                let rule = match (&error, verb) {
                    (PathError::TooLong(_), _) => Rule::PathTooLong,
                    (_, Verb::Mail) => Rule::BadSender,
                    _ => Rule::BadRecipient,
                };
                let mut reply = self.make(501, rule, format!("Bad address syntax: {error}"));
                if verb == Verb::Mail && matches!(error, PathError::TooLong(_)) {
                    reply.enhanced = reply.enhanced.map(|_| Enhanced::new(5, 1, 7));
                }
                self.emit_counted(reply);
            }
        }
    }

    fn on_command(&mut self, cmd: Command, text: &str) {
        let verb = cmd.verb();
        // During a BDAT transfer only BDAT, RSET, NOOP, QUIT and HELP make sense.
        if self.state == State::Bdat
            && !matches!(
                verb,
                Verb::Bdat | Verb::Rset | Verb::Noop | Verb::Quit | Verb::Help
            )
        {
            self.answer(
                503,
                Rule::BadSequence,
                "Error: BDAT transfer in progress, send BDAT or RSET".into(),
            );
            return;
        }
        if let Some(reply) = self.fault_for(verb.as_str(), address_of(&cmd).as_deref()) {
            let close = reply.code == 421;
            self.emit_counted(reply);
            if close {
                self.close("fault rule");
            }
            return;
        }
        match cmd {
            Command::Ehlo { domain } => self.on_hello(Verb::Ehlo, domain, text),
            Command::Lhlo { domain } => self.on_hello(Verb::Lhlo, domain, text),
            Command::Helo { domain } => self.on_hello(Verb::Helo, domain, text),
            Command::Mail { path, params } => self.on_mail(path, params, text),
            Command::Rcpt { path, params } => self.on_rcpt(path, params, text),
            Command::Data => self.on_data(text),
            Command::Bdat { size, last } => self.on_bdat(size, last, text),
            Command::Rset => {
                self.reset_transaction(text);
                self.answer(250, Rule::RsetOk, "OK".into());
            }
            Command::Noop => self.answer(250, Rule::NoopOk, "OK".into()),
            Command::Quit => {
                let text = if self.flags.enhanced {
                    "Goodbye".to_owned()
                } else {
                    format!("{} closing connection", self.config.hostname)
                };
                self.answer(221, Rule::QuitOk, text);
                self.close("QUIT");
            }
            Command::Vrfy { arg } => self.on_vrfy(&arg),
            Command::Expn { .. } => self.answer(
                502,
                Rule::NotImplemented,
                "Error: EXPN is disabled on this server".into(),
            ),
            Command::Help { .. } => {
                let mut cmds = vec![
                    "EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "HELP",
                ];
                if self.flags.lmtp {
                    cmds = vec![
                        "LHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "HELP",
                    ];
                }
                for e in self.advertised() {
                    match e {
                        Extension::Chunking => cmds.push("BDAT"),
                        Extension::StartTls => cmds.push("STARTTLS"),
                        Extension::Auth(_) => cmds.push("AUTH"),
                        Extension::Etrn => cmds.push("ETRN"),
                        _ => {}
                    }
                }
                let lines = vec![
                    format!(
                        "Mailroom simulated {} server",
                        if self.flags.lmtp { "LMTP" } else { "SMTP" }
                    ),
                    format!("Commands: {}", cmds.join(" ")),
                    "See RFC 5321 for the details of each command".to_owned(),
                ];
                let r = self.make_multi(214, Rule::Help, lines);
                self.emit_counted(r);
            }
            Command::StartTls => self.on_starttls(text),
            Command::Auth { mechanism, initial } => self.on_auth(&mechanism, initial, text),
            Command::Etrn { node } => {
                if !(self.flags.esmtp && self.advertises("ETRN")) {
                    self.answer(
                        502,
                        Rule::NotImplemented,
                        "Error: ETRN is not offered".into(),
                    );
                } else if self.state != State::Greeted {
                    self.answer(
                        503,
                        Rule::BadSequence,
                        "Error: ETRN is not allowed during a transaction".into(),
                    );
                } else {
                    self.answer(
                        251,
                        Rule::EtrnOk,
                        format!("OK, no messages waiting for node {node}"),
                    );
                }
            }
            Command::Obsolete { word } => self.answer(
                502,
                Rule::NotImplemented,
                format!("Error: {word} is not implemented"),
            ),
        }
    }

    fn on_hello(&mut self, verb: Verb, domain: String, text: &str) {
        if self.flags.lmtp && verb != Verb::Lhlo {
            self.answer(500, Rule::LmtpNoHelo, "Error: use LHLO in LMTP".into());
            return;
        }
        if !self.flags.lmtp && verb == Verb::Lhlo {
            self.answer(500, Rule::SmtpNoLhlo, "Error: command unrecognized".into());
            return;
        }
        if verb != Verb::Helo && self.config.extensions.is_empty() && !self.flags.lmtp {
            // A classic RFC 821 server does not know EHLO: the client falls back to HELO.
            self.answer(
                500,
                Rule::Unrecognized,
                "Syntax error, command unrecognized".into(),
            );
            return;
        }
        self.reset_transaction(text);
        self.helo = Some(domain);
        let esmtp = verb != Verb::Helo;
        self.flags.esmtp = esmtp;
        self.flags.enhanced = false;
        let to = State::Greeted;
        let rule = match verb {
            Verb::Ehlo => Rule::EhloOk,
            Verb::Lhlo => Rule::LhloOk,
            _ => Rule::HeloOk,
        };
        self.move_to(to, text, rule);
        if esmtp {
            let mut lines = vec![self.config.hostname.clone()];
            lines.extend(self.advertised().iter().map(|e| e.to_string()));
            let enhanced = self.advertises("ENHANCEDSTATUSCODES");
            let r = Reply::multi(250, rule, lines);
            self.emit_counted(r);
            self.flags.enhanced = enhanced;
        } else {
            let r = Reply::new(250, rule, self.config.hostname.clone());
            self.emit_counted(r);
        }
    }

    fn on_mail(&mut self, path: ReversePath, params: Vec<Param>, text: &str) {
        match self.state {
            State::Connected => {
                return self.answer(503, Rule::NeedHelo, "Error: send HELO/EHLO first".into())
            }
            State::MailFrom | State::RcptTo => {
                return self.answer(503, Rule::NestedMail, "Error: nested MAIL command".into())
            }
            _ => {}
        }
        if self.config.policy.require_tls && !self.flags.tls {
            return self.answer(
                530,
                Rule::StartTlsRequired,
                "Must issue a STARTTLS command first".into(),
            );
        }
        if self.config.policy.require_auth && !self.flags.authenticated {
            return self.answer(530, Rule::AuthRequired, "Authentication required".into());
        }
        let mut env = Envelope {
            reverse_path: Some(path.to_string()),
            mail_params: params.clone(),
            ..Envelope::default()
        };
        let mut seen: Vec<String> = Vec::new();
        for p in &params {
            if seen.contains(&p.keyword) {
                return self.answer(
                    501,
                    Rule::BadParameter,
                    format!("Error: duplicate {} parameter", p.keyword),
                );
            }
            seen.push(p.keyword.clone());
            let v = p.value.as_deref();
            let adv = |k: &str| self.flags.esmtp && self.advertises(k);
            let bad = |s: &mut Session, what: &str| {
                s.answer(
                    501,
                    Rule::BadParameter,
                    format!("Error: bad {} value: {what}", p.keyword),
                )
            };
            match (p.keyword.as_str(), v) {
                ("SIZE", Some(n)) if adv("SIZE") => {
                    let Some(size) = n
                        .parse::<u64>()
                        .ok()
                        .filter(|_| n.bytes().all(|b| b.is_ascii_digit()))
                    else {
                        return bad(self, "expected a number of octets");
                    };
                    if size > self.max_message_size() {
                        return self.answer(
                            552,
                            Rule::SizeDeclaredTooBig,
                            "Message size exceeds fixed maximum message size".into(),
                        );
                    }
                    env.declared_size = Some(size);
                }
                ("BODY", Some(b)) if adv("8BITMIME") || adv("BINARYMIME") => {
                    env.body = match b.to_ascii_uppercase().as_str() {
                        "7BIT" => Body::SevenBit,
                        "8BITMIME" if adv("8BITMIME") => Body::EightBitMime,
                        "BINARYMIME" if adv("BINARYMIME") && adv("CHUNKING") => Body::BinaryMime,
                        _ => {
                            return bad(
                                self,
                                "expected 7BIT, 8BITMIME or BINARYMIME (as advertised)",
                            )
                        }
                    };
                }
                ("SMTPUTF8", None) if adv("SMTPUTF8") => env.smtputf8 = true,
                ("RET", Some(r)) if adv("DSN") => {
                    if !matches!(r.to_ascii_uppercase().as_str(), "FULL" | "HDRS") {
                        return bad(self, "RET is FULL or HDRS (RFC 3461 4.3)");
                    }
                }
                ("ENVID", Some(id)) if adv("DSN") => {
                    if id.len() > 100 || !is_xtext(id) {
                        return bad(
                            self,
                            "ENVID is xtext of at most 100 characters (RFC 3461 4.4)",
                        );
                    }
                }
                ("AUTH", Some(a)) if adv("AUTH") => {
                    if a != "<>" && !is_xtext(a) {
                        return bad(self, "AUTH= is <> or an xtext mailbox (RFC 4954 5)");
                    }
                }
                ("BY", Some(by)) if adv("DELIVERBY") => {
                    if !is_by(by) {
                        return bad(self, "BY=seconds;R|N[T] (RFC 2852 4)");
                    }
                }
                ("REQUIRETLS", None) if self.config.has("REQUIRETLS") && !self.flags.tls => {
                    return self.answer(
                        530,
                        Rule::RequireTlsNeedsTls,
                        "REQUIRETLS needs a TLS connection".into(),
                    );
                }
                ("REQUIRETLS", None) if adv("REQUIRETLS") => {}
                (k, _) => {
                    let known = matches!(
                        k,
                        "SIZE"
                            | "BODY"
                            | "SMTPUTF8"
                            | "RET"
                            | "ENVID"
                            | "AUTH"
                            | "BY"
                            | "REQUIRETLS"
                    );
                    let advertised = match k {
                        "BODY" => adv("8BITMIME") || adv("BINARYMIME"),
                        "RET" | "ENVID" => adv("DSN"),
                        "BY" => adv("DELIVERBY"),
                        _ => adv(k),
                    };
                    if known && advertised {
                        // Advertised but the value's presence is wrong.
                        return bad(
                            self,
                            if v.is_some() {
                                "takes no value"
                            } else {
                                "a value is required"
                            },
                        );
                    }
                    return self.answer(
                        555,
                        Rule::UnknownParameter,
                        format!("Error: {k} parameter not recognized"),
                    );
                }
            }
        }
        if path.is_utf8() && !env.smtputf8 {
            return self.answer(
                553,
                Rule::Utf8NeedsSmtputf8,
                "Non-ASCII address needs MAIL FROM:<...> SMTPUTF8".into(),
            );
        }
        self.flags.body = env.body;
        self.flags.smtputf8 = env.smtputf8;
        self.envelope = env;
        self.move_to(State::MailFrom, text, Rule::MailOk);
        let t = self.text("OK", &format!("Originator {path} ok"));
        self.answer(250, Rule::MailOk, t);
    }

    fn on_rcpt(&mut self, path: ForwardPath, params: Vec<Param>, text: &str) {
        match self.state {
            State::Connected => {
                return self.answer(503, Rule::NeedHelo, "Error: send HELO/EHLO first".into())
            }
            State::Greeted => {
                return self.answer(503, Rule::NeedMail, "Error: need MAIL command".into())
            }
            _ => {}
        }
        let mut seen: Vec<&str> = Vec::new();
        for p in &params {
            if seen.contains(&p.keyword.as_str()) {
                return self.answer(
                    501,
                    Rule::BadParameter,
                    format!("Error: duplicate {} parameter", p.keyword),
                );
            }
            seen.push(&p.keyword);
            let dsn = self.flags.esmtp && self.advertises("DSN");
            let check: Option<ParamGrammar> = match p.keyword.as_str() {
                "NOTIFY" => Some((
                    is_notify,
                    "NOTIFY is NEVER or SUCCESS,FAILURE,DELAY (RFC 3461 4.1)",
                )),
                "ORCPT" => Some((is_orcpt, "ORCPT is addr-type;xtext (RFC 3461 4.2)")),
                _ => None,
            };
            match (check, p.value.as_deref()) {
                (Some((valid, grammar)), Some(v)) if dsn => {
                    if !valid(v) {
                        return self.answer(501, Rule::BadParameter, format!("Error: {grammar}"));
                    }
                }
                _ => {
                    let k = &p.keyword;
                    return self.answer(
                        555,
                        Rule::UnknownParameter,
                        format!("Error: {k} parameter not recognized"),
                    );
                }
            }
        }
        let address = match &path {
            ForwardPath::Postmaster => "Postmaster".to_owned(),
            ForwardPath::Mailbox(m) => m.to_string(),
        };
        if path.is_utf8() && !self.envelope.smtputf8 {
            return self.answer(
                553,
                Rule::Utf8NeedsSmtputf8,
                "Non-ASCII address needs MAIL FROM:<...> SMTPUTF8".into(),
            );
        }
        let accepted = self.envelope.accepted().count() as u32;
        if accepted >= self.config.limits.max_recipients {
            return self.answer(452, Rule::TooManyRecipients, "Too many recipients".into());
        }
        let (code, rule, reply_text, state) = self.judge_recipient(&path);
        let ok = code < 400;
        self.envelope.recipients.push(EnvelopeRecipient {
            address: address.clone(),
            params,
            code,
            accepted: ok,
            result: None,
            state,
        });
        if ok && self.state == State::MailFrom {
            self.move_to(State::RcptTo, text, rule);
        }
        self.answer(code, rule, reply_text);
    }

    /// Whether the server takes mail for this recipient, by policy and mailbox state.
    fn judge_recipient(&self, path: &ForwardPath) -> (u16, Rule, String, MailboxState) {
        let ok_text = |addr: &str| self.text("OK", &format!("Recipient <{addr}> ok"));
        let mailbox: &Mailbox = match path {
            ForwardPath::Postmaster => {
                return (
                    250,
                    Rule::Postmaster,
                    ok_text("Postmaster"),
                    MailboxState::Ok,
                );
            }
            ForwardPath::Mailbox(m) => m,
        };
        let addr = mailbox.to_string();
        if self.config.mailboxes.is_empty() && self.config.domains.is_empty() {
            return (250, Rule::RcptOk, ok_text(&addr), MailboxState::Ok);
        }
        let domain = mailbox.domain_lower();
        let local_domain = self
            .config
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&domain))
            || self.config.mailboxes.iter().any(|m| {
                m.address
                    .rsplit_once('@')
                    .is_some_and(|(_, d)| d.eq_ignore_ascii_case(&domain))
            });
        if !local_domain {
            if self.flags.authenticated {
                return (250, Rule::RcptOk, ok_text(&addr), MailboxState::Ok);
            }
            return (
                550,
                Rule::RelayDenied,
                format!("<{addr}>: Relay access denied"),
                MailboxState::Unknown,
            );
        }
        if mailbox.local.eq_ignore_ascii_case("postmaster") {
            return (250, Rule::Postmaster, ok_text(&addr), MailboxState::Ok);
        }
        let found = self
            .config
            .mailboxes
            .iter()
            .find(|m| m.address.eq_ignore_ascii_case(&addr));
        match found.map(|m| m.state) {
            None | Some(MailboxState::Unknown) => (
                550,
                Rule::UnknownMailbox,
                "No such user here".into(),
                MailboxState::Unknown,
            ),
            Some(MailboxState::OverQuota) => (
                452,
                Rule::OverQuota,
                format!("<{addr}> is temporarily over quota"),
                MailboxState::OverQuota,
            ),
            Some(MailboxState::Full) => (
                552,
                Rule::OverQuotaPermanent,
                format!("<{addr}> mailbox full"),
                MailboxState::Full,
            ),
            Some(MailboxState::Disabled) => (
                550,
                Rule::MailboxDisabled,
                format!("<{addr}> mailbox disabled, not accepting messages"),
                MailboxState::Disabled,
            ),
            Some(s @ (MailboxState::Ok | MailboxState::OverQuotaAtData)) => {
                (250, Rule::RcptOk, ok_text(&addr), s)
            }
        }
    }

    fn on_data(&mut self, text: &str) {
        let refuse = match self.state {
            State::Connected => Some((Rule::NeedHelo, "Error: send HELO/EHLO first")),
            State::Greeted => Some((Rule::NeedMail, "Error: need MAIL command")),
            State::MailFrom => Some((Rule::NeedRcpt, "Error: need RCPT command")),
            _ if self.envelope.used_bdat => Some((Rule::DataAfterBdat, "Error: DATA after BDAT")),
            _ if self.envelope.body == Body::BinaryMime => Some((
                Rule::BinaryNeedsBdat,
                "Error: BODY=BINARYMIME requires BDAT",
            )),
            _ => None,
        };
        if let Some((rule, t)) = refuse {
            return self.answer(503, rule, t.into());
        }
        self.data = Some(DataReader::new(
            self.config.policy.bare_lf,
            self.max_message_size(),
        ));
        self.move_to(State::Data, text, Rule::DataStart);
        self.answer(
            354,
            Rule::DataStart,
            "Start mail input; end with <CRLF>.<CRLF>".into(),
        );
    }

    fn on_bdat(&mut self, size: u64, last: bool, text: &str) {
        let refused = if !(self.flags.esmtp && self.advertises("CHUNKING")) {
            Some((
                502,
                Rule::NotImplemented,
                "Error: BDAT is not offered (the chunk was read and discarded)".to_owned(),
            ))
        } else {
            match self.state {
                State::Connected => {
                    Some((503, Rule::NeedHelo, "Error: send EHLO first".to_owned()))
                }
                State::Greeted => {
                    Some((503, Rule::NeedMail, "Error: need MAIL command".to_owned()))
                }
                State::MailFrom => {
                    Some((503, Rule::NeedRcpt, "Error: need RCPT command".to_owned()))
                }
                _ => None,
            }
        };
        if refused.is_none() && self.state == State::RcptTo {
            self.envelope.used_bdat = true;
            self.bdat_message.clear();
            self.bdat_total = 0;
            self.move_to(State::Bdat, text, Rule::BdatOk);
        }
        self.bdat = Some(BdatTransfer {
            remaining: size,
            last,
            refused,
        });
    }

    /// A BDAT chunk is complete: answer it, and deliver after LAST.
    fn finish_chunk(&mut self) {
        let Some(t) = self.bdat.take() else { return };
        // The content is in: the command clock runs from the reply (RFC 5321 4.5.3.2.7).
        self.last_activity = self.now;
        self.push(Event::Content {
            octets: self.bdat_total,
            chunk: true,
        });
        if let Some((code, rule, text)) = t.refused {
            self.answer(code, rule, text);
            return;
        }
        // Too big: a middle chunk gets one 552 here; the LAST chunk goes through
        // finish_message, which refuses it once per recipient in LMTP (RFC 2033 4.2).
        if self.bdat_total > self.max_message_size() && !t.last {
            self.answer(
                552,
                Rule::MessageTooBig,
                "Message size exceeds fixed maximum message size".into(),
            );
            self.reset_transaction("message too big");
            return;
        }
        if !t.last {
            let t = format!("{} octets received", self.bdat_total);
            self.answer(250, Rule::BdatOk, t);
            return;
        }
        let message = std::mem::take(&mut self.bdat_message);
        let mut facts = crate::framing::DataFacts {
            size: self.bdat_total,
            eight_bit: !message.is_ascii(),
            ..Default::default()
        };
        facts.nul = memchr::memchr_iter(0, &message).count() as u32;
        self.finish_message(message, facts, "BDAT LAST");
    }

    fn finish_data(&mut self) {
        let Some(mut reader) = self.data.take() else {
            return;
        };
        // The content is in: the command clock runs from the reply (RFC 5321 4.5.3.2.7).
        self.last_activity = self.now;
        reader.finish();
        self.push(Event::Content {
            octets: reader.facts.size,
            chunk: false,
        });
        if reader.facts.dots_unstuffed > 0 {
            let n = reader.facts.dots_unstuffed;
            self.warn(
                Rule::DotUnstuffed,
                format!("{n} leading dot(s) removed"),
                format!("行頭のドットを {n} 個取り除きました"),
            );
        }
        let facts = reader.facts.clone();
        self.finish_message(reader.message, facts, ".");
    }

    /// The end of the content: policy checks, then delivery and the final reply(ies).
    fn finish_message(&mut self, message: Vec<u8>, facts: crate::framing::DataFacts, cause: &str) {
        let binary = self.envelope.body == Body::BinaryMime;
        let mut refusal: Option<(Rule, Reply)> = None;
        if !binary && facts.bare_lf + facts.bare_cr > 0 {
            let what = format!(
                "{} bare LF and {} bare CR in the data",
                facts.bare_lf, facts.bare_cr
            );
            let what_ja = format!(
                "データに単独の LF が {} 個、単独の CR が {} 個あります",
                facts.bare_lf, facts.bare_cr
            );
            match self.config.policy.bare_lf {
                crate::framing::BareLfPolicy::Reject => {
                    let t = "Error: bare <LF> or <CR> received; lines end with CRLF";
                    refusal = Some((Rule::BareLf, self.make(550, Rule::BareLf, t.into())));
                    self.warn(Rule::BareLf, what, what_ja);
                }
                crate::framing::BareLfPolicy::Normalize => {
                    self.warn(Rule::BareLfNormalized, what, what_ja)
                }
            }
        }
        if refusal.is_none() && (facts.truncated || facts.size > self.max_message_size()) {
            let t = "Message size exceeds fixed maximum message size";
            refusal = Some((
                Rule::MessageTooBig,
                self.make(552, Rule::MessageTooBig, t.into()),
            ));
        }
        if refusal.is_none() && !binary && facts.longest_line > self.config.limits.text_line {
            let what = format!(
                "a line of {} octets (limit {} including CRLF)",
                facts.longest_line, self.config.limits.text_line
            );
            let what_ja = format!(
                "{} オクテットの行があります（上限は CRLF を含めて {}）",
                facts.longest_line, self.config.limits.text_line
            );
            match self.config.policy.long_lines {
                Enforcement::Reject => {
                    refusal = Some((
                        Rule::TextLineTooLong,
                        self.make(500, Rule::TextLineTooLong, "Line too long".into()),
                    ))
                }
                Enforcement::Warn => self.warn(Rule::TextLineTooLong, what, what_ja),
            }
        }
        if refusal.is_none() && facts.eight_bit && self.envelope.body == Body::SevenBit {
            match self.config.policy.eight_bit {
                Enforcement::Reject => {
                    let t = "Error: 8-bit data without BODY=8BITMIME";
                    refusal = Some((
                        Rule::EightBitWithoutMime,
                        self.make(554, Rule::EightBitWithoutMime, t.into()),
                    ))
                }
                Enforcement::Warn => self.warn(
                    Rule::EightBitWithoutMime,
                    "8-bit octets in a 7BIT transaction",
                    "7BIT のトランザクションに 8 ビットのオクテットがあります",
                ),
            }
        }
        if refusal.is_none() {
            refusal = self.fault_for("EOD", None).map(|r| (Rule::Fault, r));
        }
        let mut env = std::mem::take(&mut self.envelope);
        if let Some((rule, reply)) = refusal {
            for r in env.recipients.iter_mut().filter(|r| r.accepted) {
                r.result = Some(reply.code);
            }
            self.move_to(State::Greeted, cause, rule);
            if self.flags.lmtp {
                for r in env.recipients.iter().filter(|r| r.accepted) {
                    let mut each = reply.clone();
                    each.recipient = Some(r.address.clone());
                    self.emit(each);
                }
            } else {
                self.emit(reply);
            }
            self.last_envelope = Some(env);
            self.flags.body = Body::SevenBit;
            self.flags.smtputf8 = false;
            return;
        }
        self.deliveries += 1;
        let id = format!(
            "{:06X}{:04X}",
            self.now / 1000 % 0x100_0000,
            self.deliveries
        );
        let accepted: Vec<EnvelopeRecipient> = env.accepted().cloned().collect();
        let with = with_protocol(
            self.flags.lmtp,
            self.flags.esmtp,
            self.flags.tls,
            self.flags.authenticated,
            env.smtputf8,
        );
        let reverse = env.reverse_path.clone().unwrap_or_else(|| "<>".into());
        let for_path = (accepted.len() == 1).then(|| format!("<{}>", accepted[0].address));
        let helo = self.helo.clone().unwrap_or_default();
        let header = Trace {
            reverse_path: &reverse,
            helo: &helo,
            client_name: &self.config.client.name,
            client_addr: &self.config.client.addr,
            by: &self.config.hostname,
            with,
            id: &id,
            for_path: for_path.as_deref(),
            now_ms: self.now,
        }
        .header();
        let mut data = header.into_bytes();
        data.extend_from_slice(&message);
        let mut results = Vec::new();
        let mut replies = Vec::new();
        if self.flags.lmtp {
            // RFC 2033 4.2: one reply per accepted RCPT, in order, duplicates included.
            for r in &accepted {
                let (code, rule, text) = if r.state == MailboxState::OverQuotaAtData {
                    (
                        452,
                        Rule::OverQuota,
                        format!("<{}> is temporarily over quota", r.address),
                    )
                } else {
                    (250, Rule::LmtpRecipient, "OK".to_owned())
                };
                let mut reply = self.make(code, rule, text);
                reply.recipient = Some(r.address.clone());
                replies.push(reply);
                results.push(RecipientResult {
                    address: r.address.clone(),
                    code,
                    delivered: code == 250,
                });
            }
        } else {
            let over = accepted
                .iter()
                .find(|r| r.state == MailboxState::OverQuotaAtData);
            let (code, rule, text) = match over {
                Some(r) => (
                    452,
                    Rule::OverQuota,
                    format!(
                        "Requested action not taken: insufficient system storage for <{}>",
                        r.address
                    ),
                ),
                None => (250, Rule::DataOk, self.text("OK", "Message accepted")),
            };
            replies.push(self.make(code, rule, text));
            for r in &accepted {
                results.push(RecipientResult {
                    address: r.address.clone(),
                    code,
                    delivered: code == 250,
                });
            }
        }
        if results.iter().any(|r| r.delivered) {
            self.push(Event::Delivered(Delivery {
                id,
                reverse_path: reverse,
                recipients: results.clone(),
                data,
                with,
                body: env.body.as_str(),
                smtputf8: env.smtputf8,
            }));
            if self.config.policy.external_delivery {
                self.pending = Some(PendingDelivery {
                    envelope: env,
                    results,
                    replies,
                    cause: cause.to_owned(),
                });
                return;
            }
        }
        self.complete_delivery(env, &results, replies, cause);
    }

    /// The final reply(ies) of a transaction whose message was delivered (or not).
    fn complete_delivery(
        &mut self,
        mut env: Envelope,
        results: &[RecipientResult],
        replies: Vec<Reply>,
        cause: &str,
    ) {
        for r in env.recipients.iter_mut() {
            if let Some(res) = results
                .iter()
                .find(|x| x.address == r.address && r.accepted)
            {
                r.result = Some(res.code);
            }
        }
        self.move_to(State::Greeted, cause, Rule::Delivered);
        for r in replies {
            self.emit(r);
        }
        self.last_envelope = Some(env);
        self.flags.body = Body::SevenBit;
        self.flags.smtputf8 = false;
    }

    fn on_vrfy(&mut self, arg: &str) {
        let target = arg.trim_start_matches('<').trim_end_matches('>');
        if self.config.mailboxes.is_empty() {
            return self.answer(
                252,
                Rule::VrfyCannot,
                "Cannot VRFY user, but will accept message and attempt delivery".into(),
            );
        }
        let found = self.config.mailboxes.iter().find(|m| {
            m.address.eq_ignore_ascii_case(target)
                || m.address
                    .split('@')
                    .next()
                    .is_some_and(|l| l.eq_ignore_ascii_case(target))
        });
        match found {
            Some(m) if m.state != MailboxState::Unknown => {
                let a = m.address.clone();
                self.answer(250, Rule::VrfyOk, format!("<{a}>"))
            }
            _ => self.answer(550, Rule::UnknownMailbox, "No such user here".into()),
        }
    }

    fn on_starttls(&mut self, text: &str) {
        let offered = self.config.has("STARTTLS");
        if self.flags.tls {
            return self.answer(503, Rule::BadSequence, "Error: TLS already active".into());
        }
        if !offered {
            return self.answer(
                502,
                Rule::NotImplemented,
                "Error: STARTTLS is not offered".into(),
            );
        }
        match self.state {
            State::Connected => {
                return self.answer(503, Rule::NeedHelo, "Error: send EHLO first".into())
            }
            State::Greeted if self.flags.esmtp => {}
            State::Greeted => {
                return self.answer(503, Rule::NeedHelo, "Error: STARTTLS needs EHLO".into())
            }
            _ => {
                return self.answer(
                    503,
                    Rule::BadSequence,
                    "Error: STARTTLS during a transaction".into(),
                )
            }
        }
        self.answer(220, Rule::StartTlsOk, "Ready to start TLS".into());
        if self.input.len() > self.input_pos {
            // Anything the client pipelined after STARTTLS was sent in the clear: never let it
            // run inside the TLS session (CVE-2011-0411, RFC 3207 4.2).
            let n = self.input.len() - self.input_pos;
            self.clear_input();
            self.warn(
                Rule::TlsEstablished,
                format!("{n} octets sent after STARTTLS in the clear were discarded"),
                format!("STARTTLS の後に平文で送られた {n} オクテットを破棄しました"),
            );
        }
        self.move_to(State::TlsNegotiation, text, Rule::StartTlsOk);
        self.push(Event::StartTls);
        if self.config.policy.simulate_tls {
            self.tls_up();
        }
    }

    fn tls_up(&mut self) {
        self.flags.tls = true;
        self.flags.esmtp = false;
        self.flags.enhanced = false;
        self.flags.authenticated = false;
        self.helo = None;
        self.envelope = Envelope::default();
        self.move_to(State::Connected, "TLS handshake", Rule::TlsEstablished);
    }

    fn on_auth(&mut self, mechanism: &str, initial: Option<String>, text: &str) {
        let mechs: Vec<String> = self
            .advertised()
            .iter()
            .find_map(|e| match e {
                Extension::Auth(m) if self.flags.esmtp => Some(m.clone()),
                _ => None,
            })
            .unwrap_or_default();
        if self.flags.authenticated {
            return self.answer(
                503,
                Rule::BadSequence,
                "Error: already authenticated".into(),
            );
        }
        if mechs.is_empty() {
            if self.config.has("AUTH") && self.flags.esmtp && !self.flags.tls {
                return self.answer(
                    538,
                    Rule::AuthEncryptionRequired,
                    "Encryption required for requested authentication mechanism".into(),
                );
            }
            return self.answer(
                502,
                Rule::NotImplemented,
                "Error: AUTH is not offered".into(),
            );
        }
        if self.state != State::Greeted {
            return self.answer(
                503,
                Rule::BadSequence,
                "Error: AUTH is not allowed now".into(),
            );
        }
        if !mechs.iter().any(|m| m == mechanism) {
            return self.answer(
                504,
                Rule::AuthMechanism,
                format!("Unrecognized authentication type {mechanism}"),
            );
        }
        self.move_to(State::AuthExchange, text, Rule::AuthChallenge);
        match (mechanism, initial) {
            ("PLAIN", Some(resp)) => self.auth_plain(&resp),
            ("PLAIN", None) => {
                self.auth = Some(AuthStep::PlainResponse);
                self.answer(334, Rule::AuthChallenge, String::new());
            }
            ("LOGIN", Some(user)) => self.auth_login_user(&user),
            _ => {
                self.auth = Some(AuthStep::LoginUser);
                self.answer(334, Rule::AuthChallenge, "VXNlcm5hbWU6".into()); // "Username:"
            }
        }
    }

    fn on_auth_line(&mut self, bytes: &[u8]) {
        let line = String::from_utf8_lossy(bytes).into_owned();
        self.push(Event::Command { line: line.clone() });
        if line == "*" {
            self.auth = None;
            self.move_to(State::Greeted, "*", Rule::AuthCancelled);
            return self.answer(501, Rule::AuthCancelled, "Authentication cancelled".into());
        }
        match self.auth.take() {
            Some(AuthStep::PlainResponse) => self.auth_plain(&line),
            Some(AuthStep::LoginUser) => self.auth_login_user(&line),
            Some(AuthStep::LoginPassword { user }) => match decode_b64(&line) {
                Some(pw) => self.auth_check(&user, &String::from_utf8_lossy(&pw)),
                None => self.auth_bad_base64(),
            },
            None => {
                self.move_to(State::Greeted, "AUTH", Rule::BadSequence);
            }
        }
    }

    fn auth_plain(&mut self, resp: &str) {
        let Some(raw) = (if resp == "=" {
            Some(vec![])
        } else {
            decode_b64(resp)
        }) else {
            return self.auth_bad_base64();
        };
        let parts: Vec<&[u8]> = raw.split(|&b| b == 0).collect();
        if parts.len() != 3 {
            self.move_to(State::Greeted, "AUTH", Rule::AuthFailed);
            return self.answer(
                535,
                Rule::AuthFailed,
                "Authentication credentials invalid".into(),
            );
        }
        let user = String::from_utf8_lossy(parts[1]).into_owned();
        let pw = String::from_utf8_lossy(parts[2]).into_owned();
        self.auth_check(&user, &pw);
    }

    fn auth_login_user(&mut self, line: &str) {
        match decode_b64(line) {
            Some(u) => {
                self.auth = Some(AuthStep::LoginPassword {
                    user: String::from_utf8_lossy(&u).into_owned(),
                });
                self.answer(334, Rule::AuthChallenge, "UGFzc3dvcmQ6".into()); // "Password:"
            }
            None => self.auth_bad_base64(),
        }
    }

    fn auth_check(&mut self, user: &str, pw: &str) {
        let ok = self
            .config
            .users
            .iter()
            .any(|u| u.name == user && u.password == pw);
        self.auth = None;
        if ok {
            self.flags.authenticated = true;
            self.move_to(State::Greeted, "AUTH", Rule::AuthOk);
            self.answer(235, Rule::AuthOk, "Authentication successful".into());
        } else {
            self.move_to(State::Greeted, "AUTH", Rule::AuthFailed);
            self.answer(
                535,
                Rule::AuthFailed,
                "Authentication credentials invalid".into(),
            );
        }
    }

    fn auth_bad_base64(&mut self) {
        self.auth = None;
        self.move_to(State::Greeted, "AUTH", Rule::AuthBadBase64);
        self.answer(
            501,
            Rule::AuthBadBase64,
            "Cannot decode the response (base64)".into(),
        );
    }

    // ---- helpers -----------------------------------------------------------------------

    fn advertises(&self, keyword: &str) -> bool {
        self.config
            .extensions
            .iter()
            .any(|e| e.keyword() == keyword && self.is_advertised(e))
    }

    fn max_message_size(&self) -> u64 {
        self.config
            .extensions
            .iter()
            .find_map(|e| match e {
                Extension::Size(Some(n)) if *n > 0 => Some(*n),
                _ => None,
            })
            .unwrap_or(self.config.limits.max_message_size)
    }

    /// RFC 5321 4.5.3.1.4 plus the allowances extensions add to MAIL and RCPT lines:
    /// SIZE +26 (RFC 1870), DSN +100 MAIL / +500 RCPT (RFC 3461), AUTH +500 (RFC 4954),
    /// SMTPUTF8 +10 (RFC 6531).
    fn command_limit(&self, verb: Verb) -> usize {
        let base = self.config.limits.command_line;
        let has = |k: &str| self.config.has(k);
        match verb {
            Verb::Mail => {
                // validate() bounds `base` to 1 MiB, so these sums cannot overflow.
                base + if has("SIZE") { 26 } else { 0 }
                    + if has("DSN") { 100 } else { 0 }
                    + if has("AUTH") { 500 } else { 0 }
                    + if has("SMTPUTF8") { 10 } else { 0 }
                    + if has("DELIVERBY") || has("REQUIRETLS") || has("8BITMIME") {
                        30
                    } else {
                        0
                    }
            }
            Verb::Rcpt => base + if has("DSN") { 500 } else { 0 },
            Verb::Auth if has("AUTH") => AUTH_LINE_MAX,
            _ => base,
        }
    }

    /// Plain text in a plain session, RFC 2034-style text when enhanced codes are on.
    fn text(&self, plain: &str, enhanced: &str) -> String {
        if self.flags.enhanced { enhanced } else { plain }.to_owned()
    }

    fn make(&self, code: u16, rule: Rule, text: String) -> Reply {
        let mut r = Reply::new(code, rule, text);
        self.decorate(&mut r, rule);
        r
    }

    fn make_multi(&self, code: u16, rule: Rule, lines: Vec<String>) -> Reply {
        let mut r = Reply::multi(code, rule, lines);
        self.decorate(&mut r, rule);
        r
    }

    /// Enhanced codes only after ENHANCEDSTATUSCODES was advertised, never on 3xx, and with
    /// the class of the reply code (RFC 2034 4, RFC 3463 2).
    fn decorate(&self, r: &mut Reply, rule: Rule) {
        if self.flags.enhanced && r.class() != 3 {
            let class = r.class();
            r.enhanced = rule
                .enhanced()
                .map(|e| Enhanced::new(class, e.subject, e.detail))
                .or(Some(Enhanced::new(class, 0, 0)));
        }
    }

    /// A reply to a command: counts toward the error limit.
    fn answer(&mut self, code: u16, rule: Rule, text: String) {
        let r = self.make(code, rule, text);
        self.emit_counted(r);
    }

    fn answer_no_count(&mut self, code: u16, rule: Rule, text: String) {
        let r = self.make(code, rule, text);
        self.emit(r);
    }

    fn emit_counted(&mut self, r: Reply) {
        let error = r.code >= 400 && r.code != 421;
        self.emit(r);
        if error && self.state != State::Closed {
            self.errors += 1;
            if self.errors >= self.config.limits.max_errors {
                let text = format!("{} Error: too many errors", self.config.hostname);
                let r = self.make(421, Rule::TooManyErrors, text);
                self.emit(r);
                self.close("too many errors");
            }
        }
    }

    fn emit(&mut self, r: Reply) {
        r.write_wire(&mut self.transmit);
        self.push(Event::Reply(r));
    }

    fn push(&mut self, e: Event) {
        self.events.push_back(e);
    }

    fn warn(&mut self, rule: Rule, detail: impl Into<String>, detail_ja: impl Into<String>) {
        self.push(Event::Warning(Warning::new(rule, detail, detail_ja)));
    }

    /// The only way the state changes; illegal edges are a bug (debug assertion) and are
    /// still applied in release so a wasm page never dies on them.
    fn move_to(&mut self, to: State, cause: &str, rule: Rule) {
        let from = self.state;
        if from == to && to != State::Greeted {
            return;
        }
        debug_assert!(
            from.can_move_to(to) || from == to,
            "illegal transition {from:?} -> {to:?}"
        );
        self.state = to;
        self.push(Event::Transition {
            from,
            to,
            cause: cause.to_owned(),
            rule: rule.id(),
            rfc: rule.rfc(),
        });
    }

    fn reset_transaction(&mut self, cause: &str) {
        self.envelope = Envelope::default();
        self.data = None;
        self.bdat = None;
        self.bdat_message = Vec::new();
        self.bdat_total = 0;
        self.flags.body = Body::SevenBit;
        self.flags.smtputf8 = false;
        if matches!(
            self.state,
            State::MailFrom | State::RcptTo | State::Bdat | State::Data
        ) {
            self.move_to(State::Greeted, cause, Rule::RsetOk);
        }
    }

    fn close(&mut self, cause: &str) {
        self.move_to(State::Closed, cause, Rule::Closed);
        self.clear_input();
        self.push(Event::Close);
    }

    /// Removes the input already read as command lines.
    fn compact_input(&mut self) {
        let consumed = std::mem::take(&mut self.input_pos);
        self.input.drain(..consumed.min(self.input.len()));
    }

    fn clear_input(&mut self) {
        self.input.clear();
        self.input_pos = 0;
    }

    fn fault_for(&self, on: &str, address: Option<&str>) -> Option<Reply> {
        self.config.faults.iter().find_map(|f| match f {
            Fault::Reply {
                on: v,
                matching,
                code,
                enhanced,
                text,
            } if v == on => {
                if let Some(glob) = matching {
                    if !address.is_some_and(|a| glob_match(&glob.to_lowercase(), &a.to_lowercase()))
                    {
                        return None;
                    }
                }
                let mut r = Reply::new(*code, Rule::Fault, text.clone());
                if self.flags.enhanced && r.class() != 3 {
                    r.enhanced = Some(match enhanced {
                        Some((c, s, d)) => Enhanced::new(*c, *s, *d),
                        None => Enhanced::new(r.class(), 0, 0),
                    });
                }
                Some(r)
            }
            _ => None,
        })
    }
}

fn address_of(cmd: &Command) -> Option<String> {
    match cmd {
        Command::Mail {
            path: ReversePath::Mailbox(m),
            ..
        } => Some(m.to_string()),
        Command::Mail {
            path: ReversePath::Null,
            ..
        } => Some(String::new()),
        Command::Rcpt {
            path: ForwardPath::Mailbox(m),
            ..
        } => Some(m.to_string()),
        Command::Rcpt {
            path: ForwardPath::Postmaster,
            ..
        } => Some("postmaster".into()),
        _ => None,
    }
}

/// `*` matches any run of characters; everything else literally.
fn glob_match(glob: &str, s: &str) -> bool {
    match glob.split_once('*') {
        None => glob == s,
        Some((head, tail)) => {
            let Some(rest) = s.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| glob_match(tail, &rest[i..]))
        }
    }
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("*@spam.example", "x@spam.example"));
        assert!(glob_match("pat@foo.edu", "pat@foo.edu"));
        assert!(!glob_match("*@spam.example", "x@ham.example"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
    }
}
