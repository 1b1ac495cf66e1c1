//! `cargo xtask bench`: the protocol core's figures (divan prints time and throughput).
//! Goals (issue 3): DATA framing >= 1 GB/s on a 10 MB body; a whole transaction (EHLO,
//! MAIL, 3 RCPT, 10 KB DATA, QUIT) <= 20 microseconds.

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use mailroom_smtp::{profile, Session};

fn main() {
    divan::main();
}

fn body(size: usize) -> Vec<u8> {
    let line =
        b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n";
    let mut out = Vec::with_capacity(size + line.len());
    let mut i = 0;
    while out.len() < size {
        if i % 40 == 0 {
            out.extend_from_slice(b"..a stuffed line\r\n");
        }
        out.extend_from_slice(line);
        i += 1;
    }
    out
}

/// DATA framing alone: dot-unstuffing, CRLF.CRLF search, bare LF/8-bit scan, on 10 MB.
#[divan::bench(sample_count = 20)]
fn data_framing_10mb(b: Bencher) {
    let data = body(10 * 1024 * 1024);
    b.counter(BytesCount::of_slice(&data)).bench(|| {
        let mut reader = mailroom_smtp::framing::DataReader::new(
            mailroom_smtp::framing::BareLfPolicy::Reject,
            u64::MAX,
        );
        let mut buf = data.clone();
        buf.extend_from_slice(b".\r\n");
        black_box(reader.feed(&mut buf));
        black_box(reader.message.len())
    });
}

/// A whole SMTP transaction through the session, replies and delivery included.
#[divan::bench(sample_count = 200)]
fn whole_transaction_10kb(b: Bencher) {
    let cfg = profile::profile("gmail").expect("profile");
    let mut input = b"EHLO client.example\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\nRCPT TO:<d@example.com>\r\nDATA\r\n".to_vec();
    input.extend_from_slice(&body(10 * 1024));
    input.extend_from_slice(b".\r\nQUIT\r\n");
    b.bench(|| {
        let mut s = Session::new(cfg.clone(), 0);
        s.handle_input(0, &input);
        let mut n = 0;
        while let Some(e) = s.poll_event() {
            n += black_box(matches!(e, mailroom_smtp::Event::Delivered(_))) as usize;
        }
        black_box((s.poll_transmit(), n))
    });
}

/// A pipelined batch of `n` NOOPs in one write: time per command should not grow with
/// `n` (linear reading; compare the two sizes).
#[divan::bench(sample_count = 10, args = [50_000, 200_000])]
fn pipelined_batch(b: Bencher, n: usize) {
    let cfg = profile::profile("everything").expect("profile");
    let input = format!("EHLO x\r\n{}", "NOOP\r\n".repeat(n)).into_bytes();
    b.counter(divan::counter::ItemsCount::new(n)).bench(|| {
        let mut s = Session::new(cfg.clone(), 0);
        s.handle_input(0, &input);
        while s.poll_event().is_some() {}
        black_box(s.poll_transmit())
    });
}

/// Memory held by a session while a 10 MB message streams in (deliveries are drained):
/// printed once, in octets.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn memory_bound_per_session() {
    let mut cfg = profile::profile("gmail").expect("profile");
    cfg.extensions.retain(|e| e.keyword() != "SIZE");
    cfg.limits.max_message_size = 1024 * 1024;
    let mut s = Session::new(cfg, 0);
    s.handle_input(
        0,
        b"EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n",
    );
    let chunk = body(64 * 1024);
    let mut peak = 0;
    for _ in 0..160 {
        s.handle_input(0, &chunk);
        peak = peak.max(s.buffered_bytes());
    }
    s.handle_input(0, b".\r\n");
    println!(
        "memory_bound_per_session: peak {peak} octets buffered for a 10 MB message with a 1 MB cap"
    );
}
