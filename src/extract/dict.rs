//! Dictionary matching: one Aho-Corasick pass per field over all terms of all types.

use super::{is_word_char, Cand, Source};
use crate::rules::RuleSet;
use aho_corasick::{Anchored, Input};

/// Whether `text[start..end]` stands on word boundaries: the term may not continue a word
/// on either side ("GAN" must not match in "organ", "CIRR" not in "CIRRUS"). Edges of the
/// term that are not word characters (e.g. `C++`) need no boundary.
fn left_ok(text: &str, start: usize) -> bool {
    let first = text[start..].chars().next();
    let prev = text[..start].chars().next_back();
    !(first.is_some_and(is_word_char) && prev.is_some_and(is_word_char))
}

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
pub(crate) fn find(rules: &RuleSet, text: &str, out: &mut Vec<Cand>) {
    let Some(ac) = &rules.dict_ac else { return };
    let mut pos = 0;
    while pos < text.len() {
        let Some(m) = ac.find(Input::new(text).range(pos..)) else {
            break;
        };
        let start = m.start();
        let mut accepted = None;
        if left_ok(text, start) {
            let mut cur = Some(m);
            while let Some(mm) = cur {
                if let Some(c) = accept(rules, text, mm.pattern().as_usize(), start, mm.end()) {
                    accepted = Some(c);
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
        match accepted {
            Some(c) => {
                pos = c.end;
                out.push(c);
            }
            None => {
                pos = start + text[start..].chars().next().map_or(1, char::len_utf8);
            }
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
