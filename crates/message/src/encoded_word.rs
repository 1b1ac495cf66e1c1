//! RFC 2047 encoded words: recognition, checks and decoding of header text.
//!
//! `=?charset[*lang]?B|Q?encoded-text?=`. Decoding follows RFC 2047 6.2: whitespace
//! between two adjacent encoded words is dropped; an unknown charset leaves the word as
//! it is. Words glued to other text are decoded for display (as most readers do) but
//! flagged.

use crate::b64::{b64_decode_strict, hex_value};
use crate::charset;
use crate::diag::{rule, text, DiagExt, Sink};
use std::borrow::Cow;

/// A syntactically recognised encoded word `buf[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ew<'a> {
    pub start: usize,
    pub end: usize,
    pub charset: &'a str,
    pub b: bool,
    pub text: &'a [u8],
}

/// Offset of the first "=?" in `s` (memchr on '=': no searcher to build per call).
pub(crate) fn find_ew_start(s: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'=', s).find(|&i| s.get(i + 1) == Some(&b'?'))
}

/// Whether `s` holds a well-formed encoded word (not only "=?", as in a URL's query).
/// Each "=?" is read at most 128 bytes on: a longer word is flagged on its own, and a
/// line of "=?" costs no more than linear time.
pub(crate) fn has_encoded_word(s: &[u8]) -> bool {
    memchr::memchr_iter(b'=', s)
        .filter(|&i| s.get(i + 1) == Some(&b'?'))
        .any(|i| scan_at(s, i, s.len().min(i + 128)).is_some())
}

/// RFC 2047 2: token chars exclude SPACE, CTLs and especials.
fn is_token(b: u8) -> bool {
    b > 0x20 && b < 0x7f && !b"()<>@,;:\"/[]?.=".contains(&b)
}

/// Parses an encoded word starting at `pos` (which must hold `=?`), not reading past
/// `limit`. Returns `None` when the bytes do not have the encoded-word shape.
pub(crate) fn scan_at(buf: &[u8], pos: usize, limit: usize) -> Option<Ew<'_>> {
    let limit = limit.min(buf.len());
    if buf.get(pos..pos + 2)? != b"=?" {
        return None;
    }
    let cs_start = pos + 2;
    let mut i = cs_start;
    // charset, optionally "*language" (RFC 2231 5): '*' is a token char already.
    while i < limit && is_token(*buf.get(i)?) {
        i += 1;
    }
    if i == cs_start || buf.get(i) != Some(&b'?') {
        return None;
    }
    let charset = std::str::from_utf8(buf.get(cs_start..i)?).ok()?;
    let enc = *buf.get(i + 1)?;
    let b = match enc {
        b'B' | b'b' => true,
        b'Q' | b'q' => false,
        _ => return None,
    };
    if buf.get(i + 2) != Some(&b'?') {
        return None;
    }
    let t_start = i + 3;
    let mut j = t_start;
    while j < limit {
        let c = *buf.get(j)?;
        if c == b'?' {
            break;
        }
        if !(0x21..0x7f).contains(&c) {
            return None;
        }
        j += 1;
    }
    if j + 2 > limit || buf.get(j..j + 2)? != b"?=" {
        return None;
    }
    Some(Ew {
        start: pos,
        end: j + 2,
        charset,
        b,
        text: buf.get(t_start..j)?,
    })
}

/// Decodes the encoded text to bytes; also returns the first problem found.
pub(crate) fn decode_bytes(ew: &Ew) -> (Vec<u8>, Option<(&'static str, &'static str)>) {
    if ew.b {
        let (out, p) = b64_decode_strict(ew.text);
        (out, p.map(|(_, en, ja)| (en, ja)))
    } else {
        let mut out = Vec::with_capacity(ew.text.len());
        let mut problem = None;
        let mut i = 0;
        while let Some(&c) = ew.text.get(i) {
            match c {
                b'_' => out.push(b' '),
                b'=' => {
                    let h = ew.text.get(i + 1).copied().and_then(hex_value);
                    let l = ew.text.get(i + 2).copied().and_then(hex_value);
                    if let (Some(h), Some(l)) = (h, l) {
                        out.push(h << 4 | l);
                        i += 2;
                    } else {
                        out.push(b'=');
                        problem.get_or_insert((
                            "'=' not followed by two hex digits",
                            "'=' の後に 16 進数 2 桁がありません",
                        ));
                    }
                }
                _ => out.push(c),
            }
            i += 1;
        }
        (out, problem)
    }
}

