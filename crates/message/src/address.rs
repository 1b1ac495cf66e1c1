//! RFC 5322 3.4 address lists: mailboxes, name-addr / addr-spec, groups, comments,
//! quoted strings, domain literals, and the obsolete forms of section 4.4 (read, then
//! reported as warnings): unquoted '.' in display names, source routes, CFWS around
//! dots, empty list elements.
//!
//! CFWS inside an addr-spec is legal RFC 5322 but cannot be copied into an RFC 5321
//! path, so it is `address-whitespace`.

use crate::diag::Text;
use crate::diag::{rule, text, DiagExt, Severity, Sink};
use crate::encoded_word;
use crate::lex::{self, Kind, Token};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// A parsed mailbox. `address` is `local@domain` as written, without CFWS; it and its
/// parts are borrowed from the input when written without CFWS inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox<'a> {
    /// Display name with RFC 2047 encoded words decoded and quotes removed.
    pub display_name: Option<String>,
    pub address: Cow<'a, str>,
    pub local: Cow<'a, str>,
    pub domain: Cow<'a, str>,
    /// The group this mailbox belongs to, if any (shared by its members: a long group
    /// name is stored once, not once per member).
    pub group: Option<Arc<str>>,
    pub start: usize,
    pub end: usize,
}

impl Mailbox<'_> {
    /// The same mailbox, its texts copied out of the input.
    pub fn into_owned(self) -> Mailbox<'static> {
        let owned = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Mailbox {
            display_name: self.display_name,
            address: owned(self.address),
            local: owned(self.local),
            domain: owned(self.domain),
            group: self.group,
            start: self.start,
            end: self.end,
        }
    }
}

/// An addr-spec as read: `local@domain`, its parts, and where it ends.
struct AddrSpec<'a> {
    address: Cow<'a, str>,
    local: Cow<'a, str>,
    domain: Cow<'a, str>,
    end: usize,
}

/// Result of parsing an address field body.
#[derive(Debug, Clone, Default)]
pub(crate) struct AddrList<'a> {
    pub mailboxes: Vec<Mailbox<'a>>,
    /// Number of groups (an empty group like `undisclosed-recipients:;` counts).
    pub groups: usize,
    /// No token at all (only CFWS).
    pub empty: bool,
    /// Some part failed to parse.
    pub invalid: bool,
}

struct P<'a, 's> {
    buf: &'a [u8],
    /// The field value checked as UTF-8 once; token texts are cut from it.
    checked: lex::Checked<'a>,
    toks: lex::Tokens,
    i: usize,
    sink: Option<&'s mut Sink>,
    field: &'s str,
    invalid: bool,
    end: usize,
}

