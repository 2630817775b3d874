//! The lecture's claims and the toolbox's invariants, checked as properties: dropout, BatchNorm,
//! LayerNorm, L2 decay, early stopping, ensembles, schedules, zero init, and the init lab.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Activation, Config, Dataset, WeightInit, Norm, Optimizer, Schedule};
use overfit::init_lab;
use overfit::layers::{BatchNorm, Dropout, LayerNorm, Mode};
use overfit::optim::{Hyper, OptimizerState};
use overfit::params::{ParamKind, Params};
use overfit::rng::Rng;
use overfit::tensor::Matrix;
use overfit::Trainer;

fn random(rows: usize, cols: usize, seed: u64) -> Matrix {
    let mut r = Rng::new(seed, 0);
    Matrix::from_vec(rows, cols, (0..rows * cols).map(|_| 3.0 * r.normal() + 1.0).collect())
}

#[test]
fn dropout_with_p_zero_is_the_identity_in_training() {
    let x = random(8, 5, 1);
    let mut y = Matrix::zeros(8, 5);
    let mut d = Dropout::new(0.0, true);
    d.forward(&x, &mut y, Mode::Train, &mut Rng::new(1, 0));
    assert_eq!(x, y);
}

#[test]
fn dropout_in_eval_mode_is_the_identity() {
    let x = random(8, 5, 2);
    let mut y = Matrix::zeros(8, 5);
    for scale in [true, false] {
        let mut d = Dropout::new(0.5, scale);
        d.forward(&x, &mut y, Mode::Eval, &mut Rng::new(1, 0));
        assert_eq!(x, y);
    }
}

#[test]
fn inverted_dropout_preserves_the_mean_and_unscaled_dropout_does_not() {
    let x = Matrix::from_vec(1, 4, vec![1.0, -2.0, 0.5, 3.0]);
    let mut y = Matrix::zeros(1, 4);
    let mut rng = Rng::new(3, 0);
    for (scale, factor) in [(true, 1.0f64), (false, 0.7)] {
        let mut d = Dropout::new(0.3, scale);
        let mut sum = [0.0f64; 4];
        let n = 200_000;
        for _ in 0..n {
            d.forward(&x, &mut y, Mode::Train, &mut rng);
            for j in 0..4 {
                sum[j] += y.data[j] as f64;
            }
        }
        for j in 0..4 {
            let mean = sum[j] / n as f64;
            let want = x.data[j] as f64 * factor;
            assert!((mean - want).abs() < 0.01 * want.abs().max(1.0), "scale={scale} unit {j}: {mean} vs {want}");
        }
    }
}

#[test]
fn batch_norm_train_output_is_standardized_per_feature() {
    let mut p = Params::default();
    let mut bn = BatchNorm::new(&mut p, 6, 0.9, 1);
    let x = random(32, 6, 4);
    let mut y = Matrix::zeros(32, 6);
    bn.forward(&mut p.values, &x, &mut y, Mode::Train);
    for j in 0..6 {
        let col: Vec<f64> = (0..32).map(|r| y.data[r * 6 + j] as f64).collect();
        let mean = col.iter().sum::<f64>() / 32.0;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 32.0;
        assert!(mean.abs() < 1e-5, "feature {j} mean {mean}");
        assert!((var - 1.0).abs() < 1e-3, "feature {j} var {var}");
    }
}

#[test]
fn batch_norm_eval_output_of_a_sample_ignores_the_rest_of_the_batch() {
    let mut p = Params::default();
    let mut bn = BatchNorm::new(&mut p, 4, 0.9, 1);
    let mut y = Matrix::zeros(0, 4);
    for s in 0..5 {
        bn.forward(&mut p.values, &random(16, 4, 10 + s), &mut y, Mode::Train);
    }
    let a = random(8, 4, 20);
    let mut b = random(8, 4, 21);
    b.row_mut(0).copy_from_slice(a.row(0));
    let mut ya = Matrix::zeros(8, 4);
    let mut yb = Matrix::zeros(8, 4);
    bn.forward(&mut p.values, &a, &mut ya, Mode::Eval);
    bn.forward(&mut p.values, &b, &mut yb, Mode::Eval);
    assert_eq!(ya.row(0), yb.row(0));
    // With batch statistics (the mistake the page can show) it does depend on the others.
    bn.forward(&mut p.values, &a, &mut ya, Mode::EvalBatchStats);
    bn.forward(&mut p.values, &b, &mut yb, Mode::EvalBatchStats);
    assert_ne!(ya.row(0), yb.row(0));
}

