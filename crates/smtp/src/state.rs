//! Session states and flags, and which transitions are legal.

use serde::Serialize;

/// Where the session is. Transitions go only through `Session::move_to`, which checks them
/// against [`State::can_move_to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum State {
    /// Greeting sent; waiting for EHLO/HELO/LHLO.
    Connected,
    /// Greeted; no transaction open.
    Greeted,
    /// MAIL accepted; waiting for RCPT.
    MailFrom,
    /// At least one RCPT accepted.
    RcptTo,
    /// After 354: receiving message content until CRLF.CRLF.
    Data,
    /// Inside a BDAT transfer (chunks and BDAT commands until BDAT LAST).
    Bdat,
    /// AUTH exchange: 334 challenges and base64 responses.
    AuthExchange,
    /// STARTTLS answered 220; the TLS handshake is in progress.
    TlsNegotiation,
    Closed,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Connected,
        State::Greeted,
        State::MailFrom,
        State::RcptTo,
        State::Data,
        State::Bdat,
        State::AuthExchange,
        State::TlsNegotiation,
        State::Closed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            State::Connected => "Connected",
            State::Greeted => "Greeted",
            State::MailFrom => "MailFrom",
            State::RcptTo => "RcptTo",
            State::Data => "Data",
            State::Bdat => "Bdat",
            State::AuthExchange => "AuthExchange",
            State::TlsNegotiation => "TlsNegotiation",
            State::Closed => "Closed",
        }
    }

    /// The legal edges of the state diagram (the UI draws exactly these).
    pub fn can_move_to(self, to: State) -> bool {
        use State::*;
        if to == Closed {
            return self != Closed;
        }
        matches!(
            (self, to),
            (Connected, Greeted)
                | (Greeted, Greeted)
                | (MailFrom, Greeted)
                | (RcptTo, Greeted)
                | (Bdat, Greeted)
                | (Data, Greeted)
                | (Greeted, MailFrom)
                | (MailFrom, RcptTo)
                | (RcptTo, Data)
                | (RcptTo, Bdat)
                | (Greeted, AuthExchange)
                | (AuthExchange, Greeted)
                | (Greeted, TlsNegotiation)
                | (TlsNegotiation, Connected)
        )
    }

    /// Every legal edge, for drawing the diagram.
    pub fn edges() -> Vec<(State, State)> {
        let mut out = Vec::new();
        for a in State::ALL {
            for b in State::ALL {
                if a != b && a.can_move_to(b) {
                    out.push((a, b));
                }
            }
        }
        out
    }
}

/// BODY= of the transaction (RFC 6152, RFC 3030).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Body {
    #[default]
    SevenBit,
    EightBitMime,
    BinaryMime,
}

impl Body {
    pub fn as_str(self) -> &'static str {
        match self {
            Body::SevenBit => "7BIT",
            Body::EightBitMime => "8BITMIME",
            Body::BinaryMime => "BINARYMIME",
        }
    }
}

/// Session flags shown next to the state diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Flags {
    /// Greeted with EHLO/LHLO (extensions in effect).
    pub esmtp: bool,
    pub lmtp: bool,
    pub tls: bool,
    pub authenticated: bool,
    /// ENHANCEDSTATUSCODES was advertised in the last EHLO/LHLO reply.
    pub enhanced: bool,
    pub body: Body,
    pub smtputf8: bool,
}
