// Owns the Node-side unit tests of the Network tab's pure helpers (www/plots/network-layout.js, network-colors.js, network-labels.js): the
// layout (tile size from the width and the number of columns), the colour scales, their lookup
// tables and the value-to-colour mapping, the edge strength classes, the offsets into the flat
// buffers, the strongest incoming weights and the texts. They need no browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EDGE_BUCKETS, HEADER, SIDE, TILE_MAX, TILE_MIN, columnGap, edgeBucket, edgeStyle, layoutNetwork, maxAbs, offsets, tileSize, topIncoming } from '../../www/plots/network-layout.js';
import { GRADIENT, NO_VALUE, SAT_HI, SAT_LO, buildLut, colorIndex, featureScale, paintValues, scaleFor, scaleLabels } from '../../www/plots/network-colors.js';
import { readFileSync } from 'node:fs';
import { initSync, schema as coreSchema } from '../../pkg/overfit.js';
import { activationLabel, saturationText, describeUnit, featureLabel, shortNumber, signedWeight, sourceName, unitName } from '../../www/plots/network-labels.js';


initSync({ module: readFileSync(new URL('../../pkg/overfit_bg.wasm', import.meta.url)) });
/** The core's saturated bands, as the unit maps' layers carry them. */
const SAT = coreSchema().limits.saturation;

const COLORS = {
  neg: [0, 0, 255],
  zero: [255, 255, 255],
  pos: [255, 128, 0],
  negSat: [0, 0, 80],
  posSat: [120, 60, 0],
  none: [128, 128, 128],
};

/** Returns the [r, g, b, a] of entry `i` of a lookup table. */
function entry(lut, i) {
  return Array.from(lut.slice(4 * i, 4 * i + 4));
}

test('tiles take the largest side that fits the width, never more than the maximum or less than the minimum', () => {
  assert.equal(tileSize(2000, 3), TILE_MAX);
  assert.equal(tileSize(100, 10), TILE_MIN);
  assert.equal(tileSize(0, 10), TILE_MIN);
  for (const columns of [2, 3, 5, 8, 10]) {
    let last = Infinity;
    for (let width = 200; width <= 1600; width += 37) {
      const t = tileSize(width, columns);
      assert.ok(t >= TILE_MIN && t <= TILE_MAX && Number.isInteger(t));
      // Whenever the tile is above the minimum, the columns and their gaps fit.
      if (t > TILE_MIN) assert.ok(2 * SIDE + columns * t + (columns - 1) * columnGap(t) <= width, `${columns} columns at ${width}`);
      last = t;
    }
    assert.ok(last >= TILE_MIN);
  }
  // More columns never get larger tiles at the same width.
  for (let columns = 2; columns < 12; columns++) assert.ok(tileSize(700, columns + 1) <= tileSize(700, columns));
  // Eight hidden layers with inputs and outputs still get readable tiles in a 700 px panel.
  assert.ok(tileSize(700, 10) >= 28);
});

test('the layout fits the width when it can, centres the columns and never overlaps tiles', () => {
  const shown = [2, 12, 12, 8, 2];
  const layout = layoutNetwork(shown, 800);
  assert.ok(layout.width <= 800, `stage ${layout.width} wider than 800`);
  assert.equal(layout.columns.length, shown.length);
  for (let l = 1; l < shown.length; l++) {
    // Columns leave at least the edge gap between them.
    assert.ok(layout.columns[l].x - layout.columns[l - 1].x >= layout.tile + columnGap(layout.tile));
  }
  assert.ok(layout.pitch > layout.tile, 'tiles of a column overlap');
  // The tallest column starts under the header, shorter ones are centred on it.
  assert.equal(layout.columns[1].y, HEADER);
  const mid = (l) => layout.columns[l].y + (shown[l] * layout.pitch - layout.vgap) / 2;
  for (let l = 0; l < shown.length; l++) assert.ok(Math.abs(mid(l) - mid(1)) <= 1);
  // Every tile lies inside the stage.
  for (let l = 0; l < shown.length; l++) {
    assert.ok(layout.columns[l].x >= SIDE && layout.columns[l].x + layout.tile <= layout.width - SIDE);
    assert.ok(layout.columns[l].y + shown[l] * layout.pitch - layout.vgap <= layout.height);
  }
  // Spare width widens the gaps, up to two and a half tiles.
  const wide = layoutNetwork([2, 4, 2], 3000);
  assert.equal(wide.tile, TILE_MAX);
  assert.equal(wide.gap, Math.round(2.5 * TILE_MAX));
  // Too narrow: the smallest tiles, and the stage is wider than the width (the view scrolls).
  const narrow = layoutNetwork(new Array(10).fill(12), 300);
  assert.equal(narrow.tile, TILE_MIN);
  assert.ok(narrow.width > 300);
});

