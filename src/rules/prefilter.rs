//! A cheap "could a dictionary term start here?" test, built from the terms' first words.
//!
//! Dictionary matching runs an anchored automaton search at every word start. A term can
//! only match where the text's word is the term's first word (a term ends on a word
//! boundary, or with a plural `s`), so a set of the terms' first words rejects almost every
//! position with one hash of the word instead of a walk through the automaton. It never
//! rejects a position where a term starts; it only lets a few through in vain.

use crate::util::is_word_char;

/// Bits in the first-word set: 2^20 bits (128 KiB); ~10k first words fill about 1 % of it.
const BITS: u32 = 20;

/// The first words of every term (ASCII-lower-cased, as the automaton folds case), and the
/// first bytes of the terms that start with punctuation.
#[derive(Debug, Clone)]
pub(crate) struct Prefilter {
    words: Vec<u64>,
    punct: [bool; 256],
}

/// FNV-1a over the ASCII-lower-cased bytes, folded to `BITS` bits.
fn hash(word: &[u8]) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> (64 - BITS)) as usize
}

/// Byte length of the run of word characters at the start of `s`.
fn word_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 {
            if !(b[i].is_ascii_alphanumeric() || b[i] == b'_') {
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

impl Prefilter {
    /// Builds the set from the surface forms the automaton matches.
    pub(crate) fn new<S: AsRef<str>>(surfaces: &[S]) -> Prefilter {
        let mut p = Prefilter {
            words: vec![0; (1 << BITS) / 64],
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
                    let h = hash(&s.as_bytes()[..n]);
                    p.words[h / 64] |= 1 << (h % 64);
                }
            }
        }
        p
    }

    fn has(&self, word: &[u8]) -> bool {
        let h = hash(word);
        self.words[h / 64] & (1 << (h % 64)) != 0
    }

    /// Whether some term may start at a word whose characters are `word` (a maximal run of
    /// word characters).
    #[inline]
    pub(crate) fn may_start_word(&self, word: &[u8]) -> bool {
        let n = word.len();
        // "BERTs": a term may end before a plural `s`.
        self.has(word) || (n > 1 && word[n - 1] == b's' && self.has(&word[..n - 1]))
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
            n => self.may_start_word(&text.as_bytes()[i..i + n]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        ];
        let p = Prefilter::new(&terms);
        for (text, at, want) in [
            ("we use BERT here", 7, true),
            ("two BERTs", 4, true),
            ("the QA task", 4, true),
            ("GPT-4V", 0, true),
            ("K-Means clustering", 0, true),
            ("école normale", 0, true),
            ("with .NET", 5, true),
            ("C++ code", 0, true),
            ("the model", 0, false),
            ("berts", 1, false),
            ("(see", 0, false),
        ] {
            assert_eq!(p.may_start(text, at), want, "{text:?} at {at}");
        }
    }
}
