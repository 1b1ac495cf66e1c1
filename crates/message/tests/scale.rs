//! Large and deep inputs: they finish (in debug builds too), the nesting cap holds, and
//! nothing recurses without bound. Throughput figures belong to `cargo xtask bench`.
// Uses threads and Instant: host only (tests/wasm.rs has the wasm figure).
#![cfg(not(target_arch = "wasm32"))]

use mailroom_message::{lint, LintOptions, MimeNode, MAX_DEPTH};
use std::time::{Duration, Instant};

const HEAD: &str = "From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\nDate: Thu, 26 Oct 2023 00:07:56 +0900\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n";

/// The report (detached from the input, after the clock stops) and the lint time.
fn timed(input: &[u8]) -> (mailroom_message::Report<'static>, Duration) {
    let t = Instant::now();
    let r = lint(input, &LintOptions::default());
    let elapsed = t.elapsed();
    (r.into_owned(), elapsed)
}

fn depth(n: &MimeNode<'_>) -> usize {
    1 + n.children.iter().map(depth).max().unwrap_or(0)
}

#[test]
fn one_megabyte_header_line() {
    let m = format!("{HEAD}X-Long: {}\r\n\r\nbody\r\n", "a".repeat(1 << 20));
    let (r, t) = timed(m.as_bytes());
    assert!(t < Duration::from_secs(5), "{t:?}");
    assert_eq!(
        r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>(),
        vec!["line-too-long"]
    );
}

#[test]
fn ten_thousand_fields() {
    let mut m = String::from(HEAD);
    for i in 0..10_000 {
        m.push_str(&format!("X-F{i}: value {i}\r\n"));
    }
    m.push_str("\r\nbody\r\n");
    let (r, t) = timed(m.as_bytes());
    assert!(t < Duration::from_secs(5), "{t:?}");
    assert_eq!(r.headers.len(), 10_006);
    assert!(r.diagnostics.is_empty());
}

fn nested_multiparts(n: usize) -> String {
    let mut m = format!("{HEAD}Content-Type: multipart/mixed; boundary=b0z\r\n\r\n");
    for i in 0..n {
        m.push_str(&format!(
            "--b{i}z\r\nContent-Type: multipart/mixed; boundary=b{}z\r\n\r\n",
            i + 1
        ));
    }
    m.push_str(&format!(
        "--b{n}z\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nleaf\r\n--b{n}z--\r\n"
    ));
    for i in (0..n).rev() {
        m.push_str(&format!("--b{i}z--\r\n"));
    }
    m
}

