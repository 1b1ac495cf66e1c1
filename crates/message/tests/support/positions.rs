//! The position checks shared by the property tests (`tests/properties.rs`) and the fuzz
//! target (`fuzz/fuzz_targets/lint.rs`): every finding, header field and MIME node lies
//! inside the input with the line (and, for findings, column) of its start offset, where
//! lines end at LF and columns count bytes from 1 (the JSON schema's convention); children
//! lie inside their parent; findings are sorted by range, then rule, and have both texts.

use mailroom_message::{MimeNode, Report};

/// (line, column) of byte offset `at`, counted the slow, obvious way.
pub fn position(input: &[u8], at: usize) -> (u32, u32) {
    let before = &input[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line as u32, (at - line_start + 1) as u32)
}

macro_rules! ensure {
    ($cond:expr, $($what:tt)+) => {
        if !$cond {
            return Err(format!($($what)+));
        }
    };
}

/// Checks `r`, the report on `input`; the first broken rule, described.
pub fn check(input: &[u8], r: &Report<'_>) -> Result<(), String> {
    for d in &r.diagnostics {
        ensure!(d.start <= d.end && d.end <= input.len(), "range: {d:?}");
        ensure!(
            (d.line, d.column) == position(input, d.start),
            "line/column: {d:?}"
        );
        ensure!(
            !d.message.is_empty() && !d.message_ja.is_empty(),
            "texts: {d:?}"
        );
    }
    for w in r.diagnostics.windows(2) {
        let key = |d: &mailroom_message::Diagnostic| (d.start, d.end, d.rule);
        ensure!(
            key(&w[0]) <= key(&w[1]),
            "sorted by range, then rule: {w:?}"
        );
    }
    for h in &r.headers {
        ensure!(
            h.start <= h.end && h.end <= input.len(),
            "header range: {h:?}"
        );
        ensure!(h.line == position(input, h.start).0, "header line: {h:?}");
    }
    match &r.mime {
        Some(root) => check_node(input, root),
        None => Ok(()),
    }
}

fn check_node(input: &[u8], n: &MimeNode<'_>) -> Result<(), String> {
    let at = (n.start, n.body_start, n.end);
    ensure!(
        n.start <= n.body_start && n.body_start <= n.end && n.end <= input.len(),
        "node range: {at:?}"
    );
    ensure!(
        n.line == position(input, n.start).0,
        "node line: {} at {at:?}",
        n.line
    );
    for h in &n.headers {
        ensure!(
            h.start <= h.end && h.end <= input.len(),
            "part header range: {h:?}"
        );
        ensure!(
            h.line == position(input, h.start).0,
            "part header line: {h:?}"
        );
    }
    for c in &n.children {
        ensure!(
            n.start <= c.start && c.end <= n.end,
            "child {:?} outside {at:?}",
            (c.start, c.end)
        );
        check_node(input, c)?;
    }
    Ok(())
}
