// Owns the Node-side unit tests of the page's pure modules, run against the real schema of the
// wasm core (pkg/, built before this suite): the field words against the schema (every field has
// a label and a tooltip, no range or option list is written in JS), the URL hash typed by the
// schema and the compact form of per-layer overrides (www/config/url-hash.js), the grouping and
// limits of the user's files (www/config/user-images.js), the curve history and the comparison's
// hold rule. They need no browser (npm test runs tests/unit/ before the end-to-end suite).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { initSync, schema as coreSchema, config_facts as coreFacts, repair_config as coreRepair, even_indices as coreEvenIndices, history_kept_epochs as coreKeptEpochs } from '../../pkg/overfit.js';
import { FIELD_TEXT, fieldsFor } from '../../www/config/field-words.js';
import { Schema } from '../../www/config/schema.js';
import { formatOverrides, parseHash, parseList, parseOverrides, serializeHash } from '../../www/config/url-hash.js';
import { groupFiles, limitProblem } from '../../www/config/user-images.js';
import { configDiff } from '../../www/compare/compare.js';
import { nestsDeeperThan, tidyConfig } from '../../www/app/json-values.js';

initSync({ module: readFileSync(new URL('../../pkg/overfit_bg.wasm', import.meta.url)) });
const schema = new Schema(tidyConfig(coreSchema()));
const fields = fieldsFor(schema);
const defaults = schema.defaults();

test('every schema field has words (a label and a tooltip), and every word belongs to the schema', () => {
  const keys = new Set(schema.fields.map((f) => f.key));
  for (const f of schema.fields) {
    const t = FIELD_TEXT.find((x) => x.key === f.key);
    assert.ok(t, `${f.key} has no entry in config-fields.js`);
    assert.ok(t.label && t.label !== f.key, `${f.key} has no label`);
    assert.ok(t.tooltip && t.tooltip.length > 20, `${f.key} has no tooltip`);
    if (f.type === 'choice' || f.type === 'set') {
      for (const o of f.options) assert.ok(t.options?.[o], `${f.key}: option "${o}" has no text`);
    }
  }
  for (const t of FIELD_TEXT) {
    assert.ok(keys.has(t.key), `config-fields.js describes "${t.key}", which the core does not have`);
    // The words hold no range, option list or type: those are the core's.
    for (const k of ['min', 'max', 'integer', 'kind', 'group', 'default']) assert.ok(!(k in t), `${t.key} writes "${k}" in JS`);
    const spec = schema.field(t.key);
    for (const value of Object.keys(t.options ?? {})) {
      assert.ok(spec.options.includes(value), `${t.key}: "${value}" is not an option of the core`);
    }
  }
  // The descriptions carry the core's ranges and options.
  const lr = fields.find((f) => f.key === 'learning_rate');
  assert.equal(lr.max, schema.field('learning_rate').max);
  const points = fields.find((f) => f.key === 'points');
  assert.equal(points.min, 20, 'the points minimum is the core\'s (20), not a second copy');
  assert.deepEqual(fields.find((f) => f.key === 'activation').options.map((o) => o[0]), schema.field('activation').options);
});

