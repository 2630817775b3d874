//! Data losses over a batch of scores (B, C): softmax cross-entropy, multiclass hinge, and binary
//! logistic (one score per sample). Each returns the summed loss and the number of correct
//! predictions, and writes dL/dscores of the *mean* loss when asked.

use crate::config::Loss;
use crate::tensor::Matrix;

/// Sum of losses and count of correct predictions over a batch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchLoss {
    pub loss_sum: f64,
    pub correct: usize,
}

/// Number of score columns a loss needs for `classes` classes.
pub fn outputs(loss: Loss, classes: usize) -> usize {
    if loss == Loss::Logistic {
        1
    } else {
        classes
    }
}

/// Computes the loss of `scores` against `labels`; when `grad` is given, writes into it the
/// gradient of the batch mean loss with respect to the scores.
pub fn compute(loss: Loss, margin: f32, scores: &Matrix, labels: &[u32], mut grad: Option<&mut Matrix>) -> BatchLoss {
    let (b, c) = (scores.rows, scores.cols);
    assert_eq!(labels.len(), b);
    if let Some(g) = grad.as_deref_mut() {
        g.resize_rows(b);
    }
    let inv_b = 1.0 / b as f32;
    let mut out = BatchLoss::default();
    for r in 0..b {
        let s = scores.row(r);
        let y = labels[r] as usize;
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
        }
    }
    out
}

/// Class probabilities for display and ensembles: softmax of the scores (for hinge too, as a
/// monotone read-out), or [1 - p, p] for the logistic loss. `probs` is (B, classes).
pub fn probabilities(loss: Loss, scores: &Matrix, probs: &mut Matrix) {
    probs.resize_rows(scores.rows);
    for r in 0..scores.rows {
        let s = scores.row(r);
        let out = probs.row_mut(r);
        if loss == Loss::Logistic {
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
