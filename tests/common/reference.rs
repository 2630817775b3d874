//! Shared by the native and wasm reproducibility tests: named configs and their loss curves.

use overfit::config::Config;
use overfit::Trainer;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug)]
pub struct Run {
    pub name: String,
    pub losses: Vec<f32>,
}

/// The fixture of an arithmetic mode (src/arithmetic.rs), relative to the crate root.
#[allow(dead_code)]
pub fn fixture_name(mode: overfit::arithmetic::Arithmetic) -> &'static str {
    match mode {
        overfit::arithmetic::Arithmetic::Separate => "tests/fixtures/reference_losses.json",
        overfit::arithmetic::Arithmetic::Fused => "tests/fixtures/reference_losses_fused.json",
    }
}

/// The fixture of an arithmetic mode, as an absolute path (native tests only).
#[allow(dead_code)]
pub fn fixture_path(mode: overfit::arithmetic::Arithmetic) -> String {
    format!("{}/{}", env!("CARGO_MANIFEST_DIR"), fixture_name(mode))
}

/// Steps recorded per config.
pub const STEPS: usize = 60;

pub fn configs() -> Vec<(&'static str, &'static str)> {
    vec![
        ("default spiral", r#"{}"#),
        ("moons tanh sgd", r#"{"dataset":"moons","activation":"tanh","optimizer":"sgd","learning_rate":0.1,"seed":7}"#),
        ("blobs sigmoid momentum nesterov", r#"{"dataset":"blobs","classes":5,"activation":"sigmoid","optimizer":"momentum","nesterov":true,"learning_rate":0.05}"#),
        ("circles elu batchnorm dropout l2", r#"{"dataset":"circles","activation":"elu","norm":"batch","dropout":0.3,"l2":0.01,"batch_size":16}"#),
        ("xor maxout layernorm hinge", r#"{"dataset":"xor","activation":"maxout","norm":"layer","loss":"hinge","hidden":[16,16,16]}"#),
        ("moons tanh groupnorm after, layernorm override", r#"{"dataset":"moons","activation":"tanh","norm":"group","groups":4,"norm_position":"after","hidden":[16,12],"layer_overrides":[{"layer":2,"norm":"layer"}],"seed":3}"#),
        ("spiral leaky logistic ensemble", r#"{"classes":2,"activation":"leaky_relu","loss":"logistic","ensemble":3,"init":"xavier"}"#),
        ("mnist1d label noise", r#"{"dataset":"mnist1d","hidden":[32],"label_noise":0.15,"train_per_class":50,"batch_size":25,"seed":4}"#),
    ]
}

/// The loss curves in the arithmetic mode in force (`overfit::arithmetic::current()`).
pub fn compute_all() -> Vec<Run> {
    configs()
        .into_iter()
        .map(|(name, json)| {
            let cfg = Config::from_json(json).expect("reference config is valid");
            let mut t = Trainer::new(&cfg).unwrap();
            let losses = (0..STEPS).map(|_| t.run(1).batch_loss).collect();
            Run { name: name.to_string(), losses }
        })
        .collect()
}
