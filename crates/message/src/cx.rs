//! Shared state of one lint run.

use crate::diag::Sink;
use crate::lex::{trim_wsp_end, Checked};
use crate::lines::{lines, Lines};
use crate::Envelope;

pub(crate) struct Cx<'a, 'e> {
    pub buf: &'a [u8],
    pub sink: Sink,
    pub envelope: Option<&'e Envelope>,
    /// Build the decoded view (off for [`crate::LintOptions::findings_only`]).
    pub view: bool,
    /// Index of the lines beginning with "--" (see [`DashIndex`]), built on the first
    /// multipart, so each multipart level only visits its own candidate delimiter lines.
    dash_index: Option<DashIndex<'a>>,
    /// The input's LF positions ([`crate::lines::lf_list`]), for every walk over lines:
    /// shared (`Rc`) so a walk can hold it while the context is written to.
    pub lfs: Option<std::rc::Rc<[u32]>>,
    /// First raw UTF-8 (non-ASCII) byte seen in any header.
    pub header_utf8: Option<usize>,
    /// Inside message/global (RFC 6532 3.7): raw UTF-8 in header fields is that media
    /// type's point, not a transport problem.
    pub in_global: bool,
    /// Boundaries of the enclosing multiparts, outermost first.
    pub boundaries: Vec<std::borrow::Cow<'a, str>>,
    /// The first 8-bit byte of a body labelled 8bit or binary inside the entity being
    /// read: a composite labelled 7bit around it is mislabelled (RFC 2045 6.4).
    pub eight_bit: Option<usize>,
    /// Bodies with Content-Transfer-Encoding: binary (no line rules apply there).
    pub binary_ranges: Vec<(usize, usize)>,
    /// The last window [`Cx::nul_in`] searched, and the first NUL in it.
    nul: (std::ops::Range<usize>, Option<usize>),
    /// The last window [`Cx::text_at`] checked as UTF-8.
    text: Checked<'a>,
}

/// Every line of the message that begins with "--", found once, keyed by its
/// text without terminator and trailing whitespace, sorted by (key, start). A delimiter
/// line of boundary `b` (`--b *LWSP` or `--b-- *LWSP`, RFC 2046 5.1.1) has the key
/// `trim_end(--b)` or `--b--`, so a multipart level looks up those two keys and visits
/// only these lines: nested multiparts cost O(n), not O(depth x dash lines).
struct DashIndex<'a> {
    entries: Vec<(&'a [u8], usize)>,
    /// Per entry: a multipart found it to be one of its delimiter lines.
    delimiter: Vec<bool>,
    /// Scratch space for the looked-up keys.
    key: Vec<u8>,
}

impl<'a> DashIndex<'a> {
    /// The index of the "--" lines among `lines` (all lines of `buf`).
    fn new(buf: &'a [u8], lines: Lines<'a>) -> Self {
        // One stop per line. (memchr's substring search for LF "--"
        // saves 0.8% of the validator's estimated cycles on the corpus, but adds 2.5 KB
        // gzip to the page.)
        let mut entries: Vec<(&'a [u8], usize)> = Vec::new();
        let mut add = |start: usize, line: &'a [u8]| {
            if line.starts_with(b"--") {
                entries.push((trim_wsp_end(line), start));
            }
        };
        for l in lines {
            add(l.start, buf.get(l.start..l.content_end).unwrap_or(&[]));
        }
        entries.sort_unstable();
        DashIndex {
            delimiter: vec![false; entries.len()],
            entries,
            key: Vec::new(),
        }
    }

    /// "--" + `boundary` + `suffix`, in the scratch buffer (taken: hand it back with
    /// `self.key = key` after the lookups).
    fn take_key(&mut self, boundary: &[u8], suffix: &[u8]) -> Vec<u8> {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.reserve(2 + boundary.len() + suffix.len());
        key.extend_from_slice(b"--");
        key.extend_from_slice(boundary);
        key.extend_from_slice(suffix);
        key
    }
}

/// The indexes of the entries whose key is `key` (ascending start offsets), limited to
/// starts in `start..end`.
fn lookup_range(
    entries: &[(&[u8], usize)],
    key: &[u8],
    start: usize,
    end: usize,
) -> std::ops::Range<usize> {
    let lo = entries.partition_point(|e| (e.0, e.1) < (key, start));
    let hi = entries.partition_point(|e| (e.0, e.1) < (key, end));
    lo..hi.max(lo)
}

