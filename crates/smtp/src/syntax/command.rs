//! SMTP/LMTP command lines (RFC 5321 4.1.1, 4.1.2 and the extension RFCs).
//!
//! The parser knows grammar only; whether a command or parameter is allowed *now*
//! (state, advertised extensions) is the session's business.

use super::param::{parse_params, Param};
use super::path::{parse_path, strip_prefix_ci, ForwardPath, PathError, ReversePath};
use serde::Serialize;

/// Command verbs, including the obsolete ones that must be answered 502.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verb {
    Ehlo,
    Helo,
    Lhlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
    Etrn,
    /// TURN, SEND, SOML, SAML: recognized, never implemented (RFC 5321 4.2.4 / F).
    Obsolete,
}

impl Verb {
    pub fn from_word(word: &str) -> Option<Verb> {
        const TABLE: &[(&str, Verb)] = &[
            ("EHLO", Verb::Ehlo),
            ("HELO", Verb::Helo),
            ("LHLO", Verb::Lhlo),
            ("MAIL", Verb::Mail),
            ("RCPT", Verb::Rcpt),
            ("DATA", Verb::Data),
            ("BDAT", Verb::Bdat),
            ("RSET", Verb::Rset),
            ("NOOP", Verb::Noop),
            ("QUIT", Verb::Quit),
            ("VRFY", Verb::Vrfy),
            ("EXPN", Verb::Expn),
            ("HELP", Verb::Help),
            ("STARTTLS", Verb::StartTls),
            ("AUTH", Verb::Auth),
            ("ETRN", Verb::Etrn),
            ("TURN", Verb::Obsolete),
            ("SEND", Verb::Obsolete),
            ("SOML", Verb::Obsolete),
            ("SAML", Verb::Obsolete),
        ];
        TABLE
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
            .map(|&(_, v)| v)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Ehlo => "EHLO",
            Verb::Helo => "HELO",
            Verb::Lhlo => "LHLO",
            Verb::Mail => "MAIL",
            Verb::Rcpt => "RCPT",
            Verb::Data => "DATA",
            Verb::Bdat => "BDAT",
            Verb::Rset => "RSET",
            Verb::Noop => "NOOP",
            Verb::Quit => "QUIT",
            Verb::Vrfy => "VRFY",
            Verb::Expn => "EXPN",
            Verb::Help => "HELP",
            Verb::StartTls => "STARTTLS",
            Verb::Auth => "AUTH",
            Verb::Etrn => "ETRN",
            Verb::Obsolete => "TURN",
        }
    }

    /// Commands after which a pipelining client must wait for the reply
    /// (RFC 2920 3.1: EHLO, DATA, VRFY, EXPN, TURN, QUIT, NOOP; and AUTH, STARTTLS, which
    /// change the session). LHLO and HELO behave like EHLO.
    pub fn ends_group(self) -> bool {
        matches!(
            self,
            Verb::Ehlo
                | Verb::Helo
                | Verb::Lhlo
                | Verb::Data
                | Verb::Vrfy
                | Verb::Expn
                | Verb::Obsolete
                | Verb::Quit
                | Verb::Noop
                | Verb::StartTls
                | Verb::Auth
        )
    }

    /// The grammar shown in hints and syntax errors.
    pub fn syntax(self) -> &'static str {
        match self {
            Verb::Ehlo => "EHLO SP ( Domain / address-literal )",
            Verb::Helo => "HELO SP Domain",
            Verb::Lhlo => "LHLO SP ( Domain / address-literal )",
            Verb::Mail => "MAIL FROM:<reverse-path> [SP Mail-parameters]",
            Verb::Rcpt => "RCPT TO:<forward-path> [SP Rcpt-parameters]",
            Verb::Data => "DATA",
            Verb::Bdat => "BDAT SP chunk-size [SP LAST]",
            Verb::Rset => "RSET",
            Verb::Noop => "NOOP [SP String]",
            Verb::Quit => "QUIT",
            Verb::Vrfy => "VRFY SP String",
            Verb::Expn => "EXPN SP String",
            Verb::Help => "HELP [SP String]",
            Verb::StartTls => "STARTTLS",
            Verb::Auth => "AUTH SP mechanism [SP initial-response]",
            Verb::Etrn => "ETRN SP [ \"@\" / \"#\" ] node",
            Verb::Obsolete => "(obsolete command)",
        }
    }
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verb", rename_all = "UPPERCASE")]
pub enum Command {
    Ehlo {
        domain: String,
    },
    Helo {
        domain: String,
    },
    Lhlo {
        domain: String,
    },
    Mail {
        path: ReversePath,
        params: Vec<Param>,
    },
    Rcpt {
        path: ForwardPath,
        params: Vec<Param>,
    },
    Data,
    Bdat {
        size: u64,
        last: bool,
    },
    Rset,
    Noop,
    Quit,
    Vrfy {
        arg: String,
    },
    Expn {
        arg: String,
    },
    Help {
        topic: Option<String>,
    },
    StartTls,
    Auth {
        mechanism: String,
        initial: Option<String>,
    },
    Etrn {
        node: String,
    },
    Obsolete {
        word: String,
    },
}

