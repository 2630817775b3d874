//! The native command line over the same core the page uses: print the default config or the
//! config schema, train from a config file printing one JSON line per epoch, the lecture's init
//! lab, the benchmark, and the export of a run as a PyTorch script.
//!
//! Exit codes: 0 success, 2 bad usage or bad config (one line on stderr naming the field).

use overfit::config::{Config, ConfigError};
use overfit::Trainer;
use std::process::ExitCode;

const USAGE: &str = "usage:
  overfit config                                   print the default config as JSON
  overfit schema                                   print the config schema as JSON: every field's type,
                                                   default, range or options, group and effect; the
                                                   datasets' facts and the limits
  overfit train [CONFIG.json] [--epochs N] [--seed S] [--steps N] [--print-every E]
                                                   train; one JSON line per epoch (or every E-th, 0 for
                                                   none), then a summary line with the peak memory;
                                                   --steps trains exactly N steps, ignoring epochs
  overfit export-pytorch [CONFIG.json] [--epochs N] [--seed S]
                                                   print a self-contained PyTorch script of the run
  overfit bench [--batch 64] [--hidden 256,256] [--features 784] [--classes 10] [--config FILE|default]
                [--runs 7] [--steps N] [--seconds 0.6] [--warmup 1] [--memory-steps N]
                                                   time a benchmark workload (median of runs), print JSON
  overfit sweep SWEEP.json [--threads N]            run a sweep (see src/sweep.rs) on N threads (default: the
                                                   cores less one, at least 1); one JSON line per run as it
                                                   finishes, then a summary with the medians per value;
                                                   SWEEP.json may be preset:ID, a preset of the Experiments
                                                   tab (presets/experiments.json), e.g. preset:double-descent
  overfit export-sweep SWEEP.json                  print a self-contained Ray Tune script that runs every run
                                                   of the sweep as the PyTorch export and writes the sweep's
                                                   CSV (SWEEP.json as for sweep, preset:ID included)
  overfit import-sweep RESULTS.csv                 read a sweep's CSV (the page's export or the Ray script's)
                                                   and print the summary with the medians per value
  overfit init-stats [CONFIG.json] [--init I] [--activation A] [--depth L] [--width W] [--batch B]
                                                   the init lab: per-layer activation statistics
CONFIG.json may be '-' for standard input; missing fields take their defaults.
Any command takes --arithmetic separate|fused: the GEMM's multiply-add, rounded twice or once (fused
is the default where the CPU has FMA; a fused run matches the page's fused wasm build bit for bit).
Any command takes --simd 128|256|512 (or OVERFIT_SIMD=...): the native GEMM's vector width, by default
the widest the CPU has; every width gives the same bits.";

/// The presets of the Experiments tab, as the page loads them.
const EXPERIMENT_PRESETS: &str = include_str!("../../presets/experiments.json");

