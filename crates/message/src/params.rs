//! MIME structured values (RFC 2045 5.1): `type/subtype *(; attribute=value)` and
//! `token *(; parameter)` for Content-Disposition, with RFC 2231 parameter value
//! continuations (`name*0=`, `name*1*=`) and charset/language (`name*=UTF-8'ja'%E3..`).

use crate::b64::hex_value;
use crate::charset;
use crate::diag::{rule, text, DiagExt, Rule, Severity, Sink, Text};
use crate::encoded_word;
use crate::lex::{is_wsp, Checked};
use std::borrow::Cow;

/// RFC 2045 5.1 tspecials.
const fn is_tspecial(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')'
            | b'<'
            | b'>'
            | b'@'
            | b','
            | b';'
            | b':'
            | b'\\'
            | b'"'
            | b'/'
            | b'['
            | b']'
            | b'?'
            | b'='
    )
}

/// RFC 2045 5.1 token characters, as a table (asked for every byte of every value).
const TOKEN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 33;
    while i < 127 {
        t[i] = !is_tspecial(i as u8);
        i += 1;
    }
    t
};

fn is_token(b: u8) -> bool {
    TOKEN[usize::from(b)]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Param<'a> {
    /// Lower-case base name (RFC 2231 section/extension markers removed), borrowed from
    /// the input when written in lower case.
    pub name: Cow<'a, str>,
    /// Value after quoting, continuations and charset decoding; borrowed from the input
    /// when it is written as is (a token, or a quoted string without escapes).
    pub value: Cow<'a, str>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MimeValue<'a> {
    /// `type/subtype` (lower-case) or the disposition token, borrowed from the input when
    /// written so.
    pub head: Cow<'a, str>,
    pub params: Vec<Param<'a>>,
}

impl<'a> MimeValue<'a> {
    pub fn param(&self, name: &str) -> Option<&Param<'a>> {
        self.params.iter().find(|p| p.name == name)
    }
    /// The value of parameter `name`, moved out: the parameter is gone from the list.
    pub fn take_param(&mut self, name: &str) -> Option<Cow<'a, str>> {
        let i = self.params.iter().position(|p| p.name == name)?;
        Some(self.params.remove(i).value)
    }
}

struct Lx<'a, 's> {
    buf: &'a [u8],
    /// The value being parsed, checked as UTF-8 once: tokens and values are cut from it.
    checked: Checked<'a>,
    i: usize,
    end: usize,
    sink: Option<&'s mut Sink>,
    rule: &'static Rule,
    field: &'static str,
    failed: bool,
}

