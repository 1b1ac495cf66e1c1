//! Replies: a code, an optional enhanced status code, text lines, and the rule that chose them.

use crate::rules::Rule;
use serde::Serialize;
use std::fmt;

/// An RFC 3463 enhanced status code `class.subject.detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Enhanced {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl Enhanced {
    pub const fn new(class: u8, subject: u16, detail: u16) -> Self {
        Enhanced {
            class,
            subject,
            detail,
        }
    }
}

impl fmt::Display for Enhanced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One server reply, with the reasons the UI shows next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub code: u16,
    /// Present only when the session negotiated ENHANCEDSTATUSCODES and the code is not 3xx.
    pub enhanced: Option<Enhanced>,
    /// Text lines; a multi-line reply uses `code-` on all but the last line (RFC 5321 4.2.1).
    pub lines: Vec<String>,
    /// Stable id of the rule that decided this reply.
    pub rule: &'static str,
    /// The RFC section that rule comes from, e.g. "RFC 5321 4.1.4".
    pub rfc: &'static str,
    pub explain_en: &'static str,
    pub explain_ja: &'static str,
    /// For LMTP per-recipient replies after DATA: the recipient this reply is for.
    pub recipient: Option<String>,
}

impl Reply {
    /// Builds a reply; the enhanced code is attached later by the session, which knows
    /// whether ENHANCEDSTATUSCODES is in effect.
    pub(crate) fn new(code: u16, rule: Rule, text: impl Into<String>) -> Self {
        Reply {
            code,
            enhanced: None,
            lines: vec![text.into()],
            rule: rule.id(),
            rfc: rule.rfc(),
            explain_en: rule.en(),
            explain_ja: rule.ja(),
            recipient: None,
        }
    }

    pub(crate) fn multi(code: u16, rule: Rule, lines: Vec<String>) -> Self {
        let mut r = Reply::new(code, rule, String::new());
        r.lines = if lines.is_empty() {
            vec![String::new()]
        } else {
            lines
        };
        r
    }

    /// 2yz, 3yz, 4yz or 5yz.
    pub fn class(&self) -> u8 {
        (self.code / 100) as u8
    }

    pub fn is_positive(&self) -> bool {
        self.code < 400
    }

    /// The reply exactly as it goes on the wire, CRLF-terminated lines.
    pub fn to_wire(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        self.write_wire(&mut out);
        out
    }

    pub fn write_wire(&self, out: &mut Vec<u8>) {
        let n = self.lines.len();
        for (i, line) in self.lines.iter().enumerate() {
            let sep = if i + 1 == n { ' ' } else { '-' };
            push_number(out, u32::from(self.code));
            out.push(sep as u8);
            if let Some(e) = self.enhanced {
                push_number(out, u32::from(e.class));
                out.push(b'.');
                push_number(out, u32::from(e.subject));
                out.push(b'.');
                push_number(out, u32::from(e.detail));
                if !line.is_empty() {
                    out.push(b' ');
                }
            }
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }

    /// The wire form as text lines without CRLF (for transcripts).
    pub fn wire_lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.to_wire())
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// Decimal digits without a temporary String (replies are written on every command).
fn push_number(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wire_lines().join("\n"))
    }
}
