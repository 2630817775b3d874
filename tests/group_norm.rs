//! GroupNorm (src/layers/group_norm.rs) checked from outside: its forward output and gradients
//! against torch.nn.GroupNorm, G = 1 against LayerNorm on a whole model, and a GroupNorm run
//! reproducible bit for bit. The reference numbers below come from
//! scripts/reference/pytorch_groupnorm.py (torch 2.15.0 from PyPI, float64), reproduced here:
//!
//! """Reference numbers for tests/group_norm.rs: torch.nn.GroupNorm on a fixed input.
//!
//! Run: python3 scripts/reference/pytorch_groupnorm.py   (needs torch; `pip install torch`)
//! Float64, eps = 1e-5 (Overfit's NORM_EPS). For G = 2 and G = 4 groups of 12 units and 3 samples
//! (groups of 6 and 3 units: with groups of 2, xhat is +-1 and dx nearly 0, a weak check) it
//! prints the output y, the input gradient dx of L = sum(y * dy), and dL/dgamma, dL/dbeta, to be
//! pasted into the Rust test.
//! """
//! import torch
//!
//! x = torch.tensor([
//!     [0.5, -1.2, 3.0, 0.7, -0.3, 1.8, -2.1, 0.05, 1.25, -0.6, 0.4, 2.6],
//!     [1.5, 0.3, -0.7, 2.4, -1.6, 0.9, 0.2, -0.45, -1.1, 0.75, 3.2, -0.35],
//!     [-0.2, 2.2, 1.1, -0.8, 0.6, -1.4, 1.3, 0.35, 0.0, -2.5, 0.85, 1.7],
//! ], dtype=torch.float64)
//! gamma = torch.tensor([1.5, -0.5, 2.0, 0.8, 1.1, 0.3, -1.2, 0.9, 0.6, 1.3, -0.7, 1.0], dtype=torch.float64)
//! beta = torch.tensor([0.1, 0.2, -0.3, 0.0, 0.5, -0.25, 0.15, -0.05, 0.35, -0.4, 0.0, 0.2], dtype=torch.float64)
//! dy = torch.tensor([
//!     [0.3, -0.1, 0.5, 0.2, -0.4, 0.05, 0.6, -0.2, 0.15, -0.35, 0.25, 0.1],
//!     [-0.7, 0.2, 0.05, -0.3, 0.25, 0.4, -0.15, 0.1, 0.45, 0.0, -0.2, 0.3],
//!     [0.1, 0.4, -0.6, 0.35, 0.0, -0.5, 0.2, 0.45, -0.25, 0.3, 0.55, -0.1],
//! ], dtype=torch.float64)
//! for groups in (2, 4):
//!     gn = torch.nn.GroupNorm(groups, 12, eps=1e-5, affine=True).double()
//!     with torch.no_grad():
//!         gn.weight.copy_(gamma)
//!         gn.bias.copy_(beta)
//!     xi = x.clone().requires_grad_(True)
//!     y = gn(xi)
//!     (y * dy).sum().backward()
//!     print(f"G={groups} y", [round(v, 10) for v in y.detach().ravel().tolist()])
//!     print(f"G={groups} dx", [round(v, 10) for v in xi.grad.ravel().tolist()])
//!     print(f"G={groups} dgamma", [round(v, 10) for v in gn.weight.grad.tolist()])
//!     print(f"G={groups} dbeta", [round(v, 10) for v in gn.bias.grad.tolist()])

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::arithmetic::{self, Arithmetic};
use overfit::config::{Activation, Config, Norm, NormPosition};
use overfit::layers::{GroupNorm, Mode};
use overfit::loss::Targets;
use overfit::model::Model;
use overfit::params::Params;
use overfit::rng::Rng;
use overfit::tensor::Matrix;
use overfit::Trainer;

