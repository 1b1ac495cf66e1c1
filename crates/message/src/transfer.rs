//! Body-level checks: line limits, NUL and 8-bit bytes (RFC 2045 2.7-2.10), and
//! validation plus decoding of base64 (6.8) and quoted-printable (6.7) with the position
//! of the first problem of each kind per part (and a count).

use crate::b64::{all_b64_alpha, b64_value, hex_value, B64Decoder};
use crate::cx::Cx;
use crate::diag::{rule, text, DiagExt, Severity};
use crate::lex::trim_wsp_end;

/// Content-Transfer-Encoding, as understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cte {
    SevenBit,
    EightBit,
    Binary,
    QuotedPrintable,
    Base64,
    /// Unrecognised: RFC 2045 6.4 says treat the entity as application/octet-stream.
    Unknown,
}

impl Cte {
    pub fn name(self) -> &'static str {
        match self {
            Cte::SevenBit => "7bit",
            Cte::EightBit => "8bit",
            Cte::Binary => "binary",
            Cte::QuotedPrintable => "quoted-printable",
            Cte::Base64 => "base64",
            Cte::Unknown => "unknown",
        }
    }
    pub fn identity(self) -> bool {
        matches!(self, Cte::SevenBit | Cte::EightBit | Cte::Binary)
    }
}

/// Decoded bodies larger than this are not kept (the check still covers every byte).
pub const MAX_DECODED: usize = 1 << 20;

/// Line-level checks for an identity-encoded region (7bit/8bit body, preamble,
/// epilogue). `what` names the region in messages.
pub(crate) fn scan_identity(
    cx: &mut Cx,
    start: usize,
    end: usize,
    cte: Cte,
    what: &str,
    what_ja: &str,
) {
    let buf = cx.buf;
    let region = buf.get(start..end.min(buf.len())).unwrap_or(&[]);
    // (Once one is known, the enclosing composites need no other.)
    if cx.eight_bit.is_none() && matches!(cte, Cte::EightBit | Cte::Binary) && !region.is_ascii() {
        cx.eight_bit = region.iter().position(|&b| b >= 0x80).map(|p| start + p);
    }
    if cte == Cte::Binary {
        cx.binary_ranges.push((start, end));
        return;
    }
    // Only a region longer than the limit can hold a long line: most bodies are checked
    // without visiting their lines.
    if region.len() > 998 {
        for l in cx.lines(start, end) {
            let len = l.len();
            if len > 998 {
                cx.sink
                    .add_with(&rule::LINE_TOO_LONG, l.start + 998, l.content_end, || {
                        (
                            text![
                                "line in the ",
                                what,
                                " is ",
                                len,
                                " octets long; the limit is 998 (plus CRLF)"
                            ]
                            .into(),
                            text![
                                what_ja,
                                "の行が ",
                                len,
                                " オクテットあります。上限は 998 オクテット（CRLF を除く）です"
                            ]
                            .into(),
                        )
                    });
            }
        }
    }
    if let Some(p) = memchr::memchr(0, region).map(|p| start + p) {
        cx.sink.add(
            &rule::NUL_BYTE,
            p,
            p + 1,
            text![
                "NUL byte in the ",
                what,
                ": not allowed in 7bit or 8bit data"
            ],
            text![
                what_ja,
                "に NUL バイトがあります。7bit と 8bit のデータでは使えません"
            ],
        );
    }
    if cte == Cte::SevenBit && !region.is_ascii() {
        let p = start + region.iter().position(|&b| b >= 0x80).unwrap_or(0);
        cx.sink.add(
            &rule::EIGHTBIT_IN_7BIT,
            p,
            crate::lines::non_ascii_end(buf, p).min(end),
            text!["8-bit byte in the ", what, ", which is 7bit (no Content-Transfer-Encoding says otherwise)"],
            text![what_ja, "に 8 ビットのバイトがありますが、7bit 扱いです（Content-Transfer-Encoding で別の指定がありません）"],
        );
    }
}

