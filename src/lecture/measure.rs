//! One lecture step measured natively, as the page runs it: a demo's two runs built like
//! `www/lecture/demos.js`'s `demoConfig` (the defaults, the demo's settings, `stop_at_epoch`
//! = its `stop`, the seed) and trained to that epoch or to early stopping; an experiment's sweep
//! with its base seed set to the step's seed (so its runs use seeds s .. s + k − 1); or the init
//! lab with the step's settings and seed. Also the lecture's preset files.

use super::figures::{lab_figures, side, sweep_figures, Figures, Side};
use super::rule::{err, LectureError};
use crate::config::Config;
use crate::sweep::{run_to_end, Figures as RunFigures, Sweep};
use crate::train::Trainer;
use serde_json::Value;

/// The lecture path: sections and steps in the lecture's order.
pub const PATH: &str = include_str!("../../presets/lecture-path.json");
/// The lecture demos.
pub const DEMOS: &str = include_str!("../../presets/lecture.json");
/// The experiment presets.
pub const EXPERIMENTS: &str = include_str!("../../presets/experiments.json");

/// The lecture path as JSON.
pub fn path() -> Value {
    serde_json::from_str(PATH).expect("presets/lecture-path.json is JSON")
}

fn find(list: &str, id: &str) -> Option<Value> {
    let all: Value = serde_json::from_str(list).expect("a preset file is JSON");
    all.as_array()?.iter().find(|d| d["id"] == id).cloned()
}

/// The demo called `id` in presets/lecture.json.
pub fn demo(id: &str) -> Option<Value> {
    find(DEMOS, id)
}

/// The experiment called `id` in presets/experiments.json.
pub fn experiment(id: &str) -> Option<Value> {
    find(EXPERIMENTS, id)
}

/// The figures of one step with `seed`: its demo's B (`config`) and A (`compare`), its
/// experiment's sweep, or its init lab.
pub fn measure_step(step: &Value, seed: u32) -> Result<Figures, LectureError> {
    if let Some(id) = step.get("demo").and_then(Value::as_str) {
        let d = demo(id).ok_or_else(|| err("demo", format!("no demo \"{id}\"")))?;
        let stop = d["stop"].as_u64().filter(|&s| s > 0);
        let stop = stop.ok_or_else(|| err(&format!("{id}.stop"), "must be an epoch".into()))?;
        let b = Some(run_demo_side(&d["config"], stop, seed, &format!("{id}.config"))?);
        let a = match d.get("compare") {
            Some(c) => Some(run_demo_side(c, stop, seed, &format!("{id}.compare"))?),
            None => None,
        };
        return Ok(Figures { a, b, ..Figures::default() });
    }
    if let Some(id) = step.get("experiment").and_then(Value::as_str) {
        let e =
            experiment(id).ok_or_else(|| err("experiment", format!("no experiment \"{id}\"")))?;
        let metric = e["metric"].as_str().unwrap_or("error");
        let mut spec = e["spec"].clone();
        spec["config"]["seed"] = seed.into();
        let sweep =
            Sweep::from_value(&spec).map_err(|e| err(&format!("{id}.{}", e.field), e.message))?;
        let records = sweep
            .runs()
            .into_iter()
            .map(|r| run_to_end(r).map(|rec| RunFigures::from(&rec)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| err(&format!("{id}.{}", e.field), e.message))?;
        let sweep = sweep_figures(&sweep.axis.values, &records, metric)?;
        return Ok(Figures { sweep: Some(sweep), ..Figures::default() });
    }
    if let Some(lab) = step.get("lab").and_then(Value::as_object) {
        let mut v = serde_json::to_value(Config::default()).expect("a config serializes");
        for (k, x) in lab {
            v[format!("lab_{k}")] = x.clone();
        }
        v["seed"] = seed.into();
        let cfg =
            Config::from_value(&v).map_err(|e| err(&format!("lab.{}", e.field), e.message))?;
        let report = serde_json::to_value(crate::init_lab::run(&cfg)).expect("a report serializes");
        return Ok(Figures { lab: Some(lab_figures(&report)?), ..Figures::default() });
    }
    Err(err("step", "names no demo, experiment or lab".into()))
}

/// One side of a demo: its config (the defaults, then `settings`, `stop_at_epoch` and the seed)
/// trained to the stop epoch, or until it stops early or diverges.
fn run_demo_side(
    settings: &Value,
    stop: u64,
    seed: u32,
    field: &str,
) -> Result<Side, LectureError> {
    let mut v = serde_json::to_value(Config::default()).expect("a config serializes");
    let given = settings
        .as_object()
        .ok_or_else(|| err(field, "must be an object of config fields".into()))?;
    for (k, x) in given {
        v[k] = x.clone();
    }
    v["stop_at_epoch"] = stop.into();
    v["seed"] = seed.into();
    let cfg =
        Config::from_value(&v).map_err(|e| err(&format!("{field}.{}", e.field), e.message))?;
    let mut t = Trainer::new(&cfg).map_err(|e| err(&format!("{field}.{}", e.field), e.message))?;
    let spe = t.steps_per_epoch();
    while !t.finished() && !t.at_stop_epoch() {
        t.run(spe);
    }
    Ok(side(&mut t))
}
