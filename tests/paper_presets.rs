//! The presets of the Experiments tab that reproduce a paper (`presets/experiments.json`, those
//! with a `paper`), run natively as the page runs them and on more seeds: model-wise double
//! descent on MNIST-1D, Zhang et al.'s random labels and random inputs, and BatchNorm against
//! GroupNorm and LayerNorm across batch sizes. Each test prints the measured curve and asserts
//! the shape the preset's sentence promises, within stated margins.
#![cfg(not(target_arch = "wasm32"))]

use overfit::sweep::{median, run_to_end, RunRecord, Sweep};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The preset `id` as the page loads it, with `seeds` seeds instead of its own (the first seeds
/// are the page's: run i has seed base + i).
fn preset(id: &str, seeds: Option<usize>) -> (Value, Sweep) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/presets/experiments.json")).unwrap();
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    let p = all.iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no preset {id}")).clone();
    let mut spec = p["spec"].clone();
    if let Some(s) = seeds {
        assert!(s >= spec["seeds"].as_u64().unwrap() as usize, "more seeds than the page runs, not fewer");
        spec["seeds"] = json!(s);
    }
    let sweep = Sweep::from_value(&spec).unwrap_or_else(|e| panic!("{id}: {e}"));
    (p, sweep)
}

/// Every run of the sweep on two threads (the CLI's way; the records do not depend on it),
/// in run order, and the wall time.
fn run_all(s: &Sweep) -> (Vec<RunRecord>, f64) {
    let t0 = Instant::now();
    let queue = Arc::new(Mutex::new(s.runs()));
    let done = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (queue, done) = (queue.clone(), done.clone());
            std::thread::spawn(move || loop {
                let next = queue.lock().unwrap().pop();
                match next {
                    Some(r) => {
                        let rec = run_to_end(r).unwrap();
                        done.lock().unwrap().push(rec);
                    }
                    None => break,
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let mut records = Arc::try_unwrap(done).unwrap().into_inner().unwrap();
    records.sort_by_key(|r| r.run);
    (records, t0.elapsed().as_secs_f64())
}

/// Medians across the records of (series, value) whose seed index is below `seeds`.
struct Medians<'a> {
    records: &'a [RunRecord],
    base_seed: u32,
}

impl Medians<'_> {
    fn of(&self, series: Option<&str>, value: &Value, seeds: usize, f: fn(&RunRecord) -> Option<f32>) -> f32 {
        let rs = self.records.iter().filter(|r| {
            series.is_none_or(|s| r.series == Some(json!(s))) && same(&r.value, value) && r.seed.wrapping_sub(self.base_seed) < seeds as u32
        });
        median(rs.filter_map(f)).unwrap_or(f32::NAN)
    }
}

fn same(a: &Value, b: &Value) -> bool {
    a == b || matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
}

fn val_err(r: &RunRecord) -> Option<f32> {
    Some(100.0 * (1.0 - r.final_val_score))
}
fn train_err(r: &RunRecord) -> Option<f32> {
    Some(100.0 * (1.0 - r.final_train_score))
}
fn best_val_err(r: &RunRecord) -> Option<f32> {
    Some(100.0 * (1.0 - r.best_val_score))
}
fn fit_epoch(r: &RunRecord) -> Option<f32> {
    r.fit_epoch.map(|e| e as f32)
}

/// Model-wise double descent: validation error falls to a first minimum, peaks where training
/// error first reaches 0 (the interpolation threshold, parameters of the order of the 4,000
/// training samples), and falls again beyond it; at the best epoch (early stopping) the peak is
/// lower. Checked on the page's seeds (1, 2) and on seeds 1 to 4.
#[test]
fn double_descent_peaks_where_training_error_reaches_zero_and_falls_again() {
    let (_, s) = preset("double-descent", Some(4));
    let page_seeds = 2;
    let (records, secs) = run_all(&s);
    println!("double-descent: {} runs in {secs:.1} s on 2 threads", records.len());
    let m = Medians { records: &records, base_seed: s.base.seed };
    let widths: Vec<usize> = s.axis.values.iter().map(|v| v.as_u64().unwrap() as usize).collect();
    for seeds in [page_seeds, 4] {
        let val: Vec<f32> = s.axis.values.iter().map(|v| m.of(None, v, seeds, val_err)).collect();
        let train: Vec<f32> = s.axis.values.iter().map(|v| m.of(None, v, seeds, train_err)).collect();
        let best: Vec<f32> = s.axis.values.iter().map(|v| m.of(None, v, seeds, best_val_err)).collect();
        println!("double-descent, seeds 1-{seeds}, median per width (training error / validation error / validation error at the best epoch, %):");
        for (i, w) in widths.iter().enumerate() {
            println!("  width {w:>3}: {:5.1} / {:5.1} / {:5.1}", train[i], val[i], best[i]);
        }
        // The interpolation threshold: the first width whose median training error is under 1 %.
        let t = train.iter().position(|&e| e < 1.0).expect("some width fits its training labels");
        let cfg = &s.runs()[t * s.seeds].config;
        let params = cfg.parameter_count(cfg.features());
        println!("  interpolation threshold: width {} ({params} parameters for 4,000 training samples)", widths[t]);
        assert!((2_000..=16_000).contains(&params), "the threshold sits near parameters = samples: {params}");
        assert!(train[t..].iter().all(|&e| e < 1.0), "every wider network fits too: {train:?}");
        // The peak: the worst validation error within two widths of the threshold.
        let near = t.saturating_sub(2)..(t + 3).min(widths.len());
        let (p, peak) = near.clone().map(|i| (i, val[i])).max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        let first_min = val[..t.saturating_sub(2)].iter().copied().fold(f32::INFINITY, f32::min);
        let tail_min = val[widths.len() - 4..].iter().copied().fold(f32::INFINITY, f32::min);
        println!("  first minimum {first_min:.1} %, peak {peak:.1} % at width {}, widest four at best {tail_min:.1} %", widths[p]);
        assert!(peak >= first_min + 3.0, "a peak above the first minimum: {peak} vs {first_min}");
        assert!(tail_min <= peak - 3.0, "a second descent: {tail_min} vs {peak}");
        let best_peak = near.map(|i| best[i]).fold(f32::NEG_INFINITY, f32::max);
        println!("  at the best epoch (early stopping) the peak is {best_peak:.1} %");
        assert!(best_peak <= peak - 3.0, "early stopping flattens the peak: {best_peak} vs {peak}");
    }
}

/// Zhang et al.'s randomization tests: with any fraction of random labels, and with Gaussian
/// inputs, the 512-unit network fits every training label; the real signals take longer to fit
/// the more labels are random; validation error climbs to chance (90 % for 10 classes).
#[test]
fn random_labels_are_fitted_later_and_generalize_at_chance() {
    let (_, s) = preset("random-labels", Some(3));
    let (records, secs) = run_all(&s);
    println!("random-labels: {} runs in {secs:.1} s on 2 threads", records.len());
    let m = Medians { records: &records, base_seed: s.base.seed };
    for seeds in [2, 3] {
        println!("random-labels, seeds 1-{seeds}, median per label noise (training error / validation error %, epochs to fit):");
        for inputs in ["none", "gaussian"] {
            let row = |f| s.axis.values.iter().map(|v| m.of(Some(inputs), v, seeds, f)).collect::<Vec<f32>>();
            let (train, val, fit) = (row(train_err), row(val_err), row(fit_epoch));
            for (i, v) in s.axis.values.iter().enumerate() {
                println!("  inputs {inputs:>8}, labels {v:>3} random: {:4.1} / {:4.1}, fitted at epoch {}", train[i], val[i], fit[i]);
            }
            assert!(train.iter().all(|&e| e <= 1.0), "{inputs}: every training set is fitted: {train:?}");
            assert!(fit.iter().all(|f| f.is_finite()), "{inputs}: every run reaches 100 % training accuracy: {fit:?}");
            assert!((85.0..=95.0).contains(val.last().unwrap()), "{inputs}: all labels random gives chance: {val:?}");
            if inputs == "none" {
                assert!(val[0] <= 50.0, "true labels generalize: {val:?}");
                assert!(val.windows(2).all(|w| w[1] >= w[0] - 2.0), "error climbs with the corruption: {val:?}");
                assert!(fit.windows(2).all(|w| w[1] >= w[0] - 10.0), "fitting takes longer with the corruption: {fit:?}");
                assert!(*fit.last().unwrap() >= 1.8 * fit[0], "random labels take far longer than true ones: {fit:?}");
            } else {
                assert!(val.iter().all(|&e| (84.0..=96.0).contains(&e)), "Gaussian inputs generalize at chance: {val:?}");
            }
        }
    }
}

/// Wu & He's Figure 1: BatchNorm's error rises as the batch shrinks to 2, GroupNorm's and
/// LayerNorm's stay flat.
#[test]
fn batchnorm_rises_at_small_batches_while_groupnorm_and_layernorm_stay_flat() {
    let (_, s) = preset("norm-batch-paper", Some(5));
    let (records, secs) = run_all(&s);
    println!("norm-batch-paper: {} runs in {secs:.1} s on 2 threads", records.len());
    let m = Medians { records: &records, base_seed: s.base.seed };
    for seeds in [3, 5] {
        println!("norm-batch-paper, seeds 1-{seeds}, median validation error % per batch size:");
        let row = |norm| s.axis.values.iter().map(|v| m.of(Some(norm), v, seeds, val_err)).collect::<Vec<f32>>();
        let (bn, gn, ln) = (row("batch"), row("group"), row("layer"));
        for (i, v) in s.axis.values.iter().enumerate() {
            println!("  batch {v:>2}: BatchNorm {:4.1}, GroupNorm {:4.1}, LayerNorm {:4.1}", bn[i], gn[i], ln[i]);
        }
        // Values are [2, 4, 8, 16, 32].
        assert!(bn[0] >= bn[4] + 20.0, "BatchNorm at batch 2 is far worse than at 32: {bn:?}");
        assert!(bn[0] >= gn[0] + 20.0 && bn[0] >= ln[0] + 20.0, "and worse than GroupNorm and LayerNorm at 2: {bn:?} {gn:?} {ln:?}");
        for (name, r) in [("GroupNorm", &gn), ("LayerNorm", &ln)] {
            let spread = r.iter().copied().fold(f32::NEG_INFINITY, f32::max) - r.iter().copied().fold(f32::INFINITY, f32::min);
            println!("  {name}: {spread:.1} points between its best and worst batch size");
            assert!(spread <= 8.0, "{name} stays flat across batch sizes: {r:?}");
        }
    }
}
