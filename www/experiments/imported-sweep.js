// Owns sweeps computed elsewhere (on Ray, or in another browser): the core's reading of a sweep
// CSV (wasm `import_sweep_csv`) made into a kept sweep marked `origin: 'imported'`, the words that
// say where it was computed, and such a sweep drawn beside the browser's own one as two series.
// Pure, so the Node tests and scripts/check-sweep-csv.mjs use the same functions as the page.

/** The marker of a kept sweep whose runs were computed elsewhere and read from a CSV. */
export const IMPORTED = 'imported';
/** The two series of a comparison: the browser's own sweep and the imported one. */
export const THIS_BROWSER = 'this browser';
export const ELSEWHERE = 'computed elsewhere';

/**
 * A kept sweep from the core's reading of a CSV (`{knob, series, values, series_values, seeds,
 * epochs, dataset, records}`): its spec is built from what the file holds (its config only names
 * the dataset, when the file does, so the chart says accuracy or R² as for a sweep run here),
 * its records are the core's (empty curves), its state is done, and it is marked as imported
 * from `file` at `at` (a Date).
 */
export function importedSweep(imported, { file, at = new Date() }) {
  const spec = { knob: imported.knob, values: imported.values, seeds: imported.seeds, epochs: imported.epochs };
  if (imported.series) spec.series = { knob: imported.series, values: imported.series_values };
  if (typeof imported.dataset === 'string') spec.config = { dataset: imported.dataset };
  return {
    id: `i${at.getTime()}`,
    started: at.toISOString(),
    spec,
    records: imported.records,
    state: 'done',
    ms: null,
    preset: null,
    origin: IMPORTED,
    file: String(file).slice(0, 200),
  };
}

export const isImported = (sweep) => sweep?.origin === IMPORTED;

/** "computed elsewhere (imported from FILE.csv)" for an imported sweep; '' for the browser's own. */
export function originWords(sweep) {
  return isImported(sweep) ? `${ELSEWHERE} (imported from ${sweep.file})` : '';
}

/** Whether a record has a curve to draw (an imported run has none: the CSV does not carry it). */
export const hasCurve = (record) => (record?.curve?.epoch?.length ?? 0) > 0;

/**
 * The newest kept sweep of this browser (`sweeps` newest first) that an imported sweep can be
 * drawn beside: the same knob, neither with a second knob, and the same dataset when the file
 * names one. Null when there is none.
 */
export function browserPartner(imported, sweeps) {
  if (!isImported(imported) || imported.spec.series) return null;
  const dataset = imported.spec.config?.dataset;
  return sweeps.find((s) => !isImported(s) && !s.spec.series && s.spec.knob === imported.spec.knob && s.records.length > 0
    && (dataset === undefined || s.spec.config?.dataset === dataset)) ?? null;
}

const key = (v) => `${typeof v}:${v}`;

/**
 * The two sweeps as one with a series per origin (THIS_BROWSER, ELSEWHERE), for the core's
 * medians and ranges (`sweep_summary`): the knob's values of both (numbers in ascending order),
 * and copies of both record lists with `series` naming where each run was computed.
 */
export function comparison(browser, imported) {
  const seen = new Map();
  for (const v of [...listed(browser.spec.values, browser.records), ...imported.spec.values]) if (!seen.has(key(v))) seen.set(key(v), v);
  let values = [...seen.values()];
  if (values.every((v) => typeof v === 'number')) values = values.sort((a, b) => a - b);
  const tag = (records, series) => records.map((r) => ({ ...r, series }));
  return {
    spec: { knob: imported.spec.knob, values, series: { knob: 'origin', values: [THIS_BROWSER, ELSEWHERE] }, config: browser.spec.config },
    records: [...tag(browser.records, THIS_BROWSER), ...tag(imported.records, ELSEWHERE)],
  };
}

/** A spec's values as a list: its own list, or (for a range) the values its records ran. */
function listed(values, records) {
  return Array.isArray(values) ? values : records.map((r) => r.value);
}
