//! The light noun-phrase chunker behind `[[phrase]]` rules.
//!
//! No part-of-speech tagger: a phrase is a run of adjacent words that are not stop words of
//! the rule's type (the type's `stop_words`, `stop_words_files` and `stop_suffixes`), ending in
//! one of the rule's head nouns. The head must end the noun phrase: the next word is a stop
//! word, punctuation or the end of the text ("speech recognition" in "speech recognition is
//! hard", but not in "speech recognition system", where a method rule with head `system`
//! takes the longer phrase). Optionally `of` + words continues the phrase ("unsupervised
//! learning of morphology").
//!
//! Everything is byte-level and ASCII-lower-cased once per field, with no regex and no
//! per-word allocation, so the chunker costs about one hash lookup per word and rule.

use super::{Cand, Source};
use crate::extract::Field;
use crate::rules::{RuleSet, TypeInfo};

/// A token of the field: a word or one punctuation character; byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub word: bool,
}

/// Splits `text` into words and punctuation. A word is a run of letters and digits with
/// inner `-`, `'`, `’`, `.`, `/`, `+` between word characters ("GPT-4", "3.5", "NEVIS'22");
/// a free-standing dash between two words joins them, as tokenized corpora write hyphens
/// ("multi - document summarization").
pub(crate) fn tokenize(text: &str, out: &mut Vec<Tok>) {
    out.clear();
    let b = text.as_bytes();
    let n = b.len();
    // Length of the word character at `i`, or 0 when it is not one.
    let wlen = |i: usize| -> usize {
        let c = b[i];
        if c < 0x80 {
            usize::from(c.is_ascii_alphanumeric())
        } else {
            match text[i..].chars().next() {
                Some(ch) if ch.is_alphanumeric() => ch.len_utf8(),
                _ => 0,
            }
        }
    };
    let is_w = |i: usize| wlen(i) > 0;
    let mut i = 0;
    while i < n {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if is_w(i) {
            let s = i;
            loop {
                while i < n {
                    // ASCII letters and digits in a tight loop; other characters one by one.
                    if b[i].is_ascii_alphanumeric() {
                        i += 1;
                        continue;
                    }
                    let l = wlen(i);
                    if l == 0 {
                        break;
                    }
                    i += l;
                }
                // Inner joiners.
                if i + 1 < n && matches!(b[i], b'-' | b'\'' | b'.' | b'/' | b'+') && is_w(i + 1) {
                    i += 1;
                    continue;
                }
                // Right single quote (3 bytes) between word characters.
                if i + 3 < n && &b[i..i + 3] == "’".as_bytes() && is_w(i + 3) {
                    i += 3;
                    continue;
                }
                // Spaced dash: "multi - document".
                if i + 3 < n && &b[i..i + 3] == b" - " && is_w(i + 3) {
                    i += 3;
                    continue;
                }
                break;
            }
            out.push(Tok {
                start: s,
                end: i,
                word: true,
            });
        } else {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push(Tok {
                start: i,
                end: i + len,
                word: false,
            });
            i += len;
        }
    }
}

/// Whether a lower-cased word is a stop word of the type (or ends like one).
pub(crate) fn is_stop(info: &TypeInfo, w: &str) -> bool {
    info.stop_words.contains(w)
        || info
            .stop_suffixes
            .iter()
            .any(|s| w.len() >= s.len() + 3 && w.ends_with(s.as_str()))
        || w.bytes().all(|c| c.is_ascii_digit() || c == b'.')
}

/// The phrase rules (bit `i` for `rules.phrases[i]`) a lower-cased word is a head of, as
/// written or as a plural ("networks", "strategies", "classes").
fn head_rules(rules: &RuleSet, w: &str, buf: &mut String) -> u64 {
    let heads = &rules.phrase_heads;
    let mut mask = heads.get(w).copied().unwrap_or(0);
    if let Some(x) = w.strip_suffix('s') {
        mask |= heads.get(x).copied().unwrap_or(0);
        if let Some(y) = x.strip_suffix("ie") {
            buf.clear();
            buf.push_str(y);
            buf.push('y');
            mask |= heads.get(buf.as_str()).copied().unwrap_or(0);
        }
        if let Some(y) = x.strip_suffix('e') {
            mask |= heads.get(y).copied().unwrap_or(0);
        }
    }
    mask
}

/// Runs the phrase rules on one field; appends candidates.
pub(crate) fn find<'a>(
    rules: &RuleSet,
    text: &'a str,
    field: Field,
    toks: &mut Vec<Tok>,
    out: &mut Vec<Cand<'a>>,
) {
    if rules.phrases.is_empty() {
        return;
    }
    tokenize(text, toks);
    let lower = text.to_ascii_lowercase();
    let mut buf = String::new();
    let word = |t: &Tok| &lower[t.start..t.end];
    for i in 0..toks.len() {
        let t = toks[i];
        if !t.word {
            continue;
        }
        let mut mask = head_rules(rules, word(&t), &mut buf);
        while mask != 0 {
            let pi = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let p = &rules.phrases[pi];
            let wanted = match field {
                Field::Title => p.in_title,
                Field::Abstract => p.in_abstract,
            };
            if !wanted {
                continue;
            }
            let info = &rules.type_info[p.type_idx];
            // The head must end the noun phrase, unless `of` continues it.
            let mut end = t.end;
            let mut words_right = 0;
            if let Some(nx) = toks.get(i + 1).filter(|n| n.word) {
                let w = word(nx);
                if w == "of" && p.of {
                    // "of" + 1–3 non-stop words ending the phrase.
                    let mut k = i + 2;
                    while k < toks.len()
                        && toks[k].word
                        && k - i - 1 <= 3
                        && !is_stop(info, word(&toks[k]))
                    {
                        k += 1;
                    }
                    let last = k - 1;
                    let ends = toks
                        .get(k)
                        .is_none_or(|n| !n.word || is_stop(info, word(n)));
                    if last >= i + 2 && ends {
                        end = toks[last].end;
                        words_right = last - i;
                    } else {
                        continue;
                    }
                } else if !is_stop(info, w) {
                    continue;
                }
            }
            // Modifiers to the left.
            let mut j = i;
            while j > 0
                && (i - j + 1 + words_right) < p.max_words
                && toks[j - 1].word
                && !is_stop(info, word(&toks[j - 1]))
            {
                j -= 1;
            }
            if j == i && !p.bare {
                continue;
            }
            if p.name
                && !toks[j..i].iter().any(|t| {
                    text[t.start..t.end]
                        .chars()
                        .any(|c| c.is_uppercase() || c.is_ascii_digit())
                })
            {
                continue;
            }
            let start = toks[j].start;
            out.push(Cand {
                start,
                end,
                type_idx: p.type_idx,
                canonical: &text[start..end],
                rule: p.rule,
                role: p.role,
                source: Source::Pattern,
            });
        }
    }
}
