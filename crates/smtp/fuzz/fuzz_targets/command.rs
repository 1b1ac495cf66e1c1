//! The command parser on any line, strict and lenient: never panics, and what parses
//! strictly also parses leniently to the same command.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailroom_smtp::syntax::{parse_command, Strictness};

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    let strict = parse_command(line, Strictness::Strict);
    let lenient = parse_command(line, Strictness::Lenient);
    if let Ok((cmd, _)) = strict {
        assert_eq!(lenient.map(|(c, _)| c), Ok(cmd));
    }
});
