//! The native command line over the same core the page uses: print the default config or the
//! config schema, train from a config file printing one JSON line per epoch, the lecture's init
//! lab, the benchmark, and the export of a run as a PyTorch script.
//!
//! Exit codes: 0 success, 2 bad usage or bad config (one line on stderr naming the field).

use overfit::config::{Config, ConfigError};
use overfit::Trainer;
use std::process::ExitCode;

mod bench_command;
mod input;
mod process_stats;
mod sweep_commands;
use bench_command::*;
use input::*;
use process_stats::*;
use sweep_commands::*;

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
