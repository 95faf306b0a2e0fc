//! Table-driven tests of each extraction rule family on the small `valid` fixture rules.

use paperkg::corpus::{Paper, SourcePos};
use paperkg::extract::{extract, extract_batch, Extraction, Field, Mention, Role};
use paperkg::rules::{load_dir, RuleSet};
use std::path::Path;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/valid"))
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn paper(title: &str, abs: &str) -> Paper {
    Paper::new(
        "x",
        title,
        abs,
        SourcePos {
            file: "t".into(),
            line: 1,
        },
    )
}

fn run(abs: &str) -> Extraction {
    extract(rules(), &paper("", abs))
}

fn texts(x: &Extraction) -> Vec<(String, String)> {
    x.mentions
        .iter()
        .map(|m| (m.text.clone(), m.etype.clone()))
        .collect()
}

fn find<'a>(x: &'a Extraction, text: &str) -> Option<&'a Mention> {
    x.mentions.iter().find(|m| m.text == text)
}

#[test]
fn dictionary_word_boundaries_and_case() {
    // (text, expected mention texts)
    let table: &[(&str, &[&str])] = &[
        ("We train a GAN here.", &["GAN"]),
        ("The organ grows.", &[]),              // no "GAN" inside a word
        ("CIRRUS clouds and CIRR.", &["CIRR"]), // no "CIRR" inside "CIRRUS"
        ("two GANs compete", &["GANs"]),        // plural s
        ("a gan is not a GAN", &["GAN"]),       // "GAN" is case-sensitive (auto)
        (
            "Transformer and TRANSFORMER",
            &["Transformer", "TRANSFORMER"],
        ), // plain word: any case
        ("clip the image with CLIP", &["CLIP"]),
        ("on CIFAR100 and CIFAR-100", &["CIFAR100", "CIFAR-100"]), // dictionary file aliases
        ("POS-transformer module", &["transformer"]),              // hyphen is a boundary
    ];
    for (text, want) in table {
        let x = run(text);
        let got: Vec<String> = x.mentions.iter().map(|m| m.text.clone()).collect();
        assert_eq!(&got, want, "in {text:?}");
    }
    let x = run("a CIFAR100 run");
    let m = find(&x, "CIFAR100").unwrap();
    assert_eq!(
        (m.canonical.as_str(), m.rule.as_str()),
        ("CIFAR-100", "dataset.dict.list")
    );
    let x = run("a GAN");
    assert_eq!(find(&x, "GAN").unwrap().rule, "method.term");
}

#[test]
fn pattern_families() {
    // called-pattern: canonical = capture, rule = id, role from the rule
    let x = run("We build a model called RankMe.");
    let m = find(&x, "RankMe").expect("RankMe");
    assert_eq!(m.etype, "method");
    assert_eq!(m.rule, "method.called");
    assert_eq!(m.role, Some(Role::Proposed));

    // split list pattern
    let x = run("We test on four datasets: FashionIQ, CIRR, GeneCIS, and CIRCO.");
    for n in ["FashionIQ", "CIRR", "GeneCIS", "CIRCO"] {
        let m = find(&x, n).unwrap_or_else(|| panic!("{n} in {:?}", texts(&x)));
        assert_eq!(m.etype, "dataset", "{n}");
        assert_eq!(m.role, Some(Role::EvaluatedOn), "{n}");
    }
    // dictionary wins same span? CIRR is both a term and a list item: one mention only
    assert_eq!(x.mentions.iter().filter(|m| m.text == "CIRR").count(), 1);

    // cut at stop words, stop phrase
    let x = run("Most of the online learning methods.");
    assert!(find(&x, "online learning").is_some(), "{:?}", texts(&x));
    let x = run("Consider the joint learning here.");
    assert!(x.mentions.is_empty(), "{:?}", texts(&x));
}

