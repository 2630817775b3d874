// Owns the page's words for the config fields: each field's label (also its control's accessible
// name), tooltip with the formula, option texts, number-input step, and when its control shows.
// The field's type, range, options, group and default come from the core's schema (www/schema.js,
// src/schema.rs) and are never written here; `fieldsFor` joins the two into the descriptions the
// controls, the URL hash and Compare use. Pure (no DOM).

/** The words for each activation: value -> [text, formula]. */
export const ACTIVATION_TEXT = {
  sigmoid: ['Sigmoid', 'σ(x) = 1 / (1 + e^−x)'],
  tanh: ['tanh', 'tanh(x) = (e^x − e^−x) / (e^x + e^−x)'],
  relu: ['ReLU', 'max(0, x)'],
  leaky_relu: ['Leaky ReLU', 'max(αx, x) with α = Leaky slope'],
  elu: ['ELU', 'x for x > 0, e^x − 1 otherwise'],
  maxout: ['Maxout', 'max over k linear pieces: max_j (w_jᵀx + b_j)'],
  identity: ['Identity', 'x (no non-linearity)'],
};

/** The words for each normalization: value -> [text, description]. */
export const NORM_TEXT = {
  none: ['None', 'No normalization layer.'],
  batch: ['BatchNorm', 'x̂ = (x − μ_batch) / √(σ²_batch + ε), then γx̂ + β; running averages at test time.'],
  layer: ['LayerNorm', 'x̂ = (x − μ) / √(σ² + ε) over the features of each sample, then γx̂ + β; the same in training and test.'],
  group: ['GroupNorm', 'The units split into G contiguous groups (Groups), x̂ = (x − μ_g) / √(σ²_g + ε) within each group of each sample, then γx̂ + β; the same in training and test. G = 1 is LayerNorm. InstanceNorm (one unit per group) is not offered: in a dense layer each group would hold one value, so x̂ = 0 and the output would be β alone.'],
};

/** The words for each weight initialization: value -> [text, description]. */
export const INIT_TEXT = {
      zeros: ['Zeros', 'Every weight 0: all hidden units stay identical (the symmetry problem).'],
      normal001: ['N(0, 0.01²)', 'Small random numbers, σ = 0.01: activations shrink layer by layer in deep networks.'],
      normal1: ['N(0, 1)', 'σ = 1: too large for deep tanh networks, whose units saturate.'],
      normal: ['N(0, σ²)', 'Normal with σ = Init scale.'],
      uniform: ['U(−a, a)', 'Uniform with a = Init scale.'],
      xavier: ['Xavier N(0, 1/n_in)', 'Xavier/Glorot: Var(w) = 1/n_in keeps tanh activations alive.'],
      he: ['He N(0, 2/n_in)', 'He/Kaiming (“Xavier/2”): Var(w) = 2/n_in keeps ReLU activations steady.'],
};

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

/**
 * The words for every field, in display order within each group. One entry per config field:
 *   key      the config field name (as in the JSON and the URL hash),
 *   label    the visible label, which is also the control's accessible name,
 *   options  for choice fields: value -> [text, title]; the title is the option's tooltip,
 *   step     the number input's step (its min and max come from the schema),
 *   slider   optional 'linear' or 'log2': a range slider beside the number (log2: powers of two),
 *   showWhen     optional predicate (config, schema) on other settings: the control is hidden when
 *                it is false (its value stays in the config and the link); which fields a dataset
 *                ignores is the core's (Schema.applies), not written here,
 *   enabledWhen  optional predicate (config, schema): the control is disabled when it is false,
 *   tooltip  what the control does and, where there is one, its formula.
 */
