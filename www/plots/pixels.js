// Owns the drawing helpers the image views share: HWC float images painted into an offscreen atlas
// and blitted scaled up without smoothing, grid layouts that fit n tiles into a box, text
// shortened to a width, and the argmax of a probability row. Theme colours and canvas sizing are
// in canvas.js.

/**
 * Paints `count` images of `w` x `h` x `c` floats (HWC, concatenated in `data` from `start`)
 * side by side into `atlas` (a canvas, resized to count*w x h). Values map linearly from
 * [lo, hi] to 0-255 and are clamped; with `normalize`, each image maps its own [min, max]
 * instead (one range over all its channels). One channel is drawn grey, three as RGB.
 */
export function paintAtlas(atlas, data, count, w, h, c, { normalize = false, lo = 0, hi = 1, start = 0 } = {}) {
  atlas.width = Math.max(1, count * w);
  atlas.height = Math.max(1, h);
  const ctx = atlas.getContext('2d');
  if (count === 0) return atlas;
  const img = ctx.createImageData(count * w, h);
  const px = img.data;
  const len = w * h * c;
  for (let i = 0; i < count; i++) {
    const base = start + i * len;
    let a = lo;
    let b = hi;
    if (normalize) {
      a = Infinity;
      b = -Infinity;
      for (let j = 0; j < len; j++) {
        const v = data[base + j];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      if (!(b > a)) {
        // A constant tile (e.g. zero initialization) is drawn mid-grey.
        a -= 1;
        b += 1;
      }
    }
    const scale = 255 / (b - a);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = base + (y * w + x) * c;
        const dst = 4 * (y * count * w + i * w + x);
        if (c >= 3) {
          px[dst] = (data[src] - a) * scale;
          px[dst + 1] = (data[src + 1] - a) * scale;
          px[dst + 2] = (data[src + 2] - a) * scale;
        } else {
          const g = (data[src] - a) * scale;
          px[dst] = g;
          px[dst + 1] = g;
          px[dst + 2] = g;
        }
        px[dst + 3] = 255;
      }
    }
  }
  // Uint8ClampedArray clamps every value written above to 0-255.
  ctx.putImageData(img, 0, 0);
  return atlas;
}

/** Draws tile `i` of an atlas of `w` x `h` tiles at (x, y) scaled to size x size, pixelated. */
export function blit(ctx, atlas, i, w, h, x, y, size) {
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(atlas, i * w, 0, w, h, Math.round(x), Math.round(y), Math.round(size), Math.round(size));
}

/**
 * The grid that shows `n` square tiles, each with `extra` pixels of text below it, largest in a
 * width x height box with `gap` pixels between cells: {cols, rows, tile, cellW, cellH, x0, y0}.
 */
export function fitGrid(n, width, height, { gap = 4, extra = 0, maxTile = Infinity } = {}) {
  let best = { cols: 1, rows: n, tile: 0 };
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols);
    const tile = Math.min((width - gap * (cols - 1)) / cols, (height - gap * (rows - 1)) / rows - extra, maxTile);
    if (tile > best.tile) best = { cols, rows, tile };
  }
  const tile = Math.max(1, Math.floor(best.tile));
  const cellW = tile + gap;
  const cellH = tile + extra + gap;
  const usedW = best.cols * tile + (best.cols - 1) * gap;
  const usedH = best.rows * (tile + extra) + (best.rows - 1) * gap;
  return { ...best, tile, cellW, cellH, x0: Math.floor((width - usedW) / 2), y0: Math.floor(Math.max(0, (height - usedH) / 2)) };
}

/** `text` shortened with an ellipsis until it fits `width` pixels in the context's font. */
export function fitText(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return `${t}…`;
}

/** The index of the largest value of row r of a rows x k matrix (the first one on ties, as in the core). */
export function argmaxRow(m, r, k) {
  let best = 0;
  for (let j = 1; j < k; j++) if (m[r * k + j] > m[r * k + best]) best = j;
  return best;
}
