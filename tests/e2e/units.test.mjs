// Owns the Node-side unit tests of the page's pure modules: the URL-hash form of per-layer
// overrides (www/state.js) and the grouping and limits of the user's files (www/user-images.js).
// They need no browser and run with the end-to-end suite.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIELDS, formatOverrides, parseHash, parseOverrides, serializeHash } from '../../www/state.js';
import { MAX_CLASSES, MAX_IMAGES, groupFiles, limitProblem } from '../../www/user-images.js';

const defaults = {
  dataset: 'spiral', classes: 3, hidden: [64, 64], activation: 'relu', dropout: 0, norm: 'none',
  layer_overrides: [], optimizer: 'adam', momentum: 0.9, learning_rate: 0.01, epochs: 60,
};

test('layer overrides have a compact hash form that round-trips', () => {
  const overrides = [
    { layer: 3, activation: null, dropout: null, norm: 'batch' },
    { layer: 2, activation: 'tanh', dropout: 0.5, norm: null },
  ];
  assert.equal(formatOverrides(overrides), '2:a=tanh:d=0.5;3:n=batch');
  assert.deepEqual(parseOverrides('2:a=tanh:d=0.5;3:n=batch').value, [
    { layer: 2, activation: 'tanh', dropout: 0.5 },
    { layer: 3, norm: 'batch' },
  ]);
  // Long names and the JSON form are read too; an empty entry disappears.
  assert.deepEqual(parseOverrides('1:activation=elu;2').value, [{ layer: 1, activation: 'elu' }]);
  assert.deepEqual(parseOverrides('[{"layer":1,"dropout":0.25,"norm":null}]').value, [{ layer: 1, dropout: 0.25 }]);
  assert.match(parseOverrides('x:a=tanh').error, /not a layer number/);
  assert.match(parseOverrides('1:q=3').error, /a=activation, d=dropout or n=norm/);
  assert.match(parseOverrides('1:d=lots').error, /dropout "lots" is not a number/);

  const config = { ...defaults, layer_overrides: overrides };
  const hash = serializeHash(config, defaults);
  assert.match(hash, /(^|&)lo=2:a=tanh:d=0\.5;3:n=batch(&|$)/);
  assert.ok(!hash.includes('layer_overrides'), hash);
  const back = parseHash(`#${hash}`, defaults);
  assert.deepEqual(back.unknown, []);
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.config.layer_overrides, parseOverrides('2:a=tanh:d=0.5;3:n=batch').value);
  // No overrides, no `lo` in the link.
  assert.ok(!serializeHash(defaults, defaults).includes('lo='));
});

test('the hash writes applicable controls and changed values, and skips the rest', () => {
  const hash = serializeHash({ ...defaults, momentum: 0.8 }, defaults);
  // Momentum does not apply to Adam but differs from its default: it stays in the link.
  assert.match(hash, /&momentum=0\.8(&|$)/);
  assert.ok(!serializeHash(defaults, defaults).includes('momentum='), 'an unchanged, inapplicable field is left out');
  assert.match(serializeHash(defaults, defaults), /^dataset=spiral&classes=3&/);
  // Every field description names a group and has a tooltip.
  for (const f of FIELDS) {
    assert.ok(f.group && f.label && f.tooltip.length > 20, f.key);
  }
});

test('user files are grouped by sub-folder or by name prefix, and limits are named', () => {
  const file = (name, type = 'image/png', rel = '') => {
    const f = new File([new Uint8Array([1])], name, { type });
    if (rel) Object.defineProperty(f, 'webkitRelativePath', { value: rel });
    return f;
  };
  const byName = groupFiles([file('cat_1.png'), file('dog-2.jpg'), file('cat_x-y.png'), file('noclass.png'), file('cat_notes.txt', 'text/plain')], 'files');
  assert.deepEqual(byName.names, ['cat', 'dog']);
  assert.deepEqual(byName.entries.map((e) => e.name), ['cat', 'dog', 'cat']);
  assert.equal(byName.unassigned, 1);
  assert.equal(byName.notImages, 1);
  const byFolder = groupFiles([
    file('a.png', 'image/png', 'root/owl/a.png'),
    file('b.png', 'image/png', 'root/owl/deeper/b.png'),
    file('c.png', 'image/png', 'root/bat/c.png'),
    file('d.png', 'image/png', 'root/d.png'),
  ], 'folder');
  assert.deepEqual(byFolder.names, ['bat', 'owl']);
  assert.equal(byFolder.entries.length, 3);
  assert.equal(byFolder.unassigned, 1, 'a file outside the class folders');

  assert.equal(limitProblem(100, 4), null);
  assert.equal(limitProblem(MAX_IMAGES + 1, 4), 'Too many images: 20,001 image files; the limit is 20,000');
  assert.equal(limitProblem(500, MAX_CLASSES + 1), 'Too many classes: 101; the limit is 100');
  assert.match(limitProblem(500, 1), /^Need at least 2 classes, found 1/);
  assert.match(limitProblem(3, 2), /^Need at least 4 images, found 3/);
});

test('the curve history stays bounded and evenly spread over a long run, newest epoch kept', async () => {
  const { CurveHistory } = await import('../../www/curve-history.js');
  const h = new CurveHistory(64);
  const rec = (epoch) => ({ epoch, train_loss: 1 / epoch, val_loss: 2 / epoch, train_acc: 0.5, val_acc: 0.25, members_val_acc: [0.1, 0.2] });
  for (let e = 1; e <= 64; e++) h.push(rec(e));
  assert.equal(h.length, 64);
  assert.equal(h.stride, 1);
  for (let e = 65; e <= 200_000; e++) {
    h.push(rec(e));
    assert.ok(h.length <= 65, `${h.length} epochs kept at epoch ${e}`);
  }
  assert.equal(h.epoch.at(-1), 200_000);
  assert.equal(h.valLoss.at(-1), 2 / 200_000);
  assert.ok(h.length >= 32);
  // Every column has one value per kept epoch, all but the newest on the stride, in order.
  for (const col of h.columns()) assert.equal(col.length, h.length);
  const body = h.epoch.slice(0, -1);
  assert.ok(body.every((e) => e % h.stride === 0), `stride ${h.stride}`);
  assert.ok(body.every((e, i) => i === 0 || e === body[i - 1] + h.stride));
  assert.deepEqual(h.lastMembers, [10, 20]);
});

test('pacing holds a run a little ahead of the other until the other has ended', async () => {
  const { holdEpoch } = await import('../../www/pacing.js');
  const run = (epoch, playing, stepsPerChunk = 4, stepsPerEpoch = 14, end = {}) => ({ epoch, playing, stepsPerChunk, stepsPerEpoch, stopped: false, diverged: false, ...end });
  // Small chunks: the minimum slack of 2 epochs.
  assert.equal(holdEpoch(run(10, true), run(7, true)), 9);
  // Chunks of 140 steps are 10 epochs: two chunks' worth of slack.
  assert.equal(holdEpoch(run(10, true, 140), run(7, true)), 27);
  // A paused other run (or one whose first snapshot after Play has not come yet) holds too.
  assert.equal(holdEpoch(run(0, true), run(0, false)), 2);
  // The other run stopped early, diverged, or has no snapshot: no limit.
  assert.equal(holdEpoch(run(10, true), run(7, false, 4, 14, { stopped: true })), null);
  assert.equal(holdEpoch(run(10, true), run(7, false, 4, 14, { diverged: true })), null);
  assert.equal(holdEpoch(run(10, true), null), null);
  // Before the held run's first snapshot: the minimum slack.
  assert.equal(holdEpoch(null, run(0, true)), 2);
});
