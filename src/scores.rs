//! A split's figures: its loss, its score (accuracy of class probabilities, or R^2 of regression
//! predictions) and, for regression, its RMSE; computed from a split's averaged predictions.

use crate::loss::{self, Targets};
use crate::tensor::Matrix;

/// The figures of one split: the loss, the score (accuracy in [0, 1], or R^2 for regression),
/// the RMSE (regression only) and each ensemble member's (score, loss).
#[derive(Clone, Debug)]
pub struct SplitScore {
    pub loss: f32,
    pub score: f32,
    pub rmse: Option<f32>,
    pub members: Vec<(f32, f32)>,
}

/// (loss, score, RMSE) of averaged predictions: for class labels the cross-entropy and the
/// accuracy of the probabilities; for real targets the configured loss of the predictions, R^2
/// and the RMSE.
pub(crate) fn split_figures(pred: &Matrix, y: Targets, (kind, margin): (crate::config::Loss, f32)) -> (f32, f32, Option<f32>) {
    match y {
        Targets::Classes(labels) => (cross_entropy(pred, labels), accuracy(pred, labels), None),
        Targets::Values(t) => {
            let n = t.len().max(1) as f64;
            let b = loss::compute(kind, margin, pred, y, None);
            let (r2, rmse) = regression_score(b.sq_err_sum, t);
            ((b.loss_sum / n) as f32, r2, rmse)
        }
    }
}

/// (R^2, RMSE) of predictions with squared-error sum `sse` against the targets `t`:
/// RMSE = sqrt(SSE / n) over the n targets.
pub(crate) fn regression_score(sse: f64, t: &[f32]) -> (f32, Option<f32>) {
    let n = t.len().max(1) as f64;
    (r_squared(sse, t), Some((sse / n).sqrt() as f32))
}

/// The coefficient of determination R^2 = 1 - SSE / SST, SST = sum_r (t_r - mean t)^2 over the
/// split itself: 1 for a perfect fit, 0 for predicting the split's mean, negative when worse.
/// A split whose targets are all equal (SST = 0) scores 1 for an exact fit and 0 otherwise.
pub fn r_squared(sse: f64, t: &[f32]) -> f32 {
    let n = t.len().max(1) as f64;
    let mean = t.iter().map(|&v| v as f64).sum::<f64>() / n;
    let sst: f64 = t.iter().map(|&v| (v as f64 - mean).powi(2)).sum();
    if sst > 0.0 {
        (1.0 - sse / sst) as f32
    } else if sse == 0.0 {
        1.0
    } else {
        0.0
    }
}

/// Mean cross-entropy -log p(y) of averaged probabilities. For an ensemble it is never above the
/// members' mean cross-entropy, since -log is convex (Jensen): -log(mean_k p_k) <= mean_k -log p_k.
fn cross_entropy(probs: &Matrix, y: &[u32]) -> f32 {
    let mut nll = 0.0f64;
    for r in 0..probs.rows {
        nll -= (probs.row(r)[y[r] as usize].max(1e-12) as f64).ln();
    }
    (nll / probs.rows.max(1) as f64) as f32
}

/// Fraction of rows whose largest probability is at the label.
fn accuracy(probs: &Matrix, y: &[u32]) -> f32 {
    let correct = (0..probs.rows).filter(|&r| loss::argmax(probs.row(r)) == y[r] as usize).count();
    correct as f32 / probs.rows.max(1) as f32
}
