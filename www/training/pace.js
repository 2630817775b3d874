// Owns the training loop's pace, as pure arithmetic over the newest report and a clock reading:
// how many steps the next chunk may take (the chunk size adapted to a time budget, the speed
// limit, and the A/B comparison's hold), or how long to sleep before the next step is due. The
// training worker (training-worker.js) applies it; it has no timers and no messages, so the unit
// tests drive it with made-up reports and times.

/** Wall-clock budget of one chunk of training steps, in milliseconds. */
export const TARGET_MS = 25;
/** The step count of a chunk stays within these bounds. */
export const MIN_STEPS = 1;
export const MAX_STEPS = 1 << 20;

export class Pace {
  constructor() {
    /** Steps per chunk, adapted toward TARGET_MS of work. */
    this.stepsPerChunk = 4;
    /**
     * The speed limit in epochs per second (null: Max, as fast as the core goes). Training keeps
     * to it with a clock: by time t, at most e0 + speed * (t - t0) epochs may be done. The clock
     * restarts at Play, at a new speed, at a new run and after a hold, so a pause builds no backlog.
     */
    this.speed = null;
    this.clock = { t0: 0, e0: 0 };
    /**
     * The comparison's hold: while playing, training holds once this many epochs are done (null:
     * no limit), so that a run does not run ahead of the run it is compared with.
     */
    this.holdAt = null;
  }

  /** Restarts the speed clock at time `now` (ms) from the report's epoch. */
  restart(report, now) {
    this.clock.t0 = now;
    this.clock.e0 = report.epochFloat ?? 0;
  }

  /** Sets the speed limit (epochs per second; anything not a positive number means Max). */
  setSpeed(epochsPerSec, report, now) {
    this.speed = Number.isFinite(epochsPerSec) && epochsPerSec > 0 ? epochsPerSec : null;
    this.restart(report, now);
  }

  /**
   * Sets the hold epoch (null or undefined: no limit; otherwise a whole number of epochs, at least
   * 0). The speed clock restarts only if the run was held: the comparison moves the hold about
   * ten times a second, and restarting then would drop the time already earned toward the next
   * step, slowing a compared run to about three quarters of the speed asked for.
   */
  setHold(epoch, report, now) {
    const held = this.stepsBeforeHold(report) === 0;
    this.holdAt = epoch === null || epoch === undefined ? null : Math.max(0, Math.floor(Number(epoch)) || 0);
    if (held) this.restart(report, now);
  }

  /**
   * Steps the speed limit allows at `now` ({steps}), or how long to sleep before the next one
   * ({steps: 0, waitMs}). Without a known epoch length one step at a time is allowed.
   */
  speedAllowance(report, now) {
    if (this.speed === null) return { steps: Infinity };
    const spe = report.stepsPerEpoch > 0 ? report.stepsPerEpoch : 1;
    let allowed = this.clock.e0 + (this.speed * (now - this.clock.t0)) / 1000;
    // A chunk slower than the limit must not leave a debt to be paid in a burst later.
    if (allowed - report.epochFloat > 1) {
      this.restart(report, now);
      allowed = report.epochFloat + 1 / spe;
    }
    const steps = Math.floor((allowed - report.epochFloat) * spe + 1e-9);
    if (steps >= 1) return { steps };
    const dueAt = this.clock.t0 + ((report.epochFloat + 1 / spe - this.clock.e0) / this.speed) * 1000;
    return { steps: 0, waitMs: Math.max(4, Math.ceil(dueAt - now)) };
  }

  /** Steps left before the hold (Infinity without one); 0 means hold. */
  stepsBeforeHold(report) {
    if (this.holdAt === null || !(report.stepsPerEpoch > 0)) return Infinity;
    const intoEpoch = Math.round((report.epochFloat - report.epoch) * report.stepsPerEpoch);
    return Math.max(0, (this.holdAt - report.epoch) * report.stepsPerEpoch - intoEpoch);
  }

  /**
   * What the next chunk does at `now`: {steps} to train, {waitMs} to sleep under the speed limit,
   * or {hold: true} when the comparison's hold is reached.
   */
  next(report, now) {
    const hold = this.stepsBeforeHold(report);
    if (hold === 0) return { hold: true };
    const allowance = this.speedAllowance(report, now);
    if (allowance.steps === 0) return { waitMs: allowance.waitMs };
    return { steps: Math.min(this.stepsPerChunk, hold, allowance.steps) };
  }

  /**
   * Adapts the chunk size after a chunk of `steps` took `ms`: toward the time budget, at most 4x
   * up per chunk, smoothed down; only whole chunks count (one cut short by the hold or the speed
   * limit says nothing about the budget).
   */
  observe(steps, ms) {
    if (steps !== this.stepsPerChunk) return;
    const n = this.stepsPerChunk;
    const target = ms < 0.5 ? n * 4 : (n * TARGET_MS) / ms;
    this.stepsPerChunk = Math.round(Math.min(MAX_STEPS, Math.max(MIN_STEPS, Math.min(n * 4, 0.5 * n + 0.5 * target))));
  }
}
