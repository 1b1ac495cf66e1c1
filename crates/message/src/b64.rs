//! Base64 (RFC 2045 6.8) and quoted-printable (RFC 2045 6.7) primitives shared by the
//! body checks, encoded words and the builder. Hand-written (a few dozen lines) rather
//! than a dependency because the checks need exact positions of the first bad byte.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 value of each byte, 0xFF for bytes outside the alphabet (a table, so the body
/// check runs at memory speed).
static B64_TABLE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Value of a base64 alphabet byte.
pub(crate) fn b64_value(b: u8) -> Option<u8> {
    let v = B64_TABLE[usize::from(b)];
    (v < 64).then_some(v)
}

/// True when every byte is in the base64 alphabet (no padding, no whitespace).
pub(crate) fn all_b64_alpha(s: &[u8]) -> bool {
    s.iter()
        .fold(0u8, |acc, &b| acc | B64_TABLE[usize::from(b)])
        < 64
}

pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Incremental base64 decoder that skips non-alphabet bytes (RFC 2045 6.8 says to
/// ignore them) and stops at padding.
#[derive(Default)]
pub(crate) struct B64Decoder {
    acc: u32,
    n: u8,
    pub padded: bool,
}

impl B64Decoder {
    pub fn push(&mut self, b: u8, out: &mut Vec<u8>) {
        if self.padded {
            return;
        }
        if b == b'=' {
            self.padded = true;
            self.flush(out);
            return;
        }
        if let Some(v) = b64_value(b) {
            self.acc = (self.acc << 6) | u32::from(v);
            self.n += 1;
            if self.n == 4 {
                out.extend_from_slice(&[
                    (self.acc >> 16) as u8,
                    (self.acc >> 8) as u8,
                    self.acc as u8,
                ]);
                self.acc = 0;
                self.n = 0;
            }
        }
    }
    /// Emits the bytes of a partial quantum (2 chars -> 1 byte, 3 chars -> 2 bytes).
    pub fn flush(&mut self, out: &mut Vec<u8>) {
        match self.n {
            2 => out.push((self.acc >> 4) as u8),
            3 => out.extend_from_slice(&[(self.acc >> 10) as u8, (self.acc >> 2) as u8]),
            _ => {}
        }
        self.acc = 0;
        self.n = 0;
    }
}

/// Strict check of a compact base64 string (no whitespace allowed), as used inside
/// encoded words. Returns the decoded bytes and the first problem (offset, en, ja).
pub(crate) fn b64_decode_strict(
    s: &[u8],
) -> (Vec<u8>, Option<(usize, &'static str, &'static str)>) {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut dec = B64Decoder::default();
    let mut problem = None;
    let mut data = 0usize;
    let mut pads = 0usize;
    for (i, &b) in s.iter().enumerate() {
        if b == b'=' {
            pads += 1;
        } else if b64_value(b).is_some() {
            if pads > 0 && problem.is_none() {
                problem = Some((
                    i,
                    "data after '=' padding",
                    "'=' パディングの後にデータがあります",
                ));
            }
            data += 1;
        } else if problem.is_none() {
            problem = Some((
                i,
                "character outside the base64 alphabet",
                "base64 のアルファベット以外の文字です",
            ));
        }
        dec.push(b, &mut out);
    }
    dec.flush(&mut out);
    if problem.is_none() {
        let ok = matches!((data % 4, pads), (0, 0) | (2, 2) | (3, 1));
        if !ok {
            problem = Some((
                s.len(),
                "length is not a multiple of 4 or wrong '=' padding",
                "長さが 4 の倍数でないか、'=' パディングが正しくありません",
            ));
        }
    }
    (out, problem)
}

/// Base64 encoding without line breaks.
pub(crate) fn b64_encode(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let idx = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for (k, &ix) in idx.iter().enumerate() {
            if k <= chunk.len() {
                s.push(char::from(
                    ALPHABET.get(ix as usize).copied().unwrap_or(b'A'),
                ));
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        for n in 0..20u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let enc = b64_encode(&data);
            let (dec, p) = b64_decode_strict(enc.as_bytes());
            assert_eq!(dec, data);
            assert!(p.is_none(), "{enc}");
        }
    }

    #[test]
    fn strict_errors() {
        assert!(b64_decode_strict(b"QUJD").1.is_none());
        assert!(b64_decode_strict(b"QUI").1.is_some());
        assert!(b64_decode_strict(b"QU=I").1.is_some());
        assert!(b64_decode_strict(b"Q!JD").1.is_some());
    }
}
