//! A lecture step's outcome rule and its evaluation against the figures: which prediction
//! choice actually happened, with the measured terms for the page to print.
//!
//! A rule is either `{"cases": [{"choice", "when": [condition, ...]}, ...], "otherwise":
//! choice}`, where the first case whose conditions all hold wins, or `{"shape": path}`, which
//! classifies a series with `shape::measure`. A condition is `<term> <op> <number>` with the
//! parts separated by spaces: the term is `path`, `path - path` or `path / path`; the operator
//! is one of `<`, `<=`, `>`, `>=`, `==`. A path walks the figures' JSON by keys and, in lists,
//! by 1-based position (`b.layers.6.act_std`) or `first` / `last` (`sweep.val.last`). Every
//! term of every case is evaluated (so a bad path is reported whatever the figures), and a
//! comparison with a non-number (0 / 0) is false.

use super::figures::Figures;
use super::shape::measure;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A malformed rule or a path the figures do not have: `field` names the rule's part or the
/// path.
#[derive(Clone, Debug, PartialEq)]
pub struct LectureError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for LectureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for LectureError {}

/// A LectureError naming `field`.
pub(super) fn err(field: &str, message: String) -> LectureError {
    LectureError { field: field.to_string(), message }
}

/// Which choice happened, and the measured terms (for a shape: `fall` and `rise` as fractions
/// of the series' range and `min_at`, the 1-based position of its smoothed minimum).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub choice: String,
    pub values: BTreeMap<String, f64>,
}

/// Evaluates `rule` against the figures of a step.
pub fn outcome(rule: &Value, figures: &Figures) -> Result<Outcome, LectureError> {
    let json = serde_json::to_value(figures).expect("figures serialize");
    outcome_of_json(rule, &json)
}

/// Evaluates `rule` against figures given as JSON (the page's, through `lecture_outcome`).
pub fn outcome_of_json(rule: &Value, figures: &Value) -> Result<Outcome, LectureError> {
    let obj = rule.as_object().ok_or_else(|| {
        err("outcome", "must be {\"cases\", \"otherwise\"} or {\"shape\"}".into())
    })?;
    if obj.contains_key("shape") {
        return shape_outcome(obj, figures);
    }
    for key in obj.keys() {
        if key != "cases" && key != "otherwise" {
            return Err(err(&format!("outcome.{key}"), "unknown key: use cases, otherwise".into()));
        }
    }
    let cases = obj
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| err("outcome.cases", "must be a list of {choice, when}".into()))?;
    let otherwise = obj
        .get("otherwise")
        .and_then(Value::as_str)
        .ok_or_else(|| err("outcome.otherwise", "must be a choice id".into()))?;
    let mut values = BTreeMap::new();
    let mut chosen = None;
    for (i, case) in cases.iter().enumerate() {
        let at = format!("outcome.cases[{i}]");
        let choice = case
            .get("choice")
            .and_then(Value::as_str)
            .ok_or_else(|| err(&format!("{at}.choice"), "must be a choice id".into()))?;
        let when = case
            .get("when")
            .and_then(Value::as_array)
            .filter(|w| !w.is_empty())
            .ok_or_else(|| err(&format!("{at}.when"), "must be a list of conditions".into()))?;
        let mut all = true;
        for (j, cond) in when.iter().enumerate() {
            let field = format!("{at}.when[{j}]");
            let text = cond
                .as_str()
                .ok_or_else(|| err(&field, "must be a string \"<term> <op> <number>\"".into()))?;
            let c = Condition::parse(text).map_err(|m| err(&field, m))?;
            let x = c.term.eval(figures)?;
            values.insert(c.term.text.clone(), x);
            all &= c.holds(x);
        }
        if all && chosen.is_none() {
            chosen = Some(choice);
        }
    }
    let choice = chosen.unwrap_or(otherwise).to_string();
    Ok(Outcome { choice, values })
}

fn shape_outcome(
    obj: &serde_json::Map<String, Value>,
    figures: &Value,
) -> Result<Outcome, LectureError> {
    if let Some(key) = obj.keys().find(|k| *k != "shape") {
        return Err(err(&format!("outcome.{key}"), "a shape rule has only \"shape\"".into()));
    }
    let path = obj["shape"]
        .as_str()
        .ok_or_else(|| err("outcome.shape", "must be the path of a series".into()))?;
    let series = match resolve(figures, path)? {
        Value::Array(xs) => xs
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_f64().map(|x| x as f32).ok_or_else(|| {
                    err(&format!("{path}.{}", i + 1), format!("must be a number, got {x}"))
                })
            })
            .collect::<Result<Vec<f32>, _>>()?,
        other => return Err(err(path, format!("must be a list of numbers, got {other}"))),
    };
    let m = measure(&series);
    let values = BTreeMap::from([
        ("fall".to_string(), m.fall as f64),
        ("rise".to_string(), m.rise as f64),
        ("min_at".to_string(), m.min_at as f64),
    ]);
    Ok(Outcome { choice: m.shape.id().to_string(), values })
}

