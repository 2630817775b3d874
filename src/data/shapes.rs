//! Generated image datasets: shapes (circle, square, triangle, cross, ring) and arrows (left,
//! right), with random position, scale, rotation, stroke, colour, clutter and pixel noise,
//! deterministic from the RNG. Shapes are drawn from signed distance functions d(p) (negative
//! inside, in units of the shape radius) with one pixel of anti-aliasing: coverage =
//! clamp(0.5 - d * r, 0, 1).

use crate::rng::Rng;
use std::f32::consts::PI;

pub const SHAPE_NAMES: [&str; 5] = ["circle", "square", "triangle", "cross", "ring"];
pub const ARROW_NAMES: [&str; 2] = ["left", "right"];

/// Signed distance of (u, v) to an axis-aligned box with half-sizes (a, b).
fn sd_box(u: f32, v: f32, a: f32, b: f32) -> f32 {
    let (qx, qy) = (u.abs() - a, v.abs() - b);
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    outside + qx.max(qy).min(0.0)
}

/// The shape of class `c` in local coordinates scaled so that the shape has radius about 1;
/// `stroke` is the line half-width for the ring and the cross.
fn shape_sdf(c: usize, u: f32, v: f32, stroke: f32) -> f32 {
    match c {
        0 => (u * u + v * v).sqrt() - 1.0,
        1 => sd_box(u, v, 0.8, 0.8),
        2 => {
            // Equilateral triangle: the largest of three half-plane distances.
            let mut d = f32::NEG_INFINITY;
            for k in 0..3 {
                let a = PI / 2.0 + k as f32 * 2.0 * PI / 3.0;
                d = d.max(u * libm::cosf(a) + v * libm::sinf(a) - 0.5);
            }
            d
        }
        3 => sd_box(u, v, 1.0, stroke).min(sd_box(u, v, stroke, 1.0)),
        _ => ((u * u + v * v).sqrt() - 0.8).abs() - stroke,
    }
}

/// An arrow pointing right (+u): a shaft and a triangular head.
fn arrow_sdf(u: f32, v: f32, stroke: f32) -> f32 {
    let shaft = sd_box(u + 0.35, v, 0.55, stroke);
    // Head: u in [0.1, 0.95] and |v| < 0.9 * (0.95 - u).
    let head = (0.1 - u).max(v.abs() - 0.9 * (0.95 - u));
    shaft.min(head)
}

