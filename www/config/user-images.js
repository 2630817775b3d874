// Owns the user's own images: reads the files chosen with "Choose folder" (one sub-folder per
// class) or "Choose files" (class = the file-name prefix before the first "_" or "-"), decodes
// them in this browser, crops each to a centred square and resizes it to image_size, and keeps
// the File handles in memory only so that a new size or colour setting can decode them again.
// Nothing is uploaded; every file or class name shown goes through textContent.

import { formatInt } from '../app/format.js';

// The limits (most and fewest images and classes, most bytes of pixels) are the core's: they
// arrive with the schema (src/schema.rs `limits`, from src/data/user.rs) and are checked here
// before anything is decoded, so a set the core would refuse is never copied.

/** Images decoded at the same time (createImageBitmap decodes off the main thread). */
const PARALLEL = 8;

const count = (n, one, many = `${one}s`) => `${formatInt(n)} ${n === 1 ? one : many}`;

/**
 * Assigns each chosen file a class. `mode` is 'folder' (the class is the first sub-folder under
 * the chosen folder) or 'files' (the class is the name before the first "_" or "-").
 * Returns {entries: [{file, name}], names (sorted), unassigned, notImages}: files that are
 * clearly not images (a known non-image type) are counted in notImages, files without a class in
 * unassigned; neither is in entries.
 */
export function groupFiles(files, mode) {
  const entries = [];
  let unassigned = 0;
  let notImages = 0;
  for (const file of files) {
    if (file.type && !file.type.startsWith('image/')) {
      notImages += 1;
      continue;
    }
    let name = null;
    if (mode === 'folder') {
      const parts = (file.webkitRelativePath || file.name).split('/').filter((p) => p !== '');
      if (parts.length >= 3) name = parts[1];
    } else {
      const m = /^([^_-]+)[_-]/.exec(file.name);
      if (m) name = m[1];
    }
    if (name === null || name.trim() === '') unassigned += 1;
    else entries.push({ file, name: name.trim() });
  }
  const names = [...new Set(entries.map((e) => e.name))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { entries, names, unassigned, notImages };
}

/**
 * The sentence (without a final period) that refuses a set outside the core's `limits`, or null.
 * `bytes` is what the decoded pixels would take (images x size x size x channels x 4).
 */
export function limitProblem(images, classes, limits, bytes = 0) {
  const maxImages = limits.user_images_max;
  if (images > maxImages) return `Too many images: ${count(images, 'image file')}; the limit is ${formatInt(maxImages)}`;
  if (classes > limits.user_classes_max) return `Too many classes: ${classes}; the limit is ${limits.user_classes_max}`;
  if (classes < limits.user_classes_min) {
    return `Need at least ${limits.user_classes_min} classes, found ${classes}: choose a folder with one sub-folder per class, or files named like cat_01.png and dog_01.png`;
  }
  if (images < limits.user_images_min) return `Need at least ${limits.user_images_min} images, found ${images}`;
  if (bytes > limits.user_bytes_max) {
    const mb = (b) => Math.ceil(b / (1 << 20));
    return `Too much pixel data: ${count(images, 'image')} at this size take ${mb(bytes)} MB, more than the limit of ${mb(limits.user_bytes_max)} MB; use fewer or smaller images, or grey`;
  }
  return null;
}

/**
 * Draws a decoded bitmap into `out` at `offset`: a size x size image, HWC, values 0-1, grey
 * (luminance 0.299 R + 0.587 G + 0.114 B) or RGB. The largest centred square is used, so the
 * image keeps its proportions; transparent pixels are composited over white.
 */
function drawInto(bitmap, ctx, size, channels, out, offset) {
  const side = Math.min(bitmap.width, bitmap.height);
  if (side < 1) throw new Error('empty image');
  const sx = (bitmap.width - side) / 2;
  const sy = (bitmap.height - side) / 2;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size, size);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, sx, sy, side, side, 0, 0, size, size);
  const px = ctx.getImageData(0, 0, size, size).data;
  for (let i = 0; i < size * size; i++) {
    const r = px[4 * i] / 255;
    const g = px[4 * i + 1] / 255;
    const b = px[4 * i + 2] / 255;
    if (channels === 3) {
      out[offset + 3 * i] = r;
      out[offset + 3 * i + 1] = g;
      out[offset + 3 * i + 2] = b;
    } else {
      out[offset + i] = 0.299 * r + 0.587 * g + 0.114 * b;
    }
  }
}

