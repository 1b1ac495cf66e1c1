//! `mailroom lint` end to end: output formats, exit status, stdin, envelope options.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn mailroom(args: &[&str], stdin: Option<&[u8]>) -> Output {
    mailroom_with_locale(args, stdin, &[])
}

/// Runs with only the given locale variables set (none inherited from the test's
/// environment, which would pick the output language).
fn mailroom_with_locale(args: &[&str], stdin: Option<&[u8]>, locale: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailroom"));
    for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(k);
    }
    cmd.envs(locale.iter().copied());
    let mut child = cmd
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mailroom");
    if let Some(data) = stdin {
        child.stdin.take().unwrap().write_all(data).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text.replace('\n', "\r\n")).unwrap();
    p.display().to_string()
}

const CLEAN: &str = "From: chris@foo.edu\nTo: pat@bar.com\nSubject: hello\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@foo.edu>\n\nhi\n";
const MISTAKES: &str = "From: chris@foo.edu\nTo: \"Mr. Foo\" <foo@example.com >\nCc:\nBcc: <bar@example.com>\nSubject: hello\nMessage-ID: <1@foo.edu>\n\nhi\n";

#[test]
fn github_format_annotates_each_finding() {
    let dir = tempfile::tempdir().unwrap();
    // A comma in the file name and Japanese before the finding on its line.
    let f = write(
        dir.path(),
        "to, taro.eml",
        "From: chris@foo.edu\nTo: \"太郎\" <taro@example.jp >\nSubject: hello\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@foo.edu>\n\nhi\n",
    );
    let out = mailroom(&["lint", "--format", "github", &f], None);
    assert_eq!(out.status.code(), Some(0), "a warning does not fail");
    let s = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    let file = f.replace(',', "%2C").replace(':', "%3A");
    // The column counts characters: 太郎 is two, where the text format counts 6 bytes.
    let whitespace = format!(
        "::warning file={file},line=2,col=26,title=address-whitespace::whitespace inside the address: \
         legal in RFC 5322, but not in an SMTP (RFC 5321) path (RFC 5321 4.1.2). \
         Remove spaces and comments inside the address: write <local@domain>."
    );
    assert_eq!(
        lines,
        [
            format!("::warning file={file},line=2,col=6,title=8bit-header::raw non-ASCII (UTF-8) text in the To field: valid only when the message travels with SMTPUTF8 (RFC 6532) (RFC 6532 3.2). Encode non-ASCII text with RFC 2047 encoded words (=?UTF-8?B?...?=), or send with SMTPUTF8.").as_str(),
            whitespace.as_str(),
            format!("{f}: 0 errors, 2 warnings, 0 notes").as_str(),
        ]
    );
    let text = mailroom(&["lint", &f], None);
    assert!(String::from_utf8(text.stdout)
        .unwrap()
        .contains(":2:30: warning[address-whitespace]"));
    // Errors are ::error (and fail); notes are ::notice.
    let m = write(dir.path(), "m.eml", MISTAKES);
    let out = mailroom(
        &["lint", "--format", "github", "--fail-on", "info", &m],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains(",line=3,col=1,title=empty-address-field::"),
        "{s}"
    );
    assert!(s.lines().any(|l| l.starts_with("::error ")));
    assert!(s
        .lines()
        .filter(|l| l.starts_with("::"))
        .all(|l| !l.contains('\r')));
}

