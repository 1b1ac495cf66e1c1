//! Third-party corpora (../shared/corpus, see its README.md): every file parses without
//! panic in bounded time, and MimeKit's expected compliance violations are compared
//! with our diagnostics through a name -> rule-id table.
// Reads files (std::fs): host only.
#![cfg(not(target_arch = "wasm32"))]

use mailroom_message::{lint, LintOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// MimeKit `MimeComplianceViolation` names -> the rule ids that report the same problem.
const MIMEKIT_TO_RULES: &[(&str, &[&str])] = &[
    ("IncompleteHeader", &["missing-header-body-separator"]),
    ("InvalidHeader", &["invalid-field-name", "missing-colon"]),
    ("InvalidContentType", &["invalid-content-type"]),
    ("MultipleContentTypes", &["duplicate-field"]),
    ("InvalidContentTransferEncoding", &["invalid-cte"]),
    (
        "IllegalMultipartContentTransferEncoding",
        &["cte-on-composite"],
    ),
    (
        "IllegalMessageRfc822ContentTransferEncoding",
        &["cte-on-composite"],
    ),
    ("MultipleContentTransferEncodings", &["duplicate-field"]),
    ("InvalidWrapping", &["line-too-long"]),
    ("MissingBodySeparator", &["missing-header-body-separator"]),
    ("MissingMultipartBoundaryParameter", &["missing-boundary"]),
    (
        "MissingMultipartBoundary",
        &["boundary-not-found", "missing-close-delimiter"],
    ),
    (
        "Unexpected8BitBytesInHeader",
        &["8bit-header", "invalid-utf8"],
    ),
    ("Unexpected8BitBytesInBody", &["8bit-in-7bit"]),
    ("UnexpectedNullBytesInHeader", &["nul-byte"]),
    ("UnexpectedNullBytesInBody", &["nul-byte"]),
];

/// Violations (with line) we find, out of MimeKit's 21; asserted so it cannot regress.
const MIMEKIT_FLOOR: usize = 21;

fn corpus() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(
        p.join("README.md").is_file(),
        "corpus not found at {} (expected shared/ beside the repository: <parent>/shared/corpus)",
        p.display()
    );
    p
}

/// Bare LF -> CRLF, as the corpus README asks before applying line-ending rules.
fn to_crlf(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 20);
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' && (i == 0 || b[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(c);
    }
    out
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_corpus_file_lints_without_panic_in_bounded_time() {
    let root = corpus();
    let dirs = [
        "mimekit-compliance",
        "mail-parser/malformed",
        "mail-parser/thirdparty",
        "mail-parser/rfc",
    ];
    let mut n = 0;
    for d in dirs {
        let files = eml_files(&root.join(d));
        assert!(!files.is_empty(), "no .eml in {d}");
        for f in files {
            let raw = std::fs::read(&f).unwrap();
            for input in [raw.clone(), to_crlf(&raw)] {
                let t = Instant::now();
                let r = lint(&input, &LintOptions::default());
                assert!(
                    t.elapsed() < Duration::from_secs(2),
                    "{} took {:?}",
                    f.display(),
                    t.elapsed()
                );
                for d in &r.diagnostics {
                    assert!(
                        d.start <= d.end && d.end <= input.len(),
                        "{}: {d:?}",
                        f.display()
                    );
                }
                serde_json::to_string(&r).unwrap();
                // `mailroom lint` runs findings-only: the same findings, no view.
                let only = lint(
                    &input,
                    &LintOptions {
                        findings_only: true,
                        ..LintOptions::default()
                    },
                );
                assert_eq!(only.diagnostics, r.diagnostics, "{}", f.display());
                assert_eq!(only.suppressed, r.suppressed, "{}", f.display());
                assert!(only.headers.is_empty() && only.mime.is_none());
            }
            n += 1;
        }
    }
    assert_eq!(n, 21 + 23 + 20 + 10);
}

#[test]
fn mimekit_expected_violations() {
    let root = corpus().join("mimekit-compliance");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("expected.json")).unwrap()).unwrap();
    let (mut total, mut found) = (0usize, 0usize);
    let mut missed = Vec::new();
    for (file, items) in expected.as_object().unwrap() {
        let input = to_crlf(&std::fs::read(root.join(file)).unwrap());
        let r = lint(&input, &LintOptions::default());
        for it in items.as_array().unwrap() {
            let v = it["violation"].as_str().unwrap();
            let line = it["line"].as_u64().unwrap() as u32;
            let rules = MIMEKIT_TO_RULES
                .iter()
                .find(|(n, _)| *n == v)
                .map(|(_, r)| *r)
                .unwrap_or_else(|| panic!("no mapping for {v}"));
            total += 1;
            if r.diagnostics
                .iter()
                .any(|d| rules.contains(&d.rule) && d.line == line)
            {
                found += 1;
            } else {
                missed.push(format!("{file}: {v} at line {line}"));
            }
        }
    }
    println!("MimeKit compliance: {found}/{total} expected violations found at the expected line");
    for m in &missed {
        println!("  missed: {m}");
    }
    assert_eq!(total, 21);
    assert!(
        found >= MIMEKIT_FLOOR,
        "found {found}/{total}; missed: {missed:#?}"
    );
}

#[test]
fn mimekit_clean_file_has_no_errors() {
    // raw-utf8-header.eml expects no violation in MimeKit. We do not error either; we
    // warn (8bit-header) because raw UTF-8 is valid only under SMTPUTF8 (RFC 6532).
    let input =
        to_crlf(&std::fs::read(corpus().join("mimekit-compliance/raw-utf8-header.eml")).unwrap());
    let r = lint(&input, &LintOptions::default());
    assert_eq!(r.errors(), 0, "{:#?}", r.diagnostics);
    assert!(r.diagnostics.iter().any(|d| d.rule == "8bit-header"));
}

#[test]
fn mail_parser_rfc_examples_have_the_expected_mime_shape() {
    // RFC 2049 Appendix A example (rfc/000.eml): multipart/mixed with a nested
    // multipart/parallel and a message/rfc822 part.
    let input = to_crlf(&std::fs::read(corpus().join("mail-parser/rfc/000.eml")).unwrap());
    let r = lint(&input, &LintOptions::default());
    let root = r.mime.unwrap();
    assert_eq!(root.content_type, "multipart/mixed");
    let types: Vec<&str> = root.children.iter().map(|c| &*c.content_type).collect();
    assert!(
        types.contains(&"multipart/parallel") && types.contains(&"message/rfc822"),
        "{types:?}"
    );
}
