// Owns the description of the config fields the page shows and the URL hash (de)serialization.
//
// The wasm core is the single source of truth for the config: its `default_config()` arrives in
// the worker's `ready` message, and every key in it round-trips through the URL hash, whether or
// not the page has a dedicated control for it. This module touches no DOM, so the worker and the
// tests can import it too.

/**
 * The fields that get a dedicated control, in display order. Adding a field is one entry:
 *   key      the config field name (as in the JSON and the URL hash),
 *   label    the visible label, which is also the control's accessible name,
 *   group    the fieldset it goes in,
 *   kind     'select' | 'number' | 'list' (a comma-separated list of whole numbers),
 *   options  for selects: [value, text] pairs,
 *   step/min/max  hints for number inputs (the wasm core does the real validation),
 *   integer  true when the number must be whole,
 *   enabledWhen  optional predicate on the config: the control is disabled when it is false,
 *   tooltip  one sentence saying what the control does.
 */
export const FIELDS = [
  {
    key: 'dataset', label: 'Dataset', group: 'Data', kind: 'select',
    options: [['spiral', 'Spiral'], ['circles', 'Circles'], ['xor', 'XOR'], ['blobs', 'Blobs'], ['moons', 'Moons']],
    tooltip: 'Which 2D toy problem the network learns to classify.',
  },
  {
    key: 'classes', label: 'Classes', group: 'Data', kind: 'number', integer: true, min: 2, max: 8, step: 1,
    enabledWhen: (c) => c.dataset === 'spiral' || c.dataset === 'blobs',
    tooltip: 'Number of classes (spiral arms or blobs); the other datasets always have two.',
  },
  {
    key: 'noise', label: 'Noise', group: 'Data', kind: 'number', min: 0, max: 1, step: 0.05,
    tooltip: 'How much random jitter is added to the points, from 0 (clean) to 1 (very noisy).',
  },
  {
    key: 'points', label: 'Points', group: 'Data', kind: 'number', integer: true, min: 50, max: 20000, step: 50,
    tooltip: 'Total number of points, split into training and validation sets.',
  },
  {
    key: 'val_fraction', label: 'Validation split', group: 'Data', kind: 'number', min: 0.05, max: 0.9, step: 0.05,
    tooltip: 'Fraction of the points held out for validation; the network never trains on them.',
  },
  {
    key: 'seed', label: 'Seed', group: 'Data', kind: 'number', integer: true, min: 0, max: 4294967295, step: 1,
    tooltip: 'Seed of the random generator: the same seed and settings give the same curves.',
  },
  {
    key: 'hidden', label: 'Hidden layers', group: 'Model', kind: 'list',
    tooltip: 'Width of each hidden layer, comma separated (e.g. "64, 64" is two layers of 64 units); empty is a linear classifier.',
  },
  {
    key: 'activation', label: 'Activation', group: 'Model', kind: 'select',
    options: [['relu', 'ReLU'], ['tanh', 'tanh'], ['sigmoid', 'Sigmoid']],
    tooltip: 'The non-linearity applied after each hidden layer.',
  },
  {
    key: 'optimizer', label: 'Optimizer', group: 'Training', kind: 'select',
    options: [['sgd', 'SGD'], ['momentum', 'Momentum'], ['adam', 'Adam']],
    tooltip: 'The rule that turns gradients into weight updates.',
  },
  {
    key: 'learning_rate', label: 'Learning rate', group: 'Training', kind: 'number', min: 0, max: 10, step: 'any',
    tooltip: 'Step size of each update; changing it takes effect without restarting training.',
  },
  {
    key: 'momentum', label: 'Momentum', group: 'Training', kind: 'number', min: 0, max: 0.999, step: 0.05,
    enabledWhen: (c) => c.optimizer === 'momentum',
    tooltip: 'Fraction of the previous update kept in the next one (momentum optimizer only).',
  },
  {
    key: 'batch_size', label: 'Batch size', group: 'Training', kind: 'number', integer: true, min: 1, max: 4096, step: 1,
    tooltip: 'Number of training points per gradient step.',
  },
];

/** The groups, in display order; fields of other groups go at the end. */
export const GROUPS = ['Data', 'Model', 'Training'];

/** The group of config fields that come from wasm but have no entry in FIELDS. */
export const OTHER_GROUP = 'Other config fields';

/**
 * Returns the field descriptions for a set of defaults: the FIELDS entries whose key exists in
 * the defaults, then a generic entry for every other default key, so that a field added to the
 * Rust config is editable (as a raw value) and round-trips before anyone writes its entry.
 */
export function fieldsFor(defaults) {
  const known = FIELDS.filter((f) => Object.hasOwn(defaults, f.key));
  const extra = Object.keys(defaults)
    .filter((key) => !FIELDS.some((f) => f.key === key))
    .map((key) => genericField(key, defaults[key]));
  return [...known, ...extra];
}

