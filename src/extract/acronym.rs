//! Acronym definitions in both directions, in the style of Schwartz & Hearst (2003):
//! `long form (SHORT)` and `SHORT (long form)`.
//!
//! A long form is accepted when its first character is the short form's first letter at a
//! word start and the remaining letters (and digits, if present in the long form) of the
//! short form occur in it in order, and it has at most `min(|A| + 5, 2·|A|)` words, where
//! `|A|` counts the short form's letters and digits. The shortest such long form wins.

use super::is_word_char;
use crate::extract::Field;
use crate::rules::RuleSet;
use crate::util::byte_class;

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
    /// Whether the definition is `long (SHORT)` / `SHORT (long)` with nothing else inside the
    /// parentheses: then one mention covers it all, as annotators mark it.
    pub paren: bool,
    /// The words whose head noun types the acronym: the long form plus any generic words
    /// left out of it before the parenthesis ("post processing method (PP)": `method`).
    pub head_text: String,
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
    if is_roman(s) {
        return false;
    }
    !s.ends_with(['-', '.', '\''])
}

/// Whether `s` reads as a Roman numeral ("II", "IV", "XI"): a short form only when the
/// words before it spell it exactly ("variational inference (VI)").
fn is_roman(s: &str) -> bool {
    s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
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

/// Whether a token is a free-standing hyphen or dash, as in tokenized text ("User - guided").
fn is_dash_token(w: &str) -> bool {
    matches!(w, "-" | "–" | "—")
}

/// Up to `max` words before byte `end` (nearest first), stopping at clause breaks.
///
/// A free-standing dash joins its neighbours into one word ("User - guided" counts as one
/// word, as "User-guided" would), and a possessive `'s` token stays with the word before it
/// ("Pearson 's correlation").
fn words_before(text: &str, end: usize, max: usize) -> Vec<(usize, usize)> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut pos = end;
    // Set when the last token read was a dash (or `'s`): the next word joins the nearer one.
    let mut join = false;
    // Set after a possessive `'s` token: the next word read ends there.
    let mut poss: Option<usize> = None;
    while words.len() < max || join {
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
        if is_dash_token(word) {
            if words.is_empty() || join || poss.is_some() {
                break;
            }
            join = true;
            pos = wstart;
            continue;
        }
        if matches!(word, "'s" | "’s") {
            if words.is_empty() || join || poss.is_some() {
                break;
            }
            poss = Some(wend);
            pos = wstart;
            continue;
        }
        if word.chars().any(is_clause_break) || (word.ends_with('.') && !words.is_empty()) {
            break;
        }
        // Strip quotes around the word; a word with an opening quote ends the window.
        let ws = wstart + word.len() - word.trim_start_matches(is_quote).len();
        let we = wstart + word.trim_end_matches(is_quote).len();
        if ws >= we || word.ends_with('.') {
            break;
        }
        if join {
            let last = words.last_mut().unwrap();
            last.0 = ws;
            join = false;
        } else {
            words.push((ws, poss.take().unwrap_or(we)));
        }
        if ws != wstart {
            break;
        }
        pos = wstart;
    }
    if join {
        // A dangling dash at the window's far end: the joined word is incomplete.
        words.pop();
    }
    words
}

/// Words an acronym may skip or include ("Office of the Vice Provost for Research").
const LINK_WORDS: &[&str] = &[
    "of", "and", "the", "for", "in", "on", "to", "a", "an", "with", "by", "from", "at", "&",
];

/// The letter groups one long-form word may contribute to its acronym: its initial, and for
/// hyphenated or CamelCase words the initial of each part ("User-guided" → `u` or `ug`,
/// "BioNLP" → `b` or `bnlp`-like part initials); link words may also contribute nothing.
fn word_options(word: &str) -> Vec<String> {
    if word.is_ascii() {
        ascii_word_options(word.as_bytes())
    } else {
        any_word_options(word)
    }
}

/// [`word_options`] of any word.
fn any_word_options(word: &str) -> Vec<String> {
    let mut opts = Vec::with_capacity(3);
    // Lower-casing never shortens a word in characters, and no link word is longer than
    // four: longer words need no lower-cased copy.
    if word.chars().nth(4).is_none() && LINK_WORDS.contains(&word.to_lowercase().as_str()) {
        opts.push(String::new());
    }
    let Some(first) = word.chars().find(|c| c.is_alphanumeric()) else {
        opts.push(String::new());
        return opts;
    };
    opts.push(first.to_lowercase().collect());
    // Initials of the parts split at hyphens / dashes / slashes and at lower→upper changes.
    let mut parts = String::new();
    let mut prev: Option<char> = None;
    let mut at_start = true;
    for c in word.chars() {
        if !c.is_alphanumeric() {
            at_start = true;
        } else {
            let camel = prev.is_some_and(|p| p.is_lowercase()) && c.is_uppercase();
            if at_start || camel {
                parts.extend(c.to_lowercase());
            }
            at_start = false;
        }
        prev = Some(c);
    }
    if parts.chars().count() > 1 {
        opts.push(parts);
    }
    opts
}

