//! The only file that names wasm-bindgen or js-sys: the `Session` handle the Web Worker owns,
//! with coarse calls (set a config, run n steps, read a snapshot buffer). Nothing crosses the
//! boundary per weight or per sample.

use crate::config::{Config, ConfigError};
use crate::data::augment;
use crate::data::user::{self, UserSamples};
use crate::train::{needs_rebuild, Trainer};
use wasm_bindgen::prelude::*;

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    // Plain objects (not Maps), so the worker can post them and read fields directly.
    let s = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    v.serialize(&s).map_err(|e| js_error(&e.to_string()))
}

/// Reads a config from a JS object strictly: the error names the first bad field.
fn config_from_js(value: JsValue) -> Result<Config, JsValue> {
    let json: serde_json::Value =
        serde_wasm_bindgen::from_value(value).map_err(|e| js_error(&format!("config: {e}")))?;
    Config::from_value(&json).map_err(config_error)
}

/// The arithmetic this build's GEMM kernel really computes, "fused" or "separate", found by
/// running it on one product whose two roundings differ (src/arithmetic.rs). The relaxed-SIMD
/// build is fused only where the engine fuses relaxed madd; the page's loader checks this.
#[wasm_bindgen]
pub fn arithmetic() -> String {
    crate::arithmetic::observed().name().to_string()
}

/// The fused multiply-add ceiling for `npm run bench`: `iters` rounds of
/// `fma_chain_flops_per_iter()` flops of independent fused f32x4 operations (src/gemm.rs;
/// meaningful in the fused build only).
#[wasm_bindgen]
pub fn fma_chain(iters: u32) -> f32 {
    crate::gemm::fma_chain(iters as usize)
}

#[wasm_bindgen]
pub fn fma_chain_flops_per_iter() -> f64 {
    crate::gemm::FMA_CHAIN_FLOPS_PER_ITER as f64
}

/// The default config as a plain JS object.
#[wasm_bindgen]
pub fn default_config() -> Result<JsValue, JsValue> {
    to_js(&Config::default())
}

/// The config schema (src/schema.rs): every field's type, default, range or options, group and
/// effect, the datasets' facts and the limits. The page builds its controls from it.
#[wasm_bindgen]
pub fn schema() -> Result<JsValue, JsValue> {
    to_js(&crate::schema::schema())
}

/// What the core says about a config that the page needs without a Session:
/// `{data_key, weights_key, augmented}`. Two configs with equal data keys train on the same data;
/// with equal weights keys they also start from the same weights (Compare A/B shows it).
#[wasm_bindgen]
pub fn config_facts(config: JsValue) -> Result<JsValue, JsValue> {
    let cfg = config_from_js(config)?;
    #[derive(serde::Serialize)]
    struct Facts {
        data_key: String,
        weights_key: String,
        augmented: bool,
    }
    to_js(&Facts {
        data_key: crate::schema::data_key(&cfg),
        weights_key: crate::schema::weights_key(&cfg),
        augmented: augment::config_augments(&cfg),
    })
}

/// Reads a config leniently: returns `{config, problems: [{field, message}]}` where every bad
/// field was replaced by its default. The page uses it for URL hashes and imported files.
#[wasm_bindgen]
pub fn repair_config(value: JsValue) -> Result<JsValue, JsValue> {
    let json: serde_json::Value = serde_wasm_bindgen::from_value(value).unwrap_or(serde_json::Value::Null);
    let (cfg, problems) = Config::from_value_lenient(&json);
    #[derive(serde::Serialize)]
    struct Problem {
        field: String,
        message: String,
    }
    #[derive(serde::Serialize)]
    struct Repaired {
        config: Config,
        problems: Vec<Problem>,
    }
    let problems = problems.into_iter().map(|p| Problem { field: p.field, message: p.message }).collect();
    to_js(&Repaired { config: cfg, problems })
}

