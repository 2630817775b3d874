//! The image issue's demonstrations, run from the preset files in presets/ with fixed seeds:
//! overfitting on a small shapes set, flip + crop augmentation fighting it (median of 3 seeds),
//! horizontal flips hurting the left/right arrows, and the real digits reaching 96 %.

// Native only: the wasm test binaries are tests/wasm_node.rs and tests/wasm_browser.rs.
#![cfg(not(target_arch = "wasm32"))]

use overfit::config::Config;
use overfit::Trainer;

/// Trains a preset (with `seed`) for its configured epochs; returns (train acc, val acc).
fn final_accuracies(preset: &str, seed: u32) -> (f32, f32) {
    let path = format!("{}/presets/{preset}.json", env!("CARGO_MANIFEST_DIR"));
    let mut cfg = Config::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
    cfg.seed = seed;
    let mut t = Trainer::new(&cfg).unwrap();
    let spe = t.steps_per_epoch();
    t.run(cfg.epochs * spe);
    let last = t.history.last().unwrap();
    (last.train_score, last.val_score)
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[test]
fn shapes_overfit_and_flip_plus_crop_helps() {
    let plain: Vec<(f32, f32)> = (1..=3).map(|s| final_accuracies("shapes-overfit", s)).collect();
    let augmented: Vec<(f32, f32)> = (1..=3).map(|s| final_accuracies("shapes-augmented", s)).collect();
    eprintln!("shapes plain (train, val): {plain:?}\nshapes flip+crop (train, val): {augmented:?}");
    for &(train, val) in &plain {
        assert!(train >= 0.98, "training accuracy {train}");
        assert!(val <= train - 0.15, "validation {val} must stay 15 points below training {train}");
    }
    let gain = median(augmented.iter().map(|a| a.1).collect()) - median(plain.iter().map(|p| p.1).collect());
    eprintln!("median validation gain from flip + crop: {gain}");
    assert!(gain >= 0.05, "augmentation gain {gain}");
}

#[test]
fn horizontal_flips_hurt_left_right_arrows() {
    let plain: Vec<f32> = (1..=3).map(|s| final_accuracies("arrows", s).1).collect();
    let flipped: Vec<f32> = (1..=3).map(|s| final_accuracies("arrows-hflip", s).1).collect();
    eprintln!("arrows val: plain {plain:?}, with hflip {flipped:?}");
    assert!(median(flipped.clone()) < median(plain.clone()) - 0.1, "{flipped:?} vs {plain:?}");
}

#[test]
fn digits_reach_96_percent() {
    let (train, val) = final_accuracies("digits", 1);
    eprintln!("digits: train {train}, val {val}");
    assert!(val >= 0.96, "validation accuracy {val}");
}
