//! Properties of the session: chunking invariance, no panics, bounded memory.
#![cfg(not(target_arch = "wasm32"))]

use mailroom_smtp::transcript::{Fixture, Step};
use mailroom_smtp::{profile, Config, Event, Session};
use proptest::prelude::*;
use std::path::Path;

/// Every fixture's configuration and client bytes, as segments: a client waits for the
/// 220 after STARTTLS (the server discards what was pipelined after it), so each segment
/// ends at a STARTTLS line.
fn dialogues() -> Vec<(String, Config, Vec<Vec<u8>>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogues");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dialogues").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("fixture");
        let f = Fixture::parse(&text).expect("fixture parses");
        let mut cfg = f.config().expect("fixture config");
        // Strict pipelining depends on what arrived together, by design; everything else
        // must not depend on chunking.
        cfg.policy.strict_pipelining = false;
        let mut segments = vec![Vec::new()];
        for (_, step) in &f.steps {
            if let Step::Client(b) = step {
                segments
                    .last_mut()
                    .expect("one segment")
                    .extend_from_slice(b);
                if b.eq_ignore_ascii_case(b"STARTTLS\r\n") {
                    segments.push(Vec::new());
                }
            }
        }
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            cfg,
            segments,
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn run(cfg: &Config, chunks: &[&[u8]]) -> (Vec<u8>, Vec<Event>) {
    let mut s = Session::new(cfg.clone(), 1_000);
    for c in chunks {
        s.handle_input(1_000, c);
    }
    let mut events = Vec::new();
    while let Some(e) = s.poll_event() {
        events.push(e);
    }
    (s.poll_transmit().unwrap_or_default(), events)
}

fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts {
        out.push(&bytes[start..c]);
        start = c;
    }
    out.push(&bytes[start..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_chunking_gives_the_same_outputs(cuts in proptest::collection::vec(any::<usize>(), 0..40)) {
        for (name, cfg, segments) in dialogues() {
            let whole_refs: Vec<&[u8]> = segments.iter().map(Vec::as_slice).collect();
            let whole = run(&cfg, &whole_refs);
            let pieces: Vec<&[u8]> = segments.iter().flat_map(|s| split(s, &cuts)).collect();
            let chunked = run(&cfg, &pieces);
            prop_assert_eq!(&chunked.0, &whole.0, "{}: replies differ", name);
            prop_assert_eq!(&chunked.1, &whole.1, "{}: events differ", name);
        }
    }

    #[test]
    fn arbitrary_bytes_get_rfc_replies_never_a_panic(
        data in proptest::collection::vec(any::<u8>(), 0..3000),
        cuts in proptest::collection::vec(any::<usize>(), 0..10),
        prefix in prop::sample::select(vec!["", "EHLO x.example\r\n", "EHLO x.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n", "EHLO x.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nBDAT 100\r\n", "LHLO x\r\n"]),
    ) {
        for p in ["everything", "lmtp", "rfc821"] {
            let cfg = profile::profile(p).expect("profile");
            let mut input = prefix.as_bytes().to_vec();
            input.extend_from_slice(&data);
            let (wire, events) = run(&cfg, &split(&input, &cuts));
            for e in &events {
                if let Event::Reply(r) = e {
                    // RFC 2034: never on 3xx, never on the greeting or EHLO reply, class = code.
                    if let Some(enh) = r.enhanced {
                        prop_assert!(r.code / 100 != 3, "enhanced code on {}", r.code);
                        prop_assert_eq!(u16::from(enh.class), r.code / 100);
                        prop_assert!(!matches!(r.rule, "greeting" | "ehlo-ok" | "lhlo-ok" | "helo-ok"));
                    }
                }
            }
            let text = String::from_utf8_lossy(&wire);
            for line in text.split_terminator("\r\n") {
                let code = line.get(..3).and_then(|c| c.parse::<u16>().ok());
                prop_assert!(code.is_some_and(|c| (200..600).contains(&c)), "not a reply line: {:?}", line);
                prop_assert!(matches!(line.as_bytes().get(3), Some(b' ' | b'-') | None));
            }
        }
    }
}

#[test]
fn a_10_mb_line_without_crlf_is_refused_without_buffering_it() {
    let mut s = Session::new(profile::profile("foo-edu").expect("profile"), 0);
    let chunk = vec![b'A'; 64 * 1024];
    let mut peak = 0;
    for _ in 0..160 {
        s.handle_input(0, &chunk);
        peak = peak.max(s.buffered_bytes());
    }
    s.handle_input(0, b"\r\nNOOP\r\n");
    let wire = String::from_utf8(s.poll_transmit().unwrap_or_default()).expect("ascii");
    assert!(peak <= 64 * 1024 + 1, "buffered {peak} octets");
    assert!(wire.ends_with("500 Line too long\r\n250 OK\r\n"), "{wire}");
}

#[test]
fn message_memory_is_bounded_by_the_size_limit() {
    let mut cfg = profile::profile("foo-edu").expect("profile");
    cfg.limits.max_message_size = 100_000;
    let mut s = Session::new(cfg, 0);
    s.handle_input(
        0,
        b"EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n",
    );
    let line = [vec![b'x'; 998], b"\r\n".to_vec()].concat();
    let mut peak = 0;
    for _ in 0..2_000 {
        s.handle_input(0, &line);
        peak = peak.max(s.buffered_bytes());
    }
    s.handle_input(0, b".\r\n");
    let wire = String::from_utf8(s.poll_transmit().unwrap_or_default()).expect("ascii");
    assert!(
        peak <= 100_000 + 1000,
        "buffered {peak} octets for a 2 MB message"
    );
    assert!(
        wire.ends_with("552 Message size exceeds fixed maximum message size\r\n"),
        "{wire}"
    );
}

#[test]
fn each_smuggling_vector_alone_never_ends_data() {
    for vector in [
        &b"\n.\n"[..],
        b"\n.\r\n",
        b"\r.\r",
        b"\r\n\x00.\r\n",
        b"\r\n.\n",
        b"\n.\r",
    ] {
        let mut s = Session::new(profile::profile("foo-edu").expect("profile"), 0);
        s.handle_input(
            0,
            b"EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nx",
        );
        s.handle_input(0, vector);
        s.handle_input(0, b"MAIL FROM:<evil@b.example>\r\n");
        assert_eq!(
            s.state(),
            mailroom_smtp::State::Data,
            "{vector:?} ended DATA"
        );
        s.handle_input(0, b"\r\n.\r\n");
        let wire = String::from_utf8(s.poll_transmit().unwrap_or_default()).expect("ascii");
        let expected = if vector.contains(&0) {
            "250 OK\r\n" // a NUL is not a line ending: one message, the "MAIL" is its text
        } else {
            "550 Error: bare <LF> or <CR> received; lines end with CRLF\r\n"
        };
        assert!(wire.ends_with(expected), "{vector:?}: {wire}");
    }
}

#[test]
fn next_commands_follow_the_state() {
    let mut s = Session::new(profile::profile("everything").expect("profile"), 0);
    let verbs = |s: &Session| s.next_commands().iter().map(|h| h.verb).collect::<Vec<_>>();
    assert!(verbs(&s).contains(&"EHLO") && !verbs(&s).contains(&"MAIL"));
    s.handle_input(0, b"EHLO x.example\r\n");
    let v = verbs(&s);
    assert!(
        v.contains(&"MAIL") && v.contains(&"STARTTLS") && !v.contains(&"AUTH"),
        "{v:?}"
    );
    s.handle_input(0, b"STARTTLS\r\n");
    s.handle_input(0, b"EHLO x.example\r\n");
    let v = verbs(&s);
    assert!(v.contains(&"AUTH") && !v.contains(&"STARTTLS"), "{v:?}");
    s.handle_input(0, b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n");
    let v = verbs(&s);
    assert!(
        v.contains(&"DATA") && v.contains(&"BDAT") && v.contains(&"RCPT"),
        "{v:?}"
    );
    for hint in s.next_commands() {
        assert!(!hint.syntax.is_empty() && !hint.example.is_empty());
    }
}

proptest! {
    /// `transcript::directives` rebuilds any config the settings can make, exactly.
    #[test]
    fn directives_rebuild_the_config(
        profile in proptest::sample::select(mailroom_smtp::profile::PROFILES.iter().map(|p| p.name).collect::<Vec<_>>()),
        lmtp in any::<bool>(),
        host in "[a-z]{1,8}\\.example",
        strict_pipelining in any::<bool>(),
        normalize in any::<bool>(),
        max_recipients in 1u32..500,
        max_size in 1u64..100_000_000,
        mailboxes in proptest::collection::vec(("[a-z]{1,6}", 0usize..6), 0..4),
        fault in proptest::option::of(Just("on RCPT matching *@spam.example reply 550 5.7.1 Blocked")),
    ) {
        use mailroom_smtp::config::{MailboxConfig, MailboxState};
        use mailroom_smtp::transcript::{directives, Fixture};
        let mut c = mailroom_smtp::profile::profile(profile).expect("profile");
        c.mode = if lmtp { mailroom_smtp::Mode::Lmtp } else { mailroom_smtp::Mode::Smtp };
        c.hostname = host;
        c.policy.strict_pipelining = strict_pipelining;
        if normalize {
            c.policy.bare_lf = mailroom_smtp::framing::BareLfPolicy::Normalize;
        }
        c.limits.max_recipients = max_recipients;
        c.limits.max_message_size = max_size;
        for (local, state) in mailboxes {
            c.mailboxes.push(MailboxConfig {
                address: format!("{local}@foo.example"),
                state: MailboxState::ALL[state % MailboxState::ALL.len()],
            });
        }
        if let Some(f) = fault {
            c.faults.push(f.parse().expect("fault"));
        }
        let text: String = directives(&c).iter().map(|d| format!("! {d}\n")).collect();
        let back = Fixture::parse(&text).and_then(|f| f.config());
        prop_assert_eq!(back, Ok(c), "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Lines shaped like commands, with any text after the verb (a '<' without '>', a
    /// multi-byte character at the end...), get a reply, never a panic, in strict and
    /// lenient syntax.
    #[test]
    fn command_shaped_lines_never_panic(
        verb in prop::sample::select(vec!["MAIL FROM:", "RCPT TO:", "MAIL FROM: ", "RCPT TO: ", "RCPT TO:<", "MAIL FROM:<", "VRFY ", "EHLO ", "BDAT ", "AUTH PLAIN ", "HELP "]),
        arg in prop_oneof!["\\PC{0,40}", "[<>\"@.:, a-z\u{3042}-\u{3093}]{0,30}"],
    ) {
        for p in ["everything", "rfc821"] {
            for lenient in [false, true] {
                let mut cfg = profile::profile(p).expect("profile");
                if lenient {
                    cfg.policy.syntax = mailroom_smtp::config::SyntaxPolicy::Lenient;
                }
                let input = format!("EHLO x.example\r\nMAIL FROM:<a@b.example>\r\n{verb}{arg}\r\nQUIT\r\n");
                let (wire, _) = run(&cfg, &[input.as_bytes()]);
                prop_assert!(String::from_utf8_lossy(&wire).contains("221"), "no reply to QUIT after {:?}", input);
            }
        }
    }
}

#[test]
fn rcpt_without_closing_bracket_is_a_syntax_error() {
    for line in [
        "RCPT TO:<",
        "RCPT TO:<\u{7530}\u{4e2d}@\u{4f8b}\u{3048}.jp",
        "RCPT TO:<a@b.example",
    ] {
        let cfg = profile::profile("everything").expect("profile");
        let input = format!("EHLO x.example\r\nMAIL FROM:<a@b.example>\r\n{line}\r\n");
        let (wire, _) = run(&cfg, &[input.as_bytes()]);
        let text = String::from_utf8_lossy(&wire);
        let last = text.trim_end().lines().last().unwrap_or("");
        assert!(last.starts_with("501"), "{line}: {text}");
    }
}