/// The config after an edit of field `key` with what the edit brings with it
/// (`Config::follow_edit`: removed layers lose their overrides, a switch between classification
/// and regression data switches the loss). A config that does not parse throws, naming the field.
#[wasm_bindgen]
pub fn follow_edit(config: JsValue, key: &str) -> Result<JsValue, JsValue> {
    let json: serde_json::Value =
        serde_wasm_bindgen::from_value(config).map_err(|e| js_error(&format!("config: {e}")))?;
    // Not validated yet: removed layers' overrides are out of range until the edit is followed.
    let mut cfg = Config::from_value_unvalidated(&json).map_err(config_error)?;
    cfg.follow_edit(key);
    to_js(&cfg)
}

/// The summary the Experiments chart draws (`sweep::cells`): per (series value, knob value) the
/// records' indices and, for the final and the best epoch, each split's loss, score and error
/// across seeds (each seed's figure, median, min, max). `values` and `series` are the spec's
/// value lists (`series` null for one series); `records` the records as the page keeps them.
#[wasm_bindgen]
pub fn sweep_summary(values: JsValue, series: JsValue, records: JsValue) -> Result<JsValue, JsValue> {
    fn read<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
        serde_wasm_bindgen::from_value(v).map_err(|e| js_error(&format!("{what}: {e}")))
    }
    let values: Vec<serde_json::Value> = read(values, "values")?;
    let series: Option<Vec<serde_json::Value>> = read(series, "series")?;
    let records: Vec<crate::sweep::Figures> = read(records, "records")?;
    // Missing figures as null (not undefined), as JSON writes them.
    let s = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    serde::Serialize::serialize(&crate::sweep::cells(&values, series.as_deref(), &records), &s).map_err(|e| js_error(&e.to_string()))
}

/// The core's even thinning (`history::even_indices`): the page's kept runs and charts use the
/// same rule, and its unit tests compare the two.
#[wasm_bindgen]
pub fn even_indices(n: u32, max: u32) -> Vec<u32> {
    crate::history::even_indices(n as usize, max as usize).into_iter().map(|i| i as u32).collect()
}

/// The epochs the core's `History` keeps after epochs 1 to `epochs` with a bound of `capacity`
/// (at most 1,000,000 epochs are simulated), for the page's unit tests of its curve columns.
#[wasm_bindgen]
pub fn history_kept_epochs(epochs: u32, capacity: u32) -> Vec<u32> {
    crate::history::kept_epochs((epochs as usize).min(1_000_000), capacity as usize).into_iter().map(|e| e as u32).collect()
}

/// The run as one self-contained PyTorch script (the page's "Export as PyTorch" button); the
/// config is read strictly, so a bad field throws an Error naming it.
#[wasm_bindgen]
pub fn export_pytorch(config: JsValue) -> Result<String, JsValue> {
    let cfg = config_from_js(config)?;
    Ok(crate::export_pytorch::export(&cfg))
}

thread_local! {
    /// The message and location of the last panic, kept by the hook `install_panic_hook` sets.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps the panic's message and location. A panic in wasm
/// ends in a trap whose JS error says only "unreachable"; the worker then reads `last_panic` to
/// report what actually went wrong.
#[wasm_bindgen]
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let text = info.to_string();
            LAST_PANIC.with(|p| {
                if let Ok(mut slot) = p.try_borrow_mut() {
                    *slot = Some(text);
                }
            });
        }));
    });
}

/// The message of the last panic inside the core, if there was one.
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.try_borrow().ok().and_then(|s| s.clone()))
}

/// Fault injection for the page's reliability tests: panics inside wasm exactly as a bug in the
/// core would (the worker exposes it only as the `debug-panic` message).
#[wasm_bindgen]
pub fn debug_panic(message: &str) {
    panic!("{message}");
}

/// A core error as a JS Error whose message begins with the field ("images: ...") and whose
/// `field` property names it.
fn config_error(e: ConfigError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    // The page marks the control of the field the core names, so the field travels as data
    // rather than being read back out of the message.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("field"), &JsValue::from_str(&e.field));
    error.into()
}

/// A plain JS Error with a message (no field: not about one config field).
fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// Builds the trainer for `cfg`, from the user's samples when the dataset is theirs.
fn build(cfg: &Config, user: Option<&UserSamples>) -> Result<Trainer, JsValue> {
    Trainer::build(cfg, user).map_err(config_error)
}

