//! The 512-bit native GEMM (x86-64 AVX-512F): a register block of 12 rows by 32 columns, in both
//! arithmetic modes, and its fused multiply-add ceiling for the benchmark.
//!
//! Per step of p the kernel loads two 16-lane vectors of the packed B panel, broadcasts the twelve
//! elements of A (`vbroadcastss` from memory), and updates 24 accumulators: `_mm512_mul_ps` then
//! `_mm512_add_ps` (separate) or one `_mm512_fmadd_ps` (fused). Each lane is one output element,
//! so its sum is the one of the 128-bit kernel and of the naive loop, bit for bit. 12 x 32 (24 of
//! the 32 registers) was measured about 7 % faster in the fused mode than 8 x 32 on the
//! benchmark's MLP step (docs/performance.md); the K blocks are 128 deep (a 16 KiB panel).

use super::wide::{self, Kernel};
use super::{Operand, Start, Write};
use core::arch::x86_64::*;

pub(super) struct Avx512;

impl Kernel for Avx512 {
    const MR: usize = 12;
    const NR: usize = 32;
    const KC: usize = 128;
    const MC: usize = 72;

    #[inline(always)]
    unsafe fn block(mr: usize, kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start, fused: bool) {
        macro_rules! go {
            ($f:literal) => {
                match mr {
                    12 => kernel::<12, $f>(kc, apanel, bpanel, c, ldc, start),
                    11 => kernel::<11, $f>(kc, apanel, bpanel, c, ldc, start),
                    10 => kernel::<10, $f>(kc, apanel, bpanel, c, ldc, start),
                    9 => kernel::<9, $f>(kc, apanel, bpanel, c, ldc, start),
                    8 => kernel::<8, $f>(kc, apanel, bpanel, c, ldc, start),
                    7 => kernel::<7, $f>(kc, apanel, bpanel, c, ldc, start),
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

/// The product of `gemm_blocked` (k > 0) at 512 bits. Only called when the CPU has AVX-512F and FMA
/// (`simd::Width::W512.available()`).
#[target_feature(enable = "avx512f,fma")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn gemm(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: *mut f32, ldc: usize, write: Write, relu: *mut f32, fused: bool) {
    wide::run::<Avx512>(m, n, k, a, b, c, ldc, write, relu, fused)
}

/// acc + a * b: one fused multiply-add (`FMA`) or a rounded multiply and a rounded add.
#[inline(always)]
unsafe fn madd<const FMA: bool>(acc: __m512, a: __m512, b: __m512) -> __m512 {
    if FMA {
        _mm512_fmadd_ps(a, b, acc)
    } else {
        _mm512_add_ps(acc, _mm512_mul_ps(a, b))
    }
}

/// The register block: C[0..R, 0..32] = start + sum over p < kc of apanel[p * 12 + r] *
/// bpanel[p * 32 ..][..32], in ascending p.
#[target_feature(enable = "avx512f,fma")]
#[inline(never)]
unsafe fn kernel<const R: usize, const FMA: bool>(kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start) {
    let mut acc = [[_mm512_setzero_ps(); 2]; R];
    match start {
        Start::Zero => {}
        Start::LoadC => {
            for (r, row) in acc.iter_mut().enumerate() {
                row[0] = _mm512_loadu_ps(c.add(r * ldc));
                row[1] = _mm512_loadu_ps(c.add(r * ldc + 16));
            }
        }
        Start::Bias(bias) => {
            let (b0, b1) = (_mm512_loadu_ps(bias), _mm512_loadu_ps(bias.add(16)));
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
        let b0 = _mm512_loadu_ps(bp);
        let b1 = _mm512_loadu_ps(bp.add(16));
        for (r, row) in acc.iter_mut().enumerate() {
            let s = _mm512_set1_ps(*ap.add(r));
            row[0] = madd::<FMA>(row[0], s, b0);
            row[1] = madd::<FMA>(row[1], s, b1);
        }
        ap = ap.add(Avx512::MR);
        bp = bp.add(Avx512::NR);
    }
    for (r, row) in acc.iter().enumerate() {
        _mm512_storeu_ps(c.add(r * ldc), row[0]);
        _mm512_storeu_ps(c.add(r * ldc + 16), row[1]);
    }
}

/// Independent accumulators of `fma_chain`: enough to cover the latency of a fused multiply-add on
/// two pipes, few enough to stay in the 32 vector registers with the operands.
const CHAIN: usize = 12;

/// Flops of one round of `fma_chain`: 12 fused multiply-adds of 16 lanes, two flops each.
pub const FMA_CHAIN_FLOPS_PER_ITER: usize = CHAIN * 16 * 2;

/// The 512-bit fused multiply-add ceiling: `iters` rounds of 12 independent `vfmadd231ps zmm`
/// and no loads or stores; returns the sum of the accumulators. Only for CPUs with AVX-512F.
#[target_feature(enable = "avx512f,fma")]
pub(super) unsafe fn fma_chain(iters: usize) -> f32 {
    let (x, y) = core::hint::black_box((1.0e-3f32, 1.0e-3f32));
    let (x, y) = (_mm512_set1_ps(x), _mm512_set1_ps(y));
    let mut acc = [_mm512_setzero_ps(); CHAIN];
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = _mm512_fmadd_ps(x, y, *a);
        }
    }
    let mut total = _mm512_setzero_ps();
    for a in acc {
        total = _mm512_add_ps(total, a);
    }
    let mut out = [0.0f32; 16];
    _mm512_storeu_ps(out.as_mut_ptr(), total);
    out.iter().sum()
}