/// The sweep spec of the Experiments tab's preset `id` (`overfit sweep preset:ID`).
fn preset_spec(id: &str) -> Result<serde_json::Value, String> {
    let all: Vec<serde_json::Value> = serde_json::from_str(EXPERIMENT_PRESETS).map_err(|e| format!("presets/experiments.json: {e}"))?;
    match all.iter().find(|p| p["id"] == id) {
        Some(p) => Ok(p["spec"].clone()),
        None => {
            let ids: Vec<&str> = all.iter().filter_map(|p| p["id"].as_str()).collect();
            Err(format!("sweep: no preset \"{id}\"; the presets are {}", ids.join(", ")))
        }
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(msg) = take_arithmetic(&mut args) {
        eprintln!("overfit: {msg}");
        return ExitCode::from(2);
    }
    if let Err(msg) = take_simd(&mut args) {
        eprintln!("overfit: {msg}");
        return ExitCode::from(2);
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("overfit: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Splits arguments into positional ones and `--flag value` pairs.
fn parse_flags(args: &[String], allowed: &[&str]) -> Result<(Vec<String>, Vec<(String, String)>), String> {
    let mut pos = Vec::new();
    let mut flags = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            if !allowed.contains(&name) {
                return Err(format!("unknown option --{name}\n{USAGE}"));
            }
            let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            flags.push((name.to_string(), v.clone()));
        } else {
            pos.push(a.clone());
        }
    }
    Ok((pos, flags))
}

/// The largest config the CLI reads: a real config is a few kilobytes, so anything past this is
/// refused before it is parsed (`/dev/zero` or `yes |` must not fill the memory).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// What a file the CLI reads holds: its errors begin with `config:` or `sweep:`, so a message
/// names the kind of file that is wrong.
#[derive(Clone, Copy)]
enum FileKind {
    Config,
    Sweep,
}

impl FileKind {
    fn name(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Sweep => "sweep",
        }
    }
}

/// Reads at most MAX_CONFIG_BYTES from `input`; more is an error naming the limit.
fn read_bounded(input: impl std::io::Read, what: &str, kind: FileKind) -> Result<String, String> {
    let label = kind.name();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(input, MAX_CONFIG_BYTES + 1), &mut bytes)
        .map_err(|e| format!("{label}: cannot read {what}: {e}"))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!("{label}: {what} is larger than {} MB; a {label} file is a small JSON object", MAX_CONFIG_BYTES >> 20));
    }
    String::from_utf8(bytes).map_err(|_| format!("{label}: {what} is not UTF-8 text"))
}

/// Reads and parses a config file (`-` is standard input; no path is the empty object).
fn read_config(path: Option<&String>) -> Result<serde_json::Value, String> {
    read_json(path, FileKind::Config)
}

/// Reads and parses a JSON file of the given kind, whose name begins every error of reading or
/// parsing it, and takes the arithmetic it records.
fn read_json(path: Option<&String>, kind: FileKind) -> Result<serde_json::Value, String> {
    let label = kind.name();
    let text = match path.map(String::as_str) {
        None => return Ok(serde_json::json!({})),
        Some("-") => read_bounded(std::io::stdin(), "standard input", kind)?,
        Some(p) => {
            let file = std::fs::File::open(p).map_err(|e| format!("{label}: cannot read {p}: {e}"))?;
            read_bounded(file, p, kind)?
        }
    };
    let mut value = serde_json::from_str(&text).map_err(|e| format!("{label}: not valid JSON: {e}"))?;
    take_recorded_arithmetic(&mut value)?;
    Ok(value)
}

/// Reads the config file, applies `--name value` overrides as JSON fields, and validates. The
/// file is checked on its own first, so a flag that overrides one of its fields does not hide a
/// bad value there (`{"epochs": "abc"}` with `--epochs 1` is refused, naming `epochs`).
fn config_with_overrides(path: Option<&String>, overrides: &[(String, String)]) -> Result<Config, String> {
    let mut value = read_config(path)?;
    if path.is_some() && !overrides.is_empty() {
        // Without overrides the check of the merged value below is this same check.
        Config::from_value(&value).map_err(|e: ConfigError| e.to_string())?;
    }
    let obj = value.as_object_mut().ok_or("config: must be a JSON object")?;
    for (k, v) in overrides {
        // Numbers stay numbers, anything else is a string (an enum name).
        let parsed = serde_json::from_str::<serde_json::Value>(v).unwrap_or(serde_json::Value::String(v.clone()));
        obj.insert(k.clone(), parsed);
    }
    Config::from_value(&value).map_err(|e: ConfigError| e.to_string())
}

