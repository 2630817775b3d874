//! The only file that names wasm-bindgen or js-sys: the `Session` handle the Web Worker owns,
//! with coarse calls (set a config, run n steps, read a snapshot buffer). Nothing crosses the
//! boundary per weight or per sample.

use crate::config::Config;
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

/// A training session: one config, one trainer.
#[wasm_bindgen]
pub struct Session {
    trainer: Trainer,
}

#[wasm_bindgen]
impl Session {
    /// Builds a session from a config object; throws an Error naming the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Session, JsError> {
        let cfg = config_from_js(config)?;
        Ok(Session { trainer: Trainer::new(&cfg) })
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
            self.trainer = Trainer::new(&cfg);
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
    pub fn reset(&mut self) {
        let cfg = self.trainer.cfg.clone();
        self.trainer = Trainer::new(&cfg);
    }

    /// Runs `steps` training steps and returns the report (step, epoch, losses, evals, flags).
    pub fn run(&mut self, steps: u32) -> Result<JsValue, JsError> {
        let report = self.trainer.run(steps as usize);
        to_js(&report)
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
