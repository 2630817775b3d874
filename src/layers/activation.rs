//! Element-wise non-linearities and their derivatives (maxout lives in maxout.rs).
//!
//! Derivatives are written in terms of the output where that is cheaper:
//! sigma' = y (1 - y), tanh' = 1 - y^2, ELU' = y + alpha for x <= 0.

use crate::config::Activation;
use crate::tensor::Matrix;

/// The ELU alpha (Clevert et al. 2015 use 1).
pub const ELU_ALPHA: f32 = 1.0;

#[derive(Clone, Debug)]
pub struct ActivationLayer {
    pub kind: Activation,
    /// Leaky ReLU slope for x < 0.
    pub slope: f32,
}

/// f(x) for one element.
#[inline]
pub fn apply(kind: Activation, slope: f32, x: f32) -> f32 {
    match kind {
        Activation::Sigmoid => 1.0 / (1.0 + libm::expf(-x)),
        Activation::Tanh => libm::tanhf(x),
        // A branch, not f32::max: in wasm, max lowers to a libm fmaxf call per element.
        Activation::Relu => {
            if x > 0.0 {
                x
            } else {
                0.0
            }
        }
        Activation::LeakyRelu => {
            if x > 0.0 {
                x
            } else {
                slope * x
            }
        }
        Activation::Elu => {
            if x > 0.0 {
                x
            } else {
                ELU_ALPHA * (libm::expf(x) - 1.0)
            }
        }
        Activation::Identity | Activation::Maxout => x,
    }
}

/// f'(x) given x and y = f(x).
#[inline]
pub fn derivative(kind: Activation, slope: f32, x: f32, y: f32) -> f32 {
    match kind {
        Activation::Sigmoid => y * (1.0 - y),
        Activation::Tanh => 1.0 - y * y,
        Activation::Relu => {
            if x > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::LeakyRelu => {
            if x > 0.0 {
                1.0
            } else {
                slope
            }
        }
        Activation::Elu => {
            if x > 0.0 {
                1.0
            } else {
                y + ELU_ALPHA
            }
        }
        Activation::Identity | Activation::Maxout => 1.0,
    }
}

impl ActivationLayer {
    pub fn forward(&self, x: &Matrix, y: &mut Matrix) {
        y.resize_rows(x.rows);
        // ReLU gets its own loop (the common case), so the match is not evaluated per element.
        if self.kind == Activation::Relu {
            for (o, &i) in y.data.iter_mut().zip(&x.data) {
                *o = if i > 0.0 { i } else { 0.0 };
            }
            return;
        }
        for (o, &i) in y.data.iter_mut().zip(&x.data) {
            *o = apply(self.kind, self.slope, i);
        }
    }

    /// dx = dy * f'(x).
    pub fn backward(&self, x: &Matrix, y: &Matrix, dy: &Matrix, dx: &mut Matrix) {
        dx.resize_rows(x.rows);
        if self.kind == Activation::Relu {
            for ((d, &xi), &g) in dx.data.iter_mut().zip(&x.data).zip(&dy.data) {
                *d = if xi > 0.0 { g } else { 0.0 };
            }
            return;
        }
        for (((d, &xi), &yi), &g) in dx.data.iter_mut().zip(&x.data).zip(&y.data).zip(&dy.data) {
            *d = g * derivative(self.kind, self.slope, xi, yi);
        }
    }
}
