//! `mailroom lint`: check messages against RFC 5322 / MIME / RFC 2047 (and, given an
//! envelope, RFC 5321 / 6152 / 6531) and print the findings.
//!
//! ```text
//! mailroom lint [--format text|json|github] [--lang en|ja] [--fail-on error|warning|info]
//!               [--mail-from A] [--rcpt-to B ...] [--body 7BIT|8BITMIME|BINARYMIME]
//!               [--smtputf8] FILE...|-
//! ```
//!
//! `-` reads standard input. Giving any of `--mail-from`, `--rcpt-to`, `--body`,
//! `--smtputf8` turns on the envelope rules (`8bit-without-8bitmime`,
//! `smtputf8-required`, `envelope-header-mismatch`); `--body` defaults to 7BIT then.
//!
//! Exit status: 0 when no file has an error-severity finding, 1 when at least one does,
//! 2 on usage or I/O errors (an unreadable file; the other files are still checked).
//! `--fail-on warning` (or `info`) makes findings of that severity or worse fail too: a
//! gate for mail to strict receivers, some of which reject what is only a warning here
//! (a message without Message-ID).
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
//! `--lang ja` prints the messages, hints and summary in Japanese; without it the
//! locale decides (the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set: Japanese
//! when it starts with `ja` and names UTF-8 or no codeset). The
//! `file:line:col: severity[rule]` prefix and the `= help:` label stay as they are, so
//! tools that read the output work in either language. JSON always carries both
//! languages.
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
//! Diagnostics are sorted by byte range (start, then end), then rule id. New fields may be
//! added; existing ones keep their names and meaning.

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
    /// GitHub Actions workflow commands: each finding an annotation on its line.
    Github,
}

/// The lowest severity that fails the check (exit status 1).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    /// Whether a finding of severity `s` fails the check.
    fn fails(self, s: Severity) -> bool {
        let worst_allowed = match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        };
        // Severity orders error < warning < info.
        s <= worst_allowed
    }
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

/// The language of text output.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    /// The locale's language: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and
    /// not empty (POSIX precedence) decides; Japanese when it starts with "ja" and names
    /// no codeset other than UTF-8 (the output is UTF-8: `ja_JP.eucJP` gets English rather
    /// than text its terminal would garble).
    fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(&var)
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        let codeset = locale
            .split_once('.')
            .map(|(_, c)| c.split('@').next().unwrap_or(c).to_ascii_lowercase());
        let utf8 = codeset.is_none_or(|c| c == "utf-8" || c == "utf8");
        if locale.starts_with("ja") && utf8 {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::Ja if !ja.is_empty() => ja,
            _ => en,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Output format: text (rustc style), json (stable schema, see `mailroom lint --help`)
    /// or github (GitHub Actions annotations).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Language of text output (messages, hints, summary); default: from the locale
    /// (LC_ALL, LC_MESSAGES, LANG). JSON has both.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// The lowest severity that fails the check (exit status 1).
    #[arg(
        long = "fail-on",
        value_enum,
        default_value = "error",
        value_name = "SEVERITY"
    )]
    pub fail_on: FailOn,
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
            // The decoded view is never printed.
            findings_only: true,
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

/// What JSON output keeps of one checked file.
struct Checked {
    name: String,
    diagnostics: Vec<Diagnostic>,
    suppressed: Vec<Suppressed>,
}

