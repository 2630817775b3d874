//! Every native GEMM width gives the same bits: for each width this CPU has (128, 256, 512; see
//! src/simd.rs), in each arithmetic mode, the reference fixtures' losses are reproduced bit for
//! bit (tests/fixtures/reference_losses.json, and reference_losses_fused.json where the CPU has
//! FMA), and the GEMM equals the naive loop on odd shapes, both operand layouts, every `Write`
//! and the fused ReLU. Widths the CPU lacks are skipped with a line saying so. Each check first
//! asserts, with `simd::observed()`, that the forced width is the kernel that really runs.

#![cfg(not(target_arch = "wasm32"))]

use overfit::arithmetic::{self, Arithmetic};
use overfit::gemm::{gemm_into, gemm_relu_into, Operand, Write};
use overfit::rng::Rng;
use overfit::simd::{self, Width};

#[path = "common/reference.rs"]
mod reference;

/// The arithmetic modes this CPU has.
fn modes() -> Vec<Arithmetic> {
    let mut m = vec![Arithmetic::Separate];
    if arithmetic::fused_available() {
        m.push(Arithmetic::Fused);
    } else {
        eprintln!("skipped: fused arithmetic (this CPU has no FMA)");
    }
    m
}

/// The widths this CPU has; a line for each one it lacks.
fn widths() -> Vec<Width> {
    for w in Width::ALL.into_iter().filter(|w| !w.available()) {
        eprintln!("skipped: the {}-bit kernel (this CPU lacks it; available: {})", w.bits(), simd::available_list());
    }
    simd::available()
}

/// Runs `f` at `width` in `mode`, after checking that the GEMM really runs the kernel of that
/// width and that arithmetic.
fn at<R>(width: Width, mode: Arithmetic, f: impl FnOnce() -> R) -> R {
    simd::with(width, || {
        arithmetic::with(mode, || {
            assert_eq!(simd::observed(), width, "the forced width must reach the kernel");
            assert_eq!(arithmetic::observed(), mode, "the forced mode must reach the kernel");
            f()
        })
    })
}

#[test]
fn the_reference_losses_are_bit_identical_at_every_width() {
    for mode in modes() {
        let stored: Vec<reference::Run> = serde_json::from_str(&std::fs::read_to_string(reference::fixture_path(mode)).unwrap()).unwrap();
        for width in widths() {
            let computed = at(width, mode, reference::compute_all);
            assert_eq!(stored.len(), computed.len());
            for (s, c) in stored.iter().zip(&computed) {
                assert_eq!(s.name, c.name);
                assert_eq!(s.losses.len(), c.losses.len(), "{}: number of steps", s.name);
                for (i, (&a, &b)) in s.losses.iter().zip(&c.losses).enumerate() {
                    let same = a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
                    assert!(same, "{} ({}, {} bits) step {i}: stored {a:?}, computed {b:?}", s.name, mode.name(), width.bits());
                }
            }
            eprintln!("{} bits, {}: {} runs of {} steps bit-identical to the fixture", width.bits(), mode.name(), computed.len(), reference::STEPS);
        }
    }
}

/// The reference: each element starts from its initial value and adds a * b in ascending k, in
/// `mode` (`f32::mul_add` when fused).
#[allow(clippy::too_many_arguments)]
fn naive(mode: Arithmetic, m: usize, n: usize, k: usize, a: Operand, b: Operand, c: &mut [f32], ldc: usize, write: Write) {
    for i in 0..m {
        for j in 0..n {
            let mut s = match write {
                Write::Overwrite => 0.0f32,
                Write::Accumulate => c[i * ldc + j],
                Write::Bias(bias) => bias[j],
            };
            for p in 0..k {
                let x = if a.transposed { a.data[p * a.ld + i] } else { a.data[i * a.ld + p] };
                let y = if b.transposed { b.data[j * b.ld + p] } else { b.data[p * b.ld + j] };
                s = match mode {
                    Arithmetic::Separate => s + x * y,
                    Arithmetic::Fused => x.mul_add(y, s),
                };
            }
            c[i * ldc + j] = s;
        }
    }
}

#[test]
fn the_gemm_equals_the_naive_loop_at_every_width() {
    let mut r = Rng::new(11, 0);
    let mut random = |n: usize| -> Vec<f32> { (0..n).map(|_| r.normal()).collect() };
    // Shapes that are no multiple of any register block (4 x 8, 6 x 16, 12 x 32), K blocks (256,
    // 128) or row blocks (64, 72), and the benchmark's layers.
    let shapes = [(1, 1, 1), (5, 3, 2), (7, 33, 129), (13, 17, 300), (67, 45, 37), (73, 65, 9), (9, 40, 257), (64, 256, 784), (784, 20, 64), (64, 10, 256)];
    for mode in modes() {
        for width in widths() {
            for &(m, n, k) in &shapes {
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    let lda = if ta { m + 1 } else { k + 3 };
                    let ldb = if tb { k + 2 } else { n + 1 };
                    let ldc = n + 3;
                    let a_data = random(if ta { k } else { m } * lda);
                    let b_data = random(if tb { n } else { k } * ldb);
                    let bias = random(n);
                    let c0 = random(m * ldc);
                    let a = Operand { data: &a_data, ld: lda, transposed: ta };
                    let b = Operand { data: &b_data, ld: ldb, transposed: tb };
                    for write in [Write::Overwrite, Write::Accumulate, Write::Bias(&bias)] {
                        let mut want = c0.clone();
                        naive(mode, m, n, k, a, b, &mut want, ldc, write);
                        let mut got = c0.clone();
                        let mut relu = vec![7.0f32; m * ldc];
                        at(width, mode, || gemm_relu_into(m, n, k, a, b, &mut got, ldc, write, &mut relu));
                        let mut plain = c0.clone();
                        at(width, mode, || gemm_into(m, n, k, a, b, &mut plain, ldc, write));
                        let what = format!("{m}x{n}x{k} ta={ta} tb={tb} {write:?} {} {} bits", mode.name(), width.bits());
                        for (idx, &w) in want.iter().enumerate() {
                            assert_eq!(got[idx].to_bits(), w.to_bits(), "C with ReLU, element {idx}: {what}");
                            assert_eq!(plain[idx].to_bits(), w.to_bits(), "C, element {idx}: {what}");
                            let rl = if idx % ldc >= n { 7.0 } else if w > 0.0 { w } else { 0.0 };
                            assert_eq!(relu[idx].to_bits(), rl.to_bits(), "ReLU, element {idx}: {what}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn forcing_a_width_changes_the_kernel_and_an_unavailable_width_is_refused() {
    for w in widths() {
        assert_eq!(simd::with(w, simd::observed), w);
    }
    // By default the widest.
    if std::env::var("OVERFIT_SIMD").is_err() {
        assert_eq!(simd::observed(), simd::widest());
    }
    for w in Width::ALL.into_iter().filter(|w| !w.available()) {
        assert!(simd::set_default(w).is_err());
        assert!(std::panic::catch_unwind(|| simd::with(w, simd::observed)).is_err());
    }
}
