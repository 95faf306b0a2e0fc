//! Scoring extraction against external gold annotations (`paperkg eval`).
//!
//! Four public gold sets are supported, each read by its own loader in [`gold`] into one
//! neutral shape, [`GoldDoc`]: a text plus typed spans (Unicode code-point offsets, end
//! exclusive, already mapped to paperkg's entity types) and/or acronym pairs. [`evaluate`]
//! runs the real extractor on every gold text (as the abstract of a paper with an empty
//! title) and [`score`]s the result; the scorer itself is a pure function so it can be
//! tested on hand-made cases.
//!
//! Type mapping (gold label → paperkg type; labels not listed are ignored entirely, both for
//! per-type and for "any entity" scores):
//!
//! | format | method | dataset | material | task |
//! |---|---|---|---|---|
//! | `scierc` | Method | — | Material (predicted `material` and `dataset`) | Task (predicted `task` and `concept`) |
//! | `tdmsci` | — | DATASET | — | TASK |
//! | `gsap` (layer `flat_base`) | Method, MLModel, ModelArchitecture (predicted `method` and `concept`) | Dataset | — | Task |
//! | `sdu` | acronym (short, long) pairs only, no typed spans | | | |
//!
//! SciERC's Material covers any data a paper works on, named ("Penn Treebank") or not
//! ("parallel corpora", "English"), so both paperkg types count for it
//! ([`GoldFormat::also_scored_as`]). TDMSci and GSAP-NER mark named datasets only: their
//! dataset gold is scored against `dataset` predictions alone, and `material` predictions
//! are not scored there (neither true nor false positives). Likewise SciERC's Task covers
//! learning paradigms and fields too ("semi-supervised learning", "natural language
//! processing"), so `task` and `concept` predictions both count for it. TDMSci and GSAP-NER
//! mark research tasks only: TDMSci does not score `concept` predictions at all, and GSAP-NER
//! marks training techniques and paradigms ("knowledge distillation", "fine-tuning",
//! "transfer learning") as Method, so there `concept` predictions count as `method`.
//!
//! See [`score`] for the matching rules and [`EvalReport`] for the JSON shape.

pub mod gold;
pub mod score;

pub use gold::{load_gold, GoldDoc, GoldSpan};
pub use score::{score, score_in, Counts, EvalReport, MatchScores, Scope};

use crate::corpus::{Paper, SourcePos};
use crate::extract::extract_batch;
use crate::rules::RuleSet;
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// The annotation format of a gold file, chosen with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GoldFormat {
    /// SciERC JSON Lines: document-level token spans, end inclusive. Method → method,
    /// Material → material or dataset, Task → task or concept.
    Scierc,
    /// TDMSci CoNLL: token, offset, BIO label; one document per sentence. DATASET → dataset,
    /// TASK → task.
    Tdmsci,
    /// SDU@AAAI-21 acronym identification: tokens with BIO short/long labels.
    Sdu,
    /// GSAP-NER paragraphs JSON Lines with code-point spans (layer `flat_base`). Method,
    /// MLModel, ModelArchitecture → method or concept, Dataset → dataset, Task → task.
    Gsap,
}

impl GoldFormat {
    /// The name used on the command line and in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            GoldFormat::Scierc => "scierc",
            GoldFormat::Tdmsci => "tdmsci",
            GoldFormat::Sdu => "sdu",
            GoldFormat::Gsap => "gsap",
        }
    }

    /// The paperkg entity types this format's gold labels map to: only predictions of these
    /// types are scored (a TDMSci run ignores `method` predictions instead of counting them
    /// as false positives, since TDMSci never annotates methods).
    pub fn mapped_types(self) -> &'static [&'static str] {
        match self {
            GoldFormat::Scierc => &["material", "method", "task"],
            GoldFormat::Gsap => &["dataset", "method", "task"],
            GoldFormat::Tdmsci => &["dataset", "task"],
            GoldFormat::Sdu => &[],
        }
    }

    /// Predicted types scored as another (mapped) type: `(predicted, scored as)`. SciERC
    /// Material is any data, so a predicted `dataset` counts as `material` there; SciERC Task
    /// includes paradigms and fields, so a predicted `concept` counts as `task`; GSAP-NER
    /// Method includes training techniques, so a predicted `concept` counts as `method`.
    pub fn also_scored_as(self) -> &'static [(&'static str, &'static str)] {
        match self {
            GoldFormat::Scierc => &[("concept", "task"), ("dataset", "material")],
            GoldFormat::Gsap => &[("concept", "method")],
            _ => &[],
        }
    }

    /// Maps a gold label of this format to a paperkg entity type; `None` for labels that
    /// are not scored (e.g. SciERC `Metric`, TDMSci `METRIC`, GSAP `Datasource`).
    pub fn map_label(self, label: &str) -> Option<&'static str> {
        match (self, label) {
            (GoldFormat::Scierc, "Method") => Some("method"),
            (GoldFormat::Scierc, "Material") => Some("material"),
            (GoldFormat::Scierc, "Task") => Some("task"),
            (GoldFormat::Tdmsci, "DATASET") => Some("dataset"),
            (GoldFormat::Tdmsci, "TASK") => Some("task"),
            (GoldFormat::Gsap, "Method" | "MLModel" | "ModelArchitecture") => Some("method"),
            (GoldFormat::Gsap, "Dataset") => Some("dataset"),
            (GoldFormat::Gsap, "Task") => Some("task"),
            _ => None,
        }
    }
}

impl fmt::Display for GoldFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a gold file could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The file could not be opened or read.
    #[error("cannot read gold file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but does not follow the expected format; `line` is 1-based
    /// (0 when the position is unknown).
    #[error("{path}:{line}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Loads `gold` in `format`, extracts every gold text with `rules` (as the abstract of a
/// paper with an empty title, id = the gold document id) and scores the result against
/// the gold, restricted to the format's [`GoldFormat::mapped_types`].
pub fn evaluate(rules: &RuleSet, gold: &Path, format: GoldFormat) -> Result<EvalReport, EvalError> {
    let docs = load_gold(gold, format)?;
    let papers: Vec<Paper> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Paper::new(
                d.id.clone(),
                String::new(),
                d.text.clone(),
                SourcePos {
                    file: gold.display().to_string(),
                    line: i as u64 + 1,
                },
            )
        })
        .collect();
    let predicted = extract_batch(rules, &papers);
    let mut report = score_in(&Scope::for_format(format), &docs, &predicted);
    report.format = Some(format);
    Ok(report)
}
