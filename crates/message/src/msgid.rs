//! RFC 5322 3.6.4 msg-id: `"<" id-left "@" id-right ">"`, with the obsolete
//! local-part / domain forms of 4.5.4 accepted as warnings.

use crate::diag::{rule, text, DiagExt, Severity, Sink};
use crate::lex::{self, Kind, Token};
use std::borrow::Cow;

/// A parsed msg-id; `left`/`right` without CFWS (borrowed from the input when written
/// without any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MsgId<'a> {
    pub left: Cow<'a, str>,
    pub right: Cow<'a, str>,
    pub start: usize,
    pub end: usize,
}

fn bad(sink: &mut Option<&mut Sink>, field: &str, s: usize, e: usize, en: &str, ja: &str) {
    if let Some(k) = sink.as_deref_mut() {
        k.add(
            &rule::INVALID_MSG_ID,
            s,
            e,
            text![field, ": ", en],
            text![field, ": ", ja],
        );
    }
}

/// Parses `1*msg-id` (or exactly one when `single`) in `buf[start..end]`. With
/// `allow_phrases` (References, In-Reply-To), words between ids are the obsolete
/// 4.5.4 form and only warned about.
pub(crate) fn parse<'a>(
    buf: &'a [u8],
    start: usize,
    end: usize,
    field: &str,
    single: bool,
    allow_phrases: bool,
    mut sink: Option<&mut Sink>,
) -> Vec<MsgId<'a>> {
    let (toks, errs, _) = lex::tokenize(buf, start, end);
    let checked = lex::Checked::new(buf, start, end);
    let mut out = Vec::new();
    if let Some(e) = errs.first() {
        bad(&mut sink, field, e.start, e.end, e.what, e.what_ja);
        return out;
    }
    if toks.is_empty() {
        bad(
            &mut sink,
            field,
            start,
            end,
            "the field is empty; it needs <id-left@id-right>",
            "フィールドが空です。<id-left@id-right> が必要です",
        );
        return out;
    }
    let mut i = 0;
    let mut phrase_warned = false;
    while let Some(t) = toks.get(i).copied() {
        if !t.is(b'<') {
            if allow_phrases
                && matches!(
                    t.kind,
                    Kind::Atom | Kind::Quoted | Kind::Special(b'.') | Kind::Special(b',')
                )
            {
                if !phrase_warned {
                    phrase_warned = true;
                    if let Some(k) = sink.as_deref_mut() {
                        k.add(
                            &rule::INVALID_MSG_ID,
                            t.start,
                            t.end,
                            text![
                                field,
                                ": words between message identifiers are obsolete syntax"
                            ],
                            text![field, ": 識別子の間の語は廃止された構文です"],
                        )
                        .sev(Severity::Warning)
                        .rfc("RFC 5322 4.5.4");
                    }
                }
                i += 1;
                continue;
            }
            bad(
                &mut sink,
                field,
                t.start,
                t.end,
                "expected '<' to start a message identifier",
                "識別子の始まりの '<' が必要です",
            );
            return out;
        }
        let lt = t;
        i += 1;
        let inner_start = i;
        while toks.get(i).is_some_and(|t| !t.is(b'>') && !t.is(b'<')) {
            i += 1;
        }
        let Some(gt) = toks.get(i).copied().filter(|t| t.is(b'>')) else {
            bad(
                &mut sink,
                field,
                lt.start,
                end,
                "'<' is not closed by '>'",
                "'<' に対応する '>' がありません",
            );
            return out;
        };
        i += 1;
        let inner = toks.get(inner_start..i - 1).unwrap_or(&[]);
        if let Some(id) = check_inner(checked, inner, lt, gt, field, &mut sink) {
            out.push(id);
        }
    }
    if single && out.len() > 1 {
        if let Some(second) = out.get(1) {
            bad(
                &mut sink,
                field,
                second.start,
                second.end,
                "only one message identifier is allowed here",
                "ここには識別子を 1 つだけ書けます",
            );
        }
    }
    out
}

