// Owns the Lecture path's step list: the steps grouped by section, as numbered buttons that say
// which step is current (aria-current="step") and which are done, with the prediction right or
// wrong in words and a mark (not colour alone); a button jumps to its step. `stepListState` is
// the pure part (tests/unit/lecture-path.test.mjs), `StepList` draws it.

/**
 * The list's state: per section {id, title, steps: [{id, n, title, current, status}]}, where
 * `status` is 'right', 'wrong', 'skipped' or 'open'; `done` counts the steps with a result.
 */
export function stepListState(sections, steps, results, currentId) {
  let n = 0;
  let done = 0;
  const groups = sections.map((s) => ({ id: s.id, title: s.title, steps: [] }));
  for (const step of steps) {
    n += 1;
    const r = results[step.id];
    const status = !r ? 'open' : r.prediction === 'skipped' ? 'skipped' : r.right ? 'right' : 'wrong';
    if (r) done += 1;
    let g = groups.find((x) => x.id === step.section);
    if (!g) groups.push((g = { id: step.section, title: step.section, steps: [] }));
    g.steps.push({ id: step.id, n, title: step.title ?? step.id, current: step.id === currentId, status });
  }
  return { groups: groups.filter((g) => g.steps.length > 0), done, total: n };
}

/** The words and mark of a status. */
export const STATUS_WORDS = {
  open: { words: 'not done yet', mark: '' },
  right: { words: 'done, your prediction was right', mark: '✓' },
  wrong: { words: 'done, your prediction was wrong', mark: '✗' },
  skipped: { words: 'done, shown without a prediction', mark: '–' },
};

export class StepList {
  /** `root`: the element the list is drawn in; `onPick(id)` when a step's button is pressed. */
  constructor(root, onPick) {
    this.root = root;
    this.onPick = onPick;
  }

  render(state) {
    const list = document.createElement('ol');
    list.className = 'path-sections';
    for (const g of state.groups) {
      const li = document.createElement('li');
      li.className = 'path-section';
      const title = document.createElement('span');
      title.className = 'path-section-title';
      title.id = `path-section-${g.id}`;
      title.textContent = g.title;
      const steps = document.createElement('ol');
      steps.className = 'path-steps';
      steps.setAttribute('aria-labelledby', title.id);
      for (const s of g.steps) {
        const item = document.createElement('li');
        const b = document.createElement('button');
        b.type = 'button';
        b.className = `path-step small status-${s.status}`;
        b.dataset.step = s.id;
        b.dataset.status = s.status;
        const { words, mark } = STATUS_WORDS[s.status];
        const num = document.createElement('span');
        num.textContent = `${s.n}${mark ? ` ${mark}` : ''}`;
        num.setAttribute('aria-hidden', 'true');
        const label = document.createElement('span');
        label.className = 'visually-hidden';
        label.textContent = `Step ${s.n}${mark ? ` ${mark}` : ''}: ${s.title} (${words})`;
        b.append(num, label);
        b.title = `Step ${s.n}: ${s.title} (${words})`;
        if (s.current) b.setAttribute('aria-current', 'step');
        b.addEventListener('click', () => this.onPick(s.id));
        item.append(b);
        steps.append(item);
      }
      li.append(title, steps);
      list.append(li);
    }
    this.root.replaceChildren(list);
  }
}
