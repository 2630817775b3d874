//! The benchmark workloads shared by `overfit bench`, the wasm `Bench`/`TrainerBench` handles and
//! `npm run bench`.
//!
//! `Bench` is the fixed synthetic workload of the performance issue: an MLP (by default
//! 784-256-256-10, ReLU, He initialization, softmax cross-entropy, plain SGD with learning rate
//! 0.01, float32) trained on N(0, 1) inputs with uniformly random labels, from a fixed seed.
//! Eight distinct batches are generated up front and cycled, so the inputs are not one cached
//! batch. One step = copy the batch in, forward, loss, backward (writing the gradients, no separate
//! zeroing pass), SGD update.
//!
//! `TrainerBench` runs the real `Trainer` on a `Config` (the page's default when the config is
//! `{}`): data batching, the configured optimizer, and the per-epoch evaluation the page shows.

use crate::config::{Activation, Config, ConfigError, WeightInit, Optimizer, Preprocess};
use crate::layers::{Layer, Mode};
use crate::model::Model;
use crate::optim::{Hyper, OptimizerState};
use crate::rng::Rng;
use crate::train::Trainer;

/// Distinct batches cycled through, so the inputs are not one cached batch.
const POOL: usize = 8;

pub struct Bench {
    model: Model,
    opt: OptimizerState,
    hyper: Hyper,
    inputs: Vec<f32>,
    labels: Vec<u32>,
    batch: usize,
    features: usize,
    next: usize,
    rng: Rng,
    pub steps: u64,
    pub last_loss: f32,
}

impl Bench {
    /// An MLP `features`-`hidden`...-`classes` with batch size `batch`.
    pub fn new(features: usize, hidden: &[usize], classes: usize, batch: usize, seed: u32) -> Bench {
        let cfg = Config {
            hidden: hidden.to_vec(),
            activation: Activation::Relu,
            init: WeightInit::He,
            optimizer: Optimizer::Sgd,
            learning_rate: 0.01,
            preprocess: Preprocess::None,
            ..Config::default()
        };
        let mut rng = Rng::new(seed as u64, 0);
        let model = Model::new(&cfg, features, classes, &mut rng);
        let inputs = (0..POOL * batch * features).map(|_| rng.normal()).collect();
        let labels = (0..POOL * batch).map(|_| rng.below(classes as u32)).collect();
        let opt = OptimizerState::new(Optimizer::Sgd, model.params.values.len());
        Bench { hyper: Hyper::from_config(&cfg, cfg.learning_rate), model, opt, inputs, labels, batch, features, next: 0, rng, steps: 0, last_loss: 0.0 }
    }

    /// Runs `n` training steps.
    pub fn run(&mut self, n: usize) {
        for _ in 0..n {
            let k = self.next;
            self.next = (self.next + 1) % POOL;
            let rows = self.batch * self.features;
            self.model.input_mut(self.batch).data.copy_from_slice(&self.inputs[k * rows..(k + 1) * rows]);
            self.model.forward(Mode::Train, &mut self.rng);
            let b = self.model.backward_fresh(crate::loss::Targets::Classes(&self.labels[k * self.batch..(k + 1) * self.batch]));
            self.last_loss = (b.loss_sum / self.batch as f64) as f32;
            self.opt.step(&mut self.model.params, &self.hyper);
            self.steps += 1;
        }
    }

    /// Floating-point operations of one step: 2 M N K per GEMM, three GEMMs per layer (forward,
    /// weight gradient, input gradient) except no input gradient for the first layer.
    pub fn flops_per_step(&self) -> f64 {
        gemm_flops(&self.model, self.batch)
    }

    /// The trained model (for tests that look at its parameters).
    pub fn model(&self) -> &Model {
        &self.model
    }
}

/// GEMM floating-point operations of one training step of `model` at batch size `batch`.
pub fn gemm_flops(model: &Model, batch: usize) -> f64 {
    let mut total = 0.0;
    let mut first = true;
    for layer in &model.layers {
        if let Layer::Linear(l) = layer {
            let one = 2.0 * batch as f64 * l.n_in as f64 * l.n_out as f64;
            total += if first { 2.0 * one } else { 3.0 * one };
            first = false;
        }
    }
    total
}

/// The real training loop on a config, timed the same way as `Bench`.
pub struct TrainerBench {
    pub trainer: Trainer,
}

impl TrainerBench {
    /// A trainer for `cfg`. Any number of steps can be timed: the trainer itself never stops on
    /// `epochs` (the page and the CLI do), only on divergence or early stopping.
    pub fn new(cfg: &Config) -> Result<TrainerBench, ConfigError> {
        Ok(TrainerBench { trainer: Trainer::new(cfg)? })
    }

    /// Runs `n` training steps; returns the last batch loss.
    pub fn run(&mut self, n: usize) -> f32 {
        self.trainer.run(n).batch_loss
    }

    /// GEMM floating-point operations of one training step (evaluation not counted).
    pub fn flops_per_step(&self) -> f64 {
        let batch = self.trainer.cfg.batch_size;
        gemm_flops(self.trainer.model(), batch) * self.trainer.members() as f64
    }
}

/// The fused multiply-add ceiling of the native kernel at `width`, in GFLOP/s of wall-clock
/// time: the best of five timed runs of `gemm::fma_chain_at` (independent fused multiply-adds, no
/// memory traffic), each about `seconds` / 5 long. None where the CPU has no FMA.
pub fn fma_ceiling_gflops(width: crate::simd::Width, seconds: f64) -> Option<f64> {
    if !crate::arithmetic::fused_available() || !width.available() {
        return None;
    }
    let per_iter = crate::gemm::fma_chain_flops_per_iter(width) as f64;
    // Calibrate: grow the rounds until one run takes about a fifth of the time.
    let mut iters = 1usize << 14;
    loop {
        let t = std::time::Instant::now();
        core::hint::black_box(crate::gemm::fma_chain_at(width, iters));
        if t.elapsed().as_secs_f64() >= seconds / 20.0 {
            break;
        }
        iters *= 2;
    }
    let target = ((iters as f64) * (seconds / 5.0) / (seconds / 20.0)).max(1.0) as usize;
    let mut best: f64 = 0.0;
    for _ in 0..5 {
        let t = std::time::Instant::now();
        core::hint::black_box(crate::gemm::fma_chain_at(width, target));
        best = best.max(target as f64 * per_iter / t.elapsed().as_secs_f64() / 1e9);
    }
    Some(best)
}
