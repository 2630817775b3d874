//! Exports a run as one self-contained PyTorch script that reproduces the configuration.
//!
//! The script is `export_pytorch/template.py` with a generated header comment (Overfit version,
//! how to run it, the configuration as JSON) and a `CONFIG` dict, and with only the data code of
//! the dataset's family kept: the 2D generators and input features, the shapes and arrows
//! generator, the MNIST-1D generator, the digits reader or the image-folder reader, and the
//! augmentation and test-time views for images.
//!
//! The template is valid Python on its own; its directives are comment lines:
//! `#% if FLAG` / `#% if not FLAG` / `#% else` / `#% endif` keep or drop the lines between them,
//! `#%= NAME` is replaced by a generated block, and `{{version}}` by the crate version.
//! `generated_part` returns the generated blocks alone, which is what the snapshot tests store.

use crate::config::{Config, Dataset};

const TEMPLATE: &str = include_str!("export_pytorch/template.py");

/// The longest line of the wrapped configuration JSON in the header.
const HEADER_WIDTH: usize = 99;

/// The PyTorch script for `cfg` (expected to be valid: see `Config::validate`).
pub fn export(cfg: &Config) -> String {
    render(cfg, None).script
}

/// A sweep's script (`export_ray`): this template for `cfg` without its `if __name__ ==
/// "__main__"` block, followed by `tail` (a template read with the same directives, whose code
/// calls `run(cfg, args, report)` once per trial). `blocks` give the text of `#%= NAME`
/// directives by name, among them `header`, which replaces the one-run header.
pub fn export_for_sweep(cfg: &Config, tail: &str, blocks: &[(&str, String)]) -> String {
    render(cfg, Some(Sweep { tail, blocks })).script
}

/// What a sweep's script adds to the template: its tail and its generated blocks.
struct Sweep<'a> {
    tail: &'a str,
    blocks: &'a [(&'a str, String)],
}

/// The part of the script generated from `cfg`, as `export` writes it: for each `#%= NAME`
/// directive of the template that the config keeps, the directive line itself and then the block
/// that replaces it in the script (the header comment, then the `CONFIG` dict). Everything else in
/// the script is the template's own text.
pub fn generated_part(cfg: &Config) -> String {
    render(cfg, None).generated
}

/// A rendered template: the whole script, and its generated blocks under their directive lines.
struct Rendered {
    script: String,
    generated: String,
}

/// Expands the template for `cfg`; `export` and `generated_part` both read this one result.
fn render(cfg: &Config, sweep: Option<Sweep>) -> Rendered {
    let mut flags = Flags::of(cfg);
    flags.sweep = sweep.is_some();
    let text = match &sweep {
        Some(s) => format!("{TEMPLATE}{}", s.tail),
        None => TEMPLATE.to_string(),
    };
    let mut script = String::with_capacity(text.len() + 4096);
    let mut generated = String::new();
    // One entry per open `#% if`: whether its lines are kept.
    let mut stack: Vec<bool> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let directive = line.trim_start();
        if let Some(cond) = directive.strip_prefix("#% if ") {
            stack.push(flags.eval(cond.trim(), number + 1));
        } else if directive == "#% else" {
            let top = stack.last_mut().unwrap_or_else(|| panic!("template line {}: #% else without #% if", number + 1));
            *top = !*top;
        } else if directive == "#% endif" {
            stack.pop().unwrap_or_else(|| panic!("template line {}: #% endif without #% if", number + 1));
        } else if !stack.iter().all(|&keep| keep) {
            continue;
        } else if let Some(name) = directive.strip_prefix("#%= ") {
            let given = sweep.as_ref().and_then(|s| s.blocks.iter().find(|(n, _)| *n == name.trim()));
            let text = match given {
                Some((_, text)) => text.clone(),
                None => block(name.trim(), cfg, &flags),
            };
            script.push_str(&text);
            generated.push_str(directive);
            generated.push('\n');
            generated.push_str(&text);
        } else {
            script.push_str(&line.replace("{{version}}", env!("CARGO_PKG_VERSION")));
            script.push('\n');
        }
    }
    assert!(stack.is_empty(), "template: unclosed #% if");
    Rendered { script, generated }
}

