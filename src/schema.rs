//! The config's shape, stated once: every field's type, default, range or options, group and what
//! a change to it does, plus the facts about each dataset and the limits. `Config::validate`
//! checks values against these ranges, `train::needs_rebuild` reads the effects, `overfit schema`
//! prints the whole schema as JSON and the wasm boundary hands it to the page, which builds its
//! controls, URL parsing and Compare's "same data / same initial weights" from it. The page keeps
//! only labels, tooltips and formulas.

use crate::config::{
    Activation, Config, Dataset, Feature, InputCorruption, Loss, Norm, NormPosition, Optimizer, Padding, Preprocess, Schedule, TestTime, WeightInit,
};
use serde::Serialize;
use serde_json::{json, Value};

pub use datasets::{applies_to, applies_where, dataset_facts, DatasetFacts};
pub use keys::{data_key, weights_key};

mod datasets;
mod keys;

/// The control group a field belongs to (the page shows one collapsible section per group).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Data,
    Augmentation,
    Model,
    Regularization,
    Optimization,
    /// The init lab's own settings (the Init lab tab).
    Lab,
    /// Settings of the command line only (the page trains until paused).
    Cli,
}

/// What a change to a field does to a run in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// New data: the samples are generated or split again, the model is rebuilt, training restarts.
    Data,
    /// New initial weights: the model's shape or its initialization changes, training restarts.
    Weights,
    /// Training restarts from the same data and (where the shapes allow) the same initial weights.
    Restart,
    /// A hyper-parameter: training goes on with the new value from the next step.
    Hyper,
    /// No effect on training in the page (the init lab, the CLI's epoch count).
    None,
}

/// The type and allowed values of a field.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A whole number from `min` to `max`.
    Int { min: u64, max: u64 },
    /// A real number from `min` to `max`; `min_exclusive` excludes `min` itself.
    Real { min: f32, max: f32, min_exclusive: bool },
    Bool,
    /// One of an enum's values, by their JSON names.
    Choice(fn() -> Vec<String>),
    /// A list of an enum's values, by their JSON names: at least one, each at most once, in the
    /// order given (the 2D input features).
    ChoiceSet(fn() -> Vec<String>),
    /// The hidden widths: at most `MAX_LAYERS` entries of 1 to `MAX_WIDTH`.
    Widths,
    /// The per-layer overrides of activation, dropout and normalization.
    Overrides,
}

/// One config field.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The name in the JSON, the URL hash and the CLI.
    pub key: &'static str,
    pub group: Group,
    pub effect: Effect,
    pub kind: Kind,
}

/// Largest number of hidden layers and units per layer the page and CLI accept.
pub const MAX_LAYERS: usize = 16;
pub const MAX_WIDTH: usize = 1024;
/// Largest number of GroupNorm groups.
pub const MAX_GROUPS: usize = 64;

/// An enum whose values a config field chooses from.
pub trait Choices: Serialize + Sized + 'static {
    /// Every value, in the order the page lists them.
    const ALL: &'static [Self];

    /// The JSON names of every value.
    fn names() -> Vec<String> {
        Self::ALL
            .iter()
            .map(|v| match serde_json::to_value(v) {
                Ok(Value::String(s)) => s,
                other => panic!("an enum value serializes to a string, got {other:?}"),
            })
            .collect()
    }
}

macro_rules! choices {
    ($t:ty: $($v:ident),+ $(,)?) => {
        impl Choices for $t {
            const ALL: &'static [Self] = &[$(<$t>::$v),+];
        }
    };
}

choices!(Dataset: Spiral, Circles, Xor, Blobs, Moons, Digits, Mnist1d, Shapes, Arrows, User, Sine, Step, Cubic, FewPoints, Plane, Gaussians);
choices!(Activation: Sigmoid, Tanh, Relu, LeakyRelu, Elu, Maxout, Identity);
choices!(WeightInit: Zeros, Normal001, Normal1, Normal, Uniform, Xavier, He);
choices!(Norm: None, Batch, Layer, Group);
choices!(NormPosition: Before, After);
choices!(Loss: Softmax, Hinge, Logistic, Mse, L1, Huber);
choices!(Optimizer: Sgd, Momentum, Adam);
choices!(Schedule: Constant, Step);
choices!(Preprocess: None, Mean, Standardize);
choices!(InputCorruption: None, Shuffled, RandomPixels, Gaussian);
choices!(Feature: X1, X2, X1Squared, X2Squared, X1X2, SinX1, SinX2);
choices!(Padding: Zero, Reflect);
choices!(TestTime: None, Flip, CenterCrop);

