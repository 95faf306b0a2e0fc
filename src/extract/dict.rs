//! Dictionary matching: all terms of all types, tried from each place a term may start.

use super::{is_word_char, Cand, Source};
use crate::rules::RuleSet;
use crate::util::byte_class;

/// The end of the accepted match, allowing a plural `s` after a term ending in a letter.
fn right_end(text: &str, end: usize) -> Option<usize> {
    let last = text[..end].chars().next_back();
    let mut rest = text[end..].chars();
    let next = rest.next();
    if !(last.is_some_and(is_word_char) && next.is_some_and(is_word_char)) {
        return Some(end);
    }
    if next == Some('s')
        && last.is_some_and(|c| c.is_alphabetic())
        && !rest.next().is_some_and(is_word_char)
    {
        return Some(end + 1);
    }
    None
}

/// The end of a version right after a name ending at `end`, if one follows: " 2.0",
/// " v1.1", " v2", " 2007", "'14", "-1K", "-273", "-MRC", "-C" (also " - MRC", as tokenized
/// corpora write it). The version must end the word.
pub(crate) fn version_end(text: &str, end: usize) -> Option<usize> {
    let b = text.as_bytes();
    let digits = |mut i: usize| {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i > s).then_some(i)
    };
    let ends_word = |i: usize| {
        text[i..]
            .chars()
            .next()
            .is_none_or(|c| !super::is_word_char(c))
    };
    let rest = &b[end..];
    let v = if rest.first() == Some(&b' ') {
        let i = end + 1;
        if rest.starts_with(b" - ") {
            hyphen_suffix(b, end + 3)
        } else if b.get(i).is_some_and(|c| *c == b'v' || *c == b'V') {
            // " v1.1", " v2"
            let mut j = digits(i + 1)?;
            while b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                j = digits(j + 1)?;
            }
            Some(j)
        } else {
            let j = digits(i)?;
            if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                // " 2.0", " 1.1": one digit each side, so that a score ("StrategyQA 58.9",
                // "SQuAD 9.25", "MNIST 0.5%") is no version.
                let k = digits(j + 1)?;
                (j - i == 1 && k - j == 2 && b.get(k) != Some(&b'%')).then_some(k)
            } else if j - i == 4 && (b[i..].starts_with(b"19") || b[i..].starts_with(b"20")) {
                // " 2007"
                Some(j)
            } else {
                None
            }
        }
    } else if rest.first() == Some(&b'\'') {
        // "WMT'14"
        digits(end + 1).filter(|j| j - end == 3)
    } else if rest.first() == Some(&b'-') {
        hyphen_suffix(b, end + 1)
    } else {
        None
    };
    v.filter(|&j| ends_word(j) && b.get(j) != Some(&b'-'))
}

/// After a hyphen: digits with at most one letter ("1K", "273") or a decimal ("5.0"), or capitals and digits
/// ("MRC", "C", "CC").
fn hyphen_suffix(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if b.get(j).is_some_and(u8::is_ascii_digit) {
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if b.get(j).is_some_and(u8::is_ascii_alphabetic) {
            j += 1;
        } else if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
            // "OntoNotes-5.0", "OntoNotes - 5.0": the whole decimal, not "OntoNotes - 5".
            j += 1;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
        }
    } else {
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            j += 1;
        }
    }
    (j > i).then_some(j)
}

/// A word of a field: a maximal run of word characters ([`is_word_char`]), as byte
/// offsets, with the prefilter's hash of it ([`crate::rules::word_hash`]).
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    hash: u64,
}

/// The word that starts at byte `start` of `text` (a word character), hashed.
#[inline(always)]
fn word_at(text: &str, start: usize) -> Word {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        if byte_class::word(bytes[i]) {
            i += 1;
            continue;
        }
        let (c, len) = char_at(text, i);
        if !is_word_char(c) {
            break;
        }
        i += len;
    }
    Word {
        start,
        end: i,
        hash: crate::rules::word_hash(&bytes[start..i]),
    }
}

/// The first word of `text` at or after byte `from`, hashed.
fn next_word(text: &str, mut from: usize) -> Option<Word> {
    let bytes = text.as_bytes();
    while from < bytes.len() {
        let b = bytes[from];
        if b < 0x80 {
            if byte_class::word(b) {
                return Some(word_at(text, from));
            }
            from += 1;
        } else {
            let (c, len) = char_at(text, from);
            if is_word_char(c) {
                return Some(word_at(text, from));
            }
            from += len;
        }
    }
    None
}

