//! The 4-lane f32 vector of the 128-bit kernel on x86-64: SSE2, FMA where the caller enabled it (`gemm.rs` selects one per target as `v4`).

use core::arch::x86_64::*;
pub type V = __m128;
#[inline(always)]
pub unsafe fn load(p: *const f32) -> V {
    _mm_loadu_ps(p)
}
#[inline(always)]
pub unsafe fn store(p: *mut f32, v: V) {
    _mm_storeu_ps(p, v)
}
#[inline(always)]
#[allow(unused_unsafe)]
pub fn zero() -> V {
    unsafe { _mm_setzero_ps() }
}
/// Four copies of *p (a scalar load and a shuffle with SSE2; one broadcast with AVX).
#[inline(always)]
pub unsafe fn load_splat(p: *const f32) -> V {
    _mm_set1_ps(*p)
}
/// Broadcasts of p[0..4]. With AVX enabled at compile time, four broadcast loads; with the
/// SSE2 baseline, one load and four shuffles (instead of four loads and four shuffles).
#[inline(always)]
pub unsafe fn splat4(p: *const f32) -> [V; 4] {
    #[cfg(target_feature = "avx")]
    {
        [_mm_broadcast_ss(&*p), _mm_broadcast_ss(&*p.add(1)), _mm_broadcast_ss(&*p.add(2)), _mm_broadcast_ss(&*p.add(3))]
    }
    #[cfg(not(target_feature = "avx"))]
    {
        let v = _mm_loadu_ps(p);
        [_mm_shuffle_ps::<0x00>(v, v), _mm_shuffle_ps::<0x55>(v, v), _mm_shuffle_ps::<0xAA>(v, v), _mm_shuffle_ps::<0xFF>(v, v)]
    }
}
/// acc + a * b as two rounded operations (not fused).
#[inline(always)]
#[allow(unused_unsafe)]
pub fn mul_add(acc: V, a: V, b: V) -> V {
    unsafe { _mm_add_ps(acc, _mm_mul_ps(a, b)) }
}
/// acc + a * b rounded once (`vfmadd231ps`). Only for callers compiled with FMA, on CPUs
/// that have it.
#[inline(always)]
pub unsafe fn fmadd(acc: V, a: V, b: V) -> V {
    _mm_fmadd_ps(a, b, acc)
}
/// Per lane `if x > 0 { x } else { +0 }`: the comparison mask and-ed with x.
#[inline(always)]
#[allow(unused_unsafe)]
pub fn relu4(x: V) -> V {
    unsafe { _mm_and_ps(x, _mm_cmpgt_ps(x, _mm_setzero_ps())) }
}
/// The 4x4 transpose of the rows r0..r3.
#[inline(always)]
#[allow(unused_unsafe)]
pub fn transpose4(r0: V, r1: V, r2: V, r3: V) -> [V; 4] {
    unsafe {
        let t0 = _mm_unpacklo_ps(r0, r1);
        let t1 = _mm_unpackhi_ps(r0, r1);
        let t2 = _mm_unpacklo_ps(r2, r3);
        let t3 = _mm_unpackhi_ps(r2, r3);
        [_mm_movelh_ps(t0, t2), _mm_movehl_ps(t2, t0), _mm_movelh_ps(t1, t3), _mm_movehl_ps(t3, t1)]
    }
}
