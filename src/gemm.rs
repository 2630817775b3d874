//! The GEMM every layer uses (C = A B into caller-owned output, over C, added to C or to a bias,
//! ReLU fused on request), hand-written, in the arithmetic mode of `arithmetic.rs`.
//!
//! Why a hand-written GEMM: the training core needs a single-threaded f32 GEMM that is fast in
//! wasm (SIMD128) and natively, and that adds the products of every output element in the same
//! order on both, because that order is what keeps training runs bit-for-bit reproducible across
//! the native and the wasm build. The maintained Rust GEMM crates we know of (matrixmultiply,
//! gemm) are tuned for x86 and ARM SIMD, fall back to scalar code on wasm, and choose fused
//! multiply-adds by their own rules, so neither their speed nor their results carry over to the
//! browser; BLAS is not available there at all.
//!
//! The contract every path keeps, on every architecture: each output element starts from its
//! initial value (zero, its current value, or the bias of its column) and then adds a(i, p) *
//! b(p, j) for p = 0, 1, ..., k - 1 in ascending order: c <- c + a * b with a separately rounded
//! multiply and add in the separate mode, c <- fma(a, b, c) (one rounding) in the fused mode (see
//! `arithmetic.rs`; the mode is read once per product). Vector lanes only ever hold different
//! output elements, never partial sums of one element, so the lane width (4 on wasm SIMD128 and
//! SSE), the blocking and the packing do not change a single bit: the result equals the naive
//! triple loop of the same mode exactly (the tests below check that bit for bit in both modes,
//! and tests/wasm_node.rs checks native against wasm with one fixture per mode). Natively on
//! x86-64 the same holds for the 8- and 16-lane kernels of gemm/x86_avx2.rs and
//! gemm/x86_avx512.rs (driver: gemm/wide.rs), which run when `simd::current()` is 256 or 512;
//! the layout described below is the 128-bit kernel's, which wasm always runs.
//!
//! How it is fast (the layout of a BLIS-style GEMM, sized for one core):
//! - C is computed in register blocks of MR = 4 rows by NR = 8 columns: eight f32x4
//!   accumulators; per step of p, two loads of B, four broadcasts of A, and eight multiplies and
//!   eight adds (separate) or eight fused multiply-adds (fused: `_mm_fmadd_ps` natively,
//!   `f32x4.relaxed_madd` in the relaxed-SIMD wasm build).
//! - Both operands are packed so that the kernel reads them with unit stride: a block of up to
//!   MC = 64 rows of A (KC deep, on the stack) with the four rows of each register block
//!   interleaved, and B as panels of 8 columns. A normal B (the forward pass, the weight
//!   gradient) is packed one K block at a time reading its rows front to back, into a scratch
//!   buffer that is kept between calls; a transposed B (the input gradient dX = dY W^T) is packed
//!   panel by panel from 8 rows of the stored matrix, transposed four by four in registers, so no
//!   transposed copy of W is ever written and the batch-1 step costs one pass over W.
//! - K is cut into equal blocks of at most KC = 256, so a packed panel (8 KiB) stays in L1 while
//!   every row block of A sweeps it, and the packed A block (64 KiB) stays in L2. When A has
//!   more than MC rows and B is normal (the weight gradient: 784 rows, K = batch), the loops
//!   swap: a row block of A stays in L1 and sweeps all panels, so C is read and written row by
//!   row in whole cache lines.
//! - The bias is fused: the accumulators start from it. A ReLU can be fused too
//!   (`gemm_relu_into`): each finished register block of C also gets its ReLU written to a second
//!   buffer while it is still in L1, so the activation needs no pass of its own. No allocation
//!   once the scratch buffer has reached the largest size seen.

mod ceiling;
pub use ceiling::{fma_chain, fma_chain_at, fma_chain_flops_per_iter, FMA_CHAIN_FLOPS_PER_ITER};
#[cfg(target_arch = "x86_64")]
mod wide;
#[cfg(target_arch = "x86_64")]
mod x86_avx2;
#[cfg(target_arch = "x86_64")]
mod x86_avx512;

/// One operand of a product: a row-major buffer with leading dimension `ld`, used as stored
/// (`transposed == false`) or transposed.
#[derive(Clone, Copy, Debug)]
pub struct Operand<'a> {
    pub data: &'a [f32],
    pub ld: usize,
    pub transposed: bool,
}

