// Owns the end-to-end tests of the lecture demos (presets/lecture.json) as guided experiments:
// each demo, opened from its link for its own seed and two other seeds, starts fresh, shows its
// card (title, claim, where to look) and view, runs as Compare A/B where it compares two settings,
// pauses at the epoch its card names, and there the page shows what the claim says — read from
// the figures table, the compare panel, the layer statistics, the ensemble line or the curves CSV.
// The demos run at Max speed: training is deterministic, so the figures at the stop epoch are the
// same at any pace. Every measured figure is printed (`# demo ...` lines) for the README's table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { useEnv, withPage, waitReady, play, ROOT, ARTIFACTS } from './harness.mjs';

const DEMOS = JSON.parse(readFileSync(path.join(ROOT, 'presets/lecture.json'), 'utf8'));

const env = useEnv();

/** A figure of the table as the page holds it (its data-value, not the rounded text). */
const value = async (page, testid) => Number(await page.getByTestId(testid).getAttribute('data-value'));

/** A live layer statistic, e.g. stat(page, 3, 'act', 'std'). */
async function stat(page, layer, part, name) {
  const el = page.getByTestId(`layer-${layer}-${part}-${name}`);
  await el.waitFor();
  return Number(await el.getAttribute('data-value'));
}

/** The compare panel's figures of run A or B at its newest epoch. */
async function panel(page, run) {
  return page.locator(`[data-testid="compare-figures"] p[data-run="${run}"]`).evaluate((p) => ({
    epoch: Number(p.dataset.epoch), trainScore: Number(p.dataset.trainScore), valScore: Number(p.dataset.valScore),
    trainLoss: Number(p.dataset.trainLoss), valLoss: Number(p.dataset.valLoss),
  }));
}

/** Downloads the curves CSV and returns its rows as objects of numbers ('#' lines skipped). */
async function curvesCsv(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Curves CSV' }).click()]);
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n').filter((l) => !l.startsWith('#'));
  const head = lines[0].split(',');
  return lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [head[i], Number(v)])));
}

/** A demo's link, for `seed` or for its own seed when null. */
const demoHash = (demo, seed) => `demo=${demo.id}${seed === null ? '' : `&seed=${seed}`}`;

/**
 * Waits until a demo opened from its link reads: B paused at the stop epoch (or ended by early
 * stopping) and, for a comparison, A at the stop epoch too. Returns the opened page and B's (and
 * A's) figures there.
 */
async function readDemo(opened, demo) {
  const { page } = opened;
  // The card: title, claim, where to look; the view it names.
  const card = page.getByTestId('demo-card');
  await card.waitFor();
  assert.match(await page.getByTestId('demo-title').textContent(), new RegExp(demo.title.replace(/[()+]/g, '\\$&')));
  assert.equal(await page.getByTestId('demo-claim').textContent(), demo.claim);
  assert.equal(await page.getByTestId('demo-where').textContent(), `Where to look: ${demo.look.where}`);
  assert.equal(await page.evaluate(() => document.body.dataset.tab), demo.look.tab === 'layers' ? 'layers' : 'main');
  const ends = demo.config.patience > 0 ? /Early stopping restored epoch/ : new RegExp(`Paused at epoch ${demo.stop}\\b`);
  try {
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="message"]').textContent), ends.source, { timeout: 120_000 });
  } catch (e) {
    // Say what the page showed instead (the message, B's epoch, A's epoch, playing or not).
    const shown = await page.evaluate(() => ({
      message: document.querySelector('[data-testid="message"]').textContent,
      epoch: document.querySelector('[data-testid="epoch"]').dataset.value,
      epochA: document.querySelector('[data-testid="compare-figures"] p[data-run="A"]')?.dataset.epoch,
      playing: document.body.dataset.playing,
    }));
    throw new Error(`${demo.id}: no "${ends.source}" within 120 s; the page showed ${JSON.stringify(shown)}`, { cause: e });
  }
  const epochB = demo.config.patience > 0 ? null : demo.stop;
  if (epochB !== null) await page.waitForFunction((e) => Number(document.querySelector('[data-testid="epoch"]').dataset.value) === e, epochB);
  let a = null;
  if (demo.compare) {
    assert.equal(await page.evaluate(() => document.body.dataset.compare), 'on', 'the demo runs as Compare A/B');
    try {
      await page.waitForFunction((e) => Number(document.querySelector('[data-testid="compare-figures"] p[data-run="A"]')?.dataset.epoch) === e, demo.stop, { timeout: 120_000 });
    } catch (e) {
      // Say what the comparison showed instead: A's epoch, the panel's text, the pacing limits.
      const shown = await page.evaluate(() => ({
        epochA: document.querySelector('[data-testid="compare-figures"] p[data-run="A"]')?.dataset.epoch,
        panel: document.querySelector('[data-testid="compare-figures"]')?.textContent,
        compareStep: document.body.dataset.compareStep,
        hold: document.body.dataset.compareHold,
        epochB: document.querySelector('[data-testid="epoch"]').dataset.value,
        playing: document.body.dataset.playing,
        fault: document.body.dataset.fault ?? null,
      }));
      throw new Error(`${demo.id}: A did not reach epoch ${demo.stop} within 120 s; the page showed ${JSON.stringify(shown)}`, { cause: e });
    }
    a = await panel(page, 'A');
  }
  // The figures table has drawn the last epoch (it is throttled to ten updates a second).
  await page.waitForFunction(() => document.querySelector('[data-testid="val-loss"]').dataset.value !== '');
  await page.waitForTimeout(300);
  const b = {
    epoch: await value(page, 'epoch'), trainScore: await value(page, 'train-acc'), valScore: await value(page, 'val-acc'),
    trainLoss: await value(page, 'train-loss'), valLoss: await value(page, 'val-loss'),
  };
  return { ...opened, a, b };
}

