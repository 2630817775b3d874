//! The one `Config` value that describes a run, its defaults and its errors; its enums live in
//! `config/choices.rs` and `config/dataset.rs`, its reading in `parse.rs`, `validate()` in
//! `validate.rs`.
//!
//! The page keeps this value in the URL hash, the CLI reads it from a JSON file, presets are named
//! configs. Every field has a default, so a partial JSON object is a valid config. `validate()`
//! names the offending field and its allowed range; nothing else in the core re-checks ranges.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Settings for one hidden layer that override the network-wide ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct LayerOverride {
    /// The hidden layer, counted from 1.
    pub layer: usize,
    pub activation: Option<Activation>,
    pub dropout: Option<f32>,
    pub norm: Option<Norm>,
}

/// Everything that defines a run. Same config and seed give the same curve, natively and in wasm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    // --- data ---
    pub dataset: Dataset,
    /// Number of classes for spiral and blobs (the other 2D sets have two).
    pub classes: usize,
    /// Total number of points, split into training and validation.
    pub points: usize,
    /// Noise level, 0 (clean) to 1 (very noisy); each generator documents its scale.
    pub noise: f32,
    /// Fraction of the points held out for validation.
    pub val_fraction: f32,
    /// Seed of the one explicit RNG: data, split, init, batches, dropout, augmentation.
    pub seed: u32,
    /// The data's own seed: 0 follows `seed`; any other value generates (and splits) the data
    /// from it while `seed` still decides the weights, the batch order and the masks. The page's
    /// "Regenerate data" writes a fresh one here.
    pub data_seed: u32,
    pub preprocess: Preprocess,
    /// 2D datasets: the network's inputs, computed from each point's (x1, x2) before
    /// pre-processing, in this order (1 to 7 features, none twice). Image datasets ignore it.
    pub features: Vec<Feature>,
    /// Fraction of training labels replaced by a random class (validation labels stay clean).
    pub label_noise: f32,
    /// What replaces every sample's inputs (labels unchanged): Zhang et al.'s randomization tests.
    pub input_corruption: InputCorruption,
    /// Image datasets: training images per class (0 = all that the split leaves).
    pub train_per_class: usize,
    /// Shapes and arrows: image side in pixels.
    pub image_size: usize,
    /// Shapes: colour (3 channels) instead of grey.
    pub color: bool,
    /// Shapes and arrows: amount of background clutter, 0 to 1.
    pub clutter: f32,

    // --- augmentation (image datasets, applied per training batch) ---
    /// Probability of mirroring an image left-right.
    pub hflip: f32,
    /// Probability of mirroring an image top-bottom.
    pub vflip: f32,
    /// Random crop: pad by this many pixels, then crop a window of the original size.
    pub crop_pad: usize,
    pub padding: Padding,
    /// Random translation by up to this many pixels in x and y (zero fill).
    pub translate: usize,
    /// Brightness jitter: add a uniform value in [-b, b].
    pub brightness: f32,
    /// Contrast jitter: scale deviations from the image mean by a factor in [1 - c, 1 + c].
    pub contrast: f32,
    pub test_time: TestTime,

    // --- architecture ---
    /// Width of each hidden layer; empty means a linear classifier.
    pub hidden: Vec<usize>,
    pub activation: Activation,
    /// Slope of leaky ReLU for x < 0.
    pub leaky_slope: f32,
    /// Number of linear pieces per maxout unit.
    pub maxout_k: usize,
    pub init: WeightInit,
    /// sigma of `normal` init, half-width a of `uniform` init.
    pub init_scale: f32,
    pub norm: Norm,
    pub norm_position: NormPosition,
    /// GroupNorm's number of groups G: each hidden layer that uses GroupNorm splits its units
    /// into G contiguous groups, so G must divide its width (as in PyTorch's `nn.GroupNorm`).
    pub groups: usize,
    /// BatchNorm running averages: running = momentum * running + (1 - momentum) * batch.
    pub bn_momentum: f32,
    /// Dropout probability of dropping a hidden unit (0 = off).
    pub dropout: f32,
    /// On: inverted dropout (scale by 1/(1-p) in training, identity at test time).
    /// Off: no rescaling anywhere, so test-time activations are larger than in training.
    pub test_time_scaling: bool,
    pub layer_overrides: Vec<LayerOverride>,
    /// Evaluate BatchNorm with the statistics of each evaluation batch (of `batch_size` rows)
    /// instead of the running averages: the mistake that shows why running averages exist.
    pub eval_batch_stats: bool,

    // --- objective ---
    pub loss: Loss,
    pub hinge_margin: f32,
    /// L2 penalty (lambda / 2) * sum w^2 on weights (not biases, not norm parameters).
    pub l2: f32,
    /// L1 penalty lambda * sum |w| on weights.
    pub l1: f32,

    // --- optimization ---
    pub optimizer: Optimizer,
    pub learning_rate: f32,
    pub momentum: f32,
    pub nesterov: bool,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub schedule: Schedule,
    /// Step schedule: decay every this many epochs.
    pub decay_every: usize,
    /// Step schedule: multiply the learning rate by this.
    pub decay_factor: f32,
    pub batch_size: usize,
    /// Epochs for the CLI's `train` (the page trains until paused).
    pub epochs: usize,
    /// Training pauses when this many epochs are done (0 = never): the page's "Stop at epoch",
    /// which the lecture demos use to end where their claim is read.
    pub stop_at_epoch: usize,
    /// Early stopping: stop after this many epochs without a better validation loss (0 = off).
    pub patience: usize,
    /// Ensemble members, each with its own init and bootstrap resample (1 = a single model).
    pub ensemble: usize,

    // --- the init lab ---
    pub lab_depth: usize,
    pub lab_width: usize,
    pub lab_batch: usize,
    pub lab_activation: Activation,
    pub lab_init: WeightInit,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dataset: Dataset::Spiral,
            classes: 3,
            points: 600,
            noise: 0.1,
            val_fraction: 0.3,
            seed: 1,
            data_seed: 0,
            preprocess: Preprocess::Standardize,
            features: vec![Feature::X1, Feature::X2],
            label_noise: 0.0,
            input_corruption: InputCorruption::None,
            train_per_class: 0,
            image_size: 16,
            color: false,
            clutter: 0.2,
            hflip: 0.0,
            vflip: 0.0,
            crop_pad: 0,
            padding: Padding::Zero,
            translate: 0,
            brightness: 0.0,
            contrast: 0.0,
            test_time: TestTime::None,
            hidden: vec![64, 64],
            activation: Activation::Relu,
            leaky_slope: 0.01,
            maxout_k: 2,
            init: WeightInit::He,
            init_scale: 0.01,
            norm: Norm::None,
            norm_position: NormPosition::Before,
            groups: 2,
            bn_momentum: 0.9,
            dropout: 0.0,
            test_time_scaling: true,
            layer_overrides: Vec::new(),
            eval_batch_stats: false,
            loss: Loss::Softmax,
            hinge_margin: 1.0,
            l2: 0.0,
            l1: 0.0,
            optimizer: Optimizer::Adam,
            learning_rate: 0.01,
            momentum: 0.9,
            nesterov: false,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            schedule: Schedule::Constant,
            decay_every: 20,
            decay_factor: 0.5,
            batch_size: 32,
            epochs: 60,
            stop_at_epoch: 0,
            patience: 0,
            ensemble: 1,
            lab_depth: 10,
            lab_width: 500,
            lab_batch: 1000,
            lab_activation: Activation::Tanh,
            lab_init: WeightInit::Xavier,
        }
    }
}

