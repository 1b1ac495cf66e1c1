//! Shared state of one lint run.

use crate::diag::Sink;
use crate::Envelope;

pub(crate) struct Cx<'a> {
    pub buf: &'a [u8],
    pub sink: Sink,
    pub envelope: Option<&'a Envelope>,
    /// Start offsets of all lines beginning with "--", found once (memmem), so each
    /// multipart level only looks at candidate delimiter lines, not at every byte.
    pub dash_lines: Vec<usize>,
    /// First raw UTF-8 (non-ASCII) byte seen in any header.
    pub header_utf8: Option<usize>,
    /// Bodies with Content-Transfer-Encoding: binary (no line rules apply there).
    pub binary_ranges: Vec<(usize, usize)>,
}

impl<'a> Cx<'a> {
    pub fn new(buf: &'a [u8], envelope: Option<&'a Envelope>) -> Self {
        let mut dash_lines = Vec::new();
        if buf.starts_with(b"--") {
            dash_lines.push(0);
        }
        dash_lines.extend(memchr::memmem::find_iter(buf, b"\n--").map(|p| p + 1));
        Cx {
            buf,
            sink: Sink::default(),
            envelope,
            dash_lines,
            header_utf8: None,
            binary_ranges: Vec::new(),
        }
    }

    pub fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        self.buf.get(start..end.min(self.buf.len())).unwrap_or(&[])
    }
}
