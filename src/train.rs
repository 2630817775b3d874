//! The trainer: owns the data, the model(s), their optimizers and the RNG streams, and runs whole
//! training steps (batch, forward, loss, backward, update) followed, at each epoch end, by an
//! evaluation of both splits in eval mode, early stopping and divergence checks.
//!
//! An ensemble is K members, each with its own initialization and (for K > 1) its own bootstrap
//! resample of the training split (Breiman 1996); they step together and are evaluated by
//! averaging their class probabilities.

use crate::config::{Config, ConfigError, Dataset, Schedule, TestTime};
use crate::data::augment::{Augment, Shape};
use crate::data::user::UserSamples;
use crate::data::Data;
pub use crate::history::{EpochRecord, History};
use crate::layers::Mode;
use crate::loss::Targets;
use crate::metrics;
use crate::model::Model;
use crate::optim::{Hyper, OptimizerState};
use crate::rng::Rng;
pub use crate::scores::{r_squared, SplitScore};
use crate::scores::{regression_score, split_figures};
use crate::tensor::Matrix;
use serde::Serialize;

/// Evaluation rows per forward pass.
const EVAL_CHUNK: usize = 256;

/// RNG stream numbers, so that each purpose draws from its own sequence: the data (generation,
/// split, label noise), the shuffled batch order, the augmentation of training batches, and
/// member k's initialization, bootstrap resample and dropout masks (`STREAM_MEMBER + k`). The
/// augmentation preview uses its own generator (`augment::STREAM_PREVIEW`), outside these forks.
const STREAM_DATA: u64 = 1;
const STREAM_ORDER: u64 = 2;
const STREAM_AUGMENT: u64 = 3;
const STREAM_MEMBER: u64 = 100;

/// The data's generator: the run's data stream, or (with a `data_seed`) the same stream of a
/// generator seeded by it. The run's root forks its data stream either way, so the other
/// streams (weights, order, masks) do not depend on the data seed.
fn data_stream(cfg: &Config, root: &mut Rng) -> Rng {
    let own = root.fork(STREAM_DATA);
    if cfg.data_seed == 0 {
        own
    } else {
        Rng::new(cfg.data_seed as u64, 0).fork(STREAM_DATA)
    }
}

/// The live view of one hidden layer: each part's statistics over the probe batch, with `dead`
/// counting the units that are 0 for every sample, and `saturated` and `zeros` counting
/// unit-samples (see `metrics::Summary`).
#[derive(Clone, Debug, Serialize)]
pub struct LayerView {
    pub layer: usize,
    pub activation: crate::config::Activation,
    pub pre: metrics::Summary,
    pub act: metrics::Summary,
    pub grad: metrics::Summary,
}

/// What one call of `run` reports.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub step: u64,
    /// Completed epochs.
    pub epoch: usize,
    /// Epochs including the current partial one.
    pub epoch_float: f64,
    pub steps_per_epoch: usize,
    /// Mean loss of the last training batch (first member).
    pub batch_loss: f32,
    /// Epoch records completed during this call.
    pub evals: Vec<EpochRecord>,
    /// A non-finite loss appeared; training stopped and the last good weights were restored.
    pub diverged: bool,
    pub diverged_at_step: Option<u64>,
    /// Early stopping ended the run and restored the best weights.
    pub stopped: bool,
    pub best_epoch: Option<usize>,
    /// Training reached the config's `stop_at_epoch` and pauses there (it goes on when that
    /// setting is raised or cleared).
    pub at_stop_epoch: bool,
}

struct Member {
    model: Model,
    opt: OptimizerState,
    /// The member's training rows: 0..n, or a bootstrap resample.
    rows: Vec<u32>,
    rng: Rng,
}

pub struct Trainer {
    pub cfg: Config,
    pub data: Data,
    members: Vec<Member>,
    /// Position within the current epoch's shuffled order.
    cursor: usize,
    order: Vec<u32>,
    batch_x: Matrix,
    batch_y: Vec<u32>,
    /// The batch's real targets (regression data only).
    batch_t: Vec<f32>,
    batch_idx: Vec<u32>,
    pub step: u64,
    pub epoch: usize,
    /// Epoch records, thinned evenly once a run grows long (see `History`).
    pub history: History,
    best: Option<(usize, f32, Vec<Vec<f32>>)>,
    epochs_since_best: usize,
    last_good: Vec<Vec<f32>>,
    pub diverged_at: Option<u64>,
    pub stopped: bool,
    last_batch_loss: f32,
    order_rng: Rng,
    augment_rng: Rng,
}