fn check_inner<'a>(
    checked: lex::Checked<'a>,
    inner: &[Token],
    lt: Token,
    gt: Token,
    field: &str,
    sink: &mut Option<&mut Sink>,
) -> Option<MsgId<'a>> {
    let Some(at_pos) = inner.iter().rposition(|t| t.is(b'@')) else {
        bad(
            sink,
            field,
            lt.start,
            gt.end,
            "no '@' between '<' and '>'",
            "'<' と '>' の間に '@' がありません",
        );
        return None;
    };
    let (left, rest) = inner.split_at(at_pos);
    let right = rest.get(1..).unwrap_or(&[]);
    let text = |ts: &[Token]| -> Cow<'a, str> {
        let (Some(first), Some(last)) = (ts.first(), ts.last()) else {
            return Cow::Borrowed("");
        };
        if ts.iter().skip(1).all(|t| !t.ws_before()) {
            return checked.cut(first.start, last.end);
        }
        let mut s = String::new();
        for t in ts {
            s.push_str(&checked.cut(t.start, t.end));
        }
        Cow::Owned(s)
    };
    // dot-atom-text: atoms separated by single dots.
    let dot_atom = |ts: &[Token]| {
        !ts.is_empty()
            && ts.iter().enumerate().all(|(k, t)| {
                if k % 2 == 0 {
                    t.kind == Kind::Atom
                } else {
                    t.is(b'.')
                }
            })
            && ts.len() % 2 == 1
    };
    let mut obsolete = false;
    if left.is_empty() {
        bad(
            sink,
            field,
            lt.start,
            gt.end,
            "id-left (before '@') is empty",
            "'@' の前（id-left）が空です",
        );
        return None;
    }
    if !dot_atom(left) {
        let words_ok = left.iter().enumerate().all(|(k, t)| {
            if k % 2 == 0 {
                matches!(t.kind, Kind::Atom | Kind::Quoted)
            } else {
                t.is(b'.')
            }
        }) && left.len() % 2 == 1;
        if !words_ok {
            let t = left.first().copied().unwrap_or(lt);
            bad(
                sink,
                field,
                t.start,
                gt.start,
                "id-left is not a dot-atom",
                "id-left が dot-atom になっていません",
            );
            return None;
        }
        obsolete = true;
    }
    let right_ok = dot_atom(right)
        || (right.len() == 1 && right.first().is_some_and(|t| t.kind == Kind::DomainLiteral));
    if right.is_empty() || !right_ok {
        let t = right.first().copied().unwrap_or(gt);
        bad(
            sink,
            field,
            t.start,
            gt.start.max(t.end),
            "id-right (after '@') is not a domain",
            "'@' の後（id-right）がドメインになっていません",
        );
        return None;
    }
    let ws_inside = inner.iter().any(|t| t.ws_before()) || gt.ws_before();
    if obsolete || ws_inside {
        if let Some(k) = sink.as_deref_mut() {
            k.add(
                &rule::INVALID_MSG_ID,
                lt.start,
                gt.end,
                text![
                    field,
                    ": quoted strings or whitespace/comments inside <...> are obsolete syntax"
                ],
                text![
                    field,
                    ": <...> の中の引用文字列・空白・コメントは廃止された構文です"
                ],
            )
            .sev(Severity::Warning)
            .rfc("RFC 5322 4.5.4");
        }
    }
    Some(MsgId {
        left: text(left),
        right: text(right),
        start: lt.start,
        end: gt.end,
    })
}

/// True when `right` is a fully qualified domain: two or more labels and an alphabetic
/// top-level label (not localhost/localdomain/local), or a domain literal.
pub(crate) fn is_qualified(right: &str) -> bool {
    if right.starts_with('[') {
        return true;
    }
    let b = right.as_bytes();
    let Some(dot) = memchr::memrchr(b'.', b) else {
        return false;
    };
    if b.first() == Some(&b'.') || b.windows(2).any(|w| w == b"..") {
        return false;
    }
    let tld = b.get(dot + 1..).unwrap_or(&[]);
    let tld_ok = tld
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"))
        || (tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic));
    tld_ok
        && ![
            &b"localdomain"[..],
            b"local",
            b"localhost",
            b"internal",
            b"lan",
            b"home",
        ]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(tld))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str, single: bool) -> (Vec<MsgId<'_>>, Vec<(&'static str, Severity)>) {
        let mut sink = Sink::default();
        let v = parse(
            s.as_bytes(),
            0,
            s.len(),
            "Message-ID",
            single,
            !single,
            Some(&mut sink),
        );
        (v, sink.diags.iter().map(|d| (d.rule, d.severity)).collect())
    }

    #[test]
    fn ids() {
        let (v, d) = run(
            " <202310251507.39PF7ueG022651@cp24-web-asg.1-0246a39c017e97696>",
            true,
        );
        assert!(d.is_empty());
        assert_eq!(v[0].right, "cp24-web-asg.1-0246a39c017e97696");
        assert!(!is_qualified(&v[0].right));
        assert!(is_qualified("mail.example.com"));
        assert!(!is_qualified("localhost.localdomain"));
        assert!(!is_qualified("host"));
        assert!(!is_qualified("a..example.com"));
        assert!(!is_qualified(".example.com"));
        assert!(!is_qualified("example."));
        assert!(!is_qualified("Mail.Example.LOCAL"));
        assert!(is_qualified("Mail.Example.COM"));
        assert!(is_qualified("example.XN--P1AI"));
        assert!(!is_qualified("example.c0m"));
        assert_eq!(
            run(" <a@b.c> <d@e.f>", true).1,
            vec![("invalid-msg-id", Severity::Error)]
        );
        assert_eq!(
            run(" a@b.c", true).1,
            vec![("invalid-msg-id", Severity::Error)]
        );
        assert_eq!(
            run(" <a b@c.d>", true).1,
            vec![("invalid-msg-id", Severity::Error)]
        );
        assert_eq!(
            run(" <\"a\"@c.d>", true).1,
            vec![("invalid-msg-id", Severity::Warning)]
        );
        assert!(run(" <a@b.c>\r\n <d@e.f>", false).1.is_empty());
    }
}