#[test]
fn hundred_nested_multiparts_and_the_cap() {
    let run = || {
        let (r, t) = timed(nested_multiparts(99).as_bytes());
        assert!(t < Duration::from_secs(5), "{t:?}");
        assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
        let root = r.mime.unwrap();
        assert_eq!(depth(&root), 101);
        // Past the cap: parsing stops (no stack growth), no bogus diagnostics.
        let (r, _) = timed(nested_multiparts(1000).as_bytes());
        assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
        assert_eq!(depth(&r.mime.unwrap()), MAX_DEPTH + 1);
    };
    // wasm32 gives the main thread 1 MiB of stack; check the cap fits in that.
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deeply_nested_rfc822_is_capped() {
    let run = || {
        let mut m = String::new();
        for _ in 0..1000 {
            m.push_str(
                "Subject: layer\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n",
            );
        }
        m.push_str("Subject: core\r\n\r\nbody\r\n");
        let (r, t) = timed(m.as_bytes());
        assert!(t < Duration::from_secs(5), "{t:?}");
        assert_eq!(depth(&r.mime.unwrap()), MAX_DEPTH + 1);
    };
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn ten_megabyte_base64_attachment() {
    let mut m = format!(
        "{HEAD}Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    let line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    while m.len() < 10 << 20 {
        m.extend_from_slice(line);
    }
    let (r, t) = timed(&m);
    assert!(t < Duration::from_secs(10), "{t:?}");
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn binary_garbage_is_capped_per_rule() {
    let mut m = format!("{HEAD}\r\n").into_bytes();
    for i in 0..200_000u32 {
        m.extend_from_slice(&[0, 0x80, b'\r', (i % 251) as u8]);
        m.extend_from_slice(&[b'x'; 1000]);
        m.push(b'\n');
    }
    let (r, _) = timed(&m);
    assert!(r.diagnostics.len() <= 10 * mailroom_message::diag::MAX_PER_RULE as usize);
    assert!(r.suppressed.iter().any(|s| s.rule == "line-too-long"));
}

/// A group's name is shared by its members, not copied into each: 80,000 members of a
/// 500 KB group name would otherwise ask for ~40 GB (an abort, not a diagnostic).
#[test]
fn long_group_name_with_many_members() {
    let m = format!(
        "{HEAD}Cc: \"{}\": {};\r\n\r\nbody\r\n",
        "A".repeat(500_000),
        "x@y.z,".repeat(80_000)
    );
    let (r, t) = timed(m.as_bytes());
    assert!(t < Duration::from_secs(10), "{t:?}");
    let to = r.header("Cc").unwrap();
    assert_eq!(to.addresses.len(), 80_000);
    let (a, b) = (&to.addresses[0], &to.addresses[79_999]);
    assert_eq!(a.group.as_deref().map(str::len), Some(500_000));
    // One allocation for the name, shared.
    assert!(std::ptr::eq(
        a.group.as_deref().unwrap(),
        b.group.as_deref().unwrap()
    ));
}

/// 200,000 parameters on one Content-Type: grouping them by name is not quadratic.
#[test]
fn two_hundred_thousand_parameters() {
    let params: String = (0..200_000).map(|i| format!(";p{i}=1")).collect();
    let m = format!("{HEAD}Content-Type: text/plain; charset=us-ascii{params}\r\n\r\nx\r\n");
    let (r, t) = timed(m.as_bytes());
    assert!(t < Duration::from_secs(10), "{t:?}");
    // One finding: the header line is over 998 octets (not 200,000 duplicate warnings).
    assert_eq!(
        r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>(),
        vec!["line-too-long"]
    );
    // And with every name twice, each duplicate is found.
    let params: String = (0..100_000).map(|i| format!(";p{i}=1;p{i}=2")).collect();
    let m = format!("{HEAD}Content-Type: text/plain; charset=us-ascii{params}\r\n\r\nx\r\n");
    let (r, t) = timed(m.as_bytes());
    assert!(t < Duration::from_secs(10), "{t:?}");
    let dups = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "invalid-content-type")
        .count()
        + r.suppressed
            .iter()
            .filter(|s| s.rule == "invalid-content-type")
            .map(|s| s.count as usize)
            .sum::<usize>();
    assert_eq!(dups, 100_000);
}

/// Lines that begin with a delimiter but are not delimiter lines (RFC 2046 5.1.1) are
/// looked up, not scanned for: 40 nested boundaries that extend each other ("a", "aa",
/// ...), an innermost multipart of 20,000 parts and 3,000 distinct stray-looking lines
/// stay fast, and each level reports its strays once.
#[test]
fn stray_delimiter_lines_cost_bounded_time() {
    let levels = 40;
    let b = |i: usize| "a".repeat(i + 1);
    let mut m = format!(
        "{HEAD}Content-Type: multipart/mixed; boundary={}\r\n\r\n",
        b(0)
    );
    for i in 0..levels - 1 {
        m.push_str(&format!(
            "--{}\r\nContent-Type: multipart/mixed; boundary={}\r\n\r\n",
            b(i),
            b(i + 1)
        ));
    }
    m.push_str(&format!(
        "--{}\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n",
        b(levels - 1)
    ));
    for _ in 0..20_000 {
        m.push_str("--c\r\n\r\nx\r\n");
    }
    m.push_str("--c--\r\n");
    for k in 0..3_000 {
        m.push_str(&format!("--{}-{k}\r\n", "a".repeat(levels)));
    }
    for i in (0..levels).rev() {
        m.push_str(&format!("--{}--\r\n", b(i)));
    }
    let (r, t) = timed(m.as_bytes());
    assert!(t < Duration::from_secs(5), "{t:?}");
    let strays = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "invalid-boundary" && d.message.contains("not delimiter lines"))
        .count();
    // Every level whose delimiter starts those lines, once each.
    assert_eq!(
        strays,
        levels,
        "{:#?}",
        &r.diagnostics[..r.diagnostics.len().min(5)]
    );
}

/// A field of ISO-2022-JP words that each stay in JIS mode: joined for decoding only up
/// to a short run (joining them all would cost quadratic time).
#[test]
fn many_open_iso_2022_jp_words() {
    let word = "=?ISO-2022-JP?B?GyRCJCI=?= ";
    let m = format!("{HEAD}X-Subject: {}\r\n\r\nbody\r\n", word.repeat(40_000));
    let (r, t) = timed(m.as_bytes());
    assert!(t < Duration::from_secs(5), "{t:?}");
    assert!(r
        .diagnostics
        .iter()
        .any(|d| d.rule == "invalid-encoded-word"));
    let decoded = &r.header("x-subject").unwrap().decoded_value;
    assert_eq!(decoded.chars().filter(|&c| c == 'あ').count(), 40_000);
}