/// Renders `n` images of `size` x `size` x `channels` (HWC, values in [0, 1]) with labels that
/// cycle through the classes. `arrows` selects the arrow dataset (2 classes).
pub fn generate(n: usize, size: usize, channels: usize, classes: usize, arrows: bool, noise: f32, clutter: f32, rng: &mut Rng) -> (Vec<f32>, Vec<u32>) {
    let classes = if arrows { 2 } else { classes.min(SHAPE_NAMES.len()) };
    let s = size as f32;
    let mut x = vec![0.0f32; n * size * size * channels];
    let mut y = Vec::with_capacity(n);
    let mut img = vec![0.0f32; size * size * channels];
    for i in 0..n {
        let c = i % classes;
        y.push(c as u32);
        // Background and foreground colours, never informative about the class.
        let (bg, fg): ([f32; 3], [f32; 3]) = if channels == 3 {
            let b = [rng.range(0.0, 0.5), rng.range(0.0, 0.5), rng.range(0.0, 0.5)];
            let f = [rng.range(0.5, 1.0), rng.range(0.5, 1.0), rng.range(0.5, 1.0)];
            (b, f)
        } else {
            let b = rng.range(0.0, 0.35);
            let f = rng.range(0.65, 1.0);
            ([b; 3], [f; 3])
        };
        for p in 0..size * size {
            for ch in 0..channels {
                img[p * channels + ch] = bg[ch];
            }
        }
        // Clutter: a few random thin strokes and dots in a dimmer colour.
        let strokes = (clutter * 6.0).round() as usize;
        for _ in 0..strokes {
            let (x0, y0) = (rng.range(0.0, s), rng.range(0.0, s));
            let a = rng.range(0.0, PI);
            let len = rng.range(0.1, 0.4) * s;
            let shade = rng.range(0.3, 0.7);
            for t in 0..(len as usize * 2) {
                let px = (x0 + libm::cosf(a) * t as f32 * 0.5) as isize;
                let py = (y0 + libm::sinf(a) * t as f32 * 0.5) as isize;
                if px >= 0 && py >= 0 && (px as usize) < size && (py as usize) < size {
                    let q = (py as usize * size + px as usize) * channels;
                    for ch in 0..channels {
                        img[q + ch] = bg[ch] + shade * (fg[ch] - bg[ch]);
                    }
                }
            }
        }
        // The shape: radius 22-42 % of the image, centred so that it stays inside.
        let r = rng.range(0.22, 0.42) * s;
        let (cx, cy) = (rng.range(r, s - r), rng.range(r, s - r));
        let theta = if arrows { rng.range(-0.25, 0.25) + if c == 0 { PI } else { 0.0 } } else { rng.range(0.0, 2.0 * PI) };
        let stroke = rng.range(0.12, 0.25);
        let (ct, st) = (libm::cosf(theta), libm::sinf(theta));
        for py in 0..size {
            for px in 0..size {
                let (dx, dy) = (px as f32 + 0.5 - cx, py as f32 + 0.5 - cy);
                // Rotate into the shape's frame and scale to radius 1.
                let u = (ct * dx + st * dy) / r;
                let v = (-st * dx + ct * dy) / r;
                let d = if arrows { arrow_sdf(u, v, stroke) } else { shape_sdf(c, u, v, stroke) };
                let cover = (0.5 - d * r).clamp(0.0, 1.0);
                if cover > 0.0 {
                    let q = (py * size + px) * channels;
                    for ch in 0..channels {
                        img[q + ch] = img[q + ch] * (1.0 - cover) + fg[ch] * cover;
                    }
                }
            }
        }
        // Pixel noise of std 0.3 * noise, clamped to [0, 1].
        let out = &mut x[i * img.len()..(i + 1) * img.len()];
        for (o, &v) in out.iter_mut().zip(&img) {
            *o = (v + 0.3 * noise * rng.normal()).clamp(0.0, 1.0);
        }
    }
    (x, y)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_deterministic_and_distinct() {
        let (a, ya) = generate(10, 16, 1, 5, false, 0.1, 0.2, &mut Rng::new(1, 0));
        let (b, yb) = generate(10, 16, 1, 5, false, 0.1, 0.2, &mut Rng::new(1, 0));
        assert_eq!(a, b);
        assert_eq!(ya, yb);
        assert_eq!(ya[..5], [0, 1, 2, 3, 4]);
        assert!(a.iter().all(|v| (0.0..=1.0).contains(v)));
        // Every image has a foreground: some pixels well above the background.
        for img in a.chunks(256) {
            assert!(img.iter().cloned().fold(0.0, f32::max) > 0.6);
        }
    }

    #[test]
    fn a_clean_right_arrow_mirrored_looks_like_a_left_arrow() {
        // Without noise and clutter, the mass of a right arrow's head sits on the right.
        let (x, y) = generate(2, 24, 1, 2, true, 0.0, 0.0, &mut Rng::new(4, 0));
        for (img, &label) in x.chunks(24 * 24).zip(&y) {
            let bg = img.iter().cloned().fold(1.0, f32::min);
            let mut cx = 0.0;
            let mut mass = 0.0;
            let mut col_profile = vec![0.0f32; 24];
            for r in 0..24 {
                for c in 0..24 {
                    let m = img[r * 24 + c] - bg;
                    cx += m * c as f32;
                    mass += m;
                    col_profile[c] += m;
                }
            }
            let centre = cx / mass;
            // The column with the widest vertical extent (the head) lies on the pointing side.
            let widest = (0..24).max_by(|&a, &b| col_profile[a].total_cmp(&col_profile[b])).unwrap() as f32;
            if label == 1 {
                assert!(widest > centre, "right arrow: head {widest} centre {centre}");
            } else {
                assert!(widest < centre, "left arrow: head {widest} centre {centre}");
            }
        }
    }
}
