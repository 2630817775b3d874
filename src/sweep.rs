//! Experiments: one knob swept over many runs. The knobs a sweep can turn (each with the config
//! field it sets and its allowed range, read from the schema), the sweep spec and its checks, its
//! expansion into one config per run (value × optional series value × seed), one run trained to
//! its end, and the small record each run leaves. The CLI (`overfit sweep`, one thread per
//! worker) and the page (one Web Worker per run in flight) both run `SweepRun`, so the same spec
//! gives the same numbers in both.

pub use knobs::{knob, knobs, sweep_schema, Knob};
pub use runner::{record_json, run_to_end, Curve, RunRecord, SweepRun};
pub use spec::{Axis, RunSpec, Sweep};
pub use csv::{read_csv, write_csv, ImportedSweep};
pub use summary::{cells, median, summarize, summarize_over, Cell, Figures, SplitSpreads};
pub use threads::{choose_threads, ThreadChoice};

pub mod csv;
mod knobs;
mod runner;
mod spec;
mod summary;
mod threads;

/// The most runs one sweep may expand to.
pub const MAX_RUNS: usize = 500;
/// The most seeds per value.
pub const MAX_SEEDS: usize = 20;
/// The most values of a knob (and of the series knob).
pub const MAX_VALUES: usize = 100;
/// The most epochs per run (also the cap of "until early stopping").
pub const MAX_EPOCHS: usize = 5000;
/// Seeds per value and epochs per run when the spec does not say.
pub const DEFAULT_SEEDS: usize = 3;
pub const DEFAULT_EPOCHS: usize = 30;
/// The patience used for "until early stopping" when the config has none.
pub const DEFAULT_PATIENCE: usize = 10;
/// The most points of a run's curve kept in its record.
pub const CURVE_POINTS: usize = 64;