impl<'a> P<'a, '_> {
    fn tok(&self) -> Option<Token> {
        self.toks.get(self.i).copied()
    }
    fn is(&self, c: u8) -> bool {
        self.tok().is_some_and(|t| t.is(c))
    }
    fn pos(&self) -> usize {
        self.tok().map_or(self.end, |t| t.start)
    }
    /// Words from `start` up to token `phrase_end` were read as an address without "@domain".
    fn missing_domain(&mut self, start: usize, phrase_end: usize) {
        let end = self.toks.get(phrase_end - 1).map_or(self.end, |t| t.end);
        let words = crate::lex::lossy(self.buf.get(start..end).unwrap_or(&[]));
        self.invalid(
            start,
            end,
            text!["'", words, "' is not an address: '@domain' is missing"].into(),
            text![
                "'",
                words,
                "' はアドレスではありません: '@ドメイン' がありません"
            ]
            .into(),
        );
    }

    fn invalid(&mut self, start: usize, end: usize, en: Text, ja: Text) {
        self.invalid = true;
        if let Some(s) = self.sink.as_deref_mut() {
            s.add(&rule::INVALID_ADDRESS, start, end, en, ja);
        }
    }
    fn obsolete(&mut self, start: usize, end: usize, en: Text, ja: Text) {
        if let Some(s) = self.sink.as_deref_mut() {
            s.add(&rule::INVALID_ADDRESS, start, end, en, ja).sev(Severity::Warning).rfc("RFC 5322 4.4").hint(
                "Quote the display name (\"Mr. Foo\") and remove obsolete forms such as source routes and spaces around dots.",
                "表示名を引用符で囲み（\"Mr. Foo\"）、ソースルートやドット前後の空白など廃止された形式を取り除いてください。",
            );
        }
    }
    fn whitespace(&mut self, t: &Token) {
        if let Some(s) = self.sink.as_deref_mut() {
            let what = if t.comment_before {
                "a comment"
            } else {
                "whitespace"
            };
            let what_ja = if t.comment_before {
                "コメント"
            } else {
                "空白"
            };
            s.add(
                &rule::ADDRESS_WHITESPACE,
                t.ws_start,
                t.start,
                text![
                    what,
                    " inside the address: legal in RFC 5322, but not in an SMTP (RFC 5321) path"
                ],
                text![
                    "アドレスの中に",
                    what_ja,
                    "があります。RFC 5322 では正しいものの、SMTP（RFC 5321）のパスでは使えません"
                ],
            );
        }
    }
    /// Skips to the next ',' (or ';' when in a group) to resume after an error.
    fn recover(&mut self, in_group: bool) {
        while let Some(t) = self.tok() {
            if t.is(b',') || (in_group && t.is(b';')) {
                return;
            }
            self.i += 1;
        }
    }
    fn text(&self, t: &Token) -> Cow<'a, str> {
        self.checked.cut(t.start, t.end)
    }

    /// The texts of tokens `range` joined: borrowed from the input when they are written
    /// next to each other (no CFWS between), as they usually are.
    fn joined(&self, range: std::ops::Range<usize>) -> Cow<'a, str> {
        let toks = self.toks.get(range).unwrap_or(&[]);
        let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
            return Cow::Borrowed("");
        };
        if toks.windows(2).all(|w| w[0].end == w[1].start) {
            return self.checked.cut(first.start, last.end);
        }
        let mut out = String::with_capacity(last.end.saturating_sub(first.start));
        for t in toks {
            out.push_str(&self.text(t));
        }
        Cow::Owned(out)
    }

    /// Display name from phrase tokens (RFC 2047 5(3) words decoded; whitespace between
    /// two encoded words dropped).
    fn phrase(&mut self, from: usize, to: usize) -> Option<String> {
        let phrase = self.toks.get(from..to).unwrap_or(&[]);
        let first = *phrase.first()?;
        let dot = phrase.iter().find(|t| t.is(b'.')).copied();
        if first.is(b'.') {
            let t = first;
            self.invalid(
                t.start,
                t.end,
                "display name starts with '.'".into(),
                "表示名が '.' で始まっています".into(),
            );
        } else if let Some(dot) = dot {
            let (s, e) = (dot.start, dot.end);
            self.obsolete(
                s,
                e,
                "unquoted '.' in a display name is obsolete syntax (obs-phrase); quote the name".into(),
                "表示名の引用符なしの '.' は廃止された構文（obs-phrase）です。表示名を引用符で囲んでください".into(),
            );
        }
        let mut out = String::new();
        let mut prev_ew = false;
        for (k, t) in self.toks.get(from..to).unwrap_or(&[]).iter().enumerate() {
            let (piece, is_ew) = match t.kind {
                Kind::Quoted => (
                    Cow::Owned(crate::lex::lossy(&lex::quoted_content(self.buf, t))),
                    false,
                ),
                Kind::Atom => match encoded_word::scan_at(self.buf, t.start, t.end) {
                    Some(ew) if ew.end == t.end => (
                        Cow::Owned(encoded_word::decode_lenient(lex::text(self.buf, t))),
                        true,
                    ),
                    _ => (self.text(t), false),
                },
                _ => (self.text(t), false),
            };
            if k > 0 && t.ws_before() && !(prev_ew && is_ew) {
                out.push(' ');
            }
            out.push_str(&piece);
            prev_ew = is_ew;
        }
        Some(out)
    }

    /// addr-spec = local-part "@" domain, with the local part's tokens `from..self.i`
    /// and `self.i` at '@'. Returns the address, its parts and its end.
    fn addr_spec(&mut self, from: usize) -> Option<AddrSpec<'a>> {
        let local_range = from..self.i.max(from);
        let at = self.tok()?;
        // local-part: word *("." word)
        let mut expect_word = true;
        let mut words = 0;
        let mut quoted = false;
        for k in local_range.clone() {
            let Some(t) = self.toks.get(k).copied() else {
                break;
            };
            match t.kind {
                Kind::Atom | Kind::Quoted if expect_word => {
                    words += 1;
                    quoted |= t.kind == Kind::Quoted;
                    expect_word = false;
                }
                Kind::Special(b'.') if !expect_word => expect_word = true,
                _ => {
                    self.invalid(
                        t.start,
                        t.end,
                        "malformed local part: dots must separate words ('a.b', not '.a', 'a..b' or 'a.')".into(),
                        "ローカル部が不正です: ドットは語と語の間にだけ置けます（'.a'、'a..b'、'a.' は不可）".into(),
                    );
                    self.i += 1;
                    return None;
                }
            }
        }
        if local_range.is_empty() || expect_word {
            self.invalid(
                at.start,
                at.end,
                "missing or malformed local part before '@'".into(),
                "'@' の前のローカル部がないか不正です".into(),
            );
            self.i += 1;
            return None;
        }
        if words > 1 && quoted {
            let (s, e) = (self.toks.get(from).map_or(at.start, |t| t.start), at.start);
            self.obsolete(
                s,
                e,
                "local part mixes quoted strings and atoms (obs-local-part)".into(),
                "ローカル部で引用文字列とアトムが混在しています（obs-local-part）".into(),
            );
        }
        // (CFWS before the first token is outside the addr-spec; after '<' the caller checks it.)
        let spaced = self
            .toks
            .get(local_range.clone())
            .unwrap_or(&[])
            .iter()
            .skip(1)
            .find(|t| t.ws_before())
            .copied();
        if let Some(t) = spaced {
            self.whitespace(&t);
        }
        if at.ws_before() {
            self.whitespace(&at);
        }
        self.i += 1; // '@'
                     // domain = dot-atom / domain-literal / obs-domain
        let domain_from = self.i;
        let mut expect_label = true;
        let mut last_end = at.end;
        let mut first = true;
        let mut ws_flagged = false;
        while let Some(t) = self.tok() {
            let take = match t.kind {
                Kind::DomainLiteral if first => true,
                Kind::Atom if expect_label => true,
                Kind::Special(b'.') if !expect_label => true,
                _ => false,
            };
            if !take {
                break;
            }
            if t.ws_before() && !ws_flagged {
                ws_flagged = true;
                self.whitespace(&t);
            }
            expect_label = t.is(b'.');
            last_end = t.end;
            self.i += 1;
            if t.kind == Kind::DomainLiteral {
                expect_label = false;
                break;
            }
            first = false;
        }
        if self.i == domain_from {
            let p = self.pos();
            self.invalid(
                at.start,
                p.max(at.end),
                "missing domain after '@'".into(),
                "'@' の後にドメインがありません".into(),
            );
            return None;
        }
        if expect_label {
            // A '.' where the label should be is an empty label ("a..b"), not the end.
            match self.tok().filter(|t| t.is(b'.')) {
                Some(dot) => self.invalid(
                    last_end.saturating_sub(1),
                    dot.end,
                    "empty label in the domain ('..')".into(),
                    "ドメインに空のラベルがあります（'..'）".into(),
                ),
                None => self.invalid(
                    last_end.saturating_sub(1),
                    last_end,
                    "domain ends with '.'".into(),
                    "ドメインが '.' で終わっています".into(),
                ),
            }
            return None;
        }
        // `local@domain` as written, when nothing stands between the parts and '@'.
        let local_start = self.toks.get(from).map_or(at.start, |t| t.start);
        let (local, domain) = (self.joined(local_range), self.joined(domain_from..self.i));
        let address = match (&local, &domain) {
            (Cow::Borrowed(l), Cow::Borrowed(d))
                if at.start == local_start + l.len() && last_end == at.end + d.len() =>
            {
                self.checked.cut(local_start, last_end)
            }
            _ => Cow::Owned(join_address(&local, &domain)),
        };
        Some(AddrSpec {
            address,
            local,
            domain,
            end: last_end,
        })
    }

    /// mailbox = name-addr / addr-spec. `group` is the enclosing group's name.
    fn mailbox(&mut self, allow_group: bool, group: Option<&Arc<str>>, out: &mut AddrList<'a>) {
        let start_i = self.i;
        let start = self.pos();
        while self
            .tok()
            .is_some_and(|t| matches!(t.kind, Kind::Atom | Kind::Quoted | Kind::Special(b'.')))
        {
            self.i += 1;
        }
        let phrase_end = self.i;
        let Some(t) = self.tok() else {
            if phrase_end > start_i {
                self.missing_domain(start, phrase_end);
            }
            return;
        };
        match t.kind {
            Kind::Special(b'<') => {
                let name = self.phrase(start_i, phrase_end);
                let lt = t;
                self.i += 1;
                // obs-route: "@a,@b:"
                if self.is(b'@') {
                    let rs = self.pos();
                    while self.tok().is_some_and(|t| !t.is(b':') && !t.is(b'>')) {
                        self.i += 1;
                    }
                    if self.is(b':') {
                        self.i += 1;
                        let re = self
                            .toks
                            .get(self.i.saturating_sub(1))
                            .map_or(rs, |t| t.end);
                        self.obsolete(
                            rs,
                            re,
                            "source route in angle address is obsolete (obs-route)".into(),
                            "角括弧内のソースルートは廃止された構文です（obs-route）".into(),
                        );
                    } else {
                        self.invalid(
                            rs,
                            self.pos(),
                            "malformed source route".into(),
                            "ソースルートが不正です".into(),
                        );
                        self.recover(group.is_some());
                        return;
                    }
                }
                if self.is(b'>') {
                    let gt = self.tok().map_or(lt.end, |t| t.end);
                    self.i += 1;
                    self.invalid(
                        lt.start,
                        gt,
                        "empty address '<>' (the null path exists only in the SMTP envelope)"
                            .into(),
                        "空のアドレス '<>' です（null パスは SMTP のエンベロープでだけ使えます）"
                            .into(),
                    );
                    return;
                }
                let ls = self.i;
                if let Some(t2) = self.tok() {
                    if t2.ws_before() {
                        self.whitespace(&t2);
                    }
                }
                while self.tok().is_some_and(|t| {
                    matches!(t.kind, Kind::Atom | Kind::Quoted | Kind::Special(b'.'))
                }) {
                    self.i += 1;
                }
                if !self.is(b'@') {
                    let p = self.pos();
                    self.invalid(
                        lt.start,
                        p.max(lt.end),
                        "angle address without '@domain'".into(),
                        "角括弧内のアドレスに '@ドメイン' がありません".into(),
                    );
                    self.recover(group.is_some());
                    return;
                }
                let Some(AddrSpec {
                    address,
                    local,
                    domain,
                    ..
                }) = self.addr_spec(ls)
                else {
                    self.recover(group.is_some());
                    return;
                };
                match self.tok() {
                    Some(gt) if gt.is(b'>') => {
                        if gt.ws_before() {
                            self.whitespace(&gt);
                        }
                        self.i += 1;
                        out.mailboxes.push(Mailbox {
                            display_name: name,
                            address,
                            local,
                            domain,
                            group: group.cloned(),
                            start,
                            end: gt.end,
                        });
                    }
                    other => {
                        let p = other.map_or(self.end, |t| t.start);
                        self.invalid(
                            lt.start,
                            p,
                            "'<' is not closed by '>'".into(),
                            "'<' に対応する '>' がありません".into(),
                        );
                        self.recover(group.is_some());
                    }
                }
            }
            Kind::Special(b':') if phrase_end > start_i && group.is_none() => {
                let name: Arc<str> = self.phrase(start_i, phrase_end).unwrap_or_default().into();
                let colon = t;
                self.i += 1;
                if !allow_group {
                    // RFC 5322 forbade it; RFC 6854 allows it for limited use (e.g. a
                    // system sender with no mailbox to reply to).
                    if let Some(s) = self.sink.as_deref_mut() {
                        s.add(
                            &rule::INVALID_ADDRESS,
                            start,
                            colon.end,
                            text!["group syntax in ", self.field, ": allowed since RFC 6854 only for limited use, and older readers reject it"],
                            text![self.field, " のグループ構文: RFC 6854 以降は限られた用途でのみ許されますが、古い受信側は拒否します"],
                        )
                        .sev(Severity::Warning)
                        .rfc("RFC 6854 2")
                        .hint(
                            "Give the author's mailbox (e.g. 'From: System <noreply@example.com>') unless the message must not be replied to.",
                            "返信を受け付けないメッセージでない限り、作成者のメールボックスを書いてください（例: 'From: System <noreply@example.com>'）。",
                        );
                    }
                }
                out.groups += 1;
                loop {
                    match self.tok() {
                        None => {
                            self.invalid(
                                start,
                                self.end,
                                "group is not closed with ';'".into(),
                                "グループが ';' で閉じられていません".into(),
                            );
                            return;
                        }
                        Some(t) if t.is(b';') => {
                            self.i += 1;
                            return;
                        }
                        Some(t) if t.is(b',') => self.i += 1,
                        Some(_) => {
                            self.mailbox(false, Some(&name), out);
                            if !(self.is(b',') || self.is(b';')) && self.tok().is_some() {
                                let p = self.pos();
                                self.invalid(
                                    p,
                                    p + 1,
                                    "expected ',' or ';' after a group member".into(),
                                    "グループのメンバーの後には ',' か ';' が必要です".into(),
                                );
                                self.recover(true);
                            }
                        }
                    }
                }
            }
            Kind::Special(b'@') => {
                let Some(AddrSpec {
                    address,
                    local,
                    domain,
                    end,
                }) = self.addr_spec(start_i)
                else {
                    self.recover(group.is_some());
                    return;
                };
                out.mailboxes.push(Mailbox {
                    display_name: None,
                    address,
                    local,
                    domain,
                    group: group.cloned(),
                    start,
                    end,
                });
            }
            _ => {
                if phrase_end > start_i {
                    self.missing_domain(start, phrase_end);
                } else {
                    let c = self.text(&t);
                    self.invalid(
                        t.start,
                        t.end,
                        text!["unexpected '", c, "' in address"].into(),
                        text!["アドレス中に予期しない '", c, "' があります"].into(),
                    );
                    self.i += 1;
                }
                self.recover(group.is_some());
            }
        }
    }
}

