//! Dialogue fixtures that read like the RFC examples, and a runner that checks a session
//! against them. The UI's scenarios and the core's tests share this format.
//!
//! ```text
//! # a comment
//! ! profile foo-edu                      directives set up the server before it greets
//! S: 220 foo.edu SMTP server ready       expected reply lines, exact
//! C: EHLO host.foo.edu                   a client line; CRLF is appended
//! C~ x\n.\n                              raw client bytes with \r \n \t \\ \xHH escapes
//! ? state Greeted                        an assertion about the session
//! ```
//! Consecutive client lines are sent in one batch (as a pipelining client would), and the
//! `S:` lines that follow must be exactly the replies to that batch.
//!
//! Directives: `profile NAME`, `mode smtp|lmtp`, `hostname H`, `extensions A, B 1, C`,
//! `clear` (no mailboxes, domains, users or faults), `mailbox ADDR [STATE]`, `domain D`,
//! `user NAME PASSWORD`, `fault SENTENCE`, `policy KEY=VALUE`, `limit KEY=VALUE`,
//! `client NAME ADDRESS`, `now MS`. [`directives`] writes them for any config.
//! Assertions: `state S`, `delivered N`, `closed`, `warning RULE`, `rule RULE` (the last
//! reply's rule), `group-ends N`, `data-contains TEXT` (last delivery).

use crate::config::{Config, Extension, Fault, MailboxConfig, MailboxState, Mode, User};
use crate::event::Event;
use crate::session::Session;
use std::fmt;

/// One parsed fixture line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Directive(String),
    Client(Vec<u8>),
    Server(String),
    Assert(String),
}

/// A fixture: setup directives, then the dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub steps: Vec<(usize, Step)>,
}

/// Where a fixture and the session disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Fixture {
    pub fn parse(text: &str) -> Result<Fixture, Mismatch> {
        let mut steps = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            // The tag is two ASCII characters; anything else is not a fixture line.
            let (tag, rest) = if line.is_char_boundary(2.min(line.len())) {
                line.split_at(line.len().min(2))
            } else {
                ("", line)
            };
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            let step = match tag {
                "S:" => Step::Server(rest.to_owned()),
                "C:" => {
                    let mut b = rest.as_bytes().to_vec();
                    b.extend_from_slice(b"\r\n");
                    Step::Client(b)
                }
                "C~" => Step::Client(unescape(rest).map_err(|m| Mismatch {
                    line: n,
                    message: m,
                })?),
                _ if line.starts_with("! ") => Step::Directive(line[2..].to_owned()),
                _ if line.starts_with("? ") => Step::Assert(line[2..].to_owned()),
                _ => {
                    return Err(Mismatch {
                        line: n,
                        message: format!("expected S:, C:, C~, ! or ? at the start of \"{line}\""),
                    })
                }
            };
            steps.push((n, step));
        }
        Ok(Fixture { steps })
    }

    /// The server configuration the directives describe.
    pub fn config(&self) -> Result<Config, Mismatch> {
        let mut cfg = Config::default();
        for (n, step) in &self.steps {
            if let Step::Directive(d) = step {
                apply_directive(&mut cfg, d).map_err(|m| Mismatch {
                    line: *n,
                    message: m,
                })?;
            }
        }
        Ok(cfg)
    }

    /// Runs the dialogue against a fresh session; `Ok` carries the session at the end.
    pub fn run(&self) -> Result<Session, Mismatch> {
        let cfg = self.config()?;
        let mut now = FIXTURE_NOW;
        for (_, s) in &self.steps {
            if let Step::Directive(d) = s {
                if let Some(ms) = d.strip_prefix("now ") {
                    now = ms.trim().parse().unwrap_or(now);
                }
            }
        }
        let mut session = Session::new(cfg, now);
        let mut out = Outputs::default();
        out.collect(&mut session);
        let mut batch: Vec<u8> = Vec::new();
        let mut pending = out
            .replies
            .drain(..)
            .collect::<std::collections::VecDeque<_>>();
        for (n, step) in &self.steps {
            match step {
                Step::Directive(_) => {}
                Step::Client(bytes) => batch.extend_from_slice(bytes),
                Step::Server(_) | Step::Assert(_) => {
                    if !batch.is_empty() {
                        session.handle_input(now, &std::mem::take(&mut batch));
                        out.collect(&mut session);
                        pending.extend(out.replies.drain(..));
                    }
                    if let Step::Server(expected) = step {
                        match pending.pop_front() {
                            Some(got) if &got == expected => {}
                            Some(got) => {
                                return Err(Mismatch {
                                    line: *n,
                                    message: format!(
                                        "expected \"{expected}\", the server said \"{got}\""
                                    ),
                                })
                            }
                            None => {
                                return Err(Mismatch {
                                    line: *n,
                                    message: format!(
                                        "expected \"{expected}\", the server said nothing"
                                    ),
                                })
                            }
                        }
                    } else if let Step::Assert(a) = step {
                        if let Some(extra) = pending.front() {
                            return Err(Mismatch {
                                line: *n,
                                message: format!(
                                    "unexpected reply \"{extra}\" before this assertion"
                                ),
                            });
                        }
                        check(&session, &out, a).map_err(|m| Mismatch {
                            line: *n,
                            message: m,
                        })?;
                    }
                }
            }
        }
        if !batch.is_empty() {
            session.handle_input(now, &batch);
            out.collect(&mut session);
            pending.extend(out.replies.drain(..));
        }
        if let Some(extra) = pending.front() {
            let last = self.steps.last().map(|(n, _)| *n).unwrap_or(0);
            return Err(Mismatch {
                line: last,
                message: format!(
                    "the server also said \"{extra}\", which the fixture does not expect"
                ),
            });
        }
        Ok(session)
    }
}

