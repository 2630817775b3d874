//! The 4-lane f32 vector of the 128-bit kernel elsewhere: plain arrays, the same arithmetic lane by lane (`gemm.rs` selects one per target as `v4`).

pub type V = [f32; 4];
#[inline(always)]
pub unsafe fn load(p: *const f32) -> V {
    [*p, *p.add(1), *p.add(2), *p.add(3)]
}
#[inline(always)]
pub unsafe fn store(p: *mut f32, v: V) {
    for (i, x) in v.iter().enumerate() {
        *p.add(i) = *x;
    }
}
#[inline(always)]
pub fn zero() -> V {
    [0.0; 4]
}
#[inline(always)]
pub unsafe fn load_splat(p: *const f32) -> V {
    [*p; 4]
}
#[inline(always)]
pub unsafe fn splat4(p: *const f32) -> [V; 4] {
    [[*p; 4], [*p.add(1); 4], [*p.add(2); 4], [*p.add(3); 4]]
}
#[inline(always)]
pub fn mul_add(acc: V, a: V, b: V) -> V {
    [acc[0] + a[0] * b[0], acc[1] + a[1] * b[1], acc[2] + a[2] * b[2], acc[3] + a[3] * b[3]]
}
/// acc + a * b rounded once per lane (`f32::mul_add`: the hardware's fused multiply-add
/// where there is one, exact in software elsewhere).
#[inline(always)]
pub unsafe fn fmadd(acc: V, a: V, b: V) -> V {
    [a[0].mul_add(b[0], acc[0]), a[1].mul_add(b[1], acc[1]), a[2].mul_add(b[2], acc[2]), a[3].mul_add(b[3], acc[3])]
}
#[inline(always)]
pub fn relu4(x: V) -> V {
    x.map(|v| if v > 0.0 { v } else { 0.0 })
}
#[inline(always)]
pub fn transpose4(r0: V, r1: V, r2: V, r3: V) -> [V; 4] {
    let r = [r0, r1, r2, r3];
    let mut t = [[0.0; 4]; 4];
    for (i, row) in r.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            t[j][i] = *x;
        }
    }
    t
}
