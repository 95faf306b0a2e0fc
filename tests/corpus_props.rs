//! Properties: JSON Lines round-trips titles/abstracts exactly (titles whitespace-collapsed),
//! every non-blank line becomes one paper or one reject, and slugs are well-formed and stable.

use paperkg::corpus::{read_inputs, slug, ReadOptions, Record};
use proptest::prelude::*;
use std::io::Write;

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Clone)]
enum Line {
    Good(String, String),
    Broken(String),
    Blank(String),
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        4 => ("\\PC{0,40}", "[\\PC\\r\\n\\t]{0,200}").prop_map(|(t, a)| Line::Good(t, a)),
        1 => "[{\\[a-z\":,]{1,20}".prop_map(Line::Broken),
        1 => "[ \\t]{0,3}".prop_map(Line::Blank),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn jsonl_round_trip_and_accounting(lines in proptest::collection::vec(line(), 0..30)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        let mut f = std::fs::File::create(&path).unwrap();
        let mut expected = Vec::new(); // (line, Some((title, abstract))) or (line, None)
        for (i, l) in lines.iter().enumerate() {
            let n = i as u64 + 1;
            match l {
                Line::Good(t, a) => {
                    let obj = serde_json::json!({"title": t, "abstract": a});
                    writeln!(f, "{obj}").unwrap();
                    let ok = !t.trim().is_empty() && !a.trim().is_empty();
                    expected.push((n, ok.then(|| (collapse(t), a.clone()))));
                }
                Line::Broken(s) => {
                    writeln!(f, "{s}").unwrap();
                    expected.push((n, None));
                }
                Line::Blank(s) => writeln!(f, "{s}").unwrap(),
            }
        }
        drop(f);
        let got: Vec<(u64, Option<(String, String)>)> = read_inputs(&[path], &ReadOptions::default())
            .unwrap()
            .map(|r| match r.unwrap() {
                Record::Paper(p) => (p.source.line, Some((p.title, p.abstract_text))),
                Record::Reject(j) => (j.line, None),
            })
            .collect();
        // A "broken" line may by chance be valid JSON that is still not a paper: a reject.
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn slugs_are_well_formed(title in "\\PC{0,200}") {
        let s = slug(&title);
        prop_assert!(!s.is_empty() && s.len() <= 80);
        prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"));
        prop_assert_eq!(slug(&title), s.clone());
        // Titles differing only in case and punctuation share a slug.
        prop_assert_eq!(slug(&title.to_uppercase().replace(':', " - ")), slug(&title.to_uppercase()));
    }
}
