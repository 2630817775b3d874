//! Dense layer: y = x W + b, with x (B, n_in), W (n_in, n_out) row-major, b (n_out).
//!
//! All three products go through `tensor::gemm_into`: the forward pass with the bias fused into
//! the accumulators, the weight gradient reading x transposed in place, and the input gradient
//! reading W transposed in place (the GEMM packs W^T panel by panel, so no transposed copy of W
//! is written per step and the layer needs no scratch buffer).

use crate::params::{ParamKind, Params};
use crate::tensor::{gemm_into, gemm_relu_into, Write, Matrix, Operand};
use std::ops::Range;

#[derive(Clone, Debug)]
pub struct Linear {
    pub n_in: usize,
    pub n_out: usize,
    /// W, n_in x n_out, in the model's parameter buffer.
    pub w: Range<usize>,
    /// b, n_out; absent when a BatchNorm follows (its beta makes a bias redundant).
    pub b: Option<Range<usize>>,
}

impl Linear {
    pub fn new(params: &mut Params, n_in: usize, n_out: usize, with_bias: bool, index: usize) -> Linear {
        let w = params.add(&format!("linear{index}.weight"), ParamKind::Weight, n_in * n_out, 0.0);
        let b = with_bias.then(|| params.add(&format!("linear{index}.bias"), ParamKind::Bias, n_out, 0.0));
        Linear { n_in, n_out, w, b }
    }

    /// y (B, n_out) = x (B, n_in) W + b. The bias is fused: every output element starts from its
    /// column's bias and the products are added to it in ascending order of the input index.
    pub fn forward(&self, p: &[f32], x: &Matrix, y: &mut Matrix) {
        debug_assert_eq!(x.cols, self.n_in);
        y.resize_rows(x.rows);
        let write = match &self.b {
            Some(b) => Write::Bias(&p[b.clone()]),
            None => Write::Overwrite,
        };
        let (xs, ws) = (Operand::normal(&x.data, self.n_in), Operand::normal(&p[self.w.clone()], self.n_out));
        gemm_into(x.rows, self.n_out, self.n_in, xs, ws, &mut y.data, self.n_out, write);
    }

    /// `forward`, and a = ReLU(y) written by the same product (the activation fused into the
    /// GEMM's output): y keeps the pre-activation, a gets exactly what `ActivationLayer::forward`
    /// with ReLU would compute from it.
    pub fn forward_relu(&self, p: &[f32], x: &Matrix, y: &mut Matrix, a: &mut Matrix) {
        debug_assert_eq!(x.cols, self.n_in);
        y.resize_rows(x.rows);
        a.resize_rows(x.rows);
        let write = match &self.b {
            Some(b) => Write::Bias(&p[b.clone()]),
            None => Write::Overwrite,
        };
        let (xs, ws) = (Operand::normal(&x.data, self.n_in), Operand::normal(&p[self.w.clone()], self.n_out));
        gemm_relu_into(x.rows, self.n_out, self.n_in, xs, ws, &mut y.data, self.n_out, write, &mut a.data);
    }

    /// Given dy (B, n_out): dW += x^T dy, db += sum over rows of dy, and, when `dx` is wanted,
    /// dx (B, n_in) = dy W^T. With `overwrite`, dW and db are computed as if their gradient
    /// buffers held zeros (the same bits as zeroing them first, without the pass that zeroing
    /// takes): every element starts from 0 and adds its terms in the same order.
    pub fn backward(&mut self, p: &[f32], g: &mut [f32], x: &Matrix, dy: &Matrix, dx: Option<&mut Matrix>, overwrite: bool) {
        let bsz = x.rows;
        let (xt, dys) = (Operand::transposed(&x.data, self.n_in), Operand::normal(&dy.data, self.n_out));
        let write = if overwrite { Write::Overwrite } else { Write::Accumulate };
        gemm_into(self.n_in, self.n_out, bsz, xt, dys, &mut g[self.w.clone()], self.n_out, write);
        if let Some(b) = &self.b {
            let db = &mut g[b.clone()];
            if overwrite {
                db.fill(0.0);
            }
            for r in 0..bsz {
                for (d, v) in db.iter_mut().zip(dy.row(r)) {
                    *d += v;
                }
            }
        }
        if let Some(dx) = dx {
            dx.resize_rows(bsz);
            let wt = Operand::transposed(&p[self.w.clone()], self.n_out);
            gemm_into(bsz, self.n_in, self.n_out, dys, wt, &mut dx.data, self.n_in, Write::Overwrite);
        }
    }
}
