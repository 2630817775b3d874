//! The lecture path's core side: the figures a step is read from (each run's `Side`, a sweep's
//! medians, the init lab's layers), the rule that tells which prediction actually happened
//! (`outcome`), the shape of a series (`shape`, for measured curves and the student's sketch
//! alike), and, natively, one step measured end to end (`measure_step`) for the claims' test.
//!
//! The page computes the same figures through `wasm.rs` (`Session::lecture_side`,
//! `lecture_sweep`, `lecture_lab`) and evaluates the same rules (`lecture_outcome`), so a step's
//! verdict in a browser and in `tests/lecture_claims.rs` come from one piece of code.

pub use figures::SweepFigures;
pub use figures::{lab_figures, side, sweep_figures, Figures, Lab, LabLayer, Side, SideLayer};
#[cfg(not(target_arch = "wasm32"))]
pub use measure::{demo, experiment, measure_step, path, DEMOS, EXPERIMENTS, PATH};
pub use rule::{outcome, outcome_of_json, LectureError, Outcome};
pub use shape::{measure as measure_shape, shape, Shape, ShapeMeasure};

mod figures;
#[cfg(not(target_arch = "wasm32"))]
mod measure;
mod rule;
mod shape;