/**
 * Decodes grouped entries at `size` (grey or colour). Returns {pixels, labels, names, perClass,
 * skipped, size, channels}; files that fail to decode are skipped and counted, and classes left
 * without images are dropped. `onProgress(done, total)` is called between batches.
 */
export async function decodeEntries(entries, names, size, color, onProgress = () => {}) {
  const channels = color ? 3 : 1;
  const len = size * size * channels;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const pixels = new Float32Array(entries.length * len);
  const raw = new Int32Array(entries.length).fill(-1);
  const index = new Map(names.map((n, i) => [n, i]));
  let skipped = 0;
  let done = 0;
  // PARALLEL files are decoded at a time (a file that cannot be decoded rejects and is
  // skipped); drawing into the one small canvas is synchronous.
  for (let start = 0; start < entries.length; start += PARALLEL) {
    const batch = entries.slice(start, start + PARALLEL);
    const bitmaps = await Promise.all(batch.map((e) => createImageBitmap(e.file).catch(() => null)));
    for (let j = 0; j < batch.length; j++) {
      const bitmap = bitmaps[j];
      if (!bitmap) {
        skipped += 1;
        continue;
      }
      try {
        drawInto(bitmap, ctx, size, channels, pixels, (start + j) * len);
        raw[start + j] = index.get(batch[j].name);
      } catch {
        skipped += 1;
      } finally {
        bitmap.close();
      }
    }
    done += batch.length;
    onProgress(done, entries.length);
  }
  // Compact: keep the decoded images and the classes that still have some.
  const perRaw = new Array(names.length).fill(0);
  for (const c of raw) if (c >= 0) perRaw[c] += 1;
  const kept = names.map((n, i) => i).filter((i) => perRaw[i] > 0);
  const remap = new Map(kept.map((old, i) => [old, i]));
  const n = raw.reduce((a, c) => a + (c >= 0 ? 1 : 0), 0);
  const outPixels = new Float32Array(n * len);
  const labels = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] < 0) continue;
    outPixels.set(pixels.subarray(i * len, (i + 1) * len), k * len);
    labels[k] = remap.get(raw[i]);
    k += 1;
  }
  return {
    pixels: outPixels,
    labels,
    names: kept.map((i) => names[i]),
    perClass: kept.map((i) => perRaw[i]),
    skipped,
    size,
    channels,
  };
}

/**
 * The "Your images" loader in the page: two file inputs and a status line. `onData(data)` gets
 * every decoded set that passed the limits ({pixels, labels, names, size, channels, ...});
 * the caller sends it to the worker.
 */
export class UserImages {
  constructor({ folderInput, filesInput, status, classList }, { onData, settings }) {
    this.status = status;
    this.classList = classList;
    this.onData = onData;
    /** Returns the current {size, color} from the config. */
    this.settings = settings;
    /** The chosen files, grouped, kept in memory for decoding again at another size. */
    this.group = null;
    /** {size, color} of the newest decoded set that was handed over, and its description. */
    this.loaded = null;
    this.inUse = null;
    this.generation = 0;
    /** The core's limits (set once the schema arrives). */
    this.limits = null;
    folderInput.addEventListener('change', () => this.choose(folderInput, 'folder'));
    filesInput.addEventListener('change', () => this.choose(filesInput, 'files'));
  }

  /** The core's limits for the user's images (from the schema). */
  setLimits(limits) {
    this.limits = limits;
  }

  /** The pixel bytes `images` images take at a size and colour setting. */
  static bytes(images, size, color) {
    return images * size * size * (color ? 3 : 1) * 4;
  }

