//! Dictionary matching: one Aho-Corasick pass per field over all terms of all types.

use super::{is_word_char, Cand, Source};
use crate::rules::RuleSet;
use aho_corasick::{Anchored, Input};

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

/// Appends the dictionary candidates found in `text` to `out`.
///
/// Terms can only start where a word starts (or at punctuation), so instead of scanning the
/// whole text with an unanchored search, the automaton runs anchored from each such position:
/// a few transitions per word, and the word-boundary check on the left holds by construction.
pub(crate) fn find(rules: &RuleSet, text: &str, out: &mut Vec<Cand>) {
    let Some(ac) = &rules.dict_ac else { return };
    let mut next_allowed = 0;
    let mut prev_word = false;
    for (start, c) in text.char_indices() {
        let w = is_word_char(c);
        let candidate = (w && !prev_word) || (!w && !c.is_whitespace());
        prev_word = w;
        if !candidate || start < next_allowed {
            continue;
        }
        let mut cur = ac.find(Input::new(text).range(start..).anchored(Anchored::Yes));
        while let Some(mm) = cur {
            if let Some(c) = accept(rules, text, mm.pattern().as_usize(), start, mm.end()) {
                next_allowed = c.end;
                out.push(c);
                break;
            }
            // Try the next shorter term starting at the same place.
            cur = if mm.end() > start + 1 {
                ac.find(
                    Input::new(text)
                        .range(start..mm.end() - 1)
                        .anchored(Anchored::Yes),
                )
            } else {
                None
            };
        }
    }
}

fn accept(rules: &RuleSet, text: &str, slot: usize, start: usize, end: usize) -> Option<Cand> {
    let end2 = right_end(text, end)?;
    let found = &text[start..end];
    for &ei in &rules.dict_slots[slot] {
        let e = &rules.dict_entries[ei as usize];
        if e.sensitive && e.surface != found {
            continue;
        }
        return Some(Cand {
            start,
            end: end2,
            type_idx: e.type_idx,
            canonical: e.canonical.clone(),
            rule: e.rule,
            role: None,
            source: Source::Dict,
        });
    }
    None
}