impl Command {
    pub fn verb(&self) -> Verb {
        match self {
            Command::Ehlo { .. } => Verb::Ehlo,
            Command::Helo { .. } => Verb::Helo,
            Command::Lhlo { .. } => Verb::Lhlo,
            Command::Mail { .. } => Verb::Mail,
            Command::Rcpt { .. } => Verb::Rcpt,
            Command::Data => Verb::Data,
            Command::Bdat { .. } => Verb::Bdat,
            Command::Rset => Verb::Rset,
            Command::Noop => Verb::Noop,
            Command::Quit => Verb::Quit,
            Command::Vrfy { .. } => Verb::Vrfy,
            Command::Expn { .. } => Verb::Expn,
            Command::Help { .. } => Verb::Help,
            Command::StartTls => Verb::StartTls,
            Command::Auth { .. } => Verb::Auth,
            Command::Etrn { .. } => Verb::Etrn,
            Command::Obsolete { .. } => Verb::Obsolete,
        }
    }
}

/// What went wrong, flat (as smtp-proto does), with the grammar that was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// The line is empty or the verb is unknown: 500.
    Unrecognized { word: String },
    /// Arguments do not match `expected`: 501.
    Syntax {
        verb: Verb,
        expected: &'static str,
        detail: String,
    },
    /// Space before or after the colon of MAIL FROM: / RCPT TO: (strict reading).
    SpaceAroundColon { verb: Verb },
    /// A path without angle brackets (strict reading).
    MissingBrackets { verb: Verb },
    /// The path is there but is not a valid mailbox: 501 5.1.7 / 5.1.3.
    BadPath { verb: Verb, error: PathError },
}

/// How strictly to read the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// RFC 5321 as written (the default of a teaching tool).
    Strict,
    /// What Postfix and aiosmtpd accept: spaces around the colon, missing brackets.
    Lenient,
}

/// Something a lenient parse accepted that the strict grammar would not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leniency {
    SpaceAroundColon,
    MissingBrackets,
}

