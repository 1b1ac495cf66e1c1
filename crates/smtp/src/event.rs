//! What a session tells its driver: replies, transitions, warnings, deliveries.

use crate::reply::Reply;
use crate::rules::Rule;
use crate::state::State;
use serde::Serialize;

/// A notice that does not change the reply (a lenient acceptance, a normalized bare LF,
/// 8-bit data without BODY=8BITMIME under the warn policy, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub rule: &'static str,
    pub rfc: &'static str,
    pub explain_en: &'static str,
    pub explain_ja: &'static str,
    /// What happened here, in English and Japanese (the explanations are the rule's).
    pub detail: String,
    pub detail_ja: String,
}

impl Warning {
    pub(crate) fn new(rule: Rule, detail: impl Into<String>, detail_ja: impl Into<String>) -> Self {
        Warning {
            rule: rule.id(),
            rfc: rule.rfc(),
            explain_en: rule.en(),
            explain_ja: rule.ja(),
            detail: detail.into(),
            detail_ja: detail_ja.into(),
        }
    }
}

/// The result for one recipient of a delivered message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientResult {
    pub address: String,
    /// Code of the reply for this recipient (SMTP: the single reply's code).
    pub code: u16,
    pub delivered: bool,
}

/// A message the server took responsibility for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: String,
    pub reverse_path: String,
    pub recipients: Vec<RecipientResult>,
    /// The message as stored: trace fields prepended to the received content.
    #[serde(serialize_with = "lossy")]
    pub data: Vec<u8>,
    /// The `with` protocol of the Received field (RFC 3848).
    pub with: &'static str,
    /// BODY= of the transaction.
    pub body: &'static str,
    pub smtputf8: bool,
}

fn lossy<S: serde::Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(data))
}

/// Output events, in the order they happened. Poll them with `Session::poll_event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A command line as received (AUTH exchange lines included), for transcripts.
    Command {
        line: String,
    },
    /// The DATA content or a BDAT chunk was received (its size in octets).
    Content {
        octets: u64,
        chunk: bool,
    },
    Reply(Reply),
    Transition {
        from: State,
        to: State,
        /// The command (or event) that caused it, e.g. "MAIL FROM:<a@b>".
        cause: String,
        rule: &'static str,
        rfc: &'static str,
    },
    Warning(Warning),
    Delivered(Delivery),
    /// RFC 2920: the command just answered ends a group; the server flushes its replies and
    /// the client must wait for them before sending more.
    GroupEnd,
    /// The driver should start the TLS handshake now (real TLS only; simulated TLS
    /// completes by itself).
    StartTls,
    /// The session is over; the driver closes the connection.
    Close,
}
