//! Weight initialization schemes from the lecture: zeros, N(0, 0.01^2), N(0, 1), N(0, sigma^2),
//! U(-a, a), Xavier/Glorot and He/Kaiming. Biases always start at zero (done by the caller).

use crate::config::WeightInit;
use crate::rng::Rng;

/// The standard deviation each scheme draws with for a layer with `fan_in` inputs
/// (for `Uniform` the half-width a; its standard deviation is a / sqrt(3)).
pub fn scale(init: WeightInit, fan_in: usize, init_scale: f32) -> f32 {
    match init {
        WeightInit::Zeros => 0.0,
        WeightInit::Normal001 => 0.01,
        WeightInit::Normal1 => 1.0,
        WeightInit::Normal | WeightInit::Uniform => init_scale,
        // Glorot & Bengio (2010) in the lecture's form: Var(w) = 1 / n_in keeps Var(s) = Var(x).
        WeightInit::Xavier => (1.0 / fan_in.max(1) as f32).sqrt(),
        // He et al. (2015): ReLU zeroes half the inputs, so Var(w) = 2 / n_in ("Xavier / 2").
        WeightInit::He => (2.0 / fan_in.max(1) as f32).sqrt(),
    }
}

/// Fills `w` (a fan_in x fan_out matrix) according to `init`.
pub fn fill(w: &mut [f32], init: WeightInit, fan_in: usize, init_scale: f32, rng: &mut Rng) {
    let s = scale(init, fan_in, init_scale);
    match init {
        WeightInit::Zeros => w.fill(0.0),
        WeightInit::Uniform => w.iter_mut().for_each(|x| *x = rng.range(-s, s)),
        _ => w.iter_mut().for_each(|x| *x = s * rng.normal()),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn std(v: &[f32]) -> f32 {
        let n = v.len() as f64;
        let m = v.iter().map(|&x| x as f64).sum::<f64>() / n;
        (v.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / n).sqrt() as f32
    }

    #[test]
    fn sampled_std_matches_formula_within_5_percent() {
        let mut rng = Rng::new(11, 0);
        let fan_in = 500;
        let mut w = vec![0.0; fan_in * 200];
        let cases = [
            (WeightInit::Normal001, 0.01),
            (WeightInit::Normal1, 1.0),
            (WeightInit::Normal, 0.3),
            (WeightInit::Uniform, 0.3 / 3f32.sqrt()),
            (WeightInit::Xavier, (1.0f32 / 500.0).sqrt()),
            (WeightInit::He, (2.0f32 / 500.0).sqrt()),
        ];
        for (init, expected) in cases {
            fill(&mut w, init, fan_in, 0.3, &mut rng);
            let s = std(&w);
            assert!((s / expected - 1.0).abs() < 0.05, "{init:?}: std {s}, expected {expected}");
        }
        fill(&mut w, WeightInit::Zeros, fan_in, 0.3, &mut rng);
        assert!(w.iter().all(|&x| x == 0.0));
    }
}
