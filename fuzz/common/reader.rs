// Shared by the reader targets: write the input to a temp file with the given name, read
// it through `corpus::read_inputs` and check the accounting invariant.

use paperkg::corpus::{read_inputs, ReadOptions, Record};
use std::io::Write;

/// Reads `bytes` as a file called `name`. Never panics on its own; the properties checked
/// are: the stream ends, every item is a paper or a reject or one final error, records
/// carry the file name and a line >= 1, and paper ids are unique.
pub fn check(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write input");
    let shown = path.display().to_string();
    let records = match read_inputs(&[path], &ReadOptions::default()) {
        Ok(r) => r,
        Err(_) => return, // a clear up-front error (e.g. a CSV without a title column)
    };
    let mut ids = std::collections::HashSet::new();
    let mut ended = false;
    for item in records {
        assert!(!ended, "an item after the error that ended the stream");
        match item {
            Ok(Record::Paper(p)) => {
                assert_eq!(p.source.file, shown);
                assert!(p.source.line >= 1);
                assert!(!p.id.is_empty());
                assert!(!p.title.is_empty() && p.title.trim() == p.title);
                assert!(!p.abstract_text.trim().is_empty());
                assert!(!p.title.contains('\0') && !p.abstract_text.contains('\0'));
                assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
            }
            Ok(Record::Reject(r)) => {
                assert_eq!(r.file, shown);
                assert!(r.line >= 1);
                assert!(!r.reason.is_empty());
                // At most 100 quoted characters, each at most 10 when escaped (`\u{10ffff}`).
                assert!(r.reason.chars().count() < 1200, "{}", r.reason);
            }
            Err(_) => ended = true,
        }
    }
}
