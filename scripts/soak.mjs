// `npm run soak [-- MINUTES]`: the long-run memory check of the page. Opens the page in Debian's
// Chromium (tests/e2e/harness.mjs), trains the default spiral at full speed with the Layers tab
// open (the busiest view) for MINUTES (default 5), and samples the main thread's JS heap (after a
// forced garbage collection, through the DevTools protocol), the worker's wasm memory and the
// sizes of the page's bounded histories: after a 15 s warm-up and at the end. Prints one JSON
// line; exits 1 when the wasm memory grew or the heap more than doubled.

import { start, openPage } from '../tests/e2e/harness.mjs';

const minutes = Number(process.argv[2] ?? 5);
const env = await start();
let failed = false;
try {
  const { page, context, problems } = await openPage(env);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const sample = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    return page.evaluate((usedHeap) => ({
      t: Math.round(performance.now() / 1000),
      step: Number(document.body.dataset.step),
      epoch: Number(document.querySelector('[data-testid="epoch"]').textContent.replace(/,/g, '')),
      jsHeapBytes: usedHeap,
      wasmBytes: Number(document.body.dataset.wasmBytes),
      ...window.overfitDebug.sizes(),
    }), heap.usedSize);
  };
  await page.getByRole('tab', { name: 'Layers' }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
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
  failed = last.wasmBytes > first.wasmBytes || last.jsHeapBytes > 2 * first.jsHeapBytes || problems.length > 0;
  console.log(JSON.stringify({ minutes, start: first, end: last, problems }));
  await context.close();
} finally {
  await env.close();
}
process.exit(failed ? 1 : 0);
