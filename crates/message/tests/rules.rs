//! Every rule id of DESIGN.md section 3: one message that fires it and a near miss that
//! must not. Messages are written with "\n" and sent with CRLF unless a case says `raw`.

use mailroom_message::{lint, BodyType, Envelope, LintOptions, Report, Severity, RULES};

/// A clean message; cases edit it with [`with`].
const BASE: &str = "From: Alice <alice@example.com>
To: bob@example.org
Subject: Hello
Date: Thu, 26 Oct 2023 00:07:56 +0900
Message-ID: <20231026.1@example.com>

Hi Bob.
";

fn crlf(s: &str) -> Vec<u8> {
    s.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()
}

/// BASE with header lines replaced (`"Name:" => "Name: new"`, or removed with ""),
/// extra header lines appended, and optionally a new body.
fn with(replace: &[(&str, &str)], add: &[&str], body: Option<&str>) -> String {
    let (head, base_body) = BASE.split_once("\n\n").unwrap();
    let mut lines: Vec<String> = Vec::new();
    for l in head.lines() {
        match replace.iter().find(|(n, _)| l.starts_with(n)) {
            Some((_, "")) => {}
            Some((_, new)) => lines.push(new.to_string()),
            None => lines.push(l.to_string()),
        }
    }
    lines.extend(add.iter().map(|s| s.to_string()));
    format!("{}\n\n{}", lines.join("\n"), body.unwrap_or(base_body))
}

fn mime(add: &[&str], body: &str) -> String {
    let mut h = vec!["MIME-Version: 1.0"];
    h.extend_from_slice(add);
    with(&[], &h, Some(body))
}

struct Case {
    rule: &'static str,
    fires: Vec<u8>,
    near_miss: Vec<u8>,
    envelope: Option<Envelope>,
}

fn case(rule: &'static str, fires: &str, near_miss: &str) -> Case {
    Case {
        rule,
        fires: crlf(fires),
        near_miss: crlf(near_miss),
        envelope: None,
    }
}

fn raw(rule: &'static str, fires: Vec<u8>, near_miss: Vec<u8>) -> Case {
    Case {
        rule,
        fires,
        near_miss,
        envelope: None,
    }
}

fn env(body: BodyType, smtputf8: bool, rcpt: &[&str]) -> Envelope {
    Envelope {
        mail_from: "alice@example.com".into(),
        rcpt_to: rcpt.iter().map(|s| s.to_string()).collect(),
        body,
        smtputf8,
    }
}

/// The report, detached from the input (the cases build their inputs in place).
fn run(input: &[u8], envelope: Option<Envelope>) -> Report<'static> {
    lint(
        input,
        &LintOptions {
            envelope,
            ..LintOptions::default()
        },
    )
    .into_owned()
}

