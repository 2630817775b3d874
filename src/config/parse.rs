//! Reading a config from JSON: strictly (the first bad field is an error that names it) or
//! leniently (every bad field is reported and replaced by its default), with over-long lists
//! refused before they are deserialized.

use super::{Loss, err, Config, ConfigError, MAX_FEATURES, MAX_LAYERS};

/// Keys a config file may carry beside the fields: what its run recorded, not settings.
/// `arithmetic` is the GEMM mode the page's run used ("separate" or "fused").
pub const RECORDED_KEYS: [&str; 1] = ["arithmetic"];

/// The arithmetic a config records (None when it records none); any other value than "separate"
/// or "fused" is an error naming `arithmetic`. The one rule for the CLI, sweeps and the page.
pub fn recorded_arithmetic(map: &serde_json::Map<String, serde_json::Value>) -> Result<Option<crate::arithmetic::Arithmetic>, ConfigError> {
    match map.get("arithmetic") {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(crate::arithmetic::Arithmetic::parse)
            .map(Some)
            .ok_or_else(|| err("arithmetic", format!("the recorded arithmetic is separate or fused, got {v}"))),
    }
}

/// The object without its recorded keys.
fn without_recorded(map: &serde_json::Map<String, serde_json::Value>) -> serde_json::Map<String, serde_json::Value> {
    map.iter().filter(|(k, _)| !RECORDED_KEYS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
}

impl Config {
    /// Parses a JSON object strictly; missing fields take their defaults (a missing `loss` the
    /// dataset's: `Loss::default_for`). The first unknown,
    /// mistyped or out-of-range field is an error that names it.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| err("config", format!("not valid JSON: {e}")))?;
        Config::from_value(&value)
    }

    /// Like `from_json`, from an already parsed JSON value.
    pub fn from_value(value: &serde_json::Value) -> Result<Config, ConfigError> {
        let cfg = Config::from_value_unvalidated(value)?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Reads every field by its type, as `from_value` does, without `validate()`'s range and
    /// cross-field checks: for an edit whose consequences (`follow_edit`) make it valid.
    pub fn from_value_unvalidated(value: &serde_json::Value) -> Result<Config, ConfigError> {
        let map = value.as_object().ok_or_else(|| err("config", "must be a JSON object".into()))?;
        // Long lists are refused before anything is copied.
        check_list_lengths(map)?;
        recorded_arithmetic(map)?;
        let map = without_recorded(map);
        // Deserializing one field at a time lets the error name the field even for type errors,
        // which serde_json reports only with a line and column.
        for (key, v) in &map {
            let mut one = serde_json::Map::new();
            one.insert(key.clone(), v.clone());
            serde_json::from_value::<Config>(serde_json::Value::Object(one))
                .map_err(|e| err(key, clean_serde_message(&e.to_string())))?;
        }
        let loss_given = map.contains_key("loss");
        let mut cfg: Config = serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| json_error(&e.to_string()))?;
        if !loss_given {
            cfg.loss = Loss::default_for(cfg.dataset);
        }
        Ok(cfg)
    }

    /// Parses leniently: every unknown, mistyped or out-of-range field is reported and replaced by
    /// its default, so a damaged link or file still gives a running configuration.
    pub fn from_value_lenient(value: &serde_json::Value) -> (Config, Vec<ConfigError>) {
        let mut problems = Vec::new();
        let Some(map) = value.as_object() else {
            return (Config::default(), vec![err("config", "must be a JSON object".into())]);
        };
        if let Err(e) = recorded_arithmetic(map) {
            problems.push(e);
        }
        let map = &without_recorded(map);
        let mut good = serde_json::Map::new();
        for (key, v) in map {
            if let Err(e) = check_list_lengths(&std::iter::once((key.clone(), v.clone())).collect()) {
                problems.push(e);
                continue;
            }
            let mut one = serde_json::Map::new();
            one.insert(key.clone(), v.clone());
            match serde_json::from_value::<Config>(serde_json::Value::Object(one.clone())) {
                Ok(_) => {
                    good.insert(key.clone(), v.clone());
                }
                Err(e) => problems.push(err(key, clean_serde_message(&e.to_string()))),
            }
        }
        let loss_given = good.contains_key("loss");
        let mut cfg: Config = serde_json::from_value(serde_json::Value::Object(good)).unwrap_or_default();
        // A missing loss is the dataset's own default (mean squared error for regression sets).
        if !loss_given {
            cfg.loss = Loss::default_for(cfg.dataset);
        }
        // Reset out-of-range fields one by one until the config validates.
        let defaults = serde_json::to_value(Config::default()).expect("default config serializes");
        for _ in 0..64 {
            match cfg.validate() {
                Ok(()) => break,
                Err(e) => {
                    let field = e.field.split('.').next().unwrap_or("").to_string();
                    problems.push(e);
                    let mut current = serde_json::to_value(&cfg).expect("config serializes");
                    match (current.get_mut(&field), defaults.get(&field)) {
                        // GroupNorm's default G may not divide the widths either; one group
                        // (LayerNorm) divides every width.
                        (Some(slot), Some(d)) if field == "groups" && slot == d => *slot = serde_json::json!(1),
                        (Some(slot), Some(d)) => *slot = d.clone(),
                        _ => {
                            cfg = Config::default();
                            break;
                        }
                    }
                    if field == "val_fraction" || field == "loss" {
                        // These depend on other fields; fall back to the safe pair.
                        current["val_fraction"] = defaults["val_fraction"].clone();
                        current["points"] = defaults["points"].clone();
                        current["loss"] = serde_json::to_value(Loss::default_for(cfg.dataset)).expect("a loss serializes");
                    }
                    cfg = serde_json::from_value(current).unwrap_or_default();
                }
            }
        }
        if cfg.validate().is_err() {
            cfg = Config::default();
        }
        (cfg, problems)
    }
}

/// Most entries of `layer_overrides` (a layer may be named more than once; the last one counts).
pub const MAX_OVERRIDES: usize = 4 * MAX_LAYERS;

/// Refuses lists far longer than any valid config holds before they are deserialized, so a file
/// with millions of entries costs no memory: `hidden` at most MAX_LAYERS, `layer_overrides` at
/// most MAX_OVERRIDES, `features` at most MAX_FEATURES.
fn check_list_lengths(map: &serde_json::Map<String, serde_json::Value>) -> Result<(), ConfigError> {
    let lists = [("hidden", MAX_LAYERS, "layers"), ("layer_overrides", MAX_OVERRIDES, "entries"), ("features", MAX_FEATURES, "features")];
    for (key, max, what) in lists {
        if let Some(list) = map.get(key).and_then(|v| v.as_array()) {
            if list.len() > max {
                return Err(err(key, format!("at most {max} {what}, got {}", list.len())));
            }
        }
    }
    Ok(())
}

/// Drops serde's " at line 1 column 9" tail, which means nothing to a user.
fn clean_serde_message(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Turns a serde message into a ConfigError that names the field when serde does.
pub fn json_error(msg: &str) -> ConfigError {
    // serde_json says e.g. "unknown variant `foo`, expected one of ... at line 1 column 20" or
    // "unknown field `x`, expected ..." or "invalid type: string \"abc\", expected f32".
    let field = if let Some(rest) = msg.strip_prefix("unknown field `") {
        rest.split('`').next().unwrap_or("config").to_string()
    } else {
        "config".to_string()
    };
    err(&field, msg.to_string())
}