function genericField(key, value) {
  let kind = 'text';
  if (typeof value === 'number') kind = 'number';
  else if (typeof value === 'boolean') kind = 'checkbox';
  else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) kind = 'list';
  return {
    key, label: key, group: OTHER_GROUP, kind, generic: true,
    integer: typeof value === 'number' && Number.isInteger(value), step: 'any',
    tooltip: `Raw config field "${key}" (no dedicated control yet); the wasm core checks its range.`,
  };
}

/**
 * Replaces numbers that are exactly representable as f32 by their shortest decimal that still
 * rounds to the same f32, so that 0.1f32 (0.10000000149011612 as a double) reads as 0.1.
 * The Rust config stores reals as f32, and serde-wasm-bindgen widens them to doubles.
 */
export function tidyNumber(x) {
  if (typeof x !== 'number' || !Number.isFinite(x) || Number.isInteger(x)) return x;
  if (Math.fround(x) !== x) return x;
  for (let p = 1; p <= 17; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** Applies tidyNumber through a JSON-like value. */
export function tidyConfig(value) {
  if (value instanceof Map) value = Object.fromEntries(value);
  if (Array.isArray(value)) return value.map(tidyConfig);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = tidyConfig(v);
    return out;
  }
  return tidyNumber(value);
}

/** A deep copy of a JSON-like value. */
export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** Deep equality of JSON-like values. */
export function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Formats one value for the URL hash: arrays of scalars comma-joined, other objects as JSON,
 * scalars as text.
 */
export function formatValue(value) {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Parses one hash value by the type of the default value. Returns {value} or {error}, where the
 * error is a sentence naming the key.
 */
export function parseValue(key, text, def) {
  const bad = (what) => ({ error: `${key}: "${text}" is not ${what}` });
  if (typeof def === 'number') {
    const v = text.trim() === '' ? NaN : Number(text);
    return Number.isFinite(v) ? { value: v } : bad('a number');
  }
  if (typeof def === 'boolean') {
    if (text === 'true' || text === '1') return { value: true };
    if (text === 'false' || text === '0') return { value: false };
    return bad('true or false');
  }
  if (typeof def === 'string') return { value: text };
  if (Array.isArray(def)) {
    const t = text.trim();
    if (t.startsWith('[')) {
      try {
        const v = JSON.parse(t);
        return Array.isArray(v) ? { value: v } : bad('a list');
      } catch {
        return bad('a list');
      }
    }
    if (t === '') return { value: [] };
    const parts = t.split(',').map((s) => s.trim());
    const numeric = def.length > 0 ? typeof def[0] === 'number' : parts.every((s) => s !== '' && Number.isFinite(Number(s)));
    if (!numeric) return { value: parts };
    const nums = parts.map(Number);
    return nums.every(Number.isFinite) ? { value: nums } : bad('a comma-separated list of numbers');
  }
  // Objects and nulls travel as JSON.
  try {
    return { value: JSON.parse(text) };
  } catch {
    return bad('valid JSON');
  }
}

function encode(text) {
  // Commas, brackets and colons stay readable; everything else that needs it is escaped.
  return encodeURIComponent(text).replace(/%2C/gi, ',').replace(/%5B/gi, '[').replace(/%5D/gi, ']').replace(/%3A/gi, ':');
}

/**
 * Serializes a config into a URL hash (without the leading '#'). The fields with a dedicated
 * control are always written, so a link keeps its meaning if a default changes; every other
 * field is written only when it differs from its default, which keeps links short.
 */
export function serializeHash(config, defaults) {
  const keys = [
    ...FIELDS.map((f) => f.key).filter((k) => Object.hasOwn(config, k)),
    ...Object.keys(config).filter((k) => !FIELDS.some((f) => f.key === k) && !same(config[k], defaults[k])),
  ];
  return keys.map((k) => `${encode(k)}=${encode(formatValue(config[k]))}`).join('&');
}

/**
 * Parses a URL hash against the defaults. Returns {config, unknown, problems}: the config is the
 * defaults overridden by every value that parsed, `unknown` lists keys the config does not have
 * (they are ignored), and `problems` lists sentences about values that did not parse (those keys
 * keep their default).
 */
export function parseHash(hash, defaults) {
  const config = clone(defaults);
  const unknown = [];
  const problems = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key;
    let raw;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      raw = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      problems.push(`"${part}" is not a valid key=value pair`);
      continue;
    }
    if (!Object.hasOwn(defaults, key)) {
      unknown.push(key);
      continue;
    }
    const parsed = parseValue(key, raw, defaults[key]);
    if ('error' in parsed) problems.push(parsed.error);
    else config[key] = parsed.value;
  }
  return { config, unknown, problems };
}

/**
 * Parses the text of a list control ("64, 64" or "64 64") into whole numbers. Returns {value} or
 * {error}.
 */
export function parseList(text, label) {
  const parts = text.split(/[\s,;]+/).filter((s) => s !== '');
  const out = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { error: `${label}: "${p}" is not a whole number (write widths like "64, 64")` };
    out.push(Number(p));
  }
  return { value: out };
}

/** Formats a list value for a list control. */
export function formatList(value) {
  return value.join(', ');
}
