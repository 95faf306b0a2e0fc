//! A JSON array of objects, read element by element without holding the array in memory.
//!
//! A small scanner walks the bytes, tracking strings/escapes and bracket depth, and cuts out
//! one top-level element at a time into a reused buffer, which is then parsed like a JSON
//! Lines record. This keeps memory bounded by the largest element, gives the exact line on
//! which each element starts, and lets one malformed element become a reject while the
//! following elements are still read (as long as the brackets and quotes stay balanced).
//! Structural problems of the array itself (not an array, not closed, data after `]`)
//! end the file with a reject.

use super::fields::{json_record, KeyTable};
use super::{read_failure, Item, Record, Reject};
use std::io::{self, BufRead};

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Elements {
        first: bool,
    },
    Trailer,
    /// The input ended inside the array after a complete element.
    Unclosed,
    Done,
}

pub struct JsonArrayReader {
    name: String,
    gzip: bool,
    reader: Box<dyn BufRead + Send>,
    table: KeyTable,
    elem: Vec<u8>,
    line: u64,
    state: State,
}

enum Scan {
    Comma,
    Close,
    Eof,
}

impl JsonArrayReader {
    pub fn new(name: String, gzip: bool, reader: Box<dyn BufRead + Send>, table: KeyTable) -> Self {
        JsonArrayReader {
            name,
            gzip,
            reader,
            table,
            elem: Vec::with_capacity(1 << 14),
            line: 1,
            state: State::Start,
        }
    }

    fn reject(&self, line: u64, reason: impl Into<String>) -> Item {
        Ok(Record::Reject(Reject {
            file: self.name.clone(),
            line,
            reason: reason.into(),
        }))
    }

    /// Skips whitespace and returns the next byte without consuming it.
    fn peek_non_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut n = 0;
            for &b in buf {
                if !b.is_ascii_whitespace() {
                    break;
                }
                if b == b'\n' {
                    self.line += 1;
                }
                n += 1;
            }
            let found = buf.get(n).copied();
            self.reader.consume(n);
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    /// Copies one element into `self.elem`, up to (not including) the `,` or `]` that ends
    /// it at depth 0, which is consumed.
    fn scan_element(&mut self) -> io::Result<Scan> {
        let mut depth: u32 = 0;
        let mut in_str = false;
        let mut escaped = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(Scan::Eof);
            }
            let mut end = None;
            for (i, &b) in buf.iter().enumerate() {
                if b == b'\n' {
                    self.line += 1;
                }
                if in_str {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_str = false;
                    }
                    continue;
                }
                match b {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' if depth == 0 => {
                        end = Some((i, Scan::Comma));
                        break;
                    }
                    b']' if depth == 0 => {
                        end = Some((i, Scan::Close));
                        break;
                    }
                    _ => {}
                }
            }
            match end {
                Some((i, how)) => {
                    self.elem.extend_from_slice(&buf[..i]);
                    self.reader.consume(i + 1);
                    return Ok(how);
                }
                None => {
                    let n = buf.len();
                    self.elem.extend_from_slice(buf);
                    self.reader.consume(n);
                }
            }
        }
    }

    fn step(&mut self) -> io::Result<Option<Item>> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => match self.peek_non_ws()? {
                    None => {
                        self.state = State::Done;
                        return Ok(None);
                    }
                    Some(b'[') => {
                        self.reader.consume(1);
                        self.state = State::Elements { first: true };
                    }
                    Some(other) => {
                        self.state = State::Done;
                        let what = if other == b'{' {
                            "an object (JSON Lines? use --format jsonl)".to_string()
                        } else {
                            if other.is_ascii_graphic() {
                                format!("'{}'", other as char)
                            } else {
                                format!("byte 0x{other:02x}")
                            }
                        };
                        return Ok(Some(self.reject(
                            self.line,
                            format!("expected a JSON array, found {what}"),
                        )));
                    }
                },
                State::Elements { first } => {
                    let Some(b) = self.peek_non_ws()? else {
                        self.state = State::Done;
                        return Ok(Some(self.reject(
                            self.line,
                            "unexpected end of input: the JSON array is not closed",
                        )));
                    };
                    if first && b == b']' {
                        self.reader.consume(1);
                        self.state = State::Trailer;
                        continue;
                    }
                    let start = self.line;
                    self.elem.clear();
                    let how = self.scan_element()?;
                    self.state = match how {
                        Scan::Comma => State::Elements { first: false },
                        Scan::Close => State::Trailer,
                        Scan::Eof => {
                            let complete = std::str::from_utf8(&self.elem).is_ok_and(|t| {
                                serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok()
                            });
                            if !complete {
                                self.state = State::Done;
                                return Ok(Some(self.reject(
                                    start,
                                    "unexpected end of input inside this array element \
                                     (the JSON array is not closed)",
                                )));
                            }
                            State::Unclosed
                        }
                    };
                    let text = self.elem.trim_ascii_end();
                    let result = if text.is_empty() {
                        Err("empty array element (an extra comma?)".to_string())
                    } else {
                        match std::str::from_utf8(text) {
                            Ok(text) => json_record(&self.table, text, &self.name, start),
                            Err(e) => Err(format!(
                                "invalid UTF-8 at byte {} of the element",
                                e.valid_up_to() + 1
                            )),
                        }
                    };
                    return Ok(Some(match result {
                        Ok(p) => Ok(Record::Paper(p)),
                        Err(reason) => self.reject(start, reason),
                    }));
                }
                State::Unclosed => {
                    self.state = State::Done;
                    return Ok(Some(self.reject(
                        self.line,
                        "unexpected end of input: the JSON array is not closed",
                    )));
                }
                State::Trailer => {
                    self.state = State::Done;
                    if self.peek_non_ws()?.is_some() {
                        return Ok(Some(self.reject(
                            self.line,
                            "unexpected data after the end of the JSON array",
                        )));
                    }
                    return Ok(None);
                }
            }
        }
    }
}

