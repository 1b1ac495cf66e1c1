//! RFC 5322 3.2 lexical tokens for structured field bodies, read straight from the raw
//! (still folded) bytes so every token keeps its exact byte range.
//!
//! CFWS (whitespace, folding line breaks, nested comments) is skipped but remembered on
//! the following token (`ws_start`), which is how `address-whitespace` finds spaces
//! inside `<...>`. Non-ASCII bytes count as atext (RFC 6532 3.2).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Atom,
    /// `"..."`; content in `Token::text` form is obtained with [`quoted_content`].
    Quoted,
    /// `[...]`
    DomainLiteral,
    /// One special or otherwise unexpected byte.
    Special(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Where the CFWS before this token starts (== `start` when there is none).
    pub ws_start: usize,
    /// A comment was part of that CFWS.
    pub comment_before: bool,
}

impl Token {
    pub fn ws_before(&self) -> bool {
        self.ws_start < self.start
    }
    pub fn is(&self, c: u8) -> bool {
        self.kind == Kind::Special(c)
    }
}

/// A lexical error (unterminated comment/quote/literal, stray byte) at a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    pub start: usize,
    pub end: usize,
    pub what: &'static str,
    pub what_ja: &'static str,
}

/// RFC 5322 3.2.3 atext, plus UTF-8 non-ASCII (RFC 6532), as a table: the tokenizer
/// asks for every byte of every structured field.
const ATEXT: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'/'
                    | b'='
                    | b'?'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'{'
                    | b'|'
                    | b'}'
                    | b'~'
            )
            || b >= 0x80;
        i += 1;
    }
    t
};

/// RFC 5322 3.2.3 atext, plus UTF-8 non-ASCII (RFC 6532).
pub(crate) fn is_atext(b: u8) -> bool {
    ATEXT[usize::from(b)]
}

/// `String::from_utf8_lossy(b).into_owned()`, with a fast path for valid UTF-8 (nearly
/// always: `from_utf8` checks ASCII a word at a time, the lossy chunker byte by byte).
pub(crate) fn lossy(b: &[u8]) -> String {
    lossy_cow(b).into_owned()
}

/// `buf[start..end]` checked as UTF-8 once (up to its first invalid byte), so the texts
/// of its tokens are cut from it instead of each being checked again (field values are
/// short runs of short tokens, and the check costs most per call, not per byte).
#[derive(Clone, Copy)]
pub(crate) struct Checked<'a> {
    buf: &'a [u8],
    start: usize,
    /// The valid UTF-8 prefix of the range.
    text: &'a str,
}

impl<'a> Checked<'a> {
    pub fn new(buf: &'a [u8], start: usize, end: usize) -> Self {
        let bytes = buf.get(start..end).unwrap_or(&[]);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => valid_prefix(bytes, e.valid_up_to()),
        };
        Checked { buf, start, text }
    }

    /// `buf[s..e]` when it lies in the checked text.
    pub fn get(&self, s: usize, e: usize) -> Option<&'a str> {
        let base = self.start;
        self.text.get(s.checked_sub(base)?..e.checked_sub(base)?)
    }

    /// `buf[s..e]` as text: cut from the checked range, else converted (lossily) alone.
    pub fn cut(&self, s: usize, e: usize) -> std::borrow::Cow<'a, str> {
        match self.get(s, e) {
            Some(t) => std::borrow::Cow::Borrowed(t),
            None => lossy_cow(self.buf.get(s..e).unwrap_or(&[])),
        }
    }
}

/// The first `n` bytes of `b`, known to be valid UTF-8 (checked again: rare, and kept
/// out of line so the callers of [`Checked::new`] stay small).
#[cold]
fn valid_prefix(b: &[u8], n: usize) -> &str {
    std::str::from_utf8(b.get(..n).unwrap_or(&[])).unwrap_or("")
}

