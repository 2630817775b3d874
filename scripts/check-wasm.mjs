// Smoke check of the freshly built pkg/: instantiate it in Node, build a Session, train a step.
import { readFileSync } from 'node:fs';
import { initSync, Session, default_config } from '../pkg/overfit.js';

initSync({ module: readFileSync(new URL('../pkg/overfit_bg.wasm', import.meta.url)) });
const session = new Session(default_config());
const report = session.run(1);
if (report.step !== 1 || !Number.isFinite(report.batch_loss)) {
  throw new Error(`pkg/ smoke check failed: ${JSON.stringify(report)}`);
}
console.error(`[build] pkg/ instantiates and trains (first loss ${report.batch_loss.toFixed(4)})`);
