//! The GEMM's arithmetic mode: separately rounded multiply and add, or fused multiply-add (one
//! rounding), chosen from what the build and the CPU offer, and `observed()`, which tells from
//! one product which of the two the kernel really computed.
//!
//! Why two modes: a fused multiply-add computes acc + a * b with a single rounding, and on the
//! CPUs Overfit runs on it also issues about twice as many multiply-adds per cycle as a separate
//! multiply and add, so the GEMM (nearly all of a step's work) runs much faster. But it rounds
//! differently, so a run with fused arithmetic gives other bits than a run without. Both modes
//! are reproducible in their own right: the kernel adds the products of every output element in
//! ascending k in either mode, so a fused run natively (x86-64 FMA3, `_mm_fmadd_ps`) and a fused
//! run in wasm (relaxed SIMD, `f32x4.relaxed_madd`, which V8 lowers to the same instruction on
//! FMA hardware) give the same bits, and two separate runs give the same bits, as before.
//!
//! What the mode covers: the GEMM only (`gemm.rs`, every register block, full or partial; it has
//! no scalar tail, partial blocks run the vector kernel over zero-padded panels). Everything else
//! (losses, normalisation, optimizers, the ReLU) uses separately rounded scalar arithmetic in
//! both modes: wasm has no scalar fused multiply-add, and a software one would be slower than the
//! time it saves; Rust never contracts a * b + c into a fused operation by itself.
//!
//! Where the mode comes from:
//! - wasm: the build. The relaxed-SIMD build (`pkg/overfit_fused.js`) is fused, the plain build
//!   (`pkg/overfit.js`) separate. The page's loader picks the fused build only when the engine
//!   validates a relaxed-SIMD module and that module's madd gives the fused result, and it then
//!   checks `observed()` of the loaded build (www/wasm-loader.js).
//! - natively: fused when the CPU has FMA (x86-64: `is_x86_feature_detected!("fma")`; other
//!   architectures: `f32::mul_add`, exact everywhere), else separate. A process may choose
//!   `separate` (`set_default`, the CLI's `--arithmetic`), and a thread may run a closure in
//!   either mode (`with`; the reproducibility tests check both fixtures in one process).

use core::cell::Cell;
use core::sync::atomic::{AtomicU8, Ordering};

/// How the GEMM forms acc + a * b.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arithmetic {
    /// a * b rounded, then acc + (a * b) rounded: the same bits on every machine.
    Separate,
    /// acc + a * b rounded once: the same bits on every machine with fused multiply-add.
    Fused,
}

impl Arithmetic {
    /// "separate" or "fused", the word the page, the exports and the CLI use.
    pub fn name(self) -> &'static str {
        match self {
            Arithmetic::Separate => "separate",
            Arithmetic::Fused => "fused",
        }
    }

    /// The mode named `name` ("separate" or "fused").
    pub fn parse(name: &str) -> Option<Arithmetic> {
        match name {
            "separate" => Some(Arithmetic::Separate),
            "fused" => Some(Arithmetic::Fused),
            _ => None,
        }
    }
}

/// Whether this build on this CPU has a fused kernel.
pub fn fused_available() -> bool {
    #[cfg(target_arch = "wasm32")]
    return cfg!(target_feature = "relaxed-simd");
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("fma");
    #[cfg(not(any(target_arch = "wasm32", target_arch = "x86_64")))]
    return true;
}

/// 0: not chosen (the detected default), 1: separate, 2: fused.
static PROCESS_DEFAULT: AtomicU8 = AtomicU8::new(0);

std::thread_local! {
    /// A mode set for the running closure of `with` on this thread.
    static OVERRIDE: Cell<Option<Arithmetic>> = const { Cell::new(None) };
}

/// The mode the GEMM uses on this thread now: `with`'s, else the process's (`set_default`), else
/// fused where available.
pub fn current() -> Arithmetic {
    if let Some(m) = OVERRIDE.with(Cell::get) {
        return m;
    }
    match PROCESS_DEFAULT.load(Ordering::Relaxed) {
        1 => Arithmetic::Separate,
        2 => Arithmetic::Fused,
        _ if fused_available() => Arithmetic::Fused,
        _ => Arithmetic::Separate,
    }
}

