//! Rules that need more than one field or the SMTP envelope.
pub(crate) mod envelope;
pub(crate) mod fields;