fn cases() -> Vec<Case> {
    let long = "a".repeat(1000);
    let ok_long = "a".repeat(990);
    let b64_long = "QUJD".repeat(20);
    let qp_long = "a".repeat(80);
    let ew_long = format!("=?UTF-8?Q?{}?=", "a".repeat(70));
    let multipart = |ct: &str, body: &str| mime(&[ct], body);
    let mp_body = "preamble\n--abc\nContent-Type: text/plain; charset=us-ascii\n\nhello\n--abc--\n";
    vec![
        // lines, bytes
        case(
            "line-too-long",
            &with(&[], &[&format!("X-Long: {long}")], None),
            &with(&[], &[&format!("X-Long: {ok_long}")], None),
        ),
        case(
            "header-line-over-78",
            &with(
                &[("Subject:", &format!("Subject: {}", "word ".repeat(17)))],
                &[],
                None,
            ),
            &with(
                &[(
                    "Subject:",
                    &format!(
                        "Subject: {}\n {}",
                        "word ".repeat(9).trim(),
                        "word ".repeat(8).trim()
                    ),
                )],
                &[],
                None,
            ),
        ),
        raw("bare-lf", BASE.as_bytes().to_vec(), crlf(BASE)),
        raw(
            "bare-cr",
            crlf(&with(&[], &[], Some("a\rb\n"))),
            crlf(&with(&[], &[], Some("a\nb\n"))),
        ),
        raw(
            "nul-byte",
            crlf(&with(&[], &[], Some("a\0b\n"))),
            crlf(&with(&[], &[], Some("a0b\n"))),
        ),
        case(
            "invalid-field-name",
            &with(&[], &["X Bad: value"], None),
            &with(&[], &["X-Good: value"], None),
        ),
        case(
            "missing-colon",
            &with(
                &[("To:", "To: bob@example.org\ngarbage line\nX-After: 1")],
                &[],
                None,
            ),
            &with(&[], &[], Some("garbage line\n")),
        ),
        case(
            "missing-header-body-separator",
            &BASE.replace("\n\nHi", "\nHi"),
            BASE,
        ),
        case(
            "8bit-header",
            &with(&[("Subject:", "Subject: héllo")], &[], None),
            &with(
                &[("Subject:", "Subject: =?UTF-8?Q?h=C3=A9llo?=")],
                &[],
                None,
            ),
        ),
        raw(
            "invalid-utf8",
            [
                b"Subject: h\xe9llo\r\n".as_slice(),
                &crlf(&with(&[("Subject:", "")], &[], None)),
            ]
            .concat(),
            crlf(&with(&[("Subject:", "Subject: héllo")], &[], None)),
        ),
        // field counts
        case("missing-date", &with(&[("Date:", "")], &[], None), BASE),
        case("missing-from", &with(&[("From:", "")], &[], None), BASE),
        case(
            "missing-message-id",
            &with(&[("Message-ID:", "")], &[], None),
            BASE,
        ),
        case(
            "duplicate-field",
            &with(&[], &["Subject: again"], None),
            &with(&[], &["Comments: one", "Comments: two"], None),
        ),
        case(
            "sender-required",
            &with(
                &[("From:", "From: alice@example.com, carol@example.com")],
                &[],
                None,
            ),
            &with(
                &[("From:", "From: alice@example.com, carol@example.com")],
                &["Sender: alice@example.com"],
                None,
            ),
        ),
        case(
            "redundant-sender",
            &with(&[], &["Sender: alice@example.com"], None),
            &with(&[], &["Sender: secretary@example.com"], None),
        ),
        case(
            "resent-date-missing",
            &with(
                &[],
                &[
                    "Resent-From: carol@example.com",
                    "Resent-To: dave@example.com",
                ],
                None,
            ),
            &with(
                &[],
                &[
                    "Resent-Date: Fri, 27 Oct 2023 10:00:00 +0000",
                    "Resent-From: carol@example.com",
                    "Resent-To: dave@example.com",
                ],
                None,
            ),
        ),
        // field syntax
        case(
            "invalid-date",
            &with(&[("Date:", "Date: 2023-10-26T00:07:56+09:00")], &[], None),
            BASE,
        ),
        case(
            "obsolete-date",
            &with(&[("Date:", "Date: Thu, 26 Oct 23 00:07:56 GMT")], &[], None),
            BASE,
        ),
        case(
            "date-weekday-mismatch",
            &with(
                &[("Date:", "Date: Fri, 26 Oct 2023 00:07:56 +0900")],
                &[],
                None,
            ),
            BASE,
        ),
        case(
            "invalid-address",
            &with(&[("To:", "To: bob")], &[], None),
            BASE,
        ),
        case(
            "empty-address-field",
            &with(&[], &["Cc:"], None),
            &with(&[], &["Bcc:"], None),
        ),
        case(
            "bcc-present",
            &with(&[], &["Bcc: <bar@example.com>"], None),
            &with(&[], &["Bcc:"], None),
        ),
        case(
            "address-whitespace",
            &with(&[("To:", "To: \"Mr. Foo\" <foo@example.com >")], &[], None),
            &with(&[("To:", "To: \"Mr. Foo\" <foo@example.com>")], &[], None),
        ),
        case(
            "invalid-msg-id",
            &with(
                &[("Message-ID:", "Message-ID: 20231026.1@example.com")],
                &[],
                None,
            ),
            BASE,
        ),
        case(
            "msg-id-unqualified",
            &with(
                &[("Message-ID:", "Message-ID: <20231026.1@localhost>")],
                &[],
                None,
            ),
            BASE,
        ),
        case(
            "missing-subject",
            &with(&[("Subject:", "")], &[], None),
            BASE,
        ),
        // encoded words
        case(
            "invalid-encoded-word",
            &with(&[("Subject:", "Subject: =?UTF-8?X?abc?=")], &[], None),
            &with(&[("Subject:", "Subject: =?UTF-8?Q?abc?=")], &[], None),
        ),
        case(
            "encoded-word-too-long",
            &with(&[("Subject:", &format!("Subject: {ew_long}"))], &[], None),
            &with(
                &[(
                    "Subject:",
                    // A 75-character word on a 76-character line: at both limits.
                    &format!("Subject:\n =?UTF-8?Q?{}?=", "a".repeat(63)),
                )],
                &[],
                None,
            ),
        ),
        case(
            "encoded-word-in-quoted-string",
            &with(
                &[(
                    "From:",
                    "From: \"=?UTF-8?Q?Al=C3=AFce?=\" <alice@example.com>",
                )],
                &[],
                None,
            ),
            &with(
                &[("From:", "From: =?UTF-8?Q?Al=C3=AFce?= <alice@example.com>")],
                &[],
                None,
            ),
        ),
        case(
            "unknown-charset",
            &with(&[("Subject:", "Subject: =?x-klingon?Q?abc?=")], &[], None),
            &with(&[("Subject:", "Subject: =?iso-8859-1?Q?abc?=")], &[], None),
        ),
        // MIME
        case(
            "missing-mime-version",
            &with(&[], &["Content-Type: text/plain; charset=us-ascii"], None),
            &mime(&["Content-Type: text/plain; charset=us-ascii"], "Hi\n"),
        ),
        case(
            "invalid-mime-version",
            &with(&[], &["MIME-Version: 2.0"], None),
            &with(&[], &["MIME-Version: 1.0 (produced by hand)"], None),
        ),
        case(
            "invalid-content-type",
            &mime(&["Content-Type: text"], "Hi\n"),
            &mime(&["Content-Type: text/plain; charset=us-ascii"], "Hi\n"),
        ),
        case(
            "missing-boundary",
            &multipart("Content-Type: multipart/mixed", mp_body),
            &multipart("Content-Type: multipart/mixed; boundary=abc", mp_body),
        ),
        case(
            "invalid-boundary",
            &multipart(
                "Content-Type: multipart/mixed; boundary=\"abc \"",
                &mp_body.replace("--abc", "--abc "),
            ),
            &multipart("Content-Type: multipart/mixed; boundary=\"abc\"", mp_body),
        ),
        case(
            "boundary-not-found",
            &multipart("Content-Type: multipart/mixed; boundary=xyz", mp_body),
            &multipart("Content-Type: multipart/mixed; boundary=abc", mp_body),
        ),
        case(
            "missing-close-delimiter",
            &multipart(
                "Content-Type: multipart/mixed; boundary=abc",
                &mp_body.replace("--abc--\n", ""),
            ),
            &multipart("Content-Type: multipart/mixed; boundary=abc", mp_body),
        ),
        case(
            "invalid-cte",
            &mime(&["Content-Transfer-Encoding: 7-bit"], "Hi\n"),
            &mime(&["Content-Transfer-Encoding: 7bit"], "Hi\n"),
        ),
        case(
            "cte-on-composite",
            &mime(
                &[
                    "Content-Type: multipart/mixed; boundary=abc",
                    "Content-Transfer-Encoding: base64",
                ],
                mp_body,
            ),
            &mime(
                &[
                    "Content-Type: multipart/mixed; boundary=abc",
                    "Content-Transfer-Encoding: 7bit",
                ],
                mp_body,
            ),
        ),
        case(
            "base64-invalid-char",
            &mime(
                &[
                    "Content-Type: application/octet-stream",
                    "Content-Transfer-Encoding: base64",
                ],
                "QU*JD\n",
            ),
            &mime(
                &[
                    "Content-Type: application/octet-stream",
                    "Content-Transfer-Encoding: base64",
                ],
                "QUJD\n",
            ),
        ),
        case(
            "base64-bad-padding",
            &mime(
                &[
                    "Content-Type: application/octet-stream",
                    "Content-Transfer-Encoding: base64",
                ],
                "QUI\n",
            ),
            &mime(
                &[
                    "Content-Type: application/octet-stream",
                    "Content-Transfer-Encoding: base64",
                ],
                "QUI=\n",
            ),
        ),
        case(
            "base64-line-too-long",
            &mime(
                &[
                    "Content-Type: application/octet-stream",
                    "Content-Transfer-Encoding: base64",
                ],
                &format!("{b64_long}\n"),
            ),
            &mime(
                &[
                    "Content-Type: application/octet-stream",
                    "Content-Transfer-Encoding: base64",
                ],
                &format!("{}\n{}\n", &b64_long[..76], &b64_long[76..]),
            ),
        ),
        case(
            "qp-invalid-escape",
            &mime(
                &[
                    "Content-Type: text/plain; charset=us-ascii",
                    "Content-Transfer-Encoding: quoted-printable",
                ],
                "a=ZZb\n",
            ),
            &mime(
                &[
                    "Content-Type: text/plain; charset=us-ascii",
                    "Content-Transfer-Encoding: quoted-printable",
                ],
                "a=3Db=\nc\n",
            ),
        ),
        case(
            "qp-line-too-long",
            &mime(
                &[
                    "Content-Type: text/plain; charset=us-ascii",
                    "Content-Transfer-Encoding: quoted-printable",
                ],
                &format!("{qp_long}\n"),
            ),
            &mime(
                &[
                    "Content-Type: text/plain; charset=us-ascii",
                    "Content-Transfer-Encoding: quoted-printable",
                ],
                &format!("{}=\n{}\n", &qp_long[..75], &qp_long[75..]),
            ),
        ),
        case(
            "8bit-in-7bit",
            &mime(&["Content-Type: text/plain; charset=utf-8"], "héllo\n"),
            &mime(
                &[
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: 8bit",
                ],
                "héllo\n",
            ),
        ),
        case(
            "missing-charset",
            &mime(&["Content-Type: text/plain"], "Hi\n"),
            &mime(&["Content-Type: text/plain; charset=us-ascii"], "Hi\n"),
        ),
        raw(
            "charset-decode-error",
            crlf(&mime(
                &[
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: base64",
                ],
                "/w==\n",
            )),
            crlf(&mime(
                &[
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: base64",
                ],
                "w6k=\n",
            )),
        ),
        // with an envelope
        Case {
            rule: "8bit-without-8bitmime",
            fires: crlf(&mime(
                &[
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: 8bit",
                ],
                "héllo\n",
            )),
            near_miss: crlf(&mime(
                &[
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: quoted-printable",
                ],
                "h=C3=A9llo\n",
            )),
            envelope: Some(env(BodyType::SevenBit, false, &["bob@example.org"])),
        },
        Case {
            rule: "smtputf8-required",
            fires: crlf(&with(&[("Subject:", "Subject: héllo")], &[], None)),
            near_miss: crlf(&with(
                &[("Subject:", "Subject: =?UTF-8?Q?h=C3=A9llo?=")],
                &[],
                None,
            )),
            envelope: Some(env(BodyType::EightBitMime, false, &["bob@example.org"])),
        },
        Case {
            rule: "envelope-header-mismatch",
            fires: crlf(BASE),
            near_miss: crlf(BASE),
            envelope: None, // set per side below
        },
    ]
}

