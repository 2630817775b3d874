//! Core layers and updates against numbers computed independently with numpy (float64).
//! The generating script, scripts/reference/numpy_reference.py, is reproduced here:
//!
//! """Independent reference numbers for tests/reference_numpy.rs, computed with numpy in float64.
//!
//! Run: python3 scripts/reference/numpy_reference.py
//! The same inputs are written out in the Rust test; the printed numbers are pasted there.
//! BatchNorm follows PyTorch's semantics: biased variance to normalize, unbiased variance in the
//! running average, running = m * running + (1 - m) * batch with m = 0.9 (PyTorch momentum 0.1).
//! """
//! import numpy as np
//!
//! np.set_printoptions(precision=8, floatmode="maxprec", suppress=False)
//!
//! # ---- BatchNorm, train then eval ----
//! x = np.array([[0.5, -1.2, 3.0], [1.5, 0.3, -0.7], [-0.2, 2.2, 1.1], [0.9, -0.4, 0.25]])
//! gamma = np.array([1.5, -0.5, 2.0])
//! beta = np.array([0.1, 0.2, -0.3])
//! dy = np.array([[0.3, -0.1, 0.5], [-0.7, 0.2, 0.05], [0.1, 0.4, -0.6], [0.25, -0.3, 0.9]])
//! eps, m = 1e-5, 0.9
//! B = x.shape[0]
//! mu = x.mean(0)
//! var = x.var(0)
//! inv = 1 / np.sqrt(var + eps)
//! xhat = (x - mu) * inv
//! y = gamma * xhat + beta
//! dgamma = (dy * xhat).sum(0)
//! dbeta = dy.sum(0)
//! dxhat = dy * gamma
//! dx = inv / B * (B * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0))
//! rm = m * 0 + (1 - m) * mu
//! rv = m * 1 + (1 - m) * x.var(0, ddof=1)
//! print("bn_train_y", y.ravel().tolist())
//! print("bn_train_dx", dx.ravel().tolist())
//! print("bn_dgamma", dgamma.tolist())
//! print("bn_dbeta", dbeta.tolist())
//! print("bn_running_mean", rm.tolist())
//! print("bn_running_var", rv.tolist())
//! y_eval = gamma * (x - rm) / np.sqrt(rv + eps) + beta
//! dx_eval = dy * gamma / np.sqrt(rv + eps)
//! print("bn_eval_y", y_eval.ravel().tolist())
//! print("bn_eval_dx", dx_eval.ravel().tolist())
//!
//! # ---- multiclass hinge loss, margin 1, mean over the batch ----
//! s = np.array([[1.0, 2.5, -0.3, 0.8], [0.2, -1.0, 0.7, 0.71], [3.0, 0.1, 0.2, -2.0]])
//! labels = np.array([1, 3, 0])
//! N = s.shape[0]
//! margins = np.maximum(0, s - s[np.arange(N), labels][:, None] + 1.0)
//! margins[np.arange(N), labels] = 0
//! loss = margins.sum() / N
//! ds = (margins > 0).astype(float)
//! ds[np.arange(N), labels] = -ds.sum(1)
//! ds /= N
//! print("hinge_loss", loss)
//! print("hinge_ds", ds.ravel().tolist())
//!
//! # ---- maxout, k = 2 pieces per unit (pieces of unit u are columns 2u, 2u+1) ----
//! xm = np.array([[0.1, -0.5, 2.0, 1.0, -0.3, -0.2], [1.2, 1.5, -1.0, -2.0, 0.0, 0.4]])
//! ym = xm.reshape(2, 3, 2).max(2)
//! arg = xm.reshape(2, 3, 2).argmax(2)
//! dym = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]])
//! dxm = np.zeros((2, 3, 2))
//! for r in range(2):
//!     for u in range(3):
//!         dxm[r, u, arg[r, u]] = dym[r, u]
//! print("maxout_y", ym.ravel().tolist())
//! print("maxout_dx", dxm.ravel().tolist())
//!
//! # ---- Adam on L = sum w^2 (gradient 2w), lr 0.1, betas (0.9, 0.999), eps 1e-8 ----
//! w = np.array([0.5, -1.0, 2.0])
//! mom = np.zeros(3)
//! vel = np.zeros(3)
//! for t in range(1, 4):
//!     g = 2 * w
//!     mom = 0.9 * mom + 0.1 * g
//!     vel = 0.999 * vel + 0.001 * g * g
//!     w = w - 0.1 * (mom / (1 - 0.9**t)) / (np.sqrt(vel / (1 - 0.999**t)) + 1e-8)
//!     print("adam_step", t, w.tolist())

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Loss, Optimizer};
use overfit::layers::{BatchNorm, Maxout, Mode};
use overfit::loss;
use overfit::optim::{Hyper, OptimizerState};
use overfit::params::{ParamKind, Params};
use overfit::tensor::Matrix;