#[test]
fn layer_norm_output_is_standardized_per_sample() {
    let mut p = Params::default();
    let mut ln = LayerNorm::new(&mut p, 10, 1);
    let x = random(5, 10, 6);
    let mut y = Matrix::zeros(5, 10);
    ln.forward(&p.values, &x, &mut y);
    for r in 0..5 {
        let row = y.row(r);
        let mean = row.iter().map(|&v| v as f64).sum::<f64>() / 10.0;
        let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / 10.0;
        assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-3, "row {r}: {mean} {var}");
    }
}

#[test]
fn sgd_with_l2_and_zero_data_gradient_scales_weights_by_one_minus_lr_lambda() {
    let mut p = Params::default();
    let w = p.add("w", ParamKind::Weight, 5, 0.0);
    let b = p.add("b", ParamKind::Bias, 2, 0.0);
    p.values.copy_from_slice(&[1.0, -2.0, 0.5, 3.0, -0.25, 7.0, -7.0]);
    let before = p.values.clone();
    let (lr, lambda) = (0.1f32, 0.3f32);
    let h = Hyper { lr, momentum: 0.0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, l2: lambda, l1: 0.0 };
    let mut opt = OptimizerState::new(Optimizer::Sgd, p.values.len());
    opt.step(&mut p, &h);
    for i in w {
        let want = before[i] * (1.0 - lr * lambda);
        assert!((p.values[i] - want).abs() <= f32::EPSILON * want.abs() * 2.0, "{} vs {want}", p.values[i]);
    }
    // Biases are not decayed.
    for i in b {
        assert_eq!(p.values[i], before[i]);
    }
}

