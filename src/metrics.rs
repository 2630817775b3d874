//! Summaries of a batch of values for the views: histogram, mean, standard deviation, and three
//! fractions. Dead: the units whose value is exactly 0 for every sample of the batch (a ReLU that
//! never fires on it). Saturated: the unit-samples near a flat end (|a| > 0.99 for tanh, a < 0.01
//! or a > 0.99 for sigmoid). Zeros: the unit-samples exactly 0. Shared by the init lab and the
//! live per-layer views; the values come as a row-major (samples, units) matrix.

use crate::config::Activation;
use serde::Serialize;

/// Bins of each histogram.
pub const BINS: usize = 40;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Histogram {
    pub lo: f32,
    pub hi: f32,
    pub counts: Vec<u32>,
}

/// Statistics of one (samples, units) buffer: one layer's activations or gradients over a batch.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub mean: f32,
    pub std: f32,
    /// Fraction of unit-samples near a flat end: |a| > 0.99 for tanh, a < 0.01 or a > 0.99 for
    /// sigmoid; 0 for the other activations.
    pub saturated: f32,
    /// Fraction of units that are exactly 0 for every sample of the batch.
    pub dead: f32,
    /// Fraction of unit-samples that are exactly 0.
    pub zeros: f32,
    pub hist: Histogram,
}

/// Mean and (population) standard deviation, accumulated in f64.
pub fn mean_std(v: &[f32]) -> (f32, f32) {
    let n = v.len().max(1) as f64;
    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    (mean as f32, var.sqrt() as f32)
}

/// A histogram over [lo, hi]; values outside are counted in the end bins, NaN in the first.
pub fn histogram(v: &[f32], lo: f32, hi: f32) -> Histogram {
    let mut counts = vec![0u32; BINS];
    let width = (hi - lo).max(1e-12);
    for &x in v {
        let b = (((x - lo) / width) * BINS as f32).floor();
        let b = if b.is_nan() { 0 } else { (b.max(0.0) as usize).min(BINS - 1) };
        counts[b] += 1;
    }
    Histogram { lo, hi, counts }
}

/// A symmetric range [-m, m] covering the finite values (at least +-1e-6).
pub fn symmetric_range(v: &[f32]) -> (f32, f32) {
    let m = v.iter().fold(0.0f32, |a, &x| if x.is_finite() { a.max(x.abs()) } else { a }).max(1e-6);
    (-m, m)
}

/// Summarizes activations produced by `act`, given row-major with `units` values per sample (a
/// (samples, units) matrix), over the natural range of bounded functions.
pub fn summarize_activations(v: &[f32], units: usize, act: Activation) -> Summary {
    let (lo, hi) = match act {
        Activation::Tanh => (-1.0, 1.0),
        Activation::Sigmoid => (0.0, 1.0),
        _ => symmetric_range(v),
    };
    summarize(v, units, act, lo, hi)
}

/// Summarizes a row-major (samples, units) buffer with no natural range (pre-activations,
/// gradients); nothing counts as saturated.
pub fn summarize_free(v: &[f32], units: usize) -> Summary {
    let (lo, hi) = symmetric_range(v);
    summarize(v, units, Activation::Identity, lo, hi)
}

/// The saturated band of a squashing activation: an output farther than `beyond` from `mid`
/// sits on a flat end, where the derivative is below 2 % of its peak (tanh'(a) = 1 - a^2 < 0.02
/// for |a| > 0.99; sigmoid'(s) = s(1 - s) < 0.0099 for s below 0.01 or above 0.99). The page
/// draws and words saturation from this (the schema's `limits.saturation`, the unit maps' layers).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Saturation {
    pub mid: f32,
    pub beyond: f32,
}

/// The share of the output range past which tanh and sigmoid count as saturated.
pub const SATURATED_AT: f32 = 0.99;

/// The saturated band of `act` (None for activations with no flat ends).
pub fn saturation(act: Activation) -> Option<Saturation> {
    match act {
        // |tanh| > 0.99.
        Activation::Tanh => Some(Saturation { mid: 0.0, beyond: SATURATED_AT }),
        // sigmoid below 0.01 or above 0.99: farther than 0.49 from 0.5.
        Activation::Sigmoid => Some(Saturation { mid: 0.5, beyond: SATURATED_AT - 0.5 }),
        _ => None,
    }
}