impl Trainer {
    /// Builds data and models from a validated config (errors only for the user's dataset when
    /// no images were given).
    pub fn new(cfg: &Config) -> Result<Trainer, ConfigError> {
        let mut root = Rng::new(cfg.seed as u64, 0);
        let mut data_rng = data_stream(cfg, &mut root);
        let data = Data::build(cfg, &mut data_rng)?;
        Ok(Trainer::with_data(cfg, data, &mut root))
    }

    /// Builds the trainer for a validated config: over the user's images when the dataset is
    /// theirs (they must match the config's image size, colour and classes), otherwise over the
    /// generated or bundled data. The dataset "user" without images is a "dataset" error.
    pub fn build(cfg: &Config, user: Option<&UserSamples>) -> Result<Trainer, ConfigError> {
        match user {
            Some(u) if cfg.dataset == Dataset::User => {
                u.check_config(cfg)?;
                let x = Matrix::from_vec(u.labels.len(), u.shape().len(), u.pixels.clone());
                Ok(Trainer::with_samples(cfg, x, u.labels.clone(), Some(u.shape()), u.names.clone()))
            }
            _ => Trainer::new(cfg),
        }
    }

    /// Builds a trainer over the user's own samples (rows of `x`, labels `y`).
    pub fn with_samples(cfg: &Config, x: Matrix, y: Vec<u32>, image: Option<Shape>, class_names: Vec<String>) -> Trainer {
        let mut root = Rng::new(cfg.seed as u64, 0);
        let mut data_rng = data_stream(cfg, &mut root);
        let classes = cfg.num_classes();
        let data = Data::from_samples(x, y, None, classes, image, class_names, cfg, &mut data_rng);
        Trainer::with_data(cfg, data, &mut root)
    }

    /// Builds the ensemble's models over prepared data: `new` and `with_samples` end here.
    pub fn with_data(cfg: &Config, data: Data, root: &mut Rng) -> Trainer {
        let n = data.train_x.rows;
        let mut members = Vec::with_capacity(cfg.ensemble);
        for k in 0..cfg.ensemble {
            let mut rng = root.fork(STREAM_MEMBER + k as u64);
            let model = Model::new(cfg, data.features, data.classes, &mut rng);
            let rows: Vec<u32> = if cfg.ensemble > 1 {
                (0..n).map(|_| rng.below(n as u32)).collect()
            } else {
                (0..n as u32).collect()
            };
            let opt = OptimizerState::new(cfg.optimizer, model.params.values.len());
            members.push(Member { model, opt, rows, rng });
        }
        let last_good = members.iter().map(|m| m.model.params.values.clone()).collect();
        let order_rng = root.fork(STREAM_ORDER);
        let augment_rng = root.fork(STREAM_AUGMENT);
        let features = data.features;
        Trainer {
            augment_rng,
            cfg: cfg.clone(),
            data,
            members,
            cursor: n, // forces a shuffle at the first step
            order: (0..n as u32).collect(),
            batch_x: Matrix::zeros(0, features),
            batch_y: Vec::new(),
            batch_t: Vec::new(),
            batch_idx: Vec::new(),
            step: 0,
            epoch: 0,
            history: History::default(),
            best: None,
            epochs_since_best: 0,
            last_good,
            diverged_at: None,
            stopped: false,
            last_batch_loss: f32::NAN,
            order_rng,
        }
    }

    pub fn steps_per_epoch(&self) -> usize {
        self.data.train_x.rows.div_ceil(self.cfg.batch_size)
    }

    /// Changes hyper-parameters in place (learning rate, optimizer, batch size, regularization...).
    /// The caller decides that the change needs no rebuild.
    pub fn update_hyper(&mut self, cfg: &Config) {
        let optimizer_changed = cfg.optimizer != self.cfg.optimizer;
        self.cfg = cfg.clone();
        self.data.augment = Augment::from_config(cfg);
        for m in &mut self.members {
            m.model.apply_hyper(cfg);
            if optimizer_changed {
                m.opt = OptimizerState::new(cfg.optimizer, m.model.params.values.len());
            }
        }
    }