/// The init lab for a config's `lab_*` fields and seed: `{depth, width, batch, activation,
/// init, layers: [{layer, mean, std, saturated, dead, grad_std, weight_grad_std, hist,
/// grad_hist}]}`. No training; one forward and one backward pass.
#[wasm_bindgen]
pub fn init_lab(config: JsValue) -> Result<JsValue, JsValue> {
    let cfg = config_from_js(config)?;
    to_js(&crate::init_lab::run(&cfg))
}

/// Serializes with missing and non-finite figures as null, as JSON writes them.
fn to_js_nulls<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_value(v).map_err(|e| js_error(&e.to_string()))?;
    let s = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    serde::Serialize::serialize(&json, &s).map_err(|e| js_error(&e.to_string()))
}

/// Reads a JS value as `T`; the error names `what`.
fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| js_error(&format!("{what}: {e}")))
}

/// A lecture error as a JS Error whose `field` names the rule's part or the figures' path.
fn lecture_error(e: crate::lecture::LectureError) -> JsValue {
    config_error(ConfigError { field: e.field, message: e.message })
}

/// Which choice of a lecture step happened (`lecture::outcome`): `rule` is the step's
/// `outcome`, `figures` `{a, b, sweep, lab}` (each null where the step has none). Returns
/// `{choice, values: {term: number}}`; throws an Error naming a malformed part or missing path.
#[wasm_bindgen]
pub fn lecture_outcome(rule: JsValue, figures: JsValue) -> Result<JsValue, JsValue> {
    let rule: serde_json::Value = from_js(rule, "outcome")?;
    let figures: serde_json::Value = from_js(figures, "figures")?;
    let o = crate::lecture::outcome_of_json(&rule, &figures).map_err(lecture_error)?;
    to_js_nulls(&o)
}

/// The shape of a series (`lecture::shape`): "falls", "u", "rises" or "flat"; the page sends a
/// sketch's knot values (larger values higher on the chart).
#[wasm_bindgen]
pub fn lecture_shape(values: Vec<f32>) -> String {
    crate::lecture::shape(&values).id().into()
}

/// A sweep's figures for a lecture step (`lecture::sweep_figures`): `{values, train, val}`, the
/// medians across seeds of the final `metric` ("error" in percent, or "loss") per value, from
/// the spec's `values` and the records as the page keeps them (one series).
#[wasm_bindgen]
pub fn lecture_sweep_figures(
    values: JsValue,
    records: JsValue,
    metric: &str,
) -> Result<JsValue, JsValue> {
    let values: Vec<serde_json::Value> = from_js(values, "values")?;
    let records: Vec<crate::sweep::Figures> = from_js(records, "records")?;
    let figures = crate::lecture::sweep_figures(&values, &records, metric);
    to_js_nulls(&figures.map_err(lecture_error)?)
}

/// The init lab's figures for a lecture step (`lecture::lab_figures`): `{layers: [{layer,
/// act_std, saturated (percent)}]}`, from the report `init_lab` returned (no second run).
#[wasm_bindgen]
pub fn lecture_lab_figures(report: JsValue) -> Result<JsValue, JsValue> {
    let report: serde_json::Value = from_js(report, "report")?;
    to_js_nulls(&crate::lecture::lab_figures(&report).map_err(lecture_error)?)
}

/// A training session: one config, one trainer.
#[wasm_bindgen]
pub struct Session {
    trainer: Trainer,
    user: Option<UserSamples>,
}

