//! Long texts cut for display (the page renders them on every update, so it shows a
//! bounded prefix).

/// `t` cut to at most `max` bytes at a character boundary, and whether it was cut.
pub fn at_most(t: &str, max: usize) -> (&str, bool) {
    if t.len() <= max {
        return (t, false);
    }
    let mut n = max;
    while !t.is_char_boundary(n) {
        n -= 1;
    }
    (t.get(..n).unwrap_or(""), true)
}

#[cfg(test)]
mod tests {
    use super::at_most;

    #[test]
    fn cut_at_a_character_boundary() {
        assert_eq!(at_most("abc", 3), ("abc", false));
        assert_eq!(at_most("abcd", 3), ("abc", true));
        // "あ" is three bytes: a cut through it keeps the characters before it.
        assert_eq!(at_most("aあい", 5), ("aあ", true));
        assert_eq!(at_most("aあい", 3), ("a", true));
        assert_eq!(at_most("", 0), ("", false));
    }
}
