//! `cargo xtask bench`: the validator's figures (issue 4, "Performance").
//!
//! Goals: parse + lint throughput on the corpus >= mail-parser's parse-only throughput on
//! the same files (printed as a ratio); >= 200 MB/s on a 10 MB message with a base64
//! attachment; linear time on a 1 MB header line, 10,000 header fields and 100 nested
//! multiparts (each printed at two sizes, N and 4N, as time per MB or per item, so
//! linearity shows as a ratio near 1). The wasm figure (100 KB <= 5 ms) is printed by
//! `tests/wasm.rs`, which `cargo xtask bench` runs optimised in headless Chromium.
//!
//! divan prints its table first; then a summary is printed from its own timing loop
//! (median of several runs; nothing is asserted).

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};
use mailroom_message::{lint, LintOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    divan::main();
    summary();
}

// ---------------------------------------------------------------- inputs

const HEAD: &str = "From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\nDate: Thu, 26 Oct 2023 00:07:56 +0900\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// Every `.eml` under the corpus, sorted by path.
fn corpus() -> Vec<Vec<u8>> {
    corpus_groups()
        .into_iter()
        .flat_map(|(_, files)| files)
        .collect()
}

/// The corpus by folder (MimeKit's compliance set; mail-parser's malformed, rfc and
/// thirdparty folders), in path order.
fn corpus_groups() -> Vec<(String, Vec<Vec<u8>>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "eml") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    let root = corpus_dir();
    walk(&root, &mut paths);
    paths.sort();
    let mut groups: Vec<(String, Vec<Vec<u8>>)> = Vec::new();
    for p in &paths {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let dir = p
            .parent()
            .and_then(|d| d.strip_prefix(&root).ok())
            .map_or_else(String::new, |d| d.display().to_string());
        match groups.last_mut() {
            Some((g, files)) if *g == dir => files.push(bytes),
            _ => groups.push((dir, vec![bytes])),
        }
    }
    groups
}

fn total(files: &[Vec<u8>]) -> usize {
    files.iter().map(Vec::len).sum()
}

/// A message with a base64 attachment of about `size` bytes.
fn base64_message(size: usize) -> Vec<u8> {
    let mut m = format!(
        "{HEAD}Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    let line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    while m.len() < size {
        m.extend_from_slice(line);
    }
    m.extend_from_slice(b"--b--\r\n");
    m
}

/// One header line of `n` bytes of value.
fn long_header_line(n: usize) -> Vec<u8> {
    format!("{HEAD}X-Long: {}\r\n\r\nbody\r\n", "a".repeat(n)).into_bytes()
}

/// `n` extra header fields.
fn many_fields(n: usize) -> Vec<u8> {
    let mut m = String::from(HEAD);
    for i in 0..n {
        m.push_str(&format!("X-F{i}: value {i}\r\n"));
    }
    m.push_str("\r\nbody\r\n");
    m.into_bytes()
}

/// `n` multiparts nested in each other (n <= MAX_DEPTH stays under the cap).
fn nested_multiparts(n: usize) -> Vec<u8> {
    let mut m = format!("{HEAD}Content-Type: multipart/mixed; boundary=b0z\r\n\r\n");
    for i in 0..n.saturating_sub(1) {
        m.push_str(&format!(
            "--b{i}z\r\nContent-Type: multipart/mixed; boundary=b{}z\r\n\r\n",
            i + 1
        ));
    }
    let n = n.saturating_sub(1);
    m.push_str(&format!(
        "--b{n}z\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nleaf\r\n--b{n}z--\r\n"
    ));
    for i in (0..n).rev() {
        m.push_str(&format!("--b{i}z--\r\n"));
    }
    m.into_bytes()
}

fn parse_only(b: &[u8]) -> usize {
    mail_parser::MessageParser::new()
        .parse(b)
        .map_or(0, |m| m.parts.len())
}

