//! Per-paper extraction: a pure function of the compiled rules and one paper.
//!
//! The [`Extraction`] it returns is also the `paperkg extract` JSON Lines contract that other
//! tools read, so its serialized shape is fixed.

mod acronym;
pub(crate) mod coord;
mod dict;
pub mod explain;
mod pattern;
mod phrase;

use crate::corpus::Paper;
use crate::rules::{AcronymDefault, RuleSet};
use crate::util::push_json_str;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Which text of the paper a mention is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Abstract,
}

/// What the paper does with the entity, where the text says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Proposed,
    Used,
    EvaluatedOn,
}

/// One occurrence of an entity in a paper's title or abstract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Entity type name (a rule file's type).
    #[serde(rename = "type")]
    pub etype: String,
    /// The text exactly as it stands in the field.
    pub text: String,
    /// The name the rule maps it to (dictionary name, acronym long form, or the text).
    pub canonical: String,
    pub field: Field,
    /// Start offset in Unicode code points into the field's text, inclusive.
    pub start: usize,
    /// End offset in code points, exclusive: `field_text[start:end] == text`.
    pub end: usize,
    /// Id of the rule that found it.
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// An acronym defined in the paper, e.g. `SPP` ↔ `Solo Performance Prompting`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Acronym {
    pub short: String,
    pub long: String,
}

/// Everything extracted from one paper; one line of `paperkg extract` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    pub id: String,
    pub title: String,
    pub mentions: Vec<Mention>,
    pub acronyms: Vec<Acronym>,
}

impl Role {
    /// The name the JSON contract and the exports use ("evaluated-on").
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Proposed => "proposed",
            Role::Used => "used",
            Role::EvaluatedOn => "evaluated-on",
        }
    }
}

impl Extraction {
    /// Appends this extraction as one line of the `paperkg extract` JSON Lines contract:
    /// exactly the bytes `serde_json` writes for it, then a newline. Written by hand
    /// because `extract` spent a tenth of its time in the general serializer.
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        write_line(
            out,
            &self.id,
            &self.title,
            self.mentions.iter().map(Mention::as_ref),
            &self.acronyms,
        );
    }
}

impl Mention {
    fn as_ref(&self) -> MentionRef<'_> {
        MentionRef {
            etype: &self.etype,
            text: &self.text,
            canonical: &self.canonical,
            field: self.field,
            start: self.start,
            end: self.end,
            rule: &self.rule,
            role: self.role,
        }
    }
}

/// A [`Mention`] whose strings are borrowed from the rules and the paper: what extraction
/// finds, before anything is copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MentionRef<'a> {
    pub etype: &'a str,
    pub text: &'a str,
    pub canonical: &'a str,
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub rule: &'a str,
    pub role: Option<Role>,
}

/// An [`Extraction`] whose id, title and mentions are borrowed from the rules and the
/// paper. `paperkg extract` writes its lines from this form: turning every mention into
/// four owned strings only to write them out and free them cost more than writing them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtractionRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub mentions: Vec<MentionRef<'a>>,
    pub acronyms: Vec<Acronym>,
}

impl ExtractionRef<'_> {
    /// The owned form, with every string copied.
    pub fn to_owned(&self) -> Extraction {
        Extraction {
            id: self.id.to_string(),
            title: self.title.to_string(),
            mentions: self
                .mentions
                .iter()
                .map(|m| Mention {
                    etype: m.etype.to_string(),
                    text: m.text.to_string(),
                    canonical: m.canonical.to_string(),
                    field: m.field,
                    start: m.start,
                    end: m.end,
                    rule: m.rule.to_string(),
                    role: m.role,
                })
                .collect(),
            acronyms: self.acronyms.clone(),
        }
    }

    /// Appends the line [`Extraction::write_json_line`] appends for the owned form.
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        write_line(
            out,
            self.id,
            self.title,
            self.mentions.iter().copied(),
            &self.acronyms,
        );
    }
}

/// The one writer of `paperkg extract` lines, for both forms of an extraction.
fn write_line<'m>(
    out: &mut Vec<u8>,
    id: &str,
    title: &str,
    mentions: impl Iterator<Item = MentionRef<'m>>,
    acronyms: &[Acronym],
) {
    push_json_field(out, b"{\"id\":", id);
    push_json_field(out, b",\"title\":", title);
    out.extend_from_slice(b",\"mentions\":[");
    for (i, m) in mentions.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_field(out, b"{\"type\":", m.etype);
        push_json_field(out, b",\"text\":", m.text);
        push_json_field(out, b",\"canonical\":", m.canonical);
        out.extend_from_slice(match m.field {
            Field::Title => b",\"field\":\"title\",\"start\":",
            Field::Abstract => b",\"field\":\"abstract\",\"start\":",
        });
        out.extend_from_slice(itoa::Buffer::new().format(m.start).as_bytes());
        out.extend_from_slice(b",\"end\":");
        out.extend_from_slice(itoa::Buffer::new().format(m.end).as_bytes());
        push_json_field(out, b",\"rule\":", m.rule);
        if let Some(r) = m.role {
            out.extend_from_slice(b",\"role\":\"");
            out.extend_from_slice(r.as_str().as_bytes());
            out.push(b'"');
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"acronyms\":");
    push_array(out, acronyms, |out, a| {
        push_json_field(out, b"{\"short\":", &a.short);
        push_json_field(out, b",\"long\":", &a.long);
        out.push(b'}');
    });
    out.extend_from_slice(b"}\n");
}

