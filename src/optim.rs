//! Parameter updates: SGD, SGD with momentum (classic or Nesterov), and Adam; L2 and L1 weight
//! decay on weights only, added to the gradient: g += lambda2 * w + lambda1 * sign(w).
//! With L2 and a zero data gradient, SGD gives w <- w - lr * lambda2 * w = (1 - lr * lambda2) w.

use crate::config::{Config, Optimizer};
use crate::params::{ParamKind, Params};
use std::ops::Range;

/// d/dw of the penalty (l2 / 2) w^2 + l1 |w| (taking sign(0) = 0).
#[inline]
pub fn decay_gradient(w: f32, l2: f32, l1: f32) -> f32 {
    let mut g = l2 * w;
    if l1 != 0.0 && w != 0.0 {
        g += l1 * w.signum();
    }
    g
}

/// The penalty sum over weights of (l2 / 2) w^2 + l1 |w| (biases and norm parameters excluded).
pub fn penalty(params: &Params, l2: f32, l1: f32) -> f64 {
    let mut total = 0.0f64;
    for g in params.groups.iter().filter(|g| g.kind == ParamKind::Weight) {
        for &w in &params.values[g.range.clone()] {
            total += 0.5 * l2 as f64 * (w as f64).powi(2) + l1 as f64 * (w as f64).abs();
        }
    }
    total
}

#[derive(Clone, Debug)]
pub struct OptimizerState {
    pub kind: Optimizer,
    /// Momentum velocity or Adam's first moment.
    m: Vec<f32>,
    /// Adam's second moment.
    v: Vec<f32>,
    /// Number of updates taken (Adam's bias correction).
    pub t: u64,
}

/// The hyper-parameters an update reads; they can change between steps without a rebuild.
#[derive(Clone, Copy, Debug)]
pub struct Hyper {
    pub lr: f32,
    pub momentum: f32,
    pub nesterov: bool,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub l2: f32,
    pub l1: f32,
}

impl Hyper {
    pub fn from_config(c: &Config, lr: f32) -> Hyper {
        Hyper { lr, momentum: c.momentum, nesterov: c.nesterov, beta1: c.beta1, beta2: c.beta2, eps: c.eps, l2: c.l2, l1: c.l1 }
    }
}

impl OptimizerState {
    pub fn new(kind: Optimizer, n: usize) -> OptimizerState {
        let (m, v) = match kind {
            Optimizer::Sgd => (Vec::new(), Vec::new()),
            Optimizer::Momentum => (vec![0.0; n], Vec::new()),
            Optimizer::Adam => (vec![0.0; n], vec![0.0; n]),
        };
        OptimizerState { kind, m, v, t: 0 }
    }

    /// One update of every trainable parameter from `params.grads`.
    ///
    /// Each parameter group is updated by one straight loop over slices, chosen once per group
    /// (optimizer, whether weight decay applies, whether L1 is on), so the compiler vectorizes it
    /// (SSE natively, SIMD128 in wasm). The arithmetic of every element is exactly the scalar
    /// formula written in each loop, in the same order, so the results do not depend on the
    /// vectorization.
    pub fn step(&mut self, params: &mut Params, h: &Hyper) {
        self.t += 1;
        let t = self.t as i32;
        // Adam bias corrections 1 - beta^t, computed in f64 and rounded once.
        let bc1 = (1.0 - (h.beta1 as f64).powi(t)) as f32;
        let bc2 = (1.0 - (h.beta2 as f64).powi(t)) as f32;
        let h = *h;
        for group in &params.groups {
            if group.kind == ParamKind::Buffer {
                continue;
            }
            let range = group.range.clone();
            let w = &mut params.values[range.clone()];
            let g = &params.grads[range.clone()];
            // The gradient with weight decay: g + decay_gradient(w) for weights, g otherwise.
            // The three closures are the three cases of `decay_gradient`, spelled out so each
            // loop has no data-dependent branch on the optimizer or on l1.
            match (group.kind == ParamKind::Weight, h.l1 != 0.0) {
                (false, _) => self.update(range, w, g, &h, bc1, bc2, |_, g| g),
                (true, false) => self.update(range, w, g, &h, bc1, bc2, |w, g| g + h.l2 * w),
                (true, true) => self.update(range, w, g, &h, bc1, bc2, |w, g| {
                    let d = h.l2 * w;
                    g + if w != 0.0 { d + h.l1 * w.signum() } else { d }
                }),
            }
        }
    }

    /// Applies the update rule of `self.kind` to one group, with `grad(w, g)` giving the
    /// gradient including weight decay.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn update(&mut self, range: Range<usize>, w: &mut [f32], g: &[f32], h: &Hyper, bc1: f32, bc2: f32, grad: impl Fn(f32, f32) -> f32) {
        match self.kind {
            Optimizer::Sgd => {
                for (w, &g) in w.iter_mut().zip(g) {
                    let g = grad(*w, g);
                    *w -= h.lr * g;
                }
            }
            Optimizer::Momentum => {
                // v = mu v - lr g; classic: w += v; Nesterov (cs231n form):
                // w += -mu v_prev + (1 + mu) v.
                let m = &mut self.m[range];
                if h.nesterov {
                    for ((w, &g), m) in w.iter_mut().zip(g).zip(m.iter_mut()) {
                        let g = grad(*w, g);
                        let v_prev = *m;
                        let v = h.momentum * v_prev - h.lr * g;
                        *m = v;
                        *w = *w - h.momentum * v_prev + (1.0 + h.momentum) * v;
                    }
                } else {
                    for ((w, &g), m) in w.iter_mut().zip(g).zip(m.iter_mut()) {
                        let g = grad(*w, g);
                        let v = h.momentum * *m - h.lr * g;
                        *m = v;
                        *w += v;
                    }
                }
            }
            Optimizer::Adam => {
                // m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
                // w -= lr * (m / bc1) / (sqrt(v / bc2) + eps).
                let (m, v) = (&mut self.m[range.clone()], &mut self.v[range]);
                for (((w, &g), m), v) in w.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                    let g = grad(*w, g);
                    let mn = h.beta1 * *m + (1.0 - h.beta1) * g;
                    let vn = h.beta2 * *v + (1.0 - h.beta2) * g * g;
                    *m = mn;
                    *v = vn;
                    *w -= h.lr * (mn / bc1) / ((vn / bc2).sqrt() + h.eps);
                }
            }
        }
    }
}
