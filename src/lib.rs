//! Overfit's numeric core: a small MLP trainer with the knobs of the lecture "Training neural
//! networks". No UI and no wasm-bindgen here except in `wasm`, the one boundary for the page.

pub mod arithmetic;
pub mod bench;
pub mod config;
pub mod data;
pub mod export_pytorch;
pub mod export_ray;
pub mod fuzzing;
pub mod gemm;
pub mod history;
pub mod weight_init;
pub mod init_lab;
pub mod layers;
pub mod lecture;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod optim;
pub mod params;
pub mod rng;
pub mod schema;
pub mod scores;
pub mod simd;
pub mod sweep;
pub mod tensor;
pub mod train;
pub mod unit_maps;
pub mod views;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::{Config, ConfigError};
pub use train::{EpochRecord, Report, Trainer};
