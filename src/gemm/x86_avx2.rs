//! The 256-bit native GEMM (x86-64 AVX2 + FMA): a register block of 6 rows by 16 columns, in both
//! arithmetic modes, and its fused multiply-add ceiling for the benchmark.
//!
//! Per step of p the kernel loads two 8-lane vectors of the packed B panel, broadcasts the six
//! elements of A, and updates twelve accumulators: `_mm256_mul_ps` then `_mm256_add_ps` (separate)
//! or one `_mm256_fmadd_ps` (fused). Each lane is one output element, so its sum is the one of the
//! 128-bit kernel and of the naive loop, bit for bit.

use super::wide::{self, Kernel};
use super::{Operand, Start, Write};
use core::arch::x86_64::*;

pub(super) struct Avx2;

impl Kernel for Avx2 {
    const MR: usize = 6;
    const NR: usize = 16;
    const KC: usize = 256;
    const MC: usize = 72;

    #[inline(always)]
    unsafe fn block(mr: usize, kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start, fused: bool) {
        macro_rules! go {
            ($f:literal) => {
                match mr {
                    6 => kernel::<6, $f>(kc, apanel, bpanel, c, ldc, start),
                    5 => kernel::<5, $f>(kc, apanel, bpanel, c, ldc, start),
                    4 => kernel::<4, $f>(kc, apanel, bpanel, c, ldc, start),
                    3 => kernel::<3, $f>(kc, apanel, bpanel, c, ldc, start),
                    2 => kernel::<2, $f>(kc, apanel, bpanel, c, ldc, start),
                    1 => kernel::<1, $f>(kc, apanel, bpanel, c, ldc, start),
                    _ => unreachable!("block height {mr}"),
                }
            };
        }
        if fused {
            go!(true)
        } else {
            go!(false)
        }
    }
}

/// The product of `gemm_blocked` (k > 0) at 256 bits. Only called when the CPU has AVX2 and FMA
/// (`simd::Width::W256.available()`).
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn gemm(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: *mut f32, ldc: usize, write: Write, relu: *mut f32, fused: bool) {
    wide::run::<Avx2>(m, n, k, a, b, c, ldc, write, relu, fused)
}

/// acc + a * b: one fused multiply-add (`FMA`) or a rounded multiply and a rounded add.
#[inline(always)]
unsafe fn madd<const FMA: bool>(acc: __m256, a: __m256, b: __m256) -> __m256 {
    if FMA {
        _mm256_fmadd_ps(a, b, acc)
    } else {
        _mm256_add_ps(acc, _mm256_mul_ps(a, b))
    }
}

/// The register block: C[0..R, 0..16] = start + sum over p < kc of apanel[p * 6 + r] *
/// bpanel[p * 16 ..][..16], in ascending p.
#[target_feature(enable = "avx2,fma")]
#[inline(never)]
unsafe fn kernel<const R: usize, const FMA: bool>(kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start) {
    let mut acc = [[_mm256_setzero_ps(); 2]; R];
    match start {
        Start::Zero => {}
        Start::LoadC => {
            for (r, row) in acc.iter_mut().enumerate() {
                row[0] = _mm256_loadu_ps(c.add(r * ldc));
                row[1] = _mm256_loadu_ps(c.add(r * ldc + 8));
            }
        }
        Start::Bias(bias) => {
            let (b0, b1) = (_mm256_loadu_ps(bias), _mm256_loadu_ps(bias.add(8)));
            for row in acc.iter_mut() {
                *row = [b0, b1];
            }
        }
    }
    // As in the 128-bit kernel: the store addresses are recomputed after the loop.
    let (c, ldc) = core::hint::black_box((c, ldc));
    let mut ap = apanel;
    let mut bp = bpanel;
    for _ in 0..kc {
        let b0 = _mm256_loadu_ps(bp);
        let b1 = _mm256_loadu_ps(bp.add(8));
        for (r, row) in acc.iter_mut().enumerate() {
            let s = _mm256_broadcast_ss(&*ap.add(r));
            row[0] = madd::<FMA>(row[0], s, b0);
            row[1] = madd::<FMA>(row[1], s, b1);
        }
        ap = ap.add(Avx2::MR);
        bp = bp.add(Avx2::NR);
    }
    for (r, row) in acc.iter().enumerate() {
        _mm256_storeu_ps(c.add(r * ldc), row[0]);
        _mm256_storeu_ps(c.add(r * ldc + 8), row[1]);
    }
}

/// Independent accumulators of `fma_chain`: enough to cover the latency of a fused multiply-add on
/// two pipes, few enough to stay in the 16 vector registers with the operands.
const CHAIN: usize = 12;

/// Flops of one round of `fma_chain`: 12 fused multiply-adds of 8 lanes, two flops each.
pub const FMA_CHAIN_FLOPS_PER_ITER: usize = CHAIN * 8 * 2;

/// The 256-bit fused multiply-add ceiling: `iters` rounds of 12 independent `vfmadd231ps ymm`
/// and no loads or stores; returns the sum of the accumulators. Only for CPUs with AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn fma_chain(iters: usize) -> f32 {
    let (x, y) = core::hint::black_box((1.0e-3f32, 1.0e-3f32));
    let (x, y) = (_mm256_set1_ps(x), _mm256_set1_ps(y));
    let mut acc = [_mm256_setzero_ps(); CHAIN];
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = _mm256_fmadd_ps(x, y, *a);
        }
    }
    let mut total = _mm256_setzero_ps();
    for a in acc {
        total = _mm256_add_ps(total, a);
    }
    let mut out = [0.0f32; 8];
    _mm256_storeu_ps(out.as_mut_ptr(), total);
    out.iter().sum()
}
