//! Session behaviour that a transcript cannot show: time, real TLS, events and deliveries.
#![cfg(not(target_arch = "wasm32"))]

use mailroom_smtp::{profile, Event, Session, State};

fn wire(s: &mut Session) -> String {
    String::from_utf8(s.poll_transmit().unwrap_or_default()).expect("ascii")
}

fn events(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

#[test]
fn time_is_an_input_and_the_server_times_out() {
    let mut s = Session::new(profile::profile("foo-edu").expect("profile"), 1_000);
    assert_eq!(
        s.poll_timeout(),
        Some(1_000 + 300_000),
        "RFC 5321 4.5.3.2.7: 5 minutes"
    );
    s.handle_timeout(200_000);
    assert!(!s.is_closed());
    s.handle_input(
        250_000,
        b"EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n",
    );
    assert_eq!(
        s.poll_timeout(),
        Some(250_000 + 180_000),
        "data block: 3 minutes"
    );
    let _ = wire(&mut s);
    s.handle_timeout(430_000);
    assert!(s.is_closed());
    assert!(wire(&mut s).starts_with("421 foo.edu Error: timeout exceeded"));
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn real_tls_waits_for_the_handshake_and_drops_pipelined_plaintext() {
    let mut cfg = profile::profile("gmail").expect("profile");
    cfg.policy.simulate_tls = false;
    let mut s = Session::new(cfg, 0);
    s.handle_input(0, b"EHLO x\r\n");
    let _ = events(&mut s);
    // An attacker-injected command pipelined after STARTTLS (CVE-2011-0411) is discarded.
    s.handle_input(0, b"STARTTLS\r\nMAIL FROM:<evil@b.example>\r\n");
    let ev = events(&mut s);
    assert!(ev.contains(&Event::StartTls));
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::Warning(w) if w.detail.contains("discarded"))));
    assert_eq!(s.state(), State::TlsNegotiation);
    assert!(wire(&mut s).ends_with("220 2.0.0 Ready to start TLS\r\n"));
    s.handle_tls_established(0);
    assert_eq!(s.state(), State::Connected);
    assert!(s.flags().tls && !s.flags().esmtp);
    s.handle_input(0, b"EHLO x\r\n");
    let after = wire(&mut s);
    assert!(!after.contains("STARTTLS"), "{after}");
    assert_eq!(
        s.state(),
        State::Greeted,
        "no transaction from the injected MAIL"
    );
    s.handle_input(0, b"RCPT TO:<x@d.example>\r\n");
    assert!(
        wire(&mut s).starts_with("503 "),
        "RCPT before MAIL inside TLS"
    );
}

