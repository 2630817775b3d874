//! The lecture's init lab: push a batch of unit-Gaussian inputs through an L-layer, W-unit
//! network with no training (no biases, as in the lecture's demo), back-propagate a random
//! N(0, 1) upstream gradient, and report per-layer activation and gradient statistics (the
//! fractions dead, saturated and zero as `metrics` defines them, over the batch's samples).
//!
//! H_0 = X ~ N(0, 1) of shape (batch, width); Z_l = H_{l-1} W_l; H_l = f(Z_l).
//! Backward: dH_L ~ N(0, 1); dZ_l = dH_l * f'(Z_l); dH_{l-1} = dZ_l W_l^T; dW_l = H_{l-1}^T dZ_l.

use crate::config::{Activation, Config};
use crate::weight_init;
use crate::metrics::{self, histogram, mean_std, symmetric_range, Histogram};
use crate::layers::activation::{apply, derivative};
use crate::rng::Rng;
use crate::tensor::{gemm, transpose, Layout};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct LayerStats {
    pub layer: usize,
    pub mean: f32,
    pub std: f32,
    /// Fraction of unit-samples near the flat ends: |a| > 0.99 for tanh, a < 0.01 or a > 0.99
    /// for sigmoid.
    pub saturated: f32,
    /// Fraction of units whose activation is exactly 0 for every sample of the batch (ReLUs that
    /// never fire).
    pub dead: f32,
    /// Fraction of activations (unit-samples) that are exactly 0.
    pub zeros: f32,
    /// Standard deviation of dL/dH_l, the gradient reaching this layer's output.
    pub grad_std: f32,
    /// Standard deviation of dL/dW_l.
    pub weight_grad_std: f32,
    pub hist: Histogram,
    pub grad_hist: Histogram,
}

#[derive(Clone, Debug, Serialize)]
pub struct LabReport {
    pub depth: usize,
    pub width: usize,
    pub batch: usize,
    pub activation: Activation,
    pub init: crate::config::WeightInit,
    pub layers: Vec<LayerStats>,
}

/// Runs the lab with the `lab_*` fields of `cfg` and its seed.
pub fn run(cfg: &Config) -> LabReport {
    let (depth, width, batch) = (cfg.lab_depth, cfg.lab_width, cfg.lab_batch);
    let act = if cfg.lab_activation == Activation::Maxout { Activation::Identity } else { cfg.lab_activation };
    let mut rng = Rng::new(cfg.seed as u64, 7);
    let mut h: Vec<Vec<f32>> = Vec::with_capacity(depth + 1);
    let mut z: Vec<Vec<f32>> = Vec::with_capacity(depth);
    let mut w: Vec<Vec<f32>> = Vec::with_capacity(depth);
    h.push((0..batch * width).map(|_| rng.normal()).collect());
    for l in 0..depth {
        let mut wl = vec![0.0; width * width];
        weight_init::fill(&mut wl, cfg.lab_init, width, cfg.init_scale, &mut rng);
        let mut zl = vec![0.0; batch * width];
        gemm(Layout::Normal, batch, width, width, &h[l], width, &wl, &mut zl, false);
        let hl: Vec<f32> = zl.iter().map(|&x| apply(act, cfg.leaky_slope, x)).collect();
        w.push(wl);
        z.push(zl);
        h.push(hl);
    }
    // Backward from a random upstream gradient.
    let mut dh: Vec<f32> = (0..batch * width).map(|_| rng.normal()).collect();
    let mut grad_std = vec![0.0; depth];
    let mut grad_hists = Vec::with_capacity(depth);
    let mut wgrad_std = vec![0.0; depth];
    let mut wt = vec![0.0; width * width];
    let mut dw = vec![0.0; width * width];
    for l in (0..depth).rev() {
        grad_std[l] = mean_std(&dh).1;
        let (lo, hi) = symmetric_range(&dh);
        grad_hists.push((l, histogram(&dh, lo, hi)));
        let dz: Vec<f32> = dh
            .iter()
            .zip(&z[l])
            .zip(&h[l + 1])
            .map(|((&g, &x), &y)| g * derivative(act, cfg.leaky_slope, x, y))
            .collect();
        gemm(Layout::Transposed, width, width, batch, &h[l], width, &dz, &mut dw, false);
        wgrad_std[l] = mean_std(&dw).1;
        transpose(width, width, &w[l], &mut wt);
        let mut prev = vec![0.0; batch * width];
        gemm(Layout::Normal, batch, width, width, &dz, width, &wt, &mut prev, false);
        dh = prev;
    }
    grad_hists.sort_by_key(|(l, _)| *l);
    let layers = (0..depth)
        .zip(grad_hists)
        .map(|(l, (_, grad_hist))| {
            let a = metrics::summarize_activations(&h[l + 1], width, act);
            LayerStats {
                layer: l + 1,
                mean: a.mean,
                std: a.std,
                saturated: a.saturated,
                dead: a.dead,
                zeros: a.zeros,
                grad_std: grad_std[l],
                weight_grad_std: wgrad_std[l],
                hist: a.hist,
                grad_hist,
            }
        })
        .collect();
    LabReport { depth, width, batch, activation: act, init: cfg.lab_init, layers }
}