/// Parses one command line (without its CRLF).
pub fn parse_command(
    line: &str,
    strictness: Strictness,
) -> Result<(Command, Vec<Leniency>), CommandError> {
    let (word, rest) = match line.find(' ') {
        Some(i) => (&line[..i], Some(&line[i + 1..])),
        None => (line, None),
    };
    let verb = Verb::from_word(word).ok_or_else(|| CommandError::Unrecognized {
        word: word.chars().take(32).collect(),
    })?;
    let mut lenient = Vec::new();
    let syntax = |detail: &str| CommandError::Syntax {
        verb,
        expected: verb.syntax(),
        detail: detail.to_owned(),
    };
    let no_args = |cmd: Command| match rest {
        None => Ok(cmd),
        Some(_) => Err(syntax("this command takes no arguments")),
    };
    let cmd = match verb {
        Verb::Ehlo | Verb::Lhlo | Verb::Helo => {
            let arg = rest.map(str::trim_end).unwrap_or_default();
            if arg.is_empty() || arg.contains(' ') {
                return Err(syntax("expected exactly one argument: the client's domain"));
            }
            let domain_ok = if arg.starts_with('[') {
                verb != Verb::Helo && super::path::check_address_literal(arg).is_ok()
            } else {
                super::path::check_domain(arg).is_ok()
            };
            if !domain_ok {
                return Err(syntax(
                    "the argument is not a valid domain or address literal",
                ));
            }
            let domain = arg.to_owned();
            match verb {
                Verb::Ehlo => Command::Ehlo { domain },
                Verb::Lhlo => Command::Lhlo { domain },
                _ => Command::Helo { domain },
            }
        }
        Verb::Mail | Verb::Rcpt => {
            let keyword = if verb == Verb::Mail { "FROM:" } else { "TO:" };
            let bare_kw = &keyword[..keyword.len() - 1];
            let rest = rest.ok_or_else(|| syntax("missing FROM:/TO:"))?;
            let after = match strip_prefix_ci(rest, keyword) {
                Some(after) => after,
                None => {
                    // "FROM :<x>" or "FROM: <x>" handled below; anything else is a syntax error.
                    let kw = strip_prefix_ci(rest, bare_kw)
                        .ok_or_else(|| syntax(&format!("expected \"{keyword}\"")))?;
                    let after = kw
                        .trim_start_matches(' ')
                        .strip_prefix(':')
                        .ok_or_else(|| syntax(&format!("expected \"{keyword}\"")))?;
                    if strictness == Strictness::Strict {
                        return Err(CommandError::SpaceAroundColon { verb });
                    }
                    lenient.push(Leniency::SpaceAroundColon);
                    after
                }
            };
            let after = if after.starts_with(' ') {
                if strictness == Strictness::Strict {
                    return Err(CommandError::SpaceAroundColon { verb });
                }
                if !lenient.contains(&Leniency::SpaceAroundColon) {
                    lenient.push(Leniency::SpaceAroundColon);
                }
                after.trim_start_matches(' ')
            } else {
                after
            };
            let (path_text, params_text) = split_path(after);
            let path_text = if path_text.starts_with('<') {
                path_text.to_owned()
            } else {
                if strictness == Strictness::Strict || path_text.is_empty() {
                    return Err(CommandError::MissingBrackets { verb });
                }
                lenient.push(Leniency::MissingBrackets);
                format!("<{path_text}>")
            };
            let params = match params_text {
                Some(p) => parse_params(p).map_err(|d| syntax(&d))?,
                None => Vec::new(),
            };
            if verb == Verb::Mail {
                let path = if path_text == "<>" {
                    ReversePath::Null
                } else {
                    ReversePath::Mailbox(
                        parse_path(&path_text)
                            .map_err(|error| CommandError::BadPath { verb, error })?,
                    )
                };
                Command::Mail { path, params }
            } else {
                // `<...>` around it (a missing '>' is parse_path's BadPath below).
                let inner = path_text
                    .strip_prefix('<')
                    .and_then(|s| s.strip_suffix('>'));
                let path = if inner.is_some_and(|i| i.eq_ignore_ascii_case("postmaster")) {
                    ForwardPath::Postmaster
                } else {
                    ForwardPath::Mailbox(
                        parse_path(&path_text)
                            .map_err(|error| CommandError::BadPath { verb, error })?,
                    )
                };
                Command::Rcpt { path, params }
            }
        }
        Verb::Data => no_args(Command::Data)?,
        Verb::Rset => no_args(Command::Rset)?,
        Verb::Quit => no_args(Command::Quit)?,
        Verb::StartTls => no_args(Command::StartTls)?,
        Verb::Noop => Command::Noop,
        Verb::Help => Command::Help {
            topic: rest
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        },
        Verb::Vrfy | Verb::Expn => {
            let arg = rest
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| syntax("missing argument"))?
                .to_owned();
            if verb == Verb::Vrfy {
                Command::Vrfy { arg }
            } else {
                Command::Expn { arg }
            }
        }
        Verb::Bdat => {
            let rest = rest.ok_or_else(|| syntax("missing chunk size"))?;
            let mut parts = rest.split(' ');
            let size_text = parts.next().unwrap_or_default();
            if size_text.is_empty() || !size_text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax("chunk-size is 1*DIGIT"));
            }
            let size: u64 = size_text
                .parse()
                .map_err(|_| syntax("chunk-size is too large"))?;
            let last = match parts.next() {
                None => false,
                Some(w) if w.eq_ignore_ascii_case("LAST") => true,
                Some(_) => return Err(syntax("the only end-marker is LAST")),
            };
            if parts.next().is_some() {
                return Err(syntax("too many arguments"));
            }
            Command::Bdat { size, last }
        }
        Verb::Auth => {
            let rest = rest.ok_or_else(|| syntax("missing mechanism"))?;
            let mut parts = rest.split(' ');
            let mechanism = parts.next().unwrap_or_default();
            if mechanism.is_empty()
                || !mechanism
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(syntax("mechanism is a SASL mechanism name"));
            }
            let initial = parts.next().map(str::to_owned);
            if parts.next().is_some() {
                return Err(syntax("too many arguments"));
            }
            Command::Auth {
                mechanism: mechanism.to_ascii_uppercase(),
                initial,
            }
        }
        Verb::Etrn => {
            let node = rest
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| syntax("missing node name"))?;
            let name = node.trim_start_matches(['@', '#']);
            if super::path::check_domain(name).is_err() {
                return Err(syntax(
                    "node is a domain name, optionally prefixed by @ or #",
                ));
            }
            Command::Etrn {
                node: node.to_owned(),
            }
        }
        Verb::Obsolete => Command::Obsolete {
            word: word.to_ascii_uppercase(),
        },
    };
    Ok((cmd, lenient))
}