export const FIELD_TEXT = [
  // ---- Data ----
  {
    key: 'dataset', label: 'Dataset',
    options: {
      spiral: ['Spiral', 'Interleaved spiral arms, one per class (2D).'],
      circles: ['Circles', 'An inner disc and an outer ring (2D, two classes).'],
      xor: ['XOR', 'The four quadrants, label = sign(x · y) (2D, two classes).'],
      blobs: ['Blobs', 'Gaussian blobs, one per class (2D).'],
      moons: ['Moons', 'Two interleaving half circles (2D, two classes).'],
      digits: ['Digits (8×8, real)', 'The UCI handwritten digits: 1,797 real images of 8×8 pixels, 10 classes.'],
      mnist1d: ['MNIST-1D (signals)', 'Greydanus\'s MNIST-1D: signals of 40 values grown from ten digit-like templates by stretching, shifting, scaling, shearing and noise; the reference\'s 4,000 training and 1,000 validation signals (Points, Noise and Validation split do not apply).'],
      shapes: ['Shapes', 'Generated circles, squares, triangles, crosses and rings at random positions, sizes and rotations.'],
      arrows: ['Arrows (left/right)', 'Generated arrows pointing left or right: a horizontal flip changes the label.'],
      user: ['Your images', 'Your own pictures, decoded in this browser; nothing is uploaded.'],
      sine: ['Sine (1D regression)', 'y = sin(πx) + noise on x in [−1, 1]: the page draws the fitted curve over the points.'],
      step: ['Step (1D regression)', 'y = −0.5 left of 0, +0.5 from 0 on, + noise: a jump a smooth network must bend to.'],
      cubic: ['Cubic (1D regression)', 'y = 2x³ − x + noise.'],
      few_points: ['Few points (1D regression)', '20 samples of y = sin(πx) + noise (Points does not apply): a big network threads every training point.'],
      plane: ['Plane (2D regression)', 'y = 0.6 x₁ − 0.4 x₂ + noise: a linear model is enough.'],
      gaussians: ['Gaussians (2D regression)', 'A sum of three Gaussian bumps (two up, one down) + noise, drawn as a heatmap.'],
    },
    tooltip: 'What the network learns: a 2D toy problem to classify (the page shows its decision regions), a regression set — 1D curves (the page draws the fitted function) or 2D surfaces (a heatmap) — real 8×8 digits, generated shapes or arrows, or your own images (the page shows image views), or MNIST-1D\'s signals (the page draws a few per class).',
  },
  {
    key: 'classes', label: 'Classes', step: 1,
    enabledWhen: (c, s) => s.dataset(c).free_classes,
    tooltip: 'Number of classes: spiral arms, blobs, or shapes (at most 5); for your images it is the number of class folders or prefixes; the other datasets have a fixed number.',
  },
  {
    key: 'noise', label: 'Noise', step: 0.05, slider: 'linear',
    tooltip: 'How much random jitter is added to the generated samples, from 0 (clean) to 1 (very noisy); for regression sets the standard deviation of the Gaussian noise added to each target.',
  },
  {
    key: 'points', label: 'Points', step: 50,
    tooltip: 'Total number of generated samples (points or images), split into training and validation sets.',
  },
  {
    key: 'val_fraction', label: 'Validation split', step: 0.05, slider: 'linear',
    tooltip: 'Fraction of the samples held out for validation; the network never trains on them.',
  },
  {
    key: 'train_per_class', label: 'Training images per class', step: 1,
    tooltip: 'Keep at most this many training images (or MNIST-1D signals) of each class (0 = all that the split leaves); a few per class make overfitting easy.',
  },
  {
    key: 'label_noise', label: 'Label noise', step: 0.05,
    tooltip: 'Fraction of training labels replaced by a random class; validation labels stay clean.',
  },
  {
    key: 'input_corruption', label: 'Inputs',
    options: {
      none: ['As generated', 'The samples\' own inputs.'],
      shuffled: ['Shuffled pixels', 'One random permutation of the input positions, the same for every sample (Zhang et al. 2017).'],
      random_pixels: ['Random pixels', 'A different random permutation of the input positions for each sample.'],
      gaussian: ['Gaussian', 'Every input drawn from a Gaussian with that input\'s mean and spread over the data: nothing of the sample is left.'],
    },
    tooltip: 'Zhang et al.\'s randomization tests ("Understanding deep learning requires rethinking generalization", 2017): the inputs of every sample, training and validation, are replaced while the labels stay. A big enough network still fits the training labels, by memorizing them; validation accuracy falls to chance.',
  },
  {
    key: 'image_size', label: 'Image size', step: 1,
    tooltip: 'Side of the square images in pixels (8 to 32); your own images are cropped to a square and resized to it.',
  },
  {
    key: 'color', label: 'Colour',
    tooltip: 'Colour images (3 channels, RGB) instead of grey (1 channel, luminance 0.299 R + 0.587 G + 0.114 B).',
  },
  {
    key: 'clutter', label: 'Clutter', step: 0.1,
    tooltip: 'Amount of random background strokes drawn behind the shape or arrow, from 0 (none) to 1.',
  },
  {
    key: 'preprocess', label: 'Pre-processing',
    options: {
      none: ['None', 'The raw inputs.'],
      mean: ['Mean subtraction', 'x − μ, with μ the training mean (per feature; per channel for images).'],
      standardize: ['Standardize', '(x − μ) / σ, with μ and σ from the training split (per feature; per channel for images).'],
    },
    tooltip: 'How inputs are centred before training, with statistics from the training split only, applied unchanged to validation: none; mean subtraction x − μ; standardization (x − μ) / σ.',
  },
  {
    key: 'features', label: 'Input features',
    options: {
      x1: ['x₁', 'The first coordinate as it is.'],
      x2: ['x₂', 'The second coordinate as it is.'],
      x1_squared: ['x₁²', 'The first coordinate squared: with x₂² a linear model can draw circles.'],
      x2_squared: ['x₂²', 'The second coordinate squared.'],
      x1_x2: ['x₁x₂', 'The product of the coordinates: the sign of the XOR quadrants.'],
      sin_x1: ['sin x₁', 'The sine of the first coordinate.'],
      sin_x2: ['sin x₂', 'The sine of the second coordinate.'],
    },
    tooltip: 'What the network sees of each 2D point, computed before pre-processing: the coordinates x₁, x₂ and, as in TensorFlow Playground, x₁², x₂², x₁x₂, sin x₁, sin x₂. With x₁² and x₂² even a linear classifier separates the circles.',
  },
  {
    key: 'seed', label: 'Seed', step: 1,
    tooltip: 'Seed of the random generator: the same seed and settings give the same curves.',
  },
  {
    key: 'data_seed', label: 'Data seed', step: 1,
    tooltip: 'The data’s own seed: 0 follows Seed; any other value draws the samples and the split from it while Seed still decides the weights and the batch order. “Regenerate data” writes a fresh one here, so the link still reproduces the run.',
  },

  // ---- Augmentation (image datasets only) ----
  {
    key: 'hflip', label: 'Horizontal flip', step: 0.1,
    tooltip: 'Probability of mirroring each training image left–right, drawn per image and batch (0 = off). It changes the label of an arrow.',
  },
  {
    key: 'vflip', label: 'Vertical flip', step: 0.1,
    tooltip: 'Probability of mirroring each training image top–bottom, drawn per image and batch (0 = off).',
  },
  {
    key: 'crop_pad', label: 'Crop padding', step: 1,
    tooltip: 'Random crop: pad each training image by this many pixels on every side, then cut out a window of the original size at a random position (0 = off; less than half the image size).',
  },
  {
    key: 'padding', label: 'Padding mode',
    options: {
      zero: ['Zeros', 'The padded border is black (0).'],
      reflect: ['Reflect', 'The image is mirrored at its edge (without repeating the edge pixel).'],
    },
    showWhen: (c) => c.crop_pad > 0,
    tooltip: 'How a random crop fills the border it pads: with zeros, or with the image mirrored at its edge.',
  },
  {
    key: 'translate', label: 'Translate', step: 1,
    tooltip: 'Shift each training image by a random whole number of pixels, up to this many in x and in y, filling with zeros (0 = off).',
  },
  {
    key: 'brightness', label: 'Brightness', step: 0.05,
    tooltip: 'Brightness jitter: add one uniform random value from [−b, b] to every pixel of a training image (0 = off).',
  },
  {
    key: 'contrast', label: 'Contrast', step: 0.05,
    tooltip: 'Contrast jitter: scale each pixel’s deviation from the image mean by a random factor from [1 − c, 1 + c] (0 = off).',
  },
  {
    key: 'test_time', label: 'Test-time view',
    options: {
      none: ['None', 'Evaluate each image as it is.'],
      flip: ['Flip averaging', 'Average the class probabilities of the image and its left–right mirror.'],
      center_crop: ['Centre crop', 'Evaluate the centre (size − 2 × crop padding) window, scaled back up to full size.'],
    },
    tooltip: 'How validation images are evaluated: as they are; averaging the probabilities of the image and its mirror; or the centre (size − 2 × crop padding) window scaled back up.',
  },

  // ---- Model ----
  {
    key: 'hidden', label: 'Hidden layers',
    tooltip: 'Width of each hidden layer, comma separated (e.g. "64, 64" is two layers of 64 units); empty is a linear classifier.',
  },
  {
    key: 'layer_overrides', label: 'Per-layer settings',
    showWhen: (c) => Array.isArray(c.hidden) && c.hidden.length > 0,
    tooltip: 'Activation, dropout and normalization for one hidden layer; “(all)” uses the network-wide setting.',
  },
  {
    key: 'activation', label: 'Activation',
    options: ACTIVATION_TEXT,
    tooltip: 'The non-linearity after each hidden layer: sigmoid σ(x) = 1/(1 + e^−x); tanh; ReLU max(0, x); leaky ReLU max(αx, x); ELU x or e^x − 1; maxout max_j (w_jᵀx + b_j) over k pieces; identity x.',
  },
  {
    key: 'leaky_slope', label: 'Leaky slope', step: 0.01,
    showWhen: (c) => anyLayer(c, 'activation', (a) => a === 'leaky_relu'),
    tooltip: 'Slope α of leaky ReLU for negative inputs: f(x) = max(αx, x).',
  },
  {
    key: 'maxout_k', label: 'Maxout pieces', step: 1,
    showWhen: (c) => anyLayer(c, 'activation', (a) => a === 'maxout'),
    tooltip: 'Number k of linear pieces per maxout unit: f(x) = max_{j=1..k} (w_jᵀx + b_j); the layer has k times the weights.',
  },
  {
    key: 'init', label: 'Initialization',
    options: INIT_TEXT,
    tooltip: 'How the weights start (biases start at 0): zeros; N(0, 0.01²); N(0, 1); N(0, σ²); U(−a, a); Xavier N(0, 1/n_in); He N(0, 2/n_in), with n_in the inputs of the layer.',
  },
  {
    key: 'init_scale', label: 'Init scale', step: 'any',
    showWhen: (c) => c.init === 'normal' || c.init === 'uniform',
    tooltip: 'σ of the N(0, σ²) initialization, or the half-width a of U(−a, a).',
  },
  {
    key: 'norm', label: 'Normalization',
    options: NORM_TEXT,
    tooltip: 'A normalization layer beside each hidden linear layer: BatchNorm x̂ = (x − μ_batch)/√(σ²_batch + ε), then γx̂ + β, with batch statistics in training and running averages at test time; LayerNorm does the same over each sample’s features; GroupNorm (Wu & He 2018) over each of G contiguous groups of a sample’s features (G = 1 is LayerNorm; InstanceNorm, G = width, is not offered: in a dense layer each group would hold one value and the output would be β alone).',
  },
  {
    key: 'norm_position', label: 'Norm position',
    options: {
      before: ['Before', 'Before the activation: linear → norm → activation (as in the BatchNorm paper); the linear layer then has no bias.'],
      after: ['After', 'After the activation: linear → activation → norm.'],
    },
    showWhen: (c) => anyLayer(c, 'norm', (n) => n !== 'none'),
    tooltip: 'Where the normalization sits: between the linear layer and the activation, or after the activation.',
  },
  {
    key: 'groups', label: 'Groups', step: 1,
    showWhen: (c) => anyLayer(c, 'norm', (n) => n === 'group'),
    tooltip: 'GroupNorm’s G: each sample’s units are split into G contiguous groups, each normalized on its own, x̂ = (x − μ_g)/√(σ²_g + ε). As in PyTorch’s nn.GroupNorm, G must divide the width of every hidden layer that uses GroupNorm. G = 1 is LayerNorm.',
  },
  {
    key: 'bn_momentum', label: 'BatchNorm momentum', step: 0.01,
    showWhen: (c) => anyLayer(c, 'norm', (n) => n === 'batch'),
    tooltip: 'Running averages used at test time: running = m · running + (1 − m) · batch statistic.',
  },
  {
    key: 'eval_batch_stats', label: 'Evaluate with batch statistics',
    showWhen: (c) => anyLayer(c, 'norm', (n) => n === 'batch'),
    tooltip: 'Off (correct): BatchNorm evaluates with its running averages. On: it evaluates with the mean and variance of each batch of “Batch size” validation samples, so a prediction depends on the other samples in its batch; with small batches the validation curve shows why that breaks.',
  },

  // ---- Regularization ----
  {
    key: 'dropout', label: 'Dropout', step: 0.05,
    tooltip: 'Probability p of dropping each hidden unit in training (0 = off); with test-time scaling the kept units are scaled by 1/(1 − p), so evaluation needs no change.',
  },
  {
    key: 'test_time_scaling', label: 'Test-time scaling',
    showWhen: (c) => anyLayer(c, 'dropout', (p) => p > 0),
    tooltip: 'On: inverted dropout, kept units × 1/(1 − p) in training, identity at test time. Off: no rescaling anywhere, so test-time activations are 1/(1 − p) times larger than in training (the mismatch to avoid).',
  },
  {
    key: 'l2', label: 'L2', step: 'any',
    tooltip: 'L2 weight decay: adds (λ/2) Σ w² over the weights (not biases or norm parameters) to the loss, so each step shrinks w by lr · λ · w.',
  },
  {
    key: 'l1', label: 'L1', step: 'any',
    tooltip: 'L1 penalty: adds λ Σ |w| over the weights to the loss, which pushes small weights to exactly 0.',
  },
  {
    key: 'patience', label: 'Early-stop patience', step: 1,
    tooltip: 'Early stopping: stop after this many epochs without a lower validation loss and restore the best epoch’s weights (0 = off).',
  },
  {
    key: 'ensemble', label: 'Ensemble size', step: 1,
    tooltip: 'Bagging: train K models (1–10), each on its own bootstrap resample with its own initialization, and average their predicted probabilities (1 = a single model).',
  },

  // ---- Optimization ----
  {
    key: 'loss', label: 'Loss',
    options: {
      softmax: ['Softmax', 'Softmax cross-entropy: L = −log(e^{s_y} / Σ_k e^{s_k})'],
      hinge: ['Hinge (SVM)', 'Multiclass SVM loss: L = Σ_{k≠y} max(0, s_k − s_y + margin)'],
      logistic: ['Logistic (2 classes)', 'One output s, p = σ(s), L = −[y log p + (1 − y) log(1 − p)]'],
      mse: ['Mean squared error (regression)', 'One output s against the target t: L = (s − t)²'],
      l1: ['L1 / absolute error (regression)', 'L = |s − t|: less pulled by outliers than the squared error.'],
      huber: ['Huber (regression)', 'L = (s − t)²/2 where |s − t| ≤ 1, |s − t| − 1/2 beyond: squared near the target, absolute far from it.'],
    },
    tooltip: 'The data loss. Classification, on the class scores s: softmax cross-entropy −log(e^{s_y} / Σ_k e^{s_k}); multiclass hinge Σ_{k≠y} max(0, s_k − s_y + margin); binary logistic −[y log σ(s) + (1 − y) log(1 − σ(s))] for two classes. Regression, on one output s and the target t: mean squared error (s − t)², L1 |s − t|, Huber (quadratic within 1 of the target, linear beyond). Switching between a classification and a regression dataset switches the loss too.',
  },
  {
    key: 'hinge_margin', label: 'Hinge margin', step: 'any',
    showWhen: (c) => c.loss === 'hinge',
    tooltip: 'The margin Δ of the hinge loss Σ_{k≠y} max(0, s_k − s_y + Δ).',
  },
  {
    key: 'optimizer', label: 'Optimizer',
    options: {
      sgd: ['SGD', 'w ← w − lr · g'],
      momentum: ['Momentum', 'v ← μv − lr · g; w ← w + v'],
      adam: ['Adam', 'm ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; w ← w − lr · m̂ / (√v̂ + ε)'],
    },
    tooltip: 'The rule that turns gradients g into weight updates: SGD w ← w − lr·g; momentum v ← μv − lr·g, w ← w + v; Adam with bias-corrected averages m̂, v̂: w ← w − lr·m̂/(√v̂ + ε).',
  },
  {
    key: 'learning_rate', label: 'Learning rate', step: 'any',
    tooltip: 'Step size of each update; changing it takes effect without restarting training.',
  },
  {
    key: 'momentum', label: 'Momentum', step: 0.05,
    showWhen: (c) => c.optimizer === 'momentum',
    tooltip: 'μ in v ← μv − lr · g; w ← w + v: the fraction of the previous update kept in the next one.',
  },
  {
    key: 'nesterov', label: 'Nesterov',
    showWhen: (c) => c.optimizer === 'momentum',
    tooltip: 'Nesterov momentum: take the gradient at the look-ahead point w + μv instead of at w.',
  },
  {
    key: 'beta1', label: 'Beta1', step: 0.01,
    showWhen: (c) => c.optimizer === 'adam',
    tooltip: 'Adam’s decay rate of the gradient average: m ← β1·m + (1 − β1)·g.',
  },
  {
    key: 'beta2', label: 'Beta2', step: 0.001,
    showWhen: (c) => c.optimizer === 'adam',
    tooltip: 'Adam’s decay rate of the squared-gradient average: v ← β2·v + (1 − β2)·g².',
  },
  {
    key: 'eps', label: 'Epsilon', step: 'any',
    showWhen: (c) => c.optimizer === 'adam',
    tooltip: 'Adam’s ε in w ← w − lr · m̂ / (√v̂ + ε), which keeps the step finite where v̂ is 0.',
  },
  {
    key: 'schedule', label: 'LR schedule',
    options: {
      constant: ['Constant', 'The learning rate stays as set.'],
      step: ['Step decay', 'lr · factor^⌊epoch / every⌋'],
    },
    tooltip: 'Learning-rate schedule: constant, or step decay lr · factor^⌊epoch / every⌋.',
  },
  {
    key: 'decay_every', label: 'Decay every', step: 1,
    showWhen: (c) => c.schedule === 'step',
    tooltip: 'Step decay: multiply the learning rate by the decay factor every this many epochs.',
  },
  {
    key: 'decay_factor', label: 'Decay factor', step: 0.05,
    showWhen: (c) => c.schedule === 'step',
    tooltip: 'Step decay: the learning rate is lr · factor^⌊epoch / every⌋.',
  },
  {
    key: 'batch_size', label: 'Batch size', step: 1, slider: 'log2',
    tooltip: 'Number of training samples per gradient step.',
  },
  {
    key: 'stop_at_epoch', label: 'Stop at epoch', step: 1,
    tooltip: 'Training pauses when this many epochs are done (0 = never); the lecture demos use it to stop where their claim is read. Raise it or set 0 and press Play to train on.',
  },
  // ---- The init lab (its own tab) and the command line ----
  {
    key: 'lab_init', label: 'Init lab: initialization', options: INIT_TEXT,
    tooltip: 'The weight initialization the Init lab pushes unit-Gaussian inputs through (the lab tab has one button per scheme).',
  },
  {
    key: 'lab_activation', label: 'Init lab: activation', options: ACTIVATION_TEXT,
    tooltip: 'The non-linearity of every layer of the Init lab network (the lecture uses tanh).',
  },
  {
    key: 'lab_depth', label: 'Init lab: depth', step: 1,
    tooltip: 'Number of layers of the Init lab network (the lecture uses 10).',
  },
  {
    key: 'lab_width', label: 'Init lab: width', step: 1,
    tooltip: 'Units per layer of the Init lab network (the lecture uses 500).',
  },
  {
    key: 'lab_batch', label: 'Init lab: batch', step: 1,
    tooltip: 'Number of unit-Gaussian input samples the Init lab pushes through the network at once.',
  },
  {
    key: 'epochs', label: 'Epochs (command line)', step: 1,
    tooltip: 'How many epochs `overfit train` runs; the page trains until you pause it.',
  },
];


