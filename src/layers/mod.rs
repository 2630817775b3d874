//! The layers of an MLP, each an explicit forward/backward pair over flat f32 buffers, and the
//! `Mode` that says whether a pass trains or evaluates.

pub mod activation;
pub mod batch_norm;
pub mod dropout;
pub mod group_norm;
pub mod layer_norm;
pub mod linear;
pub mod maxout;

pub use activation::ActivationLayer;
pub use batch_norm::BatchNorm;
pub use dropout::Dropout;
pub use group_norm::GroupNorm;
pub use layer_norm::LayerNorm;
pub use linear::Linear;
pub use maxout::Maxout;

/// Training or evaluation; passed explicitly to every forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Dropout drops; BatchNorm uses batch statistics and updates its running averages.
    Train,
    /// Dropout is the identity; BatchNorm uses its running averages.
    Eval,
    /// Evaluation where BatchNorm (wrongly) uses the statistics of the evaluation batch, to show
    /// why running averages are needed. Dropout is the identity.
    EvalBatchStats,
}

/// One layer of the network.
#[derive(Clone, Debug)]
pub enum Layer {
    Linear(Linear),
    Activation(ActivationLayer),
    Maxout(Maxout),
    BatchNorm(BatchNorm),
    LayerNorm(LayerNorm),
    GroupNorm(GroupNorm),
    Dropout(Dropout),
}

impl Layer {
    /// A short name for views and histograms.
    pub fn name(&self) -> String {
        match self {
            Layer::Linear(l) => format!("linear {}x{}", l.n_in, l.n_out),
            Layer::Activation(a) => format!("{:?}", a.kind).to_lowercase(),
            Layer::Maxout(m) => format!("maxout k={}", m.k),
            Layer::BatchNorm(_) => "batchnorm".into(),
            Layer::LayerNorm(_) => "layernorm".into(),
            Layer::GroupNorm(g) => format!("groupnorm G={}", g.groups),
            Layer::Dropout(d) => format!("dropout p={}", d.p),
        }
    }
}
