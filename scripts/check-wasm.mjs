// Smoke check of the freshly built pkg/: both builds instantiate in Node, build a Session and
// train a step, and each computes the arithmetic it is for. Node 20 runs relaxed SIMD only with
// --experimental-wasm-relaxed-simd, so the fused build is checked in a child Node with that flag.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadWasm, probeRelaxedMadd } from '../www/wasm-loader.js';

const bytes = (file) => readFileSync(new URL(`../pkg/${file}`, import.meta.url));

async function check(want) {
  const { wasm, arithmetic } = await loadWasm({ want, bytes });
  const session = new wasm.Session(wasm.default_config());
  const report = session.run(1);
  if (report.step !== 1 || !Number.isFinite(report.batch_loss)) {
    throw new Error(`pkg/ ${want} smoke check failed: ${JSON.stringify(report)}`);
  }
  console.error(`[build] pkg/ ${want} build instantiates and trains (${arithmetic} arithmetic, first loss ${report.batch_loss.toFixed(4)})`);
}

const only = process.argv[2];
if (only) {
  await check(only);
} else {
  await check('separate');
  const probe = probeRelaxedMadd();
  if (probe === 'fused') await check('fused');
  else if (probe === null && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
    execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', new URL(import.meta.url).pathname, 'fused'], { stdio: 'inherit' });
  } else {
    console.error(`[build] the fused build is not checked: this engine's relaxed madd is ${probe ?? 'unavailable'} (a CPU without FMA)`);
  }
}
