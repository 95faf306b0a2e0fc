//! Property tests of the extractor with the repository's `rules/` (the CI twin of the
//! `extract` fuzz target): on any title and abstract it does not panic, and every mention's
//! code-point offsets select exactly its text in its field.

use paperkg::corpus::{Paper, SourcePos};
use paperkg::extract::{extract, Field};
use paperkg::rules::{load_dir, RuleSet};
use proptest::prelude::*;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        load_dir(&dir).expect("the repository's rules load")
    })
}

fn paper(title: &str, abs: &str) -> Paper {
    Paper::new(
        "p",
        title,
        abs,
        SourcePos {
            file: "prop".into(),
            line: 1,
        },
    )
}

/// Text made of pieces the rules react to (dictionary terms, acronym definitions, trigger
/// words) mixed with punctuation, case changes, multi-byte and odd characters.
fn texty() -> impl Strategy<Value = String> + Clone {
    texty_with_unicode_spaces().prop_map(|s| {
        s.chars()
            .map(|c| {
                if c.is_whitespace() && !c.is_ascii() {
                    ' '
                } else {
                    c
                }
            })
            .collect()
    })
}

/// [`texty`] including non-ASCII whitespace (no-break space, U+2028, ideographic space…),
/// common in scraped abstracts.
fn texty_with_unicode_spaces() -> impl Strategy<Value = String> + Clone {
    prop::collection::vec(
        prop_oneof![
            5 => prop::sample::select(vec![
                "We propose ", "using ", "experiments on ", "evaluated on ", "datasets: ",
                "large language models", "LLMs", "LLM", "CIFAR-100", "CIFAR100", "ImageNet",
                "BERT", "GPT-4", "transformer", "Transformers", "continual learning",
                "knowledge distillation", "contrastive learning", "mixture-of-experts",
                "Solo Performance Prompting (SPP)", "(SPP)", "SPP", "Graph Adaptive Semantic \
                Transfer (GAST) model", "(GAST)", "GAST", "the NEVIS'22 benchmark",
                "(", ")", "((", "))", ", ", " and ", " or ", "; ", ". ", "-", "—", "'s", "s",
                "\n", "\t", "  ", "\u{a0}", "é", "É", "ß", "東京", "🦀", "İ", "ﬁ", "\u{301}",
                "\u{200b}", "\u{0}", "\u{1b}", "Ω", "K", "ǅ",
            ])
            .prop_map(str::to_string),
            2 => "[A-Z]{2,6}",
            2 => "[a-zA-Z]{1,10}",
            1 => any::<String>(),
        ],
        0..30,
    )
    .prop_map(|p| p.concat())
}

fn check(title: &str, abs: &str) -> Result<(), TestCaseError> {
    let p = paper(title, abs);
    let ex = extract(rules(), &p);
    prop_assert_eq!(&ex.id, "p");
    for m in &ex.mentions {
        let field = match m.field {
            Field::Title => title,
            Field::Abstract => abs,
        };
        prop_assert!(m.start < m.end, "empty or reversed span {:?}", m);
        prop_assert!(m.end <= field.chars().count(), "span past the end {:?}", m);
        let got: String = field.chars().skip(m.start).take(m.end - m.start).collect();
        prop_assert_eq!(&got, &m.text, "offsets of {:?}", m);
        prop_assert!(!m.canonical.trim().is_empty(), "empty canonical {:?}", m);
        prop_assert!(
            rules().entity_types().iter().any(|t| t.name == m.etype),
            "unknown type {:?}",
            m
        );
    }
    // Extraction is a pure function: the same paper gives the same result.
    prop_assert_eq!(extract(rules(), &p), ex);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn offsets_select_the_mention_text(title in texty(), abs in texty()) {
        check(&title, &abs)?;
    }

    #[test]
    fn offsets_select_the_mention_text_with_unicode_spaces(
        title in texty_with_unicode_spaces(),
        abs in texty_with_unicode_spaces(),
    ) {
        check(&title, &abs)?;
    }
}

/// The smallest input the property found, kept as a plain regression test.
#[test]
fn a_no_break_space_before_an_acronym_definition_does_not_panic() {
    check("", "\u{a0}(GAST)(SPP)").unwrap();
    check(
        "",
        "We use the model\u{a0}SPP (Solo Performance Prompting).",
    )
    .unwrap();
}
