//! The playground's panels, one module each.

pub mod terminal;
