//! RFC 5322 / MIME / RFC 2047 parser and linter (see DESIGN.md section 3).
//!
//! [`lint`] takes raw message bytes (and optionally the SMTP envelope) and returns a
//! [`Report`]: diagnostics with stable rule ids, exact byte ranges and line/column, the
//! header fields with raw and decoded values, the MIME tree and, with an envelope, the
//! envelope-vs-header comparison. [`build`] makes a message from a compose form that
//! lints clean. No I/O, no clock, no threads: the same code runs in wasm32.
//!
//! Cost is linear in the input: lines are found with memchr, each byte belongs to one
//! region that is checked once, and each rule keeps at most [`diag::MAX_PER_RULE`]
//! diagnostics. MIME nesting deeper than [`MAX_DEPTH`] is not parsed.
#![forbid(unsafe_code)]

mod address;
mod b64;
mod builder;
mod charset;
mod cx;
mod date;
pub mod diag;
mod encoded_word;
mod header;
mod lex;
mod lines;
mod mime;
mod msgid;
mod params;
mod rules;
mod transfer;

pub use address::{parse_address_list, parse_mailbox, Mailbox};
pub use builder::{build, crlf, split_entries, Built, Compose};
pub use date::format as format_date;
pub use diag::{Diagnostic, Rule, Severity, Suppressed, RULES};
pub use mime::MAX_DEPTH;

use crate::diag::text;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The SMTP BODY parameter in effect (RFC 6152, RFC 3030).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BodyType {
    /// No BODY parameter: 7-bit content only.
    #[default]
    #[serde(alias = "7BIT")]
    SevenBit,
    /// Also read as "8BITMIME", the parameter's SMTP spelling (as in a delivery event).
    #[serde(alias = "8BITMIME")]
    EightBitMime,
    #[serde(alias = "BINARYMIME")]
    BinaryMime,
}

impl BodyType {
    /// The BODY parameter as SMTP spells it ("7BIT" for none).
    pub fn as_str(self) -> &'static str {
        match self {
            BodyType::SevenBit => "7BIT",
            BodyType::EightBitMime => "8BITMIME",
            BodyType::BinaryMime => "BINARYMIME",
        }
    }
}

impl std::str::FromStr for BodyType {
    type Err = String;
    /// "7BIT", "8BITMIME" or "BINARYMIME", in any case.
    fn from_str(s: &str) -> Result<Self, String> {
        [
            BodyType::SevenBit,
            BodyType::EightBitMime,
            BodyType::BinaryMime,
        ]
        .into_iter()
        .find(|b| b.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("BODY: 7BIT, 8BITMIME or BINARYMIME, not \"{s}\""))
    }
}

/// The SMTP envelope the message travelled with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Envelope {
    /// MAIL FROM path (with or without angle brackets; empty = null path).
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub body: BodyType,
    /// MAIL FROM carried the SMTPUTF8 parameter.
    pub smtputf8: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LintOptions {
    pub envelope: Option<Envelope>,
    /// Only the findings: the report's decoded view (`headers`, `mime`: the header
    /// views, the MIME tree, the part texts) is not built, and comes back empty. The
    /// findings are the same; `mailroom lint`, which prints nothing else, runs this way.
    pub findings_only: bool,
}

/// One header field for display. The texts borrow from the input where it already is
/// the text, as in most fields: the name and raw value whenever they are valid UTF-8,
/// the decoded value when there is also nothing to unfold or decode. So a report costs
/// no copy of them. [`Report::into_owned`] detaches a report from the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderView<'a> {
    pub name: Cow<'a, str>,
    /// The bytes after the colon, folding included (lossy UTF-8).
    pub raw_value: Cow<'a, str>,
    /// Unfolded, RFC 2047 encoded words decoded where RFC 2047 5 allows them.
    pub decoded_value: Cow<'a, str>,
    pub line: u32,
    /// Byte range of the whole field, terminator included.
    pub start: usize,
    pub end: usize,
    /// Parsed mailboxes, for address fields (From, To, Cc, Bcc, Reply-To, Sender, Resent-*).
    pub addresses: Vec<Mailbox<'a>>,
}

