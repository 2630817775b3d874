// Checks a sweep CSV from the shell the way the page takes it, without a browser: the core (pkg/,
// built by scripts/build-wasm.sh) reads and checks it (`import_sweep_csv`), the page's own
// function makes it a kept sweep (www/experiments/imported-sweep.js), the kept sweeps' load-time
// check reads it back as after a reload (www/experiments/sweep-store.js), and the core's summary
// gives the median final validation score per cell. Prints one JSON line; exits 1 with the
// core's message when anything is refused.
//
//   node scripts/check-sweep-csv.mjs FILE.csv
//   {"csv":"FILE.csv","knob":"width","dataset":"spiral","runs":6,"kept":true,"values":[4,16],"medians":[0.61,0.83]}
//
// With a second knob, "series" names it and "medians" has one entry per (series value, value)
// cell, series outer, in the order of "cells".

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { initSync, import_sweep_csv as importCsv, sweep_schema as sweepSchema, sweep_summary as sweepSummary } from '../pkg/overfit.js';
import { importedSweep, isImported } from '../www/experiments/imported-sweep.js';
import { SweepStore, figuresOf } from '../www/experiments/sweep-store.js';

function fail(message) {
  console.error(`check-sweep-csv: ${message}`);
  process.exit(1);
}

const file = process.argv[2];
if (!file || process.argv.length > 3) fail('usage: node scripts/check-sweep-csv.mjs FILE.csv');

initSync({ module: readFileSync(new URL('../pkg/overfit_bg.wasm', import.meta.url)) });

// As the page does: a file over the core's limit is refused before it is read.
const limit = sweepSchema().limits.max_csv_bytes;
let size;
try {
  size = statSync(file).size;
} catch (e) {
  fail(`${file}: ${e.message}`);
}
if (size > limit) fail(`${file}: csv: the file has ${size} bytes; at most ${limit}`);

let imported;
try {
  imported = importCsv(readFileSync(file, 'utf8'));
} catch (e) {
  fail(`${file}: ${e.message}${e.field ? ` (field ${e.field})` : ''}`);
}

// Kept in a store over memory, then read back by a second store as a reload would.
const data = new Map();
const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v), removeItem: (k) => data.delete(k) };
const sweep = importedSweep(imported, { file: basename(file) });
const writer = new SweepStore(storage);
writer.save(sweep);
if (writer.problem) fail(`${file}: ${writer.problem}`);
const reader = new SweepStore(storage);
const kept = reader.sweeps.find((s) => s.id === sweep.id);
if (reader.problem) fail(`${file}: ${reader.problem}`);
if (!kept) fail(`${file}: the kept sweeps' check refused the imported sweep`);
if (!isImported(kept)) fail(`${file}: the kept sweep lost its marker of a sweep computed elsewhere`);
if (kept.records.length !== imported.records.length) fail(`${file}: the kept sweep has ${kept.records.length} of ${imported.records.length} runs`);

let cells;
try {
  cells = sweepSummary(kept.spec.values, kept.spec.series?.values ?? null, kept.records.map(figuresOf));
} catch (e) {
  fail(`${file}: ${e.message}`);
}

const line = { csv: file, knob: kept.spec.knob, dataset: kept.spec.config?.dataset ?? null, runs: kept.records.length, kept: true, values: kept.spec.values };
if (kept.spec.series) {
  line.series = kept.spec.series.knob;
  line.cells = cells.map((c) => ({ series: c.series, value: c.value }));
}
line.medians = cells.map((c) => c.final.val.score.median);
console.log(JSON.stringify(line));