/** The section title of each schema group, in display order. */
export const GROUP_TITLES = {
  data: 'Data',
  augmentation: 'Augmentation',
  model: 'Model',
  regularization: 'Regularization',
  optimization: 'Optimization',
  lab: 'Init lab',
  cli: 'Command line',
};

/** Sections that start closed (settings that do not change training in the page). */
export const CLOSED_GROUPS = new Set(['Command line']);

/** Groups whose fields have their controls elsewhere (the Init lab tab), not in the settings form. */
export const GROUPS_OUTSIDE_FORM = new Set(['Init lab']);

/** The control kind for each schema type. */
const CONTROL_KIND = { int: 'number', real: 'number', bool: 'checkbox', choice: 'select', set: 'set', widths: 'list', overrides: 'layers' };

/** A note added to each tooltip about what a change does to the run in progress. */
const EFFECT_NOTE = {
  data: 'Changing it makes new data and restarts training.',
  weights: 'Changing it restarts training from new initial weights.',
  restart: 'Changing it restarts training.',
  hyper: 'Changing it takes effect at once; training goes on.',
  none: '',
};

/**
 * The field descriptions for the controls, the URL hash and Compare: the schema's facts (type,
 * default, min, max, options, group, effect) joined with the words above, in display order. A
 * schema field without words still gets a plain control named by its key (the unit tests fail on
 * it, so it is never shipped that way).
 */
