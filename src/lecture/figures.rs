//! The figures a lecture step is read from: one run's `Side` at the moment the step is read, a
//! sweep's medians per knob value, and the init lab's per-layer spread and saturation. Scores
//! are percentages as the page's figures table shows them: accuracy × 100, or R² × 100 for
//! regression.

use super::rule::{err, LectureError};
use crate::sweep::{cells, Figures as RunFigures, SplitSpreads};
use crate::train::{EpochRecord, Trainer};
use serde::Serialize;
use serde_json::Value;

/// One hidden layer of a run as the Layers view shows it, on the trainer's probe batch
/// (`Trainer::layer_stats`): the activations' standard deviation, and the percentages of
/// unit-samples saturated and of units dead (see `metrics::Summary`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideLayer {
    /// 1-based, as the Layers view numbers them.
    pub layer: usize,
    pub act_std: f32,
    pub saturated: f32,
    pub dead: f32,
}

/// One run's figures at the moment a step is read. The current record is the newest epoch's,
/// or, once early stopping restored the best epoch's weights, that epoch's (what the network
/// holds). `score_gap` = train_score − val_score (points), `loss_gap` = val_loss − train_loss.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// Completed epochs.
    pub epoch: usize,
    pub train_score: f32,
    pub val_score: f32,
    pub train_loss: f32,
    pub val_loss: f32,
    pub score_gap: f32,
    pub loss_gap: f32,
    /// The epoch of lowest validation loss (0 before the first epoch ends).
    pub best_epoch: usize,
    pub best_val_loss: f32,
    pub stopped_early: bool,
    /// The mean of the ensemble members' validation accuracy in percent (None for one model).
    pub members_val_score: Option<f32>,
    pub layers: Vec<SideLayer>,
    /// The validation loss of every epoch record, in epoch order.
    pub val_loss_curve: Vec<f32>,
}

/// The `Side` of a trainer now: its records (`Trainer::history`) and its layer statistics.
pub fn side(trainer: &mut Trainer) -> Side {
    let history = &trainer.history;
    let best = history
        .iter()
        .filter(|r| r.val_loss.is_finite())
        .min_by(|a, b| a.val_loss.total_cmp(&b.val_loss));
    let now = if trainer.stopped { best.or(history.last()) } else { history.last() };
    let nan = f32::NAN;
    let pct = |x: f32| 100.0 * x;
    let rec = now.cloned().unwrap_or(EpochRecord {
        train_loss: nan,
        train_score: nan,
        val_loss: nan,
        val_score: nan,
        ..EpochRecord::default()
    });
    let members = &rec.members_val_score;
    let members_val_score =
        (!members.is_empty()).then(|| pct(members.iter().sum::<f32>() / members.len() as f32));
    let (best_epoch, best_val_loss) = best.map_or((0, nan), |r| (r.epoch, r.val_loss));
    let val_loss_curve = history.iter().map(|r| r.val_loss).collect();
    let layers = trainer
        .layer_stats()
        .into_iter()
        .map(|v| SideLayer {
            layer: v.layer,
            act_std: v.act.std,
            saturated: pct(v.act.saturated),
            dead: pct(v.act.dead),
        })
        .collect();
    Side {
        epoch: trainer.epoch,
        train_score: pct(rec.train_score),
        val_score: pct(rec.val_score),
        train_loss: rec.train_loss,
        val_loss: rec.val_loss,
        score_gap: pct(rec.train_score - rec.val_score),
        loss_gap: rec.val_loss - rec.train_loss,
        best_epoch,
        best_val_loss,
        stopped_early: trainer.stopped,
        members_val_score,
        layers,
        val_loss_curve,
    }
}

/// A sweep's medians across seeds of the final figure named by the experiment's `metric`, per
/// knob value in the spec's order: `error` in percent (100 · (1 − score)) or `loss`. A value
/// with no finite figure yet is None.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepFigures {
    pub values: Vec<Value>,
    pub train: Vec<Option<f32>>,
    pub val: Vec<Option<f32>>,
}

/// The sweep figures of the records of one series (`sweep::cells`, the chart's medians).
pub fn sweep_figures(
    values: &[Value],
    records: &[RunFigures],
    metric: &str,
) -> Result<SweepFigures, LectureError> {
    if metric != "error" && metric != "loss" {
        return Err(err("metric", format!("must be \"error\" or \"loss\", got \"{metric}\"")));
    }
    let pick = |s: &SplitSpreads| -> Option<f32> {
        match metric {
            "error" => s.error.median.map(|e| 100.0 * e),
            _ => s.loss.median,
        }
    };
    let cells = cells(values, None, records);
    Ok(SweepFigures {
        values: values.to_vec(),
        train: cells.iter().map(|c| pick(&c.last.train)).collect(),
        val: cells.iter().map(|c| pick(&c.last.val)).collect(),
    })
}

/// One layer of the init lab: its activations' standard deviation and the percentage of its
/// unit-samples saturated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabLayer {
    pub layer: usize,
    pub act_std: f32,
    pub saturated: f32,
}

/// The init lab's layers, as a rule reads them (`lab.layers.10.act_std`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lab {
    pub layers: Vec<LabLayer>,
}

