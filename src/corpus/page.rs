//! The plain-text "trending papers" page: some page chrome, then per paper a title line, a
//! blank line and an abstract paragraph.
//!
//! The text is cut into *blocks* (runs of non-blank lines) and each block is classified:
//!
//! - **abstract**: at least [`MIN_ABSTRACT_CHARS`] characters and 20 words, with at least two
//!   sentence ends (`.`, `!`, `?` followed by a space or the end) or more than
//!   [`MAX_TITLE_CHARS`] characters. A paragraph wrapped over several lines stays one block;
//!   its lines are joined with `\n`, so the text is exactly as read (minus line ends).
//! - otherwise a **short block**: each of its lines is checked against the chrome patterns
//!   (the page header lines, dates, "Subscribe", "new", "Upvote", counts and numbers,
//!   "by … and the research community", …) and chrome lines are dropped. Remaining lines
//!   that look like author lists ("A. Smith, B. Jones and C. Lee", "by …", "… et al.") are
//!   author candidates; other consecutive lines in one block are joined with a space (a
//!   title wrapped over two lines).
//!
//! When an abstract block arrives, the last non-author candidate before it is the title and
//! author lines between the two become the paper's authors. Candidates before the title
//! have no abstract: before the first paper they are page header (not records), after it
//! each becomes a reject "title without abstract". An abstract block directly following
//! another one (only blank lines between) continues the previous paper's abstract,
//! joined with a blank line; an abstract with no title before it at all is a reject.
//! At the end of the input, left-over candidates are rejects as well (also when the file
//! had no paper at all, so that a file of bare titles does not vanish silently).
//!
//! Titles have their whitespace collapsed; the record line is the title's line.
//!
//! A block longer than [`MAX_BLOCK_BYTES`] (a log or data file read as a page) keeps only
//! its first 4 MB in memory and becomes a reject (with its title, if it has one), so
//! memory stays bounded by that plus the longest line.

use super::fields::{collapse_ws, split_authors};
use super::{read_failure, Item, Paper, Record, Reject, SourcePos};
use regex::Regex;
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::OnceLock;

pub const MIN_ABSTRACT_CHARS: usize = 150;
pub const MAX_TITLE_CHARS: usize = 300;
const MIN_ABSTRACT_WORDS: usize = 20;
/// Most text one block (lines without a blank line between) keeps. A longer block is no
/// paper of a page (a log or a data file read as a page): its further lines are read and
/// dropped, and it becomes a reject, so memory stays bounded whatever the file.
pub const MAX_BLOCK_BYTES: usize = 4 << 20;

/// A line (or lines of one block joined) that might be a title or an author list.
#[derive(Debug)]
struct Unit {
    line: u64,
    text: String,
    authors: bool,
    bad_utf8: Option<String>,
}

#[derive(Debug)]
struct Block {
    start: u64,
    lines: Vec<String>,
    /// Why the block cannot become a paper (invalid UTF-8, too long), if it cannot.
    bad_utf8: Option<String>,
    bytes: usize,
}

pub struct PageReader {
    name: String,
    gzip: bool,
    reader: Box<dyn BufRead + Send>,
    buf: Vec<u8>,
    line: u64,
    eof: bool,
    /// Candidates (title or author lines) since the last abstract.
    pending: Vec<Unit>,
    /// The paper whose abstract may still continue, with a bad-UTF-8 note.
    open: Option<(Paper, Option<String>)>,
    seen_paper: bool,
    out: VecDeque<Item>,
}

impl PageReader {
    pub fn new(name: String, gzip: bool, reader: Box<dyn BufRead + Send>) -> Self {
        PageReader {
            name,
            gzip,
            reader,
            buf: Vec::with_capacity(1 << 14),
            line: 0,
            eof: false,
            pending: Vec::new(),
            open: None,
            seen_paper: false,
            out: VecDeque::new(),
        }
    }

    /// Reads the next block; `Ok(None)` at end of input.
    fn next_block(&mut self) -> std::io::Result<Option<Block>> {
        let mut block: Option<Block> = None;
        loop {
            self.buf.clear();
            if self.reader.read_until(b'\n', &mut self.buf)? == 0 {
                return Ok(block);
            }
            self.line += 1;
            let mut bytes = self.buf.as_slice();
            if let Some(b) = bytes.strip_suffix(b"\n") {
                bytes = b;
            }
            if let Some(b) = bytes.strip_suffix(b"\r") {
                bytes = b;
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                if block.is_some() {
                    return Ok(block);
                }
                continue;
            }
            let (text, bad) = match std::str::from_utf8(bytes) {
                Ok(t) => (t.to_string(), None),
                Err(e) => (
                    String::from_utf8_lossy(bytes).into_owned(),
                    Some(format!(
                        "invalid UTF-8 in line {} at byte {}",
                        self.line,
                        e.valid_up_to() + 1
                    )),
                ),
            };
            let b = block.get_or_insert_with(|| Block {
                start: self.line,
                lines: Vec::new(),
                bad_utf8: None,
                bytes: 0,
            });
            if b.bad_utf8.is_none() {
                b.bad_utf8 = bad;
            }
            if b.bytes > 0 && b.bytes + text.len() > MAX_BLOCK_BYTES {
                if b.bad_utf8.is_none() {
                    b.bad_utf8 = Some(format!(
                        "paragraph longer than {} MB without a blank line (not a page of \
                         papers? use --input-format for other formats)",
                        MAX_BLOCK_BYTES >> 20
                    ));
                }
                continue;
            }
            b.bytes += text.len();
            b.lines.push(text);
        }
    }

