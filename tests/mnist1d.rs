//! MNIST-1D (src/data/mnist1d.rs) against the reference implementation's statistics, the
//! default split, label noise on training labels only, and the paper's MLP trained on it.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Activation, Config, Dataset, Optimizer, Preprocess};
use overfit::data::mnist1d::{self, Params};
use overfit::rng::Rng;
use overfit::Trainer;

// Reference statistics of 10 reference sets (seeds 0 to 9, 50,000 signals), printed by this
// script with the reference implementation (pip install mnist1d==0.0.2.post1, numpy, scipy):
//
// ```python
// import numpy as np
// from mnist1d.data import get_dataset_args, get_templates
// from mnist1d.transform import transform
// from mnist1d.utils import set_seed
// args = get_dataset_args()
// xs_all, ys_all, raw_mean, raw_std = [], [], [], []
// for seed in range(10):  # make_dataset's loop with each seed, keeping the raw signals too
//     args.seed = seed
//     set_seed(seed)
//     t = get_templates()
//     xs, ys = [], []
//     for c in range(10):
//         for _ in range(args.num_samples // 10):
//             x, _ = transform(t['x'][c], t['t'], args)
//             xs.append(x); ys.append(c)
//     xs = np.stack(xs); ys = np.array(ys)
//     raw_mean.append(xs.mean()); raw_std.append(xs.std())
//     xs_all.append((xs - xs.mean()) / xs.std()); ys_all.append(ys)
// x = np.concatenate(xs_all); y = np.concatenate(ys_all)
// means = np.stack([x[y == c].mean(0) for c in range(10)])
// print("CLASS_MEANS =", np.array2string(means, separator=', ', precision=3, floatmode='fixed', max_line_width=400, threshold=10**6))
// print("CLASS_STD =", [round(float(x[y == c].std(0).mean()), 3) for c in range(10)])
// print("RAW_MEAN, RAW_STD =", round(float(np.mean(raw_mean)), 4), round(float(np.mean(raw_std)), 4))
// print("MIN, MAX (mean over seeds) =", round(float(np.mean([a.min() for a in xs_all])), 3), round(float(np.mean([a.max() for a in xs_all])), 3))
// print("P1, P99 =", round(float(np.percentile(x, 1)), 3), round(float(np.percentile(x, 99)), 3))
// print("ROUGHNESS =", round(float(np.abs(np.diff(x, axis=1)).mean()), 4))
// one = np.stack([xs_all[0][ys_all[0] == c].mean(0) for c in range(10)])
// print("RMS one seed vs all =", round(float(np.sqrt(((one - means) ** 2).mean())), 4))
// perm = means[[1,2,3,4,5,6,7,8,9,0]]
// print("RMS classes shifted by one =", round(float(np.sqrt(((perm - means) ** 2).mean())), 4))
// ```
//
// It also printed: RMS one seed vs all = 0.037 (the sampling noise of one set's class means),
// RMS classes shifted by one = 0.477 (what a wrong template order would give).
const CLASS_MEANS: [[f64; 40]; 10] = [
    [0.043,  0.108,  0.205,  0.321,  0.437,  0.544,  0.628,  0.666,  0.678,  0.674,  0.666,  0.662,  0.659,  0.664,  0.666,  0.658,  0.651,  0.657,  0.660,  0.666,  0.682,  0.684,  0.686,  0.695,  0.697,  0.694,  0.689,  0.646,  0.563,  0.446,  0.326,  0.215,  0.126,  0.061,  0.043,  0.036,  0.031,  0.029,  0.030,  0.027],
    [0.066, -0.024, -0.108, -0.164, -0.184, -0.185, -0.179, -0.166, -0.159, -0.163, -0.153, -0.143, -0.156, -0.176, -0.181, -0.186, -0.174, -0.164, -0.163, -0.161, -0.164, -0.167, -0.179, -0.180, -0.179, -0.178, -0.182, -0.123, -0.038,  0.019,  0.059,  0.070,  0.069,  0.061,  0.042,  0.040,  0.041,  0.035,  0.034,  0.040],
    [0.044,  0.087,  0.131,  0.166,  0.172,  0.139,  0.088,  0.046,  0.019,  0.021,  0.034,  0.050,  0.062,  0.052,  0.041,  0.037,  0.046,  0.055,  0.065,  0.066,  0.045,  0.032,  0.032,  0.037,  0.032,  0.034,  0.037,  0.018, -0.034, -0.078, -0.098, -0.072, -0.033,  0.008,  0.029,  0.040,  0.041,  0.036,  0.026,  0.016],
    [0.031,  0.097,  0.182,  0.232,  0.259,  0.316,  0.396,  0.457,  0.472,  0.474,  0.464,  0.459,  0.473,  0.482,  0.477,  0.472,  0.477,  0.477,  0.462,  0.461,  0.472,  0.488,  0.493,  0.484,  0.482,  0.488,  0.488,  0.443,  0.344,  0.279,  0.252,  0.210,  0.142,  0.087,  0.059,  0.053,  0.051,  0.047,  0.040,  0.036],
    [0.050,  0.023, -0.042, -0.138, -0.195, -0.191, -0.177, -0.194, -0.200, -0.196, -0.196, -0.195, -0.186, -0.185, -0.196, -0.208, -0.204, -0.189, -0.189, -0.199, -0.197, -0.201, -0.205, -0.212, -0.220, -0.220, -0.214, -0.208, -0.163, -0.056,  0.014,  0.027,  0.027,  0.025,  0.025,  0.033,  0.039,  0.045,  0.048,  0.045],
    [0.031, -0.024, -0.084, -0.121, -0.101, -0.054, -0.016, -0.020, -0.032, -0.055, -0.053, -0.050, -0.037, -0.035, -0.038, -0.042, -0.033, -0.026, -0.023, -0.024, -0.027, -0.027, -0.030, -0.049, -0.052, -0.054, -0.049, -0.007,  0.067,  0.124,  0.123,  0.084,  0.049,  0.040,  0.041,  0.048,  0.052,  0.056,  0.055,  0.049],
    [0.057, -0.015, -0.109, -0.226, -0.338, -0.445, -0.530, -0.569, -0.576, -0.586, -0.585, -0.589, -0.599, -0.607, -0.613, -0.619, -0.611, -0.599, -0.585, -0.581, -0.583, -0.589, -0.598, -0.598, -0.604, -0.610, -0.617, -0.588, -0.494, -0.381, -0.262, -0.150, -0.057, -0.002,  0.025,  0.027,  0.027,  0.024,  0.023,  0.021],
    [0.049,  0.130,  0.206,  0.250,  0.274,  0.273,  0.254,  0.241,  0.244,  0.239,  0.241,  0.227,  0.229,  0.250,  0.255,  0.246,  0.258,  0.244,  0.226,  0.239,  0.249,  0.247,  0.252,  0.244,  0.240,  0.236,  0.240,  0.196,  0.110,  0.049,  0.019,  0.013,  0.022,  0.035,  0.035,  0.035,  0.037,  0.039,  0.046,  0.043],
    [0.027, -0.041, -0.117, -0.154, -0.182, -0.260, -0.330, -0.373, -0.409, -0.414, -0.421, -0.438, -0.418, -0.382, -0.397, -0.406, -0.384, -0.379, -0.394, -0.396, -0.399, -0.392, -0.400, -0.393, -0.393, -0.393, -0.404, -0.369, -0.249, -0.176, -0.166, -0.137, -0.064,  0.003,  0.048,  0.055,  0.049,  0.045,  0.046,  0.046],
    [0.018, -0.043, -0.145, -0.208, -0.214, -0.218, -0.230, -0.248, -0.254, -0.253, -0.233, -0.217, -0.212, -0.227, -0.235, -0.230, -0.231, -0.230, -0.238, -0.238, -0.230, -0.231, -0.257, -0.259, -0.245, -0.232, -0.236, -0.193, -0.088, -0.022, -0.007, -0.005,  0.008,  0.026,  0.035,  0.044,  0.049,  0.054,  0.053,  0.051],
];
const CLASS_STD: [f64; 10] = [1.152, 0.863, 0.834, 0.982, 0.876, 0.835, 1.152, 0.863, 0.983, 0.893];
const RAW_MEAN: f64 = -0.0061;
const RAW_STD: f64 = 0.1546;
const MIN_MAX: (f64, f64) = (-4.452, 4.523);
const P1_P99: (f64, f64) = (-2.785, 2.733);
const ROUGHNESS: f64 = 0.43;

