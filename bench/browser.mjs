// Overfit's wasm in a browser Web Worker, for `npm run bench`: serves pkg/ (both builds, built by
// scripts/build-wasm.sh), www/wasm-loader.js and bench/browser-worker.mjs from a small
// static server on 127.0.0.1 (port BENCH_BROWSER_PORT, default: any free port, so it never
// collides with the e2e tests' dev servers), launches Debian's Chromium headless through
// playwright-core (as tests/e2e/harness.mjs does), starts a module worker that times the same
// workloads as bench/overfit-wasm.mjs does in Node, once per build (a fresh worker each: the plain
// build, then the fused one where Chromium's relaxed madd is fused), and prints one JSON object
// per build on stdout.
// Exits with code 3 and a message when Chromium is missing.

import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { WORKLOADS, SEED } from './common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  process.stderr.write(`[bench] browser row skipped: ${CHROMIUM} not found\n`);
  process.exit(3);
}
const quick = process.env.BENCH_QUICK === '1';
const opts = quick ? { runs: 5, warmupSeconds: 0.3, runSeconds: 0.2 } : {};

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>Overfit bench</title><p>bench';
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let file = null;
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(PAGE);
    return;
  }
  if (url.pathname === '/worker.mjs') file = path.join(root, 'bench/browser-worker.mjs');
  else if (url.pathname === '/bench/common.mjs') file = path.join(root, 'bench/common.mjs');
  else if (url.pathname === '/www/wasm-loader.js') file = path.join(root, 'www/wasm-loader.js');
  else if (/^\/pkg\/[\w.-]+$/.test(url.pathname)) file = path.join(root, url.pathname);
  if (!file || !existsSync(file)) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(Number(process.env.BENCH_BROWSER_PORT || 0), '127.0.0.1', resolve));
const { port } = server.address();

let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...(process.env.BENCH_JS_FLAGS ? [`--js-flags=${process.env.BENCH_JS_FLAGS}`] : []), '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const probe = await page.evaluate(async () => (await import('/www/wasm-loader.js')).probeRelaxedMadd());
  for (const want of probe === 'fused' ? ['separate', 'fused'] : ['separate']) {
    const out = await page.evaluate(
      (msg) =>
        new Promise((resolve) => {
          const w = new Worker('/worker.mjs', { type: 'module' });
          w.onmessage = (e) => {
            w.terminate();
            resolve(e.data);
          };
          w.onerror = (e) => resolve({ error: e.message || 'worker error' });
          w.postMessage(msg);
        }),
      { workloads: WORKLOADS, seed: SEED, opts, want },
    );
    if (out.error) throw new Error(out.error);
    const engine = want === 'fused' ? 'overfit-wasm-fused-browser' : 'overfit-wasm-browser';
    console.log(JSON.stringify({ engine, arithmetic: out.arithmetic, browser: browser.version(), user_agent: out.userAgent, results: out.results }));
  }
} finally {
  if (browser) await browser.close();
  server.close();
}