#[wasm_bindgen]
impl Session {
    /// Builds a session from a config object; throws an Error naming the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Session, JsValue> {
        let cfg = config_from_js(config)?;
        Ok(Session { trainer: build(&cfg, None)?, user: None })
    }

    /// Checks an image set's count, side, channels and classes and its byte budget before its
    /// pixels are handed over (a `Vec<f32>` argument is copied into wasm memory on entry, so
    /// `set_user_data` alone could not refuse an oversized set before holding it). Throws an
    /// "images: ..." Error.
    pub fn check_user_data(&self, count: u32, size: u32, channels: u32, classes: u32) -> Result<(), JsValue> {
        user::check_shape(count as usize, size as usize, channels as usize, classes as usize).map_err(config_error)
    }

    /// Gives the session the user's own images: `pixels` holds n images of size x size x
    /// channels (HWC, values 0-1), `labels` their classes as indices into `names`. Validates
    /// everything before it replaces anything; the config must then use dataset "user".
    pub fn set_user_data(&mut self, pixels: Vec<f32>, labels: Vec<u32>, size: u32, channels: u32, names: Vec<String>) -> Result<(), JsValue> {
        let samples = UserSamples::new(pixels, labels, size as usize, channels as usize, names).map_err(config_error)?;
        // The trainer is rebuilt when the page next applies a config with dataset "user"
        // (matching size, colour and classes), so a failed config never loses the images.
        self.user = Some(samples);
        Ok(())
    }

    /// Whether the user's own images have been handed over (dataset "user" needs them).
    pub fn has_user_data(&self) -> bool {
        self.user.is_some()
    }

    /// Applies a new config: "rebuilt" when data or architecture changed (training restarts from
    /// the seed), "updated" when only hyper-parameters changed (training continues), or
    /// "unchanged". A bad config throws and leaves the session as it was.
    pub fn set_config(&mut self, config: JsValue) -> Result<String, JsValue> {
        let cfg = config_from_js(config)?;
        if cfg == self.trainer.cfg {
            return Ok("unchanged".into());
        }
        if needs_rebuild(&self.trainer.cfg, &cfg) {
            self.trainer = build(&cfg, self.user.as_ref())?;
            Ok("rebuilt".into())
        } else {
            self.trainer.update_hyper(&cfg);
            Ok("updated".into())
        }
    }

    /// The config in force, as a plain object.
    pub fn config(&self) -> Result<JsValue, JsValue> {
        to_js(&self.trainer.cfg)
    }

    /// Rebuilds from the same config: the same seed gives the same curve.
    pub fn reset(&mut self) -> Result<(), JsValue> {
        let cfg = self.trainer.cfg.clone();
        self.trainer = build(&cfg, self.user.as_ref())?;
        Ok(())
    }

    /// For image data: `{width, height, channels, class_names, train, val}`; null for 2D data.
    pub fn image_info(&self) -> Result<JsValue, JsValue> {
        let d = &self.trainer.data;
        match d.image {
            None => Ok(JsValue::NULL),
            Some(s) => {
                #[derive(serde::Serialize)]
                struct Info<'a> {
                    width: usize,
                    height: usize,
                    channels: usize,
                    class_names: &'a [String],
                    train: usize,
                    val: usize,
                }
                to_js(&Info { width: s.w, height: s.h, channels: s.c, class_names: &d.class_names, train: d.train_raw.rows, val: d.val_raw.rows })
            }
        }
    }

    /// The first `max` validation images (raw pixels, HWC, 0-1), concatenated.
    pub fn val_images(&self, max: u32) -> Vec<f32> {
        let d = &self.trainer.data;
        let n = (max as usize).min(d.val_raw.rows);
        d.val_raw.data[..n * d.val_raw.cols].to_vec()
    }

    /// Validation labels, in split order.
    pub fn val_labels(&self) -> Vec<u32> {
        self.trainer.data.val_y.clone()
    }

    /// The image views from one pass over the validation split, as a plain object:
    /// `{valProbs, confusion, weights}` (Float32Arrays: the probabilities of the first `images`
    /// validation images, the classes x classes confusion matrix, up to `tiles` first-layer
    /// units' weights unit by unit) and `{weightUnits, weightTotal, weightsOutput}` (see
    /// `views::ImageViews`).
    pub fn image_views(&mut self, images: u32, tiles: u32) -> Result<JsValue, JsValue> {
        let v = self.trainer.image_views(images as usize, tiles as usize);
        let out = js_sys::Object::new();
        let set = |key: &str, value: JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(key), &value).map(|_| ()).map_err(|_| js_error("image views: could not build the result"));
        set("valProbs", js_sys::Float32Array::from(&v.val_probs[..]).into())?;
        set("confusion", js_sys::Float32Array::from(&v.confusion[..]).into())?;
        set("weights", js_sys::Float32Array::from(&v.weights[..]).into())?;
        set("weightUnits", JsValue::from(v.weight_units as u32))?;
        set("weightTotal", JsValue::from(v.weight_total as u32))?;
        set("weightsOutput", JsValue::from_bool(v.weights_output))?;
        Ok(out.into())
    }

    /// The Network tab's maps (2D data; null for images): `{res, layers: [{kind, label, units,
    /// shown, activation, lo, hi, names}], maps, stats, weights}` with the three buffers as
    /// Float32Arrays (see `unit_maps::UnitMaps`).
    pub fn unit_maps(&mut self, res: u32, max_units: u32) -> Result<JsValue, JsValue> {
        let Some(m) = self.trainer.unit_maps(res as usize, max_units as usize) else { return Ok(JsValue::NULL) };
        let out = js_sys::Object::new();
        let set = |key: &str, value: JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(key), &value).map(|_| ()).map_err(|_| js_error("unit maps: could not build the result"));
        set("res", JsValue::from(m.res as u32))?;
        set("layers", to_js(&m.layers)?)?;
        set("maps", js_sys::Float32Array::from(&m.maps[..]).into())?;
        set("stats", js_sys::Float32Array::from(&m.stats[..]).into())?;
        set("weights", js_sys::Float32Array::from(&m.weights[..]).into())?;
        Ok(out.into())
    }

    /// One training image followed by `count` augmented versions of it under the current
    /// settings, concatenated (raw pixels); empty for 2D data. Uses its own RNG, so training is
    /// not disturbed (see `augment::preview`).
    pub fn augment_preview(&self, index: u32, count: u32) -> Vec<f32> {
        let d = &self.trainer.data;
        match d.image {
            Some(shape) => augment::preview(&d.train_raw, shape, &d.augment, self.trainer.cfg.seed, index, count as usize),
            None => Vec::new(),
        }
    }

    /// Whether the config in force switches any training augmentation on.
    pub fn augmentation_active(&self) -> bool {
        self.trainer.data.augment.active()
    }

    /// Runs `steps` training steps and returns the report (step, epoch, losses, evals, flags).
    pub fn run(&mut self, steps: u32) -> Result<JsValue, JsValue> {
        let report = self.trainer.run(steps as usize);
        to_js(&report)
    }

    /// Per hidden layer: {layer, activation, pre, act, grad}, each {mean, std, saturated, dead,
    /// zeros, hist: {lo, hi, counts}}, from a fixed probe batch (see `Trainer::layer_stats`).
    pub fn layer_stats(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.trainer.layer_stats())
    }

    /// Every epoch record so far.
    pub fn history(&self) -> Result<JsValue, JsValue> {
        to_js(&self.trainer.history)
    }

    /// Restores the best epoch's weights; returns that epoch (or undefined when none yet).
    pub fn restore_best(&mut self) -> Option<u32> {
        self.trainer.restore_best().map(|e| e as u32)
    }

    pub fn classes(&self) -> u32 {
        self.trainer.data.classes as u32
    }

    /// 4 floats per point: x, y, label, split (0 = training, 1 = validation), raw coordinates.
    /// For regression the label is the target value, and a 1D point's y is its target too.
    pub fn points(&self) -> Vec<f32> {
        let d = &self.trainer.data;
        let mut out = Vec::with_capacity((d.train_raw.rows + d.val_raw.rows) * 4);
        for (train, split) in [(true, 0.0), (false, 1.0)] {
            let (m, ys, ts) = if train { (&d.train_raw, &d.train_y, &d.train_t) } else { (&d.val_raw, &d.val_y, &d.val_t) };
            for r in 0..m.rows {
                let label = if d.is_regression() { ts[r] } else { ys[r] as f32 };
                let y = if m.cols == 1 { label } else { m.data[r * m.cols + 1] };
                out.extend_from_slice(&[m.data[r * m.cols], y, label, split]);
            }
        }
        out
    }

    /// A fresh data seed from the operating system's entropy source (see `Rng::entropy_seed`),
    /// for "Regenerate data"; the page writes it into the config, so the link reproduces the run.
    pub fn fresh_seed() -> u32 {
        crate::rng::Rng::entropy_seed().max(1)
    }

    /// The Data tab's signals (mnist1d): `per_class` raw signals of each class in turn, class
    /// by class (see `views::signal_samples`); empty for other data.
    pub fn signal_samples(&self, per_class: u32) -> Vec<f32> {
        crate::views::signal_samples(&self.trainer.data, per_class as usize)
    }

    /// The data's class names (mnist1d: the digits "0" to "9"), as an array of strings.
    pub fn class_names(&self) -> Result<JsValue, JsValue> {
        to_js(&self.trainer.data.class_names)
    }

    /// The values per signal of signal data (mnist1d: 40); 0 for other data.
    pub fn signal_len(&self) -> u32 {
        let d = &self.trainer.data;
        if d.is_signal() { d.train_raw.cols as u32 } else { 0 }
    }

    /// "classes", "surface", "curve" or "signals": how the plane view draws this data (see `views::plot_mode`).
    pub fn plot_mode(&self) -> String {
        crate::views::plot_mode(&self.trainer.data).into()
    }

    /// [xmin, xmax, ymin, ymax] of the plane the decision regions cover (see `views::extent`).
    pub fn extent(&self) -> Vec<f32> {
        crate::views::extent(&self.trainer.data).to_vec()
    }

    /// Class probabilities on a res x res grid over `extent()`: res * res * classes floats,
    /// row-major, row 0 at y = ymax, column 0 at x = xmin (see `Trainer::decision_grid`).
    pub fn decision_grid(&mut self, res: u32) -> Vec<f32> {
        self.trainer.decision_grid(res as usize).data
    }

    /// Multiply-adds of one decision-grid point (see `Trainer::forward_macs_per_sample`).
    pub fn forward_macs(&self) -> f64 {
        self.trainer.forward_macs_per_sample() as f64
    }

    /// This run's figures for a lecture step now (`lecture::side`): `{epoch, train_score,
    /// val_score, train_loss, val_loss, score_gap, loss_gap, best_epoch, best_val_loss,
    /// stopped_early, members_val_score, layers: [{layer, act_std, saturated, dead}],
    /// val_loss_curve}`, scores and percentages in percent; a missing figure is null.
    pub fn lecture_side(&mut self) -> Result<JsValue, JsValue> {
        to_js_nulls(&crate::lecture::side(&mut self.trainer))
    }
}