/// `local@domain`, without `format!`'s machinery (it runs for every mailbox).
fn join_address(local: &str, domain: &str) -> String {
    let mut a = String::with_capacity(local.len() + 1 + domain.len());
    a.push_str(local);
    a.push('@');
    a.push_str(domain);
    a
}

/// Parses `buf[start..end]` as an address-list (or mailbox-list when `allow_groups` is
/// false). Problems are reported into `sink` when given; `field` names the field in
/// messages.
pub(crate) fn parse_list<'a>(
    buf: &'a [u8],
    start: usize,
    end: usize,
    allow_groups: bool,
    field: &str,
    sink: Option<&mut Sink>,
) -> AddrList<'a> {
    let (toks, errs, _) = lex::tokenize(buf, start, end);
    let mut p = P {
        buf,
        checked: lex::Checked::new(buf, start, end),
        toks,
        i: 0,
        sink,
        field,
        invalid: false,
        end,
    };
    for e in errs {
        p.invalid(e.start, e.end, e.what.into(), e.what_ja.into());
    }
    let mut out = AddrList {
        empty: p.toks.is_empty(),
        ..Default::default()
    };
    let mut empty_elem: Option<(usize, usize)> = None;
    while let Some(t) = p.tok() {
        if t.is(b',') {
            empty_elem.get_or_insert((t.start, t.end));
            p.i += 1;
            continue;
        }
        p.mailbox(allow_groups, None, &mut out);
        match p.tok() {
            None => break,
            Some(t) if t.is(b',') => {
                p.i += 1;
                if p.tok().is_none() {
                    empty_elem.get_or_insert((t.start, t.end));
                }
                if p.tok().is_some_and(|n| n.is(b',')) {
                    empty_elem.get_or_insert((t.start, t.end));
                }
            }
            Some(t) => {
                p.invalid(
                    t.start,
                    t.end,
                    "expected ',' between addresses".into(),
                    "アドレスの間には ',' が必要です".into(),
                );
                p.recover(false);
            }
        }
    }
    if out.mailboxes.is_empty() && out.groups == 0 && !p.invalid {
        out.empty = true;
    } else if let Some((s, e)) = empty_elem {
        p.obsolete(
            s,
            e,
            "empty element in the address list (extra comma) is obsolete syntax".into(),
            "アドレスリストの空要素（余分なカンマ）は廃止された構文です".into(),
        );
    }
    out.invalid = p.invalid;
    out
}

