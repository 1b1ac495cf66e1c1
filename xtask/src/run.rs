//! Running commands with the project's tool folders on PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| here.to_path_buf())
}

/// Project-local, git-ignored npm folder (binaryen, playwright-core), from the committed
/// package-lock.json.
pub fn node_bin() -> PathBuf {
    root().join("node_modules").join(".bin")
}

/// PATH with cargo's bin folder and the local npm bins in front.
pub fn path_env() -> String {
    let mut parts: Vec<String> = vec![
        node_bin().display().to_string(),
        cargo_bin().display().to_string(),
    ];
    if let Ok(p) = std::env::var("PATH") {
        parts.push(p);
    }
    parts.join(":")
}

pub fn cargo_bin() -> PathBuf {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join(".cargo")
        });
    home.join("bin")
}

/// A command with PATH set up; runs in the workspace root.
pub fn command(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", path_env()).current_dir(root());
    c
}

/// Runs a command to completion, echoing it; output goes to the terminal.
pub fn status(c: &mut Command) -> Result<(), String> {
    println!("$ {}", describe(c));
    match c.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{}` failed ({s})", describe(c))),
        Err(e) => Err(format!("`{}` could not start: {e}", describe(c))),
    }
}

/// Runs a command, echoing its output while keeping a copy (to count tests).
pub fn tee(c: &mut Command) -> (bool, String) {
    println!("$ {}", describe(c));
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = match c.spawn() {
        Ok(ch) => ch,
        Err(e) => return (false, format!("could not start: {e}")),
    };
    let out = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => return (false, format!("could not wait: {e}")),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    print!("{text}");
    (out.status.success(), text)
}

/// Output of a quick probe command, if it ran successfully.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
