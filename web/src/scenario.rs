//! Guided scenarios from the talk: dialogue fixtures (the core's `transcript` format, so
//! `Fixture::run` checks them against the real session) annotated with an explanation per
//! step in English and Japanese. The annotations are comments to the fixture parser:
//!
//! ```text
//! # title-en: The basic SMTP transaction        # title-ja: ...
//! # intro-en: ...                               # intro-ja: ...
//! # en: what the next client step shows         # ja: ...
//! C: EHLO host.foo.edu
//! ```
//! A step is one client write: consecutive `C:` / `C~` lines (as in the fixtures, a
//! pipelined batch), split where a new `# en:` annotation starts.

#[cfg(feature = "validator")]
use mailroom_message::Built;
use mailroom_smtp::transcript::{unescape, Fixture};
use mailroom_smtp::Config;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The bytes the client sends in this step.
    pub bytes: Vec<u8>,
    pub en: String,
    pub ja: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: &'static str,
    pub title_en: String,
    pub title_ja: String,
    pub intro_en: String,
    pub intro_ja: String,
    /// The server the fixture's directives describe.
    pub config: Config,
    pub steps: Vec<Step>,
}

/// Declares the scenarios once: [`INDEX`] for the page, [`FILES`] for the host build.
macro_rules! scenarios {
    ($(($id:literal, $en:literal, $ja:literal)),* $(,)?) => {
        /// The scenarios in the talk's order: id, English and Japanese title (each file's
        /// own `# title-*:` lines; a test compares them). The page lists these, and fetches
        /// a scenario's file (`scenarios/ID.txt` beside the page) only when it is opened:
        /// the texts are not part of the first load.
        pub const INDEX: &[(&str, &str, &str)] = &[$(($id, $en, $ja)),*];

        /// The scenario files, in [`INDEX`]'s order: built into the host build (tests,
        /// fixtures).
        #[cfg(not(target_arch = "wasm32"))]
        pub const FILES: &[(&str, &str)] =
            &[$(($id, include_str!(concat!("../scenarios/", $id, ".txt")))),*];
    };
}

scenarios! {
    ("basic", "The basic SMTP transaction", "基本的な SMTP トランザクション"),
    ("ehlo-gmail", "EHLO: the Gmail-like server's extension list", "EHLO：Gmail 風 サーバーの拡張一覧"),
    ("ehlo-microsoft", "EHLO: the Microsoft-like server's extension list", "EHLO：Microsoft 風 サーバーの拡張一覧"),
    ("ehlo-hornetsecurity", "EHLO: the Hornetsecurity-like server's extension list", "EHLO：Hornetsecurity 風 サーバーの拡張一覧"),
    ("enhanced-codes", "RFC 2034 enhanced status codes", "RFC 2034 拡張ステータスコード"),
    ("envelope-vs-header", "Envelope vs header: RCPT TO is not To:", "エンベロープとヘッダー：RCPT TO は To: ではない"),
    ("dot-stuffing", "DATA, dot-stuffing and the end of data", "DATA、ドット・スタッフィング、データの終わり"),
    ("no-date", "The message without Date", "Date のないメッセージ"),
    ("header-mistakes", "Recipient header mistakes", "宛先ヘッダーの誤り"),
    ("lmtp", "LMTP vs SMTP: pat, jones and green", "LMTP と SMTP：pat, jones, green"),
    ("pipelining", "PIPELINING (RFC 2920)", "PIPELINING（RFC 2920）"),
    ("chunking", "CHUNKING: BDAT (RFC 3030)", "CHUNKING：BDAT（RFC 3030）"),
    ("smuggling", "Bare LF and SMTP smuggling", "裸の LF と SMTP スマグリング"),
    ("smtputf8", "8BITMIME and SMTPUTF8: a Japanese subject", "8BITMIME と SMTPUTF8：日本語の件名"),
    ("size-limit", "SIZE: declaring the message size (RFC 1870)", "SIZE：メッセージサイズの宣言（RFC 1870）"),
    ("starttls-auth", "STARTTLS and AUTH", "STARTTLS と AUTH"),
}