impl<'a> Lx<'a, '_> {
    fn at(&self) -> Option<u8> {
        (self.i < self.end)
            .then(|| self.buf.get(self.i).copied())
            .flatten()
    }
    fn skip_cfws(&mut self) {
        while let Some(b) = self.at() {
            if is_wsp(b) || b == b'\r' || b == b'\n' {
                self.i += 1;
            } else if b == b'(' {
                let mut depth = 0usize;
                while let Some(c) = self.at() {
                    self.i += 1;
                    match c {
                        b'\\' => self.i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                self.i = self.i.min(self.end);
            } else {
                break;
            }
        }
    }
    fn token(&mut self) -> Option<(usize, usize)> {
        let s = self.i;
        let rest = self.buf.get(s..self.end).unwrap_or(&[]);
        self.i += rest
            .iter()
            .position(|&b| !is_token(b))
            .unwrap_or(rest.len());
        (self.i > s).then_some((s, self.i))
    }
    fn err(&mut self, s: usize, e: usize, en: Text, ja: Text) {
        self.failed = true;
        if let Some(k) = self.sink.as_deref_mut() {
            let r = self.rule;
            k.add(
                r,
                s,
                e.max(s),
                text![self.field, ": ", en],
                text![self.field, ": ", ja],
            );
        }
    }
    fn warn(&mut self, s: usize, e: usize, en: Text, ja: Text, rfc: &'static str) {
        if let Some(k) = self.sink.as_deref_mut() {
            let r = self.rule;
            k.add(
                r,
                s,
                e.max(s),
                text![self.field, ": ", en],
                text![self.field, ": ", ja],
            )
            .sev(Severity::Warning)
            .rfc(rfc);
        }
    }
    /// A token in lower case, borrowed when it is written so. Tokens are ASCII
    /// (`is_token`), so no UTF-8 repair is needed (a non-ASCII byte would still be kept
    /// as U+FFFD, as before).
    fn lower(&self, (s, e): (usize, usize)) -> Cow<'a, str> {
        crate::lex::ascii_lowercase(self.checked.cut(s, e))
    }
    fn lower_into(&self, (s, e): (usize, usize), out: &mut String) {
        let at = out.len();
        out.push_str(&self.checked.cut(s, e));
        if let Some(added) = out.get_mut(at..) {
            added.make_ascii_lowercase();
        }
    }
    /// A slice of `buf` as text, cut like [`Checked::cut`].
    fn text_of(&self, b: &'a [u8]) -> Cow<'a, str> {
        let (at, buf_at) = (b.as_ptr() as usize, self.buf.as_ptr() as usize);
        match at.checked_sub(buf_at) {
            Some(s) if s + b.len() <= self.buf.len() => self.checked.cut(s, s + b.len()),
            _ => crate::lex::lossy_cow(b),
        }
    }
}

/// One `attribute=value` as written, before RFC 2231 assembly.
struct RawParam<'a> {
    base: Cow<'a, str>,
    section: Option<u32>,
    extended: bool,
    value: Cow<'a, [u8]>,
    quoted: bool,
    start: usize,
    end: usize,
}

