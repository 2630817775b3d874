// Owns the description of the config fields the page shows and the URL hash (de)serialization.
//
// The wasm core is the single source of truth for the config: its `default_config()` arrives in
// the worker's `ready` message, and every key in it round-trips through the URL hash, whether or
// not the page has a dedicated control for it. This module touches no DOM, so the worker and the
// tests can import it too.
//
// One field has a compact hash form of its own: `layer_overrides` (per-hidden-layer activation,
// dropout and normalization) travels under the short key `lo` as
//
//   lo=2:a=tanh:d=0.5;3:n=batch
//
// that is, one entry per overridden hidden layer separated by ';', each entry the layer number
// (counted from 1, as in the config) followed by ':'-separated settings, where `a` is the
// activation, `d` the dropout probability and `n` the normalization. A layer without settings is
// dropped. The long key `layer_overrides=` with the config's JSON array is read as well.

/** The datasets whose samples are images (they get the image views and augmentation). */
export const IMAGE_DATASETS = ['digits', 'shapes', 'arrows', 'user'];

/** Whether a config trains on images. */
export const isImage = (c) => IMAGE_DATASETS.includes(c.dataset);

/** The 2D toy datasets and the generated image sets: the ones with points and noise. */
const GENERATED = ['spiral', 'circles', 'xor', 'blobs', 'moons', 'shapes', 'arrows'];

/**
 * Every value a per-layer setting takes in a config: the network-wide value and the overrides of
 * the existing hidden layers. Used to show a sub-control when any layer needs it.
 */
export function layerValues(c, key) {
  const layers = Array.isArray(c.hidden) ? c.hidden.length : 0;
  const overrides = Array.isArray(c.layer_overrides) ? c.layer_overrides : [];
  const values = [c[key]];
  for (const o of overrides) {
    if (o && o.layer >= 1 && o.layer <= layers && o[key] !== null && o[key] !== undefined) values.push(o[key]);
  }
  return values;
}

const anyLayer = (c, key, test) => layerValues(c, key).some(test);

/** Activation choices: [value, text, formula]. */
export const ACTIVATIONS = [
  ['sigmoid', 'Sigmoid', 'σ(x) = 1 / (1 + e^−x)'],
  ['tanh', 'tanh', 'tanh(x) = (e^x − e^−x) / (e^x + e^−x)'],
  ['relu', 'ReLU', 'max(0, x)'],
  ['leaky_relu', 'Leaky ReLU', 'max(αx, x) with α = Leaky slope'],
  ['elu', 'ELU', 'x for x > 0, e^x − 1 otherwise'],
  ['maxout', 'Maxout', 'max over k linear pieces: max_j (w_jᵀx + b_j)'],
  ['identity', 'Identity', 'x (no non-linearity)'],
];

/** Normalization choices: [value, text, description]. */
export const NORMS = [
  ['none', 'None', 'No normalization layer.'],
  ['batch', 'BatchNorm', 'x̂ = (x − μ_batch) / √(σ²_batch + ε), then γx̂ + β; running averages at test time.'],
  ['layer', 'LayerNorm', 'x̂ = (x − μ) / √(σ² + ε) over the features of each sample, then γx̂ + β; the same in training and test.'],
];

/**
 * The fields that get a dedicated control, in display order. Adding a field is one entry:
 *   key      the config field name (as in the JSON and the URL hash),
 *   label    the visible label, which is also the control's accessible name,
 *   group    the collapsible section it goes in,
 *   kind     'select' | 'number' | 'checkbox' | 'list' (comma-separated whole numbers) |
 *            'layers' (the per-hidden-layer table of layer_overrides),
 *   options  for selects: [value, text, title?] triples; the title is the option's tooltip,
 *   step/min/max  hints for number inputs (the wasm core does the real validation),
 *   integer  true when the number must be whole,
 *   showWhen     optional predicate on the config: the control is hidden when it is false (its
 *                value stays in the config and the link),
 *   enabledWhen  optional predicate on the config: the control is disabled when it is false,
 *   tooltip  what the control does and, where there is one, its formula.
 */
