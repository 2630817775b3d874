//! Image augmentation, applied per training batch with the run's explicit RNG: horizontal and
//! vertical flips, random crop after padding (zero or reflect), random translation (zero fill),
//! brightness and contrast jitter; and the test-time views (mirror, centre crop).
//! Images are HWC, values in [0, 1].

use crate::config::{Config, Padding};
use crate::rng::Rng;

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