/// Parses a Content-Type (`type_subtype`) or Content-Disposition value. `None` when the
/// head is unusable (reported into `sink` under `rule`).
pub(crate) fn parse<'a>(
    buf: &'a [u8],
    start: usize,
    end: usize,
    type_subtype: bool,
    field: &'static str,
    rule: &'static Rule,
    sink: Option<&mut Sink>,
) -> Option<MimeValue<'a>> {
    let end = end.min(buf.len());
    let mut lx = Lx {
        buf,
        checked: Checked::new(buf, start, end),
        i: start,
        end,
        sink,
        rule,
        field,
        failed: false,
    };
    lx.skip_cfws();
    let head_start = lx.i;
    let Some(t) = lx.token() else {
        let e = lx.end;
        lx.err(
            head_start,
            e,
            "missing value".into(),
            "値がありません".into(),
        );
        return None;
    };
    let mut head = lx.lower(t);
    if type_subtype {
        lx.skip_cfws();
        if lx.at() != Some(b'/') {
            let e = lx.i.max(t.1);
            lx.err(
                head_start,
                e,
                text!["'", head, "' is not 'type/subtype'"].into(),
                text!["'", head, "' は 'type/subtype' の形ではありません"].into(),
            );
            return None;
        }
        lx.i += 1;
        lx.skip_cfws();
        let Some(st) = lx.token() else {
            let p = lx.i;
            lx.err(
                head_start,
                p,
                "missing subtype after '/'".into(),
                "'/' の後にサブタイプがありません".into(),
            );
            return None;
        };
        // Borrowed when written as one lower-case `type/subtype` (no comments or spaces
        // around '/').
        let lower = |w: &str| !w.bytes().any(|b| b.is_ascii_uppercase());
        head = match (head, lx.checked.cut(t.0, st.1)) {
            (Cow::Borrowed(_), Cow::Borrowed(w)) if st.0 == t.1 + 1 && lower(w) => Cow::Borrowed(w),
            (head, _) => {
                let mut h = head.into_owned();
                h.push('/');
                lx.lower_into(st, &mut h);
                Cow::Owned(h)
            }
        };
    }
    // Grown as read: the first parameter allocates room for four.
    let mut raws: Vec<RawParam> = Vec::new();
    loop {
        lx.skip_cfws();
        let Some(b) = lx.at() else { break };
        if b != b';' {
            let p = lx.i;
            lx.err(
                p,
                p + 1,
                text![
                    "expected ';' before more parameters, found '",
                    char::from(b),
                    "'"
                ]
                .into(),
                text![
                    "次のパラメータの前に ';' が必要ですが '",
                    char::from(b),
                    "' があります"
                ]
                .into(),
            );
            break;
        }
        lx.i += 1;
        lx.skip_cfws();
        if lx.at().is_none() {
            break; // trailing ';' is tolerated
        }
        let ps = lx.i;
        let Some(nt) = lx.token() else {
            let p = lx.i;
            lx.err(
                p,
                p + 1,
                "expected a parameter name".into(),
                "パラメータ名が必要です".into(),
            );
            skip_to_semicolon(&mut lx);
            continue;
        };
        let name = lx.lower(nt);
        lx.skip_cfws();
        if lx.at() != Some(b'=') {
            let p = lx.i;
            lx.err(
                ps,
                p,
                text!["parameter '", name, "' has no '=value'"].into(),
                text!["パラメータ '", name, "' に '=値' がありません"].into(),
            );
            skip_to_semicolon(&mut lx);
            continue;
        }
        lx.i += 1;
        lx.skip_cfws();
        let (value, quoted) = if lx.at() == Some(b'"') {
            lx.i += 1;
            let rest = buf.get(lx.i..lx.end).unwrap_or(&[]);
            let close = memchr::memchr(b'"', rest);
            // Most quoted values are their text up to the next '"': borrowed.
            if let Some(text) = close
                .and_then(|n| rest.get(..n))
                .filter(|t| !t.iter().any(|&c| matches!(c, b'\\' | b'\r' | b'\n')))
            {
                lx.i += text.len() + 1;
                raws.push(raw(name, Cow::Borrowed(text), true, ps, lx.i, &mut lx));
                continue;
            }
            let mut v = Vec::with_capacity(close.unwrap_or(rest.len()));
            let mut closed = false;
            while let Some(c) = lx.at() {
                lx.i += 1;
                match c {
                    b'\\' => {
                        if let Some(n) = lx.at() {
                            v.push(n);
                            lx.i += 1;
                        }
                    }
                    b'"' => {
                        closed = true;
                        break;
                    }
                    b'\r' | b'\n' => {}
                    _ => v.push(c),
                }
            }
            if !closed {
                let e = lx.end;
                lx.err(
                    ps,
                    e,
                    text!["value of '", name, "' has an unterminated quoted string"].into(),
                    text!["'", name, "' の値の引用符が閉じられていません"].into(),
                );
            }
            (Cow::Owned(v), true)
        } else {
            let vs = lx.i;
            let _ = lx.token();
            let ve = lx.i;
            lx.skip_cfws();
            if lx.at().is_some_and(|c| c != b';') {
                // Unquoted value with tspecials/space: recover up to ';'.
                skip_to_semicolon(&mut lx);
                let e = lx.i;
                lx.err(
                    vs,
                    e,
                    text![
                        "value of '",
                        name,
                        "' contains special characters or spaces and must be quoted"
                    ]
                    .into(),
                    text![
                        "'",
                        name,
                        "' の値に特殊文字か空白が含まれているので引用符で囲む必要があります"
                    ]
                    .into(),
                );
                (Cow::Borrowed(trim(buf.get(vs..e).unwrap_or(&[]))), false)
            } else {
                if ve == vs {
                    lx.err(
                        ps,
                        ve,
                        text!["parameter '", name, "' has an empty value"].into(),
                        text!["パラメータ '", name, "' の値が空です"].into(),
                    );
                }
                (Cow::Borrowed(buf.get(vs..ve).unwrap_or(&[])), false)
            }
        };
        let pe = lx.i;
        raws.push(raw(name, value, quoted, ps, pe, &mut lx));
    }
    let params = assemble(&mut lx, raws);
    Some(MimeValue { head, params })
}