export const FIELDS = [
  // ---- Data ----
  {
    key: 'dataset', label: 'Dataset', group: 'Data', kind: 'select',
    options: [
      ['spiral', 'Spiral', 'Interleaved spiral arms, one per class (2D).'],
      ['circles', 'Circles', 'An inner disc and an outer ring (2D, two classes).'],
      ['xor', 'XOR', 'The four quadrants, label = sign(x · y) (2D, two classes).'],
      ['blobs', 'Blobs', 'Gaussian blobs, one per class (2D).'],
      ['moons', 'Moons', 'Two interleaving half circles (2D, two classes).'],
      ['digits', 'Digits (8×8, real)', 'The UCI handwritten digits: 1,797 real images of 8×8 pixels, 10 classes.'],
      ['shapes', 'Shapes', 'Generated circles, squares, triangles, crosses and rings at random positions, sizes and rotations.'],
      ['arrows', 'Arrows (left/right)', 'Generated arrows pointing left or right: a horizontal flip changes the label.'],
      ['user', 'Your images', 'Your own pictures, decoded in this browser; nothing is uploaded.'],
    ],
    tooltip: 'What the network learns to classify: a 2D toy problem (the page shows its decision regions), real 8×8 digits, generated shapes or arrows, or your own images (the page shows image views).',
  },
  {
    key: 'classes', label: 'Classes', group: 'Data', kind: 'number', integer: true, min: 2, max: 8, step: 1,
    showWhen: (c) => c.dataset !== 'digits' && c.dataset !== 'arrows',
    enabledWhen: (c) => c.dataset === 'spiral' || c.dataset === 'blobs' || c.dataset === 'shapes',
    tooltip: 'Number of classes: spiral arms, blobs, or shapes (at most 5); for your images it is the number of class folders or prefixes; the other datasets have a fixed number.',
  },
  {
    key: 'noise', label: 'Noise', group: 'Data', kind: 'number', min: 0, max: 1, step: 0.05,
    showWhen: (c) => GENERATED.includes(c.dataset),
    tooltip: 'How much random jitter is added to the generated samples, from 0 (clean) to 1 (very noisy).',
  },
  {
    key: 'points', label: 'Points', group: 'Data', kind: 'number', integer: true, min: 50, max: 20000, step: 50,
    showWhen: (c) => GENERATED.includes(c.dataset),
    tooltip: 'Total number of generated samples (points or images), split into training and validation sets.',
  },
  {
    key: 'val_fraction', label: 'Validation split', group: 'Data', kind: 'number', min: 0.05, max: 0.9, step: 0.05,
    tooltip: 'Fraction of the samples held out for validation; the network never trains on them.',
  },
  {
    key: 'train_per_class', label: 'Training images per class', group: 'Data', kind: 'number', integer: true, min: 0, max: 20000, step: 1,
    showWhen: isImage,
    tooltip: 'Keep at most this many training images of each class (0 = all that the split leaves); a few images per class make overfitting easy.',
  },
  {
    key: 'label_noise', label: 'Label noise', group: 'Data', kind: 'number', min: 0, max: 1, step: 0.05,
    tooltip: 'Fraction of training labels replaced by a random class; validation labels stay clean.',
  },
  {
    key: 'image_size', label: 'Image size', group: 'Data', kind: 'number', integer: true, min: 8, max: 32, step: 1,
    showWhen: (c) => c.dataset === 'shapes' || c.dataset === 'arrows' || c.dataset === 'user',
    tooltip: 'Side of the square images in pixels (8 to 32); your own images are cropped to a square and resized to it.',
  },
  {
    key: 'color', label: 'Colour', group: 'Data', kind: 'checkbox',
    showWhen: (c) => c.dataset === 'shapes' || c.dataset === 'user',
    tooltip: 'Colour images (3 channels, RGB) instead of grey (1 channel, luminance 0.299 R + 0.587 G + 0.114 B).',
  },
  {
    key: 'clutter', label: 'Clutter', group: 'Data', kind: 'number', min: 0, max: 1, step: 0.1,
    showWhen: (c) => c.dataset === 'shapes' || c.dataset === 'arrows',
    tooltip: 'Amount of random background strokes drawn behind the shape or arrow, from 0 (none) to 1.',
  },
  {
    key: 'preprocess', label: 'Pre-processing', group: 'Data', kind: 'select',
    options: [
      ['none', 'None', 'The raw inputs.'],
      ['mean', 'Mean subtraction', 'x − μ, with μ the training mean (per feature; per channel for images).'],
      ['standardize', 'Standardize', '(x − μ) / σ, with μ and σ from the training split (per feature; per channel for images).'],
    ],
    tooltip: 'How inputs are centred before training, with statistics from the training split only, applied unchanged to validation: none; mean subtraction x − μ; standardization (x − μ) / σ.',
  },
  {
    key: 'seed', label: 'Seed', group: 'Data', kind: 'number', integer: true, min: 0, max: 4294967295, step: 1,
    tooltip: 'Seed of the random generator: the same seed and settings give the same curves.',
  },

  // ---- Augmentation (image datasets only) ----
  {
    key: 'hflip', label: 'Horizontal flip', group: 'Augmentation', kind: 'number', min: 0, max: 1, step: 0.1,
    showWhen: isImage,
    tooltip: 'Probability of mirroring each training image left–right, drawn per image and batch (0 = off). It changes the label of an arrow.',
  },
  {
    key: 'vflip', label: 'Vertical flip', group: 'Augmentation', kind: 'number', min: 0, max: 1, step: 0.1,
    showWhen: isImage,
    tooltip: 'Probability of mirroring each training image top–bottom, drawn per image and batch (0 = off).',
  },
  {
    key: 'crop_pad', label: 'Crop padding', group: 'Augmentation', kind: 'number', integer: true, min: 0, max: 8, step: 1,
    showWhen: isImage,
    tooltip: 'Random crop: pad each training image by this many pixels on every side, then cut out a window of the original size at a random position (0 = off; less than half the image size).',
  },
  {
    key: 'padding', label: 'Padding mode', group: 'Augmentation', kind: 'select',
    options: [
      ['zero', 'Zeros', 'The padded border is black (0).'],
      ['reflect', 'Reflect', 'The image is mirrored at its edge (without repeating the edge pixel).'],
    ],
    showWhen: (c) => isImage(c) && c.crop_pad > 0,
    tooltip: 'How a random crop fills the border it pads: with zeros, or with the image mirrored at its edge.',
  },
  {
    key: 'translate', label: 'Translate', group: 'Augmentation', kind: 'number', integer: true, min: 0, max: 8, step: 1,
    showWhen: isImage,
    tooltip: 'Shift each training image by a random whole number of pixels, up to this many in x and in y, filling with zeros (0 = off).',
  },
  {
    key: 'brightness', label: 'Brightness', group: 'Augmentation', kind: 'number', min: 0, max: 1, step: 0.05,
    showWhen: isImage,
    tooltip: 'Brightness jitter: add one uniform random value from [−b, b] to every pixel of a training image (0 = off).',
  },
  {
    key: 'contrast', label: 'Contrast', group: 'Augmentation', kind: 'number', min: 0, max: 1, step: 0.05,
    showWhen: isImage,
    tooltip: 'Contrast jitter: scale each pixel’s deviation from the image mean by a random factor from [1 − c, 1 + c] (0 = off).',
  },
  {
    key: 'test_time', label: 'Test-time view', group: 'Augmentation', kind: 'select',
    options: [
      ['none', 'None', 'Evaluate each image as it is.'],
      ['flip', 'Flip averaging', 'Average the class probabilities of the image and its left–right mirror.'],
      ['center_crop', 'Centre crop', 'Evaluate the centre (size − 2 × crop padding) window, scaled back up to full size.'],
    ],
    showWhen: isImage,
    tooltip: 'How validation images are evaluated: as they are; averaging the probabilities of the image and its mirror; or the centre (size − 2 × crop padding) window scaled back up.',
  },

  // ---- Model ----
  {
    key: 'hidden', label: 'Hidden layers', group: 'Model', kind: 'list',
    tooltip: 'Width of each hidden layer, comma separated (e.g. "64, 64" is two layers of 64 units); empty is a linear classifier.',
  },
  {
    key: 'layer_overrides', label: 'Per-layer settings', group: 'Model', kind: 'layers',
    showWhen: (c) => Array.isArray(c.hidden) && c.hidden.length > 0,
    tooltip: 'Activation, dropout and normalization for one hidden layer; “(all)” uses the network-wide setting.',
  },
  {
    key: 'activation', label: 'Activation', group: 'Model', kind: 'select',
    options: ACTIVATIONS,
    tooltip: 'The non-linearity after each hidden layer: sigmoid σ(x) = 1/(1 + e^−x); tanh; ReLU max(0, x); leaky ReLU max(αx, x); ELU x or e^x − 1; maxout max_j (w_jᵀx + b_j) over k pieces; identity x.',
  },
  {
    key: 'leaky_slope', label: 'Leaky slope', group: 'Model', kind: 'number', min: 0, max: 1, step: 0.01,
    showWhen: (c) => anyLayer(c, 'activation', (a) => a === 'leaky_relu'),
    tooltip: 'Slope α of leaky ReLU for negative inputs: f(x) = max(αx, x).',
  },
  {
    key: 'maxout_k', label: 'Maxout pieces', group: 'Model', kind: 'number', integer: true, min: 2, max: 5, step: 1,
    showWhen: (c) => anyLayer(c, 'activation', (a) => a === 'maxout'),
    tooltip: 'Number k of linear pieces per maxout unit: f(x) = max_{j=1..k} (w_jᵀx + b_j); the layer has k times the weights.',
  },
  {
    key: 'init', label: 'Initialization', group: 'Model', kind: 'select',
    options: [
      ['zeros', 'Zeros', 'Every weight 0: all hidden units stay identical (the symmetry problem).'],
      ['normal001', 'N(0, 0.01²)', 'Small random numbers, σ = 0.01: activations shrink layer by layer in deep networks.'],
      ['normal1', 'N(0, 1)', 'σ = 1: too large for deep tanh networks, whose units saturate.'],
      ['normal', 'N(0, σ²)', 'Normal with σ = Init scale.'],
      ['uniform', 'U(−a, a)', 'Uniform with a = Init scale.'],
      ['xavier', 'Xavier N(0, 1/n_in)', 'Xavier/Glorot: Var(w) = 1/n_in keeps tanh activations alive.'],
      ['he', 'He N(0, 2/n_in)', 'He/Kaiming (“Xavier/2”): Var(w) = 2/n_in keeps ReLU activations steady.'],
    ],
    tooltip: 'How the weights start (biases start at 0): zeros; N(0, 0.01²); N(0, 1); N(0, σ²); U(−a, a); Xavier N(0, 1/n_in); He N(0, 2/n_in), with n_in the inputs of the layer.',
  },
  {
    key: 'init_scale', label: 'Init scale', group: 'Model', kind: 'number', min: 0, max: 10, step: 'any',
    showWhen: (c) => c.init === 'normal' || c.init === 'uniform',
    tooltip: 'σ of the N(0, σ²) initialization, or the half-width a of U(−a, a).',
  },
  {
    key: 'norm', label: 'Normalization', group: 'Model', kind: 'select',
    options: NORMS,
    tooltip: 'A normalization layer beside each hidden linear layer: BatchNorm x̂ = (x − μ_batch)/√(σ²_batch + ε), then γx̂ + β, with batch statistics in training and running averages at test time; LayerNorm does the same over each sample’s features.',
  },
  {
    key: 'norm_position', label: 'Norm position', group: 'Model', kind: 'select',
    options: [
      ['before', 'Before', 'Before the activation: linear → norm → activation (as in the BatchNorm paper); the linear layer then has no bias.'],
      ['after', 'After', 'After the activation: linear → activation → norm.'],
    ],
    showWhen: (c) => anyLayer(c, 'norm', (n) => n !== 'none'),
    tooltip: 'Where the normalization sits: between the linear layer and the activation, or after the activation.',
  },
  {
    key: 'bn_momentum', label: 'BatchNorm momentum', group: 'Model', kind: 'number', min: 0, max: 0.9999, step: 0.01,
    showWhen: (c) => anyLayer(c, 'norm', (n) => n === 'batch'),
    tooltip: 'Running averages used at test time: running = m · running + (1 − m) · batch statistic.',
  },
  {
    key: 'eval_batch_stats', label: 'Evaluate with batch statistics', group: 'Model', kind: 'checkbox',
    showWhen: (c) => anyLayer(c, 'norm', (n) => n === 'batch'),
    tooltip: 'Off (correct): BatchNorm evaluates with its running averages. On: it evaluates with the mean and variance of each batch of “Batch size” validation samples, so a prediction depends on the other samples in its batch; with small batches the validation curve shows why that breaks.',
  },

  // ---- Regularization ----
  {
    key: 'dropout', label: 'Dropout', group: 'Regularization', kind: 'number', min: 0, max: 0.95, step: 0.05,
    tooltip: 'Probability p of dropping each hidden unit in training (0 = off); with test-time scaling the kept units are scaled by 1/(1 − p), so evaluation needs no change.',
  },
  {
    key: 'test_time_scaling', label: 'Test-time scaling', group: 'Regularization', kind: 'checkbox',
    showWhen: (c) => anyLayer(c, 'dropout', (p) => p > 0),
    tooltip: 'On: inverted dropout, kept units × 1/(1 − p) in training, identity at test time. Off: no rescaling anywhere, so test-time activations are 1/(1 − p) times larger than in training (the mismatch to avoid).',
  },
  {
    key: 'l2', label: 'L2', group: 'Regularization', kind: 'number', min: 0, max: 10, step: 'any',
    tooltip: 'L2 weight decay: adds (λ/2) Σ w² over the weights (not biases or norm parameters) to the loss, so each step shrinks w by lr · λ · w.',
  },
  {
    key: 'l1', label: 'L1', group: 'Regularization', kind: 'number', min: 0, max: 10, step: 'any',
    tooltip: 'L1 penalty: adds λ Σ |w| over the weights to the loss, which pushes small weights to exactly 0.',
  },
  {
    key: 'patience', label: 'Early-stop patience', group: 'Regularization', kind: 'number', integer: true, min: 0, max: 10000, step: 1,
    tooltip: 'Early stopping: stop after this many epochs without a lower validation loss and restore the best epoch’s weights (0 = off).',
  },
  {
    key: 'ensemble', label: 'Ensemble size', group: 'Regularization', kind: 'number', integer: true, min: 1, max: 10, step: 1,
    tooltip: 'Bagging: train K models (1–10), each on its own bootstrap resample with its own initialization, and average their predicted probabilities (1 = a single model).',
  },

  // ---- Optimization ----
  {
    key: 'loss', label: 'Loss', group: 'Optimization', kind: 'select',
    options: [
      ['softmax', 'Softmax', 'Softmax cross-entropy: L = −log(e^{s_y} / Σ_k e^{s_k})'],
      ['hinge', 'Hinge (SVM)', 'Multiclass SVM loss: L = Σ_{k≠y} max(0, s_k − s_y + margin)'],
      ['logistic', 'Logistic (2 classes)', 'One output s, p = σ(s), L = −[y log p + (1 − y) log(1 − p)]'],
    ],
    tooltip: 'The data loss on the class scores s: softmax cross-entropy −log(e^{s_y} / Σ_k e^{s_k}); multiclass hinge Σ_{k≠y} max(0, s_k − s_y + margin); binary logistic −[y log σ(s) + (1 − y) log(1 − σ(s))] for two classes.',
  },
  {
    key: 'hinge_margin', label: 'Hinge margin', group: 'Optimization', kind: 'number', min: 0, max: 100, step: 'any',
    showWhen: (c) => c.loss === 'hinge',
    tooltip: 'The margin Δ of the hinge loss Σ_{k≠y} max(0, s_k − s_y + Δ).',
  },
  {
    key: 'optimizer', label: 'Optimizer', group: 'Optimization', kind: 'select',
    options: [
      ['sgd', 'SGD', 'w ← w − lr · g'],
      ['momentum', 'Momentum', 'v ← μv − lr · g; w ← w + v'],
      ['adam', 'Adam', 'm ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; w ← w − lr · m̂ / (√v̂ + ε)'],
    ],
    tooltip: 'The rule that turns gradients g into weight updates: SGD w ← w − lr·g; momentum v ← μv − lr·g, w ← w + v; Adam with bias-corrected averages m̂, v̂: w ← w − lr·m̂/(√v̂ + ε).',
  },
  {
    key: 'learning_rate', label: 'Learning rate', group: 'Optimization', kind: 'number', min: 0, max: 10, step: 'any',
    tooltip: 'Step size of each update; changing it takes effect without restarting training.',
  },
  {
    key: 'momentum', label: 'Momentum', group: 'Optimization', kind: 'number', min: 0, max: 0.999, step: 0.05,
    showWhen: (c) => c.optimizer === 'momentum',
    tooltip: 'μ in v ← μv − lr · g; w ← w + v: the fraction of the previous update kept in the next one.',
  },
  {
    key: 'nesterov', label: 'Nesterov', group: 'Optimization', kind: 'checkbox',
    showWhen: (c) => c.optimizer === 'momentum',
    tooltip: 'Nesterov momentum: take the gradient at the look-ahead point w + μv instead of at w.',
  },
  {
    key: 'beta1', label: 'Beta1', group: 'Optimization', kind: 'number', min: 0, max: 0.9999, step: 0.01,
    showWhen: (c) => c.optimizer === 'adam',
    tooltip: 'Adam’s decay rate of the gradient average: m ← β1·m + (1 − β1)·g.',
  },
  {
    key: 'beta2', label: 'Beta2', group: 'Optimization', kind: 'number', min: 0, max: 0.99999, step: 0.001,
    showWhen: (c) => c.optimizer === 'adam',
    tooltip: 'Adam’s decay rate of the squared-gradient average: v ← β2·v + (1 − β2)·g².',
  },
  {
    key: 'eps', label: 'Epsilon', group: 'Optimization', kind: 'number', min: 0, max: 1, step: 'any',
    showWhen: (c) => c.optimizer === 'adam',
    tooltip: 'Adam’s ε in w ← w − lr · m̂ / (√v̂ + ε), which keeps the step finite where v̂ is 0.',
  },
  {
    key: 'schedule', label: 'LR schedule', group: 'Optimization', kind: 'select',
    options: [
      ['constant', 'Constant', 'The learning rate stays as set.'],
      ['step', 'Step decay', 'lr · factor^⌊epoch / every⌋'],
    ],
    tooltip: 'Learning-rate schedule: constant, or step decay lr · factor^⌊epoch / every⌋.',
  },
  {
    key: 'decay_every', label: 'Decay every', group: 'Optimization', kind: 'number', integer: true, min: 1, max: 100000, step: 1,
    showWhen: (c) => c.schedule === 'step',
    tooltip: 'Step decay: multiply the learning rate by the decay factor every this many epochs.',
  },
  {
    key: 'decay_factor', label: 'Decay factor', group: 'Optimization', kind: 'number', min: 0, max: 1, step: 0.05,
    showWhen: (c) => c.schedule === 'step',
    tooltip: 'Step decay: the learning rate is lr · factor^⌊epoch / every⌋.',
  },
  {
    key: 'batch_size', label: 'Batch size', group: 'Optimization', kind: 'number', integer: true, min: 1, max: 4096, step: 1,
    tooltip: 'Number of training samples per gradient step.',
  },
];

