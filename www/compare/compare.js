// Owns the A/B comparison: config A is pinned and trains in a second worker of its own, while the
// controls go on editing config B in the page's main worker. Both use the same data and seed, so
// their initial weights are the same wherever the architectures match; Play, Pause, Step and
// Reset go to both, and any change to B restarts both runs, so they always start together. This
// module keeps A's curves (drawn by the charts as an overlay, gap shaded), and the compare panel:
// the differences between the configs and the newest figures of both runs with their gaps.
// Pacing keeps the two runs side by side: until one of them ends, neither runs more than a couple
// of chunks' worth of epochs ahead of the other (the faster worker holds, see 'pace' in worker.js
// and the rule in pacing.js), so their curves and figures compare the same point of training.

// Whether A and B share their data and initial weights is the core's word: each worker's
// `applied` message carries the core's data and weights keys for its config (src/schema.rs).
// Compare's start (the "Compare A/B" button) is here too.

import { CurveHistory } from '../training/curve-history.js';
import { clone, same } from '../app/json-values.js';
import { holdEpoch } from './pacing.js';
import { mark, unmark } from '../app/test-markers.js';
import { TrainingWorker } from '../training/worker-handle.js';
import { formatValue } from '../config/url-hash.js';
import { formatFixed, formatLoss, formatPercent } from '../app/format.js';

/**
 * The fields in which two configs differ: [{key, label, a, b}], in the controls' order. `fields`
 * are the page's field descriptions; fields whose change does nothing to training (effect
 * 'none': the init lab, the CLI's epochs) are left out.
 */
