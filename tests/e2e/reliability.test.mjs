// Owns the end-to-end tests of faults and races: a panic inside wasm is reported with the core's
// own message and the page offers a restart that keeps the config; a worker that stops answering
// is noticed and can be replaced; Play, Pause, Step, Reset and config edits clicked in any order
// at full speed leave exactly one worker and no training loop behind a Pause.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useEnv, withPage, waitReady, figure, waitFigure, setControl, play, pause, waitPaused, ARTIFACTS } from './harness.mjs';

const env = useEnv();


/** The step count of the newest snapshot the page received (not throttled by drawing). */
const snapshotStep = (page) => page.evaluate(() => Number(document.body.dataset.step));

/** Waits until the browser lists exactly `n` workers of the page (a terminated one may linger briefly). */
async function waitWorkers(page, n, timeout = 5000) {
  const t0 = Date.now();
  while (page.workers().length !== n) {
    if (Date.now() - t0 > timeout) assert.fail(`${page.workers().length} workers, expected ${n}`);
    await page.waitForTimeout(100);
  }
}

test('a panic inside wasm is reported, and Restart brings training back with the same config', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await setControl(page, 'Learning rate', 0.02);
    await page.waitForFunction(() => location.hash.includes('learning_rate=0.02'));
    await play(page);
    await waitFigure(page, 'epoch', '>=', 3);
    assert.equal(page.workers().length, 1);

    await page.evaluate(() => window.overfitDebug.post({ type: 'debug-panic', message: 'injected fault 42' }));
    const message = page.getByTestId('message');
    await page.waitForFunction(() => document.body.dataset.fault === 'fatal');
    const text = await message.textContent();
    assert.match(text, /Training stopped because the core panicked: .*injected fault 42/, text);
    assert.match(text, /src\/wasm\.rs/, 'the panic names its source location');
    // The failed worker is gone; the page itself still answers and keeps its curves and config.
    await waitPaused(page);
    await waitWorkers(page, 0);
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.02');
    assert.ok((await figure(page, 'epoch')) >= 3, 'the last figures stay on screen');
    await page.screenshot({ path: path.join(ARTIFACTS, 'panic-restart-offered.png') });

    await page.getByTestId('restart-worker').click();
    await page.waitForFunction(() => document.body.dataset.restarts === '1' && !document.body.dataset.fault);
    await waitReady(page);
    await page.waitForFunction(() => (document.querySelector('[data-testid="message"]').textContent ?? '') === '');
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.02');
    assert.match(await page.evaluate(() => location.hash), /learning_rate=0\.02/);
    await play(page);
    await waitFigure(page, 'val-acc', '>', 50, 60_000);
    assert.equal(page.workers().length, 1, 'exactly one worker after the restart');
  });
});

test('a worker that stops answering is reported, and Restart replaces it', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await play(page);
    await waitFigure(page, 'step', '>', 100);
    // The worker is busy for a minute: the watchdog must notice within its 10 s (plus a second).
    const t0 = Date.now();
    await page.evaluate(() => window.overfitDebug.post({ type: 'debug-hang', ms: 60_000 }));
    await page.waitForFunction(() => document.body.dataset.fault === 'silent', null, { timeout: 20_000 });
    const waited = Date.now() - t0;
    assert.ok(waited >= 9_000 && waited < 15_000, `reported after ${waited} ms`);
    assert.match(await page.getByTestId('message').textContent(), /has not answered for 1\d s/);
    // The page stays responsive meanwhile: the help overlay opens and closes.
    await page.keyboard.press('?');
    await page.waitForSelector('#help:not([hidden])');
    await page.keyboard.press('Escape');
    await page.getByTestId('restart-worker').click();
    await waitReady(page);
    await play(page);
    await waitFigure(page, 'step', '>', 50, 20_000);
    await waitWorkers(page, 1);
  });
});

test('Play, Pause, Step, Reset and config edits in any order at full speed leave one worker and no stray loop', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    // A fixed pseudo-random sequence of 300 actions, sent as fast as the page takes them.
    await page.evaluate(async () => {
      let x = 12345;
      const rand = (n) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return (x >>> 8) % n;
      };
      const click = (id) => document.getElementById(id).click();
      const edit = (label, value) => {
        const input = [...document.querySelectorAll('label')].find((l) => l.textContent.trim().startsWith(label))?.control
          ?? document.querySelector(`[aria-label="${label}"]`);
        input.value = String(value);
        input.dispatchEvent(new Event('change', { bubbles: true }));
      };
      for (let i = 0; i < 300; i++) {
        const r = rand(10);
        if (r < 3) click('play');
        else if (r < 5) click('pause');
        else if (r < 6) click('step');
        else if (r < 7) click('reset');
        else if (r < 8) edit('Learning rate', [0.01, 0.03, 0.003][rand(3)]);
        else if (r < 9) edit('Batch size', [16, 32, 64][rand(3)]);
        else document.dispatchEvent(new KeyboardEvent('keydown', { key: ' ' }));
        if (i % 25 === 0) await new Promise((r2) => setTimeout(r2, 0));
      }
    });
    // The last word is Pause: once the worker has handled everything (a ping answered after all
    // earlier messages), training must be at rest and stay there.
    await pause(page);
    await page.evaluate(() => window.overfitDebug.sync());
    const rest = await snapshotStep(page);
    await page.waitForTimeout(1500);
    assert.equal(await snapshotStep(page), rest, 'no training loop runs after Pause');
    assert.equal(await page.evaluate(() => document.body.dataset.playing), 'false');
    await waitWorkers(page, 1);
    // Play still trains; Pause then Reset brings the step to 0 and keeps it there.
    await play(page);
    await waitFigure(page, 'step', '>', rest + 50);
    await page.evaluate(async () => {
      document.getElementById('pause').click();
      document.getElementById('reset').click();
      await window.overfitDebug.sync();
    });
    const afterReset = await snapshotStep(page);
    assert.equal(afterReset, 0, 'Reset after Pause starts a new run that does not train');
    await page.waitForTimeout(1500);
    assert.equal(await snapshotStep(page), afterReset);
    await waitWorkers(page, 1);
  });
});