const ROWS: usize = 3;
const UNITS: usize = 12;
const X: [f32; 36] = [
    0.5, -1.2, 3.0, 0.7, -0.3, 1.8, -2.1, 0.05, 1.25, -0.6, 0.4, 2.6,
    1.5, 0.3, -0.7, 2.4, -1.6, 0.9, 0.2, -0.45, -1.1, 0.75, 3.2, -0.35,
    -0.2, 2.2, 1.1, -0.8, 0.6, -1.4, 1.3, 0.35, 0.0, -2.5, 0.85, 1.7,
];
const GAMMA: [f32; 12] = [1.5, -0.5, 2.0, 0.8, 1.1, 0.3, -1.2, 0.9, 0.6, 1.3, -0.7, 1.0];
const BETA: [f32; 12] = [0.1, 0.2, -0.3, 0.0, 0.5, -0.25, 0.15, -0.05, 0.35, -0.4, 0.0, 0.2];
const DY: [f32; 36] = [
    0.3, -0.1, 0.5, 0.2, -0.4, 0.05, 0.6, -0.2, 0.15, -0.35, 0.25, 0.1,
    -0.7, 0.2, 0.05, -0.3, 0.25, 0.4, -0.15, 0.1, 0.45, 0.0, -0.2, 0.3,
    0.1, 0.4, -0.6, 0.35, 0.0, -0.5, 0.2, 0.45, -0.25, 0.3, 0.55, -0.1,
];

const G2_Y: [f64; 36] = [-0.1752710961, 0.9157048498, 3.003253153, -0.0293622502, -0.3478349759, -0.0187722793, 2.0922620812, -0.1833595443, 0.7534981084, -1.1705218116, -0.0638302092, 1.7957552311, 1.2632239687, 0.262538923, -2.0510898454, 1.1607224118, -1.2060618208, -0.15243928, 0.3014636867, -0.5855323208, -0.288311251, -0.0483878702, -1.4262830495, -0.3229103469, -0.4613621856, -0.6108564903, 1.1138010601, -0.6985840532, 0.8201843577, -0.6616656028, -0.74321205, -0.0060715385, 0.2255360258, -3.049130274, -0.2904159398, 1.2371997848];
const G2_DX: [f64; 36] = [0.2205946144, 0.2082374191, 0.2107001036, -0.025371736, -0.3003553091, -0.313805092, -0.0323400707, 0.0577711006, 0.0865945826, -0.0458931129, 0.0157406859, -0.0818731855, -0.5184266438, 0.0114755268, 0.0090343153, 0.2267328524, 0.0030848896, 0.2680990597, 0.008453361, -0.0697106091, 0.0468644465, -0.1101603041, 0.0407614188, 0.083791687, 0.214242804, 0.2738074436, -0.7185508477, 0.2346966706, 0.2063760945, -0.210572165, -0.0582355498, 0.3133423668, -0.1300786023, 0.0004011187, -0.2120737562, 0.0866444228];
const G2_DGAMMA: [f64; 12] = [-0.635316217, 0.766810593, 0.3578957241, -0.7482419903, -0.0794376953, 0.8547282514, -0.8033294048, -0.0079039062, -0.3259989219, -0.4038895755, -0.1565289868, -0.1010175594];
const G2_DBETA: [f64; 12] = [-0.3, 0.5, -0.05, 0.25, -0.15, -0.05, 0.65, 0.35, 0.35, -0.05, 0.6, 0.3];
const G4_Y: [f64; 36] = [-0.1318863742, 0.7700540032, 2.2893978452, -0.0310926716, -0.8253251278, 0.1231120594, 1.7374794534, 0.1556507474, 1.0066392284, -1.7615964334, 0.2094763744, 1.5466338352, 1.9901740738, 0.2370622367, -2.6719831514, 0.8889326065, -0.9445154855, -0.1893909586, -1.3196677571, -0.05, -0.3848338786, -0.7942567125, -0.9435203375, -0.8446118022, -1.7859569733, -0.3946711177, -0.1640751731, -0.2545765183, 1.9876815288, -0.5602651317, -1.4885950896, -0.3777190179, -0.2508181995, -2.204487411, -0.3217374396, 1.1284423256];
const G4_DX: [f64; 36] = [0.0059096083, -0.0035185587, -0.0023910496, 0.297746271, -0.1559658449, -0.1417804261, -0.0033831083, 0.0094401289, -0.0060570206, -0.0349043941, 0.0507683395, -0.0158639454, -0.1084458695, 0.2385631813, -0.1301173118, -0.0412826764, -0.024768719, 0.0660513954, 0.0847855143, -0.1695770489, 0.0847915346, -0.1073393871, 0.0332599323, 0.0740794549, 0.360630755, 0.4261951836, -0.7868259386, 0.2907790331, -0.0872332398, -0.2035457933, -0.1767438308, 0.6564463067, -0.4797024759, 0.0255688871, -0.1263374802, 0.1007685931];
const G4_DGAMMA: [f64; 12] = [-1.0541889741, 0.5749228001, 0.5472724344, -0.4525001221, 0.1536374361, 0.6601059512, -0.7043490147, -0.209559675, -0.1366246853, -0.0498365166, -0.0915965276, -0.2715643897];
const G4_DBETA: [f64; 12] = [-0.3, 0.5, -0.05, 0.25, -0.15, -0.05, 0.65, 0.35, 0.35, -0.05, 0.6, 0.3];

