//! Runs under `wasm-pack test --node`: the core compiled to wasm32 reproduces the native loss
//! curves of its arithmetic mode bit for bit: tests/fixtures/reference_losses.json for the plain
//! SIMD128 build (separate multiply and add), tests/fixtures/reference_losses_fused.json for the
//! relaxed-SIMD build (fused multiply-add; scripts/test-wasm-fused.sh runs this file for that build
//! in Node with relaxed SIMD switched on). Both are checked natively by reference_runs.rs.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[path = "common/reference.rs"]
mod reference;

/// Whether two losses are the same f32, bit for bit; any NaN equals any NaN, whatever its payload.
fn same_loss(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[wasm_bindgen_test]
fn wasm_losses_match_native_bit_for_bit() {
    use overfit::arithmetic::{self, Arithmetic};
    // The build decides the mode; the kernel must really compute it (an engine may lower relaxed
    // madd to a multiply and an add, and then this build is not the fused one).
    let mode = arithmetic::current();
    assert_eq!(arithmetic::observed(), mode, "the kernel's arithmetic is not the build's");
    let fixture = match mode {
        Arithmetic::Separate => include_str!("fixtures/reference_losses.json"),
        Arithmetic::Fused => include_str!("fixtures/reference_losses_fused.json"),
    };
    let stored: Vec<reference::Run> = serde_json::from_str(fixture).expect("fixture parses");
    let computed = reference::compute_all();
    assert_eq!(stored.len(), computed.len());
    for (s, c) in stored.iter().zip(&computed) {
        assert_eq!(s.name, c.name);
        assert_eq!(s.losses.len(), reference::STEPS);
        assert_eq!(c.losses.len(), reference::STEPS);
        for (i, (&a, &b)) in s.losses.iter().zip(&c.losses).enumerate() {
            assert!(same_loss(a, b), "{} ({}) step {i}: native {a:?} ({:#010x}), wasm {b:?} ({:#010x})", s.name, mode.name(), a.to_bits(), b.to_bits());
        }
    }
}

#[wasm_bindgen_test]
fn the_init_lab_reproduces_the_lecture_in_wasm() {
    let cfg = overfit::config::Config { lab_depth: 6, lab_width: 200, lab_batch: 200, lab_init: overfit::config::WeightInit::Normal001, ..Default::default() };
    let r = overfit::init_lab::run(&cfg);
    assert!(r.layers[5].std < 0.01 * r.layers[0].std, "small init must make tanh activations vanish");
}

/// On wasm32 a usize is 32 bits: the init lab's memory estimate must not wrap around, or a lab
/// needing gigabytes would pass the budget and trap the instance.
#[wasm_bindgen_test]
fn the_init_lab_budget_does_not_overflow_on_wasm32() {
    for json in [
        r#"{"lab_batch": 10000, "lab_width": 2048, "lab_depth": 50}"#,
        r#"{"lab_batch": 4200, "lab_width": 2048, "lab_depth": 50}"#,
    ] {
        let e = overfit::config::Config::from_json(json).unwrap_err();
        assert_eq!(e.field, "lab_batch", "{json}: {e}");
        assert!(e.message.contains("MB"), "{e}");
    }
}
