//! MNIST-1D (Greydanus, "Scaling down deep learning", 2020): 1D signals of 40 values grown from
//! ten digit-like templates by padding, dilation, scaling, translation, noise and shear.
//!
//! Written from the paper's and the reference implementation's description (github
//! greydanus/mnist1d, `mnist1d/data.py` and `mnist1d/transform.py`), with its default
//! parameters ([`Params::REFERENCE`]). One sample of class c:
//!
//! 1. the class's 12-value template, plus 1e-8 (so that it is never exactly 0), followed by p
//!    zeros, p uniform in [36, 60];
//! 2. resampled linearly to 12 + 60 = 72 values (a shorter padding stretches the digit more);
//! 3. multiplied by 1 + 0.4 (u - 0.5), u uniform in [0, 1);
//! 4. rotated right by k places, k uniform in {0, ..., 47} (the tail of zeros wraps around);
//! 5. every value still exactly 0 (the padding) replaced by correlated noise: 0.25 N(0, 1)
//!    smoothed by a Gaussian filter of sigma 2 (truncated at 4 sigma, mirrored at the ends);
//! 6. plus i.i.d. noise 0.02 N(0, 1) everywhere;
//! 7. sheared: minus c t, t evenly spaced in [-0.5, 0.5], c = 0.75 (u - 0.5);
//! 8. resampled linearly to 40 values.
//!
//! Each class gets the same number of samples; the whole set is then shifted and scaled to mean
//! 0 and standard deviation 1 (one mean and one deviation over all values), as the reference
//! does. The arithmetic is f64 with `libm`'s `exp`, so a seed gives the same signals natively and
//! in wasm; the reference's bits (numpy's Mersenne twister) are not reproduced, its distribution
//! is (see `tests/mnist1d.rs`).

use crate::rng::Rng;

/// The number of values of one finished signal.
pub const SIGNAL_LEN: usize = 40;
/// The number of classes (the ten digit templates).
pub const CLASSES: usize = 10;
/// The validation share of the reference's split: 1 - `train_split` (0.8), written as 0.2 so that
/// the f32 is the nearest to 0.2 (1.0f32 - 0.8f32 is not).
pub const VAL_FRACTION: f32 = 0.2;

/// The ten templates as given by the reference (12 values each, digits 0 to 9), before they
/// are normalized by [`templates`].
pub const RAW_TEMPLATES: [[f64; 12]; 10] = [
    [5.0, 6.0, 6.5, 6.75, 7.0, 7.0, 7.0, 7.0, 6.75, 6.5, 6.0, 5.0],
    [5.0, 3.0, 3.0, 3.4, 3.8, 4.2, 4.6, 5.0, 5.4, 5.8, 5.0, 5.0],
    [5.0, 6.0, 6.5, 6.5, 6.0, 5.25, 4.75, 4.0, 3.5, 3.5, 4.0, 5.0],
    [5.0, 6.0, 6.5, 6.5, 6.0, 5.0, 5.0, 6.0, 6.5, 6.5, 6.0, 5.0],
    [5.0, 4.4, 3.8, 3.2, 2.6, 2.6, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0],
    [5.0, 3.0, 3.0, 3.0, 3.0, 5.0, 6.0, 6.5, 6.5, 6.0, 4.5, 5.0],
    [5.0, 4.0, 3.5, 3.25, 3.0, 3.0, 3.0, 3.0, 3.25, 3.5, 4.0, 5.0],
    [5.0, 7.0, 7.0, 6.6, 6.2, 5.8, 5.4, 5.0, 4.6, 4.2, 5.0, 5.0],
    [5.0, 4.0, 3.5, 3.5, 4.0, 5.0, 5.0, 4.0, 3.5, 3.5, 4.0, 5.0],
    [5.0, 4.0, 3.5, 3.5, 4.0, 5.0, 5.0, 5.0, 5.0, 4.7, 4.3, 5.0],
];

/// The generator's parameters (the reference's names).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub num_samples: usize,
    /// The fraction of samples that train; the rest validate.
    pub train_split: f32,
    pub template_len: usize,
    /// The number of zeros appended to a template, from `padding.0` to `padding.1`.
    pub padding: (usize, usize),
    pub scale_coeff: f64,
    pub max_translation: u32,
    pub corr_noise_scale: f64,
    pub iid_noise_scale: f64,
    pub shear_scale: f64,
    pub final_seq_length: usize,
}

impl Params {
    /// The reference's defaults (`get_dataset_args()`).
    pub const REFERENCE: Params = Params {
        num_samples: 5000,
        train_split: 0.8,
        template_len: 12,
        padding: (36, 60),
        scale_coeff: 0.4,
        max_translation: 48,
        corr_noise_scale: 0.25,
        iid_noise_scale: 2e-2,
        shear_scale: 0.75,
        final_seq_length: SIGNAL_LEN,
    };
}

