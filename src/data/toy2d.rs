//! Generators for the 2D toy datasets: spiral, circles, XOR, blobs, moons. Each returns points in
//! roughly [-1, 1]^2 with labels, deterministic from the RNG. `noise` runs from 0 (clean) to 1.

use crate::config::Dataset;
use crate::rng::Rng;
use std::f32::consts::PI;

/// `n` points of `dataset` with `classes` classes (ignored by the 2-class sets): x (n * 2), labels.
pub fn generate(dataset: Dataset, n: usize, classes: usize, noise: f32, rng: &mut Rng) -> (Vec<f32>, Vec<u32>) {
    let classes = if dataset.has_free_classes() { classes } else { 2 };
    let mut x = Vec::with_capacity(n * 2);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        // Classes take turns, so every class gets n / classes points (+1 for the first few).
        let c = i % classes;
        // Position of this point within its class, 0..1.
        let per_class = n / classes + usize::from(c < n % classes);
        let t = (i / classes) as f32 / per_class.max(2).saturating_sub(1) as f32;
        let (px, py) = match dataset {
            Dataset::Spiral => {
                // The cs231n spiral: the radius grows from 0 to 1 while the arm turns through 4
                // radians; arms are offset by 2 pi / classes; the angle gets Gaussian noise of
                // std 2 * noise radians (noise 0.1 gives cs231n's 0.2).
                let r = t;
                let theta = 4.0 * t + c as f32 * 2.0 * PI / classes as f32 + rng.normal() * 2.0 * noise;
                (r * libm::sinf(theta), r * libm::cosf(theta))
            }
            Dataset::Circles => {
                // Class 0: a disc of radius 0.5; class 1: a ring from 0.7 to 1.0; coordinate
                // noise of std 0.25 * noise.
                let angle = rng.range(0.0, 2.0 * PI);
                let r = if c == 0 { rng.range(0.0, 0.5) } else { rng.range(0.7, 1.0) };
                (r * libm::cosf(angle) + 0.25 * noise * rng.normal(), r * libm::sinf(angle) + 0.25 * noise * rng.normal())
            }
            Dataset::Xor => {
                // Uniform in the square, label = [x y < 0]; points within a small gap of the
                // axes are pushed out, then noise of std 0.25 * noise blurs the border.
                let mut ax = rng.range(-1.0, 1.0);
                let mut ay = rng.range(-1.0, 1.0);
                ax += 0.05 * ax.signum();
                ay += 0.05 * ay.signum();
                let label = ((ax * ay) < 0.0) as usize;
                // Force the wanted class by flipping the sign of y when needed.
                if label != c {
                    ay = -ay;
                }
                (ax + 0.25 * noise * rng.normal(), ay + 0.25 * noise * rng.normal())
            }
            Dataset::Blobs => {
                // Centres on a circle of radius 0.7, spread std 0.1 + 0.4 * noise.
                let a = 2.0 * PI * c as f32 / classes as f32;
                let s = 0.1 + 0.4 * noise;
                (0.7 * libm::cosf(a) + s * rng.normal(), 0.7 * libm::sinf(a) + s * rng.normal())
            }
            Dataset::Moons => {
                // scikit-learn's moons, scaled by 0.6 and centred: upper half circle and a lower
                // half circle shifted by (1, -0.5); noise std 0.3 * noise.
                let a = PI * rng.uniform();
                let (mx, my) = if c == 0 { (libm::cosf(a), libm::sinf(a)) } else { (1.0 - libm::cosf(a), 0.5 - libm::sinf(a)) };
                (0.6 * (mx - 0.5) + 0.3 * noise * rng.normal(), 0.6 * (my - 0.25) + 0.3 * noise * rng.normal())
            }
            // Image and regression datasets never reach this generator; a blob keeps the match total.
            _ => (rng.normal(), rng.normal()),
        };
        x.push(px);
        x.push(py);
        y.push(c as u32);
    }
    (x, y)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_is_balanced_and_bounded() {
        for ds in [Dataset::Spiral, Dataset::Circles, Dataset::Xor, Dataset::Blobs, Dataset::Moons] {
            let mut rng = Rng::new(5, 0);
            let (x, y) = generate(ds, 301, 3, 0.1, &mut rng);
            assert_eq!(x.len(), 602);
            let k = if ds.has_free_classes() { 3 } else { 2 };
            for c in 0..k {
                let count = y.iter().filter(|&&l| l == c as u32).count();
                assert!(count >= 301 / k, "{ds:?} class {c}: {count}");
            }
            assert!(x.iter().all(|v| v.abs() < 2.5), "{ds:?} out of bounds");
        }
    }

    #[test]
    fn xor_labels_follow_the_quadrants_without_noise() {
        let mut rng = Rng::new(9, 0);
        let (x, y) = generate(Dataset::Xor, 200, 2, 0.0, &mut rng);
        for i in 0..200 {
            assert_eq!(y[i], (x[2 * i] * x[2 * i + 1] < 0.0) as u32);
        }
    }
}
