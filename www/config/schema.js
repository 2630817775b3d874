// Owns the page's view of the config schema the wasm core exports (src/schema.rs): each field's
// type, default, range or options, group and effect, the facts of each dataset and the limits.
// The worker's `ready` message carries the schema; nothing here is written again in JS. Pure (no
// DOM), so the worker, the main thread and the Node unit tests can use it.

/** Facts for a dataset name the core does not know (a stale link): nothing applies. */
const UNKNOWN_DATASET = Object.freeze({
  name: '', image: false, generated: false, free_classes: false, fixed_classes: null, max_classes: 2,
  sized: false, color: false, clutter: false, fixed_size: null,
});

export class Schema {
  /** `json` is the core's `schema()`: {fields, datasets, limits}. */
  constructor(json) {
    this.fields = json.fields;
    this.limits = json.limits;
    this.byKey = new Map(this.fields.map((f) => [f.key, f]));
    this.datasets = new Map(json.datasets.map((d) => [d.name, d]));
  }

  /** The field spec of `key`, or undefined. */
  field(key) {
    return this.byKey.get(key);
  }

  has(key) {
    return this.byKey.has(key);
  }

  /** The default config, built from every field's default. */
  defaults() {
    return Object.fromEntries(this.fields.map((f) => [f.key, structuredClone(f.default)]));
  }

  /** The facts of a config's dataset. */
  dataset(config) {
    return this.datasets.get(config?.dataset) ?? UNKNOWN_DATASET;
  }

  /**
   * The sentence that defines "saturated" for the views' tooltips, from the core's saturated
   * bands (limits.saturation: |a - mid| > beyond).
   */
  saturationWords() {
    return saturationWords(this.limits?.saturation);
  }

  /** Whether a config trains on images (image views and augmentation apply). */
  isImage(config) {
    return this.dataset(config).image;
  }
}

/** Writes a number with at most three significant digits (an f32 read as a double loses its tail). */
const short = (v) => String(Number(v.toPrecision(3)));

/** The definition of "saturated" from the core's bands; a neutral sentence before they are known. */
export function saturationWords(bands) {
  const tanh = bands?.tanh;
  const sigmoid = bands?.sigmoid;
  if (!tanh || !sigmoid) return 'saturated: unit-samples near a flat end of tanh or sigmoid';
  return `saturated: unit-samples with |tanh| > ${short(tanh.mid + tanh.beyond)}, or sigmoid within ${short(sigmoid.mid - sigmoid.beyond)} of 0 or 1`;
}