/// Appends `key` (the bytes before the value: separator, quoted name, colon) and `value`
/// as a JSON string.
fn push_json_field(out: &mut Vec<u8>, key: &[u8], value: &str) {
    out.extend_from_slice(key);
    push_json_str(out, value);
}

/// Appends `items` as a JSON array, each written by `item`.
fn push_array<T>(out: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, x);
    }
    out.push(b']');
}

/// Where a candidate mention came from; acronym candidates override others on the same span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Acronym,
    Dict,
    Pattern,
}

/// A mention before overlap resolution; offsets are bytes into the field's text. The
/// canonical name borrows from the rules or the paper, so a candidate costs no allocation.
#[derive(Debug, Clone)]
pub(crate) struct Cand<'a> {
    pub start: usize,
    pub end: usize,
    pub type_idx: usize,
    pub canonical: &'a str,
    pub rule: usize,
    pub role: Option<Role>,
    pub source: Source,
}

/// A span in which mentions (of `types`, or of all types when empty) receive `role`.
#[derive(Debug, Clone)]
pub(crate) struct RoleSpan<'r> {
    pub start: usize,
    pub end: usize,
    pub role: Role,
    pub rule: usize,
    pub types: &'r [usize],
}

pub(crate) use crate::util::is_word_char;

const FIELDS: [Field; 2] = [Field::Title, Field::Abstract];

fn field_text(paper: &Paper, f: Field) -> &str {
    match f {
        Field::Title => &paper.title,
        Field::Abstract => &paper.abstract_text,
    }
}

/// Extracts the mentions and acronym definitions of one paper.
///
/// Pure and deterministic: dictionary terms, pattern rules and acronym definitions (both
/// `long (SHORT)` and `SHORT (long)`, plus later uses of the short form) are collected per
/// field, overlapping candidates are resolved (longest span, then higher type priority, then
/// earlier rule), roles are attached, and mentions come out sorted by field, start, end with
/// code-point offsets.
///
/// Every whitespace character is read as a space ([`as_spaces`]): abstracts wrapped across
/// lines (arXiv's are, every 80 characters or so) must not hide "large language models" or
/// "A, B,↵and C" from rules written with spaces. One character stands for one, so offsets
/// index the paper's own text and a mention's `text` is that text's slice, line break
/// included; names (`canonical`, acronym long forms) have spaces.
pub fn extract(rules: &RuleSet, paper: &Paper) -> Extraction {
    with_extraction(rules, paper, |x| x.to_owned())
}

