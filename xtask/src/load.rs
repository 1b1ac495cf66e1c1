//! The `mailroom serve` load benchmark: Postfix's smtp-source sends the same messages over
//! the same connections to mailroom, to aiosmtpd and to Postfix's smtp-sink, in one run;
//! then 1,000 idle connections and the server's resident memory.

use crate::{install, run};
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: u32 = 10_000;
const SESSIONS: u32 = 50;
const IDLE: usize = 1_000;
const ROUNDS: usize = 5;

/// A server under test; killed when dropped.
struct Peer {
    name: &'static str,
    child: Child,
    addr: SocketAddr,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve_load() -> Result<(), String> {
    install::bench_peers()?;
    let root = run::root();
    // The bench profile: full optimisation (release is tuned for the wasm page's size).
    run::status(run::command("cargo").args(["build", "--profile", "bench", "-p", "mailroom"]))?;
    let mailroom = root.join("target/release/mailroom");
    let work = root.join("target/load");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;

    println!(
        "\nserve load: smtp-source -s {SESSIONS} -m {MESSAGES} -d (HELO, MAIL, RCPT, DATA per message)"
    );
    // All servers up at once; the three that store nothing are measured in interleaved
    // rounds and each reported by its median, so a noisy moment on this 2-core machine
    // (smtp-source shares it) does not decide a ratio.
    let sinks = [
        mailroom_peer(&mailroom, &["--discard"], "mailroom serve --discard")?,
        aiosmtpd_peer(&root)?,
        smtp_sink_peer()?,
    ];
    let mut runs: Vec<Vec<f64>> = vec![Vec::new(); sinks.len()];
    // A first round, not counted: page cache, Python's imports, the first connections.
    for peer in &sinks {
        smtp_source(peer)?;
    }
    for _ in 0..ROUNDS {
        for (peer, rates) in sinks.iter().zip(runs.iter_mut()) {
            rates.push(smtp_source(peer)?);
        }
    }
    let mut rows: Vec<(&str, f64)> = Vec::new();
    for (peer, mut rates) in sinks.iter().zip(runs) {
        rates.sort_by(|a, b| a.total_cmp(b));
        let shown: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
        let median = rates[rates.len() / 2];
        println!(
            "  {:<34} {:>9.0} messages/s (median of {ROUNDS}: {})",
            peer.name,
            median,
            shown.join(", ")
        );
        rows.push((peer.name, median));
    }
    drop(sinks);
    let md = work.join("Maildir");
    let durable = mailroom_peer(
        &mailroom,
        &["--maildir", md.to_str().unwrap_or("Maildir")],
        "mailroom serve (Maildir, fsync)",
    )?;
    let rate = smtp_source(&durable)?;
    println!(
        "  {:<34} {:>9.0} messages/s (every message fsynced)",
        durable.name, rate
    );
    drop(durable);
    let get = |n: &str| rows.iter().find(|r| r.0 == n).map_or(0.0, |r| r.1);
    let ours = get("mailroom serve --discard");
    let aio = get("aiosmtpd (Sink handler)");
    let sink = get("postfix smtp-sink");
    println!(
        "  ratio to aiosmtpd:   {:.2}x  (goal >= 5x)",
        ours / aio.max(f64::MIN_POSITIVE)
    );
    println!(
        "  ratio to smtp-sink:  {:.2}x  (goal >= 0.8x)",
        ours / sink.max(f64::MIN_POSITIVE)
    );

    let peer = mailroom_peer(
        &mailroom,
        &["--discard", "--max-connections", "2000"],
        "mailroom serve --discard",
    )?;
    let before = rss_kib(peer.child.id());
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        let mut c = TcpStream::connect(peer.addr).map_err(|e| format!("connect: {e}"))?;
        c.set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        let mut greeting = [0u8; 3];
        c.read_exact(&mut greeting)
            .map_err(|e| format!("greeting: {e}"))?;
        if &greeting != b"220" {
            return Err(format!(
                "idle connection got {:?}",
                String::from_utf8_lossy(&greeting)
            ));
        }
        idle.push(c);
    }
    let after = rss_kib(peer.child.id());
    println!(
        "  {IDLE} idle connections: server RSS {:.1} MB (before them: {:.1} MB; goal < 100 MB)",
        after as f64 / 1024.0,
        before as f64 / 1024.0
    );
    drop(idle);
    Ok(())
}

fn mailroom_peer(bin: &Path, extra: &[&str], name: &'static str) -> Result<Peer, String> {
    let mut child = Command::new(bin)
        .args(["serve", "--smtp", "127.0.0.1:0", "--quiet"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", bin.display()))?;
    let out = child.stdout.take().ok_or("no stdout")?;
    let mut addr = None;
    for line in BufReader::new(out).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(a) = line.strip_prefix("listening smtp ") {
            addr = a.parse().ok();
        }
        if line.starts_with("maildir ") {
            break;
        }
    }
    let addr = addr.ok_or("mailroom serve printed no listener")?;
    Ok(Peer { name, child, addr })
}

fn aiosmtpd_peer(root: &Path) -> Result<Peer, String> {
    let addr = free_port()?;
    let mut cmd = Command::new(root.join("target/bench-venv/bin/python"));
    cmd.args(["-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l"])
        .arg(addr.to_string());
    listening("aiosmtpd (Sink handler)", cmd, addr)
}

fn smtp_sink_peer() -> Result<Peer, String> {
    let addr = free_port()?;
    let mut cmd = Command::new("smtp-sink");
    if install::is_root() {
        // smtp-sink refuses to run as root without a user to switch to.
        cmd.args(["-u", "postfix"]);
    }
    cmd.arg(addr.to_string()).arg("1000");
    listening("postfix smtp-sink", cmd, addr)
}

/// Starts a reference server on `addr` and waits until it accepts connections.
fn listening(name: &'static str, mut cmd: Command, addr: SocketAddr) -> Result<Peer, String> {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {name}: {e}"))?;
    let peer = Peer { name, child, addr };
    wait_listening(&peer)?;
    Ok(peer)
}

/// Messages per second, over the whole smtp-source run.
fn smtp_source(peer: &Peer) -> Result<f64, String> {
    let start = Instant::now();
    let out = Command::new("smtp-source")
        .args([
            "-s",
            &SESSIONS.to_string(),
            "-m",
            &MESSAGES.to_string(),
            "-d",
        ])
        .args([
            "-f",
            "sender@example.com",
            "-t",
            "rcpt@example.com",
            "-M",
            "client.example",
        ])
        .arg(peer.addr.to_string())
        .output()
        .map_err(|e| format!("smtp-source: {e}"))?;
    let took = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "smtp-source against {} failed: {}",
            peer.name,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(f64::from(MESSAGES) / took)
}

fn free_port() -> Result<SocketAddr, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    l.local_addr().map_err(|e| e.to_string())
}

fn wait_listening(peer: &Peer) -> Result<(), String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if TcpStream::connect(peer.addr).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!(
        "{} did not start listening on {}",
        peer.name, peer.addr
    ))
}

/// Resident set size from /proc (kB).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