impl<'a> Operand<'a> {
    /// The matrix as stored: element (r, c) is data[r * ld + c].
    pub fn normal(data: &'a [f32], ld: usize) -> Operand<'a> {
        Operand { data, ld, transposed: false }
    }

    /// The transpose of the stored matrix: element (r, c) is data[c * ld + r].
    pub fn transposed(data: &'a [f32], ld: usize) -> Operand<'a> {
        Operand { data, ld, transposed: true }
    }

    /// The smallest buffer length that holds a rows x cols operand.
    fn needed(&self, rows: usize, cols: usize) -> usize {
        if rows == 0 || cols == 0 {
            return 0;
        }
        if self.transposed {
            (cols - 1) * self.ld + rows
        } else {
            (rows - 1) * self.ld + cols
        }
    }
}

/// How the product A B is written into C: over it, added to it, or added to a bias.
#[derive(Clone, Copy, Debug)]
pub enum Write<'a> {
    /// C = A B.
    Overwrite,
    /// C += A B (C's current value is the starting point).
    Accumulate,
    /// C = bias + A B, with bias[j] the starting value of every element of column j (the fused
    /// bias of a dense layer).
    Bias(&'a [f32]),
}

/// Rows of C per register block.
const MR: usize = 4;
/// Columns of C per register block and per packed panel of B (two f32x4 vectors).
const NR: usize = 8;
/// Rows of B per packed panel: 256 x 8 floats = 8 KiB, which stays in L1 next to the rows of A.
const KC: usize = 256;
/// Rows of A per packed block: 64 x 256 floats = 64 KiB on the stack, read from L2.
const MC: usize = 64;

/// C (m x n, row-major, leading dimension ldc) gets A (m x k) B (k x n) as `write` says.
///
/// Dense-layer uses (see layers/linear.rs), with x (B, in), W (in, out), dy (B, out):
/// - forward, y = b + x W:
///   `gemm_into(B, out, in, normal(x, in), normal(W, out), y, out, Bias(b))`
/// - weight gradient, dW += x^T dy:
///   `gemm_into(in, out, B, transposed(x, in), normal(dy, out), dW, out, Accumulate)`
/// - input gradient, dx = dy W^T:
///   `gemm_into(B, in, out, normal(dy, out), transposed(W, out), dx, in, Overwrite)`
#[allow(clippy::too_many_arguments)]
pub fn gemm_into(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: &mut [f32], ldc: usize, write: Write) {
    gemm_checked(m, n, k, a, b, c, ldc, write, None)
}

/// `gemm_into`, and also relu[i * ldc + j] = max(C(i, j), 0) (exactly `if c > 0 { c } else { 0 }`,
/// so -0 and NaN give +0), written while each register block of C is still in registers and L1:
/// the dense layer's activation fused into its forward product. C keeps the pre-activation.
#[allow(clippy::too_many_arguments)]
pub fn gemm_relu_into(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: &mut [f32], ldc: usize, write: Write, relu: &mut [f32]) {
    gemm_checked(m, n, k, a, b, c, ldc, write, Some(relu))
}

#[allow(clippy::too_many_arguments)]
fn gemm_checked(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: &mut [f32], ldc: usize, write: Write, relu: Option<&mut [f32]>) {
    if m == 0 || n == 0 {
        return;
    }
    assert!(a.data.len() >= a.needed(m, k), "gemm: A too short");
    assert!(b.data.len() >= b.needed(k, n), "gemm: B too short");
    assert!(ldc >= n && c.len() >= (m - 1) * ldc + n, "gemm: C too short");
    if let Write::Bias(bias) = write {
        assert!(bias.len() >= n, "gemm: bias too short");
    }
    let relu = match relu {
        Some(r) => {
            assert!(r.len() >= (m - 1) * ldc + n, "gemm: relu output too short");
            r.as_mut_ptr()
        }
        None => core::ptr::null_mut(),
    };
    // SAFETY: the asserts above bound every element the kernels read or write: A(i, p) for i < m,
    // p < k, B(p, j) for p < k, j < n, C(i, j) and relu(i, j) for i < m, j < n, and bias[j] for
    // j < n.
    unsafe { gemm_blocked(m, n, k, a, b, c.as_mut_ptr(), ldc, write, relu) }
}

/// How `gemm` reads its left operand A (the init lab's products use this form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A is stored m x k row-major: A(i, p) = a[i * lda + p].
    Normal,
    /// A is stored k x m row-major and used transposed: A(i, p) = a[p * lda + i].
    Transposed,
}

/// C = A * B (or C += A * B when `accumulate`), with B stored k x n row-major (ldb = n) and C
/// stored m x n row-major (ldc = n). A is m x k, read as `layout` says with leading dimension lda.
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
    let a = Operand { data: a, ld: lda, transposed: layout == Layout::Transposed };
    let write = if accumulate { Write::Accumulate } else { Write::Overwrite };
    gemm_into(m, n, k, a, Operand::normal(b, n), c, n, write);
}

// ---- 4-lane vector primitives: wasm SIMD128, x86_64 SSE, or plain arrays elsewhere ----
//
// Only instructions every build of the target has are used: SIMD128 is switched on for wasm32 in
// .cargo/config.toml, and SSE2 is part of the x86_64 baseline. The exception is `fmadd`: natively
// it is only reached from `kernel_fma`, compiled with FMA and called when the CPU has it; in wasm
// it is relaxed madd in the relaxed-SIMD build and an exact lane-by-lane `f32::mul_add` (never
// used for speed: `arithmetic::fused_available` is false there) in the plain one.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[path = "gemm/v4_wasm.rs"]
mod v4;