#[derive(Default)]
struct Outputs {
    replies: Vec<String>,
    last_rule: Option<&'static str>,
    warnings: Vec<&'static str>,
    deliveries: Vec<Vec<u8>>,
    group_ends: usize,
}

impl Outputs {
    fn collect(&mut self, s: &mut Session) {
        while let Some(e) = s.poll_event() {
            match e {
                Event::Reply(r) => {
                    self.last_rule = Some(r.rule);
                    self.replies.extend(r.wire_lines());
                }
                Event::Warning(w) => self.warnings.push(w.rule),
                Event::Delivered(d) => self.deliveries.push(d.data),
                Event::GroupEnd => self.group_ends += 1,
                _ => {}
            }
        }
    }
}

fn check(s: &Session, out: &Outputs, assertion: &str) -> Result<(), String> {
    let (what, arg) = assertion.split_once(' ').unwrap_or((assertion, ""));
    let arg = arg.trim();
    let ok = match what {
        "state" => s.state().name() == arg,
        "closed" => s.is_closed(),
        "delivered" => arg
            .parse::<usize>()
            .is_ok_and(|n| n == out.deliveries.len()),
        "warning" => out.warnings.contains(&arg),
        "no-warning" => !out.warnings.contains(&arg),
        "rule" => out.last_rule == Some(arg),
        "group-ends" => arg.parse::<usize>().is_ok_and(|n| n == out.group_ends),
        "data-contains" => out
            .deliveries
            .last()
            .is_some_and(|d| String::from_utf8_lossy(d).contains(&unescape_lossy(arg))),
        _ => return Err(format!("unknown assertion \"{what}\"")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "assertion \"{assertion}\" failed (state {}, {} deliveries, last rule {:?}, warnings {:?})",
            s.state().name(),
            out.deliveries.len(),
            out.last_rule,
            out.warnings
        ))
    }
}

