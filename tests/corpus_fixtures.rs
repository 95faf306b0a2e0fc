//! The corpus readers over the small fixtures in tests/fixtures/corpus: exact papers,
//! ids, titles, reject lines and reasons, and the accounting (papers + rejects = records).

use paperkg::corpus::{read_inputs, Paper, ReadOptions, Record, Reject};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus")
        .join(name)
}

fn read(paths: &[PathBuf]) -> (Vec<Paper>, Vec<Reject>) {
    let mut papers = Vec::new();
    let mut rejects = Vec::new();
    for r in read_inputs(paths, &ReadOptions::default()).expect("open") {
        match r.expect("no fatal error") {
            Record::Paper(p) => papers.push(p),
            Record::Reject(j) => rejects.push(j),
        }
    }
    (papers, rejects)
}

fn lines_and_reasons(rejects: &[Reject]) -> Vec<(u64, String)> {
    rejects.iter().map(|r| (r.line, r.reason.clone())).collect()
}

#[test]
fn jsonl_fixture() {
    let path = fixture("papers.jsonl");
    let (papers, rejects) = read(std::slice::from_ref(&path));

    let summary: Vec<(u64, &str, &str)> = papers
        .iter()
        .map(|p| (p.source.line, p.id.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, "2401.00001", "Sparse Mixture of Experts at Scale"),
            (9, "1706.03762", "Attention Is All You Need"),
            (
                11,
                "graph-adaptive-semantic-transfer-for-cross-domain-sentiment-classification",
                "Graph Adaptive Semantic Transfer for Cross-domain Sentiment Classification"
            ),
            (12, "2401.00001~2", "Same id again"),
            (13, "last-title-wins", "Last title wins"),
            (15, "2401.00010", "Last line"),
        ]
    );
    let first = &papers[0];
    assert_eq!(
        first.abstract_text,
        "We study sparse mixture-of-experts models.\nThey scale well."
    );
    assert_eq!(first.categories, ["cs.LG", "cs.CL"]);
    assert_eq!(first.authors, ["Ada Lovelace", "Alan Turing"]);
    assert_eq!(first.year.as_deref(), Some("2024"));
    assert_eq!(first.source.file, path.display().to_string());
    assert_eq!(first.duplicate_of, None);

    let attention = &papers[1];
    assert_eq!(
        attention.abstract_text,
        "The dominant sequence transduction models are based on recurrent networks."
    );
    assert_eq!(attention.categories, ["cs.CL", "cs.LG"]);
    assert_eq!(
        attention.authors,
        ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    );
    assert_eq!(attention.year.as_deref(), Some("2017"));
    assert_eq!(papers[3].duplicate_of.as_deref(), Some("2401.00001"));
    for p in &papers {
        assert!(!p.title.contains('\r') && !p.abstract_text.contains('\r'));
    }

    let got = lines_and_reasons(&rejects);
    assert_eq!(got.len(), 7, "{got:#?}");
    assert_eq!(got[0].0, 3);
    assert!(
        got[0]
            .1
            .starts_with("invalid JSON: EOF while parsing an object"),
        "{}",
        got[0].1
    );
    assert_eq!(
        got[1..],
        [
            (
                4,
                "missing abstract (no field 'abstract', 'summary')".to_string()
            ),
            (
                5,
                "field 'title' is a number, expected a string".to_string()
            ),
            (6, "field 'abstract' is null, expected a string".to_string()),
            (
                7,
                "field 'abstract' is an object, expected a string".to_string()
            ),
            (10, "expected a JSON object, found an array".to_string()),
            (14, "invalid UTF-8 at byte 36".to_string()),
        ]
    );
}

#[test]
fn csv_fixture() {
    let (papers, rejects) = read(&[fixture("papers.csv")]);
    let summary: Vec<(u64, &str, &str, &str)> = papers
        .iter()
        .map(|p| {
            (
                p.source.line,
                p.id.as_str(),
                p.title.as_str(),
                p.abstract_text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "c1", "Plain Row", "A plain abstract."),
            (
                3,
                "c2",
                "Quoted, with comma",
                "An abstract\nover two lines with \"doubled quotes\"."
            ),
            (
                5,
                "c3",
                "Stray \"quote in title",
                "The quote is kept literally."
            ),
            (8, "c5", "Embedded newline title", "Abstract five."),
        ]
    );
    assert_eq!(papers[0].authors, ["Ada Lovelace", "Alan Turing"]);
    assert!(papers[1].authors.is_empty());
    assert_eq!(papers[3].authors, ["Grace Hopper"]);
    assert_eq!(
        lines_and_reasons(&rejects),
        [(7, "row has 2 fields, header has 4".to_string())]
    );
}

#[test]
fn csv_unbalanced_quotes() {
    let (papers, rejects) = read(&[fixture("unbalanced.csv")]);
    let ids: Vec<_> = papers
        .iter()
        .map(|p| (p.source.line, p.id.as_str()))
        .collect();
    assert_eq!(ids, [(2, "u1"), (6, "u5")]);
    assert_eq!(
        lines_and_reasons(&rejects),
        [(
            3,
            "column 'title' runs over lines 3-5 and contains what look like rows: \
             an unbalanced quote?"
                .to_string()
        )]
    );

    let (papers, rejects) = read(&[fixture("unterminated.csv")]);
    assert_eq!(papers.len(), 1);
    assert_eq!(papers[0].title, "One");
    assert_eq!(
        lines_and_reasons(&rejects),
        [(
            3,
            "unterminated quoted field: it runs from this row to the end of the input".to_string()
        )]
    );
}