/// Envelopes for cases whose two sides differ in the envelope, not the message.
fn envelopes(c: &Case) -> (Option<Envelope>, Option<Envelope>) {
    match c.rule {
        "envelope-header-mismatch" => (
            Some(env(
                BodyType::SevenBit,
                false,
                &["bob@example.org", "eve@example.net"],
            )),
            Some(env(BodyType::SevenBit, false, &["bob@example.org"])),
        ),
        _ => (c.envelope.clone(), c.envelope.clone()),
    }
}

#[test]
fn base_message_is_clean() {
    let r = run(&crlf(BASE), None);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let r = run(
        &crlf(BASE),
        Some(env(BodyType::SevenBit, false, &["bob@example.org"])),
    );
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn every_rule_fires_and_has_a_near_miss() {
    let cases = cases();
    for r in RULES {
        assert!(
            cases.iter().any(|c| c.rule == r.id),
            "no test case for rule {}",
            r.id
        );
    }
    for c in &cases {
        let (fe, ne) = envelopes(c);
        let fired = run(&c.fires, fe);
        let hit: Vec<_> = fired
            .diagnostics
            .iter()
            .filter(|d| d.rule == c.rule)
            .collect();
        assert!(
            !hit.is_empty(),
            "{} did not fire on\n{}\ngot: {:#?}",
            c.rule,
            String::from_utf8_lossy(&c.fires),
            fired.diagnostics
        );
        for d in &hit {
            assert!(
                d.line >= 1 && d.column >= 1 && d.start <= d.end && d.end <= c.fires.len(),
                "{d:?}"
            );
            assert!(
                !d.message.is_empty()
                    && !d.message_ja.is_empty()
                    && !d.hint.is_empty()
                    && d.rfc.starts_with("RFC "),
                "{d:?}"
            );
        }
        let missed = run(&c.near_miss, ne);
        let bad: Vec<_> = missed
            .diagnostics
            .iter()
            .filter(|d| d.rule == c.rule)
            .collect();
        assert!(
            bad.is_empty(),
            "{} fired on its near miss\n{}\n{:#?}",
            c.rule,
            String::from_utf8_lossy(&c.near_miss),
            bad
        );
    }
}

#[test]
fn default_severities_follow_design() {
    let sev = |id: &str| RULES.iter().find(|r| r.id == id).unwrap().severity;
    assert_eq!(sev("missing-date"), Severity::Error);
    assert_eq!(sev("missing-from"), Severity::Error);
    assert_eq!(sev("missing-message-id"), Severity::Warning);
    assert_eq!(sev("missing-subject"), Severity::Info);
    assert_eq!(sev("address-whitespace"), Severity::Warning);
    assert_eq!(sev("unknown-charset"), Severity::Warning);
    assert_eq!(sev("obsolete-date"), Severity::Warning);
    assert_eq!(sev("envelope-header-mismatch"), Severity::Info);
    // Ids are kebab-case and unique.
    for (i, r) in RULES.iter().enumerate() {
        assert!(
            r.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            r.id
        );
        assert!(RULES.iter().skip(i + 1).all(|o| o.id != r.id), "{}", r.id);
    }
    // Exactly the ids of DESIGN.md section 3 (a public interface).
    let design = [
        "line-too-long",
        "header-line-over-78",
        "bare-lf",
        "bare-cr",
        "nul-byte",
        "invalid-field-name",
        "missing-colon",
        "missing-header-body-separator",
        "8bit-header",
        "invalid-utf8",
        "missing-date",
        "missing-from",
        "missing-message-id",
        "duplicate-field",
        "sender-required",
        "redundant-sender",
        "resent-date-missing",
        "invalid-date",
        "obsolete-date",
        "date-weekday-mismatch",
        "invalid-address",
        "empty-address-field",
        "bcc-present",
        "address-whitespace",
        "invalid-msg-id",
        "msg-id-unqualified",
        "missing-subject",
        "invalid-encoded-word",
        "encoded-word-too-long",
        "encoded-word-in-quoted-string",
        "unknown-charset",
        "missing-mime-version",
        "invalid-mime-version",
        "invalid-content-type",
        "missing-boundary",
        "invalid-boundary",
        "boundary-not-found",
        "missing-close-delimiter",
        "invalid-cte",
        "cte-on-composite",
        "base64-invalid-char",
        "base64-bad-padding",
        "base64-line-too-long",
        "qp-invalid-escape",
        "qp-line-too-long",
        "8bit-in-7bit",
        "missing-charset",
        "charset-decode-error",
        "8bit-without-8bitmime",
        "smtputf8-required",
        "envelope-header-mismatch",
    ];
    let ours: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ours, design);
}

#[test]
fn duplicate_field_points_at_each_later_occurrence() {
    let m = crlf(&with(
        &[],
        &["Subject: two", "X-Other: 1", "Subject: three"],
        None,
    ));
    let r = run(&m, None);
    let lines: Vec<u32> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "duplicate-field")
        .map(|d| (d.line, d.column))
        .map(|(l, c)| {
            assert_eq!(c, 1);
            l
        })
        .collect();
    assert_eq!(lines, vec![6, 8]);
}

#[test]
fn missing_separator_points_at_first_body_line() {
    let r = run(&crlf(&BASE.replace("\n\nHi", "\nHi")), None);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "missing-header-body-separator")
        .unwrap();
    assert_eq!((d.line, d.column, d.severity), (6, 1, Severity::Error));
}

#[test]
fn parsing_goes_on_after_a_bad_line() {
    let m = crlf("From: alice@example.com\nBad Line Without Colon\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nTo: bob\nMessage-ID: <1@example.com>\nSubject: x\n\nbody\n");
    let r = run(&m, None);
    let ids: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.line)).collect();
    assert_eq!(ids, vec![("missing-colon", 2), ("invalid-address", 4)]);
}

