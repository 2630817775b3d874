// Owns the training buttons (Play, Pause, Step, Reset, and the preview's next image), the speed
// control, the keyboard shortcuts (Space, S, Shift+S, R, +, −, ?) and the help overlay. A training
// command goes to the main worker and, while comparing, to A's worker too.

import { byId } from './dom.js';

/**
 * The speeds offered, in epochs per second (null: Max). The default keeps the first 100 epochs
 * of the default spiral on screen for 10 seconds, a pace a person can follow.
 */
export const SPEEDS = [1, 3, 10, 30, 100, null];
const DEFAULT_SPEED = 10;
/** Where this browser keeps the chosen speed (a page setting, not part of the config). */
const SPEED_KEY = 'overfit.speed.v1';

function loadSpeed() {
  try {
    const v = localStorage.getItem(SPEED_KEY);
    if (v === 'max') return null;
    const n = Number(v);
    return SPEEDS.includes(n) ? n : DEFAULT_SPEED;
  } catch {
    return DEFAULT_SPEED;
  }
}

function saveSpeed(v) {
  try {
    localStorage.setItem(SPEED_KEY, v === null ? 'max' : String(v));
  } catch {
    // Storage may be off; the speed still holds for this page.
  }
}

export function createToolbar(page) {
  const { ui, state } = page;

  /**
   * Sends a training command (play, pause, step, reset) to the worker, and to A's when comparing;
   * `extra` adds fields (a step's unit).
   */
  function command(type, extra = {}) {
    // A lecture step asks first and shows after: its run starts from the step's own Run button.
    if ((type === 'play' || type === 'step') && page.lecture?.holdsTraining) {
      state.notice = 'Make your prediction first (or choose "Skip, just show me"): the step runs from its own Run button.';
      page.status.renderMessage();
      return;
    }
    page.worker.post({ type, ...extra });
    page.compare.post({ type, ...extra });
    if (type !== 'pause') page.bestEpoch.clearRestored();
  }

  // ---- Speed ----
  const select = byId('speed');
  let speed = loadSpeed();
  select.replaceChildren(...SPEEDS.map((v) => new Option(v === null ? 'Max' : `${v} epochs/s`, v === null ? 'max' : String(v))));

  /** Tells a worker the speed (the main one, A's, or a restarted one). */
  function sendSpeed(post = (msg) => page.worker.post(msg)) {
    post({ type: 'speed', epochsPerSec: speed });
  }

  function setSpeed(v) {
    speed = v;
    select.value = v === null ? 'max' : String(v);
    saveSpeed(v);
    sendSpeed();
    page.compare.post({ type: 'speed', epochsPerSec: speed });
  }
  select.value = speed === null ? 'max' : String(speed);
  select.addEventListener('change', () => setSpeed(select.value === 'max' ? null : Number(select.value)));

  /** One speed faster (+1) or slower (−1). */
  function nudgeSpeed(direction) {
    const i = SPEEDS.indexOf(speed);
    setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + direction))]);
  }

  ui.play.addEventListener('click', () => command('play'));
  ui.pause.addEventListener('click', () => command('pause'));
  ui.step.addEventListener('click', (event) => command('step', { unit: event.shiftKey ? 'batch' : 'epoch' }));
  ui.reset.addEventListener('click', () => command('reset'));
  ui.previewNext.addEventListener('click', () => {
    state.previewIndex += 1;
    page.worker.post({ type: 'preview', index: state.previewIndex });
  });
  ui.form.addEventListener('submit', (event) => event.preventDefault());

  const help = ui.help;
  function toggleHelp(show = help.hidden) {
    help.hidden = !show;
    if (show) byId('help-close').focus();
  }
  byId('help-button').addEventListener('click', () => toggleHelp(true));
  byId('help-close').addEventListener('click', () => toggleHelp(false));
  help.addEventListener('click', (event) => {
    if (event.target === help) toggleHelp(false);
  });

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    // Space on Play or Pause (focused after a click) toggles, as everywhere else on the page,
    // instead of clicking the focused button again.
    if (event.key === ' ' && (t === ui.play || t === ui.pause) && state.defaults && help.hidden) {
      event.preventDefault();
      command(state.playing ? 'pause' : 'play');
      return;
    }
    // Typing in a control never triggers a shortcut.
    if (t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))) return;
    // Inside the Lecture path, Space never plays: a step runs only from its own Run button.
    if (event.key === ' ' && t instanceof Element && t.closest('#lecture-path')) return;
    if (event.key === 'Escape' && !help.hidden) {
      toggleHelp(false);
      return;
    }
    if (event.key === '?') {
      event.preventDefault();
      toggleHelp();
      return;
    }
    if (!state.defaults || !help.hidden) return;
    if (event.key === ' ' && !(t instanceof HTMLButtonElement)) {
      event.preventDefault();
      command(state.playing ? 'pause' : 'play');
    } else if (event.key === 's' || event.key === 'S') {
      command('step', { unit: event.shiftKey ? 'batch' : 'epoch' });
    } else if (event.key === 'r' || event.key === 'R') {
      command('reset');
    } else if (event.key === '+' || event.key === '=') {
      nudgeSpeed(1);
    } else if (event.key === '-' || event.key === '_') {
      nudgeSpeed(-1);
    }
  });

  return { command, sendSpeed, setSpeed, get speed() { return speed; } };
}
