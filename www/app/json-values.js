// Owns small helpers for JSON-like values (configs, records): deep copy, deep equality, and the
// tidying of f32 values that serde-wasm-bindgen widens to doubles.

/** A deep copy of a JSON-like value. */
export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** Deep equality of JSON-like values. */
/**
 * Returns `v` with the keys of every object in it renamed by `names` ({old: new}), at any depth,
 * a key kept where its new name is already present; for values stored by an earlier version of
 * the page.
 */
export function renameKeys(v, names, depth = 0) {
  if (depth > 8 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => renameKeys(x, names, depth + 1));
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    const to = Object.hasOwn(names, k) && !Object.hasOwn(v, names[k]) ? names[k] : k;
    out[to] = renameKeys(x, names, depth + 1);
  }
  return out;
}

/**
 * The limits of a file the page imports (a config or a sweep): its size in bytes and how deep
 * its JSON may nest (no config field nests deeper than 3 levels, a sweep's config one more).
 */
export const IMPORT_LIMITS = Object.freeze({ bytes: 1 << 20, depth: 8 });

export function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
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

/** Whether a parsed JSON value nests deeper than `max` (walked without recursion). */
export function nestsDeeperThan(value, max) {
  const stack = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
