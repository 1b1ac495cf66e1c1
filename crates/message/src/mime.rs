//! The MIME tree (RFC 2045, 2046): header -> Content-Type / Content-Transfer-Encoding ->
//! multipart splitting, message/rfc822 recursion, or leaf checks and decoding.
//!
//! Cost: every byte is scanned once by exactly one leaf/preamble/epilogue/header check;
//! the lines starting with "--" are indexed once by their text, and each multipart level
//! only visits the lines that can be its own delimiters, so the total is O(n). Nesting
//! is capped at [`MAX_DEPTH`]: deeper entities are kept as opaque leaves (`depth_capped`).

use crate::address::Mailbox;
use crate::cx::Cx;
use crate::diag::{rule, text, DiagExt, Severity};
use crate::encoded_word::{self, mode_for, Mode};
use crate::header::{self, Field, Header, Kind};
use crate::lex::{self, is_wsp, split_at_byte};
use crate::lines::lines;
use crate::params;
use crate::rules::fields;
use crate::transfer::{self, Cte};
use crate::{charset, HeaderView, MimeNode};
use std::borrow::Cow;

/// Maximum nesting of multipart / message/rfc822 entities that is parsed.
pub const MAX_DEPTH: usize = 100;

/// Builds the header views (decoding RFC 2047 words, reporting their problems). Without
/// the view, only the words are checked.
fn views<'a>(
    cx: &mut Cx<'a, '_>,
    h: &Header<'a>,
    addresses: Vec<(usize, Vec<Mailbox<'a>>)>,
) -> Vec<HeaderView<'a>> {
    if !cx.view {
        for f in &h.fields {
            decode_words(cx, f);
        }
        return Vec::new();
    }
    let mut by_field: Vec<Option<Vec<Mailbox<'a>>>> = Vec::new();
    if !addresses.is_empty() {
        by_field.resize(h.fields.len(), None);
        for (k, v) in addresses {
            if let Some(slot) = by_field.get_mut(k) {
                *slot = Some(v);
            }
        }
    }
    h.fields
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let raw_value = f.raw_value.clone();
            let decoded = match decode_words(cx, f) {
                Some(d) => d.into(),
                // The common case, without converting the bytes a second time.
                None => match &raw_value {
                    Cow::Borrowed(r) => encoded_word::unfold_trim(r),
                    Cow::Owned(r) => Cow::Owned(encoded_word::unfold_trim(r).into_owned()),
                },
            };
            HeaderView {
                name: f.name.clone(),
                raw_value,
                decoded_value: decoded,
                line: 0,
                start: f.start,
                end: f.end,
                addresses: by_field
                    .get_mut(k)
                    .and_then(Option::take)
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The value of field `f` with its encoded words decoded, their problems reported where
/// the field may carry them (RFC 2047 5); `None` when it has none.
fn decode_words(cx: &mut Cx, f: &Field) -> Option<String> {
    encoded_word::find_ew_start(cx.slice(f.value_start, f.value_end))?;
    let mode = mode_for(f.lname.as_bytes());
    let sink = (mode != Mode::Raw).then_some(&mut cx.sink);
    Some(encoded_word::decode_field(
        cx.buf,
        f.value_start,
        f.value_end,
        mode,
        sink,
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DefaultType {
    TextPlain,
    /// Inside multipart/digest (RFC 2046 5.1.5).
    MessageRfc822,
}

/// Parses and checks the entity in `start..end`.
pub(crate) fn entity<'a>(
    cx: &mut Cx<'a, '_>,
    start: usize,
    end: usize,
    kind: Kind,
    default: DefaultType,
    depth: usize,
) -> (MimeNode<'a>, Header<'a>, Vec<(usize, Vec<Mailbox<'a>>)>) {
    let hdr = header::parse(cx, start, end, kind);
    let addrs = match kind {
        Kind::Top | Kind::Nested => fields::check_message(cx, &hdr, kind == Kind::Nested),
        Kind::Part => {
            fields::check_part(cx, &hdr);
            Vec::new()
        }
    };
    // The caller only uses the mailboxes for the envelope comparison at the top level:
    // otherwise they are moved into the views instead of copied.
    let mut addrs = addrs;
    let for_views = if !cx.view {
        Vec::new()
    } else if kind == Kind::Top && cx.envelope.is_some() {
        addrs.clone()
    } else {
        std::mem::take(&mut addrs)
    };
    let headers = views(cx, &hdr, for_views);
    if kind != Kind::Part {
        check_mime_version(cx, &hdr);
    }
    let body_start = hdr.body_start.min(end);

    // Content-Type
    let ct_field = hdr.get("content-type");
    let mut ct = ct_field.and_then(|f| {
        params::parse(
            cx.buf,
            f.value_start,
            f.value_end,
            true,
            "Content-Type",
            &rule::INVALID_CONTENT_TYPE,
            Some(&mut cx.sink),
        )
    });
    if ct.is_none() {
        let head = match (default, ct_field.is_some()) {
            (DefaultType::MessageRfc822, false) => "message/rfc822",
            _ => "text/plain",
        };
        ct = Some(params::MimeValue {
            head: Cow::Borrowed(head),
            params: Vec::new(),
        });
    }
    let ct = ct.unwrap_or_else(|| params::MimeValue {
        head: Cow::Borrowed("text/plain"),
        params: Vec::new(),
    });
    let (mtype, subtype) = split_at_byte(&ct.head, b'/').unwrap_or(("text", "plain"));

    // Content-Transfer-Encoding
    let cte_field = hdr.get("content-transfer-encoding");
    let cte = cte_field
        .as_ref()
        .map_or(Cte::SevenBit, |f| parse_cte(cx, f));

    let filename = hdr
        .get("content-disposition")
        .and_then(|f| disposition(cx, f))
        .and_then(|mut d| d.take_param("filename"))
        .or_else(|| ct.param("name").map(|p| p.value.clone()));

    let mut node = MimeNode {
        // Moved out of `ct` at the end.
        content_type: Cow::Borrowed(""),
        charset: None,
        transfer_encoding: cte_field.map_or(Cow::Borrowed("7bit"), |f| match &f.raw_value {
            Cow::Borrowed(v) => lex::ascii_lowercase(Cow::Borrowed(v.trim())),
            Cow::Owned(v) => Cow::Owned(v.trim().to_ascii_lowercase()),
        }),
        size: end.saturating_sub(body_start),
        line: 0,
        start,
        end,
        body_start,
        filename,
        headers,
        children: Vec::new(),
        text: None,
        text_truncated: false,
        depth_capped: false,
    };

    let composite = mtype == "multipart" || mtype == "message";
    // RFC 6532 3.7 and RFC 6533 register message/global and message/global-* with any
    // transfer encoding: the exception to RFC 2045 6.4's rule for composite types.
    let encodable = mtype == "message" && subtype.starts_with("global");
    if composite && !encodable && !cte.identity() && cte != Cte::Unknown {
        if let Some(f) = &cte_field {
            cx.sink
                .add(
                    &rule::CTE_ON_COMPOSITE,
                    f.start,
                    f.end,
                    text![
                        "Content-Transfer-Encoding: ",
                        cte.name(),
                        " on a ",
                        ct.head,
                        " entity; only 7bit, 8bit or binary are allowed"
                    ],
                    text![
                        ct.head,
                        " のエンティティに Content-Transfer-Encoding: ",
                        cte.name(),
                        " が指定されています。使えるのは 7bit, 8bit, binary だけです"
                    ],
                )
                .rfc(if mtype == "multipart" {
                    "RFC 2045 6.4"
                } else {
                    "RFC 2046 5.2.1"
                });
        }
    }

    // message/partial and message/external-body must stay 7bit even where 8bit/binary
    // transport exists (RFC 2046 5.2.2, 5.2.3).
    let seven_only = match &*ct.head {
        "message/partial" => Some("RFC 2046 5.2.2"),
        "message/external-body" => Some("RFC 2046 5.2.3"),
        _ => None,
    };
    if let (Some(rfc), Some(f), Cte::EightBit | Cte::Binary) = (seven_only, &cte_field, cte) {
        cx.sink
            .add(
                &rule::CTE_ON_COMPOSITE,
                f.start,
                f.end,
                text![
                    "Content-Transfer-Encoding: ",
                    cte.name(),
                    " on ",
                    ct.head,
                    "; it must be 7bit"
                ],
                text![
                    ct.head,
                    " に Content-Transfer-Encoding: ",
                    cte.name(),
                    " が指定されています。7bit でなければなりません"
                ],
            )
            .rfc(rfc);
    }

    let too_deep = depth >= MAX_DEPTH;
    if too_deep && composite {
        node.depth_capped = true;
    }
    // 8-bit data inside this entity's body, apart from what the enclosing ones met.
    let outer_8bit = cx.eight_bit.take();
    if mtype == "multipart" && !too_deep {
        // An illegal encoding on a multipart was reported above; readers ignore it.
        let cte = if cte.identity() { cte } else { Cte::SevenBit };
        let boundary = ct.param("boundary").map(|p| &p.value);
        match boundary {
            None => {
                let (s, e) = ct_field
                    .as_ref()
                    .map_or((start, start), |f| (f.start, f.end));
                cx.sink.add(
                    &rule::MISSING_BOUNDARY,
                    s,
                    e,
                    text![
                        ct.head,
                        " without a boundary parameter: the parts cannot be found"
                    ],
                    text![
                        ct.head,
                        " に boundary パラメータがないため、パートを区切れません"
                    ],
                );
                transfer::scan_identity(
                    cx,
                    body_start,
                    end,
                    cte,
                    "multipart body",
                    "マルチパートの本文",
                );
            }
            Some(b) => {
                check_boundary(cx, b, ct_field);
                check_nested_boundary(cx, b, ct_field);
                cx.boundaries.push(b.clone());
                let child_default = if subtype == "digest" {
                    DefaultType::MessageRfc822
                } else {
                    DefaultType::TextPlain
                };
                multipart(
                    cx,
                    &mut node,
                    b,
                    body_start,
                    end,
                    cte,
                    child_default,
                    depth,
                    ct_field,
                );
                cx.boundaries.pop();
            }
        }
    } else if mtype == "message"
        && (subtype == "rfc822" || subtype == "global")
        && !too_deep
        && cte.identity()
    {
        let outer = cx.in_global;
        cx.in_global |= subtype == "global";
        let (child, _, _) = entity(
            cx,
            body_start,
            end,
            Kind::Nested,
            DefaultType::TextPlain,
            depth + 1,
        );
        cx.in_global = outer;
        if cx.view {
            node.children.push(child);
        }
    } else {
        leaf(cx, &mut node, mtype, &ct, ct_field, cte, body_start, end);
    }
    let inner_8bit = cx.eight_bit;
    if composite && cte == Cte::SevenBit && inner_8bit.is_some() {
        seven_bit_around_8bit(cx, &ct.head, cte_field, ct_field, start);
    }
    cx.eight_bit = outer_8bit.or(inner_8bit);
    // The Content-Type is done with: its charset and type move into the node.
    let mut ct = ct;
    node.charset = ct.take_param("charset");
    node.content_type = ct.head;
    (node, hdr, addrs)
}

/// RFC 2045 6.4: a composite labelled 7bit (or not labelled) holds a part with 8-bit
/// data, labelled 8bit or binary: "the outer '7bit' labelling is in error". Reported at
/// its Content-Transfer-Encoding or Content-Type field, where the label goes.
fn seven_bit_around_8bit(
    cx: &mut Cx,
    head: &str,
    cte: Option<&Field>,
    ct: Option<&Field>,
    start: usize,
) {
    let (s, e) = cte.or(ct).map_or((start, start), |f| (f.start, f.name_end));
    let (how, how_ja) = match cte {
        Some(_) => (" is labelled 7bit", " は 7bit と指定されていますが"),
        None => (
            " is 7bit (no Content-Transfer-Encoding says otherwise)",
            " は 7bit 扱いですが（Content-Transfer-Encoding で別の指定がありません）",
        ),
    };
    cx.sink
        .add(
            &rule::EIGHTBIT_IN_7BIT,
            s,
            e,
            text![
                head,
                how,
                ", but a part inside has 8-bit data, labelled 8bit or binary"
            ],
            text![
                head,
                how_ja,
                "、中のパートに 8bit または binary と指定された 8 ビットのデータがあります"
            ],
        )
        // A note: readers decode each part by its own label, and mailers commonly leave
        // the multipart unlabelled (Thunderbird does), but RFC 2045 6.4 calls the outer
        // label "in error", and a relay that trusts it may not convert the 8-bit part.
        .sev(Severity::Info)
        .rfc("RFC 2045 6.4")
        .hint(
            "Label the composite (and each one around it) 'Content-Transfer-Encoding: 8bit', or encode the 8-bit parts as quoted-printable or base64.",
            "このエンティティ（と外側の各エンティティ）に 'Content-Transfer-Encoding: 8bit' を付けるか、8 ビットのパートを quoted-printable か base64 でエンコードしてください。",
        );
}

/// Content-Disposition (RFC 2183 2) has Content-Type's parameter grammar (RFC 2045 5.1),
/// so its syntax errors are `invalid-content-type` findings, with RFC 2183's section and
/// a hint of their own. The classic one: `filename=my file.pdf` without quotes, which
/// readers cut at the space or reject.
fn disposition<'a>(cx: &mut Cx<'a, '_>, f: &Field) -> Option<params::MimeValue<'a>> {
    let first = cx.sink.diags.len();
    let v = params::parse(
        cx.buf,
        f.value_start,
        f.value_end,
        false,
        "Content-Disposition",
        &rule::INVALID_CONTENT_TYPE,
        Some(&mut cx.sink),
    );
    // The syntax findings name the Content-Type rule's section and hint: this field's are
    // RFC 2183's. Other findings (a charset, an encoded word, RFC 2231) keep theirs.
    let r = &rule::INVALID_CONTENT_TYPE;
    for d in cx
        .sink
        .diags
        .iter_mut()
        .skip(first)
        // (Errors only: the parser's warnings carry a section of their own.)
        .filter(|d| d.rule == r.id && d.severity == Severity::Error)
    {
        if d.rfc == r.rfc {
            d.rfc = "RFC 2183 2";
        }
        if d.hint == r.hint {
            d.hint = "Write 'Content-Disposition: attachment; filename=\"name.ext\"', quoting values that contain spaces or specials.";
            d.hint_ja = "'Content-Disposition: attachment; filename=\"名前.拡張子\"' の形にし、空白や特殊文字を含む値は引用符で囲んでください。";
        }
    }
    v
}

fn check_mime_version(cx: &mut Cx, h: &Header) {
    match h.get("mime-version") {
        None => {
            if let Some(f) = h
                .fields
                .iter()
                .find(|f| f.lname.as_bytes().starts_with(b"content-"))
            {
                cx.sink.add(
                    &rule::MISSING_MIME_VERSION,
                    f.start,
                    f.name_end,
                    text![f.name, " is present but MIME-Version is missing, so strict readers ignore the MIME fields"],
                    text![f.name, " がありますが MIME-Version がないため、厳密な受信側は MIME フィールドを無視します"],
                );
            }
        }
        // The common case, "1.0" as such, needs no tokenizing.
        Some(f) if lex::trim_fws(cx.slice(f.value_start, f.value_end)) == b"1.0" => {}
        Some(f) => {
            let (toks, _, _) = lex::tokenize(cx.buf, f.value_start, f.value_end);
            let text: Vec<&[u8]> = toks.iter().map(|t| lex::text(cx.buf, t)).collect();
            let num = |t: Option<&&[u8]>| {
                t.filter(|d| !d.is_empty() && d.len() < 6 && d.iter().all(u8::is_ascii_digit))
                    .map(|d| d.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0')))
            };
            let ok = text.len() == 3
                && num(text.first()) == Some(1)
                && text.get(1) == Some(&&b"."[..])
                && num(text.get(2)) == Some(0);
            if !ok {
                let v = crate::lex::lossy_cow(cx.slice(f.value_start, f.value_end))
                    .trim()
                    .to_string();
                cx.sink.add(
                    &rule::INVALID_MIME_VERSION,
                    f.value_start,
                    f.value_end,
                    text!["MIME-Version is '", v, "'; the only defined version is 1.0"],
                    text![
                        "MIME-Version が '",
                        v,
                        "' です。定義されているバージョンは 1.0 だけです"
                    ],
                );
            }
        }
    }
}

fn parse_cte(cx: &mut Cx, f: &Field) -> Cte {
    let by_name = |v: &[u8]| {
        [
            (&b"7bit"[..], Cte::SevenBit),
            (b"8bit", Cte::EightBit),
            (b"binary", Cte::Binary),
            (b"quoted-printable", Cte::QuotedPrintable),
            (b"base64", Cte::Base64),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(v))
        .map(|(_, c)| c)
    };
    // The common case: the bare name, without comments or folding.
    let raw = cx.slice(f.value_start, f.value_end);
    if let Some(cte) = by_name(lex::trim_fws(raw)) {
        return cte;
    }
    let (toks, _, _) = lex::tokenize(cx.buf, f.value_start, f.value_end);
    let mut v = String::new();
    for t in toks.iter() {
        v.push_str(&crate::lex::lossy_cow(lex::text(cx.buf, t)));
    }
    v.make_ascii_lowercase();
    let cte = by_name(v.as_bytes()).unwrap_or(Cte::Unknown);
    if cte == Cte::Unknown {
        let d = cx.sink.add(
            &rule::INVALID_CTE,
            f.start,
            f.end,
            text![
                "unknown Content-Transfer-Encoding '",
                v,
                "'; readers must treat the part as application/octet-stream"
            ],
            text![
                "不明な Content-Transfer-Encoding '",
                v,
                "' です。受信側はこのパートを application/octet-stream として扱います"
            ],
        );
        if v.starts_with("x-") {
            d.sev(Severity::Warning).rfc("RFC 2045 6.3");
        }
    }
    cte
}

/// RFC 2046 5.1.1: 1-70 bchars, not ending in space.
fn check_boundary(cx: &mut Cx, b: &str, f: Option<&Field>) {
    let bchar = |c: u8| c.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&c);
    let problem = if b.is_empty() {
        Some(("it is empty", "空です"))
    } else if b.len() > 70 {
        Some(("it is longer than 70 characters", "70 文字を超えています"))
    } else if !b.bytes().all(bchar) {
        Some((
            "it contains characters other than DIGIT / ALPHA / '()+_,-./:=? and space",
            "英数字と '()+_,-./:=? と空白以外の文字が含まれています",
        ))
    } else if b.ends_with(' ') {
        Some(("it ends with a space", "空白で終わっています"))
    } else {
        None
    };
    if let (Some((en, ja)), Some(f)) = (problem, f) {
        cx.sink.add(
            &rule::INVALID_BOUNDARY,
            f.start,
            f.end,
            text!["invalid boundary \"", b, "\": ", en],
            text!["boundary \"", b, "\" が不正です: ", ja],
        );
    }
}

/// RFC 2046 5.1.1: a boundary must not begin with an enclosing multipart's boundary.
/// Readers compare boundaries with the beginning of each line, so "--b" also matches the
/// inner delimiter "--b-alt" and would end the outer part there.
fn check_nested_boundary(cx: &mut Cx, b: &str, f: Option<&Field>) {
    let Some(f) = f else { return };
    let Some(outer) = cx.boundaries.iter().find(|o| b.starts_with(&***o)) else {
        return;
    };
    let (en, ja) = (
        text!["boundary \"", b, "\" begins with the enclosing multipart's boundary \"", outer, "\": readers that match boundaries at the start of a line end the outer part at this part's delimiters"],
        text!["boundary \"", b, "\" が外側のマルチパートの boundary \"", outer, "\" で始まっています。行頭で boundary を照合する受信側は、この区切りで外側のパートを終わらせてしまいます"],
    );
    cx.sink.add(&rule::INVALID_BOUNDARY, f.start, f.end, en, ja).hint(
        "Choose a boundary for each multipart that does not start with any enclosing boundary (e.g. a random string per level).",
        "各マルチパートの boundary は、外側のどの boundary でも始まらないものにしてください（階層ごとにランダムな文字列など）。",
    );
}

/// A delimiter line: `--boundary[--] *LWSP` at `line_start`; `next` = next line start.
struct Delim {
    line_start: usize,
    next: usize,
    close: bool,
}

/// `missing-close-delimiter` at `end`, where the multipart with boundary `b` stops.
fn missing_close(cx: &mut Cx, end: usize, b: &str) {
    cx.sink.add(
        &rule::MISSING_CLOSE_DELIMITER,
        end,
        end,
        text![
            "the multipart ends without the close delimiter '--",
            b,
            "--'"
        ],
        text![
            "マルチパートが終わりの区切り '--",
            b,
            "--' なしで終わっています"
        ],
    );
}

/// Where the content before a delimiter ends: the CRLF (or LF) before it belongs to the
/// delimiter (RFC 2046 5.1.1).
fn before_break(buf: &[u8], lo: usize, pos: usize) -> usize {
    if pos >= lo + 2 && buf.get(pos - 2..pos) == Some(&b"\r\n"[..]) {
        pos - 2
    } else if pos > lo && buf.get(pos - 1) == Some(&b'\n') {
        pos - 1
    } else {
        pos
    }
}

#[allow(clippy::too_many_arguments)]
fn multipart<'a>(
    cx: &mut Cx<'a, '_>,
    node: &mut MimeNode<'a>,
    b: &str,
    start: usize,
    end: usize,
    cte: Cte,
    child_default: DefaultType,
    depth: usize,
    ct_field: Option<&Field>,
) {
    let buf = cx.buf;
    let candidates = cx.delimiter_candidates(b.as_bytes(), start, end);
    let mut delims: Vec<Delim> = Vec::with_capacity(candidates.len());
    for (p, entry) in candidates {
        let Some(l) = lines(buf, p, end).next() else {
            break;
        };
        let s = buf.get(l.start..l.content_end).unwrap_or(&[]);
        let Some(rest) = s
            .strip_prefix(b"--")
            .and_then(|r| r.strip_prefix(b.as_bytes()))
        else {
            continue;
        };
        let (close, rest) = match rest.strip_prefix(b"--") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if rest.iter().all(|&c| is_wsp(c)) {
            cx.mark_delimiter_line(entry);
            delims.push(Delim {
                line_start: l.start,
                next: l.next,
                close,
            });
            if close {
                break;
            }
        }
    }
    let Some(first_d) = delims.first() else {
        let (s, e) = ct_field.map_or((start, start), |f| (f.start, f.end));
        cx.sink.add(
            &rule::BOUNDARY_NOT_FOUND,
            s,
            e,
            text![
                "no line '--",
                b,
                "' in the body: the multipart has no parts"
            ],
            text![
                "本文に '--",
                b,
                "' の行がないため、マルチパートにパートがありません"
            ],
        );
        transfer::scan_identity(cx, start, end, cte, "multipart body", "マルチパートの本文");
        missing_close(cx, end, b);
        return;
    };
    // Preamble.
    let pre_end = before_break(buf, start, first_d.line_start);
    transfer::scan_identity(cx, start, pre_end, cte, "preamble", "プリアンブル");
    if first_d.close {
        cx.sink.add(
            &rule::BOUNDARY_NOT_FOUND,
            first_d.line_start,
            first_d.next,
            text![
                "the first delimiter is the close delimiter '--",
                b,
                "--': the multipart has no parts"
            ],
            text![
                "最初の区切りが終わりの区切り '--",
                b,
                "--' なので、マルチパートにパートがありません"
            ],
        );
    }
    let mut children = Vec::with_capacity(if cx.view { delims.len() } else { 0 });
    for (i, d) in delims.iter().enumerate() {
        if d.close {
            transfer::scan_identity(cx, d.next, end, cte, "epilogue", "エピローグ");
            break;
        }
        let part_end = match delims.get(i + 1) {
            Some(n) => before_break(buf, d.next, n.line_start),
            None => {
                missing_close(cx, end, b);
                end
            }
        };
        let (child, _, _) = entity(
            cx,
            d.next.min(part_end),
            part_end,
            Kind::Part,
            child_default,
            depth + 1,
        );
        if cx.view {
            children.push(child);
        }
    }
    node.children = children;
    // RFC 2046 5.1.1: the boundary delimiter must not appear in the encapsulated
    // material. A line that begins with "--boundary" but is not a delimiter line
    // (`--b-junk`, or quoted text with more after a delimiter) is where readers that
    // match boundaries at the start of a line end the part. Delimiter lines of the
    // multiparts inside are left out: when their boundary extends this one, that is
    // reported at their Content-Type. (The epilogue is after the end: readers stop.)
    let content_end = delims
        .iter()
        .find(|d| d.close)
        .map_or(end, |d| d.line_start);
    if let Some((first, n)) = cx.stray_delimiters(b.as_bytes(), start, content_end) {
        let line_end = lines(buf, first, end)
            .next()
            .map_or(first, |l| l.content_end);
        cx.sink
            .add(
                &rule::INVALID_BOUNDARY,
                first,
                line_end,
                text![n, " line(s) inside the multipart begin with its delimiter '--", b, "' but are not delimiter lines (first here): readers that match boundaries at the start of a line end the part there"],
                text!["マルチパートの中に、区切り '--", b, "' で始まるのに区切り行ではない行が ", n, " 行あります（最初はここ）。行頭で boundary を照合する受信側はそこでパートを終わらせてしまいます"],
            )
            .rfc("RFC 2046 5.1.1")
            .hint(
                "Choose a boundary that no line of the content begins with (e.g. a long random string), or encode the part (quoted-printable, base64).",
                "内容のどの行の先頭にも現れない boundary（長いランダムな文字列など）を選ぶか、パートをエンコード（quoted-printable, base64）してください。",
            );
    }
}

#[allow(clippy::too_many_arguments)]
fn leaf<'a>(
    cx: &mut Cx<'a, '_>,
    node: &mut MimeNode<'a>,
    mtype: &str,
    ct: &params::MimeValue,
    ct_field: Option<&Field>,
    cte: Cte,
    start: usize,
    end: usize,
) {
    let is_text = mtype == "text";
    let bytes: Cow<'a, [u8]> = match cte {
        Cte::Base64 => transfer::check_base64(cx, start, end, is_text).into(),
        Cte::QuotedPrintable => transfer::check_qp(cx, start, end, is_text).into(),
        Cte::Unknown => {
            // Read as 8bit for its line checks; not labelled 8bit for the composite
            // around it (seven_bit_around_8bit).
            let labelled = cx.eight_bit;
            transfer::scan_identity(cx, start, end, Cte::EightBit, "body", "本文");
            cx.eight_bit = labelled;
            return;
        }
        _ => {
            transfer::scan_identity(cx, start, end, cte, "body", "本文");
            if is_text {
                cx.slice(start, end.min(start.saturating_add(transfer::MAX_DECODED)))
                    .into()
            } else {
                Vec::new().into()
            }
        }
    };
    if !is_text {
        return;
    }
    let (fs, fe) = ct_field.map_or((start, start), |f| (f.start, f.name_end));
    let cs_param = ct.param("charset");
    let cs = match cs_param {
        None => {
            if ct_field.is_some() {
                let eight = !bytes.is_ascii();
                cx.sink
                    .add(
                        &rule::MISSING_CHARSET,
                        fs,
                        fe,
                        if eight {
                            text![ct.head, " has 8-bit text but no charset parameter; readers must guess (the default is US-ASCII)"]
                        } else {
                            text![ct.head, " has no charset parameter; US-ASCII is assumed"]
                        },
                        if eight {
                            text![ct.head, " に 8 ビットのテキストがありますが charset パラメータがありません。受信側は推測するしかありません（既定は US-ASCII）"]
                        } else {
                            text![ct.head, " に charset パラメータがありません。US-ASCII とみなされます"]
                        },
                    )
                    .sev(if eight { Severity::Warning } else { Severity::Info });
            } else if !bytes.is_ascii() && cte != Cte::SevenBit {
                cx.sink
                    .add(
                        &rule::MISSING_CHARSET,
                        start,
                        start,
                        "8-bit text without Content-Type: it defaults to text/plain; charset=us-ascii",
                        "Content-Type のない 8 ビットのテキストです。既定の text/plain; charset=us-ascii とみなされます",
                    )
                    .sev(Severity::Warning);
            }
            Some(charset::Charset::Ascii)
        }
        // (UTF-16 is looked up only for a charset the text lookup refused.)
        Some(p) => match charset::lookup(&p.value).ok_or_else(|| charset::utf16(&p.value)) {
            Ok(c) => Some(c),
            Err(Some(utf16)) => {
                cx.sink
                    .add(
                        &rule::UNKNOWN_CHARSET,
                        p.start,
                        p.end,
                        text!["'", p.value, "' is not a MIME text charset: text/* must write line breaks as the octets CR LF, which UTF-16 cannot; many readers will not decode it (shown decoded here)"],
                        text!["'", p.value, "' は MIME の text で使える文字コードではありません。text/* の改行はオクテット CR LF でなければならず、UTF-16 では表せません。多くの受信側はデコードしません（ここではデコードして表示）"],
                    )
                    .rfc("RFC 2046 4.1.2")
                    .hint(
                        "Send the text as UTF-8 (charset=utf-8), or label UTF-16 data as application/octet-stream.",
                        "テキストは UTF-8（charset=utf-8）で送るか、UTF-16 のデータは application/octet-stream として送ってください。",
                    );
                Some(utf16)
            }
            Err(None) => {
                cx.sink
                    .add(
                        &rule::UNKNOWN_CHARSET,
                        p.start,
                        p.end,
                        text![
                            "unknown charset '",
                            p.value,
                            "': the text cannot be decoded"
                        ],
                        text![
                            "文字コード '",
                            p.value,
                            "' は不明なため、テキストをデコードできません"
                        ],
                    )
                    .rfc("RFC 2046 4.1.2");
                None
            }
        },
    };
    let Some(cs) = cs else { return };
    let len = bytes.len();
    let (text, bad) = charset::decode_cow(cs, bytes);
    let truncated = len >= transfer::MAX_DECODED;
    // The cut at MAX_DECODED may split a character (or an escape sequence): an error in
    // the last few bytes of a truncated text is the cut, not the message.
    let bad = bad.filter(|&off| !(truncated && off + 8 >= len));
    if let Some(off) = bad {
        // Only report charset problems that are not already 8-bit-in-7bit findings.
        let declared = cs_param.is_some();
        if declared || cte != Cte::SevenBit {
            let pos = if cte.identity() { start + off } else { start };
            let name = cs_param.map_or("us-ascii".to_string(), |p| p.value.to_string());
            cx.sink.add(
                &rule::CHARSET_DECODE_ERROR,
                pos,
                pos + usize::from(cte.identity()),
                text!["the text is not valid ", name],
                text!["テキストが ", name, " として正しくありません"],
            );
        }
    }
    if cx.view {
        node.text_truncated = truncated;
        node.text = Some(text);
    }
}
