// Owns the page's training curves of one run as columns for the charts, bounded however long the
// run: the same thinning as the core's src/history.rs, with the core's bound (the schema's
// limits.history_capacity). Once more than that many on-stride epochs are held, every other one
// is dropped and from then on only every `stride`-th epoch is kept (the stride doubles each
// time); the newest epoch is always present, so the figures show it. It also owns the even
// thinning of a finished series to a number of points (kept runs, charts), with the core's
// rounding (history::even_indices); tests/unit compares both with the core.

/**
 * Returns the indices that thin a series of `n` points evenly to at most `max`: all of them when
 * n <= max, else `max` indices spread evenly from the first to the last, each rounded to the
 * nearest (j * (n - 1) / (max - 1), halves down), so the first and the newest are kept. The same
 * integer arithmetic as the core's history::even_indices.
 */
export function evenIndices(n, max) {
  const pick = [];
  if (n <= max) for (let i = 0; i < n; i++) pick.push(i);
  else if (max === 1) pick.push(n - 1);
  else for (let j = 0; j < max; j++) pick.push(Math.floor((j * (n - 1) + Math.floor((max - 1) / 2)) / (max - 1)));
  return pick;
}

export class CurveHistory {
  /**
   * `capacity`: the core's bound (Schema's limits.history_capacity). The empty history a page
   * starts with, before the schema arrives, is replaced at the first snapshot of a run.
   */
  constructor(capacity = 2) {
    this.capacity = Math.max(2, capacity);
    this.stride = 1;
    /** How many kept epochs fall on the stride. */
    this.onStride = 0;
    this.epoch = [];
    this.trainLoss = [];
    this.valLoss = [];
    this.trainScore = [];
    this.valScore = [];
    /** Root mean squared errors (regression; null for classification). */
    this.trainRmse = [];
    this.valRmse = [];
    /** One column of validation accuracies (percent) per ensemble member; empty for one model. */
    this.members = [];
    /** The members' accuracies at the newest epoch. */
    this.lastMembers = [];
    /** The newest epoch's validation cross-entropy of each ensemble member. */
    this.lastMembersLoss = [];
  }

  get length() {
    return this.epoch.length;
  }

  /** The columns that hold one value per kept epoch. */
  columns() {
    return [this.epoch, this.trainLoss, this.valLoss, this.trainScore, this.valScore, this.trainRmse, this.valRmse, ...this.members];
  }

  /** Adds one epoch record of the core ({epoch, train_loss, ..., members_val_score}). */
  push(e) {
    const n = this.epoch.length;
    // The previous newest epoch stays only if it falls on the stride.
    if (n > 0 && this.epoch[n - 1] % this.stride !== 0) for (const col of this.columns()) col.pop();
    this.epoch.push(e.epoch);
    this.trainLoss.push(e.train_loss);
    this.valLoss.push(e.val_loss);
    this.trainScore.push(100 * e.train_score);
    this.valScore.push(100 * e.val_score);
    this.trainRmse.push(e.train_rmse ?? null);
    this.valRmse.push(e.val_rmse ?? null);
    const m = e.members_val_score ?? [];
    while (this.members.length < m.length) this.members.push(new Array(this.epoch.length - 1).fill(null));
    this.members.forEach((col, j) => col.push(j < m.length ? 100 * m[j] : null));
    this.lastMembers = Array.from(m, (a) => 100 * a);
    this.lastMembersLoss = Array.from(e.members_val_loss ?? []);
    if (e.epoch % this.stride === 0) this.onStride += 1;
    if (this.onStride > this.capacity) this.thin();
  }

  /** Doubles the stride and drops the epochs that are off it (except the newest). */
  thin() {
    this.stride *= 2;
    const last = this.epoch.length - 1;
    const keep = this.epoch.map((x, i) => x % this.stride === 0 || i === last);
    for (const col of this.columns()) {
      let j = 0;
      for (let i = 0; i < col.length; i++) if (keep[i]) col[j++] = col[i];
      col.length = j;
    }
    this.onStride = 0;
    for (const x of this.epoch) if (x % this.stride === 0) this.onStride += 1;
  }
}
