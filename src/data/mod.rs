//! Datasets as the trainer sees them: generation, the train/validation split, the 2D points'
//! input features (computed in `features`), pre-processing with training-split statistics, and
//! mini-batch gathering (the user's own images are checked in `user`).

pub mod augment;
pub mod corrupt;
pub mod digits;
pub mod features;
pub mod mnist1d;
pub mod regression;
pub mod shapes;
pub mod toy2d;
pub mod user;

use crate::config::{Config, ConfigError, Dataset, Feature, Preprocess, TestTime};
use augment::{Augment, Shape};
use crate::loss::Targets;
use crate::rng::Rng;
use crate::tensor::Matrix;

/// Per-feature affine pre-processing x' = (x - shift) * scale, fitted on the training split.
#[derive(Clone, Debug, PartialEq)]
pub struct Preprocessor {
    pub shift: Vec<f32>,
    pub scale: Vec<f32>,
}

impl Preprocessor {
    /// Fits mean (and standard deviation) per feature on the rows of `x`.
    pub fn fit(kind: Preprocess, x: &Matrix) -> Preprocessor {
        let d = x.cols;
        let mut shift = vec![0.0f32; d];
        let mut scale = vec![1.0f32; d];
        if kind != Preprocess::None && x.rows > 0 {
            let n = x.rows as f64;
            for j in 0..d {
                let mean = (0..x.rows).map(|r| x.data[r * d + j] as f64).sum::<f64>() / n;
                shift[j] = mean as f32;
                if kind == Preprocess::Standardize {
                    let var = (0..x.rows).map(|r| (x.data[r * d + j] as f64 - mean).powi(2)).sum::<f64>() / n;
                    scale[j] = if var > 1e-12 { (1.0 / var.sqrt()) as f32 } else { 1.0 };
                }
            }
        }
        Preprocessor { shift, scale }
    }

    /// Fits one mean (and standard deviation) per colour channel of HWC images, so that every
    /// pixel of a channel is shifted and scaled alike (the per-channel mean of VGG, as opposed to
    /// AlexNet's mean image).
    pub fn fit_channels(kind: Preprocess, x: &Matrix, channels: usize) -> Preprocessor {
        let d = x.cols;
        let mut shift = vec![0.0f32; d];
        let mut scale = vec![1.0f32; d];
        if kind != Preprocess::None && x.rows > 0 {
            for ch in 0..channels {
                let vals = || (0..x.rows).flat_map(move |r| (ch..d).step_by(channels).map(move |j| x.data[r * d + j] as f64));
                let n = (x.rows * d / channels) as f64;
                let mean = vals().sum::<f64>() / n;
                let var = vals().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                for j in (ch..d).step_by(channels) {
                    shift[j] = mean as f32;
                    if kind == Preprocess::Standardize && var > 1e-12 {
                        scale[j] = (1.0 / var.sqrt()) as f32;
                    }
                }
            }
        }
        Preprocessor { shift, scale }
    }

    pub fn apply_row(&self, row: &mut [f32]) {
        for ((v, s), k) in row.iter_mut().zip(&self.shift).zip(&self.scale) {
            *v = (*v - s) * k;
        }
    }

    pub fn apply(&self, x: &mut Matrix) {
        for r in 0..x.rows {
            let row = &mut x.data[r * x.cols..(r + 1) * x.cols];
            self.apply_row(row);
        }
    }
}

/// A split dataset: the raw samples for drawing and augmentation (a 2D point's coordinates x1, x2,
/// an image's pixels), and the network's inputs (a 2D point's selected features, an image's
/// pixels), pre-processed.
#[derive(Clone, Debug)]
pub struct Data {
    /// Input features per sample: the width of `train_x`, `val_x` and the network's input.
    pub features: usize,
    pub classes: usize,
    /// Geometry of image samples (None for the 2D sets).
    pub image: Option<Shape>,
    pub class_names: Vec<String>,
    /// Augmentation applied to training batches of image data.
    pub augment: Augment,
    /// The 2D points' features, computed from (x1, x2) before pre-processing (None for images,
    /// whose pixels are the inputs).
    pub point_features: Option<Vec<Feature>>,
    scratch: Vec<f32>,
    /// Raw samples, one per row: (x1, x2) for 2D points, the pixels for images.
    pub train_raw: Matrix,
    pub val_raw: Matrix,
    pub train_x: Matrix,
    pub val_x: Matrix,
    /// Class labels (all 0 for regression data, which has no classes).
    pub train_y: Vec<u32>,
    pub val_y: Vec<u32>,
    /// Real-valued targets of regression data (empty for classification).
    pub train_t: Vec<f32>,
    pub val_t: Vec<f32>,
    pub pre: Preprocessor,
}

