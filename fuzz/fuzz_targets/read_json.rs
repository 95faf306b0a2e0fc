#![no_main]
// The json reader on arbitrary bytes, selected by the file extension.

use libfuzzer_sys::fuzz_target;

#[path = "../common/reader.rs"]
mod reader;

fuzz_target!(|data: &[u8]| reader::check("papers.json", data));