/// A config field outside its allowed range, or a config that cannot be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// The field name as it appears in the JSON and the URL hash.
    pub field: String,
    /// What is allowed and what was given.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A ConfigError naming `field`.
pub(crate) fn err(field: &str, message: String) -> ConfigError {
    ConfigError { field: field.to_string(), message }
}

pub use crate::schema::{MAX_LAYERS, MAX_WIDTH};
pub use parse::{json_error, recorded_arithmetic, MAX_OVERRIDES, RECORDED_KEYS};
pub use validate::{MAX_DATA_BYTES, MAX_MEMORY_BYTES, MAX_PARAMS};

pub use choices::*;
pub use dataset::Dataset;

mod choices;
mod dataset;
mod edit;
mod parse;
mod validate;

impl Config {
    /// The number of classes the data actually has.
    pub fn num_classes(&self) -> usize {
        self.dataset.fixed_classes().unwrap_or_else(|| self.classes.min(self.dataset.max_classes()))
    }

    /// (width, height, channels) of one sample for image datasets.
    pub fn image_shape(&self) -> Option<(usize, usize, usize)> {
        match self.dataset {
            Dataset::Digits => Some((8, 8, 1)),
            Dataset::Shapes => Some((self.image_size, self.image_size, if self.color { 3 } else { 1 })),
            Dataset::Arrows => Some((self.image_size, self.image_size, 1)),
            Dataset::User => Some((self.image_size, self.image_size, if self.color { 3 } else { 1 })),
            _ => None,
        }
    }

