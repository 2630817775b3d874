// Owns the Node unit tests of sweeps computed elsewhere: the page's CSV export read back by the
// core with the same figures (the two CSV writers must not drift apart), an imported sweep kept
// and read back by the store's load-time check with its marker, the dataset the CSV names (R² for
// a regression sweep, comparisons only on the same dataset), a damaged CSV refused naming the
// column and the row, the limit the page checks before reading, and the comparison with the
// browser's sweep summarized by the core.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initSync, SweepSession, schema, sweep_runs as sweepRuns, sweep_schema as sweepSchema, sweep_summary as sweepSummary, import_sweep_csv as importCsv } from '../../pkg/overfit.js';
import { SweepStore, checkStoredSweep, figuresOf, sweepCsv } from '../../www/experiments/sweep-store.js';
import { ELSEWHERE, THIS_BROWSER, browserPartner, comparison, hasCurve, importedSweep, isImported, originWords } from '../../www/experiments/imported-sweep.js';

initSync({ module: readFileSync(new URL('../../pkg/overfit_bg.wasm', import.meta.url)) });

/** The CSV's header as the core hands it to the page. */
const COLUMNS = sweepSchema().csv_columns;
const FIGURES = ['final_train_loss', 'final_val_loss', 'final_train_score', 'final_val_score', 'best_train_loss', 'best_val_loss', 'best_train_score', 'best_val_score'];

/** A tiny sweep run to its end by the core, as the page's pool runs it: its listed spec and records. */
function runSweep(spec) {
  const plan = sweepRuns(spec);
  const session = new SweepSession(JSON.stringify(plan.spec));
  const records = plan.runs.map((_, i) => {
    session.start(i);
    while (!session.advance(1));
    return JSON.parse(session.record_json());
  });
  session.free();
  return { spec: plan.spec, records };
}

const memoryStorage = () => {
  const data = new Map();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v), removeItem: (k) => data.delete(k) };
};

const browser = runSweep({ knob: 'width', values: [4, 16], seeds: 2, epochs: 3, config: { dataset: 'spiral', seed: 3 } });

test('the page\'s CSV export reads back through the core with the same figures', () => {
  const csv = sweepCsv(browser.spec, browser.records, COLUMNS);
  const back = importCsv(csv);
  assert.equal(back.knob, 'width');
  assert.deepEqual(back.values, [4, 16]);
  assert.equal(back.series, null);
  assert.equal(back.seeds, 2);
  assert.equal(back.epochs, 3);
  assert.equal(back.records.length, browser.records.length);
  for (const [i, r] of browser.records.entries()) {
    const b = back.records[i];
    for (const k of ['run', 'value', 'seed', 'epochs', 'steps', 'best_epoch', 'early_stopped', 'diverged']) assert.equal(b[k], r[k], `run ${r.run} ${k}`);
    assert.equal(b.fit_epoch, r.fit_epoch ?? null, `run ${r.run} fit_epoch`);
    // The core's figures are f32: the CSV's decimal text reads back to the same f32.
    for (const k of FIGURES) assert.equal(b[k], r[k] === null ? null : Math.fround(r[k]), `run ${r.run} ${k}`);
    assert.deepEqual(b.curve.epoch, [], 'the CSV has no curves');
  }
  // And the core's medians of both are the same.
  const cellsOf = (records) => sweepSummary([4, 16], null, records.map(figuresOf)).map((c) => c.final.val.score.median);
  assert.deepEqual(cellsOf(back.records), cellsOf(browser.records).map((m) => (m === null ? null : Math.fround(m))));
});