const gap = (f) => f.valLoss - f.trainLoss;
const round = (x) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);
const show = (f) => f && Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v)]));

/** What each demo's card claims, checked on what the page shows at the stop epoch. */
const CLAIMS = {
  'zeros-init': async ({ page, b }) => {
    assert.ok(b.valScore < 45, `validation ${b.valScore} %`);
    assert.equal(await stat(page, 1, 'act', 'std'), 0, 'every unit of layer 1 outputs the same value');
    return { layer1Std: 0 };
  },
  'too-small-init': async ({ page, a, b }) => {
    const first = await stat(page, 1, 'act', 'std');
    const last = await stat(page, 6, 'act', 'std');
    assert.ok(first > 0 && last < 0.1 * first, `layer 6 std ${last} vs layer 1 std ${first}`);
    assert.ok(b.valScore < 45 && a.valScore > 90, `B ${b.valScore} %, A ${a.valScore} %`);
    return { stdRatio: last / first };
  },
  'too-large-init': async ({ page, a, b }) => {
    const sat = await stat(page, 3, 'act', 'saturated');
    assert.ok(sat > 50, `layer 3: ${sat} % saturated`);
    assert.ok(a.valScore >= b.valScore + 20, `A ${a.valScore} %, B ${b.valScore} %`);
    return { layer3Saturated: sat };
  },
  'xavier-tanh': async ({ page, b }) => {
    const ratio = (await stat(page, 6, 'act', 'std')) / (await stat(page, 1, 'act', 'std'));
    assert.ok(ratio > 0.2, `last/first activation std ${ratio}`);
    assert.ok(b.valScore > 90, `validation ${b.valScore} %`);
    return { stdRatio: ratio };
  },
  'he-relu': async ({ page, b }) => {
    const ratio = (await stat(page, 6, 'act', 'std')) / (await stat(page, 1, 'act', 'std'));
    const dead = await stat(page, 6, 'act', 'dead');
    assert.ok(ratio > 0.2, `last/first activation std ${ratio}`);
    assert.ok(dead < 40, `layer 6: ${dead} % dead units`);
    assert.ok(b.valScore > 90, `validation ${b.valScore} %`);
    return { stdRatio: ratio, layer6Dead: dead };
  },
  'deep-bn': async ({ a, b }) => {
    assert.ok(a.valScore < 45, `A (no BatchNorm) ${a.valScore} %`);
    assert.ok(b.valScore >= a.valScore + 40, `B ${b.valScore} % vs A ${a.valScore} %`);
  },
  'bn-batch-2': async ({ a, b }) => {
    assert.ok(a.valScore > 95, `A (running averages) ${a.valScore} %`);
    assert.ok(b.valScore <= a.valScore - 15, `B (batch statistics) ${b.valScore} % vs A (running averages) ${a.valScore} %`);
  },
  'layernorm-batch-2': async ({ a, b }) => {
    assert.ok(b.valScore >= a.valScore + 25, `B (LayerNorm) ${b.valScore} % vs A (BatchNorm) ${a.valScore} %`);
  },
  'sigmoid-vs-relu': async ({ a, b }) => {
    assert.ok(b.valScore > 95 && a.valScore < 50, `B (ReLU) ${b.valScore} %, A (sigmoid) ${a.valScore} %`);
    assert.ok(b.valScore - a.valScore >= 50, `B ${b.valScore} % vs A ${a.valScore} %`);
  },
  'dead-relu': async ({ page }) => {
    const dead = await stat(page, 1, 'act', 'dead');
    assert.ok(dead >= 25, `layer 1: ${dead} % dead units`);
    return { layer1Dead: dead };
  },
  'maxout': async ({ page }) => {
    const dead = await stat(page, 1, 'act', 'dead');
    assert.equal(dead, 0, `layer 1: ${dead} % dead units`);
    return { layer1Dead: dead };
  },
  'overfit-me': async ({ page, b }) => {
    const rows = await curvesCsv(page);
    const best = Math.min(...rows.map((r) => r.val_loss));
    assert.ok(b.trainLoss < 0.2, `training loss ${b.trainLoss}`);
    assert.ok(b.valLoss > 1.5 * best, `validation loss ${b.valLoss} vs its lowest ${best}`);
    return { bestValLoss: best };
  },
  'dropout-rescue': async ({ a, b }) => {
    assert.ok(b.valScore > a.valScore + 3, `B ${b.valScore} % vs A ${a.valScore} %`);
  },
  'dropout-scaling': async ({ a, b }) => {
    assert.ok(b.valLoss > 1.2 * a.valLoss, `B (no scaling) ${b.valLoss} vs A (scaled) ${a.valLoss}`);
  },
  'l2-rescue': async ({ a, b }) => {
    assert.ok(b.valLoss < a.valLoss, `B ${b.valLoss} vs A ${a.valLoss}`);
    assert.ok(gap(b) < gap(a), `loss gaps B ${gap(b)} vs A ${gap(a)}`);
  },
  'augmentation-rescue': async ({ a, b }) => {
    const gapA = a.trainScore - a.valScore;
    const gapB = b.trainScore - b.valScore;
    assert.equal(a.trainScore, 100, 'A memorized its images');
    assert.ok(gapA > 30 && gapB <= gapA - 20, `accuracy gaps A ${gapA}, B ${gapB}`);
    assert.ok(b.valLoss < a.valLoss, `B ${b.valLoss} vs A ${a.valLoss}`);
  },
  'early-stopping': async ({ page, a, b }) => {
    const best = Number(await page.getByTestId('best-epoch').getAttribute('data-value'));
    assert.ok(best >= 1 && b.epoch === best + 10, `best epoch ${best}, stopped at ${b.epoch}`);
    const rows = await curvesCsv(page);
    const restored = rows.find((r) => r.epoch === best);
    assert.ok(restored && restored.val_loss < a.valLoss, `restored ${restored?.val_loss} vs A at ${a.epoch}: ${a.valLoss}`);
    return { bestEpoch: best, restoredValLoss: restored.val_loss };
  },
  'ensemble-5': async ({ page, b }) => {
    const m = await page.getByTestId('members').evaluate((el) => ({ ...el.dataset }));
    assert.equal(m.count, '5');
    assert.ok(Number(m.ensembleLoss) < Number(m.meanLoss), `ensemble ${m.ensembleLoss} vs members' mean ${m.meanLoss}`);
    assert.ok(b.valScore - Number(m.meanAcc) >= 4, `ensemble ${b.valScore} % vs members' mean ${m.meanAcc} %`);
    assert.match(await page.getByTestId('members').textContent(), /Members \(validation\): (\d+\.\d %, ){4}\d+\.\d % · mean \d+\.\d % · ensemble \d+\.\d %; loss: members' mean/);
    return { membersMeanLoss: Number(m.meanLoss), membersMeanAcc: Number(m.meanAcc), ensembleAcc: b.valScore };
  },
  'softmax-hinge': async ({ a, b }) => {
    assert.equal(b.trainLoss, 0, 'hinge reaches exactly 0');
    assert.ok(a.trainLoss > 0, `softmax ${a.trainLoss}`);
  },
  'mean-subtraction': async ({ a, b }) => {
    assert.ok(a.trainLoss > 1.3 * b.trainLoss, `B ${b.trainLoss} vs A ${a.trainLoss}`);
  },
  'regression-threads-points': async ({ page, b }) => {
    assert.ok(b.trainLoss < 0.1 * b.valLoss, `training MSE ${b.trainLoss} vs validation MSE ${b.valLoss}`);
    // The Data tab draws the fitted function over the points, and the figures name R² and RMSE.
    assert.equal(await page.evaluate(() => document.body.dataset.plotMode), 'curve');
    await page.waitForFunction(() => Number(document.body.dataset.boundaryDraws) > 0);
    assert.equal(await page.getByTestId('score-head').textContent(), 'R² · RMSE');
    const rmse = Number(await page.getByTestId('train-acc').getAttribute('data-rmse'));
    assert.ok(Math.abs(rmse * rmse - b.trainLoss) <= 1e-4 + 1e-3 * b.trainLoss, `RMSE² ${rmse * rmse} vs MSE ${b.trainLoss}`);
    return { ratio: b.trainLoss / b.valLoss, trainR2: b.trainScore / 100, valR2: b.valScore / 100 };
  },
  'regression-l2': async ({ a, b }) => {
    assert.ok(b.valLoss <= 0.75 * a.valLoss, `validation MSE B ${b.valLoss} vs A ${a.valLoss}`);
  },
  'regression-dropout': async ({ a, b }) => {
    assert.ok(b.valLoss < a.valLoss, `validation MSE B ${b.valLoss} vs A ${a.valLoss}`);
  },
  'features-circles': async ({ page, a, b }) => {
    assert.ok(b.valScore > 95 && a.valScore < 72, `B ${b.valScore} %, A ${a.valScore} %`);
    // The feature toggles show B's choice.
    const checked = await page.locator('.set-row input:checked').evaluateAll((xs) => xs.map((x) => x.value));
    assert.deepEqual(checked, ['x1_squared', 'x2_squared']);
  },
};

test('the menu lists every lecture demo, each with a claim, a view to look at and a stop epoch', async () => {
  await withPage(env, { problems: 'none' }, async ({ page }) => {
    const ids = await page.getByLabel('Lecture demos').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.deepEqual(ids, DEMOS.map((p) => p.id));
    for (const d of DEMOS) {
      assert.ok(d.claim && d.look?.where && d.stop > 0, d.id);
      assert.ok(CLAIMS[d.id], `a test for ${d.id}`);
    }
  });
});

for (const demo of DEMOS) {
  test(`${demo.id}: "${demo.claim}" holds for its seed and two others`, async () => {
    const own = demo.config.seed ?? 1;
    for (const seed of [null, own + 1, own + 2]) {
      await withPage(env, demoHash(demo, seed), { problems: 'none' }, async (opened) => {
        const run = await readDemo(opened, demo);
        const extra = await CLAIMS[demo.id](run);
        console.log(`# demo ${JSON.stringify({ id: demo.id, seed: seed ?? own, epoch: run.b.epoch, B: show(run.b), A: show(run.a), ...extra })}`);
        if (seed === null) {
          // The charts redraw a few times a second: the last epoch is on them after a moment.
          await run.page.waitForTimeout(700);
          await run.page.screenshot({ path: path.join(ARTIFACTS, `demo-${demo.id}.png`) });
        }
      });
    }
  });
}

test('choosing a demo starts fresh; Back to my settings restores the config from before', async () => {
  await withPage(env, 'hidden=16&learning_rate=0.02', { problems: 'none' }, async ({ page }) => {
    await play(page);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="epoch"]').dataset.value) >= 5);
    await page.getByLabel('Lecture demos').selectOption('dropout-rescue');
    await page.getByTestId('demo-card').waitFor();
    // Fresh: the run restarts from epoch 0 with the demo's settings, and runs as Compare A/B.
    await page.waitForFunction(() => document.body.dataset.compare === 'on');
    await page.waitForFunction(() => location.hash.includes('dropout=0.5'));
    assert.equal(await page.getByLabel('Dropout', { exact: true }).inputValue(), '0.5');
    // Leaving the demo: the card goes, the comparison stops, the old settings come back.
    await page.getByRole('button', { name: 'Back to my settings' }).click();
    await page.waitForFunction(() => location.hash.includes('hidden=16') && location.hash.includes('learning_rate=0.02'));
    assert.equal(await page.getByTestId('demo-card').isHidden(), true);
    assert.equal(await page.evaluate(() => document.body.dataset.compare ?? ''), '');
    assert.equal(await page.getByLabel('Dropout', { exact: true }).inputValue(), '0');
  });
});

test('an embed link shows the demo card, the plots and Play/Pause only', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.addInitScript(() => localStorage.setItem('overfit.speed.v1', 'max'));
  try {
    await page.goto(`${env.url}?embed#demo=overfit-me`);
    await waitReady(page);
    await page.getByTestId('demo-card').waitFor();
    assert.equal(await page.getByTestId('demo-title').textContent(), 'Overfit me (small data, big net)');
    for (const hidden of ['#controls', '#preset', '#speed', '#step', '#reset', '#copy-link']) {
      assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} is hidden when embedded`);
    }
    for (const shown of ['#play', '#pause', '#loss-chart', '#boundary']) {
      assert.equal(await page.locator(shown).isVisible(), true, `${shown} shows when embedded`);
    }
    await page.waitForFunction(() => /Paused at epoch 200/.test(document.querySelector('[data-testid="message"]').textContent), null, { timeout: 60_000 });
    await page.waitForTimeout(700);
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-embed-overfit-me.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
