//! The talk's examples (../shared/seed/000_5d12cb313d7fbce7.txt): the message sent
//! without Date, the recipient-header mistakes, and the Japanese encoded-word subjects.

use mailroom_message::{lint, BodyType, Envelope, LintOptions, Severity};

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

/// The message at the end of the talk ("Date がない例"), as shown there: Message-Id, To,
/// Subject, From, Mime-Version, Content-Type utf-8, base64, but no Date. The subject's
/// encoded word is closed with "?=" (the slide cut it off).
const NO_DATE: &str = include_str!("data/talk-no-date.eml");

#[test]
fn message_without_date() {
    let input = crlf(NO_DATE);
    let r = lint(&input, &LintOptions::default());
    let errors: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.rule)
        .collect();
    assert_eq!(errors, vec!["missing-date"], "{:#?}", r.diagnostics);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "missing-date")
        .unwrap();
    // Points where the field is missing: the empty line that ends the header.
    assert_eq!((d.line, d.column, d.end), (12, 1, d.start));
    assert_eq!(&crlf(NO_DATE)[d.start..d.start + 2], b"\r\n");
    assert!(d.message_ja.contains("Date"));
    // It has a Message-ID (so no missing-message-id), but its right side is not a
    // qualified domain: the talk's "Message-ID: は内容の確認も重要".
    assert!(!r.diagnostics.iter().any(|d| d.rule == "missing-message-id"));
    let q = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "msg-id-unqualified")
        .unwrap();
    assert_eq!((q.line, q.severity), (4, Severity::Warning));
    // The slide's text is garbled on purpose (invalid UTF-8 inside): reported, not fatal.
    assert!(r
        .diagnostics
        .iter()
        .any(|d| d.rule == "charset-decode-error" && d.line == 6));
    assert_eq!(
        r.header("Subject").unwrap().decoded_value.chars().next(),
        Some('【')
    );
}

#[test]
fn missing_message_id_says_large_receivers_reject_it() {
    let m = crlf("From: a@example.com\nTo: b@example.com\nSubject: x\nDate: Thu, 26 Oct 2023 00:07:56 +0900\n\nbody\n");
    let r = lint(&m, &LintOptions::default());
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "missing-message-id")
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.contains("reject") && d.message.contains("Gmail"),
        "{}",
        d.message
    );
    assert!(d.message_ja.contains("拒否"));
}

/// The recipient-header slide: `To: "Mr. Foo" <foo@example.com >`, `Cc:` and
/// `Bcc: <bar@example.com>` are all mistakes, each with its own rule and position.
#[test]
fn recipient_header_mistakes() {
    let text = "From: chris@foo.edu
To: \"Mr. Foo\" <foo@example.com >
Cc:
Bcc: <bar@example.com>
Subject: test
Date: Thu, 26 Oct 2023 00:07:56 +0900
Message-ID: <1@foo.edu>

hello
";
    let m = crlf(text);
    let r = lint(&m, &LintOptions::default());
    let got: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.severity, d.line, d.column))
        .collect();
    let space_col = "To: \"Mr. Foo\" <foo@example.com >".find(" >").unwrap() as u32 + 1;
    assert_eq!(
        got,
        vec![
            ("address-whitespace", Severity::Warning, 2, space_col),
            ("empty-address-field", Severity::Error, 3, 1),
            ("bcc-present", Severity::Warning, 4, 1),
        ]
    );
    // The whitespace diagnostic's byte range is exactly the space.
    let d = &r.diagnostics[0];
    assert_eq!(&m[d.start..d.end], b" ");
    // RFC 5322 reads the address fine; only the SMTP path form is broken.
    let to = r.header("To").unwrap();
    assert_eq!(to.addresses[0].address, "foo@example.com");
    assert_eq!(to.addresses[0].display_name.as_deref(), Some("Mr. Foo"));
}

