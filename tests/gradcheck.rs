//! Finite-difference gradient checks of every backward pass: dense layers, each activation,
//! maxout, BatchNorm, LayerNorm and GroupNorm (before and after the activation), dropout with a frozen mask,
//! L2/L1 penalties, and each loss. The analytic gradient from `Model::backward` is compared with
//! the central difference (L(w + h) - L(w - h)) / 2h computed in f64 around f32 parameters.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Activation, Config, WeightInit, Loss, Norm, NormPosition};
use overfit::layers::Mode;
use overfit::loss;
use overfit::model::Model;
use overfit::loss::Targets;
use overfit::optim::{decay_gradient, penalty};
use overfit::rng::Rng;

const INPUTS: usize = 3;
const BATCH: usize = 5;

/// Loss (data mean + penalty) of the current parameters, with dropout masks frozen.
fn total_loss(model: &mut Model, x: &[f32], y: Targets, cfg: &Config) -> f64 {
    model.input_mut(BATCH).data.copy_from_slice(x);
    let mut rng = Rng::new(0, 0);
    let scores = model.forward(Mode::Train, &mut rng).clone();
    let b = loss::compute(cfg.loss, cfg.hinge_margin, &scores, y, None);
    b.loss_sum / BATCH as f64 + penalty(&model.params, cfg.l2, cfg.l1)
}

/// Checks every parameter gradient of the network `cfg` describes; returns the worst relative
/// error max |a - n| / max(|a| + |n|, 1e-3) over all parameters.
fn check(cfg: &Config, classes: usize) -> f64 {
    let mut rng = Rng::new(42, 3);
    let mut model = Model::new(cfg, INPUTS, classes, &mut rng);
    // Non-trivial biases and norm parameters, so that their gradients are exercised too.
    for v in model.params.values.iter_mut() {
        if *v == 0.0 || *v == 1.0 {
            *v += 0.3 * rng.normal();
        }
    }
    let labels: Vec<u32> = (0..BATCH).map(|i| (i % classes) as u32).collect();
    // Real targets for the regression losses, spread around 0 like the outputs, from their own
    // generator so that the classification checks draw the same inputs as without them. Small
    // targets keep the loss small, and with it the f32 rounding of the finite differences.
    let mut target_rng = Rng::new(7, 9);
    let values: Vec<f32> = (0..BATCH).map(|_| 0.5 * target_rng.normal()).collect();
    let y = if cfg.loss.is_regression() { Targets::Values(&values) } else { Targets::Classes(&labels) };
    // Finite differences are wrong where a step of h crosses a kink (ReLU at 0, a maxout tie, a
    // hinge margin), so draw inputs until every kink is at least KINK_GAP away.
    let mut x = Vec::new();
    for attempt in 0..200 {
        x = (0..BATCH * INPUTS).map(|_| rng.normal()).collect();
        model.input_mut(BATCH).data.copy_from_slice(&x);
        model.freeze_dropout(false);
        model.forward(Mode::Train, &mut rng);
        model.freeze_dropout(true);
        if !near_kink(&model, cfg, y) {
            break;
        }
        assert!(attempt < 199, "no kink-free input found");
    }

    model.params.zero_grads();
    model.input_mut(BATCH).data.copy_from_slice(&x);
    model.forward(Mode::Train, &mut rng);
    model.backward(y);
    let mut analytic = model.params.grads.clone();
    for g in model.params.groups.iter().filter(|g| g.kind == overfit::params::ParamKind::Weight) {
        for i in g.range.clone() {
            analytic[i] += decay_gradient(model.params.values[i], cfg.l2, cfg.l1);
        }
    }
    let h = 1e-3f32;
    let mut worst = 0.0f64;
    let trainable: Vec<usize> = model
        .params
        .groups
        .iter()
        .filter(|g| g.kind != overfit::params::ParamKind::Buffer)
        .flat_map(|g| g.range.clone())
        .collect();
    for i in trainable {
        let w = model.params.values[i];
        model.params.values[i] = w + h;
        let plus = total_loss(&mut model, &x, y, cfg);
        model.params.values[i] = w - h;
        let minus = total_loss(&mut model, &x, y, cfg);
        model.params.values[i] = w;
        let numeric = (plus - minus) / (2.0 * h as f64);
        let a = analytic[i] as f64;
        let rel = (a - numeric).abs() / (a.abs() + numeric.abs()).max(1e-2);
        if rel > worst {
            worst = rel;
        }
    }
    worst
}

const KINK_GAP: f32 = 0.02;

