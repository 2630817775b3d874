//! Experiments: one knob swept over many runs. The knobs a sweep can turn (each with the config
//! field it sets and its allowed range, read from the schema), the sweep spec and its checks, its
//! expansion into one config per run (value × optional series value × seed), one run trained to
//! its end, and the small record each run leaves. The CLI (`overfit sweep`, one thread per
//! worker) and the page (one Web Worker per run in flight) both run `SweepRun`, so the same spec
//! gives the same numbers in both.

use crate::config::{err, Config, ConfigError, Norm};
use crate::schema::{self, Choices, MAX_LAYERS, MAX_WIDTH};
use crate::train::Trainer;
use serde::Serialize;
use serde_json::{json, Value};

/// The most runs one sweep may expand to.
pub const MAX_RUNS: usize = 500;
/// The most seeds per value.
pub const MAX_SEEDS: usize = 20;
/// The most values of a knob (and of the series knob).
pub const MAX_VALUES: usize = 100;
/// The most epochs per run (also the cap of "until early stopping").
pub const MAX_EPOCHS: usize = 5000;
/// Seeds per value and epochs per run when the spec does not say.
pub const DEFAULT_SEEDS: usize = 3;
pub const DEFAULT_EPOCHS: usize = 30;
/// The patience used for "until early stopping" when the config has none.
pub const DEFAULT_PATIENCE: usize = 10;
/// The most points of a run's curve kept in its record.
pub const CURVE_POINTS: usize = 64;

/// Which datasets a knob applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    Any,
    /// Generated 2D data and generated images (`points` applies).
    Generated,
    /// Image datasets (augmentation, images per class).
    Image,
    /// Classification data (label noise: regression targets have no labels to flip).
    Classification,
}

/// The values a knob takes.
#[derive(Clone, Copy, Debug)]
pub enum KnobKind {
    Int { min: u64, max: u64 },
    Real { min: f32, max: f32, min_exclusive: bool },
    Choice(fn() -> Vec<String>),
}

/// One knob a sweep can turn.
#[derive(Clone, Copy, Debug)]
pub struct Knob {
    /// The name in the sweep spec and the page.
    pub name: &'static str,
    /// The config field (or fields, for augmentation) it sets.
    pub fields: &'static [&'static str],
    pub kind: KnobKind,
    /// Whether its values are usually log-spaced (the page's default step and axis).
    pub log: bool,
    pub applies: Applies,
}

fn int_of(field: &str) -> KnobKind {
    let (min, max) = schema::int_range(field);
    KnobKind::Int { min, max }
}
fn real_of(field: &str) -> KnobKind {
    let (min, max, min_exclusive) = schema::real_range(field);
    KnobKind::Real { min, max, min_exclusive }
}

/// Every knob, in the order the page lists them. Ranges come from the schema's fields.
pub fn knobs() -> Vec<Knob> {
    let k = |name, fields, kind, log, applies| Knob { name, fields, kind, log, applies };
    vec![
        // Every hidden layer's width (a linear classifier gets one hidden layer of that width).
        k("width", &["hidden"], KnobKind::Int { min: 1, max: MAX_WIDTH as u64 }, true, Applies::Any),
        // The number of hidden layers, each as wide as the config's first (64 if it has none).
        k("depth", &["hidden"], KnobKind::Int { min: 0, max: MAX_LAYERS as u64 }, false, Applies::Any),
        k("points", &["points"], int_of("points"), true, Applies::Generated),
        k("train_per_class", &["train_per_class"], int_of("train_per_class"), true, Applies::Image),
        k("label_noise", &["label_noise"], real_of("label_noise"), false, Applies::Classification),
        k("l2", &["l2"], real_of("l2"), true, Applies::Any),
        k("l1", &["l1"], real_of("l1"), true, Applies::Any),
        k("dropout", &["dropout"], real_of("dropout"), false, Applies::Any),
        k("batch_size", &["batch_size"], int_of("batch_size"), true, Applies::Any),
        k("learning_rate", &["learning_rate"], real_of("learning_rate"), true, Applies::Any),
        // One strength s from 0 to 1 for several augmentations at once (see `apply`).
        k(
            "augmentation",
            &["hflip", "crop_pad", "brightness", "contrast"],
            KnobKind::Real { min: 0.0, max: 1.0, min_exclusive: false },
            false,
            Applies::Image,
        ),
        k("norm", &["norm"], KnobKind::Choice(Norm::names), false, Applies::Any),
    ]
}