    /// Input features per sample, the width of the network's input: the pixels of an image, the
    /// values of a 1D signal (mnist1d), or
    /// the number of selected `features` of a 2D point, or the one coordinate x of a 1D point.
    pub fn features(&self) -> usize {
        match self.image_shape() {
            Some((w, h, c)) => w * h * c,
            None if self.dataset.signal_len().is_some() => self.dataset.signal_len().unwrap_or(0),
            None if self.dataset.point_dims() == 1 => 1,
            None => self.features.len(),
        }
    }

    /// Values per sample as generated or loaded, before the 2D features are computed: the pixels
    /// of an image, or a point's two coordinates (x1, x2).
    fn raw_values(&self) -> usize {
        self.image_shape().map(|(w, h, c)| w * h * c).or(self.dataset.signal_len()).unwrap_or(self.dataset.point_dims())
    }

    /// The number of samples the dataset will have (`points`, or the dataset's fixed count).
    pub fn sample_count(&self) -> usize {
        self.dataset.fixed_points().unwrap_or(self.points)
    }

    /// The fraction of samples held out for validation: `val_fraction`, or the dataset's own
    /// split (mnist1d: 0.2).
    pub fn split_fraction(&self) -> f32 {
        self.dataset.fixed_val_fraction().unwrap_or(self.val_fraction)
    }

    /// The activation of hidden layer `layer` (0-based), after overrides.
    pub fn layer_activation(&self, layer: usize) -> Activation {
        self.layer_override(layer).and_then(|o| o.activation).unwrap_or(self.activation)
    }

    /// The dropout probability of hidden layer `layer` (0-based), after overrides.
    pub fn layer_dropout(&self, layer: usize) -> f32 {
        self.layer_override(layer).and_then(|o| o.dropout).unwrap_or(self.dropout)
    }

    /// The normalization of hidden layer `layer` (0-based), after overrides.
    pub fn layer_norm(&self, layer: usize) -> Norm {
        self.layer_override(layer).and_then(|o| o.norm).unwrap_or(self.norm)
    }

