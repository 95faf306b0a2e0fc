//! Corpus-wide normalization: one entity per real thing.
//!
//! Surface forms are merged by a normalization key that ignores case, hyphens, spaces and
//! a plural final word ("Large Language Models", "large-language model" and "LLMs" as a
//! defined acronym all meet). Acronyms are resolved twice: inside a paper the extractor
//! already maps a defined short form to its long form; across the corpus a short form used
//! without definition is mapped to the long form the corpus defines it with most often,
//! when that reading clearly dominates.
//!
//! The stage is a reduce: [`Normalizer::add`] takes one [`Extraction`] at a time and keeps
//! only interned keys and small counts per paper, so memory grows with the graph, not with
//! the text; [`Normalizer::finish`] builds the entity table. The per-paper part of the work
//! (computing merge keys) is [`Prepared::new`], a pure function that callers run in parallel
//! next to extraction, so the sequential [`Normalizer::add_prepared`] only interns and counts.

use crate::extract::{Extraction, Role};
use crate::hash::FastMap;
use crate::util::strip_generic_head;
use rayon::prelude::*;
use std::collections::BTreeMap;
#[cfg(test)]
use std::collections::HashMap;

/// The merge key of a surface form: lowercase alphanumerics only, last word singular.
///
/// Two strings with the same key are the same entity. Hyphens, spaces and other separators
/// are dropped so "fine-tuning", "fine tuning" and "finetuning" meet, while letters and
/// digits are kept so "GPT-4" and "GPT-4V" stay apart.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_key(s, &mut out);
    out
}

/// Appends [`key`] of `s` to `out` (the keys of a paper share one buffer, see [`Prepared`]).
fn push_key(s: &str, out: &mut String) {
    if let Some(name) = strip_generic_head(s) {
        return push_key(name, out);
    }
    if s.is_ascii() {
        push_key_ascii(s, out)
    } else {
        push_key_words(s, out)
    }
}

/// [`push_key_words`] into a new string.
#[cfg(test)]
fn key_words(s: &str) -> String {
    let mut out = String::new();
    push_key_words(s, &mut out);
    out
}

/// Appends [`key`] of `s` without the generic-head step to `out`, for any text.
fn push_key_words(s: &str, out: &mut String) {
    let mut words = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    while let Some(w) = words.next() {
        if words.peek().is_none() {
            out.push_str(&singular(w));
        } else if w.is_ascii() {
            out.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            for c in w.chars() {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// [`push_key_ascii`] into a new string.
#[cfg(test)]
fn key_ascii(s: &str) -> String {
    let mut out = String::new();
    push_key_ascii(s, &mut out);
    out
}

/// [`push_key_words`] for ASCII text, byte by byte (the same result; most names are ASCII,
/// and every mention's key is computed): the words are the runs of ASCII letters and
/// digits, and only the last one goes through [`singular`].
fn push_key_ascii(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 && !b[end - 1].is_ascii_alphanumeric() {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && b[start - 1].is_ascii_alphanumeric() {
        start -= 1;
    }
    // The letters and digits copied a run at a time, then lowercased in one pass.
    let mark = out.len();
    out.reserve(end);
    let mut i = 0;
    while i < start {
        if b[i].is_ascii_alphanumeric() {
            let j = b[i..start]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .map_or(start, |k| i + k);
            out.push_str(&s[i..j]);
            i = j;
        } else {
            i += 1;
        }
    }
    if start < end {
        push_singular_ascii(&s[start..end], out);
    }
    out[mark..].make_ascii_lowercase();
}

/// [`singular`] of an ASCII word, appended to `out` as written (the caller lowercases it)
/// without the lowercased copies: the words of most names are ASCII, and every mention's
/// key ends with one.
fn push_singular_ascii(word: &str, out: &mut String) {
    let w = word.as_bytes();
    let n = w.len();
    let ends = |suffix: &[u8]| {
        n >= suffix.len()
            && w[n - suffix.len()..]
                .iter()
                .zip(suffix)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
    };
    let caps = w.iter().filter(|c| c.is_ascii_uppercase()).count();
    let keep = if w.last() == Some(&b's') && caps >= 2 && caps + 1 == n {
        n - 1
    } else if n <= 3
        || w.iter().any(u8::is_ascii_digit)
        || INVARIANT.iter().any(|i| i.len() == n && ends(i.as_bytes()))
    {
        n
    } else if n > 4 && ends(b"ies") {
        out.push_str(&word[..n - 3]);
        out.push('y');
        return;
    } else if [&b"sses"[..], b"shes", b"ches", b"xes", b"zes"]
        .iter()
        .any(|suffix| ends(suffix))
    {
        n - 2
    } else if ends(b"s")
        && ![&b"ss"[..], b"us", b"is", b"as", b"ys", b"ics"]
            .iter()
            .any(|suffix| ends(suffix))
    {
        n - 1
    } else {
        n
    };
    out.push_str(&word[..keep]);
}

/// Words whose plural and singular look alike, or that only look plural.
const INVARIANT: &[&str] = &["series", "species", "news", "means", "lens"];

/// The singular, lowercased form of one word, by the regular English plural rules plus
/// acronym plurals ("LLMs" → "llm"). Irregular and ambiguous endings are left alone.
fn singular(word: &str) -> String {
    let lower = word.to_lowercase();
    let n = lower.chars().count();
    // Acronym plural: capitals followed by a lowercase s ("LLMs", "VLMs", "GNNs").
    let caps = word.chars().filter(|c| c.is_uppercase()).count();
    if word.ends_with('s') && caps >= 2 && caps + 1 == word.chars().count() {
        return lower[..lower.len() - 1].to_string();
    }
    if n <= 3 || word.chars().any(|c| c.is_ascii_digit()) || INVARIANT.contains(&lower.as_str()) {
        return lower;
    }
    if let Some(stem) = lower.strip_suffix("ies") {
        if n > 4 {
            return format!("{stem}y");
        }
    }
    for suffix in ["sses", "shes", "ches", "xes", "zes"] {
        if lower.ends_with(suffix) {
            return lower[..lower.len() - 2].to_string();
        }
    }
    if lower.ends_with('s') {
        let keep = ["ss", "us", "is", "as", "ys", "ics"];
        if !keep.iter().any(|k| lower.ends_with(k)) {
            return lower[..lower.len() - 1].to_string();
        }
    }
    lower
}

/// The surface form of a mention as an alias: an acronym definition written as one
/// mention ("Solo Performance Prompting (SPP)") stands for its long form; the short form
/// is recorded from the paper's acronym list.
fn surface(text: &str) -> &str {
    match text
        .strip_suffix(')')
        .and_then(|t| t.rfind(" (").map(|i| &t[..i]))
    {
        Some(long) if !long.is_empty() && !long.contains('(') => long,
        _ => text,
    }
}

/// [`push_one_line`] into a new string.
#[cfg(test)]
fn one_line(s: String) -> String {
    let mut out = String::new();
    push_one_line(&s, &mut out);
    out
}

/// Appends `s` with every run of whitespace as one space to `out`: `s` itself when it
/// already is on one line (the common case, checked byte by byte), else its words joined
/// by single spaces.
fn push_one_line(s: &str, out: &mut String) {
    let b = s.as_bytes();
    // ASCII whitespace other than a single space, byte by byte; other whitespace (no-break
    // and typographic spaces) only exists in non-ASCII text.
    let clean = b.iter().enumerate().all(|(i, &c)| match c {
        b' ' => b.get(i + 1) != Some(&b' '),
        b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => false,
        _ => true,
    }) && (s.is_ascii() || !s.chars().any(|c| c.is_whitespace() && c != ' '));
    if clean {
        out.push_str(s);
    } else {
        for (i, w) in s.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
}

/// A URL- and Cypher-friendly id for an entity: lowercase alphanumerics joined by hyphens.
///
/// Different merge keys always give different slugs, because the key is a function of the
/// slug; ids are therefore unique within a graph.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_sep = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('-');
            }
            pending_sep = false;
            out.extend(c.to_lowercase());
        } else {
            pending_sep = true;
        }
    }
    if out.is_empty() {
        out.push_str("entity");
    }
    out
}

/// One entity of the corpus, after merging.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Stable id within the graph (a slug of the name).
    pub id: String,
    /// Display name: the most frequent canonical form among the merged mentions.
    pub name: String,
    /// Entity type, by majority over its mentions (ties: the earlier type).
    pub etype: String,
    /// Other surface forms seen for it (sorted; acronyms included).
    pub aliases: Vec<String>,
    /// Number of papers that mention it.
    pub papers: u32,
    /// Number of mentions over all papers.
    pub mentions: u32,
}

/// The entities one paper mentions, after merging.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperEntities {
    pub id: String,
    pub title: String,
    /// `(entity index, mention count, role)` sorted by entity index; the role is the
    /// strongest one stated (proposed over evaluated-on over used).
    pub entities: Vec<(u32, u32, Option<Role>)>,
}

