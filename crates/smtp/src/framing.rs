//! The framing layer: turns the input byte stream into command lines, DATA bodies and BDAT
//! chunks. It never buffers more than one command line (plus the bytes the session has
//! not yet asked for), and it gives the same results however the input is chunked.

use memchr::memchr;

/// One complete command line, or the notice that one was too long.
#[derive(Debug, PartialEq, Eq)]
pub enum LineFrame {
    /// The line without its terminator. `bare_lf` when it ended in LF without CR.
    Line { bytes: Vec<u8>, bare_lf: bool },
    /// The line exceeded the limit; it was discarded through its terminator.
    TooLong,
}

/// Reads command lines with a length limit; an over-long line is discarded as it streams
/// in, so a 10 MB line without CRLF costs no memory.
#[derive(Debug, Default, Clone)]
pub struct LineReader {
    discarding: bool,
}

impl LineReader {
    /// Takes the next complete line out of `buf`, honouring the limit `max` (CRLF included,
    /// as RFC 5321 4.5.3.1.4 counts it). The session reads with [`LineReader::take_from`];
    /// this form is for the tests.
    #[cfg(test)]
    pub fn take(&mut self, buf: &mut Vec<u8>, max: usize) -> Option<LineFrame> {
        let mut pos = 0;
        let frame = self.take_from(buf, &mut pos, max);
        buf.drain(..pos.min(buf.len()));
        frame
    }

    /// Like [`LineReader::take`], reading `buf` from `*pos` and advancing it past the line
    /// instead of removing the line: a batch of many pipelined lines is then consumed in
    /// linear time (the caller removes the consumed bytes once).
    pub fn take_from(
        &mut self,
        buf: &mut Vec<u8>,
        pos: &mut usize,
        max: usize,
    ) -> Option<LineFrame> {
        let start = (*pos).min(buf.len());
        match memchr(b'\n', buf.get(start..).unwrap_or(&[])) {
            Some(lf) => {
                let mut line: Vec<u8> = buf.get(start..=start + lf).unwrap_or(&[]).to_vec();
                *pos = start + lf + 1;
                if std::mem::take(&mut self.discarding) || line.len() > max {
                    return Some(LineFrame::TooLong);
                }
                line.pop(); // LF
                let bare_lf = line.last() != Some(&b'\r');
                if !bare_lf {
                    line.pop();
                }
                Some(LineFrame::Line {
                    bytes: line,
                    bare_lf,
                })
            }
            None => {
                if buf.len() - start > max {
                    // The verdict is in; keep only a trailing CR that may pair with an LF.
                    let keep_cr = buf.last() == Some(&b'\r');
                    buf.truncate(start);
                    if keep_cr {
                        buf.push(b'\r');
                    }
                    self.discarding = true;
                }
                None
            }
        }
    }
}

/// How bare LF / bare CR inside DATA are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BareLfPolicy {
    /// Read to the real end of data, then refuse the message with 550 5.5.2.
    Reject,
    /// Store a bare LF as CRLF (Postfix's `normalize`); only CRLF.CRLF ends the data.
    Normalize,
}

/// What the DATA receiver noticed, for replies and warnings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DataFacts {
    /// Octets of message content after unstuffing (counted even past the size cap).
    pub size: u64,
    pub bare_lf: u32,
    pub bare_cr: u32,
    pub nul: u32,
    pub eight_bit: bool,
    /// The longest line, in octets including its CRLF.
    pub longest_line: u64,
    pub dots_unstuffed: u32,
    /// Content was dropped because `size` passed the cap.
    pub truncated: bool,
}

/// Receives a DATA body: dot-unstuffing (RFC 5321 4.5.2), end at CRLF.CRLF only, bare LF/CR
/// detection (RFC 5321 2.3.8), size cap. Bytes that might still turn out to be the end
/// marker stay in the input buffer until the next bytes decide.
#[derive(Debug, Clone)]
pub struct DataReader {
    policy: BareLfPolicy,
    cap: u64,
    /// At the start of a line that a real CRLF began (or the start of the data).
    at_crlf_line_start: bool,
    /// At the start of a line begun by a normalized bare LF (unstuff, but never the end).
    at_lf_line_start: bool,
    /// Octets of the current line so far.
    line_len: u64,
    pub facts: DataFacts,
    pub message: Vec<u8>,
}

impl DataReader {
    pub fn new(policy: BareLfPolicy, cap: u64) -> Self {
        DataReader {
            policy,
            cap,
            at_crlf_line_start: true,
            at_lf_line_start: false,
            line_len: 0,
            facts: DataFacts::default(),
            message: Vec::new(),
        }
    }

