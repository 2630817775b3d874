//! What the page's views read from a trainer, computed in the core: for 2D data the decision
//! regions (the plane's extent, the grid of points, the class probabilities on it and what one
//! grid point costs), for image data the predictions of the first validation images, the
//! validation confusion matrix and the first layer's weights rearranged as images.

use crate::data::Data;
use crate::layers::Layer;
use crate::loss;
use crate::model::Model;
use crate::tensor::Matrix;
use crate::train::Trainer;

/// Fewest and most cells per side of a decision grid.
pub const GRID_RES_MIN: usize = 2;
pub const GRID_RES_MAX: usize = 256;

/// [xmin, xmax, ymin, ymax] of the plane the decision regions cover: the bounding box of every
/// point of both splits in raw coordinates (x1, x2), whatever features the network's inputs are,
/// widened on each side by 10 % of its longer side (at least 1e-3), so that the box is
/// square-ish and no point sits on its edge. For 1D data the box of the fitted-function plot:
/// x across the inputs and y across the targets, each widened by 10 % of its own side.
pub fn extent(data: &Data) -> [f32; 4] {
    let mut b = [f32::INFINITY, f32::NEG_INFINITY, f32::INFINITY, f32::NEG_INFINITY];
    let one_d = data.train_raw.cols == 1;
    for (m, t) in [(&data.train_raw, &data.train_t), (&data.val_raw, &data.val_t)] {
        for r in 0..m.rows {
            let x = m.data[r * m.cols];
            let y = if one_d { t[r] } else { m.data[r * m.cols + 1] };
            b = [b[0].min(x), b[1].max(x), b[2].min(y), b[3].max(y)];
        }
    }
    if one_d {
        let (px, py) = (0.1 * (b[1] - b[0]).max(1e-3), 0.1 * (b[3] - b[2]).max(1e-3));
        return [b[0] - px, b[1] + px, b[2] - py, b[3] + py];
    }
    let pad = 0.1 * (b[1] - b[0]).max(b[3] - b[2]).max(1e-3);
    [b[0] - pad, b[1] + pad, b[2] - pad, b[3] + pad]
}

/// How the page draws the plane view of this data: "classes" (decision regions), "surface" (2D
/// regression: the predicted value as a heatmap), "curve" (1D regression: the fitted function),
/// "signals" (mnist1d: a few signals per class, no plane).
pub fn plot_mode(data: &Data) -> &'static str {
    match (data.is_regression(), data.train_raw.cols) {
        _ if data.is_signal() => "signals",
        (true, 1) => "curve",
        (true, _) => "surface",
        _ => "classes",
    }
}

/// The Data tab's sample of a signal dataset (mnist1d): for each class in turn, its first
/// `per_class` validation signals (then training ones if the validation split has too few), as
/// raw values, `per_class` x `len` per class; a class with fewer signals in both splits repeats
/// its last one (none: zeros). Empty for data that is not signals.
pub fn signal_samples(data: &Data, per_class: usize) -> Vec<f32> {
    if !data.is_signal() {
        return Vec::new();
    }
    let len = data.train_raw.cols;
    let mut out = Vec::with_capacity(data.classes * per_class * len);
    for c in 0..data.classes as u32 {
        let rows = (data.val_y.iter().enumerate().filter(|(_, &y)| y == c).map(|(r, _)| data.val_raw.row(r)))
            .chain(data.train_y.iter().enumerate().filter(|(_, &y)| y == c).map(|(r, _)| data.train_raw.row(r)));
        let start = out.len();
        for row in rows.take(per_class) {
            out.extend_from_slice(row);
        }
        while out.len() < start + per_class * len {
            let last = if out.len() > start { out[out.len() - len..].to_vec() } else { vec![0.0; len] };
            out.extend(last);
        }
    }
    out
}

/// `res` evenly spaced inputs x across [xmin, xmax] of `extent`, both ends included: one row
/// per point, x_j = xmin + (xmax - xmin) j / (res - 1). The fitted-function plot's abscissae.
pub fn curve_points(extent: [f32; 4], res: usize) -> Matrix {
    let res = res.max(2);
    let [x0, x1, ..] = extent;
    Matrix::from_vec(res, 1, (0..res).map(|j| x0 + (x1 - x0) * j as f32 / (res - 1) as f32).collect())
}

/// The centres of a res x res grid of cells over `extent`, one (x, y) row per cell, row-major:
/// cell (i, j) is row i * res + j with x = xmin + (xmax - xmin) (j + 0.5) / res and
/// y = ymax - (ymax - ymin) (i + 0.5) / res, so row 0 is at the top (y = ymax) and column 0 at
/// the left (x = xmin), as the page draws them.
pub fn grid_points(extent: [f32; 4], res: usize) -> Matrix {
    let [x0, x1, y0, y1] = extent;
    let mut grid = Matrix::zeros(res * res, 2);
    for i in 0..res {
        for j in 0..res {
            let r = grid.row_mut(i * res + j);
            r[0] = x0 + (x1 - x0) * (j as f32 + 0.5) / res as f32;
            r[1] = y1 - (y1 - y0) * (i as f32 + 0.5) / res as f32;
        }
    }
    grid
}

