//! `mailroom lint`: check messages against RFC 5322 / MIME / RFC 2047 (and, given an
//! envelope, RFC 5321 / 6152 / 6531) and print the findings.
//!
//! ```text
//! mailroom lint [--format text|json] [--mail-from A] [--rcpt-to B ...]
//!               [--body 7BIT|8BITMIME|BINARYMIME] [--smtputf8] FILE...|-
//! ```
//!
//! `-` reads standard input. Giving any of `--mail-from`, `--rcpt-to`, `--body`,
//! `--smtputf8` turns on the envelope rules (`8bit-without-8bitmime`,
//! `smtputf8-required`, `envelope-header-mismatch`); `--body` defaults to 7BIT then.
//!
//! Exit status: 0 when no file has an error-severity finding, 1 when at least one does,
//! 2 on usage or I/O errors (an unreadable file; the other files are still checked).
//!
//! Text output (rustc/clang style), one block per finding:
//!
//! ```text
//! msg.eml:2:31: warning[address-whitespace]: whitespace inside the address: ...
//!     2 | To: "Mr. Foo" <foo@example.com >
//!       |                               ^
//!   = RFC 5321 4.1.2
//!   = help: Remove spaces and comments inside the address: write <local@domain>.
//! ```
//!
//! followed by a summary line per file: `msg.eml: 1 error, 2 warnings, 0 notes`.
//!
//! JSON output (`--format json`), one document on stdout; schema version 1:
//!
//! ```json
//! {
//!   "version": 1,
//!   "files": [
//!     {
//!       "file": "msg.eml",               // as given on the command line; "-" for stdin
//!       "errors": 1, "warnings": 0, "infos": 0,
//!       "diagnostics": [
//!         {
//!           "rule": "missing-date",      // stable kebab-case id (DESIGN.md section 3)
//!           "severity": "error",         // "error" | "warning" | "info"
//!           "line": 12, "column": 1,     // 1-based; lines end at LF; column counts bytes
//!           "start": 493, "end": 493,    // byte range in the file [start, end)
//!           "rfc": "RFC 5322 3.6",       // RFC and section
//!           "message": "...", "message_ja": "...",
//!           "hint": "...", "hint_ja": "..."
//!         }
//!       ],
//!       "suppressed": [ { "rule": "line-too-long", "count": 12 } ]  // over the per-rule cap
//!     }
//!   ],
//!   "io_errors": [ { "file": "missing.eml", "error": "No such file or directory (os error 2)" } ]
//! }
//! ```
//!
//! Diagnostics are sorted by byte position. New fields may be added; existing ones keep
//! their names and meaning.

use mailroom_message::{
    lint, BodyType, Diagnostic, Envelope, LintOptions, Report, Severity, Suppressed,
};
use serde::Serialize;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// The SMTP BODY parameter of the envelope.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    #[value(name = "7BIT")]
    SevenBit,
    #[value(name = "8BITMIME")]
    EightBitMime,
    #[value(name = "BINARYMIME")]
    BinaryMime,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Output format: text (rustc style) or json (stable schema, see `mailroom lint --help`).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Envelope sender (MAIL FROM), e.g. chris@foo.edu; turns on the envelope rules.
    #[arg(long = "mail-from", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// Envelope recipient (RCPT TO); repeat for several.
    #[arg(long = "rcpt-to", value_name = "ADDRESS")]
    pub rcpt_to: Vec<String>,
    /// BODY parameter of MAIL FROM (default 7BIT when an envelope is given).
    #[arg(long, value_enum, ignore_case = true, value_name = "TYPE")]
    pub body: Option<Body>,
    /// MAIL FROM carried the SMTPUTF8 parameter.
    #[arg(long)]
    pub smtputf8: bool,
    /// Message files; '-' reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

impl LintArgs {
    fn options(&self) -> LintOptions {
        let any = self.mail_from.is_some()
            || !self.rcpt_to.is_empty()
            || self.body.is_some()
            || self.smtputf8;
        LintOptions {
            envelope: any.then(|| Envelope {
                mail_from: self.mail_from.clone().unwrap_or_default(),
                rcpt_to: self.rcpt_to.clone(),
                body: match self.body {
                    None | Some(Body::SevenBit) => BodyType::SevenBit,
                    Some(Body::EightBitMime) => BodyType::EightBitMime,
                    Some(Body::BinaryMime) => BodyType::BinaryMime,
                },
                smtputf8: self.smtputf8,
            }),
        }
    }
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    rule: &'a str,
    severity: Severity,
    line: u32,
    column: u32,
    start: usize,
    end: usize,
    rfc: &'a str,
    message: &'a str,
    message_ja: &'a str,
    hint: &'a str,
    hint_ja: &'a str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: String,
    errors: usize,
    warnings: usize,
    infos: usize,
    diagnostics: Vec<JsonDiag<'a>>,
    suppressed: &'a [Suppressed],
}

#[derive(Serialize)]
struct JsonIoError {
    file: String,
    error: String,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    io_errors: Vec<JsonIoError>,
}

fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut v = Vec::new();
        std::io::stdin().lock().read_to_end(&mut v)?;
        Ok(v)
    } else {
        std::fs::read(path)
    }
}