test('feature and activation names are written as the page writes them', () => {
  const want = { x1: 'x₁', x2: 'x₂', x1_squared: 'x₁²', x2_squared: 'x₂²', x1_x2: 'x₁x₂', sin_x1: 'sin x₁', sin_x2: 'sin x₂' };
  for (const [name, label] of Object.entries(want)) assert.equal(featureLabel(name), label);
  assert.equal(featureLabel('other'), 'other');
  assert.equal(activationLabel('leaky_relu'), 'Leaky ReLU', 'the word the settings use');
  assert.equal(activationLabel(null), '');
});

test('each layer gets the right colour scale', () => {
  // The saturated ends are where the core counts saturation (src/metrics.rs): |tanh| > 0.99,
  // sigmoid farther than 0.49 from 0.5.
  const tanh = scaleFor({ kind: 'hidden', activation: 'tanh', lo: -0.2, hi: 0.3, saturation: SAT.tanh });
  assert.deepEqual({ ...tanh, sat: Math.round(tanh.sat * 1e6) / 1e6 }, { kind: 'diverging', mid: 0, half: 1, sat: 0.99 });
  const sigmoid = scaleFor({ kind: 'hidden', activation: 'sigmoid', lo: 0.1, hi: 0.9, saturation: SAT.sigmoid });
  assert.deepEqual({ ...sigmoid, sat: Math.round(sigmoid.sat * 1e6) / 1e6 }, { kind: 'diverging', mid: 0.5, half: 0.5, sat: 0.49 });
  assert.equal(saturationText({ activation: 'tanh', saturation: SAT.tanh }), 'Outer ends: saturated (|tanh| > 0.99).');
  assert.equal(saturationText({ activation: 'sigmoid', saturation: SAT.sigmoid }), 'Outer ends: saturated (sigmoid below 0.01 or above 0.99).');
  assert.equal(saturationText({ activation: 'relu', saturation: null }), '');
  assert.deepEqual(scaleFor({ kind: 'hidden', activation: 'relu', lo: 0, hi: 3.4 }), { kind: 'sequential', lo: 0, hi: 3.4, prob: false });
  // A layer of dead ReLUs (all zeros) still has a usable range.
  assert.deepEqual(scaleFor({ kind: 'hidden', activation: 'relu', lo: 0, hi: 0 }), { kind: 'sequential', lo: 0, hi: 1, prob: false });
  // A range across 0 is symmetric around 0.
  assert.deepEqual(scaleFor({ kind: 'hidden', activation: 'elu', lo: -1.2, hi: 3.4 }), { kind: 'diverging', mid: 0, half: 3.4, sat: 0 });
  assert.deepEqual(scaleFor({ kind: 'input', activation: null, lo: -5, hi: 2 }), { kind: 'diverging', mid: 0, half: 5, sat: 0 });
  assert.deepEqual(scaleFor({ kind: 'output', activation: null, lo: 0.02, hi: 0.97 }), { kind: 'sequential', lo: 0, hi: 1, prob: true });
  assert.deepEqual(scaleLabels(scaleFor({ kind: 'hidden', activation: 'tanh', saturation: SAT.tanh })), ['−1', '0', '+1']);
  assert.deepEqual(scaleLabels(scaleFor({ kind: 'hidden', activation: 'sigmoid', saturation: SAT.sigmoid })), ['0', '0.5', '1']);
  assert.deepEqual(scaleLabels(scaleFor({ kind: 'hidden', activation: 'relu', lo: 0, hi: 2.345 })), ['0', '1.2', '2.3']);
});

