//! All learnable parameters (and BatchNorm running statistics) of one model in one contiguous
//! buffer, with a gradient buffer of the same length and a table saying what each range is.
//!
//! One buffer means the optimizer is one loop, a snapshot (early stopping, divergence recovery)
//! is one copy, and nothing is allocated per training step.

use std::ops::Range;

/// What a range of the parameter buffer holds; decides weight decay and whether it is trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A weight matrix: trained, and L2/L1 apply.
    Weight,
    /// A bias vector: trained, no weight decay.
    Bias,
    /// BatchNorm/LayerNorm gamma or beta: trained, no weight decay.
    Norm,
    /// Running statistics: part of the model's state, never touched by the optimizer.
    Buffer,
}

#[derive(Clone, Debug)]
pub struct ParamGroup {
    pub name: String,
    pub kind: ParamKind,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Params {
    pub values: Vec<f32>,
    pub grads: Vec<f32>,
    pub groups: Vec<ParamGroup>,
}

impl Params {
    /// Reserves `len` values of `kind` (initialized to `fill`) and returns their range.
    pub fn add(&mut self, name: &str, kind: ParamKind, len: usize, fill: f32) -> Range<usize> {
        let start = self.values.len();
        self.values.resize(start + len, fill);
        self.grads.resize(start + len, 0.0);
        let range = start..start + len;
        self.groups.push(ParamGroup { name: name.to_string(), kind, range: range.clone() });
        range
    }

    pub fn zero_grads(&mut self) {
        self.grads.fill(0.0);
    }

    /// Number of trained parameters (buffers excluded).
    pub fn trainable_count(&self) -> usize {
        self.groups.iter().filter(|g| g.kind != ParamKind::Buffer).map(|g| g.range.len()).sum()
    }
}