export function configDiff(a, b, fields) {
  const known = new Map(fields.map((f) => [f.key, f]));
  const keys = [...new Set([...fields.map((f) => f.key), ...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((k) => known.get(k)?.effect !== 'none' && !same(a[k] ?? null, b[k] ?? null))
    .map((k) => ({ key: k, label: known.get(k)?.label ?? k, a: show(a[k]), b: show(b[k]) }));
}

/** Whether a change from config `a` to `b` touches only fields that do nothing to training. */
export function onlyIdleFieldsDiffer(a, b, fields) {
  return fields.every((f) => f.effect === 'none' || same(a?.[f.key] ?? null, b?.[f.key] ?? null));
}

function show(v) {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (Array.isArray(v) && v.length === 0) return 'none';
  return formatValue(v);
}

export class Compare {
  /**
   * `panel` elements: {root, diff, same, figures, stop}; `onChange()` is called whenever A's
   * curves or the panel changed (the page redraws), `onStop()` when the comparison ends;
   * `postB(msg)` sends a message to B's worker (the pacing limit).
   */
  constructor(panel, { onChange, onStop, postB, fields, speed, historyCapacity, onReply = () => {} }) {
    this.panel = panel;
    /** The core's bound on a run's curve columns (the schema's limits.history_capacity). */
    this.historyCapacity = historyCapacity;
    /** The page's speed limit (epochs per second, null: Max), for A's worker. */
    this.speed = speed;
    /** The page's field descriptions (labels and effects), once the schema has arrived. */
    this.fields = fields;
    this.onChange = onChange;
    this.onStop = onStop;
    this.postB = postB;
    /** Answers of A's worker to questions asked through `post` (the Lecture path's). */
    this.onReply = onReply;
    /** B's newest snapshot, and the pacing limits last sent to each worker. */
    this.latestB = null;
    this.holds = { a: undefined, b: undefined };
    this.worker = null;
    this.configA = null;
    this.configB = null;
    /** The core's {data_key, weights_key, augmented} of A's and B's configs. */
    this.factsA = null;
    this.factsB = null;
    this.history = new CurveHistory();
    this.run = -1;
    this.latest = null;
    this.fault = null;
    /** B's curves as the page last drew them (the panel shows their newest epoch). */
    this.historyB = null;
    panel.stop.addEventListener('click', () => this.stop());
  }

  get active() {
    return this.worker !== null;
  }

  /**
   * Pins `configA` and starts its worker; `playing` starts it training at once. For the user's
   * own images, `userData` is a decoded copy of them (the main worker's copy was transferred to
   * it), handed to A's worker with its config.
   */
  start(configA, playing, userData = null, facts = null) {
    this.stop(false);
    this.configA = clone(configA);
    this.configB = clone(configA);
    this.factsA = facts;
    this.factsB = facts;
    this.history = new CurveHistory();
    this.run = -1;
    this.latest = null;
    this.latestB = null;
    this.holds = { a: undefined, b: undefined };
    this.fault = null;
    this.worker = new TrainingWorker({
      onMessage: (msg) => this.onMessage(msg, playing, userData),
      onFault: ({ message, fatal }) => {
        this.fault = fatal ? `A stopped: ${message}` : `A: ${message}`;
        if (fatal) this.latest = null;
        this.pace();
        this.render();
      },
      onRecover: () => {
        this.fault = null;
        this.render();
      },
    });
    this.historyB = null;
    this.panel.root.hidden = false;
    mark('compare', 'on');
    this.renderDiff();
    this.render();
  }

  onMessage(msg, playAtStart, userData) {
    switch (msg.type) {
      case 'ready':
        if (userData) {
          const { pixels, labels, size, channels, names } = userData;
          this.worker.post({ type: 'user-data', pixels, labels, size, channels, names, config: clone(this.configA) }, [pixels.buffer, labels.buffer]);
        } else this.worker.post({ type: 'config', config: clone(this.configA) });
        this.worker.post({ type: 'speed', epochsPerSec: this.speed() });
        if (playAtStart) this.worker.post({ type: 'play' });
        break;
      case 'snapshot':
        if (msg.run !== this.run) {
          this.history = new CurveHistory(this.historyCapacity());
          this.run = msg.run;
        }
        for (const e of msg.history ?? msg.evals) this.history.push(e);
        this.latest = msg;
        mark('compareStep', msg.step);
        this.pace();
        this.onChange();
        break;
      case 'applied':
        this.factsA = msg.facts ?? null;
        this.renderDiff();
        break;
      case 'error':
        this.fault = `A: ${msg.message}`;
        this.render();
        break;
      case 'lecture-side':
      case 'pong':
        this.onReply(msg);
        break;
      default:
        break;
    }
  }

  /** B's worker sent a snapshot (the pacing follows both runs). */
  noteB(msg) {
    if (!this.active) return;
    this.latestB = msg;
    this.pace();
  }

  /** Sends each worker its pacing limit when it changed (see `holdEpoch`). */
  pace() {
    const a = this.active ? holdEpoch(this.latest, this.latestB) : null;
    const b = this.active ? holdEpoch(this.latestB, this.latest) : null;
    if (a !== this.holds.a && this.worker) this.worker.post({ type: 'pace', epoch: a });
    if (b !== this.holds.b) this.postB({ type: 'pace', epoch: b });
    this.holds = { a, b };
    mark('compareHold', `${a ?? '-'},${b ?? '-'}`);
  }

  /** Forwards a training command (play, pause, step, reset) to A. */
  post(msg) {
    this.worker?.post(msg);
  }

  /**
   * The controls' config B changed; `restart` restarts A so both runs start together again, and
   * A plays on when B plays (`playing`): A may have reached its stop epoch and paused before the
   * restart, and the two runs are played and paused together.
   */
  setB(configB, restart, facts = null, playing = false) {
    this.configB = clone(configB);
    this.factsB = facts;
    if (restart) {
      this.worker?.post({ type: 'reset' });
      if (playing) this.worker?.post({ type: 'play' });
    }
    this.renderDiff();
  }

  /** Ends the comparison: A's worker stops and the panel hides. */
  stop(notify = true) {
    if (!this.worker) return;
    this.worker.dispose();
    this.worker = null;
    // B trains on alone, without a limit.
    this.pace();
    this.latestB = null;
    this.panel.root.hidden = true;
    unmark('compare');
    if (notify) this.onStop();
  }

  /** The panel's config part: what differs and what is shared (only when a config changed). */
  renderDiff() {
    if (!this.active) return;
    const diff = configDiff(this.configA, this.configB, this.fields());
    const items = diff.map((d) => {
      const li = document.createElement('li');
      li.dataset.key = d.key;
      const name = document.createElement('b');
      name.textContent = d.label;
      li.append(name, `: A ${d.a} → B ${d.b}`);
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement('li');
      li.textContent = 'No difference yet: change a setting to make B differ from A.';
      items.push(li);
    }
    this.panel.diff.replaceChildren(...items);
    this.panel.diff.dataset.count = String(diff.length);
    const a = this.factsA;
    const b = this.factsB;
    const sameData = Boolean(a && b) && a.data_key === b.data_key;
    const sameInit = sameData && a.weights_key === b.weights_key;
    this.panel.same.textContent = sameInit
      ? 'Same data, seed and initial weights.'
      : sameData
        ? 'Same data and seed; the initial weights differ because the architecture or initialization does.'
        : 'The data differ: the data settings or the seed are not the same.';
    this.panel.same.dataset.sameInit = String(sameInit);
  }

  /**
   * The panel's figures: the newest epoch of both runs with their gaps, and A's fault if any.
   * Called on every redraw of the charts, so only these lines are rebuilt.
   */
  render(historyB = this.historyB) {
    if (!this.active) return;
    this.historyB = historyB;
    // One line per run: its newest epoch's accuracies and losses with their gaps, and the same
    // figures as data attributes for scripts and tests.
    const figures = (h) => {
      const n = h?.length ?? 0;
      if (n === 0) return null;
      return { epoch: h.epoch[n - 1], trainScore: h.trainScore[n - 1], valScore: h.valScore[n - 1], trainLoss: h.trainLoss[n - 1], valLoss: h.valLoss[n - 1] };
    };
    const row = (name, h) => {
      const f = figures(h);
      if (!f) return `${name}: no epoch yet`;
      const gap = f.trainScore - f.valScore;
      const lossGap = f.valLoss - f.trainLoss;
      return `${name} at epoch ${f.epoch}: training ${formatPercent(f.trainScore)}, validation ${formatPercent(f.valScore)}, gap ${formatFixed(gap, 1)} points; `
        + `loss ${formatLoss(f.trainLoss)} / ${formatLoss(f.valLoss)} (gap ${formatLoss(lossGap)})`;
    };
    // Each run's line keys (training solid, validation dashed or dotted) in its chart colours.
    const keyed = (text, train, val, name, h) => {
      const p = document.createElement('p');
      const k1 = document.createElement('span');
      k1.className = `key ${train}`;
      const k2 = document.createElement('span');
      k2.className = `key ${val}`;
      p.append(k1, k2, text);
      p.dataset.run = name;
      const f = figures(h);
      if (f) for (const [k, v] of Object.entries(f)) p.dataset[k] = String(v);
      return p;
    };
    const lines = [keyed(row('A', this.history), 'compare-train', 'compare-val', 'A', this.history)];
    if (historyB) lines.push(keyed(row('B', historyB), 'train small', 'val small', 'B', historyB));
    if (this.fault) {
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = this.fault;
      lines.push(p);
    }
    this.panel.figures.replaceChildren(...lines);
  }
}

/**
 * Wires the "Compare A/B" button: A is the config training now, pinned in a second worker (for
 * the user's images, decoded again from the same files); both runs restart from step 0 together.
 * A second click ends the comparison.
 */
export function wireCompareButton(page) {
  const button = document.getElementById('compare-start');
  const { state } = page;
  button.addEventListener('click', async () => {
    const compare = page.compare;
    if (!state.applied) return;
    if (compare.active) {
      compare.stop();
      return;
    }
    let userData = null;
    if (state.applied.dataset === 'user') {
      // The main worker's decoded images were transferred to it: A gets a copy decoded again from
      // the same files at the same settings, so both runs train on the same pixels.
      const applied = state.applied;
      state.notice = 'Decoding your images again for run A…';
      page.status.renderMessage();
      userData = await page.userImages.decodeAgain();
      if (!userData || state.applied !== applied || compare.active) {
        state.notice = userData ? null : 'Could not decode your images again for run A; Compare A/B did not start.';
        page.status.renderMessage();
        return;
      }
    }
    startComparison(state.applied, { playing: state.playing, userData, facts: state.appliedFacts });
    state.notice = 'Comparing: A is pinned and trains in its own worker; the settings you change now are B.';
    page.status.renderMessage();
  });

  /**
   * Pins `configA` in a second worker beside the main one (B) and restarts B, so both runs start
   * at step 0 together; A's curves are drawn over B's. A lecture demo calls this with its own A.
   */
  function startComparison(configA, { playing = false, userData = null, facts = null } = {}) {
    const compare = page.compare;
    compare.start(configA, playing, userData, facts);
    page.worker.post({ type: 'reset' });
    button.setAttribute('aria-pressed', 'true');
    page.views.curves.setOverlay({ label: 'A', kind: 'compare', mainLabel: 'B', get history() { return compare.history; } });
    state.dirty.curves = true;
    page.frames.request();
  }

  return {
    startComparison,
    /** The comparison ended: the button is up again and a shown saved run comes back. */
    onStop() {
      button.setAttribute('aria-pressed', 'false');
      page.runKeeper.show(page.runKeeper.shownRun);
    },
  };
}
