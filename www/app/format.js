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
