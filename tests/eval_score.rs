//! Table-driven tests of the eval scorer on hand-made gold and predictions.

use paperkg::eval::{score, score_in, Counts, GoldDoc, GoldFormat, GoldSpan, Scope};
use paperkg::extract::{Acronym, Extraction, Field, Mention};

fn gold(id: &str, spans: &[(usize, usize, &str)]) -> GoldDoc {
    GoldDoc {
        id: id.to_string(),
        text: "x".repeat(100),
        spans: spans
            .iter()
            .map(|&(start, end, etype)| GoldSpan {
                start,
                end,
                etype: etype.to_string(),
            })
            .collect(),
        acronyms: Vec::new(),
    }
}

fn mention(start: usize, end: usize, etype: &str, field: Field) -> Mention {
    Mention {
        etype: etype.to_string(),
        text: String::new(),
        canonical: String::new(),
        field,
        start,
        end,
        rule: "test".to_string(),
        role: None,
    }
}

fn pred(id: &str, spans: &[(usize, usize, &str)]) -> Extraction {
    Extraction {
        id: id.to_string(),
        title: String::new(),
        mentions: spans
            .iter()
            .map(|&(s, e, t)| mention(s, e, t, Field::Abstract))
            .collect(),
        acronyms: Vec::new(),
    }
}

/// (tp, fp, fn) of a Counts.
fn tff(c: &Counts) -> (usize, usize, usize) {
    (c.tp, c.fp, c.fn_)
}

struct Case {
    name: &'static str,
    gold: &'static [(usize, usize, &'static str)],
    pred: &'static [(usize, usize, &'static str)],
    /// Expected (tp, fp, fn) of type `method`: exact, overlap.
    method: [(usize, usize, usize); 2],
    /// Expected (tp, fp, fn) of "any entity": exact, overlap.
    any: [(usize, usize, usize); 2],
}

const CASES: &[Case] = &[
    Case {
        name: "exact hit",
        gold: &[(0, 5, "method")],
        pred: &[(0, 5, "method")],
        method: [(1, 0, 0), (1, 0, 0)],
        any: [(1, 0, 0), (1, 0, 0)],
    },
    Case {
        name: "boundary error counts for overlap only",
        gold: &[(0, 5, "method")],
        pred: &[(0, 4, "method")],
        method: [(0, 1, 1), (1, 0, 0)],
        any: [(0, 1, 1), (1, 0, 0)],
    },
    Case {
        name: "touching spans do not overlap",
        gold: &[(0, 5, "method")],
        pred: &[(5, 9, "method")],
        method: [(0, 1, 1), (0, 1, 1)],
        any: [(0, 1, 1), (0, 1, 1)],
    },
    Case {
        name: "type mismatch: wrong for the type, right for any",
        gold: &[(0, 5, "method")],
        pred: &[(0, 5, "dataset")],
        method: [(0, 0, 1), (0, 0, 1)],
        any: [(1, 0, 0), (1, 0, 0)],
    },
    Case {
        name: "one big prediction claims only one gold span",
        gold: &[(0, 5, "method"), (6, 20, "method")],
        pred: &[(0, 20, "method")],
        method: [(0, 1, 2), (1, 0, 1)],
        any: [(0, 1, 2), (1, 0, 1)],
    },
    Case {
        name: "greedy by overlap size leaves the better pairing",
        // Pred (3, 12) overlaps gold A by 2 and gold B by 7; pred (0, 4) only overlaps A.
        gold: &[(0, 5, "method"), (5, 12, "method")],
        pred: &[(0, 4, "method"), (3, 12, "method")],
        method: [(0, 2, 2), (2, 0, 0)],
        any: [(0, 2, 2), (2, 0, 0)],
    },
    Case {
        name: "duplicate predictions count once",
        gold: &[(0, 5, "method")],
        pred: &[
            (0, 5, "method"),
            (0, 5, "method"),
            (10, 12, "method"),
            (10, 12, "method"),
        ],
        method: [(1, 1, 0), (1, 1, 0)],
        any: [(1, 1, 0), (1, 1, 0)],
    },
    Case {
        name: "same span with two predicted types is one span for any",
        gold: &[(0, 5, "method")],
        pred: &[(0, 5, "method"), (0, 5, "dataset")],
        method: [(1, 0, 0), (1, 0, 0)],
        any: [(1, 0, 0), (1, 0, 0)],
    },
    Case {
        name: "empty prediction",
        gold: &[(0, 5, "method"), (7, 9, "material")],
        pred: &[],
        method: [(0, 0, 1), (0, 0, 1)],
        any: [(0, 0, 2), (0, 0, 2)],
    },
    Case {
        name: "unscored predicted types are ignored",
        gold: &[(0, 5, "method")],
        pred: &[(0, 5, "metric"), (20, 25, "person")],
        method: [(0, 0, 1), (0, 0, 1)],
        any: [(0, 0, 1), (0, 0, 1)],
    },
];