/// The result of normalization: the entity table and each paper's entities.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// Entity types in priority order (as given by the rules).
    pub types: Vec<String>,
    /// Entities sorted by (type order, name), so indices are deterministic.
    pub entities: Vec<Entity>,
    /// Papers in input order.
    pub papers: Vec<PaperEntities>,
}

#[derive(Default)]
struct KeyInfo {
    /// Canonical surface forms and how often each was used.
    canon: Tally,
    /// Other surface texts (as written) and how often.
    texts: Tally,
    /// Votes per type index.
    votes: Votes,
}

/// How many mentions gave a key each type.
///
/// Nearly every key is always given the same type: its votes are held inline (no
/// allocation per key, no second cache line per mention), and a count per type index is
/// made only once a second type appears.
#[derive(Default)]
struct Votes {
    /// `(type index, votes)` while at most one type has votes.
    only: (u32, u32),
    /// Votes per type index, once two types have (then `only` is no longer used).
    all: Vec<u32>,
}

impl Votes {
    /// Counts `n` more votes for type `t`.
    fn add(&mut self, t: usize, n: u32) {
        if self.all.is_empty() {
            let (only, votes) = self.only;
            if votes == 0 || only as usize == t {
                self.only = (t as u32, votes + n);
                return;
            }
            self.all = vec![0; t.max(only as usize) + 1];
            self.all[only as usize] = votes;
        }
        if self.all.len() <= t {
            self.all.resize(t + 1, 0);
        }
        self.all[t] += n;
    }

    /// The types with votes and their counts.
    fn iter(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        let only = (self.all.is_empty() && self.only.1 > 0).then_some(self.only);
        only.map(|(t, n)| (t as usize, n))
            .into_iter()
            .chain(self.all.iter().copied().enumerate())
            .filter(|&(_, n)| n > 0)
    }

    /// The type with the most votes, ties going to the earlier type (0 without votes).
    fn winner(&self) -> usize {
        self.iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map_or(0, |(t, _)| t)
    }
}

/// How often each of a few strings was seen.
///
/// Nearly every key has a single canonical form and few other texts, so the first string
/// is held inline, counted after one comparison (no hashing, no table per key), and a map
/// is made only once a second distinct string appears. What it counts is the same as a
/// map from string to count; its iteration order is not (no output depends on that).
#[derive(Default)]
struct Tally {
    /// The first string counted, with its count.
    first: Option<(Box<str>, u32)>,
    /// The other strings with their counts, once there are any.
    rest: Option<Box<FastMap<Box<str>, u32>>>,
}

impl Tally {
    /// Counts `n` more uses of `s`, copying it only the first time it is seen.
    fn add(&mut self, s: &str, n: u32) {
        match &mut self.first {
            None => self.first = Some((s.into(), n)),
            Some((f, c)) if **f == *s => *c += n,
            Some(_) => {
                let rest = self.rest.get_or_insert_with(Box::default);
                match rest.get_mut(s) {
                    Some(c) => *c += n,
                    None => {
                        rest.insert(s.into(), n);
                    }
                }
            }
        }
    }

    /// The strings with their counts, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        let rest = self.rest.iter().flat_map(|m| m.iter());
        self.first
            .iter()
            .map(|(s, c)| (&**s, *c))
            .chain(rest.map(|(s, &c)| (&**s, c)))
    }

    /// The stored copy of `s`, if it was counted.
    fn get(&self, s: &str) -> Option<&str> {
        match &self.first {
            Some((f, _)) if **f == *s => Some(f),
            _ => self.rest.as_ref()?.get_key_value(s).map(|(k, _)| &**k),
        }
    }

    /// The number of distinct strings.
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.as_ref().map_or(0, |m| m.len())
    }
}

#[cfg(test)]
impl<'a> FromIterator<(&'a str, u32)> for Tally {
    fn from_iter<I: IntoIterator<Item = (&'a str, u32)>>(iter: I) -> Self {
        let mut t = Tally::default();
        for (s, n) in iter {
            t.add(s, n);
        }
        t
    }
}

/// A string of a [`Prepared`] paper: a byte range of its buffer.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// The string in `buf`.
    fn of(self, buf: &str) -> &str {
        &buf[self.start..self.end]
    }

    /// Appends what `write` writes to `buf` and returns its span.
    fn push(buf: &mut String, write: impl FnOnce(&mut String)) -> Span {
        let start = buf.len();
        write(buf);
        Span {
            start,
            end: buf.len(),
        }
    }
}

/// One mention with its merge key.
struct PreparedMention {
    key: Span,
    /// Index into the paper's [`Prepared::types`].
    etype: usize,
    canonical: Span,
    /// The text as written, when it differs from the canonical form.
    text: Option<Span>,
    role: Option<Role>,
}