/// Appends the dictionary candidates found in `text` to `out`.
///
/// Terms can only start where a word starts (or at punctuation), so instead of scanning the
/// whole text with an unanchored search, the trie is walked from each such position: a few
/// steps per word, and the word-boundary check on the left holds by construction. Each
/// word is hashed once for the prefilter, which also looks at the word after it: that one
/// is kept for when the scan reaches it.
pub(crate) fn find<'a>(rules: &'a RuleSet, text: &'a str, out: &mut Vec<Cand<'a>>) {
    let bytes = text.as_bytes();
    let pf = &rules.dict_prefilter;
    // The terms starting at a position, as (end, slot), shortest first.
    let mut ends: Vec<(usize, u32)> = Vec::new();
    let mut next_allowed = 0;
    // The word after the last one the prefilter looked at, if it looked.
    let mut ahead: Option<Word> = None;
    let mut i = 0;
    while i < bytes.len() {
        if byte_class::TABLE[usize::from(bytes[i])] & byte_class::SPACE != 0 {
            i += 1;
            continue;
        }
        let start = i;
        // A word (a term may start at its first character), or one other character (a
        // term may start at punctuation, never at whitespace).
        let (c, len) = char_at(text, i);
        let may_start = if is_word_char(c) {
            let w = match ahead.take() {
                Some(w) if w.start == start => w,
                _ => word_at(text, start),
            };
            i = w.end;
            start >= next_allowed
                && pf.may_start_hashed(&bytes[start..w.end], w.hash, || {
                    ahead = next_word(text, w.end);
                    ahead.map(|n| (&bytes[n.start..n.end], n.hash))
                })
        } else {
            i += len;
            !c.is_whitespace() && start >= next_allowed && pf.may_start_punct(bytes[start])
        };
        if !may_start {
            continue;
        }
        ends.clear();
        rules.dict_trie.prefixes(bytes, start, &mut ends);
        // The longest term first; a shorter one where the longer is not accepted.
        for &(end, slot) in ends.iter().rev() {
            if let Some(c) = accept(rules, text, slot as usize, start, end) {
                next_allowed = c.end;
                out.push(c);
                break;
            }
        }
    }
}

/// The character at byte `i` and its length, with a fast path for ASCII.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        (char::from(b), 1)
    } else {
        let c = text[i..].chars().next().expect("char boundary");
        (c, c.len_utf8())
    }
}

