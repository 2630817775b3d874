//! The seeded pseudo-random generator, passed explicitly to everything that draws.
//!
//! PCG32 (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
//! Algorithms for Random Number Generation"): 64-bit LCG state, XSH-RR output. Gaussians use
//! Box-Muller with `libm`, so the same seed gives the same bits natively and in wasm. This is
//! also the only place that asks the operating system (getrandom) for a seed.

/// A PCG32 stream.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
    inc: u64,
    /// The second Box-Muller value, kept for the next call.
    spare: Option<f32>,
}

const MULTIPLIER: u64 = 6364136223846793005;

impl Rng {
    /// A generator for `seed` on stream `stream` (different streams are independent sequences).
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng { state: 0, inc: (stream << 1) | 1, spare: None };
        r.next_u32();
        r.state = r.state.wrapping_add(seed);
        r.next_u32();
        r
    }

    /// A seed from the operating system, for "surprise me" buttons; runs are then reproducible
    /// from the seed that was drawn.
    pub fn entropy_seed() -> u32 {
        let mut b = [0u8; 4];
        if getrandom::getrandom(&mut b).is_err() {
            return 1;
        }
        u32::from_le_bytes(b)
    }

    /// A child generator for a named purpose, so that adding draws in one place does not shift
    /// the numbers another place sees.
    pub fn fork(&mut self, stream: u64) -> Rng {
        let seed = ((self.next_u32() as u64) << 32) | self.next_u32() as u64;
        Rng::new(seed, stream)
    }

    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULTIPLIER).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    pub fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in [0, n), without modulo bias (Lemire's method).
    pub fn below(&mut self, n: u32) -> u32 {
        assert!(n > 0);
        let mut m = self.next_u32() as u64 * n as u64;
        if (m as u32) < n {
            let t = n.wrapping_neg() % n;
            while (m as u32) < t {
                m = self.next_u32() as u64 * n as u64;
            }
        }
        (m >> 32) as u32
    }

    /// Standard normal N(0, 1) by Box-Muller: z = sqrt(-2 ln u1) cos(2 pi u2).
    pub fn normal(&mut self) -> f32 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let u1 = ((self.next_u32() >> 8) as f64 + 1.0) * (1.0 / 16_777_217.0); // (0, 1]
        let u2 = (self.next_u32() >> 8) as f64 * (1.0 / 16_777_216.0);
        let r = libm::sqrt(-2.0 * libm::log(u1));
        let theta = 2.0 * std::f64::consts::PI * u2;
        self.spare = Some((r * libm::sin(theta)) as f32);
        (r * libm::cos(theta)) as f32
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u32 + 1) as usize;
            v.swap(i, j);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(42, 1);
        let mut b = Rng::new(42, 1);
        for _ in 0..100 {
            assert_eq!(a.next_u32(), b.next_u32());
        }
        let mut c = Rng::new(42, 2);
        assert_ne!(Rng::new(42, 1).next_u32(), c.next_u32());
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut r = Rng::new(7, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal() as f64).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "var {var}");
    }

    #[test]
    fn below_is_in_range_and_covers() {
        let mut r = Rng::new(3, 0);
        let mut seen = [0usize; 7];
        for _ in 0..7000 {
            seen[r.below(7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800), "{seen:?}");
    }
}
