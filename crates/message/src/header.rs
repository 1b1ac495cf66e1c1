//! Header section scanning (RFC 5322 2.2, 3.5): splits a header block into fields with
//! byte spans, checks each physical line, and finds where the body starts.
//!
//! Parsing goes on past a malformed line. A line without a colon is a malformed header
//! line if a well-formed field follows it before the first empty line, and otherwise the
//! first body line of a message whose separator is missing.

use crate::cx::Cx;
use crate::diag::{rule, text, DiagExt, Severity};
use crate::encoded_word::{self, Mode};
use crate::lex::{is_wsp, trim_wsp_end};
use crate::lines::Line;
use std::borrow::Cow;

/// One header field. `value_start..value_end` is everything after the colon up to the
/// end of the field's last line (folding line breaks included, terminator excluded).
#[derive(Debug, Clone)]
pub(crate) struct Field<'a> {
    /// Lower-cased name, trimmed of obsolete whitespace before the colon.
    pub lname: LowerName,
    /// The name as written (lossy UTF-8), borrowed from the input.
    pub name: Cow<'a, str>,
    /// The bytes after the colon (lossy UTF-8, folding included), borrowed from the input
    /// when valid: converted once here, where the field's bytes are checked anyway.
    pub raw_value: Cow<'a, str>,
    pub start: usize,
    pub name_end: usize,
    pub value_start: usize,
    pub value_end: usize,
    /// First byte after the field (after its final line terminator).
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The message itself.
    Top,
    /// A message inside message/rfc822.
    Nested,
    /// A MIME body part's header.
    Part,
}

#[derive(Debug, Clone)]
pub(crate) struct Header<'a> {
    pub fields: Vec<Field<'a>>,
    /// Where the body starts (== range end when there is none).
    pub body_start: usize,
    /// Where a missing field would be inserted: the start of the empty separator line,
    /// or the first body line when the separator is missing.
    pub insert_at: usize,
}

impl<'a> Header<'a> {
    pub fn get(&self, lname: &str) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.lname.is(lname))
    }
}

/// Bytes kept inline by [`LowerName`]; longer names go to the heap.
const INLINE: usize = 30;

/// A lower-cased field name, for comparisons only: kept inline when short (nearly
/// always), so scanning a header section does not allocate per field. Bytes, not text:
/// a name that is not ASCII matches no known name, so it needs no UTF-8 check.
#[derive(Clone, Debug)]
pub(crate) enum LowerName {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Vec<u8>),
}

impl LowerName {
    /// `s` in ASCII lower case.
    pub fn lower(s: &[u8]) -> Self {
        let mut v = match u8::try_from(s.len()) {
            Ok(len) if s.len() <= INLINE => {
                let mut buf = [0u8; INLINE];
                if let Some(dst) = buf.get_mut(..s.len()) {
                    dst.copy_from_slice(s);
                }
                LowerName::Inline { len, buf }
            }
            _ => LowerName::Heap(s.to_vec()),
        };
        match &mut v {
            LowerName::Inline { len, buf } => {
                if let Some(b) = buf.get_mut(..usize::from(*len)) {
                    b.make_ascii_lowercase();
                }
            }
            LowerName::Heap(h) => h.make_ascii_lowercase(),
        }
        v
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            LowerName::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or(&[]),
            LowerName::Heap(h) => h,
        }
    }

    pub fn is(&self, s: &str) -> bool {
        self.as_bytes() == s.as_bytes()
    }
}

/// RFC 5322 3.6.8 ftext.
pub(crate) fn is_ftext(b: u8) -> bool {
    (33..=126).contains(&b) && b != b':'
}

fn looks_like_field(buf: &[u8], l: &Line) -> bool {
    let s = buf.get(l.start..l.content_end).unwrap_or(&[]);
    match memchr::memchr(b':', s) {
        Some(c) if c > 0 => {
            let name = s.get(..c).unwrap_or(&[]);
            let trimmed = trim_wsp_end(name);
            !trimmed.is_empty() && trimmed.iter().all(|&b| is_ftext(b))
        }
        _ => false,
    }
}

