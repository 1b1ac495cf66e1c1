//! ISO-2022-JP-2 (RFC 1554) and ISO-2022-JP-3, which the Encoding Standard (so neither
//! encoding_rs nor the browser's TextDecoder) does not decode: only their escape
//! structure is read here. Each character is handed, in the 8-bit form of its character
//! set, to the standard decoder that holds that set: JIS X 0208 and JIS X 0212 as
//! EUC-JP, GB 2312 as GBK, KS C 5601 as EUC-KR, and the single-shifted G2 sets as
//! ISO-8859-1 (windows-1252) and ISO-8859-7.
//!
//! ISO-2022-JP-3's plane 1 of JIS X 0213 is read as JIS X 0208, which it extends: its
//! added characters, and plane 2, have no table in the Encoding Standard and decode to
//! U+FFFD, reported as undecodable. JIS X 0201 katakana (`ESC ( I`), which RFC 1554 does
//! not list but the WHATWG ISO-2022-JP decoder reads, is read too. That a text ends in
//! ASCII (RFC 1554) is not a decoding error, as WHATWG does not make it one; an encoded
//! word is checked for it ([`ends_in_ascii`], RFC 2047 3).

use super::backend;

/// A character set designated to G0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    Ascii,
    /// JIS X 0201-Roman: ASCII with YEN SIGN and OVERLINE.
    Roman,
    /// JIS X 0208 (1978, 1983), and JIS X 0213 plane 1 (ISO-2022-JP-3).
    Jis0208,
    Jis0212,
    Gb2312,
    Ksc5601,
    /// JIS X 0213 plane 2: no decoder.
    Jis0213Plane2,
    /// JIS X 0201 katakana: one byte per character, mapped here.
    Katakana,
}

/// A 96-character set designated to G2, used through single shift 2 (ESC N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum G2 {
    Latin1,
    Greek,
}

enum Escape {
    G0(Set),
    G2(G2),
    SingleShift2,
}

/// The escape sequences, without their ESC (RFC 1554's table, ISO-2022-JP-3's three).
const ESCAPES: &[(&[u8], Escape)] = &[
    (b"(B", Escape::G0(Set::Ascii)),
    (b"(J", Escape::G0(Set::Roman)),
    (b"$@", Escape::G0(Set::Jis0208)),
    (b"$B", Escape::G0(Set::Jis0208)),
    (b"$A", Escape::G0(Set::Gb2312)),
    (b"$(C", Escape::G0(Set::Ksc5601)),
    (b"$(D", Escape::G0(Set::Jis0212)),
    (b"$(O", Escape::G0(Set::Jis0208)),
    (b"$(Q", Escape::G0(Set::Jis0208)),
    (b"$(P", Escape::G0(Set::Jis0213Plane2)),
    (b"(I", Escape::G0(Set::Katakana)),
    // (The first eleven are the G0 designations.)
    (b".A", Escape::G2(G2::Latin1)),
    (b".F", Escape::G2(G2::Greek)),
    (b"N", Escape::SingleShift2),
];

const ESC: u8 = 0x1b;

/// Whether ISO-2022 text ends with ASCII designated to G0 (or designates nothing), as
/// each RFC 2047 encoded word must (section 3). JIS-Roman (`ESC ( J`), which older
/// Japanese mailers end with, passes too: it differs from ASCII only in ¥ and ‾, and
/// garbles nothing after it. The last G0 designation decides; G2 designations and single
/// shifts leave G0 as it is.
pub(crate) fn ends_in_ascii(input: &[u8]) -> bool {
    for at in memchr::memrchr_iter(ESC, input) {
        let rest = input.get(at + 1..).unwrap_or(&[]);
        match ESCAPES.iter().find(|(s, _)| rest.starts_with(s)) {
            Some((_, Escape::G0(set))) => return matches!(set, Set::Ascii | Set::Roman),
            _ => continue,
        }
    }
    true
}

/// The standard decoders the character sets are handed to, by their 8-bit forms. Each
/// character this module hands over (a byte pair, a 0x8F-led triple for JIS X 0212, one
/// byte for G2) decodes to exactly one character, U+FFFD when it is not valid: so all
/// characters of one decoder are decoded in one call, however often the text switches.
const LABELS: [&str; 5] = ["euc-jp", "gbk", "euc-kr", "iso-8859-1", "iso-8859-7"];
// Indexes into `LABELS`.
const EUC_JP: usize = 0;
const GBK: usize = 1;
const EUC_KR: usize = 2;
const LATIN1: usize = 3;
const GREEK: usize = 4;

/// What the walk over the input finds, in input order.
enum Found<'f> {
    Char(char),
    /// A character of `LABELS[label]`, in its 8-bit form, starting at input offset `at`.
    Handed {
        label: usize,
        at: usize,
        form: &'f [u8],
    },
    Error(usize),
}