/// One acronym definition with the keys of both forms.
struct PreparedAcronym {
    short_key: Span,
    long_key: Span,
    short: Span,
}

/// One paper's extraction with the merge keys computed: everything of normalization that
/// needs no corpus-wide state. Building it is pure, so it runs in parallel (next to
/// extraction); [`Normalizer::add_prepared`] then only interns and counts.
///
/// Its keys, names, texts and type names are written end to end into one buffer: building
/// it frees the extraction's strings on the parallel side, and the sequential side frees
/// one buffer per paper instead of several strings per mention.
pub struct Prepared {
    id: String,
    title: String,
    /// The strings the spans of `types`, `mentions` and `acronyms` point into.
    buf: String,
    /// The paper's distinct entity types, in order of first use by a kept mention.
    types: Vec<Span>,
    mentions: Vec<PreparedMention>,
    acronyms: Vec<PreparedAcronym>,
}

impl Prepared {
    /// The paper id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Replaces the paper id (e.g. to make ids unique across separately extracted parts).
    pub fn set_id(&mut self, id: String) {
        self.id = id;
    }

    /// Computes the keys of one extraction.
    pub fn new(ex: Extraction) -> Self {
        let mentions = ex.mentions.iter().map(|m| {
            (
                m.canonical.as_str(),
                m.text.as_str(),
                m.etype.as_str(),
                m.role,
            )
        });
        Self::build(ex.id, ex.title, mentions, &ex.acronyms)
    }

    /// [`new`](Self::new) from an extraction whose strings are borrowed: `run` prepares
    /// each paper straight from the extractor's view, without owned copies of every
    /// mention's strings made only to be read once and freed.
    pub(crate) fn of(x: &crate::extract::ExtractionRef<'_>) -> Self {
        let mentions = x
            .mentions
            .iter()
            .map(|m| (m.canonical, m.text, m.etype, m.role));
        Self::build(x.id.to_string(), x.title.to_string(), mentions, &x.acronyms)
    }

    /// The keys of one paper's mentions, given as (canonical, text, type, role), and of
    /// its acronym definitions.
    fn build<'m>(
        id: String,
        title: String,
        mentions: impl Iterator<Item = (&'m str, &'m str, &'m str, Option<Role>)> + Clone,
        acronyms: &[crate::extract::Acronym],
    ) -> Self {
        // Room for every string (ASCII keys are at most as long as their text).
        let room: usize = mentions
            .clone()
            .map(|(canonical, text, etype, _)| 2 * canonical.len() + text.len() + etype.len())
            .chain(acronyms.iter().map(|a| 2 * a.short.len() + a.long.len()))
            .sum();
        let mut buf = String::with_capacity(room);
        let mut types: Vec<Span> = Vec::new();
        let mut prepared = Vec::with_capacity(mentions.size_hint().0);
        for (m_canonical, m_text, m_etype, m_role) in mentions {
            let key = Span::push(&mut buf, |b| push_key(m_canonical, b));
            if key.start == key.end {
                continue;
            }
            // Names and aliases with one space between words: abstracts wrap lines
            // inside names ("Vision\nLanguage Models").
            let canonical = Span::push(&mut buf, |b| push_one_line(m_canonical, b));
            let text = match surface(m_text) {
                t if t == canonical.of(&buf) => None,
                t => {
                    let text = Span::push(&mut buf, |b| push_one_line(t, b));
                    if text.of(&buf) == canonical.of(&buf) {
                        buf.truncate(text.start);
                        None
                    } else {
                        Some(text)
                    }
                }
            };
            let etype = match types.iter().position(|t| t.of(&buf) == m_etype) {
                Some(i) => i,
                None => {
                    types.push(Span::push(&mut buf, |b| b.push_str(m_etype)));
                    types.len() - 1
                }
            };
            prepared.push(PreparedMention {
                key,
                etype,
                canonical,
                text,
                role: m_role,
            });
        }
        let mut defs = Vec::with_capacity(acronyms.len());
        for a in acronyms {
            let mark = buf.len();
            let short_key = Span::push(&mut buf, |b| push_key(&a.short, b));
            let long_key = Span::push(&mut buf, |b| push_key(&a.long, b));
            if short_key.start == short_key.end
                || long_key.start == long_key.end
                || short_key.of(&buf) == long_key.of(&buf)
            {
                buf.truncate(mark);
                continue;
            }
            defs.push(PreparedAcronym {
                short_key,
                long_key,
                short: Span::push(&mut buf, |b| push_one_line(&a.short, b)),
            });
        }
        Prepared {
            id,
            title,
            buf,
            types,
            mentions: prepared,
            acronyms: defs,
        }
    }
}

struct PaperAcc {
    id: String,
    title: String,
    keys: Vec<(u32, u32, Option<Role>)>,
}

/// Accumulates extractions one paper at a time and merges them into entities.
pub struct Normalizer {
    types: Vec<String>,
    keys: FastMap<Box<str>, u32>,
    infos: Vec<KeyInfo>,
    /// (short-form key, long-form key) → number of papers defining it that way.
    definitions: FastMap<(u32, u32), u32>,
    papers: Vec<PaperAcc>,
}

/// Share of a short form's definitions its most common long form needs before an undefined
/// use of the short form elsewhere is taken to mean it.
const ACRONYM_DOMINANCE: f64 = 0.6;

impl Normalizer {
    /// A normalizer for the given entity types, in priority order. Types seen in extractions
    /// but not listed here are appended in order of first appearance.
    pub fn new(types: &[String]) -> Self {
        Normalizer {
            types: types.to_vec(),
            keys: FastMap::default(),
            infos: Vec::new(),
            definitions: FastMap::default(),
            papers: Vec::new(),
        }
    }

    /// The index of type `t`, appending it if new. A scan: there are a handful of types.
    fn type_idx(&mut self, t: &str) -> usize {
        match self.types.iter().position(|x| x == t) {
            Some(i) => i,
            None => {
                self.types.push(t.to_string());
                self.types.len() - 1
            }
        }
    }

    /// The id of key `k`, copying it only when it is new (most keys are already known).
    fn intern(&mut self, k: &str) -> u32 {
        if let Some(&id) = self.keys.get(k) {
            return id;
        }
        let id = self.infos.len() as u32;
        self.keys.insert(k.into(), id);
        self.infos.push(KeyInfo::default());
        id
    }

    /// Adds one paper's extraction.
    pub fn add(&mut self, ex: &Extraction) {
        self.add_prepared(Prepared::new(ex.clone()));
    }