#[test]
fn early_stopping_restores_the_best_epoch() {
    // A big network on few noisy points overfits, so the validation loss turns up.
    let cfg = Config { points: 120, noise: 0.4, hidden: vec![128, 128], patience: 5, epochs: 500, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let spe = t.steps_per_epoch();
    let r = t.run(500 * spe);
    assert!(r.stopped, "early stopping should trigger");
    let best = r.best_epoch.unwrap();
    let best_rec = t.history.iter().find(|h| h.epoch == best).unwrap().clone();
    assert_eq!(t.history.last().unwrap().epoch, best + cfg.patience);
    let (val_loss, val_score, _) = t.evaluate_split(false, Mode::Eval);
    assert_eq!(val_score, best_rec.val_score);
    assert_eq!(val_loss, best_rec.val_loss);
}

#[test]
fn an_ensemble_reports_members_and_is_not_worse_than_its_average_member() {
    let cfg = Config { ensemble: 5, points: 300, noise: 0.3, hidden: vec![32], ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let spe = t.steps_per_epoch();
    t.run(30 * spe);
    let last = t.history.last().unwrap();
    assert_eq!(last.members_val_score.len(), 5);
    let mean = last.members_val_score.iter().sum::<f32>() / 5.0;
    // Members differ (own init, own bootstrap sample).
    assert!(last.members_val_score.iter().any(|&a| a != last.members_val_score[0]));
    assert!(last.val_score >= mean - 0.02, "ensemble {} vs mean member {mean}", last.val_score);
}

#[test]
fn step_schedule_decays_the_learning_rate() {
    let cfg = Config { schedule: Schedule::Step, decay_every: 2, decay_factor: 0.5, learning_rate: 0.08, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let spe = t.steps_per_epoch();
    t.run(6 * spe);
    let lrs: Vec<f32> = t.history.iter().map(|h| h.lr).collect();
    assert_eq!(lrs, vec![0.08, 0.04, 0.04, 0.02, 0.02, 0.01]);
}

#[test]
fn zero_init_keeps_hidden_units_identical() {
    // The symmetry problem: with all weights 0 every hidden unit computes the same function
    // and receives the same gradient, forever.
    let cfg = Config { init: WeightInit::Zeros, hidden: vec![8], activation: Activation::Tanh, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    t.run(200);
    let m = t.model();
    let w1 = &m.params.values[m.params.groups[0].range.clone()]; // 2 x 8
    for r in 0..2 {
        let row = &w1[r * 8..(r + 1) * 8];
        assert!(row.iter().all(|&v| v == row[0]), "row {r}: {row:?}");
    }
}

#[test]
fn batch_norm_makes_a_deep_sigmoid_net_trainable() {
    let base = Config {
        dataset: Dataset::Spiral,
        hidden: vec![32; 8],
        activation: Activation::Sigmoid,
        init: WeightInit::Normal001,
        optimizer: Optimizer::Sgd,
        learning_rate: 0.1,
        ..Config::default()
    };
    let acc = |cfg: &Config| {
        let mut t = Trainer::new(cfg).unwrap();
        let spe = t.steps_per_epoch();
        t.run(20 * spe);
        t.history.last().unwrap().val_score
    };
    let plain = acc(&base);
    let bn = acc(&Config { norm: Norm::Batch, ..base.clone() });
    assert!(plain < 0.5, "without BatchNorm the deep sigmoid net should be stuck, got {plain}");
    assert!(bn > plain + 0.2, "BatchNorm {bn} vs plain {plain}");
}

fn lab(init: WeightInit, act: Activation) -> init_lab::LabReport {
    init_lab::run(&Config { lab_init: init, lab_activation: act, ..Config::default() })
}

#[test]
fn init_lab_small_init_makes_tanh_activations_and_gradients_vanish() {
    let r = lab(WeightInit::Normal001, Activation::Tanh);
    assert_eq!(r.layers.len(), 10);
    for w in r.layers.windows(2) {
        assert!(w[1].std < 0.5 * w[0].std, "std must shrink layer by layer");
    }
    assert!(r.layers[9].std < 1e-5, "last layer std {}", r.layers[9].std);
    assert!(r.layers[0].grad_std < 1e-4 * r.layers[9].grad_std, "gradients vanish towards the input");
}

#[test]
fn init_lab_unit_init_saturates_tanh() {
    let r = lab(WeightInit::Normal1, Activation::Tanh);
    for l in &r.layers {
        assert!(l.saturated > 0.8, "layer {}: {} saturated", l.layer, l.saturated);
    }
}

#[test]
fn init_lab_xavier_keeps_tanh_alive() {
    let r = lab(WeightInit::Xavier, Activation::Tanh);
    for l in &r.layers {
        assert!(l.std > 0.15 && l.saturated < 0.05, "layer {}: std {} saturated {}", l.layer, l.std, l.saturated);
    }
}

#[test]
fn init_lab_relu_xavier_halves_the_variance_and_he_keeps_it() {
    let x = lab(WeightInit::Xavier, Activation::Relu);
    let h = lab(WeightInit::He, Activation::Relu);
    for w in x.layers.windows(2) {
        let ratio = (w[1].std / w[0].std).powi(2);
        assert!((ratio - 0.5).abs() < 0.1, "Xavier+ReLU variance ratio {ratio}");
    }
    for w in h.layers.windows(2) {
        let ratio = (w[1].std / w[0].std).powi(2);
        assert!((ratio - 1.0).abs() < 0.15, "He+ReLU variance ratio {ratio}");
    }
    for r in [&x, &h] {
        // About half of the activations are 0, but almost every unit fires for some input:
        // none in the first layer, and a small fraction deeper down.
        assert!(r.layers.iter().all(|l| (l.zeros - 0.5).abs() < 0.05), "ReLU zeroes about half of the values");
        assert_eq!(r.layers[0].dead, 0.0, "a first-layer ReLU fires for some of 1,000 Gaussian inputs");
        for l in &r.layers {
            assert!(l.dead <= l.zeros && l.dead < 0.15, "layer {}: {} dead, {} zeros", l.layer, l.dead, l.zeros);
        }
    }
}

#[test]
fn init_lab_tanh_units_are_never_dead() {
    for init in [WeightInit::Normal001, WeightInit::Normal1, WeightInit::Xavier] {
        let r = lab(init, Activation::Tanh);
        assert!(r.layers.iter().all(|l| l.dead == 0.0 && l.zeros == 0.0), "{init:?}: a tanh unit output 0");
    }
}

#[test]
fn live_layer_view_counts_dead_units_not_zero_values() {
    // The default network (He + ReLU, two hidden layers of 64) on the spiral: about half of the
    // activations are 0, but at initialization few units are 0 for every probe sample, and after
    // training the dead units stay well below the zero values.
    let mut t = Trainer::new(&Config::default()).unwrap();
    let spe = t.steps_per_epoch();
    for (epochs, max_dead) in [(0, 0.1), (10, 0.4)] {
        t.run(epochs * spe);
        for v in t.layer_stats() {
            let a = &v.act;
            eprintln!("after {epochs} epochs, layer {}: dead {}, zeros {}", v.layer, a.dead, a.zeros);
            assert!(a.zeros > 0.3, "layer {}: {} zeros", v.layer, a.zeros);
            assert!(a.dead < max_dead && a.dead < a.zeros - 0.2, "layer {}: {} dead, {} zeros", v.layer, a.dead, a.zeros);
            assert_eq!(a.saturated, 0.0);
        }
    }
}

#[test]
fn layer_stats_do_not_change_training() {
    let cfg = Config { dropout: 0.3, norm: Norm::Batch, ..Config::default() };
    let mut a = Trainer::new(&cfg).unwrap();
    let mut b = Trainer::new(&cfg).unwrap();
    for _ in 0..30 {
        a.run(7);
        b.run(7);
        let views = b.layer_stats();
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].act.hist.counts.iter().sum::<u32>() as usize, 256 * 64);
    }
    assert_eq!(a.run(1).batch_loss.to_bits(), b.run(1).batch_loss.to_bits());
}

#[test]
fn evaluating_batchnorm_with_batch_statistics_of_tiny_batches_hurts() {
    let cfg = Config { norm: Norm::Batch, hidden: vec![32, 32], ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let spe = t.steps_per_epoch();
    t.run(20 * spe);
    let (_, running, _) = t.evaluate_split(false, Mode::Eval);
    let mut switched = cfg.clone();
    switched.eval_batch_stats = true;
    switched.batch_size = 2;
    t.update_hyper(&switched);
    let (_, batch_stats, _) = t.evaluate_split(false, t.eval_mode());
    eprintln!("validation accuracy: running averages {running}, statistics of batches of 2: {batch_stats}");
    assert!(running > 0.9);
    assert!(batch_stats < running - 0.1, "batch stats {batch_stats} vs running {running}");
}

/// `backward_fresh` (gradients written, not added, no zeroing pass) gives the same gradients bit
/// for bit as zeroing them and adding, with dropout on and off (an identity dropout is skipped
/// by aliasing its input) and with BatchNorm and LayerNorm parameters.
#[test]
fn backward_fresh_equals_zeroing_then_backward_bit_for_bit() {
    use overfit::model::Model;
    use overfit::config::NormPosition;
    let configs = [
        Config { hidden: vec![7, 6], dropout: 0.0, ..Config::default() },
        Config { hidden: vec![7, 6], dropout: 0.3, ..Config::default() },
        Config { hidden: vec![7, 6], norm: Norm::Batch, norm_position: NormPosition::Before, ..Config::default() },
        Config { hidden: vec![5], norm: Norm::Layer, norm_position: NormPosition::After, activation: Activation::Tanh, ..Config::default() },
    ];
    for cfg in configs {
        let mut model = Model::new(&cfg, 4, 3, &mut Rng::new(3, 0));
        let x = random(9, 4, 5);
        let y: Vec<u32> = (0..9).map(|i| i % 3).collect();
        // Stale gradients from an earlier step, which both ways must discard.
        model.params.grads.iter_mut().enumerate().for_each(|(i, g)| *g = i as f32 * 0.25 - 3.0);
        let mut a = model.clone();
        let mut b = model.clone();
        a.input_mut(9).data.copy_from_slice(&x.data);
        b.input_mut(9).data.copy_from_slice(&x.data);
        a.forward(Mode::Train, &mut Rng::new(8, 0));
        b.forward(Mode::Train, &mut Rng::new(8, 0));
        a.params.zero_grads();
        let la = a.backward(overfit::loss::Targets::Classes(&y));
        let lb = b.backward_fresh(overfit::loss::Targets::Classes(&y));
        assert_eq!(la, lb);
        let same = a.params.grads.iter().zip(&b.params.grads).all(|(p, q)| p.to_bits() == q.to_bits());
        assert!(same, "gradients differ for {cfg:?}");
        for i in 0..=a.layers.len() {
            assert_eq!(a.activation(i), b.activation(i));
        }
    }
}

/// Compare A/B states "same data, seed and initial weights" when A and B differ only in settings
/// that act during training: those configs must build bit-identical data and first weights.
#[test]
fn configs_differing_only_in_training_settings_start_from_the_same_data_and_weights() {
    let a = Config::default();
    let variants = [
        Config { dropout: 0.5, ..a.clone() },
        Config { l2: 0.01, l1: 0.001, ..a.clone() },
        Config { learning_rate: 0.3, optimizer: Optimizer::Sgd, ..a.clone() },
        Config { activation: Activation::Tanh, ..a.clone() },
        Config { batch_size: 8, patience: 5, ..a.clone() },
        Config { loss: overfit::config::Loss::Hinge, ..a.clone() },
    ];
    let ta = Trainer::new(&a).unwrap();
    for b in variants {
        let tb = Trainer::new(&b).unwrap();
        assert_eq!(ta.data.train_x.data, tb.data.train_x.data, "training data differ for {b:?}");
        let same = ta.model().params.values.iter().zip(&tb.model().params.values).all(|(p, q)| p.to_bits() == q.to_bits());
        assert!(same && ta.model().params.values.len() == tb.model().params.values.len(), "initial weights differ for {b:?}");
    }
    // A change of seed or init does change them (the panel then says so).
    let other = Trainer::new(&Config { seed: 2, ..a.clone() }).unwrap();
    assert_ne!(ta.model().params.values, other.model().params.values);
}
