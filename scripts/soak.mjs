// `npm run soak [-- MINUTES]`: the long-run memory check of the page. Opens the page in Debian's
// Chromium (tests/e2e/harness.mjs), trains the default spiral at full speed with the Layers tab
// open (the busiest view) for MINUTES (default 5), and samples the main thread's JS heap (after a
// forced garbage collection, through the DevTools protocol), the worker's wasm memory and the
// sizes of the page's bounded histories: after a 15 s warm-up and at the end. The training
// worker's own JS heap is sampled the same way through a browser-level DevTools session attached
// to the worker target. Prints one JSON line; exits 1 when the wasm memory grew or either heap
// more than doubled.

import { start, openPage } from '../tests/e2e/harness.mjs';

const minutes = Number(process.argv[2] ?? 5);

/**
 * A DevTools session on the page's (only) dedicated worker, reached through the browser session
 * with `Target.sendMessageToTarget` (playwright opens protocol sessions for pages only). Once in
 * a long run such a session was found detached ("No session with given id") with the same worker
 * still training, so a lost session is attached again (and counted in `reattached`).
 */
async function workerSession(browser) {
  const bcdp = await browser.newBrowserCDPSession();
  let sessionId = null;
  let id = 0;
  const pending = new Map();
  bcdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const attach = async () => {
    const { targetInfos } = await bcdp.send('Target.getTargets');
    const workers = targetInfos.filter((t) => t.type === 'worker');
    if (workers.length !== 1) throw new Error(`expected one worker target, found ${workers.length}`);
    ({ sessionId } = await bcdp.send('Target.attachToTarget', { targetId: workers[0].targetId, flatten: false }));
  };
  const once = (method, params) => new Promise((resolve, reject) => {
    id += 1;
    pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
    bcdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
  });
  await attach();
  const send = async (method, params = {}) => {
    try {
      return await once(method, params);
    } catch (e) {
      if (!/No session/.test(String(e?.message))) throw e;
      send.reattached += 1;
      await attach();
      return once(method, params);
    }
  };
  send.reattached = 0;
  return send;
}

const env = await start();
let failed = false;
try {
  const { page, context, problems } = await openPage(env);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  let worker;
  const sample = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    await worker('HeapProfiler.collectGarbage');
    const workerHeap = await worker('Runtime.getHeapUsage');
    return page.evaluate(([usedHeap, workerHeapBytes]) => ({
      t: Math.round(performance.now() / 1000),
      step: Number(document.body.dataset.step),
      epoch: Number(document.querySelector('[data-testid="epoch"]').textContent.replace(/,/g, '')),
      jsHeapBytes: usedHeap,
      workerJsHeapBytes: workerHeapBytes,
      wasmBytes: Number(document.body.dataset.wasmBytes),
      ...window.overfitDebug.sizes(),
    }), [heap.usedSize, workerHeap.usedSize]);
  };
  await page.getByRole('tab', { name: 'Layers' }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  worker = await workerSession(env.browser);
  await page.waitForTimeout(15_000);
  const first = await sample();
  const samples = [first];
  const end = Date.now() + minutes * 60_000 - 15_000;
  while (Date.now() < end) {
    await page.waitForTimeout(Math.min(60_000, Math.max(0, end - Date.now())));
    samples.push(await sample());
    console.error(JSON.stringify(samples.at(-1)));
  }
  const last = samples.at(-1);
  failed = last.wasmBytes > first.wasmBytes || last.jsHeapBytes > 2 * first.jsHeapBytes
    || last.workerJsHeapBytes > 2 * first.workerJsHeapBytes || problems.length > 0;
  console.log(JSON.stringify({ minutes, start: first, end: last, workerSessionReattached: worker.reattached, problems }));
  await context.close();
} finally {
  await env.close();
}
process.exit(failed ? 1 : 0);
