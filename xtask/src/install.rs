//! Idempotent installs of the offline web toolchain (see TOOLCHAIN.md in shared/ and the
//! README). Each step checks, says what it does, and on failure says how to do it by hand.

use crate::run;
use std::path::Path;

pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen and the wasm-opt crate fail on table.fill; npm's 132 works.
pub const WASM_OPT_VERSION: &str = "version 132";

/// Everything `serve` needs.
pub fn setup_web() -> Result<(), String> {
    wasm_target()?;
    trunk()?;
    wasm_bindgen_cli()?;
    npm_packages()?;
    // Not an install: downloads only what Cargo.lock names and the cache lacks.
    println!("[fetch] crates for the offline Trunk build");
    run::status(run::command("cargo").arg("fetch"))
}

/// Everything `test` needs.
pub fn setup_all() -> Result<(), String> {
    setup_web()?;
    chromium()?;
    mail_clients()?;
    Ok(())
}

fn wasm_target() -> Result<(), String> {
    let installed = run::probe("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return ok("rust target wasm32-unknown-unknown");
    }
    step(
        "rust target wasm32-unknown-unknown",
        &["rustup", "target", "add", "wasm32-unknown-unknown"],
    )
}

fn trunk() -> Result<(), String> {
    let v = run::probe("trunk", &["--version"]).unwrap_or_default();
    if v.trim() == format!("trunk {TRUNK_VERSION}") {
        return ok(&format!("trunk {TRUNK_VERSION}"));
    }
    println!("(compiling trunk takes about 12 minutes on 2 cores; it happens once)");
    step(
        &format!("trunk {TRUNK_VERSION} (0.22 needs a newer rustc)"),
        &[
            "cargo",
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ],
    )
}

/// The version pinned in the workspace manifest: crate, CLI and test runner must agree.
pub fn wasm_bindgen_version() -> Result<String, String> {
    let manifest = std::fs::read_to_string(run::root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    manifest
        .lines()
        .find_map(|l| {
            let l = l.trim();
            l.strip_prefix("wasm-bindgen = \"=")
                .and_then(|r| r.strip_suffix('"'))
                .map(str::to_owned)
        })
        .ok_or_else(|| "Cargo.toml must pin wasm-bindgen = \"=X.Y.Z\"".to_owned())
}

fn wasm_bindgen_cli() -> Result<(), String> {
    let want = wasm_bindgen_version()?;
    let have = run::probe("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = run::probe("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str())
        && runner.split_whitespace().nth(1) == Some(want.as_str())
    {
        return ok(&format!("wasm-bindgen-cli {want}"));
    }
    println!("(compiling wasm-bindgen-cli takes about 5 minutes; it happens once)");
    // Not --locked: the registry index here lacks the webpki-roots its lockfile names.
    step(
        &format!("wasm-bindgen-cli {want}"),
        &[
            "cargo",
            "install",
            "wasm-bindgen-cli",
            "--version",
            &want,
            "--force",
        ],
    )
}

fn npm_packages() -> Result<(), String> {
    let root = run::root();
    let opt = run::probe("wasm-opt", &["--version"]).unwrap_or_default();
    let present = ["playwright-core/package.json", "axe-core/axe.min.js"]
        .iter()
        .all(|p| root.join("node_modules").join(p).exists());
    if opt.contains(WASM_OPT_VERSION) && present && lock_is_current(&root) {
        return ok("npm packages (binaryen 132, playwright-core, axe-core) in ./node_modules");
    }
    step(
        "npm packages from package-lock.json (binaryen 132, playwright-core, axe-core) into ./node_modules",
        &["npm", "ci", "--no-audit", "--no-fund"],
    )
}

/// npm writes node_modules/.package-lock.json; reinstall when the committed lock is newer.
fn lock_is_current(root: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&root.join("package-lock.json")),
        modified(&root.join("node_modules/.package-lock.json")),
    ) {
        (Some(lock), Some(installed)) => installed >= lock,
        _ => false,
    }
}

pub fn chromium() -> Result<(), String> {
    apt(
        "chromium and chromium-driver (Debian)",
        &["/usr/bin/chromium", "/usr/bin/chromedriver"],
        &["chromium", "chromium-driver"],
    )
}

