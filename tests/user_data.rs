//! The user's own images: every refusal of `data::user` is an "images" error naming what is
//! wrong, the byte budget is checked from the shape alone, and a trainer is built over images
//! that match the config.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Config, ConfigError, Dataset};
use overfit::data::augment::Shape;
use overfit::data::user::{check_shape, UserSamples, MAX_USER_BYTES, MAX_USER_CLASSES, MAX_USER_IMAGES};
use overfit::Trainer;

fn names(k: usize) -> Vec<String> {
    (0..k).map(|c| format!("class {c}")).collect()
}

/// n grey images of size x size, alternating between two classes, pixel values in [0, 1].
fn pixels(n: usize, size: usize, channels: usize) -> Vec<f32> {
    (0..n * size * size * channels).map(|i| (i % 7) as f32 / 6.0).collect()
}

fn labels(n: usize) -> Vec<u32> {
    (0..n as u32).map(|i| i % 2).collect()
}

fn refused(r: Result<UserSamples, ConfigError>, words: &str) {
    let e = r.expect_err("must be refused");
    assert_eq!(e.field, "images");
    assert!(e.message.contains(words), "{:?} should say {words:?}", e.message);
}

#[test]
fn a_valid_set_is_accepted_as_given() {
    let u = UserSamples::new(pixels(10, 8, 3), labels(10), 8, 3, names(2)).unwrap();
    assert_eq!((u.labels.len(), u.size, u.channels, u.names.len()), (10, 8, 3, 2));
    assert_eq!(u.shape(), Shape { w: 8, h: 8, c: 3 });
    assert_eq!(u.pixels, pixels(10, 8, 3));
}

#[test]
fn each_bad_set_is_refused_with_an_images_error() {
    refused(UserSamples::new(pixels(10, 4, 1), labels(10), 4, 1, names(2)), "size must be 8 to 32");
    refused(UserSamples::new(pixels(10, 40, 1), labels(10), 40, 1, names(2)), "size must be 8 to 32");
    refused(UserSamples::new(pixels(10, 8, 2), labels(10), 8, 2, names(2)), "channels 1 or 3");
    refused(UserSamples::new(pixels(3, 8, 1), labels(3), 8, 1, names(2)), "need 4 to 20000 images, got 3");
    refused(UserSamples::new(vec![], labels(MAX_USER_IMAGES + 1), 8, 1, names(2)), "got 20001");
    refused(UserSamples::new(pixels(10, 8, 1), vec![0; 10], 8, 1, names(1)), "need 2 to 100 classes, got 1");
    refused(UserSamples::new(pixels(10, 8, 1), labels(10), 8, 1, names(MAX_USER_CLASSES + 1)), "got 101");
    refused(UserSamples::new(pixels(9, 8, 1), labels(10), 8, 1, names(2)), "pixel buffer does not match");
    refused(UserSamples::new(pixels(10, 8, 3), labels(10), 8, 1, names(2)), "pixel buffer does not match");
    let mut bad_label = labels(10);
    bad_label[4] = 2;
    refused(UserSamples::new(pixels(10, 8, 1), bad_label, 8, 1, names(2)), "label or pixel value is out of range");
    for v in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let mut p = pixels(10, 8, 1);
        p[17] = v;
        refused(UserSamples::new(p, labels(10), 8, 1, names(2)), "label or pixel value is out of range");
    }
}

#[test]
fn the_byte_budget_is_checked_from_the_shape_before_any_pixel() {
    // 32 x 32 x 3 f32 is 12 KiB per image: 5,461 images fit in 64 MiB, 5,462 do not.
    let per_image = 32 * 32 * 3 * 4;
    let fit = MAX_USER_BYTES / per_image;
    assert!(check_shape(fit, 32, 3, 10).is_ok());
    let e = check_shape(fit + 1, 32, 3, 10).unwrap_err();
    assert_eq!(e.field, "images");
    assert!(e.message.contains("5462 images of 32x32x3 take 64 MB, more than the limit of 64 MB"), "{}", e.message);
    // Grey images of the same count fit.
    assert!(check_shape(fit + 1, 32, 1, 10).is_ok());
    // The full check refuses an oversized set on its shape even with no pixels at all, and the
    // shape checks come first.
    refused(UserSamples::new(vec![], labels(fit + 1), 32, 3, names(10)), "more than the limit of 64 MB");
    assert!(check_shape(MAX_USER_IMAGES + 1, 32, 3, 10).unwrap_err().message.contains("need 4 to 20000 images"));
    assert!(check_shape(10, 33, 3, 10).unwrap_err().message.contains("size must be 8 to 32"));
}

fn user_config(size: usize, color: bool, classes: usize) -> Config {
    Config { dataset: Dataset::User, image_size: size, color, classes, hidden: vec![8], ..Config::default() }
}

#[test]
fn a_trainer_is_built_over_matching_images_only() {
    let u = UserSamples::new(pixels(40, 8, 1), labels(40), 8, 1, names(2)).unwrap();
    let t = Trainer::build(&user_config(8, false, 2), Some(&u)).unwrap();
    assert_eq!(t.data.image, Some(Shape { w: 8, h: 8, c: 1 }));
    assert_eq!(t.data.train_x.rows + t.data.val_x.rows, 40);
    assert_eq!(t.data.class_names, names(2));
    // Size, colour or classes that do not match are a "dataset" error saying what the images are.
    for cfg in [user_config(16, false, 2), user_config(8, true, 2), user_config(8, false, 3)] {
        let e = Trainer::build(&cfg, Some(&u)).err().expect("must not match");
        assert_eq!(e.field, "dataset");
        assert!(e.message.contains("the loaded images are 8x8 with 1 channel(s) in 2 classes"), "{}", e.message);
    }
    // No images for the dataset "user" is the dataset's own error; other datasets ignore them.
    let e = Trainer::build(&user_config(8, false, 2), None).err().expect("no images");
    assert_eq!(e.field, "dataset");
    assert!(e.message.contains("load your own images first"));
    let t = Trainer::build(&Config::default(), Some(&u)).unwrap();
    assert_eq!((t.data.image, t.data.features), (None, 2));
}