#[test]
fn acronyms_both_directions() {
    // (text, short, long)
    let table: &[(&str, &str, &str)] = &[
        (
            "we propose Solo Performance Prompting (SPP), which",
            "SPP",
            "Solo Performance Prompting",
        ),
        (
            "we propose SPP (Solo Performance Prompting), which",
            "SPP",
            "Solo Performance Prompting",
        ),
        (
            "we propose Q-SiT (Quality Scoring and Interpreting joint Teaching), a",
            "Q-SiT",
            "Quality Scoring and Interpreting joint Teaching",
        ),
        (
            "this paper presents 3D JOint contrastive learning with TRansformers (JOTR) framework",
            "JOTR",
            "JOint contrastive learning with TRansformers",
        ),
        (
            "named Holistic Proxy-based Contrastive Replay (HPCR), which",
            "HPCR",
            "Holistic Proxy-based Contrastive Replay",
        ),
        (
            "Cross-domain sentiment classification (CDSC) aims",
            "CDSC",
            "Cross-domain sentiment classification",
        ),
        (
            "incorporating Large Language Models (LLMs). However",
            "LLMs",
            "Large Language Models",
        ),
        (
            "we introduce the Never-Ending VIsual-classification Stream (NEVIS'22), a benchmark",
            "NEVIS'22",
            "Never-Ending VIsual-classification Stream",
        ),
        (
            "construct a Mixture-of-Experts~(MoE) architecture",
            "MoE",
            "Mixture-of-Experts",
        ),
        (
            "a method called Retrieval-Augmented Meta Learning(RAML). It",
            "RAML",
            "Retrieval-Augmented Meta Learning",
        ),
    ];
    for (text, short, long) in table {
        let x = run(text);
        assert_eq!(x.acronyms.len(), 1, "{text}: {:?}", x.acronyms);
        assert_eq!(
            (x.acronyms[0].short.as_str(), x.acronyms[0].long.as_str()),
            (*short, *long),
            "{text}"
        );
        // The definition "long (SHORT)" / "SHORT (long)" is one mention, canonical = long form
        // (annotated corpora such as SciERC and TDMSci mark it as one span).
        let d = x
            .mentions
            .iter()
            .find(|m| m.rule == "acronym.long")
            .unwrap_or_else(|| panic!("{text}: definition mention"));
        assert!(d.text.contains(short) && d.text.contains(long), "{d:?}");
        assert_eq!(d.canonical, *long);
    }
}

#[test]
fn acronym_negatives() {
    for text in [
        "as shown before (see Fig. 2) it works",
        "a known result (2020) holds",
        "the parts (i.e., the joints) move",
        "some parts (e.g. the joints) move",
        "large models (a.k.a. teachers) teach",
        "see the results (Section 3).",
        "Results (S) and (T) differ",
        "two stages (II) follow",
        "by Random Noise (XYZ) alone",
        // three letters found inside one word are chance
        "we need these two features (FTE) as well",
        // a participle does not end a long form found without parentheses
        "the scores achieved by the Crowd and SA differ",
        // a long form does not stop before a dash that continues its last word
        "FR denotes Faster R - CNN here",
    ] {
        let x = run(text);
        assert!(x.acronyms.is_empty(), "{text}: {:?}", x.acronyms);
    }
}

