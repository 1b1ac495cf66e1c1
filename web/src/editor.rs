//! How the validator's editor shows the linted bytes, and where findings fall in it.
//!
//! The editor (a textarea) shows the bytes as lossy UTF-8, one U+FFFD per invalid
//! sequence, with CRLF, LF and a lone CR each as one line break. Two things are built on
//! that reading, so they agree on every character: [`editor_offset`], where a finding's
//! span is selected, and [`blocks`], the highlight layer behind the textarea (same text
//! metrics, styles.css `.editor`): the lines a finding touches tinted by their worst
//! severity, its span marked.

use mailroom_message::Severity;

/// A block of editor lines. `pieces` joined are the lines joined with '\n', as the
/// editor shows them; a piece with a severity is (part of) a finding's span.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The worst severity of the findings on the line; `None` for lines without any
    /// (which are grouped: one block per run of such lines).
    pub tint: Option<Severity>,
    pub pieces: Vec<(String, Option<Severity>)>,
    /// A finding is about the line break itself (a bare LF or CR): marked after the
    /// line's text.
    pub eol: Option<Severity>,
    /// The editor line (0-based) the block starts with: a click on a finding scrolls to
    /// the block of [`line_at`] its start.
    pub line: usize,
}

/// The editor line holding byte `p` of the linted bytes (a line's break belongs to it),
/// as [`blocks`] counts lines: its index (0-based), and where its text starts and ends.
pub fn line_at(linted: &[u8], p: usize) -> (usize, usize, usize) {
    let lines = editor_lines(linted);
    let k = index_of(&lines, p);
    lines.get(k).map_or((k, 0, 0), |l| (k, l.start, l.end))
}

/// The index of the line in `lines` that holds byte `p`.
fn index_of(lines: &[Line], p: usize) -> usize {
    lines.partition_point(|l| l.start <= p).saturating_sub(1)
}

/// Lines per block of lines without findings. Typing within a line changes one block,
/// and the page lays out only that block again (a 100 KB message in one block took 14 ms
/// per update); a line added or removed shifts the blocks after it.
const PLAIN_LINES: usize = 64;

/// One editor line of the linted bytes: its text (without the line break) and where
/// the next line starts.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

/// The lines as a textarea shows the bytes: CRLF, LF and a lone CR each end a line (a
/// textarea's value normalises all three to LF). The last line may be empty: after a
/// final line break the editor shows an empty line too.
fn editor_lines(b: &[u8]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(p) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n' || c == b'\r'))
    {
        let at = i + p;
        let next = if b.get(at) == Some(&b'\r') && b.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
        out.push(Line {
            start,
            end: at,
            next,
        });
        start = next;
        i = next;
    }
    out.push(Line {
        start,
        end: b.len(),
        next: b.len(),
    });
    out
}

/// Hands the editor's characters of `b` to `f` as (byte offset, byte length, UTF-16
/// units): a valid character, or an invalid sequence shown as one U+FFFD (two units for
/// a character outside the BMP). Stops when `f` returns false.
fn each_unit(b: &[u8], mut f: impl FnMut(usize, usize, usize) -> bool) {
    let mut at = 0;
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if !f(at, c.len_utf8(), c.len_utf16()) {
                return;
            }
            at += c.len_utf8();
        }
        let bad = chunk.invalid().len();
        if bad > 0 {
            if !f(at, bad, 1) {
                return;
            }
            at += bad;
        }
    }
}

/// Where the editor's characters of `b[start..end]` start, then `end`. Text is cut only
/// there, so each side decodes to what the whole shows.
fn unit_starts(b: &[u8], start: usize, end: usize) -> Vec<usize> {
    let mut out = Vec::new();
    each_unit(b.get(start..end).unwrap_or(&[]), |at, _, _| {
        out.push(start + at);
        true
    });
    out.push(end);
    out
}

/// `p` moved to the start of the character it is in (`starts` from [`unit_starts`]), or
/// with `up` to its end when `p` is inside one.
fn snap(starts: &[usize], p: usize, up: bool) -> usize {
    let i = if up {
        starts.partition_point(|&c| c < p)
    } else {
        starts.partition_point(|&c| c <= p).saturating_sub(1)
    };
    starts.get(i).or(starts.last()).copied().unwrap_or(0)
}