fn close(name: &str, got: &[f32], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{name}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!((g as f64 - w).abs() <= tol * w.abs().max(1.0), "{name}[{i}]: got {g}, numpy {w}");
    }
}

const X: [f32; 12] = [0.5, -1.2, 3.0, 1.5, 0.3, -0.7, -0.2, 2.2, 1.1, 0.9, -0.4, 0.25];
const DY: [f32; 12] = [0.3, -0.1, 0.5, -0.7, 0.2, 0.05, 0.1, 0.4, -0.6, 0.25, -0.3, 0.9];

fn batch_norm() -> (Params, BatchNorm) {
    let mut p = Params::default();
    let bn = BatchNorm::new(&mut p, 3, 0.9, 1);
    p.values[bn.gamma.clone()].copy_from_slice(&[1.5, -0.5, 2.0]);
    p.values[bn.beta.clone()].copy_from_slice(&[0.1, 0.2, -0.3]);
    (p, bn)
}

#[test]
fn batch_norm_train_mode_matches_numpy() {
    let (mut p, mut bn) = batch_norm();
    let x = Matrix::from_vec(4, 3, X.to_vec());
    let mut y = Matrix::zeros(4, 3);
    bn.forward(&mut p.values, &x, &mut y, Mode::Train);
    close("y", &y.data, &[-0.32477897016523605, 0.7664967396433209, 2.7629232078880377, 2.1025294307789695, 0.17018438212403578, -2.6659706216620167, -2.02389485082618, -0.5851446040670589, -0.024887137016044336, 0.6461443902124461, 0.44846348229970223, -1.272065449209976], 1e-5);
    let dy = Matrix::from_vec(4, 3, DY.to_vec());
    let mut dx = Matrix::zeros(4, 3);
    let values = p.values.clone();
    bn.backward(&values, &mut p.grads, &dy, &mut dx);
    close("dx", &dx.data, &[0.574653195233159, -0.041983894218829323, 0.31700387797115986, -0.8019084625001606, -0.05428307101662549, -0.1574501656442978, -0.6463312052033015, 0.0016954546084803038, -1.2015721328849462, 0.873586472470303, 0.09457151062697448, 1.042018420558084], 1e-5);
    close("dgamma", &p.grads[bn.gamma.clone()], &[-1.0700384534162373, 0.9024193677125185, 0.186618225390783], 1e-5);
    close("dbeta", &p.grads[bn.beta.clone()], &[-0.04999999999999993, 0.2, 0.8500000000000001], 1e-5);
    close("running_mean", &p.values[bn.running_mean.clone()], &[0.06749999999999999, 0.022500000000000003, 0.09124999999999998], 1e-6);
    close("running_var", &p.values[bn.running_var.clone()], &[0.9509166666666666, 1.1109166666666668, 1.1477291666666667], 1e-6);
}

