//! Exports a sweep as one self-contained Python script that runs every trial on Ray Tune and
//! writes the sweep's CSV (`overfit export-sweep`, the Experiments tab's **Export for Ray**).
//!
//! The script is the PyTorch export of the sweep's shared config (`export_pytorch`, whose
//! `run(cfg, args, report)` trains one run) followed by `export_ray/template.py`: one trial
//! function over a Tune grid of cells (knob value × series value) and seed indices. Each cell is
//! written as the config fields that differ from the shared config, computed here by the sweep's
//! own expansion (`Sweep::runs`), so no knob's meaning is written again in Python.

use crate::config::Config;
use crate::export_pytorch::{comment_lines, describe, export_for_sweep, json_to_python};
use crate::sweep::{csv, Sweep};
use serde_json::{json, Map, Value};

const TAIL: &str = include_str!("export_ray/template.py");

/// The Ray Tune script of `sweep` (already checked by `Sweep::from_value`).
pub fn export(sweep: &Sweep) -> String {
    let (shared, cells) = shared_and_cells(sweep);
    let cfg = Config::from_value(&shared).expect("the shared config is the sweep's base with its run length");
    let blocks = [("header", header(sweep, &cfg)), ("sweep", sweep_block(sweep, &cells))];
    export_for_sweep(&cfg, TAIL, &blocks)
}

/// One cell of the grid: the knob's value, the series knob's, and the config fields the two set.
#[derive(Debug, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub series: Option<Value>,
    pub fields: Map<String, Value>,
}

/// The config every trial starts from (the sweep's base with the run length, stop epoch and
/// patience its runs get, and the base seed), and per cell, in run order (series outer), the
/// fields whose values differ from it. Trial (cell c, seed index i) is run `c × seeds + i` of
/// `Sweep::runs`, and its config is the shared one with the cell's fields and seed base + i.
pub fn shared_and_cells(sweep: &Sweep) -> (Value, Vec<Cell>) {
    let runs = sweep.runs();
    let base = serde_json::to_value(&sweep.base).expect("a config serializes");
    let mut shared = serde_json::to_value(&runs[0].config).expect("a config serializes");
    // The knobs' own fields as the base has them: the first cell's values are a cell's like any other.
    let knobs = std::iter::once(&sweep.axis.knob).chain(sweep.series.as_ref().map(|s| &s.knob));
    for name in knobs.clone() {
        for field in crate::sweep::knob(name).expect("a checked knob").fields {
            shared[*field] = base[*field].clone();
        }
    }
    shared["seed"] = base["seed"].clone();
    let knob_fields: Vec<&str> = knobs.flat_map(|name| crate::sweep::knob(name).expect("a checked knob").fields.iter().copied()).collect();
    let cells = runs
        .iter()
        .filter(|r| r.seed_index == 0)
        .map(|r| {
            let v = serde_json::to_value(&r.config).expect("a config serializes");
            // The knobs' fields always (so each cell reads as what it sets), and any other field
            // a knob's setting changed.
            let fields = v
                .as_object()
                .expect("an object")
                .iter()
                .filter(|(k, val)| k.as_str() != "seed" && (knob_fields.contains(&k.as_str()) || shared.get(k.as_str()) != Some(val)))
                .map(|(k, val)| (k.clone(), val.clone()))
                .collect();
            Cell { value: r.value.clone(), series: r.series.clone(), fields }
        })
        .collect();
    (shared, cells)
}

/// The script's header comment: what it runs, how to run it on a laptop and on a cluster, what it
/// writes.
fn header(sweep: &Sweep, cfg: &Config) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let list = |values: &[Value]| values.iter().map(|v| v.to_string().trim_matches('"').to_string()).collect::<Vec<_>>().join(", ");
    let series = match &sweep.series {
        Some(s) => format!(", for each {} in {}", s.knob, list(&s.values)),
        None => String::new(),
    };
    let trials = sweep.len();
    let mut h = vec!["# An Overfit sweep exported for Ray Tune.".to_string(), "#".into()];
    h.extend(comment_lines(&format!(
        "Exported by Overfit {version} (`overfit export-sweep SWEEP.json > sweep_ray.py`, or the \
         Experiments tab's \"Export for Ray\" button). The sweep: {} over {}{series}, {} seed{} each, \
         {} epochs{}: {trials} trials. Each trial: {}.",
        sweep.axis.knob,
        list(&sweep.axis.values),
        sweep.seeds,
        if sweep.seeds == 1 { "" } else { "s" },
        sweep.epochs,
        if sweep.until_early_stopping { " or until early stopping" } else { "" },
        describe(cfg),
    )));
    h.push("#".into());
    h.push("# Needs Python 3.9+, PyTorch and Ray Tune: pip install torch \"ray[tune]\"".into());
    h.push("#".into());
    h.push("# Run it:".into());
    h.push("#   python3 sweep_ray.py                     on this machine, every CPU (--cpus N for fewer)".into());
    h.push("#   ray start --head                         on a cluster: on the head node, then".into());
    h.push("#   ray start --address=HEAD:6379            on each other node, and on any of them".into());
    h.push("#   RAY_ADDRESS=auto python3 sweep_ray.py --storage /shared/folder".into());
    h.push("#   (on Slurm or Kubernetes, start the Ray cluster as Ray's documentation says, \"Deploying on".into());
    h.push("#   Slurm\" / KubeRay, then run the script the same way.)".into());
    h.push("#   --cpus-per-trial C and --gpus-per-trial G set what Tune reserves per trial (default 1 CPU),".into());
    h.push("#   --device cuda trains on the GPU, --out FILE names the CSV (default sweep_results.csv).".into());
    if cfg.dataset.is_image() && cfg.dataset == crate::config::Dataset::Digits {
        h.push("#   --digits is Overfit's data/digits.bin; on a cluster, at that path on every node.".into());
    }
    h.push("#".into());
    h.extend(comment_lines(
        "Every trial is the exported PyTorch run of its config (the function `run` below): with the \
         same seed, the data, split, initial weights and batch order are Overfit's, and the figures \
         agree with Overfit's within about 2 points, not bit for bit. It reports each epoch to Tune, \
         and at the end the script writes one CSV row per trial, the same columns as the \
         Experiments tab's CSV export. Import that file in the Experiments tab (Import CSV) to draw \
         it beside the browser's sweeps, or summarize it with `overfit import-sweep FILE.csv`.",
    ));
    h.push("#".into());
    h.push("# The sweep (Overfit's spec, for `overfit sweep`):".into());
    let mut spec = sweep.to_value();
    spec.as_object_mut().expect("an object").remove("config");
    h.push(format!("#   {spec}"));
    let mut s = h.join("\n");
    s.push('\n');
    s
}