    /// Adds one paper whose keys were computed by [`Prepared::new`].
    pub fn add_prepared(&mut self, p: Prepared) {
        let buf = p.buf.as_str();
        // The paper's types in order of first use, so new ones are appended in the order
        // their mentions come.
        let types: Vec<usize> = p.types.iter().map(|t| self.type_idx(t.of(buf))).collect();
        let mut per_key: Vec<(u32, u32, Option<Role>)> = Vec::with_capacity(p.mentions.len());
        for m in &p.mentions {
            let t = types[m.etype];
            let id = self.intern(m.key.of(buf));
            let info = &mut self.infos[id as usize];
            info.votes.add(t, 1);
            info.canon.add(m.canonical.of(buf), 1);
            if let Some(text) = m.text {
                info.texts.add(text.of(buf), 1);
            }
            match per_key.iter_mut().find(|e| e.0 == id) {
                Some(e) => {
                    e.1 += 1;
                    e.2 = stronger(e.2, m.role);
                }
                None => per_key.push((id, 1, m.role)),
            }
        }
        per_key.sort_unstable_by_key(|e| e.0);
        let mut defined = Vec::with_capacity(p.acronyms.len());
        for a in &p.acronyms {
            let s = self.intern(a.short_key.of(buf));
            let l = self.intern(a.long_key.of(buf));
            self.infos[s as usize].texts.add(a.short.of(buf), 1);
            defined.push((s, l));
        }
        defined.sort_unstable();
        defined.dedup();
        for d in defined {
            *self.definitions.entry(d).or_insert(0) += 1;
        }
        self.papers.push(PaperAcc {
            id: p.id,
            title: p.title,
            keys: per_key,
        });
    }

    /// Merges keys into entities and returns the entity table with each paper's entities.
    pub fn finish(self) -> Normalized {
        let n = self.infos.len();
        // Union-find over keys: a short form joins the long form that dominates its
        // definitions in the corpus.
        let mut parent: Vec<u32> = (0..n as u32).collect();
        let mut by_short: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
        for (&(s, l), &c) in &self.definitions {
            by_short.entry(s).or_default().push((l, c));
        }
        let mut joins: Vec<(u32, u32)> = Vec::new();
        for (s, mut longs) in by_short {
            longs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let total: u32 = longs.iter().map(|x| x.1).sum();
            let (best, count) = longs[0];
            if f64::from(count) >= ACRONYM_DOMINANCE * f64::from(total) {
                joins.push((s, best));
            }
        }
        // A versioned short form ("GPT3") defined by the same long form as its unversioned
        // one ("GPT" = "generative pre-trained transformer") names one version of the thing:
        // it stays its own entity, or every "GPT-3" would become "GPT".
        let short_ids: crate::hash::FastSet<u32> = joins.iter().map(|j| j.0).collect();
        let short_key: FastMap<u32, &str> = self
            .keys
            .iter()
            .filter(|(_, id)| short_ids.contains(id))
            .map(|(k, &id)| (id, &**k))
            .collect();
        let chosen: crate::hash::FastSet<(&str, u32)> =
            joins.iter().map(|&(s, l)| (short_key[&s], l)).collect();
        for &(s, l) in &joins {
            let k = short_key[&s];
            let base = k.trim_end_matches(|c: char| c.is_ascii_digit());
            if !base.is_empty() && base.len() < k.len() && chosen.contains(&(base, l)) {
                continue;
            }
            union(&mut parent, s, l);
        }
        let root: Vec<u32> = (0..n as u32).map(|k| find(&mut parent, k)).collect();

        // Group keys by root (in key order), aggregating their surface forms and votes into
        // the root's own counts: a root is the smallest key of its group, so it comes first,
        // and keys alone in their group (nearly all) stay where they are.
        let mut infos = self.infos;
        for k in 0..n {
            let r = root[k] as usize;
            if r == k {
                continue;
            }
            let info = std::mem::take(&mut infos[k]);
            let g = &mut infos[r];
            for (s, c) in info.canon.iter() {
                g.canon.add(s, c);
            }
            for (s, c) in info.texts.iter() {
                g.texts.add(s, c);
            }
            for (t, v) in info.votes.iter() {
                g.votes.add(t, v);
            }
        }
        // Per-paper entity lists in terms of roots, merging keys that joined.
        let mut papers_per_root = vec![0u32; n];
        let mut mentions_per_root = vec![0u32; n];
        let mut papers = self.papers;
        for p in &mut papers {
            let joined = p.keys.iter().any(|&(k, _, _)| root[k as usize] != k);
            if joined {
                for e in &mut p.keys {
                    e.0 = root[e.0 as usize];
                }
                p.keys.sort_by_key(|e| e.0);
                let mut merged: Vec<(u32, u32, Option<Role>)> = Vec::with_capacity(p.keys.len());
                for &(r, c, role) in &p.keys {
                    match merged.last_mut() {
                        Some(last) if last.0 == r => {
                            last.1 += c;
                            last.2 = stronger(last.2, role);
                        }
                        _ => merged.push((r, c, role)),
                    }
                }
                p.keys = merged;
            }
            for &(r, c, _) in &p.keys {
                papers_per_root[r as usize] += 1;
                mentions_per_root[r as usize] += c;
            }
        }

        // Build entities for roots that some paper mentions: each from its own counts, so in
        // parallel (the display name and aliases are most of the merge's time), in root order.
        let roots: Vec<u32> = (0..n as u32)
            .filter(|&r| root[r as usize] == r && papers_per_root[r as usize] > 0)
            .collect();
        let types = &self.types;
        let (mut built, type_of): (Vec<Entity>, Vec<usize>) = roots
            .par_iter()
            .map(|&r| {
                let r = r as usize;
                let g = &infos[r];
                let name = most_frequent(&g.canon, &g.texts).unwrap_or_default();
                let t = g.votes.winner();
                // Sorted and deduplicated before they are copied.
                let mut aliases: Vec<&str> = g
                    .canon
                    .iter()
                    .chain(g.texts.iter())
                    .map(|(s, _)| s)
                    .filter(|s| *s != name)
                    .collect();
                aliases.sort_unstable();
                aliases.dedup();
                let entity = Entity {
                    id: slug(&name),
                    etype: types.get(t).cloned().unwrap_or_default(),
                    aliases: aliases.into_iter().map(str::to_string).collect(),
                    name,
                    papers: papers_per_root[r],
                    mentions: mentions_per_root[r],
                };
                (entity, t)
            })
            .unzip();
        // Entities in (type order, id) order, entities whose ids tie in root order (as the
        // stable sort of the entities did): the position makes the keys unique, so an
        // unstable parallel sort of small keys gives that order.
        let mut keys: Vec<(usize, &str, u32)> = built
            .iter()
            .zip(&type_of)
            .enumerate()
            .map(|(i, (e, &t))| (t, e.id.as_str(), i as u32))
            .collect();
        keys.par_sort_unstable();
        let order: Vec<u32> = keys.into_iter().map(|k| k.2).collect();
        let mut index = vec![u32::MAX; n];
        for (i, &o) in order.iter().enumerate() {
            index[roots[o as usize] as usize] = i as u32;
        }
        permute(&mut built, &order);
        let mut entities = built;
        dedupe_ids(&mut entities);
        let papers = papers
            .into_iter()
            .map(|p| {
                let mut es = p.keys;
                for e in &mut es {
                    e.0 = index[e.0 as usize];
                }
                es.sort_unstable_by_key(|e| e.0);
                PaperEntities {
                    id: p.id,
                    title: p.title,
                    entities: es,
                }
            })
            .collect();
        Normalized {
            types: self.types,
            entities,
            papers,
        }
    }
}

