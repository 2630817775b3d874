//! `overfit bench`: a benchmark workload timed natively, its figures as one JSON line.

use super::*;

/// Times a benchmark workload natively (see `overfit::bench`): the synthetic MLP of
/// `--features/--hidden/--classes/--batch`, or with `--config FILE` (or `default`) the real
/// trainer on that config. Protocol as in bench/common.mjs: a warm-up of `--warmup` seconds, a
/// calibration giving runs of about `--seconds` (or exactly `--steps` steps), then `--runs` timed
/// runs; the median steps per second of wall-clock time is the figure, the median in thread CPU
/// time is printed next to it. `--memory-steps N` then runs N more steps and reports the
/// resident set size before and after.
pub(crate) fn bench(flags: &[(String, String)]) -> Result<(), String> {
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