/// [`word_options`] of an ASCII word, without the lower-cased copies: most words of most
/// abstracts go through here.
fn ascii_word_options(word: &[u8]) -> Vec<String> {
    let mut opts = Vec::with_capacity(3);
    if word.len() <= 4
        && LINK_WORDS
            .iter()
            .any(|l| l.as_bytes().eq_ignore_ascii_case(word))
    {
        opts.push(String::new());
    }
    let Some(&first) = word.iter().find(|c| c.is_ascii_alphanumeric()) else {
        opts.push(String::new());
        return opts;
    };
    let first = first.to_ascii_lowercase();
    opts.push(char::from(first).to_string());
    // The part initials; a string only once there is a second one.
    let mut parts: Option<String> = None;
    let (mut prev, mut at_start, mut seen_first) = (0u8, true, false);
    for &c in word {
        if !c.is_ascii_alphanumeric() {
            at_start = true;
        } else {
            let camel = prev.is_ascii_lowercase() && c.is_ascii_uppercase();
            if at_start || camel {
                let c = char::from(c.to_ascii_lowercase());
                match (&mut parts, seen_first) {
                    (Some(p), _) => p.push(c),
                    (None, true) => parts = Some([char::from(first), c].iter().collect()),
                    (None, false) => seen_first = true,
                }
            }
            at_start = false;
        }
        prev = c;
    }
    opts.extend(parts);
    opts
}

/// Generic head nouns that may follow a long form without being part of it
/// ("adversarial machine learning algorithms (AML)").
const DROPPABLE: &[&str] = &[
    "method",
    "methods",
    "algorithm",
    "algorithms",
    "model",
    "models",
    "system",
    "systems",
    "scheme",
    "schemes",
    "approach",
    "framework",
    "technique",
    "techniques",
    "architecture",
    "protocol",
    "dataset",
    "data",
    "task",
    "problem",
    "process",
    "procedure",
    "module",
    "score",
    "scores",
    "loss",
    "metric",
    "features",
    "feature",
    "layer",
    "layers",
    "unit",
    "units",
    "strategy",
    "policy",
    "mechanism",
    "tool",
    "library",
    "function",
];

/// Whether words after a long form may be left out of it: generic head nouns, or a
/// trailing "of …" ("National Research Foundation of Korea (NRF)").
fn droppable(text: &str, words: &[(usize, usize)]) -> bool {
    let lw = |&(a, b): &(usize, usize)| text[a..b].to_lowercase();
    words.iter().all(|w| DROPPABLE.contains(&lw(w).as_str()))
        || words.first().is_some_and(|w| lw(w) == "of")
}

/// The [`word_options`] of each of `words`.
fn options_of(text: &str, words: &[(usize, usize)]) -> Vec<Vec<String>> {
    words
        .iter()
        .map(|&(a, b)| word_options(&text[a..b]))
        .collect()
}

/// Whether the words' initials spell `key` exactly, given each word's [`word_options`]
/// (`opts[i]` for `words[i]`, computed once by callers that try many windows over the same
/// words).
fn initials_match_opts(
    text: &str,
    words: &[(usize, usize)],
    opts: &[Vec<String>],
    key: &str,
) -> bool {
    fn go(opts: &[Vec<String>], key: &str) -> bool {
        match opts.split_first() {
            None => key.is_empty(),
            Some((o, rest)) => o
                .iter()
                .any(|g| key.starts_with(g.as_str()) && go(rest, &key[g.len()..])),
        }
    }
    // The first and last words must be content words.
    let is_link = |&(a, b): &(usize, usize)| is_link_word(&text[a..b]);
    if words.first().is_none_or(is_link) || words.last().is_none_or(is_link) {
        return false;
    }
    go(opts, key)
}

