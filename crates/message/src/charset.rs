//! Charset names -> decoders (WHATWG Encoding Standard labels), plus the MIME names the
//! WHATWG list lacks. US-ASCII is checked strictly: WHATWG maps it to windows-1252,
//! which would hide 8-bit bytes in a part that promised ASCII.
//!
//! The decoder is encoding_rs natively, and in the browser (feature `browser-charsets`
//! without `encoding_rs`) the platform's TextDecoder: the same standard, without shipping
//! its tables in the page.

use std::borrow::Cow;

mod iso2022;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charset {
    Ascii,
    Utf8,
    /// ISO-2022-JP-2 or -3: not in the Encoding Standard, read by [`iso2022`].
    Iso2022JpExt,
    Other(backend::Enc),
}

/// MIME aliases the WHATWG label list does not have, mapped to a WHATWG label.
fn mime_alias(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "cp932" | "ms932" | "windows-31j" | "x-ms-cp932" | "sjis" | "shift-jis" => "shift_jis",
        "csiso2022jp" => "iso-2022-jp",
        "x-euc-jp" | "eucjp" => "euc-jp",
        _ => return None,
    })
}

/// Looks up a MIME charset name (case-insensitive; an RFC 2231 `*language` suffix is
/// ignored). `None` = unknown or unsupported (e.g. UTF-7).
pub(crate) fn lookup(name: &str) -> Option<Charset> {
    let name = crate::lex::before_byte(name, b'*').trim();
    // Lower-cased on the stack: charset names are short, and this runs per text part.
    let mut stack = [0u8; 32];
    let lower: Cow<'_, str> = match stack.get_mut(..name.len()) {
        Some(b) => {
            b.copy_from_slice(name.as_bytes());
            b.make_ascii_lowercase();
            Cow::Borrowed(std::str::from_utf8(b).unwrap_or(""))
        }
        None => Cow::Owned(name.to_ascii_lowercase()),
    };
    match &*lower {
        "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" | "us" | "iso-ir-6" | "cp367"
        | "ibm367" => return Some(Charset::Ascii),
        "utf-8" | "utf8" | "unicode-1-1-utf-8" => return Some(Charset::Utf8),
        "iso-2022-jp-2" | "csiso2022jp2" | "iso-2022-jp-3" => return Some(Charset::Iso2022JpExt),
        _ => {}
    }
    let label = mime_alias(&lower).unwrap_or(&lower);
    // The replacement encoding stands for charsets WHATWG refuses to decode (ISO-2022-KR,
    // HZ...); UTF-16 is not a MIME text charset (RFC 2046 4.1.2 needs CRLF as octets 13 10).
    let enc = backend::for_label(label)?;
    match backend::name(enc) {
        "replacement" | "UTF-16BE" | "UTF-16LE" | "utf-16be" | "utf-16le" => None,
        "UTF-8" | "utf-8" => Some(Charset::Utf8),
        _ => Some(Charset::Other(enc)),
    }
}

/// Whether a whole input is UTF-16 text (as Notepad's "Unicode" saves a file), not a
/// message: a byte order mark, or ASCII with a NUL before or after each character over
/// its first bytes. Its bytes marked: the mark, or the first NUL.
pub(crate) fn utf16_input(input: &[u8]) -> Option<(usize, usize)> {
    if input.starts_with(&[0xff, 0xfe]) || input.starts_with(&[0xfe, 0xff]) {
        return Some((0, 2));
    }
    let head = input.get(..input.len().min(64) & !1)?;
    let pairs = head.chunks_exact(2);
    let ascii = |b: u8| b != 0 && b.is_ascii();
    let le = pairs.clone().all(|p| matches!(*p, [c, 0] if ascii(c)));
    let be = pairs.clone().all(|p| matches!(*p, [0, c] if ascii(c)));
    match (head.len() >= 8, le, be) {
        (true, true, _) => Some((1, 2)),
        (true, _, true) => Some((0, 1)),
        _ => None,
    }
}

/// Whether `bytes` in `cs` leave an ISO-2022 decoder out of ASCII at their end (an
/// encoded word must switch back, RFC 2047 3).
pub(crate) fn ends_shifted(cs: Charset, bytes: &[u8]) -> bool {
    let iso2022 = match cs {
        Charset::Iso2022JpExt => true,
        Charset::Other(enc) => backend::name(enc).eq_ignore_ascii_case("iso-2022-jp"),
        _ => false,
    };
    iso2022 && !iso2022::ends_in_ascii(bytes)
}

/// UTF-16 (BE, LE, or unmarked): [`lookup`] refuses it as a MIME text charset, but its
/// bytes can still be shown decoded.
pub(crate) fn utf16(name: &str) -> Option<Charset> {
    let lower = crate::lex::before_byte(name, b'*')
        .trim()
        .to_ascii_lowercase();
    let enc = backend::for_label(&lower)?;
    matches!(
        backend::name(enc),
        "UTF-16BE" | "UTF-16LE" | "utf-16be" | "utf-16le"
    )
    .then_some(Charset::Other(enc))
}

