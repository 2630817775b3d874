//! The config's choice fields as plain data: activations, weight inits, normalizations and their
//! position, losses, optimizers, schedules, input features, pre-processing, crop padding and
//! test-time views.

use super::Dataset;
use serde::{Deserialize, Serialize};

/// Element-wise non-linearities (maxout is the one that is not element-wise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// sigma(x) = 1 / (1 + e^-x)
    Sigmoid,
    /// tanh(x)
    Tanh,
    /// max(0, x)
    #[default]
    Relu,
    /// max(a x, x) with slope a = `leaky_slope`
    LeakyRelu,
    /// x for x > 0, alpha (e^x - 1) otherwise, alpha = 1
    Elu,
    /// max over `maxout_k` linear pieces: max_j (w_j^T x + b_j)
    Maxout,
    /// x
    Identity,
}

/// How every weight matrix starts (biases start at 0); implemented in `weight_init.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WeightInit {
    /// Every weight 0: all hidden units stay identical (the symmetry problem).
    Zeros,
    /// N(0, 0.01^2): the lecture's "small random numbers".
    Normal001,
    /// N(0, 1): too large for deep tanh networks.
    Normal1,
    /// N(0, sigma^2) with sigma = `init_scale`.
    Normal,
    /// U(-a, a) with a = `init_scale`.
    Uniform,
    /// Xavier/Glorot normal: N(0, 1/n_in).
    Xavier,
    /// He/Kaiming normal ("Xavier/2"): N(0, 2/n_in).
    #[default]
    He,
}

/// Normalization layer placed beside each hidden linear layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Norm {
    #[default]
    None,
    /// BatchNorm: batch statistics in training, running averages in evaluation.
    Batch,
    /// LayerNorm: statistics over the features of each sample, same in both modes.
    Layer,
    /// GroupNorm (Wu & He 2018): statistics over each of `groups` contiguous groups of a
    /// sample's features, same in both modes; one group is LayerNorm.
    Group,
}

/// Whether the normalization comes before or after the activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NormPosition {
    #[default]
    Before,
    After,
}

/// The data loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Softmax cross-entropy: -log(e^{s_y} / sum_k e^{s_k}).
    #[default]
    Softmax,
    /// Multiclass SVM: sum_{k != y} max(0, s_k - s_y + margin).
    Hinge,
    /// Binary logistic: one output s, p = sigma(s), -(y log p + (1 - y) log(1 - p)). Two classes only.
    Logistic,
    /// Regression: mean squared error (s - t)^2.
    Mse,
    /// Regression: mean absolute error |s - t|.
    L1,
    /// Regression: Huber loss with delta 1: (s - t)^2 / 2 where |s - t| <= 1, |s - t| - 1/2 beyond.
    Huber,
}

impl Loss {
    /// Whether the loss compares one real output with a real target (regression).
    pub fn is_regression(self) -> bool {
        matches!(self, Loss::Mse | Loss::L1 | Loss::Huber)
    }

    /// The loss a dataset starts with: mean squared error for regression, softmax otherwise.
    pub fn default_for(dataset: Dataset) -> Loss {
        if dataset.is_regression() {
            Loss::Mse
        } else {
            Loss::Softmax
        }
    }
}

/// The parameter update rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Optimizer {
    /// w -= lr * g
    Sgd,
    /// v = mu v - lr g; w += v (Nesterov optional)
    Momentum,
    /// Adam (Kingma & Ba 2015) with bias correction.
    #[default]
    Adam,
}

/// Learning-rate schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    #[default]
    Constant,
    /// lr * factor^floor(epoch / every)
    Step,
}

/// One input feature of the 2D datasets, computed from a point's raw coordinates (x1, x2) before
/// pre-processing, as in the TensorFlow Playground. Image datasets ignore the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// The first coordinate: x1.
    X1,
    /// The second coordinate: x2.
    X2,
    /// The square of the first coordinate: x1^2.
    X1Squared,
    /// The square of the second coordinate: x2^2.
    X2Squared,
    /// The product of the coordinates: x1 * x2.
    X1X2,
    /// The sine of the first coordinate (in radians): sin(x1).
    SinX1,
    /// The sine of the second coordinate (in radians): sin(x2).
    SinX2,
}

/// The most features a 2D config selects: each `Feature` once.
pub const MAX_FEATURES: usize = 7;

/// Input pre-processing, with statistics from the training split only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Preprocess {
    None,
    /// x - mean(x_train), per feature.
    Mean,
    /// (x - mean(x_train)) / std(x_train), per feature.
    #[default]
    Standardize,
}

/// What replaces the inputs of every sample, training and validation alike (Zhang et al. 2017,
/// "Understanding deep learning requires rethinking generalization", section 2): the labels stay
/// as they are, so a network can only fit them by memorizing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InputCorruption {
    /// The inputs as generated.
    #[default]
    None,
    /// One random permutation of the input positions, the same for every sample.
    Shuffled,
    /// A different random permutation of the input positions for each sample.
    RandomPixels,
    /// Every input drawn from N(mu_j, sigma_j^2), with mu_j and sigma_j the mean and spread of
    /// input j over the data set.
    Gaussian,
}

/// How random crops fill the border they pad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Padding {
    #[default]
    Zero,
    /// Mirror the image at its border (without repeating the edge pixel).
    Reflect,
}

/// What evaluation does with augmentation in mind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TestTime {
    /// Evaluate each image as it is.
    #[default]
    None,
    /// Average the class probabilities of the image and its horizontal mirror.
    Flip,
    /// Evaluate the centre (size - 2 * crop_pad) window scaled back up to full size.
    CenterCrop,
}