const fn int(min: u64, max: u64) -> Kind {
    Kind::Int { min, max }
}
const fn real(min: f32, max: f32) -> Kind {
    Kind::Real { min, max, min_exclusive: false }
}
/// A real number in (min, max].
const fn real_above(min: f32, max: f32) -> Kind {
    Kind::Real { min, max, min_exclusive: true }
}
const fn field(key: &'static str, group: Group, effect: Effect, kind: Kind) -> Field {
    Field { key, group, effect, kind }
}

use Effect as E;
use Group as G;

/// Every config field, in the order of `Config` and of the page's controls.
pub const FIELDS: &[Field] = &[
    // The data.
    field("dataset", G::Data, E::Data, Kind::Choice(Dataset::names)),
    field("classes", G::Data, E::Data, int(2, MAX_CLASSES_ANY as u64)),
    field("points", G::Data, E::Data, int(20, 20_000)),
    field("noise", G::Data, E::Data, real(0.0, 1.0)),
    field("val_fraction", G::Data, E::Data, real(0.05, 0.9)),
    field("seed", G::Data, E::Data, int(0, u32::MAX as u64)),
    field("data_seed", G::Data, E::Data, int(0, u32::MAX as u64)),
    field("preprocess", G::Data, E::Data, Kind::Choice(Preprocess::names)),
    // The inputs change, and with them the pre-processing statistics and the first layer's shape.
    field("features", G::Data, E::Data, Kind::ChoiceSet(Feature::names)),
    field("label_noise", G::Data, E::Data, real(0.0, 1.0)),
    field("input_corruption", G::Data, E::Data, Kind::Choice(InputCorruption::names)),
    field("train_per_class", G::Data, E::Data, int(0, 20_000)),
    field("image_size", G::Data, E::Data, int(8, 32)),
    field("color", G::Data, E::Data, Kind::Bool),
    field("clutter", G::Data, E::Data, real(0.0, 1.0)),
    // Augmentation, applied per training batch: it changes from the next batch on.
    field("hflip", G::Augmentation, E::Hyper, real(0.0, 1.0)),
    field("vflip", G::Augmentation, E::Hyper, real(0.0, 1.0)),
    field("crop_pad", G::Augmentation, E::Hyper, int(0, 8)),
    field("padding", G::Augmentation, E::Hyper, Kind::Choice(Padding::names)),
    field("translate", G::Augmentation, E::Hyper, int(0, 8)),
    field("brightness", G::Augmentation, E::Hyper, real(0.0, 1.0)),
    field("contrast", G::Augmentation, E::Hyper, real(0.0, 1.0)),
    field("test_time", G::Augmentation, E::Hyper, Kind::Choice(TestTime::names)),
    // The architecture.
    field("hidden", G::Model, E::Weights, Kind::Widths),
    field("activation", G::Model, E::Restart, Kind::Choice(Activation::names)),
    field("leaky_slope", G::Model, E::Restart, real(0.0, 1.0)),
    field("maxout_k", G::Model, E::Weights, int(2, 5)),
    field("init", G::Model, E::Weights, Kind::Choice(WeightInit::names)),
    field("init_scale", G::Model, E::Weights, real_above(0.0, 10.0)),
    field("norm", G::Model, E::Weights, Kind::Choice(Norm::names)),
    field("norm_position", G::Model, E::Weights, Kind::Choice(NormPosition::names)),
    // GroupNorm's G; it must also divide the width of every hidden layer that uses GroupNorm.
    field("groups", G::Model, E::Weights, int(1, MAX_GROUPS as u64)),
    field("bn_momentum", G::Model, E::Hyper, real(0.0, 0.9999)),
    field("dropout", G::Regularization, E::Hyper, real(0.0, 0.95)),
    field("test_time_scaling", G::Regularization, E::Hyper, Kind::Bool),
    field("layer_overrides", G::Model, E::Weights, Kind::Overrides),
    field("eval_batch_stats", G::Model, E::Hyper, Kind::Bool),
    // The objective.
    field("loss", G::Optimization, E::Restart, Kind::Choice(Loss::names)),
    field("hinge_margin", G::Optimization, E::Hyper, real_above(0.0, 100.0)),
    field("l2", G::Regularization, E::Hyper, real(0.0, 10.0)),
    field("l1", G::Regularization, E::Hyper, real(0.0, 10.0)),
    // The optimization.
    field("optimizer", G::Optimization, E::Hyper, Kind::Choice(Optimizer::names)),
    field("learning_rate", G::Optimization, E::Hyper, real_above(0.0, 10.0)),
    field("momentum", G::Optimization, E::Hyper, real(0.0, 0.999)),
    field("nesterov", G::Optimization, E::Hyper, Kind::Bool),
    field("beta1", G::Optimization, E::Hyper, real(0.0, 0.9999)),
    field("beta2", G::Optimization, E::Hyper, real(0.0, 0.99999)),
    field("eps", G::Optimization, E::Hyper, real_above(0.0, 1.0)),
    field("schedule", G::Optimization, E::Hyper, Kind::Choice(Schedule::names)),
    field("decay_every", G::Optimization, E::Hyper, int(1, 100_000)),
    field("decay_factor", G::Optimization, E::Hyper, real_above(0.0, 1.0)),
    field("batch_size", G::Optimization, E::Hyper, int(1, 4096)),
    field("epochs", G::Cli, E::None, int(1, 1_000_000)),
    field("stop_at_epoch", G::Optimization, E::Hyper, int(0, 1_000_000)),
    field("patience", G::Regularization, E::Hyper, int(0, 10_000)),
    field("ensemble", G::Regularization, E::Weights, int(1, 10)),
    // The init lab.
    field("lab_depth", G::Lab, E::None, int(1, 50)),
    field("lab_width", G::Lab, E::None, int(1, 2048)),
    field("lab_batch", G::Lab, E::None, int(1, 10_000)),
    field("lab_activation", G::Lab, E::None, Kind::Choice(Activation::names)),
    field("lab_init", G::Lab, E::None, Kind::Choice(WeightInit::names)),
];

