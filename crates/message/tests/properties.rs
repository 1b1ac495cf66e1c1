//! Property tests: built messages lint clean and decode back to what was composed;
//! arbitrary bytes never panic.
// proptest is a host-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use mailroom_message::{build, lint, BodyType, Compose, Envelope, LintOptions, Report, Severity};
use proptest::prelude::*;

#[path = "support/positions.rs"]
mod positions;

/// A findings-only run (`mailroom lint`'s) finds what the full run `full` found, and
/// builds no view.
fn findings_only_agrees(
    bytes: &[u8],
    opts: &LintOptions,
    full: &Report,
) -> Result<(), TestCaseError> {
    let r = lint(
        bytes,
        &LintOptions {
            findings_only: true,
            ..opts.clone()
        },
    );
    prop_assert_eq!(&r.diagnostics, &full.diagnostics);
    prop_assert_eq!(&r.suppressed, &full.suppressed);
    prop_assert!(r.headers.is_empty() && r.mime.is_none());
    Ok(())
}

fn local() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}(\\.[a-z0-9_+-]{1,8}){0,2}"
}

fn domain() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,10}(\\.[a-z0-9-]{0,8}[a-z0-9])?\\.(com|org|jp|example)"
}

/// A display name: any Unicode (or none).
fn name() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        ".{0,40}".prop_map(Some),
        "[A-Za-z]{1,8}( [A-Za-z]{1,8}){0,2}".prop_map(Some),
        "\\PC{0,30}".prop_map(Some),
        // Tokens that cannot be folded: a long atom, a quoted string long after escaping.
        "[A-Za-z]{55,90}".prop_map(Some),
        "[\"\\\\a ]{25,45}".prop_map(Some)
    ]
}

fn mailbox() -> impl Strategy<Value = (Option<String>, String)> {
    (name(), local(), domain()).prop_map(|(n, l, d)| (n, format!("{l}@{d}")))
}

/// The compose-form entry for a mailbox: the name quoted and escaped, so any text works.
fn entry((n, a): &(Option<String>, String)) -> String {
    match n {
        Some(n) => format!("\"{}\" <{a}>", n.replace('\\', "\\\\").replace('"', "\\\"")),
        None => a.clone(),
    }
}

/// Every reported position is inside the input, with the line and column of its offset,
/// and the findings are sorted by range, then rule (shared with the fuzz target).
fn positions_hold(input: &[u8], r: &mailroom_message::Report<'_>) -> Result<(), TestCaseError> {
    positions::check(input, r).map_err(TestCaseError::fail)
}

fn norm_breaks(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn built_messages_lint_clean_and_round_trip(
        from in mailbox(),
        to in prop::collection::vec(mailbox(), 0..4),
        cc in prop::collection::vec(mailbox(), 0..3),
        bcc in prop::collection::vec(mailbox(), 0..3),
        subject in prop_oneof![".{0,120}", "\\PC{0,80}", "[ -~]{0,200}"],
        body in prop_oneof![".{0,300}", "\\PC{0,300}", "[ -~\n]{0,3000}", any::<String>()],
        date_unix in 0i64..4_000_000_000,
        off in -720i32..=840,
        seed in any::<u64>(),
    ) {
        let c = Compose {
            from: entry(&from),
            to: to.iter().map(entry).collect(),
            cc: cc.iter().map(entry).collect(),
            bcc: bcc.iter().map(entry).collect(),
            subject: subject.clone(),
            body: body.clone(),
            date_unix,
            date_offset_minutes: off,
            message_id_seed: seed,
            host: "mail.example.com".into(),
        };
        let built = build(&c);
        // RFC 2047 2: header lines with encoded words are at most 76 characters.
        let text = String::from_utf8_lossy(&built.bytes).into_owned();
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        for l in head.split("\r\n").filter(|l| l.contains("=?")) {
            prop_assert!(l.len() <= 76, "{}", l);
        }
        let r = lint(&built.bytes, &LintOptions::default());
        let bad: Vec<_> = r.diagnostics.iter().filter(|d| d.severity != Severity::Info).collect();
        prop_assert!(bad.is_empty(), "{:#?}\n{}", bad, String::from_utf8_lossy(&built.bytes));

        // Decodes back.
        prop_assert_eq!(&r.header("Subject").unwrap().decoded_value, &subject);
        let f = &r.header("From").unwrap().addresses;
        prop_assert_eq!(f.len(), 1);
        prop_assert_eq!(&f[0].address, &from.1);
        prop_assert_eq!(f[0].display_name.clone().filter(|n| !n.is_empty()), from.0.clone().filter(|n| !n.is_empty()));
        for (field, want) in [("To", &to), ("Cc", &cc)] {
            let got: Vec<(Option<String>, String)> = r
                .header(field)
                .map(|h| h.addresses.iter().map(|m| (m.display_name.clone().filter(|n| !n.is_empty()), m.address.to_string())).collect())
                .unwrap_or_default();
            let want: Vec<(Option<String>, String)> = want.iter().map(|(n, a)| (n.clone().filter(|n| !n.is_empty()), a.clone())).collect();
            prop_assert_eq!(got, want);
        }
        prop_assert!(r.header("Bcc").is_none());
        let text = r.mime.as_ref().and_then(|m| m.text.clone()).unwrap_or_default();
        prop_assert_eq!(norm_breaks(&text), norm_breaks(&body));

        // Envelope: Bcc recipients are there; the message passes with it too.
        for (_, a) in &bcc {
            prop_assert!(built.envelope_recipients.iter().any(|r| r.eq_ignore_ascii_case(a)));
        }
        prop_assert_eq!(&built.mail_from, &from.1);
        let env = Envelope { mail_from: built.mail_from.clone(), rcpt_to: built.envelope_recipients.clone(), body: BodyType::SevenBit, smtputf8: false };
        let r2 = lint(&built.bytes, &LintOptions { envelope: Some(env), ..LintOptions::default() });
        prop_assert!(r2.diagnostics.iter().all(|d| d.severity == Severity::Info), "{:#?}", r2.diagnostics);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let opts = LintOptions::default();
        let r = lint(&bytes, &opts);
        positions_hold(&bytes, &r)?;
        findings_only_agrees(&bytes, &opts, &r)?;
    }

    /// Bytes assembled from mail-shaped fragments reach much deeper than random bytes.
    #[test]
    fn mail_shaped_fragments_never_panic(parts in prop::collection::vec(prop_oneof![
        Just("From: a@b.c\r\n"), Just("To: \"x\" <a @b.c >, (c) g:;,\r\n"), Just("Date: Thu, 26 Oct 23 00:07 PST\r\n"),
        Just("Content-Type: multipart/mixed; boundary=b\r\n"), Just("Content-Type: message/rfc822\r\n"),
        Just("Content-Type: text/plain; charset*0*=utf-8''%E3; charset*1=x\r\n"), Just("Content-Transfer-Encoding: base64\r\n"),
        Just("Content-Transfer-Encoding: quoted-printable\r\n"), Just("Subject: =?utf-8?B?44GC?= =?iso-2022-jp?q?=1B=?=\r\n"),
        Just("\r\n"), Just("\n"), Just("\r"), Just("--b\r\n"), Just("--b--\r\n"), Just(" folded\r\n"), Just("=ZZ=\r\n"), Just("QUJD===\r\n"),
        Just("\u{0}\u{ff}"), Just("Message-ID: <a@[1.2.3.4]>\r\n"), Just("Resent-To: x@y.z\r\n"), Just("(((\"\\"),
    ], 0..60), envelope in any::<bool>()) {
        let bytes: Vec<u8> = parts.concat().into_bytes();
        let env = envelope.then(|| Envelope { mail_from: "ü@x".into(), rcpt_to: vec!["a@b.c".into()], body: BodyType::SevenBit, smtputf8: false });
        let opts = LintOptions { envelope: env, ..LintOptions::default() };
        let r = lint(&bytes, &opts);
        positions_hold(&bytes, &r)?;
        findings_only_agrees(&bytes, &opts, &r)?;
    }
}