test('no range, option list, dataset fact or limit is written again in www/', () => {
  const dir = new URL('../../www/', import.meta.url);
  const files = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.js'));
  const forbidden = [
    [/IMAGE_DATASETS|GENERATED\s*=|DATA_FIELDS|INIT_FIELDS/, 'a dataset or effect list'],
    [/MAX_(IMAGES|CLASSES|USER)\w*\s*=/, 'a user-image limit'],
    [/\[\s*'spiral'\s*,\s*'circles'/, 'a list of datasets'],
    [/\[\s*'sigmoid'\s*,|sigmoid:\s*\[?\s*'sigmoid'/, 'a list of activations'],
    [/macsPerPoint|augmentationActive/, 'network arithmetic the core does'],
    [/\b2048\b|2_048|CAPACITY\s*=\s*\d/, 'the core\'s bound on a run\'s epochs'],
    [/\b0\.99\b|\b0\.49\b/, 'the saturation threshold'],
    [/default_loss\s*\?\?|\.loss\s*=\s*schema\.dataset/, 'the rule for a missing loss'],
    [/function median\b|const median\b/, 'the sweep\'s medians'],
    [/normalizeOverrides\([^)]*\.length/, 'the rule for overrides of removed layers'],
    [/showWhen:[^\n]*(dataset\(c\)|isImage)/, 'which controls apply to a dataset'],
  ];
  for (const f of files) {
    const text = readFileSync(new URL(String(f), dir), 'utf8');
    for (const [re, what] of forbidden) assert.ok(!re.test(text), `www/${f} writes ${what} again`);
  }
});

test('a control shows exactly where the core says its field applies to the dataset', () => {
  const always = fields.filter((f) => !FIELD_TEXT.find((t) => t.key === f.key)?.showWhen);
  for (const d of schema.datasets.values()) {
    const config = { ...defaults, dataset: d.name };
    for (const f of always) assert.equal(f.applies(config), !d.ignores.includes(f.key), `${f.key} on ${d.name}`);
  }
  // Spot checks of the core's rule.
  const ignores = (name) => schema.dataset({ dataset: name }).ignores;
  assert.ok(ignores('few_points').includes('points') && ignores('sine').includes('label_noise') && ignores('spiral').includes('hflip'));
  assert.ok(!ignores('digits').includes('hflip') && !ignores('spiral').includes('points'));
});

test('the dataset facts come from the core', () => {
  assert.equal(schema.isImage({ dataset: 'digits' }), true);
  assert.equal(schema.isImage({ dataset: 'spiral' }), false);
  assert.equal(schema.dataset({ dataset: 'shapes' }).max_classes, 5);
  assert.equal(schema.dataset({ dataset: 'circles' }).fixed_classes, 2);
  assert.equal(schema.dataset({ dataset: 'nonsense' }).image, false);
  const classes = fields.find((f) => f.key === 'classes');
  assert.equal(classes.applies({ ...defaults, dataset: 'digits' }), false);
  assert.equal(classes.applies({ ...defaults, dataset: 'user' }), true);
  assert.equal(classes.enabledWhen({ ...defaults, dataset: 'user' }), false);
  assert.equal(fields.find((f) => f.key === 'hflip').applies({ ...defaults, dataset: 'arrows' }), true);
  assert.equal(fields.find((f) => f.key === 'hflip').applies(defaults), false);
});

test('the core decides whether two configs share data and initial weights', () => {
  const facts = (c) => coreFacts({ ...defaults, ...c });
  const base = facts({});
  assert.equal(facts({ learning_rate: 0.5 }).weights_key, base.weights_key);
  assert.equal(facts({ activation: 'tanh' }).weights_key, base.weights_key);
  assert.notEqual(facts({ activation: 'maxout' }).weights_key, base.weights_key, 'maxout has k pieces per unit');
  assert.notEqual(facts({ seed: 2 }).data_key, base.data_key);
  assert.equal(facts({ hflip: 0.5 }).augmented, false, 'no augmentation on 2D data');
  assert.equal(facts({ dataset: 'digits', hflip: 0.5 }).augmented, true);
  // The difference list leaves out what does nothing to training.
  const diff = configDiff(defaults, { ...defaults, lab_depth: 3, dropout: 0.5 }, fields);
  assert.deepEqual(diff.map((d) => d.key), ['dropout']);
});

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
  const hash = serializeHash(config, fields);
  assert.match(hash, /(^|&)lo=2:a=tanh:d=0\.5;3:n=batch(&|$)/);
  assert.ok(!hash.includes('layer_overrides'), hash);
  const back = parseHash(`#${hash}`, schema);
  assert.deepEqual(back.unknown, []);
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.config.layer_overrides, parseOverrides('2:a=tanh:d=0.5;3:n=batch').value);
  // No overrides, no `lo` in the link.
  assert.ok(!serializeHash(defaults, fields).includes('lo='));
});

test('the hash writes applicable controls and changed values, and skips the rest', () => {
  const hash = serializeHash({ ...defaults, momentum: 0.8 }, fields);
  // Momentum does not apply to Adam but differs from its default: it stays in the link.
  assert.match(hash, /&momentum=0\.8(&|$)/);
  assert.ok(!serializeHash(defaults, fields).includes('momentum='), 'an unchanged, inapplicable field is left out');
  assert.match(serializeHash(defaults, fields), /^dataset=spiral&classes=3&/);
  // Values are read by the schema's types.
  const { config, problems } = parseHash('#points=300&color=1&hidden=8,4&activation=tanh&learning_rate=x', schema);
  assert.equal(config.points, 300);
  assert.equal(config.color, true);
  assert.deepEqual(config.hidden, [8, 4]);
  assert.equal(config.activation, 'tanh');
  assert.deepEqual(problems, ['learning_rate: "x" is not a number']);
});

test('a link gives the core only its own keys, and the core fills the rest (a missing loss is the dataset\'s)', () => {
  const { given, config } = parseHash('#dataset=gaussians&points=300', schema);
  assert.deepEqual(given, { dataset: 'gaussians', points: 300 });
  assert.ok(!('loss' in given), 'the page does not decide the missing loss');
  const repaired = coreRepair(given);
  assert.deepEqual(Array.from(repaired.problems), []);
  assert.equal(repaired.config.loss, schema.dataset(config).default_loss);
  assert.notEqual(repaired.config.loss, schema.defaults().loss, 'a regression set does not train with the softmax default');
  // A link that names its loss keeps it.
  assert.equal(parseHash('#dataset=gaussians&loss=huber', schema).given.loss, 'huber');
});

