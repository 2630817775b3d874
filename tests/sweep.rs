//! Sweeps natively: a spec's expansion into runs (knob → config fields, lists and log/linear
//! ranges, seeds), its checks with messages naming the field and the range, reproducible records
//! whatever the thread count of `overfit sweep`, and the claims of the lecture presets in
//! `presets/experiments.json`.
#![cfg(not(target_arch = "wasm32"))]

use overfit::sweep::{median, run_to_end, RunRecord, Sweep, MAX_RUNS};
use serde_json::{json, Value};
use std::process::Command;

fn sweep(v: Value) -> Sweep {
    Sweep::from_value(&v).unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn error(v: Value) -> (String, String) {
    let e = Sweep::from_value(&v).expect_err(&v.to_string());
    (e.field, e.message)
}

#[test]
fn a_width_sweep_expands_into_one_config_per_value_and_seed() {
    let s = sweep(json!({"knob": "width", "values": [2, 8, 32], "seeds": 2, "epochs": 30, "config": {"hidden": [16, 16], "seed": 5}}));
    let runs = s.runs();
    assert_eq!(runs.len(), 6);
    for (i, r) in runs.iter().enumerate() {
        assert_eq!(r.run, i);
        let w = [2, 8, 32][i / 2];
        assert_eq!(r.value, json!(w));
        assert_eq!(r.config.hidden, vec![w, w], "every hidden layer takes the width");
        assert_eq!(r.config.seed, 5 + (i % 2) as u32, "seeds follow the base seed");
        assert_eq!((r.config.epochs, r.config.stop_at_epoch, r.config.patience), (30, 30, 0));
        r.config.validate().unwrap();
    }
    // Depth keeps the first width; a linear classifier gets one layer for a width sweep.
    let d = sweep(json!({"knob": "depth", "values": [0, 3], "seeds": 1, "config": {"hidden": [20, 10]}}));
    assert_eq!(d.runs()[0].config.hidden, Vec::<usize>::new());
    assert_eq!(d.runs()[1].config.hidden, vec![20, 20, 20]);
    let lin = sweep(json!({"knob": "width", "values": [7], "seeds": 1, "config": {"hidden": []}}));
    assert_eq!(lin.runs()[0].config.hidden, vec![7]);
}

#[test]
fn ranges_are_log_or_linear_and_integer_knobs_round_without_repeats() {
    let s = sweep(json!({"knob": "width", "values": {"from": 1, "to": 512, "count": 10, "scale": "log"}, "seeds": 1}));
    assert_eq!(s.axis.values, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map(|v| json!(v)).to_vec());
    let s = sweep(json!({"knob": "width", "values": {"from": 1, "to": 4, "count": 10, "scale": "linear"}, "seeds": 1}));
    assert_eq!(s.axis.values, [1, 2, 3, 4].map(|v| json!(v)).to_vec(), "rounded, repeats dropped");
    let s = sweep(json!({"knob": "l2", "values": {"from": 0.0001, "to": 1, "count": 5}, "seeds": 1}));
    let l2: Vec<f64> = s.axis.values.iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(l2, vec![0.0001, 0.001, 0.01, 0.1, 1.0], "l2 is log-spaced by default");
    let s = sweep(json!({"knob": "dropout", "values": {"from": 0, "to": 0.8, "count": 5}, "seeds": 1}));
    let p: Vec<f64> = s.axis.values.iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(p, vec![0.0, 0.2, 0.4, 0.6, 0.8], "dropout is linear by default");
    assert_eq!(s.runs()[2].config.dropout, 0.4);
}

#[test]
fn an_integer_knob_takes_integral_floats_as_integers_and_refuses_fractions() {
    let s = sweep(json!({"knob": "width", "values": [3.0, 8], "series": {"knob": "depth", "values": [2.0]}, "seeds": 1, "epochs": 1}));
    assert_eq!(s.axis.values, vec![json!(3), json!(8)], "3.0 is read as 3");
    assert_eq!(s.series.as_ref().unwrap().values, vec![json!(2)]);
    let runs = s.runs();
    assert_eq!(runs[0].value, json!(3));
    assert_eq!(runs[0].config.hidden, vec![3, 3]);
    // The record says 3, as if the spec had written 3.
    let record: Value = serde_json::from_str(&overfit::sweep::record_json(&run_to_end(runs[0].clone()).unwrap())).unwrap();
    assert_eq!((record["value"].clone(), record["series"].clone()), (json!(3), json!(2)));
    assert_eq!(record["value"].to_string(), "3");
    // A range's count may be an integral float too.
    let r = sweep(json!({"knob": "width", "values": {"from": 2.0, "to": 8.0, "count": 3.0, "scale": "log"}, "seeds": 1}));
    assert_eq!(r.axis.values, vec![json!(2), json!(4), json!(8)]);
    // 3 and 3.0 are the same value.
    let (f, m) = error(json!({"knob": "width", "values": [3, 3.0]}));
    assert!(f == "values" && m.contains("value 2 (3.0) is given twice"), "{m}");
    // A fraction is still refused, with the integer range.
    let (f, m) = error(json!({"knob": "width", "values": [3.5]}));
    assert_eq!((f.as_str(), m.as_str()), ("values", "value 1 (3.5): width must be an integer from 1 to 1024"));
    let (f, m) = error(json!({"knob": "points", "values": [200, 300.25]}));
    assert!(f == "values" && m.starts_with("value 2 (300.25): points must be an integer from "), "{m}");
    let (f, m) = error(json!({"knob": "width", "values": {"from": 2, "to": 8, "count": 2.5}}));
    assert!(f == "values" && m.contains("count must be an integer"), "{m}");
}

#[test]
fn a_series_knob_gives_a_grid_and_augmentation_sets_several_fields() {
    let s = sweep(json!({"knob": "batch_size", "values": [2, 64], "series": {"knob": "norm", "values": ["batch", "layer"]}, "seeds": 1}));
    let cells: Vec<(usize, String)> = s.runs().iter().map(|r| (r.config.batch_size, format!("{:?}", r.config.norm))).collect();
    assert_eq!(cells, vec![(2, "Batch".into()), (64, "Batch".into()), (2, "Layer".into()), (64, "Layer".into())]);
    let a = sweep(json!({"knob": "augmentation", "values": [0, 1], "seeds": 1, "config": {"dataset": "shapes", "image_size": 16}}));
    let c = &a.runs()[1].config;
    assert_eq!((c.hflip, c.crop_pad, c.brightness, c.contrast), (0.5, 4, 0.3, 0.3));
    // The crop stays below half the image: 8x8 digits crop by at most 3 pixels.
    let digits = sweep(json!({"knob": "augmentation", "values": [1], "seeds": 1, "config": {"dataset": "digits"}}));
    assert_eq!(digits.runs()[0].config.crop_pad, 3);
    assert_eq!(a.runs()[0].config.crop_pad, 0);
}

#[test]
fn bad_specs_name_the_field_and_the_allowed_range() {
    let (f, m) = error(json!({"knob": "colour", "values": [1]}));
    assert_eq!(f, "knob");
    assert!(m.contains("width") && m.contains("colour"), "{m}");
    let (f, m) = error(json!({"knob": "width", "values": [4, 0]}));
    assert_eq!(f, "values");
    assert!(m.contains("value 2") && m.contains("from 1 to 1024"), "{m}");
    let (f, m) = error(json!({"knob": "dropout", "values": [0.5, 1.2]}));
    assert_eq!(f, "values");
    assert!(m.contains("from 0 to 0.95"), "{m}");
    let (f, m) = error(json!({"knob": "learning_rate", "values": [0]}));
    assert!(f == "values" && m.contains("(0, 10]"), "{m}");
    let (f, m) = error(json!({"knob": "width", "values": [2], "seeds": 0}));
    assert!(f == "seeds" && m.contains("from 1 to 20"), "{m}");
    let (f, m) = error(json!({"knob": "width", "values": [2], "epochs": 100000}));
    assert!(f == "epochs" && m.contains("5000"), "{m}");
    let (f, _) = error(json!({"knob": "width", "values": [2], "config": {"learning_rate": -1}}));
    assert_eq!(f, "config.learning_rate");
    let (f, m) = error(json!({"knob": "width", "values": {"from": 1, "to": 1024, "count": 100, "scale": "linear"}, "seeds": 20}));
    assert!(f == "values" && m.contains(&MAX_RUNS.to_string()), "{m}");
    let (f, m) = error(json!({"knob": "augmentation", "values": [0.5]}));
    assert!(f == "knob" && m.contains("image"), "{m}");
    let (f, m) = error(json!({"knob": "width", "values": {"from": 0, "to": 8, "scale": "log"}}));
    assert!(f == "values" && m.contains("log"), "{m}");
    let (f, m) = error(json!({"knob": "width", "values": [2], "config": {"dataset": "user"}}));
    assert!(f == "config.dataset" && m.contains("own images"), "{m}");
    let (f, _) = error(json!({"knob": "width", "values": [2], "bogus": 1}));
    assert_eq!(f, "bogus");
    let (f, m) = error(json!({"knob": "width", "values": [2, 2]}));
    assert!(f == "values" && m.contains("twice"), "{m}");
    // InstanceNorm is not offered (in a dense layer it would output beta alone).
    let (f, m) = error(json!({"knob": "norm", "values": ["batch", "instance"]}));
    assert!(f == "values" && m.contains("none, batch, layer, group"), "{m}");
    // GroupNorm's G must divide the widths of the layers that use it, in every run.
    let (f, m) = error(json!({"knob": "groups", "values": [2, 3], "config": {"norm": "group", "hidden": [16, 16]}}));
    assert!(f == "values" && m.contains("groups") && m.contains("allowed here: 1, 2, 4, 8, 16"), "{m}");
    let (f, _) = error(json!({"knob": "width", "values": [2], "series": {"knob": "width", "values": [3]}}));
    assert_eq!(f, "series.knob");
    // A run over the memory budget is refused before any run starts.
    let (f, m) = error(json!({"knob": "batch_size", "values": [32, 4096], "config": {"hidden": [1024, 1024, 1024, 1024, 1024, 1024, 1024], "ensemble": 2}}));
    assert!(f == "values" && m.contains("batch_size 4096") && m.contains("MB"), "{m}");
}

#[test]
fn the_same_spec_gives_the_same_records_and_the_record_matches_the_run() {
    let s = sweep(json!({"knob": "width", "values": [2, 8], "seeds": 2, "epochs": 12, "config": {"dataset": "circles", "noise": 0.3}}));
    let a: Vec<RunRecord> = s.runs().into_iter().map(|r| run_to_end(r).unwrap()).collect();
    let b: Vec<RunRecord> = s.runs().into_iter().map(|r| run_to_end(r).unwrap()).collect();
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    // The record's final figures are those of training the run's config directly.
    let cfg = s.runs()[3].config.clone();
    let mut t = overfit::Trainer::new(&cfg).unwrap();
    while t.epoch < 12 {
        t.run(t.steps_per_epoch());
    }
    let last = t.history.last().unwrap();
    assert_eq!((a[3].final_val_loss, a[3].final_train_score, a[3].epochs), (last.val_loss, last.train_score, 12));
    assert_eq!(a[3].curve.epoch.len(), 12);
    // Different seeds give different runs.
    assert_ne!(a[0].final_val_loss, a[1].final_val_loss);
}

#[test]
fn until_early_stopping_stops_before_the_cap() {
    let s = sweep(json!({"knob": "width", "values": [256], "seeds": 1, "epochs": 2000, "until_early_stopping": true,
        "config": {"dataset": "circles", "noise": 0.5, "points": 100}}));
    assert_eq!(s.runs()[0].config.patience, overfit::sweep::DEFAULT_PATIENCE);
    let r = run_to_end(s.runs()[0].clone()).unwrap();
    assert!(r.early_stopped && r.epochs < 2000, "{} epochs", r.epochs);
    assert_eq!(r.epochs, r.best_epoch + overfit::sweep::DEFAULT_PATIENCE);
    assert!(r.curve.epoch.len() <= overfit::sweep::CURVE_POINTS);
    assert_eq!(r.curve.epoch.last(), Some(&r.epochs), "the thinned curve keeps the last epoch");
}

fn cli(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_overfit"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        // The CLI may refuse its options and exit before it reads: a broken pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn cli_records(spec: &str, threads: &str) -> (Vec<Value>, Value) {
    let out = cli(&["sweep", "-", "--threads", threads], Some(spec));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = lines.pop().unwrap();
    lines.sort_by_key(|r| r["run"].as_u64().unwrap());
    (lines, summary["summary"].clone())
}

#[test]
fn the_cli_gives_the_same_records_on_one_and_on_three_threads() {
    let spec = r#"{"knob": "width", "values": [2, 8, 32], "seeds": 2, "epochs": 30, "config": {"dataset": "circles", "noise": 0.3}}"#;
    let (one, s1) = cli_records(spec, "1");
    let (three, s3) = cli_records(spec, "3");
    assert_eq!(one.len(), 6);
    assert_eq!(one, three);
    assert_eq!((s1["runs"].clone(), s3["threads"].clone()), (json!(6), json!(3)));
    assert_eq!(s1["points"], s3["points"]);
    // The CLI's records are the core's.
    let direct = run_to_end(sweep(serde_json::from_str(spec).unwrap()).runs()[5].clone()).unwrap();
    assert_eq!(one[5], serde_json::from_str::<Value>(&overfit::sweep::record_json(&direct)).unwrap());
    assert_eq!(s1["points"][1]["runs"], 2);
}

#[test]
fn the_cli_runs_no_more_threads_than_runs_and_says_so() {
    let out = cli(&["sweep", "-", "--threads", "256"], Some(r#"{"knob": "l2", "values": [0, 0.01], "seeds": 1, "epochs": 2}"#));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 threads instead of 256") && err.contains("2 runs"), "{err}");
    let text = String::from_utf8(out.stdout).unwrap();
    let summary: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!((summary["summary"]["threads"].clone(), summary["summary"]["threads_asked"].clone()), (json!(2), json!(256)));
    assert!(summary["summary"]["run_memory_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn a_config_exported_by_the_page_serves_as_a_sweep_config_and_a_bad_arithmetic_is_named() {
    // The page's export records the arithmetic beside the fields: a sweep takes it as its config.
    let ok = cli(&["sweep", "-", "--threads", "1"], Some(r#"{"knob": "l2", "values": [0], "seeds": 1, "epochs": 1, "config": {"arithmetic": "separate", "dataset": "moons"}}"#));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let bad = cli(&["sweep", "-"], Some(r#"{"knob": "l2", "values": [0], "config": {"arithmetic": "bogus"}}"#));
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("arithmetic") && err.contains("separate or fused"), "{err}");
    // The lenient reading (links and the page's imports) names it too, and keeps the rest.
    let (cfg, problems) = overfit::config::Config::from_value_lenient(&json!({"arithmetic": "bogus", "dataset": "moons"}));
    assert_eq!(problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), vec!["arithmetic"]);
    assert_eq!(cfg.dataset, overfit::config::Dataset::Moons);
    let (_, none) = overfit::config::Config::from_value_lenient(&json!({"arithmetic": "fused"}));
    assert!(none.is_empty());
}

#[test]
fn a_bad_spec_exits_2_with_the_field() {
    let out = cli(&["sweep", "-"], Some(r#"{"knob": "width", "values": [0]}"#));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("values:") && err.contains("from 1 to 1024"), "{err}");
    let out = cli(&["sweep", "-", "--threads", "0"], Some(r#"{"knob": "width", "values": [2]}"#));
    assert_eq!(out.status.code(), Some(2));
    let out = cli(&["sweep", "-"], Some("[1, 2"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_sweep_file_that_cannot_be_read_or_parsed_is_named_as_the_sweep() {
    // Not JSON, on standard input or in a file: the message names the sweep, not a config.
    let out = cli(&["sweep", "-"], Some("[1, 2"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("overfit: sweep: not valid JSON: "), "{err}");
    let path = std::env::temp_dir().join(format!("overfit-sweep-not-json-{}.json", std::process::id()));
    std::fs::write(&path, "{\"knob\": ").unwrap();
    let out = cli(&["sweep", path.to_str().unwrap()], None);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("overfit: sweep: not valid JSON: "), "{err}");
    // A file that is not there.
    let missing = "/nonexistent/overfit-no-such-sweep.json";
    let out = cli(&["sweep", missing], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with(&format!("overfit: sweep: cannot read {missing}: ")), "{err}");
    // Too large to be a sweep.
    let out = cli(&["sweep", "-"], Some(&" ".repeat((1 << 20) + 10)));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("overfit: sweep: standard input is larger than 1 MB; a sweep file"), "{err}");
    // A config file keeps its own name in the same errors.
    let out = cli(&["train", "-"], Some("[1, 2"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("overfit: config: not valid JSON: "), "{err}");
    let out = cli(&["train", missing], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with(&format!("overfit: config: cannot read {missing}: ")), "{err}");
}

/// The presets of the Experiments view, by id.
fn preset(id: &str) -> Sweep {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/presets/experiments.json")).unwrap();
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    let p = all.iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no preset {id}"));
    sweep(p["spec"].clone())
}

/// Each (series, value) of a preset: medians across seeds of (train err, val err, train loss,
/// val loss), in the sweep's order.
fn medians(s: &Sweep, series: Option<&str>) -> Vec<(Value, [f32; 4])> {
    let records: Vec<RunRecord> = s.runs().into_iter().filter(|r| series.is_none_or(|x| r.series == Some(json!(x)))).map(|r| run_to_end(r).unwrap()).collect();
    s.axis
        .values
        .iter()
        .map(|v| {
            let rs: Vec<&RunRecord> = records.iter().filter(|r| &r.value == v).collect();
            assert_eq!(rs.len(), s.seeds);
            let m = |f: fn(&RunRecord) -> f32| median(rs.iter().map(|r| f(r))).unwrap();
            (v.clone(), [m(|r| 1.0 - r.final_train_score), m(|r| 1.0 - r.final_val_score), m(|r| r.final_train_loss), m(|r| r.final_val_loss)])
        })
        .collect()
}

fn at(m: &[(Value, [f32; 4])], v: Value) -> [f32; 4] {
    m.iter().find(|(x, _)| *x == v).unwrap_or_else(|| panic!("no value {v}")).1
}

#[test]
fn capacity_preset_validation_error_falls_then_rises() {
    let m = medians(&preset("capacity"), None);
    let val: Vec<f32> = m.iter().map(|(_, f)| f[1]).collect();
    let (imin, min) = val.iter().copied().enumerate().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    println!("capacity: median val error per width {:?}", m.iter().map(|(v, f)| format!("{v}: {:.3}", f[1])).collect::<Vec<_>>());
    assert!(imin > 0 && imin < val.len() - 1, "the minimum is inside the range: {val:?}");
    assert!(val[0] > min + 0.1, "the narrowest network underfits: {val:?}");
    assert!(*val.last().unwrap() >= min + 0.02, "the widest network is worse than the best: {val:?}");
}

#[test]
fn data_size_preset_is_a_learning_curve() {
    let m = medians(&preset("data-size"), None);
    println!("data size: {:?}", m.iter().map(|(v, f)| format!("{v}: train {:.3} val {:.3}", f[0], f[1])).collect::<Vec<_>>());
    assert!(at(&m, json!(100))[1] * 3.0 < at(&m, json!(2))[1]);
    assert!(m.iter().all(|(_, f)| f[0] <= 0.01), "training error stays at 0");
}

#[test]
fn l2_and_dropout_presets_help_then_underfit() {
    let m = medians(&preset("l2"), None);
    println!("l2: {:?}", m.iter().map(|(v, f)| format!("{v}: train err {:.3} val loss {:.3}", f[0], f[3])).collect::<Vec<_>>());
    let small = at(&m, json!(0.00001));
    assert!(at(&m, json!(0.01))[3] < 0.7 * small[3], "some L2 lowers the validation loss");
    assert!(at(&m, json!(0.1))[0] > small[0] + 0.2, "too much L2 underfits");
    let d = medians(&preset("dropout"), None);
    let gap = |f: [f32; 4]| f[3] - f[2];
    println!("dropout: {:?}", d.iter().map(|(v, f)| format!("{v}: gap {:.3} train err {:.3}", gap(*f), f[0])).collect::<Vec<_>>());
    assert!(gap(at(&d, json!(0.6))) < 0.5 * gap(at(&d, json!(0.0))), "dropout narrows the gap");
    assert!(at(&d, json!(0.8))[0] > at(&d, json!(0.0))[0] + 0.1, "too much dropout underfits");
}

#[test]
fn norm_preset_batchnorm_fails_at_batch_2_and_layernorm_does_not() {
    let s = preset("norm-batch");
    let bn = medians(&s, Some("batch"));
    let ln = medians(&s, Some("layer"));
    println!("norm: BN {:?} LN {:?}", bn.iter().map(|(v, f)| format!("{v}: {:.3}", f[1])).collect::<Vec<_>>(), ln.iter().map(|(v, f)| format!("{v}: {:.3}", f[1])).collect::<Vec<_>>());
    assert!(at(&bn, json!(2))[1] >= at(&bn, json!(32))[1] + 0.1, "BatchNorm's error rises at batch 2");
    assert!(at(&bn, json!(2))[1] >= at(&ln, json!(2))[1] + 0.1, "above LayerNorm's at batch 2");
    assert!(at(&ln, json!(2))[1] <= at(&ln, json!(32))[1] + 0.05, "LayerNorm's stays");
}