/// Hands `f` the extraction of `paper` with its strings borrowed (see [`extract`]). A
/// callback, because where the paper has line breaks the names borrow from a spaced copy
/// that lives only here.
pub(crate) fn with_extraction<R>(
    rules: &RuleSet,
    paper: &Paper,
    f: impl FnOnce(&ExtractionRef<'_>) -> R,
) -> R {
    let (title, abstract_text) = (as_spaces(&paper.title), as_spaces(&paper.abstract_text));
    if title.is_none() && abstract_text.is_none() {
        return f(&extract_ref(rules, paper));
    }
    let changed = [title.is_some(), abstract_text.is_some()];
    let spaced = Paper::new(
        String::new(),
        title.unwrap_or_else(|| paper.title.clone()),
        abstract_text.unwrap_or_else(|| paper.abstract_text.clone()),
        paper.source.clone(),
    );
    let mut x = extract_ref(rules, &spaced);
    x.id = &paper.id;
    x.title = &paper.title;
    for (fi, &fd) in FIELDS.iter().enumerate() {
        if changed[fi] {
            restore_texts(field_text(paper, fd), fd, &mut x.mentions);
        }
    }
    f(&x)
}

/// Sets the `text` of each mention in field `f` to its slice of `original`, the field as the
/// paper has it. Only a text with a space can differ. Mentions come sorted by start, so one
/// forward walk maps code points to bytes (none is needed for ASCII text).
fn restore_texts<'a>(original: &'a str, f: Field, mentions: &mut [MentionRef<'a>]) {
    let b = original.as_bytes();
    let ascii = original.is_ascii();
    // The byte after `n` more characters from byte `i`.
    let skip = |mut i: usize, n: usize| {
        for _ in 0..n {
            i += 1;
            while i < b.len() && (b[i] as i8) < -0x40 {
                i += 1;
            }
        }
        i
    };
    let (mut at_char, mut at_byte) = (0, 0);
    for m in mentions.iter_mut() {
        if m.field != f || !m.text.contains(' ') {
            continue;
        }
        let (s, e) = if ascii {
            (m.start, m.end)
        } else {
            at_byte = skip(at_byte, m.start - at_char);
            at_char = m.start;
            (at_byte, skip(at_byte, m.end - m.start))
        };
        m.text = &original[s..e];
    }
}

/// `text` with every whitespace character other than the space (line breaks, tabs, no-break
/// and other Unicode spaces) replaced by a space, one for one; `None` when it has none.
pub fn as_spaces(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let ascii_ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let other = |c: char| c != ' ' && c.is_whitespace();
    if !text.is_ascii() && text.chars().any(|c| other(c) && !c.is_ascii()) {
        return Some(
            text.chars()
                .map(|c| if other(c) { ' ' } else { c })
                .collect(),
        );
    }
    if memchr::memchr3(b'\n', b'\r', b'\t', b).is_none() && memchr::memchr2(0x0b, 0x0c, b).is_none()
    {
        return None;
    }
    let mut v = b.to_vec();
    for c in &mut v {
        if ascii_ws(*c) {
            *c = b' ';
        }
    }
    Some(String::from_utf8(v).expect("ASCII bytes replaced by ASCII bytes keep UTF-8 valid"))
}

/// Buffers an extraction works in that hold nothing from the paper once it is done: kept
/// per thread from paper to paper, so that their room is allocated once, not per paper
/// (or, for the patterns' window lists, per pattern and field).
#[derive(Default)]
struct Scratch {
    active: [pattern::Active; 2],
    toks: Vec<phrase::Tok>,
    lower_text: String,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = Default::default();
}

/// [`extract`], with the strings of the result borrowed from the rules and the paper.
pub(crate) fn extract_ref<'a>(rules: &'a RuleSet, paper: &'a Paper) -> ExtractionRef<'a> {
    // Room for the candidates a field usually has (about one per 16 bytes of an arXiv
    // abstract), so that they are not copied from one doubling to the next.
    let room = |f: Field| field_text(paper, f).len() / 16 + 8;
    let mut cands: [Vec<Cand>; 2] = FIELDS.map(|f| Vec::with_capacity(room(f)));
    let mut roles: [Vec<RoleSpan>; 2] = [Vec::with_capacity(8), Vec::with_capacity(8)];
    let mut defs = Vec::new();
    let Scratch {
        mut active,
        mut toks,
        mut lower_text,
    } = SCRATCH.take();
    for (fi, &f) in FIELDS.iter().enumerate() {
        let text = field_text(paper, f);
        dict::find(rules, text, &mut cands[fi]);
        pattern::find(
            rules,
            text,
            f,
            &mut active[fi],
            &mut cands[fi],
            &mut roles[fi],
        );
        phrase::find(rules, text, f, &mut toks, &mut lower_text, &mut cands[fi]);
        acronym::find_definitions(text, f, &mut defs);
    }
    for &f in &FIELDS {
        acronym::find_loose(field_text(paper, f), f, &mut defs);
    }

    // A name found by patterns keeps one type in the paper: the highest-priority type any
    // rule gave the same text ("RS-GPT4V: … Dataset" in the title types "called RS-GPT4V").
    let mut best: crate::hash::FastMap<&str, usize> = crate::hash::FastMap::default();
    for (fi, &f) in FIELDS.iter().enumerate() {
        let text = field_text(paper, f);
        for c in &cands[fi] {
            let e = best.entry(&text[c.start..c.end]).or_insert(c.type_idx);
            if rules.type_info[c.type_idx].priority > rules.type_info[*e].priority {
                *e = c.type_idx;
            }
        }
    }
    for (fi, &f) in FIELDS.iter().enumerate() {
        let text = field_text(paper, f);
        for c in cands[fi].iter_mut().filter(|c| c.source == Source::Pattern) {
            c.type_idx = best[&text[c.start..c.end]];
        }
    }

    // One definition per short form (the first), typed once for the whole paper.
    let mut acronyms: Vec<Acronym> = Vec::new();
    let mut kept_defs: Vec<(acronym::Def, usize, bool)> = Vec::new();
    for d in defs {
        if kept_defs.iter().any(|(k, _, _)| k.base == d.base) {
            continue;
        }
        let fi = d.field as usize;
        let text = field_text(paper, d.field);
        let long = d.long.to_lowercase();
        let t = acronym_type(rules, text, &d, &long, &roles[fi]);
        acronyms.push(Acronym {
            short: d.short.clone(),
            long: d.long.clone(),
        });
        // A long form on a stop list ("state-of-the-art (SOTA)") or ending in a stop head
        // ("mean average precision (mAP)") is a real definition but names no entity:
        // listed, never a mention. Any type's lists count, since the words after the short
        // form may have typed it otherwise ("SOTA accuracy"). What the paper proposes stays
        // a mention whatever its head ("we introduce the Event Quality Score (EQS)").
        let emit = !rules.type_info.iter().any(|i| {
            i.stop.contains(long.as_str()) || (i.stop_head(&long) && !is_proposed(&roles[fi], &d))
        });
        kept_defs.push((d, t, emit));
    }
    let mut uses = Vec::new();
    let mut lower = String::new();
    let mut urls = Vec::new();
    for (fi, &f) in FIELDS.iter().enumerate() {
        let text = field_text(paper, f);
        let mut acr: Vec<Cand> = Vec::new();
        for (d, t, _) in kept_defs.iter().filter(|k| k.2) {
            let long = &field_text(paper, d.field)[d.long_span.0..d.long_span.1];
            debug_assert_eq!(long, d.long);
            if d.field == f && d.paren {
                // "statistical machine translation (SMT)": one mention for the definition.
                acr.push(Cand {
                    start: d.long_span.0.min(d.short_span.0),
                    end: acronym::mention_end(rules, text, d),
                    type_idx: *t,
                    canonical: long,
                    rule: 0,
                    role: None,
                    source: Source::Acronym,
                });
            } else if d.field == f {
                for (span, rule) in [(d.long_span, 0), (d.short_span, 1)] {
                    acr.push(Cand {
                        start: span.0,
                        end: span.1,
                        type_idx: *t,
                        canonical: long,
                        rule,
                        role: None,
                        source: Source::Acronym,
                    });
                }
            }
            uses.clear();
            acronym::find_uses(text, &d.base, &mut uses);
            for &(s, e) in &uses {
                if d.field == f && s == d.short_span.0 {
                    continue;
                }
                acr.push(Cand {
                    start: s,
                    end: e,
                    type_idx: *t,
                    canonical: long,
                    rule: 2,
                    role: None,
                    source: Source::Acronym,
                });
            }
        }
        // A definition that names no entity still says what its words are: no rule's
        // candidate inside its long form or on its short form is a mention ("translation
        // error rate (TER)" holds no task "translation"; where "MAE" is defined as mean
        // absolute error, it is no masked autoencoder).
        let mut blocked: Vec<(usize, usize)> = Vec::new();
        for (d, _, _) in kept_defs.iter().filter(|k| !k.2) {
            if d.field == f {
                if d.paren {
                    let (s, e) = (d.long_span.0.min(d.short_span.0), d.after);
                    blocked.push((s, e.max(d.long_span.1)));
                } else {
                    blocked.extend([d.long_span, d.short_span]);
                }
            }
            uses.clear();
            acronym::find_uses(text, &d.base, &mut uses);
            blocked.extend_from_slice(&uses);
        }
        // An acronym defined in the paper keeps its type: other rules' candidates on exactly
        // the same span give way.
        let c = &mut cands[fi];
        c.retain(|x| {
            !acr.iter().any(|a| a.start == x.start && a.end == x.end)
                && !blocked.iter().any(|&(s, e)| s <= x.start && x.end <= e)
        });
        c.extend(acr);
        // Stop phrases of each type.
        c.retain(|x| {
            if x.source == Source::Acronym {
                return true;
            }
            let s = &text[x.start..x.end];
            lower.clear();
            if s.is_ascii() {
                lower.push_str(s);
                lower.make_ascii_lowercase();
            } else {
                lower.push_str(&s.to_lowercase());
            }
            !rules.type_info[x.type_idx].stops(&lower)
        });
        // Nothing inside a web address: its words are a path, not prose.
        urls.clear();
        url_spans(text, &mut urls);
        if !urls.is_empty() {
            c.retain(|x| !urls.iter().any(|&(s, e)| s <= x.start && x.end <= e));
        }
    }

    let mut mentions = Vec::with_capacity(32);
    for (fi, &f) in FIELDS.iter().enumerate() {
        let text = field_text(paper, f);
        let mut kept = resolve(rules, std::mem::take(&mut cands[fi]));
        prefix(rules, text, &mut kept);
        coordinate(rules, text, &mut kept);
        for k in &mut kept {
            name_before_head(rules, k);
        }
        pattern::find_deferred(rules, text, f, &active[fi], &kept, &mut roles[fi]);
        to_mentions(rules, text, f, kept, &roles[fi], &mut mentions);
    }
    SCRATCH.set(Scratch {
        active,
        toks,
        lower_text,
    });
    ExtractionRef {
        id: &paper.id,
        title: &paper.title,
        mentions,
        acronyms,
    }
}

/// Keeps at most one candidate per span: longest first, then higher type priority, then
/// earlier rule, then earlier start. Returns the kept candidates sorted by start, end.
fn resolve<'a>(rules: &RuleSet, mut c: Vec<Cand<'a>>) -> Vec<Cand<'a>> {
    c.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then_with(|| {
                rules.type_info[b.type_idx]
                    .priority
                    .cmp(&rules.type_info[a.type_idx].priority)
            })
            .then_with(|| a.type_idx.cmp(&b.type_idx))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.start.cmp(&b.start))
            .then_with(|| a.canonical.cmp(b.canonical))
    });
    let mut kept: Vec<Cand> = Vec::with_capacity(c.len());
    for x in c {
        if kept.iter().all(|k| x.end <= k.start || x.start >= k.end) {
            kept.push(x);
        }
    }
    kept.sort_by_key(|k| (k.start, k.end));
    kept
}