test('an absurdly long list in a link, a field or a file is refused before it is split', () => {
  const max = schema.limits.max_layers;
  const many = Array(5000).fill('1').join(',');
  const t0 = performance.now();
  const { config, problems } = parseHash(`#hidden=${many}&lo=${Array(5000).fill('1:a=tanh').join(';')}`, schema);
  const ms = performance.now() - t0;
  assert.deepEqual(config.hidden, defaults.hidden);
  assert.ok(problems.some((p) => p.startsWith(`hidden: at most ${max} layers, got 5000`)), problems.join(' | '));
  assert.ok(problems.some((p) => p.startsWith('layer_overrides: at most')), problems.join(' | '));
  assert.match(parseList(Array(3000).fill('8').join(', '), 'Hidden layers', max).error, /at most 16 layers, got 3000/);
  console.log(`# a 5,000-entry hidden list and 5,000 overrides parsed in ${ms.toFixed(1)} ms`);
  // Deep nesting in an imported file is found without recursion.
  let deep = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(nestsDeeperThan({ hidden: deep }, 8), true);
  assert.equal(nestsDeeperThan({ hidden: [64, 64], layer_overrides: [{ layer: 1 }] }, 8), false);
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

  const limits = schema.limits;
  assert.equal(limitProblem(100, 4, limits), null);
  assert.equal(limitProblem(limits.user_images_max + 1, 4, limits), 'Too many images: 20,001 image files; the limit is 20,000');
  assert.equal(limitProblem(500, limits.user_classes_max + 1, limits), 'Too many classes: 101; the limit is 100');
  assert.match(limitProblem(500, 1, limits), /^Need at least 2 classes, found 1/);
  assert.match(limitProblem(3, 2, limits), /^Need at least 4 images, found 3/);
  // 6,000 colour images of 32 x 32 take 70 MB: refused before they are decoded.
  assert.match(limitProblem(6000, 2, limits, 6000 * 32 * 32 * 3 * 4), /^Too much pixel data: 6,000 images at this size take 71 MB, more than the limit of 64 MB/);
});

test('the curve history stays bounded and evenly spread over a long run, newest epoch kept', async () => {
  const { CurveHistory } = await import('../../www/training/curve-history.js');
  const h = new CurveHistory(64);
  const rec = (epoch) => ({ epoch, train_loss: 1 / epoch, val_loss: 2 / epoch, train_score: 0.5, val_score: 0.25, members_val_score: [0.1, 0.2] });
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

test('the page thins curves with the core\'s rules: the same kept epochs, the same even indices', async () => {
  const { CurveHistory, evenIndices } = await import('../../www/training/curve-history.js');
  const capacity = schema.limits.history_capacity;
  assert.ok(Number.isInteger(capacity) && capacity >= 64, `the core's bound: ${capacity}`);
  for (const [epochs, cap] of [[10, 8], [100, 8], [1000, 16], [5000, 64], [3 * capacity + 7, capacity]]) {
    const h = new CurveHistory(cap);
    for (let e = 1; e <= epochs; e++) h.push({ epoch: e, train_loss: 1, val_loss: 1, train_score: 0, val_score: 0, members_val_score: [] });
    assert.deepEqual(h.epoch, Array.from(coreKeptEpochs(epochs, cap)), `${epochs} epochs, bound ${cap}`);
  }
  for (let n = 0; n <= 300; n += 7) {
    for (const max of [1, 2, 3, 5, 64, 200]) {
      assert.deepEqual(evenIndices(n, max), Array.from(coreEvenIndices(n, max)), `n ${n}, max ${max}`);
    }
  }
});

test('pacing holds a run a little ahead of the other until the other has ended', async () => {
  const { holdEpoch } = await import('../../www/compare/pacing.js');
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

test('ARCHITECTURE.md names every source file of the core and the page', async () => {
  const { readdirSync: list, readFileSync: read } = await import('node:fs');
  const root = new URL('../../', import.meta.url);
  const map = read(new URL('ARCHITECTURE.md', root), 'utf8').split('\n');
  const missing = [];
  for (const dir of ['src', 'www']) {
    for (const f of list(new URL(`${dir}/`, root), { recursive: true })) {
      const file = `${dir}/${String(f)}`;
      if (!/\.(rs|js|py|css|svg)$/.test(file)) continue;
      const folder = file.slice(0, file.lastIndexOf('/') + 1);
      const base = file.slice(folder.length);
      // Named in full, or by its name on a line that names its folder.
      const named = map.some((line) => line.includes(`\`${file}\``) || (line.includes(folder) && line.includes(`\`${base}\``)));
      if (!named) missing.push(file);
    }
  }
  assert.deepEqual(missing, [], 'files the code map does not name');
  // And every file it names in full is there.
  const { existsSync } = await import('node:fs');
  const named = [...map.join('\n').matchAll(/`((?:src|www|tests|scripts|bench)\/[\w./-]+\.\w+)`/g)].map((m) => m[1]);
  assert.ok(named.length > 100, `${named.length} paths named`);
  assert.deepEqual(named.filter((p) => !existsSync(new URL(p, root))), [], 'paths the code map names that are not in the tree');
});
