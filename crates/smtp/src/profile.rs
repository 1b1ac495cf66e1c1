//! Server profiles as the talk shows them: the EHLO lists of real-world-like servers.

use crate::config::{
    Config, Extension as E, Limits, MailboxConfig, MailboxState, Mode, Policy, User,
};

/// A named starting point for a [`Config`].
#[derive(Debug, Clone, Copy)]
pub struct ProfileInfo {
    pub name: &'static str,
    pub title_en: &'static str,
    pub title_ja: &'static str,
}

pub const PROFILES: &[ProfileInfo] = &[
    ProfileInfo {
        name: "gmail",
        title_en: "Gmail-like",
        title_ja: "Gmail 風",
    },
    ProfileInfo {
        name: "microsoft",
        title_en: "Microsoft-like",
        title_ja: "Microsoft 風",
    },
    ProfileInfo {
        name: "hornetsecurity",
        title_en: "Hornetsecurity-like",
        title_ja: "Hornetsecurity 風",
    },
    ProfileInfo {
        name: "foo-edu",
        title_en: "The talk's foo.edu (PIPELINING, SIZE)",
        title_ja: "講演の foo.edu（PIPELINING, SIZE）",
    },
    ProfileInfo {
        name: "rfc821",
        title_en: "Classic RFC 821 (HELO only)",
        title_ja: "古典的な RFC 821（HELO のみ）",
    },
    ProfileInfo {
        name: "lmtp",
        title_en: "LMTP with pat / jones / green",
        title_ja: "LMTP（pat / jones / green）",
    },
    ProfileInfo {
        name: "everything",
        title_en: "Everything Mailroom supports",
        title_ja: "Mailroom の全機能",
    },
];

/// The profile called `name`, if there is one.
pub fn profile(name: &str) -> Option<Config> {
    let cfg = match name {
        "gmail" => base(
            name,
            "mx.gmail.example",
            vec![
                E::Size(Some(157_286_400)),
                E::EightBitMime,
                E::StartTls,
                E::EnhancedStatusCodes,
                E::Pipelining,
                E::Chunking,
                E::SmtpUtf8,
            ],
        ),
        "microsoft" => base(
            name,
            "mx.outlook.example",
            vec![
                E::Size(Some(49_283_072)),
                E::Pipelining,
                E::Dsn,
                E::EnhancedStatusCodes,
                E::StartTls,
                E::EightBitMime,
                E::BinaryMime,
                E::Chunking,
                E::SmtpUtf8,
            ],
        ),
        "hornetsecurity" => base(
            name,
            "mx.hornetsecurity.example",
            vec![
                E::Pipelining,
                E::Size(Some(157_286_400)),
                E::Etrn,
                E::StartTls,
                E::EnhancedStatusCodes,
                E::EightBitMime,
                E::Dsn,
            ],
        ),
        "foo-edu" => base(name, "foo.edu", vec![E::Pipelining, E::Size(None)]),
        "rfc821" => base(name, "rfc821.example", vec![]),
        "lmtp" => {
            let mut c = base(name, "foo.edu", vec![E::Pipelining, E::Size(None)]);
            c.mode = Mode::Lmtp;
            c.mailboxes = vec![
                mailbox("pat@foo.edu", MailboxState::Ok),
                mailbox("jones@foo.edu", MailboxState::Unknown),
                mailbox("green@foo.edu", MailboxState::OverQuotaAtData),
            ];
            c
        }
        "everything" => return Some(everything()),
        _ => return None,
    };
    Some(cfg)
}

/// Every extension Mailroom implements, with two users for AUTH.
pub fn everything() -> Config {
    let mut c = base(
        "everything",
        "mailroom.example",
        vec![
            E::Pipelining,
            E::Size(Some(10 * 1024 * 1024)),
            E::EightBitMime,
            E::EnhancedStatusCodes,
            E::StartTls,
            E::Chunking,
            E::BinaryMime,
            E::Dsn,
            E::Auth(vec!["PLAIN".into(), "LOGIN".into()]),
            E::SmtpUtf8,
            E::RequireTls,
            E::DeliverBy(Some(60)),
            E::Etrn,
            E::Vrfy,
            E::Help,
        ],
    );
    c.users = vec![User {
        name: "alice".into(),
        password: "wonderland".into(),
    }];
    c
}

fn base(name: &str, host: &str, extensions: Vec<E>) -> Config {
    Config {
        mode: Mode::Smtp,
        profile: Some(name.to_owned()),
        hostname: host.to_owned(),
        extensions,
        limits: Limits::default(),
        policy: Policy::default(),
        client: Default::default(),
        mailboxes: vec![],
        domains: vec![],
        users: vec![],
        faults: vec![],
    }
}

fn mailbox(address: &str, state: MailboxState) -> MailboxConfig {
    MailboxConfig {
        address: address.to_owned(),
        state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_profile_exists_and_validates() {
        for p in PROFILES {
            let c = profile(p.name).unwrap_or_else(|| panic!("{} missing", p.name));
            assert_eq!(c.validate(), Ok(()), "{}", p.name);
        }
        assert!(profile("nope").is_none());
    }
}
