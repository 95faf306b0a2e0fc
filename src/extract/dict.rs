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
pub(crate) fn find<'a>(rules: &'a RuleSet, text: &'a str, out: &mut Vec<Cand<'a>>) {
    let Some(ac) = &rules.dict_ac else { return };
    let bytes = text.as_bytes();
    let mut next_allowed = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        // A run of word characters (a term may start at its first), or one other character
        // (a term may start at punctuation, never at whitespace).
        let (c, len) = char_at(text, i);
        let may_start = if is_word_char(c) {
            i += len;
            while i < bytes.len() {
                let (c, len) = char_at(text, i);
                if !is_word_char(c) {
                    break;
                }
                i += len;
            }
            start >= next_allowed && rules.dict_prefilter.may_start_word(text, start, i - start)
        } else {
            i += len;
            !c.is_whitespace()
                && start >= next_allowed
                && rules.dict_prefilter.may_start_punct(bytes[start])
        };
        if !may_start {
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
