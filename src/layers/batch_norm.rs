//! BatchNorm (Ioffe & Szegedy 2015) over the features of a (B, n) batch.
//!
//! Train: mu = mean over the batch, var = biased variance over the batch,
//!        xhat = (x - mu) / sqrt(var + eps), y = gamma * xhat + beta, and the running averages
//!        running = m * running + (1 - m) * batch (the variance with Bessel's correction, as in
//!        PyTorch, whose `momentum` is our 1 - m).
//! Eval:  xhat = (x - running_mean) / sqrt(running_var + eps): each sample on its own.
//! Backward (train): dxhat = dy * gamma,
//!        dx = inv_std / B * (B dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)),
//!        dgamma = sum(dy * xhat), dbeta = sum(dy).

use crate::layers::Mode;
use crate::params::{ParamKind, Params};
use crate::tensor::Matrix;
use std::ops::Range;

pub const NORM_EPS: f32 = 1e-5;

#[derive(Clone, Debug)]
pub struct BatchNorm {
    pub n: usize,
    pub momentum: f32,
    pub gamma: Range<usize>,
    pub beta: Range<usize>,
    pub running_mean: Range<usize>,
    pub running_var: Range<usize>,
    /// Cached xhat (B, n) and 1/sqrt(var + eps) (n) of the last forward pass.
    xhat: Vec<f32>,
    inv_std: Vec<f32>,
    /// Batch statistics scratch.
    mean: Vec<f32>,
    last_mode: Mode,
}

impl BatchNorm {
    pub fn new(params: &mut Params, n: usize, momentum: f32, index: usize) -> BatchNorm {
        BatchNorm {
            n,
            momentum,
            gamma: params.add(&format!("bn{index}.gamma"), ParamKind::Norm, n, 1.0),
            beta: params.add(&format!("bn{index}.beta"), ParamKind::Norm, n, 0.0),
            running_mean: params.add(&format!("bn{index}.running_mean"), ParamKind::Buffer, n, 0.0),
            running_var: params.add(&format!("bn{index}.running_var"), ParamKind::Buffer, n, 1.0),
            xhat: Vec::new(),
            inv_std: vec![0.0; n],
            mean: vec![0.0; n],
            last_mode: Mode::Eval,
        }
    }

    /// `p` is mutable because training updates the running statistics.
    pub fn forward(&mut self, p: &mut [f32], x: &Matrix, y: &mut Matrix, mode: Mode) {
        let (b, n) = (x.rows, self.n);
        y.resize_rows(b);
        self.xhat.resize(b * n, 0.0);
        self.last_mode = mode;
        let use_batch = mode == Mode::Train || mode == Mode::EvalBatchStats;
        if use_batch {
            self.mean.fill(0.0);
            for r in 0..b {
                for (m, &v) in self.mean.iter_mut().zip(x.row(r)) {
                    *m += v;
                }
            }
            let inv_b = 1.0 / b as f32;
            self.mean.iter_mut().for_each(|m| *m *= inv_b);
            // inv_std holds the biased variance until it is turned into 1/sqrt(var + eps).
            self.inv_std.fill(0.0);
            for r in 0..b {
                for ((s, &v), &m) in self.inv_std.iter_mut().zip(x.row(r)).zip(&self.mean) {
                    *s += (v - m) * (v - m);
                }
            }
            for j in 0..n {
                let var = self.inv_std[j] * inv_b;
                if mode == Mode::Train {
                    let unbiased = if b > 1 { var * b as f32 / (b - 1) as f32 } else { var };
                    let m = self.momentum;
                    let rm = self.running_mean.start + j;
                    let rv = self.running_var.start + j;
                    p[rm] = m * p[rm] + (1.0 - m) * self.mean[j];
                    p[rv] = m * p[rv] + (1.0 - m) * unbiased;
                }
                self.inv_std[j] = 1.0 / (var + NORM_EPS).sqrt();
            }
        } else {
            for j in 0..n {
                self.mean[j] = p[self.running_mean.start + j];
                self.inv_std[j] = 1.0 / (p[self.running_var.start + j] + NORM_EPS).sqrt();
            }
        }
        let gamma = &p[self.gamma.clone()];
        let beta = &p[self.beta.clone()];
        for r in 0..b {
            for j in 0..n {
                let xh = (x.data[r * n + j] - self.mean[j]) * self.inv_std[j];
                self.xhat[r * n + j] = xh;
                y.data[r * n + j] = gamma[j] * xh + beta[j];
            }
        }
    }

    pub fn backward(&mut self, p: &[f32], g: &mut [f32], dy: &Matrix, dx: &mut Matrix) {
        let (b, n) = (dy.rows, self.n);
        dx.resize_rows(b);
        let gamma = &p[self.gamma.clone()];
        // Per-feature sums of dy and dy * xhat; reuse `mean` as scratch for sum(dy * xhat).
        let mut sum_dy_xhat = std::mem::take(&mut self.mean);
        sum_dy_xhat.fill(0.0);
        {
            let (gg, gb) = (self.gamma.start, self.beta.start);
            for r in 0..b {
                for j in 0..n {
                    let d = dy.data[r * n + j];
                    sum_dy_xhat[j] += d * self.xhat[r * n + j];
                    g[gb + j] += d;
                }
            }
            for j in 0..n {
                g[gg + j] += sum_dy_xhat[j];
            }
        }
        if self.last_mode == Mode::Eval {
            // Running statistics are constants: dx = dy * gamma * inv_std.
            for r in 0..b {
                for j in 0..n {
                    dx.data[r * n + j] = dy.data[r * n + j] * gamma[j] * self.inv_std[j];
                }
            }
        } else {
            // With dxhat = dy * gamma: sum(dxhat) = gamma * sum(dy), sum(dxhat * xhat) = gamma * sum(dy * xhat).
            let inv_b = 1.0 / b as f32;
            for j in 0..n {
                let mut sum_dy = 0.0;
                for r in 0..b {
                    sum_dy += dy.data[r * n + j];
                }
                let (s1, s2) = (gamma[j] * sum_dy, gamma[j] * sum_dy_xhat[j]);
                for r in 0..b {
                    let i = r * n + j;
                    let dxhat = dy.data[i] * gamma[j];
                    dx.data[i] = self.inv_std[j] * inv_b * (b as f32 * dxhat - s1 - self.xhat[i] * s2);
                }
            }
        }
        self.mean = sum_dy_xhat;
    }
}
