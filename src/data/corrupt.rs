//! Zhang et al.'s randomization tests on the inputs ("Understanding deep learning requires
//! rethinking generalization", ICLR 2017, section 2): shuffled pixels, random pixels and
//! Gaussian inputs, applied to every sample of both splits before any pre-processing.

use crate::config::InputCorruption;
use crate::rng::Rng;
use crate::tensor::Matrix;

/// Replaces the inputs of every row of `train` and `val` as `kind` says; the labels are not
/// touched. Draws from `rng` only when `kind` is not `None`, so a config without corruption
/// keeps the data stream (and the bits) it had before this setting existed.
pub fn corrupt_inputs(kind: InputCorruption, train: &mut Matrix, val: &mut Matrix, rng: &mut Rng) {
    let d = train.cols;
    match kind {
        InputCorruption::None => {}
        // "A random permutation of the pixels is chosen and then the same permutation is applied
        // to all the images in both training and test set."
        InputCorruption::Shuffled => {
            let mut perm: Vec<usize> = (0..d).collect();
            rng.shuffle(&mut perm);
            for m in [train, val] {
                for r in 0..m.rows {
                    permute(m.row_mut(r), &perm);
                }
            }
        }
        // "A different random permutation is applied to each image independently."
        InputCorruption::RandomPixels => {
            let mut perm: Vec<usize> = (0..d).collect();
            for m in [train, val] {
                for r in 0..m.rows {
                    rng.shuffle(&mut perm);
                    permute(m.row_mut(r), &perm);
                }
            }
        }
        // "A Gaussian distribution (with matching mean and variance to the original image
        // dataset) is used to generate random pixels for each image": x_j ~ N(mu_j, sigma_j^2),
        // mu_j and sigma_j^2 over both splits.
        InputCorruption::Gaussian => {
            let n = (train.rows + val.rows).max(1) as f64;
            let mut mean = vec![0f64; d];
            let mut sq = vec![0f64; d];
            for m in [&*train, &*val] {
                for r in 0..m.rows {
                    for (j, &x) in m.row(r).iter().enumerate() {
                        mean[j] += x as f64;
                        sq[j] += (x as f64) * (x as f64);
                    }
                }
            }
            let stats: Vec<(f32, f32)> = (0..d)
                .map(|j| {
                    let mu = mean[j] / n;
                    ((mu) as f32, (sq[j] / n - mu * mu).max(0.0).sqrt() as f32)
                })
                .collect();
            for m in [train, val] {
                for r in 0..m.rows {
                    for (x, &(mu, sigma)) in m.row_mut(r).iter_mut().zip(&stats) {
                        *x = mu + sigma * rng.normal();
                    }
                }
            }
        }
    }
}

/// Moves input `perm[j]` to position `j`.
fn permute(row: &mut [f32], perm: &[usize]) {
    let old = row.to_vec();
    for (x, &p) in row.iter_mut().zip(perm) {
        *x = old[p];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(rows: usize, d: usize, offset: f32) -> Matrix {
        Matrix::from_vec(rows, d, (0..rows * d).map(|i| offset + (i % d) as f32 + 0.01 * (i / d) as f32).collect())
    }

    #[test]
    fn none_changes_nothing_and_draws_nothing() {
        let (mut t, mut v) = (data(5, 4, 0.0), data(3, 4, 1.0));
        let (t0, v0) = (t.clone(), v.clone());
        let mut rng = Rng::new(3, 0);
        let before = rng.clone().next_u32();
        corrupt_inputs(InputCorruption::None, &mut t, &mut v, &mut rng);
        assert_eq!((t, v), (t0, v0));
        assert_eq!(rng.next_u32(), before);
    }

    /// Shuffled: every row is the same permutation of itself; random pixels: each row is a
    /// permutation of itself (the multiset of values is kept), and the rows' permutations differ.
    #[test]
    fn permutations_keep_each_rows_values() {
        let sorted = |r: &[f32]| {
            let mut v = r.to_vec();
            v.sort_by(f32::total_cmp);
            v
        };
        for kind in [InputCorruption::Shuffled, InputCorruption::RandomPixels] {
            let (mut t, mut v) = (data(20, 12, 0.0), data(5, 12, 0.0));
            let t0 = t.clone();
            corrupt_inputs(kind, &mut t, &mut v, &mut Rng::new(7, 1));
            assert_ne!(t, t0, "{kind:?} moved something");
            for r in 0..t.rows {
                assert_eq!(sorted(t.row(r)), sorted(t0.row(r)), "{kind:?} row {r}");
            }
            // Where did position 0's value come from, per row?
            let source: Vec<usize> = (0..t.rows).map(|r| t.row(r)[0].floor() as usize).collect();
            let all_same = source.iter().all(|&s| s == source[0]);
            assert_eq!(all_same, kind == InputCorruption::Shuffled, "{kind:?}: sources {source:?}");
        }
    }

    /// Gaussian inputs keep each input's mean and spread (within sampling error) and lose every
    /// relation to the original rows.
    #[test]
    fn gaussian_inputs_match_each_inputs_mean_and_spread() {
        let rows = 4000;
        let mut t = Matrix::from_vec(rows, 2, (0..rows).flat_map(|i| [5.0 + (i % 2) as f32 * 2.0, -3.0]).collect());
        let mut v = Matrix::zeros(0, 2);
        corrupt_inputs(InputCorruption::Gaussian, &mut t, &mut v, &mut Rng::new(1, 2));
        let col = |j: usize| (0..rows).map(|r| t.row(r)[j] as f64).collect::<Vec<_>>();
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        let std = |x: &[f64]| (x.iter().map(|v| (v - mean(x)).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
        let (c0, c1) = (col(0), col(1));
        // Input 0 takes 5 and 7 equally: mean 6, standard deviation 1. Input 1 is constant -3.
        assert!((mean(&c0) - 6.0).abs() < 0.05 && (std(&c0) - 1.0).abs() < 0.05, "{} {}", mean(&c0), std(&c0));
        assert!(c1.iter().all(|&x| x == -3.0));
    }
}
