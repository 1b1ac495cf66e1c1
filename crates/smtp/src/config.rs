//! The policy layer's settings: what the server advertises, its limits, its mailboxes,
//! users and fault rules. Deserializable (TOML for the CLI, JSON for the web) with unknown
//! keys refused, so a typo in a config names the key instead of being ignored.

use crate::framing::BareLfPolicy;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// SMTP (RFC 5321) or LMTP (RFC 2033).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Smtp,
    Lmtp,
}

/// One EHLO keyword the server advertises, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extension {
    /// SIZE with the fixed maximum in octets (RFC 1870); `None` advertises bare `SIZE`.
    Size(Option<u64>),
    EightBitMime,
    Pipelining,
    EnhancedStatusCodes,
    StartTls,
    Chunking,
    BinaryMime,
    Dsn,
    /// AUTH with its mechanisms (PLAIN, LOGIN).
    Auth(Vec<String>),
    SmtpUtf8,
    RequireTls,
    /// DELIVERBY with an optional minimum by-time in seconds (RFC 2852).
    DeliverBy(Option<u64>),
    Etrn,
    Vrfy,
    Help,
}

impl Extension {
    /// The keyword as it appears in the EHLO reply.
    pub fn keyword(&self) -> &'static str {
        match self {
            Extension::Size(_) => "SIZE",
            Extension::EightBitMime => "8BITMIME",
            Extension::Pipelining => "PIPELINING",
            Extension::EnhancedStatusCodes => "ENHANCEDSTATUSCODES",
            Extension::StartTls => "STARTTLS",
            Extension::Chunking => "CHUNKING",
            Extension::BinaryMime => "BINARYMIME",
            Extension::Dsn => "DSN",
            Extension::Auth(_) => "AUTH",
            Extension::SmtpUtf8 => "SMTPUTF8",
            Extension::RequireTls => "REQUIRETLS",
            Extension::DeliverBy(_) => "DELIVERBY",
            Extension::Etrn => "ETRN",
            Extension::Vrfy => "VRFY",
            Extension::Help => "HELP",
        }
    }

    /// The RFC that defines the extension (shown next to each EHLO line).
    pub fn rfc(&self) -> &'static str {
        match self {
            Extension::Size(_) => "RFC 1870",
            Extension::EightBitMime => "RFC 6152",
            Extension::Pipelining => "RFC 2920",
            Extension::EnhancedStatusCodes => "RFC 2034",
            Extension::StartTls => "RFC 3207",
            Extension::Chunking | Extension::BinaryMime => "RFC 3030",
            Extension::Dsn => "RFC 3461",
            Extension::Auth(_) => "RFC 4954",
            Extension::SmtpUtf8 => "RFC 6531",
            Extension::RequireTls => "RFC 8689",
            Extension::DeliverBy(_) => "RFC 2852",
            Extension::Etrn => "RFC 1985",
            Extension::Vrfy | Extension::Help => "RFC 5321",
        }
    }
}

impl fmt::Display for Extension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Extension::Size(Some(n)) => write!(f, "SIZE {n}"),
            Extension::DeliverBy(Some(n)) => write!(f, "DELIVERBY {n}"),
            Extension::Auth(m) => write!(f, "AUTH {}", m.join(" ")),
            other => f.write_str(other.keyword()),
        }
    }
}

impl FromStr for Extension {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut words = s.split_whitespace();
        let kw = words.next().unwrap_or_default().to_ascii_uppercase();
        let args: Vec<&str> = words.collect();
        let number = |args: &[&str]| -> Result<Option<u64>, String> {
            match args {
                [] => Ok(None),
                [n] => n
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{kw}: \"{n}\" is not a number")),
                _ => Err(format!("{kw} takes at most one number")),
            }
        };
        let flag = |e: Extension| {
            if args.is_empty() {
                Ok(e)
            } else {
                Err(format!("{kw} takes no parameters"))
            }
        };
        match kw.as_str() {
            "SIZE" => Ok(Extension::Size(number(&args)?)),
            "DELIVERBY" => Ok(Extension::DeliverBy(number(&args)?)),
            "AUTH" => {
                let mechs: Vec<String> = args.iter().map(|m| m.to_ascii_uppercase()).collect();
                if mechs.is_empty() {
                    return Err("AUTH needs at least one mechanism (PLAIN, LOGIN)".into());
                }
                if let Some(bad) = mechs
                    .iter()
                    .find(|m| !matches!(m.as_str(), "PLAIN" | "LOGIN"))
                {
                    return Err(format!(
                        "AUTH mechanism {bad} is not supported (PLAIN, LOGIN)"
                    ));
                }
                Ok(Extension::Auth(mechs))
            }
            "8BITMIME" => flag(Extension::EightBitMime),
            "PIPELINING" => flag(Extension::Pipelining),
            "ENHANCEDSTATUSCODES" => flag(Extension::EnhancedStatusCodes),
            "STARTTLS" => flag(Extension::StartTls),
            "CHUNKING" => flag(Extension::Chunking),
            "BINARYMIME" => flag(Extension::BinaryMime),
            "DSN" => flag(Extension::Dsn),
            "SMTPUTF8" => flag(Extension::SmtpUtf8),
            "REQUIRETLS" => flag(Extension::RequireTls),
            "ETRN" => flag(Extension::Etrn),
            "VRFY" => flag(Extension::Vrfy),
            "HELP" => flag(Extension::Help),
            "" => Err("empty extension".into()),
            other => Err(format!("unknown extension {other}")),
        }
    }
}