#[test]
fn built_message_shape() {
    let c = Compose {
        from: "\"山田 太郎\" <taro@example.jp>".into(),
        to: vec!["Mr. Foo <foo@example.com>".into()],
        cc: vec![],
        bcc: vec!["bar@example.com".into()],
        subject: "テスト".into(),
        body: "こんにちは\n".into(),
        date_unix: 1698246476,
        date_offset_minutes: 540,
        message_id_seed: 42,
        host: "mail.example.jp".into(),
    };
    let b = build(&c);
    let s = String::from_utf8(b.bytes.clone()).unwrap();
    assert!(
        s.contains("Date: Thu, 26 Oct 2023 00:07:56 +0900\r\n"),
        "{s}"
    );
    assert!(s.contains("Subject: =?UTF-8?B?44OG44K544OI?=\r\n"), "{s}");
    assert!(s.contains("To: \"Mr. Foo\" <foo@example.com>\r\n"), "{s}");
    assert!(s.contains("@mail.example.jp>\r\n") && s.contains("MIME-Version: 1.0\r\n"));
    assert!(!s.contains("Bcc") && !s.contains("bar@example.com"));
    assert_eq!(
        b.envelope_recipients,
        vec!["foo@example.com", "bar@example.com"]
    );
    assert_eq!(b.mail_from, "taro@example.jp");
    assert!(s.lines().all(|l| l.len() <= 78), "{s}");
}

/// An address is written into the header and the envelope as given: a line break in it
/// must not add a header field or an SMTP command; an unusable host is not used for the
/// Message-ID; recipients are de-duplicated in linear time.
#[test]
fn builder_keeps_entries_on_their_line() {
    let c = Compose {
        from: "chris@foo.edu\r\nX-Injected: yes".into(),
        to: vec!["a@b.example\r\nBcc: x@y.example".into()],
        cc: vec![],
        bcc: vec![],
        subject: "x".into(),
        body: "hi\n".into(),
        date_unix: 1698246476,
        date_offset_minutes: 0,
        message_id_seed: 1,
        host: format!("{}.example", "a".repeat(60)),
    };
    let b = build(&c);
    let s = String::from_utf8(b.bytes.clone()).unwrap();
    assert!(
        !s.contains("\r\nBcc:") && !s.contains("\r\nX-Injected:"),
        "{s}"
    );
    assert!(b
        .envelope_recipients
        .iter()
        .all(|r| !r.contains(['\r', '\n'])));
    assert!(!b.mail_from.contains(['\r', '\n']));
    // The 68-character host would make the Message-ID line too long: it is not used
    // (nor the From domain, which is not a host name after the injection attempt).
    assert!(s.contains("@mailroom.invalid>\r\n"), "{s}");
    let many: Vec<String> = (0..50_000)
        .map(|i| format!("u{}@example.com", i % 25_000))
        .collect();
    let b = build(&Compose {
        to: many,
        ..Compose::default()
    });
    assert_eq!(b.envelope_recipients.len(), 25_000);
}