/// What decides which parts of the template are kept.
struct Flags {
    /// spiral, circles, xor, blobs, moons.
    toy2d: bool,
    /// MNIST-1D's signals.
    mnist1d: bool,
    /// shapes or arrows (one generator draws both).
    shapes: bool,
    digits: bool,
    user: bool,
    /// Any image dataset: augmentation and test-time views apply.
    image: bool,
    /// The regression sets (1D and 2D).
    regression: bool,
    /// 2D points, whose inputs are the selected features of (x1, x2).
    features: bool,
    /// The script is the body of a sweep's script: no `__main__` block of its own.
    sweep: bool,
}

impl Flags {
    fn of(cfg: &Config) -> Flags {
        let d = cfg.dataset;
        Flags {
            toy2d: !d.is_image() && !d.is_regression() && d.signal_len().is_none(),
            mnist1d: d == Dataset::Mnist1d,
            shapes: matches!(d, Dataset::Shapes | Dataset::Arrows),
            digits: d == Dataset::Digits,
            user: d == Dataset::User,
            image: d.is_image(),
            regression: d.is_regression(),
            features: d.point_dims() == 2,
            sweep: false,
        }
    }

    /// Evaluates `FLAG` or `not FLAG`; an unknown name is a bug in the template.
    fn eval(&self, cond: &str, line: usize) -> bool {
        let (negate, name) = match cond.strip_prefix("not ") {
            Some(rest) => (true, rest.trim()),
            None => (false, cond),
        };
        let value = match name {
            "toy2d" => self.toy2d,
            "mnist1d" => self.mnist1d,
            "shapes" => self.shapes,
            "digits" => self.digits,
            "user" => self.user,
            "image" => self.image,
            "regression" => self.regression,
            "features" => self.features,
            "sweep" => self.sweep,
            other => panic!("template line {line}: unknown flag {other}"),
        };
        value != negate
    }
}

/// The generated block for `#%= name`.
fn block(name: &str, cfg: &Config, flags: &Flags) -> String {
    match name {
        "header" => header(cfg, flags),
        "config" => config_literal(cfg),
        other => panic!("template: unknown block {other}"),
    }
}

/// The config as compact JSON, fields in the struct's order, f32 values in their shortest form.
fn config_json(cfg: &Config) -> String {
    serde_json::to_string(cfg).expect("config serializes")
}

/// Follows a scan of JSON text character by character and tells which characters belong to a
/// string literal, so that commas, colons, brackets and words inside strings are left alone.
#[derive(Default)]
struct JsonStrings {
    in_string: bool,
    escaped: bool,
}

impl JsonStrings {
    /// Advances over `ch`; true when `ch` is part of a string literal, its quotes included.
    fn step(&mut self, ch: char) -> bool {
        if self.in_string {
            match (self.escaped, ch) {
                (true, _) => self.escaped = false,
                (false, '\\') => self.escaped = true,
                (false, '"') => self.in_string = false,
                _ => {}
            }
            return true;
        }
        self.in_string = ch == '"';
        self.in_string
    }
}

