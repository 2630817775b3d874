//! `Config::validate`: every field against its range in the schema (src/schema.rs), the
//! cross-field rules, and the memory, parameter and data budgets checked before anything is
//! allocated.

use super::{err, Activation, Config, ConfigError, Loss, Norm, MAX_FEATURES, MAX_LAYERS, MAX_WIDTH};
use crate::schema;

/// Checks a real field against its range in the schema (NaN fails).
fn real(field: &str, v: f32) -> Result<(), ConfigError> {
    let (lo, hi, open) = schema::real_range(field.rsplit('.').next().unwrap_or(field));
    if open {
        if v.is_finite() && v > lo && v <= hi {
            return Ok(());
        }
        return Err(err(field, format!("must be in ({lo}, {hi}], got {v}")));
    }
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(err(field, format!("must be between {lo} and {hi}, got {v}")))
    }
}

/// Checks a whole-number field against its range in the schema.
fn int(field: &str, v: usize) -> Result<(), ConfigError> {
    let (lo, hi) = schema::int_range(field);
    int_in(field, v, lo as usize, hi as usize)
}

fn int_in(field: &str, v: usize, lo: usize, hi: usize) -> Result<(), ConfigError> {
    if v >= lo && v <= hi {
        Ok(())
    } else {
        Err(err(field, format!("must be an integer from {lo} to {hi}, got {v}")))
    }
}

/// Parameter budget: 8 million f32 (32 MB) per model, checked before anything is allocated.
pub const MAX_PARAMS: usize = 8_000_000;
/// Memory budget of one run (and of the init lab): 1 GiB, well inside wasm32's 4 GiB.
pub const MAX_MEMORY_BYTES: usize = 1 << 30;
/// Data budget for the raw and pre-processed samples: 256 MB.
pub const MAX_DATA_BYTES: usize = 256 << 20;

impl Config {
    /// GroupNorm's G must be in the schema's range and, as in PyTorch's `nn.GroupNorm`, divide
    /// the width of every hidden layer that uses GroupNorm (after per-layer overrides); the error
    /// names `groups` and lists the values those widths allow.
    fn check_groups(&self) -> Result<(), ConfigError> {
        int("groups", self.groups)?;
        let group_layers: Vec<(usize, usize)> =
            self.hidden.iter().enumerate().filter(|&(l, _)| self.layer_norm(l) == Norm::Group).map(|(l, &w)| (l + 1, w)).collect();
        let Some(&(layer, width)) = group_layers.iter().find(|&&(_, w)| w % self.groups != 0) else {
            return Ok(());
        };
        let (_, hi) = schema::int_range("groups");
        let allowed: Vec<String> = (1..=hi as usize)
            .filter(|g| group_layers.iter().all(|&(_, w)| w % g == 0))
            .map(|g| g.to_string())
            .collect();
        Err(err(
            "groups",
            format!(
                "must divide the width of every hidden layer that uses GroupNorm: {} does not divide layer {layer}'s {width} units; allowed here: {}",
                self.groups,
                allowed.join(", ")
            ),
        ))
    }

