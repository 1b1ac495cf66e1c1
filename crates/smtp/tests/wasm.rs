//! The protocol core in a real browser (headless Chromium via wasm-bindgen-test): the
//! same dialogue fixtures as the native tests, and chunking invariance.
#![cfg(target_arch = "wasm32")]

use mailroom_smtp::transcript::Fixture;
use mailroom_smtp::{profile, Session};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURES: &[(&str, &str)] = &[
    (
        "bare-lf-normalize",
        include_str!("../dialogues/bare-lf-normalize.txt"),
    ),
    ("chunking", include_str!("../dialogues/chunking.txt")),
    (
        "dsn-smtputf8",
        include_str!("../dialogues/dsn-smtputf8.txt"),
    ),
    ("eight-bit", include_str!("../dialogues/eight-bit.txt")),
    (
        "extensions-misc",
        include_str!("../dialogues/extensions-misc.txt"),
    ),
    ("faults", include_str!("../dialogues/faults.txt")),
    (
        "helo-and-classic",
        include_str!("../dialogues/helo-and-classic.txt"),
    ),
    ("lenient", include_str!("../dialogues/lenient.txt")),
    (
        "lmtp-refusals",
        include_str!("../dialogues/lmtp-refusals.txt"),
    ),
    ("long-lines", include_str!("../dialogues/long-lines.txt")),
    (
        "reply-table-errors",
        include_str!("../dialogues/reply-table-errors.txt"),
    ),
    (
        "reply-table-limits",
        include_str!("../dialogues/reply-table-limits.txt"),
    ),
    (
        "reply-table-mailboxes",
        include_str!("../dialogues/reply-table-mailboxes.txt"),
    ),
    (
        "reply-table-pipelining",
        include_str!("../dialogues/reply-table-pipelining.txt"),
    ),
    (
        "reply-table-sequence",
        include_str!("../dialogues/reply-table-sequence.txt"),
    ),
    (
        "reply-table-syntax",
        include_str!("../dialogues/reply-table-syntax.txt"),
    ),
    (
        "reply-table-tls-auth",
        include_str!("../dialogues/reply-table-tls-auth.txt"),
    ),
    ("smuggling", include_str!("../dialogues/smuggling.txt")),
    (
        "talk-basic-smtp",
        include_str!("../dialogues/talk-basic-smtp.txt"),
    ),
    ("talk-lmtp", include_str!("../dialogues/talk-lmtp.txt")),
    (
        "talk-rfc2034",
        include_str!("../dialogues/talk-rfc2034.txt"),
    ),
    (
        "talk-smtp-vs-lmtp",
        include_str!("../dialogues/talk-smtp-vs-lmtp.txt"),
    ),
];

#[wasm_bindgen_test]
fn dialogue_fixtures_pass_in_the_browser() {
    for (name, text) in FIXTURES {
        if let Err(e) = Fixture::parse(text).and_then(|f| f.run().map(|_| ())) {
            panic!("{name}: {e}");
        }
    }
}

#[wasm_bindgen_test]
fn the_talks_transaction_is_the_same_in_any_chunking() {
    let input: &[u8] = b"EHLO host.foo.edu\r\nMAIL FROM:<chris@foo.edu>\r\nRCPT TO:<pat@bar.com>\r\nDATA\r\nBlah\r\n.\r\nQUIT\r\n";
    let whole = run(&[input]);
    assert!(whole.starts_with("220 foo.edu SMTP server ready\r\n250-foo.edu\r\n"));
    assert!(whole.ends_with("221 foo.edu closing connection\r\n"));
    for split in 1..input.len() {
        assert_eq!(
            run(&[&input[..split], &input[split..]]),
            whole,
            "split at {split}"
        );
    }
}

fn run(chunks: &[&[u8]]) -> String {
    let mut s = Session::new(profile::profile("foo-edu").expect("profile"), 0);
    for c in chunks {
        s.handle_input(0, c);
    }
    String::from_utf8(s.poll_transmit().unwrap_or_default()).expect("ascii replies")
}
