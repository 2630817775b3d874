//! The datasets a run can train on and what each one allows (classes, image size, color,
//! clutter, regression targets, fixed sizes): the facts the schema hands to the page.

use serde::{Deserialize, Serialize};

/// Where the samples come from: a 2D generator, the bundled digits, generated images, or the
/// user's own images. What each one allows (classes, image size, colour) is stated once in the
/// methods below and handed to the page by `schema::schema()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    /// Interleaved spiral arms, one per class (the cs231n spiral).
    #[default]
    Spiral,
    /// An inner disc and an outer ring: two classes.
    Circles,
    /// The four quadrants, label = sign(x * y): two classes.
    Xor,
    /// Gaussian blobs with centres on a circle, one per class.
    Blobs,
    /// Two interleaving half circles: two classes.
    Moons,
    /// The UCI handwritten digits shipped with the project: 1,797 images of 8x8, 10 classes.
    Digits,
    /// Generated shapes (circle, square, triangle, cross, ring) at `image_size`, grey or colour.
    Shapes,
    /// Generated arrows pointing left or right: a horizontal flip changes the label.
    Arrows,
    /// The user's own images, loaded in the page (the core receives the pixels).
    User,
    /// Regression, 1D: y = sin(pi x) on x in [-1, 1], plus Gaussian noise.
    Sine,
    /// Regression, 1D: y = -0.5 for x < 0 and 0.5 from 0 on, plus noise (a jump a smooth net must bend to).
    Step,
    /// Regression, 1D: y = x^3 - 0.5 x on [-1.2, 1.2], plus noise.
    Cubic,
    /// Regression, 1D: 20 samples of y = sin(pi x) with noise (whatever `points` says): few
    /// enough that a big network threads every training point.
    FewPoints,
    /// Regression, 2D: the plane y = 0.6 x1 - 0.4 x2, plus noise.
    Plane,
    /// Regression, 2D: a sum of three Gaussian bumps (two up, one down), plus noise.
    Gaussians,
    /// MNIST-1D (Greydanus 2020): 5,000 generated 1D signals of 40 values grown from ten
    /// digit-like templates, split as the reference does (4,000 training, 1,000 validation).
    Mnist1d,
}

impl Dataset {
    /// Whether the number of classes is the `classes` setting (for the user's images it follows
    /// the loaded set instead).
    pub fn has_free_classes(self) -> bool {
        // (Regression sets have no classes: one output unit, real-valued targets.)
        matches!(self, Dataset::Spiral | Dataset::Blobs | Dataset::Shapes)
    }

    /// Whether samples are images (and augmentation applies).
    pub fn is_image(self) -> bool {
        matches!(self, Dataset::Digits | Dataset::Shapes | Dataset::Arrows | Dataset::User)
    }

    /// Whether samples are generated from the seed (a new data seed gives new samples; `points`
    /// and `noise` apply unless the dataset fixes them, see `fixed_points` and `has_noise`).
    pub fn is_generated(self) -> bool {
        !matches!(self, Dataset::Digits | Dataset::User)
    }

    /// Whether the `noise` setting applies (MNIST-1D's noise is part of its definition).
    pub fn has_noise(self) -> bool {
        self.is_generated() && self != Dataset::Mnist1d
    }

    /// The length of a sample that is a 1D signal (MNIST-1D: 40 values, the network's inputs).
    pub fn signal_len(self) -> Option<usize> {
        match self {
            Dataset::Mnist1d => Some(crate::data::mnist1d::SIGNAL_LEN),
            _ => None,
        }
    }

    /// The validation fraction of a dataset whose split is part of its definition (MNIST-1D:
    /// the reference's 0.2), which `val_fraction` then does not change.
    pub fn fixed_val_fraction(self) -> Option<f32> {
        match self {
            Dataset::Mnist1d => Some(crate::data::mnist1d::VAL_FRACTION),
            _ => None,
        }
    }

    /// Whether `train_per_class` applies (image datasets and MNIST-1D: a smaller training set
    /// of whole classes).
    pub fn has_train_per_class(self) -> bool {
        self.is_image() || self == Dataset::Mnist1d
    }

    /// Whether the targets are real values (regression: one output, MSE / L1 / Huber loss,
    /// R^2 and RMSE) rather than classes.
    pub fn is_regression(self) -> bool {
        matches!(self, Dataset::Sine | Dataset::Step | Dataset::Cubic | Dataset::FewPoints | Dataset::Plane | Dataset::Gaussians)
    }

    /// The number of raw input coordinates of a point dataset: 1 for the 1D regression sets
    /// (x), 2 for the others (x1, x2); images and signals have none (their values are the
    /// inputs).
    pub fn point_dims(self) -> usize {
        match self {
            Dataset::Sine | Dataset::Step | Dataset::Cubic | Dataset::FewPoints => 1,
            d if d.is_image() || d.signal_len().is_some() => 0,
            _ => 2,
        }
    }

    /// The fixed number of samples of a dataset that ignores `points` (few_points: 20,
    /// MNIST-1D: the reference's 5,000).
    pub fn fixed_points(self) -> Option<usize> {
        match self {
            Dataset::FewPoints => Some(20),
            Dataset::Mnist1d => Some(crate::data::mnist1d::Params::REFERENCE.num_samples),
            _ => None,
        }
    }

    /// The number of classes of a dataset whose classes are not a setting.
    pub fn fixed_classes(self) -> Option<usize> {
        match self {
            Dataset::Digits => Some(10),
            Dataset::Mnist1d => Some(crate::data::mnist1d::CLASSES),
            Dataset::Circles | Dataset::Xor | Dataset::Moons | Dataset::Arrows => Some(2),
            // A regression set has one output and no classes; "1" keeps the class-shaped code
            // (per-class limits, label bookkeeping) working on a single group.
            d if d.is_regression() => Some(1),
            _ => None,
        }
    }

    /// The most classes the dataset can have.
    pub fn max_classes(self) -> usize {
        match self {
            Dataset::Spiral | Dataset::Blobs => 8,
            Dataset::Shapes => crate::data::shapes::SHAPE_NAMES.len(),
            Dataset::User => crate::schema::MAX_CLASSES_ANY,
            d => d.fixed_classes().unwrap_or(2),
        }
    }

    /// Whether `image_size` applies (generated images, and the user's images resized to it).
    pub fn has_image_size(self) -> bool {
        matches!(self, Dataset::Shapes | Dataset::Arrows | Dataset::User)
    }

    /// Whether `color` applies.
    pub fn has_color(self) -> bool {
        matches!(self, Dataset::Shapes | Dataset::User)
    }

    /// Whether `clutter` applies.
    pub fn has_clutter(self) -> bool {
        matches!(self, Dataset::Shapes | Dataset::Arrows)
    }
}