/// Whether `text` (a line without terminator and trailing whitespace) is a delimiter
/// line of `boundary`: `--boundary` or `--boundary--` (RFC 2046 5.1.1).
fn is_delimiter(text: &[u8], boundary: &[u8]) -> bool {
    let Some(rest) = text.strip_prefix(b"--") else {
        return false;
    };
    match rest.strip_prefix(boundary) {
        Some(r) => r.is_empty() || r == b"--",
        // A boundary ending in spaces: the line's text was trimmed.
        None => trim_wsp_end(boundary) == rest,
    }
}

/// Distinct line texts looked at by [`Cx::stray_delimiters`].
const PREFIX_SCAN: usize = 256;

impl<'a, 'e> Cx<'a, 'e> {
    pub fn new(buf: &'a [u8], envelope: Option<&'e Envelope>) -> Self {
        Cx {
            buf,
            sink: Sink::default(),
            envelope,
            view: true,
            dash_index: None,
            lfs: crate::lines::lf_list(buf),
            header_utf8: None,
            in_global: false,
            boundaries: Vec::new(),
            eight_bit: None,
            binary_ranges: Vec::new(),
            nul: (0..0, None),
            text: Checked::new(buf, 0, 0),
        }
    }

    /// The first NUL byte in `start..end`. Header fields ask in document order, so a
    /// window of at least 4 KiB is searched at once and later fields are answered from
    /// it: one memchr call per header section, not per field.
    pub fn nul_in(&mut self, start: usize, end: usize) -> Option<usize> {
        let (window, found) = &self.nul;
        let known = window.start <= start && end <= window.end;
        if !(known && found.is_none_or(|f| f >= start)) {
            let to = end.max(start.saturating_add(4096)).min(self.buf.len());
            let hay = self.buf.get(start..to).unwrap_or(&[]);
            self.nul = (start..to, memchr::memchr(0, hay).map(|i| start + i));
        }
        self.nul.1.filter(|&f| start <= f && f < end)
    }