/// Per set: the normalized signals, their labels, and the raw (mean, standard deviation).
type Sets = (Vec<Vec<f32>>, Vec<Vec<u32>>, Vec<(f64, f64)>);

/// Our generator's 10 sets of seeds 0 to 9 (as the reference's statistics above): the
/// normalized signals with their labels, and each set's raw mean and standard deviation.
fn our_sets() -> Sets {
    let p = Params::REFERENCE;
    let (mut xs, mut ys, mut raw) = (Vec::new(), Vec::new(), Vec::new());
    for seed in 0..10u64 {
        let (x, y) = mnist1d::generate(&p, &mut Rng::new(seed, 0));
        // The same draws again, kept raw (before the set's normalization).
        let mut rng = Rng::new(seed, 0);
        let t = mnist1d::templates();
        let v: Vec<f64> = (0..10).flat_map(|c| (0..500).flat_map(|_| mnist1d::sample(&t[c], &p, &mut rng)).collect::<Vec<_>>()).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let std = (v.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
        xs.push(x);
        ys.push(y);
        raw.push((mean, std));
    }
    (xs, ys, raw)
}

#[test]
fn mnist1d_matches_the_reference_statistics() {
    let (xs, ys, raw) = our_sets();
    const L: usize = 40;
    // Per-class mean signal over the 50,000 signals.
    let mut sums = [[0.0f64; L]; 10];
    let mut counts = [0usize; 10];
    for (x, y) in xs.iter().zip(&ys) {
        for (row, &c) in x.chunks_exact(L).zip(y) {
            counts[c as usize] += 1;
            for (s, &v) in sums[c as usize].iter_mut().zip(row) {
                *s += v as f64;
            }
        }
    }
    let means: Vec<Vec<f64>> = (0..10).map(|c| sums[c].iter().map(|s| s / counts[c] as f64).collect()).collect();
    let sq: f64 = (0..10).flat_map(|c| (0..L).map(move |j| (c, j))).map(|(c, j)| (means[c][j] - CLASS_MEANS[c][j]).powi(2)).sum();
    let rms = (sq / 400.0).sqrt();
    // Within-class spread: the standard deviation at each position, averaged over positions.
    let class_std: Vec<f64> = (0..10)
        .map(|c| {
            let mut var = [0.0f64; L];
            for (x, y) in xs.iter().zip(&ys) {
                for (row, _) in x.chunks_exact(L).zip(y).filter(|(_, &l)| l as usize == c) {
                    for j in 0..L {
                        var[j] += (row[j] as f64 - means[c][j]).powi(2);
                    }
                }
            }
            var.iter().map(|v| (v / counts[c] as f64).sqrt()).sum::<f64>() / L as f64
        })
        .collect();
    let all: Vec<f64> = xs.iter().flatten().map(|&v| v as f64).collect();
    let mut sorted = all.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    let (p1, p99) = (pct(0.01), pct(0.99));
    let min = xs.iter().map(|x| x.iter().fold(f32::INFINITY, |m, &v| m.min(v)) as f64).sum::<f64>() / 10.0;
    let max = xs.iter().map(|x| x.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) as f64).sum::<f64>() / 10.0;
    let rough = xs.iter().flat_map(|x| x.chunks_exact(L).flat_map(|r| r.windows(2).map(|w| (w[1] - w[0]).abs() as f64))).sum::<f64>() / (50_000.0 * 39.0);
    let raw_mean = raw.iter().map(|r| r.0).sum::<f64>() / 10.0;
    let raw_std = raw.iter().map(|r| r.1).sum::<f64>() / 10.0;
    println!("MNIST-1D, ours vs the reference (10 sets of 5,000 each):");
    println!("  per-class mean signal: RMS difference {rms:.4} over 40 x 10 values (one reference set vs ten: 0.037; a wrong class order: 0.477)");
    for c in 0..10 {
        println!("  class {c}: within-class std {:.3} vs {:.3}", class_std[c], CLASS_STD[c]);
    }
    println!("  raw mean {raw_mean:.4} vs {RAW_MEAN}, raw std {raw_std:.4} vs {RAW_STD}");
    println!("  min {min:.3} vs {}, max {max:.3} vs {}", MIN_MAX.0, MIN_MAX.1);
    println!("  1st / 99th percentile {p1:.3} / {p99:.3} vs {} / {}", P1_P99.0, P1_P99.1);
    println!("  mean |x[i+1] - x[i]| {rough:.4} vs {ROUGHNESS}");
    // Tolerances: our ten sets against the reference's ten have a sampling RMS of about
    // 0.037 * sqrt(2 / 10) = 0.017 on the class means.
    assert!(rms < 0.035, "per-class mean RMS difference {rms}");
    for c in 0..10 {
        assert!((class_std[c] / CLASS_STD[c] - 1.0).abs() < 0.04, "class {c} std {} vs {}", class_std[c], CLASS_STD[c]);
    }
    assert!((raw_mean - RAW_MEAN).abs() < 0.003, "raw mean {raw_mean}");
    assert!((raw_std / RAW_STD - 1.0).abs() < 0.02, "raw std {raw_std}");
    assert!((p1 - P1_P99.0).abs() < 0.08 && (p99 - P1_P99.1).abs() < 0.08, "percentiles {p1} {p99}");
    assert!((min - MIN_MAX.0).abs() < 0.5 && (max - MIN_MAX.1).abs() < 0.5, "range {min} {max}");
    assert!((rough / ROUGHNESS - 1.0).abs() < 0.03, "roughness {rough}");
}

