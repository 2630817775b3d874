// Owns the end-to-end tests of the page shell: clean load (no console, page or CSP errors),
// accessible controls, the URL hash round trip, and config errors shown without stopping training.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useEnv, withPage, waitReady, figure, waitFigure, setControl, stepToEpoch, play, pause, playUntilEpoch, ARTIFACTS } from './harness.mjs';

const env = useEnv();

const LABELS = [
  'Dataset', 'Classes', 'Noise', 'Points', 'Validation split', 'Seed',
  'Hidden layers', 'Activation', 'Optimizer', 'Learning rate', 'Batch size',
];

test('the page loads with no console errors, no page errors and no CSP violations', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    // The page is cross-origin isolated (COOP + COEP) and carries a CSP that allows only 'self'.
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /https?:|\*/, 'no remote origin is allowed');

    // Every control and button is reachable by its exact accessible name and has a tooltip.
    for (const label of LABELS) {
      const control = page.getByLabel(label, { exact: true });
      assert.equal(await control.count(), 1, `one control named "${label}"`);
      assert.ok((await control.getAttribute('title'))?.length > 10, `"${label}" has a tooltip`);
    }
    for (const name of ['Play', 'Pause', 'Step', 'Reset']) {
      const button = page.getByRole('button', { name, exact: true });
      assert.equal(await button.count(), 1, `one button named "${name}"`);
      assert.ok(await button.isEnabled(), `"${name}" is enabled once the core is ready`);
      assert.ok((await button.getAttribute('title'))?.length > 10, `"${name}" has a tooltip`);
    }

    // The defaults come from the wasm core and are shown in the controls and written to the hash.
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'spiral');
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '64, 64');
    assert.equal(await page.getByLabel('Noise', { exact: true }).inputValue(), '0.1');
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /^#dataset=spiral&classes=3&/);
    assert.match(hash, /&hidden=64,64&/);
    assert.equal(await figure(page, 'step'), 0);

    // The decision regions are painted: the canvas holds many distinct colours (regions + points).
    await page.waitForFunction(() => {
      const c = document.getElementById('boundary');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const colours = new Set();
      for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return colours.size > 20;
    });
    assert.equal(await page.locator('#boundary-legend li').count(), 3 + 2, 'three classes + two point kinds');

    // A little training, so that errors from the worker, the charts and HMR have time to show.
    await playUntilEpoch(page, 3);
    await page.waitForTimeout(500);
  });
});

test('the page also renders cleanly in dark mode', async () => {
  await withPage(env, 'dataset=circles&noise=0.2', { problems: 'none', colorScheme: 'dark' }, async ({ page }) => {
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, `dark background, got ${bg}`);
    await playUntilEpoch(page, 20);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dark-circles-1280x720.png') });
  });
});

test('a link with a config restores the controls, and a reload gives the same first epoch', async () => {
  const hash = 'dataset=moons&hidden=16,16&learning_rate=0.03&seed=7';
  await withPage(env, hash, { problems: 'none' }, async ({ page }) => {
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'moons');
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '16, 16');
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.03');
    assert.equal(await page.getByLabel('Seed', { exact: true }).inputValue(), '7');
    // Fields missing from the link keep their defaults; Classes does not apply to moons.
    assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), '32');
    assert.ok(await page.getByLabel('Classes', { exact: true }).isDisabled());
    // The page rewrites the hash with the full config it is training.
    const written = await page.evaluate(() => location.hash);
    for (const part of ['dataset=moons', 'hidden=16,16', 'learning_rate=0.03', 'seed=7', 'batch_size=32']) {
      assert.ok(written.includes(part), `${written} contains ${part}`);
    }
    // The legend follows the data: moons has two classes.
    assert.equal(await page.locator('#boundary-legend li').count(), 2 + 2);

    const firstEpoch = async () => {
      await stepToEpoch(page, 1);
      return {
        epoch: await figure(page, 'epoch'),
        step: await figure(page, 'step'),
        train: await page.getByTestId('train-loss').textContent(),
        val: await page.getByTestId('val-loss').textContent(),
      };
    };
    const a = await firstEpoch();
    assert.equal(a.epoch, 1);
    assert.ok(Number.isFinite(Number.parseFloat(a.train)) && Number.isFinite(Number.parseFloat(a.val)), JSON.stringify(a));

    await page.reload();
    await waitReady(page);
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'moons');
    assert.equal(await figure(page, 'step'), 0);
    const b = await firstEpoch();
    assert.deepEqual(b, a, 'same seed and config give the same first-epoch losses');

    // A different seed is really used: it gives different first-epoch losses.
    await setControl(page, 'Seed', 8);
    await waitFigure(page, 'step', '==', 0);
    await page.waitForFunction(() => location.hash.includes('seed=8'));
    const c = await firstEpoch();
    assert.notDeepEqual([c.train, c.val], [a.train, a.val]);

    // Editing the hash by hand (or going back) loads that config too.
    await page.evaluate(() => {
      location.hash = 'dataset=blobs&classes=5&hidden=8';
    });
    await page.waitForFunction(() => location.hash.includes('classes=5&') && location.hash.includes('batch_size='));
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'blobs');
    assert.equal(await page.getByLabel('Classes', { exact: true }).inputValue(), '5');
    assert.ok(await page.getByLabel('Classes', { exact: true }).isEnabled());
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '8');
    await page.waitForFunction(() => document.querySelectorAll('#boundary-legend li').length === 5 + 2);
  });
});

