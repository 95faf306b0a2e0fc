//! Per-paper extraction: a pure function of the compiled rules and one paper.
//!
//! The [`Extraction`] it returns is also the `paperkg extract` JSON Lines contract that other
//! tools read, so its serialized shape is fixed.

use crate::corpus::Paper;
use crate::rules::RuleSet;
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

/// Extracts the mentions and acronym definitions of one paper.
pub fn extract(rules: &RuleSet, paper: &Paper) -> Extraction {
    let _ = rules;
    Extraction {
        id: paper.id.clone(),
        title: paper.title.clone(),
        mentions: Vec::new(),
        acronyms: Vec::new(),
    }
}

/// Extracts a batch of papers in parallel, keeping their order.
pub fn extract_batch(rules: &RuleSet, papers: &[Paper]) -> Vec<Extraction> {
    papers.par_iter().map(|p| extract(rules, p)).collect()
}