#[cfg(target_arch = "x86_64")]
#[path = "gemm/v4_x86.rs"]
mod v4;

#[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
#[path = "gemm/v4_portable.rs"]
mod v4;


/// Where a register block's accumulators start (the `Write` of the first K block; later K blocks
/// always continue from C).
#[derive(Clone, Copy)]
enum Start {
    Zero,
    LoadC,
    /// A pointer to the bias of the block's first column.
    Bias(*const f32),
}

/// The blocked driver. K blocks of at most KC outer. When B is normal (row-major k x n, the
/// forward pass and the weight gradient), the whole K block of B is packed first, reading its
/// rows front to back (unit stride, which the hardware prefetchers follow), into a scratch
/// buffer of column panels. Then blocks of MC rows of A are packed into a stack buffer (MR rows
/// interleaved per step of p, so the kernel reads A with unit stride), and for each panel of NR
/// columns of B (when B is transposed, packed here from NR rows of the stored matrix), every
/// MR-row block of the packed A sweeps it while the panel stays in L1.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_blocked(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: *mut f32, ldc: usize, write: Write, relu: *mut f32) {
    if k == 0 {
        for i in 0..m {
            let row = core::slice::from_raw_parts_mut(c.add(i * ldc), n);
            match write {
                Write::Overwrite => row.fill(0.0),
                Write::Accumulate => {}
                Write::Bias(bias) => row.copy_from_slice(&bias[..n]),
            }
            if !relu.is_null() {
                for (j, &v) in row.iter().enumerate() {
                    *relu.add(i * ldc + j) = if v > 0.0 { v } else { 0.0 };
                }
            }
        }
        return;
    }
    // The arithmetic mode, read once per product (see arithmetic.rs).
    let fused = crate::arithmetic::current() == crate::arithmetic::Arithmetic::Fused;
    // Natively on x86-64, the width of the kernel (see simd.rs), read once per product: the wide
    // kernels have drivers of their own (gemm/wide.rs) with larger register blocks.
    #[cfg(target_arch = "x86_64")]
    {
        use crate::simd::{note_used, Width};
        let width = crate::simd::current();
        note_used(width);
        match width {
            Width::W512 => return x86_avx512::gemm(m, n, k, a, b, c, ldc, write, relu, fused),
            Width::W256 => return x86_avx2::gemm(m, n, k, a, b, c, ldc, write, relu, fused),
            Width::W128 => {}
        }
    }
    // K blocks of equal depth (784 = 4 x 196 rather than 3 x 256 + 16).
    let kblock = k.div_ceil(k.div_ceil(KC));
    let panels = n.div_ceil(NR);
    if b.transposed {
        run_blocks(m, n, k, kblock, a, b, c, ldc, write, relu, core::ptr::null_mut(), fused);
    } else {
        B_SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            let need = kblock * panels * NR;
            if scratch.len() < need {
                // Grows to the largest product seen, then is reused: no allocation per step.
                scratch.resize(need, 0.0);
            }
            run_blocks(m, n, k, kblock, a, b, c, ldc, write, relu, scratch.as_mut_ptr(), fused);
        });
    }
}