    /// Consumes what it can from `buf`. Returns true when the end-of-data line was read.
    pub fn feed(&mut self, buf: &mut Vec<u8>) -> bool {
        let mut pos = 0;
        let done = loop {
            let rest = &buf[pos..];
            if rest.is_empty() {
                break false;
            }
            // Line start: is this the end marker, a stuffed dot, or a plain "." line?
            if (self.at_crlf_line_start || self.at_lf_line_start) && rest[0] == b'.' {
                let unstuff = match (rest.get(1), rest.get(2)) {
                    (None, _) | (Some(b'\r'), None) => break false, // wait for more bytes
                    (Some(b'\r'), Some(b'\n')) if self.at_crlf_line_start => {
                        pos += 3;
                        break true;
                    }
                    // "." alone after a normalized bare LF, or "." + bare LF: content, not the end.
                    (Some(b'\r'), Some(b'\n')) | (Some(b'\n'), _) => false,
                    // Other characters follow: the first period is deleted (RFC 5321 4.5.2).
                    _ => true,
                };
                if unstuff {
                    // The removed dot does not count toward the 1000-octet text line
                    // (RFC 5321 4.5.3.1.6: "not counting the leading dot duplicated for
                    // transparency").
                    self.facts.dots_unstuffed += 1;
                    pos += 1;
                }
            }
            self.at_crlf_line_start = false;
            self.at_lf_line_start = false;
            let rest = &buf[pos..];
            match memchr(b'\n', rest) {
                Some(lf) => {
                    let seg = &rest[..lf];
                    let crlf = seg.last() == Some(&b'\r');
                    let content = if crlf { &seg[..seg.len() - 1] } else { seg };
                    self.scan(content);
                    self.line_len += content.len() as u64;
                    if crlf {
                        self.push(&rest[..=lf]); // content and CRLF are contiguous
                        self.end_line(2);
                        self.at_crlf_line_start = true;
                    } else {
                        self.facts.bare_lf += 1;
                        self.push(content);
                        match self.policy {
                            BareLfPolicy::Normalize => {
                                self.push(b"\r\n");
                                self.end_line(2);
                                self.at_lf_line_start = true;
                            }
                            BareLfPolicy::Reject => {
                                self.push(b"\n");
                                self.line_len += 1;
                            }
                        }
                    }
                    pos += lf + 1;
                }
                None => {
                    // No LF yet: take everything except a trailing CR, which may begin CRLF.
                    let take = if rest.last() == Some(&b'\r') {
                        rest.len() - 1
                    } else {
                        rest.len()
                    };
                    if take == 0 {
                        break false;
                    }
                    let content = &rest[..take];
                    self.scan(content);
                    self.line_len += take as u64;
                    self.push(content);
                    pos += take;
                    break false;
                }
            }
        };
        buf.drain(..pos);
        done
    }

    /// Bare CRs, NULs and 8-bit bytes inside a piece of line content.
    fn scan(&mut self, content: &[u8]) {
        if !self.facts.eight_bit && !content.is_ascii() {
            self.facts.eight_bit = true;
        }
        // One pass finds either; counting happens only on the rare lines that have them.
        if memchr::memchr2(0, b'\r', content).is_some() {
            self.facts.nul += memchr::memchr_iter(0, content).count() as u32;
            self.facts.bare_cr += memchr::memchr_iter(b'\r', content).count() as u32;
        }
    }

    fn end_line(&mut self, terminator: u64) {
        self.facts.longest_line = self.facts.longest_line.max(self.line_len + terminator);
        self.line_len = 0;
    }

    fn push(&mut self, bytes: &[u8]) {
        self.facts.size += bytes.len() as u64;
        if self.facts.size <= self.cap {
            self.message.extend_from_slice(bytes);
        } else {
            self.facts.truncated = true;
        }
    }

    /// Content of the current (unterminated) line counts toward the longest line.
    pub fn finish(&mut self) {
        self.facts.longest_line = self.facts.longest_line.max(self.line_len);
    }
}

