//! Row-major f32 matrices and the GEMM kernels every layer uses, writing into caller-owned output.
//!
//! Why a hand-written GEMM: no maintained Rust crate gives a single-threaded f32 GEMM with wasm
//! SIMD128 kernels and the same summation order natively and in wasm (which keeps runs bit-for-bit
//! reproducible across the two). The kernel is a 4x8 register block: four rows of A times an
//! 8-column panel of B, eight f32x4 accumulators, one splat of A and two loads of B per k step.
//! Each output element is accumulated as c = c + a * b in ascending k, with a separate multiply
//! and add (no fused multiply-add), on every architecture, so results are identical everywhere.

/// A dense row-major matrix. `resize_rows` keeps the allocation, so a batch of a different size
/// never reallocates once the largest batch has been seen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }

    pub fn from_vec(rows: usize, cols: usize, data: Vec<f32>) -> Matrix {
        assert_eq!(data.len(), rows * cols, "matrix data length");
        Matrix { rows, cols, data }
    }

    /// Changes the number of rows; reuses capacity (allocates only when growing past it).
    pub fn resize_rows(&mut self, rows: usize) {
        self.rows = rows;
        self.data.resize(rows * self.cols, 0.0);
    }

    pub fn row(&self, r: usize) -> &[f32] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    pub fn row_mut(&mut self, r: usize) -> &mut [f32] {
        &mut self.data[r * self.cols..(r + 1) * self.cols]
    }
}

/// How to read the left operand A of a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A is stored m x k row-major: A(i, p) = a[i * lda + p].
    Normal,
    /// A is stored k x m row-major and used transposed: A(i, p) = a[p * lda + i].
    Transposed,
}

/// C = A * B (or C += A * B when `accumulate`), with B stored k x n row-major (ldb = n) and C
/// stored m x n row-major (ldc = n). A is m x k, read as `layout` says with leading dimension lda.
///
/// Forward of a dense layer: Y[B,out] = X[B,in] * W[in,out]          (Normal)
/// Weight gradient:          dW[in,out] = X^T[in,B] * dY[B,out]     (Transposed)
/// Input gradient:           dX[B,in] = dY[B,out] * Wt[out,in]       (Normal, W transposed once)
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    layout: Layout,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    lda: usize,
    b: &[f32],
    c: &mut [f32],
    accumulate: bool,
) {
    if m == 0 || n == 0 {
        return;
    }
    match layout {
        Layout::Normal => assert!(m == 0 || k == 0 || a.len() >= (m - 1) * lda + k, "gemm: A too short"),
        Layout::Transposed => assert!(k == 0 || a.len() >= (k - 1) * lda + m, "gemm: A too short"),
    }
    assert!(b.len() >= k * n, "gemm: B too short");
    assert!(c.len() >= m * n, "gemm: C too short");
    let (rs, cs) = match layout {
        Layout::Normal => (lda, 1),
        Layout::Transposed => (1, lda),
    };
    if !accumulate {
        c[..m * n].fill(0.0);
    }
    // SAFETY: the asserts above bound every index the kernels touch: rows i < m, columns j < n,
    // depth p < k, with A(i,p) at i*rs + p*cs, B(p,j) at p*n + j and C(i,j) at i*n + j.
    unsafe { gemm_kernel(m, n, k, a.as_ptr(), rs, cs, b.as_ptr(), c.as_mut_ptr()) }
}

/// out[j * rows + i] = m[i * cols + j]: writes the transpose of a rows x cols matrix.
pub fn transpose(rows: usize, cols: usize, m: &[f32], out: &mut [f32]) {
    assert!(m.len() >= rows * cols && out.len() >= rows * cols);
    // Blocks of 8x8 keep both sides in cache lines.
    const T: usize = 8;
    for i0 in (0..rows).step_by(T) {
        for j0 in (0..cols).step_by(T) {
            for i in i0..(i0 + T).min(rows) {
                for j in j0..(j0 + T).min(cols) {
                    out[j * rows + i] = m[i * cols + j];
                }
            }
        }
    }
}

// ---- 4-lane vector primitives: wasm SIMD128, x86_64 SSE, or plain arrays elsewhere ----

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod v4 {
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
    pub fn splat(x: f32) -> V {
        f32x4_splat(x)
    }
    /// acc + a * b as two rounded operations (not fused).
    #[inline(always)]
    pub fn mul_add(acc: V, a: V, b: V) -> V {
        f32x4_add(acc, f32x4_mul(a, b))
    }
}

#[cfg(target_arch = "x86_64")]
mod v4 {
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
    pub fn splat(x: f32) -> V {
        unsafe { _mm_set1_ps(x) }
    }
    /// acc + a * b as two rounded operations (not fused).
    #[inline(always)]
    #[allow(unused_unsafe)]
    pub fn mul_add(acc: V, a: V, b: V) -> V {
        unsafe { _mm_add_ps(acc, _mm_mul_ps(a, b)) }
    }
}

#[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
mod v4 {
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
    pub fn splat(x: f32) -> V {
        [x; 4]
    }
    #[inline(always)]
    pub fn mul_add(acc: V, a: V, b: V) -> V {
        [acc[0] + a[0] * b[0], acc[1] + a[1] * b[1], acc[2] + a[2] * b[2], acc[3] + a[3] * b[3]]
    }
}