/// Points a `cargo test --target wasm32-unknown-unknown` at the driver [`chromium`]
/// installs (wasm-bindgen-test-runner then runs the tests in headless Chromium).
pub fn in_chromium(c: &mut std::process::Command) -> &mut std::process::Command {
    c.env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
}

/// Real mail clients the `serve` tests start: swaks (pipelining), curl (smtp:// upload),
/// and openssl to make a certificate to pass by path.
/// Python's smtplib comes with python3.
pub fn mail_clients() -> Result<(), String> {
    apt(
        "swaks, curl and openssl (Debian)",
        &["/usr/bin/swaks", "/usr/bin/curl", "/usr/bin/openssl"],
        &["swaks", "curl", "openssl"],
    )
}

/// The load benchmark's peers: Postfix's smtp-source / smtp-sink, and aiosmtpd (PyPI) in
/// a virtualenv under target/.
pub fn bench_peers() -> Result<(), String> {
    if !Path::new("/usr/sbin/smtp-source").exists() {
        // "No configuration": install the programs without setting up a mail system.
        let sudo = if is_root() { "" } else { "sudo " };
        let seed = format!(
            "echo 'postfix postfix/main_mailer_type select No configuration' | {sudo}debconf-set-selections"
        );
        step("postfix debconf answer", &["sh", "-c", &seed])?;
    }
    apt(
        "postfix (smtp-source, smtp-sink; Debian)",
        &["/usr/sbin/smtp-source", "/usr/sbin/smtp-sink"],
        &["postfix"],
    )?;
    let venv = run::root().join("target/bench-venv");
    let python = venv.join("bin/python");
    let has = run::probe(
        python.to_str().unwrap_or("python3"),
        &["-c", "import aiosmtpd; print(aiosmtpd.__version__)"],
    );
    if has.is_some_and(|v| v.trim() == AIOSMTPD_VERSION) {
        return ok(&format!("aiosmtpd {AIOSMTPD_VERSION} (target/bench-venv)"));
    }
    let venv_s = venv.display().to_string();
    step(
        "python virtualenv target/bench-venv",
        &["python3", "-m", "venv", &venv_s],
    )?;
    let pin = format!("aiosmtpd=={AIOSMTPD_VERSION}");
    let pip = venv.join("bin/pip").display().to_string();
    step(
        &format!("aiosmtpd {AIOSMTPD_VERSION} (PyPI)"),
        &[&pip, "install", "-q", &pin],
    )
}

pub const AIOSMTPD_VERSION: &str = "1.4.6";

/// Debian packages, installed when any of `present` is missing; the index is refreshed
/// once per run.
fn apt(what: &str, present: &[&str], packages: &[&str]) -> Result<(), String> {
    if present.iter().all(|p| Path::new(p).exists()) {
        return ok(what);
    }
    static UPDATED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    if UPDATED.get().is_none() {
        let mut update = sudo.to_vec();
        update.extend(["apt-get", "update"]);
        step("apt package index", &update)?;
        let _ = UPDATED.set(());
    }
    let mut install = sudo.to_vec();
    install.extend(["apt-get", "install", "-y", "--no-install-recommends"]);
    install.extend(packages);
    step(what, &install)
}

pub fn is_root() -> bool {
    run::probe("id", &["-u"]).is_some_and(|s| s.trim() == "0")
}

fn ok(what: &str) -> Result<(), String> {
    println!("[ok] {what}: present");
    Ok(())
}

/// Installs one thing; on failure explains how to run the step by hand.
fn step(what: &str, argv: &[&str]) -> Result<(), String> {
    println!("[install] {what}");
    let mut c = run::command(argv[0]);
    c.args(&argv[1..]);
    if argv[0] == "apt-get" || argv.get(1) == Some(&"apt-get") {
        c.env("DEBIAN_FRONTEND", "noninteractive");
    }
    run::status(&mut c).map_err(|e| {
        format!(
            "installing {what} failed: {e}\n  to run this step by hand: cd {} && {}",
            run::root().display(),
            argv.join(" ")
        )
    })
}
