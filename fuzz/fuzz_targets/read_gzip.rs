#![no_main]
// gzip input. The first byte chooses: odd → the rest is taken as raw `.gz` bytes (the
// decoder's error paths: bad headers, truncation, corrupt deflate, trailing garbage);
// even → the rest is gzip-compressed, then cut at a point chosen by the second byte, so
// valid streams of every format end at arbitrary places.

use flate2::{write::GzEncoder, Compression};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

#[path = "../common/reader.rs"]
mod reader;

const NAMES: [&str; 6] = [
    "p.txt.gz",
    "p.jsonl.gz",
    "p.json.gz",
    "p.csv.gz",
    "p.tsv.gz",
    "p.gz",
];

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fuzz_target!(|data: &[u8]| {
    let [sel, cut, rest @ ..] = data else { return };
    let name = NAMES[(*sel as usize >> 1) % NAMES.len()];
    if sel & 1 == 1 {
        reader::check(name, rest);
    } else {
        let mut z = gzip(rest);
        if *cut != 0xff {
            let keep = z.len() * (*cut as usize) / 255;
            z.truncate(keep);
        }
        reader::check(name, &z);
    }
});