/// Receives exactly `remaining` octets of a BDAT chunk, appending while under the cap.
pub fn take_chunk(
    buf: &mut Vec<u8>,
    remaining: &mut u64,
    message: &mut Vec<u8>,
    total: &mut u64,
    cap: u64,
) -> bool {
    let n = (*remaining).min(buf.len() as u64) as usize;
    if n > 0 {
        let room = cap.saturating_sub(*total).min(n as u64) as usize;
        message.extend_from_slice(&buf[..room]);
        *total += n as u64;
        *remaining -= n as u64;
        buf.drain(..n);
    }
    *remaining == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(policy: BareLfPolicy, input: &[u8]) -> (bool, Vec<u8>, DataFacts, Vec<u8>) {
        let mut r = DataReader::new(policy, u64::MAX);
        let mut buf = input.to_vec();
        let done = r.feed(&mut buf);
        (done, r.message, r.facts, buf)
    }

    #[test]
    fn lines_and_limits() {
        let mut rd = LineReader::default();
        let mut buf = b"EHLO x\r\nNOOP\n".to_vec();
        assert_eq!(
            rd.take(&mut buf, 512),
            Some(LineFrame::Line {
                bytes: b"EHLO x".to_vec(),
                bare_lf: false
            })
        );
        assert_eq!(
            rd.take(&mut buf, 512),
            Some(LineFrame::Line {
                bytes: b"NOOP".to_vec(),
                bare_lf: true
            })
        );
        assert_eq!(rd.take(&mut buf, 512), None);
        // 513 octets with CRLF is one too many
        let mut buf = [vec![b'A'; 511], b"\r\n".to_vec()].concat();
        assert_eq!(rd.take(&mut buf, 512), Some(LineFrame::TooLong));
        let mut buf = [vec![b'A'; 510], b"\r\n".to_vec()].concat();
        assert!(matches!(
            rd.take(&mut buf, 512),
            Some(LineFrame::Line { .. })
        ));
    }

    #[test]
    fn the_stuffing_dot_does_not_count_toward_the_line_length() {
        // 998 octets starting with '.', stuffed on the wire: 1000 with CRLF, not 1001.
        let line = format!(".{}", "x".repeat(997));
        let wire = format!(".{line}\r\n.\r\n");
        let (done, message, facts, _) = data(BareLfPolicy::Reject, wire.as_bytes());
        assert!(done);
        assert_eq!(message, format!("{line}\r\n").into_bytes());
        assert_eq!(facts.longest_line, 1000);
        assert_eq!(facts.dots_unstuffed, 1);
    }

    #[test]
    fn huge_line_is_discarded_without_buffering() {
        let mut rd = LineReader::default();
        let mut buf = Vec::new();
        for _ in 0..100 {
            buf.extend_from_slice(&[b'x'; 100_000]);
            assert_eq!(rd.take(&mut buf, 512), None);
            assert!(buf.len() <= 100_001, "buffer grew to {}", buf.len());
        }
        buf.extend_from_slice(b"tail\r\nNOOP\r\n");
        assert_eq!(rd.take(&mut buf, 512), Some(LineFrame::TooLong));
        assert!(
            matches!(rd.take(&mut buf, 512), Some(LineFrame::Line { bytes, .. }) if bytes == b"NOOP")
        );
    }

    #[test]
    fn end_of_data_and_unstuffing() {
        let (done, msg, facts, rest) =
            data(BareLfPolicy::Reject, b"a\r\n..b\r\n.c\r\n.\r\nQUIT\r\n");
        assert!(done);
        assert_eq!(msg, b"a\r\n.b\r\nc\r\n");
        assert_eq!(facts.dots_unstuffed, 2);
        assert_eq!(rest, b"QUIT\r\n");
        // empty message
        let (done, msg, _, _) = data(BareLfPolicy::Reject, b".\r\n");
        assert!(done && msg.is_empty());
    }

    #[test]
    fn smuggling_vectors_never_end_data() {
        for v in [
            &b"x\n.\nMAIL FROM:<a@b>\r\n"[..],
            b"x\n.\r\nRSET\r\n",
            b"x\r.\rRSET\r\n",
            b"x\r\n\x00.\r\nRSET\r\n",
        ] {
            for policy in [BareLfPolicy::Reject, BareLfPolicy::Normalize] {
                let (done, _, facts, _) = data(policy, v);
                assert!(
                    !done,
                    "{:?} ended data under {policy:?}",
                    String::from_utf8_lossy(v)
                );
                assert!(facts.bare_lf + facts.bare_cr + facts.nul > 0);
            }
        }
    }

    #[test]
    fn normalize_turns_bare_lf_into_crlf() {
        let (done, msg, facts, _) = data(BareLfPolicy::Normalize, b"a\nb\r\n.\r\n");
        assert!(done);
        assert_eq!(msg, b"a\r\nb\r\n");
        assert_eq!(facts.bare_lf, 1);
    }

    #[test]
    fn any_split_gives_the_same_result() {
        let input = b"Subject: x\r\n\r\n..a\r\nb\nc\r\n.\r\nNOOP\r\n";
        let (_, whole, facts, _) = data(BareLfPolicy::Reject, input);
        for split in 0..input.len() {
            let mut r = DataReader::new(BareLfPolicy::Reject, u64::MAX);
            let mut buf = input[..split].to_vec();
            let mut done = r.feed(&mut buf);
            buf.extend_from_slice(&input[split..]);
            if !done {
                done = r.feed(&mut buf);
            }
            assert!(done, "split {split}");
            assert_eq!(r.message, whole, "split {split}");
            assert_eq!(r.facts, facts, "split {split}");
            assert_eq!(buf, b"NOOP\r\n");
        }
    }
}