test('a CSV with a second knob and figures that are not finite reads back', () => {
  const spec = { knob: 'learning_rate', values: [0.01, 0.1], series: { knob: 'norm', values: ['none', 'batch'] } };
  const rec = (run, value, series) => ({ run, value, series, seed: 1, epochs: 4, steps: 40, final_train_loss: 0.5, final_val_loss: null, final_train_score: 0.75, final_val_score: 0.5, best_train_loss: 0.25, best_val_loss: 1.5, best_train_score: 1, best_val_score: 0.625, best_epoch: 2, fit_epoch: null, early_stopped: true, diverged: false });
  const records = [rec(0, 0.01, 'none'), rec(1, 0.1, 'none'), rec(2, 0.01, 'batch'), rec(3, 0.1, 'batch')];
  const back = importCsv(sweepCsv(spec, records, COLUMNS));
  assert.equal(back.series, 'norm');
  assert.deepEqual(back.series_values, ['none', 'batch']);
  assert.equal(back.records[3].final_val_loss, null);
  assert.equal(back.records[3].series, 'batch');
  const kept = importedSweep(back, { file: 'lr.csv' });
  assert.deepEqual(kept.spec.series, { knob: 'norm', values: ['none', 'batch'] });
  assert.equal(browserPartner(kept, [{ ...kept, origin: undefined }]), null, 'no comparison with a second knob');
});

test('an imported sweep is kept and survives the store\'s load-time check with its marker', () => {
  const at = new Date('2026-03-01T10:00:00Z');
  const sweep = importedSweep(importCsv(sweepCsv(browser.spec, browser.records, COLUMNS)), { file: 'sweep_ray.csv', at });
  assert.deepEqual(sweep.spec, { knob: 'width', values: [4, 16], seeds: 2, epochs: 3, config: { dataset: 'spiral' } });
  assert.equal(sweep.started, at.toISOString());
  const storage = memoryStorage();
  new SweepStore(storage).save(sweep);
  const reloaded = new SweepStore(storage);
  assert.equal(reloaded.problem, null);
  const [kept] = reloaded.sweeps;
  assert.ok(isImported(kept));
  assert.equal(kept.file, 'sweep_ray.csv');
  assert.equal(kept.state, 'done');
  assert.equal(kept.records.length, browser.records.length, 'records with empty curves are kept');
  assert.ok(!hasCurve(kept.records[0]));
  assert.equal(originWords(kept), 'computed elsewhere (imported from sweep_ray.csv)');
  assert.equal(originWords({ ...browser, origin: undefined }), '');
  // A damaged marker is not read as a browser sweep: the sweep is dropped.
  assert.equal(checkStoredSweep({ ...sweep, origin: 'cluster' }), null);
  assert.equal(checkStoredSweep({ ...sweep, file: 42 }), null);
  assert.equal(checkStoredSweep({ ...sweep, state: 'running' }), null);
  assert.equal(checkStoredSweep({ ...sweep, origin: undefined, file: undefined }).origin, undefined);
});

test('the CSV names its dataset, so an imported regression sweep is read as R² and compared only on its dataset', () => {
  const sine = runSweep({ knob: 'width', values: [4, 16], seeds: 1, epochs: 3, config: { dataset: 'sine', seed: 2 } });
  const csv = sweepCsv(sine.spec, sine.records, COLUMNS);
  assert.ok(csv.split('\n')[0].endsWith(',diverged,dataset'));
  const back = importCsv(csv);
  assert.equal(back.dataset, 'sine');
  const kept = importedSweep(back, { file: 'sine.csv' });
  assert.deepEqual(kept.spec.config, { dataset: 'sine' });
  // The schema the page reads its metric words from says this dataset is a regression set.
  assert.equal(schema().datasets.find((d) => d.name === 'sine')?.regression, true);
  const spiralOwn = { id: 's1', started: '2026-03-01T09:00:00.000Z', spec: browser.spec, records: browser.records, state: 'done' };
  const sineOwn = { ...spiralOwn, id: 's2', spec: sine.spec, records: sine.records };
  assert.equal(browserPartner(kept, [spiralOwn]), null, 'a spiral sweep is not drawn beside a sine one');
  assert.equal(browserPartner(kept, [spiralOwn, sineOwn]), sineOwn);
  assert.deepEqual(comparison(sineOwn, kept).spec.config, sine.spec.config);
  // A file written before the dataset column existed is still read, without a dataset.
  const old = csv.trim().split('\n').map((l) => l.slice(0, l.lastIndexOf(','))).join('\n');
  const oldBack = importCsv(old);
  assert.equal(oldBack.dataset, null);
  assert.equal(importedSweep(oldBack, { file: 'old.csv' }).spec.config, undefined);
  // Two datasets in one file are refused, naming the column.
  const lines = csv.trim().split('\n');
  const mixed = [...lines.slice(0, 2), lines[2].replace(/,sine$/, ',spiral')].join('\n');
  assert.throws(() => importCsv(mixed), (e) => e.field === 'dataset' && /row 3/.test(e.message));
});

