//! Long texts cut for display (the page renders them on every update, so it shows a
//! bounded prefix).

/// `b` cut to at most `max` bytes, not inside a UTF-8 sequence, and whether it was cut.
/// (A sequence has at most three continuation bytes; bytes that are not UTF-8 may be
/// cut anywhere.)
pub fn at_most_bytes(b: &[u8], max: usize) -> (&[u8], bool) {
    if b.len() <= max {
        return (b, false);
    }
    let mut n = max;
    for _ in 0..3 {
        if n > 0 && b.get(n).is_some_and(|&c| c & 0xC0 == 0x80) {
            n -= 1;
        }
    }
    (b.get(..n).unwrap_or(&[]), true)
}

/// `t` cut to at most `max` bytes at a character boundary, and whether it was cut.
pub fn at_most(t: &str, max: usize) -> (&str, bool) {
    let (b, cut) = at_most_bytes(t.as_bytes(), max);
    (t.get(..b.len()).unwrap_or(""), cut)
}

#[cfg(test)]
mod tests {
    use super::{at_most, at_most_bytes};

    #[test]
    fn cut_at_a_character_boundary() {
        assert_eq!(at_most("abc", 3), ("abc", false));
        assert_eq!(at_most("abcd", 3), ("abc", true));
        // "あ" is three bytes: a cut through it keeps the characters before it.
        assert_eq!(at_most("aあい", 5), ("aあ", true));
        assert_eq!(at_most("aあい", 3), ("a", true));
        assert_eq!(at_most("aあい", 2), ("a", true));
        assert_eq!(at_most("😀x", 2), ("", true));
        assert_eq!(at_most("", 0), ("", false));
        // Every cut of a mixed text is a prefix that is whole characters.
        let t = "aé😀あ\u{301}z";
        for max in 0..=t.len() {
            let (s, cut) = at_most(t, max);
            assert!(
                t.starts_with(s) && s.len() <= max && cut == (max < t.len()),
                "{max}"
            );
            assert!(max < t.len() || s == t);
        }
    }

    #[test]
    fn bytes_are_cut_outside_utf8_sequences() {
        assert_eq!(at_most_bytes("aあ".as_bytes(), 2), (&b"a"[..], true));
        // Not UTF-8: cut where asked.
        assert_eq!(at_most_bytes(b"\xff\xfe\xfd", 2), (&b"\xff\xfe"[..], true));
        assert_eq!(at_most_bytes(b"ab", 5), (&b"ab"[..], false));
    }
}