    /// Checks every field against its allowed range; the error names the first bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        int("classes", self.classes)?;
        if self.dataset.fixed_classes().is_none() && self.classes > self.dataset.max_classes() {
            let name = schema::dataset_facts(self.dataset).name;
            return Err(err("classes", format!("{name} has at most {} classes, got {}", self.dataset.max_classes(), self.classes)));
        }
        int("points", self.points)?;
        real("noise", self.noise)?;
        real("val_fraction", self.val_fraction)?;
        if self.dataset.point_dims() == 2 {
            self.validate_features()?;
        }
        real("label_noise", self.label_noise)?;
        int("train_per_class", self.train_per_class)?;
        int("image_size", self.image_size)?;
        real("clutter", self.clutter)?;
        real("hflip", self.hflip)?;
        real("vflip", self.vflip)?;
        int("crop_pad", self.crop_pad)?;
        int("translate", self.translate)?;
        real("brightness", self.brightness)?;
        real("contrast", self.contrast)?;
        if let Some((w, _, _)) = self.image_shape() {
            if 2 * self.crop_pad >= w {
                return Err(err("crop_pad", format!("must be less than half the image size {w}, got {}", self.crop_pad)));
            }
        }
        // Data budget: raw and pre-processed copies of every sample, 4 bytes per value.
        let data_bytes = 4 * self.sample_count().saturating_mul(self.raw_values() + self.features());
        if data_bytes > MAX_DATA_BYTES {
            return Err(err(
                "points",
                format!("{} samples of {} values need {} MB, more than the budget of {} MB", self.sample_count(), self.features(), data_bytes >> 20, MAX_DATA_BYTES >> 20),
            ));
        }
        if self.hidden.len() > MAX_LAYERS {
            return Err(err("hidden", format!("at most {MAX_LAYERS} layers, got {}", self.hidden.len())));
        }
        for &w in &self.hidden {
            if w == 0 || w > MAX_WIDTH {
                return Err(err("hidden", format!("each layer must have 1 to {MAX_WIDTH} units, got {w}")));
            }
        }
        real("leaky_slope", self.leaky_slope)?;
        int("maxout_k", self.maxout_k)?;
        real("init_scale", self.init_scale)?;
        real("bn_momentum", self.bn_momentum)?;
        real("dropout", self.dropout)?;
        for o in &self.layer_overrides {
            if o.layer == 0 || o.layer > self.hidden.len() {
                return Err(err(
                    "layer_overrides",
                    format!("layer must be from 1 to {} (the hidden layers), got {}", self.hidden.len(), o.layer),
                ));
            }
            if let Some(p) = o.dropout {
                real("layer_overrides.dropout", p)?;
            }
        }
        self.check_groups()?;
        real("hinge_margin", self.hinge_margin)?;
        real("l2", self.l2)?;
        real("l1", self.l1)?;
        real("learning_rate", self.learning_rate)?;
        real("momentum", self.momentum)?;
        real("beta1", self.beta1)?;
        real("beta2", self.beta2)?;
        real("eps", self.eps)?;
        int("decay_every", self.decay_every)?;
        real("decay_factor", self.decay_factor)?;
        int("batch_size", self.batch_size)?;
        int("epochs", self.epochs)?;
        int("stop_at_epoch", self.stop_at_epoch)?;
        int("patience", self.patience)?;
        int("ensemble", self.ensemble)?;
        // Whether the loss fits the kind of data comes first: a regression set counts as one
        // class, so the class count of logistic would otherwise hide the real mistake there.
        if self.loss.is_regression() != self.dataset.is_regression() {
            let name = schema::dataset_facts(self.dataset).name;
            let allowed = if self.dataset.is_regression() { "mse, l1 or huber" } else { "softmax, hinge or logistic" };
            let kind = if self.dataset.is_regression() { "a regression set (real-valued targets)" } else { "a classification set" };
            return Err(err("loss", format!("{name} is {kind}: choose {allowed}")));
        }
        if self.loss == Loss::Logistic && self.num_classes() != 2 {
            return Err(err(
                "loss",
                format!("logistic needs exactly 2 classes, the data has {}", self.num_classes()),
            ));
        }
        let points = self.sample_count();
        let n_val = (points as f32 * self.split_fraction()).round() as usize;
        if points - n_val.min(points) < 2 * self.num_classes() || n_val < 1 {
            return Err(err("val_fraction", "leaves too few points for training or validation".into()));
        }
        int("lab_depth", self.lab_depth)?;
        int("lab_width", self.lab_width)?;
        int("lab_batch", self.lab_batch)?;
        let mb = |b: u64| (b as f64 / (1 << 20) as f64).ceil() as u64;
        let train_bytes = self.memory_estimate();
        if train_bytes > MAX_MEMORY_BYTES {
            return Err(err(
                "hidden",
                format!(
                    "this network and batch need about {} MB (parameters, optimizer state, activations, data), more than the budget of {} MB; use fewer or narrower layers, a smaller batch or fewer ensemble members",
                    mb(train_bytes as u64),
                    mb(MAX_MEMORY_BYTES as u64)
                ),
            ));
        }
        // The init lab keeps every layer's pre-activations and activations.
        // In u64: on wasm32 a usize product of these ranges overflows (10,000 x 2,048 x 51 x 8 is
        // about 8.4e9), and a wrapped estimate would let a huge lab through.
        let (depth, batch, width) = (self.lab_depth as u64, self.lab_batch as u64, self.lab_width as u64);
        let lab_bytes = 4 * (2 * (depth + 1) * batch * width + depth * width * width);
        if lab_bytes > MAX_MEMORY_BYTES as u64 {
            return Err(err(
                "lab_batch",
                format!("the init lab would need about {} MB, more than the budget of {} MB; lower lab_batch, lab_width or lab_depth", mb(lab_bytes), mb(MAX_MEMORY_BYTES as u64)),
            ));
        }
        let params = self.parameter_count(self.features());
        if params > MAX_PARAMS {
            return Err(err(
                "hidden",
                format!("the network would have {params} parameters per model, more than the budget of {MAX_PARAMS}"),
            ));
        }
        Ok(())
    }

    /// Checks the 2D input features: 1 to `MAX_FEATURES` of them, none named twice.
    fn validate_features(&self) -> Result<(), ConfigError> {
        if self.features.is_empty() {
            return Err(err("features", "choose at least one feature".into()));
        }
        if self.features.len() > MAX_FEATURES {
            return Err(err("features", format!("at most {MAX_FEATURES} features, got {}", self.features.len())));
        }
        for (i, f) in self.features.iter().enumerate() {
            if self.features[..i].contains(f) {
                let name = serde_json::to_value(f).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                return Err(err("features", format!("{name} named twice")));
            }
        }
        Ok(())
    }

    /// Bytes a run needs, estimated before anything is allocated: per ensemble member the
    /// parameters four times (values, gradients, two optimizer moments) and the activations and
    /// their gradients for the larger of a training batch and an evaluation chunk (256 rows),
    /// plus the raw and pre-processed data (a 2D point's raw coordinates are two values, its
    /// inputs one per selected feature).
    pub fn memory_estimate(&self) -> usize {
        let params = self.parameter_count(self.features());
        let mut widths = self.features();
        for (l, &w) in self.hidden.iter().enumerate() {
            let pieces = if self.layer_activation(l) == Activation::Maxout { self.maxout_k } else { 1 };
            // Linear output, norm, activation and dropout buffers.
            widths = widths.saturating_add(w * pieces * 2 + w * 2);
        }
        let rows = self.batch_size.max(256);
        let per_member = params.saturating_mul(4).saturating_add(rows.saturating_mul(widths).saturating_mul(2));
        let data = self.sample_count().saturating_mul(self.raw_values() + self.features());
        4usize.saturating_mul(per_member.saturating_mul(self.ensemble).saturating_add(data))
    }

    /// Number of learnable parameters of one model for `inputs` input features.
    pub fn parameter_count(&self, inputs: usize) -> usize {
        let mut n_in = inputs;
        let mut total = 0usize;
        for (l, &w) in self.hidden.iter().enumerate() {
            let pieces = if self.layer_activation(l) == Activation::Maxout { self.maxout_k } else { 1 };
            total = total.saturating_add(n_in.saturating_mul(w * pieces) + w * pieces);
            if self.layer_norm(l) != Norm::None {
                total = total.saturating_add(2 * w * pieces);
            }
            n_in = w;
        }
        let outs = crate::loss::outputs(self.loss, self.num_classes());
        total.saturating_add(n_in * outs + outs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Dataset;
    use crate::schema::Choices;

    /// On every regression set each classification loss, logistic included, gets the regression
    /// set's message naming `loss`, not a count of classes.
    #[test]
    fn a_classification_loss_on_a_regression_set_names_the_regression_losses() {
        let regression: Vec<Dataset> = Dataset::ALL.iter().copied().filter(|d| d.is_regression()).collect();
        assert!(regression.contains(&Dataset::Sine) && regression.contains(&Dataset::Plane), "{regression:?}");
        for dataset in regression {
            let name = schema::dataset_facts(dataset).name;
            for loss in [Loss::Softmax, Loss::Hinge, Loss::Logistic] {
                let cfg = Config { dataset, loss, ..Config::default() };
                let e = cfg.validate().expect_err("a classification loss on a regression set");
                assert_eq!(e.field, "loss", "{dataset:?} {loss:?}");
                assert_eq!(e.message, format!("{name} is a regression set (real-valued targets): choose mse, l1 or huber"), "{dataset:?} {loss:?}");
            }
        }
        // On a classification set logistic still needs two classes.
        let cfg = Config { dataset: Dataset::Spiral, classes: 3, loss: Loss::Logistic, ..Config::default() };
        let e = cfg.validate().expect_err("logistic on 3 classes");
        assert_eq!((e.field.as_str(), e.message.as_str()), ("loss", "logistic needs exactly 2 classes, the data has 3"));
    }
}