fn apply_directive(cfg: &mut Config, d: &str) -> Result<(), String> {
    let (key, value) = d.split_once(' ').unwrap_or((d, ""));
    let value = value.trim();
    match key {
        "profile" => {
            *cfg = crate::profile::profile(value)
                .ok_or_else(|| format!("unknown profile \"{value}\""))?;
        }
        "mode" => {
            cfg.mode = match value {
                "smtp" => Mode::Smtp,
                "lmtp" => Mode::Lmtp,
                _ => return Err(format!("mode is smtp or lmtp, not \"{value}\"")),
            }
        }
        "hostname" => cfg.hostname = value.to_owned(),
        "extensions" => {
            cfg.extensions = value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::parse::<Extension>)
                .collect::<Result<_, _>>()?;
        }
        "mailbox" => {
            let mut it = value.split_whitespace();
            let address = it.next().ok_or("mailbox needs an address")?.to_owned();
            let state: MailboxState = it.next().unwrap_or("ok").parse()?;
            cfg.mailboxes.push(MailboxConfig { address, state });
        }
        "domain" => cfg.domains.push(value.to_owned()),
        "user" => {
            let (name, password) = value.split_once(' ').ok_or("user NAME PASSWORD")?;
            cfg.users.push(User {
                name: name.to_owned(),
                password: password.to_owned(),
            });
        }
        "fault" => cfg.faults.push(value.parse::<Fault>()?),
        "policy" | "limit" => {
            let (k, v) = value.split_once('=').ok_or("KEY=VALUE")?;
            let b = || v.parse::<bool>().map_err(|_| format!("{k}: true or false"));
            let n = || v.parse::<u64>().map_err(|_| format!("{k}: a number"));
            let small = || {
                n().and_then(|x| u32::try_from(x).map_err(|_| format!("{k}: at most {}", u32::MAX)))
            };
            let size =
                || n().and_then(|x| usize::try_from(x).map_err(|_| format!("{k}: too large")));
            match k {
                "syntax" => cfg.policy.syntax = v.parse()?,
                "bare_lf" => cfg.policy.bare_lf = v.parse()?,
                "strict_pipelining" => cfg.policy.strict_pipelining = b()?,
                "eight_bit" => cfg.policy.eight_bit = v.parse()?,
                "long_lines" => cfg.policy.long_lines = v.parse()?,
                "auth_requires_tls" => cfg.policy.auth_requires_tls = b()?,
                "require_tls" => cfg.policy.require_tls = b()?,
                "require_auth" => cfg.policy.require_auth = b()?,
                "expn" => cfg.policy.expn = b()?,
                "simulate_tls" => cfg.policy.simulate_tls = b()?,
                "max_recipients" => cfg.limits.max_recipients = small()?,
                "max_errors" => cfg.limits.max_errors = small()?,
                "command_line" => cfg.limits.command_line = size()?,
                "text_line" => cfg.limits.text_line = n()?,
                "max_message_size" => cfg.limits.max_message_size = n()?,
                "command_timeout_ms" => cfg.limits.command_timeout_ms = n()?,
                "data_timeout_ms" => cfg.limits.data_timeout_ms = n()?,
                "min_data_rate" => cfg.limits.min_data_rate = n()?,
                _ => return Err(format!("unknown setting \"{k}\"")),
            }
        }
        "client" => {
            let (name, addr) = value.split_once(' ').ok_or("client NAME ADDRESS")?;
            cfg.client.name = name.to_owned();
            cfg.client.addr = addr.trim().to_owned();
        }
        "clear" => {
            // Empties the lists a profile brings, so the lines after it say exactly what is in them.
            cfg.mailboxes.clear();
            cfg.domains.clear();
            cfg.users.clear();
            cfg.faults.clear();
        }
        "now" => {}
        _ => return Err(format!("unknown directive \"{key}\"")),
    }
    Ok(())
}

/// The directives that rebuild `config` exactly: its profile, then what differs from it.
/// With [`dialogue`] this is "copy as fixture"; the playground's permalinks use it too.
pub fn directives(config: &Config) -> Vec<String> {
    let name = config.profile.as_deref().unwrap_or("everything");
    let (name, base) = match crate::profile::profile(name) {
        Some(base) => (name, base),
        None => ("everything", Config::default()),
    };
    let mut out = vec![format!("profile {name}")];
    let mut differ = |same: bool, line: String| {
        if !same {
            out.push(line);
        }
    };
    let mode = if config.mode == Mode::Lmtp {
        "lmtp"
    } else {
        "smtp"
    };
    differ(config.mode == base.mode, format!("mode {mode}"));
    differ(
        config.hostname == base.hostname,
        format!("hostname {}", config.hostname),
    );
    let exts: Vec<String> = config.extensions.iter().map(|e| e.to_string()).collect();
    differ(
        config.extensions == base.extensions,
        format!("extensions {}", exts.join(", ")),
    );
    for ((k, v), (_, was)) in policy_settings(config)
        .into_iter()
        .zip(policy_settings(&base))
    {
        differ(v == was, format!("policy {k}={v}"));
    }
    for ((k, v), (_, was)) in limit_settings(config)
        .into_iter()
        .zip(limit_settings(&base))
    {
        differ(v == was, format!("limit {k}={v}"));
    }
    differ(
        config.client == base.client,
        format!("client {} {}", config.client.name, config.client.addr),
    );
    let lists_same = config.mailboxes == base.mailboxes
        && config.domains == base.domains
        && config.users == base.users
        && config.faults == base.faults;
    if !lists_same {
        out.push("clear".into());
        for m in &config.mailboxes {
            out.push(format!("mailbox {} {}", m.address, m.state));
        }
        for d in &config.domains {
            out.push(format!("domain {d}"));
        }
        for u in &config.users {
            out.push(format!("user {} {}", u.name, u.password));
        }
        for f in &config.faults {
            out.push(format!("fault {f}"));
        }
    }
    out
}