impl Data {
    /// Generates or loads the configured dataset and splits it; `rng` is the data stream of the
    /// run. The user's own images come through `from_samples` instead.
    pub fn build(cfg: &Config, rng: &mut Rng) -> Result<Data, ConfigError> {
        let classes = cfg.num_classes();
        let names = |list: &[&str]| list.iter().take(classes).map(|s| s.to_string()).collect::<Vec<_>>();
        let (x, y, image, class_names) = match cfg.dataset {
            Dataset::Digits => {
                let (x, y) = digits::load();
                let n = y.len();
                (Matrix::from_vec(n, 64, x), y, Some(Shape { w: 8, h: 8, c: 1 }), (0..10).map(|d| d.to_string()).collect())
            }
            Dataset::Shapes | Dataset::Arrows => {
                let (w, h, c) = cfg.image_shape().expect("image dataset");
                let arrows = cfg.dataset == Dataset::Arrows;
                let (x, y) = shapes::generate(cfg.points, w, c, classes, arrows, cfg.noise, cfg.clutter, rng);
                let list: &[&str] = if arrows { &shapes::ARROW_NAMES } else { &shapes::SHAPE_NAMES };
                (Matrix::from_vec(cfg.points, w * h * c, x), y, Some(Shape { w, h, c }), names(list))
            }
            Dataset::Mnist1d => {
                let p = mnist1d::Params::REFERENCE;
                let (x, y) = mnist1d::generate(&p, rng);
                let n = y.len();
                (Matrix::from_vec(n, p.final_seq_length, x), y, None, (0..10).map(|d| d.to_string()).collect())
            }
            Dataset::User => {
                return Err(ConfigError { field: "dataset".into(), message: "load your own images first (choose a folder or files)".into() })
            }
            d if d.is_regression() => {
                let n = cfg.sample_count();
                let (x, t) = regression::generate(d, n, cfg.noise, rng);
                let x = Matrix::from_vec(n, d.point_dims(), x);
                return Ok(Data::from_samples(x, vec![0; n], Some(t), 1, None, vec!["y".into()], cfg, rng));
            }
            _ => {
                let (x, y) = toy2d::generate(cfg.dataset, cfg.points, classes, cfg.noise, rng);
                (Matrix::from_vec(cfg.points, 2, x), y, None, (0..classes).map(|c| format!("class {c}")).collect())
            }
        };
        Ok(Data::from_samples(x, y, None, classes, image, class_names, cfg, rng))
    }

