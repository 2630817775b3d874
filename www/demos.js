// Owns the "Lecture demos" menu (presets/lecture.json): choosing one loads its config over the
// defaults, shows its explanation and starts training.

import presets from '../presets/lecture.json';
import { clone } from './json-values.js';
import { clearNotes } from './page-state.js';

export function createDemos(page) {
  const { ui, state } = page;
  for (const p of presets) {
    const option = new Option(p.title, p.id);
    option.title = p.explanation;
    ui.preset.append(option);
  }

  /** Loads a lecture demo: its config over the defaults, its explanation shown, training started. */
  function load(id) {
    const p = presets.find((x) => x.id === id);
    if (!p || !state.defaults) return;
    clearNotes(state);
    ui.presetText.textContent = `${p.title}: ${p.explanation}`;
    ui.presetText.hidden = false;
    ui.presetText.dataset.preset = p.id;
    page.config.setConfig({ ...clone(state.defaults), ...clone(p.config) });
    page.toolbar.command('play');
    page.status.renderMessage();
  }

  ui.preset.addEventListener('change', () => {
    load(ui.preset.value);
    // The menu lets go of the keyboard, so S or Space after a choice act on training instead of
    // jumping to a menu entry.
    ui.preset.blur();
  });
  return { load };
}
