//! The shape of a series, one rule for a measured curve (a run's validation loss per epoch, a
//! sweep's validation medians per knob value) and for the student's sketch (its knot values):
//! `falls`, `u` (falls, then rises), `rises` or `flat`.
//!
//! The rule: smooth the series with a running median over 2h + 1 points, h = ⌊n / 40⌋ (the
//! window is cut at the ends; short series are not smoothed), so that epoch-to-epoch noise does
//! not move its minimum or its end. Let s be the smoothed series, m = min s its minimum, x₁ the
//! series' first value as given (a steep first fall is not smoothed away), R = max(x₁, max s) − m
//! its range and S = max(|x₁|, |m|, |max s|) its size. The series is flat when R ≤ 0.1·S.
//! Otherwise, with fall = (x₁ − m) / R and rise = (s_n − m) / R, it falls then rises (`u`) when
//! both are at least 0.15, `falls` when only fall is, `rises` when only rise is, and is `flat`
//! when neither is (it ends where it started, with any bump above both).

use serde::Serialize;

/// The share of its range a series must fall (or rise) by for the fall (or rise) to count.
const MOVES: f32 = 0.15;
/// A series whose range is at most this share of its size is flat.
const FLAT: f32 = 0.1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    Falls,
    U,
    Rises,
    Flat,
}

impl Shape {
    /// The id the lecture path's choices use.
    pub fn id(self) -> &'static str {
        match self {
            Shape::Falls => "falls",
            Shape::U => "u",
            Shape::Rises => "rises",
            Shape::Flat => "flat",
        }
    }
}

/// What the rule measured: the shape, fall and rise as shares of the range, and the 1-based
/// position of the smoothed minimum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShapeMeasure {
    pub shape: Shape,
    pub fall: f32,
    pub rise: f32,
    pub min_at: usize,
}

/// The shape of a series (non-finite values are left out).
pub fn shape(values: &[f32]) -> Shape {
    measure(values).shape
}

/// The shape of a series and the figures it was read from (see the module's rule).
pub fn measure(values: &[f32]) -> ShapeMeasure {
    let v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let flat = ShapeMeasure { shape: Shape::Flat, fall: 0.0, rise: 0.0, min_at: 1 };
    if v.len() < 2 {
        return flat;
    }
    let s = running_median(&v, v.len() / 40);
    let (mut lo, mut hi, mut min_at) = (s[0], s[0], 0);
    for (i, &x) in s.iter().enumerate() {
        if x < lo {
            (lo, min_at) = (x, i);
        }
        hi = hi.max(x);
    }
    let first = v[0];
    hi = hi.max(first);
    let range = hi - lo;
    let size = lo.abs().max(hi.abs());
    if range <= FLAT * size || range <= 0.0 {
        return ShapeMeasure { min_at: min_at + 1, ..flat };
    }
    let fall = (first - lo) / range;
    let rise = (s[s.len() - 1] - lo) / range;
    let shape = match (fall >= MOVES, rise >= MOVES) {
        (true, true) => Shape::U,
        (true, false) => Shape::Falls,
        (false, true) => Shape::Rises,
        (false, false) => Shape::Flat,
    };
    ShapeMeasure { shape, fall, rise, min_at: min_at + 1 }
}

/// The median of each point's window of up to 2h + 1 points (cut at the ends).
fn running_median(v: &[f32], h: usize) -> Vec<f32> {
    if h == 0 {
        return v.to_vec();
    }
    let mut window = Vec::with_capacity(2 * h + 1);
    (0..v.len())
        .map(|i| {
            window.clear();
            window.extend_from_slice(&v[i.saturating_sub(h)..(i + h + 1).min(v.len())]);
            window.sort_by(f32::total_cmp);
            let k = window.len();
            if k % 2 == 1 {
                window[k / 2]
            } else {
                0.5 * (window[k / 2 - 1] + window[k / 2])
            }
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// `f` at n points of [0, 1], plus N(0, noise²) from a fixed generator.
    fn series(n: usize, noise: f32, seed: u64, f: impl Fn(f32) -> f32) -> Vec<f32> {
        let mut rng = Rng::new(seed, 0);
        (0..n).map(|i| f(i as f32 / (n - 1) as f32) + noise * rng.normal()).collect()
    }

    #[test]
    fn hand_made_series() {
        assert_eq!(shape(&[5.0, 3.0, 2.0, 1.5, 1.2, 1.1]), Shape::Falls);
        assert_eq!(shape(&[5.0, 3.0, 2.0, 2.5, 3.5, 4.0]), Shape::U);
        assert_eq!(shape(&[1.0, 1.0, 1.5, 2.5, 4.0]), Shape::Rises);
        assert_eq!(shape(&[1.0, 1.02, 0.99, 1.01, 1.0]), Shape::Flat);
        assert_eq!(shape(&[0.0, 0.0, 0.0]), Shape::Flat);
        assert_eq!(shape(&[2.0]), Shape::Flat);
        assert_eq!(shape(&[]), Shape::Flat);
        // A hump that comes back down to where it started neither fell nor rose.
        assert_eq!(shape(&[1.0, 3.0, 5.0, 3.0, 1.0]), Shape::Flat);
        // Offsets and scales do not change a shape (a sketch's units are its own).
        assert_eq!(shape(&[105.0, 103.0, 102.0, 102.5, 103.5, 104.0]), Shape::Flat);
        assert_eq!(shape(&[0.5, 0.3, 0.2, 0.25, 0.35, 0.4]), Shape::U);
        // A hump that ends higher than it started rose.
        assert_eq!(shape(&[-5.0, -3.0, -2.0, -2.5, -3.5, -4.0]), Shape::Rises);
    }

    #[test]
    fn the_measure_reports_fall_rise_and_the_minimum() {
        let m = measure(&[4.0, 2.0, 0.0, 1.0, 2.0]);
        assert_eq!((m.shape, m.min_at), (Shape::U, 3));
        assert_eq!((m.fall, m.rise), (1.0, 0.5));
    }

    #[test]
    fn noisy_curves_keep_their_shape() {
        for seed in 1..=20 {
            // A validation loss over 200 epochs: a fast fall to 0.6, then a climb to 1.4.
            let u = series(200, 0.08, seed, |t| {
                0.6 + 1.5 * (t - 0.2).powi(2) + 0.8 * (-20.0 * t).exp()
            });
            assert_eq!(shape(&u), Shape::U, "seed {seed}");
            let falls = series(200, 0.05, seed, |t| 0.3 + 0.8 * (-6.0 * t).exp());
            assert_eq!(shape(&falls), Shape::Falls, "seed {seed}");
            let rises = series(200, 0.05, seed, |t| 0.5 + t);
            assert_eq!(shape(&rises), Shape::Rises, "seed {seed}");
            let flat = series(200, 0.02, seed, |_| 1.0);
            assert_eq!(shape(&flat), Shape::Flat, "seed {seed}");
        }
    }

    #[test]
    fn non_finite_values_are_left_out() {
        assert_eq!(shape(&[5.0, f32::NAN, 2.0, 1.0, f32::INFINITY]), Shape::Falls);
    }
}