/// Extends a mention of a type with `prefix_words` over such a word right before it,
/// capitalised, and in no other mention or in one of its own (the language `material`
/// "English"): "English Penn Treebank", "Russian SuperGLUE".
fn prefix<'a>(rules: &RuleSet, text: &'a str, kept: &mut Vec<Cand<'a>>) {
    let b = text.as_bytes();
    let mut gone = Vec::new();
    for i in 0..kept.len() {
        let k = &kept[i];
        let words = &rules.type_info[k.type_idx].prefix_words;
        if words.is_empty() || k.start < 2 || b[k.start - 1] != b' ' {
            continue;
        }
        let e = k.start - 1;
        let mut s = e;
        while s > 0 && b[s - 1].is_ascii_alphabetic() {
            s -= 1;
        }
        let word = &text[s..e];
        let whole_prev = i > 0 && kept[i - 1].start == s && kept[i - 1].end == e;
        let free = i == 0 || kept[i - 1].end <= s || whole_prev;
        if s < e
            && free
            && (s == 0 || !b[s - 1].is_ascii_alphanumeric() && b[s - 1] != b'-')
            && b[s].is_ascii_uppercase()
            && words.contains(word.to_ascii_lowercase().as_str())
        {
            let end = kept[i].end;
            kept[i].start = s;
            kept[i].canonical = &text[s..end];
            if whole_prev {
                gone.push(i - 1);
            }
        }
    }
    for i in gone.into_iter().rev() {
        kept.remove(i);
    }
}