#[test]
fn obsolete_forms_are_warnings_not_errors() {
    for (name, v) in [
        ("Date:", "Date: 26 Oct 23 00:07:56 PST"),
        ("To:", "To: Mr. Foo <foo@example.com>"),
        ("To:", "To: <@relay.example:foo@example.com>"),
        ("To:", "To: foo@example.com,,bar@example.com"),
        ("Message-ID:", "Message-ID: <\"quoted\"@example.com>"),
        ("Subject:", "Subject : obsolete space before colon"),
    ] {
        let r = run(&crlf(&with(&[(name, v)], &[], None)), None);
        assert_eq!(r.errors(), 0, "{v}: {:#?}", r.diagnostics);
        assert!(r.warnings() >= 1, "{v}");
    }
}

#[test]
fn nested_message_needs_one_of_from_subject_date() {
    let outer = |inner: &str| crlf(&mime(&["Content-Type: message/rfc822"], inner));
    let r = run(&outer("Subject: only a subject\n\nbody\n"), None);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let r = run(&outer("X-Nothing: here\n\nbody\n"), None);
    let d: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.rfc)).collect();
    assert_eq!(d, vec![("missing-from", "RFC 2046 5.2.1")]);
}

#[test]
fn message_partial_must_be_7bit() {
    let m = |cte: &str| {
        crlf(&mime(
            &[
                "Content-Type: message/partial; id=\"x@y.z\"; number=1; total=2",
                cte,
            ],
            "Subject: part\n\nbody\n",
        ))
    };
    let r = run(&m("Content-Transfer-Encoding: 8bit"), None);
    let d: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.rfc)).collect();
    assert_eq!(d, vec![("cte-on-composite", "RFC 2046 5.2.2")]);
    assert!(run(&m("Content-Transfer-Encoding: 7bit"), None)
        .diagnostics
        .is_empty());
}

/// ISO-2022-JP-2 (RFC 1554) is not in the Encoding Standard: its Japanese, Chinese and
/// single-shifted Latin-1 read correctly, in the body and in an encoded word, and one
/// slip is reported at its byte.
#[test]
fn iso_2022_jp_2_text_and_encoded_words() {
    let m = |body: &str| {
        let mut m = crlf(&with(
            &[(
                "Subject:",
                "Subject: =?ISO-2022-JP-2?B?GyRCJUYlOSVIGyhCIGNhZhsuQRtOaQ==?=",
            )],
            &[
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=ISO-2022-JP-2",
            ],
            Some(""),
        ));
        m.extend_from_slice(body.as_bytes());
        m
    };
    let r = run(
        &m("\x1b$B$3$s$K$A$O\x1b(B \x1b$A<r\x1b(B caf\x1b.A\x1bNi\r\n"),
        None,
    );
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(r.header("subject").unwrap().decoded_value, "テスト café");
    let root = r.mime.as_ref().unwrap();
    assert_eq!(root.text.as_deref(), Some("こんにちは 简 café\r\n"));

    let input = m("ok \x1b$Zx\r\n");
    let r = run(&input, None);
    let d: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.start)).collect();
    let esc = input.iter().position(|&b| b == 0x1b).unwrap();
    assert_eq!(d, vec![("charset-decode-error", esc)]);
}

#[test]
fn decoded_view_and_mime_tree() {
    let m = crlf(&mime(
        &["Content-Type: multipart/mixed; boundary=\"b1\""],
        "--b1\nContent-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n\x1b$B%F%9%H\x1b(B\n--b1\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*=UTF-8''%E8%A1%A8.txt\nContent-Transfer-Encoding: base64\n\nQUJD\n--b1--\n",
    ));
    let r = run(&m, None);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let root = r.mime.as_ref().unwrap();
    assert_eq!(root.content_type, "multipart/mixed");
    assert_eq!(root.children.len(), 2);
    let text = &root.children[0];
    assert_eq!(text.charset.as_deref(), Some("ISO-2022-JP"));
    assert_eq!(text.text.as_deref(), Some("テスト"));
    assert_eq!(text.line, 10); // the part header, after the "--b1" line
    let att = &root.children[1];
    assert_eq!(att.filename.as_deref(), Some("表.txt"));
    assert_eq!(att.transfer_encoding, "base64");
}

/// RFC 6532 3.7: message/global carries a message whose header fields may hold raw UTF-8.
/// Inside it that is not `8bit-header` (nor `smtputf8-required`): the outer message only
/// needs 8-bit transport for its body. The same inner message as message/rfc822 is.
#[test]
fn message_global_allows_utf8_headers() {
    let inner = "From: 太郎 <taro@example.jp>\nSubject: こんにちは\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nContent-Type: multipart/mixed; boundary=b\nMIME-Version: 1.0\nContent-Transfer-Encoding: 8bit\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=\"資料.txt\"\nContent-Transfer-Encoding: 8bit\n\n本文\n--b--\n";
    let outer = |ct: &str| crlf(&mime(&[ct, "Content-Transfer-Encoding: 8bit"], inner));
    let rules = |r: &Report| r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>();
    let global = outer("Content-Type: message/global");
    let r = run(&global, None);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let r = run(
        &global,
        Some(env(BodyType::EightBitMime, false, &["bob@example.org"])),
    );
    assert!(
        !rules(&r).contains(&"smtputf8-required"),
        "{:#?}",
        r.diagnostics
    );
    let r = run(&outer("Content-Type: message/rfc822"), None);
    assert!(rules(&r).contains(&"8bit-header"), "{:#?}", r.diagnostics);
}

/// RFC 2047 5(3): in a display name a Q-encoded word may hold only letters, digits and
/// `! * + - / = _`. The same word is fine in Subject (5(1)) and in a comment (5(2)).
#[test]
fn q_encoded_word_in_a_phrase_is_restricted() {
    let from = |v: &str| crlf(&with(&[("From:", &format!("From: {v}"))], &[], None));
    let r = run(&from("=?UTF-8?Q?Jos=C3=A9#1?= <jose@example.com>"), None);
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.rfc, d.line, d.column))
        .collect();
    // "From: =?UTF-8?Q?Jos=C3=A9" is 25 bytes: '#' is column 26.
    assert_eq!(d, vec![("invalid-encoded-word", "RFC 2047 5", 1, 26)]);
    assert!(r.diagnostics[0].message.contains("=23"));
    assert_eq!(r.headers[0].decoded_value, "José#1 <jose@example.com>");
    // Near misses: the character encoded; the same word in Subject; in a comment.
    for m in [
        from("=?UTF-8?Q?Jos=C3=A9=231?= <jose@example.com>"),
        crlf(&with(
            &[("Subject:", "Subject: =?UTF-8?Q?Jos=C3=A9#1?=")],
            &[],
            None,
        )),
        from("jose@example.com (=?UTF-8?Q?Jos=C3=A9#1?=)"),
    ] {
        let r = run(&m, None);
        assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    }
}