/// Reorders `items` in place so that `items[i]` becomes the old `items[order[i]]`
/// (`order` is a permutation), following its cycles with swaps.
fn permute<T>(items: &mut [T], order: &[u32]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        let mut i = start;
        while !done[i] {
            done[i] = true;
            let j = order[i] as usize;
            if j == start {
                break;
            }
            // items[i] holds the cycle's first item, which moves on to j.
            items.swap(i, j);
            i = j;
        }
    }
}

/// Makes entity ids unique when two entities of different keys slug alike (possible only
/// when names differ in characters the slug drops, such as non-alphanumeric symbols): the
/// second and later ones, in order, get `~2`, `~3` … (slugs never contain `~`).
fn dedupe_ids(entities: &mut [Entity]) {
    // Ids sorted with their positions: equal ids are adjacent, in order of position.
    let mut ids: Vec<(&str, u32)> = entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i as u32))
        .collect();
    ids.par_sort_unstable();
    let mut renames: Vec<(u32, usize)> = Vec::new();
    let mut run = 0;
    for i in 0..ids.len() {
        run = if i > 0 && ids[i].0 == ids[i - 1].0 {
            run + 1
        } else {
            1
        };
        if run > 1 {
            renames.push((ids[i].1, run));
        }
    }
    drop(ids);
    for (i, n) in renames {
        let e = &mut entities[i as usize];
        e.id = format!("{}~{}", e.id, n);
    }
}

/// The display name of an entity from the counts of the names its mentions gave.
///
/// Counts first go to the spelling a reader expects: a multi-word phrase capitalised only
/// because it opened a sentence or a title ("Multi-task learning", "Autonomous Driving")
/// counts for its lowercase spelling when that occurs too, and a name with a generic head
/// ("RLHF algorithms") for the bare name. The name is then the most used form; on ties a
/// bare name beats one with a generic head ("miniImageNet" over "miniImageNet
/// benchmarks"), then fewer hyphens, then the form that sorts last, which prefers lowercase
/// ("continual learning" over "Continual Learning"). Finally a plural name gives way to its
/// singular if the papers use that too ("large language models" → "large language model").
fn most_frequent(counts: &Tally, texts: &Tally) -> Option<String> {
    let mut credited: Vec<(&str, u32)> = Vec::with_capacity(counts.len());
    for (s, c) in counts.iter() {
        // The lowercase spelling may be a name (another mention's canonical) or only a
        // surface form (a dictionary names "Anomaly Detection"; papers write it lowercase).
        let seen = |l: &str| counts.get(l).or_else(|| texts.get(l));
        // Likewise a name with a generic head counts for the bare name when papers write
        // that too ("RLHF algorithms" for "RLHF").
        let target = sentence_case_lower(s)
            .and_then(|l| seen(&l))
            .or_else(|| strip_generic_head(s).and_then(seen))
            .unwrap_or(s);
        match credited.iter_mut().find(|(t, _)| *t == target) {
            Some(e) => e.1 += c,
            None => credited.push((target, c)),
        }
    }
    let better = |a: &(&str, u32), b: &(&str, u32)| {
        a.1.cmp(&b.1)
            .then_with(|| {
                strip_generic_head(b.0)
                    .is_some()
                    .cmp(&strip_generic_head(a.0).is_some())
            })
            .then_with(|| b.0.matches('-').count().cmp(&a.0.matches('-').count()))
            .then_with(|| a.0.cmp(b.0))
    };
    let best = *credited.iter().max_by(|a, b| better(a, b))?;
    if credited.len() == 1 {
        return Some(best.0.to_string());
    }
    // The singular spellings of the winner (same words but the last in the singular).
    let fold = plural_fold(best.0);
    let lower = best.0.to_lowercase();
    // Already singular, or a plural that belongs to the name: after "of" ("mixture of
    // experts", "bag of words") the singular some papers write is a slip.
    if fold == lower
        || lower
            .rsplit_once(' ')
            .is_some_and(|(h, _)| h.ends_with(" of"))
    {
        return Some(best.0.to_string());
    }
    let singular = credited
        .iter()
        .filter(|(s, _)| *s != best.0 && is_singular_spelling(s, &fold))
        .max_by(|a, b| better(a, b));
    Some(match singular {
        None => best.0.to_string(),
        // A lowercase name stays lowercase ("task-solving agents", "Task-Solving Agent").
        Some(_) if !best.0.chars().any(char::is_uppercase) => fold,
        Some(s) => s.0.to_string(),
    })
}

/// The lowercase spelling of a multi-word phrase whose only capitals open its words or
/// their hyphenated parts: sentence case ("Multi-task learning") or title case
/// ("Autonomous Driving", "Vision-Language Model"). Names with inner capitals or digits
/// ("GPT-4 Turbo", "ImageNet Challenge") have none.
fn sentence_case_lower(s: &str) -> Option<String> {
    if !s.contains(' ') || !s.starts_with(char::is_uppercase) {
        return None;
    }
    let plain = s.split([' ', '-']).all(|part| {
        let mut chars = part.chars();
        chars.next().is_none_or(char::is_alphabetic)
            && chars.all(|c| c.is_alphabetic() && !c.is_uppercase())
    });
    plain.then(|| s.to_lowercase())
}

/// `s` lowercased with its last word in the singular.
fn plural_fold(s: &str) -> String {
    match s.rsplit_once(' ') {
        Some((head, last)) => format!("{} {}", head.to_lowercase(), singular(last)),
        None => singular(s),
    }
}

/// Whether `s` spells `fold` (a name lowercased with its last word in the singular): the
/// singular spelling of a plural name.
fn is_singular_spelling(s: &str, fold: &str) -> bool {
    s.to_lowercase() == fold && plural_fold(s) == fold
}

