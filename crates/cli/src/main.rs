//! `mailroom`: the Mailroom core on the command line.

mod config;
mod lint;
mod serve;
mod session;
mod trace;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "mailroom",
    version,
    about = "SMTP/LMTP playground and mail linter on the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Lint messages (RFC 5322, MIME, RFC 2047): a CI gate for outgoing mail.
    Lint(lint::LintArgs),
    /// The simulated server on stdin/stdout, raw bytes both ways (like `sendmail -bs`).
    Session(session::SessionArgs),
    /// A real SMTP/LMTP test server on TCP (127.0.0.1 by default), deliveries to a Maildir.
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Lint(args) => lint::run(&args),
        Cmd::Session(args) => session::run(&args),
        Cmd::Serve(args) => serve::run(&args),
    }
}