/// Content-Disposition (RFC 2183 2) uses Content-Type's parameter grammar: its syntax
/// errors are `invalid-content-type` with RFC 2183's section and hint.
#[test]
fn content_disposition_syntax() {
    let m = |cd: &str| {
        crlf(&mime(
            &[
                "Content-Type: application/pdf",
                cd,
                "Content-Transfer-Encoding: base64",
            ],
            "QUJD\n",
        ))
    };
    let r = run(
        &m("Content-Disposition: attachment; filename=my file.pdf"),
        None,
    );
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.rfc, d.line, d.column))
        .collect();
    assert_eq!(d, vec![("invalid-content-type", "RFC 2183 2", 8, 43)]);
    assert!(r.diagnostics[0].hint.contains("Content-Disposition"));
    let r = run(
        &m("Content-Disposition: attachment; filename=\"my file.pdf\""),
        None,
    );
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(
        r.mime.as_ref().unwrap().filename.as_deref(),
        Some("my file.pdf")
    );
    // Other findings in the field keep their own section and hint: the quoting hint
    // would tell the writer to quote a value that is quoted already.
    for (cd, rule, rfc) in [
        (
            "Content-Disposition: attachment; filename=\"=?utf-8?B?44GC?=\"",
            "encoded-word-in-quoted-string",
            "RFC 2047 5",
        ),
        (
            "Content-Disposition: attachment; filename*=x-unknown''%41.pdf",
            "unknown-charset",
            "RFC 2231 4",
        ),
    ] {
        let r = run(&m(cd), None);
        let d = r.diagnostics.iter().find(|d| d.rule == rule);
        let d = d.unwrap_or_else(|| panic!("{cd}: {:#?}", r.diagnostics));
        assert_eq!(d.rfc, rfc, "{cd}");
        assert!(!d.hint.contains("quoting"), "{cd}: {}", d.hint);
    }
}

/// UTF-16 is not a MIME text charset (RFC 2046 4.1.2: line breaks are the octets CR LF):
/// `unknown-charset` says so instead of "unknown", and the view still shows the text.
#[test]
fn utf16_text_is_flagged_but_shown() {
    let m = crlf(&mime(
        &[
            "Content-Type: text/plain; charset=utf-16be",
            "Content-Transfer-Encoding: base64",
        ],
        "MMYwuTDIAA0ACg==\n",
    ));
    let r = run(&m, None);
    let d: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.rfc)).collect();
    assert_eq!(d, vec![("unknown-charset", "RFC 2046 4.1.2")]);
    assert!(r.diagnostics[0].message.contains("not a MIME text charset"));
    assert_eq!(r.mime.as_ref().unwrap().text.as_deref(), Some("テスト\r\n"));
}

/// Findings of the RFC review (each: the case that must fire, and the one that must not).
#[test]
fn day_zero_does_not_exist() {
    let m = |d: &str| crlf(&with(&[("Date:", &format!("Date: {d}"))], &[], None));
    let rules = |r: &Report| r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>();
    // 0 Jan 2024 would be 31 Dec 2023, a Sunday: the weekday check alone passes it.
    assert_eq!(
        rules(&run(&m("Sun, 0 Jan 2024 10:00:00 +0000"), None)),
        vec!["invalid-date"]
    );
    assert!(rules(&run(&m("Mon, 1 Jan 2024 10:00:00 +0000"), None)).is_empty());
}

/// RFC 6854 allows a group in From (limited use): a warning, not an error.
#[test]
fn group_in_from_is_a_warning() {
    let r = run(
        &crlf(&with(
            &[("From:", "From: Automated System:;")],
            &[("Sender: a@example.com")],
            None,
        )),
        None,
    );
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "invalid-address")
        .map(|d| (d.severity, d.rfc))
        .collect();
    assert_eq!(d, vec![(Severity::Warning, "RFC 6854 2")]);
    assert_eq!(r.errors(), 0, "{:#?}", r.diagnostics);
}

/// RFC 2047 5(2): in a comment only parentheses and '"' are excluded, so '.' may stand
/// in a Q-encoded word there (it ends a word in a phrase).
#[test]
fn q_word_with_a_dot_in_a_comment() {
    let r = run(
        &crlf(&with(
            &[("From:", "From: alice@example.com (=?UTF-8?Q?J.R._Doe?=)")],
            &[],
            None,
        )),
        None,
    );
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(r.headers[0].decoded_value, "alice@example.com (J.R. Doe)");
}

/// RFC 6532 3.7: message/global may be base64-encoded (RFC 2045 6.4 forbids it for
/// message/rfc822).
#[test]
fn message_global_may_be_encoded() {
    let m = |ct: &str| {
        crlf(&mime(
            &[ct, "Content-Transfer-Encoding: base64"],
            "RnJvbTogYUBleGFtcGxlLmNvbQ0KDQp4DQo=\n",
        ))
    };
    let rules = |r: &Report| r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>();
    assert!(rules(&run(&m("Content-Type: message/global"), None)).is_empty());
    assert_eq!(
        rules(&run(&m("Content-Type: message/rfc822"), None)),
        vec!["cte-on-composite"]
    );
}

/// RFC 6532 3.4: the 78 limit counts characters (30 kana = 90 octets is fine); the span
/// starts at the 79th character.
#[test]
fn header_line_over_78_counts_characters() {
    let subject = |s: &str| crlf(&with(&[("Subject:", &format!("Subject: {s}"))], &[], None));
    let env = env(BodyType::EightBitMime, true, &["bob@example.org"]);
    let r = run(&subject(&"あ".repeat(30)), Some(env.clone()));
    assert!(
        !r.diagnostics
            .iter()
            .any(|d| d.rule == "header-line-over-78"),
        "{:#?}",
        r.diagnostics
    );
    // 9 + 75 = 84 characters: flagged from character 79 (byte 9 + 69 * 3).
    let r = run(&subject(&"あ".repeat(75)), Some(env));
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "header-line-over-78")
        .unwrap();
    assert!(d.message.contains("84 characters"), "{}", d.message);
    assert_eq!(d.column as usize, 9 + 69 * 3 + 1);
}

/// A text part over the 1 MiB decoding cap: the cut inside a character is not a
/// charset error.
#[test]
fn truncated_text_is_not_a_charset_error() {
    let body = format!("{}\n", "あ".repeat(400_000));
    let m = crlf(&mime(
        &[
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ],
        &body,
    ));
    let r = run(&m, None);
    let rules: Vec<_> = r.diagnostics.iter().map(|d| d.rule).collect();
    assert!(!rules.contains(&"charset-decode-error"), "{rules:?}");
    let root = r.mime.unwrap();
    assert!(root.text_truncated);
    // A real error inside the decoded range is still found.
    let body = format!("{}\u{FFFD}x\n", "あ".repeat(10)).replace('\u{FFFD}', "\u{1}");
    let mut m = crlf(&mime(
        &[
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ],
        &body,
    ));
    let at = m.iter().position(|&b| b == 1).unwrap();
    m[at] = 0xFF;
    let rules: Vec<_> = run(&m, None).diagnostics.iter().map(|d| d.rule).collect();
    assert!(rules.contains(&"charset-decode-error"), "{rules:?}");
}