fn lint_one(b: &[u8]) -> usize {
    let r = lint(b, &LintOptions::default());
    r.diagnostics.len() + r.headers.len()
}

/// As `mailroom lint` runs: the findings without the decoded view.
fn lint_findings_only(b: &[u8]) -> usize {
    let opts = LintOptions {
        findings_only: true,
        ..LintOptions::default()
    };
    lint(b, &opts).diagnostics.len()
}

// ---------------------------------------------------------------- divan benches

/// `one` over every corpus file, counted in bytes.
fn over_corpus(b: Bencher, one: fn(&[u8]) -> usize) {
    let files = corpus();
    b.counter(BytesCount::new(total(&files)))
        .bench(|| files.iter().map(|f| one(black_box(f))).sum::<usize>());
}

#[divan::bench(sample_count = 30)]
fn corpus_parse_and_lint(b: Bencher) {
    over_corpus(b, lint_one);
}

#[divan::bench(sample_count = 30)]
fn corpus_parse_and_lint_findings_only(b: Bencher) {
    over_corpus(b, lint_findings_only);
}

#[divan::bench(sample_count = 30)]
fn corpus_mail_parser_parse_only(b: Bencher) {
    over_corpus(b, parse_only);
}

#[divan::bench(sample_count = 10)]
fn base64_attachment_10mb(b: Bencher) {
    let m = base64_message(10 << 20);
    b.counter(BytesCount::of_slice(&m))
        .bench(|| lint_one(black_box(&m)));
}

#[divan::bench(sample_count = 10)]
fn base64_attachment_10mb_mail_parser(b: Bencher) {
    let m = base64_message(10 << 20);
    b.counter(BytesCount::of_slice(&m))
        .bench(|| parse_only(black_box(&m)));
}

#[divan::bench(sample_count = 10, args = [1 << 20, 4 << 20])]
fn header_line_bytes(b: Bencher, n: usize) {
    let m = long_header_line(n);
    b.counter(BytesCount::of_slice(&m))
        .bench(|| lint_one(black_box(&m)));
}

#[divan::bench(sample_count = 20, args = [10_000, 40_000])]
fn header_fields(b: Bencher, n: usize) {
    let m = many_fields(n);
    b.counter(ItemsCount::new(n))
        .bench(|| lint_one(black_box(&m)));
}

#[divan::bench(sample_count = 50, args = [25, 100])]
fn nested_multipart_levels(b: Bencher, n: usize) {
    let m = nested_multiparts(n);
    b.counter(ItemsCount::new(n))
        .bench(|| lint_one(black_box(&m)));
}

// ---------------------------------------------------------------- summary