/// The `policy KEY=VALUE` settings of a config, as `apply_directive` reads them.
fn policy_settings(c: &Config) -> [(&'static str, String); 10] {
    let p = &c.policy;
    [
        ("syntax", p.syntax.as_str().to_owned()),
        ("bare_lf", p.bare_lf.as_str().to_owned()),
        ("strict_pipelining", p.strict_pipelining.to_string()),
        ("eight_bit", p.eight_bit.as_str().to_owned()),
        ("long_lines", p.long_lines.as_str().to_owned()),
        ("auth_requires_tls", p.auth_requires_tls.to_string()),
        ("require_tls", p.require_tls.to_string()),
        ("require_auth", p.require_auth.to_string()),
        ("expn", p.expn.to_string()),
        ("simulate_tls", p.simulate_tls.to_string()),
    ]
}

/// The `limit KEY=VALUE` settings of a config, as `apply_directive` reads them.
fn limit_settings(c: &Config) -> [(&'static str, u64); 8] {
    let l = &c.limits;
    [
        ("max_recipients", u64::from(l.max_recipients)),
        ("max_errors", u64::from(l.max_errors)),
        ("command_line", l.command_line as u64),
        ("text_line", l.text_line),
        ("max_message_size", l.max_message_size),
        ("command_timeout_ms", l.command_timeout_ms),
        ("data_timeout_ms", l.data_timeout_ms),
        ("min_data_rate", l.min_data_rate),
    ]
}

/// A fixture of a whole dialogue: `! ` directives, then each client write (as `C:` lines,
/// or `C~` for bytes a `C:` line cannot show) and the server's reply lines after it.
pub fn dialogue(
    config: &Config,
    exchanges: &[(Vec<u8>, Vec<String>)],
    greeting: &[String],
) -> String {
    let mut out = String::new();
    for d in directives(config) {
        out.push_str("! ");
        out.push_str(&d);
        out.push('\n');
    }
    let server = |out: &mut String, lines: &[String]| {
        for l in lines {
            out.push_str("S: ");
            out.push_str(l);
            out.push('\n');
        }
    };
    server(&mut out, greeting);
    for (write, replies) in exchanges {
        out.push_str(&client_lines(write));
        server(&mut out, replies);
    }
    out
}

/// Plays `writes` against a fresh session and writes the whole dialogue as a fixture that
/// passes ("copy as fixture").
pub fn record(config: &Config, writes: &[Vec<u8>]) -> String {
    // The runner's own collector, so a recording sees the replies exactly as run() does.
    let mut out = Outputs::default();
    let mut session = Session::new(config.clone(), FIXTURE_NOW);
    out.collect(&mut session);
    let greeting = std::mem::take(&mut out.replies);
    let exchanges: Vec<(Vec<u8>, Vec<String>)> = writes
        .iter()
        .map(|w| {
            session.handle_input(FIXTURE_NOW, w);
            out.collect(&mut session);
            (w.clone(), std::mem::take(&mut out.replies))
        })
        .collect();
    dialogue(config, &exchanges, &greeting)
}

/// The clock of fixture runs: 2026-11-27, fixed, so fixtures are deterministic.
const FIXTURE_NOW: u64 = 1_795_813_480_000;

/// Client bytes as fixture lines: `C:` per CRLF-terminated printable line, one `C~` line
/// for the rest (bare LF, control bytes, non-UTF-8, a missing final CRLF).
fn client_lines(write: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = write;
    while !rest.is_empty() {
        let end = rest.windows(2).position(|w| w == b"\r\n");
        let used = end.map_or(rest.len(), |i| i + 2);
        // Trailing spaces would not survive an editor: those lines are `C~` too.
        match end.and_then(|i| std::str::from_utf8(&rest[..i]).ok()) {
            Some(line) if !line.chars().any(char::is_control) && !line.ends_with(' ') => {
                out.push_str("C: ");
                out.push_str(line);
            }
            _ => {
                out.push_str("C~ ");
                out.push_str(&escape(&rest[..used]));
            }
        }
        out.push('\n');
        rest = &rest[used..];
    }
    out
}

/// `\r \n \t \\ \xHH` escapes.
pub fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'r') => out.push(b'\r'),
            Some(b'n') => out.push(b'\n'),
            Some(b't') => out.push(b'\t'),
            Some(b'\\') => out.push(b'\\'),
            Some(b'x') => {
                let hex = s.get(i + 2..i + 4).ok_or("\\x needs two hex digits")?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape \\x{hex}"))?);
                i += 2;
            }
            _ => return Err(format!("unknown escape at byte {i}")),
        }
        i += 2;
    }
    Ok(out)
}

fn unescape_lossy(s: &str) -> String {
    unescape(s)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|_| s.to_owned())
}

/// Escapes bytes for a `C~` line.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}
