//! The fused multiply-add ceilings the benchmark compares the GEMM with: independent chains of
//! fused multiply-adds with no loads or stores, at 128 bits (the kernel's `v4`) and, natively, at
//! the 256- and 512-bit widths of `x86_avx2` and `x86_avx512`.

use super::v4;
#[cfg(target_arch = "x86_64")]
use super::{x86_avx2, x86_avx512};

/// Independent accumulators of `fma_chain`: enough to cover the latency of a fused multiply-add
/// (4 to 5 cycles) on two pipes, few enough to stay in the 16 vector registers with the operands.
const CHAIN: usize = 12;

/// The fused multiply-add ceiling of the SIMD the kernel uses, for the bench: `iters` rounds of
/// 2 x 12 independent 4-lane fused multiply-adds (2 x 12 x 4 x 2 = 192 flops per round) and no
/// loads or stores. Returns a sum of the accumulators, so the work cannot be dropped. Only
/// meaningful where `arithmetic::fused_available()` (elsewhere it runs the exact software
/// fallback).
pub fn fma_chain(iters: usize) -> f32 {
    // SAFETY: the fused instructions are reached only where this build or CPU has them (wasm:
    // compiled in; x86-64: FMA checked here).
    #[cfg(target_arch = "x86_64")]
    if crate::arithmetic::fused_available() {
        return unsafe { fma_chain_fma(iters) };
    }
    unsafe { fma_chain_body(iters) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,fma")]
unsafe fn fma_chain_fma(iters: usize) -> f32 {
    fma_chain_body(iters)
}

#[inline(always)]
unsafe fn fma_chain_body(iters: usize) -> f32 {
    use v4::*;
    let (x, y) = core::hint::black_box((1.0e-3f32, 1.0e-3f32));
    let (x, y) = (load_splat(&x), load_splat(&y));
    let mut acc = [zero(); CHAIN];
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = fmadd(*a, x, y);
        }
        for a in acc.iter_mut() {
            *a = fmadd(*a, x, y);
        }
    }
    let mut out = [0.0f32; 4];
    let mut total = zero();
    for a in acc {
        total = mul_add(total, a, load_splat(&1.0));
    }
    store(out.as_mut_ptr(), total);
    out.iter().sum()
}

/// Flops of one round of `fma_chain`.
pub const FMA_CHAIN_FLOPS_PER_ITER: usize = 2 * CHAIN * 4 * 2;

/// The fused multiply-add ceiling at `width` (see `simd.rs`): `fma_chain` for 128 bits, chains of
/// independent 256- or 512-bit fused multiply-adds for the wider widths (the same 12
/// accumulators, one fused multiply-add each per round). Returns the sum of the accumulators;
/// `fma_chain_flops_per_iter(width)` flops per round. Panics where the CPU lacks the width.
pub fn fma_chain_at(width: crate::simd::Width, iters: usize) -> f32 {
    use crate::simd::Width;
    assert!(width.available(), "the {}-bit kernel is not available on this CPU", width.bits());
    match width {
        Width::W128 => fma_chain(iters),
        // SAFETY: the CPU has the width's features (checked above).
        #[cfg(target_arch = "x86_64")]
        Width::W256 => unsafe { x86_avx2::fma_chain(iters) },
        #[cfg(target_arch = "x86_64")]
        Width::W512 => unsafe { x86_avx512::fma_chain(iters) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => unreachable!(),
    }
}

/// Flops of one round of `fma_chain_at(width, ..)`.
pub fn fma_chain_flops_per_iter(width: crate::simd::Width) -> usize {
    match width {
        crate::simd::Width::W128 => FMA_CHAIN_FLOPS_PER_ITER,
        #[cfg(target_arch = "x86_64")]
        crate::simd::Width::W256 => x86_avx2::FMA_CHAIN_FLOPS_PER_ITER,
        #[cfg(target_arch = "x86_64")]
        crate::simd::Width::W512 => x86_avx512::FMA_CHAIN_FLOPS_PER_ITER,
        #[cfg(not(target_arch = "x86_64"))]
        _ => FMA_CHAIN_FLOPS_PER_ITER,
    }
}