impl Checked {
    fn from_report(name: String, r: Report) -> Self {
        Checked {
            name,
            diagnostics: r.diagnostics,
            suppressed: r.suppressed,
        }
    }
    fn count(&self, s: Severity) -> usize {
        mailroom_message::diag::count(&self.diagnostics, s)
    }
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
    let lang = args.lang.unwrap_or_else(|| {
        Lang::from_env(|k| std::env::var_os(k).map(|v| v.to_string_lossy().into_owned()))
    });
    let mut any_failing = false;
    // JSON keeps only each file's diagnostics (the run builds no decoded view), so memory
    // does not grow with the inputs.
    let mut reports: Vec<Checked> = Vec::new();
    let mut io_errors: Vec<JsonIoError> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for path in &args.files {
        let name = path.display().to_string();
        match read_input(path) {
            Ok(bytes) => {
                let report = lint(&bytes, &opts);
                any_failing |= report
                    .diagnostics
                    .iter()
                    .any(|d| args.fail_on.fails(d.severity));
                match args.format {
                    // Text is streamed file by file, so large inputs are not all kept.
                    Format::Text | Format::Github => {
                        let write: WriteFile = if args.format == Format::Text {
                            write_text
                        } else {
                            write_github
                        };
                        if write(&mut out, &name, &bytes, &report, lang).is_err() {
                            return ExitCode::from(2);
                        }
                    }
                    Format::Json => reports.push(Checked::from_report(name, report)),
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
            .map(|c| JsonFile {
                file: c.name.clone(),
                errors: c.count(Severity::Error),
                warnings: c.count(Severity::Warning),
                infos: c.count(Severity::Info),
                diagnostics: c.diagnostics.iter().map(json_diag).collect(),
                suppressed: &c.suppressed,
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
    } else if any_failing {
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

/// "msg.eml: 1 error, 2 warnings, 0 notes", or in Japanese.
fn summary(name: &str, r: &Report, lang: Lang) -> String {
    let infos = mailroom_message::diag::count(&r.diagnostics, Severity::Info);
    let (e, w) = (r.errors(), r.warnings());
    let mut s = match lang {
        Lang::En => format!(
            "{name}: {}, {}, {}",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings"),
            plural(infos, "note", "notes")
        ),
        Lang::Ja => format!("{name}: エラー {e} 件、警告 {w} 件、情報 {infos} 件"),
    };
    for x in &r.suppressed {
        s.push_str(&match lang {
            Lang::En => format!(" ({})", x.message()),
            Lang::Ja => format!("（{}）", x.message_ja()),
        });
    }
    s
}

/// Characters of source shown around the caret at most.
const WINDOW: usize = 120;

/// How a streamed format writes one file's findings and summary.
type WriteFile = fn(&mut dyn Write, &str, &[u8], &Report, Lang) -> std::io::Result<()>;

/// The finding's message in the output language, printable: messages may quote the
/// input, so no raw control or BIDI character reaches the terminal, and the line stays
/// one line for tools that parse it.
fn message(d: &Diagnostic, lang: Lang) -> String {
    printable(lang.pick(&d.message, &d.message_ja).as_bytes())
}

fn write_text(
    w: &mut dyn Write,
    name: &str,
    bytes: &[u8],
    r: &Report,
    lang: Lang,
) -> std::io::Result<()> {
    for d in &r.diagnostics {
        writeln!(
            w,
            "{name}:{}:{}: {}[{}]: {}",
            d.line,
            d.column,
            d.severity.as_str(),
            d.rule,
            message(d, lang)
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
        writeln!(w, "  = help: {}", lang.pick(d.hint, d.hint_ja))?;
    }
    writeln!(w, "{}", summary(name, r, lang))
}

/// GitHub Actions annotations (workflow commands), one line per finding, then the
/// summary line: `::warning file=F,line=2,col=31,title=address-whitespace::message
/// (RFC 5321 4.1.2). hint`. Notes are `::notice`. The column counts characters, as
/// GitHub does (the other formats count bytes).
fn write_github(
    w: &mut dyn Write,
    name: &str,
    bytes: &[u8],
    r: &Report,
    lang: Lang,
) -> std::io::Result<()> {
    for d in &r.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let text = format!(
            "{} ({}). {}",
            message(d, lang),
            d.rfc,
            lang.pick(d.hint, d.hint_ja)
        );
        writeln!(
            w,
            "::{level} file={},line={},col={},title={}::{}",
            github_escape(name, true),
            d.line,
            char_column(bytes, d),
            github_escape(d.rule, true),
            github_escape(&text, false)
        )?;
    }
    writeln!(w, "{}", summary(name, r, lang))
}

/// A workflow command's escaping (as GitHub's actions/toolkit does): `%`, CR and LF in
/// the message, and also `:` and `,` in a property.
fn github_escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// The 1-based column of a diagnostic in characters (lossy UTF-8) rather than bytes.
fn char_column(bytes: &[u8], d: &Diagnostic) -> usize {
    let start = d.start.min(bytes.len());
    let line_start = start.saturating_sub((d.column as usize).saturating_sub(1));
    let before = bytes.get(line_start..start).unwrap_or(&[]);
    String::from_utf8_lossy(before).chars().count() + 1
}

/// The diagnostic's line as printable text, the caret's column in that text (terminal
/// columns), and the caret's length. Only a window around the range is converted, so a
/// 100 MB line costs a few hundred bytes here; the range is widened to whole characters.
fn source_excerpt(bytes: &[u8], d: &Diagnostic) -> (String, usize, usize) {
    let start = d.start.min(bytes.len());
    let line_start = bytes
        .get(..start)
        .and_then(|s| memchr::memrchr(b'\n', s))
        .map_or(0, |p| p + 1);
    let line_end = bytes
        .get(start..)
        .and_then(|s| memchr::memchr(b'\n', s))
        .map_or(bytes.len(), |p| start + p);
    let line_end = if line_end > line_start && bytes.get(line_end - 1) == Some(&b'\r') {
        line_end - 1
    } else {
        line_end
    };
    let is_cont = |p: usize| bytes.get(p).is_some_and(|&b| b & 0xC0 == 0x80);
    // Widen to character boundaries (at most 3 continuation bytes each way).
    let mut start = start.min(line_end);
    for _ in 0..3 {
        if start > line_start && is_cont(start) {
            start -= 1;
        }
    }
    let mut end = d.end.clamp(start, line_end.max(start));
    for _ in 0..3 {
        if end < line_end && is_cont(end) {
            end += 1;
        }
    }
    // Byte windows: 4 bytes per character at most, cut at character boundaries.
    let mut from = start.saturating_sub(4 * WINDOW / 2).max(line_start);
    while from < start && is_cont(from) {
        from += 1;
    }
    let inside_to = end.min(start + 4 * WINDOW);
    let mut after_to = (end + 4 * WINDOW).min(line_end);
    while after_to > end && is_cont(after_to) {
        after_to -= 1;
    }
    let before: Vec<char> = printable(bytes.get(from..start).unwrap_or(&[]))
        .chars()
        .collect();
    let inside: Vec<char> = printable(bytes.get(start..inside_to).unwrap_or(&[]))
        .chars()
        .collect();
    let after: Vec<char> = printable(bytes.get(end..after_to).unwrap_or(&[]))
        .chars()
        .collect();
    let mut prefix = String::new();
    let skip = before.len().saturating_sub(WINDOW / 2);
    if skip > 0 || from > line_start {
        prefix.push('…');
    }
    let before = before.get(skip..).unwrap_or(&[]);
    let caret_col = width(prefix.chars()) + width(before.iter().copied());
    let caret_len = width(inside.iter().copied().take(WINDOW)).max(1);
    let mut s: String = prefix;
    s.extend(before.iter());
    s.extend(inside.iter().take(WINDOW));
    let room = WINDOW.saturating_sub(inside.len().min(WINDOW));
    s.extend(after.iter().take(room));
    if after.len() > room || inside.len() > WINDOW || inside_to < end || after_to < line_end {
        s.push('…');
    }
    (s, caret_col, caret_len)
}

/// Terminal columns (Unicode East Asian Width: wide and fullwidth take two, combining
/// marks none).
fn width(chars: impl Iterator<Item = char>) -> usize {
    chars
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
}

/// Lossy UTF-8 with tabs shown as one space, and control and invisible format characters
/// (BIDI overrides and isolates, zero-width characters, line/paragraph separators) as
/// U+FFFD: what is shown is what was linted, and each shown char has its own width.
fn printable(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .chars()
        .map(|c| {
            if c == '\t' {
                ' '
            } else if c.is_control() || is_format(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Invisible characters that change how text around them is shown (Unicode category Cf
/// in the ranges that matter on a terminal, plus the two separators).
fn is_format(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x061C
            | 0x180E
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
    )
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn locale_precedence() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            Lang::from_env(move |k| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
        };
        assert_eq!(env(&[]), Lang::En);
        assert_eq!(env(&[("LANG", "ja_JP.UTF-8")]), Lang::Ja);
        assert_eq!(env(&[("LANG", "ja")]), Lang::Ja);
        assert_eq!(env(&[("LANG", "en_US.UTF-8")]), Lang::En);
        // LC_ALL, then LC_MESSAGES, then LANG; an empty one does not count.
        assert_eq!(env(&[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")]), Lang::En);
        assert_eq!(
            env(&[("LC_ALL", ""), ("LC_MESSAGES", "ja_JP"), ("LANG", "C")]),
            Lang::Ja
        );
        assert_eq!(
            env(&[("LC_MESSAGES", "C"), ("LANG", "ja_JP.UTF-8")]),
            Lang::En
        );
        // The output is UTF-8: another codeset gets English.
        assert_eq!(env(&[("LANG", "ja_JP.utf8")]), Lang::Ja);
        assert_eq!(env(&[("LANG", "ja_JP.UTF-8@cjknarrow")]), Lang::Ja);
        assert_eq!(env(&[("LANG", "ja_JP.eucJP")]), Lang::En);
        assert_eq!(env(&[("LANG", "ja_JP.SJIS")]), Lang::En);
    }
}
