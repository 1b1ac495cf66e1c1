//! The playground's state as text, for permalinks (compressed into the URL fragment) and
//! autosave (localStorage): a few header lines, then the server's fixture directives and
//! each client write as one `C~` line (the replies are not stored: they are replayed).
//!
//! ```text
//! mailroom-state 1
//! lang: ja
//! scenario: lmtp 3
//! validator: From: a@b.example\r\n...      (escaped like a fixture's C~ line)
//! validator-envelope: <a@b.example> 8BITMIME - <c@d.example>
//!
//! ! profile lmtp
//! C~ LHLO foo.edu\r\n
//! ```
//! The version is checked first: text from a newer Mailroom is refused with a notice, and
//! each older version keeps a reader here.

use crate::i18n::Lang;
use mailroom_smtp::transcript::{directives, escape, unescape, Fixture};
use mailroom_smtp::Config;

/// The version this build writes.
pub const VERSION: u32 = 1;

/// The most a saved state may hold: client writes in all (as the playground logs them),
/// and validator text. Text from a link is untrusted: past these it is refused.
pub const MAX_WRITES: usize = crate::state::LOG_CAP;
pub const MAX_VALIDATOR: usize = 1024 * 1024;

/// What a link or the autosave holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub config: Config,
    /// The client's writes in order, each as it was sent in one go.
    pub writes: Vec<Vec<u8>>,
    /// A running guided scenario: its id and the steps already sent.
    pub scenario: Option<(String, usize)>,
    /// The validator's text.
    pub validator: Option<String>,
    /// The envelope the validator compares the message with (a delivered message's).
    pub validator_envelope: Option<SavedEnvelope>,
    /// How many of the session's deliveries had been emptied from the mailboxes.
    pub mailboxes_cleared: usize,
    pub lang: Option<Lang>,
}

/// An SMTP envelope as saved (the validator's `Envelope`, without depending on it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedEnvelope {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// "7BIT", "8BITMIME" or "BINARYMIME".
    pub body: String,
    pub smtputf8: bool,
}

impl SavedEnvelope {
    /// `<from> BODY SMTPUTF8|- <rcpt>...`: each path in angle brackets, escaped.
    fn to_line(&self) -> String {
        let path = |a: &str| format!("<{}>", escape(a.as_bytes()).replace(' ', "\\x20"));
        let mut out = format!(
            "{} {} {}",
            path(&self.mail_from),
            self.body,
            if self.smtputf8 { "SMTPUTF8" } else { "-" }
        );
        for r in &self.rcpt_to {
            out.push(' ');
            out.push_str(&path(r));
        }
        out
    }

    fn from_line(line: &str) -> Option<SavedEnvelope> {
        let mut words = line.split(' ');
        let path = |w: &str| -> Option<String> {
            let inner = w.strip_prefix('<')?.strip_suffix('>')?;
            Some(String::from_utf8_lossy(&unescape(inner).ok()?).into_owned())
        };
        let mail_from = path(words.next()?)?;
        let body = match words.next()? {
            b @ ("7BIT" | "8BITMIME" | "BINARYMIME") => b.to_owned(),
            _ => return None,
        };
        let smtputf8 = match words.next()? {
            "SMTPUTF8" => true,
            "-" => false,
            _ => return None,
        };
        let rcpt_to = words.map(path).collect::<Option<Vec<_>>>()?;
        Some(SavedEnvelope {
            mail_from,
            rcpt_to,
            body,
            smtputf8,
        })
    }
}

/// Why saved text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Written by a newer Mailroom.
    Version(u32),
    /// Truncated, edited or not ours.
    Corrupt(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Version(v) => write!(f, "saved by a newer Mailroom (format {v})"),
            LoadError::Corrupt(m) => write!(f, "damaged: {m}"),
        }
    }
}

impl Saved {
    pub fn to_text(&self) -> String {
        let mut out = format!("mailroom-state {VERSION}\n");
        if let Some(l) = self.lang {
            out.push_str(&format!("lang: {}\n", l.code()));
        }
        if let Some((id, done)) = &self.scenario {
            out.push_str(&format!("scenario: {id} {done}\n"));
        }
        if let Some(v) = &self.validator {
            out.push_str(&format!("validator: {}\n", escape(v.as_bytes())));
        }
        if let Some(e) = &self.validator_envelope {
            out.push_str(&format!("validator-envelope: {}\n", e.to_line()));
        }
        if self.mailboxes_cleared > 0 {
            out.push_str(&format!("mailboxes-cleared: {}\n", self.mailboxes_cleared));
        }
        out.push('\n');
        for d in directives(&self.config) {
            out.push_str(&format!("! {d}\n"));
        }
        for w in &self.writes {
            out.push_str(&format!("C~ {}\n", escape(w)));
        }
        out
    }

