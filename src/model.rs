//! The MLP built from a `Config`: a list of layers over one parameter buffer, with preallocated
//! activation and gradient buffers so a training step allocates nothing.
//!
//! Hidden layer l is: Linear -> [norm, if before] -> activation (or maxout) -> [norm, if after]
//! -> dropout. The output is a Linear producing one score per class (one for the logistic loss).

use crate::config::{Activation, Config, Norm, NormPosition};
use crate::weight_init;
use crate::layers::{ActivationLayer, BatchNorm, Dropout, GroupNorm, Layer, LayerNorm, Linear, Maxout, Mode};
use crate::loss::{self, BatchLoss, Targets};
use crate::params::Params;
use crate::rng::Rng;
use crate::tensor::Matrix;

#[derive(Clone, Debug)]
pub struct Model {
    pub params: Params,
    pub layers: Vec<Layer>,
    /// acts[0] is the input batch, acts[i + 1] the output of layers[i] (see `act_at`).
    acts: Vec<Matrix>,
    /// grads[i] = dL/d acts[i] (grads[0] is never computed: no input gradient is needed).
    grads: Vec<Matrix>,
    /// Activation i of the last forward pass is in acts[act_at[i]]: a dropout layer that is the
    /// identity (p = 0, or evaluation) is skipped and its output aliases its input, no copy.
    act_at: Vec<usize>,
    /// Likewise for the gradients of the last backward pass: grads[grad_at[i]].
    grad_at: Vec<usize>,
    pub inputs: usize,
    pub outputs: usize,
    pub loss: crate::config::Loss,
    pub margin: f32,
    /// For hidden layer l: (index of its linear layer, index of the layer whose output is the
    /// layer's activation), for the views.
    pub hidden_taps: Vec<(usize, usize)>,
}

impl Model {
    /// Builds the network for `inputs` features and `classes` classes and initializes its weights.
    pub fn new(cfg: &Config, inputs: usize, classes: usize, rng: &mut Rng) -> Model {
        let mut params = Params::default();
        let mut layers = Vec::new();
        let mut hidden_taps = Vec::new();
        let mut n_in = inputs;
        for (l, &width) in cfg.hidden.iter().enumerate() {
            let act = cfg.layer_activation(l);
            let norm = cfg.layer_norm(l);
            let pieces = if act == Activation::Maxout { cfg.maxout_k } else { 1 };
            let lin_out = width * pieces;
            let norm_before = norm != Norm::None && cfg.norm_position == NormPosition::Before;
            // A BatchNorm right after the linear layer subtracts the batch mean, which cancels
            // any bias, so that linear layer has none (beta plays its role).
            let bias = !(norm == Norm::Batch && norm_before);
            let linear_index = layers.len();
            layers.push(Layer::Linear(Linear::new(&mut params, n_in, lin_out, bias, l + 1)));
            let push_norm = |layers: &mut Vec<Layer>, params: &mut Params, n: usize| match norm {
                Norm::Batch => layers.push(Layer::BatchNorm(BatchNorm::new(params, n, cfg.bn_momentum, l + 1))),
                Norm::Layer => layers.push(Layer::LayerNorm(LayerNorm::new(params, n, l + 1))),
                Norm::Group => layers.push(Layer::GroupNorm(GroupNorm::new(params, n, cfg.groups, l + 1))),
                Norm::None => {}
            };
            if norm_before {
                push_norm(&mut layers, &mut params, lin_out);
            }
            if act == Activation::Maxout {
                layers.push(Layer::Maxout(Maxout::new(width, cfg.maxout_k)));
            } else {
                layers.push(Layer::Activation(ActivationLayer { kind: act, slope: cfg.leaky_slope }));
            }
            let act_index = layers.len() - 1;
            if !norm_before {
                push_norm(&mut layers, &mut params, width);
            }
            // Always present so that dropout can be switched on while training; with p = 0 the
            // model skips it (its output aliases its input).
            layers.push(Layer::Dropout(Dropout::new(cfg.layer_dropout(l), cfg.test_time_scaling)));
            hidden_taps.push((linear_index, act_index));
            n_in = width;
        }
        let outputs = loss::outputs(cfg.loss, classes);
        layers.push(Layer::Linear(Linear::new(&mut params, n_in, outputs, true, cfg.hidden.len() + 1)));

        // Weights from the configured scheme; biases stay 0, gamma 1, beta 0.
        for layer in &layers {
            if let Layer::Linear(lin) = layer {
                weight_init::fill(&mut params.values[lin.w.clone()], cfg.init, lin.n_in, cfg.init_scale, rng);
            }
        }

        let mut widths = vec![inputs];
        let mut w = inputs;
        for layer in &layers {
            w = match layer {
                Layer::Linear(l) => l.n_out,
                Layer::Maxout(m) => m.units,
                _ => w,
            };
            widths.push(w);
        }
        let acts = widths.iter().map(|&c| Matrix::zeros(0, c)).collect();
        let grads = widths.iter().map(|&c| Matrix::zeros(0, c)).collect();
        let act_at = (0..widths.len()).collect();
        let grad_at = (0..widths.len()).collect();
        Model { params, layers, acts, grads, act_at, grad_at, inputs, outputs, loss: cfg.loss, margin: cfg.hinge_margin, hidden_taps }
    }

