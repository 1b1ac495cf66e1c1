//! `mailroom serve` on real sockets, with real clients nobody here wrote: Python's smtplib
//! and smtplib.LMTP, curl's smtp:// upload and swaks (installed by `cargo xtask setup`).
//! Each test starts its own server on free ports and reads what lands in the Maildir.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    smtp: SocketAddr,
    lmtp: SocketAddr,
    dir: tempfile::TempDir,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        Server::start_with(extra, None)
    }

    fn start_with(extra: &[&str], config: Option<&str>) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailroom"));
        cmd.arg("serve")
            .args(["--smtp", "127.0.0.1:0", "--lmtp", "127.0.0.1:0", "--quiet"])
            .arg("--maildir")
            .arg(dir.path().join("Maildir"))
            .arg("--save-cert")
            .arg(dir.path().join("cert.pem"))
            .arg("--trace-dir")
            .arg(dir.path().join("traces"))
            .args(extra);
        if let Some(toml) = config {
            let path = dir.path().join("config.toml");
            std::fs::write(&path, toml).expect("config");
            cmd.arg("--config").arg(path);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mailroom serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut smtp, mut lmtp) = (None, None);
        for line in lines.by_ref() {
            let line = line.expect("stdout line");
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["listening", "smtp", a] => smtp = a.parse().ok(),
                ["listening", "lmtp", a] => lmtp = a.parse().ok(),
                ["maildir", ..] => break,
                _ => {}
            }
        }
        Server {
            child,
            smtp: smtp.expect("an SMTP listener line"),
            lmtp: lmtp.expect("an LMTP listener line"),
            dir,
        }
    }

    fn maildir(&self, sub: &str) -> PathBuf {
        self.dir.path().join("Maildir").join(sub)
    }

    /// The files in new/ (or tmp/), oldest name first.
    fn files(&self, sub: &str) -> Vec<Vec<u8>> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.maildir(sub))
            .expect("maildir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read(p).expect("read"))
            .collect()
    }

    /// Every trace file's text, waiting (up to 5 s) until `count` connections have ended.
    fn traces_of(&self, count: usize) -> Vec<String> {
        let dir = self.dir.path().join("traces");
        let start = Instant::now();
        loop {
            let texts: Vec<String> = std::fs::read_dir(&dir)
                .map(|d| {
                    d.filter_map(|e| e.ok())
                        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                        .filter(|t| !t.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            // A trace is written out when its connection ends.
            if texts.len() >= count || start.elapsed() > Duration::from_secs(5) {
                return texts;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn traces(&self) -> Vec<String> {
        self.traces_of(1)
    }

    fn python(&self, case: &str, port: u16) -> serde_json::Value {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/smtplib_client.py");
        let out = Command::new("python3")
            .arg(script)
            .arg(case)
            .arg(port.to_string())
            .arg(self.dir.path().join("cert.pem"))
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "smtplib {case} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json from the client")
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(ok.success());
    }

    /// Waits for exit; returns the exit code and stderr.
    fn wait(mut self, limit: Duration) -> (Option<i32>, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                return (status.code(), err);
            }
            assert!(start.elapsed() < limit, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Splits a delivered file into its trace fields and the rest (the message as sent).
fn split_trace(file: &[u8]) -> (String, Vec<u8>) {
    let mut at = 0;
    let mut trace = String::new();
    loop {
        let rest = &file[at..];
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(rest.len(), |i| i + 2);
        let line = String::from_utf8_lossy(&rest[..end]).into_owned();
        let is_trace = ["Return-Path:", "Delivered-To:", "Received:"]
            .iter()
            .any(|f| line.starts_with(f))
            || (line.starts_with('\t') && !trace.is_empty());
        if !is_trace {
            return (trace, file[at..].to_vec());
        }
        trace.push_str(&line);
        at += end;
    }
}

/// A raw client: what a test needs that no library does (stop mid-DATA, dribble bytes).
struct Raw {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Raw {
    fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let reader = BufReader::new(stream.try_clone().expect("clone"));
        Raw { stream, reader }
    }

    /// One whole reply (all its lines).
    fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
                return all;
            }
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    fn say(&mut self, line: &str) -> String {
        self.send(format!("{line}\r\n").as_bytes());
        self.reply()
    }
}

const SENT: &[u8] = b"From: Alice <alice@client.example>\r\nTo: many@d.example\r\n\
Subject: smtplib to mailroom\r\nMessage-ID: <1@client.example>\r\n\
Date: Fri, 27 Nov 2026 12:00:00 +0000\r\n\r\nHello.\r\n\
.a line that starts with a dot (smtplib stuffs it, the server unstuffs it)\r\n";

#[test]
fn smtplib_many_recipients_each_get_the_message_byte_for_byte_plus_trace_fields() {
    let server = Server::start(&[]);
    let r = server.python("plain", server.smtp.port());
    assert_eq!(r["refused"], serde_json::json!({}));
    assert_eq!(r["pipelining"], true);
    let files = server.files("new");
    assert_eq!(files.len(), 60, "one file per recipient");
    assert!(server.files("tmp").is_empty());
    let mut delivered_to: Vec<String> = Vec::new();
    for f in &files {
        let (trace, body) = split_trace(f);
        assert_eq!(body, SENT, "the message as sent, dot-unstuffed");
        assert!(trace.starts_with("Return-Path: <alice@client.example>\r\nDelivered-To: "));
        assert!(trace.contains("Received: from client.example (localhost [127.0.0.1])\r\n"));
        assert!(trace.contains("with ESMTP id "), "{trace}");
        assert!(
            !trace.contains("\tfor "),
            "no `for` with many recipients: {trace}"
        );
        let to = trace.lines().nth(1).unwrap_or_default();
        delivered_to.push(to.trim_start_matches("Delivered-To: ").to_owned());
    }
    delivered_to.sort();
    let mut expected: Vec<String> = (0..60).map(|i| format!("r{i}@d.example")).collect();
    expected.sort();
    assert_eq!(delivered_to, expected);
}

#[test]
fn smtplib_starttls_with_the_generated_certificate_then_auth() {
    let users = "[[users]]\nname = \"alice\"\npassword = \"wonderland\"\n";
    let server = Server::start_with(&[], Some(users));
    let r = server.python("tls_auth", server.smtp.port());
    assert_eq!(
        r["auth_before_tls"], false,
        "AUTH is offered only inside TLS"
    );
    assert_eq!(r["auth_after_tls"], true);
    assert_eq!(r["bad_login"], 535);
    assert_eq!(r["refused"], serde_json::json!({}));
    assert!(
        r["cipher"].as_str().is_some_and(|c| c.starts_with("TLS_")),
        "{r}"
    );
    let files = server.files("new");
    assert_eq!(files.len(), 1);
    let (trace, body) = split_trace(&files[0]);
    assert_eq!(body, SENT);
    assert!(
        trace.contains("with ESMTPSA id "),
        "TLS + AUTH (RFC 3848): {trace}"
    );
    assert!(trace.contains("\tfor <x@d.example>;"), "{trace}");

    let r = server.python("auth_needs_tls", server.smtp.port());
    assert!(r["login"]
        .as_str()
        .is_some_and(|s| s.starts_with("not offered")));
}

#[test]
fn starttls_with_a_certificate_given_by_path() {
    let keys = tempfile::tempdir().expect("tempdir");
    let (cert, key) = (keys.path().join("cert.pem"), keys.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed (cargo xtask setup)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let users = "[[users]]\nname = \"alice\"\npassword = \"wonderland\"\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let toml = dir.path().join("c.toml");
    std::fs::write(&toml, users).expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .args(["serve", "--smtp", "127.0.0.1:0", "--quiet", "--maildir"])
        .arg(dir.path().join("md"))
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .arg("--config")
        .arg(&toml)
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/smtplib_client.py"))
        .args(["tls_auth", &port])
        .arg(&cert)
        .output()
        .expect("python3");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        r["refused"],
        serde_json::json!({}),
        "verified against the given cert: {r}"
    );
}

#[test]
fn a_command_injected_behind_starttls_never_runs_inside_tls() {
    let server = Server::start(&[]);
    let r = server.python("starttls_injection", server.smtp.port());
    assert_eq!(r["starttls"][0], "220 2.0.0 Ready to start TLS\r\n");
    let rcpt = r["rcpt_after_tls"][0].as_str().unwrap_or_default();
    assert!(
        rcpt.starts_with("503 "),
        "the injected MAIL must not count: {r}"
    );
    let trace = server.traces().join("\n");
    assert!(
        trace.contains("sent after STARTTLS in the clear were discarded"),
        "{trace}"
    );
    assert!(
        !trace.contains(r#""line":"MAIL FROM:<evil@attacker.example>""#),
        "{trace}"
    );
}

#[test]
fn allow_insecure_auth_offers_auth_in_the_clear() {
    let users = "[[users]]\nname = \"alice\"\npassword = \"wonderland\"\n";
    let server = Server::start_with(&["--allow-insecure-auth"], Some(users));
    let r = server.python("insecure_auth", server.smtp.port());
    assert_eq!(r["auth_login"], 235);
    assert_eq!(r["refused"], serde_json::json!({}));
    let (trace, _) = split_trace(&server.files("new")[0]);
    assert!(trace.contains("with ESMTPA id "), "{trace}");
}

#[test]
fn smtplib_smtputf8_delivers_utf8_addresses_and_headers() {
    let server = Server::start(&[]);
    let r = server.python("utf8", server.smtp.port());
    assert_eq!(r["refused"], serde_json::json!({}));
    let files = server.files("new");
    assert_eq!(files.len(), 1);
    let (trace, body) = split_trace(&files[0]);
    assert_eq!(body, r["message"].as_str().expect("message").as_bytes());
    assert!(
        trace.starts_with("Return-Path: <太郎@example.jp>\r\nDelivered-To: 花子@example.jp\r\n")
    );
    assert!(trace.contains("with UTF8SMTP id "), "RFC 6531: {trace}");
}

#[test]
fn smtplib_lmtp_gets_one_reply_per_recipient_and_one_file_per_delivered_one() {
    let server = Server::start(&["--profile", "lmtp"]);
    let r = server.python("lmtp", server.lmtp.port());
    // jones is unknown (550 at RCPT); green is over quota at DATA (452 4.2.2).
    assert_eq!(r["rcpt"], serde_json::json!([250, 250, 250, 550]));
    let codes: Vec<i64> = r["data"]
        .as_array()
        .expect("replies")
        .iter()
        .map(|x| x[0].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(
        codes,
        [250, 452, 250],
        "RCPT order, duplicates included: {r}"
    );
    let files = server.files("new");
    assert_eq!(files.len(), 2, "pat twice");
    for f in &files {
        let (trace, body) = split_trace(f);
        assert_eq!(body, SENT);
        assert!(trace.contains("Delivered-To: pat@foo.edu\r\n"));
        assert!(trace.contains("with LMTP id "), "{trace}");
    }
}

#[test]
fn curl_uploads_over_smtp() {
    let server = Server::start(&[]);
    let msg = server.dir.path().join("curl.eml");
    std::fs::write(&msg, SENT).expect("write");
    let out = Command::new("curl")
        .args(["--silent", "--show-error"])
        .arg(format!(
            "smtp://127.0.0.1:{}/client.example",
            server.smtp.port()
        ))
        .args(["--mail-from", "alice@client.example"])
        .args(["--mail-rcpt", "x@d.example", "--mail-rcpt", "y@d.example"])
        .arg("--upload-file")
        .arg(&msg)
        .output()
        .expect("curl is installed (cargo xtask setup)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = server.files("new");
    assert_eq!(files.len(), 2);
    for f in &files {
        assert_eq!(split_trace(f).1, SENT);
    }
}

#[test]
fn swaks_pipelines_a_transaction_with_many_recipients() {
    let server = Server::start(&[]);
    let rcpts: Vec<String> = (0..50).map(|i| format!("p{i}@d.example")).collect();
    let out = Command::new("swaks")
        .args(["--server", "127.0.0.1", "--port"])
        .arg(server.smtp.port().to_string())
        .args(["--from", "alice@client.example", "--helo", "client.example"])
        .arg("--to")
        .arg(rcpts.join(","))
        .args(["--pipeline", "--header", "Subject: swaks pipelined"])
        .output()
        .expect("swaks is installed (cargo xtask setup)");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    // swaks shows a pipelined group as one block of client lines, then the replies.
    let group = " -> MAIL FROM:<alice@client.example>\n -> RCPT TO:<p0@d.example>\n \
-> RCPT TO:<p1@d.example>";
    assert!(said.contains(group), "{said}");
    assert!(
        said.contains(" -> RCPT TO:<p49@d.example>\n -> DATA\n<-  250 2.1.0 "),
        "{said}"
    );
    assert!(said.contains("<-  250 2.6.0 Message accepted"), "{said}");
    let files = server.files("new");
    assert_eq!(files.len(), 50);
    let (trace, body) = split_trace(&files[0]);
    assert!(trace.contains("Received: from client.example"));
    assert!(String::from_utf8_lossy(&body).contains("Subject: swaks pipelined\r\n"));
}

#[test]
fn a_client_gone_mid_data_leaves_no_file_and_nothing_acknowledged() {
    let server = Server::start(&[]);
    let mut c = Raw::connect(server.smtp);
    assert!(c.reply().starts_with("220 "));
    c.say("EHLO client.example");
    c.say("MAIL FROM:<a@client.example>");
    c.say("RCPT TO:<x@d.example>");
    assert!(c.say("DATA").starts_with("354 "));
    c.send(b"Subject: half\r\n\r\nthe first half of a message\r\n");
    drop(c);
    // Its trace is written when the server is done with that connection.
    let first = server.traces_of(1);
    assert!(first.len() == 1 && first[0].contains("354"), "{first:?}");
    assert!(
        server.files("new").is_empty(),
        "nothing from the broken transaction"
    );
    // A second, whole transaction proves the server went on.
    let mut d = Raw::connect(server.smtp);
    d.reply();
    d.say("EHLO client.example");
    d.say("MAIL FROM:<a@client.example>");
    d.say("RCPT TO:<y@d.example>");
    d.say("DATA");
    assert!(d.say("whole\r\n.").starts_with("250 "));
    let files = server.files("new");
    assert_eq!(files.len(), 1);
    assert!(split_trace(&files[0]).1.starts_with(b"whole"));
    assert!(server.files("tmp").is_empty());
}

#[test]
fn an_unwritable_maildir_answers_452_4_3_1_and_acknowledges_nothing() {
    let server = Server::start(&[]);
    // A file where tmp/ was: every write fails, even for root.
    std::fs::remove_dir(server.maildir("tmp")).expect("rmdir");
    std::fs::write(server.maildir("tmp"), b"").expect("file");
    let mut c = Raw::connect(server.smtp);
    c.reply();
    c.say("EHLO client.example");
    c.say("MAIL FROM:<a@client.example>");
    c.say("RCPT TO:<x@d.example>");
    c.say("DATA");
    let reply = c.say("Subject: lost?\r\n\r\nno\r\n.");
    assert!(reply.starts_with("452 4.3.1 "), "{reply}");
    assert!(server.files("new").is_empty());
    // The session goes on: the client may retry later, or now.
    assert!(c.say("QUIT").starts_with("221 "));
}

#[test]
fn a_client_sending_one_byte_per_second_hits_the_timeout() {
    let server = Server::start(&["--command-timeout", "2"]);
    // The server's clock starts at accept, before the greeting reaches us.
    let start = Instant::now();
    let mut c = Raw::connect(server.smtp);
    c.reply();
    let mut reply = String::new();
    for b in b"EHLO a-very-slow-client.example".iter() {
        if c.stream.write_all(&[*b]).is_err() {
            break;
        }
        c.stream
            .set_read_timeout(Some(Duration::from_millis(900)))
            .expect("timeout");
        let mut line = String::new();
        if c.reader.read_line(&mut line).is_ok() && !line.is_empty() {
            reply = line;
            break;
        }
    }
    assert!(reply.starts_with("421 "), "{reply:?}");
    assert!(reply.contains("timeout"), "{reply}");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[test]
fn oversized_lines_and_messages_are_refused_as_in_the_core() {
    let server = Server::start_with(
        &[],
        Some("extensions = [\"PIPELINING\", \"SIZE 2000\", \"ENHANCEDSTATUSCODES\"]\n"),
    );
    let mut c = Raw::connect(server.smtp);
    c.reply();
    c.say("EHLO client.example");
    let long = format!("NOOP {}", "x".repeat(100_000));
    assert!(c.say(&long).starts_with("500 5.5.2 "));
    assert!(c.say("NOOP").starts_with("250 "), "the session goes on");
    c.say("MAIL FROM:<a@client.example>");
    c.say("RCPT TO:<x@d.example>");
    c.say("DATA");
    let big = format!("Subject: big\r\n\r\n{}\r\n.", "y\r\n".repeat(2000));
    let reply = c.say(&big);
    assert!(reply.starts_with("552 5.3.4 "), "{reply}");
    assert!(server.files("new").is_empty());
}

#[test]
fn a_connection_over_the_limit_gets_421_instead_of_the_greeting() {
    let server = Server::start(&["--max-connections", "2"]);
    let mut a = Raw::connect(server.smtp);
    let mut b = Raw::connect(server.smtp);
    assert!(a.reply().starts_with("220 "));
    assert!(b.reply().starts_with("220 "));
    let mut c = Raw::connect(server.smtp);
    let busy = c.reply();
    assert!(
        busy.starts_with("421 mailroom.example Too many connections"),
        "{busy}"
    );
    drop(a);
    // The slot comes back once the first connection is gone.
    let start = Instant::now();
    loop {
        let mut d = Raw::connect(server.smtp);
        if d.reply().starts_with("220 ") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "slot never freed");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(b);
}

#[test]
fn sigterm_lets_the_transaction_in_flight_finish_then_421_and_exit() {
    let server = Server::start(&[]);
    let mut busy = Raw::connect(server.smtp);
    busy.reply();
    busy.say("EHLO client.example");
    busy.say("MAIL FROM:<a@client.example>");
    busy.say("RCPT TO:<x@d.example>");
    busy.say("DATA");
    busy.send(b"Subject: in flight\r\n\r\n");
    let mut idle = Raw::connect(server.smtp);
    idle.reply();
    idle.say("EHLO idle.example");
    server.signal("-TERM");
    let bye = idle.reply();
    assert!(
        bye.starts_with("421 4.3.2 "),
        "an idle client is told at once: {bye}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        TcpStream::connect(server.smtp).is_err(),
        "no new connections after SIGTERM"
    );
    let end = busy.say("the rest\r\n.");
    assert!(end.starts_with("250 2.6.0 "), "{end}");
    assert!(busy.reply().starts_with("421 4.3.2 "));
    let files = server.files("new");
    assert_eq!(files.len(), 1, "the message in flight was delivered");
    let (code, err) = server.wait(Duration::from_secs(10));
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn each_connection_writes_a_json_lines_trace() {
    let server = Server::start(&[]);
    let mut c = Raw::connect(server.smtp);
    c.reply();
    c.say("EHLO client.example");
    c.say("QUIT");
    drop(c);
    let text = server.traces().join("\n");
    let kinds: Vec<String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            assert!(v["at_ms"].as_u64().is_some());
            v["type"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("reply"),
        "the greeting"
    );
    assert!(kinds.contains(&"command".to_owned()));
    assert_eq!(kinds.last().map(String::as_str), Some("close"));
}

#[test]
fn the_default_listener_is_loopback_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .args(["serve", "--quiet", "--maildir"])
        .arg(dir.path().join("md"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut first = String::new();
    let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first);
    let _ = child.kill();
    let out = child.wait_with_output().expect("exit");
    let err = String::from_utf8_lossy(&out.stderr);
    // Either it listens there, or port 2525 is taken and it says where it tried.
    assert!(
        first.trim() == "listening smtp 127.0.0.1:2525" || err.contains("127.0.0.1:2525"),
        "{first} / {err}"
    );
}