/// The benchmark workload (see `bench.rs`), for `npm run bench` in Node and for the page.
#[wasm_bindgen]
pub struct Bench {
    inner: crate::bench::Bench,
}

#[wasm_bindgen]
impl Bench {
    /// An MLP features-hidden...-classes trained with plain SGD at batch size `batch`.
    #[wasm_bindgen(constructor)]
    pub fn new(features: u32, hidden: Vec<u32>, classes: u32, batch: u32, seed: u32) -> Bench {
        let hidden: Vec<usize> = hidden.iter().map(|&h| h as usize).collect();
        Bench { inner: crate::bench::Bench::new(features as usize, &hidden, classes as usize, batch as usize, seed) }
    }

    /// Runs `steps` training steps; returns the last batch loss.
    pub fn run(&mut self, steps: u32) -> f32 {
        self.inner.run(steps as usize);
        self.inner.last_loss
    }

    pub fn flops_per_step(&self) -> f64 {
        self.inner.flops_per_step()
    }
}

/// The real `Trainer` on a config given as JSON (`"{}"` is the page's default), timed by
/// `npm run bench` like `Bench`.
#[wasm_bindgen]
pub struct TrainerBench {
    inner: crate::bench::TrainerBench,
}

#[wasm_bindgen]
impl TrainerBench {
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<TrainerBench, JsValue> {
        let cfg = crate::config::Config::from_json(config_json).map_err(|e| js_error(&e.to_string()))?;
        let inner = crate::bench::TrainerBench::new(&cfg).map_err(|e| js_error(&e.to_string()))?;
        Ok(TrainerBench { inner })
    }

