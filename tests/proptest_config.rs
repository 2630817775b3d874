//! Property tests over config parsing and the core's invariants: no panic on any input; every
//! config that validates trains without panicking; every out-of-range field is rejected by name;
//! the lenient parser always returns a valid config.

#![cfg(not(target_arch = "wasm32"))]

use overfit::config::Config;
use overfit::Trainer;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Numeric fields with a value just outside their allowed range.
const OUT_OF_RANGE: &[(&str, f64)] = &[
    ("classes", 1.0),
    ("classes", 9.0),
    ("points", 19.0),
    ("points", 20001.0),
    ("noise", -0.1),
    ("noise", 1.5),
    ("val_fraction", 0.01),
    ("val_fraction", 0.95),
    ("label_noise", 1.1),
    ("image_size", 7.0),
    ("image_size", 33.0),
    ("clutter", -1.0),
    ("hflip", 1.5),
    ("vflip", -0.5),
    ("crop_pad", 9.0),
    ("translate", 9.0),
    ("brightness", 2.0),
    ("contrast", -0.1),
    ("leaky_slope", 1.5),
    ("maxout_k", 1.0),
    ("maxout_k", 6.0),
    ("init_scale", 0.0),
    ("bn_momentum", 1.0),
    ("dropout", 0.96),
    ("dropout", 1.5),
    ("hinge_margin", 0.0),
    ("l2", -0.1),
    ("l1", 11.0),
    ("learning_rate", 0.0),
    ("learning_rate", -1.0),
    ("learning_rate", 10.5),
    ("momentum", 1.0),
    ("beta1", 1.0),
    ("beta2", 1.0),
    ("eps", 0.0),
    ("decay_every", 0.0),
    ("decay_factor", 0.0),
    ("batch_size", 0.0),
    ("batch_size", 4097.0),
    ("epochs", 0.0),
    ("ensemble", 0.0),
    ("ensemble", 11.0),
    ("lab_depth", 0.0),
    ("lab_width", 0.0),
    ("lab_batch", 0.0),
];

#[test]
fn validation_rejects_every_out_of_range_field_by_name() {
    for &(field, v) in OUT_OF_RANGE {
        let text = json!({ field: v }).to_string();
        let e = Config::from_json(&text).expect_err(&format!("{field} = {v} must be rejected"));
        assert_eq!(e.field, field, "{field} = {v}: {e}");
    }
}

/// Any JSON value: numbers, strings, booleans, arrays, nested objects.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        any::<i64>().prop_map(|i| json!(i)),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array), prop::collection::hash_map("[a-z_]{1,8}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),]
    })
}

/// Objects over the real field names with arbitrary values.
fn config_like() -> impl Strategy<Value = Value> {
    let names: Vec<String> = serde_json::to_value(Config::default()).unwrap().as_object().unwrap().keys().cloned().collect();
    prop::collection::vec((prop::sample::select(names), any_json()), 0..6).prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
}

/// Small valid-looking configs: plausible values for the fields that matter to training.
fn small_config() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["spiral", "circles", "xor", "blobs", "moons", "shapes", "arrows"]),
        prop::collection::vec(1usize..24, 0..4),
        prop::sample::select(vec!["sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout", "identity"]),
        prop::sample::select(vec!["zeros", "normal001", "normal1", "normal", "uniform", "xavier", "he"]),
        prop::sample::select(vec!["none", "batch", "layer"]),
        prop::sample::select(vec!["softmax", "hinge", "logistic"]),
        prop::sample::select(vec!["sgd", "momentum", "adam"]),
        (0.0001f64..10.0, 1usize..64, 0.0f64..0.9, 1usize..4, 2usize..6),
        (0.0f64..1.0, 0usize..3, 0.0f64..1.0),
        prop::sample::subsequence(vec!["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"], 1..=7),
    )
        .prop_map(|(ds, hidden, act, init, norm, loss, opt, (lr, batch, dropout, ensemble, classes), (flip, crop, l2), features)| {
            json!({
                "dataset": ds, "hidden": hidden, "activation": act, "init": init, "norm": norm,
                "loss": loss, "optimizer": opt, "learning_rate": lr, "batch_size": batch,
                "dropout": dropout, "ensemble": ensemble, "classes": classes, "points": 60,
                "image_size": 8, "hflip": flip, "crop_pad": crop, "l2": l2, "test_time": "flip",
                "features": features
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parsing_anything_never_panics(v in any_json()) {
        let _ = Config::from_value(&v);
        let (cfg, _) = Config::from_value_lenient(&v);
        prop_assert!(cfg.validate().is_ok());
    }

    #[test]
    fn field_names_with_any_values_never_panic_and_lenient_always_validates(v in config_like()) {
        if let Ok(cfg) = Config::from_value(&v) {
            prop_assert!(cfg.validate().is_ok());
        }
        let (cfg, problems) = Config::from_value_lenient(&v);
        prop_assert!(cfg.validate().is_ok());
        if Config::from_value(&v).is_err() {
            prop_assert!(!problems.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_config_that_validates_trains_without_panicking(v in small_config()) {
        // About five in six of these validate (logistic with more than 2 classes does not).
        if let Ok(cfg) = Config::from_value(&v) {
            let mut t = Trainer::new(&cfg).unwrap();
            let spe = t.steps_per_epoch();
            let r = t.run(spe + 2);
            prop_assert!(r.step as usize <= spe + 2);
            prop_assert!(t.model().params.values.iter().all(|x| x.is_finite()) || r.diverged);
            let _ = t.layer_stats();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The fuzz targets' bodies on random bytes and on random JSON text (a stable-toolchain
    /// stand-in for `cargo fuzz run`, which needs nightly).
    #[test]
    fn fuzz_entry_points_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256), v in config_like()) {
        overfit::fuzzing::config(&bytes);
        overfit::fuzzing::config(v.to_string().as_bytes());
        overfit::fuzzing::digits(&bytes);
        let mut file = b"OVFD".to_vec();
        file.extend_from_slice(&bytes);
        overfit::fuzzing::digits(&file);
    }
}
