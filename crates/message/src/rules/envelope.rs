//! Rules that compare the message with its SMTP envelope (RFC 5321 2.3.1: the envelope
//! decides delivery; the header is what the reader sees), and 8BITMIME / BINARYMIME /
//! SMTPUTF8 requirements.

use crate::address::Mailbox;
use crate::cx::Cx;
use crate::diag::{rule, text, DiagExt};
use crate::header::Header;
use crate::{BodyType, Envelope, EnvelopeComparison, RecipientRow};
use std::collections::btree_map::{BTreeMap, Entry};

fn strip_angle(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(t)
}

/// Addresses compare case-insensitively (domains are; most local parts are in practice).
fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

pub(crate) fn check(
    cx: &mut Cx,
    env: &Envelope,
    hdr: &Header,
    addrs: &[(usize, Vec<Mailbox<'_>>)],
) -> EnvelopeComparison {
    let buf = cx.buf;
    // 8BITMIME / BINARYMIME (RFC 6152, RFC 3030).
    if env.body == BodyType::SevenBit {
        let from = if env.smtputf8 { hdr.body_start } else { 0 };
        if let Some(p) = buf
            .get(from..)
            .and_then(|s| s.iter().position(|&b| b >= 0x80))
            .map(|p| p + from)
        {
            cx.sink.add(
                &rule::EIGHTBIT_WITHOUT_8BITMIME,
                p,
                crate::lines::non_ascii_end(buf, p),
                "the message has 8-bit bytes but MAIL FROM did not declare BODY=8BITMIME",
                "メッセージに 8 ビットのバイトがありますが、MAIL FROM で BODY=8BITMIME が宣言されていません",
            );
        }
    }
    if env.body != BodyType::BinaryMime {
        if let Some(&(s, e)) = cx.binary_ranges.first() {
            cx.sink
                .add(
                    &rule::EIGHTBIT_WITHOUT_8BITMIME,
                    s,
                    e.min(s + 1),
                    "a part uses Content-Transfer-Encoding: binary, which needs BODY=BINARYMIME (and BDAT)",
                    "Content-Transfer-Encoding: binary のパートがあります。BODY=BINARYMIME（と BDAT）が必要です",
                )
                .rfc("RFC 3030")
                .hint("Send with BDAT and MAIL FROM:<...> BODY=BINARYMIME, or encode the part with base64.", "BDAT と MAIL FROM:<...> BODY=BINARYMIME で送るか、パートを base64 でエンコードしてください。");
        }
    }
    // SMTPUTF8 for envelope addresses (header bytes are checked while scanning fields).
    if !env.smtputf8 {
        let bad: Vec<&str> = std::iter::once(env.mail_from.as_str())
            .chain(env.rcpt_to.iter().map(String::as_str))
            .filter(|a| !a.is_ascii())
            .collect();
        for a in bad {
            cx.sink.add(
                &rule::SMTPUTF8_REQUIRED,
                0,
                0,
                text![
                    "envelope address <",
                    strip_angle(a),
                    "> is not ASCII; it needs the SMTPUTF8 parameter"
                ],
                text![
                    "エンベロープのアドレス <",
                    strip_angle(a),
                    "> は ASCII ではありません。SMTPUTF8 パラメータが必要です"
                ],
            );
        }
    }

    // Comparison table.
    let field_of = |k: usize| hdr.fields.get(k).map_or(&b""[..], |f| f.lname.as_bytes());
    let mut rows: Vec<RecipientRow> = Vec::new();
    // Lower-cased address -> row, so thousands of recipients stay linear.
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for r in &env.rcpt_to {
        let a = strip_angle(r);
        if let Entry::Vacant(v) = index.entry(a.to_ascii_lowercase()) {
            v.insert(rows.len());
            rows.push(RecipientRow {
                address: a.to_string(),
                rcpt_to: true,
                to: false,
                cc: false,
                bcc: false,
            });
        }
    }
    let mut from_header = Vec::new();
    for (k, list) in addrs {
        let which = field_of(*k);
        for m in list {
            if which == b"from" {
                from_header.push(m.address.to_string());
            }
            if !matches!(which, b"to" | b"cc" | b"bcc") {
                continue;
            }
            let idx = *index
                .entry(m.address.to_ascii_lowercase())
                .or_insert_with(|| {
                    rows.push(RecipientRow {
                        address: m.address.to_string(),
                        rcpt_to: false,
                        to: false,
                        cc: false,
                        bcc: false,
                    });
                    rows.len() - 1
                });
            if let Some(row) = rows.get_mut(idx) {
                match which {
                    b"to" => row.to = true,
                    b"cc" => row.cc = true,
                    _ => row.bcc = true,
                }
            }
            if !rows.get(idx).is_some_and(|r| r.rcpt_to) {
                cx.sink.add(
                    &rule::ENVELOPE_HEADER_MISMATCH,
                    m.start,
                    m.end,
                    text![m.address, " is in the header but not among the RCPT TO recipients: this transaction does not deliver to it"],
                    text![m.address, " はヘッダーにありますが RCPT TO の宛先にありません。この配送では届きません"],
                );
            }
        }
    }
    let at = hdr.insert_at;
    for row in rows
        .iter()
        .filter(|r| r.rcpt_to && !r.to && !r.cc && !r.bcc)
    {
        cx.sink.add(
            &rule::ENVELOPE_HEADER_MISMATCH,
            at,
            at,
            text!["RCPT TO:<", row.address, "> is in no To/Cc/Bcc field: normal for Bcc recipients, mailing lists and forwarding"],
            text!["RCPT TO:<", row.address, "> はどの To/Cc/Bcc にもありません。Bcc の宛先、メーリングリスト、転送では普通のことです"],
        );
    }
    let mail_from = strip_angle(&env.mail_from).to_string();
    if !from_header.is_empty() && !from_header.iter().any(|f| same(f, &mail_from)) {
        if let Some(f) = hdr.get("from") {
            cx.sink.add(
                &rule::ENVELOPE_HEADER_MISMATCH,
                f.start,
                f.end,
                text!["MAIL FROM:<", mail_from, "> differs from the From: header; bounces go to MAIL FROM, SPF checks its domain, DMARC wants the domains aligned"],
                text!["MAIL FROM:<", mail_from, "> は From: ヘッダーと異なります。エラーメールは MAIL FROM に返り、SPF はそのドメインを、DMARC はドメインの一致を確認します"],
            );
        }
    }
    EnvelopeComparison {
        mail_from,
        from_header,
        recipients: rows,
    }
}