/// The generated constants: the knob names, the seeds, the CSV's columns and the cells.
fn sweep_block(sweep: &Sweep, cells: &[Cell]) -> String {
    let py = |v: &Value| json_to_python(&v.to_string());
    let series_knob = sweep.series.as_ref().map_or(Value::Null, |s| json!(s.knob));
    let columns = csv::columns(&sweep.axis.knob, sweep.series.as_ref().map(|s| s.knob.as_str()));
    let mut out = String::new();
    out.push_str(&format!("KNOB = {}\n", py(&json!(sweep.axis.knob))));
    out.push_str(&format!("SERIES_KNOB = {}\n", py(&series_knob)));
    out.push_str(&format!("SEEDS = {}\n", sweep.seeds));
    out.push_str("# The CSV's columns, as the page's sweep export writes them.\n");
    out.push_str(&format!("COLUMNS = {}\n", py(&json!(columns))));
    out.push_str("# One cell per value of the knob (and of the series knob), in Overfit's run order: the\n");
    out.push_str("# values and the config fields they set (only those that differ from CONFIG).\n");
    out.push_str("CELLS = [\n");
    for c in cells {
        let series = c.series.clone().unwrap_or(Value::Null);
        let fields = Value::Object(c.fields.clone());
        out.push_str(&format!("    {{\"value\": {}, \"series\": {}, \"fields\": {}}},\n", py(&c.value), py(&series), py(&fields)));
    }
    out.push_str("]\n");
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn sweep(spec: Value) -> Sweep {
        Sweep::from_value(&spec).unwrap()
    }

    #[test]
    fn the_shared_config_and_a_cells_fields_give_every_runs_config() {
        for spec in [
            json!({"knob": "width", "values": [4, 16, 64], "seeds": 2, "epochs": 7}),
            json!({"knob": "augmentation", "values": [0, 0.5, 1], "seeds": 2, "config": {"dataset": "digits"}}),
            json!({"knob": "l2", "values": [0, 0.01], "series": {"knob": "depth", "values": [1, 3]}, "seeds": 3, "until_early_stopping": true}),
        ] {
            let s = sweep(spec);
            let (shared, cells) = shared_and_cells(&s);
            for r in s.runs() {
                let cell = &cells[r.run / s.seeds];
                assert_eq!((r.run % s.seeds, &cell.value, &cell.series), (r.seed_index, &r.value, &r.series));
                let mut cfg = shared.clone();
                for (k, v) in &cell.fields {
                    cfg[k] = v.clone();
                }
                cfg["seed"] = json!(s.base.seed.wrapping_add(r.seed_index as u32));
                assert_eq!(cfg, serde_json::to_value(&r.config).unwrap(), "run {}", r.run);
            }
            // Cells differ only in the fields their knobs set.
            let knob_fields: Vec<&str> = [Some(&s.axis.knob), s.series.as_ref().map(|a| &a.knob)]
                .into_iter()
                .flatten()
                .flat_map(|k| crate::sweep::knob(k).unwrap().fields.iter().copied())
                .collect();
            assert!(cells.iter().all(|c| c.fields.keys().all(|k| knob_fields.contains(&k.as_str()))), "{cells:?}");
        }
    }

    #[test]
    fn the_script_holds_one_trial_function_and_every_cell() {
        let s = sweep(json!({"knob": "width", "values": [4, 16, 64], "seeds": 2, "epochs": 7}));
        let script = export(&s);
        assert_eq!(script.matches("\ndef trial(").count(), 1);
        assert_eq!(script.matches("\ndef run(").count(), 1);
        assert!(script.contains("\"hidden\": [64"), "{}", &script[script.find("CELLS").unwrap()..]);
        assert!(script.contains("KNOB = \"width\"\nSERIES_KNOB = None\nSEEDS = 2\n"));
        assert!(!script.contains("#%"), "a template directive was left in the script");
        // The one-run script's own entry point is gone; the sweep's is there once.
        assert_eq!(script.matches("if __name__ == \"__main__\":").count(), 1);
        assert!(script.contains("    sweep_main()"));
    }
}