#[test]
fn span_scoring_cases() {
    let scope = Scope::for_format(GoldFormat::Scierc);
    for case in CASES {
        let g = [gold("d", case.gold)];
        let p = [pred("d", case.pred)];
        let r = score_in(&scope, &g, &p);
        let m = &r.types["method"];
        assert_eq!(
            [tff(&m.exact), tff(&m.overlap)],
            case.method,
            "{}: method",
            case.name
        );
        let any = r.any.expect("span scores");
        assert_eq!(
            [tff(&any.exact), tff(&any.overlap)],
            case.any,
            "{}: any",
            case.name
        );
        assert!(r.acronyms.is_none(), "{}", case.name);
    }
}

#[test]
fn ratios_and_zero_denominators() {
    let c = Counts::new(0, 0, 0);
    assert_eq!((c.precision, c.recall, c.f1), (0.0, 0.0, 0.0));
    let c = Counts::new(0, 0, 4);
    assert_eq!((c.precision, c.recall, c.f1), (0.0, 0.0, 0.0));
    let c = Counts::new(1, 1, 2);
    assert_eq!(c.precision, 0.5);
    assert!((c.recall - 1.0 / 3.0).abs() < 1e-12);
    assert!((c.f1 - 0.4).abs() < 1e-12);
}

#[test]
fn empty_prediction_scores_zero_everywhere() {
    let g = [gold("d", &[(0, 5, "method")])];
    let r = score(&g, &[]);
    let m = r.types["method"];
    assert_eq!(
        (m.exact.precision, m.exact.recall, m.exact.f1),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(r.docs, 1);
}

#[test]
fn only_abstract_mentions_and_matching_ids_count() {
    let g = [
        gold("a", &[(0, 5, "method")]),
        gold("b", &[(0, 5, "method")]),
    ];
    let mut pa = pred("a", &[]);
    pa.mentions.push(mention(0, 5, "method", Field::Title));
    let pb = pred("b", &[(0, 5, "method")]);
    let stranger = pred("zzz", &[(0, 5, "method")]);
    let r = score(&g, &[stranger, pb, pa]);
    assert_eq!(tff(&r.types["method"].exact), (1, 0, 1));
}

#[test]
fn counts_sum_over_documents_and_types_come_from_gold() {
    let g = [
        gold("a", &[(0, 5, "method"), (6, 9, "dataset")]),
        gold("b", &[(0, 5, "concept")]),
    ];
    let p = [
        pred("a", &[(0, 5, "method"), (6, 9, "method")]),
        pred("b", &[(0, 5, "concept"), (8, 9, "concept")]),
    ];
    let r = score(&g, &p);
    assert_eq!(
        r.types.keys().cloned().collect::<Vec<_>>(),
        ["concept", "dataset", "method"]
    );
    assert_eq!(tff(&r.types["method"].exact), (1, 1, 0));
    assert_eq!(tff(&r.types["dataset"].exact), (0, 0, 1));
    assert_eq!(tff(&r.types["concept"].exact), (1, 1, 0));
    assert_eq!(tff(&r.any.unwrap().exact), (3, 1, 0));
}

#[test]
fn acronym_pairs_case_sensitive_short_case_folded_long() {
    let mut g = gold("s", &[]);
    g.acronyms = vec![
        ("QA".into(), "Question Answering".into()),
        ("LSTM".into(), "long short - term memory".into()),
        ("GAN".into(), "generative adversarial network".into()),
    ];
    let mut p = pred("s", &[(0, 2, "method")]);
    let pair = |s: &str, l: &str| Acronym {
        short: s.into(),
        long: l.into(),
    };
    p.acronyms = vec![
        pair("QA", "question  answering"), // long differs in case/space: hit
        pair("Lstm", "long short - term memory"), // short differs in case: miss
        pair("GAN", "Generative Adversarial Network"), // hit
        pair("GAN", "generative adversarial network"), // duplicate after normalization
    ];
    let r = score_in(&Scope::for_format(GoldFormat::Sdu), &[g], &[p]);
    assert!(r.types.is_empty());
    assert!(r.any.is_none());
    assert_eq!(tff(&r.acronyms.unwrap()), (2, 1, 1));
}

#[test]
fn acronym_short_forms_lose_enclosing_brackets() {
    let mut g = gold("s", &[]);
    // Gold short spans that took in a bracket token ("( QKD )", "( DI").
    g.acronyms = vec![
        ("( QKD )".into(), "quantum key distribution".into()),
        ("( DI".into(), "dyadic indicator".into()),
        ("F(x)".into(), "some function".into()),
    ];
    let mut p = pred("s", &[]);
    let pair = |s: &str, l: &str| Acronym {
        short: s.into(),
        long: l.into(),
    };
    p.acronyms = vec![
        pair("QKD", "quantum key distribution"),
        pair("DI", "dyadic indicator"),
        pair("F(x", "some function"), // an inner bracket stays: miss
    ];
    let r = score_in(&Scope::for_format(GoldFormat::Sdu), &[g], &[p]);
    assert_eq!(tff(&r.acronyms.unwrap()), (2, 1, 1));
}

#[test]
fn json_shape_is_stable() {
    let g = [gold("d", &[(0, 5, "method")])];
    let mut r = score_in(
        &Scope::for_format(GoldFormat::Tdmsci),
        &g,
        &[pred("d", &[(0, 5, "method")])],
    );
    r.format = Some(GoldFormat::Tdmsci);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["format"], "tdmsci");
    assert_eq!(v["docs"], 1);
    // TDMSci has no method type: the gold method span is out of scope too.
    let keys: Vec<&String> = v["types"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["dataset", "task"]);
    let exact = &v["types"]["dataset"]["exact"];
    for k in ["tp", "fp", "fn", "precision", "recall", "f1"] {
        assert!(exact.get(k).is_some(), "missing {k}");
    }
    assert!(v["any"]["overlap"].is_object());
    assert!(v["acronyms"].is_null());
    let table = r.to_string();
    assert!(table.contains("gold: tdmsci, 1 documents"));
    assert!(table
        .lines()
        .any(|l| l.starts_with("any") && l.contains("overlap")));
}