/// Where byte offset `byte` of the linted message is in the editor, as a UTF-16 index
/// (what a textarea's selection counts). An offset inside a character moves to its
/// start, or with `up` to its end, so a one-byte range still selects it. One pass over
/// the characters before it.
pub fn editor_offset(linted: &[u8], byte: usize, up: bool) -> u32 {
    let mut count = 0usize;
    each_unit(linted, |at, len, w| {
        // CRLF is one line break: the CR is not counted.
        let w = if linted.get(at..at + 2) == Some(b"\r\n") {
            0
        } else {
            w
        };
        if byte <= at {
            return false;
        }
        if byte < at + len {
            count += if up { w } else { 0 };
            return false;
        }
        count += w;
        true
    });
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The blocks for `linted` (the bytes the report is about) and the findings' byte
/// ranges. Text is decoded as the editor shows it (lossy UTF-8).
pub fn blocks(linted: &[u8], findings: &[(usize, usize, Severity)]) -> Vec<Block> {
    let lines = editor_lines(linted);
    // The line holding byte `p` (a line's terminator belongs to it).
    let line_of = |p: usize| index_of(&lines, p);
    // Per line: the worst severity of the findings on it, the findings' spans on its
    // text as (start, end, severity) in bytes of the input, and the worst severity of
    // those about its line break.
    let mut tint: Vec<Option<Severity>> = vec![None; lines.len()];
    let mut marks: Vec<Vec<(usize, usize, Severity)>> = vec![Vec::new(); lines.len()];
    let mut eol: Vec<Option<Severity>> = vec![None; lines.len()];
    let worse = |a: Option<Severity>, b: Severity| Some(a.map_or(b, |a| a.min(b)));
    for &(start, end, sev) in findings {
        let start = start.min(linted.len());
        let end = end.clamp(start, linted.len());
        // An empty range (where a missing field belongs) tints its line only.
        let last = line_of(end.max(start + 1) - 1);
        for k in line_of(start)..=last {
            let Some(l) = lines.get(k) else { continue };
            if let Some(t) = tint.get_mut(k) {
                *t = worse(*t, sev);
            }
            let (s, e) = (start.max(l.start), end.min(l.end));
            if s < e {
                if let Some(m) = marks.get_mut(k) {
                    m.push((s, e, sev));
                }
            } else if start < end && l.end <= start && start < l.next {
                // The span starts at this line's break (bare LF, a lone CR): a sign at
                // the line's end. (A blank line inside a longer span gets none.)
                if let Some(x) = eol.get_mut(k) {
                    *x = worse(*x, sev);
                }
            }
        }
    }
    let text = |s: usize, e: usize| String::from_utf8_lossy(linted.get(s..e).unwrap_or(&[]));
    let mut out: Vec<Block> = Vec::new();
    // The lines without findings being gathered into a block, and how many.
    // (Its text, its line count, its first line.)
    let mut plain: Option<(String, usize, usize)> = None;
    let flush = |out: &mut Vec<Block>, plain: &mut Option<(String, usize, usize)>| {
        if let Some((p, _, line)) = plain.take() {
            out.push(Block {
                tint: None,
                pieces: vec![(p, None)],
                eol: None,
                line,
            });
        }
    };
    for (k, l) in lines.iter().enumerate() {
        let Some(sev) = tint.get(k).copied().flatten() else {
            let t = text(l.start, l.end);
            match &mut plain {
                Some((p, n, _)) if *n < PLAIN_LINES => {
                    p.push('\n');
                    p.push_str(&t);
                    *n += 1;
                }
                _ => {
                    flush(&mut out, &mut plain);
                    plain = Some((t.into_owned(), 1, k));
                }
            }
            continue;
        };
        flush(&mut out, &mut plain);
        // The spans cut at character starts (a span that begins or ends inside a
        // character marks all of it), in order; overlapping ones are one mark, in the
        // worst severity among them.
        let starts = unit_starts(linted, l.start, l.end);
        let mut m: Vec<(usize, usize, Severity)> = Vec::new();
        for (s, e, sev) in marks.get_mut(k).map(std::mem::take).unwrap_or_default() {
            let x = (snap(&starts, s, false), snap(&starts, e, true), sev);
            // Inserted in place, not sorted after: a line has few (and a sort costs the
            // page 3.5 KB of wasm).
            let i = m.partition_point(|y| (y.0, y.1) <= (x.0, x.1));
            m.insert(i, x);
        }
        let mut pieces = Vec::new();
        let mut at = l.start;
        let mut iter = m.into_iter().peekable();
        while let Some((s, mut e, mut worst)) = iter.next() {
            while let Some(&(s2, e2, sev2)) = iter.peek() {
                if s2 >= e {
                    break;
                }
                e = e.max(e2);
                worst = worst.min(sev2);
                iter.next();
            }
            let s = s.max(at);
            if at < s {
                pieces.push((text(at, s).into_owned(), None));
            }
            if s < e {
                pieces.push((text(s, e).into_owned(), Some(worst)));
            }
            at = at.max(e);
        }
        if at < l.end || pieces.is_empty() {
            pieces.push((text(at, l.end).into_owned(), None));
        }
        out.push(Block {
            tint: Some(sev),
            pieces,
            eol: eol.get(k).copied().flatten(),
            line: k,
        });
    }
    flush(&mut out, &mut plain);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::{Error, Info, Warning};

    /// The blocks as (tint, text with [marks]) for short assertions.
    fn show(bs: &[Block]) -> Vec<(Option<Severity>, String)> {
        bs.iter()
            .map(|b| {
                let t = b
                    .pieces
                    .iter()
                    .map(|(t, m)| match m {
                        Some(_) => format!("[{t}]"),
                        None => t.clone(),
                    })
                    .collect();
                (b.tint, t)
            })
            .collect()
    }

    /// The text of all blocks together is the editor's text: CRLF read as one break.
    fn joined(bs: &[Block]) -> String {
        bs.iter()
            .map(|b| b.pieces.iter().map(|p| p.0.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn lines_with_findings_are_blocks_of_their_own() {
        let m = b"From: a@example.com\r\nTo: \"Mr. Foo\" <foo@example.com >\r\nCc:\r\nSubject: x\r\n\r\nhi\r\n";
        let at = |t: &[u8]| m.windows(t.len()).position(|w| w == t).unwrap();
        let to = at(b" >"); // the space before '>'
        let cc = at(b"Cc:");
        let bs = blocks(m, &[(to, to + 1, Warning), (cc, cc + 3, Error)]);
        assert_eq!(
            show(&bs),
            [
                (None, "From: a@example.com".to_string()),
                (
                    Some(Warning),
                    "To: \"Mr. Foo\" <foo@example.com[ ]>".to_string()
                ),
                (Some(Error), "[Cc:]".to_string()),
                (None, "Subject: x\n\nhi\n".to_string()),
            ]
        );
        assert_eq!(
            joined(&bs),
            String::from_utf8_lossy(m).replace("\r\n", "\n")
        );
    }

    #[test]
    fn worst_severity_wins_and_overlaps_merge() {
        let m = b"Subject: abcdef\n";
        let bs = blocks(m, &[(9, 12, Info), (11, 14, Error), (14, 15, Warning)]);
        assert_eq!(
            show(&bs)[0],
            (Some(Error), "Subject: [abcde][f]".to_string())
        );
        assert_eq!(bs[0].pieces[1].1, Some(Error));
        assert_eq!(bs[0].pieces[2].1, Some(Warning));
    }

    #[test]
    fn empty_ranges_tint_their_line_and_spans_cross_lines() {
        // missing-date points at the empty separator line; a folded field's span covers
        // two lines, its terminator included (not the line after).
        let m = b"Subject: a\r\n b\r\n\r\nbody\r\n";
        let bs = blocks(m, &[(16, 16, Error), (9, 16, Warning)]);
        assert_eq!(
            show(&bs),
            [
                (Some(Warning), "Subject: [a]".to_string()),
                (Some(Warning), "[ b]".to_string()),
                (Some(Error), "".to_string()),
                (None, "body\n".to_string()),
            ]
        );
    }

    #[test]
    fn marks_keep_characters_whole() {
        // A range that starts inside a character (a byte offset into 'あ') marks all of
        // it; invalid bytes show as U+FFFD as in the editor.
        let m = "Subject: xあy\n".as_bytes();
        let bs = blocks(m, &[(11, 12, Warning)]);
        assert_eq!(show(&bs)[0].1, "Subject: x[あ]y");
        let bad = b"Subject: \xff\xfe ok\n";
        let bs = blocks(bad, &[(9, 10, Error)]);
        assert_eq!(show(&bs)[0].1, "Subject: [\u{fffd}]\u{fffd} ok");
    }

    #[test]
    fn bare_line_breaks_end_lines_as_in_a_textarea() {
        let m = b"A: 1\rB: 2\nC: 3\r\n";
        let bs = blocks(m, &[(5, 9, Error)]);
        assert_eq!(
            show(&bs),
            [
                (None, "A: 1".to_string()),
                (Some(Error), "[B: 2]".to_string()),
                (None, "C: 3\n".to_string()),
            ]
        );
        assert_eq!(joined(&blocks(m, &[])), "A: 1\nB: 2\nC: 3\n");
    }

    #[test]
    fn long_runs_without_findings_are_cut_into_blocks() {
        let m = "a\n".repeat(200);
        let bs = blocks(m.as_bytes(), &[]);
        let lines: Vec<usize> = bs
            .iter()
            .map(|b| b.pieces[0].0.split('\n').count())
            .collect();
        // 200 lines and the empty one after the last line break.
        assert_eq!(lines, [64, 64, 64, 9]);
        assert_eq!(joined(&bs), m);
    }

    #[test]
    fn out_of_range_findings_are_clamped() {
        let bs = blocks(b"x\n", &[(50, 60, Error), (1, 0, Info)]);
        assert_eq!(
            show(&bs),
            [(Some(Info), "x".to_string()), (Some(Error), "".to_string())]
        );
    }

    #[test]
    fn findings_on_one_character_take_the_worst_severity() {
        // Two spans in the same character (bytes 10..13 are 'あ'): one mark, in the
        // worse severity, whichever comes first.
        let m = "Subject: xあy\n".as_bytes();
        for f in [
            [(10, 11, Info), (11, 12, Error)],
            [(11, 12, Error), (10, 11, Info)],
        ] {
            let bs = blocks(m, &f);
            assert_eq!(show(&bs)[0].1, "Subject: x[あ]y");
            assert_eq!(bs[0].pieces[1].1, Some(Error));
        }
    }

    #[test]
    fn a_finding_about_a_line_break_marks_the_line_end() {
        // bare-lf points at the LF itself, bare-cr at a lone CR (a break in the editor).
        let m = b"A: 1\r\nB: 2\nC: 3\rD: 4\r\n";
        let bs = blocks(m, &[(10, 11, Error), (15, 16, Warning)]);
        let eol: Vec<_> = bs.iter().map(|b| (b.tint, b.eol)).collect();
        assert_eq!(
            eol,
            [
                (None, None),
                (Some(Error), Some(Error)),
                (Some(Warning), Some(Warning)),
                (None, None)
            ]
        );
        assert_eq!(show(&bs)[1].1, "B: 2", "no text marked");
        // A span over several lines marks their text; a blank line inside it gets no sign.
        let bs = blocks(b"a\n\nb\n", &[(0, 4, Error)]);
        let got: Vec<_> = bs.iter().map(|b| b.eol).collect();
        assert_eq!(got, [None, None, None, None]);
        // A span over text and its line break marks the text only.
        let bs = blocks(m, &[(6, 11, Error)]);
        assert_eq!((show(&bs)[1].1.as_str(), bs[1].eol), ("[B: 2]", None));
    }

    #[test]
    fn editor_offsets_for_textarea_selection() {
        let t = "件名: a\n".as_bytes();
        assert_eq!(editor_offset(t, 0, false), 0);
        assert_eq!(editor_offset(t, 6, false), 2);
        assert_eq!(
            editor_offset(t, 4, false),
            1,
            "inside a character: its start"
        );
        assert_eq!(editor_offset(t, 4, true), 2, "or its end");
        assert_eq!(editor_offset(t, 999, false), 6);
        // CRLF is one LF in the editor; an emoji is two UTF-16 units.
        let t = "a\r\n\u{1F680}b\r\nc".as_bytes();
        let c = t.iter().position(|&b| b == b'c').unwrap();
        assert_eq!(editor_offset(t, c, false), 6); // a \n 🚀(2) b \n
        assert_eq!(
            editor_offset(t, 2, false),
            1,
            "at the LF of a CRLF: the break"
        );
        // An invalid byte is one U+FFFD; so is a stray continuation byte, which is a
        // character of its own (the byte before it is not its start).
        let t = b"x\xff\xfey\r\nz";
        assert_eq!(editor_offset(t, 5, false), 4); // x \u{fffd} \u{fffd} y -> "\n" after
        assert_eq!(editor_offset(t, 6, false), 5);
        assert_eq!(editor_offset(b"\x80ab", 0, false), 0);
        assert_eq!(editor_offset(b"\x80ab", 1, false), 1);
        assert_eq!(editor_offset(b"\xff\x80", 1, false), 1);
        // A truncated sequence is one U+FFFD: inside it, its start.
        assert_eq!(editor_offset(b"a\xe3\x81b", 2, false), 1);
        assert_eq!(editor_offset(b"a\xe3\x81b", 2, true), 2);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Whatever the bytes and findings: the blocks read as the editor's text (so
        /// the marks stay under their text), each finding's line is tinted, and nothing
        /// panics.
        #[test]
        fn blocks_read_as_the_editor_text(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"ab \r\n\xe3\x81\x82\xff\x80".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..80,
            ),
            findings in proptest::collection::vec((0usize..90, 0usize..90, 0u8..3), 0..6),
        ) {
            let sev = |k: u8| [Error, Warning, Info][usize::from(k)];
            let f: Vec<_> = findings.iter().map(|&(s, e, k)| (s, e, sev(k))).collect();
            let bs = blocks(&bytes, &f);
            let want = String::from_utf8_lossy(&bytes).replace("\r\n", "\n").replace('\r', "\n");
            proptest::prop_assert_eq!(joined(&bs), want);
            let tinted = bs.iter().filter(|b| b.tint.is_some()).count();
            proptest::prop_assert!(f.is_empty() || tinted > 0);
            // The marked characters are exactly those a finding's bytes touch (line
            // breaks aside), in the order the editor shows them.
            let mut want_marked = Vec::new();
            for l in editor_lines(&bytes) {
                let starts = unit_starts(&bytes, l.start, l.end);
                for w in starts.windows(2) {
                    let (cs, ce) = (w[0], w[1]);
                    // Touched by a non-empty range (an empty one only tints its line).
                    want_marked.push(f.iter().any(|&(s, e, _)| {
                        let e = e.min(bytes.len());
                        s < e && s < ce && cs < e
                    }));
                }
            }
            let got_marked: Vec<bool> = bs
                .iter()
                .flat_map(|b| b.pieces.iter())
                .flat_map(|(t, m)| t.chars().filter(|&c| c != '\n').map(move |_| m.is_some()))
                .collect();
            proptest::prop_assert_eq!(got_marked, want_marked);
            // Each character's editor offset is where the blocks put it; a byte inside
            // a character goes to its start, or with `up` to its end.
            let chars: Vec<char> = joined(&bs).chars().collect();
            let starts = unit_starts(&bytes, 0, bytes.len());
            let mut at_start = Vec::new();
            let mut units = 0u32;
            let mut k = 0;
            for &p in &starts {
                at_start.push((p, units));
                // A CRLF is two starts and one character (the CR's offset is the LF's).
                if !(bytes.get(p) == Some(&b'\r') && bytes.get(p + 1) == Some(&b'\n')) {
                    units += chars.get(k).map_or(0, |c| c.len_utf16() as u32);
                    k += 1;
                }
            }
            for p in 0..bytes.len() + 3 {
                let down = at_start.iter().rev().find(|x| x.0 <= p).map_or(0, |x| x.1);
                let up = at_start.iter().find(|x| x.0 >= p).map_or(units, |x| x.1);
                proptest::prop_assert_eq!(editor_offset(&bytes, p, false), down, "{}", p);
                proptest::prop_assert_eq!(editor_offset(&bytes, p, true), up, "{}", p);
            }
            // A line break sign only where a range starts at the break of its line.
            for (k, b) in bs.iter().enumerate().filter(|(_, b)| b.eol.is_some()) {
                proptest::prop_assert!(b.tint.is_some(), "block {}", k);
            }
        }
    }
}
