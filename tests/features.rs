//! The 2D input features end to end: a linear classifier cannot separate the circles from the
//! raw coordinates (x1, x2), and separates them from x1^2 and x2^2, where the disc
//! x1^2 + x2^2 < r^2 is a half-plane; the decision grid sees the same features as training.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Config, Dataset, Feature};
use overfit::views::grid_points;
use overfit::Trainer;

/// A linear classifier (no hidden layer) on 1,000 circles points, half of them for validation,
/// with Adam at the default learning rate 0.01 and batches of 32.
fn linear_on_circles(features: &[Feature], seed: u32) -> Config {
    Config {
        dataset: Dataset::Circles,
        hidden: vec![],
        points: 1000,
        val_fraction: 0.5,
        features: features.to_vec(),
        seed,
        ..Config::default()
    }
}

/// The validation accuracy after each of the first `epochs` epochs.
fn val_accuracies(cfg: &Config, epochs: usize) -> Vec<f32> {
    let mut t = Trainer::new(cfg).unwrap();
    let spe = t.steps_per_epoch();
    t.run(epochs * spe);
    assert_eq!(t.history.len(), epochs);
    t.history.iter().map(|r| r.val_score).collect()
}

#[test]
fn a_linear_model_separates_the_circles_only_with_squared_features() {
    use Feature::*;
    for seed in 1..=3 {
        // From (x1, x2) a line splits the plane, never the disc from the ring: about chance.
        let raw = val_accuracies(&linear_on_circles(&[X1, X2], seed), 100);
        let best = raw.iter().cloned().fold(0.0f32, f32::max);
        assert!(best <= 0.72, "seed {seed}, [x1, x2]: validation accuracy reached {best}");
        // A line in (x1^2, x2^2) is the circle x1^2 + x2^2 = r^2 in the plane.
        for picked in [&[X1Squared, X2Squared][..], &[X1, X2, X1Squared, X2Squared][..]] {
            let acc = val_accuracies(&linear_on_circles(picked, seed), 100);
            assert!(acc[99] >= 0.95, "seed {seed}, {picked:?}: validation accuracy {} at epoch 100", acc[99]);
            let settled = acc[30..].iter().cloned().fold(1.0f32, f32::min);
            assert!(settled >= 0.95, "seed {seed}, {picked:?}: validation accuracy fell to {settled} after epoch 30");
        }
    }
}

#[test]
fn the_decision_grid_computes_the_features_of_its_points() {
    use Feature::*;
    let cfg = Config { dataset: Dataset::Circles, features: vec![SinX2, X1X2, X1Squared], ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    t.run(t.steps_per_epoch());
    assert_eq!((t.data.features, t.data.train_raw.cols), (3, 2));
    // The grid is the prediction at its raw points, which the trainer turns into features.
    let extent = overfit::views::extent(&t.data);
    assert_eq!(t.decision_grid(16), t.predict_raw(&grid_points(extent, 16)));
    // On the validation points themselves, the grid's prediction is the curves' accuracy.
    let rec = t.history.last().unwrap().clone();
    let raw = t.data.val_raw.clone();
    let p = t.predict_raw(&raw);
    let correct = (0..p.rows).filter(|&r| overfit::loss::argmax(p.row(r)) == t.data.val_y[r] as usize).count();
    assert_eq!(correct as f32 / p.rows as f32, rec.val_score);
}
