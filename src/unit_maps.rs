//! The Network tab's numbers: what every unit of the first member computes over the input plane
//! of a 2D dataset (one pass of a res x res grid through the network, every layer's output kept),
//! with each unit's mean, std, saturated and dead share of the plane, and the weights between the
//! units shown. Computed in the core so the worker posts one flat buffer per view.

use crate::config::{Activation, Feature, Loss};
use crate::layers::Layer;
use crate::loss;
use crate::metrics;
use crate::tensor::Matrix;
use crate::train::Trainer;
use crate::views::{extent, grid_points};
use serde::Serialize;

/// The grid resolutions the view accepts.
pub const UNIT_MAP_RES_MIN: usize = 8;
pub const UNIT_MAP_RES_MAX: usize = 64;

/// One column of the diagram: the input features, a hidden layer, or the outputs.
#[derive(Clone, Debug, Serialize)]
pub struct UnitLayer {
    /// "input", "hidden" or "output".
    pub kind: &'static str,
    pub label: String,
    /// Units in the layer, and how many of them (the first ones) have maps.
    pub units: usize,
    pub shown: usize,
    /// The hidden layer's non-linearity (None for inputs and outputs).
    pub activation: Option<Activation>,
    /// The range of the shown maps' values.
    pub lo: f32,
    pub hi: f32,
    /// The input features' names (inputs only).
    pub names: Option<Vec<Feature>>,
    /// The activation's saturated band (tanh and sigmoid only), for the maps' saturated colours.
    pub saturation: Option<metrics::Saturation>,
}

/// Everything the Network tab draws, in flat buffers.
#[derive(Clone, Debug, Default)]
pub struct UnitMaps {
    pub res: usize,
    pub layers: Vec<UnitLayer>,
    /// Layer by layer, `shown` maps of res * res values each; row 0 at the top (largest y).
    pub maps: Vec<f32>,
    /// Four values per shown unit, same order: mean, std, saturated share, dead share (the share
    /// of the plane where the unit outputs exactly 0).
    pub stats: Vec<f32>,
    /// For each consecutive pair of columns (l, l + 1): shown_l x shown_(l+1) weights, row-major,
    /// [i * shown_(l+1) + j] = the weight from unit i of column l into unit j of column l + 1
    /// (for a maxout unit, its first piece).
    pub weights: Vec<f32>,
}

/// Appends the maps of the first `shown` columns of `m` (rows = grid cells) and their statistics
/// to `out`, and returns the layer description.
fn push_layer(out: &mut UnitMaps, m: &Matrix, shown: usize, kind: &'static str, label: String, activation: Option<Activation>) -> UnitLayer {
    let cells = m.rows;
    let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
    let mut column = vec![0.0f32; cells];
    for u in 0..shown {
        for (r, c) in column.iter_mut().enumerate() {
            *c = m.data[r * m.cols + u];
        }
        for &v in &column {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        let (mean, std) = metrics::mean_std(&column);
        let act = activation.unwrap_or(Activation::Identity);
        out.maps.extend_from_slice(&column);
        out.stats.extend_from_slice(&[mean, std, metrics::saturated_fraction(&column, act), column.iter().filter(|&&v| v == 0.0).count() as f32 / cells.max(1) as f32]);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 0.0);
    }
    UnitLayer { kind, label, units: m.cols, shown, activation, lo, hi, names: None, saturation: activation.and_then(metrics::saturation) }
}

/// Appends the weights between the shown units of two columns: `w` is a dense layer's n_in x
/// n_out matrix, `pieces` the number of linear pieces per unit (maxout) of the receiving layer.
fn push_weights(out: &mut UnitMaps, w: &[f32], n_out: usize, shown_in: usize, shown_out: usize, pieces: usize) {
    for i in 0..shown_in {
        for j in 0..shown_out {
            out.weights.push(w[i * n_out + j * pieces]);
        }
    }
}

impl Trainer {
    /// The Network tab's maps for 2D data (None for images and 1D data): the input features (before
    /// pre-processing), every hidden layer's output and the class probabilities over a res x res
    /// grid of the plane the decision regions cover, at most `max_units` units per column, in
    /// the curves' evaluation mode.
    pub fn unit_maps(&mut self, res: usize, max_units: usize) -> Option<UnitMaps> {
        if self.data.image.is_some() || self.data.train_raw.cols != 2 {
            return None;
        }
        let res = res.clamp(UNIT_MAP_RES_MIN, UNIT_MAP_RES_MAX);
        let max_units = max_units.max(1);
        let raw = grid_points(extent(&self.data), res);
        let features = self.data.point_features.clone().unwrap_or_else(|| vec![Feature::X1, Feature::X2]);
        let plain = crate::data::features::expand(&raw, &features);
        let x = self.data.inputs(&raw);
        let mode = self.eval_mode();
        let loss_kind = self.cfg.loss;
        let classes = self.data.classes;
        let mut out = UnitMaps { res, ..UnitMaps::default() };

        let shown_in = plain.cols.min(max_units);
        let mut input = push_layer(&mut out, &plain, shown_in, "input", "Inputs".into(), None);
        input.names = Some(features[..plain.cols].to_vec());
        out.layers.push(input);

        let model = self.model_mut();
        let buffer = model.input_mut(x.rows);
        buffer.data.copy_from_slice(&x.data);
        let mut rng = crate::rng::Rng::new(0, 0);
        let scores = model.forward(mode, &mut rng).clone();
        let model = self.model();
        let mut linears = model.layers.iter().filter_map(|l| match l {
            Layer::Linear(lin) => Some(lin),
            _ => None,
        });
        let mut shown_prev = shown_in;
        for (l, &(_, act_index)) in model.hidden_taps.iter().enumerate() {
            let act = model.activation(act_index + 1);
            let kind = match &model.layers[act_index] {
                Layer::Activation(a) => a.kind,
                _ => Activation::Maxout,
            };
            let shown = act.cols.min(max_units);
            if let Some(lin) = linears.next() {
                let pieces = lin.n_out / act.cols.max(1);
                push_weights(&mut out, &model.params.values[lin.w.clone()], lin.n_out, shown_prev, shown, pieces.max(1));
            }
            let layer = push_layer(&mut out, act, shown, "hidden", format!("Layer {}", l + 1), Some(kind));
            out.layers.push(layer);
            shown_prev = shown;
        }
        // For a regression loss the "probability" is the one predicted value.
        let mut probs = Matrix::zeros(scores.rows, if loss_kind == Loss::Logistic { 2 } else { classes });
        loss::probabilities(loss_kind, &scores, &mut probs);
        // For the logistic loss the one output unit is p(class 1); otherwise one map per class.
        let outputs = if loss_kind == Loss::Logistic {
            let mut p1 = Matrix::zeros(probs.rows, 1);
            for r in 0..probs.rows {
                p1.data[r] = probs.data[r * 2 + 1];
            }
            p1
        } else {
            probs
        };
        let shown_out = outputs.cols.min(max_units);
        if let Some(lin) = linears.next() {
            push_weights(&mut out, &model.params.values[lin.w.clone()], lin.n_out, shown_prev, shown_out, 1);
        }
        let layer = push_layer(&mut out, &outputs, shown_out, "output", "Outputs".into(), None);
        out.layers.push(layer);
        Some(out)
    }
}
