//! `cargo xtask bench` and `cargo xtask fuzz`.

use crate::{bundle, install, load, run};
use std::process::ExitCode;

pub fn bench_all() -> Result<ExitCode, String> {
    install::setup_web()?;
    let root = run::root();
    run::status(run::command("cargo").args([
        "bench",
        "-p",
        "mailroom-smtp",
        "--bench",
        "session",
    ]))?;
    run::status(run::command("cargo").args([
        "bench",
        "-p",
        "mailroom-message",
        "--bench",
        "lint",
    ]))?;
    // The validator in the browser (issue 4: a 100 KB message <= 5 ms): the timing test of
    // tests/wasm.rs, optimised as the page is, with its printed figure shown.
    install::chromium()?;
    run::status(install::in_chromium(run::command("cargo").args([
        "test",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "mailroom-message",
        "--test",
        "wasm",
        "lint_100kb_message_time",
        "--",
        "--nocapture",
    ])))?;
    load::serve_load()?;
    crate::api::build()?;
    run::status(run::command("trunk").args(["build", "--release"]))?;
    let r = bundle::report(&root.join("dist"))?;
    println!("\n{}", r.summary());
    Ok(if r.total <= bundle::LIMIT {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs each fuzz target for a fixed number of runs (default 20000) with nightly.
pub fn fuzz(args: &[String]) -> Result<ExitCode, String> {
    let runs = args.first().cloned().unwrap_or_else(|| "20000".into());
    if run::probe("cargo", &["fuzz", "--version"]).is_none() {
        println!("[install] cargo-fuzz");
        run::status(run::command("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let root = run::root();
    // (fuzz dir, target, seed inputs read besides its own corpus): the validator starts
    // from the shared test messages, since mail-shaped input reaches deeper than bytes.
    let targets = [
        ("crates/smtp/fuzz", "command", None),
        ("crates/smtp/fuzz", "path", None),
        ("crates/smtp/fuzz", "session", None),
        ("crates/message/fuzz", "lint", Some("../shared/corpus")),
    ];
    for (dir, target, seeds) in targets {
        // Its own corpus first: libFuzzer keeps what it finds there.
        let own = format!("{dir}/corpus/{target}");
        std::fs::create_dir_all(root.join(&own)).map_err(|e| format!("{own}: {e}"))?;
        let mut corpora = vec![own];
        corpora.extend(seeds.filter(|s| root.join(s).is_dir()).map(String::from));
        run::status(
            run::command("cargo")
                .args(["+nightly", "fuzz", "run", target, "--fuzz-dir", dir])
                .args(&corpora)
                .arg("--")
                .arg(format!("-runs={runs}")),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
