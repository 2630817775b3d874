//! The knobs a sweep can turn: each one's config field(s), its allowed values (read from the
//! schema), the datasets it applies to, and how a value of it is checked and set in a config.

use super::{DEFAULT_EPOCHS, DEFAULT_PATIENCE, DEFAULT_SEEDS, MAX_EPOCHS, MAX_RUNS, MAX_SEEDS, MAX_VALUES};
use crate::config::{err, Config, ConfigError, Norm};
use crate::schema::{self, tidy, Kind, MAX_LAYERS, MAX_WIDTH};
use serde_json::{json, Value};


/// One knob a sweep can turn.
#[derive(Clone, Copy, Debug)]
pub struct Knob {
    /// The name in the sweep spec and the page.
    pub name: &'static str,
    /// The config field (or fields, for augmentation) it sets.
    pub fields: &'static [&'static str],
    /// Its values: an integer or real range, or a choice (the schema's kinds a knob can have).
    pub kind: Kind,
    /// Whether its values are usually log-spaced (the page's default step and axis).
    pub log: bool,
}

/// The kind of the config field `field`, as the schema states it.
fn kind_of(field: &str) -> Kind {
    schema::field_spec(field).kind
}

/// Every knob, in the order the page lists them. Ranges come from the schema's fields.
pub fn knobs() -> Vec<Knob> {
    let k = |name, fields, kind, log| Knob { name, fields, kind, log };
    vec![
        // Every hidden layer's width (a linear classifier gets one hidden layer of that width).
        k("width", &["hidden"], Kind::Int { min: 1, max: MAX_WIDTH as u64 }, true),
        // The number of hidden layers, each as wide as the config's first (64 if it has none).
        k("depth", &["hidden"], Kind::Int { min: 0, max: MAX_LAYERS as u64 }, false),
        k("points", &["points"], kind_of("points"), true),
        k("train_per_class", &["train_per_class"], kind_of("train_per_class"), true),
        k("label_noise", &["label_noise"], kind_of("label_noise"), false),
        k("input_corruption", &["input_corruption"], kind_of("input_corruption"), false),
        k("l2", &["l2"], kind_of("l2"), true),
        k("l1", &["l1"], kind_of("l1"), true),
        k("dropout", &["dropout"], kind_of("dropout"), false),
        k("batch_size", &["batch_size"], kind_of("batch_size"), true),
        k("learning_rate", &["learning_rate"], kind_of("learning_rate"), true),
        // One strength s from 0 to 1 for several augmentations at once (see `apply`).
        k(
            "augmentation",
            &["hflip", "crop_pad", "brightness", "contrast"],
            Kind::Real { min: 0.0, max: 1.0, min_exclusive: false },
            false,
        ),
        k("norm", &["norm"], kind_of("norm"), false),
        // GroupNorm's G (it must divide the widths of the layers that use GroupNorm).
        k("groups", &["groups"], kind_of("groups"), false),
    ]
}

/// The knob named `name`.
pub fn knob(name: &str) -> Option<Knob> {
    knobs().into_iter().find(|k| k.name == name)
}

/// The knobs and the sweep's limits as JSON, for the page: `{knobs: [{name, fields, type, min,
/// max, min_exclusive?, options?, log}], limits: {...}, defaults: {...}}`; the limits include
/// `max_csv_bytes`, the longest sweep CSV read back, so the page refuses a larger file unread;
/// `csv_columns` is the CSV's header with `{knob}` and `{series}` standing for the knobs' names
/// (the series column only when the sweep has a second knob), so the page's **CSV** export writes
/// exactly the columns `csv::read_csv` reads back.
pub fn sweep_schema() -> Value {
    let knobs: Vec<Value> = knobs()
        .iter()
        .map(|k| schema::with_kind(json!({"name": k.name, "fields": k.fields, "log": k.log}), k.kind))
        .collect();
    json!({
        "knobs": knobs,
        "limits": {"max_runs": MAX_RUNS, "max_seeds": MAX_SEEDS, "max_values": MAX_VALUES, "max_epochs": MAX_EPOCHS, "max_csv_bytes": super::csv::MAX_CSV_BYTES},
        "defaults": {"seeds": DEFAULT_SEEDS, "epochs": DEFAULT_EPOCHS, "patience": DEFAULT_PATIENCE},
        "csv_columns": super::csv::columns(super::csv::KNOB_COLUMN, Some(super::csv::SERIES_COLUMN)),
    })
}

/// A JSON number that is a whole number at or above 0, written as an integer (3) or as an
/// integral float (3.0); None for anything else (3.5, -1, a string).
pub(super) fn whole_number(v: &Value) -> Option<u64> {
    if let Some(x) = v.as_u64() {
        return Some(x);
    }
    // Every f64 at or above 2^64 is integral but does not fit; the cast would saturate.
    let x = v.as_f64()?;
    (x.is_finite() && x.fract() == 0.0 && x >= 0.0 && x < u64::MAX as f64).then_some(x as u64)
}

