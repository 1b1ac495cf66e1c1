//! `cargo xtask test`: every test layer in order, then a summary. A layer fails when its
//! command fails or when it ran no test.

use crate::{bundle, install, run, static_server};
use std::process::ExitCode;

struct Layer {
    name: &'static str,
    ok: bool,
    passed: u64,
    failed: u64,
    note: String,
}

pub fn test_all() -> Result<ExitCode, String> {
    install::setup_all()?;
    let root = run::root();
    let mut layers: Vec<Layer> = Vec::new();

    layers.push(plain(
        "fmt",
        run::command("cargo").args(["fmt", "--all", "--", "--check"]),
    ));
    let clippy_host = plain(
        "clippy",
        run::command("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
    let clippy_wasm = plain(
        "clippy (wasm)",
        run::command("cargo").args([
            "clippy",
            "-p",
            "mailroom-web",
            "-p",
            "mailroom-smtp",
            "-p",
            "mailroom-message",
            "-p",
            "mailroom-js",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]),
    );
    layers.push(merge("clippy", clippy_host, clippy_wasm));
    layers.push(counted(
        "host tests",
        run::command("cargo").args(["test", "--workspace"]),
    ));

    let mut wasm = run::command("cargo");
    wasm.args([
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "mailroom-smtp",
        "-p",
        "mailroom-message",
        "--test",
        "wasm",
    ]);
    layers.push(counted(
        "wasm tests (Chromium)",
        crate::install::in_chromium(&mut wasm),
    ));

    let release = match crate::api::build() {
        Ok(()) => plain(
            "release build",
            run::command("trunk").args(["build", "--release"]),
        ),
        Err(e) => failed("release build", format!("the JS API module: {e}")),
    };
    let release_ok = release.ok;
    layers.push(release);

    if release_ok {
        let server = static_server::start(&root.join("dist"))?;
        let mut e2e = run::command("node");
        e2e.args(["--test", "--test-reporter=tap", "tests/e2e/"])
            .env("BASE_URL", server.url())
            .env(
                "E2E_ARTIFACTS",
                root.join("target/e2e").display().to_string(),
            );
        layers.push(counted("e2e (Playwright, Chromium)", &mut e2e));
        drop(server);
        layers.push(match bundle::report(&root.join("dist")) {
            Ok(r) => Layer {
                name: "bundle size",
                ok: r.total <= bundle::LIMIT,
                passed: 0,
                failed: 0,
                note: r.summary(),
            },
            Err(e) => failed("bundle size", e),
        });
    } else {
        layers.push(failed(
            "e2e (Playwright, Chromium)",
            "skipped: no release build".into(),
        ));
        layers.push(failed("bundle size", "skipped: no release build".into()));
    }

    println!("\n================ summary ================");
    let mut all_ok = true;
    let (mut passed, mut failed_n) = (0, 0);
    for l in &layers {
        all_ok &= l.ok;
        passed += l.passed;
        failed_n += l.failed;
        println!(
            "{:<28} {:<5} {}",
            l.name,
            if l.ok { "ok" } else { "FAIL" },
            l.note
        );
    }
    println!("{passed} passed, {failed_n} failed");
    Ok(if all_ok && failed_n == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn plain(name: &'static str, c: &mut std::process::Command) -> Layer {
    println!("\n==> {name}");
    match run::status(c) {
        Ok(()) => Layer {
            name,
            ok: true,
            passed: 0,
            failed: 0,
            note: String::new(),
        },
        Err(e) => failed(name, e),
    }
}

fn merge(name: &'static str, a: Layer, b: Layer) -> Layer {
    Layer {
        name,
        ok: a.ok && b.ok,
        passed: 0,
        failed: 0,
        note: [a.note, b.note].join(" ").trim().to_owned(),
    }
}

fn failed(name: &'static str, note: String) -> Layer {
    Layer {
        name,
        ok: false,
        passed: 0,
        failed: 0,
        note,
    }
}

/// Runs a test command and counts what it reports (cargo's and node's TAP summaries).
fn counted(name: &'static str, c: &mut std::process::Command) -> Layer {
    println!("\n==> {name}");
    let (ok, out) = run::tee(c);
    let (passed, failed_n) = count_tests(&out);
    let ran_none = passed + failed_n == 0;
    Layer {
        name,
        ok: ok && failed_n == 0 && !ran_none,
        passed,
        failed: failed_n,
        note: if ran_none {
            "ran no test".into()
        } else {
            format!("{passed} passed, {failed_n} failed")
        },
    }
}

/// Sums `test result: ok. N passed; M failed` (cargo, wasm-bindgen-test) and `# pass N` /
/// `# fail M` (node --test).
pub fn count_tests(out: &str) -> (u64, u64) {
    let (mut p, mut f) = (0, 0);
    for line in out.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split(';') {
                let words: Vec<&str> = part.split_whitespace().collect();
                match words.as_slice() {
                    [.., n, "passed"] => p += n.parse::<u64>().unwrap_or(0),
                    [n, "failed"] => f += n.parse::<u64>().unwrap_or(0),
                    _ => {}
                }
            }
        } else if let Some(n) = line.strip_prefix("# pass ") {
            p += n.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(n) = line.strip_prefix("# fail ") {
            f += n.trim().parse::<u64>().unwrap_or(0);
        }
    }
    (p, f)
}

#[cfg(test)]
mod tests {
    use super::count_tests;

    #[test]
    fn counts_cargo_and_node_summaries() {
        let out = "test result: ok. 23 passed; 0 failed; 0 ignored\n\
                   test result: FAILED. 1 passed; 2 failed; 0 ignored\n# pass 3\n# fail 1\n";
        assert_eq!(count_tests(out), (27, 3));
        assert_eq!(count_tests("nothing here"), (0, 0));
    }
}