impl Serialize for Extension {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Extension {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The state of a configured mailbox, and so the reply its RCPT (or its delivery) gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailboxState {
    /// Accepts mail.
    #[default]
    Ok,
    /// 550 5.1.1 at RCPT: no such user.
    Unknown,
    /// 452 4.2.2 at RCPT: temporarily over quota.
    OverQuota,
    /// Accepted at RCPT, 452 4.2.2 after the data (LMTP: for this recipient only).
    OverQuotaAtData,
    /// 552 5.2.2 at RCPT: over quota, permanently.
    Full,
    /// 550 5.2.1 at RCPT: mailbox disabled.
    Disabled,
}

impl MailboxState {
    pub const ALL: [MailboxState; 6] = [
        MailboxState::Ok,
        MailboxState::Unknown,
        MailboxState::OverQuota,
        MailboxState::OverQuotaAtData,
        MailboxState::Full,
        MailboxState::Disabled,
    ];

    /// The spelling used in configs and fixtures (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            MailboxState::Ok => "ok",
            MailboxState::Unknown => "unknown",
            MailboxState::OverQuota => "over-quota",
            MailboxState::OverQuotaAtData => "over-quota-at-data",
            MailboxState::Full => "full",
            MailboxState::Disabled => "disabled",
        }
    }
}

impl FromStr for MailboxState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        MailboxState::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown mailbox state \"{s}\""))
    }
}

impl fmt::Display for MailboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxConfig {
    pub address: String,
    #[serde(default)]
    pub state: MailboxState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub password: String,
}

/// Deterministic fault injection, written as a sentence:
/// `on RCPT matching *@spam.example reply 550 5.7.1 Blocked` or `close after 5 commands`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Reply {
        /// A verb (MAIL, RCPT, DATA, ...) or `EOD` for the end of the data.
        on: String,
        /// Glob with `*` matched against the command's address (MAIL/RCPT), case-insensitive.
        matching: Option<String>,
        code: u16,
        enhanced: Option<(u8, u16, u16)>,
        text: String,
    },
    /// Reply 421 and close instead of answering command number N+1.
    CloseAfter(u32),
}

impl FromStr for Fault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let words: Vec<&str> = s.split_whitespace().collect();
        match words.as_slice() {
            ["close", "after", n, rest @ ..] if rest.iter().all(|w| w.starts_with("command")) => n
                .parse()
                .map(Fault::CloseAfter)
                .map_err(|_| format!("fault \"{s}\": \"{n}\" is not a number")),
            ["on", on, rest @ ..] => {
                let (matching, rest) = match rest {
                    ["matching", glob, rest @ ..] => (Some(glob.to_string()), rest),
                    _ => (None, rest),
                };
                let ["reply", code, rest @ ..] = rest else {
                    return Err(format!("fault \"{s}\": expected \"reply CODE [X.Y.Z] TEXT\""));
                };
                let code: u16 = code
                    .parse()
                    .ok()
                    .filter(|c| (200..600).contains(c))
                    .ok_or_else(|| format!("fault \"{s}\": reply code must be 200-599"))?;
                let (enhanced, rest) = match rest.first().and_then(|w| parse_enhanced(w)) {
                    Some(e) => (Some(e), &rest[1..]),
                    None => (None, rest),
                };
                if let Some((c, _, _)) = enhanced {
                    if u16::from(c) != code / 100 {
                        return Err(format!(
                            "fault \"{s}\": enhanced code class {c} does not match reply {code}"
                        ));
                    }
                }
                Ok(Fault::Reply {
                    on: on.to_ascii_uppercase(),
                    matching,
                    code,
                    enhanced,
                    text: if rest.is_empty() {
                        "Fault injected".to_owned()
                    } else {
                        rest.join(" ")
                    },
                })
            }
            _ => Err(format!(
                "fault \"{s}\": expected \"on VERB [matching GLOB] reply CODE [X.Y.Z] TEXT\" or \"close after N commands\""
            )),
        }
    }
}