/// `path`, `path - path` or `path / path`, with its text as written (the values' key).
struct Term {
    text: String,
    left: String,
    right: Option<(char, String)>,
}

impl Term {
    fn eval(&self, figures: &Value) -> Result<f64, LectureError> {
        let a = number(figures, &self.left)?;
        Ok(match &self.right {
            None => a,
            Some(('-', p)) => a - number(figures, p)?,
            Some((_, p)) => a / number(figures, p)?,
        })
    }
}

struct Condition {
    term: Term,
    op: &'static str,
    bound: f64,
}

impl Condition {
    fn parse(text: &str) -> Result<Condition, String> {
        let t: Vec<&str> = text.split_whitespace().collect();
        let form = "must read \"<term> <op> <number>\" with spaces between the parts";
        let (term, op, bound) = match t.as_slice() {
            [p, op, n] => (Term { text: p.to_string(), left: p.to_string(), right: None }, op, n),
            [p, a @ ("-" | "/"), q, op, n] => {
                let arith = a.chars().next().expect("one character");
                let right = Some((arith, q.to_string()));
                (Term { text: format!("{p} {a} {q}"), left: p.to_string(), right }, op, n)
            }
            _ => return Err(format!("{form}, got \"{text}\"")),
        };
        let op = ["<=", ">=", "==", "<", ">"]
            .into_iter()
            .find(|o| o == op)
            .ok_or_else(|| format!("the operator must be <, <=, >, >= or ==, got \"{op}\""))?;
        let bound = bound
            .parse::<f64>()
            .ok()
            .filter(|b| b.is_finite())
            .ok_or_else(|| format!("the bound must be a number, got \"{bound}\""))?;
        Ok(Condition { term, op, bound })
    }

    fn holds(&self, x: f64) -> bool {
        match self.op {
            "<" => x < self.bound,
            "<=" => x <= self.bound,
            ">" => x > self.bound,
            ">=" => x >= self.bound,
            _ => x == self.bound,
        }
    }
}

/// The value at `path`: keys in objects; in lists a 1-based position, `first` or `last`.
fn resolve<'a>(figures: &'a Value, path: &str) -> Result<&'a Value, LectureError> {
    let mut cur = figures;
    let mut walked = String::new();
    for seg in path.split('.') {
        let here = if walked.is_empty() { "the figures".to_string() } else { walked.clone() };
        let next = match cur {
            Value::Object(m) => m.get(seg),
            Value::Array(xs) => match seg {
                "first" => xs.first(),
                "last" => xs.last(),
                _ => seg.parse::<usize>().ok().filter(|&i| i >= 1).and_then(|i| xs.get(i - 1)),
            },
            Value::Null => return Err(err(path, format!("{here} was not measured (null)"))),
            _ => None,
        };
        cur = next.ok_or_else(|| err(path, format!("{here} has no \"{seg}\"")))?;
        walked = if walked.is_empty() { seg.to_string() } else { format!("{walked}.{seg}") };
    }
    Ok(cur)
}