/// The most classes any dataset allows (the user's own images).
pub const MAX_CLASSES_ANY: usize = crate::data::user::MAX_USER_CLASSES;

/// The field named `key`; panics for a name that is not a field (a bug in the core).
pub fn field_spec(key: &str) -> &'static Field {
    FIELDS.iter().find(|f| f.key == key).unwrap_or_else(|| panic!("no config field named {key}"))
}

/// The (min, max) of an integer field.
pub fn int_range(key: &str) -> (u64, u64) {
    match field_spec(key).kind {
        Kind::Int { min, max } => (min, max),
        other => panic!("{key} is not an integer field: {other:?}"),
    }
}

/// The (min, max, min_exclusive) of a real field.
pub fn real_range(key: &str) -> (f32, f32, bool) {
    match field_spec(key).kind {
        Kind::Real { min, max, min_exclusive } => (min, max, min_exclusive),
        other => panic!("{key} is not a real field: {other:?}"),
    }
}

/// The snake_case name of an enum value, as in the JSON.
pub(crate) fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// An f32 as the f64 of its shortest decimal form, so 0.9999f32 reads 0.9999 and not
/// 0.9998999834060669 in the JSON.
pub(crate) fn tidy(v: f32) -> f64 {
    v.to_string().parse().unwrap_or(v as f64)
}

/// Replaces every number of a JSON value that is exactly an f32 by its shortest decimal form.
fn tidy_value(v: &mut Value) {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(x) = n.as_f64() {
                if (x as f32) as f64 == x {
                    *v = json!(tidy(x as f32));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy_value),
        Value::Object(map) => map.values_mut().for_each(tidy_value),
        _ => {}
    }
}

/// The JSON object `v` with the keys that describe `kind` added: `type` ("int", "real", "bool",
/// "choice", "set", "widths", "overrides") and its `min`, `max`, `min_exclusive`, `options`,
/// `min_items`, `max_items`. The config schema and the sweep's knobs (`sweep::sweep_schema`) both
/// describe their values so.
pub(crate) fn with_kind(mut v: Value, kind: Kind) -> Value {
    let extra = match kind {
        Kind::Int { min, max } => json!({"type": "int", "min": min, "max": max}),
        Kind::Real { min, max, min_exclusive } => {
            json!({"type": "real", "min": tidy(min), "max": tidy(max), "min_exclusive": min_exclusive})
        }
        Kind::Bool => json!({"type": "bool"}),
        Kind::Choice(names) => json!({"type": "choice", "options": names()}),
        Kind::ChoiceSet(names) => json!({"type": "set", "options": names(), "min_items": 1}),
        Kind::Widths => json!({"type": "widths", "min": 1, "max": MAX_WIDTH, "max_items": MAX_LAYERS}),
        Kind::Overrides => json!({
            "type": "overrides",
            "max_items": MAX_LAYERS,
            "activation": Activation::names(),
            "norm": Norm::names(),
            "dropout": {"min": 0.0, "max": tidy(real_range("dropout").1)},
        }),
    };
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}

