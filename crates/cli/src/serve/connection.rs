//! One client connection: socket bytes into the sans-IO session, its replies back out,
//! deliveries into the Maildir before the reply that acknowledges them.

use super::maildir::Maildir;
use crate::trace::{json_line, now_ms};
use mailroom_smtp::{Config, Event, Mode, Session};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// What every connection of a listener shares.
pub struct Shared {
    pub config: Config,
    /// None with --discard: messages are acknowledged and dropped.
    pub maildir: Option<Maildir>,
    pub tls: Option<TlsAcceptor>,
    pub trace_dir: Option<PathBuf>,
    /// When the server started (ms since the epoch), for trace file names.
    pub started_ms: u64,
    pub quiet: bool,
}

/// The socket, before or after STARTTLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Gone,
}

impl Stream {
    async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf).await,
            Stream::Tls(s) => s.read(buf).await,
            Stream::Gone => Ok(0),
        }
    }

    async fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(bytes).await,
            Stream::Tls(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
            Stream::Gone => Ok(()),
        }
    }

    async fn shutdown(&mut self) {
        let _ = match self {
            Stream::Plain(s) => s.shutdown().await,
            Stream::Tls(s) => s.shutdown().await,
            Stream::Gone => Ok(()),
        };
    }
}

/// Why a connection ended, for the log line.
#[derive(Debug)]
enum End {
    Closed,
    ClientGone,
    Io(String),
}

/// Serves one connection until the session closes, the client goes, or I/O fails.
pub async fn serve(
    tcp: TcpStream,
    number: u64,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    busy: bool,
) {
    let peer = tcp
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| "unknown".into());
    let mut config = shared.config.clone();
    if let Ok(addr) = tcp.peer_addr() {
        config.client.addr = addr.ip().to_string();
        config.client.name = if addr.ip().is_loopback() {
            "localhost".into()
        } else {
            "unknown".into()
        };
    }
    config.policy.simulate_tls = false;
    config.policy.external_delivery = true;
    let proto = if config.mode == Mode::Lmtp {
        "lmtp"
    } else {
        "smtp"
    };
    let _ = tcp.set_nodelay(true);
    let trace = shared.trace_dir.as_ref().and_then(|dir| {
        // Named by the server's start time too, so a restarted server never overwrites.
        let name = format!(
            "{}-{number:06}-{}.jsonl",
            shared.started_ms,
            peer.replace([':', '[', ']'], "_")
        );
        match std::fs::File::create(dir.join(&name)) {
            Ok(f) => Some(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("mailroom serve: conn {number}: cannot write trace {name}: {e}");
                None
            }
        }
    });
    let mut session = if busy {
        Session::new_busy(config, now_ms())
    } else {
        Session::new(config, now_ms())
    };
    let mut stream = Stream::Plain(tcp);
    let mut driver = Driver {
        shared: &shared,
        trace,
        deliveries: 0,
        number,
    };
    let end = driver.run(&mut session, &mut stream, &mut shutdown).await;
    // TLS close_notify is a write too: bounded like the others.
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.shutdown()).await;
    if let Some(t) = driver.trace.as_mut() {
        let _ = t.flush();
    }
    if !shared.quiet {
        eprintln!(
            "mailroom serve: {proto} conn {number} from {peer}: {} deliveries, {}",
            driver.deliveries,
            match end {
                End::Closed => "closed".to_owned(),
                End::ClientGone => "client disconnected".to_owned(),
                End::Io(e) => format!("I/O error: {e}"),
            }
        );
    }
}

struct Driver<'a> {
    shared: &'a Shared,
    trace: Option<std::io::BufWriter<std::fs::File>>,
    deliveries: u64,
    number: u64,
}

impl Driver<'_> {
    async fn run(
        &mut self,
        session: &mut Session,
        stream: &mut Stream,
        shutdown: &mut watch::Receiver<bool>,
    ) -> End {
        let mut buf = vec![0u8; 16 * 1024];
        let mut draining = false;
        loop {
            let mut start_tls = false;
            let mut close = false;
            while let Some(event) = session.poll_event() {
                if let Some(t) = self.trace.as_mut() {
                    let _ = writeln!(t, "{}", json_line(&event, now_ms()));
                }
                match event {
                    Event::Delivered(d) => {
                        let stored = self.store(d, session.flags().lmtp).await;
                        session.handle_delivery(now_ms(), &stored);
                    }
                    Event::StartTls => start_tls = true,
                    Event::Close => close = true,
                    _ => {}
                }
            }
            if let Some(bytes) = session.poll_transmit() {
                // A client that never reads must not hold the connection forever.
                let limit = Duration::from_millis(session.config().limits.command_timeout_ms);
                match tokio::time::timeout(limit, stream.write_all(&bytes)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return End::Io(e.to_string()),
                    Err(_) => return End::Io("the client stopped reading replies".into()),
                }
            }
            if close || session.is_closed() {
                return End::Closed;
            }
            if start_tls {
                if let Err(e) = self.handshake(session, stream).await {
                    return End::Io(e);
                }
                session.handle_tls_established(now_ms());
                continue;
            }
            if !draining && *shutdown.borrow() {
                draining = true;
                session.handle_shutdown(now_ms());
                continue;
            }
            let deadline = session.poll_timeout();
            let sleep = async {
                match deadline {
                    Some(at) => {
                        let wait = at.saturating_sub(now_ms());
                        tokio::time::sleep(Duration::from_millis(wait)).await
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                read = stream.read(&mut buf) => match read {
                    Ok(0) => return End::ClientGone,
                    Ok(n) => session.handle_input(now_ms(), &buf[..n]),
                    Err(e) => return End::Io(e.to_string()),
                },
                () = sleep => session.handle_timeout(now_ms()),
                _ = shutdown.changed(), if !draining => {}
            }
        }
    }

    /// Writes one file per delivered recipient, off the async threads (fsync blocks).
    async fn store(&mut self, delivery: mailroom_smtp::Delivery, lmtp: bool) -> Vec<bool> {
        let Some(maildir) = self.shared.maildir.clone() else {
            let n = delivery.recipients.iter().filter(|r| r.delivered).count();
            self.deliveries += n as u64;
            return delivery.recipients.iter().map(|r| r.delivered).collect();
        };
        let number = self.number;
        let result = tokio::task::spawn_blocking(move || {
            let out = maildir.store(&delivery, !lmtp);
            out.into_iter()
                .map(|slot| match slot {
                    Some(Ok(_)) => true,
                    Some(Err(e)) => {
                        eprintln!("mailroom serve: conn {number}: delivery failed: {e}");
                        false
                    }
                    None => false,
                })
                .collect::<Vec<bool>>()
        })
        .await;
        let stored = result.unwrap_or_default();
        self.deliveries += stored.iter().filter(|s| **s).count() as u64;
        stored
    }

    async fn handshake(&mut self, session: &Session, stream: &mut Stream) -> Result<(), String> {
        let Some(acceptor) = self.shared.tls.clone() else {
            return Err("STARTTLS without a certificate".into());
        };
        let Stream::Plain(tcp) = std::mem::replace(stream, Stream::Gone) else {
            return Err("STARTTLS inside TLS".into());
        };
        let limit = Duration::from_millis(session.config().limits.command_timeout_ms);
        match tokio::time::timeout(limit, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => {
                *stream = Stream::Tls(Box::new(tls));
                Ok(())
            }
            Ok(Err(e)) => Err(format!("TLS handshake: {e}")),
            Err(_) => Err("TLS handshake timed out".into()),
        }
    }
}