/// The confusion matrix of class probabilities against labels: classes x classes counts,
/// row-major, row = true class, column = predicted class (the largest probability, the first on
/// ties), so that the diagonal sums to the number of correct rows.
pub fn confusion(probs: &Matrix, labels: &[u32]) -> Vec<f32> {
    let k = probs.cols;
    let mut m = vec![0.0f32; k * k];
    for (r, &y) in labels.iter().enumerate().take(probs.rows) {
        m[y as usize * k + loss::argmax(probs.row(r))] += 1.0;
    }
    m
}

/// The weights of the first `units` output units of a dense layer, unit by unit: W is n_in x
/// n_out row-major (W[i][j] at i * n_out + j), and tile j is column j of W, so that
/// tiles[j * n_in + i] = W[i][j]. Reshaped to the input image, a tile is what unit j looks for.
pub fn weight_tiles(w: &[f32], n_in: usize, n_out: usize, units: usize) -> Vec<f32> {
    let units = units.min(n_out);
    let mut tiles = vec![0.0f32; units * n_in];
    for j in 0..units {
        for i in 0..n_in {
            tiles[j * n_in + i] = w[i * n_out + j];
        }
    }
    tiles
}

/// Multiply-adds of one forward pass of one sample through a model's dense layers: the sum of
/// n_in x n_out over its linear layers. Maxout's k pieces per unit and the logistic loss's single
/// output are in the layer sizes; the element-wise layers are not counted.
pub fn forward_macs(model: &Model) -> usize {
    model.layers.iter().map(|l| if let Layer::Linear(lin) = l { lin.n_in * lin.n_out } else { 0 }).sum()
}

/// The image views of one moment of training (see `Trainer::image_views`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageViews {
    /// Class probabilities of the first validation images, images x classes, row-major.
    pub val_probs: Vec<f32>,
    /// The validation confusion matrix (see `confusion`), classes x classes.
    pub confusion: Vec<f32>,
    /// The first layer's weights of up to the requested number of units (see `weight_tiles`).
    pub weights: Vec<f32>,
    /// How many tiles are images of the input (0 when the first layer's input is not an image).
    pub weight_units: usize,
    /// Output units of the first dense layer (with maxout, k pieces per hidden unit).
    pub weight_total: usize,
    /// Whether the first dense layer is the output layer (a linear classifier: one tile per class).
    pub weights_output: bool,
}

impl Trainer {
    /// Class probabilities on a res x res grid over `extent(&self.data)` (res clamped to
    /// `GRID_RES_MIN..=GRID_RES_MAX`): res * res rows of classes columns, in `grid_points` order,
    /// averaged over the members in the curves' evaluation mode. The grid's points are raw
    /// (x1, x2) and get the selected features and the pre-processing as the samples did. For
    /// 2D regression data the one column is the predicted value. For 1D data the fitted function
    /// instead: the prediction at the res inputs of `curve_points` (res rows of one column).
    pub fn decision_grid(&mut self, res: usize) -> Matrix {
        let res = res.clamp(GRID_RES_MIN, GRID_RES_MAX);
        if self.data.is_signal() {
            // A signal has no plane to cover.
            return Matrix::zeros(0, self.data.classes);
        }
        let points = if self.data.train_raw.cols == 1 {
            curve_points(extent(&self.data), res)
        } else {
            grid_points(extent(&self.data), res)
        };
        self.predict_raw(&points)
    }

    /// Multiply-adds of one sample's forward pass through every member (the cost of one decision
    /// grid point): the members times the dense layers' n_in x n_out (see `forward_macs`).
    pub fn forward_macs_per_sample(&self) -> usize {
        self.members() * forward_macs(self.model())
    }

    /// The image views from one pass over the validation split: the averaged probabilities of
    /// the first `images` validation images, the confusion matrix of the whole split from the
    /// same probabilities, and the first layer's weights of up to `tiles` units of the first member.
    pub fn image_views(&mut self, images: usize, tiles: usize) -> ImageViews {
        let probs = self.split_probabilities(false);
        let shown = images.min(probs.rows);
        let confusion = confusion(&probs, &self.data.val_y);
        let model = self.model();
        let (weights, n_in, total) = match model.layers.first() {
            Some(Layer::Linear(l)) => (weight_tiles(&model.params.values[l.w.clone()], l.n_in, l.n_out, tiles), l.n_in, l.n_out),
            _ => (Vec::new(), 0, 0),
        };
        let weight_units = match self.data.image {
            Some(shape) if n_in == shape.len() => tiles.min(total),
            _ => 0,
        };
        ImageViews {
            val_probs: probs.data[..shown * probs.cols].to_vec(),
            confusion,
            weights,
            weight_units,
            weight_total: total,
            weights_output: model.hidden_taps.is_empty(),
        }
    }
}
