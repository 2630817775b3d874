//! The benchmark workload shared by `overfit bench`, the wasm `Bench` handle and `npm run bench`:
//! an MLP (default 784-256-256-10, ReLU, softmax cross-entropy, plain SGD) trained on N(0, 1)
//! inputs with random labels. One step = forward + backward + update on one batch.

use crate::config::{Activation, Config, Init, Optimizer, Preprocess};
use crate::layers::Mode;
use crate::model::Model;
use crate::optim::{Hyper, OptimizerState};
use crate::rng::Rng;

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
            init: Init::He,
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
            self.model.params.zero_grads();
            self.model.forward(Mode::Train, &mut self.rng);
            let b = self.model.backward(&self.labels[k * self.batch..(k + 1) * self.batch]);
            self.last_loss = (b.loss_sum / self.batch as f64) as f32;
            self.opt.step(&mut self.model.params, &self.hyper);
            self.steps += 1;
        }
    }

    /// Floating-point operations of one step: 2 M N K per GEMM, three GEMMs per layer (forward,
    /// weight gradient, input gradient) except no input gradient for the first layer.
    pub fn flops_per_step(&self) -> f64 {
        let mut total = 0.0;
        let mut first = true;
        for layer in &self.model.layers {
            if let crate::layers::Layer::Linear(l) = layer {
                let one = 2.0 * self.batch as f64 * l.n_in as f64 * l.n_out as f64;
                total += if first { 2.0 * one } else { 3.0 * one };
                first = false;
            }
        }
        total
    }
}