    pub fn from_text(text: &str) -> Result<Saved, LoadError> {
        let corrupt = |m: &str| LoadError::Corrupt(m.to_owned());
        let (head, body) = text
            .split_once("\n\n")
            .ok_or_else(|| corrupt("no blank line after the header"))?;
        let mut lines = head.lines();
        let version: u32 = lines
            .next()
            .and_then(|l| l.strip_prefix("mailroom-state "))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| corrupt("not a Mailroom state"))?;
        if version > VERSION {
            return Err(LoadError::Version(version));
        }
        let mut saved = Saved {
            config: Config::default(),
            writes: Vec::new(),
            scenario: None,
            validator: None,
            validator_envelope: None,
            mailboxes_cleared: 0,
            lang: None,
        };
        for line in lines {
            let (key, value) = line
                .split_once(": ")
                .ok_or_else(|| corrupt("a header line without \": \""))?;
            match key {
                "lang" => {
                    saved.lang = Some(match value {
                        "ja" => Lang::Ja,
                        _ => Lang::En,
                    })
                }
                "scenario" => {
                    let (id, done) = value
                        .rsplit_once(' ')
                        .and_then(|(id, n)| Some((id.to_owned(), n.parse().ok()?)))
                        .ok_or_else(|| corrupt("scenario: ID STEPS"))?;
                    saved.scenario = Some((id, done));
                }
                "validator" => {
                    let bytes = unescape(value).map_err(|m| LoadError::Corrupt(m.to_string()))?;
                    if bytes.len() > MAX_VALIDATOR {
                        return Err(corrupt("the validator text is over 1 MB"));
                    }
                    saved.validator = Some(String::from_utf8_lossy(&bytes).into_owned());
                }
                "validator-envelope" => {
                    let e = SavedEnvelope::from_line(value).ok_or_else(|| {
                        corrupt("validator-envelope: <FROM> BODY SMTPUTF8|- <TO>...")
                    })?;
                    if e.rcpt_to.len() > 10_000 {
                        return Err(corrupt("the validator envelope has over 10,000 recipients"));
                    }
                    saved.validator_envelope = Some(e);
                }
                "mailboxes-cleared" => {
                    saved.mailboxes_cleared = value
                        .parse()
                        .map_err(|_| corrupt("mailboxes-cleared: a number"))?;
                }
                // A header a later version 1 writer added: skip it.
                _ => {}
            }
        }
        let mut setup = String::new();
        let mut octets = 0;
        for line in body.lines() {
            if line.starts_with("! ") {
                setup.push_str(line);
                setup.push('\n');
            } else if let Some(w) = line.strip_prefix("C~ ") {
                let write = unescape(w).map_err(LoadError::Corrupt)?;
                octets += write.len();
                saved.writes.push(write);
                if octets > MAX_WRITES {
                    return Err(corrupt("the session's writes are over 256 KB"));
                }
            } else if !line.is_empty() {
                return Err(corrupt("a line that is neither \"! \" nor \"C~ \""));
            }
        }
        saved.config = Fixture::parse(&setup)
            .and_then(|f| f.config())
            .map_err(|m| LoadError::Corrupt(m.to_string()))?;
        saved.config.validate().map_err(LoadError::Corrupt)?;
        Ok(saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Saved {
        let mut config = mailroom_smtp::profile::profile("lmtp").expect("profile");
        config.hostname = "mx.example".into();
        Saved {
            config,
            writes: vec![
                b"LHLO a\r\n".to_vec(),
                b"MAIL FROM:<a@b.example>\r\nRCPT TO:<pat@foo.edu>\r\n".to_vec(),
                vec![0xff, b'\n', b'.', b'\n'],
            ],
            scenario: Some(("lmtp".into(), 2)),
            validator: Some("Subject: 日本語\n\nbody".into()),
            validator_envelope: Some(SavedEnvelope {
                mail_from: String::new(),
                rcpt_to: vec![
                    "pat@foo.edu".into(),
                    "太郎@例え.jp".into(),
                    "<odd> one".into(),
                ],
                body: "8BITMIME".into(),
                smtputf8: true,
            }),
            mailboxes_cleared: 2,
            lang: Some(Lang::Ja),
        }
    }

    #[test]
    fn the_state_round_trips_write_by_write() {
        let s = sample();
        let text = s.to_text();
        assert!(
            text.starts_with("mailroom-state 1\nlang: ja\nscenario: lmtp 2\n"),
            "{text}"
        );
        assert_eq!(Saved::from_text(&text), Ok(s));
    }

    #[test]
    fn a_newer_version_and_damaged_text_are_refused_with_a_reason() {
        let text = sample()
            .to_text()
            .replacen("mailroom-state 1", "mailroom-state 7", 1);
        assert_eq!(Saved::from_text(&text), Err(LoadError::Version(7)));
        let truncated = &sample().to_text()[..30];
        assert!(matches!(
            Saved::from_text(truncated),
            Err(LoadError::Corrupt(_))
        ));
        let edited = sample()
            .to_text()
            .replace("! profile lmtp", "! profile nonesuch");
        assert!(
            matches!(Saved::from_text(&edited), Err(LoadError::Corrupt(m)) if m.contains("nonesuch"))
        );
        assert!(matches!(
            Saved::from_text("<html>"),
            Err(LoadError::Corrupt(_))
        ));
    }
}