    /// `buf[s..e]` as text, cut from a window of at least 1 KiB checked as UTF-8 once
    /// (header fields ask in document order: one check per header section, not one per
    /// field); else converted (lossily) alone. A window ends before the first byte that
    /// is not UTF-8, so each byte is checked about once.
    pub fn text_at(&mut self, s: usize, e: usize) -> std::borrow::Cow<'a, str> {
        if let Some(t) = self.text.get(s, e) {
            return std::borrow::Cow::Borrowed(t);
        }
        let to = e.max(s.saturating_add(1024)).min(self.buf.len());
        self.text = Checked::new(self.buf, s, to);
        self.text.cut(s, e)
    }

    pub fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        self.buf.get(start..end.min(self.buf.len())).unwrap_or(&[])
    }

    /// The index of "--" lines, built on first use.
    fn dash_index(&mut self) -> &mut DashIndex<'a> {
        let (buf, lfs) = (self.buf, &self.lfs);
        self.dash_index.get_or_insert_with(|| {
            DashIndex::new(buf, lines(buf, 0, buf.len()).listed(lfs.clone()))
        })
    }

    /// The lines of the input in `start..end`, their ends read from the LF list.
    pub fn lines(&self, start: usize, end: usize) -> Lines<'a> {
        lines(self.buf, start, end).listed(self.lfs.clone())
    }

    /// Marks an index entry (from [`Cx::delimiter_candidates`]) as a delimiter line that
    /// a multipart found, so the stray check of the multiparts around it passes over it.
    pub fn mark_delimiter_line(&mut self, entry: usize) {
        if let Some(m) = self
            .dash_index
            .as_mut()
            .and_then(|x| x.delimiter.get_mut(entry))
        {
            *m = true;
        }
    }

    /// The lines in `start..end` that begin with "--" + `boundary` but are not delimiter
    /// lines, neither of it nor of a multipart inside (marked with
    /// [`Cx::mark_delimiter_line`]; no other multipart's delimiters lie inside a part):
    /// the first one's start and how many. The index is walked by runs of equal text,
    /// each entered by binary search at `start`: the boundary's own delimiter texts are
    /// skipped, and at most [`PREFIX_SCAN`] other texts are looked at, so a multipart
    /// level costs a bounded number of searches plus its own findings, even when a
    /// hostile message repeats such lines elsewhere.
    pub fn stray_delimiters(
        &mut self,
        boundary: &[u8],
        start: usize,
        end: usize,
    ) -> Option<(usize, usize)> {
        let index = self.dash_index();
        let key = index.take_key(boundary, b"");
        let entries = index.entries.as_slice();
        let lo = entries.partition_point(|e| e.0 < key.as_slice());
        let block = entries.get(lo..).unwrap_or(&[]);
        let block = block
            .get(..block.partition_point(|e| e.0.starts_with(&key)))
            .unwrap_or(&[]);
        let mut found: Option<(usize, usize)> = None;
        let (mut i, mut texts) = (0, 0);
        while let Some(&(text, _)) = block.get(i) {
            let run_at = lo + i;
            // The run of entries with this text, ascending by start.
            let run = block.get(i..).unwrap_or(&[]);
            let run = run
                .get(..run.partition_point(|e| e.0 == text).max(1))
                .unwrap_or(&[]);
            i += run.len();
            if is_delimiter(text, boundary) {
                continue;
            }
            texts += 1;
            if texts > PREFIX_SCAN {
                break;
            }
            let (a, b) = (
                run.partition_point(|e| e.1 < start),
                run.partition_point(|e| e.1 < end),
            );
            for (k, &(_, p)) in run.iter().enumerate().take(b).skip(a) {
                if index.delimiter.get(run_at + k) == Some(&false) {
                    found = Some(found.map_or((p, 1), |(f, n)| (f.min(p), n + 1)));
                }
            }
        }
        index.key = key;
        found
    }

    /// The lines in `start..end` that may be delimiter lines of `boundary`, ascending, as
    /// (start offset, index entry): a superset of them (the caller checks each line
    /// exactly, and marks those it takes with [`Cx::mark_delimiter_line`]).
    pub fn delimiter_candidates(
        &mut self,
        boundary: &[u8],
        start: usize,
        end: usize,
    ) -> Vec<(usize, usize)> {
        let index = self.dash_index();
        let key = index.take_key(boundary, b"--");
        let close = lookup_range(&index.entries, &key, start, end);
        let open = trim_wsp_end(key.get(..key.len() - 2).unwrap_or(&[]));
        let open = lookup_range(&index.entries, open, start, end);
        let at = |i: usize| index.entries.get(i).map_or(0, |e| e.1);
        // Merge the two ascending runs (the keys differ, so no offset is in both).
        let mut out = Vec::with_capacity(open.len() + close.len());
        let (mut a, mut b) = (open.peekable(), close.peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&x), Some(&y)) if at(x) < at(y) => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            let Some(i) = next else { break };
            out.push((at(i), i));
        }
        index.key = key;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_at_windows() {
        let mut buf = "Subject: あ\r\n".repeat(200).into_bytes();
        buf[1500] = 0xff; // inside the value of a field near the middle
        let mut cx = Cx::new(&buf, None);
        let borrowed = |c: &std::borrow::Cow<'_, str>| matches!(c, std::borrow::Cow::Borrowed(_));
        let line = 14; // bytes per line
        for k in 0..200 {
            let (s, e) = (k * line, k * line + 12);
            let t = cx.text_at(s, e);
            if (s..e).contains(&1500) {
                assert!(!borrowed(&t) && t.contains('\u{fffd}'), "{k}");
            } else {
                assert_eq!(t, "Subject: あ", "{k}");
                assert!(borrowed(&t), "{k}");
            }
        }
        // Asked out of order, and through a character.
        assert_eq!(cx.text_at(0, 7), "Subject");
        assert_eq!(cx.text_at(9, 11), "\u{fffd}");
    }

    #[test]
    fn nul_in_windows() {
        let mut buf = vec![b'a'; 9000];
        buf[10] = 0;
        buf[5000] = 0;
        let mut cx = Cx::new(&buf, None);
        assert_eq!(cx.nul_in(0, 5), None);
        assert_eq!(cx.nul_in(5, 20), Some(10));
        assert_eq!(cx.nul_in(11, 4000), None);
        assert_eq!(cx.nul_in(4000, 6000), Some(5000));
        assert_eq!(cx.nul_in(0, 9000), Some(10)); // asked out of order
        assert_eq!(cx.nul_in(5001, 9000), None);
        assert_eq!(cx.nul_in(8999, 20000), None);
    }

    #[test]
    fn stray_delimiter_lines() {
        let buf = b"--a\r\n--a-x\r\n--a  \r\n--ab\r\n--a --\r\n--a x\r\n--a--\r\n";
        let at = |s: &str| -> usize {
            buf.windows(s.len())
                .position(|w| w == s.as_bytes())
                .unwrap_or(usize::MAX)
        };
        let mut cx = Cx::new(buf, None);
        // "--a-x", "--ab", "--a --" and "--a x" are not delimiter lines of "a".
        assert_eq!(
            cx.stray_delimiters(b"a", 0, buf.len()),
            Some((at("--a-x"), 4))
        );
        // Of boundary "a ", "--a  " opens and "--a --" closes; "--a x" is a stray.
        assert_eq!(
            cx.stray_delimiters(b"a ", 0, buf.len()),
            Some((at("--a x"), 1))
        );
        // Delimiter lines of the multiparts inside are not strays.
        for inner in [&b"a-x"[..], b"ab"] {
            for (_, entry) in cx.delimiter_candidates(inner, 0, buf.len()) {
                cx.mark_delimiter_line(entry);
            }
        }
        assert_eq!(
            cx.stray_delimiters(b"a", 0, buf.len()),
            Some((at("--a --"), 2))
        );
        assert_eq!(cx.stray_delimiters(b"a", 0, at("--a --")), None);
        assert_eq!(cx.stray_delimiters(b"b", 0, buf.len()), None);
    }

    fn starts(c: Vec<(usize, usize)>) -> Vec<usize> {
        c.into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn delimiter_candidates_by_boundary() {
        let buf = b"--a\r\nx\r\n--a--\r\n--a----\r\n--a  \t\r\n--a -- \n--a x\r\n--b\r\n--a";
        let mut cx = Cx::new(buf, None);
        let at = |s: &str| -> usize {
            buf.windows(s.len())
                .position(|w| w == s.as_bytes())
                .unwrap_or(usize::MAX)
        };
        // "a": open lines (with trailing whitespace) and the close line, in order.
        assert_eq!(
            starts(cx.delimiter_candidates(b"a", 0, buf.len())),
            vec![0, at("--a--\r"), at("--a  "), buf.len() - 3]
        );
        // "a--" opens on "--a--" and closes on "--a----".
        assert_eq!(
            starts(cx.delimiter_candidates(b"a--", 0, buf.len())),
            vec![at("--a--\r"), at("--a----")]
        );
        // A boundary ending in a space: the lines of its trimmed key are candidates
        // (the caller checks each exactly), and "--a --" closes it.
        assert_eq!(
            starts(cx.delimiter_candidates(b"a ", 0, buf.len())),
            vec![0, at("--a  "), at("--a --"), buf.len() - 3]
        );
        // Limited to the range.
        assert_eq!(
            starts(cx.delimiter_candidates(b"b", 1, buf.len())),
            vec![at("--b")]
        );
        assert!(cx.delimiter_candidates(b"b", 0, at("--b")).is_empty());
    }

    proptest::proptest! {
        /// The "--" line index is the same whether its LFs are listed or searched for.
        #[test]
        fn dash_index_listed_matches_searched(buf in proptest::collection::vec(proptest::sample::select(vec![b'\n', b'\r', b'-', b' ', b'b']), 0..200)) {
            let list = crate::lines::lf_list(&buf);
            let listed = DashIndex::new(&buf, lines(&buf, 0, buf.len()).listed(list));
            let searched = DashIndex::new(&buf, lines(&buf, 0, buf.len()));
            proptest::prop_assert_eq!(&listed.entries, &searched.entries);
            // And each entry is a line that starts with "--", keyed by its trimmed text.
            for (text, start) in &listed.entries {
                proptest::prop_assert!(*start == 0 || buf[start - 1] == b'\n');
                proptest::prop_assert!(buf[*start..].starts_with(text) && text.starts_with(b"--"));
            }
        }
    }
}
