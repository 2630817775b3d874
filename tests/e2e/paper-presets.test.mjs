// Owns the end-to-end tests of the presets that reproduce a paper (presets/experiments.json,
// those with a `paper`; their shapes over more seeds are asserted natively in
// tests/paper_presets.rs): each one loaded from the Experiments tab shows its citation, runs on
// 2 workers with a progress bar and an estimate of the time left, draws the paper's numbers
// behind its own, and ends with the shape its sentence promises; the page's records are the
// numbers `overfit sweep` prints for the same spec. The run times are printed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { useEnv, withPage, ROOT, ARTIFACTS } from './harness.mjs';

const presets = JSON.parse(readFileSync(new URL('../../presets/experiments.json', import.meta.url), 'utf8'));
const env = useEnv();

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** The median across seeds of a record figure, in percent for scores (error = 100 − score). */
const med = (records, value, series, f) => median(records.filter((r) => r.value === value && (r.series ?? null) === series).map(f));
const valErr = (r) => 100 * (1 - r.final_val_score);
const trainErr = (r) => 100 * (1 - r.final_train_score);

/** `overfit sweep` on a spec on 2 threads: the records by run and the wall time in seconds. */
function cli(spec) {
  execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const t0 = Date.now();
  const out = execFileSync(path.join(ROOT, 'target/release/overfit'), ['sweep', '-', '--threads', '2'], { input: JSON.stringify(spec), encoding: 'utf8', maxBuffer: 1 << 28 });
  const secs = (Date.now() - t0) / 1000;
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  lines.pop();
  return { records: lines.sort((a, b) => a.run - b.run), secs };
}

/**
 * Loads preset `id` in the Experiments tab and runs it on 2 workers; checks the citation, the
 * progress bar and the time left while it runs. Returns its records and the page's wall time.
 */
async function runPaperPreset(page, id) {
  const preset = presets.find((p) => p.id === id);
  await page.getByRole('tab', { name: 'Experiments' }).click();
  await page.waitForFunction(() => document.body.dataset.sweepReady === 'true');
  await page.getByTestId('sweep-preset').selectOption(id);
  await page.waitForFunction(() => document.body.dataset.applied && /dataset=mnist1d/.test(location.hash));
  const cite = await page.getByTestId('sweep-preset-cite').textContent();
  assert.ok(cite.includes(preset.paper.cite) && cite.includes(preset.paper.differs), `the citation and what differs: ${cite}`);
  await page.locator('#sweep-workers').fill('2');
  await page.evaluate(() => window.overfitDebug.sync());
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await page.waitForFunction(() => document.body.dataset.sweep === 'running');
  assert.equal(await page.getByTestId('sweep-progress').isVisible(), true, 'a progress bar while it runs');
  // An estimate of the time left appears once a little of the work is done.
  await page.waitForFunction(() => Number(document.body.dataset.sweepLeftMs) > 0 || document.body.dataset.sweep === 'done', null, { timeout: 120_000 });
  const status = await page.getByTestId('sweep-status').textContent();
  console.log(`# ${id}: status while running: "${status}"`);
  await page.waitForFunction(() => document.body.dataset.sweep === 'done', null, { timeout: 900_000 });
  assert.equal(await page.getByTestId('sweep-progress').isVisible(), false, 'no progress bar once done');
  const ms = Number(await page.evaluate(() => document.body.dataset.sweepMs));
  const records = await page.evaluate(() => window.overfitDebug.sweep.records());
  assert.equal(records.length, preset.spec.values.length * (preset.spec.series?.values.length ?? 1) * preset.spec.seeds);
  // The paper's numbers are drawn behind (under the preset's own metric).
  const drawn = await page.evaluate(() => window.overfitDebug.sweep.referencePoints());
  const published = preset.paper.lines.reduce((n, l) => n + l.points.filter(([x]) => x >= Math.min(...preset.spec.values) && x <= Math.max(...preset.spec.values)).length, 0);
  assert.equal(drawn, published, 'every published point inside the sweep\'s range is drawn');
  await page.locator('#sweep-chart').screenshot({ path: path.join(ARTIFACTS, `paper-${id}.png`) });
  console.log(`# ${id}: ${records.length} runs in the page on 2 workers in ${(ms / 1000).toFixed(1)} s; ${drawn} published points drawn`);
  return { preset, records, ms };
}

