//! Data losses over a batch of scores (B, C): softmax cross-entropy, multiclass hinge and binary
//! logistic (one score per sample) against class labels; mean squared error, L1 and Huber (one
//! score per sample) against real targets. Each returns the summed loss and the number of correct
//! predictions (classes) or the summed squared error (regression), and writes dL/dscores of the
//! *mean* loss when asked.

use crate::config::Loss;
use crate::tensor::Matrix;

/// Sum of losses and count of correct predictions over a batch; for regression the sum of squared
/// errors (s - t)^2 instead of a count, from which RMSE and R^2 follow.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchLoss {
    pub loss_sum: f64,
    pub correct: usize,
    pub sq_err_sum: f64,
}

/// What the scores are compared with: a class label per row, or a real target per row.
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a> {
    Classes(&'a [u32]),
    Values(&'a [f32]),
}

impl<'a> Targets<'a> {
    pub fn len(&self) -> usize {
        match self {
            Targets::Classes(y) => y.len(),
            Targets::Values(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The targets of rows `start..end`.
    pub fn slice(&self, start: usize, end: usize) -> Targets<'a> {
        match *self {
            Targets::Classes(y) => Targets::Classes(&y[start..end]),
            Targets::Values(t) => Targets::Values(&t[start..end]),
        }
    }

    /// The class labels (all 0 for real targets, which have no classes).
    fn class(&self, r: usize) -> usize {
        match self {
            Targets::Classes(y) => y[r] as usize,
            Targets::Values(_) => 0,
        }
    }

    /// The real target of row r (the class index for labels).
    fn value(&self, r: usize) -> f32 {
        match self {
            Targets::Classes(y) => y[r] as f32,
            Targets::Values(t) => t[r],
        }
    }
}

/// The Huber loss's threshold: quadratic for |r| <= delta, linear beyond (PyTorch's default).
pub const HUBER_DELTA: f32 = 1.0;

/// Number of score columns a loss needs for `classes` classes.
pub fn outputs(loss: Loss, classes: usize) -> usize {
    if loss == Loss::Logistic || loss.is_regression() {
        1
    } else {
        classes
    }
}

/// Computes the loss of `scores` against `labels`; when `grad` is given, writes into it the
/// gradient of the batch mean loss with respect to the scores.
pub fn compute(loss: Loss, margin: f32, scores: &Matrix, targets: Targets, mut grad: Option<&mut Matrix>) -> BatchLoss {
    let (b, c) = (scores.rows, scores.cols);
    assert_eq!(targets.len(), b);
    if let Some(g) = grad.as_deref_mut() {
        g.resize_rows(b);
    }
    let inv_b = 1.0 / b as f32;
    let mut out = BatchLoss::default();
    for r in 0..b {
        let s = scores.row(r);
        let y = targets.class(r);
        match loss {
            Loss::Softmax => {
                // L = -s_y + log sum_k e^{s_k}, computed with the max subtracted for stability;
                // dL/ds_k = p_k - [k = y].
                let max = s.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                let mut z = 0.0f32;
                for &v in s {
                    z += libm::expf(v - max);
                }
                let log_z = libm::logf(z) + max;
                out.loss_sum += (log_z - s[y]) as f64;
                out.correct += (argmax(s) == y) as usize;
                if let Some(g) = grad.as_deref_mut() {
                    let gr = g.row_mut(r);
                    for k in 0..c {
                        let p = libm::expf(s[k] - log_z);
                        gr[k] = (p - if k == y { 1.0 } else { 0.0 }) * inv_b;
                    }
                }
            }
            Loss::Hinge => {
                // L = sum_{k != y} max(0, s_k - s_y + margin); dL/ds_k = [margin violated],
                // dL/ds_y = -(number of violated margins).
                let mut l = 0.0f32;
                let mut violations = 0.0f32;
                if let Some(g) = grad.as_deref_mut() {
                    g.row_mut(r).fill(0.0);
                }
                for k in 0..c {
                    if k == y {
                        continue;
                    }
                    let m = s[k] - s[y] + margin;
                    if m.is_nan() {
                        // Non-finite scores must give a non-finite loss (the divergence
                        // signal), not a silently satisfied margin.
                        l = f32::NAN;
                    } else if m > 0.0 {
                        l += m;
                        violations += 1.0;
                        if let Some(g) = grad.as_deref_mut() {
                            g.row_mut(r)[k] = inv_b;
                        }
                    }
                }
                if let Some(g) = grad.as_deref_mut() {
                    g.row_mut(r)[y] = -violations * inv_b;
                }
                out.loss_sum += l as f64;
                out.correct += (argmax(s) == y) as usize;
            }
            Loss::Logistic => {
                // p = sigma(s); L = -(y log p + (1 - y) log(1 - p)) = softplus(s) - y s,
                // written stably as max(s, 0) - y s + log(1 + e^{-|s|}); dL/ds = p - y.
                let v = s[0];
                let yf = y as f32;
                let l = v.max(0.0) - yf * v + libm::log1pf(libm::expf(-v.abs()));
                out.loss_sum += l as f64;
                out.correct += ((v > 0.0) as usize == y) as usize;
                if let Some(g) = grad.as_deref_mut() {
                    let p = 1.0 / (1.0 + libm::expf(-v));
                    g.row_mut(r)[0] = (p - yf) * inv_b;
                }
            }
            Loss::Mse | Loss::L1 | Loss::Huber => {
                // One output s against the real target t, residual d = s - t:
                //   MSE   L = d^2                                   dL/ds = 2 d
                //   L1    L = |d|                                   dL/ds = sign(d) (0 at d = 0)
                //   Huber L = d^2 / 2 (|d| <= delta), delta (|d| - delta / 2) beyond
                //                                                   dL/ds = clamp(d, -delta, delta)
                let d = s[0] - targets.value(r);
                let (l, dl) = match loss {
                    Loss::Mse => (d * d, 2.0 * d),
                    Loss::L1 => (d.abs(), if d > 0.0 { 1.0 } else if d < 0.0 { -1.0 } else { 0.0 }),
                    _ if d.abs() <= HUBER_DELTA => (0.5 * d * d, d),
                    _ => (HUBER_DELTA * (d.abs() - 0.5 * HUBER_DELTA), HUBER_DELTA * d.signum()),
                };
                // A NaN residual must give a NaN loss (the divergence signal); abs and the
                // comparisons above would otherwise turn it into a finite L1 or Huber value.
                out.loss_sum += if d.is_nan() { f64::NAN } else { l as f64 };
                out.sq_err_sum += (d as f64) * (d as f64);
                if let Some(g) = grad.as_deref_mut() {
                    g.row_mut(r)[0] = dl * inv_b;
                }
            }
        }
    }
    out
}

/// Class probabilities for display and ensembles: softmax of the scores (for hinge too, as a
/// monotone read-out), or [1 - p, p] for the logistic loss; for a regression loss the prediction
/// itself (one column), which ensembles average the same way. `probs` is (B, classes).
pub fn probabilities(loss: Loss, scores: &Matrix, probs: &mut Matrix) {
    probs.resize_rows(scores.rows);
    for r in 0..scores.rows {
        let s = scores.row(r);
        let out = probs.row_mut(r);
        if loss.is_regression() {
            out[0] = s[0];
        } else if loss == Loss::Logistic {
            let p = 1.0 / (1.0 + libm::expf(-s[0]));
            out[0] = 1.0 - p;
            out[1] = p;
        } else {
            let max = s.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            let mut z = 0.0;
            for (o, &v) in out.iter_mut().zip(s) {
                *o = libm::expf(v - max);
                z += *o;
            }
            out.iter_mut().for_each(|o| *o /= z);
        }
    }
}

/// Index of the largest value (the first on ties).
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for i in 1..v.len() {
        if v[i] > v[best] {
            best = i;
        }
    }
    best
}
