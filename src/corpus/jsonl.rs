//! JSON Lines: one object per line, read line by line into one reused byte buffer.
//!
//! Blank lines (only whitespace) are not records and are skipped. Every other line is a
//! paper or a reject: invalid UTF-8 (with the 1-based byte position in the line), invalid
//! JSON (with serde's message), not an object, or a missing/empty/mistyped field.

use super::fields::{json_record, KeyTable};
use super::{read_failure, Item, Record, Reject};
use std::io::BufRead;

pub struct JsonlReader {
    name: String,
    gzip: bool,
    reader: Box<dyn BufRead + Send>,
    table: KeyTable,
    buf: Vec<u8>,
    line: u64,
    done: bool,
}

impl JsonlReader {
    pub fn new(name: String, gzip: bool, reader: Box<dyn BufRead + Send>, table: KeyTable) -> Self {
        JsonlReader {
            name,
            gzip,
            reader,
            table,
            buf: Vec::with_capacity(1 << 16),
            line: 0,
            done: false,
        }
    }
}

impl Iterator for JsonlReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.line += 1;
                    let mut bytes = self.buf.as_slice();
                    if let Some(b) = bytes.strip_suffix(b"\n") {
                        bytes = b;
                    }
                    if let Some(b) = bytes.strip_suffix(b"\r") {
                        bytes = b;
                    }
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let result = match std::str::from_utf8(bytes) {
                        Ok(text) => json_record(&self.table, text, &self.name, self.line),
                        Err(e) => Err(format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1)),
                    };
                    return Some(Ok(match result {
                        Ok(paper) => Record::Paper(paper),
                        Err(reason) => Record::Reject(Reject {
                            file: self.name.clone(),
                            line: self.line,
                            reason,
                        }),
                    }));
                }
                Err(e) => {
                    self.done = true;
                    return Some(read_failure(&self.name, self.gzip, self.line + 1, e));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::FieldMap;

    fn read(bytes: &[u8]) -> Vec<Record> {
        let reader = Box::new(std::io::Cursor::new(bytes.to_vec()));
        JsonlReader::new(
            "t.jsonl".into(),
            false,
            reader,
            KeyTable::new(&FieldMap::default()),
        )
        .map(|r| r.unwrap())
        .collect()
    }

    fn summary(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| match r {
                Record::Paper(p) => format!("{} paper {}", p.source.line, p.title),
                Record::Reject(j) => format!("{} reject {}", j.line, j.reason),
            })
            .collect()
    }

    #[test]
    fn lines_blank_crlf_and_bad_utf8() {
        let mut input = b"{\"title\":\"A\",\"abstract\":\"x\"}\r\n\r\n   \n".to_vec();
        input.extend_from_slice(b"{\"title\":\"B\xff\",\"abstract\":\"x\"}\n");
        input.extend_from_slice(b"not json\n");
        input.extend_from_slice(b"{\"title\":\"C\",\"abstract\":\"y\\r\"}"); // no final newline
        let got = summary(&read(&input));
        assert_eq!(
            got,
            [
                "1 paper A",
                "4 reject invalid UTF-8 at byte 12",
                "5 reject invalid JSON: expected ident at line 1 column 2",
                "6 paper C",
            ]
        );
        let recs = read(&input);
        let Record::Paper(c) = &recs[3] else { panic!() };
        assert_eq!(
            c.abstract_text, "y\r",
            "an escaped \\r inside the string is content"
        );
    }

    #[test]
    fn empty_input() {
        assert!(read(b"").is_empty());
        assert!(read(b"\n\n").is_empty());
    }
}
