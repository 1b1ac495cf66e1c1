//! Charset names -> decoders (encoding_rs, WHATWG labels), plus the MIME names the
//! WHATWG list lacks. US-ASCII is checked strictly: WHATWG maps it to windows-1252,
//! which would hide 8-bit bytes in a part that promised ASCII.

use encoding_rs::Encoding;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charset {
    Ascii,
    Utf8,
    Other(&'static Encoding),
}

/// Looks up a MIME charset name (case-insensitive; an RFC 2231 `*language` suffix is
/// ignored). `None` = unknown or unsupported (e.g. UTF-7).
pub(crate) fn lookup(name: &str) -> Option<Charset> {
    let name = name.split('*').next().unwrap_or("").trim();
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" | "us" | "iso-ir-6" | "cp367"
        | "ibm367" => return Some(Charset::Ascii),
        "utf-8" | "utf8" | "unicode-1-1-utf-8" => return Some(Charset::Utf8),
        "cp932" | "ms932" | "windows-31j" | "x-ms-cp932" => {
            return Some(Charset::Other(encoding_rs::SHIFT_JIS))
        }
        "iso-2022-jp-2" | "iso-2022-jp-3" | "csiso2022jp" => {
            return Some(Charset::Other(encoding_rs::ISO_2022_JP))
        }
        "x-euc-jp" | "eucjp" => return Some(Charset::Other(encoding_rs::EUC_JP)),
        "sjis" | "shift-jis" => return Some(Charset::Other(encoding_rs::SHIFT_JIS)),
        _ => {}
    }
    let enc = Encoding::for_label(lower.as_bytes())?;
    if enc == encoding_rs::REPLACEMENT
        || enc == encoding_rs::UTF_16BE
        || enc == encoding_rs::UTF_16LE
    {
        // REPLACEMENT stands for charsets WHATWG refuses to decode (ISO-2022-KR, HZ...);
        // UTF-16 is not a MIME text charset (RFC 2046 4.1.2 needs CRLF as octets 13 10).
        return None;
    }
    if enc == encoding_rs::UTF_8 {
        return Some(Charset::Utf8);
    }
    Some(Charset::Other(enc))
}

/// Decodes bytes. Returns the text and the offset (into `bytes`) of the first byte that
/// is not valid in the charset, if any (`Some(0)` when the position is unknown).
pub(crate) fn decode(cs: Charset, bytes: &[u8]) -> (String, Option<usize>) {
    match cs {
        Charset::Ascii => {
            let bad = bytes.iter().position(|&b| b >= 0x80);
            (String::from_utf8_lossy(bytes).into_owned(), bad)
        }
        Charset::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), None),
            Err(e) => (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(e.valid_up_to()),
            ),
        },
        Charset::Other(enc) => {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            let bad = if had_errors {
                Some(first_error(enc, bytes))
            } else {
                None
            };
            (text.into_owned(), bad)
        }
    }
}

/// Offset of the first malformed byte sequence, found with a non-replacing decoder.
fn first_error(enc: &'static Encoding, bytes: &[u8]) -> usize {
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

#[cfg(test)]
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
        assert!(matches!(lookup("utf-8*ja"), Some(Charset::Utf8)));
        assert_eq!(lookup("utf-7"), None);
        assert_eq!(lookup("x-no-such"), None);
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