    /// Applies hyper-parameters that may change while training (dropout, BatchNorm momentum).
    pub fn apply_hyper(&mut self, cfg: &Config) {
        let mut hidden = 0;
        for layer in &mut self.layers {
            match layer {
                Layer::Dropout(d) => {
                    d.p = cfg.layer_dropout(hidden);
                    d.scale_at_train = cfg.test_time_scaling;
                    hidden += 1;
                }
                Layer::BatchNorm(b) => b.momentum = cfg.bn_momentum,
                _ => {}
            }
        }
        self.margin = cfg.hinge_margin;
    }

    /// The input batch buffer, resized to `rows` rows; fill it, then call `forward`.
    pub fn input_mut(&mut self, rows: usize) -> &mut Matrix {
        self.acts[0].resize_rows(rows);
        &mut self.acts[0]
    }

    /// The output of layer `i` (`i` = 0 is the input) from the last forward pass.
    pub fn activation(&self, i: usize) -> &Matrix {
        &self.acts[self.act_at[i]]
    }

    /// The gradient with respect to the output of layer `i - 1` from the last backward pass.
    pub fn gradient(&self, i: usize) -> &Matrix {
        &self.grads[self.grad_at[i]]
    }

    /// Runs every layer on the input buffer and returns the scores (B, outputs).
    pub fn forward(&mut self, mode: Mode, rng: &mut Rng) -> &Matrix {
        let params = &mut self.params.values;
        self.act_at[0] = 0;
        let mut i = 0;
        while i < self.layers.len() {
            // A dense layer followed by a ReLU: one product writes both outputs (the ReLU is
            // fused into the GEMM's output write), and the activation layer is not run.
            if let (Layer::Linear(l), Some(Layer::Activation(a))) = (&self.layers[i], self.layers.get(i + 1)) {
                if a.kind == Activation::Relu {
                    let (before, after) = self.acts.split_at_mut(i + 1);
                    let (z, rest) = after.split_at_mut(1);
                    l.forward_relu(params, &before[self.act_at[i]], &mut z[0], &mut rest[0]);
                    self.act_at[i + 1] = i + 1;
                    self.act_at[i + 2] = i + 2;
                    i += 2;
                    continue;
                }
            }
            let layer = &mut self.layers[i];
            if let Layer::Dropout(d) = layer {
                if d.is_identity(mode) {
                    d.pass_through();
                    self.act_at[i + 1] = self.act_at[i];
                    i += 1;
                    continue;
                }
            }
            self.act_at[i + 1] = i + 1;
            // The input is an earlier buffer (act_at[i] <= i), the output is buffer i + 1.
            let (before, after) = self.acts.split_at_mut(i + 1);
            let (x, y) = (&before[self.act_at[i]], &mut after[0]);
            match layer {
                Layer::Linear(l) => l.forward(params, x, y),
                Layer::Activation(a) => a.forward(x, y),
                Layer::Maxout(m) => m.forward(x, y),
                Layer::BatchNorm(b) => b.forward(params, x, y, mode),
                Layer::LayerNorm(n) => n.forward(params, x, y),
                Layer::GroupNorm(n) => n.forward(params, x, y),
                Layer::Dropout(d) => d.forward(x, y, mode, rng),
            }
            i += 1;
        }
        &self.acts[self.act_at[self.layers.len()]]
    }

    /// Computes the loss of the last forward pass against `labels` and back-propagates it,
    /// adding parameter gradients into `params.grads` (zero them first for a fresh step).
    pub fn backward(&mut self, targets: Targets) -> BatchLoss {
        let last = self.layers.len();
        let result = loss::compute(self.loss, self.margin, &self.acts[self.act_at[last]], targets, Some(&mut self.grads[last]));
        self.backward_from_output();
        result
    }

