//! Builds a message from the playground's compose form so that it lints clean: Date,
//! Message-ID, MIME-Version, RFC 2047 encoded words (UTF-8, B) folded within 78 columns,
//! the narrowest fitting transfer encoding, and Bcc kept out of the header but returned
//! as envelope recipients.

use crate::b64::b64_encode;
use crate::{date, msgid};
use serde::{Deserialize, Serialize};

/// The compose form.
///
/// Each address entry is one mailbox: `local@domain` or `Display Name <local@domain>`
/// (the display name may be any Unicode and may be quoted; the address itself should be
/// ASCII: a non-ASCII address is written raw, which needs SMTPUTF8 and is reported by
/// [`crate::lint`]). Empty entries are skipped. With an empty `from` no From: field is
/// written (and the lint reports `missing-from`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Compose {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    /// Any Unicode; line breaks (LF, CR or CRLF) become CRLF.
    pub body: String,
    /// Date as Unix seconds plus the sender's UTC offset in minutes (the caller owns
    /// the clock: wasm has none).
    pub date_unix: i64,
    pub date_offset_minutes: i32,
    /// Makes the Message-ID unique; e.g. a random number from the caller.
    pub message_id_seed: u64,
    /// Right side of the Message-ID. If it is not a qualified domain name, the From
    /// domain is used, else `mailroom.invalid`.
    pub host: String,
}

/// A built message and its envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Built {
    pub bytes: Vec<u8>,
    /// To + Cc + Bcc addresses, in that order, duplicates removed (for RCPT TO).
    pub envelope_recipients: Vec<String>,
    /// The From address (for MAIL FROM).
    pub mail_from: String,
}

const FOLD: usize = 78;
/// UTF-8 bytes per encoded word: 39 bytes -> 52 base64 chars -> a 64-char word, so
/// "Subject: " + word stays within 78 columns.
const EW_BYTES: usize = 39;

/// Header writer that folds before a token when the line would pass 78 columns.
struct W {
    out: String,
    col: usize,
}

impl W {
    fn field(&mut self, name: &str, tokens: &[String]) {
        // RFC 2047 2: a line of a field with encoded words is limited to 76 characters.
        let limit = if tokens.iter().any(|t| t.contains("=?")) {
            76
        } else {
            FOLD
        };
        self.out.push_str(name);
        self.out.push(':');
        self.col = name.len() + 1;
        for t in tokens {
            if self.col + 1 + t.len() > limit && self.col > name.len() + 1 {
                self.out.push_str("\r\n ");
                self.col = 1;
            } else {
                self.out.push(' ');
                self.col += 1;
            }
            self.out.push_str(t);
            self.col += t.len();
        }
        self.out.push_str("\r\n");
    }
}

/// RFC 2047 B encoded words (UTF-8) for `s`, split on character boundaries.
fn encoded_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > EW_BYTES {
            words.push(format!("=?UTF-8?B?{}?=", b64_encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", b64_encode(chunk.as_bytes())));
    }
    words
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

fn printable_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Display name tokens: atoms, one quoted string, or encoded words.
fn display_name(name: &str) -> Vec<String> {
    let simple_spacing = !name.starts_with(' ') && !name.ends_with(' ') && !name.contains("  ");
    if printable_ascii(name)
        && simple_spacing
        && !name.contains("=?")
        && name
            .split(' ')
            .all(|w| !w.is_empty() && w.len() <= 60 && w.chars().all(is_atext))
    {
        return name.split(' ').map(str::to_string).collect();
    }
    if printable_ascii(name) && !name.contains("=?") {
        let mut q = String::from("\"");
        for c in name.chars() {
            if c == '"' || c == '\\' {
                q.push('\\');
            }
            q.push(c);
        }
        q.push('"');
        // A quoted string cannot be folded inside: long ones become encoded words.
        if q.len() <= 62 {
            return vec![q];
        }
    }
    encoded_words(name)
}

/// Splits a compose entry into (display name, address): `Name <addr>`, `"Quoted \"Name\"" <addr>` or `addr`.
fn split_entry(s: &str) -> (Option<String>, String) {
    let t = s.trim();
    if let (Some(lt), true) = (t.rfind('<'), t.ends_with('>')) {
        let addr = t.get(lt + 1..t.len() - 1).unwrap_or("").trim().to_string();
        let raw = t.get(..lt).unwrap_or("").trim();
        // A quoted name ("Mr. Foo") is unquoted and its backslash escapes resolved.
        let name = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) if raw.len() >= 2 => {
                let mut out = String::with_capacity(inner.len());
                let mut chars = inner.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => out.extend(chars.next()),
                        _ => out.push(c),
                    }
                }
                out
            }
            _ => raw.to_string(),
        };
        return ((!name.is_empty()).then_some(name), clean_address(&addr));
    }
    (None, clean_address(t))
}