/// Chooses the process's mode (the CLI's `--arithmetic`). Fused is refused where this build on
/// this CPU has no fused kernel.
pub fn set_default(mode: Arithmetic) -> Result<(), String> {
    check(mode)?;
    PROCESS_DEFAULT.store(if mode == Arithmetic::Fused { 2 } else { 1 }, Ordering::Relaxed);
    Ok(())
}

/// Runs `f` with the GEMM in `mode` on this thread (and restores the previous mode after, also
/// when `f` panics). Panics when `mode` is fused and no fused kernel is available.
pub fn with<R>(mode: Arithmetic, f: impl FnOnce() -> R) -> R {
    if let Err(e) = check(mode) {
        panic!("{e}");
    }
    struct Restore(Option<Arithmetic>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.with(|o| o.set(self.0));
        }
    }
    let _restore = Restore(OVERRIDE.with(|o| o.replace(Some(mode))));
    f()
}

fn check(mode: Arithmetic) -> Result<(), String> {
    if mode == Arithmetic::Fused && !fused_available() {
        return Err("fused arithmetic is not available: this CPU has no FMA (or this wasm build has no relaxed SIMD)".into());
    }
    Ok(())
}

/// What the GEMM kernel really computes in the current mode, found from one product whose two
/// roundings differ: with a = b = 1 + 2^-12, a * b = 1 + 2^-11 + 2^-24 exactly; rounded to f32
/// (24-bit significand) it is 1 + 2^-11 (a tie, to even), so bias + a * b with bias =
/// -(1 + 2^-11) is 0 separately rounded and 2^-24 fused. In wasm this catches an engine that
/// lowers relaxed madd to a multiply and an add.
pub fn observed() -> Arithmetic {
    let a = [1.0f32 + 1.0 / 4096.0];
    let b = [1.0f32 + 1.0 / 4096.0];
    let bias = [-(1.0f32 + 1.0 / 2048.0)];
    let mut c = [f32::NAN];
    // black_box: the inputs are not constants to the optimizer, the kernel really runs.
    let (a, b, bias) = core::hint::black_box((a, b, bias));
    crate::gemm::gemm_into(1, 1, 1, crate::gemm::Operand::normal(&a, 1), crate::gemm::Operand::normal(&b, 1), &mut c, 1, crate::gemm::Write::Bias(&bias));
    if c[0] == 0.0 {
        Arithmetic::Separate
    } else {
        Arithmetic::Fused
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_computes_the_mode_it_is_in() {
        assert_eq!(with(Arithmetic::Separate, observed), Arithmetic::Separate);
        if fused_available() {
            assert_eq!(with(Arithmetic::Fused, observed), Arithmetic::Fused);
            // The check's arithmetic: the exact value, and zero when rounded twice.
            let (a, bias) = (1.0f32 + 1.0 / 4096.0, -(1.0f32 + 1.0 / 2048.0));
            assert_eq!(a.mul_add(a, bias), 1.0 / 16_777_216.0);
            assert_eq!(bias + a * a, 0.0);
        }
    }

    #[test]
    fn with_restores_the_previous_mode() {
        let before = current();
        with(Arithmetic::Separate, || {
            assert_eq!(current(), Arithmetic::Separate);
            if fused_available() {
                with(Arithmetic::Fused, || assert_eq!(current(), Arithmetic::Fused));
            }
            assert_eq!(current(), Arithmetic::Separate);
        });
        assert_eq!(current(), before);
    }

    #[test]
    fn names_round_trip() {
        for m in [Arithmetic::Separate, Arithmetic::Fused] {
            assert_eq!(Arithmetic::parse(m.name()), Some(m));
        }
        assert_eq!(Arithmetic::parse("fast"), None);
    }
}