/** The groups, in display order; fields of other groups go at the end. */
export const GROUPS = ['Data', 'Augmentation', 'Model', 'Regularization', 'Optimization'];

/** The group of config fields that come from wasm but have no entry in FIELDS. */
export const OTHER_GROUP = 'Other config fields';

/** Whether a field's control applies to a config (its showWhen, if any). */
export function applies(field, config) {
  return !field.showWhen || Boolean(field.showWhen(config));
}

/**
 * Returns the field descriptions for a set of defaults: the FIELDS entries whose key exists in
 * the defaults, then a generic entry for every other default key, so that a field added to the
 * Rust config is editable (as a raw value) and round-trips before anyone writes its entry.
 */
export function fieldsFor(defaults) {
  const known = FIELDS.filter((f) => Object.hasOwn(defaults, f.key));
  const extra = Object.keys(defaults)
    .filter((key) => !FIELDS.some((f) => f.key === key))
    .map((key) => genericField(key, defaults[key]));
  return [...known, ...extra];
}

function genericField(key, value) {
  let kind = 'text';
  if (typeof value === 'number') kind = 'number';
  else if (typeof value === 'boolean') kind = 'checkbox';
  else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) kind = 'list';
  return {
    key, label: key, group: OTHER_GROUP, kind, generic: true,
    integer: typeof value === 'number' && Number.isInteger(value), step: 'any',
    tooltip: `Raw config field "${key}" (no dedicated control yet); the wasm core checks its range.`,
  };
}

