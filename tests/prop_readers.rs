//! Property tests of the readers (the CI version of the `fuzz/` reader targets): on any
//! bytes, under any file name, `corpus::read_inputs` never panics, ends, and accounts for
//! what it read; well-formed files written by real serializers round-trip exactly.

use paperkg::corpus::{read_inputs, ReadOptions, Record};
use proptest::prelude::*;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

const NAMES: &[&str] = &[
    "p.txt",
    "p.jsonl",
    "p.json",
    "p.csv",
    "p.tsv",
    "papers",
    "p.jsonl.gz",
    "p.csv.gz",
    "p.gz",
];

/// What reading one file gave.
#[derive(Debug, Default)]
struct Read {
    papers: Vec<paperkg::corpus::Paper>,
    rejects: Vec<paperkg::corpus::Reject>,
    /// The stream ended with an error (or could not start).
    failed: bool,
}

fn read_file(dir: &Path, name: &str, bytes: &[u8]) -> Read {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let shown = path.display().to_string();
    let mut out = Read::default();
    let records = match read_inputs(&[path], &ReadOptions::default()) {
        Ok(r) => r,
        Err(_) => {
            out.failed = true;
            return out;
        }
    };
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let gz = bytes.starts_with(&[0x1f, 0x8b]) || name.ends_with(".gz");
    for item in records {
        assert!(!out.failed, "an item after the error that ended the stream");
        match item {
            Ok(Record::Paper(p)) => {
                assert_eq!(p.source.file, shown);
                assert!(p.source.line >= 1);
                assert!(
                    gz || p.source.line <= lines,
                    "line {} > {lines}",
                    p.source.line
                );
                assert!(!p.title.is_empty() && p.title.trim() == p.title);
                assert!(!p.abstract_text.trim().is_empty());
                assert!(!p.title.contains('\0') && !p.abstract_text.contains('\0'));
                out.papers.push(p);
            }
            Ok(Record::Reject(r)) => {
                assert_eq!(r.file, shown);
                assert!(r.line >= 1);
                assert!(gz || r.line <= lines + 1, "line {} > {lines}", r.line);
                assert!(!r.reason.is_empty());
                // At most 100 quoted characters, each at most 10 when escaped (`\u{10ffff}`).
                assert!(r.reason.chars().count() < 1200, "{}", r.reason);
                out.rejects.push(r);
            }
            Err(_) => out.failed = true,
        }
    }
    let ids: HashSet<&str> = out.papers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), out.papers.len(), "ids are unique");
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A valid file of each format, to be mutated.
fn seed(i: usize) -> Vec<u8> {
    let abs = "We study continual learning without forgetting. Our method replays a few \
               stored examples and distils the old model into the new one. It works well.";
    match i % 5 {
        0 => format!("new\n\nFirst Title\n\nA. Smith and B. Jones\n\n{abs}\n\nSecond\nTitle\n\n{abs}\n{abs}\n\nOrphan\n").into_bytes(),
        1 => b"{\"id\":\"1\",\"title\":\"A\",\"abstract\":\"x\",\"authors\":[\"A\"]}\n{\"title\":\"B\",\"summary\":\"y\\n\",\"year\":2020}\n".to_vec(),
        2 => b"[{\"id\":1,\"title\":\"A\",\"abstract\":\"x, [y] {z}\"},\n {\"title\":\"B\",\"abstract\":\"y\"}]".to_vec(),
        3 => b"id,title,abstract,authors\n1,\"A, b\",\"x\ny \"\"q\"\"\",Ann\n2,B,y,\n".to_vec(),
        _ => b"id\ttitle\tabstract\n1\tA\tx\n2\t\"B\tC\"\ty\n".to_vec(),
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Replace(usize, u8),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let special = prop::sample::select(vec![
        b'"', b'\\', b'\n', b'\r', b',', b'\t', b'{', b'}', b'[', b']', b':', 0, 0xff, 0xc3,
    ]);
    prop_oneof![
        (any::<usize>(), prop::collection::vec(special.clone(), 1..4))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1..8usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), special).prop_map(|(i, b)| Edit::Replace(i, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len();
        match e {
            Edit::Insert(i, b) => {
                let at = i % (len + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Edit::Delete(i, n) if len > 0 => {
                let at = i % len;
                bytes.drain(at..(at + n).min(len));
            }
            Edit::Replace(i, b) if len > 0 => bytes[i % len] = *b,
            Edit::Truncate(i) => bytes.truncate(i % (len + 1)),
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_under_any_name(name in prop::sample::select(NAMES), bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        read_file(dir.path(), name, &bytes);
    }

    #[test]
    fn mutated_valid_files(i in 0..5usize, edits in prop::collection::vec(edit(), 0..6), zip in any::<bool>(), cut in any::<Option<usize>>()) {
        let dir = tempfile::tempdir().unwrap();
        let name = ["p.txt", "p.jsonl", "p.json", "p.csv", "p.tsv"][i];
        let mut bytes = apply(seed(i), &edits);
        let name = if zip {
            bytes = gzip(&bytes);
            if let Some(c) = cut {
                let keep = c % (bytes.len() + 1);
                bytes.truncate(keep);
            }
            format!("{name}.gz")
        } else {
            name.to_string()
        };
        read_file(dir.path(), &name, &bytes);
        // Sniffed instead of by extension: the same guarantees.
        read_file(dir.path(), "sniffed", &bytes);
    }
}

/// Text with the characters that break naive writers and readers.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec![
                "a", "Z", " ", "  ", "\n", "\t", "\"", "'", ",", ";", "\\", "{", "}", "[", "]",
                "<", ">", "&", "é", "東京", "🦀", "\u{1}", "\u{7f}", "\u{feff}", "\u{2028}",
                "\u{a0}", "~", "#", "=",
            ])
            .prop_map(str::to_string),
            1 => "[a-zA-Z0-9 ]{1,8}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever serde_json writes, the JSONL and JSON-array readers read back exactly:
    /// title with whitespace collapsed, abstract byte for byte; blank ones are rejects.
    #[test]
    fn json_written_by_serde_reads_back(papers in prop::collection::vec((hostile_text(), hostile_text()), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let objs: Vec<serde_json::Value> = papers
            .iter()
            .enumerate()
            .map(|(i, (t, a))| serde_json::json!({"id": format!("p{i}"), "title": t, "abstract": a}))
            .collect();
        let jsonl: String = objs.iter().map(|o| format!("{o}\n")).collect();
        let array = serde_json::to_string_pretty(&objs).unwrap();
        for (name, bytes) in [("p.jsonl", jsonl.as_bytes()), ("p.json", array.as_bytes())] {
            let r = read_file(dir.path(), name, bytes);
            prop_assert!(!r.failed);
            check_round_trip(&papers, &r, |_| false)?;
        }
    }

    /// Whatever the csv crate writes (CSV and TSV), the table reader reads back; line
    /// breaks inside fields come back as `\n` (CRLF and lone CR are not generated here).
    #[test]
    fn csv_written_by_the_csv_crate_reads_back(papers in prop::collection::vec((hostile_text(), hostile_text()), 1..8), tsv in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let mut w = csv::WriterBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .from_writer(Vec::new());
        w.write_record(["id", "title", "abstract"]).unwrap();
        for (i, (t, a)) in papers.iter().enumerate() {
            w.write_record([format!("p{i}").as_str(), t, a]).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let r = read_file(dir.path(), if tsv { "p.tsv" } else { "p.csv" }, &bytes);
        prop_assert!(!r.failed);
        let delim = if tsv { '\t' } else { ',' };
        check_round_trip(&papers, &r, |t| {
            t.split('\n').skip(1).any(|l| l.matches(delim).count() >= 2)
        })?;
    }
}

/// `row_like(title)`: the table reader's guard against an unbalanced quote rejects a short
/// field (not the abstract) running over lines of which one holds a row's worth of
/// delimiters. Real titles never look like that; generated ones may.
fn check_round_trip(
    papers: &[(String, String)],
    r: &Read,
    row_like: impl Fn(&str) -> bool,
) -> Result<(), TestCaseError> {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut got = r.papers.iter();
    let mut rejects = 0;
    for (i, (t, a)) in papers.iter().enumerate() {
        let keep = !collapse(t).is_empty() && !a.trim().is_empty() && !row_like(t);
        if !keep {
            rejects += 1;
            continue;
        }
        let p = got.next().expect("a paper for each non-blank record");
        prop_assert_eq!(&p.id, &format!("p{i}"));
        prop_assert_eq!(&p.title, &collapse(t));
        prop_assert_eq!(&p.abstract_text, a);
    }
    prop_assert!(got.next().is_none());
    prop_assert_eq!(r.rejects.len(), rejects, "{:?}", r.rejects);
    Ok(())
}