#[test]
fn acronyms_without_parentheses() {
    // (text, expected (short, long) pairs, in order of the short forms)
    let table: &[(&str, &[(&str, &str)])] = &[
        // A list of short forms defined by a list of long forms, paired in order.
        (
            "IT , DA , LT stand for Image Translation , Distribution Alignment , and Label Transfer , respectively .",
            &[
                ("IT", "Image Translation"),
                ("DA", "Distribution Alignment"),
                ("LT", "Label Transfer"),
            ],
        ),
        (
            "Here TP and FN denote true positives and false negatives, respectively.",
            &[("TP", "true positives"), ("FN", "false negatives")],
        ),
        (
            "BU , TD denote respectively lower layer bottom - up and top - down connectivity .",
            &[("BU", "bottom - up"), ("TD", "top - down")],
        ),
        // More verbs, and an article after a separator.
        ("CS indicates case - sensitive matching .", &[("CS", "case - sensitive")]),
        ("MPI : a message passing interface standard .", &[("MPI", "message passing interface")]),
        (
            "HMM is an abbreviation for hidden Markov model here .",
            &[("HMM", "hidden Markov model")],
        ),
        // The long form right after the short form, or after an article there.
        ("Baseline policies ( RR Round Robin , WF worst fit )", &[("RR", "Round Robin"), ("WF", "worst fit")]),
        ("the decoder , and LF a late fusion mechanism .", &[("LF", "late fusion")]),
        // Before the short form, as before.
        (
            "To bridge reinforcement learning with robotics , we study RL algorithms .",
            &[("RL", "reinforcement learning")],
        ),
    ];
    for (text, want) in table {
        let x = run(text);
        let got: Vec<(&str, &str)> = x
            .acronyms
            .iter()
            .map(|a| (a.short.as_str(), a.long.as_str()))
            .collect();
        assert_eq!(&got, want, "{text}");
    }
    // Not definitions: a run inside a hyphenated compound, a one-letter word, number words
    // and prepositions, lists of unequal length, a long form far after the short form.
    for text in [
        "a problem of human - agent interaction , as the field of AI shows",
        "the secure multi - beam DM , and the dynamic multi - beam DM was achieved",
        "the performance of the Otsu 's results based on the RR and SR methods",
        "four of the six languages were learned , but the SL language was not",
        "Some of reasons behind choosing Fabric are as follows : Generalized BC works",
        "IT , DA , LT stand for image translation and label transfer .",
        "The small - set GA is a basic genetic algorithm with few choices .",
    ] {
        let x = run(text);
        assert!(x.acronyms.is_empty(), "{text}: {:?}", x.acronyms);
    }
}

#[test]
fn acronym_reuse_plural_and_typing() {
    let x = extract(
        rules(),
        &paper(
            "GAST for CDSC",
            "Cross-domain sentiment classification (CDSC) is hard. We present Graph Adaptive \
             Semantic Transfer (GAST) model. GAST beats all CDSC baselines. Large Language \
             Models (LLMs) help; one LLM is enough.",
        ),
    );
    let uses: Vec<(&str, Field, &str)> = x
        .mentions
        .iter()
        .filter(|m| m.rule == "acronym.use")
        .map(|m| (m.text.as_str(), m.field, m.etype.as_str()))
        .collect();
    assert_eq!(
        uses,
        [
            ("GAST", Field::Title, "method"),
            ("CDSC", Field::Title, "concept"),
            ("GAST", Field::Abstract, "method"),
            ("CDSC", Field::Abstract, "concept"),
            ("LLM", Field::Abstract, "method"), // singular use of a plural short form
        ]
    );
    let by_canonical = |x: &Extraction, c: &str| -> Option<Mention> {
        x.mentions
            .iter()
            .find(|m| m.canonical == c && m.rule == "acronym.long")
            .cloned()
    };
    let gast = by_canonical(&x, "Graph Adaptive Semantic Transfer").unwrap();
    assert_eq!(gast.text, "Graph Adaptive Semantic Transfer (GAST)");
    assert_eq!(gast.role, Some(Role::Proposed));
    // Not proposed and no head noun → the `other` default (concept)
    let x = run("they studied Random Noise Injection (RNI) before");
    assert_eq!(
        by_canonical(&x, "Random Noise Injection").unwrap().etype,
        "concept"
    );
    // Proposed with no head noun → the `proposed` default (method)
    let x = run("we propose Random Noise Injection (RNI) for this");
    assert_eq!(
        by_canonical(&x, "Random Noise Injection").unwrap().etype,
        "method"
    );
}

#[test]
fn overlap_keeps_longest_then_priority() {
    // "continual learning" (dictionary) vs the longer pattern capture
    let x = run("Online continual learning is studied.");
    assert_eq!(
        texts(&x),
        [(
            "Online continual learning".to_string(),
            "concept".to_string()
        )]
    );
    // at most one mention per span and no overlaps at all
    let x = run("We test on four datasets: FashionIQ, CIRR, GeneCIS, and CIRCO with GANs.");
    let mut last_end = 0;
    for m in &x.mentions {
        assert!(m.start >= last_end, "overlap at {m:?}");
        last_end = m.end;
    }
}

