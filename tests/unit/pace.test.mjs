// Owns the Node unit tests of the training loop's pace (www/training/pace.js): the chunk size
// adapting to its time budget, the speed limit's clock (steps allowed, the sleep before the next
// step, no burst after a slow chunk) and the comparison's hold. Times are made up, so nothing
// here depends on how busy the machine is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STEPS, MIN_STEPS, Pace, TARGET_MS } from '../../www/training/pace.js';

const report = (epochFloat, stepsPerEpoch = 10) => ({ epoch: Math.floor(epochFloat), epochFloat, stepsPerEpoch });

test('without a limit a chunk takes the adapted chunk size', () => {
  const p = new Pace();
  assert.deepEqual(p.next(report(0), 0), { steps: 4 });
  // A very fast chunk aims at four times the size, halfway there per chunk: 0.5 * 4 + 0.5 * 16.
  p.observe(4, 0.1);
  assert.equal(p.stepsPerChunk, 10);
  // A chunk that took twice the budget aims at half the size: 0.5 * 10 + 0.5 * 5, rounded.
  p.observe(10, 2 * TARGET_MS);
  assert.equal(p.stepsPerChunk, 8);
  // A chunk cut short says nothing about the budget.
  p.observe(3, 1000);
  assert.equal(p.stepsPerChunk, 8);
  // The size stays within its bounds.
  for (let i = 0; i < 50; i++) p.observe(p.stepsPerChunk, 1e9);
  assert.equal(p.stepsPerChunk, MIN_STEPS);
  for (let i = 0; i < 50; i++) p.observe(p.stepsPerChunk, 0);
  assert.equal(p.stepsPerChunk, MAX_STEPS);
});

test('the speed limit allows the steps due by now and sleeps until the next one', () => {
  const p = new Pace();
  p.stepsPerChunk = 1000;
  // 2 epochs per second with 8 steps an epoch: one step every 62.5 ms.
  p.setSpeed(2, report(0, 8), 0);
  assert.deepEqual(p.next(report(0, 8), 0), { waitMs: 63 }, 'nothing is due at the start: sleep until the first step');
  assert.deepEqual(p.next(report(0, 8), 130), { steps: 2 });
  // After those two steps, the third is due at 187.5 ms.
  assert.deepEqual(p.next(report(0.25, 8), 130), { waitMs: 58 });
  // Max (null, 0, negative or not a number) lifts the limit.
  for (const v of [null, 0, -1, NaN, 'x']) {
    p.setSpeed(v, report(0.2), 200);
    assert.equal(p.speed, null);
    assert.deepEqual(p.next(report(0.2), 200), { steps: 1000 });
  }
});

test('a chunk slower than the limit leaves no debt to be paid in a burst', () => {
  const p = new Pace();
  p.stepsPerChunk = 1000;
  p.setSpeed(1, report(0), 0);
  // Ten seconds later only 0.5 epochs are done (a slow network): one step is allowed, not 95.
  assert.deepEqual(p.next(report(0.5), 10_000), { steps: 1 });
  assert.equal(p.clock.t0, 10_000, 'the clock restarted');
});

test('the hold stops a run at its epoch and lifts when it moves or is cleared', () => {
  const p = new Pace();
  p.stepsPerChunk = 8;
  p.setHold(2, report(0), 0);
  // 1.5 epochs done: 5 steps left before epoch 2.
  assert.deepEqual(p.next(report(1.5), 0), { steps: 5 });
  assert.deepEqual(p.next(report(2), 0), { hold: true });
  p.setHold(5, report(2), 0);
  assert.deepEqual(p.next(report(2), 0), { steps: 8 });
  p.setHold(null, report(2), 0);
  assert.equal(p.holdAt, null);
  // Bad hold values become whole epochs of at least 0.
  p.setHold(-3, report(0), 0);
  assert.equal(p.holdAt, 0);
  p.setHold('abc', report(0), 0);
  assert.equal(p.holdAt, 0);
  p.setHold(3.7, report(0), 0);
  assert.equal(p.holdAt, 3);
});

test('a compared run keeps the speed asked for while the other run moves its hold ten times a second', () => {
  // 10 epochs/s, 5 steps an epoch, each step 2 ms of work, the message loop 4 ms a turn; the other
  // run (as fast) moves the hold to its epoch + 2 every 100 ms, as the comparison does.
  const p = new Pace();
  const r = { epoch: 0, epochFloat: 0, stepsPerEpoch: 5 };
  p.setSpeed(10, r, 0);
  p.setHold(2, r, 0);
  let now = 0;
  let nextHold = 100;
  while (now < 10_000) {
    if (now >= nextHold) {
      p.setHold(Math.floor(now / 100) + 2, r, now);
      nextHold += 100;
    }
    const next = p.next(r, now);
    if (next.steps) {
      r.epochFloat += next.steps / r.stepsPerEpoch;
      r.epoch = Math.floor(r.epochFloat + 1e-9);
      now += 2 * next.steps;
    } else {
      now += Math.max(4, next.waitMs ?? 4);
    }
  }
  console.log(`# pace: ${r.epochFloat.toFixed(1)} epochs in 10 s at 10 epochs/s under a moving hold`);
  assert.ok(r.epochFloat >= 95, `${r.epochFloat} epochs in 10 s`);
});
