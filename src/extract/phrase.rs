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
use crate::rules::{PhraseRule, RuleSet, TypeInfo};
use crate::util::byte_class;

/// A token of the field: a word or one punctuation character; byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub word: bool,
    /// Start of the part after the word's last hyphen ("identification" in
    /// "re - identification"); `start` when it has none.
    pub last_part: usize,
}

/// Splits `text` into words and punctuation. A word is a run of letters and digits with
/// inner `-`, `'`, `’`, `.`, `/`, `+` between word characters ("GPT-4", "3.5", "NEVIS'22"),
/// except a `.` between a lower-case letter and a capital (a sentence end without its space);
/// a free-standing dash between two words joins them, as tokenized corpora write hyphens
/// ("multi - document summarization").
pub(crate) fn tokenize(text: &str, out: &mut Vec<Tok>) {
    out.clear();
    // About one token per five bytes of English text: grow once, not at every doubling.
    out.reserve(text.len() / 4);
    let b = text.as_bytes();
    let n = b.len();
    // Length of the word character at `i`, or 0 when it is not one.
    #[inline(always)]
    fn char_len(text: &str, i: usize) -> usize {
        let c = text.as_bytes()[i];
        if c < 0x80 {
            usize::from(byte_class::alnum(c))
        } else {
            non_ascii_len(text, i)
        }
    }
    #[inline(never)]
    fn non_ascii_len(text: &str, i: usize) -> usize {
        match text[i..].chars().next() {
            Some(ch) if ch.is_alphanumeric() => ch.len_utf8(),
            _ => 0,
        }
    }
    let wlen = |i: usize| char_len(text, i);
    let is_w = |i: usize| char_len(text, i) > 0;
    let mut i = 0;
    while i < n {
        if byte_class::TABLE[usize::from(b[i])] & byte_class::SPACE != 0 {
            i += 1;
            continue;
        }
        if is_w(i) {
            let s = i;
            let mut last_part = s;
            loop {
                while i < n {
                    // ASCII letters and digits in a tight loop; other characters one by one.
                    if byte_class::alnum(b[i]) {
                        i += 1;
                        continue;
                    }
                    let l = wlen(i);
                    if l == 0 {
                        break;
                    }
                    i += l;
                }
                // What may join the next word to this one, told apart by its first byte.
                if i + 1 >= n {
                    break;
                }
                match b[i] {
                    // Inner joiners; a full stop between a lower-case letter and a capital
                    // ends a sentence whose space is missing ("paradigm.The system"), not a
                    // word.
                    b'-' | b'\'' | b'.' | b'/' | b'+'
                        if is_w(i + 1)
                            && !(b[i] == b'.'
                                && b[i - 1].is_ascii_lowercase()
                                && b[i + 1].is_ascii_uppercase()) =>
                    {
                        if b[i] == b'-' {
                            last_part = i + 1;
                        }
                        i += 1;
                    }
                    // Right single quote (3 bytes) between word characters.
                    0xe2 if i + 3 < n && &b[i..i + 3] == "’".as_bytes() && is_w(i + 3) => {
                        i += 3;
                    }
                    // Spaced dash: "multi - document"; not before an article unless after
                    // "of" ("state - of - the - art", but "Penn Treebank - the WSJ part").
                    b' ' if i + 3 < n
                        && &b[i..i + 3] == b" - "
                        && is_w(i + 3)
                        && (!starts_article(&b[i + 3..])
                            || text[last_part..i].eq_ignore_ascii_case("of")) =>
                    {
                        i += 3;
                        last_part = i;
                    }
                    _ => break,
                }
            }
            out.push(Tok {
                start: s,
                end: i,
                word: true,
                last_part,
            });
        } else {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push(Tok {
                start: i,
                end: i + len,
                word: false,
                last_part: i,
            });
            i += len;
        }
    }
}

/// Whether `b` starts with the word "the", "a" or "an" (any case).
fn starts_article(b: &[u8]) -> bool {
    let len = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    [&b"the"[..], b"a", b"an"]
        .iter()
        .any(|a| b[..len].eq_ignore_ascii_case(a))
}