/// Whether `w` is one of the [`LINK_WORDS`], in any case.
fn is_link_word(w: &str) -> bool {
    LINK_WORDS.iter().any(|l| l.eq_ignore_ascii_case(w))
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
        // "(ATE, as defined in …)", "(FCRF; Sutton 2007)": the short form before a comma.
        let head = inner.split([',', ';']).next().unwrap_or(inner).trim_end();
        if let Some(d) = long_short(text, field, open, close, inner, inner_start) {
            out.push(d);
        } else if let Some(d) = (head.len() < inner.len())
            .then(|| long_short(text, field, open, close, head, inner_start))
            .flatten()
        {
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
    let spaced = || inner.contains(" - ") && is_short_form(&inner.replace(" - ", "-"));
    let roman = is_roman(inner) && (2..=4).contains(&inner.len());
    if !is_short_form(inner) && !spaced() && !roman {
        return None;
    }
    let base = base_of(inner);
    let key = key_chars(base);
    let limit = word_limit(&key);
    // Nearest first, with room for up to two trailing words the acronym does not cover
    // ("adversarial machine learning algorithms (AML)").
    let mut words = words_before(text, open, limit + 2);
    words.reverse();
    let keystr: String = key.iter().collect();
    let make = |ws: &[(usize, usize)]| {
        let (start, end) = (ws[0].0, ws[ws.len() - 1].1);
        Def {
            short: inner.to_string(),
            base: base.to_string(),
            long: text[start..end].to_string(),
            field,
            long_span: (start, end),
            short_span: (inner_start, inner_start + inner.len()),
            after: close + 1,
            paren: text[inner_start + inner.len()..close].trim().is_empty(),
            head_text: text[start..open].trim_end().to_string(),
        }
    };
    // 1. Word initials spell the short form (link words optional): the clearest reading.
    let opts = options_of(text, &words);
    for drop in 0..=2usize.min(words.len().saturating_sub(1)) {
        let end = words.len() - drop;
        if drop > 0 && !droppable(text, &words[end..]) {
            continue;
        }
        for k in (end.saturating_sub(limit)..end).rev() {
            if initials_match_opts(text, &words[k..end], &opts[k..end], &keystr) {
                return Some(make(&words[k..end]));
            }
        }
    }
    if roman {
        return None;
    }
    // 2. Schwartz–Hearst: the shortest window whose first word starts with the first
    //    letter and that contains the other letters in order.
    let n = words.len();
    let from = n.saturating_sub(limit);
    for k in (from..n).rev() {
        let long = &text[words[k].0..words[n - 1].1];
        // One word only for a two-letter short form and when clearly longer than it
        // ("Blockchain (BC)"); three letters found in one word are mostly chance ("these
        // two features (FTE, PMC)").
        if k + 1 == n
            && !long.contains('-')
            && (long.chars().count() < key.len() + 4 || key.len() > 2)
        {
            continue;
        }
        if feasible(&key, long) {
            return Some(make(&words[k..n]));
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
    // After the last whitespace character, whatever its width (a no-break space is two bytes).
    let tstart = before
        .char_indices()
        .rfind(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let short = &before[tstart..];
    if !is_short_form(short) {
        return None;
    }
    if inner.chars().any(|c| is_clause_break(c) || c == '.') {
        return None;
    }
    // "TCP (the top concept's popularity)": a leading article is not part of the long form.
    let mut inner = inner;
    let mut inner_start = inner_start;
    for art in ["the ", "a ", "an ", "The ", "A ", "An "] {
        if let Some(rest) = inner.strip_prefix(art) {
            inner_start += inner.len() - rest.len();
            inner = rest.trim_start();
            break;
        }
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
        paren: true,
        head_text: inner.to_string(),
    })
}

/// Byte spans of the uses of `base` (optionally plural) in `text` on word boundaries.
pub(crate) fn find_uses(text: &str, base: &str, out: &mut Vec<(usize, usize)>) {
    for i in occurrences(text, base) {
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

/// The starts of the non-overlapping occurrences of `needle` in `text`, left to right (as
/// `str::match_indices` finds them; an empty needle has none). Short forms are short and rare in a field, so a scan
/// for their first byte beats setting up a general substring search for each.
fn occurrences<'a>(text: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (hay, nb) = (text.as_bytes(), needle.as_bytes());
    let first = nb.first().copied();
    let mut next = 0;
    memchr::memchr_iter(first.unwrap_or(0), hay).filter(move |&i| {
        let hit = first.is_some() && i >= next && hay[i..].starts_with(nb);
        if hit {
            next = i + nb.len();
        }
        hit
    })
}

/// Words that never belong to a long form found without parentheses.
const LOOSE_STOP: &[&str] = &[
    "are",
    "is",
    "was",
    "were",
    "be",
    "been",
    "it",
    "its",
    "also",
    "important",
    "better",
    "more",
    "most",
    "can",
    "will",
    "has",
    "have",
    "we",
    "our",
    "this",
    "that",
    "these",
    "those",
    "such",
    "than",
    "which",
    "who",
    "not",
    "very",
    "other",
    "each",
    "all",
    "any",
    "both",
    "new",
    "two",
    "one",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "used",
    "using",
    "based",
    "as",
    "or",
    "but",
    "so",
    "then",
    "there",
    "their",
    "however",
    "therefore",
    "thus",
    "hence",
    "moreover",
    "furthermore",
    "here",
    "where",
    "when",
    "while",
    "since",
    "because",
    "too",
    "only",
    "just",
    "even",
    "still",
    "already",
    "much",
    "many",
    "some",
    "several",
    "various",
    "own",
    "after",
    "before",
    "behind",
    "among",
    "between",
    "within",
    "without",
    "into",
    "onto",
    "over",
    "under",
    "through",
    "via",
    "per",
    "about",
    "during",
    "against",
    "toward",
    "towards",
    "upon",
    "across",
];

/// Splits `text` into word spans: letters, digits and internal hyphens or apostrophes.
/// Also lists, in `shorts`, the indices of the words that may be short forms (ASCII with at
/// least two capitals), counted in the same pass.
fn word_spans(text: &str, shorts: &mut Vec<usize>) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut words = Vec::with_capacity(n / 5);
    // Length of the letter or digit at `i` (0 when it is none).
    let alnum_len = |i: usize| -> usize {
        let b = bytes[i];
        if b < 0x80 {
            usize::from(byte_class::alnum(b))
        } else {
            let c = text[i..].chars().next().expect("char boundary");
            if c.is_alphanumeric() {
                c.len_utf8()
            } else {
                0
            }
        }
    };
    let mut i = 0;
    while i < n {
        // Skip to the next letter or digit: a word never starts with a joiner.
        if bytes[i] < 0x80 {
            if !byte_class::alnum(bytes[i]) {
                i += 1;
                continue;
            }
        } else {
            let c = text[i..].chars().next().expect("char boundary");
            if !c.is_alphanumeric() {
                i += c.len_utf8();
                continue;
            }
        }
        let s = i;
        let (mut caps, mut ascii) = (0u32, true);
        while i < n {
            let b = bytes[i];
            if byte_class::TABLE[usize::from(b)] & (byte_class::ALNUM | byte_class::HYPHEN_APOS)
                != 0
            {
                caps += u32::from(b.is_ascii_uppercase());
                i += 1;
                continue;
            }
            match alnum_len(i) {
                0 => break,
                len => {
                    ascii = false;
                    i += len;
                }
            }
        }
        if ascii && caps >= 2 {
            shorts.push(words.len());
        }
        words.push((s, i));
    }
    words
}

/// Phrases that introduce a long form right after a short form ("MSE stands for the mean
/// squared error").
const LOOSE_VERBS: &[&[&str]] = &[
    &["stands", "for"],
    &["stand", "for"],
    &["is", "short", "for"],
    &["denotes"],
    &["refers", "to"],
    &["means"],
    &["represents"],
    &["indicates"],
    &["is", "an", "abbreviation", "for"],
    &["is", "an", "abbreviation", "of"],
    &["is", "the", "abbreviation", "for"],
    &["is", "the", "abbreviation", "of"],
    &["is", "an", "acronym", "for"],
    &["is", "an", "acronym", "of"],
];

/// Verbs that introduce the long forms after a list of short forms ("TP, FP, FN and TN
/// stand for true positives, …, respectively").
const LIST_VERBS: &[&[&str]] = &[
    &["stand", "for"],
    &["denote"],
    &["represent"],
    &["refer", "to"],
    &["indicate"],
    &["mean"],
    &["are"],
];

/// Index of the first long-form word after the short form `words[wi]` and a separator
/// (`:`, `=`, a dash, a comma, or one of [`LOOSE_VERBS`] with an optional article), if any.
fn loose_separator(text: &str, words: &[(usize, usize)], wi: usize) -> Option<usize> {
    let next = *words.get(wi + 1)?;
    let gap = text[words[wi].1..next.0].trim();
    // Whether word `i` is `v` in any case (no allocation: this runs for every short form).
    let is = |i: usize, v: &str| {
        words
            .get(i)
            .is_some_and(|&(x, y)| text[x..y].eq_ignore_ascii_case(v))
    };
    if matches!(gap, ":" | "=" | "-" | "–" | "—" | ",") {
        // "MPI: a message passing interface".
        let article = ["the", "a", "an"].iter().any(|v| is(wi + 1, v));
        return Some(wi + 1 + usize::from(article && wi + 2 < words.len()));
    }
    if !gap.is_empty() {
        return None;
    }
    for verb in LOOSE_VERBS {
        let ok = verb.iter().enumerate().all(|(k, v)| {
            is(wi + 1 + k, v) && text[words[wi + k].1..words[wi + 1 + k].0].trim().is_empty()
        });
        if ok {
            let mut from = wi + 1 + verb.len();
            if ["the", "a", "an"].iter().any(|v| is(from, v)) {
                from += 1;
            }
            return (from < words.len()).then_some(from);
        }
    }
    None
}

/// A short form's word index and its long form's byte span.
type ListPair = (usize, (usize, usize));

/// Definitions of a list of short forms by a list of long forms after a verb, paired in
/// order: "IT, DA and LT stand for image translation, distribution alignment and label
/// transfer, respectively", "BU, TD denote respectively lower layer bottom-up and top-down
/// connectivity". `first` is the index in `words` of the list's first short form; returns
/// (word index of the short form, long-form byte span) for each pair whose item (or the end
/// of it) spells its short form exactly, or nothing unless the lists have the same length;
/// and the index of the list's last short form (a list is read from its first member only).
fn list_definitions(text: &str, words: &[(usize, usize)], first: usize) -> (Vec<ListPair>, usize) {
    let mut out = Vec::new();
    let is = |i: usize, v: &str| {
        words
            .get(i)
            .is_some_and(|&(x, y)| text[x..y].eq_ignore_ascii_case(v))
    };
    // The text between word `i` and the next ("." after the last word).
    let gap = |i: usize| {
        words
            .get(i + 1)
            .map_or(".", |n| text[words[i].1..n.0].trim())
    };
    let short_at = |i: usize| {
        let w = &text[words[i].0..words[i].1];
        is_short_form(w) && w.chars().all(|c| c.is_ascii_alphanumeric())
    };
    // The short forms: separated by commas, "and", ", and" (most short forms are in no
    // list: leave before allocating).
    let listed = match gap(first) {
        "," | "/" => true,
        "" => is(first + 1, "and"),
        _ => false,
    };
    if !listed {
        return (out, first);
    }
    let mut shorts = vec![first];
    let mut j = first;
    while j + 1 < words.len() {
        let mut next = j + 1;
        match gap(j) {
            "," | "/" => {
                if is(next, "and") && gap(next).is_empty() {
                    next += 1;
                }
            }
            "" if is(next, "and") && gap(next).is_empty() => next += 1,
            _ => break,
        }
        if next >= words.len() || !short_at(next) {
            break;
        }
        shorts.push(next);
        j = next;
    }
    if shorts.len() < 2 || j + 1 >= words.len() || !gap(j).is_empty() {
        return (out, j);
    }
    // The verb, with "respectively" before or after it.
    let mut from = j + 1;
    if is(from, "respectively") && gap(from).is_empty() {
        from += 1;
    }
    let Some(verb) = LIST_VERBS.iter().find(|v| {
        (0..v.len()).all(|k| is(from + k, v[k]) && (k + 1 == v.len() || gap(from + k).is_empty()))
    }) else {
        return (out, j);
    };
    from += verb.len();
    // Right after the verb, or after "respectively" there ("denote, respectively, …").
    let g = gap(from - 1);
    if is(from, "respectively") && matches!(g, "" | ",") {
        from += 1;
        if !matches!(gap(from - 1), "" | ",") {
            return (out, j);
        }
    } else if !g.is_empty() {
        return (out, j);
    }
    // The long forms: split at commas, semicolons, "and", "or"; the sentence ends them.
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut start = from;
    let mut k = from;
    while k < words.len() && items.len() < shorts.len() {
        let g = if k > from {
            text[words[k - 1].1..words[k].0].trim()
        } else {
            ""
        };
        if g.contains(['.', ':', '(', ')', '=', '!', '?']) {
            break;
        }
        if g.contains([',', ';']) || is(k, "and") || is(k, "or") {
            if k > start {
                items.push((start, k));
            }
            start = if is(k, "and") || is(k, "or") {
                k + 1
            } else {
                k
            };
            if start > k {
                k += 1;
                continue;
            }
        }
        if is(k, "respectively") {
            break;
        }
        k += 1;
    }
    if items.len() < shorts.len() && k > start {
        items.push((start, k));
    }
    if items.len() != shorts.len() {
        return (out, j);
    }
    let last = items.len() - 1;
    for (k, (&si, &(a, b))) in shorts.iter().zip(&items).enumerate() {
        let short = &text[words[si].0..words[si].1];
        let key: String = key_chars(base_of(short)).into_iter().collect();
        // The item, or its end; the last item may be followed by a head noun the long
        // forms share ("bottom-up and top-down connectivity").
        let ends = if k == last { a + 1 } else { b };
        let opts = options_of(text, &words[a..b]);
        let found = (ends..=b).rev().find_map(|e| {
            (a..e)
                .find(|&m| initials_match_opts(text, &words[m..e], &opts[m - a..e - a], &key))
                .map(|m| (m, e))
        });
        if let Some((m, e)) = found {
            out.push((si, (words[m].0, words[e - 1].1)));
        }
    }
    (out, j)
}

/// A run of plain words in the short form `words[wi]`'s sentence whose initials spell `key`,
/// one letter per word: before it ("reinforcement learning … RL algorithms"), the nearest
/// run first, or with `after` set, after it ("the small-set GA is a basic genetic
/// algorithm"). Plain: letters only, at least two of them, no capital after the first
/// letter, no link or stop words. A run does not begin or end inside a hyphenated compound
/// ("human-agent interaction … AI", "dynamic multi-beam … DM").
///
/// `plain` caches, per word, whether it is plain (filled on first need, shared by all the
/// short forms of the field).
fn spelled_run(
    text: &str,
    words: &[(usize, usize)],
    plain: &mut [Option<bool>],
    wi: usize,
    key: &str,
    after: bool,
) -> Option<(usize, usize)> {
    let is_plain = |(a, b): (usize, usize)| {
        let w = &text[a..b];
        w.len() >= 2
            && w.chars().all(char::is_alphabetic)
            && w.chars().skip(1).all(char::is_lowercase)
            && !w.ends_with("ly")
            && !is_link_word(w)
            && !LOOSE_STOP.iter().any(|l| l.eq_ignore_ascii_case(w))
    };
    let n = key.len();
    let (a, b) = words[wi];
    if n < 2 {
        return None;
    }
    // Candidate window starts, tried last first.
    let (lo, hi) = if after {
        // Right after the short form, or after an article there ("LF, a late fusion …").
        let art = words.get(wi + 1).is_some_and(|&(x, y)| {
            ["the", "a", "an"]
                .iter()
                .any(|v| text[x..y].eq_ignore_ascii_case(v))
        });
        let first = wi + 1 + usize::from(art);
        if first + n > words.len()
            || !text[b..words[first].0]
                .split_whitespace()
                .eq(words[wi + 1..first].iter().map(|&(x, y)| &text[x..y]))
        {
            return None;
        }
        (first, first + 1)
    } else {
        if wi < n {
            return None;
        }
        (wi.saturating_sub(40), wi - n + 1)
    };
    // Before the short form, the window must lie in its sentence: after the last `.` or
    // `;` before it (after it, the window is adjacent and holds no `.` or `;`).
    let sentence_start = if after {
        0
    } else {
        text[..a].rfind(['.', ';']).map_or(0, |p| p + 1)
    };
    for i in (lo..hi).rev() {
        let win = &words[i..i + n];
        if win[n - 1].1 < sentence_start {
            return None;
        }
        // The initials first: they rule out nearly every window, and cost least.
        let spells = win.iter().zip(key.chars()).all(|(&(x, _), k)| {
            text[x..]
                .chars()
                .next()
                .is_some_and(|c| c.to_lowercase().eq(std::iter::once(k)))
        });
        if !spells {
            continue;
        }
        let all_plain = (i..i + n).all(|j| *plain[j].get_or_insert_with(|| is_plain(words[j])));
        if !all_plain || text[win[0].0..win[n - 1].1].contains([',', ':', '(', ')', '.', ';']) {
            continue;
        }
        // A long form ends in a noun, not a participle ("the scores achieved by … SA").
        if text[win[n - 1].0..win[n - 1].1].ends_with("ed") {
            continue;
        }
        // Not part of a hyphenated compound at either end: a dash with a lower-case word
        // on its far side ("human - agent interaction … AI", "dynamic multi - beam DM"). A
        // capital after the dash begins a name ("techniques - Latent Dirichlet Allocation",
        // "(LLM)-Guided Evolution (GE)"), and a dash right before the short form is a
        // separator ("Personal Storage - PS").
        let lower_at = |p: usize| text[p..].starts_with(|c: char| c.is_lowercase());
        let joined = (text[..win[0].0].trim_end().ends_with(['-', '–']) && lower_at(win[0].0))
            || (i + n != wi && {
                let rest = text[win[n - 1].1..].trim_start();
                rest.strip_prefix(['-', '–']).is_some_and(|r| {
                    let r = r.trim_start();
                    lower_at(text.len() - r.len())
                })
            });
        if !joined {
            return Some((win[0].0, win[n - 1].1));
        }
    }
    None
}

/// Definitions without parentheses, each short form defined once:
///
/// * lists: "IT, DA and LT stand for image translation, …, respectively"
///   ([`list_definitions`]);
/// * `SHORT: long form`, `SHORT = long form`, `SHORT, a long form`, `SHORT stands for long
///   form` … ("DA = direct assessment, RR = …"; see [`loose_separator`]);
/// * a short form used in the same sentence after a run of plain words whose initials spell
///   it exactly, one letter per word ("To bridge reinforcement learning with robotics, … RL
///   algorithms"), or followed right away by such a run ("RR Round Robin"); see
///   [`spelled_run`].
pub(crate) fn find_loose(text: &str, field: Field, defs: &mut Vec<Def>) {
    if !text.bytes().any(|b| b.is_ascii_uppercase()) {
        return;
    }
    let mut shorts = Vec::new();
    let words = word_spans(text, &mut shorts);
    if shorts.is_empty() {
        return;
    }
    let mut plain: Vec<Option<bool>> = vec![None; words.len()];
    // Lists of short forms defined by lists of long forms ("IT, DA and LT stand for …").
    let mut listed: Vec<ListPair> = Vec::new();
    let mut covered = 0;
    for &wi in &shorts {
        if wi >= covered {
            let (found, last) = list_definitions(text, &words, wi);
            covered = last + 1;
            listed.extend(found);
        }
    }
    for wi in shorts {
        let (a, b) = words[wi];
        let short = text[a..b].trim_end_matches(['-', '\'']);
        if !is_short_form(short) || !short.chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let base = base_of(short);
        if defs.iter().any(|d| d.base == base) {
            continue;
        }
        // Part of a longer, hyphenated short form ("CLG - TV", "H - ELM"); a dash between
        // a short form and words ("AP - Average Precision") is a definition instead.
        let after = text[a + short.len()..].trim_start();
        let before = text[..a].trim_end();
        let next_short = after.strip_prefix('-').is_some_and(|r| {
            let r = r.trim_start();
            is_short_form(
                r.split(|c: char| c.is_whitespace() || c == ',')
                    .next()
                    .unwrap_or(""),
            )
        });
        let prev_short = before.strip_suffix('-').is_some_and(|l| {
            let l = l.trim_end();
            is_short_form(l.rsplit(char::is_whitespace).next().unwrap_or(""))
        });
        if next_short || prev_short || (before.ends_with('-') && !before.ends_with(" -")) {
            continue;
        }
        let key: String = key_chars(base).into_iter().collect();
        if key.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let mk = |ls: usize, le: usize| Def {
            short: short.to_string(),
            base: base.to_string(),
            long: text[ls..le].to_string(),
            field,
            long_span: (ls, le),
            short_span: (a, a + short.len()),
            after: a + short.len(),
            paren: false,
            head_text: text[ls..le].to_string(),
        };
        if let Some(&(_, (ls, le))) = listed.iter().find(|l| l.0 == wi) {
            defs.push(mk(ls, le));
            continue;
        }
        // `SHORT: long`, `SHORT = long`, `SHORT - long`, `SHORT, long`, `SHORT stands for
        // (the) long` …: the words right after the separator spell the short form exactly.
        let sep = loose_separator(text, &words, wi);
        // After a comma the words may as well begin the next item of a list ("Machine
        // Learning : ML , Meta - Learning : MTL"): an earlier spelling wins there.
        let comma = sep.is_some_and(|f| text[b..words[f].0].trim() == ",");
        if let Some(from) = sep
            .filter(|_| !comma || spelled_run(text, &words, &mut plain, wi, &key, false).is_none())
        {
            let lim = word_limit(&key.chars().collect::<Vec<_>>());
            let mut best = None;
            let mut opts = Vec::new();
            for m in 1..=lim.min(words.len() - from) {
                let win = &words[from..from + m];
                let span = &text[win[0].0..win[m - 1].1];
                if span.contains(['.', ',', ';', ':', '(', ')', '=']) {
                    break;
                }
                let (wa, wb) = win[m - 1];
                opts.push(word_options(&text[wa..wb]));
                if initials_match_opts(text, win, &opts, &key) {
                    // Not when the last word continues with a dash ("Faster R - CNN").
                    let tail = text[win[m - 1].1..].trim_start();
                    if !tail.starts_with(['-', '–']) {
                        best = Some((win[0].0, win[m - 1].1));
                    }
                    break;
                }
            }
            if let Some((ls, le)) = best {
                defs.push(mk(ls, le));
                continue;
            }
        }
        // Plain words spelling the short form earlier in the sentence, else later.
        let found = spelled_run(text, &words, &mut plain, wi, &key, false)
            .or_else(|| spelled_run(text, &words, &mut plain, wi, &key, true));
        if let Some((ls, le)) = found {
            defs.push(mk(ls, le));
        }
    }
}

/// End of the one mention a parenthesised definition gives: after the closing parenthesis,
/// or after a head noun of a `[[phrase]]` rule that follows it and ends the noun phrase
/// ("machine translation (MT) systems", "part-of-speech (POS) tagging").
pub(crate) fn mention_end(rules: &RuleSet, text: &str, d: &Def) -> usize {
    let rest = &text[d.after.min(text.len())..];
    let lead = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let word_len = rest[lead..]
        .find(|c: char| !(c.is_alphanumeric() || c == '-'))
        .unwrap_or(rest.len() - lead);
    if lead == 0 || word_len == 0 {
        return d.after;
    }
    let word = &rest[lead..lead + word_len];
    if !word.starts_with(|c: char| c.is_lowercase()) {
        return d.after;
    }
    let lower = word.to_lowercase();
    let mut buf = String::new();
    if !rules
        .phrases
        .iter()
        .any(|p| super::phrase::is_head(p, &lower, &mut buf))
    {
        return d.after;
    }
    // The head must end the noun phrase: punctuation, the end, or a stop word follows.
    let after = rest[lead + word_len..].trim_start();
    let next: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let ends = next.is_empty()
        || rules
            .type_info
            .iter()
            .any(|i| i.stop_words.contains(next.as_str()));
    if ends {
        d.after + lead + word_len
    } else {
        d.after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (short, long) pairs `find_loose` finds in `text`, in order.
    fn loose(text: &str) -> Vec<(String, String)> {
        let mut defs = Vec::new();
        find_loose(text, Field::Abstract, &mut defs);
        defs.into_iter().map(|d| (d.short, d.long)).collect()
    }

    /// Checks each (text, expected pairs) row against [`loose`].
    fn check_loose(table: &[(&str, &[(&str, &str)])]) {
        for (text, want) in table {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|&(s, l)| (s.to_string(), l.to_string()))
                .collect();
            assert_eq!(loose(text), want, "{text}");
        }
    }

    #[test]
    fn occurrences_as_match_indices() {
        let alphabet = ["A", "a", "AA", "LLM", "s", " ", "é", "-"];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut pick = |n: u64| -> String {
            (0..n)
                .map(|_| {
                    crate::util::xorshift(&mut x);
                    alphabet[(x % alphabet.len() as u64) as usize]
                })
                .collect()
        };
        let mut found = 0;
        for k in 0..2000 {
            let text = pick(20);
            let needle = pick(1 + k % 3);
            let want: Vec<usize> = text.match_indices(needle.as_str()).map(|m| m.0).collect();
            assert_eq!(
                occurrences(&text, &needle).collect::<Vec<_>>(),
                want,
                "{needle:?} in {text:?}"
            );
            found += want.len();
        }
        assert!(found > 2000, "{found}");
        assert_eq!(occurrences("AAA", "").count(), 0);
    }

    #[test]
    fn ascii_word_options_as_for_any_word() {
        let mut words: Vec<String> = [
            "of",
            "OF",
            "And",
            "&",
            "-",
            "a-",
            "--x",
            "BioNLP",
            "User-guided",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        let alphabet = b"aZq0-/'.&x";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            crate::util::xorshift(&mut x);
            let len = 1 + (x % 9) as usize;
            words.push(
                (0..len)
                    .map(|k| {
                        char::from(alphabet[((x >> (4 * k)) % alphabet.len() as u64) as usize])
                    })
                    .collect(),
            );
        }
        for w in &words {
            assert_eq!(
                ascii_word_options(w.as_bytes()),
                any_word_options(w),
                "{w:?}"
            );
        }
    }

    #[test]
    fn word_options_of_link_words_in_any_case() {
        // `word_options` only lower-cases words of up to four characters.
        assert!(LINK_WORDS.iter().all(|w| w.chars().count() <= 4));
        for (word, want) in [
            ("of", vec!["", "o"]),
            ("WITH", vec!["", "w"]),
            ("From", vec!["", "f"]),
            ("form", vec!["f"]),
            ("Within", vec!["w"]),
            ("User-guided", vec!["u", "ug"]),
        ] {
            assert_eq!(word_options(word), want, "{word}");
        }
    }

    #[test]
    fn acronym_lists_pair_in_order() {
        // (text, expected pairs)
        let table: &[(&str, &[(&str, &str)])] = &[
            (
                "TP , FP and FN stand for true positives , false positives and false negatives",
                &[
                    ("TP", "true positives"),
                    ("FP", "false positives"),
                    ("FN", "false negatives"),
                ],
            ),
            (
                "where BU, TD denote, respectively, bottom-up and top-down connectivity",
                &[("BU", "bottom-up"), ("TD", "top-down")],
            ),
            // An item that does not spell its short form gives no pair; the others do.
            (
                "IT , DA , LT represent image translation , alignment , and label transfer",
                &[("IT", "image translation"), ("LT", "label transfer")],
            ),
            // Lists of different lengths give nothing, not even from their tail.
            (
                "IT , DA , LT stand for image translation and label transfer",
                &[],
            ),
            // No verb: no list definition.
            (
                "IT , DA , LT , image translation , distribution alignment",
                &[],
            ),
        ];
        check_loose(table);
    }

    #[test]
    fn acronym_runs_without_parentheses() {
        // (text, expected pairs)
        let table: &[(&str, &[(&str, &str)])] = &[
            // Before the short form, in its sentence.
            ("we apply reinforcement learning to robots ; RL agents", &[]),
            (
                "we apply reinforcement learning to robots , and RL agents",
                &[("RL", "reinforcement learning")],
            ),
            // Right after it, or after an article.
            ("policies ( RR Round Robin )", &[("RR", "Round Robin")]),
            ("and LF a late fusion layer", &[("LF", "late fusion")]),
            // Not two words later ("The small-set GA is a basic genetic algorithm").
            ("The small set GA is a basic genetic algorithm", &[]),
            // Not inside a hyphenated compound, at either end.
            ("human - agent interaction is a field of AI research", &[]),
            // A capital after a dash begins a name.
            (
                "two techniques - Latent Dirichlet Allocation and LDA variants",
                &[("LDA", "Latent Dirichlet Allocation")],
            ),
            ("the dynamic multi - beam DM works", &[]),
            // But a dash right before the short form separates it: "Personal Storage - PS".
            (
                "classified into Personal Storage - PS drives",
                &[("PS", "Personal Storage")],
            ),
            // One-letter words, number words and prepositions are no long-form words.
            ("the Otsu 's results of the SR method", &[]),
            ("four of the six languages , but the SL language", &[]),
            ("reasons behind choosing Fabric : a BC ledger", &[]),
            // A separator may be followed by an article.
            (
                "MPI : a message passing interface standard",
                &[("MPI", "message passing interface")],
            ),
            (
                "CS indicates case - sensitive matching",
                &[("CS", "case - sensitive")],
            ),
        ];
        check_loose(table);
    }
}
