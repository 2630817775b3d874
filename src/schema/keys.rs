//! The data and weights keys of a config: two configs with equal keys train on the same data, or
//! also start from the same weights (Compare A/B says so).

use super::{Effect, FIELDS};
use crate::config::{Activation, Config};
use serde_json::{json, Value};

/// The JSON text of the data fields of a config: two configs with equal keys train on the same
/// samples (same split, same labels, same inputs) for the same seed.
pub fn data_key(c: &Config) -> String {
    let v = serde_json::to_value(c).expect("a config serializes");
    let mut parts: Vec<Value> = FIELDS
        .iter()
        .filter(|f| f.effect == Effect::Data && f.key != "classes")
        .map(|f| match f.key {
            // Only 2D points have input features (images and 1D points ignore them), and a
            // dataset of a fixed size ignores `points`.
            "features" if c.dataset.point_dims() != 2 => Value::Null,
            "points" if c.dataset.fixed_points().is_some() => Value::Null,
            // mnist1d keeps its own split and noise.
            "val_fraction" | "noise" if !super::datasets::applies_to(f.key, c.dataset) => Value::Null,
            // A data seed of 0 means "the run's seed".
            "data_seed" if c.data_seed == 0 => v["seed"].clone(),
            key => v[key].clone(),
        })
        .collect();
    // The number of classes the data really has (digits ignores `classes`).
    parts.push(json!(c.num_classes()));
    Value::Array(parts).to_string()
}

/// The JSON text of what decides the initial weights: the data, every parameter's shape and the
/// initialization. Two configs with equal keys start from the same weights for the same seed.
pub fn weights_key(c: &Config) -> String {
    let layers: Vec<Value> = (0..c.hidden.len())
        .map(|l| {
            let pieces = if c.layer_activation(l) == Activation::Maxout { c.maxout_k } else { 1 };
            json!([c.hidden[l], pieces, c.layer_norm(l)])
        })
        .collect();
    let outputs = crate::loss::outputs(c.loss, c.num_classes());
    json!([data_key(c), layers, outputs, c.init, c.init_scale, c.norm_position, c.ensemble]).to_string()
}