/// Validates base64 in `start..end`; returns the decoded bytes when `keep` (capped at
/// [`MAX_DECODED`]).
pub(crate) fn check_base64(cx: &mut Cx, start: usize, end: usize, keep: bool) -> Vec<u8> {
    let buf = cx.buf;
    let mut out = Vec::new();
    let mut dec = B64Decoder::default();
    let (mut bad_first, mut bad_n) = (None, 0usize);
    let (mut long_first, mut long_n) = (None, 0usize);
    let mut eight: Option<usize> = None;
    let mut data = 0usize; // alphabet chars
    let mut pads = 0usize;
    let mut pad_problem: Option<(usize, usize, &str, &str)> = None;
    // Where the data ends (after its last alphabet or '=' character), and the first '=':
    // a problem with the end of the data points there, not past the final line break.
    let (mut data_end, mut first_pad) = (start, None);
    for l in cx.lines(start, end) {
        let s = buf.get(l.start..l.content_end).unwrap_or(&[]);
        if s.len() > 76 {
            long_n += 1;
            long_first.get_or_insert((l.start + 76, l.content_end, s.len()));
        }
        // Fast path for the common line of pure alphabet characters (no decoding needed).
        if !keep && pads == 0 && all_b64_alpha(s) {
            data += s.len();
            if !s.is_empty() {
                data_end = l.content_end;
            }
            continue;
        }
        for (k, &b) in s.iter().enumerate() {
            if b64_value(b).is_some() {
                data_end = l.start + k + 1;
                if pads > 0 && pad_problem.is_none() {
                    pad_problem = Some((
                        l.start + k,
                        l.start + k + 1,
                        "data after '=' padding",
                        "'=' パディングの後にデータがあります",
                    ));
                }
                data += 1;
            } else if b == b'=' {
                pads += 1;
                data_end = l.start + k + 1;
                first_pad.get_or_insert(l.start + k);
                if pads == 1 && data % 4 < 2 && pad_problem.is_none() {
                    pad_problem = Some((
                        l.start + k,
                        l.start + k + 1,
                        "'=' padding in the wrong place",
                        "'=' パディングの位置が正しくありません",
                    ));
                }
            } else if b == b' ' || b == b'\t' || b == b'\r' {
                // transport whitespace, ignored
            } else {
                bad_n += 1;
                bad_first.get_or_insert(l.start + k);
                if b >= 0x80 {
                    eight.get_or_insert(l.start + k);
                }
            }
            if keep && out.len() < MAX_DECODED {
                dec.push(b, &mut out);
            }
        }
    }
    if keep {
        dec.flush(&mut out);
    }
    if let Some(p) = bad_first {
        cx.sink.add(
            &rule::BASE64_INVALID_CHAR,
            p,
            p + 1,
            text![bad_n, " character(s) outside the base64 alphabet (first here); decoders skip them, so the data is probably corrupt"],
            text!["base64 のアルファベット以外の文字が ", bad_n, " 個あります（最初はここ）。デコーダは読み飛ばすため、データが壊れている可能性があります"],
        );
    }
    if let Some((s, e, len)) = long_first {
        cx.sink.add(
            &rule::BASE64_LINE_TOO_LONG,
            s,
            e,
            text![
                long_n,
                " base64 line(s) longer than 76 characters (this one: ",
                len,
                ")"
            ],
            text![
                "76 文字を超える base64 の行が ",
                long_n,
                " 行あります（この行は ",
                len,
                " 文字）"
            ],
        );
    }
    let q = data % 4;
    if pad_problem.is_none() && !matches!((q, pads), (0, 0) | (2, 2) | (3, 1)) {
        if pads == 0 {
            // At the last character, where the padding is missing.
            pad_problem = Some((
                data_end.saturating_sub(1).max(start),
                data_end,
                "the data ends in the middle of a 4-character group and has no '=' padding",
                "データが 4 文字単位の途中で終わり、'=' パディングもありません",
            ));
        } else {
            // The padding.
            pad_problem = Some((
                first_pad.unwrap_or(data_end),
                data_end,
                "wrong number of '=' padding characters",
                "'=' パディングの数が正しくありません",
            ));
        }
    }
    if let Some((p, e, en, ja)) = pad_problem {
        cx.sink.add(
            &rule::BASE64_BAD_PADDING,
            p,
            e.max(p),
            text!["base64: ", en],
            text!["base64: ", ja],
        );
    }
    if let Some(p) = eight {
        cx.sink.add(
            &rule::EIGHTBIT_IN_7BIT,
            p,
            crate::lines::non_ascii_end(buf, p),
            "8-bit byte in base64 data, which must be 7bit",
            "base64 のデータに 8 ビットのバイトがあります。7bit でなければなりません",
        );
    }
    out
}

