#![no_main]
// The extractor with the repository's rules (or $PAPERKG_FUZZ_RULES) on an arbitrary title
// and abstract: no panic, and every mention's offsets select exactly its text.

use libfuzzer_sys::fuzz_target;
use paperkg::corpus::{Paper, SourcePos};
use paperkg::extract::{extract, Field};
use paperkg::rules::{load_dir, RuleSet};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let dir = std::env::var_os("PAPERKG_FUZZ_RULES")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../rules").into());
        load_dir(&dir).expect("the repository's rules load")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Title and abstract split at the first line break, so both vary.
    let (title, abs) = text.split_once('\n').unwrap_or((text, ""));
    let paper = Paper {
        id: "fuzz".into(),
        title: title.into(),
        abstract_text: abs.into(),
        source: SourcePos {
            file: "fuzz".into(),
            line: 1,
        },
        categories: vec![],
        authors: vec![],
        year: None,
        duplicate_of: None,
    };
    let ex = extract(rules(), &paper);
    for m in &ex.mentions {
        let field = match m.field {
            Field::Title => title,
            Field::Abstract => abs,
        };
        assert!(m.start <= m.end, "{m:?}");
        let got: String = field.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(got, m.text, "offsets of {m:?}");
    }
});
