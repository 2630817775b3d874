//! The page's views computed in the core: the decision grid and its extent, the cost of one grid
//! point, the confusion matrix, the first-layer weight tiles, and the image views agreeing with
//! the curves' evaluation.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Activation, Config, Dataset, Loss, Norm, TestTime};
use overfit::layers::{Layer, Mode};
use overfit::tensor::Matrix;
use overfit::views::{self, confusion, grid_points, weight_tiles, GRID_RES_MAX};
use overfit::Trainer;

#[test]
fn the_extent_holds_every_point_with_a_margin() {
    let t = Trainer::new(&Config { dataset: Dataset::Moons, ..Config::default() }).unwrap();
    let [x0, x1, y0, y1] = views::extent(&t.data);
    let pad = 0.1 * (x1 - x0).max(y1 - y0) / 1.2;
    for m in [&t.data.train_raw, &t.data.val_raw] {
        for r in 0..m.rows {
            let (x, y) = (m.row(r)[0], m.row(r)[1]);
            assert!(x >= x0 + 0.99 * pad && x <= x1 - 0.99 * pad, "x {x} in [{x0}, {x1}]");
            assert!(y >= y0 + 0.99 * pad && y <= y1 - 0.99 * pad, "y {y} in [{y0}, {y1}]");
        }
    }
}

#[test]
fn grid_points_start_at_the_top_left_cell_centre() {
    let extent = [-2.0, 2.0, -1.0, 3.0];
    let res = 4;
    let g = grid_points(extent, res);
    assert_eq!((g.rows, g.cols), (16, 2));
    // Cells are 1 x 1: row 0 is the top row (y = ymax - 0.5), column 0 the left (x = xmin + 0.5).
    assert_eq!(g.row(0), &[-1.5, 2.5]);
    assert_eq!(g.row(1), &[-0.5, 2.5]);
    assert_eq!(g.row(res), &[-1.5, 1.5]);
    assert_eq!(g.row(res * res - 1), &[1.5, -0.5]);
}

#[test]
fn the_decision_grid_holds_probabilities_in_grid_order() {
    let cfg = Config { classes: 4, points: 200, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    t.run(20);
    let res = 16;
    let grid = t.decision_grid(res);
    assert_eq!((grid.rows, grid.cols), (res * res, 4));
    for r in 0..grid.rows {
        let p = grid.row(r);
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        let sum: f32 = p.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "cell {r}: {sum}");
    }
    // The grid is `predict_raw` at `grid_points` over the extent.
    let points = grid_points(views::extent(&t.data), res);
    assert_eq!(grid, t.predict_raw(&points));
    // The resolution is clamped.
    assert_eq!(t.decision_grid(0).rows, 4);
    assert_eq!(t.decision_grid(10_000).rows, GRID_RES_MAX * GRID_RES_MAX);
}

#[test]
fn the_forward_cost_counts_maxout_pieces_logistic_outputs_and_members() {
    // 2 inputs, 8 and 4 maxout units of 3 pieces, 3 classes: 2x24 + 8x12 + 4x3.
    let cfg = Config { hidden: vec![8, 4], activation: Activation::Maxout, maxout_k: 3, classes: 3, ..Config::default() };
    let t = Trainer::new(&cfg).unwrap();
    assert_eq!(views::forward_macs(t.model()), 2 * 24 + 8 * 12 + 4 * 3);
    assert_eq!(t.forward_macs_per_sample(), 156);
    // The logistic loss has one output: 2x5 + 5x1.
    let cfg = Config { dataset: Dataset::Moons, hidden: vec![5], loss: Loss::Logistic, ..Config::default() };
    assert_eq!(Trainer::new(&cfg).unwrap().forward_macs_per_sample(), 15);
    // Every ensemble member evaluates each grid point.
    let cfg = Config { ensemble: 3, ..cfg };
    assert_eq!(Trainer::new(&cfg).unwrap().forward_macs_per_sample(), 45);
}

#[test]
fn the_confusion_matrix_counts_true_rows_against_predicted_columns() {
    let probs = Matrix::from_vec(5, 3, vec![
        0.7, 0.2, 0.1, // class 0, predicted 0
        0.1, 0.8, 0.1, // class 1, predicted 1
        0.6, 0.3, 0.1, // class 1, predicted 0
        0.2, 0.2, 0.6, // class 2, predicted 2
        0.4, 0.4, 0.2, // class 2, a tie: the first largest, 0
    ]);
    let m = confusion(&probs, &[0, 1, 1, 2, 2]);
    #[rustfmt::skip]
    assert_eq!(m, vec![
        1.0, 0.0, 0.0,
        1.0, 1.0, 0.0,
        1.0, 0.0, 1.0,
    ]);
}

