//! What the page and the core know about each dataset before generating it, and which config
//! fields apply to it (the rule that hides the page's controls and refuses a sweep's knob).

use super::{name_of, Choices, FIELDS};
use crate::config::{Dataset, Loss};
use serde::Serialize;

/// What the page and the core know about a dataset before generating it.
#[derive(Clone, Debug, Serialize)]
pub struct DatasetFacts {
    pub name: String,
    /// Samples are images: the image views and augmentation apply.
    pub image: bool,
    /// Generated from the seed: a new data seed gives new samples ("Regenerate data");
    /// `points` and `noise` apply unless `ignores` names them.
    pub generated: bool,
    /// The number of classes is a setting (`classes`), up to `max_classes`.
    pub free_classes: bool,
    /// The fixed number of classes of a dataset whose classes are not a setting.
    pub fixed_classes: Option<usize>,
    pub max_classes: usize,
    /// `image_size`, `color` and `clutter` apply.
    pub sized: bool,
    pub color: bool,
    pub clutter: bool,
    /// The side of the images when it is fixed (digits: 8).
    pub fixed_size: Option<usize>,
    /// Real-valued targets: one output, a regression loss (mse, l1, huber), R^2 and RMSE.
    pub regression: bool,
    /// Raw coordinates of a point: 1 (x), 2 (x1, x2), or 0 for images.
    pub dims: usize,
    /// The number of samples when `points` does not apply (few_points: 20, mnist1d: 5,000).
    pub fixed_points: Option<usize>,
    /// The validation fraction when `val_fraction` does not apply (mnist1d: the reference's 0.2).
    pub fixed_val_fraction: Option<f64>,
    /// The length of a sample that is a 1D signal (mnist1d: 40), drawn as a line per sample.
    pub signal_len: Option<usize>,
    /// The losses this dataset allows (regression or classification ones), and the one a switch
    /// to it picks when the current loss is not allowed.
    pub losses: Vec<String>,
    pub default_loss: String,
    /// The config fields this dataset ignores (`applies_to`): the page hides their controls.
    pub ignores: Vec<&'static str>,
}

/// Whether config field `key` applies to dataset `d`. The page shows a field's control only
/// where it applies (`DatasetFacts::ignores`), and a sweep refuses a knob on a field that does
/// not; fields not named here apply to every dataset.
pub fn applies_to(key: &str, d: Dataset) -> bool {
    match key {
        "classes" => d.fixed_classes().is_none(),
        "noise" => d.has_noise(),
        // A dataset with its own split (mnist1d) ignores `val_fraction`.
        "val_fraction" => d.fixed_val_fraction().is_none(),
        "train_per_class" => d.has_train_per_class(),
        // A dataset of a fixed size (few_points) ignores `points`.
        "points" => d.is_generated() && d.fixed_points().is_none(),
        "hflip" | "vflip" | "crop_pad" | "padding" | "translate" | "brightness" | "contrast" | "test_time" => d.is_image(),
        // Regression targets have no labels to flip.
        "label_noise" => !d.is_regression(),
        // Permuting or redrawing inputs needs inputs of more than a point's coordinates.
        "input_corruption" => !d.is_regression() && d.point_dims() == 0,
        "image_size" => d.has_image_size(),
        "color" => d.has_color(),
        "clutter" => d.has_clutter(),
        "features" => d.point_dims() == 2,
        _ => true,
    }
}

/// The datasets field `key` applies to, in words, for a message that refuses it elsewhere.
pub fn applies_where(key: &str) -> &'static str {
    match key {
        "points" => "generated datasets of a settable size",
        "noise" => "generated datasets other than mnist1d",
        "val_fraction" => "datasets without a fixed split (mnist1d keeps the reference's 4,000 / 1,000)",
        "train_per_class" => "image datasets and mnist1d",
        "hflip" | "vflip" | "crop_pad" | "padding" | "translate" | "brightness" | "contrast" | "test_time" => {
            "image datasets"
        }
        "label_noise" => "classification datasets",
        "input_corruption" => "image and signal datasets",
        "features" => "2D point datasets",
        "classes" => "datasets whose number of classes is a setting",
        _ => "datasets that have this setting",
    }
}

/// The facts of one dataset.
pub fn dataset_facts(d: Dataset) -> DatasetFacts {
    DatasetFacts {
        name: name_of(&d),
        image: d.is_image(),
        generated: d.is_generated(),
        free_classes: d.has_free_classes(),
        fixed_classes: d.fixed_classes(),
        max_classes: d.max_classes(),
        sized: d.has_image_size(),
        color: d.has_color(),
        clutter: d.has_clutter(),
        fixed_size: match d {
            Dataset::Digits => Some(8),
            _ => None,
        },
        regression: d.is_regression(),
        dims: d.point_dims(),
        fixed_points: d.fixed_points(),
        // The f32's shortest decimal form (0.2, not 0.20000000298023224).
        fixed_val_fraction: d.fixed_val_fraction().and_then(|v| v.to_string().parse().ok()),
        signal_len: d.signal_len(),
        losses: Loss::ALL.iter().filter(|l| l.is_regression() == d.is_regression()).map(|l| name_of(l)).collect(),
        default_loss: name_of(&Loss::default_for(d)),
        ignores: FIELDS.iter().map(|f| f.key).filter(|k| !applies_to(k, d)).collect(),
    }
}