/// RFC 2046 5.1.1: an inner boundary must not begin with an enclosing one ("b" would
/// match the line "--b-alt").
#[test]
fn nested_boundary_must_not_extend_the_outer_one() {
    let m = |inner: &str| {
        crlf(&mime(
            &["Content-Type: multipart/mixed; boundary=b"],
            &format!("--b\nContent-Type: multipart/alternative; boundary={inner}\n\n--{inner}\nContent-Type: text/plain; charset=us-ascii\n\nx\n--{inner}--\n--b--\n"),
        ))
    };
    let r = run(&m("b-alt"), None);
    let d: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.line)).collect();
    assert_eq!(d, vec![("invalid-boundary", 10)]);
    let r = run(&m("alt-b"), None);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}

/// A broken quoted-printable escape at the very end: its range stays inside the input
/// and off the line break.
#[test]
fn qp_escape_range_stays_in_the_input() {
    for tail in ["x=Z", "x=Z\r\n", "x=", "x=\r"] {
        let mut m = crlf(&mime(
            &[
                "Content-Type: text/plain; charset=us-ascii",
                "Content-Transfer-Encoding: quoted-printable",
            ],
            "",
        ));
        m.extend_from_slice(tail.as_bytes());
        let r = run(&m, None);
        for d in &r.diagnostics {
            assert!(d.start <= d.end && d.end <= m.len(), "{tail:?}: {d:#?}");
            assert!(
                !m[d.start..d.end].contains(&b'\n'),
                "{tail:?}: {:?}",
                &m[d.start..d.end]
            );
        }
        if tail.starts_with("x=Z") {
            assert!(r.diagnostics.iter().any(|d| d.rule == "qp-invalid-escape"));
        }
    }
}

/// RFC 2045 6.7 rule 3: whitespace at the end of an encoded line must be written =20 or
/// =09; readers delete it as transport padding, so the text loses it.
#[test]
fn qp_trailing_whitespace() {
    let qp = |body: &str| {
        crlf(&mime(
            &[
                "Content-Type: text/plain; charset=us-ascii",
                "Content-Transfer-Encoding: quoted-printable",
            ],
            body,
        ))
    };
    let m = qp("line one\nkeep this space \nand\ttab\t\n");
    let line = m
        .split(|&b| b == b'\n')
        .position(|l| l.starts_with(b"keep"))
        .unwrap()
        + 1;
    let r = run(&m, None);
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.severity, d.line, d.column, &m[d.start..d.end]))
        .collect();
    assert_eq!(
        d,
        vec![(
            "qp-invalid-escape",
            Severity::Warning,
            line as u32,
            16,
            &b" "[..]
        )],
        "{:#?}",
        r.diagnostics
    );
    assert!(r.diagnostics[0]
        .message
        .starts_with("2 quoted-printable line(s)"));
    // The decoded text is what readers see: without the padding.
    let text = r.mime.as_ref().and_then(|n| n.text.as_deref()).unwrap();
    assert!(text.contains("keep this space\r\n"), "{text:?}");

    // The last line, without a line break, is a line too: reported, and readers delete
    // the padding there as well.
    let mut m = qp("a\n");
    m.extend_from_slice(b"last line \t");
    let r = run(&m, None);
    assert_eq!(
        r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>(),
        vec!["qp-invalid-escape"]
    );
    let text = r.mime.as_ref().and_then(|n| n.text.as_deref()).unwrap();
    assert!(text.ends_with("a\r\nlast line"), "{text:?}");

    // Near misses: escaped whitespace, whitespace before a soft break, padding after one.
    for body in [
        "keep this space=20\n",
        "soft =\nbreak\n",
        "soft=  \nbreak\n",
    ] {
        let r = run(&qp(body), None);
        assert!(r.diagnostics.is_empty(), "{body:?}: {:#?}", r.diagnostics);
    }
}

/// RFC 2046 5.1.1: a content line that begins with the delimiter ("--b-junk" inside
/// boundary "b") is where prefix-matching readers end the part.
#[test]
fn content_line_must_not_begin_with_the_delimiter() {
    let m = |part: &str, epilogue: &str| {
        crlf(&mime(
            &["Content-Type: multipart/mixed; boundary=b"],
            &format!("--b\nContent-Type: text/plain; charset=us-ascii\n\n{part}\n--b  \nContent-Type: text/plain; charset=us-ascii\n\nsecond\n--b--\n{epilogue}"),
        ))
    };
    let input = m("one\n--b-junk\n--b-- not the end", "");
    let line = |s: &[u8]| {
        input
            .split(|&b| b == b'\n')
            .position(|l| l.starts_with(s))
            .unwrap()
            + 1
    };
    let r = run(&input, None);
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.line as usize, &input[d.start..d.end]))
        .collect();
    assert_eq!(
        d,
        vec![("invalid-boundary", line(b"--b-junk"), &b"--b-junk"[..])],
        "{:#?}",
        r.diagnostics
    );
    assert!(r.diagnostics[0].message.starts_with("2 line(s)"));
    // The parts are still the two delimited ones.
    assert_eq!(r.mime.as_ref().unwrap().children.len(), 2);

    // Near misses: indented or mid-line text, a delimiter with padding (above), and
    // the epilogue after the close delimiter.
    for (part, epilogue) in [("one\n --b-junk\nx--b", ""), ("one", "--b-junk\n")] {
        let r = run(&m(part, epilogue), None);
        assert!(r.diagnostics.is_empty(), "{part:?}: {:#?}", r.diagnostics);
    }
}

/// An unfinished base64 group points at the data's end (the padding, or the last
/// character where it is missing), not past the final line break.
#[test]
fn base64_padding_points_at_the_data_end() {
    for (body, at, len) in [("aGVsbG8==\n", "==", 2), ("aGVsbA\n", "A\r\n", 1)] {
        let m = crlf(&mime(
            &[
                "Content-Type: application/octet-stream",
                "Content-Transfer-Encoding: base64",
            ],
            body,
        ));
        let r = run(&m, None);
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.rule == "base64-bad-padding");
        let d = d.unwrap_or_else(|| panic!("{body:?}: {:#?}", r.diagnostics));
        let want = m
            .windows(at.len())
            .rposition(|w| w == at.as_bytes())
            .unwrap();
        assert_eq!((d.start, d.end - d.start), (want, len), "{body:?}");
        assert_eq!(d.line, 10, "{body:?}");
    }
}

/// Asserts that `r` has no finding of `rule` (printing its findings when it has).
fn lacks(r: &Report, rule: &str) {
    assert!(
        r.diagnostics.iter().all(|d| d.rule != rule),
        "{rule} in {:#?}",
        r.diagnostics
    );
}

/// The first finding of `rule` in `m` (panics with all findings when there is none).
fn finding(m: &[u8], rule: &str) -> mailroom_message::Diagnostic {
    let r = run(m, None);
    let d = r.diagnostics.iter().find(|d| d.rule == rule).cloned();
    d.unwrap_or_else(|| panic!("no {rule} in {:#?}", r.diagnostics))
}

