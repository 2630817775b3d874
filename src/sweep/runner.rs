//! One run of a sweep trained to its end, and the small record it leaves (final and best
//! figures, a thinned curve) in the one JSON form the CLI and the page both read.

use super::{RunSpec, CURVE_POINTS};
use crate::config::ConfigError;
use crate::train::Trainer;
use serde::Serialize;
use serde_json::Value;

/// The small record one finished run leaves: where it sits in the sweep, its final and best
/// figures (best = the epoch of lowest validation loss), and its curve thinned to at most
/// `CURVE_POINTS` epochs. Accuracies are fractions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunRecord {
    pub run: usize,
    pub value: Value,
    pub series: Option<Value>,
    pub seed: u32,
    pub epochs: usize,
    pub steps: u64,
    pub final_train_loss: f32,
    pub final_val_loss: f32,
    pub final_train_score: f32,
    pub final_val_score: f32,
    pub best_epoch: usize,
    pub best_train_loss: f32,
    pub best_val_loss: f32,
    pub best_train_score: f32,
    pub best_val_score: f32,
    pub early_stopped: bool,
    pub diverged: bool,
    /// The first epoch at which the training split was fitted: every training label predicted
    /// (training accuracy 100 %, Zhang et al.'s "time to overfit"); None when no epoch did, and
    /// for regression data.
    pub fit_epoch: Option<usize>,
    /// Columns of the thinned curve: epoch, train loss, val loss, train acc, val acc.
    pub curve: Curve,
}

#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Curve {
    pub epoch: Vec<usize>,
    pub train_loss: Vec<f32>,
    pub val_loss: Vec<f32>,
    pub train_score: Vec<f32>,
    pub val_score: Vec<f32>,
}

/// One run of a sweep in progress: its trainer, advanced a whole epoch at a time (the page calls
/// `advance` between progress messages, the CLI until done; the chunking does not change the
/// numbers).
pub struct SweepRun {
    spec: RunSpec,
    trainer: Trainer,
}

impl SweepRun {
    pub fn new(spec: RunSpec) -> Result<SweepRun, ConfigError> {
        let trainer = Trainer::new(&spec.config)?;
        Ok(SweepRun { spec, trainer })
    }

    /// Whether the run has reached its last epoch, stopped early or diverged.
    pub fn done(&self) -> bool {
        self.trainer.finished() || self.trainer.epoch >= self.spec.config.epochs
    }

    /// Trains up to `epochs` more whole epochs; returns `done()`.
    pub fn advance(&mut self, epochs: usize) -> bool {
        let spe = self.trainer.steps_per_epoch();
        for _ in 0..epochs {
            if self.done() {
                break;
            }
            self.trainer.run(spe);
        }
        self.done()
    }

    pub fn epoch(&self) -> usize {
        self.trainer.epoch
    }

    pub fn steps(&self) -> u64 {
        self.trainer.step
    }

    /// The record of the run as it stands (call when `done()`).
    pub fn record(&self) -> RunRecord {
        let t = &self.trainer;
        let nan = f32::NAN;
        let last = t.history.last();
        let best = t.history.iter().filter(|r| r.val_loss.is_finite()).min_by(|a, b| a.val_loss.total_cmp(&b.val_loss));
        let all: Vec<_> = t.history.iter().collect();
        let mut curve = Curve::default();
        let n = all.len();
        let keep = n.min(CURVE_POINTS);
        let mut prev = usize::MAX;
        for i in 0..keep {
            // Evenly spread indices, first and last included.
            let j = if keep <= 1 { n - 1 } else { (i * (n - 1) + (keep - 1) / 2) / (keep - 1) };
            if j == prev {
                continue;
            }
            prev = j;
            let r = all[j];
            curve.epoch.push(r.epoch);
            curve.train_loss.push(r.train_loss);
            curve.val_loss.push(r.val_loss);
            curve.train_score.push(r.train_score);
            curve.val_score.push(r.val_score);
        }
        RunRecord {
            run: self.spec.run,
            value: self.spec.value.clone(),
            series: self.spec.series.clone(),
            seed: self.spec.seed,
            epochs: t.epoch,
            steps: t.step,
            final_train_loss: last.map_or(nan, |r| r.train_loss),
            final_val_loss: last.map_or(nan, |r| r.val_loss),
            final_train_score: last.map_or(nan, |r| r.train_score),
            final_val_score: last.map_or(nan, |r| r.val_score),
            best_epoch: best.map_or(0, |r| r.epoch),
            best_train_loss: best.map_or(nan, |r| r.train_loss),
            best_val_loss: best.map_or(nan, |r| r.val_loss),
            best_train_score: best.map_or(nan, |r| r.train_score),
            best_val_score: best.map_or(nan, |r| r.val_score),
            early_stopped: t.stopped,
            diverged: t.diverged_at.is_some(),
            fit_epoch: if t.data.is_regression() { None } else { t.history.iter().find(|r| r.train_score >= 1.0).map(|r| r.epoch) },
            curve,
        }
    }
}

/// Trains one run of a sweep to its end and returns its record.
pub fn run_to_end(spec: RunSpec) -> Result<RunRecord, ConfigError> {
    let mut r = SweepRun::new(spec)?;
    while !r.advance(1) {}
    Ok(r.record())
}

/// The record as one JSON line (non-finite figures as null), the form both the CLI and the page
/// read, so their numbers are the same text.
pub fn record_json(r: &RunRecord) -> String {
    serde_json::to_string(r).expect("a record serializes")
}
