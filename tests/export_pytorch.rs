//! The PyTorch export: snapshots of the part of the script generated from representative configs
//! (the header and the `CONFIG` dict, stored in tests/snapshots/*.generated.txt, regenerated with
//! `OVERFIT_BLESS=1 cargo test --test export_pytorch`), every whole script compiling with
//! `python3 -m py_compile`, the semantic translations each config needs, and the script's
//! pure-Python port of Overfit's random generator, 2D data, input features and split checked
//! against the Rust originals number by number (python3 only, no PyTorch needed).
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::{Config, Dataset, Feature};
use overfit::data::{features, toy2d, Data};
use overfit::export_pytorch::{export, generated_part};
use overfit::rng::Rng;
use overfit::tensor::Matrix;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The configs under test, by snapshot name: each is a partial JSON config.
const CASES: &[(&str, &str)] = &[
    ("spiral_default", "{}"),
    (
        "hinge_maxout_bn_after",
        r#"{"loss": "hinge", "hinge_margin": 0.5, "activation": "maxout", "maxout_k": 3, "norm": "batch",
            "norm_position": "after", "dropout": 0.3, "test_time_scaling": false, "l1": 0.0005, "l2": 0.001,
            "optimizer": "momentum", "nesterov": true, "learning_rate": 0.05, "schedule": "step",
            "decay_every": 10, "decay_factor": 0.3}"#,
    ),
    ("logistic_moons", r#"{"dataset": "moons", "loss": "logistic", "hidden": [16], "activation": "tanh", "init": "xavier", "optimizer": "sgd"}"#),
    (
        "layernorm_overrides",
        r#"{"dataset": "circles", "norm": "layer", "activation": "elu", "hidden": [32, 32, 32],
            "layer_overrides": [{"layer": 2, "activation": "leaky_relu", "norm": "none"}]}"#,
    ),
    (
        "groupnorm_overrides",
        r#"{"dataset": "spiral", "norm": "group", "groups": 4, "norm_position": "after", "hidden": [32, 16, 12],
            "layer_overrides": [{"layer": 3, "norm": "layer"}]}"#,
    ),
    ("ensemble_early_stopping", r#"{"dataset": "blobs", "classes": 5, "ensemble": 3, "patience": 5, "label_noise": 0.1}"#),
    ("digits", r#"{"dataset": "digits", "epochs": 40}"#),
    (
        "mnist1d_label_noise",
        r#"{"dataset": "mnist1d", "hidden": [100, 100], "batch_size": 100, "label_noise": 0.15, "train_per_class": 200, "preprocess": "none"}"#,
    ),
    ("circles_linear_features", r#"{"dataset": "circles", "hidden": [], "features": ["x1_squared", "x2_squared", "sin_x1"]}"#),
    (
        "shapes_augmented_flip",
        r#"{"dataset": "shapes", "points": 1500, "train_per_class": 30, "val_fraction": 0.5, "color": true,
            "hflip": 0.5, "vflip": 0.5, "crop_pad": 3, "padding": "reflect", "translate": 1, "brightness": 0.1,
            "contrast": 0.2, "test_time": "flip"}"#,
    ),
    ("user_images", r#"{"dataset": "user", "classes": 4, "image_size": 24, "color": true, "crop_pad": 2, "test_time": "center_crop"}"#),
    ("few_points_mse", r#"{"dataset": "few_points", "noise": 0.3, "val_fraction": 0.5, "hidden": [128, 128, 128], "activation": "tanh", "batch_size": 10}"#),
    ("gaussians_huber_ensemble", r#"{"dataset": "gaussians", "loss": "huber", "ensemble": 3, "features": ["x1", "x2", "x1_x2"], "data_seed": 9}"#),
];

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap_or_else(|e| panic!("test config {json}: {e}"))
}

fn script(name: &str) -> String {
    let (_, json) = CASES.iter().find(|(n, _)| *n == name).expect("a known case");
    export(&config(json))
}

/// Where the generated part of a case's script is stored. The template's own text is not
/// repeated there: it is checked by the translation and data tests below instead.
fn snapshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(format!("export_pytorch_{name}.generated.txt"))
}

/// A fresh folder under the system temp dir for files a test writes.
fn scratch_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("overfit-export-{label}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether python3 runs; prints why a check is skipped when it does not.
fn have_python(test: &str) -> bool {
    let ok = Command::new("python3").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        println!("NOTICE: python3 not found, {test} skipped");
    }
    ok
}

#[test]
fn generated_parts_match_their_snapshots() {
    let bless = std::env::var("OVERFIT_BLESS").is_ok();
    let mut stale = Vec::new();
    for (name, json) in CASES {
        // The header names the arithmetic in force; the snapshots are taken in the separate mode,
        // which every machine has.
        let text = overfit::arithmetic::with(overfit::arithmetic::Arithmetic::Separate, || generated_part(&config(json)));
        let path = snapshot_path(name);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let stored = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing; run OVERFIT_BLESS=1 cargo test --test export_pytorch", path.display()));
        if stored != text {
            let line = stored.lines().zip(text.lines()).position(|(a, b)| a != b).unwrap_or(stored.lines().count().min(text.lines().count()));
            stale.push(format!(
                "{name}: first difference at line {}:\n  stored:    {}\n  generated: {}",
                line + 1,
                stored.lines().nth(line).unwrap_or("<end>"),
                text.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(stale.is_empty(), "the generated parts of the scripts changed (OVERFIT_BLESS=1 to accept):\n{}", stale.join("\n"));
}

/// The generated part split at its directive lines: `(directive, block text)` in order.
fn generated_blocks(generated: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    for line in generated.split_inclusive('\n') {
        if line.starts_with("#%= ") {
            blocks.push((line.trim_end().to_string(), String::new()));
        } else {
            blocks.last_mut().expect("the generated part starts with a directive").1.push_str(line);
        }
    }
    blocks
}

#[test]
fn the_generated_part_is_what_the_script_contains() {
    for (name, json) in CASES {
        let cfg = config(json);
        let script = export(&cfg);
        let blocks = generated_blocks(&generated_part(&cfg));
        let directives: Vec<&str> = blocks.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(directives, ["#%= header", "#%= config"], "{name}");
        // The header opens the script; each block appears in it whole, at a line start.
        assert!(script.starts_with(&blocks[0].1), "{name}: the script does not open with the header");
        for (directive, text) in &blocks {
            assert!(text.ends_with('\n'), "{name}: {directive} does not end its last line");
            let at_line_start = script.starts_with(text.as_str()) || script.contains(&format!("\n{text}"));
            assert!(at_line_start, "{name}: {directive} is not in the script as generated");
        }
    }
}

#[test]
fn every_script_compiles_with_py_compile() {
    if !have_python("py_compile") {
        return;
    }
    let dir = scratch_dir("compile");
    for (name, json) in CASES {
        let path = dir.join(format!("{name}.py"));
        std::fs::write(&path, export(&config(json))).unwrap();
        let out = Command::new("python3").args(["-m", "py_compile"]).arg(&path).output().unwrap();
        assert!(out.status.success(), "{name}: py_compile failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn header_names_version_config_and_how_to_run() {
    let s = script("digits");
    let header: Vec<&str> = s.lines().take_while(|l| l.starts_with('#')).collect();
    let header = header.join("\n");
    assert!(header.contains(&format!("Overfit {}", env!("CARGO_PKG_VERSION"))), "{header}");
    assert!(header.contains("--device cuda"));
    assert!(header.contains("torchrun --nproc_per_node=N run.py"));
    assert!(header.contains("DistributedDataParallel"));
    assert!(header.contains("--digits data/digits.bin"));
    // The wrapped JSON in the header is the config itself.
    let json: String = header
        .lines()
        .skip_while(|l| !l.starts_with("#   {"))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    assert_eq!(Config::from_json(&json).unwrap(), config(r#"{"dataset": "digits", "epochs": 40}"#));
    // The CONFIG dict carries every field with Python literals.
    assert!(s.contains("    \"dataset\": \"digits\",\n"));
    assert!(s.contains("    \"test_time_scaling\": True,\n"));
    assert!(s.contains("    \"layer_overrides\": [],\n"));
    assert!(s.contains(&format!("OVERFIT_VERSION = \"{}\"", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn distributed_training_is_behind_world_size() {
    let s = script("spiral_default");
    assert!(s.contains("int(os.environ.get(\"WORLD_SIZE\", \"1\"))"));
    assert!(s.contains("dist.init_process_group(backend=\"nccl\")"));
    assert!(s.contains("DistributedDataParallel(self.model"));
    assert!(s.contains("shard = slice(rank, None, world)"));
    assert!(s.contains("if rank == 0 and echo:\n            print(json.dumps(record"));
}

#[test]
fn semantic_translations_are_written_out() {
    let s = script("hinge_maxout_bn_after");
    // PyTorch's multi_margin_loss divides by the number of classes; the script multiplies back.
    assert!(s.contains("F.multi_margin_loss(scores, y, margin=margin, reduction=\"sum\") * classes"));
    assert!(s.contains("margin = cfg[\"hinge_margin\"]"));
    // BatchNorm momentum is 1 - Overfit's decay, eps 1e-5.
    assert!(s.contains("super().__init__(features, eps=1e-5, momentum=1.0 - decay)"));
    // No bias before a BatchNorm placed before the activation.
    assert!(s.contains("bias=not (norm == \"batch\" and before)"));
    // Maxout pieces are contiguous per unit.
    assert!(s.contains("x.view(x.shape[0], self.units, self.k).max(dim=2).values"));
    // Dropout without test-time scaling does not rescale.
    assert!(s.contains("nn.Dropout(p) if cfg[\"test_time_scaling\"] else UnscaledDropout(p)"));
    assert!(s.contains("keep = torch.rand_like(x) < 1.0 - self.p\n        return x * keep\n"));
    // Weight decay on weight matrices only: l2 w + l1 sign(w).
    assert!(s.contains("w.grad.add_(w, alpha=cfg[\"l2\"]).add_(torch.sign(w), alpha=cfg[\"l1\"])"));
    // Momentum in the cs231n form and the step schedule.
    assert!(s.contains("v.mul_(mu).add_(w.grad, alpha=-lr)"));
    assert!(s.contains("w.add_(v_prev, alpha=-mu).add_(v, alpha=1.0 + mu)"));
    assert!(s.contains("cfg[\"decay_factor\"] ** (epoch // cfg[\"decay_every\"])"));
    assert!(s.contains("    \"loss\": \"hinge\",\n") && s.contains("    \"nesterov\": True,\n"));

    // GroupNorm: nn.GroupNorm(G, width) on the (N, C) output of a dense layer, eps 1e-5, G from
    // the config; an override can put another norm on one layer.
    let s = script("groupnorm_overrides");
    assert!(s.contains("nn.GroupNorm(cfg[\"groups\"], normalized, eps=1e-5)"));
    assert!(s.contains("    \"norm\": \"group\",\n") && s.contains("    \"groups\": 4,\n"));

    let s = script("logistic_moons");
    assert!(s.contains("F.binary_cross_entropy_with_logits(scores[:, 0]"));
    assert!(s.contains("return 1 if cfg[\"loss\"] == \"logistic\" or is_regression(cfg) else classes"));

    // Regression: the losses on the one output, Huber with delta 1 as in src/loss.rs, R^2 and RMSE.
    let s = script("gaussians_huber_ensemble");
    assert!(s.contains("F.huber_loss(scores[:, 0], y, delta=1.0, reduction=\"sum\")"));
    assert!(s.contains("F.mse_loss(scores[:, 0], y, reduction=\"sum\")"));
    assert!(s.contains("r2 = 1.0 - sse / sst"));
    assert!(s.contains("def generate_regression(") && !s.contains("def generate_2d("));
    // 2D regression inputs are the selected features; 1D inputs are x itself.
    assert!(s.contains("def expand_features("));
    assert!(!script("few_points_mse").contains("def expand_features("));
}

#[test]
fn only_the_datasets_own_code_is_included() {
    let spiral = script("spiral_default");
    assert!(spiral.contains("def generate_2d(") && spiral.contains("def spiral_point(") && spiral.contains("def expand_features("));
    for absent in ["def generate_shapes(", "def load_digits(", "def load_image_folder(", "def augment(", "--digits", "--images"] {
        assert!(!spiral.contains(absent), "spiral script contains {absent}");
    }
    let digits = script("digits");
    assert!(digits.contains("def load_digits(") && digits.contains("def augment(") && digits.contains("\"--digits\""));
    assert!(!digits.contains("def generate_2d(") && !digits.contains("def generate_shapes(") && !digits.contains("def expand_features("));
    let mnist1d = script("mnist1d_label_noise");
    assert!(mnist1d.contains("def generate_mnist1d(") && mnist1d.contains("def mnist1d_filter(") && mnist1d.contains("MNIST1D_TEMPLATES = ["));
    for absent in ["def generate_2d(", "def expand_features(", "def generate_shapes(", "def load_digits(", "def augment(", "--digits"] {
        assert!(!mnist1d.contains(absent), "mnist1d script contains {absent}");
    }
    assert!(!spiral.contains("def generate_mnist1d("));
    let shapes = script("shapes_augmented_flip");
    assert!(shapes.contains("def generate_shapes(") && shapes.contains("def mirror(") && shapes.contains("def center_crop("));
    let user = script("user_images");
    assert!(user.contains("\"--images\""));
    // Pillow is imported inside the loader only, so the other paths need torch alone.
    let pil: Vec<&str> = user.lines().filter(|l| l.contains("from PIL import")).collect();
    assert_eq!(pil, ["        from PIL import Image"]);
    assert!(user.contains("Pillow"));
    for (name, json) in CASES {
        let s = export(&config(json));
        let imports: Vec<&str> = s.lines().filter(|l| l.starts_with("import ") || l.starts_with("from ")).collect();
        for line in imports {
            let module = line.split_whitespace().nth(1).unwrap().split('.').next().unwrap();
            assert!(
                ["argparse", "json", "math", "os", "struct", "sys", "time", "pathlib", "torch"].contains(&module),
                "{name}: top-level import of {module}"
            );
        }
    }
}

#[test]
fn cli_prints_the_script_and_rejects_bad_configs_with_exit_2() {
    let dir = scratch_dir("cli");
    let good = dir.join("good.json");
    std::fs::write(&good, r#"{"dataset": "moons", "loss": "logistic"}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_overfit")).arg("export-pytorch").arg(&good).args(["--epochs", "7"]).output().unwrap();
    assert!(out.status.success());
    let expected = export(&config(r#"{"dataset": "moons", "loss": "logistic", "epochs": 7}"#));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"dataset": "moons", "loss": "logistic", "classes": 3, "learning_rate": 0}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_overfit")).arg("export-pytorch").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("learning_rate"), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

/// The script's pure-Python part: from the random generator to the end of the split function
/// (the 2D generators sit between them), which needs only the standard library.
fn pure_python_part(script: &str) -> String {
    let start = script.find("MASK64 = ").expect("the generator section");
    let end = script.find("class Data:").expect("the Data class");
    let body = &script[start..end];
    format!("import json\nimport math\nimport struct\nimport sys\n\n{body}")
}

fn run_python(program: &str, label: &str) -> serde_json::Value {
    let dir = scratch_dir(label);
    let path = dir.join("check.py");
    std::fs::write(&path, program).unwrap();
    let out = Command::new("python3").arg(&path).output().unwrap();
    let _ = std::fs::remove_dir_all(dir);
    assert!(out.status.success(), "python failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("python prints JSON")
}

#[test]
fn the_python_random_generator_is_overfits_bit_for_bit() {
    if !have_python("the generator check") {
        return;
    }
    let driver = r#"
root = Pcg32(12345, 7)
child = root.fork(3)
out = {
    "u32": [root.next_u32() for _ in range(20)],
    "below": [child.below(n) for n in (1, 2, 3, 7, 10, 1000, 2**31 + 11)],
    "uniform": [child.uniform() for _ in range(5)],
    "normal": [child.normal() for _ in range(7)],
}
items = list(range(50))
child.shuffle(items)
out["shuffle"] = items
print(json.dumps(out))
"#;
    let py = run_python(&(pure_python_part(&script("spiral_default")) + driver), "rng");
    let mut root = Rng::new(12345, 7);
    let mut child = root.fork(3);
    let u32s: Vec<u32> = (0..20).map(|_| root.next_u32()).collect();
    assert_eq!(py["u32"], serde_json::json!(u32s));
    let below: Vec<u32> = [1u32, 2, 3, 7, 10, 1000, (1 << 31) + 11].iter().map(|&n| child.below(n)).collect();
    assert_eq!(py["below"], serde_json::json!(below));
    for k in 0..5 {
        assert_eq!(py["uniform"][k].as_f64().unwrap(), child.uniform() as f64, "uniform {k}");
    }
    for k in 0..7 {
        // Box-Muller goes through the platform's log/sin/cos in both; allow one f32 rounding step.
        let (a, b) = (py["normal"][k].as_f64().unwrap(), child.normal() as f64);
        assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "normal {k}: python {a}, rust {b}");
    }
    let mut items: Vec<u32> = (0..50).collect();
    child.shuffle(&mut items);
    assert_eq!(py["shuffle"], serde_json::json!(items));
}

#[test]
fn the_python_2d_data_and_split_match_overfits() {
    if !have_python("the data check") {
        return;
    }
    // Each dataset with an odd point count, noise, label noise and a per-class limit, so that
    // every branch of the generators and of the split is exercised.
    for (dataset, classes) in [(Dataset::Spiral, 4), (Dataset::Circles, 2), (Dataset::Xor, 2), (Dataset::Blobs, 5), (Dataset::Moons, 2)] {
        let cfg = Config {
            dataset,
            classes,
            points: 251,
            noise: 0.3,
            val_fraction: 0.3,
            seed: 42,
            label_noise: 0.2,
            train_per_class: 30,
            ..Config::default()
        };
        let name = serde_json::to_value(dataset).unwrap().as_str().unwrap().to_string();
        let driver = format!(
            r#"
cfg = {{"val_fraction": 0.3, "train_per_class": 30, "label_noise": 0.2}}
root = Pcg32(42, 0)
rng = root.fork(STREAM_DATA)
classes = {classes} if "{name}" in ("spiral", "blobs") else 2
xs, labels = generate_2d("{name}", 251, classes, 0.3, rng)
val_idx, train_idx, train_labels = split_indices(labels, classes, cfg, rng)
print(json.dumps({{"xs": xs, "labels": labels, "val": val_idx, "train": train_idx, "train_labels": train_labels}}))
"#
        );
        let py = run_python(&(pure_python_part(&export(&cfg)) + &driver), &name);

        // The raw generator, on the same stream.
        let mut root = Rng::new(42, 0);
        let mut rng = root.fork(1);
        let (xs, labels) = toy2d::generate(dataset, 251, classes, 0.3, &mut rng);
        let pxs: Vec<f64> = py["xs"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        assert_eq!(pxs.len(), xs.len());
        for (i, (&a, &b)) in pxs.iter().zip(&xs).enumerate() {
            // Overfit computes in f32, the script in f64.
            assert!((a - b as f64).abs() < 1e-5, "{name} value {i}: python {a}, rust {b}");
        }
        assert_eq!(py["labels"], serde_json::json!(labels), "{name} labels");

        // The split as Overfit's Data builds it: same rows in the same order, same noisy labels.
        let mut root = Rng::new(42, 0);
        let data = Data::build(&cfg, &mut root.fork(1)).unwrap();
        let val: Vec<usize> = py["val"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        let train: Vec<usize> = py["train"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(val.len(), data.val_raw.rows, "{name} validation size");
        assert_eq!(train.len(), data.train_raw.rows, "{name} training size");
        for (r, &i) in val.iter().enumerate() {
            assert!((pxs[2 * i] - data.val_raw.data[2 * r] as f64).abs() < 1e-5, "{name} validation row {r}");
            assert_eq!(labels[i], data.val_y[r], "{name} validation label {r}");
        }
        for (r, &i) in train.iter().enumerate() {
            assert!((pxs[2 * i + 1] - data.train_raw.data[2 * r + 1] as f64).abs() < 1e-5, "{name} training row {r}");
        }
        assert_eq!(py["train_labels"], serde_json::json!(data.train_y), "{name} noisy training labels");
    }
}

#[test]
fn the_python_mnist1d_data_and_split_match_overfits() {
    if !have_python("the mnist1d data check") {
        return;
    }
    let cfg = Config { dataset: Dataset::Mnist1d, seed: 3, label_noise: 0.15, train_per_class: 200, ..Config::default() };
    let driver = r#"
cfg = {"val_fraction": MNIST1D_VAL_FRACTION, "train_per_class": 200, "label_noise": 0.15}
rng = Pcg32(3, 0).fork(STREAM_DATA)
xs, labels = generate_mnist1d(rng)
val_idx, train_idx, train_labels = split_indices(labels, 10, cfg, rng)
print(json.dumps({"xs": xs, "labels": labels, "val": val_idx, "train": train_idx, "train_labels": train_labels}))
"#;
    let py = run_python(&(pure_python_part(&export(&cfg)) + driver), "mnist1d");
    let (xs, labels) = overfit::data::mnist1d::generate(&overfit::data::mnist1d::Params::REFERENCE, &mut Rng::new(3, 0).fork(1));
    let pxs: Vec<f64> = py["xs"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(pxs.len(), xs.len());
    // The same draws and the same float64 arithmetic; exp may differ in its last bit.
    let worst = pxs.iter().zip(&xs).map(|(&a, &b)| (a - b as f64).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-5, "largest difference {worst}");
    assert_eq!(py["labels"], serde_json::json!(labels));
    let data = Data::build(&cfg, &mut Rng::new(3, 0).fork(1)).unwrap();
    let val: Vec<usize> = py["val"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    let train: Vec<usize> = py["train"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    assert_eq!((val.len(), train.len()), (data.val_raw.rows, data.train_raw.rows));
    assert_eq!((val.len(), train.len()), (1000, 2000));
    for (r, &i) in val.iter().enumerate() {
        assert!((pxs[40 * i + 7] - data.val_raw.data[40 * r + 7] as f64).abs() < 1e-5, "validation row {r}");
    }
    for (r, &i) in train.iter().enumerate() {
        assert!((pxs[40 * i + 20] - data.train_raw.data[40 * r + 20] as f64).abs() < 1e-5, "training row {r}");
    }
    assert_eq!(py["train_labels"], serde_json::json!(data.train_y), "noisy training labels");
}

#[test]
fn the_python_regression_data_and_split_match_overfits() {
    if !have_python("the regression data check") {
        return;
    }
    for dataset in [Dataset::Sine, Dataset::Step, Dataset::Cubic, Dataset::FewPoints, Dataset::Plane, Dataset::Gaussians] {
        let cfg = Config { dataset, loss: overfit::config::Loss::Mse, points: 101, noise: 0.2, seed: 5, train_per_class: 40, ..Config::default() };
        let name = serde_json::to_value(dataset).unwrap().as_str().unwrap().to_string();
        let n = cfg.sample_count();
        let driver = format!(
            r#"
cfg = {{"val_fraction": 0.3, "train_per_class": 40, "label_noise": 0.0}}
rng = Pcg32(5, 0).fork(STREAM_DATA)
xs, targets, dims = generate_regression("{name}", {n}, 0.2, rng)
val_idx, train_idx, _ = split_indices([0] * len(targets), 1, cfg, rng, True)
print(json.dumps({{"xs": xs, "targets": targets, "train": [targets[i] for i in train_idx]}}))
"#
        );
        let py = run_python(&(pure_python_part(&export(&cfg)) + &driver), &name);
        let data = Data::build(&cfg, &mut Rng::new(5, 0).fork(1)).unwrap();
        let (xs, ts) = overfit::data::regression::generate(dataset, n, 0.2, &mut Rng::new(5, 0).fork(1));
        let close = |key: &str, want: &[f32]| {
            let got: Vec<f64> = py[key].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            assert_eq!(got.len(), want.len(), "{name} {key}");
            for (i, (&a, &b)) in got.iter().zip(want).enumerate() {
                // sin and exp may differ by an f32 rounding step between libm and Python.
                assert!((a - b as f64).abs() < 1e-5, "{name} {key} {i}: python {a}, rust {b}");
            }
        };
        close("xs", &xs);
        close("targets", &ts);
        close("train", &data.train_t);
    }
}

#[test]
fn the_python_input_features_are_overfits() {
    if !have_python("the input features check") {
        return;
    }
    use Feature::*;
    let all = [X1, X2, X1Squared, X2Squared, X1X2, SinX1, SinX2];
    // Noisy circles reach beyond the unit square, so that sin and the squares see large values.
    let mut rng = Rng::new(9, 0);
    let (xs, _) = toy2d::generate(Dataset::Circles, 200, 2, 1.0, &mut rng);
    let want = features::expand(&Matrix::from_vec(200, 2, xs.clone()), &all);
    // serde_json writes each f32 in its shortest form, which f32() in the script reads back exactly.
    let driver = format!(
        r#"
xs = {}
names = {}
print(json.dumps([point_features(f32(xs[2 * i]), f32(xs[2 * i + 1]), names) for i in range(len(xs) // 2)]))
"#,
        serde_json::to_string(&xs).unwrap(),
        serde_json::to_string(&all).unwrap()
    );
    let py = run_python(&(pure_python_part(&script("spiral_default")) + &driver), "features");
    let rows = py.as_array().unwrap();
    assert_eq!(rows.len(), 200);
    for (r, row) in rows.iter().enumerate() {
        for (j, v) in row.as_array().unwrap().iter().enumerate() {
            let (got, want) = (v.as_f64().unwrap() as f32, want.row(r)[j]);
            // The products are the same f32 operation; sin may round the other way once in a while.
            let ulps = (got.to_bits() as i64 - want.to_bits() as i64).abs();
            let allowed = if matches!(all[j], SinX1 | SinX2) { 1 } else { 0 };
            assert!(ulps <= allowed, "point {r} {:?}: python {got}, rust {want}", all[j]);
        }
    }
}

#[test]
fn the_header_records_the_arithmetic_in_force() {
    use overfit::arithmetic::{self, Arithmetic};
    let mut modes = vec![Arithmetic::Separate];
    if arithmetic::fused_available() {
        modes.push(Arithmetic::Fused);
    }
    for mode in modes {
        let script = arithmetic::with(mode, || overfit::export_pytorch::export(&Config::default()));
        let line = format!("# Arithmetic: {} (", mode.name());
        assert!(script.contains(&line), "{mode:?}: no line {line:?} in the header");
        assert!(script.contains(&format!("--arithmetic {}`", mode.name())), "{mode:?}: the CLI hint");
    }
}
