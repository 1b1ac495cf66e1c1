//! The syntax layer: command lines, paths and parameters, parsed without any session state.

pub mod command;
pub mod param;
pub mod path;

pub use command::{parse_command, Command, CommandError, Leniency, Strictness, Verb};
pub use param::Param;
pub use path::{Domain, ForwardPath, Mailbox, PathError, ReversePath};
