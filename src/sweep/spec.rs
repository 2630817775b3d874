//! A sweep spec: reading and checking it (the knob, its values or range, the optional series
//! knob, seeds, run length, base config), and its expansion into one config per run (value ×
//! optional series value × seed).

use super::knobs::{apply, check_applies, check_value, knob, knobs, whole_number, Knob};
use super::{DEFAULT_EPOCHS, DEFAULT_PATIENCE, DEFAULT_SEEDS, MAX_EPOCHS, MAX_RUNS, MAX_SEEDS, MAX_VALUES};
use crate::config::{err, Config, ConfigError};
use crate::schema::Kind;
use serde::Serialize;
use serde_json::{json, Value};

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
    /// The run's estimated work in multiply-adds (`training_cost`), by which the page weighs the
    /// runs' progress for its estimate of the time left.
    pub cost: f64,
}

/// A run's estimated work in multiply-adds: per epoch, a forward and backward pass per training
/// step (about 3 multiply-adds per parameter and row) and a forward pass over every sample for
/// the epoch's figures (1 per parameter and sample), for each ensemble member:
/// epochs x members x (P + 3,000) x (3 x steps x max(b, 16) + n), with P the parameters, n the
/// samples, b the batch size. The 3,000 stand for what a sample costs whatever the network's
/// size (gathering it, the loss, the bookkeeping): measured on MNIST-1D, a width-7 run takes
/// about 1/28 of a width-400 run's time, not the 1/250 its parameters say. A batch under 16 rows
/// costs about as much as 16: the matrix products of a few rows run far below the kernel's
/// speed. Only ratios between runs matter.
pub fn training_cost(cfg: &Config) -> f64 {
    let params = cfg.parameter_count(cfg.features()) as f64 + 3000.0;
    let n = cfg.sample_count() as f64;
    let train = (n * (1.0 - cfg.val_fraction as f64)).max(1.0);
    let batch = cfg.batch_size.max(1) as f64;
    let steps = (train / batch).ceil();
    cfg.epochs as f64 * cfg.ensemble as f64 * params * (3.0 * steps * batch.max(16.0) + n)
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
/// and drop repeats. The count may be written as an integral float (5.0), as a value may.
fn expand_range(k: &Knob, range: &serde_json::Map<String, Value>, field: &str) -> Result<Vec<Value>, ConfigError> {
    for key in range.keys() {
        if !["from", "to", "count", "scale"].contains(&key.as_str()) {
            return Err(err(field, format!("unknown range key {key}: use from, to, count, scale")));
        }
    }
    if let Kind::Choice(_) = k.kind {
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
        Some(v) => match whole_number(v) {
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
            Kind::Int { .. } => json!(x.round() as i64),
            // Four significant digits: readable values that survive the trip through f32.
            _ => json!(format!("{:.4e}", x).parse::<f64>().unwrap_or(x)),
        };
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
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
                    let cost = training_cost(&cfg);
                    out.push(RunSpec { run: out.len(), value: v.clone(), series: s.cloned(), seed_index, seed: cfg.seed, config: cfg, cost });
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