fn run(args: &[String]) -> Result<(), String> {
    let Some(cmd) = args.first() else {
        return Err(USAGE.to_string());
    };
    match cmd.as_str() {
        "config" => {
            println!("{}", serde_json::to_string_pretty(&Config::default()).expect("config serializes"));
            Ok(())
        }
        "schema" => {
            println!("{}", serde_json::to_string_pretty(&overfit::schema::schema()).map_err(|e| e.to_string())?);
            Ok(())
        }
        "train" => {
            let (pos, flags) = parse_flags(&args[1..], &["epochs", "seed", "steps", "print-every"])?;
            let steps = flag(&flags, "steps", 0u64, 0, 1_000_000_000_000)?;
            let print_every = flag(&flags, "print-every", 1usize, 0, usize::MAX)?;
            let config_flags: Vec<_> = flags.into_iter().filter(|(k, _)| k == "epochs" || k == "seed").collect();
            let cfg = config_with_overrides(pos.first(), &config_flags)?;
            train(&cfg, steps, print_every)
        }
        "export-pytorch" => {
            let (pos, flags) = parse_flags(&args[1..], &["epochs", "seed"])?;
            let cfg = config_with_overrides(pos.first(), &flags)?;
            print!("{}", overfit::export_pytorch::export(&cfg));
            Ok(())
        }
        "init-stats" => {
            let (pos, flags) = parse_flags(&args[1..], &["init", "activation", "depth", "width", "batch"])?;
            let renamed: Vec<(String, String)> = flags
                .into_iter()
                .map(|(k, v)| (format!("lab_{k}"), v))
                .collect();
            let cfg = config_with_overrides(pos.first(), &renamed)?;
            let stats = overfit::init_lab::run(&cfg);
            println!("{}", serde_json::to_string(&stats).expect("stats serialize"));
            Ok(())
        }
        "bench" => {
            let names = ["batch", "steps", "runs", "hidden", "features", "classes", "config", "seconds", "warmup", "memory-steps"];
            let (pos, flags) = parse_flags(&args[1..], &names)?;
            if !pos.is_empty() {
                return Err(format!("bench takes no positional arguments\n{USAGE}"));
            }
            bench(&flags)
        }
        "sweep" => {
            let (pos, flags) = parse_flags(&args[1..], &["threads"])?;
            let default_threads = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
            let threads = flag(&flags, "threads", default_threads, 1, 256)?;
            let [path] = pos.as_slice() else {
                return Err(format!("sweep takes one SWEEP.json (or '-')\n{USAGE}"));
            };
            run_sweep(&read_sweep(path)?, threads)
        }
        "export-sweep" => {
            let (pos, _) = parse_flags(&args[1..], &[])?;
            let [path] = pos.as_slice() else {
                return Err(format!("export-sweep takes one SWEEP.json (or '-')\n{USAGE}"));
            };
            print!("{}", overfit::export_ray::export(&read_sweep(path)?));
            Ok(())
        }
        "import-sweep" => {
            let (pos, _) = parse_flags(&args[1..], &[])?;
            let [path] = pos.as_slice() else {
                return Err(format!("import-sweep takes one RESULTS.csv (or '-')\n{USAGE}"));
            };
            import_sweep(path)
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    }
}

/// Reads and checks a sweep spec: a file, '-' for standard input, or `preset:ID`.
fn read_sweep(path: &str) -> Result<overfit::sweep::Sweep, String> {
    let value = match path.strip_prefix("preset:") {
        Some(id) => preset_spec(id)?,
        None => read_json(Some(&path.to_string()), FileKind::Sweep)?,
    };
    overfit::sweep::Sweep::from_value(&value).map_err(|e| e.to_string())
}

/// Reads a sweep's CSV (the page's export, or the results of an exported Ray script) and prints
/// `{"summary": {...}}` with the medians per value, as `overfit sweep` ends.
fn import_sweep(path: &str) -> Result<(), String> {
    let text = if path == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::Read::take(std::io::stdin(), overfit::sweep::csv::MAX_CSV_BYTES as u64 + 1), &mut t)
            .map_err(|e| format!("csv: cannot read standard input: {e}"))?;
        t
    } else {
        let len = std::fs::metadata(path).map_err(|e| format!("csv: cannot read {path}: {e}"))?.len();
        if len > overfit::sweep::csv::MAX_CSV_BYTES as u64 {
            return Err(format!("csv: {path} has {len} bytes; at most {}", overfit::sweep::csv::MAX_CSV_BYTES));
        }
        std::fs::read_to_string(path).map_err(|e| format!("csv: cannot read {path}: {e}"))?
    };
    let s = overfit::sweep::read_csv(&text).map_err(|e| e.to_string())?;
    let summary = serde_json::json!({
        "summary": {
            "knob": s.knob,
            "series": s.series,
            "runs": s.records.len(),
            "seeds": s.seeds,
            "epochs": s.epochs,
            "dataset": s.dataset,
            "points": overfit::sweep::summarize_over(&s.values, s.series_values.as_deref(), &s.records),
        }
    });
    println!("{summary}");
    Ok(())
}