/// Adds name-shaped words coordinated with a mention of a type that has
/// `coordinated_names` ("SNLI and MNLI", "WIKITREE, POLICY, ACROFAN") as mentions of that
/// type, left and right, as long as new ones are found. `kept` stays sorted.
fn coordinate<'a>(rules: &RuleSet, text: &'a str, kept: &mut Vec<Cand<'a>>) {
    loop {
        let mut new: Vec<Cand<'a>> = Vec::new();
        for k in kept.iter() {
            let Some(rule) = rules.type_info[k.type_idx].coordinated_names else {
                continue;
            };
            let found = [coord::after(text, k.end), coord::before(text, k.start)];
            for (s, e) in found.into_iter().flatten() {
                let free = kept.iter().chain(&new).all(|x| e <= x.start || s >= x.end);
                let name = &text[s..e];
                if free
                    && !rules.type_info[k.type_idx]
                        .stop
                        .contains(name.to_lowercase().as_str())
                {
                    new.push(Cand {
                        start: s,
                        end: e,
                        type_idx: k.type_idx,
                        canonical: name,
                        rule,
                        role: None,
                        source: Source::Pattern,
                    });
                }
            }
        }
        if new.is_empty() {
            return;
        }
        kept.extend(new);
        kept.sort_by_key(|k| (k.start, k.end));
    }
}

/// A phrase that is a dictionary name of its type followed by a generic head ("COCO
/// dataset", "Cityscapes benchmark", "BERT model") takes the name's canonical form (MS
/// COCO, Cityscapes, BERT), so it joins the entity the name alone is found as, even
/// through an alias.
fn name_before_head<'r>(rules: &'r RuleSet, k: &mut Cand<'r>) {
    if k.source == Source::Acronym {
        return;
    }
    let Some((name, _)) = crate::util::split_generic_head(k.canonical) else {
        return;
    };
    let Some(&e) = rules.dict_lookup.get(name.to_lowercase().as_str()) else {
        return;
    };
    let entry = &rules.dict_entries[e as usize];
    if entry.type_idx == k.type_idx && (!entry.sensitive || entry.surface == name) {
        k.canonical = &entry.canonical;
    }
}

/// Converts kept candidates to mentions with code-point offsets (counted incrementally over
/// the sorted starts) and attaches roles from the role spans.
fn to_mentions<'a>(
    rules: &'a RuleSet,
    text: &'a str,
    field: Field,
    kept: Vec<Cand<'a>>,
    roles: &[RoleSpan],
    out: &mut Vec<MentionRef<'a>>,
) {
    let (mut byte, mut cp) = (0usize, 0usize);
    for k in kept {
        cp += text[byte..k.start].chars().count();
        byte = k.start;
        let len = text[k.start..k.end].chars().count();
        let role = k.role.or_else(|| role_for(roles, &k));
        out.push(MentionRef {
            etype: &rules.types[k.type_idx].name,
            text: &text[k.start..k.end],
            canonical: k.canonical,
            field,
            start: cp,
            end: cp + len,
            rule: &rules.rule_ids[k.rule],
            role,
        });
    }
}

/// The role of the nearest role span (latest start) that the mention starts in.
fn role_for(roles: &[RoleSpan], k: &Cand) -> Option<Role> {
    roles
        .iter()
        .filter(|r| {
            r.start <= k.start
                && k.start < r.end
                && (r.types.is_empty() || r.types.contains(&k.type_idx))
        })
        .max_by(|a, b| a.start.cmp(&b.start).then_with(|| b.rule.cmp(&a.rule)))
        .map(|r| r.role)
}

/// Lower-cased words of `s` (split on whitespace and `~`), quotes and punctuation trimmed.
fn lower_words(s: &str) -> Vec<String> {
    words_of(s.split(is_word_gap)).collect()
}

/// Whether `c` separates the words [`lower_words`] gives.
fn is_word_gap(c: char) -> bool {
    c.is_whitespace() || c == '~'
}

/// The pieces of a split text trimmed, lower-cased and without the empty ones, as
/// [`lower_words`] makes them, lazily: typing an acronym often needs only a word or two of
/// a text (`rsplit` gives them from the end).
fn words_of<'s, I: Iterator<Item = &'s str>>(
    pieces: I,
) -> impl Iterator<Item = String> + use<'s, I> {
    pieces
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
}

fn singular(w: &str) -> &str {
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        &w[..w.len() - 1]
    } else {
        w
    }
}

/// Whether `words` end with the head `h` (its last word also in the singular).
fn ends_with_head(words: &[String], h: &[String]) -> bool {
    h.len() <= words.len()
        && words[words.len() - h.len()..]
            .iter()
            .zip(h)
            .enumerate()
            .all(|(i, (w, hw))| w == hw || (i + 1 == h.len() && singular(w) == hw))
}

