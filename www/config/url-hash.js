// Owns the URL-hash form of a config: serializing a config into `key=value&...` and parsing it
// back, each value read by its field's type in the core's schema (www/schema.js); and the compact
// form of the per-layer overrides. Pure (no DOM), so the Node unit tests import it.
//
// One field has a compact hash form of its own: `layer_overrides` (per-hidden-layer activation,
// dropout and normalization) travels under the short key `lo` as
//
//   lo=2:a=tanh:d=0.5;3:n=batch
//
// that is, one entry per overridden hidden layer separated by ';', each entry the layer number
// (counted from 1, as in the config) followed by ':'-separated settings, where `a` is the
// activation, `d` the dropout probability and `n` the normalization. A layer without settings is
// dropped. The long key `layer_overrides=` with the config's JSON array is read as well.

import { clone, same } from '../app/json-values.js';

/** The short hash names of the per-layer settings. */
const OVERRIDE_KEYS = { a: 'activation', d: 'dropout', n: 'norm' };
const OVERRIDE_SHORT = { activation: 'a', dropout: 'd', norm: 'n' };

/**
 * Tidies a layer_overrides array: drops settings that are null or absent and entries left with
 * none, keeps the last entry per layer, and sorts by layer. Layers beyond `layers` are dropped
 * when `layers` is given (after the hidden layers changed).
 */
export function normalizeOverrides(overrides, layers = Infinity) {
  const byLayer = new Map();
  for (const o of Array.isArray(overrides) ? overrides : []) {
    if (!o || !Number.isInteger(o.layer) || o.layer < 1 || o.layer > layers) continue;
    const entry = { layer: o.layer };
    for (const k of ['activation', 'dropout', 'norm']) {
      if (o[k] !== null && o[k] !== undefined && o[k] !== '') entry[k] = o[k];
    }
    byLayer.set(o.layer, entry);
  }
  return [...byLayer.values()].filter((e) => Object.keys(e).length > 1).sort((a, b) => a.layer - b.layer);
}

/** Formats layer_overrides compactly: "2:a=tanh:d=0.5;3:n=batch" (see the top of this file). */
export function formatOverrides(overrides) {
  return normalizeOverrides(overrides)
    .map((o) => [String(o.layer), ...['activation', 'dropout', 'norm'].filter((k) => k in o).map((k) => `${OVERRIDE_SHORT[k]}=${o[k]}`)].join(':'))
    .join(';');
}

/**
 * Parses the compact form (or a JSON array); returns {value} or {error}. With the schema's field
 * spec, a text with more entries than there can be hidden layers is refused before it is split.
 */
export function parseOverrides(text, spec = null) {
  const t = text.trim();
  if (t === '') return { value: [] };
  const max = spec?.max_items ?? Infinity;
  if (countItems(t, t.startsWith('[') ? '{' : ';') - (t.startsWith('[') ? 1 : 0) > max) {
    return { error: `layer_overrides: at most ${max} entries (one per hidden layer)` };
  }
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      return Array.isArray(v) ? { value: normalizeOverrides(v) } : { error: `layer_overrides: "${short(text)}" is not a list` };
    } catch {
      return { error: `layer_overrides: "${short(text)}" is not valid JSON` };
    }
  }
  const out = [];
  for (const entry of t.split(';')) {
    if (entry.trim() === '') continue;
    const [layerText, ...settings] = entry.split(':');
    const layer = Number(layerText);
    if (!Number.isInteger(layer) || layer < 1) return { error: `layer_overrides: "${layerText}" is not a layer number (1, 2, ...)` };
    const o = { layer };
    for (const s of settings) {
      const eq = s.indexOf('=');
      const name = OVERRIDE_KEYS[s.slice(0, eq)] ?? (Object.hasOwn(OVERRIDE_SHORT, s.slice(0, eq)) ? s.slice(0, eq) : null);
      if (eq < 0 || !name) return { error: `layer_overrides: "${s}" is not a=activation, d=dropout or n=norm` };
      const v = s.slice(eq + 1);
      if (name === 'dropout') {
        const p = v.trim() === '' ? NaN : Number(v);
        if (!Number.isFinite(p)) return { error: `layer_overrides: dropout "${v}" is not a number` };
        o.dropout = p;
      } else {
        o[name] = v;
      }
    }
    out.push(o);
  }
  return { value: normalizeOverrides(out) };
}

// ---------------------------------------------------------------------------------------------
// The URL hash.

/** Config keys that travel under another name in the hash, with their own text form. */
const HASH_CODECS = {
  layer_overrides: { hashKey: 'lo', format: formatOverrides, parse: parseOverrides },
};
const HASH_ALIASES = Object.fromEntries(Object.entries(HASH_CODECS).map(([key, c]) => [c.hashKey, key]));

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
 * Parses one hash value by its field's type in the schema ('int', 'real', 'bool', 'choice',
 * 'widths', anything else as JSON). Returns {value} or {error}, where the error is a sentence
 * naming the key. Ranges are the core's to check.
 */
