//! The epoch records of a run, kept within a fixed bound however long the run: when the bound is
//! reached every other record is dropped and from then on only every `stride`-th epoch is kept
//! (the stride doubles each time), while the newest record is always present.
//!
//! With a bound of C records, a run of E epochs keeps between C/2 and C + 1 records spread evenly
//! over the whole run, so an hour of training at full speed costs the same memory as a minute.

use serde::Serialize;

/// The default bound: enough for a smooth curve on any screen.
pub const DEFAULT_CAPACITY: usize = 2048;

/// The metrics of one finished epoch. `train_score` and `val_score` are each split's score: the
/// accuracy (a fraction in [0, 1]) for classification, R^2 for regression (1 is a perfect fit, 0
/// the mean's, below 0 worse), where the RMSE is given too.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EpochRecord {
    pub epoch: usize,
    pub step: u64,
    pub train_loss: f32,
    pub train_score: f32,
    pub val_loss: f32,
    pub val_score: f32,
    /// Root mean squared error of each split (regression only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_rmse: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_rmse: Option<f32>,
    pub lr: f32,
    /// Validation accuracy of each ensemble member (empty for a single model).
    pub members_val_score: Vec<f32>,
    /// Validation cross-entropy of each ensemble member (empty for a single model).
    pub members_val_loss: Vec<f32>,
}

impl EpochRecord {
    /// The record as JSON with each score named for what it is: `train_acc` and `val_acc` for
    /// classification, `train_r2` and `val_r2` for regression (the CLI's JSON lines).
    pub fn to_named_json(&self, regression: bool) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("a record serializes");
        if let Some(m) = v.as_object_mut() {
            rename_scores(m, regression, &["train", "val", "members_val"]);
        }
        v
    }
}

/// Renames the score slots `<prefix>_score` of a JSON object to what they hold: `<prefix>_acc`
/// (classification) or `<prefix>_r2` (regression), for output a person or a script reads.
pub fn rename_scores(m: &mut serde_json::Map<String, serde_json::Value>, regression: bool, prefixes: &[&str]) {
    let what = if regression { "r2" } else { "acc" };
    for p in prefixes {
        if let Some(x) = m.remove(&format!("{p}_score")) {
            m.insert(format!("{p}_{what}"), x);
        }
    }
}

/// Epoch records thinned to at most `capacity + 1` (every `stride`-th epoch plus the newest).
#[derive(Clone, Debug)]
pub struct History {
    records: Vec<EpochRecord>,
    stride: usize,
    /// How many of `records` fall on the stride (all but possibly the newest).
    on_stride: usize,
    capacity: usize,
}

impl Default for History {
    fn default() -> Self {
        History::with_capacity(DEFAULT_CAPACITY)
    }
}

impl History {
    /// A history that keeps at most `capacity` on-stride records (at least 2).
    pub fn with_capacity(capacity: usize) -> History {
        let capacity = capacity.max(2);
        History { records: Vec::with_capacity(capacity + 1), stride: 1, on_stride: 0, capacity }
    }

    /// Every how many epochs a record is kept now (1 until the bound was first reached).
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Adds the record of a finished epoch.
    pub fn push(&mut self, rec: EpochRecord) {
        // The previous newest record stays only if it falls on the stride.
        if self.records.last().is_some_and(|r| r.epoch % self.stride != 0) {
            self.records.pop();
        }
        if rec.epoch % self.stride == 0 {
            self.on_stride += 1;
        }
        self.records.push(rec);
        if self.on_stride > self.capacity {
            self.stride *= 2;
            let stride = self.stride;
            let newest = self.records.len() - 1;
            let mut i = 0;
            self.records.retain(|r| {
                let keep = r.epoch % stride == 0 || i == newest;
                i += 1;
                keep
            });
            self.on_stride = self.records.iter().filter(|r| r.epoch % stride == 0).count();
        }
    }

    pub fn clear(&mut self) {
        self.records.clear();
        self.stride = 1;
        self.on_stride = 0;
    }
}

/// The indices that thin a series of `n` points evenly to at most `max`: all of them when
/// n <= max, else `max` indices from the first to the last, index j at j (n - 1) / (max - 1)
/// rounded to the nearest (halves down), so the first and the newest are kept. The one rule for
/// every even thinning: a sweep run's curve here, the page's kept runs and charts
/// (www/training/curve-history.js, compared with this one in tests/unit).
pub fn even_indices(n: usize, max: usize) -> Vec<usize> {
    if n <= max {
        return (0..n).collect();
    }
    if max <= 1 {
        return if max == 1 { vec![n - 1] } else { vec![] };
    }
    (0..max).map(|j| (j * (n - 1) + (max - 1) / 2) / (max - 1)).collect()
}

/// The epochs a `History` of `capacity` keeps after epochs 1 to `epochs` (for the page's tests,
/// which check that its curve columns keep the same ones).
pub fn kept_epochs(epochs: usize, capacity: usize) -> Vec<usize> {
    let mut h = History::with_capacity(capacity);
    for epoch in 1..=epochs {
        h.push(EpochRecord { epoch, ..EpochRecord::default() });
    }
    h.iter().map(|r| r.epoch).collect()
}

impl std::ops::Deref for History {
    type Target = [EpochRecord];
    fn deref(&self) -> &[EpochRecord] {
        &self.records
    }
}

impl Serialize for History {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.records.serialize(s)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn rec(epoch: usize) -> EpochRecord {
        EpochRecord { epoch, step: epoch as u64 * 10, train_loss: 1.0, train_score: 0.5, val_loss: 1.0, val_score: 0.5, train_rmse: None, val_rmse: None, lr: 0.1, members_val_score: vec![], members_val_loss: vec![] }
    }

    #[test]
    fn keeps_everything_below_the_bound() {
        let mut h = History::with_capacity(100);
        for e in 1..=100 {
            h.push(rec(e));
        }
        assert_eq!(h.len(), 100);
        assert_eq!(h.stride(), 1);
        assert!(h.iter().map(|r| r.epoch).eq(1..=100));
    }

    #[test]
    fn stays_bounded_and_even_over_a_long_run() {
        let mut h = History::with_capacity(64);
        for e in 1..=1_000_000 {
            h.push(rec(e));
            assert!(h.len() <= 65, "{} records at epoch {e}", h.len());
            assert_eq!(h.last().unwrap().epoch, e, "the newest record is always kept");
        }
        // Evenly spread: all but the newest are multiples of the stride, in increasing order.
        let s = h.stride();
        assert!(s > 1);
        assert!(h.len() >= 32);
        let body = &h[..h.len() - 1];
        assert!(body.iter().all(|r| r.epoch % s == 0));
        assert!(body.windows(2).all(|w| w[1].epoch == w[0].epoch + s));
        assert!(body.last().unwrap().epoch + s > 1_000_000);
    }
}
