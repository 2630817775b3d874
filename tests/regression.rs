//! Regression end to end: the losses against hand-computed references, R^2 and RMSE, the 1D and
//! 2D datasets, the lecture's overfitting picture (a big net threads 10 noisy points), ensembles
//! of regressors, the loss/dataset rule, and the data seed.

use overfit::config::{Config, Dataset, Loss};
use overfit::loss::{self, Targets};
use overfit::tensor::Matrix;
use overfit::train::{r_squared, Trainer};

/// Reference values, from Python with the residuals rounded to f32 as Overfit computes them:
///
/// ```text
/// python3 -c '
/// import struct
/// f32 = lambda v: struct.unpack("f", struct.pack("f", v))[0]
/// s = [0.5, -1.25, 2.0, 0.1]; t = [0.0, 1.0, -0.5, 0.1]
/// d = [f32(a - b) for a, b in zip(s, t)]
/// print("mse", sum(x * x for x in d) / 4, "l1", sum(abs(x) for x in d) / 4,
///       "huber", sum(0.5 * x * x if abs(x) <= 1 else abs(x) - 0.5 for x in d) / 4)
/// print("grad mse", [2 * x / 4 for x in d], "huber", [max(-1, min(1, x)) / 4 for x in d])'
/// ```
/// prints `mse 2.890625 l1 1.3125 huber 0.96875`, `grad mse [0.25, -1.125, 1.25, 0.0] huber
/// [0.125, -0.25, 0.25, 0.0]`.
#[test]
fn regression_losses_match_the_python_reference() {
    let scores = Matrix::from_vec(4, 1, vec![0.5, -1.25, 2.0, 0.1]);
    let t = [0.0f32, 1.0, -0.5, 0.1];
    let mut g = Matrix::zeros(4, 1);
    for (kind, want, grad) in [
        (Loss::Mse, 2.890625, Some([0.25f32, -1.125, 1.25, 0.0])),
        (Loss::L1, 1.3125, Some([0.25, -0.25, 0.25, 0.0])),
        (Loss::Huber, 0.96875, Some([0.125, -0.25, 0.25, 0.0])),
    ] {
        let b = loss::compute(kind, 1.0, &scores, Targets::Values(&t), Some(&mut g));
        assert!((b.loss_sum / 4.0 - want).abs() < 1e-6, "{kind:?}: {}", b.loss_sum / 4.0);
        assert!((b.sq_err_sum - 4.0 * 2.890625).abs() < 1e-5, "{kind:?} squared error {}", b.sq_err_sum);
        assert_eq!(b.correct, 0);
        if let Some(grad) = grad {
            for (i, (&got, want)) in g.data.iter().zip(grad).enumerate() {
                assert!((got - want).abs() < 1e-7, "{kind:?} dL/ds[{i}]: {got} vs {want}");
            }
        }
    }
    // A NaN score is the divergence signal for every regression loss.
    let nan = Matrix::from_vec(1, 1, vec![f32::NAN]);
    for kind in [Loss::Mse, Loss::L1, Loss::Huber] {
        assert!(loss::compute(kind, 1.0, &nan, Targets::Values(&[0.0]), None).loss_sum.is_nan(), "{kind:?}");
    }
}

/// R^2 = 1 - SSE / SST: predictions [1.5, 2, 2.5, 4.5] of targets [1, 2, 3, 4] have SSE 0.75 and
/// SST 5, so R^2 = 0.85 (python3: `1 - 0.75 / 5`).
#[test]
fn r_squared_follows_its_definition() {
    assert!((r_squared(0.75, &[1.0, 2.0, 3.0, 4.0]) - 0.85).abs() < 1e-7);
    assert_eq!(r_squared(0.0, &[2.0, 2.0]), 1.0);
    assert_eq!(r_squared(1.0, &[2.0, 2.0]), 0.0);
    // Worse than the mean is negative.
    assert!(r_squared(10.0, &[1.0, 2.0, 3.0, 4.0]) < 0.0);
}

fn run(cfg: &Config) -> Trainer {
    cfg.validate().unwrap();
    let mut t = Trainer::new(cfg).unwrap();
    while t.epoch < cfg.epochs && !t.finished() {
        let spe = t.steps_per_epoch();
        t.run(spe);
    }
    t
}

#[test]
fn a_net_fits_each_regression_set_and_reports_r2_and_rmse() {
    for dataset in [Dataset::Sine, Dataset::Step, Dataset::Cubic, Dataset::Plane, Dataset::Gaussians] {
        let cfg = Config { dataset, loss: Loss::Mse, noise: 0.05, points: 400, hidden: vec![32, 32], epochs: 80, ..Config::default() };
        let t = run(&cfg);
        let last = t.history.last().unwrap();
        let (rmse, r2) = (last.val_rmse.unwrap(), last.val_score);
        println!("{dataset:?}: val R^2 {r2:.3}, RMSE {rmse:.3}, MSE {:.4}", last.val_loss);
        // The record's MSE is the square of its RMSE.
        assert!((rmse * rmse - last.val_loss).abs() < 1e-4 * (1.0 + last.val_loss), "{dataset:?}");
        assert!(r2 > 0.8, "{dataset:?}: validation R^2 {r2}");
    }
}

