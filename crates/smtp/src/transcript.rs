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
//! `mailbox ADDR [STATE]`, `domain D`, `user NAME PASSWORD`, `fault SENTENCE`,
//! `policy KEY=VALUE`, `limit KEY=VALUE`, `now MS`.
//! Assertions: `state S`, `delivered N`, `closed`, `warning RULE`, `rule RULE` (the last
//! reply's rule), `group-ends N`, `data-contains TEXT` (last delivery).

use crate::config::{
    Config, Extension, Fault, MailboxConfig, MailboxState, Mode, SyntaxPolicy, User,
};
use crate::event::Event;
use crate::framing::BareLfPolicy;
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
            let (tag, rest) = line.split_at(line.len().min(2));
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
        let mut now = 1_795_813_480_000u64; // 2026-11-27, fixed: fixtures are deterministic
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
            let enf = || match v {
                "reject" => Ok(crate::config::Enforcement::Reject),
                "warn" => Ok(crate::config::Enforcement::Warn),
                _ => Err(format!("{k}: reject or warn")),
            };
            match k {
                "syntax" => {
                    cfg.policy.syntax = match v {
                        "strict" => SyntaxPolicy::Strict,
                        "lenient" => SyntaxPolicy::Lenient,
                        _ => return Err("syntax: strict or lenient".into()),
                    }
                }
                "bare_lf" => {
                    cfg.policy.bare_lf = match v {
                        "reject" => BareLfPolicy::Reject,
                        "normalize" => BareLfPolicy::Normalize,
                        _ => return Err("bare_lf: reject or normalize".into()),
                    }
                }
                "strict_pipelining" => cfg.policy.strict_pipelining = b()?,
                "eight_bit" => cfg.policy.eight_bit = enf()?,
                "long_lines" => cfg.policy.long_lines = enf()?,
                "auth_requires_tls" => cfg.policy.auth_requires_tls = b()?,
                "require_tls" => cfg.policy.require_tls = b()?,
                "require_auth" => cfg.policy.require_auth = b()?,
                "expn" => cfg.policy.expn = b()?,
                "max_recipients" => cfg.limits.max_recipients = n()? as u32,
                "max_errors" => cfg.limits.max_errors = n()? as u32,
                "command_line" => cfg.limits.command_line = n()? as usize,
                "text_line" => cfg.limits.text_line = n()?,
                "max_message_size" => cfg.limits.max_message_size = n()?,
                _ => return Err(format!("unknown setting \"{k}\"")),
            }
        }
        "now" => {}
        _ => return Err(format!("unknown directive \"{key}\"")),
    }
    Ok(())
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
