// Owns the Node unit tests of the Experiments tab's pure parts: the words against the core's
// knobs, no knob list or limit written again in www/, and the values box, the hash part and the
// CSV (experiments/sweep-store.js). They need no browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { initSync, sweep_schema as coreSweepSchema } from '../../pkg/overfit.js';
import { KNOB_TEXT } from '../../www/experiments/knob-words.js';
import { parseValues, formatValues, splitHash, hashPart, sweepCsv } from '../../www/experiments/sweep-store.js';

initSync({ module: readFileSync(new URL('../../pkg/overfit_bg.wasm', import.meta.url)) });

test('every knob of the core has words, and no knob list or range is written in www/', () => {
  const knobs = coreSweepSchema().knobs;
  assert.ok(knobs.length >= 12);
  for (const k of knobs) assert.ok(KNOB_TEXT[k.name]?.label && KNOB_TEXT[k.name]?.tip, `words for ${k.name}`);
  assert.deepEqual(Object.keys(KNOB_TEXT).sort(), knobs.map((k) => k.name).sort(), 'no words for a knob the core lacks');
  const dir = new URL('../../www/', import.meta.url);
  for (const f of readdirSync(dir, { recursive: true }).filter((x) => String(x).endsWith('.js'))) {
    const text = readFileSync(new URL(String(f), dir), 'utf8');
    assert.ok(!/\[\s*'width'\s*,\s*'depth'/.test(text), `www/${f} lists the knobs again`);
    if (/experiments|sweep/.test(String(f))) assert.ok(!/max_(runs|seeds|epochs)\s*[:=]\s*\d|MAX_(RUNS|SEEDS|EPOCHS)\s*=/.test(text), `www/${f} writes a sweep limit again`);
  }
});

test('the values box, the hash part and the CSV', () => {
  assert.deepEqual(parseValues('2, 8, 32'), [2, 8, 32]);
  assert.deepEqual(parseValues('none, batch, layer'), ['none', 'batch', 'layer']);
  assert.deepEqual(parseValues('1 to 512, 10 values, log'), { from: 1, to: 512, count: 10, scale: 'log' });
  assert.deepEqual(parseValues('0 to 0.8, 5 linear'), { from: 0, to: 0.8, count: 5, scale: 'linear' });
  assert.equal(formatValues({ from: 1, to: 512, count: 10, scale: 'log' }), '1 to 512, 10 values, log');
  const spec = { knob: 'width', values: [2, 8], seeds: 2, epochs: 30, config: { seed: 1 } };
  const part = hashPart(spec);
  assert.ok(!part.includes('config'), 'the config has its own part of the hash');
  const back = splitHash(`#dataset=circles${part}`);
  assert.equal(back.rest, '#dataset=circles');
  assert.deepEqual(back.spec, { knob: 'width', values: [2, 8], seeds: 2, epochs: 30 });
  assert.match(splitHash('#sweep=%7Bnot').error, /not readable/);
  assert.match(splitHash(`#sweep=${'x'.repeat(9000)}`).error, /longer than/);
  const rec = (run, value, seed) => ({ run, value, series: null, seed, epochs: 3, steps: 10, final_train_loss: 0.5, final_val_loss: 0.25, final_train_score: 0.9, final_val_score: 0.8, best_train_loss: 0.5, best_val_loss: 0.25, best_train_score: 0.9, best_val_score: 0.8, best_epoch: 3, early_stopped: false, diverged: false });
  const csv = sweepCsv(spec, [rec(1, 2, 2), rec(0, 2, 1)], coreSweepSchema().csv_columns).trim().split('\n');
  assert.equal(csv.length, 3);
  assert.match(csv[0], /^run,width,seed,epochs,steps,final_train_loss/);
  assert.match(csv[1], /^0,2,1,3,10,0.5,0.25,0.9,0.8/);
});

test('sweeps kept by an earlier version, with accuracy-named score slots, still load', async () => {
  const { SweepStore } = await import('../../www/experiments/sweep-store.js');
  const old = { run: 0, value: 2, series: null, seed: 1, epochs: 3, steps: 10, final_train_loss: 0.5, final_val_loss: 0.25, final_train_acc: 0.9, final_val_acc: 0.8, best_train_loss: 0.5, best_val_loss: 0.25, best_train_acc: 0.9, best_val_acc: 0.8, best_epoch: 3, early_stopped: false, diverged: false, curve: { epoch: [1], train_loss: [1], val_loss: [1], train_acc: [0.5], val_acc: [0.4] } };
  const data = new Map([['overfit.sweeps.v1', JSON.stringify([{ id: 'a', started: '2026-01-01T00:00:00.000Z', spec: { knob: 'width', values: [2] }, records: [old], state: 'done' }])]]);
  const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v), removeItem: (k) => data.delete(k) };
  const store = new SweepStore(storage);
  assert.equal(store.problem, null);
  const [r] = store.sweeps[0].records;
  assert.equal(r.final_val_score, 0.8);
  assert.equal(r.best_train_score, 0.9);
  assert.deepEqual(r.curve.val_score, [0.4]);
  assert.ok(!('final_val_acc' in r));
});