/// Checks one value against the knob's range; returns it in canonical form (an integral float
/// of an integer knob as the integer: 3.0 is 3).
pub(super) fn check_value(k: &Knob, v: &Value) -> Result<Value, String> {
    match k.kind {
        Kind::Int { min, max } => match whole_number(v) {
            Some(x) if x >= min && x <= max => Ok(json!(x)),
            _ => Err(format!("must be an integer from {min} to {max}")),
        },
        Kind::Real { min, max, min_exclusive } => match v.as_f64() {
            Some(x) if x.is_finite() && (x as f32) <= max && if min_exclusive { (x as f32) > min } else { (x as f32) >= min } => {
                Ok(json!(tidy(x as f32)))
            }
            _ if min_exclusive => Err(format!("must be a number in ({}, {}]", tidy(min), tidy(max))),
            _ => Err(format!("must be a number from {} to {}", tidy(min), tidy(max))),
        },
        Kind::Choice(names) => match v.as_str() {
            Some(s) if names().iter().any(|n| n == s) => Ok(json!(s)),
            _ => Err(format!("must be one of {}", names().join(", "))),
        },
        other => unreachable!("a knob of kind {other:?}: knobs are integers, reals or choices"),
    }
}

/// Sets the knob's field(s) of `cfg` to `v` (already checked by `check_value`).
pub(super) fn apply(cfg: &mut Config, knob: &str, v: &Value) {
    let u = || v.as_u64().unwrap_or(0) as usize;
    let f = || v.as_f64().unwrap_or(0.0) as f32;
    match knob {
        "width" => {
            if cfg.hidden.is_empty() {
                cfg.hidden = vec![u()];
            } else {
                cfg.hidden.iter_mut().for_each(|w| *w = u());
            }
        }
        "depth" => {
            let w = cfg.hidden.first().copied().unwrap_or(64);
            cfg.hidden = vec![w; u()];
            // Overrides of layers that no longer exist would be refused by `validate`.
            let n = cfg.hidden.len();
            cfg.layer_overrides.retain(|o| o.layer <= n);
        }
        "points" => cfg.points = u(),
        "train_per_class" => cfg.train_per_class = u(),
        "label_noise" => cfg.label_noise = f(),
        "l2" => cfg.l2 = f(),
        "l1" => cfg.l1 = f(),
        "dropout" => cfg.dropout = f(),
        "batch_size" => cfg.batch_size = u(),
        "learning_rate" => cfg.learning_rate = f(),
        // Strength s: mirror with probability s/2, crop after padding by round(4 s) pixels (less
        // than half the image, which `validate` requires), brightness and contrast jitter of 0.3 s.
        "augmentation" => {
            let s = f();
            let side = cfg.image_shape().map_or(0, |(w, h, _)| w.min(h));
            cfg.hflip = 0.5 * s;
            cfg.crop_pad = ((4.0 * s).round() as usize).min((side / 2).saturating_sub(1));
            cfg.brightness = 0.3 * s;
            cfg.contrast = 0.3 * s;
        }
        "norm" => cfg.norm = serde_json::from_value(v.clone()).unwrap_or(Norm::None),
        "input_corruption" => cfg.input_corruption = serde_json::from_value(v.clone()).unwrap_or_default(),
        "groups" => cfg.groups = u(),
        other => unreachable!("unknown knob {other} passed the checks"),
    }
}

/// Whether the knob applies to the base config's dataset (every field it sets applies there,
/// `schema::applies_to`, the rule that also hides the page's controls); the error names `field`.
pub(super) fn check_applies(k: &Knob, base: &Config, field: &str) -> Result<(), ConfigError> {
    match k.fields.iter().find(|f| !schema::applies_to(f, base.dataset)) {
        None => Ok(()),
        Some(f) => Err(err(field, format!("{} applies to {} only, not to {:?}", k.name, schema::applies_where(f), base.dataset).to_lowercase())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An integer knob takes an integral float as the integer and refuses any other number.
    #[test]
    fn an_integer_knob_takes_integral_floats_as_integers() {
        let width = knob("width").unwrap();
        assert_eq!(check_value(&width, &json!(3.0)), Ok(json!(3)));
        assert_eq!(check_value(&width, &json!(3)), Ok(json!(3)));
        for bad in [json!(3.5), json!(0.0), json!(-2.0), json!(1e300), json!("3")] {
            assert_eq!(check_value(&width, &bad), Err("must be an integer from 1 to 1024".to_string()), "{bad}");
        }
        let depth = knob("depth").unwrap();
        assert_eq!(check_value(&depth, &json!(-0.0)), Ok(json!(0)));
    }

    /// A knob that reads its kind from the schema must get one `check_value` handles: an integer
    /// range, a real range or a choice.
    #[test]
    fn every_knob_is_an_integer_a_real_or_a_choice() {
        for k in knobs() {
            assert!(matches!(k.kind, Kind::Int { .. } | Kind::Real { .. } | Kind::Choice(_)), "{}: {:?}", k.name, k.kind);
        }
    }
}
