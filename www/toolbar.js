// Owns the training buttons (Play, Pause, Step, Reset, and the preview's next image), the keyboard
// shortcuts (Space, S, R, ?) and the help overlay. A training command goes to the main worker and,
// while comparing, to A's worker too.

import { byId } from './dom.js';

export function createToolbar(page) {
  const { ui, state } = page;

  /** Sends a training command (play, pause, step, reset) to the worker, and to A's when comparing. */
  function command(type) {
    page.worker.post({ type });
    page.compare.post({ type });
  }

  ui.play.addEventListener('click', () => command('play'));
  ui.pause.addEventListener('click', () => command('pause'));
  ui.step.addEventListener('click', () => command('step'));
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
    // Typing in a control never triggers a shortcut.
    if (t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))) return;
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
      command('step');
    } else if (event.key === 'r' || event.key === 'R') {
      command('reset');
    }
  });

  return { command };
}