    fn layer_override(&self, layer: usize) -> Option<&LayerOverride> {
        self.layer_overrides.iter().rev().find(|o| o.layer == layer + 1)
    }

}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn default_validates_and_round_trips() {
        let c = Config::default();
        c.validate().unwrap();
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(Config::from_json(&text).unwrap(), c);
    }

    #[test]
    fn missing_fields_take_defaults() {
        let c = Config::from_json(r#"{"learning_rate": 0.5}"#).unwrap();
        assert_eq!(c.learning_rate, 0.5);
        assert_eq!(c.hidden, Config::default().hidden);
    }

    #[test]
    fn errors_name_the_field_and_range() {
        let e = Config::from_json(r#"{"learning_rate": -1}"#).unwrap_err();
        assert_eq!(e.field, "learning_rate");
        assert!(e.to_string().contains("(0, 10]"), "{e}");
        let e = Config::from_json(r#"{"batch_size": 0}"#).unwrap_err();
        assert_eq!(e.field, "batch_size");
        let e = Config::from_json(r#"{"dropout": 1.5}"#).unwrap_err();
        assert_eq!(e.field, "dropout");
        let e = Config::from_json(r#"{"hidden": [10000]}"#).unwrap_err();
        assert_eq!(e.field, "hidden");
        let e = Config::from_json(r#"{"activation": "swish"}"#).unwrap_err();
        assert!(e.to_string().contains("swish"), "{e}");
        let e = Config::from_json(r#"{"hidden": [1024, 1024, 1024, 1024, 1024, 1024, 1024], "batch_size": 4096, "ensemble": 10}"#).unwrap_err();
        assert!(e.message.contains("MB"), "{e}");
        let e = Config::from_json(r#"{"lab_batch": 10000, "lab_width": 2048, "lab_depth": 50}"#).unwrap_err();
        assert_eq!(e.field, "lab_batch");
        let e = Config::from_json(r#"{"bogus": 1}"#).unwrap_err();
        assert_eq!(e.field, "bogus");
        let e = Config::from_json(r#"{"learning_rate": "abc"}"#).unwrap_err();
        assert_eq!(e.field, "learning_rate");
        assert!(e.message.contains("invalid type"), "{e}");
    }

    #[test]
    fn lenient_parse_keeps_good_fields_and_reports_bad_ones() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"learning_rate": "abc", "hidden": [32], "batch_size": 0, "dropout": 1.5, "noise": -1, "x": 2}"#,
        )
        .unwrap();
        let (c, problems) = Config::from_value_lenient(&v);
        assert_eq!(c.hidden, vec![32]);
        let d = Config::default();
        assert_eq!((c.learning_rate, c.batch_size, c.dropout, c.noise), (d.learning_rate, d.batch_size, d.dropout, d.noise));
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for f in ["learning_rate", "batch_size", "dropout", "noise", "x"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        c.validate().unwrap();
    }

    #[test]
    fn features_are_checked_for_2d_data_and_give_the_input_width() {
        let e = Config::from_json(r#"{"dataset": "circles", "features": []}"#).unwrap_err();
        assert_eq!(e.field, "features");
        let e = Config::from_json(r#"{"features": ["x1", "x1_squared", "x1"]}"#).unwrap_err();
        assert_eq!((e.field.as_str(), e.message.as_str()), ("features", "x1 named twice"));
        let eight = r#"{"features": ["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2", "x1"]}"#;
        let e = Config::from_json(eight).unwrap_err();
        assert_eq!(e.field, "features");
        assert!(e.message.contains("at most 7"), "{e}");
        let e = Config::from_json(r#"{"features": ["cos_x1"]}"#).unwrap_err();
        assert_eq!(e.field, "features");
        // The input width is the number of selected features for 2D data, the pixels for images.
        let all = Config::from_json(r#"{"features": ["sin_x2", "sin_x1", "x1_x2", "x2_squared", "x1_squared", "x2", "x1"]}"#).unwrap();
        assert_eq!(all.features(), 7);
        let squares = Config::from_json(r#"{"dataset": "circles", "features": ["x1_squared", "x2_squared"], "hidden": []}"#).unwrap();
        assert_eq!((squares.features(), squares.parameter_count(squares.features())), (2, 2 * 2 + 2));
        assert_eq!(Config::default().features(), 2);
        // Image datasets ignore the selection, even an empty one.
        let digits = Config::from_json(r#"{"dataset": "digits", "features": []}"#).unwrap();
        assert_eq!(digits.features(), 64);
    }
}