/// Every scenario that parses (a broken file is skipped, and the host tests catch it).
#[cfg(not(target_arch = "wasm32"))]
pub fn all() -> Vec<Rc<Scenario>> {
    FILES
        .iter()
        .filter_map(|(id, text)| parse(id, text).ok())
        .map(Rc::new)
        .collect()
}

/// The listed id equal to `id`.
pub fn known(id: &str) -> Option<&'static str> {
    INDEX.iter().find(|e| e.0 == id).map(|e| e.0)
}

/// The scenario `id`, parsing only its own file (`None`: not listed, not loaded on the
/// page, or it does not parse).
pub fn by_id(id: &str) -> Option<Rc<Scenario>> {
    let id = known(id)?;
    parse(id, &text_of(id)?).ok().map(Rc::new)
}

#[cfg(not(target_arch = "wasm32"))]
fn text_of(id: &str) -> Option<Rc<str>> {
    FILES
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| Rc::from(*t))
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// The scenario files fetched so far.
    static LOADED: std::cell::RefCell<Vec<(&'static str, Rc<str>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(target_arch = "wasm32")]
fn text_of(id: &str) -> Option<Rc<str>> {
    LOADED.with(|l| {
        l.borrow()
            .iter()
            .find(|e| e.0 == id)
            .map(|e| Rc::clone(&e.1))
    })
}

/// The scenario `id`, its file fetched first on the page (once: a file that parses is
/// kept, so [`by_id`] answers for it from then on).
pub async fn load(id: &str) -> Option<Rc<Scenario>> {
    #[cfg(target_arch = "wasm32")]
    if let Some(id) = known(id).filter(|id| text_of(id).is_none()) {
        // A host's error page served as 200 does not parse: not kept, fetched again.
        let text = crate::page::fetch_text(&format!("scenarios/{id}.txt")).await?;
        let s = parse(id, &text).ok()?;
        LOADED.with(|l| l.borrow_mut().push((id, Rc::from(text))));
        return Some(Rc::new(s));
    }
    by_id(id)
}

pub fn parse(id: &'static str, text: &str) -> Result<Scenario, String> {
    let config = Fixture::parse(text)
        .and_then(|f| f.config())
        .map_err(|m| format!("{id}: {m}"))?;
    let mut s = Scenario {
        id,
        title_en: String::new(),
        title_ja: String::new(),
        intro_en: String::new(),
        intro_ja: String::new(),
        config,
        steps: Vec::new(),
    };
    let (mut en, mut ja) = (String::new(), String::new());
    let mut in_batch = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if let Some(note) = line.strip_prefix('#') {
            let note = note.trim_start();
            let field = |key: &str| note.strip_prefix(key).map(|v| v.trim().to_owned());
            if let Some(v) = field("title-en:") {
                s.title_en = v;
            } else if let Some(v) = field("title-ja:") {
                s.title_ja = v;
            } else if let Some(v) = field("intro-en:") {
                append(&mut s.intro_en, &v);
            } else if let Some(v) = field("intro-ja:") {
                append(&mut s.intro_ja, &v);
            } else if let Some(v) = field("en:") {
                append(&mut en, &v);
                in_batch = false;
            } else if let Some(v) = field("ja:") {
                append(&mut ja, &v);
                in_batch = false;
            }
            continue;
        }
        let bytes = if let Some(rest) = line.strip_prefix("C:") {
            let mut b = rest.strip_prefix(' ').unwrap_or(rest).as_bytes().to_vec();
            b.extend_from_slice(b"\r\n");
            b
        } else if let Some(rest) = line.strip_prefix("C~") {
            unescape(rest.strip_prefix(' ').unwrap_or(rest))
                .map_err(|e| format!("{id} line {}: {e}", n + 1))?
        } else {
            if !line.trim().is_empty() {
                in_batch = false;
            }
            continue;
        };
        match s.steps.last_mut() {
            Some(step) if in_batch => step.bytes.extend_from_slice(&bytes),
            _ => s.steps.push(Step {
                bytes,
                en: std::mem::take(&mut en),
                ja: std::mem::take(&mut ja),
            }),
        }
        in_batch = true;
    }
    if s.title_en.is_empty() || s.title_ja.is_empty() {
        return Err(format!("{id}: needs # title-en: and # title-ja:"));
    }
    Ok(s)
}

