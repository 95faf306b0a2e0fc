//! CSV and TSV with a header row, read row by row as byte records.
//!
//! - Columns are found by the [`FieldMap`](super::FieldMap) names, ignoring ASCII case and
//!   surrounding spaces; with duplicate header names the first column wins. A header without
//!   a title or abstract column is a fatal [`CorpusError::Input`] (found when the input is
//!   opened, so before any work starts).
//! - Both use the usual CSV quoting (`"…"`, doubled quotes inside), also for TSV, so the
//!   TSV written by pandas/Excel reads right. A `"` inside an unquoted field is kept
//!   literally. Quoted fields may span lines; the record's line is the line it starts on.
//!   Line breaks inside a field are normalised from CRLF to LF in the abstract.
//! - A row with a different number of fields than the header → reject
//!   `"row has N fields, header has M"`. A quoted field that is never closed swallows the
//!   rest of the input into one row: when the last row ends at end of input inside such a
//!   field it is rejected as an unterminated quote. (A quote left open and closed by an
//!   unrelated quote rows later cannot be told apart from a real multi-line field; it
//!   usually shows up as a wrong field count.)
//! - Invalid UTF-8 in a used column → reject with the column and byte position.
//! - Blank lines are not rows (skipped by the csv parser).

use super::fields::{to_paper, KeyTable, Role, Slots, Val};
use super::{read_failure, CorpusError, Item, Record, Reject};
use csv::ByteRecord;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

/// Watches the bytes going into the csv parser: the line number at which each line with
/// content starts (csv's own line count skips line breaks inside quoted fields and counts
/// a CRLF record's line end late, so it cannot be used for record lines), the last
/// non-whitespace byte, and whether the end of the input was reached.
struct LineTracker<R> {
    inner: R,
    offset: u64,
    line: u64,
    after_newline: bool,
    /// (byte offset, line) of line starts not yet claimed by a record.
    starts: VecDeque<(u64, u64)>,
    last: u8,
    eof: bool,
}

impl<R> LineTracker<R> {
    fn new(inner: R) -> Self {
        LineTracker {
            inner,
            offset: 0,
            line: 1,
            after_newline: true,
            starts: VecDeque::new(),
            last: 0,
            eof: false,
        }
    }

    /// The line of the first content line starting at or after byte `start` (a record
    /// begins after the previous record's terminator and any blank lines).
    fn line_at(&mut self, start: u64) -> u64 {
        while let Some(&(offset, line)) = self.starts.front() {
            if offset >= start {
                return line;
            }
            self.starts.pop_front();
        }
        self.line
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        for &b in &buf[..n] {
            if self.after_newline && b != b'\n' && b != b'\r' {
                self.starts.push_back((self.offset, self.line));
            }
            self.after_newline = b == b'\n';
            if b == b'\n' {
                self.line += 1;
            }
            if !b.is_ascii_whitespace() {
                self.last = b;
            }
            self.offset += 1;
        }
        Ok(n)
    }
}

type Source = LineTracker<Box<dyn BufRead + Send>>;

pub struct TableReader {
    name: String,
    gzip: bool,
    rdr: csv::Reader<Source>,
    table: KeyTable,
    /// Slot index for each column (None: column not used).
    cols: Vec<Option<usize>>,
    col_names: Vec<String>,
    record: ByteRecord,
    delimiter: u8,
    done: bool,
}

