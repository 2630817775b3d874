//! End-to-end properties of training: reproducibility, the default network learning the spiral,
//! hyper-parameter updates without a rebuild, and divergence handling.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Config, Optimizer};
use overfit::train::needs_rebuild;
use overfit::Trainer;

fn losses(cfg: &Config, steps: usize) -> Vec<f32> {
    let mut t = Trainer::new(cfg).unwrap();
    (0..steps).map(|_| t.run(1).batch_loss).collect()
}

#[test]
fn same_seed_gives_bit_identical_losses() {
    let cfg = Config { dropout: 0.2, ..Config::default() };
    let a = losses(&cfg, 200);
    let b = losses(&cfg, 200);
    assert_eq!(a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), b.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    let c = losses(&Config { seed: 2, ..cfg }, 200);
    assert_ne!(a, c, "a different seed must give a different run");
}

#[test]
fn default_network_learns_the_3_class_spiral() {
    let cfg = Config::default();
    assert_eq!((cfg.dataset, cfg.classes), (overfit::config::Dataset::Spiral, 3));
    let mut t = Trainer::new(&cfg).unwrap();
    // Fixed budget: 40 epochs.
    let spe = t.steps_per_epoch();
    t.run(40 * spe);
    let last = t.history.last().unwrap();
    assert_eq!(last.epoch, 40);
    assert!(last.val_score >= 0.95, "validation accuracy {}", last.val_score);
    assert!(last.train_score >= 0.95, "training accuracy {}", last.train_score);
}

#[test]
fn every_dataset_and_optimizer_learns_something() {
    for ds in ["circles", "xor", "blobs", "moons", "spiral"] {
        for opt in [Optimizer::Sgd, Optimizer::Momentum, Optimizer::Adam] {
            let lr = if opt == Optimizer::Adam { 0.01 } else { 0.1 };
            let cfg = Config {
                dataset: serde_json::from_value(serde_json::json!(ds)).unwrap(),
                optimizer: opt,
                learning_rate: lr,
                ..Config::default()
            };
            let mut t = Trainer::new(&cfg).unwrap();
            let spe = t.steps_per_epoch();
            t.run(15 * spe);
            let first = &t.history[0];
            let last = t.history.last().unwrap();
            assert!(last.train_loss < first.train_loss, "{ds} {opt:?}: loss {} -> {}", first.train_loss, last.train_loss);
            let chance = 1.0 / t.data.classes as f32;
            assert!(last.val_score > chance + 0.15, "{ds} {opt:?}: val acc {}", last.val_score);
        }
    }
}

#[test]
fn learning_rate_is_a_hyper_parameter_and_layers_are_structure() {
    let a = Config::default();
    assert!(!needs_rebuild(&a, &Config { learning_rate: 0.5, batch_size: 8, l2: 0.1, dropout: 0.3, ..a.clone() }));
    assert!(needs_rebuild(&a, &Config { hidden: vec![8], ..a.clone() }));
    assert!(needs_rebuild(&a, &Config { seed: 9, ..a.clone() }));
    // Changing the learning rate mid-run keeps the step count and the weights.
    let mut t = Trainer::new(&a).unwrap();
    t.run(50);
    t.update_hyper(&Config { learning_rate: 0.001, ..a.clone() });
    let r = t.run(1);
    assert_eq!(r.step, 51);
    assert_eq!(t.current_lr(), 0.001);
}

#[test]
fn a_huge_learning_rate_diverges_and_keeps_the_last_good_weights() {
    let cfg = Config { optimizer: Optimizer::Sgd, learning_rate: 10.0, init: overfit::config::WeightInit::Normal1, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let r = t.run(5000);
    assert!(r.diverged, "expected divergence");
    let at = r.diverged_at_step.unwrap();
    assert!(at <= r.step);
    assert!(t.model().params.values.iter().all(|v| v.is_finite()), "restored weights must be finite");
    // Further runs do nothing.
    assert_eq!(t.run(10).step, r.step);
}

/// Found by the property test: with hinge loss, NaN scores satisfied every margin (max(0, NaN)
/// is 0), so the weights became NaN while the loss read 0 and divergence was never reported.
#[test]
fn hinge_loss_with_overflowing_weights_is_reported_as_divergence() {
    let v = serde_json::json!({
        "activation": "elu", "batch_size": 1, "classes": 2, "crop_pad": 0, "dataset": "arrows",
        "dropout": 0.5978976442028706, "ensemble": 2, "hflip": 0.7959624779551026, "hidden": [9, 5],
        "image_size": 8, "init": "uniform", "l2": 0.24812709420991452,
        "learning_rate": 6.7049834392684895, "loss": "hinge", "norm": "none", "optimizer": "sgd",
        "points": 60, "test_time": "flip"
    });
    let cfg = Config::from_value(&v).unwrap();
    let mut t = Trainer::new(&cfg).unwrap();
    let r = t.run(200);
    assert!(r.diverged, "expected divergence, batch loss {}", r.batch_loss);
    assert!(t.model().params.values.iter().all(|v| v.is_finite()), "restored weights must be finite");
}

#[test]
fn hinge_loss_of_non_finite_scores_is_not_finite() {
    use overfit::config::Loss;
    use overfit::tensor::Matrix;
    let mut scores = Matrix::zeros(1, 3);
    scores.data.copy_from_slice(&[f32::NAN, 0.0, 1.0]);
    let l = overfit::loss::compute(Loss::Hinge, 1.0, &scores, overfit::loss::Targets::Classes(&[1]), None);
    assert!(l.loss_sum.is_nan());
}

#[test]
fn training_pauses_at_stop_at_epoch_and_goes_on_when_it_is_raised() {
    let cfg = Config { stop_at_epoch: 5, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let r = t.run(100_000);
    assert_eq!((r.epoch, r.at_stop_epoch), (5, true));
    assert_eq!(r.step, 5 * r.steps_per_epoch as u64);
    // Another call does nothing while the stop stands.
    assert_eq!(t.run(10).step, r.step);
    // Raised to 7: training goes on to the end of epoch 7; cleared: it runs freely.
    t.update_hyper(&Config { stop_at_epoch: 7, ..cfg.clone() });
    let r = t.run(100_000);
    assert_eq!((r.epoch, r.at_stop_epoch), (7, true));
    t.update_hyper(&Config { stop_at_epoch: 0, ..cfg.clone() });
    let r = t.run(3);
    assert!(!r.at_stop_epoch);
    assert_eq!(r.step, 7 * r.steps_per_epoch as u64 + 3);
}

#[test]
fn an_ensembles_validation_loss_is_never_above_its_members_mean() {
    // -log is convex, so the cross-entropy of averaged probabilities is at most the members'
    // mean cross-entropy (Jensen), for every epoch and seed; accuracy has no such guarantee.
    for seed in 1..=3 {
        let cfg = Config { seed, points: 80, val_fraction: 0.5, noise: 0.3, hidden: vec![64, 64], ensemble: 5, ..Config::default() };
        let mut t = Trainer::new(&cfg).unwrap();
        let r = t.run(40 * 3);
        for e in &r.evals {
            assert_eq!(e.members_val_loss.len(), 5);
            let mean = e.members_val_loss.iter().sum::<f32>() / 5.0;
            assert!(e.val_loss <= mean + 1e-5, "seed {seed} epoch {}: ensemble {} vs members' mean {mean}", e.epoch, e.val_loss);
        }
    }
}
