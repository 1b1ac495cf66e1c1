//! Field-level rules: the RFC 5322 3.6 count table, originator/destination address
//! fields, dates, message identifiers, resent blocks, and duplicate MIME fields.

use crate::address::{self, Mailbox};
use crate::cx::Cx;
use crate::date;
use crate::diag::{rule, text, DiagExt, Severity, Text};
use crate::header::{Field, Header};
use crate::msgid;

/// Fields that may occur at most once in a message (RFC 5322 3.6 table) or in an
/// entity (RFC 2045 3: each `entity-headers` item is optional, single).
/// (The checks use [`single_field`]; a test keeps it in step with these lists.)
#[cfg_attr(not(test), allow(dead_code))]
const SINGLE_MESSAGE: &[&str] = &[
    "date",
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "message-id",
    "in-reply-to",
    "references",
    "subject",
];
#[cfg_attr(not(test), allow(dead_code))]
const SINGLE_MIME: &[&str] = &[
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-id",
    "content-description",
    "content-disposition",
];

/// Where `lname` is in [`SINGLE_MESSAGE`] (`(false, i)`) or [`SINGLE_MIME`] (`(true, i)`):
/// one `match` instead of comparing with each entry.
fn single_field(lname: &[u8]) -> Option<(bool, usize)> {
    Some(match lname {
        b"date" => (false, 0),
        b"from" => (false, 1),
        b"sender" => (false, 2),
        b"reply-to" => (false, 3),
        b"to" => (false, 4),
        b"cc" => (false, 5),
        b"bcc" => (false, 6),
        b"message-id" => (false, 7),
        b"in-reply-to" => (false, 8),
        b"references" => (false, 9),
        b"subject" => (false, 10),
        b"mime-version" => (true, 0),
        b"content-type" => (true, 1),
        b"content-transfer-encoding" => (true, 2),
        b"content-id" => (true, 3),
        b"content-description" => (true, 4),
        b"content-disposition" => (true, 5),
        _ => return None,
    })
}

/// `duplicate-field` for the single-occurrence fields: those of [`SINGLE_MIME`], and
/// with `message` those of [`SINGLE_MESSAGE`] too.
fn duplicates(cx: &mut Cx, h: &Header, message: bool) {
    // Names seen so far, as bits (MIME ones from bit 16).
    let mut seen = 0u32;
    for f in &h.fields {
        let Some((mime, i)) = single_field(f.lname.as_bytes()) else {
            continue;
        };
        if !mime && !message {
            continue;
        }
        let bit = 1u32 << (i + if mime { 16 } else { 0 });
        if seen & bit != 0 {
            let (rfc, why, why_ja) = if mime {
                (
                    "RFC 2045 3",
                    "readers disagree on which one applies",
                    "受信側によってどちらが使われるかが異なります",
                )
            } else {
                (
                    "RFC 5322 3.6",
                    "the field may occur at most once",
                    "このフィールドは 1 回までしか使えません",
                )
            };
            cx.sink
                .add(
                    &rule::DUPLICATE_FIELD,
                    f.start,
                    f.name_end,
                    // (Every later occurrence is reported: not only the second.)
                    text!["another ", f.name, " field (one came before): ", why],
                    text![
                        f.name,
                        " フィールドが重複しています（前にもあります）: ",
                        why_ja
                    ],
                )
                .rfc(rfc);
        } else {
            seen |= bit;
        }
    }
}

