//! The 2D datasets' input features: each point's raw coordinates (x1, x2) turned into the
//! selected columns (x1, x2, x1^2, x2^2, x1 x2, sin x1, sin x2) before pre-processing.

use crate::config::Feature;
use crate::tensor::Matrix;

/// The value of `feature` at the point (x1, x2).
pub fn value(feature: Feature, x1: f32, x2: f32) -> f32 {
    match feature {
        Feature::X1 => x1,
        Feature::X2 => x2,
        // One f32 multiplication each: x1^2 = x1 * x1, x2^2 = x2 * x2 and x1 x2 = x1 * x2.
        Feature::X1Squared => x1 * x1,
        Feature::X2Squared => x2 * x2,
        Feature::X1X2 => x1 * x2,
        // sin(x) is computed in f64 by `libm` and rounded once to f32, which gives the same bits
        // natively and in wasm, and the same value as the PyTorch script's f32(math.sin(x)).
        Feature::SinX1 => libm::sin(x1 as f64) as f32,
        Feature::SinX2 => libm::sin(x2 as f64) as f32,
    }
}

/// The selected features of every point: `raw` is n x 2 (column 0 is x1, column 1 is x2) and the
/// result is n x k with k = `features.len()`, where column j is `features[j]` evaluated at each
/// row's (x1, x2). The features [x1, x2] give a copy of `raw`, bit for bit.
pub fn expand(raw: &Matrix, features: &[Feature]) -> Matrix {
    assert_eq!(raw.cols, 2, "2D points have two coordinates (x1, x2), got {} columns", raw.cols);
    let mut out = Matrix::zeros(raw.rows, features.len());
    for r in 0..raw.rows {
        let (x1, x2) = (raw.data[2 * r], raw.data[2 * r + 1]);
        for (o, &f) in out.row_mut(r).iter_mut().zip(features) {
            *o = value(f, x1, x2);
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const ALL: [Feature; 7] =
        [Feature::X1, Feature::X2, Feature::X1Squared, Feature::X2Squared, Feature::X1X2, Feature::SinX1, Feature::SinX2];

    /// Three points in f32 (x1, x2).
    const POINTS: [[f32; 2]; 3] = [[0.5, -1.25], [1.7, 0.3], [-2.0, 3.1]];

    /// Every feature of `POINTS`, rounded to f32, in the order of `ALL`. numpy is not installed
    /// on the machine that wrote this, so the numbers come from Python's math module, rounding to
    /// f32 after each operation as Overfit does (a product of two f32 is exact in f64, so rounding
    /// it once is the f32 product; sin is taken in f64 and rounded once):
    ///
    /// ```text
    /// python3 -c '
    /// import math, struct
    /// f32 = lambda v: struct.unpack("f", struct.pack("f", v))[0]
    /// def short(v):
    ///     s = next(s for s in ("%.*g" % (p, v) for p in range(1, 10)) if f32(float(s)) == v)
    ///     return s if "." in s else s + ".0"
    /// for x1, x2 in [(0.5, -1.25), (1.7, 0.3), (-2.0, 3.1)]:
    ///     x1, x2 = f32(x1), f32(x2)
    ///     row = [x1, x2, f32(x1 * x1), f32(x2 * x2), f32(x1 * x2), f32(math.sin(x1)), f32(math.sin(x2))]
    ///     print("[" + ", ".join(short(v) for v in row) + "],")'
    /// ```
    const EXPECTED: [[f32; 7]; 3] = [
        [0.5, -1.25, 0.25, 1.5625, -0.625, 0.47942555, -0.9489846],
        [1.7, 0.3, 2.89, 0.09, 0.51000005, 0.9916648, 0.29552022],
        [-2.0, 3.1, 4.0, 9.61, -6.2, -0.9092974, 0.04158076],
    ];

    fn points() -> Matrix {
        Matrix::from_vec(POINTS.len(), 2, POINTS.iter().flatten().copied().collect())
    }

    #[test]
    fn every_feature_matches_the_python_reference() {
        let out = expand(&points(), &ALL);
        assert_eq!((out.rows, out.cols), (3, 7));
        for (r, want) in EXPECTED.iter().enumerate() {
            for (j, (&got, &want)) in out.row(r).iter().zip(want).enumerate() {
                // The products are exact f32 operations; sin may differ by one f32 rounding step.
                let tolerance = if matches!(ALL[j], Feature::SinX1 | Feature::SinX2) { 1e-7 } else { 0.0 };
                assert!((got - want).abs() <= tolerance, "row {r} {:?}: got {got}, want {want}", ALL[j]);
            }
        }
    }

    #[test]
    fn columns_follow_the_selection_order() {
        let raw = points();
        let picked = [Feature::SinX2, Feature::X1X2, Feature::X1];
        let out = expand(&raw, &picked);
        assert_eq!((out.rows, out.cols), (3, 3));
        for (r, want) in EXPECTED.iter().enumerate() {
            assert_eq!(out.row(r), &[want[6], want[4], want[0]][..]);
        }
        // [x1, x2] is the raw matrix itself, bit for bit: the default inputs are unchanged.
        assert_eq!(expand(&raw, &[Feature::X1, Feature::X2]).data, raw.data);
    }
}