/// Trains for `cfg.epochs` epochs, or exactly `steps` steps when that is not 0 (stopping early
/// on early stopping or divergence), printing every `print_every`-th epoch record as a JSON line.
/// The summary reports the resident memory after building and the peak of the whole process.
fn train(cfg: &Config, steps: u64, print_every: usize) -> Result<(), String> {
    let mut t = Trainer::new(cfg).map_err(|e| e.to_string())?;
    let rss_start = status_kib("VmRSS:");
    let spe = t.steps_per_epoch();
    let start = std::time::Instant::now();
    let more = |t: &Trainer| !t.at_stop_epoch() && if steps > 0 { t.step < steps } else { t.epoch < cfg.epochs };
    while more(&t) && !t.finished() {
        // In chunks of at most one epoch, as the page runs them.
        let chunk = if steps > 0 { (steps - t.step).min(spe as u64) as usize } else { spe };
        let report = t.run(chunk);
        for rec in &report.evals {
            if print_every > 0 && rec.epoch % print_every == 0 {
                println!("{}", rec.to_named_json(cfg.dataset.is_regression()));
            }
        }
    }
    let last = t.history.last();
    let best = t.history.iter().min_by(|a, b| a.val_loss.total_cmp(&b.val_loss));
    let mut summary = serde_json::json!({
        "summary": {
            "epochs": t.epoch,
            "steps": t.step,
            "final_train_score": last.map(|r| r.train_score),
            "final_val_score": last.map(|r| r.val_score),
            "final_train_loss": last.map(|r| r.train_loss),
            "final_val_loss": last.map(|r| r.val_loss),
            "best_epoch": best.map(|r| r.epoch),
            "best_val_score": best.map(|r| r.val_score),
            "early_stopped": t.stopped,
            "diverged_at_step": t.diverged_at,
            "parameters": t.model().params.trainable_count(),
            "seconds": start.elapsed().as_secs_f64(),
            "history_records": t.history.len(),
            "rss_kib_after_build": rss_start,
            "rss_kib_end": status_kib("VmRSS:"),
            "peak_rss_kib": status_kib("VmHWM:"),
        }
    });
    // The scores named for what they are: accuracy, or R^2 for regression (with the RMSE).
    let m = summary["summary"].as_object_mut().expect("an object");
    overfit::history::rename_scores(m, cfg.dataset.is_regression(), &["final_train", "final_val", "best_val"]);
    if cfg.dataset.is_regression() {
        m.insert("final_train_rmse".into(), serde_json::json!(last.and_then(|r| r.train_rmse)));
        m.insert("final_val_rmse".into(), serde_json::json!(last.and_then(|r| r.val_rmse)));
    }
    println!("{summary}");
    Ok(())
}