/// Whether any ReLU-family input, maxout tie or hinge margin lies within KINK_GAP of its kink.
fn near_kink(model: &Model, cfg: &Config, targets: Targets) -> bool {
    use overfit::layers::Layer;
    for (i, layer) in model.layers.iter().enumerate() {
        let x = model.activation(i);
        match layer {
            Layer::Activation(a) if matches!(a.kind, Activation::Relu | Activation::LeakyRelu | Activation::Elu) => {
                if x.data.iter().any(|v| v.abs() < KINK_GAP) {
                    return true;
                }
            }
            Layer::Maxout(m) => {
                for r in 0..x.rows {
                    for u in 0..m.units {
                        let mut p: Vec<f32> = x.row(r)[u * m.k..(u + 1) * m.k].to_vec();
                        p.sort_by(|a, b| b.total_cmp(a));
                        if p[0] - p[1] < KINK_GAP {
                            return true;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // L1's kink is at residual 0; Huber's second derivative jumps at |residual| = delta.
    if let Targets::Values(t) = targets {
        let s = model.activation(model.layers.len());
        let kinks: &[f32] = match cfg.loss {
            Loss::L1 => &[0.0],
            Loss::Huber => &[-loss::HUBER_DELTA, loss::HUBER_DELTA],
            _ => &[],
        };
        return (0..s.rows).any(|r| kinks.iter().any(|k| (s.row(r)[0] - t[r] - k).abs() < KINK_GAP));
    }
    let Targets::Classes(y) = targets else { return false };
    if cfg.loss == Loss::Hinge {
        let s = model.activation(model.layers.len());
        for r in 0..s.rows {
            let sy = s.row(r)[y[r] as usize];
            for (k, &v) in s.row(r).iter().enumerate() {
                if k != y[r] as usize && (v - sy + cfg.hinge_margin).abs() < KINK_GAP {
                    return true;
                }
            }
        }
    }
    false
}

fn base() -> Config {
    Config { hidden: vec![4, 3], init: WeightInit::Xavier, ..Config::default() }
}

const ACTIVATIONS: [Activation; 7] = [
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Elu,
    Activation::Maxout,
    Activation::Identity,
];

#[test]
fn dense_layers_and_every_activation_with_softmax() {
    for act in ACTIVATIONS {
        let cfg = Config { activation: act, leaky_slope: 0.1, ..base() };
        let err = check(&cfg, 3);
        assert!(err < 2e-2, "{act:?}: relative error {err}");
    }
}

#[test]
fn every_loss() {
    for (loss, classes) in [(Loss::Softmax, 4), (Loss::Hinge, 4), (Loss::Logistic, 2), (Loss::Mse, 1), (Loss::L1, 1), (Loss::Huber, 1)] {
        let cfg = Config { loss, activation: Activation::Tanh, ..base() };
        let err = check(&cfg, classes);
        assert!(err < 2e-2, "{loss:?}: relative error {err}");
    }
}

#[test]
fn normalizations_before_and_after_the_activation() {
    for norm in [Norm::Batch, Norm::Layer] {
        for pos in [NormPosition::Before, NormPosition::After] {
            for act in [Activation::Tanh, Activation::Elu, Activation::Maxout] {
                let cfg = Config { norm, norm_position: pos, activation: act, ..base() };
                let err = check(&cfg, 3);
                assert!(err < 2e-2, "{norm:?} {pos:?} {act:?}: relative error {err}");
            }
        }
    }
}

/// GroupNorm (Wu & He 2018) with G = 1 (LayerNorm), 2, 3 and 4 contiguous groups, before and after
/// the activation. The second layer's GroupNorm passes its input gradient back to the first
/// layer's weights, so its dx is checked along with its gamma and beta. Groups hold at least 3
/// units: with 2, xhat = d / sqrt(d^2 + eps) = +-1 almost everywhere and bends sharply near d = 0,
/// which a finite difference of step 1e-3 cannot follow.
#[test]
fn groupnorm_before_and_after_the_activation() {
    let mut worst: f64 = 0.0;
    for (groups, hidden) in [(1, vec![4, 3]), (2, vec![4, 6]), (3, vec![6, 9]), (4, vec![12, 16])] {
        for pos in [NormPosition::Before, NormPosition::After] {
            for act in [Activation::Tanh, Activation::Elu, Activation::Maxout] {
                let cfg = Config { norm: Norm::Group, groups, hidden: hidden.clone(), norm_position: pos, activation: act, ..base() };
                let err = check(&cfg, 3);
                assert!(err < 2e-2, "GroupNorm G={groups} {pos:?} {act:?}: relative error {err}");
                worst = worst.max(err);
            }
        }
    }
    eprintln!("GroupNorm gradcheck: worst relative error {worst:.3e}");
}

#[test]
fn combinations_batchnorm_dropout_l2_l1_each_activation_each_loss() {
    for act in ACTIVATIONS {
        for (loss, classes) in [(Loss::Softmax, 3), (Loss::Hinge, 3), (Loss::Logistic, 2), (Loss::Mse, 1), (Loss::Huber, 1)] {
            let cfg = Config {
                activation: act,
                loss,
                norm: Norm::Batch,
                dropout: 0.3,
                l2: 0.05,
                l1: 0.01,
                leaky_slope: 0.1,
                ..base()
            };
            let err = check(&cfg, classes);
            assert!(err < 2e-2, "{act:?} {loss:?}: relative error {err}");
        }
    }
}

#[test]
fn loss_gradients_with_respect_to_scores() {
    // Direct check of dL/ds for each loss on random scores.
    let mut rng = Rng::new(8, 0);
    for (kind, c) in [(Loss::Softmax, 5), (Loss::Hinge, 5), (Loss::Logistic, 1), (Loss::Mse, 1), (Loss::L1, 1), (Loss::Huber, 1)] {
        let b = 4;
        let s: Vec<f32> = (0..b * c).map(|_| 2.0 * rng.normal()).collect();
        let classes: Vec<u32> = (0..b).map(|i| if c == 1 { (i % 2) as u32 } else { (i % c) as u32 }).collect();
        // Targets 0.5 away from the scores on either side: residuals of ±0.5 and ±1.5 keep clear
        // of L1's kink at 0 and Huber's at ±1.
        let values: Vec<f32> = (0..b).map(|i| s[i] + [0.5, -0.5, 1.5, -1.5][i % 4]).collect();
        let labels = if kind.is_regression() { Targets::Values(&values) } else { Targets::Classes(&classes) };
        let scores = overfit::tensor::Matrix::from_vec(b, c, s.clone());
        let mut g = overfit::tensor::Matrix::zeros(b, c);
        loss::compute(kind, 1.0, &scores, labels, Some(&mut g));
        for i in 0..b * c {
            let h = 1e-3;
            let mut p = s.clone();
            p[i] += h;
            let lp = loss::compute(kind, 1.0, &overfit::tensor::Matrix::from_vec(b, c, p.clone()), labels, None).loss_sum;
            p[i] -= 2.0 * h;
            let lm = loss::compute(kind, 1.0, &overfit::tensor::Matrix::from_vec(b, c, p), labels, None).loss_sum;
            let numeric = (lp - lm) / (2.0 * h as f64) / b as f64;
            assert!((numeric - g.data[i] as f64).abs() < 2e-3, "{kind:?} score {i}: {numeric} vs {}", g.data[i]);
        }
    }
}

/// The GroupNorm layer on its own: dx, dgamma and dbeta of L = sum_ij c_ij y_ij against central
/// differences in f64 of the f32 forward pass, for G = 1, 2, 3 and 4 of 12 units (groups of at
/// least 3 units, see above).
#[test]
fn groupnorm_layer_input_and_parameter_gradients() {
    use overfit::layers::GroupNorm;
    use overfit::params::Params;
    use overfit::tensor::Matrix;
    let (b, n) = (4, 12);
    let mut worst: f64 = 0.0;
    for groups in [1, 2, 3, 4] {
        let mut rng = Rng::new(5, groups as u64);
        let mut params = Params::default();
        let mut gn = GroupNorm::new(&mut params, n, groups, 1);
        for v in params.values.iter_mut() {
            *v += 0.5 * rng.normal();
        }
        let x: Vec<f32> = (0..b * n).map(|_| rng.normal()).collect();
        let c: Vec<f32> = (0..b * n).map(|_| rng.normal()).collect();
        let loss = |gn: &mut GroupNorm, p: &[f32], x: &[f32]| -> f64 {
            let mut y = Matrix::zeros(b, n);
            gn.forward(p, &Matrix::from_vec(b, n, x.to_vec()), &mut y);
            y.data.iter().zip(&c).map(|(&y, &c)| y as f64 * c as f64).sum()
        };
        let mut y = Matrix::zeros(b, n);
        gn.forward(&params.values, &Matrix::from_vec(b, n, x.clone()), &mut y);
        let dy = Matrix::from_vec(b, n, c.clone());
        let mut dx = Matrix::zeros(b, n);
        params.zero_grads();
        gn.backward(&params.values, &mut params.grads, &dy, &mut dx);
        // A step of 1e-2: the f32 rounding of the loss is what limits smaller steps here.
        let h = 1e-2f32;
        let rel = |a: f64, num: f64| (a - num).abs() / (a.abs() + num.abs()).max(1e-2);
        for i in 0..b * n {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[i] += h;
            xm[i] -= h;
            let num = (loss(&mut gn, &params.values, &xp) - loss(&mut gn, &params.values, &xm)) / (2.0 * h as f64);
            worst = worst.max(rel(dx.data[i] as f64, num));
        }
        for i in 0..params.values.len() {
            let (mut pp, mut pm) = (params.values.clone(), params.values.clone());
            pp[i] += h;
            pm[i] -= h;
            let num = (loss(&mut gn, &pp, &x) - loss(&mut gn, &pm, &x)) / (2.0 * h as f64);
            worst = worst.max(rel(params.grads[i] as f64, num));
        }
    }
    eprintln!("GroupNorm layer gradcheck: worst relative error {worst:.3e}");
    assert!(worst < 2e-3, "relative error {worst}");
}
