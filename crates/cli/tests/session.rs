//! `mailroom session` as a user runs it: bytes on stdin, replies on stdout.

use std::io::Write;
use std::process::{Command, Stdio};

fn session(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .arg("session")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailroom runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    let out = child.wait_with_output().expect("exit");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_talks_transaction_over_stdin_stdout_with_trace_and_delivery() {
    let dir = tempfile::tempdir().expect("tempdir");
    let trace = dir.path().join("trace.jsonl");
    let out_dir = dir.path().join("mail");
    let (code, stdout, stderr) = session(
        &[
            "--profile",
            "foo-edu",
            "--trace",
            trace.to_str().expect("utf8 path"),
            "--deliver-to",
            out_dir.to_str().expect("utf8 path"),
        ],
        b"EHLO host.foo.edu\r\nMAIL FROM:<chris@foo.edu>\r\nRCPT TO:<pat@bar.com>\r\nDATA\r\nSubject: hi\r\n\r\nBlah blah blah...\r\n.\r\nQUIT\r\nNOOP\r\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "220 foo.edu SMTP server ready\r\n250-foo.edu\r\n250-PIPELINING\r\n250 SIZE\r\n250 OK\r\n250 OK\r\n\
         354 Start mail input; end with <CRLF>.<CRLF>\r\n250 OK\r\n221 foo.edu closing connection\r\n",
        "NOOP after QUIT must not be answered"
    );
    let files: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("deliveries")
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let mail = std::fs::read_to_string(files[0].path()).expect("mail");
    assert!(mail.starts_with("Return-Path: <chris@foo.edu>\r\nReceived: from host.foo.edu"));
    assert!(mail.ends_with("Subject: hi\r\n\r\nBlah blah blah...\r\n"));
    let trace = std::fs::read_to_string(trace).expect("trace");
    let events: Vec<serde_json::Value> = trace
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    for k in [
        "reply",
        "command",
        "transition",
        "delivered",
        "group_end",
        "close",
    ] {
        assert!(kinds.contains(&k), "no {k} event in {kinds:?}");
    }
    let delivered = events
        .iter()
        .find(|e| e["type"] == "delivered")
        .expect("delivered");
    assert!(delivered["data"]
        .as_str()
        .is_some_and(|d| d.contains("Blah blah blah")));
    assert!(events.iter().all(|e| e["at_ms"].is_u64()));
}

#[test]
fn lmtp_gives_one_reply_per_recipient() {
    let (code, stdout, _) = session(
        &["--lmtp"],
        b"LHLO foo.edu\r\nMAIL FROM:<chris@bar.com>\r\nRCPT TO:<pat@foo.edu>\r\nRCPT TO:<green@foo.edu>\r\nDATA\r\nx\r\n.\r\n",
    );
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with("250 2.1.5 OK\r\n452 4.2.2 <green@foo.edu> is temporarily over quota\r\n"),
        "{stdout}"
    );
}

#[test]
fn a_bad_config_names_the_key_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (toml, key) in [
        ("[limits]\nmax_recipents = 3\n", "max_recipents"),
        ("extensions = [\"SIZE big\"]\n", "SIZE"),
        (
            "[[mailboxes]]\naddress = \"not an address\"\n",
            "mailboxes[0].address",
        ),
        ("profile = \"nope\"\n", "profile"),
        ("[policy]\nbare_lf = \"sometimes\"\n", "bare_lf"),
    ] {
        let path = dir.path().join("c.toml");
        std::fs::write(&path, toml).expect("write");
        let (code, _, stderr) = session(&["--config", path.to_str().expect("utf8")], b"");
        assert_eq!(code, 2, "{toml}");
        assert!(stderr.contains(key), "{toml}: {stderr}");
    }
}

#[test]
fn a_config_file_overrides_its_profile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "profile = \"gmail\"\nhostname = \"mx.test.example\"\nextensions = [\"PIPELINING\"]\n[[mailboxes]]\naddress = \"a@test.example\"\n",
    )
    .expect("write");
    let (code, stdout, stderr) = session(
        &["--config", path.to_str().expect("utf8")],
        b"EHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<b@test.example>\r\nQUIT\r\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "220 mx.test.example SMTP server ready\r\n250-mx.test.example\r\n250 PIPELINING\r\n250 OK\r\n550 No such user here\r\n221 mx.test.example closing connection\r\n"
    );
}

/// Two runs into the same directory (ids restart with each run): the second delivery gets
/// a new name instead of replacing the first.
#[test]
fn deliveries_of_two_runs_never_replace_each_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("mail");
    let out = out_dir.to_str().expect("utf8 path");
    for subject in ["one", "two", "three"] {
        let input = format!("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nSubject: {subject}\r\n\r\nx\r\n.\r\nQUIT\r\n");
        let (code, _, stderr) = session(&["--deliver-to", out], input.as_bytes());
        assert_eq!(code, 0, "{stderr}");
    }
    let mut subjects: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("deliveries")
        .flatten()
        .map(|f| {
            let m = std::fs::read_to_string(f.path()).expect("mail");
            m.lines()
                .find_map(|l| l.strip_prefix("Subject: ").map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    subjects.sort();
    assert_eq!(subjects, ["one", "three", "two"]);
}

/// Input that ends inside DATA, or in the middle of a line, is reported on stderr.
#[test]
fn end_of_input_mid_message_is_reported() {
    let (code, _, stderr) = session(
        &[],
        b"EHLO a\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nhi\r\n",
    );
    assert_eq!(code, 0);
    assert!(stderr.contains("end of input during Data"), "{stderr}");
    let (_, _, stderr) = session(&[], b"EHLO a\r\nQUIT");
    assert!(
        stderr.contains("4 octets without a line ending"),
        "{stderr}"
    );
    let (_, _, stderr) = session(&[], b"EHLO a\r\nQUIT\r\n");
    assert!(stderr.is_empty(), "{stderr}");
}

/// The server's command timeout fires while the client is silent (stdin still open):
/// 421 and the end of the session, as on a real connection.
#[test]
fn a_silent_client_times_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("short.toml");
    std::fs::write(&cfg, "[limits]\ncommand_timeout_ms = 300\n").expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .args(["session", "--config", cfg.to_str().expect("utf8 path")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailroom runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"EHLO a\r\n").expect("write");
    // Keep stdin open and say nothing: the session must end by itself.
    let started = std::time::Instant::now();
    let out = child.wait_with_output().expect("exit");
    drop(stdin);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\r\n421 "), "{stdout}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
