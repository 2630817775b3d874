// Owns how the page writes numbers as text: accuracies as percentages, losses, and whole numbers
// with thousands separators.

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Writes a percentage with one decimal ('97.3 %'); a value that is not finite gives '–'. */
export function formatPercent(v) {
  return Number.isFinite(v) ? `${v.toFixed(1)} %` : '–';
}

/**
 * Writes a loss with four decimals, in exponent form when it is below 0.001 but not 0; a value
 * that is not finite gives its own name ('NaN', 'Infinity').
 */
export function formatLoss(v) {
  if (!Number.isFinite(v)) return String(v);
  return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(2) : v.toFixed(4);
}

/** Writes a number rounded to a whole one, with thousands separators ('12,345'). */
export function formatInt(v) {
  return intFormat.format(v);
}

/**
 * Writes a number with at most `digits` significant digits and no trailing zeros ('0.12', '340',
 * 3 digits: '0.123'); a value that is not finite gives '–'.
 */
export function formatSignificant(v, digits = 3) {
  return Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : '–';
}

/** Writes a number with `decimals` decimals ('0.40'); a value that is not finite gives '–'. */
export function formatFixed(v, decimals) {
  return Number.isFinite(v) ? v.toFixed(decimals) : '–';
}

/** Writes a fraction (0-1) as a whole percentage ('3 %'); a value that is not finite gives '–'. */
export function formatShare(v) {
  return Number.isFinite(v) ? `${Math.round(100 * v)} %` : '–';
}

/** Writes a fraction (0-1) as a percentage with one decimal ('97.3 %'). */
export function formatFraction(v) {
  return formatPercent(100 * v);
}

/** Writes R² with three decimals ('0.929'), the page's one form of it. */
export function formatR2(v) {
  return formatFixed(v, 3);
}