/// Forward and backward of one GroupNorm layer of 12 units with the script's gamma and beta;
/// returns (y, dx, dgamma, dbeta).
fn run_layer(groups: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>) {
    let mut params = Params::default();
    let mut gn = GroupNorm::new(&mut params, UNITS, groups, 1);
    params.values[gn.gamma.clone()].copy_from_slice(&GAMMA);
    params.values[gn.beta.clone()].copy_from_slice(&BETA);
    let mut y = Matrix::zeros(ROWS, UNITS);
    gn.forward(&params.values, &Matrix::from_vec(ROWS, UNITS, X.to_vec()), &mut y);
    let mut dx = Matrix::zeros(ROWS, UNITS);
    params.zero_grads();
    gn.backward(&params.values, &mut params.grads, &Matrix::from_vec(ROWS, UNITS, DY.to_vec()), &mut dx);
    let dgamma = params.grads[gn.gamma.clone()].to_vec();
    let dbeta = params.grads[gn.beta.clone()].to_vec();
    (y.data, dx.data, dgamma, dbeta)
}

/// The largest |got - want| over a slice.
fn max_abs(got: &[f32], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter().zip(want).map(|(&g, &w)| (g as f64 - w).abs()).fold(0.0, f64::max)
}

#[test]
fn group_norm_matches_torch_nn_group_norm() {
    let mut worst: f64 = 0.0;
    for (groups, want) in [(2, [&G2_Y[..], &G2_DX, &G2_DGAMMA, &G2_DBETA]), (4, [&G4_Y[..], &G4_DX, &G4_DGAMMA, &G4_DBETA])] {
        let (y, dx, dgamma, dbeta) = run_layer(groups);
        for (name, got, want) in [("y", &y, want[0]), ("dx", &dx, want[1]), ("dgamma", &dgamma, want[2]), ("dbeta", &dbeta, want[3])] {
            let d = max_abs(got, want);
            assert!(d < 1e-5, "G={groups} {name}: max |difference| {d} from torch.nn.GroupNorm");
            worst = worst.max(d);
        }
    }
    eprintln!("GroupNorm vs torch.nn.GroupNorm: max |difference| {worst:.3e}");
}

/// Two models that differ only in LayerNorm against GroupNorm with one group.
fn layer_and_group_1(norm_position: NormPosition, activation: Activation) -> (Config, Config) {
    let base = Config { hidden: vec![12, 8], norm_position, activation, ..Config::default() };
    (Config { norm: Norm::Layer, ..base.clone() }, Config { norm: Norm::Group, groups: 1, ..base })
}

#[test]
fn group_norm_with_one_group_is_layer_norm() {
    let mut worst: f64 = 0.0;
    for pos in [NormPosition::Before, NormPosition::After] {
        for act in [Activation::Tanh, Activation::Relu, Activation::Maxout] {
            let (ln, gn) = layer_and_group_1(pos, act);
            let mut results = Vec::new();
            for cfg in [&ln, &gn] {
                let mut rng = Rng::new(11, 4);
                let mut model = Model::new(cfg, 2, 3, &mut rng);
                let x: Vec<f32> = (0..16 * 2).map(|_| rng.normal()).collect();
                let labels: Vec<u32> = (0..16).map(|i| i % 3).collect();
                model.input_mut(16).data.copy_from_slice(&x);
                let scores = model.forward(Mode::Train, &mut rng).data.clone();
                model.params.zero_grads();
                model.backward(Targets::Classes(&labels));
                results.push((scores, model.params.values.clone(), model.params.grads.clone()));
            }
            let (a, b) = (&results[0], &results[1]);
            assert_eq!(a.1, b.1, "{pos:?} {act:?}: the same initial parameters");
            for (what, x, y) in [("outputs", &a.0, &b.0), ("gradients", &a.2, &b.2)] {
                assert_eq!(x.len(), y.len());
                let d = x.iter().zip(y).map(|(&p, &q)| (p - q).abs() as f64).fold(0.0, f64::max);
                assert!(d <= 1e-6, "{pos:?} {act:?}: {what} differ by {d}");
                worst = worst.max(d);
            }
        }
    }
    // Training too: 100 steps of Adam on the spiral give the same losses.
    let (ln, gn) = layer_and_group_1(NormPosition::Before, Activation::Relu);
    let (la, lb) = (losses(&ln, 100), losses(&gn, 100));
    let d = la.iter().zip(&lb).map(|(&p, &q)| (p - q).abs() as f64).fold(0.0, f64::max);
    assert!(d <= 1e-6, "training losses differ by {d}");
    worst = worst.max(d);
    eprintln!("GroupNorm G=1 vs LayerNorm: max |difference| {worst:.3e}");
}