/// An address goes into the header and into MAIL FROM / RCPT TO as written: control
/// characters and whitespace are dropped, so a line break in an entry cannot add a header
/// field or an SMTP command. (What remains may still be invalid: the lint says so.)
fn clean_address(a: &str) -> String {
    a.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// Mailbox tokens for one entry, with a trailing comma when more follow.
fn mailbox_tokens(entries: &[(Option<String>, String)]) -> Vec<String> {
    let mut toks = Vec::new();
    let n = entries.len();
    for (k, (name, addr)) in entries.iter().enumerate() {
        let comma = if k + 1 < n { "," } else { "" };
        match name {
            Some(nm) => {
                toks.extend(display_name(nm));
                toks.push(format!("<{addr}>{comma}"));
            }
            None => toks.push(format!("{addr}{comma}")),
        }
    }
    toks
}

fn subject_tokens(s: &str) -> Vec<String> {
    let raw_ok = printable_ascii(s)
        && !s.contains("=?")
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.split(' ').all(|w| w.len() <= 66);
    if raw_ok {
        s.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        encoded_words(s)
    }
}

/// A host name for the Message-ID: qualified, and short enough that the field fits in
/// 78 columns (it cannot be folded inside the id).
fn qualified_host(h: &str) -> bool {
    h.len() <= 40
        && msgid::is_qualified(h)
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

fn base36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut v = Vec::new();
    loop {
        v.push(digits.get((n % 36) as usize).copied().unwrap_or(b'0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    v.reverse();
    String::from_utf8_lossy(&v).into_owned()
}

/// Text with every line break (CRLF, LF or CR) as CRLF: a message body as it travels, and
/// what the playground checks for its editor's text (a textarea's value has LF only).
pub fn crlf(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + s.len() / 32);
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Quoted-printable (RFC 2045 6.7) with lines of at most 76 characters.
fn qp_encode(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() * 3 / 2);
    let mut lines = body.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut col = 0usize;
        for (k, &b) in line.iter().enumerate() {
            let last = k + 1 == line.len();
            let literal =
                (b == b' ' || b == b'\t') && !last || ((33..=126).contains(&b) && b != b'=');
            let piece_len = if literal { 1 } else { 3 };
            // Leave room for the soft break '=' (and keep it off a final position).
            let limit = if last { 76 } else { 75 };
            if col + piece_len > limit {
                out.extend_from_slice(b"=\r\n");
                col = 0;
            }
            if literal {
                out.push(b);
            } else {
                out.extend_from_slice(format!("={b:02X}").as_bytes());
            }
            col += piece_len;
        }
        if lines.peek().is_some() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

fn b64_lines(data: &[u8]) -> Vec<u8> {
    let enc = b64_encode(data);
    let mut out = Vec::with_capacity(enc.len() + enc.len() / 38 + 2);
    for chunk in enc.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The entries of an address field: split at commas outside quotes and angle brackets
/// (`"Doe, John" <j@example.com>` is one entry).
pub fn split_entries(s: &str) -> Vec<String> {
    let (mut out, mut cur) = (Vec::new(), String::new());
    let (mut quoted, mut escaped, mut angle) = (false, false, false);
    for c in s.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Builds the message.
pub fn build(input: &Compose) -> Built {
    let from = split_entry(&input.from);
    let parse = |v: &[String]| {
        v.iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| split_entry(s))
            .collect::<Vec<_>>()
    };
    let (to, cc, bcc) = (parse(&input.to), parse(&input.cc), parse(&input.bcc));

    let mut w = W {
        out: String::new(),
        col: 0,
    };
    if !from.1.is_empty() {
        w.field("From", &mailbox_tokens(std::slice::from_ref(&from)));
    }
    if !to.is_empty() {
        w.field("To", &mailbox_tokens(&to));
    }
    if !cc.is_empty() {
        w.field("Cc", &mailbox_tokens(&cc));
    }
    w.field("Subject", &subject_tokens(&input.subject));
    w.field(
        "Date",
        &[date::format(input.date_unix, input.date_offset_minutes)],
    );
    let from_domain = from
        .1
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_default();
    let host = if qualified_host(&input.host) {
        input.host.clone()
    } else if qualified_host(&from_domain) {
        from_domain
    } else {
        "mailroom.invalid".to_string()
    };
    let id = format!(
        "<{}.{}@{host}>",
        base36(input.date_unix.unsigned_abs()),
        base36(input.message_id_seed)
    );
    w.field("Message-ID", &[id]);
    w.field("MIME-Version", &["1.0".to_string()]);

    let body = crlf(&input.body);
    let seven_bit_ok = body.split(|&b| b == b'\n').all(|l| l.len() <= 998)
        && body
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\r' | b'\n'));
    let (charset, cte, encoded) = if seven_bit_ok {
        ("us-ascii", "7bit", body)
    } else {
        let ascii = body.iter().filter(|&&b| b < 0x80).count();
        if ascii * 10 >= body.len() * 8 {
            ("utf-8", "quoted-printable", qp_encode(&body))
        } else {
            ("utf-8", "base64", b64_lines(&body))
        }
    };
    w.field(
        "Content-Type",
        &["text/plain;".to_string(), format!("charset={charset}")],
    );
    w.field("Content-Transfer-Encoding", &[cte.to_string()]);
    w.out.push_str("\r\n");
    let mut bytes = w.out.into_bytes();
    bytes.extend_from_slice(&encoded);

    let mut rcpts: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, a) in to.iter().chain(&cc).chain(&bcc) {
        if seen.insert(a.to_ascii_lowercase()) {
            rcpts.push(a.clone());
        }
    }
    Built {
        bytes,
        envelope_recipients: rcpts,
        mail_from: from.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qp_lines_fit() {
        let body = "é".repeat(100) + "\n" + &"a ".repeat(60);
        let enc = qp_encode(&crlf(&body));
        for l in enc.split(|&b| b == b'\n') {
            assert!(l.len() <= 77, "{}", String::from_utf8_lossy(l));
        }
    }

    #[test]
    fn address_fields_split_outside_quotes_and_brackets() {
        assert_eq!(
            split_entries("pat@bar.com, jones@bar.com"),
            ["pat@bar.com", "jones@bar.com"]
        );
        assert_eq!(
            split_entries("\"Doe, John\" <j@example.com>, <a,b@example.com> , "),
            ["\"Doe, John\" <j@example.com>", "<a,b@example.com>"]
        );
        assert_eq!(
            split_entries("\"a\\\", b\" <x@y.z>"),
            ["\"a\\\", b\" <x@y.z>"]
        );
        assert!(split_entries(" , ").is_empty());
    }

    #[test]
    fn line_breaks_become_crlf() {
        assert_eq!(crlf("a\nb\n"), b"a\r\nb\r\n");
        assert_eq!(crlf("a\r\nb\rc"), b"a\r\nb\r\nc");
    }

    #[test]
    fn entries() {
        assert_eq!(
            split_entry(" \"Mr. Foo\" <foo@example.com> "),
            (Some("Mr. Foo".into()), "foo@example.com".into())
        );
        assert_eq!(
            split_entry("bar@example.com"),
            (None, "bar@example.com".into())
        );
    }
}
