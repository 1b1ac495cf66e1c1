//! The server settings form as plain data: built from a profile, turned back into a
//! [`Config`] for a new session. Pure, tested natively; the form component only edits it.

use mailroom_smtp::config::{MailboxConfig, MailboxState, SyntaxPolicy};
use mailroom_smtp::framing::BareLfPolicy;
use mailroom_smtp::{profile, Config, Fault, Mode};

/// What the settings form edits. Numbers and lists stay text until applied, so a
/// half-typed value never panics or silently changes the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub profile: String,
    pub lmtp: bool,
    pub max_recipients: String,
    pub max_errors: String,
    pub max_message_size: String,
    /// One mailbox a line: `address [state]`, state as the config files write it
    /// (ok, unknown, over-quota, over-quota-at-data, full, disabled).
    pub mailboxes: String,
    /// One fault rule a line, e.g. `on RCPT matching *@spam.example reply 550 5.7.1 No`.
    pub faults: String,
    pub strict_pipelining: bool,
    pub bare_lf_normalize: bool,
    pub lenient: bool,
}

/// Mailbox states in the order the form offers them.
pub const MAILBOX_STATES: [&str; 6] = [
    "ok",
    "unknown",
    "over-quota",
    "over-quota-at-data",
    "full",
    "disabled",
];

impl Settings {
    pub fn from_config(c: &Config) -> Settings {
        Settings {
            profile: c.profile.clone().unwrap_or_else(|| "everything".into()),
            lmtp: c.mode == Mode::Lmtp,
            max_recipients: c.limits.max_recipients.to_string(),
            max_errors: c.limits.max_errors.to_string(),
            max_message_size: c.limits.max_message_size.to_string(),
            mailboxes: c
                .mailboxes
                .iter()
                .map(|m| format!("{} {}", m.address, state_name(m.state)))
                .collect::<Vec<_>>()
                .join("\n"),
            faults: c
                .faults
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            strict_pipelining: c.policy.strict_pipelining,
            bare_lf_normalize: c.policy.bare_lf == BareLfPolicy::Normalize,
            lenient: c.policy.syntax == SyntaxPolicy::Lenient,
        }
    }

    /// The form reset to a profile's defaults (unknown names fall back to "everything").
    pub fn for_profile(name: &str) -> Settings {
        Settings::from_config(&profile::profile(name).unwrap_or_else(profile::everything))
    }

    /// The configuration for a new session, or every problem found, each as (English,
    /// Japanese). (A fault rule's parse error and the core's limit checks are English.)
    pub fn to_config(&self) -> Result<Config, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut c = profile::profile(&self.profile).unwrap_or_else(profile::everything);
        c.mode = if self.lmtp { Mode::Lmtp } else { Mode::Smtp };
        let mut number = |label: (&str, &str), text: &str| -> Option<u64> {
            match text.trim().parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let t = text.trim();
                    errors.push((
                        format!("{}: \"{t}\" is not a whole number", label.0),
                        format!("{}: 「{t}」は整数ではありません", label.1),
                    ));
                    None
                }
            }
        };
        if let Some(n) = number(("max recipients", "最大宛先数"), &self.max_recipients) {
            c.limits.max_recipients = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(n) = number(("max errors", "最大エラー数"), &self.max_errors) {
            c.limits.max_errors = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(n) = number(
            ("max message size", "最大メッセージサイズ"),
            &self.max_message_size,
        ) {
            c.limits.max_message_size = n;
        }
        c.mailboxes.clear();
        for (i, line) in lines(&self.mailboxes) {
            let mut words = line.split_whitespace();
            let address = words.next().unwrap_or_default().to_owned();
            let state = words.next().unwrap_or("ok");
            match parse_state(state) {
                Some(state) => c.mailboxes.push(MailboxConfig { address, state }),
                None => errors.push((
                    format!(
                        "mailboxes line {i}: unknown state \"{state}\" (one of {})",
                        MAILBOX_STATES.join(", ")
                    ),
                    format!(
                        "メールボックス {i} 行目: 不明な状態「{state}」（{} のいずれか）",
                        MAILBOX_STATES.join(", ")
                    ),
                )),
            }
        }
        c.faults.clear();
        for (i, line) in lines(&self.faults) {
            match line.parse::<Fault>() {
                Ok(f) => c.faults.push(f),
                Err(e) => errors.push((
                    format!("faults line {i}: {e}"),
                    format!("障害ルール {i} 行目: {e}"),
                )),
            }
        }
        c.policy.strict_pipelining = self.strict_pipelining;
        c.policy.bare_lf = if self.bare_lf_normalize {
            BareLfPolicy::Normalize
        } else {
            BareLfPolicy::Reject
        };
        c.policy.syntax = if self.lenient {
            SyntaxPolicy::Lenient
        } else {
            SyntaxPolicy::Strict
        };
        if errors.is_empty() {
            if let Err(e) = c.validate() {
                errors.push((e.clone(), e));
            }
        }
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(errors)
        }
    }
}

/// Non-empty lines with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

/// The core's own spelling of a mailbox state.
fn state_name(s: MailboxState) -> String {
    s.as_str().to_owned()
}

fn parse_state(s: &str) -> Option<MailboxState> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_round_trips_through_the_form() {
        for p in profile::PROFILES {
            let cfg = profile::profile(p.name).expect("profile");
            let s = Settings::from_config(&cfg);
            assert_eq!(s.to_config().as_ref(), Ok(&cfg), "{}", p.name);
        }
    }

    #[test]
    fn mailbox_states_use_the_core_spelling() {
        for name in MAILBOX_STATES {
            let st = parse_state(name).expect(name);
            assert_eq!(state_name(st), name);
        }
        let s = Settings::for_profile("lmtp");
        assert!(s.mailboxes.contains("green@foo.edu over-quota-at-data"));
    }

    #[test]
    fn edits_become_a_config() {
        let mut s = Settings::for_profile("foo-edu");
        s.lmtp = true;
        s.max_recipients = " 2 ".into();
        s.mailboxes = "pat@foo.edu\n\njones@foo.edu full\n".into();
        s.faults = "on RCPT matching *@spam.example reply 550 5.7.1 Blocked".into();
        s.strict_pipelining = true;
        s.bare_lf_normalize = true;
        let c = s.to_config().expect("valid");
        assert_eq!(c.mode, Mode::Lmtp);
        assert_eq!(c.limits.max_recipients, 2);
        assert_eq!(c.mailboxes.len(), 2);
        assert_eq!(c.mailboxes[1].state, MailboxState::Full);
        assert_eq!(c.faults.len(), 1);
        assert!(c.policy.strict_pipelining);
        assert_eq!(c.policy.bare_lf, BareLfPolicy::Normalize);
    }

    #[test]
    fn bad_input_is_reported_not_applied() {
        let mut s = Settings::for_profile("foo-edu");
        s.max_errors = "lots".into();
        s.mailboxes = "pat@foo.edu sleepy".into();
        s.faults = "on RCPT reply 999".into();
        let errors = s.to_config().expect_err("invalid");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(
            errors[0],
            (
                "max errors: \"lots\" is not a whole number".to_string(),
                "最大エラー数: 「lots」は整数ではありません".to_string()
            )
        );
        let mut s = Settings::for_profile("foo-edu");
        s.mailboxes = "<img src=x onerror=alert(1)>".into();
        assert!(s.to_config().is_err());
        s.mailboxes.clear();
        s.max_recipients = "0".into();
        assert!(s.to_config().is_err());
    }
}