/// Walks ISO-2022-JP-2/-3 text, reporting each character to `found` (a `dyn`: the two
/// walks share one copy of this code in the page).
fn walk(input: &[u8], found: &mut dyn FnMut(Found<'_>)) {
    let (mut g0, mut g2) = (Set::Ascii, None);
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == ESC {
            let rest = input.get(i + 1..).unwrap_or(&[]);
            let Some((seq, esc)) = ESCAPES.iter().find(|(s, _)| rest.starts_with(s)) else {
                found(Found::Error(i));
                i += 1;
                continue;
            };
            let at = i;
            i += 1 + seq.len();
            match esc {
                Escape::G0(s) => g0 = *s,
                Escape::G2(s) => g2 = Some(*s),
                Escape::SingleShift2 => match (g2, input.get(i)) {
                    (Some(set), Some(&c)) if (0x20..0x80).contains(&c) => {
                        let label = if set == G2::Latin1 { LATIN1 } else { GREEK };
                        found(Found::Handed {
                            label,
                            at,
                            form: &[c | 0x80],
                        });
                        i += 1;
                    }
                    _ => found(Found::Error(at)),
                },
            }
            continue;
        }
        if b == b'\n' || b == b'\r' {
            // RFC 1554: G0 is switched back to ASCII (or Roman) before a line ends, and the
            // G2 designation ends with the line. A line ending inside double-byte text is
            // an error; reading goes on in ASCII, so one slip does not garble the rest.
            if !matches!(g0, Set::Ascii | Set::Roman) {
                found(Found::Error(i));
                g0 = Set::Ascii;
            }
            if b == b'\n' {
                g2 = None;
            }
            found(Found::Char(char::from(b)));
            i += 1;
            continue;
        }
        let single = match g0 {
            Set::Ascii | Set::Roman => Some(match b {
                0x0e | 0x0f | 0x80.. => Found::Error(i),
                b'\\' if g0 == Set::Roman => Found::Char('\u{a5}'),
                b'~' if g0 == Set::Roman => Found::Char('\u{203e}'),
                _ => Found::Char(char::from(b)),
            }),
            // U+FF61.. HALFWIDTH IDEOGRAPHIC FULL STOP.. for 0x21..0x5F (as WHATWG).
            Set::Katakana => Some(match b {
                0x21..=0x5f => {
                    Found::Char(char::from_u32(0xff61 + u32::from(b) - 0x21).unwrap_or('\u{fffd}'))
                }
                _ => Found::Error(i),
            }),
            _ => None,
        };
        if let Some(f) = single {
            found(f);
            i += 1;
            continue;
        }
        let graphic = |c: &u8| (0x21..0x7f).contains(c);
        let Some(t) = input.get(i + 1).filter(|t| graphic(&b) && graphic(t)) else {
            found(Found::Error(i));
            i += 1;
            continue;
        };
        let (jis0212, pair) = ([0x8f, b | 0x80, t | 0x80], [b | 0x80, t | 0x80]);
        let handed = match g0 {
            Set::Jis0212 => Some((EUC_JP, &jis0212[..])),
            Set::Jis0208 => Some((EUC_JP, &pair[..])),
            Set::Gb2312 => Some((GBK, &pair[..])),
            Set::Ksc5601 => Some((EUC_KR, &pair[..])),
            _ => None,
        };
        found(match handed {
            Some((label, form)) => Found::Handed { label, at: i, form },
            None => Found::Error(i),
        });
        i += 2;
    }
}

/// Decodes ISO-2022-JP-2 or -3 text. Returns the text and the offset of the first byte
/// that is not valid (or not decodable), like `charset::decode`. Two walks over the
/// input: the first collects each decoder's characters, the second puts the decoded
/// characters in their places (no per-character list in between).
pub(crate) fn decode(input: &[u8]) -> (String, Option<usize>) {
    let mut forms: [Vec<u8>; 5] = Default::default();
    walk(input, &mut |f| {
        if let Found::Handed { label, form, .. } = f {
            if let Some(v) = forms.get_mut(label) {
                v.extend_from_slice(form);
            }
        }
    });
    let decoded: Vec<String> = LABELS
        .iter()
        .zip(&forms)
        .map(|(label, form)| match backend::for_label(label) {
            Some(enc) if !form.is_empty() => backend::decode(enc, form).0,
            _ => String::new(),
        })
        .collect();
    drop(forms);
    let mut chars: Vec<_> = decoded.iter().map(|s| s.chars()).collect();
    let mut out = String::with_capacity(input.len());
    let mut bad = None;
    walk(input, &mut |f| {
        let c = match f {
            Found::Char(c) => Some(c),
            Found::Handed { label, at, .. } => {
                let c = chars.get_mut(label).and_then(Iterator::next);
                // These sets map no character to U+FFFD: it marks one that is not valid.
                // GB 2312's unassigned cells come out of GBK as private-use characters.
                let private = |c: char| ('\u{e000}'..='\u{f8ff}').contains(&c);
                let valid = c.filter(|&c| c != '\u{fffd}' && !(label == GBK && private(c)));
                if valid.is_none() {
                    bad.get_or_insert(at);
                }
                valid
            }
            Found::Error(at) => {
                bad.get_or_insert(at);
                None
            }
        };
        out.push(c.unwrap_or('\u{fffd}'));
    });
    (out, bad)
}

