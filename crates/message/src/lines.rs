//! Physical lines and byte-offset -> (line, column) resolution.
//!
//! Lines end at LF (a lone CR does not end a line), as DESIGN.md section 3 fixes. Line
//! numbers are resolved once, at the end, for all offsets together (sort + one memchr
//! sweep), so no per-line index is kept in memory even for 100 MB inputs.

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

/// Resolves byte offsets to 1-based (line, column), column counted in bytes. Offsets past
/// the end resolve to the end of input.
pub(crate) fn resolve(buf: &[u8], offsets: &[usize]) -> Vec<(u32, u32)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    // Ties resolve to the same position, so their order does not matter.
    order.sort_unstable_by_key(|&i| offsets.get(i).copied().unwrap_or(0));
    let mut out = vec![(1u32, 1u32); offsets.len()];
    let (mut line, mut line_start, mut cursor) = (1u64, 0usize, 0usize);
    for i in order {
        let off = offsets.get(i).copied().unwrap_or(0).min(buf.len());
        if off > cursor {
            let seg = buf.get(cursor..off).unwrap_or(&[]);
            let n = memchr::memchr_iter(b'\n', seg).count();
            if n > 0 {
                line += n as u64;
                if let Some(last) = memchr::memrchr(b'\n', seg) {
                    line_start = cursor + last + 1;
                }
            }
            cursor = off;
        }
        let col = (off - line_start) as u64 + 1;
        if let Some(slot) = out.get_mut(i) {
            *slot = (
                line.min(u32::MAX as u64) as u32,
                col.min(u32::MAX as u64) as u32,
            );
        }
    }
    out
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
    fn resolve_positions() {
        let b = b"ab\ncd\r\nef";
        assert_eq!(
            resolve(b, &[0, 4, 7, 1, 99]),
            vec![(1, 1), (2, 2), (3, 1), (1, 2), (3, 3)]
        );
    }
}