/// Checks for a message header (top level, or nested in message/rfc822). Returns the
/// parsed mailboxes of address fields, by field index.
pub(crate) fn check_message<'a>(
    cx: &mut Cx<'a, '_>,
    h: &Header<'a>,
    nested: bool,
) -> Vec<(usize, Vec<Mailbox<'a>>)> {
    duplicates(cx, h, true);
    let at = h.insert_at;
    let has = |n: &str| h.get(n).is_some();
    if nested {
        if !has("from") && !has("subject") && !has("date") {
            cx.sink
                .add(
                    &rule::MISSING_FROM,
                    at,
                    at,
                    "the encapsulated message has none of From, Subject, Date; it needs at least one",
                    "カプセル化されたメッセージに From, Subject, Date のどれもありません。少なくとも 1 つ必要です",
                )
                .rfc("RFC 2046 5.2.1");
        }
    } else {
        if !has("date") {
            cx.sink.add(
                &rule::MISSING_DATE,
                at,
                at,
                "no Date: field; it is required (exactly one)",
                "Date: フィールドがありません。必須です（ちょうど 1 つ）",
            );
        }
        if !has("from") {
            cx.sink.add(
                &rule::MISSING_FROM,
                at,
                at,
                "no From: field; it is required (exactly one)",
                "From: フィールドがありません。必須です（ちょうど 1 つ）",
            );
        }
        if !has("message-id") {
            cx.sink.add(
                &rule::MISSING_MESSAGE_ID,
                at,
                at,
                "no Message-ID: field; it SHOULD be present, and large receivers (e.g. Gmail) reject or junk messages without one",
                "Message-ID: フィールドがありません。付けるべき（SHOULD）フィールドで、Gmail などの大手受信者は無いメールを拒否・迷惑メール扱いします",
            );
        }
        if !has("subject") {
            cx.sink.add(
                &rule::MISSING_SUBJECT,
                at,
                at,
                "no Subject: field",
                "Subject: フィールドがありません",
            );
        }
    }

    let mut out = Vec::new();
    // Indexes into `out` of the first From and Sender lists (no copies of the mailboxes).
    let mut from: Option<usize> = None;
    let mut sender: Option<(usize, usize)> = None;
    for (k, f) in h.fields.iter().enumerate() {
        let name = f.lname.as_bytes();
        match name {
            b"from" | b"sender" | b"reply-to" | b"to" | b"cc" | b"bcc" | b"resent-from"
            | b"resent-sender" | b"resent-to" | b"resent-cc" | b"resent-bcc" => {
                let groups = !matches!(
                    name,
                    b"from" | b"sender" | b"resent-from" | b"resent-sender"
                );
                let list = address::parse_list(
                    cx.buf,
                    f.value_start,
                    f.value_end,
                    groups,
                    &f.name,
                    Some(&mut cx.sink),
                );
                address_field_rules(cx, f, &list);
                if name == b"from" && from.is_none() {
                    from = Some(out.len());
                }
                if name == b"sender" && sender.is_none() {
                    sender = Some((k, out.len()));
                }
                out.push((k, list.mailboxes));
            }
            b"date" | b"resent-date" => {
                date::check(
                    cx.buf,
                    f.value_start,
                    f.value_end,
                    &f.name,
                    Some(&mut cx.sink),
                );
            }
            b"received" => received(cx, f),
            b"return-path" => return_path(cx, f),
            b"message-id" | b"resent-message-id" | b"content-id" => {
                let ids = msgid::parse(
                    cx.buf,
                    f.value_start,
                    f.value_end,
                    &f.name,
                    true,
                    false,
                    Some(&mut cx.sink),
                );
                if name != b"content-id" {
                    if let Some(id) = ids.first().filter(|id| !msgid::is_qualified(&id.right)) {
                        cx.sink.add(
                            &rule::MSG_ID_UNQUALIFIED,
                            id.start,
                            id.end,
                            text!["the right side of ", f.name, " ('", id.right, "') is not a fully qualified domain, so the id may not be globally unique"],
                            text![f.name, " の右側（'", id.right, "'）が完全修飾ドメインではないため、識別子が世界で一意にならない恐れがあります"],
                        );
                    }
                }
            }
            b"in-reply-to" | b"references" => {
                msgid::parse(
                    cx.buf,
                    f.value_start,
                    f.value_end,
                    &f.name,
                    false,
                    true,
                    Some(&mut cx.sink),
                );
            }
            _ => {}
        }
    }
    // Sender (RFC 5322 3.6.2)
    let list = |i: usize| {
        out.get(i)
            .map_or(&[][..], |(_, v): &(usize, Vec<Mailbox>)| v)
    };
    let sender = sender.map(|(k, i)| (k, list(i)));
    if let Some(from) = from.map(list) {
        if from.len() > 1 && sender.is_none() {
            if let Some(f) = h.get("from") {
                cx.sink.add(
                    &rule::SENDER_REQUIRED,
                    f.start,
                    f.name_end,
                    text![
                        "From: lists ",
                        from.len(),
                        " mailboxes but there is no Sender: field"
                    ],
                    text![
                        "From: に ",
                        from.len(),
                        " 個のメールボックスがありますが Sender: フィールドがありません"
                    ],
                );
            }
        }
        if let (Some((k, s)), [only]) = (sender, from) {
            if let ([s1], Some(f)) = (s, h.fields.get(k)) {
                if s1.address.eq_ignore_ascii_case(&only.address) {
                    cx.sink.add(
                        &rule::REDUNDANT_SENDER,
                        f.start,
                        f.end,
                        text!["Sender: <", s1.address, "> is the same as the only From: mailbox; it SHOULD NOT be used then"],
                        text!["Sender: <", s1.address, "> は From: の唯一のメールボックスと同じです。その場合は使うべきではありません（SHOULD NOT）"],
                    );
                }
            }
        }
    }
    resent_blocks(cx, h, &out);
    out
}