#[test]
fn offsets_are_code_points() {
    let abs = "Über naïve GANs — «CIRR» and 日本語 CIFAR-100 with continual learning (CL). CL rocks 🚀 GAN.";
    let x = extract(rules(), &paper("Ünïcödé GAN", abs));
    assert!(x.mentions.len() >= 6, "{:?}", texts(&x));
    for m in &x.mentions {
        let field = match m.field {
            Field::Title => "Ünïcödé GAN",
            Field::Abstract => abs,
        };
        let got: String = field.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(got, m.text, "{m:?}");
    }
    // sorted by (field, start, end)
    let keys: Vec<_> = x
        .mentions
        .iter()
        .map(|m| (m.field, m.start, m.end))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn batch_equals_sequential_and_is_deterministic() {
    let papers: Vec<Paper> = (0..200)
        .map(|i| {
            paper(
                &format!("GAN number {i}"),
                &format!(
                    "We propose Solo Performance Prompting (SPP) v{i}. SPP uses CLIP on \
                     datasets: FashionIQ, CIRR, and CIRCO. {} online learning.",
                    "word ".repeat(i % 7)
                ),
            )
        })
        .collect();
    let seq: Vec<Extraction> = papers.iter().map(|p| extract(rules(), p)).collect();
    let par = extract_batch(rules(), &papers);
    assert_eq!(seq, par);
    assert_eq!(par, extract_batch(rules(), &papers));
}

#[test]
fn serialized_shape_is_the_contract() {
    let x = run("We build a model called RankMe.");
    let v: serde_json::Value = serde_json::to_value(&x).unwrap();
    let m = &v["mentions"][0];
    for k in [
        "type",
        "text",
        "canonical",
        "field",
        "start",
        "end",
        "rule",
        "role",
    ] {
        assert!(m.get(k).is_some(), "missing {k} in {m}");
    }
    assert_eq!(m["role"], "proposed");
    assert_eq!(m["field"], "abstract");
}

#[test]
fn acronym_default_any_takes_proposed_and_other_acronyms() {
    // (acronym_default of type `m`, of type `c`, text, expected type of the long form)
    let table: &[(&str, &str, &str, &str)] = &[
        (
            "any",
            "other",
            "they studied Random Noise Injection (RNI) here",
            "m",
        ),
        (
            "any",
            "other",
            "we propose Random Noise Injection (RNI) here",
            "m",
        ),
        // without `any`, the `other` type takes what a paper does not propose
        (
            "proposed",
            "other",
            "they studied Random Noise Injection (RNI) here",
            "c",
        ),
        (
            "proposed",
            "other",
            "we propose Random Noise Injection (RNI) here",
            "m",
        ),
        // a proposed acronym with a head noun of the `other` (topic) type goes to `any`
        (
            "any",
            "other",
            "we propose Robust Meta Learning (RML) here",
            "m",
        ),
        (
            "any",
            "other",
            "they studied Robust Meta Learning (RML) here",
            "c",
        ),
    ];
    for (m_default, c_default, text, want) in table {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("c.toml"),
            format!("[entity]\ntype = \"c\"\nheads = [\"learning\"]\nacronym_default = \"{c_default}\"\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("m.toml"),
            format!(
                "[entity]\ntype = \"m\"\nacronym_default = \"{m_default}\"\n\n[[pattern]]\nid = \"m.role\"\nregex = '''propose (?P<entity>.+)'''\nrole = \"proposed\"\nemit = false\ntriggers = [\"propose\"]\n"
            ),
        )
        .unwrap();
        let rules = load_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let x = extract(&rules, &paper("", text));
        let long = x
            .mentions
            .iter()
            .find(|m| m.rule == "acronym.long")
            .unwrap_or_else(|| panic!("{text}: {:?}", x.mentions));
        assert_eq!(long.etype, *want, "{m_default}/{c_default}: {text}");
    }
}
