// Owns the one dispatcher of the training worker's messages (see worker.js for the protocol).
// A snapshot is handled in a fixed order: the run keeper sees it first (a new run number saves
// the old run's curves before they are cleared), then the layer view and best epoch (compared
// with the previous run number), then the curves, figures and views.

import { tidyConfig } from '../app/json-values.js';
import { CurveHistory } from './curve-history.js';
import { LECTURE_QUESTIONS } from './lecture-answers.js';
import { mark } from '../app/test-markers.js';
import { downloadText } from '../export/downloads.js';

export function createWorkerMessages(page) {
  const { state, views } = page;

  /**
   * How the data is drawn and scored: 'classes' (decision regions, accuracy), 'surface' or
   * 'curve' (regression: a heatmap or the fitted function, R² and RMSE), 'signals' (signals per
   * class, accuracy).
   */
  function setPlotMode(mode) {
    state.plotMode = mode;
    state.regression = mode === 'surface' || mode === 'curve';
    mark('plotMode', mode);
    views.curves.setRegression(state.regression);
    page.ui.scoreHead.textContent = state.regression ? 'R² · RMSE' : 'Accuracy';
    page.ui.scoreChartTitle.textContent = state.regression ? 'R²' : 'Accuracy';
    const words = {
      classes: ['The background shows the class the network predicts at each point of the plane, paler where it is unsure.',
        'The plane coloured by the class the network predicts, with the training and validation points.'],
      surface: ['The background shows the value the network predicts at each point of the plane: blue below 0, orange above, deeper the larger it is. The points are coloured by their targets.',
        'The plane coloured by the value the network predicts, with the training and validation points coloured by their targets.'],
      signals: ['Each sample is a signal; the Data tab draws a few of each class.',
        'Signals per class.'],
      curve: ['The line is the function the network computes; filled dots are the training points it is fitted to, rings the validation points.',
        'The function the network computes, drawn over the training points (filled) and the validation points (rings).'],
    }[mode];
    page.ui.planeCaption.textContent = words[0];
    page.ui.planeCanvas.setAttribute('aria-label', words[1]);
    page.tabs.refreshTitle?.();
    page.ui.scoreHead.title = state.regression
      ? 'R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (1: a perfect fit, 0: no better than the mean, below 0: worse) and RMSE = √(mean (y − ŷ)²), over each split.'
      : 'The fraction of samples whose predicted class is the true one.';
    state.dirty.figures = true;
  }

  function onSnapshot(msg) {
    page.runKeeper.keep(msg);
    if (msg.run !== state.run) {
      views.layers.clear();
      views.network.clear();
      page.bestEpoch.clearRestored();
    }
    if (msg.layers) views.layers.push(msg.epoch, msg.step, msg.layers, msg.layerBins, msg.layerCounts);
    const best = msg.best_epoch ?? null;
    if (best !== state.bestEpoch || msg.run !== state.run) {
      state.bestEpoch = best;
      state.dirty.best = true;
    }
    if (msg.history) {
      state.history = new CurveHistory(state.schema.limits.history_capacity);
      for (const e of msg.history) state.history.push(e);
    } else {
      if (msg.run !== state.run) state.history = new CurveHistory(state.schema.limits.history_capacity);
      for (const e of msg.evals) state.history.push(e);
    }
    if (msg.run !== state.run || msg.history || msg.evals.length > 0) {
      state.dirty.curves = true;
      // Whether the best epoch is above chance depends on the records that just came.
      state.dirty.best = true;
    }
    state.run = msg.run;
    page.compare.noteB(msg);
    mark('run', msg.run);
    mark('step', msg.step);
    mark('wasmBytes', msg.wasmBytes ?? 0);
    if (msg.classes) state.classes = msg.classes;
    if (msg.points) {
      views.boundary.setPoints(msg.points, msg.extent, msg.classes, msg.plotMode);
      setPlotMode(msg.plotMode ?? 'classes');
      page.tabs.setView('regions');
      state.dirty.boundary = true;
    }
    if (msg.signals) {
      views.signals.setSignals(msg.signals, msg.signalLen, msg.classNames.length, msg.classNames);
      setPlotMode('signals');
      page.tabs.setView('signals');
      state.dirty.signals = true;
    }
    if (msg.grid) {
      views.boundary.setGrid(msg.grid, msg.gridRes, msg.gridClasses);
      state.dirty.boundary = true;
    }
    if (msg.image) {
      setPlotMode('classes');
      const shape = msg.image;
      state.classes = shape.class_names.length;
      views.grid.setImages(shape, shape.class_names, msg.valImages, msg.valLabels);
      views.confusion.setClasses(shape.class_names);
      views.weights.setShape(shape);
      views.preview.setShape(shape);
      mark('valCount', shape.val);
      page.tabs.setView('images', shape);
      Object.assign(state.dirty, { grid: true, confusion: true, weights: true, preview: true });
    }
    if (msg.valProbs) {
      views.grid.setPredictions(msg.valProbs);
      views.confusion.setMatrix(msg.confusion);
      views.weights.setWeights(msg.weights, msg.weightUnits, msg.weightTotal, msg.weightsOutput);
      Object.assign(state.dirty, { grid: true, confusion: true, weights: true });
    }
    if (msg.network) {
      views.network.setData(msg.network);
      state.dirty.network = true;
    } else if ((msg.image || msg.signals) && state.tab === 'network') {
      views.network.setData(null);
      state.dirty.network = true;
    }
    if (msg.preview) {
      views.preview.setPreview(msg.preview, msg.previewActive);
      state.dirty.preview = true;
    }
    const runNote = msg.diverged
      ? `Training diverged at step ${msg.diverged_at_step ?? msg.step} (the loss is not finite); the last good weights are kept. Lower the learning rate and press Reset.`
      : msg.stopped
        ? `Early stopping restored epoch ${msg.best_epoch ?? '?'}, the one with the lowest validation loss: it did not improve for ${state.applied?.patience ?? 'the set number of'} epochs. Press Reset to train again.`
        : msg.atStopEpoch
          ? `Paused at epoch ${msg.epoch}, as "Stop at epoch" says. Raise it (or set 0) and press Play to train on.`
          : null;
    if (runNote !== state.runNote) {
      state.runNote = runNote;
      page.status.renderMessage();
    }
    state.playing = msg.playing;
    state.latest = msg;
    state.dirty.figures = true;
    page.frames.request();
    page.lecture?.onSnapshot();
  }

  /** Handles one message of the training worker. */
  return function dispatch(msg) {
    switch (msg.type) {
      case 'ready':
        page.status.renderArithmetic(msg.arithmetic);
        page.config.onReady(msg.schema, tidyConfig(msg.defaults));
        // A new (or restarted) worker trains at the page's speed, and knows whether the Network
        // tab shows.
        page.toolbar.sendSpeed();
        page.worker.post({ type: 'views', network: state.tab === 'network' });
        break;
      case 'applied':
        page.config.onApplied(msg, tidyConfig(msg.config));
        break;
      case 'snapshot':
        onSnapshot(msg);
        break;
      case 'error':
        page.config.onError(msg);
        break;
      case 'init-lab':
        page.initLab.onResult(msg);
        page.lecture?.onLabResult(msg);
        break;
      case 'restored':
        state.notice = msg.epoch === null
          ? 'There is no best epoch yet: train at least one epoch first.'
          : `Restored the weights of epoch ${msg.epoch}, the one with the lowest validation loss. Training is paused.`;
        mark('restored', msg.epoch);
        page.bestEpoch.onRestored(msg.epoch);
        page.status.renderMessage();
        break;
      case 'pytorch':
        if (msg.error) {
          state.configError = `Export as PyTorch failed: ${msg.error}`;
          page.status.renderMessage();
        } else downloadText(msg.text, 'overfit_run.py', 'text/x-python');
        break;
      case 'fresh-seed':
        page.config.onFreshSeed(msg.seed);
        break;
      case 'pong':
        page.debug.onPong(msg.id);
        page.lecture?.onReply(msg);
        break;
      default:
        if (LECTURE_QUESTIONS.has(msg.type)) page.lecture?.onReply(msg);
        break;
    }
  };
}