#[test]
fn fail_on_lowers_the_severity_that_fails() {
    // Only a warning (no Message-ID) and a note (no charset on a text part).
    let warned = "From: chris@foo.edu\nTo: pat@bar.com\nSubject: hello\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMIME-Version: 1.0\nContent-Type: text/plain\n\nhi\n";
    let noted = "From: chris@foo.edu\nTo: pat@bar.com\nSubject: hello\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@foo.edu>\nMIME-Version: 1.0\nContent-Type: text/plain\n\nhi\n";
    let code = |text: &str, fail_on: Option<&str>| {
        let mut args = vec!["lint", "--format", "json"];
        if let Some(f) = fail_on {
            args.extend(["--fail-on", f]);
        }
        args.push("-");
        let out = mailroom(&args, Some(text.replace('\n', "\r\n").as_bytes()));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let file = &doc["files"][0];
        let counts = (
            file["errors"].as_u64(),
            file["warnings"].as_u64(),
            file["infos"].as_u64(),
        );
        (out.status.code(), counts)
    };
    assert_eq!(code(warned, None), (Some(0), (Some(0), Some(1), Some(1))));
    assert_eq!(
        code(warned, Some("error")),
        (Some(0), (Some(0), Some(1), Some(1)))
    );
    assert_eq!(code(warned, Some("warning")).0, Some(1));
    assert_eq!(
        code(noted, Some("warning")),
        (Some(0), (Some(0), Some(0), Some(1)))
    );
    assert_eq!(code(noted, Some("info")).0, Some(1));
    assert_eq!(code(CLEAN, Some("info")).0, Some(0));
    // Errors fail at every level; a bad level is a usage error.
    assert_eq!(code(MISTAKES, Some("info")).0, Some(1));
    let out = mailroom(&["lint", "--fail-on", "notice", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn text_output_is_rustc_style_and_exit_1_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "mistakes.eml", MISTAKES);
    let out = mailroom(&["lint", &f], None);
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    let want = format!(
        "{f}:2:31: warning[address-whitespace]: whitespace inside the address: legal in RFC 5322, but not in an SMTP (RFC 5321) path
   2 | To: \"Mr. Foo\" <foo@example.com >
     |                               ^
  = RFC 5321 4.1.2
  = help: Remove spaces and comments inside the address: write <local@domain>.
{f}:3:1: error[empty-address-field]: "
    );
    assert!(s.starts_with(&want), "{s}");
    assert!(s.contains(&format!("{f}:4:1: warning[bcc-present]")), "{s}");
    assert!(s.contains(&format!("{f}:7:1: error[missing-date]")), "{s}");
    assert!(
        s.trim_end()
            .ends_with(&format!("{f}: 2 errors, 2 warnings, 0 notes")),
        "{s}"
    );
}

#[test]
fn japanese_output_by_flag_or_locale_keeps_the_parseable_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "mistakes.eml", MISTAKES);
    let run = |args: &[&str], locale: &[(&str, &str)]| {
        let out = mailroom_with_locale(args, None, locale);
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let by_flag = run(&["lint", "--lang", "ja", &f], &[]);
    let want = format!(
        "{f}:2:31: warning[address-whitespace]: アドレスの中に空白があります。RFC 5322 では正しいものの、SMTP（RFC 5321）のパスでは使えません
   2 | To: \"Mr. Foo\" <foo@example.com >
     |                               ^
  = RFC 5321 4.1.2
  = help: アドレス内の空白やコメントを取り除き、<local@domain> と書いてください。
"
    );
    assert!(by_flag.starts_with(&want), "{by_flag}");
    assert!(
        by_flag
            .trim_end()
            .ends_with(&format!("{f}: エラー 2 件、警告 2 件、情報 0 件")),
        "{by_flag}"
    );
    // The locale decides without the flag: LANG, unless LC_ALL or LC_MESSAGES is set.
    assert_eq!(run(&["lint", &f], &[("LANG", "ja_JP.UTF-8")]), by_flag);
    assert_eq!(
        run(
            &["lint", &f],
            &[("LC_MESSAGES", "ja_JP.UTF-8"), ("LANG", "C")]
        ),
        by_flag
    );
    let english = run(&["lint", &f], &[]);
    assert!(
        english.contains("whitespace inside the address"),
        "{english}"
    );
    assert_eq!(
        run(
            &["lint", &f],
            &[("LC_ALL", "C.UTF-8"), ("LANG", "ja_JP.UTF-8")]
        ),
        english
    );
    assert_eq!(
        run(&["lint", "--lang", "en", &f], &[("LANG", "ja_JP.UTF-8")]),
        english
    );
    // Findings over the per-rule cap are counted in the summary, in either language.
    let long = dir.path().join("long.eml");
    let head = "From: a@b.example\r\nDate: Thu, 26 Oct 2023 00:07:56 +0900\r\nMessage-ID: <1@b.example>\r\nSubject: s\r\n\r\n";
    std::fs::write(
        &long,
        format!("{head}{}", format!("{}\r\n", "a".repeat(1000)).repeat(103)),
    )
    .unwrap();
    let long = long.display().to_string();
    let last = |s: String| s.trim_end().lines().last().unwrap_or("").to_owned();
    assert_eq!(
        last(run(&["lint", &long], &[])),
        format!("{long}: 100 errors, 0 warnings, 0 notes (3 more line-too-long not shown)")
    );
    assert_eq!(
        last(run(&["lint", "--lang", "ja", &long], &[])),
        format!("{long}: エラー 100 件、警告 0 件、情報 0 件（ほかに line-too-long 3 件は表示していません）")
    );
    // JSON carries both languages whatever the locale.
    let json = run(
        &["lint", "--format", "json", &f],
        &[("LANG", "ja_JP.UTF-8")],
    );
    assert!(
        json.contains("\"message\": \"whitespace inside the address")
            && json.contains("アドレスの中に空白"),
        "{json}"
    );
}

