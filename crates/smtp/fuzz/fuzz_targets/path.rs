//! The path parser: never panics; a parsed mailbox prints back to a path that parses to
//! the same mailbox (round trip).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailroom_smtp::syntax::path::parse_path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = parse_path(text) {
        let again = parse_path(&format!("<{m}>")).expect("a printed mailbox parses");
        assert_eq!(again, m);
    }
});
