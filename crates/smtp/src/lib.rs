//! Mailroom's protocol core: a sans-IO SMTP (RFC 5321) and LMTP (RFC 2033) server session.
//!
//! Layers, each its own module: [`framing`] (command lines, DATA, BDAT) -> [`syntax`]
//! (commands, paths, parameters) -> [`session`] (the state machine) -> [`config`] and
//! [`profile`] (policy). No I/O, no clock: bytes and time go in, events come out, so the
//! same code runs natively, behind a TCP socket and in the browser.
//!
//! ```
//! use mailroom_smtp::{profile, Event, Session};
//! let mut s = Session::new(profile::profile("foo-edu").unwrap(), 0);
//! s.handle_input(0, b"EHLO host.foo.edu\r\n");
//! let wire = String::from_utf8(s.poll_transmit().unwrap()).unwrap();
//! assert!(wire.starts_with("220 foo.edu SMTP server ready\r\n250-foo.edu\r\n"));
//! ```
#![forbid(unsafe_code)]

pub mod config;
pub mod event;
pub mod framing;
pub mod profile;
pub mod reply;
pub mod rules;
pub mod session;
pub mod state;
pub mod syntax;
pub mod trace;
pub mod transcript;

pub use config::{Config, Extension, Fault, MailboxState, Mode};
pub use event::{Delivery, Event, RecipientResult, Warning};
pub use reply::{Enhanced, Reply};
pub use rules::Rule;
pub use session::{Envelope, Hint, Session};
pub use state::{Body, Flags, State};