/// Whether a lower-cased word is a stop word of the type (or ends like one). A possessive
/// ("model's", "GPT-4’s") also ends a phrase: what follows it is the phrase, not what it
/// belongs to ("the model's continual learning").
pub(crate) fn is_stop(info: &TypeInfo, w: &str) -> bool {
    info.stop_words.contains(w)
        || w.ends_with("'s")
        || w.ends_with("’s")
        || info
            .stop_suffixes
            .iter()
            .any(|s| w.len() >= s.len() + 3 && w.ends_with(s.as_str()))
        || w.bytes().all(|c| c.is_ascii_digit() || c == b'.')
}

fn is_number(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|c| c.is_ascii_digit() || c == b'.')
}

/// Whether token `k` makes the modifiers of a `name` phrase a name: it has a digit, or a
/// capital that is not merely the first letter of a sentence ("Parallel corpora are …"), in
/// a word that is not made of `not_names` words only ("English data", "Arabic-English data").
fn is_name_word(p: &PhraseRule, text: &str, lower: &str, toks: &[Tok], k: usize) -> bool {
    let t = toks[k];
    let w = &text[t.start..t.end];
    let digit = w.bytes().any(|c| c.is_ascii_digit());
    let mut chars = w.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let inner_upper = chars.any(char::is_uppercase);
    if !digit && !first_upper && !inner_upper {
        return false;
    }
    // `not_names` may hold words with digits too ("3D data" says what the data is).
    if lower[t.start..t.end]
        .split(['-', '/', ' '])
        .filter(|x| !x.is_empty())
        .all(|x| p.not_names.contains(x))
    {
        return false;
    }
    digit || inner_upper || !sentence_start(text, toks, k)
}

/// Whether token `k` starts a sentence: first token, or right after `.`, `!` or `?`.
fn sentence_start(text: &str, toks: &[Tok], k: usize) -> bool {
    match k.checked_sub(1).map(|i| toks[i]) {
        None => true,
        Some(prev) => !prev.word && matches!(&text[prev.start..prev.end], "." | "!" | "?"),
    }
}

/// Whether a lower-cased word is one of the heads, or a plural of one.
pub(crate) fn is_head(p: &PhraseRule, w: &str, buf: &mut String) -> bool {
    if p.heads.contains(w) {
        return true;
    }
    if let Some(x) = w.strip_suffix('s') {
        if p.heads.contains(x) {
            return true;
        }
        if let Some(y) = x.strip_suffix("ie") {
            buf.clear();
            buf.push_str(y);
            buf.push('y');
            if p.heads.contains(buf.as_str()) {
                return true;
            }
        }
        if let Some(y) = x.strip_suffix('e') {
            if p.heads.contains(y) {
                return true;
            }
        }
    }
    false
}

