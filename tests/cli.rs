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