/**
 * Replaces numbers that are exactly representable as f32 by their shortest decimal that still
 * rounds to the same f32, so that 0.1f32 (0.10000000149011612 as a double) reads as 0.1.
 * The Rust config stores reals as f32, and serde-wasm-bindgen widens them to doubles.
 */
export function tidyNumber(x) {
  if (typeof x !== 'number' || !Number.isFinite(x) || Number.isInteger(x)) return x;
  if (Math.fround(x) !== x) return x;
  for (let p = 1; p <= 17; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** Applies tidyNumber through a JSON-like value. */
export function tidyConfig(value) {
  if (value instanceof Map) value = Object.fromEntries(value);
  if (Array.isArray(value)) return value.map(tidyConfig);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = tidyConfig(v);
    return out;
  }
  return tidyNumber(value);
}

/** A deep copy of a JSON-like value. */
export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** Deep equality of JSON-like values. */
export function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// Per-layer overrides.

/** The short hash names of the per-layer settings. */
const OVERRIDE_KEYS = { a: 'activation', d: 'dropout', n: 'norm' };
const OVERRIDE_SHORT = { activation: 'a', dropout: 'd', norm: 'n' };

/**
 * Tidies a layer_overrides array: drops settings that are null or absent and entries left with
 * none, keeps the last entry per layer, and sorts by layer. Layers beyond `layers` are dropped
 * when `layers` is given (after the hidden layers changed).
 */
export function normalizeOverrides(overrides, layers = Infinity) {
  const byLayer = new Map();
  for (const o of Array.isArray(overrides) ? overrides : []) {
    if (!o || !Number.isInteger(o.layer) || o.layer < 1 || o.layer > layers) continue;
    const entry = { layer: o.layer };
    for (const k of ['activation', 'dropout', 'norm']) {
      if (o[k] !== null && o[k] !== undefined && o[k] !== '') entry[k] = o[k];
    }
    byLayer.set(o.layer, entry);
  }
  return [...byLayer.values()].filter((e) => Object.keys(e).length > 1).sort((a, b) => a.layer - b.layer);
}

/** Formats layer_overrides compactly: "2:a=tanh:d=0.5;3:n=batch" (see the top of this file). */
export function formatOverrides(overrides) {
  return normalizeOverrides(overrides)
    .map((o) => [String(o.layer), ...['activation', 'dropout', 'norm'].filter((k) => k in o).map((k) => `${OVERRIDE_SHORT[k]}=${o[k]}`)].join(':'))
    .join(';');
}

/** Parses the compact form (or a JSON array); returns {value} or {error}. */
export function parseOverrides(text) {
  const t = text.trim();
  if (t === '') return { value: [] };
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      return Array.isArray(v) ? { value: normalizeOverrides(v) } : { error: `layer_overrides: "${text}" is not a list` };
    } catch {
      return { error: `layer_overrides: "${text}" is not valid JSON` };
    }
  }
  const out = [];
  for (const entry of t.split(';')) {
    if (entry.trim() === '') continue;
    const [layerText, ...settings] = entry.split(':');
    const layer = Number(layerText);
    if (!Number.isInteger(layer) || layer < 1) return { error: `layer_overrides: "${layerText}" is not a layer number (1, 2, ...)` };
    const o = { layer };
    for (const s of settings) {
      const eq = s.indexOf('=');
      const name = OVERRIDE_KEYS[s.slice(0, eq)] ?? (Object.hasOwn(OVERRIDE_SHORT, s.slice(0, eq)) ? s.slice(0, eq) : null);
      if (eq < 0 || !name) return { error: `layer_overrides: "${s}" is not a=activation, d=dropout or n=norm` };
      const v = s.slice(eq + 1);
      if (name === 'dropout') {
        const p = v.trim() === '' ? NaN : Number(v);
        if (!Number.isFinite(p)) return { error: `layer_overrides: dropout "${v}" is not a number` };
        o.dropout = p;
      } else {
        o[name] = v;
      }
    }
    out.push(o);
  }
  return { value: normalizeOverrides(out) };
}

