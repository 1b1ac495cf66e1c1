//! Physical lines and byte-offset -> (line, column) resolution.
//!
//! Lines end at LF (a lone CR does not end a line), as DESIGN.md section 3 fixes. Line
//! numbers are resolved once, at the end, for all offsets together (sorted, in one walk
//! over the LFs), so no per-line index is kept in memory even for 100 MB inputs.

/// One physical line: `start..content_end` is the text without its terminator (LF or
/// CRLF); `next` is where the following line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub content_end: usize,
    pub next: usize,
    /// True when the line ends with LF (false: the range ended first).
    pub terminated: bool,
}

impl Line {
    pub fn len(&self) -> usize {
        self.content_end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.content_end == self.start
    }
}

/// Iterator over the lines of `buf[start..end]`.
pub(crate) struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

pub(crate) fn lines(buf: &[u8], start: usize, end: usize) -> Lines<'_> {
    let end = end.min(buf.len());
    Lines {
        buf,
        pos: start.min(end),
        end,
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;
    fn next(&mut self) -> Option<Line> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        let hay = self.buf.get(start..self.end)?;
        let line = match memchr::memchr(b'\n', hay) {
            Some(i) => {
                let lf = start + i;
                let content_end = if lf > start && self.buf.get(lf - 1) == Some(&b'\r') {
                    lf - 1
                } else {
                    lf
                };
                Line {
                    start,
                    content_end,
                    next: lf + 1,
                    terminated: true,
                }
            }
            None => Line {
                start,
                content_end: self.end,
                next: self.end,
                terminated: false,
            },
        };
        self.pos = line.next;
        Some(line)
    }
}

/// End of the run of non-ASCII bytes at `p`, so a span covers whole UTF-8 characters
/// (a caret under half a character is unreadable). At least `p + 1`.
pub(crate) fn non_ascii_end(buf: &[u8], p: usize) -> usize {
    let n = buf
        .get(p..)
        .map_or(0, |s| s.iter().take_while(|&&b| b >= 0x80).count());
    p + n.max(1)
}

/// A forward walk over the LFs of a buffer that resolves byte offsets to 1-based (line,
/// column), column counted in bytes, on the way: offsets must come in non-decreasing
/// order (an earlier one resolves to the current line). One memchr step per line, however
/// many offsets are resolved (counting the LFs before each offset cost two memchr calls
/// per offset, most of them on a few bytes of header). The caller sees every LF, to check
/// line endings in the same walk.
pub(crate) struct Sweep<'a> {
    buf: &'a [u8],
    lfs: memchr::Memchr<'a>,
    /// The next LF not yet passed.
    next: Option<usize>,
    line: u64,
    line_start: usize,
}

impl<'a> Sweep<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        let mut lfs = memchr::memchr_iter(b'\n', buf);
        let next = lfs.next();
        Sweep {
            buf,
            lfs,
            next,
            line: 1,
            line_start: 0,
        }
    }

    /// Walks on to `off` (clamped to the end of input), handing each LF passed (each LF
    /// before `off`) to `on_lf` with its own position, and returns the position of `off`.
    pub fn to(&mut self, off: usize, mut on_lf: impl FnMut(usize, (u32, u32))) -> (u32, u32) {
        let off = off.min(self.buf.len());
        while let Some(p) = self.next.filter(|&p| p < off) {
            on_lf(p, self.position(p));
            self.line += 1;
            self.line_start = p + 1;
            self.next = self.lfs.next();
        }
        self.position(off)
    }

    /// The position of `off` on the current line.
    fn position(&self, off: usize) -> (u32, u32) {
        let col = (off - self.line_start.min(off)) as u64 + 1;
        (
            self.line.min(u32::MAX as u64) as u32,
            col.min(u32::MAX as u64) as u32,
        )
    }
}

/// The position of one offset, by counting the LFs before it (for the rare offset found
/// after the sweep).
pub(crate) fn position(buf: &[u8], off: usize) -> (u32, u32) {
    Sweep::new(buf).to(off, |_, _| {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_on_lf_and_strip_cr() {
        let b = b"a\r\nbc\nd\re\nlast";
        let v: Vec<_> = lines(b, 0, b.len())
            .map(|l| &b[l.start..l.content_end])
            .collect();
        assert_eq!(v, vec![&b"a"[..], b"bc", b"d\re", b"last"]);
    }

    #[test]
    fn sweep_positions() {
        let b = b"ab\ncd\r\nef";
        let mut sweep = Sweep::new(b);
        let mut lfs = Vec::new();
        let mut at = |off: usize| sweep.to(off, |p, pos| lfs.push((p, pos)));
        // An LF belongs to the line it ends; offsets past the end resolve to the end.
        let got: Vec<_> = [0, 1, 2, 3, 4, 7, 7, 99].into_iter().map(&mut at).collect();
        assert_eq!(
            got,
            [
                (1, 1),
                (1, 2),
                (1, 3),
                (2, 1),
                (2, 2),
                (3, 1),
                (3, 1),
                (3, 3)
            ]
        );
        assert_eq!(lfs, [(2, (1, 3)), (6, (2, 4))]);
        assert_eq!(position(b, 4), (2, 2));
        assert_eq!(position(b, 6), (2, 4));
        assert_eq!(position(b"", 5), (1, 1));
    }
}
