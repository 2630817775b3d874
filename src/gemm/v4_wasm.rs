//! The 4-lane f32 vector of the 128-bit kernel in wasm: SIMD128 (relaxed madd in the relaxed-SIMD build) (`gemm.rs` selects one per target as `v4`).

use core::arch::wasm32::*;
pub type V = v128;
#[inline(always)]
pub unsafe fn load(p: *const f32) -> V {
    v128_load(p as *const v128)
}
#[inline(always)]
pub unsafe fn store(p: *mut f32, v: V) {
    v128_store(p as *mut v128, v)
}
#[inline(always)]
pub fn zero() -> V {
    f32x4_splat(0.0)
}
/// Four copies of *p (one `v128.load32_splat`).
#[inline(always)]
pub unsafe fn load_splat(p: *const f32) -> V {
    v128_load32_splat(p as *const u32)
}
/// Broadcasts of p[0..4]: four `v128.load32_splat`, which V8 turns into four broadcast
/// loads (no shuffle).
#[inline(always)]
pub unsafe fn splat4(p: *const f32) -> [V; 4] {
    [load_splat(p), load_splat(p.add(1)), load_splat(p.add(2)), load_splat(p.add(3))]
}
/// acc + a * b as two rounded operations (not fused).
#[inline(always)]
pub fn mul_add(acc: V, a: V, b: V) -> V {
    f32x4_add(acc, f32x4_mul(a, b))
}
/// acc + a * b rounded once: relaxed madd, which the engine may compute either way; the
/// page's loader only keeps this build where it is fused (see arithmetic.rs).
#[cfg(target_feature = "relaxed-simd")]
#[inline(always)]
pub unsafe fn fmadd(acc: V, a: V, b: V) -> V {
    f32x4_relaxed_madd(a, b, acc)
}
/// acc + a * b rounded once, lane by lane in software (the plain build has no fused kernel;
/// this only keeps the code complete).
#[cfg(not(target_feature = "relaxed-simd"))]
#[inline(always)]
pub unsafe fn fmadd(acc: V, a: V, b: V) -> V {
    let l = |v: V| [f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)];
    let (c, x, y) = (l(acc), l(a), l(b));
    f32x4(x[0].mul_add(y[0], c[0]), x[1].mul_add(y[1], c[1]), x[2].mul_add(y[2], c[2]), x[3].mul_add(y[3], c[3]))
}
/// Per lane `if x > 0 { x } else { +0 }`: the comparison mask and-ed with x.
#[inline(always)]
pub fn relu4(x: V) -> V {
    v128_and(x, f32x4_gt(x, f32x4_splat(0.0)))
}
/// The 4x4 transpose of the rows r0..r3.
#[inline(always)]
pub fn transpose4(r0: V, r1: V, r2: V, r3: V) -> [V; 4] {
    let t0 = i32x4_shuffle::<0, 4, 1, 5>(r0, r1);
    let t1 = i32x4_shuffle::<2, 6, 3, 7>(r0, r1);
    let t2 = i32x4_shuffle::<0, 4, 1, 5>(r2, r3);
    let t3 = i32x4_shuffle::<2, 6, 3, 7>(r2, r3);
    [
        i64x2_shuffle::<0, 2>(t0, t2),
        i64x2_shuffle::<1, 3>(t0, t2),
        i64x2_shuffle::<0, 2>(t1, t3),
        i64x2_shuffle::<1, 3>(t1, t3),
    ]
}
