//! Acronym definitions in both directions, in the style of Schwartz & Hearst (2003):
//! `long form (SHORT)` and `SHORT (long form)`.
//!
//! A long form is accepted when its first character is the short form's first letter at a
//! word start and the remaining letters (and digits, if present in the long form) of the
//! short form occur in it in order, and it has at most `min(|A| + 5, 2·|A|)` words, where
//! `|A|` counts the short form's letters and digits. The shortest such long form wins.

use super::is_word_char;
use crate::extract::Field;

/// One acronym definition found in a field; spans are byte ranges into the field's text.
#[derive(Debug, Clone)]
pub(crate) struct Def {
    /// The short form as written, e.g. `LLMs`.
    pub short: String,
    /// The short form later uses are searched for (`LLMs` → `LLM`, plural optional).
    pub base: String,
    /// The long form as written, e.g. `Large Language Models`.
    pub long: String,
    pub field: Field,
    pub long_span: (usize, usize),
    pub short_span: (usize, usize),
    /// Byte offset just after the closing parenthesis (where "… (X) framework" continues).
    pub after: usize,
}

/// Whether `s` looks like a short form: 2–10 characters, no spaces, starting with a letter
/// or digit, made of letters, digits and `-'.&/+`, with at least two capitals, and not a
/// Roman numeral.
pub(crate) fn is_short_form(s: &str) -> bool {
    let n = s.chars().count();
    if !(2..=10).contains(&n) {
        return false;
    }
    if !s.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '.' | '&' | '/' | '+'))
    {
        return false;
    }
    if s.chars().filter(|c| c.is_uppercase()).count() < 2 {
        return false;
    }
    if s.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return false;
    }
    !s.ends_with(['-', '.', '\''])
}

/// `LLMs` → `LLM`: a lower-case plural `s` after a capital is not part of the acronym.
fn base_of(short: &str) -> &str {
    let mut it = short.chars().rev();
    if it.next() == Some('s') && it.next().is_some_and(|c| c.is_uppercase()) {
        &short[..short.len() - 1]
    } else {
        short
    }
}

/// Letters and digits of the short form, lower-cased.
fn key_chars(base: &str) -> Vec<char> {
    base.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `long` can be the long form of the short form with `key` characters.
fn feasible(key: &[char], long: &str) -> bool {
    if feasible_strict(key, long) {
        return true;
    }
    // Digits of the short form (NEVIS'22, I2D2) need not appear in the long form.
    let letters: Vec<char> = key
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    letters.len() >= 2 && letters.len() < key.len() && feasible_strict(&letters, long)
}

fn feasible_strict(key: &[char], long: &str) -> bool {
    let Some((&first, rest)) = key.split_first() else {
        return false;
    };
    let mut chars = long.chars();
    let Some(c0) = chars.next() else { return false };
    if !c0.to_lowercase().eq(std::iter::once(first)) {
        return false;
    }
    let mut ki = 0;
    for c in chars {
        if ki == rest.len() {
            break;
        }
        if c.to_lowercase().eq(std::iter::once(rest[ki])) {
            ki += 1;
        }
    }
    ki == rest.len()
}

fn word_limit(key: &[char]) -> usize {
    let n = key.len();
    (n + 5).min(n * 2)
}

/// Characters that end a long-form candidate window when found in a word.
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '='
    )
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '`')
}

/// Up to `max` words before byte `end` (nearest first), stopping at clause breaks.
fn words_before(text: &str, end: usize, max: usize) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut pos = end;
    while words.len() < max {
        let before = &text[..pos];
        let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || c == '~');
        if trimmed.is_empty() {
            break;
        }
        let wend = trimmed.len();
        let wstart = trimmed
            .rfind(|c: char| c.is_whitespace() || c == '~')
            .map_or(0, |i| i + trimmed[i..].chars().next().unwrap().len_utf8());
        let word = &text[wstart..wend];
        if word.chars().any(is_clause_break) || (word.ends_with('.') && !words.is_empty()) {
            break;
        }
        // Strip quotes around the word; a word with an opening quote ends the window.
        let ws = wstart + word.len() - word.trim_start_matches(is_quote).len();
        let we = wstart + word.trim_end_matches(is_quote).len();
        if ws >= we || word.ends_with('.') {
            break;
        }
        words.push((ws, we));
        if ws != wstart {
            break;
        }
        pos = wstart;
    }
    words
}

