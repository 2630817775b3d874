//! Image augmentation, applied per training batch with the run's explicit RNG: horizontal and
//! vertical flips, random crop after padding (zero or reflect), random translation (zero fill),
//! brightness and contrast jitter; the test-time views (mirror, centre crop); and the preview of
//! one image's augmented copies.
//! Images are HWC, values in [0, 1].

use crate::config::{Config, Padding};
use crate::rng::Rng;
use crate::tensor::Matrix;

/// The PCG stream of the augmentation preview's generator, apart from the trainer's streams, so
/// that previewing never changes what training draws.
pub const STREAM_PREVIEW: u64 = 99;
/// Most augmented copies one preview holds.
pub const PREVIEW_MAX_COPIES: usize = 64;

/// Image geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub w: usize,
    pub h: usize,
    pub c: usize,
}

impl Shape {
    pub fn len(&self) -> usize {
        self.w * self.h * self.c
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The augmentation settings of a config.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Augment {
    pub hflip: f32,
    pub vflip: f32,
    pub crop_pad: usize,
    pub padding: Padding,
    pub translate: usize,
    pub brightness: f32,
    pub contrast: f32,
}

impl Augment {
    pub fn from_config(c: &Config) -> Augment {
        Augment {
            hflip: c.hflip,
            vflip: c.vflip,
            crop_pad: c.crop_pad,
            padding: c.padding,
            translate: c.translate,
            brightness: c.brightness,
            contrast: c.contrast,
        }
    }

    /// Whether any augmentation is switched on.
    pub fn active(&self) -> bool {
        self.hflip > 0.0 || self.vflip > 0.0 || self.crop_pad > 0 || self.translate > 0 || self.brightness > 0.0 || self.contrast > 0.0
    }
}

/// Whether a config's training batches are augmented: image data with any augmentation on.
pub fn config_augments(c: &Config) -> bool {
    c.dataset.is_image() && Augment::from_config(c).active()
}

/// Reads pixel (x, y, ch) of `src`, with coordinates outside the image handled by `padding`.
#[inline]
fn sample(src: &[f32], s: Shape, x: isize, y: isize, ch: usize, padding: Padding) -> f32 {
    let inside = |v: isize, n: usize| v >= 0 && (v as usize) < n;
    if inside(x, s.w) && inside(y, s.h) {
        return src[(y as usize * s.w + x as usize) * s.c + ch];
    }
    match padding {
        Padding::Zero => 0.0,
        Padding::Reflect => {
            // Mirror without repeating the edge: -1 -> 1, n -> n - 2.
            let reflect = |v: isize, n: usize| {
                let n = n as isize;
                let period = 2 * (n - 1).max(1);
                let m = v.rem_euclid(period);
                if m < n {
                    m
                } else {
                    period - m
                }
            };
            let (rx, ry) = (reflect(x, s.w), reflect(y, s.h));
            src[(ry as usize * s.w + rx as usize) * s.c + ch]
        }
    }
}

/// dst(x, y) = src(x + dx, y + dy) with out-of-image reads filled by `padding`;
/// optionally mirrored left-right and/or top-bottom.
fn resample(src: &[f32], dst: &mut [f32], s: Shape, dx: isize, dy: isize, flip_x: bool, flip_y: bool, padding: Padding) {
    for y in 0..s.h {
        for x in 0..s.w {
            let sx = if flip_x { s.w - 1 - x } else { x } as isize + dx;
            let sy = if flip_y { s.h - 1 - y } else { y } as isize + dy;
            for ch in 0..s.c {
                dst[(y * s.w + x) * s.c + ch] = sample(src, s, sx, sy, ch, padding);
            }
        }
    }
}

/// Applies a random augmentation of `a` to `img` in place; `scratch` has the image's length.
pub fn augment(img: &mut [f32], scratch: &mut [f32], s: Shape, a: &Augment, rng: &mut Rng) {
    let flip_x = a.hflip > 0.0 && rng.uniform() < a.hflip;
    let flip_y = a.vflip > 0.0 && rng.uniform() < a.vflip;
    // Random crop of the original size from the image padded by p: an offset in [-p, p].
    let p = a.crop_pad as u32;
    let (cx, cy) = if p > 0 { (rng.below(2 * p + 1) as isize - p as isize, rng.below(2 * p + 1) as isize - p as isize) } else { (0, 0) };
    if flip_x || flip_y || cx != 0 || cy != 0 {
        scratch.copy_from_slice(img);
        resample(scratch, img, s, cx, cy, flip_x, flip_y, a.padding);
    }
    let t = a.translate as u32;
    if t > 0 {
        let (tx, ty) = (rng.below(2 * t + 1) as isize - t as isize, rng.below(2 * t + 1) as isize - t as isize);
        if tx != 0 || ty != 0 {
            scratch.copy_from_slice(img);
            resample(scratch, img, s, tx, ty, false, false, Padding::Zero);
        }
    }
    if a.brightness > 0.0 || a.contrast > 0.0 {
        let b = if a.brightness > 0.0 { rng.range(-a.brightness, a.brightness) } else { 0.0 };
        let k = if a.contrast > 0.0 { rng.range(1.0 - a.contrast, 1.0 + a.contrast) } else { 1.0 };
        let mean = img.iter().sum::<f32>() / img.len() as f32;
        // v' = mean + k (v - mean) + b, kept in [0, 1].
        for v in img.iter_mut() {
            *v = (mean + k * (*v - mean) + b).clamp(0.0, 1.0);
        }
    }
}

/// The augmentation preview: image `index` (modulo the row count) of `images` followed by
/// `count` (at most `PREVIEW_MAX_COPIES`) augmented versions of it under `a`, concatenated.
/// The generator is `Rng::new(seed ^ index, STREAM_PREVIEW)`, so the same image under the same
/// settings always shows the same copies, and another index shows new ones. Empty when there
/// are no images.
pub fn preview(images: &Matrix, shape: Shape, a: &Augment, seed: u32, index: u32, count: usize) -> Vec<f32> {
    if images.rows == 0 {
        return Vec::new();
    }
    let src = images.row(index as usize % images.rows);
    let mut rng = Rng::new(seed as u64 ^ index as u64, STREAM_PREVIEW);
    let count = count.min(PREVIEW_MAX_COPIES);
    let mut out = Vec::with_capacity(src.len() * (count + 1));
    out.extend_from_slice(src);
    let mut img = vec![0.0; src.len()];
    let mut scratch = vec![0.0; src.len()];
    for _ in 0..count {
        img.copy_from_slice(src);
        augment(&mut img, &mut scratch, shape, a, &mut rng);
        out.extend_from_slice(&img);
    }
    out
}

/// The horizontal mirror of an image.
pub fn mirror(img: &[f32], out: &mut [f32], s: Shape) {
    resample(img, out, s, 0, 0, true, false, Padding::Zero);
}

/// The centre (w - 2 * pad) x (h - 2 * pad) window scaled back to w x h by bilinear sampling
/// (the centre crop used at test time after training on random crops).
pub fn center_crop(img: &[f32], out: &mut [f32], s: Shape, pad: usize) {
    let pad = pad.max(1).min((s.w.min(s.h) - 1) / 2) as f32;
    let (ww, hh) = (s.w as f32 - 2.0 * pad, s.h as f32 - 2.0 * pad);
    for y in 0..s.h {
        for x in 0..s.w {
            // Pixel centres of the output map onto the window; -0.5 converts to sample indices.
            let fx = pad + (x as f32 + 0.5) * ww / s.w as f32 - 0.5;
            let fy = pad + (y as f32 + 0.5) * hh / s.h as f32 - 0.5;
            let (x0, y0) = (fx.floor(), fy.floor());
            let (ax, ay) = (fx - x0, fy - y0);
            for ch in 0..s.c {
                let g = |xx: f32, yy: f32| sample(img, s, xx as isize, yy as isize, ch, Padding::Reflect);
                let top = g(x0, y0) * (1.0 - ax) + g(x0 + 1.0, y0) * ax;
                let bottom = g(x0, y0 + 1.0) * (1.0 - ax) + g(x0 + 1.0, y0 + 1.0) * ax;
                out[(y * s.w + x) * s.c + ch] = top * (1.0 - ay) + bottom * ay;
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const S: Shape = Shape { w: 4, h: 3, c: 1 };

    fn img() -> Vec<f32> {
        (0..12).map(|v| v as f32 / 12.0).collect()
    }

    #[test]
    fn flips_mirror_rows_and_columns() {
        let a = Augment { hflip: 1.0, vflip: 0.0, crop_pad: 0, padding: Padding::Zero, translate: 0, brightness: 0.0, contrast: 0.0 };
        let mut x = img();
        let mut scratch = vec![0.0; 12];
        augment(&mut x, &mut scratch, S, &a, &mut Rng::new(1, 0));
        assert_eq!(x[0], img()[3]);
        assert_eq!(x[4], img()[7]);
        let a = Augment { hflip: 0.0, vflip: 1.0, ..a };
        let mut x = img();
        augment(&mut x, &mut scratch, S, &a, &mut Rng::new(1, 0));
        assert_eq!(x[0], img()[8]);
        // Probability 0 leaves the image alone.
        let none = Augment { vflip: 0.0, ..a };
        let mut x = img();
        augment(&mut x, &mut scratch, S, &none, &mut Rng::new(1, 0));
        assert_eq!(x, img());
    }

    #[test]
    fn reflect_padding_mirrors_without_repeating_the_edge() {
        let src = img();
        assert_eq!(sample(&src, S, -1, 0, 0, Padding::Reflect), src[1]);
        assert_eq!(sample(&src, S, 4, 0, 0, Padding::Reflect), src[2]);
        assert_eq!(sample(&src, S, 0, -1, 0, Padding::Reflect), src[4]);
        assert_eq!(sample(&src, S, -1, 0, 0, Padding::Zero), 0.0);
    }

    #[test]
    fn crops_shift_the_image_by_at_most_the_padding() {
        let a = Augment { hflip: 0.0, vflip: 0.0, crop_pad: 1, padding: Padding::Zero, translate: 0, brightness: 0.0, contrast: 0.0 };
        let mut scratch = vec![0.0; 12];
        let mut seen_shift = false;
        let mut rng = Rng::new(2, 0);
        for _ in 0..50 {
            let mut x = img();
            augment(&mut x, &mut scratch, S, &a, &mut rng);
            // Some shift (dx, dy) in [-1, 1]^2 reproduces the result.
            let ok = (-1..=1).any(|dx| {
                (-1..=1).any(|dy| {
                    let mut want = vec![0.0; 12];
                    resample(&img(), &mut want, S, dx, dy, false, false, Padding::Zero);
                    want == x
                })
            });
            assert!(ok);
            seen_shift |= x != img();
        }
        assert!(seen_shift);
    }

    #[test]
    fn the_preview_starts_with_the_original_and_repeats_for_the_same_index() {
        let images = Matrix::from_vec(2, 12, img().into_iter().chain(img().into_iter().map(|v| 1.0 - v)).collect());
        let on = Augment { hflip: 0.5, vflip: 0.5, crop_pad: 1, padding: Padding::Reflect, translate: 1, brightness: 0.2, contrast: 0.2 };
        let p = preview(&images, S, &on, 7, 3, 8);
        assert_eq!(p.len(), 9 * 12);
        // Index 3 of 2 images is image 1, shown first as it is.
        assert_eq!(&p[..12], images.row(1));
        assert!(p[12..].chunks(12).any(|c| c != images.row(1)), "augmentation changes some copy");
        assert_eq!(p, preview(&images, S, &on, 7, 3, 8), "same index, same copies");
        assert_ne!(p, preview(&images, S, &on, 7, 5, 8), "another index draws other copies");
        // With augmentation off every copy is the original.
        let off = Augment { hflip: 0.0, vflip: 0.0, crop_pad: 0, translate: 0, brightness: 0.0, contrast: 0.0, ..on };
        assert!(!off.active() && on.active());
        let p = preview(&images, S, &off, 7, 0, 4);
        assert!(p.chunks(12).all(|c| c == images.row(0)));
        // The copies are capped, and no images give an empty preview.
        assert_eq!(preview(&images, S, &on, 7, 0, 1000).len(), (PREVIEW_MAX_COPIES + 1) * 12);
        assert!(preview(&Matrix::zeros(0, 12), S, &on, 7, 0, 4).is_empty());
    }

    #[test]
    fn brightness_and_contrast_stay_in_range() {
        let a = Augment { hflip: 0.0, vflip: 0.0, crop_pad: 0, padding: Padding::Zero, translate: 0, brightness: 0.5, contrast: 0.5 };
        let mut scratch = vec![0.0; 12];
        let mut rng = Rng::new(3, 0);
        for _ in 0..20 {
            let mut x = img();
            augment(&mut x, &mut scratch, S, &a, &mut rng);
            assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        }
    }
}