/// Fraction of values near a flat end of `act` (see `saturation`): |a| > 0.99 for tanh, a < 0.01
/// or a > 0.99 for sigmoid, none for the other activations. Each unit-sample counts once.
pub fn saturated_fraction(v: &[f32], act: Activation) -> f32 {
    let n = v.len().max(1) as f32;
    let count = match act {
        Activation::Tanh => v.iter().filter(|x| x.abs() > SATURATED_AT).count(),
        Activation::Sigmoid => v.iter().filter(|&&x| !((1.0 - SATURATED_AT)..=SATURATED_AT).contains(&x)).count(),
        _ => 0,
    };
    count as f32 / n
}

/// Fraction of the `units` columns of the row-major (samples, units) buffer `v` that are exactly
/// 0 in every row: the units that never fire on this batch. A batch with no rows has none.
pub fn dead_fraction(v: &[f32], units: usize) -> f32 {
    if units == 0 || v.len() < units {
        return 0.0;
    }
    debug_assert_eq!(v.len() % units, 0, "buffer length is not a multiple of the unit count");
    let mut fired = vec![false; units];
    for row in v.chunks_exact(units) {
        for (f, &x) in fired.iter_mut().zip(row) {
            *f |= x != 0.0;
        }
    }
    fired.iter().filter(|&&f| !f).count() as f32 / units as f32
}

fn summarize(v: &[f32], units: usize, act: Activation, lo: f32, hi: f32) -> Summary {
    let (mean, std) = mean_std(v);
    let n = v.len().max(1) as f32;
    let zeros = v.iter().filter(|&&x| x == 0.0).count() as f32 / n;
    Summary {
        mean,
        std,
        saturated: saturated_fraction(v, act),
        dead: dead_fraction(v, units),
        zeros,
        hist: histogram(v, lo, hi),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_everything_once() {
        let v: Vec<f32> = (0..1000).map(|i| ((i as f32 + 0.5) / 500.0) - 1.0).collect();
        let h = histogram(&v, -1.0, 1.0);
        assert_eq!(h.counts.iter().sum::<u32>(), 1000);
        assert!(h.counts.iter().all(|&c| c == 25));
    }

    #[test]
    fn a_unit_is_dead_only_when_it_is_zero_for_every_sample() {
        // Three samples (rows) of four units (columns): unit 0 is 0 in every row, unit 1 in two
        // of three, unit 2 fires in every row and unit 3 is negative zero in every row.
        let v = [
            0.0, 0.0, 1.0, -0.0, //
            0.0, 2.0, 0.5, -0.0, //
            0.0, 0.0, 3.0, -0.0, //
        ];
        let s = summarize_activations(&v, 4, Activation::Relu);
        assert_eq!(s.dead, 0.5, "units 0 and 3 never fire; unit 1 fires once");
        assert_eq!(s.zeros, 8.0 / 12.0);
        assert_eq!(s.saturated, 0.0);
        // The same values read as one sample of twelve units: eight of them are 0.
        assert_eq!(dead_fraction(&v, 12), 8.0 / 12.0);
        // Read as twelve samples of one unit, the unit fires in some of them, so it is not dead;
        // an empty batch or no units has no dead unit.
        assert_eq!(dead_fraction(&v, 1), 0.0);
        assert_eq!(dead_fraction(&[], 4), 0.0);
        assert_eq!(dead_fraction(&v, 0), 0.0);
    }

    #[test]
    fn saturation_counts_unit_samples() {
        // Two samples of two tanh units: unit 0 is saturated in one sample only.
        let t = summarize_activations(&[0.995, 0.2, 0.5, -1.0], 2, Activation::Tanh);
        assert_eq!((t.saturated, t.dead, t.zeros), (0.5, 0.0, 0.0));
        let t = summarize_activations(&[0.0, 0.0, 0.995, -1.0], 2, Activation::Tanh);
        assert_eq!((t.saturated, t.dead, t.zeros), (0.5, 0.0, 0.5));
        // Sigmoid: within 0.01 of 0 or 1 counts, 0.01 and 0.99 themselves do not.
        let s = summarize_activations(&[0.005, 0.01, 0.5, 0.99, 0.995, 1.0], 3, Activation::Sigmoid);
        assert_eq!(s.saturated, 0.5);
        // ReLU and the values without a natural range never count as saturated.
        assert_eq!(summarize_activations(&[5.0, 100.0], 2, Activation::Relu).saturated, 0.0);
        assert_eq!(summarize_free(&[0.999, -1.0], 1).saturated, 0.0);
    }
}
