//! Trace fields the server prepends on delivery (RFC 5321 4.4): Return-Path and Received,
//! with the `with` protocol names of RFC 3848 and RFC 6531.

/// What the Received field's `with` clause says about the session.
pub fn with_protocol(
    lmtp: bool,
    esmtp: bool,
    tls: bool,
    auth: bool,
    smtputf8: bool,
) -> &'static str {
    match (lmtp, smtputf8, esmtp, tls, auth) {
        (true, true, _, true, true) => "UTF8LMTPSA",
        (true, true, _, true, false) => "UTF8LMTPS",
        (true, true, _, false, true) => "UTF8LMTPA",
        (true, true, _, false, false) => "UTF8LMTP",
        (true, false, _, true, true) => "LMTPSA",
        (true, false, _, true, false) => "LMTPS",
        (true, false, _, false, true) => "LMTPA",
        (true, false, _, false, false) => "LMTP",
        (false, true, _, true, true) => "UTF8SMTPSA",
        (false, true, _, true, false) => "UTF8SMTPS",
        (false, true, _, false, true) => "UTF8SMTPA",
        (false, true, _, false, false) => "UTF8SMTP",
        (false, false, false, _, _) => "SMTP",
        (false, false, true, true, true) => "ESMTPSA",
        (false, false, true, true, false) => "ESMTPS",
        (false, false, true, false, true) => "ESMTPA",
        (false, false, true, false, false) => "ESMTP",
    }
}

/// Inputs of the trace fields.
pub struct Trace<'a> {
    pub reverse_path: &'a str,
    pub helo: &'a str,
    pub client_name: &'a str,
    pub client_addr: &'a str,
    pub by: &'a str,
    pub with: &'a str,
    pub id: &'a str,
    /// The `for` clause: only when the message has exactly one recipient (privacy).
    pub for_path: Option<&'a str>,
    pub now_ms: u64,
}

impl Trace<'_> {
    /// `Return-Path:` and `Received:` lines, folded, CRLF-terminated.
    pub fn header(&self) -> String {
        let addr = if self.client_addr.contains(':') {
            format!("[IPv6:{}]", self.client_addr)
        } else {
            format!("[{}]", self.client_addr)
        };
        let mut out = format!(
            "Return-Path: {}\r\nReceived: from {} ({} {})\r\n\tby {} (Mailroom) with {} id {}",
            self.reverse_path, self.helo, self.client_name, addr, self.by, self.with, self.id
        );
        if let Some(f) = self.for_path {
            out.push_str("\r\n\tfor ");
            out.push_str(f);
        }
        out.push_str(";\r\n\t");
        out.push_str(&rfc5322_date(self.now_ms));
        out.push_str("\r\n");
        out
    }
}

/// `Fri, 27 Nov 2026 21:00:00 +0000` for a Unix time in milliseconds (UTC).
pub fn rfc5322_date(now_ms: u64) -> String {
    let secs = now_ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MO: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {} {} {} {:02}:{:02}:{:02} +0000",
        WD[(days.rem_euclid(7)) as usize],
        d,
        MO[(m - 1) as usize],
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc5322_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        // 2026-11-27 21:04:40 UTC
        assert_eq!(
            rfc5322_date(1_795_813_480_000),
            "Fri, 27 Nov 2026 21:04:40 +0000"
        );
        assert_eq!(
            rfc5322_date(951_782_400_000),
            "Tue, 29 Feb 2000 00:00:00 +0000"
        );
    }

    #[test]
    fn with_names_follow_rfc_3848_and_6531() {
        assert_eq!(with_protocol(false, false, false, false, false), "SMTP");
        assert_eq!(with_protocol(false, true, false, false, false), "ESMTP");
        assert_eq!(with_protocol(false, true, true, true, false), "ESMTPSA");
        assert_eq!(with_protocol(true, true, false, false, false), "LMTP");
        assert_eq!(with_protocol(false, true, true, false, true), "UTF8SMTPS");
    }
}
