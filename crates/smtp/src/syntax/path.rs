//! RFC 5321 4.1.2 paths and mailboxes, with RFC 6531 UTF-8 extensions.
//!
//! Written by hand (not with a parser library) because the UI must say exactly which
//! production failed, and because strict and lenient readings differ in small places.

use serde::Serialize;
use std::fmt;

/// Why a path failed to parse; carries the production that was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// Not enclosed in `<...>` (RFC 5321 4.1.2 `Path`).
    MissingBrackets,
    /// The mailbox does not match `Local-part "@" ( Domain / address-literal )`.
    BadMailbox(&'static str),
    /// A length limit of RFC 5321 4.5.3.1 was exceeded.
    TooLong(&'static str),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::MissingBrackets => f.write_str("path must be enclosed in <...>"),
            PathError::BadMailbox(why) => f.write_str(why),
            PathError::TooLong(why) => f.write_str(why),
        }
    }
}

/// The domain part of a mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Domain {
    /// A domain name as written (may be a U-label under SMTPUTF8).
    Name(String),
    /// An address literal including its brackets, e.g. `[192.0.2.1]`.
    Literal(String),
}

impl Domain {
    pub fn as_str(&self) -> &str {
        match self {
            Domain::Name(s) | Domain::Literal(s) => s,
        }
    }
}

/// `Local-part "@" ( Domain / address-literal )`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    pub local: String,
    pub domain: Domain,
}

impl Mailbox {
    /// True when the local part or the domain has non-ASCII characters (needs SMTPUTF8).
    pub fn is_utf8(&self) -> bool {
        !self.local.is_ascii() || !self.domain.as_str().is_ascii()
    }

    /// Domain in lower case for comparisons (local domains, mailboxes).
    pub fn domain_lower(&self) -> String {
        self.domain.as_str().to_lowercase()
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain.as_str())
    }
}

/// The argument of MAIL FROM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "mailbox", rename_all = "lowercase")]
pub enum ReversePath {
    /// `<>`: used for bounces so that they never bounce back (RFC 5321 4.5.5).
    Null,
    Mailbox(Mailbox),
}

impl ReversePath {
    pub fn is_utf8(&self) -> bool {
        matches!(self, ReversePath::Mailbox(m) if m.is_utf8())
    }
}

impl fmt::Display for ReversePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReversePath::Null => f.write_str("<>"),
            ReversePath::Mailbox(m) => write!(f, "<{m}>"),
        }
    }
}

/// The argument of RCPT TO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "mailbox", rename_all = "lowercase")]
pub enum ForwardPath {
    /// `<Postmaster>` without a domain (RFC 5321 4.1.1.3).
    Postmaster,
    Mailbox(Mailbox),
}

impl ForwardPath {
    pub fn is_utf8(&self) -> bool {
        matches!(self, ForwardPath::Mailbox(m) if m.is_utf8())
    }
}

impl fmt::Display for ForwardPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForwardPath::Postmaster => f.write_str("<Postmaster>"),
            ForwardPath::Mailbox(m) => write!(f, "<{m}>"),
        }
    }
}

/// RFC 5321 4.5.3.1.1-3 limits, in octets.
pub const MAX_LOCAL_PART: usize = 64;
pub const MAX_DOMAIN: usize = 255;
pub const MAX_PATH: usize = 256;

/// Parses `"<" [ A-d-l ":" ] Mailbox ">"`; `s` is exactly the path (brackets included).
/// A source route (A-d-l) is accepted and ignored, as RFC 5321 3.6.1 says servers SHOULD.
pub fn parse_path(s: &str) -> Result<Mailbox, PathError> {
    let inner = s
        .strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
        .ok_or(PathError::MissingBrackets)?;
    if s.len() > MAX_PATH {
        return Err(PathError::TooLong("a path is limited to 256 octets"));
    }
    let mailbox = match inner.strip_prefix('@') {
        Some(_) => {
            // A-d-l: "@" Domain *( "," "@" Domain ) ":"
            let colon = inner.find(':').ok_or(PathError::BadMailbox(
                "source route must end with ':' before the mailbox",
            ))?;
            for hop in inner[..colon].split(',') {
                let d = hop.strip_prefix('@').ok_or(PathError::BadMailbox(
                    "each source-route hop is \"@\" Domain",
                ))?;
                check_domain(d)?;
            }
            &inner[colon + 1..]
        }
        None => inner,
    };
    parse_mailbox(mailbox)
}

