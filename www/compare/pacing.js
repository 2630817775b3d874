// Owns the A/B comparison's pacing rule: how far one run may train ahead of the run it is compared
// with. The workers apply it ('pace' in worker.js); the comparison (compare.js) computes it from
// both runs' newest snapshots.

/**
 * The epoch at which a run holds while the other run, whose newest snapshot is `other`, trains:
 * the other's epoch plus a slack of at least 2 epochs and at least two of the held run's own
 * chunks (about 50 ms of its training), so small epochs do not make the runs wait on every
 * message. A paused other run holds too (the two are played and paused together, and at Play the
 * other's first snapshot may still say paused: without a limit then, the faster run would sprint
 * ahead before pacing starts). null (no limit) when the other run has ended (stopped early or
 * diverged) or has no snapshot (not started, or failed).
 */
export function holdEpoch(own, other) {
  if (!other || other.stopped || other.diverged) return null;
  const chunkEpochs = own && own.stepsPerEpoch > 0 ? (2 * own.stepsPerChunk) / own.stepsPerEpoch : 0;
  return other.epoch + Math.max(2, Math.ceil(chunkEpochs));
}
