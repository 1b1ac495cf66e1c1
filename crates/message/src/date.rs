//! RFC 5322 3.3 date-time, with the obsolete forms of 4.3 (2/3-digit years, alphabetic
//! zones, CFWS between tokens) accepted and reported as `obsolete-date` warnings, and
//! the day-of-week checked against the date.

use crate::diag::Text;
use crate::diag::{rule, text, Sink};
use crate::lex::{self, Kind, Token};

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A parsed date-time (civil fields as written; zone in minutes east of UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub zone_minutes: i32,
}

#[cfg(test)]
impl DateTime {
    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.zone_minutes) * 60
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u8) -> u8 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Formats a date-time the way RFC 5322 3.3 recommends, e.g. `Thu, 26 Oct 2023 00:07:56 +0900`.
/// The offset is clamped to +-23:59; years are clamped to 1900..=9999.
pub fn format(unix_seconds: i64, offset_minutes: i32) -> String {
    let off = offset_minutes.clamp(-1439, 1439);
    let min = -2_208_988_800i64; // 1900-01-01T00:00:00Z
    let max = 253_402_300_799i64; // 9999-12-31T23:59:59Z
    let local = unix_seconds.clamp(min + 86400, max - 86400) + i64::from(off) * 60;
    let days = local.div_euclid(86400);
    let secs = local.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let wd = DAYS
        .get(((days + 4).rem_euclid(7)) as usize)
        .copied()
        .unwrap_or("Sun");
    let mon = MONTHS
        .get(usize::from(m.saturating_sub(1)))
        .copied()
        .unwrap_or("Jan");
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.unsigned_abs();
    format!(
        "{wd}, {d} {mon} {y:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        a / 60,
        a % 60
    )
}

struct Ctx<'a, 's> {
    buf: &'a [u8],
    toks: lex::Tokens,
    i: usize,
    end: usize,
    field: &'a str,
    sink: Option<&'s mut Sink>,
}

impl<'a> Ctx<'a, '_> {
    fn tok(&self) -> Option<Token> {
        self.toks.get(self.i).copied()
    }
    fn atom(&self) -> Option<(Token, &'a [u8])> {
        let t = self.tok()?;
        (t.kind == Kind::Atom).then(|| (t, lex::text(self.buf, &t)))
    }
    fn fail(&mut self, t: Option<Token>, en: Text, ja: Text) -> Option<DateTime> {
        let (s, e) = t.map_or((self.end, self.end), |t| (t.start, t.end));
        if let Some(sink) = self.sink.as_deref_mut() {
            sink.add(
                &rule::INVALID_DATE,
                s,
                e,
                text!["invalid date in ", self.field, ": ", en],
                text![self.field, " の日時が不正です: ", ja],
            );
        }
        None
    }
    fn obsolete(&mut self, t: Token, en: Text, ja: Text) {
        if let Some(sink) = self.sink.as_deref_mut() {
            sink.add(&rule::OBSOLETE_DATE, t.start, t.end, en, ja);
        }
    }
}

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |a, &d| a * 10 + i64::from(d - b'0')))
}

fn two_digits(c: &mut Ctx, what: &str, what_ja: &str, max: i64) -> Option<u8> {
    let Some((t, s)) = c.atom() else {
        let t = c.tok();
        return c
            .fail(
                t,
                text!["expected the ", what].into(),
                text![what_ja, "がありません"].into(),
            )
            .map(|_| 0);
    };
    match digits(s) {
        Some(v) if s.len() == 2 && v <= max => {
            c.i += 1;
            Some(v as u8)
        }
        // "00:00:00+0000": the zone stuck to the time (zone = FWS ("+" / "-") 4DIGIT).
        _ if s.len() > 2
            && s.get(..2).and_then(digits).is_some()
            && matches!(s.get(2), Some(b'+' | b'-')) =>
        {
            c.fail(
                Some(t),
                "a space is needed between the time and the zone".into(),
                "時刻とタイムゾーンの間に空白が必要です".into(),
            )
            .map(|_| 0)
        }
        _ => c
            .fail(
                Some(t),
                format!("the {what} must be two digits, 00-{max:02}").into(),
                format!("{what_ja}は 2 桁の 00〜{max:02} でなければなりません").into(),
            )
            .map(|_| 0),
    }
}