/// Parses `Local-part "@" ( Domain / address-literal )`.
pub fn parse_mailbox(s: &str) -> Result<Mailbox, PathError> {
    let (local, rest) = split_local_part(s)?;
    let domain = rest
        .strip_prefix('@')
        .ok_or(PathError::BadMailbox("expected \"@\" after the local part"))?;
    if local.len() > MAX_LOCAL_PART {
        return Err(PathError::TooLong("a local part is limited to 64 octets"));
    }
    let domain = if domain.starts_with('[') {
        check_address_literal(domain)?;
        Domain::Literal(domain.to_owned())
    } else {
        check_domain(domain)?;
        Domain::Name(domain.to_owned())
    };
    Ok(Mailbox {
        local: local.to_owned(),
        domain,
    })
}

/// Splits off `Dot-string / Quoted-string` and returns it with the rest of `s`.
fn split_local_part(s: &str) -> Result<(&str, &str), PathError> {
    if let Some(body) = s.strip_prefix('"') {
        // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            if escaped {
                if !(' '..='~').contains(&c) {
                    return Err(PathError::BadMailbox(
                        "quoted-pairSMTP is a backslash and a printable ASCII character",
                    ));
                }
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                let end = i + 2; // opening quote + content + closing quote
                return Ok((&s[..end], &s[end..]));
            } else if !is_qtext_smtp(c) {
                return Err(PathError::BadMailbox(
                    "quoted local part holds a character that is not qtextSMTP",
                ));
            }
        }
        return Err(PathError::BadMailbox("unterminated quoted local part"));
    }
    let end = s.find('@').unwrap_or(s.len());
    let local = &s[..end];
    if local.is_empty() {
        return Err(PathError::BadMailbox("empty local part"));
    }
    for atom in local.split('.') {
        if atom.is_empty() {
            return Err(PathError::BadMailbox(
                "Dot-string: dots must separate non-empty atoms (no leading, trailing or double dot)",
            ));
        }
        if !atom.chars().all(is_atext) {
            return Err(PathError::BadMailbox(
                "local part holds a character that is not atext (quote it, or remove it)",
            ));
        }
    }
    Ok((local, &s[end..]))
}

/// RFC 5322 atext plus RFC 6531 UTF8-non-ascii.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!#$%&'*+-/=?^_`{|}~".contains(c)
        || (!c.is_ascii() && !c.is_control())
}

/// qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii.
fn is_qtext_smtp(c: char) -> bool {
    matches!(c, ' '..='!' | '#'..='[' | ']'..='~') || (!c.is_ascii() && !c.is_control())
}

/// Checks a non-ASCII domain in a build without the `idna` feature; installed by the host.
static IDN_CHECKER: std::sync::OnceLock<fn(&str) -> bool> = std::sync::OnceLock::new();

/// Installs the check for internationalized domain names that a build without the `idna`
/// feature uses (the playground passes the browser's UTS 46 through `URL`). The first call
/// wins; with the `idna` feature the crate's own IDNA2008 check is used and this is unused.
pub fn set_idn_checker(check: fn(&str) -> bool) {
    let _ = IDN_CHECKER.set(check);
}

/// Whether a domain with non-ASCII labels converts to a valid A-label form.
fn idn_is_valid(d: &str) -> bool {
    #[cfg(feature = "idna")]
    {
        idna::domain_to_ascii_strict(d).is_ok()
    }
    #[cfg(not(feature = "idna"))]
    {
        // No checker installed: the LDH and length checks above still apply.
        IDN_CHECKER.get().is_none_or(|check| check(d))
    }
}

