//! Finding the patterns' trigger words: every occurrence, overlapping ones included.
//!
//! The words are compiled by aho-corasick into a DFA, then copied into a dense table of
//! byte classes × states, renumbered so that one comparison tells whether a state ends a
//! trigger word. Scanning a field is then one class load and one table load per byte,
//! where a general overlapping search keeps its state in memory between matches.

use crate::hash::FastMap;
use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, MatchKind};

/// A compiled set of trigger words (ASCII case-insensitive).
#[derive(Debug, Clone)]
pub(crate) struct Triggers {
    /// Byte → its class: bytes with the same transitions everywhere share a class.
    classes: [u8; 256],
    /// Number of classes: the width of a table row.
    stride: usize,
    /// Next state per (state, class), states premultiplied by `stride`.
    table: Vec<u32>,
    /// The start state (premultiplied).
    start: u32,
    /// States from this one on (premultiplied) end at least one trigger word.
    first_match: u32,
    /// For each matching state, in order: the words it ends, as (word index, byte length).
    matches: Vec<Vec<(u32, u32)>>,
}

impl Triggers {
    /// Compiles `words`, which are matched anywhere, ignoring ASCII case.
    pub(crate) fn new(words: &[String]) -> Triggers {
        let dfa = aho_corasick::dfa::DFA::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(words)
            .expect("trigger automaton");
        let start = dfa
            .start_state(Anchored::No)
            .expect("unanchored trigger automaton");
        // Every reachable state with its full row of 256 transitions.
        let mut index: FastMap<aho_corasick::automaton::StateID, usize> = FastMap::default();
        let mut states = vec![start];
        index.insert(start, 0);
        let mut rows: Vec<[usize; 256]> = Vec::new();
        let mut k = 0;
        while k < states.len() {
            let mut row = [0usize; 256];
            for (b, slot) in row.iter_mut().enumerate() {
                let next = dfa.next_state(Anchored::No, states[k], b as u8);
                *slot = *index.entry(next).or_insert_with(|| {
                    states.push(next);
                    states.len() - 1
                });
            }
            rows.push(row);
            k += 1;
        }
        // Byte classes: bytes whose columns are equal.
        let mut classes = [0u8; 256];
        let mut columns: FastMap<Vec<usize>, u8> = FastMap::default();
        for (b, class) in classes.iter_mut().enumerate() {
            let column: Vec<usize> = rows.iter().map(|r| r[b]).collect();
            let n = columns.len();
            *class = *columns
                .entry(column)
                .or_insert_with(|| u8::try_from(n).expect("at most 256 classes"));
        }
        let stride = columns.len();
        // States that end no word first, then those that do.
        let is_match = |s: usize| dfa.is_special(states[s]) && dfa.is_match(states[s]);
        let mut order: Vec<usize> = (0..states.len()).filter(|&s| !is_match(s)).collect();
        let n_plain = order.len();
        order.extend((0..states.len()).filter(|&s| is_match(s)));
        let mut new_of = vec![0usize; states.len()];
        for (new, &old) in order.iter().enumerate() {
            new_of[old] = new;
        }
        let pre = |s: usize| u32::try_from(new_of[s] * stride).expect("trigger table size");
        // A power-of-two length lets the scan mask its index instead of checking it.
        let mut table = vec![0u32; (states.len() * stride).next_power_of_two()];
        for &old in &order {
            for (b, &class) in classes.iter().enumerate() {
                table[new_of[old] * stride + usize::from(class)] = pre(rows[old][b]);
            }
        }
        let matches = order[n_plain..]
            .iter()
            .map(|&old| {
                let sid = states[old];
                (0..dfa.match_len(sid))
                    .map(|i| {
                        let p = dfa.match_pattern(sid, i);
                        (p.as_u32(), dfa.pattern_len(p) as u32)
                    })
                    .collect()
            })
            .collect();
        Triggers {
            classes,
            stride,
            table,
            start: pre(0),
            first_match: u32::try_from(n_plain * stride).expect("trigger table size"),
            matches,
        }
    }

    /// Calls `f(word, start, end)` for every occurrence of every word in `text`, overlapping
    /// ones included: in order of their end and, at one end, longest word first (the order
    /// of an overlapping Aho-Corasick search).
    pub(crate) fn for_each(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let mut s = self.start;
        let mut from = 0;
        while let Some((i, state)) = self.next_match(text, from, s) {
            let m = (state - self.first_match) as usize / self.stride;
            for &(word, len) in &self.matches[m] {
                f(word as usize, i + 1 - len as usize, i + 1);
            }
            (from, s) = (i + 1, state);
        }
    }

    /// The first byte from `from` on where a word ends, with the state there, starting in
    /// state `s`. Kept apart from the caller's work on a match so the loop stays in
    /// registers. Eight bytes per round: the end of the text is checked once per round
    /// instead of at every byte (about seven instructions per byte instead of twelve).
    #[inline(never)]
    fn next_match(&self, text: &[u8], from: usize, mut s: u32) -> Option<(usize, u32)> {
        let (table, classes, first) = (&self.table[..], &self.classes, self.first_match);
        let mask = table.len() - 1;
        let step =
            |s: u32, b: u8| table[(s as usize + usize::from(classes[usize::from(b)])) & mask];
        let rest = &text[from..];
        let mut chunks = rest.chunks_exact(8);
        let mut at = from;
        for chunk in &mut chunks {
            let chunk: &[u8; 8] = chunk.try_into().expect("eight bytes");
            for (k, &b) in chunk.iter().enumerate() {
                s = step(s, b);
                if s >= first {
                    return Some((at + k, s));
                }
            }
            at += 8;
        }
        for (k, &b) in chunks.remainder().iter().enumerate() {
            s = step(s, b);
            if s >= first {
                return Some((at + k, s));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Triggers;
    use aho_corasick::{AhoCorasick, MatchKind};

    /// The matches of a general overlapping search, for comparison.
    fn reference(words: &[String], text: &str) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(words)
            .unwrap();
        ac.find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }

    #[test]
    fn finds_what_an_overlapping_search_finds() {
        let words: Vec<String> = [
            "propos", "propose", "use", "using", ", a", ", the", "test", "tested", "data set",
            "datasets", "a", "é",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let t = Triggers::new(&words);
        // Fixed cases, then pseudo-random texts over an alphabet that makes many matches.
        let mut texts: Vec<String> = vec![
            "We Propose, a method using data sets; TESTED on datasets.".into(),
            "proposed proposes propose".into(),
            String::new(),
            "é, théâtre, a, the usingusing".into(),
        ];
        let alphabet: Vec<char> = "proseusingt ,ad héAPU".chars().collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..500 {
            let mut s = String::new();
            for _ in 0..(x % 60) {
                crate::util::xorshift(&mut x);
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            texts.push(s);
        }
        for text in &texts {
            let mut got = Vec::new();
            t.for_each(text.as_bytes(), |w, s, e| got.push((w, s, e)));
            assert_eq!(got, reference(&words, text), "{text:?}");
        }
    }
}