/// One parameter as written: its name split into base, RFC 2231 section and extension
/// marker (`name*`, `name*N`, `name*N*`).
fn raw<'a>(
    name: Cow<'a, str>,
    value: Cow<'a, [u8]>,
    quoted: bool,
    ps: usize,
    pe: usize,
    lx: &mut Lx<'a, '_>,
) -> RawParam<'a> {
    // RFC 2231: name*, name*N, name*N*
    let (base, section, extended) = match name.bytes().position(|b| b == b'*') {
        None => (name, None, false),
        Some(star) => {
            let b = match &name {
                Cow::Borrowed(n) => Cow::Borrowed(n.get(..star).unwrap_or("")),
                Cow::Owned(n) => Cow::Owned(n.get(..star).unwrap_or("").to_string()),
            };
            let rest = name.get(star + 1..).unwrap_or("");
            let (num, ext) = match rest.strip_suffix('*') {
                Some(n) => (n, true),
                None => (rest, rest.is_empty()),
            };
            if num.is_empty() {
                (b, None, true)
            } else if let Some(n) = num.parse::<u32>().ok().filter(|_| {
                num.bytes().all(|c| c.is_ascii_digit()) && (num == "0" || !num.starts_with('0'))
            }) {
                (b, Some(n), ext)
            } else {
                lx.err(
                    ps,
                    pe,
                    text!["'", name, "' is not a valid RFC 2231 parameter name"].into(),
                    text!["'", name, "' は RFC 2231 のパラメータ名として不正です"].into(),
                );
                (b, None, ext)
            }
        }
    };
    RawParam {
        base,
        section,
        extended,
        value,
        quoted,
        start: ps,
        end: pe,
    }
}

fn skip_to_semicolon(lx: &mut Lx) {
    let mut in_q = false;
    while let Some(c) = lx.at() {
        if c == b'"' {
            in_q = !in_q;
        } else if c == b'\\' && in_q {
            lx.i += 1;
        } else if c == b';' && !in_q {
            break;
        }
        lx.i += 1;
    }
    lx.i = lx.i.min(lx.end);
}

fn trim(s: &[u8]) -> &[u8] {
    let a = s.iter().position(|&b| !is_wsp(b)).unwrap_or(s.len());
    let b = s.iter().rposition(|&b| !is_wsp(b)).map_or(a, |p| p + 1);
    s.get(a..b).unwrap_or(&[])
}

/// A plain (not RFC 2231) parameter's value: lossy UTF-8, encoded words decoded
/// leniently; quoted encoded words are flagged.
fn plain_value<'a>(lx: &mut Lx<'a, '_>, p: &RawParam, value: Cow<'a, [u8]>) -> Cow<'a, str> {
    if p.quoted {
        if let Some(k) = lx.sink.as_deref_mut() {
            encoded_word::flag_quoted(lx.buf, p.start, p.end, Some(k));
        }
    }
    let s = match value {
        Cow::Borrowed(b) => lx.text_of(b),
        Cow::Owned(v) => Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    };
    if encoded_word::find_ew_start(s.as_bytes()).is_some() {
        Cow::Owned(encoded_word::decode_lenient(s.as_bytes()))
    } else {
        s
    }
}

