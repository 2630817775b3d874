//! The vector width the native GEMM runs at (128, 256 or 512 bits), chosen from what the CPU
//! has, forced by `OVERFIT_SIMD` or the CLI's `--simd`, and `observed()`, which reports the width
//! the kernel really ran at.
//!
//! Why a choice at all: a wider register computes more output elements of the GEMM at once, so
//! natively the widest kernel the CPU has is the fastest (x86-64: AVX2 + FMA for 256 bits,
//! AVX-512F for 512). The width never changes a bit of the result: in every kernel a vector lane
//! holds one output element, which adds its products in ascending k with one multiply-add each
//! (see gemm.rs), so a run at 512 bits equals a run at 128 bits of the same arithmetic mode, and
//! the wasm build (always 128 bits, SIMD128). Forcing a narrower width is for the tests, which
//! check exactly that, and for the benchmark, which times every width.
//!
//! Where the width comes from, first match wins: `with` on this thread (the tests), the process's
//! choice (`set_default`, the CLI's `--simd`), the environment variable `OVERFIT_SIMD=128|256|512`,
//! else the widest available.

use core::cell::Cell;
use core::sync::atomic::{AtomicU16, Ordering};

/// A vector width of the native GEMM kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Width {
    /// 4 f32 lanes: SSE2 / AVX (+ FMA) natively, SIMD128 in wasm.
    W128,
    /// 8 f32 lanes: AVX2 + FMA.
    W256,
    /// 16 f32 lanes: AVX-512F (+ FMA).
    W512,
}

impl Width {
    /// Every width, narrowest first.
    pub const ALL: [Width; 3] = [Width::W128, Width::W256, Width::W512];

    /// The width in bits.
    pub fn bits(self) -> u16 {
        match self {
            Width::W128 => 128,
            Width::W256 => 256,
            Width::W512 => 512,
        }
    }

    /// The width of `bits` ("128", "256" or "512").
    pub fn parse(bits: &str) -> Option<Width> {
        Width::ALL.into_iter().find(|w| w.bits().to_string() == bits.trim())
    }

    /// Whether this build on this CPU has a kernel of this width.
    pub fn available(self) -> bool {
        match self {
            Width::W128 => true,
            #[cfg(target_arch = "x86_64")]
            Width::W256 => std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Width::W512 => std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma"),
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }
}

/// The widths this build on this CPU has, narrowest first.
pub fn available() -> Vec<Width> {
    Width::ALL.into_iter().filter(|w| w.available()).collect()
}

/// The widest available width.
pub fn widest() -> Width {
    *available().last().unwrap_or(&Width::W128)
}

/// The available widths as "128, 256, 512", for messages.
pub fn available_list() -> String {
    available().iter().map(|w| w.bits().to_string()).collect::<Vec<_>>().join(", ")
}

/// The width `value` names, if this CPU has it; `source` names the flag or variable in the error.
pub fn parse_available(value: &str, source: &str) -> Result<Width, String> {
    let w = Width::parse(value).ok_or_else(|| format!("{source}: 128, 256 or 512, got {value:?} (this CPU has {})", available_list()))?;
    if !w.available() {
        return Err(format!("{source}={}: this CPU has no {}-bit kernel; the widths available here are {}", w.bits(), w.bits(), available_list()));
    }
    Ok(w)
}

/// The width `OVERFIT_SIMD` asks for: None when unset or empty, an error when it names no width
/// or one this CPU lacks.
pub fn from_env() -> Result<Option<Width>, String> {
    match std::env::var("OVERFIT_SIMD") {
        Ok(v) if !v.trim().is_empty() => parse_available(&v, "OVERFIT_SIMD").map(Some),
        _ => Ok(None),
    }
}

/// 0: not chosen (the environment or the widest), else the bits of the process's width.
static PROCESS_DEFAULT: AtomicU16 = AtomicU16::new(0);

std::thread_local! {
    /// A width set for the running closure of `with` on this thread.
    static OVERRIDE: Cell<Option<Width>> = const { Cell::new(None) };
    /// The width of the last GEMM kernel this thread ran (what `observed` reports).
    static LAST_USED: Cell<Option<Width>> = const { Cell::new(None) };
}

/// The default when nothing was chosen: `OVERFIT_SIMD` if valid (an invalid value is reported once
/// on stderr and ignored; the CLI refuses it up front), else the widest.
fn env_or_widest() -> Width {
    static CHOSEN: std::sync::OnceLock<Width> = std::sync::OnceLock::new();
    *CHOSEN.get_or_init(|| match from_env() {
        Ok(Some(w)) => w,
        Ok(None) => widest(),
        Err(e) => {
            eprintln!("overfit: {e}; using {}", widest().bits());
            widest()
        }
    })
}

/// The width the GEMM uses on this thread now.
pub fn current() -> Width {
    if let Some(w) = OVERRIDE.with(Cell::get) {
        return w;
    }
    match PROCESS_DEFAULT.load(Ordering::Relaxed) {
        0 => env_or_widest(),
        bits => Width::ALL.into_iter().find(|w| w.bits() == bits).unwrap_or(Width::W128),
    }
}

/// Chooses the process's width (the CLI's `--simd`); refused when the CPU lacks it.
pub fn set_default(width: Width) -> Result<(), String> {
    check(width)?;
    PROCESS_DEFAULT.store(width.bits(), Ordering::Relaxed);
    Ok(())
}

/// Runs `f` with the GEMM at `width` on this thread (the previous width restored after, also when
/// `f` panics). Panics when the CPU lacks `width`.
pub fn with<R>(width: Width, f: impl FnOnce() -> R) -> R {
    if let Err(e) = check(width) {
        panic!("{e}");
    }
    struct Restore(Option<Width>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.with(|o| o.set(self.0));
        }
    }
    let _restore = Restore(OVERRIDE.with(|o| o.replace(Some(width))));
    f()
}

