//! Reading what the CLI is given: flags, bounded config and sweep files (standard input too), a
//! config with `--field value` overrides checked after the file.

use super::*;

/// The largest config the CLI reads: a real config is a few kilobytes, so anything past this is
/// refused before it is parsed (`/dev/zero` or `yes |` must not fill the memory).
pub(crate) const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Splits arguments into positional ones and `--flag value` pairs.
pub(crate) fn parse_flags(args: &[String], allowed: &[&str]) -> Result<(Vec<String>, Vec<(String, String)>), String> {
    let mut pos = Vec::new();
    let mut flags = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            if !allowed.contains(&name) {
                return Err(format!("unknown option --{name}\n{USAGE}"));
            }
            let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            flags.push((name.to_string(), v.clone()));
        } else {
            pos.push(a.clone());
        }
    }
    Ok((pos, flags))
}

/// What a file the CLI reads holds: its errors begin with `config:` or `sweep:`, so a message
/// names the kind of file that is wrong.
#[derive(Clone, Copy)]
pub(crate) enum FileKind {
    Config,
    Sweep,
}

impl FileKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Sweep => "sweep",
        }
    }
}

/// Reads at most MAX_CONFIG_BYTES from `input`; more is an error naming the limit.
pub(crate) fn read_bounded(input: impl std::io::Read, what: &str, kind: FileKind) -> Result<String, String> {
    let label = kind.name();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(input, MAX_CONFIG_BYTES + 1), &mut bytes)
        .map_err(|e| format!("{label}: cannot read {what}: {e}"))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!("{label}: {what} is larger than {} MB; a {label} file is a small JSON object", MAX_CONFIG_BYTES >> 20));
    }
    String::from_utf8(bytes).map_err(|_| format!("{label}: {what} is not UTF-8 text"))
}

/// Reads and parses a config file (`-` is standard input; no path is the empty object).
pub(crate) fn read_config(path: Option<&String>) -> Result<serde_json::Value, String> {
    read_json(path, FileKind::Config)
}

/// Reads and parses a JSON file of the given kind, whose name begins every error of reading or
/// parsing it, and takes the arithmetic it records.
pub(crate) fn read_json(path: Option<&String>, kind: FileKind) -> Result<serde_json::Value, String> {
    let label = kind.name();
    let text = match path.map(String::as_str) {
        None => return Ok(serde_json::json!({})),
        Some("-") => read_bounded(std::io::stdin(), "standard input", kind)?,
        Some(p) => {
            let file = std::fs::File::open(p).map_err(|e| format!("{label}: cannot read {p}: {e}"))?;
            read_bounded(file, p, kind)?
        }
    };
    let mut value = serde_json::from_str(&text).map_err(|e| format!("{label}: not valid JSON: {e}"))?;
    take_recorded_arithmetic(&mut value)?;
    Ok(value)
}

/// Reads the config file, applies `--name value` overrides as JSON fields, and validates. The
/// file is checked on its own first, so a flag that overrides one of its fields does not hide a
/// bad value there (`{"epochs": "abc"}` with `--epochs 1` is refused, naming `epochs`).
pub(crate) fn config_with_overrides(path: Option<&String>, overrides: &[(String, String)]) -> Result<Config, String> {
    let mut value = read_config(path)?;
    if path.is_some() && !overrides.is_empty() {
        // Without overrides the check of the merged value below is this same check.
        Config::from_value(&value).map_err(|e: ConfigError| e.to_string())?;
    }
    let obj = value.as_object_mut().ok_or("config: must be a JSON object")?;
    for (k, v) in overrides {
        // Numbers stay numbers, anything else is a string (an enum name).
        let parsed = serde_json::from_str::<serde_json::Value>(v).unwrap_or(serde_json::Value::String(v.clone()));
        obj.insert(k.clone(), parsed);
    }
    Config::from_value(&value).map_err(|e: ConfigError| e.to_string())
}

pub(crate) fn flag<T: std::str::FromStr>(flags: &[(String, String)], name: &str, default: T, lo: T, hi: T) -> Result<T, String>
where
    T: PartialOrd + std::fmt::Display + Copy,
{
    match flags.iter().rev().find(|(k, _)| k == name) {
        None => Ok(default),
        Some((_, v)) => match v.parse::<T>() {
            Ok(x) if x >= lo && x <= hi => Ok(x),
            _ => Err(format!("--{name}: must be a number from {lo} to {hi}, got {v}")),
        },
    }
}
