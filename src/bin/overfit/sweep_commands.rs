//! The sweep commands: `sweep` (on N threads, memory permitting), `export-sweep`'s and `sweep`'s
//! spec reading (a file or `preset:ID` of the Experiments tab), and `import-sweep`.

use super::*;

/// The presets of the Experiments tab, as the page loads them.
const EXPERIMENT_PRESETS: &str = include_str!("../../../presets/experiments.json");

/// The sweep spec of the Experiments tab's preset `id` (`overfit sweep preset:ID`).
pub(crate) fn preset_spec(id: &str) -> Result<serde_json::Value, String> {
    let all: Vec<serde_json::Value> = serde_json::from_str(EXPERIMENT_PRESETS).map_err(|e| format!("presets/experiments.json: {e}"))?;
    match all.iter().find(|p| p["id"] == id) {
        Some(p) => Ok(p["spec"].clone()),
        None => {
            let ids: Vec<&str> = all.iter().filter_map(|p| p["id"].as_str()).collect();
            Err(format!("sweep: no preset \"{id}\"; the presets are {}", ids.join(", ")))
        }
    }
}

/// Reads and checks a sweep spec: a file, '-' for standard input, or `preset:ID`.
pub(crate) fn read_sweep(path: &str) -> Result<overfit::sweep::Sweep, String> {
    let value = match path.strip_prefix("preset:") {
        Some(id) => preset_spec(id)?,
        None => read_json(Some(&path.to_string()), FileKind::Sweep)?,
    };
    overfit::sweep::Sweep::from_value(&value).map_err(|e| e.to_string())
}

/// Reads a sweep's CSV (the page's export, or the results of an exported Ray script) and prints
/// `{"summary": {...}}` with the medians per value, as `overfit sweep` ends.
pub(crate) fn import_sweep(path: &str) -> Result<(), String> {
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

/// Runs every run of a sweep on `threads` threads, each taking the next run not yet taken, and
/// prints each run's record as one JSON line as it finishes (in order of finishing; `run` says
/// which), then `{"summary": {...}}` with the medians per value, the wall time and steps/s.
pub(crate) fn run_sweep(sweep: &overfit::sweep::Sweep, asked: usize) -> Result<(), String> {
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
pub(crate) fn available_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
