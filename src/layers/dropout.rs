//! Dropout (Srivastava et al. 2014). Each unit is kept with probability 1 - p.
//!
//! With test-time scaling on (the usual "inverted dropout"), kept units are scaled by 1/(1 - p)
//! in training, so E[y] = x and evaluation is the identity. With it off, training drops without
//! rescaling and evaluation is still the identity: test-time activations are then 1/(1 - p) times
//! larger than what the next layer saw in training, the mismatch the lecture warns about.

use crate::layers::Mode;
use crate::rng::Rng;
use crate::tensor::Matrix;

#[derive(Clone, Debug)]
pub struct Dropout {
    pub p: f32,
    pub scale_at_train: bool,
    /// The multiplier applied to each element in the last training pass: 0 or the keep scale.
    mask: Vec<f32>,
    /// When set, training passes reuse the existing mask (for gradient checks).
    pub frozen: bool,
    /// Whether the last forward pass applied the mask (train) or was the identity (eval).
    masked: bool,
}

impl Dropout {
    pub fn new(p: f32, scale_at_train: bool) -> Dropout {
        Dropout { p, scale_at_train, mask: Vec::new(), frozen: false, masked: false }
    }

    /// Whether a forward pass in `mode` is the identity (evaluation, or p = 0). The model then
    /// skips the layer and lets its output alias its input instead of copying it (`pass_through`).
    pub fn is_identity(&self, mode: Mode) -> bool {
        mode != Mode::Train || self.p == 0.0
    }

    /// Records a forward pass that was the identity without running it (the model aliased the
    /// output to the input), so that the backward pass is the identity too.
    pub fn pass_through(&mut self) {
        self.masked = false;
    }

    /// Whether the last forward pass applied a mask (otherwise the backward pass is the identity).
    pub fn masked(&self) -> bool {
        self.masked
    }

    pub fn forward(&mut self, x: &Matrix, y: &mut Matrix, mode: Mode, rng: &mut Rng) {
        y.resize_rows(x.rows);
        if mode != Mode::Train || self.p == 0.0 {
            self.masked = false;
            y.data.copy_from_slice(&x.data);
            return;
        }
        self.masked = true;
        if !(self.frozen && self.mask.len() == x.data.len()) {
            let keep = 1.0 - self.p;
            let scale = if self.scale_at_train { 1.0 / keep } else { 1.0 };
            self.mask.resize(x.data.len(), 0.0);
            for m in self.mask.iter_mut() {
                *m = if rng.uniform() < keep { scale } else { 0.0 };
            }
        }
        for ((o, &i), &m) in y.data.iter_mut().zip(&x.data).zip(&self.mask) {
            *o = i * m;
        }
    }

    pub fn backward(&self, dy: &Matrix, dx: &mut Matrix) {
        dx.resize_rows(dy.rows);
        if !self.masked {
            dx.data.copy_from_slice(&dy.data);
            return;
        }
        for ((d, &g), &m) in dx.data.iter_mut().zip(&dy.data).zip(&self.mask) {
            *d = g * m;
        }
    }
}