impl Iterator for JsonArrayReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        match self.step() {
            Ok(item) => item,
            Err(e) => {
                self.state = State::Done;
                Some(read_failure(&self.name, self.gzip, self.line, e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::FieldMap;

    fn read(text: &str) -> Vec<String> {
        let reader = Box::new(io::Cursor::new(text.as_bytes().to_vec()));
        JsonArrayReader::new(
            "a.json".into(),
            false,
            reader,
            KeyTable::new(&FieldMap::default()),
        )
        .map(|r| match r.unwrap() {
            Record::Paper(p) => {
                format!("{} paper {} | {}", p.source.line, p.title, p.abstract_text)
            }
            Record::Reject(j) => format!("{} reject {}", j.line, j.reason),
        })
        .collect()
    }

    #[test]
    fn arrays() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("  []  \n", &[]),
            (
                "[\n {\"title\": \"A\", \"abstract\": \"x, [y] {z} \\\"q\\\" ]\"},\n\n {\"title\": \"B\",\n \"abstract\": \"w\"}\n]\n",
                &["2 paper A | x, [y] {z} \"q\" ]", "4 paper B | w"],
            ),
            (
                "[{\"title\": 1, \"abstract\": \"x\"}, 7, {\"title\": \"C\", \"abstract\": \"c\"}]",
                &[
                    "1 reject field 'title' is a number, expected a string",
                    "1 reject expected a JSON object, found a number",
                    "1 paper C | c",
                ],
            ),
            (
                "[{\"title\": \"A\", \"abstract\": \"x\"},\n{\"title\": \"B\" \"abstract\": \"y\"},\n{\"title\": \"C\", \"abstract\": \"z\"},]",
                &[
                    "1 paper A | x",
                    "2 reject invalid JSON: expected `,` or `}` at line 1 column 15",
                    "3 paper C | z",
                    "3 reject empty array element (an extra comma?)",
                ],
            ),
            (
                "[{\"title\": \"A\", \"abstract\": \"x\"},\n{\"title\": \"B\", ",
                &[
                    "1 paper A | x",
                    "2 reject unexpected end of input inside this array element (the JSON array is not closed)",
                ],
            ),
            ("[{\"title\": \"A\", \"abstract\": \"x\"}\n", &["1 paper A | x", "2 reject unexpected end of input: the JSON array is not closed"]),
            ("[]\n{\"x\":1}", &["2 reject unexpected data after the end of the JSON array"]),
            ("\n\"str\"", &["2 reject expected a JSON array, found '\"'"]),
        ];
        for (text, want) in cases {
            assert_eq!(read(text), *want, "input {text:?}");
        }
    }
}
