// Owns the page's DOM lookups: the elements the main-thread modules use, found once by id or by
// their data-testid.

/** The element with a data-testid. */
export const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
export const byId = (id) => document.getElementById(id);

/** The elements of the toolbar, the status line, the figures and the middle panel. */
export const ui = {
  form: byId('controls'),
  play: byId('play'),
  pause: byId('pause'),
  step: byId('step'),
  reset: byId('reset'),
  message: $('message'),
  epoch: $('epoch'),
  stepCount: $('step'),
  stepsPerSec: $('steps-per-sec'),
  arithmetic: $('arithmetic'),
  trainLoss: $('train-loss'),
  valLoss: $('val-loss'),
  trainScore: $('train-acc'),
  valScore: $('val-acc'),
  scoreHead: $('score-head'),
  planeCaption: byId('plane-caption'),
  planeCanvas: byId('boundary'),
  scoreChartTitle: byId('score-chart-title'),
  layerButtons: byId('layer-buttons'),
  addLayer: byId('add-layer'),
  removeLayer: byId('remove-layer'),
  moreUnits: byId('more-units'),
  fewerUnits: byId('fewer-units'),
  regenerate: byId('regenerate'),
  regenerateButton: byId('regenerate-data'),
  showValidation: byId('show-validation'),
  discretize: byId('discretize'),
  members: $('members'),
  viewTitle: byId('view-title'),
  regionsView: byId('regions-view'),
  imagesView: byId('images-view'),
  signalsView: byId('signals-view'),
  previewNext: byId('preview-next'),
  userImages: byId('user-images'),
  bestEpoch: $('best-epoch'),
  restoreBest: byId('restore-best'),
  compareStart: byId('compare-start'),
  preset: byId('preset'),
  presetText: byId('preset-explanation'),
  help: byId('help'),
};
