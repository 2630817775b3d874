// Owns the Experiments tab's files in and out: the shown sweep as CSV (under the core's header)
// and PNG, the spec as JSON and a JSON spec read back, Export for Ray (the core's Ray Tune
// script of the form's spec) and Import results (CSV) (a sweep computed elsewhere, read and
// checked by the core, kept and shown). The view hands in what these need; nothing here checks a
// spec or a row itself.

import { byId } from '../app/dom.js';
import { IMPORT_LIMITS } from '../app/json-values.js';
import { downloadBlob, downloadText } from '../export/downloads.js';
import { formatInt } from '../app/format.js';
import { sweepCsv } from './sweep-store.js';
import { importedSweep } from './imported-sweep.js';

/**
 * Wires the file buttons of the tab. `ctx`: `el` (the tab's elements), `ask` (the planner),
 * `store` (the kept sweeps), `shown()` and `schema()` (the view's current sweep and the core's
 * sweep schema), `formSpec()`, `loadSpec(spec, source)`, `refuse(text, field)`, `say(text)`,
 * `keptChanged(storeNote)` (the kept list changed; the store's note if saving hit a problem) and
 * `showKept(id)`.
 */
export function wireSweepFiles(ctx) {
  const { el, ask, store, formSpec, loadSpec, refuse, say, showKept } = ctx;
  el.csv.addEventListener('click', () => {
    const shown = ctx.shown();
    if (shown) downloadText(sweepCsv(shown.spec, shown.records, ctx.schema().sweep.csv_columns), `overfit-sweep-${shown.spec.knob}.csv`, 'text/csv');
  });
  el.png.addEventListener('click', () => byId('sweep-chart').toBlob((b) => b && downloadBlob(b, `overfit-sweep-${ctx.shown()?.spec.knob ?? 'chart'}.png`), 'image/png'));
  el.exportJson.addEventListener('click', () => {
    const spec = ctx.shown()?.spec ?? formSpec();
    downloadText(`${JSON.stringify(spec, null, 2)}\n`, 'overfit-sweep.json', 'application/json');
  });
  el.importJson.addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (file.size > IMPORT_LIMITS.bytes) return refuse(`${file.name}: it is larger than ${IMPORT_LIMITS.bytes >> 20} MB; a sweep file is a small JSON object`, 'sweep');
    let spec;
    try {
      spec = JSON.parse(await file.text());
      if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('not an object');
    } catch (e) {
      return refuse(`${file.name}: not a sweep file (${e.message})`, 'sweep');
    }
    await loadSpec(spec, file.name);
  });

  /**
   * Export for Ray: the spec Run sweep would run (the form over the current config) as the Ray
   * Tune script the core writes; a spec the core refuses is named in the status line.
   */
  async function exportRay() {
    if (!ctx.schema()) return;
    let script;
    try {
      script = (await ask({ type: 'ray', spec: formSpec() })).script;
    } catch (e) {
      refuse(`the sweep for Ray: ${e.message}`, e.field ?? 'sweep');
      return;
    }
    delete document.body.dataset.sweepError;
    downloadText(script, 'sweep_ray.py', 'text/x-python');
    say('Exported sweep_ray.py: run it with python3 sweep_ray.py (it needs torch and ray[tune]), then bring its CSV back with Import results (CSV).');
  }

  /**
   * Import results (CSV): a sweep computed elsewhere, read and checked by the core (refused
   * unread above the core's size limit), kept and shown as computed elsewhere.
   */
  async function importCsv(file) {
    const schema = ctx.schema();
    if (!schema) return;
    const limit = schema.sweep.limits.max_csv_bytes;
    if (file.size > limit) return refuse(`${file.name}: it has ${formatInt(file.size)} bytes; a sweep CSV has at most ${formatInt(limit)}`, 'csv');
    let imported;
    try {
      imported = (await ask({ type: 'import-csv', text: await file.text() })).imported;
    } catch (e) {
      return refuse(`${file.name}: ${e.message}`, e.field ?? 'csv');
    }
    delete document.body.dataset.sweepError;
    const sweep = importedSweep(imported, { file: file.name });
    // Storage that is full keeps the sweep shown but not kept; the store says so.
    const before = store.problem;
    store.save(sweep);
    ctx.keptChanged(store.problem !== before ? store.problem : null);
    el.saved.value = sweep.id;
    await showKept(sweep.id);
  }

  el.ray.addEventListener('click', exportRay);
  el.importCsv.addEventListener('change', (event) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) importCsv(file);
  });
}
