//! A cheap "could a dictionary term start here?" test, built from the terms' first words.
//!
//! Dictionary matching walks the terms' trie from every word start. A term can
//! only match where the text's words are the term's words (a term ends on a word boundary,
//! or with a plural `s`), so sets of the terms' first words and first two words reject
//! almost every position with a hash or two instead of a walk through the trie. The
//! test never rejects a position where a term starts; it only lets a few through in vain.

use crate::util::{byte_class, is_word_char};

/// Bits in each word set: 2^20 bits (128 KiB); ~10k entries fill about 1 % of it.
const BITS: u32 = 20;

/// A set of words (or word pairs) as a bit table of their hashes.
#[derive(Debug, Clone)]
struct HashBits(Vec<u64>);

impl HashBits {
    fn new() -> HashBits {
        HashBits(vec![0; (1 << BITS) / 64])
    }
    fn insert(&mut self, h: u64) {
        let i = (h >> (64 - BITS)) as usize;
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn contains(&self, h: u64) -> bool {
        let i = (h >> (64 - BITS)) as usize;
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// The words of every term (ASCII-lower-cased, as the trie folds case): one-word terms,
/// the first word of longer terms, and their first two words; and the first bytes of the
/// terms that start with punctuation.
#[derive(Debug, Clone)]
pub(crate) struct Prefilter {
    single: HashBits,
    first: HashBits,
    pairs: HashBits,
    punct: [bool; 256],
}

const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

/// `x` with the ASCII capitals among its eight bytes lower-cased (other bytes unchanged).
#[inline]
fn lower8(x: u64) -> u64 {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HI: u64 = 0x8080_8080_8080_8080;
    let low = x & LO7;
    // Per byte, the high bit says: at least 'A', more than 'Z' (ASCII bytes only).
    let ge_a = low + 0x3f3f_3f3f_3f3f_3f3f;
    let gt_z = low + 0x2525_2525_2525_2525;
    let upper = ge_a & !gt_z & !x & HI;
    x | (upper >> 2)
}

/// A hash of the ASCII-lower-cased bytes, continuing from `h`: eight bytes at a time, as
/// every word of every field is hashed once.
#[inline]
fn hash(mut h: u64, word: &[u8]) -> u64 {
    let mut chunks = word.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        h = (h.rotate_left(23) ^ lower8(x)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    let rest = chunks.remainder();
    // The length keeps "ab" apart from "ab" followed by NUL bytes.
    let x = crate::util::le_tail(rest) ^ ((rest.len() as u64) << 59);
    h = (h.rotate_left(23) ^ lower8(x)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 32)
}

/// The hash of a word (ASCII-lower-cased) that [`Prefilter::may_start_hashed`] takes: the
/// dictionary scan hashes every word of a field once, and pairs combine two such hashes.
#[inline]
pub(crate) fn word_hash(word: &[u8]) -> u64 {
    hash(HASH_START, word)
}

/// The hash of a word pair, from the hashes of its words (the rotation keeps "a b" apart
/// from "b a").
#[inline]
fn pair_hash(h1: u64, h2: u64) -> u64 {
    let x = (h1.rotate_left(23) ^ h2).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^ (x >> 32)
}

/// Byte length of the run of word characters at the start of `s`.
#[inline]
fn word_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 {
            if !byte_class::word(b[i]) {
                break;
            }
            i += 1;
        } else {
            match s[i..].chars().next() {
                Some(c) if is_word_char(c) => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    i
}

/// The next word of `s` after any non-word characters, if any.
#[inline]
fn next_word(s: &str) -> Option<&[u8]> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // ASCII non-word bytes (mostly the one space) skipped without decoding.
        if b[i] < 0x80 && !byte_class::word(b[i]) {
            i += 1;
            continue;
        }
        let n = word_len(&s[i..]);
        if n > 0 {
            return Some(&b[i..i + n]);
        }
        i += s[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// `w` without a final plural `s`, if it has one.
fn unplural(w: &[u8]) -> Option<&[u8]> {
    match w {
        [rest @ .., b's'] if !rest.is_empty() => Some(rest),
        _ => None,
    }
}

impl Prefilter {
    /// Builds the sets from the surface forms the trie holds.
    pub(crate) fn new<S: AsRef<str>>(surfaces: &[S]) -> Prefilter {
        let mut p = Prefilter {
            single: HashBits::new(),
            first: HashBits::new(),
            pairs: HashBits::new(),
            punct: [false; 256],
        };
        for s in surfaces {
            let s = s.as_ref();
            match word_len(s) {
                0 => {
                    if let Some(&b) = s.as_bytes().first() {
                        p.punct[usize::from(b.to_ascii_lowercase())] = true;
                    }
                }
                n => {
                    let w1 = &s.as_bytes()[..n];
                    match next_word(&s[n..]) {
                        None => p.single.insert(word_hash(w1)),
                        Some(w2) => {
                            p.first.insert(word_hash(w1));
                            p.pairs.insert(pair_hash(word_hash(w1), word_hash(w2)));
                        }
                    }
                }
            }
        }
        p
    }

    /// Whether some term may start at the word `w1` (a maximal run of word characters,
    /// whose [`word_hash`] is `h1`), judging by that word and the one `next` gives (the
    /// next word of the text after any non-word characters, with its hash), which is asked
    /// for only when the first word does not decide.
    #[inline]
    pub(crate) fn may_start_hashed<'t>(
        &self,
        w1: &[u8],
        h1: u64,
        next: impl FnOnce() -> Option<(&'t [u8], u64)>,
    ) -> bool {
        // "BERTs": a one-word term may end before a plural `s`.
        if self.single.contains(h1)
            || unplural(w1).is_some_and(|w| self.single.contains(word_hash(w)))
        {
            return true;
        }
        if !self.first.contains(h1) {
            return false;
        }
        let Some((w2, h2)) = next() else {
            return false;
        };
        self.pairs.contains(pair_hash(h1, h2))
            || unplural(w2).is_some_and(|w| self.pairs.contains(pair_hash(h1, word_hash(w))))
    }

    /// Whether some term may start with the punctuation byte `b`.
    #[inline]
    pub(crate) fn may_start_punct(&self, b: u8) -> bool {
        self.punct[usize::from(b.to_ascii_lowercase())]
    }

    /// Whether some term may start at byte `i` of `text` (a word start or punctuation).
    #[cfg(test)]
    fn may_start(&self, text: &str, i: usize) -> bool {
        match word_len(&text[i..]) {
            0 => self.may_start_punct(text.as_bytes()[i]),
            n => {
                let w1 = &text.as_bytes()[i..i + n];
                let next = || next_word(&text[i + n..]).map(|w| (w, word_hash(w)));
                self.may_start_hashed(w1, word_hash(w1), next)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower8_lowercases_ascii_capitals_only() {
        for start in (0..=255u8).step_by(8) {
            let bytes: [u8; 8] = std::array::from_fn(|i| start.wrapping_add(i as u8));
            let want = bytes.map(|b| b.to_ascii_lowercase());
            assert_eq!(
                lower8(u64::from_le_bytes(bytes)).to_le_bytes(),
                want,
                "{bytes:?}"
            );
        }
        assert_eq!(
            hash(HASH_START, b"BERT Model"),
            hash(HASH_START, b"bert model")
        );
        assert_ne!(hash(HASH_START, b"ab"), hash(HASH_START, b"ab\0"));
    }

    #[test]
    fn never_rejects_a_term_start_and_rejects_other_words() {
        let terms = [
            "bert",
            "qa",
            "gpt-4",
            "k-means",
            "école normale",
            ".net",
            "c++",
            "neural network",
            "u.s.",
        ];
        let p = Prefilter::new(&terms);
        for (text, at, want) in [
            ("we use BERT here", 7, true),
            ("two BERTs", 4, true),
            ("the QA task", 4, true),
            ("GPT-4 model", 0, true),
            // "GPT-4" cannot end inside "4V".
            ("GPT-4V", 0, false),
            ("K-Means clustering", 0, true),
            ("école normale", 0, true),
            ("with .NET", 5, true),
            ("C++ code", 0, true),
            ("Neural Networks", 0, true),
            ("neural - network", 0, true),
            ("in the U.S.", 7, true),
            ("the model", 0, false),
            ("berts", 1, false),
            ("(see", 0, false),
            ("neural ode", 0, false),
            ("neural", 0, false),
        ] {
            assert_eq!(p.may_start(text, at), want, "{text:?} at {at}");
        }
    }
}
