//! The blocked driver of the wide native kernels (x86-64, 256 and 512 bits): packing and loop
//! order generic over a register block of `K::MR` rows by `K::NR` columns, compiled into each
//! kernel's target-feature function so the packing loops use the same wide instructions.
//!
//! The layout is the one of the 128-bit driver in gemm.rs (equal K blocks of at most `K::KC`, a
//! normal B packed one K block at a time into column panels, A packed in blocks of rows with the
//! MR rows of a register block interleaved, a transposed B packed panel by panel, and the
//! row-stationary loop order for the weight gradient). Only the block sizes differ, and block
//! sizes cannot change a bit: every output element still starts from its initial value and adds
//! its products in ascending k, one multiply-add each, whatever the blocking.

use super::{offset, start_of, v4, Operand, Start, Write, B_SCRATCH};

/// A register-block kernel of one width (see x86_avx2.rs and x86_avx512.rs).
pub(super) trait Kernel {
    /// Rows of C per register block.
    const MR: usize;
    /// Columns of C per register block and per packed panel of B (a multiple of 4).
    const NR: usize;
    /// Largest depth of a K block.
    const KC: usize;
    /// Rows of A per packed block (a multiple of MR).
    const MC: usize;
    /// C[0..mr, 0..NR] (row stride ldc) = start + sum over p < kc of apanel[p * MR + r] *
    /// bpanel[p * NR ..][..NR], in ascending p, fused or separately rounded.
    #[allow(clippy::too_many_arguments)]
    unsafe fn block(mr: usize, kc: usize, apanel: *const f32, bpanel: *const f32, c: *mut f32, ldc: usize, start: Start, fused: bool);
}

std::thread_local! {
    /// The packed block of A, kept between calls (no allocation once it has grown).
    static A_SCRATCH: core::cell::RefCell<Vec<f32>> = const { core::cell::RefCell::new(Vec::new()) };
    /// One packed panel of a transposed B.
    static PANEL_SCRATCH: core::cell::RefCell<Vec<f32>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// The product of gemm.rs's `gemm_blocked` for k > 0 with kernel `K`. Inlined into the caller,
/// which enables the kernel's target features.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) unsafe fn run<K: Kernel>(m: usize, n: usize, k: usize, a: Operand, b: Operand, c: *mut f32, ldc: usize, write: Write, relu: *mut f32, fused: bool) {
    let kblock = k.div_ceil(k.div_ceil(K::KC));
    let panels = n.div_ceil(K::NR);
    A_SCRATCH.with(|acell| {
        PANEL_SCRATCH.with(|pcell| {
            B_SCRATCH.with(|bcell| {
                let (mut abuf, mut pbuf, mut bbuf) = (acell.borrow_mut(), pcell.borrow_mut(), bcell.borrow_mut());
                grow(&mut abuf, K::MC * kblock);
                grow(&mut pbuf, K::NR * kblock);
                if !b.transposed {
                    grow(&mut bbuf, kblock * panels * K::NR);
                }
                let bblock = if b.transposed { core::ptr::null_mut() } else { bbuf.as_mut_ptr() };
                run_blocks::<K>(m, n, k, kblock, a, b, c, ldc, write, relu, abuf.as_mut_ptr(), pbuf.as_mut_ptr(), bblock, fused);
            })
        })
    })
}