test('unknown keys in the link are ignored with a visible note; other core fields round-trip', async () => {
  await withPage(env, 'dataset=xor&bogus_key=1&noise=abc&dropout=0.25&epochs=30&learning_rate=-1', { problems: 'none' }, async ({ page }) => {
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'xor');
    assert.equal(await page.getByLabel('Dropout', { exact: true }).inputValue(), '0.25');
    assert.match(await page.evaluate(() => location.hash), /&dropout=0\.25(&|$)/);
    // A field that does nothing in the page (epochs is for the CLI) still has its control, in
    // the closed "Command line" section, and stays in the link.
    assert.equal(await page.getByLabel('Epochs (command line)', { exact: true }).inputValue(), '30');
    assert.match(await page.evaluate(() => location.hash), /&epochs=30(&|$)/);
    // A value the core rejects is replaced by its default, with a note naming the field.
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.01');
    assert.match(await page.getByTestId('message').textContent(), /learning_rate: must be in \(0, 10\]/);
    assert.equal(await page.getByLabel('Noise', { exact: true }).inputValue(), '0.1', 'an unreadable value keeps its default');
    const message = page.getByTestId('message');
    assert.match(await message.textContent(), /bogus_key/);
    assert.match(await message.textContent(), /noise/);
    assert.equal(await message.getAttribute('role'), 'status');
    const written = await page.evaluate(() => location.hash);
    assert.ok(!written.includes('bogus_key'), written);
  });
});

test('a config error names the field and its range, and the old config keeps training', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await play(page);
    await waitFigure(page, 'step', '>', 0);
    await setControl(page, 'Learning rate', -1);
    const message = page.getByTestId('message');
    await page.waitForFunction(() => document.querySelector('[data-testid="message"]').textContent.includes('learning_rate'));
    const text = await message.textContent();
    assert.match(text, /learning_rate/);
    assert.match(text, /\(0, 10\]/, 'the allowed range is named');
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).getAttribute('aria-invalid'), 'true');
    // Training goes on with the previous, valid learning rate.
    const before = await figure(page, 'step');
    await waitFigure(page, 'step', '>', before);
    assert.match(await page.evaluate(() => location.hash), /learning_rate=0\.01(&|$)/);

    // Fixing the value clears the error and applies it without a rebuild.
    await setControl(page, 'Learning rate', 0.02);
    await page.waitForFunction(() => location.hash.includes('learning_rate=0.02'));
    assert.equal((await message.textContent()).trim(), '');
    assert.equal(await page.getByLabel('Learning rate', { exact: true }).getAttribute('aria-invalid'), null);

    // A list the page cannot parse is caught before it reaches the worker.
    await setControl(page, 'Hidden layers', '64, abc');
    assert.match(await message.textContent(), /Hidden layers: "abc"/);
    await pause(page);
  });
});

test('the Content-Security-Policy blocks requests to other origins, in the page and in its worker', async () => {
  await withPage(env, async ({ page, context, problems }) => {
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    // A header (not only the meta tag) carries the policy, on the worker's script too.
    const response = await context.request.get(`${env.url}www/training/training-worker.js`);
    assert.match(response.headers()['content-security-policy'] ?? '', /connect-src 'self'/);
    const outside = 'http://192.0.2.1/exfiltrate';
    const fromPage = await page.evaluate((url) => fetch(url).then(() => 'sent', (e) => `blocked: ${e.message}`), outside);
    assert.match(fromPage, /^blocked/);
    const worker = page.workers()[0];
    assert.ok(worker, 'the training worker runs');
    const fromWorker = await worker.evaluate(async (url) => {
      const violations = [];
      self.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const result = await fetch(url).then(() => 'sent', (e) => `blocked: ${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
      return { result, violations };
    }, outside);
    assert.match(fromWorker.result, /^blocked/);
    assert.deepEqual(fromWorker.violations, ['connect-src']);
    // Nothing left the page's origin.
    const origin = new URL(env.url).origin;
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
    // The page's own violation report is the only problem recorded.
    assert.ok(problems.every((p) => /CSP violation: connect-src http:\/\/192\.0\.2\.1|192\.0\.2\.1/.test(p)), problems.join('\n'));
  });
});