/// The number at `path` (a flag counts as 1 or 0).
fn number(figures: &Value, path: &str) -> Result<f64, LectureError> {
    match resolve(figures, path)? {
        Value::Number(n) => Ok(n.as_f64().expect("a JSON number")),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::Null => Err(err(path, "was not measured (null)".into())),
        other => Err(err(path, format!("must be a number, got {other}"))),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn figures() -> Value {
        json!({
            "a": {"val_score": 60.0, "train_loss": 0.5, "stopped_early": false},
            "b": {"val_score": 75.5, "train_loss": 0.0, "members_val_score": null,
                  "layers": [{"layer": 1, "act_std": 0.8}, {"layer": 2, "act_std": 0.02}]},
            "sweep": {"values": [1, 2, 3], "train": [9.0, 5.0, 1.0], "val": [30.0, 12.0, 20.0]},
            "lab": null
        })
    }

    fn rule(cases: Value) -> Value {
        json!({"cases": cases, "otherwise": "same"})
    }

    #[test]
    fn the_first_case_whose_conditions_all_hold_wins() {
        let r = rule(json!([
            {"choice": "a-higher", "when": ["a.val_score - b.val_score > 3"]},
            {"choice": "b-higher", "when": ["b.val_score - a.val_score > 3", "b.train_loss <= 0"]},
            {"choice": "also", "when": ["b.val_score > 0"]}
        ]));
        let o = outcome_of_json(&r, &figures()).unwrap();
        assert_eq!(o.choice, "b-higher");
        assert_eq!(o.values["b.val_score - a.val_score"], 15.5);
        assert_eq!(o.values["a.val_score - b.val_score"], -15.5);
        assert_eq!(o.values["b.train_loss"], 0.0);
    }

    #[test]
    fn otherwise_when_no_case_holds() {
        let r = rule(
            json!([{"choice": "x", "when": ["b.layers.2.act_std / b.layers.1.act_std >= 0.2"]}]),
        );
        let o = outcome_of_json(&r, &figures()).unwrap();
        assert_eq!(o.choice, "same");
        assert!((o.values["b.layers.2.act_std / b.layers.1.act_std"] - 0.025).abs() < 1e-9);
    }

    #[test]
    fn lists_take_positions_first_and_last_and_flags_count_as_numbers() {
        let r = rule(json!([{"choice": "falls", "when": [
            "sweep.val.first - sweep.val.last >= 10", "sweep.train.2 == 5", "a.stopped_early == 0"
        ]}]));
        let o = outcome_of_json(&r, &figures()).unwrap();
        assert_eq!(o.choice, "falls");
        assert_eq!(o.values["sweep.val.first - sweep.val.last"], 10.0);
    }

    #[test]
    fn a_shape_rule_classifies_the_series() {
        let o = outcome_of_json(&json!({"shape": "sweep.val"}), &figures()).unwrap();
        assert_eq!(o.choice, "u");
        assert_eq!(o.values["min_at"], 2.0);
    }

    fn error(rule: Value) -> LectureError {
        outcome_of_json(&rule, &figures()).unwrap_err()
    }

    #[test]
    fn missing_paths_are_errors_naming_the_path() {
        let e = error(rule(json!([{"choice": "x", "when": ["b.layers.7.act_std > 0"]}])));
        assert_eq!(e.field, "b.layers.7.act_std");
        assert!(e.message.contains("b.layers has no \"7\""), "{e}");
        let e = error(rule(json!([{"choice": "x", "when": ["c.val_score > 0"]}])));
        assert_eq!(e.field, "c.val_score");
        let e = error(rule(json!([{"choice": "x", "when": ["b.members_val_score > 0"]}])));
        assert!(e.message.contains("not measured"), "{e}");
        let e = error(rule(json!([{"choice": "x", "when": ["lab.layers.1.act_std > 0"]}])));
        assert!(e.message.contains("lab was not measured"), "{e}");
        let e = error(rule(json!([{"choice": "x", "when": ["b.layers > 0"]}])));
        assert!(e.message.contains("must be a number"), "{e}");
        // Every case's terms are read, even after one has held.
        let e = error(rule(json!([
            {"choice": "x", "when": ["b.val_score > 0"]}, {"choice": "y", "when": ["b.nothing > 0"]}
        ])));
        assert_eq!(e.field, "b.nothing");
        let e = error(json!({"shape": "b.val_score"}));
        assert_eq!(e.field, "b.val_score");
    }

    #[test]
    fn malformed_rules_are_errors_naming_the_part() {
        let cases = |c: Value| error(rule(c)).field;
        assert_eq!(
            cases(json!([{"choice": "x", "when": ["b.val_score >3"]}])),
            "outcome.cases[0].when[0]"
        );
        assert_eq!(
            cases(json!([{"choice": "x", "when": ["b.val_score => 3"]}])),
            "outcome.cases[0].when[0]"
        );
        assert_eq!(
            cases(json!([{"choice": "x", "when": ["b.val_score > three"]}])),
            "outcome.cases[0].when[0]"
        );
        assert_eq!(
            cases(json!([{"choice": "x", "when": ["a + b > 3"]}])),
            "outcome.cases[0].when[0]"
        );
        assert_eq!(cases(json!([{"choice": "x", "when": [3]}])), "outcome.cases[0].when[0]");
        assert_eq!(cases(json!([{"choice": "x", "when": []}])), "outcome.cases[0].when");
        assert_eq!(cases(json!([{"when": ["b.val_score > 3"]}])), "outcome.cases[0].choice");
        assert_eq!(error(json!({"cases": []})).field, "outcome.otherwise");
        assert_eq!(error(json!({"otherwise": "x"})).field, "outcome.cases");
        assert_eq!(error(json!({"cases": [], "otherwise": "x", "when": 1})).field, "outcome.when");
        assert_eq!(error(json!({"shape": "sweep.val", "x": 1})).field, "outcome.x");
        assert_eq!(error(json!({"shape": 3})).field, "outcome.shape");
        assert_eq!(error(json!("b.val_score > 3")).field, "outcome");
    }

    #[test]
    fn a_comparison_with_no_number_is_false() {
        let f = json!({"b": {"x": 0.0, "y": 0.0}});
        let r = rule(json!([
            {"choice": "x", "when": ["b.x / b.y < 1"]},
            {"choice": "y", "when": ["b.x / b.y >= 1"]}
        ]));
        assert_eq!(outcome_of_json(&r, &f).unwrap().choice, "same");
    }
}