/// An empty originator field (RFC 5322 3.6.2) is no destination field: From: is required,
/// so "remove it" would be a worse error; Sender: names exactly one mailbox.
#[test]
fn empty_originator_fields_cite_3_6_2() {
    let d = finding(
        &crlf(&with(&[("From:", "From: ")], &[], None)),
        "empty-address-field",
    );
    assert_eq!(d.rfc, "RFC 5322 3.6.2");
    assert!(d.hint.contains("do not remove"), "{}", d.hint);
    let d = finding(&crlf(&with(&[], &["Sender:"], None)), "empty-address-field");
    assert_eq!(d.rfc, "RFC 5322 3.6.2");
    assert!(d.message.contains("exactly one mailbox"), "{}", d.message);
    let d = finding(&crlf(&with(&[], &["Cc:"], None)), "empty-address-field");
    assert_eq!(d.rfc, "RFC 5322 3.6.3");
}

#[test]
fn messages_name_the_actual_problem() {
    // A third Subject is not "the second".
    let m = crlf(&with(&[], &["Subject: 2", "Subject: 3"], None));
    let r = run(&m, None);
    let dups: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "duplicate-field")
        .collect();
    assert_eq!(dups.len(), 2);
    assert!(dups
        .iter()
        .all(|d| !d.message.contains("second") && !d.message_ja.contains("2 つ目")));
    // "a..b" has an empty label; it does not end with a dot.
    let d = finding(
        &crlf(&with(&[("To:", "To: c@d..test")], &[], None)),
        "invalid-address",
    );
    assert!(d.message.contains("empty label"), "{}", d.message);
    assert_eq!((d.line, d.column, d.end - d.start), (2, 8, 2));
    let d = finding(
        &crlf(&with(&[("To:", "To: c@d.test.")], &[], None)),
        "invalid-address",
    );
    assert!(d.message.contains("ends with '.'"), "{}", d.message);
}

/// RFC 5322 3.6.6: "the Resent-From: and Resent-Date: fields MUST be sent"; a
/// Resent-From with several mailboxes needs a Resent-Sender (the 3.6 table).
#[test]
fn resent_blocks_need_from_and_sender() {
    let date = "Resent-Date: Mon, 1 Jan 2024 00:00:00 +0000";
    let rules = |add: &[&str]| -> Vec<(&'static str, u32, &'static str)> {
        let r = run(&crlf(&with(&[], add, None)), None);
        r.diagnostics
            .iter()
            .map(|d| (d.rule, d.line, d.rfc))
            .collect()
    };
    assert_eq!(
        rules(&[date, "Resent-To: c@example.com"]),
        vec![("missing-from", 6, "RFC 5322 3.6.6")]
    );
    assert_eq!(
        rules(&[date, "Resent-From: c@example.com, d@example.com"]),
        vec![("sender-required", 7, "RFC 5322 3.6.6")]
    );
    // Near misses: a complete block; one mailbox; several with a Resent-Sender.
    assert_eq!(rules(&[date, "Resent-From: c@example.com"]), vec![]);
    // A mailing list's resent fields with its own fields among them (they SHOULD be
    // grouped, not must): one block up to the next trace field.
    assert_eq!(
        rules(&[
            "Resent-Message-ID: <r1@lists.example>",
            "Resent-From: list@lists.example",
            "X-Mailing-List: <list@lists.example>",
            "Precedence: list",
            "Resent-Sender: list-request@lists.example",
            date,
        ]),
        vec![]
    );
    // Two resendings, each under its trace field: the second lacks its From.
    assert_eq!(
        rules(&[
            "Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000",
            date,
            "Resent-From: c@example.com",
            "Received: from c by d; Mon, 1 Jan 2024 00:00:00 +0000",
            date,
        ]),
        vec![("missing-from", 10, "RFC 5322 3.6.6")]
    );
    assert_eq!(
        rules(&[
            date,
            "Resent-From: c@example.com, d@example.com",
            "Resent-Sender: c@example.com"
        ]),
        vec![]
    );
}

#[test]
fn date_and_trace_messages_fit_the_problem() {
    // The zone stuck to the time is not a bad second.
    let m = crlf(&with(
        &[("Date:", "Date: Thu, 26 Oct 2023 00:07:56+0900")],
        &[],
        None,
    ));
    let d = finding(&m, "invalid-date");
    assert!(
        d.message
            .contains("space is needed between the time and the zone"),
        "{}",
        d.message
    );
    // A Received: without its date gets a hint about the date, not about its form.
    let m = crlf(&with(&[], &["Received: from a by b"], None));
    let d = finding(&m, "obsolete-date");
    assert_eq!(d.rfc, "RFC 5322 4.5.7");
    assert!(d.hint.contains("date-time of receipt"), "{}", d.hint);
}

/// RFC 2047 3: an ISO-2022-JP word must switch back to ASCII before it ends. A subject
/// split in the middle of a JIS sequence is flagged once, and still reads as written
/// (decoded together with the next word, as lenient readers do).
#[test]
fn iso_2022_jp_word_left_in_jis_mode() {
    let subject = |s: &str| crlf(&with(&[("Subject:", s)], &[], None));
    let split =
        subject("Subject: =?ISO-2022-JP?B?GyRCRnxLXDhs?= =?ISO-2022-JP?B?JE4lYSE8JWsbKEI=?=");
    let r = run(&split, None);
    let d: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.severity, d.column, d.rfc))
        .collect();
    assert_eq!(
        d,
        vec![("invalid-encoded-word", Severity::Warning, 10, "RFC 2047 3")]
    );
    assert_eq!(r.header("subject").unwrap().decoded_value, "日本語のメール");
    // Near misses: each word closed; a G2 designation after the return to ASCII.
    let closed = subject(
        "Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\n =?ISO-2022-JP?B?GyRCJE4lYSE8JWsbKEI=?=",
    );
    let r = run(&closed, None);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(r.header("subject").unwrap().decoded_value, "日本語のメール");
    let g2 = subject("Subject: =?ISO-2022-JP-2?B?GyRCRnwbKEIbLkE=?=");
    let r = run(&g2, None);
    lacks(&r, "invalid-encoded-word");
    // A word left open before plain text is not joined with anything.
    let r = run(&subject("Subject: =?ISO-2022-JP?B?GyRCJCI=?= x"), None);
    assert_eq!(r.diagnostics.len(), 1, "{:#?}", r.diagnostics);
}

/// RFC 2047 2: "each line of a header field that contains one or more 'encoded-word's is
/// limited to 76 characters"; reported instead of the 78-character SHOULD.
#[test]
fn lines_with_encoded_words_are_limited_to_76() {
    let subject = |tail: usize| {
        crlf(&with(
            &[(
                "Subject:",
                &format!("Subject: =?utf-8?q?ab?= {}", "x".repeat(tail)),
            )],
            &[],
            None,
        ))
    };
    let rules = |m: &[u8]| -> Vec<(&'static str, u32, u32)> {
        run(m, None)
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.line, d.column))
            .collect()
    };
    // 76 characters: fine; 77 and 90: the encoded-word limit, from column 77.
    assert_eq!(rules(&subject(52)), vec![]);
    assert_eq!(rules(&subject(53)), vec![("encoded-word-too-long", 3, 77)]);
    assert_eq!(rules(&subject(66)), vec![("encoded-word-too-long", 3, 77)]);
    // Without an encoded word, or where none is read (Content-Type), only 78 counts.
    let plain = crlf(&with(
        &[("Subject:", &format!("Subject: {}", "x".repeat(68)))],
        &[],
        None,
    ));
    assert_eq!(rules(&plain), vec![]);
    let ct = crlf(&mime(
        &[&format!(
            "Content-Type: text/plain; charset=us-ascii; x=\"=?a?q?b?= {}\"",
            "y".repeat(12)
        )],
        "hi\n",
    ));
    assert!(
        rules(&ct).iter().all(|r| r.0 != "encoded-word-too-long"),
        "{:?}",
        rules(&ct)
    );
}

