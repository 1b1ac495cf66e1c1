//! RFC 5322 / MIME / RFC 2047 parser and linter (see DESIGN.md section 3).
#![forbid(unsafe_code)]