/// How a field body is decoded for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// RFC 2047 5(1): `*text` fields (Subject, Comments, X-...).
    Unstructured,
    /// RFC 2047 5(2), 5(3): words in phrases and comments; never inside quoted strings.
    Structured,
    /// No encoded words allowed (Date, Message-ID, Received...): just unfold.
    Raw,
}

fn is_special(b: u8) -> bool {
    b"()<>[]:;@\\,.\"".contains(&b)
}

/// What [`decode_field`] returns for a value without "=?", from the value's (lossy)
/// text: trimmed of whitespace and line breaks, unfolded.
pub(crate) fn unfold_trim(raw: &str) -> Cow<'_, str> {
    // The trimmed characters are ASCII, so byte positions are character boundaries.
    let is_ws = |b: &u8| matches!(*b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = raw.as_bytes();
    let s = bytes.iter().position(|b| !is_ws(b)).unwrap_or(bytes.len());
    let e = bytes.iter().rposition(|b| !is_ws(b)).map_or(s, |p| p + 1);
    let t = raw.get(s..e).unwrap_or("");
    if memchr::memchr2(b'\r', b'\n', t.as_bytes()).is_none() {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    let mut last = 0;
    for p in memchr::memchr2_iter(b'\r', b'\n', t.as_bytes()) {
        out.push_str(t.get(last..p).unwrap_or(""));
        last = p + 1;
    }
    out.push_str(t.get(last..).unwrap_or(""));
    Cow::Owned(out)
}

/// How a field body is read for encoded words: which fields may carry them, and where
/// (RFC 2047 5).
pub(crate) fn mode_for(lname: &[u8]) -> Mode {
    match lname {
        b"from"
        | b"sender"
        | b"reply-to"
        | b"to"
        | b"cc"
        | b"bcc"
        | b"resent-from"
        | b"resent-sender"
        | b"resent-to"
        | b"resent-cc"
        | b"resent-bcc"
        | b"keywords"
        | b"disposition-notification-to" => Mode::Structured,
        b"subject" | b"comments" | b"content-description" | b"thread-topic" | b"organization" => {
            Mode::Unstructured
        }
        n if n.starts_with(b"x-") && !n.starts_with(b"x-ms-exchange") => Mode::Unstructured,
        _ => Mode::Raw,
    }
}

/// Unfolds `buf[start..end]` and decodes encoded words per `mode`. When `sink` is given,
/// reports RFC 2047 problems with their byte ranges. Leading/trailing whitespace is
/// trimmed from the result.
pub(crate) fn decode_field(
    buf: &[u8],
    start: usize,
    end: usize,
    mode: Mode,
    mut sink: Option<&mut Sink>,
) -> String {
    let end = end.min(buf.len());
    let raw = buf.get(start.min(end)..end).unwrap_or(&[]);
    if find_ew_start(raw).is_none() {
        // Nothing to decode (the common case): unfold and trim, on bytes (the trimmed
        // bytes are ASCII, so trimming before the lossy conversion gives the same text).
        let is_ws = |b: &u8| matches!(*b, b' ' | b'\t' | b'\r' | b'\n');
        let s = raw.iter().position(|b| !is_ws(b)).unwrap_or(raw.len());
        let e = raw.iter().rposition(|b| !is_ws(b)).map_or(s, |p| p + 1);
        let t = raw.get(s..e).unwrap_or(&[]);
        return if memchr::memchr2(b'\r', b'\n', t).is_some() {
            crate::lex::lossy_cow(t).replace(['\r', '\n'], "")
        } else {
            crate::lex::lossy_cow(t).into_owned()
        };
    }
    let mut out = String::new();
    let mut pending_ws = String::new();
    let mut last_was_ew = false;
    let mut open: Option<(usize, charset::Charset, Vec<u8>)> = None;
    let mut i = start.min(end);
    let mut in_quote = false;
    // Comment nesting (structured mode): phrase rules (RFC 2047 5(3)) apply outside.
    let mut comment = 0usize;
    let at = |i: usize| buf.get(i).copied().unwrap_or(0);
    // Whitespace before the first word and after the last one is not part of the value.
    macro_rules! flush_ws {
        () => {
            if !out.is_empty() {
                out.push_str(&pending_ws);
            }
            pending_ws.clear();
        };
    }
    while i < end {
        let b = at(i);
        if b == b'\r' || b == b'\n' {
            i += 1;
            continue;
        }
        if b == b' ' || b == b'\t' {
            pending_ws.push(char::from(b));
            i += 1;
            continue;
        }
        if mode == Mode::Structured {
            if in_quote && b != b'"' {
                // Copy the quoted string raw; look for encoded words inside.
                let q_start = i;
                let mut j = i;
                while j < end && at(j) != b'"' {
                    if at(j) == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let j = j.min(end);
                flag_quoted(buf, q_start, j, sink.as_deref_mut());
                flush_ws!();
                out.push_str(&crate::lex::lossy_cow(buf.get(q_start..j).unwrap_or(&[])));
                i = j;
                last_was_ew = false;
                continue;
            }
            if is_special(b) {
                match b {
                    b'"' if comment == 0 => in_quote = !in_quote,
                    b'(' => comment += 1,
                    b')' => comment = comment.saturating_sub(1),
                    _ => {}
                }
                flush_ws!();
                out.push(char::from(b));
                i += 1;
                last_was_ew = false;
                continue;
            }
        }
        // A word: up to whitespace (and, in structured mode, a special; inside a comment
        // only a parenthesis ends it, RFC 2047 5(2), so "=?UTF-8?Q?J.R._Doe?=" is one word).
        let ws = i;
        while i < end {
            let c = at(i);
            let special = if comment > 0 {
                c == b'(' || c == b')'
            } else {
                is_special(c)
            };
            if c == b' '
                || c == b'\t'
                || c == b'\r'
                || c == b'\n'
                || (mode == Mode::Structured && special)
            {
                break;
            }
            i += 1;
        }
        let word = buf.get(ws..i).unwrap_or(&[]);
        if mode == Mode::Raw {
            flush_ws!();
            out.push_str(&crate::lex::lossy_cow(word));
            continue;
        }
        match scan_at(buf, ws, i) {
            Some(ew) if ew.end == i => {
                if last_was_ew {
                    pending_ws.clear();
                }
                flush_ws!();
                if mode == Mode::Structured && comment == 0 {
                    check_phrase_q(&ew, sink.as_deref_mut());
                }
                // The word before, when it was left out of ASCII: where its text starts
                // in `out`, its charset and bytes.
                let before = open.take().filter(|_| last_was_ew);
                match decode_checked(&ew, sink.as_deref_mut()) {
                    Some(d) => {
                        match before {
                            // Continue the open word: both decoded as one. (Only a short
                            // run is decoded again: a field of thousands of open words
                            // would otherwise cost quadratic time.)
                            Some((at, cs, mut bytes))
                                if d.cs == cs && bytes.len() + d.bytes.len() <= JOIN_MAX =>
                            {
                                bytes.extend_from_slice(&d.bytes);
                                out.truncate(at);
                                out.push_str(&charset::decode(cs, &bytes).0);
                                open = charset::ends_shifted(cs, &bytes).then_some((at, cs, bytes));
                            }
                            _ => {
                                let at = out.len();
                                out.push_str(&d.text);
                                open = d.open.then_some((at, d.cs, d.bytes));
                            }
                        }
                        last_was_ew = true;
                    }
                    None => {
                        out.push_str(&crate::lex::lossy_cow(word));
                        last_was_ew = false;
                    }
                }
            }
            _ => {
                flush_ws!();
                last_was_ew = false;
                decode_glued(buf, ws, i, &mut out, sink.as_deref_mut());
            }
        }
    }
    out
}

/// RFC 2047 5(3): a Q-encoded word in a phrase (a display name) may use only letters,
/// digits and `! * + - / = _`; anything else must be =XX-encoded. Lenient readers decode
/// it anyway, strict ones split the name at the stray character.
fn check_phrase_q(ew: &Ew, sink: Option<&mut Sink>) {
    let allowed = |c: u8| c.is_ascii_alphanumeric() || b"!*+-/=_".contains(&c);
    let (Some(k), false, Some(s)) = (ew.text.iter().position(|&c| !allowed(c)), ew.b, sink) else {
        return;
    };
    let c = ew.text.get(k).copied().unwrap_or(0);
    let p = ew.end - 2 - ew.text.len() + k;
    s.add(
        &rule::INVALID_ENCODED_WORD,
        p,
        p + 1,
        format!(
            "'{}' in a Q-encoded word of a phrase: only letters, digits and ! * + - / = _ may appear there; write it as ={c:02X}",
            char::from(c)
        ),
        format!(
            "フレーズ内の Q エンコードワードに '{}' があります。使えるのは英数字と ! * + - / = _ だけです。={c:02X} と書いてください",
            char::from(c)
        ),
    )
    .rfc("RFC 2047 5");
}

/// Checks and decodes one full encoded word. `None`: leave the raw text (unknown
/// charset, RFC 2047 6.2).
fn decode_checked(ew: &Ew, mut sink: Option<&mut Sink>) -> Option<Decoded> {
    let len = ew.end - ew.start;
    if len > 75 {
        if let Some(s) = sink.as_deref_mut() {
            s.add(
                &rule::ENCODED_WORD_TOO_LONG,
                ew.start,
                ew.end,
                text!["encoded word is ", len, " characters long; the limit is 75"],
                text![
                    "エンコードワードが ",
                    len,
                    " 文字あります。上限は 75 文字です"
                ],
            );
        }
    }
    let Some(cs) = charset::lookup(ew.charset) else {
        if let Some(s) = sink.as_deref_mut() {
            s.add(
                &rule::UNKNOWN_CHARSET,
                ew.start,
                ew.end,
                text![
                    "unknown charset '",
                    ew.charset,
                    "' in encoded word; readers will show it undecoded"
                ],
                text![
                    "エンコードワードの文字コード '",
                    ew.charset,
                    "' は不明です。受信側ではデコードされずに表示されます"
                ],
            );
        }
        return None;
    };
    let (bytes, problem) = decode_bytes(ew);
    if let (Some((en, ja)), Some(s)) = (problem, sink.as_deref_mut()) {
        s.add(
            &rule::INVALID_ENCODED_WORD,
            ew.start,
            ew.end,
            text![
                "malformed ",
                if ew.b { "B" } else { "Q" },
                "-encoded word: ",
                en
            ],
            text![
                if ew.b { "B" } else { "Q" },
                " エンコードのエンコードワードが不正です: ",
                ja
            ],
        );
    }
    let (text, bad) = charset::decode(cs, &bytes);
    if let (Some(_), Some(s)) = (bad, sink.as_deref_mut()) {
        s.add(
            &rule::CHARSET_DECODE_ERROR,
            ew.start,
            ew.end,
            text!["encoded word's bytes are not valid ", ew.charset],
            text![
                "エンコードワードの中身が ",
                ew.charset,
                " として正しくありません"
            ],
        )
        .rfc("RFC 2047 6.2");
    }
    let open = charset::ends_shifted(cs, &bytes);
    if let (true, Some(s)) = (open, sink) {
        s.add(
            &rule::INVALID_ENCODED_WORD,
            ew.start,
            ew.end,
            text![
                "the ",
                ew.charset,
                " text does not switch back to ASCII at the end of the encoded word; readers that decode each word alone garble what follows"
            ],
            text![
                ew.charset,
                " のテキストがエンコードワードの終わりで ASCII に戻っていません。単語ごとにデコードする受信側では続きが文字化けします"
            ],
        )
        .rfc("RFC 2047 3")
        .hint(
            "Split the text between whole characters and end each word's text with ESC ( B (back to ASCII) before its '?='.",
            "文字の切れ目で分け、各ワードのテキストを '?=' の前に ESC ( B（ASCII に戻す）で終えてください。",
        );
    }
    Some(Decoded {
        text,
        cs,
        bytes,
        open,
    })
}

/// The most bytes of open ISO-2022 words decoded together (a subject is far shorter).
const JOIN_MAX: usize = 1024;

/// One encoded word decoded: its text, charset and bytes.
struct Decoded {
    text: String,
    cs: charset::Charset,
    bytes: Vec<u8>,
    /// Its ISO-2022 text does not switch back to ASCII: it is decoded again together
    /// with the next word of the same charset, as lenient readers do, so a subject split
    /// mid-sequence still reads as written.
    open: bool,
}

/// A word that is not exactly one encoded word: decode embedded encoded words leniently
/// (flagging them) or flag a broken attempt; otherwise copy it.
fn decode_glued(buf: &[u8], ws: usize, we: usize, out: &mut String, mut sink: Option<&mut Sink>) {
    let word = buf.get(ws..we).unwrap_or(&[]);
    let mut copied = ws;
    let mut flagged = false;
    let mut k = ws;
    while let Some(off) = buf.get(k..we).and_then(find_ew_start) {
        let p = k + off;
        if let Some(ew) = scan_at(buf, p, we) {
            out.push_str(&crate::lex::lossy_cow(buf.get(copied..p).unwrap_or(&[])));
            if !flagged {
                flagged = true;
                if let Some(s) = sink.as_deref_mut() {
                    s.add(
                        &rule::INVALID_ENCODED_WORD,
                        ew.start,
                        ew.end,
                        "encoded word is not separated from the surrounding text by whitespace; strict readers show it raw",
                        "エンコードワードが前後のテキストと空白で区切られていません。厳密な受信側ではそのまま表示されます",
                    );
                }
            }
            match decode_checked(&ew, sink.as_deref_mut()) {
                Some(d) => out.push_str(&d.text),
                None => out.push_str(&crate::lex::lossy_cow(
                    buf.get(ew.start..ew.end).unwrap_or(&[]),
                )),
            }
            copied = ew.end;
            k = ew.end;
        } else {
            k = p + 2;
        }
    }
    out.push_str(&crate::lex::lossy_cow(buf.get(copied..we).unwrap_or(&[])));
    if !flagged && word.starts_with(b"=?") {
        if let Some((en, ja)) = broken_attempt(word) {
            if let Some(s) = sink {
                s.add(
                    &rule::INVALID_ENCODED_WORD,
                    ws,
                    we,
                    text!["text looks like an encoded word but is not one: ", en],
                    text!["エンコードワードのように見えますが正しくありません: ", ja],
                );
            }
        }
    }
}

/// Why `=?...` is not an encoded word, if it clearly tries to be one
/// (`=?charset?X?...`).
fn broken_attempt(word: &[u8]) -> Option<(&'static str, &'static str)> {
    let rest = word.get(2..)?;
    let q1 = rest.iter().position(|&b| b == b'?')?;
    let cs = rest.get(..q1)?;
    if cs.is_empty() || !cs.iter().all(|&b| is_token(b)) {
        return None;
    }
    let enc = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    if !matches!(enc, b'B' | b'b' | b'Q' | b'q') {
        return Some((
            "the encoding must be B or Q",
            "エンコード方式は B か Q でなければなりません",
        ));
    }
    if !word.ends_with(b"?=") || word.len() < q1 + 7 {
        return Some(("it does not end with '?='", "'?=' で終わっていません"));
    }
    Some((
        "the encoded text contains '?' or non-printable characters",
        "エンコード部分に '?' か印字不可能な文字が含まれています",
    ))
}

/// Flags encoded words inside a quoted string (RFC 2047 5(3)).
pub(crate) fn flag_quoted(buf: &[u8], start: usize, end: usize, sink: Option<&mut Sink>) {
    let Some(sink) = sink else { return };
    let mut k = start;
    while let Some(off) = buf.get(k..end).and_then(find_ew_start) {
        let p = k + off;
        if let Some(ew) = scan_at(buf, p, end) {
            sink.add(
                &rule::ENCODED_WORD_IN_QUOTED_STRING,
                ew.start,
                ew.end,
                "encoded word inside a quoted string: conforming readers must not decode it",
                "引用符で囲まれた文字列の中にエンコードワードがあります。規格どおりの受信側はデコードしません",
            );
            return;
        }
        k = p + 2;
    }
}

/// Decodes encoded words in text without reporting (display names, parameters).
pub(crate) fn decode_lenient(text: &[u8]) -> String {
    decode_field(text, 0, text.len(), Mode::Unstructured, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> String {
        decode_field(s.as_bytes(), 0, s.len(), Mode::Unstructured, None)
    }

    #[test]
    fn decodes_japanese() {
        assert_eq!(dec(" =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="), "テスト");
        assert_eq!(dec("=?utf-8?B?R01P44GC44GK44Ge44KJ?= x"), "GMOあおぞら x");
        assert_eq!(dec("=?UTF-8?Q?a_b=3Dc?=\r\n =?UTF-8?Q?d?="), "a b=cd");
        assert_eq!(dec("a =?utf-8?q?b?= c"), "a b c");
        assert_eq!(dec("=?shift_jis?B?g2WDWINn?="), "テスト");
        assert_eq!(dec("=?euc-jp?B?pcaluaXI?="), "テスト");
    }

    #[test]
    fn unknown_charset_left_raw() {
        assert_eq!(dec("=?x-foo?Q?a?="), "=?x-foo?Q?a?=");
    }

    #[test]
    fn reports() {
        let s = b"Subject: =?utf-8?B?QUJD?==?utf-8?X?a?= \"=?utf-8?q?x?=\"";
        let mut sink = Sink::default();
        let _ = decode_field(s, 8, s.len(), Mode::Structured, Some(&mut sink));
        let ids: Vec<_> = sink.diags.iter().map(|d| d.rule).collect();
        assert!(ids.contains(&"encoded-word-in-quoted-string"), "{ids:?}");
        assert!(ids.contains(&"invalid-encoded-word"), "{ids:?}");
    }
}
