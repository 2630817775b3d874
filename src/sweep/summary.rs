//! A sweep's summary: per knob value (and series value), the spread across seeds of its runs'
//! final and best figures (each seed's figure, the median, the smallest and the largest). The
//! CLI prints the medians; the page's chart draws all of it (`sweep_summary` in wasm), so the two
//! never compute a median of their own.

use super::{RunRecord, Sweep};
use serde::{Deserialize, Serialize};
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

/// The figures of one run the summary reads: a record as the CLI prints it and the page keeps
/// it (non-finite figures are null; anything else in the record is ignored).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Figures {
    pub value: Value,
    pub series: Option<Value>,
    pub final_train_loss: Option<f32>,
    pub final_val_loss: Option<f32>,
    pub final_train_score: Option<f32>,
    pub final_val_score: Option<f32>,
    pub best_train_loss: Option<f32>,
    pub best_val_loss: Option<f32>,
    pub best_train_score: Option<f32>,
    pub best_val_score: Option<f32>,
    /// The first epoch at which the training split was fitted (RunRecord::fit_epoch).
    pub fit_epoch: Option<f32>,
}

impl From<&RunRecord> for Figures {
    fn from(r: &RunRecord) -> Figures {
        let f = |x: f32| x.is_finite().then_some(x);
        Figures {
            value: r.value.clone(),
            series: r.series.clone(),
            final_train_loss: f(r.final_train_loss),
            final_val_loss: f(r.final_val_loss),
            final_train_score: f(r.final_train_score),
            final_val_score: f(r.final_val_score),
            best_train_loss: f(r.best_train_loss),
            best_val_loss: f(r.best_val_loss),
            best_train_score: f(r.best_train_score),
            best_val_score: f(r.best_val_score),
            fit_epoch: r.fit_epoch.map(|e| e as f32),
        }
    }
}

/// One figure across the seeds of a cell: each run's value (None where it is not finite), their
/// median, smallest and largest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub ys: Vec<Option<f32>>,
    pub median: Option<f32>,
    pub min: Option<f32>,
    pub max: Option<f32>,
}

impl Spread {
    fn of(ys: Vec<Option<f32>>) -> Spread {
        let finite = || ys.iter().flatten().copied().filter(|y| y.is_finite());
        let min = finite().reduce(f32::min);
        let max = finite().reduce(f32::max);
        Spread { median: median(finite()), min, max, ys }
    }
}

/// A split's figures: the loss, the score (accuracy, or R² for regression) and the error
/// (1 − score).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SplitSpreads {
    pub loss: Spread,
    pub score: Spread,
    pub error: Spread,
}

/// Both splits at one moment of the runs (final or best epoch).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Moment {
    pub train: SplitSpreads,
    pub val: SplitSpreads,
}

/// One (series value, knob value) of a sweep: the indices of its records and their spreads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub series: Option<Value>,
    pub value: Value,
    pub runs: Vec<usize>,
    #[serde(rename = "final")]
    pub last: Moment,
    pub best: Moment,
    /// The epochs each seed took to fit its training split (None for a seed that never did).
    pub fit_epochs: Spread,
}

fn split(rs: &[&Figures], loss: fn(&Figures) -> Option<f32>, score: fn(&Figures) -> Option<f32>) -> SplitSpreads {
    SplitSpreads {
        loss: Spread::of(rs.iter().map(|r| loss(r)).collect()),
        score: Spread::of(rs.iter().map(|r| score(r)).collect()),
        error: Spread::of(rs.iter().map(|r| score(r).map(|s| 1.0 - s)).collect()),
    }
}