/// The knob named `name`.
pub fn knob(name: &str) -> Option<Knob> {
    knobs().into_iter().find(|k| k.name == name)
}

/// The knobs and the sweep's limits as JSON, for the page: `{knobs: [{name, fields, type, min,
/// max, min_exclusive?, options?, log, applies}], limits: {...}, defaults: {...}}`.
pub fn sweep_schema() -> Value {
    let knobs: Vec<Value> = knobs()
        .iter()
        .map(|k| {
            let mut v = json!({"name": k.name, "fields": k.fields, "log": k.log, "applies": k.applies});
            let extra = match k.kind {
                KnobKind::Int { min, max } => json!({"type": "int", "min": min, "max": max}),
                KnobKind::Real { min, max, min_exclusive } => {
                    json!({"type": "real", "min": tidy(min), "max": tidy(max), "min_exclusive": min_exclusive})
                }
                KnobKind::Choice(names) => json!({"type": "choice", "options": names()}),
            };
            if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
                m.extend(e);
            }
            v
        })
        .collect();
    json!({
        "knobs": knobs,
        "limits": {"max_runs": MAX_RUNS, "max_seeds": MAX_SEEDS, "max_values": MAX_VALUES, "max_epochs": MAX_EPOCHS},
        "defaults": {"seeds": DEFAULT_SEEDS, "epochs": DEFAULT_EPOCHS, "patience": DEFAULT_PATIENCE},
    })
}

fn tidy(v: f32) -> f64 {
    v.to_string().parse().unwrap_or(v as f64)
}

/// The values of one knob as given: a list, or a range from `from` to `to` in `count` steps,
/// log- or linearly spaced.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    pub knob: String,
    pub values: Vec<Value>,
}

/// A checked sweep: the knob on the x axis, an optional second knob (one line per value), the
/// seeds, the run length and the base config.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    pub axis: Axis,
    pub series: Option<Axis>,
    pub seeds: usize,
    pub epochs: usize,
    pub until_early_stopping: bool,
    pub base: Config,
}

/// One run of a sweep: where it sits and its whole config.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSpec {
    pub run: usize,
    pub value: Value,
    pub series: Option<Value>,
    pub seed_index: usize,
    pub seed: u32,
    pub config: Config,
}

fn get_usize(obj: &serde_json::Map<String, Value>, key: &str, default: usize, lo: usize, hi: usize) -> Result<usize, ConfigError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_u64() {
            Some(x) if (lo as u64..=hi as u64).contains(&x) => Ok(x as usize),
            _ => Err(err(key, format!("must be an integer from {lo} to {hi}, got {v}"))),
        },
    }
}

/// Reads one knob's values (`field` names them in errors: "values" or "series.values").
fn read_axis(knob_v: Option<&Value>, values_v: Option<&Value>, prefix: &str) -> Result<Axis, ConfigError> {
    let knob_field = format!("{prefix}knob");
    let values_field = format!("{prefix}values");
    let names: Vec<&str> = knobs().iter().map(|k| k.name).collect();
    let name = knob_v
        .and_then(Value::as_str)
        .ok_or_else(|| err(&knob_field, format!("must be one of {}", names.join(", "))))?;
    let k = knob(name).ok_or_else(|| err(&knob_field, format!("must be one of {}, got {name}", names.join(", "))))?;
    let raw: Vec<Value> = match values_v {
        Some(Value::Array(items)) => {
            if items.len() > MAX_VALUES {
                return Err(err(&values_field, format!("at most {MAX_VALUES} values, got {}", items.len())));
            }
            items.clone()
        }
        Some(Value::Object(range)) => expand_range(&k, range, &values_field)?,
        _ => {
            return Err(err(
                &values_field,
                "must be a list of values or {\"from\": a, \"to\": b, \"count\": n, \"scale\": \"log\" or \"linear\"}".into(),
            ))
        }
    };
    if raw.is_empty() {
        return Err(err(&values_field, "must have at least one value".into()));
    }
    let mut values = Vec::with_capacity(raw.len());
    for (i, v) in raw.iter().enumerate() {
        let checked = check_value(&k, v).map_err(|m| err(&values_field, format!("value {} ({v}): {name} {m}", i + 1)))?;
        if values.contains(&checked) {
            return Err(err(&values_field, format!("value {} ({v}) is given twice", i + 1)));
        }
        values.push(checked);
    }
    Ok(Axis { knob: name.to_string(), values })
}