    fn reject(&self, line: u64, reason: impl Into<String>) -> Item {
        Ok(Record::Reject(Reject {
            file: self.name.clone(),
            line,
            reason: reason.into(),
        }))
    }

    fn close_open(&mut self) {
        if let Some((paper, bad)) = self.open.take() {
            let item = match bad {
                Some(reason) => self.reject(paper.source.line, reason),
                None => Ok(Record::Paper(paper)),
            };
            self.out.push_back(item);
        }
    }

    fn orphans(&mut self, units: Vec<Unit>) {
        for u in units {
            let item = self.reject(
                u.line,
                format!("title without abstract: {:?}", super::excerpt(&u.text)),
            );
            self.out.push_back(item);
        }
    }

    fn on_block(&mut self, block: Block) {
        if is_abstract(&block.lines) {
            self.on_abstract(block);
            return;
        }
        self.close_open();
        let mut current: Option<Unit> = None;
        for (i, line) in block.lines.iter().enumerate() {
            let text = line.trim();
            if is_chrome(text) {
                if let Some(u) = current.take() {
                    self.pending.push(u);
                }
                continue;
            }
            let authors = looks_like_authors(text);
            let line_no = block.start + i as u64;
            match &mut current {
                Some(u) if !authors && !u.authors => {
                    u.text.push(' ');
                    u.text.push_str(text);
                }
                _ => {
                    if let Some(u) = current.take() {
                        self.pending.push(u);
                    }
                    current = Some(Unit {
                        line: line_no,
                        text: text.to_string(),
                        authors,
                        bad_utf8: None,
                    });
                }
            }
            if let (Some(u), Some(bad)) = (&mut current, &block.bad_utf8) {
                if u.bad_utf8.is_none() {
                    u.bad_utf8 = Some(bad.clone());
                }
            }
        }
        if let Some(u) = current {
            self.pending.push(u);
        }
    }

    fn on_abstract(&mut self, block: Block) {
        let text = block.lines.join("\n");
        if self.pending.is_empty() {
            if let Some((paper, bad)) = &mut self.open {
                paper.abstract_text.push_str("\n\n");
                paper.abstract_text.push_str(&text);
                if bad.is_none() {
                    *bad = block.bad_utf8;
                }
            } else {
                let reason = match block.bad_utf8 {
                    Some(r) if r.starts_with("paragraph longer") => r,
                    _ => "paragraph without a title".to_string(),
                };
                let item = self.reject(block.start, reason);
                self.out.push_back(item);
            }
            return;
        }
        self.close_open();
        let mut units = std::mem::take(&mut self.pending);
        // The title is the last non-author candidate; if all look like authors, the first.
        let title_idx = units.iter().rposition(|u| !u.authors).unwrap_or_default();
        let after = units.split_off(title_idx + 1);
        let title = units.pop().expect("title candidate");
        if self.seen_paper {
            self.orphans(units);
        }
        let mut authors = Vec::new();
        let mut bad = title.bad_utf8.clone();
        for a in &after {
            let names = a
                .text
                .strip_prefix("by ")
                .or_else(|| a.text.strip_prefix("By "))
                .unwrap_or(&a.text);
            authors.extend(split_authors(names));
            if bad.is_none() {
                bad = a.bad_utf8.clone();
            }
        }
        if bad.is_none() {
            bad = block.bad_utf8;
        }
        self.seen_paper = true;
        let paper = Paper {
            id: String::new(),
            title: collapse_ws(&title.text),
            abstract_text: text,
            source: SourcePos {
                file: self.name.clone(),
                line: title.line,
            },
            categories: Vec::new(),
            authors,
            year: None,
            duplicate_of: None,
        };
        self.open = Some((paper, bad));
    }

    fn finish(&mut self) {
        self.close_open();
        let left = std::mem::take(&mut self.pending);
        self.orphans(left);
    }
}