#[test]
fn a_delivery_carries_envelope_trace_fields_and_per_recipient_results() {
    let mut s = Session::new(
        profile::profile("lmtp").expect("profile"),
        1_795_813_480_000,
    );
    s.handle_input(
        1_795_813_480_000,
        b"LHLO c.example\r\nMAIL FROM:<chris@bar.com>\r\nRCPT TO:<pat@foo.edu>\r\nRCPT TO:<green@foo.edu>\r\nDATA\r\nSubject: t\r\n\r\nhi\r\n.\r\n",
    );
    let ev = events(&mut s);
    let d = ev
        .iter()
        .find_map(|e| match e {
            Event::Delivered(d) => Some(d.clone()),
            _ => None,
        })
        .expect("a delivery");
    assert_eq!(d.with, "LMTP");
    assert_eq!(d.recipients.len(), 2);
    assert!(d.recipients[0].delivered && d.recipients[0].code == 250);
    assert!(!d.recipients[1].delivered && d.recipients[1].code == 452);
    let text = String::from_utf8(d.data).expect("utf8");
    assert!(text.starts_with("Return-Path: <chris@bar.com>\r\nReceived: from c.example (client.example [192.0.2.10])\r\n\tby foo.edu (Mailroom) with LMTP id "));
    assert!(
        text.contains(";\r\n\tFri, 27 Nov 2026 21:04:40 +0000\r\nSubject: t\r\n\r\nhi\r\n"),
        "{text}"
    );
    assert!(!text.contains("for <"), "two recipients: no for clause");
    // per-recipient replies name their recipient, in RCPT order
    let per: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Reply(r) if r.recipient.is_some() => Some((r.code, r.recipient.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        per,
        vec![
            (250, Some("pat@foo.edu".into())),
            (452, Some("green@foo.edu".into()))
        ]
    );
    let env = s.last_envelope().expect("envelope kept");
    assert_eq!(
        env.recipients.iter().map(|r| r.result).collect::<Vec<_>>(),
        vec![Some(250), Some(452)]
    );
}

#[test]
fn every_transition_is_a_legal_edge() {
    let mut s = Session::new(profile::profile("everything").expect("profile"), 0);
    s.handle_input(0, b"EHLO x\r\nSTARTTLS\r\n");
    s.handle_input(0, b"EHLO x\r\nAUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nBDAT 3 LAST\r\nabcQUIT\r\n");
    let mut seen = 0;
    for e in events(&mut s) {
        if let Event::Transition { from, to, .. } = e {
            assert!(from.can_move_to(to) || from == to, "{from:?} -> {to:?}");
            seen += 1;
        }
    }
    assert!(seen >= 8, "only {seen} transitions");
    assert!(s.is_closed());
}

fn delivered(ev: &[Event]) -> Option<&mailroom_smtp::Delivery> {
    ev.iter().find_map(|e| match e {
        Event::Delivered(d) => Some(d),
        _ => None,
    })
}

const TRANSACTION: &[u8] =
    b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@d.example>\r\n\
RCPT TO:<y@d.example>\r\nDATA\r\nSubject: t\r\n\r\nbody\r\n.\r\nQUIT\r\n";

#[test]
fn external_delivery_replies_250_only_after_the_driver_stored_the_message() {
    let mut cfg = profile::profile("everything").expect("profile");
    cfg.policy.external_delivery = true;
    let mut s = Session::new(cfg, 0);
    s.handle_input(0, TRANSACTION);
    let ev = events(&mut s);
    let d = delivered(&ev).expect("the message is handed to the driver");
    assert_eq!(d.recipients.len(), 2);
    let out = wire(&mut s);
    assert!(
        out.ends_with("354 Start mail input; end with <CRLF>.<CRLF>\r\n"),
        "{out}"
    );
    assert_eq!(s.state(), State::Data, "waiting for the driver");
    assert_eq!(
        s.poll_timeout(),
        None,
        "the wait is the server's, not the client's"
    );
    s.handle_delivery(5, &[true, true]);
    let out = wire(&mut s);
    assert!(out.starts_with("250 2.6.0 "), "{out}");
    assert!(
        out.contains("\r\n221 "),
        "the pipelined QUIT runs after the reply: {out}"
    );
    assert!(s.is_closed());
}

#[test]
fn external_delivery_failure_is_452_4_3_1_and_nothing_is_acknowledged() {
    let mut cfg = profile::profile("everything").expect("profile");
    cfg.policy.external_delivery = true;
    let mut s = Session::new(cfg, 0);
    s.handle_input(0, TRANSACTION);
    let _ = (events(&mut s), wire(&mut s));
    // One of two files could not be written: SMTP has one reply, so it is 452 for all.
    s.handle_delivery(5, &[true, false]);
    let out = wire(&mut s);
    assert!(
        out.starts_with("452 4.3.1 Requested action not taken: insufficient system storage\r\n"),
        "{out}"
    );
    let env = s.last_envelope().expect("envelope");
    assert!(env.recipients.iter().all(|r| r.result == Some(452)));
}

#[test]
fn lmtp_external_delivery_fails_only_the_recipients_not_stored() {
    let mut cfg = profile::profile("lmtp").expect("profile");
    cfg.policy.external_delivery = true;
    let mut s = Session::new(cfg, 0);
    s.handle_input(
        0,
        b"LHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<pat@foo.edu>\r\n\
RCPT TO:<green@foo.edu>\r\nRCPT TO:<pat@foo.edu>\r\nDATA\r\nx\r\n.\r\n",
    );
    let ev = events(&mut s);
    let d = delivered(&ev).expect("delivery");
    // green is over quota at DATA: not delivered, so its flag is not looked at.
    let flags: Vec<bool> = d.recipients.iter().map(|r| r.delivered).collect();
    assert_eq!(flags, [true, false, true]);
    let _ = wire(&mut s);
    s.handle_delivery(1, &[false, true, true]);
    let out = wire(&mut s);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "one reply per RCPT, in order: {out}");
    assert!(lines[0].starts_with("452 4.3.1 <pat@foo.edu> "), "{out}");
    assert!(lines[1].starts_with("452 4.2.2 <green@foo.edu> "), "{out}");
    assert!(lines[2].starts_with("250 2.1.5 "), "{out}");
}