/// Checks for a MIME body part header.
pub(crate) fn check_part(cx: &mut Cx, h: &Header) {
    duplicates(cx, h, false);
    if let Some(f) = h.get("content-id") {
        msgid::parse(
            cx.buf,
            f.value_start,
            f.value_end,
            &f.name,
            true,
            false,
            Some(&mut cx.sink),
        );
    }
}

fn address_field_rules(cx: &mut Cx, f: &Field, list: &address::AddrList) {
    let name = f.lname.as_bytes();
    let is_bcc = name == b"bcc" || name == b"resent-bcc";
    if list.empty {
        if is_bcc {
            return;
        }
        // The originator fields (RFC 5322 3.6.2): From is required, so removing it is no
        // fix; Sender names exactly one mailbox. (Reply-To is one too, a list.)
        let (en, ja, hint): (Text, Text, _) = match name {
            b"from" | b"resent-from" => {
                let (who, who_ja) = if name == b"from" {
                    ("the author's", "作成者の")
                } else {
                    ("the resender's", "再送した者の")
                };
                (
                    text![f.name, ": is empty; it must name ", who, " mailbox"].into(),
                    text![f.name, ": が空です。", who_ja, "メールボックスを書かなければなりません"].into(),
                    Some((
                        "Write the address, e.g. 'Name <user@example.com>'; the field is required, so do not remove it.",
                        "'名前 <user@example.com>' のようにアドレスを書いてください。必須のフィールドなので削除はできません。",
                    )),
                )
            }
            b"sender" | b"resent-sender" => (
                text![f.name, ": is empty; it must name exactly one mailbox"].into(),
                text![f.name, ": が空です。メールボックスをちょうど 1 つ書かなければなりません"].into(),
                Some((
                    "Write the mailbox of the agent that sent the message, or remove the field (it is needed only when From: has several mailboxes).",
                    "メッセージを送信した者のメールボックスを書くか、フィールドを削除してください（必要なのは From: に複数のメールボックスがある場合だけです）。",
                )),
            ),
            _ => (
                text![
                    f.name,
                    ": is empty; it needs at least one address (remove it if there is none)"
                ]
                .into(),
                text![
                    f.name,
                    ": が空です。1 つ以上のアドレスが必要です（無いならフィールドごと削除）"
                ]
                .into(),
                None,
            ),
        };
        let originator = matches!(
            name,
            b"from" | b"resent-from" | b"sender" | b"resent-sender" | b"reply-to"
        );
        let r = &rule::EMPTY_ADDRESS_FIELD;
        let d = cx.sink.add(r, f.start, f.end, en, ja).rfc(if originator {
            "RFC 5322 3.6.2"
        } else {
            r.rfc
        });
        if let Some((en, ja)) = hint {
            d.hint(en, ja);
        }
        return;
    }
    if is_bcc && !list.mailboxes.is_empty() {
        cx.sink.add(
            &rule::BCC_PRESENT,
            f.start,
            f.end,
            text![
                f.name,
                ": with addresses is transmitted: every recipient can read who was blind-copied"
            ],
            text![
                "アドレス入りの ",
                f.name,
                ": が送信されています。受信者全員が Bcc の宛先を見られてしまいます"
            ],
        );
    }
    if (name == b"sender" || name == b"resent-sender") && list.mailboxes.len() > 1 {
        cx.sink.add(
            &rule::INVALID_ADDRESS,
            f.start,
            f.end,
            text![f.name, ": must hold exactly one mailbox"],
            text![f.name, ": にはメールボックスをちょうど 1 つだけ書きます"],
        );
    }
}

