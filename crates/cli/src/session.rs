//! `mailroom session`: drives a simulated server session over stdin/stdout.

use clap::Args;
use mailroom_smtp::{Event, Session};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The simulated server on stdin/stdout, raw bytes both ways exactly as on the wire.
///
/// Input is processed as it arrives; the session ends at QUIT (after the 221 reply), at
/// end of input, or when the server's timeout runs out while the client is silent (421). When stdin is a terminal, each typed LF is sent as CRLF (so typing works
/// as with telnet); piped input is passed through untouched, bare LFs included.
///
/// The config file is TOML. Every key is optional; `profile = "NAME"` starts from that
/// profile and the other keys override it:
///
///   profile = "gmail"
///   mode = "smtp"                       # or "lmtp"
///   hostname = "mx.example.com"
///   # the EHLO list in order; [] makes a classic RFC 821 server (EHLO refused)
///   extensions = ["PIPELINING", "SIZE 1000000", "8BITMIME", "ENHANCEDSTATUSCODES",
///                 "STARTTLS", "CHUNKING", "BINARYMIME", "DSN", "AUTH PLAIN LOGIN",
///                 "SMTPUTF8", "REQUIRETLS", "DELIVERBY 60", "ETRN", "VRFY", "HELP"]
///   domains = ["example.com"]
///   faults = ["on RCPT matching *@spam.example reply 550 5.7.1 Blocked",
///             "on EOD reply 451 4.3.0 Try later", "close after 20 commands"]
///   [limits]  max_recipients = 100, max_errors = 10, command_line = 512,
///             text_line = 1000, max_message_size = 10485760,
///             command_timeout_ms = 300000, data_timeout_ms = 180000,
///             min_data_rate = 500   (octets/s that message content must average; 0: off)
///   [policy]  syntax = "strict"|"lenient", bare_lf = "reject"|"normalize",
///             strict_pipelining = false, eight_bit = "warn"|"reject",
///             long_lines = "reject"|"warn", auth_requires_tls = true,
///             require_tls = false, require_auth = false, expn = false
///   [client]  name = "client.example", addr = "192.0.2.10"   (for Received:)
///   [[mailboxes]] address = "pat@example.com", state = "ok"
///             (states: ok, unknown, over-quota, over-quota-at-data, full, disabled)
///   [[users]] name = "alice", password = "wonderland"
///
/// A bad config is reported with the key at fault, and exit code 2.
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct SessionArgs {
    /// Speak LMTP (RFC 2033) instead of SMTP; without --profile, uses the "lmtp" profile.
    #[arg(long)]
    lmtp: bool,
    /// Start from a profile: gmail, microsoft, hornetsecurity, foo-edu, rfc821, lmtp, everything.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// TOML configuration (see above); overrides the profile.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write every event (replies, transitions, warnings, deliveries) as JSON Lines.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Write each delivered message (with its trace fields) to DIR/<id>.eml.
    #[arg(long, value_name = "DIR")]
    deliver_to: Option<PathBuf>,
}

pub fn run(args: &SessionArgs) -> ExitCode {
    let config =
        match crate::config::load(args.profile.as_deref(), args.config.as_deref(), args.lmtp) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("mailroom session: {e}");
                return ExitCode::from(2);
            }
        };
    let mut trace = match &args.trace {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Some(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("mailroom session: cannot write {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    if let Some(dir) = &args.deliver_to {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("mailroom session: cannot create {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let interactive = std::io::stdin().is_terminal();
    let mut session = Session::new(config, now_ms());
    // stdin is read on its own thread, so the server's timeouts (RFC 5321 4.5.3.2) fire
    // while the client is silent, as on a real connection.
    let input = read_stdin();
    let mut stdout = std::io::stdout().lock();
    loop {
        if let Err(e) = drain(
            &mut session,
            &mut stdout,
            trace.as_mut(),
            args.deliver_to.as_deref(),
        ) {
            eprintln!("mailroom session: {e}");
            return ExitCode::FAILURE;
        }
        if session.is_closed() {
            break;
        }
        let wait = session
            .poll_timeout()
            .map(|t| std::time::Duration::from_millis(t.saturating_sub(now_ms())));
        let received = match wait {
            Some(d) => input.recv_timeout(d),
            None => input
                .recv()
                .map_err(|_| std::sync::mpsc::RecvTimeoutError::Disconnected),
        };
        let chunk = match received {
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                session.handle_timeout(now_ms());
                continue;
            }
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => {
                eprintln!("mailroom session: reading stdin: {e}");
                return ExitCode::FAILURE;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                // The client left without QUIT: say what was lost, as a server's log would.
                let pending = session.buffered_bytes();
                let state = session.state();
                if state == mailroom_smtp::State::Data || state == mailroom_smtp::State::Bdat {
                    eprintln!("mailroom session: end of input during {state:?}: the message was not delivered ({pending} octets held)");
                } else if pending > 0 {
                    eprintln!("mailroom session: end of input: {pending} octets without a line ending were not processed");
                }
                break;
            }
        };
        let bytes = if interactive { to_crlf(&chunk) } else { chunk };
        session.handle_input(now_ms(), &bytes);
    }
    if let Some(t) = trace.as_mut() {
        let _ = t.flush();
    }
    ExitCode::SUCCESS
}

/// Reads stdin on a thread: each read is sent as it arrives; the channel closes at end of
/// input (after an error, which is sent first).
fn read_stdin() -> std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    if tx.send(Ok(buf[..n].to_vec())).is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
    });
    rx
}

/// Writes replies, trace lines and delivered messages.
fn drain(
    session: &mut Session,
    out: &mut impl Write,
    mut trace: Option<&mut std::io::BufWriter<std::fs::File>>,
    deliver_to: Option<&Path>,
) -> Result<(), String> {
    while let Some(event) = session.poll_event() {
        if let Some(t) = trace.as_deref_mut() {
            let line = crate::trace::json_line(&event, now_ms());
            writeln!(t, "{line}").map_err(|e| format!("writing the trace: {e}"))?;
        }
        if let (Event::Delivered(d), Some(dir)) = (&event, deliver_to) {
            write_new(dir, &d.id, &d.data)?;
        }
    }
    if let Some(bytes) = session.poll_transmit() {
        out.write_all(&bytes)
            .and_then(|_| out.flush())
            .map_err(|e| format!("writing stdout: {e}"))?;
    }
    if let Some(t) = trace {
        t.flush().map_err(|e| format!("writing the trace: {e}"))?;
    }
    Ok(())
}

/// Writes `ID.eml` in `dir`, or `ID-2.eml`, `ID-3.eml`... when a file of that name is
/// there already (ids restart with each run): a delivery never replaces another.
fn write_new(dir: &Path, id: &str, data: &[u8]) -> Result<(), String> {
    for n in 1u32.. {
        let name = if n == 1 {
            format!("{id}.eml")
        } else {
            format!("{id}-{n}.eml")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                return f
                    .write_all(data)
                    .and_then(|_| f.sync_all())
                    .map_err(|e| format!("writing {}: {e}", path.display()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("writing {}: {e}", path.display())),
        }
    }
    Err(format!(
        "writing {id}.eml in {}: no free name",
        dir.display()
    ))
}

fn to_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 8);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

use crate::trace::now_ms;
