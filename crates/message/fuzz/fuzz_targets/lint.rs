//! The validator on any bytes, without and with an envelope: never panics, and every
//! position it reports is one a user can be pointed at: inside the input, sorted, and
//! with the line and column that the byte offset has (lines end at LF, columns count
//! bytes from 1, as the JSON schema says).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailroom_message::{lint, BodyType, Envelope, LintOptions, MimeNode};

/// (line, column) of byte offset `at`, counted the slow, obvious way.
fn position(input: &[u8], at: usize) -> (u32, u32) {
    let before = &input[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    (line as u32, (at - line_start + 1) as u32)
}

fn check_node(input: &[u8], n: &MimeNode<'_>) {
    assert!(n.start <= n.body_start && n.body_start <= n.end && n.end <= input.len());
    assert_eq!(position(input, n.start).0, n.line, "node line");
    for h in &n.headers {
        assert!(h.start <= h.end && h.end <= input.len());
        assert_eq!(position(input, h.start).0, h.line, "part header line");
    }
    for c in &n.children {
        assert!(n.start <= c.start && c.end <= n.end, "child inside its parent");
        check_node(input, c);
    }
}

fn check(input: &[u8], opts: &LintOptions) {
    let r = lint(input, opts);
    for d in &r.diagnostics {
        assert!(d.start <= d.end && d.end <= input.len(), "{d:?}");
        assert_eq!((d.line, d.column), position(input, d.start), "{d:?}");
        assert!(!d.message.is_empty() && !d.message_ja.is_empty(), "{d:?}");
    }
    for w in r.diagnostics.windows(2) {
        let key = |d: &mailroom_message::Diagnostic| (d.start, d.end, d.rule);
        assert!(key(&w[0]) <= key(&w[1]), "sorted by range, then rule: {w:?}");
    }
    for h in &r.headers {
        assert!(h.start <= h.end && h.end <= input.len());
        assert_eq!(position(input, h.start).0, h.line, "header line");
    }
    if let Some(root) = &r.mime {
        check_node(input, root);
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, &LintOptions::default());
    let envelope = Envelope {
        mail_from: "sender@example.com".into(),
        rcpt_to: vec!["a@example.com".into(), "b@example.jp".into()],
        body: BodyType::SevenBit,
        smtputf8: false,
    };
    check(data, &LintOptions { envelope: Some(envelope) });
});