std::thread_local! {
    /// Packed K blocks of a normal B, kept between calls so that steady-state training allocates
    /// nothing. (wasm32 has one thread; natively each thread has its own.)
    static B_SCRATCH: core::cell::RefCell<Vec<f32>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// The loops of `gemm_blocked`; `bblock` is the scratch for a packed K block of a normal B (null
/// when B is transposed); `fused`: the fused kernel.
#[allow(clippy::too_many_arguments)]
unsafe fn run_blocks(m: usize, n: usize, k: usize, kblock: usize, a: Operand, b: Operand, c: *mut f32, ldc: usize, write: Write, relu: *mut f32, bblock: *mut f32, fused: bool) {
    // Uninitialized on purpose: every element the kernels read is written by a pack first.
    let mut a_buf = core::mem::MaybeUninit::<[f32; MC * KC]>::uninit();
    let mut b_buf = core::mem::MaybeUninit::<[f32; KC * NR]>::uninit();
    let (apack, bpack) = (a_buf.as_mut_ptr() as *mut f32, b_buf.as_mut_ptr() as *mut f32);
    let (ap, bp) = (a.data.as_ptr(), b.data.as_ptr());
    let mut p0 = 0;
    while p0 < k {
        let kc = kblock.min(k - p0);
        // The fused ReLU is written after the last K block only, from the finished C.
        let relu = if p0 + kc == k { relu } else { core::ptr::null_mut() };
        if !b.transposed {
            pack_b_block(kc, n, bp.add(p0 * b.ld), b.ld, bblock);
        }
        let mut i0 = 0;
        while i0 < m {
            let mc = MC.min(m - i0);
            pack_a(mc, kc, ap, a.ld, a.transposed, i0, p0, apack);
            if b.transposed || m <= MC {
                // Panel-stationary: each panel of B (packed here when B is transposed) stays in
                // L1 while every row block of the packed A sweeps it. Best when A has few rows
                // (the forward pass and the input gradient, one row per sample).
                let mut j0 = 0;
                while j0 < n {
                    let nr = NR.min(n - j0);
                    let panel = if b.transposed {
                        pack_b_transposed(kc, nr, bp.add(j0 * b.ld + p0), b.ld, bpack);
                        bpack as *const f32
                    } else {
                        bblock.add(j0 * kc) as *const f32
                    };
                    let mut i = 0;
                    while i < mc {
                        let mr = MR.min(mc - i);
                        tile(mr, nr, kc, apack.add(i * kc), panel, c.add((i0 + i) * ldc + j0), ldc, start_of(p0, write, j0), offset(relu, (i0 + i) * ldc + j0), fused);
                        i += mr;
                    }
                    j0 += nr;
                }
            } else {
                // Row-stationary: each row block of A stays in L1 while it sweeps every panel of
                // the packed B block, so C is written row by row, whole cache lines at a time.
                // Best when A has many rows and K is short (the weight gradient, K = batch).
                let mut i = 0;
                while i < mc {
                    let mr = MR.min(mc - i);
                    let mut j0 = 0;
                    while j0 < n {
                        let nr = NR.min(n - j0);
                        let panel = bblock.add(j0 * kc) as *const f32;
                        tile(mr, nr, kc, apack.add(i * kc), panel, c.add((i0 + i) * ldc + j0), ldc, start_of(p0, write, j0), offset(relu, (i0 + i) * ldc + j0), fused);
                        j0 += nr;
                    }
                    i += mr;
                }
            }
            i0 += mc;
        }
        p0 += kc;
    }
}

/// Where the accumulators of the block at column j0 start in the K block starting at p0.
#[inline(always)]
unsafe fn start_of(p0: usize, write: Write, j0: usize) -> Start {
    if p0 > 0 {
        return Start::LoadC;
    }
    match write {
        Write::Overwrite => Start::Zero,
        Write::Accumulate => Start::LoadC,
        Write::Bias(bias) => Start::Bias(bias.as_ptr().add(j0)),
    }
}

/// `p + off`, or null when `p` is null.
#[inline(always)]
unsafe fn offset(p: *mut f32, off: usize) -> *mut f32 {
    if p.is_null() {
        p
    } else {
        p.add(off)
    }
}

/// relu[r * ldc + q] = max(C[r * ldc + q], 0) for r < mr, q < nr, reading the block of C just
/// written (still in L1). Vector lanes compute `if c > 0 { c } else { +0 }` exactly: the
/// comparison mask and-ed with c.
#[inline(always)]
unsafe fn relu_block(mr: usize, nr: usize, ci: *const f32, ldc: usize, relu: *mut f32) {
    use v4::*;
    for r in 0..mr {
        let (src, dst) = (ci.add(r * ldc), relu.add(r * ldc));
        if nr == NR {
            store(dst, relu4(load(src)));
            store(dst.add(4), relu4(load(src.add(4))));
        } else {
            for q in 0..nr {
                let v = *src.add(q);
                *dst.add(q) = if v > 0.0 { v } else { 0.0 };
            }
        }
    }
}

/// One register block of mr rows and nr columns of C at `ci` (and its ReLU at `relu`, unless
/// null).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn tile(mr: usize, nr: usize, kc: usize, apanel: *const f32, panel: *const f32, ci: *mut f32, ldc: usize, start: Start, relu: *mut f32, fused: bool) {
    if nr == NR {
        block(mr, kc, apanel, panel, ci, ldc, start, fused);
        if !relu.is_null() {
            relu_block(mr, nr, ci, ldc, relu);
        }
        return;
    }
    // A partial panel: compute a full block into a copy and write back the valid columns. The
    // packed panel is zero beyond column nr, so those lanes only ever hold zeros and are
    // discarded.
    let mut tmp = [0.0f32; MR * NR];
    let tstart = match start {
        Start::Zero => Start::Zero,
        Start::LoadC | Start::Bias(_) => {
            for r in 0..mr {
                for q in 0..nr {
                    tmp[r * NR + q] = match start {
                        Start::Bias(bias) => *bias.add(q),
                        _ => *ci.add(r * ldc + q),
                    };
                }
            }
            Start::LoadC
        }
    };
    block(mr, kc, apanel, panel, tmp.as_mut_ptr(), NR, tstart, fused);
    for r in 0..mr {
        for q in 0..nr {
            *ci.add(r * ldc + q) = tmp[r * NR + q];
        }
    }
    if !relu.is_null() {
        relu_block(mr, nr, ci, ldc, relu);
    }
}