test('a damaged CSV is refused naming the column and the row; the limit is the core\'s', () => {
  const lines = sweepCsv(browser.spec, browser.records, COLUMNS).trim().split('\n');
  const cells = lines[2].split(',');
  cells[lines[0].split(',').indexOf('final_val_score')] = 'lots';
  const damaged = [...lines.slice(0, 2), cells.join(','), ...lines.slice(3)].join('\n');
  assert.throws(() => importCsv(damaged), (e) => e.field === 'final_val_score' && /row 3/.test(e.message) && /lots/.test(e.message));
  const badWidth = lines.map((l, i) => (i === 1 ? l.replace(/^0,4,/, '0,99999,') : l)).join('\n');
  assert.throws(() => importCsv(badWidth), (e) => e.field === 'width' && /row 2/.test(e.message));
  assert.throws(() => importCsv('run,nothing\n'), (e) => e.field === 'csv');
  const limit = sweepSchema().limits.max_csv_bytes;
  assert.ok(Number.isSafeInteger(limit) && limit > 100_000);
  assert.throws(() => importCsv(' '.repeat(limit + 1)), (e) => e.field === 'csv');
});

test('an imported sweep beside the browser\'s own: two series, the core\'s medians of each', () => {
  const elsewhere = importedSweep(importCsv(sweepCsv(browser.spec, browser.records.slice(0, 3), COLUMNS)), { file: 'ray.csv' });
  const own = { id: 's1', started: '2026-03-01T09:00:00.000Z', spec: browser.spec, records: browser.records, state: 'done' };
  const other = { ...own, id: 's2', spec: { ...browser.spec, knob: 'depth' } };
  assert.equal(browserPartner(elsewhere, [elsewhere, other, own]), own);
  assert.equal(browserPartner(own, [own]), null, 'only an imported sweep is compared');
  const both = comparison(own, elsewhere);
  assert.deepEqual(both.spec.values, [4, 16]);
  assert.deepEqual(both.spec.series.values, [THIS_BROWSER, ELSEWHERE]);
  assert.equal(both.records.length, browser.records.length + 3);
  const cells = sweepSummary(both.spec.values, both.spec.series.values, both.records.map(figuresOf));
  const alone = (records) => sweepSummary([4, 16], null, records.map(figuresOf)).map((c) => c.final.val.score.median);
  assert.deepEqual(cells.filter((c) => c.series === THIS_BROWSER).map((c) => c.final.val.score.median), alone(own.records));
  assert.deepEqual(cells.filter((c) => c.series === ELSEWHERE).map((c) => c.final.val.score.median), alone(elsewhere.records));
  assert.equal(own.records[0].series, null, 'the kept records are not changed');
});

test('scripts/check-sweep-csv.mjs prints the kept sweep\'s medians, and exits 1 on a refused file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overfit-csv-'));
  const good = join(dir, 'good.csv');
  writeFileSync(good, sweepCsv(browser.spec, browser.records, COLUMNS));
  const script = new URL('../../scripts/check-sweep-csv.mjs', import.meta.url).pathname;
  const line = JSON.parse(execFileSync(process.execPath, [script, good], { encoding: 'utf8' }));
  assert.equal(line.knob, 'width');
  assert.equal(line.runs, browser.records.length);
  assert.equal(line.kept, true);
  assert.equal(line.medians.length, 2);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'run,width,seed\n0,4,1\n');
  const r = spawnSync(process.execPath, [script, bad], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /header must be/);
});
