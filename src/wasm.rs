//! The only file that names wasm-bindgen or js-sys: the `Session` handle the Web Worker owns,
//! with coarse calls (set a config, run n steps, read a snapshot buffer). Nothing crosses the
//! boundary per weight or per sample.

use crate::config::{Config, Dataset};
use crate::data::augment::{self, Augment, Shape};
use crate::rng::Rng;
use crate::tensor::Matrix;
use crate::train::{needs_rebuild, Trainer};
use wasm_bindgen::prelude::*;

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    // Plain objects (not Maps), so the worker can post them and read fields directly.
    let s = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    v.serialize(&s).map_err(|e| JsError::new(&e.to_string()))
}

/// Reads a config from a JS object strictly: the error names the first bad field.
fn config_from_js(value: JsValue) -> Result<Config, JsError> {
    let json: serde_json::Value =
        serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("config: {e}")))?;
    Config::from_value(&json).map_err(|e| JsError::new(&e.to_string()))
}

/// The default config as a plain JS object.
#[wasm_bindgen]
pub fn default_config() -> Result<JsValue, JsError> {
    to_js(&Config::default())
}

/// Reads a config leniently: returns `{config, problems: [{field, message}]}` where every bad
/// field was replaced by its default. The page uses it for URL hashes and imported files.
#[wasm_bindgen]
pub fn repair_config(value: JsValue) -> Result<JsValue, JsError> {
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

/// The run as one self-contained PyTorch script (the page's "Export as PyTorch" button); the
/// config is read strictly, so a bad field throws an Error naming it.
#[wasm_bindgen]
pub fn export_pytorch(config: JsValue) -> Result<String, JsError> {
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

/// The user's own images as the page decoded them.
struct UserSamples {
    pixels: Vec<f32>,
    labels: Vec<u32>,
    size: usize,
    channels: usize,
    names: Vec<String>,
}

/// Most user images the core accepts, and most classes.
pub const MAX_USER_IMAGES: usize = 20_000;
pub const MAX_USER_CLASSES: usize = 100;
/// Most bytes of user pixels the core accepts (one copy; the trainer keeps a few more).
pub const MAX_USER_BYTES: usize = 64 << 20;

/// Builds the trainer for `cfg`, from the user's samples when the dataset is theirs.
fn build(cfg: &Config, user: Option<&UserSamples>) -> Result<Trainer, JsError> {
    if cfg.dataset == Dataset::User {
        let u = user.ok_or_else(|| JsError::new("dataset: load your own images first (choose a folder or files)"))?;
        if cfg.image_size != u.size || (cfg.color as usize * 2 + 1) != u.channels || cfg.classes != u.names.len() {
            return Err(JsError::new(&format!(
                "dataset: the loaded images are {}x{} with {} channel(s) in {} classes; set image_size, color and classes to match",
                u.size,
                u.size,
                u.channels,
                u.names.len()
            )));
        }
        let n = u.labels.len();
        let x = Matrix::from_vec(n, u.size * u.size * u.channels, u.pixels.clone());
        let shape = Shape { w: u.size, h: u.size, c: u.channels };
        return Ok(Trainer::with_samples(cfg, x, u.labels.clone(), Some(shape), u.names.clone()));
    }
    Trainer::new(cfg).map_err(|e| JsError::new(&e.to_string()))
}

/// The init lab for a config's `lab_*` fields and seed: `{depth, width, batch, activation,
/// init, layers: [{layer, mean, std, saturated, dead, grad_std, weight_grad_std, hist,
/// grad_hist}]}`. No training; one forward and one backward pass.
#[wasm_bindgen]
pub fn init_lab(config: JsValue) -> Result<JsValue, JsError> {
    let cfg = config_from_js(config)?;
    to_js(&crate::init_lab::run(&cfg))
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
    pub fn new(config: JsValue) -> Result<Session, JsError> {
        let cfg = config_from_js(config)?;
        Ok(Session { trainer: build(&cfg, None)?, user: None })
    }

    /// Gives the session the user's own images: `pixels` holds n images of size x size x
    /// channels (HWC, values 0-1), `labels` their classes as indices into `names`. Validates
    /// everything before it replaces anything; the config must then use dataset "user".
    pub fn set_user_data(&mut self, pixels: Vec<f32>, labels: Vec<u32>, size: u32, channels: u32, names: Vec<String>) -> Result<(), JsError> {
        let (size, channels) = (size as usize, channels as usize);
        let n = labels.len();
        if !(8..=32).contains(&size) || !(channels == 1 || channels == 3) {
            return Err(JsError::new(&format!("images: size must be 8 to 32 and channels 1 or 3, got {size} and {channels}")));
        }
        if n < 4 || n > MAX_USER_IMAGES {
            return Err(JsError::new(&format!("images: need 4 to {MAX_USER_IMAGES} images, got {n}")));
        }
        if names.len() < 2 || names.len() > MAX_USER_CLASSES {
            return Err(JsError::new(&format!("images: need 2 to {MAX_USER_CLASSES} classes, got {}", names.len())));
        }
        if pixels.len() != n * size * size * channels {
            return Err(JsError::new("images: pixel buffer does not match the image count and size"));
        }
        if labels.iter().any(|&l| l as usize >= names.len()) || pixels.iter().any(|v| !v.is_finite()) {
            return Err(JsError::new("images: a label or pixel value is out of range"));
        }
        // The session keeps the pixels and the trainer holds raw and pre-processed copies of
        // both splits, so the budget is checked on one copy before anything is kept.
        let bytes = pixels.len() * 4;
        if bytes > MAX_USER_BYTES {
            return Err(JsError::new(&format!(
                "images: {n} images of {size}x{size}x{channels} take {} MB, more than the limit of {} MB; use fewer or smaller images, or grey",
                bytes >> 20,
                MAX_USER_BYTES >> 20
            )));
        }
        // The trainer is rebuilt when the page next applies a config with dataset "user"
        // (matching size, colour and classes), so a failed config never loses the images.
        self.user = Some(UserSamples { pixels, labels, size, channels, names });
        Ok(())
    }

    /// Applies a new config: "rebuilt" when data or architecture changed (training restarts from
    /// the seed), "updated" when only hyper-parameters changed (training continues), or
    /// "unchanged". A bad config throws and leaves the session as it was.
    pub fn set_config(&mut self, config: JsValue) -> Result<String, JsError> {
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
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(&self.trainer.cfg)
    }

    /// Rebuilds from the same config: the same seed gives the same curve.
    pub fn reset(&mut self) -> Result<(), JsError> {
        let cfg = self.trainer.cfg.clone();
        self.trainer = build(&cfg, self.user.as_ref())?;
        Ok(())
    }

    /// For image data: `{width, height, channels, class_names, train, val}`; null for 2D data.
    pub fn image_info(&self) -> Result<JsValue, JsError> {
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

    /// Class probabilities for every validation sample (n_val * classes), averaged over the
    /// ensemble and the test-time views.
    pub fn val_probabilities(&mut self) -> Vec<f32> {
        self.trainer.split_probabilities(false).data
    }

    /// Confusion matrix of the validation split: classes * classes counts, row = true class,
    /// column = predicted class.
    pub fn confusion(&mut self) -> Vec<f32> {
        let k = self.trainer.data.classes;
        let probs = self.trainer.split_probabilities(false);
        let mut m = vec![0.0f32; k * k];
        for (r, &y) in self.trainer.data.val_y.iter().enumerate() {
            m[y as usize * k + crate::loss::argmax(probs.row(r))] += 1.0;
        }
        m
    }

    /// The first linear layer's weights, n_in x n_out row-major: column j, reshaped to the
    /// image, is what hidden unit j looks for.
    pub fn first_layer_weights(&self) -> Vec<f32> {
        let m = self.trainer.model();
        match m.layers.first() {
            Some(crate::layers::Layer::Linear(l)) => m.params.values[l.w.clone()].to_vec(),
            _ => Vec::new(),
        }
    }

    /// Width of the first linear layer's output (the number of weight images).
    pub fn first_layer_units(&self) -> u32 {
        match self.trainer.model().layers.first() {
            Some(crate::layers::Layer::Linear(l)) => l.n_out as u32,
            _ => 0,
        }
    }

    /// One training image followed by `count` augmented versions of it under the current
    /// settings, concatenated (raw pixels). Uses its own RNG, so training is not disturbed.
    pub fn augment_preview(&self, index: u32, count: u32) -> Vec<f32> {
        let d = &self.trainer.data;
        let Some(shape) = d.image else { return Vec::new() };
        if d.train_raw.rows == 0 {
            return Vec::new();
        }
        let i = index as usize % d.train_raw.rows;
        let src = d.train_raw.row(i);
        let a = Augment::from_config(&self.trainer.cfg);
        let mut rng = Rng::new(self.trainer.cfg.seed as u64 ^ index as u64, 99);
        let mut out = src.to_vec();
        let mut img = vec![0.0; src.len()];
        let mut scratch = vec![0.0; src.len()];
        for _ in 0..count.min(64) {
            img.copy_from_slice(src);
            augment::augment(&mut img, &mut scratch, shape, &a, &mut rng);
            out.extend_from_slice(&img);
        }
        out
    }

    /// Runs `steps` training steps and returns the report (step, epoch, losses, evals, flags).
    pub fn run(&mut self, steps: u32) -> Result<JsValue, JsError> {
        let report = self.trainer.run(steps as usize);
        to_js(&report)
    }

    /// Per hidden layer: {layer, activation, pre, act, grad}, each {mean, std, saturated, dead,
    /// hist: {lo, hi, counts}}, from a fixed probe batch (see `Trainer::layer_stats`).
    pub fn layer_stats(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.trainer.layer_stats())
    }

    /// Every epoch record so far.
    pub fn history(&self) -> Result<JsValue, JsError> {
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
    pub fn points(&self) -> Vec<f32> {
        let d = &self.trainer.data;
        let mut out = Vec::with_capacity((d.train_raw.rows + d.val_raw.rows) * 4);
        for (m, ys, split) in [(&d.train_raw, &d.train_y, 0.0), (&d.val_raw, &d.val_y, 1.0)] {
            for r in 0..m.rows {
                out.extend_from_slice(&[m.data[r * m.cols], m.data[r * m.cols + 1], ys[r] as f32, split]);
            }
        }
        out
    }

    /// [xmin, xmax, ymin, ymax] of the plane the decision regions cover.
    pub fn extent(&self) -> Vec<f32> {
        extent(&self.trainer).to_vec()
    }

    /// Class probabilities on a res x res grid over `extent()`: res * res * classes floats,
    /// row-major, row 0 at y = ymax, column 0 at x = xmin.
    pub fn decision_grid(&mut self, res: u32) -> Vec<f32> {
        let res = res.clamp(2, 256) as usize;
        let [x0, x1, y0, y1] = extent(&self.trainer);
        let mut grid = Matrix::zeros(res * res, 2);
        for i in 0..res {
            for j in 0..res {
                let r = grid.row_mut(i * res + j);
                r[0] = x0 + (x1 - x0) * (j as f32 + 0.5) / res as f32;
                r[1] = y1 - (y1 - y0) * (i as f32 + 0.5) / res as f32;
            }
        }
        self.trainer.predict_raw(&grid).data
    }
}

/// A square-ish box around all points with a 10 % margin.
fn extent(t: &Trainer) -> [f32; 4] {
    let d = &t.data;
    let mut b = [f32::INFINITY, f32::NEG_INFINITY, f32::INFINITY, f32::NEG_INFINITY];
    for m in [&d.train_raw, &d.val_raw] {
        for r in 0..m.rows {
            let (x, y) = (m.data[r * m.cols], m.data[r * m.cols + 1]);
            b = [b[0].min(x), b[1].max(x), b[2].min(y), b[3].max(y)];
        }
    }
    let pad = 0.1 * (b[1] - b[0]).max(b[3] - b[2]).max(1e-3);
    [b[0] - pad, b[1] + pad, b[2] - pad, b[3] + pad]
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
    pub fn new(config_json: &str) -> Result<TrainerBench, JsError> {
        let cfg = crate::config::Config::from_json(config_json).map_err(|e| JsError::new(&e.to_string()))?;
        let inner = crate::bench::TrainerBench::new(&cfg).map_err(|e| JsError::new(&e.to_string()))?;
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