/// Packs A(i0 + i, p0 + p) for i < mc, p < kc into blocks of MR rows: the block starting at row i
/// holds, at apack[i * kc + p * MR + r], the element of row i + r (a last, shorter block of R rows
/// uses the stride MR all the same, with its unused slots left unwritten and never read).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn pack_a(mc: usize, kc: usize, a: *const f32, lda: usize, transposed: bool, i0: usize, p0: usize, apack: *mut f32) {
    use v4::*;
    let mut i = 0;
    while i < mc {
        let mr = MR.min(mc - i);
        let dst = apack.add(i * kc);
        if transposed {
            // A(i, p) = a[p * lda + i]: each step of p is MR consecutive floats of a row.
            let src = a.add(p0 * lda + i0 + i);
            if mr == MR {
                for p in 0..kc {
                    store(dst.add(p * MR), load(src.add(p * lda)));
                }
            } else {
                for p in 0..kc {
                    for r in 0..mr {
                        *dst.add(p * MR + r) = *src.add(p * lda + r);
                    }
                }
            }
        } else {
            // A(i, p) = a[i * lda + p]: MR rows, transposed four by four in registers.
            let src = a.add((i0 + i) * lda + p0);
            let mut p = 0;
            if mr == MR {
                while p + 4 <= kc {
                    let t = transpose4(load(src.add(p)), load(src.add(lda + p)), load(src.add(2 * lda + p)), load(src.add(3 * lda + p)));
                    for (u, v) in t.iter().enumerate() {
                        store(dst.add((p + u) * MR), *v);
                    }
                    p += 4;
                }
            }
            while p < kc {
                for r in 0..mr {
                    *dst.add(p * MR + r) = *src.add(r * lda + p);
                }
                p += 1;
            }
        }
        i += mr;
    }
}

/// Packs rows 0..kc of a normal B (row p at b[p * ldb], n columns) into column panels: panel t
/// (columns 8t..8t + 8) is at out[t * kc * NR], element (p, q) at [p * NR + q], with zeros past
/// column n in the last panel. B is read row by row.
#[inline(never)]
unsafe fn pack_b_block(kc: usize, n: usize, b: *const f32, ldb: usize, out: *mut f32) {
    use v4::*;
    let full = n / NR;
    let rest = n - full * NR;
    for p in 0..kc {
        let src = b.add(p * ldb);
        let mut dst = out.add(p * NR);
        for t in 0..full {
            store(dst, load(src.add(t * NR)));
            store(dst.add(4), load(src.add(t * NR + 4)));
            dst = dst.add(kc * NR);
        }
        if rest > 0 {
            for q in 0..NR {
                *dst.add(q) = if q < rest { *src.add(full * NR + q) } else { 0.0 };
            }
        }
    }
}

/// Copies B(p, j0 + q) for p < kc, q < nr (B transposed: at b[q * ldb + p]) into
/// panel[p * NR + q], zero beyond nr. Full panels are transposed four by four in registers.
#[inline(never)]
unsafe fn pack_b_transposed(kc: usize, nr: usize, b: *const f32, ldb: usize, panel: *mut f32) {
    use v4::*;
    let mut p = 0;
    if nr == NR {
        while p + 4 <= kc {
            for h in 0..2 {
                let r = b.add(4 * h * ldb + p);
                let t = transpose4(load(r), load(r.add(ldb)), load(r.add(2 * ldb)), load(r.add(3 * ldb)));
                for (s, v) in t.iter().enumerate() {
                    store(panel.add((p + s) * NR + 4 * h), *v);
                }
            }
            p += 4;
        }
    }
    while p < kc {
        for q in 0..NR {
            *panel.add(p * NR + q) = if q < nr { *b.add(q * ldb + p) } else { 0.0 };
        }
        p += 1;
    }
}

