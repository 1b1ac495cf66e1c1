//! `Mail-parameters` / `Rcpt-parameters` (RFC 5321 4.1.2) and the value grammars of the
//! extensions that define them (SIZE, BODY, DSN, AUTH, DELIVERBY, ...).

use serde::Serialize;

/// `esmtp-keyword ["=" esmtp-value]`, keyword upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    pub keyword: String,
    pub value: Option<String>,
}

/// Parses `*(SP esmtp-param)`: each parameter is preceded by exactly one space.
pub fn parse_params(s: &str) -> Result<Vec<Param>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        rest = rest
            .strip_prefix(' ')
            .ok_or_else(|| "parameters are separated by a single space".to_owned())?;
        let end = rest.find(' ').unwrap_or(rest.len());
        let item = &rest[..end];
        rest = &rest[end..];
        if item.is_empty() {
            return Err("parameters are separated by a single space (found two)".to_owned());
        }
        let (kw, value) = match item.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (item, None),
        };
        // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
        let kw_ok = kw.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && kw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !kw_ok {
            return Err(format!("\"{kw}\" is not an esmtp-keyword"));
        }
        if let Some(v) = value {
            // esmtp-value = 1*(%d33-60 / %d62-126), UTF-8 allowed under RFC 6531
            if v.is_empty()
                || v.chars()
                    .any(|c| c == '=' || (c.is_ascii() && !c.is_ascii_graphic()))
            {
                return Err(format!("the value of {kw} is not an esmtp-value"));
            }
        }
        out.push(Param {
            keyword: kw.to_ascii_uppercase(),
            value: value.map(str::to_owned),
        });
    }
    Ok(out)
}

/// xtext (RFC 3461 4): printable ASCII except "+" and "=", with "+XX" hex escapes.
pub fn is_xtext(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                let hex = |c: u8| c.is_ascii_digit() || (b'A'..=b'F').contains(&c);
                match (b.get(i + 1), b.get(i + 2)) {
                    (Some(&h), Some(&l)) if hex(h) && hex(l) => i += 3,
                    _ => return false,
                }
            }
            33..=60 | 62..=126 => i += 1,
            _ => return false,
        }
    }
    true
}

/// NOTIFY = "NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ) (RFC 3461 4.1).
pub fn is_notify(s: &str) -> bool {
    if s.eq_ignore_ascii_case("NEVER") {
        return true;
    }
    let mut seen = Vec::new();
    for word in s.split(',') {
        let w = word.to_ascii_uppercase();
        if !matches!(w.as_str(), "SUCCESS" | "FAILURE" | "DELAY") || seen.contains(&w) {
            return false;
        }
        seen.push(w);
    }
    true
}

/// ORCPT = addr-type ";" xtext (RFC 3461 4.2); addr-type is an atom such as rfc822 or utf-8.
pub fn is_orcpt(s: &str) -> bool {
    match s.split_once(';') {
        Some((ty, addr)) => {
            !ty.is_empty()
                && ty.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !addr.is_empty()
                && (is_xtext(addr) || (ty.eq_ignore_ascii_case("utf-8") && !addr.contains(' ')))
        }
        None => false,
    }
}

/// BY = by-time ";" by-mode ["T"] (RFC 2852 4); by-time is a signed decimal of up to 9 digits.
pub fn is_by(s: &str) -> bool {
    let Some((time, mode)) = s.split_once(';') else {
        return false;
    };
    let digits = time.strip_prefix(['-', '+']).unwrap_or(time);
    let time_ok =
        !digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit());
    let mode = mode.to_ascii_uppercase();
    time_ok && matches!(mode.as_str(), "R" | "N" | "RT" | "NT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_need_single_spaces() {
        assert_eq!(parse_params("").map(|p| p.len()), Ok(0));
        assert_eq!(
            parse_params(" SIZE=10 BODY=8BITMIME").map(|p| p.len()),
            Ok(2)
        );
        assert!(parse_params("  SIZE=10").is_err());
        assert!(parse_params(" SIZE=10 ").is_err());
        assert!(parse_params("SIZE=10").is_err());
        assert!(parse_params(" -X=1").is_err());
        assert!(parse_params(" SIZE=").is_err());
        assert_eq!(
            parse_params(" smtputf8").map(|p| p[0].keyword.clone()),
            Ok("SMTPUTF8".into())
        );
    }

    #[test]
    fn extension_value_grammars() {
        assert!(is_xtext("QQQ1+2B2@example.com"));
        assert!(!is_xtext("bad+2"));
        assert!(!is_xtext("bad+zz"));
        assert!(!is_xtext("sp ace"));
        assert!(is_notify("SUCCESS,FAILURE"));
        assert!(is_notify("never"));
        assert!(!is_notify("NEVER,SUCCESS"));
        assert!(!is_notify("SUCCESS,SUCCESS"));
        assert!(is_orcpt("rfc822;pat@foo.edu"));
        assert!(!is_orcpt("pat@foo.edu"));
        assert!(is_by("120;R"));
        assert!(is_by("-10;NT"));
        assert!(!is_by("120;X"));
        assert!(!is_by("1234567890;R"));
    }
}
