//! The validator on any bytes, without and with an envelope: never panics, and every
//! position it reports is one a user can be pointed at (`tests/support/positions.rs`:
//! inside the input, sorted, with the line and column of its byte offset).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailroom_message::{lint, BodyType, Envelope, LintOptions};

#[path = "../../tests/support/positions.rs"]
mod positions;

fn check(input: &[u8], opts: &LintOptions) {
    if let Err(e) = positions::check(input, &lint(input, opts)) {
        panic!("{e}");
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