/// Dispatches a register block of `mr` (1..=MR) rows to the kernel compiled for that height and
/// arithmetic (`fused` is only ever true where `arithmetic::fused_available()`).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn block(mr: usize, kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start, fused: bool) {
    if fused {
        match mr {
            4 => kernel_fma::<4>(kc, apanel, bpanel, c, ldc, start),
            3 => kernel_fma::<3>(kc, apanel, bpanel, c, ldc, start),
            2 => kernel_fma::<2>(kc, apanel, bpanel, c, ldc, start),
            1 => kernel_fma::<1>(kc, apanel, bpanel, c, ldc, start),
            _ => unreachable!("block height {mr}"),
        }
        return;
    }
    // Natively, CPUs with AVX (checked once, then cached by std) run the same kernel compiled
    // with VEX encoding: three-operand instructions (no register copies) and broadcast loads.
    // Still 4-lane multiplies and adds, separately rounded, so every bit is the same.
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") && !baseline_only() {
        match mr {
            4 => kernel_avx::<4>(kc, apanel, bpanel, c, ldc, start),
            3 => kernel_avx::<3>(kc, apanel, bpanel, c, ldc, start),
            2 => kernel_avx::<2>(kc, apanel, bpanel, c, ldc, start),
            1 => kernel_avx::<1>(kc, apanel, bpanel, c, ldc, start),
            _ => unreachable!("block height {mr}"),
        }
        return;
    }
    match mr {
        4 => kernel::<4>(kc, apanel, bpanel, c, ldc, start),
        3 => kernel::<3>(kc, apanel, bpanel, c, ldc, start),
        2 => kernel::<2>(kc, apanel, bpanel, c, ldc, start),
        1 => kernel::<1>(kc, apanel, bpanel, c, ldc, start),
        _ => unreachable!("block height {mr}"),
    }
}

/// Tests switch the AVX kernel off to check the baseline kernel on machines that have AVX (both
/// give the same bits, so a test running meanwhile is not affected).
#[cfg(test)]
static BASELINE_ONLY: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn baseline_only() -> bool {
    #[cfg(test)]
    return BASELINE_ONLY.load(core::sync::atomic::Ordering::Relaxed);
    #[cfg(not(test))]
    false
}

/// `kernel` compiled with AVX enabled (x86_64 CPUs that have it; see `block`). The broadcasts
/// are single-element loads, which AVX turns into broadcast loads.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn kernel_avx<const R: usize>(kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start) {
    kernel_body::<R, true, false>(kc, apanel, bpanel, c, ldc, start)
}

/// The fused kernel natively: `kernel` compiled with AVX and FMA (every x86-64 CPU with FMA3 has
/// AVX), each multiply-add one `vfmadd231ps`. Only called when the CPU has FMA (see
/// `arithmetic::fused_available`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,fma")]
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn kernel_fma<const R: usize>(kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start) {
    kernel_body::<R, true, true>(kc, apanel, bpanel, c, ldc, start)
}

/// The fused kernel elsewhere: relaxed madd in the relaxed-SIMD wasm build (`splat4`, as the
/// separate wasm kernel), `f32::mul_add` per lane on other architectures.
#[cfg(not(target_arch = "x86_64"))]
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn kernel_fma<const R: usize>(kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start) {
    kernel_body::<R, false, true>(kc, apanel, bpanel, c, ldc, start)
}

/// The baseline kernel (SSE2 natively, SIMD128 in wasm).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn kernel<const R: usize>(kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start) {
    kernel_body::<R, false, false>(kc, apanel, bpanel, c, ldc, start)
}

/// The register block: C[0..R, 0..8] (row stride ldc) = start + sum over p < kc of
/// apanel[p * MR + r] * bpanel[p * NR .. p * NR + 8], in ascending p. 2 R accumulators; per step
/// two loads of B, R broadcasts of A, 2 R multiplies and 2 R adds.
/// `BCAST`: broadcast each element of A with its own load (best with AVX) rather than
/// `splat4`. `FMA`: each acc + a * b rounded once (`fmadd`) instead of twice (`mul_add`).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn kernel_body<const R: usize, const BCAST: bool, const FMA: bool>(kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start) {
    use v4::*;
    let mut acc = [[zero(); 2]; R];
    match start {
        Start::Zero => {}
        Start::LoadC => {
            for (r, row) in acc.iter_mut().enumerate() {
                row[0] = load(c.add(r * ldc));
                row[1] = load(c.add(r * ldc + 4));
            }
        }
        Start::Bias(bias) => {
            let (b0, b1) = (load(bias), load(bias.add(4)));
            for row in acc.iter_mut() {
                *row = [b0, b1];
            }
        }
    }
    // The store addresses are recomputed after the loop (black_box hides that they equal the
    // load addresses), so the loop does not keep R row pointers of C alive in registers.
    let (c, ldc) = core::hint::black_box((c, ldc));
    let mut ap = apanel;
    let mut bp = bpanel;
    let end = ap.add(kc * MR);
    while ap < end {
        let b0 = load(bp);
        let b1 = load(bp.add(4));
        if R == MR && !BCAST {
            // A full block: all MR slots of this step of the packed A are written.
            let s = splat4(ap);
            for (r, row) in acc.iter_mut().enumerate() {
                row[0] = madd::<FMA>(row[0], s[r], b0);
                row[1] = madd::<FMA>(row[1], s[r], b1);
            }
        } else {
            for (r, row) in acc.iter_mut().enumerate() {
                let s = load_splat(ap.add(r));
                row[0] = madd::<FMA>(row[0], s, b0);
                row[1] = madd::<FMA>(row[1], s, b1);
            }
        }
        ap = ap.add(MR);
        bp = bp.add(NR);
    }
    for (r, row) in acc.iter().enumerate() {
        store(c.add(r * ldc), row[0]);
        store(c.add(r * ldc + 4), row[1]);
    }
}

