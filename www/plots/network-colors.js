// Owns the Network tab's colour scales: which scale a layer's maps get (probabilities, tanh and
// sigmoid with the core's saturation band, ReLU's sequential range, a diverging range), the
// lookup tables built from the theme, and the value-to-colour hot loop. Pure functions, tested in Node.

import { shortNumber } from './network-labels.js';

/**
 * The colour lookup tables have GRADIENT + 1 entries of gradient (index GRADIENT / 2 is 0 on a
 * diverging scale), then the saturated low and high ends and the colour of a missing value.
 */
export const GRADIENT = 256;
export const SAT_LO = GRADIENT + 1;
export const SAT_HI = GRADIENT + 2;
export const NO_VALUE = GRADIENT + 3;
export const LUT_SIZE = GRADIENT + 4;

/**
 * Returns the colour scale of a layer's maps: probabilities (outputs) from 0 to 1; tanh
 * diverging from -1 to +1 and sigmoid diverging around 0.5, both with their saturated ends; a
 * sequential scale from 0 to the largest value for non-negative ranges (ReLU); otherwise a
 * diverging scale symmetric around 0 out to the largest |value|.
 * {kind: 'diverging', mid, half, sat} or {kind: 'sequential', lo, hi, prob}; `sat` > 0 marks
 * values farther than `sat` from `mid` as saturated.
 */
export function scaleFor(layer) {
  if (layer.kind === 'output') return { kind: 'sequential', lo: 0, hi: 1, prob: true };
  // tanh spans -1 to +1 and sigmoid 0 to 1; the core says where each saturates (layer.saturation:
  // |a - mid| > beyond, src/metrics.rs).
  const beyond = layer.saturation?.beyond ?? 0;
  if (layer.activation === 'tanh') return { kind: 'diverging', mid: 0, half: 1, sat: beyond };
  if (layer.activation === 'sigmoid') return { kind: 'diverging', mid: 0.5, half: 0.5, sat: beyond };
  const lo = Number.isFinite(layer.lo) ? layer.lo : 0;
  const hi = Number.isFinite(layer.hi) ? layer.hi : 0;
  if (lo >= 0) return { kind: 'sequential', lo: 0, hi: hi > 0 ? hi : 1, prob: false };
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  return { kind: 'diverging', mid: 0, half: m > 0 ? m : 1, sat: 0 };
}

/** Returns the lookup-table index of value `v` on `scale` (see GRADIENT and the constants after it). */
export function colorIndex(v, scale) {
  if (!Number.isFinite(v)) return NO_VALUE;
  if (scale.kind === 'diverging') {
    const d = v - scale.mid;
    if (scale.sat > 0 && Math.abs(d) > scale.sat) return d < 0 ? SAT_LO : SAT_HI;
    const x = GRADIENT / 2 + d * (GRADIENT / 2 / scale.half);
    return x <= 0 ? 0 : x >= GRADIENT ? GRADIENT : Math.round(x);
  }
  const x = (v - scale.lo) * (GRADIENT / (scale.hi - scale.lo));
  return x <= 0 ? 0 : x >= GRADIENT ? GRADIENT : Math.round(x);
}

/**
 * Writes the lookup-table entries of `cells` values of `values` from `start` into `pixels` (one
 * entry per value, as colorIndex maps it; values past the end of `values` are missing). This is
 * the hot loop of a draw, so it works out colorIndex's arithmetic once per map.
 */
export function paintValues(values, start, cells, scale, lut, pixels) {
  const have = Math.max(0, Math.min(cells, values.length - start));
  const div = scale.kind === 'diverging';
  const origin = div ? scale.mid : scale.lo;
  const gain = div ? GRADIENT / 2 / scale.half : GRADIENT / (scale.hi - scale.lo);
  const base = div ? GRADIENT / 2 : 0;
  const sat = div && scale.sat > 0 ? scale.sat : Infinity;
  for (let k = 0; k < have; k++) {
    const d = values[start + k] - origin;
    let i;
    // d - d is NaN for a NaN or an infinite value.
    if (d - d !== 0) i = NO_VALUE;
    else if (d > sat) i = SAT_HI;
    else if (d < -sat) i = SAT_LO;
    else {
      const x = base + d * gain;
      i = x <= 0 ? 0 : x >= GRADIENT ? GRADIENT : (x + 0.5) | 0;
    }
    pixels[k] = lut[i];
  }
  for (let k = have; k < cells; k++) pixels[k] = lut[NO_VALUE];
}

/**
 * Returns the scale of one input feature from its own values: the input layer's range mixes
 * features as different as x₁ and x₁², so each feature gets the scale scaleFor gives its range.
 */
export function featureScale(layer, values, start, cells) {
  let lo = Infinity;
  let hi = -Infinity;
  const end = Math.min(values.length, start + cells);
  for (let k = start; k < end; k++) {
    const v = values[k];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return scaleFor({ ...layer, lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(hi) ? hi : 0 });
}

/** Returns the [r, g, b] that lies `t` (0-1) of the way from `a` to `b`. */
function mix(a, b, t) {
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t));
}

/**
 * Builds the lookup table (LUT_SIZE RGBA entries) of a scale kind from theme colours ([r, g, b]
 * each): a diverging table runs from `neg` through `zero` (the middle entry) to `pos`, a
 * sequential one from `zero` to `pos`; then the saturated ends `negSat` and `posSat`, and `none`
 * for a missing value.
 */
export function buildLut(kind, { neg, zero, pos, negSat, posSat, none }) {
  const lut = new Uint8ClampedArray(4 * LUT_SIZE);
  const put = (i, c) => {
    lut[4 * i] = c[0];
    lut[4 * i + 1] = c[1];
    lut[4 * i + 2] = c[2];
    lut[4 * i + 3] = 255;
  };
  for (let i = 0; i <= GRADIENT; i++) {
    if (kind === 'diverging') {
      const t = (2 * i) / GRADIENT - 1;
      put(i, t < 0 ? mix(zero, neg, -t) : mix(zero, pos, t));
    } else {
      put(i, mix(zero, pos, i / GRADIENT));
    }
  }
  put(SAT_LO, negSat);
  put(SAT_HI, posSat);
  put(NO_VALUE, none);
  return lut;
}

/** Returns the [left, middle, right] labels of a scale's legend bar. */
export function scaleLabels(scale) {
  if (scale.kind === 'diverging') {
    const right = shortNumber(scale.mid + scale.half);
    return [shortNumber(scale.mid - scale.half), shortNumber(scale.mid), scale.mid === 0 ? `+${right}` : right];
  }
  return [shortNumber(scale.lo), shortNumber((scale.lo + scale.hi) / 2), shortNumber(scale.hi)];
}