/// A MIME entity. For message/rfc822 the single child is the encapsulated message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MimeNode<'a> {
    /// `type/subtype`, lower case (defaults applied: text/plain, or message/rfc822 in a digest).
    pub content_type: Cow<'a, str>,
    pub charset: Option<Cow<'a, str>>,
    /// As declared (lower case); "7bit" when absent.
    pub transfer_encoding: Cow<'a, str>,
    /// Body size in bytes, as transmitted.
    pub size: usize,
    pub line: u32,
    /// Byte range of the entity (header + body) and where its body starts.
    pub start: usize,
    pub end: usize,
    pub body_start: usize,
    /// From Content-Disposition filename or Content-Type name (RFC 2231 / 2047 decoded).
    pub filename: Option<Cow<'a, str>>,
    /// Header fields of this entity (empty for the top level: see `Report::headers`).
    pub headers: Vec<HeaderView<'a>>,
    pub children: Vec<MimeNode<'a>>,
    /// Decoded text of a text/* leaf (transfer encoding and charset undone), up to 1 MiB;
    /// borrowed from the input when the body is that text as such (UTF-8 or US-ASCII,
    /// sent 7bit, 8bit or binary).
    pub text: Option<Cow<'a, str>>,
    pub text_truncated: bool,
    /// Nesting went past [`MAX_DEPTH`]; this entity's body was not parsed.
    pub depth_capped: bool,
}

/// One address of the envelope/header comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientRow {
    pub address: String,
    pub rcpt_to: bool,
    pub to: bool,
    pub cc: bool,
    pub bcc: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvelopeComparison {
    pub mail_from: String,
    pub from_header: Vec<String>,
    pub recipients: Vec<RecipientRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report<'a> {
    /// Sorted by byte range (start, then end), then rule id.
    pub diagnostics: Vec<Diagnostic>,
    pub headers: Vec<HeaderView<'a>>,
    pub mime: Option<MimeNode<'a>>,
    pub envelope_comparison: Option<EnvelopeComparison>,
    /// Rules that hit the per-rule cap, with the number of findings dropped, in catalogue
    /// order.
    pub suppressed: Vec<Suppressed>,
}

fn owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

impl HeaderView<'_> {
    /// The same view, its texts copied out of the input.
    pub fn into_owned(self) -> HeaderView<'static> {
        HeaderView {
            name: owned(self.name),
            raw_value: owned(self.raw_value),
            decoded_value: owned(self.decoded_value),
            line: self.line,
            start: self.start,
            end: self.end,
            addresses: self
                .addresses
                .into_iter()
                .map(Mailbox::into_owned)
                .collect(),
        }
    }
}

impl MimeNode<'_> {
    /// The same tree, its texts copied out of the input.
    pub fn into_owned(self) -> MimeNode<'static> {
        MimeNode {
            content_type: owned(self.content_type),
            charset: self.charset.map(owned),
            transfer_encoding: owned(self.transfer_encoding),
            size: self.size,
            line: self.line,
            start: self.start,
            end: self.end,
            body_start: self.body_start,
            filename: self.filename.map(owned),
            headers: self
                .headers
                .into_iter()
                .map(HeaderView::into_owned)
                .collect(),
            children: self
                .children
                .into_iter()
                .map(MimeNode::into_owned)
                .collect(),
            text: self.text.map(owned),
            text_truncated: self.text_truncated,
            depth_capped: self.depth_capped,
        }
    }
}

impl<'a> Report<'a> {
    /// The same report, no longer borrowing the input (to keep it after the input).
    pub fn into_owned(self) -> Report<'static> {
        Report {
            diagnostics: self.diagnostics,
            headers: self
                .headers
                .into_iter()
                .map(HeaderView::into_owned)
                .collect(),
            mime: self.mime.map(MimeNode::into_owned),
            envelope_comparison: self.envelope_comparison,
            suppressed: self.suppressed,
        }
    }

    pub fn errors(&self) -> usize {
        diag::count(&self.diagnostics, Severity::Error)
    }
    pub fn warnings(&self) -> usize {
        diag::count(&self.diagnostics, Severity::Warning)
    }
    /// The decoded value of the first header field with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&HeaderView<'a>> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

