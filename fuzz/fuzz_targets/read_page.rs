#![no_main]
// The page reader on arbitrary bytes, selected by the file extension.

use libfuzzer_sys::fuzz_target;

#[path = "../common/reader.rs"]
mod reader;

fuzz_target!(|data: &[u8]| reader::check("trending.txt", data));
