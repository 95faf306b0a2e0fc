#![no_main]
// The CSV/TSV reader on arbitrary bytes; the first byte picks the delimiter (extension).

use libfuzzer_sys::fuzz_target;

#[path = "../common/reader.rs"]
mod reader;

fuzz_target!(|data: &[u8]| {
    let (name, rest) = match data.split_first() {
        Some((b, rest)) if b & 1 == 1 => ("papers.tsv", rest),
        Some((_, rest)) => ("papers.csv", rest),
        None => ("papers.csv", data),
    };
    reader::check(name, rest)
});
