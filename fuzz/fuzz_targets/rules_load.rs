#![no_main]
// The rules loader on one arbitrary rule file (the first byte chooses whether a small
// dictionary file it may point at exists next to it). Errors are fine; panics are not, and
// every diagnostic must point at a line of the file.

use libfuzzer_sys::fuzz_target;
use paperkg::rules::{load_dir, RulesError};

fuzz_target!(|data: &[u8]| {
    let [sel, rest @ ..] = data else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fuzz.toml"), rest).unwrap();
    if sel & 1 == 1 {
        std::fs::create_dir(dir.path().join("dictionaries")).unwrap();
        std::fs::write(
            dir.path().join("dictionaries/list.tsv"),
            "# name\taliases\nBERT\tbert-base\n\t\nGPT-4\n",
        )
        .unwrap();
    }
    if let Err(RulesError::Invalid(diags)) = load_dir(dir.path()) {
        let lines = rest.iter().filter(|&&b| b == b'\n').count() + 1;
        for d in diags {
            if d.file.ends_with("fuzz.toml") {
                assert!(d.line >= 1 && d.line <= lines, "{d}");
            }
            assert!(!d.message.is_empty());
        }
    }
});