/// Finds the acronym definitions of one field.
pub(crate) fn find_definitions(text: &str, field: Field, out: &mut Vec<Def>) {
    let mut search = 0;
    while let Some(off) = text[search..].find('(') {
        let open = search + off;
        search = open + 1;
        let Some(close_off) = text[open + 1..].find([')', '(']) else {
            break;
        };
        let close = open + 1 + close_off;
        if text.as_bytes()[close] != b')' || close_off > 200 {
            continue;
        }
        let inner_raw = &text[open + 1..close];
        let inner = inner_raw.trim();
        let inner_start = open + 1 + (inner_raw.len() - inner_raw.trim_start().len());
        if let Some(d) = long_short(text, field, open, close, inner, inner_start) {
            out.push(d);
        } else if let Some(d) = short_long(text, field, open, close, inner, inner_start) {
            out.push(d);
        }
    }
}

/// `long form (SHORT)`.
fn long_short(
    text: &str,
    field: Field,
    open: usize,
    close: usize,
    inner: &str,
    inner_start: usize,
) -> Option<Def> {
    if !is_short_form(inner) {
        return None;
    }
    let base = base_of(inner);
    let key = key_chars(base);
    let words = words_before(text, open, word_limit(&key));
    let last_end = words.first()?.1;
    for k in 1..=words.len() {
        let start = words[k - 1].0;
        let long = &text[start..last_end];
        if k == 1 && !long.contains('-') {
            continue;
        }
        if feasible(&key, long) {
            return Some(Def {
                short: inner.to_string(),
                base: base.to_string(),
                long: long.to_string(),
                field,
                long_span: (start, last_end),
                short_span: (inner_start, inner_start + inner.len()),
                after: close + 1,
            });
        }
    }
    None
}

/// `SHORT (long form)`.
fn short_long(
    text: &str,
    field: Field,
    open: usize,
    close: usize,
    inner: &str,
    inner_start: usize,
) -> Option<Def> {
    let before = text[..open].trim_end();
    if before.len() + 3 < open {
        return None;
    }
    let tstart = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |i| i + 1);
    let short = &before[tstart..];
    if !is_short_form(short) {
        return None;
    }
    if inner.chars().any(|c| is_clause_break(c) || c == '.') {
        return None;
    }
    let base = base_of(short);
    let key = key_chars(base);
    let nwords = inner.split_whitespace().count();
    if nwords < 2 || nwords > word_limit(&key) || !feasible(&key, inner) {
        return None;
    }
    Some(Def {
        short: short.to_string(),
        base: base.to_string(),
        long: inner.to_string(),
        field,
        long_span: (inner_start, inner_start + inner.len()),
        short_span: (tstart, tstart + short.len()),
        after: close + 1,
    })
}

/// Byte spans of the uses of `base` (optionally plural) in `text` on word boundaries.
pub(crate) fn find_uses(text: &str, base: &str, out: &mut Vec<(usize, usize)>) {
    for (i, _) in text.match_indices(base) {
        if text[..i].chars().next_back().is_some_and(is_word_char) {
            continue;
        }
        let mut end = i + base.len();
        let mut rest = text[end..].chars();
        match rest.next() {
            Some('s') if !rest.next().is_some_and(is_word_char) => end += 1,
            Some(c) if is_word_char(c) => continue,
            _ => {}
        }
        out.push((i, end));
    }
}