/// Runs the phrase rules on one field; appends candidates. `toks` and `lower` are buffers
/// for the field's tokens and its ASCII-lower-cased copy.
pub(crate) fn find<'a>(
    rules: &RuleSet,
    text: &'a str,
    field: Field,
    toks: &mut Vec<Tok>,
    lower: &mut String,
    out: &mut Vec<Cand<'a>>,
) {
    if rules.phrases.is_empty() {
        return;
    }
    tokenize(text, toks);
    // Dictionary terms of several words found in the field, as (end, type, start): a stop
    // word inside one does not end a `through_terms` phrase of its type.
    let terms: Vec<(usize, usize, usize)> = out
        .iter()
        .filter(|c| c.source == Source::Dict && text[c.start..c.end].contains(' '))
        .map(|c| (c.end, c.type_idx, c.start))
        .collect();
    lower.clear();
    lower.push_str(text);
    lower.make_ascii_lowercase();
    let lower = lower.as_str();
    let word = |t: &Tok| &lower[t.start..t.end];
    for i in 0..toks.len() {
        let t = toks[i];
        if !t.word {
            continue;
        }
        // One lookup finds every rule this word is a head (or a plural head) of; a hyphened
        // word that is no head may end in one ("re-identification", "super - resolution"),
        // for the rules with `hyphen_heads`.
        let w = word(&t);
        let (hits, by_part) = match rules.phrase_heads.get(w) {
            Some(h) => (h, false),
            None if t.last_part > t.start => {
                match rules.phrase_heads.get(&lower[t.last_part..t.end]) {
                    Some(h) => (h, true),
                    None => continue,
                }
            }
            None => continue,
        };
        for &(pi, plural) in hits {
            let p = &rules.phrases[pi];
            if by_part && !p.hyphen_heads {
                continue;
            }
            let wanted = match field {
                Field::Title => p.in_title,
                Field::Abstract => p.in_abstract,
            };
            if !wanted || (plural && !p.plural) {
                continue;
            }
            let info = &rules.type_info[p.type_idx];
            if i > 0 && toks[i - 1].word && p.not_after.contains(word(&toks[i - 1])) {
                continue;
            }
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
                    // Otherwise the phrase ends at the head, as `of` is a stop word.
                    if last >= i + 2 && ends {
                        end = toks[last].end;
                        words_right = last - i;
                    }
                } else if !is_stop(info, w) {
                    continue;
                }
            }
            // Modifiers to the left; a number only right after a capitalised word
            // ("TAC 2010 data", "CoNLL 2006 datasets"), never first.
            let takes = |k: usize| {
                toks[k].word
                    && (!is_stop(info, word(&toks[k]))
                        || (is_number(word(&toks[k]))
                            && k > 0
                            && toks[k - 1].word
                            && !is_stop(info, word(&toks[k - 1]))
                            && text[toks[k - 1].start..toks[k - 1].end]
                                .chars()
                                .any(char::is_uppercase)))
            };
            let mut j = i;
            loop {
                while j > 0 && (i - j + 1 + words_right) < p.max_words && takes(j - 1) {
                    j -= 1;
                }
                // With `through_terms`, a stop word inside a dictionary term of the type that
                // ends at the head does not end the phrase: "biomedical named entity
                // recognition".
                if !p.through_terms
                    || j == 0
                    || !toks[j - 1].word
                    || (i - j + 1 + words_right) >= p.max_words
                {
                    break;
                }
                let before = toks[j - 1].start;
                let term = terms
                    .iter()
                    .filter(|&&(e, ty, s)| e == t.end && ty == p.type_idx && s <= before)
                    .map(|&(_, _, s)| s)
                    .min();
                let Some(s) = term else { break };
                while j > 0 && toks[j - 1].start >= s {
                    j -= 1;
                }
            }
            while j < i && is_number(word(&toks[j])) {
                j += 1;
            }
            if j == i && !p.bare {
                continue;
            }
            // "syntactic and semantic parsing": one word, `and`/`or`, then the modifiers. The
            // span covers both; the canonical name is the phrase after `and` ("semantic
            // parsing"), so the graph does not get a node per coordination.
            let canon_start = toks[j].start;
            if p.coordinated && j < i && j >= 2 && toks[j - 1].word && toks[j - 2].word {
                let conj = word(&toks[j - 1]);
                let first = word(&toks[j - 2]);
                let alone = j == 2 || !toks[j - 3].word || is_stop(info, word(&toks[j - 3]));
                // A first word that is itself a head of the rule names a phrase of its own:
                // "classification and span prediction", "detection and pose estimation".
                let ft = toks[j - 2];
                let own_head = |h: &str| {
                    rules
                        .phrase_heads
                        .get(h)
                        .is_some_and(|hs| hs.iter().any(|&(q, _)| q == pi))
                };
                let headed = own_head(first)
                    || (p.hyphen_heads
                        && ft.last_part > ft.start
                        && own_head(&lower[ft.last_part..ft.end]));
                if matches!(conj, "and" | "or") && !is_stop(info, first) && alone && !headed {
                    j -= 2;
                }
            }
            if (p.name || p.unnamed)
                && p.name != (j..i).any(|k| is_name_word(p, text, lower, toks, k))
            {
                continue;
            }
            // A named data resource takes its version like a dictionary name does:
            // "Prague Dependency Treebank 2.0", "OntoNotes corpus v5".
            if p.name && words_right == 0 && info.versions {
                if let Some(v) = super::dict::version_end(text, end) {
                    end = v;
                }
            }
            let start = toks[j].start;
            out.push(Cand {
                start,
                end,
                type_idx: p.type_idx,
                canonical: &text[canon_start..end],
                rule: p.rule,
                role: p.role,
                source: Source::Pattern,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizer as it was before its joiners were told apart by their first byte.
    fn tokenize_before(text: &str, out: &mut Vec<Tok>) {
        out.clear();
        // About one token per five bytes of English text: grow once, not at every doubling.
        out.reserve(text.len() / 4);
        let b = text.as_bytes();
        let n = b.len();
        // Length of the word character at `i`, or 0 when it is not one.
        #[inline(always)]
        fn char_len(text: &str, i: usize) -> usize {
            let c = text.as_bytes()[i];
            if c < 0x80 {
                usize::from(byte_class::alnum(c))
            } else {
                non_ascii_len(text, i)
            }
        }
        #[inline(never)]
        fn non_ascii_len(text: &str, i: usize) -> usize {
            match text[i..].chars().next() {
                Some(ch) if ch.is_alphanumeric() => ch.len_utf8(),
                _ => 0,
            }
        }
        let wlen = |i: usize| char_len(text, i);
        let is_w = |i: usize| char_len(text, i) > 0;
        let mut i = 0;
        while i < n {
            if byte_class::TABLE[usize::from(b[i])] & byte_class::SPACE != 0 {
                i += 1;
                continue;
            }
            if is_w(i) {
                let s = i;
                let mut last_part = s;
                loop {
                    while i < n {
                        // ASCII letters and digits in a tight loop; other characters one by one.
                        if byte_class::alnum(b[i]) {
                            i += 1;
                            continue;
                        }
                        let l = wlen(i);
                        if l == 0 {
                            break;
                        }
                        i += l;
                    }
                    // Inner joiners; a full stop between a lower-case letter and a capital ends a
                    // sentence whose space is missing ("paradigm.The system"), not a word.
                    if i + 1 < n
                        && matches!(b[i], b'-' | b'\'' | b'.' | b'/' | b'+')
                        && is_w(i + 1)
                        && !(b[i] == b'.'
                            && b[i - 1].is_ascii_lowercase()
                            && b[i + 1].is_ascii_uppercase())
                    {
                        if b[i] == b'-' {
                            last_part = i + 1;
                        }
                        i += 1;
                        continue;
                    }
                    // Right single quote (3 bytes) between word characters.
                    if i + 3 < n && &b[i..i + 3] == "’".as_bytes() && is_w(i + 3) {
                        i += 3;
                        continue;
                    }
                    // Spaced dash: "multi - document"; not before an article unless after "of"
                    // ("state - of - the - art", but "Penn Treebank - the WSJ part").
                    if i + 3 < n
                        && &b[i..i + 3] == b" - "
                        && is_w(i + 3)
                        && (!starts_article(&b[i + 3..])
                            || text[last_part..i].eq_ignore_ascii_case("of"))
                    {
                        i += 3;
                        last_part = i;
                        continue;
                    }
                    break;
                }
                out.push(Tok {
                    start: s,
                    end: i,
                    word: true,
                    last_part,
                });
            } else {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push(Tok {
                    start: i,
                    end: i + len,
                    word: false,
                    last_part: i,
                });
                i += len;
            }
        }
    }

    /// The tokenizer gives the tokens it gave before, on the example page, 2,000 arXiv
    /// abstracts (when the shared data is there) and texts of joiners, dashes and quotes.
    #[test]
    fn same_tokens_as_before() {
        use crate::corpus::{read_inputs, ReadOptions, Record};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
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
            "a", "B", "7", "é", "-", "'", ".", "/", "+", "’", " - ", " ", "of", "the", "an", "x.Y",
            "—", "–", "’s", "\u{a0}", "数", "(", ",",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            let mut t = String::new();
            for _ in 0..(x % 16) {
                crate::util::xorshift(&mut x);
                t.push_str(pieces[(x % pieces.len() as u64) as usize]);
            }
            crate::util::xorshift(&mut x);
            texts.push(t);
        }
        let (mut got, mut want) = (Vec::new(), Vec::new());
        for t in &texts {
            tokenize(t, &mut got);
            tokenize_before(t, &mut want);
            let key = |k: &Tok| (k.start, k.end, k.word, k.last_part);
            assert_eq!(
                got.iter().map(key).collect::<Vec<_>>(),
                want.iter().map(key).collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }
}