/// Parses and checks a message. The report borrows texts from `input`.
pub fn lint<'a>(input: &'a [u8], opts: &LintOptions) -> Report<'a> {
    if let Some((start, end)) = charset::utf16_input(input) {
        return utf16_report(start, end);
    }
    let mut cx = cx::Cx::new(input, opts.envelope.as_ref());
    cx.view = !opts.findings_only;
    let (mut root, hdr, addrs) = mime::entity(
        &mut cx,
        0,
        input.len(),
        header::Kind::Top,
        mime::DefaultType::TextPlain,
        0,
    );
    let mut headers = std::mem::take(&mut root.headers);
    let envelope_comparison = opts
        .envelope
        .as_ref()
        .map(|env| rules::envelope::check(&mut cx, env, &hdr, &addrs));

    let mut diagnostics = std::mem::take(&mut cx.sink.diags);
    sort_diagnostics(&mut diagnostics);
    diagnostics.dedup_by(|a, b| {
        a.rule == b.rule && a.start == b.start && a.end == b.end && a.message == b.message
    });

    // Line/column numbers and the line-ending check, in one walk over the lines.
    // Header and node starts in document order (the root, its header fields, then the
    // tree depth first), which `assign_lines` follows.
    let view = cx.view;
    let mut offsets: Vec<usize> = Vec::with_capacity(2 * headers.len() + 8);
    if view {
        offsets.push(root.start);
        offsets.extend(headers.iter().map(|h| h.start));
        collect_node_offsets(&root, &mut offsets);
    }
    debug_assert!(
        offsets.is_sorted(),
        "header and node starts in document order"
    );
    let mut endings = LineEndings::new(&cx);
    let mut sweep = lines::Sweep::new(input, cx.lfs.clone());
    let mut last = 0;
    let mut to = |off: usize| {
        // The walk only goes forward: an offset behind it (none is expected) is counted
        // from the start.
        if off < last {
            return lines::position(input, off);
        }
        last = off;
        sweep.to(off, |p, pos| endings.lf(p, pos))
    };
    // Diagnostics are sorted by start; the header and node offsets are merged in.
    let mut node_lines = Vec::with_capacity(offsets.len());
    let mut pending = offsets.iter().copied().peekable();
    for d in &mut diagnostics {
        while let Some(off) = pending.next_if(|&o| o < d.start) {
            node_lines.push(to(off).0);
        }
        (d.line, d.column) = to(d.start);
    }
    for off in pending {
        node_lines.push(to(off).0);
    }
    to(usize::MAX);
    // The line-ending findings join the others (in the same vector), sorted into place.
    let n = diagnostics.len();
    cx.sink.diags = diagnostics;
    endings.report(&mut cx);
    let mut diagnostics = std::mem::take(&mut cx.sink.diags);
    if diagnostics.len() > n {
        sort_diagnostics(&mut diagnostics);
    }

    let mut lines = node_lines.into_iter();
    root.line = lines.next().unwrap_or(1);
    for h in &mut headers {
        h.line = lines.next().unwrap_or(1);
    }
    assign_lines(&mut root, &mut lines);
    Report {
        diagnostics,
        headers,
        mime: view.then_some(root),
        envelope_comparison,
        suppressed: cx.sink.suppressed(),
    }
}