    /// The learning rate in force for the current epoch.
    pub fn current_lr(&self) -> f32 {
        match self.cfg.schedule {
            Schedule::Constant => self.cfg.learning_rate,
            Schedule::Step => self.cfg.learning_rate * self.cfg.decay_factor.powi((self.epoch / self.cfg.decay_every) as i32),
        }
    }

    pub fn finished(&self) -> bool {
        self.diverged_at.is_some() || self.stopped
    }

    /// Whether training stands at the end of epoch `stop_at_epoch` (0: never), where it pauses.
    pub fn at_stop_epoch(&self) -> bool {
        self.cfg.stop_at_epoch > 0 && self.epoch >= self.cfg.stop_at_epoch && self.at_epoch_boundary()
    }

    /// Whether no step of the current epoch has run yet (or the last one just ended it).
    fn at_epoch_boundary(&self) -> bool {
        self.cursor == 0 || self.cursor >= self.order.len()
    }

    /// Runs up to `steps` training steps (fewer if training diverges or stops early).
    pub fn run(&mut self, steps: usize) -> Report {
        let mut evals = Vec::new();
        for _ in 0..steps {
            if self.finished() || self.at_stop_epoch() {
                break;
            }
            if let Some(rec) = self.one_step() {
                evals.push(rec);
            }
        }
        // The per-step signal is the loss; the last update of a call can still overflow the
        // weights with no step after it to see that, so one scan per call closes the gap.
        if self.diverged_at.is_none() && !self.weights_finite() {
            self.diverged_at = Some(self.step);
            self.restore(&self.last_good.clone());
        }
        self.report(evals)
    }

    fn report(&self, evals: Vec<EpochRecord>) -> Report {
        let spe = self.steps_per_epoch();
        let in_epoch = if self.cursor >= self.order.len() { 0 } else { self.cursor.div_ceil(self.cfg.batch_size) };
        Report {
            step: self.step,
            epoch: self.epoch,
            epoch_float: self.epoch as f64 + in_epoch as f64 / spe as f64,
            steps_per_epoch: spe,
            batch_loss: self.last_batch_loss,
            evals,
            diverged: self.diverged_at.is_some(),
            diverged_at_step: self.diverged_at,
            stopped: self.stopped,
            best_epoch: self.best.as_ref().map(|b| b.0),
            at_stop_epoch: self.at_stop_epoch(),
        }
    }

    /// One step for every member; returns the epoch record when the step ended an epoch.
    fn one_step(&mut self) -> Option<EpochRecord> {
        let n = self.order.len();
        if self.cursor >= n {
            self.order_rng.shuffle(&mut self.order);
            self.cursor = 0;
        }
        let end = (self.cursor + self.cfg.batch_size).min(n);
        let hyper = Hyper::from_config(&self.cfg, self.current_lr());
        let positions = self.cursor..end;
        let mut first_loss = 0.0;
        for (k, m) in self.members.iter_mut().enumerate() {
            // Each member maps the shared shuffled positions through its own (bootstrap) rows.
            self.batch_idx.clear();
            self.batch_idx.extend(self.order[positions.clone()].iter().map(|&p| m.rows[p as usize]));
            self.data.gather_train(&self.batch_idx, &mut self.batch_x, &mut self.batch_y, &mut self.batch_t, &mut self.augment_rng);
            let input = m.model.input_mut(self.batch_x.rows);
            input.data.copy_from_slice(&self.batch_x.data);
            m.model.forward(Mode::Train, &mut m.rng);
            let targets = if self.data.is_regression() { Targets::Values(&self.batch_t) } else { Targets::Classes(&self.batch_y) };
            let bl = m.model.backward_fresh(targets);
            let mean = (bl.loss_sum / self.batch_y.len() as f64) as f32;
            if k == 0 {
                first_loss = mean;
            }
            // A non-finite loss is the divergence signal; overflowing weights show up as a
            // non-finite loss one step later, so the gradients need no per-step scan.
            if !mean.is_finite() {
                self.diverged_at = Some(self.step + 1);
            } else {
                m.opt.step(&mut m.model.params, &hyper);
            }
        }
        self.step += 1;
        self.cursor = end;
        self.last_batch_loss = first_loss;
        if self.diverged_at.is_some() {
            self.restore(&self.last_good.clone());
            return None;
        }
        if self.cursor >= n {
            self.epoch += 1;
            let rec = self.evaluate_epoch();
            return Some(rec);
        }
        None
    }