// ---------------------------------------------------------------------------------------------
// The URL hash.

/** Config keys that travel under another name in the hash, with their own text form. */
const HASH_CODECS = {
  layer_overrides: { hashKey: 'lo', format: formatOverrides, parse: parseOverrides },
};
const HASH_ALIASES = Object.fromEntries(Object.entries(HASH_CODECS).map(([key, c]) => [c.hashKey, key]));

/**
 * Formats one value for the URL hash: arrays of scalars comma-joined, other objects as JSON,
 * scalars as text.
 */
export function formatValue(value) {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Parses one hash value by the type of the default value. Returns {value} or {error}, where the
 * error is a sentence naming the key.
 */
export function parseValue(key, text, def) {
  const bad = (what) => ({ error: `${key}: "${text}" is not ${what}` });
  if (typeof def === 'number') {
    const v = text.trim() === '' ? NaN : Number(text);
    return Number.isFinite(v) ? { value: v } : bad('a number');
  }
  if (typeof def === 'boolean') {
    if (text === 'true' || text === '1') return { value: true };
    if (text === 'false' || text === '0') return { value: false };
    return bad('true or false');
  }
  if (typeof def === 'string') return { value: text };
  if (Array.isArray(def)) {
    const t = text.trim();
    if (t.startsWith('[')) {
      try {
        const v = JSON.parse(t);
        return Array.isArray(v) ? { value: v } : bad('a list');
      } catch {
        return bad('a list');
      }
    }
    if (t === '') return { value: [] };
    const parts = t.split(',').map((s) => s.trim());
    const numeric = def.length > 0 ? typeof def[0] === 'number' : parts.every((s) => s !== '' && Number.isFinite(Number(s)));
    if (!numeric) return { value: parts };
    const nums = parts.map(Number);
    return nums.every(Number.isFinite) ? { value: nums } : bad('a comma-separated list of numbers');
  }
  // Objects and nulls travel as JSON.
  try {
    return { value: JSON.parse(text) };
  } catch {
    return bad('valid JSON');
  }
}

function encode(text) {
  // Commas, brackets, colons, semicolons and '=' stay readable (the parser splits a pair at its
  // first '=' only); everything else that needs it is escaped.
  return encodeURIComponent(text)
    .replace(/%2C/gi, ',').replace(/%5B/gi, '[').replace(/%5D/gi, ']')
    .replace(/%3A/gi, ':').replace(/%3B/gi, ';').replace(/%3D/gi, '=');
}

/**
 * Serializes a config into a URL hash (without the leading '#'). A field with a dedicated control
 * is written whenever it applies to the config (so a link keeps its meaning if a default changes)
 * or differs from its default; every other field only when it differs from its default, which
 * keeps links short. layer_overrides is written in its compact form under `lo`.
 */
export function serializeHash(config, defaults) {
  const keys = [
    ...FIELDS.filter((f) => Object.hasOwn(config, f.key))
      .filter((f) => !same(config[f.key], defaults[f.key]) || (!HASH_CODECS[f.key] && applies(f, config)))
      .map((f) => f.key),
    ...Object.keys(config).filter((k) => !FIELDS.some((f) => f.key === k) && !same(config[k], defaults[k])),
  ];
  return keys
    .map((k) => {
      const codec = HASH_CODECS[k];
      return codec ? `${encode(codec.hashKey)}=${encode(codec.format(config[k]))}` : `${encode(k)}=${encode(formatValue(config[k]))}`;
    })
    .join('&');
}

/**
 * Parses a URL hash against the defaults. Returns {config, unknown, problems}: the config is the
 * defaults overridden by every value that parsed, `unknown` lists keys the config does not have
 * (they are ignored), and `problems` lists sentences about values that did not parse (those keys
 * keep their default).
 */
export function parseHash(hash, defaults) {
  const config = clone(defaults);
  const unknown = [];
  const problems = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key;
    let raw;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      raw = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      problems.push(`"${part}" is not a valid key=value pair`);
      continue;
    }
    key = HASH_ALIASES[key] ?? key;
    if (!Object.hasOwn(defaults, key)) {
      unknown.push(key);
      continue;
    }
    const parsed = HASH_CODECS[key] ? HASH_CODECS[key].parse(raw) : parseValue(key, raw, defaults[key]);
    if ('error' in parsed) problems.push(parsed.error);
    else config[key] = parsed.value;
  }
  return { config, unknown, problems };
}

/**
 * Parses the text of a list control ("64, 64" or "64 64") into whole numbers. Returns {value} or
 * {error}.
 */
export function parseList(text, label) {
  const parts = text.split(/[\s,;]+/).filter((s) => s !== '');
  const out = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { error: `${label}: "${p}" is not a whole number (write widths like "64, 64")` };
    out.push(Number(p));
  }
  return { value: out };
}

/** Formats a list value for a list control. */
export function formatList(value) {
  return value.join(', ');
}
