// Owns the toolbar's sharing and export buttons: copy the link, export and import the config as
// JSON, download the curves as CSV, the run as a PyTorch script, and any chart as PNG.

import { byId } from '../app/dom.js';
import { clone } from '../app/json-values.js';
import { downloadBlob, downloadText, historyCsv } from './downloads.js';

/** Puts `text` on the clipboard and says so, or, where that is refused, shows it to copy by hand. */
export async function copyText(page, text, what) {
  try {
    await navigator.clipboard.writeText(text);
    page.state.notice = `The ${what} is on the clipboard.`;
  } catch {
    page.state.notice = `Copy this ${what}: ${text}`;
  }
  page.status.renderMessage();
}

export function createSharing(page) {
  const { state } = page;

  byId('copy-link').addEventListener('click', () => copyText(page, location.href, 'link to this config'));

  byId('export-config').addEventListener('click', () => {
    // The arithmetic the run used is recorded beside the config (not a config field: `overfit
    // train` reads it and runs in that mode; the page's import ignores it).
    const recorded = state.arithmetic ? { ...state.applied, arithmetic: state.arithmetic } : state.applied;
    if (state.applied) downloadText(`${JSON.stringify(recorded, null, 2)}\n`, 'overfit-config.json', 'application/json');
  });

  byId('import-config').addEventListener('change', (event) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    page.config.importFile(file);
  });

  byId('export-csv').addEventListener('click', () => downloadText(historyCsv(state.history, Boolean(state.regression)), 'overfit-curves.csv', 'text/csv'));

  byId('export-pytorch').addEventListener('click', () => {
    if (state.applied) page.worker.post({ type: 'export-pytorch', id: 1, config: clone(state.applied) });
  });

  for (const b of document.querySelectorAll('button.png')) {
    b.addEventListener('click', () => {
      const canvas = b.closest('figure').querySelector('canvas');
      canvas?.toBlob((blob) => blob && downloadBlob(blob, `overfit-${b.dataset.chart}.png`), 'image/png');
    });
  }
}