/// The report on a UTF-16 file: that one finding. Read as bytes, its every other byte is
/// a NUL and its field names are garbage: the findings would all be about that.
fn utf16_report<'a>(start: usize, end: usize) -> Report<'a> {
    use diag::DiagExt;
    let mut sink = diag::Sink::default();
    let d = sink.add(
        &diag::rule::INVALID_UTF8,
        start,
        end,
        "the file is UTF-16 text (as Notepad's \"Unicode\" saves it), not a message: mail travels as bytes, ASCII or UTF-8; nothing else was checked",
        "このファイルは UTF-16 のテキスト（メモ帳の「Unicode」保存など）で、メッセージではありません。メールはバイト列（ASCII か UTF-8）で送られます。ほかの点は検査していません",
    );
    let d = d.rfc("RFC 5322 2.1").hint(
        "Save the file as UTF-8 (or ASCII) with CRLF line breaks, and check it again.",
        "ファイルを UTF-8（または ASCII）、改行 CRLF で保存し直してから検査してください。",
    );
    if let Some(d) = d {
        // The first line: the finding is at byte 0 or 1.
        (d.line, d.column) = (1, 1 + start as u32);
    }
    Report {
        diagnostics: std::mem::take(&mut sink.diags),
        headers: Vec::new(),
        mime: None,
        envelope_comparison: None,
        suppressed: sink.suppressed(),
    }
}

fn sort_diagnostics(d: &mut [Diagnostic]) {
    d.sort_by(|a, b| (a.start, a.end, a.rule).cmp(&(b.start, b.end, b.rule)));
}

/// The header field starts of `n`, then each child's start and, recursively, its own.
fn collect_node_offsets(n: &MimeNode<'_>, out: &mut Vec<usize>) {
    out.extend(n.headers.iter().map(|h| h.start));
    for c in &n.children {
        out.push(c.start);
        collect_node_offsets(c, out);
    }
}

/// Assigns the lines resolved for [`collect_node_offsets`]'s offsets, in its order.
fn assign_lines(n: &mut MimeNode<'_>, it: &mut impl Iterator<Item = u32>) {
    for h in &mut n.headers {
        h.line = it.next().unwrap_or(1);
    }
    for c in &mut n.children {
        c.line = it.next().unwrap_or(1);
        assign_lines(c, it);
    }
}

/// `bare-lf` / `bare-cr`: one diagnostic each, at the first occurrence, with the total
/// (a file with LF endings would otherwise give one per line). Binary bodies are exempt.
/// LFs are handed in by the final sweep over the lines ([`LineEndings::lf`]); CRs are
/// only counted, unless some are bare.
struct LineEndings<'a> {
    buf: &'a [u8],
    /// Bodies sent as binary, sorted.
    exempt: Vec<(usize, usize)>,
    crlf: usize,
    bare_lf: usize,
    /// The first bare LF and its position.
    first_lf: Option<(usize, (u32, u32))>,
}

impl<'a> LineEndings<'a> {
    fn new(cx: &cx::Cx<'a, '_>) -> Self {
        let mut exempt = cx.binary_ranges.clone();
        exempt.sort_unstable();
        LineEndings {
            buf: cx.buf,
            exempt,
            crlf: 0,
            bare_lf: 0,
            first_lf: None,
        }
    }

    fn exempt(&self, p: usize) -> bool {
        let i = self.exempt.partition_point(|r| r.0 <= p);
        i > 0 && self.exempt.get(i - 1).is_some_and(|r| p < r.1)
    }

    /// The LF at `p`, at `pos` (each LF once, in order).
    fn lf(&mut self, p: usize, pos: (u32, u32)) {
        if p > 0 && self.buf.get(p - 1) == Some(&b'\r') {
            self.crlf += 1;
        } else if !self.exempt(p) {
            self.bare_lf += 1;
            if self.first_lf.is_none() {
                self.first_lf = Some((p, pos));
            }
        }
    }

