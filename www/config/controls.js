// Owns the config controls: builds one labelled input per field description (grouped in
// collapsible sections, plus the per-hidden-layer table), shows a config in them, hides the
// sub-controls that do not apply, and reports edits as (key, value) pairs. It holds no training
// logic and no config state.

import { ACTIVATION_TEXT, CLOSED_GROUPS, GROUPS_OUTSIDE_FORM, NORM_TEXT, groupsOf } from './field-words.js';
import { formatList, formatValue, normalizeOverrides, parseList, parseValue } from './url-hash.js';

/**
 * Builds the controls for `fields` (config-fields.js `fieldsFor`) inside `form` and returns:
 *   set(config)        shows a config in every control and updates shown/enabled states,
 *   markInvalid(key)   flags one control as invalid (aria-invalid) or clears all flags with null,
 *   has(key)           whether a control exists for a config key,
 *   reveal(key)        opens the section of a control (e.g. when a link sets it).
 * `onChange(key, value)` is called with a parsed value after the user commits an edit;
 * `onInvalid(key, message)` is called when the text cannot be parsed at all.
 * `slots` maps a field key to {element, showWhen}: the element is placed right after that
 * field's row and shown when showWhen(config) holds (the user-images loader uses this).
 */
export function buildControls(form, allFields, { onChange, onInvalid, describedBy, slots = {} }) {
  form.replaceChildren();
  // The init lab's settings have their inputs in the Init lab tab.
  const fields = allFields.filter((f) => !GROUPS_OUTSIDE_FORM.has(f.group));
  const inputs = new Map();
  const rows = [];
  const sections = [];
  let layers = null;

  for (const group of groupsOf(fields)) {
    const members = fields.filter((f) => f.group === group);
    if (members.length === 0) continue;
    // Every section collapses; the settings that do not change training in the page start closed.
    const box = document.createElement('details');
    box.className = CLOSED_GROUPS.has(group) ? 'group other' : 'group';
    box.open = !CLOSED_GROUPS.has(group);
    const summary = document.createElement('summary');
    const summaryId = `group-${group.toLowerCase().replace(/[^a-z]+/g, '-')}`;
    summary.id = summaryId;
    summary.textContent = group;
    summary.title = `Show or hide the ${group.toLowerCase()} settings.`;
    const body = document.createElement('div');
    body.setAttribute('role', 'group');
    body.setAttribute('aria-labelledby', summaryId);
    box.append(summary, body);
    const sectionRows = [];
    for (const field of members) {
      const row = field.kind === 'layers' ? makeLayersRow(field) : field.kind === 'set' ? makeSetRow(field) : makeRow(field);
      rows.push({ field, row });
      sectionRows.push(row);
      body.append(row);
      const slot = slots[field.key];
      if (slot) {
        slot.element.hidden = false;
        slot.element.classList.add('slot');
        body.append(slot.element);
        rows.push({ field: { applies: slot.showWhen }, row: slot.element, slot: true });
      }
    }
    sections.push({ group, box, rows: sectionRows });
    form.append(box);
  }

  function makeRow(field) {
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
    const slider = field.slider && field.kind === 'number' ? makeSlider(field, input) : null;
    inputs.set(field.key, { field, input, slider });
    row.append(label, ...(slider ? [slider.element] : []), input);
    if (slider) row.classList.add('slider-row');
    return row;
  }

  /**
   * A range slider beside a number input (as in TensorFlow Playground), the number still
   * editable: dragging shows the value in the number box, releasing commits it. 'log2' sliders
   * move in powers of two (batch sizes 1, 2, 4, ... up to the schema's maximum).
   */
  function makeSlider(field, number) {
    const range = document.createElement('input');
    range.type = 'range';
    range.className = 'slider';
    range.setAttribute('aria-label', `${field.label} slider`);
    range.title = field.tooltip;
    const log = field.slider === 'log2';
    const lo = Number(field.min ?? 0);
    const hi = Number(field.max ?? 1);
    if (log) {
      range.min = String(Math.ceil(Math.log2(Math.max(1, lo))));
      range.max = String(Math.floor(Math.log2(Math.max(1, hi))));
      range.step = '1';
    } else {
      range.min = String(lo);
      range.max = String(hi);
      range.step = String(field.step ?? 'any');
    }
    const toValue = (r) => (log ? 2 ** Number(r) : Number(r));
    const toRange = (v) => (log ? Math.round(Math.log2(Math.max(1, v))) : v);
    range.addEventListener('input', () => { number.value = String(toValue(range.value)); });
    range.addEventListener('change', () => commit(field, number));
    return { element: range, show: (v) => { if (Number.isFinite(Number(v))) range.value = String(toRange(Number(v))); } };
  }

  /**
   * A set field (several options at once, e.g. the input features): a fieldset of checkboxes,
   * one per option the schema lists, each named by its text.
   */
  function makeSetRow(field) {
    const row = document.createElement('fieldset');
    row.className = 'row set-row';
    row.title = field.tooltip;
    const legend = document.createElement('legend');
    legend.textContent = field.label;
    const boxes = field.options.map(([value, text, title]) => {
      const label = document.createElement('label');
      label.className = 'set-option';
      if (title) label.title = title;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = value;
      if (describedBy) box.setAttribute('aria-describedby', describedBy);
      box.addEventListener('change', () => onChange(field.key, boxes.filter((b) => b.checked).map((b) => b.value)));
      label.append(box, ` ${text}`);
      row.append(label);
      return box;
    });
    row.prepend(legend);
    inputs.set(field.key, { field, input: row, set: boxes });
    return row;
  }

  function makeInput(field, id) {
    let input;
    if (field.kind === 'select') {
      input = document.createElement('select');
      for (const [value, text, title] of field.options) {
        const option = new Option(text, value);
        if (title) option.title = title;
        input.append(option);
      }
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
    } else if (field.kind === 'list') parsed = parseList(input.value, field.label, field.maxItems);
    else parsed = parseValue(field.key, input.value, field.spec);
    if ('error' in parsed) {
      markInvalid(field.key);
      onInvalid(field.key, parsed.error);
      return;
    }
    onChange(field.key, parsed.value);
  }

  // -------------------------------------------------------------------------------------------
  // The per-layer table: one row per hidden layer, one cell per overridable setting, each cell
  // "(all)" (no override) by default.

  function makeLayersRow(field) {
    const row = document.createElement('div');
    row.className = 'row layers-row';
    const caption = document.createElement('p');
    caption.className = 'layers-caption';
    caption.id = 'layers-caption';
    caption.textContent = field.label;
    caption.title = field.tooltip;
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = ' (“(all)”: as set below)';
    caption.append(hint);
    const table = document.createElement('table');
    table.className = 'layers';
    table.setAttribute('aria-labelledby', 'layers-caption');
    table.title = field.tooltip;
    const head = document.createElement('thead');
    const hr = document.createElement('tr');
    for (const text of ['Layer', 'Activation', 'Dropout', 'Norm']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      hr.append(th);
    }
    head.append(hr);
    const body = document.createElement('tbody');
    table.append(head, body);
    row.append(caption, table);
    layers = { field, body, cells: [], shape: '' };
    inputs.set(field.key, { field, input: table, layers: true });
    return row;
  }

  /** [value, text, title] for each option value the schema lists, with the words for it. */
  function choices(values, words) {
    return values.map((v) => [v, words[v]?.[0] ?? v, words[v]?.[1] ?? '']);
  }

  function layerSelect(label, title, choices) {
    const select = document.createElement('select');
    select.setAttribute('aria-label', label);
    select.title = title;
    const all = new Option('(all)', '');
    all.title = 'No override: the network-wide setting applies.';
    select.append(all);
    for (const [value, text, formula] of choices) {
      const option = new Option(text, value);
      if (formula) option.title = formula;
      select.append(option);
    }
    return select;
  }

  /** Rebuilds the table rows when the number or widths of the hidden layers change. */
  function shapeLayers(all) {
    // A config the core has not checked yet may list more layers than it allows: the table never
    // grows past that many rows (the core then names the field).
    const hidden = all.slice(0, layers.field.spec.max_items);
    const shape = hidden.join(',');
    if (layers.shape === shape) return;
    layers.shape = shape;
    layers.cells = [];
    const trs = hidden.map((width, i) => {
      const n = i + 1;
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = String(n);
      th.title = `Hidden layer ${n}, ${width} units`;
      const spec = layers.field.spec;
      const activation = layerSelect(`Layer ${n} activation`, `Activation of hidden layer ${n} only (overrides Activation).`, choices(spec.activation, ACTIVATION_TEXT));
      const dropout = document.createElement('input');
      dropout.type = 'number';
      dropout.min = String(spec.dropout.min);
      dropout.max = String(spec.dropout.max);
      dropout.step = '0.05';
      dropout.placeholder = '(all)';
      dropout.setAttribute('aria-label', `Layer ${n} dropout`);
      dropout.title = `Dropout probability of hidden layer ${n} only (overrides Dropout); empty = the network-wide value.`;
      const norm = layerSelect(`Layer ${n} normalization`, `Normalization of hidden layer ${n} only (overrides Normalization).`, choices(spec.norm, NORM_TEXT));
      for (const el of [activation, dropout, norm]) {
        if (describedBy) el.setAttribute('aria-describedby', describedBy);
        el.addEventListener('change', commitLayers);
      }
      const cells = [activation, dropout, norm].map((el) => {
        const td = document.createElement('td');
        td.append(el);
        return td;
      });
      tr.append(th, ...cells);
      layers.cells.push({ layer: n, activation, dropout, norm });
      return tr;
    });
    layers.body.replaceChildren(...trs);
  }

  function commitLayers() {
    const out = [];
    for (const c of layers.cells) {
      const o = { layer: c.layer };
      if (c.activation.value) o.activation = c.activation.value;
      if (c.norm.value) o.norm = c.norm.value;
      if (c.dropout.value.trim() !== '') {
        const p = Number(c.dropout.value);
        if (!Number.isFinite(p)) {
          c.dropout.setAttribute('aria-invalid', 'true');
          onInvalid('layer_overrides', `Layer ${c.layer} dropout: enter a number or leave it empty`);
          return;
        }
        o.dropout = p;
      }
      out.push(o);
    }
    onChange('layer_overrides', normalizeOverrides(out));
  }

  function setLayers(config) {
    const hidden = Array.isArray(config.hidden) ? config.hidden : [];
    shapeLayers(hidden);
    const byLayer = new Map(normalizeOverrides(config.layer_overrides).map((o) => [o.layer, o]));
    for (const c of layers.cells) {
      const o = byLayer.get(c.layer) ?? {};
      setSelect(c.activation, o.activation ?? '');
      setSelect(c.norm, o.norm ?? '');
      c.dropout.value = o.dropout === undefined ? '' : String(o.dropout);
    }
  }

  // -------------------------------------------------------------------------------------------

  function setSelect(select, value) {
    // A value the table does not list yet (e.g. a new activation in the wasm core) still shows.
    if (![...select.options].some((o) => o.value === value)) select.append(new Option(String(value), String(value)));
    select.value = value;
  }

  function set(config) {
    for (const { field, input, layers: isTable, set: boxes, slider } of inputs.values()) {
      const value = config[field.key];
      slider?.show(value);
      if (boxes) {
        for (const b of boxes) b.checked = Array.isArray(value) && value.includes(b.value);
        continue;
      }
      if (isTable) setLayers(config);
      else if (field.kind === 'select') setSelect(input, value);
      else if (field.kind === 'checkbox') input.checked = Boolean(value);
      else if (field.kind === 'list') input.value = Array.isArray(value) ? formatList(value) : String(value);
      else if (field.kind === 'number') input.value = String(value);
      else input.value = typeof value === 'string' ? value : formatValue(value);
      if (!isTable) input.disabled = field.enabledWhen ? !field.enabledWhen(config) : false;
    }
    for (const { field, row } of rows) row.hidden = !field.applies(config);
    // A section whose controls all do not apply (augmentation for 2D data) disappears.
    for (const s of sections) s.box.hidden = s.rows.every((r) => r.hidden);
  }

  function markInvalid(key) {
    for (const { field, input, layers: isTable, set: boxes } of inputs.values()) {
      const targets = isTable ? [...input.querySelectorAll('select, input')] : boxes ?? [input];
      if (key === null) for (const t of targets) t.removeAttribute('aria-invalid');
      else if (field.key === key) for (const t of isTable ? [] : targets) t.setAttribute('aria-invalid', 'true');
    }
  }

  function reveal(key) {
    const entry = inputs.get(key);
    const box = entry?.input.closest('details');
    if (box) box.open = true;
  }

  return { set, markInvalid, has: (key) => inputs.has(key), reveal };
}
