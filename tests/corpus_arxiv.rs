//! The first records of the shared arXiv daily dump (cs, gzip JSON Lines with `summary`).
//! Skipped with a note when ../shared is not beside the checkout.

use paperkg::corpus::{read_inputs, InputFormat, ReadOptions, Record};
use std::path::Path;

#[test]
fn arxiv_daily_head() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz");
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return;
    }
    let records: Vec<Record> = read_inputs(&[path], &ReadOptions::default())
        .unwrap()
        .take(2000)
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(records.len(), 2000);
    let mut last_line = 0;
    for (i, r) in records.iter().enumerate() {
        let Record::Paper(p) = r else {
            panic!("unexpected reject {r:?}")
        };
        // One record per line, no blank lines in this dump.
        assert_eq!(p.source.line, i as u64 + 1);
        assert!(p.source.line > last_line);
        last_line = p.source.line;
        // arXiv ids as ids: "2503.11731" (new-style, optional version).
        let (yymm, num) = p.id.split_once('.').expect("arXiv id");
        assert!(
            yymm.len() == 4 && yymm.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            p.id
        );
        assert!(
            num.len() >= 4 && num.bytes().all(|b| b.is_ascii_digit() || b == b'v'),
            "{}",
            p.id
        );
        assert!(p.duplicate_of.is_none(), "ids are unique in the dump");
        assert!(!p.abstract_text.trim().is_empty());
        assert!(!p.categories.is_empty());
        assert!(!p.title.contains('\n'));
    }
    let Record::Paper(first) = &records[0] else {
        unreachable!()
    };
    assert_eq!(first.id, "2503.11731");
    assert_eq!(
        first.title,
        "Industrial-Grade Sensor Simulation via Gaussian Splatting: A Modular Framework for \
         Scalable Editing and Full-Stack Validation"
    );
    assert!(first
        .abstract_text
        .starts_with("Sensor simulation is pivotal for scalable validation"));
    assert_eq!(first.categories, ["cs.CV", "cs.RO"]);
    assert_eq!(first.authors.len(), 16);
    // The summary keeps arXiv's hard line breaks exactly as in the source.
    let Record::Paper(second) = &records[1] else {
        unreachable!()
    };
    assert!(second.abstract_text.starts_with(
        "Vision-language models (VLMs) often inherit the biases and unsafe\nassociations"
    ));

    // Forcing the format gives the same first record.
    let opts = ReadOptions {
        format: Some(InputFormat::Jsonl),
        ..ReadOptions::default()
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz");
    let again = read_inputs(&[path], &opts)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(again, records[0]);
}