/// Splits `<path> SP params` at the closing bracket (a quoted local part may hold spaces).
fn split_path(s: &str) -> (&str, Option<&str>) {
    if s.starts_with('<') {
        let mut in_quotes = false;
        let mut escaped = false;
        for (i, c) in s.char_indices() {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '\\' if in_quotes => escaped = true,
                '"' => in_quotes = !in_quotes,
                '>' if !in_quotes => {
                    let rest = &s[i + 1..];
                    return (&s[..=i], if rest.is_empty() { None } else { Some(rest) });
                }
                _ => {}
            }
        }
        (s, None)
    } else {
        match s.find(' ') {
            Some(i) => (&s[..i], Some(&s[i..])),
            None => (s, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(line: &str) -> Result<Command, CommandError> {
        parse_command(line, Strictness::Strict).map(|(c, _)| c)
    }

    #[test]
    fn the_talks_commands() {
        assert_eq!(
            strict("EHLO host.foo.edu"),
            Ok(Command::Ehlo {
                domain: "host.foo.edu".into()
            })
        );
        assert!(matches!(
            strict("MAIL FROM:<chris@foo.edu>"),
            Ok(Command::Mail { .. })
        ));
        assert!(matches!(
            strict("rcpt to:<pat@bar.com>"),
            Ok(Command::Rcpt { .. })
        ));
        assert_eq!(strict("DATA"), Ok(Command::Data));
        assert_eq!(strict("QUIT"), Ok(Command::Quit));
    }

    #[test]
    fn strict_and_lenient_readings() {
        for line in ["MAIL FROM: <a@b.example>", "MAIL FROM :<a@b.example>"] {
            assert_eq!(
                strict(line),
                Err(CommandError::SpaceAroundColon { verb: Verb::Mail })
            );
            let (cmd, why) = parse_command(line, Strictness::Lenient).expect("lenient accepts");
            assert!(matches!(cmd, Command::Mail { .. }));
            assert_eq!(why, vec![Leniency::SpaceAroundColon]);
        }
        assert_eq!(
            strict("RCPT TO:a@b.example"),
            Err(CommandError::MissingBrackets { verb: Verb::Rcpt })
        );
        assert!(parse_command("RCPT TO:a@b.example", Strictness::Lenient).is_ok());
    }

    #[test]
    fn parameters_and_special_paths() {
        match strict("MAIL FROM:<> SIZE=1000 BODY=8BITMIME") {
            Ok(Command::Mail { path, params }) => {
                assert_eq!(path, ReversePath::Null);
                assert_eq!(params.len(), 2);
                assert_eq!(params[0].keyword, "SIZE");
                assert_eq!(params[0].value.as_deref(), Some("1000"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            strict("RCPT TO:<Postmaster>"),
            Ok(Command::Rcpt {
                path: ForwardPath::Postmaster,
                ..
            })
        ));
        assert!(matches!(
            strict("RCPT TO:<\"a b\"@example.com> NOTIFY=NEVER"),
            Ok(Command::Rcpt { .. })
        ));
        // two spaces before a parameter: RFC 5321 wants exactly one SP
        assert!(matches!(
            strict("MAIL FROM:<a@b.example>  SIZE=10"),
            Err(CommandError::Syntax { .. })
        ));
    }

    #[test]
    fn errors_name_the_expected_syntax() {
        assert_eq!(
            strict("FOO bar"),
            Err(CommandError::Unrecognized { word: "FOO".into() })
        );
        assert!(
            matches!(strict("EHLO"), Err(CommandError::Syntax { verb: Verb::Ehlo, expected, .. }) if expected.contains("Domain"))
        );
        assert!(matches!(
            strict("DATA now"),
            Err(CommandError::Syntax { .. })
        ));
        assert!(matches!(strict("BDAT x"), Err(CommandError::Syntax { .. })));
        assert_eq!(
            strict("BDAT 0 LAST"),
            Ok(Command::Bdat {
                size: 0,
                last: true
            })
        );
        assert!(matches!(strict("TURN"), Ok(Command::Obsolete { .. })));
        assert!(matches!(
            strict("MAIL FROM:<bad..dot@x.example>"),
            Err(CommandError::BadPath {
                verb: Verb::Mail,
                ..
            })
        ));
    }
}