fn check(width: Width) -> Result<(), String> {
    if !width.available() {
        return Err(format!("the {}-bit GEMM kernel is not available on this CPU (available: {})", width.bits(), available_list()));
    }
    Ok(())
}

/// Called by the GEMM's dispatch with the width of the kernel it runs (x86-64; elsewhere the
/// kernel is always 128 bits and `observed` reports that).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn note_used(width: Width) {
    LAST_USED.with(|c| c.set(Some(width)));
}

/// The width of the kernel the GEMM really runs on this thread now: one small product is
/// computed and the dispatch reports which kernel ran it (so a forced width that did not reach
/// the kernel is caught).
pub fn observed() -> Width {
    LAST_USED.with(|c| c.set(None));
    let (a, b) = core::hint::black_box(([1.0f32; 4], [2.0f32; 4]));
    let mut c = [0.0f32; 4];
    crate::gemm::gemm_into(2, 2, 2, crate::gemm::Operand::normal(&a, 2), crate::gemm::Operand::normal(&b, 2), &mut c, 2, crate::gemm::Write::Overwrite);
    assert_eq!(c, [4.0; 4], "the GEMM's smoke product");
    LAST_USED.with(Cell::get).unwrap_or(Width::W128)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_available_width_is_observed_when_forced() {
        for w in available() {
            assert_eq!(with(w, observed), w);
        }
        assert!(available().contains(&Width::W128));
    }

    #[test]
    fn names_round_trip_and_unknown_widths_are_refused() {
        for w in Width::ALL {
            assert_eq!(Width::parse(&w.bits().to_string()), Some(w));
        }
        assert_eq!(Width::parse("64"), None);
        let e = parse_available("1024", "--simd").unwrap_err();
        assert!(e.contains("--simd") && e.contains("128"), "{e}");
        for w in Width::ALL.into_iter().filter(|w| !w.available()) {
            let e = parse_available(&w.bits().to_string(), "OVERFIT_SIMD").unwrap_err();
            assert!(e.contains("OVERFIT_SIMD") && e.contains("available"), "{e}");
        }
    }
}
