//! Fuzz target: config parsing from arbitrary bytes, strict and lenient, as the CLI reads files
//! and the page reads URL hashes and imported JSON. See `overfit::fuzzing::config`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    overfit::fuzzing::config(data);
});