/// `String::from_utf8_lossy(b)`, with the same fast path as [`lossy`].
pub(crate) fn lossy_cow(b: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

/// `s` split at the first ASCII byte `b` (a character boundary), without it. A byte
/// loop: the short names and values this runs on cost more in `str::find`'s set-up.
pub(crate) fn split_at_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|c| c == b)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s` up to the first ASCII byte `b`, or all of it.
pub(crate) fn before_byte(s: &str, b: u8) -> &str {
    split_at_byte(s, b).map_or(s, |(head, _)| head)
}

/// `t` in ASCII lower case: still borrowed when it has no upper-case letter (field
/// values and tokens nearly always come lower-case already).
pub(crate) fn ascii_lowercase(t: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    match t {
        std::borrow::Cow::Borrowed(b) if !b.bytes().any(|c| c.is_ascii_uppercase()) => {
            std::borrow::Cow::Borrowed(b)
        }
        std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Owned(b.to_ascii_lowercase()),
        std::borrow::Cow::Owned(mut s) => {
            s.make_ascii_lowercase();
            std::borrow::Cow::Owned(s)
        }
    }
}

/// `s` without trailing WSP (space, tab).
pub(crate) fn trim_wsp_end(s: &[u8]) -> &[u8] {
    let n = s.iter().rposition(|&b| !is_wsp(b)).map_or(0, |p| p + 1);
    s.get(..n).unwrap_or(&[])
}

/// `b` without leading and trailing folding whitespace (WSP, CR, LF).
pub(crate) fn trim_fws(b: &[u8]) -> &[u8] {
    let fws = |c: &u8| is_wsp(*c) || *c == b'\r' || *c == b'\n';
    let s = b.iter().position(|c| !fws(c)).unwrap_or(b.len());
    let e = b.iter().rposition(|c| !fws(c)).map_or(s, |e| e + 1);
    b.get(s..e).unwrap_or(&[])
}

pub(crate) fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The tokens of one field body. Their vector comes from a per-thread pool and goes back
/// to it when dropped: each structured field is tokenized, so allocating (and growing) a
/// fresh vector per field was a large share of the time spent on small messages.
pub(crate) struct Tokens(Vec<Token>);

/// Vectors kept by the pool (a few are in use at once: a field's tokens, and those of
/// an encoded value inside it); larger ones are freed, so one huge field's tokens are
/// not kept for the life of the thread.
const POOL_SIZE: usize = 4;
const POOL_MAX_CAPACITY: usize = 4096;

thread_local! {
    static POOL: std::cell::RefCell<Vec<Vec<Token>>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Tokens {
    fn new() -> Self {
        let v = POOL
            .try_with(|p| p.try_borrow_mut().ok().and_then(|mut p| p.pop()))
            .ok()
            .flatten()
            .unwrap_or_else(|| Vec::with_capacity(16));
        Tokens(v)
    }
}

impl Drop for Tokens {
    fn drop(&mut self) {
        let mut v = std::mem::take(&mut self.0);
        if v.capacity() > POOL_MAX_CAPACITY {
            return;
        }
        v.clear();
        let _ = POOL.try_with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                if p.len() < POOL_SIZE {
                    p.push(v);
                }
            }
        });
    }
}

impl std::ops::Deref for Tokens {
    type Target = [Token];
    fn deref(&self) -> &[Token] {
        &self.0
    }
}

/// Tokenizes `buf[start..end]`. Also returns where trailing CFWS started (for checks on
/// whitespace after the last token).
pub(crate) fn tokenize(buf: &[u8], start: usize, end: usize) -> (Tokens, Vec<LexError>, usize) {
    let end = end.min(buf.len());
    let mut toks = Tokens::new();
    let mut errs = Vec::new();
    let mut i = start.min(end);
    let at = |i: usize| buf.get(i).copied().unwrap_or(0);
    loop {
        let ws_start = i;
        let mut comment = false;
        // Skip CFWS.
        while i < end {
            let b = at(i);
            if is_wsp(b) || b == b'\r' || b == b'\n' {
                i += 1;
            } else if b == b'(' {
                comment = true;
                let open = i;
                let mut depth = 0usize;
                while i < end {
                    match at(i) {
                        b'\\' => i += 2,
                        b'(' => {
                            depth += 1;
                            i += 1
                        }
                        b')' => {
                            depth -= 1;
                            i += 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => i += 1,
                    }
                }
                if depth > 0 || i > end {
                    i = end;
                    errs.push(LexError {
                        start: open,
                        end,
                        what: "unterminated comment: '(' without ')'",
                        what_ja: "閉じられていないコメント: '(' に対応する ')' がありません",
                    });
                }
            } else {
                break;
            }
        }
        if i >= end {
            return (toks, errs, ws_start.min(end));
        }
        let tok_start = i;
        let b = at(i);
        let kind = if is_atext(b) {
            let rest = buf.get(i..end).unwrap_or(&[]);
            i += rest
                .iter()
                .position(|&c| !is_atext(c))
                .unwrap_or(rest.len());
            Kind::Atom
        } else if b == b'"' {
            i += 1;
            let mut closed = false;
            while i < end {
                match at(i) {
                    b'\\' => i += 2,
                    b'"' => {
                        i += 1;
                        closed = true;
                        break;
                    }
                    _ => i += 1,
                }
            }
            if !closed {
                i = end;
                errs.push(LexError {
                    start: tok_start,
                    end,
                    what: "unterminated quoted string: '\"' without closing '\"'",
                    what_ja: "閉じられていない引用符: '\"' に対応する '\"' がありません",
                });
            }
            Kind::Quoted
        } else if b == b'[' {
            i += 1;
            let mut closed = false;
            while i < end {
                match at(i) {
                    b'\\' => i += 2,
                    b']' => {
                        i += 1;
                        closed = true;
                        break;
                    }
                    b'[' => break,
                    _ => i += 1,
                }
            }
            if !closed {
                errs.push(LexError {
                    start: tok_start,
                    end: i.min(end),
                    what: "unterminated domain literal: '[' without ']'",
                    what_ja: "閉じられていないドメインリテラル: '[' に対応する ']' がありません",
                });
            }
            Kind::DomainLiteral
        } else {
            i += 1;
            Kind::Special(b)
        };
        let i2 = i.min(end);
        toks.0.push(Token {
            kind,
            start: tok_start,
            end: i2,
            ws_start,
            comment_before: comment,
        });
        i = i2;
    }
}

/// The content of a quoted string token with quoted-pairs resolved and folding CRLFs
/// removed (RFC 5322 3.2.4), as raw bytes.
pub(crate) fn quoted_content(buf: &[u8], t: &Token) -> Vec<u8> {
    let inner = buf
        .get(t.start + 1..t.end.saturating_sub(1).max(t.start + 1))
        .unwrap_or(&[]);
    let mut out = Vec::with_capacity(inner.len());
    let mut it = inner.iter().copied();
    while let Some(b) = it.next() {
        match b {
            b'\\' => {
                if let Some(n) = it.next() {
                    out.push(n);
                }
            }
            b'\r' | b'\n' => {}
            _ => out.push(b),
        }
    }
    out
}

/// Raw bytes of a token.
pub(crate) fn text<'a>(buf: &'a [u8], t: &Token) -> &'a [u8] {
    buf.get(t.start..t.end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_at_an_ascii_byte() {
        assert_eq!(split_at_byte("text/plain", b'/'), Some(("text", "plain")));
        assert_eq!(split_at_byte("a/b/c", b'/'), Some(("a", "b/c")));
        assert_eq!(split_at_byte("名前*0*", b'*'), Some(("名前", "0*")));
        assert_eq!(split_at_byte("noslash", b'/'), None);
        assert_eq!(before_byte("utf-8*en", b'*'), "utf-8");
        assert_eq!(before_byte("utf-8", b'*'), "utf-8");
        assert_eq!(before_byte("", b'*'), "");
    }

    #[test]
    fn checked_cuts() {
        let buf = "ab あ cd".as_bytes();
        let c = Checked::new(buf, 1, buf.len());
        let borrowed = |x: std::borrow::Cow<'_, str>| matches!(x, std::borrow::Cow::Borrowed(_));
        assert_eq!(c.cut(3, 6), "あ");
        assert!(borrowed(c.cut(3, 6)));
        // Outside the checked range, or through a character: converted alone.
        assert_eq!(c.cut(0, 2), "ab");
        assert_eq!(c.cut(3, 5), "\u{fffd}");
        let bad = b"a \xff b";
        let c = Checked::new(bad, 0, bad.len());
        assert_eq!(c.cut(0, 1), "a");
        assert_eq!(c.cut(2, 3), "\u{fffd}");
    }

    #[test]
    fn tokens_and_cfws() {
        let b = b" \"Mr. Foo\" (c (nested)) <foo@example.com >";
        let (t, e, _) = tokenize(b, 0, b.len());
        assert!(e.is_empty());
        let kinds: Vec<_> = t.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Quoted,
                Kind::Special(b'<'),
                Kind::Atom,
                Kind::Special(b'@'),
                Kind::Atom,
                Kind::Special(b'.'),
                Kind::Atom,
                Kind::Special(b'>')
            ]
        );
        assert!(t[1].comment_before && t[1].ws_before());
        assert!(t[7].ws_before());
        assert_eq!(quoted_content(b, &t[0]), b"Mr. Foo");
    }

    #[test]
    fn unterminated_things_do_not_panic() {
        for s in [&b"(abc"[..], b"\"abc", b"[abc", b"\\", b"(\\", b"\"\\"] {
            let (_, e, _) = tokenize(s, 0, s.len());
            assert!(!e.is_empty() || s == b"\\", "{s:?}");
        }
    }
}