    /// Splits samples into validation (the first `val_fraction`, or the dataset's own fraction,
    /// after a shuffle) and training;
    /// keeps at most `train_per_class` training samples per class (regression data is one
    /// class); replaces a `label_noise` fraction of training labels by random classes
    /// (classification only); computes the selected `features` of 2D points (samples without an
    /// image shape are points (x1, x2), or (x) for 1D data, whose one coordinate is its input);
    /// then fits the pre-processing on the training rows only and applies it unchanged to both
    /// splits. `values` are the real targets of regression data (split like the labels).
    #[allow(clippy::too_many_arguments)]
    pub fn from_samples(
        x: Matrix,
        y: Vec<u32>,
        values: Option<Vec<f32>>,
        classes: usize,
        image: Option<Shape>,
        class_names: Vec<String>,
        cfg: &Config,
        rng: &mut Rng,
    ) -> Data {
        let n = x.rows;
        let d = x.cols;
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let n_val = ((n as f32 * cfg.split_fraction()).round() as usize).clamp(1, n - 1);
        let take = |idx: &[usize]| {
            let mut m = Matrix::zeros(idx.len(), d);
            for (r, &i) in idx.iter().enumerate() {
                m.row_mut(r).copy_from_slice(x.row(i));
            }
            m
        };
        let val_idx = &order[..n_val];
        let mut train_idx: Vec<usize> = order[n_val..].to_vec();
        if cfg.train_per_class > 0 {
            let mut count = vec![0usize; classes];
            train_idx.retain(|&i| {
                let c = y[i] as usize;
                count[c] += 1;
                count[c] <= cfg.train_per_class
            });
        }
        let mut train_raw = take(&train_idx);
        let mut val_raw = take(val_idx);
        let mut train_y: Vec<u32> = train_idx.iter().map(|&i| y[i]).collect();
        let pick = |idx: &[usize]| values.as_ref().map_or(Vec::new(), |t| idx.iter().map(|&i| t[i]).collect());
        let (train_t, val_t) = (pick(&train_idx), pick(val_idx));
        if cfg.label_noise > 0.0 && values.is_none() {
            for label in train_y.iter_mut() {
                if rng.uniform() < cfg.label_noise {
                    *label = rng.below(classes as u32);
                }
            }
        }
        if values.is_none() {
            corrupt::corrupt_inputs(cfg.input_corruption, &mut train_raw, &mut val_raw, rng);
        }
        // The features come before the pre-processing, so that its statistics are the features'.
        let point_features = (image.is_none() && d == 2).then(|| cfg.features.clone());
        let mut train_x = network_features(&train_raw, point_features.as_deref());
        let mut val_x = network_features(&val_raw, point_features.as_deref());
        let pre = match image {
            Some(s) => Preprocessor::fit_channels(cfg.preprocess, &train_x, s.c),
            None => Preprocessor::fit(cfg.preprocess, &train_x),
        };
        pre.apply(&mut train_x);
        pre.apply(&mut val_x);
        Data {
            features: train_x.cols,
            classes,
            image,
            class_names,
            augment: Augment::from_config(cfg),
            point_features,
            scratch: vec![0.0; d],
            train_y,
            val_y: val_idx.iter().map(|&i| y[i]).collect(),
            train_t,
            val_t,
            train_raw,
            val_raw,
            train_x,
            val_x,
            pre,
        }
    }

    /// Whether each sample is a 1D signal (mnist1d): no image shape and more than two raw values,
    /// drawn as lines rather than as points in a plane.
    pub fn is_signal(&self) -> bool {
        self.image.is_none() && self.train_raw.cols > 2
    }

    /// Whether the targets are real values (regression).
    pub fn is_regression(&self) -> bool {
        !self.train_t.is_empty() || !self.val_t.is_empty()
    }

    /// The targets of the training or validation split: real values for regression data,
    /// class labels otherwise.
    pub fn targets(&self, train: bool) -> Targets<'_> {
        match (self.is_regression(), train) {
            (true, true) => Targets::Values(&self.train_t),
            (true, false) => Targets::Values(&self.val_t),
            (false, true) => Targets::Classes(&self.train_y),
            (false, false) => Targets::Classes(&self.val_y),
        }
    }

    /// The network's inputs for raw samples (rows like `train_raw`'s), prepared as the splits
    /// were: a 2D point (x1, x2) becomes its selected features, then every row is pre-processed
    /// with the training statistics.
    pub fn inputs(&self, raw: &Matrix) -> Matrix {
        let mut x = network_features(raw, self.point_features.as_deref());
        self.pre.apply(&mut x);
        x
    }

    /// The validation (or training) split as the network sees it under a test-time view:
    /// mirrored, or centre-cropped, then pre-processed. None for the plain view or 2D data.
    pub fn test_view(&self, train: bool, view: TestTime, crop_pad: usize) -> Option<Matrix> {
        let s = self.image?;
        let raw = if train { &self.train_raw } else { &self.val_raw };
        let mut out = Matrix::zeros(raw.rows, raw.cols);
        for r in 0..raw.rows {
            let src = raw.row(r);
            let dst = out.row_mut(r);
            match view {
                TestTime::None => return None,
                TestTime::Flip => augment::mirror(src, dst, s),
                TestTime::CenterCrop => augment::center_crop(src, dst, s, crop_pad),
            }
            self.pre.apply_row(dst);
        }
        Some(out)
    }

    /// Copies the rows `idx` of the training set into `x`, their labels into `y` and (regression)
    /// their targets into `t`; image rows are augmented (from the raw pixels, then
    /// pre-processed) when augmentation is on.
    pub fn gather_train(&mut self, idx: &[u32], x: &mut Matrix, y: &mut Vec<u32>, t: &mut Vec<f32>, rng: &mut Rng) {
        if x.cols != self.features {
            *x = Matrix::zeros(0, self.features);
        }
        x.resize_rows(idx.len());
        y.clear();
        t.clear();
        if !self.train_t.is_empty() {
            t.extend(idx.iter().map(|&i| self.train_t[i as usize]));
        }
        let augmenting = self.image.is_some() && self.augment.active();
        for (r, &i) in idx.iter().enumerate() {
            let i = i as usize;
            y.push(self.train_y[i]);
            if augmenting {
                let shape = self.image.expect("image data");
                let row = x.row_mut(r);
                row.copy_from_slice(self.train_raw.row(i));
                augment::augment(row, &mut self.scratch, shape, &self.augment, rng);
                self.pre.apply_row(row);
            } else {
                x.row_mut(r).copy_from_slice(self.train_x.row(i));
            }
        }
    }
}

