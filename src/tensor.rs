//! Row-major f32 matrices and their transpose; the products (GEMM) are in `gemm.rs` and
//! re-exported here, so a layer finds its matrix and its product in one place.

pub use crate::gemm::{gemm, gemm_into, gemm_relu_into, Layout, Operand, Write};

/// A dense row-major matrix. `resize_rows` keeps the allocation, so a batch of a different size
/// never reallocates once the largest batch has been seen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }

    pub fn from_vec(rows: usize, cols: usize, data: Vec<f32>) -> Matrix {
        assert_eq!(data.len(), rows * cols, "matrix data length");
        Matrix { rows, cols, data }
    }

    /// Changes the number of rows; reuses capacity (allocates only when growing past it).
    pub fn resize_rows(&mut self, rows: usize) {
        self.rows = rows;
        self.data.resize(rows * self.cols, 0.0);
    }

    pub fn row(&self, r: usize) -> &[f32] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    pub fn row_mut(&mut self, r: usize) -> &mut [f32] {
        &mut self.data[r * self.cols..(r + 1) * self.cols]
    }
}

/// out[j * rows + i] = m[i * cols + j]: writes the transpose of a rows x cols matrix.
pub fn transpose(rows: usize, cols: usize, m: &[f32], out: &mut [f32]) {
    assert!(m.len() >= rows * cols && out.len() >= rows * cols);
    // Blocks of 8x8 keep both sides in cache lines.
    const T: usize = 8;
    for i0 in (0..rows).step_by(T) {
        for j0 in (0..cols).step_by(T) {
            for i in i0..(i0 + T).min(rows) {
                for j in j0..(j0 + T).min(cols) {
                    out[j * rows + i] = m[i * cols + j];
                }
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn transpose_round_trips() {
        let m: Vec<f32> = (0..35).map(|x| x as f32).collect();
        let mut t = vec![0.0; 35];
        let mut back = vec![0.0; 35];
        transpose(5, 7, &m, &mut t);
        assert_eq!(t[1], m[7]);
        transpose(7, 5, &t, &mut back);
        assert_eq!(back, m);
    }
}