/// Parses one address string (for the builder and tests); `None` unless it is exactly
/// one valid mailbox.
pub fn parse_mailbox(s: &str) -> Option<Mailbox<'_>> {
    let mut l = parse_list(s.as_bytes(), 0, s.len(), false, "", None);
    if l.invalid || l.mailboxes.len() != 1 {
        return None;
    }
    l.mailboxes.pop()
}

/// Parses an address list string leniently (no diagnostics): the mailboxes that parse.
pub fn parse_address_list(s: &str) -> Vec<Mailbox<'_>> {
    parse_list(s.as_bytes(), 0, s.len(), true, "", None).mailboxes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &str) -> (AddrList<'_>, Vec<(&'static str, Severity, usize)>) {
        let mut sink = Sink::default();
        let l = parse_list(s.as_bytes(), 0, s.len(), true, "To", Some(&mut sink));
        (
            l,
            sink.diags
                .iter()
                .map(|d| (d.rule, d.severity, d.start))
                .collect(),
        )
    }

    /// Addresses written without CFWS inside are borrowed from the input; the others
    /// are joined from their parts (the same text either way).
    #[test]
    fn borrowed_when_written_plainly() {
        let b = |c: &Cow<'_, str>| matches!(c, Cow::Borrowed(_));
        let (l, _) = ids("Foo <foo.bar@example.com>, \"a b\"@[192.0.2.1]");
        let m = &l.mailboxes;
        assert_eq!(m[0].address, "foo.bar@example.com");
        assert!(b(&m[0].address) && b(&m[0].local) && b(&m[0].domain));
        assert_eq!(m[1].address, "\"a b\"@[192.0.2.1]");
        assert!(b(&m[1].address));
        for spaced in [
            "foo @example.com",
            "foo@ example.com",
            "foo.(c)bar@example.com",
        ] {
            let (l, _) = ids(spaced);
            let m = &l.mailboxes[0];
            assert!(m.address.starts_with("foo") && m.address.ends_with("@example.com"));
            assert!(!m.address.contains(' ') && !b(&m.address), "{spaced}");
        }
        let (l, _) = ids("foo@example . com");
        assert_eq!(l.mailboxes[0].domain, "example.com");
        assert!(!b(&l.mailboxes[0].domain));
    }

    #[test]
    fn forms() {
        let (l, d) = ids(
            r#" "Mr. Foo" <foo@example.com>, bar@example.org, Group: a@b.c, "q x"@d.e;, (c) x <z@[1.2.3.4]>"#,
        );
        assert!(d.is_empty(), "{d:?}");
        let a: Vec<_> = l.mailboxes.iter().map(|m| &*m.address).collect();
        assert_eq!(
            a,
            vec![
                "foo@example.com",
                "bar@example.org",
                "a@b.c",
                "\"q x\"@d.e",
                "z@[1.2.3.4]"
            ]
        );
        assert_eq!(l.mailboxes[0].display_name.as_deref(), Some("Mr. Foo"));
        assert_eq!(l.mailboxes[2].group.as_deref(), Some("Group"));
    }

    #[test]
    fn whitespace_in_angle() {
        let s = r#" "Mr. Foo" <foo@example.com >"#;
        let (_, d) = ids(s);
        assert_eq!(
            d,
            vec![(
                "address-whitespace",
                Severity::Warning,
                s.find(" >").unwrap()
            )]
        );
    }

    #[test]
    fn obsolete_and_invalid() {
        let (_, d) = ids(" Mr. Foo <a@b.c>");
        assert_eq!(d[0].0, "invalid-address");
        assert_eq!(d[0].1, Severity::Warning);
        let (_, d) = ids(" foo");
        assert_eq!(d[0].1, Severity::Error);
        let (_, d) = ids(" <a@b.c");
        assert_eq!(d[0].1, Severity::Error);
        let (_, d) = ids(" a..b@c.d");
        assert_eq!(d[0].1, Severity::Error);
        let (l, d) = ids(" ");
        assert!(l.empty && d.is_empty());
        let (l, d) = ids(" undisclosed-recipients:;");
        assert!(!l.empty && d.is_empty() && l.groups == 1);
    }

    #[test]
    fn encoded_display_name() {
        let m = parse_mailbox(
            "=?utf-8?B?R01P44GC44GK44Ge44KJ?= =?utf-8?B?6YqA6KGM?= <no-reply@example.com>",
        )
        .unwrap();
        assert_eq!(m.display_name.as_deref(), Some("GMOあおぞら銀行"));
    }
}
