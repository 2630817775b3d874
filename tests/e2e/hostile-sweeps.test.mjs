// Owns the end-to-end tests of hostile input to sweeps and demo links (round three): cancelled
// sweeps never evict finished ones and a reload mid-sweep keeps the finished runs; damaged kept
// sweeps are dropped and counted, never crash the view; a sweep from a file, a link or storage is
// checked by the core when it is loaded, with the message `overfit sweep` prints; demo links with
// a bad seed or an unknown demo say so; a config file's recorded arithmetic is checked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { hashPart } from '../../www/experiments/sweep-store.js';
import { useEnv, withPage, openExperiments, ROOT } from './harness.mjs';

const env = useEnv();

const waitSweep = (page, state, timeout = 120_000) => page.waitForFunction((s) => document.body.dataset.sweep === s, state, { timeout });
const sweepStatus = (page) => page.getByTestId('sweep-status').textContent();
const message = (page) => page.getByTestId('message').textContent();
/** The problems a page recorded, less the fetches a reload or a terminated worker aborted. */
const unexpected = (problems) => problems.filter((p) => !/^requestfailed: \S+ net::ERR_ABORTED$/.test(p));

/** What `overfit sweep` prints on stderr for a spec, without its "overfit: " prefix. */
function cliRefusal(spec) {
  execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const out = spawnSync(path.join(ROOT, 'target/release/overfit'), ['sweep', '-'], { input: JSON.stringify(spec), encoding: 'utf8' });
  assert.equal(out.status, 2, out.stderr);
  return out.stderr.trim().replace(/^overfit: /, '');
}

test('cancelled sweeps do not evict a finished one, and a reload mid-sweep keeps the finished runs', async () => {
  const small = { knob: 'l2', values: [0, 0.01], seeds: 1, epochs: 2 };
  await withPage(env, `dataset=circles${hashPart(small)}`, async ({ page, problems }) => {
    await page.waitForFunction(() => document.body.dataset.sweepReady === 'true' && document.body.dataset.sweepLoaded);
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await waitSweep(page, 'done');
    assert.equal(await page.evaluate(() => document.body.dataset.sweepsKept), '1');
    assert.match(await sweepStatus(page), /^2 runs finished/);
    // Five sweeps too long to finish, each cancelled at once: none takes the finished one's slot.
    await page.locator('#sweep-values').fill('0, 0.001, 0.01');
    await page.locator('#sweep-epochs').fill('3000');
    for (let i = 0; i < 5; i++) {
      await page.getByRole('button', { name: 'Run sweep' }).click();
      await waitSweep(page, 'running');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await waitSweep(page, 'cancelled');
    }
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('overfit.sweeps.v1')));
    assert.ok(kept.some((s) => s.state === 'done' && s.records.length === 2), `the finished sweep is kept: ${kept.map((s) => `${s.state}/${s.records.length}`)}`);
    assert.ok(kept.every((s) => s.records.length > 0), 'no empty cancelled sweep takes a slot');

    // A sweep of one quick run and one long one, on one worker: reloaded once the quick one
    // finished, it is kept with that run.
    await page.locator('#sweep-knob').selectOption('width');
    await page.locator('#sweep-values').fill('2, 1024');
    await page.locator('#sweep-epochs').fill('300');
    await page.locator('#sweep-seeds').fill('1');
    await page.locator('#sweep-workers').fill('1');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => Number(document.body.dataset.sweepRecords) >= 1, null, { timeout: 60_000 });
    await page.waitForFunction(() => (JSON.parse(localStorage.getItem('overfit.sweeps.v1')) ?? []).some((s) => s.state === 'running' && s.records.length === 1), null, { timeout: 10_000 });
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.sweepReady === 'true');
    const options = await page.locator('#sweep-saved option').allTextContents();
    assert.ok(options.some((o) => /1 run \(interrupted\)/.test(o)), options.join(' | '));
    // Cancel and the reload end the pool's workers, some while they still fetch the wasm: those aborted
    // fetches are the only problems.
    assert.deepEqual(unexpected(problems), []);
  });
});

test('damaged kept sweeps are dropped and counted, and the view keeps working', async () => {
  const good = { id: 's1', started: '2026-01-01T00:00:00Z', spec: { knob: 'l2', values: [0, 0.01], seeds: 1, epochs: 2, config: {} }, records: [], state: 'done', ms: 10 };
  const rec = { run: 0, value: 0, series: null, seed: 1, epochs: 2, steps: 20, final_train_loss: 0.5, final_val_loss: 0.5, final_train_score: 0.8, final_val_score: 0.7, best_train_loss: 0.5, best_val_loss: 0.5, best_train_score: 0.8, best_val_score: 0.7, best_epoch: 2, early_stopped: false, diverged: false };
  const stored = [
    { ...good, records: [rec, { ...rec, run: 1, curve: { epoch: [1, 2], train_loss: [1] } }], workers: 1e9 },
    { ...good, id: 's2', spec: { ...good.spec, values: 'zz' } },
    { ...good, id: 's3', spec: { ...good.spec, knob: { evil: true } } },
    { ...good, id: 's1' },
    // Well formed, but a value the core refuses: dropped with the core's message.
    { ...good, id: 's4', spec: { ...good.spec, knob: 'width', values: [0] } },
  ];
  await withPage(env, 'dataset=circles', async ({ page, problems }) => {
    await page.evaluate((s) => localStorage.setItem('overfit.sweeps.v1', JSON.stringify(s)), stored);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await openExperiments(page);
    const status = await sweepStatus(page);
    assert.match(status, /3 kept sweeps and 1 run of the kept sweeps could not be read/);
    assert.match(status, /1 kept sweep was dropped: values: /);
    const options = await page.locator('#sweep-saved option').allTextContents();
    assert.ok(!options.some((o) => o.includes('[object Object]')), options.join(' | '));
    assert.equal(await page.evaluate(() => document.body.dataset.sweepsKept), '1', 'one of five is sound');
    // The view still runs a sweep (the kept one's spec, in the form: two runs of two epochs).
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await waitSweep(page, 'done');
    assert.match(await sweepStatus(page), /^2 runs finished/);
    assert.deepEqual(unexpected(problems), []);
  });
  // The sweep the core refuses is dropped with the message overfit sweep prints.
  await withPage(env, 'dataset=circles', async ({ page, problems }) => {
    await page.evaluate((s) => localStorage.setItem('overfit.sweeps.v1', JSON.stringify(s)), [stored[4]]);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await openExperiments(page);
    const expected = cliRefusal(stored[4].spec);
    assert.equal(await sweepStatus(page), `1 kept sweep was dropped: ${expected}.`.replace(/\.\.$/, '.'));
    assert.deepEqual(unexpected(problems), []);
  });
});

