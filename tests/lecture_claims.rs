//! Every step of the lecture path (presets/lecture-path.json) predicts what happens; for seeds
//! 1 to 10 the core measures the step as the page runs it (`lecture::measure_step`) and its
//! outcome rule must give the step's `answer`. The demos off the path (the regression demos)
//! are checked the same way against their own claims. One line per step and seed, then the
//! spread of each step's deciding term:
//! `cargo test --release --test lecture_claims -- --nocapture`.
//! `LECTURE_STEPS=id,id` and `LECTURE_SEEDS=n` narrow a run while tuning.

use overfit::lecture::{measure_step, outcome, path, Outcome};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// The demos that are not steps of the path, each as a step of its own: its claim as a rule.
fn off_path_steps() -> Vec<Value> {
    let lower_val_b = json!({"cases": [{"choice": "b-lower", "when": ["a.val_loss / b.val_loss > 1.2"]}], "otherwise": "no"});
    vec![
        json!({"id": "regression-threads-points", "demo": "regression-threads-points", "answer": "threads",
               "outcome": {"cases": [{"choice": "threads", "when": ["b.val_loss / b.train_loss > 10"]}], "otherwise": "no"}}),
        json!({"id": "regression-l2", "demo": "regression-l2", "answer": "b-smoother",
               "outcome": {"cases": [{"choice": "b-smoother", "when": ["a.val_loss / b.val_loss > 1.2", "b.train_loss / a.train_loss > 1"]}], "otherwise": "no"}}),
        json!({"id": "regression-dropout", "demo": "regression-dropout", "answer": "b-lower", "outcome": lower_val_b}),
    ]
}

fn seeds() -> Vec<u32> {
    let n = std::env::var("LECTURE_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    (1..=n).collect()
}

/// The term that decides a step: the first of the answer's case, or (when the answer is the
/// rule's `otherwise`) the first of the first case; for a shape, the smaller of fall and rise for
/// a U, else the one that moved.
fn deciding(step: &Value, o: &Outcome) -> (String, f64) {
    let rule = &step["outcome"];
    if rule.get("shape").is_some() {
        let (fall, rise) = (o.values["fall"], o.values["rise"]);
        return match step["answer"].as_str() {
            Some("u") => ("min(fall, rise)".into(), fall.min(rise)),
            Some("rises") => ("rise".into(), rise),
            _ => ("fall".into(), fall),
        };
    }
    let cases = rule["cases"].as_array().expect("cases");
    let case = cases.iter().find(|c| c["choice"] == step["answer"]).unwrap_or(&cases[0]);
    let cond = case["when"][0].as_str().expect("a condition");
    let words: Vec<&str> = cond.split_whitespace().collect();
    let term = words[..words.len() - 2].join(" ");
    let v = o.values[&term];
    (term, v)
}

#[test]
fn every_step_of_the_lecture_path_holds_for_seeds_1_to_10() {
    let only: Option<Vec<String>> =
        std::env::var("LECTURE_STEPS").ok().map(|s| s.split(',').map(String::from).collect());
    let mut steps: Vec<Value> = path()["steps"].as_array().expect("steps").clone();
    steps.extend(off_path_steps());
    steps.retain(|s| only.as_ref().is_none_or(|o| o.iter().any(|id| s["id"] == id.as_str())));
    let seeds = seeds();
    let jobs: Vec<(usize, u32)> =
        (0..steps.len()).flat_map(|i| seeds.iter().map(move |&s| (i, s))).collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let Some(&(i, seed)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    break;
                };
                let t = Instant::now();
                let step = &steps[i];
                let measured = measure_step(step, seed).and_then(|f| outcome(&step["outcome"], &f));
                let secs = t.elapsed().as_secs_f64();
                let o = match measured {
                    Ok(o) => o,
                    Err(e) => {
                        println!("# step {} seed {seed}: error {e}", step["id"].as_str().unwrap());
                        let values = Default::default();
                        Outcome { choice: format!("error ({e})"), values }
                    }
                };
                println!(
                    "# step {} seed {seed}: {} {} ({secs:.1} s)",
                    step["id"].as_str().unwrap(),
                    o.choice,
                    serde_json::to_string(&o.values).unwrap()
                );
                results.lock().unwrap().push((i, seed, o, secs));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut failures = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let mut mine: Vec<_> = results.iter().filter(|r| r.0 == i).collect();
        mine.sort_by_key(|r| r.1);
        let mut terms: Vec<f64> = Vec::new();
        let mut name = String::new();
        for (_, seed, o, _) in &mine {
            if !o.values.is_empty() {
                let (t, v) = deciding(step, o);
                name = t;
                terms.push(v);
            }
            if o.choice != step["answer"] {
                failures.push(format!("{} seed {seed}: {} instead of {}", step["id"], o.choice, step["answer"]));
            }
        }
        terms.sort_by(f64::total_cmp);
        let secs: f64 = mine.iter().map(|r| r.3).sum::<f64>() / mine.len().max(1) as f64;
        println!(
            "# summary {}: {name} min {:.3} median {:.3} max {:.3} ({} seeds, {secs:.1} s per seed)",
            step["id"].as_str().unwrap(),
            terms.first().unwrap_or(&f64::NAN),
            median(&terms),
            terms.last().unwrap_or(&f64::NAN),
            terms.len()
        );
    }
    println!("# total {:.1} s", start.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "claims that do not hold:\n{}", failures.join("\n"));
}

fn median(sorted: &[f64]) -> f64 {
    let k = sorted.len();
    match k {
        0 => f64::NAN,
        _ if k % 2 == 1 => sorted[k / 2],
        _ => 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]),
    }
}
