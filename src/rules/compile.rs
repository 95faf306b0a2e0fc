//! The single validating step from raw rule files to a [`RuleSet`].
//!
//! Every check reports a [`Diagnostic`] with file and line and carries on, so one run shows
//! all the problems of all files.

use super::spec::{line_of, RawFile};
use super::triggers::Triggers;
use super::{Diagnostic, EntityType, RuleSet, ACRONYM_RULES};
use crate::extract::Role;
use crate::hash::{FastMap, FastSet};
use regex_automata::meta::Regex;
use std::path::Path;

/// A string set with the fast hasher: the chunker looks words up once per word, and
/// SipHash showed up in profiles. Keys come from rule files and text words; nothing
/// iterates these sets into the output.
pub type WordSet = FastSet<String>;

/// Which type an acronym gets when neither a dictionary entry nor a head noun decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcronymDefault {
    /// Acronyms the paper proposes ("we propose/present/introduce …").
    Proposed,
    /// All other acronyms; also marks a topic type, whose head nouns do not type an
    /// acronym the paper proposes.
    Other,
    /// Every acronym no head noun types, proposed or not (an `other` type then only keeps
    /// its topic role).
    Any,
}

/// Per-type data the extractor needs besides the display info.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub priority: i64,
    /// Head nouns (lower-case, as word lists) that type an acronym's long form.
    pub heads: Vec<Vec<String>>,
    pub acronym_default: Option<AcronymDefault>,
    /// Lower-cased phrases that never become entities of this type.
    pub stop: WordSet,
    /// Lower-cased words at which `cut` patterns cut their capture.
    pub stop_words: WordSet,
    /// Lower-cased endings that make a word a stop word ("ly", "ing").
    pub stop_suffixes: Vec<String>,
    /// Lower-cased last words that end no entity of this type ("precision", "error").
    pub stop_heads: WordSet,
    /// Dictionary matches take a following version ("SQuAD 2.0", "ImageNet-1K").
    pub versions: bool,
    /// Rule of the mentions added for name-shaped words coordinated with one of this type.
    pub coordinated_names: Option<usize>,
    /// Lower-cased words that, capitalised right before a mention, become part of it.
    pub prefix_words: WordSet,
}

impl TypeInfo {
    /// Whether a lower-cased phrase can never be an entity of this type: it is a stop
    /// phrase, or it ends in a stop head.
    pub fn stops(&self, lower: &str) -> bool {
        self.stop.contains(lower) || self.stop_head(lower)
    }

    /// Whether the last word of a lower-cased phrase (or that word without a plural "s")
    /// is one of the type's stop heads.
    pub fn stop_head(&self, lower: &str) -> bool {
        if self.stop_heads.is_empty() {
            return false;
        }
        let last = lower.rsplit(char::is_whitespace).next().unwrap_or(lower);
        self.stop_heads.contains(last)
            || last
                .strip_suffix('s')
                .is_some_and(|w| self.stop_heads.contains(w))
    }
}

/// One dictionary surface form (a term name or alias, or a dictionary file field).
#[derive(Debug, Clone)]
pub struct DictEntry {
    pub type_idx: usize,
    pub canonical: String,
    pub surface: String,
    pub sensitive: bool,
    pub rule: usize,
    /// From a hand-written `[[term]]` (not a `[[dictionary]]` list file): wins over list
    /// entries with the same surface form whatever the types' priorities.
    pub hand: bool,
}

/// How a pattern's capture is shortened at the type's `stop_words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    None,
    /// Keep the words after the last stop word.
    Suffix,
    /// Keep the words before the first stop word.
    Prefix,
}

/// Lower-cased head word or plural form → (phrase rule index, is a plural form).
///
/// The chunker looks up every word of every field, and most are no heads: a bit per
/// (length, first byte, last byte) of the heads answers three words in four "no" without
/// hashing.
#[derive(Debug, Clone, Default)]
pub struct HeadIndex {
    map: FastMap<String, Vec<(usize, bool)>>,
    shapes: Vec<u64>,
}

/// Bits in [`HeadIndex`]'s shape table: 32 lengths (longer ones share the last) × 32 × 32
/// values of the first and last byte's low five bits.
const SHAPE_BITS: usize = 1 << 15;

/// The shape bit of a word (its length, first and last byte; ASCII letters by their low
/// five bits, which keep them apart).
#[inline]
fn shape(w: &[u8]) -> usize {
    match (w.first(), w.last()) {
        (Some(&f), Some(&l)) => {
            (w.len().min(31) << 10) | (usize::from(f & 31) << 5) | usize::from(l & 31)
        }
        _ => 0,
    }
}

impl HeadIndex {
    /// The index of `map`, with its shape table.
    fn new(map: FastMap<String, Vec<(usize, bool)>>) -> HeadIndex {
        let mut shapes = vec![0u64; SHAPE_BITS / 64];
        for k in map.keys() {
            let b = shape(k.as_bytes());
            shapes[b / 64] |= 1 << (b % 64);
        }
        HeadIndex { map, shapes }
    }

    /// The (phrase rule, plural form) pairs whose head `w` (lower-cased) is.
    #[inline]
    pub fn get(&self, w: &str) -> Option<&Vec<(usize, bool)>> {
        let b = shape(w.as_bytes());
        if self.shapes[b / 64] & (1 << (b % 64)) == 0 {
            return None;
        }
        self.map.get(w)
    }
}

