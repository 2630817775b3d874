// Owns the lecture demos as guided experiments (presets/lecture.json): the "Lecture demos" menu,
// and what choosing one does. A demo always starts fresh (epoch 0, fresh weights, old curves
// cleared); a demo that compares two settings runs as Compare A/B by itself (A pinned, B in the
// controls); it stops at the epoch where its claim is read ("Stop at epoch"), switches to the view
// where to look, and shows a card above the plots with its title, its claim and where to look,
// a link to it, an embed link, and "Back to my settings". A link `#demo=ID` (optionally
// `&seed=S`) opens a demo; `?embed` shows only the card, the plots and Play/Pause.

import presets from '../../presets/lecture.json';
import { $, byId } from '../app/dom.js';
import { clone } from '../app/json-values.js';
import { clearNotes } from '../app/page-state.js';
import { mark, unmark } from '../app/test-markers.js';
import { copyText } from '../export/sharing.js';

/** The config of one side of a demo: the defaults, the demo's settings, its stop epoch and seed. */
export function demoConfig(defaults, settings, demo, seed = null) {
  const config = { ...clone(defaults), ...clone(settings), stop_at_epoch: demo.stop };
  if (seed !== null) config.seed = seed;
  return config;
}

/** The link that opens a demo (with the page's address and, for embedding, `?embed`). */
export function demoLink(id, { embed = false, seed = null } = {}) {
  const url = new URL(location.href);
  url.search = embed ? '?embed' : '';
  url.hash = `demo=${encodeURIComponent(id)}${seed !== null ? `&seed=${seed}` : ''}`;
  return url.href;
}

/**
 * Reads `demo=ID&seed=S` from a hash: {id, seed, problem}, null when the hash names no demo.
 * The seed is checked against the schema's `seed` field (`seedSpec`: a whole number in its
 * range); a bad one is left out (the demo runs with its own seed) and named in `problem`.
 */
export function demoFromHash(hash, seedSpec = null) {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const id = params.get('demo');
  if (!id) return null;
  if (!params.has('seed')) return { id, seed: null, problem: null };
  const text = params.get('seed');
  const v = text.trim() === '' ? NaN : Number(text);
  const lo = seedSpec?.min ?? 0;
  const hi = seedSpec?.max ?? Number.MAX_SAFE_INTEGER;
  if (Number.isInteger(v) && v >= lo && v <= hi) return { id, seed: v, problem: null };
  const shown = text.length > 30 ? `${text.slice(0, 27)}…` : text;
  return { id, seed: null, problem: `seed: "${shown}" is not a whole number from ${lo} to ${hi}; the demo runs with its own seed` };
}

/** Whether a lecture demo is called `id`. */
export function isDemo(id) {
  return presets.some((p) => p.id === id);
}

export function createDemos(page) {
  const { ui, state } = page;
  const card = $('demo-card');
  /** The demo showing now, and the settings in force before the first demo was chosen. */
  let current = null;
  let mySettings = null;

  for (const p of presets) {
    const option = new Option(p.title, p.id);
    option.title = p.explanation;
    ui.preset.append(option);
  }
  if (new URLSearchParams(location.search).has('embed')) document.body.classList.add('embed');

  /**
   * Loads a lecture demo (with `seed`, another seed than its own): both sides' configs over the
   * defaults, fresh weights, the comparison when the demo has one, its card and view, and Play.
   * With `play: false` both runs wait at epoch 0 (the Lecture path asks its question first);
   * with `card: false` the demo card stays hidden (the path's panel takes its place).
   */
  function load(id, { seed = null, play = true, card: withCard = true } = {}) {
    const demo = presets.find((x) => x.id === id);
    if (!demo || !state.defaults) return false;
    if (current === null) mySettings = state.applied ? clone(state.applied) : null;
    current = { demo, seed };
    clearNotes(state);
    if (page.compare.active) page.compare.stop();
    const configB = demoConfig(state.defaults, demo.config, demo, seed);
    page.config.setConfig(configB, false, configB, null, { fresh: Boolean(demo.compare) });
    // The same config as before would be "unchanged": a reset makes the start fresh anyway.
    page.worker.post({ type: 'reset' });
    if (demo.compare) page.compareStart(demoConfig(state.defaults, demo.compare, demo, seed), { playing: play });
    if (withCard) showCard(demo);
    else card.hidden = true;
    ui.presetText.textContent = `${demo.title}: ${demo.explanation}`;
    ui.presetText.hidden = false;
    ui.presetText.dataset.preset = demo.id;
    ui.preset.value = demo.id;
    page.tabs.show(demo.look?.tab === 'layers' ? 'layers' : 'main');
    if (play) page.toolbar.command('play');
    else page.toolbar.command('pause');
    page.status.renderMessage();
    mark('demo', demo.id);
    return true;
  }

  function showCard(demo) {
    $('demo-title').textContent = demo.compare ? `${demo.title} — Compare A/B` : demo.title;
    $('demo-claim').textContent = demo.claim;
    $('demo-where').textContent = `Where to look: ${demo.look?.where ?? ''}`;
    card.dataset.demo = demo.id;
    card.hidden = false;
  }

  /** Leaves the demo: the card goes, and the settings from before the first demo come back. */
  function back() {
    if (!current) return;
    current = null;
    card.hidden = true;
    ui.presetText.hidden = true;
    ui.preset.value = '';
    unmark('demo');
    if (page.compare.active) page.compare.stop();
    const config = mySettings ?? clone(state.defaults);
    mySettings = null;
    page.config.setConfig(config);
    page.worker.post({ type: 'reset' });
    page.status.renderMessage();
  }

  const copy = (text, what) => copyText(page, text, what);

  byId('demo-copy-link').addEventListener('click', () => current && copy(demoLink(current.demo.id, { seed: current.seed }), 'link to this demo'));
  byId('demo-embed-link').addEventListener('click', () => current && copy(demoLink(current.demo.id, { embed: true, seed: current.seed }), 'embed link'));
  byId('demo-back').addEventListener('click', back);

  ui.preset.addEventListener('change', () => {
    if (ui.preset.value) load(ui.preset.value);
    // The menu lets go of the keyboard, so S or Space after a choice act on training instead of
    // jumping to a menu entry.
    ui.preset.blur();
  });

  /** Lets go of the demo without bringing settings back (the Lecture path moves on). */
  function release() {
    current = null;
    mySettings = null;
    card.hidden = true;
    ui.presetText.hidden = true;
    ui.preset.value = '';
    unmark('demo');
  }

  return {
    load,
    back,
    release,
    /** The demo called `id` (presets/lecture.json), or null. */
    find: (id) => presets.find((x) => x.id === id) ?? null,
    /** Opens the Lecture demos menu's list (after a link named a demo that does not exist). */
    showMenu() {
      ui.preset.focus();
      try {
        ui.preset.showPicker?.();
      } catch {
        // Opening the list needs a user's gesture in some browsers; the focus stays on it.
      }
    },
    /** The demo showing, or null. */
    get current() {
      return current?.demo ?? null;
    },
  };
}