    /// Runs `steps` training steps; returns the last batch loss.
    pub fn run(&mut self, steps: u32) -> f32 {
        self.inner.run(steps as usize)
    }

    pub fn flops_per_step(&self) -> f64 {
        self.inner.flops_per_step()
    }
}

/// The knobs a sweep can turn, each with its config field(s) and range, and the sweep's limits
/// (see `sweep::sweep_schema`). The Experiments view builds its knob picker from it.
#[wasm_bindgen]
pub fn sweep_schema() -> Result<JsValue, JsValue> {
    to_js(&crate::sweep::sweep_schema())
}

/// Checks a sweep spec (a JS object) and expands it: `{spec, runs: [{run, value, series,
/// seed_index, seed, config}]}` with `spec` in its listed form. Throws an Error naming the
/// spec's field ("values", "seeds", "config.learning_rate", ...).
#[wasm_bindgen]
pub fn sweep_runs(spec: JsValue) -> Result<JsValue, JsValue> {
    let json: serde_json::Value = serde_wasm_bindgen::from_value(spec).map_err(|e| js_error(&format!("sweep: {e}")))?;
    let sweep = crate::sweep::Sweep::from_value(&json).map_err(config_error)?;
    #[derive(serde::Serialize)]
    struct Expanded {
        spec: serde_json::Value,
        runs: Vec<crate::sweep::RunSpec>,
    }
    to_js(&Expanded { spec: sweep.to_value(), runs: sweep.runs() })
}