/// The plural forms [`crate::extract`]'s chunker accepts for a head: `+s`, `+es`, `y → ies`.
fn plural_forms(h: &str) -> Vec<String> {
    let mut v = vec![format!("{h}s"), format!("{h}es")];
    if let Some(stem) = h.strip_suffix('y') {
        v.push(format!("{stem}ies"));
    }
    v
}

/// One compiled `[[phrase]]`: the chunker's noun phrases ending in one of `heads`.
#[derive(Debug, Clone)]
pub struct PhraseRule {
    pub type_idx: usize,
    pub rule: usize,
    /// Lower-case singular head nouns.
    pub heads: WordSet,
    pub max_words: usize,
    pub bare: bool,
    pub of: bool,
    /// Plural heads count too.
    pub plural: bool,
    /// "A and B head" (A one word) is one phrase.
    pub coordinated: bool,
    /// Lower-cased words that may not stand right before the head.
    pub not_after: WordSet,
    /// A hyphened word whose last part is a head counts as the head ("re-identification").
    pub hyphen_heads: bool,
    /// Whether a stop word inside a dictionary term of the type that ends at the head
    /// leaves the phrase going ("biomedical named entity recognition").
    pub through_terms: bool,
    /// A modifier must contain a capital or a digit.
    pub name: bool,
    /// No modifier may look like a name (the opposite of `name`).
    pub unnamed: bool,
    /// Lower-cased capitalised words that do not count as names for `name`.
    pub not_names: WordSet,
    pub role: Option<Role>,
    pub in_title: bool,
    pub in_abstract: bool,
}

/// One compiled `[[pattern]]`.
#[derive(Debug, Clone)]
pub struct PatternRule {
    pub type_idx: usize,
    pub rule: usize,
    /// The pattern, compiled as `regex::Regex::new` compiles it; held as the engine itself
    /// so that it can also be searched anchored at a trigger hit.
    pub regex: Regex,
    pub group: usize,
    /// Finds the `entity` group of most matches without the regex engine's capture search
    /// (see [`super::group`]); `None` for regexes of another shape.
    pub bounds: Option<super::group::GroupBounds>,
    /// Every match starts with one of the pattern's trigger words, so searching anchored
    /// at each trigger hit finds exactly the matches a search of the windows finds.
    pub at_triggers: bool,
    pub role: Option<Role>,
    pub split: bool,
    pub emit: bool,
    pub cut: Cut,
    /// Types whose mentions inside the capture receive `role` (empty: all types).
    pub role_types: Vec<usize>,
    pub in_title: bool,
    pub in_abstract: bool,
}

/// Compiles a pattern's regex with the configuration `regex::Regex::new` uses (same
/// syntax, same limits, same matches), as the underlying engine, whose searches can be
/// anchored; also tells whether every match starts with one of `triggers` (see
/// [`starts_with_trigger`]). A rejected regex is reported with `regex`'s own message.
pub(crate) fn compile_regex(pattern: &str, triggers: &[&str]) -> Result<(Regex, bool), String> {
    let message = |e: &dyn std::fmt::Display| match regex::Regex::new(pattern) {
        Err(re) => re.to_string(),
        Ok(_) => e.to_string(),
    };
    let syntax = regex_automata::util::syntax::Config::new().utf8(true);
    let hir =
        regex_automata::util::syntax::parse_with(pattern, &syntax).map_err(|e| message(&e))?;
    let config = regex_automata::meta::Config::new()
        .nfa_size_limit(Some(10 * (1 << 20)))
        .hybrid_cache_capacity(2 * (1 << 20))
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(true);
    let regex = regex_automata::meta::Builder::new()
        .configure(config)
        .syntax(syntax)
        .build_from_hir(&hir)
        .map_err(|e| message(&e))?;
    Ok((regex, starts_with_trigger(&hir, triggers)))
}

/// Whether every match of the regex `hir` begins with one of `triggers` (ASCII case
/// ignored, as trigger words are found): true when the regex's prefix literals are a finite
/// set and each starts with a trigger. "(?-u:\b)(?:called|named) …" with triggers "called"
/// and "named" qualifies; "(?:we|paper) … propose" with trigger "propose" does not.
pub(crate) fn starts_with_trigger(hir: &regex_syntax::hir::Hir, triggers: &[&str]) -> bool {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    let Some(literals) = seq.literals() else {
        return false;
    };
    let triggers: Vec<Vec<u8>> = triggers
        .iter()
        .map(|t| t.as_bytes().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    !literals.is_empty()
        && literals.iter().all(|lit| {
            let lit = lit.as_bytes().to_ascii_lowercase();
            triggers.iter().any(|t| lit.starts_with(t))
        })
}

/// Adds the lower-cased single words of a rule-file list to `out`; each empty or multi-word
/// entry is reported at its line as "`what` entries must be single words". False if any was.
fn parse_words(
    f: &RawFile,
    items: &[toml::Spanned<String>],
    what: &str,
    out: &mut WordSet,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for item in items {
        let v = item.get_ref().trim().to_lowercase();
        if v.is_empty() || v.contains(char::is_whitespace) {
            diags.push(f.diag(&item.span(), format!("{what} must be single words")));
            ok = false;
        } else {
            out.insert(v);
        }
    }
    ok
}

/// Adds the words of the word-list files a rule file names (one word per line, `#` starts a
/// comment line, paths relative to the rules folder) to `out`, lower-cased. Unreadable or
/// non-UTF-8 files are reported (as "cannot read `what` file …" or at the bad line). False
/// if any was.
fn read_word_files(
    dir: &Path,
    f: &RawFile,
    files: &[toml::Spanned<String>],
    what: &str,
    out: &mut WordSet,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for file in files {
        let path = dir.join(file.get_ref());
        match super::read_text(&path) {
            Ok(text) => out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|w| !w.is_empty() && !w.starts_with('#'))
                    .map(str::to_lowercase),
            ),
            Err(super::TextError::Utf8(diag)) => {
                diags.push(diag);
                ok = false;
            }
            Err(super::TextError::Io(err)) => {
                diags.push(f.diag(
                    &file.span(),
                    format!("cannot read {what} file `{}`: {err}", path.display()),
                ));
                ok = false;
            }
        }
    }
    ok
}

