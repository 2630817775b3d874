// Owns the Lecture path's links: `#lecture=STEP` opens the path at that step, `#lecture=all` the
// lecturer view, and `?embed#lecture=STEP` the step alone (its panel, the plots and the run
// button) for slides. Pure: reading a hash and writing a link.

/**
 * Reads `lecture=…` from a hash: {id} ('all' for the lecturer view), or null when the hash names
 * no step.
 */
export function lectureFromHash(hash) {
  const text = String(hash ?? '');
  const params = new URLSearchParams(text.startsWith('#') ? text.slice(1) : text);
  if (!params.has('lecture')) return null;
  return { id: params.get('lecture') ?? '' };
}

/** The hash that opens the path at a step. */
export function stepHash(id) {
  return `#lecture=${encodeURIComponent(id)}`;
}

/** The link that opens a step (`base`: the page's address; `embed`: the step alone, for slides). */
export function stepLink(base, id, { embed = false } = {}) {
  const url = new URL(base);
  url.search = embed ? '?embed' : '';
  url.hash = stepHash(id).slice(1);
  return url.href;
}
