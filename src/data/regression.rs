//! Generators for the regression datasets: 1D curves (sine, step, cubic, few points) and 2D
//! surfaces (a plane, a mix of Gaussian bumps). Inputs lie in [-1, 1] per coordinate, targets
//! are the curve's value plus Gaussian noise of standard deviation `noise` (in target units),
//! deterministic from the RNG.

use crate::config::Dataset;
use crate::rng::Rng;
use std::f32::consts::PI;

/// The three bumps of `Gaussians`: centre (x1, x2), height; all of width sigma = 0.3.
const BUMPS: [(f32, f32, f32); 3] = [(-0.4, 0.4, 1.0), (0.5, 0.3, 0.8), (0.0, -0.5, -1.0)];
const BUMP_SIGMA: f32 = 0.3;

/// The noiseless target of `dataset` at the point `x` (one or two coordinates).
pub fn truth(dataset: Dataset, x: &[f32]) -> f32 {
    match dataset {
        Dataset::Sine | Dataset::FewPoints => libm::sinf(PI * x[0]),
        Dataset::Step => {
            if x[0] < 0.0 {
                -0.5
            } else {
                0.5
            }
        }
        // y = 2 x^3 - x: a wiggle at the centre (extremes of about 0.27 at x = ±0.41) and ±1 at the ends.
        Dataset::Cubic => 2.0 * x[0] * x[0] * x[0] - x[0],
        Dataset::Plane => 0.6 * x[0] - 0.4 * x[1],
        // y = sum_i h_i exp(-|x - c_i|^2 / (2 sigma^2)).
        Dataset::Gaussians => BUMPS
            .iter()
            .map(|&(c1, c2, h)| {
                let d2 = (x[0] - c1) * (x[0] - c1) + (x[1] - c2) * (x[1] - c2);
                h * libm::expf(-d2 / (2.0 * BUMP_SIGMA * BUMP_SIGMA))
            })
            .sum(),
        _ => 0.0,
    }
}

/// `n` samples of a regression `dataset`: inputs (n x dims, row-major, uniform in [-1, 1]) and
/// targets `truth(x) + noise * N(0, 1)`. The few points of `FewPoints` are spread evenly instead:
/// x_i = -1 + (i + 1/2 + u_i / 2) 2 / n with u_i uniform in [-1/2, 1/2), so no two of them sit so
/// close that a smooth curve could not pass through both (and the split's shuffle still picks
/// which are for training).
pub fn generate(dataset: Dataset, n: usize, noise: f32, rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
    let dims = dataset.point_dims();
    let mut x = Vec::with_capacity(n * dims);
    let mut t = Vec::with_capacity(n);
    for i in 0..n {
        let start = x.len();
        if dataset == Dataset::FewPoints {
            let u = rng.range(-0.5, 0.5);
            x.push(-1.0 + (i as f32 + 0.5 + 0.5 * u) * 2.0 / n as f32);
        } else {
            for _ in 0..dims {
                x.push(rng.range(-1.0, 1.0));
            }
        }
        let y = truth(dataset, &x[start..]);
        t.push(y + noise * rng.normal());
    }
    (x, t)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn samples_lie_in_the_square_and_follow_the_truth_without_noise() {
        for ds in [Dataset::Sine, Dataset::Step, Dataset::Cubic, Dataset::FewPoints, Dataset::Plane, Dataset::Gaussians] {
            let mut rng = Rng::new(4, 0);
            let (x, t) = generate(ds, 50, 0.0, &mut rng);
            let d = ds.point_dims();
            assert_eq!((x.len(), t.len()), (50 * d, 50), "{ds:?}");
            assert!(x.iter().all(|v| (-1.0..=1.0).contains(v)), "{ds:?}");
            for i in 0..50 {
                assert_eq!(t[i], truth(ds, &x[i * d..(i + 1) * d]), "{ds:?} sample {i}");
            }
        }
    }

    #[test]
    fn noise_has_the_configured_spread() {
        let mut rng = Rng::new(8, 0);
        let (x, t) = generate(Dataset::Plane, 4000, 0.3, &mut rng);
        let resid: Vec<f64> = (0..4000).map(|i| (t[i] - truth(Dataset::Plane, &x[2 * i..2 * i + 2])) as f64).collect();
        let mean = resid.iter().sum::<f64>() / 4000.0;
        let std = (resid.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / 4000.0).sqrt();
        assert!(mean.abs() < 0.02 && (std - 0.3).abs() < 0.02, "mean {mean}, std {std}");
    }

    #[test]
    fn the_truth_has_the_documented_shape() {
        assert_eq!(truth(Dataset::Step, &[-0.1]), -0.5);
        assert_eq!(truth(Dataset::Step, &[0.0]), 0.5);
        assert!((truth(Dataset::Sine, &[0.5]) - 1.0).abs() < 1e-6);
        assert_eq!(truth(Dataset::Cubic, &[1.0]), 1.0);
        // The bumps: highest near (-0.4, 0.4), lowest near (0, -0.5).
        assert!(truth(Dataset::Gaussians, &[-0.4, 0.4]) > 0.95);
        assert!(truth(Dataset::Gaussians, &[0.0, -0.5]) < -0.95);
    }
}