/// Parses and checks a date-time in `buf[start..end]`, reporting into `sink`.
pub(crate) fn check(
    buf: &[u8],
    start: usize,
    end: usize,
    field: &str,
    sink: Option<&mut Sink>,
) -> Option<DateTime> {
    let (toks, errs, _) = lex::tokenize(buf, start, end);
    let mut c = Ctx {
        buf,
        toks,
        i: 0,
        end,
        field,
        sink,
    };
    if let Some(e) = errs.first() {
        let t = Token {
            kind: Kind::Special(0),
            start: e.start,
            end: e.end,
            ws_start: e.start,
            comment_before: false,
        };
        return c.fail(Some(t), e.what.into(), e.what_ja.into());
    }
    if c.toks.is_empty() {
        return c.fail(
            None,
            "the field is empty".into(),
            "フィールドが空です".into(),
        );
    }
    // [ day-of-week "," ]
    let mut weekday: Option<(Token, usize)> = None;
    if let Some((t, s)) = c.atom() {
        if s.first().is_some_and(u8::is_ascii_alphabetic) {
            let Some(wd) = DAYS
                .iter()
                .position(|d| d.as_bytes().eq_ignore_ascii_case(s))
            else {
                return c.fail(
                    Some(t),
                    text![
                        "'",
                        crate::lex::lossy_cow(s),
                        "' is not a day name (Mon..Sun)"
                    ]
                    .into(),
                    text![
                        "'",
                        crate::lex::lossy_cow(s),
                        "' は曜日名（Mon〜Sun）ではありません"
                    ]
                    .into(),
                );
            };
            c.i += 1;
            if !c.tok().is_some_and(|t| t.is(b',')) {
                let t = c.tok();
                return c.fail(
                    t,
                    "expected ',' after the day of week".into(),
                    "曜日の後に ',' が必要です".into(),
                );
            }
            c.i += 1;
            weekday = Some((t, wd));
        }
    }
    // day
    let Some((dt, ds)) = c.atom() else {
        let t = c.tok();
        return c.fail(
            t,
            "expected the day of month".into(),
            "日がありません".into(),
        );
    };
    let day = match digits(ds) {
        Some(d) if (1..=2).contains(&ds.len()) => d,
        _ => {
            return c.fail(
                Some(dt),
                "the day must be 1 or 2 digits".into(),
                "日は 1〜2 桁の数字でなければなりません".into(),
            )
        }
    };
    c.i += 1;
    // month
    let Some((mt, ms)) = c.atom() else {
        let t = c.tok();
        return c.fail(
            t,
            "expected the month name".into(),
            "月の名前がありません".into(),
        );
    };
    let Some(month) = MONTHS
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(ms))
    else {
        return c.fail(
            Some(mt),
            text![
                "'",
                crate::lex::lossy_cow(ms),
                "' is not a month name (Jan..Dec)"
            ]
            .into(),
            text![
                "'",
                crate::lex::lossy_cow(ms),
                "' は月の名前（Jan〜Dec）ではありません"
            ]
            .into(),
        );
    };
    let month = month as u8 + 1;
    c.i += 1;
    // year
    let Some((yt, ys)) = c.atom() else {
        let t = c.tok();
        return c.fail(t, "expected the year".into(), "年がありません".into());
    };
    let Some(mut year) = digits(ys) else {
        return c.fail(
            Some(yt),
            "the year must be digits".into(),
            "年は数字でなければなりません".into(),
        );
    };
    c.i += 1;
    match ys.len() {
        2 | 3 => {
            year += if ys.len() == 2 && year < 50 {
                2000
            } else {
                1900
            };
            c.obsolete(
                yt,
                text![
                    ys.len(),
                    "-digit year is obsolete (read as ",
                    year,
                    "); write 4 digits"
                ]
                .into(),
                text![
                    ys.len(),
                    " 桁の年は廃止された形式です（",
                    year,
                    " 年と解釈）。4 桁で書いてください"
                ]
                .into(),
            );
        }
        1 => {
            return c.fail(
                Some(yt),
                "the year must have 4 digits".into(),
                "年は 4 桁でなければなりません".into(),
            )
        }
        _ if year < 1900 => {
            return c.fail(
                Some(yt),
                "the year must be 1900 or later".into(),
                "年は 1900 以降でなければなりません".into(),
            )
        }
        _ => {}
    }
    if u8::try_from(day).map_or(true, |d| d == 0 || d > days_in_month(year, month)) {
        return c.fail(
            Some(dt),
            text![
                "day ",
                day,
                " does not exist in ",
                MONTHS.get(usize::from(month - 1)).unwrap_or(&"")
            ]
            .into(),
            text![month, " 月に ", day, " 日はありません"].into(),
        );
    }
    // time-of-day = hour ":" minute [ ":" second ]
    let hour = two_digits(&mut c, "hour", "時", 23)?;
    if !c.tok().is_some_and(|t| t.is(b':')) {
        let t = c.tok();
        return c.fail(
            t,
            "expected ':' between hour and minute".into(),
            "時と分の間に ':' が必要です".into(),
        );
    }
    c.i += 1;
    let minute = two_digits(&mut c, "minute", "分", 59)?;
    let mut second = 0;
    if c.tok().is_some_and(|t| t.is(b':')) {
        c.i += 1;
        second = two_digits(&mut c, "second", "秒", 60)?;
    }
    // zone
    let Some((zt, zs)) = c.atom() else {
        let t = c.tok();
        return c.fail(
            t,
            "expected the time zone, e.g. +0900".into(),
            "タイムゾーン（例: +0900）がありません".into(),
        );
    };
    c.i += 1;
    let zone_minutes = match zs.first() {
        Some(b'+') | Some(b'-') => {
            let Some(v) = zs.get(1..).filter(|d| d.len() == 4).and_then(digits) else {
                return c.fail(
                    Some(zt),
                    "the zone must be '+' or '-' and 4 digits (hhmm)".into(),
                    "タイムゾーンは '+' か '-' と 4 桁（hhmm）でなければなりません".into(),
                );
            };
            if v % 100 > 59 {
                return c.fail(
                    Some(zt),
                    "the zone's minutes must be 00-59".into(),
                    "タイムゾーンの分は 00〜59 でなければなりません".into(),
                );
            }
            let m = (v / 100 * 60 + v % 100) as i32;
            if zs.first() == Some(&b'-') {
                -m
            } else {
                m
            }
        }
        _ => {
            let z = crate::lex::lossy_cow(zs).to_ascii_uppercase();
            let m = match z.as_str() {
                "UT" | "GMT" => Some(0),
                "EDT" => Some(-4 * 60),
                "EST" | "CDT" => Some(-5 * 60),
                "CST" | "MDT" => Some(-6 * 60),
                "MST" | "PDT" => Some(-7 * 60),
                "PST" => Some(-8 * 60),
                s if s.len() == 1 && s != "J" && s.bytes().all(|b| b.is_ascii_alphabetic()) => None,
                _ => {
                    return c.fail(
                        Some(zt),
                        text![
                            "'",
                            crate::lex::lossy_cow(zs),
                            "' is not a time zone; use +hhmm or -hhmm"
                        ]
                        .into(),
                        text![
                            "'",
                            crate::lex::lossy_cow(zs),
                            "' はタイムゾーンではありません。+hhmm か -hhmm を使ってください"
                        ]
                        .into(),
                    );
                }
            };
            match m {
                Some(m) => {
                    c.obsolete(
                        zt,
                        text![
                            "alphabetic zone '",
                            z,
                            "' is obsolete; write it as a numeric offset"
                        ]
                        .into(),
                        text![
                            "英字のタイムゾーン '",
                            z,
                            "' は廃止された形式です。数値のオフセットで書いてください"
                        ]
                        .into(),
                    );
                    m
                }
                None => {
                    c.obsolete(
                        zt,
                        text![
                            "military zone '",
                            z,
                            "' is obsolete and ambiguous; it is read as -0000 (unknown)"
                        ]
                        .into(),
                        text![
                            "軍用タイムゾーン '",
                            z,
                            "' は廃止された曖昧な形式で、-0000（不明）と解釈されます"
                        ]
                        .into(),
                    );
                    0
                }
            }
        }
    };
    if let Some(t) = c.tok() {
        return c.fail(
            Some(t),
            "unexpected text after the time zone".into(),
            "タイムゾーンの後に余分な文字があります".into(),
        );
    }
    let dtm = DateTime {
        year,
        month,
        day: day as u8,
        hour,
        minute,
        second,
        zone_minutes,
    };
    if let Some((wt, wd)) = weekday {
        let actual = (days_from_civil(year, month, day as u8) + 4).rem_euclid(7) as usize;
        if actual != wd {
            let (a, w) = (DAYS.get(actual).unwrap_or(&""), DAYS.get(wd).unwrap_or(&""));
            if let Some(s) = c.sink.as_deref_mut() {
                s.add(
                    &rule::DATE_WEEKDAY_MISMATCH,
                    wt.start,
                    wt.end,
                    text![
                        c.field,
                        " says ",
                        w,
                        ", but ",
                        day,
                        " ",
                        MONTHS.get(usize::from(month - 1)).unwrap_or(&""),
                        " ",
                        year,
                        " is a ",
                        a
                    ],
                    text![
                        c.field,
                        " の曜日は ",
                        w,
                        " ですが、",
                        year,
                        " 年 ",
                        month,
                        " 月 ",
                        day,
                        " 日は ",
                        a,
                        " です"
                    ],
                );
            }
        }
    }
    Some(dtm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (Option<DateTime>, Vec<&'static str>) {
        let mut sink = Sink::default();
        let d = check(s.as_bytes(), 0, s.len(), "Date", Some(&mut sink));
        (d, sink.diags.iter().map(|d| d.rule).collect())
    }

    #[test]
    fn good_dates() {
        for s in [
            " Thu, 26 Oct 2023 00:07:56 +0900",
            " 26 Oct 2023 00:07 -0000",
            " Tue, 12 Nov 2013 09:12:42 -0500 (EST)",
            " Thu,\r\n 29 Feb 2024 23:59:60 +0000",
        ] {
            let (d, ids) = run(s);
            assert!(d.is_some() && ids.is_empty(), "{s}: {ids:?}");
        }
    }

    #[test]
    fn obsolete_and_bad() {
        assert_eq!(run(" 26 Oct 23 00:07:56 +0900").1, vec!["obsolete-date"]);
        assert_eq!(run(" 26 Oct 2023 00:07:56 PST").1, vec!["obsolete-date"]);
        assert_eq!(
            run(" Fri, 26 Oct 2023 00:07:56 +0900").1,
            vec!["date-weekday-mismatch"]
        );
        for s in [
            " 30 Feb 2023 00:00 +0000",
            " 26 Oct 2023 24:00 +0000",
            " 26 Oct 2023 00:00",
            " 2023-10-26T00:00:00Z",
            "",
            " 26 Oct 2023 00:00 +09:00",
            " Thu 26 Oct 2023 00:07:56 +0900",
        ] {
            assert_eq!(run(s).1, vec!["invalid-date"], "{s}");
        }
    }

    #[test]
    fn format_roundtrip() {
        let s = format(1698246476, 540);
        assert_eq!(s, "Thu, 26 Oct 2023 00:07:56 +0900");
        let (d, ids) = run(&format!(" {s}"));
        assert!(ids.is_empty());
        assert_eq!(d.unwrap().unix(), 1698246476);
        assert_eq!(format(0, -300), "Wed, 31 Dec 1969 19:00:00 -0500");
    }
}