/// Median wall time of `f` over `runs` runs (after one warm-up run).
fn median(runs: usize, mut f: impl FnMut() -> usize) -> Duration {
    black_box(f());
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

/// `a` against `b`, run in turns (after one warm-up run of each): the median time of
/// each, and the median of the per-turn throughput ratios (b's time / a's time). On a
/// noisy machine a slow patch then hits both sides of a turn alike, where two separate
/// series of runs could each meet a different patch and skew the ratio.
fn paired(
    runs: usize,
    mut a: impl FnMut() -> usize,
    mut b: impl FnMut() -> usize,
) -> (Duration, Duration, f64) {
    black_box(a());
    black_box(b());
    let time = |f: &mut dyn FnMut() -> usize| {
        let t = Instant::now();
        black_box(f());
        t.elapsed()
    };
    let mut turns: Vec<(Duration, Duration)> =
        (0..runs).map(|_| (time(&mut a), time(&mut b))).collect();
    let mut ratios: Vec<f64> = turns
        .iter()
        .map(|(ta, tb)| tb.as_secs_f64() / ta.as_secs_f64().max(1e-12))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    turns.sort_by_key(|t| t.0);
    let ta = turns[turns.len() / 2].0;
    turns.sort_by_key(|t| t.1);
    let tb = turns[turns.len() / 2].1;
    (ta, tb, ratio)
}

/// [`paired`] runs of `ours` and of mail-parser's parse over `files`.
fn against_mail_parser(files: &[Vec<u8>], ours: fn(&[u8]) -> usize) -> (Duration, Duration, f64) {
    paired(
        51,
        || files.iter().map(|f| ours(f)).sum(),
        || files.iter().map(|f| parse_only(f)).sum(),
    )
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn summary() {
    // `--list` and `--test` (cargo test --benches) run nothing worth summarising. A filter
    // that matches no divan bench (e.g. `-- summary`) prints only this summary.
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    println!("\nmailroom-message figures (median of the runs shown; goals from issue 4):");

    let files = corpus();
    let bytes = total(&files);
    let (ours, theirs, ratio) = against_mail_parser(&files, lint_one);
    println!(
        "  corpus ({} files, {bytes} bytes): parse+lint with the decoded view (the page) {:.1} MB/s, mail-parser parse-only {:.1} MB/s, ratio {ratio:.2} (goal >= 1; median of 51 paired runs)",
        files.len(),
        mb_per_s(bytes, ours),
        mb_per_s(bytes, theirs),
    );
    let (ours, theirs, ratio) = against_mail_parser(&files, lint_findings_only);
    println!(
        "    findings only (`mailroom lint`): {:.1} MB/s, mail-parser {:.1} MB/s, ratio {ratio:.2}",
        mb_per_s(bytes, ours),
        mb_per_s(bytes, theirs),
    );
    // Where the gap is: per folder (the malformed test files are tiny and findings-heavy).
    for (dir, files) in corpus_groups() {
        let bytes = total(&files);
        let (_, _, ratio) = against_mail_parser(&files, lint_one);
        println!(
            "    {dir}: {} files, {bytes} bytes: ratio {ratio:.2}",
            files.len()
        );
    }

    let m = base64_message(10 << 20);
    let t = median(11, || lint_one(&m));
    let tp = median(11, || parse_only(&m));
    println!(
        "  10 MB base64 attachment: parse+lint {:.0} MB/s (goal >= 200), {:.1} ms; mail-parser {:.0} MB/s",
        mb_per_s(m.len(), t),
        t.as_secs_f64() * 1e3,
        mb_per_s(m.len(), tp)
    );

    let per = |d: Duration, n: usize| d.as_secs_f64() / n as f64;
    let (m1, m4) = (long_header_line(1 << 20), long_header_line(4 << 20));
    let (t1, t4) = (median(11, || lint_one(&m1)), median(11, || lint_one(&m4)));
    let (p1, p4) = (per(t1, 1) * 1e3, per(t4, 4) * 1e3);
    println!(
        "  one header line: 1 MB {p1:.2} ms/MB, 4 MB {p4:.2} ms/MB, ratio {:.2} (linear: ~1)",
        p4 / p1
    );

    let (m1, m4) = (many_fields(10_000), many_fields(40_000));
    let (t1, t4) = (median(21, || lint_one(&m1)), median(11, || lint_one(&m4)));
    let (p1, p4) = (per(t1, 10_000) * 1e9, per(t4, 40_000) * 1e9);
    println!(
        "  header fields: 10,000 {p1:.0} ns/field ({:.2} ms), 40,000 {p4:.0} ns/field, ratio {:.2} (linear: ~1)",
        t1.as_secs_f64() * 1e3,
        p4 / p1
    );

    let (m1, m4) = (nested_multiparts(25), nested_multiparts(100));
    let (t1, t4) = (median(51, || lint_one(&m1)), median(51, || lint_one(&m4)));
    let (p1, p4) = (per(t1, 25) * 1e6, per(t4, 100) * 1e6);
    println!(
        "  nested multiparts: 25 levels {p1:.2} us/level, 100 levels {p4:.2} us/level ({:.2} ms), ratio {:.2} (linear: ~1)",
        t4.as_secs_f64() * 1e3,
        p4 / p1
    );
}
