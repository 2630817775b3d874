// Owns the config controls: builds one labelled input per field description, shows a config in
// them, and reports edits as (key, value) pairs. It holds no training logic and no config state.

import { GROUPS, OTHER_GROUP, formatList, formatValue, parseList, parseValue } from './state.js';

/**
 * Builds the controls for `fields` inside `form` and returns an object with:
 *   set(config)        shows a config in every control and updates enabled states,
 *   markInvalid(key)   flags one control as invalid (aria-invalid) or clears all flags with null,
 *   has(key)           whether a control exists for a config key.
 * `onChange(key, value)` is called with a parsed value after the user commits an edit;
 * `onInvalid(key, message)` is called when the text cannot be parsed at all.
 */
export function buildControls(form, fields, defaults, { onChange, onInvalid, describedBy }) {
  form.replaceChildren();
  const inputs = new Map();

  const groups = [...GROUPS, ...new Set(fields.map((f) => f.group).filter((g) => !GROUPS.includes(g)))];
  for (const group of groups) {
    const members = fields.filter((f) => f.group === group);
    if (members.length === 0) continue;
    let box;
    if (group === OTHER_GROUP) {
      // Raw fields without a dedicated control stay out of the way until asked for.
      box = document.createElement('details');
      box.className = 'group other';
      const summary = document.createElement('summary');
      summary.textContent = group;
      summary.title = 'Config fields from the wasm core that have no dedicated control yet.';
      box.append(summary);
    } else {
      box = document.createElement('fieldset');
      box.className = 'group';
      const legend = document.createElement('legend');
      legend.textContent = group;
      box.append(legend);
    }
    for (const field of members) {
      const row = document.createElement('div');
      row.className = 'row';
      const id = `ctl-${field.key}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = field.label;
      label.title = field.tooltip;
      const input = makeInput(field, id);
      input.title = field.tooltip;
      if (describedBy) input.setAttribute('aria-describedby', describedBy);
      input.addEventListener('change', () => commit(field, input));
      inputs.set(field.key, { field, input });
      row.append(label, input);
      box.append(row);
    }
    form.append(box);
  }

  function makeInput(field, id) {
    let input;
    if (field.kind === 'select') {
      input = document.createElement('select');
      for (const [value, text] of field.options) input.append(new Option(text, value));
    } else {
      input = document.createElement('input');
      if (field.kind === 'number') {
        input.type = 'number';
        input.step = String(field.step ?? 'any');
        if (field.min !== undefined) input.min = String(field.min);
        if (field.max !== undefined) input.max = String(field.max);
        input.inputMode = field.integer ? 'numeric' : 'decimal';
      } else if (field.kind === 'checkbox') {
        input.type = 'checkbox';
      } else {
        input.type = 'text';
        input.spellcheck = false;
        input.autocomplete = 'off';
        if (field.kind === 'list') input.placeholder = 'e.g. 64, 64';
      }
    }
    input.id = id;
    input.name = field.key;
    return input;
  }

  function commit(field, input) {
    let parsed;
    if (field.kind === 'select') parsed = { value: input.value };
    else if (field.kind === 'checkbox') parsed = { value: input.checked };
    else if (field.kind === 'number') {
      const v = input.value.trim() === '' ? NaN : Number(input.value);
      parsed = Number.isFinite(v) ? { value: v } : { error: `${field.label}: enter a number` };
    } else if (field.kind === 'list') parsed = parseList(input.value, field.label);
    else parsed = parseValue(field.key, input.value, defaults[field.key]);
    if ('error' in parsed) {
      markInvalid(field.key);
      onInvalid(field.key, parsed.error);
      return;
    }
    onChange(field.key, parsed.value);
  }

  function set(config) {
    for (const { field, input } of inputs.values()) {
      const value = config[field.key];
      if (field.kind === 'select') {
        // A value the table does not list yet (e.g. a new activation in the wasm core) still shows.
        if (![...input.options].some((o) => o.value === value)) input.append(new Option(String(value), String(value)));
        input.value = value;
      } else if (field.kind === 'checkbox') input.checked = Boolean(value);
      else if (field.kind === 'list') input.value = Array.isArray(value) ? formatList(value) : String(value);
      else if (field.kind === 'number') input.value = String(value);
      else input.value = typeof value === 'string' ? value : formatValue(value);
      input.disabled = field.enabledWhen ? !field.enabledWhen(config) : false;
    }
  }

  function markInvalid(key) {
    for (const { field, input } of inputs.values()) {
      if (key === null || field.key === key) {
        if (key === null) input.removeAttribute('aria-invalid');
        else input.setAttribute('aria-invalid', 'true');
      }
    }
  }

  return { set, markInvalid, has: (key) => inputs.has(key) };
}