/// Indexes of `raws` grouped by name: each group in input order, the groups in order of
/// first occurrence. By sorting, so 100,000 parameters cost n log n, not n².
fn groups_by_name(raws: &[RawParam]) -> Vec<Vec<usize>> {
    let name = |k: usize| raws.get(k).map(|r| &*r.base);
    let mut order: Vec<usize> = (0..raws.len()).collect();
    // Unique keys (name, index): an unstable sort gives the stable order.
    order.sort_unstable_by(|&a, &b| name(a).cmp(&name(b)).then(a.cmp(&b)));
    let mut groups: Vec<Vec<usize>> = order
        .chunk_by(|&a, &b| name(a) == name(b))
        .map(<[usize]>::to_vec)
        .collect();
    groups.sort_unstable_by_key(|g| g.first().copied());
    groups
}

/// Joins RFC 2231 sections, decodes charsets, flags duplicates.
fn assemble<'a>(lx: &mut Lx<'a, '_>, raws: Vec<RawParam<'a>>) -> Vec<Param<'a>> {
    // The common case: a few plain parameters, no name twice (checked pairwise, which is
    // cheap for a handful). Then each parameter stands alone and is moved into the result.
    let simple = raws.len() <= 16
        && raws.iter().enumerate().all(|(k, r)| {
            r.section.is_none()
                && !r.extended
                && raws
                    .get(..k)
                    .is_some_and(|b| b.iter().all(|x| x.base != r.base))
        });
    if simple {
        return raws
            .into_iter()
            .map(|mut r| {
                let value = std::mem::take(&mut r.value);
                Param {
                    value: plain_value(lx, &r, value),
                    name: r.base,
                    start: r.start,
                    end: r.end,
                }
            })
            .collect();
    }
    let groups = groups_by_name(&raws);
    let mut out: Vec<Param> = Vec::with_capacity(groups.len());
    for g in &groups {
        let group: Vec<&RawParam> = g.iter().filter_map(|&k| raws.get(k)).collect();
        let Some(r) = group.first().copied() else {
            continue;
        };
        let plain: Vec<&&RawParam> = group.iter().filter(|x| x.section.is_none()).collect();
        let mut sections: Vec<&&RawParam> = group.iter().filter(|x| x.section.is_some()).collect();
        // (section, start) is unique: the order of repeated sections stays the input's.
        sections.sort_unstable_by_key(|x| (x.section, x.start));
        let (start, end) = (r.start, group.last().map_or(r.end, |x| x.end));
        // Prefer the RFC 2231 form when both are present (RFC 2231 leaves it to readers;
        // this is what mail clients do), but flag duplicates of the same form.
        if plain.len() > 1
            || (sections
                .windows(2)
                .any(|w| w.first().map(|a| a.section) == w.get(1).map(|b| b.section)))
        {
            let dup = plain.get(1).map_or(end, |d| d.start);
            lx.warn(
                dup,
                end,
                text!["parameter '", r.base, "' is given more than once"].into(),
                text!["パラメータ '", r.base, "' が複数回指定されています"].into(),
                "RFC 2045 5.1",
            );
        }
        let value = if !sections.is_empty() {
            for (n, s) in sections.iter().enumerate() {
                if s.section != Some(n as u32) {
                    lx.err(
                        s.start,
                        s.end,
                        text![
                            "RFC 2231 continuation '",
                            r.base,
                            "' sections must be numbered 0, 1, 2... without gaps"
                        ]
                        .into(),
                        text![
                            "RFC 2231 の継続パラメータ '",
                            r.base,
                            "' は 0, 1, 2... と欠番なしで番号付けする必要があります"
                        ]
                        .into(),
                    );
                    break;
                }
            }
            let mut bytes = Vec::new();
            let mut cs = None;
            for (n, s) in sections.iter().enumerate() {
                if s.extended {
                    let v = if n == 0 {
                        split_charset(lx, s, &mut cs)
                    } else {
                        s.value.to_vec()
                    };
                    bytes.extend(pct_decode(lx, s, &v));
                } else {
                    bytes.extend_from_slice(&s.value);
                }
            }
            Cow::Owned(decode_cs(lx, r, cs.as_deref(), &bytes))
        } else if let Some(p) = plain.iter().find(|p| p.extended).or(plain.first()) {
            if p.extended {
                let mut cs = None;
                let v = split_charset(lx, p, &mut cs);
                let bytes = pct_decode(lx, p, &v);
                Cow::Owned(decode_cs(lx, p, cs.as_deref(), &bytes))
            } else {
                plain_value(lx, p, p.value.clone())
            }
        } else {
            Cow::Borrowed("")
        };
        out.push(Param {
            name: r.base.clone(),
            value,
            start,
            end,
        });
    }
    out
}