test('values map to lookup-table indices: 0 in the middle, the ends at full colour, saturation and missing values apart', () => {
  const tanh = scaleFor({ kind: 'hidden', activation: 'tanh', saturation: SAT.tanh });
  assert.equal(colorIndex(0, tanh), GRADIENT / 2);
  assert.equal(colorIndex(0.99, tanh), Math.round(1.99 * (GRADIENT / 2)));
  assert.equal(colorIndex(1, tanh), SAT_HI);
  assert.equal(colorIndex(-1, tanh), SAT_LO);
  assert.equal(colorIndex(-0.995, tanh), SAT_LO);
  assert.equal(colorIndex(Number.NaN, tanh), NO_VALUE);
  assert.equal(colorIndex(Infinity, tanh), NO_VALUE);
  const sig = scaleFor({ kind: 'hidden', activation: 'sigmoid', saturation: SAT.sigmoid });
  assert.equal(colorIndex(0.5, sig), GRADIENT / 2);
  assert.equal(colorIndex(0.001, sig), SAT_LO);
  assert.equal(colorIndex(0.999, sig), SAT_HI);
  const wide = scaleFor({ kind: 'hidden', activation: 'elu', lo: -2, hi: 4 });
  assert.equal(colorIndex(4, wide), GRADIENT);
  assert.equal(colorIndex(-4, wide), 0);
  assert.equal(colorIndex(-2, wide), GRADIENT / 4);
  assert.equal(colorIndex(99, wide), GRADIENT, 'values beyond the range are clamped');
  const relu = scaleFor({ kind: 'hidden', activation: 'relu', lo: 0, hi: 2 });
  assert.equal(colorIndex(0, relu), 0);
  assert.equal(colorIndex(1, relu), GRADIENT / 2);
  assert.equal(colorIndex(2, relu), GRADIENT);
  const prob = scaleFor({ kind: 'output' });
  assert.equal(colorIndex(1, prob), GRADIENT);
  assert.equal(colorIndex(0, prob), 0);
});

test('painting a map writes the lookup-table entry colorIndex gives each value, and marks missing values', () => {
  // A table whose entry i is i itself shows which index each value got.
  const lut = new Uint32Array(260).map((_, i) => i);
  const values = new Float32Array(400).map((_, k) => Math.sin(k * 0.37) * 1.3 + (k % 7 === 0 ? 0.5 : 0));
  values[5] = Number.NaN;
  values[6] = -Infinity;
  const scales = [
    scaleFor({ kind: 'hidden', activation: 'tanh', saturation: SAT.tanh }),
    scaleFor({ kind: 'hidden', activation: 'sigmoid', saturation: SAT.sigmoid }),
    scaleFor({ kind: 'hidden', activation: 'elu', lo: -0.7, hi: 1.9 }),
    scaleFor({ kind: 'hidden', activation: 'relu', lo: 0, hi: 1.1 }),
    scaleFor({ kind: 'output' }),
  ];
  for (const scale of scales) {
    const pixels = new Uint32Array(110);
    paintValues(values, 300, 110, scale, lut, pixels);
    for (let k = 0; k < 100; k++) assert.equal(pixels[k], colorIndex(values[300 + k], scale), `${scale.kind} value ${values[300 + k]}`);
    // The buffer holds 100 values from 300: the last 10 cells are missing.
    for (let k = 100; k < 110; k++) assert.equal(pixels[k], NO_VALUE);
    const first = new Uint32Array(10);
    paintValues(values, 0, 10, scale, lut, first);
    assert.equal(first[5], NO_VALUE);
    assert.equal(first[6], NO_VALUE);
  }
});

test('each input feature gets the scale of its own range', () => {
  const layer = { kind: 'input', activation: null, lo: -6, hi: 36 };
  const maps = new Float32Array([-6, 0, 6, 0, 0, 9, 36, 1]);
  assert.deepEqual(featureScale(layer, maps, 0, 4), { kind: 'diverging', mid: 0, half: 6, sat: 0 });
  assert.deepEqual(featureScale(layer, maps, 4, 4), { kind: 'sequential', lo: 0, hi: 36, prob: false });
});

test('lookup tables run from the negative colour through zero to the positive colour, with saturated ends', () => {
  const div = buildLut('diverging', COLORS);
  assert.deepEqual(entry(div, 0), [...COLORS.neg, 255]);
  assert.deepEqual(entry(div, GRADIENT / 2), [...COLORS.zero, 255]);
  assert.deepEqual(entry(div, GRADIENT), [...COLORS.pos, 255]);
  assert.deepEqual(entry(div, SAT_LO), [...COLORS.negSat, 255]);
  assert.deepEqual(entry(div, SAT_HI), [...COLORS.posSat, 255]);
  assert.deepEqual(entry(div, NO_VALUE), [...COLORS.none, 255]);
  // Halfway to the negative end is halfway between white and blue.
  assert.deepEqual(entry(div, GRADIENT / 4), [128, 128, 255, 255]);
  const seq = buildLut('sequential', COLORS);
  assert.deepEqual(entry(seq, 0), [...COLORS.zero, 255]);
  assert.deepEqual(entry(seq, GRADIENT), [...COLORS.pos, 255]);
  // The sequential table's blue channel falls steadily from white to orange.
  for (let i = 1; i <= GRADIENT; i++) assert.ok(seq[4 * i + 2] <= seq[4 * (i - 1) + 2]);
});

