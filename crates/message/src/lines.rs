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
    /// `buf`'s LF positions ([`lf_list`]) and the index of the first one at or after
    /// `pos`, when listed: each line's end is read, not searched for.
    listed: Option<(std::rc::Rc<[u32]>, usize)>,
}

pub(crate) fn lines(buf: &[u8], start: usize, end: usize) -> Lines<'_> {
    let end = end.min(buf.len());
    Lines {
        buf,
        pos: start.min(end),
        end,
        listed: None,
    }
}

impl Lines<'_> {
    /// The same lines, their ends read from `lfs`, the list of all LFs of the buffer.
    pub fn listed(mut self, lfs: Option<std::rc::Rc<[u32]>>) -> Self {
        let pos = self.pos;
        self.listed = lfs.map(|l| {
            let i = l.partition_point(|&p| (p as usize) < pos);
            (l, i)
        });
        self
    }

    /// The next LF, the rest of its line skipped: for walks that need only the LFs.
    pub fn next_lf_pos(&mut self) -> Option<usize> {
        let lf = self.next_lf()?;
        self.pos = lf + 1;
        Some(lf)
    }

    /// The first LF at or after `pos`, before `end`.
    fn next_lf(&mut self) -> Option<usize> {
        match &mut self.listed {
            Some((list, i)) => {
                let lf = list.get(*i).map(|&p| p as usize).filter(|&p| p < self.end);
                *i += 1;
                lf
            }
            None => {
                let hay = self.buf.get(self.pos..self.end)?;
                memchr::memchr(b'\n', hay).map(|i| self.pos + i)
            }
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;
    fn next(&mut self) -> Option<Line> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        let line = match self.next_lf() {
            Some(lf) => {
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

/// Inputs up to this size have their LF positions listed once ([`lf_list`]), at most
/// 4 bytes per byte of input; larger ones are walked with memchr each time.
pub(crate) const LF_LIST_MAX: usize = 1 << 20;

/// The positions of the LFs of `buf` when it is at most [`LF_LIST_MAX`] bytes. The walks
/// over lines ([`Lines::listed`]: the header scan, the body scans, the "--" line index,
/// the final line sweep) read this list instead of each calling memchr once per line.
pub(crate) fn lf_list(buf: &[u8]) -> Option<std::rc::Rc<[u32]>> {
    if buf.len() > LF_LIST_MAX {
        return None;
    }
    let mut v = Vec::with_capacity(buf.len() / 32);
    v.extend(memchr::memchr_iter(b'\n', buf).filter_map(|p| u32::try_from(p).ok()));
    Some(v.into())
}

/// A forward walk over the LFs of a buffer that resolves byte offsets to 1-based (line,
/// column), column counted in bytes, on the way: offsets must come in non-decreasing
/// order (an earlier one resolves to the current line). One memchr step per line, however
/// many offsets are resolved (counting the LFs before each offset cost two memchr calls
/// per offset, most of them on a few bytes of header). The caller sees every LF, to check
/// line endings in the same walk.
pub(crate) struct Sweep<'a> {
    buf: &'a [u8],
    /// The lines of `buf`, walked for their LFs.
    lines: Lines<'a>,
    /// The next LF not yet passed.
    next: Option<usize>,
    line: u64,
    line_start: usize,
}

impl<'a> Sweep<'a> {
    /// A walk over `buf`'s LFs, read from `list` (`buf`'s [`lf_list`]) when given.
    pub fn new(buf: &'a [u8], list: Option<std::rc::Rc<[u32]>>) -> Self {
        let mut sweep = Sweep {
            buf,
            lines: lines(buf, 0, buf.len()).listed(list),
            next: None,
            line: 1,
            line_start: 0,
        };
        sweep.next = sweep.lines.next_lf_pos();
        sweep
    }

    /// Walks on to `off` (clamped to the end of input), handing each LF passed (each LF
    /// before `off`) to `on_lf` with its own position, and returns the position of `off`.
    pub fn to(&mut self, off: usize, mut on_lf: impl FnMut(usize, (u32, u32))) -> (u32, u32) {
        let off = off.min(self.buf.len());
        while let Some(p) = self.next.filter(|&p| p < off) {
            on_lf(p, self.position(p));
            self.line += 1;
            self.line_start = p + 1;
            self.next = self.lines.next_lf_pos();
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
    Sweep::new(buf, None).to(off, |_, _| {})
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
        let mut sweep = Sweep::new(b, None);
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

    /// Bytes where line ends are common: LF, CR, and a few others.
    fn line_soup() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            proptest::sample::select(vec![b'\n', b'\r', b'-', b' ', b'a']),
            0..200,
        )
    }

    proptest::proptest! {
        /// Lines and positions read from the LF list are those found by memchr, for any
        /// range and any offsets.
        #[test]
        fn listed_walks_match_searched(buf in line_soup(), a in 0usize..220, b in 0usize..220, offs in proptest::collection::vec(0usize..220, 0..20)) {
            let list = lf_list(&buf);
            let searched: Vec<Line> = lines(&buf, a, b).collect();
            let listed: Vec<Line> = lines(&buf, a, b).listed(list.clone()).collect();
            proptest::prop_assert_eq!(searched, listed);
            let mut offs = offs;
            offs.sort_unstable();
            let walk = |list: Option<std::rc::Rc<[u32]>>| {
                let mut sweep = Sweep::new(&buf, list);
                let mut lfs = Vec::new();
                let pos: Vec<_> = offs.iter().map(|&o| sweep.to(o, |p, q| lfs.push((p, q)))).collect();
                sweep.to(usize::MAX, |p, q| lfs.push((p, q)));
                (pos, lfs)
            };
            proptest::prop_assert_eq!(walk(None), walk(list));
        }
    }
}
