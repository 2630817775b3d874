// Owns the Lecture path's two whole-page views: the student's one-page summary (each question,
// the prediction, what happened, right or wrong; printable, with a print stylesheet that hides
// everything else) and the lecturer view (every step with its link and its embed link, for
// slides). Both are drawn from the steps and the kept results; nothing is computed here.

import { predictionIds } from './progress-store.js';
import { stepLink } from './step-links.js';

const optionsOf = (step) => (step.predict?.kind === 'sketch' ? step.predict.shapes : step.predict?.choices) ?? [];
const textOf = (step, id) => optionsOf(step).find((o) => o.id === id)?.text ?? id;

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** The summary's rows: per step {n, id, title, question, prediction, outcome, verdict}. */
export function summaryRows(steps, results) {
  return steps.map((step, i) => {
    const r = results[step.id];
    const verdict = !r ? 'not done yet' : r.prediction === 'skipped' ? 'skipped' : r.right ? 'right ✓' : 'wrong ✗';
    return {
      n: i + 1,
      id: step.id,
      title: step.title,
      question: step.question,
      prediction: !r ? '–' : r.prediction === 'skipped' ? 'none (skipped)' : textOf(step, r.prediction),
      outcome: r && predictionIds(step).includes(r.outcome) ? textOf(step, r.outcome) : '–',
      verdict,
    };
  });
}

/** Draws the summary into `root`; `onBack()` leaves it. */
export function renderSummary(root, steps, results, { onBack }) {
  const rows = summaryRows(steps, results);
  const done = rows.filter((r) => r.verdict !== 'not done yet');
  const right = rows.filter((r) => r.verdict.startsWith('right'));
  const back = el('button', { type: 'button', className: 'small', textContent: 'Back to the path' });
  back.addEventListener('click', onBack);
  const print = el('button', { type: 'button', className: 'small primary', textContent: 'Print or save as PDF' });
  print.addEventListener('click', () => window.print());
  const list = el('ol', { className: 'summary-list' });
  for (const r of rows) {
    const item = el('li', {}, el('h3', { textContent: `${r.n}. ${r.title}` }), el('p', { className: 'summary-question', textContent: r.question }));
    const dl = el('dl');
    dl.append(el('dt', { textContent: 'Your prediction' }), el('dd', { textContent: r.prediction }));
    dl.append(el('dt', { textContent: 'What happened' }), el('dd', { textContent: r.outcome }));
    dl.append(el('dt', { textContent: 'Verdict' }), el('dd', { textContent: r.verdict }));
    item.append(dl);
    item.dataset.step = r.id;
    item.dataset.verdict = r.verdict.split(' ')[0];
    list.append(item);
  }
  const heading = el('h2', { id: 'lecture-summary-title', textContent: 'Your Lecture path', tabIndex: -1 });
  root.replaceChildren(
    el('div', { className: 'summary-head' }, heading, el('div', { className: 'summary-buttons' }, print, back)),
    el('p', { className: 'summary-count', textContent: `${done.length} of ${rows.length} steps done; ${right.length} predictions right.` }),
    list,
  );
  return heading;
}

/** Draws the lecturer view into `root`: every step, its link and its embed link. */
export function renderLecturer(root, steps, sections, { onBack }) {
  const back = el('button', { type: 'button', className: 'small', textContent: 'Back to the path' });
  back.addEventListener('click', onBack);
  const heading = el('h2', { id: 'lecture-lecturer-title', textContent: 'Lecture path: every step, for slides', tabIndex: -1 });
  const list = el('ol', { className: 'lecturer-list' });
  steps.forEach((step, i) => {
    const section = sections.find((s) => s.id === step.section)?.title ?? step.section;
    const link = el('a', { href: stepLink(location.href, step.id), textContent: `Link to step ${i + 1}` });
    const embed = el('a', { href: stepLink(location.href, step.id, { embed: true }), textContent: `Embed link of step ${i + 1}` });
    const item = el('li', {},
      el('h3', { textContent: `${i + 1}. ${step.title}` }),
      el('p', { className: 'hint', textContent: `${section} · ${step.id}` }),
      el('p', { className: 'summary-question', textContent: step.question }),
      el('p', { className: 'lecturer-links' }, link, ' · ', embed, el('code', { textContent: stepLink(location.href, step.id, { embed: true }) })));
    item.dataset.step = step.id;
    list.append(item);
  });
  root.replaceChildren(
    el('div', { className: 'summary-head' }, heading, el('div', { className: 'summary-buttons' }, back)),
    el('p', { className: 'hint', textContent: 'Each link opens the path at its step; an embed link shows only the step, the plots and its Run button, for an iframe in slides.' }),
    list,
  );
  return heading;
}
