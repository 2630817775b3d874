//! Datasets as the trainer sees them: generation, the train/validation split, pre-processing with
//! training-split statistics, and mini-batch gathering.

pub mod toy2d;

use crate::config::{Config, Preprocess};
use crate::rng::Rng;
use crate::tensor::Matrix;

/// Per-feature affine pre-processing x' = (x - shift) * scale, fitted on the training split.
#[derive(Clone, Debug, PartialEq)]
pub struct Preprocessor {
    pub shift: Vec<f32>,
    pub scale: Vec<f32>,
}

impl Preprocessor {
    /// Fits mean (and standard deviation) per feature on the rows of `x`.
    pub fn fit(kind: Preprocess, x: &Matrix) -> Preprocessor {
        let d = x.cols;
        let mut shift = vec![0.0f32; d];
        let mut scale = vec![1.0f32; d];
        if kind != Preprocess::None && x.rows > 0 {
            let n = x.rows as f64;
            for j in 0..d {
                let mean = (0..x.rows).map(|r| x.data[r * d + j] as f64).sum::<f64>() / n;
                shift[j] = mean as f32;
                if kind == Preprocess::Standardize {
                    let var = (0..x.rows).map(|r| (x.data[r * d + j] as f64 - mean).powi(2)).sum::<f64>() / n;
                    scale[j] = if var > 1e-12 { (1.0 / var.sqrt()) as f32 } else { 1.0 };
                }
            }
        }
        Preprocessor { shift, scale }
    }

    pub fn apply_row(&self, row: &mut [f32]) {
        for ((v, s), k) in row.iter_mut().zip(&self.shift).zip(&self.scale) {
            *v = (*v - s) * k;
        }
    }

    pub fn apply(&self, x: &mut Matrix) {
        for r in 0..x.rows {
            let row = &mut x.data[r * x.cols..(r + 1) * x.cols];
            self.apply_row(row);
        }
    }
}

/// A split dataset: raw features for drawing, pre-processed features for the network.
#[derive(Clone, Debug)]
pub struct Data {
    pub features: usize,
    pub classes: usize,
    pub train_raw: Matrix,
    pub val_raw: Matrix,
    pub train_x: Matrix,
    pub val_x: Matrix,
    pub train_y: Vec<u32>,
    pub val_y: Vec<u32>,
    pub pre: Preprocessor,
}

impl Data {
    /// Generates the configured dataset and splits it; `rng` is the data stream of the run.
    pub fn build(cfg: &Config, rng: &mut Rng) -> Data {
        let classes = cfg.num_classes();
        let (x, y) = toy2d::generate(cfg.dataset, cfg.points, classes, cfg.noise, rng);
        Data::split(Matrix::from_vec(cfg.points, 2, x), y, classes, cfg, rng)
    }

    /// Shuffles and splits into validation (the first `val_fraction`) and training, then fits the
    /// pre-processing on the training rows only and applies it unchanged to both.
    pub fn split(x: Matrix, y: Vec<u32>, classes: usize, cfg: &Config, rng: &mut Rng) -> Data {
        let n = x.rows;
        let d = x.cols;
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let n_val = ((n as f32 * cfg.val_fraction).round() as usize).clamp(1, n - 1);
        let take = |idx: &[usize]| {
            let mut m = Matrix::zeros(idx.len(), d);
            for (r, &i) in idx.iter().enumerate() {
                m.row_mut(r).copy_from_slice(x.row(i));
            }
            m
        };
        let val_idx = &order[..n_val];
        let train_idx = &order[n_val..];
        let train_raw = take(train_idx);
        let val_raw = take(val_idx);
        let pre = Preprocessor::fit(cfg.preprocess, &train_raw);
        let mut train_x = train_raw.clone();
        let mut val_x = val_raw.clone();
        pre.apply(&mut train_x);
        pre.apply(&mut val_x);
        Data {
            features: d,
            classes,
            train_y: train_idx.iter().map(|&i| y[i]).collect(),
            val_y: val_idx.iter().map(|&i| y[i]).collect(),
            train_raw,
            val_raw,
            train_x,
            val_x,
            pre,
        }
    }

    /// Copies the rows `idx` of the training set into `x` and their labels into `y`.
    pub fn gather_train(&self, idx: &[u32], x: &mut Matrix, y: &mut Vec<u32>) {
        x.resize_rows(idx.len());
        y.clear();
        for (r, &i) in idx.iter().enumerate() {
            x.row_mut(r).copy_from_slice(self.train_x.row(i as usize));
            y.push(self.train_y[i as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_come_from_the_training_split_only() {
        let cfg = Config { preprocess: Preprocess::Standardize, points: 400, ..Config::default() };
        let mut rng = Rng::new(1, 0);
        let d = Data::build(&cfg, &mut rng);
        assert_eq!(d.train_x.rows + d.val_x.rows, 400);
        assert_eq!(d.val_x.rows, 120);
        for j in 0..2 {
            let n = d.train_x.rows as f64;
            let mean: f64 = (0..d.train_x.rows).map(|r| d.train_x.data[r * 2 + j] as f64).sum::<f64>() / n;
            let var: f64 = (0..d.train_x.rows).map(|r| (d.train_x.data[r * 2 + j] as f64 - mean).powi(2)).sum::<f64>() / n;
            assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-4, "train feature {j}: {mean} {var}");
            // The validation split is transformed with the same shift and scale.
            let raw = d.val_raw.data[j];
            assert!(((raw - d.pre.shift[j]) * d.pre.scale[j] - d.val_x.data[j]).abs() < 1e-6);
        }
    }
}
