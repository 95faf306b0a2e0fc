//! The shipped example page (examples/trending-papers.txt): all 78 papers, no chrome.

use paperkg::corpus::{read_inputs, slug, ReadOptions, Record};
use std::collections::HashSet;
use std::path::Path;

const CHROME: &[&str] = &[
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
    "Mar 14",
];

#[test]
fn trending_page_gives_78_papers() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/trending-papers.txt");
    let mut papers = Vec::new();
    let mut rejects = Vec::new();
    for r in read_inputs(&[path], &ReadOptions::default()).unwrap() {
        match r.unwrap() {
            Record::Paper(p) => papers.push(p),
            Record::Reject(j) => rejects.push(j),
        }
    }
    assert!(rejects.is_empty(), "{rejects:#?}");
    assert_eq!(papers.len(), 78);
    assert_eq!(
        papers[0].title,
        "Teaching LMMs for Image Quality Scoring and Interpreting"
    );
    assert_eq!(papers[0].source.line, 11);
    assert_eq!(
        papers[1].id,
        "graph-adaptive-semantic-transfer-for-cross-domain-sentiment-classification"
    );
    assert_eq!(
        papers[77].title,
        "Unleashing Cognitive Synergy in Large Language Models: A Task-Solving Agent \
         through Multi-Persona Self-Collaboration"
    );
    assert!(papers[77]
        .abstract_text
        .starts_with("Human intelligence thrives on the concept of cognitive synergy"));
    let mut ids = HashSet::new();
    for p in &papers {
        assert!(!CHROME.contains(&p.title.as_str()), "{}", p.title);
        assert!(
            p.abstract_text.chars().count() > 200,
            "{}: {}",
            p.title,
            p.abstract_text
        );
        assert!(!p.abstract_text.contains('\n'), "one line per abstract");
        assert_eq!(p.id, slug(&p.title));
        assert!(p.duplicate_of.is_none());
        assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
        // Titles are on odd lines 11, 15, 19, …
        assert_eq!(p.source.line % 4, 3, "{}", p.title);
    }
}
