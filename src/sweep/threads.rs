//! How many threads a sweep may run at once on one machine: never more than it has runs, and no
//! more than fit in memory, each thread holding one run (`Config::memory_estimate` of the largest
//! run, the same estimate `validate()` budgets with) within half of the memory available.

use super::RunSpec;

/// The share of the available memory a sweep's runs may hold together.
pub const MEMORY_SHARE: f64 = 0.5;

/// The threads chosen for a sweep, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadChoice {
    pub threads: usize,
    pub asked: usize,
    /// Bytes the largest run needs, by the core's estimate.
    pub run_bytes: usize,
    /// What bounded the choice below the threads asked for, in words (None when nothing did).
    pub reason: Option<String>,
}

/// Chooses the threads for `runs`, asked for `asked`, with `available` bytes of memory free (None
/// when the machine does not say: then only the runs bound it).
pub fn choose_threads(asked: usize, runs: &[RunSpec], available: Option<u64>) -> ThreadChoice {
    let run_bytes = runs.iter().map(|r| r.config.memory_estimate()).max().unwrap_or(0);
    let mut threads = asked.max(1);
    let mut reason = None;
    if threads > runs.len().max(1) {
        threads = runs.len().max(1);
        reason = Some(format!("the sweep has {} run{}", runs.len(), if runs.len() == 1 { "" } else { "s" }));
    }
    if let Some(avail) = available {
        let fit = ((avail as f64 * MEMORY_SHARE) / run_bytes.max(1) as f64).floor().max(1.0) as usize;
        if fit < threads {
            threads = fit;
            reason = Some(format!(
                "one run needs about {} MB and {} MB of memory is available (runs may use half)",
                run_bytes.div_ceil(1 << 20),
                avail / (1 << 20)
            ));
        }
    }
    ThreadChoice { threads, asked, run_bytes, reason }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sweep::Sweep;
    use serde_json::json;

    fn runs(hidden: serde_json::Value, n: usize) -> Vec<RunSpec> {
        Sweep::from_value(&json!({"knob": "l2", "values": [0.0, 0.001], "seeds": n, "epochs": 1, "config": {"hidden": hidden}})).unwrap().runs()
    }

    #[test]
    fn never_more_threads_than_runs() {
        let r = runs(json!([8]), 1);
        let c = choose_threads(256, &r, None);
        assert_eq!((c.threads, c.asked), (2, 256));
        assert!(c.reason.unwrap().contains("2 runs"));
        assert_eq!(choose_threads(1, &r, None).reason, None);
    }

    #[test]
    fn memory_bounds_the_threads_by_the_largest_run() {
        let r = runs(json!([1024, 1024, 1024, 1024, 1024, 1024, 1024]), 4);
        let one = r[0].config.memory_estimate();
        assert!(one > 100 << 20, "a 7 x 1024 run needs about {} MB", one >> 20);
        // Room for three runs in half of the memory.
        let c = choose_threads(8, &r, Some(6 * one as u64 + 1));
        assert_eq!(c.threads, 3);
        assert!(c.reason.unwrap().contains("MB of memory"));
        // Too little memory for even one still runs one at a time.
        assert_eq!(choose_threads(8, &r, Some(1 << 20)).threads, 1);
    }
}
