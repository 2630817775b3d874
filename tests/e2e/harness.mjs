// Owns the shared set-up of the browser end-to-end tests: an in-process Vite dev server, Debian's
// Chromium driven by playwright-core, a page that records every console error, page error and CSP
// violation, helpers that read the page's live figures, and the test files' shared steps: a page
// opened and always closed around a test body, and Play / Pause.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Lecture path's kept progress that says "closed" (www/lecture/progress-store.js): a bare
 * address then opens the playground as before the path existed, the landing the other tests
 * expect. Tests of the path itself open the page with `lecture: true`.
 */
const PATH_STEPS = JSON.parse(readFileSync(path.join(ROOT, 'presets/lecture-path.json'), 'utf8')).steps;
export const LECTURE_KEY = 'overfit.lecture.v1';
export const LECTURE_CLOSED = JSON.stringify({ version: 1, open: false, current: PATH_STEPS[0].id, results: {} });

/** Starts the dev server on a free port and Chromium; returns {url, browser, close()}. */
export async function start() {
  const server = await createServer({
    configFile: path.join(ROOT, 'vite.config.js'),
    root: ROOT,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  const { port } = server.httpServer.address();
  const url = `http://127.0.0.1:${port}/`;
  let browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  } catch (e) {
    await server.close();
    throw e;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens the page (with an optional hash, without the '#') in a fresh 1280x720 context (or
 * `viewport`), at Max speed unless `speed` says otherwise ('1', '10', ... epochs per second; null:
 * the default), with the Lecture path closed unless `lecture` is true (a first visit), and waits
 * until the wasm core is ready and the first config has been applied. `problems` collects every
 * console error, page error, failed request and CSP violation, from the page and its worker.
 * If the page does not start, the context is closed before the error is thrown.
 */
export async function openPage(env, hash = '', { colorScheme = 'light', speed = 'max', lecture = false, viewport = { width: 1280, height: 720 } } = {}) {
  const context = await env.browser.newContext({ viewport, colorScheme });
  try {
    return await openIn(context, env, hash, speed, lecture);
  } catch (e) {
    await context.close();
    throw e;
  }
}

async function openIn(context, env, hash, speed, lecture) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('worker', (w) => {
    w.on('console', (m) => {
      if (m.type() === 'error') problems.push(`worker console: ${m.text()}`);
    });
  });
  // Tests drive the page at Max speed unless they test the pace: training is deterministic, so
  // what the page shows at an epoch does not depend on how fast it got there. `speed: null`
  // leaves the page's own default.
  if (speed !== null) {
    await page.addInitScript((s) => {
      if (localStorage.getItem('overfit.speed.v1') === null) localStorage.setItem('overfit.speed.v1', s);
    }, speed);
  }
  if (!lecture) {
    await page.addInitScript(([key, closed]) => {
      if (localStorage.getItem(key) === null) localStorage.setItem(key, closed);
    }, [LECTURE_KEY, LECTURE_CLOSED]);
  }
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(env.url + (hash ? `#${hash}` : ''));
  await waitReady(page);
  return { page, context, problems };
}

/**
 * Waits until the worker has started and has accepted the page's first config; fails at once,
 * with the page's own message, when the wasm core cannot start.
 */
export async function waitReady(page) {
  const outcome = await page.waitForFunction(
    () => {
      if (document.body.dataset.ready === 'true' && document.body.dataset.applied) return 'ready';
      const text = document.querySelector('[data-testid="message"]')?.textContent ?? '';
      return /could not start|worker failed/i.test(text) ? text : false;
    },
    null,
    { timeout: 30_000 },
  );
  const value = await outcome.jsonValue();
  if (value !== 'ready') throw new Error(`the page did not start: ${value}`);
}

/** The number shown in a live figure, e.g. "12,345" -> 12345 and "93.4 %" -> 93.4 (NaN if none). */
export async function figure(page, testid) {
  const text = await page.getByTestId(testid).textContent();
  return Number.parseFloat(text.replace(/,/g, ''));
}

/** Waits until a live figure satisfies `op` against `value` ('>', '>=', '<', '==', '!='). */
export async function waitFigure(page, testid, op, value, timeout = 30_000) {
  await page.waitForFunction(
    ([id, o, v]) => {
      const x = Number.parseFloat(document.querySelector(`[data-testid="${id}"]`).textContent.replace(/,/g, ''));
      if (Number.isNaN(x)) return false;
      return o === '>' ? x > v : o === '>=' ? x >= v : o === '<' ? x < v : o === '==' ? x === v : x !== v;
    },
    [testid, op, value],
    { timeout, polling: 'raf' },
  );
}

/** Types a value into a labelled control and commits it, as a user pressing Enter would. */
export async function setControl(page, label, value) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await input.press('Enter');
}

/** Clicks Step (one epoch a click) until the epoch counter reaches `epochs`; returns the clicks. */
export async function stepToEpoch(page, epochs, maxClicks = 500) {
  let clicks = 0;
  while ((await figure(page, 'epoch')) < epochs) {
    if (clicks >= maxClicks) throw new Error(`epoch ${epochs} not reached after ${clicks} clicks`);
    const before = await figure(page, 'epoch');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitFigure(page, 'epoch', '==', before + 1, 10_000);
    clicks += 1;
  }
  return clicks;
}

/** The page's button with exactly this accessible name. */
export const button = (page, name) => page.getByRole('button', { name, exact: true });

/**
 * The dev server and Chromium for one test file: started before its first test, closed after its
 * last. Returns the object that `start()` fills in ({url, browser, close()}), to pass to
 * `openPage` and `withPage`.
 */
export function useEnv() {
  const env = {};
  before(async () => {
    Object.assign(env, await start());
  });
  after(async () => {
    await env.close?.();
  });
  return env;
}

/**
 * Opens the page as `openPage(env, hash, opts)` does, runs `body({ page, context, problems })`,
 * and always closes the context; returns what the body returns. `hash` and `opts` may be left out.
 * With `opts.problems === 'none'`, once the body has finished it asserts that the page recorded
 * no problem (console or page error, failed request, CSP violation); otherwise the body judges
 * `problems` itself. The other options are `openPage`'s.
 */
export async function withPage(env, ...args) {
  const body = args.pop();
  const hash = typeof args[0] === 'string' ? args.shift() : '';
  const { problems: expected, ...opts } = args[0] ?? {};
  if (typeof body !== 'function' || args.length > 1 || ![undefined, 'none'].includes(expected)) {
    throw new TypeError('withPage(env, [hash], [{ problems: "none", ...openPage options }], body)');
  }
  const opened = await openPage(env, hash, opts);
  try {
    const result = await body(opened);
    if (expected === 'none') assert.deepEqual(opened.problems, []);
    return result;
  } finally {
    await opened.context.close();
  }
}

/** Clicks Play. */
export const play = (page) => button(page, 'Play').click();

/** Clicks Pause (it does not wait: see `waitPaused`). */
export const pause = (page) => button(page, 'Pause').click();

/** Waits until the page says training is paused (<body data-playing="false">). */
export async function waitPaused(page, timeout) {
  await page.waitForFunction(() => document.body.dataset.playing === 'false', null, timeout === undefined ? {} : { timeout });
}

/**
 * Clicks Play, waits until the epoch figure is at least `epochs` (within `timeout` ms), and clicks
 * Pause; with `waitPaused: true` it then waits until the page says it is paused.
 */
export async function playUntilEpoch(page, epochs, { timeout = 30_000, waitPaused: settle = false } = {}) {
  await play(page);
  await waitFigure(page, 'epoch', '>=', epochs, timeout);
  await pause(page);
  if (settle) await waitPaused(page);
}

/** Opens the Experiments tab and waits until its form is built from the core's knobs. */
export async function openExperiments(page) {
  await page.getByRole('tab', { name: 'Experiments' }).click();
  await page.waitForFunction(() => document.body.dataset.sweepReady === 'true');
}

/** Fills the Experiments form: the knob, its values (text), seeds, epochs and workers. */
export async function fillSweep(page, { values, seeds, epochs, workers = 2, knob = 'width' }) {
  await page.locator('#sweep-knob').selectOption(knob);
  await page.locator('#sweep-values').fill(values);
  await page.locator('#sweep-seeds').fill(String(seeds));
  await page.locator('#sweep-epochs').fill(String(epochs));
  await page.locator('#sweep-workers').fill(String(workers));
}
