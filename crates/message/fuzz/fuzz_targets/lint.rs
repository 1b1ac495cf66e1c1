//! The validator on any bytes, without and with an envelope: never panics, every
//! position it reports is one a user can be pointed at (`tests/support/positions.rs`:
//! inside the input, sorted, with the line and column of its byte offset), and the
//! findings-only run finds the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailroom_message::{lint, BodyType, Envelope, LintOptions};

#[path = "../../tests/support/positions.rs"]
mod positions;

fn check(input: &[u8], opts: &LintOptions) {
    let full = lint(input, opts);
    if let Err(e) = positions::check(input, &full) {
        panic!("{e}");
    }
    // `mailroom lint`'s findings-only run finds the same.
    let only = lint(input, &LintOptions { findings_only: true, ..opts.clone() });
    assert_eq!(only.diagnostics, full.diagnostics);
    assert_eq!(only.suppressed, full.suppressed);
}

fuzz_target!(|data: &[u8]| {
    check(data, &LintOptions::default());
    let envelope = Envelope {
        mail_from: "sender@example.com".into(),
        rcpt_to: vec!["a@example.com".into(), "b@example.jp".into()],
        body: BodyType::SevenBit,
        smtputf8: false,
    };
    check(
        data,
        &LintOptions {
            envelope: Some(envelope),
            ..LintOptions::default()
        },
    );
});