/// Runs every run of a sweep on `threads` threads, each taking the next run not yet taken, and
/// prints each run's record as one JSON line as it finishes (in order of finishing; `run` says
/// which), then `{"summary": {...}}` with the medians per value, the wall time and steps/s.
fn run_sweep(sweep: &overfit::sweep::Sweep, asked: usize) -> Result<(), String> {
    use overfit::sweep::{choose_threads, record_json, run_to_end, summarize};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let runs = sweep.runs();
    // At most one thread per run, and no more than fit in memory: say so when that is fewer.
    let choice = choose_threads(asked, &runs, available_memory_bytes());
    if let Some(why) = &choice.reason {
        eprintln!("overfit: sweep: {} thread{} instead of {}: {why}", choice.threads, if choice.threads == 1 { "" } else { "s" }, choice.asked);
    }
    let threads = choice.threads;
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel();
    let start = std::time::Instant::now();
    let cpu_start = process_cpu_seconds();
    let mut records = Vec::with_capacity(runs.len());
    std::thread::scope(|s| {
        for _ in 0..threads.min(runs.len()) {
            let tx = tx.clone();
            let (runs, next) = (&runs, &next);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(spec) = runs.get(i) else { break };
                if tx.send(run_to_end(spec.clone())).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for result in rx {
            match result {
                Ok(r) => {
                    println!("{}", record_json(&r));
                    records.push(r);
                }
                Err(e) => eprintln!("overfit: {e}"),
            }
        }
    });
    if records.len() != runs.len() {
        return Err(format!("sweep: {} of {} runs failed", runs.len() - records.len(), runs.len()));
    }
    records.sort_by_key(|r| r.run);
    let seconds = start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, process_cpu_seconds()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    let steps: u64 = records.iter().map(|r| r.steps).sum();
    let summary = serde_json::json!({
        "summary": {
            "knob": sweep.axis.knob,
            "series": sweep.series.as_ref().map(|s| &s.knob),
            "runs": records.len(),
            "threads": threads,
            "threads_asked": choice.asked,
            "run_memory_bytes": choice.run_bytes,
            "seconds": seconds,
            "steps": steps,
            "steps_per_sec": steps as f64 / seconds.max(1e-9),
            // CPU time of every thread over the wall time: how many cores the sweep really got
            // (on a busy machine less than the threads asked for).
            "cpu_seconds": cpu,
            "parallelism": cpu.map(|c| c / seconds.max(1e-9)),
            "points": summarize(sweep, &records),
        }
    });
    println!("{summary}");
    Ok(())
}

/// The memory the machine has available for new work (MemAvailable in /proc/meminfo), in bytes;
/// None where the system does not say.
fn available_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn flag<T: std::str::FromStr>(flags: &[(String, String)], name: &str, default: T, lo: T, hi: T) -> Result<T, String>
where
    T: PartialOrd + std::fmt::Display + Copy,
{
    match flags.iter().rev().find(|(k, _)| k == name) {
        None => Ok(default),
        Some((_, v)) => match v.parse::<T>() {
            Ok(x) if x >= lo && x <= hi => Ok(x),
            _ => Err(format!("--{name}: must be a number from {lo} to {hi}, got {v}")),
        },
    }
}

/// Times a benchmark workload natively (see `overfit::bench`): the synthetic MLP of
/// `--features/--hidden/--classes/--batch`, or with `--config FILE` (or `default`) the real
/// trainer on that config. Protocol as in bench/common.mjs: a warm-up of `--warmup` seconds, a
/// calibration giving runs of about `--seconds` (or exactly `--steps` steps), then `--runs` timed
/// runs; the median steps per second of wall-clock time is the figure, the median in thread CPU
/// time is printed next to it. `--memory-steps N` then runs N more steps and reports the
/// resident set size before and after.
fn bench(flags: &[(String, String)]) -> Result<(), String> {
    let batch = flag(flags, "batch", 64usize, 1, 4096)?;
    let fixed_steps = flag(flags, "steps", 0usize, 0, 10_000_000)?;
    let runs = flag(flags, "runs", 7usize, 1, 100)?;
    let features = flag(flags, "features", 784usize, 1, 100_000)?;
    let classes = flag(flags, "classes", 10usize, 2, 1000)?;
    let seconds = flag(flags, "seconds", 0.6f64, 0.001, 600.0)?;
    let warmup = flag(flags, "warmup", 1.0f64, 0.0, 600.0)?;
    let memory_steps = flag(flags, "memory-steps", 0usize, 0, 100_000_000)?;
    let hidden: Vec<usize> = match flags.iter().rev().find(|(k, _)| k == "hidden") {
        None => vec![256, 256],
        Some((_, v)) if v.trim().is_empty() => vec![],
        Some((_, v)) => v
            .split(',')
            .map(|s| s.trim().parse::<usize>().ok().filter(|&w| (1..=8192).contains(&w)))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("--hidden: comma-separated widths from 1 to 8192, got {v}"))?,
    };
    let config = flags.iter().rev().find(|(k, _)| k == "config").map(|(_, v)| v.clone());

    // One of the two workloads behind one "run n steps" function.
    let (mut step, flops, workload): (Box<dyn FnMut(usize) -> f32>, f64, serde_json::Value) = match &config {
        None => {
            let mut b = overfit::bench::Bench::new(features, &hidden, classes, batch, 1);
            let flops = b.flops_per_step();
            let w = serde_json::json!({"features": features, "hidden": hidden, "classes": classes, "batch": batch});
            (Box::new(move |n| {
                b.run(n);
                b.last_loss
            }), flops, w)
        }
        Some(path) => {
            let cfg = if path == "default" { Config::default() } else { config_with_overrides(Some(path), &[])? };
            let mut t = overfit::bench::TrainerBench::new(&cfg).map_err(|e| e.to_string())?;
            let flops = t.flops_per_step();
            let w = serde_json::json!({"config": path, "dataset": cfg.dataset, "hidden": cfg.hidden, "batch": cfg.batch_size, "optimizer": cfg.optimizer});
            (Box::new(move |n| t.run(n)), flops, w)
        }
    };

    // Warm-up in growing chunks, then calibrate the steps per run.
    let mut n = 1usize;
    let start = std::time::Instant::now();
    while start.elapsed().as_secs_f64() < warmup {
        let t = std::time::Instant::now();
        step(n);
        if t.elapsed().as_secs_f64() < 0.1 {
            n *= 2;
        }
    }
    let per_run = if fixed_steps > 0 {
        fixed_steps
    } else {
        let t = std::time::Instant::now();
        step(n);
        let rate = n as f64 / t.elapsed().as_secs_f64().max(1e-9);
        ((rate * seconds).round() as usize).max(1)
    };
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    let mut last_loss = 0.0;
    for _ in 0..runs {
        let c = thread_cpu_seconds();
        let t = std::time::Instant::now();
        last_loss = step(per_run);
        let dt = t.elapsed().as_secs_f64();
        wall.push(per_run as f64 / dt);
        if let (Some(c0), Some(c1)) = (c, thread_cpu_seconds()) {
            cpu.push(per_run as f64 / (c1 - c0).max(1e-9));
        }
    }
    let median = |v: &[f64]| -> Option<f64> {
        let mut s = v.to_vec();
        s.sort_by(|a, b| a.total_cmp(b));
        let k = s.len();
        (k > 0).then(|| if k % 2 == 1 { s[k / 2] } else { 0.5 * (s[k / 2 - 1] + s[k / 2]) })
    };
    let rate = median(&wall).unwrap_or(0.0);
    let mut out = serde_json::json!({
        "engine": "overfit-native",
        "arithmetic": overfit::arithmetic::current().name(),
        "simd": overfit::simd::observed().bits(),
        "simd_available": overfit::simd::available().iter().map(|w| w.bits()).collect::<Vec<_>>(),
        "fma_ceiling_gflops": overfit::bench::fma_ceiling_gflops(overfit::simd::current(), 0.3),
        "workload": workload,
        "steps_per_sec": rate,
        "cpu_steps_per_sec": median(&cpu),
        "gflops": rate * flops / 1e9,
        "ms_per_step": 1e3 / rate,
        "flops_per_step": flops,
        "runs": wall,
        "cpu_runs": cpu,
        "steps_per_run": per_run,
        "last_loss": last_loss,
    });
    if memory_steps > 0 {
        let before = rss_kib();
        let t = std::time::Instant::now();
        // In chunks of at most 1000 steps, as the page runs them.
        let mut left = memory_steps;
        while left > 0 {
            let k = left.min(1000);
            step(k);
            left -= k;
        }
        out["memory"] = serde_json::json!({
            "steps": memory_steps,
            "seconds": t.elapsed().as_secs_f64(),
            "rss_kib_before": before,
            "rss_kib_after": rss_kib(),
        });
    }
    println!("{out}");
    Ok(())
}