test('a sweep file, a sweep link and the CLI refuse the same bad spec with the same message', async () => {
  const bad = { knob: 'l2', values: [0, 0.01], config: { dataset: 'sine', loss: 'softmax' } };
  const expected = cliRefusal(bad);
  assert.match(expected, /^config\.loss: /);
  await withPage(env, 'dataset=circles&points=300', { problems: 'none' }, async ({ page }) => {
    await openExperiments(page);
    const before = await page.evaluate(() => location.hash);
    await page.locator('#sweep-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.waitForFunction(() => document.body.dataset.sweepError === 'config.loss');
    assert.equal(await sweepStatus(page), `Refused bad.json: ${expected}.`.replace(/\.\.$/, '.'));
    // The settings did not change.
    assert.ok((await page.evaluate(() => location.hash)).startsWith(before.split('&sweep=')[0]));
    assert.doesNotMatch(await message(page), /Ignored a value/);
    // A file nested 2,000 levels deep is refused before it reaches a worker.
    const deep = `${'{"config":'.repeat(2000)}{}${'}'.repeat(2000)}`;
    await page.locator('#sweep-import').setInputFiles({ name: 'deep.json', mimeType: 'application/json', buffer: Buffer.from(deep) });
    await page.waitForFunction(() => /deep\.json/.test(document.querySelector('[data-testid="sweep-status"]').textContent));
    assert.match(await sweepStatus(page), /Refused deep\.json nests deeper than 8 levels/);
  });
  const withConfig = `dataset=circles&sweep=${encodeURIComponent(JSON.stringify(bad))}`;
  await withPage(env, withConfig, { problems: 'none' }, async ({ page }) => {
    await page.waitForFunction(() => document.body.dataset.sweepReady === 'true' && document.body.dataset.sweepError);
    assert.equal(await sweepStatus(page), `Refused the link: ${expected}.`.replace(/\.\.$/, '.'));
  });
  // Nested values in a link: refused, never written into the form as "[object Object]".
  const nested = `dataset=circles&sweep=${encodeURIComponent(JSON.stringify({ knob: 'l2', values: [0.1, { a: 1 }] }))}`;
  await withPage(env, nested, { problems: 'none' }, async ({ page }) => {
    await page.waitForFunction(() => document.body.dataset.sweepReady === 'true' && document.body.dataset.sweepError);
    assert.match(await sweepStatus(page), /^Refused the link: values/);
    assert.doesNotMatch(await page.locator('#sweep-values').inputValue(), /object|undefined/);
  });
});

test('demo links: a bad seed is named and the demo runs with its own; an unknown demo is named', async () => {
  for (const seed of ['-1', 'abc', '1e30']) {
    await withPage(env, `demo=l2-rescue&seed=${seed}`, { problems: 'none' }, async ({ page }) => {
      await page.waitForFunction(() => document.body.dataset.demo === 'l2-rescue');
      assert.match(await message(page), /Ignored a value in the demo link: seed: ".*" is not a whole number from 0 to \d+; the demo runs with its own seed/);
      assert.doesNotMatch(await message(page), /Ignored unknown setting/);
    });
  }
  await withPage(env, 'demo=unknown', { problems: 'none' }, async ({ page }) => {
    await page.waitForFunction(() => /does not exist/.test(document.querySelector('[data-testid="message"]').textContent));
    const text = await message(page);
    assert.match(text, /lecture demo "unknown" that does not exist: the Lecture demos menu lists them/);
    assert.doesNotMatch(text, /Ignored unknown setting "demo"/);
  });
});

test('a config file\'s recorded arithmetic is checked by the core, and its notes name the file', async () => {
  await withPage(env, 'dataset=circles', { problems: 'none' }, async ({ page }) => {
    const file = { dataset: 'moons', arithmetic: 'bogus' };
    await page.locator('#import-config').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.waitForFunction(() => /arithmetic/.test(document.querySelector('[data-testid="message"]').textContent));
    const text = await message(page);
    assert.match(text, /Ignored a value in run\.json: arithmetic: the recorded arithmetic is separate or fused/);
    assert.match(await page.evaluate(() => location.hash), /dataset=moons/);
  });
});
