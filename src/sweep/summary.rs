//! A sweep's summary: per knob value (and series value), the medians across seeds of its runs'
//! final and best figures.

use super::{RunRecord, Sweep};
use serde_json::{json, Value};

/// The median of the finite values (None when there are none).
pub fn median(values: impl IntoIterator<Item = f32>) -> Option<f32> {
    let mut v: Vec<f32> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let k = v.len();
    Some(if k % 2 == 1 { v[k / 2] } else { 0.5 * (v[k / 2 - 1] + v[k / 2]) })
}

/// Per (series value, knob value): the number of runs and the medians across seeds of the final
/// and best figures, in the sweep's order.
pub fn summarize(sweep: &Sweep, records: &[RunRecord]) -> Vec<Value> {
    let mut out = Vec::new();
    let series: Vec<Option<Value>> = match &sweep.series {
        Some(s) => s.values.iter().cloned().map(Some).collect(),
        None => vec![None],
    };
    for s in &series {
        for v in &sweep.axis.values {
            let rs: Vec<&RunRecord> = records.iter().filter(|r| &r.value == v && &r.series == s).collect();
            let m = |f: fn(&RunRecord) -> f32| median(rs.iter().map(|r| f(r)));
            let mut p = json!({
                "value": v,
                "runs": rs.len(),
                "median_final_train_loss": m(|r| r.final_train_loss),
                "median_final_val_loss": m(|r| r.final_val_loss),
                "median_final_train_acc": m(|r| r.final_train_acc),
                "median_final_val_acc": m(|r| r.final_val_acc),
                "median_best_val_loss": m(|r| r.best_val_loss),
                "median_best_val_acc": m(|r| r.best_val_acc),
            });
            if let Some(s) = s {
                p["series"] = s.clone();
            }
            out.push(p);
        }
    }
    out
}
