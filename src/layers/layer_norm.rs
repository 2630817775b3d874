//! LayerNorm (Ba et al. 2016): the same normalization as BatchNorm but over the n features of
//! each sample, so train and eval behave identically and the batch size does not matter.
//! mu_r = mean_j x_rj, var_r = mean_j (x_rj - mu_r)^2, xhat = (x - mu_r) / sqrt(var_r + eps),
//! y = gamma * xhat + beta; backward as BatchNorm with the roles of rows and columns swapped:
//! dx_r = inv_std_r / n * (n dxhat_r - sum_j dxhat_rj - xhat_r * sum_j dxhat_rj xhat_rj).

use crate::layers::batch_norm::NORM_EPS;
use crate::params::{ParamKind, Params};
use crate::tensor::Matrix;
use std::ops::Range;

#[derive(Clone, Debug)]
pub struct LayerNorm {
    pub n: usize,
    pub gamma: Range<usize>,
    pub beta: Range<usize>,
    xhat: Vec<f32>,
    inv_std: Vec<f32>,
}

impl LayerNorm {
    pub fn new(params: &mut Params, n: usize, index: usize) -> LayerNorm {
        LayerNorm {
            n,
            gamma: params.add(&format!("ln{index}.gamma"), ParamKind::Norm, n, 1.0),
            beta: params.add(&format!("ln{index}.beta"), ParamKind::Norm, n, 0.0),
            xhat: Vec::new(),
            inv_std: Vec::new(),
        }
    }

    pub fn forward(&mut self, p: &[f32], x: &Matrix, y: &mut Matrix) {
        let (b, n) = (x.rows, self.n);
        y.resize_rows(b);
        self.xhat.resize(b * n, 0.0);
        self.inv_std.resize(b, 0.0);
        let gamma = &p[self.gamma.clone()];
        let beta = &p[self.beta.clone()];
        for r in 0..b {
            let xr = x.row(r);
            let mean = xr.iter().sum::<f32>() / n as f32;
            let var = xr.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n as f32;
            let inv = 1.0 / (var + NORM_EPS).sqrt();
            self.inv_std[r] = inv;
            for j in 0..n {
                let xh = (xr[j] - mean) * inv;
                self.xhat[r * n + j] = xh;
                y.data[r * n + j] = gamma[j] * xh + beta[j];
            }
        }
    }

    pub fn backward(&self, p: &[f32], g: &mut [f32], dy: &Matrix, dx: &mut Matrix) {
        let (b, n) = (dy.rows, self.n);
        dx.resize_rows(b);
        let gamma = &p[self.gamma.clone()];
        let (gg, gb) = (self.gamma.start, self.beta.start);
        for r in 0..b {
            let mut s1 = 0.0;
            let mut s2 = 0.0;
            for j in 0..n {
                let i = r * n + j;
                let d = dy.data[i];
                g[gg + j] += d * self.xhat[i];
                g[gb + j] += d;
                let dxhat = d * gamma[j];
                s1 += dxhat;
                s2 += dxhat * self.xhat[i];
            }
            let inv = self.inv_std[r];
            for j in 0..n {
                let i = r * n + j;
                let dxhat = dy.data[i] * gamma[j];
                dx.data[i] = inv / n as f32 * (n as f32 * dxhat - s1 - self.xhat[i] * s2);
            }
        }
    }
}
