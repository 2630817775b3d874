// Owns the end-to-end tests of the arithmetic mode in Chromium: the page loads the build its
// engine supports (www/wasm-loader.js: fused where relaxed madd is fused, else separate) and
// says so, the loaded build reproduces the native loss curve of its mode bit for bit, and the
// exported config records the mode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useEnv, withPage, ROOT } from './harness.mjs';

const env = useEnv();

const FIXTURES = {
  separate: 'tests/fixtures/reference_losses.json',
  fused: 'tests/fixtures/reference_losses_fused.json',
};

test('the page runs the build its engine supports, says which, and records it in the export', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const probe = await page.evaluate(async () => (await import('/www/wasm-loader.js')).probeRelaxedMadd());
    const expected = probe === 'fused' ? 'fused' : 'separate';
    assert.equal(await page.evaluate(() => document.body.dataset.arithmetic), expected, `probe: ${probe}`);
    assert.equal((await page.getByTestId('arithmetic').textContent()).trim(), expected);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export config', exact: true }).click()]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(exported.arithmetic, expected);
  });
});

test("the loaded build reproduces the native curve of its mode bit for bit (Chromium's engine)", async (t) => {
  await withPage(env, async ({ page }) => {
    const { arithmetic, losses } = await page.evaluate(async () => {
      const { loadWasm } = await import('/www/wasm-loader.js');
      const { wasm, arithmetic } = await loadWasm();
      const session = new wasm.Session(wasm.default_config());
      const losses = [];
      for (let i = 0; i < 60; i++) losses.push(session.run(1).batch_loss);
      session.free();
      return { arithmetic, losses };
    });
    t.diagnostic(`Chromium loaded the ${arithmetic} build`);
    const stored = JSON.parse(readFileSync(path.join(ROOT, FIXTURES[arithmetic]), 'utf8')).find((r) => r.name === 'default spiral');
    assert.equal(losses.length, stored.losses.length);
    stored.losses.forEach((want, i) => assert.equal(losses[i], Math.fround(want), `${arithmetic} step ${i}`));
  });
});