/// The network's features of raw samples before pre-processing: the selected features of 2D
/// points (see `features::expand`), or a copy of image rows.
fn network_features(raw: &Matrix, point_features: Option<&[Feature]>) -> Matrix {
    match point_features {
        Some(f) => features::expand(raw, f),
        None => raw.clone(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn statistics_come_from_the_training_split_only() {
        let cfg = Config { preprocess: Preprocess::Standardize, points: 400, ..Config::default() };
        let mut rng = Rng::new(1, 0);
        let d = Data::build(&cfg, &mut rng).unwrap();
        assert_eq!(d.train_x.rows + d.val_x.rows, 400);
        assert_eq!(d.val_x.rows, 120);
        for j in 0..2 {
            let n = d.train_x.rows as f64;
            let mean: f64 = (0..d.train_x.rows).map(|r| d.train_x.data[r * 2 + j] as f64).sum::<f64>() / n;
            let var: f64 = (0..d.train_x.rows).map(|r| (d.train_x.data[r * 2 + j] as f64 - mean).powi(2)).sum::<f64>() / n;
            assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-4, "train feature {j}: {mean} {var}");
            // The validation split is transformed with the same shift and scale.
            let raw = d.val_raw.data[j];
            assert!(((raw - d.pre.shift[j]) * d.pre.scale[j] - d.val_x.data[j]).abs() < 1e-6);
        }
    }

    #[test]
    fn features_are_computed_before_the_pre_processing_and_raw_points_stay_2d() {
        let picked = vec![Feature::X1Squared, Feature::X1X2, Feature::X2];
        let cfg = Config { dataset: Dataset::Circles, features: picked.clone(), points: 300, ..Config::default() };
        let d = Data::build(&cfg, &mut Rng::new(3, 0)).unwrap();
        assert_eq!((d.features, d.train_x.cols, d.val_x.cols, d.train_raw.cols, d.val_raw.cols), (3, 3, 3, 2, 2));
        assert_eq!(d.pre.shift.len(), 3);
        // Standardized features: mean 0 and variance 1 on the training split.
        for j in 0..3 {
            let col: Vec<f64> = (0..d.train_x.rows).map(|r| d.train_x.data[r * 3 + j] as f64).collect();
            let mean = col.iter().sum::<f64>() / col.len() as f64;
            let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / col.len() as f64;
            assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-4, "feature {j}: {mean} {var}");
        }
        // The validation inputs are the raw points' features, pre-processed: what `inputs` gives.
        let expanded = features::expand(&d.val_raw, &picked);
        for j in 0..3 {
            assert_eq!((expanded.data[j] - d.pre.shift[j]) * d.pre.scale[j], d.val_x.data[j]);
        }
        assert_eq!(d.inputs(&d.val_raw).data, d.val_x.data);
        assert_eq!(d.inputs(&d.train_raw).data, d.train_x.data);
    }
}