  /**
   * Shows a status line. After a successful load, `loaded` describes the set in use; it stays
   * visible (as "In use: ...") under a later error, since an error replaces nothing.
   */
  say(text, kind = 'note', loaded = null) {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
    if (loaded) this.inUse = loaded;
    const detail = loaded ?? (kind !== 'note' && this.inUse ? `In use: ${this.inUse}` : '');
    this.classList.textContent = detail;
    this.classList.hidden = detail === '';
  }

  /** Reads a file input's selection; the input is cleared so that the same choice fires again. */
  async choose(input, mode) {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length === 0) return;
    if (!this.limits) return;
    const group = groupFiles(files, mode);
    const { size, color } = this.settings();
    const problem = limitProblem(group.entries.length, group.names.length, this.limits, UserImages.bytes(group.entries.length, size, color));
    if (problem) {
      this.generation += 1;
      this.say(`${problem}. Nothing was replaced.`, 'error');
      return;
    }
    await this.decode(group, size, color);
  }

  /** Decodes a group at a size and colour setting and hands it over when it passes the limits. */
  async decode(group, size, color) {
    const generation = ++this.generation;
    // A new size or colour can take the set over the byte limit: refused before decoding.
    const tooBig = limitProblem(group.entries.length, group.names.length, this.limits, UserImages.bytes(group.entries.length, size, color));
    if (tooBig) {
      this.say(`${tooBig}. Nothing was replaced.`, 'error');
      return false;
    }
    const total = group.entries.length;
    this.say(`Decoding ${count(total, 'image')}…`, 'busy');
    let data;
    try {
      data = await decodeEntries(group.entries, group.names, size, color, (done) => {
        if (generation === this.generation) this.say(`Decoding ${formatInt(done)} of ${count(total, 'image')}…`, 'busy');
      });
    } catch (e) {
      if (generation === this.generation) this.say(`Could not decode the images: ${e instanceof Error ? e.message : String(e)}. Nothing was replaced.`, 'error');
      return false;
    }
    // A newer choice or setting started meanwhile: this result is stale.
    if (generation !== this.generation) return false;
    const skipped = data.skipped + group.notImages;
    const problem = limitProblem(data.labels.length, data.names.length, this.limits, data.pixels.byteLength);
    if (problem) {
      const why = skipped > 0 ? ` (${count(skipped, 'unreadable file')} skipped)` : '';
      this.say(`${problem}${why}. Nothing was replaced.`, 'error');
      return false;
    }
    const parts = [`Loaded ${count(data.labels.length, 'image')} in ${count(data.names.length, 'class', 'classes')}`];
    if (skipped > 0) parts.push(`skipped ${count(skipped, 'unreadable file')}`);
    if (group.unassigned > 0) parts.push(`ignored ${count(group.unassigned, 'file')} without a class`);
    const classes = `${count(data.labels.length, 'image')}, classes ${data.names.map((n, i) => `${n} (${data.perClass[i]})`).join(', ')}`;
    this.say(`${parts.join('; ')}.`, 'note', classes);
    this.group = group;
    this.loaded = { size, color };
    this.onData(data);
    return true;
  }

  /** Decodes the kept files again with the settings of the last hand-over (a restarted worker). */
  async resend() {
    if (!this.group || !this.loaded) return false;
    return this.decode(this.group, this.loaded.size, this.loaded.color);
  }

  /**
   * The kept files decoded again at the settings of the last hand-over, for a second worker
   * (Compare A/B's run A): the status line and the main worker are left alone. Null when no
   * images are loaded or they no longer decode (the files were moved, say).
   */
  async decodeAgain() {
    if (!this.group || !this.loaded) return null;
    try {
      return await decodeEntries(this.group.entries, this.group.names, this.loaded.size, this.loaded.color, () => {});
    } catch {
      return null;
    }
  }

  /** Whether images are loaded. */
  get ready() {
    return this.group !== null;
  }

  /**
   * Decodes the kept files again when the config asks for another size or colour than the last
   * hand-over; returns true when it did (the data then arrives through onData).
   */
  async refresh(size, color) {
    if (!this.group || (this.loaded && this.loaded.size === size && this.loaded.color === color)) return false;
    return this.decode(this.group, size, color);
  }
}