#[test]
fn material_gold_accepts_dataset_and_material_predictions_in_scierc_only() {
    // (format, predictions, expected (tp, fp, fn) of the material/dataset row, exact and
    // overlap; expected any-entity exact)
    type Row = (
        GoldFormat,
        &'static str,
        &'static [(usize, usize, &'static str)],
        [(usize, usize, usize); 2],
        (usize, usize, usize),
    );
    let rows: &[Row] = &[
        // SciERC Material: a named dataset and a generic material both count
        (
            GoldFormat::Scierc,
            "material",
            &[(0, 5, "dataset"), (10, 15, "material")],
            [(2, 0, 0), (2, 0, 0)],
            (2, 0, 0),
        ),
        // the same span as dataset and material counts once
        (
            GoldFormat::Scierc,
            "material",
            &[(0, 5, "dataset"), (0, 5, "material"), (10, 15, "material")],
            [(2, 0, 0), (2, 0, 0)],
            (2, 0, 0),
        ),
        // TDMSci DATASET: only named datasets; material predictions are not scored at all
        (
            GoldFormat::Tdmsci,
            "dataset",
            &[
                (0, 5, "dataset"),
                (10, 15, "material"),
                (40, 45, "material"),
            ],
            [(1, 0, 1), (1, 0, 1)],
            (1, 0, 1),
        ),
        // GSAP-NER likewise
        (
            GoldFormat::Gsap,
            "dataset",
            &[(10, 15, "material")],
            [(0, 0, 2), (0, 0, 2)],
            (0, 0, 2),
        ),
    ];
    for (format, row, preds, want, any) in rows {
        let g = [gold("d", &[(0, 5, row), (10, 15, row)])];
        let r = score_in(&Scope::for_format(*format), &g, &[pred("d", preds)]);
        let s = &r.types[*row];
        assert_eq!(
            [tff(&s.exact), tff(&s.overlap)],
            *want,
            "{format} {preds:?}"
        );
        assert_eq!(tff(&r.any.unwrap().exact), *any, "{format} {preds:?}");
        assert!(!r.types.contains_key("material") || *format == GoldFormat::Scierc);
    }
    let r = score_in(&Scope::for_format(GoldFormat::Scierc), &[], &[]);
    let keys: Vec<&str> = r.types.keys().map(String::as_str).collect();
    assert_eq!(keys, ["material", "method", "task"]);
}

