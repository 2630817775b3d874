//! The `overfit` command line as a user runs it: a long `train --steps` run keeps its epoch
//! history bounded and reports its memory; bad options and bad config files (even a field a flag
//! overrides) exit with code 2 and a message naming them.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn overfit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_overfit")).args(args).output().expect("the CLI runs")
}

#[test]
fn train_steps_runs_exactly_n_steps_with_a_bounded_history_and_reports_memory() {
    let out = overfit(&["train", "--steps", "40000", "--print-every", "0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "--print-every 0 prints only the summary");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let s = &v["summary"];
    assert_eq!(s["steps"], 40000);
    let epochs = s["epochs"].as_u64().unwrap();
    let records = s["history_records"].as_u64().unwrap();
    // The default spiral has 420 training points in batches of 32: 14 steps per epoch.
    assert!(epochs > overfit::history::DEFAULT_CAPACITY as u64, "{epochs} epochs: long enough to thin");
    assert!(records <= overfit::history::DEFAULT_CAPACITY as u64 + 1, "{records} records kept of {epochs} epochs");
    assert!(records >= overfit::history::DEFAULT_CAPACITY as u64 / 2, "{records} records kept");
    let peak = s["peak_rss_kib"].as_u64().expect("peak memory reported on Linux");
    assert!(peak >= s["rss_kib_end"].as_u64().unwrap());
}

#[test]
fn train_prints_every_eth_epoch() {
    let out = overfit(&["train", "--epochs", "12", "--print-every", "5"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let epochs: Vec<u64> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["epoch"].as_u64())
        .collect();
    assert_eq!(epochs, vec![5, 10]);
}

#[test]
fn bad_train_options_exit_2_naming_the_option() {
    let out = overfit(&["train", "--steps", "lots"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--steps: must be a number"));
    let out = overfit(&["train", "--print-every", "-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--print-every"));
}

/// Runs the CLI with `input` on standard input (a writer thread, so a large input cannot block).
fn overfit_stdin(args: &[&str], input: Vec<u8>) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_overfit"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    let mut stdin = child.stdin.take().unwrap();
    // The CLI stops reading past its limit, so the writer may see a broken pipe: that is fine.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("the CLI ends");
    writer.join().unwrap();
    out
}

#[test]
fn endless_or_huge_input_is_refused_before_it_is_parsed() {
    // More than the 1 MB limit of zeros (as `/dev/zero` would give): refused, not read to the end.
    let out = overfit_stdin(&["train", "-"], vec![0u8; 3 << 20]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("standard input is larger than 1 MB"), "{err}");
    // A file with 50,000 hidden layers, or 100,000 overrides: the list length is named.
    let hidden = format!("{{\"hidden\": [{}1]}}", "1,".repeat(50_000));
    let out = overfit_stdin(&["train", "-"], hidden.into_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("hidden: at most 16 layers, got 50001"), "{err}");
    let overrides = format!("{{\"hidden\": [8], \"layer_overrides\": [{}{{\"layer\": 1}}]}}", "{\"layer\": 1},".repeat(60_000));
    let out = overfit_stdin(&["train", "-"], overrides.into_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("layer_overrides: at most 64 entries"), "{err}");
}

/// The arithmetic an exported config records (`"arithmetic"`) is the mode `overfit train` runs
/// in, as `--arithmetic` would choose it; the two modes give different last bits; a bad name is
/// refused with exit code 2.
#[test]
fn the_arithmetic_a_config_records_is_the_mode_train_runs_in() {
    let dir = std::env::temp_dir().join(format!("overfit-cli-arith-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |json: &str, extra: &[&str]| {
        let path = dir.join("c.json");
        std::fs::write(&path, json).unwrap();
        let mut args = vec!["train", path.to_str().unwrap(), "--steps", "60", "--print-every", "1"];
        args.extend_from_slice(extra);
        let out = overfit(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // The epoch lines only (the summary holds the memory, which varies).
        String::from_utf8(out.stdout).unwrap().lines().filter(|l| l.starts_with("{\"epoch\"")).collect::<Vec<_>>().join("\n")
    };
    let recorded = run(r#"{"arithmetic":"separate","dataset":"moons"}"#, &[]);
    let flagged = run(r#"{"dataset":"moons"}"#, &["--arithmetic", "separate"]);
    assert!(!recorded.is_empty());
    assert_eq!(recorded, flagged);
    if overfit::arithmetic::fused_available() {
        let fused = run(r#"{"arithmetic":"fused","dataset":"moons"}"#, &[]);
        assert_ne!(fused, recorded, "fused and separate runs must differ in some bits");
        // --arithmetic wins over the recorded mode.
        assert_eq!(run(r#"{"arithmetic":"fused","dataset":"moons"}"#, &["--arithmetic", "separate"]), recorded);
    }
    let path = dir.join("bad.json");
    std::fs::write(&path, r#"{"arithmetic":"fast"}"#).unwrap();
    let out = overfit(&["train", path.to_str().unwrap(), "--steps", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("arithmetic"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A config file with a bad field is refused even when a flag overrides that field: the file is
/// bad either way (exit code 2, the message naming the field), for `train`, `export-pytorch` and
/// `init-stats` (whose `--depth` sets `lab_depth`).
#[test]
fn a_bad_field_in_the_file_is_refused_even_when_a_flag_overrides_it() {
    let dir = std::env::temp_dir().join(format!("overfit-cli-bad-field-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[&str], &str); 4] = [
        (r#"{"epochs": "abc"}"#, &["train", "--epochs", "1", "--print-every", "0"], "epochs: "),
        (r#"{"epochs": 0}"#, &["train", "--epochs", "1", "--print-every", "0"], "epochs: must be an integer from 1"),
        (r#"{"seed": -3}"#, &["export-pytorch", "--seed", "1"], "seed: "),
        (r#"{"lab_depth": "deep"}"#, &["init-stats", "--depth", "3"], "lab_depth: "),
    ];
    for (i, (json, args, named)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{i}.json"));
        std::fs::write(&path, json).unwrap();
        let mut full = vec![args[0], path.to_str().unwrap()];
        full.extend_from_slice(&args[1..]);
        let out = overfit(&full);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{json} with {args:?} was accepted: {err}");
        assert!(err.contains(named), "{json} with {args:?}: {err}");
    }
    // The same flags over a good file still win.
    let path = dir.join("good.json");
    std::fs::write(&path, r#"{"epochs": 7}"#).unwrap();
    let out = overfit(&["train", path.to_str().unwrap(), "--epochs", "1", "--print-every", "0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    assert_eq!(summary["summary"]["epochs"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `overfit sweep preset:ID` runs the Experiments tab's preset as the page loads it; an unknown
/// id is refused with the list of presets.
#[test]
fn sweep_runs_a_preset_of_the_experiments_tab_by_its_id() {
    let out = overfit(&["sweep", "preset:data-size", "--threads", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let summary: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    // 6 values of train_per_class × 3 seeds, as presets/experiments.json says.
    assert_eq!(summary["summary"]["runs"], 18);
    assert_eq!(summary["summary"]["knob"], "train_per_class");
    let bad = overfit(&["sweep", "preset:nope"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("no preset \"nope\"") && err.contains("double-descent"), "{err}");
}

/// `--simd` and `OVERFIT_SIMD` choose the GEMM width `overfit bench` reports; a width that is no
/// width, or one the CPU lacks, exits 2 naming the flag or variable and the widths available.
#[test]
fn simd_chooses_the_width_and_refuses_what_the_cpu_lacks() {
    let bench = ["bench", "--runs", "1", "--warmup", "0", "--seconds", "0.01", "--hidden", "8", "--features", "4"];
    for w in overfit::simd::available() {
        let bits = w.bits().to_string();
        let mut args = vec!["--simd", bits.as_str()];
        args.extend_from_slice(&bench);
        let out = overfit(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["simd"], w.bits(), "--simd {bits}");
        let out = Command::new(env!("CARGO_BIN_EXE_overfit")).args(bench).env("OVERFIT_SIMD", &bits).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["simd"], w.bits(), "OVERFIT_SIMD={bits}");
    }
    let out = overfit(&["--simd", "1024", "config"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--simd") && err.contains("128"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_overfit")).arg("config").env("OVERFIT_SIMD", "wide").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("OVERFIT_SIMD"));
    for w in overfit::simd::Width::ALL.into_iter().filter(|w| !w.available()) {
        let bits = w.bits().to_string();
        let out = overfit(&["--simd", bits.as_str(), "config"]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("available"), "{err}");
    }
}

/// `overfit export-sweep` checks a spec exactly as `overfit sweep` does: a malformed spec, a bad
/// config field, too many values or an oversized file is refused with exit code 2 and the same
/// message naming the field; a good spec prints one Ray Tune script with the sweep inside it.
#[test]
fn export_sweep_refuses_what_sweep_refuses_naming_the_field() {
    let bad: [(&str, &str); 4] = [
        (r#"{"knob":"width","values":[4,16],"seeds":2,"epochs":0}"#, "epochs: must be an integer from 1 to 5000, got 0"),
        (r#"{"knob":"nope","values":[1],"seeds":1,"epochs":3}"#, "knob: must be one of width"),
        (r#"{"knob":"width","values":[4],"seeds":2,"epochs":3,"config":{"lr":-1}}"#, "config.lr: unknown field `lr`"),
        ("not json", "sweep: not valid JSON"),
    ];
    for (spec, message) in bad {
        let export = overfit_stdin(&["export-sweep", "-"], spec.as_bytes().to_vec());
        let sweep = overfit_stdin(&["sweep", "-"], spec.as_bytes().to_vec());
        assert_eq!(export.status.code(), Some(2), "{spec}");
        assert_eq!(sweep.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&export.stderr);
        assert!(err.contains(message), "{spec}: {err}");
        assert_eq!(err, String::from_utf8_lossy(&sweep.stderr), "{spec}: export-sweep and sweep say the same");
        assert!(export.stdout.is_empty(), "{spec}: no half script on standard output");
    }
    let many = format!(r#"{{"knob":"width","values":[{}4],"seeds":1,"epochs":1}}"#, "4,".repeat(200_000));
    let out = overfit_stdin(&["export-sweep", "-"], many.into_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("standard input is larger than 1 MB") || err.contains("values: at most 100 values"), "{err}");
    let few = r#"{"knob":"width","values":[4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104],"seeds":1,"epochs":1}"#;
    let out = overfit_stdin(&["export-sweep", "-"], few.as_bytes().to_vec());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("values: at most 100 values, got 101"));

    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ray-sweep.json");
    let out = overfit(&["export-sweep", fixture]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("from ray import tune") || script.contains("import ray"), "a Ray script");
    assert!(script.contains("\"width\"") && script.contains("64"), "the knob and its values are in the script");
}

/// `overfit import-sweep` reads back the CSV the page and the Ray script write: a well-formed file
/// gives the summary with the medians; a file with the wrong header, a bad figure or too many
/// bytes is refused with exit code 2 naming the column or the row.
#[test]
fn import_sweep_reads_the_page_csv_and_refuses_a_bad_one() {
    let mut header = overfit::sweep::csv::columns("width", None).join(",");
    header.push('\n');
    let row = |run: usize, width: u32, seed: u32, val: f32| {
        format!("{run},{width},{seed},10,40,0.5,0.6,0.9,{val},0.4,0.5,0.95,{val},8,,false,false,spiral\n")
    };
    let mut good = header.clone();
    for (i, (w, s, v)) in [(4, 1, 0.8), (4, 2, 0.9), (16, 1, 0.95), (16, 2, 0.97)].into_iter().enumerate() {
        good.push_str(&row(i, w, s, v));
    }
    let out = overfit_stdin(&["import-sweep", "-"], good.clone().into_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["summary"]["knob"], "width");
    assert_eq!(summary["summary"]["runs"], 4);
    assert_eq!(summary["summary"]["dataset"], "spiral");
    // The median of two seeds is their mean: (0.8 + 0.9) / 2 and (0.95 + 0.97) / 2.
    let medians: Vec<f64> = summary["summary"]["points"].as_array().unwrap().iter().map(|p| p["median_final_val_score"].as_f64().unwrap()).collect();
    assert_eq!(medians.len(), 2);
    assert!((medians[0] - 0.85).abs() < 1e-6 && (medians[1] - 0.96).abs() < 1e-6, "{medians:?}");
    println!("import-sweep summary: {summary}");

    let out = overfit_stdin(&["import-sweep", "-"], b"a,b\n1,2\n".to_vec());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("csv: the header must start with run"));

    let broken = good.replacen(",0.9,0.8,", ",0.9,lots,", 1);
    assert_ne!(broken, good);
    let out = overfit_stdin(&["import-sweep", "-"], broken.into_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("final_val_score"), "the column is named: {err}");

    let huge = format!("{header}{}", "x".repeat(overfit::sweep::csv::MAX_CSV_BYTES + 10));
    let dir = std::env::temp_dir().join(format!("overfit-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("huge.csv");
    std::fs::write(&file, huge).unwrap();
    let out = overfit(&["import-sweep", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most"), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
