// Owns the end-to-end tests of the image datasets in the page: the real digits train past 90 %
// validation accuracy; the validation grid, confusion matrix, weight tiles and augmentation
// preview render real pixels; the preview follows the flip setting; the user's own images load
// from files and from a folder (unreadable files skipped and counted, limits enforced) and train.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { useEnv, withPage, figure, waitFigure, setControl, play, pause, waitPaused, playUntilEpoch, ARTIFACTS } from './harness.mjs';

const env = useEnv();
let tmp;
before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'overfit-images-'));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const message = async (page) => (await page.getByTestId('message').textContent()).trim();

/** Waits until the middle panel shows the image views and the first predictions are drawn. */
async function waitImages(page) {
  await page.waitForFunction(() => document.body.dataset.view === 'images' && Number(document.getElementById('confusion').dataset.total) > 0, null, { timeout: 30_000 });
}

/**
 * Pixel statistics of a canvas: its size, how many pixels are painted (alpha > 0), how many
 * distinct colours they have, and a checksum of all pixel values.
 */
function canvasStats(page, id) {
  return page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    let sum = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) {
        painted += 1;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      sum = (sum * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2] + data[i + 3]) % 2147483647;
    }
    return { width: c.width, height: c.height, painted, colours: colours.size, sum };
  }, id);
}

/**
 * Reads the augmentation preview back as n x n grey levels per tile (the red channel at each
 * source pixel's centre), tiles found as the runs of painted pixels across the canvas middle.
 */
function previewTiles(page, n) {
  return page.evaluate((side) => {
    const c = document.getElementById('aug-preview');
    const ctx = c.getContext('2d');
    const mid = ctx.getImageData(0, Math.floor(c.height / 2), c.width, 1).data;
    const runs = [];
    let from = -1;
    for (let x = 0; x <= c.width; x++) {
      const on = x < c.width && mid[4 * x + 3] > 0;
      if (on && from < 0) from = x;
      if (!on && from >= 0) {
        runs.push([from, x]);
        from = -1;
      }
    }
    if (runs.length < 2) return [];
    const tile = runs[1][1] - runs[1][0];
    // The original's frame adds the same width on both sides of its tile.
    const frame = (runs[0][1] - runs[0][0] - tile) / 2;
    const starts = [runs[0][0] + frame, ...runs.slice(1).map((r) => r[0])];
    const column = ctx.getImageData(runs[1][0] + 1, 0, 1, c.height).data;
    let top = 0;
    while (top < c.height && column[4 * top + 3] === 0) top += 1;
    return starts.map((x0) => {
      const px = ctx.getImageData(x0, top, tile, tile).data;
      return Array.from({ length: side }, (_, sy) =>
        Array.from({ length: side }, (_, sx) => {
          const x = Math.floor(((sx + 0.5) * tile) / side);
          const y = Math.floor(((sy + 0.5) * tile) / side);
          return px[4 * (y * tile + x)];
        }));
    });
  }, n);
}

// ---------------------------------------------------------------------------------------------
// A minimal PNG encoder (8-bit RGB, no filtering), so that the test makes its own image files.

function pngChunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A width x height RGB PNG whose pixel (x, y) is pixel(x, y) = [r, g, b]. */
function png(width, height, pixel) {
  const raw = Buffer.alloc((3 * width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (3 * width + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw.set([r, g, b], y * (3 * width + 1) + 1 + 3 * x);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A bright disc (kind 0) or square (kind 1) on a dark background, moved a little by `i`. */
function shapePng(kind, i, size = 24) {
  const cx = 10 + (i % 4);
  const cy = 11 + ((i * 3) % 4);
  return png(size, size, (x, y) => {
    const inside = kind === 0 ? (x - cx) ** 2 + (y - cy) ** 2 <= 36 : Math.abs(x - cx) <= 5 && Math.abs(y - cy) <= 5;
    return inside ? [240, 200 - 20 * kind, 60 + 150 * kind] : [20, 30, 40];
  });
}

// ---------------------------------------------------------------------------------------------

test('digits train past 90 % validation accuracy, and the image views render', async () => {
  await withPage(env, 'dataset=digits', { problems: 'none' }, async ({ page }) => {
    await waitImages(page);
    assert.equal(await page.locator('#view-title').textContent(), 'Images');
    assert.equal(await page.locator('#boundary').isVisible(), false, 'the decision regions are replaced');
    assert.equal(await page.locator('#images-view').getAttribute('data-shape'), '8x8x1');
    await play(page);
    await waitFigure(page, 'val-acc', '>', 90, 60_000);
    await pause(page);
    await waitPaused(page);
    await page.waitForTimeout(400);

    // The grid of validation images: 48 images with labels, painted in many grey levels.
    const gridCanvas = page.locator('#val-grid');
    assert.equal(await gridCanvas.getAttribute('data-shown'), '48');
    const grid = await canvasStats(page, 'val-grid');
    assert.ok(grid.painted > 0.2 * grid.width * grid.height, `the grid covers its canvas (${JSON.stringify(grid)})`);
    assert.ok(grid.colours > 50, `the grid has image content (${grid.colours} colours)`);
    const mistakes = Number(await gridCanvas.getAttribute('data-mistakes'));
    assert.ok(mistakes < 48 * 0.2, `few mistakes among 48 after training (${mistakes})`);
    assert.match(await page.getByTestId('grid-note').textContent(), new RegExp(`^first 48 · ${mistakes} wrong`));

    // One step with a batch as large as the training split ends the epoch: the newest
    // evaluation and the views then come from the same weights.
    await setControl(page, 'Batch size', 4096);
    await page.waitForFunction(() => location.hash.includes('batch_size=4096'));
    const epoch = await figure(page, 'epoch');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitFigure(page, 'epoch', '==', epoch + 1);
    await page.waitForTimeout(300);

    // The confusion matrix counts every validation image once, and its diagonal is the accuracy.
    const valCount = Number(await page.evaluate(() => document.body.dataset.valCount));
    assert.equal(valCount, 539, 'image_info says 539 of the 1,797 digits are for validation');
    const conf = page.locator('#confusion');
    assert.equal(Number(await conf.getAttribute('data-total')), valCount, 'the matrix total equals the validation count');
    const correct = Number(await conf.getAttribute('data-correct'));
    const valScore = await figure(page, 'val-acc');
    assert.ok(Math.abs((100 * correct) / valCount - valScore) < 0.06, `diagonal ${correct}/${valCount} matches the validation accuracy ${valScore} %`);
    assert.match(await page.getByTestId('confusion-note').textContent(), /^539 images · \d+\.\d % correct$/);
    const confusion = await canvasStats(page, 'confusion');
    assert.ok(confusion.painted > 0.3 * confusion.width * confusion.height, `the matrix is painted (${JSON.stringify(confusion)})`);
    assert.ok(confusion.colours > 10, 'cells of different intensities');

    // The first layer's 64 units, 32 of them drawn as 8x8 images.
    assert.equal(await page.locator('#weights').getAttribute('data-tiles'), '32');
    assert.equal(await page.getByTestId('weights-note').textContent(), 'first 32 of 64 hidden units');
    const w = await canvasStats(page, 'weights');
    assert.ok(w.painted > 0.2 * w.width * w.height && w.colours > 50, `the weight tiles show structure (${JSON.stringify(w)})`);

    // The augmentation preview: the original and eight versions.
    const p = await canvasStats(page, 'aug-preview');
    assert.ok(p.painted > 0 && p.colours > 5, `the preview is painted (${JSON.stringify(p)})`);
    assert.equal(await page.getByTestId('preview-note').textContent(), 'no augmentation on');

    await page.screenshot({ path: path.join(ARTIFACTS, 'digits-1280x720-light.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(ARTIFACTS, 'digits-1920x1080-light.png') });
  });
});

test('the augmentation preview changes when horizontal flips are switched on', async () => {
  await withPage(env, 'dataset=arrows&image_size=16', { problems: 'none', colorScheme: 'dark' }, async ({ page }) => {
    await waitImages(page);
    await page.waitForFunction(() => document.querySelector('[data-testid="preview-note"]').textContent !== '');
    const before = await canvasStats(page, 'aug-preview');
    assert.ok(before.colours > 2, 'the preview shows an arrow');
    await setControl(page, 'Horizontal flip', 1);
    await page.waitForFunction(() => location.hash.includes('hflip=1'));
    await page.waitForFunction(() => document.querySelector('[data-testid="preview-note"]').textContent.includes('augmented'));
    const flipped = await canvasStats(page, 'aug-preview');
    assert.notEqual(flipped.sum, before.sum, 'the augmented versions are mirrored');
    // The pixels really are mirrored: every augmented tile is the original tile flipped
    // left-right (a flip probability of 1 flips every version), and the arrow is not symmetric.
    const tiles = await previewTiles(page, 16);
    assert.equal(tiles.length, 9, 'the original and eight augmented versions');
    const mirror = (t) => t.map((row) => [...row].reverse());
    assert.notDeepEqual(mirror(tiles[0]), tiles[0], 'an arrow is not left-right symmetric');
    for (let i = 1; i < 9; i++) assert.deepEqual(tiles[i], mirror(tiles[0]), `version ${i} is the mirrored original`);
    // Back to 0: the preview is the unchanged image again.
    await setControl(page, 'Horizontal flip', 0);
    await page.waitForFunction(() => document.querySelector('[data-testid="preview-note"]').textContent === 'no augmentation on');
    const again = await canvasStats(page, 'aug-preview');
    assert.equal(again.sum, before.sum, 'switching flips off restores the preview');

    // Another image: the preview moves on to another training image.
    await page.getByRole('button', { name: 'Another image', exact: true }).click();
    await page.waitForFunction(async (sum) => {
      const c = document.getElementById('aug-preview');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let s = 0;
      for (let i = 0; i < d.length; i += 4) s = (s * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2] + d[i + 3]) % 2147483647;
      return s !== sum;
    }, again.sum);

    // Colour shapes in dark mode, trained a little, for the screenshots.
    await page.evaluate(() => {
      location.hash = 'dataset=shapes&classes=5&color=true&image_size=24&points=1500&hflip=0.5&crop_pad=3&hidden=128';
    });
    await page.waitForFunction(() => document.querySelector('#images-view').dataset.shape === '24x24x3');
    await playUntilEpoch(page, 4, { timeout: 60_000 });
    await page.waitForTimeout(500);
    const grid = await canvasStats(page, 'val-grid');
    assert.ok(grid.colours > 200, `colour images in the grid (${grid.colours} colours)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'shapes-1280x720-dark.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(ARTIFACTS, 'shapes-1920x1080-dark.png') });
  });
});

test('your own images load from files and from a folder, skip unreadable files and train', async () => {
  // Files named <class>_<n>.png: discs and squares, plus a corrupt PNG and a text file.
  const files = path.join(tmp, 'files');
  mkdirSync(files);
  const chosen = [];
  for (let i = 0; i < 6; i++) {
    for (const [kind, name] of [[0, 'disc'], [1, 'square']]) {
      const file = path.join(files, `${name}_${i}.png`);
      writeFileSync(file, shapePng(kind, i));
      chosen.push(file);
    }
  }
  writeFileSync(path.join(files, 'disc_broken.png'), Buffer.from('this is not a PNG file at all'));
  writeFileSync(path.join(files, 'square-notes.txt'), 'not an image');
  chosen.push(path.join(files, 'disc_broken.png'), path.join(files, 'square-notes.txt'));

  await withPage(env, { problems: 'none' }, async ({ page }) => {
    await page.getByLabel('Dataset', { exact: true }).selectOption('user');
    // Without images the core says what to do, and the loader is shown.
    await page.waitForFunction(() => document.querySelector('[data-testid="message"]').textContent.includes('load your own images first'));
    const status = page.getByTestId('user-images-message');
    assert.ok(await page.getByText('Choose folder', { exact: true }).isVisible());
    assert.match(await page.locator('#user-images .hint').textContent(), /before the first “_” or “-”/);
    assert.match(await page.locator('#user-images .hint').textContent(), /sent nowhere/);

    await page.getByLabel('Choose files', { exact: true }).setInputFiles(chosen);
    await page.waitForFunction(() => /^Loaded/.test(document.querySelector('[data-testid="user-images-message"]').textContent));
    assert.equal(await status.textContent(), 'Loaded 12 images in 2 classes; skipped 2 unreadable files.');
    assert.equal(await page.locator('#user-classes').textContent(), '12 images, classes disc (6), square (6)');
    await waitImages(page);
    assert.equal(await page.locator('#images-view').getAttribute('data-shape'), '16x16x1', 'resized to Image size, grey');
    assert.equal(await page.getByLabel('Classes', { exact: true }).inputValue(), '2');
    assert.ok(await page.getByLabel('Classes', { exact: true }).isDisabled());
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /dataset=user&classes=2&/);
    assert.equal(await message(page), '');
    const total = Number(await page.locator('#confusion').getAttribute('data-total'));
    assert.equal(total, Number(await page.evaluate(() => document.body.dataset.valCount)));
    assert.equal(total, 4, '30 % of 12 images for validation');

    await playUntilEpoch(page, 5);
    assert.ok(Number.isFinite(await figure(page, 'val-acc')));
    assert.ok((await figure(page, 'train-acc')) > 50, 'it learns the training images');

    // Colour: the kept files are decoded again with three channels.
    await page.getByLabel('Colour', { exact: true }).check();
    await page.waitForFunction(() => document.querySelector('#images-view').dataset.shape === '16x16x3');
    assert.match(await page.evaluate(() => location.hash), /color=true/);
    const grid = await canvasStats(page, 'val-grid');
    assert.ok(grid.colours > 4, 'colour images in the grid');

    // Compare A/B with your images: A's worker gets them decoded again from the same files, so
    // with nothing changed both runs train on the same pixels and give identical curves.
    await page.getByRole('button', { name: 'Compare A/B', exact: true }).click();
    await page.waitForFunction(() => document.body.dataset.compare === 'on');
    await play(page);
    await page.waitForFunction(() => {
      const c = window.overfitDebug.curves(3);
      return c.epochsA >= 3 && c.epochsB >= 3;
    }, null, { timeout: 30_000 });
    await pause(page);
    assert.equal(page.workers().length, 2, 'A trains in a worker of its own');
    const same = await page.evaluate(() => window.overfitDebug.curves(3));
    assert.deepEqual(same.a, same.b, 'A and B train on the same images');
    await page.getByRole('button', { name: 'Stop comparing', exact: true }).click();
    await page.waitForFunction(() => !document.body.dataset.compare);

    // A folder with one sub-folder per class, including a name that looks like markup: it is
    // shown as text, never parsed.
    const root = path.join(tmp, 'photos');
    const classes = ['<b>cats', 'dogs', 'owls'];
    classes.forEach((name, kind) => {
      mkdirSync(path.join(root, name), { recursive: true });
      for (let i = 0; i < 4; i++) writeFileSync(path.join(root, name, `img${i}.png`), shapePng(kind % 2, i + kind));
    });
    writeFileSync(path.join(root, 'dogs', 'corrupt.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    writeFileSync(path.join(root, 'loose.png'), shapePng(0, 9));
    await page.getByLabel('Choose folder', { exact: true }).setInputFiles(root);
    await page.waitForFunction(() => /in 3 classes/.test(document.querySelector('[data-testid="user-images-message"]').textContent));
    assert.equal(await status.textContent(), 'Loaded 12 images in 3 classes; skipped 1 unreadable file; ignored 1 file without a class.');
    assert.equal(await page.locator('#user-classes').textContent(), '12 images, classes <b>cats (4), dogs (4), owls (4)');
    assert.equal(await page.locator('#user-images b').count(), 0, 'a class name is never parsed as HTML');
    await page.waitForFunction(() => location.hash.includes('classes=3'));
    await page.waitForFunction(() => document.querySelector('[data-testid="confusion-note"]').textContent.startsWith('4 images'));

    // One class only: refused with the rule, and the loaded set stays.
    await page.getByLabel('Choose files', { exact: true }).setInputFiles(chosen.filter((f) => path.basename(f).startsWith('disc_')));
    await page.waitForFunction(() => /Need at least 2 classes/.test(document.querySelector('[data-testid="user-images-message"]').textContent));
    assert.match(await status.textContent(), /Nothing was replaced\.$/);
    assert.equal(await status.getAttribute('data-kind'), 'error');
    assert.equal(await page.locator('#user-classes').textContent(), 'In use: 12 images, classes <b>cats (4), dogs (4), owls (4)');
    assert.match(await page.evaluate(() => location.hash), /classes=3/);
    // More than 100 classes: refused before anything is decoded.
    const many = path.join(tmp, 'many');
    mkdirSync(many);
    const one = shapePng(0, 0, 8);
    const manyFiles = Array.from({ length: 101 }, (_, i) => {
      const file = path.join(many, `c${i}_1.png`);
      writeFileSync(file, one);
      return file;
    });
    await page.getByLabel('Choose files', { exact: true }).setInputFiles(manyFiles);
    await page.waitForFunction(() => /Too many classes/.test(document.querySelector('[data-testid="user-images-message"]').textContent));
    assert.equal(await status.textContent(), 'Too many classes: 101; the limit is 100. Nothing was replaced.');
    assert.match(await page.evaluate(() => location.hash), /classes=3/);

    await play(page);
    const step = await figure(page, 'step');
    await waitFigure(page, 'step', '>', step);
    await pause(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'user-images-1280x720.png') });
  });
});
