// Owns the page's downloads: a text or Blob saved under a file name through an object URL and an
// <a download> link, and the training curves as CSV text (with a comment line when the kept
// history was thinned).

import { formatInt } from '../app/format.js';

/** Saves a Blob as a file named `name` (the object URL is revoked once the click is handled). */
export function downloadBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves text as a file named `name` with the given MIME type. */
export function downloadText(text, name, type) {
  downloadBlob(new Blob([text], { type: `${type};charset=utf-8` }), name);
}

/** Writes a whole number as an ordinal: 1st, 2nd, 3rd, 4th, 11th, 32nd. */
function ordinal(n) {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${formatInt(n)}${suffix}`;
}

/**
 * The comment line that says how the kept history was thinned (see curve-history.js), or '' when
 * every epoch is kept (stride 1).
 */
function thinningComment(h) {
  const stride = h.stride ?? 1;
  const n = h.epoch.length;
  if (!(stride > 1) || n === 0) return '';
  return `# thinned: every ${ordinal(stride)} epoch kept (${formatInt(n)} of ${formatInt(h.epoch[n - 1])} epochs), newest always kept`;
}

/**
 * The page's history columns as CSV: one row per epoch with the losses and the accuracies (as
 * fractions, like the core reports them), then one validation-accuracy column per ensemble member.
 * When the history was thinned, a first line starting with '#' says so.
 */
export function historyCsv(h, regression = false) {
  const members = h.members ?? [];
  // Regression runs score R² (kept as 100 R² like accuracies) and add the RMSE of each split.
  const score = regression ? 'r2' : 'acc';
  const head = ['epoch', 'train_loss', 'val_loss', `train_${score}`, `val_${score}`, ...(regression ? ['train_rmse', 'val_rmse'] : []), ...members.map((_, j) => `member${j + 1}_val_${score}`)];
  const rows = h.epoch.map((e, i) => [
    e, h.trainLoss[i], h.valLoss[i], h.trainScore[i] / 100, h.valScore[i] / 100,
    ...(regression ? [h.trainRmse?.[i] ?? '', h.valRmse?.[i] ?? ''] : []),
    ...members.map((col) => (col[i] == null ? '' : col[i] / 100)),
  ].join(','));
  const comment = thinningComment(h);
  return `${[...(comment ? [comment] : []), head.join(','), ...rows].join('\n')}\n`;
}