/// `charset'language'rest` of the first extended section.
fn split_charset(lx: &mut Lx, p: &RawParam, cs: &mut Option<String>) -> Vec<u8> {
    let v = &p.value;
    let mut parts = v.splitn(3, |&b| b == b'\'');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(c), Some(_lang), Some(rest)) => {
            *cs = Some(crate::lex::lossy(c)).filter(|s| !s.is_empty());
            rest.to_vec()
        }
        _ => {
            lx.err(
                p.start,
                p.end,
                text![
                    "RFC 2231 value of '",
                    p.base,
                    "' must start with charset'language'"
                ]
                .into(),
                text![
                    "'",
                    p.base,
                    "' の RFC 2231 形式の値は charset'language' で始める必要があります"
                ]
                .into(),
            );
            v.to_vec()
        }
    }
}

fn pct_decode(lx: &mut Lx, p: &RawParam, v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    let mut flagged = false;
    while let Some(&b) = v.get(i) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                v.get(i + 1).copied().and_then(hex_value),
                v.get(i + 2).copied().and_then(hex_value),
            ) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
            if !flagged {
                flagged = true;
                lx.err(
                    p.start,
                    p.end,
                    text![
                        "'%' in the RFC 2231 value of '",
                        p.base,
                        "' is not followed by two hex digits"
                    ]
                    .into(),
                    text![
                        "'",
                        p.base,
                        "' の RFC 2231 形式の値で '%' の後に 16 進数 2 桁がありません"
                    ]
                    .into(),
                );
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn decode_cs(lx: &mut Lx, p: &RawParam, cs: Option<&str>, bytes: &[u8]) -> String {
    let Some(name) = cs else {
        return crate::lex::lossy(bytes);
    };
    match charset::lookup(name) {
        Some(c) => {
            let (s, bad) = charset::decode(c, bytes);
            if bad.is_some() {
                if let Some(k) = lx.sink.as_deref_mut() {
                    k.add(
                        &rule::CHARSET_DECODE_ERROR,
                        p.start,
                        p.end,
                        text!["parameter '", p.base, "' is not valid ", name],
                        text![
                            "パラメータ '",
                            p.base,
                            "' が ",
                            name,
                            " として正しくありません"
                        ],
                    )
                    .rfc("RFC 2231 4");
                }
            }
            s
        }
        None => {
            if let Some(k) = lx.sink.as_deref_mut() {
                k.add(
                    &rule::UNKNOWN_CHARSET,
                    p.start,
                    p.end,
                    text!["unknown charset '", name, "' in parameter '", p.base, "'"],
                    text![
                        "パラメータ '",
                        p.base,
                        "' の文字コード '",
                        name,
                        "' は不明です"
                    ],
                )
                .rfc("RFC 2231 4");
            }
            crate::lex::lossy(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(s: &str) -> (Option<MimeValue<'_>>, Vec<(&'static str, Severity)>) {
        let mut sink = Sink::default();
        let v = parse(
            s.as_bytes(),
            0,
            s.len(),
            true,
            "Content-Type",
            &rule::INVALID_CONTENT_TYPE,
            Some(&mut sink),
        );
        (v, sink.diags.iter().map(|d| (d.rule, d.severity)).collect())
    }

    /// Heads and values written as they read are borrowed from the input; lowered,
    /// unescaped, unfolded or decoded ones are owned.
    #[test]
    fn borrowed_when_written_as_read() {
        let borrowed = |c: &Cow<'_, str>| matches!(c, Cow::Borrowed(_));
        let (v, d) = ct("text/plain; charset=\"utf-8\"; name=a.txt; x=\"\"");
        assert!(d.is_empty(), "{d:?}");
        let v = v.unwrap();
        assert!(borrowed(&v.head));
        for (n, value) in [("charset", "utf-8"), ("name", "a.txt"), ("x", "")] {
            let p = v.param(n).unwrap();
            assert_eq!(p.value, value);
            assert!(borrowed(&p.value), "{n}");
        }
        let (v, _) = ct("Text/plain; a=\"x\\\"y\"; b=\"l1\r\n l2\"; c=\"=?utf-8?q?=E3=81=82?=\"");
        let v = v.unwrap();
        assert_eq!(v.head, "text/plain");
        assert!(!borrowed(&v.head));
        for (n, value) in [("a", "x\"y"), ("b", "l1 l2"), ("c", "あ")] {
            let p = v.param(n).unwrap();
            assert_eq!(p.value, value);
            assert!(!borrowed(&p.value), "{n}");
        }
        // A value that is not UTF-8 is converted on its own; the rest still borrows.
        let b = b"text/plain; name=\"\xff.txt\"; charset=utf-8";
        let v = parse(
            b,
            0,
            b.len(),
            true,
            "Content-Type",
            &rule::INVALID_CONTENT_TYPE,
            None,
        );
        let v = v.unwrap();
        assert_eq!(v.param("name").unwrap().value, "\u{fffd}.txt");
        assert!(borrowed(&v.head) && borrowed(&v.param("charset").unwrap().value));
        for spaced in ["text /plain", "text/ plain", "text(c)/plain"] {
            let (v, _) = ct(spaced);
            let v = v.unwrap();
            assert_eq!(v.head, "text/plain");
            assert!(!borrowed(&v.head), "{spaced}");
        }
    }

    #[test]
    fn basic() {
        let (v, d) = ct(" Multipart/Mixed; (c) boundary=\"----=_Next\"; charset=utf-8");
        assert!(d.is_empty(), "{d:?}");
        let v = v.unwrap();
        assert_eq!(v.head, "multipart/mixed");
        assert_eq!(v.param("boundary").unwrap().value, "----=_Next");
        // Names are compared in lower case: borrowed when written so, else lowered.
        assert!(matches!(v.param("charset").unwrap().name, Cow::Borrowed(_)));
        let (v, _) = ct(" text/plain; CharSet=utf-8; Name*0=a; name*1=b");
        let v = v.unwrap();
        assert_eq!(v.param("charset").unwrap().value, "utf-8");
        assert!(matches!(v.param("charset").unwrap().name, Cow::Owned(_)));
        assert_eq!(v.param("name").unwrap().value, "ab");
    }

    #[test]
    fn rfc2231() {
        let (v, d) = ct(" application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            v.unwrap().param("title").unwrap().value,
            "This is even more ***fun*** isn't it!"
        );
        let (v, _) = ct(" text/plain; name*=UTF-8''%E3%83%86%E3%82%B9%E3%83%88.txt");
        assert_eq!(v.unwrap().param("name").unwrap().value, "テスト.txt");
    }

    #[test]
    fn errors() {
        assert_eq!(
            ct(" X-ZIP; name=\"a.zip\"").1,
            vec![("invalid-content-type", Severity::Error)]
        );
        assert_eq!(
            ct(" text/plain; boundary=a=b").1,
            vec![("invalid-content-type", Severity::Error)]
        );
        assert_eq!(
            ct(" text/plain; a=1; a=2").1,
            vec![("invalid-content-type", Severity::Warning)]
        );
        assert_eq!(
            ct(" text/plain; name=\"=?utf-8?B?QUJD?=\"").1,
            vec![("encoded-word-in-quoted-string", Severity::Warning)]
        );
    }
}
