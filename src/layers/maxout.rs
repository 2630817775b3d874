//! Maxout (Goodfellow et al. 2013): unit u outputs max over its k pieces, y_u = max_j x_{u k + j},
//! where the preceding linear layer produced n * k pre-activations. The gradient flows only to the
//! winning piece.

use crate::tensor::Matrix;

#[derive(Clone, Debug)]
pub struct Maxout {
    pub units: usize,
    pub k: usize,
    /// Index of the winning piece for every output element of the last forward pass.
    argmax: Vec<u32>,
}

impl Maxout {
    pub fn new(units: usize, k: usize) -> Maxout {
        Maxout { units, k, argmax: Vec::new() }
    }

    /// x (B, units * k) -> y (B, units).
    pub fn forward(&mut self, x: &Matrix, y: &mut Matrix) {
        y.resize_rows(x.rows);
        self.argmax.resize(x.rows * self.units, 0);
        for r in 0..x.rows {
            let xr = x.row(r);
            for u in 0..self.units {
                let pieces = &xr[u * self.k..(u + 1) * self.k];
                let mut best = 0;
                for j in 1..self.k {
                    if pieces[j] > pieces[best] {
                        best = j;
                    }
                }
                y.data[r * self.units + u] = pieces[best];
                self.argmax[r * self.units + u] = best as u32;
            }
        }
    }

    /// dx is dy routed to the winning piece, zero elsewhere.
    pub fn backward(&self, dy: &Matrix, dx: &mut Matrix) {
        dx.resize_rows(dy.rows);
        dx.data.fill(0.0);
        for r in 0..dy.rows {
            for u in 0..self.units {
                let j = self.argmax[r * self.units + u] as usize;
                dx.data[r * self.units * self.k + u * self.k + j] = dy.data[r * self.units + u];
            }
        }
    }
}