/// acc + a * b in the kernel's arithmetic: fused (`FMA`) or separately rounded.
#[inline(always)]
unsafe fn madd<const FMA: bool>(acc: v4::V, a: v4::V, b: v4::V) -> v4::V {
    if FMA {
        v4::fmadd(acc, a, b)
    } else {
        v4::mul_add(acc, a, b)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::arithmetic::{self, Arithmetic};
    use crate::rng::Rng;

    /// The reference: every element starts from its initial value and adds a * b in ascending k,
    /// in the arithmetic mode in force (`f32::mul_add` when fused).
    #[allow(clippy::too_many_arguments)]
    fn naive(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: &mut [f32], ldc: usize, write: Write) {
        for i in 0..m {
            for j in 0..n {
                let mut s = match write {
                    Write::Overwrite => 0.0f32,
                    Write::Accumulate => c[i * ldc + j],
                    Write::Bias(bias) => bias[j],
                };
                for p in 0..k {
                    let aip = if a.transposed { a.data[p * a.ld + i] } else { a.data[i * a.ld + p] };
                    let bpj = if b.transposed { b.data[j * b.ld + p] } else { b.data[p * b.ld + j] };
                    s = match arithmetic::current() {
                        Arithmetic::Separate => s + aip * bpj,
                        Arithmetic::Fused => aip.mul_add(bpj, s),
                    };
                }
                c[i * ldc + j] = s;
            }
        }
    }

    fn random(r: &mut Rng, n: usize) -> Vec<f32> {
        (0..n).map(|_| r.normal()).collect()
    }

    #[test]
    fn every_layout_and_init_matches_the_naive_loop_bit_for_bit() {
        // Both separate native kernels: AVX where the CPU has it (the default), then the SSE2
        // baseline.
        // At 128 bits: AVX where the CPU has it (the default), then the SSE2 baseline.
        crate::simd::with(crate::simd::Width::W128, || {
            for baseline in [false, true] {
                BASELINE_ONLY.store(baseline, core::sync::atomic::Ordering::Relaxed);
                arithmetic::with(Arithmetic::Separate, || every_layout_and_init(baseline));
            }
        });
        BASELINE_ONLY.store(false, core::sync::atomic::Ordering::Relaxed);
        // The wider kernels this CPU has.
        for w in crate::simd::available().into_iter().filter(|&w| w != crate::simd::Width::W128) {
            crate::simd::with(w, || arithmetic::with(Arithmetic::Separate, || every_layout_and_init(false)));
        }
    }

    #[test]
    fn the_fused_kernel_matches_the_fused_naive_loop_bit_for_bit() {
        if !arithmetic::fused_available() {
            eprintln!("skipped: this CPU has no FMA");
            return;
        }
        for w in crate::simd::available() {
            crate::simd::with(w, || arithmetic::with(Arithmetic::Fused, || every_layout_and_init(false)));
        }
    }

    #[test]
    fn the_fma_chain_computes_its_sum() {
        // 12 accumulators of 4 lanes, each lane adding 1e-3 * 1e-3 twice per round: 96e-6 per
        // round in all.
        let got = fma_chain(1000) as f64;
        assert!((got - 0.096).abs() < 1e-5, "{got}");
        assert_eq!(FMA_CHAIN_FLOPS_PER_ITER, 192);
        // The wider chains: 12 accumulators of 8 or 16 lanes, each adding 1e-6 once per round.
        for w in crate::simd::available() {
            let lanes = w.bits() as f64 / 32.0;
            let want = if w == crate::simd::Width::W128 { 0.096 } else { 12.0 * lanes * 1e-3 };
            let got = fma_chain_at(w, 1000) as f64;
            assert!((got - want).abs() < 1e-4 * want.max(1.0), "{w:?}: {got} vs {want}");
            assert_eq!(fma_chain_flops_per_iter(w) as f64, if w == crate::simd::Width::W128 { 192.0 } else { 24.0 * lanes });
        }
    }

    #[test]
    fn the_two_modes_give_different_bits() {
        // A guard against a fused mode that silently runs the separate kernel (or the other way
        // round): some of these sums must round differently.
        if !arithmetic::fused_available() {
            return;
        }
        let mut r = Rng::new(3, 0);
        let (m, n, k) = (13, 24, 600);
        let (a, b) = (random(&mut r, m * k), random(&mut r, k * n));
        let run = |mode| {
            let mut c = vec![0.0; m * n];
            arithmetic::with(mode, || gemm_into(m, n, k, Operand::normal(&a, k), Operand::normal(&b, n), &mut c, n, Write::Overwrite));
            c
        };
        let (sep, fused) = (run(Arithmetic::Separate), run(Arithmetic::Fused));
        let differ = sep.iter().zip(&fused).filter(|(x, y)| x.to_bits() != y.to_bits()).count();
        assert!(differ > m * n / 4, "only {differ} of {} elements differ", m * n);
        let close = sep.iter().zip(&fused).all(|(x, y)| (x - y).abs() <= 1e-3 * (1.0 + x.abs()));
        assert!(close, "the modes must agree up to rounding");
    }

    fn every_layout_and_init(baseline: bool) {
        let mut r = Rng::new(1, 0);
        // Shapes around the block sizes (MR = 4, NR = 8, KC = 256, MC = 64), degenerate ones,
        // and the benchmark's layers.
        let shapes = [
            (1, 1, 1),
            (3, 5, 7),
            (4, 8, 3),
            (5, 9, 4),
            (9, 17, 13),
            (64, 33, 30),
            (5, 12, 0),
            (7, 7, 255),
            (6, 16, 256),
            (3, 10, 257),
            (13, 24, 600),
            (1, 256, 784),
            (64, 10, 256),
            (33, 41, 64),
            (70, 9, 300),
            (129, 24, 17),
            (2, 3, 2),
            // Around the wide blocks (6 x 16 and 12 x 32, KC 256 and 128, MC 72).
            (7, 31, 129),
            (13, 33, 5),
            (73, 47, 70),
            (65, 64, 11),
            (6, 16, 1),
            (8, 32, 128),
            (15, 17, 385),
        ];
        for &(m, n, k) in &shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                // Leading dimensions a little larger than needed, to exercise the strides.
                let lda = if ta { m + 3 } else { k + 2 };
                let ldb = if tb { k + 1 } else { n + 5 };
                let ldc = n + 4;
                let a_rows = if ta { k } else { m };
                let b_rows = if tb { n } else { k };
                let a_data = random(&mut r, a_rows * lda);
                let b_data = random(&mut r, b_rows * ldb);
                let bias = random(&mut r, n);
                let a = Operand { data: &a_data, ld: lda, transposed: ta };
                let b = Operand { data: &b_data, ld: ldb, transposed: tb };
                let c0 = random(&mut r, m * ldc);
                for write in [Write::Overwrite, Write::Accumulate, Write::Bias(&bias)] {
                    let mut got = c0.clone();
                    let mut want = c0.clone();
                    gemm_into(m, n, k, a, b, &mut got, ldc, write);
                    naive(m, n, k, a, b, &mut want, ldc, write);
                    let same = got.iter().zip(&want).all(|(x, y)| x.to_bits() == y.to_bits());
                    assert!(same, "{m}x{n}x{k} ta={ta} tb={tb} {write:?} baseline={baseline} {:?} {:?}", arithmetic::current(), crate::simd::current());
                    // The fused ReLU: the same C, and relu = the branchy scalar ReLU of it
                    // (elements outside the m x n block untouched).
                    let mut got = c0.clone();
                    let mut relu = vec![7.0f32; m * ldc];
                    gemm_relu_into(m, n, k, a, b, &mut got, ldc, write, &mut relu);
                    let same = got.iter().zip(&want).all(|(x, y)| x.to_bits() == y.to_bits());
                    assert!(same, "relu variant C {m}x{n}x{k} ta={ta} tb={tb} {write:?}");
                    for i in 0..m {
                        for j in 0..ldc {
                            let v = want[i * ldc + j];
                            let r = if j >= n { 7.0 } else if v > 0.0 { v } else { 0.0 };
                            assert_eq!(relu[i * ldc + j].to_bits(), r.to_bits(), "relu {m}x{n}x{k} ({i},{j})");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn gemm_with_a_layout_means_the_same_products() {
        arithmetic::with(Arithmetic::Separate, gemm_with_a_layout);
        if arithmetic::fused_available() {
            arithmetic::with(Arithmetic::Fused, gemm_with_a_layout);
        }
    }

    fn gemm_with_a_layout() {
        let mut r = Rng::new(2, 0);
        let (m, n, k) = (9, 17, 13);
        for layout in [Layout::Normal, Layout::Transposed] {
            let lda = if layout == Layout::Normal { k } else { m };
            let a = random(&mut r, m * k);
            let b = random(&mut r, k * n);
            let mut c = vec![7.0; m * n];
            gemm(layout, m, n, k, &a, lda, &b, &mut c, false);
            let mut want = vec![0.0; m * n];
            let op = Operand { data: &a, ld: lda, transposed: layout == Layout::Transposed };
            naive(m, n, k, op, Operand::normal(&b, n), &mut want, n, Write::Overwrite);
            assert_eq!(c, want);
            gemm(layout, m, n, k, &a, lda, &b, &mut c, true);
            naive(m, n, k, op, Operand::normal(&b, n), &mut want, n, Write::Accumulate);
            assert_eq!(c, want);
        }
    }

}