impl Iterator for PageReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            if self.eof {
                return None;
            }
            match self.next_block() {
                Ok(Some(block)) => self.on_block(block),
                Ok(None) => {
                    self.eof = true;
                    self.finish();
                }
                Err(e) => {
                    self.eof = true;
                    // What was complete before the failure is still delivered.
                    self.close_open();
                    self.pending.clear();
                    let item = read_failure(&self.name, self.gzip, self.line + 1, e);
                    self.out.push_back(item);
                }
            }
        }
    }
}

/// Whether the block reads like an abstract paragraph (see the module docs).
pub fn is_abstract(lines: &[String]) -> bool {
    let chars: usize =
        lines.iter().map(|l| l.chars().count()).sum::<usize>() + lines.len().saturating_sub(1);
    if chars < MIN_ABSTRACT_CHARS {
        return false;
    }
    let words: usize = lines.iter().map(|l| l.split_whitespace().count()).sum();
    if words < MIN_ABSTRACT_WORDS {
        return false;
    }
    if chars > MAX_TITLE_CHARS {
        return true;
    }
    let mut ends = 0;
    for line in lines {
        let mut chars = line.trim_end().chars().peekable();
        while let Some(c) = chars.next() {
            if matches!(c, '.' | '!' | '?')
                && !matches!(chars.peek(), Some(n) if !n.is_whitespace())
            {
                ends += 1;
            }
        }
    }
    ends >= 2
}

fn chrome_patterns() -> &'static [Regex] {
    static RE: OnceLock<Vec<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        let month = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";
        let pats = [
            // Navigation and calls to action.
            r"^(?:new|subscribe|unsubscribe|upvote|upvoted|trending|trending papers|daily papers|papers|view all|show more|load more|see more|sign in|sign up|log in|login|submit|submit a paper|search|pdf|code|arxiv|github|paper page|hugging face|collections|models|datasets|spaces|community|discussion|share|bookmark|follow|previous|next|prev|page \d+|back to top|home|menu|abstract|authors?:?)$",
            r"^get trending papers\b.*$",
            r"^(?:get|receive|sign up for)\b.*\b(?:inbox|newsletter|e-?mail)\b.*$",
            r"^by.*\bresearch community\.?$",
            r"^submitted by\b.*$",
            // Dates: "Mar 14", "March 14, 2024", "14 Mar 2024", "2024-03-14", "Published on …".
            &format!(r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?{month}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?$"),
            &format!(r"^\d{{1,2}}\s+{month}(?:,?\s+\d{{4}})?$"),
            &format!(r"^{month}\s+\d{{4}}$"),
            r"^\d{4}-\d{2}-\d{2}$",
            r"^(?:published|submitted|updated|posted)\s+(?:on\s+)?.*\d.*$",
            // Counts and numbers: "123", "1.2k", "▲ 12", "12 upvotes", "· 3 authors".
            r"^[\s·•|▲△↑⬆+\-–—#]*\d[\d.,\s]*[km]?\s*(?:upvotes?|likes?|comments?|stars?|authors?|citations?|views?|papers?)?$",
            // Lines without any letter or digit (separators, bullets).
            r"^[^\p{L}\p{N}]*$",
        ];
        pats.iter()
            .map(|p| Regex::new(&format!("(?i){p}")).expect("chrome pattern"))
            .collect()
    })
}

/// Whether a (trimmed) line is page chrome rather than a title.
pub fn is_chrome(line: &str) -> bool {
    line.is_empty() || chrome_patterns().iter().any(|re| re.is_match(line))
}

