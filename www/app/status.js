// Owns the status the page shows in words: the figures (epoch, step, steps/s, the arithmetic,
// losses, accuracies, ensemble members) and the message area (faults with their Restart button, config errors, why a
// run stopped, passing notices, notes about a link).

import { formatInt, formatLoss, formatPercent, formatR2 } from './format.js';
import { mark } from './test-markers.js';

function setFigure(el, text, value) {
  if (el.textContent !== text) el.textContent = text;
  el.dataset.value = String(value);
}

/** Returns {renderFigures(), renderMessage()} over `page.state` and `page.ui`. */
export function createStatus(page) {
  const { ui, state } = page;

  function renderFigures() {
    const s = state.latest;
    if (!s) return;
    setFigure(ui.epoch, formatInt(s.epoch), s.epoch);
    setFigure(ui.stepCount, formatInt(s.step), s.step);
    setFigure(ui.stepsPerSec, formatInt(s.stepsPerSec), s.stepsPerSec);
    const h = state.history;
    const n = h.epoch.length;
    if (n > 0) {
      setFigure(ui.trainLoss, formatLoss(h.trainLoss[n - 1]), h.trainLoss[n - 1]);
      setFigure(ui.valLoss, formatLoss(h.valLoss[n - 1]), h.valLoss[n - 1]);
      if (state.regression) {
        // R² (kept as 100 R²) and the RMSE of each split.
        const text = (r2, rmse) => `${formatR2(r2 / 100)} · ${rmse == null ? '–' : formatLoss(rmse)}`;
        setFigure(ui.trainScore, text(h.trainScore[n - 1], h.trainRmse[n - 1]), h.trainScore[n - 1]);
        setFigure(ui.valScore, text(h.valScore[n - 1], h.valRmse[n - 1]), h.valScore[n - 1]);
        ui.trainScore.dataset.rmse = String(h.trainRmse[n - 1]);
        ui.valScore.dataset.rmse = String(h.valRmse[n - 1]);
      } else {
        setFigure(ui.trainScore, formatPercent(h.trainScore[n - 1]), h.trainScore[n - 1]);
        setFigure(ui.valScore, formatPercent(h.valScore[n - 1]), h.valScore[n - 1]);
      }
    } else {
      for (const el of [ui.trainLoss, ui.valLoss, ui.trainScore, ui.valScore]) setFigure(el, '–', '');
    }
    // The ensemble's members, each on its own bootstrap sample, next to the averaged prediction.
    // The members' mean stands beside the ensemble: averaging probabilities never gives a higher
    // cross-entropy than the members' mean (Jensen), while accuracy has no such guarantee.
    if (n > 0 && h.lastMembers.length > 0) {
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const meanAcc = mean(h.lastMembers);
      const meanLoss = mean(h.lastMembersLoss);
      const text = `Members (validation): ${h.lastMembers.map(formatPercent).join(', ')} · mean ${formatPercent(meanAcc)} · ensemble ${formatPercent(h.valScore[n - 1])}`
        + `; loss: members' mean ${formatLoss(meanLoss)}, ensemble ${formatLoss(h.valLoss[n - 1])}`;
      if (ui.members.textContent !== text) ui.members.textContent = text;
      Object.assign(ui.members.dataset, { meanAcc: String(meanAcc), meanLoss: String(meanLoss), ensembleLoss: String(h.valLoss[n - 1]), ensembleAcc: String(h.valScore[n - 1]) });
      ui.members.dataset.count = String(h.lastMembers.length);
      ui.members.hidden = false;
    } else {
      ui.members.hidden = true;
      ui.members.dataset.count = '0';
    }
    ui.play.setAttribute('aria-pressed', String(state.playing));
    mark('playing', state.playing);
  }

  /** Shows the fault, the config error, the run's note, a notice and the link notes. */
  function renderMessage() {
    const lines = [];
    if (state.fault) lines.push({ text: state.fault.message, kind: 'error', restart: true });
    if (state.restarting) lines.push({ text: 'Restarting the training worker…', kind: 'note' });
    if (state.configError) lines.push({ text: state.configError, kind: 'error' });
    if (state.runNote) lines.push({ text: state.runNote, kind: /^(Early|Paused)/.test(state.runNote) ? 'note' : 'error' });
    if (state.notice) lines.push({ text: state.notice, kind: 'note' });
    for (const note of state.linkNotes) lines.push({ text: note, kind: 'note' });
    ui.message.replaceChildren(
      ...lines.map(({ text, kind, restart }) => {
        const p = document.createElement('p');
        p.className = kind;
        p.textContent = text;
        if (restart) {
          // The config is kept: the new worker starts from the settings in force.
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'small primary';
          b.dataset.testid = 'restart-worker';
          b.textContent = 'Restart training';
          b.title = 'Start a fresh training worker with the same settings.';
          b.addEventListener('click', () => page.restartWorker());
          p.append(' ', b);
        }
        return p;
      }),
    );
  }

  /** Shows which arithmetic the worker's wasm build runs ('fused' or 'separate', see www/wasm-loader.js). */
  function renderArithmetic(arithmetic) {
    state.arithmetic = arithmetic ?? null;
    ui.arithmetic.textContent = arithmetic ?? '–';
    mark('arithmetic', arithmetic ?? '');
  }

  return { renderFigures, renderMessage, renderArithmetic };
}
