// Owns a step's reveal: the student's prediction beside what happened (in words and marks, not
// colour alone), the measured terms the core's rule read, the step's explanation, and the
// evidence outlined where it is on the page (its tab shown, its element outlined and scrolled
// into view). The outcome itself is the core's (wasm `lecture_outcome`); this module only shows it.

import { formatFixed } from '../app/format.js';

/** The words of one term of a rule, e.g. "b.val_score - a.val_score" → "B val score − A val score". */
export function termWords(term) {
  return String(term)
    .replace(/\b([ab])\.(?=[a-z])/g, (m, side) => `${side.toUpperCase()} `)
    .replace(/\b(lab|sweep)\./g, '$1 ')
    .replace(/\blayers\.(\d+)\./g, 'layer $1 ')
    .replace(/_/g, ' ')
    .replace(/ - /g, ' − ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A measured value with three significant digits (small and large ones readable too). */
export function formatTerm(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e5)) return v.toExponential(2);
  return formatFixed(v, a >= 100 ? 1 : a >= 10 ? 2 : 3);
}

/**
 * Builds the reveal element: `step` (from presets/lecture-path.json), `prediction` (a choice id
 * or 'skipped'), `outcome` ({choice, values} from the core), `options` ([{id, text}] of the
 * step's choices or shapes).
 */
export function buildReveal(step, prediction, outcome, options) {
  const el = document.createElement('div');
  el.className = 'path-reveal';
  el.dataset.testid = 'lecture-reveal';
  el.dataset.outcome = outcome.choice;
  el.dataset.prediction = prediction;
  const right = prediction === outcome.choice;
  el.dataset.right = String(right);
  el.tabIndex = -1;
  const textOf = (id) => options.find((o) => o.id === id)?.text ?? id;

  const head = document.createElement('h3');
  head.className = 'path-verdict';
  head.dataset.testid = 'lecture-verdict';
  if (prediction === 'skipped') head.textContent = 'You skipped the prediction. Here is what happened:';
  else head.textContent = right ? '✓ Right: your prediction is what happened.' : '✗ Wrong: something else happened.';
  el.append(head);

  const list = document.createElement('ul');
  list.className = 'path-compare';
  const yours = document.createElement('li');
  yours.innerHTML = '<b>Your prediction:</b> ';
  yours.append(prediction === 'skipped' ? 'none (skipped)' : `“${textOf(prediction)}”${right ? ' — right' : ' — wrong'}`);
  const happened = document.createElement('li');
  happened.innerHTML = '<b>What happened:</b> ';
  happened.append(`“${textOf(outcome.choice)}”`);
  happened.dataset.testid = 'lecture-outcome';
  list.append(yours, happened);
  el.append(list);

  const entries = Object.entries(outcome.values ?? {});
  if (entries.length) {
    const p = document.createElement('p');
    p.className = 'path-terms';
    p.dataset.testid = 'lecture-terms';
    p.textContent = `Measured: ${entries.map(([k, v]) => `${termWords(k)} = ${formatTerm(v)}`).join('; ')}.`;
    el.append(p);
  }
  const why = document.createElement('p');
  why.className = 'path-why';
  why.textContent = step.why;
  el.append(why);
  if (step.evidence?.words) {
    const ev = document.createElement('p');
    ev.className = 'path-evidence-note';
    ev.textContent = `The evidence is outlined on the page: ${step.evidence.words}.`;
    el.append(ev);
  }
  return el;
}

/** Takes the outline off the evidence of an earlier step. */
export function clearEvidence() {
  for (const el of document.querySelectorAll('[data-lecture-evidence]')) {
    el.classList.remove('lecture-evidence');
    delete el.dataset.lectureEvidence;
  }
}

/**
 * Outlines a step's evidence: shows its tab (`showTab`), waits (a few frames, at most ~3 s) for
 * its element to be drawn, outlines it and scrolls it into view (with the `reveal` above it where
 * both fit). Resolves with the element, or null when it never appeared.
 */
export async function outlineEvidence(evidence, showTab, reveal = null) {
  clearEvidence();
  if (!evidence?.selector) return null;
  if (evidence.tab) showTab(evidence.tab);
  const until = performance.now() + 3000;
  let el = null;
  while (performance.now() < until) {
    el = document.querySelector(evidence.selector);
    if (el && el.getClientRects().length > 0) break;
    el = null;
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  if (!el) return null;
  el.classList.add('lecture-evidence');
  el.dataset.lectureEvidence = 'true';
  bringIntoView(el, reveal);
  return el;
}

/**
 * Scrolls the evidence into view (inside a scrolling panel too) and, where the window has room
 * for both, keeps the reveal above it in view as well: the verdict at the top, the evidence below.
 */
export function bringIntoView(evidence, reveal = null) {
  evidence.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const vh = window.innerHeight;
  const e = evidence.getBoundingClientRect();
  const r = reveal?.isConnected ? reveal.getBoundingClientRect() : null;
  let d;
  if (r && e.bottom - (r.top - 8) <= vh) d = r.top - 8;
  // A tall chart below the reveal: the verdict at the top and the chart's upper part under it
  // (at least 160 px of it: its legend and the top of its curves), rather than the chart alone
  // with the verdict scrolled away.
  else if (r && e.top > r.top && e.top - (r.top - 8) <= vh - 160) d = r.top - 8;
  else if (e.height + 16 <= vh) d = e.top - (vh - e.height) / 2;
  else d = e.top - 8;
  window.scrollBy(0, d);
}