/// The client side of the dialogue for a composed message: greeting, MAIL FROM, one RCPT
/// TO per To/Cc/Bcc address, DATA, then the content (dot-stuffed) and ".".
#[cfg(feature = "validator")]
pub fn from_built(b: &Built, config: Config) -> Scenario {
    let hello = if config.mode == mailroom_smtp::Mode::Lmtp {
        "LHLO"
    } else {
        "EHLO"
    };
    let line = |l: String| {
        let mut v = l.into_bytes();
        v.extend_from_slice(b"\r\n");
        v
    };
    let step = |bytes: Vec<u8>, en: String, ja: String| Step { bytes, en, ja };
    let mut steps = vec![
        step(
            line(format!("{hello} client.example")),
            "The client greets the server.".into(),
            "クライアントがサーバーに挨拶します。".into(),
        ),
        step(
            line(format!("MAIL FROM:<{}>", b.mail_from)),
            "MAIL FROM: the envelope sender, taken from From:. It is where bounces go; the header From: is what the reader sees.".into(),
            "MAIL FROM：From: から取ったエンベロープの送信者。エラー通知の宛先で、読者が見るのはヘッダーの From: です。".into(),
        ),
    ];
    for r in &b.envelope_recipients {
        steps.push(step(
            line(format!("RCPT TO:<{r}>")),
            format!("RCPT TO:<{r}>: one per To, Cc and Bcc address. Delivery follows these, not the header; Bcc addresses appear only here."),
            format!("RCPT TO:<{r}>：To・Cc・Bcc のアドレスごとに 1 つ。配送はヘッダーではなくこれに従い、Bcc のアドレスはここにしか現れません。"),
        ));
    }
    steps.push(step(
        line("DATA".into()),
        "DATA: the server answers 354 and reads the message.".into(),
        "DATA：サーバーは 354 を返し、メッセージを読みます。".into(),
    ));
    let text = String::from_utf8_lossy(&b.bytes);
    let mut content = crate::state::dot_stuff(&text).replace('\n', "\r\n");
    content.push_str("\r\n.\r\n");
    steps.push(step(
        content.into_bytes(),
        "The message: header (Bcc removed), a blank line, the body; lines starting with \".\" are stuffed, and \".\" ends the data.".into(),
        "メッセージ：ヘッダー（Bcc は削除済み）、空行、本文。「.」で始まる行はドットを足し、「.」で終えます。".into(),
    ));
    Scenario {
        id: "compose",
        title_en: "Your composed message".into(),
        title_ja: "作成したメッセージ".into(),
        intro_en: "The envelope (MAIL FROM, RCPT TO) and the header (From, To, Cc) are separate: watch them diverge.".into(),
        intro_ja: "エンベロープ（MAIL FROM, RCPT TO）とヘッダー（From, To, Cc）は別物です。違いを見てください。".into(),
        config,
        steps,
    }
}