/// The cells of a sweep over `values` (and `series` values, None for one series), in that order
/// (series outer), from the records that have arrived; a record matches a cell when its value and
/// series are the cell's.
pub fn cells(values: &[Value], series: Option<&[Value]>, records: &[Figures]) -> Vec<Cell> {
    let series: Vec<Option<Value>> = match series {
        Some(s) => s.iter().cloned().map(Some).collect(),
        None => vec![None],
    };
    let mut out = Vec::with_capacity(series.len() * values.len());
    for s in &series {
        for v in values {
            let runs: Vec<usize> = (0..records.len()).filter(|&i| same(&records[i].value, v) && same_series(&records[i].series, s)).collect();
            let rs: Vec<&Figures> = runs.iter().map(|&i| &records[i]).collect();
            out.push(Cell {
                series: s.clone(),
                value: v.clone(),
                last: Moment { train: split(&rs, |r| r.final_train_loss, |r| r.final_train_score), val: split(&rs, |r| r.final_val_loss, |r| r.final_val_score) },
                best: Moment { train: split(&rs, |r| r.best_train_loss, |r| r.best_train_score), val: split(&rs, |r| r.best_val_loss, |r| r.best_val_score) },
                fit_epochs: Spread::of(rs.iter().map(|r| r.fit_epoch).collect()),
                runs,
            });
        }
    }
    out
}

/// Whether two knob values are the same value: equal JSON, or numbers equal as numbers (a value
/// kept by the page as 8 and listed as 8.0).
fn same(a: &Value, b: &Value) -> bool {
    a == b || matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
}

fn same_series(a: &Option<Value>, b: &Option<Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        // A record without a series stored as null.
        (Some(Value::Null), None) | (None, Some(Value::Null)) => true,
        _ => false,
    }
}

/// Per (series value, knob value): the number of runs and the medians across seeds of the final
/// and best figures, in the sweep's order (the CLI's summary line).
pub fn summarize(sweep: &Sweep, records: &[RunRecord]) -> Vec<Value> {
    summarize_over(&sweep.axis.values, sweep.series.as_ref().map(|s| s.values.as_slice()), records)
}

/// `summarize` over the knob's `values` and the `series` values given apart from a spec (a sweep
/// read back from CSV: `overfit import-sweep`).
pub fn summarize_over(values: &[Value], series: Option<&[Value]>, records: &[RunRecord]) -> Vec<Value> {
    let figures: Vec<Figures> = records.iter().map(Figures::from).collect();
    cells(values, series, &figures)
        .into_iter()
        .map(|c| {
            let mut p = json!({
                "value": c.value,
                "runs": c.runs.len(),
                "median_final_train_loss": c.last.train.loss.median,
                "median_final_val_loss": c.last.val.loss.median,
                "median_final_train_score": c.last.train.score.median,
                "median_final_val_score": c.last.val.score.median,
                "median_best_val_loss": c.best.val.loss.median,
                "median_best_val_score": c.best.val.score.median,
                "median_fit_epoch": c.fit_epochs.median,
                "fitted_runs": c.fit_epochs.ys.iter().flatten().count(),
            });
            if let Some(s) = c.series {
                p["series"] = s;
            }
            p
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn rec(value: i64, seed_score: f32) -> Figures {
        Figures { value: json!(value), final_val_score: Some(seed_score), final_val_loss: Some(1.0 - seed_score), ..Figures::default() }
    }

    #[test]
    fn a_cell_holds_each_seed_its_median_and_its_range() {
        let records = vec![rec(2, 0.5), rec(8, 0.9), rec(2, 0.7), rec(2, 0.6), rec(8, 0.8)];
        let c = cells(&[json!(2), json!(8), json!(32)], None, &records);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].runs, vec![0, 2, 3]);
        assert_eq!(c[0].last.val.score.median, Some(0.6));
        assert_eq!((c[0].last.val.score.min, c[0].last.val.score.max), (Some(0.5), Some(0.7)));
        // The error is 1 - score for each seed; its median is that of the errors.
        assert_eq!(c[1].last.val.error.ys.len(), 2);
        assert!((c[1].last.val.error.median.unwrap() - 0.15).abs() < 1e-6);
        // A value with no record yet has no figures, and a missing figure stays missing.
        assert_eq!(c[2].runs, Vec::<usize>::new());
        assert_eq!(c[2].last.val.score.median, None);
        assert_eq!(c[0].best.train.loss.ys, vec![None, None, None]);
    }

    #[test]
    fn values_match_as_numbers_and_series_as_given() {
        let mut r = rec(8, 0.5);
        r.value = json!(8.0);
        r.series = Some(json!("batch"));
        let c = cells(&[json!(8)], Some(&[json!("none"), json!("batch")]), &[r]);
        assert_eq!((c[0].runs.len(), c[1].runs.len()), (0, 1));
    }
}