    /// Whether every parameter of every member is finite (one pass over the weights).
    fn weights_finite(&self) -> bool {
        self.members.iter().all(|m| m.model.params.values.iter().all(|x| x.is_finite()))
    }

    fn snapshot(&self) -> Vec<Vec<f32>> {
        self.members.iter().map(|m| m.model.params.values.clone()).collect()
    }

    fn restore(&mut self, snap: &[Vec<f32>]) {
        for (m, s) in self.members.iter_mut().zip(snap) {
            m.model.params.values.copy_from_slice(s);
        }
    }

    /// Restores the weights of the best epoch seen so far (early stopping's "restore best").
    pub fn restore_best(&mut self) -> Option<usize> {
        let (epoch, snap) = self.best.as_ref().map(|(e, _, s)| (*e, s.clone()))?;
        self.restore(&snap);
        Some(epoch)
    }

    /// The evaluation mode: running averages, or (the switch) batch statistics.
    pub fn eval_mode(&self) -> Mode {
        if self.cfg.eval_batch_stats {
            Mode::EvalBatchStats
        } else {
            Mode::Eval
        }
    }

    /// Rows per evaluation forward pass: with batch statistics the evaluation batch is a
    /// training-sized batch, so small batches show their noise.
    fn eval_chunk(&self) -> usize {
        if self.cfg.eval_batch_stats {
            self.cfg.batch_size
        } else {
            EVAL_CHUNK
        }
    }

    fn evaluate_epoch(&mut self) -> EpochRecord {
        let mode = self.eval_mode();
        let train = self.score_split(true, mode);
        let val = self.score_split(false, mode);
        let (train_loss, val_loss, members) = (train.loss, val.loss, val.members);
        let rec = EpochRecord {
            epoch: self.epoch,
            step: self.step,
            train_loss,
            train_score: train.score,
            val_loss,
            val_score: val.score,
            train_rmse: train.rmse,
            val_rmse: val.rmse,
            lr: self.current_lr(),
            members_val_score: if self.members.len() > 1 { members.iter().map(|m| m.0).collect() } else { Vec::new() },
            members_val_loss: if self.members.len() > 1 { members.iter().map(|m| m.1).collect() } else { Vec::new() },
        };
        if val_loss.is_finite() && train_loss.is_finite() {
            self.last_good = self.snapshot();
        }
        let better = match &self.best {
            None => val_loss.is_finite(),
            Some((_, best, _)) => val_loss < *best,
        };
        if better {
            self.best = Some((self.epoch, val_loss, self.snapshot()));
            self.epochs_since_best = 0;
        } else {
            self.epochs_since_best += 1;
            if self.cfg.patience > 0 && self.epochs_since_best >= self.cfg.patience {
                self.stopped = true;
                self.restore_best();
            }
        }
        self.history.push(rec.clone());
        rec
    }

    /// The test-time view in force for a split, and the split's transformed matrix when that
    /// view replaces or adds to the plain one (None for the plain view and for 2D data).
    fn split_view(&self, train: bool) -> (TestTime, Option<Matrix>) {
        let view = if self.data.image.is_some() { self.cfg.test_time } else { TestTime::None };
        (view, self.data.test_view(train, view, self.cfg.crop_pad))
    }

    /// (loss, score, per-member (score, loss)) of the training or validation split in `mode`;
    /// see `score_split`, which also gives the RMSE of regression data.
    pub fn evaluate_split(&mut self, train: bool, mode: Mode) -> (f32, f32, Vec<(f32, f32)>) {
        let s = self.score_split(train, mode);
        (s.loss, s.score, s.members)
    }