/// How a term's surface form is matched (`case` of a `[[term]]` or `[[dictionary]]`).
#[derive(Debug, Clone, Copy)]
enum Case {
    /// [`auto_sensitive`] decides per surface form.
    Auto,
    /// Like `Auto`, but capitals that start a word do not count: Title Case names
    /// ("Dialogue State Tracking") match in any case, "ImageNet" or "NER" still exactly.
    Title,
    /// Always (true) or never (false) case-sensitive.
    Fixed(bool),
}

fn parse_case(
    file: &RawFile,
    case: Option<&toml::Spanned<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Case> {
    match case.map(|c| (c.get_ref().as_str(), c.span())) {
        None | Some(("auto", _)) => Some(Case::Auto),
        Some(("title", _)) => Some(Case::Title),
        Some(("sensitive", _)) => Some(Case::Fixed(true)),
        Some(("insensitive", _)) => Some(Case::Fixed(false)),
        Some((other, span)) => {
            diags.push(file.diag(
                &span,
                format!(
                    "unknown case `{other}`, expected `sensitive`, `insensitive`, `auto` or `title`"
                ),
            ));
            None
        }
    }
}

/// A rule's `role`: `Some(None)` when absent, `None` (with a diagnostic) when unknown.
fn parse_role(
    file: &RawFile,
    role: Option<&toml::Spanned<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Option<Role>> {
    match role.map(|r| (r.get_ref().as_str(), r.span())) {
        None => Some(None),
        Some(("proposed", _)) => Some(Some(Role::Proposed)),
        Some(("used", _)) => Some(Some(Role::Used)),
        Some(("evaluated-on", _)) => Some(Some(Role::EvaluatedOn)),
        Some((other, span)) => {
            diags.push(file.diag(
                &span,
                format!("unknown role `{other}`, expected `proposed`, `used` or `evaluated-on`"),
            ));
            None
        }
    }
}

/// A rule's `fields` as (in title, in abstract); an empty list means both. `None` (with a
/// diagnostic per bad entry) when an entry is unknown.
fn parse_fields(
    file: &RawFile,
    fields: &[toml::Spanned<String>],
    diags: &mut Vec<Diagnostic>,
) -> Option<(bool, bool)> {
    let (mut in_title, mut in_abstract) = (fields.is_empty(), fields.is_empty());
    let mut ok = true;
    for fl in fields {
        match fl.get_ref().as_str() {
            "title" => in_title = true,
            "abstract" => in_abstract = true,
            other => {
                diags.push(file.diag(
                    &fl.span(),
                    format!("unknown field `{other}`, expected `title` or `abstract`"),
                ));
                ok = false;
            }
        }
    }
    ok.then_some((in_title, in_abstract))
}

/// `auto` case rule: a surface form with a capital after its first character or a digit is
/// matched case-sensitively (CIFAR-100, GPT-4, CLIP); plain words match in any case.
pub fn auto_sensitive(surface: &str) -> bool {
    surface
        .chars()
        .skip(1)
        .any(|c| c.is_uppercase() || c.is_ascii_digit())
        || surface.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// `title` case rule for lists that write names in Title Case: a name whose capitals all
/// start words and whose last word is an action noun ("Dialogue State Tracking", "Reading
/// Comprehension", "Text Summarization", "Decision Making", "Image Enhancement") is matched
/// in any case, since task names are actions; any other name as [`auto_sensitive`] says, so
/// "Time Series", "Feature Importance" or "Word Embeddings" need their capitals.
pub fn title_sensitive(surface: &str) -> bool {
    let mut prev: Option<char> = None;
    for c in surface.chars() {
        if c.is_ascii_digit() || (c.is_uppercase() && prev.is_some_and(char::is_alphanumeric)) {
            return true;
        }
        prev = Some(c);
    }
    let last = surface
        .rsplit([' ', '-'])
        .next()
        .unwrap_or(surface)
        .to_lowercase();
    let action = ["ion", "ing", "ment", "sis"]
        .iter()
        .any(|s| last.len() > s.len() + 2 && last.ends_with(s));
    !action && auto_sensitive(surface)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

struct Ctx<'a> {
    diags: &'a mut Vec<Diagnostic>,
    rule_ids: Vec<String>,
    rule_locs: Vec<String>,
    seen: FastMap<String, String>,
}

impl Ctx<'_> {
    /// Registers a rule id; reports a duplicate pointing at the first definition.
    fn add_rule(&mut self, file: &RawFile, id: &toml::Spanned<String>) -> Option<usize> {
        let name = id.get_ref().trim();
        let loc = format!("{}:{}", file.path.display(), file.line(&id.span()));
        if name.is_empty() {
            self.diags.push(file.diag(&id.span(), "empty rule id"));
            return None;
        }
        if ACRONYM_RULES.contains(&name) {
            self.diags.push(file.diag(
                &id.span(),
                format!("rule id `{name}` is reserved for the built-in acronym rules"),
            ));
            return None;
        }
        if let Some(first) = self.seen.get(name) {
            self.diags.push(file.diag(
                &id.span(),
                format!("duplicate rule id `{name}` (first defined at {first})"),
            ));
            return None;
        }
        self.seen.insert(name.to_string(), loc.clone());
        self.rule_ids.push(name.to_string());
        self.rule_locs.push(loc);
        Some(self.rule_ids.len() - 1)
    }

    /// The shared per-type term rule id (`<type>.term`), registered on first use.
    fn term_rule(&mut self, type_name: &str, loc: String) -> usize {
        let id = format!("{type_name}.term");
        if let Some(i) = self.rule_ids.iter().position(|r| *r == id) {
            return i;
        }
        self.seen.insert(id.clone(), loc.clone());
        self.rule_ids.push(id);
        self.rule_locs.push(loc);
        self.rule_ids.len() - 1
    }
}

/// Validates and compiles the parsed files (already in sorted filename order). Returns
/// `None` when any diagnostic was reported (including ones from earlier stages).
pub fn compile(dir: &Path, files: &[RawFile], diags: &mut Vec<Diagnostic>) -> Option<RuleSet> {
    let mut ctx = Ctx {
        diags,
        rule_ids: ACRONYM_RULES.iter().map(|s| s.to_string()).collect(),
        rule_locs: vec![String::new(); ACRONYM_RULES.len()],
        seen: ACRONYM_RULES
            .iter()
            .map(|s| (s.to_string(), "built-in".to_string()))
            .collect(),
    };
    let mut types: Vec<EntityType> = Vec::new();
    let mut infos: Vec<TypeInfo> = Vec::new();
    let mut broad: Vec<String> = Vec::new();
    let mut type_loc: FastMap<String, String> = FastMap::default();

    // Pass 1: entity types (patterns may refer to any type in `role_types`).
    for f in files {
        let e = &f.entity;
        let name = e.name.get_ref().trim().to_string();
        let loc = format!("{}:{}", f.path.display(), f.line(&e.name.span()));
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            ctx.diags.push(f.diag(
                &e.name.span(),
                format!("invalid type name `{name}` (use letters, digits, `-`, `_`)"),
            ));
        } else if let Some(first) = type_loc.get(&name) {
            ctx.diags.push(f.diag(
                &e.name.span(),
                format!("duplicate entity type `{name}` (first defined at {first})"),
            ));
        } else {
            type_loc.insert(name.clone(), loc);
        }
        let acronym_default = match e.acronym_default.as_ref().map(|s| s.get_ref().as_str()) {
            None => None,
            Some("proposed") => Some(AcronymDefault::Proposed),
            Some("other") => Some(AcronymDefault::Other),
            Some("any") => Some(AcronymDefault::Any),
            Some(other) => {
                let span = e.acronym_default.as_ref().unwrap().span();
                ctx.diags.push(f.diag(
                    &span,
                    format!(
                        "unknown acronym_default `{other}`, expected `proposed`, `other` or `any`"
                    ),
                ));
                None
            }
        };
        let mut heads = Vec::new();
        for h in &e.heads {
            let words: Vec<String> = h
                .get_ref()
                .split_whitespace()
                .map(|w| w.to_lowercase())
                .collect();
            if words.is_empty() {
                ctx.diags.push(f.diag(&h.span(), "empty head noun"));
            } else {
                heads.push(words);
            }
        }
        let mut stop = WordSet::default();
        for s in &e.stop {
            let v = s.get_ref().trim().to_lowercase();
            if v.is_empty() {
                ctx.diags.push(f.diag(&s.span(), "empty stop phrase"));
            } else {
                stop.insert(v);
            }
        }
        read_word_files(dir, f, &e.stop_files, "stop phrase", &mut stop, ctx.diags);
        let mut stop_words = WordSet::default();
        parse_words(
            f,
            &e.stop_words,
            "stop_words entries",
            &mut stop_words,
            ctx.diags,
        );
        read_word_files(
            dir,
            f,
            &e.stop_words_files,
            "stop word",
            &mut stop_words,
            ctx.diags,
        );
        let mut kept = WordSet::default();
        parse_words(
            f,
            &e.not_stop_words,
            "not_stop_words entries",
            &mut kept,
            ctx.diags,
        );
        stop_words.retain(|w| !kept.contains(w));
        // A hyphened stop word is a stop word with spaced dashes too, as the chunker joins
        // tokenized text: "state - of - the - art" is "state-of-the-art".
        let spaced: Vec<String> = stop_words
            .iter()
            .filter(|w| w.contains('-'))
            .map(|w| w.replace('-', " - "))
            .collect();
        stop_words.extend(spaced);
        let mut stop_heads = WordSet::default();
        parse_words(
            f,
            &e.stop_heads,
            "stop_heads entries",
            &mut stop_heads,
            ctx.diags,
        );
        let mut stop_suffixes = Vec::new();
        for s in &e.stop_suffixes {
            let v = s.get_ref().trim().to_lowercase();
            if v.is_empty() {
                ctx.diags.push(f.diag(&s.span(), "empty stop suffix"));
            } else {
                stop_suffixes.push(v);
            }
        }
        types.push(EntityType {
            label: e
                .label
                .as_ref()
                .map(|l| l.get_ref().clone())
                .unwrap_or_else(|| capitalize(&name)),
            color: e
                .color
                .as_ref()
                .map(|l| l.get_ref().clone())
                .unwrap_or_else(|| "lightgrey".into()),
            shape: e
                .shape
                .as_ref()
                .map(|l| l.get_ref().clone())
                .unwrap_or_else(|| "box".into()),
            name,
        });
        for b in &e.broad {
            let v = b.get_ref().trim();
            if v.is_empty() {
                ctx.diags
                    .push(f.diag(&b.span(), "broad entries must not be empty"));
            } else {
                broad.push(v.to_string());
            }
        }
        let mut prefix_words = WordSet::default();
        read_word_files(
            dir,
            f,
            &e.prefix_words_files,
            "prefix_words",
            &mut prefix_words,
            ctx.diags,
        );
        infos.push(TypeInfo {
            priority: e.priority.as_ref().map(|p| *p.get_ref()).unwrap_or(0),
            heads,
            acronym_default,
            stop,
            stop_words,
            stop_suffixes,
            stop_heads,
            versions: e.versions.as_ref().is_some_and(|b| *b.get_ref()),
            coordinated_names: e
                .coordinated_names
                .as_ref()
                .and_then(|id| ctx.add_rule(f, id)),
            prefix_words,
        });
    }

    // Pass 2: terms, dictionaries and patterns, file by file.
    let mut entries: Vec<DictEntry> = Vec::new();
    let mut patterns: Vec<PatternRule> = Vec::new();
    let mut triggers: Vec<(String, u32)> = Vec::new();
    for (ti, f) in files.iter().enumerate() {
        let tname = types[ti].name.clone();
        let first_entry = entries.len();
        if !f.terms.is_empty() {
            let loc = format!("{}:{}", f.path.display(), f.line(&f.terms[0].name.span()));
            let default_rule = ctx.term_rule(&tname, loc);
            for t in &f.terms {
                let rule = match &t.id {
                    Some(id) => match ctx.add_rule(f, id) {
                        Some(r) => r,
                        None => continue,
                    },
                    None => default_rule,
                };
                let Some(case) = parse_case(f, t.case.as_ref(), ctx.diags) else {
                    continue;
                };
                let canonical = t.name.get_ref().trim().to_string();
                if canonical.is_empty() {
                    ctx.diags.push(f.diag(&t.name.span(), "empty term name"));
                    continue;
                }
                let mut add = |surface: &str| {
                    let mut e = mk_entry(ti, &canonical, surface, case, rule);
                    e.hand = true;
                    entries.push(e)
                };
                add(&canonical);
                for a in &t.aliases {
                    let s = a.get_ref().trim();
                    if s.is_empty() {
                        ctx.diags
                            .push(f.diag(&a.span(), format!("empty alias of term `{canonical}`")));
                    } else {
                        add(s);
                    }
                }
            }
        }
        for d in &f.dictionaries {
            let rule = ctx.add_rule(f, &d.id);
            let case = parse_case(f, d.case.as_ref(), ctx.diags);
            let rel = d.file.get_ref();
            let path = dir.join(rel);
            let text = match super::read_text(&path) {
                Ok(t) => t,
                Err(super::TextError::Io(e)) => {
                    ctx.diags.push(f.diag(
                        &d.file.span(),
                        format!("cannot read dictionary file `{}`: {e}", path.display()),
                    ));
                    continue;
                }
                Err(super::TextError::Utf8(diag)) => {
                    ctx.diags.push(diag);
                    continue;
                }
            };
            let (Some(rule), Some(case)) = (rule, case) else {
                continue;
            };
            for (i, line) in text.lines().enumerate() {
                let line = line.trim_end_matches(['\r', ' ']);
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
                let bad = |msg: &str| Diagnostic {
                    file: path.clone(),
                    line: i + 1,
                    message: msg.to_string(),
                };
                if fields[0].is_empty() {
                    ctx.diags.push(bad("empty canonical name"));
                    continue;
                }
                if fields[1..].iter().any(|a| a.is_empty()) {
                    ctx.diags.push(bad("empty alias (two tabs in a row?)"));
                    continue;
                }
                for s in &fields {
                    entries.push(mk_entry(ti, fields[0], s, case, rule));
                }
            }
        }
        if f.entity
            .spaced_hyphens
            .as_ref()
            .is_some_and(|b| *b.get_ref())
        {
            let spaced: Vec<DictEntry> = entries[first_entry..]
                .iter()
                .filter_map(|e| {
                    let s = spaced_hyphens(&e.surface)?;
                    Some(DictEntry {
                        surface: s,
                        ..e.clone()
                    })
                })
                .collect();
            entries.extend(spaced);
        }
        for p in &f.patterns {
            let rule = ctx.add_rule(f, &p.id);
            let mut ok = rule.is_some();
            let role = parse_role(f, p.role.as_ref(), ctx.diags).unwrap_or_else(|| {
                ok = false;
                None
            });
            let cut = match p.cut.as_ref().map(|r| (r.get_ref().as_str(), r.span())) {
                None | Some(("none", _)) => Cut::None,
                Some(("suffix", _)) => Cut::Suffix,
                Some(("prefix", _)) => Cut::Prefix,
                Some((other, span)) => {
                    ctx.diags.push(f.diag(
                        &span,
                        format!("unknown cut `{other}`, expected `none`, `suffix` or `prefix`"),
                    ));
                    ok = false;
                    Cut::None
                }
            };
            let (in_title, in_abstract) =
                parse_fields(f, &p.fields, ctx.diags).unwrap_or_else(|| {
                    ok = false;
                    (true, true)
                });
            let mut role_types = Vec::new();
            for rt in &p.role_types {
                match types.iter().position(|t| t.name == *rt.get_ref()) {
                    Some(i) => role_types.push(i),
                    None => {
                        ctx.diags.push(f.diag(
                            &rt.span(),
                            format!("unknown entity type `{}` in role_types", rt.get_ref()),
                        ));
                        ok = false;
                    }
                }
            }
            let emit = p.emit.as_ref().map(|e| *e.get_ref()).unwrap_or(true);
            if !emit && role.is_none() {
                ctx.diags.push(f.diag(
                    &p.id.span(),
                    "pattern with `emit = false` needs a `role` (it would do nothing)",
                ));
                ok = false;
            }
            let words: Vec<&str> = p.triggers.iter().map(|t| t.get_ref().trim()).collect();
            let regex = match compile_regex(p.regex.get_ref(), &words) {
                Ok(r) => Some(r),
                Err(e) => {
                    ctx.diags.push(f.diag(
                        &p.regex.span(),
                        format!("invalid regex in pattern `{}`: {e}", p.id.get_ref()),
                    ));
                    ok = false;
                    None
                }
            };
            let group = regex.as_ref().and_then(|(r, _)| {
                r.group_info()
                    .to_index(regex_automata::PatternID::ZERO, "entity")
            });
            if regex.is_some() && group.is_none() {
                ctx.diags.push(f.diag(
                    &p.regex.span(),
                    format!(
                        "pattern `{}` has no `(?P<entity>…)` capture group",
                        p.id.get_ref()
                    ),
                ));
                ok = false;
            }
            for t in &p.triggers {
                if t.get_ref().trim().is_empty() {
                    ctx.diags.push(f.diag(&t.span(), "empty trigger word"));
                    ok = false;
                }
            }
            if !ok {
                continue;
            }
            let idx = patterns.len() as u32;
            for t in &p.triggers {
                triggers.push((t.get_ref().trim().to_string(), idx));
            }
            let (regex, at_triggers) = regex.unwrap();
            patterns.push(PatternRule {
                type_idx: ti,
                rule: rule.unwrap(),
                bounds: super::group::GroupBounds::new(p.regex.get_ref()),
                regex,
                group: group.unwrap(),
                at_triggers,
                role,
                split: p.split.as_ref().map(|s| *s.get_ref()).unwrap_or(false),
                emit,
                cut,
                role_types,
                in_title,
                in_abstract,
            });
        }
    }
    let mut phrases: Vec<PhraseRule> = Vec::new();
    for (ti, f) in files.iter().enumerate() {
        for p in &f.phrases {
            let rule = ctx.add_rule(f, &p.id);
            let mut ok = rule.is_some();
            let role = parse_role(f, p.role.as_ref(), ctx.diags).unwrap_or_else(|| {
                ok = false;
                None
            });
            let mut heads = WordSet::default();
            ok &= parse_words(f, &p.heads, "phrase heads", &mut heads, ctx.diags);
            if heads.is_empty() {
                ctx.diags
                    .push(f.diag(&p.id.span(), "phrase rule without heads"));
                ok = false;
            }
            let max_words = match p.max_words.as_ref().map(|m| (*m.get_ref(), m.span())) {
                None => 4,
                Some((n, _)) if (1..=12).contains(&n) => n as usize,
                Some((n, span)) => {
                    ctx.diags
                        .push(f.diag(&span, format!("max_words {n} out of range 1..=12")));
                    ok = false;
                    4
                }
            };
            let (in_title, in_abstract) =
                parse_fields(f, &p.fields, ctx.diags).unwrap_or_else(|| {
                    ok = false;
                    (true, true)
                });
            let mut not_after = WordSet::default();
            ok &= parse_words(
                f,
                &p.not_after,
                "not_after entries",
                &mut not_after,
                ctx.diags,
            );
            let mut not_names = WordSet::default();
            ok &= parse_words(
                f,
                &p.not_names,
                "not_names entries",
                &mut not_names,
                ctx.diags,
            );
            ok &= read_word_files(
                dir,
                f,
                &p.not_names_files,
                "not_names",
                &mut not_names,
                ctx.diags,
            );
            let name = p.name.as_ref().is_some_and(|b| *b.get_ref());
            let unnamed = p.unnamed.as_ref().is_some_and(|b| *b.get_ref());
            if let (true, Some(u)) = (name && unnamed, p.unnamed.as_ref()) {
                ctx.diags.push(f.diag(
                    &u.span(),
                    "`unnamed` and `name` exclude each other".to_string(),
                ));
                ok = false;
            }
            if ok {
                phrases.push(PhraseRule {
                    type_idx: ti,
                    rule: rule.unwrap(),
                    heads,
                    max_words,
                    bare: p.bare.as_ref().is_some_and(|b| *b.get_ref()),
                    of: p.of.as_ref().is_some_and(|b| *b.get_ref()),
                    plural: p.plural.as_ref().is_none_or(|b| *b.get_ref()),
                    coordinated: p.coordinated.as_ref().is_some_and(|b| *b.get_ref()),
                    not_after,
                    hyphen_heads: p.hyphen_heads.as_ref().is_some_and(|b| *b.get_ref()),
                    through_terms: p.through_terms.as_ref().is_some_and(|b| *b.get_ref()),
                    name,
                    unnamed,
                    not_names,
                    role,
                    in_title,
                    in_abstract,
                });
            }
        }
    }
    if !ctx.diags.is_empty() {
        return None;
    }

    // Dictionary trie: one slot per distinct ASCII-lower-cased surface form; the
    // entries sharing it are ordered best first (type priority, then rule rank).
    let mut slot_of: FastMap<String, usize> = FastMap::default();
    let mut surfaces: Vec<String> = Vec::new();
    let mut slots: Vec<Vec<u32>> = Vec::new();
    let mut lookup: FastMap<String, u32> = FastMap::default();
    let mut seen_entry: FastSet<(usize, String, bool)> = FastSet::default();
    let mut kept: Vec<DictEntry> = Vec::new();
    for e in entries {
        if !seen_entry.insert((e.type_idx, e.surface.clone(), e.sensitive)) {
            continue;
        }
        let key = e.surface.to_ascii_lowercase();
        let slot = *slot_of.entry(key.clone()).or_insert_with(|| {
            surfaces.push(key.clone());
            slots.push(Vec::new());
            slots.len() - 1
        });
        // The long-form lookup (acronym typing) prefers entries as matching does: a
        // hand-written term over list entries, then the higher-priority type, then the
        // earlier one ("Visual Question Answering" is a task term and a dataset list entry).
        let rank = |e: &DictEntry| (!e.hand, -infos[e.type_idx].priority);
        let better = rank(&e);
        lookup
            .entry(e.surface.to_lowercase())
            .and_modify(|i| {
                if better < rank(&kept[*i as usize]) {
                    *i = kept.len() as u32;
                }
            })
            .or_insert(kept.len() as u32);
        slots[slot].push(kept.len() as u32);
        kept.push(e);
    }
    for s in &mut slots {
        s.sort_by_key(|&i| {
            let e = &kept[i as usize];
            (!e.hand, -infos[e.type_idx].priority, e.rule, i)
        });
    }
    let dict_prefilter = super::Prefilter::new(&surfaces);
    let dict_trie = super::trie::Trie::new(&surfaces);

    let mut trigger_words: Vec<String> = Vec::new();
    let mut trigger_map: Vec<Vec<u32>> = Vec::new();
    let mut tw_index: FastMap<String, usize> = FastMap::default();
    for (w, p) in triggers {
        let k = w.to_ascii_lowercase();
        let i = *tw_index.entry(k.clone()).or_insert_with(|| {
            trigger_words.push(k);
            trigger_map.push(Vec::new());
            trigger_map.len() - 1
        });
        trigger_map[i].push(p);
    }
    let triggered: FastSet<u32> = trigger_map.iter().flatten().copied().collect();
    let untriggered = (0..patterns.len() as u32)
        .filter(|i| !triggered.contains(i))
        .collect();
    let trigger_ac = (!trigger_words.is_empty()).then(|| Triggers::new(&trigger_words));

    let _ = line_of;
    let mut phrase_heads: FastMap<String, Vec<(usize, bool)>> = FastMap::default();
    for (pi, p) in phrases.iter().enumerate() {
        for h in &p.heads {
            // A form that is a head itself and a plural of another head counts as a head.
            let mut add = |w: String, plural: bool| {
                let v = phrase_heads.entry(w).or_default();
                match v.iter_mut().find(|(q, _)| *q == pi) {
                    Some(e) => e.1 &= plural,
                    None => v.push((pi, plural)),
                }
            };
            add(h.clone(), false);
            for f in plural_forms(h) {
                add(f, true);
            }
        }
    }
    for v in phrase_heads.values_mut() {
        v.sort_unstable();
    }
    let phrase_heads = HeadIndex::new(phrase_heads);
    let mut heads_by_last: crate::hash::FastMap<String, Vec<(u32, u32)>> = Default::default();
    for (ti, info) in infos.iter().enumerate() {
        for (hi, h) in info.heads.iter().enumerate() {
            if let Some(last) = h.last() {
                heads_by_last
                    .entry(last.clone())
                    .or_default()
                    .push((ti as u32, hi as u32));
            }
        }
    }
    Some(RuleSet {
        types,
        type_info: infos,
        rule_ids: ctx.rule_ids,
        rule_locs: ctx.rule_locs,
        dict_trie,
        dict_prefilter,
        dict_slots: slots,
        dict_entries: kept,
        dict_lookup: lookup,
        patterns,
        phrases,
        phrase_heads,
        heads_by_last,
        trigger_ac,
        trigger_map,
        untriggered,
        broad,
    })
}

/// `surface` with each hyphen between two letters or digits written as " - " ("CIFAR-10" →
/// "CIFAR - 10"), as tokenized corpora write it; `None` when it has no such hyphen.
pub fn spaced_hyphens(surface: &str) -> Option<String> {
    let chars: Vec<char> = surface.chars().collect();
    let mut out = String::with_capacity(surface.len() + 8);
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        let inner = c == '-'
            && i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphanumeric()
            && chars[i + 1].is_alphanumeric();
        if inner {
            out.push_str(" - ");
            changed = true;
        } else {
            out.push(c);
        }
    }
    changed.then_some(out)
}

