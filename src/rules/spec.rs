//! The rule files as written: raw serde structs mirroring `rules/*.toml`, plus the
//! span-aware parsing that turns every problem of a file into a [`Diagnostic`].
//!
//! A file is parsed with the `toml` crate's recoverable, span-keeping parser first, so that
//! all syntax errors are reported; then each section (and each item of an array of tables)
//! is deserialized on its own so that one bad item does not hide the errors of the next.

use super::Diagnostic;
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// `[entity]`: the entity type a file defines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntity {
    #[serde(rename = "type")]
    pub name: Spanned<String>,
    pub label: Option<Spanned<String>>,
    pub color: Option<Spanned<String>>,
    pub shape: Option<Spanned<String>>,
    pub priority: Option<Spanned<i64>>,
    #[serde(default)]
    pub heads: Vec<Spanned<String>>,
    pub acronym_default: Option<Spanned<String>>,
    #[serde(default)]
    pub stop_words: Vec<Spanned<String>>,
    #[serde(default)]
    pub stop_suffixes: Vec<Spanned<String>>,
    /// Last words (single words, any case; plurals are recognised) that end no entity of
    /// this type: a method never ends in "precision" or "error rate". An acronym whose long
    /// form ends in one of any type's is a definition that names no entity ("mean average
    /// precision (mAP)"): listed with the paper's acronyms, never a mention.
    #[serde(default)]
    pub stop_heads: Vec<Spanned<String>>,
    #[serde(default)]
    pub stop: Vec<Spanned<String>>,
    /// Phrase list files (one per line, `#` comments) added to `stop`: "languages.txt" keeps
    /// "English" from becoming a dataset in "datasets in English, Spanish and Hindi".
    #[serde(default)]
    pub stop_files: Vec<Spanned<String>>,
    /// Word list files (one word per line, `#` comments) added to `stop_words`.
    #[serde(default)]
    pub stop_words_files: Vec<Spanned<String>>,
    /// Words taken out of this type's stop words after `stop_words` and `stop_words_files`
    /// are read: a shared list stops "single", but "single image super-resolution" is a task.
    #[serde(default)]
    pub not_stop_words: Vec<Spanned<String>>,
    /// Broad research fields of this type ("machine learning"): still entities, but
    /// `related` ranks them below specific ones.
    #[serde(default)]
    pub broad: Vec<Spanned<String>>,
    /// Also match every dictionary term and alias of this type that has a hyphen with the
    /// hyphen spaced ("CIFAR - 10", "part - of - speech tagging"), as tokenized corpora
    /// write it (default false).
    pub spaced_hyphens: Option<Spanned<bool>>,
    /// Dictionary matches of this type take a version that follows them: "SQuAD 2.0",
    /// "SQuAD v1.1", "ImageNet-1K", "KLUE-MRC", "PASCAL VOC 2007" (default false).
    pub versions: Option<Spanned<bool>>,
    /// Rule id for name-shaped words coordinated with a mention of this type ("SNLI and
    /// MNLI", "WIKITREE, POLICY, ACROFAN"): such a word becomes a mention of the type too.
    pub coordinated_names: Option<Spanned<String>>,
    /// Files of words (one per line, e.g. language names) that, capitalised right before a
    /// mention of this type, become part of it: "English Penn Treebank", "Russian SuperGLUE".
    #[serde(default)]
    pub prefix_words_files: Vec<Spanned<String>>,
}

/// `[[phrase]]`: noun phrases ending in a head noun, found by the light chunker.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhrase {
    pub id: Spanned<String>,
    /// Head nouns (single words, singular; plurals are recognised).
    pub heads: Vec<Spanned<String>>,
    /// Maximum number of words, head included (default 4).
    pub max_words: Option<Spanned<i64>>,
    /// Whether the head alone (no modifier) is a mention (default false).
    pub bare: Option<Spanned<bool>>,
    /// Whether the phrase may continue with `of` + words ("learning of morphology").
    pub of: Option<Spanned<bool>>,
    /// Whether "A and B head" is one phrase when A is a single word ("syntactic and semantic
    /// parsing"; default false).
    pub coordinated: Option<Spanned<bool>>,
    /// Words that may not stand right before the head, any case ("learning process" is the
    /// process of a concept, not a method).
    #[serde(default)]
    pub not_after: Vec<Spanned<String>>,
    /// Whether a hyphened word ending in a head is that head too: "person re-identification",
    /// "single image super - resolution" (default false).
    pub hyphen_heads: Option<Spanned<bool>>,
    /// A stop word inside a dictionary term of the type that ends at the head does not end
    /// the phrase: "biomedical named entity recognition" (default false).
    pub through_terms: Option<Spanned<bool>>,
    /// Whether plural heads count too (default true; "translations" are results, not a task).
    pub plural: Option<Spanned<bool>>,
    /// Whether a modifier must look like a name (a capital or a digit: "Europarl corpus").
    pub name: Option<Spanned<bool>>,
    /// Whether no modifier may look like a name: generic phrases only ("parallel corpora",
    /// not "Europarl corpora", which a `name` rule of another type finds). Not with `name`.
    pub unnamed: Option<Spanned<bool>>,
    /// Capitalised words that do not make a modifier a name ("English data"), any case.
    #[serde(default)]
    pub not_names: Vec<Spanned<String>>,
    /// Word list files (one word per line, `#` comments) added to `not_names`.
    #[serde(default)]
    pub not_names_files: Vec<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: Vec<Spanned<String>>,
}

/// `[[term]]`: one hand-written dictionary entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    pub id: Option<Spanned<String>>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    pub case: Option<Spanned<String>>,
}

