// Owns the Experiments pool on the main thread: N Web Workers (www/sweep-worker.js, one wasm
// SweepSession each, apart from the interactive training worker), the runs handed out one at a
// time to whichever worker is free, the records collected as they arrive, and Cancel, which
// terminates every worker at once. The pool only passes messages; what a record holds is the
// core's business (src/sweep.rs).

/** The default number of workers: the cores less one (the page's own), at least 1. */
export function defaultWorkers(cores = globalThis.navigator?.hardwareConcurrency ?? 2) {
  return Math.max(1, (Number(cores) || 2) - 1);
}

/** The most workers the setting allows: the cores this browser reports. */
export function maxWorkers(cores = globalThis.navigator?.hardwareConcurrency ?? 2) {
  return Math.max(1, Number(cores) || 1);
}

export class SweepPool {
  /**
   * `onRecord(record, index, {wasmBytes, ms})` gets each finished run's record (parsed) with the
   * worker's wasm memory and the run's time, `onProgress(index, epoch)`
   * a run's epoch now and then, `onDone({cancelled, ms})` once, `onError(message, index)` a
   * run that failed (the sweep goes on without it).
   */
  constructor({ onRecord, onProgress = () => {}, onDone, onError = () => {} }) {
    Object.assign(this, { onRecord, onProgress, onDone, onError });
    this.workers = [];
    this.running = false;
  }

  /** Runs every index of `count` runs of the sweep `specText` (JSON) on `workers` workers. */
  start(specText, count, workers) {
    this.cancel(false);
    this.running = true;
    this.next = 0;
    this.left = count;
    this.count = count;
    this.started = performance.now();
    const n = Math.max(1, Math.min(workers, count));
    for (let k = 0; k < n; k++) {
      const w = new Worker(new URL('./sweep-worker.js', import.meta.url), { type: 'module' });
      w.onmessage = ({ data }) => this.#message(w, data, specText);
      w.onerror = (event) => {
        event.preventDefault?.();
        this.onError(event.message ?? 'a sweep worker failed', w.index);
        this.#replace(w, specText);
      };
      this.workers.push(w);
      this.#hand(w, specText);
    }
    if (count === 0) this.#finish(false);
  }

  #hand(w, specText) {
    if (!this.running) return;
    if (this.next >= this.count) {
      w.terminate();
      this.workers = this.workers.filter((x) => x !== w);
      return;
    }
    w.index = this.next++;
    w.postMessage({ type: 'run', spec: specText, index: w.index });
  }

  /** A worker that trapped is never used again (its wasm state may be half-updated). */
  #replace(w, specText) {
    w.terminate();
    this.workers = this.workers.filter((x) => x !== w);
    if (!this.running) return;
    this.left -= 1;
    if (this.left <= 0) return this.#finish(false);
    const fresh = new Worker(new URL('./sweep-worker.js', import.meta.url), { type: 'module' });
    fresh.onmessage = ({ data }) => this.#message(fresh, data, specText);
    this.workers.push(fresh);
    this.#hand(fresh, specText);
  }

  #message(w, msg, specText) {
    if (!this.running) return;
    if (msg.type === 'progress') this.onProgress(msg.index, msg.epoch);
    else if (msg.type === 'record') {
      this.left -= 1;
      this.onRecord(JSON.parse(msg.record), msg.index, { wasmBytes: msg.wasmBytes, ms: msg.ms });
      if (this.left <= 0) this.#finish(false);
      else this.#hand(w, specText);
    } else if (msg.type === 'error') {
      this.onError(msg.message, msg.index);
      this.#replace(w, specText);
    }
  }

  #finish(cancelled) {
    const ms = performance.now() - this.started;
    this.running = false;
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.onDone({ cancelled, ms });
  }

  /** Stops every worker at once; `notify` reports the cancelled sweep through onDone. */
  cancel(notify = true) {
    if (!this.running) return;
    if (notify) return this.#finish(true);
    this.running = false;
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}
