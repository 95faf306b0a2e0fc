//! Gold loaders: exact offsets on tiny fixtures in the real formats, and sanity checks on
//! the real dev files in `../shared/data` (skipped with a note when that folder is absent).

use paperkg::eval::{load_gold, GoldDoc, GoldFormat};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/eval")
        .join(name)
}

/// `text[start..end]` in code points.
fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// The spans of a doc as (start, end, type, text) for easy comparison.
fn spans(doc: &GoldDoc) -> Vec<(usize, usize, String, String)> {
    doc.spans
        .iter()
        .map(|s| {
            (
                s.start,
                s.end,
                s.etype.clone(),
                slice(&doc.text, s.start, s.end),
            )
        })
        .collect()
}

fn owned(v: &[(usize, usize, &str, &str)]) -> Vec<(usize, usize, String, String)> {
    v.iter()
        .map(|&(s, e, t, x)| (s, e, t.to_string(), x.to_string()))
        .collect()
}

#[test]
fn scierc_fixture_offsets() {
    let docs = load_gold(&fixture("scierc.json"), GoldFormat::Scierc).unwrap();
    assert_eq!(docs.len(), 2);
    let d = &docs[0];
    assert_eq!(d.id, "FIXTURE_1");
    assert_eq!(
        d.text,
        "We propose Gaussian mixture models ( GMMs ) for Köln speech data . \
         Results on the TIMIT corpus improve phone recognition [ 1 ] ."
    );
    // Sorted, duplicate [6,6] Method once, Generic/OtherScientificTerm/Metric dropped,
    // nested spans kept.
    assert_eq!(
        spans(d),
        owned(&[
            (11, 34, "method", "Gaussian mixture models"),
            (11, 43, "method", "Gaussian mixture models ( GMMs )"),
            (37, 41, "method", "GMMs"),
            (48, 64, "material", "Köln speech data"),
            (82, 94, "material", "TIMIT corpus"),
            (103, 120, "task", "phone recognition"),
        ])
    );
    assert!(d.acronyms.is_empty());
    assert_eq!(docs[1].text, "An { empty } abstract .");
    assert!(docs[1].spans.is_empty());
}

#[test]
fn tdmsci_fixture_offsets() {
    let docs = load_gold(&fixture("tdmsci.conll"), GoldFormat::Tdmsci).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].id, "line-1");
    assert_eq!(docs[1].id, "line-12");
    assert_eq!(
        docs[0].text,
        "We evaluate on SQuAD 2.0 for question answering accuracy ."
    );
    assert_eq!(
        spans(&docs[0]),
        owned(&[
            (15, 24, "dataset", "SQuAD 2.0"),
            (29, 47, "task", "question answering"),
        ])
    );
    // Adjacent B-DATASET B-DATASET are two spans; a stray I- after O starts a new span.
    assert_eq!(
        spans(&docs[1]),
        owned(&[
            (0, 24, "task", "Named entity recognition"),
            (28, 38, "dataset", "CoNLL 2003"),
            (39, 43, "dataset", "WNUT"),
            (48, 61, "dataset", "Zürich Corpus"),
        ])
    );
}

#[test]
fn gsap_fixture_offsets_are_code_points() {
    let docs = load_gold(&fixture("gsap.jsonl"), GoldFormat::Gsap).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].id, "paper.txt|text_unit_0");
    // ReferenceLink, the empty span and flat_plus generics are not scored.
    assert_eq!(
        spans(&docs[0]),
        owned(&[
            (12, 21, "method", "fine-tune"),
            (22, 26, "method", "BERT"),
            (52, 61, "dataset", "SQuAD 1.1"),
            (66, 84, "task", "question answering"),
        ])
    );
    // ModelArchitecture -> method; Datasource ignored.
    assert_eq!(spans(&docs[1]), owned(&[(16, 25, "method", "ResNet-50")]));
}

