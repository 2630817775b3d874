//! Dense layer: y = x W + b, with x (B, n_in), W (n_in, n_out) row-major, b (n_out).

use crate::params::{ParamKind, Params};
use crate::tensor::{gemm, transpose, Layout, Matrix};
use std::ops::Range;

#[derive(Clone, Debug)]
pub struct Linear {
    pub n_in: usize,
    pub n_out: usize,
    /// W, n_in x n_out, in the model's parameter buffer.
    pub w: Range<usize>,
    /// b, n_out; absent when a BatchNorm follows (its beta makes a bias redundant).
    pub b: Option<Range<usize>>,
    /// Scratch for W^T (n_out x n_in), so the input gradient is a plain row-major product.
    wt: Vec<f32>,
}

impl Linear {
    pub fn new(params: &mut Params, n_in: usize, n_out: usize, with_bias: bool, index: usize) -> Linear {
        let w = params.add(&format!("linear{index}.weight"), ParamKind::Weight, n_in * n_out, 0.0);
        let b = with_bias.then(|| params.add(&format!("linear{index}.bias"), ParamKind::Bias, n_out, 0.0));
        Linear { n_in, n_out, w, b, wt: vec![0.0; n_in * n_out] }
    }

    /// y (B, n_out) = x (B, n_in) W + b. The bias is fused: y starts as b in every row and the
    /// product accumulates onto it.
    pub fn forward(&self, p: &[f32], x: &Matrix, y: &mut Matrix) {
        debug_assert_eq!(x.cols, self.n_in);
        y.resize_rows(x.rows);
        let accumulate = match &self.b {
            Some(b) => {
                let bias = &p[b.clone()];
                for r in 0..x.rows {
                    y.row_mut(r).copy_from_slice(bias);
                }
                true
            }
            None => false,
        };
        gemm(Layout::Normal, x.rows, self.n_out, self.n_in, &x.data, self.n_in, &p[self.w.clone()], &mut y.data, accumulate);
    }

    /// Given dy (B, n_out): dW += x^T dy, db += sum over rows of dy, and, when `dx` is wanted,
    /// dx (B, n_in) = dy W^T.
    pub fn backward(&mut self, p: &[f32], g: &mut [f32], x: &Matrix, dy: &Matrix, dx: Option<&mut Matrix>) {
        let bsz = x.rows;
        gemm(Layout::Transposed, self.n_in, self.n_out, bsz, &x.data, self.n_in, &dy.data, &mut g[self.w.clone()], true);
        if let Some(b) = &self.b {
            let db = &mut g[b.clone()];
            for r in 0..bsz {
                for (d, v) in db.iter_mut().zip(dy.row(r)) {
                    *d += v;
                }
            }
        }
        if let Some(dx) = dx {
            transpose(self.n_in, self.n_out, &p[self.w.clone()], &mut self.wt);
            dx.resize_rows(bsz);
            gemm(Layout::Normal, bsz, self.n_in, self.n_out, &dy.data, self.n_out, &self.wt, &mut dx.data, false);
        }
    }
}