/** The page's records are `overfit sweep`'s on the same spec (the same core, the same bits). */
function sameAsCli(id, spec, records) {
  const { records: c, secs } = cli(spec);
  assert.equal(c.length, records.length);
  for (const [i, r] of records.sort((a, b) => a.run - b.run).entries()) {
    for (const k of ['final_train_loss', 'final_val_loss', 'final_train_score', 'final_val_score', 'best_val_score', 'fit_epoch']) {
      assert.ok(r[k] === c[i][k] || Math.abs(r[k] - c[i][k]) <= 1e-6, `${id} run ${i} ${k}: page ${r[k]}, CLI ${c[i][k]}`);
    }
  }
  console.log(`# ${id}: overfit sweep (2 threads) gives the page's numbers for all ${c.length} runs, in ${secs.toFixed(1)} s`);
}

test('double descent in the page: a peak where training error reaches 0, a second descent, the notebook\'s curve behind', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const { preset, records } = await runPaperPreset(page, 'double-descent');
    const widths = preset.spec.values;
    const val = widths.map((w) => med(records, w, null, valErr));
    const train = widths.map((w) => med(records, w, null, trainErr));
    console.log(`# double-descent (page): width: train / val error % ${widths.map((w, i) => `${w}: ${train[i].toFixed(1)} / ${val[i].toFixed(1)}`).join(', ')}`);
    const t = train.findIndex((e) => e < 1);
    assert.ok(t > 0, `some width fits its training labels: ${train}`);
    const peak = Math.max(...val.slice(Math.max(0, t - 2), t + 3));
    const firstMin = Math.min(...val.slice(0, Math.max(1, t - 2)));
    const tailMin = Math.min(...val.slice(-4));
    assert.ok(peak >= firstMin + 3 && tailMin <= peak - 3, `a peak (${peak}) above the first minimum (${firstMin}) and the widest (${tailMin})`);
    sameAsCli('double-descent', preset.spec, records);
  });
});

test('random labels in the page: every training set fitted, later the more labels are random, validation at chance; the CLI agrees', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const { preset, records } = await runPaperPreset(page, 'random-labels');
    const fit = preset.spec.values.map((v) => med(records, v, 'none', (r) => r.fit_epoch));
    const val = preset.spec.values.map((v) => med(records, v, 'none', valErr));
    console.log(`# random-labels (page): label noise: epochs to fit / val error % ${preset.spec.values.map((v, i) => `${v}: ${fit[i]} / ${val[i].toFixed(1)}`).join(', ')}`);
    assert.ok(fit.every((f) => Number.isFinite(f)), `every run fits its training labels: ${fit}`);
    assert.ok(fit[fit.length - 1] >= 1.8 * fit[0], `random labels take far longer: ${fit}`);
    assert.ok(val[val.length - 1] >= 85 && val[0] <= 50, `chance at full corruption: ${val}`);
    // The chart's Epochs to fit view draws one dot per fitted run.
    await page.locator('#sweep-metric').selectOption('fit');
    await page.waitForFunction((n) => window.overfitDebug.sweep.dots() === n, records.length);
    sameAsCli('random-labels', preset.spec, records);
  });
});

test('BatchNorm vs GroupNorm vs LayerNorm in the page: BatchNorm rises at batch 2, the others stay flat; the CLI agrees', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const { preset, records } = await runPaperPreset(page, 'norm-batch-paper');
    const row = (norm) => preset.spec.values.map((b) => med(records, b, norm, valErr));
    const [bn, gn, ln] = ['batch', 'group', 'layer'].map(row);
    console.log(`# norm-batch-paper (page): batch ${preset.spec.values.join('/')}: BN ${bn.map((e) => e.toFixed(1)).join('/')}, GN ${gn.map((e) => e.toFixed(1)).join('/')}, LN ${ln.map((e) => e.toFixed(1)).join('/')}`);
    assert.ok(bn[0] >= bn[bn.length - 1] + 20, `BatchNorm rises at batch 2: ${bn}`);
    for (const r of [gn, ln]) assert.ok(Math.max(...r) - Math.min(...r) <= 8, `flat: ${r}`);
    sameAsCli('norm-batch-paper', preset.spec, records);
  });
});
