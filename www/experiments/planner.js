// Owns the Experiments tab's planner: one idle sweep worker (sweep-worker.js) that knows the
// core's knobs, checks and expands sweep specs, summarizes records, writes a spec's Ray Tune
// script and reads sweep CSVs back. It is started on the first question (a page
// that never opens the tab loads no second wasm instance), answers each question by id, and is
// replaced on the next question after it fails to start or traps.

export class Planner {
  constructor() {
    this.worker = null;
    this.nextId = 1;
    /** Questions waiting for an answer: id -> {resolve, reject}. */
    this.waiting = new Map();
  }

  start() {
    this.worker = new Worker(new URL('./sweep-worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data }) => {
      const w = this.waiting.get(data.id);
      if (!w) return;
      this.waiting.delete(data.id);
      if (data.type === 'error') w.reject(Object.assign(new Error(data.message), { field: data.field }));
      else w.resolve(data);
    };
    // A planner that cannot start (or traps) fails every question waiting; the next question
    // starts a new one.
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.worker.terminate();
      this.worker = null;
      for (const w of this.waiting.values()) w.reject(new Error(`The experiments worker failed: ${event.message ?? 'it could not start'}`));
      this.waiting.clear();
    };
  }

  /**
   * Posts `msg` ({type: 'schema'}, {type: 'plan', spec}, {type: 'summary', ...}, {type: 'ray',
   * spec}, {type: 'import-csv', text}) and resolves with the answer.
   */
  ask(msg) {
    return new Promise((resolve, reject) => {
      if (!this.worker) this.start();
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }
}
