//! GroupNorm (Wu & He 2018) for dense layers: the n units of a layer are split into G contiguous
//! groups of m = n / G units, and each sample is normalized over each of its groups on its own.
//! For sample r and group g: mu_rg = mean_{j in g} x_rj, var_rg = mean_{j in g} (x_rj - mu_rg)^2,
//! xhat = (x - mu_rg) / sqrt(var_rg + eps), y = gamma_j * xhat + beta_j, with gamma and beta per
//! unit as in PyTorch's `nn.GroupNorm(G, n)` (affine). G = 1 is LayerNorm; G = n would be
//! InstanceNorm, which a dense layer cannot use (each group holds one value, so xhat = 0 and
//! y = beta). No batch statistics: train and eval behave identically.
//! Backward is LayerNorm's within each group: dxhat = dy * gamma,
//! dx_rj = inv_std_rg / m * (m dxhat_rj - sum_{k in g} dxhat_rk - xhat_rj * sum_{k in g} dxhat_rk xhat_rk).

use crate::layers::batch_norm::NORM_EPS;
use crate::params::{ParamKind, Params};
use crate::tensor::Matrix;
use std::ops::Range;

#[derive(Clone, Debug)]
pub struct GroupNorm {
    /// Units of the layer.
    pub n: usize,
    /// Number of groups G; divides n (checked by `Config::validate`, asserted here).
    pub groups: usize,
    pub gamma: Range<usize>,
    pub beta: Range<usize>,
    /// Cache of the forward pass: xhat (b x n) and 1 / sqrt(var + eps) per sample and group (b x G).
    xhat: Vec<f32>,
    inv_std: Vec<f32>,
}

impl GroupNorm {
    pub fn new(params: &mut Params, n: usize, groups: usize, index: usize) -> GroupNorm {
        assert!(groups >= 1 && n % groups == 0, "GroupNorm: {groups} groups do not divide {n} units");
        GroupNorm {
            n,
            groups,
            gamma: params.add(&format!("gn{index}.gamma"), ParamKind::Norm, n, 1.0),
            beta: params.add(&format!("gn{index}.beta"), ParamKind::Norm, n, 0.0),
            xhat: Vec::new(),
            inv_std: Vec::new(),
        }
    }

    /// y (b x n) from x (b x n), the same in training and evaluation.
    pub fn forward(&mut self, p: &[f32], x: &Matrix, y: &mut Matrix) {
        let (b, n, groups) = (x.rows, self.n, self.groups);
        let m = n / groups;
        y.resize_rows(b);
        self.xhat.resize(b * n, 0.0);
        self.inv_std.resize(b * groups, 0.0);
        let gamma = &p[self.gamma.clone()];
        let beta = &p[self.beta.clone()];
        for r in 0..b {
            let xr = x.row(r);
            for g in 0..groups {
                let units = g * m..(g + 1) * m;
                let xg = &xr[units.clone()];
                let mean = xg.iter().sum::<f32>() / m as f32;
                let var = xg.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / m as f32;
                let inv = 1.0 / (var + NORM_EPS).sqrt();
                self.inv_std[r * groups + g] = inv;
                for j in units {
                    let xh = (xr[j] - mean) * inv;
                    self.xhat[r * n + j] = xh;
                    y.data[r * n + j] = gamma[j] * xh + beta[j];
                }
            }
        }
    }

    /// dx (b x n) from dy (b x n); adds dL/dgamma = sum_r dy * xhat and dL/dbeta = sum_r dy to g.
    pub fn backward(&self, p: &[f32], g: &mut [f32], dy: &Matrix, dx: &mut Matrix) {
        let (b, n, groups) = (dy.rows, self.n, self.groups);
        let m = n / groups;
        dx.resize_rows(b);
        let gamma = &p[self.gamma.clone()];
        let (gg, gb) = (self.gamma.start, self.beta.start);
        for r in 0..b {
            for grp in 0..groups {
                let units = grp * m..(grp + 1) * m;
                let mut s1 = 0.0;
                let mut s2 = 0.0;
                for j in units.clone() {
                    let i = r * n + j;
                    let d = dy.data[i];
                    g[gg + j] += d * self.xhat[i];
                    g[gb + j] += d;
                    let dxhat = d * gamma[j];
                    s1 += dxhat;
                    s2 += dxhat * self.xhat[i];
                }
                let inv = self.inv_std[r * groups + grp];
                for j in units {
                    let i = r * n + j;
                    let dxhat = dy.data[i] * gamma[j];
                    dx.data[i] = inv / m as f32 * (m as f32 * dxhat - s1 - self.xhat[i] * s2);
                }
            }
        }
    }
}