/// Return-Path: `path = angle-addr / ([CFWS] "<" [CFWS] ">" [CFWS])` (RFC 5322 3.6.7): one
/// address in angle brackets, without a display name, or the null path `<>`.
fn return_path(cx: &mut Cx, f: &Field) {
    let (toks, _, _) = crate::lex::tokenize(cx.buf, f.value_start, f.value_end);
    let (first, last) = (toks.first().copied(), toks.last().copied());
    match (first, last) {
        // The null path, or one angle address (its address checked as any other).
        (Some(a), Some(b)) if a.is(b'<') && b.is(b'>') => {
            if toks.len() > 2 {
                let list =
                    address::parse_list(cx.buf, a.start, b.end, false, &f.name, Some(&mut cx.sink));
                if list.mailboxes.len() > 1 {
                    not_a_path(cx, a.start, b.end);
                }
            }
        }
        _ => not_a_path(
            cx,
            first.map_or(f.value_start, |t| t.start),
            last.map_or(f.value_end, |t| t.end),
        ),
    }
}

fn not_a_path(cx: &mut Cx, start: usize, end: usize) {
    cx.sink
        .add(
            &rule::INVALID_ADDRESS,
            start,
            end,
            "Return-Path: must be one address in angle brackets, <local@domain>, or <> for none",
            "Return-Path: は山括弧で囲んだアドレス 1 つ（<local@domain>）か、無い場合の <> でなければなりません",
        )
        .rfc("RFC 5322 3.6.7")
        .hint(
            "Return-Path: is added by the delivering server from MAIL FROM; write it as 'Return-Path: <user@example.com>'.",
            "Return-Path: は配送するサーバが MAIL FROM から付けるものです。'Return-Path: <user@example.com>' の形で書いてください。",
        );
}

/// Received: `[tokens] ";" date-time`; without the date it is the obsolete form.
fn received(cx: &mut Cx, f: &Field) {
    let v = cx.slice(f.value_start, f.value_end);
    match memchr::memrchr(b';', v) {
        Some(p) => {
            date::check(
                cx.buf,
                f.value_start + p + 1,
                f.value_end,
                "Received",
                Some(&mut cx.sink),
            );
        }
        None => {
            cx.sink
                .add(
                    &rule::OBSOLETE_DATE,
                    f.start,
                    f.end,
                    "Received: without '; date-time' is obsolete syntax",
                    "'; 日時' のない Received: は廃止された構文です",
                )
                .rfc("RFC 5322 4.5.7")
                .sev(Severity::Warning)
                // (The rule's own hint is about the date's form: here the date is missing.)
                .hint(
                    "A server that adds Received: ends it with ';' and the date-time of receipt, e.g. '; Thu, 26 Oct 2023 00:07:56 +0900' (RFC 5322 3.6.7).",
                    "Received: を付けるサーバは、末尾に ';' と受信日時を書きます。例: '; Thu, 26 Oct 2023 00:07:56 +0900'（RFC 5322 3.6.7）。",
                );
        }
    }
}