/// The Ray Tune script of a sweep spec (`export_ray`: the Experiments tab's **Export for Ray**);
/// a bad spec is refused as by `sweep_runs`, naming the spec's field.
#[wasm_bindgen]
pub fn export_sweep_ray(spec: JsValue) -> Result<String, JsValue> {
    let json: serde_json::Value = serde_wasm_bindgen::from_value(spec).map_err(|e| js_error(&format!("sweep: {e}")))?;
    let sweep = crate::sweep::Sweep::from_value(&json).map_err(config_error)?;
    Ok(crate::export_ray::export(&sweep))
}

/// A sweep's CSV read back and checked (`sweep::read_csv`): `{knob, series, values,
/// series_values, seeds, epochs, records}`, figures that are not finite as null, as the pool's
/// records arrive. The error names the column (or `csv`) and the row.
#[wasm_bindgen]
pub fn import_sweep_csv(text: &str) -> Result<JsValue, JsValue> {
    let imported = crate::sweep::read_csv(text).map_err(config_error)?;
    to_js_nulls(&imported)
}

/// A pool worker's handle: the sweep it serves and the one run it trains, reused run after run.
#[wasm_bindgen]
pub struct SweepSession {
    runs: Vec<crate::sweep::RunSpec>,
    current: Option<crate::sweep::SweepRun>,
}

#[wasm_bindgen]
impl SweepSession {
    /// Reads the sweep spec from its JSON text (the pool sends the same text to every worker).
    #[wasm_bindgen(constructor)]
    pub fn new(spec_json: &str) -> Result<SweepSession, JsValue> {
        let sweep = crate::sweep::Sweep::from_json(spec_json).map_err(config_error)?;
        Ok(SweepSession { runs: sweep.runs(), current: None })
    }

    /// Builds run `index` (dropping the previous run's trainer).
    pub fn start(&mut self, index: u32) -> Result<(), JsValue> {
        self.current = None;
        let spec = self.runs.get(index as usize).cloned().ok_or_else(|| js_error(&format!("run: no run {index}")))?;
        self.current = Some(crate::sweep::SweepRun::new(spec).map_err(config_error)?);
        Ok(())
    }

    /// Trains up to `epochs` more epochs of the current run; returns whether it is done.
    pub fn advance(&mut self, epochs: u32) -> bool {
        self.current.as_mut().is_none_or(|r| r.advance(epochs as usize))
    }

    pub fn epoch(&self) -> u32 {
        self.current.as_ref().map_or(0, |r| r.epoch() as u32)
    }

    pub fn steps(&self) -> f64 {
        self.current.as_ref().map_or(0.0, |r| r.steps() as f64)
    }

    /// The current run's record as JSON text, the same text `overfit sweep` prints.
    pub fn record_json(&self) -> String {
        self.current.as_ref().map(|r| crate::sweep::record_json(&r.record())).unwrap_or_default()
    }
}