export function fieldsFor(schema) {
  const text = new Map(FIELD_TEXT.map((t) => [t.key, t]));
  const keys = [...FIELD_TEXT.map((t) => t.key).filter((k) => schema.has(k)), ...schema.fields.map((f) => f.key).filter((k) => !text.has(k))];
  return keys.map((key) => {
    const spec = schema.field(key);
    const t = text.get(key) ?? { key, label: key, tooltip: `The config field "${key}".` };
    const kind = CONTROL_KIND[spec.type] ?? 'text';
    const options = spec.type === 'choice' || spec.type === 'set'
      ? spec.options.map((value) => [value, t.options?.[value]?.[0] ?? value, t.options?.[value]?.[1] ?? ''])
      : undefined;
    const note = EFFECT_NOTE[spec.effect] ?? '';
    return {
      key,
      label: t.label,
      group: GROUP_TITLES[spec.group] ?? spec.group,
      kind,
      type: spec.type,
      effect: spec.effect,
      default: spec.default,
      options,
      min: spec.min,
      max: spec.max,
      maxItems: spec.max_items,
      integer: spec.type === 'int',
      step: t.step ?? (spec.type === 'int' ? 1 : 'any'),
      slider: t.slider ?? null,
      showWhen: t.showWhen ? (c) => Boolean(t.showWhen(c, schema)) : null,
      enabledWhen: t.enabledWhen ? (c) => Boolean(t.enabledWhen(c, schema)) : null,
      // Where the field applies: the core says which fields a dataset ignores; the words add
      // conditions on other settings (momentum only with the momentum optimizer, ...).
      applies(c) {
        return schema.applies(key, c) && (!this.showWhen || this.showWhen(c));
      },
      tooltip: note ? `${t.tooltip} ${note}` : t.tooltip,
      spec,
    };
  });
}

/** The groups in display order. */
export function groupsOf(fields) {
  return [...new Set(fields.map((f) => f.group))];
}