    /// `params.zero_grads()` followed by `backward(labels)`, with the same result bit for bit but
    /// without the pass over the whole gradient buffer: the dense layers' weight and bias
    /// gradients are written instead of added (starting from 0, adding in the same order), and
    /// only the other layers' parameter gradients (and BatchNorm's unused buffer gradients) are
    /// zeroed first.
    pub fn backward_fresh(&mut self, targets: Targets) -> BatchLoss {
        let g = &mut self.params.grads;
        for layer in &self.layers {
            match layer {
                Layer::BatchNorm(b) => {
                    for r in [&b.gamma, &b.beta, &b.running_mean, &b.running_var] {
                        g[r.clone()].fill(0.0);
                    }
                }
                Layer::LayerNorm(n) => {
                    g[n.gamma.clone()].fill(0.0);
                    g[n.beta.clone()].fill(0.0);
                }
                Layer::GroupNorm(n) => {
                    g[n.gamma.clone()].fill(0.0);
                    g[n.beta.clone()].fill(0.0);
                }
                _ => {}
            }
        }
        let last = self.layers.len();
        let result = loss::compute(self.loss, self.margin, &self.acts[self.act_at[last]], targets, Some(&mut self.grads[last]));
        self.backward_inner(true);
        result
    }

    /// Back-propagates whatever gradient is in the output gradient buffer.
    pub fn backward_from_output(&mut self) {
        self.backward_inner(false);
    }

    /// The backward pass; `overwrite` as in `backward_fresh`.
    fn backward_inner(&mut self, overwrite: bool) {
        let params = &self.params.values;
        let g = &mut self.params.grads;
        let last = self.layers.len();
        self.grad_at[last] = last;
        for i in (0..last).rev() {
            if let Layer::Dropout(d) = &self.layers[i] {
                if !d.masked() {
                    // The identity: the gradient passes through without a copy.
                    self.grad_at[i] = self.grad_at[i + 1];
                    continue;
                }
            }
            self.grad_at[i] = i;
            // The upstream gradient is a later buffer (grad_at[i + 1] >= i + 1), dx is buffer i.
            let (gb, ga) = self.grads.split_at_mut(i + 1);
            let (dx, dy) = (&mut gb[i], &ga[self.grad_at[i + 1] - (i + 1)]);
            let x = &self.acts[self.act_at[i]];
            let y = &self.acts[self.act_at[i + 1]];
            match &mut self.layers[i] {
                Layer::Linear(l) => l.backward(params, g, x, dy, if i == 0 { None } else { Some(dx) }, overwrite),
                Layer::Activation(a) => a.backward(x, y, dy, dx),
                Layer::Maxout(m) => m.backward(dy, dx),
                Layer::BatchNorm(b) => b.backward(params, g, dy, dx),
                Layer::LayerNorm(n) => n.backward(params, g, dy, dx),
                Layer::GroupNorm(n) => n.backward(params, g, dy, dx),
                Layer::Dropout(d) => d.backward(dy, dx),
            }
        }
    }

    /// The output-gradient buffer, for tests that inject an arbitrary upstream gradient.
    pub fn output_grad_mut(&mut self, rows: usize) -> &mut Matrix {
        let last = self.layers.len();
        self.grads[last].resize_rows(rows);
        &mut self.grads[last]
    }

    /// Freezes (or unfreezes) every dropout mask, for gradient checks.
    pub fn freeze_dropout(&mut self, frozen: bool) {
        for layer in &mut self.layers {
            if let Layer::Dropout(d) = layer {
                d.frozen = frozen;
            }
        }
    }

    /// Loss and accuracy over a whole split, evaluated in chunks; `probs` receives class
    /// probabilities when given (rows in the same order as `x`).
    pub fn evaluate(&mut self, x: &Matrix, y: Targets, mode: Mode, rng: &mut Rng, chunk: usize, mut probs: Option<&mut Matrix>) -> BatchLoss {
        let mut total = BatchLoss::default();
        let mut scratch = Matrix::zeros(0, if self.loss == crate::config::Loss::Logistic { 2 } else { self.outputs });
        let mut start = 0;
        while start < x.rows {
            let end = (start + chunk).min(x.rows);
            let input = self.input_mut(end - start);
            input.data.copy_from_slice(&x.data[start * x.cols..end * x.cols]);
            let (kind, margin) = (self.loss, self.margin);
            let scores = self.forward(mode, rng);
            let b = loss::compute(kind, margin, scores, y.slice(start, end), None);
            total.loss_sum += b.loss_sum;
            total.correct += b.correct;
            total.sq_err_sum += b.sq_err_sum;
            if let Some(p) = probs.as_deref_mut() {
                let scores = self.activation(self.layers.len());
                loss::probabilities(self.loss, scores, &mut scratch);
                p.data[start * p.cols..end * p.cols].copy_from_slice(&scratch.data);
            }
            start = end;
        }
        total
    }
}