#[test]
fn sdu_fixture_pairs() {
    let docs = load_gold(&fixture("sdu.json"), GoldFormat::Sdu).unwrap();
    assert_eq!(docs.len(), 3);
    let pairs = |d: &GoldDoc| {
        d.acronyms
            .iter()
            .map(|(s, l)| format!("{s}={l}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(docs[0].id, "DEV-A");
    assert_eq!(
        pairs(&docs[0]),
        ["DA=direct assessment", "RR=relative ranking"]
    );
    // Only the nearest short form is paired; "C - LSTM" and "NLP" are uses, not definitions.
    assert_eq!(pairs(&docs[1]), ["LSTM=Long Short - Term Memory"]);
    assert!(docs[2].acronyms.is_empty());
    assert!(docs.iter().all(|d| d.spans.is_empty()));
    assert_eq!(docs[2].text, "IoT devices are everywhere .");
}

#[test]
fn malformed_input_reports_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.conll");
    std::fs::write(&p, "We\t0\tO\n\nbroken line\n").unwrap();
    let err = load_gold(&p, GoldFormat::Tdmsci).unwrap_err().to_string();
    assert!(err.contains("bad.conll:3:"), "{err}");
    let p = dir.path().join("bad.json");
    std::fs::write(
        &p,
        "{\"doc_key\":\"x\",\"sentences\":[[\"a\"]],\"ner\":[[[0,3,\"Task\"]]]}\n",
    )
    .unwrap();
    let err = load_gold(&p, GoldFormat::Scierc).unwrap_err().to_string();
    assert!(
        err.contains("bad.json:1:") && err.contains("outside"),
        "{err}"
    );
    assert!(load_gold(&dir.path().join("missing"), GoldFormat::Gsap).is_err());
}

// ---- real data -------------------------------------------------------------------------

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("note: {} not found, skipping", p.display());
        None
    }
}

fn unescape(t: &str) -> &str {
    match t {
        "-LRB-" => "(",
        "-RRB-" => ")",
        "-LSB-" => "[",
        "-RSB-" => "]",
        "-LCB-" => "{",
        "-RCB-" => "}",
        o => o,
    }
}

#[test]
fn real_scierc_dev() {
    let Some(path) = shared("scierc/dev.json") else {
        return;
    };
    let docs = load_gold(&path, GoldFormat::Scierc).unwrap();
    assert_eq!(docs.len(), 50);
    let raw = std::fs::read_to_string(&path).unwrap();
    let mut expected_total = 0;
    for (doc, line) in docs.iter().zip(raw.lines()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(doc.id, v["doc_key"].as_str().unwrap());
        let toks: Vec<&str> = v["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                s.as_array()
                    .unwrap()
                    .iter()
                    .map(|t| unescape(t.as_str().unwrap()))
            })
            .collect();
        let got: BTreeSet<(String, String)> = doc
            .spans
            .iter()
            .map(|s| {
                let text = slice(&doc.text, s.start, s.end);
                assert!(!text.is_empty());
                (s.etype.clone(), text)
            })
            .collect();
        let mut want = BTreeSet::new();
        let mut unique = BTreeSet::new();
        for e in v["ner"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s.as_array().unwrap())
        {
            let (a, b) = (
                e[0].as_u64().unwrap() as usize,
                e[1].as_u64().unwrap() as usize,
            );
            let ty = match e[2].as_str().unwrap() {
                "Method" => "method",
                "Material" => "material",
                "Task" => "task",
                _ => continue,
            };
            want.insert((ty.to_string(), toks[a..=b].join(" ")));
            unique.insert((a, b, ty));
        }
        assert_eq!(got, want, "{}", doc.id);
        assert_eq!(doc.spans.len(), unique.len(), "{}", doc.id);
        expected_total += unique.len();
    }
    // Per SOURCES.md dev has 216 Method + 71 Material + 127 Task mentions.
    assert!(expected_total <= 216 + 71 + 127 && expected_total > 400);
}

