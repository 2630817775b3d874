//! Runs under `wasm-pack test --headless --chrome`: the `Session` handle as the page's worker
//! uses it, built from a JS config object, its snapshot buffers, and errors as JS errors.
#![cfg(target_arch = "wasm32")]

use overfit::wasm::{config_facts, default_config, lecture_outcome, lecture_shape, repair_config, schema, Session};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A JS object from a JSON literal, as the worker would build it.
fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("property")
}

fn error_message(e: JsValue) -> String {
    js_sys::Error::from(e).message().into()
}

#[wasm_bindgen_test]
fn session_from_a_js_object_trains_and_reports() {
    let mut s = Session::new(js(r#"{"dataset":"moons","hidden":[16,16],"points":400,"batch_size":20}"#)).expect("valid config");
    assert_eq!(s.classes(), 2);
    let r = s.run(40).expect("run");
    assert_eq!(get(&r, "step").as_f64(), Some(40.0));
    // 400 points, 30 % validation -> 280 training rows, 14 steps per epoch, so 2 epochs ended.
    assert_eq!(get(&r, "steps_per_epoch").as_f64(), Some(14.0));
    let evals = js_sys::Array::from(&get(&r, "evals"));
    assert_eq!(evals.length(), 2);
    let acc = get(&evals.get(1), "val_score").as_f64().unwrap();
    assert!((0.0..=1.0).contains(&acc));
    assert_eq!(js_sys::Array::from(&s.history().unwrap()).length(), 2);
}

#[wasm_bindgen_test]
fn snapshot_buffers_have_the_documented_lengths() {
    let mut s = Session::new(js(r#"{"dataset":"spiral","classes":4,"points":200}"#)).unwrap();
    assert_eq!(s.points().len(), 200 * 4);
    assert_eq!(s.extent().len(), 4);
    let grid = s.decision_grid(32);
    assert_eq!(grid.len(), 32 * 32 * 4);
    // Each cell holds class probabilities that sum to 1.
    for cell in grid.chunks(4) {
        let sum: f32 = cell.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{sum}");
    }
}

#[wasm_bindgen_test]
fn an_mnist1d_session_trains_and_hands_over_its_signals() {
    let mut s = Session::new(js(r#"{"dataset":"mnist1d","hidden":[32],"batch_size":100}"#)).expect("valid config");
    assert_eq!(s.classes(), 10);
    assert_eq!(s.plot_mode(), "signals");
    assert_eq!(s.signal_len(), 40);
    assert_eq!(s.signal_samples(3).len(), 10 * 3 * 40);
    assert_eq!(js_sys::Array::from(&s.class_names().unwrap()).length(), 10);
    // No plane to cover, and no image views.
    assert!(s.decision_grid(32).is_empty());
    assert!(s.image_info().unwrap().is_null());
    // 4,000 training signals in batches of 100: 40 steps per epoch.
    let r = s.run(40).expect("run");
    assert_eq!(get(&r, "steps_per_epoch").as_f64(), Some(40.0));
    let evals = js_sys::Array::from(&get(&r, "evals"));
    assert_eq!(evals.length(), 1);
    let acc = get(&evals.get(0), "val_score").as_f64().unwrap();
    assert!(acc > 0.15, "one epoch should beat chance (0.1): {acc}");
}

#[wasm_bindgen_test]
fn a_bad_config_comes_back_as_a_js_error_naming_the_field() {
    let e = Session::new(js(r#"{"learning_rate": -1}"#)).err().expect("must fail");
    // The field travels as data, not only inside the message.
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("learning_rate"));
    let msg = error_message(e);
    assert!(msg.starts_with("learning_rate:"), "{msg}");
    assert!(msg.contains("(0, 10]"), "{msg}");
    let e = Session::new(js(r#"{"activation": "swish"}"#)).err().expect("must fail");
    assert!(error_message(e).starts_with("activation:"));
    // set_config with a bad config keeps the old one.
    let mut s = Session::new(js("{}")).unwrap();
    let e = s.set_config(js(r#"{"batch_size": 0}"#)).err().expect("must fail");
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("batch_size"));
    assert_eq!(get(&s.config().unwrap(), "batch_size").as_f64(), Some(32.0));
}

#[wasm_bindgen_test]
fn learning_rate_updates_in_place_and_layers_rebuild() {
    let mut s = Session::new(default_config().unwrap()).unwrap();
    s.run(10).unwrap();
    assert_eq!(s.set_config(js(r#"{"learning_rate": 0.001}"#)).unwrap(), "updated");
    assert_eq!(get(&s.run(1).unwrap(), "step").as_f64(), Some(11.0));
    assert_eq!(s.set_config(js(r#"{"learning_rate": 0.001, "hidden": [8]}"#)).unwrap(), "rebuilt");
    assert_eq!(get(&s.run(1).unwrap(), "step").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn repair_config_replaces_bad_fields_and_lists_them() {
    let out = repair_config(js(r#"{"learning_rate":"abc","hidden":[10000],"seed":5}"#)).unwrap();
    let cfg = get(&out, "config");
    assert_eq!(get(&cfg, "seed").as_f64(), Some(5.0));
    assert_eq!(get(&cfg, "learning_rate").as_f64(), Some(0.01f32 as f64));
    let problems = js_sys::Array::from(&get(&out, "problems"));
    assert_eq!(problems.length(), 2);
}

#[wasm_bindgen_test]
fn the_schema_and_the_config_facts_reach_js() {
    let s = schema().unwrap();
    let fields = js_sys::Array::from(&get(&s, "fields"));
    let lr = fields.iter().find(|f| get(f, "key").as_string().as_deref() == Some("learning_rate")).expect("learning_rate");
    assert_eq!(get(&lr, "type").as_string().as_deref(), Some("real"));
    assert_eq!(get(&lr, "max").as_f64(), Some(10.0));
    assert_eq!(get(&lr, "effect").as_string().as_deref(), Some("hyper"));
    let a = config_facts(js("{}")).unwrap();
    let b = config_facts(js(r#"{"activation": "maxout"}"#)).unwrap();
    assert_eq!(get(&a, "data_key").as_string(), get(&b, "data_key").as_string());
    assert_ne!(get(&a, "weights_key").as_string(), get(&b, "weights_key").as_string());
    let e = config_facts(js(r#"{"dropout": 2}"#)).err().expect("must fail");
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("dropout"));
}

#[wasm_bindgen_test]
fn a_lecture_step_reads_a_session_and_its_rule_in_js() {
    let config = r#"{"dataset":"moons","hidden":[8,8],"points":200,"stop_at_epoch":3}"#;
    let mut s = Session::new(js(config)).expect("valid config");
    s.run(1000).unwrap();
    let side = s.lecture_side().unwrap();
    assert_eq!(get(&side, "epoch").as_f64(), Some(3.0));
    assert_eq!(js_sys::Array::from(&get(&side, "layers")).length(), 2);
    assert_eq!(js_sys::Array::from(&get(&side, "val_loss_curve")).length(), 3);
    // A single model has no members: null, not undefined.
    assert!(get(&side, "members_val_score").is_null());
    let val = get(&side, "val_score").as_f64().unwrap();
    assert!(val > 1.0 && val <= 100.0, "a percentage: {val}");
    let figures = js_sys::Object::new();
    js_sys::Reflect::set(&figures, &JsValue::from_str("b"), &side).unwrap();
    let case = r#"{"choice": "learns", "when": ["b.val_score > 0", "b.layers.2.act_std >= 0"]}"#;
    let rule = js(&format!(r#"{{"cases": [{case}], "otherwise": "no"}}"#));
    let o = lecture_outcome(rule, figures.clone().into()).unwrap();
    assert_eq!(get(&o, "choice").as_string().as_deref(), Some("learns"));
    assert_eq!(get(&get(&o, "values"), "b.val_score").as_f64(), Some(val));
    let bad = js(r#"{"cases": [{"choice": "x", "when": ["a.val_score > 0"]}], "otherwise": "n"}"#);
    let e = lecture_outcome(bad, figures.into()).err().expect("A was not measured");
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("a.val_score"));
    assert_eq!(lecture_shape(vec![3.0, 1.0, 2.5]), "u");
}
