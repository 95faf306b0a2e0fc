//! Reading paper records from the formats people have, as a stream.
//!
//! Every input record ends either as a [`Paper`] or as a [`Reject`] with its file, line and
//! reason: nothing is dropped silently. The stage knows nothing about entities.
//!
//! # Reading
//! - Inputs are paths or `-` for standard input (shown as `<stdin>`). Everything streams
//!   through buffered readers, record by record; no file is ever held in memory whole.
//! - gzip is decompressed transparently (`.gz` extension or the gzip magic bytes; multi-member
//!   streams are read whole). A UTF-8 BOM at the start is skipped.
//! - The format is [`ReadOptions::format`] if set, else the extension after `.gz`
//!   (`.txt` page, `.jsonl`/`.ndjson`, `.json` – JSON Lines when it starts with `{` –, `.csv`,
//!   `.tsv`/`.tab`), else sniffed from the content: `[` JSON array, `{` JSON Lines, a first
//!   line with tabs TSV, with commas and a title column CSV, otherwise the page format.
//!   Per-format details are in the private modules `page`, `jsonl`, `json`, `table`, `fields`.
//! - Titles are trimmed and every whitespace run in them (newlines included) becomes one
//!   space. Abstracts are kept exactly as read (the extractor's offsets point into them); only
//!   line ends that belong to the file's line structure are normalised (`\r\n` → `\n` in page
//!   paragraphs and in multi-line CSV fields; `\r` escaped inside a JSON string is content).
//!
//! # Errors
//! - [`read_inputs`] checks **all inputs up front**: each one is opened, its format detected
//!   and (CSV/TSV) its header checked for a title and an abstract column, so a typo in the
//!   third file name fails before any work starts. Files are then closed and reopened one
//!   at a time while streaming, so thousands of inputs never hold thousands of descriptors.
//!   Standard input is opened once and kept.
//! - Missing files, directories, unreadable files and failed reads of plain files are fatal
//!   ([`CorpusError::Io`] / [`CorpusError::Input`]) and end the stream.
//! - A gzip stream that is truncated or corrupt ends *that file* with a reject on the line
//!   after the last complete one (`"gzip stream is truncated or corrupt: …"`); what was read
//!   before stays valid and the next file is read.
//! - A file starting with a UTF-16 byte-order mark is a fatal [`CorpusError::Input`] (with
//!   how to convert it), found up front like the errors above.
//! - A record whose title or abstract contains a NUL character is a reject (binary data or
//!   UTF-16 read as UTF-8; XML and DOT outputs could not carry it anyway).
//! - Reject reasons quote at most 100 characters of the record's text (`…` when cut).
//! - With [`ReadOptions::strict`] the first reject ends the stream as [`CorpusError::Strict`].
//!
//! # Ids
//! The source id where the record has one (a JSON number id is taken in its decimal form),
//! else [`slug`] of the title. Ids are unique over the whole stream: a later record with a
//! taken id gets `<id>~2`, `<id>~3`, … and [`Paper::duplicate_of`] (see [`ids`]).

mod fields;
pub mod ids;
mod input;
mod json;
mod jsonl;
mod page;
mod table;

pub use ids::{slug, IdAssigner};

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

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