fn mk_entry(ti: usize, canonical: &str, surface: &str, case: Case, rule: usize) -> DictEntry {
    DictEntry {
        type_idx: ti,
        canonical: canonical.to_string(),
        surface: surface.to_string(),
        sensitive: match case {
            Case::Auto => auto_sensitive(surface),
            Case::Title => title_sensitive(surface),
            Case::Fixed(b) => b,
        },
        rule,
        hand: false,
    }
}

/// The compiled rules are shared by all extraction threads.
#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<super::RuleSet>();
    f::<Regex>();
}

#[cfg(test)]
mod head_index_tests {
    use super::{FastMap, HeadIndex};

    /// The shape table only says "no" for words that are no key: the index answers as its
    /// map does, for the keys, their neighbours and other words.
    #[test]
    fn answers_as_the_map() {
        let mut map: FastMap<String, Vec<(usize, bool)>> = FastMap::default();
        let keys = [
            "parser",
            "parsers",
            "model",
            "detection",
            "re-identification",
            "x",
            "é",
            "naïve",
            "abcdefghijklmnopqrstuvwxyzabcdefghijkl",
        ];
        for (i, k) in keys.iter().enumerate() {
            map.insert(k.to_string(), vec![(i, false)]);
        }
        let index = HeadIndex::new(map.clone());
        let mut words: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        for k in keys {
            words.push(format!("{k}s"));
            let mut shorter = k.to_string();
            shorter.pop();
            words.push(shorter);
            words.push(format!("a{k}"));
        }
        words.extend(
            [
                "",
                "the",
                "of",
                "pars",
                "pzrser",
                "abcdefghijklmnopqrstuvwxyzabcdefghijkz",
            ]
            .map(String::from),
        );
        for w in &words {
            assert_eq!(index.get(w), map.get(w.as_str()), "{w:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which patterns can run anchored at their trigger hits: only those whose every match
    /// begins with one of the triggers.
    #[test]
    fn trigger_led_patterns_are_recognised() {
        let cases: &[(&str, &[&str], bool)] = &[
            (
                r"(?-u:\b)(?:called|named)[ ]+(?P<entity>\w+)",
                &["called", "named"],
                true,
            ),
            (
                r"(?:Called|NAMED) (?P<entity>\w+)",
                &["called", "named"],
                true,
            ),
            (
                r"(?:propos|present)(?:e|es|ed)? (?P<entity>\w+)",
                &["propos", "present"],
                true,
            ),
            // A trigger that is only a prefix of one alternative's first word still starts it.
            (r"(?:using|uses) (?P<entity>\w+)", &["us"], true),
            // One alternative does not start with a trigger.
            (r"(?:called|named) (?P<entity>\w+)", &["called"], false),
            // The trigger is in the middle.
            (
                r"(?:we|paper) (?:propose) (?P<entity>\w+)",
                &["propose"],
                false,
            ),
            // The match starts with the capture: no finite set of first literals.
            (r"(?P<entity>[A-Z]\w+), a", &[", a"], false),
            (r"(?:a|b)*called (?P<entity>\w+)", &["called"], false),
            (r"^(?P<entity>\w+):", &[":"], false),
            // No triggers at all.
            (r"called (?P<entity>\w+)", &[], false),
            (r"called (?P<entity>\w+)", &[""], false),
            // Whitespace classes spell several literals; each must start with a trigger.
            (
                r"data[ \t]?sets (?P<entity>\w+)",
                &["data sets", "datasets"],
                false,
            ),
            (
                r"data[ \t]?sets (?P<entity>\w+)",
                &["data sets", "datasets", "data\tsets"],
                true,
            ),
        ];
        for &(re, triggers, want) in cases {
            let hir = regex_syntax::parse(re).unwrap();
            assert_eq!(
                starts_with_trigger(&hir, triggers),
                want,
                "{re} {triggers:?}"
            );
            assert_eq!(compile_regex(re, triggers).unwrap().1, want, "{re}");
        }
    }

    /// The engine compiled for patterns finds what `regex::Regex` finds, and rejects what it
    /// rejects with its message.
    #[test]
    fn pattern_regexes_compile_like_regex() {
        let (re, _) =
            compile_regex(r"(?-u:\b)(?:called|named)[ ]+(?P<entity>\p{Lu}\w+)", &[]).unwrap();
        let hay = "we named Ängström, called Zed";
        let std = regex::Regex::new(r"(?-u:\b)(?:called|named)[ ]+(?P<entity>\p{Lu}\w+)").unwrap();
        let ours: Vec<(usize, usize)> = re.find_iter(hay).map(|m| (m.start(), m.end())).collect();
        let theirs: Vec<(usize, usize)> =
            std.find_iter(hay).map(|m| (m.start(), m.end())).collect();
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 2);
        let bad = "(?P<entity>[a-";
        assert_eq!(
            compile_regex(bad, &[]).unwrap_err(),
            regex::Regex::new(bad).unwrap_err().to_string()
        );
    }
}
