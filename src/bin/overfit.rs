//! The native command line over the same core the page uses: print the default config, train
//! from a config file printing one JSON line per epoch, and the lecture's init lab.
//!
//! Exit codes: 0 success, 2 bad usage or bad config (one line on stderr naming the field).

use overfit::config::{Config, ConfigError};
use overfit::Trainer;
use std::process::ExitCode;

const USAGE: &str = "usage:
  overfit config                                   print the default config as JSON
  overfit train [CONFIG.json] [--epochs N] [--seed S]
                                                   train; one JSON line per epoch, then a summary line
  overfit bench [--batch 64] [--steps 200] [--runs 7] [--hidden 256,256] [--features 784] [--classes 10]
                                                   time the benchmark workload (median of runs), print JSON
  overfit init-stats [CONFIG.json] [--init I] [--activation A] [--depth L] [--width W] [--batch B]
                                                   the init lab: per-layer activation statistics
CONFIG.json may be '-' for standard input; missing fields take their defaults.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
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

fn read_config(path: Option<&String>) -> Result<serde_json::Value, String> {
    let text = match path.map(String::as_str) {
        None => return Ok(serde_json::json!({})),
        Some("-") => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map_err(|e| format!("config: cannot read standard input: {e}"))?;
            s
        }
        Some(p) => std::fs::read_to_string(p).map_err(|e| format!("config: cannot read {p}: {e}"))?,
    };
    serde_json::from_str(&text).map_err(|e| format!("config: not valid JSON: {e}"))
}

/// Reads the config file, applies `--name value` overrides as JSON fields, and validates.
fn config_with_overrides(path: Option<&String>, overrides: &[(String, String)]) -> Result<Config, String> {
    let mut value = read_config(path)?;
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
        "train" => {
            let (pos, flags) = parse_flags(&args[1..], &["epochs", "seed"])?;
            let cfg = config_with_overrides(pos.first(), &flags)?;
            train(&cfg)
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
            let (pos, flags) = parse_flags(&args[1..], &["batch", "steps", "runs", "hidden", "features", "classes"])?;
            if !pos.is_empty() {
                return Err(format!("bench takes no positional arguments\n{USAGE}"));
            }
            bench(&flags)
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    }
}

/// Trains for `cfg.epochs` epochs (or until early stopping or divergence), one JSON line each.
fn train(cfg: &Config) -> Result<(), String> {
    let mut t = Trainer::new(cfg).map_err(|e| e.to_string())?;
    let spe = t.steps_per_epoch();
    let start = std::time::Instant::now();
    while t.epoch < cfg.epochs && !t.finished() {
        let report = t.run(spe);
        for rec in &report.evals {
            println!("{}", serde_json::to_string(rec).expect("record serializes"));
        }
    }
    let last = t.history.last();
    let best = t.history.iter().min_by(|a, b| a.val_loss.total_cmp(&b.val_loss));
    let summary = serde_json::json!({
        "summary": {
            "epochs": t.epoch,
            "steps": t.step,
            "final_train_acc": last.map(|r| r.train_acc),
            "final_val_acc": last.map(|r| r.val_acc),
            "final_train_loss": last.map(|r| r.train_loss),
            "final_val_loss": last.map(|r| r.val_loss),
            "best_epoch": best.map(|r| r.epoch),
            "best_val_acc": best.map(|r| r.val_acc),
            "early_stopped": t.stopped,
            "diverged_at_step": t.diverged_at,
            "parameters": t.model().params.trainable_count(),
            "seconds": start.elapsed().as_secs_f64(),
        }
    });
    println!("{summary}");
    Ok(())
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

/// Times the benchmark workload natively: warm-up, then the median of `runs` timed runs.
fn bench(flags: &[(String, String)]) -> Result<(), String> {
    let batch = flag(flags, "batch", 64usize, 1, 4096)?;
    let steps = flag(flags, "steps", 200usize, 1, 1_000_000)?;
    let runs = flag(flags, "runs", 7usize, 1, 100)?;
    let features = flag(flags, "features", 784usize, 1, 100_000)?;
    let classes = flag(flags, "classes", 10usize, 2, 1000)?;
    let hidden: Vec<usize> = match flags.iter().rev().find(|(k, _)| k == "hidden") {
        None => vec![256, 256],
        Some((_, v)) if v.trim().is_empty() => vec![],
        Some((_, v)) => v
            .split(',')
            .map(|s| s.trim().parse::<usize>().ok().filter(|&w| (1..=8192).contains(&w)))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("--hidden: comma-separated widths from 1 to 8192, got {v}"))?,
    };
    let mut b = overfit::bench::Bench::new(features, &hidden, classes, batch, 1);
    b.run(steps.min(50).max(5));
    let mut rates = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = std::time::Instant::now();
        b.run(steps);
        rates.push(steps as f64 / t.elapsed().as_secs_f64());
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    let median = rates[runs / 2];
    let out = serde_json::json!({
        "workload": {"features": features, "hidden": hidden, "classes": classes, "batch": batch},
        "steps_per_sec": median,
        "gflops": median * b.flops_per_step() / 1e9,
        "runs": rates,
        "last_loss": b.last_loss,
    });
    println!("{out}");
    Ok(())
}