export function parseValue(key, text, spec) {
  const bad = (what) => ({ error: `${key}: "${short(text)}" is not ${what}` });
  switch (spec?.type) {
    case 'int':
    case 'real': {
      const v = text.trim() === '' ? NaN : Number(text);
      return Number.isFinite(v) ? { value: v } : bad('a number');
    }
    case 'bool':
      if (text === 'true' || text === '1') return { value: true };
      if (text === 'false' || text === '0') return { value: false };
      return bad('true or false');
    case 'choice':
      return { value: text };
    case 'set': {
      const t = text.trim();
      if (countItems(t, ',') > spec.options.length) return { error: `${key}: at most ${spec.options.length} entries` };
      return { value: t === '' ? [] : t.split(',').map((x) => x.trim()) };
    }
    case 'widths': {
      const t = text.trim();
      if (t.startsWith('[')) {
        if (countItems(t, ',') > spec.max_items) return { error: `${key}: at most ${spec.max_items} layers` };
        try {
          const v = JSON.parse(t);
          return Array.isArray(v) && v.every((x) => typeof x === 'number') ? { value: v } : bad('a list of numbers');
        } catch {
          return bad('a list of numbers');
        }
      }
      if (t === '') return { value: [] };
      // A list far longer than the core allows is refused before it is split, so a hostile link
      // never makes the page build thousands of per-layer controls.
      const items = countItems(t, ',');
      if (items > spec.max_items) return { error: `${key}: at most ${spec.max_items} layers, got ${items}` };
      const nums = t.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
      return nums.every(Number.isFinite) ? { value: nums } : bad('a comma-separated list of numbers');
    }
    default:
      // Objects and anything the schema may add later travel as JSON.
      try {
        return { value: JSON.parse(text) };
      } catch {
        return bad('valid JSON');
      }
  }
}

/** A text cut to 60 characters for a message. */
function short(text) {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** How many `sep`-separated items a text holds, counted without splitting it. */
export function countItems(text, sep) {
  let n = 1;
  for (let i = text.indexOf(sep); i >= 0; i = text.indexOf(sep, i + 1)) n += 1;
  return n;
}

function encode(text) {
  // Commas, brackets, colons, semicolons and '=' stay readable (the parser splits a pair at its
  // first '=' only); everything else that needs it is escaped.
  return encodeURIComponent(text)
    .replace(/%2C/gi, ',').replace(/%5B/gi, '[').replace(/%5D/gi, ']')
    .replace(/%3A/gi, ':').replace(/%3B/gi, ';').replace(/%3D/gi, '=');
}

/**
 * Serializes a config into a URL hash (without the leading '#'). `fields` are the page's field
 * descriptions (config-fields.js: key, default, effect, applies). A field that changes training
 * is written whenever it applies to the config (so a link keeps its meaning if a default
 * changes); every field is written when it differs from its default.
 * layer_overrides is written in its compact form under `lo`, only when there are overrides.
 */
export function serializeHash(config, fields) {
  const keys = fields
    .filter((f) => Object.hasOwn(config, f.key))
    .filter((f) => !same(config[f.key], f.default) || (!HASH_CODECS[f.key] && f.effect !== 'none' && f.applies(config)))
    .map((f) => f.key);
  return keys
    .map((k) => {
      const codec = HASH_CODECS[k];
      return codec ? `${encode(codec.hashKey)}=${encode(codec.format(config[k]))}` : `${encode(k)}=${encode(formatValue(config[k]))}`;
    })
    .join('&');
}

/**
 * Parses a URL hash against the schema (www/config/schema.js). Returns {given, config, unknown,
 * problems}: `given` holds only the values that parsed, the config the page sends to the core,
 * which fills every missing field by its own rules (a missing loss is the dataset's default, MSE
 * for a regression set: Config::from_value); `config` is the schema's defaults overridden by
 * `given`, for the controls until the core's answer arrives; `unknown` lists keys the config does
 * not have (they are ignored), and `problems` lists sentences about values that did not parse.
 */
export function parseHash(hash, schema) {
  const given = {};
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
    key = HASH_ALIASES[key] ?? key;
    const spec = schema.field(key);
    if (!spec) {
      unknown.push(key);
      continue;
    }
    const parsed = HASH_CODECS[key] ? HASH_CODECS[key].parse(raw, spec) : parseValue(key, raw, spec);
    if ('error' in parsed) problems.push(parsed.error);
    else given[key] = parsed.value;
  }
  return { given: clone(given), config: { ...schema.defaults(), ...clone(given) }, unknown, problems };
}

/**
 * Parses the text of a list control ("64, 64" or "64 64") into whole numbers. Returns {value} or
 * {error}.
 */
export function parseList(text, label, maxItems = Infinity) {
  // Counted before splitting, so pasting thousands of widths costs nothing.
  const items = text.trim() === '' ? 0 : (text.trim().match(/[\s,;]+/g)?.length ?? 0) + 1;
  if (items > maxItems) return { error: `${label}: at most ${maxItems} layers, got ${items}` };
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