#[test]
fn mnist1d_defaults_give_the_reference_split_and_label_noise_touches_training_labels_only() {
    let cfg: Config = serde_json::from_str(r#"{"dataset":"mnist1d"}"#).unwrap();
    cfg.validate().unwrap();
    assert_eq!(cfg.features(), 40);
    let t = Trainer::new(&cfg).unwrap();
    assert_eq!((t.data.train_x.rows, t.data.val_x.rows, t.data.features, t.data.classes), (4000, 1000, 40, 10));
    // The same config and seed give the same data.
    let t2 = Trainer::new(&cfg).unwrap();
    assert_eq!(t.data.train_raw.data, t2.data.train_raw.data);
    // 15 % label noise: about 15 % * 9/10 of the training labels change, none of the validation's.
    let noisy = Trainer::new(&Config { label_noise: 0.15, ..cfg.clone() }).unwrap();
    assert_eq!(noisy.data.val_y, t.data.val_y);
    assert_eq!(noisy.data.train_raw.data, t.data.train_raw.data);
    let changed = noisy.data.train_y.iter().zip(&t.data.train_y).filter(|(a, b)| a != b).count();
    assert!((420..660).contains(&changed), "{changed} of 4000 training labels changed");
    // A smaller training set: 50 per class.
    let small = Trainer::new(&Config { train_per_class: 50, ..cfg.clone() }).unwrap();
    assert_eq!((small.data.train_x.rows, small.data.val_x.rows), (500, 1000));
    // `points`, `noise` and `val_fraction` do not apply: the data stays the same.
    let other = Trainer::new(&Config { points: 300, noise: 0.5, val_fraction: 0.5, ..cfg.clone() }).unwrap();
    assert_eq!(other.data.train_raw.data, t.data.train_raw.data);
    assert_eq!(overfit::schema::data_key(&other.cfg), overfit::schema::data_key(&cfg));
}

/// Trains `hidden` (ReLU, Adam at 0.01, batches of 100: the paper's settings, 6,000 steps)
/// on the default MNIST-1D and returns the final validation (the reference's test) accuracy.
fn accuracy(hidden: Vec<usize>, preprocess: Preprocess, epochs: usize) -> f32 {
    let cfg = Config {
        dataset: Dataset::Mnist1d,
        hidden,
        activation: Activation::Relu,
        optimizer: Optimizer::Adam,
        learning_rate: 0.01,
        batch_size: 100,
        epochs,
        preprocess,
        ..Config::default()
    };
    let mut t = Trainer::new(&cfg).unwrap();
    let spe = t.steps_per_epoch();
    t.run(epochs * spe);
    t.history.last().unwrap().val_score
}

#[test]
fn the_papers_mlp_and_logistic_regression_reach_its_accuracy() {
    // The paper's MLP (two hidden layers of 100 ReLU units) and logistic regression, on raw
    // signals as in the reference, 150 epochs of 40 steps (6,000 steps of 100).
    let mlp = accuracy(vec![100, 100], Preprocess::None, 150);
    let logistic = accuracy(vec![], Preprocess::None, 150);
    println!("MNIST-1D test accuracy: MLP {:.1} % (paper: about 68 %), logistic regression {:.1} % (paper: about 32 %)", 100.0 * mlp, 100.0 * logistic);
    assert!((0.55..0.85).contains(&mlp), "MLP accuracy {mlp}");
    assert!((0.22..0.45).contains(&logistic), "logistic regression accuracy {logistic}");
}

#[test]
fn the_data_tab_gets_signals_per_class_and_no_plane() {
    let cfg = Config { dataset: Dataset::Mnist1d, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    assert_eq!(overfit::views::plot_mode(&t.data), "signals");
    let s = overfit::views::signal_samples(&t.data, 4);
    assert_eq!(s.len(), 10 * 4 * 40);
    // The first signal of class c is the first validation signal labelled c.
    for c in 0..10u32 {
        let r = t.data.val_y.iter().position(|&y| y == c).unwrap();
        assert_eq!(&s[c as usize * 160..c as usize * 160 + 40], t.data.val_raw.row(r));
    }
    assert_eq!(t.decision_grid(32).rows, 0);
    assert!(t.unit_maps(16, 8).is_none());
    // A 2D set has no signals.
    assert!(overfit::views::signal_samples(&Trainer::new(&Config::default()).unwrap().data, 4).is_empty());
}