/// Like [`decode`], without a copy where the bytes already are the text (UTF-8, or
/// US-ASCII that is valid UTF-8): borrowed bytes stay borrowed, owned ones are reused.
pub(crate) fn decode_cow(cs: Charset, bytes: Cow<'_, [u8]>) -> (Cow<'_, str>, Option<usize>) {
    let bad = |b: &[u8]| match cs {
        Charset::Ascii => b.iter().position(|&c| c >= 0x80),
        _ => None,
    };
    if matches!(cs, Charset::Ascii | Charset::Utf8) {
        match bytes {
            Cow::Borrowed(b) => {
                if let Ok(s) = std::str::from_utf8(b) {
                    return (Cow::Borrowed(s), bad(b));
                }
            }
            Cow::Owned(v) => {
                return match String::from_utf8(v) {
                    Ok(s) => {
                        let bad = bad(s.as_bytes());
                        (Cow::Owned(s), bad)
                    }
                    Err(e) => {
                        let (t, bad) = decode(cs, e.as_bytes());
                        (Cow::Owned(t), bad)
                    }
                };
            }
        }
    }
    let (t, bad) = decode(cs, &bytes);
    (Cow::Owned(t), bad)
}

/// Decodes bytes. Returns the text and the offset (into `bytes`) of the first byte that
/// is not valid in the charset, if any (`Some(0)` when the position is unknown).
pub(crate) fn decode(cs: Charset, bytes: &[u8]) -> (String, Option<usize>) {
    match cs {
        Charset::Ascii => {
            let bad = bytes.iter().position(|&b| b >= 0x80);
            (crate::lex::lossy(bytes), bad)
        }
        Charset::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), None),
            Err(e) => (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(e.valid_up_to()),
            ),
        },
        Charset::Iso2022JpExt => iso2022::decode(bytes),
        Charset::Other(enc) => backend::decode(enc, bytes),
    }
}

#[cfg(feature = "encoding_rs")]
mod backend {
    pub(crate) type Enc = &'static encoding_rs::Encoding;

    pub(super) fn for_label(label: &str) -> Option<Enc> {
        encoding_rs::Encoding::for_label(label.as_bytes())
    }

    pub(super) fn name(enc: Enc) -> &'static str {
        enc.name()
    }

    pub(super) fn decode(enc: Enc, bytes: &[u8]) -> (String, Option<usize>) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        let bad = had_errors.then(|| first_error(enc, bytes));
        (text.into_owned(), bad)
    }

    /// Offset of the first malformed byte sequence, found with a non-replacing decoder.
    fn first_error(enc: Enc, bytes: &[u8]) -> usize {
        let mut dec = enc.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(bytes.len().saturating_mul(3).min(1 << 20) + 16);
        let mut read_total = 0usize;
        loop {
            let input = bytes.get(read_total..).unwrap_or(&[]);
            let (res, read) = dec.decode_to_string_without_replacement(input, &mut out, true);
            read_total += read;
            match res {
                encoding_rs::DecoderResult::InputEmpty => return 0,
                encoding_rs::DecoderResult::Malformed(bad, consumed_after) => {
                    return read_total.saturating_sub(bad as usize + consumed_after as usize)
                }
                encoding_rs::DecoderResult::OutputFull => {
                    out.clear();
                    out.reserve(4096);
                }
            }
        }
    }
}

#[cfg(all(
    not(feature = "encoding_rs"),
    feature = "browser-charsets",
    target_arch = "wasm32"
))]
mod backend {
    use web_sys::{TextDecoder, TextDecoderOptions};

    /// The canonical name of a WHATWG encoding, as TextDecoder reports it.
    pub(crate) type Enc = &'static str;

    /// Every encoding of the Encoding Standard that TextDecoder may name.
    const NAMES: &[&str] = &[
        "utf-8",
        "ibm866",
        "iso-8859-2",
        "iso-8859-3",
        "iso-8859-4",
        "iso-8859-5",
        "iso-8859-6",
        "iso-8859-7",
        "iso-8859-8",
        "iso-8859-8-i",
        "iso-8859-10",
        "iso-8859-13",
        "iso-8859-14",
        "iso-8859-15",
        "iso-8859-16",
        "koi8-r",
        "koi8-u",
        "macintosh",
        "windows-874",
        "windows-1250",
        "windows-1251",
        "windows-1252",
        "windows-1253",
        "windows-1254",
        "windows-1255",
        "windows-1256",
        "windows-1257",
        "windows-1258",
        "x-mac-cyrillic",
        "gbk",
        "gb18030",
        "big5",
        "euc-jp",
        "iso-2022-jp",
        "shift_jis",
        "euc-kr",
        "utf-16be",
        "utf-16le",
        "x-user-defined",
    ];