/// The templates as the generator uses them: each shifted to mean 0 and scaled to standard
/// deviation 1 (over its 12 values), shifted again so that it starts at 0, and divided by 6.
pub fn templates() -> [[f64; 12]; 10] {
    let mut out = RAW_TEMPLATES;
    for t in out.iter_mut() {
        let n = t.len() as f64;
        let mean = t.iter().sum::<f64>() / n;
        let std = (t.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        let first = (t[0] - mean) / std;
        for v in t.iter_mut() {
            *v = ((*v - mean) / std - first) / 6.0;
        }
    }
    out
}

/// Linear interpolation of `x` (at evenly spaced positions over [0, 1]) at `n` evenly spaced
/// positions over [0, 1], both ends included.
fn resample(x: &[f64], n: usize) -> Vec<f64> {
    let m = x.len();
    (0..n)
        .map(|i| {
            let pos = i as f64 / (n - 1) as f64 * (m - 1) as f64;
            let j = (pos.floor() as usize).min(m - 2);
            let f = pos - j as f64;
            x[j] * (1.0 - f) + x[j + 1] * f
        })
        .collect()
}

/// A Gaussian filter of standard deviation `sigma`, truncated at 4 sigma, with the signal
/// mirrored at both ends (d c b a | a b c d | d c b a).
fn gaussian_filter(x: &[f64], sigma: f64) -> Vec<f64> {
    let radius = (4.0 * sigma + 0.5) as isize;
    let weights: Vec<f64> = (-radius..=radius).map(|k| libm::exp(-0.5 * (k as f64 / sigma).powi(2))).collect();
    let total: f64 = weights.iter().sum();
    let n = x.len() as isize;
    let mirror = |mut i: isize| {
        // Reflect until inside: -1 -> 0, n -> n - 1.
        loop {
            if i < 0 {
                i = -i - 1;
            } else if i >= n {
                i = 2 * n - i - 1;
            } else {
                return i as usize;
            }
        }
    };
    (0..n)
        .map(|i| (-radius..=radius).zip(&weights).map(|(k, w)| w * x[mirror(i + k)]).sum::<f64>() / total)
        .collect()
}

/// One raw signal grown from `template` (before the set's normalization), `p.final_seq_length`
/// values long.
pub fn sample(template: &[f64], p: &Params, rng: &mut Rng) -> Vec<f64> {
    let (lo, hi) = p.padding;
    let pad = lo + (rng.uniform() as f64 * (hi - lo + 1) as f64) as usize;
    let mut x: Vec<f64> = template.iter().map(|v| v + 1e-8).collect();
    x.resize(template.len() + pad, 0.0);
    let len = p.template_len + hi;
    let mut x = resample(&x, len);
    let scale = 1.0 + p.scale_coeff * (rng.uniform() as f64 - 0.5);
    for v in x.iter_mut() {
        *v *= scale;
    }
    let k = rng.below(p.max_translation) as usize;
    x.rotate_right(k % len);
    let corr: Vec<f64> = (0..len).map(|_| p.corr_noise_scale * rng.normal() as f64).collect();
    let corr = gaussian_filter(&corr, 2.0);
    for (v, c) in x.iter_mut().zip(&corr) {
        if *v == 0.0 {
            *v = *c;
        }
    }
    for v in x.iter_mut() {
        *v += p.iid_noise_scale * rng.normal() as f64;
    }
    let coeff = p.shear_scale * (rng.uniform() as f64 - 0.5);
    for (i, v) in x.iter_mut().enumerate() {
        *v -= coeff * (i as f64 / (len - 1) as f64 - 0.5);
    }
    resample(&x, p.final_seq_length)
}

/// `p.num_samples` signals (row-major, `p.final_seq_length` values each) and their labels,
/// class by class (the caller shuffles and splits), normalized to mean 0 and standard deviation
/// 1 over the whole set.
pub fn generate(p: &Params, rng: &mut Rng) -> (Vec<f32>, Vec<u32>) {
    let t = templates();
    let per_class = p.num_samples / CLASSES;
    let mut raw = Vec::with_capacity(per_class * CLASSES * p.final_seq_length);
    let mut labels = Vec::with_capacity(per_class * CLASSES);
    for (c, template) in t.iter().enumerate() {
        for _ in 0..per_class {
            raw.extend(sample(template, p, rng));
            labels.push(c as u32);
        }
    }
    let n = raw.len().max(1) as f64;
    let mean = raw.iter().sum::<f64>() / n;
    let std = (raw.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt().max(1e-12);
    (raw.iter().map(|v| ((v - mean) / std) as f32).collect(), labels)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn templates_start_at_zero_and_have_the_same_spread() {
        for t in templates() {
            assert_eq!(t[0], 0.0);
            let mean = t.iter().sum::<f64>() / 12.0;
            let std = (t.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 12.0).sqrt();
            assert!((std - 1.0 / 6.0).abs() < 1e-12, "{std}");
        }
    }

    #[test]
    fn the_validation_share_is_the_reference_split() {
        assert!((VAL_FRACTION - (1.0 - Params::REFERENCE.train_split)).abs() < 1e-6);
    }

    #[test]
    fn resampling_keeps_the_ends_and_lines() {
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = resample(&x, 7);
        assert_eq!(y, vec![0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
    }

    #[test]
    fn the_filter_keeps_constants_and_spreads_a_spike() {
        let flat = gaussian_filter(&[2.0; 20], 2.0);
        assert!(flat.iter().all(|v| (v - 2.0).abs() < 1e-12));
        let mut spike = vec![0.0; 41];
        spike[20] = 1.0;
        let s = gaussian_filter(&spike, 2.0);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(s[20] > s[21] && s[21] > s[24] && s[28] > 0.0 && s[29] == 0.0);
    }

    #[test]
    fn a_seed_gives_the_same_balanced_normalized_set() {
        let p = Params { num_samples: 500, ..Params::REFERENCE };
        let (x, y) = generate(&p, &mut Rng::new(7, 0));
        let (x2, y2) = generate(&p, &mut Rng::new(7, 0));
        assert_eq!((&x, &y), (&x2, &y2));
        assert_eq!((x.len(), y.len()), (500 * 40, 500));
        assert!((0..10).all(|c| y.iter().filter(|&&l| l == c).count() == 50));
        let n = x.len() as f64;
        let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
        let var = x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
        assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-4, "{mean} {var}");
    }
}
