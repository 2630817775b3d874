//! Summaries of a buffer of values for the views: histogram, mean, standard deviation, the
//! fraction saturated (|a| > 0.99 for tanh, a < 0.01 or a > 0.99 for sigmoid) and the fraction
//! dead (exactly 0, the ReLU family). Shared by the init lab and the live per-layer views.

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

/// Statistics of one buffer (one layer's activations or gradients over a batch).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub mean: f32,
    pub std: f32,
    pub saturated: f32,
    pub dead: f32,
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

/// Summarizes activations produced by `act`: its natural range for bounded functions.
pub fn summarize_activations(v: &[f32], act: Activation) -> Summary {
    let (lo, hi) = match act {
        Activation::Tanh => (-1.0, 1.0),
        Activation::Sigmoid => (0.0, 1.0),
        _ => symmetric_range(v),
    };
    summarize(v, act, lo, hi)
}

/// Summarizes values with no natural range (pre-activations, gradients).
pub fn summarize_free(v: &[f32]) -> Summary {
    let (lo, hi) = symmetric_range(v);
    summarize(v, Activation::Identity, lo, hi)
}

fn summarize(v: &[f32], act: Activation, lo: f32, hi: f32) -> Summary {
    let (mean, std) = mean_std(v);
    let n = v.len().max(1) as f32;
    let saturated = match act {
        Activation::Tanh => v.iter().filter(|x| x.abs() > 0.99).count() as f32 / n,
        Activation::Sigmoid => v.iter().filter(|&&x| !(0.01..=0.99).contains(&x)).count() as f32 / n,
        _ => 0.0,
    };
    let dead = v.iter().filter(|&&x| x == 0.0).count() as f32 / n;
    Summary { mean, std, saturated, dead, hist: histogram(v, lo, hi) }
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
        let s = summarize_activations(&[0.0, 0.0, 0.995, -1.0], Activation::Tanh);
        assert_eq!((s.dead, s.saturated), (0.5, 0.5));
    }
}
