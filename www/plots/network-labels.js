// Owns the Network tab's words: the names of inputs, units and outputs, numbers written short,
// the accessible description of a unit and the legend's note on saturation.

import { ACTIVATION_TEXT, FIELD_TEXT } from '../config/field-words.js';
import { formatFixed, formatShare, formatSignificant } from '../app/format.js';

/** The words the settings use for the input features and activations (config/field-words.js). */
const FEATURE_LABELS = Object.fromEntries(
  Object.entries(FIELD_TEXT.find((f) => f.key === 'features')?.options ?? {}).map(([k, [text]]) => [k, text]),
);
const ACTIVATION_LABELS = Object.fromEntries(Object.entries(ACTIVATION_TEXT).map(([k, [text]]) => [k, text]));

/** Returns how the page writes input feature `name` ('x1_squared' gives 'x₁²'). */
export function featureLabel(name) {
  return FEATURE_LABELS[name] ?? String(name);
}

/** Returns how the page writes activation `name` ('leaky_relu' gives 'leaky ReLU'). */
export function activationLabel(name) {
  return name ? (ACTIVATION_LABELS[name] ?? String(name)) : '';
}

/** Writes a number with two significant digits and a true minus sign ('−0.12', '3.4', '120'). */
export function shortNumber(v) {
  if (!Number.isFinite(v)) return '–';
  const s = formatSignificant(v, 2);
  return s.replace('-', '−');
}

/** Writes a weight with its sign and three decimals ('+0.512', '−0.210'). */
export function signedWeight(w) {
  if (!Number.isFinite(w)) return String(w);
  return `${w < 0 ? '−' : '+'}${Math.abs(w).toFixed(3)}`;
}

/**
 * Returns the name of unit `u` of layer `layer` (index `l`): an input feature's name, 'Layer 2,
 * unit 5' (units counted from 1, as the layers are), or the output's class.
 */
export function unitName(layer, l, u) {
  if (layer.kind === 'input') return `Input ${featureLabel(layer.names?.[u] ?? `x${u + 1}`)}`;
  if (layer.kind === 'output') return layer.units === 1 ? 'Output p(class 1)' : `Output class ${u}`;
  return `${layer.label || `Layer ${l}`}, unit ${u + 1}`;
}

/** Returns the short name of unit `u` of `layer` in the detail panel's list of incoming weights. */
export function sourceName(layer, u) {
  if (layer.kind === 'input') return featureLabel(layer.names?.[u] ?? `x${u + 1}`);
  return `unit ${u + 1}`;
}


/**
 * Returns the accessible description of a unit from its name and statistics {mean, std,
 * saturated, dead}: 'Layer 2, unit 5: mean 0.12, std 0.40, 3 % saturated, 0 % dead'.
 */
export function describeUnit(name, s) {
  return `${name}: mean ${formatFixed(s.mean, 2)}, std ${formatFixed(s.std, 2)}, ${formatShare(s.saturated)} saturated, ${formatShare(s.dead)} dead`;
}

/** Returns what the saturated ends of a layer's scale mean, or '' when it has none. */
export function saturationText(layer) {
  const s = layer.saturation;
  if (!s) return '';
  if (layer.activation === 'tanh') return `Outer ends: saturated (|tanh| > ${shortNumber(s.mid + s.beyond)}).`;
  if (layer.activation === 'sigmoid') return `Outer ends: saturated (sigmoid below ${shortNumber(s.mid - s.beyond)} or above ${shortNumber(s.mid + s.beyond)}).`;
  return '';
}