/// Runs the subcommand; see the module documentation for output and exit status.
pub fn run(args: &LintArgs) -> ExitCode {
    let opts = args.options();
    let mut any_errors = false;
    let mut reports: Vec<(String, Report)> = Vec::new();
    let mut io_errors: Vec<JsonIoError> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for path in &args.files {
        let name = path.display().to_string();
        match read_input(path) {
            Ok(bytes) => {
                let report = lint(&bytes, &opts);
                any_errors |= report.errors() > 0;
                match args.format {
                    // Text is streamed file by file, so large inputs are not all kept.
                    Format::Text => {
                        if write_text(&mut out, &name, &bytes, &report).is_err() {
                            return ExitCode::from(2);
                        }
                    }
                    Format::Json => reports.push((name, report)),
                }
            }
            Err(e) => {
                eprintln!("mailroom lint: {name}: {e}");
                io_errors.push(JsonIoError {
                    file: name,
                    error: e.to_string(),
                });
            }
        }
    }
    let had_io_errors = !io_errors.is_empty();
    if args.format == Format::Json {
        let files = reports
            .iter()
            .map(|(name, r)| JsonFile {
                file: name.clone(),
                errors: r.errors(),
                warnings: r.warnings(),
                infos: r
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Info)
                    .count(),
                diagnostics: r.diagnostics.iter().map(json_diag).collect(),
                suppressed: &r.suppressed,
            })
            .collect();
        let doc = JsonOut {
            version: 1,
            files,
            io_errors,
        };
        match serde_json::to_writer_pretty(&mut out, &doc) {
            Ok(()) => {
                let _ = writeln!(out);
            }
            Err(e) => {
                eprintln!("mailroom lint: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(2);
    }
    if had_io_errors {
        ExitCode::from(2)
    } else if any_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn json_diag(d: &Diagnostic) -> JsonDiag<'_> {
    JsonDiag {
        rule: d.rule,
        severity: d.severity,
        line: d.line,
        column: d.column,
        start: d.start,
        end: d.end,
        rfc: d.rfc,
        message: &d.message,
        message_ja: &d.message_ja,
        hint: d.hint,
        hint_ja: d.hint_ja,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Characters of source shown around the caret at most.
const WINDOW: usize = 120;

fn write_text(w: &mut impl Write, name: &str, bytes: &[u8], r: &Report) -> std::io::Result<()> {
    for d in &r.diagnostics {
        writeln!(
            w,
            "{name}:{}:{}: {}[{}]: {}",
            d.line,
            d.column,
            d.severity.as_str(),
            d.rule,
            d.message
        )?;
        let (src, caret_col, caret_len) = source_excerpt(bytes, d);
        let num = d.line.to_string();
        let pad = " ".repeat(num.len().max(4));
        writeln!(w, "{:>width$} | {src}", num, width = pad.len())?;
        writeln!(
            w,
            "{pad} | {}{}",
            " ".repeat(caret_col),
            "^".repeat(caret_len)
        )?;
        writeln!(w, "  = {}", d.rfc)?;
        writeln!(w, "  = help: {}", d.hint)?;
    }
    let infos = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .count();
    let mut summary = format!(
        "{name}: {}, {}, {}",
        plural(r.errors(), "error", "errors"),
        plural(r.warnings(), "warning", "warnings"),
        plural(infos, "note", "notes")
    );
    for s in &r.suppressed {
        summary.push_str(&format!(" ({} more {} not shown)", s.count, s.rule));
    }
    writeln!(w, "{summary}")
}

/// The diagnostic's line as printable text, the caret's column in that text (terminal
/// columns), and the caret's length.
fn source_excerpt(bytes: &[u8], d: &Diagnostic) -> (String, usize, usize) {
    let start = d.start.min(bytes.len());
    let line_start = bytes
        .get(..start)
        .and_then(|s| s.iter().rposition(|&b| b == b'\n'))
        .map_or(0, |p| p + 1);
    let line_end = bytes
        .get(start..)
        .and_then(|s| s.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |p| start + p);
    let line_end = if line_end > line_start && bytes.get(line_end - 1) == Some(&b'\r') {
        line_end - 1
    } else {
        line_end
    };
    let before = printable(bytes.get(line_start..start.min(line_end)).unwrap_or(&[]));
    let span_end = d.end.clamp(start, line_end.max(start));
    let inside = printable(bytes.get(start.min(line_end)..span_end).unwrap_or(&[]));
    let after = printable(bytes.get(span_end..line_end).unwrap_or(&[]));
    let (mut before, inside, after): (Vec<char>, Vec<char>, Vec<char>) = (
        before.chars().collect(),
        inside.chars().collect(),
        after.chars().collect(),
    );
    let mut prefix = String::new();
    if before.len() > WINDOW / 2 {
        before.drain(..before.len() - WINDOW / 2);
        prefix.push('…');
    }
    let caret_col = width(prefix.chars()) + width(before.iter().copied());
    let caret_len = width(inside.iter().copied().take(WINDOW)).max(1);
    let mut s: String = prefix;
    s.extend(before.iter());
    s.extend(inside.iter().take(WINDOW));
    let room = WINDOW.saturating_sub(inside.len().min(WINDOW));
    s.extend(after.iter().take(room));
    if after.len() > room || inside.len() > WINDOW {
        s.push('…');
    }
    (s, caret_col, caret_len)
}

/// Terminal columns of some chars: East Asian wide and fullwidth forms take two.
fn width(chars: impl Iterator<Item = char>) -> usize {
    chars
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// Lossy UTF-8 with tabs shown as one space and other controls as U+FFFD, so each shown
/// char takes one column and the caret lines up.
fn printable(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .chars()
        .map(|c| {
            if c == '\t' {
                ' '
            } else if c.is_control() {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}