/// The lab figures of an init lab report as `init_lab::run` gives it and the page's `init_lab`
/// export returns it (`{layers: [{layer, std, saturated (a fraction)}, ...]}`).
pub fn lab_figures(report: &Value) -> Result<Lab, LectureError> {
    let layers = report
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| err("lab.layers", "must be the init lab report's list of layers".into()))?;
    let number = |l: &Value, key: &str, i: usize| {
        l.get(key)
            .and_then(Value::as_f64)
            .ok_or_else(|| err(&format!("lab.layers[{i}].{key}"), "must be a number".into()))
    };
    let layers = layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(LabLayer {
                layer: number(l, "layer", i)? as usize,
                act_std: number(l, "std", i)? as f32,
                saturated: 100.0 * number(l, "saturated", i)? as f32,
            })
        })
        .collect::<Result<_, LectureError>>()?;
    Ok(Lab { layers })
}

/// Everything a step's rule reads: the two runs of a demo (A, the comparison, absent when the
/// demo has none), an experiment's sweep, or the init lab.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub a: Option<Side>,
    pub b: Option<Side>,
    pub sweep: Option<SweepFigures>,
    pub lab: Option<Lab>,
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::config::Config;

    fn trained(cfg: Config, epochs: usize) -> Trainer {
        let mut t = Trainer::new(&cfg).unwrap();
        let spe = t.steps_per_epoch();
        t.run(spe * epochs);
        t
    }

    #[test]
    fn a_side_serializes_with_the_page_keys() {
        let cfg = Config { points: 100, hidden: vec![8, 8], ensemble: 3, ..Config::default() };
        let s = side(&mut trained(cfg, 3));
        let v = serde_json::to_value(&s).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = vec![
            "epoch",
            "train_score",
            "val_score",
            "train_loss",
            "val_loss",
            "score_gap",
            "loss_gap",
            "best_epoch",
            "best_val_loss",
            "stopped_early",
            "members_val_score",
            "layers",
            "val_loss_curve",
        ];
        want.sort();
        assert_eq!(keys, want);
        let layer: Vec<&str> =
            v["layers"][0].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(layer, ["act_std", "dead", "layer", "saturated"]);
        assert_eq!((s.epoch, s.layers.len(), s.val_loss_curve.len()), (3, 2, 3));
        assert_eq!(s.layers[1].layer, 2);
        assert!((s.score_gap - (s.train_score - s.val_score)).abs() < 1e-4);
        assert!((s.loss_gap - (s.val_loss - s.train_loss)).abs() < 1e-6);
        assert!(s.val_score > 1.0 && s.val_score <= 100.0, "a percentage: {}", s.val_score);
        assert!(s.members_val_score.is_some());
        assert_eq!(s.val_loss_curve[2], s.val_loss);
    }

    #[test]
    fn one_model_has_no_members_and_an_untrained_run_no_figures() {
        let cfg = Config { points: 100, hidden: vec![8], ..Config::default() };
        let s = side(&mut trained(cfg.clone(), 1));
        assert_eq!(s.members_val_score, None);
        assert_eq!(serde_json::to_value(&s).unwrap()["members_val_score"], Value::Null);
        let fresh = side(&mut trained(cfg, 0));
        assert_eq!((fresh.epoch, fresh.best_epoch), (0, 0));
        assert!(fresh.val_score.is_nan() && fresh.val_loss_curve.is_empty());
    }

    #[test]
    fn lab_figures_read_the_init_lab_report_in_percent() {
        let cfg = Config { lab_depth: 3, lab_width: 20, lab_batch: 30, ..Config::default() };
        let report = crate::init_lab::run(&cfg);
        let lab = lab_figures(&serde_json::to_value(&report).unwrap()).unwrap();
        assert_eq!(lab.layers.len(), 3);
        assert_eq!(lab.layers[2].act_std, report.layers[2].std);
        assert_eq!(lab.layers[2].saturated, 100.0 * report.layers[2].saturated);
        let e =
            lab_figures(&serde_json::json!({"layers": [{"layer": 1, "std": 1.0}]})).unwrap_err();
        assert_eq!(e.field, "lab.layers[0].saturated");
    }

    #[test]
    fn sweep_figures_are_the_medians_of_the_metric() {
        let rec = |v: i64, score: f32, loss: f32| RunFigures {
            value: serde_json::json!(v),
            final_val_score: Some(score),
            final_train_score: Some(1.0),
            final_val_loss: Some(loss),
            ..RunFigures::default()
        };
        let records = [rec(1, 0.5, 2.0), rec(1, 0.7, 1.0), rec(1, 0.6, 3.0), rec(2, 0.9, 0.5)];
        let values = [serde_json::json!(1), serde_json::json!(2), serde_json::json!(3)];
        let e = sweep_figures(&values, &records, "error").unwrap();
        assert!((e.val[0].unwrap() - 40.0).abs() < 1e-4 && (e.val[1].unwrap() - 10.0).abs() < 1e-4);
        assert_eq!((e.train[0], e.val[2]), (Some(0.0), None));
        let l = sweep_figures(&values, &records, "loss").unwrap();
        assert_eq!(l.val[..2], [Some(2.0), Some(0.5)]);
        assert_eq!(sweep_figures(&values, &records, "accuracy").unwrap_err().field, "metric");
    }
}
