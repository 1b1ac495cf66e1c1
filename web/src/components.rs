//! The playground's panels, one module each.

#[cfg(feature = "validator")]
pub mod compose;
pub mod diagram;
pub mod envelope;
pub mod mailboxes;
pub mod scenarios;
pub mod settings;
pub mod share;
pub mod terminal;
#[cfg(feature = "validator")]
pub mod validator;
