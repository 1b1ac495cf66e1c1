//! `mailroom serve`: the sans-IO core on real TCP sockets (tokio), with real STARTTLS
//! (rustls) and deliveries into a Maildir.

mod connection;
mod maildir;
mod tls;

use clap::Args;
use connection::Shared;
use mailroom_smtp::{Config, Mode};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// A real SMTP/LMTP test server from the same core as the playground.
///
/// Listens on 127.0.0.1:2525 (SMTP) unless told otherwise; another address only when given.
/// Each accepted message is written to the Maildir once per recipient (tmp/, fsync, rename
/// into new/) before the 250 that acknowledges it; a failed write answers 452 4.3.1.
/// STARTTLS uses a self-signed certificate made at start (rcgen) unless --tls-cert/--tls-key
/// name one. AUTH PLAIN/LOGIN checks the config's [[users]] and is offered only inside TLS
/// unless --allow-insecure-auth. SIGINT/SIGTERM: stop accepting, let transactions in flight
/// finish (421 4.3.2 to idle clients), exit when all connections are gone or after
/// --shutdown-grace seconds.
///
/// The config file is the TOML of `mailroom session --help`.
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ServeArgs {
    /// SMTP listener address (repeatable); port 0 picks a free port. Default 127.0.0.1:2525
    /// when no --smtp or --lmtp is given.
    #[arg(long, value_name = "ADDR")]
    smtp: Vec<SocketAddr>,
    /// LMTP listener address (repeatable), RFC 2033.
    #[arg(long, value_name = "ADDR")]
    lmtp: Vec<SocketAddr>,
    /// Start from a profile: gmail, microsoft, hornetsecurity, foo-edu, rfc821, lmtp, everything.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// TOML configuration (see `mailroom session --help`); overrides the profile.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where deliveries go (created when missing: tmp/, new/, cur/).
    #[arg(long, value_name = "DIR", default_value = "Maildir")]
    maildir: PathBuf,
    /// Accept and discard every message, writing nothing (like Postfix's smtp-sink): for
    /// load tests. The 250 then means "received", not "stored".
    #[arg(long, conflicts_with = "maildir")]
    discard: bool,
    /// STARTTLS certificate chain (PEM); with --tls-key. Default: self-signed at start.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Write the generated self-signed certificate (PEM) here, so clients can trust it.
    #[arg(long, value_name = "FILE", conflicts_with = "tls_cert")]
    save_cert: Option<PathBuf>,
    /// Offer AUTH without TLS too (passwords in the clear: for tests only).
    #[arg(long)]
    allow_insecure_auth: bool,
    /// Seconds to wait for a command (RFC 5321 4.5.3.2.7; default from the config: 300).
    #[arg(long, value_name = "SECS")]
    command_timeout: Option<u64>,
    /// Seconds to wait for the next block of message content (RFC 5321 4.5.3.2.5: 180).
    #[arg(long, value_name = "SECS")]
    data_timeout: Option<u64>,
    /// Connections served at once; one more gets 421 and is closed.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    max_connections: usize,
    /// One JSON Lines trace per connection (every event) in this folder.
    #[arg(long, value_name = "DIR")]
    trace_dir: Option<PathBuf>,
    /// Seconds that transactions in flight get after SIGINT/SIGTERM.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    shutdown_grace: u64,
    /// No line per connection on stderr.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: &ServeArgs) -> ExitCode {
    // One thread: sessions are cheap next to the socket work (the kernel's share is ~70%
    // under load), and a single-threaded loop avoids cross-thread wake-ups; storing runs
    // on tokio's blocking threads, so an fsync never stalls the other connections.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mailroom serve: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailroom serve: {e}");
            ExitCode::from(2)
        }
    }
}

/// More connections than this would need more descriptors than a process gets anyway.
const MAX_CONNECTIONS: usize = 1_000_000;

fn server_config(args: &ServeArgs) -> Result<Config, String> {
    let mut config = crate::config::load(args.profile.as_deref(), args.config.as_deref(), false)?;
    if args.allow_insecure_auth {
        config.policy.auth_requires_tls = false;
    }
    if let Some(s) = args.command_timeout {
        config.limits.command_timeout_ms = s.saturating_mul(1000);
    }
    if let Some(s) = args.data_timeout {
        config.limits.data_timeout_ms = s.saturating_mul(1000);
    }
    if !(1..=MAX_CONNECTIONS).contains(&args.max_connections) {
        return Err(format!(
            "--max-connections: {} is not between 1 and {MAX_CONNECTIONS}",
            args.max_connections
        ));
    }
    Ok(config)
}