#[test]
fn clean_and_warning_only_files_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let clean = write(dir.path(), "clean.eml", CLEAN);
    let out = mailroom(&["lint", &clean], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let warn = write(
        dir.path(),
        "warn.eml",
        &CLEAN.replace("<1@foo.edu>", "<1@localhost>"),
    );
    let out = mailroom(&["lint", &warn], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning[msg-id-unqualified]"));
}

#[test]
fn json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "m.eml", MISTAKES);
    let out = mailroom(&["lint", "--format", "json", &f], None);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let file = &v["files"][0];
    assert_eq!(file["file"], f.as_str());
    assert_eq!(file["errors"], 2);
    let d = &file["diagnostics"][0];
    for key in [
        "rule",
        "severity",
        "line",
        "column",
        "start",
        "end",
        "rfc",
        "message",
        "message_ja",
        "hint",
        "hint_ja",
    ] {
        assert!(!d[key].is_null(), "missing {key}: {d}");
    }
    assert_eq!(d["rule"], "address-whitespace");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(31))
    );
    assert_eq!(d["end"].as_u64().unwrap() - d["start"].as_u64().unwrap(), 1);
    assert_eq!(v["io_errors"], serde_json::json!([]));
}

#[test]
fn stdin_and_envelope_options() {
    let eight = "From: chris@foo.edu\nTo: pat@bar.com\nSubject: hello\nDate: Thu, 26 Oct 2023 00:07:56 +0900\nMessage-ID: <1@foo.edu>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nこんにちは\n"
        .replace('\n', "\r\n");
    // Without an envelope: clean.
    let out = mailroom(&["lint", "-"], Some(eight.as_bytes()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // BODY=7BIT (the default once an envelope is given): 8-bit data is an error.
    let out = mailroom(
        &[
            "lint",
            "--mail-from",
            "chris@foo.edu",
            "--rcpt-to",
            "pat@bar.com",
            "-",
        ],
        Some(eight.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("-:10:1: error[8bit-without-8bitmime]"));
    // --body is case-insensitive.
    let out = mailroom(
        &[
            "lint",
            "--mail-from",
            "chris@foo.edu",
            "--rcpt-to",
            "pat@bar.com",
            "--body",
            "8bitmime",
            "-",
        ],
        Some(eight.as_bytes()),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // An extra RCPT shows up as an envelope/header note, not an error.
    let out = mailroom(
        &[
            "lint",
            "--format",
            "json",
            "--mail-from",
            "chris@foo.edu",
            "--rcpt-to",
            "pat@bar.com",
            "--rcpt-to",
            "jones@foo.edu",
            "--body",
            "8BITMIME",
            "-",
        ],
        Some(eight.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["files"][0]["diagnostics"][0]["rule"],
        "envelope-header-mismatch"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = mailroom(&["lint", "/nonexistent/mailroom/file.eml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/mailroom/file.eml"));
    let out = mailroom(&["lint", "--format", "xml", "x.eml"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = mailroom(&["lint"], None);
    assert_eq!(out.status.code(), Some(2));
    // An unreadable file among good ones: still exit 2, the others are reported.
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "clean.eml", CLEAN);
    let out = mailroom(
        &["lint", "--format", "json", &f, "/nonexistent/x.eml"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    assert_eq!(v["io_errors"][0]["file"], "/nonexistent/x.eml");
}

fn big_message(size: usize) -> Vec<u8> {
    let mut m = CLEAN.replace("\n\nhi\n", "\nMIME-Version: 1.0\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n").replace('\n', "\r\n").into_bytes();
    let line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    while m.len() < size {
        m.extend_from_slice(line);
    }
    m
}

#[test]
fn large_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.eml");
    std::fs::write(&p, big_message(16 << 20)).unwrap();
    let out = mailroom(&["lint", p.to_str().unwrap()], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The issue asks for messages up to at least 100 MB. A bad base64 character on the very
/// last line must be found at its exact line: the whole input was read and scanned.
/// (About 4 s in a debug build.)
#[test]
fn hundred_megabyte_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.eml");
    let mut m = big_message(100 << 20);
    let last_line = memchr_count(&m) + 1;
    m.extend_from_slice(b"QUJD!EFGH\r\n");
    assert!(m.len() > 100 << 20);
    std::fs::write(&p, &m).unwrap();
    let out = mailroom(&["lint", "--format", "json", p.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1), "one error expected");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = v["files"][0]["diagnostics"].as_array().unwrap();
    let bad: Vec<_> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(bad.len(), 1, "{diags:?}");
    assert_eq!(bad[0]["rule"], "base64-invalid-char");
    assert_eq!(bad[0]["line"], last_line);
    assert_eq!(bad[0]["column"], 5);
}

fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// Hostile text never reaches the terminal raw: an escape sequence quoted in a message,
/// a BIDI override in the source line. A wide emoji moves the caret by two columns.
#[test]
fn text_output_is_safe_and_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hostile.eml");
    std::fs::write(
        &p,
        "From: a@example.com\r\nTo: \"\u{1F680}\" <b@example.com >\r\nCc: <c@\u{202E}moc.elpmaxe>\r\nSubject: x\r\nDate: Thu, 26 Oct 2023 00:07:56 +0900\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 2.0\u{1b}[2J\u{1b}]0;pwned\u{7}\r\n\r\nhi\r\n",
    )
    .unwrap();
    let out = mailroom(&["lint", p.to_str().unwrap()], None);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
    assert!(!s.contains('\u{202E}'), "{s}");
    assert!(s.contains("warning[address-whitespace]"), "{s}");
    // `To: "🚀" <b@example.com` is 23 columns wide: the caret is under the space.
    let caret = s
        .lines()
        .skip_while(|l| !l.contains("[address-whitespace]"))
        .nth(2)
        .unwrap();
    assert_eq!(caret, format!("     | {}^", " ".repeat(23)));
}

/// A 2 MB line: the excerpt is a window around the range, not the whole line; a range
/// that starts inside a character is widened to it (no U+FFFD from a split character).
#[test]
fn long_line_excerpt_is_a_window_of_whole_characters() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("long.eml");
    let m = CLEAN.replace("\n", "\r\n").replace(
        "Subject: hello",
        &format!("Subject: {}", "あ".repeat(700_000)),
    );
    std::fs::write(&p, m).unwrap();
    let out = mailroom(&["lint", p.to_str().unwrap()], None);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("error[line-too-long]"), "{s}");
    assert!(s.len() < 4000, "{} bytes of output", s.len());
    assert!(!s.contains('\u{FFFD}'), "{s}");
}