#[test]
fn task_gold_accepts_concept_predictions_in_scierc_only() {
    // (format, gold label row, predictions, expected (tp, fp, fn) of that row exact, and
    // of any-entity exact). Gold: two spans (0,5) and (10,15) of the row's type.
    type Row = (
        GoldFormat,
        &'static str,
        &'static [(usize, usize, &'static str)],
        (usize, usize, usize),
        (usize, usize, usize),
    );
    let rows: &[Row] = &[
        // SciERC Task: a research task and a paradigm ("semi-supervised learning") both count
        (
            GoldFormat::Scierc,
            "task",
            &[(0, 5, "task"), (10, 15, "concept")],
            (2, 0, 0),
            (2, 0, 0),
        ),
        // a wrong concept is a false positive there
        (
            GoldFormat::Scierc,
            "task",
            &[(0, 5, "task"), (20, 25, "concept")],
            (1, 1, 1),
            (1, 1, 1),
        ),
        // TDMSci TASK: research tasks only; concept predictions are not scored at all
        (
            GoldFormat::Tdmsci,
            "task",
            &[(0, 5, "task"), (10, 15, "concept"), (20, 25, "concept")],
            (1, 0, 1),
            (1, 0, 1),
        ),
        // GSAP-NER Task likewise: a concept on a Task span is no task ...
        (
            GoldFormat::Gsap,
            "task",
            &[(0, 5, "task"), (10, 15, "concept")],
            (1, 0, 1),
            // (it is scored as a method there, and "any" ignores types)
            (2, 0, 0),
        ),
        // ... and a concept on a GSAP Method span ("knowledge distillation") is right
        (
            GoldFormat::Gsap,
            "method",
            &[(0, 5, "concept"), (10, 15, "method")],
            (2, 0, 0),
            (2, 0, 0),
        ),
    ];
    for (format, row, preds, want, any) in rows {
        let g = [gold("d", &[(0, 5, row), (10, 15, row)])];
        let r = score_in(&Scope::for_format(*format), &g, &[pred("d", preds)]);
        assert_eq!(tff(&r.types[*row].exact), *want, "{format} {preds:?}");
        assert_eq!(tff(&r.any.unwrap().exact), *any, "{format} {preds:?}");
        assert!(!r.types.contains_key("concept"), "{format}");
    }
}