#[test]
fn a_big_net_threads_every_one_of_ten_noisy_points() {
    // The lecture's picture: 20 samples, half for validation, a tanh net of 3 x 128 units
    // trained full-batch (the settings of the "threads every point" demo).
    for seed in 1..=3 {
        let cfg = Config {
            dataset: Dataset::FewPoints,
            loss: Loss::Mse,
            noise: 0.3,
            val_fraction: 0.5,
            hidden: vec![128, 128, 128],
            activation: overfit::config::Activation::Tanh,
            learning_rate: 0.003,
            batch_size: 10,
            epochs: 600,
            seed,
            ..Config::default()
        };
        let t = run(&cfg);
        assert_eq!(t.data.train_x.rows, 10);
        let last = t.history.last().unwrap();
        println!("seed {seed}: train MSE {:.5}, val MSE {:.4}", last.train_loss, last.val_loss);
        assert!(last.train_loss < 0.1 * last.val_loss, "seed {seed}: train {} val {}", last.train_loss, last.val_loss);
    }
}

#[test]
fn huber_and_l1_train_too_and_ensembles_average_predictions() {
    for loss in [Loss::L1, Loss::Huber] {
        let cfg = Config { dataset: Dataset::Sine, loss, noise: 0.05, hidden: vec![32, 32], epochs: 60, ensemble: 3, ..Config::default() };
        let t = run(&cfg);
        let last = t.history.last().unwrap();
        assert_eq!(last.members_val_score.len(), 3);
        assert!(last.val_score > 0.8, "{loss:?}: R^2 {}", last.val_score);
        // For the convex losses, the loss of the averaged prediction is at most the members'
        // mean loss (Jensen).
        let mean = last.members_val_loss.iter().sum::<f32>() / 3.0;
        assert!(last.val_loss <= mean + 1e-6, "{loss:?}: ensemble {} vs members' mean {mean}", last.val_loss);
    }
}

#[test]
fn a_missing_loss_is_the_datasets_own_default() {
    let c = Config::from_json(r#"{"dataset": "sine"}"#).unwrap();
    assert_eq!(c.loss, Loss::Mse);
    let (c, problems) = Config::from_value_lenient(&serde_json::json!({"dataset": "gaussians"}));
    assert_eq!((c.loss, problems.len()), (Loss::Mse, 0));
    // A loss that is given but does not fit is an error (strict) or repaired (lenient).
    assert_eq!(Config::from_json(r#"{"dataset": "sine", "loss": "hinge"}"#).unwrap_err().field, "loss");
    let (c, problems) = Config::from_value_lenient(&serde_json::json!({"dataset": "sine", "loss": "hinge"}));
    assert_eq!((c.dataset, c.loss, problems[0].field.as_str()), (Dataset::Sine, Loss::Mse, "loss"));
}

#[test]
fn the_loss_must_fit_the_problem() {
    let e = Config { dataset: Dataset::Sine, ..Config::default() }.validate().unwrap_err();
    assert_eq!(e.field, "loss");
    assert!(e.message.contains("mse, l1 or huber"), "{}", e.message);
    let e = Config { loss: Loss::Mse, ..Config::default() }.validate().unwrap_err();
    assert_eq!(e.field, "loss");
    assert!(e.message.contains("softmax, hinge or logistic"), "{}", e.message);
}

#[test]
fn the_data_seed_changes_the_data_and_nothing_else() {
    let base = Config { dataset: Dataset::Sine, loss: Loss::Mse, ..Config::default() };
    let a = Trainer::new(&base).unwrap();
    let b = Trainer::new(&Config { data_seed: 77, ..base.clone() }).unwrap();
    let c = Trainer::new(&Config { data_seed: 77, ..base.clone() }).unwrap();
    assert_ne!(a.data.train_raw.data, b.data.train_raw.data);
    assert_eq!(b.data.train_raw.data, c.data.train_raw.data);
    assert_eq!(b.data.train_t, c.data.train_t);
    // The initial weights come from the run's seed either way.
    assert_eq!(a.model().params.values, b.model().params.values);
}

#[test]
fn sweeps_run_on_regression_sets_and_refuse_the_knobs_that_do_not_apply() {
    use overfit::sweep;
    let spec = |knob: &str, values: &str| {
        format!(r#"{{"knob": "{knob}", "values": {values}, "seeds": 1, "epochs": 5, "config": {{"dataset": "sine", "hidden": [16]}}}}"#)
    };
    // Width on a regression set: the records carry R² in the score columns (the sweep's error is
    // then 1 - R², the unexplained fraction of the variance).
    let s = sweep::Sweep::from_json(&spec("width", "[4, 16]")).unwrap();
    assert_eq!(s.len(), 2);
    let record = sweep::run_to_end(s.runs().remove(1)).unwrap();
    assert!(record.final_val_score > 0.0 && record.final_val_score <= 1.0, "R² {}", record.final_val_score);
    let e = sweep::Sweep::from_json(&spec("label_noise", "[0, 0.1]")).unwrap_err();
    assert_eq!(e.field, "knob");
    assert!(e.message.contains("classification"), "{}", e.message);
    let e = sweep::Sweep::from_json(r#"{"knob": "points", "values": [20, 40], "config": {"dataset": "few_points"}}"#).unwrap_err();
    assert_eq!(e.field, "knob");
}
