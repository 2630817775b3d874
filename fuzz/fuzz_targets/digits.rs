//! Fuzz target: decoding a digits data file from arbitrary bytes. See `overfit::fuzzing::digits`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    overfit::fuzzing::digits(data);
});