fn accept<'a>(
    rules: &'a RuleSet,
    text: &'a str,
    slot: usize,
    start: usize,
    end: usize,
) -> Option<Cand<'a>> {
    let end2 = right_end(text, end)?;
    let found = &text[start..end];
    for &ei in &rules.dict_slots[slot] {
        let e = &rules.dict_entries[ei as usize];
        if e.sensitive && e.surface != found {
            continue;
        }
        if rules.type_info[e.type_idx].versions && end2 == end {
            if let Some(v) = version_end(text, end) {
                return Some(Cand {
                    start,
                    end: v,
                    type_idx: e.type_idx,
                    canonical: &text[start..v],
                    rule: e.rule,
                    role: None,
                    source: Source::Dict,
                });
            }
        }
        return Some(Cand {
            start,
            end: end2,
            type_idx: e.type_idx,
            canonical: &e.canonical,
            rule: e.rule,
            role: None,
            source: Source::Dict,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::version_end;

    /// The dictionary scan as it was first written: the trie walked from every word start
    /// and every punctuation character, no prefilter.
    fn find_simple<'a>(
        rules: &'a crate::rules::RuleSet,
        text: &'a str,
        out: &mut Vec<super::Cand<'a>>,
    ) {
        let bytes = text.as_bytes();
        let mut ends = Vec::new();
        let mut next_allowed = 0;
        let mut prev_word = false;
        for (i, c) in text.char_indices() {
            let word = super::is_word_char(c);
            let starts = if word { !prev_word } else { !c.is_whitespace() };
            prev_word = word;
            if !starts || i < next_allowed {
                continue;
            }
            ends.clear();
            rules.dict_trie.prefixes(bytes, i, &mut ends);
            for &(end, slot) in ends.iter().rev() {
                if let Some(c) = super::accept(rules, text, slot as usize, i, end) {
                    next_allowed = c.end;
                    out.push(c);
                    break;
                }
            }
        }
    }

    /// The scan over hashed words with the prefilter finds what walking the trie from every
    /// possible start finds: on the example page, 2,000 arXiv abstracts (when the shared
    /// data is there) and texts of dictionary words, punctuation and other scripts.
    #[test]
    fn same_candidates_as_walking_every_start() {
        use crate::corpus::{read_inputs, ReadOptions, Record};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules = crate::rules::load_dir(&root.join("rules")).unwrap();
        let mut texts: Vec<String> = Vec::new();
        let mut inputs = vec![root.join("examples/trending-papers.txt")];
        let arxiv = root
            .join("../shared/data/arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz");
        if arxiv.exists() {
            inputs.push(arxiv);
        }
        for input in inputs {
            for r in read_inputs(&[input], &ReadOptions::default())
                .unwrap()
                .take(2000)
            {
                if let Record::Paper(p) = r.unwrap() {
                    texts.push(p.title);
                    texts.push(p.abstract_text);
                }
            }
        }
        let pieces = [
            "BERT",
            "BERTs",
            "ImageNet",
            "ImageNet-1K",
            "neural network",
            "neural networks",
            "SQuAD 2.0",
            "GPT-4",
            "C++",
            ".NET",
            "U.S.",
            "k-means",
            "école",
            "naïve Bayes",
            "transformer",
            "Transformers",
            "(",
            ")",
            ",",
            " - ",
            "’s",
            "—",
            "\u{a0}",
            "数据",
            "CIFAR-10",
            "CIFAR - 10",
            "MNIST",
            "the",
            "of",
            "and",
            "x_y",
            "_",
            "e.g.",
            "'14",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..(x % 12) {
                crate::util::xorshift(&mut x);
                t.push_str(pieces[(x % pieces.len() as u64) as usize]);
                crate::util::xorshift(&mut x);
                t.push_str([" ", "", "  ", "\n", "-"][(x % 5) as usize]);
            }
            crate::util::xorshift(&mut x);
            texts.push(t);
        }
        let mut found = 0;
        for t in &texts {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            super::find(&rules, t, &mut fast);
            find_simple(&rules, t, &mut slow);
            let key =
                |c: &super::Cand| (c.start, c.end, c.type_idx, c.rule, c.canonical.to_string());
            assert_eq!(
                fast.iter().map(key).collect::<Vec<_>>(),
                slow.iter().map(key).collect::<Vec<_>>(),
                "{t:?}"
            );
            found += fast.len();
        }
        assert!(found > 10_000, "{found}");
    }

    #[test]
    fn versions() {
        // (text, where the name ends, the name with its version)
        let table: &[(&str, usize, Option<&str>)] = &[
            ("SQuAD 2.0 is", 5, Some("SQuAD 2.0")),
            ("SQuAD v1.1.", 5, Some("SQuAD v1.1")),
            ("VQA v2 test", 3, Some("VQA v2")),
            ("PASCAL VOC 2007 test", 10, Some("PASCAL VOC 2007")),
            ("WMT'14 data", 3, Some("WMT'14")),
            ("ImageNet-1K.", 8, Some("ImageNet-1K")),
            ("KLUE-MRC and", 4, Some("KLUE-MRC")),
            ("WSC-273,", 3, Some("WSC-273")),
            ("KLUE - MRC", 4, Some("KLUE - MRC")),
            ("OntoNotes - 5.0 data", 9, Some("OntoNotes - 5.0")),
            ("OntoNotes-5.0.", 9, Some("OntoNotes-5.0")),
            // not versions: other numbers, lowercase suffixes, longer words
            ("SQuAD 2 questions", 5, None),
            ("StrategyQA 58.9 to 60.2", 10, None),
            ("SQuAD 9.25", 5, None),
            ("MNIST 0.5% error", 5, None),
            ("SQuAD 12345", 5, None),
            ("MNIST 1000 images", 5, None),
            ("ImageNet-pretrained", 8, None),
            ("KLUE-RoBERTa", 4, None),
            ("SQuAD 2.0-style", 5, None),
            ("SQuAD.", 5, None),
            ("SQuAD v", 5, None),
        ];
        for (text, end, want) in table {
            let got = version_end(text, *end).map(|e| &text[..e]);
            assert_eq!(got, *want, "{text}");
        }
    }
}
