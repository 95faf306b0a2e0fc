//! The user-editable rule files in `rules/`, validated and compiled once into a [`RuleSet`].
//!
//! One TOML file per entity type. Raw serde structs mirror the files exactly
//! (`deny_unknown_fields`); a single `compile()` validates everything and reports all
//! errors of a file at once, each with file and line.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// An entity type defined by one rule file, with how it is shown in exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityType {
    /// The type name used in mentions and the graph, e.g. `method`.
    pub name: String,
    /// Neo4j label, e.g. `Method`.
    pub label: String,
    /// Graphviz fill colour (an X11 name or `#rrggbb`).
    pub color: String,
    /// Graphviz node shape.
    pub shape: String,
}

/// One problem found in a rule file, pointing at the line to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Why a rules directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("cannot read rules from {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no rule files (*.toml) in {0}")]
    Empty(PathBuf),
    #[error("{} error(s) in rule files:\n{}", .0.len(), .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

pub(crate) mod compile;
mod group;
mod prefilter;
pub mod spec;
mod trie;
pub(crate) mod triggers;

pub(crate) use compile::{AcronymDefault, Cut, DictEntry, PatternRule, PhraseRule, TypeInfo};
pub(crate) use prefilter::{word_hash, Prefilter};

/// Rule ids reserved for the built-in acronym rules; rule files may not use them.
pub const ACRONYM_RULES: [&str; 3] = ["acronym.long", "acronym.short", "acronym.use"];

/// The compiled rules: shared read-only by all extraction threads.
///
/// Built once by [`load_dir`]: one trie of every dictionary term and alias of every type,
/// one automaton over the patterns' trigger words, every regex compiled once.
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) types: Vec<EntityType>,
    pub(crate) type_info: Vec<TypeInfo>,
    /// All rule ids; the index is the rule's rank in tie-breaks (acronym rules first, then
    /// the rules of each file in sorted-filename order, in file order).
    pub(crate) rule_ids: Vec<String>,
    /// Where each rule is defined (`file:line`), for messages; empty for built-ins.
    pub(crate) rule_locs: Vec<String>,
    /// Every dictionary surface form (ASCII-lower-cased); slot `i` is `dict_slots[i]`.
    pub(crate) dict_trie: trie::Trie,
    /// Rejects most positions where no dictionary term can start, before the trie is walked.
    pub(crate) dict_prefilter: Prefilter,
    /// For each trie slot, the entries (best first) sharing that surface form.
    pub(crate) dict_slots: Vec<Vec<u32>>,
    pub(crate) dict_entries: Vec<DictEntry>,
    /// Lower-cased surface form → entry index, for typing acronym long forms.
    pub(crate) dict_lookup: crate::hash::FastMap<String, u32>,
    pub(crate) patterns: Vec<PatternRule>,
    /// The chunker's noun-phrase rules, in file order.
    pub(crate) phrases: Vec<PhraseRule>,
    /// Every phrase head and its plural forms → (index into `phrases`, whether the form is
    /// a plural): one lookup per word finds all rules a word is a head of.
    pub(crate) phrase_heads: compile::HeadIndex,
    /// The types' acronym heads ([`compile::TypeInfo::heads`]) by their last word, as
    /// (type index, head index) in type and file order.
    pub(crate) heads_by_last: crate::hash::FastMap<String, Vec<(u32, u32)>>,
    /// The patterns' trigger words, all found in one pass over a field.
    pub(crate) trigger_ac: Option<triggers::Triggers>,
    /// For each trigger word, the patterns it enables.
    pub(crate) trigger_map: Vec<Vec<u32>>,
    /// Patterns without triggers: always run.
    pub(crate) untriggered: Vec<u32>,
    /// Names of broad research fields (`[entity] broad`), in file order.
    pub(crate) broad: Vec<String>,
}

impl RuleSet {
    /// Names the rule files list as broad research fields (`[entity] broad = [...]`):
    /// entities that go with almost everything in their area, which `related` ranks
    /// below specific ones.
    pub fn broad_names(&self) -> &[String] {
        &self.broad
    }

    /// The entity types, in the order their files sort in (which is also their priority when
    /// two types claim the same text).
    pub fn entity_types(&self) -> &[EntityType] {
        &self.types
    }

    /// Every rule id (built-in acronym rules first, then in file order), e.g. to list them in
    /// `paperkg rules check` or to validate rule ids quoted in evaluation reports.
    pub fn rule_ids(&self) -> &[String] {
        &self.rule_ids
    }

    /// Where a rule is defined as `file:line` (`None` for unknown ids, `Some("")` for the
    /// built-in acronym rules), so that reports can point users at the rule to edit.
    pub fn rule_location(&self, id: &str) -> Option<&str> {
        let i = self.rule_ids.iter().position(|r| r == id)?;
        Some(&self.rule_locs[i])
    }

    /// Number of dictionary surface forms (terms and aliases of all types);
    /// useful as a sanity figure in `paperkg rules check`.
    pub fn dictionary_size(&self) -> usize {
        self.dict_entries.len()
    }

    /// Number of compiled regex patterns.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// The index of an entity type by name.
    pub fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.name == name)
    }
}

/// Why a rule or list file could not be read as text.
pub(crate) enum TextError {
    Io(std::io::Error),
    /// Not UTF-8: a diagnostic at the line of the first bad byte.
    Utf8(Diagnostic),
}

/// Reads a rule or list file as UTF-8 text; a bad byte is reported at its line and column.
pub(crate) fn read_text(path: &Path) -> Result<String, TextError> {
    let bytes = std::fs::read(path).map_err(TextError::Io)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let col = at
            - bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        TextError::Utf8(Diagnostic {
            file: path.to_path_buf(),
            line,
            message: format!(
                "not valid UTF-8 (byte 0x{:02X} at column {col}); save the file as UTF-8",
                bytes[at]
            ),
        })
    })
}

/// Loads and compiles every `*.toml` rule file in `dir`, in sorted filename order.
///
/// Every file is parsed and validated before returning, so a [`RulesError::Invalid`] carries
/// the diagnostics of all files at once (this is what `paperkg rules check` prints).
pub fn load_dir(dir: &Path) -> Result<RuleSet, RulesError> {
    let (rules, diags) = check_dir(dir)?;
    match rules {
        Some(r) if diags.is_empty() => Ok(r),
        _ => Err(RulesError::Invalid(diags)),
    }
}

/// Like [`load_dir`], but returns the diagnostics next to the rule set instead of failing:
/// the rule set is `Some` only when there are no diagnostics. I/O problems with the
/// directory itself and an empty directory are still errors.
pub fn check_dir(dir: &Path) -> Result<(Option<RuleSet>, Vec<Diagnostic>), RulesError> {
    let rd = std::fs::read_dir(dir).map_err(|source| RulesError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|source| RulesError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
            files.push(p);
        }
    }
    if files.is_empty() {
        return Err(RulesError::Empty(dir.to_path_buf()));
    }
    files.sort();
    let mut diags = Vec::new();
    let mut raws = Vec::new();
    for path in files {
        let src = match read_text(&path) {
            Ok(src) => src,
            Err(TextError::Io(source)) => return Err(RulesError::Io { path, source }),
            Err(TextError::Utf8(d)) => {
                diags.push(d);
                continue;
            }
        };
        if let Some(raw) = spec::parse_file(&path, src, &mut diags) {
            raws.push(raw);
        }
    }
    let rules = compile::compile(dir, &raws, &mut diags);
    if diags.is_empty() {
        Ok((rules, diags))
    } else {
        Ok((None, diags))
    }
}