#[test]
fn batch_norm_eval_mode_matches_numpy() {
    let (mut p, mut bn) = batch_norm();
    let x = Matrix::from_vec(4, 3, X.to_vec());
    let mut y = Matrix::zeros(4, 3);
    bn.forward(&mut p.values, &x, &mut y, Mode::Train); // one step of running averages
    bn.forward(&mut p.values, &x, &mut y, Mode::Eval);
    close("eval y", &y.data, &[0.7652790655626862, 0.7799308021876956, 5.130187064417826, 2.303496558193175, 0.06835926576107526, -1.7771415607118537, -0.3114731792786557, -0.8329646803793107, 1.5831804731350174, 1.3805660626148817, 0.4004259827601648, -0.0036382650704495645], 1e-5);
    let dy = Matrix::from_vec(4, 3, DY.to_vec());
    let mut dx = Matrix::zeros(4, 3);
    p.zero_grads();
    let values = p.values.clone();
    bn.backward(&values, &mut p.grads, &dy, &mut dx);
    close("eval dx", &dx.data, &[0.4614652477891465, 0.04743810242844136, 0.9334227871796864, -1.0767522448413418, -0.09487620485688272, 0.09334227871796864, 0.15382174926304887, -0.18975240971376545, -1.1201073446156236, 0.3845543731576221, 0.14231430728532407, 1.6801610169234356], 1e-5);
}

#[test]
fn hinge_loss_matches_numpy() {
    let s = Matrix::from_vec(3, 4, vec![1.0, 2.5, -0.3, 0.8, 0.2, -1.0, 0.7, 0.71, 3.0, 0.1, 0.2, -2.0]);
    let mut ds = Matrix::zeros(3, 4);
    let b = loss::compute(Loss::Hinge, 1.0, &s, loss::Targets::Classes(&[1, 3, 0]), Some(&mut ds));
    close("loss", &[(b.loss_sum / 3.0) as f32], &[0.49333333333333335], 1e-6);
    close("ds", &ds.data, &[0.0, -0.0, 0.0, 0.0, 0.3333333333333333, 0.0, 0.3333333333333333, -0.6666666666666666, -0.0, 0.0, 0.0, 0.0], 1e-6);
}

#[test]
fn maxout_matches_numpy() {
    let mut m = Maxout::new(3, 2);
    let x = Matrix::from_vec(2, 6, vec![0.1, -0.5, 2.0, 1.0, -0.3, -0.2, 1.2, 1.5, -1.0, -2.0, 0.0, 0.4]);
    let mut y = Matrix::zeros(2, 3);
    m.forward(&x, &mut y);
    close("y", &y.data, &[0.1, 2.0, -0.2, 1.5, -1.0, 0.4], 1e-7);
    let dy = Matrix::from_vec(2, 3, vec![1.0, -2.0, 0.5, 0.3, 0.7, -1.1]);
    let mut dx = Matrix::zeros(2, 6);
    m.backward(&dy, &mut dx);
    close("dx", &dx.data, &[1.0, 0.0, -2.0, 0.0, 0.0, 0.5, 0.0, 0.3, 0.7, 0.0, 0.0, -1.1], 1e-7);
}

#[test]
fn first_three_adam_steps_match_numpy() {
    let mut p = Params::default();
    let r = p.add("w", ParamKind::Bias, 3, 0.0);
    p.values[r.clone()].copy_from_slice(&[0.5, -1.0, 2.0]);
    let mut opt = OptimizerState::new(Optimizer::Adam, 3);
    let h = Hyper { lr: 0.1, momentum: 0.0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, l2: 0.0, l1: 0.0 };
    let want: [[f64; 3]; 3] = [
        [0.4000000009999999, -0.9000000005, 1.90000000025],
        [0.3011874216591666, -0.8004122286917927, 1.800166486115701],
        [0.20487125256029937, -0.70158627294603, 1.7006233920464648],
    ];
    for w in want {
        for i in 0..3 {
            p.grads[i] = 2.0 * p.values[i];
        }
        opt.step(&mut p, &h);
        close("w", &p.values, &w, 1e-6);
    }
}