/// Scans the header block in `start..end`.
pub(crate) fn parse<'a>(cx: &mut Cx<'a, '_>, start: usize, end: usize, kind: Kind) -> Header<'a> {
    let buf = cx.buf;
    let mut fields: Vec<Field<'a>> = Vec::with_capacity(8);
    // Lazily computed: start of the last field-looking line before the first empty line.
    let mut last_fieldlike: Option<Option<usize>> = None;
    let mut cur: Option<Field> = None;
    let mut long_flagged_for_cur = false;
    let mut body_start = end;
    let mut insert_at = end;
    let mut done = false;
    let mut last_line: Option<Line> = None;

    for l in cx.lines(start, end) {
        last_line = Some(l);
        if l.is_empty() && l.terminated {
            finish(cx, &mut fields, cur.take());
            body_start = l.next;
            insert_at = l.start;
            done = true;
            break;
        }
        let first = buf.get(l.start).copied().unwrap_or(0);
        // Physical line checks.
        let len = l.len();
        if len > 998 {
            cx.sink
                .add_with(&rule::LINE_TOO_LONG, l.start + 998, l.content_end, || {
                    (
                        text![
                            "header line is ",
                            len,
                            " octets long; the limit is 998 (plus CRLF)"
                        ]
                        .into(),
                        text![
                            "ヘッダー行が ",
                            len,
                            " オクテットあります。上限は 998 オクテット（CRLF を除く）です"
                        ]
                        .into(),
                    )
                });
        }
        if is_wsp(first) {
            match cur.as_mut() {
                Some(f) => {
                    f.value_end = l.content_end;
                    f.end = l.next;
                    if len > 76 && len <= 998 && !long_flagged_for_cur {
                        long_flagged_for_cur = flag_long(cx, &l, f.lname.as_bytes());
                    }
                }
                None => {
                    cx.sink.add(
                        &rule::INVALID_FIELD_NAME,
                        l.start,
                        l.content_end,
                        "line starts with whitespace but there is no field above it to continue",
                        "行頭が空白ですが、続きとなる直前のフィールドがありません",
                    );
                }
            }
            continue;
        }
        finish(cx, &mut fields, cur.take());
        long_flagged_for_cur = false;
        let s = buf.get(l.start..l.content_end).unwrap_or(&[]);
        match memchr::memchr(b':', s) {
            Some(colon) => {
                let raw_name = s.get(..colon).unwrap_or(&[]);
                let name = trim_wsp_end(raw_name);
                if name.is_empty() {
                    cx.sink.add(
                        &rule::INVALID_FIELD_NAME,
                        l.start,
                        l.start + colon + 1,
                        "field name is empty: the line starts with ':'",
                        "フィールド名が空です（行が ':' で始まっています）",
                    );
                } else if let Some(bad) = name.iter().position(|&b| !is_ftext(b)) {
                    let c = name.get(bad).copied().unwrap_or(0);
                    let mbox = fields.is_empty() && kind == Kind::Top && s.starts_with(b"From ");
                    let messages = || {
                        let what = if c == b' ' || c == b'\t' {
                            "whitespace".to_string()
                        } else {
                            format!("byte 0x{c:02X}")
                        };
                        let what_ja = if c == b' ' || c == b'\t' {
                            "空白".to_string()
                        } else {
                            format!("バイト 0x{c:02X}")
                        };
                        if mbox {
                            (
                            "this is an mbox 'From ' separator line, not a header field; strip it before sending".into(),
                            "これは mbox の 'From ' 区切り行でありヘッダーフィールドではありません。送信前に取り除いてください".into(),
                        )
                        } else {
                            (
                                text![
                                    "invalid field name '",
                                    crate::lex::lossy_cow(name),
                                    "': ",
                                    what,
                                    " is not allowed in a field name"
                                ]
                                .into(),
                                text![
                                    "フィールド名 '",
                                    crate::lex::lossy_cow(name),
                                    "' が不正です: フィールド名に",
                                    what_ja,
                                    "は使えません"
                                ]
                                .into(),
                            )
                        }
                    };
                    cx.sink.add_with(
                        &rule::INVALID_FIELD_NAME,
                        l.start,
                        l.start + colon,
                        messages,
                    );
                } else if name.len() < raw_name.len() {
                    cx.sink
                        .add(
                            &rule::INVALID_FIELD_NAME,
                            l.start + name.len(),
                            l.start + colon,
                            "whitespace between field name and colon is obsolete syntax",
                            "フィールド名とコロンの間の空白は廃止された構文です",
                        )
                        .sev(Severity::Warning)
                        .rfc("RFC 5322 4.5");
                }
                let lname = LowerName::lower(name);
                if len > 76 && len <= 998 {
                    long_flagged_for_cur = flag_long(cx, &l, lname.as_bytes());
                }
                cur = Some(Field {
                    lname,
                    // Both set by `finish`, which converts the whole field at once.
                    name: Cow::Borrowed(""),
                    raw_value: Cow::Borrowed(""),
                    start: l.start,
                    name_end: l.start + name.len(),
                    value_start: l.start + colon + 1,
                    value_end: l.content_end,
                    end: l.next,
                });
            }
            None => {
                let lf = *last_fieldlike.get_or_insert_with(|| {
                    let mut last = None;
                    for m in cx.lines(l.start, end) {
                        if m.is_empty() {
                            break;
                        }
                        if looks_like_field(buf, &m) {
                            last = Some(m.start);
                        }
                    }
                    last
                });
                if lf.is_some_and(|p| p > l.start) {
                    cx.sink.add(
                        &rule::MISSING_COLON,
                        l.start,
                        l.content_end,
                        "header line has no colon: it is neither a field nor a continuation",
                        "ヘッダー行にコロンがありません。フィールドでも継続行でもありません",
                    );
                } else {
                    cx.sink.add(
                        &rule::MISSING_HEADER_BODY_SEPARATOR,
                        l.start,
                        l.content_end,
                        "no empty line between the header and this line, which starts the body",
                        "ヘッダーと、本文の始まりであるこの行の間に空行がありません",
                    );
                    body_start = l.start;
                    insert_at = l.start;
                    done = true;
                    break;
                }
            }
        }
    }
    if !done {
        finish(cx, &mut fields, cur.take());
        insert_at = end;
        match last_line {
            Some(l) if !l.terminated => {
                let sev = if kind == Kind::Top {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                cx.sink
                    .add(
                        &rule::MISSING_HEADER_BODY_SEPARATOR,
                        end,
                        end,
                        "input ends inside the header: the last field has no CRLF and no empty line follows",
                        "ヘッダーの途中で入力が終わっています。最後のフィールドに CRLF がなく、空行もありません",
                    )
                    .sev(sev);
            }
            Some(_) if kind == Kind::Top => {
                cx.sink
                    .add(
                        &rule::MISSING_HEADER_BODY_SEPARATOR,
                        end,
                        end,
                        "the message ends after the header without an empty line; legal (the body is optional), but some parsers flag it",
                        "ヘッダーの後に空行がないまま終わっています。本文は省略可能なので規格上は正しいですが、警告するパーサもあります",
                    )
                    .sev(Severity::Info)
                    .rfc("RFC 5322 3.5");
            }
            _ => {}
        }
    }
    Header {
        fields,
        body_start,
        insert_at,
    }
}

/// `header-line-over-78` for a line of more than 78 octets, if it also has more than 78
/// characters: RFC 6532 3.4 keeps the 998 limit in octets but counts the 78 in
/// characters, so 30 kana (90 octets) are fine. (Lines that are not UTF-8 count octets.)
/// A long line of the field `lname`: over 76 characters with an encoded word in it (RFC
/// 2047 2, the stricter limit, reported instead of the next), or over 78 (RFC 5322
/// 2.1.1). Whether one was reported.
fn flag_long(cx: &mut Cx, l: &Line, lname: &[u8]) -> bool {
    let bytes = cx.slice(l.start, l.content_end);
    let utf8 = !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok();
    // Character starts are the bytes that are not UTF-8 continuation bytes.
    let starts = || {
        bytes
            .iter()
            .enumerate()
            .filter(move |(_, &b)| !utf8 || b & 0xC0 != 0x80)
            .map(|(k, _)| k)
    };
    let len = starts().count();
    let ew_line = len > 76
        && encoded_word::mode_for(lname) != Mode::Raw
        && encoded_word::has_encoded_word(bytes);
    let (limit, r) = if ew_line {
        (76, &rule::ENCODED_WORD_TOO_LONG)
    } else {
        (78, &rule::HEADER_LINE_OVER_78)
    };
    let Some(at) = starts().nth(limit) else {
        return false;
    };
    let d = cx.sink.add_with(r, l.start + at, l.content_end, || {
        if ew_line {
            (
                text![
                    "line with encoded words is ",
                    len,
                    " characters long; the limit for such lines is 76"
                ]
                .into(),
                text![
                    "エンコードワードを含む行が ",
                    len,
                    " 文字あります。このような行の上限は 76 文字です"
                ]
                .into(),
            )
        } else {
            (
                text![
                    "header line is ",
                    len,
                    " characters long; lines SHOULD be at most 78"
                ]
                .into(),
                text![
                    "ヘッダー行が ",
                    len,
                    " 文字あります。78 文字以内にすべきです（SHOULD）"
                ]
                .into(),
            )
        }
    });
    if ew_line {
        d.hint(
            "Fold the field before an encoded word (CRLF and a space), or split the text into more, shorter encoded words.",
            "エンコードワードの前でフィールドを折り返す（CRLF と空白）か、テキストをより短いエンコードワードに分けてください。",
        );
    }
    true
}

/// Finishes a field: byte-level checks on its whole extent, then stores it.
fn finish<'a>(cx: &mut Cx<'a, '_>, fields: &mut Vec<Field<'a>>, f: Option<Field<'a>>) {
    let Some(mut f) = f else { return };
    let buf = cx.buf;
    let bytes = buf.get(f.start..f.value_end).unwrap_or(&[]);
    f.name = cx.text_at(f.start, f.name_end);
    f.raw_value = cx.text_at(f.value_start, f.value_end);
    if let Some(p) = cx.nul_in(f.start, f.value_end).map(|p| p - f.start) {
        cx.sink
            .add(
                &rule::NUL_BYTE,
                f.start + p,
                f.start + p + 1,
                text!["NUL byte in the ", f.name, " field"],
                text![f.name, " フィールドに NUL バイトがあります"],
            )
            .rfc("RFC 5322 2.2");
    }
    if !bytes.is_ascii() {
        let first = bytes.iter().position(|&b| b >= 0x80).unwrap_or(0);
        match std::str::from_utf8(bytes) {
            Err(e) => {
                let p = f.start + e.valid_up_to();
                cx.sink.add(
                    &rule::INVALID_UTF8,
                    p,
                    p + e.error_len().unwrap_or(1),
                    text!["raw 8-bit bytes in the ", f.name, " field are not UTF-8; the receiver cannot know their charset"],
                    text![f.name, " フィールドの生の 8 ビットバイトは UTF-8 ではありません。受信側は文字コードを判別できません"],
                );
            }
            Ok(_) if cx.in_global => {}
            Ok(_) => {
                let p = f.start + first;
                cx.header_utf8.get_or_insert(p);
                match cx.envelope {
                    None => {
                        cx.sink.add(
                            &rule::EIGHTBIT_HEADER,
                            p,
                            crate::lines::non_ascii_end(buf, p),
                            text!["raw non-ASCII (UTF-8) text in the ", f.name, " field: valid only when the message travels with SMTPUTF8 (RFC 6532)"],
                            text![f.name, " フィールドに生の非 ASCII（UTF-8）文字があります。SMTPUTF8 で運ばれる場合（RFC 6532）にのみ有効です"],
                        );
                    }
                    Some(env) if !env.smtputf8 => {
                        cx.sink.add(
                            &rule::SMTPUTF8_REQUIRED,
                            p,
                            crate::lines::non_ascii_end(buf, p),
                            text!["raw UTF-8 in the ", f.name, " field needs the SMTPUTF8 extension, but the envelope does not use it"],
                            text![f.name, " フィールドの生の UTF-8 には SMTPUTF8 拡張が必要ですが、エンベロープで使われていません"],
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }
    fields.push(f);
}