/// CPU time of the whole process (every thread, user + system) in seconds (Linux: /proc/self/stat
/// fields 14 and 15, in clock ticks of 1/100 s), or None.
fn process_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU time of this thread in seconds (Linux: /proc/thread-self/schedstat), or None.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Resident set size of this process in KiB (Linux: VmRSS in /proc/self/status), or None.
fn rss_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

/// A KiB figure of /proc/self/status (Linux), e.g. "VmRSS:" now or "VmHWM:" the peak; or None.
fn status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Whether `--arithmetic` was given (it wins over the mode a config file records).
static ARITHMETIC_CHOSEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Removes `--arithmetic separate|fused` from the arguments and sets the process's GEMM mode.
fn take_arithmetic(args: &mut Vec<String>) -> Result<(), String> {
    let Some(i) = args.iter().position(|a| a == "--arithmetic") else {
        return Ok(());
    };
    ARITHMETIC_CHOSEN.store(true, std::sync::atomic::Ordering::Relaxed);
    let value = args.get(i + 1).cloned().ok_or("--arithmetic needs a value: separate or fused")?;
    let mode = overfit::arithmetic::Arithmetic::parse(&value).ok_or_else(|| format!("--arithmetic: separate or fused, got {value}"))?;
    overfit::arithmetic::set_default(mode)?;
    args.drain(i..i + 2);
    Ok(())
}