fn parse_enhanced(w: &str) -> Option<(u8, u16, u16)> {
    let mut it = w.split('.');
    let c: u8 = it.next()?.parse().ok()?;
    let s: u16 = it.next()?.parse().ok()?;
    let d: u16 = it.next()?.parse().ok()?;
    (it.next().is_none() && matches!(c, 2 | 4 | 5)).then_some((c, s, d))
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::CloseAfter(n) => write!(f, "close after {n} commands"),
            Fault::Reply {
                on,
                matching,
                code,
                enhanced,
                text,
            } => {
                write!(f, "on {on} ")?;
                if let Some(m) = matching {
                    write!(f, "matching {m} ")?;
                }
                write!(f, "reply {code} ")?;
                if let Some((c, s, d)) = enhanced {
                    write!(f, "{c}.{s}.{d} ")?;
                }
                f.write_str(text)
            }
        }
    }
}

impl Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Strict (RFC 5321 as written) or lenient (what Postfix and aiosmtpd accept) syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyntaxPolicy {
    #[default]
    Strict,
    Lenient,
}

/// Names as the config file and fixtures spell them (`strict`, `reject`, `normalize`, ...).
macro_rules! named_enum {
    ($t:ty, $what:literal, $( $v:ident = $name:literal ),+) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $( <$t>::$v => $name, )+ }
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $( $name => Ok(<$t>::$v), )+
                    _ => Err(format!("{}: {} (not \"{s}\")", $what, [$( $name ),+].join(" or "))),
                }
            }
        }
    };
}
named_enum!(
    SyntaxPolicy,
    "syntax",
    Strict = "strict",
    Lenient = "lenient"
);
named_enum!(Enforcement, "enforcement", Reject = "reject", Warn = "warn");
named_enum!(
    crate::framing::BareLfPolicy,
    "bare_lf",
    Reject = "reject",
    Normalize = "normalize"
);

/// What to do with a policy violation in the data: refuse the message, or accept it and
/// emit a warning event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    Reject,
    #[default]
    Warn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub syntax: SyntaxPolicy,
    /// Default `reject`: bare LF/CR in DATA is how SMTP smuggling works (RFC 5321 2.3.8).
    pub bare_lf: BareLfPolicy,
    /// Reject clients that send after a group-ending command without waiting (Postfix-style).
    pub strict_pipelining: bool,
    /// 8-bit data without BODY=8BITMIME (RFC 6152).
    pub eight_bit: Enforcement,
    /// Text lines over the limit (RFC 5321 4.5.3.1.6).
    pub long_lines: Enforcement,
    /// Offer AUTH only inside TLS (RFC 4954 4 and RFC 3207): 538 otherwise.
    pub auth_requires_tls: bool,
    /// MAIL needs STARTTLS first (530 5.7.0).
    pub require_tls: bool,
    /// MAIL needs AUTH first (530 5.7.0).
    pub require_auth: bool,
    /// EXPN answers 502 unless enabled (it lists lists: most servers disable it).
    pub expn: bool,
    /// STARTTLS completes at once (browser, `mailroom session`); `serve` does a real handshake.
    pub simulate_tls: bool,
    /// The driver stores each accepted message itself (`serve`: a Maildir) and reports with
    /// `Session::handle_delivery`; the final reply waits for that, so 250 means stored.
    pub external_delivery: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            syntax: SyntaxPolicy::Strict,
            bare_lf: BareLfPolicy::Reject,
            strict_pipelining: false,
            eight_bit: Enforcement::Warn,
            long_lines: Enforcement::Reject,
            auth_requires_tls: true,
            require_tls: false,
            require_auth: false,
            expn: false,
            simulate_tls: true,
            external_delivery: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Accepted recipients per transaction before 452 4.5.3 (RFC 5321 4.5.3.1.8: at least 100).
    pub max_recipients: u32,
    /// Error replies before 421 4.7.0 and close.
    pub max_errors: u32,
    /// Command line octets including CRLF, before extension allowances (RFC 5321 4.5.3.1.4).
    pub command_line: usize,
    /// Text line octets including CRLF (RFC 5321 4.5.3.1.6).
    pub text_line: u64,
    /// Message size cap when SIZE advertises no number (memory stays bounded either way).
    pub max_message_size: u64,
    /// Server timeout waiting for a command, ms (RFC 5321 4.5.3.2.7: 5 minutes).
    pub command_timeout_ms: u64,
    /// Server timeout waiting for the next data block, ms (RFC 5321 4.5.3.2.5: 3 minutes).
    pub data_timeout_ms: u64,
    /// Message content must average at least this many octets per second, or the data
    /// deadline (at most `data_timeout_ms` ahead) runs out: a client dribbling one byte a
    /// second is cut off (Postfix's smtpd_min_data_rate, default 500). 0: per-block only.
    pub min_data_rate: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_recipients: 100,
            max_errors: 10,
            command_line: 512,
            text_line: 1000,
            max_message_size: 10 * 1024 * 1024,
            command_timeout_ms: 5 * 60 * 1000,
            data_timeout_ms: 3 * 60 * 1000,
            min_data_rate: 500,
        }
    }
}