fn append(to: &mut String, more: &str) {
    if !to.is_empty() {
        to.push(' ');
    }
    to.push_str(more);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_is_a_passing_dialogue_fixture() {
        for (id, text) in FILES {
            let fixture = Fixture::parse(text).unwrap_or_else(|m| panic!("{id}: {m}"));
            if let Err(m) = fixture.run() {
                panic!("{id}: {m}");
            }
        }
    }

    /// The scenarios teach clients to wait where RFC 2920 says so: each one also passes
    /// against a server that refuses improper pipelining (Postfix's behaviour).
    #[test]
    fn every_scenario_pipelines_only_where_allowed() {
        for (id, text) in FILES {
            let strict = text.replacen("\nS: ", "\n! policy strict_pipelining=true\nS: ", 1);
            let fixture = Fixture::parse(&strict).unwrap_or_else(|m| panic!("{id}: {m}"));
            if let Err(m) = fixture.run() {
                panic!("{id} under strict pipelining: {m}");
            }
        }
    }

    /// The page lists [`INDEX`] without the files: the same ids, order and titles.
    #[test]
    fn index_matches_the_files() {
        let ids: Vec<&str> = FILES.iter().map(|f| f.0).collect();
        let listed: Vec<&str> = INDEX.iter().map(|e| e.0).collect();
        assert_eq!(listed, ids);
        for (id, en, ja) in INDEX {
            let s = by_id(id).expect("parses");
            assert_eq!(
                (s.title_en.as_str(), s.title_ja.as_str()),
                (*en, *ja),
                "{id}"
            );
        }
        // Every file is listed (a new file needs its INDEX entry).
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let on_disk = std::fs::read_dir(dir).expect("scenarios/").count();
        assert_eq!(on_disk, INDEX.len());
    }

    #[test]
    fn by_id_opens_one_scenario() {
        for s in all() {
            let one = by_id(s.id).expect("listed");
            assert_eq!((one.id, one.steps.len()), (s.id, s.steps.len()));
        }
        assert!(by_id("no-such-scenario").is_none());
    }

    #[test]
    fn every_step_is_explained_in_both_languages() {
        assert_eq!(all().len(), FILES.len());
        for (id, text) in FILES {
            let s = parse(id, text).expect("parses");
            assert!(!s.steps.is_empty(), "{id}");
            assert!(!s.intro_en.is_empty() && !s.intro_ja.is_empty(), "{id}");
            for (i, step) in s.steps.iter().enumerate() {
                assert!(
                    !step.en.is_empty() && !step.ja.is_empty(),
                    "{id} step {} needs # en: and # ja:",
                    i + 1
                );
            }
        }
    }

    #[test]
    fn consecutive_client_lines_are_one_step() {
        let s = parse(
            "t",
            "# title-en: t\n# title-ja: t\n! profile foo-edu\n# en: a\n# ja: a\nC: EHLO x\nC: NOOP\nS: 1\n# en: b\n# ja: b\nC: QUIT\n# en: c\n# ja: c\nC: NOOP\n",
        )
        .expect("parses");
        assert_eq!(s.steps.len(), 3);
        assert_eq!(s.steps[0].bytes, b"EHLO x\r\nNOOP\r\n");
        assert_eq!(s.steps[2].en, "c");
    }

    /// Writes the server's replies into the scenario files (`S:` lines), from the core:
    /// `cargo test -p mailroom-web fill_replies -- --ignored`. Review the diff.
    #[test]
    #[ignore]
    fn fill_replies() {
        use mailroom_smtp::{Event, Session};
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        for (id, text) in FILES {
            let cfg = Fixture::parse(text)
                .and_then(|f| f.config())
                .expect("config");
            let mut session = Session::new(cfg, 1_795_813_480_000);
            let replies = |s: &mut Session| {
                let mut out = Vec::new();
                while let Some(e) = s.poll_event() {
                    if let Event::Reply(r) = e {
                        out.extend(r.wire_lines().into_iter().map(|l| format!("S: {l}")));
                    }
                }
                out
            };
            let mut out: Vec<String> = Vec::new();
            let mut batch: Vec<u8> = Vec::new();
            let mut greeted = false;
            let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("S:")).collect();
            for (i, line) in lines.iter().enumerate() {
                if line.starts_with("C:") || line.starts_with("C~") {
                    if !greeted {
                        // the greeting goes right after the directives
                        let at = out
                            .iter()
                            .rposition(|l| l.starts_with("! "))
                            .map_or(0, |p| p + 1);
                        for (k, g) in replies(&mut session).into_iter().enumerate() {
                            out.insert(at + k, g);
                        }
                        greeted = true;
                    }
                    let rest = &line[2..];
                    let rest = rest.strip_prefix(' ').unwrap_or(rest);
                    if line.starts_with("C:") {
                        batch.extend_from_slice(rest.as_bytes());
                        batch.extend_from_slice(b"\r\n");
                    } else {
                        batch.extend(unescape(rest).expect("escape"));
                    }
                    out.push(line.to_string());
                    let next_is_client = lines
                        .get(i + 1)
                        .is_some_and(|n| n.starts_with("C:") || n.starts_with("C~"));
                    if !next_is_client {
                        session.handle_input(1_795_813_480_000, &std::mem::take(&mut batch));
                        out.extend(replies(&mut session));
                    }
                } else {
                    out.push(line.to_string());
                }
            }
            std::fs::write(format!("{dir}/{id}.txt"), out.join("\n") + "\n").expect("write");
        }
    }
}
