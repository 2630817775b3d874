// Owns a choice step's prediction: a fieldset named "Your prediction" with one radio button per
// choice (arrow keys move between them, as for any radio group). It says which choice is made;
// what happens then is the path's (path.js).

let groupCount = 0;

export class ChoicePrediction {
  /** `choices`: [{id, text}]; `onChange(id)` when the student picks one. */
  constructor(choices, onChange) {
    groupCount += 1;
    const name = `lecture-choice-${groupCount}`;
    this.fieldset = document.createElement('fieldset');
    this.fieldset.className = 'path-choices';
    this.fieldset.dataset.testid = 'lecture-prediction';
    const legend = document.createElement('legend');
    legend.textContent = 'Your prediction';
    this.fieldset.append(legend);
    this.inputs = choices.map((c) => {
      const label = document.createElement('label');
      label.className = 'path-choice';
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = name;
      input.value = c.id;
      input.addEventListener('change', () => input.checked && onChange(c.id));
      label.append(input, ' ', c.text);
      this.fieldset.append(label);
      return input;
    });
  }

  get element() {
    return this.fieldset;
  }

  /** The chosen id, or null. */
  get value() {
    return this.inputs.find((i) => i.checked)?.value ?? null;
  }

  /** Shows a kept prediction (null: none). */
  set value(id) {
    for (const i of this.inputs) i.checked = i.value === id;
  }

  set disabled(off) {
    this.fieldset.disabled = off;
  }
}