/// Validates quoted-printable in `start..end`; returns the decoded bytes when `keep`.
pub(crate) fn check_qp(cx: &mut Cx, start: usize, end: usize, keep: bool) -> Vec<u8> {
    let buf = cx.buf;
    let mut out = Vec::new();
    let (mut esc_first, mut esc_n) = (None, 0usize);
    let mut lower_first: Option<usize> = None;
    let (mut long_first, mut long_n) = (None, 0usize);
    let (mut trail_first, mut trail_n) = (None, 0usize);
    let mut eight: Option<usize> = None;
    let mut nul: Option<usize> = None;
    // A literal control character (not TAB; CR is bare-cr's): not a safe-char (6.7 (2)).
    let mut ctl: Option<usize> = None;
    for l in cx.lines(start, end) {
        let s = buf.get(l.start..l.content_end).unwrap_or(&[]);
        // Literal whitespace at the end of the line (6.7 rule 3): reported, and deleted
        // from the decoded text as readers do. After a soft break's "=" it is padding
        // that the soft break skips anyway.
        let run = trim_wsp_end(s).len();
        let trailing = if run > 0 && s.get(run - 1) == Some(&b'=') {
            0
        } else {
            s.len() - run
        };
        if trailing > 0 {
            trail_n += 1;
            trail_first.get_or_insert((l.start + run, l.content_end));
        }
        if s.len() > 76 {
            long_n += 1;
            long_first.get_or_insert((l.start + 76, l.content_end, s.len()));
        }
        let mut k = 0;
        let mut soft = false;
        while let Some(&b) = s.get(k) {
            match b {
                b'=' => {
                    let rest = s.get(k + 1..).unwrap_or(&[]);
                    if rest.iter().all(|&c| c == b' ' || c == b'\t') {
                        soft = true; // soft line break (trailing transport padding allowed)
                        break;
                    }
                    let h = rest.first().copied();
                    let lo = rest.get(1).copied();
                    match (h.and_then(hex_value), lo.and_then(hex_value)) {
                        (Some(a), Some(c)) => {
                            if h.is_some_and(|x| x.is_ascii_lowercase())
                                || lo.is_some_and(|x| x.is_ascii_lowercase())
                            {
                                lower_first.get_or_insert(l.start + k);
                            }
                            if keep && out.len() < MAX_DECODED {
                                out.push(a << 4 | c);
                            }
                            k += 3;
                            continue;
                        }
                        _ => {
                            esc_n += 1;
                            esc_first.get_or_insert(l.start + k);
                            if keep && out.len() < MAX_DECODED {
                                out.push(b'=');
                            }
                        }
                    }
                }
                _ => {
                    if b >= 0x80 {
                        eight.get_or_insert(l.start + k);
                    } else if b == 0 {
                        nul.get_or_insert(l.start + k);
                    } else if (b < 0x20 && b != b'\t' && b != b'\r') || b == 0x7f {
                        ctl.get_or_insert(l.start + k);
                    }
                    if keep && out.len() < MAX_DECODED {
                        out.push(b);
                    }
                }
            }
            k += 1;
        }
        if keep && !soft && out.len() < MAX_DECODED {
            // Below the cap the whole line was copied, its trailing whitespace last.
            out.truncate(out.len().saturating_sub(trailing));
            if l.terminated {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    // An escape's range: '=' and up to two more bytes of its line, inside the body.
    let escape_end = |p: usize| {
        let rest = buf.get(p + 1..end.min(buf.len())).unwrap_or(&[]);
        p + 1
            + rest
                .iter()
                .take(2)
                .take_while(|&&b| b != b'\r' && b != b'\n')
                .count()
    };
    if let Some(p) = esc_first {
        cx.sink.add(
            &rule::QP_INVALID_ESCAPE,
            p,
            escape_end(p),
            text![
                esc_n,
                " '=' not followed by two hex digits or a line break (first here)"
            ],
            text![
                "16 進数 2 桁か改行が続かない '=' が ",
                esc_n,
                " 個あります（最初はここ）"
            ],
        );
    }
    if let Some(p) = ctl {
        let c = buf.get(p).copied().unwrap_or(0);
        cx.sink
            .add(
                &rule::QP_INVALID_ESCAPE,
                p,
                p + 1,
                format!("literal control character 0x{c:02X} in quoted-printable data; it must be encoded as ={c:02X}"),
                format!("quoted-printable のデータに生の制御文字 0x{c:02X} があります。={c:02X} とエンコードしなければなりません"),
            )
            .hint(
                "Only printable ASCII, spaces and tabs may stand as themselves; encode every other byte as =XX.",
                "そのまま書けるのは印字可能な ASCII と空白、タブだけです。それ以外のバイトは =XX とエンコードしてください。",
            );
    }
    if let Some(p) = lower_first {
        cx.sink
            .add(
                &rule::QP_INVALID_ESCAPE,
                p,
                escape_end(p),
                "lowercase hex digits in a quoted-printable escape; they must be uppercase",
                "quoted-printable のエスケープに小文字の 16 進数があります。大文字でなければなりません",
            )
            .sev(Severity::Warning);
    }
    if let Some((s, e)) = trail_first {
        cx.sink
            .add(
                &rule::QP_INVALID_ESCAPE,
                s,
                e,
                text![trail_n, " quoted-printable line(s) end in a literal space or tab (first here): readers delete it as transport padding"],
                text!["末尾が生の空白かタブの quoted-printable の行が ", trail_n, " 行あります（最初はここ）。受信側はトランスポートの詰め物として削除します"],
            )
            .sev(Severity::Warning)
            .rfc("RFC 2045 6.7")
            .hint(
                "Encode whitespace at the end of a line as =20 (space) or =09 (tab), or drop it.",
                "行末の空白は =20（スペース）か =09（タブ）でエンコードするか、削除してください。",
            );
    }
    if let Some((s, e, len)) = long_first {
        cx.sink.add(
            &rule::QP_LINE_TOO_LONG,
            s,
            e,
            text![
                long_n,
                " quoted-printable line(s) longer than 76 characters (this one: ",
                len,
                ")"
            ],
            text![
                "76 文字を超える quoted-printable の行が ",
                long_n,
                " 行あります（この行は ",
                len,
                " 文字）"
            ],
        );
    }
    if let Some(p) = eight {
        cx.sink.add(
            &rule::EIGHTBIT_IN_7BIT,
            p,
            crate::lines::non_ascii_end(buf, p),
            "raw 8-bit byte in quoted-printable data, which must be 7bit (encode it as =XX)",
            "quoted-printable のデータに生の 8 ビットのバイトがあります。7bit でなければなりません（=XX でエンコード）",
        );
    }
    if let Some(p) = nul {
        cx.sink
            .add(
                &rule::NUL_BYTE,
                p,
                p + 1,
                "NUL byte in quoted-printable data (encode it as =00)",
                "quoted-printable のデータに NUL バイトがあります（=00 でエンコード）",
            )
            .rfc("RFC 2045 6.7");
    }
    out
}