#[test]
fn shutdown_lets_the_transaction_finish_then_says_421() {
    let mut s = Session::new(profile::profile("everything").expect("profile"), 0);
    s.handle_input(
        0,
        b"EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@d.example>\r\n",
    );
    let _ = wire(&mut s);
    s.handle_shutdown(1);
    assert!(!s.is_closed(), "a transaction is open");
    assert_eq!(wire(&mut s), "");
    s.handle_input(2, b"DATA\r\nhi\r\n.\r\n");
    let out = wire(&mut s);
    assert!(
        out.ends_with(
            "250 2.6.0 Message accepted\r\n\
421 4.3.2 mailroom.example Service shutting down, closing transmission channel\r\n"
        ),
        "{out}"
    );
    assert!(s.is_closed());

    // Idle: at once.
    let mut idle = Session::new(profile::profile("everything").expect("profile"), 0);
    idle.handle_input(0, b"EHLO c\r\n");
    let _ = wire(&mut idle);
    idle.handle_shutdown(1);
    assert!(wire(&mut idle).starts_with("421 4.3.2 "));
    assert!(idle.is_closed());
}

#[test]
fn a_busy_server_says_421_without_an_enhanced_code_instead_of_the_greeting() {
    let mut s = Session::new_busy(profile::profile("everything").expect("profile"), 0);
    let out = wire(&mut s);
    assert!(
        out.starts_with("421 ") && !out.starts_with("421 4."),
        "{out}"
    );
    assert!(out.contains("Too many connections"));
    assert!(s.is_closed());
    assert!(events(&mut s).contains(&Event::Close));
}

#[test]
fn a_command_dribbled_one_byte_at_a_time_still_times_out() {
    // Slowloris: every byte arrives within the timeout, but the command never completes.
    let mut s = Session::new(profile::profile("everything").expect("profile"), 0);
    let timeout = s.config().limits.command_timeout_ms;
    let mut now = 0;
    for b in b"EHLO slow.example".iter().cycle().take(400) {
        now += 1_000;
        s.handle_timeout(now);
        if s.is_closed() {
            break;
        }
        s.handle_input(now, &[*b]);
    }
    assert!(s.is_closed());
    assert_eq!(
        now, timeout,
        "the wait began at the greeting, not at the last byte"
    );
    assert!(wire(&mut s).contains("421 mailroom.example Error: timeout exceeded"));
}

#[test]
fn message_content_earns_time_at_the_minimum_data_rate() {
    let mut s = Session::new(profile::profile("everything").expect("profile"), 0);
    s.handle_input(
        0,
        b"EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@d.example>\r\nDATA\r\n",
    );
    let limits = s.config().limits.clone();
    assert_eq!(limits.min_data_rate, 500, "Postfix's smtpd_min_data_rate");
    assert_eq!(s.poll_timeout(), Some(limits.data_timeout_ms));
    // A brisk block moves the deadline to a full data timeout from now.
    s.handle_input(1_000, &[b'x'; 200_000]);
    assert_eq!(s.poll_timeout(), Some(1_000 + limits.data_timeout_ms));
    // One byte a second earns 2 ms a second: the deadline barely moves, and it runs out.
    let mut now = 1_000;
    while !s.is_closed() {
        now += 1_000;
        s.handle_timeout(now);
        if !s.is_closed() {
            s.handle_input(now, b"y");
        }
        assert!(now < 1_000 + 2 * limits.data_timeout_ms, "never timed out");
    }
    let cut = now - 1_000;
    assert!(
        cut < limits.data_timeout_ms + 2_000,
        "cut off after {cut} ms"
    );
    assert!(wire(&mut s).ends_with("421 4.4.2 mailroom.example Error: timeout exceeded\r\n"));
}

