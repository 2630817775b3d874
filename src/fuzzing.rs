//! Entry points shared by the cargo-fuzz targets in fuzz/ and the stable-toolchain property test
//! that feeds them random bytes (tests/proptest_config.rs): each must return without panicking
//! for any input.

use crate::config::Config;

/// Parses bytes as a config strictly and leniently; whatever the lenient parser returns must
/// validate, and a strictly accepted config must build a trainer.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = Config::from_json(text);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let (cfg, _) = Config::from_value_lenient(&value);
        assert!(cfg.validate().is_ok(), "the lenient parser returned an invalid config");
        if let Ok(strict) = Config::from_value(&value) {
            // Keep the fuzzer fast: only small data sets are trained on.
            if strict.points <= 400 && strict.features() <= 1024 && strict.dataset != crate::config::Dataset::Digits {
                if let Ok(mut t) = crate::Trainer::new(&strict) {
                    t.run(2);
                }
            }
        }
    }
}

/// Decodes bytes as a digits file; errors are fine, panics are not.
pub fn digits(data: &[u8]) {
    if let Ok((x, y)) = crate::data::digits::decode(data) {
        assert_eq!(x.len(), y.len() * 64);
    }
}