    /// The figures of the training or validation split in `mode`. A single model with no
    /// test-time view reports its own loss; otherwise its predictions are averaged over members
    /// and views (image and mirror for flip averaging): class probabilities, whose loss is the
    /// cross-entropy of the average, -(1/n) sum_r log p̄(y_r | x_r), or regression outputs, whose
    /// loss is the configured loss of the averaged prediction. The score is the accuracy, or R^2
    /// for regression; each member's (score, loss) is listed for ensembles.
    pub fn score_split(&mut self, train: bool, mode: Mode) -> SplitScore {
        let (view, transformed) = self.split_view(train);
        let chunk = self.eval_chunk();
        let (classes, kind, margin) = (self.data.classes, self.cfg.loss, self.cfg.hinge_margin);
        let plain = if train { &self.data.train_x } else { &self.data.val_x };
        let y = self.data.targets(train);
        let n = plain.rows;
        if n == 0 {
            return SplitScore { loss: f32::NAN, score: f32::NAN, rmse: None, members: vec![] };
        }
        let views = view_matrices(plain, transformed.as_ref(), view);
        if self.members.len() == 1 && views.len() == 1 {
            let m = &mut self.members[0];
            let mut eval_rng = m.rng.clone();
            let b = m.model.evaluate(views[0], y, mode, &mut eval_rng, chunk, None);
            let loss = (b.loss_sum / n as f64) as f32;
            let (score, rmse) = match y {
                Targets::Values(t) => regression_score(b.sq_err_sum, t),
                Targets::Classes(_) => (b.correct as f32 / n as f32, None),
            };
            return SplitScore { loss, score, rmse, members: vec![(score, loss)] };
        }
        let mut members = Vec::new();
        let avg = average_probabilities(&mut self.members, &views, y, classes, (kind, margin), mode, chunk, Some(&mut members));
        let (loss, score, rmse) = split_figures(&avg, y, (kind, margin));
        SplitScore { loss, score, rmse, members }
    }

    /// Averaged class probabilities (ensemble and test-time views) for every row of a split, in
    /// the evaluation mode and with the evaluation batches of the curves (`eval_mode`,
    /// `eval_chunk`), so that the confusion matrix and the image grid agree with the accuracy
    /// the curves report for the same weights.
    pub fn split_probabilities(&mut self, train: bool) -> Matrix {
        let (view, transformed) = self.split_view(train);
        let (mode, chunk, classes) = (self.eval_mode(), self.eval_chunk(), self.data.classes);
        let loss = (self.cfg.loss, self.cfg.hinge_margin);
        let plain = if train { &self.data.train_x } else { &self.data.val_x };
        let y = self.data.targets(train);
        let views = view_matrices(plain, transformed.as_ref(), view);
        average_probabilities(&mut self.members, &views, y, classes, loss, mode, chunk, None)
    }

    /// Class probabilities (rows x classes) at raw input points, averaged over members, in the
    /// curves' evaluation mode; used for the decision-region view. `raw` has rows like the data's
    /// `train_raw` (a 2D point's x1, x2), which become the network's inputs as the training
    /// samples did: the selected features, then the pre-processing (see `Data::inputs`).
    pub fn predict_raw(&mut self, raw: &Matrix) -> Matrix {
        let x = self.data.inputs(raw);
        let (labels, values) = (vec![0u32; x.rows], vec![0f32; x.rows]);
        let y = if self.data.is_regression() { Targets::Values(&values) } else { Targets::Classes(&labels) };
        let (mode, chunk, classes) = (self.eval_mode(), self.eval_chunk(), self.data.classes);
        let loss = (self.cfg.loss, self.cfg.hinge_margin);
        average_probabilities(&mut self.members, &[&x], y, classes, loss, mode, chunk, None)
    }

    /// Per hidden layer: statistics of the pre-activations (the activation function's input),
    /// the activations and the gradient reaching them, on a fixed probe batch of up to 256
    /// training samples, forward and backward in eval mode on the first member; each buffer is
    /// summarized as a (samples, units) matrix, so a unit is dead when it is 0 for every probe
    /// sample. Uses its own RNG clone and changes no parameter or running statistic, so it never
    /// alters training.
    pub fn layer_stats(&mut self) -> Vec<LayerView> {
        let rows = self.data.train_x.rows.min(256);
        let m = &mut self.members[0];
        let input = m.model.input_mut(rows);
        input.data.copy_from_slice(&self.data.train_x.data[..rows * self.data.features]);
        let mut rng = m.rng.clone();
        m.model.forward(Mode::Eval, &mut rng);
        m.model.backward(self.data.targets(true).slice(0, rows));
        let taps = m.model.hidden_taps.clone();
        let views = taps
            .iter()
            .enumerate()
            .map(|(l, &(_, act_index))| {
                let kind = match &m.model.layers[act_index] {
                    crate::layers::Layer::Activation(a) => a.kind,
                    _ => crate::config::Activation::Maxout,
                };
                let (pre, act) = (m.model.activation(act_index), m.model.activation(act_index + 1));
                let grad = m.model.gradient(act_index + 1);
                LayerView {
                    layer: l + 1,
                    activation: kind,
                    pre: metrics::summarize_free(&pre.data, pre.cols),
                    act: metrics::summarize_activations(&act.data, act.cols, kind),
                    grad: metrics::summarize_free(&grad.data, grad.cols),
                }
            })
            .collect();
        m.model.params.zero_grads();
        views
    }