#[test]
fn real_tdmsci_train() {
    let Some(path) = shared("tdmsci/train_1500_v2.conll") else {
        return;
    };
    let docs = load_gold(&path, GoldFormat::Tdmsci).unwrap();
    assert_eq!(docs.len(), 1523);
    let count = |t: &str| {
        docs.iter()
            .flat_map(|d| &d.spans)
            .filter(|s| s.etype == t)
            .count()
    };
    // One span per B- label (TASK 1219, DATASET 420), no stray I- labels in the file.
    assert_eq!(count("task"), 1219);
    assert_eq!(count("dataset"), 420);
    for d in &docs {
        for s in &d.spans {
            let text = slice(&d.text, s.start, s.end);
            assert!(
                !text.is_empty() && text.trim() == text,
                "{}: {text:?}",
                d.id
            );
            // Spans start and end on token boundaries of the space-joined text.
            let chars: Vec<char> = d.text.chars().collect();
            assert!(s.start == 0 || chars[s.start - 1] == ' ');
            assert!(s.end == chars.len() || chars[s.end] == ' ');
        }
    }
}

#[test]
fn real_gsap_paragraphs() {
    let Some(path) = shared("gsap_ner/paragraphs_folds1-9.jsonl") else {
        return;
    };
    let docs = load_gold(&path, GoldFormat::Gsap).unwrap();
    assert_eq!(docs.len(), 6343);
    let mut n = 0;
    for d in &docs {
        let len = d.text.chars().count();
        for s in &d.spans {
            assert!(s.start < s.end && s.end <= len, "{}", d.id);
            let text = slice(&d.text, s.start, s.end);
            assert_eq!(text.trim(), text, "{}: {text:?}", d.id);
            n += 1;
        }
    }
    assert!(n > 20_000, "{n} spans");
    let roberta = docs
        .iter()
        .find(|d| d.id == "00006_1907_11692.txt|text_unit_0")
        .unwrap();
    let named: Vec<String> = roberta
        .spans
        .iter()
        .map(|s| slice(&roberta.text, s.start, s.end))
        .collect();
    assert_eq!(
        named,
        [
            "Language model pretraining",
            "BERT pretraining",
            "BERT",
            "GLUE",
            "RACE",
            "SQuAD"
        ]
    );
}

#[test]
fn real_sdu_dev() {
    let Some(path) = shared("sdu_aaai21_acronyms/ai/dev.json") else {
        return;
    };
    let docs = load_gold(&path, GoldFormat::Sdu).unwrap();
    assert_eq!(docs.len(), 1717);
    let dev1 = docs.iter().find(|d| d.id == "DEV-1").unwrap();
    assert_eq!(
        dev1.acronyms,
        [("QA".to_string(), "Question Answering".to_string())]
    );
    let pairs: usize = docs.iter().map(|d| d.acronyms.len()).sum();
    // At most one pair per long form (1,613), at least one per sentence with both (1,294).
    assert!((1294..=1613).contains(&pairs), "{pairs} pairs");
    for d in &docs {
        for (s, l) in &d.acronyms {
            assert!(
                d.text.contains(s.as_str()) && d.text.contains(l.as_str()),
                "{}",
                d.id
            );
        }
    }
}

#[test]
fn evaluate_runs_extraction_over_the_gold_texts() {
    let dir = tempfile::tempdir().unwrap();
    // Whatever rules the extractor has, the gold side of the counts is fixed.
    let Ok(rules) = paperkg::rules::load_dir(dir.path()) else {
        eprintln!("note: an empty rules directory is rejected, skipping");
        return;
    };
    let r = paperkg::eval::evaluate(&rules, &fixture("scierc.json"), GoldFormat::Scierc).unwrap();
    assert_eq!(r.format, Some(GoldFormat::Scierc));
    assert_eq!(r.docs, 2);
    let any = r.any.unwrap();
    assert_eq!(any.exact.tp + any.exact.fn_, 6);
    assert_eq!(r.types["method"].exact.tp + r.types["method"].exact.fn_, 3);
    assert!(r.acronyms.is_none());
}