    pub(super) fn for_label(label: &str) -> Option<Enc> {
        // The constructor throws for unknown labels and for the replacement encoding.
        let d = TextDecoder::new_with_label(label).ok()?;
        let name = d.encoding();
        NAMES.iter().copied().find(|n| *n == name)
    }

    pub(super) fn name(enc: Enc) -> &'static str {
        enc
    }

    fn decoder(enc: Enc, fatal: bool) -> Option<TextDecoder> {
        let opts = TextDecoderOptions::new();
        opts.set_fatal(fatal);
        TextDecoder::new_with_label_and_options(enc, &opts).ok()
    }

    pub(super) fn decode(enc: Enc, bytes: &[u8]) -> (String, Option<usize>) {
        let Some(lenient) = decoder(enc, false) else {
            return (crate::lex::lossy(bytes), Some(0));
        };
        let text = lenient.decode_with_u8_array(bytes).unwrap_or_default();
        let strict_ok = decoder(enc, true).is_some_and(|d| d.decode_with_u8_array(bytes).is_ok());
        let bad = (!strict_ok).then(|| first_error(enc, bytes));
        (text, bad)
    }

    /// The shortest failing prefix, by bisection with a streaming strict decoder (a
    /// streaming decoder does not fail on a sequence cut at the end of its input).
    fn first_error(enc: Enc, bytes: &[u8]) -> usize {
        let fails = |n: usize| {
            let Some(d) = decoder(enc, true) else {
                return true;
            };
            let opts = web_sys::TextDecodeOptions::new();
            opts.set_stream(true);
            d.decode_with_u8_array_and_options(&bytes[..n], &opts)
                .is_err()
        };
        let (mut lo, mut hi) = (0, bytes.len());
        if !fails(hi) {
            return hi.saturating_sub(1); // only the final flush failed: a truncated sequence
        }
        while lo + 1 < hi {
            let mid = lo + (hi - lo) / 2;
            if fails(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi.saturating_sub(1)
    }
}

/// Neither decoder: only US-ASCII and UTF-8 are known (other charsets read as unknown).
#[cfg(all(
    not(feature = "encoding_rs"),
    not(all(feature = "browser-charsets", target_arch = "wasm32"))
))]
mod backend {
    pub(crate) type Enc = &'static str;

    pub(super) fn for_label(_label: &str) -> Option<Enc> {
        None
    }

    pub(super) fn name(enc: Enc) -> &'static str {
        enc
    }

    pub(super) fn decode(_enc: Enc, bytes: &[u8]) -> (String, Option<usize>) {
        (crate::lex::lossy(bytes), Some(0))
    }
}

#[cfg(all(test, feature = "encoding_rs"))]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(lookup("UTF-8"), Some(Charset::Utf8));
        assert_eq!(lookup("us-ascii"), Some(Charset::Ascii));
        assert!(matches!(lookup("ISO-2022-JP"), Some(Charset::Other(_))));
        assert!(matches!(lookup("Shift_JIS"), Some(Charset::Other(_))));
        assert!(matches!(lookup("euc-jp"), Some(Charset::Other(_))));
        assert!(matches!(lookup("windows-1252"), Some(Charset::Other(_))));
        assert!(matches!(lookup("cp932"), Some(Charset::Other(_))));
        assert!(matches!(lookup("utf-8*ja"), Some(Charset::Utf8)));
        assert_eq!(lookup("utf-7"), None);
        assert_eq!(lookup("utf-16"), None);
        assert_eq!(lookup("iso-2022-kr"), None);
        assert_eq!(lookup("x-no-such"), None);
        assert_eq!(lookup("ANSI_X3.4-1968"), Some(Charset::Ascii));
        assert_eq!(lookup(&"UTF-8x".repeat(8)), None);
    }

    #[test]
    fn iso2022jp_2_and_3() {
        for name in ["ISO-2022-JP-2", "iso-2022-jp-3", "csISO2022JP2"] {
            let cs = lookup(name).unwrap();
            assert_eq!(cs, Charset::Iso2022JpExt);
            // Japanese, then Latin-1 through single shift 2 (RFC 1554).
            let (s, bad) = decode(cs, b"\x1b$B%F%9%H\x1b(B caf\x1b.A\x1bNi");
            assert_eq!((s.as_str(), bad), ("テスト café", None));
        }
    }

    #[test]
    fn iso2022jp() {
        let (s, bad) = decode(lookup("iso-2022-jp").unwrap(), b"\x1b$B%F%9%H\x1b(B");
        assert_eq!(s, "テスト");
        assert_eq!(bad, None);
    }

    #[test]
    fn error_offsets() {
        assert_eq!(decode(Charset::Utf8, b"ab\xffc").1, Some(2));
        assert_eq!(decode(Charset::Ascii, b"ab\xe9").1, Some(2));
        let sj = lookup("shift_jis").unwrap();
        assert_eq!(decode(sj, b"abc\x82").1, Some(3));
    }
}
