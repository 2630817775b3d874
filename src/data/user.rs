//! The user's own images as the page decoded them: the limits the core accepts, and the checks
//! that refuse anything else before it is kept, each an error of the field "images".

use super::augment::Shape;
use crate::config::{Config, ConfigError};

/// Most user images the core accepts, and most classes.
pub const MAX_USER_IMAGES: usize = 20_000;
pub const MAX_USER_CLASSES: usize = 100;
/// Most bytes of user pixels the core accepts (one copy of n x size x size x channels f32; the
/// trainer keeps a few more: raw and pre-processed copies of both splits).
pub const MAX_USER_BYTES: usize = 64 << 20;
/// Fewest images and classes, and the range of the image side in pixels.
pub const MIN_USER_IMAGES: usize = 4;
pub const MIN_USER_CLASSES: usize = 2;
pub const USER_SIZES: std::ops::RangeInclusive<usize> = 8..=32;

/// The user's images: `pixels` holds n images of size x size x channels (HWC, values 0-1),
/// `labels` their classes as indices into `names`.
#[derive(Clone, Debug, PartialEq)]
pub struct UserSamples {
    pub pixels: Vec<f32>,
    pub labels: Vec<u32>,
    pub size: usize,
    pub channels: usize,
    pub names: Vec<String>,
}

fn images_error(message: String) -> ConfigError {
    ConfigError { field: "images".into(), message }
}

/// Checks what is known before the pixels are read: the image side (8 to 32), the channels
/// (1 or 3), the image count, the class count, and the byte budget of one copy of the pixels,
/// count x size x size x channels x 4 bytes. The page calls this first, so that a set over
/// budget is refused before its pixels are copied into the core's memory.
pub fn check_shape(count: usize, size: usize, channels: usize, classes: usize) -> Result<(), ConfigError> {
    if !USER_SIZES.contains(&size) || !(channels == 1 || channels == 3) {
        return Err(images_error(format!("size must be 8 to 32 and channels 1 or 3, got {size} and {channels}")));
    }
    if !(MIN_USER_IMAGES..=MAX_USER_IMAGES).contains(&count) {
        return Err(images_error(format!("need {MIN_USER_IMAGES} to {MAX_USER_IMAGES} images, got {count}")));
    }
    if !(MIN_USER_CLASSES..=MAX_USER_CLASSES).contains(&classes) {
        return Err(images_error(format!("need {MIN_USER_CLASSES} to {MAX_USER_CLASSES} classes, got {classes}")));
    }
    // count <= MAX_USER_IMAGES and size <= 32 here, so the product fits even a 32-bit usize.
    let bytes = count * size * size * channels * 4;
    if bytes > MAX_USER_BYTES {
        return Err(images_error(format!(
            "{count} images of {size}x{size}x{channels} take {} MB, more than the limit of {} MB; use fewer or smaller images, or grey",
            bytes >> 20,
            MAX_USER_BYTES >> 20
        )));
    }
    Ok(())
}

impl UserSamples {
    /// Accepts a set after `check_shape` and the checks of its contents: the pixel buffer holds
    /// exactly labels x size x size x channels values, every label names a class, and every
    /// pixel is finite.
    pub fn new(pixels: Vec<f32>, labels: Vec<u32>, size: usize, channels: usize, names: Vec<String>) -> Result<UserSamples, ConfigError> {
        let n = labels.len();
        check_shape(n, size, channels, names.len())?;
        if pixels.len() != n * size * size * channels {
            return Err(images_error("pixel buffer does not match the image count and size".into()));
        }
        if labels.iter().any(|&l| l as usize >= names.len()) || pixels.iter().any(|v| !v.is_finite()) {
            return Err(images_error("a label or pixel value is out of range".into()));
        }
        Ok(UserSamples { pixels, labels, size, channels, names })
    }

    /// The images' geometry.
    pub fn shape(&self) -> Shape {
        Shape { w: self.size, h: self.size, c: self.channels }
    }

    /// Checks that `cfg` describes these images: its image size, colour (3 channels) or grey (1)
    /// and class count must match; otherwise a "dataset" error says what the images are.
    pub fn check_config(&self, cfg: &Config) -> Result<(), ConfigError> {
        let channels = if cfg.color { 3 } else { 1 };
        if cfg.image_size != self.size || channels != self.channels || cfg.classes != self.names.len() {
            return Err(ConfigError {
                field: "dataset".into(),
                message: format!(
                    "the loaded images are {}x{} with {} channel(s) in {} classes; set image_size, color and classes to match",
                    self.size,
                    self.size,
                    self.channels,
                    self.names.len()
                ),
            });
        }
        Ok(())
    }
}