#[test]
fn tsv_fixture() {
    let (papers, rejects) = read(&[fixture("papers.tsv")]);
    let summary: Vec<_> = papers
        .iter()
        .map(|p| {
            (
                p.source.line,
                p.id.as_str(),
                p.abstract_text.as_str(),
                p.year.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "t1", "First tab abstract.", Some("2021")),
            (
                4,
                "t3",
                "Third tab abstract, with \"quotes\" inside.",
                Some("2023")
            ),
        ]
    );
    assert_eq!(
        lines_and_reasons(&rejects),
        [(3, "field 'summary' (abstract) is empty".to_string())]
    );
}

#[test]
fn json_array_fixture() {
    let (papers, rejects) = read(&[fixture("papers.json")]);
    let summary: Vec<_> = papers
        .iter()
        .map(|p| (p.source.line, p.id.as_str(), p.abstract_text.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (2, "j1", "First element."),
            (3, "j2", "Second element, spanning lines."),
            (
                7,
                "array-element-five",
                "No id; [brackets] and {braces} in a string \"quoted\"."
            ),
        ]
    );
    let got = lines_and_reasons(&rejects);
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0],
        (5, "field 'title' is null, expected a string".to_string())
    );
    assert_eq!(got[1].0, 6);
    assert!(
        got[1].1.starts_with("invalid JSON: expected `,` or `}`"),
        "{}",
        got[1].1
    );
}

#[test]
fn page_fixture() {
    let (papers, rejects) = read(&[fixture("page.txt")]);
    let summary: Vec<_> = papers
        .iter()
        .map(|p| (p.source.line, p.id.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                11,
                "sparse-routing-for-efficient-transformers",
                "Sparse Routing for Efficient Transformers"
            ),
            (
                19,
                "retrieval-helps-small-models-reason",
                "Retrieval Helps Small Models Reason"
            ),
            (
                26,
                "curriculum-learning-revisited",
                "Curriculum Learning Revisited"
            ),
        ]
    );
    assert_eq!(papers[0].authors, ["Jane Doe", "John Smith", "Ana Lopez"]);
    assert!(papers[0]
        .abstract_text
        .starts_with("We introduce sparse routing"));
    assert!(papers[0]
        .abstract_text
        .ends_with("Code and models are released."));
    assert_eq!(
        papers[1].abstract_text.lines().count(),
        2,
        "a wrapped paragraph keeps its line break"
    );
    assert!(papers[1].abstract_text.contains("confirm the\neffect"));
    let parts: Vec<_> = papers[2].abstract_text.split("\n\n").collect();
    assert_eq!(
        parts.len(),
        2,
        "continuation paragraph joined by a blank line"
    );
    assert!(parts[1].starts_with("A second paragraph"));
    assert_eq!(
        lines_and_reasons(&rejects),
        [
            (
                24,
                "title without abstract: \"A Title Without Abstract\"".to_string()
            ),
            (
                32,
                "title without abstract: \"Trailing Title With No Abstract\"".to_string()
            ),
        ]
    );
}

/// Every record of every fixture ends as exactly one paper or one reject. Record counts are
/// computed independently of the reader where a simple way exists.
#[test]
fn accounting() {
    let jsonl = std::fs::read(fixture("papers.jsonl")).unwrap();
    let jsonl_records = jsonl
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();

    let csv_records = |name: &str, delim: u8| {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delim)
            .from_path(fixture(name))
            .unwrap();
        rdr.byte_records().count()
    };

    let cases = [
        ("papers.jsonl", jsonl_records),
        ("papers.csv", csv_records("papers.csv", b',')),
        ("unbalanced.csv", csv_records("unbalanced.csv", b',')),
        ("unterminated.csv", csv_records("unterminated.csv", b',')),
        ("papers.tsv", csv_records("papers.tsv", b'\t')),
        ("papers.json", 5),
        // 3 papers + 2 title lines without an abstract.
        ("page.txt", 5),
    ];
    assert_eq!(jsonl_records, 13);
    for (name, records) in cases {
        let (papers, rejects) = read(&[fixture(name)]);
        assert_eq!(papers.len() + rejects.len(), records, "{name}");
        assert!(!papers.is_empty(), "{name}");
    }
}

#[test]
fn ids_are_unique_across_files() {
    let paths = [
        fixture("papers.jsonl"),
        fixture("papers.jsonl"),
        fixture("page.txt"),
    ];
    let (papers, _) = read(&paths);
    assert_eq!(papers.len(), 6 + 6 + 3);
    let mut ids: Vec<&str> = papers.iter().map(|p| p.id.as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids unique over the stream");
    let second: Vec<(&str, Option<&str>)> = papers[6..12]
        .iter()
        .map(|p| (p.id.as_str(), p.duplicate_of.as_deref()))
        .collect();
    assert_eq!(
        second,
        [
            ("2401.00001~3", Some("2401.00001")),
            ("1706.03762~2", Some("1706.03762")),
            (
                "graph-adaptive-semantic-transfer-for-cross-domain-sentiment-classification~2",
                Some("graph-adaptive-semantic-transfer-for-cross-domain-sentiment-classification")
            ),
            // The fourth paper with id 2401.00001 in the stream.
            ("2401.00001~4", Some("2401.00001")),
            ("last-title-wins~2", Some("last-title-wins")),
            ("2401.00010~2", Some("2401.00010")),
        ]
    );
}