#[test]
fn empty_bcc_is_legal() {
    let m = crlf("From: chris@foo.edu\nTo: pat@bar.com\nBcc:\nSubject: test\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@foo.edu>\n\nhello\n");
    let r = lint(&m, &LintOptions::default());
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn envelope_is_not_the_header() {
    // The talk: RCPT TO has no To/Cc/Bcc distinction; the envelope decides delivery.
    let m = crlf("From: chris@foo.edu\nTo: pat@bar.com\nSubject: test\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@foo.edu>\n\nhello\n");
    let env = Envelope {
        mail_from: "<chris@foo.edu>".into(),
        rcpt_to: vec!["<pat@bar.com>".into(), "<jones@foo.edu>".into()],
        body: BodyType::SevenBit,
        smtputf8: false,
    };
    let r = lint(
        &m,
        &LintOptions {
            envelope: Some(env),
            ..LintOptions::default()
        },
    );
    let cmp = r.envelope_comparison.as_ref().unwrap();
    assert_eq!(cmp.recipients.len(), 2);
    assert!(cmp.recipients[0].rcpt_to && cmp.recipients[0].to);
    assert!(cmp.recipients[1].rcpt_to && !cmp.recipients[1].to);
    let infos: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.severity)).collect();
    assert_eq!(infos, vec![("envelope-header-mismatch", Severity::Info)]);
    assert!(r.diagnostics[0].message.contains("jones@foo.edu"));
}

#[test]
fn japanese_encoded_words_read_as_japanese() {
    let m = crlf("From: =?utf-8?B?R01P44GC44GK44Ge44KJ440N440D440I6YqA6KGM?= <no-reply@example.com>\nTo: foo@example.com\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\nDate: Thu, 24 Oct 2024 10:45:20 +0200\nMessage-ID: <1@example.com>\n\nbody\n");
    let r = lint(&m, &LintOptions::default());
    assert_eq!(r.header("Subject").unwrap().decoded_value, "テスト");
    assert_eq!(
        r.header("Subject").unwrap().raw_value,
        " =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="
    );
    let from = r.header("From").unwrap();
    assert!(
        from.decoded_value.starts_with("GMOあおぞら"),
        "{}",
        from.decoded_value
    );
    assert_eq!(from.addresses[0].address, "no-reply@example.com");
    for (cs, word, want) in [
        ("Shift_JIS", "g2WDWINn", "テスト"),
        ("EUC-JP", "pcaluaXI", "テスト"),
        ("ISO-8859-1", "Y2Fm6Q==", "café"),
        ("windows-1252", "gA==", "€"),
    ] {
        let m = crlf(&format!("From: a@example.com\nSubject: =?{cs}?B?{word}?=\nDate: Thu, 24 Oct 2024 10:45:20 +0200\nMessage-ID: <1@example.com>\n\nx\n"));
        let r = lint(&m, &LintOptions::default());
        assert_eq!(r.header("Subject").unwrap().decoded_value, want, "{cs}");
        assert!(r.diagnostics.is_empty(), "{cs}: {:#?}", r.diagnostics);
    }
}

/// The envelope's BODY reads in the SMTP spelling too (a delivery event says "8BITMIME").
#[test]
fn envelope_body_in_smtp_spelling() {
    for (json, want) in [
        (
            r#"{"body":"8BITMIME"}"#,
            mailroom_message::BodyType::EightBitMime,
        ),
        (
            r#"{"body":"EightBitMime"}"#,
            mailroom_message::BodyType::EightBitMime,
        ),
        (r#"{"body":"7BIT"}"#, mailroom_message::BodyType::SevenBit),
        (
            r#"{"body":"BINARYMIME"}"#,
            mailroom_message::BodyType::BinaryMime,
        ),
    ] {
        let e: mailroom_message::Envelope = serde_json::from_str(json).expect(json);
        assert_eq!(e.body, want);
        assert_eq!(want.as_str().parse(), Ok(want));
    }
    assert_eq!(
        "8bitmime".parse(),
        Ok(mailroom_message::BodyType::EightBitMime)
    );
    assert!("8BIT".parse::<mailroom_message::BodyType>().is_err());
}