/// `Domain = sub-domain *("." sub-domain)`, with U-labels allowed (RFC 6531); a domain with
/// non-ASCII labels must convert to a valid A-label form (IDNA2008 via the `idna` crate, or
/// the host's checker: [`set_idn_checker`]).
pub fn check_domain(d: &str) -> Result<(), PathError> {
    if d.is_empty() {
        return Err(PathError::BadMailbox("empty domain"));
    }
    if d.len() > MAX_DOMAIN {
        return Err(PathError::TooLong("a domain is limited to 255 octets"));
    }
    for label in d.split('.') {
        if label.is_empty() {
            return Err(PathError::BadMailbox(
                "domain labels must be non-empty (no leading, trailing or double dot)",
            ));
        }
        if label.len() > 63 {
            return Err(PathError::TooLong("a domain label is limited to 63 octets"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(PathError::BadMailbox(
                "a domain label starts and ends with a letter or digit (Let-dig)",
            ));
        }
        let ascii_ok = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80);
        if !ascii_ok {
            return Err(PathError::BadMailbox(
                "a domain label holds only letters, digits and hyphens (Ldh-str)",
            ));
        }
    }
    if !d.is_ascii() && !idn_is_valid(d) {
        return Err(PathError::BadMailbox(
            "the internationalized domain name is not valid IDNA",
        ));
    }
    Ok(())
}

/// `address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]"`
/// (RFC 5321 4.1.3).
pub fn check_address_literal(s: &str) -> Result<(), PathError> {
    let inner = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .ok_or(PathError::BadMailbox("address literal must be [...]"))?;
    if let Some(v6) = strip_prefix_ci(inner, "IPv6:") {
        return v6
            .parse::<std::net::Ipv6Addr>()
            .map(|_| ())
            .map_err(|_| PathError::BadMailbox("not a valid IPv6 address literal"));
    }
    if inner.bytes().next().is_some_and(|b| b.is_ascii_digit()) && !inner.contains(':') {
        let parts: Vec<&str> = inner.split('.').collect();
        let ok = parts.len() == 4
            && parts.iter().all(|p| {
                (1..=3).contains(&p.len())
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && p.parse::<u16>().is_ok_and(|n| n <= 255)
            });
        return if ok {
            Ok(())
        } else {
            Err(PathError::BadMailbox("not a valid IPv4 address literal"))
        };
    }
    // General-address-literal = Standardized-tag ":" 1*dcontent
    match inner.split_once(':') {
        Some((tag, content))
            if !tag.is_empty()
                && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !content.is_empty()
                && content
                    .bytes()
                    .all(|b| (33..=90).contains(&b) || (94..=126).contains(&b)) =>
        {
            Ok(())
        }
        _ => Err(PathError::BadMailbox(
            "an address literal is [IPv4], [IPv6:...] or [tag:content]",
        )),
    }
}

pub(crate) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_rfc_5321_forms() {
        for ok in [
            "<chris@foo.edu>",
            "<\"john doe\"@example.com>",
            "<\"a\\\"b\"@example.com>",
            "<user@[192.0.2.1]>",
            "<user@[IPv6:2001:db8::1]>",
            "<user@[x-tag:abc]>",
            "<@relay.example,@r2.example:user@example.com>",
            "<first.last+tag@sub.example.co.jp>",
            "<用户@例子.广告>",
            "<user@bücher.example>",
        ] {
            assert!(
                parse_path(ok).is_ok(),
                "{ok} should parse: {:?}",
                parse_path(ok)
            );
        }
    }

    #[test]
    fn rejects_what_the_grammar_forbids() {
        for (bad, want) in [
            ("chris@foo.edu", PathError::MissingBrackets),
            ("<chris@foo.edu", PathError::MissingBrackets),
            (
                "<chris>",
                PathError::BadMailbox("expected \"@\" after the local part"),
            ),
        ] {
            assert_eq!(parse_path(bad), Err(want), "{bad}");
        }
        for bad in [
            "<.chris@foo.edu>",
            "<chris.@foo.edu>",
            "<chr..is@foo.edu>",
            "<chris@foo..edu>",
            "<chris@-foo.edu>",
            "<chris@foo_bar.edu>",
            "<chris@>",
            "<@foo.edu>",
            "<chris @foo.edu>",
            "<chris@foo.edu >",
            "<user@[300.1.1.1]>",
            "<user@[IPv6:zz::1]>",
            "<\"unterminated@foo.edu>",
        ] {
            assert!(
                matches!(parse_path(bad), Err(PathError::BadMailbox(_))),
                "{bad} should fail as a bad mailbox, got {:?}",
                parse_path(bad)
            );
        }
    }

    #[test]
    fn length_limits_of_4_5_3_1() {
        let local = "a".repeat(65);
        assert!(matches!(
            parse_path(&format!("<{local}@example.com>")),
            Err(PathError::TooLong(_))
        ));
        let ok_local = "a".repeat(64);
        assert!(parse_path(&format!("<{ok_local}@example.com>")).is_ok());
        let long_domain = format!("{}.com", "a.".repeat(130));
        assert!(matches!(
            parse_path(&format!("<u@{long_domain}>")),
            Err(PathError::TooLong(_))
        ));
    }

    #[test]
    fn utf8_is_detected() {
        assert!(parse_path("<用户@例子.广告>").is_ok_and(|m| m.is_utf8()));
        assert!(parse_path("<user@example.com>").is_ok_and(|m| !m.is_utf8()));
    }
}
