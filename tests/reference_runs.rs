//! The native half of the native-vs-wasm reproducibility check: a few fixed configs, their first
//! training losses, stored in tests/fixtures/reference_losses.json. This test fails if the native
//! build no longer produces the stored numbers bit for bit; `tests/wasm_node.rs` checks the wasm
//! build against the same file. Regenerate with `OVERFIT_BLESS=1 cargo test --test reference_runs`.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/reference.rs"]
mod reference;

/// Whether two losses are the same f32, bit for bit; any NaN equals any NaN, whatever its payload.
fn same_loss(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn native_losses_match_the_stored_reference() {
    let computed = reference::compute_all();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference_losses.json");
    if std::env::var("OVERFIT_BLESS").is_ok() {
        std::fs::write(path, serde_json::to_string_pretty(&computed).unwrap()).unwrap();
    }
    let stored: Vec<reference::Run> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(stored.len(), computed.len());
    for (s, c) in stored.iter().zip(&computed) {
        assert_eq!(s.name, c.name);
        assert_eq!(s.losses.len(), c.losses.len(), "{}: number of steps", s.name);
        for (i, (&a, &b)) in s.losses.iter().zip(&c.losses).enumerate() {
            assert!(same_loss(a, b), "{} step {i}: stored {a:?} ({:#010x}), native {b:?} ({:#010x})", s.name, a.to_bits(), b.to_bits());
        }
    }
}
