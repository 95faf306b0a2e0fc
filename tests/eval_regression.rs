//! Extraction quality must not regress: runs the real rules on the gold sets in the shared
//! data folder and fails when a recorded F1 drops by more than [`TOLERANCE`].
//!
//! The figures below were measured with `paperkg eval` at the commit that last changed them
//! (see README "Quality"); raise them when the rules improve. The gold sets are read from
//! `$PAPERKG_DATA` (default `../shared/data` next to the crate); when they are absent (a
//! checkout without the data) the test prints a note and passes, so plain
//! `cargo test --all-targets` works anywhere. Extraction on these sets takes a few seconds
//! even in a debug build (patterns only run near their triggers), so nothing is `#[ignore]`d.

use paperkg::eval::{evaluate, GoldFormat};
use paperkg::rules::{load_dir, RuleSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Allowed drop below a recorded figure.
const TOLERANCE: f64 = 0.02;

fn data_dir() -> PathBuf {
    std::env::var_os("PAPERKG_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Evaluates one gold file; `None` (with a note) when it is not there.
fn eval(rel: &str, format: GoldFormat) -> Option<paperkg::eval::EvalReport> {
    let path = data_dir().join(rel);
    if !path.exists() {
        eprintln!("skipped: {} not found (set PAPERKG_DATA)", path.display());
        return None;
    }
    Some(evaluate(rules(), &path, format).unwrap_or_else(|e| panic!("{e}")))
}

fn check(what: &str, got: f64, recorded: f64, failures: &mut Vec<String>) {
    eprintln!("{what}: {got:.3} (recorded {recorded:.3})");
    if got < recorded - TOLERANCE {
        failures.push(format!(
            "{what}: F1 {got:.3} < recorded {recorded:.3} - {TOLERANCE}"
        ));
    }
}

#[test]
fn scierc_dev_does_not_regress() {
    let Some(r) = eval("scierc/dev.json", GoldFormat::Scierc) else {
        return;
    };
    let any = r.any.unwrap();
    let mut f = Vec::new();
    // 0.567 until this session; quality7 costs two spans ("word segmentation" without
    // "problem", which SciERC includes), the stop-word round gains more (0.570); quality8's
    // spaced-dash and task stop rules three spans (0.574); quality10's stop words four (0.585);
    // session 7's stop word "core" one wrong span fewer (0.586); session 8's metric heads
    // two fewer (0.588).
    check("scierc dev any exact", any.exact.f1, 0.588, &mut f);
    // 0.763 until round quality6, whose dataset rules add one wrong span on dev (0.762);
    // 0.763 again since quality7, 0.768 since quality8, 0.769 since quality10, 0.770 since
    // session 7, 0.772 since session 8.
    check("scierc dev any overlap", any.overlap.f1, 0.772, &mut f);
    check(
        "scierc dev method overlap",
        r.types["method"].overlap.f1,
        0.743,
        &mut f,
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn tdmsci_train_does_not_regress() {
    let Some(r) = eval("tdmsci/train_1500_v2.conll", GoldFormat::Tdmsci) else {
        return;
    };
    let mut f = Vec::new();
    check(
        "tdmsci dataset exact",
        r.types["dataset"].exact.f1,
        0.602,
        &mut f,
    );
    // TASK is scored against `task` predictions since the task type was split from concept
    // (round quality5): 0.520 as concept before, 0.514 as task (docs/QUALITY-LOG.md); 0.529
    // after quality7, 0.534 after quality8, 0.535 after quality9, 0.536 after quality10.
    check("tdmsci task exact", r.types["task"].exact.f1, 0.536, &mut f);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn sdu_acronym_pairs_do_not_regress() {
    let Some(r) = eval("sdu_aaai21_acronyms/ai/dev.json", GoldFormat::Sdu) else {
        return;
    };
    let mut f = Vec::new();
    check("sdu dev pairs", r.acronyms.unwrap().f1, 0.925, &mut f);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn gsap_does_not_regress() {
    let Some(r) = eval("gsap_ner/paragraphs_folds1-9.jsonl", GoldFormat::Gsap) else {
        return;
    };
    let any = r.any.unwrap();
    let mut f = Vec::new();
    check("gsap any exact", any.exact.f1, 0.341, &mut f);
    check("gsap any overlap", any.overlap.f1, 0.577, &mut f);
    check("gsap task exact", r.types["task"].exact.f1, 0.494, &mut f);
    check(
        "gsap dataset exact",
        r.types["dataset"].exact.f1,
        0.562,
        &mut f,
    );
    assert!(f.is_empty(), "{f:#?}");
}