/// A range `{from, to, count, scale}` as a list: `count` values from `from` to `to` inclusive,
/// geometric ("log", the default for log knobs) or arithmetic ("linear"); integer knobs round
/// and drop repeats.
fn expand_range(k: &Knob, range: &serde_json::Map<String, Value>, field: &str) -> Result<Vec<Value>, ConfigError> {
    for key in range.keys() {
        if !["from", "to", "count", "scale"].contains(&key.as_str()) {
            return Err(err(field, format!("unknown range key {key}: use from, to, count, scale")));
        }
    }
    if let KnobKind::Choice(_) = k.kind {
        return Err(err(field, format!("{} takes a list of options, not a range", k.name)));
    }
    let num = |key: &str| {
        range
            .get(key)
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite())
            .ok_or_else(|| err(field, format!("range: {key} must be a number")))
    };
    let (from, to) = (num("from")?, num("to")?);
    let count = match range.get("count") {
        None => 2,
        Some(v) => match v.as_u64() {
            Some(c) if (1..=MAX_VALUES as u64).contains(&c) => c as usize,
            _ => return Err(err(field, format!("range: count must be an integer from 1 to {MAX_VALUES}, got {v}"))),
        },
    };
    let log = match range.get("scale").map(|s| s.as_str()) {
        None => k.log,
        Some(Some("log")) => true,
        Some(Some("linear")) => false,
        Some(_) => return Err(err(field, "range: scale must be \"log\" or \"linear\"".into())),
    };
    if log && (from <= 0.0 || to <= 0.0) {
        return Err(err(field, format!("range: a log scale needs from and to above 0, got {from} and {to}")));
    }
    let mut out: Vec<Value> = Vec::with_capacity(count);
    for i in 0..count {
        let t = if count == 1 { 0.0 } else { i as f64 / (count - 1) as f64 };
        let x = if log { (from.ln() + t * (to.ln() - from.ln())).exp() } else { from + t * (to - from) };
        let v = match k.kind {
            KnobKind::Int { .. } => json!(x.round() as i64),
            // Four significant digits: readable values that survive the trip through f32.
            _ => json!(format!("{:.4e}", x).parse::<f64>().unwrap_or(x)),
        };
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// Checks one value against the knob's range; returns it in canonical form.
fn check_value(k: &Knob, v: &Value) -> Result<Value, String> {
    match k.kind {
        KnobKind::Int { min, max } => match v.as_u64() {
            Some(x) if x >= min && x <= max => Ok(json!(x)),
            _ => Err(format!("must be an integer from {min} to {max}")),
        },
        KnobKind::Real { min, max, min_exclusive } => match v.as_f64() {
            Some(x) if x.is_finite() && (x as f32) <= max && if min_exclusive { (x as f32) > min } else { (x as f32) >= min } => {
                Ok(json!(tidy(x as f32)))
            }
            _ if min_exclusive => Err(format!("must be a number in ({}, {}]", tidy(min), tidy(max))),
            _ => Err(format!("must be a number from {} to {}", tidy(min), tidy(max))),
        },
        KnobKind::Choice(names) => match v.as_str() {
            Some(s) if names().iter().any(|n| n == s) => Ok(json!(s)),
            _ => Err(format!("must be one of {}", names().join(", "))),
        },
    }
}

/// Sets the knob's field(s) of `cfg` to `v` (already checked by `check_value`).
fn apply(cfg: &mut Config, knob: &str, v: &Value) {
    let u = || v.as_u64().unwrap_or(0) as usize;
    let f = || v.as_f64().unwrap_or(0.0) as f32;
    match knob {
        "width" => {
            if cfg.hidden.is_empty() {
                cfg.hidden = vec![u()];
            } else {
                cfg.hidden.iter_mut().for_each(|w| *w = u());
            }
        }
        "depth" => {
            let w = cfg.hidden.first().copied().unwrap_or(64);
            cfg.hidden = vec![w; u()];
            // Overrides of layers that no longer exist would be refused by `validate`.
            let n = cfg.hidden.len();
            cfg.layer_overrides.retain(|o| o.layer <= n);
        }
        "points" => cfg.points = u(),
        "train_per_class" => cfg.train_per_class = u(),
        "label_noise" => cfg.label_noise = f(),
        "l2" => cfg.l2 = f(),
        "l1" => cfg.l1 = f(),
        "dropout" => cfg.dropout = f(),
        "batch_size" => cfg.batch_size = u(),
        "learning_rate" => cfg.learning_rate = f(),
        // Strength s: mirror with probability s/2, crop after padding by round(4 s) pixels (less
        // than half the image, which `validate` requires), brightness and contrast jitter of 0.3 s.
        "augmentation" => {
            let s = f();
            let side = cfg.image_shape().map_or(0, |(w, h, _)| w.min(h));
            cfg.hflip = 0.5 * s;
            cfg.crop_pad = ((4.0 * s).round() as usize).min((side / 2).saturating_sub(1));
            cfg.brightness = 0.3 * s;
            cfg.contrast = 0.3 * s;
        }
        "norm" => cfg.norm = serde_json::from_value(v.clone()).unwrap_or(Norm::None),
        other => unreachable!("unknown knob {other} passed the checks"),
    }
}

fn check_applies(k: &Knob, base: &Config, field: &str) -> Result<(), ConfigError> {
    let ok = match k.applies {
        Applies::Any => true,
        // A dataset of a fixed size (few_points) ignores `points`.
        Applies::Generated => base.dataset.is_generated() && base.dataset.fixed_points().is_none(),
        Applies::Image => base.dataset.is_image(),
        Applies::Classification => !base.dataset.is_regression(),
    };
    if ok {
        Ok(())
    } else {
        let what = match k.applies {
            Applies::Image => "image datasets",
            Applies::Classification => "classification datasets",
            _ => "generated datasets of a settable size",
        };
        Err(err(field, format!("{} applies to {what} only, not to {:?}", k.name, base.dataset).to_lowercase()))
    }
}

impl Sweep {
    /// Reads and checks a sweep spec: `{knob, values, series?: {knob, values}, seeds?, epochs?,
    /// until_early_stopping?, config?}`. Errors name the spec's field ("values", "seeds",
    /// "config.learning_rate", ...) and the allowed range.
    pub fn from_value(v: &Value) -> Result<Sweep, ConfigError> {
        let obj = v.as_object().ok_or_else(|| err("sweep", "must be a JSON object".into()))?;
        for key in obj.keys() {
            if !["knob", "values", "series", "seeds", "epochs", "until_early_stopping", "config"].contains(&key.as_str()) {
                return Err(err(key, "unknown sweep field: use knob, values, series, seeds, epochs, until_early_stopping, config".into()));
            }
        }
        let base = match obj.get("config") {
            None | Some(Value::Null) => Config::default(),
            Some(c) => Config::from_value(c).map_err(|e| err(&format!("config.{}", e.field), e.message))?,
        };
        if base.dataset == crate::config::Dataset::User {
            // The user's images live in the page's training worker only; a sweep's runs are
            // built from the config alone.
            return Err(err("config.dataset", "a sweep runs on generated or bundled data, not on your own images".into()));
        }
        let axis = read_axis(obj.get("knob"), obj.get("values"), "")?;
        check_applies(&knob(&axis.knob).expect("checked"), &base, "knob")?;
        let series = match obj.get("series") {
            None | Some(Value::Null) => None,
            Some(Value::Object(s)) => {
                for key in s.keys() {
                    if key != "knob" && key != "values" {
                        return Err(err(&format!("series.{key}"), "unknown series field: use knob, values".into()));
                    }
                }
                let a = read_axis(s.get("knob"), s.get("values"), "series.")?;
                if a.knob == axis.knob {
                    return Err(err("series.knob", format!("must differ from the swept knob {}", axis.knob)));
                }
                check_applies(&knob(&a.knob).expect("checked"), &base, "series.knob")?;
                Some(a)
            }
            Some(_) => return Err(err("series", "must be {\"knob\": ..., \"values\": [...]}".into())),
        };
        let seeds = get_usize(obj, "seeds", DEFAULT_SEEDS, 1, MAX_SEEDS)?;
        let epochs = get_usize(obj, "epochs", DEFAULT_EPOCHS, 1, MAX_EPOCHS)?;
        let until_early_stopping = match obj.get("until_early_stopping") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => return Err(err("until_early_stopping", format!("must be true or false, got {other}"))),
        };
        let runs = axis.values.len() * series.as_ref().map_or(1, |s| s.values.len()) * seeds;
        if runs > MAX_RUNS {
            return Err(err("values", format!("the sweep has {runs} runs (values × series values × seeds); at most {MAX_RUNS}")));
        }
        let sweep = Sweep { axis, series, seeds, epochs, until_early_stopping, base };
        // Every run's config must validate (memory budgets, cross-field rules) before any starts.
        for r in sweep.runs() {
            r.config.validate().map_err(|e| {
                let at = match &r.series {
                    Some(s) => format!("{} {}, {} {}", sweep.axis.knob, r.value, sweep.series.as_ref().map_or("", |a| a.knob.as_str()), s),
                    None => format!("{} {}", sweep.axis.knob, r.value),
                };
                err("values", format!("the run at {at}: {e}"))
            })?;
        }
        Ok(sweep)
    }

    pub fn from_json(text: &str) -> Result<Sweep, ConfigError> {
        let v: Value = serde_json::from_str(text).map_err(|e| err("sweep", format!("not valid JSON: {e}")))?;
        Sweep::from_value(&v)
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        self.axis.values.len() * self.series.as_ref().map_or(1, |s| s.values.len()) * self.seeds
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every run, in order: series value (outer), knob value, seed (inner). Run `i` has seed
    /// `base.seed + seed_index` (wrapping), so the values of a knob share their seeds.
    pub fn runs(&self) -> Vec<RunSpec> {
        let series: Vec<Option<&Value>> = match &self.series {
            Some(s) => s.values.iter().map(Some).collect(),
            None => vec![None],
        };
        let mut out = Vec::with_capacity(self.len());
        for s in &series {
            for v in &self.axis.values {
                for seed_index in 0..self.seeds {
                    let mut cfg = self.base.clone();
                    if let (Some(sv), Some(axis)) = (s, &self.series) {
                        apply(&mut cfg, &axis.knob, sv);
                    }
                    apply(&mut cfg, &self.axis.knob, v);
                    cfg.seed = self.base.seed.wrapping_add(seed_index as u32);
                    // The run's length is part of its config, so "Use settings" in the page
                    // pauses at the same epoch.
                    cfg.epochs = self.epochs;
                    cfg.stop_at_epoch = self.epochs;
                    cfg.patience = if self.until_early_stopping {
                        if self.base.patience > 0 { self.base.patience } else { DEFAULT_PATIENCE }
                    } else {
                        0
                    };
                    out.push(RunSpec { run: out.len(), value: v.clone(), series: s.cloned(), seed_index, seed: cfg.seed, config: cfg });
                }
            }
        }
        out
    }

    /// The spec as JSON (the same form `from_value` reads; the knob values listed).
    pub fn to_value(&self) -> Value {
        let mut v = json!({
            "knob": self.axis.knob,
            "values": self.axis.values,
            "seeds": self.seeds,
            "epochs": self.epochs,
            "until_early_stopping": self.until_early_stopping,
            "config": self.base,
        });
        if let Some(s) = &self.series {
            v["series"] = json!({"knob": s.knob, "values": s.values});
        }
        v
    }
}

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
    pub final_train_acc: f32,
    pub final_val_acc: f32,
    pub best_epoch: usize,
    pub best_train_loss: f32,
    pub best_val_loss: f32,
    pub best_train_acc: f32,
    pub best_val_acc: f32,
    pub early_stopped: bool,
    pub diverged: bool,
    /// Columns of the thinned curve: epoch, train loss, val loss, train acc, val acc.
    pub curve: Curve,
}

#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Curve {
    pub epoch: Vec<usize>,
    pub train_loss: Vec<f32>,
    pub val_loss: Vec<f32>,
    pub train_acc: Vec<f32>,
    pub val_acc: Vec<f32>,
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
            curve.train_acc.push(r.train_acc);
            curve.val_acc.push(r.val_acc);
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
            final_train_acc: last.map_or(nan, |r| r.train_acc),
            final_val_acc: last.map_or(nan, |r| r.val_acc),
            best_epoch: best.map_or(0, |r| r.epoch),
            best_train_loss: best.map_or(nan, |r| r.train_loss),
            best_val_loss: best.map_or(nan, |r| r.val_loss),
            best_train_acc: best.map_or(nan, |r| r.train_acc),
            best_val_acc: best.map_or(nan, |r| r.val_acc),
            early_stopped: t.stopped,
            diverged: t.diverged_at.is_some(),
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
