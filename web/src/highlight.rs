//! The validator editor's highlight layer: the linted text as the editor shows it, cut
//! into blocks of lines; each line a finding touches is a block of its own, tinted by
//! its worst severity, with the findings' spans marked. The layer lies behind the
//! textarea with the same metrics (styles.css `.editor`), so the marks fall under the
//! text they are about.

use mailroom_message::Severity;

/// A block of editor lines. `pieces` joined are the lines joined with '\n', as the
/// editor shows them; a piece with a severity is (part of) a finding's span.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The worst severity of the findings on the line; `None` for lines without any
    /// (which are grouped: one block per run of such lines).
    pub tint: Option<Severity>,
    pub pieces: Vec<(String, Option<Severity>)>,
}

/// Lines per block of lines without findings. Typing changes one block, and the page
/// lays out only that block again: a 100 KB message in one block took 14 ms per update.
pub const PLAIN_LINES: usize = 64;

/// One editor line of the linted bytes: its text, without the line break.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
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
        out.push(Line { start, end: at });
        start = next;
        i = next;
    }
    out.push(Line {
        start,
        end: b.len(),
    });
    out
}

/// Where the characters of `b[start..end]` start, as the editor decodes them (lossy
/// UTF-8: one U+FFFD per invalid sequence), and `end`: a mark is cut only there, so each
/// side decodes to what the whole line shows.
fn char_starts(b: &[u8], start: usize, end: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = start;
    for chunk in b.get(start..end).unwrap_or(&[]).utf8_chunks() {
        for (i, _) in chunk.valid().char_indices() {
            out.push(at + i);
        }
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            out.push(at);
            at += chunk.invalid().len();
        }
    }
    out.push(end);
    out
}

/// The blocks for `linted` (the bytes the report is about) and the findings' byte
/// ranges. Text is decoded as the editor shows it (lossy UTF-8).
pub fn blocks(linted: &[u8], findings: &[(usize, usize, Severity)]) -> Vec<Block> {
    let lines = editor_lines(linted);
    // The line holding byte `p` (a line's terminator belongs to it).
    let line_of = |p: usize| {
        lines
            .partition_point(|l| l.start <= p)
            .saturating_sub(1)
            .min(lines.len() - 1)
    };
    let mut tint: Vec<Option<Severity>> = vec![None; lines.len()];
    // Marked ranges per line, as (start, end, severity) in bytes of the input.
    let mut marks: Vec<Vec<(usize, usize, Severity)>> = vec![Vec::new(); lines.len()];
    for &(start, end, sev) in findings {
        let start = start.min(linted.len());
        let end = end.clamp(start, linted.len());
        // An empty range (where a missing field belongs) tints its line only.
        let last = line_of(end.max(start + 1) - 1);
        for k in line_of(start)..=last {
            let (Some(t), Some(l), Some(m)) = (tint.get_mut(k), lines.get(k), marks.get_mut(k))
            else {
                continue;
            };
            *t = Some(t.map_or(sev, |t| t.min(sev)));
            let (s, e) = (start.max(l.start), end.min(l.end));
            if s < e {
                // Kept in order of (start, end) as they come: a line has few.
                let at = m.partition_point(|x| (x.0, x.1) <= (s, e));
                m.insert(at, (s, e, sev));
            }
        }
    }
    let text = |s: usize, e: usize| String::from_utf8_lossy(linted.get(s..e).unwrap_or(&[]));
    let mut out: Vec<Block> = Vec::new();
    // The lines without findings being gathered into a block, and how many.
    let mut plain: Option<(String, usize)> = None;
    let flush = |out: &mut Vec<Block>, plain: &mut Option<(String, usize)>| {
        if let Some((p, _)) = plain.take() {
            out.push(Block {
                tint: None,
                pieces: vec![(p, None)],
            });
        }
    };
    for (k, l) in lines.iter().enumerate() {
        let Some(sev) = tint.get(k).copied().flatten() else {
            let t = text(l.start, l.end);
            match &mut plain {
                Some((p, n)) if *n < PLAIN_LINES => {
                    p.push('\n');
                    p.push_str(&t);
                    *n += 1;
                }
                _ => {
                    flush(&mut out, &mut plain);
                    plain = Some((t.into_owned(), 1));
                }
            }
            continue;
        };
        flush(&mut out, &mut plain);
        let m = marks.get_mut(k).map(std::mem::take).unwrap_or_default();
        let starts = char_starts(linted, l.start, l.end);
        let mut pieces = Vec::new();
        let mut at = l.start;
        let mut iter = m.into_iter().peekable();
        while let Some((s, mut e, mut worst)) = iter.next() {
            // Overlapping spans are one mark, in the worst severity among them.
            while let Some(&(s2, e2, sev2)) = iter.peek() {
                if s2 >= e {
                    break;
                }
                e = e.max(e2);
                worst = worst.min(sev2);
                iter.next();
            }
            // Cut at character starts: a range that begins inside a character marks it.
            let snap = |p: usize| {
                let i = starts.partition_point(|&c| c <= p);
                starts.get(i.saturating_sub(1)).copied().unwrap_or(l.start)
            };
            let up = |p: usize| {
                let i = starts.partition_point(|&c| c < p);
                starts.get(i).copied().unwrap_or(l.end)
            };
            let (s, e) = (snap(s.max(at)), up(e));
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
        }
    }
}