impl Paper {
    /// A paper with no metadata beyond its text: what a program that builds its own papers
    /// (and the tests) hands to extraction.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        abstract_text: impl Into<String>,
        source: SourcePos,
    ) -> Paper {
        Paper {
            id: id.into(),
            title: title.into(),
            abstract_text: abstract_text.into(),
            source,
            categories: Vec::new(),
            authors: Vec::new(),
            year: None,
            duplicate_of: None,
        }
    }
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
                "anthology_id".into(),
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
    /// Leave the categories, authors and year of the papers empty: their fields are still
    /// parsed and checked (the same records are read and rejected), but not turned into
    /// values. For `paperkg extract`, whose output has none of them.
    pub skip_metadata: bool,
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
///
/// All inputs are checked before this returns (see the module docs), so errors such as a
/// missing file or a CSV without a title column come back here rather than mid-stream.
pub fn read_inputs(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Records, CorpusError> {
    let mut pending = VecDeque::with_capacity(inputs.len());
    let mut stdin_used = false;
    let bytes = Arc::new(AtomicU64::new(0));
    let mut total_bytes = Some(0u64);
    for path in inputs {
        let stdin = input::is_stdin(path);
        // Standard input is read from here on, so its bytes count now; files are reopened.
        let counter = stdin.then(|| bytes.clone());
        let opened = input::open(path, opts.format, &opts.fields, counter)?;
        total_bytes = match (total_bytes, stdin) {
            (Some(t), false) => std::fs::metadata(path).ok().map(|m| t + m.len()),
            _ => None,
        };
        let format = opened.format;
        let reader = reader_for(opened, opts)?;
        if input::is_stdin(path) {
            if stdin_used {
                return Err(CorpusError::Input {
                    file: "<stdin>".into(),
                    reason: "standard input ('-') is given more than once".into(),
                });
            }
            stdin_used = true;
            pending.push_back(Pending::Ready(reader));
        } else {
            pending.push_back(Pending::Path(path.clone(), format));
        }
    }
    Ok(Records {
        inner: Box::new(Stream {
            pending,
            current: None,
            opts: opts.clone(),
            ids: IdAssigner::new(),
            done: false,
            bytes: bytes.clone(),
        }),
        bytes,
        total_bytes,
    })
}

/// The stream of records returned by [`read_inputs`]; an `Err` item ends the stream.
pub struct Records {
    inner: Box<dyn Iterator<Item = Result<Record, CorpusError>> + Send>,
    bytes: Arc<AtomicU64>,
    total_bytes: Option<u64>,
}

impl Records {
    /// A counter of the raw input bytes read so far (compressed bytes for gzip input),
    /// shared with the stream so it can be watched from another thread while reading.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }

    /// The total size of the inputs in bytes, when known (not for standard input).
    pub fn total_bytes(&self) -> Option<u64> {
        self.total_bytes
    }
}

impl Iterator for Records {
    type Item = Result<Record, CorpusError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

/// One item of a per-file reader (ids not assigned yet: an empty id means "use the slug").
pub(crate) type Item = Result<Record, CorpusError>;

type FileReader = Box<dyn Iterator<Item = Item> + Send>;

/// What to do with a read error in the middle of a file: for gzip input a reject that ends
/// the file (the decoder failed: truncated or corrupt), otherwise a fatal I/O error.
pub(crate) fn read_failure(file: &str, gzip: bool, line: u64, e: io::Error) -> Item {
    if gzip {
        Ok(Record::Reject(Reject {
            file: file.to_string(),
            line,
            reason: format!("gzip stream is truncated or corrupt: {e}"),
        }))
    } else {
        Err(CorpusError::Io {
            file: file.to_string(),
            source: e,
        })
    }
}

fn reader_for(opened: input::Opened, opts: &ReadOptions) -> Result<FileReader, CorpusError> {
    let input::Opened {
        name,
        format,
        gzip,
        reader,
        early_error,
    } = opened;
    if let Some(e) = early_error {
        return Ok(Box::new(std::iter::once(read_failure(&name, gzip, 1, e))));
    }
    let mut table = fields::KeyTable::new(&opts.fields);
    if opts.skip_metadata {
        table = table.without_metadata();
    }
    Ok(match format {
        InputFormat::Page => Box::new(page::PageReader::new(name, gzip, reader)),
        InputFormat::Jsonl => Box::new(jsonl::JsonlReader::new(name, gzip, reader, table)),
        InputFormat::Json => Box::new(json::JsonArrayReader::new(name, gzip, reader, table)),
        InputFormat::Csv => Box::new(table::TableReader::new(name, gzip, reader, table, b',')?),
        InputFormat::Tsv => Box::new(table::TableReader::new(name, gzip, reader, table, b'\t')?),
    })
}

/// A paper whose title or abstract holds a NUL character becomes a reject: NUL is never
/// text (it comes from binary data or a UTF-16 file read as UTF-8) and several export
/// formats cannot carry it (XML, DOT, C-string consumers), so it is stopped here, visibly.
fn reject_nul(record: Record) -> Record {
    match record {
        Record::Paper(p) if p.title.contains('\0') || p.abstract_text.contains('\0') => {
            let field = if p.title.contains('\0') {
                "title"
            } else {
                "abstract"
            };
            Record::Reject(Reject {
                file: p.source.file,
                line: p.source.line,
                reason: format!("NUL character in the {field} (binary data, or a UTF-16 file?)"),
            })
        }
        other => other,
    }
}

/// At most [`EXCERPT_CHARS`] characters of `text` for a reject reason, with `…` when cut,
/// so that a runaway line (a 20 MB "title") does not end up whole in `rejects.jsonl`.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Longest text quoted in a reject reason.
pub(crate) const EXCERPT_CHARS: usize = 100;

enum Pending {
    /// A file checked up front, reopened when its turn comes, with the format found then.
    Path(PathBuf, InputFormat),
    /// Standard input, opened once.
    Ready(FileReader),
}

struct Stream {
    pending: VecDeque<Pending>,
    current: Option<FileReader>,
    opts: ReadOptions,
    ids: IdAssigner,
    done: bool,
    bytes: Arc<AtomicU64>,
}

impl Stream {
    fn open_next(&mut self) -> Option<Result<FileReader, CorpusError>> {
        Some(match self.pending.pop_front()? {
            Pending::Ready(r) => Ok(r),
            Pending::Path(path, format) => input::open(
                &path,
                Some(format),
                &self.opts.fields,
                Some(self.bytes.clone()),
            )
            .and_then(|opened| reader_for(opened, &self.opts)),
        })
    }
}

impl Iterator for Stream {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            let Some(current) = self.current.as_mut() else {
                match self.open_next() {
                    Some(Ok(r)) => self.current = Some(r),
                    Some(Err(e)) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                    None => self.done = true,
                }
                continue;
            };
            match current.next().map(|item| item.map(reject_nul)) {
                None => self.current = None,
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Some(Ok(Record::Reject(r))) => {
                    if self.opts.strict {
                        self.done = true;
                        return Some(Err(CorpusError::Strict {
                            file: r.file,
                            line: r.line,
                            reason: r.reason,
                        }));
                    }
                    return Some(Ok(Record::Reject(r)));
                }
                Some(Ok(Record::Paper(mut p))) => {
                    let wanted = if p.id.is_empty() {
                        slug(&p.title)
                    } else {
                        std::mem::take(&mut p.id)
                    };
                    let (id, duplicate_of) = self.ids.assign(wanted);
                    p.id = id;
                    p.duplicate_of = duplicate_of;
                    return Some(Ok(Record::Paper(p)));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_cut_at_a_character_boundary() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(EXCERPT_CHARS + 5);
        assert_eq!(excerpt(&long), format!("{}…", "é".repeat(EXCERPT_CHARS)));
        assert_eq!(
            excerpt(&"x".repeat(EXCERPT_CHARS)),
            "x".repeat(EXCERPT_CHARS)
        );
    }

    #[test]
    fn nul_text_becomes_a_reject_at_the_paper_line() {
        let paper = |title: &str, abs: &str| {
            Record::Paper(Paper {
                id: "a".into(),
                title: title.into(),
                abstract_text: abs.into(),
                source: SourcePos {
                    file: "f.csv".into(),
                    line: 7,
                },
                categories: vec![],
                authors: vec![],
                year: None,
                duplicate_of: None,
            })
        };
        let reject = |reason: &str| {
            Record::Reject(Reject {
                file: "f.csv".into(),
                line: 7,
                reason: reason.into(),
            })
        };
        assert_eq!(
            reject_nul(paper("T\0", "a\0")),
            reject("NUL character in the title (binary data, or a UTF-16 file?)")
        );
        assert_eq!(
            reject_nul(paper("T", "a\0")),
            reject("NUL character in the abstract (binary data, or a UTF-16 file?)")
        );
        assert_eq!(reject_nul(paper("T", "a\u{1}")), paper("T", "a\u{1}"));
    }
}