async fn serve(args: &ServeArgs) -> Result<(), String> {
    let config = server_config(args)?;
    // 1,000 connections need more descriptors than the usual soft limit of 1,024 allows.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let maildir = if args.discard {
        None
    } else {
        Some(
            maildir::Maildir::open(&args.maildir, &config.hostname)
                .map_err(|e| format!("--maildir {}: {e}", args.maildir.display()))?,
        )
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => tls::from_files(c, k)?,
        _ => tls::self_signed(&config.hostname)?,
    };
    if let (Some(path), Some(pem)) = (&args.save_cert, &tls.generated_pem) {
        std::fs::write(path, pem).map_err(|e| format!("--save-cert {}: {e}", path.display()))?;
    }
    if let Some(dir) = &args.trace_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("--trace-dir {}: {e}", dir.display()))?;
    }
    let mut smtp = args.smtp.clone();
    if smtp.is_empty() && args.lmtp.is_empty() {
        smtp.push(SocketAddr::from(([127, 0, 0, 1], 2525)));
    }
    // Each listener speaks its own protocol whatever the profile says (`lmtp` is LMTP).
    let (mut smtp_config, mut lmtp_config) = (config.clone(), config);
    smtp_config.mode = Mode::Smtp;
    lmtp_config.mode = Mode::Lmtp;
    let shared_for = |config: Config| {
        Arc::new(Shared {
            config,
            maildir: maildir.clone(),
            tls: Some(tls.acceptor.clone()),
            trace_dir: args.trace_dir.clone(),
            started_ms: crate::trace::now_ms(),
            quiet: args.quiet,
        })
    };
    let (smtp_shared, lmtp_shared) = (shared_for(smtp_config), shared_for(lmtp_config));
    let mut listeners = Vec::new();
    let mut ready = Vec::new();
    for (addrs, shared) in [(&smtp, &smtp_shared), (&args.lmtp, &lmtp_shared)] {
        for addr in addrs {
            let l = TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            let local = l.local_addr().map_err(|e| e.to_string())?;
            let proto = if shared.config.mode == Mode::Lmtp {
                "lmtp"
            } else {
                "smtp"
            };
            ready.push(format!("listening {proto} {local}"));
            listeners.push((l, shared.clone()));
        }
    }
    if let Some(path) = &args.save_cert {
        ready.push(format!("certificate {}", path.display()));
    }
    // The last line says the server is ready: scripts read the chosen ports up to it.
    ready.push(match &maildir {
        Some(m) => format!("maildir {}", m.root().display()),
        None => "maildir none (--discard)".to_owned(),
    });
    // Signal handlers first: a script may send SIGTERM as soon as it reads the ready line.
    let signals = Signals::install()?;
    announce(&ready);

    let (stop_tx, stop_rx) = watch::channel(false);
    let slots = Arc::new(Semaphore::new(args.max_connections));
    let mut accepting = tokio::task::JoinSet::new();
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    for (listener, shared) in listeners {
        accepting.spawn(accept_loop(
            listener,
            shared,
            slots.clone(),
            stop_rx.clone(),
            counter.clone(),
        ));
    }
    signals.wait().await;
    eprintln!("mailroom serve: shutting down: no new connections, finishing transactions");
    let _ = stop_tx.send(true);
    accepting.shutdown().await;
    // Every slot back means every connection is gone (at most MAX_CONNECTIONS: fits u32).
    let all = u32::try_from(args.max_connections).unwrap_or(u32::MAX);
    let grace = Duration::from_secs(args.shutdown_grace);
    match tokio::time::timeout(grace, slots.acquire_many(all)).await {
        Ok(_) => eprintln!("mailroom serve: all connections closed"),
        Err(_) => eprintln!(
            "mailroom serve: grace period over; closing {} connection(s)",
            args.max_connections - slots.available_permits()
        ),
    }
    Ok(())
}

/// Startup lines on stdout; a reader that went away must not bring the server down.
fn announce(lines: &[String]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    slots: Arc<Semaphore>,
    stop: watch::Receiver<bool>,
    counter: Arc<std::sync::atomic::AtomicU64>,
) {
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // EMFILE and friends: back off instead of spinning.
                eprintln!("mailroom serve: accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let number = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let permit = slots.clone().try_acquire_owned().ok();
        let busy = permit.is_none();
        let (shared, stop) = (shared.clone(), stop.clone());
        tokio::spawn(async move {
            connection::serve(tcp, number, shared, stop, busy).await;
            drop(permit);
        });
    }
}

/// SIGINT and SIGTERM, both meaning "shut down gracefully".
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> Result<Signals, String> {
        use tokio::signal::unix::{signal, SignalKind};
        let int = signal(SignalKind::interrupt()).map_err(|e| format!("SIGINT handler: {e}"))?;
        let term = signal(SignalKind::terminate()).map_err(|e| format!("SIGTERM handler: {e}"))?;
        Ok(Signals { int, term })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }
}