/// The whole schema as JSON: `{fields: [...], datasets: [...], limits: {...}}`. Each field is
/// `{key, group, effect, type, default, min?, max?, min_exclusive?, options?, min_items?,
/// max_items?}` with `type` one of "int", "real", "bool", "choice", "set", "widths", "overrides".
pub fn schema() -> Value {
    let mut defaults = serde_json::to_value(Config::default()).expect("the default config serializes");
    tidy_value(&mut defaults);
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|f| {
            let v = json!({
                "key": f.key,
                "group": f.group,
                "effect": f.effect,
                "default": defaults[f.key].clone(),
            });
            with_kind(v, f.kind)
        })
        .collect();
    let datasets: Vec<DatasetFacts> = Dataset::ALL.iter().map(|&d| dataset_facts(d)).collect();
    json!({
        "fields": fields,
        "datasets": datasets,
        // Keys a config file may carry beside the fields: what its run recorded (the arithmetic).
        "recorded": crate::config::RECORDED_KEYS,
        "limits": {
            "max_layers": MAX_LAYERS,
            "max_width": MAX_WIDTH,
            "max_params": crate::config::MAX_PARAMS,
            "max_memory_bytes": crate::config::MAX_MEMORY_BYTES,
            "user_images_max": crate::data::user::MAX_USER_IMAGES,
            "user_images_min": crate::data::user::MIN_USER_IMAGES,
            "user_classes_max": crate::data::user::MAX_USER_CLASSES,
            "user_classes_min": crate::data::user::MIN_USER_CLASSES,
            "user_bytes_max": crate::data::user::MAX_USER_BYTES,
            // Where tanh and sigmoid count as saturated: |a - mid| > beyond.
            "saturation": {
                "tanh": crate::metrics::saturation(crate::config::Activation::Tanh),
                "sigmoid": crate::metrics::saturation(crate::config::Activation::Sigmoid),
            },
            // The page's curve columns keep as many on-stride epochs as the core's History.
            "history_capacity": crate::history::DEFAULT_CAPACITY,
        },
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_config_field_is_in_the_schema_once_and_nothing_else() {
        let defaults = serde_json::to_value(Config::default()).unwrap();
        let keys: Vec<&str> = defaults.as_object().unwrap().keys().map(String::as_str).collect();
        for k in &keys {
            assert_eq!(FIELDS.iter().filter(|f| f.key == *k).count(), 1, "{k}");
        }
        assert_eq!(FIELDS.len(), keys.len());
    }

    #[test]
    fn every_default_is_inside_its_own_range_and_options() {
        let s = schema();
        for f in s["fields"].as_array().unwrap() {
            let d = &f["default"];
            match f["type"].as_str().unwrap() {
                "int" | "real" => {
                    let x = d.as_f64().unwrap();
                    assert!(x >= f["min"].as_f64().unwrap() && x <= f["max"].as_f64().unwrap(), "{f}");
                }
                "choice" => assert!(f["options"].as_array().unwrap().contains(d), "{f}"),
                "set" => {
                    let items = d.as_array().unwrap();
                    assert!(items.len() as u64 >= f["min_items"].as_u64().unwrap(), "{f}");
                    assert!(items.iter().all(|i| f["options"].as_array().unwrap().contains(i)), "{f}");
                }
                _ => {}
            }
        }
    }

    /// Each enum lists every value once: a value missing from `ALL` fails this match when added.
    #[test]
    fn choices_list_every_enum_value() {
        fn count<T: Choices>() -> usize {
            let names = T::names();
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len());
            names.len()
        }
        // Exhaustive matches: adding a variant without adding it to `ALL` breaks the build here.
        let n = |d: Dataset| match d {
            Dataset::Spiral | Dataset::Circles | Dataset::Xor | Dataset::Blobs | Dataset::Moons => 0,
            Dataset::Digits | Dataset::Shapes | Dataset::Arrows | Dataset::User | Dataset::Mnist1d => 0,
            Dataset::Sine | Dataset::Step | Dataset::Cubic | Dataset::FewPoints | Dataset::Plane | Dataset::Gaussians => 0,
        };
        let _ = n(Dataset::Spiral);
        assert_eq!(count::<Dataset>(), 16);
        let a = |a: Activation| match a {
            Activation::Sigmoid | Activation::Tanh | Activation::Relu | Activation::LeakyRelu => 0,
            Activation::Elu | Activation::Maxout | Activation::Identity => 0,
        };
        let _ = a(Activation::Relu);
        assert_eq!(count::<Activation>(), 7);
        let i = |i: WeightInit| match i {
            WeightInit::Zeros | WeightInit::Normal001 | WeightInit::Normal1 | WeightInit::Normal => 0,
            WeightInit::Uniform | WeightInit::Xavier | WeightInit::He => 0,
        };
        let _ = i(WeightInit::He);
        assert_eq!(count::<WeightInit>(), 7);
        assert_eq!(count::<Norm>(), 4);
        assert_eq!(count::<NormPosition>(), 2);
        assert_eq!(count::<Loss>(), 6);
        assert_eq!(count::<Optimizer>(), 3);
        assert_eq!(count::<Schedule>(), 2);
        assert_eq!(count::<Preprocess>(), 3);
        let f = |f: Feature| match f {
            Feature::X1 | Feature::X2 | Feature::X1Squared | Feature::X2Squared => 0,
            Feature::X1X2 | Feature::SinX1 | Feature::SinX2 => 0,
        };
        let _ = f(Feature::X1);
        assert_eq!(count::<Feature>(), 7);
        assert_eq!(count::<Feature>(), crate::config::MAX_FEATURES);
        assert_eq!(count::<Padding>(), 2);
        assert_eq!(count::<TestTime>(), 3);
    }

    #[test]
    fn validation_uses_the_schema_ranges() {
        // Each int and real field: its min and max validate, one step outside does not.
        for f in FIELDS {
            let probe = |v: Value| {
                let mut obj = serde_json::Map::new();
                obj.insert(f.key.to_string(), v);
                Config::from_value(&Value::Object(obj))
            };
            match f.kind {
                Kind::Int { min, max } if !matches!(f.key, "classes" | "points" | "lab_batch" | "lab_width" | "lab_depth") => {
                    assert!(probe(json!(min)).is_ok(), "{} min", f.key);
                    assert!(probe(json!(max)).is_ok() || f.key == "batch_size" || f.key == "train_per_class", "{} max: {:?}", f.key, probe(json!(max)));
                    if min > 0 {
                        assert_eq!(probe(json!(min - 1)).unwrap_err().field, f.key);
                    }
                    if max < u32::MAX as u64 {
                        assert_eq!(probe(json!(max + 1)).unwrap_err().field, f.key);
                    }
                }
                Kind::Real { min, max, min_exclusive } => {
                    assert_eq!(probe(json!(min)).is_ok(), !min_exclusive, "{} min", f.key);
                    assert!(probe(json!(max)).is_ok(), "{} max", f.key);
                    assert_eq!(probe(json!(max as f64 * 1.01 + 0.01)).unwrap_err().field, f.key);
                    assert_eq!(probe(json!(min as f64 - 0.01)).unwrap_err().field, f.key);
                }
                _ => {}
            }
        }
    }

    #[test]
    fn effects_decide_rebuilds_and_keys() {
        let a = Config::default();
        let b = Config { learning_rate: 0.5, ..a.clone() };
        assert_eq!(data_key(&a), data_key(&b));
        assert_eq!(weights_key(&a), weights_key(&b));
        let c = Config { activation: Activation::Tanh, ..a.clone() };
        assert_eq!(weights_key(&a), weights_key(&c), "a new activation keeps the weights' shapes");
        let d = Config { activation: Activation::Maxout, ..a.clone() };
        assert_ne!(weights_key(&a), weights_key(&d), "maxout has k pieces per unit");
        let e = Config { seed: 7, ..a.clone() };
        assert_ne!(data_key(&a), data_key(&e));
        // Digits ignores `classes`: the same data.
        let digits = Config { dataset: Dataset::Digits, ..a.clone() };
        assert_eq!(data_key(&digits), data_key(&Config { classes: 5, ..digits.clone() }));
        // The 2D features are new inputs; image datasets ignore them.
        let squares = Config { features: vec![Feature::X1Squared, Feature::X2Squared], ..a.clone() };
        assert_ne!(data_key(&a), data_key(&squares));
        assert!(crate::train::needs_rebuild(&a, &squares));
        assert_eq!(data_key(&digits), data_key(&Config { features: squares.features.clone(), ..digits.clone() }));
        assert!(!crate::train::needs_rebuild(&digits, &Config { features: vec![Feature::SinX1], ..digits.clone() }));
    }

    #[test]
    fn the_features_field_is_a_set_of_every_feature_name() {
        let s = schema();
        let f = s["fields"].as_array().unwrap().iter().find(|f| f["key"] == "features").unwrap().clone();
        assert_eq!(
            f,
            json!({
                "key": "features", "group": "data", "effect": "data", "type": "set", "min_items": 1,
                "options": ["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"],
                "default": ["x1", "x2"],
            })
        );
        // Right after `preprocess`, as in `Config`.
        let keys: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
        let at = keys.iter().position(|&k| k == "preprocess").unwrap();
        assert_eq!(keys[at + 1], "features");
    }
}