/// The blocked kernel: column panels of 8 (then 4, then 1) outer, row blocks of 4 (then 1) inner,
/// so one panel of B stays in L1 while the rows of A stream past it.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn gemm_kernel(
    m: usize,
    n: usize,
    k: usize,
    a: *const f32,
    rs: usize,
    cs: usize,
    b: *const f32,
    c: *mut f32,
) {
    use v4::*;
    let mut j = 0;
    while j + 8 <= n {
        let mut i = 0;
        while i + 4 <= m {
            let c0 = c.add(i * n + j);
            let c1 = c0.add(n);
            let c2 = c1.add(n);
            let c3 = c2.add(n);
            let (mut x00, mut x01) = (load(c0), load(c0.add(4)));
            let (mut x10, mut x11) = (load(c1), load(c1.add(4)));
            let (mut x20, mut x21) = (load(c2), load(c2.add(4)));
            let (mut x30, mut x31) = (load(c3), load(c3.add(4)));
            let a0 = a.add(i * rs);
            for p in 0..k {
                let bp = b.add(p * n + j);
                let b0 = load(bp);
                let b1 = load(bp.add(4));
                let ap = a0.add(p * cs);
                let s0 = splat(*ap);
                x00 = mul_add(x00, s0, b0);
                x01 = mul_add(x01, s0, b1);
                let s1 = splat(*ap.add(rs));
                x10 = mul_add(x10, s1, b0);
                x11 = mul_add(x11, s1, b1);
                let s2 = splat(*ap.add(2 * rs));
                x20 = mul_add(x20, s2, b0);
                x21 = mul_add(x21, s2, b1);
                let s3 = splat(*ap.add(3 * rs));
                x30 = mul_add(x30, s3, b0);
                x31 = mul_add(x31, s3, b1);
            }
            store(c0, x00);
            store(c0.add(4), x01);
            store(c1, x10);
            store(c1.add(4), x11);
            store(c2, x20);
            store(c2.add(4), x21);
            store(c3, x30);
            store(c3.add(4), x31);
            i += 4;
        }
        while i < m {
            let c0 = c.add(i * n + j);
            let (mut x0, mut x1) = (load(c0), load(c0.add(4)));
            let a0 = a.add(i * rs);
            for p in 0..k {
                let bp = b.add(p * n + j);
                let s = splat(*a0.add(p * cs));
                x0 = mul_add(x0, s, load(bp));
                x1 = mul_add(x1, s, load(bp.add(4)));
            }
            store(c0, x0);
            store(c0.add(4), x1);
            i += 1;
        }
        j += 8;
    }
    while j + 4 <= n {
        for i in 0..m {
            let c0 = c.add(i * n + j);
            let mut x0 = load(c0);
            let a0 = a.add(i * rs);
            for p in 0..k {
                x0 = mul_add(x0, splat(*a0.add(p * cs)), load(b.add(p * n + j)));
            }
            store(c0, x0);
        }
        j += 4;
    }
    while j < n {
        for i in 0..m {
            let cij = c.add(i * n + j);
            let mut x = *cij;
            let a0 = a.add(i * rs);
            for p in 0..k {
                x += *a0.add(p * cs) * *b.add(p * n + j);
            }
            *cij = x;
        }
        j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn naive(layout: Layout, m: usize, n: usize, k: usize, a: &[f32], lda: usize, b: &[f32]) -> Vec<f32> {
        let mut c = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0f32;
                for p in 0..k {
                    let aip = match layout {
                        Layout::Normal => a[i * lda + p],
                        Layout::Transposed => a[p * lda + i],
                    };
                    s += aip * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        c
    }

    #[test]
    fn gemm_matches_naive_bit_for_bit_on_odd_shapes() {
        let mut r = Rng::new(1, 0);
        for &(m, n, k) in &[(1, 1, 1), (3, 5, 7), (4, 8, 3), (9, 17, 13), (64, 33, 30), (5, 12, 0)] {
            for layout in [Layout::Normal, Layout::Transposed] {
                let lda = if layout == Layout::Normal { k } else { m };
                let a: Vec<f32> = (0..m * k).map(|_| r.normal()).collect();
                let b: Vec<f32> = (0..k * n).map(|_| r.normal()).collect();
                let mut c = vec![7.0; m * n];
                gemm(layout, m, n, k, &a, lda, &b, &mut c, false);
                // Same order of operations as the naive loop, so equal to the bit.
                assert_eq!(c, naive(layout, m, n, k, &a, lda, &b), "{layout:?} {m}x{n}x{k}");
                let mut c2 = c.clone();
                gemm(layout, m, n, k, &a, lda, &b, &mut c2, true);
                for (x, y) in c2.iter().zip(&c) {
                    assert!((x - 2.0 * y).abs() <= 1e-4 * y.abs().max(1.0));
                }
            }
        }
    }

    #[test]
    fn transpose_round_trips() {
        let m: Vec<f32> = (0..35).map(|x| x as f32).collect();
        let mut t = vec![0.0; 35];
        let mut back = vec![0.0; 35];
        transpose(5, 7, &m, &mut t);
        assert_eq!(t[1], m[7]);
        transpose(7, 5, &t, &mut back);
        assert_eq!(back, m);
    }
}