#[test]
fn with_no_minimum_rate_each_block_restarts_the_data_timeout() {
    let mut cfg = profile::profile("everything").expect("profile");
    cfg.limits.min_data_rate = 0;
    let mut s = Session::new(cfg, 0);
    s.handle_input(
        0,
        b"EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@d.example>\r\nDATA\r\n",
    );
    let data_timeout = s.config().limits.data_timeout_ms;
    s.handle_input(100_000, b"l");
    assert_eq!(
        s.poll_timeout(),
        Some(100_000 + data_timeout),
        "RFC 5321 4.5.3.2.5: per block"
    );
}

/// RFC 5321 4.5.3.2.7: after the data (even when it is refused), the client has the full
/// command timeout from the reply, not from the DATA command.
#[test]
fn the_command_clock_restarts_after_the_data() {
    let mut cfg = profile::profile("foo-edu").expect("profile");
    cfg.limits.max_message_size = 10;
    let mut s = Session::new(cfg, 0);
    s.handle_input(
        0,
        b"EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n",
    );
    let _ = wire(&mut s);
    // The content trickles in for four minutes (fast enough for the data rate)...
    let mut now = 0;
    for _ in 0..240 {
        now += 1_000;
        let line = format!("{}\r\n", ["0123456789"; 47].join(" "));
        s.handle_input(now, line.as_bytes());
    }
    // ...then the end: refused as too big, and the next command has 5 minutes from here.
    s.handle_input(now, b".\r\n");
    assert!(wire(&mut s).starts_with("552"), "refused");
    assert_eq!(s.poll_timeout(), Some(now + 300_000));
}

/// RFC 2033 4.2: after the last BDAT chunk an LMTP server replies once per recipient,
/// a refusal for size included (a middle chunk gets one reply).
#[test]
fn lmtp_bdat_last_over_the_size_limit_gets_one_reply_per_recipient() {
    let mut cfg = profile::profile("lmtp").expect("profile");
    cfg.extensions
        .push(mailroom_smtp::config::Extension::Chunking);
    cfg.limits.max_message_size = 10;
    cfg.mailboxes.clear(); // every valid recipient is accepted
    let mut s = Session::new(cfg, 0);
    s.handle_input(
        0,
        b"LHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<pat@foo.edu>\r\nRCPT TO:<jones@foo.edu>\r\nBDAT 20 LAST\r\n01234567890123456789",
    );
    let out = wire(&mut s);
    let tail: Vec<&str> = out.trim_end().lines().rev().take(2).collect();
    assert!(
        tail.iter().all(|l| l.starts_with("552")),
        "two 552 replies: {out}"
    );
}

/// A batch of 200,000 pipelined commands in one write: every one is answered and nothing
/// stays buffered. (Its cost per command is `cargo bench -p mailroom-smtp`'s
/// pipelined_batch: each line used to be cut off the front of the whole buffer.)
#[test]
fn a_huge_pipelined_batch_is_answered_in_full() {
    let mut s = Session::new(profile::profile("everything").expect("profile"), 0);
    let _ = wire(&mut s);
    let batch = "NOOP\r\n".repeat(200_000);
    let t = std::time::Instant::now();
    s.handle_input(0, format!("EHLO x\r\n{batch}").as_bytes());
    let out = wire(&mut s);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        t.elapsed()
    );
    // The EHLO reply's last line and one 250 per NOOP.
    assert_eq!(
        out.lines().filter(|l| l.starts_with("250 ")).count(),
        200_001
    );
    assert_eq!(s.buffered_bytes(), 0);
}