/// RFC 5322 3.6.6: each block of Resent- fields needs a Resent-Date and a
/// Resent-From ("MUST be sent"), and a Resent-Sender when Resent-From lists several
/// mailboxes (the 3.6 table). `mailboxes`: the parsed address fields, by field index.
fn resent_blocks(cx: &mut Cx, h: &Header, mailboxes: &[(usize, Vec<Mailbox>)]) {
    let mut i = 0;
    let fields = &h.fields;
    let resent = |f: &Field| f.lname.as_bytes().starts_with(b"resent-");
    // Each resending adds its trace fields above its resent fields, which SHOULD (not
    // MUST) be grouped: a block runs to the next trace field, other fields in it (as
    // mailing lists put between them) are passed over.
    let trace = |f: &Field| f.lname.is("received") || f.lname.is("return-path");
    while let Some(f) = fields.get(i) {
        if !resent(f) {
            i += 1;
            continue;
        }
        let first = f;
        let (mut has_date, mut has_sender, mut from) = (false, false, None);
        while let Some(g) = fields.get(i).filter(|g| !trace(g)) {
            has_date |= g.lname.is("resent-date");
            has_sender |= g.lname.is("resent-sender");
            if g.lname.is("resent-from") {
                from = from.or(Some((g, i)));
            }
            i += 1;
        }
        match from {
            None => {
                cx.sink
                    .add(
                        &rule::MISSING_FROM,
                        first.start,
                        first.name_end,
                        "this block of Resent- fields has no Resent-From:",
                        "この Resent- フィールドのブロックに Resent-From: がありません",
                    )
                    .rfc("RFC 5322 3.6.6")
                    .hint(
                        "Add 'Resent-From:' with the mailbox of whoever resent the message, next to its Resent-Date:.",
                        "再送した者のメールボックスを 'Resent-From:' として、Resent-Date: と同じブロックに加えてください。",
                    );
            }
            Some((g, k)) if !has_sender => {
                // (In field order: found by halves, not by a walk per block.)
                let n = mailboxes
                    .binary_search_by_key(&k, |(j, _)| *j)
                    .ok()
                    .and_then(|x| mailboxes.get(x))
                    .map_or(0, |(_, v)| v.len());
                if n > 1 {
                    cx.sink
                        .add(
                            &rule::SENDER_REQUIRED,
                            g.start,
                            g.name_end,
                            text![
                                "Resent-From: lists ",
                                n,
                                " mailboxes but the block has no Resent-Sender:"
                            ],
                            text![
                                "Resent-From: に ",
                                n,
                                " 個のメールボックスがありますが、ブロックに Resent-Sender: がありません"
                            ],
                        )
                        .rfc("RFC 5322 3.6.6")
                        .hint(
                            "Add 'Resent-Sender:' naming the single mailbox that resent it.",
                            "再送した 1 つのメールボックスを 'Resent-Sender:' として加えてください。",
                        );
                }
            }
            Some(_) => {}
        }
        if !has_date {
            cx.sink.add(
                &rule::RESENT_DATE_MISSING,
                first.start,
                first.name_end,
                "this block of Resent- fields has no Resent-Date:",
                "この Resent- フィールドのブロックに Resent-Date: がありません",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_field_matches_the_lists() {
        for (i, n) in SINGLE_MESSAGE.iter().enumerate() {
            assert_eq!(single_field(n.as_bytes()), Some((false, i)));
        }
        for (i, n) in SINGLE_MIME.iter().enumerate() {
            assert_eq!(single_field(n.as_bytes()), Some((true, i)));
        }
        assert_eq!(single_field(b"x-date"), None);
        assert!(SINGLE_MESSAGE.len() <= 16 && SINGLE_MIME.len() <= 16);
    }
}