/// The stronger of two roles: proposed > evaluated-on > used > none.
fn stronger(a: Option<Role>, b: Option<Role>) -> Option<Role> {
    fn rank(r: Option<Role>) -> u8 {
        match r {
            None => 0,
            Some(Role::Used) => 1,
            Some(Role::EvaluatedOn) => 2,
            Some(Role::Proposed) => 3,
        }
    }
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller root wins so the result does not depend on insertion order.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Acronym, Field, Mention};

    #[test]
    fn display_name_prefers_the_spelling_readers_expect() {
        let cases: &[(&[(&str, u32)], &str)] = &[
            // Most used form wins.
            (
                &[("continual learning", 5), ("Continual Learning", 2)],
                "continual learning",
            ),
            // Sentence-initial capitals count for the lowercase spelling.
            (
                &[("Multi-task learning", 3), ("multi-task learning", 2)],
                "multi-task learning",
            ),
            // ... but only when that spelling occurs, and never for one word.
            (&[("Multi-task learning", 3)], "Multi-task learning"),
            (&[("Transformer", 3), ("transformer", 2)], "Transformer"),
            // Title case too, when the lowercase spelling occurs; not names with inner
            // capitals or digits.
            (
                &[("Vision Transformer", 3), ("vision transformer", 2)],
                "vision transformer",
            ),
            (&[("Autonomous Driving", 3)], "Autonomous Driving"),
            (&[("GPT-4 Turbo", 3), ("gpt-4 turbo", 1)], "GPT-4 Turbo"),
            (
                &[("ImageNet Challenge", 3), ("imagenet challenge", 1)],
                "ImageNet Challenge",
            ),
            // A plural gives way to its singular when the papers use it.
            (
                &[("large language models", 9), ("large language model", 1)],
                "large language model",
            ),
            (&[("LLMs", 4), ("LLM", 1)], "LLM"),
            (&[("large language models", 9)], "large language models"),
            (
                &[("task-solving agents", 3), ("Task-Solving Agent", 1)],
                "task-solving agent",
            ),
            (
                &[
                    ("Graph Neural Networks", 5),
                    ("graph neural network", 2),
                    ("Graph Neural Network", 1),
                ],
                "graph neural network",
            ),
            // A name with a generic head counts for the bare name when that occurs.
            (
                &[("miniImageNet", 1), ("miniImageNet benchmarks", 2)],
                "miniImageNet",
            ),
            (&[("RLHF algorithms", 2)], "RLHF algorithms"),
            // Words that only look plural are left alone.
            (&[("analysis", 3), ("analysi", 1)], "analysis"),
            // A plural after "of" belongs to the name.
            (
                &[
                    ("Mixture of Experts", 5),
                    ("mixture of experts", 2),
                    ("Mixture of Expert", 2),
                ],
                "mixture of experts",
            ),
            (&[("bag of words", 3), ("bag of word", 1)], "bag of words"),
        ];
        for (counts, want) in cases {
            let m: Tally = counts.iter().copied().collect();
            assert_eq!(
                most_frequent(&m, &Tally::default()).as_deref(),
                Some(*want),
                "{counts:?}"
            );
        }
        // A title-case dictionary name gives way to the lowercase spelling papers write.
        let canon: Tally = [("Anomaly Detection", 5)].into_iter().collect();
        for (texts, want) in [
            (vec![("anomaly detection", 4)], "anomaly detection"),
            (vec![("Anomaly detection", 4)], "Anomaly Detection"),
            (vec![], "Anomaly Detection"),
        ] {
            let texts: Tally = texts.into_iter().collect();
            assert_eq!(most_frequent(&canon, &texts).as_deref(), Some(want));
        }
        // ... and a name with a generic head to the bare name written as a short form.
        let canon: Tally = [("RLHF algorithms", 2)].into_iter().collect();
        for (texts, want) in [
            (vec![("RLHF", 1)], "RLHF"),
            (vec![("RLHF algorithms", 2)], "RLHF algorithms"),
        ] {
            let texts: Tally = texts.into_iter().collect();
            assert_eq!(most_frequent(&canon, &texts).as_deref(), Some(want));
        }
    }

    #[test]
    fn votes_count_like_a_vector() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [0usize, 1, 2, 3, 10, 500] {
            for types in [1u64, 2, 7] {
                let mut votes = Votes::default();
                let mut want: Vec<u32> = Vec::new();
                for _ in 0..n {
                    crate::util::xorshift(&mut x);
                    let t = (x % types) as usize;
                    let c = (x >> 32) as u32 % 3;
                    votes.add(t, c);
                    if want.len() <= t {
                        want.resize(t + 1, 0);
                    }
                    want[t] += c;
                }
                let got: Vec<(usize, u32)> = votes.iter().collect();
                let nonzero: Vec<(usize, u32)> = want
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|&(_, c)| c > 0)
                    .collect();
                assert_eq!(got, nonzero);
                // The winner as the vector of counts gave it.
                let winner = want
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                assert_eq!(votes.winner(), winner, "{want:?}");
            }
        }
    }

    #[test]
    fn a_tally_counts_like_a_map() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for n in [0usize, 1, 2, 3, 50, 2000] {
            let mut tally = Tally::default();
            let mut map: HashMap<String, u32> = HashMap::new();
            for _ in 0..n {
                crate::util::xorshift(&mut x);
                let s = format!("s{}", x % (n as u64 / 4 + 1));
                let c = (x >> 32) as u32 % 3 + 1;
                tally.add(&s, c);
                *map.entry(s).or_insert(0) += c;
            }
            let mut got: Vec<(String, u32)> =
                tally.iter().map(|(s, c)| (s.to_string(), c)).collect();
            got.sort();
            let mut want: Vec<(String, u32)> = map.into_iter().collect();
            want.sort();
            assert_eq!(tally.len(), want.len());
            for (s, _) in &want {
                assert_eq!(tally.get(s), Some(s.as_str()));
            }
            assert_eq!(tally.get("absent"), None);
            assert_eq!(got, want);
        }
    }

    /// Random ASCII strings over letters, digits and separators, from a fixed seed.
    fn ascii_samples(n: usize) -> Vec<String> {
        let alphabet = b"aAbsSeiIyYhHcxzZuU019 -_.,'/()  \t\n";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..n)
            .map(|_| {
                crate::util::xorshift(&mut x);
                let len = (x % 24) as usize;
                (0..len)
                    .map(|i| {
                        let r = x.rotate_left(i as u32 * 5) ^ (i as u64 * 0x2545_f491);
                        char::from(alphabet[(r % alphabet.len() as u64) as usize])
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn ascii_fast_paths_agree_with_the_general_ones() {
        let fixed = [
            "Large Language Models",
            "fine-tuning",
            "LLMs",
            "GPUs",
            "series",
            "Species",
            "NEWS",
            "lens",
            "campus",
            "bias",
            "classes",
            "boxes",
            "quizzes",
            "batches",
            "bushes",
            "studies",
            "ties",
            "physics",
            "days",
            "Ies",
            "sS",
            "GPT-4V",
            "analysis",
            "  spaced  out ",
            "CIFAR-100 dataset",
            "approaches",
            "",
            "--",
        ];
        let samples = ascii_samples(50_000);
        for s in fixed.iter().map(|s| s.to_string()).chain(samples) {
            assert_eq!(key_ascii(&s), key_words(&s), "{s:?}");
            let general =
                if !s.contains(|c: char| c.is_whitespace() && c != ' ') && !s.contains("  ") {
                    s.clone()
                } else {
                    s.split_whitespace().collect::<Vec<_>>().join(" ")
                };
            assert_eq!(one_line(s.clone()), general, "{s:?}");
        }
        // Non-ASCII whitespace still counts.
        assert_eq!(one_line("a\u{a0}b".to_string()), "a b");
    }

    #[test]
    fn keys_merge_variants_and_keep_distinct_things_apart() {
        let same = [
            ("Large Language Models", "large language model"),
            ("large-language model", "Large Language Model"),
            ("fine-tuning", "finetuning"),
            ("fine tuning", "Fine-Tuning"),
            ("LLMs", "LLM"),
            ("Graph Neural Networks", "graph neural network"),
            ("CIFAR-100", "cifar100"),
            ("class-incremental learning", "Class Incremental Learning"),
            ("strategies", "strategy"),
            ("approaches", "approach"),
        ];
        for (a, b) in same {
            assert_eq!(key(a), key(b), "{a} vs {b}");
        }
        // Title-case compounds are phrases, not names with a generic head.
        assert_eq!(key("Vision-Language Model"), key("vision-language models"));
        assert_ne!(key("Vision-Language Model"), key("Vision-Language"));
        let with_heads = [
            ("ImageNet-R benchmark", "ImageNet-R"),
            ("RS-GPT4V dataset", "RS-GPT4V"),
            ("Q-SiT model", "Q-SiT"),
            ("miniImageNet benchmarks", "miniImageNet"),
            ("CIFAR-100 dataset", "CIFAR-100"),
            ("GAST model", "GAST"),
            ("GPT-4 models", "GPT-4"),
            ("RLHF algorithms", "RLHF"),
            ("GAN architectures", "GAN"),
            ("RAG approach", "RAG"),
            ("CNN approaches", "CNN"),
        ];
        for (a, b) in with_heads {
            assert_eq!(key(a), key(b), "{a} vs {b}");
        }
        let different = [
            ("language model", "language"),
            ("Transformer model", "Transformer"),
            ("Hopfield networks", "Hopfield"),
            ("learning approach", "learning"),
            ("Large Language Model", "Large Language"),
            ("ImageNet pretrained model", "ImageNet pretrained"),
            ("GPT-4", "GPT-4V"),
            ("CIFAR-10", "CIFAR-100"),
            ("bias", "bia"),
            ("analysis", "analysi"),
            ("loss", "los"),
            ("physics", "physic"),
        ];
        for (a, b) in different {
            assert_ne!(key(a), key(b), "{a} vs {b}");
        }
    }

    #[test]
    fn names_and_aliases_are_on_one_line() {
        for (input, want) in [
            ("Vision\nLanguage  Models", "Vision Language Models"),
            ("plain name", "plain name"),
            ("tab\tand\r\nbreak", "tab and break"),
        ] {
            assert_eq!(one_line(input.to_string()), want);
        }
    }

    #[test]
    fn definition_mentions_give_their_long_form_as_alias() {
        let cases = [
            (
                "Solo Performance Prompting (SPP)",
                "Solo Performance Prompting",
            ),
            ("SPP (Solo Performance Prompting)", "SPP"),
            ("f(x)", "f(x)"),
            ("LLMs", "LLMs"),
            ("a (b) (c)", "a (b) (c)"),
        ];
        for (text, want) in cases {
            assert_eq!(surface(text), want, "{text}");
        }
    }

    #[test]
    fn slug_is_readable_and_unique_per_key() {
        assert_eq!(
            slug("Solo Performance Prompting"),
            "solo-performance-prompting"
        );
        assert_eq!(slug("CIFAR-100"), "cifar-100");
        assert_eq!(slug("NEVIS'22"), "nevis-22");
        assert_eq!(slug("!!"), "entity");
    }

    fn mention(t: &str, text: &str, canonical: &str) -> Mention {
        Mention {
            etype: t.into(),
            text: text.into(),
            canonical: canonical.into(),
            field: Field::Abstract,
            start: 0,
            end: text.chars().count(),
            rule: "test".into(),
            role: None,
        }
    }

    fn ex(id: &str, mentions: Vec<Mention>, acronyms: &[(&str, &str)]) -> Extraction {
        Extraction {
            id: id.into(),
            title: format!("title {id}"),
            mentions,
            acronyms: acronyms
                .iter()
                .map(|(s, l)| Acronym {
                    short: s.to_string(),
                    long: l.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn variants_across_papers_become_one_entity() {
        let types = vec!["method".to_string(), "concept".to_string()];
        let mut n = Normalizer::new(&types);
        n.add(&ex(
            "a",
            vec![
                mention("method", "Large Language Models", "Large Language Models"),
                mention("method", "LLMs", "Large Language Models"),
            ],
            &[("LLMs", "Large Language Models")],
        ));
        n.add(&ex(
            "b",
            vec![mention(
                "method",
                "large language model",
                "large language model",
            )],
            &[],
        ));
        // Undefined short form in a third paper: resolved through the corpus definitions.
        n.add(&ex("c", vec![mention("method", "LLM", "LLM")], &[]));
        let out = n.finish();
        assert_eq!(out.entities.len(), 1, "{:?}", out.entities);
        let e = &out.entities[0];
        assert_eq!(e.papers, 3);
        assert_eq!(e.mentions, 4);
        // The most used form is plural; the papers also use the singular, which names it.
        assert_eq!(e.name, "large language model");
        assert!(e.aliases.contains(&"Large Language Models".to_string()));
        assert!(e.aliases.contains(&"LLMs".to_string()));
        assert!(e.aliases.contains(&"LLM".to_string()));
        assert_eq!(out.papers[2].entities, vec![(0, 1, None)]);
    }

    #[test]
    fn ambiguous_short_form_is_not_merged() {
        let types = vec!["concept".to_string()];
        let mut n = Normalizer::new(&types);
        n.add(&ex(
            "a",
            vec![mention("concept", "CL", "continual learning")],
            &[("CL", "continual learning")],
        ));
        n.add(&ex(
            "b",
            vec![mention("concept", "CL", "contrastive learning")],
            &[("CL", "contrastive learning")],
        ));
        n.add(&ex("c", vec![mention("concept", "CL", "CL")], &[]));
        let out = n.finish();
        let names: Vec<&str> = out.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["CL", "continual learning", "contrastive learning"]
        );
    }

    #[test]
    fn a_versioned_short_form_is_not_merged_into_its_family() {
        let types = vec!["method".to_string()];
        let mut n = Normalizer::new(&types);
        let gpt = "generative pre-trained transformer";
        n.add(&ex(
            "a",
            vec![mention("method", "GPT", gpt)],
            &[("GPT", gpt)],
        ));
        n.add(&ex(
            "b",
            vec![mention("method", "GPT3", gpt)],
            &[("GPT3", gpt)],
        ));
        n.add(&ex("c", vec![mention("method", "GPT-3", "GPT-3")], &[]));
        n.add(&ex("d", vec![mention("method", "GPT", "GPT")], &[]));
        // A digit that counts letters ("T5") is no version: with no "T" defined the same
        // way, the short form joins its long form as usual.
        let t5 = "Text-to-Text Transfer Transformer";
        n.add(&ex("e", vec![mention("method", "T5", t5)], &[("T5", t5)]));
        n.add(&ex("f", vec![mention("method", "T5", "T5")], &[]));
        let out = n.finish();
        let mut got: Vec<(&str, u32)> = out
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.papers))
            .collect();
        got.sort();
        // Paper b's own mention follows its definition (the long form); paper c's
        // "GPT-3" stays GPT-3.
        assert_eq!(
            got,
            vec![
                ("GPT-3", 1),
                ("T5", 2),
                ("generative pre-trained transformer", 3)
            ]
        );
    }

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for n in [0usize, 1, 2, 3, 10, 1000] {
            // A random permutation (Fisher–Yates).
            let mut order: Vec<u32> = (0..n as u32).collect();
            for i in (1..n).rev() {
                crate::util::xorshift(&mut x);
                order.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
            let want: Vec<String> = order.iter().map(|&o| items[o as usize].clone()).collect();
            let mut got = items;
            permute(&mut got, &order);
            assert_eq!(got, want, "{order:?}");
        }
    }

    /// The id deduplication before it sorted: counts in a map, in entity order.
    fn dedupe_ids_reference(entities: &mut [Entity]) {
        let mut seen: HashMap<String, u32> = HashMap::new();
        for e in entities.iter_mut() {
            let n = seen.entry(e.id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                e.id = format!("{}~{}", e.id, n);
            }
        }
    }

    #[test]
    fn duplicate_ids_are_numbered_in_entity_order() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [0usize, 1, 5, 300, 5000] {
            let entities: Vec<Entity> = (0..n)
                .map(|_| {
                    crate::util::xorshift(&mut x);
                    Entity {
                        // Few distinct ids, so most repeat, some many times.
                        id: format!("id-{}", x % (n as u64 / 3 + 1)),
                        name: String::new(),
                        etype: String::new(),
                        aliases: Vec::new(),
                        papers: 1,
                        mentions: 1,
                    }
                })
                .collect();
            let mut want = entities.clone();
            dedupe_ids_reference(&mut want);
            let mut got = entities;
            dedupe_ids(&mut got);
            assert_eq!(got, want);
        }
    }

    /// A corpus of `n` papers drawing mentions from a small vocabulary of case, plural and
    /// hyphen variants, acronyms (defined and not, some ambiguous) and names that slug
    /// alike, so that keys merge, types tie and ids collide.
    fn random_corpus(n: usize, seed: u64) -> Vec<Extraction> {
        const VOCAB: [(&str, &str); 20] = [
            ("method", "Large Language Models"),
            ("method", "large-language model"),
            ("method", "LLMs"),
            ("method", "LLM"),
            ("concept", "continual learning"),
            ("concept", "contrastive learning"),
            ("concept", "CL"),
            ("method", "GPT"),
            ("method", "GPT-3"),
            ("method", "GPT3"),
            ("dataset", "CIFAR-100"),
            ("dataset", "CIFAR-100 dataset"),
            ("concept", "Multi-task learning"),
            ("concept", "multi-task learning"),
            ("method", "C++"),
            ("method", "C#"),
            ("concept", "c"),
            ("dataset", "x model"),
            ("concept", "X model"),
            ("method", "Vision\nLanguage  Models"),
        ];
        const DEFS: [(&str, &str); 4] = [
            ("LLMs", "Large Language Models"),
            ("CL", "continual learning"),
            ("CL", "contrastive learning"),
            ("GPT3", "generative pre-trained transformer"),
        ];
        let mut x = seed;
        let mut next = move |m: u64| {
            crate::util::xorshift(&mut x);
            x % m
        };
        (0..n)
            .map(|i| {
                let mentions = (0..next(6))
                    .map(|_| {
                        let (t, text) = VOCAB[next(VOCAB.len() as u64) as usize];
                        let (_, canonical) = VOCAB[next(VOCAB.len() as u64) as usize];
                        let canonical = if next(3) == 0 { canonical } else { text };
                        mention(t, text, canonical)
                    })
                    .collect();
                let defs: Vec<(&str, &str)> = (0..next(2))
                    .map(|_| DEFS[next(DEFS.len() as u64) as usize])
                    .collect();
                ex(&format!("p{i}"), mentions, &defs)
            })
            .collect()
    }

    #[test]
    fn the_merge_is_the_same_at_any_thread_count() {
        let types = vec![
            "method".to_string(),
            "dataset".to_string(),
            "concept".to_string(),
        ];
        for seed in 1..=20u64 {
            let corpus = random_corpus(300, seed);
            let merge = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| {
                    let mut n = Normalizer::new(&types);
                    for e in &corpus {
                        n.add(e);
                    }
                    n.finish()
                })
            };
            let one = merge(1);
            assert_eq!(one, merge(4), "seed {seed}");
            // Entities in (type order, id) order, ids unique.
            let base = |id: &str| id.split('~').next().unwrap_or("").to_string();
            let pos = |t: &str| one.types.iter().position(|x| x == t);
            for w in one.entities.windows(2) {
                assert!(
                    (pos(&w[0].etype), base(&w[0].id)) <= (pos(&w[1].etype), base(&w[1].id)),
                    "{w:?}"
                );
            }
            let ids: std::collections::BTreeSet<&str> =
                one.entities.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(ids.len(), one.entities.len());
        }
    }

    #[test]
    fn type_is_the_majority_and_ties_go_to_the_earlier_type() {
        let types = vec!["method".to_string(), "concept".to_string()];
        let mut n = Normalizer::new(&types);
        n.add(&ex(
            "a",
            vec![mention("concept", "x model", "x model")],
            &[],
        ));
        n.add(&ex(
            "b",
            vec![mention("concept", "X model", "X model")],
            &[],
        ));
        n.add(&ex("c", vec![mention("method", "x model", "x model")], &[]));
        n.add(&ex(
            "d",
            vec![mention("method", "y", "y"), mention("concept", "y", "y")],
            &[],
        ));
        let out = n.finish();
        let by_name: HashMap<&str, &str> = out
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.etype.as_str()))
            .collect();
        assert_eq!(by_name["x model"], "concept");
        assert_eq!(by_name["y"], "method");
    }
}
