#![no_main]
// A file without a telling extension: the format is sniffed from the content.

use libfuzzer_sys::fuzz_target;

#[path = "../common/reader.rs"]
mod reader;

fuzz_target!(|data: &[u8]| reader::check("papers", data));
