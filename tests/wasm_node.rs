//! Runs under `wasm-pack test --node`: the core compiled to wasm32 reproduces the native loss
//! curves stored in tests/fixtures/reference_losses.json (checked natively by reference_runs.rs).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[path = "common/reference.rs"]
mod reference;

#[wasm_bindgen_test]
fn wasm_losses_match_native_within_1e_5() {
    let stored: Vec<reference::Run> =
        serde_json::from_str(include_str!("fixtures/reference_losses.json")).expect("fixture parses");
    let computed = reference::compute_all();
    assert_eq!(stored.len(), computed.len());
    let mut max_diff = 0.0f32;
    for (s, c) in stored.iter().zip(&computed) {
        assert_eq!(s.losses.len(), reference::STEPS);
        for (i, (a, b)) in s.losses.iter().zip(&c.losses).enumerate() {
            let d = (a - b).abs();
            max_diff = max_diff.max(d);
            assert!(d <= 1e-5, "{} step {i}: native {a}, wasm {b}", s.name);
        }
    }
    // Every loss is checked above; the largest difference is printed for the record.
    console_log!("largest |native - wasm| loss difference: {max_diff:e}");
}

#[wasm_bindgen_test]
fn the_init_lab_reproduces_the_lecture_in_wasm() {
    let cfg = overfit::config::Config { lab_depth: 6, lab_width: 200, lab_batch: 200, lab_init: overfit::config::WeightInit::Normal001, ..Default::default() };
    let r = overfit::init_lab::run(&cfg);
    assert!(r.layers[5].std < 0.01 * r.layers[0].std, "small init must make tanh activations vanish");
}