fn losses(cfg: &Config, steps: usize) -> Vec<f32> {
    let mut t = Trainer::new(cfg).unwrap();
    (0..steps).map(|_| t.run(1).batch_loss).collect()
}

/// A GroupNorm config (an override that puts LayerNorm on one layer, dropout on) trains to the
/// same losses bit for bit across two runs, in each arithmetic mode the CPU offers.
#[test]
fn a_group_norm_run_is_reproducible_bit_for_bit() {
    let cfg = Config::from_json(
        r#"{"norm": "group", "groups": 4, "hidden": [32, 16, 8], "dropout": 0.1,
            "layer_overrides": [{"layer": 3, "norm": "layer"}]}"#,
    )
    .unwrap();
    let modes = if arithmetic::fused_available() { vec![Arithmetic::Separate, Arithmetic::Fused] } else { vec![Arithmetic::Separate] };
    for mode in modes {
        let bits = |cfg: &Config| arithmetic::with(mode, || losses(cfg, 150)).iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let a = bits(&cfg);
        assert_eq!(a, bits(&cfg), "{mode:?}: two runs of the same GroupNorm config differ");
        assert!(a.iter().all(|&b| f32::from_bits(b).is_finite()));
    }
}

#[test]
fn groups_must_divide_every_group_norm_layer_and_the_error_says_which_values_do() {
    let e = Config::from_json(r#"{"norm": "group", "groups": 4, "hidden": [12, 10]}"#).unwrap_err();
    assert_eq!(e.field, "groups");
    assert!(e.message.contains("layer 2's 10 units") && e.message.contains("allowed here: 1, 2"), "{}", e.message);
    // An override that takes GroupNorm off the 10-unit layer makes G = 4 fine.
    Config::from_json(r#"{"norm": "group", "groups": 4, "hidden": [12, 10], "layer_overrides": [{"layer": 2, "norm": "batch"}]}"#).unwrap();
    // An override that puts GroupNorm on a layer brings its width into the rule.
    let e = Config::from_json(r#"{"groups": 3, "hidden": [12, 8], "layer_overrides": [{"layer": 2, "norm": "group"}]}"#).unwrap_err();
    assert_eq!(e.field, "groups");
    assert!(e.message.contains("allowed here: 1, 2, 4, 8"), "{}", e.message);
    // Without GroupNorm the width rule does not apply, but the range does.
    Config::from_json(r#"{"groups": 3, "hidden": [8]}"#).unwrap();
    assert_eq!(Config::from_json(r#"{"groups": 0}"#).unwrap_err().field, "groups");
}

/// A damaged link keeps its GroupNorm network: a G that does not divide a width is replaced by
/// the default, and where the default does not divide it either, by one group.
#[test]
fn lenient_reading_repairs_groups_without_dropping_the_rest() {
    let (cfg, problems) = Config::from_value_lenient(&serde_json::json!({"norm": "group", "groups": 4, "hidden": [12, 10]}));
    assert_eq!((cfg.norm, cfg.groups, cfg.hidden.clone()), (Norm::Group, 2, vec![12, 10]));
    assert_eq!(problems.len(), 1);
    let (cfg, problems) = Config::from_value_lenient(&serde_json::json!({"norm": "group", "groups": 4, "hidden": [9], "dropout": 0.3}));
    assert_eq!((cfg.norm, cfg.groups, cfg.hidden.clone(), cfg.dropout), (Norm::Group, 1, vec![9], 0.3));
    assert!(problems.iter().all(|p| p.field == "groups"), "{problems:?}");
}
