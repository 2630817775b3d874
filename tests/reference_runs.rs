//! The native half of the native-vs-wasm reproducibility check: a few fixed configs, their first
//! training losses, stored per arithmetic mode (see src/arithmetic.rs):
//! tests/fixtures/reference_losses.json (separate multiply and add) and
//! tests/fixtures/reference_losses_fused.json (fused multiply-add). This test fails if the native
//! build no longer produces the stored numbers bit for bit; `tests/wasm_node.rs` checks the wasm
//! build that ran it against the fixture of its mode (scripts/test-wasm-fused.sh runs it for the
//! fused build). The fused fixture is checked only on CPUs with FMA. Regenerate with
//! `OVERFIT_BLESS=1 cargo test --release --test reference_runs`.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::arithmetic::{self, Arithmetic};

#[path = "common/reference.rs"]
mod reference;

/// Whether two losses are the same f32, bit for bit; any NaN equals any NaN, whatever its payload.
fn same_loss(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn read(mode: Arithmetic) -> Vec<reference::Run> {
    serde_json::from_str(&std::fs::read_to_string(reference::fixture_path(mode)).unwrap()).unwrap()
}

fn check(mode: Arithmetic) {
    let computed = arithmetic::with(mode, reference::compute_all);
    if std::env::var("OVERFIT_BLESS").is_ok() {
        std::fs::write(reference::fixture_path(mode), serde_json::to_string_pretty(&computed).unwrap()).unwrap();
    }
    let stored = read(mode);
    assert_eq!(stored.len(), computed.len());
    for (s, c) in stored.iter().zip(&computed) {
        assert_eq!(s.name, c.name);
        assert_eq!(s.losses.len(), c.losses.len(), "{}: number of steps", s.name);
        for (i, (&a, &b)) in s.losses.iter().zip(&c.losses).enumerate() {
            assert!(same_loss(a, b), "{} ({}) step {i}: stored {a:?} ({:#010x}), native {b:?} ({:#010x})", s.name, mode.name(), a.to_bits(), b.to_bits());
        }
    }
}

#[test]
fn native_losses_match_the_stored_reference_with_separate_arithmetic() {
    check(Arithmetic::Separate);
}

#[test]
fn native_losses_match_the_stored_reference_with_fused_arithmetic() {
    if !arithmetic::fused_available() {
        eprintln!("skipped: this CPU has no FMA, so the fused fixture cannot be checked here");
        return;
    }
    check(Arithmetic::Fused);
}

/// The two fixtures must really be two: if the fused mode silently ran the separate kernel, both
/// would hold the same numbers. They agree closely at the start and drift apart with training.
#[test]
fn the_two_fixtures_differ_but_stay_close() {
    let (sep, fused) = (read(Arithmetic::Separate), read(Arithmetic::Fused));
    assert_eq!(sep.len(), fused.len());
    let mut differ = 0;
    for (s, f) in sep.iter().zip(&fused) {
        assert_eq!(s.name, f.name);
        differ += s.losses.iter().zip(&f.losses).filter(|(a, b)| !same_loss(**a, **b)).count();
        let (a, b) = (s.losses[0], f.losses[0]);
        assert!((a - b).abs() <= 1e-4 * a.abs().max(1.0), "{}: first loss {a} vs {b}", s.name);
    }
    let total: usize = sep.iter().map(|r| r.losses.len()).sum();
    assert!(differ > total / 2, "only {differ} of {total} losses differ between the modes");
}