/// `[[dictionary]]`: a list file of entries next to the rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDictionary {
    pub id: Spanned<String>,
    pub file: Spanned<String>,
    pub case: Option<Spanned<String>>,
}

/// `[[pattern]]`: a regular expression with an `entity` capture group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPattern {
    pub id: Spanned<String>,
    pub regex: Spanned<String>,
    pub role: Option<Spanned<String>>,
    #[serde(default)]
    pub triggers: Vec<Spanned<String>>,
    #[serde(default)]
    pub fields: Vec<Spanned<String>>,
    pub split: Option<Spanned<bool>>,
    pub emit: Option<Spanned<bool>>,
    pub cut: Option<Spanned<String>>,
    #[serde(default)]
    pub role_types: Vec<Spanned<String>>,
}

/// One parsed rule file; every span is a byte range into `src`.
#[derive(Debug, Clone)]
pub struct RawFile {
    pub path: PathBuf,
    pub src: String,
    pub entity: RawEntity,
    pub terms: Vec<RawTerm>,
    pub dictionaries: Vec<RawDictionary>,
    pub patterns: Vec<RawPattern>,
    pub phrases: Vec<RawPhrase>,
}

impl RawFile {
    /// The 1-based line of a byte offset in this file.
    pub fn line(&self, span: &Range<usize>) -> usize {
        line_of(&self.src, span.start)
    }

    /// A diagnostic for this file at the line of `span`.
    pub fn diag(&self, span: &Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.path.clone(),
            line: self.line(span),
            message: message.into(),
        }
    }
}

/// The 1-based line number of byte offset `offset` in `src`.
pub fn line_of(src: &str, offset: usize) -> usize {
    let end = offset.min(src.len());
    src.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

const TOP_KEYS: &[&str] = &["entity", "term", "dictionary", "pattern", "phrase"];

/// Parses one rule file. Returns the raw file when it has no syntax or shape errors; all
/// problems found are appended to `diags`.
pub fn parse_file(path: &Path, src: String, diags: &mut Vec<Diagnostic>) -> Option<RawFile> {
    let before = diags.len();
    let mk = |src: &str, span: Option<Range<usize>>, msg: String| Diagnostic {
        file: path.to_path_buf(),
        line: span.map(|s| line_of(src, s.start)).unwrap_or(1),
        message: msg,
    };
    let (doc, errors) = DeTable::parse_recoverable(&src);
    if !errors.is_empty() {
        for e in errors {
            diags.push(mk(
                &src,
                e.span(),
                format!("TOML syntax error: {}", e.message().trim()),
            ));
        }
        return None;
    }
    let doc = doc.into_inner();
    let mut entity = None;
    let mut terms = Vec::new();
    let mut dictionaries = Vec::new();
    let mut patterns = Vec::new();
    let mut phrases = Vec::new();
    let mut saw_entity = false;
    for (key, value) in doc.iter() {
        let name: &str = key.get_ref().as_ref();
        match name {
            "entity" => {
                saw_entity = true;
                match value.get_ref() {
                    DeValue::Table(t) => {
                        match deserialize_table::<RawEntity>(t, value.span(), &src) {
                            Ok(e) => entity = Some(e),
                            Err(d) => diags.push(mk(&src, d.0, format!("[entity]: {}", d.1))),
                        }
                    }
                    _ => diags.push(mk(
                        &src,
                        Some(key.span()),
                        "`entity` must be a table ([entity])".into(),
                    )),
                }
            }
            "term" | "dictionary" | "pattern" | "phrase" => {
                let DeValue::Array(items) = value.get_ref() else {
                    diags.push(mk(
                        &src,
                        Some(key.span()),
                        format!("`{name}` must be an array of tables ([[{name}]])"),
                    ));
                    continue;
                };
                for item in items.iter() {
                    let DeValue::Table(t) = item.get_ref() else {
                        diags.push(mk(
                            &src,
                            Some(item.span()),
                            format!("each `{name}` entry must be a table ([[{name}]])"),
                        ));
                        continue;
                    };
                    let res = match name {
                        "term" => deserialize_table::<RawTerm>(t, item.span(), &src)
                            .map(|v| terms.push(v)),
                        "dictionary" => deserialize_table::<RawDictionary>(t, item.span(), &src)
                            .map(|v| dictionaries.push(v)),
                        "phrase" => deserialize_table::<RawPhrase>(t, item.span(), &src)
                            .map(|v| phrases.push(v)),
                        _ => deserialize_table::<RawPattern>(t, item.span(), &src)
                            .map(|v| patterns.push(v)),
                    };
                    if let Err((span, msg)) = res {
                        diags.push(mk(&src, span, format!("[[{name}]]: {msg}")));
                    }
                }
            }
            other => diags.push(mk(
                &src,
                Some(key.span()),
                format!(
                    "unknown key `{other}`, expected one of {}",
                    TOP_KEYS
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
    if !saw_entity {
        diags.push(mk(
            &src,
            None,
            "missing [entity] section (every rule file defines one entity type)".into(),
        ));
    }
    if diags.len() > before {
        return None;
    }
    Some(RawFile {
        path: path.to_path_buf(),
        src,
        entity: entity?,
        terms,
        dictionaries,
        patterns,
        phrases,
    })
}

/// Deserializes one table on its own, keeping the error's span (falling back to the table's).
fn deserialize_table<T: for<'de> Deserialize<'de>>(
    table: &DeTable<'_>,
    span: Range<usize>,
    src: &str,
) -> Result<T, (Option<Range<usize>>, String)> {
    let de = toml::de::Deserializer::from(Spanned::new(span.clone(), table.clone()));
    T::deserialize(de).map_err(|e| {
        let espan = e.span().filter(|s| s.start < src.len()).or(Some(span));
        (espan, e.message().trim().to_string())
    })
}