/// Whether a (trimmed) short line reads like a list of author names.
pub fn looks_like_authors(line: &str) -> bool {
    if line.contains(':') || line.chars().count() > MAX_TITLE_CHARS {
        return false;
    }
    let lower = line.to_lowercase();
    if lower.starts_with("by ") || lower.ends_with("et al.") || lower.ends_with("et al") {
        return true;
    }
    let parts: Vec<&str> = line
        .split([',', ';'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 2 && parts.iter().all(|p| looks_like_name(p))
}

fn looks_like_name(part: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "von", "van", "de", "der", "den", "di", "da", "du", "le", "la", "del", "dos", "bin",
    ];
    let words: Vec<&str> = part.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            let first = w.chars().next().unwrap_or(' ');
            (first.is_uppercase() && !w.chars().any(|c| c.is_ascii_digit()))
                || PARTICLES.contains(w)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        let reader = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        PageReader::new("p.txt".into(), false, reader)
            .map(|r| match r.unwrap() {
                Record::Paper(p) => format!(
                    "{} paper {} | {} | {}",
                    p.source.line,
                    p.title,
                    p.authors.join("; "),
                    p.abstract_text.len()
                ),
                Record::Reject(j) => format!("{} reject {}", j.line, j.reason),
            })
            .collect()
    }

    fn abs(seed: &str) -> String {
        format!(
            "{seed} studies a problem that matters in practice. We propose a method and evaluate it \
             on several benchmarks, where it improves over strong baselines by a wide margin. \
             Code is available."
        )
    }

    #[test]
    fn chrome_table() {
        for line in [
            "new",
            "Subscribe",
            "Get trending papers in your email inbox!",
            "byAK and the research community",
            "Mar 14",
            "March 14, 2024",
            "14 Mar 2024",
            "2024-03-14",
            "Upvote",
            "123",
            "1.2k",
            "▲ 12",
            "12 upvotes",
            "· 3 authors",
            "Published on Mar 14",
            "Submitted by akhaliq",
            "---",
            "•",
        ] {
            assert!(is_chrome(line), "{line:?} should be chrome");
        }
        for line in [
            "Teaching LMMs for Image Quality Scoring and Interpreting",
            "Orca 2: Teaching Small Language Models How to Reason",
            "NEVIS'22: A Stream of 100 Tasks",
            "Mixtral of Experts",
            "Newton's method revisited",
            "May the Force Be with You",
            "GPT-4 Technical Report",
        ] {
            assert!(!is_chrome(line), "{line:?} should not be chrome");
        }
    }

    #[test]
    fn author_lines() {
        assert!(looks_like_authors(
            "Xianming Zeng, Sicong Du and Qifeng Chen"
        ));
        assert!(looks_like_authors("A. Smith; B. van der Berg"));
        assert!(looks_like_authors("by Jane Doe"));
        assert!(looks_like_authors("Jane Doe et al."));
        assert!(!looks_like_authors("Fast, Cheap and Good"));
        assert!(!looks_like_authors(
            "Orca 2: Teaching Small Language Models How to Reason"
        ));
        assert!(!looks_like_authors(
            "MechGPT, a language-based strategy for mechanics and materials modeling"
        ));
        assert!(!looks_like_authors(
            "Teaching LMMs for Image Quality Scoring"
        ));
    }

    #[test]
    fn page_layouts() {
        let a = abs("This paper");
        let n = a.len();
        let text = format!(
            "new\n\nSubscribe\n\nMar 14\n\nFirst Title\n\n{a}\n\n\
             12 upvotes\n\nSecond Title\n\nJane Doe, John Smith\n\n{a}\n\
             \nLone Title\n\nThird Title\r\nwrapped over two lines\n\n{a}\r\n\n{a}\n\nTrailing Title\n"
        );
        assert_eq!(
            read(&text),
            [
                format!("7 paper First Title |  | {n}"),
                format!("13 paper Second Title | Jane Doe; John Smith | {n}"),
                "19 reject title without abstract: \"Lone Title\"".to_string(),
                format!(
                    "21 paper Third Title wrapped over two lines |  | {}",
                    2 * n + 2
                ),
                "28 reject title without abstract: \"Trailing Title\"".to_string(),
            ]
        );
    }

    #[test]
    fn wrapped_abstract_and_orphans() {
        let text =
            "Intro Header\n\nTitle A\n\nLine one of the abstract is here and it goes on. It has\n\
                    several lines, wrapped as in an email. The reader keeps them as read.\n\
                    A third line closes it with enough words to count.\n";
        let reader = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let recs: Vec<_> = PageReader::new("p".into(), false, reader)
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(recs.len(), 1);
        let Record::Paper(p) = &recs[0] else {
            panic!("{recs:?}")
        };
        assert_eq!(p.title, "Title A");
        assert_eq!(p.source.line, 3);
        assert!(p.abstract_text.starts_with("Line one"));
        assert_eq!(p.abstract_text.matches('\n').count(), 2);
        assert!(!p.abstract_text.contains('\r'));

        let only_titles = "Title one\n\nTitle two\n";
        assert_eq!(
            read(only_titles),
            [
                "1 reject title without abstract: \"Title one\"",
                "3 reject title without abstract: \"Title two\""
            ]
        );
        let no_title = format!("{}\n", abs("Nothing"));
        assert_eq!(read(&no_title), ["1 reject paragraph without a title"]);
    }

    #[test]
    fn bad_utf8_in_a_paper_is_a_reject() {
        let mut bytes = b"Title \xff\n\n".to_vec();
        bytes.extend_from_slice(abs("X").as_bytes());
        let reader = Box::new(std::io::Cursor::new(bytes));
        let recs: Vec<_> = PageReader::new("p".into(), false, reader)
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            recs,
            [Record::Reject(Reject {
                file: "p".into(),
                line: 1,
                reason: "invalid UTF-8 in line 1 at byte 7".into()
            })]
        );
    }
}