/// The type whose `heads` best match the end of `words` (longest head, then priority, then
/// the first in type and file order). Only heads ending in the last word (or its singular)
/// can match, so only those are tried.
fn type_by_head(rules: &RuleSet, words: &[String]) -> Option<usize> {
    let last = words.last()?;
    let mut cands: Vec<(u32, u32)> = Vec::new();
    for key in [last.as_str(), singular(last)] {
        if let Some(v) = rules.heads_by_last.get(key) {
            cands.extend_from_slice(v);
        }
    }
    if cands.is_empty() {
        return None;
    }
    cands.sort_unstable();
    cands.dedup();
    let mut best: Option<(usize, i64, usize)> = None;
    for (ti, hi) in cands {
        let (ti, info) = (ti as usize, &rules.type_info[ti as usize]);
        let h = &info.heads[hi as usize];
        if ends_with_head(words, h) {
            let cand = (h.len(), info.priority, ti);
            let better = match best {
                None => true,
                Some((l, p, _)) => cand.0 > l || (cand.0 == l && cand.1 > p),
            };
            if better {
                best = Some(cand);
            }
        }
    }
    best.map(|b| b.2)
}

/// Words that may stand between an acronym and the head noun that follows it.
const FOLLOW_SKIP: &[&str] = &["a", "an", "the", "new", "novel", "simple", "unified"];

/// Words that may name the new thing right before its long form: "a new dataset, named
/// Video Timeline Tags (ViTT)", "a corpus called …".
const NAMING_WORDS: &[&str] = &["named", "called", "dubbed", "coined", "entitled", "namely"];

/// The head noun of an indefinite noun phrase that introduces the definition as its name:
/// "a new dense video captioning dataset, Video Timeline Tags (ViTT)", "a new dataset
/// “Video-to-Commonsense (V2C)”", "a benchmark called …". The phrase must start with "a",
/// "an" or "new" at most five words before the head, so that a clause boundary ("on the WSJ
/// dataset, Conditional Random Fields (CRF) …") does not count. Empty when there is none.
fn introducing_head(text: &str, d: &acronym::Def) -> Vec<String> {
    let start = d.long_span.0.min(d.short_span.0).min(text.len());
    let mut from = start.saturating_sub(90);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..start];
    // Only the current clause: after the last full stop, semicolon or parenthesis.
    let before = match before.rfind(['.', ';', '(', ')']) {
        Some(i) => &before[i + 1..],
        None => before,
    };
    // Only the last seven words can matter: the head, a naming verb after it, and the
    // five words before the head that may open the phrase.
    let mut words: Vec<String> = words_of(before.rsplit(is_word_gap)).take(7).collect();
    words.reverse();
    if words
        .last()
        .is_some_and(|w| NAMING_WORDS.contains(&w.as_str()))
    {
        words.pop();
    } else {
        // Without a naming verb, only punctuation or a quote may join head and name.
        let gap = before.trim_end();
        let last = gap.chars().last();
        let joined =
            matches!(last, Some(',' | ':' | '–' | '—' | '“' | '"' | '‘')) || gap.ends_with(" -");
        if !joined {
            return Vec::new();
        }
    }
    let Some(head) = words.last() else {
        return Vec::new();
    };
    let n = words.len();
    let starts =
        (n.saturating_sub(6)..n - 1).any(|i| matches!(words[i].as_str(), "a" | "an" | "new"));
    if starts {
        vec![head.clone()]
    } else {
        Vec::new()
    }
}

/// A long form that starts with a head noun and "of" or "for" is named after that head:
/// "Corpus of Linguistic Acceptability (CoLA)", "Benchmark of Linguistic Minimal Pairs".
fn leading_head(long: &str) -> Vec<String> {
    let words = lower_words(long);
    match words.as_slice() {
        [first, link, _, ..] if link == "of" || link == "for" => vec![first.clone()],
        _ => Vec::new(),
    }
}