/// Grows a scratch buffer to at least `need` floats (then it is reused: no allocation per step).
fn grow(v: &mut Vec<f32>, need: usize) {
    if v.len() < need {
        v.resize(need, 0.0);
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn run_blocks<K: Kernel>(
    m: usize,
    n: usize,
    k: usize,
    kblock: usize,
    a: Operand,
    b: Operand,
    c: *mut f32,
    ldc: usize,
    write: Write,
    relu: *mut f32,
    apack: *mut f32,
    bpack: *mut f32,
    bblock: *mut f32,
    fused: bool,
) {
    let (ap, bp) = (a.data.as_ptr(), b.data.as_ptr());
    let mut p0 = 0;
    while p0 < k {
        let kc = kblock.min(k - p0);
        // The fused ReLU is written after the last K block only, from the finished C.
        let relu = if p0 + kc == k { relu } else { core::ptr::null_mut() };
        if !b.transposed {
            pack_b_block::<K>(kc, n, bp.add(p0 * b.ld), b.ld, bblock);
        }
        let mut i0 = 0;
        while i0 < m {
            let mc = K::MC.min(m - i0);
            pack_a::<K>(mc, kc, ap, a.ld, a.transposed, i0, p0, apack);
            if b.transposed || m <= K::MC {
                // Panel-stationary: each panel of B stays in L1 while every row block of A
                // sweeps it.
                let mut j0 = 0;
                while j0 < n {
                    let nr = K::NR.min(n - j0);
                    let panel = if b.transposed {
                        pack_b_transposed::<K>(kc, nr, bp.add(j0 * b.ld + p0), b.ld, bpack);
                        bpack as *const f32
                    } else {
                        bblock.add(j0 * kc) as *const f32
                    };
                    let mut i = 0;
                    while i < mc {
                        let mr = K::MR.min(mc - i);
                        tile::<K>(mr, nr, kc, apack.add(i * kc), panel, c.add((i0 + i) * ldc + j0), ldc, start_of(p0, write, j0), offset(relu, (i0 + i) * ldc + j0), fused);
                        i += mr;
                    }
                    j0 += nr;
                }
            } else {
                // Row-stationary: each row block of A stays in L1 while it sweeps every panel of
                // the packed B block (the weight gradient: many rows, K = batch).
                let mut i = 0;
                while i < mc {
                    let mr = K::MR.min(mc - i);
                    let mut j0 = 0;
                    while j0 < n {
                        let nr = K::NR.min(n - j0);
                        let panel = bblock.add(j0 * kc) as *const f32;
                        tile::<K>(mr, nr, kc, apack.add(i * kc), panel, c.add((i0 + i) * ldc + j0), ldc, start_of(p0, write, j0), offset(relu, (i0 + i) * ldc + j0), fused);
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

/// One register block of mr rows and nr columns of C at `ci` (and its ReLU at `relu`, unless
/// null). A partial panel (nr < NR) is computed into a copy and the valid columns written back;
/// the packed panel is zero beyond column nr, so those lanes only ever hold zeros.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn tile<K: Kernel>(mr: usize, nr: usize, kc: usize, apanel: *const f32, panel: *const f32, ci: *mut f32, ldc: usize, start: Start, relu: *mut f32, fused: bool) {
    if nr == K::NR {
        K::block(mr, kc, apanel, panel, ci, ldc, start, fused);
    } else {
        // Large enough for the widest kernel (14 rows by 32 columns at most).
        let mut tmp = [0.0f32; 16 * 32];
        debug_assert!(K::MR * K::NR <= tmp.len());
        let tstart = match start {
            Start::Zero => Start::Zero,
            Start::LoadC | Start::Bias(_) => {
                for r in 0..mr {
                    for q in 0..nr {
                        tmp[r * K::NR + q] = match start {
                            Start::Bias(bias) => *bias.add(q),
                            _ => *ci.add(r * ldc + q),
                        };
                    }
                }
                Start::LoadC
            }
        };
        K::block(mr, kc, apanel, panel, tmp.as_mut_ptr(), K::NR, tstart, fused);
        for r in 0..mr {
            for q in 0..nr {
                *ci.add(r * ldc + q) = tmp[r * K::NR + q];
            }
        }
    }
    if !relu.is_null() {
        // The branchy scalar ReLU (`if c > 0 { c } else { +0 }`), which the compiler vectorizes
        // as a compare and a blend.
        for r in 0..mr {
            let (src, dst) = (ci.add(r * ldc), relu.add(r * ldc));
            for q in 0..nr {
                let v = *src.add(q);
                *dst.add(q) = if v > 0.0 { v } else { 0.0 };
            }
        }
    }
}

/// Packs A(i0 + i, p0 + p) for i < mc, p < kc into blocks of MR rows: the block starting at row i
/// holds, at apack[i * kc + p * MR + r], the element of row i + r (a last, shorter block uses the
/// stride MR all the same, its unused slots never read).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn pack_a<K: Kernel>(mc: usize, kc: usize, a: *const f32, lda: usize, transposed: bool, i0: usize, p0: usize, apack: *mut f32) {
    use v4::*;
    let mr_full = K::MR;
    let mut i = 0;
    while i < mc {
        let mr = mr_full.min(mc - i);
        let dst = apack.add(i * kc);
        if transposed {
            // A(i, p) = a[p * lda + i]: each step of p is mr consecutive floats of a row.
            let src = a.add(p0 * lda + i0 + i);
            for p in 0..kc {
                core::ptr::copy_nonoverlapping(src.add(p * lda), dst.add(p * mr_full), mr);
            }
        } else {
            // A(i, p) = a[i * lda + p]: rows transposed four by four in registers, the rows
            // beyond a multiple of four one element at a time.
            let src = a.add((i0 + i) * lda + p0);
            let mut r0 = 0;
            while r0 + 4 <= mr {
                let s = src.add(r0 * lda);
                let mut p = 0;
                while p + 4 <= kc {
                    let t = transpose4(load(s.add(p)), load(s.add(lda + p)), load(s.add(2 * lda + p)), load(s.add(3 * lda + p)));
                    for (u, v) in t.iter().enumerate() {
                        store(dst.add((p + u) * mr_full + r0), *v);
                    }
                    p += 4;
                }
                while p < kc {
                    for r in r0..r0 + 4 {
                        *dst.add(p * mr_full + r) = *src.add(r * lda + p);
                    }
                    p += 1;
                }
                r0 += 4;
            }
            for r in r0..mr {
                for p in 0..kc {
                    *dst.add(p * mr_full + r) = *src.add(r * lda + p);
                }
            }
        }
        i += mr;
    }
}

/// Packs rows 0..kc of a normal B (row p at b[p * ldb], n columns) into column panels of NR:
/// panel t at out[t * kc * NR], element (p, q) at [p * NR + q], zeros past column n.
#[inline(always)]
unsafe fn pack_b_block<K: Kernel>(kc: usize, n: usize, b: *const f32, ldb: usize, out: *mut f32) {
    let nr = K::NR;
    let full = n / nr;
    let rest = n - full * nr;
    for p in 0..kc {
        let src = b.add(p * ldb);
        let mut dst = out.add(p * nr);
        for t in 0..full {
            core::ptr::copy_nonoverlapping(src.add(t * nr), dst, nr);
            dst = dst.add(kc * nr);
        }
        if rest > 0 {
            for q in 0..nr {
                *dst.add(q) = if q < rest { *src.add(full * nr + q) } else { 0.0 };
            }
        }
    }
}

/// Copies B(p, j0 + q) for p < kc, q < nr (B transposed: at b[q * ldb + p]) into
/// panel[p * NR + q], zero beyond nr. Groups of four columns are transposed four by four in
/// registers.
#[inline(always)]
unsafe fn pack_b_transposed<K: Kernel>(kc: usize, nr: usize, b: *const f32, ldb: usize, panel: *mut f32) {
    use v4::*;
    let w = K::NR;
    let mut q0 = 0;
    while q0 + 4 <= nr {
        let r = b.add(q0 * ldb);
        let mut p = 0;
        while p + 4 <= kc {
            let t = transpose4(load(r.add(p)), load(r.add(ldb + p)), load(r.add(2 * ldb + p)), load(r.add(3 * ldb + p)));
            for (s, v) in t.iter().enumerate() {
                store(panel.add((p + s) * w + q0), *v);
            }
            p += 4;
        }
        while p < kc {
            for q in q0..q0 + 4 {
                *panel.add(p * w + q) = *b.add(q * ldb + p);
            }
            p += 1;
        }
        q0 += 4;
    }
    for p in 0..kc {
        for q in q0..w {
            *panel.add(p * w + q) = if q < nr { *b.add(q * ldb + p) } else { 0.0 };
        }
    }
}