#[cfg(all(test, feature = "encoding_rs"))]
mod tests {
    use super::decode;

    #[test]
    fn every_designation_of_rfc_1554() {
        // Japanese (JIS X 0208), JIS X 0212, Chinese, Korean, then Latin-1 and Greek
        // through single shift 2, and JIS X 0201-Roman.
        let text = b"\x1b$B$3$s$K$A$O\x1b(B \x1b$(D0!\x1b(B \x1b$A<r\x1b(B \x1b$(CGQ19\x1b(B \x1b.A\x1bNi\x1bNt \x1b.F\x1bNa\x1bNb \x1b(J\\~\x1b(B\r\n";
        let (s, bad) = decode(text);
        assert_eq!(s, "こんにちは 丂 简 한국 éô αβ ¥‾\r\n");
        assert_eq!(bad, None);
    }

    #[test]
    fn errors_point_at_the_input() {
        // An unknown escape sequence.
        let (s, bad) = decode(b"ab\x1b$Zc");
        assert_eq!((s.as_str(), bad), ("ab\u{fffd}$Zc", Some(2)));
        // Single shift 2 without a G2 designation; the G2 designation ends with the line.
        assert_eq!(decode(b"x\x1bNa").1, Some(1));
        assert_eq!(decode(b"\x1b.A\x1bNi\n\x1bNi").1, Some(7));
        // A line break inside double-byte text: reported, and the next line reads as ASCII.
        let (s, bad) = decode(b"\x1b$B$3\r\nok");
        assert_eq!((s.as_str(), bad), ("こ\u{fffd}\r\nok", Some(5)));
        // 8-bit bytes, a cut pair, and a pair unassigned in JIS X 0208 (row 9).
        assert_eq!(decode(b"a\xe9").1, Some(1));
        assert_eq!(decode(b"\x1b$B$3$").1, Some(5));
        let (s, bad) = decode(b"\x1b$B$3)!$3\x1b(B");
        assert_eq!((s.as_str(), bad), ("こ\u{fffd}こ", Some(5)));
        // GB 2312 has no row 10 (GBK maps it to private use).
        let (s, bad) = decode(b"\x1b$A<r*!\x1b(B");
        assert_eq!((s.as_str(), bad), ("简\u{fffd}", Some(5)));
        // ISO-8859-7 has no character at 0xAE; JIS X 0213 plane 2 has no decoder here.
        assert_eq!(decode(b"\x1b.F\x1bNa\x1bN.").1, Some(6));
        assert_eq!(decode(b"\x1b$(P!!\x1b(B").1, Some(4));
    }

    #[test]
    fn jis_x_0201_katakana_as_whatwg_reads_it() {
        assert_eq!(decode(b"\x1b(I1\x1b(B"), ("\u{ff71}".into(), None));
        assert_eq!(decode(b"\x1b(I`").1, Some(3));
    }

    #[test]
    fn switching_sets_keeps_the_order() {
        // Each set's characters are decoded together; the text keeps the input's order.
        let one = b"\x1b$B$3\x1b$A<r\x1b(Ba\x1b.F\x1bNa";
        let text: Vec<u8> = one.repeat(1000);
        let (s, bad) = decode(&text);
        assert_eq!(s, "こ简aα".repeat(1000));
        assert_eq!(bad, None);
    }

    proptest::proptest! {
        /// Any bytes: no panic, an error offset inside the input, and one character out
        /// per character unit in (so never more characters than bytes).
        #[test]
        fn any_bytes(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let (s, bad) = decode(&input);
            proptest::prop_assert!(bad.is_none_or(|b| b < input.len()));
            proptest::prop_assert!(s.chars().count() <= input.len());
        }

        /// G0 designations from the table, each followed by a pair and a return to ASCII:
        /// whatever is designated, the pair decodes or is reported, and the ASCII after it
        /// stays as it was.
        #[test]
        fn designations_and_pairs(parts in proptest::collection::vec((0..11usize, 0x30u8..0x7f, 0x30u8..0x7f), 0..40)) {
            let mut input = Vec::new();
            for &(e, a, b) in &parts {
                input.push(super::ESC);
                input.extend_from_slice(super::ESCAPES[e].0);
                input.extend_from_slice(&[a, b]);
                input.extend_from_slice(b"\x1b(B.");
            }
            let (s, bad) = decode(&input);
            proptest::prop_assert_eq!(s.matches('.').count(), parts.len());
            proptest::prop_assert!(bad.is_none_or(|b| b < input.len()));
        }
    }

    #[test]
    fn iso_2022_jp_3_plane_1_reads_as_jis_x_0208() {
        assert_eq!(decode(b"\x1b$(Q%F%9%H\x1b(B"), ("テスト".into(), None));
        assert_eq!(decode(b"\x1b$(O%F\x1b(B"), ("テ".into(), None));
    }
}
