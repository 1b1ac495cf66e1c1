//! `cargo xtask setup|serve|test|bench|fuzz`: the only place where tools get installed.
//!
//! Every install step checks first and installs only what is missing, prints what it does,
//! and on failure prints the command so it can be run by hand (see TOOLCHAIN in README).

mod api;
mod bench;
mod bundle;
mod install;
mod layers;
mod load;
mod run;
mod static_server;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup   install every tool the project needs (idempotent)
  serve   install the web tools, then `trunk serve` on http://127.0.0.1:8080/
  test    install everything, then run every test layer:
          fmt, clippy, host tests, wasm tests (headless Chromium), release build,
          end-to-end tests (Playwright + Chromium), bundle-size report
  bench   benchmarks, `mailroom serve` under load and the bundle-size report, printing
          figures (`bench serve`: only the server load run)
  fuzz    run the cargo-fuzz targets for a fixed number of runs (nightly)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => install::setup_all().map(|_| ExitCode::SUCCESS),
        Some("serve") => serve(),
        Some("test") => layers::test_all(),
        Some("bench") if args.get(1).map(String::as_str) == Some("serve") => {
            load::serve_load().map(|_| ExitCode::SUCCESS)
        }
        Some("bench") => bench::bench_all(),
        Some("fuzz") => bench::fuzz(&args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("xtask: unknown command \"{other}\"\n");
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
        None => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve() -> Result<ExitCode, String> {
    install::setup_web()?;
    api::build()?;
    let root = run::root();
    println!("\nMailroom playground: http://127.0.0.1:8080/  (Ctrl-C to stop)\n");
    // No autoreload / error-reporting scripts: Trunk injects them inline, and the page's
    // Content-Security-Policy refuses inline scripts. Reload the page by hand after a change.
    let status = run::command("trunk")
        .args([
            "serve",
            "--address",
            "127.0.0.1",
            "--port",
            "8080",
            "--no-autoreload",
            "--no-error-reporting",
        ])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("could not start trunk: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
