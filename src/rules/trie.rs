//! The dictionary's surface forms as a byte trie, searched only from where a term may start.
//!
//! Dictionary matching never needs an unanchored search: it tries the terms at word starts
//! (and punctuation) only, and at each such place wants every term the text starts with,
//! longest first. A trie answers that in one walk, and it builds in a few milliseconds,
//! where a general multi-pattern automaton spends most of the rule loading time on failure
//! transitions that an anchored search never follows.

/// No node / no term.
const NONE: u32 = u32::MAX;

/// A set of byte strings (ASCII case-insensitive), each with a slot number.
#[derive(Debug, Clone)]
pub(crate) struct Trie {
    /// The root's children, dense: almost every walk starts here.
    root: [u32; 256],
    /// Per node: its children are `edge_bytes[first[n]..first[n + 1]]` (sorted), leading to
    /// the nodes `edge_next[..]` at the same positions.
    first: Vec<u32>,
    edge_bytes: Vec<u8>,
    edge_next: Vec<u32>,
    /// Per node: the slot of the string ending there, or [`NONE`].
    slot: Vec<u32>,
}

impl Trie {
    /// Builds the trie of `keys`; key `i` gets slot `i`. Keys are matched with ASCII
    /// letters in either case; of keys equal up to ASCII case, the first one's slot wins.
    pub(crate) fn new<S: AsRef<[u8]>>(keys: &[S]) -> Trie {
        let lower: Vec<Vec<u8>> = keys
            .iter()
            .map(|k| k.as_ref().to_ascii_lowercase())
            .collect();
        // In sorted order each key shares a prefix with the one before and adds one new
        // branch, so the nodes come out without searching, and each node's children come
        // out in byte order.
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|&a, &b| lower[a].cmp(&lower[b]).then(a.cmp(&b)));
        let mut slot = vec![NONE];
        // (parent, byte, child) in creation order.
        let mut edges: Vec<(u32, u8, u32)> = Vec::new();
        // The nodes along the previous key: the root, then one per byte.
        let mut path: Vec<u32> = vec![0];
        let mut prev: &[u8] = &[];
        for &i in &order {
            let key = &lower[i][..];
            let common = prev.iter().zip(key).take_while(|(a, b)| a == b).count();
            path.truncate(common + 1);
            for &b in &key[common..] {
                let child = u32::try_from(slot.len()).expect("fewer than 2^32 nodes");
                edges.push((*path.last().expect("root"), b, child));
                slot.push(NONE);
                path.push(child);
            }
            let end = *path.last().expect("root") as usize;
            if slot[end] == NONE {
                slot[end] = u32::try_from(i).expect("fewer than 2^32 terms");
            }
            prev = key;
        }
        // Children grouped by parent (a counting sort keeps each group in byte order).
        let mut first = vec![0u32; slot.len() + 1];
        for &(p, _, _) in &edges {
            first[p as usize + 1] += 1;
        }
        for n in 1..first.len() {
            first[n] += first[n - 1];
        }
        let mut fill = first.clone();
        let mut edge_bytes = vec![0u8; edges.len()];
        let mut edge_next = vec![0u32; edges.len()];
        for &(p, b, c) in &edges {
            let k = fill[p as usize] as usize;
            edge_bytes[k] = b;
            edge_next[k] = c;
            fill[p as usize] += 1;
        }
        let mut root = [NONE; 256];
        for k in first[0] as usize..first[1] as usize {
            root[usize::from(edge_bytes[k])] = edge_next[k];
        }
        Trie {
            root,
            first,
            edge_bytes,
            edge_next,
            slot,
        }
    }

    /// Appends `(end, slot)` for every key that `text[start..]` begins with, shortest
    /// first, so that `end` is the byte offset in `text` where the key ends.
    #[inline]
    pub(crate) fn prefixes(&self, text: &[u8], start: usize, out: &mut Vec<(usize, u32)>) {
        let Some(&b) = text.get(start) else { return };
        let mut n = self.root[usize::from(b.to_ascii_lowercase())];
        let mut i = start + 1;
        while n != NONE {
            let node = n as usize;
            if self.slot[node] != NONE {
                out.push((i, self.slot[node]));
            }
            let Some(&b) = text.get(i) else { break };
            let b = b.to_ascii_lowercase();
            let (lo, hi) = (self.first[node] as usize, self.first[node + 1] as usize);
            n = match self.edge_bytes[lo..hi].iter().position(|&e| e == b) {
                Some(k) => self.edge_next[lo + k],
                None => NONE,
            };
            i += 1;
        }
    }

    /// Number of nodes, the root included.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slot.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Trie;
    use aho_corasick::{AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};

    /// Every key a text begins with, longest first, as the anchored leftmost-longest
    /// automaton finds them by searching again in ever shorter ranges.
    fn by_automaton(keys: &[&str], text: &str, start: usize) -> Vec<(usize, u32)> {
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .start_kind(StartKind::Anchored)
            .build(keys)
            .unwrap();
        let mut out = Vec::new();
        let mut cur = ac.find(Input::new(text).range(start..).anchored(Anchored::Yes));
        while let Some(m) = cur {
            out.push((m.end(), m.pattern().as_u32()));
            cur = (m.end() > start + 1)
                .then(|| {
                    ac.find(
                        Input::new(text)
                            .range(start..m.end() - 1)
                            .anchored(Anchored::Yes),
                    )
                })
                .flatten();
        }
        out
    }

    fn by_trie(t: &Trie, text: &str, start: usize) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        t.prefixes(text.as_bytes(), start, &mut out);
        out.reverse();
        out
    }

    #[test]
    fn prefixes_longest_first_ignoring_ascii_case() {
        // "BE" repeats "be" up to case: the first slot wins.
        let keys = [
            "bert",
            "bert-base",
            "be",
            "gpt-4",
            "gpt-4v",
            "é-net",
            "x",
            "BE",
        ];
        let t = Trie::new(&keys);
        // (text, start, the keys found as (end, slot), longest first)
        type Row = (&'static str, usize, &'static [(usize, u32)]);
        let table: &[Row] = &[
            ("BERT-Base model", 0, &[(9, 1), (4, 0), (2, 2)]),
            ("use Bert.", 4, &[(8, 0), (6, 2)]),
            ("GPT-4V and", 0, &[(6, 4), (5, 3)]),
            ("gpt-4", 0, &[(5, 3)]),
            ("É-Net", 0, &[]), // only ASCII letters fold
            ("é-NET", 0, &[(6, 5)]),
            ("b", 0, &[]),
            ("", 0, &[]),
            ("xx", 1, &[(2, 6)]),
        ];
        for &(text, start, want) in table {
            assert_eq!(by_trie(&t, text, start), want, "{text:?} at {start}");
        }
        // The root, "bert-base" (with "bert" and "be"), "gpt-4v", "é-net" (é is two bytes), "x".
        assert_eq!(t.len(), 1 + 9 + 6 + 6 + 1);
    }

    #[test]
    fn same_as_the_anchored_automaton_on_random_texts() {
        // Small alphabet so that keys overlap and share prefixes a lot.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            crate::util::xorshift(&mut seed);
            seed
        };
        let alphabet = ["a", "B", "b", "-", " ", "é", "ab", "A"];
        let mut word = |n: u64| -> String {
            (0..n)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        };
        let mut keys: Vec<String> = (0..60).map(|i| word(1 + i % 6)).collect();
        // Lower-cased and distinct, as the rules compile them.
        for k in &mut keys {
            *k = k.to_ascii_lowercase();
        }
        keys.sort();
        keys.dedup();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let t = Trie::new(&refs);
        let mut found = 0;
        for _ in 0..300 {
            let text = word(12);
            for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
                let want = by_automaton(&refs, &text, start);
                assert_eq!(by_trie(&t, &text, start), want, "{text:?} at {start}");
                found += want.len();
            }
        }
        assert!(found > 1000, "{found}");
    }
}