impl TableReader {
    /// Reads the header and maps the columns; fails when the title or abstract column is
    /// missing.
    pub fn new(
        name: String,
        gzip: bool,
        reader: Box<dyn BufRead + Send>,
        table: KeyTable,
        delimiter: u8,
    ) -> Result<Self, CorpusError> {
        let source = LineTracker::new(reader);
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .quoting(true)
            .double_quote(true)
            .from_reader(source);
        let header = match rdr.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(CorpusError::Input {
                    file: name,
                    reason: format!("cannot read the header row: {e}"),
                })
            }
        };
        let col_names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        let mut cols = Vec::with_capacity(col_names.len());
        let mut used = vec![false; table.len()];
        for h in &col_names {
            let slot = table.index_of_loose(h).filter(|&i| !used[i]);
            if let Some(i) = slot {
                used[i] = true;
            }
            cols.push(slot);
        }
        let empty = col_names.is_empty();
        if !empty {
            for (role, what) in [(Role::Title, "title"), (Role::Abstract, "abstract")] {
                let names = table.role_names(role);
                let found = names
                    .iter()
                    .any(|n| table.index_of(n).is_some_and(|i| used[i]));
                if !found {
                    return Err(CorpusError::Input {
                        file: name,
                        reason: format!(
                            "no {what} column (looked for {}); the header has: {}",
                            names.join(", "),
                            col_names.join(", ")
                        ),
                    });
                }
            }
        }
        Ok(TableReader {
            name,
            gzip,
            rdr,
            table,
            cols,
            col_names,
            record: ByteRecord::new(),
            delimiter,
            done: empty,
        })
    }

    fn reject(&self, line: u64, reason: String) -> Item {
        Ok(Record::Reject(Reject {
            file: self.name.clone(),
            line,
            reason,
        }))
    }

    fn row(&mut self) -> Item {
        let start = self.record.position().map_or(0, |p| p.byte());
        let line = self.rdr.get_mut().line_at(start);
        let rec = &self.record;
        let last = rec.get(rec.len().saturating_sub(1)).unwrap_or_default();
        let tracker = self.rdr.get_ref();
        let at_end = tracker.eof && self.rdr.position().byte() == tracker.offset;
        if at_end && last.contains(&b'\n') && tracker.last != b'"' {
            return self.reject(
                line,
                "unterminated quoted field: it runs from this row to the end of the input"
                    .to_string(),
            );
        }
        if rec.len() != self.cols.len() {
            let mut reason = format!(
                "row has {} fields, header has {}",
                rec.len(),
                self.cols.len()
            );
            let breaks: usize = rec
                .iter()
                .map(|f| f.iter().filter(|&&b| b == b'\n').count())
                .sum();
            if breaks > 0 {
                reason.push_str(&format!(
                    " (it runs over lines {line}-{}: an unbalanced quote?)",
                    line + breaks as u64
                ));
            }
            return self.reject(line, reason);
        }
        // An opened quote closed by another quote rows later merges those rows into one
        // field; in a short field (id, title, metadata) a line with a full row's worth of
        // delimiters gives it away. (Abstracts are not checked: prose has commas.)
        for (j, field) in rec.iter().enumerate() {
            let Some(slot) = self.cols[j] else { continue };
            if self.table.is_role(slot, Role::Abstract) || !field.contains(&b'\n') {
                continue;
            }
            let delims = self.cols.len().saturating_sub(1).max(1);
            let row_like = field
                .split(|&b| b == b'\n')
                .skip(1)
                .any(|l| l.iter().filter(|&&b| b == self.delimiter).count() >= delims);
            if row_like {
                let breaks = field.iter().filter(|&&b| b == b'\n').count() as u64;
                return self.reject(
                    line,
                    format!(
                        "column '{}' runs over lines {line}-{} and contains what look like \
                         rows: an unbalanced quote?",
                        self.col_names[j],
                        line + breaks
                    ),
                );
            }
        }
        let mut slots: Slots<'_> = vec![None; self.table.len()];
        for (j, field) in rec.iter().enumerate() {
            let Some(slot) = self.cols[j] else { continue };
            let text = match std::str::from_utf8(field) {
                Ok(t) => t,
                Err(e) => {
                    return self.reject(
                        line,
                        format!(
                            "invalid UTF-8 in column '{}' at byte {}",
                            self.col_names[j],
                            e.valid_up_to() + 1
                        ),
                    )
                }
            };
            let text = if text.contains("\r\n") {
                Cow::Owned(text.replace("\r\n", "\n"))
            } else {
                Cow::Borrowed(text)
            };
            slots[slot] = Some(Val::Str(text));
        }
        match to_paper(&self.table, slots, &self.name, line) {
            Ok(p) => Ok(Record::Paper(p)),
            Err(reason) => self.reject(line, reason),
        }
    }
}

impl Iterator for TableReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        match self.rdr.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => Some(self.row()),
            Err(e) => {
                let line = self.rdr.get_ref().line;
                match e.into_kind() {
                    csv::ErrorKind::Io(io) => {
                        self.done = true;
                        Some(read_failure(&self.name, self.gzip, line, io))
                    }
                    other => {
                        // Not expected with flexible byte records; report and stop rather
                        // than risk looping on the same error.
                        self.done = true;
                        Some(self.reject(line, format!("CSV error: {other:?}")))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::FieldMap;

    fn reader(text: &[u8], delim: u8) -> Result<TableReader, CorpusError> {
        TableReader::new(
            "t.csv".into(),
            false,
            Box::new(io::Cursor::new(text.to_vec())),
            KeyTable::new(&FieldMap::default()),
            delim,
        )
    }

    fn read(text: &[u8], delim: u8) -> Vec<String> {
        reader(text, delim)
            .unwrap()
            .map(|r| match r.unwrap() {
                Record::Paper(p) => {
                    format!(
                        "{} paper [{}] {} | {}",
                        p.source.line, p.id, p.title, p.abstract_text
                    )
                }
                Record::Reject(j) => format!("{} reject {}", j.line, j.reason),
            })
            .collect()
    }

    #[test]
    fn csv_rows() {
        let text = b"ID,Title,Abstract,extra\r\n\
            1,Plain,Simple abstract.,x\r\n\
            2,\"Multi\r\nline  title\",\"He said \"\"hi\"\".\r\nSecond line.\",y\r\n\
            \r\n\
            3,Short row\r\n\
            4,Stray \"quote, inside,z\r\n\
            5,Caf\xe9,bad utf8,z\r\n\
            ,No id,Has abstract.,\r\n";
        assert_eq!(
            read(text, b','),
            [
                "2 paper [1] Plain | Simple abstract.",
                "3 paper [2] Multi line title | He said \"hi\".\nSecond line.",
                "7 reject row has 2 fields, header has 4",
                "8 paper [4] Stray \"quote |  inside",
                "9 reject invalid UTF-8 in column 'Title' at byte 4",
                "10 paper [] No id | Has abstract.",
            ]
        );
    }

    #[test]
    fn unterminated_quote_at_end() {
        let text = b"title,abstract\nA,\"open quote\nB,b\nC,c\n";
        assert_eq!(
            read(text, b','),
            ["2 reject unterminated quoted field: it runs from this row to the end of the input"]
        );
        // A properly closed multi-line field at the very end is fine.
        let text = b"title,abstract\nA,\"two\nlines\"";
        assert_eq!(read(text, b','), ["2 paper [] A | two\nlines"]);
    }

    #[test]
    fn tsv_and_headers() {
        let text = b"paper_id\ttitle\tsummary\nx1\tT one\tAbs one.\n";
        assert_eq!(read(text, b'\t'), ["2 paper [x1] T one | Abs one."]);
        assert!(read(b"", b',').is_empty());
        let err = reader(b"id,name,abstract\n1,a,b\n", b',').err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv: no title column (looked for title); the header has: id, name, abstract"
        );
    }
}
