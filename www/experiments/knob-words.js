// Owns the words of the Experiments view: each sweep knob's label and tooltip (the knobs, their
// config fields and ranges come from the core's sweep schema, src/sweep.rs), the metrics' names,
// and the view's help lines. Words only: no range, option list or limit is written here.

/** Label and tooltip per knob name. */
export const KNOB_TEXT = {
  width: { label: 'Hidden width', tip: 'Every hidden layer gets this many units (a network without hidden layers gets one layer). Capacity grows with it.' },
  depth: { label: 'Depth (hidden layers)', tip: 'The number of hidden layers, each as wide as the current first layer.' },
  points: { label: 'Points (2D data)', tip: 'Training plus validation points of a generated dataset: the learning curve of 2D data.' },
  train_per_class: { label: 'Images per class', tip: 'Training images per class of an image dataset, or signals per class of MNIST-1D (0 = all the split leaves): the learning curve.' },
  label_noise: { label: 'Label noise', tip: 'Fraction of training labels replaced by a random class; validation labels stay clean.' },
  input_corruption: { label: 'Inputs', tip: 'The inputs as generated, or Zhang et al.\'s randomization: one pixel permutation for all samples (shuffled), a permutation per sample (random pixels), or Gaussian noise with each input\'s mean and spread. The labels stay.' },
  l2: { label: 'L2 strength λ', tip: 'Weight decay (λ/2)·Σw² on the weights: small values regularize, large ones underfit.' },
  l1: { label: 'L1 strength λ', tip: 'λ·Σ|w| on the weights: pushes weights to exactly 0.' },
  dropout: { label: 'Dropout rate', tip: 'Probability of dropping a hidden unit in training (inverted dropout).' },
  batch_size: { label: 'Batch size', tip: 'Samples per training step; BatchNorm estimates its statistics from them.' },
  learning_rate: { label: 'Learning rate', tip: 'The step size of the optimizer: too small learns slowly, too large diverges.' },
  augmentation: { label: 'Augmentation strength', tip: 'One strength s for image data: flip with probability s/2, crop after padding by 4s pixels, brightness and contrast jitter 0.3s.' },
  norm: { label: 'Normalization', tip: 'None, BatchNorm (statistics over the batch), LayerNorm (statistics over each sample\'s units) or GroupNorm (over each of G groups of a sample\'s units).' },
  groups: { label: 'GroupNorm groups', tip: 'GroupNorm\'s G: each sample\'s units split into G groups, each normalized on its own (G = 1 is LayerNorm). It must divide the widths of the layers that use GroupNorm.' },
};

/** What the chart plots. */
export const METRIC_TEXT = {
  error: { label: 'Error', axis: 'error (1 − accuracy)' },
  loss: { label: 'Loss', axis: 'loss' },
  accuracy: { label: 'Accuracy', axis: 'accuracy' },
  fit: { label: 'Epochs to fit', axis: 'epochs until every training label is right' },
};

/** The same metrics on a regression set, whose records carry R² where accuracies would be. */
export const REGRESSION_METRIC_TEXT = {
  error: { label: 'Error', axis: '1 − R² (unexplained variance)' },
  loss: { label: 'Loss', axis: 'loss' },
  accuracy: { label: 'R²', axis: 'R²' },
  fit: { label: 'Epochs to fit', axis: 'epochs to fit (classification only)' },
};

export const WHICH_TEXT = {
  final: { label: 'Final', tip: 'The figures at the last epoch of each run.' },
  best: { label: 'Best epoch', tip: 'The figures at the epoch of lowest validation loss of each run.' },
};

export const HELP = {
  values: 'A list (2, 8, 32 or none, batch, layer) or a range: "1 to 512, 10 values, log" (or linear).',
  seeds: 'Runs per value, each with its own seed (the config\'s seed, +1, +2, ...): the band shows their spread.',
  epochs: 'Epochs per run; with "until early stopping", the most epochs a run may take.',
  workers: 'Web Workers training runs side by side, one per core (the page keeps one core for itself).',
  series: 'A second knob: one line per value, e.g. Normalization × Batch size.',
};