    /// The first member's model (views read its layers).
    pub fn model(&self) -> &Model {
        &self.members[0].model
    }

    pub fn model_mut(&mut self) -> &mut Model {
        &mut self.members[0].model
    }

    pub fn members(&self) -> usize {
        self.members.len()
    }
}

/// The matrices each member evaluates under a test-time view: flip averaging uses the image and
/// its mirror, the centre crop replaces the image, no view (or 2D data) is the plain split.
fn view_matrices<'a>(plain: &'a Matrix, transformed: Option<&'a Matrix>, view: TestTime) -> Vec<&'a Matrix> {
    match (transformed, view) {
        (Some(t), TestTime::Flip) => vec![plain, t],
        (Some(t), _) => vec![t],
        (None, _) => vec![plain],
    }
}

/// The class probabilities of the rows of the views (all of the same rows), averaged over the
/// K members and V views: p̄ = sum_k sum_v w p_kv with w = 1 / (K V), each term scaled by w
/// before it is added, members in order and views in order within a member. Each member
/// evaluates on a clone of its RNG, so evaluation never consumes training randomness. When
/// `member_stats` is given it receives each member's (score, loss) over its own views against
/// `y` (see `split_figures`). For regression the "probabilities" are the one-column predictions.
#[allow(clippy::too_many_arguments)]
fn average_probabilities(
    members: &mut [Member],
    views: &[&Matrix],
    y: Targets,
    classes: usize,
    loss: (crate::config::Loss, f32),
    mode: Mode,
    chunk: usize,
    mut member_stats: Option<&mut Vec<(f32, f32)>>,
) -> Matrix {
    let n = views.first().map_or(0, |v| v.rows);
    let weight = 1.0 / (members.len() * views.len()) as f32;
    let mut avg = Matrix::zeros(n, classes);
    let mut probs = Matrix::zeros(n, classes);
    let mut member_probs = Matrix::zeros(if member_stats.is_some() { n } else { 0 }, classes);
    for m in members.iter_mut() {
        member_probs.data.fill(0.0);
        for v in views {
            let mut eval_rng = m.rng.clone();
            m.model.evaluate(v, y, mode, &mut eval_rng, chunk, Some(&mut probs));
            for (a, p) in avg.data.iter_mut().zip(&probs.data) {
                *a += p * weight;
            }
            if member_stats.is_some() {
                for (mp, p) in member_probs.data.iter_mut().zip(&probs.data) {
                    *mp += p / views.len() as f32;
                }
            }
        }
        if let Some(stats) = member_stats.as_deref_mut() {
            let (l, score, _) = split_figures(&member_probs, y, loss);
            stats.push((score, l));
        }
    }
    avg
}

/// Whether changing `old` into `new` needs a rebuild, or only updates hyper-parameters of the
/// running trainer: a rebuild when a field whose effect (in `schema::FIELDS`) is new data, new
/// initial weights or a restart differs. `classes` counts only where the data has that many
/// classes (digits ignores it), `features` only where the data is 2D points (images ignore it).
pub fn needs_rebuild(old: &Config, new: &Config) -> bool {
    use crate::schema::{Effect, FIELDS};
    let (a, b) = (serde_json::to_value(old).expect("config serializes"), serde_json::to_value(new).expect("config serializes"));
    FIELDS.iter().filter(|f| matches!(f.effect, Effect::Data | Effect::Weights | Effect::Restart)).any(|f| {
        if f.key == "classes" {
            old.num_classes() != new.num_classes()
        } else if f.key == "features" && old.dataset.is_image() && new.dataset.is_image() {
            false
        } else {
            a[f.key] != b[f.key]
        }
    })
}