/// Splits a JSON object's text into its top-level `(key, value text)` pairs, in order.
fn top_level_fields(json: &str) -> Vec<(String, String)> {
    let inner = json.trim().strip_prefix('{').and_then(|s| s.strip_suffix('}')).expect("a JSON object");
    let mut fields = Vec::new();
    let (mut depth, mut strings, mut start) = (0usize, JsonStrings::default(), 0usize);
    let mut push = |part: &str| {
        if part.trim().is_empty() {
            return;
        }
        // The key is a JSON string; the value starts after the first colon outside it.
        let key_end = part[1..].find('"').expect("a quoted key") + 1;
        let key = part[1..key_end].to_string();
        let value = part[key_end + 1..].trim_start().strip_prefix(':').expect("a colon").trim().to_string();
        fields.push((key, value));
    };
    for (i, ch) in inner.char_indices() {
        if strings.step(ch) {
            continue;
        }
        match ch {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    push(&inner[start..]);
    fields
}

/// JSON value text as a Python literal: objects, arrays, strings and numbers are written alike;
/// `true`, `false` and `null` outside strings become `True`, `False` and `None`. A space follows
/// each comma and colon outside strings, as PEP 8 asks.
pub(crate) fn json_to_python(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let mut word = String::new();
    let mut strings = JsonStrings::default();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "true" => "True",
            "false" => "False",
            "null" => "None",
            other => other,
        });
        word.clear();
    };
    for ch in json.chars() {
        if strings.step(ch) {
            // A word never continues into a string: the one before its opening quote ends here.
            flush(&mut word, &mut out);
            out.push(ch);
            continue;
        }
        if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '+' | '_') {
            word.push(ch);
            continue;
        }
        flush(&mut word, &mut out);
        match ch {
            ',' | ':' => {
                out.push(ch);
                out.push(' ');
            }
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `CONFIG = {...}`: one field per line, grouped like the fields of `Config`.
fn config_literal(cfg: &Config) -> String {
    let mut out = String::from("CONFIG = {\n");
    for (key, value) in top_level_fields(&config_json(cfg)) {
        let group = match key.as_str() {
            "dataset" => Some("data"),
            "hflip" => Some("augmentation (image datasets, per training batch) and test-time views"),
            "hidden" => Some("architecture"),
            "loss" => Some("objective"),
            "optimizer" => Some("optimization"),
            "lab_depth" => Some("Overfit's init lab (not used by this script)"),
            _ => None,
        };
        if let Some(g) = group {
            out.push_str(&format!("    # {g}\n"));
        }
        out.push_str(&format!("    \"{key}\": {},\n", json_to_python(&value)));
    }
    out.push_str("}\n");
    out
}

/// The lower-case JSON name of an enum value, e.g. `leaky_relu`.
fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A one-line description of the run for the header.
pub(crate) fn describe(cfg: &Config) -> String {
    let data = match cfg.dataset {
        Dataset::Digits => "the bundled UCI digits (1,797 images of 8x8)".to_string(),
        Dataset::Mnist1d => "MNIST-1D (5,000 signals of 40 values, 10 classes, 1,000 for validation)".to_string(),
        Dataset::User => format!("your own images ({} classes, {}x{})", cfg.classes, cfg.image_size, cfg.image_size),
        d if d.is_image() => format!("{} {} images of {}x{}", cfg.points, name(&d), cfg.image_size, cfg.image_size),
        d if d.is_regression() => format!("{} {} samples ({}D regression)", cfg.sample_count(), name(&d), d.point_dims()),
        d => {
            let inputs: Vec<String> = cfg.features.iter().map(name).collect();
            format!("{} {} points in {} classes with inputs {}", cfg.points, name(&d), cfg.num_classes(), inputs.join(", "))
        }
    };
    let layers = if cfg.hidden.is_empty() {
        "a linear classifier".to_string()
    } else {
        let widths: Vec<String> = cfg.hidden.iter().map(|w| w.to_string()).collect();
        format!("hidden layers {} ({})", widths.join("-"), name(&cfg.activation))
    };
    let members = if cfg.ensemble > 1 { format!(", an ensemble of {}", cfg.ensemble) } else { String::new() };
    format!("{data}; {layers}, {} loss, {}{members}", name(&cfg.loss), name(&cfg.optimizer))
}

/// Wraps the compact config JSON into comment lines at field boundaries.
pub(crate) fn wrapped_json(cfg: &Config) -> Vec<String> {
    let fields = top_level_fields(&config_json(cfg));
    let mut lines = Vec::new();
    let mut line = String::from("#   {");
    for (i, (key, value)) in fields.iter().enumerate() {
        let piece = format!("\"{key}\":{value}{}", if i + 1 < fields.len() { "," } else { "}" });
        if line.len() + piece.len() > HEADER_WIDTH && line.len() > 5 {
            lines.push(std::mem::replace(&mut line, String::from("#    ")));
        }
        line.push_str(&piece);
    }
    lines.push(line);
    lines
}

/// Wraps prose into `# ` comment lines of at most HEADER_WIDTH characters, breaking at spaces.
pub(crate) fn comment_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > HEADER_WIDTH && line.len() > 1 {
            lines.push(std::mem::replace(&mut line, String::from("#")));
        }
        line.push(' ');
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn header(cfg: &Config, flags: &Flags) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut h = Vec::<String>::new();
    h.push("# An Overfit run exported as a PyTorch script.".into());
    h.push("#".into());
    let about = format!(
        "Exported by Overfit {version} (`overfit export-pytorch CONFIG.json > run.py`, or the page's \
         \"Export as PyTorch\" button). The run: {}.",
        describe(cfg)
    );
    h.extend(comment_lines(&about));
    h.push("#".into());
    let needs = if flags.user {
        "# Needs Python 3.8+ and PyTorch (`pip install torch`); reading --images also needs Pillow\n\
         # (`pip install pillow`), imported only for that."
    } else {
        "# Needs Python 3.8+ and PyTorch (`pip install torch`), nothing else."
    };
    h.push(needs.into());
    h.push("#".into());
    h.push("# Run it:".into());
    let data_arg = if flags.digits {
        " --digits data/digits.bin"
    } else if flags.user {
        " --images FOLDER"
    } else {
        ""
    };
    h.push(format!("#   python3 run.py{data_arg}                    on the CPU"));
    h.push(format!("#   python3 run.py{data_arg} --device cuda      on a GPU"));
    h.push(format!("#   torchrun --nproc_per_node=N run.py{data_arg} --device cuda"));
    h.push("#       on N GPUs of one machine with DistributedDataParallel: every process builds the".into());
    h.push("#       same data and weights, each takes every N-th row of each batch, the gradients are".into());
    h.push("#       averaged, BatchNorm statistics are synchronized, and only rank 0 prints. Without".into());
    h.push("#       --device cuda the processes run on the CPU with the Gloo backend (BatchNorm then".into());
    h.push("#       normalizes each process's share of the batch on its own).".into());
    if flags.digits {
        h.push("#   --digits is Overfit's data/digits.bin (by default, data/digits.bin next to this script).".into());
    }
    if flags.user {
        h.push("#   --images is a folder with one sub-folder of images per class, in sorted order.".into());
    }
    h.push("#   --epochs N and --seed S override the configuration, as for `overfit train`.".into());
    h.push("#".into());
    h.push("# It prints one JSON line per epoch, then a summary line: the same lines as".into());
    h.push("# `overfit train CONFIG.json`, so the two can be compared line by line. With the same seed".into());
    h.push("# the data, the split, the initial weights, the batch order and the augmentation are".into());
    h.push("# Overfit's (its random generator is ported below); dropout masks come from PyTorch's".into());
    h.push("# generator, and float sums run in a different order, so the curves agree closely, not".into());
    h.push("# bit for bit.".into());
    h.push("#".into());
    let mode = crate::arithmetic::current();
    let how = match mode {
        crate::arithmetic::Arithmetic::Fused => "fused multiply-add, one rounding",
        crate::arithmetic::Arithmetic::Separate => "a multiply and an add, each rounded",
    };
    h.extend(comment_lines(&format!(
        "Arithmetic: {} ({how}, in Overfit's matrix products). `overfit train --arithmetic {}` \
         reproduces Overfit's curve of this config bit for bit.",
        mode.name(),
        mode.name()
    )));
    h.push("#".into());
    h.push("# The configuration (Overfit's JSON, for `overfit train`):".into());
    h.extend(wrapped_json(cfg));
    let mut s = h.join("\n");
    s.push('\n');
    s
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_order_and_values() {
        let fields = top_level_fields(r#"{"a":1,"b":[1,2],"c":{"d":"x,y"},"e":null}"#);
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "e"]);
        assert_eq!(fields[2].1, r#"{"d":"x,y"}"#);
        // An escaped quote does not end a string, so the comma after it is not a field boundary.
        let fields = top_level_fields(r#"{"a":"q\",r","b":2}"#);
        assert_eq!(fields, [("a".to_string(), r#""q\",r""#.to_string()), ("b".to_string(), "2".to_string())]);
    }

    #[test]
    fn json_literals_become_python_literals() {
        assert_eq!(json_to_python(r#"[{"layer":1,"norm":null,"x":true}]"#), r#"[{"layer": 1, "norm": None, "x": True}]"#);
        assert_eq!(json_to_python("1e-8"), "1e-8");
        assert_eq!(json_to_python(r#""null, true""#), r#""null, true""#);
        assert_eq!(json_to_python(r#"{"a\"b":"c\\","d":false}"#), r#"{"a\"b": "c\\", "d": False}"#);
    }

    #[test]
    fn every_directive_is_consumed() {
        for dataset in [Dataset::Spiral, Dataset::Digits, Dataset::Mnist1d, Dataset::Shapes, Dataset::User, Dataset::Sine, Dataset::Gaussians] {
            let cfg = Config { dataset, ..Config::default() };
            let script = export(&cfg);
            assert!(!script.contains("#%"), "{dataset:?}: a directive is left");
            assert!(!script.contains("{{"), "{dataset:?}: a placeholder is left");
        }
    }
}