    /// Adds the findings to the sink, their positions resolved.
    fn report(self, cx: &mut cx::Cx) {
        let buf = self.buf;
        // One finding at `p`, at the resolved position `pos`.
        let mut add = |r, p: usize, pos, en, ja| {
            if let Some(d) = cx.sink.add(r, p, p + 1, en, ja) {
                (d.line, d.column) = pos;
            }
        };
        if let Some((p, pos)) = self.first_lf {
            let n = self.bare_lf;
            add(
                &diag::rule::BARE_LF,
                p,
                pos,
                text![
                    "line ends with a bare LF instead of CRLF (",
                    n,
                    " in total; first here)"
                ],
                text![
                    "行末が CRLF ではなく単独の LF です（全部で ",
                    n,
                    " 個、最初はここ）"
                ],
            );
        }
        if memchr::memchr_iter(b'\r', buf).count() == self.crlf {
            return;
        }
        let (mut first, mut n) = (None, 0usize);
        for p in memchr::memchr_iter(b'\r', buf) {
            if buf.get(p + 1) != Some(&b'\n') && !self.exempt(p) {
                n += 1;
                first.get_or_insert(p);
            }
        }
        if let Some(p) = first {
            add(
                &diag::rule::BARE_CR,
                p,
                lines::position(buf, p),
                text!["bare CR not followed by LF (", n, " in total; first here)"],
                text![
                    "LF が続かない単独の CR があります（全部で ",
                    n,
                    " 個、最初はここ）"
                ],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// bare-lf and bare-cr are found in the final walk over the lines: at their first
    /// occurrence, with line and column, sorted in among the other findings.
    #[test]
    fn line_ending_findings_in_place() {
        let m = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: x\n\
                  Message-ID: <1@example.com>\r\nX-A: a\rb\r\nX-B: c\n\r\nbody\r\n";
        let r = lint(m, &LintOptions::default());
        let got: Vec<_> = r
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.line, d.column))
            .collect();
        assert_eq!(
            got,
            [
                ("bare-lf", 3, 11),
                ("bare-cr", 5, 7),
                ("missing-date", 7, 1)
            ]
        );
        assert!(r.diagnostics[0].message.contains("2 in total"));
        let at = |d: &Diagnostic| (d.start, d.end);
        assert_eq!(at(&r.diagnostics[0]), (50, 51));
        assert!(r.diagnostics.windows(2).all(|w| w[0].start <= w[1].start));
    }

    /// Texts that are the input as such are borrowed from it; folded, decoded or
    /// invalid ones are owned, and `into_owned` detaches them all.
    #[test]
    fn report_borrows_plain_texts() {
        let m = b"Subject: plain\r\nTo: a@example.com,\r\n b@example.com\r\nX-Bad: \xff\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody \xe3\x81\x82\r\n";
        let r = lint(m, &LintOptions::default());
        let h = |n: &str| r.header(n).unwrap();
        assert!(matches!(h("subject").name, Cow::Borrowed("Subject")));
        assert!(matches!(h("subject").decoded_value, Cow::Borrowed("plain")));
        assert!(matches!(h("to").raw_value, Cow::Borrowed(_)));
        assert_eq!(h("to").decoded_value, "a@example.com, b@example.com");
        assert!(matches!(h("to").decoded_value, Cow::Owned(_)));
        assert_eq!(h("x-bad").raw_value, " \u{fffd}");
        let text = r.mime.as_ref().and_then(|n| n.text.as_ref()).unwrap();
        assert!(matches!(text, Cow::Borrowed("body あ\r\n")));

        let root = r.mime.as_ref().unwrap();
        assert!(matches!(root.transfer_encoding, Cow::Borrowed("7bit")));
        assert!(matches!(root.content_type, Cow::Borrowed("text/plain")));
        assert!(matches!(root.charset, Some(Cow::Borrowed("utf-8"))));
        let to = &h("to").addresses;
        assert!(matches!(to[1].address, Cow::Borrowed("b@example.com")));
        for (cte, lower) in [(" 8bit ", true), (" Quoted-Printable", false)] {
            let m = format!("Content-Transfer-Encoding:{cte}\r\n\r\nx\r\n");
            let r = lint(m.as_bytes(), &LintOptions::default());
            let te = &r.mime.as_ref().unwrap().transfer_encoding;
            assert_eq!(te, cte.trim().to_ascii_lowercase().as_str());
            assert_eq!(matches!(te, Cow::Borrowed(_)), lower, "{cte:?}");
        }

        let owned: Report<'static> = r.clone().into_owned();
        assert_eq!(owned, r);
        let o = owned.header("subject").unwrap();
        assert!(matches!(o.decoded_value, Cow::Owned(_)));
    }
}