/// Appends the byte spans of the web addresses in `text`: from `http://`, `https://` or
/// `www.` to the next whitespace ("code at https://github.com/org/LLaVA-Plus": "LLaVA" there
/// is a folder name, not a mention of the model). Every field is searched, so the starts are
/// found with SIMD substring search; only the few hits are looked at.
pub(crate) fn url_spans(text: &str, out: &mut Vec<(usize, usize)>) {
    use memchr::memmem;
    let b = text.as_bytes();
    let from = out.len();
    let scheme = memmem::find_iter(b, b"http")
        .filter(|&i| b[i + 4..].starts_with(b"://") || b[i + 4..].starts_with(b"s://"));
    for i in scheme.chain(memmem::find_iter(b, b"www.")) {
        // A scheme or "www." begins a word: not "xwww." or "thttp://".
        if i == 0 || !b[i - 1].is_ascii_alphanumeric() {
            let end = b[i..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(b.len(), |k| i + k);
            out.push((i, end));
        }
    }
    // In text order, and an address inside another ("https://www.…") is part of it.
    let found = &mut out[from..];
    if found.len() > 1 {
        found.sort_unstable();
        let mut kept = from;
        for k in from..out.len() {
            if kept == from || out[k].0 >= out[kept - 1].1 {
                out[kept] = out[k];
                kept += 1;
            }
        }
        out.truncate(kept);
    }
}

/// Whether a definition lies in a span the text gives the role "proposed" ("we propose
/// …", "…, a novel framework").
fn is_proposed(roles: &[RoleSpan], d: &acronym::Def) -> bool {
    roles.iter().any(|r| {
        r.role == Role::Proposed
            && ((r.start <= d.long_span.0 && d.long_span.0 < r.end)
                || (r.start <= d.short_span.0 && d.short_span.0 < r.end))
    })
}

/// Types an acronym: dictionary entry of the long form, else a head noun right after the
/// definition ("(GAST) model", "(NEVIS'22), a benchmark"), else the long form's head noun,
/// else the `acronym_default` type for proposed / other acronyms (an `any` type takes both).
/// `lower` is the long form lowercased.
fn acronym_type(
    rules: &RuleSet,
    text: &str,
    d: &acronym::Def,
    lower: &str,
    roles: &[RoleSpan],
) -> usize {
    let lookup = rules.dict_lookup.get(lower).or_else(|| {
        lower
            .strip_suffix('s')
            .and_then(|l| rules.dict_lookup.get(l))
    });
    if let Some(&e) = lookup {
        return rules.dict_entries[e as usize].type_idx;
    }
    let rest = &text[d.after.min(text.len())..];
    let rest = rest.trim_start_matches([',', ' ']);
    let end = rest
        .find(['.', ',', ';', ':', '(', ')'])
        .unwrap_or(rest.len())
        .min(80);
    let end = (0..=end)
        .rev()
        .find(|&i| rest.is_char_boundary(i))
        .unwrap_or(0);
    let follow: Vec<String> = words_of(rest[..end].split(is_word_gap))
        .skip_while(|w| FOLLOW_SKIP.contains(&w.as_str()))
        .take(1)
        .collect();
    let proposed = is_proposed(roles, d);
    let default_of = |want| {
        rules
            .type_info
            .iter()
            .position(|i| i.acronym_default == Some(want))
    };
    let by_head = type_by_head(rules, &follow)
        .or_else(|| type_by_head(rules, &introducing_head(text, d)))
        .or_else(|| type_by_head(rules, &leading_head(&d.head_text)))
        .or_else(|| type_by_head(rules, &lower_words(&d.head_text)));
    match by_head {
        // What a paper proposes is not typed as a mere topic ("… Meta Learning (RAML)").
        Some(t)
            if proposed && rules.type_info[t].acronym_default == Some(AcronymDefault::Other) =>
        {
            default_of(AcronymDefault::Proposed)
                .or_else(|| default_of(AcronymDefault::Any))
                .unwrap_or(t)
        }
        Some(t) => t,
        None if proposed => default_of(AcronymDefault::Proposed)
            .or_else(|| default_of(AcronymDefault::Any))
            .unwrap_or(0),
        None => default_of(AcronymDefault::Any)
            .or_else(|| default_of(AcronymDefault::Other))
            .unwrap_or(0),
    }
}

/// Extracts a batch of papers in parallel, keeping their order.
pub fn extract_batch(rules: &RuleSet, papers: &[Paper]) -> Vec<Extraction> {
    papers.par_iter().map(|p| extract(rules, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings with every kind of character the JSON escaping treats differently.
    fn awkward(seed: u64, len: usize) -> String {
        let pool: Vec<char> = ('\u{0}'..='\u{20}')
            .chain([
                '"', '\\', '/', 'a', 'Z', '7', '\u{7f}', 'é', '’', '—', '😀', '\u{2028}',
            ])
            .collect();
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                crate::util::xorshift(&mut x);
                pool[(x % pool.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn json_line_is_what_serde_json_writes() {
        let roles = [
            None,
            Some(Role::Proposed),
            Some(Role::Used),
            Some(Role::EvaluatedOn),
        ];
        for seed in 0..300u64 {
            let s = |k: u64, len: usize| awkward(seed * 31 + k, len);
            let mentions = (0..(seed % 4) as usize)
                .map(|i| Mention {
                    etype: s(1 + i as u64, 3),
                    text: s(2 + i as u64, 9),
                    canonical: s(3 + i as u64, 5),
                    field: if i % 2 == 0 {
                        Field::Title
                    } else {
                        Field::Abstract
                    },
                    start: (seed as usize) * 997 + i,
                    end: usize::MAX - i,
                    rule: s(4 + i as u64, 6),
                    role: roles[(seed as usize + i) % 4],
                })
                .collect();
            let acronyms = (0..(seed % 3) as usize)
                .map(|i| Acronym {
                    short: s(10 + i as u64, 3),
                    long: s(20 + i as u64, 12),
                })
                .collect();
            // Long plain runs with one character to escape somewhere, for the fast path.
            let plain = "plain text é ".repeat(1 + (seed % 5) as usize);
            let at = (seed as usize * 7) % plain.len();
            let at = (0..=at).rev().find(|&i| plain.is_char_boundary(i)).unwrap();
            let title = format!("{}{}{}", &plain[..at], s(6, 2), &plain[at..]);
            let ex = Extraction {
                id: s(5, (seed % 7) as usize),
                title,
                mentions,
                acronyms,
            };
            let mut want = serde_json::to_vec(&ex).unwrap();
            want.push(b'\n');
            let mut got = Vec::new();
            ex.write_json_line(&mut got);
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "seed {seed}"
            );
        }
    }
}

#[cfg(test)]
mod ref_tests {
    use crate::corpus::{read_inputs, ReadOptions, Record};
    use std::path::Path;

    /// The borrowed form writes the line the owned form writes, and owns up to it, on the
    /// example page and (when the shared data is there) 2,000 arXiv abstracts.
    #[test]
    fn borrowed_extraction_writes_the_owned_line() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules = crate::rules::load_dir(&root.join("rules")).unwrap();
        let mut inputs = vec![root.join("examples/trending-papers.txt")];
        let arxiv = root
            .join("../shared/data/arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz");
        if arxiv.exists() {
            inputs.push(arxiv);
        }
        let mut seen = 0;
        for input in inputs {
            for r in read_inputs(&[input], &ReadOptions::default())
                .unwrap()
                .take(2000)
            {
                let Record::Paper(p) = r.unwrap() else {
                    continue;
                };
                let owned = super::extract(&rules, &p);
                let (mut a, mut b) = (Vec::new(), Vec::new());
                super::with_extraction(&rules, &p, |borrowed| {
                    assert_eq!(borrowed.to_owned(), owned, "{}", p.id);
                    borrowed.write_json_line(&mut a);
                });
                owned.write_json_line(&mut b);
                assert_eq!(a, b, "{}", p.id);
                seen += 1;
            }
        }
        assert!(seen >= 78, "{seen}");
    }
}

#[cfg(test)]
mod word_tests {
    use super::{is_word_gap, lower_words, words_of};

    /// Words read lazily from the end are the last words [`lower_words`] gives, and from
    /// the start its first ones, on texts of words, quotes, dashes, `~` and other scripts.
    #[test]
    fn lazy_words_are_lower_words() {
        let pieces = [
            "A", "new", "Dataset", ",", " ", "  ", "~", "\"", "“", "–", "-", "É", "ü", "x1", "(",
            ")", "\n", "\u{a0}", "named",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            let mut t = String::new();
            for _ in 0..(x % 20) {
                crate::util::xorshift(&mut x);
                t.push_str(pieces[(x % pieces.len() as u64) as usize]);
            }
            crate::util::xorshift(&mut x);
            let all = lower_words(&t);
            for k in [1, 2, 7] {
                let mut last: Vec<String> = words_of(t.rsplit(is_word_gap)).take(k).collect();
                last.reverse();
                assert_eq!(last, all[all.len().saturating_sub(k)..], "{t:?}");
                let first: Vec<String> = words_of(t.split(is_word_gap)).take(k).collect();
                assert_eq!(first, all[..k.min(all.len())], "{t:?}");
            }
        }
    }
}

#[cfg(test)]
mod url_tests {
    use super::url_spans;

    #[test]
    fn web_addresses_run_from_scheme_or_www_to_whitespace() {
        // (text, the addresses found)
        let cases: &[(&str, &[&str])] = &[
            ("no address here", &[]),
            (
                "Code: https://github.com/org/LLaVA-Plus.",
                &["https://github.com/org/LLaVA-Plus."],
            ),
            (
                "see http://a.b/c and www.x.org/RAG\nnext",
                &["http://a.b/c", "www.x.org/RAG"],
            ),
            ("(https://y.io)", &["https://y.io)"]),
            // "www." inside an address is part of it
            (
                "at https://www.a.org/x. and www.b.io",
                &["https://www.a.org/x.", "www.b.io"],
            ),
            // inside a word, or no scheme: no address
            ("thttp://x notwww.y.org a://b", &[]),
            ("https://", &["https://"]),
        ];
        for (text, want) in cases {
            let mut spans = Vec::new();
            url_spans(text, &mut spans);
            let got: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }
}

#[cfg(test)]
mod head_tests {
    use super::*;

    /// `type_by_head` as it was before the index: every head of every type tried.
    fn all_heads(rules: &RuleSet, words: &[String]) -> Option<usize> {
        let mut best: Option<(usize, i64, usize)> = None;
        for (ti, info) in rules.type_info.iter().enumerate() {
            for h in &info.heads {
                let cand = (h.len(), info.priority, ti);
                if ends_with_head(words, h)
                    && best.is_none_or(|(l, p, _)| cand.0 > l || (cand.0 == l && cand.1 > p))
                {
                    best = Some(cand);
                }
            }
        }
        best.map(|b| b.2)
    }

    #[test]
    fn indexed_heads_type_as_trying_every_head() {
        let rules = crate::rules::load_dir(std::path::Path::new("rules")).unwrap();
        let mut phrases: Vec<Vec<String>> = vec![vec![]];
        for info in &rules.type_info {
            for h in &info.heads {
                let mut plural = h.clone();
                if let Some(l) = plural.last_mut() {
                    l.push('s');
                }
                for p in [h.clone(), plural] {
                    phrases.push(p.clone());
                    for pre in ["a", "large", "dataset", "model", "of"] {
                        let mut q = vec![pre.to_string()];
                        q.extend(p.iter().cloned());
                        phrases.push(q);
                    }
                    phrases.push(p[p.len().saturating_sub(1)..].to_vec());
                }
            }
        }
        assert!(phrases.len() > 100);
        for words in &phrases {
            assert_eq!(
                type_by_head(&rules, words),
                all_heads(&rules, words),
                "{words:?}"
            );
        }
    }
}
