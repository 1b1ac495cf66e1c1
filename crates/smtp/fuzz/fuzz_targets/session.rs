//! A session on arbitrary bytes, cut in two at an arbitrary point: never panics, always
//! answers with reply lines, and the cut does not change the replies (chunking invariance).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailroom_smtp::{profile, Session};

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let cut = data[0] as usize % data.len();
    let input = &data[1..];
    let cut = cut.min(input.len());
    for name in ["everything", "lmtp"] {
        let cfg = profile::profile(name).expect("profile");
        let mut whole = Session::new(cfg.clone(), 0);
        whole.handle_input(0, input);
        let mut split = Session::new(cfg, 0);
        split.handle_input(0, &input[..cut]);
        split.handle_input(0, &input[cut..]);
        let a = whole.poll_transmit().unwrap_or_default();
        let b = split.poll_transmit().unwrap_or_default();
        // STARTTLS discards what was pipelined after it, which depends on the cut.
        if !input.windows(8).any(|w| w.eq_ignore_ascii_case(b"STARTTLS")) {
            assert_eq!(a, b);
        }
        assert!(a.is_empty() || a.ends_with(b"\r\n"));
    }
});