#[test]
fn weight_tiles_are_the_columns_of_w() {
    // W is 3 x 4 with W[i][j] = 10 i + j.
    let w: Vec<f32> = (0..3).flat_map(|i| (0..4).map(move |j| (10 * i + j) as f32)).collect();
    assert_eq!(weight_tiles(&w, 3, 4, 2), vec![0.0, 10.0, 20.0, 1.0, 11.0, 21.0]);
    // More units than the layer has: all of them.
    assert_eq!(weight_tiles(&w, 3, 4, 32).len(), 12);
    assert_eq!(&weight_tiles(&w, 3, 4, 32)[9..], &[3.0, 13.0, 23.0]);
}

/// Grey 8 x 8 shapes of 3 classes, 300 images, one hidden layer of 16 units.
fn shapes() -> Config {
    Config { dataset: Dataset::Shapes, image_size: 8, points: 300, classes: 3, hidden: vec![16], ..Config::default() }
}

#[test]
fn image_views_hold_the_shown_predictions_the_confusion_matrix_and_the_first_layer() {
    let mut t = Trainer::new(&shapes()).unwrap();
    t.run(30);
    let n_val = t.data.val_y.len();
    let v = t.image_views(48, 32);
    let probs = t.split_probabilities(false);
    assert_eq!(v.val_probs, probs.data[..48 * 3].to_vec());
    assert_eq!(v.confusion, confusion(&probs, &t.data.val_y));
    assert_eq!(v.confusion.iter().sum::<f32>(), n_val as f32);
    // The first layer is 64 x 16: 16 tiles of 64 pixels, each an image of the input.
    assert_eq!((v.weight_units, v.weight_total, v.weights_output), (16, 16, false));
    let Layer::Linear(l) = &t.model().layers[0] else { panic!("the first layer is dense") };
    let w = &t.model().params.values[l.w.clone()];
    assert_eq!(v.weights, weight_tiles(w, 64, 16, 32));
    assert_eq!(v.weights[5 * 64 + 7], w[7 * 16 + 5]);
    // A linear classifier's first layer is its output layer: one tile per class.
    let mut t = Trainer::new(&Config { hidden: vec![], ..shapes() }).unwrap();
    let v = t.image_views(4, 32);
    assert_eq!((v.weight_units, v.weight_total, v.weights_output, v.val_probs.len()), (3, 3, true, 12));
    // With maxout the first layer has k pieces per unit, and at most the asked-for tiles are kept.
    let cfg = Config { activation: Activation::Maxout, maxout_k: 3, ..shapes() };
    let v = Trainer::new(&cfg).unwrap().image_views(48, 32);
    assert_eq!((v.weight_units, v.weight_total, v.weights.len()), (32, 48, 32 * 64));
}

/// The accuracy the confusion matrix shows: its diagonal over its total.
fn diagonal_accuracy(m: &[f32], k: usize) -> f32 {
    let correct: f32 = (0..k).map(|c| m[c * k + c]).sum();
    correct / m.iter().sum::<f32>()
}

#[test]
fn image_views_evaluate_like_the_curves_with_batch_statistics() {
    let single = Config { norm: Norm::Batch, eval_batch_stats: true, batch_size: 16, ..shapes() };
    for cfg in [single.clone(), Config { ensemble: 2, test_time: TestTime::Flip, ..single }] {
        let mut t = Trainer::new(&cfg).unwrap();
        let spe = t.steps_per_epoch();
        t.run(2 * spe);
        let rec = t.history.last().unwrap().clone();
        assert_eq!(rec.epoch, 2);
        let v = t.image_views(48, 32);
        assert_eq!(diagonal_accuracy(&v.confusion, 3), rec.val_score, "ensemble {} view {:?}", cfg.ensemble, cfg.test_time);
        // Running averages give other probabilities: the views must not use them here.
        assert_ne!(t.evaluate_split(false, Mode::Eval).0, rec.val_loss);
    }
}

#[test]
fn the_decision_grid_uses_the_curves_evaluation_mode() {
    let cfg = Config { norm: Norm::Batch, eval_batch_stats: true, batch_size: 16, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let spe = t.steps_per_epoch();
    t.run(spe);
    let rec = t.history.last().unwrap().clone();
    // On the validation points themselves (raw), the grid's prediction is the curves' accuracy.
    let raw = t.data.val_raw.clone();
    let p = t.predict_raw(&raw);
    let k = t.data.classes;
    assert_eq!(diagonal_accuracy(&confusion(&p, &t.data.val_y), k), rec.val_score);
}