/// The simulated client as the server's trace fields describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientInfo {
    /// The name the server found for the client's address (reverse DNS).
    pub name: String,
    pub addr: String,
}

impl Default for ClientInfo {
    fn default() -> Self {
        ClientInfo {
            name: "client.example".into(),
            addr: "192.0.2.10".into(),
        }
    }
}

/// Everything a session needs to know about its server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub mode: Mode,
    /// The profile this config came from (informational).
    pub profile: Option<String>,
    pub hostname: String,
    /// The EHLO list in order; LMTP always adds PIPELINING and ENHANCEDSTATUSCODES.
    pub extensions: Vec<Extension>,
    pub limits: Limits,
    pub policy: Policy,
    pub client: ClientInfo,
    /// Mailboxes; their domains (and `domains`) are local. None at all: accept anything.
    pub mailboxes: Vec<MailboxConfig>,
    pub domains: Vec<String>,
    pub users: Vec<User>,
    pub faults: Vec<Fault>,
}

impl Default for Config {
    fn default() -> Self {
        crate::profile::everything()
    }
}

impl Config {
    /// Checks what serde cannot: mailbox addresses, domains, duplicate keywords.
    pub fn validate(&self) -> Result<(), String> {
        // The line buffer is this big: a bound keeps a config from asking for gigabytes.
        if self.limits.command_line > 1 << 20 {
            return Err(format!(
                "limits.command_line: {} is over the 1048576 octets Mailroom allows",
                self.limits.command_line
            ));
        }
        if crate::syntax::path::check_domain(&self.hostname).is_err() {
            return Err(format!(
                "hostname: \"{}\" is not a domain name",
                self.hostname
            ));
        }
        for (i, m) in self.mailboxes.iter().enumerate() {
            crate::syntax::path::parse_mailbox(&m.address)
                .map_err(|e| format!("mailboxes[{i}].address: \"{}\": {e}", m.address))?;
        }
        for (i, d) in self.domains.iter().enumerate() {
            crate::syntax::path::check_domain(d)
                .map_err(|e| format!("domains[{i}]: \"{d}\": {e}"))?;
        }
        let mut seen = Vec::new();
        for e in &self.extensions {
            if seen.contains(&e.keyword()) {
                return Err(format!("extensions: {} is listed twice", e.keyword()));
            }
            seen.push(e.keyword());
        }
        if self.limits.command_line < 512 {
            return Err("limits.command_line: RFC 5321 4.5.3.1.4 requires at least 512".into());
        }
        if self.limits.max_recipients == 0 {
            return Err("limits.max_recipients: must be at least 1".into());
        }
        Ok(())
    }

    pub fn has(&self, keyword: &str) -> bool {
        self.extensions.iter().any(|e| e.keyword() == keyword)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_round_trip_as_ehlo_keywords() {
        for s in [
            "SIZE 157286400",
            "SIZE",
            "AUTH PLAIN LOGIN",
            "DELIVERBY 60",
            "8BITMIME",
        ] {
            let e: Extension = s.parse().expect(s);
            assert_eq!(e.to_string(), s);
        }
        assert!("SIZE big".parse::<Extension>().is_err());
        assert!("AUTH CRAM-MD5".parse::<Extension>().is_err());
        assert!("XFOO".parse::<Extension>().is_err());
    }

    #[test]
    fn faults_read_as_sentences() {
        let f: Fault = "on RCPT matching *@spam.example reply 550 5.7.1 Blocked here"
            .parse()
            .expect("parses");
        assert_eq!(
            f,
            Fault::Reply {
                on: "RCPT".into(),
                matching: Some("*@spam.example".into()),
                code: 550,
                enhanced: Some((5, 7, 1)),
                text: "Blocked here".into()
            }
        );
        assert_eq!(f.to_string().parse::<Fault>(), Ok(f));
        assert_eq!(
            "close after 3 commands".parse::<Fault>(),
            Ok(Fault::CloseAfter(3))
        );
        assert!("on RCPT reply 550 4.7.1 x".parse::<Fault>().is_err());
        assert!("on RCPT reply 999 x".parse::<Fault>().is_err());
    }

    #[test]
    fn mailbox_state_names_match_serde() {
        for st in MailboxState::ALL {
            let via_serde: MailboxState =
                serde_json::from_value(serde_json::Value::String(st.as_str().into()))
                    .expect("serde name");
            assert_eq!(via_serde, st);
            assert_eq!(st.to_string().parse::<MailboxState>(), Ok(st));
        }
        assert!("sometimes".parse::<MailboxState>().is_err());
    }
}