/// RFC 5322 3.6.7: `path = angle-addr / ([CFWS] "<" [CFWS] ">" [CFWS])`.
#[test]
fn return_path_is_one_angle_address_or_null() {
    let rules = |rp: &str| -> Vec<(&'static str, u32, u32)> {
        let r = run(&crlf(&with(&[], &[rp], None)), None);
        r.diagnostics
            .iter()
            .map(|d| (d.rule, d.line, d.column))
            .collect()
    };
    for ok in [
        "Return-Path: <a@example.com>",
        "Return-Path: <>",
        "Return-Path: < > (bounced)",
    ] {
        assert_eq!(rules(ok), vec![], "{ok}");
    }
    for bad in [
        "Return-Path: a@example.com",
        "Return-Path: <<garbage",
        "Return-Path: \"n\" <a@example.com>",
        "Return-Path: <a@example.com>, <b@example.com>",
    ] {
        assert_eq!(rules(bad), vec![("invalid-address", 6, 14)], "{bad}");
    }
    // The address inside is checked as any other.
    assert_eq!(rules("Return-Path: <a@b..example>")[0].0, "invalid-address");
}

/// RFC 2045 6.4: "if a composite entity has a transfer-encoding value such as '7bit', but
/// one of the enclosed entities has a less restrictive value such as '8bit', then ...
/// the outer '7bit' labelling is in error, because 8bit data are included".
#[test]
fn seven_bit_composite_around_8bit_data() {
    let part = "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\ncafé\n--b--\n";
    let found = |add: &[&str], body: &str| -> Vec<(&'static str, Severity, u32)> {
        let r = run(&crlf(&mime(add, body)), None);
        r.diagnostics
            .iter()
            .map(|d| (d.rule, d.severity, d.line))
            .collect()
    };
    let ct = "Content-Type: multipart/mixed; boundary=b";
    // Unlabelled (7bit by default), and labelled 7bit: at the field where the label goes.
    assert_eq!(
        found(&[ct], part),
        vec![("8bit-in-7bit", Severity::Info, 7)]
    );
    assert_eq!(
        found(&[ct, "Content-Transfer-Encoding: 7bit"], part),
        vec![("8bit-in-7bit", Severity::Info, 8)]
    );
    // Each 7bit level around it is mislabelled; a message/rfc822 too.
    let nested = format!("--a\nContent-Type: multipart/alternative; boundary=b\n\n{part}--a--\n");
    let r = found(&["Content-Type: multipart/mixed; boundary=a"], &nested);
    assert_eq!(
        r.iter().filter(|d| d.0 == "8bit-in-7bit").count(),
        2,
        "{r:?}"
    );
    let inner = "From: a@example.com\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\ncafé\n";
    let r = found(&["Content-Type: message/rfc822"], inner);
    assert_eq!(r, vec![("8bit-in-7bit", Severity::Info, 7)]);
    // Near misses: the composite labelled 8bit; an 8bit-labelled part that is ASCII.
    assert_eq!(
        found(&[ct, "Content-Transfer-Encoding: 8bit"], part),
        vec![]
    );
    assert_eq!(found(&[ct], &part.replace("café", "cafe")), vec![]);
}

/// RFC 2045 6.7 (2): only safe-chars (33-60, 62-126) stand for themselves, with spaces and
/// tabs (3); a literal DEL or control character must be =XX-encoded.
#[test]
fn qp_literal_control_characters() {
    let qp = |body: &str| {
        let m = crlf(&mime(
            &[
                "Content-Type: text/plain; charset=us-ascii",
                "Content-Transfer-Encoding: quoted-printable",
            ],
            body,
        ));
        let r = run(&m, None);
        r.diagnostics
            .iter()
            .map(|d| (d.rule, d.line, d.column, d.message.to_string()))
            .collect::<Vec<_>>()
    };
    let r = qp("abc\u{7f}\n");
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!((r[0].0, r[0].1, r[0].2), ("qp-invalid-escape", 10, 4));
    assert!(r[0].3.contains("=7F"), "{}", r[0].3);
    assert_eq!(qp("a\u{1b}b\n").len(), 1);
    assert_eq!(qp("a\tb =7F\n"), vec![]);
}

/// A file saved as UTF-16 is no message: one finding that says so, instead of a NUL and a
/// garbled field name per line.
#[test]
fn utf16_file_is_one_finding() {
    let text = "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let with_bom = |bom: [u8; 2], b: &[u8]| [&bom[..], b].concat();
    for (input, at) in [
        (with_bom([0xff, 0xfe], &le), (0, 2)),
        (with_bom([0xfe, 0xff], &be), (0, 2)),
        (le.clone(), (1, 2)),
        (be.clone(), (0, 1)),
    ] {
        let r = run(&input, None);
        let d: Vec<_> = r
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.start, d.end, d.line, d.column))
            .collect();
        assert_eq!(d, vec![("invalid-utf8", at.0, at.1, 1, 1 + at.0 as u32)]);
        assert!(r.diagnostics[0].message.contains("UTF-16"));
    }
    // Near miss: a message with a NUL in it is still read as a message.
    let r = run(
        &crlf(&with(&[("Subject:", "Subject: a\0b")], &[], None)),
        None,
    );
    assert!(
        r.diagnostics.iter().any(|d| d.rule == "nul-byte"),
        "{:#?}",
        r.diagnostics
    );
}

/// Review mends: "=?" in a URL is no encoded word; a part with an unknown encoding is not
/// "labelled 8bit"; ISO-2022-JP words ending in JIS-Roman garble nothing.
#[test]
fn near_misses_from_review() {
    let url = format!("Subject: see https://example.com/?a=?b {}", "x".repeat(30));
    let r = run(&crlf(&with(&[("Subject:", &url)], &[], None)), None);
    lacks(&r, "encoded-word-too-long");
    let unknown = "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: x-custom\n\ncafé\n--b--\n";
    let r = run(
        &crlf(&mime(
            &["Content-Type: multipart/mixed; boundary=b"],
            unknown,
        )),
        None,
    );
    assert!(
        r.diagnostics
            .iter()
            .all(|d| !d.message.contains("labelled 8bit")),
        "{:#?}",
        r.diagnostics
    );
    // ESC $ B <two JIS chars> ESC ( J
    let roman = "Subject: =?ISO-2022-JP?B?GyRCRnxLXBsoSg==?=";
    let r = run(&crlf(&with(&[("Subject:", roman)], &[], None)), None);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}