/// Removes `--simd 128|256|512` from the arguments and sets the native GEMM's vector width; without
/// it, `OVERFIT_SIMD` is checked here so that a width the CPU lacks is refused up front.
fn take_simd(args: &mut Vec<String>) -> Result<(), String> {
    let Some(i) = args.iter().position(|a| a == "--simd") else {
        return overfit::simd::from_env().map(|_| ());
    };
    let value = args.get(i + 1).cloned().ok_or_else(|| format!("--simd needs a value: one of {}", overfit::simd::available_list()))?;
    overfit::simd::set_default(overfit::simd::parse_available(&value, "--simd")?)?;
    args.drain(i..i + 2);
    Ok(())
}

/// The page's exported config records the arithmetic its run used (`"arithmetic": "fused"` or
/// `"separate"`, not a config field; the core reads it, `config::recorded_arithmetic`): unless
/// `--arithmetic` was given it is chosen, so the CLI reproduces the page's curve bit for bit.
/// Fused on a CPU without FMA runs separate with a warning (the curve then differs in the last
/// bits).
fn take_recorded_arithmetic(value: &mut serde_json::Value) -> Result<(), String> {
    let Some(map) = value.as_object() else { return Ok(()) };
    let Some(mode) = overfit::config::recorded_arithmetic(map).map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let name = mode.name();
    if ARITHMETIC_CHOSEN.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    if let Err(e) = overfit::arithmetic::set_default(mode) {
        eprintln!("overfit: the config was trained with {name} arithmetic, but {e}; running separate");
        overfit::arithmetic::set_default(overfit::arithmetic::Arithmetic::Separate)?;
    }
    Ok(())
}