test('edges below 5 % of the largest weight are left out; stronger ones are wider and more opaque', () => {
  assert.equal(edgeBucket(0.04, 1), -1);
  assert.equal(edgeBucket(-0.049, 1), -1);
  assert.equal(edgeBucket(0.05, 1), 0);
  assert.equal(edgeBucket(1, 1), EDGE_BUCKETS - 1);
  assert.equal(edgeBucket(-2, 2), EDGE_BUCKETS - 1);
  assert.equal(edgeBucket(Number.NaN, 1), -1);
  assert.equal(edgeBucket(1, 0), -1, 'no edges when every weight is 0');
  for (let b = 1; b < EDGE_BUCKETS; b++) {
    assert.ok(edgeStyle(b).width > edgeStyle(b - 1).width);
    assert.ok(edgeStyle(b).alpha > edgeStyle(b - 1).alpha);
  }
  assert.ok(edgeStyle(EDGE_BUCKETS - 1).alpha <= 1);
  assert.equal(maxAbs(new Float32Array([0.5, -3, Number.NaN, 2]), 0, 4), 3);
  assert.equal(maxAbs(new Float32Array([0.5, -3, 1, 2]), 2, 2), 2);
});

test('offsets into the flat buffers follow the layers and the shown units', () => {
  const layers = [{ shown: 2 }, { shown: 12 }, { shown: 5 }, { shown: 3 }];
  const { unitStart, weightStart } = offsets(layers);
  assert.deepEqual(unitStart, [0, 2, 14, 19, 22]);
  assert.deepEqual(weightStart, [0, 24, 84, 99]);
});

test('the strongest incoming weights come first, signed, at most eight', () => {
  // Three source units into two units: [i * 2 + j].
  const w = new Float32Array([0.1, -0.9, -0.5, 0.2, 0.3, Number.NaN]);
  assert.deepEqual(topIncoming(w, 0, 3, 2, 0).map((e) => [e.from, Number(e.w.toFixed(2))]), [[1, -0.5], [2, 0.3], [0, 0.1]]);
  assert.deepEqual(topIncoming(w, 0, 3, 2, 1).map((e) => e.from), [0, 1], 'a missing weight is skipped');
  const many = new Float32Array(20).map((_, i) => (i % 2 ? -i : i));
  const top = topIncoming(many, 0, 20, 1, 0);
  assert.equal(top.length, 8);
  assert.deepEqual(top.map((e) => e.w), [-19, 18, -17, 16, -15, 14, -13, 12]);
});

test('units are named and described for tooltips and screen readers', () => {
  const input = { kind: 'input', label: 'Inputs', units: 3, shown: 3, names: ['x1', 'x2', 'sin_x1'] };
  const hidden = { kind: 'hidden', label: 'Layer 2', units: 8, shown: 8, activation: 'tanh' };
  assert.equal(unitName(input, 0, 2), 'Input sin x₁');
  assert.equal(unitName(hidden, 2, 4), 'Layer 2, unit 5');
  assert.equal(unitName({ kind: 'output', units: 3 }, 3, 0), 'Output class 0');
  assert.equal(unitName({ kind: 'output', units: 1 }, 3, 0), 'Output p(class 1)');
  assert.equal(sourceName(input, 1), 'x₂');
  assert.equal(sourceName(hidden, 0), 'unit 1');
  assert.equal(
    describeUnit('Layer 2, unit 5', { mean: 0.1234, std: 0.4, saturated: 0.031, dead: 0 }),
    'Layer 2, unit 5: mean 0.12, std 0.40, 3 % saturated, 0 % dead',
  );
  assert.equal(describeUnit('x', { mean: Number.NaN, std: 1, saturated: 0, dead: 1 }), 'x: mean –, std 1.00, 0 % saturated, 100 % dead');
  assert.equal(shortNumber(-0.1234), '−0.12');
  assert.equal(shortNumber(123.4), '120');
  assert.equal(signedWeight(0.5123), '+0.512');
  assert.equal(signedWeight(-0.21), '−0.210');
});
