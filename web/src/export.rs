//! The transcript exported as plain text, Markdown, or records for JSON (the fixture export
//! is the core's `transcript::record`, through `Playground::fixture`).

use crate::i18n::Lang;
use crate::state::{Entry, Info};

/// One transcript entry as data (the JSON export is an array of these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// "client", "server", "warning", "content", "delivered", "info" or "elided".
    pub kind: &'static str,
    /// The wire text (server: all lines of the reply, CRLF-free, joined by "\n").
    pub text: String,
    pub code: Option<u16>,
    pub rule: Option<&'static str>,
    pub rfc: Option<&'static str>,
    pub explanation: Option<&'static str>,
}

pub fn records(entries: &[Entry], lang: Lang) -> Vec<Record> {
    let plain = |kind, text: String| Record {
        kind,
        text,
        code: None,
        rule: None,
        rfc: None,
        explanation: None,
    };
    entries
        .iter()
        .filter_map(|e| {
            Some(match e {
                Entry::Client { line, .. } => plain("client", line.clone()),
                Entry::Server(r) => Record {
                    kind: "server",
                    text: r.wire_lines().join("\n"),
                    code: Some(r.code),
                    rule: Some(r.rule),
                    rfc: Some(r.rfc),
                    explanation: Some(lang.pick(r.explain_en, r.explain_ja)),
                },
                Entry::Note(w) => Record {
                    rule: Some(w.rule),
                    rfc: Some(w.rfc),
                    explanation: Some(lang.pick(w.explain_en, w.explain_ja)),
                    ..plain("warning", lang.pick(&w.detail, &w.detail_ja).to_owned())
                },
                Entry::Content { octets, chunk } => {
                    let what = match (chunk, lang) {
                        (true, Lang::En) => "BDAT chunk",
                        (false, Lang::En) => "DATA content",
                        (true, Lang::Ja) => "BDAT チャンク",
                        (false, Lang::Ja) => "DATA の内容",
                    };
                    plain("content", format!("{what}: {octets} octets"))
                }
                Entry::Delivered { id } => plain(
                    "delivered",
                    format!("{} {id}", lang.pick("delivered as", "配送しました：")),
                ),
                Entry::Info(Info::Closed) => plain(
                    "info",
                    lang.pick("connection closed", "接続が閉じられました")
                        .into(),
                ),
                Entry::Info(Info::Restarted) => {
                    plain("info", lang.pick("new session", "新しいセッション").into())
                }
                Entry::Elided { lines, unread } => plain(
                    "elided",
                    match (unread, lang) {
                        (true, Lang::En) => {
                            format!("{lines} lines sent after the server closed the connection")
                        }
                        (true, Lang::Ja) => format!("接続が閉じられた後に送られた {lines} 行"),
                        (false, Lang::En) => format!("{lines} lines not shown"),
                        (false, Lang::Ja) => format!("表示していない {lines} 行"),
                    },
                ),
                Entry::GroupEnd => return None,
            })
        })
        .collect()
}

/// `C:` / `S:` lines as the RFCs print dialogues; other entries as indented notes.
pub fn text(entries: &[Entry], lang: Lang) -> String {
    let mut out = String::new();
    for r in records(entries, lang) {
        match r.kind {
            "client" => out.push_str(&format!("C: {}\n", r.text)),
            "server" => {
                for line in r.text.lines() {
                    out.push_str(&format!("S: {line}\n"));
                }
            }
            "warning" => out.push_str(&format!(
                "   ! {} ({}, {})\n",
                r.text,
                r.rule.unwrap_or(""),
                r.rfc.unwrap_or("")
            )),
            _ => out.push_str(&format!("   [{}]\n", r.text)),
        }
    }
    out
}

/// A Markdown document: the dialogue in a code block, then each reply with its rule,
/// RFC section and explanation.
pub fn markdown(entries: &[Entry], lang: Lang, server: &str) -> String {
    let (title, label) = match lang {
        Lang::En => ("Mailroom session", "Server"),
        Lang::Ja => ("Mailroom のセッション", "サーバー"),
    };
    let body = text(entries, lang);
    // A fence longer than any run of backticks in the dialogue, so none can close it.
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut out = format!("## {title}\n\n{label}: {server}\n\n{fence}text\n{body}{fence}\n\n");
    out.push_str(match lang {
        Lang::En => "| Reply | Rule | RFC | Why |\n|---|---|---|---|\n",
        Lang::Ja => "| 応答 | ルール | RFC | 理由 |\n|---|---|---|---|\n",
    });
    for r in records(entries, lang).iter().filter(|r| r.kind == "server") {
        let first = r.text.lines().next().unwrap_or("");
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            cell(first),
            r.rule.unwrap_or(""),
            r.rfc.unwrap_or(""),
            cell(r.explanation.unwrap_or(""))
        ));
    }
    out
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{yew_reducible::Reducible, Action, Playground};
    use std::rc::Rc;

    fn session() -> Rc<Playground> {
        Rc::new(Playground::default()).reduce(Action::Send(
            "EHLO c.example\nMAIL FROM:<a@b.example>\nRCPT TO:<pat@foo.edu>".into(),
        ))
    }

    #[test]
    fn text_reads_like_an_rfc_dialogue() {
        let t = text(&session().transcript, Lang::En);
        assert!(
            t.starts_with("   [new session]\n") || t.starts_with("S: 220 foo.edu"),
            "{t}"
        );
        assert!(
            t.contains("C: EHLO c.example\nC: MAIL FROM:<a@b.example>\n"),
            "{t}"
        );
        assert!(
            t.contains("S: 250-foo.edu\nS: 250-PIPELINING\nS: 250 SIZE\n"),
            "{t}"
        );
    }

    #[test]
    fn markdown_lists_each_reply_with_rule_and_rfc() {
        let m = markdown(&session().transcript, Lang::Ja, "foo-edu");
        assert!(m.contains("```text\n"));
        let fenced = markdown(
            &Rc::new(Playground::default())
                .reduce(Action::Send("NOOP ````x".into()))
                .transcript,
            Lang::En,
            "x",
        );
        assert!(fenced.contains("`````text\n"), "a longer fence: {fenced}");
        assert!(
            m.contains("| `250-foo.edu` | `ehlo-ok` | RFC 5321 4.1.1.1 |"),
            "{m}"
        );
        // Japanese explanations when the page is in Japanese
        assert!(m.contains("EHLO 成功"), "{m}");
    }

    #[test]
    fn the_copied_fixture_passes_the_cores_fixture_test() {
        let p = session().reduce(Action::Send("DATA".into()));
        let p = p.reduce(Action::SendData("Subject: hi\n\n.dot\n".into()));
        let fixture = p.fixture().expect("small session");
        let run = mailroom_smtp::transcript::Fixture::parse(&fixture).and_then(|f| f.run());
        assert!(run.is_ok(), "{run:?}\n{fixture}");
        assert!(
            fixture.contains("C: ..dot\n"),
            "dot-stuffed as sent: {fixture}"
        );
    }
}
