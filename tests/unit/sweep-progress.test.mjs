// The running sweep's progress and time left (www/experiments/sweep-progress.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { sweepProgress, formatLeft } from '../../www/experiments/sweep-progress.js';

const run = (cost, epochs = 100) => ({ cost, config: { epochs } });

test('runs are weighed by their cost: a big run half done counts for more than a small one finished', () => {
  const runs = [run(1), run(9)];
  const small = sweepProgress({ runs, records: [{ run: 0 }], progress: new Map(), elapsedMs: 10_000 });
  assert.equal(small.fraction, 0.1);
  // 9 units of work left after 1 done in 10 s: 90 s.
  assert.equal(Math.round(small.leftMs), 90_000);
  const big = sweepProgress({ runs, records: [], progress: new Map([[1, 50]]), elapsedMs: 10_000 });
  assert.equal(big.fraction, 0.45);
});

test('no estimate before 1 % of the work and 2 s, none once everything is done', () => {
  const runs = [run(1), run(1)];
  assert.equal(sweepProgress({ runs, records: [], progress: new Map([[0, 50]]), elapsedMs: 1000 }).leftMs, null);
  assert.equal(sweepProgress({ runs, records: [], progress: new Map(), elapsedMs: 60_000 }).leftMs, null);
  const all = sweepProgress({ runs, records: [{ run: 0 }, { run: 1 }], progress: new Map(), elapsedMs: 5000 });
  assert.deepEqual(all, { fraction: 1, leftMs: null });
  // A finished run still listed as in progress counts once; a run without a cost counts as 1.
  const twice = sweepProgress({ runs: [{ config: { epochs: 10 } }, run(1, 10)], records: [{ run: 0 }], progress: new Map([[0, 10]]), elapsedMs: 5000 });
  assert.equal(twice.fraction, 0.5);
});

test('the time left reads in seconds, minutes or hours', () => {
  assert.equal(formatLeft(12_000), 'about 10 s left');
  assert.equal(formatLeft(1_000), 'about 5 s left');
  assert.equal(formatLeft(190_000), 'about 3 min left');
  assert.equal(formatLeft(3_900_000), 'about 1 h 5 min left');
});
