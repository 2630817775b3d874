// Owns the Network tab's geometry: the tile side that fits the width, the gaps, where each column
// stands, the offsets into the flat map, statistics and weight buffers, and the edges' strength
// classes and the strongest incoming weights. Pure functions, tested in Node.

/** The largest and the smallest tile side, in CSS pixels. */
export const TILE_MAX = 56;
export const TILE_MIN = 24;

/** The room left of the inputs and right of the outputs, where their names go (CSS pixels). */
export const SIDE = 46;

/** The height of the column headers and of the row under the tallest column (CSS pixels). */
export const HEADER = 36;
export const FOOTER = 28;

/** How many incoming weights the detail panel lists. */
export const TOP_INCOMING = 8;

/** Edges weaker than this share of the largest |w| between two columns are not drawn. */
export const EDGE_MIN = 0.05;

/** Edges are drawn in this many strength classes per sign, one path each. */
export const EDGE_BUCKETS = 8;

/** The gap between two columns, where the edges run, for tiles of side `tile`. */
export function columnGap(tile) {
  return Math.max(28, Math.round(tile * 1.1));
}

/** The vertical gap between two tiles of one column, for tiles of side `tile`. */
export function rowGap(tile) {
  return Math.max(4, Math.round(tile * 0.15));
}

/**
 * Returns the tile side (whole CSS pixels, TILE_MIN to TILE_MAX) at which `columns` columns with
 * their gaps and the name margins fit `width`; the smallest side when nothing fits (the diagram
 * then scrolls).
 */
export function tileSize(width, columns) {
  const n = Math.max(1, columns);
  for (let t = TILE_MAX; t > TILE_MIN; t--) {
    if (2 * SIDE + n * t + (n - 1) * columnGap(t) <= width) return t;
  }
  return TILE_MIN;
}

/**
 * Lays the diagram out in CSS pixels for columns of `shown` tiles each in `width`: the tile
 * side, the column and row gaps (the column gap widens to use spare width, up to 2.5 tiles), the
 * stage's size, the header width, and per column its left edge and the top of its first tile
 * (columns are centred on the tallest one).
 */
export function layoutNetwork(shown, width) {
  const n = Math.max(1, shown.length);
  const tile = tileSize(width, n);
  const vgap = rowGap(tile);
  let gap = 0;
  if (n > 1) {
    const spare = Math.floor((width - 2 * SIDE - n * tile) / (n - 1));
    gap = Math.min(Math.round(2.5 * tile), Math.max(columnGap(tile), spare));
  }
  const rows = Math.max(1, ...shown);
  const pitch = tile + vgap;
  const columns = shown.map((k, l) => ({
    x: SIDE + l * (tile + gap),
    y: HEADER + Math.round(((rows - k) * pitch) / 2),
  }));
  return {
    tile,
    gap,
    vgap,
    pitch,
    columns,
    width: 2 * SIDE + n * tile + (n - 1) * gap,
    height: HEADER + rows * pitch - vgap + FOOTER,
    headerWidth: Math.min(tile + gap - 6, 2 * SIDE + tile - 4),
  };
}

/** Returns the bucket (0 to EDGE_BUCKETS - 1) of an edge of weight `w`, or -1 when it is not drawn. */
export function edgeBucket(w, max) {
  if (!(max > 0) || !Number.isFinite(w)) return -1;
  const a = Math.abs(w) / max;
  if (a < EDGE_MIN) return -1;
  return Math.min(EDGE_BUCKETS - 1, Math.floor(a * EDGE_BUCKETS));
}

/** Returns the line width (CSS pixels) and opacity of the edges of `bucket`. */
export function edgeStyle(bucket) {
  const a = (bucket + 1) / EDGE_BUCKETS;
  return { width: 0.4 + 2.6 * a, alpha: 0.15 + 0.65 * a };
}

/** Returns the largest finite |w| of `weights` from `start` for `count` values (0 when none). */
export function maxAbs(weights, start, count) {
  let m = 0;
  for (let k = start; k < start + count; k++) {
    const a = Math.abs(weights[k]);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m;
}

/**
 * Returns, per layer, the index of its first shown unit among all shown units (a unit's map
 * starts at that index times res * res, its statistics at 4 times it), and per pair of
 * consecutive layers the offset of its weights; `unitStart` and `weightStart` have one more
 * entry, the totals.
 */
export function offsets(layers) {
  const unitStart = [0];
  const weightStart = [0];
  layers.forEach((layer, l) => {
    unitStart.push(unitStart[l] + layer.shown);
    if (l + 1 < layers.length) weightStart.push(weightStart[l] + layer.shown * layers[l + 1].shown);
  });
  return { unitStart, weightStart };
}

/**
 * Returns the `k` strongest finite incoming weights {from, w} of unit `j` of a column of
 * `shownOut` units from the `shownIn` units before it (weights from `start`, [i * shownOut + j]),
 * strongest |w| first.
 */
export function topIncoming(weights, start, shownIn, shownOut, j, k = TOP_INCOMING) {
  const all = [];
  for (let i = 0; i < shownIn; i++) {
    const w = weights[start + i * shownOut + j];
    if (Number.isFinite(w)) all.push({ from: i, w });
  }
  all.sort((a, b) => Math.abs(b.w) - Math.abs(a.w) || a.from - b.from);
  return all.slice(0, k);
}
