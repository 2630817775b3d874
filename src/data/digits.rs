//! The UCI "Optical Recognition of Handwritten Digits" set as distributed with scikit-learn
//! (1,797 images of 8x8 pixels, 10 classes), shipped in data/digits.bin and decoded here.
//! See scripts/data/convert_digits.py for the format.

/// The bundled file.
pub const DIGITS_BIN: &[u8] = include_bytes!("../../data/digits.bin");

/// Decodes a digits file: pixels scaled to [0, 1] (n * 64 values, row-major) and labels.
/// Returns an error message for a malformed file.
pub fn decode(bytes: &[u8]) -> Result<(Vec<f32>, Vec<u32>), String> {
    if bytes.len() < 8 || &bytes[..4] != b"OVFD" {
        return Err("digits file: missing OVFD header".into());
    }
    let count = u16::from_le_bytes([bytes[4], bytes[5]]) as usize;
    let (w, h) = (bytes[6] as usize, bytes[7] as usize);
    let per = w * h + 1;
    if w != 8 || h != 8 || bytes.len() != 8 + count * per {
        return Err(format!("digits file: expected {count} images of 8x8, file has {} bytes", bytes.len()));
    }
    let mut x = Vec::with_capacity(count * 64);
    let mut y = Vec::with_capacity(count);
    for rec in bytes[8..].chunks_exact(per) {
        if rec[64] > 9 || rec[..64].iter().any(|&p| p > 16) {
            return Err("digits file: value out of range".into());
        }
        x.extend(rec[..64].iter().map(|&p| p as f32 / 16.0));
        y.push(rec[64] as u32);
    }
    Ok((x, y))
}

/// The bundled digits, decoded.
pub fn load() -> (Vec<f32>, Vec<u32>) {
    decode(DIGITS_BIN).expect("the bundled digits file is valid")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn bundled_digits_have_1797_images_in_10_classes() {
        let (x, y) = super::load();
        assert_eq!(y.len(), 1797);
        assert_eq!(x.len(), 1797 * 64);
        for c in 0..10 {
            let n = y.iter().filter(|&&l| l == c).count();
            assert!((170..=190).contains(&n), "class {c}: {n}");
        }
        assert!(super::decode(&super::DIGITS_BIN[..100]).is_err());
    }
}
